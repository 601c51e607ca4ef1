//! The summary of a simulation: what the policy did (events per step and
//! channel, files routed) and where the book stands at the window's end
//! (collected, outstanding, aged balance per debtor).

use crate::amount::Amounts;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Event, Window};
use crate::ledger::{DebtorId, Invoice, Ledger};
use crate::plan::{Action, Plan, StepId};
use crate::vocab::DebtorKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// First day reported (the book's first day when not given).
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    /// Invoices the policy applies to (debtor kind), issued by `to`.
    pub invoices: usize,
    /// Those of them that a step fired for in the window.
    pub chased: usize,
    /// Invoices issued by `to` whose debtor the policy does not cover
    /// (`applies to`: its kind or its country).
    pub not_covered: usize,
    pub events: usize,
    /// Events of each step, in written order (every step, even with none).
    pub steps: Vec<StepCount>,
    /// Events per channel (`phone` for calls), by channel name.
    pub channels: BTreeMap<&'static str, usize>,
    /// Files handed to each destination, by name.
    pub routed: Vec<Routed>,
    /// Payments booked in the window on those invoices.
    pub collected: Decimal,
    /// Credit notes booked in the window on those invoices.
    pub credited: Decimal,
    /// Their outstanding balance at the end of `to`.
    pub outstanding: Decimal,
    /// That balance in the bands of a report, per kind of debtor with a
    /// balance (in [`DebtorKind`] order).
    pub aged_by_kind: Vec<KindAging>,
    /// The aged balance at `to`, per debtor with a balance (by debtor id).
    pub aged: Vec<DebtorAging>,
    pub aged_total: Aging,
    /// Routes the law does not allow for their debtor, by where it lives
    /// (not fired): what `simulate` and `run` report.
    pub refused: Vec<super::Refused>,
    /// Holds, promises, plans and insolvencies (docs/simulation.md,
    /// "Exceptions").
    pub exceptions: ExceptionSummary,
}

/// What the ledger's exceptions came to in the window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionSummary {
    /// Invoices on hold (or in dispute) at the end of `to`.
    pub on_hold: usize,
    /// Promises kept and broken in the window: (count, amount promised).
    pub promises_kept: (usize, Decimal),
    pub promises_broken: (usize, Decimal),
    /// Payment plans completed, and those with an instalment missed.
    pub plans_honoured: usize,
    pub plans_broken: usize,
    /// Debtors in a collective procedure, the proofs of claim whose
    /// deadline is in the window first, then by deadline.
    pub insolvencies: Vec<InsolvencyLine>,
}

impl ExceptionSummary {
    pub fn is_empty(&self) -> bool {
        *self == ExceptionSummary::default()
    }
}

/// A debtor in a collective procedure: the claim to lodge, and by when.
#[derive(Debug, Clone, PartialEq)]
pub struct InsolvencyLine {
    pub debtor: crate::ledger::DebtorId,
    /// The debtor's id in the debtors file.
    pub debtor_ref: String,
    pub procedure: &'static str,
    pub opened: NaiveDate,
    pub published: Option<NaiveDate>,
    /// The last day to lodge the proof of claim (`None`: set by the
    /// judgment, not in the ledger).
    pub deadline: Option<NaiveDate>,
    pub deadline_source: &'static str,
    /// The claim as of the opening judgment: principal, interest,
    /// indemnity (as `policy dossier` computes it).
    pub principal: Decimal,
    pub interest: Decimal,
    pub indemnity: Decimal,
    /// The deadline falls in the window.
    pub due_in_window: bool,
    /// The policy's letters, calls and routes the stay held back in the
    /// window (all but the proof of claim).
    pub stayed: usize,
}

impl InsolvencyLine {
    pub fn claim(&self) -> Decimal {
        self.principal
            .saturating_add(self.interest)
            .saturating_add(self.indemnity)
    }
}

impl ExceptionSummary {
    pub fn of(
        plan: &Plan,
        ledger: &Ledger,
        outcomes: &super::exceptions::Outcomes,
        occurrences: &[super::exceptions::Occurrence],
        stayed: &[super::Stayed],
        window: Window,
    ) -> ExceptionSummary {
        use super::exceptions::EventKind;
        use std::collections::BTreeSet;
        let mut summary = ExceptionSummary::default();
        // A book without exceptions keeps its summary as it was (its
        // disputes are in the events).
        if ledger.exceptions.is_empty() {
            return summary;
        }
        let _ = outcomes;
        let mut seen: BTreeSet<(u32, EventKind)> = BTreeSet::new();
        for o in occurrences {
            let Some(k) = o.exception else { continue };
            if !seen.insert((k, o.kind)) {
                continue; // a debtor-wide one, met on another invoice
            }
            match o.kind {
                EventKind::PromiseKept => {
                    summary.promises_kept.0 += 1;
                    summary.promises_kept.1 = summary.promises_kept.1.saturating_add(o.amount);
                }
                EventKind::PromiseBroken => {
                    summary.promises_broken.0 += 1;
                    summary.promises_broken.1 = summary.promises_broken.1.saturating_add(o.amount);
                }
                EventKind::PlanCompleted => summary.plans_honoured += 1,
                EventKind::InstalmentMissed => summary.plans_broken += 1,
                _ => {}
            }
        }
        // On hold at the end of the window: a hold or dispute still open.
        for (i, invoice) in ledger.invoices.iter().enumerate() {
            if invoice.issued > window.to || ledger.balance_on(invoice, window.to).is_zero() {
                continue;
            }
            let id = crate::ledger::InvoiceId(i as u32);
            let holds = ledger.exceptions_of_debtor(invoice.debtor).iter().any(|e| {
                e.kind == crate::ledger::ExceptionKind::Hold
                    && e.covers(id)
                    && e.date <= window.to
                    && e.until.is_none_or(|u| u >= window.to)
                    && !ledger.exceptions_of_debtor(invoice.debtor).iter().any(|r| {
                        r.kind == crate::ledger::ExceptionKind::Release
                            && r.invoice == e.invoice
                            && r.date >= e.date
                            && r.date <= window.to
                    })
            });
            let disputed = ledger
                .disputes_of(invoice)
                .iter()
                .any(|p| p.start <= window.to && p.end.is_none_or(|e| e > window.to));
            if holds || disputed {
                summary.on_hold += 1;
            }
        }
        summary.insolvencies = insolvencies(plan, ledger, window);
        for line in &mut summary.insolvencies {
            line.stayed = stayed
                .iter()
                .filter(|(invoice, _, _)| ledger.invoice(*invoice).debtor == line.debtor)
                .count();
        }
        summary
    }
}

/// Every debtor in a collective procedure opened by the window's end, with
/// the claim as of the opening judgment and the deadline to lodge it.
pub fn insolvencies(plan: &Plan, ledger: &Ledger, window: Window) -> Vec<InsolvencyLine> {
    let mut lines = Vec::new();
    let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
        return lines;
    };
    let mut last = None;
    for e in &ledger.exceptions {
        if e.kind != crate::ledger::ExceptionKind::Insolvency
            || e.date > window.to
            || last == Some(e.debtor)
        {
            continue;
        }
        last = Some(e.debtor);
        let debtor = ledger.debtor(e.debtor);
        let invoices: Vec<&crate::ledger::Invoice> = ledger
            .invoices
            .iter()
            .filter(|i| i.debtor == e.debtor && i.issued <= e.date)
            .collect();
        let (principal, interest, indemnity) = crate::dossier::claim::at_opening(
            ledger,
            &invoices,
            jurisdiction,
            debtor.kind,
            e.date,
            crate::claim::RateTable::shipped(),
        );
        // A creditor outside metropolitan France has four months (R622-24):
        // the firm's country is not known here; the debtor's jurisdiction
        // is the policy's, so the firm is taken to be there.
        let deadline = crate::law::insolvency::claim_deadline(
            jurisdiction,
            e.date,
            e.published,
            e.until,
            false,
        );
        lines.push(InsolvencyLine {
            debtor: e.debtor,
            debtor_ref: debtor.id.clone(),
            procedure: e.procedure.unwrap_or(""),
            opened: e.date,
            published: e.published,
            deadline: deadline.date,
            deadline_source: deadline.source.cite,
            principal,
            interest,
            indemnity,
            due_in_window: deadline.date.is_some_and(|d| window.contains(d)),
            stayed: 0,
        });
    }
    lines.sort_by_key(|l| (!l.due_in_window, l.deadline, l.debtor));
    lines
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepCount {
    pub step: StepId,
    pub events: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub destination: String,
    pub invoices: usize,
    /// Outstanding on the day each was routed.
    pub amount: Decimal,
}

/// Outstanding balances by days past due.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Aging {
    pub not_due: Decimal,
    pub days_1_30: Decimal,
    pub days_31_60: Decimal,
    pub days_61_90: Decimal,
    pub over_90: Decimal,
}

impl Aging {
    pub(crate) const LABELS: [&'static str; 5] = ["not due", "1-30", "31-60", "61-90", "over 90"];

    pub(crate) fn buckets(&self) -> [Decimal; 5] {
        [
            self.not_due,
            self.days_1_30,
            self.days_31_60,
            self.days_61_90,
            self.over_90,
        ]
    }

    pub fn total(&self) -> Decimal {
        self.buckets().iter().copied().total()
    }

    fn add(&mut self, days_late: i64, amount: Decimal) {
        let bucket = match days_late {
            i64::MIN..=0 => &mut self.not_due,
            1..=30 => &mut self.days_1_30,
            31..=60 => &mut self.days_31_60,
            61..=90 => &mut self.days_61_90,
            _ => &mut self.over_90,
        };
        *bucket = bucket.saturating_add(amount);
    }
}

/// Outstanding balances by days past due in the bands a credit report
/// shows: 0–30 (not yet due included), 31–60, 61–90, 91–180, over 180.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AgeBands(pub [Decimal; 5]);

impl AgeBands {
    /// The last day past due of each band but the last.
    pub(crate) const LAST_DAYS: [i64; 4] = [30, 60, 90, 180];

    /// The band of a balance this many days past due (negative: not yet
    /// due).
    pub fn band(days_late: i64) -> usize {
        Self::LAST_DAYS
            .iter()
            .position(|&last| days_late <= last)
            .unwrap_or(Self::LAST_DAYS.len())
    }

    pub fn add(&mut self, days_late: i64, amount: Decimal) {
        self.0[Self::band(days_late)] = self.0[Self::band(days_late)].saturating_add(amount);
    }

    pub fn total(&self) -> Decimal {
        self.0.iter().copied().total()
    }
}

/// The aged balance of one kind of debtor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindAging {
    pub kind: DebtorKind,
    pub bands: AgeBands,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DebtorAging {
    pub debtor: DebtorId,
    pub aging: Aging,
}

/// Per step: how many events, and for `route` steps the sum of their
/// outstanding amounts (the summary reports no other sum, and a million
/// decimal additions are not free); and how many invoices had any. All the
/// summary needs of the events, so it can be added up by parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepTotals {
    /// Per step: events, sum of outstanding amounts.
    pub steps: Vec<(usize, Decimal)>,
    /// Per step: whether its amounts are summed.
    summed: Vec<bool>,
    /// Invoices with at least one event.
    pub chased: usize,
}

impl StepTotals {
    pub fn new(plan: &Plan) -> Self {
        StepTotals {
            steps: vec![(0, Decimal::ZERO); plan.steps.len()],
            summed: plan
                .steps
                .iter()
                .map(|step| matches!(step.action, Action::Route { .. }))
                .collect(),
            chased: 0,
        }
    }

    /// Totals counted elsewhere (per step: events, sum of outstanding
    /// amounts; invoices with an event), kept as given.
    pub(crate) fn from_counts(counts: Vec<(usize, Decimal)>, chased: usize) -> Self {
        let summed = vec![true; counts.len()];
        StepTotals {
            steps: counts,
            summed,
            chased,
        }
    }

    /// The totals of events produced invoice by invoice (each invoice's
    /// events together, as the engine gives them).
    pub fn of(plan: &Plan, events: &[Event]) -> Self {
        let mut totals = StepTotals::new(plan);
        let mut last = None;
        for event in events {
            totals.add(event);
            if last != Some(event.invoice) {
                totals.chased += 1;
                last = Some(event.invoice);
            }
        }
        totals
    }

    /// Adds the events of one invoice.
    pub(crate) fn add_invoice(&mut self, events: &[Event]) {
        for event in events {
            self.add(event);
        }
        self.chased += usize::from(!events.is_empty());
    }

    fn add(&mut self, event: &Event) {
        if let Some((count, amount)) = self.steps.get_mut(event.step.0) {
            *count += 1;
            if self.summed.get(event.step.0).copied().unwrap_or(false) {
                *amount = amount.saturating_add(event.amount);
            }
        }
    }

    pub(crate) fn merge(&mut self, other: &StepTotals) {
        for (mine, theirs) in self.steps.iter_mut().zip(&other.steps) {
            mine.0 += theirs.0;
            mine.1 = mine.1.saturating_add(theirs.1);
        }
        self.chased += other.chased;
    }
}

/// What the summary needs of the book, added up invoice by invoice, so that
/// the threads simulating ranges of invoices can each add up theirs while
/// the invoice is in cache.
#[derive(Debug, Clone)]
pub(crate) struct BookTotals {
    window: Window,
    invoices: usize,
    not_covered: usize,
    collected: Decimal,
    credited: Decimal,
    /// Each balance left at the window's end: (debtor, days late, balance),
    /// added up per debtor at the end (a part of a large book sees a part
    /// of its debtors, and a table per part was most of its memory).
    balances: Vec<(u32, i32, Decimal)>,
}

impl BookTotals {
    pub fn new(window: Window) -> Self {
        BookTotals {
            window,
            invoices: 0,
            not_covered: 0,
            collected: Decimal::ZERO,
            credited: Decimal::ZERO,
            balances: Vec::new(),
        }
    }

    /// Adds an invoice (`covered`: the policy applies to its debtor).
    pub fn add(&mut self, ledger: &Ledger, invoice: &Invoice, covered: bool) {
        let window = self.window;
        if invoice.issued > window.to {
            return;
        }
        if !covered {
            self.not_covered += 1;
            return;
        }
        self.invoices += 1;
        let entries = ledger.entries_of(invoice);
        let mut settled = Decimal::ZERO;
        for entry in entries {
            if entry.date > window.to || !entry.kind.settles() {
                continue;
            }
            settled = settled.saturating_add(entry.amount);
            if window.contains(entry.date) {
                match entry.kind {
                    crate::ledger::EntryKind::Payment => {
                        self.collected = self.collected.saturating_add(entry.amount);
                    }
                    _ => self.credited = self.credited.saturating_add(entry.amount),
                }
            }
        }
        // Nothing settled: the balance is the amount (positive, as read).
        let balance = if entries.is_empty() {
            invoice.amount
        } else {
            invoice.amount.saturating_sub(settled).max(Decimal::ZERO)
        };
        if balance > Decimal::ZERO {
            let late = (window.to - invoice.due).num_days();
            // Past ±2^31 days every bucket is the same as at the limit.
            let late = i32::try_from(late).unwrap_or(if late < 0 { i32::MIN } else { i32::MAX });
            self.balances.push((invoice.debtor.0, late, balance));
        }
    }

    /// Adds another range's totals (sums are exact: the order does not
    /// matter), taking its balances.
    pub(crate) fn merge(&mut self, other: BookTotals) {
        self.invoices += other.invoices;
        self.not_covered += other.not_covered;
        self.collected = self.collected.saturating_add(other.collected);
        self.credited = self.credited.saturating_add(other.credited);
        if self.balances.is_empty() {
            self.balances = other.balances;
        } else {
            self.balances.extend(other.balances);
        }
    }
}

pub(crate) fn summarise(
    plan: &Plan,
    ledger: &Ledger,
    window: Window,
    totals: &StepTotals,
) -> Summary {
    let mut book = BookTotals::new(window);
    for invoice in &ledger.invoices {
        let debtor = ledger.debtor(invoice.debtor);
        book.add(
            ledger,
            invoice,
            plan.covers(debtor.kind, debtor.country_code()),
        );
    }
    summary_of(plan, ledger, totals, book)
}

/// The summary of a simulation from its events' and the book's totals.
pub(crate) fn summary_of(
    plan: &Plan,
    ledger: &Ledger,
    totals: &StepTotals,
    book: BookTotals,
) -> Summary {
    let window = book.window;
    let mut steps = Vec::new();
    let mut channels: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut routed: BTreeMap<&str, (usize, Decimal)> = BTreeMap::new();
    let mut events = 0;
    for (step, &(count, amount)) in plan.steps.iter().zip(&totals.steps) {
        events += count;
        steps.push(StepCount {
            step: step.id,
            events: count,
        });
        if count == 0 {
            continue;
        }
        match &step.action {
            Action::Send { channels: list, .. } => {
                for channel in list {
                    *channels.entry(channel.as_str()).or_default() += count;
                }
            }
            Action::Call { .. } => *channels.entry("phone").or_default() += count,
            Action::Route { destination, .. } => {
                let entry = routed.entry(destination.as_str()).or_default();
                entry.0 += count;
                entry.1 = entry.1.saturating_add(amount);
            }
            Action::Charge(_) | Action::Stop => {}
        }
    }
    // Per debtor (sums are exact: the order of the balances does not
    // matter), then the total in debtor index order.
    let mut by_debtor: Vec<Option<Aging>> = vec![None; ledger.debtors.len()];
    // Each debtor's kind read once into a small table, and each kind's
    // bands in the order of `DebtorKind::ALL`: a million balances looked
    // their debtor's kind up in a 200-byte `Debtor` and a map each, and
    // the summary outlasted the writing of the rows (docs/performance.md).
    let kinds: Vec<Option<usize>> = ledger
        .debtors
        .iter()
        .map(|d| DebtorKind::ALL.iter().position(|&kind| kind == d.kind))
        .collect();
    let mut by_kind: Vec<Option<AgeBands>> = vec![None; DebtorKind::ALL.len()];
    for &(debtor, days_late, balance) in &book.balances {
        if let Some(aging) = by_debtor.get_mut(debtor as usize) {
            aging
                .get_or_insert_default()
                .add(i64::from(days_late), balance);
        }
        if let Some(bands) = kinds
            .get(debtor as usize)
            .copied()
            .flatten()
            .and_then(|kind| by_kind.get_mut(kind))
        {
            bands
                .get_or_insert_default()
                .add(i64::from(days_late), balance);
        }
    }
    let mut aged_total = Aging::default();
    let mut aged: Vec<DebtorAging> = Vec::new();
    for (debtor, aging) in by_debtor.into_iter().enumerate() {
        let Some(aging) = aging else { continue };
        for (i, amount) in aging.buckets().iter().enumerate() {
            aged_total.add(bucket_day(i), *amount);
        }
        aged.push(DebtorAging {
            debtor: DebtorId(debtor as u32),
            aging,
        });
    }
    aged.sort_by(|a, b| ledger.debtor(a.debtor).id.cmp(&ledger.debtor(b.debtor).id));
    Summary {
        exceptions: ExceptionSummary::default(),
        from: window.from,
        to: window.to,
        invoices: book.invoices,
        not_covered: book.not_covered,
        chased: totals.chased,
        aged_by_kind: DebtorKind::ALL
            .iter()
            .zip(by_kind)
            .filter_map(|(&kind, bands)| {
                Some(KindAging {
                    kind,
                    bands: bands?,
                })
            })
            .collect(),
        events,
        steps,
        channels,
        routed: routed
            .into_iter()
            .map(|(destination, (invoices, amount))| Routed {
                destination: destination.to_string(),
                invoices,
                amount,
            })
            .collect(),
        collected: book.collected,
        credited: book.credited,
        outstanding: aged_total.total(),
        aged,
        aged_total,
        refused: Vec::new(),
    }
}

/// A day count that falls in bucket `i` of [`Aging::buckets`].
fn bucket_day(i: usize) -> i64 {
    [0, 1, 31, 61, 91].get(i).copied().unwrap_or(91)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_end_on_30_60_90_and_180_days_past_due() {
        for (days, band) in [
            (-400, 0),
            (0, 0),
            (30, 0),
            (31, 1),
            (60, 1),
            (61, 2),
            (90, 2),
            (91, 3),
            (180, 3),
            (181, 4),
            (i64::MAX, 4),
        ] {
            assert_eq!(AgeBands::band(days), band, "{days} days");
        }
        let mut bands = AgeBands::default();
        bands.add(-3, Decimal::ONE);
        bands.add(200, Decimal::TEN);
        assert_eq!(bands.0[0], Decimal::ONE);
        assert_eq!(bands.0[4], Decimal::TEN);
        assert_eq!(bands.total(), Decimal::from(11));
    }

    #[test]
    fn totals_past_the_range_of_amounts_saturate_rather_than_panic() {
        // Unreachable from a book (amounts are read up to 10^13), but a
        // total must never abort a run: two invoices of 4 × 10^28 used to.
        let huge = Decimal::from_str_exact("40000000000000000000000000000").unwrap_or(Decimal::MAX);
        let mut bands = AgeBands::default();
        bands.add(10, huge);
        bands.add(10, huge);
        bands.add(400, huge);
        assert_eq!(bands.total(), Decimal::MAX);
        let mut totals = StepTotals::from_counts(vec![(1, huge)], 1);
        totals.merge(&StepTotals::from_counts(vec![(1, huge)], 1));
        assert_eq!(totals.steps[0], (2, Decimal::MAX));
    }
}

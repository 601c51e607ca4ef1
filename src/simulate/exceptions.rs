//! What the ledger's exceptions do to an invoice's schedule
//! (docs/simulation.md, "Exceptions", rules E1 to E6): holds stop the clock
//! as disputes do; promises and payment plans suspend the regular steps
//! without stopping their clock; an insolvency stays every step; and each
//! of them is an event (`promise_broken`, `instalment_missed`,
//! `insolvency`…) the policy's handlers may react to.
//!
//! The outcome of each promise and plan (kept or broken, and when) needs
//! the payments of every invoice it covers (all of a debtor's for a
//! debtor-wide one): it is worked out once per book ([`Outcomes`]), then
//! read for each invoice ([`InvoiceExceptions`]).

use crate::amount::Amounts;
use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{
    DebtorId, DisputePeriod, EntryKind, ExceptionKind, Invoice, InvoiceId, Ledger,
};

/// Something that happened to an invoice, from its ledger: what a handler
/// (`on EVENT …`) reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Dispute,
    Resolve,
    Hold,
    Release,
    PromiseKept,
    PromiseBroken,
    InstalmentMissed,
    PlanCompleted,
    Insolvency,
    Acknowledge,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Dispute,
        EventKind::Resolve,
        EventKind::Hold,
        EventKind::Release,
        EventKind::PromiseKept,
        EventKind::PromiseBroken,
        EventKind::InstalmentMissed,
        EventKind::PlanCompleted,
        EventKind::Insolvency,
        EventKind::Acknowledge,
    ];

    /// The word of the language (`on promise_broken …`) and the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Dispute => "dispute",
            EventKind::Resolve => "resolve",
            EventKind::Hold => "hold",
            EventKind::Release => "release",
            EventKind::PromiseKept => "promise_kept",
            EventKind::PromiseBroken => "promise_broken",
            EventKind::InstalmentMissed => "instalment_missed",
            EventKind::PlanCompleted => "plan_completed",
            EventKind::Insolvency => "insolvency",
            EventKind::Acknowledge => "acknowledge",
        }
    }

    pub(crate) fn from_word(word: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// Its name in French, for the dossier and letters.
    pub fn french(self) -> &'static str {
        match self {
            EventKind::Dispute => "Contestation",
            EventKind::Resolve => "Fin de la contestation",
            EventKind::Hold => "Suspension des relances",
            EventKind::Release => "Reprise des relances",
            EventKind::PromiseKept => "Promesse de paiement tenue",
            EventKind::PromiseBroken => "Promesse de paiement non tenue",
            EventKind::InstalmentMissed => "Échéance impayée",
            EventKind::PlanCompleted => "Échéancier soldé",
            EventKind::Insolvency => "Ouverture d'une procédure collective",
            EventKind::Acknowledge => "Reconnaissance de dette",
        }
    }
}

/// One event of an invoice's ledger, on its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub date: NaiveDate,
    pub invoice: InvoiceId,
    pub debtor: DebtorId,
    pub kind: EventKind,
    /// What it is about: the amount promised, the instalment, the balance.
    pub amount: Decimal,
    /// The ledger exception it comes from (an index in
    /// `Ledger::exceptions`), if any.
    pub exception: Option<u32>,
}

/// How a promise or an instalment turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not an outcome (holds, releases, insolvencies…).
    None,
    /// Kept: paid by its end (the promise's `until` plus the grace, the
    /// plan's last instalment).
    Kept { end: NaiveDate },
    /// Broken (a promise) or missed (an instalment) on `day`: the first day
    /// after its end.
    Broken { day: NaiveDate },
    /// An instalment of a plan after one already missed: no longer counts.
    Void,
    /// Not due yet by the end of the ledger's days (its end is later).
    Pending { end: NaiveDate },
}

/// Every exception's outcome, aligned with `Ledger::exceptions`, and where
/// each debtor's exceptions are.
#[derive(Debug, Clone, Default)]
pub struct Outcomes {
    pub outcomes: Vec<Outcome>,
    /// Each debtor's range in `Ledger::exceptions` (only debtors with some).
    ranges: HashMap<DebtorId, (u32, u32), foldhash::fast::FixedState>,
}

impl Outcomes {
    /// Works out every promise's and plan's outcome. `promise_grace`,
    /// `instalment_grace`: the policy's days of grace.
    pub fn of(ledger: &Ledger, promise_grace: u32, instalment_grace: u32) -> Outcomes {
        let exceptions = &ledger.exceptions;
        let mut outcomes = vec![Outcome::None; exceptions.len()];
        let mut ranges = HashMap::default();
        if exceptions.is_empty() {
            return Outcomes { outcomes, ranges };
        }
        let mut start = 0usize;
        while start < exceptions.len() {
            let debtor = exceptions[start].debtor;
            let end = start
                + exceptions[start..]
                    .iter()
                    .take_while(|e| e.debtor == debtor)
                    .count();
            ranges.insert(debtor, (start as u32, end as u32));
            start = end;
        }
        let mut invoices_of: HashMap<DebtorId, Vec<InvoiceId>, foldhash::fast::FixedState> =
            HashMap::default();
        for (i, invoice) in ledger.invoices.iter().enumerate() {
            if ranges.contains_key(&invoice.debtor) {
                invoices_of
                    .entry(invoice.debtor)
                    .or_default()
                    .push(InvoiceId(i as u32));
            }
        }
        for (&debtor, &(from, to)) in &ranges {
            let group = &exceptions[from as usize..to as usize];
            let all = invoices_of.get(&debtor).map_or(&[][..], Vec::as_slice);
            let scope_invoices = |scope: Option<InvoiceId>| -> Vec<&Invoice> {
                match scope {
                    Some(i) => vec![ledger.invoice(i)],
                    None => all.iter().map(|&i| ledger.invoice(i)).collect(),
                }
            };
            for (k, e) in group.iter().enumerate() {
                if e.kind != ExceptionKind::Promise {
                    continue;
                }
                let Some(until) = e.until else { continue };
                let end = add(until, promise_grace);
                let invoices = scope_invoices(e.invoice);
                let paid = paid_between(ledger, &invoices, e.date, end);
                let balance: Decimal = invoices.iter().map(|i| ledger.balance_on(i, end)).total();
                let kept = balance.is_zero() || e.amount.is_some_and(|a| paid >= a);
                outcomes[from as usize + k] = if kept {
                    Outcome::Kept { end }
                } else {
                    Outcome::Broken { day: add(end, 1) }
                };
            }
            // Plans: the instalments of one scope, in due order.
            let mut scopes: Vec<Option<InvoiceId>> = group
                .iter()
                .filter(|e| e.kind == ExceptionKind::Instalment)
                .map(|e| e.invoice)
                .collect();
            scopes.sort();
            scopes.dedup();
            for scope in scopes {
                let mut plan: Vec<usize> = (0..group.len())
                    .filter(|&k| {
                        group[k].kind == ExceptionKind::Instalment && group[k].invoice == scope
                    })
                    .collect();
                plan.sort_by_key(|&k| (group[k].due, group[k].line));
                let Some(agreed) = plan.iter().map(|&k| group[k].date).min() else {
                    continue;
                };
                let invoices = scope_invoices(scope);
                let mut due_so_far = Decimal::ZERO;
                let mut missed = false;
                let last_end = plan
                    .last()
                    .map(|&k| add(group[k].due.unwrap_or(group[k].date), instalment_grace));
                for &k in &plan {
                    let e = &group[k];
                    if missed {
                        outcomes[from as usize + k] = Outcome::Void;
                        continue;
                    }
                    due_so_far = due_so_far.saturating_add(e.amount.unwrap_or_default());
                    let end = add(e.due.unwrap_or(e.date), instalment_grace);
                    let paid = paid_between(ledger, &invoices, agreed, end);
                    let balance: Decimal =
                        invoices.iter().map(|i| ledger.balance_on(i, end)).total();
                    if paid >= due_so_far || balance.is_zero() {
                        outcomes[from as usize + k] = Outcome::Kept {
                            end: last_end.unwrap_or(end),
                        };
                    } else {
                        missed = true;
                        outcomes[from as usize + k] = Outcome::Broken { day: add(end, 1) };
                    }
                }
            }
        }
        Outcomes { outcomes, ranges }
    }

    /// The debtor's exceptions, with their index in `Ledger::exceptions`.
    pub fn range(&self, debtor: DebtorId) -> Option<(u32, u32)> {
        self.ranges.get(&debtor).copied()
    }
}

fn add(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(days.into())).unwrap_or(day)
}

/// Payments and credit notes on `invoices` from `from` to `to`, both
/// included.
fn paid_between(ledger: &Ledger, invoices: &[&Invoice], from: NaiveDate, to: NaiveDate) -> Decimal {
    invoices
        .iter()
        .flat_map(|i| ledger.entries_of(i))
        .filter(|e| e.kind.settles() && e.date >= from && e.date <= to)
        .map(|e| e.amount)
        .total()
}

/// What the exceptions do to one invoice.
#[derive(Debug, Clone, Default)]
pub struct InvoiceExceptions {
    /// Holds, as dispute periods (start clipped to the issue date).
    pub holds: Vec<DisputePeriod>,
    /// Days the regular steps do not fire on (promises, plans): a step
    /// falling in one fires on the day after it instead (its clock did not
    /// stop). Each `(first, last)`, both included.
    pub suspended: Vec<(NaiveDate, NaiveDate)>,
    /// The opening of a collective procedure: no step fires from that day
    /// (but the handlers on `insolvency`).
    pub insolvent: Option<NaiveDate>,
    /// Its events, in date order.
    pub events: Vec<Occurrence>,
}

impl InvoiceExceptions {
    pub fn clear(&mut self) {
        self.holds.clear();
        self.suspended.clear();
        self.insolvent = None;
        self.events.clear();
    }

    /// Reads the exceptions that concern `invoice` (and its disputes) into
    /// `self`.
    pub fn read(
        &mut self,
        ledger: &Ledger,
        outcomes: &Outcomes,
        id: InvoiceId,
        invoice: &Invoice,
        disputes: &[DisputePeriod],
    ) {
        self.clear();
        let debtor = invoice.debtor;
        let event =
            |date: NaiveDate, kind: EventKind, amount: Decimal, k: Option<u32>| Occurrence {
                date,
                invoice: id,
                debtor,
                kind,
                amount,
                exception: k,
            };
        let entries = ledger.entries_of(invoice);
        if !disputes.is_empty() {
            for entry in entries {
                let kind = match entry.kind {
                    EntryKind::Dispute => EventKind::Dispute,
                    EntryKind::Resolve => EventKind::Resolve,
                    _ => continue,
                };
                if disputes
                    .iter()
                    .any(|p| p.start == entry.date || p.end == Some(entry.date))
                {
                    self.events
                        .push(event(entry.date, kind, Decimal::ZERO, None));
                }
            }
        }
        let Some((from, to)) = outcomes.range(debtor) else {
            self.events.sort_by_key(|e| (e.date, e.kind));
            return;
        };
        let group = &ledger.exceptions[from as usize..to as usize];
        for (k, e) in group.iter().enumerate() {
            if !e.covers(id) {
                continue;
            }
            let index = Some(from + k as u32);
            let balance = |day: NaiveDate| ledger.balance_on(invoice, day);
            match e.kind {
                ExceptionKind::Hold => {
                    // Ends at the first release of the same scope after it,
                    // or the day after `until`.
                    let release = group
                        .iter()
                        .filter(|r| {
                            r.kind == ExceptionKind::Release
                                && r.invoice == e.invoice
                                && r.date >= e.date
                        })
                        .map(|r| r.date)
                        .min();
                    let after_until = e.until.map(|u| add(u, 1));
                    let end = match (release, after_until) {
                        (Some(r), Some(u)) => Some(r.min(u)),
                        (r, u) => r.or(u),
                    };
                    let start = e.date.max(invoice.issued);
                    if end.is_some_and(|end| end <= start) {
                        continue; // ended before the invoice was issued
                    }
                    self.holds.push(DisputePeriod { start, end });
                    if balance(start).is_zero() {
                        continue; // paid: nothing to report
                    }
                    self.events
                        .push(event(start, EventKind::Hold, balance(start), index));
                    if let Some(end) = end {
                        self.events
                            .push(event(end, EventKind::Release, balance(end), index));
                    }
                }
                ExceptionKind::Release => {}
                ExceptionKind::Promise => {
                    let amount = e.amount.unwrap_or_else(|| balance(e.date));
                    match outcomes.outcomes[from as usize + k] {
                        Outcome::Kept { end } => {
                            self.suspended.push((e.date, end));
                            self.events
                                .push(event(end, EventKind::PromiseKept, amount, index));
                        }
                        Outcome::Broken { day } => {
                            self.suspended.push((e.date, day.pred_opt().unwrap_or(day)));
                            self.events
                                .push(event(day, EventKind::PromiseBroken, amount, index));
                        }
                        _ => {}
                    }
                }
                ExceptionKind::Instalment => match outcomes.outcomes[from as usize + k] {
                    Outcome::Broken { day } => {
                        self.events.push(event(
                            day,
                            EventKind::InstalmentMissed,
                            e.amount.unwrap_or_default(),
                            index,
                        ));
                    }
                    Outcome::Kept { end } => {
                        // The plan's last instalment marks its completion.
                        let last = group
                            .iter()
                            .filter(|x| {
                                x.kind == ExceptionKind::Instalment && x.invoice == e.invoice
                            })
                            .map(|x| (x.due, x.line))
                            .max();
                        if last == Some((e.due, e.line)) {
                            self.events.push(event(
                                end,
                                EventKind::PlanCompleted,
                                e.amount.unwrap_or_default(),
                                index,
                            ));
                        }
                    }
                    _ => {}
                },
                ExceptionKind::Insolvency => {
                    // The stay covers every invoice of the debtor from the
                    // opening (those issued later too: nothing is chased);
                    // the event, and so the proof of claim, only those with
                    // a balance that day (claims born before the judgment).
                    if self.insolvent.is_none() {
                        self.insolvent = Some(e.date);
                        if balance(e.date) > Decimal::ZERO {
                            self.events.push(event(
                                e.date,
                                EventKind::Insolvency,
                                balance(e.date),
                                index,
                            ));
                        }
                    }
                }
                ExceptionKind::Acknowledge => {
                    self.events.push(event(
                        e.date,
                        EventKind::Acknowledge,
                        balance(e.date),
                        index,
                    ));
                }
            }
        }
        // Plans: suspended from the day agreed to the day before the first
        // miss, or through the last instalment's end.
        let mut scopes: Vec<Option<InvoiceId>> = group
            .iter()
            .filter(|e| e.kind == ExceptionKind::Instalment && e.covers(id))
            .map(|e| e.invoice)
            .collect();
        scopes.sort();
        scopes.dedup();
        for scope in scopes {
            let members = group
                .iter()
                .enumerate()
                .filter(|(_, e)| e.kind == ExceptionKind::Instalment && e.invoice == scope);
            let mut agreed = None::<NaiveDate>;
            let mut last = None::<NaiveDate>;
            let mut missed = None::<NaiveDate>;
            for (k, e) in members {
                agreed = Some(agreed.map_or(e.date, |a| a.min(e.date)));
                match outcomes.outcomes[from as usize + k] {
                    Outcome::Kept { end } | Outcome::Pending { end } => {
                        last = Some(last.map_or(end, |l| l.max(end)));
                    }
                    Outcome::Broken { day } => {
                        missed = Some(missed.map_or(day, |m| m.min(day)));
                    }
                    Outcome::None | Outcome::Void => {}
                }
            }
            let Some(agreed) = agreed else { continue };
            let end = match missed {
                Some(day) => day.pred_opt().unwrap_or(day),
                None => match last {
                    Some(end) => end,
                    None => continue,
                },
            };
            if end >= agreed {
                self.suspended.push((agreed, end));
            }
        }
        self.suspended.sort();
        self.events.sort_by_key(|e| (e.date, e.kind));
    }

    /// The day a regular step due `day` fires on once promises and plans
    /// suspend it: the day after the suspension it falls in (several in a
    /// row: after the last).
    pub(crate) fn resume(&self, day: NaiveDate) -> NaiveDate {
        let mut day = day;
        for &(first, last) in &self.suspended {
            if first <= day && day <= last {
                day = add(last, 1);
            }
        }
        day
    }
}

/// Dispute periods and holds as one list of periods in start order, where
/// overlapping ones count once (a hold inside a dispute adds nothing).
pub(crate) fn merge_periods(
    disputes: &[DisputePeriod],
    holds: &[DisputePeriod],
) -> Vec<DisputePeriod> {
    let mut all: Vec<DisputePeriod> = disputes.iter().chain(holds).copied().collect();
    all.sort_by_key(|p| (p.start, p.end.is_none(), p.end));
    let mut merged: Vec<DisputePeriod> = Vec::with_capacity(all.len());
    for period in all {
        match merged.last_mut() {
            Some(last) if last.end.is_none_or(|end| period.start <= end) => {
                last.end = match (last.end, period.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push(period),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_hold_inside_a_dispute_adds_nothing() {
        let disputes = [DisputePeriod {
            start: d(3, 1),
            end: Some(d(3, 21)),
        }];
        let holds = [DisputePeriod {
            start: d(3, 5),
            end: Some(d(3, 10)),
        }];
        assert_eq!(merge_periods(&disputes, &holds), disputes.to_vec());
        let later = [DisputePeriod {
            start: d(3, 15),
            end: Some(d(3, 31)),
        }];
        assert_eq!(
            merge_periods(&disputes, &later),
            vec![DisputePeriod {
                start: d(3, 1),
                end: Some(d(3, 31))
            }]
        );
    }
}

//! What the report shows, computed from a simulation and its book: events
//! per period and step, amounts routed per destination and period, the
//! invoices routed, the largest debtors with their last and next steps.
//! Numbers only: the words and the drawing are elsewhere.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{DebtorId, InvoiceId, Ledger};
use crate::plan::{Action, Plan, StepId};
use crate::simulate::{self, AsWritten, Event, RunsFrom, Scratch, Simulation, Window};

/// The length of a chart's bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    /// From a Monday.
    Week,
    Month,
    Year,
}

/// Consecutive periods covering a window: bin `i` runs from `starts[i]`
/// to the next start, the last one to `end` (excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bins {
    pub period: Period,
    pub starts: Vec<NaiveDate>,
    end: NaiveDate,
}

impl Bins {
    /// Periods from the one holding `first` to the one holding `last`,
    /// the shortest from `shortest` on that gives at most `most` bars.
    pub(crate) fn fitting(
        first: NaiveDate,
        last: NaiveDate,
        shortest: Period,
        most: usize,
    ) -> Bins {
        let mut bins = Bins::of(first, last, shortest);
        for period in [Period::Month, Period::Year] {
            if bins.starts.len() > most && period > bins.period {
                bins = Bins::of(first, last, period);
            }
        }
        bins
    }

    fn of(first: NaiveDate, last: NaiveDate, period: Period) -> Bins {
        let mut starts = Vec::new();
        let mut start = Self::start(first, period);
        let end = loop {
            starts.push(start);
            match Self::next(start, period) {
                Some(next) if next <= last => start = next,
                Some(next) => break next,
                None => break NaiveDate::MAX,
            }
        };
        Bins {
            period,
            starts,
            end,
        }
    }

    /// The first day of the period holding `day`.
    fn start(day: NaiveDate, period: Period) -> NaiveDate {
        match period {
            Period::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Period::Month => day.with_day(1).unwrap_or(day),
            Period::Year => day.with_ordinal(1).unwrap_or(day),
        }
    }

    /// The first day of the period after the one starting on `start`.
    fn next(start: NaiveDate, period: Period) -> Option<NaiveDate> {
        match period {
            Period::Week => start.checked_add_days(Days::new(7)),
            Period::Month => start.checked_add_months(chrono::Months::new(1)),
            Period::Year => start.checked_add_months(chrono::Months::new(12)),
        }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// The bin holding `day`.
    pub fn index(&self, day: NaiveDate) -> Option<usize> {
        if day >= self.end {
            return None;
        }
        self.starts
            .partition_point(|start| *start <= day)
            .checked_sub(1)
    }
}

/// The first day a report covers: the window's, or the book's first issue
/// date when the window starts with the book.
pub fn first_day(window: Window, ledger: &Ledger) -> NaiveDate {
    window
        .from
        .or_else(|| ledger.invoices.iter().map(|i| i.issued).min())
        .unwrap_or(window.to)
        .min(window.to)
}

/// What the charts of one version show: events per step and bin, amounts
/// routed per destination and bin. Added up event by event, from a
/// simulation's events or streamed from the engine (the events of a large
/// book are then never held).
#[derive(Debug, Clone)]
pub(crate) struct Charted<'b> {
    bins: &'b Bins,
    routed_bins: &'b Bins,
    /// Per step (by [`StepId`]), per bin of `bins`.
    pub events: Vec<Vec<u64>>,
    /// Per step: its destination's index in `names`, for `route` steps.
    routes: Vec<Option<usize>>,
    /// The destinations of the plan's routes, by name.
    names: Vec<String>,
    /// Per destination, per bin of `routed_bins`; `None` until one is
    /// routed there.
    routed: Vec<Option<Vec<Decimal>>>,
}

impl<'b> Charted<'b> {
    pub fn new(plan: &Plan, bins: &'b Bins, routed_bins: &'b Bins) -> Self {
        let mut names: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|step| match &step.action {
                Action::Route { destination, .. } => Some(destination.clone()),
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        let routes = plan
            .steps
            .iter()
            .map(|step| match &step.action {
                Action::Route { destination, .. } => names.iter().position(|n| n == destination),
                _ => None,
            })
            .collect();
        Charted {
            bins,
            routed_bins,
            events: vec![vec![0; bins.len()]; plan.steps.len()],
            routes,
            routed: vec![None; names.len()],
            names,
        }
    }

    /// The charts of a simulation's events.
    pub(crate) fn of_simulation(
        plan: &Plan,
        sim: &Simulation,
        bins: &'b Bins,
        routed_bins: &'b Bins,
    ) -> Self {
        let mut charted = Charted::new(plan, bins, routed_bins);
        for event in sim.events() {
            charted.add(event);
        }
        charted
    }

    /// The charts of a plan on a book, simulated on both cores without
    /// keeping its events. Charges are not valued: the charts count them.
    pub(crate) fn of_book(
        plan: &Plan,
        ledger: &Ledger,
        window: Window,
        bins: &'b Bins,
        routed_bins: &'b Bins,
    ) -> Self {
        let context =
            simulate::Context::new(plan, ledger, simulate::calendar(plan), window, &AsWritten);
        let mut parts = simulate::run(&context, || Charted::new(plan, bins, routed_bins));
        let mut charted = parts
            .pop()
            .unwrap_or_else(|| Charted::new(plan, bins, routed_bins));
        for part in &parts {
            charted.merge(part);
        }
        charted
    }

    fn add(&mut self, event: &Event) {
        if let (Some(bin), Some(row)) = (
            self.bins.index(event.date),
            self.events.get_mut(event.step.0),
        ) && let Some(count) = row.get_mut(bin)
        {
            *count += 1;
        }
        let Some(&Some(route)) = self.routes.get(event.step.0) else {
            return;
        };
        let bins = self.routed_bins;
        if let (Some(bin), Some(slot)) = (bins.index(event.date), self.routed.get_mut(route)) {
            let row = slot.get_or_insert_with(|| vec![Decimal::ZERO; bins.len()]);
            if let Some(sum) = row.get_mut(bin) {
                *sum = sum.saturating_add(event.amount);
            }
        }
    }

    fn merge(&mut self, other: &Charted<'_>) {
        for (mine, theirs) in self.events.iter_mut().zip(&other.events) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
        for (mine, theirs) in self.routed.iter_mut().zip(&other.routed) {
            let Some(theirs) = theirs else { continue };
            let mine = mine.get_or_insert_with(|| vec![Decimal::ZERO; theirs.len()]);
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m = m.saturating_add(*t);
            }
        }
    }

    /// Amounts routed per destination (by name, those with any) and bin of
    /// `routed_bins`: each invoice's balance on the day it is routed.
    pub fn routed(&self) -> Vec<(String, Vec<Decimal>)> {
        self.names
            .iter()
            .zip(&self.routed)
            .filter_map(|(name, row)| Some((name.clone(), row.clone()?)))
            .collect()
    }
}

impl simulate::Sink for Charted<'_> {
    fn invoice(&mut self, _: &crate::ledger::Invoice, events: &[Event]) {
        for event in events {
            self.add(event);
        }
    }
}

/// The destination of a `route` step.
fn destination(plan: &Plan, step: StepId) -> Option<&str> {
    match &plan.step(step)?.action {
        Action::Route { destination, .. } => Some(destination),
        _ => None,
    }
}

/// An invoice handed to a court, lawyer or bailiff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RoutedInvoice {
    pub date: NaiveDate,
    pub invoice: InvoiceId,
    pub debtor: DebtorId,
    pub step: StepId,
    /// Its balance that day.
    pub amount: Decimal,
}

/// Every invoice routed in the window, by date then reference.
pub(crate) fn routed_invoices(plan: &Plan, sim: &Simulation) -> Vec<RoutedInvoice> {
    sim.events()
        .filter(|e| destination(plan, e.step).is_some())
        .map(|e| RoutedInvoice {
            date: e.date,
            invoice: e.invoice,
            debtor: e.debtor,
            step: e.step,
            amount: e.amount,
        })
        .collect()
}

/// A step done or due for one of a debtor's invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepDay {
    pub date: NaiveDate,
    pub step: StepId,
    pub invoice: InvoiceId,
    /// Other open invoices of the debtor with the same step that day.
    pub others: usize,
}

/// One of the largest debtors.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DebtorLine {
    pub debtor: DebtorId,
    /// At the window's end, over the invoices the policy covers.
    pub outstanding: Decimal,
    pub open_invoices: usize,
    /// Days past due of its oldest open invoice (negative: none due yet).
    pub days_late: i64,
    /// Its last letter, call or route in the window.
    pub last: Option<StepDay>,
    /// What the policy does next, after the window.
    pub next: Option<StepDay>,
}

/// How far past the window the next step is looked for.
const NEXT_HORIZON_DAYS: u64 = 10 * 366;

/// The `n` debtors with the largest balance at the window's end (ties by
/// id), with their last step in the window and the policy's next one.
///
/// The next step is scheduled as the simulation was (`runs_from`), past
/// the window, on the book as it is; charges are not valued (only the
/// step is shown), so that no rate is looked up for future days.
pub(crate) fn largest_debtors(
    plan: &Plan,
    ledger: &Ledger,
    sim: &Simulation,
    runs_from: Option<RunsFrom<'_>>,
    n: usize,
) -> Vec<DebtorLine> {
    let summary = &sim.summary;
    let to = summary.to;
    let mut ranked: Vec<(Decimal, DebtorId)> = summary
        .aged
        .iter()
        .map(|a| (a.aging.total(), a.debtor))
        .filter(|(total, _)| *total > Decimal::ZERO)
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| ledger.debtor(a.1).id.cmp(&ledger.debtor(b.1).id))
    });
    ranked.truncate(n);
    // Each chosen debtor's place in the list.
    let mut place: Vec<Option<usize>> = vec![None; ledger.debtors.len()];
    let mut lines: Vec<DebtorLine> = ranked
        .iter()
        .enumerate()
        .map(|(i, &(outstanding, debtor))| {
            if let Some(slot) = place.get_mut(debtor.0 as usize) {
                *slot = Some(i);
            }
            DebtorLine {
                debtor,
                outstanding,
                open_invoices: 0,
                days_late: i64::MIN,
                last: None,
                next: None,
            }
        })
        .collect();
    let line_of = |debtor: DebtorId| place.get(debtor.0 as usize).copied().flatten();
    let acts = |step: StepId| plan.step(step).is_some_and(|s| s.action.has_output());

    for event in sim.events().filter(|e| acts(e.step)) {
        if let Some(line) = line_of(event.debtor).and_then(|i| lines.get_mut(i)) {
            // By date: the last seen is the latest.
            line.last = Some(StepDay {
                date: event.date,
                step: event.step,
                invoice: event.invoice,
                others: 0,
            });
        }
    }

    let after = Window {
        from: to.checked_add_days(Days::new(1)),
        to: to
            .checked_add_days(Days::new(NEXT_HORIZON_DAYS))
            .unwrap_or(to),
    };
    let context = simulate::Context::new(plan, ledger, simulate::calendar(plan), after, &AsWritten)
        .with_runs_from(runs_from);
    let mut scratch = Scratch::default();
    let mut events = Vec::new();
    for (i, invoice) in ledger.invoices.iter().enumerate() {
        let Some(line) = line_of(invoice.debtor).and_then(|i| lines.get_mut(i)) else {
            continue;
        };
        if invoice.issued > to || ledger.balance_on(invoice, to) <= Decimal::ZERO {
            continue;
        }
        line.open_invoices += 1;
        line.days_late = line.days_late.max((to - invoice.due).num_days());
        events.clear();
        let id = InvoiceId(i as u32);
        simulate::schedule_invoice(&context, id, invoice, &mut scratch, &mut events);
        scratch.held.clear();
        let Some(first) = events.iter().find(|e| acts(e.step)) else {
            continue;
        };
        let mine = (first.date, first.step);
        match &mut line.next {
            Some(next) if (next.date, next.step) == mine => next.others += 1,
            Some(next) if (next.date, next.step) < mine => {}
            slot => {
                *slot = Some(StepDay {
                    date: first.date,
                    step: first.step,
                    invoice: id,
                    others: 0,
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_cover_the_window() {
        // 2025-01-01 is a Wednesday.
        let bins = Bins::fitting(day("2025-01-01"), day("2025-12-31"), Period::Week, 60);
        assert_eq!(bins.period, Period::Week);
        assert_eq!(bins.starts[0], day("2024-12-30"));
        assert_eq!(bins.len(), 53);
        assert_eq!(bins.index(day("2025-01-05")), Some(0));
        assert_eq!(bins.index(day("2025-01-06")), Some(1));
        assert_eq!(bins.index(day("2025-12-31")), Some(52));
        assert_eq!(bins.index(day("2024-12-29")), None);
        assert_eq!(bins.index(day("2026-01-05")), None);
    }

    #[test]
    fn long_windows_take_months_then_years() {
        let bins = Bins::fitting(day("2020-01-15"), day("2024-12-31"), Period::Week, 60);
        assert_eq!(bins.period, Period::Month);
        assert_eq!(bins.starts[0], day("2020-01-01"));
        assert_eq!(bins.len(), 60);
        let bins = Bins::fitting(day("1925-01-15"), day("2024-12-31"), Period::Week, 60);
        assert_eq!(bins.period, Period::Year);
        assert_eq!(bins.len(), 100);
        assert_eq!(bins.index(day("2024-12-31")), Some(99));
        assert_eq!(bins.index(day("2025-01-01")), None);
    }
}

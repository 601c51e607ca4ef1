//! The engine: each invoice's steps, in date then written order, computed
//! from its dates alone. [`schedule_invoice`] holds every rule about when a
//! step fires; the rest only feeds it.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::exceptions::{InvoiceExceptions, Occurrence, Outcomes, merge_periods};
use super::{ChargeContext, ChargeResolver, Event, Recipients, Window};
use crate::calendar::Calendar;
use crate::law::{NotHere, RouteDomicile};
use crate::ledger::{DebtorId, DisputePeriod, EntryKind, Invoice, InvoiceId, Ledger, disputes};
use crate::plan::{Action, Anchor, Cond, Facts, Plan, StepId};
use crate::vocab::{DebtorKind, Field, Recipient};

/// What every invoice's scheduling shares.
pub struct Context<'a> {
    pub plan: &'a Plan,
    pub ledger: &'a Ledger,
    pub calendar: Calendar,
    pub window: Window,
    pub resolver: &'a dyn ChargeResolver,
    /// For each step, the steps timed from it.
    dependents: Vec<Vec<usize>>,
    /// Steps timed from the due or issue date.
    roots: Vec<usize>,
    /// Handlers timed from a ledger event (`on EVENT …`), with it.
    handlers: Vec<(super::exceptions::EventKind, usize)>,
    /// What the steps ask of each debtor, by index: read for every invoice,
    /// so kept small enough to stay in cache (a `Debtor` is 200 bytes, and
    /// reading its kind was half the time of scheduling an invoice).
    debtors: Vec<DebtorFacts>,
    /// Per debtor, (day, outstanding over its invoices from that day on),
    /// when a condition uses `total`.
    totals: Option<Vec<Vec<(NaiveDate, Decimal)>>>,
    /// When `policy run` first works on each invoice: see [`RunsFrom`].
    runs_from: Option<RunsFrom<'a>>,
    /// For each route step, the law's rule on the debtor's domicile
    /// (`None`: no jurisdiction, or not a route).
    routes: Vec<Option<RouteDomicile>>,
    /// How each promise and payment plan of the ledger turned out.
    pub outcomes: Outcomes,
}

/// A route the law does not allow for the invoice's debtor, by where the
/// debtor lives: it does not fire, and says why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Refused {
    pub invoice: InvoiceId,
    pub step: StepId,
    pub date: NaiveDate,
    pub why: NotHere,
}

/// The first run day of each invoice, for the catch-up rule (docs/run.md):
/// nothing is sent before it, and an invoice whose schedule is already under
/// way that day has its whole schedule moved so that its first action goes
/// out on it, every later step keeping its written distance.
#[derive(Debug, Clone, Copy)]
pub enum RunsFrom<'a> {
    /// The same day for every invoice: `policy simulate --runs-from`.
    Day(NaiveDate),
    /// What the journal of `policy run` holds: see [`Journaled`].
    Journal(Journaled<'a>),
}

/// What `policy run` knows of each invoice from its journal, by
/// [`InvoiceId`] (a missing entry: nothing journaled).
#[derive(Debug, Clone, Copy)]
pub struct Journaled<'a> {
    /// The day of the journal's first action for the invoice.
    pub first_days: &'a [Option<NaiveDate>],
    /// The steps already done for the invoice, with the day each was done
    /// (its first action's day).
    pub performed: &'a [Vec<(StepId, NaiveDate)>],
    /// The run's day.
    pub today: NaiveDate,
}

impl RunsFrom<'_> {
    fn of(&self, id: InvoiceId) -> NaiveDate {
        match *self {
            RunsFrom::Day(day) => day,
            RunsFrom::Journal(journaled) => journaled
                .first_days
                .get(id.0 as usize)
                .copied()
                .flatten()
                .unwrap_or(journaled.today),
        }
    }
}

/// The days steps are actually done on when runs were missed (docs/run.md,
/// "Missed runs"): a step already journaled was done on its journal day; a
/// step overdue and not yet done goes out on the run's day, but only the
/// earliest of an invoice's overdue days goes out on one run, the others
/// waiting for the next runs; every step comes after the steps before it.
/// Steps timed from another step are then timed from the day it was
/// actually done, so they keep their written distance from it.
struct CatchUp<'a> {
    performed: &'a [(StepId, NaiveDate)],
    today: NaiveDate,
    /// The nominal and actual day of the last step with an output.
    last_output: Option<(NaiveDate, NaiveDate)>,
    /// The actual day of the last step done.
    last: Option<NaiveDate>,
    /// The nominal day of the overdue steps going out today.
    today_for: Option<NaiveDate>,
}

impl<'a> CatchUp<'a> {
    /// The day step `i`, due `nominal` as scheduled, is actually done on
    /// (a day after `today` for a step not done by this run).
    fn day(&self, nominal: NaiveDate, i: usize, output: bool) -> NaiveDate {
        if !output {
            // A charge or stop takes effect with the steps before it.
            return self.last.map_or(nominal, |last| nominal.max(last));
        }
        if let Some(&(_, done)) = self.performed.iter().find(|(step, _)| step.0 == i) {
            return done;
        }
        let floor = match self.last_output {
            Some((n, actual)) if n == nominal => actual,
            Some((_, actual)) => actual.succ_opt().unwrap_or(actual),
            None => nominal,
        };
        let earliest = nominal.max(floor).max(self.last.unwrap_or(nominal));
        if earliest > self.today {
            return earliest;
        }
        match self.today_for {
            Some(n) if n != nominal => self.today.succ_opt().unwrap_or(self.today),
            _ => self.today,
        }
    }

    /// Records that step `i`, due `nominal`, was done (or will be) on `day`.
    fn done(&mut self, nominal: NaiveDate, i: usize, day: NaiveDate, output: bool) {
        self.last = Some(self.last.map_or(day, |last| last.max(day)));
        if output {
            self.last_output = Some((nominal, day));
            let journaled = self.performed.iter().any(|(step, _)| step.0 == i);
            if day == self.today && !journaled {
                self.today_for.get_or_insert(nominal);
            }
        }
    }
}

impl<'a> Context<'a> {
    pub fn new(
        plan: &'a Plan,
        ledger: &'a Ledger,
        calendar: Calendar,
        window: Window,
        resolver: &'a dyn ChargeResolver,
    ) -> Self {
        let mut dependents = vec![Vec::new(); plan.steps.len()];
        let mut roots = Vec::new();
        let mut handlers = Vec::new();
        for (i, step) in plan.steps.iter().enumerate() {
            match step.when.anchor {
                Anchor::Step(StepId(anchor)) if anchor < i => dependents[anchor].push(i),
                // The compiler only anchors on earlier steps; anything else
                // could never be scheduled, so it is treated as never firing.
                Anchor::Step(_) => {}
                Anchor::Due | Anchor::Issue => roots.push(i),
                Anchor::Event(kind) => handlers.push((kind, i)),
            }
        }
        let uses_total = plan.steps.iter().any(|s| {
            s.condition
                .as_ref()
                .is_some_and(|c| mentions(&c.expr, Field::Total))
        });
        let totals = uses_total.then(|| debtor_totals(ledger));
        let debtors = ledger
            .debtors
            .iter()
            .map(|debtor| DebtorFacts {
                kind: debtor.kind,
                guaranteed: debtor.is_guaranteed(),
                country: debtor.country_code(),
                trader: debtor.trader().ok().flatten(),
                atoms: plan
                    .debtor_atoms
                    .iter()
                    .filter(|atom| atom.holds(plan.debtor_cell(debtor, &atom.column)))
                    .fold(0u64, |bits, atom| bits | 1 << atom.index),
            })
            .collect();
        let routes = plan
            .steps
            .iter()
            .map(|step| match (&step.action, &plan.jurisdiction) {
                (
                    Action::Route {
                        destination,
                        procedure,
                    },
                    Some(j),
                ) => Some(RouteDomicile::of(
                    j.value,
                    destination,
                    procedure.as_deref(),
                )),
                _ => None,
            })
            .collect();
        let outcomes = Outcomes::of(
            ledger,
            plan.promise_grace_days(),
            plan.instalment_grace_days(),
        );
        Context {
            plan,
            ledger,
            calendar,
            window,
            resolver,
            dependents,
            roots,
            handlers,
            debtors,
            totals,
            runs_from: None,
            routes,
            outcomes,
        }
    }

    /// Schedules as `policy run` does (see [`RunsFrom`]).
    pub(crate) fn with_runs_from(mut self, runs_from: Option<RunsFrom<'a>>) -> Self {
        self.runs_from = runs_from;
        self
    }

    /// Starts loading what simulating an invoice of `debtor` reads of it.
    fn prefetch(&self, debtor: DebtorId) {
        crate::prefetch::read_at(&self.debtors, debtor.0 as usize);
    }

    /// The kind of a debtor, and whether it has a guarantor.
    pub fn debtor(&self, debtor: DebtorId) -> DebtorFacts {
        self.debtors[debtor.0 as usize]
    }

    /// The debtor's outstanding balance over all its invoices on `day`.
    fn total(&self, debtor: DebtorId, day: NaiveDate) -> Decimal {
        let Some(timeline) = self.totals.as_ref().and_then(|t| t.get(debtor.0 as usize)) else {
            return Decimal::ZERO;
        };
        let at = timeline.partition_point(|(d, _)| *d <= day);
        at.checked_sub(1)
            .and_then(|i| timeline.get(i))
            .map_or(Decimal::ZERO, |(_, total)| *total)
    }
}

/// What the steps ask of a debtor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebtorFacts {
    pub kind: DebtorKind,
    pub guaranteed: bool,
    /// ISO 3166 alpha-2, upper case; `None` when not given.
    pub country: Option<[u8; 2]>,
    /// The `trader` column: a trader or not; `None` when not said.
    pub trader: Option<bool>,
    /// The truth of the plan's debtor comparisons for it.
    pub atoms: u64,
}

impl DebtorFacts {
    pub fn country(&self) -> Option<&str> {
        self.country
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }
}

fn mentions(cond: &Cond, field: Field) -> bool {
    match cond {
        Cond::Compare { field: f, .. } => *f == field,
        Cond::Flag { .. } | Cond::Debtor(_) => false,
        Cond::Not(inner) => mentions(inner, field),
        Cond::All(parts) | Cond::Any(parts) => parts.iter().any(|p| mentions(p, field)),
    }
}

/// Per debtor: the running total of its balances, as (day, total) steps.
fn debtor_totals(ledger: &Ledger) -> Vec<Vec<(NaiveDate, Decimal)>> {
    let mut deltas: Vec<Vec<(NaiveDate, Decimal)>> = vec![Vec::new(); ledger.debtors.len()];
    for invoice in &ledger.invoices {
        let Some(list) = deltas.get_mut(invoice.debtor.0 as usize) else {
            continue;
        };
        list.push((invoice.issued, invoice.amount));
        let mut left = invoice.amount;
        for entry in ledger.entries_of(invoice) {
            if entry.kind.settles() && left > Decimal::ZERO {
                // An overpayment lowers no other invoice's balance.
                let paid = entry.amount.min(left);
                left = left.saturating_sub(paid);
                list.push((entry.date.max(invoice.issued), std::ops::Neg::neg(paid)));
            }
        }
    }
    for list in &mut deltas {
        list.sort_unstable_by_key(|(d, _)| *d);
        let mut running = Decimal::ZERO;
        let mut merged: Vec<(NaiveDate, Decimal)> = Vec::with_capacity(list.len());
        for &(day, delta) in list.iter() {
            running = running.saturating_add(delta);
            match merged.last_mut() {
                Some(last) if last.0 == day => last.1 = running,
                _ => merged.push((day, running)),
            }
        }
        *list = merged;
    }
    deltas
}

/// What receives the events of a range of invoices, invoice by invoice (in
/// reference order; each invoice's in date then written order).
pub trait Sink: Send {
    /// The events of one invoice (possibly none).
    fn invoice(&mut self, invoice: &Invoice, events: &[Event]);

    /// Told of an invoice a few before it comes, to start loading what
    /// taking it will read (see [`crate::prefetch`]).
    fn prefetch(&self, _invoice: &Invoice) {}

    /// The steps of one invoice that a run leaves for its next runs, with
    /// the day they fell due (only when scheduling from a journal).
    fn held(&mut self, _held: &[(InvoiceId, StepId, NaiveDate)]) {}

    /// The routes of one invoice the law does not allow for its debtor.
    fn refused(&mut self, _refused: &[Refused]) {}

    /// The steps of one invoice the stay of its debtor's insolvency held
    /// back, with their day.
    fn stayed(&mut self, _stayed: &[(InvoiceId, StepId, NaiveDate)]) {}

    /// The events of one invoice's ledger in the window (holds, promises
    /// kept or broken, instalments missed, insolvency…).
    fn occurrences(&mut self, _occurrences: &[Occurrence]) {}
}

impl Sink for Vec<Event> {
    fn invoice(&mut self, _: &Invoice, events: &[Event]) {
        self.extend_from_slice(events);
    }
}

/// Simulates every invoice, in the ledger's (reference) order, on every
/// core when the book is large: the invoices are cut into contiguous parts,
/// more than there are cores (the early invoices of a book have more
/// events in a window than the late ones), each fed to its own sink, the
/// cores taking the next part as they finish one. The sinks come back in
/// part order, so concatenating them keeps the invoices' order.
pub fn run<S: Sink>(context: &Context<'_>, make: impl Fn() -> S + Sync) -> Vec<S> {
    let invoices = &context.ledger.invoices;
    in_ranges(invoices.len(), |range| {
        let mut sink = make();
        let mut events = Vec::new();
        let mut scratch = Scratch::default();
        for i in range.clone() {
            // Its debtor's facts are a cache miss in a large book: asked
            // for a few invoices ahead.
            if let Some(ahead) = invoices.get(i + AHEAD).filter(|_| i + AHEAD < range.end) {
                context.prefetch(ahead.debtor);
                sink.prefetch(ahead);
            }
            events.clear();
            let id = InvoiceId(i as u32);
            schedule_invoice(context, id, &invoices[i], &mut scratch, &mut events);
            sink.invoice(&invoices[i], &events);
            if !scratch.held.is_empty() {
                sink.held(&scratch.held);
                scratch.held.clear();
            }
            if !scratch.refused.is_empty() {
                sink.refused(&scratch.refused);
                scratch.refused.clear();
            }
            if !scratch.stayed.is_empty() {
                sink.stayed(&scratch.stayed);
                scratch.stayed.clear();
            }
            if !scratch.exceptions.events.is_empty() {
                let window = context.window;
                scratch
                    .exceptions
                    .events
                    .retain(|e| window.contains(e.date));
                sink.occurrences(&scratch.exceptions.events);
            }
        }
        sink
    })
}

/// How many invoices ahead their debtors' data is asked for.
const AHEAD: usize = 4;

/// Runs `chunk` over `0..n` (invoice indices): in one go for a small book,
/// else on contiguous ranges, one per core. The results come back in range
/// order. `policy diff` schedules two plans per invoice through it.
pub fn in_ranges<S: Send>(n: usize, chunk: impl Fn(std::ops::Range<usize>) -> S + Sync) -> Vec<S> {
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get().min(4));
    if n < 50_000 || threads < 2 {
        return vec![chunk(0..n)];
    }
    let parts = threads * 4;
    let per = n.div_ceil(parts);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(parts));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let part = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if part >= parts {
                        break;
                    }
                    let sink = chunk((part * per).min(n)..((part + 1) * per).min(n));
                    done.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((part, sink));
                }
            });
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(part, _)| *part);
    done.into_iter().map(|(_, sink)| sink).collect()
}

/// Buffers reused from one invoice to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The steps timed from the invoice's dates, sorted by (day, written
    /// order).
    queue: Vec<(NaiveDate, usize)>,
    /// The steps timed from other steps, as those fire, earliest (day,
    /// written order) first: a heap, so that an invoice costs O(steps log
    /// steps) (a linear scan per step made 10,000 steps take seconds per
    /// book, issue 17).
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(NaiveDate, usize)>>,
    periods: Vec<DisputePeriod>,
    /// Steps overdue that a run leaves for its next runs (catch-up), with
    /// the day they fell due.
    pub held: Vec<(InvoiceId, StepId, NaiveDate)>,
    /// Routes the law does not allow for their debtor.
    pub refused: Vec<Refused>,
    /// Steps with an output the stay of an insolvency held back, with
    /// their day (reported per debtor in the summary).
    pub stayed: Vec<(InvoiceId, StepId, NaiveDate)>,
    /// What the ledger's exceptions do to the invoice.
    pub exceptions: InvoiceExceptions,
}

/// Fires the steps of one invoice, appending its events (in date, then
/// written order) to `out`. Every rule of docs/simulation.md about when a
/// step fires lives here and in [`fire`].
pub fn schedule_invoice(
    context: &Context<'_>,
    id: InvoiceId,
    invoice: &Invoice,
    scratch: &mut Scratch,
    out: &mut Vec<Event>,
) {
    let Some(runs_from) = context.runs_from else {
        fire(context, id, invoice, scratch, out, 0, context.window, None);
        return;
    };
    // Catch-up: find the invoice's first action as written, and move the
    // schedule by how late the first run comes for it.
    let first_run = runs_from.of(id);
    let start = out.len();
    let refused = scratch.refused.len();
    let stayed = scratch.stayed.len();
    let unreported = Window {
        from: None,
        to: context.window.to.max(first_run),
    };
    fire(context, id, invoice, scratch, out, 0, unreported, None);
    let first = out[start..]
        .iter()
        .find(|e| context.plan.steps[e.step.0].action.has_output())
        .map(|e| e.date);
    out.truncate(start);
    scratch.refused.truncate(refused);
    scratch.stayed.truncate(stayed);
    let delay = first
        .and_then(|day| u64::try_from((first_run - day).num_days()).ok())
        .unwrap_or(0);
    let catch_up = match runs_from {
        RunsFrom::Day(_) => None,
        RunsFrom::Journal(journaled) => Some(CatchUp {
            performed: journaled
                .performed
                .get(id.0 as usize)
                .map_or(&[][..], Vec::as_slice),
            today: journaled.today,
            last_output: None,
            last: None,
            today_for: None,
        }),
    };
    fire(
        context,
        id,
        invoice,
        scratch,
        out,
        delay,
        context.window,
        catch_up,
    );
}

/// The steps of one invoice with its due and issue dates' steps moved
/// `delay` days later, reported on `window`; with `catch_up`, on the days
/// `policy run` actually does them (see [`CatchUp`]).
#[allow(clippy::too_many_arguments)]
fn fire(
    context: &Context<'_>,
    id: InvoiceId,
    invoice: &Invoice,
    scratch: &mut Scratch,
    out: &mut Vec<Event>,
    delay: u64,
    window: Window,
    mut catch_up: Option<CatchUp<'_>>,
) {
    let plan = context.plan;
    let ledger = context.ledger;
    let debtor = ledger.debtor(invoice.debtor);
    let facts = context.debtor(invoice.debtor);
    // Nothing of the invoice before may be left for the next one.
    scratch.exceptions.clear();
    if !plan.covers(facts.kind, facts.country) {
        return;
    }
    let entries = ledger.entries_of(invoice);
    scratch.periods.clear();
    if entries
        .iter()
        .any(|e| matches!(e.kind, EntryKind::Dispute | EntryKind::Resolve))
    {
        scratch.periods = disputes(entries, |_, _| {});
    }
    scratch.exceptions.clear();
    if !scratch.periods.is_empty() || context.outcomes.range(invoice.debtor).is_some() {
        scratch
            .exceptions
            .read(ledger, &context.outcomes, id, invoice, &scratch.periods);
        if !scratch.exceptions.holds.is_empty() {
            scratch.periods = merge_periods(&scratch.periods, &scratch.exceptions.holds);
        }
    }
    let periods = &scratch.periods;
    let exceptions = &scratch.exceptions;
    let insolvent = exceptions.insolvent;
    // The day the balance reaches zero: nothing fires from that day on.
    let mut settled = Decimal::ZERO;
    let mut paid_on = None;
    for entry in entries.iter().filter(|e| e.kind.settles()) {
        settled = settled.saturating_add(entry.amount);
        if settled >= invoice.amount {
            paid_on = Some(entry.date);
            break;
        }
    }
    let balance_on = |day: NaiveDate| -> (Decimal, bool) {
        let mut settled = Decimal::ZERO;
        let mut any = false;
        for entry in entries.iter().take_while(|e| e.date <= day) {
            if entry.kind.settles() {
                settled = settled.saturating_add(entry.amount);
                any = true;
            }
        }
        (
            invoice.amount.saturating_sub(settled).max(Decimal::ZERO),
            any,
        )
    };

    let queue = &mut scratch.queue;
    queue.clear();
    for &i in &context.roots {
        let step = &plan.steps[i];
        let base = match step.when.anchor {
            Anchor::Issue => invoice.issued,
            _ => invoice.due,
        };
        // `5 days before due` counts back from the due date.
        let nominal = step.when.day(base, &context.calendar);
        if let Some(day) = nominal
            .and_then(|d| shift(d, periods, None))
            .map(|d| exceptions.resume(d))
            .and_then(|d| working(context, i, d))
        {
            queue.push((day, i));
        }
    }
    // Handlers: on each event of the invoice's ledger they react to.
    if !context.handlers.is_empty() {
        for occurrence in &exceptions.events {
            for &(kind, i) in &context.handlers {
                if kind != occurrence.kind {
                    continue;
                }
                let offset = plan.steps[i].when.offset;
                if let Some(day) = context
                    .calendar
                    .add(occurrence.date, offset)
                    .and_then(|d| shift(d, periods, Some(occurrence.date)))
                    .and_then(|d| working(context, i, d))
                {
                    queue.push((day, i));
                }
            }
        }
    }
    if delay > 0 {
        for (day, i) in queue.iter_mut() {
            // A day past the calendar's end never comes; keeping it is harmless.
            let later = day.checked_add_days(Days::new(delay)).unwrap_or(*day);
            *day = working(context, *i, later).unwrap_or(later);
        }
    }
    let mut stopped: Option<(NaiveDate, usize)> = None;
    // The steps timed from the dates, sorted; the steps timed from other
    // steps join a heap as those fire. The earliest (day, written order)
    // of the two comes next. Most plans time no step from another: then
    // sorting a few steps is all, a tenth of `fire` for a heap
    // (callgrind, docs/performance.md).
    queue.sort_unstable();
    let mut timed = queue.iter().copied().peekable();
    let heap = &mut scratch.heap;
    heap.clear();
    loop {
        let next = match (timed.peek(), heap.peek()) {
            (Some(&root), Some(&std::cmp::Reverse(timed_from_step))) if timed_from_step < root => {
                heap.pop().map(|std::cmp::Reverse(next)| next)
            }
            (Some(_), _) => timed.next(),
            (None, _) => heap.pop().map(|std::cmp::Reverse(next)| next),
        };
        let Some((nominal, i)) = next else {
            break;
        };
        let step = &plan.steps[i];
        let output = step.action.has_output();
        let day = catch_up
            .as_ref()
            .map_or(nominal, |c| c.day(nominal, i, output));
        // A run's own day may be a day off too.
        let day = working(context, i, day).unwrap_or(day);
        if day > window.to {
            if let Some(c) = catch_up.as_mut() {
                if output && nominal <= c.today {
                    scratch.held.push((id, step.id, nominal));
                }
                // What comes after a held step waits for it.
                c.done(nominal, i, day, output);
            }
            continue;
        }
        if paid_on.is_some_and(|paid| paid <= day) || stopped.is_some_and(|s| (nominal, i) > s) {
            continue;
        }
        // The stay of individual proceedings (C. com. L622-21, R15): only
        // what reacts to the insolvency (the proof of claim) goes on.
        if insolvent.is_some_and(|opened| day >= opened)
            && step.trigger != Some(super::exceptions::EventKind::Insolvency)
        {
            if output && window.contains(day) {
                scratch.stayed.push((id, step.id, day));
            }
            continue;
        }
        let (amount, any_settled) = balance_on(day);
        if plan.minimum.as_ref().is_some_and(|m| amount < m.value) {
            continue;
        }
        if let Some(condition) = &step.condition {
            let facts = Facts {
                amount,
                total: context.total(invoice.debtor, day),
                days_late: (day - invoice.due).num_days(),
                kind: facts.kind,
                guaranteed: facts.guaranteed,
                partially_paid: any_settled && amount > Decimal::ZERO,
                debtor: facts.atoms,
            };
            if !condition.expr.eval(&facts) {
                continue;
            }
        }
        let mut recipients = Recipients::default();
        let mut charge = None;
        match &step.action {
            Action::Send { recipients: to, .. } => {
                recipients.debtor = to.contains(&Recipient::Debtor);
                recipients.guarantor = to.contains(&Recipient::Guarantor) && facts.guaranteed;
                recipients.mandataire = to.contains(&Recipient::Mandataire);
                if recipients.is_empty() {
                    continue; // `to guarantor` for a debtor without one
                }
            }
            Action::Call { recipient } => match recipient {
                Recipient::Debtor => recipients.debtor = true,
                Recipient::Guarantor if facts.guaranteed => recipients.guarantor = true,
                Recipient::Guarantor => continue,
                // The checker refuses it: nothing but a letter goes to the
                // mandataire.
                Recipient::Mandataire => continue,
            },
            Action::Charge(c) => {
                let charge_context = ChargeContext {
                    plan,
                    invoice,
                    debtor,
                    date: day,
                    outstanding: amount,
                };
                charge = Some(context.resolver.resolve(c, &charge_context));
            }
            Action::Route { .. } => {
                let rule = context.routes.get(i).copied().flatten();
                // A court hears no time-barred claim; the debtor's latest
                // acknowledgment by that day restarts the period.
                let barred = || {
                    let r = rule.filter(|r| r.to_court)?;
                    let years =
                        crate::law::pack(r.jurisdiction).limitation(facts.kind, plan.sector());
                    let acknowledged = exceptions
                        .events
                        .iter()
                        .filter(|o| o.kind == super::exceptions::EventKind::Acknowledge)
                        .map(|o| o.date)
                        .filter(|d| *d <= day)
                        .max();
                    crate::law::time_barred(years, invoice.due, acknowledged, day)
                };
                if let Some(why) = rule
                    .and_then(|r| r.check(facts.kind, facts.country(), facts.trader).err())
                    .or_else(barred)
                {
                    if window.contains(day) {
                        scratch.refused.push(Refused {
                            invoice: id,
                            step: step.id,
                            date: day,
                            why,
                        });
                    }
                    continue;
                }
            }
            Action::Stop => stopped = Some((nominal, i)),
        }
        if let Some(c) = catch_up.as_mut() {
            c.done(nominal, i, day, output);
        }
        if window.contains(day) {
            out.push(Event {
                date: day,
                invoice: id,
                debtor: invoice.debtor,
                step: step.id,
                amount,
                charge,
                recipients,
            });
        }
        for &next in &context.dependents[i] {
            let offset = plan.steps[next].when.offset;
            let written = context.calendar.add(day, offset);
            if let Some(at) = written
                .and_then(|d| shift(d, periods, Some(day)))
                .map(|d| {
                    if plan.steps[next].is_handler() {
                        d
                    } else {
                        exceptions.resume(d)
                    }
                })
                .and_then(|d| working(context, next, d))
            {
                heap.push(std::cmp::Reverse((at, next)));
            }
        }
    }
}

/// With `send on business days`, a step with an output falling on a day off
/// moves to the next business day of the jurisdiction; charges keep their
/// day.
fn working(context: &Context<'_>, step: usize, day: NaiveDate) -> Option<NaiveDate> {
    if context.plan.business_days.is_none() || !context.plan.steps[step].action.has_output() {
        return Some(day);
    }
    context.calendar.business_day_from(day)
}

/// A step's day once disputes have stopped the clock: every dispute that
/// starts on or before the (moving) day pushes it by the dispute's length;
/// an unresolved one means never (`None`). Disputes on or before `after`
/// (the day of the anchor step) are already in the anchor's day.
fn shift(
    nominal: NaiveDate,
    periods: &[DisputePeriod],
    after: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let mut day = nominal;
    for period in periods {
        if after.is_some_and(|a| period.start <= a) {
            continue;
        }
        if period.start > day {
            break;
        }
        let end = period.end?;
        let length = u64::try_from((end - period.start).num_days()).unwrap_or(0);
        day = day.checked_add_days(Days::new(length))?;
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn disputes_push_later_days_by_their_length() {
        let periods = [DisputePeriod {
            start: d(3, 10),
            end: Some(d(3, 20)),
        }];
        assert_eq!(shift(d(3, 9), &periods, None), Some(d(3, 9)));
        assert_eq!(shift(d(3, 10), &periods, None), Some(d(3, 20)));
        assert_eq!(shift(d(3, 15), &periods, None), Some(d(3, 25)));
        // anchored on a step sent after the dispute: unaffected
        assert_eq!(shift(d(4, 1), &periods, Some(d(3, 25))), Some(d(4, 1)));
        let open = [DisputePeriod {
            start: d(3, 10),
            end: None,
        }];
        assert_eq!(shift(d(3, 9), &open, None), Some(d(3, 9)));
        assert_eq!(shift(d(3, 10), &open, None), None);
    }

    #[test]
    fn a_second_dispute_reached_after_the_first_shift_counts() {
        let periods = [
            DisputePeriod {
                start: d(3, 1),
                end: Some(d(3, 11)),
            },
            DisputePeriod {
                start: d(3, 15),
                end: Some(d(3, 20)),
            },
        ];
        // 3/8 → +10 = 3/18, which is past the second start: +5 = 3/23
        assert_eq!(shift(d(3, 8), &periods, None), Some(d(3, 23)));
    }
}

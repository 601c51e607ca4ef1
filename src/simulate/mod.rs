//! Simulation: what a policy would have done to a book. Pure and
//! deterministic: `(&Plan, &Ledger, Window)` → events, with no clock and no
//! I/O (the CLI decides what "today" is). `policy run` and `policy diff`
//! build on the same engine.
//!
//! Event-driven: each invoice's steps are computed from its dates (anchor +
//! duration, moved by disputes), never by walking the calendar day by day.
//! Semantics: docs/simulation.md.

pub mod ceilings;
mod engine;
pub mod exceptions;
pub mod output;
pub(crate) mod product;
mod statutory;
pub(crate) mod summary;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calendar::Calendar;
use crate::ledger::{Debtor, DebtorId, Invoice, InvoiceId, Ledger};
use crate::plan::{Amount, Charge, Plan, Rate, StepId};

pub use engine::{
    Context, Journaled, Refused, RunsFrom, Scratch, Sink, in_ranges, run, schedule_invoice,
};
pub use statutory::ByLaw;
pub use summary::{
    AgeBands, Aging, DebtorAging, KindAging, Routed, StepCount, StepTotals, Summary,
};

/// The days a simulation reports: events on `from..=to`. Steps before
/// `from` still happen (a letter sent before it still anchors later steps);
/// steps after `to` are not evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day reported; `None`: from the first day of the book.
    pub from: Option<NaiveDate>,
    /// Last day simulated and reported, and the day of the summary's
    /// balances.
    pub to: NaiveDate,
}

impl Window {
    pub fn contains(&self, date: NaiveDate) -> bool {
        date <= self.to && self.from.is_none_or(|from| from <= date)
    }
}

/// Who a fired `send` or `call` reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Recipients {
    pub debtor: bool,
    pub guarantor: bool,
    /// The insolvency practitioner (`to mandataire`).
    pub mandataire: bool,
}

impl Recipients {
    pub fn words(self) -> impl Iterator<Item = &'static str> {
        [
            (self.debtor, "debtor"),
            (self.guarantor, "guarantor"),
            (self.mandataire, "mandataire"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
    }

    pub fn is_empty(self) -> bool {
        !self.debtor && !self.guarantor && !self.mandataire
    }
}

/// What a `charge` step charges, as resolved by a [`ChargeResolver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeValue {
    /// An amount in the policy's currency.
    Amount(Decimal),
    /// A yearly rate in percent (late interest).
    Rate(Decimal),
    /// Set by the law; not computed by this resolver.
    Statutory,
}

impl std::fmt::Display for ChargeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChargeValue::Amount(amount) => write!(f, "{amount}"),
            ChargeValue::Rate(rate) => write!(f, "{}%", rate.normalize()),
            ChargeValue::Statutory => f.write_str("statutory"),
        }
    }
}

/// What a charge is about when it fires.
#[derive(Debug, Clone, Copy)]
pub struct ChargeContext<'a> {
    pub plan: &'a Plan,
    pub invoice: &'a Invoice,
    pub debtor: &'a Debtor,
    pub date: NaiveDate,
    /// The invoice's outstanding balance that day.
    pub outstanding: Decimal,
}

/// Turns a `charge` step into what it charges. [`AsWritten`] takes the
/// policy's figures and leaves statutory ones marked; [`ByLaw`] computes
/// the statutory ones as the law sets them that day.
pub trait ChargeResolver: Sync {
    fn resolve(&self, charge: &Charge, context: &ChargeContext<'_>) -> ChargeValue;
}

/// The charge as the policy writes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsWritten;

impl ChargeResolver for AsWritten {
    fn resolve(&self, charge: &Charge, context: &ChargeContext<'_>) -> ChargeValue {
        match charge {
            Charge::Indemnity(Amount::Fixed(v)) | Charge::Fee(Amount::Fixed(v)) => {
                ChargeValue::Amount(*v)
            }
            // A share of the balance: the clause on the day's balance.
            Charge::Indemnity(amount @ Amount::Share { .. })
            | Charge::Fee(amount @ Amount::Share { .. }) => {
                ChargeValue::Amount(amount.on(context.outstanding).unwrap_or_default())
            }
            Charge::Interest(Rate::Percent(rate)) => ChargeValue::Rate(*rate),
            Charge::Indemnity(Amount::Statutory)
            | Charge::Fee(Amount::Statutory)
            | Charge::Interest(Rate::Statutory) => ChargeValue::Statutory,
        }
    }
}

/// One step firing for one invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub date: NaiveDate,
    pub invoice: InvoiceId,
    pub debtor: DebtorId,
    pub step: StepId,
    /// The invoice's outstanding balance that day.
    pub amount: Decimal,
    /// For `charge` steps: what is charged.
    pub charge: Option<ChargeValue>,
    /// For `send` and `call`: who is reached (the guarantor only where the
    /// debtor has one).
    pub recipients: Recipients,
}

/// The events of a simulation, in date, invoice, written order, and their
/// summary.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Events in the order the engine produced them (invoice by invoice).
    events: Vec<Event>,
    /// `events` indices in report order (date, invoice, step).
    order: Vec<u32>,
    pub summary: Summary,
    /// Scheduling from a journal: the steps overdue that the run leaves for
    /// its next runs (catch-up), with the day they fell due.
    pub held: Vec<(InvoiceId, StepId, NaiveDate)>,
    /// The ledger's events in the window (holds, promises, plans,
    /// insolvencies), in date order.
    pub occurrences: Vec<exceptions::Occurrence>,
}

impl Simulation {
    /// The events by date, then invoice (by reference), then written order.
    pub fn events(&self) -> impl ExactSizeIterator<Item = &Event> + '_ {
        self.order.iter().map(|&i| &self.events[i as usize])
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// Simulates a checked plan on a ledger. Deterministic: the same inputs give
/// the same events, whatever the order of the ledger's rows.
pub fn simulate(
    plan: &Plan,
    ledger: &Ledger,
    window: Window,
    resolver: &dyn ChargeResolver,
) -> Simulation {
    simulate_runs(plan, ledger, window, resolver, None)
}

/// [`simulate`] as `policy run` schedules (see [`RunsFrom`]): nothing
/// before an invoice's first run, overdue schedules caught up without
/// bursts (docs/run.md).
pub(crate) fn simulate_runs(
    plan: &Plan,
    ledger: &Ledger,
    window: Window,
    resolver: &dyn ChargeResolver,
    runs_from: Option<RunsFrom<'_>>,
) -> Simulation {
    let context = engine::Context::new(plan, ledger, calendar(plan), window, resolver)
        .with_runs_from(runs_from);
    let mut parts = engine::run(&context, Collected::default).into_iter();
    let Collected {
        mut events,
        mut held,
        mut refused,
        mut occurrences,
        mut stayed,
    } = parts.next().unwrap_or_default();
    for mut part in parts {
        events.append(&mut part.events);
        held.append(&mut part.held);
        refused.append(&mut part.refused);
        occurrences.append(&mut part.occurrences);
        stayed.append(&mut part.stayed);
    }
    occurrences.sort_by_key(|o| (o.date, o.invoice, o.kind));
    let order = order_by_date(&events);
    let mut summary = summary::summarise(plan, ledger, window, &StepTotals::of(plan, &events));
    summary.refused = refused;
    summary.exceptions = summary::ExceptionSummary::of(
        plan,
        ledger,
        &context.outcomes,
        &occurrences,
        &stayed,
        window,
    );
    Simulation {
        events,
        order,
        summary,
        held,
        occurrences,
    }
}

/// The events and held steps of a range of invoices.
#[derive(Default)]
struct Collected {
    events: Vec<Event>,
    held: Vec<(InvoiceId, StepId, NaiveDate)>,
    refused: Vec<Refused>,
    occurrences: Vec<exceptions::Occurrence>,
    stayed: Vec<Stayed>,
}

/// A step with an output that the stay of its debtor's insolvency held
/// back: the invoice, the step, the day it would have fired.
pub(crate) type Stayed = (InvoiceId, StepId, NaiveDate);

impl Sink for Collected {
    fn stayed(&mut self, stayed: &[Stayed]) {
        self.stayed.extend_from_slice(stayed);
    }

    fn occurrences(&mut self, occurrences: &[exceptions::Occurrence]) {
        self.occurrences.extend_from_slice(occurrences);
    }

    fn invoice(&mut self, _: &Invoice, events: &[Event]) {
        self.events.extend_from_slice(events);
    }

    fn held(&mut self, held: &[(InvoiceId, StepId, NaiveDate)]) {
        self.held.extend_from_slice(held);
    }

    fn refused(&mut self, refused: &[Refused]) {
        self.refused.extend_from_slice(refused);
    }
}

/// The calendar of the policy's jurisdiction.
pub fn calendar(plan: &Plan) -> Calendar {
    Calendar::new(plan.jurisdiction.as_ref().map(|j| j.value))
}

/// Report order of events produced invoice by invoice (each invoice's in
/// date then written order): a stable counting sort by day, linear in the
/// number of events, instead of a comparison sort of them all.
fn order_by_date(events: &[Event]) -> Vec<u32> {
    let Some(first) = events.iter().map(|e| e.date).min() else {
        return Vec::new();
    };
    let day = |e: &Event| (e.date - first).num_days() as usize;
    let days = events.iter().map(day).max().unwrap_or(0) + 1;
    let mut starts = vec![0u32; days + 1];
    for event in events {
        starts[day(event) + 1] += 1;
    }
    for i in 0..days {
        starts[i + 1] += starts[i];
    }
    let mut order = vec![0u32; events.len()];
    for (i, event) in events.iter().enumerate() {
        let slot = &mut starts[day(event)];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    order
}

pub use crate::ledger::DisputePeriod;

/// The routes the law refused for their debtor (see [`Refused`]), as
/// diagnostics on the policy's route step, each naming the invoice and the
/// debtor: what `simulate` and `run` report. At most `limit` of them, then
/// one line counting the rest.
pub(crate) fn refusals(
    plan: &Plan,
    ledger: &Ledger,
    refused: &[Refused],
    limit: usize,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::{Code, Diagnostic};
    let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
        return Vec::new();
    };
    let mut out: Vec<Diagnostic> = refused
        .iter()
        .take(limit)
        .filter_map(|r| {
            let step = plan.step(r.step)?;
            let invoice = ledger.invoice(r.invoice);
            let debtor = ledger.debtor(invoice.debtor);
            let country = debtor.country.as_deref().map(str::trim);
            let (why, help) = r.why.explain(jurisdiction, country);
            // A time-barred claim is about the invoice's dates, not where
            // its debtor lives.
            let (code, whose, label) = match r.why {
                crate::law::NotHere::TimeBarred { .. } => (
                    Code::LimitationPeriod,
                    format!("line {} of the debtors file", debtor.line),
                    "not for this invoice",
                ),
                _ => (
                    Code::RouteDomicile,
                    format!(
                        "line {} of the debtors file, {}",
                        debtor.line,
                        country.map_or_else(
                            || "no country".to_string(),
                            |c| format!("domiciled in {}", crate::suggest::short(c))
                        )
                    ),
                    "not for this debtor",
                ),
            };
            Some(
                Diagnostic::error(
                    code,
                    format!(
                        "invoice `{}` of `{}` ({whose}) is not routed on {}: {why}",
                        crate::suggest::short(&invoice.reference),
                        crate::suggest::short(&debtor.id),
                        r.date
                    ),
                )
                .with_label(step.action_span, label)
                .with_help(help)
                .in_source(&plan.source),
            )
        })
        .collect();
    if refused.len() > limit {
        out.push(
            Diagnostic::error(
                Code::RouteDomicile,
                format!(
                    "{} more routes are refused for where their debtor lives",
                    refused.len() - limit
                ),
            )
            .with_help(
                "`policy simulate --format json` lists every event; fix the routes above first",
            ),
        );
    }
    out
}

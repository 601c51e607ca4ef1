//! What a run does on its day: the simulation's events up to `--as-of`, less
//! what the journal already holds, held back where runs were missed, then
//! grouped into one communication per debtor, step, recipient and channel.
//! Pure: no I/O, no clock.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::journal::{ActionKey, StepRef};
use crate::ledger::{DebtorId, InvoiceId, Ledger};
use crate::plan::{Action, Plan, StepId};
use crate::simulate::{Event, Simulation};
use crate::vocab::{Channel, Recipient};

/// How one planned action travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Medium {
    /// A letter, e-mail or SMS rendered from the step's template.
    Template(Channel),
    /// A phone call: a task row.
    Phone,
    /// A court, lawyer or bailiff: a task row.
    Route,
    /// The proof of claim of an insolvency (`on insolvency send …`): a
    /// task row with its deadline and the claim as of the opening
    /// judgment, beside the letter.
    ProofOfClaim,
}

impl Medium {
    /// The journal's `channel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Template(channel) => channel.as_str(),
            Medium::Phone => "phone",
            Medium::Route => "route",
            Medium::ProofOfClaim => "proof_of_claim",
        }
    }
}

/// One communication or task the run will produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub debtor: DebtorId,
    pub step: StepId,
    /// The step's stable identity (see [`StepRef`]).
    pub step_ref: StepRef,
    pub medium: Medium,
    /// `debtor`, `guarantor`, or the route's destination.
    pub recipient: String,
    pub to_guarantor: bool,
    /// In reference order.
    pub invoices: Vec<InvoiceId>,
}

/// A step that fell due on a day no run happened, kept for a later run so
/// that the debtor does not receive it together with an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub invoice: InvoiceId,
    pub step: StepId,
    /// The day the step fell due.
    pub due: NaiveDate,
}

/// The run's work for its day.
#[derive(Debug, Default)]
pub struct Agenda {
    pub actions: Vec<Planned>,
    pub held: Vec<Held>,
}

/// Every step's journal reference: its stable identity (shared with
/// `policy diff`, see [`crate::plan::identity`]), line and target.
pub fn step_refs(plan: &Plan) -> Vec<StepRef> {
    plan.step_ids()
        .into_iter()
        .zip(&plan.steps)
        .map(|(id, step)| StepRef {
            id,
            line: plan.line(step.span),
            target: step.action.target().unwrap_or_default().to_string(),
        })
        .collect()
}

/// One invoice's share of a planned action.
struct Unit {
    invoice: InvoiceId,
    debtor: DebtorId,
    step: StepId,
    medium: Medium,
    recipient: String,
    to_guarantor: bool,
}

/// The events of `simulation` on or before `as_of` that `taken` (the
/// journal) does not hold, as actions. The simulation, scheduled from the
/// journal, already keeps a debtor from a burst of one invoice's steps when
/// runs were missed (see [`crate::simulate::Journaled`]): the steps it
/// leaves for later runs are reported as [`Held`].
pub(crate) fn for_day(
    plan: &Plan,
    ledger: &Ledger,
    simulation: &Simulation,
    as_of: NaiveDate,
    taken: &dyn Fn(&ActionKey) -> bool,
) -> Agenda {
    let refs = step_refs(plan);
    let mut agenda = Agenda::default();
    let mut held_seen: std::collections::HashSet<(InvoiceId, StepId, NaiveDate)> =
        std::collections::HashSet::new();
    for &(invoice, step, due) in &simulation.held {
        if held_seen.insert((invoice, step, due)) {
            agenda.held.push(Held { invoice, step, due });
        }
    }
    type GroupKey = (DebtorId, StepId, String, Medium);
    let mut groups: BTreeMap<GroupKey, (bool, Vec<InvoiceId>)> = BTreeMap::new();
    for event in simulation.events().filter(|e| e.date <= as_of) {
        let Some(step) = plan.step(event.step) else {
            continue;
        };
        let mut units = units(event, &step.action);
        // The proof of claim is work for the team too, letter or not: one
        // task, journaled once like every action.
        if step.trigger == Some(crate::simulate::exceptions::EventKind::Insolvency)
            && matches!(step.action, Action::Send { .. })
        {
            units.push(Unit {
                invoice: event.invoice,
                debtor: event.debtor,
                step: event.step,
                medium: Medium::ProofOfClaim,
                recipient: Recipient::Mandataire.as_str().to_string(),
                to_guarantor: false,
            });
        }
        for unit in units {
            let key = ActionKey {
                invoice: ledger.invoice(unit.invoice).reference.to_string(),
                step: refs[unit.step.0].id.clone(),
                recipient: unit.recipient.clone(),
                channel: unit.medium.as_str().to_string(),
            };
            if taken(&key) {
                continue;
            }
            let group = groups
                .entry((unit.debtor, unit.step, unit.recipient, unit.medium))
                .or_insert((unit.to_guarantor, Vec::new()));
            group.1.push(unit.invoice);
        }
    }
    for ((debtor, step, recipient, medium), (to_guarantor, mut invoices)) in groups {
        // Invoice ids follow reference order (the ledger sorts them).
        invoices.sort_unstable();
        invoices.dedup();
        agenda.actions.push(Planned {
            debtor,
            step,
            step_ref: refs[step.0].clone(),
            medium,
            recipient,
            to_guarantor,
            invoices,
        });
    }
    agenda
}

/// What one fired step asks for one invoice: a unit per recipient and
/// channel; none for charges and stops (they change amounts, not mail).
fn units(event: &Event, action: &Action) -> Vec<Unit> {
    let unit = |medium, recipient: &str, to_guarantor| Unit {
        invoice: event.invoice,
        debtor: event.debtor,
        step: event.step,
        medium,
        recipient: recipient.to_string(),
        to_guarantor,
    };
    let whom = || {
        event
            .recipients
            .words()
            .map(|word| (word, word == Recipient::Guarantor.as_str()))
    };
    match action {
        Action::Send { channels, .. } => whom()
            .flat_map(|(word, guarantor)| {
                channels
                    .iter()
                    .map(move |channel| (word, guarantor, *channel))
            })
            .map(|(word, guarantor, channel)| unit(Medium::Template(channel), word, guarantor))
            .collect(),
        Action::Call { .. } => whom()
            .map(|(word, guarantor)| unit(Medium::Phone, word, guarantor))
            .collect(),
        Action::Route { destination, .. } => vec![unit(Medium::Route, destination, false)],
        Action::Charge(_) | Action::Stop => Vec::new(),
    }
}

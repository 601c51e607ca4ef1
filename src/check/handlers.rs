//! Handlers of the insolvency (`on insolvency …`): once a collective
//! procedure is opened, individual proceedings are stayed (C. com. L622-21;
//! BE and LU: the same effect, legal-facts.md R15) and the only thing left
//! to do is to lodge the proof of claim (a letter to the mandataire,
//! curator or greffe) before the jurisdiction's deadline (law::insolvency).

use super::analysis::{Analysis, Finding};
use crate::diagnostic::Code;
use crate::plan::{Action, Anchor, EventKind, Step, Unit};
use crate::vocab::{Jurisdiction, Recipient};

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let plan = a.plan;
    for step in &plan.steps {
        if !reacts_to_insolvency(plan, step) {
            if let Some(d) = mandataire_outside_insolvency(a, step) {
                out.push(Finding::new(d, vec![step.id]));
            }
            continue;
        }
        if !matches!(step.action, Action::Send { .. }) {
            let d = a
                .error(
                    Code::InsolvencyStay,
                    "after an insolvency, only the proof of claim may be sent",
                )
                .with_label(step.action_span, "stayed by the opening judgment")
                .with_help(format!(
                    "the opening judgment stays every individual action to obtain payment ({}): \
                     send the proof of claim (`on insolvency send declaration_de_creance by recommandé`) and nothing else",
                    crate::law::insolvency::STAY.cite
                ));
            out.push(Finding::new(d, vec![step.id]));
            continue;
        }
        let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
            continue;
        };
        // The latest the proof of claim may leave after the opening
        // judgment, whatever the publication: FR two months (from the
        // publication, which comes after the judgment: two months from the
        // judgment are always in time), LU 20 days (the legal maximum the
        // judgment sets), BE 30 days (commonly; the judgment sets it).
        let (limit_days, limit_text, law) = match jurisdiction {
            Jurisdiction::Fr => (
                59,
                "two months from the BODACC publication (C. com. R622-24)",
                true,
            ),
            Jurisdiction::Lu => (
                20,
                "the date the judgment sets, at most 20 days (C. com. art. 496)",
                true,
            ),
            Jurisdiction::Be => (
                30,
                "the date the judgment sets, commonly 30 days (CDE livre XX)",
                false,
            ),
        };
        let Some(days) = days_after_event(plan, step) else {
            continue;
        };
        if days > limit_days {
            let d = a
                .finding(
                    law,
                    Code::ProofOfClaimDeadline,
                    format!(
                        "this proof of claim leaves {days} days after the opening judgment, past the deadline"
                    ),
                )
                .with_label(step.span, format!("{} after the judgment", a.when(step)))
                .with_help(format!(
                    "a claim not lodged in time is barred: the deadline is {limit_text}; send it sooner"
                ));
            out.push(Finding::new(d, vec![step.id]));
        }
    }
    out
}

/// `to mandataire` (`call mandataire`) on a step that does not react to
/// an insolvency: there is no practitioner before the opening judgment
/// appoints one (FR C. com. L622-24, legal-facts.md §6).
fn mandataire_outside_insolvency(
    a: &Analysis<'_>,
    step: &Step,
) -> Option<crate::diagnostic::Diagnostic> {
    let to_mandataire = match &step.action {
        Action::Send { recipients, .. } => recipients.contains(&Recipient::Mandataire),
        Action::Call { recipient } => *recipient == Recipient::Mandataire,
        _ => false,
    };
    if !to_mandataire {
        return None;
    }
    Some(
        a.error(
            Code::MandataireRecipient,
            "only a handler of the insolvency can write to the mandataire",
        )
        .with_label(step.action_span, "no mandataire before an insolvency")
        .with_help(
            "the mandataire judiciaire (FR) or curateur (BE, LU) is appointed by the opening \
             judgment: write `on insolvency send declaration_de_creance by recommandé to \
             mandataire`, and `to debtor` elsewhere",
        ),
    )
}

/// Whether the step is an `on insolvency` handler or timed from one.
pub(super) fn reacts_to_insolvency(plan: &crate::plan::Plan, step: &Step) -> bool {
    step.trigger == Some(EventKind::Insolvency)
        || matches!(step.when.anchor, Anchor::Step(id)
            if plan.step(id).is_some_and(|s| s.trigger == Some(EventKind::Insolvency)))
}

/// Calendar days from the event to the step, along its anchors (`None`
/// with business days; a month counted as 31 days, the most).
fn days_after_event(plan: &crate::plan::Plan, step: &Step) -> Option<u32> {
    let mut days = 0u32;
    let mut current = step;
    for _ in 0..=plan.steps.len() {
        let offset = current.when.offset;
        let own = match offset.unit {
            Unit::Months => offset.count.checked_mul(31)?,
            _ => offset.calendar_days()?,
        };
        days = days.checked_add(own)?;
        match current.when.anchor {
            Anchor::Event(_) => return Some(days),
            Anchor::Step(id) => current = plan.step(id)?,
            Anchor::Due | Anchor::Issue => return None,
        }
    }
    None
}

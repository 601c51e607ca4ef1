//! The stable identity of a step: what it does (`send relance_1`,
//! `call debtor`, `charge indemnity`, `route justice_de_paix`, `stop`), with
//! `#2`, `#3`… for a later step doing the same thing. It is the identity
//! the journal records (`journal::StepRef::id`), so that `policy diff` and
//! `policy run` agree on which step is "the same" across two versions of a
//! policy: editing a delay or inserting a line keeps every identity. A
//! handler's identity starts with its event (`on promise_broken send
//! relance_ferme`), so that it is never taken for a regular step doing the
//! same thing.

use super::{Action, Plan};

/// What a step does, without its occurrence. This is a key, not wording
/// (see [`super::describe_action`]): journals written since the first
/// version hold it, so it never changes.
pub fn what(action: &Action) -> String {
    match action {
        Action::Send { template, .. } => format!("send {template}"),
        Action::Call { recipient } => format!("call {recipient}"),
        Action::Charge(charge) => format!("charge {}", charge.kind()),
        Action::Route { destination, .. } => format!("route {destination}"),
        Action::Stop => "stop".to_string(),
    }
}

/// The stable id of the `occurrence`-th (1-based) step of a policy doing
/// `what` (`send relance_1`, then `send relance_1#2`).
pub fn id(what: &str, occurrence: usize) -> String {
    if occurrence <= 1 {
        what.to_string()
    } else {
        format!("{what}#{occurrence}")
    }
}

impl Plan {
    /// Each step's stable id, in written order.
    pub(crate) fn step_ids(&self) -> Vec<String> {
        step_ids(self)
    }
}

fn step_ids(plan: &Plan) -> Vec<String> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    plan.steps
        .iter()
        .map(|step| {
            let what = match step.trigger {
                Some(event) => format!("on {} {}", event.as_str(), what(&step.action)),
                None => what(&step.action),
            };
            let occurrence = match seen.iter_mut().find(|(w, _)| *w == what) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((what.clone(), 1));
                    1
                }
            };
            id(&what, occurrence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn ids(text: &str) -> Vec<String> {
        let source = SourceFile::new("t.policy", text);
        let (ast, _) = crate::syntax::parse(&source);
        let (plan, diagnostics) = crate::plan::compile(&ast, &source, true);
        let plan = plan.unwrap_or_else(|| panic!("{diagnostics:?}"));
        plan.step_ids()
    }

    #[test]
    fn a_handler_is_named_by_its_event() {
        let ids = ids("after 30 days send mise_en_demeure by recommandé\n\
             on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
             on promise_broken send mise_en_demeure by recommandé\n");
        assert_eq!(ids[0], id("send mise_en_demeure", 1));
        assert_eq!(ids[1], id("on instalment_missed send mise_en_demeure", 1));
        assert_eq!(ids[2], id("on promise_broken send mise_en_demeure", 1));
    }

    #[test]
    fn identity_is_what_the_step_does_then_its_occurrence() {
        assert_eq!(
            ids("after 15 days send relance_1 by email\n\
                 after 30 days send relance_1 by courrier\n\
                 after 38 days call debtor\n\
                 after 45 days charge indemnity 40 EUR\n\
                 after 60 days route justice_de_paix\n\
                 after 90 days stop\n"),
            [
                "send relance_1",
                "send relance_1#2",
                "call debtor",
                "charge indemnity",
                "route justice_de_paix",
                "stop"
            ]
        );
    }

    #[test]
    fn a_later_step_doing_the_same_thing_is_numbered() {
        assert_eq!(id("send relance_1", 1), "send relance_1");
        assert_eq!(id("send relance_1", 2), "send relance_1#2");
    }

    #[test]
    fn editing_a_delay_or_inserting_a_step_keeps_identities() {
        let before = ids("after 15 days send relance_1\nafter 45 days send mise_en_demeure\n");
        let after = ids(
            "after 20 days send relance_1\nafter 30 days call debtor\nafter 45 days send mise_en_demeure\n",
        );
        assert_eq!(before[0], after[0]);
        assert_eq!(before[1], after[2]);
    }
}

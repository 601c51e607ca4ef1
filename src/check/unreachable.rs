//! Steps that can never fire although their condition can hold: timed from
//! a letter that is never sent (or never to these debtors), or falling after
//! a `stop` that always comes first.

use super::analysis::{Analysis, Blocker, Finding};
use crate::diagnostic::Code;
use crate::plan::Action;

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (step, view) in a.iter() {
        let Some(blocker) = view.blocker else {
            continue;
        };
        let diagnostic = match blocker {
            Blocker::Stop(stop) => {
                let Some(stop_step) = a.plan.step(stop) else {
                    continue;
                };
                a.warning(
                    Code::UnreachableStep,
                    "this step never fires: a `stop` always comes first",
                )
                .with_label(step.span, format!("falls {}", a.when(step)))
                .with_label(
                    stop_step.span,
                    format!("the policy ends here, {}", a.when(stop_step)),
                )
                .with_help(
                    "move the statement before the `stop`, or give the `stop` a condition \
                     (`if amount < 50 stop`)",
                )
            }
            Blocker::Anchor(anchor) => {
                let (Some(anchor_step), Some(anchor_view)) = (a.plan.step(anchor), a.view(anchor))
                else {
                    continue;
                };
                let name = match &anchor_step.action {
                    Action::Send { template, .. } => template.as_str(),
                    _ => "its anchor",
                };
                let (message, label) = if anchor_view.reach.is_empty() {
                    (
                        format!("this step never fires: `{name}` is never sent"),
                        "never sent".to_string(),
                    )
                } else {
                    let kinds: Vec<String> = anchor_view
                        .reach
                        .debtor_kinds()
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    (
                        format!(
                            "this step never fires: `{name}` is never sent to the debtors it is for"
                        ),
                        format!("sent only to {} debtors", kinds.join(", ")),
                    )
                };
                let at = if step.when.inherited {
                    step.span
                } else {
                    step.when.span
                };
                a.warning(Code::UnreachableStep, message)
                    .with_label(at, format!("waits for `{name}`"))
                    .with_label(anchor_step.span, label)
                    .with_help(format!(
                        "time this step from a letter sent to the same debtors, or from `due`; \
                         a step timed `from {name}` fires only after `{name}` went out"
                    ))
            }
        };
        out.push(Finding::new(diagnostic, vec![step.id]));
    }
    out
}

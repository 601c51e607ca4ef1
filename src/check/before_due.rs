//! Steps before the due date (`5 days before due send rappel_amiable`):
//! nothing is owed yet, so only a friendly reminder may go out, by letter,
//! message or call. A mise en demeure needs a debt that is due (FR C. civ.
//! art. 1344: "par la seule exigibilité"; legal-facts.md §2.1), late
//! penalties and the indemnity run from the day after the due date (C. com.
//! L441-10 II), and a court hears only a claim that is due. A step timed
//! from a reminder before the due date is judged by its own day.

use super::analysis::{Analysis, Finding};
use super::timing::Root;
use crate::diagnostic::Code;
use crate::law;
use crate::plan::Action;

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (step, view) in a.iter() {
        if view.time.root != Root::Due || view.time.range.min >= 0 || view.reach.is_empty() {
            continue;
        }
        let (what, help) = match &step.action {
            Action::Send {
                template, channels, ..
            } if law::is_formal_notice(template, channels) => (
                "a mise en demeure",
                "a debtor is put on notice to pay a debt that is due (C. civ. art. 1344): \
                 send a friendly reminder before the due date (`5 days before due send \
                 rappel_amiable by email`) and the mise en demeure after it",
            ),
            Action::Charge(_) => (
                "a charge",
                "late interest, penalties and the recovery indemnity run from the day after \
                 the due date (C. com. L441-10 II): charge them after it, e.g. `after 30 days \
                 charge interest statutory`",
            ),
            Action::Route { .. } => (
                "a route",
                "nothing can be claimed before the due date: route after it, once a mise \
                 en demeure went unanswered",
            ),
            Action::Send { .. } | Action::Call { .. } | Action::Stop => continue,
        };
        let d = a
            .error(
                Code::BeforeDue,
                format!("{what} can fall before the due date"),
            )
            .with_label(
                step.span,
                format!("{} ({})", a.when(step), view.time.range.describe()),
            )
            .with_help(format!(
                "before the due date only a friendly reminder may go out (a letter, a message \
                 or a call); {help}"
            ));
        out.push(Finding::new(d, vec![step.id]));
    }
    out
}

//! A court only after a mise en demeure, and only once the debtor has had
//! the jurisdiction's notice period to pay (FR C. civ. art. 1344; BE C. jud.
//! art. 1338 and Book XIX; the number of days is a default where no statute
//! sets it: see docs/legal-rules.md). Both are warnings: a court may accept
//! the claim anyway, but a debtor never warned is a debtor who contests.

use super::analysis::{Analysis, Finding};
use super::courts;
use super::handlers;
use super::precede::{Candidate, Cover, Precedence};
use crate::diagnostic::Code;
use crate::law;
use crate::plan::{Action, StepId};
use crate::vocab::{Channel, Recipient};

pub fn check(a: &mut Analysis<'_>) -> Vec<Finding> {
    // Handlers too (`on instalment_missed after 23 days route …`: the
    // "déchéance du terme" goes to court like any step): a mise en demeure
    // reacting to the same event, or one they are timed from, comes first.
    // A route after an insolvency is refused outright (handlers.rs).
    let routes: Vec<StepId> = a
        .plan
        .steps
        .iter()
        .zip(&a.steps)
        .filter(|(s, v)| {
            !v.reach.is_empty()
                && courts::routes_to_court(a, &s.action)
                && !handlers::reacts_to_insolvency(a.plan, s)
        })
        .map(|(s, _)| s.id)
        .collect();
    if routes.is_empty() {
        return Vec::new();
    }
    let notice = a.pack.map(|p| p.notice);
    let days = notice.map_or(1, |n| i64::from(n.value));
    // The period runs from the letter's presumed receipt (law::delivery):
    // a registered letter is not received on the day it is sent.
    let delay = |channels: &[Channel]| {
        channels
            .iter()
            .map(|c| i64::from(law::delivery::longest_delay(*c)))
            .max()
            .unwrap_or(0)
    };
    let gap = days;
    let candidates: Vec<Candidate> = a
        .plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Send {
                template,
                channels,
                recipients,
                ..
            } if recipients.contains(&Recipient::Debtor)
                && law::is_formal_notice(template, channels) =>
            {
                let gap = match notice {
                    Some(_) => days + delay(channels),
                    None => days,
                };
                Some(Candidate { step: s.id, gap })
            }
            _ => None,
        })
        .collect();
    let precedence = Precedence::new(a, &candidates);
    let mut out = Vec::new();
    for id in routes {
        let Some(step) = a.plan.step(id) else {
            continue;
        };
        let finding = match precedence.cover(a, id, None) {
            Cover::Covered | Cover::Unknown => continue,
            Cover::Short {
                by,
                gap,
                required,
                combos,
            } => {
                let Some(notice_step) = a.plan.step(by) else {
                    continue;
                };
                let source = notice.map_or(String::new(), |n| format!(" ({})", n.source.cited()));
                let when = match gap {
                    ..=0 => "on the day of the mise en demeure".to_string(),
                    1 => "1 day after the mise en demeure".to_string(),
                    _ => format!("{gap} days after the mise en demeure"),
                };
                let time = if notice.is_some() {
                    format!("{days} days from its presumed receipt")
                } else {
                    "time".to_string()
                };
                let slowest = match &notice_step.action {
                    Action::Send { channels, .. } => channels
                        .iter()
                        .copied()
                        .max_by_key(|c| law::delivery::longest_delay(*c)),
                    _ => None,
                };
                let receipt = match slowest {
                    Some(c) if law::delivery::longest_delay(c) > 0 => format!(
                        "; by `{c}` they count from the letter's presumed receipt, {}",
                        match c {
                            Channel::Email | Channel::Sms => "the next day".to_string(),
                            _ => format!(
                                "the third working day after sending (up to {} days later)",
                                law::delivery::longest_delay(c)
                            ),
                        }
                    ),
                    _ => String::new(),
                };
                let kind = a
                    .view(id)
                    .map_or(String::new(), |v| a.for_kinds(v.reach, combos));
                a.warning(
                    Code::NoticePeriod,
                    format!(
                        "this route can reach court {when}{kind}: the debtor must have {time} to pay"
                    ),
                )
                .with_label(step.span, format!("court {}", a.when(step)))
                .with_label(notice_step.span, format!("mise en demeure {}", a.when(notice_step)))
                .with_help(match notice {
                    Some(_) => format!(
                        "give the debtor {days} days to pay{source}{receipt}: route at least \
                         {required} days after the mise en demeure, e.g. `after {required} days from {}`",
                        step_target(notice_step).unwrap_or("mise_en_demeure")
                    ),
                    None => format!(
                        "give the debtor time to pay after the mise en demeure, e.g. `after 15 days from {}`; \
                         with a `jurisdiction` header the checker applies that country's notice period",
                        step_target(notice_step).unwrap_or("mise_en_demeure")
                    ),
                })
            }
            Cover::Missing { combos, amounts } => {
                let scope = amounts.describe("amount", a.floor);
                let which = if scope.starts_with("any") {
                    String::new()
                } else {
                    format!(" for `{scope}`")
                };
                let mut d = a
                    .warning(
                        Code::MissingNotice,
                        format!(
                            "this route can reach court without a mise en demeure first{which}{}",
                            a.view(id)
                                .map_or(String::new(), |v| a.for_kinds(v.reach, combos))
                        ),
                    )
                    .with_label(step.span, format!("court {}", a.when(step)));
                if let Some(later) = candidates.first().and_then(|c| a.plan.step(c.step)) {
                    d = d.with_label(later.span, "not sent before the route on every path");
                }
                // A handler's event may come before any regular letter
                // went out: only a notice reacting to the same event counts.
                let (example, handler) = match step.trigger {
                    Some(kind) => (
                        format!(
                            "on {} after 8 days send mise_en_demeure by recommandé",
                            kind.as_str()
                        ),
                        format!(
                            "; a mise en demeure of the regular steps may not have gone out before `{}`: \
                             only one reacting to the same event, or one the route is timed from, counts",
                            kind.as_str()
                        ),
                    ),
                    None => (
                        "after 45 days send mise_en_demeure by recommandé".to_string(),
                        String::new(),
                    ),
                };
                d.with_help(format!(
                    "send a formal notice to the debtor first, e.g. `{example}`, \
                     and route {}; a letter is a mise en demeure when its template's name \
                     contains `mise_en_demeure` or `sommation`, or when it goes by `huissier`{handler}",
                    if notice.is_some() {
                        format!(
                            "at least {gap} days after its presumed receipt (by `recommandé`, {} days after sending)",
                            gap + i64::from(law::delivery::longest_delay(Channel::Recommande))
                        )
                    } else {
                        "some days later".to_string()
                    }
                ))
            }
        };
        out.push(Finding::new(finding, vec![id]));
    }
    out
}

fn step_target(step: &crate::plan::Step) -> Option<&str> {
    match &step.action {
        Action::Send { template, .. } => Some(template),
        _ => None,
    }
}

//! Contact frequency: no more contacts with one person in any window than
//! the policy's own `limit` (or, without one, the jurisdiction's guidance, a
//! default). Over-chasing exposes a firm to harassment claims.
//!
//! A contact is a step that reaches a person: a `send` (one contact whatever
//! the number of channels carrying the same letter that day) or a `call`.
//! The debtor and the guarantor are counted apart. Steps on the same day
//! that exclude each other (`if amount < 5000 send a` / `if amount >= 5000
//! send b`) count once: the analysis takes the most that can fire together.
//! Steps whose day is not fixed (months, business days) are placed where
//! they crowd the window most.

use std::collections::HashMap;

use super::analysis::{Analysis, Finding, contacts};
use super::cells::{self, Combo, Space};
use super::timing::{DayRange, Root};
use crate::diagnostic::Code;
use crate::plan::{Cond, Offset, StepId, Unit};
use crate::vocab::{DebtorKind, Recipient};

/// At most this many contacts are labelled.
const MAX_LABELS: usize = 8;

struct Limit {
    count: u32,
    window: i64,
    window_text: String,
    /// The `limit` header, when the policy sets one.
    header: Option<crate::source::Span>,
}

/// More contacts than this with one person on one day, for one invoice, is
/// no policy a firm means: a generated or pasted file (ten thousand steps
/// firing on day 15 sent 340,000 e-mails in a dry run). An error
/// (`same_day_contacts`), whatever the contact limit says.
pub(crate) const MAX_SAME_DAY: usize = 10;

pub fn check(a: &mut Analysis<'_>) -> Vec<Finding> {
    let mut out: Vec<Finding> = [Recipient::Debtor, Recipient::Guarantor]
        .into_iter()
        .filter_map(|recipient| same_day(a, recipient))
        .collect();
    out.extend(frequency(a));
    out
}

/// The day with the most steps that can reach `recipient` together for
/// one invoice, when more than [`MAX_SAME_DAY`] can: steps that exclude
/// each other (`if amount < 5000` / `if amount >= 5000`) count once, as for
/// the contact limit; where that is too large to work out, the steps
/// without a condition (which surely fire together) are counted.
fn same_day(a: &Analysis<'_>, recipient: Recipient) -> Option<Finding> {
    let mut by_day: HashMap<u32, Vec<StepId>> = HashMap::new();
    for (step, view) in a.iter() {
        if contacts(step).contains(&recipient) && !view.reach.is_empty() {
            by_day.entry(view.time.key).or_default().push(step.id);
        }
    }
    let mut worst: Option<(usize, Vec<StepId>)> = None;
    let mut days: Vec<Vec<StepId>> = by_day
        .into_values()
        .filter(|steps| steps.len() > MAX_SAME_DAY)
        .collect();
    days.sort();
    for members in days {
        for combo in a.scope.iter() {
            if recipient == Recipient::Guarantor && !combo.guaranteed() {
                continue;
            }
            let active: Vec<StepId> = members
                .iter()
                .copied()
                .filter(|id| a.view(*id).is_some_and(|v| v.reach.contains(combo)))
                .collect();
            if active.len() <= MAX_SAME_DAY {
                continue;
            }
            let together = joint(a, &active, combo).unwrap_or_else(|| {
                active
                    .iter()
                    .filter(|id| a.plan.step(**id).is_some_and(|s| s.condition.is_none()))
                    .count()
            });
            if together > MAX_SAME_DAY && worst.as_ref().is_none_or(|w| together > w.0) {
                worst = Some((together, active));
            }
        }
    }
    let (count, steps) = worst?;
    let first = a.plan.step(*steps.first()?)?;
    let person = match recipient {
        Recipient::Debtor => "the debtor",
        Recipient::Guarantor => "the guarantor",
        Recipient::Mandataire => "the mandataire",
    };
    let mut d = a.error(
        Code::SameDayContacts,
        format!(
            "{count} steps contact {person} on the same day for one invoice ({})",
            a.when(first)
        ),
    );
    for (i, id) in steps.iter().take(MAX_LABELS).enumerate() {
        if let Some(step) = a.plan.step(*id) {
            d = d.with_label(step.action_span, format!("contact {}", i + 1));
        }
    }
    d = d.with_help(format!(
        "at most {MAX_SAME_DAY} contacts with one person on one day: a repeated or generated line? \
         Keep one step per letter, call or notice on a day"
    ));
    Some(Finding::new(d, steps))
}

fn frequency(a: &mut Analysis<'_>) -> Vec<Finding> {
    let limit = match (&a.plan.contact_limit, a.pack) {
        (Some(l), _) => Limit {
            count: l.value.count,
            window: a.lengths.of(l.value.window).max,
            window_text: l.value.window.to_string(),
            header: Some(l.span),
        },
        (None, Some(pack)) => {
            let (count, days) = pack.contact_guidance.value;
            let window = Offset {
                count: days,
                unit: Unit::Days,
            };
            Limit {
                count,
                window: i64::from(days),
                window_text: window.to_string(),
                header: None,
            }
        }
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    for recipient in [Recipient::Debtor, Recipient::Guarantor] {
        if let Some(f) = worst_window(a, &limit, recipient) {
            out.push(f);
        }
    }
    out
}

/// One day's contacts: when, how many at most, and which steps.
struct Bunch {
    root: Root,
    range: DayRange,
    weight: u32,
    steps: Vec<StepId>,
}

fn worst_window(a: &Analysis<'_>, limit: &Limit, recipient: Recipient) -> Option<Finding> {
    let mut by_day: HashMap<u32, Vec<StepId>> = HashMap::new();
    let mut order = Vec::new();
    for (step, view) in a.iter() {
        if contacts(step).contains(&recipient) && !view.reach.is_empty() {
            let members = by_day.entry(view.time.key).or_default();
            if members.is_empty() {
                order.push(view.time.key);
            }
            members.push(step.id);
        }
    }
    let mut worst: Option<(u32, Vec<StepId>, DayRange, Combo)> = None;
    // The most per kind of debtor, to say which kind is over the limit.
    let mut per_kind: HashMap<DebtorKind, u32> = HashMap::new();
    for combo in a.scope.iter() {
        if recipient == Recipient::Guarantor && !combo.guaranteed() {
            continue;
        }
        let bunches: Vec<Bunch> = order
            .iter()
            .filter_map(|key| bunch(a, by_day.get(key)?, combo))
            .collect();
        for root in [Root::Due, Root::Issue] {
            let of_root: Vec<&Bunch> = bunches.iter().filter(|b| b.root == root).collect();
            if let Some((count, steps, span)) = sweep(&of_root, limit.window) {
                let most = per_kind.entry(combo.kind()).or_default();
                *most = (*most).max(count);
                if count > limit.count && worst.as_ref().is_none_or(|w| count > w.0) {
                    worst = Some((count, steps, span, combo));
                }
            }
        }
    }
    let (count, steps, span, combo) = worst?;
    let over = per_kind.values().filter(|&&c| c > limit.count).count();
    let kind = if over == 1 && per_kind.len() > 1 {
        format!(" for a {} debtor", combo.kind())
    } else {
        String::new()
    };
    let person = match recipient {
        Recipient::Debtor => "the debtor",
        Recipient::Guarantor => "the guarantor",
        Recipient::Mandataire => "the mandataire",
    };
    let whose = match (limit.header, a.pack) {
        (Some(_), _) => format!(
            "the policy's limit of {} per {}",
            limit.count, limit.window_text
        ),
        (None, Some(pack)) => format!(
            "the guidance of {} per {} for {}",
            limit.count,
            limit.window_text,
            crate::law::country(pack.jurisdiction)
        ),
        (None, None) => String::new(),
    };
    let mut d = a.warning(
        Code::ContactFrequency,
        format!(
            "up to {count} contacts with {person}{kind} within {} ({}), more than {whose}",
            limit.window_text,
            span.describe(),
        ),
    );
    for (i, id) in steps.iter().take(MAX_LABELS).enumerate() {
        if let Some(step) = a.plan.step(*id) {
            d = d.with_label(
                step.action_span,
                format!("contact {} ({})", i + 1, a.when(step)),
            );
        }
    }
    d = match (limit.header, a.pack) {
        (Some(header), _) => d.with_label(header, "the policy's limit").with_help(
            "space the contacts out, drop one, or raise the limit if the firm's lawyer agrees; \
             over-chasing can be an aggressive practice and expose the firm to harassment claims",
        ),
        (None, Some(pack)) => d.with_help(format!(
            "space the contacts out, or set the firm's own limit with `limit N contacts per 30 days`; \
             no statute sets a number ({})",
            pack.contact_guidance.source.cited()
        )),
        (None, None) => d,
    };
    Some(Finding::new(d, steps))
}

/// The contacts of one day that can reach this combo: how many can fire
/// together at most.
fn bunch(a: &Analysis<'_>, members: &[StepId], combo: Combo) -> Option<Bunch> {
    let active: Vec<StepId> = members
        .iter()
        .copied()
        .filter(|id| a.view(*id).is_some_and(|v| v.reach.contains(combo)))
        .collect();
    let first = a.view(*active.first()?)?;
    let weight = if active.len() == 1 {
        1
    } else {
        joint(a, &active, combo).unwrap_or(active.len())
    };
    Some(Bunch {
        root: first.time.root,
        range: first.time.range,
        weight: u32::try_from(weight).unwrap_or(u32::MAX),
        steps: active,
    })
}

/// The most of these same-day steps that can fire for one invoice.
fn joint(a: &Analysis<'_>, steps: &[StepId], combo: Combo) -> Option<usize> {
    let view = a.view(*steps.first()?)?;
    let conds: Vec<Option<&Cond>> = steps
        .iter()
        .map(|id| {
            a.plan
                .step(*id)
                .and_then(|s| s.condition.as_ref().map(|c| &c.expr))
        })
        .collect();
    let space = Space::new(
        conds.iter().flatten().copied(),
        &view.domain,
        cells::BUDGET / steps.len(),
    )?;
    space
        .points()
        .iter()
        .map(|p| {
            let facts = p.facts(combo);
            conds
                .iter()
                .filter(|c| c.is_none_or(|c| c.eval(&facts)))
                .count()
        })
        .max()
}

/// The window of `window` days holding the most contacts: each bunch can
/// sit anywhere in its range, so it counts in every window its range
/// touches. Returns the count, the steps and the days they span.
fn sweep(bunches: &[&Bunch], window: i64) -> Option<(u32, Vec<StepId>, DayRange)> {
    // A bunch over days lo..=hi is in the window starting at t when
    // t <= hi and t + window - 1 >= lo.
    let mut events: Vec<(i64, i64)> = Vec::with_capacity(bunches.len() * 2);
    for b in bunches {
        let start = b.range.min.saturating_sub(window.saturating_sub(1));
        let end = b.range.max.saturating_add(1);
        let w = i64::from(b.weight);
        events.push((start, w));
        events.push((end, -w));
    }
    // Ends before starts on the same day.
    events.sort_by_key(|&(at, w)| (at, w));
    let mut count = 0i64;
    let mut best: Option<(i64, i64)> = None;
    for (at, w) in events {
        count += w;
        if w > 0 && best.is_none_or(|(c, _)| count > c) {
            best = Some((count, at));
        }
    }
    let (count, start) = best?;
    let end = start.saturating_add(window.saturating_sub(1));
    let inside: Vec<&&Bunch> = bunches
        .iter()
        .filter(|b| b.range.min <= end && b.range.max >= start)
        .collect();
    let steps: Vec<StepId> = inside
        .iter()
        .flat_map(|b| b.steps.iter().copied())
        .collect();
    let first = inside.iter().map(|b| b.range.min.max(start)).min()?;
    let last = inside.iter().map(|b| b.range.max.min(end)).max()?;
    Some((
        u32::try_from(count).unwrap_or(u32::MAX),
        steps,
        DayRange {
            min: first,
            max: last,
        },
    ))
}

//! Guaranteed debts: the mise en demeure also goes to the guarantor (the
//! caution), and in France a natural-person guarantor hears of the first
//! payment incident not regularised within the month of the due date, as
//! soon as that month has passed (C. civ. art. 2303), on pain of losing the
//! interest and penalties accrued meanwhile.

use super::analysis::{Analysis, Finding, contacts};
use super::cells::Mask;
use crate::diagnostic::Code;
use crate::law;
use crate::plan::{Action, Step};
use crate::vocab::Recipient;

pub fn check(a: &mut Analysis<'_>) -> Vec<Finding> {
    let mut out = notice_to_guarantor(a);
    out.extend(information_within_a_month(a));
    out
}

fn is_formal_notice(step: &Step) -> bool {
    matches!(&step.action, Action::Send { template, channels, .. } if law::is_formal_notice(template, channels))
}

/// A mise en demeure that can go out for a guaranteed debt without reaching
/// the guarantor, when no other formal notice reaches it.
fn notice_to_guarantor(a: &Analysis<'_>) -> Vec<Finding> {
    let guaranteed = a.scope & Mask::guaranteed();
    let to_guarantor = a
        .iter()
        .filter(|(s, _)| is_formal_notice(s) && contacts(s).contains(&Recipient::Guarantor))
        .fold(Mask::EMPTY, |m, (_, v)| m | v.reach);
    let mut out = Vec::new();
    for (step, view) in a.iter() {
        if !is_formal_notice(step) || contacts(step).contains(&Recipient::Guarantor) {
            continue;
        }
        let missed = (view.reach & guaranteed).minus(to_guarantor);
        if missed.is_empty() {
            continue;
        }
        let d = a
            .warning(
                Code::GuarantorNotice,
                "this mise en demeure can go out for a guaranteed debt without reaching the guarantor",
            )
            .with_label(step.action_span, "sent to the debtor only")
            .with_help(
                "add the guarantor to its recipients, `to debtor, guarantor` (it is sent only where \
                 the debtor has one), so that the caution can be called on; or limit it with \
                 `if not guaranteed` and send guaranteed debts their own notice",
            );
        out.push(Finding::new(d, vec![step.id]));
    }
    out
}

/// FR: some step tells the guarantor once the month after the due date has
/// passed unpaid, and soon after (the pack's grace).
fn information_within_a_month(a: &mut Analysis<'_>) -> Vec<Finding> {
    let Some(rule) = a.pack.and_then(|p| p.guarantor_information) else {
        return Vec::new();
    };
    let guaranteed = a.scope & Mask::guaranteed();
    if guaranteed.is_empty() || a.plan.steps.is_empty() {
        return Vec::new();
    }
    let months = crate::plan::Offset {
        count: rule.months,
        unit: crate::plan::Unit::Months,
    };
    let shortest = a.lengths.of(months).min + i64::from(rule.grace_days);
    let mut informed = Mask::EMPTY;
    let mut late: Option<&Step> = None;
    for (step, view) in a.iter() {
        if !contacts(step).contains(&Recipient::Guarantor) {
            continue;
        }
        let in_time = view.time.range.max <= shortest
            || view.time.months_only.is_some_and(|m| m <= rule.months);
        if in_time {
            informed = informed | view.sure;
        } else if late.is_none() && !(view.reach & guaranteed).is_empty() {
            late = Some(step);
        }
    }
    let missed = guaranteed.minus(informed);
    if missed.is_empty() {
        return Vec::new();
    }
    let within = if rule.months == 1 {
        "the month".to_string()
    } else {
        format!("{} months", rule.months)
    };
    let mut d = a.warning(
        Code::GuarantorInformation,
        format!(
            "a natural-person guarantor may not hear of the default soon after {within} following the due date"
        ),
    );
    // Silenced by an `allow` above the late letter, or above the first
    // statement when no letter reaches the guarantor.
    let steps = match (late, a.plan.steps.first()) {
        (Some(step), _) => {
            d = d.with_label(
                step.span,
                format!("the guarantor hears of it only {}", a.when(step)),
            );
            vec![step.id]
        }
        (None, Some(first)) => {
            d = match &a.plan.jurisdiction {
                Some(j) => d.with_label(j.span, "French law applies"),
                None => d.with_label(first.span, "no statement informs the guarantor in time"),
            };
            vec![first.id]
        }
        (None, None) => return Vec::new(),
    };
    d = d.with_help(format!(
        "a professional creditor must tell a natural-person guarantor of the first payment incident not \
         regularised within {within} of the due date, as soon as that is so ({}; {}), or lose the interest \
         and penalties accrued meanwhile: e.g. `after 32 days if guaranteed send information_caution by \
         courrier to guarantor`",
        rule.source.cited(),
        rule.grace_source.cited()
    ));
    vec![Finding::new(d, steps)]
}

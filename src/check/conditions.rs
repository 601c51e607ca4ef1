//! Conditions that can never hold: a contradiction (`amount > 100 and
//! amount < 50`), a test the policy's own headers rule out (`b2c` under
//! `applies to b2b`, `amount < 20` under `minimum 25 EUR`), or a lateness the
//! step's own day rules out (`days_late < 30` sixty days after the due date).

use super::analysis::{Analysis, Finding};
use super::cells::{self, Domain, Mask};
use super::interval::Bound;
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::{Cond, Step, describe_condition};
use crate::vocab::DebtorKind;

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (step, view) in a.iter() {
        let Some(condition) = &step.condition else {
            continue;
        };
        if !view.decided || !view.feasible.is_empty() {
            continue;
        }
        let text = describe_condition(&condition.expr);
        let diagnostic = a
            .warning(
                Code::NeverFires,
                "this step never fires: its condition never holds",
            )
            .with_label(
                condition.span,
                format!("`{}` holds for no invoice", shorten(&text)),
            );
        let diagnostic = explain(a, step, &condition.expr, view.domain, diagnostic);
        out.push(Finding::new(diagnostic, vec![step.id]));
    }
    out
}

/// Adds why: which of the policy's limits rules the condition out.
fn explain(
    a: &Analysis<'_>,
    step: &Step,
    cond: &Cond,
    domain: Domain,
    d: Diagnostic,
) -> Diagnostic {
    let holds = |floor: Bound, days_from: Option<i64>, within: Mask| {
        let domain = Domain {
            floor,
            days_from,
            ..domain
        };
        cells::profile(Some(cond), &domain, within).is_none_or(|p| !p.feasible.is_empty())
    };
    let positive = Bound::Open(rust_decimal::Decimal::ZERO);
    if !holds(Bound::Unbounded, None, Mask::ALL) {
        return d.with_help(
            "the parts of this condition contradict each other (or leave no whole cent between \
             them); correct the bounds — were `<` and `>` swapped? — or remove the statement",
        );
    }
    if !holds(positive, None, Mask::ALL) {
        return d.with_help(
            "an invoice whose balance reaches zero has left the policy, so balances here are \
             always positive; correct the bound or remove the statement",
        );
    }
    if !holds(positive, None, a.scope) {
        let kinds: Vec<String> = a
            .scope
            .debtor_kinds()
            .iter()
            .map(DebtorKind::to_string)
            .collect();
        let mut d = d.with_help(format!(
            "the policy applies to {} debtors only; remove the test, or widen `applies to`",
            kinds.join(", ")
        ));
        if let Some(applies) = &a.plan.applies_to {
            d = d.with_label(applies.span, "the debtors the policy covers");
        }
        return d;
    }
    if !holds(domain.floor, None, a.scope) {
        let mut d = d.with_help(
            "balances below the policy's `minimum` are not chased, so this condition never holds; \
             correct the bound or the minimum",
        );
        if let Some(minimum) = &a.plan.minimum {
            d = d.with_label(minimum.span, "nothing below this is chased");
        }
        return d;
    }
    let day = domain.days_from.unwrap_or(0);
    d.with_label(
        step.when.span,
        format!("on this day `days_late` is at least {day}"),
    )
    .with_help(format!(
        "this step falls {} after the due date, so `days_late` is at least {day} on its day; \
             correct the test or the step's time",
        if day == 1 {
            "1 day".to_string()
        } else {
            format!("{day} days")
        }
    ))
}

/// Long conditions are cut in labels.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    crate::suggest::short(text)
}

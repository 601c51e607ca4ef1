//! Plan → words a lawyer reads back: "15 days after due",
//! "amount >= 15000 and not guaranteed".

use super::*;

/// When a step falls, e.g. `10 business days after relance_1`.
pub fn describe_when(plan: &Plan, when: &When) -> String {
    let anchor = match when.anchor {
        Anchor::Due => "due date".to_string(),
        Anchor::Issue => "issue date".to_string(),
        Anchor::Event(kind) => kind.as_str().to_string(),
        Anchor::Step(id) => match plan.step(id).map(|s| &s.action) {
            Some(Action::Send { template, .. }) => template.clone(),
            _ => format!("step {}", id.0 + 1),
        },
    };
    if when.offset.count == 0 {
        format!("on {anchor}")
    } else if when.before {
        format!("{} before {anchor}", when.offset)
    } else {
        format!("{} after {anchor}", when.offset)
    }
}

/// The step's day counted in calendar days from the due date, when fixed
/// (anchors followed back to `due`, no business days or months on the way).
pub fn day_from_due(plan: &Plan, when: &When) -> Option<i64> {
    let own = i64::from(when.offset.calendar_days()?);
    // Only `due` is counted back from (`5 days before due`).
    let mut days = if when.before { -own } else { own };
    let mut anchor = when.anchor;
    // Anchors point to earlier steps, so this ends; bound it anyway.
    for _ in 0..=plan.steps.len() {
        match anchor {
            Anchor::Due => return Some(days),
            Anchor::Issue | Anchor::Event(_) => return None,
            Anchor::Step(id) => {
                let step = plan.step(id)?;
                let own = i64::from(step.when.offset.calendar_days()?);
                days = days.checked_add(if step.when.before { -own } else { own })?;
                anchor = step.when.anchor;
            }
        }
    }
    None
}

/// A condition in the language's own syntax, with only the parentheses its
/// meaning needs.
pub fn describe_condition(cond: &Cond) -> String {
    fn go(cond: &Cond, parent: u8, out: &mut String) {
        // precedence: or 1, and 2, not 3, atoms 4
        let (own, wrap) = match cond {
            Cond::Any(_) => (1, parent > 1),
            Cond::All(_) => (2, parent > 2),
            _ => (4, false),
        };
        if wrap {
            out.push('(');
        }
        match cond {
            Cond::Any(parts) | Cond::All(parts) => {
                let word = if matches!(cond, Cond::Any(_)) {
                    " or "
                } else {
                    " and "
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(word);
                    }
                    go(part, own, out);
                }
            }
            Cond::Not(inner) => {
                out.push_str("not ");
                go(inner, 3, out);
            }
            Cond::Compare {
                field, op, value, ..
            } => {
                out.push_str(&format!("{field} {} {}", op.as_str(), value.normalize()));
            }
            Cond::Flag { flag, .. } => out.push_str(flag.as_str()),
            Cond::Debtor(atom) => {
                let value = match &atom.value {
                    super::DebtorValue::Number(n) => n.normalize().to_string(),
                    super::DebtorValue::Text(t)
                        if t.chars().all(|c| c.is_alphanumeric() || c == '_') =>
                    {
                        t.to_uppercase()
                    }
                    super::DebtorValue::Text(t) => format!("\"{t}\""),
                };
                out.push_str(&format!(
                    "debtor.{} {} {value}",
                    atom.column,
                    atom.op.as_str()
                ));
            }
        }
        if wrap {
            out.push(')');
        }
    }
    let mut out = String::new();
    go(cond, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Field, Flag};

    #[test]
    fn conditions_print_with_needed_parentheses_only() {
        let cmp = |v: i64| Cond::Compare {
            field: Field::Amount,
            op: CmpOp::Ge,
            value: Decimal::from(v),
            span: Span::default(),
        };
        let flag = Cond::Flag {
            flag: Flag::B2b,
            span: Span::default(),
        };
        let c = Cond::All(vec![
            Cond::Any(vec![cmp(1), flag.clone()]),
            Cond::Not(Box::new(flag)),
        ]);
        assert_eq!(describe_condition(&c), "(amount >= 1 or b2b) and not b2b");
    }
}

//! Plan → words a lawyer reads back: "15 days after due",
//! "amount >= 15000 and not guaranteed".

use std::fmt::Write as _;

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

/// What a step does, in the words every report uses: `send relance_1`,
/// `call debtor`, `charge indemnity 40 EUR`, `route x with y`.
pub fn describe_action(plan: &Plan, action: &Action) -> String {
    let currency = plan.currency.value;
    match action {
        Action::Send { template, .. } => format!("send {template}"),
        Action::Call { recipient } => format!("call {recipient}"),
        Action::Charge(charge) => match charge {
            Charge::Indemnity(amount) | Charge::Fee(amount) => {
                let kind = charge.kind();
                match amount {
                    Amount::Fixed(value) => {
                        format!("charge {kind} {} {currency}", value.normalize())
                    }
                    Amount::Share { percent, min, max } => {
                        let mut text =
                            format!("charge {kind} {}% of the balance", percent.normalize());
                        if let Some(min) = min {
                            text.push_str(&format!(", at least {} {currency}", min.normalize()));
                        }
                        if let Some(max) = max {
                            text.push_str(&format!(", at most {} {currency}", max.normalize()));
                        }
                        text
                    }
                    Amount::Statutory => format!("charge {kind} (statutory)"),
                }
            }
            Charge::Interest(Rate::Percent(rate)) => {
                format!("charge interest {}% a year", rate.normalize())
            }
            Charge::Interest(Rate::Statutory) => "charge interest (statutory rate)".to_string(),
        },
        Action::Route {
            destination,
            procedure,
        } => match procedure {
            Some(procedure) => format!("route {destination} with {procedure}"),
            None => format!("route {destination}"),
        },
        Action::Stop => "stop".to_string(),
    }
}

/// What a step does, with its channels and recipients:
/// `send mise_en_demeure by recommandé to debtor, guarantor`, `call guarantor`.
pub fn describe_action_with_reach(plan: &Plan, action: &Action) -> String {
    let mut text = describe_action(plan, action);
    match action {
        Action::Send {
            channels,
            recipients,
            ..
        } => {
            if !channels.is_empty() {
                let names: Vec<&str> = channels.iter().map(|c| c.as_str()).collect();
                let _ = write!(text, " by {}", names.join(", "));
            }
            if recipients
                .iter()
                .any(|r| *r != crate::vocab::Recipient::Debtor)
            {
                let names: Vec<&str> = recipients.iter().map(|r| r.as_str()).collect();
                let _ = write!(text, " to {}", names.join(", "));
            }
        }
        Action::Call { .. } | Action::Charge(_) | Action::Route { .. } | Action::Stop => {}
    }
    text
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

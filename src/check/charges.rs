//! What a policy may charge, by kind of debtor: the statutory B2B indemnity
//! and interest; nothing a consumer's law forbids (FR CPCE L111-8); in
//! Belgium, Book XIX's free first reminder and 14 days before any cost, its
//! capped indemnity and its interest cap.

use rust_decimal::Decimal;

use super::analysis::{Analysis, Finding};
use super::cells::{self, Mask, Quantifier};
use super::courts::{kind_flag, route_label_span};
use super::precede::{Candidate, Cover, Precedence};
use crate::claim;
use crate::diagnostic::Code;
use crate::law::{Indemnity, Pack};
use crate::plan::{Action, Amount, Charge, Rate, Step, StepId};
use crate::vocab::{Channel, DebtorKind, Recipient};

pub fn check(a: &mut Analysis<'_>) -> Vec<Finding> {
    let Some(pack) = a.pack else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut consumer_costs: Vec<StepId> = Vec::new();
    for step in &a.plan.steps {
        let Action::Charge(charge) = &step.action else {
            continue;
        };
        let Some(view) = a.view(step.id) else {
            continue;
        };
        for kind in view.reach.debtor_kinds() {
            if kind == DebtorKind::B2c && pack.free_reminder.is_some() {
                consumer_costs.push(step.id);
            }
            if let Some(f) = charge_rule(a, pack, step, *charge, kind) {
                out.push(f);
            }
        }
    }
    consumer_costs.dedup();
    if let Some(rule) = pack.free_reminder {
        if !consumer_costs.is_empty() {
            out.extend(free_reminder(a, rule, &consumer_costs));
        }
    }
    out
}

fn charge_rule(
    a: &Analysis<'_>,
    pack: &Pack,
    step: &Step,
    charge: Charge,
    kind: DebtorKind,
) -> Option<Finding> {
    let who = a.for_kind(a.view(step.id)?.reach, kind);
    let country = crate::law::country(pack.jurisdiction);
    let diagnostic = match (charge, kind, pack.indemnity(kind)) {
        (Charge::Indemnity(_), _, Indemnity::Forbidden(source))
        | (Charge::Fee(_), DebtorKind::B2c, Indemnity::Forbidden(source)) => a
            .error(
                Code::ConsumerRecoveryCosts,
                format!("recovery costs cannot be charged to a consumer (b2c) in {country} without an enforceable title"),
            )
            .with_label(step.action_span, "a recovery cost")
            .with_help(format!(
                "collection costs incurred without an enforceable title stay with the creditor ({}); \
                 limit the charge with `if b2b`, or remove it; late interest (`charge interest statutory`) remains possible",
                source.cited()
            )),
        (Charge::Fee(_), DebtorKind::B2c, _) => {
            let source = pack.fees_b2c_forbidden?;
            a.error(
                Code::ConsumerRecoveryCosts,
                format!("a recovery fee cannot be charged to a consumer (b2c) in {country}"),
            )
            .with_label(step.action_span, "a fee on top of the indemnity")
            .with_help(format!(
                "a consumer owes no collection costs beyond the capped indemnity clause ({}); \
                 use `charge indemnity statutory`, or limit the fee with `if b2b`",
                source.cited()
            ))
        }
        (Charge::Indemnity(Amount::Statutory), _, Indemnity::NotStatutory(source)) => a
            .error(
                Code::StatutoryCharge,
                format!("the law of {country} gives no statutory recovery indemnity for a consumer (b2c)"),
            )
            .with_label(step.action_span, "no such statutory indemnity")
            .with_help(format!(
                "the fixed 40 EUR indemnity is for commercial transactions ({}); limit it with `if b2b`, \
                 or charge an indemnity your contract provides, as an amount",
                source.cited()
            )),
        (Charge::Indemnity(Amount::Fixed(value)), _, Indemnity::Fixed(fact)) if value > fact.value => a
            .warning(
                Code::IndemnityAboveStatutory,
                format!(
                    "this indemnity of {} {} is above the statutory {} {}{who}",
                    value.normalize(),
                    a.currency(),
                    fact.value.normalize(),
                    a.currency()
                ),
            )
            .with_label(step.action_span, "more than the fixed indemnity")
            .with_help(format!(
                "the law gives {} {} of right ({}); more needs proof of the actual recovery costs: \
                 write `charge indemnity statutory` (or `{} {}`), or keep that proof",
                fact.value.normalize(),
                a.currency(),
                fact.source.cited(),
                fact.value.normalize(),
                a.currency()
            )),
        (Charge::Indemnity(Amount::Fixed(value)), _, Indemnity::Capped(cap, source, words)) => {
            let view = a.view(step.id)?;
            let cond = step.condition.as_ref().map(|c| &c.expr);
            let within = view.reach & Mask::kinds(&[kind]);
            let combo = within.iter().next()?;
            let amounts = cells::amounts(cond, &view.domain, combo, Quantifier::Some)?;
            let lowest = amounts.min_member(a.unit)?;
            let limit = cap(lowest);
            if value <= limit {
                return None;
            }
            let from = match reached_at(cap, value, lowest, a.unit) {
                Some(at) => format!(
                    "the cap reaches {} {} only from a balance of {} {}",
                    value.normalize(),
                    a.currency(),
                    at.normalize(),
                    a.currency()
                ),
                None => format!("the cap never reaches {} {}", value.normalize(), a.currency()),
            };
            a.error(
                Code::ConsumerIndemnityCap,
                format!(
                    "this indemnity of {} {} is above the cap of {} {} for a consumer's balance of {} {}",
                    value.normalize(),
                    a.currency(),
                    limit.round_dp(2).normalize(),
                    a.currency(),
                    lowest.normalize(),
                    a.currency()
                ),
            )
            .with_label(
                route_label_span(step),
                if amounts.is_all_from(a.floor) {
                    format!("charged for every balance; {from}")
                } else {
                    format!("charged for `{}`; {from}", amounts.describe("amount", a.floor))
                },
            )
            .with_help(format!(
                "the indemnity is capped by balance: {words} ({}); write `charge indemnity statutory` \
                 to charge the cap, or limit the charge to larger balances",
                source.cited()
            ))
        }
        (Charge::Interest(Rate::Percent(rate)), DebtorKind::B2c, _) => {
            let cap = pack.consumer_interest_cap.as_ref()?;
            let (limit, from) = claim::latest_rate(&cap.rule, a.rates)?;
            if rate <= limit {
                return None;
            }
            a.finding(
                cap.source.basis.is_law(),
                Code::ConsumerInterestCap,
                format!(
                    "late interest of {}% a year is above the cap of {}% for a consumer (b2c)",
                    rate.normalize(),
                    limit.normalize()
                ),
            )
            .with_label(step.action_span, "above the cap")
            .with_help(format!(
                "a clause may not charge a consumer more than {}: {}% from {from} ({}); without \
                 a clause, `charge interest statutory` charges what the law gives",
                cap.words,
                limit.normalize(),
                cap.source.cited()
            ))
        }
        (Charge::Interest(Rate::Percent(rate)), DebtorKind::B2b, _) => {
            let floor = pack.penalty_floor.as_ref()?;
            let row = a.rates.latest(floor.series)?;
            let least = floor.times.checked_mul(row.rate)?;
            if rate >= least {
                return None;
            }
            a.finding(
                floor.source.basis.is_law(),
                Code::PenaltyRateFloor,
                format!(
                    "late-payment penalties of {}% a year are below the least the law allows between firms, {}%",
                    rate.normalize(),
                    least.normalize()
                ),
            )
            .with_label(step.action_span, "below the floor")
            .with_help(format!(
                "a contractual rate may not be below {} ({}% × {} = {}% from {}; {}); write `charge \
                 interest statutory` (the ECB rate + 10 points the law sets without a clause), or a rate \
                 of at least {}%",
                floor.words,
                row.rate.normalize(),
                floor.times.normalize(),
                least.normalize(),
                row.from,
                floor.source.cited(),
                least.normalize()
            ))
        }
        (Charge::Interest(Rate::Statutory), DebtorKind::B2c, _) if pack.interest_b2c.is_none() => a
            .error(
                Code::StatutoryCharge,
                format!("the law of {country} sets no late-interest rate `policy` can compute for a consumer (b2c)"),
            )
            .with_label(step.action_span, "no statutory rate to compute")
            .with_help(
                "a consumer owes the legal interest rate, under conditions the ledger does not hold \
                 (a formal notice, the contract's terms); write the rate the firm may claim \
                 (`charge interest 4.5%`, the legal rate of the year), or limit the step with `if b2b`",
            ),
        (Charge::Indemnity(Amount::Fixed(_)), DebtorKind::B2c, Indemnity::NotStatutory(source)) => a
            .error(
                Code::ConsumerRecoveryCosts,
                format!("the recovery indemnity of the late-payment law is for business debtors only, not a consumer (b2c) in {country}"),
            )
            .with_label(step.action_span, "charged to a consumer")
            .with_help(format!(
                "the fixed 40 EUR indemnity is for commercial transactions ({}); limit it with `if b2b`",
                source.cited()
            )),
        (Charge::Indemnity(Amount::Statutory), DebtorKind::B2c, Indemnity::Capped(_, source, _)) => a
            .warning(
                Code::IndemnityClause,
                "the capped indemnity is owed by a consumer only where the terms and conditions provide for it",
            )
            .with_label(step.action_span, "charges the cap")
            .with_help(format!(
                "the brackets cap the firm's own clause, they give nothing by themselves ({}): check that \
                 the terms and conditions the consumer accepted provide for an indemnity, and write \
                 that clause (`charge indemnity 10% min 25 EUR`: capped by law all the same)",
                source.cited()
            )),
        _ => return None,
    };
    Some(Finding::new(diagnostic, vec![step.id]))
}

/// The smallest balance (a multiple of `unit`, from `from`) whose cap
/// reaches `value`, by bisection (the cap never decreases); `None` when the
/// cap never does.
fn reached_at(
    cap: fn(Decimal) -> Decimal,
    value: Decimal,
    from: Decimal,
    unit: Decimal,
) -> Option<Decimal> {
    let mut high = Decimal::from(1_000_000_000u32);
    if cap(high) < value {
        return None;
    }
    let mut low = from;
    while high.saturating_sub(low) > unit {
        let mid = low
            .saturating_add(high)
            .checked_div(Decimal::TWO)?
            .checked_div(unit)?
            .floor()
            .checked_mul(unit)?;
        if mid <= low || mid >= high {
            break;
        }
        if cap(mid) >= value {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high)
}

/// Book XIX: a cost only after a free first reminder and 14 full days.
fn free_reminder(
    a: &mut Analysis<'_>,
    rule: crate::law::FreeReminder,
    costs: &[StepId],
) -> Vec<Finding> {
    let candidates: Vec<Candidate> = a
        .plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Send {
                channels,
                recipients,
                ..
            } if recipients.contains(&Recipient::Debtor) => {
                let electronic =
                    !channels.is_empty() && channels.iter().all(|c| *c == Channel::Email);
                let gap = if electronic {
                    rule.after_email
                } else {
                    rule.after_letter
                };
                Some(Candidate {
                    step: s.id,
                    gap: i64::from(gap),
                })
            }
            _ => None,
        })
        .collect();
    let precedence = Precedence::new(a, &candidates);
    let consumer = kind_flag(DebtorKind::B2c);
    let mut out = Vec::new();
    for &id in costs {
        let Some(step) = a.plan.step(id) else {
            continue;
        };
        let d = match precedence.cover(a, id, Some(&consumer)) {
            Cover::Covered | Cover::Unknown => continue,
            Cover::Short {
                by, gap, required, ..
            } => {
                let Some(reminder) = a.plan.step(by) else { continue };
                // A letter's 14 days start on the 3rd working day: day 3 at
                // the earliest, day 7 at the latest.
                let letter = required == i64::from(rule.after_letter);
                let law = !(letter && gap >= 17);
                let how = if letter {
                    "from the third working day after a letter"
                } else {
                    "from the day after an e-mail"
                };
                let message = if gap <= 0 {
                    "a cost charged to a consumer with the first reminder, which must be free".to_string()
                } else {
                    format!(
                        "a cost charged to a consumer {gap} days after the first reminder, before its 14 days have run"
                    )
                };
                a.finding(law, Code::ConsumerFreeReminder, message)
                    .with_label(step.action_span, format!("charged {}", a.when(step)))
                    .with_label(reminder.span, format!("the first reminder, {}", a.when(reminder)))
                .with_help(format!(
                    "no cost, indemnity or interest before 14 calendar days have run {how} ({}{}): \
                     charge at least {required} days after the reminder",
                    rule.source.cited(),
                    if letter { format!("; {}", rule.working_days.cited()) } else { String::new() }
                ))
            }
            Cover::Missing { .. } => a
                .error(
                    Code::ConsumerFreeReminder,
                    "a cost charged to a consumer before a free first reminder",
                )
                .with_label(step.action_span, format!("charged {}", a.when(step)))
                .with_help(format!(
                    "send a free first reminder first (it states the amount due and the indemnity to come), \
                     then wait 14 calendar days from the day after an e-mail, or from the third working day \
                     after a letter ({}): e.g. `after 10 days send rappel by email` and charge \
                     `after {} days from rappel`",
                    rule.source.cited(),
                    rule.after_email
                )),
        };
        out.push(Finding::new(d, vec![id]));
    }
    out
}

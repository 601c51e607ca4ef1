//! What a letter claims for each invoice on the run's day: the principal
//! still owed, and the indemnity and interest the policy's `charge` steps
//! have charged by then, computed by [`crate::claim`] where the law sets
//! them (docs/money.md).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::claim::{self, RateRule, RateTable};
use crate::diagnostic::Diagnostic;
use crate::ledger::{Invoice, Ledger};
use crate::plan::{Action, Amount, Charge, Plan, Rate};
use crate::simulate::Event;

/// One invoice's figures on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceClaim {
    pub outstanding: Decimal,
    /// Indemnity and fees charged so far.
    pub indemnity: Decimal,
    /// Late interest charged so far, as of the day, rounded to the cent.
    pub interest: Decimal,
    /// The indemnity the policy will charge if the invoice stays unpaid.
    pub indemnity_if_unpaid: Decimal,
}

impl InvoiceClaim {
    /// What the letter claims; [`invoice_claim`] has checked that it can
    /// be computed.
    pub fn claimed(&self) -> Decimal {
        self.claimed_checked().unwrap_or(Decimal::MAX)
    }

    fn claimed_checked(&self) -> Option<Decimal> {
        self.outstanding
            .checked_add(self.indemnity)?
            .checked_add(self.interest)
    }
}

/// The figures of `invoice` on `as_of`, given its events (any order; those
/// after `as_of` are ignored). Warnings (a rate past the end of the table)
/// are pushed to `warnings`.
pub fn invoice_claim(
    plan: &Plan,
    ledger: &Ledger,
    invoice: &Invoice,
    events: &[&Event],
    as_of: NaiveDate,
    rates: &RateTable,
    warnings: &mut Vec<Diagnostic>,
) -> Result<InvoiceClaim, Diagnostic> {
    let debtor = ledger.debtor(invoice.debtor);
    let jurisdiction = plan.jurisdiction.as_ref().map(|j| j.value);
    let outstanding = ledger.balance_on(invoice, as_of);
    let statutory_indemnity = |balance: Decimal| {
        jurisdiction.map_or(Decimal::ZERO, |j| {
            claim::indemnity(j, debtor.kind, balance).amount
        })
    };
    // What the policy writes, and never more than the law allows (a
    // consumer's capped indemnity, CDE Book XIX).
    let amount_of = |amount: &Amount| {
        let written = amount
            .on(outstanding)
            .unwrap_or_else(|| statutory_indemnity(outstanding));
        jurisdiction.map_or(written, |j| {
            crate::law::pack(j)
                .indemnity(debtor.kind)
                .limit(written, outstanding)
        })
    };
    // Belgian consumers: nothing accrues before the free first reminder's
    // 14 days have run (CDE art. XIX.2 §1).
    let costs_from = jurisdiction
        .and_then(|j| free_period_end(plan, j, debtor.kind, events))
        .unwrap_or(NaiveDate::MIN);
    let mut result = InvoiceClaim {
        outstanding,
        ..InvoiceClaim::default()
    };
    if let Some(amount) = plan.steps.iter().find_map(|s| match &s.action {
        Action::Charge(Charge::Indemnity(amount)) => Some(amount),
        _ => None,
    }) {
        result.indemnity_if_unpaid = amount_of(amount);
    }
    if outstanding.is_zero() {
        return Ok(result);
    }
    let balances = ledger.balance_timeline(invoice);
    let mut interest_done = false;
    for event in events.iter().filter(|e| e.date <= as_of) {
        let Some(Action::Charge(charge)) = plan.step(event.step).map(|s| &s.action) else {
            continue;
        };
        if event.date <= costs_from {
            continue;
        }
        match charge {
            Charge::Indemnity(amount) | Charge::Fee(amount) => {
                result.indemnity = result
                    .indemnity
                    .checked_add(amount_of(amount))
                    .ok_or_else(|| overflow(invoice, "the indemnity and fees"))?;
            }
            // One interest per invoice: a second `charge interest` restates
            // the first, it does not double it.
            Charge::Interest(_) if interest_done => {}
            Charge::Interest(rate) => {
                interest_done = true;
                let interest = match (rate, jurisdiction) {
                    (Rate::Statutory, Some(j)) => claim::statutory_interest(
                        j,
                        debtor.kind,
                        &balances,
                        invoice.due,
                        Some(event.date),
                        as_of,
                        rates,
                    )
                    .map_err(|d| naming(d, invoice))?,
                    (Rate::Statutory, None) => None,
                    (Rate::Percent(percent), _) => match invoice.due.max(costs_from).succ_opt() {
                        Some(first) if first <= as_of => Some(
                            claim::interest(
                                &RateRule::Fixed(*percent),
                                &balances,
                                first,
                                as_of,
                                rates,
                            )
                            .map_err(|d| naming(d, invoice))?,
                        ),
                        _ => None,
                    },
                };
                if let Some(interest) = interest {
                    result.interest = interest.amount;
                    warnings.extend(interest.warnings);
                }
            }
        }
    }
    if result.claimed_checked().is_none() {
        return Err(overflow(invoice, "the principal, indemnity and interest"));
    }
    Ok(result)
}

/// An amount of `invoice` too large to compute (see [`claim::overflow`]).
fn overflow(invoice: &Invoice, what: &str) -> Diagnostic {
    claim::overflow(&format!("invoice {}: {what}", invoice.reference))
}

/// A computation's overflow, naming the invoice it happened on.
fn naming(mut diagnostic: Diagnostic, invoice: &Invoice) -> Diagnostic {
    if diagnostic.code == crate::diagnostic::Code::AmountOverflow {
        diagnostic.message = format!("invoice {}: {}", invoice.reference, diagnostic.message);
    }
    diagnostic
}

/// The last day of a consumer's free first reminder period, where the law
/// gives one (BE Book XIX): the 14 days after the first letter or e-mail to
/// the debtor listing the invoice (from the next day for an e-mail, from
/// the third working day for a letter: the pack's delays).
fn free_period_end(
    plan: &Plan,
    jurisdiction: crate::vocab::Jurisdiction,
    kind: crate::vocab::DebtorKind,
    events: &[&Event],
) -> Option<NaiveDate> {
    if kind != crate::vocab::DebtorKind::B2c {
        return None;
    }
    let rule = crate::law::pack(jurisdiction).free_reminder?;
    let (first, channels) =
        events
            .iter()
            .filter(|e| e.recipients.debtor)
            .find_map(|e| match plan.step(e.step).map(|s| &s.action) {
                Some(Action::Send { channels, .. }) => Some((e.date, channels)),
                _ => None,
            })?;
    let electronic =
        !channels.is_empty() && channels.iter().all(|c| *c == crate::vocab::Channel::Email);
    let days = if electronic {
        rule.after_email
    } else {
        rule.after_letter
    };
    // `days` leads to the first day a cost may run.
    first.checked_add_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
}

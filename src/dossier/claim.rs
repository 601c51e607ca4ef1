//! The amount claimed as of a day: for each invoice still owed, the
//! outstanding principal, the statutory late interest and the fixed recovery
//! indemnity, by the rules of `crate::claim` (docs/money.md).

use crate::amount::Amounts;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::claim::{self, Period, RateRule, RateTable, Start};
use crate::diagnostic::Diagnostic;
use crate::ledger::{Invoice, Ledger};
use crate::vocab::{DebtorKind, Jurisdiction};

/// Why an invoice bears no interest in the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoInterest {
    /// Not yet due on the day.
    NotLate,
    /// `policy` computes no statutory interest here (Luxembourg consumers).
    NotComputed,
    /// Interest runs from a formal notice (or the end of the period a first
    /// reminder gives) that has not happened, or not ended, by the day.
    AwaitingNotice,
    /// No letter sent has charged interest: the policy's interest step has
    /// not fired for the invoice.
    NotCharged,
}

/// One invoice of the claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimLine {
    pub invoice: String,
    pub due: NaiveDate,
    /// Outstanding at the end of the as-of day.
    pub principal: Decimal,
    /// Rounded to the cent; zero when there is none.
    pub interest: Decimal,
    /// The computation, for the detail (unrounded amounts).
    pub periods: Vec<Period>,
    pub no_interest: Option<NoInterest>,
    pub indemnity: Decimal,
    /// Under dispute on the as-of day: claimed, but flagged.
    pub disputed: bool,
}

impl ClaimLine {
    pub fn total(&self) -> Decimal {
        self.principal
            .saturating_add(self.interest)
            .saturating_add(self.indemnity)
    }
}

/// The claim on one debtor's invoices as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub jurisdiction: Jurisdiction,
    pub kind: DebtorKind,
    pub as_of: NaiveDate,
    pub lines: Vec<ClaimLine>,
    /// The statute of the interest; `None` where none is computed.
    pub interest_basis: Option<&'static str>,
    /// From when it runs.
    pub interest_start: Option<Start>,
    pub indemnity_basis: &'static str,
    /// Set when the as-of day is past the rate table: the last rate known
    /// was used from the day after this one.
    pub rates_known_until: Option<NaiveDate>,
}

impl Claim {
    pub fn principal(&self) -> Decimal {
        self.lines.iter().map(|l| l.principal).total()
    }

    pub fn interest(&self) -> Decimal {
        self.lines.iter().map(|l| l.interest).total()
    }

    pub fn indemnity(&self) -> Decimal {
        self.lines.iter().map(|l| l.indemnity).total()
    }

    pub fn total(&self) -> Decimal {
        self.lines.iter().map(ClaimLine::total).total()
    }
}

/// What the claim is computed from, besides the invoices.
pub struct Terms<'a> {
    pub jurisdiction: Jurisdiction,
    pub kind: DebtorKind,
    pub as_of: NaiveDate,
    pub rates: &'a RateTable,
}

/// The claim to lodge in a collective procedure: principal, late interest
/// and indemnity of `invoices` as of the opening judgment `opened`
/// (legal-facts.md §6), as [`compute`] works out a dossier's; without a rate for some day, the principal
/// alone. One owner for `policy simulate`'s summary and the proof-of-claim
/// task of `policy run`.
pub(crate) fn at_opening(
    ledger: &Ledger,
    invoices: &[&Invoice],
    jurisdiction: Jurisdiction,
    kind: DebtorKind,
    opened: NaiveDate,
    rates: &RateTable,
) -> (Decimal, Decimal, Decimal) {
    let terms = Terms {
        jurisdiction,
        kind,
        as_of: opened,
        rates,
    };
    let mut warnings = Vec::new();
    match compute(ledger, invoices, &terms, |_| None, |_| None, &mut warnings) {
        Ok(claim) => (claim.principal(), claim.interest(), claim.indemnity()),
        Err(_) => (
            invoices
                .iter()
                .map(|i| ledger.balance_on(i, opened))
                .total(),
            Decimal::ZERO,
            Decimal::ZERO,
        ),
    }
}

/// What the letters sent for an invoice have charged: the charges whose
/// step had fired, as the journal's last action listing it records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charged {
    pub indemnity: Decimal,
    pub interest: bool,
}

/// The claim on `invoices` (those with nothing outstanding are left out).
/// `notice` gives, for an invoice, the day after which interest may run when
/// the law makes it run from a notice rather than the due date; `charged`,
/// what the letters have charged for it (`None`: not known, from a journal
/// written before actions recorded it: the law's charges are shown). `Err`:
/// a day the rate table has no rate for. Warnings (rates past the table)
/// are pushed on `warnings`.
pub(crate) fn compute(
    ledger: &Ledger,
    invoices: &[&Invoice],
    terms: &Terms<'_>,
    notice: impl Fn(&Invoice) -> Option<NaiveDate>,
    charged: impl Fn(&Invoice) -> Option<Charged>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Claim, Diagnostic> {
    let statutory = claim::statutory(terms.jurisdiction, terms.kind);
    let by_notice = statutory
        .as_ref()
        .is_some_and(|s| s.start == Start::DayAfterNotice);
    let mut lines = Vec::new();
    let mut rates_known_until = None;
    for invoice in invoices {
        let principal = ledger.balance_on(invoice, terms.as_of);
        if principal.is_zero() {
            continue;
        }
        let late = terms.as_of > invoice.due;
        let notice = notice(invoice);
        let charged = charged(invoice);
        let interest = match charged {
            Some(Charged {
                interest: false, ..
            }) => None,
            _ => claim::statutory_interest(
                terms.jurisdiction,
                terms.kind,
                &ledger.balance_timeline(invoice),
                invoice.due,
                notice,
                terms.as_of,
                terms.rates,
            )?,
        };
        let no_interest = match (&interest, &statutory, charged) {
            (Some(_), _, _) => None,
            _ if !late => Some(NoInterest::NotLate),
            (None, None, _) => Some(NoInterest::NotComputed),
            (
                None,
                Some(_),
                Some(Charged {
                    interest: false, ..
                }),
            ) => Some(NoInterest::NotCharged),
            (None, Some(_), _) => Some(NoInterest::AwaitingNotice),
        };
        // Where interest waits for a notice, so does the indemnity (Book
        // XIX: no cost during the free reminder's period).
        let owed = late && (!by_notice || no_interest.is_none());
        let indemnity = match charged {
            Some(charged) => charged.indemnity,
            None if owed => claim::indemnity(terms.jurisdiction, terms.kind, principal).amount,
            None => Decimal::ZERO,
        };
        let (amount, periods) = match interest {
            Some(interest) => {
                if let (Some(first), None) = (interest.warnings.first(), rates_known_until) {
                    warnings.push(first.clone());
                    rates_known_until = last_known_rate(statutory, terms);
                }
                (interest.amount, interest.periods)
            }
            None => (Decimal::ZERO, Vec::new()),
        };
        lines.push(ClaimLine {
            invoice: invoice.reference.to_string(),
            due: invoice.due,
            principal,
            interest: amount,
            periods,
            no_interest,
            indemnity,
            disputed: ledger
                .disputes_of(invoice)
                .iter()
                .any(|d| d.start <= terms.as_of && d.end.is_none_or(|end| end > terms.as_of)),
        });
    }
    Ok(Claim {
        jurisdiction: terms.jurisdiction,
        kind: terms.kind,
        as_of: terms.as_of,
        lines,
        interest_basis: statutory.as_ref().map(|s| s.basis),
        interest_start: statutory.as_ref().map(|s| s.start),
        indemnity_basis: claim::indemnity(terms.jurisdiction, terms.kind, Decimal::ZERO).basis,
        rates_known_until,
    })
}

/// The last day of the rate table's series for this rule.
fn last_known_rate(statutory: Option<&claim::Statutory>, terms: &Terms<'_>) -> Option<NaiveDate> {
    let series = match &statutory?.rule {
        RateRule::Reference { series, .. } | RateRule::Series(series) => *series,
        RateRule::Fixed(_) => return None,
    };
    match terms.rates.lookup(series, terms.as_of) {
        claim::Lookup::Beyond(row) => Some(row.to),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger_of(rows: &str) -> Ledger {
        crate::ledger::testing::ledger_of(
            "id,name,kind\nACME,ACME SA,b2b\n",
            &format!("date,type,invoice,debtor,amount,due\n{rows}"),
        )
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_timeline_has_one_point_per_day_and_never_goes_below_zero() {
        let ledger = ledger_of(
            "2026-01-05,invoice,F-1,ACME,1000.00,2026-02-04\n\
             2026-02-10,payment,F-1,,200.00,\n\
             2026-02-10,payment,F-1,,100.00,\n\
             2026-02-11,dispute,F-1,,,\n\
             2026-03-01,credit_note,F-1,,50.00,\n\
             2026-03-15,payment,F-1,,900.00,\n",
        );
        let timeline = ledger.balance_timeline(&ledger.invoices[0]);
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            timeline,
            [
                (day("2026-01-05"), d("1000.00")),
                (day("2026-02-10"), d("700.00")),
                (day("2026-03-01"), d("650.00")),
                (day("2026-03-15"), Decimal::ZERO),
            ]
        );
        for (on, balance) in timeline {
            assert_eq!(balance, ledger.balance_on(&ledger.invoices[0], on));
        }
    }
}

//! The money a late debtor owes on top of the principal: statutory late
//! interest (from a dated [`RateTable`]) and the fixed recovery indemnity, by
//! jurisdiction and debtor kind. Everything is exact `Decimal` arithmetic,
//! rounded to the cent once per invoice (see `docs/money.md`).

pub mod rates;

use crate::amount::Amounts;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

pub use rates::{Lookup, RateRow, RateTable};

use crate::diagnostic::{Code, Diagnostic};
use crate::vocab::{DebtorKind, Jurisdiction};

/// Days in the interest year: exact days over 365 (see `docs/money.md`).
pub(crate) const DAYS_IN_YEAR: i64 = 365;

pub use crate::law::{Interest as Statutory, RateRule, Start};

/// The statutory interest that applies, as the jurisdiction's rule pack sets
/// it, or `None` where `policy` does not compute it (Luxembourg consumers:
/// it depends on facts of the invoice the ledger does not hold; see
/// `docs/money.md`).
pub fn statutory(jurisdiction: Jurisdiction, kind: DebtorKind) -> Option<&'static Statutory> {
    crate::law::pack(jurisdiction).interest(kind)
}

/// The outstanding principal of one invoice over time: `(day, balance)`
/// means "at the end of `day`, `balance` is owed". Sorted by day; a day
/// before the first entry owes nothing.
pub(crate) type Balances = [(NaiveDate, Decimal)];

/// One stretch of days with the same principal and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub days: i64,
    pub principal: Decimal,
    /// Yearly percentage applied.
    pub rate: Decimal,
    /// `principal × rate × days / (100 × 365)`, unrounded.
    pub amount: Decimal,
    /// Where the rate comes from.
    pub basis: RateBasis,
}

/// Where a period's yearly rate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateBasis {
    /// The rate the policy writes (`charge interest 8%`).
    Fixed,
    /// A row of the rate table, plus points, maybe rounded up to the next
    /// half point.
    Table {
        series: String,
        /// The row's rate and the days it covers.
        base: Decimal,
        from: NaiveDate,
        to: NaiveDate,
        plus: Decimal,
        rounded_up_to_half: bool,
        /// The row's `source` column: a note for whoever keeps the table.
        note: String,
    },
}

/// Interest on one invoice.
#[derive(Debug, Clone)]
pub struct Interest {
    /// Rounded half-up to the cent.
    pub amount: Decimal,
    /// The exact sum of the periods.
    pub exact: Decimal,
    pub periods: Vec<Period>,
    /// Rates used past the end of the table.
    pub warnings: Vec<Diagnostic>,
}

/// Rounds half away from zero to the cent, as every amount shown is.
pub fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Simple interest on `balances` for every day from `first` to `last`
/// (both inclusive): each day accrues `principal × rate / 100 / 365` on the
/// principal owed at the end of the day before. Periods split where the
/// principal or the rate changes.
pub fn interest(
    rule: &RateRule,
    balances: &Balances,
    first: NaiveDate,
    last: NaiveDate,
    table: &RateTable,
) -> Result<Interest, Diagnostic> {
    let mut periods: Vec<Period> = Vec::new();
    let mut warnings = Vec::new();
    let mut day = first;
    while day <= last {
        let principal = principal_before(balances, day);
        let next_change = balances
            .iter()
            .map(|&(d, _)| d)
            .find(|&d| d >= day)
            .unwrap_or(last);
        let (rate, rate_to, basis) = rate_on(rule, day, table, &mut warnings)?;
        let to = last.min(next_change).min(rate_to);
        let days = (to - day).num_days() + 1;
        if !principal.is_zero() {
            let amount = principal
                .checked_mul(rate)
                .and_then(|a| a.checked_mul(Decimal::from(days)))
                .and_then(|a| a.checked_div(Decimal::from(100 * DAYS_IN_YEAR)))
                .ok_or_else(|| {
                    overflow(&format!(
                        "interest of {principal} at {rate} % over {days} days"
                    ))
                })?;
            match periods.last_mut() {
                Some(p) if p.principal == principal && p.rate == rate && p.basis == basis => {
                    p.to = to;
                    p.days += days;
                    p.amount = p
                        .amount
                        .checked_add(amount)
                        .ok_or_else(|| overflow("the interest's periods"))?;
                }
                _ => periods.push(Period {
                    from: day,
                    to,
                    days,
                    principal,
                    rate,
                    amount,
                    basis,
                }),
            }
        }
        let Some(next) = to.succ_opt() else { break };
        day = next;
    }
    // Summing per-period exact amounts: periods merged above were summed
    // exactly too, so the split does not move the rounding.
    let exact = periods
        .iter()
        .map(|p| p.amount)
        .checked_total()
        .ok_or_else(|| overflow("the interest's periods"))?;
    Ok(Interest {
        amount: cents(exact),
        exact,
        periods,
        warnings,
    })
}

/// Statutory interest of one invoice as of `as_of` (inclusive), or `None`
/// where none is computed: no statutory rule, no notice yet for a rule that
/// needs one, or not late.
pub fn statutory_interest(
    jurisdiction: Jurisdiction,
    kind: DebtorKind,
    balances: &Balances,
    due: NaiveDate,
    notice: Option<NaiveDate>,
    as_of: NaiveDate,
    table: &RateTable,
) -> Result<Option<Interest>, Diagnostic> {
    let Some(rule) = statutory(jurisdiction, kind) else {
        return Ok(None);
    };
    let after = match rule.start {
        Start::DayAfterDue => due,
        Start::DayAfterNotice => match notice {
            Some(notice) => notice.max(due),
            None => return Ok(None),
        },
    };
    let Some(first) = after.succ_opt() else {
        return Ok(None);
    };
    if first > as_of {
        return Ok(None);
    }
    interest(&rule.rule, balances, first, as_of, table).map(Some)
}

/// An amount past what `Decimal` holds (about 7.9 × 10^28): unreachable with
/// the ledger's and the policy's bounds on amounts and rates
/// ([`crate::ledger::MAX_AMOUNT`]), said rather than panicking if it ever
/// happens. Callers add the invoice.
pub fn overflow(what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::AmountOverflow,
        format!("{what}: the amount is too large to compute"),
    )
    .with_help(
        "amounts are at most 10^13 in the currency and yearly rates at most 100 %; \
         check the invoice's amounts in the ledger and the policy's charges",
    )
}

/// The yearly rate of statutory interest on `day`, or `None` where none is
/// computed (see [`statutory`]). A day past the table's last row takes
/// that row's rate and pushes a warning to `warnings`.
pub(crate) fn statutory_rate(
    jurisdiction: Jurisdiction,
    kind: DebtorKind,
    day: NaiveDate,
    table: &RateTable,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<Decimal>, Diagnostic> {
    let Some(rule) = statutory(jurisdiction, kind) else {
        return Ok(None);
    };
    rate_on(&rule.rule, day, table, warnings).map(|(rate, _, _)| Some(rate))
}

/// The principal owed at the end of the day before `day`.
fn principal_before(balances: &Balances, day: NaiveDate) -> Decimal {
    balances
        .iter()
        .take_while(|&&(d, _)| d < day)
        .last()
        .map_or(Decimal::ZERO, |&(_, b)| b.max(Decimal::ZERO))
}

/// The rate `rule` gives in the latest period of the table (see
/// [`RateTable::latest`]), with that period's first day; `None` for a
/// series the table lacks.
pub(crate) fn latest_rate(rule: &RateRule, table: &RateTable) -> Option<(Decimal, NaiveDate)> {
    let series = rule.series()?;
    let row = table.latest(series)?;
    let mut warnings = Vec::new();
    rate_on(rule, row.from, table, &mut warnings)
        .ok()
        .map(|(rate, _, _)| (rate, row.from))
}

/// The yearly rate on `day`, the last day it holds, and where it comes from.
fn rate_on(
    rule: &RateRule,
    day: NaiveDate,
    table: &RateTable,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Decimal, NaiveDate, RateBasis), Diagnostic> {
    let (series, plus, half) = match rule {
        RateRule::Fixed(rate) => return Ok((*rate, NaiveDate::MAX, RateBasis::Fixed)),
        RateRule::Series(series) => (*series, Decimal::ZERO, false),
        RateRule::Reference {
            series,
            plus,
            round_up_to_half,
        } => (*series, *plus, *round_up_to_half),
    };
    let (row, to) = match table.lookup(series, day) {
        Lookup::Known(row) => (row, row.to),
        Lookup::Beyond(row) => {
            if warnings.is_empty() {
                warnings.push(
                    Diagnostic::warning(
                        Code::RateBeyondTable,
                        format!(
                            "no `{series}` rate is known after {}; the last known rate ({} %) is used from {day}",
                            row.to, row.rate
                        ),
                    )
                    .with_help(table.how_to_extend())
                    .in_path(table.name().to_string()),
                );
            }
            (row, NaiveDate::MAX)
        }
        Lookup::Missing => {
            return Err(Diagnostic::error(
                Code::RateMissing,
                format!("no `{series}` rate is known for {day}"),
            )
            .with_help(table.how_to_extend())
            .in_path(table.name().to_string()));
        }
    };
    let mut rate = row.rate.saturating_add(plus);
    if half {
        rate = rate
            .saturating_mul(Decimal::TWO)
            .ceil()
            .saturating_mul(Decimal::new(5, 1));
    }
    let basis = RateBasis::Table {
        series: row.series.clone(),
        base: row.rate,
        from: row.from,
        to: row.to,
        plus,
        rounded_up_to_half: half,
        note: row.source.clone(),
    };
    Ok((rate, to, basis))
}

/// The fixed recovery indemnity for one late invoice, in euros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indemnity {
    pub amount: Decimal,
    pub basis: &'static str,
}

/// The statutory indemnity for one late invoice whose outstanding balance is
/// `balance`, as the jurisdiction's rule pack sets it: 40 EUR per invoice
/// between firms in FR, BE and LU (Directive 2011/7 art. 6, per invoice:
/// CJEU C-78/22); the Belgian consumer cap by bracket (CDE Book XIX, the
/// most a clause may charge); nothing from a French consumer without an
/// enforceable title (CPCE L111-8) nor, for want of a statutory sum, from a
/// Luxembourg consumer.
pub fn indemnity(jurisdiction: Jurisdiction, kind: DebtorKind, balance: Decimal) -> Indemnity {
    let pack = crate::law::pack(jurisdiction);
    Indemnity {
        amount: pack.indemnity(kind).amount(balance),
        basis: pack.indemnity_basis(kind),
    }
}

//! The money a late debtor owes on top of the principal: statutory late
//! interest (from a dated [`RateTable`]) and the fixed recovery indemnity, by
//! jurisdiction and debtor kind. Everything is exact `Decimal` arithmetic,
//! rounded to the cent once per invoice (see `docs/money.md`).

pub mod rates;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

pub use rates::{Lookup, RateRow, RateTable};

use crate::diagnostic::{Code, Diagnostic};
use crate::vocab::{DebtorKind, Jurisdiction};

/// Days in the interest year: exact days over 365 (see `docs/money.md`).
pub const DAYS_IN_YEAR: i64 = 365;

/// How the yearly rate of a day is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A reference series plus points, optionally rounded up to the next
    /// half point (Belgium).
    Reference {
        series: &'static str,
        plus: Decimal,
        round_up_to_half: bool,
    },
    /// A published series as it is (a legal interest rate).
    Series(&'static str),
    /// A fixed yearly percentage (`charge interest 8%`).
    Fixed(Decimal),
}

/// From which day statutory interest runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// B2B: of right, from the day after the due date, without a reminder.
    DayAfterDue,
    /// From the day after a formal notice (or the end of the period it
    /// gives): the caller knows that date.
    DayAfterNotice,
}

/// The statutory interest of a jurisdiction and debtor kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statutory {
    pub rule: Rule,
    pub start: Start,
    /// The legal basis, as a letter or a dossier cites it.
    pub basis: &'static str,
}

/// The statutory interest that applies, or `None` where `policy` does not
/// compute it (Luxembourg consumers: it depends on facts of the invoice the
/// ledger does not hold; see `docs/money.md`).
pub fn statutory(jurisdiction: Jurisdiction, kind: DebtorKind) -> Option<Statutory> {
    let ecb = |plus: i64, round_up_to_half| Rule::Reference {
        series: "ecb_mro",
        plus: Decimal::from(plus),
        round_up_to_half,
    };
    Some(match (jurisdiction, kind) {
        (Jurisdiction::Fr, DebtorKind::B2b) => Statutory {
            rule: ecb(10, false),
            start: Start::DayAfterDue,
            basis: "C. com. art. L441-10 II",
        },
        (Jurisdiction::Be, DebtorKind::B2b) => Statutory {
            rule: ecb(8, true),
            start: Start::DayAfterDue,
            basis: "loi du 2 août 2002, art. 5",
        },
        (Jurisdiction::Lu, DebtorKind::B2b) => Statutory {
            rule: ecb(8, false),
            start: Start::DayAfterDue,
            basis: "loi modifiée du 18 avril 2004 relative aux délais de paiement",
        },
        // A firm's claim on a consumer: the "other cases" legal rate, from
        // the formal notice (C. civ. art. 1231-6 and 1344-1).
        (Jurisdiction::Fr, DebtorKind::B2c) => Statutory {
            rule: Rule::Series("fr_legal_other"),
            start: Start::DayAfterNotice,
            basis: "C. civ. art. 1231-6 et 1344-1 ; C. mon. fin. art. L313-2",
        },
        // Book XIX caps consumer interest at the B2B rate, after the free
        // reminder's 14 days (as commonly read).
        (Jurisdiction::Be, DebtorKind::B2c) => Statutory {
            rule: ecb(8, true),
            start: Start::DayAfterNotice,
            basis: "CDE art. XIX.2 (plafond : taux de la loi du 2 août 2002)",
        },
        (Jurisdiction::Lu, DebtorKind::B2c) => return None,
    })
}

/// The outstanding principal of one invoice over time: `(day, balance)`
/// means "at the end of `day`, `balance` is owed". Sorted by day; a day
/// before the first entry owes nothing.
pub type Balances = [(NaiveDate, Decimal)];

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
    rule: &Rule,
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
            let amount = principal * rate * Decimal::from(days) / Decimal::from(100 * DAYS_IN_YEAR);
            match periods.last_mut() {
                Some(p) if p.principal == principal && p.rate == rate && p.basis == basis => {
                    p.to = to;
                    p.days += days;
                    p.amount += amount;
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
    let exact: Decimal = periods.iter().map(|p| p.amount).sum();
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

/// The yearly rate of statutory interest on `day`, or `None` where none is
/// computed (see [`statutory`]). A day past the table's last row takes
/// that row's rate and pushes a warning to `warnings`.
pub fn statutory_rate(
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

/// The yearly rate on `day`, the last day it holds, and where it comes from.
fn rate_on(
    rule: &Rule,
    day: NaiveDate,
    table: &RateTable,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Decimal, NaiveDate, RateBasis), Diagnostic> {
    let (series, plus, half) = match rule {
        Rule::Fixed(rate) => return Ok((*rate, NaiveDate::MAX, RateBasis::Fixed)),
        Rule::Series(series) => (*series, Decimal::ZERO, false),
        Rule::Reference {
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
    let mut rate = row.rate + plus;
    if half {
        rate = (rate * Decimal::TWO).ceil() / Decimal::TWO;
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
/// `balance`: 40 EUR per invoice between firms in FR, BE and LU (Directive
/// 2011/7 art. 6, per invoice: CJEU C-78/22); the Belgian consumer cap by
/// bracket (CDE Book XIX); nothing from a French consumer without an
/// enforceable title (CPCE L111-8) nor, for want of a statutory sum, from a
/// Luxembourg consumer.
pub fn indemnity(jurisdiction: Jurisdiction, kind: DebtorKind, balance: Decimal) -> Indemnity {
    match (jurisdiction, kind) {
        (Jurisdiction::Fr, DebtorKind::B2b) => Indemnity {
            amount: Decimal::from(40),
            basis: "C. com. art. L441-10 II et D441-5",
        },
        (Jurisdiction::Be, DebtorKind::B2b) => Indemnity {
            amount: Decimal::from(40),
            basis: "loi du 2 août 2002, art. 6",
        },
        (Jurisdiction::Lu, DebtorKind::B2b) => Indemnity {
            amount: Decimal::from(40),
            basis: "loi modifiée du 18 avril 2004 ; directive 2011/7/UE art. 6",
        },
        (Jurisdiction::Be, DebtorKind::B2c) => Indemnity {
            amount: be_consumer_cap(balance),
            basis: "CDE art. XIX.2 (plafond par tranche de solde, tel que communément lu)",
        },
        (Jurisdiction::Fr, DebtorKind::B2c) => Indemnity {
            amount: Decimal::ZERO,
            basis: "CPCE art. L111-8 : frais à la charge du créancier sans titre exécutoire",
        },
        (Jurisdiction::Lu, DebtorKind::B2c) => Indemnity {
            amount: Decimal::ZERO,
            basis: "pas d'indemnité forfaitaire légale envers un consommateur",
        },
    }
}

/// Belgian Book XIX cap on the indemnity by outstanding balance: up to
/// 150 EUR, 20 EUR; from 150.01 to 500 EUR, 30 EUR + 10 % of the part above
/// 150; above 500 EUR, 65 EUR + 5 % of the part above 500, at most 2,000 EUR.
pub fn be_consumer_cap(balance: Decimal) -> Decimal {
    let d = Decimal::from;
    let cap = if balance <= Decimal::ZERO {
        Decimal::ZERO
    } else if balance <= d(150) {
        d(20)
    } else if balance <= d(500) {
        d(30) + (balance - d(150)) / d(10)
    } else {
        (d(65) + (balance - d(500)) / d(20)).min(d(2000))
    };
    cents(cap)
}

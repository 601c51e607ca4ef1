#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Statutory interest and indemnities against figures computed by hand.
//!
//! Conventions (docs/money.md): a day accrues `principal × rate / 100 / 365`
//! on what was owed at the end of the day before; interest runs from the day
//! after the due date (B2B) up to and including the as-of date; the sum is
//! rounded half-up to the cent once per invoice.

use chrono::NaiveDate;
use policy::claim::{self, RateRule, RateTable};
use policy::diagnostic::Code;
use policy::vocab::{DebtorKind, Jurisdiction};
use rust_decimal::Decimal;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn table() -> RateTable {
    RateTable::embedded().unwrap()
}

/// LU B2B, 10,000 EUR due 31 May 2024, nothing paid, as of 31 Dec 2024.
/// Rate: ECB reference rate + 8 points (amended law of 18 April 2004).
/// - H1 2024: reference rate on 1 Jan 2024 = 4.50 %, so 12.50 %. Days
///   1–30 June = 30 days (31 May, the due date, does not accrue):
///   10,000 × 12.50 × 30 / 36,500 = 102.739726…
/// - H2 2024: reference rate on 1 Jul 2024 = 4.25 %, so 12.25 % (the rate
///   the LU ministry published for H2 2024). Days 1 July – 31 December =
///   184 days: 10,000 × 12.25 × 184 / 36,500 = 617.534246…
///
/// Total 720.273972… → 720.27 EUR.
#[test]
fn lu_b2b_across_a_half_year_boundary() {
    let balances = [(day("2024-05-31"), dec("10000"))];
    let interest = claim::statutory_interest(
        Jurisdiction::Lu,
        DebtorKind::B2b,
        &balances,
        day("2024-05-31"),
        None,
        day("2024-12-31"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.amount, dec("720.27"));
    assert!(interest.warnings.is_empty());
    let shape: Vec<_> = interest
        .periods
        .iter()
        .map(|p| (p.from, p.to, p.days, p.rate))
        .collect();
    assert_eq!(
        shape,
        [
            (day("2024-06-01"), day("2024-06-30"), 30, dec("12.50")),
            (day("2024-07-01"), day("2024-12-31"), 184, dec("12.25")),
        ]
    );
    assert_eq!(
        claim::cents(interest.periods[0].amount),
        dec("102.74"),
        "H1 part"
    );
    assert_eq!(claim::cents(interest.periods[1].amount), dec("617.53"));
}

/// FR B2B, 5,000 EUR due 15 June 2025, 2,000 paid on 31 August 2025, as of
/// 30 September 2025. Rate: ECB rate in force on 1 Jan / 1 Jul + 10 points
/// (C. com. L441-10 II): H1 2025 3.15 + 10 = 13.15 %; H2 2025 2.15 + 10 =
/// 12.15 %.
/// - 16–30 June: 15 days × 5,000 × 13.15 % / 365 = 27.020547…
/// - 1 July – 31 August: 62 days × 5,000 × 12.15 % / 365 = 103.191780…
///   (the payment day still accrues on the unpaid 5,000)
/// - 1–30 September: 30 days × 3,000 × 12.15 % / 365 = 29.958904…
///
/// Total 160.171232… → 160.17 EUR.
#[test]
fn fr_b2b_with_a_partial_payment() {
    let balances = [
        (day("2025-06-15"), dec("5000")),
        (day("2025-08-31"), dec("3000")),
    ];
    let interest = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2b,
        &balances,
        day("2025-06-15"),
        None,
        day("2025-09-30"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.amount, dec("160.17"));
    let shape: Vec<_> = interest
        .periods
        .iter()
        .map(|p| (p.days, p.principal, p.rate))
        .collect();
    assert_eq!(
        shape,
        [
            (15, dec("5000"), dec("13.15")),
            (62, dec("5000"), dec("12.15")),
            (30, dec("3000"), dec("12.15")),
        ]
    );
}

/// BE B2B: ECB rate + 8 points rounded UP to the next half point (law of
/// 2 August 2002, art. 5). H1 2026: 2.15 + 8 = 10.15 → 10.5 %, the figure
/// published for 2026. 1,000 EUR due 31 Dec 2025, as of 31 Mar 2026:
/// 90 days × 1,000 × 10.5 % / 365 = 25.890410… → 25.89 EUR.
#[test]
fn be_b2b_rounds_the_rate_up_to_the_half_point() {
    let balances = [(day("2025-12-31"), dec("1000"))];
    let interest = claim::statutory_interest(
        Jurisdiction::Be,
        DebtorKind::B2b,
        &balances,
        day("2025-12-31"),
        None,
        day("2026-03-31"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.periods[0].rate, dec("10.5"));
    assert_eq!(interest.amount, dec("25.89"));
}

/// H1 2024 for Belgium: 4.50 + 8 = 12.5 % exactly (already a half point);
/// H2 2024: 4.25 + 8 = 12.25 → 12.5 %. The two half-years stay two periods
/// (each cites its own source).
#[test]
fn be_b2b_half_point_is_not_raised_further() {
    let balances = [(day("2024-06-20"), dec("1000"))];
    let interest = claim::statutory_interest(
        Jurisdiction::Be,
        DebtorKind::B2b,
        &balances,
        day("2024-06-20"),
        None,
        day("2024-07-10"),
        &table(),
    )
    .unwrap()
    .unwrap();
    let rates: Vec<_> = interest.periods.iter().map(|p| p.rate).collect();
    assert_eq!(rates, [dec("12.5"), dec("12.5")]);
    // 20 days × 1,000 × 12.5 % / 365 = 6.849315… → 6.85
    assert_eq!(interest.amount, dec("6.85"));
}

/// After the last row of the table the last known rate is used, with a
/// warning naming the series. BE B2B 1,000 EUR due 30 June 2026, as of
/// 23 November 2026: 146 days × 1,000 × 10.5 % / 365 = 42.00 EUR.
#[test]
fn beyond_the_table_warns_and_uses_the_last_rate() {
    let balances = [(day("2026-06-30"), dec("1000"))];
    let interest = claim::statutory_interest(
        Jurisdiction::Be,
        DebtorKind::B2b,
        &balances,
        day("2026-06-30"),
        None,
        day("2026-11-23"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.amount, dec("42.00"));
    assert_eq!(interest.warnings.len(), 1);
    assert_eq!(interest.warnings[0].code, Code::RateBeyondTable);
    assert!(interest.warnings[0].message.contains("ecb_mro"));
}

/// Before the first row there is no rate at all: an error, not a guess.
#[test]
fn before_the_table_is_an_error() {
    let balances = [(day("2022-11-30"), dec("1000"))];
    let err = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2b,
        &balances,
        day("2022-11-30"),
        None,
        day("2023-02-01"),
        &table(),
    )
    .unwrap_err();
    assert_eq!(err.code, Code::RateMissing);
    assert!(err.message.contains("2022-12-01"), "{}", err.message);
}

/// FR B2C: a firm's claim on a consumer bears the legal rate for "all other
/// cases" (the creditor is not a consumer) from the formal notice
/// (C. civ. 1231-6, 1344-1). H2 2025: 2.76 % (arrêté of 19 June 2025).
/// Notice on 15 Oct 2025, as of 31 Dec 2025: 77 days × 1,000 × 2.76 % / 365
/// = 5.822465… → 5.82 EUR.
#[test]
fn fr_b2c_runs_from_the_notice_at_the_legal_rate() {
    let balances = [(day("2025-09-01"), dec("1000"))];
    let before_notice = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2c,
        &balances,
        day("2025-09-01"),
        None,
        day("2025-12-31"),
        &table(),
    )
    .unwrap();
    assert!(before_notice.is_none(), "no notice, no interest");
    let interest = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2c,
        &balances,
        day("2025-09-01"),
        Some(day("2025-10-15")),
        day("2025-12-31"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.periods[0].rate, dec("2.76"));
    assert_eq!(interest.amount, dec("5.82"));
}

/// A day the table has no rate for (before its first row, or in a gap
/// between rows) is an error, never a guess.
#[test]
fn a_gap_in_a_series_is_an_error() {
    let balances = [(day("2022-01-01"), dec("1000"))];
    let err = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2c,
        &balances,
        day("2022-10-01"),
        Some(day("2022-11-01")),
        day("2022-12-01"),
        &table(),
    )
    .unwrap_err();
    assert_eq!(err.code, Code::RateMissing);
    let gap = claim::RateTable::parse(
        "gap.csv",
        "series,from,to,rate,source\nx,2024-01-01,2024-06-30,5,a\nx,2025-01-01,2025-06-30,4,b\n",
    )
    .unwrap();
    assert!(matches!(
        gap.lookup("x", day("2024-09-01")),
        claim::Lookup::Missing
    ));
}

/// The French legal rate of H1 2024 for a firm's claim on a consumer, 5.07 %
/// (legal-facts R9): 1,000.00 from 2 February to 1 March 2024 = 29 days:
/// 1,000 × 5.07 × 29 / 36,500 = 4.028… → 4.03.
#[test]
fn the_french_legal_rate_of_2024_is_known() {
    let balances = [(day("2024-01-01"), dec("1000"))];
    let interest = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2c,
        &balances,
        day("2024-01-01"),
        Some(day("2024-02-01")),
        day("2024-03-01"),
        &table(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(interest.periods[0].rate, dec("5.07"));
    assert_eq!(interest.amount, dec("4.03"));
}

#[test]
fn luxembourg_consumer_interest_is_not_computed() {
    assert!(claim::statutory(Jurisdiction::Lu, DebtorKind::B2c).is_none());
}

#[test]
fn not_late_means_no_interest() {
    let balances = [(day("2025-09-01"), dec("1000"))];
    let none = claim::statutory_interest(
        Jurisdiction::Fr,
        DebtorKind::B2b,
        &balances,
        day("2025-09-01"),
        None,
        day("2025-09-01"),
        &table(),
    )
    .unwrap();
    assert!(none.is_none());
}

/// A paid-off invoice stops accruing the day after the payment; a credit
/// note that overshoots does not make interest negative.
#[test]
fn paid_invoices_stop_accruing() {
    let balances = [
        (day("2025-07-31"), dec("1000")),
        (day("2025-08-10"), dec("0")),
        (day("2025-08-20"), dec("-50")),
    ];
    let interest = claim::statutory_interest(
        Jurisdiction::Lu,
        DebtorKind::B2b,
        &balances,
        day("2025-07-31"),
        None,
        day("2025-12-31"),
        &table(),
    )
    .unwrap()
    .unwrap();
    // 10 days × 1,000 × 10.15 % / 365 = 2.780821… → 2.78
    assert_eq!(interest.amount, dec("2.78"));
    assert_eq!(interest.periods.len(), 1);
}

/// `charge interest 8%`: 1,200 EUR for 365 days at 8 % = 96.00 EUR; the
/// fixed rate needs no table.
#[test]
fn fixed_rate() {
    let balances = [(day("2024-12-31"), dec("1200"))];
    let interest = claim::interest(
        &RateRule::Fixed(dec("8")),
        &balances,
        day("2025-01-01"),
        day("2025-12-31"),
        &RateTable::default(),
    )
    .unwrap();
    assert_eq!(interest.amount, dec("96.00"));
}

/// Rounding is half away from zero, once, on the exact sum:
/// 182.50 × 1 % × 1 day / 365 = 0.005 exactly → 0.01.
#[test]
fn rounding_is_half_up_on_the_exact_sum() {
    let balances = [(day("2024-12-31"), dec("182.50"))];
    let interest = claim::interest(
        &RateRule::Fixed(dec("1")),
        &balances,
        day("2025-01-01"),
        day("2025-01-01"),
        &RateTable::default(),
    )
    .unwrap();
    assert_eq!(interest.exact, dec("0.005"));
    assert_eq!(interest.amount, dec("0.01"));
}

/// 40 EUR per late invoice between firms in all three countries (Directive
/// 2011/7 art. 6; CJEU C-78/22: per invoice), nothing from a French consumer
/// (CPCE L111-8).
#[test]
fn indemnity_by_jurisdiction_and_kind() {
    for j in [Jurisdiction::Fr, Jurisdiction::Be, Jurisdiction::Lu] {
        assert_eq!(
            claim::indemnity(j, DebtorKind::B2b, dec("12.34")).amount,
            dec("40"),
            "{j}"
        );
    }
    assert_eq!(
        claim::indemnity(Jurisdiction::Fr, DebtorKind::B2c, dec("5000")).amount,
        Decimal::ZERO
    );
    assert_eq!(
        claim::indemnity(Jurisdiction::Lu, DebtorKind::B2c, dec("5000")).amount,
        Decimal::ZERO
    );
}

/// Belgian consumer cap (CDE Book XIX, as commonly read): ≤ 150 → 20;
/// 150.01–500 → 30 + 10 % of the part above 150; > 500 → 65 + 5 % of the part
/// above 500, at most 2,000 (reached at 39,200).
#[test]
fn be_consumer_cap_at_the_bracket_edges() {
    for (balance, cap) in [
        ("0", "0"),
        ("10", "20"),
        ("150", "20"),
        ("150.01", "30.00"),     // 30 + 0.001
        ("200", "35.00"),        // 30 + 5
        ("500", "65.00"),        // 30 + 35
        ("500.01", "65.00"),     // 65 + 0.0005 → 65.00
        ("500.10", "65.01"),     // 65 + 0.005 → 65.01 (half up)
        ("1000", "90.00"),       // 65 + 25
        ("39199.99", "2000.00"), // 65 + 1,934.9995 → 1,999.9995 → 2,000.00
        ("39200", "2000"),
        ("1000000", "2000"),
    ] {
        assert_eq!(
            claim::indemnity(Jurisdiction::Be, DebtorKind::B2c, dec(balance)).amount,
            dec(cap),
            "balance {balance}"
        );
    }
}

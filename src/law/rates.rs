//! The ECB reference rate by half-year, shipped as data
//! (`ecb_reference_rates.csv`) because it changes twice a year: statutory
//! B2B interest is that rate plus a number of points set by each law.

use chrono::NaiveDate;
use rust_decimal::Decimal;

const TABLE: &str = include_str!("ecb_reference_rates.csv");

/// One half-year's reference rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceRate {
    /// 1 January or 1 July.
    pub from: NaiveDate,
    /// In percent.
    pub rate: Decimal,
}

/// The table's rows, oldest first. The file ships with the binary and a
/// unit test reads every row, so a malformed row cannot reach a user; it
/// would be skipped rather than fail a check.
pub fn table() -> Vec<ReferenceRate> {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("from") && !line.is_empty())
        .filter_map(|line| {
            let (from, rate) = line.split_once(',')?;
            Some(ReferenceRate {
                from: NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d").ok()?,
                rate: rate.trim().parse().ok()?,
            })
        })
        .collect()
}

/// The reference rate for the half-year holding `on`; `None` before the
/// table starts.
pub fn ecb_reference_rate(on: NaiveDate) -> Option<Decimal> {
    table()
        .into_iter()
        .take_while(|row| row.from <= on)
        .last()
        .map(|row| row.rate)
}

/// The last half-year in the table: what "now" is for a check that cannot
/// know the day a policy will run.
pub fn latest() -> Option<ReferenceRate> {
    table().last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::pack;
    use crate::vocab::Jurisdiction;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_row_reads_and_half_years_follow_each_other() {
        let rows = table();
        let lines = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("from") && !l.is_empty())
            .count();
        assert_eq!(rows.len(), lines);
        for pair in rows.windows(2) {
            assert_eq!(
                pair[0].from.checked_add_months(chrono::Months::new(6)),
                Some(pair[1].from)
            );
        }
    }

    #[test]
    fn statutory_rates_match_the_published_figures() {
        // legal-facts.md: BE 12.5 % in H1 2024 and 10.5 % in 2026 (ECB + 8,
        // rounded up to the half point); LU 12.25 % in H2 2024 (ECB + 8).
        let be = pack(Jurisdiction::Be);
        let lu = pack(Jurisdiction::Lu);
        let fr = pack(Jurisdiction::Fr);
        assert_eq!(
            be.b2b_interest_rate(date("2024-03-01")),
            Some("12.5".parse().unwrap())
        );
        assert_eq!(
            be.b2b_interest_rate(date("2026-02-01")),
            Some("10.5".parse().unwrap())
        );
        assert_eq!(
            lu.b2b_interest_rate(date("2024-09-30")),
            Some("12.25".parse().unwrap())
        );
        assert_eq!(
            fr.b2b_interest_rate(date("2025-07-01")),
            Some("12.15".parse().unwrap())
        );
        assert_eq!(fr.b2b_interest_rate(date("2012-12-31")), None);
    }
}

//! The dated rate table: yearly percentages by series and period, each row
//! with its source. Shipped as `data/rates.csv` (embedded in the binary) and
//! replaceable by a file of the same shape.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// The table shipped with `policy`.
pub(crate) const EMBEDDED: &str = include_str!("../../data/rates.csv");

/// The name the embedded table is reported under.
pub(crate) const EMBEDDED_NAME: &str = "data/rates.csv";

/// One row: `rate` % a year for every day from `from` to `to`, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRow {
    pub series: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rate: Decimal,
    pub source: String,
}

/// What the table says about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A row covers the day.
    Known(&'a RateRow),
    /// The day is after the series' last row, which is all there is to use.
    Beyond(&'a RateRow),
    /// No row: before the first one, in a gap, or an unknown series.
    Missing,
}

#[derive(Debug, Clone, Default)]
pub struct RateTable {
    /// Rows of each series, sorted by `from`, not overlapping.
    series: BTreeMap<String, Vec<RateRow>>,
    name: String,
}

impl RateTable {
    /// Whether this is the table shipped with the binary (a user cannot
    /// edit it: they give another one with `--rates`).
    pub(crate) fn is_embedded(&self) -> bool {
        self.name == EMBEDDED_NAME
    }

    /// How a user gives the rates this table lacks, for a help text.
    pub(crate) fn how_to_extend(&self) -> String {
        if self.is_embedded() {
            "the rate table shipped with policy ends there: give a table with the later \
             rates with `--rates FILE` (same columns as data/rates.csv, see docs/money.md)"
                .to_string()
        } else {
            format!(
                "add the rate of the period to `{}` (see docs/money.md) and run again",
                self.name
            )
        }
    }

    /// The table shipped with the binary, read once. A unit test reads
    /// every row, so it cannot be invalid; were it so, the table would be
    /// empty and every rate missing.
    pub fn shipped() -> &'static RateTable {
        static SHIPPED: std::sync::OnceLock<RateTable> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| RateTable::embedded().unwrap_or_default())
    }

    /// The last row of a series: the latest period the table knows, what
    /// "now" is for a check that cannot know the day a policy will run.
    pub(crate) fn latest(&self, series: &str) -> Option<&RateRow> {
        self.rows(series).last()
    }

    /// The table shipped with the binary.
    pub fn embedded() -> Result<RateTable, Diagnostic> {
        RateTable::parse(EMBEDDED_NAME, EMBEDDED)
    }

    /// A table from a file of the same shape as `data/rates.csv`.
    pub fn read(path: &Path) -> Result<RateTable, Diagnostic> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
        RateTable::parse(&path.display().to_string(), &text)
    }

    /// Parses CSV text (`#` starts a comment line). Rows are checked: dates in
    /// order, no overlap within a series, a source on every row.
    pub fn parse(name: &str, text: &str) -> Result<RateTable, Diagnostic> {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut series: BTreeMap<String, Vec<RateRow>> = BTreeMap::new();
        let mut lines = BTreeMap::new();
        let headers = reader
            .headers()
            .map_err(|e| invalid(name, text, 1, &e.to_string()))?
            .clone();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(1, |p| p.line() as usize);
                invalid(name, text, line, &e.to_string())
            })?;
            let line = record.position().map_or(1, |p| p.line() as usize);
            let row: RateRow = record
                .deserialize(Some(&headers))
                .map_err(|e| invalid(name, text, line, &e.to_string()))?;
            if row.to < row.from {
                return Err(invalid(name, text, line, "`to` is before `from`"));
            }
            if row.source.is_empty() {
                return Err(invalid(name, text, line, "every rate needs its source"));
            }
            if row.rate.is_sign_negative() || row.rate > Decimal::from(100) {
                return Err(invalid(
                    name,
                    text,
                    line,
                    "a rate is a percentage from 0 to 100",
                ));
            }
            lines.insert((row.series.clone(), row.from), line);
            series.entry(row.series.clone()).or_default().push(row);
        }
        for rows in series.values_mut() {
            rows.sort_by_key(|r| r.from);
            for pair in rows.windows(2) {
                if pair[1].from <= pair[0].to {
                    let line = lines
                        .get(&(pair[1].series.clone(), pair[1].from))
                        .copied()
                        .unwrap_or(1);
                    return Err(invalid(
                        name,
                        text,
                        line,
                        &format!(
                            "this period overlaps the one of {} to {}",
                            pair[0].from, pair[0].to
                        ),
                    ));
                }
            }
        }
        Ok(RateTable {
            series,
            name: name.to_string(),
        })
    }

    /// Where the table came from, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rows of one series, in date order.
    pub fn rows(&self, series: &str) -> &[RateRow] {
        self.series.get(series).map_or(&[], Vec::as_slice)
    }

    /// The rate of `series` on `day`.
    pub fn lookup(&self, series: &str, day: NaiveDate) -> Lookup<'_> {
        let rows = self.rows(series);
        let index = rows.partition_point(|r| r.from <= day);
        let Some(row) = index.checked_sub(1).and_then(|i| rows.get(i)) else {
            return Lookup::Missing;
        };
        if day <= row.to {
            Lookup::Known(row)
        } else if index == rows.len() {
            Lookup::Beyond(row)
        } else {
            Lookup::Missing
        }
    }
}

fn invalid(name: &str, text: &str, line: usize, why: &str) -> Diagnostic {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let source = SourceFile::excerpt(name, line_text.to_string(), line);
    Diagnostic::error(Code::RatesInvalid, format!("invalid rate table: {why}"))
        .with_label(Span::new(0, line_text.len()), "this row")
        .with_help("columns: series,from,to,rate,source; dates as YYYY-MM-DD, the rate in percent")
        .in_source(&source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_embedded_table_parses_and_has_sources() {
        let table = RateTable::embedded().unwrap();
        assert!(table.rows("ecb_mro").len() >= 7);
        assert!(table.rows("ecb_mro").iter().all(|r| !r.source.is_empty()));
    }

    #[test]
    fn lookup_finds_known_beyond_and_missing() {
        let table = RateTable::embedded().unwrap();
        let Lookup::Known(row) = table.lookup("ecb_mro", day("2024-07-01")) else {
            panic!()
        };
        assert_eq!(row.rate.to_string(), "4.25");
        assert!(matches!(
            table.lookup("ecb_mro", day("2030-01-01")),
            Lookup::Beyond(_)
        ));
        assert_eq!(table.lookup("ecb_mro", day("2022-12-31")), Lookup::Missing);
        // The French legal rates of 2024 (legal-facts R9).
        let rate = |series: &str, on: &str| match table.lookup(series, day(on)) {
            Lookup::Known(row) => row.rate.normalize().to_string(),
            other => panic!("{series} {on}: {other:?}"),
        };
        assert_eq!(rate("fr_legal_other", "2024-03-01"), "5.07");
        assert_eq!(rate("fr_legal_consumer", "2024-03-01"), "8.01");
        assert_eq!(rate("fr_legal_other", "2024-12-31"), "4.92");
        assert_eq!(rate("fr_legal_consumer", "2024-07-01"), "8.16");
        // The Belgian legal rate (R4).
        assert_eq!(rate("be_legal", "2024-05-01"), "5.75");
        assert_eq!(rate("be_legal", "2026-11-23"), "4.5");
        assert_eq!(table.lookup("nope", day("2024-03-01")), Lookup::Missing);
    }

    #[test]
    fn overlapping_rows_are_refused_with_their_line() {
        let text = "series,from,to,rate,source\n\
                    x,2024-01-01,2024-06-30,1,a\n\
                    x,2024-06-01,2024-12-31,2,b\n";
        let err = RateTable::parse("r.csv", text).unwrap_err();
        assert_eq!(err.code, Code::RatesInvalid);
        assert_eq!(err.range().unwrap().0.line, 3);
        assert!(err.message.contains("overlaps"), "{}", err.message);
    }

    #[test]
    fn malformed_rows_are_refused() {
        for (text, why) in [
            (
                "series,from,to,rate,source\nx,2024-13-01,2024-06-30,1,a\n",
                "date",
            ),
            (
                "series,from,to,rate,source\nx,2024-01-01,2023-06-30,1,a\n",
                "before",
            ),
            (
                "series,from,to,rate,source\nx,2024-01-01,2024-06-30,abc,a\n",
                "rate",
            ),
            (
                "series,from,to,rate,source\nx,2024-01-01,2024-06-30,1,\n",
                "source",
            ),
        ] {
            let err = RateTable::parse("r.csv", text).unwrap_err();
            assert_eq!(err.code, Code::RatesInvalid, "{text}");
            assert_eq!(err.range().unwrap().0.line, 2, "{text}: {}", err.message);
            let _ = why;
        }
    }
}

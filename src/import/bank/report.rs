//! What `policy import camt053|camt054|coda` says when it is done: the
//! statements read, the credits matched and the rows appended, and the
//! credits left for review (the first ten, with why).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Format, Summary};

/// Credits to review listed under the summary; the file lists them all.
const LISTED: usize = 10;

/// The review file when none is given: `bank-review.csv` beside the ledger.
pub(crate) fn default_review(ledger: &Path) -> PathBuf {
    ledger
        .parent()
        .unwrap_or(Path::new("."))
        .join("bank-review.csv")
}

/// Where an import's report comes from and goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Import<'a> {
    pub format: Format,
    pub files: &'a [PathBuf],
    pub ledger: &'a Path,
    pub review: &'a Path,
    /// `--dry-run`: nothing was written.
    pub dry_run: bool,
}

/// The report for people of an import that `summary` sums up.
pub(crate) fn text(import: &Import<'_>, summary: &Summary) -> String {
    let mut out = String::new();
    let verb = if import.dry_run {
        "would append"
    } else {
        "appended"
    };
    let files: Vec<String> = import
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let _ = writeln!(
        out,
        "{} {}: {} statement{}, {} credit{} ({} debit{} left aside)",
        import.format.as_str(),
        files.join(" "),
        summary.statements,
        plural(summary.statements),
        summary.credits,
        plural(summary.credits),
        summary.debits,
        plural(summary.debits),
    );
    let _ = writeln!(
        out,
        "  matched: {} credit{}, {verb} {} payment row{} to {}",
        summary.matched,
        plural(summary.matched),
        summary.rows.len(),
        plural(summary.rows.len()),
        import.ledger.display()
    );
    if summary.imported_before > 0 {
        let _ = writeln!(
            out,
            "  imported before: {} credit{} (nothing added)",
            summary.imported_before,
            plural(summary.imported_before)
        );
    }
    if summary.review.is_empty() {
        let _ = writeln!(out, "  to review: none");
        return out;
    }
    let _ = writeln!(
        out,
        "  to review: {} credit{}, listed in {} with the reason",
        summary.review.len(),
        plural(summary.review.len()),
        import.review.display()
    );
    for item in summary.review.iter().take(LISTED) {
        let _ = writeln!(
            out,
            "    {}:{} {} {:.2} {}: {}",
            item.file, item.line, item.booked, item.amount, item.currency, item.reason
        );
    }
    if summary.review.len() > LISTED {
        let _ = writeln!(out, "    … and {} more", summary.review.len() - LISTED);
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::bank::write::Review;

    fn import(dry_run: bool) -> Import<'static> {
        Import {
            format: Format::Camt053,
            files: &[],
            ledger: Path::new("book/ledger.csv"),
            review: Path::new("book/bank-review.csv"),
            dry_run,
        }
    }

    fn review(line: usize) -> Review {
        Review {
            file: "releve.xml".into(),
            line,
            statement: "S1".into(),
            key: format!("K{line}"),
            booked: "2026-11-20".parse().unwrap(),
            amount: rust_decimal::Decimal::new(12_050, 2),
            currency: "EUR".into(),
            debtor_name: String::new(),
            debtor_iban: String::new(),
            reference: String::new(),
            text: String::new(),
            reason: "no invoice matches".into(),
        }
    }

    #[test]
    fn the_review_file_is_beside_the_ledger() {
        let ledger = Path::new("book/ledger.csv");
        assert_eq!(default_review(ledger), Path::new("book/bank-review.csv"));
        assert_eq!(
            default_review(Path::new("ledger.csv")),
            Path::new("bank-review.csv")
        );
    }

    #[test]
    fn a_clean_import_says_what_it_appended() {
        let summary = Summary {
            statements: 1,
            credits: 2,
            matched: 2,
            debits: 1,
            ..Summary::default()
        };
        assert_eq!(
            text(&import(false), &summary),
            "camt.053 : 1 statement, 2 credits (1 debit left aside)\n  \
             matched: 2 credits, appended 0 payment rows to book/ledger.csv\n  \
             to review: none\n"
        );
        assert!(text(&import(true), &summary).contains("would append 0 payment rows"));
    }

    #[test]
    fn credits_to_review_are_listed_ten_at_most() {
        let summary = Summary {
            review: (1..=12).map(review).collect(),
            imported_before: 3,
            ..Summary::default()
        };
        let text = text(&import(false), &summary);
        assert!(
            text.contains("  imported before: 3 credits (nothing added)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  to review: 12 credits, listed in book/bank-review.csv with the reason\n"
            )
        );
        assert!(text.contains("    releve.xml:1 2026-11-20 120.50 EUR: no invoice matches\n"));
        assert!(text.contains("releve.xml:10 ") && !text.contains("releve.xml:11 "));
        assert!(text.ends_with("    … and 2 more\n"), "{text}");
    }
}

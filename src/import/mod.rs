//! Books built from other formats: the French FEC (fec.rs), bank
//! statements (bank/: camt.053, camt.054, CODA, whose credits become
//! `payment` rows). Each import
//! builds the ledger and debtors files of docs/ledger.md, which every
//! command then reads as usual (docs/import.md).

pub mod bank;
pub mod fec;
pub(crate) mod fec_file;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// Payment terms: `30 days`, `45 jours fin de mois`, `0 days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub days: u32,
    /// Then to the end of that month ("fin de mois").
    pub end_of_month: bool,
}

impl Terms {
    /// Reads terms as written on the command line.
    pub fn parse(text: &str) -> Option<Terms> {
        let folded = crate::suggest::fold(text);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let (number, rest) = words.split_first()?;
        let (days, rest) = match number
            .strip_suffix('j')
            .or_else(|| number.strip_suffix("d"))
        {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (n, rest),
            _ => match rest.split_first() {
                Some((unit, rest))
                    if matches!(*unit, "days" | "day" | "jours" | "jour" | "j" | "d") =>
                {
                    (*number, rest)
                }
                _ => return None,
            },
        };
        let days: u32 = days.parse().ok().filter(|d| *d <= 3650)?;
        let end_of_month = match rest.join(" ").as_str() {
            "" | "net" => false,
            "end of month" | "fin de mois" | "fdm" | "eom" => true,
            _ => return None,
        };
        Some(Terms { days, end_of_month })
    }

    /// The due date of an invoice issued on `issued`.
    pub fn due(self, issued: chrono::NaiveDate) -> chrono::NaiveDate {
        let due = issued + chrono::Days::new(u64::from(self.days));
        if !self.end_of_month {
            return due;
        }
        use chrono::Datelike;
        let (y, m) = if due.month() == 12 {
            (due.year() + 1, 1)
        } else {
            (due.year(), due.month() + 1)
        };
        chrono::NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|first| first.pred_opt())
            .unwrap_or(due)
    }

    pub fn describe(self) -> String {
        format!(
            "{} days{}",
            self.days,
            if self.end_of_month {
                " end of month"
            } else {
                ""
            }
        )
    }
}

/// The files an import writes in `dir`, refused (nothing written) when
/// one exists and `force` is not given.
pub(crate) fn check_targets(
    dir: &Path,
    names: &[&str],
    force: bool,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let targets: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if !force && let Some(existing) = targets.iter().find(|t| t.exists()) {
        return Err(Diagnostic::error(
            Code::ImportExists,
            format!("`{}` exists: nothing is written", existing.display()),
        )
        .with_help("choose another folder with --out-dir, or replace the files with --force")
        .in_path(existing.display().to_string()));
    }
    Ok(targets)
}

/// Writes each file whole (a temporary file renamed over the target).
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    use std::io::Write;
    for (path, bytes) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| crate::load::io_error(crate::load::Op::Create, dir, &e))?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| crate::load::io_error(crate::load::Op::Create, path, &e))?;
        temp.write_all(bytes)
            .and_then(|()| temp.flush())
            .map_err(|e| crate::load::io_error(crate::load::Op::Write, path, &e))?;
        temp.persist(path)
            .map_err(|e| crate::load::io_error(crate::load::Op::Rename, path, &e.error))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn terms_as_people_write_them() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let t = Terms::parse("30 days").unwrap();
        assert_eq!(t.due(d(2026, 1, 15)), d(2026, 2, 14));
        let t = Terms::parse("45 jours fin de mois").unwrap();
        assert_eq!(t.due(d(2026, 1, 15)), d(2026, 3, 31));
        assert_eq!(Terms::parse("30j"), Terms::parse("30 jours"));
        assert_eq!(
            Terms::parse("0 days").unwrap().due(d(2026, 1, 1)),
            d(2026, 1, 1)
        );
        let t = Terms::parse("30 days end of month").unwrap();
        assert_eq!(t.due(d(2026, 12, 10)), d(2027, 1, 31));
        assert!(Terms::parse("thirty days").is_none());
        assert!(Terms::parse("30").is_none());
        assert!(Terms::parse("30 days maybe").is_none());
    }
}

//! One file per imported statement in `bank-imports/` beside the ledger:
//! the statement (format, file, account, id, date) and, for every credit
//! appended to the book, its bank key and the payment rows it gave. The keys
//! make importing a statement again add nothing; the dates tell `policy
//! run` how fresh the book's payments are.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};

/// The folder of records, beside the ledger.
pub(crate) const FOLDER: &str = "bank-imports";

/// One imported statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub format: String,
    /// The file it was read from, as given.
    pub file: String,
    pub account: String,
    pub statement: String,
    /// The last day the statement covers.
    pub date: NaiveDate,
    /// The credits appended to the book.
    pub credits: Vec<Imported>,
}

/// One credit appended to the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub key: String,
    pub booked: NaiveDate,
    pub amount: Decimal,
    /// How it was matched (`reference`, `invoice number`, `IBAN and amount`).
    pub matched_by: String,
    pub payments: Vec<Payment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub invoice: String,
    pub amount: Decimal,
}

/// The records folder of a ledger.
pub fn folder(ledger: &Path) -> PathBuf {
    ledger.parent().unwrap_or(Path::new(".")).join(FOLDER)
}

/// The file of a statement's record.
pub(crate) fn file_of(folder: &Path, record: &Record) -> PathBuf {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect()
    };
    folder.join(format!(
        "{}_{}_{}.json",
        record.date,
        clean(&record.account),
        clean(&record.statement)
    ))
}

/// Every record of the folder (none when it does not exist).
pub(crate) fn read_all(folder: &Path) -> Result<Vec<(PathBuf, Record)>, Diagnostic> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::load::io_error(crate::load::Op::List, folder, &e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut records = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| crate::load::io_error(crate::load::Op::Read, &path, &e))?;
        let record: Record = serde_json::from_str(&text).map_err(|e| {
            Diagnostic::error(
                Code::BankRecord,
                format!("`{}` is not a bank import record: {e}", path.display()),
            )
            .with_help(format!(
                "the files of `{FOLDER}/` are written by `policy import`; restore this one from a backup, or remove it (its statement can then be imported again)"
            ))
            .in_path(path.display().to_string())
        })?;
        records.push((path, record));
    }
    Ok(records)
}

/// The keys of every credit imported before.
pub fn keys(records: &[(PathBuf, Record)]) -> HashSet<String> {
    records
        .iter()
        .flat_map(|(_, r)| r.credits.iter().map(|c| c.key.clone()))
        .collect()
}

/// The date of the latest statement imported beside `ledger`, if any.
pub(crate) fn latest_statement(ledger: &Path) -> Result<Option<NaiveDate>, Diagnostic> {
    Ok(read_all(&folder(ledger))?.iter().map(|(_, r)| r.date).max())
}

/// Writes `record` (created or replaced whole: a temporary file renamed).
pub fn write(path: &Path, record: &Record) -> Result<(), Diagnostic> {
    let write_error = |e: std::io::Error| {
        Diagnostic::error(Code::Io, format!("cannot write `{}`: {e}", path.display()))
            .with_help("check that the folder exists and that you may write in it")
            .in_path(path.display().to_string())
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    let mut text =
        serde_json::to_string_pretty(record).map_err(|e| write_error(std::io::Error::other(e)))?;
    text.push('\n');
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, text).map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(write_error)?;
    Ok(())
}

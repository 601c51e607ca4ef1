//! Writing what an import decided: the payment rows appended to the ledger
//! in its own dialect and column order, and the review file.

use std::io::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::ledger::Dialect;

/// One payment row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub date: NaiveDate,
    pub invoice: String,
    pub amount: Decimal,
}

/// One credit left for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub file: String,
    pub line: usize,
    pub statement: String,
    pub key: String,
    pub booked: NaiveDate,
    pub amount: Decimal,
    pub currency: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    pub reference: String,
    pub text: String,
    pub reason: String,
}

fn io(path: &Path, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot write `{}`: {e}", path.display()))
        .with_help("check that the file exists and that you may write it")
        .in_path(path.display().to_string())
}

/// The ledger's header and dialect, read from its first line. `Err` when the
/// ledger is not a CSV file with a `type` column.
pub(crate) fn ledger_layout(ledger: &Path) -> Result<(Vec<String>, Dialect, bool), Diagnostic> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let read_error = |e: std::io::Error| crate::load::io_error(crate::load::Op::Read, ledger, &e);
    let mut file = std::fs::File::open(ledger).map_err(read_error)?;
    let mut bytes = Vec::with_capacity(64 * 1024);
    std::io::Read::by_ref(&mut file)
        .take(64 * 1024)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    let mut last = [b'\n'];
    if file.metadata().map_err(read_error)?.len() > 0 {
        file.seek(SeekFrom::End(-1)).map_err(read_error)?;
        file.read_exact(&mut last).map_err(read_error)?;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = body
        .iter()
        .position(|b| *b == b'\n')
        .map_or(body, |n| &body[..n]);
    if body.first() == Some(&b'{') || ledger.extension().is_some_and(|e| e == "json") {
        return Err(Diagnostic::error(
            Code::BankLedger,
            format!("`{}` is a JSON ledger: `policy import` appends payment rows to a CSV ledger", ledger.display()),
        )
        .with_help("import into the CSV ledger the JSON one is made from, or add the payments of the review file to the JSON ledger's program")
        .in_path(ledger.display().to_string()));
    }
    let dialect = Dialect::detect(first);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter())
        .has_headers(false)
        .from_reader(first);
    let header: Vec<String> = reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    let ends_with_newline = last[0] == b'\n';
    Ok((header, dialect, ends_with_newline))
}

/// Appends `rows` to the ledger, each column the header names filled
/// (`date`, `type`, `invoice`, `amount`; the others empty).
pub(crate) fn append(ledger: &Path, rows: &[Row]) -> Result<(), Diagnostic> {
    if rows.is_empty() {
        return Ok(());
    }
    let (header, dialect, ends_with_newline) = ledger_layout(ledger)?;
    let mut out = Vec::with_capacity(rows.len() * 48 + 1);
    if !ends_with_newline {
        out.push(b'\n');
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(dialect.delimiter())
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut out);
        for row in rows {
            let fields: Vec<String> = header
                .iter()
                .map(|column| match column.to_ascii_lowercase().as_str() {
                    "date" => match dialect {
                        Dialect::Standard => row.date.format("%Y-%m-%d").to_string(),
                        Dialect::Locale => row.date.format("%d/%m/%Y").to_string(),
                    },
                    "type" => "payment".to_string(),
                    "invoice" => row.invoice.clone(),
                    "amount" => {
                        let text = format!("{:.2}", crate::claim::cents(row.amount));
                        match dialect {
                            Dialect::Standard => text,
                            Dialect::Locale => text.replace('.', ","),
                        }
                    }
                    _ => String::new(),
                })
                .collect();
            writer.write_record(&fields).map_err(|e| io(ledger, e))?;
        }
        writer.flush().map_err(|e| io(ledger, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(ledger)
        .map_err(|e| io(ledger, e))?;
    file.write_all(&out).map_err(|e| io(ledger, e))?;
    file.sync_all().map_err(|e| io(ledger, e))?;
    Ok(())
}

/// Writes the review file (replaced whole; removed when there is nothing
/// to review, so that an old one is not mistaken for today's).
pub fn review(path: &Path, rows: &[Review]) -> Result<(), Diagnostic> {
    if rows.is_empty() {
        match std::fs::remove_file(path) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(path, e)),
        }
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)
        .map_err(|e| io(path, e))?;
    writer
        .write_record([
            "file",
            "line",
            "statement",
            "key",
            "booked",
            "amount",
            "currency",
            "debtor_name",
            "debtor_iban",
            "reference",
            "text",
            "reason",
        ])
        .map_err(|e| io(path, e))?;
    for r in rows {
        writer
            .write_record([
                r.file.as_str(),
                &r.line.to_string(),
                &r.statement,
                &r.key,
                &r.booked.format("%Y-%m-%d").to_string(),
                &format!("{:.2}", r.amount),
                &r.currency,
                &r.debtor_name,
                &r.debtor_iban,
                &r.reference,
                &r.text,
                &r.reason,
            ])
            .map_err(|e| io(path, e))?;
    }
    writer.flush().map_err(|e| io(path, e))?;
    Ok(())
}

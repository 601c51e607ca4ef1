//! Payments from the bank: the credits of a statement (camt.053, camt.054,
//! CODA) matched to the book's open invoices and appended to it as `payment`
//! rows (docs/bank-import.md).
//!
//! - [`camt`] and [`coda`] read a file into [`Statement`]s, or one located
//!   diagnostic for a malformed file (nothing is written then);
//! - [`matching`] decides, credit by credit, which invoices it pays (by
//!   structured reference, invoice number in the text, debtor IBAN and exact
//!   amount), and what goes to review with why;
//! - [`record`] keeps one file per imported statement beside the ledger
//!   (`bank-imports/`): what was appended, under the bank's own key of each
//!   credit, so that importing a statement again adds nothing, and the
//!   statement's date for the staleness guard of `policy run`;
//! - [`write`] appends the rows in the ledger's own dialect and writes the
//!   review file.

pub mod camt;
pub mod coda;
pub mod matching;
pub mod record;
pub(crate) mod report;
pub mod write;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ISO 20022 bank-to-customer statement.
    Camt053,
    /// ISO 20022 bank-to-customer debit/credit notification.
    Camt054,
    /// Febelfin CODA 2.x.
    Coda,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Camt053 => "camt.053",
            Format::Camt054 => "camt.054",
            Format::Coda => "CODA",
        }
    }
}

/// One statement (or notification) of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The bank's id of the statement (`Stmt/Id`; for CODA, the account and
    /// the statement's sequence number).
    pub id: String,
    /// The account statemented (IBAN, no spaces), when given.
    pub account: String,
    /// The last day the statement covers: what the staleness guard reads.
    pub date: NaiveDate,
    /// Its credits, in the file's order (debits are not kept).
    pub credits: Vec<Credit>,
    /// Debit entries seen and left aside.
    pub debits: usize,
}

/// One credit to the firm's account: one transaction of an entry (a batched
/// entry gives one credit per transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The bank's key of the transaction, unique for the account: its
    /// `AcctSvcrRef` (transaction's, else the entry's with the transaction's
    /// rank), else `NtryRef`, else the CODA bank reference and detail number.
    pub key: String,
    /// The booking day: the payment row's date.
    pub booked: NaiveDate,
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    pub debtor_name: String,
    /// The payer's IBAN, no spaces, upper case.
    pub debtor_iban: String,
    /// Structured references as given (`CdtrRefInf/Ref`, CODA's structured
    /// communication).
    pub structured: Vec<String>,
    /// The free remittance text (`Ustrd` lines, CODA's free communication).
    pub text: String,
    /// The 1-based line of the transaction in its file.
    pub line: usize,
    /// Why this credit cannot be matched whatever the book holds (a reversal,
    /// a batched entry without the transaction's amount).
    pub unusable: Option<String>,
}

/// An IBAN as compared: no spaces, upper case.
pub(crate) fn compact_iban(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// One file read: its name as given, its format, its statements.
#[derive(Debug, Clone)]
pub struct Read {
    pub file: String,
    pub format: Format,
    pub statements: Vec<Statement>,
}

/// Reads every file, before anything is written: the first malformed one
/// stops the import.
pub(crate) fn read_files(
    paths: &[std::path::PathBuf],
    format: Format,
) -> Result<Vec<Read>, crate::diagnostic::Diagnostic> {
    paths
        .iter()
        .map(|path| {
            let statements = match format {
                Format::Coda => coda::read(path)?,
                _ => camt::read(path, format)?,
            };
            Ok(Read {
                file: path.display().to_string(),
                format,
                statements,
            })
        })
        .collect()
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub statements: usize,
    pub credits: usize,
    /// Credits matched now.
    pub matched: usize,
    /// Payment rows appended.
    pub rows: Vec<write::Row>,
    /// Credits found in an earlier import.
    pub imported_before: usize,
    pub review: Vec<write::Review>,
    /// Records written (new statements, or statements with new credits).
    pub records: Vec<std::path::PathBuf>,
    pub debits: usize,
}

/// Matches every credit of `read` against `ledger` (read from
/// `ledger_path`) and, unless `dry`, appends the payment rows to the ledger,
/// records the statements and writes the review file. The matcher is
/// returned with the summary: its indexes of a large book take a while to
/// free, which a command about to exit may skip.
pub fn import<'l>(
    ledger_path: &std::path::Path,
    ledger: &'l crate::ledger::Ledger,
    read: &[Read],
    review_path: &std::path::Path,
    dry: bool,
) -> Result<(Summary, matching::Matcher<'l>), crate::diagnostic::Diagnostic> {
    let folder = record::folder(ledger_path);
    let records = record::read_all(&folder)?;
    let mut matcher = matching::Matcher::new(ledger, record::keys(&records));
    let mut summary = Summary::default();
    let mut to_write: Vec<(std::path::PathBuf, record::Record)> = Vec::new();
    for file in read {
        for statement in &file.statements {
            summary.statements += 1;
            summary.debits += statement.debits;
            let mut imported = Vec::new();
            for credit in &statement.credits {
                summary.credits += 1;
                match matcher.decide(credit) {
                    matching::Outcome::Imported => summary.imported_before += 1,
                    matching::Outcome::Review(reason) => summary.review.push(write::Review {
                        file: file.file.clone(),
                        line: credit.line,
                        statement: statement.id.clone(),
                        key: credit.key.clone(),
                        booked: credit.booked,
                        amount: credit.amount,
                        currency: credit.currency.clone(),
                        debtor_name: credit.debtor_name.clone(),
                        debtor_iban: credit.debtor_iban.clone(),
                        reference: credit.structured.join(" "),
                        text: credit.text.clone(),
                        reason,
                    }),
                    matching::Outcome::Matched { how, payments } => {
                        summary.matched += 1;
                        let payments: Vec<record::Payment> = payments
                            .into_iter()
                            .map(|(id, amount)| record::Payment {
                                invoice: ledger.invoice(id).reference.to_string(),
                                amount,
                            })
                            .collect();
                        for p in &payments {
                            summary.rows.push(write::Row {
                                date: credit.booked,
                                invoice: p.invoice.clone(),
                                amount: p.amount,
                            });
                        }
                        imported.push(record::Imported {
                            key: credit.key.clone(),
                            booked: credit.booked,
                            amount: credit.amount,
                            matched_by: how.as_str().to_string(),
                            payments,
                        });
                    }
                }
            }
            let fresh = record::Record {
                format: file.format.as_str().to_string(),
                file: file.file.clone(),
                account: statement.account.clone(),
                statement: statement.id.clone(),
                date: statement.date,
                credits: Vec::new(),
            };
            let path = record::file_of(&folder, &fresh);
            let existing = records
                .iter()
                .chain(to_write.iter())
                .find(|(p, _)| *p == path)
                .map(|(_, r)| r.clone());
            match existing {
                Some(_) if imported.is_empty() => {}
                Some(mut record) => {
                    record.credits.extend(imported);
                    to_write.retain(|(p, _)| *p != path);
                    to_write.push((path, record));
                }
                None => {
                    let mut record = fresh;
                    record.credits = imported;
                    to_write.push((path, record));
                }
            }
        }
    }
    summary.records = to_write.iter().map(|(p, _)| p.clone()).collect();
    if dry {
        return Ok((summary, matcher));
    }
    // The rows first: a record names credits whose rows are in the book.
    write::append(ledger_path, &summary.rows)?;
    for (path, record) in &to_write {
        record::write(path, record)?;
    }
    write::review(review_path, &summary.review)?;
    Ok((summary, matcher))
}

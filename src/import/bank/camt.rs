//! ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit and
//! credit notification), every version banks export (001.02 to 001.13): the
//! elements read are the same in all of them, `Sts` being a code (`BOOK`)
//! up to version 8 and a `Cd` inside it after, the debtor's name directly in
//! `Dbtr` up to version 7 and in `Dbtr/Pty` after.
//!
//! Only booked credits are kept (`CdtDbtInd` `CRDT`, status `BOOK`). A
//! batched entry (`NtryDtls/Btch`, several `TxDtls`) gives one credit per
//! transaction, each with its own amount; a single transaction without an
//! amount takes its entry's.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Credit, Format, Statement, compact_iban};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

#[derive(Debug, Deserialize)]
struct Document {
    #[serde(rename = "BkToCstmrStmt")]
    statement: Option<Report>,
    #[serde(rename = "BkToCstmrDbtCdtNtfctn")]
    notification: Option<Report>,
    #[serde(rename = "BkToCstmrAcctRpt")]
    account_report: Option<Report>,
}

#[derive(Debug, Deserialize)]
struct Report {
    #[serde(rename = "GrpHdr")]
    header: Option<GroupHeader>,
    #[serde(rename = "Stmt", default)]
    statements: Vec<Account>,
    #[serde(rename = "Ntfctn", default)]
    notifications: Vec<Account>,
}

#[derive(Debug, Deserialize)]
struct GroupHeader {
    #[serde(rename = "CreDtTm")]
    created: Option<String>,
}

/// A `Stmt` or a `Ntfctn`: the same shape.
#[derive(Debug, Deserialize)]
struct Account {
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "CreDtTm")]
    created: Option<String>,
    #[serde(rename = "FrToDt")]
    period: Option<Period>,
    #[serde(rename = "Acct")]
    account: Option<Acct>,
    #[serde(rename = "Ntry", default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Period {
    #[serde(rename = "ToDtTm")]
    to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Acct {
    #[serde(rename = "Id")]
    id: Option<AcctId>,
}

#[derive(Debug, Deserialize)]
struct AcctId {
    #[serde(rename = "IBAN")]
    iban: Option<String>,
    #[serde(rename = "Othr")]
    other: Option<Other>,
}

#[derive(Debug, Deserialize)]
struct Other {
    #[serde(rename = "Id")]
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Amount {
    #[serde(rename = "@Ccy")]
    currency: Option<String>,
    #[serde(rename = "$text")]
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Status {
    #[serde(rename = "$text")]
    text: Option<String>,
    #[serde(rename = "Cd")]
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DateChoice {
    #[serde(rename = "Dt")]
    date: Option<String>,
    #[serde(rename = "DtTm")]
    date_time: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "NtryRef")]
    reference: Option<String>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    direction: Option<String>,
    #[serde(rename = "RvslInd")]
    reversal: Option<String>,
    #[serde(rename = "Sts")]
    status: Option<Status>,
    #[serde(rename = "BookgDt")]
    booked: Option<DateChoice>,
    #[serde(rename = "ValDt")]
    value_date: Option<DateChoice>,
    #[serde(rename = "AcctSvcrRef")]
    servicer_ref: Option<String>,
    #[serde(rename = "NtryDtls", default)]
    details: Vec<EntryDetails>,
}

#[derive(Debug, Deserialize)]
struct EntryDetails {
    #[serde(rename = "TxDtls", default)]
    transactions: Vec<Transaction>,
}

#[derive(Debug, Deserialize)]
struct Transaction {
    #[serde(rename = "Refs")]
    refs: Option<Refs>,
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
    #[serde(rename = "CdtDbtInd")]
    direction: Option<String>,
    #[serde(rename = "AmtDtls")]
    amount_details: Option<AmountDetails>,
    #[serde(rename = "RltdPties")]
    parties: Option<Parties>,
    #[serde(rename = "RmtInf")]
    remittance: Option<Remittance>,
}

#[derive(Debug, Deserialize)]
struct Refs {
    #[serde(rename = "AcctSvcrRef")]
    servicer_ref: Option<String>,
    #[serde(rename = "EndToEndId")]
    end_to_end: Option<String>,
    #[serde(rename = "TxId")]
    transaction: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AmountDetails {
    #[serde(rename = "TxAmt")]
    transaction: Option<AmountWrapper>,
    #[serde(rename = "InstdAmt")]
    instructed: Option<AmountWrapper>,
}

#[derive(Debug, Deserialize)]
struct AmountWrapper {
    #[serde(rename = "Amt")]
    amount: Option<Amount>,
}

#[derive(Debug, Deserialize)]
struct Parties {
    #[serde(rename = "Dbtr")]
    debtor: Option<Party>,
    #[serde(rename = "DbtrAcct")]
    debtor_account: Option<Acct>,
}

#[derive(Debug, Deserialize)]
struct Party {
    #[serde(rename = "Nm")]
    name: Option<String>,
    #[serde(rename = "Pty")]
    party: Option<Box<Party>>,
}

#[derive(Debug, Deserialize)]
struct Remittance {
    #[serde(rename = "Ustrd", default)]
    unstructured: Vec<String>,
    #[serde(rename = "Strd", default)]
    structured: Vec<Structured>,
}

#[derive(Debug, Deserialize)]
struct Structured {
    #[serde(rename = "CdtrRefInf")]
    creditor_ref: Option<CreditorRef>,
    #[serde(rename = "AddtlRmtInf", default)]
    additional: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CreditorRef {
    #[serde(rename = "Ref")]
    reference: Option<String>,
}

/// Reads a camt.053 or camt.054 file. `Err`: the file cannot be read, is
/// not well-formed XML, is not the format named, or holds a value that is
/// not what ISO 20022 allows there (an amount, a date), located.
pub fn read(path: &Path, format: Format) -> Result<Vec<Statement>, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
    let name = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(located(
                &name,
                text,
                Span::new(at, at + 1),
                format!("`{name}` is not UTF-8 text"),
                "not UTF-8",
                "a camt file is UTF-8 XML as the bank exports it: download it again, unchanged",
            ));
        }
    };
    read_text(&name, text, format)
}

/// Reads camt text (`name` names it in diagnostics).
pub(crate) fn read_text(
    name: &str,
    text: String,
    format: Format,
) -> Result<Vec<Statement>, Diagnostic> {
    // The serde reader's errors carry no position: a document it refuses is
    // read again, event by event, to locate the first error.
    let document: Document = quick_xml::de::from_str(&text).map_err(|e| {
        if let Err(located) = well_formed(name, &text) {
            return located;
        }
        let at = text.find("<Document").unwrap_or(0);
        located(
            name,
            text.clone(),
            Span::new(at, at + 9.min(text.len() - at)),
            format!("`{name}` is not a valid ISO 20022 camt document: {e}"),
            "here",
            "give the file as the bank exports it (camt.053 statements or camt.054 notifications)",
        )
    })?;
    let (report, element) = match format {
        Format::Camt054 => (document.notification, "BkToCstmrDbtCdtNtfctn"),
        _ => (
            document.statement.or(document.account_report),
            "BkToCstmrStmt",
        ),
    };
    let Some(report) = report else {
        let at = text.find("<Document").unwrap_or(0);
        let other = if format == Format::Camt054 {
            "camt053"
        } else {
            "camt054"
        };
        return Err(located(
            name,
            text.clone(),
            Span::new(at, (at + 9).min(text.len())),
            format!(
                "`{name}` is not a {} file: it has no `{element}`",
                format.as_str()
            ),
            "no statement in this document",
            format!(
                "import it with `policy import {other}` if it is one, or give the statement the bank exports"
            ),
        ));
    };
    let mut reader = Reader {
        name,
        text: &text,
        searched: 0,
        counted: (0, 1),
    };
    let fallback = report
        .header
        .as_ref()
        .and_then(|h| h.created.as_deref())
        .map(str::to_string);
    let accounts = report
        .statements
        .into_iter()
        .chain(report.notifications)
        .collect::<Vec<_>>();
    let mut statements = Vec::with_capacity(accounts.len());
    for account in accounts {
        statements.push(reader.statement(account, fallback.as_deref())?);
    }
    Ok(statements)
}

/// The first well-formedness error, located; the serde reader's errors
/// carry no position.
fn well_formed(name: &str, text: &str) -> Result<(), Diagnostic> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => {
                if depth > 0 {
                    let at = text.len();
                    return Err(located(
                        name,
                        text.to_string(),
                        Span::new(at.saturating_sub(1), at),
                        format!(
                            "`{name}` ends before its elements are closed: the file is cut short"
                        ),
                        "the file ends here",
                        "download the statement again: the file is incomplete",
                    ));
                }
                return Ok(());
            }
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position())
                    .unwrap_or(0)
                    .min(text.len());
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                return Err(located(
                    name,
                    text.to_string(),
                    Span::new(at, end.max(at)),
                    format!("`{name}` is not well-formed XML: {e}"),
                    "here",
                    "download the statement again from the bank; a statement edited by hand must stay valid XML",
                ));
            }
        }
    }
}

struct Reader<'t> {
    name: &'t str,
    text: &'t str,
    /// Where the search for the next `<Ntry` starts: entries come in
    /// document order.
    searched: usize,
    /// A byte offset and its line.
    counted: (usize, usize),
}

impl Reader<'_> {
    fn statement(
        &mut self,
        account: Account,
        fallback: Option<&str>,
    ) -> Result<Statement, Diagnostic> {
        let iban = account
            .account
            .as_ref()
            .and_then(|a| a.id.as_ref())
            .and_then(|id| {
                id.iban
                    .clone()
                    .or_else(|| id.other.as_ref().and_then(|o| o.id.clone()))
            })
            .map(|i| compact_iban(&i))
            .unwrap_or_default();
        let id = account.id.clone().unwrap_or_default().trim().to_string();
        let stated = account
            .period
            .as_ref()
            .and_then(|p| p.to.as_deref())
            .or(account.created.as_deref())
            .or(fallback);
        let mut statement = Statement {
            id,
            account: iban.clone(),
            date: NaiveDate::MIN,
            credits: Vec::new(),
            debits: 0,
        };
        let mut latest = None::<NaiveDate>;
        for entry in account.entries {
            let at = self.next_entry();
            self.entry(entry, at, &iban, &mut statement, &mut latest)?;
        }
        statement.date = match stated {
            Some(text) => self.date(text, "the statement's date")?,
            None => latest.ok_or_else(|| {
                self.error(
                    self.text
                        .find("<Stmt")
                        .or(self.text.find("<Ntfctn"))
                        .unwrap_or(0),
                    5,
                    format!("`{}`: a statement with no date and no entry", self.name),
                    "no `FrToDt`, no `CreDtTm`",
                    "give the statement as the bank exports it",
                )
            })?,
        };
        Ok(statement)
    }

    /// The byte offset of the next `<Ntry>`.
    fn next_entry(&mut self) -> usize {
        let at = find_open(self.text, self.searched, "Ntry");
        self.searched = (at + 5).min(self.text.len());
        at
    }

    /// The line of `at`, counting from the last line asked for (entries
    /// and transactions are asked for in document order).
    fn line(&mut self, at: usize) -> usize {
        let at = at.min(self.text.len());
        if at < self.counted.0 {
            return line_of(self.text, at);
        }
        let more = memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.counted.0..at]).count();
        self.counted = (at, self.counted.1 + more);
        self.counted.1
    }

    fn entry(
        &mut self,
        entry: Entry,
        at: usize,
        account: &str,
        statement: &mut Statement,
        latest: &mut Option<NaiveDate>,
    ) -> Result<(), Diagnostic> {
        let line = self.line(at);
        let direction = entry
            .direction
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let booked = entry
            .status
            .as_ref()
            .and_then(|s| s.code.as_deref().or(s.text.as_deref()))
            .map(str::trim)
            .is_none_or(|s| s == "BOOK");
        let reversal = entry
            .reversal
            .as_deref()
            .is_some_and(|r| r.trim() == "true");
        let entry_amount = match &entry.amount {
            Some(amount) => Some(self.amount(amount, at)?),
            None => None,
        };
        let day = entry
            .booked
            .as_ref()
            .or(entry.value_date.as_ref())
            .and_then(|d| d.date.as_deref().or(d.date_time.as_deref()));
        let booked_on = match day {
            Some(day) => self.date(day, "the entry's booking date")?,
            None => {
                return Err(self.error(
                    at,
                    5,
                    format!("`{}`: an entry with no booking date (`BookgDt`)", self.name),
                    "this entry",
                    "give the statement as the bank exports it",
                ));
            }
        };
        *latest = Some(latest.map_or(booked_on, |l| l.max(booked_on)));
        match direction {
            "CRDT" => {}
            "DBIT" => {
                statement.debits += 1;
                return Ok(());
            }
            other => {
                let found = self.text[at..].find(other).map_or(at, |f| at + f);
                return Err(self.error(
                    found,
                    other.len().max(1),
                    format!(
                        "`{}`: `CdtDbtInd` is `{other}`, neither `CRDT` nor `DBIT`",
                        self.name
                    ),
                    "not CRDT or DBIT",
                    "give the statement as the bank exports it",
                ));
            }
        }
        if !booked {
            // Pending or informational entries are booked later, in a later
            // statement: nothing is paid yet.
            return Ok(());
        }
        let transactions: Vec<Transaction> = entry
            .details
            .into_iter()
            .flat_map(|d| d.transactions)
            .collect();
        let (entry_ccy, entry_value) = match (&entry.amount, entry_amount) {
            (Some(a), Some(v)) => (a.currency.clone().unwrap_or_default(), v),
            _ => {
                return Err(self.error(
                    at,
                    5,
                    format!("`{}`: an entry with no amount (`Amt`)", self.name),
                    "this entry",
                    "give the statement as the bank exports it",
                ));
            }
        };
        let entry_key = entry
            .servicer_ref
            .as_deref()
            .or(entry.reference.as_deref())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        let many = transactions.len() > 1;
        if transactions.is_empty() {
            statement.credits.push(Credit {
                key: key(account, entry_key.as_deref(), None, &statement.id, line),
                booked: booked_on,
                amount: entry_value,
                currency: entry_ccy,
                debtor_name: String::new(),
                debtor_iban: String::new(),
                structured: Vec::new(),
                text: String::new(),
                line,
                unusable: reversal.then(|| "a reversal of an earlier entry".to_string()),
            });
            return Ok(());
        }
        let mut searched = at;
        for (rank, tx) in transactions.into_iter().enumerate() {
            let tx_at = find_open(self.text, searched, "TxDtls");
            searched = (tx_at + 7).min(self.text.len());
            let tx_line = self.line(tx_at);
            if tx.direction.as_deref().is_some_and(|d| d.trim() == "DBIT") {
                continue;
            }
            let amount = tx.amount.as_ref().or(tx
                .amount_details
                .as_ref()
                .and_then(|d| d.transaction.as_ref().or(d.instructed.as_ref()))
                .and_then(|w| w.amount.as_ref()));
            let (currency, value, mut unusable) = match amount {
                Some(amount) => (
                    amount.currency.clone().unwrap_or_default(),
                    self.amount(amount, tx_at)?,
                    None,
                ),
                None if !many => (entry_ccy.clone(), entry_value, None),
                None => (
                    entry_ccy.clone(),
                    Decimal::ZERO,
                    Some(
                        "a batched entry that does not give this transaction's amount".to_string(),
                    ),
                ),
            };
            if reversal {
                unusable = Some("a reversal of an earlier entry".to_string());
            }
            let refs = tx.refs.as_ref();
            let tx_key = refs
                .and_then(|r| r.servicer_ref.as_deref())
                .map(str::trim)
                .filter(|k| !k.is_empty());
            let key = match (tx_key, &entry_key) {
                (Some(k), _) => format!("{account}/{k}"),
                (None, Some(e)) if many => format!("{account}/{e}#{}", rank + 1),
                (None, Some(e)) => format!("{account}/{e}"),
                (None, None) => {
                    let e2e = refs
                        .and_then(|r| r.end_to_end.as_deref().or(r.transaction.as_deref()))
                        .map(str::trim)
                        .filter(|k| !k.is_empty() && *k != "NOTPROVIDED");
                    key(account, e2e, Some(rank), &statement.id, tx_line)
                }
            };
            let parties = tx.parties.as_ref();
            let debtor_name = parties
                .and_then(|p| p.debtor.as_ref())
                .and_then(|d| {
                    d.name
                        .clone()
                        .or_else(|| d.party.as_ref().and_then(|p| p.name.clone()))
                })
                .unwrap_or_default();
            let debtor_iban = parties
                .and_then(|p| p.debtor_account.as_ref())
                .and_then(|a| a.id.as_ref())
                .and_then(|id| id.iban.as_deref())
                .map(compact_iban)
                .unwrap_or_default();
            let (structured, text) = match tx.remittance {
                None => (Vec::new(), String::new()),
                Some(r) => {
                    let mut text = r.unstructured.join(" ");
                    let mut refs = Vec::new();
                    for s in r.structured {
                        if let Some(reference) = s.creditor_ref.and_then(|c| c.reference) {
                            refs.push(reference.trim().to_string());
                        }
                        for extra in s.additional {
                            if !text.is_empty() {
                                text.push(' ');
                            }
                            text.push_str(&extra);
                        }
                    }
                    (refs, text)
                }
            };
            statement.credits.push(Credit {
                key,
                booked: booked_on,
                amount: value,
                currency,
                debtor_name: debtor_name.trim().to_string(),
                debtor_iban,
                structured,
                text: text.trim().to_string(),
                line: tx_line,
                unusable,
            });
        }
        Ok(())
    }

    fn amount(&self, amount: &Amount, near: usize) -> Result<Decimal, Diagnostic> {
        let text = amount.value.as_deref().unwrap_or_default().trim();
        // ISO 20022 amounts: digits, an optional `.` and fraction digits.
        let valid = !text.is_empty()
            && text.bytes().filter(|b| *b == b'.').count() <= 1
            && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && !text.starts_with('.')
            && !text.ends_with('.');
        match Decimal::from_str(text) {
            Ok(value) if valid => Ok(value),
            _ => {
                let found = find_value(self.text, near, text);
                Err(self.error(
                    found,
                    text.len().max(1),
                    format!(
                        "`{}`: the amount `{}` is not an ISO 20022 amount",
                        self.name,
                        text.escape_debug()
                    ),
                    "not an amount",
                    "an amount is written with digits and a decimal point (`1234.56`), its currency in `Ccy`",
                ))
            }
        }
    }

    fn date(&self, text: &str, what: &str) -> Result<NaiveDate, Diagnostic> {
        let trimmed = text.trim();
        let day = trimmed.get(..10).unwrap_or(trimmed);
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
            let found = self.text.find(trimmed).unwrap_or(0);
            self.error(
                found,
                trimmed.len().max(1),
                format!(
                    "`{}`: {what} `{}` is not a date",
                    self.name,
                    trimmed.escape_debug()
                ),
                "not a date",
                "ISO 20022 dates are `YYYY-MM-DD` (or `YYYY-MM-DDThh:mm:ss`)",
            )
        })
    }

    fn error(&self, at: usize, len: usize, message: String, label: &str, help: &str) -> Diagnostic {
        let at = at.min(self.text.len());
        let end = (at + len).min(self.text.len());
        located(
            self.name,
            self.text.to_string(),
            Span::new(at, end),
            message,
            label,
            help,
        )
    }
}

/// The idempotency key of a credit without a bank key: the statement, and
/// the end-to-end id or the credit's line.
fn key(
    account: &str,
    given: Option<&str>,
    rank: Option<usize>,
    statement: &str,
    line: usize,
) -> String {
    match (given, rank) {
        (Some(k), Some(r)) => format!("{account}/{k}#{}", r + 1),
        (Some(k), None) => format!("{account}/{k}"),
        (None, _) => format!("{account}/{statement}@{line}"),
    }
}

/// The offset of the next opening tag `<NAME` or `<prefix:NAME`, from
/// `from` on; the end of the text if there is none.
fn find_open(text: &str, from: usize, name: &str) -> usize {
    let bytes = text.as_bytes();
    let mut at = from.min(text.len());
    while let Some(found) = memchr::memmem::find(&bytes[at..], name.as_bytes()) {
        let start = at + found;
        let end = start + name.len();
        let closes_name = matches!(
            bytes.get(end),
            Some(b'>' | b' ' | b'\n' | b'\r' | b'\t' | b'/')
        );
        if closes_name {
            // Back to the `<`: directly before, or before a prefix.
            let mut lt = start;
            while lt > 0
                && (bytes[lt - 1].is_ascii_alphanumeric()
                    || bytes[lt - 1] == b':'
                    || bytes[lt - 1] == b'_')
            {
                lt -= 1;
            }
            let prefix_ok = start == lt || bytes[start - 1] == b':';
            if lt > 0 && bytes[lt - 1] == b'<' && prefix_ok {
                return lt - 1;
            }
        }
        at = end;
    }
    text.len()
}

/// Where `value` is written, from `near` on (an element's text).
fn find_value(text: &str, near: usize, value: &str) -> usize {
    let needle = format!(">{value}<");
    text[near.min(text.len())..]
        .find(&needle)
        .map_or(near, |f| near + f + 1)
}

pub(super) fn line_of(text: &str, at: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..at.min(text.len())]).count() + 1
}

pub(super) fn located(
    name: &str,
    text: String,
    span: Span,
    message: String,
    label: &str,
    help: impl Into<String>,
) -> Diagnostic {
    let source: Arc<SourceFile> = SourceFile::new(name.to_string(), text);
    Diagnostic::error(Code::BankFile, message)
        .with_label(span, label)
        .with_help(help)
        .in_source(&source)
}

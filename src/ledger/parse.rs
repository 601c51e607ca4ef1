//! One row of a ledger → its values: everything about a row that needs no
//! other row (dates, amounts, the debtor, the currency), whatever file it
//! came from. Runs on the reading threads; the book is built from what it
//! returns (build.rs).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::mapping::{Signs, TYPE_WORDS};
use super::problem::{FieldAt, Problems, RowAt};
use super::{DebtorId, DebtorIndex, Dialect, EntryKind, ExceptionKind, dialect};
use crate::diagnostic::Code;
use crate::suggest;

/// The ledger's columns, in the order of the CSV reader's column table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Date = 0,
    Type = 1,
    Invoice = 2,
    Debtor = 3,
    Amount = 4,
    Due = 5,
    Currency = 6,
    Until = 7,
    Reason = 8,
    Procedure = 9,
    Published = 10,
}

/// How many columns [`Col`] has.
pub(crate) const COLS: usize = 11;

impl Col {
    pub fn name(self) -> &'static str {
        match self {
            Col::Date => "date",
            Col::Type => "type",
            Col::Invoice => "invoice",
            Col::Debtor => "debtor",
            Col::Amount => "amount",
            Col::Due => "due",
            Col::Currency => "currency",
            Col::Until => "until",
            Col::Reason => "reason",
            Col::Procedure => "procedure",
            Col::Published => "published",
        }
    }
}

/// One row of a ledger, whatever its file.
pub trait Row {
    /// The value of a column; `None` when absent or blank.
    fn value(&self, col: Col) -> Option<&[u8]>;
    /// The value of a column as text, when known to be UTF-8 without
    /// checking it again; `None` leaves the check to the caller.
    fn text(&self, _col: Col) -> Option<&str> {
        None
    }
    fn at(&self, col: Col) -> FieldAt;
    fn row(&self) -> RowAt;
    /// The extra columns' values; `None` after reporting a bad one.
    fn attributes(&self, problems: &mut Problems) -> Option<Box<[Box<str>]>>;
}

/// A row's values, parsed and checked against the debtors, before the book
/// is consulted.
#[derive(Debug)]
pub(crate) struct Parsed<'r> {
    pub row: RowAt,
    pub kind: RowKind,
    pub date: NaiveDate,
    /// The invoice reference, trimmed.
    pub reference: &'r str,
    pub invoice_at: FieldAt,
    /// Always there on invoices; on other rows only when given.
    pub debtor: Option<DebtorId>,
    /// Zero for disputes and resolutions.
    pub amount: Decimal,
    /// The due date of an invoice (its date on other rows).
    pub due: NaiveDate,
    pub attributes: Box<[Box<str>]>,
    /// A payment or credit note written below zero (its amount is kept
    /// above: see [`Signs`]).
    pub negative: bool,
    /// What only exceptions (holds, promises…) have; `None` on other rows.
    pub exception: Option<Box<ExceptionValues>>,
}

/// The values of an exception row beyond a row's own.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExceptionValues {
    pub until: Option<NaiveDate>,
    /// `None`: the whole balance (a promise), or none (other kinds).
    pub amount: Option<Decimal>,
    pub reason: Option<Box<str>>,
    pub procedure: Option<&'static str>,
    pub published: Option<NaiveDate>,
    /// An instalment's due date.
    pub due: Option<NaiveDate>,
    /// Where the invoice and debtor columns are, to place problems found
    /// once the book is read.
    pub debtor_at: FieldAt,
}

/// Dates already read, by their text: a book has a few hundred distinct
/// dates and millions of them written, and reading one (checking the
/// calendar) costs more than looking it up. Keeps ten-byte texts (both
/// dialects' dates). One per reading thread's rows.
///
/// Slots enough for a year's dates (issue, due and payment days: about
/// 450 in a book of a year) to collide seldom: with 64, a book whose rows
/// are not in date order found one date in ten there, and reading dates
/// was a third of what a shuffled book cost beyond a sorted one
/// (callgrind, docs/performance.md).
#[derive(Debug, Clone)]
pub(crate) struct DateCache {
    slots: Box<[Option<(u64, u16, NaiveDate)>]>,
}

/// log2 of [`DateCache`]'s slots.
const DATE_SLOTS: u32 = 11;

impl Default for DateCache {
    fn default() -> Self {
        DateCache {
            slots: vec![None; 1 << DATE_SLOTS].into_boxed_slice(),
        }
    }
}

impl DateCache {
    /// The slot and key of `raw`, read as two integers (copying it into
    /// an array first stalled the processor); `None` unless 10 bytes.
    fn key(raw: &[u8]) -> Option<(usize, u64, u16)> {
        let (head, tail) = raw.split_first_chunk::<8>()?;
        let tail: &[u8; 2] = tail.try_into().ok()?;
        let head = u64::from_le_bytes(*head);
        let tail = u16::from_le_bytes(*tail);
        let folded = head ^ u64::from(tail) << 13;
        let slot = (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - DATE_SLOTS)) as usize;
        Some((slot, head, tail))
    }

    pub fn get(&self, raw: &[u8]) -> Option<NaiveDate> {
        let (slot, head, tail) = Self::key(raw)?;
        match self.slots.get(slot) {
            Some(&Some((h, t, date))) if h == head && t == tail => Some(date),
            _ => None,
        }
    }

    pub fn put(&mut self, raw: &[u8], date: NaiveDate) {
        if let Some((slot, head, tail)) = Self::key(raw) {
            if let Some(kept) = self.slots.get_mut(slot) {
                *kept = Some((head, tail, date));
            }
        }
    }
}

/// Parses rows: everything about a row that needs no other row. Apart from
/// the builder so that it can run on its own thread.
#[derive(Debug, Clone)]
pub(crate) struct Parser {
    debtors: Arc<DebtorIndex>,
    currency: &'static str,
    dialect: Dialect,
    /// The firm's words for types (`book.toml`, then the built-in ones),
    /// normalised.
    words: Arc<Vec<(String, RowKind)>>,
    signs: Signs,
}

impl Parser {
    /// Parses rows whose debtor ids are those of `debtors`; amounts must be
    /// in `currency`.
    pub fn new(debtors: Arc<DebtorIndex>, currency: &'static str, dialect: Dialect) -> Self {
        Parser {
            debtors,
            currency,
            dialect,
            words: Arc::new(
                TYPE_WORDS
                    .iter()
                    .map(|(w, k)| (w.to_string(), *k))
                    .collect(),
            ),
            signs: Signs::Auto,
        }
    }

    /// Reads types also by the firm's `words` (before the built-in ones)
    /// and payments' signs by `signs`.
    pub(crate) fn conventions(&mut self, words: &[(String, RowKind)], signs: Signs) {
        let mut all: Vec<(String, RowKind)> = words.to_vec();
        all.extend(TYPE_WORDS.iter().map(|(w, k)| (w.to_string(), *k)));
        self.words = Arc::new(all);
        self.signs = signs;
    }

    /// The type a `type` value names, `None` when none.
    pub(crate) fn kind_of(&self, raw: &[u8]) -> Option<RowKind> {
        match raw.trim_ascii() {
            b"invoice" => Some(RowKind::Invoice),
            b"payment" => Some(RowKind::Entry(EntryKind::Payment)),
            b"credit_note" => Some(RowKind::Entry(EntryKind::CreditNote)),
            b"dispute" => Some(RowKind::Entry(EntryKind::Dispute)),
            b"resolve" => Some(RowKind::Entry(EntryKind::Resolve)),
            other => {
                let text = String::from_utf8_lossy(other);
                let word = text.trim().to_lowercase().replace([' ', '-'], "_");
                let normal = super::aliases::normalise(&text);
                RowKind::ALL
                    .iter()
                    .find(|(w, _)| *w == word)
                    .map(|(_, k)| *k)
                    .or_else(|| {
                        self.words
                            .iter()
                            .find(|(w, _)| *w == normal)
                            .map(|(_, k)| *k)
                    })
            }
        }
    }

    /// The row's values; `None` after recording its problems. `dates`
    /// remembers dates already read (a book has few distinct ones).
    pub fn parse<'r, R: Row>(
        &self,
        row: &'r R,
        problems: &mut Problems,
        dates: &mut DateCache,
    ) -> Option<Parsed<'r>> {
        let at = row.row();
        let errors_before = problems.errors;
        let kind = self.kind(problems, row);
        let date = self.date(problems, row, Col::Date, "date", dates);
        if let Some(RowKind::Exception(kind)) = kind {
            return self.exception(row, kind, date, problems, dates, errors_before);
        }
        let reference = self.reference(problems, row);
        let kind = kind?;
        let (debtor, amount, due, negative) = match kind {
            RowKind::Invoice => {
                let debtor = self
                    .required(problems, row, Col::Debtor, || {
                        "an invoice row needs the debtor's id".into()
                    })
                    .and_then(|_| self.debtor(problems, row));
                let amount = self.amount(problems, row, true).map(|(a, _)| a);
                let due = self.date(problems, row, Col::Due, "due date", dates);
                (debtor, amount, due, false)
            }
            RowKind::Exception(_) => return None,
            RowKind::Entry(kind) => {
                let (amount, negative) = if kind.settles() {
                    match self.amount(problems, row, false) {
                        Some((amount, negative)) => (Some(amount), negative),
                        None => (None, false),
                    }
                } else {
                    (Some(Decimal::ZERO), false)
                };
                let debtor = match row.value(Col::Debtor) {
                    Some(_) => self.debtor(problems, row),
                    None => None,
                };
                (debtor, amount, date, negative)
            }
        };
        if problems.errors > errors_before {
            return None;
        }
        let (date, reference, amount, due) = (date?, reference?, amount?, due?);
        if kind == RowKind::Invoice && due < date {
            problems.error(
                Code::LedgerDueBeforeIssue,
                at,
                row.at(Col::Due),
                format!("the invoice is due on {due}, before its issue on {date}"),
                "before the issue date",
                "check the `due` and `date` columns (swapped? a typo in the year?)",
            );
            return None;
        }
        let attributes = row.attributes(problems)?;
        Some(Parsed {
            row: at,
            kind,
            date,
            reference,
            invoice_at: row.at(Col::Invoice),
            debtor,
            amount,
            due,
            attributes,
            negative,
            exception: (kind == RowKind::Entry(EntryKind::Dispute))
                .then(|| text(row.value(Col::Reason)))
                .flatten()
                .map(|reason| {
                    Box::new(ExceptionValues {
                        reason: Some(reason),
                        ..ExceptionValues::default()
                    })
                }),
        })
    }

    /// An exception row: a hold, release, promise, instalment, insolvency
    /// or acknowledgment (docs/ledger.md, "Exceptions"). `invoice` may be
    /// empty when `debtor` is given (then it is the debtor's); an
    /// insolvency is always a debtor's.
    fn exception<'r, R: Row>(
        &self,
        row: &'r R,
        kind: ExceptionKind,
        date: Option<NaiveDate>,
        problems: &mut Problems,
        dates: &mut DateCache,
        errors_before: usize,
    ) -> Option<Parsed<'r>> {
        let at = row.row();
        let word = kind.as_str();
        let reference = match row.value(Col::Invoice) {
            Some(_) if kind == ExceptionKind::Insolvency => {
                problems.error(
                    Code::LedgerInsolvency,
                    at,
                    row.at(Col::Invoice),
                    "an insolvency is a debtor's, not an invoice's",
                    "leave empty",
                    "leave `invoice` empty and give the debtor's id in `debtor`: the procedure stays every invoice of the debtor",
                );
                None
            }
            Some(_) => self.reference(problems, row),
            None => Some(""),
        };
        let debtor = match row.value(Col::Debtor) {
            Some(_) => self.debtor(problems, row),
            None => {
                if reference == Some("") {
                    self.missing(
                        problems,
                        row,
                        Col::Debtor,
                        &format!(
                            "a `{word}` row names its invoice in `invoice`, or its debtor in `debtor` (then it covers all of the debtor's invoices)"
                        ),
                    );
                }
                None
            }
        };
        let optional_date =
            |problems: &mut Problems, dates: &mut DateCache, col: Col, what: &str| {
                if row.value(col).is_some() {
                    self.date(problems, row, col, what, dates)
                } else {
                    None
                }
            };
        let mut values = ExceptionValues {
            reason: text(row.value(Col::Reason)),
            debtor_at: row.at(Col::Debtor),
            ..ExceptionValues::default()
        };
        match kind {
            ExceptionKind::Hold | ExceptionKind::Release | ExceptionKind::Acknowledge => {
                if kind == ExceptionKind::Hold {
                    values.until = optional_date(problems, dates, Col::Until, "end of the hold");
                }
            }
            ExceptionKind::Promise => {
                values.until = self.date(problems, row, Col::Until, "promised date", dates);
                if row.value(Col::Amount).is_some() {
                    values.amount = self.positive(problems, row, word);
                }
            }
            ExceptionKind::Instalment => {
                values.due = self.date(problems, row, Col::Due, "instalment's due date", dates);
                values.amount = match row.value(Col::Amount) {
                    Some(_) => self.positive(problems, row, word),
                    None => {
                        self.missing(
                            problems,
                            row,
                            Col::Amount,
                            "an instalment row gives the amount due on its `due` date",
                        );
                        None
                    }
                };
            }
            ExceptionKind::Insolvency => {
                values.until =
                    optional_date(problems, dates, Col::Until, "deadline set by the judgment");
                values.published =
                    optional_date(problems, dates, Col::Published, "publication date");
                match row.value(Col::Procedure) {
                    None => self.missing(
                        problems,
                        row,
                        Col::Procedure,
                        "an insolvency row names its procedure: sauvegarde, redressement, liquidation (FR), réorganisation judiciaire, faillite (BE, LU)",
                    ),
                    Some(raw) => {
                        let written = String::from_utf8_lossy(raw).trim().to_string();
                        values.procedure = crate::law::insolvency::procedure(&written);
                        if values.procedure.is_none() {
                            let hint = suggest::did_you_mean(
                                &crate::suggest::fold(&written).replace(' ', "_"),
                                crate::law::insolvency::procedure_words(),
                            );
                            problems.error(
                                Code::LedgerInsolvency,
                                at,
                                row.at(Col::Procedure),
                                format!("unknown collective procedure `{}`", suggest::short(&written)),
                                "not a procedure the law packs know",
                                hint.unwrap_or_else(|| {
                                    "the procedures are sauvegarde, redressement judiciaire, liquidation judiciaire (FR), réorganisation judiciaire, faillite (BE), faillite, gestion contrôlée (LU)".into()
                                }),
                            );
                        }
                    }
                }
            }
        }
        if let (Some(date), Some(until)) = (date, values.until)
            && until < date
            && kind != ExceptionKind::Insolvency
        {
            problems.error(
                Code::LedgerDate,
                at,
                row.at(Col::Until),
                format!("this {word} ends on {until}, before it starts on {date}"),
                "before the date",
                "`until` is the last day of the hold or the day promised: check the year, or swap `date` and `until`",
            );
        }
        if problems.errors > errors_before {
            return None;
        }
        let (date, reference) = (date?, reference?);
        let attributes = row.attributes(problems)?;
        Some(Parsed {
            row: at,
            kind: RowKind::Exception(kind),
            date,
            reference,
            invoice_at: row.at(Col::Invoice),
            debtor,
            amount: values.amount.unwrap_or(Decimal::ZERO),
            due: values.due.unwrap_or(date),
            attributes,
            negative: false,
            exception: Some(Box::new(values)),
        })
    }

    /// The amount of a promise or instalment: above zero, in the policy's
    /// currency.
    fn positive(&self, problems: &mut Problems, row: &impl Row, word: &str) -> Option<Decimal> {
        let _ = word;
        self.amount(problems, row, true).map(|(amount, _)| amount)
    }

    fn kind(&self, problems: &mut Problems, row: &impl Row) -> Option<RowKind> {
        let Some(raw) = row.value(Col::Type) else {
            self.missing(
                problems,
                row,
                Col::Type,
                "every row has a type: invoice, payment, credit_note, dispute, resolve, hold, release, promise, instalment, insolvency or acknowledge",
            );
            return None;
        };
        let kind = self.kind_of(raw);
        if kind.is_none() {
            let shown = String::from_utf8_lossy(raw).trim().to_string();
            let words = RowKind::ALL.iter().map(|(w, _)| *w);
            let hint = suggest::did_you_mean(&shown, words);
            problems.error(
                Code::LedgerType,
                row.row(),
                row.at(Col::Type),
                format!("unknown entry type `{}`", suggest::short(&shown)),
                "not a type of entry",
                hint.unwrap_or_else(|| {
                    "the type is `invoice`, `payment`, `credit_note`, `dispute`, `resolve`, `hold`, \
                     `release`, `promise`, `instalment`, `insolvency` or `acknowledge` \
                     (or Facture, Règlement, Avoir, Litige…); name the firm's words in book.toml, \
                     [types] (docs/import.md)"
                        .into()
                }),
            );
        }
        kind
    }

    fn missing(&self, problems: &mut Problems, row: &impl Row, col: Col, help: &str) {
        problems.error(
            Code::LedgerMissingValue,
            row.row(),
            row.at(col),
            format!("the `{}` column is empty", col.name()),
            "empty",
            help,
        );
    }

    /// The value of a required column; `help` is built only when missing.
    fn required<'r, R: Row>(
        &self,
        problems: &mut Problems,
        row: &'r R,
        col: Col,
        help: impl FnOnce() -> String,
    ) -> Option<&'r [u8]> {
        let value = row.value(col);
        if value.is_none() {
            self.missing(problems, row, col, &help());
        }
        value
    }

    fn date(
        &self,
        problems: &mut Problems,
        row: &impl Row,
        col: Col,
        what: &str,
        dates: &mut DateCache,
    ) -> Option<NaiveDate> {
        let raw = self.required(problems, row, col, || {
            format!("give the {what}, e.g. `2026-01-05`")
        })?;
        if let Some(date) = dates.get(raw) {
            return Some(date);
        }
        match dialect::parse_date(raw, self.dialect) {
            Ok(date) => {
                dates.put(raw, date);
                Some(date)
            }
            Err(err) => {
                problems.error(
                    Code::LedgerDate,
                    row.row(),
                    row.at(col),
                    format!("{what}: {}", err.message),
                    "not a date",
                    err.help,
                );
                None
            }
        }
    }

    fn reference<'r, R: Row>(&self, problems: &mut Problems, row: &'r R) -> Option<&'r str> {
        let raw = self.required(problems, row, Col::Invoice, || {
            "give the invoice's reference, e.g. `F-2026-001`".into()
        })?;
        match row
            .text(Col::Invoice)
            .map_or_else(|| std::str::from_utf8(raw), Ok)
        {
            Ok(text) => Some(trim(text)),
            Err(_) => {
                problems.error(
                    Code::LedgerSyntax,
                    row.row(),
                    row.at(Col::Invoice),
                    "this field is not UTF-8 text",
                    "not UTF-8",
                    "save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8)",
                );
                None
            }
        }
    }

    /// Starts loading what looking up the row's debtor will read (see
    /// [`DebtorIndex::prefetch`]); a reader calls it a row ahead.
    pub(crate) fn prefetch_debtor(&self, row: &impl Row) {
        if let Some(raw) = row.value(Col::Debtor) {
            self.debtors.prefetch(raw.trim_ascii());
        }
    }

    fn debtor(&self, problems: &mut Problems, row: &impl Row) -> Option<DebtorId> {
        let raw = row.value(Col::Debtor)?.trim_ascii();
        let found = self.debtors.get_bytes(raw);
        if found.is_none() {
            let text = String::from_utf8_lossy(raw);
            let id = text.trim();
            let hint =
                suggest::did_you_mean(id, self.debtors.debtors.iter().map(|d| d.id.as_str()));
            problems.error(
                Code::LedgerUnknownDebtor,
                row.row(),
                row.at(Col::Debtor),
                format!(
                    "the debtor `{}` is not in the debtors file",
                    suggest::short(id)
                ),
                "unknown debtor",
                hint.unwrap_or_else(|| {
                    "add the debtor to the debtors file (id, name, kind), or correct the id".into()
                }),
            );
        }
        found
    }

    /// An amount in the policy's currency, above zero: an invoice's as
    /// written; a payment's or credit note's as the file's sign convention
    /// writes it (`true`: written below zero).
    fn amount(
        &self,
        problems: &mut Problems,
        row: &impl Row,
        invoice: bool,
    ) -> Option<(Decimal, bool)> {
        let what = if invoice {
            "an invoice"
        } else {
            "a payment or credit note"
        };
        let raw = self.required(problems, row, Col::Amount, || {
            format!("{what} row needs its amount")
        })?;
        let parsed = match dialect::parse_cents(raw, self.dialect) {
            Some(amount) => Ok((amount, None)),
            None => dialect::parse_money(raw, self.dialect),
        };
        let (amount, written_code) = match parsed {
            // Amounts carry the currency's cents whatever the file wrote
            // (`250`, `250.0` in JSON): `250.00` in every output.
            Ok((amount, code)) => (with_cents(amount), code),
            Err(err) => {
                problems.error(
                    Code::LedgerAmount,
                    row.row(),
                    row.at(Col::Amount),
                    format!("amount: {}", err.message),
                    "not an amount",
                    err.help,
                );
                return None;
            }
        };
        // Not `amount < Decimal::ZERO`: comparing decimals of different
        // scales rescales one, a fiftieth of reading a ledger (callgrind).
        let negative = amount.is_sign_negative() && !amount.is_zero();
        let wrong_sign = if invoice {
            negative
        } else {
            match self.signs {
                Signs::Auto => false,
                Signs::Positive => negative,
                Signs::Negative => !negative && !amount.is_zero(),
            }
        };
        if amount.is_zero() || wrong_sign {
            let help = if invoice {
                "an invoice's amount is above zero; a credit note (avoir) is a `credit_note` row \
                 on the invoice it credits"
            } else if self.signs == Signs::Negative {
                "book.toml says `signs = \"negative\"`: this file writes payments and credit \
                 notes below zero"
            } else {
                "book.toml says `signs = \"positive\"`: this file writes payments and credit \
                 notes above zero"
            };
            problems.error(
                Code::LedgerAmountNotPositive,
                row.row(),
                row.at(Col::Amount),
                if amount.is_zero() {
                    "the amount is zero".to_string()
                } else if negative {
                    format!("the amount is below zero, found {amount}")
                } else {
                    format!("the amount is above zero, found {amount}")
                },
                if amount.is_zero() {
                    "zero"
                } else if negative {
                    "negative"
                } else {
                    "positive"
                },
                if amount.is_zero() {
                    "a row with no amount settles nothing: drop it, or give its amount"
                } else {
                    help
                },
            );
            return None;
        }
        if above_max(amount) {
            problems.error(
                Code::LedgerAmount,
                row.row(),
                row.at(Col::Amount),
                format!(
                    "the amount {} is above the largest a ledger may carry ({} {})",
                    suggest::short(&amount.to_string()),
                    super::MAX_AMOUNT,
                    self.currency
                ),
                "too large",
                "amounts are at most 10^13 in the currency (10 000 000 000 000); check for a typo, \
                 an amount in cents, or digits run together with the next column",
            );
            return None;
        }
        let code = match row.value(Col::Currency) {
            Some(raw) => Some(String::from_utf8_lossy(raw).trim().to_uppercase()),
            None => written_code,
        };
        if let Some(code) = code
            && code != self.currency
        {
            let known = crate::vocab::currency(&code).is_some();
            let (message, label) = if known {
                (
                    format!("this amount is in {code}, the policy in {}", self.currency),
                    format!("not {}", self.currency),
                )
            } else {
                (
                    format!(
                        "`{}` is not an ISO 4217 currency code",
                        suggest::short(&code)
                    ),
                    "not a currency code".to_string(),
                )
            };
            let at = if row.value(Col::Currency).is_some() {
                row.at(Col::Currency)
            } else {
                row.at(Col::Amount)
            };
            problems.error(
                Code::LedgerCurrency,
                row.row(),
                at,
                message,
                label,
                format!(
                    "the simulation converts nothing: give this amount in {} (or leave `currency` empty for the policy's)",
                    self.currency
                ),
            );
            return None;
        }
        Some((amount.abs(), negative))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Invoice,
    Entry(EntryKind),
    Exception(ExceptionKind),
}

/// `text` without the white space around it, as `str::trim`; a reference
/// seldom has any, and looking at its two ends is cheaper than `trim`.
fn trim(text: &str) -> &str {
    let solid = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let bytes = text.as_bytes();
    if solid(bytes.first()) && solid(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// A field's text, trimmed; `None` when empty or not UTF-8.
fn text(raw: Option<&[u8]>) -> Option<Box<str>> {
    let text = std::str::from_utf8(raw?).ok()?.trim();
    (!text.is_empty()).then(|| Box::from(text))
}

impl RowKind {
    pub const ALL: &'static [(&'static str, RowKind)] = &[
        ("invoice", RowKind::Invoice),
        ("payment", RowKind::Entry(EntryKind::Payment)),
        ("credit_note", RowKind::Entry(EntryKind::CreditNote)),
        ("dispute", RowKind::Entry(EntryKind::Dispute)),
        ("resolve", RowKind::Entry(EntryKind::Resolve)),
        ("hold", RowKind::Exception(ExceptionKind::Hold)),
        ("release", RowKind::Exception(ExceptionKind::Release)),
        ("promise", RowKind::Exception(ExceptionKind::Promise)),
        ("instalment", RowKind::Exception(ExceptionKind::Instalment)),
        ("installment", RowKind::Exception(ExceptionKind::Instalment)),
        ("insolvency", RowKind::Exception(ExceptionKind::Insolvency)),
        (
            "acknowledge",
            RowKind::Exception(ExceptionKind::Acknowledge),
        ),
    ];
}

/// `amount` with at least two decimals (the cents of EUR, the currency of
/// the FR, BE and LU books); more decimals are kept as written.
/// Whether `amount` is larger than [`super::MAX_AMOUNT`] (10^13) either
/// way. A mantissa below 10^13 answers no whatever the scale, without the
/// comparison's rescaling: every amount a firm writes.
fn above_max(amount: Decimal) -> bool {
    amount.mantissa().unsigned_abs() >= 10_000_000_000_000 && amount.abs() > super::MAX_AMOUNT
}

pub fn with_cents(mut amount: Decimal) -> Decimal {
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    amount
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_above_the_largest_are_found_whatever_their_scale() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        for (amount, above) in [
            ("10000000000000", false),
            ("-10000000000000.00", false),
            ("10000000000000.01", true),
            ("-10000000000000.0000001", true),
            ("99999999999999", true),
            ("9999999999999.99", false),
            ("0.0000000000000000000000001", false),
            ("123.45", false),
        ] {
            assert_eq!(above_max(d(amount)), above, "{amount}");
            assert_eq!(
                above_max(d(amount)),
                d(amount).abs() > crate::ledger::MAX_AMOUNT
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn references_are_trimmed_as_str_trim_does(text in "[ \t\u{b}\u{c}\r\u{a0}\u{3000}aF0-]{0,8}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }
    }

    #[test]
    fn the_date_cache_gives_back_only_what_was_put_for_the_same_text() {
        let mut cache = DateCache::default();
        let day = |d: u32| NaiveDate::from_ymd_opt(2025, 3, d).unwrap();
        assert_eq!(cache.get(b""), None);
        assert_eq!(cache.get(b"2025-03-01"), None);
        for d in 1..=31 {
            cache.put(format!("2025-03-{d:02}").as_bytes(), day(d));
        }
        for d in 1..=31 {
            let text = format!("2025-03-{d:02}");
            // Kept, or pushed out by another: never another date.
            assert!(
                cache
                    .get(text.as_bytes())
                    .is_none_or(|found| found == day(d))
            );
        }
        cache.put(b"2025-03-05", day(5));
        assert_eq!(cache.get(b"2025-03-05"), Some(day(5)));
        assert_eq!(cache.get(b" 2025-03-05"), None, "another text");
        cache.put(b"a-text-longer-than-a-date", day(1));
        assert_eq!(cache.get(b"a-text-longer-than-a-date"), None);
        assert_eq!(cache.get(b"\0\0\0\0\0\0\0\0\0\0"), None, "an empty slot");
    }
}

//! The ledger: what happened to a firm's receivables (invoices, payments,
//! credit notes, disputes) and who the debtors are, read from the files an
//! accounting package exports (docs/ledger.md).
//!
//! Reading never guesses: every problem becomes a diagnostic with the file,
//! line and column, and a [`Ledger`] exists only when there is no error.
//! The types are compact on purpose: a book of a million invoices must fit
//! in a few hundred megabytes.

pub mod aliases;
mod build;
pub(crate) mod csv_read;
mod debtors;
pub mod dialect;
mod in_order;
mod index;
pub mod input;
pub mod inspect;
mod json;
pub mod mapping;
mod parse;
mod problem;
pub mod progress;
mod radix;
mod split;
mod stretch;
#[cfg(test)]
pub(crate) mod testing;

use crate::amount::Amounts;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::vocab::DebtorKind;

pub use dialect::{Dialect, DialectChoice};

/// The hasher of the ledger's lookup tables: fast, and seeded the same in
/// every run, so that nothing depends on a random seed.
type Hasher = foldhash::fast::FixedState;

/// A debtor's index in [`Ledger::debtors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DebtorId(pub u32);

/// An invoice's index in [`Ledger::invoices`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvoiceId(pub u32);

/// A row of the debtors file.
#[derive(Debug, Clone, PartialEq)]
pub struct Debtor {
    pub id: String,
    pub name: String,
    pub kind: DebtorKind,
    pub country: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The guarantor's (caution's) name; `None`: no guarantor.
    pub guarantor: Option<String>,
    pub guarantor_address: Option<String>,
    /// Columns the contract does not name, by header, for templates.
    pub attributes: Vec<(String, String)>,
    /// The debtor's line in the debtors file.
    pub line: u32,
}

impl Debtor {
    /// The country column as two upper-case letters; anything else is not a
    /// code the law's rules can read (`None`: taken as the jurisdiction's own).
    pub fn country_code(&self) -> Option<[u8; 2]> {
        match self.country.as_deref()?.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
            }
            _ => None,
        }
    }

    pub(crate) fn is_guaranteed(&self) -> bool {
        self.guarantor.is_some()
    }

    /// The value of a column of the debtors file, by its folded name
    /// (lower case, no accents): the contract's columns and the others;
    /// `None` for a column the file does not have.
    pub fn column(&self, folded: &str) -> Option<&str> {
        fn text(value: &Option<String>) -> Option<&str> {
            value.as_deref().or(Some(""))
        }
        match folded {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            "kind" => Some(self.kind.as_str()),
            "country" => text(&self.country),
            "email" => text(&self.email),
            "address" => text(&self.address),
            "guarantor" => text(&self.guarantor),
            "guarantor_address" => text(&self.guarantor_address),
            _ => self
                .attributes
                .iter()
                .find(|(name, _)| crate::suggest::fold(name) == folded)
                .map(|(_, value)| value.as_str()),
        }
    }
}

/// An invoice, with its payments, credit notes and disputes in
/// [`Ledger::entries_of`].
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    /// The reference; kept inline up to 24 bytes (no allocation for a
    /// million typical references).
    pub reference: compact_str::CompactString,
    pub debtor: DebtorId,
    /// The issue date (the `date` of its `invoice` row).
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub amount: Decimal,
    /// The line of its `invoice` row.
    pub line: u32,
    entries: (u32, u32),
}

/// What an entry records about an invoice after its issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Payment,
    CreditNote,
    Dispute,
    Resolve,
}

impl EntryKind {
    /// The word of the ledger's `type` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Payment => "payment",
            EntryKind::CreditNote => "credit_note",
            EntryKind::Dispute => "dispute",
            EntryKind::Resolve => "resolve",
        }
    }

    /// Payments and credit notes lower the balance.
    pub(crate) fn settles(self) -> bool {
        matches!(self, EntryKind::Payment | EntryKind::CreditNote)
    }
}

/// A payment, credit note, dispute or resolution of one invoice. Its extra
/// columns, if the ledger has any, are beside it
/// ([`Ledger::entry_attributes_of`]): 28 bytes instead of 48, for a
/// million entries held twice while a book is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    /// Zero for disputes and resolutions.
    pub amount: Decimal,
    pub line: u32,
}

/// An exception to the regular chase, booked in the ledger (docs/ledger.md,
/// "Exceptions"): on one invoice, or on all of a debtor's (`invoice`
/// `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExceptionKind {
    /// Stop chasing from `date` until `until` (or a release).
    Hold,
    /// Ends a hold early.
    Release,
    /// The debtor promised to pay `amount` (`None`: the whole balance) by
    /// `until`.
    Promise,
    /// One instalment of a payment plan: `amount` due on `due`.
    Instalment,
    /// A collective procedure opened on `date` (a debtor's).
    Insolvency,
    /// The debtor acknowledged the debt in writing.
    Acknowledge,
}

impl ExceptionKind {
    pub const ALL: [ExceptionKind; 6] = [
        ExceptionKind::Hold,
        ExceptionKind::Release,
        ExceptionKind::Promise,
        ExceptionKind::Instalment,
        ExceptionKind::Insolvency,
        ExceptionKind::Acknowledge,
    ];

    /// The word of the ledger's `type` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::Hold => "hold",
            ExceptionKind::Release => "release",
            ExceptionKind::Promise => "promise",
            ExceptionKind::Instalment => "instalment",
            ExceptionKind::Insolvency => "insolvency",
            ExceptionKind::Acknowledge => "acknowledge",
        }
    }
}

/// A hold, release, promise, instalment, insolvency or acknowledgment.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    pub kind: ExceptionKind,
    pub debtor: DebtorId,
    /// `None`: every invoice of the debtor (those issued later included).
    pub invoice: Option<InvoiceId>,
    pub date: NaiveDate,
    /// A hold's or promise's last day; the deadline an insolvency
    /// judgment sets.
    pub until: Option<NaiveDate>,
    /// A promise's or instalment's amount (`None` on a promise: the whole
    /// balance).
    pub amount: Option<Decimal>,
    /// An instalment's due date.
    pub due: Option<NaiveDate>,
    pub reason: Option<Box<str>>,
    /// An insolvency's procedure, as the law packs name it
    /// ([`crate::law::insolvency::procedure`]).
    pub procedure: Option<&'static str>,
    /// The day an insolvency was published (BODACC, Moniteur belge, RESA).
    pub published: Option<NaiveDate>,
    pub line: u32,
}

impl Exception {
    /// Whether it concerns `invoice` (its own, or its debtor's).
    pub fn covers(&self, invoice: InvoiceId) -> bool {
        self.invoice.is_none_or(|i| i == invoice)
    }
}

/// A firm's book: debtors, invoices and what happened to them.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub debtors: Vec<Debtor>,
    pub invoices: Vec<Invoice>,
    /// Every invoice's entries, grouped by invoice, each group in date order.
    entries: Vec<Entry>,
    /// The entries' extra columns, aligned with `entries`; empty when the
    /// ledger has no extra columns.
    entry_attributes: Vec<Box<[Box<str>]>>,
    /// The invoices' extra columns, aligned with `invoices`; empty when
    /// the ledger has no extra columns. Beside the invoices rather than in
    /// them: 16 bytes less for each of a million invoices.
    invoice_attributes: Vec<Box<[Box<str>]>>,
    /// Names of the ledger's extra columns.
    pub attribute_names: Vec<String>,
    /// The currency every amount is in.
    pub currency: &'static str,
    /// How the ledger file was read.
    pub dialect: Option<Dialect>,
    /// Holds, promises, plans, insolvencies and acknowledgments, by debtor
    /// then date (then line).
    pub exceptions: Vec<Exception>,
    /// The reasons given on `dispute` rows: (invoice, day, reason), in
    /// invoice then date order.
    pub dispute_reasons: Vec<(InvoiceId, NaiveDate, Box<str>)>,
}

impl Ledger {
    pub fn invoice(&self, id: InvoiceId) -> &Invoice {
        &self.invoices[id.0 as usize]
    }

    pub fn debtor(&self, id: DebtorId) -> &Debtor {
        &self.debtors[id.0 as usize]
    }

    /// The invoice's payments, credit notes and disputes, in date order.
    pub fn entries_of(&self, invoice: &Invoice) -> &[Entry] {
        let (start, len) = invoice.entries;
        self.entries
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    /// The extra columns of an invoice of this ledger, by name (none when
    /// the ledger has no extra columns).
    pub fn invoice_attributes<'a>(
        &'a self,
        invoice: &Invoice,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        // Invoices are in reference order, each reference once.
        let at = self
            .invoices
            .partition_point(|i| i.reference < invoice.reference);
        let values = self
            .invoice_attributes
            .get(at)
            .filter(|_| self.invoices.get(at).map(|i| &i.reference) == Some(&invoice.reference))
            .map_or(&[][..], |v| &**v);
        self.attributes(values)
    }

    /// The extra columns of the invoice's entries, aligned with
    /// [`Ledger::entries_of`]; empty when the ledger has no extra columns.
    pub fn entry_attributes_of(&self, invoice: &Invoice) -> &[Box<[Box<str>]>] {
        let (start, len) = invoice.entries;
        self.entry_attributes
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    /// The extra columns of an invoice or entry, by name.
    pub fn attributes<'a>(
        &'a self,
        values: &'a [Box<str>],
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.attribute_names
            .iter()
            .map(String::as_str)
            .zip(values.iter().map(|v| &**v))
    }

    /// Number of rows the book was read from.
    pub fn rows(&self) -> usize {
        self.invoices.len() + self.entries.len() + self.exceptions.len()
    }

    /// The debtor's exceptions (on its invoices or on itself), in date order.
    pub fn exceptions_of_debtor(&self, debtor: DebtorId) -> &[Exception] {
        let start = self.exceptions.partition_point(|e| e.debtor < debtor);
        let end = self.exceptions.partition_point(|e| e.debtor <= debtor);
        &self.exceptions[start..end]
    }

    /// The exceptions that concern an invoice (its own and its debtor's),
    /// in date order.
    pub fn exceptions_for(
        &self,
        id: InvoiceId,
        invoice: &Invoice,
    ) -> impl Iterator<Item = &Exception> + '_ {
        self.exceptions_of_debtor(invoice.debtor)
            .iter()
            .filter(move |e| e.covers(id))
    }

    /// The reason given when the invoice was disputed on `day`, if any.
    pub(crate) fn dispute_reason(&self, id: InvoiceId, day: NaiveDate) -> Option<&str> {
        let at = self
            .dispute_reasons
            .partition_point(|(i, d, _)| (*i, *d) < (id, day));
        self.dispute_reasons
            .get(at)
            .filter(|(i, d, _)| *i == id && *d == day)
            .map(|(_, _, r)| &**r)
    }

    /// The invoice's principal at the end of each day it changed: `(issue
    /// date, amount)`, then the balance after each day's payments and credit
    /// notes (never below zero). What interest is computed on.
    pub(crate) fn balance_timeline(&self, invoice: &Invoice) -> Vec<(NaiveDate, Decimal)> {
        let mut timeline = vec![(invoice.issued, invoice.amount)];
        let mut balance = invoice.amount;
        for entry in self.entries_of(invoice).iter().filter(|e| e.kind.settles()) {
            balance = balance.saturating_sub(entry.amount).max(Decimal::ZERO);
            let day = entry.date.max(invoice.issued);
            match timeline.last_mut() {
                Some(last) if last.0 == day => last.1 = balance,
                _ => timeline.push((day, balance)),
            }
        }
        timeline
    }

    /// The invoice's outstanding balance at the end of `day`: its amount
    /// less the payments and credit notes booked up to that day (never
    /// below zero), or zero before its issue.
    pub fn balance_on(&self, invoice: &Invoice, day: NaiveDate) -> Decimal {
        if day < invoice.issued {
            return Decimal::ZERO;
        }
        let settled: Decimal = self
            .entries_of(invoice)
            .iter()
            .take_while(|e| e.date <= day)
            .filter(|e| e.kind.settles())
            .map(|e| e.amount)
            .total();
        invoice.amount.saturating_sub(settled).max(Decimal::ZERO)
    }
}

/// How to read a ledger.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub dialect: DialectChoice,
    /// The policy's currency: every amount must be in it.
    pub currency: &'static str,
    /// Ticked with bytes read (hidden unless on a terminal).
    pub progress: Option<progress::Handle>,
    /// How CSV files' bytes are text (`--encoding`).
    pub encoding: input::EncodingChoice,
    /// The workbook sheet holding the ledger (`--sheet`) [default: the first].
    pub sheet: Option<String>,
    /// The mapping file (`--map`) [default: `book.toml` beside the ledger].
    pub map: Option<PathBuf>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            dialect: DialectChoice::Auto,
            currency: "EUR",
            progress: None,
            encoding: input::EncodingChoice::Auto,
            sheet: None,
            map: None,
        }
    }
}

/// What reading found: the ledger when there was no error, and every
/// diagnostic (warnings included) either way.
#[derive(Debug)]
pub struct Loaded {
    pub ledger: Option<Ledger>,
    pub diagnostics: Diagnostics,
}

/// At most this many problems are reported per file; the rest are counted.
pub(crate) const MAX_PROBLEMS: usize = 500;

/// The largest amount a ledger row may carry, in the currency (10^13: ten
/// thousand billion euros, more than any invoice a firm issues). Bounding
/// amounts where they are read keeps every sum, product and interest of the
/// book far inside `Decimal`'s range (about 7.9 × 10^28): a book would need
/// more than 10^15 rows to reach it (see docs/ledger.md).
pub(crate) const MAX_AMOUNT: rust_decimal::Decimal =
    rust_decimal::Decimal::from_parts(1_316_134_912, 2_328, 0, false, 0);

/// Reads a debtors file alone (CSV in either dialect and any encoding, or
/// a workbook): what `policy check --debtors` checks a policy's conditions
/// against.
pub(crate) fn read_debtors(
    path: &Path,
    choice: DialectChoice,
) -> Result<(Vec<Debtor>, Diagnostics), Diagnostic> {
    let (index, diagnostics) = debtors::read_csv(path, choice)?;
    Ok((index.into_debtors(), diagnostics))
}

/// Reads a ledger (CSV in either dialect and any encoding, an `.xlsx`,
/// `.ods` or `.xls` workbook, or JSON when the file is `*.json` or starts
/// with `{`) and its debtors, their columns and types named as the mapping
/// (`book.toml` beside the ledger, or `options.map`) says. `debtors`
/// defaults to `debtors.csv` beside the ledger (a JSON ledger may carry its
/// debtors instead).
///
/// `Err` is an I/O failure (a file that cannot be read, no debtors file):
/// nothing was checked. `Ok` holds the ledger if the files have no error.
pub fn read(
    ledger_path: &Path,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
) -> Result<Loaded, Diagnostic> {
    let failed = |diagnostics: Diagnostics| Loaded {
        ledger: None,
        diagnostics,
    };
    // The ledger first: a missing ledger is not a missing debtors file.
    let format = input::format_of(ledger_path)?;
    let map = match mapping::BookMap::find(ledger_path, options.map.as_deref()) {
        Ok(map) => map.unwrap_or_default(),
        Err(mapping::Failure::Io(d)) => return Err(d),
        Err(mapping::Failure::Data(d)) => return Ok(failed(d)),
    };
    if format == input::Format::Json {
        return json::read(ledger_path, debtors_path, options);
    }
    let encoding = map
        .encoding
        .as_deref()
        .and_then(input::EncodingChoice::from_label)
        .filter(|_| options.encoding == input::EncodingChoice::Auto)
        .unwrap_or(options.encoding);
    let sheet = options.sheet.as_deref().or(map.sheet.as_deref());
    // The ledger is prepared (a workbook converted; a CSV file's encoding
    // is checked as it is read) while the debtors file is read; its
    // failures still come first.
    let (prepared, debtors) = std::thread::scope(|scope| {
        let ledger = scope.spawn(|| input::prepare_lazily(ledger_path, encoding, sheet));
        let debtors = debtors_file(ledger_path, debtors_path).map(|path| {
            input::prepare(&path, encoding, map.debtors_sheet.as_deref())
                .map(|prepared| debtors::read_prepared(&prepared, options.dialect, &map))
        });
        (index::join(ledger), debtors)
    });
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(input::Failure::Io(d)) => return Err(d),
        Err(input::Failure::Data(d)) => return Ok(failed(Diagnostics::from(vec![d]))),
    };
    let (debtors, mut diagnostics) = match debtors? {
        Ok(read) => read?,
        Err(input::Failure::Io(d)) => return Err(d),
        Err(input::Failure::Data(d)) => return Ok(failed(Diagnostics::from(vec![d]))),
    };
    if debtors.debtors.is_empty() && diagnostics.has_errors() {
        // Every debtor of the ledger would be "unknown": that is noise.
        return Ok(failed(diagnostics));
    }
    let loaded = csv_read::read(&prepared, debtors, options, &map)?;
    diagnostics.extend(loaded.diagnostics);
    Ok(Loaded {
        ledger: loaded.ledger.filter(|_| !diagnostics.has_errors()),
        diagnostics,
    })
}

/// The debtors file: as given, else `debtors.csv` beside the ledger.
pub fn debtors_file(ledger: &Path, given: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(path) = given {
        return Ok(path.to_path_buf());
    }
    let beside = ledger
        .parent()
        .unwrap_or(Path::new("."))
        .join("debtors.csv");
    if beside.is_file() {
        return Ok(beside);
    }
    Err(Diagnostic::error(
        Code::LedgerNoDebtors,
        format!(
            "no debtors file for `{}`: `--debtors` is not given and there is no `{}`",
            ledger.display(),
            beside.display()
        ),
    )
    .with_help("give the debtors file with `--debtors debtors.csv` (columns id, name, kind, …; see docs/ledger.md)")
    .in_path(ledger.display().to_string()))
}

pub use build::{Builder, DisputePeriod, DisputeProblem, disputes};
pub use debtors::{DebtorIndex, columns as debtor_columns};
pub use parse::with_cents;

impl Ledger {
    /// The invoice's dispute periods, in date order.
    pub(crate) fn disputes_of(&self, invoice: &Invoice) -> Vec<DisputePeriod> {
        disputes(self.entries_of(invoice), |_, _| {})
    }
}

//! Rows → [`Ledger`]: parses the values of each row (whatever file it came
//! from), then checks what only the whole book can tell (unknown or
//! duplicate invoices, entries before the issue, overpayments, disputes).
//! Rows may come in any order: the ledger is the same.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::problem::{FieldAt, Problem, Problems, RowAt};
use super::{DebtorId, DebtorIndex, Dialect, Entry, EntryKind, Invoice, Ledger, dialect};
use crate::diagnostic::{Code, Severity};
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
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Date => "date",
            Col::Type => "type",
            Col::Invoice => "invoice",
            Col::Debtor => "debtor",
            Col::Amount => "amount",
            Col::Due => "due",
            Col::Currency => "currency",
        }
    }
}

/// One row of a ledger, whatever its file.
pub trait Row {
    /// The value of a column; `None` when absent or blank.
    fn value(&self, col: Col) -> Option<&[u8]>;
    fn at(&self, col: Col) -> FieldAt;
    fn row(&self) -> RowAt;
    /// The extra columns' values; `None` after reporting a bad one.
    fn attributes(&self, problems: &mut Problems) -> Option<Box<[Box<str>]>>;
}

/// What a row says about an invoice, before the invoice is known.
#[derive(Debug)]
struct RawEntry {
    invoice: u32,
    entry: Entry,
    debtor: Option<DebtorId>,
    row: RowAt,
}

/// An entry whose invoice had not been read yet.
#[derive(Debug)]
struct Pending {
    reference: Box<str>,
    raw: RawEntry,
}

/// Builds a ledger from rows, collecting problems.
pub struct Builder {
    debtors: Arc<DebtorIndex>,
    /// Reused for the reference of rows added one by one.
    arena: Vec<u8>,
    currency: &'static str,
    dialect: Dialect,
    /// CSV: the file index of each [`Col`], for problems found after reading.
    columns: Option<[Option<usize>; 7]>,
    pub attribute_names: Vec<String>,
    invoices: Vec<Invoice>,
    /// Where each invoice row is, by invoice index.
    invoice_rows: Vec<RowAt>,
    index: super::index::KeyIndex,
    entries: Vec<RawEntry>,
    pending: Vec<Pending>,
    problems: Problems,
}

impl Builder {
    pub fn new(
        debtors: DebtorIndex,
        currency: &'static str,
        dialect: Dialect,
        columns: Option<[Option<usize>; 7]>,
    ) -> Self {
        Builder {
            debtors: Arc::new(debtors),
            arena: Vec::new(),
            currency,
            dialect,
            columns,
            attribute_names: Vec::new(),
            invoices: Vec::new(),
            invoice_rows: Vec::new(),
            index: super::index::KeyIndex::default(),
            entries: Vec::new(),
            pending: Vec::new(),
            problems: Problems::default(),
        }
    }

    pub fn problems(&mut self) -> &mut Problems {
        &mut self.problems
    }

    /// How to parse rows for this builder (shareable with a thread).
    pub fn parser(&self) -> Parser {
        Parser {
            debtors: Arc::clone(&self.debtors),
            currency: self.currency,
            dialect: self.dialect,
        }
    }

    /// Reads one row; its problems are recorded, the row dropped if any.
    pub fn add(&mut self, row: &impl Row) {
        let parser = self.parser();
        let mut arena = std::mem::take(&mut self.arena);
        arena.clear();
        if let Some(parsed) = parser.parse(row, &mut arena, &mut self.problems) {
            self.add_parsed(parsed, &arena);
        }
        self.arena = arena;
    }

    /// Adds a parsed row (its reference at `parsed.reference` in `arena`).
    pub fn add_parsed(&mut self, parsed: Parsed, arena: &[u8]) {
        let reference = arena
            .get(parsed.reference.clone())
            .and_then(|r| std::str::from_utf8(r).ok())
            .unwrap_or("");
        let at = parsed.row;
        match parsed.kind {
            RowKind::Invoice => self.invoice(reference, parsed),
            RowKind::Entry(kind) => {
                let raw = RawEntry {
                    invoice: u32::MAX,
                    entry: Entry {
                        date: parsed.date,
                        kind,
                        amount: parsed.amount,
                        line: at.line,
                        attributes: parsed.attributes,
                    },
                    debtor: parsed.debtor,
                    row: at,
                };
                match self.find(reference) {
                    Some(invoice) => self.entries.push(RawEntry { invoice, ..raw }),
                    None => self.pending.push(Pending {
                        reference: Box::from(reference),
                        raw,
                    }),
                }
            }
        }
    }

    /// The index of the invoice with this reference.
    fn find(&self, reference: &str) -> Option<u32> {
        let invoices = &self.invoices;
        self.index.get(reference.as_bytes(), |i| {
            invoices[i as usize].reference.as_bytes()
        })
    }

    /// Sizes the tables for a file of `bytes` bytes: rows are about 45
    /// bytes, about half of them invoices. A good guess saves copying a
    /// half-built book to a bigger vector.
    pub fn reserve(&mut self, bytes: u64) {
        let rows = usize::try_from(bytes / 45).unwrap_or(0).min(50_000_000);
        let half = rows / 2 + rows / 16;
        self.index = super::index::KeyIndex::with_capacity(half);
        self.invoices.reserve(half);
        self.invoice_rows.reserve(half);
        self.entries.reserve(half);
    }

    fn invoice(&mut self, reference: &str, parsed: Parsed) {
        let at = parsed.row;
        // Exports usually list invoices in reference order: a reference above
        // every earlier one is new without a lookup.
        let ascending = self
            .invoices
            .last()
            .is_none_or(|last| *last.reference < *reference);
        if let Some(first) = (!ascending).then(|| self.find(reference)).flatten() {
            let first_line = self.invoice_rows[first as usize].line;
            self.problems.error(
                Code::LedgerDuplicateInvoice,
                at,
                parsed.invoice_at,
                format!("the invoice `{reference}` is issued twice"),
                format!("already issued on line {first_line}"),
                "an invoice has one `invoice` row; a correction is a `credit_note`, a new invoice needs its own reference",
            );
            return;
        }
        let id = u32::try_from(self.invoices.len()).unwrap_or(u32::MAX);
        let invoices = &self.invoices;
        self.index.insert(reference.as_bytes(), id, |i| {
            invoices[i as usize].reference.as_bytes()
        });
        self.invoices.push(Invoice {
            reference: compact_str::CompactString::new(reference),
            debtor: parsed.debtor.unwrap_or(DebtorId(u32::MAX)),
            issued: parsed.date,
            due: parsed.due,
            amount: parsed.amount,
            line: at.line,
            attributes: parsed.attributes,
            entries: (0, 0),
        });
        self.invoice_rows.push(at);
    }

    fn field_at(&self, col: Col) -> FieldAt {
        match self.columns {
            Some(columns) => columns[col as usize].map_or(FieldAt::Row, FieldAt::Column),
            None => FieldAt::Row,
        }
    }

    /// Checks the whole book and builds the ledger (when there is no error).
    pub fn finish(mut self) -> (Option<Ledger>, Problems) {
        // Entries read before their invoice.
        for Pending { reference, raw } in std::mem::take(&mut self.pending) {
            match self.find(&reference) {
                Some(invoice) => self.entries.push(RawEntry { invoice, ..raw }),
                None => {
                    let hint = suggest::did_you_mean(
                        &reference,
                        self.invoices.iter().map(|i| &*i.reference).take(10_000),
                    );
                    self.problems.error(
                        Code::LedgerUnknownInvoice,
                        raw.row,
                        self.field_at(Col::Invoice),
                        format!(
                            "this {} is for the invoice `{}`, which the ledger does not issue",
                            raw.entry.kind.as_str().replace('_', " "),
                            suggest::short(&reference)
                        ),
                        "no `invoice` row has this reference",
                        hint.unwrap_or_else(|| {
                            "add the invoice's `invoice` row, or correct the reference".into()
                        }),
                    );
                }
            }
        }
        self.index = super::index::KeyIndex::default(); // no longer needed: free it early
        let order = self.canonical_order();
        let mut entries = std::mem::take(&mut self.entries);
        for raw in &mut entries {
            raw.invoice = order[raw.invoice as usize];
        }
        self.check_debtors(&entries);
        // Group by invoice (counting sort), then date order in each group.
        let n = self.invoices.len();
        let mut starts = vec![0u32; n + 1];
        for raw in &entries {
            starts[raw.invoice as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        // Rows come by date, so entries are nearly grouped already: a stable
        // sort by invoice keeps each group's date order.
        entries.sort_by_key(|r| r.invoice);
        let mut grouped = entries;
        for i in 0..n {
            let group = &mut grouped[starts[i] as usize..starts[i + 1] as usize];
            if !group.is_sorted_by_key(|r| entry_key(&r.entry)) {
                group.sort_by_key(|r| entry_key(&r.entry));
            }
            self.invoices[i].entries = (starts[i], starts[i + 1] - starts[i]);
            self.check_invoice(i, group);
        }
        if self.problems.has_errors() {
            return (None, self.problems);
        }
        let ledger = Ledger {
            debtors: Arc::try_unwrap(self.debtors)
                .map_or_else(|shared| shared.debtors.clone(), DebtorIndex::into_debtors),
            invoices: self.invoices,
            entries: grouped.into_iter().map(|r| r.entry).collect(),
            attribute_names: self.attribute_names,
            currency: self.currency,
            dialect: Some(self.dialect),
        };
        (Some(ledger), self.problems)
    }

    /// Sorts the invoices by reference, so that a ledger's meaning does not
    /// depend on the order of its rows; returns old index → new index.
    fn canonical_order(&mut self) -> Vec<u32> {
        let n = self.invoices.len();
        let identity: Vec<u32> = (0..n as u32).collect();
        if self
            .invoices
            .is_sorted_by(|a, b| a.reference <= b.reference)
        {
            return identity;
        }
        let mut by_rank = identity;
        by_rank.sort_unstable_by(|&a, &b| {
            self.invoices[a as usize]
                .reference
                .cmp(&self.invoices[b as usize].reference)
        });
        let mut rank_of = vec![0u32; n];
        for (rank, &old) in by_rank.iter().enumerate() {
            rank_of[old as usize] = rank as u32;
        }
        let mut old: Vec<Option<Invoice>> = std::mem::take(&mut self.invoices)
            .into_iter()
            .map(Some)
            .collect();
        let rows = std::mem::take(&mut self.invoice_rows);
        self.invoices = by_rank
            .iter()
            .filter_map(|&i| old[i as usize].take())
            .collect();
        self.invoice_rows = by_rank.iter().map(|&i| rows[i as usize]).collect();
        rank_of
    }

    /// An entry naming a debtor must name its invoice's.
    fn check_debtors(&mut self, entries: &[RawEntry]) {
        for raw in entries {
            let Some(debtor) = raw.debtor else { continue };
            let invoice = &self.invoices[raw.invoice as usize];
            if invoice.debtor != debtor {
                let expected = self.debtors.debtors[invoice.debtor.0 as usize].id.clone();
                let found = self.debtors.debtors[debtor.0 as usize].id.clone();
                self.problems.error(
                    Code::LedgerDebtorMismatch,
                    raw.row,
                    self.field_at(Col::Debtor),
                    format!(
                        "this {} names the debtor `{found}`, but the invoice `{}` is `{expected}`'s",
                        raw.entry.kind.as_str().replace('_', " "),
                        invoice.reference
                    ),
                    format!("not `{expected}`"),
                    "leave `debtor` empty on payments and credit notes (they take the invoice's), or correct the invoice reference",
                );
            }
        }
    }

    /// What only an invoice's whole history tells.
    fn check_invoice(&mut self, index: usize, group: &[RawEntry]) {
        let invoice = &self.invoices[index];
        let (issued, amount) = (invoice.issued, invoice.amount);
        let reference = invoice.reference.clone();
        let mut settled = Decimal::ZERO;
        let mut overpaid = false;
        for raw in group {
            let entry = &raw.entry;
            if entry.date < issued {
                self.problems.error(
                    Code::LedgerBeforeIssue,
                    raw.row,
                    self.field_at(Col::Date),
                    format!(
                        "this {} is dated {}, before the invoice `{reference}` was issued on {issued}",
                        entry.kind.as_str().replace('_', " "),
                        entry.date
                    ),
                    "before the issue date",
                    "check the date (the year?); a payment on account before the invoice is booked on the invoice's date",
                );
            }
            if entry.kind.settles() {
                settled += entry.amount;
                if settled > amount && !overpaid {
                    overpaid = true;
                    self.problems.push(Problem {
                        severity: Severity::Warning,
                        code: Code::LedgerOverpayment,
                        message: format!(
                            "the invoice `{reference}` of {amount} is paid {settled} by this {}",
                            entry.kind.as_str().replace('_', " ")
                        ),
                        help: format!(
                            "{} too much: the simulation counts the invoice as paid; book the excess as a refund or on another invoice",
                            settled - amount
                        ),
                        label: "more than the balance".into(),
                        row: raw.row,
                        field: self.field_at(Col::Amount),
                    });
                }
            }
        }
        if !group
            .iter()
            .any(|r| matches!(r.entry.kind, EntryKind::Dispute | EntryKind::Resolve))
        {
            return;
        }
        let mut problems = Vec::new();
        disputes(group.iter().map(|r| &r.entry), |problem, entry| {
            problems.push((problem, entry.line))
        });
        for (problem, line) in problems {
            let row = group
                .iter()
                .find(|r| r.entry.line == line)
                .map_or(RowAt::default(), |r| r.row);
            let (message, help) = match problem {
                DisputeProblem::ResolveWithoutDispute => (
                    format!("the invoice `{reference}` is resolved but not disputed"),
                    "a `resolve` row ends a `dispute` row booked earlier for the same invoice; add the dispute or remove this row",
                ),
                DisputeProblem::AlreadyDisputed => (
                    format!(
                        "the invoice `{reference}` is disputed again before the dispute is resolved"
                    ),
                    "book a `resolve` row between two disputes; the first dispute is the one that counts",
                ),
            };
            let severity = match problem {
                DisputeProblem::ResolveWithoutDispute => Severity::Error,
                DisputeProblem::AlreadyDisputed => Severity::Warning,
            };
            self.problems.push(Problem {
                severity,
                code: Code::LedgerDispute,
                message,
                help: help.into(),
                label: "here".into(),
                row,
                field: self.field_at(Col::Type),
            });
        }
    }
}

/// A row's values, parsed and checked against the debtors, before the book
/// is consulted.
#[derive(Debug)]
pub struct Parsed {
    row: RowAt,
    kind: RowKind,
    date: NaiveDate,
    /// Where the invoice reference is in the caller's arena.
    reference: std::ops::Range<usize>,
    invoice_at: FieldAt,
    /// Always there on invoices; on other rows only when given.
    debtor: Option<DebtorId>,
    /// Zero for disputes and resolutions.
    amount: Decimal,
    /// The due date of an invoice (its date on other rows).
    due: NaiveDate,
    attributes: Box<[Box<str>]>,
}

/// Parses rows: everything about a row that needs no other row. Apart from
/// the builder so that it can run on its own thread.
#[derive(Debug, Clone)]
pub struct Parser {
    debtors: Arc<DebtorIndex>,
    currency: &'static str,
    dialect: Dialect,
}

impl Parser {
    /// The row's values, its reference appended to `arena`; `None` after
    /// recording its problems.
    pub fn parse(
        &self,
        row: &impl Row,
        arena: &mut Vec<u8>,
        problems: &mut Problems,
    ) -> Option<Parsed> {
        let at = row.row();
        let errors_before = problems.errors;
        let kind = self.kind(problems, row);
        let date = self.date(problems, row, Col::Date, "date");
        let reference = self.reference(problems, row);
        let kind = kind?;
        let (debtor, amount, due) = match kind {
            RowKind::Invoice => {
                let debtor = self
                    .required(problems, row, Col::Debtor, || {
                        "an invoice row needs the debtor's id".into()
                    })
                    .and_then(|_| self.debtor(problems, row));
                let amount = self.amount(problems, row, true);
                let due = self.date(problems, row, Col::Due, "due date");
                (debtor, amount, due)
            }
            RowKind::Entry(kind) => {
                let amount = if kind.settles() {
                    self.amount(problems, row, false)
                } else {
                    Some(Decimal::ZERO)
                };
                let debtor = match row.value(Col::Debtor) {
                    Some(_) => self.debtor(problems, row),
                    None => None,
                };
                (debtor, amount, date)
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
        let start = arena.len();
        arena.extend_from_slice(reference.as_bytes());
        Some(Parsed {
            row: at,
            kind,
            date,
            reference: start..arena.len(),
            invoice_at: row.at(Col::Invoice),
            debtor,
            amount,
            due,
            attributes,
        })
    }

    fn kind(&self, problems: &mut Problems, row: &impl Row) -> Option<RowKind> {
        let Some(raw) = row.value(Col::Type) else {
            self.missing(
                problems,
                row,
                Col::Type,
                "every row has a type: invoice, payment, credit_note, dispute or resolve",
            );
            return None;
        };
        let kind = match raw.trim_ascii() {
            b"invoice" => Some(RowKind::Invoice),
            b"payment" => Some(RowKind::Entry(EntryKind::Payment)),
            b"credit_note" => Some(RowKind::Entry(EntryKind::CreditNote)),
            b"dispute" => Some(RowKind::Entry(EntryKind::Dispute)),
            b"resolve" => Some(RowKind::Entry(EntryKind::Resolve)),
            other => {
                let word = String::from_utf8_lossy(other)
                    .trim()
                    .to_lowercase()
                    .replace([' ', '-'], "_");
                RowKind::ALL
                    .iter()
                    .find(|(w, _)| *w == word)
                    .map(|(_, k)| *k)
            }
        };
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
                    "the type is `invoice`, `payment`, `credit_note`, `dispute` or `resolve`".into()
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
    ) -> Option<NaiveDate> {
        let raw = self.required(problems, row, col, || {
            format!("give the {what}, e.g. `2026-01-05`")
        })?;
        match dialect::parse_date(raw, self.dialect) {
            Ok(date) => Some(date),
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
        match std::str::from_utf8(raw) {
            Ok(text) => Some(text.trim()),
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

    /// A positive amount in the policy's currency.
    fn amount(&self, problems: &mut Problems, row: &impl Row, invoice: bool) -> Option<Decimal> {
        let what = if invoice {
            "an invoice"
        } else {
            "a payment or credit note"
        };
        let raw = self.required(problems, row, Col::Amount, || {
            format!("{what} row needs its amount")
        })?;
        let amount = match dialect::parse_amount(raw, self.dialect) {
            Ok(amount) => amount,
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
        if amount <= Decimal::ZERO {
            problems.error(
                Code::LedgerAmountNotPositive,
                row.row(),
                row.at(Col::Amount),
                format!("the amount must be above zero, found {amount}"),
                if amount.is_zero() { "zero" } else { "negative" },
                "amounts are positive; a refund or correction is a `credit_note` with a positive amount",
            );
            return None;
        }
        if let Some(raw) = row.value(Col::Currency) {
            let code = String::from_utf8_lossy(raw).trim().to_uppercase();
            if code != self.currency {
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
                problems.error(
                    Code::LedgerCurrency,
                    row.row(),
                    row.at(Col::Currency),
                    message,
                    label,
                    format!(
                        "the simulation converts nothing: give this amount in {} (or leave `currency` empty for the policy's)",
                        self.currency
                    ),
                );
                return None;
            }
        }
        Some(amount)
    }
}

/// Entries of one invoice in date order; on one day, settlements before
/// disputes. Deterministic whatever the rows' order.
fn entry_key(entry: &Entry) -> (NaiveDate, EntryKind, Decimal, u32) {
    (entry.date, entry.kind, entry.amount, entry.line)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Invoice,
    Entry(EntryKind),
}

impl RowKind {
    const ALL: &'static [(&'static str, RowKind)] = &[
        ("invoice", RowKind::Invoice),
        ("payment", RowKind::Entry(EntryKind::Payment)),
        ("credit_note", RowKind::Entry(EntryKind::CreditNote)),
        ("dispute", RowKind::Entry(EntryKind::Dispute)),
        ("resolve", RowKind::Entry(EntryKind::Resolve)),
    ];
}

/// What is wrong in a sequence of disputes and resolutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeProblem {
    ResolveWithoutDispute,
    AlreadyDisputed,
}

/// A dispute: from its first day to the day it is resolved (`None`: still
/// open). Nothing fires from `start` until `end`, and the clock stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputePeriod {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// The dispute periods of an invoice's entries (in date order), reading each
/// day as a whole so that the rows' order within a day does not matter: on
/// a day with both a dispute and a resolution, an undisputed invoice stays
/// undisputed (a dispute settled the same day) and a disputed one stays
/// disputed. Periods of zero days are dropped.
pub fn disputes<'e>(
    entries: impl IntoIterator<Item = &'e Entry>,
    mut on_problem: impl FnMut(DisputeProblem, &'e Entry),
) -> Vec<DisputePeriod> {
    let mut periods = Vec::new();
    let mut open: Option<NaiveDate> = None;
    let mut day: Option<(NaiveDate, Option<&Entry>, Option<&Entry>)> = None;
    let mut close_day = |day: (NaiveDate, Option<&'e Entry>, Option<&'e Entry>),
                         open: &mut Option<NaiveDate>,
                         periods: &mut Vec<DisputePeriod>| {
        let (date, dispute, resolve) = day;
        match (*open, dispute, resolve) {
            (None, Some(_), None) => *open = Some(date),
            (None, None, Some(r)) => on_problem(DisputeProblem::ResolveWithoutDispute, r),
            (None, _, _) => {}
            (Some(start), None, Some(_)) => {
                periods.push(DisputePeriod {
                    start,
                    end: Some(date),
                });
                *open = None;
            }
            (Some(_), Some(d), None) => on_problem(DisputeProblem::AlreadyDisputed, d),
            (Some(_), _, _) => {}
        }
    };
    for entry in entries {
        let (is_dispute, is_resolve) = match entry.kind {
            EntryKind::Dispute => (true, false),
            EntryKind::Resolve => (false, true),
            _ => continue,
        };
        match &mut day {
            Some((date, dispute, resolve)) if *date == entry.date => {
                if is_dispute {
                    dispute.get_or_insert(entry);
                }
                if is_resolve {
                    resolve.get_or_insert(entry);
                }
            }
            _ => {
                if let Some(done) = day.take() {
                    close_day(done, &mut open, &mut periods);
                }
                day = Some((
                    entry.date,
                    is_dispute.then_some(entry),
                    is_resolve.then_some(entry),
                ));
            }
        }
    }
    if let Some(done) = day.take() {
        close_day(done, &mut open, &mut periods);
    }
    if let Some(start) = open {
        periods.push(DisputePeriod { start, end: None });
    }
    periods.retain(|p| p.end != Some(p.start));
    periods
}

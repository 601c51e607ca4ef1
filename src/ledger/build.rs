//! Rows → [`Ledger`]: gathers the rows the reading threads parsed (in file
//! order), then checks what only the whole book can tell (duplicate or
//! unknown invoices, entries before the issue, overpayments, disputes) and
//! groups each invoice's entries. Rows may come in any order: the ledger is
//! the same.
//!
//! References are looked up once every invoice is read, in tight loops on
//! both cores: a lookup is a cache miss, and misses overlap only when
//! nothing else is in the way.

use crate::amount::Amounts;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::index::{PARALLEL, RefIndex, join};
use super::parse::{COLS, Col, DateCache, ExceptionValues, Parsed, Parser, Row, RowKind};
use super::problem::{FieldAt, Problem, Problems, RowAt, UNPLACED};
use super::{
    DebtorId, DebtorIndex, Dialect, Entry, EntryKind, Exception, ExceptionKind, Invoice, InvoiceId,
    Ledger,
};
use crate::diagnostic::{Code, Severity};
use crate::suggest;

/// Parsed rows in file order, as a reading thread hands them over: the
/// invoices, and the other entries with their invoice's reference (looked
/// up once the whole book is read). Lines count from the first line of the
/// stretch the rows come from.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    /// Where these rows come among the file's batches (set by the reader).
    pub seq: usize,
    /// Lines the rows' stretch spans: the next batch counts its lines from
    /// this many further (0: the next batch goes on with the same count).
    pub lines: u64,
    invoices: Vec<Invoice>,
    /// The extra columns of the invoices that have any, by invoice.
    invoice_attributes: Vec<(u32, Box<[Box<str>]>)>,
    /// Where each invoice's row starts, for rows that place their own
    /// fields (JSON); a CSV row starts where its line does (see
    /// [`UNPLACED`]).
    invoice_offsets: Vec<u64>,
    /// Each invoice's rank among the rows.
    invoice_ranks: Vec<u32>,
    /// Each invoice reference's hash for the index, computed by the
    /// reading threads.
    invoice_hashes: Vec<u64>,
    /// Where each invoice's reference is, for rows that place their own
    /// fields (JSON); a CSV file's is its header's column.
    invoice_fields: Vec<FieldAt>,
    entries: Vec<Entry>,
    /// The extra columns of the entries that have any, by entry.
    entry_attributes: Vec<(u32, Box<[Box<str>]>)>,
    /// As `invoice_offsets`.
    entry_offsets: Vec<u64>,
    entry_ranks: Vec<u32>,
    entry_debtors: Vec<Option<DebtorId>>,
    /// The entries' invoice references, end to end, and their hashes.
    references: Vec<u8>,
    reference_ends: Vec<usize>,
    reference_hashes: Vec<u64>,
    problems: Problems,
    /// For each kept problem, how many rows were parsed before it.
    problem_ranks: Vec<u32>,
    /// Rows parsed: invoices and entries.
    parsed: u32,
    /// Whether an invoice has a lower reference than the one before it
    /// (checked where the rows are parsed, on every core).
    unsorted: bool,
    dates: DateCache,
    /// Payments and credit notes written above zero and below, and the
    /// first row of each (a file keeps one sign convention).
    signs: [u32; 2],
    first_signed: [Option<RowAt>; 2],
    /// Holds, promises…, with their invoice's reference (empty: the
    /// debtor's), looked up once the book is read.
    exceptions: Vec<Pending>,
    /// The reasons written on `dispute` rows: (reference, day, reason).
    dispute_reasons: Vec<(compact_str::CompactString, NaiveDate, Box<str>)>,
}

/// An exception row before its invoice is looked up.
#[derive(Debug)]
struct Pending {
    kind: ExceptionKind,
    reference: compact_str::CompactString,
    debtor: Option<DebtorId>,
    date: NaiveDate,
    values: Box<ExceptionValues>,
    row: RowAt,
    invoice_at: FieldAt,
}

impl Rows {
    /// Parses a row into these; its problems are recorded, the row dropped
    /// if it has any.
    pub fn parse(&mut self, parser: &Parser, row: &impl Row, own_fields: bool) {
        if let Some(parsed) = parser.parse(row, &mut self.problems, &mut self.dates) {
            self.push(parsed, own_fields);
        }
        self.rank_problems();
    }

    /// Records a problem found outside the row's values.
    pub fn error(
        &mut self,
        code: Code,
        row: RowAt,
        field: FieldAt,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.problems.error(code, row, field, message, label, help);
        self.rank_problems();
    }

    /// A problem of the reader's own (bad CSV).
    pub fn problems(&mut self) -> &mut Problems {
        &mut self.problems
    }

    /// Gives problems recorded since the last call their rank.
    pub(crate) fn rank_problems(&mut self) {
        self.problem_ranks
            .resize(self.problems.list.len(), self.parsed);
    }

    /// Rows parsed so far.
    pub fn parsed(&self) -> u32 {
        self.parsed
    }

    fn push(&mut self, parsed: Parsed<'_>, own_fields: bool) {
        let rank = self.parsed;
        self.parsed += 1;
        match parsed.kind {
            RowKind::Invoice => {
                if !self.unsorted {
                    self.unsorted = self
                        .invoices
                        .last()
                        .is_some_and(|last| *last.reference > *parsed.reference);
                }
                if !parsed.attributes.is_empty() {
                    let invoice = u32::try_from(self.invoices.len()).unwrap_or(u32::MAX);
                    self.invoice_attributes.push((invoice, parsed.attributes));
                }
                self.invoices.push(Invoice {
                    reference: compact_str::CompactString::new(parsed.reference),
                    debtor: parsed.debtor.unwrap_or(DebtorId(u32::MAX)),
                    issued: parsed.date,
                    due: parsed.due,
                    amount: parsed.amount,
                    line: parsed.row.line,
                    entries: (0, 0),
                });
                self.invoice_ranks.push(rank);
                self.invoice_hashes
                    .push(RefIndex::hash(parsed.reference.as_bytes()));
                if own_fields {
                    self.invoice_offsets.push(parsed.row.offset);
                    self.invoice_fields.push(parsed.invoice_at);
                }
            }
            RowKind::Exception(kind) => {
                self.exceptions.push(Pending {
                    kind,
                    reference: compact_str::CompactString::new(parsed.reference),
                    debtor: parsed.debtor,
                    date: parsed.date,
                    values: parsed.exception.unwrap_or_default(),
                    row: parsed.row,
                    invoice_at: parsed.invoice_at,
                });
            }
            RowKind::Entry(kind) => {
                if let Some(reason) = parsed.exception.and_then(|e| e.reason) {
                    self.dispute_reasons.push((
                        compact_str::CompactString::new(parsed.reference),
                        parsed.date,
                        reason,
                    ));
                }
                if kind.settles() {
                    let sign = usize::from(parsed.negative);
                    self.signs[sign] += 1;
                    self.first_signed[sign].get_or_insert(parsed.row);
                }
                if !parsed.attributes.is_empty() {
                    let entry = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                    self.entry_attributes.push((entry, parsed.attributes));
                }
                self.entries.push(Entry {
                    date: parsed.date,
                    kind,
                    amount: parsed.amount,
                    line: parsed.row.line,
                });
                if own_fields {
                    self.entry_offsets.push(parsed.row.offset);
                }
                self.entry_ranks.push(rank);
                self.entry_debtors.push(parsed.debtor);
                self.references
                    .extend_from_slice(parsed.reference.as_bytes());
                self.reference_ends.push(self.references.len());
                self.reference_hashes
                    .push(RefIndex::hash(parsed.reference.as_bytes()));
            }
        }
    }

    /// Empties these rows, keeping their buffers for the next ones.
    pub fn clear(&mut self) {
        let Rows {
            seq,
            lines,
            invoices,
            invoice_attributes,
            invoice_offsets,
            invoice_ranks,
            invoice_hashes,
            invoice_fields,
            entries,
            entry_attributes,
            entry_offsets,
            entry_ranks,
            entry_debtors,
            references,
            reference_ends,
            reference_hashes,
            problems,
            problem_ranks,
            parsed,
            unsorted,
            dates: _,
            signs,
            first_signed,
            exceptions,
            dispute_reasons,
        } = self;
        exceptions.clear();
        dispute_reasons.clear();
        (*seq, *lines, *parsed, *unsorted) = (0, 0, 0, false);
        *signs = [0, 0];
        *first_signed = [None, None];
        invoices.clear();
        invoice_attributes.clear();
        invoice_offsets.clear();
        invoice_ranks.clear();
        invoice_hashes.clear();
        invoice_fields.clear();
        entries.clear();
        entry_attributes.clear();
        entry_offsets.clear();
        entry_ranks.clear();
        entry_debtors.clear();
        references.clear();
        reference_ends.clear();
        reference_hashes.clear();
        *problems = Problems::default();
        problem_ranks.clear();
    }

    fn reference(&self, entry: usize) -> &[u8] {
        let start = entry
            .checked_sub(1)
            .map_or(0, |before| self.reference_ends[before]);
        &self.references[start..self.reference_ends[entry]]
    }

    fn entry_row(&self, entry: usize) -> RowAt {
        RowAt {
            line: self.entries[entry].line,
            offset: self.entry_offsets.get(entry).copied().unwrap_or(UNPLACED),
        }
    }
}

/// The file columns of a CSV ledger, to place problems found after reading.
#[derive(Debug, Clone, Copy)]
struct Columns(Option<[Option<usize>; COLS]>);

impl Columns {
    fn at(self, col: Col) -> FieldAt {
        match self.0 {
            Some(columns) => columns[col as usize].map_or(FieldAt::Row, FieldAt::Column),
            None => FieldAt::Row,
        }
    }
}

/// Builds a ledger from rows, collecting problems.
pub struct Builder {
    debtors: Arc<DebtorIndex>,
    parser: Parser,
    currency: &'static str,
    dialect: Dialect,
    columns: Columns,
    pub attribute_names: Vec<String>,
    /// The reader's problems come in batches of this many rows (see
    /// [`merge_read_problems`]).
    batch: u32,
    /// Every row so far, lines counted from the file's first.
    book: Rows,
    /// The line before the next rows' first.
    line_base: u64,
    /// Whether the invoices so far are in reference order.
    sorted: bool,
    /// Problems found before any row (a JSON file's objects).
    problems: Problems,
    /// For rows added one by one.
    one: Rows,
}

impl Builder {
    pub fn new(
        debtors: DebtorIndex,
        currency: &'static str,
        dialect: Dialect,
        columns: Option<[Option<usize>; COLS]>,
    ) -> Self {
        let debtors = Arc::new(debtors);
        Builder {
            parser: Parser::new(Arc::clone(&debtors), currency, dialect),
            debtors,
            currency,
            dialect,
            columns: Columns(columns),
            attribute_names: Vec::new(),
            batch: 1,
            book: Rows::default(),
            line_base: 0,
            sorted: true,
            problems: Problems::default(),
            one: Rows::default(),
        }
    }

    /// A builder for reading the same file again from its start: the same
    /// debtors and conventions, no rows yet.
    pub(crate) fn again(&self) -> Builder {
        Builder {
            debtors: Arc::clone(&self.debtors),
            parser: self.parser.clone(),
            currency: self.currency,
            dialect: self.dialect,
            columns: self.columns,
            attribute_names: Vec::new(),
            batch: self.batch,
            book: Rows::default(),
            line_base: 0,
            sorted: true,
            problems: Problems::default(),
            one: Rows::default(),
        }
    }

    /// Rows come from a reader that hands over its problems every `rows`
    /// rows; and the file's first row after the header is on `first_line`.
    pub(crate) fn in_batches(&mut self, rows: u32, first_line: u64) {
        self.batch = rows.max(1);
        self.line_base = first_line.saturating_sub(1);
    }

    pub fn problems(&mut self) -> &mut Problems {
        &mut self.problems
    }

    /// Reads types also by the firm's words and payments' signs by its
    /// convention (`book.toml`).
    pub(crate) fn conventions(
        &mut self,
        words: &[(String, RowKind)],
        signs: super::mapping::Signs,
    ) {
        self.parser.conventions(words, signs);
    }

    /// How to parse rows for this builder (shareable with threads).
    /// The debtors given to [`Builder::new`], back, for a file that is to
    /// be read again.
    pub(crate) fn into_debtors(self) -> DebtorIndex {
        drop(self.parser);
        Arc::try_unwrap(self.debtors).unwrap_or_else(|shared| (*shared).clone())
    }

    pub(crate) fn parser(&self) -> Parser {
        self.parser.clone()
    }

    /// Reads one row (whose lines count from the file's first); its
    /// problems are recorded, the row dropped if any.
    pub fn add(&mut self, row: &impl Row) {
        let mut one = std::mem::take(&mut self.one);
        one.parse(&self.parser, row, self.columns.0.is_none());
        self.add_rows(&mut one);
        self.one = one;
    }

    /// Adds the next rows of the file, leaving `rows` empty.
    pub(crate) fn add_rows(&mut self, rows: &mut Rows) {
        let shift = |line: u32| u32::try_from(u64::from(line) + self.line_base).unwrap_or(u32::MAX);
        let book = &mut self.book;
        let rank = book.parsed;
        if let (Some(last), Some(first)) = (book.invoices.last(), rows.invoices.first()) {
            self.sorted &= last.reference <= first.reference;
        }
        self.sorted &= !rows.unsorted;
        let first_invoice = u32::try_from(book.invoices.len()).unwrap_or(u32::MAX);
        book.invoice_attributes.extend(
            rows.invoice_attributes
                .drain(..)
                .map(|(invoice, values)| (invoice.saturating_add(first_invoice), values)),
        );
        book.invoices
            .extend(rows.invoices.drain(..).map(|mut invoice| {
                invoice.line = shift(invoice.line);
                invoice
            }));
        book.invoice_offsets.append(&mut rows.invoice_offsets);
        book.invoice_ranks
            .extend(rows.invoice_ranks.drain(..).map(|r| r + rank));
        book.invoice_fields.append(&mut rows.invoice_fields);
        book.invoice_hashes.append(&mut rows.invoice_hashes);
        book.reference_hashes.append(&mut rows.reference_hashes);
        let first_entry = u32::try_from(book.entries.len()).unwrap_or(u32::MAX);
        book.entry_attributes.extend(
            rows.entry_attributes
                .drain(..)
                .map(|(entry, values)| (entry.saturating_add(first_entry), values)),
        );
        book.entries.extend(rows.entries.drain(..).map(|mut entry| {
            entry.line = shift(entry.line);
            entry
        }));
        book.entry_offsets.append(&mut rows.entry_offsets);
        book.entry_ranks
            .extend(rows.entry_ranks.drain(..).map(|r| r + rank));
        book.entry_debtors.append(&mut rows.entry_debtors);
        let base = book.references.len();
        book.references.append(&mut rows.references);
        book.reference_ends
            .extend(rows.reference_ends.drain(..).map(|end| end + base));
        let mut problems = std::mem::take(&mut rows.problems);
        for problem in &mut problems.list {
            if problem.row.line > 0 {
                problem.row.line = shift(problem.row.line);
            }
        }
        let kept = book.problems.absorb(problems);
        book.problem_ranks
            .extend(rows.problem_ranks.drain(..).take(kept).map(|r| r + rank));
        for sign in 0..2 {
            book.signs[sign] += rows.signs[sign];
            if book.first_signed[sign].is_none() {
                book.first_signed[sign] = rows.first_signed[sign].map(|mut row| {
                    row.line = shift(row.line);
                    row
                });
            }
        }
        book.exceptions
            .extend(rows.exceptions.drain(..).map(|mut pending| {
                pending.row.line = shift(pending.row.line);
                pending
            }));
        book.dispute_reasons.append(&mut rows.dispute_reasons);
        book.parsed += rows.parsed;
        self.line_base += rows.lines;
        rows.clear();
    }

    /// Sizes the tables for a file of `bytes` bytes: rows are about 45
    /// bytes, about half of them invoices. A good guess saves copying a
    /// half-built book to a bigger vector.
    pub(crate) fn reserve(&mut self, bytes: u64) {
        let rows = usize::try_from(bytes / 45).unwrap_or(0).min(50_000_000);
        let half = rows / 2 + rows / 16;
        let book = &mut self.book;
        book.invoices.reserve(half);
        book.invoice_ranks.reserve(half);
        book.invoice_hashes.reserve(half);
        book.entries.reserve(half);
        book.reference_hashes.reserve(half);
        book.entry_ranks.reserve(half);
        book.entry_debtors.reserve(half);
        book.reference_ends.reserve(half);
        book.references.reserve(half * 12);
    }

    /// Checks the whole book and builds the ledger (when there is no error).
    pub fn finish(self) -> (Option<Ledger>, Problems) {
        let Builder {
            debtors,
            parser,
            currency,
            dialect,
            columns,
            attribute_names,
            batch,
            mut book,
            mut sorted,
            mut problems,
            ..
        } = self;
        drop(parser); // its share of the debtors, so that they can be moved out

        let (mut index, duplicates) = RefIndex::build(&book.invoice_hashes, |i| {
            book.invoices[i as usize].reference.as_bytes()
        });
        let duplicated = duplicate_problems(&book, &duplicates, columns);
        let read = std::mem::take(&mut book.problems);
        let read_ranks = std::mem::take(&mut book.problem_ranks);
        merge_read_problems(&mut problems, (read, read_ranks), duplicated, batch);
        if !duplicates.is_empty() {
            // The book has errors and will not be built; the later checks
            // still run, on the first invoice of each reference.
            drop_duplicates(&mut book, &duplicates);
            sorted = book
                .invoices
                .is_sorted_by(|a, b| a.reference <= b.reference);
            index = RefIndex::build(&book.invoice_hashes, |i| {
                book.invoices[i as usize].reference.as_bytes()
            })
            .0;
        }

        // Each entry's invoice: its candidate in the index, confirmed while
        // going through the invoices in order, their entries grouped (a
        // reference is then read where it lies, not looked for).
        let n = book.invoices.len();
        let mut invoice_of = candidates(&book, &index);
        let mut groups = Groups::by(&invoice_of, n);
        let (mut confirmed, mut before) = groups.settle(&book);
        if !confirmed {
            // Another reference with the same hash bits: look each up by
            // its text (this has never been seen to happen).
            invoice_of = exact(&book, &index, &invoice_of);
            groups = Groups::by(&invoice_of, n);
            (confirmed, before) = groups.settle(&book);
            debug_assert!(confirmed);
        }
        drop(index);
        unknown_invoices(&book, &invoice_of, columns, &mut problems);
        mixed_signs(&book, columns, &mut problems);
        check_debtors(
            &book,
            &debtors,
            &invoice_of,
            &before,
            columns,
            &mut problems,
        );
        book.references = Vec::new();
        book.reference_ends = Vec::new();
        book.reference_hashes = Vec::new();
        book.invoice_hashes = Vec::new();

        // The entries, grouped by invoice in reference order (then date
        // order in each group, below), copied on every core: a copy in this
        // order is a cache miss per entry, and the new vector's pages are
        // first touched there.
        let by_rank = (!sorted).then(|| canonical_order(&mut book.invoices));
        let invoice_attributes = beside(
            std::mem::take(&mut book.invoice_attributes),
            book.invoices.len(),
            by_rank.as_deref(),
        );
        let (starts, grouped) = match by_rank.as_deref() {
            // Invoices already in reference order: the groups are, end to
            // end, in the order wanted (a copy of them was 0.02 s on one
            // core for a million invoices).
            None => (groups.starts, groups.order),
            Some(by_rank) => {
                let mut starts = Vec::with_capacity(n + 1);
                let mut grouped = Vec::with_capacity(groups.order.len());
                starts.push(0u32);
                for &old in by_rank {
                    grouped.extend_from_slice(groups.of(old as usize));
                    starts.push(grouped.len() as u32);
                }
                (starts, grouped)
            }
        };
        // Extra columns (a few books have them) go beside the entries, in
        // the grouped order, moved rather than copied.
        let mut entry_attributes = beside(
            std::mem::take(&mut book.entry_attributes),
            book.entries.len(),
            Some(&grouped),
        );
        let mut entries: Vec<Entry> = grouped
            .par_iter()
            .map(|&e| book.entries[e as usize])
            .collect();
        let mut offsets: Vec<u64> = if book.entry_offsets.is_empty() {
            Vec::new()
        } else {
            grouped
                .par_iter()
                .map(|&e| book.entry_offsets[e as usize])
                .collect()
        };
        if !entry_attributes.is_empty() {
            order_attributes(&entries, &starts, &mut entry_attributes);
        }
        drop(grouped);
        book.entries = Vec::new();
        // Each half of the invoices (with its entries) on its own thread.
        let mid = if n >= PARALLEL && threads() >= 2 {
            n / 2
        } else {
            n
        };
        let cut = starts[mid] as usize;
        let (first_entries, second_entries) = entries.split_at_mut(cut);
        let placed = offsets.len();
        let (first_offsets, second_offsets) = offsets.split_at_mut(cut.min(placed));
        let (first_invoices, second_invoices) = book.invoices.split_at_mut(mid);
        let starts = &starts;
        let (first, second) = std::thread::scope(|scope| {
            let second = (mid < n).then(|| {
                scope.spawn(move || {
                    check_groups(
                        second_invoices,
                        starts,
                        mid..n,
                        second_entries,
                        second_offsets,
                        columns,
                    )
                })
            });
            let first = check_groups(
                first_invoices,
                starts,
                0..mid,
                first_entries,
                first_offsets,
                columns,
            );
            (first, second.map(join))
        });
        problems.absorb(first);
        if let Some(second) = second {
            problems.absorb(second);
        }
        let pending = std::mem::take(&mut book.exceptions);
        let (exceptions, exception_rows) =
            place_exceptions(&book.invoices, &debtors, pending, &mut problems);
        let mut dispute_reasons: Vec<(InvoiceId, NaiveDate, Box<str>)> =
            std::mem::take(&mut book.dispute_reasons)
                .into_iter()
                .filter_map(|(reference, day, reason)| {
                    let i = find_invoice(&book.invoices, &reference)?;
                    Some((i, day, reason))
                })
                .collect();
        dispute_reasons.sort_by_key(|(i, d, _)| (*i, *d));
        if problems.has_errors() {
            return (None, problems);
        }
        let ledger = Ledger {
            debtors: Arc::try_unwrap(debtors)
                .map_or_else(|shared| shared.debtors.clone(), DebtorIndex::into_debtors),
            invoices: book.invoices,
            entries,
            entry_attributes,
            invoice_attributes,
            attribute_names,
            currency,
            dialect: Some(dialect),
            exceptions,
            dispute_reasons,
        };
        check_exceptions(&ledger, &exception_rows, columns, &mut problems);
        if problems.has_errors() {
            return (None, problems);
        }
        (Some(ledger), problems)
    }
}

/// An entry whose invoice the book does not issue.
const UNKNOWN: u32 = u32::MAX;

/// The invoice of a reference, in invoices sorted by reference.
fn find_invoice(invoices: &[Invoice], reference: &str) -> Option<InvoiceId> {
    let at = invoices.partition_point(|i| &*i.reference < reference);
    invoices
        .get(at)
        .filter(|i| i.reference == reference)
        .map(|_| InvoiceId(at as u32))
}

/// Exceptions with their invoice looked up (in the invoices, sorted by
/// reference), by debtor then date; an unknown invoice or a debtor that
/// is not the invoice's is an error.
fn place_exceptions(
    invoices: &[Invoice],
    debtors: &DebtorIndex,
    pending: Vec<Pending>,
    problems: &mut Problems,
) -> (Vec<Exception>, Vec<RowAt>) {
    let mut placed = Vec::with_capacity(pending.len());
    for p in pending {
        let word = p.kind.as_str();
        let invoice = if p.reference.is_empty() {
            None
        } else {
            match find_invoice(invoices, &p.reference) {
                Some(i) => Some(i),
                None => {
                    let hint = suggest::did_you_mean(
                        &p.reference,
                        invoices.iter().map(|i| &*i.reference).take(10_000),
                    );
                    problems.error(
                        Code::LedgerUnknownInvoice,
                        p.row,
                        p.invoice_at,
                        format!(
                            "this {word} is for the invoice `{}`, which the ledger does not issue",
                            suggest::short(&p.reference)
                        ),
                        "no `invoice` row has this reference",
                        hint.unwrap_or_else(|| {
                            "add the invoice's `invoice` row, correct the reference, or leave `invoice` empty for a debtor-wide one".into()
                        }),
                    );
                    continue;
                }
            }
        };
        let debtor = match (invoice, p.debtor) {
            (Some(i), named) => {
                let own = invoices[i.0 as usize].debtor;
                if let Some(named) = named.filter(|n| *n != own) {
                    let expected = &debtors.debtors[own.0 as usize].id;
                    let found = &debtors.debtors[named.0 as usize].id;
                    problems.error(
                        Code::LedgerDebtorMismatch,
                        p.row,
                        p.values.debtor_at,
                        format!(
                            "this {word} names the debtor `{found}`, but the invoice `{}` is `{expected}`'s",
                            p.reference
                        ),
                        format!("not `{expected}`"),
                        "leave `debtor` empty (the row takes the invoice's), or correct the invoice reference",
                    );
                    continue;
                }
                own
            }
            (None, Some(named)) => named,
            (None, None) => continue, // reported when parsed
        };
        let values = *p.values;
        placed.push((
            p.row,
            Exception {
                kind: p.kind,
                debtor,
                invoice,
                date: p.date,
                until: values.until,
                amount: values.amount,
                due: values.due,
                reason: values.reason,
                procedure: values.procedure,
                published: values.published,
                line: p.row.line,
            },
        ));
    }
    placed.sort_by_key(|(_, e)| (e.debtor, e.date, e.kind, e.line));
    placed.into_iter().map(|(row, e)| (e, row)).unzip()
}

/// What only the whole book tells about exceptions: a release without a
/// hold (error), holds that overlap (warning), a payment plan larger than
/// the balance it covers (warning).
fn check_exceptions(ledger: &Ledger, rows: &[RowAt], columns: Columns, problems: &mut Problems) {
    if ledger.exceptions.is_empty() {
        return;
    }
    let row = |e: &Exception| {
        let k = ledger.exceptions.iter().position(|x| std::ptr::eq(x, e));
        k.and_then(|k| rows.get(k)).copied().unwrap_or(RowAt {
            line: e.line,
            offset: UNPLACED,
        })
    };
    let at = |col: Col| columns.at(col);
    let mut start = 0;
    while start < ledger.exceptions.len() {
        let debtor = ledger.exceptions[start].debtor;
        let end = start
            + ledger.exceptions[start..]
                .iter()
                .take_while(|e| e.debtor == debtor)
                .count();
        let group = &ledger.exceptions[start..end];
        start = end;
        // Holds and releases, by what they cover (an invoice, or the debtor).
        let mut scopes: Vec<Option<InvoiceId>> = group
            .iter()
            .filter(|e| matches!(e.kind, ExceptionKind::Hold | ExceptionKind::Release))
            .map(|e| e.invoice)
            .collect();
        scopes.sort();
        scopes.dedup();
        for scope in scopes {
            let mut open: Option<&Exception> = None;
            for e in group
                .iter()
                .filter(|e| e.invoice == scope || (scope.is_some() && e.invoice.is_none()))
            {
                match e.kind {
                    ExceptionKind::Hold => {
                        if let Some(o) = open
                            && o.until.is_none_or(|u| u >= e.date)
                            && (o.invoice == e.invoice || e.invoice == scope)
                        {
                            problems.push(Problem {
                                severity: Severity::Warning,
                                code: Code::LedgerHold,
                                message: format!(
                                    "this hold starts on {} while the hold of line {} still holds",
                                    e.date, o.line
                                ),
                                help: "holds that overlap count once (their union stops the clock); end the first with a `release` row or an `until` date".into(),
                                label: "overlaps".into(),
                                row: row(e),
                                field: at(Col::Date),
                            });
                        }
                        open = Some(e);
                    }
                    ExceptionKind::Release if e.invoice == scope => {
                        let holding = open.is_some_and(|o| {
                            o.date <= e.date && o.until.is_none_or(|u| u >= e.date)
                        });
                        if !holding {
                            let what = match e.invoice {
                                Some(i) => format!("the invoice `{}`", ledger.invoice(i).reference),
                                None => format!("the debtor `{}`", ledger.debtor(e.debtor).id),
                            };
                            problems.push(Problem {
                                severity: Severity::Error,
                                code: Code::LedgerHold,
                                message: format!("{what} is released on {} but not on hold", e.date),
                                help: "a `release` row ends a `hold` row booked earlier for the same invoice or debtor (and not already ended by its `until`); add the hold or remove this row".into(),
                                label: "no hold to end".into(),
                                row: row(e),
                                field: at(Col::Type),
                            });
                        }
                        open = None;
                    }
                    _ => {}
                }
            }
        }
        // Payment plans: the instalments of one invoice (or of the debtor)
        // against the balance on the plan's first day.
        let mut plans: Vec<Option<InvoiceId>> = group
            .iter()
            .filter(|e| e.kind == ExceptionKind::Instalment)
            .map(|e| e.invoice)
            .collect();
        plans.sort();
        plans.dedup();
        for scope in plans {
            let instalments: Vec<&Exception> = group
                .iter()
                .filter(|e| e.kind == ExceptionKind::Instalment && e.invoice == scope)
                .collect();
            let Some(first) = instalments.first() else {
                continue;
            };
            let total: Decimal = instalments.iter().filter_map(|e| e.amount).total();
            let balance: Decimal = match scope {
                Some(i) => ledger.balance_on(ledger.invoice(i), first.date),
                None => ledger
                    .invoices
                    .iter()
                    .filter(|i| i.debtor == debtor)
                    .map(|i| ledger.balance_on(i, first.date))
                    .total(),
            };
            if total > balance {
                problems.push(Problem {
                    severity: Severity::Warning,
                    code: Code::LedgerInstalment,
                    message: format!(
                        "the payment plan of {} instalments totals {total}, more than the balance of {balance} on {}",
                        instalments.len(),
                        first.date
                    ),
                    help: "the plan ends when the balance reaches zero; check the amounts, or the invoice the instalments are booked on".into(),
                    label: "more than the balance".into(),
                    row: row(first),
                    field: at(Col::Amount),
                });
            }
        }
    }
}

/// What an invoice moved out of its place leaves behind.
fn empty_invoice() -> Invoice {
    Invoice {
        reference: compact_str::CompactString::default(),
        debtor: DebtorId(0),
        issued: NaiveDate::MIN,
        due: NaiveDate::MIN,
        amount: Decimal::ZERO,
        line: 0,
        entries: (0, 0),
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |p| p.get())
}

/// `f` over `0..n`, in two halves on two threads when `n` is large; the
/// results in order.
fn split<T: Send>(n: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    if n < PARALLEL || threads() < 2 {
        return vec![f(0..n)];
    }
    let mid = n / 2;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| f(mid..n));
        let first = f(0..mid);
        vec![first, join(second)]
    })
}

/// An invoice issued again, by its row; `ranks` gets each kept problem's
/// row rank.
fn duplicate_problems(
    book: &Rows,
    duplicates: &[(u32, u32)],
    columns: Columns,
) -> (Problems, Vec<u32>) {
    let mut problems = Problems::default();
    let mut ranks = Vec::new();
    for &(again, first) in duplicates {
        let (again, first) = (again as usize, first as usize);
        let invoice = &book.invoices[again];
        let row = RowAt {
            line: invoice.line,
            offset: book.invoice_offsets.get(again).copied().unwrap_or(UNPLACED),
        };
        let field = book
            .invoice_fields
            .get(again)
            .copied()
            .unwrap_or(columns.at(Col::Invoice));
        problems.error(
            Code::LedgerDuplicateInvoice,
            row,
            field,
            format!("the invoice `{}` is issued twice", invoice.reference),
            format!("already issued on line {}", book.invoices[first].line),
            "an invoice has one `invoice` row; a correction is a `credit_note`, a new invoice needs its own reference",
        );
        if ranks.len() < problems.list.len() {
            ranks.push(book.invoice_ranks[again]);
        }
    }
    (problems, ranks)
}

/// Adds the problems found while reading (`read`: the rows' own) and those
/// of invoices issued twice, in the order a reader handing over `batch`
/// rows at a time and a builder taking each batch's problems, then its
/// rows, would find them: which problems are kept past the cap depends on
/// it.
fn merge_read_problems(
    problems: &mut Problems,
    read: (Problems, Vec<u32>),
    duplicated: (Problems, Vec<u32>),
    batch: u32,
) {
    let batch_of = |rank: u32| rank / batch;
    let (read, read_ranks) = read;
    let (duplicated, duplicated_ranks) = duplicated;
    let (read, unlisted) = read.into_parts();
    let (duplicated, more_unlisted) = duplicated.into_parts();
    let mut read = read.into_iter().zip(read_ranks).peekable();
    let mut duplicated = duplicated.into_iter().zip(duplicated_ranks).peekable();
    loop {
        let from_read = match (read.peek(), duplicated.peek()) {
            (Some((_, a)), Some((_, b))) => batch_of(*a) <= batch_of(*b),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if from_read {
            read.next()
        } else {
            duplicated.next()
        };
        if let Some((problem, _)) = next {
            problems.push(problem);
        }
    }
    // Those not kept come after every kept one.
    problems.add_unlisted(unlisted);
    problems.add_unlisted(more_unlisted);
}

/// Removes the invoices issued again (the first of each reference stays).
fn drop_duplicates(book: &mut Rows, duplicates: &[(u32, u32)]) {
    let mut again = vec![false; book.invoices.len()];
    for &(i, _) in duplicates {
        again[i as usize] = true;
    }
    let keep = |i: usize| !again[i];
    let mut i = 0;
    book.invoices.retain(|_| (keep(i), i += 1).0);
    // Only checks follow: a book with a duplicate is not built.
    book.invoice_attributes.clear();
    if !book.invoice_offsets.is_empty() {
        i = 0;
        book.invoice_offsets.retain(|_| (keep(i), i += 1).0);
    }
    i = 0;
    book.invoice_ranks.retain(|_| (keep(i), i += 1).0);
    i = 0;
    book.invoice_hashes.retain(|_| (keep(i), i += 1).0);
    if !book.invoice_fields.is_empty() {
        i = 0;
        book.invoice_fields.retain(|_| (keep(i), i += 1).0);
    }
}

/// Each entry's candidate invoice (see [`RefIndex::candidate`]), or
/// [`UNKNOWN`] when no invoice has its reference.
fn candidates(book: &Rows, index: &RefIndex) -> Vec<u32> {
    split(book.entries.len(), |range| {
        range
            .map(|e| index.candidate(book.reference_hashes[e]).unwrap_or(UNKNOWN))
            .collect::<Vec<u32>>()
    })
    .concat()
}

/// Each entry's invoice, its reference compared with the candidate's and
/// looked up by its text when they differ.
fn exact(book: &Rows, index: &RefIndex, candidates: &[u32]) -> Vec<u32> {
    let invoices = &book.invoices;
    let full = |i: u32| invoices[i as usize].reference.as_bytes();
    candidates
        .iter()
        .enumerate()
        .map(|(e, &candidate)| {
            let candidate = (candidate != UNKNOWN).then_some(candidate);
            index
                .confirm(book.reference(e), candidate, full)
                .unwrap_or(UNKNOWN)
        })
        .collect()
}

/// Entries grouped by invoice: those of invoice `i` are
/// `order[starts[i]..starts[i + 1]]`.
struct Groups {
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl Groups {
    /// Groups the entries by `invoice_of` (a counting sort), in file order
    /// in each group; entries of no invoice are left out.
    fn by(invoice_of: &[u32], n: usize) -> Groups {
        let mut starts = vec![0u32; n + 1];
        for &invoice in invoice_of.iter().filter(|&&i| i != UNKNOWN) {
            starts[invoice as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[n] as usize];
        for (e, &invoice) in invoice_of.iter().enumerate() {
            if invoice != UNKNOWN {
                let slot = &mut next[invoice as usize];
                order[*slot as usize] = e as u32;
                *slot += 1;
            }
        }
        Groups { starts, order }
    }

    fn of(&self, invoice: usize) -> &[u32] {
        &self.order[self.starts[invoice] as usize..self.starts[invoice + 1] as usize]
    }

    /// Checks that each entry has its invoice's reference (`false` if one
    /// does not), and puts the entries read before their invoice after the
    /// others, in the order the builder used to take entries in; returns
    /// those, in file order.
    fn settle(&mut self, book: &Rows) -> (bool, Vec<u32>) {
        let n = self.starts.len() - 1;
        let mid = if n >= PARALLEL && threads() >= 2 {
            n / 2
        } else {
            n
        };
        let starts = &self.starts;
        let (first, second) = self.order.split_at_mut(starts[mid] as usize);
        let settle_range = |range: Range<usize>, order: &mut [u32]| {
            let base = starts[range.start] as usize;
            let mut confirmed = true;
            let mut before = Vec::new();
            for i in range {
                let group = &mut order[starts[i] as usize - base..starts[i + 1] as usize - base];
                let reference = book.invoices[i].reference.as_bytes();
                confirmed &= group
                    .iter()
                    .all(|&e| book.reference(e as usize) == reference);
                // In file order, those read before the invoice come first.
                let rank = book.invoice_ranks[i];
                let early = group
                    .iter()
                    .take_while(|&&e| book.entry_ranks[e as usize] < rank)
                    .count();
                if early > 0 {
                    before.extend_from_slice(&group[..early]);
                    group.rotate_left(early);
                }
            }
            (confirmed, before)
        };
        let ((confirmed, mut before), second) = std::thread::scope(|scope| {
            let second = (mid < n).then(|| scope.spawn(|| settle_range(mid..n, second)));
            (settle_range(0..mid, first), second.map(join))
        });
        let mut all = confirmed;
        if let Some((confirmed, more)) = second {
            all &= confirmed;
            before.extend(more);
        }
        before.sort_unstable();
        (all, before)
    }
}

/// A file that writes some payments and credit notes above zero and others
/// below: its sign convention cannot be told (docs/ledger.md). Reported at
/// the first row of the fewer kind.
fn mixed_signs(book: &Rows, columns: Columns, problems: &mut Problems) {
    let [above, below] = book.signs;
    if above == 0 || below == 0 {
        return;
    }
    let (row, most, fewer, this) = if below <= above {
        (book.first_signed[1], above, below, "below")
    } else {
        (book.first_signed[0], below, above, "above")
    };
    let Some(row) = row else { return };
    let other = if this == "below" { "above" } else { "below" };
    problems.push(Problem {
        severity: Severity::Error,
        code: Code::LedgerSigns,
        message: format!(
            "this file writes {most} payments and credit notes {other} zero and {fewer} {this}: \
             this one is the first written {this} zero"
        ),
        help: "a file keeps one sign convention, so that a refund is not read as a payment: \
               write every payment and credit note above zero, or every one below (as an \
               account statement does); `signs = \"negative\"` or `\"positive\"` in book.toml \
               says which and reports every row written otherwise"
            .into(),
        label: format!("{this} zero"),
        row,
        field: columns.at(Col::Amount),
    });
}

/// Entries for an invoice the ledger does not issue.
fn unknown_invoices(book: &Rows, invoice_of: &[u32], columns: Columns, problems: &mut Problems) {
    for (e, _) in invoice_of
        .iter()
        .enumerate()
        .filter(|(_, i)| **i == UNKNOWN)
    {
        let reference = std::str::from_utf8(book.reference(e)).unwrap_or_default();
        let hint = suggest::did_you_mean(
            reference,
            book.invoices.iter().map(|i| &*i.reference).take(10_000),
        );
        problems.error(
            Code::LedgerUnknownInvoice,
            book.entry_row(e),
            columns.at(Col::Invoice),
            format!(
                "this {} is for the invoice `{}`, which the ledger does not issue",
                book.entries[e].kind.as_str().replace('_', " "),
                suggest::short(reference)
            ),
            "no `invoice` row has this reference",
            hint.unwrap_or_else(|| {
                "add the invoice's `invoice` row, or correct the reference".into()
            }),
        );
    }
}

/// Sorts the invoices by reference, so that a ledger's meaning does not
/// depend on the order of its rows; returns new index → old index.
fn canonical_order(invoices: &mut Vec<Invoice>) -> Vec<u32> {
    let n = invoices.len();
    // Sorted on each reference's first 16 bytes as two integers, held
    // beside its index, the references themselves compared only on a tie:
    // sorting bare indices compared the references through a cache miss
    // each, an eighth of the simulation of a shuffled book (callgrind). Zero
    // padding keeps the order of the bytes (a reference that is a prefix of
    // another ties, and the tie compares them); the references are unique
    // here (duplicates are dropped before), so the order is the same.
    let prefix = |reference: &[u8], from: usize| {
        let mut bytes = [0u8; 8];
        for (to, from) in bytes.iter_mut().zip(reference.iter().skip(from)) {
            *to = *from;
        }
        u64::from_be_bytes(bytes)
    };
    let mut keys: Vec<(u64, u64, u32)> = (0..n as u32)
        .zip(invoices.iter())
        .map(|(i, invoice)| {
            let reference = invoice.reference.as_bytes();
            (prefix(reference, 0), prefix(reference, 8), i)
        })
        .collect();
    // By radix (a comparison sort was still most of the cost of a
    // shuffled book's order), then the ties by their whole references.
    super::radix::sort(&mut keys);
    for tied in keys.chunk_by_mut(|a, b| (a.0, a.1) == (b.0, b.1)) {
        if tied.len() > 1 {
            tied.sort_unstable_by(|a, b| {
                invoices[a.2 as usize]
                    .reference
                    .cmp(&invoices[b.2 as usize].reference)
            });
        }
    }
    let by_rank: Vec<u32> = keys.into_iter().map(|(_, _, i)| i).collect();
    let mut old = std::mem::take(invoices);
    let owns_nothing = |invoice: &Invoice| !invoice.reference.is_heap_allocated();
    *invoices = if n >= PARALLEL && old.iter().all(owns_nothing) {
        // Copied on every core: an invoice holding nothing on the heap is
        // copied as cheaply as it is moved, and the new list's pages are
        // first touched (zeroed by the kernel: 64 MB for a million) on
        // both cores rather than one.
        by_rank
            .par_iter()
            .map(|&i| old[i as usize].clone())
            .collect()
    } else {
        // Moved out of their places, each leaving an empty invoice behind
        // (no copy of all of them into options first).
        by_rank
            .iter()
            .map(|&i| std::mem::replace(&mut old[i as usize], empty_invoice()))
            .collect()
    };
    by_rank
}

/// An entry naming a debtor must name its invoice's. In the order the
/// builder used to take entries in: those read after their invoice, then
/// `before` (those read before it), each in file order.
fn check_debtors(
    book: &Rows,
    debtors: &DebtorIndex,
    invoice_of: &[u32],
    before: &[u32],
    columns: Columns,
    problems: &mut Problems,
) {
    let named = |e: &usize| book.entry_debtors[*e].is_some();
    let after = (0..invoice_of.len())
        .filter(named)
        .filter(|&e| invoice_of[e] != UNKNOWN && before.binary_search(&(e as u32)).is_err());
    for e in after.chain(before.iter().map(|&e| e as usize).filter(named)) {
        let Some(debtor) = book.entry_debtors[e] else {
            continue;
        };
        let invoice = &book.invoices[invoice_of[e] as usize];
        if invoice.debtor != debtor {
            let expected = &debtors.debtors[invoice.debtor.0 as usize].id;
            let found = &debtors.debtors[debtor.0 as usize].id;
            problems.error(
                Code::LedgerDebtorMismatch,
                book.entry_row(e),
                columns.at(Col::Debtor),
                format!(
                    "this {} names the debtor `{found}`, but the invoice `{}` is `{expected}`'s",
                    book.entries[e].kind.as_str().replace('_', " "),
                    invoice.reference
                ),
                format!("not `{expected}`"),
                "leave `debtor` empty on payments and credit notes (they take the invoice's), or correct the invoice reference",
            );
        }
    }
}

/// Puts the entries of each invoice of `range` in date order, gives each
/// invoice its entries and checks them; `invoices`, `entries` and
/// `offsets` start at invoice `range.start` and its first entry (`offsets`
/// is empty for a CSV book, whose rows are placed by their line).
fn check_groups(
    invoices: &mut [Invoice],
    starts: &[u32],
    range: Range<usize>,
    entries: &mut [Entry],
    offsets: &mut [u64],
    columns: Columns,
) -> Problems {
    let mut problems = Problems::default();
    let base = starts[range.start] as usize;
    for (invoice, i) in invoices.iter_mut().zip(range) {
        invoice.entries = (starts[i], starts[i + 1] - starts[i]);
        let group = starts[i] as usize - base..starts[i + 1] as usize - base;
        let offsets = if offsets.is_empty() {
            &mut []
        } else {
            &mut offsets[group.clone()]
        };
        let entries = &mut entries[group];
        order_group(entries, offsets);
        check_invoice(invoice, entries, offsets, columns, &mut problems);
    }
    problems
}

/// The extra columns of `n` rows given as (row, values) for the rows that
/// have any, one list per row in the order `order` gives (new → old; the
/// rows' own order without it); nothing when no row has any (a book
/// without extra columns).
fn beside(
    sparse: Vec<(u32, Box<[Box<str>]>)>,
    n: usize,
    order: Option<&[u32]>,
) -> Vec<Box<[Box<str>]>> {
    if sparse.is_empty() {
        return Vec::new();
    }
    let mut by_row: Vec<Box<[Box<str>]>> = vec![Box::default(); n];
    for (row, values) in sparse {
        if let Some(slot) = by_row.get_mut(row as usize) {
            *slot = values;
        }
    }
    match order {
        Some(order) => order
            .iter()
            .map(|&row| {
                by_row
                    .get_mut(row as usize)
                    .map(std::mem::take)
                    .unwrap_or_default()
            })
            .collect(),
        None => by_row,
    }
}

/// Puts the extra columns of each invoice's entries (`starts` cuts them
/// into invoices) in the order [`order_group`] will give the entries: a
/// stable sort by [`entry_key`].
fn order_attributes(entries: &[Entry], starts: &[u32], attributes: &mut [Box<[Box<str>]>]) {
    for window in starts.windows(2) {
        let group = window[0] as usize..window[1] as usize;
        let (Some(entries), Some(values)) = (entries.get(group.clone()), attributes.get_mut(group))
        else {
            continue;
        };
        if entries.is_sorted_by_key(entry_key) {
            continue;
        }
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&k| entry_key(&entries[k]));
        let sorted: Vec<Box<[Box<str>]>> = order
            .iter()
            .map(|&k| std::mem::take(&mut values[k]))
            .collect();
        for (slot, value) in values.iter_mut().zip(sorted) {
            *slot = value;
        }
    }
}

/// An invoice's entries in date order (see [`entry_key`]); rows usually
/// come in date order already.
fn order_group(entries: &mut [Entry], offsets: &mut [u64]) {
    if entries.is_sorted_by_key(entry_key) {
        return;
    }
    if offsets.is_empty() {
        entries.sort_by_key(entry_key);
        return;
    }
    let mut pairs: Vec<(Entry, u64)> = entries
        .iter_mut()
        .zip(offsets.iter())
        .map(|(entry, &offset)| (*entry, offset))
        .collect();
    pairs.sort_by_key(|(entry, _)| entry_key(entry));
    for ((entry, offset), (sorted, at)) in entries.iter_mut().zip(offsets.iter_mut()).zip(pairs) {
        (*entry, *offset) = (sorted, at);
    }
}

/// What only an invoice's whole history tells.
fn check_invoice(
    invoice: &Invoice,
    group: &[Entry],
    offsets: &[u64],
    columns: Columns,
    problems: &mut Problems,
) {
    let (issued, amount) = (invoice.issued, invoice.amount);
    let reference = &invoice.reference;
    let row = |k: usize| RowAt {
        line: group[k].line,
        offset: offsets.get(k).copied().unwrap_or(UNPLACED),
    };
    let mut settled = Decimal::ZERO;
    let mut overpaid = false;
    for (k, entry) in group.iter().enumerate() {
        if entry.date < issued {
            problems.error(
                Code::LedgerBeforeIssue,
                row(k),
                columns.at(Col::Date),
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
            settled = settled.saturating_add(entry.amount);
            if settled > amount && !overpaid {
                overpaid = true;
                problems.push(Problem {
                    severity: Severity::Warning,
                    code: Code::LedgerOverpayment,
                    message: format!(
                        "the invoice `{reference}` of {amount} is paid {settled} by this {}",
                        entry.kind.as_str().replace('_', " ")
                    ),
                    help: format!(
                        "{} too much: the simulation counts the invoice as paid; book the excess as a refund or on another invoice",
                        settled.saturating_sub(amount)
                    ),
                    label: "more than the balance".into(),
                    row: row(k),
                    field: columns.at(Col::Amount),
                });
            }
        }
    }
    if !group
        .iter()
        .any(|e| matches!(e.kind, EntryKind::Dispute | EntryKind::Resolve))
    {
        return;
    }
    let mut found = Vec::new();
    disputes(group, |problem, entry| found.push((problem, entry.line)));
    for (problem, line) in found {
        let at = group
            .iter()
            .position(|e| e.line == line)
            .map_or(RowAt::default(), row);
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
        problems.push(Problem {
            severity,
            code: Code::LedgerDispute,
            message,
            help: help.into(),
            label: "here".into(),
            row: at,
            field: columns.at(Col::Type),
        });
    }
}

/// Entries of one invoice in date order; on one day, settlements before
/// disputes. Deterministic whatever the rows' order.
fn entry_key(entry: &Entry) -> (NaiveDate, EntryKind, Decimal, u32) {
    (entry.date, entry.kind, entry.amount, entry.line)
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

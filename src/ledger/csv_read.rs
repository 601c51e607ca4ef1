//! CSV files (ledger and debtors), in either dialect, with the `csv` crate.
//! Streams: a row is read into one reused `ByteRecord` and parsed from its
//! bytes; nothing of the file is kept but what the ledger holds. A ledger
//! is read on several threads, a stretch of the file each.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::build::{Builder, Rows};
use super::in_order::{Next, in_file_order, lock};
use super::parse::{Col, Parser, Row};
use super::problem::{FieldAt, Problems, RowAt, locate_csv};
use super::split::{Fields, Record, Records};
use super::stretch::{self, Cutter, Job};
use super::{DebtorIndex, Dialect, DialectChoice, Loaded, ReadOptions};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Op, io_error};

/// An open CSV file, positioned after its header row.
pub(crate) struct CsvFile {
    pub reader: csv::Reader<Box<dyn Read + Send>>,
    pub headers: csv::ByteRecord,
    pub dialect: Dialect,
    /// Length of the UTF-8 byte-order mark skipped (0 or 3).
    pub bom: u64,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Opens a CSV file: skips a byte-order mark, detects (or takes) the
/// dialect from the header line, reads the header.
pub fn open(
    path: &Path,
    choice: DialectChoice,
    progress: Option<&super::progress::Handle>,
) -> Result<CsvFile, Diagnostic> {
    let file = std::fs::File::open(path).map_err(|e| io_error(Op::Read, path, &e))?;
    let input: Box<dyn Read + Send> = match progress {
        Some(bar) => {
            if let Ok(meta) = file.metadata() {
                bar.set_length(meta.len());
            }
            Box::new(super::progress::wrap(bar.clone(), file))
        }
        None => Box::new(file),
    };
    let mut buffered = BufReader::with_capacity(1 << 16, input);
    let head = buffered
        .fill_buf()
        .map_err(|e| io_error(Op::Read, path, &e))?;
    let bom = if head.starts_with(BOM) { 3 } else { 0 };
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let dialect = choice.resolve(&head[bom..line_end]);
    buffered.consume(bom);
    // Rows end at `\n`: the csv crate's CRLF handling reports positions one
    // line off (it starts a record at the `\n` of `\r\n`), and every value
    // is trimmed anyway, so a trailing `\r` is harmless.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter())
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(Box::new(buffered) as Box<dyn Read + Send>);
    let headers = match reader.byte_headers() {
        Ok(headers) => headers.clone(),
        Err(err) => {
            return Err(match err.kind() {
                csv::ErrorKind::Io(io) => io_error(Op::Read, path, io),
                _ => Diagnostic::error(
                    Code::LedgerSyntax,
                    format!("cannot read the header of `{}`: {err}", path.display()),
                )
                .with_help("the first line of the file must name its columns")
                .in_path(path.display().to_string()),
            });
        }
    };
    Ok(CsvFile {
        reader,
        headers,
        dialect,
        bom: bom as u64,
    })
}

/// Where a record starts.
pub(crate) fn row_at(record: &csv::ByteRecord) -> RowAt {
    record.position().map_or(RowAt::default(), |p| RowAt {
        line: u32::try_from(p.line()).unwrap_or(u32::MAX),
        offset: p.byte(),
    })
}

/// A malformed record (bad quoting): reported, and reading goes on. The
/// reader's positions are `offset` bytes into the file's data.
pub(crate) fn syntax_problem(err: &csv::Error, offset: u64, problems: &mut Problems) {
    let row = err.position().map_or(RowAt::default(), |p| RowAt {
        line: u32::try_from(p.line()).unwrap_or(u32::MAX),
        offset: p.byte() + offset,
    });
    problems.error(
        Code::LedgerSyntax,
        row,
        FieldAt::Row,
        format!("this row is not valid CSV: {err}"),
        "here",
        "check the quotes of this row: a field with a separator or a line break is written between `\"`, and a `\"` inside is doubled",
    );
}

/// How a column of ours was found in a file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Named so in the header.
    Exact,
    /// One of the names exports give it (aliases.rs).
    Alias,
    /// Named by the mapping (`book.toml`).
    Mapped,
}

impl Found {
    pub fn describe(self) -> &'static str {
        match self {
            Found::Exact => "its name",
            Found::Alias => "a usual name",
            Found::Mapped => "book.toml",
        }
    }
}

/// The columns of a file, mapped from its header row.
pub(crate) struct Header {
    /// Index of each known column in the file, in the order asked.
    columns: Vec<Option<usize>>,
    /// How each known column was found.
    pub found: Vec<Option<Found>>,
    /// The header's names as written.
    pub names: Vec<String>,
    /// Columns the contract does not name: (index, header).
    pub extra: Vec<(usize, String)>,
    /// Number of fields of the header row.
    pub width: usize,
}

impl Header {
    /// Maps header names to `known`: the firm's name for it in `mapped`
    /// (aligned with `known`; case, accents and punctuation ignored), else
    /// its own name (case, spaces and a leading BOM ignored), else one of
    /// the names exports give it (aliases.rs); reports missing `required`
    /// columns and duplicates. `None` when a required column is missing:
    /// the rows cannot be read.
    pub fn map(
        headers: &csv::ByteRecord,
        known: &[&str],
        required: &[&str],
        mapped: &[Option<String>],
        problems: &mut Problems,
    ) -> Option<Header> {
        let header_row = RowAt { line: 1, offset: 0 };
        let mut columns = vec![None; known.len()];
        let mut found_by = vec![None; known.len()];
        let names: Vec<String> = headers
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        let normal: Vec<String> = names.iter().map(|n| super::aliases::normalise(n)).collect();
        let mut used = vec![false; names.len()];
        for (k, name) in mapped.iter().enumerate().take(known.len()) {
            let Some(name) = name else { continue };
            let wanted = super::aliases::normalise(name);
            if let Some(i) = (0..names.len()).find(|&i| !used[i] && normal[i] == wanted) {
                columns[k] = Some(i);
                found_by[k] = Some(Found::Mapped);
                used[i] = true;
            }
        }
        for (i, raw) in headers.iter().enumerate() {
            if used[i] {
                continue;
            }
            let name = String::from_utf8_lossy(raw).trim().to_lowercase();
            match known.iter().position(|k| *k == name) {
                Some(k) if found_by[k] == Some(Found::Exact) => problems.error(
                    Code::LedgerColumn,
                    header_row,
                    FieldAt::Column(i),
                    format!("the column `{name}` appears twice"),
                    "again",
                    "keep one column of each name",
                ),
                Some(k) if columns[k].is_none() => {
                    columns[k] = Some(i);
                    found_by[k] = Some(Found::Exact);
                    used[i] = true;
                }
                _ => {}
            }
        }
        for (k, wanted) in known.iter().enumerate() {
            if columns[k].is_some() {
                continue;
            }
            let aliases = super::aliases::ALIASES
                .iter()
                .find(|(column, _)| column == wanted)
                .map_or(&[][..], |(_, names)| *names);
            for alias in aliases {
                if let Some(i) = (0..names.len()).find(|&i| !used[i] && normal[i] == *alias) {
                    columns[k] = Some(i);
                    found_by[k] = Some(Found::Alias);
                    used[i] = true;
                    break;
                }
            }
        }
        let extra: Vec<(usize, String)> = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, raw)| (i, String::from_utf8_lossy(raw).trim().to_lowercase()))
            .collect();
        let missing: Vec<&str> = known
            .iter()
            .enumerate()
            .filter(|(k, name)| required.contains(name) && columns[*k].is_none())
            .map(|(_, name)| *name)
            .collect();
        let complete = missing.is_empty();
        if !complete {
            let found = &names;
            let single = headers.len() == 1;
            let help = if single && headers.as_slice().contains(&b';') {
                "the header has one column with `;` in it: read the file as `;`-separated with `--dialect locale`".to_string()
            } else if single && headers.as_slice().contains(&b',') {
                "the header has one column with `,` in it: read the file as `,`-separated with `--dialect standard`".to_string()
            } else {
                let likely: Vec<String> = missing
                    .iter()
                    .filter_map(|name| {
                        super::aliases::likely(name, found)
                            .map(|header| format!("{name} = \"{header}\""))
                    })
                    .collect();
                let likely = if likely.is_empty() {
                    "; name the firm's column for each in book.toml, [columns] (docs/import.md)"
                        .to_string()
                } else {
                    format!(
                        "; name the firm's columns in book.toml beside the ledger: [columns] {} (docs/import.md)",
                        likely.join(", ")
                    )
                };
                format!(
                    "the header has: {}; the columns needed are: {}{likely}",
                    found.join(", "),
                    required.join(", ")
                )
            };
            let columns_word = if missing.len() == 1 {
                "column"
            } else {
                "columns"
            };
            let missing: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            problems.error(
                Code::LedgerColumn,
                header_row,
                FieldAt::Row,
                format!("no {} {columns_word}", missing.join(", ")),
                "the header row",
                help,
            );
        }
        complete.then_some(Header {
            columns,
            found: found_by,
            names,
            extra,
            width: headers.len(),
        })
    }

    /// The file index of known column `k`.
    pub fn index(&self, k: usize) -> Option<usize> {
        self.columns.get(k).copied().flatten()
    }

    /// Where known column `k` is, for a problem.
    pub fn at(&self, k: usize) -> FieldAt {
        self.index(k).map_or(FieldAt::Row, FieldAt::Column)
    }

    /// The bytes of known column `k`, `None` when absent or blank.
    pub fn field<'r>(&self, record: &'r impl Fields, k: usize) -> Option<&'r [u8]> {
        let value = record.get(self.index(k)?)?;
        (!value.trim_ascii().is_empty()).then_some(value)
    }
}

/// Checks that every field of a record is UTF-8 (a file saved in Windows-1252
/// is the usual culprit), reporting the first that is not.
pub(crate) fn check_utf8(
    header: &Header,
    record: &csv::ByteRecord,
    row: RowAt,
    problems: &mut Problems,
) -> bool {
    let _ = header;
    match record.iter().position(|f| std::str::from_utf8(f).is_err()) {
        None => true,
        Some(i) => {
            problems.error(
                Code::LedgerSyntax,
                row,
                FieldAt::Column(i),
                "this field is not UTF-8 text",
                "not UTF-8",
                "read it with `--encoding windows-1252` (or `iso-8859-15`), or save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8)",
            );
            false
        }
    }
}

pub(crate) const LEDGER_COLUMNS: &[&str] = super::mapping::LEDGER_KEYS;
/// Every column an invoice row needs: a ledger has invoices, so a file
/// without one of them cannot be read (`debtor`, `amount` and `due` may be
/// empty on other rows).
pub(crate) const LEDGER_REQUIRED: &[&str] = &["date", "type", "invoice", "debtor", "amount", "due"];

/// Bytes of a stretch of the file parsed as one piece of work.
const STRETCH: usize = 1 << 20;

/// Problems come in batches of this many rows (see `Builder::in_batches`):
/// which are kept past the cap depends on it, so it stays what it was.
const BATCH: u32 = 4096;

/// Rows per batch handed over when one reader reads the rest of a file.
const REST_BATCH: u32 = 16_384;

/// Reads a ledger CSV file (or a prepared copy: a workbook's sheet, a
/// decoded file) against its debtors, its columns and types named as `map`
/// says.
///
/// Threads parse stretches of the file (see stretch.rs) while this one
/// gathers their rows in file order; the book is then checked as a whole.
/// The result is that of one reader reading row after row.
pub fn read(
    file: &super::input::Prepared,
    debtors: DebtorIndex,
    options: &ReadOptions,
    map: &super::mapping::BookMap,
) -> Result<Loaded, Diagnostic> {
    read_in_stretches(file, debtors, options, map, STRETCH)
}

/// [`read`], in stretches of `stretch` bytes (0: one reader reads it all).
fn read_in_stretches(
    file: &super::input::Prepared,
    debtors: DebtorIndex,
    options: &ReadOptions,
    map: &super::mapping::BookMap,
    stretch: usize,
) -> Result<Loaded, Diagnostic> {
    match read_in(file, debtors, options, map, stretch)? {
        Outcome::Loaded(loaded) => Ok(loaded),
        Outcome::NotUtf8(debtors) => {
            // Taken as UTF-8 and found not to be: its encoding is
            // detected and the file decoded as `prepare` does, then read
            // again.
            let again = match super::input::prepare(&file.path, Default::default(), None) {
                Ok(again) => again,
                Err(super::input::Failure::Io(d)) => return Err(d),
                Err(super::input::Failure::Data(d)) => {
                    return Ok(Loaded {
                        ledger: None,
                        diagnostics: vec![d].into(),
                    });
                }
            };
            match read_in(&again, debtors, options, map, stretch)? {
                Outcome::Loaded(loaded) => Ok(loaded),
                // A prepared file is checked: never here.
                Outcome::NotUtf8(_) => Err(Diagnostic::error(
                    Code::Internal,
                    format!(
                        "`{}` was decoded and is still not UTF-8",
                        file.path.display()
                    ),
                )),
            }
        }
    }
}

/// What reading a prepared file gives.
enum Outcome {
    Loaded(Loaded),
    /// A file taken as UTF-8 without a check (`Prepared::unchecked`) has
    /// bytes that are not: nothing of it is kept; here are the debtors
    /// back, to read it again once decoded.
    NotUtf8(DebtorIndex),
}

/// The dialect of a prepared file: a workbook's copy is written `;`.
pub(crate) fn choice_for(file: &super::input::Prepared, choice: DialectChoice) -> DialectChoice {
    if file.origin.sheet.is_some() {
        DialectChoice::Locale
    } else {
        choice
    }
}

/// The header's names as written.
pub(crate) fn header_names(headers: &csv::ByteRecord) -> Vec<String> {
    headers
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect()
}

/// One reading of a prepared file, in stretches of `stretch` bytes (0:
/// one reader reads it all); [`Outcome::NotUtf8`] when a file taken as
/// UTF-8 without a check is not.
fn read_in(
    prepared: &super::input::Prepared,
    debtors: DebtorIndex,
    options: &ReadOptions,
    map: &super::mapping::BookMap,
    stretch: usize,
) -> Result<Outcome, Diagnostic> {
    let path = prepared.path.as_path();
    let origin = &prepared.origin;
    let file = open(path, choice_for(prepared, options.dialect), None)?;
    let check_utf8 = prepared.unchecked;
    if check_utf8 && std::str::from_utf8(file.headers.as_slice()).is_err() {
        return Ok(Outcome::NotUtf8(debtors));
    }
    let mapping = map.check_columns(&header_names(&file.headers), false, &origin.shown);
    if mapping.has_errors() {
        return Ok(Outcome::Loaded(Loaded {
            ledger: None,
            diagnostics: mapping,
        }));
    }
    let mut problems = Problems::default();
    let Some(header) = Header::map(
        &file.headers,
        LEDGER_COLUMNS,
        LEDGER_REQUIRED,
        &map.names(LEDGER_COLUMNS, false),
        &mut problems,
    ) else {
        let diagnostics = locate_csv(path, origin, problems, file.dialect.delimiter(), file.bom);
        return Ok(Outcome::Loaded(Loaded {
            ledger: None,
            diagnostics,
        }));
    };
    let columns: [Option<usize>; super::parse::COLS] = std::array::from_fn(|k| header.index(k));
    let mut builder = Builder::new(debtors, options.currency, file.dialect, Some(columns));
    builder.conventions(&map.types, map.signs);
    builder.attribute_names = header.extra.iter().map(|(_, n)| n.clone()).collect();
    // Where the rows start: right after the header record.
    let data = file.reader.position().clone();
    builder.in_batches(BATCH, data.line());
    let length = std::fs::metadata(path).map_or(0, |meta| meta.len());
    builder.reserve(length);
    let mut input = std::fs::File::open(path).map_err(|e| io_error(Op::Read, path, &e))?;
    input
        .seek(SeekFrom::Start(file.bom + data.byte()))
        .map_err(|e| io_error(Op::Read, path, &e))?;
    if let Some(bar) = &options.progress {
        bar.set_length(length);
        bar.set_position(file.bom + data.byte());
    }
    let readers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let shared = Shared {
        path,
        bom: file.bom,
        header: &header,
        parser: builder.parser(),
        delimiter: file.dialect.delimiter(),
        cutter: Mutex::new(Cutter::new(
            input,
            data.byte(),
            stretch,
            options.progress.clone(),
        )),
        spare: Mutex::new(Vec::new()),
        progress: options.progress.as_ref(),
        check_utf8,
        not_utf8: AtomicBool::new(false),
    };
    let mut failure = None;
    in_file_order(
        readers,
        |send| work(&shared, send),
        |rows: &Rows| rows.seq,
        |mut rows| {
            builder.add_rows(&mut rows);
            lock(&shared.spare).push(rows);
            Next::More
        },
        |err| {
            failure.get_or_insert(err);
        },
    );
    let read = failure.map_or(Ok(()), Err);
    if let Err(io) = read {
        return Err(io_error(Op::Read, path, &io));
    }
    let not_utf8 = shared.not_utf8.load(Ordering::Relaxed);
    drop(shared);
    if not_utf8 {
        return Ok(Outcome::NotUtf8(builder.into_debtors()));
    }
    if let Some(bar) = &options.progress {
        bar.finish();
    }
    let (ledger, problems) = builder.finish();
    let diagnostics = locate_csv(path, origin, problems, file.dialect.delimiter(), file.bom);
    Ok(Outcome::Loaded(Loaded {
        ledger: ledger.filter(|_| !diagnostics.has_errors()),
        diagnostics,
    }))
}

/// What the reading threads share.
struct Shared<'a> {
    path: &'a Path,
    bom: u64,
    header: &'a Header,
    parser: Parser,
    delimiter: u8,
    cutter: Mutex<Cutter<std::fs::File>>,
    /// Emptied batches, whose buffers are reused rather than allocated (and
    /// page-faulted) anew.
    spare: Mutex<Vec<Rows>>,
    progress: Option<&'a super::progress::Handle>,
    /// Whether every byte must be checked to be UTF-8 (see
    /// `Prepared::unchecked`), and whether one was found not to be (the
    /// rest of the file is then only read through).
    check_utf8: bool,
    not_utf8: AtomicBool,
}

impl Shared<'_> {
    /// Whether `bytes` may be parsed: they are UTF-8, or need not be
    /// checked; and no bytes before were found not to be.
    fn is_text(&self, bytes: &[u8]) -> bool {
        !matches!(self.check(bytes), Checked::NotText)
    }

    /// `bytes` as text when checked here to be UTF-8 (see [`Checked`]).
    fn check<'b>(&self, bytes: &'b [u8]) -> Checked<'b> {
        if !self.check_utf8 {
            return Checked::Unchecked;
        }
        let text = std::str::from_utf8(bytes);
        if text.is_err() {
            self.not_utf8.store(true, Ordering::Relaxed);
        }
        match text {
            Ok(text) if !self.not_utf8.load(Ordering::Relaxed) => Checked::Text(text),
            _ => Checked::NotText,
        }
    }
}

/// What checking bytes for UTF-8 found.
enum Checked<'b> {
    /// UTF-8: its fields are text without checking each again.
    Text(&'b str),
    /// Not checked (see `Prepared::unchecked`): each field is checked
    /// when read as text.
    Unchecked,
    /// These bytes or earlier ones are not UTF-8: the file is decoded and
    /// read again.
    NotText,
}

impl Shared<'_> {
    fn rows(&self, seq: usize) -> Rows {
        let mut rows = lock(&self.spare).pop().unwrap_or_default();
        rows.seq = seq;
        rows
    }

    /// A reader of records from `input`, which starts after a record.
    fn reader<R: Read>(&self, input: R) -> csv::Reader<impl Read> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_reader(stretch::unmarked(input))
    }
}

/// A reading thread: takes stretches of the file until there are none,
/// sending their rows; on an I/O failure sends it and stops.
fn work(shared: &Shared<'_>, send: &std::sync::mpsc::SyncSender<io::Result<Rows>>) {
    let mut buf = Vec::new();
    loop {
        let job = lock(&shared.cutter).next(&mut buf);
        let result = match job {
            Ok(None) => return,
            Ok(Some(Job::Stretch { seq, offset })) => {
                let mut rows = shared.rows(seq);
                // A stretch ends at a line end, never inside a character.
                match shared.check(&buf) {
                    Checked::NotText => {}
                    Checked::Text(text) => {
                        rows.lines = parse_stretch(
                            shared,
                            Records::of_text(text, shared.delimiter),
                            offset,
                            &mut rows,
                        );
                    }
                    Checked::Unchecked => {
                        let records = Records::new(&buf, shared.delimiter);
                        rows.lines = parse_stretch(shared, records, offset, &mut rows);
                    }
                }
                Ok(rows)
            }
            Ok(Some(Job::Rest { seq, offset })) => read_rest(shared, seq, offset, send),
            Err(err) => Err(err),
        };
        if send.send(result).is_err() {
            return;
        }
    }
}

/// Reads everything from `offset` on as one reader (the file has a quoted
/// field there), sending batches `seq`, `seq + 1`, …; returns the last.
fn read_rest(
    shared: &Shared<'_>,
    mut seq: usize,
    offset: u64,
    send: &std::sync::mpsc::SyncSender<io::Result<Rows>>,
) -> io::Result<Rows> {
    let mut file = std::fs::File::open(shared.path)?;
    file.seek(SeekFrom::Start(shared.bom + offset))?;
    let input: Box<dyn Read> = match shared.progress {
        Some(bar) => {
            bar.set_position(shared.bom + offset);
            Box::new(super::progress::wrap(bar.clone(), file))
        }
        None => Box::new(file),
    };
    let mut reader = shared.reader(input);
    loop {
        // Lines count on from the same line in every batch: `lines` stays 0.
        let mut rows = shared.rows(seq);
        if !parse_records(shared, &mut reader, offset, &mut rows, REST_BATCH)? {
            return Ok(rows);
        }
        if send.send(Ok(rows)).is_err() {
            return Ok(Rows::default());
        }
        seq += 1;
    }
}

/// Reads and parses records into `rows` until the input ends (`false`) or
/// `limit` rows are parsed (`true`). Positions are the reader's plus
/// `offset` bytes; lines are the reader's.
fn parse_records<R: Read>(
    shared: &Shared<'_>,
    reader: &mut csv::Reader<R>,
    offset: u64,
    rows: &mut Rows,
    limit: u32,
) -> io::Result<bool> {
    let mut record = csv::ByteRecord::new();
    while rows.parsed() < limit {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(false),
            Err(err) => {
                if let csv::ErrorKind::Io(io) = err.kind() {
                    return Err(io::Error::new(io.kind(), io.to_string()));
                }
                syntax_problem(&err, offset, rows.problems());
                rows.rank_problems();
                continue;
            }
        }
        // Its fields hold every byte of the record but the separators,
        // quotes and line ends, which are ASCII.
        if !shared.is_text(record.as_slice()) {
            continue;
        }
        let mut at = row_at(&record);
        at.offset += offset;
        take_record(shared, &record, at, rows);
    }
    Ok(true)
}

/// Parses the records of a stretch with no quote (split by hand, see
/// split.rs) into `rows`; returns the line ends it spans.
fn parse_stretch(
    shared: &Shared<'_>,
    mut records: Records<'_>,
    offset: u64,
    rows: &mut Rows,
) -> u64 {
    let (mut record, mut next) = (Record::default(), Record::default());
    let mut more = records.next_into(&mut record);
    while more {
        // A row ahead, so that its debtor's slot is in cache when it is parsed.
        more = records.next_into(&mut next);
        if more {
            shared.parser.prefetch_debtor(&CsvRow {
                header: shared.header,
                record: &next,
                row: RowAt::default(),
            });
        }
        let at = RowAt {
            line: u32::try_from(record.line).unwrap_or(u32::MAX),
            offset: offset + record.byte as u64,
        };
        take_record(shared, &record, at, rows);
        std::mem::swap(&mut record, &mut next);
    }
    records.newlines()
}

/// Checks a record's width and parses it into `rows` unless it is blank.
fn take_record(shared: &Shared<'_>, record: &impl Fields, at: RowAt, rows: &mut Rows) {
    let header = shared.header;
    let row = CsvRow {
        header,
        record,
        row: at,
    };
    let width = record.count();
    if width != header.width && !(width == 1 && row.is_blank()) {
        rows.error(
            Code::LedgerSyntax,
            row.row,
            FieldAt::Row,
            format!(
                "this row has {width} field{}, the header {}",
                if width == 1 { "" } else { "s" },
                header.width
            ),
            "here",
            format!(
                "every row has one field per column, separated by `{}`; quote a value that contains it",
                shared.delimiter as char
            ),
        );
        return;
    }
    if row.is_blank() {
        return;
    }
    rows.parse(&shared.parser, &row, false);
}

struct CsvRow<'a, F> {
    header: &'a Header,
    record: &'a F,
    row: RowAt,
}

impl<F: Fields> CsvRow<'_, F> {
    fn is_blank(&self) -> bool {
        (0..self.record.count())
            .all(|i| self.record.get(i).is_none_or(|f| f.trim_ascii().is_empty()))
    }
}

impl<F: Fields> Row for CsvRow<'_, F> {
    fn value(&self, col: Col) -> Option<&[u8]> {
        self.header.field(self.record, col as usize)
    }

    fn text(&self, col: Col) -> Option<&str> {
        self.record.text(self.header.index(col as usize)?)
    }

    fn at(&self, col: Col) -> FieldAt {
        self.header.at(col as usize)
    }

    fn row(&self) -> RowAt {
        self.row
    }

    fn attributes(&self, problems: &mut Problems) -> Option<Box<[Box<str>]>> {
        if self.header.extra.is_empty() {
            return Some(Box::default());
        }
        let mut values = Vec::with_capacity(self.header.extra.len());
        for &(i, _) in &self.header.extra {
            let raw = self.record.get(i).unwrap_or_default();
            match std::str::from_utf8(raw) {
                Ok(text) => values.push(Box::from(text.trim())),
                Err(_) => {
                    problems.error(
                        Code::LedgerSyntax,
                        self.row,
                        FieldAt::Column(i),
                        "this field is not UTF-8 text",
                        "not UTF-8",
                        "read it with `--encoding windows-1252` (or `iso-8859-15`), or save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8)",
                    );
                    return None;
                }
            }
        }
        Some(values.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::render;

    const DEBTORS: &str = "id,name,kind,guarantor\nA,Alpha,b2b,\nB,\"Beta, SA\",b2c,Gus\n";

    /// A ledger with every kind of row and problem, over many stretches
    /// when they are small: invoices out of order, entries before their
    /// invoice, blank lines, CRLF line ends, a byte-order mark inside, rows
    /// of the wrong width, a last row without a line end.
    fn tricky(rows: usize, problems: bool) -> String {
        let mut out = String::from("date,type,invoice,debtor,amount,due\n\n");
        for i in 0..rows {
            let reference = if i % 7 == 3 {
                format!("Z-{:05}", rows - i) // out of order
            } else {
                format!("F-{i:05}")
            };
            let day = 1 + i % 27;
            let debtor = if i % 2 == 0 { "A" } else { "B" };
            if i % 5 == 0 {
                // paid before the invoice row comes
                out.push_str(&format!("2025-03-{day:02},payment,{reference},,10.00,\n"));
            }
            out.push_str(&format!(
                "2025-02-{day:02},invoice,{reference},{debtor},{}.{:02},2025-03-{day:02}\n",
                100 + i,
                i % 100
            ));
            match i % 11 {
                0 => out.push_str(&format!("2025-04-01,credit_note,{reference},,5,\r\n")),
                1 => out.push_str("\n\n"),
                2 => out.push_str(&format!(
                    "2025-03-02,dispute,{reference},,,\n2025-03-09,resolve,{reference},,,\n"
                )),
                4 => out.push_str(&format!("2025-03-03,payment,{reference},{debtor},1,\n")),
                _ => {}
            }
            if problems {
                match i % 13 {
                    0 => out.push_str("2025-13-01,payment,F-00001,,1,\n"),
                    1 => out.push_str(&format!("2025-02-01,invoice,{reference},A,1,2025-03-01\n")),
                    2 if i < 300 => out.push_str("2025-02-01,payment,NOPE,,1,\n"),
                    3 => out.push_str("\u{feff}2025-02-01,payment,F-00002,,1,\n"),
                    4 => out.push_str("2025-02-01,payment\n"),
                    5 => out.push_str(&format!("2025-02-01,payment,{reference},B,1,\n")),
                    6 => out.push_str(&format!("2025-03-01,payment,{reference},,100000,\n")),
                    7 => out.push_str(&format!("2025-03-01,resolve,{reference},,,\n")),
                    8 => out.push_str("2025-02-01,invoice,X-1,NOBODY,1,2025-03-01\n"),
                    _ => {}
                }
            }
        }
        out.push_str("2025-05-01,payment,F-00000,,1,");
        out
    }

    /// Extra columns stay with their entry when its invoice's entries are
    /// put in date order, and with their invoice when the invoices are put
    /// in reference order; entries and invoices stay small.
    #[test]
    fn entries_keep_their_extra_columns_in_date_order() {
        assert!(std::mem::size_of::<crate::ledger::Entry>() <= 28);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        std::fs::write(
            &path,
            "date,type,invoice,debtor,amount,due,note\n\
             2025-03-09,payment,F-2,,5,,third\n\
             2025-02-01,invoice,F-2,A,100,2025-03-01,issued\n\
             2025-03-05,credit_note,F-2,,5,,second\n\
             2025-03-02,payment,F-2,,5,,first\n\
             2025-02-01,invoice,F-1,B,100,2025-03-01,\n\
             2025-03-01,payment,F-1,,1,,only\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
        let debtors = dir.path().join("debtors.csv");
        let loaded = crate::ledger::read(&path, Some(&debtors), &ReadOptions::default()).unwrap();
        let ledger = loaded.ledger.unwrap();
        let notes = |reference: &str| -> Vec<(String, String)> {
            let invoice = ledger
                .invoices
                .iter()
                .find(|i| i.reference == reference)
                .unwrap();
            let entries = ledger.entries_of(invoice);
            let values = ledger.entry_attributes_of(invoice);
            assert_eq!(entries.len(), values.len());
            entries
                .iter()
                .zip(values)
                .map(|(entry, values)| {
                    let (_, note) = ledger.attributes(values).next().unwrap();
                    (entry.date.to_string(), note.to_string())
                })
                .collect()
        };
        let day = |d: &str, n: &str| (d.to_string(), n.to_string());
        assert_eq!(
            notes("F-2"),
            [
                day("2025-03-02", "first"),
                day("2025-03-05", "second"),
                day("2025-03-09", "third")
            ]
        );
        assert_eq!(notes("F-1"), [day("2025-03-01", "only")]);
        // The invoices' own, beside them too, in reference order (the file
        // has F-2 first).
        assert!(std::mem::size_of::<crate::ledger::Invoice>() <= 64);
        let invoice_note = |i: usize| {
            let (name, value) = ledger
                .invoice_attributes(&ledger.invoices[i])
                .next()
                .unwrap();
            format!("{} {name}={value}", ledger.invoices[i].reference)
        };
        assert_eq!(
            [invoice_note(0), invoice_note(1)],
            ["F-1 note=", "F-2 note=issued"]
        );
    }

    /// A ledger saved in Windows-1252 is decoded whether its first byte
    /// that is not UTF-8 is in the header, in a stretch read by hand after
    /// hundreds of rows, or in a quoted field (one reader): what reading it
    /// as it comes finds is what checking it through first found.
    #[test]
    fn a_ledger_that_is_not_utf8_is_decoded_however_it_is_read() {
        for header in [&b"note"[..], b"n\xf4te"] {
            let mut ledger = b"date,type,invoice,debtor,amount,due,".to_vec();
            ledger.extend_from_slice(header);
            ledger.push(b'\n');
            for i in 0..300 {
                let row = format!("2025-02-01,invoice,F-{i:04},A,100,2025-03-01,ok\n");
                ledger.extend_from_slice(row.as_bytes());
            }
            ledger.extend_from_slice(b"2025-02-01,invoice,F-9999,B,100,2025-03-01,d\xe9j\xe0\n");
            ledger.extend_from_slice(
                b"2025-02-02,invoice,F-9998,B,100,2025-03-01,\"caf\xe9, cr\xe8me\"\n",
            );
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.csv");
            std::fs::write(&path, &ledger).unwrap();
            std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
            for stretch in [0, 1, 64, 1000, 1 << 20] {
                let found = read_text(&path, stretch);
                assert!(found.contains("déjà"), "{stretch}: {found}");
                assert!(found.contains("café, crème"), "{stretch}");
            }
        }
    }

    /// What reading the ledger at `path` finds, as comparable text.
    fn read_text(path: &Path, stretch: usize) -> String {
        let debtors_path = path.with_file_name("debtors.csv");
        let (debtors, _) =
            super::super::debtors::read_csv(&debtors_path, DialectChoice::Auto).unwrap();
        let text = |prepared: &super::super::input::Prepared| {
            let loaded = read_in_stretches(
                prepared,
                debtors.clone(),
                &ReadOptions::default(),
                &Default::default(),
                stretch,
            )
            .unwrap();
            format!(
                "{:#?}\n{}",
                loaded.ledger,
                render::json(&loaded.diagnostics)
            )
        };
        // Checked through first, or as it is read: the same.
        let input = super::super::input::prepare(path, Default::default(), None).unwrap();
        let lazily = super::super::input::prepare_lazily(path, Default::default(), None).unwrap();
        let found = text(&lazily);
        assert!(found == text(&input), "read lazily, the ledger differs");
        found
    }

    /// What one reader finds in `ledger`, checked to be what readers of
    /// stretches of any size find.
    fn same_in_any_stretches(ledger: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        std::fs::write(&path, ledger).unwrap();
        std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
        let whole = read_text(&path, 0);
        for stretch in [1, 5, 64, 1000, 1 << 20] {
            let found = read_text(&path, stretch);
            if let Some((line, (a, b))) = whole
                .lines()
                .zip(found.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                panic!("stretches of {stretch} bytes, line {line}: `{a}` read as `{b}`");
            }
            assert_eq!(found.len(), whole.len(), "stretches of {stretch} bytes");
        }
        whole
    }

    #[test]
    fn stretches_read_like_one_reader_a_good_book() {
        let whole = same_in_any_stretches(&tricky(400, false));
        assert!(whole.starts_with("Some("), "{whole}");
    }

    #[test]
    fn stretches_read_like_one_reader_a_bad_book() {
        let whole = same_in_any_stretches(&tricky(400, true));
        assert!(whole.starts_with("None"), "{whole}");
        for code in [
            "ledger_date",
            "ledger_duplicate_invoice",
            "ledger_unknown_invoice",
            "ledger_syntax",
            "ledger_debtor_mismatch",
            "ledger_overpayment",
            "ledger_dispute",
            "ledger_unknown_debtor",
        ] {
            assert!(whole.contains(code), "{code}: {whole}");
        }
    }

    #[test]
    fn stretches_keep_the_same_problems_past_the_cap() {
        let whole = same_in_any_stretches(&tricky(6000, true));
        assert!(whole.contains("more problems"));
    }

    #[test]
    fn a_quoted_field_midway_is_read_by_one_reader_from_its_stretch() {
        let mut ledger = tricky(300, false);
        let middle = ledger.len() / 2;
        let at = middle + ledger[middle..].find('\n').unwrap() + 1;
        ledger.insert_str(at, "2025-03-05,payment,\"F-00011\",,1,\n");
        let whole = same_in_any_stretches(&ledger);
        assert!(whole.starts_with("Some("), "{whole}");
    }

    #[test]
    fn an_invoice_issued_again_after_a_lower_reference_is_a_duplicate() {
        let ledger = "date,type,invoice,debtor,amount,due\n\
                      2025-01-01,invoice,B,A,10,2025-02-01\n\
                      2025-01-01,invoice,A,A,10,2025-02-01\n\
                      2025-01-01,invoice,B,A,10,2025-02-01\n";
        let found = same_in_any_stretches(ledger);
        assert!(found.contains("the invoice `B` is issued twice"), "{found}");
        assert!(found.contains("\"line\": 4"), "{found}");
    }
}

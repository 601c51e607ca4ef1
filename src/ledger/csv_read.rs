//! CSV files (ledger and debtors), in either dialect, with the `csv` crate.
//! Streams: a row is read into one reused `ByteRecord` and parsed from its
//! bytes; nothing of the file is kept but what the ledger holds.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::build::{Builder, Col, Parsed, Parser, Row};
use super::problem::{FieldAt, Problems, RowAt, locate_csv};
use super::{DebtorIndex, Dialect, DialectChoice, Loaded, ReadOptions};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::io_error;

/// An open CSV file, positioned after its header row.
pub struct CsvFile {
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
    progress: Option<&indicatif::ProgressBar>,
) -> Result<CsvFile, Diagnostic> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let input: Box<dyn Read + Send> = match progress {
        Some(bar) => {
            if let Ok(meta) = file.metadata() {
                bar.set_length(meta.len());
            }
            Box::new(bar.wrap_read(file))
        }
        None => Box::new(file),
    };
    let mut buffered = BufReader::with_capacity(1 << 16, input);
    let head = buffered.fill_buf().map_err(|e| io_error(path, &e))?;
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
                csv::ErrorKind::Io(io) => io_error(path, io),
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
pub fn row_at(record: &csv::ByteRecord) -> RowAt {
    record.position().map_or(RowAt::default(), |p| RowAt {
        line: u32::try_from(p.line()).unwrap_or(u32::MAX),
        offset: p.byte(),
    })
}

/// A malformed record (bad quoting): reported, and reading goes on.
pub fn syntax_problem(err: &csv::Error, problems: &mut Problems) {
    let row = err.position().map_or(RowAt::default(), |p| RowAt {
        line: u32::try_from(p.line()).unwrap_or(u32::MAX),
        offset: p.byte(),
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

/// The columns of a file, mapped from its header row.
pub struct Header {
    /// Index of each known column in the file, in the order asked.
    columns: Vec<Option<usize>>,
    /// Columns the contract does not name: (index, header).
    pub extra: Vec<(usize, String)>,
    /// Number of fields of the header row.
    pub width: usize,
}

impl Header {
    /// Maps header names (case, spaces and a leading BOM ignored) to
    /// `known`; reports missing `required` columns and duplicates. `None`
    /// when a required column is missing: the rows cannot be read.
    pub fn map(
        headers: &csv::ByteRecord,
        known: &[&str],
        required: &[&str],
        problems: &mut Problems,
    ) -> Option<Header> {
        let header_row = RowAt { line: 1, offset: 0 };
        let mut columns = vec![None; known.len()];
        let mut extra = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            let name = String::from_utf8_lossy(raw).trim().to_lowercase();
            match known.iter().position(|k| *k == name) {
                Some(k) if columns[k].is_some() => problems.error(
                    Code::LedgerColumn,
                    header_row,
                    FieldAt::Column(i),
                    format!("the column `{name}` appears twice"),
                    "again",
                    "keep one column of each name",
                ),
                Some(k) => columns[k] = Some(i),
                None => extra.push((i, name)),
            }
        }
        let missing: Vec<String> = known
            .iter()
            .enumerate()
            .filter(|(k, name)| required.contains(name) && columns[*k].is_none())
            .map(|(_, name)| format!("`{name}`"))
            .collect();
        let complete = missing.is_empty();
        if !complete {
            let single = headers.len() == 1;
            let help = if single && headers.as_slice().contains(&b';') {
                "the header has one column with `;` in it: read the file as `;`-separated with `--dialect locale`".to_string()
            } else if single && headers.as_slice().contains(&b',') {
                "the header has one column with `,` in it: read the file as `,`-separated with `--dialect standard`".to_string()
            } else {
                format!(
                    "the first row names the columns; required: {}",
                    required.join(", ")
                )
            };
            let columns_word = if missing.len() == 1 {
                "column"
            } else {
                "columns"
            };
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
    pub fn field<'r>(&self, record: &'r csv::ByteRecord, k: usize) -> Option<&'r [u8]> {
        let value = record.get(self.index(k)?)?;
        (!value.trim_ascii().is_empty()).then_some(value)
    }
}

/// Checks that every field of a record is UTF-8 (a file saved in Windows-1252
/// is the usual culprit), reporting the first that is not.
pub fn check_utf8(
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
                "save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8)",
            );
            false
        }
    }
}

const LEDGER_COLUMNS: &[&str] = &[
    "date", "type", "invoice", "debtor", "amount", "due", "currency",
];
const LEDGER_REQUIRED: &[&str] = &["date", "type", "invoice"];

/// Reads a ledger CSV file against its debtors.
pub fn read(
    path: &Path,
    debtors: DebtorIndex,
    options: &ReadOptions,
) -> Result<Loaded, Diagnostic> {
    let mut file = open(path, options.dialect, options.progress.as_ref())?;
    let mut problems = Problems::default();
    let Some(header) = Header::map(
        &file.headers,
        LEDGER_COLUMNS,
        LEDGER_REQUIRED,
        &mut problems,
    ) else {
        let diagnostics = locate_csv(path, problems, file.dialect.delimiter(), file.bom);
        return Ok(Loaded {
            ledger: None,
            diagnostics,
        });
    };
    let columns: [Option<usize>; 7] = std::array::from_fn(|k| header.index(k));
    let mut builder = Builder::new(debtors, options.currency, file.dialect, Some(columns));
    builder.attribute_names = header.extra.iter().map(|(_, n)| n.clone()).collect();
    if let Ok(meta) = std::fs::metadata(path) {
        builder.reserve(meta.len());
    }
    // Two threads: this one parses rows (the csv crate, dates, amounts,
    // debtor ids) and the caller's builds the book (invoice lookups), in
    // batches. The order of rows is kept, so the result is that of one
    // thread.
    let parser = builder.parser();
    let delimiter = file.dialect.delimiter();
    let reader = &mut file.reader;
    let header = &header;
    let read = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(8);
        // Emptied batches go back to be refilled: their buffers are reused
        // rather than allocated (and page-faulted) anew.
        let (recycle, reuse) = std::sync::mpsc::channel::<Batch>();
        let producer =
            scope.spawn(move || parse_rows(reader, header, &parser, delimiter, &send, &reuse));
        for mut batch in receive {
            builder
                .problems()
                .absorb(std::mem::take(&mut batch.problems));
            for parsed in batch.rows.drain(..) {
                builder.add_parsed(parsed, &batch.arena);
            }
            batch.arena.clear();
            let _ = recycle.send(batch);
        }
        producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    if let Err(io) = read {
        return Err(io_error(path, &io));
    }
    if let Some(bar) = &options.progress {
        bar.finish_and_clear();
    }
    let (ledger, problems) = builder.finish();
    let diagnostics = locate_csv(path, problems, file.dialect.delimiter(), file.bom);
    Ok(Loaded {
        ledger: ledger.filter(|_| !diagnostics.has_errors()),
        diagnostics,
    })
}

/// Rows parsed together, their references in one arena.
struct Batch {
    rows: Vec<Parsed>,
    arena: Vec<u8>,
    problems: Problems,
}

const BATCH: usize = 4096;

impl Batch {
    fn new() -> Self {
        Batch {
            rows: Vec::with_capacity(BATCH),
            arena: Vec::with_capacity(BATCH * 16),
            problems: Problems::default(),
        }
    }
}

/// Reads and parses every row, sending them in batches; `Err` on an I/O
/// failure (the receiver gone is not one: it stopped on purpose).
fn parse_rows(
    reader: &mut csv::Reader<Box<dyn Read + Send>>,
    header: &Header,
    parser: &Parser,
    delimiter: u8,
    send: &std::sync::mpsc::SyncSender<Batch>,
    reuse: &std::sync::mpsc::Receiver<Batch>,
) -> Result<(), std::io::Error> {
    let mut record = csv::ByteRecord::new();
    let mut batch = Batch::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                if let csv::ErrorKind::Io(io) = err.kind() {
                    return Err(std::io::Error::new(io.kind(), io.to_string()));
                }
                syntax_problem(&err, &mut batch.problems);
                continue;
            }
        }
        let row = CsvRow {
            header,
            record: &record,
            row: row_at(&record),
        };
        if record.len() != header.width && !(record.len() == 1 && row.is_blank()) {
            batch.problems.error(
                Code::LedgerSyntax,
                row.row,
                FieldAt::Row,
                format!(
                    "this row has {} field{}, the header {}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    header.width
                ),
                "here",
                format!(
                    "every row has one field per column, separated by `{}`; quote a value that contains it",
                    delimiter as char
                ),
            );
            continue;
        }
        if row.is_blank() {
            continue;
        }
        if let Some(parsed) = parser.parse(&row, &mut batch.arena, &mut batch.problems) {
            batch.rows.push(parsed);
        }
        if batch.rows.len() == BATCH {
            let next = reuse.try_recv().unwrap_or_else(|_| Batch::new());
            let full = std::mem::replace(&mut batch, next);
            if send.send(full).is_err() {
                return Ok(());
            }
        }
    }
    let _ = send.send(batch);
    Ok(())
}

struct CsvRow<'a> {
    header: &'a Header,
    record: &'a csv::ByteRecord,
    row: RowAt,
}

impl CsvRow<'_> {
    fn is_blank(&self) -> bool {
        self.record.iter().all(|f| f.trim_ascii().is_empty())
    }
}

impl Row for CsvRow<'_> {
    fn value(&self, col: Col) -> Option<&[u8]> {
        self.header.field(self.record, col as usize)
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
                        "save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8)",
                    );
                    return None;
                }
            }
        }
        Some(values.into_boxed_slice())
    }
}

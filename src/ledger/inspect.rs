//! `policy ledger inspect FILE`: what the reader makes of a book file, so
//! that a user sees at once whether it was understood: its format, sheet,
//! encoding and dialect, how each column we need maps to the firm's, how
//! many rows of each type with their totals, the dates it spans, and the
//! sign its payments are written with. Needs no debtors file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::csv_read::{self, Found, Header, LEDGER_COLUMNS, LEDGER_REQUIRED};
use super::input::{self, Format, Prepared};
use super::mapping::{self, BookMap};
use super::parse::{Col, Parser, RowKind};
use super::problem::Problems;
use super::{DebtorIndex, ReadOptions, dialect};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// What a book file was found to be.
#[derive(Debug)]
pub struct Inspection {
    pub shown: String,
    pub format: Format,
    pub encoding: &'static str,
    pub detected: bool,
    /// The sheet read, its header row, and every sheet of the workbook.
    pub sheet: Option<(String, u32, Vec<String>)>,
    pub dialect: Option<super::Dialect>,
    pub mapping: Option<String>,
    /// Each column of ours: the firm's column and how it was found.
    pub columns: Vec<(&'static str, Option<(String, Found)>)>,
    pub other_columns: Vec<String>,
    pub rows: usize,
    /// Per type: rows and total.
    pub types: BTreeMap<&'static str, (usize, Decimal)>,
    /// Types not understood, with how many rows.
    pub unknown_types: BTreeMap<String, usize>,
    /// Rows whose date or amount could not be read.
    pub bad_dates: usize,
    pub bad_amounts: usize,
    pub dates: Option<(NaiveDate, NaiveDate)>,
    /// Payments and credit notes written above zero, and below.
    pub signs: [usize; 2],
    pub sign_convention: mapping::Signs,
}

/// Why a file cannot be inspected.
pub enum Failure {
    /// Cannot be read (exit 2).
    Io(Diagnostic),
    /// Not understood (exit 1): what is wrong.
    Data(Diagnostics),
}

/// Inspects the ledger at `path`.
pub fn inspect(path: &Path, options: &ReadOptions) -> Result<Inspection, Failure> {
    let map = match BookMap::find(path, options.map.as_deref()) {
        Ok(map) => map,
        Err(mapping::Failure::Io(d)) => return Err(Failure::Io(d)),
        Err(mapping::Failure::Data(d)) => return Err(Failure::Data(d)),
    };
    let mapping = map.as_ref().map(|m| m.shown.clone());
    let map = map.unwrap_or_default();
    let encoding = map
        .encoding
        .as_deref()
        .and_then(input::EncodingChoice::from_label)
        .filter(|_| options.encoding == input::EncodingChoice::Auto)
        .unwrap_or(options.encoding);
    let sheet = options.sheet.as_deref().or(map.sheet.as_deref());
    let prepared = input::prepare(path, encoding, sheet).map_err(|f| match f {
        input::Failure::Io(d) => Failure::Io(d),
        input::Failure::Data(d) => Failure::Data(Diagnostics::from(vec![d])),
    })?;
    let mut found = Inspection {
        shown: prepared.origin.shown.clone(),
        format: prepared.format,
        encoding: prepared.encoding,
        detected: prepared.detected,
        sheet: prepared
            .origin
            .sheet
            .as_ref()
            .map(|s| (s.name.clone(), s.header_row, prepared.sheets.clone())),
        dialect: None,
        mapping,
        columns: Vec::new(),
        other_columns: Vec::new(),
        rows: 0,
        types: BTreeMap::new(),
        unknown_types: BTreeMap::new(),
        bad_dates: 0,
        bad_amounts: 0,
        dates: None,
        signs: [0, 0],
        sign_convention: map.signs,
    };
    if prepared.format == Format::Json {
        return Ok(found);
    }
    rows(&prepared, options, &map, &mut found)?;
    Ok(found)
}

fn rows(
    prepared: &Prepared,
    options: &ReadOptions,
    map: &BookMap,
    found: &mut Inspection,
) -> Result<(), Failure> {
    let path = prepared.path.as_path();
    let mut file = csv_read::open(path, csv_read::choice_for(prepared, options.dialect), None)
        .map_err(Failure::Io)?;
    if prepared.origin.sheet.is_none() {
        found.dialect = Some(file.dialect);
    }
    let mapping = map.check_columns(
        &csv_read::header_names(&file.headers),
        false,
        &prepared.origin.shown,
    );
    if mapping.has_errors() {
        return Err(Failure::Data(mapping));
    }
    let mut problems = Problems::default();
    let header = Header::map(
        &file.headers,
        LEDGER_COLUMNS,
        LEDGER_REQUIRED,
        &map.names(LEDGER_COLUMNS, false),
        &mut problems,
    );
    let Some(header) = header else {
        return Err(Failure::Data(super::problem::locate_csv(
            path,
            &prepared.origin,
            problems,
            file.dialect.delimiter(),
            file.bom,
        )));
    };
    found.columns = LEDGER_COLUMNS
        .iter()
        .enumerate()
        .map(|(k, ours)| {
            let theirs = header
                .index(k)
                .zip(header.found[k])
                .map(|(i, how)| (header.names[i].clone(), how));
            (*ours, theirs)
        })
        .collect();
    found.other_columns = header
        .extra
        .iter()
        .map(|(i, _)| header.names[*i].clone())
        .collect();
    let mut parser = Parser::new(
        Arc::new(DebtorIndex::default()),
        options.currency,
        file.dialect,
    );
    parser.conventions(&map.types, map.signs);
    let mut record = csv::ByteRecord::new();
    fn value<'r>(header: &Header, record: &'r csv::ByteRecord, col: Col) -> Option<&'r [u8]> {
        header.field(record, col as usize).map(<[u8]>::trim_ascii)
    }
    while file.reader.read_byte_record(&mut record).unwrap_or(false) {
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        found.rows += 1;
        let Some(raw) = value(&header, &record, Col::Type) else {
            *found.unknown_types.entry(String::new()).or_default() += 1;
            continue;
        };
        let Some(kind) = parser.kind_of(raw) else {
            let word = String::from_utf8_lossy(raw).trim().to_string();
            *found.unknown_types.entry(word).or_default() += 1;
            continue;
        };
        let name = match kind {
            RowKind::Invoice => "invoice",
            RowKind::Entry(kind) => kind.as_str(),
            RowKind::Exception(kind) => kind.as_str(),
        };
        match value(&header, &record, Col::Date).map(|d| dialect::parse_date(d, file.dialect)) {
            Some(Ok(date)) => {
                found.dates = Some(match found.dates {
                    None => (date, date),
                    Some((first, last)) => (first.min(date), last.max(date)),
                });
            }
            _ => found.bad_dates += 1,
        }
        let amount = match value(&header, &record, Col::Amount) {
            Some(raw) => match dialect::parse_money(raw, file.dialect) {
                Ok((amount, _)) => amount,
                Err(_) => {
                    found.bad_amounts += 1;
                    Decimal::ZERO
                }
            },
            None => Decimal::ZERO,
        };
        if matches!(kind, RowKind::Entry(k) if k.settles()) && !amount.is_zero() {
            found.signs[usize::from(amount < Decimal::ZERO)] += 1;
        }
        let entry = found.types.entry(name).or_insert((0, Decimal::ZERO));
        entry.0 += 1;
        entry.1 = entry.1.saturating_add(amount.abs());
    }
    Ok(())
}

impl Inspection {
    /// Whether the whole book is read after the file at `path`: a debtors
    /// file is given or lies beside it, or the file is JSON (which carries
    /// its debtors).
    pub(crate) fn reads_book(&self, path: &Path, debtors_given: bool) -> bool {
        let beside = path.parent().unwrap_or(Path::new(".")).join("debtors.csv");
        debtors_given || beside.is_file() || self.format == Format::Json
    }

    /// The report's last line when the whole book is not read.
    pub(crate) fn book_not_read() -> String {
        let mut out = String::new();
        line(
            &mut out,
            "book",
            "not read: no debtors file (give it with --debtors)",
        );
        out
    }

    /// The report's last line once the whole book was read: its size, or
    /// how many errors it has (listed below the report).
    pub(crate) fn book_read(loaded: &super::Loaded) -> String {
        let mut out = String::new();
        let text = match &loaded.ledger {
            Some(ledger) => format!(
                "read: {} debtors, {} invoices, {} rows, no errors",
                ledger.debtors.len(),
                ledger.invoices.len(),
                ledger.rows()
            ),
            None => {
                let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
                let word = if errors == 1 { "error" } else { "errors" };
                format!("not read: {errors} {word} (below)")
            }
        };
        line(&mut out, "book", &text);
        out
    }

    /// The report, for people.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.shown);
        let mut format = self.format.describe().to_string();
        if let Some((sheet, row, sheets)) = &self.sheet {
            let _ = write!(format, ", sheet `{sheet}` (of {})", sheets.join(", "));
            let _ = write!(format, ", header on row {row}");
        }
        line(&mut out, "format", &format);
        if self.format == Format::Csv {
            let how = if self.detected { "detected" } else { "as told" };
            line(&mut out, "encoding", &format!("{} ({how})", self.encoding));
        }
        if let Some(dialect) = self.dialect {
            line(&mut out, "dialect", dialect.describe());
        }
        if self.format == Format::Json {
            line(
                &mut out,
                "columns",
                "the JSON ledger's fields (docs/ledger.md)",
            );
            return out;
        }
        line(
            &mut out,
            "mapping",
            self.mapping
                .as_deref()
                .unwrap_or("none (the columns' own and usual names)"),
        );
        let _ = writeln!(out, "  columns");
        for (ours, theirs) in &self.columns {
            match theirs {
                Some((name, how)) => {
                    let _ = writeln!(out, "    {ours:<9} ← {name}  ({})", how.describe());
                }
                None => {
                    let _ = writeln!(out, "    {ours:<9} – none");
                }
            }
        }
        if !self.other_columns.is_empty() {
            line(
                &mut out,
                "kept",
                &format!("{} (for templates)", self.other_columns.join(", ")),
            );
        }
        line(&mut out, "rows", &self.rows.to_string());
        if let Some((first, last)) = self.dates {
            line(&mut out, "dates", &format!("{first} to {last}"));
        }
        let _ = writeln!(out, "  totals");
        for (kind, (count, total)) in &self.types {
            let _ = writeln!(out, "    {kind:<12} {count:>7} rows  {total:>14.2}");
        }
        let [above, below] = self.signs;
        let signs = match (above, below, self.sign_convention) {
            (0, 0, _) => None,
            (_, 0, _) => Some("payments and credit notes written above zero".to_string()),
            (0, _, _) => Some("payments and credit notes written below zero".to_string()),
            (a, b, _) => Some(format!(
                "mixed: {a} payments or credit notes above zero, {b} below (an error unless book.toml says `signs`)"
            )),
        };
        if let Some(signs) = signs {
            line(&mut out, "signs", &signs);
        }
        for (word, count) in &self.unknown_types {
            let word = if word.is_empty() { "(empty)" } else { word };
            line(
                &mut out,
                "not read",
                &format!("{count} rows of type `{word}` (name it in book.toml, [types])"),
            );
        }
        if self.bad_dates > 0 {
            line(
                &mut out,
                "not read",
                &format!("{} rows without a readable date", self.bad_dates),
            );
        }
        if self.bad_amounts > 0 {
            line(
                &mut out,
                "not read",
                &format!("{} rows without a readable amount", self.bad_amounts),
            );
        }
        out
    }
}

fn line(out: &mut String, what: &str, text: &str) {
    let _ = writeln!(out, "  {what:<9} {text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Diagnostic};

    #[test]
    fn the_book_line_says_what_was_read_or_why_not() {
        assert_eq!(
            Inspection::book_not_read(),
            "  book      not read: no debtors file (give it with --debtors)\n"
        );
        let errors = super::super::Loaded {
            ledger: None,
            diagnostics: vec![
                Diagnostic::error(Code::Io, "a"),
                Diagnostic::warning(Code::NeverFires, "b"),
            ]
            .into(),
        };
        assert_eq!(
            Inspection::book_read(&errors),
            "  book      not read: 1 error (below)\n"
        );
    }
}

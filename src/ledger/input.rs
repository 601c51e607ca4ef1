//! What a book file is, made readable as the CSV the readers read: a
//! workbook (`.xlsx`, `.ods`, `.xls`) is read with `calamine` and its sheet
//! written as a `;` CSV (dates as `YYYY-MM-DD`, numbers as the spreadsheet
//! stores them); a CSV file in Windows-1252 or ISO-8859-15 (Excel's "CSV
//! (séparateur : point-virgule)") is decoded to UTF-8 with `encoding_rs`.
//! Either way the copy is a temporary file, and problems are reported at
//! the user's file: the line of the CSV, or the sheet's cell (`Feuil1!C7`).
//! A UTF-8 CSV file (with or without a byte-order mark) is read as it is.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Op, io_error};

/// `--encoding`: how a CSV file's bytes are text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Utf8,
    Windows1252,
    Iso885915,
}

impl EncodingChoice {
    pub const ALL: [EncodingChoice; 4] = [
        EncodingChoice::Auto,
        EncodingChoice::Utf8,
        EncodingChoice::Windows1252,
        EncodingChoice::Iso885915,
    ];

    /// The label a user gives (`--encoding`, `book.toml`'s `encoding`).
    pub fn name(self) -> &'static str {
        match self {
            EncodingChoice::Auto => "auto",
            EncodingChoice::Utf8 => "utf-8",
            EncodingChoice::Windows1252 => "windows-1252",
            EncodingChoice::Iso885915 => "iso-8859-15",
        }
    }

    /// Other labels accepted for the same encoding.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            EncodingChoice::Auto => &[],
            EncodingChoice::Utf8 => &["utf8"],
            EncodingChoice::Windows1252 => &["cp1252", "latin1", "iso-8859-1"],
            EncodingChoice::Iso885915 => &["latin9"],
        }
    }

    /// What the choice means, for `--help`.
    pub fn about(self) -> Option<&'static str> {
        match self {
            EncodingChoice::Auto => Some(
                "UTF-8 (with or without a byte-order mark) when the bytes are, else \
                 Windows-1252 (ISO-8859-15 when its `€`, 0xA4, is there and no byte only \
                 Windows-1252 uses)",
            ),
            EncodingChoice::Utf8 => None,
            EncodingChoice::Windows1252 => {
                Some("Excel's \"CSV (séparateur : point-virgule)\" on a French Windows")
            }
            EncodingChoice::Iso885915 => Some("Latin-9: Latin-1 with `€` at 0xA4"),
        }
    }

    /// The choice a label names (`book.toml`'s `encoding`), in any case.
    pub(crate) fn from_label(label: &str) -> Option<EncodingChoice> {
        let label = label.trim();
        EncodingChoice::ALL.into_iter().find(|choice| {
            std::iter::once(choice.name())
                .chain(choice.aliases().iter().copied())
                .any(|name| name.eq_ignore_ascii_case(label))
        })
    }

    fn encoding(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            EncodingChoice::Auto | EncodingChoice::Utf8 => None,
            EncodingChoice::Windows1252 => Some(encoding_rs::WINDOWS_1252),
            EncodingChoice::Iso885915 => Some(encoding_rs::ISO_8859_15),
        }
    }
}

/// What kind of file a book is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
    Ods,
    Xls,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "Excel workbook (.xlsx)",
            Format::Ods => "OpenDocument spreadsheet (.ods)",
            Format::Xls => "Excel 97-2003 workbook (.xls)",
        }
    }
}

/// Where the rows of a prepared file come from, for diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The file as the user named it.
    pub shown: String,
    /// For a workbook: the sheet, and the place of the CSV copy's first
    /// line (the header row) and first field.
    pub sheet: Option<SheetAt>,
}

#[derive(Debug, Clone)]
pub struct SheetAt {
    pub name: String,
    /// The sheet row (from 1) of the header row.
    pub header_row: u32,
    /// The sheet column (from 0) of the first field.
    pub first_column: u32,
}

impl SheetAt {
    /// `Feuil1!C7` for a line of the copy (from 1) and a field (from 0).
    pub fn cell(&self, line: u32, field: usize) -> String {
        let column = self.first_column as usize + field;
        format!(
            "{}!{}{}",
            quoted_sheet(&self.name),
            column_letters(column),
            self.row(line)
        )
    }

    /// The sheet row of a line of the copy.
    pub fn row(&self, line: u32) -> u32 {
        self.header_row + line.saturating_sub(1)
    }
}

/// A sheet name as a formula writes it: quoted when it has a space.
fn quoted_sheet(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// `A`, …, `Z`, `AA`, … for a column from 0.
pub(crate) fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A book file made readable.
#[derive(Debug)]
pub struct Prepared {
    /// What the readers read: the user's file, or a temporary copy.
    pub path: PathBuf,
    pub origin: Origin,
    pub format: Format,
    /// The encoding read, as people name it.
    pub encoding: &'static str,
    /// Whether the encoding was detected (not forced).
    pub detected: bool,
    /// The sheets of a workbook.
    pub sheets: Vec<String>,
    /// Taken as UTF-8 without being read through ([`prepare_lazily`]): its
    /// reader must check every byte, and give it back to [`prepare`] if
    /// one is not UTF-8.
    pub(crate) unchecked: bool,
    /// Kept until the file is read.
    _copy: Option<tempfile::TempPath>,
}

/// Why a file cannot be made readable.
#[derive(Debug)]
pub enum Failure {
    /// The file cannot be read (exit 2).
    Io(Diagnostic),
    /// Its content is not a book this tool reads (exit 1).
    Data(Diagnostic),
}

const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The format of a file, from its first bytes and its name.
pub(crate) fn format_of(path: &Path) -> Result<Format, Diagnostic> {
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).map_err(|e| io_error(Op::Read, path, &e))?;
    let n = file
        .read(&mut head)
        .map_err(|e| io_error(Op::Read, path, &e))?;
    let head = &head[..n];
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    Ok(if head.starts_with(b"PK\x03\x04") {
        // ODF puts its `mimetype` first, uncompressed.
        if ext == "ods"
            || head.windows(11).any(|w| w == b"opendocumen")
            || n >= 30 && head[30..].starts_with(b"mimetype")
        {
            Format::Ods
        } else {
            Format::Xlsx
        }
    } else if head.starts_with(OLE2) {
        Format::Xls
    } else if super::json::is_json(path)? {
        Format::Json
    } else {
        Format::Csv
    })
}

/// Makes `path` readable: a workbook's sheet (`sheet`, else the first) as a
/// CSV copy, a CSV file decoded to UTF-8 when it is not.
pub fn prepare(
    path: &Path,
    encoding: EncodingChoice,
    sheet: Option<&str>,
) -> Result<Prepared, Failure> {
    let format = format_of(path).map_err(Failure::Io)?;
    let shown = path.display().to_string();
    let plain = |encoding, detected| Prepared {
        path: path.to_path_buf(),
        origin: Origin {
            shown: shown.clone(),
            sheet: None,
        },
        format,
        encoding,
        detected,
        sheets: Vec::new(),
        unchecked: false,
        _copy: None,
    };
    match format {
        Format::Json => Ok(plain("UTF-8", false)),
        Format::Csv => {
            let chosen = match encoding {
                EncodingChoice::Auto => {
                    let (utf8, bom) =
                        is_utf8(path).map_err(|e| Failure::Io(io_error(Op::Read, path, &e)))?;
                    if utf8 {
                        return Ok(plain(if bom { "UTF-8 with BOM" } else { "UTF-8" }, true));
                    }
                    EncodingChoice::Windows1252
                }
                EncodingChoice::Utf8 => return Ok(plain("UTF-8", false)),
                forced => forced,
            };
            let bytes =
                std::fs::read(path).map_err(|e| Failure::Io(io_error(Op::Read, path, &e)))?;
            // Latin-9 writes `€` at 0xA4, where Windows-1252 has the rare
            // `¤`; a file with 0xA4 and none of the bytes 0x80–0x9F (C1
            // controls in Latin-9, letters and signs in Windows-1252) is
            // Latin-9.
            let chosen = if encoding == EncodingChoice::Auto
                && bytes.contains(&0xA4)
                && !bytes.iter().any(|b| (0x80..=0x9F).contains(b))
            {
                EncodingChoice::Iso885915
            } else {
                chosen
            };
            let Some(decoder) = chosen.encoding() else {
                return Ok(plain("UTF-8", false));
            };
            let (text, _, _) = decoder.decode(&bytes);
            let copy = write_copy(path, text.as_bytes())?;
            Ok(Prepared {
                path: copy.to_path_buf(),
                origin: Origin { shown, sheet: None },
                format,
                encoding: decoder.name(),
                detected: encoding == EncodingChoice::Auto,
                sheets: Vec::new(),
                unchecked: false,
                _copy: Some(copy),
            })
        }
        Format::Xlsx | Format::Ods | Format::Xls => workbook(path, format, sheet),
    }
}

/// A CSV file whose encoding is to be detected, taken as UTF-8 without
/// reading it through first: the ledger's reader checks every byte as it
/// parses (the check was a pass of its own over the whole file, 0.02–0.05 s
/// of a million invoices), and a file that is not UTF-8 after all goes
/// through [`prepare`] and is read again. Anything else is [`prepare`]d.
pub(crate) fn prepare_lazily(
    path: &Path,
    encoding: EncodingChoice,
    sheet: Option<&str>,
) -> Result<Prepared, Failure> {
    let format = format_of(path).map_err(Failure::Io)?;
    if encoding != EncodingChoice::Auto || format != Format::Csv {
        return prepare(path, encoding, sheet);
    }
    let mut start = [0u8; 3];
    let read = std::fs::File::open(path)
        .and_then(|mut file| file.read(&mut start))
        .map_err(|e| Failure::Io(io_error(Op::Read, path, &e)))?;
    let bom = start[..read] == *b"\xEF\xBB\xBF";
    Ok(Prepared {
        path: path.to_path_buf(),
        origin: Origin {
            shown: path.display().to_string(),
            sheet: None,
        },
        format,
        encoding: if bom { "UTF-8 with BOM" } else { "UTF-8" },
        detected: true,
        sheets: Vec::new(),
        unchecked: true,
        _copy: None,
    })
}

/// Whether the file is UTF-8 throughout, and starts with a byte-order mark.
fn is_utf8(path: &Path) -> std::io::Result<(bool, bool)> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0usize;
    let mut first = true;
    let mut bom = false;
    loop {
        let read = file.read(&mut buf[carry..])?;
        let end = carry + read;
        if first {
            bom = buf[..end].starts_with(b"\xEF\xBB\xBF");
            first = false;
        }
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(err) if err.error_len().is_none() && read > 0 => {
                // A character cut by the buffer's end: read on.
                let valid = err.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok((false, bom)),
        }
        if read == 0 {
            return Ok((carry == 0, bom));
        }
    }
}

fn write_copy(path: &Path, bytes: &[u8]) -> Result<tempfile::TempPath, Failure> {
    let mut copy = tempfile::Builder::new()
        .prefix("policy-book-")
        .suffix(".csv")
        .tempfile()
        .map_err(|e| Failure::Io(io_error(Op::Read, path, &e)))?;
    copy.write_all(bytes)
        .and_then(|()| copy.flush())
        .map_err(|e| Failure::Io(io_error(Op::Read, path, &e)))?;
    Ok(copy.into_temp_path())
}

fn spreadsheet_error(path: &Path, format: Format, message: String, help: &str) -> Failure {
    Failure::Data(
        Diagnostic::error(Code::LedgerSpreadsheet, message)
            .with_help(format!("{help} ({} read with calamine)", format.describe()))
            .in_path(path.display().to_string()),
    )
}

/// A workbook's sheet as a `;` CSV copy, from its header row on.
fn workbook(path: &Path, format: Format, sheet: Option<&str>) -> Result<Prepared, Failure> {
    use calamine::Reader;
    let shown = path.display().to_string();
    let mut book = calamine::open_workbook_auto(path)
        .or_else(|_| match format {
            Format::Xlsx => calamine::open_workbook::<calamine::Xlsx<_>, _>(path)
                .map(calamine::Sheets::Xlsx)
                .map_err(calamine::Error::Xlsx),
            Format::Ods => calamine::open_workbook::<calamine::Ods<_>, _>(path)
                .map(calamine::Sheets::Ods)
                .map_err(calamine::Error::Ods),
            _ => calamine::open_workbook::<calamine::Xls<_>, _>(path)
                .map(calamine::Sheets::Xls)
                .map_err(calamine::Error::Xls),
        })
        .map_err(|e| {
            spreadsheet_error(
                path,
                format,
                format!("`{shown}` cannot be read as a spreadsheet: {e}"),
                "save it again from the spreadsheet, or export the sheet as CSV",
            )
        })?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.as_str() == wanted)
            .or_else(|| sheets.iter().find(|s| s.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                spreadsheet_error(
                    path,
                    format,
                    format!("`{shown}` has no sheet `{wanted}`"),
                    &format!("its sheets are: {}", sheets.join(", ")),
                )
            })?,
        None => sheets.first().cloned().ok_or_else(|| {
            spreadsheet_error(
                path,
                format,
                format!("`{shown}` has no sheet"),
                "add the book's sheet",
            )
        })?,
    };
    let range = book.worksheet_range(&name).map_err(|e| {
        spreadsheet_error(
            path,
            format,
            format!("the sheet `{name}` of `{shown}` cannot be read: {e}"),
            "save it again from the spreadsheet",
        )
    })?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let rows: Vec<&[calamine::Data]> = range.rows().collect();
    // The header: the first row naming at least two columns (a title row
    // above it is skipped).
    let header = rows.iter().position(|row| {
        row.iter()
            .filter(|c| matches!(c, calamine::Data::String(s) if !s.trim().is_empty()))
            .count()
            >= 2
    });
    let Some(header) = header else {
        return Err(spreadsheet_error(
            path,
            format,
            format!("the sheet `{name}` of `{shown}` has no header row"),
            "the first row of the table names its columns (date, type, invoice, …)",
        ));
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_writer(Vec::new());
    for row in &rows[header..] {
        let fields: Vec<String> = row.iter().map(cell_text).collect();
        out.write_record(&fields).map_err(|e| {
            Failure::Io(io_error(
                Op::Read,
                path,
                &std::io::Error::other(e.to_string()),
            ))
        })?;
    }
    let bytes = out.into_inner().map_err(|e| {
        Failure::Io(io_error(
            Op::Read,
            path,
            &std::io::Error::other(e.to_string()),
        ))
    })?;
    let copy = write_copy(path, &bytes)?;
    Ok(Prepared {
        path: copy.to_path_buf(),
        origin: Origin {
            shown,
            sheet: Some(SheetAt {
                name,
                header_row: top + u32::try_from(header).unwrap_or(u32::MAX) + 1,
                first_column: left,
            }),
        },
        format,
        encoding: "UTF-8",
        detected: false,
        sheets,
        unchecked: false,
        _copy: Some(copy),
    })
}

/// A cell as the `;` dialect reads it: a date as `YYYY-MM-DD`, a number
/// with a decimal comma, text as it is.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
        Data::DateTime(dt) if dt.is_datetime() => dt
            .as_datetime()
            .map_or_else(|| number_text(dt.as_f64()), |d| d.date().to_string()),
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(text) => match text.get(..10) {
            Some(day) if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => {
                day.to_string()
            }
            _ => text.clone(),
        },
        Data::DurationIso(text) => text.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// A spreadsheet's number (an IEEE double) in the `;` dialect: its
/// shortest exact decimal form, rounded to the cent when it is a cent
/// amount plus binary noise (`0.1 + 0.2`).
pub(crate) fn number_text(value: f64) -> String {
    use std::str::FromStr;
    let Ok(mut decimal) = rust_decimal::Decimal::from_str(&format!("{value}")) else {
        return format!("{value}");
    };
    let cents = decimal.round_dp(2);
    if decimal.saturating_sub(cents).abs() < rust_decimal::Decimal::new(1, 9) {
        decimal = cents.normalize();
    }
    decimal.to_string().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        let at = SheetAt {
            name: "Feuil1".into(),
            header_row: 3,
            first_column: 1,
        };
        assert_eq!(at.cell(5, 1), "Feuil1!C7");
        let at = SheetAt {
            name: "Grand livre".into(),
            header_row: 1,
            first_column: 0,
        };
        assert_eq!(at.cell(1, 0), "'Grand livre'!A1");
    }

    #[test]
    fn numbers_keep_their_cents() {
        assert_eq!(number_text(250.0), "250");
        assert_eq!(number_text(1234.5), "1234,5");
        assert_eq!(number_text(0.1 + 0.2), "0,3");
        assert_eq!(number_text(120.00000000000001), "120");
        assert_eq!(number_text(-42.42), "-42,42");
        assert_eq!(number_text(0.125), "0,125");
    }

    #[test]
    fn utf8_is_told_from_windows_1252() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.csv");
        std::fs::write(&path, "\u{feff}é;€\n").unwrap();
        assert_eq!(is_utf8(&path).unwrap(), (true, true));
        std::fs::write(&path, b"\xe9;\x80\n").unwrap();
        assert_eq!(is_utf8(&path).unwrap(), (false, false));
        // A character cut by the 1 MiB buffer's end is still UTF-8.
        let mut text = "a".repeat((1 << 20) - 1);
        text.push('é');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(is_utf8(&path).unwrap(), (true, false));
    }
}

//! Problems found while reading a ledger or debtors file, and how they
//! become diagnostics. Reading a million rows must not build a source
//! excerpt per row, so a problem records only where it is (line, byte
//! offset of its row, which field); the line's text is fetched from the file
//! once reading is done, for the few problems that are reported.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::source::{SourceFile, Span};

/// A row: its first line and the byte offset where it starts in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct RowAt {
    pub line: u32,
    /// [`UNPLACED`] for a CSV row whose offset was not kept: a CSV record
    /// starts at the start of its line, found when the problem is shown.
    pub offset: u64,
}

/// The offset of a CSV row not kept (a million rows do not need theirs
/// for the few problems shown).
pub(crate) const UNPLACED: u64 = u64::MAX;

/// Where in a row a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldAt {
    /// The whole row (or line).
    #[default]
    Row,
    /// The n-th field of a CSV row (0-based); past the end: the line's end.
    Column(usize),
    /// A byte range of the file (a JSON value).
    Bytes(usize, usize),
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub help: String,
    pub label: String,
    pub row: RowAt,
    pub field: FieldAt,
}

/// Problems counted but not kept.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Unlisted {
    errors: usize,
    problems: usize,
}

/// The problems of one file, at most [`super::MAX_PROBLEMS`] kept.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
    pub errors: usize,
    dropped: usize,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        if problem.severity == Severity::Error {
            self.errors += 1;
        }
        if self.list.len() < super::MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.dropped += 1;
        }
    }

    pub fn error(
        &mut self,
        code: Code,
        row: RowAt,
        field: FieldAt,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Problem {
            severity: Severity::Error,
            code,
            message: message.into(),
            help: help.into(),
            label: label.into(),
            row,
            field,
        });
    }

    /// Takes in another list's problems (and count of those not kept);
    /// returns how many of its listed ones are kept (the first ones).
    pub(crate) fn absorb(&mut self, other: Problems) -> usize {
        self.errors += other.errors;
        self.dropped += other.dropped;
        let room = super::MAX_PROBLEMS.saturating_sub(self.list.len());
        let kept = other.list.len().min(room);
        self.dropped += other.list.len() - kept;
        self.list.extend(other.list.into_iter().take(kept));
        kept
    }

    /// The listed problems, and what is counted of the others.
    pub(crate) fn into_parts(self) -> (Vec<Problem>, Unlisted) {
        let listed_errors = self
            .list
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        let unlisted = Unlisted {
            errors: self.errors - listed_errors,
            problems: self.dropped,
        };
        (self.list, unlisted)
    }

    /// Counts problems that were not kept elsewhere and come after every
    /// kept one.
    pub(crate) fn add_unlisted(&mut self, unlisted: Unlisted) {
        self.errors += unlisted.errors;
        self.dropped += unlisted.problems;
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The count of problems not kept, as one closing diagnostic.
    fn dropped(&self, name: &str) -> Option<Diagnostic> {
        (self.dropped > 0).then(|| {
            Diagnostic::advice(
                Code::LedgerMoreProblems,
                format!(
                    "{} more problems in `{name}` are not shown (the first {} are)",
                    self.dropped,
                    super::MAX_PROBLEMS
                ),
            )
            .with_help("fix these and run again to see the rest")
            .in_path(name.to_string())
        })
    }
}

/// Turns a CSV file's problems into diagnostics, reading back the lines they
/// are on. `bom` is the length of a byte-order mark the offsets skip.
///
/// `origin` names the user's file (`path` may be a copy of it): a workbook
/// sheet's problems say their cell (`Feuil1!C7`) and sheet row.
pub(crate) fn locate_csv(
    path: &Path,
    origin: &super::input::Origin,
    mut problems: Problems,
    delimiter: u8,
    bom: u64,
) -> Diagnostics {
    let name = origin.shown.clone();
    place(path, bom, &mut problems.list);
    // In file order, whichever stage found them (stable: one row's problems
    // keep the order of its fields).
    problems.list.sort_by_key(|p| p.row.offset);
    let mut file = std::fs::File::open(path).ok();
    let mut out = Diagnostics::new();
    for problem in &problems.list {
        let line = file
            .as_mut()
            .and_then(|f| read_line_at(f, problem.row.offset + bom))
            .unwrap_or_default();
        let span = match problem.field {
            FieldAt::Row => Span::new(0, line.len()),
            FieldAt::Column(n) => field_span(&line, delimiter, n),
            FieldAt::Bytes(start, end) => Span::new(start, end),
        };
        match &origin.sheet {
            None => out.push(diagnostic(problem, &name, line, problem.row.line, span)),
            Some(sheet) => {
                let cell = match problem.field {
                    FieldAt::Column(n) => sheet.cell(problem.row.line, n),
                    _ => format!("{}!{}", sheet.name, sheet.row(problem.row.line)),
                };
                let mut shown = problem.clone();
                shown.message = format!("{cell}: {}", problem.message);
                shown.label = format!("{cell}: {}", problem.label);
                out.push(diagnostic(
                    &shown,
                    &name,
                    line,
                    sheet.row(problem.row.line),
                    span,
                ));
            }
        }
    }
    out.extend(problems.dropped(&name));
    out
}

/// Gives the rows not placed the offset of their line's start, reading the
/// file once (only when there are some).
fn place(path: &Path, bom: u64, problems: &mut [Problem]) {
    let mut lines: Vec<u32> = problems
        .iter()
        .filter(|p| p.row.offset == UNPLACED)
        .map(|p| p.row.line)
        .collect();
    if lines.is_empty() {
        return;
    }
    lines.sort_unstable();
    lines.dedup();
    let starts = line_starts(path, bom, &lines).unwrap_or_default();
    for problem in problems.iter_mut().filter(|p| p.row.offset == UNPLACED) {
        let at = lines.binary_search(&problem.row.line).ok();
        problem.row.offset = at.and_then(|i| starts.get(i)).copied().unwrap_or(0);
    }
}

/// Where each of `lines` (sorted, from 1) starts, in bytes after `bom`.
fn line_starts(path: &Path, bom: u64, lines: &[u32]) -> std::io::Result<Vec<u64>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(bom))?;
    let mut starts = Vec::with_capacity(lines.len());
    let mut wanted = lines.iter().copied().peekable();
    // Line 1 starts at 0; line n + 1 after the n-th line end.
    while wanted.next_if(|&line| line <= 1).is_some() {
        starts.push(0);
    }
    let (mut line, mut offset) = (1u32, 0u64);
    let mut buf = vec![0u8; 1 << 20];
    while wanted.peek().is_some() {
        let read = file.read(&mut buf)?;
        if read == 0 {
            break;
        }
        for end in memchr::memchr_iter(b'\n', &buf[..read]) {
            line += 1;
            while wanted.next_if(|&wanted| wanted == line).is_some() {
                starts.push(offset + end as u64 + 1);
            }
            if wanted.peek().is_none() {
                break;
            }
        }
        offset += read as u64;
    }
    Ok(starts)
}

/// Turns the problems of a file held in memory (a JSON ledger) into
/// diagnostics; `FieldAt::Bytes` ranges are offsets into `text`.
pub(crate) fn locate_text(name: &str, text: &str, problems: Problems) -> Diagnostics {
    let mut out = Diagnostics::new();
    if problems.list.is_empty() {
        // No copy of the whole file (hundreds of MB for a big ledger) to
        // locate nothing.
        out.extend(problems.dropped(name));
        return out;
    }
    let whole = SourceFile::new(name, text.to_string());
    for problem in &problems.list {
        let (start, end) = match problem.field {
            FieldAt::Bytes(start, end) => (start, end),
            _ => {
                let at = usize::try_from(problem.row.offset).unwrap_or(0);
                (at, at + 1)
            }
        };
        let line_span = whole.line_range(start);
        let line_no = whole.line_col(start).line;
        let line_text = whole.slice(line_span).to_string();
        let rel_start = start.saturating_sub(line_span.start).min(line_text.len());
        let rel_end = end
            .saturating_sub(line_span.start)
            .clamp(rel_start, line_text.len());
        let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
        out.push(diagnostic(
            problem,
            name,
            line_text,
            line_no,
            Span::new(rel_start, rel_end),
        ));
    }
    out.extend(problems.dropped(name));
    out
}

fn diagnostic(problem: &Problem, name: &str, line: String, line_no: u32, span: Span) -> Diagnostic {
    let source: Arc<SourceFile> = SourceFile::excerpt(name, line, line_no as usize);
    let base = match problem.severity {
        Severity::Error => Diagnostic::error(problem.code, problem.message.clone()),
        Severity::Warning => Diagnostic::warning(problem.code, problem.message.clone()),
        Severity::Advice => Diagnostic::advice(problem.code, problem.message.clone()),
    };
    base.with_label(span, problem.label.clone())
        .with_help(problem.help.clone())
        .in_source(&source)
}

/// The line starting at `offset` (without its line end), lossily decoded.
fn read_line_at(file: &mut std::fs::File, offset: u64) -> Option<String> {
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut buf = Vec::with_capacity(256);
    // A line longer than this is shown cut; the report windows long lines.
    file.take(64 * 1024).read_to_end(&mut buf).ok()?;
    let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    buf.truncate(end);
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The byte range of the `n`-th field of a CSV line, honouring quotes; past
/// the last field, the empty range at the line's end.
pub(crate) fn field_span(line: &str, delimiter: u8, n: usize) -> Span {
    let bytes = line.as_bytes();
    let mut field = 0;
    let mut start = 0;
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            if field == n {
                return Span::new(start, i);
            }
            field += 1;
            start = i + 1;
        }
    }
    if field == n {
        Span::new(start, bytes.len())
    } else {
        Span::new(bytes.len(), bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_beyond_the_cap_are_counted_not_kept() {
        let mut problems = Problems::default();
        let mut other = Problems::default();
        for i in 0..super::super::MAX_PROBLEMS + 10 {
            let row = RowAt {
                line: i as u32,
                offset: i as u64,
            };
            problems.error(Code::LedgerDate, row, FieldAt::Row, "m", "l", "h");
            other.error(Code::LedgerDate, row, FieldAt::Row, "m", "l", "h");
        }
        problems.absorb(other);
        assert_eq!(problems.list.len(), super::super::MAX_PROBLEMS);
        assert_eq!(problems.errors, 2 * (super::super::MAX_PROBLEMS + 10));
        let more = problems.dropped("ledger.csv").unwrap();
        assert_eq!(more.code, Code::LedgerMoreProblems);
        assert!(
            more.message.starts_with("520 more problems"),
            "{}",
            more.message
        );
    }

    #[test]
    fn line_starts_are_found_past_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        std::fs::write(&path, "\u{feff}h\r\na\n\n\nbb\nccc").unwrap();
        let starts = line_starts(&path, 3, &[0, 1, 2, 3, 5, 6, 9]).unwrap();
        assert_eq!(starts, [0, 0, 3, 5, 7, 10]);
    }

    #[test]
    fn field_spans_honour_quotes() {
        let line = r#"a,"b,c",d"#;
        assert_eq!(field_span(line, b',', 0), Span::new(0, 1));
        assert!(field_span(line, b',', 1).same_range(Span::new(2, 7)));
        assert!(field_span(line, b',', 2).same_range(Span::new(8, 9)));
        assert!(field_span(line, b',', 5).same_range(Span::new(9, 9)));
    }
}

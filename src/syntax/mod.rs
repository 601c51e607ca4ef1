//! Text → [`ast::Policy`]. The only module that sees pest: `lower` turns pest
//! pairs into the AST, `error` turns pest errors into diagnostics.
//!
//! The grammar runs one physical line at a time. No construct spans two
//! lines, so this loses nothing, and it lets one run report the syntax errors
//! of every line instead of only the first of the file.

mod error;

pub use error::KEYWORDS;
mod lower;

use std::sync::Arc;

use pest::Parser as _;

use crate::ast;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// More `(` or `not` in one statement than any policy needs: refused before
/// parsing, because the parser recurses on them.
const MAX_NESTING: usize = 64;

/// Parses a whole file. Lines with syntax errors are left out of the tree and
/// reported; the rest of the file is still parsed.
pub fn parse(source: &Arc<SourceFile>) -> (ast::Policy, Diagnostics) {
    let mut policy = ast::Policy::default();
    let mut diagnostics = Diagnostics::new();
    for (start, line) in lines(source.text()) {
        for (offset, segment) in statements(line) {
            let start = start + offset;
            if segment.trim().is_empty() {
                continue;
            }
            if let Some(span) = too_deep(segment, start) {
                diagnostics.push(
                    Diagnostic::error(Code::NestingTooDeep, "this condition is nested too deeply")
                        .with_label(
                            span,
                            format!("more than {MAX_NESTING} `(` or `not` in one statement"),
                        )
                        .with_help("split the condition: a lawyer reading it will thank you")
                        .in_source(source),
                );
                continue;
            }
            match PolicyParser::parse(Rule::line, segment) {
                Ok(pairs) => lower::line(pairs, start, source, &mut policy, &mut diagnostics),
                Err(err) => diagnostics.push(error::syntax_error(&err, segment, start, source)),
            }
        }
    }
    (policy, diagnostics)
}

/// Each line with the byte offset of its start; `\r\n` and `\n` both end a line.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |raw| {
        let at = start;
        start += raw.len() + 1;
        (at, raw.strip_suffix('\r').unwrap_or(raw))
    })
}

/// The `;`-separated statements of a line, each with its offset in the line
/// (a `;` inside a string or a comment separates nothing). Parsing them one
/// by one reports an error in each, not only the first of the line; the
/// grammar's `line` rule accepts both a whole line and one statement.
fn statements(line: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut string = StringState::default();
    for (i, c) in line.char_indices() {
        if string.inside(c) {
            continue;
        }
        match c {
            '#' => break,
            ';' => {
                // keep the `;` with the statement it ends
                parts.push((start, &line[start..=i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &line[start..]));
    parts
}

/// The span of the first `(` or `not` past the limit within one `;`-separated
/// statement, outside strings and comments.
fn too_deep(line: &str, base: usize) -> Option<Span> {
    let mut count = 0;
    let mut string = StringState::default();
    let mut word_start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if string.inside(c) {
            continue;
        }
        let is_word = c.is_alphanumeric() || c == '_';
        match (word_start, is_word) {
            (None, true) => word_start = Some(i),
            (Some(s), false) => {
                if line[s..i].eq_ignore_ascii_case("not") {
                    count += 1;
                }
                word_start = None;
            }
            _ => {}
        }
        match c {
            '#' => break,
            ';' => count = 0,
            '(' => count += 1,
            _ => {}
        }
        if count > MAX_NESTING {
            let len = if c == '(' { 1 } else { 0 };
            return Some(Span::new(base + i, base + i + len));
        }
    }
    None
}

/// Where a line's `"…"` strings are, fed one character at a time.
#[derive(Default)]
struct StringState {
    open: bool,
    escaped: bool,
}

impl StringState {
    /// Whether `c` lies inside a string, after its opening `"` (which this
    /// call opens) and up to its closing one.
    fn inside(&mut self, c: char) -> bool {
        if !self.open {
            self.open = c == '"';
            return false;
        }
        match (self.escaped, c) {
            (true, _) => self.escaped = false,
            (false, '\\') => self.escaped = true,
            (false, '"') => self.open = false,
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests;

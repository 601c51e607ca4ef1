//! Source text and positions. A [`Span`] is a byte range into one
//! [`SourceFile`]; lines and columns are derived only when a diagnostic is
//! shown, so the parser and compiler carry two integers per node.

use std::sync::Arc;

/// A byte range `start..end` into a source text.
///
/// INVARIANT: spans never take part in equality. Two trees that mean the same
/// compare equal wherever they sit in a file, which is what the formatter's
/// "same plan before and after" property and the AST tests rely on.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether two spans are the same range (equality ignores ranges).
    pub(crate) fn same_range(self, other: Span) -> bool {
        self.start == other.start && self.end == other.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// A named text: a policy file, or an excerpt of a ledger file.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    /// Line number of the first line of `text` (1 for a whole file; the line
    /// of the excerpt for a part of a large file).
    first_line: usize,
    /// Characters cut from the start of the first line (a window into a very
    /// long line), so that shown columns stay those of the real file.
    first_column: usize,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<Self> {
        Self::excerpt(name, text, 1)
    }

    /// A part of a larger file whose first line is line `first_line` there.
    pub(crate) fn excerpt(
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        first_line: usize,
    ) -> Arc<Self> {
        Self::window(name, text, first_line, 0)
    }

    /// A part of a larger file starting at line `first_line`, `first_column`
    /// characters into that line.
    pub fn window(
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        first_line: usize,
        first_column: usize,
    ) -> Arc<Self> {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            name: name.into(),
            text,
            first_line: first_line.max(1),
            first_column,
            line_starts,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn first_line(&self) -> usize {
        self.first_line
    }

    /// The line and column of a byte offset (clamped into the text).
    pub(crate) fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let mut column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        if index == 0 {
            column += self.first_column;
        }
        LineCol {
            line: index + self.first_line,
            column,
        }
    }

    /// The text of the span, or "" when the span does not fall on this text.
    pub(crate) fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The byte range of the line holding `offset` (without its line end).
    pub(crate) fn line_range(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        let end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Span::new(start, end.max(start))
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Like spans, the text a tree came from never takes part in equality: a plan
/// compiled from a reformatted file equals the original's.
impl PartialEq for SourceFile {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl miette::SourceCode for SourceFile {
    /// Reads only the lines around the span, found through the line index:
    /// miette's own `str` implementation scans from the start of the text,
    /// which makes a report of many diagnostics quadratic in the file size.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let end = span.offset() + span.len();
        if end > self.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let line_of = |offset: usize| match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let first = line_of(span.offset()).saturating_sub(context_lines_before);
        let last = line_of(end) + context_lines_after + 1;
        let lo = self.line_starts.get(first).copied().unwrap_or(0);
        let hi = self
            .line_starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        let window = self
            .text
            .get(lo..hi)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let local = miette::SourceSpan::new((span.offset() - lo).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let line = inner.line() + first;
        // Re-number: an excerpt of a ledger shows its real line and column.
        let column = if line == 0 {
            inner.column() + self.first_column
        } else {
            inner.column()
        };
        let inner_span =
            miette::SourceSpan::new((inner.span().offset() + lo).into(), inner.span().len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            inner_span,
            line + self.first_line - 1,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new("x", "ab\nrecommandé x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // `x` after `recommandé ` (é is two bytes, one character)
        let x = file.text().rfind('x').unwrap_or(0);
        assert_eq!(
            file.line_col(x),
            LineCol {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn excerpt_keeps_its_line_number() {
        let file = SourceFile::excerpt("ledger.csv", "a,b,c", 1234);
        assert_eq!(file.line_col(2).line, 1234);
    }

    #[test]
    fn spans_do_not_take_part_in_equality() {
        assert_eq!(Span::new(1, 2), Span::new(5, 9));
        assert!(!Span::new(1, 2).same_range(Span::new(5, 9)));
    }
}

/// A value with the span it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

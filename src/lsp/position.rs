//! Byte offsets (what spans hold) ↔ LSP positions (a line and a column
//! counted in the units the client and server agreed on: UTF-16 by
//! default, UTF-8 when the client offers it), and the edits of
//! `didChange` applied to a text.

use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};

use crate::source::Span;

/// What an LSP column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use: UTF-8 when the client offers it (spans are
    /// bytes), else UTF-32 (characters), else the protocol's default,
    /// UTF-16.
    pub(crate) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// The start of every line of a text, to turn offsets into positions and
/// back without scanning from the start.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    encoding: Encoding,
}

impl LineIndex {
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            starts,
            len: text.len(),
            encoding,
        }
    }

    /// The position of a byte offset (clamped into the text; an offset
    /// inside a character counts from that character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(|c| self.encoding.units(c)).sum());
        Position::new(line as u32, character)
    }

    /// The byte offset of a position. A column past the end of its line is
    /// the line's end; a line past the end of the text is the text's end.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let line = text.get(start..end).unwrap_or("");
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += self.encoding.units(c);
        }
        start + line.len()
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    pub fn span(&self, text: &str, range: Range) -> Span {
        let start = self.offset(text, range.start);
        let end = self.offset(text, range.end);
        Span::new(start.min(end), end.max(start))
    }
}

/// Applies `didChange` edits in order: each range is read in the text the
/// previous edit left; an edit without a range replaces the whole text.
pub(crate) fn apply_changes(
    text: &mut String,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let index = LineIndex::new(text, encoding);
                let span = index.span(text, range);
                text.replace_range(span.start..span.end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "after 10 days\nsend x by recommandé, email\r\n𝄞 call\n";

    #[test]
    fn columns_count_utf16_units_by_default() {
        let index = LineIndex::new(TEXT, Encoding::Utf16);
        let comma = TEXT.find(", email").unwrap_or(0);
        // `recommandé` is 10 characters, 11 bytes, 10 UTF-16 units
        assert_eq!(index.position(TEXT, comma), Position::new(1, 20));
        assert_eq!(index.offset(TEXT, Position::new(1, 20)), comma);
        // 𝄞 is two UTF-16 units, four bytes
        let call = TEXT.find("call").unwrap_or(0);
        assert_eq!(index.position(TEXT, call), Position::new(2, 3));
        assert_eq!(index.offset(TEXT, Position::new(2, 3)), call);
    }

    #[test]
    fn columns_count_bytes_in_utf8() {
        let index = LineIndex::new(TEXT, Encoding::Utf8);
        let comma = TEXT.find(", email").unwrap_or(0);
        assert_eq!(index.position(TEXT, comma), Position::new(1, 21));
        assert_eq!(index.offset(TEXT, Position::new(1, 21)), comma);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new(TEXT, Encoding::Utf16);
        // past the end of line 1: before its `\r\n`
        let end = TEXT.find("\r\n").unwrap_or(0);
        assert_eq!(index.offset(TEXT, Position::new(1, 999)), end);
        assert_eq!(index.offset(TEXT, Position::new(99, 0)), TEXT.len());
        assert_eq!(index.position(TEXT, 10_000).line, 3);
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = "after 10 days send relance_1 by emial\n".to_string();
        let change = |range: Option<Range>, new: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: new.to_string(),
        };
        apply_changes(
            &mut text,
            vec![
                // `emial` → `email`
                change(
                    Some(Range::new(Position::new(0, 32), Position::new(0, 37))),
                    "email",
                ),
                // then a second line, in the text the first edit left
                change(
                    Some(Range::new(Position::new(1, 0), Position::new(1, 0))),
                    "stop\n",
                ),
            ],
            Encoding::Utf16,
        );
        assert_eq!(text, "after 10 days send relance_1 by email\nstop\n");
        apply_changes(&mut text, vec![change(None, "x")], Encoding::Utf16);
        assert_eq!(text, "x");
    }
}

//! Document formatting: `policy fmt`'s canonical text, as one edit.

use lsp_types::{Range, TextEdit};

use super::documents::Document;
use crate::format::{FormatError, format_source};

/// The edits that format the document (none when it is formatted), or why
/// it cannot be formatted.
pub fn format(document: &Document) -> Result<Vec<TextEdit>, String> {
    let analysis = document.analysis();
    let source = &analysis.source;
    match format_source(source) {
        Ok(text) if text == source.text() => Ok(Vec::new()),
        Ok(text) => {
            let end = document.index.position(source.text(), source.text().len());
            Ok(vec![TextEdit::new(
                Range::new(Default::default(), end),
                text,
            )])
        }
        Err(FormatError::Syntax(diagnostics)) => {
            let first = diagnostics.iter().next().map_or_else(String::new, |d| {
                let line = d.range().map_or(0, |(start, _)| start.line);
                format!(" (line {line}: {})", d.message)
            });
            Err(format!(
                "policy fmt: the file has syntax errors; fix them first{first}"
            ))
        }
        Err(FormatError::ChangedMeaning(diagnostic)) => Err(format!(
            "policy fmt: {} ({})",
            diagnostic.message, diagnostic.code
        )),
    }
}

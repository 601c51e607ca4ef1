//! Quick fixes: every "did you mean `X`?" of a diagnostic in the requested
//! range becomes an edit replacing the word it is about by `X`.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::diagnostics;
use super::documents::Document;
use crate::source::Span;

pub fn actions(document: &Document, range: Range) -> Vec<CodeActionOrCommand> {
    let analysis = document.analysis();
    let text = analysis.source.text();
    let wanted = document.index.span(text, range);
    let mut out = Vec::new();
    for diagnostic in &analysis.diagnostics {
        if !diagnostics::in_document(analysis, diagnostic) {
            continue;
        }
        let Some(label) = diagnostic.labels.first() else {
            continue;
        };
        // Overlapping or touching the range (a cursor is an empty range).
        if label.span.end < wanted.start || label.span.start > wanted.end {
            continue;
        }
        for suggestion in suggestions(diagnostic.help.as_deref().unwrap_or_default()) {
            let Some(span) = misspelt(text, label.span, suggestion) else {
                continue;
            };
            let word = analysis.source.slice(span);
            let edit = TextEdit::new(document.index.range(text, span), suggestion.to_string());
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace `{word}` with `{suggestion}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostics::convert(document, analysis, diagnostic)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(document.uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                command: None,
                is_preferred: Some(true),
                disabled: None,
                data: None,
            }));
        }
    }
    out
}

/// The word a suggestion replaces. A label on one word (or on the `-` of
/// `e-mail`) is about the whole word around it; a label over a clause
/// (`route justice_de_pays`) is about its word closest to the suggestion.
fn misspelt(text: &str, label: Span, suggestion: &str) -> Option<Span> {
    let slice = text.get(label.start..label.end)?;
    let span = if slice.contains(char::is_whitespace) {
        let words: Vec<(usize, &str)> = slice
            .split(|c: char| !is_word(c))
            .filter(|w| !w.is_empty())
            .map(|w| (w.as_ptr() as usize - slice.as_ptr() as usize, w))
            .collect();
        let closest = crate::suggest::closest(suggestion, words.iter().map(|(_, w)| *w))?;
        let (at, word) = words.iter().find(|(_, w)| *w == closest)?;
        Span::new(label.start + at, label.start + at + word.len())
    } else {
        word_around(text, label)
    };
    let word = text.get(span.start..span.end)?;
    (!word.is_empty() && word != suggestion).then_some(span)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The whole word a span is on, `-` included.
fn word_around(text: &str, span: Span) -> Span {
    let start = text[..span.start.min(text.len())]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(span.start, |(i, _)| i);
    let end = text.get(span.end..).map_or(span.end, |rest| {
        span.end + rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
    });
    Span::new(start.min(span.start), end.max(span.end))
}

/// The `X` of every "did you mean `X`?" in a help text.
pub(crate) fn suggestions(help: &str) -> Vec<&str> {
    const LEAD: &str = "did you mean `";
    let mut out = Vec::new();
    let mut rest = help;
    while let Some(at) = rest.find(LEAD) {
        rest = &rest[at + LEAD.len()..];
        let Some(end) = rest.find('`') else { break };
        if !rest[..end].is_empty() {
            out.push(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::position::Encoding;
    use super::*;
    use lsp_types::{Position, Url};

    /// The text after applying every quick fix offered on the whole text.
    fn fixed(text: &str) -> (String, Vec<String>) {
        let uri = Url::parse("file:///nowhere/t.policy").unwrap_or_else(|_| unreachable!());
        let document = Document::new(uri.clone(), 1, text.to_string(), Encoding::Utf16);
        let all = Range::new(Position::new(0, 0), Position::new(99, 0));
        let mut edits: Vec<TextEdit> = Vec::new();
        let mut titles = Vec::new();
        for action in actions(&document, all) {
            if let CodeActionOrCommand::CodeAction(action) = action {
                titles.push(action.title);
                let changes = action.edit.and_then(|e| e.changes).unwrap_or_default();
                edits.extend(changes.get(&uri).cloned().unwrap_or_default());
            }
        }
        // Apply from the end so earlier ranges stay valid.
        edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
        let mut out = text.to_string();
        for edit in edits {
            let span = document.index.span(text, edit.range);
            out.replace_range(span.start..span.end, &edit.new_text);
        }
        (out, titles)
    }

    #[test]
    fn quick_fixes_replace_the_misspelt_word() {
        let (text, titles) = fixed(
            "after 10 days send relance_1 by e-mail\nafter 20 days sned relance_2\nafter 30 days send relance_3 by recomande\n",
        );
        assert_eq!(
            text,
            "after 10 days send relance_1 by email\nafter 20 days send relance_2\nafter 30 days send relance_3 by recommandé\n"
        );
        assert_eq!(titles[0], "Replace `e-mail` with `email`");
        let (text, titles) = fixed("jurisdiction LU\nafter 60 days route justice_de_pays\n");
        assert_eq!(
            text, "jurisdiction LU\nafter 60 days route justice_de_paix\n",
            "{titles:?}"
        );
    }

    #[test]
    fn reads_every_suggestion_of_a_help_text() {
        assert_eq!(suggestions("did you mean `email`?"), vec!["email"]);
        assert_eq!(
            suggestions("unknown; did you mean `relance_2`? or did you mean `x`?"),
            vec!["relance_2", "x"]
        );
        assert!(suggestions("write `amount`").is_empty());
        assert!(suggestions("did you mean `unterminated").is_empty());
    }
}

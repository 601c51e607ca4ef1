//! Quick fixes: every "did you mean `X`?" of a diagnostic in the requested
//! range becomes an edit replacing the word it is about by `X`.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::diagnostics;
use super::documents::Document;

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
        let word = analysis.source.slice(label.span);
        // Only a word is replaced: a label over a whole clause is not the
        // misspelling.
        if word.is_empty() || word.contains(char::is_whitespace) {
            continue;
        }
        for suggestion in suggestions(diagnostic.help.as_deref().unwrap_or_default()) {
            if suggestion == word {
                continue;
            }
            let edit = TextEdit::new(
                document.index.range(text, label.span),
                suggestion.to_string(),
            );
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

/// The `X` of every "did you mean `X`?" in a help text.
pub fn suggestions(help: &str) -> Vec<&str> {
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
    use super::*;

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

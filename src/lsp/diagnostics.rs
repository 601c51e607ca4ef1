//! The checker's diagnostics as LSP diagnostics: the primary label gives
//! the range, the secondary labels the related locations, the code and the
//! help go along, so an editor shows what `policy check` prints.

use std::path::Path;
use std::sync::Arc;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    Range, Url,
};

use super::documents::{Analysis, Document};
use super::position::LineIndex;
use crate::ast::{ActionKind, HeaderKind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// What the `source` field of every diagnostic says.
pub(crate) const SOURCE: &str = "policy";

/// Every diagnostic of the document's current text.
pub(crate) fn of_document(document: &Document) -> Vec<lsp_types::Diagnostic> {
    let analysis = document.analysis();
    analysis
        .diagnostics
        .iter()
        .map(|d| convert(document, analysis, d))
        .collect()
}

/// Whether a diagnostic's labels point into the document itself (not into
/// a template file, say).
pub(crate) fn in_document(analysis: &Analysis, diagnostic: &Diagnostic) -> bool {
    diagnostic
        .source
        .as_ref()
        .is_some_and(|s| Arc::ptr_eq(s, &analysis.source))
}

pub(crate) fn convert(
    document: &Document,
    analysis: &Analysis,
    diagnostic: &Diagnostic,
) -> lsp_types::Diagnostic {
    let text = analysis.source.text();
    let index = &document.index;
    let mut message = diagnostic.message.clone();
    let mut related = Vec::new();
    let range = if in_document(analysis, diagnostic) && !diagnostic.labels.is_empty() {
        let mut labels = diagnostic.labels.iter();
        let primary = labels.next();
        if let Some(label) = primary.filter(|l| !l.text.is_empty()) {
            message.push('\n');
            message.push_str(&label.text);
        }
        for label in labels {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(document.uri.clone(), index.range(text, label.span)),
                message: if label.text.is_empty() {
                    "here".to_string()
                } else {
                    label.text.clone()
                },
            });
        }
        primary.map_or_else(Range::default, |l| index.range(text, l.span))
    } else if let Some(other) = &diagnostic.source {
        // A problem in another file (a template that does not compile): shown
        // on the line that sends it, pointing to the place in that file.
        if let Some(label) = diagnostic.labels.first() {
            let at = other.line_col(label.span.start);
            message.push_str(&format!("\nin {}:{}:{}", other.name(), at.line, at.column));
            if !label.text.is_empty() {
                message.push_str(&format!(": {}", label.text));
            }
            if let Some(location) = location_in(other, label.span, index) {
                related.push(DiagnosticRelatedInformation {
                    location,
                    message: label.text.clone(),
                });
            }
        }
        index.range(text, anchor_for(analysis, Path::new(other.name())))
    } else {
        if let Some(path) = &diagnostic.path {
            message.push_str(&format!("\nin {path}"));
        }
        index.range(
            text,
            anchor_for(
                analysis,
                diagnostic.path.as_deref().map_or(Path::new(""), Path::new),
            ),
        )
    };
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: matches!(diagnostic.code, Code::NeverFires | Code::UnreachableStep)
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Advice => DiagnosticSeverity::INFORMATION,
    }
}

/// Where in the policy to show a problem of another file: the first `send`
/// of the template it is about, else the `templates` header, else the
/// start of the file.
fn anchor_for(analysis: &Analysis, file: &Path) -> Span {
    let tree = analysis.tree();
    let stem = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(crate::letters::templates::template_name)
        .map(|(stem, _)| stem);
    let send = tree.ast.statements().find_map(|s| match &s.action.kind {
        ActionKind::Send { template, .. } if Some(&template.text) == stem.as_ref() => {
            Some(template.span)
        }
        _ => None,
    });
    send.or_else(|| {
        tree.ast.headers().find_map(|h| match &h.kind {
            HeaderKind::Templates(folder) => Some(folder.span),
            _ => None,
        })
    })
    .unwrap_or_default()
}

/// A span of another file as a location, when the file's path is known.
fn location_in(file: &SourceFile, span: Span, like: &LineIndex) -> Option<Location> {
    let path = std::path::absolute(file.name()).ok()?;
    let uri = Url::from_file_path(path).ok()?;
    let index = LineIndex::new(file.text(), like.encoding());
    Some(Location::new(uri, index.range(file.text(), span)))
}

#[cfg(test)]
mod tests {
    use super::super::position::Encoding;
    use super::*;
    use lsp_types::Position;

    #[test]
    fn secondary_labels_become_related_places() {
        let uri = Url::parse("file:///nowhere/t.policy").unwrap_or_else(|_| unreachable!());
        let text = "currency EUR\ncurrency USD\nafter 3 days stop\n";
        let document = Document::new(uri.clone(), 1, text.to_string(), Encoding::Utf16);
        let shown = of_document(&document);
        assert_eq!(shown.len(), 1, "{shown:?}");
        let d = &shown[0];
        assert_eq!(
            d.code,
            Some(NumberOrString::String("policy::duplicate_header".into()))
        );
        assert_eq!(d.range.start, Position::new(1, 0));
        assert_eq!(
            d.message,
            "the `currency` header is given twice\nsecond\nhelp: keep one of them"
        );
        let related = d.related_information.clone().unwrap_or_default();
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].message, "first");
        assert_eq!(related[0].location.uri, uri);
        assert_eq!(related[0].location.range.start, Position::new(0, 0));
        assert_eq!(related[0].location.range.end, Position::new(0, 12));
    }
}

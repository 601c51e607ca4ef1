//! The outline: the headers, then every step (named by its action, with its
//! time and condition as `policy explain` words them), each `allow` under
//! the step it silences a rule on.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::documents::Document;
use super::steps;
use crate::ast::Item;
use crate::source::Span;

pub fn symbols(document: &Document) -> Vec<DocumentSymbol> {
    let analysis = document.analysis();
    let source = &analysis.source;
    let tree = analysis.tree();
    let symbol = |name: String, detail: Option<String>, kind, span: Span, selection: Span| {
        #[allow(deprecated)] // `deprecated` is a field every literal must name
        DocumentSymbol {
            name: if name.trim().is_empty() {
                "…".to_string()
            } else {
                name
            },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: document.index.range(source.text(), span),
            selection_range: document.index.range(source.text(), selection),
            children: None,
        }
    };
    let mut out = Vec::new();
    let mut allows = Vec::new();
    for item in &tree.ast.items {
        match item {
            Item::Header(header) => out.push(symbol(
                source.slice(header.span).to_string(),
                None,
                SymbolKind::PROPERTY,
                header.span,
                header.keyword,
            )),
            Item::Allow(allow) => allows.push(symbol(
                format!("allow {}", allow.rule.text),
                Some(allow.reason.value.clone()),
                SymbolKind::KEY,
                allow.span,
                allow.rule.span,
            )),
            Item::Statement(statement) => {
                let (name, detail) = match steps::of_statement(tree.plan.as_ref(), statement.span) {
                    Some(step) => {
                        let plan = tree.plan.as_ref();
                        let words = plan.map(|plan| steps::words(plan, step));
                        match words {
                            Some(w) if w.condition == "always" => (w.action, w.when),
                            Some(w) => (w.action, format!("{} · if {}", w.when, w.condition)),
                            None => (String::new(), String::new()),
                        }
                    }
                    // Not compiled: the statement as written.
                    None => {
                        let action = source.slice(statement.action.span).to_string();
                        let before = Span::new(statement.span.start, statement.action.span.start);
                        (action, source.slice(before).trim().to_string())
                    }
                };
                let mut step = symbol(
                    name,
                    (!detail.is_empty()).then_some(detail),
                    SymbolKind::EVENT,
                    statement.span,
                    statement.action.span,
                );
                if !allows.is_empty() {
                    step.children = Some(std::mem::take(&mut allows));
                }
                out.push(step);
            }
        }
    }
    out.extend(allows);
    out
}

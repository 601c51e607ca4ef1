//! Hover: on a step, its compiled meaning in `policy explain`'s words; on a
//! destination, a procedure or a rule, its entry in the reference pages; on
//! a template, its first lines; and under any diagnostic, its code's
//! explanation.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::documents::{Analysis, Document};
use super::locate::{self, Target};
use super::reference;
use super::steps;
use super::templates;
use crate::ast::{HeaderKind, Name, Statement};
use crate::diagnostic::Code;
use crate::law;
use crate::letters::templates::html_to_text;
use crate::plan::{Plan, Step};
use crate::source::Span;

/// Lines of a template a hover shows.
const TEMPLATE_LINES: usize = 12;

pub fn hover(document: &Document, position: Position) -> Option<Hover> {
    let analysis = document.analysis();
    let text = analysis.source.text();
    let offset = document.index.offset(text, position);
    let tree = analysis.tree();
    let target = locate::at(&tree.ast, offset);
    let (mut parts, span) = match target {
        Some(Target::Template(name)) => (
            template(analysis, name).into_iter().collect(),
            Some(name.span),
        ),
        Some(Target::Anchor(name, statement)) => {
            (anchor(analysis, name, statement), Some(name.span))
        }
        Some(Target::Destination(name)) => (
            destination(analysis, name).into_iter().collect(),
            Some(name.span),
        ),
        Some(Target::Procedure(name)) => (
            procedure(analysis, name).into_iter().collect(),
            Some(name.span),
        ),
        Some(Target::Rule(name)) => (rule(name).into_iter().collect(), Some(name.span)),
        Some(Target::DeclaredDestination(name)) => (
            declared(analysis, name).into_iter().collect(),
            Some(name.span),
        ),
        Some(Target::Statement(statement)) => (
            step_at(analysis, statement).into_iter().collect(),
            Some(statement.span),
        ),
        Some(Target::Header) | None => (Vec::new(), None),
    };
    parts.extend(diagnostics_at(analysis, offset));
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: span.map(|s| document.index.range(text, s)),
    })
}

fn step_at(analysis: &Analysis, statement: &Statement) -> Option<String> {
    let Some(plan) = analysis.tree().plan.as_ref() else {
        let mut lines: Vec<usize> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && super::diagnostics::in_document(analysis, d))
            .filter_map(|d| d.range().map(|(start, _)| start.line))
            .collect();
        lines.dedup();
        let lines: Vec<String> = lines.iter().take(5).map(ToString::to_string).collect();
        let at = match lines.as_slice() {
            [] => String::new(),
            [one] => format!(" (line {one})"),
            many => format!(" (lines {})", many.join(", ")),
        };
        return Some(format!(
            "*What this step does shows once the policy compiles: fix its errors first{at}.*"
        ));
    };
    let step = steps::of_statement(Some(plan), statement.span)?;
    Some(describe_step(plan, step))
}

fn describe_step(plan: &Plan, step: &Step) -> String {
    let words = steps::words(plan, step);
    let mut out = format!("**step {}** — as `policy explain` shows it\n\n", words.step);
    for (name, value) in words.columns {
        // Names such as `mise_en_demeure` as code: Markdown would read
        // their underscores as emphasis.
        let plain = value == "—" || value.chars().all(|c| c.is_ascii_digit());
        if plain {
            out.push_str(&format!("- **{name}**: {value}\n"));
        } else {
            out.push_str(&format!("- **{name}**: `{value}`\n"));
        }
    }
    out.push_str(&format!("\n*{}*", steps::DAY_NOTE));
    out
}

fn template(analysis: &Analysis, name: &Name) -> Option<String> {
    let Some(dir) = analysis.templates_dir() else {
        return Some(format!(
            "**{}**: a template; the policy has no `templates` header, so its file is not looked for",
            name.text
        ));
    };
    let files = templates::files(&dir, &name.text);
    if files.is_empty() {
        return Some(format!(
            "**{}**: no such template in `{}`",
            name.text,
            dir.display()
        ));
    }
    let mut out = format!("**{}**", name.text);
    for file in files {
        let lines = match std::fs::read_to_string(&file.path) {
            // A letter as it reads, not its markup.
            Ok(text) if file.is_html => first_lines(&html_to_text(&text)),
            Ok(text) => first_lines(&text),
            Err(e) => format!("(cannot read it: {e})"),
        };
        let fence = if lines.contains("```") { "~~~~" } else { "```" };
        out.push_str(&format!(
            "\n\n{} `{}`\n\n{fence}text\n{lines}\n{fence}",
            if file.is_html {
                "letter"
            } else {
                "e-mail or SMS text"
            },
            file.path.display(),
        ));
    }
    Some(out)
}

/// The first lines of a text that say something.
fn first_lines(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .take(TEMPLATE_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

fn anchor(analysis: &Analysis, name: &Name, statement: &Statement) -> Vec<String> {
    match crate::suggest::fold(&name.text).as_str() {
        "due" => return vec!["**due**: the invoice's due date".to_string()],
        "issue" => return vec!["**issue**: the invoice's issue date".to_string()],
        _ => {}
    }
    let tree = analysis.tree();
    let mut parts = Vec::new();
    if let (Some(plan), Some(sender)) =
        (&tree.plan, locate::sender(&tree.ast, &name.text, statement))
    {
        if let Some(step) = steps::of_statement(Some(plan), sender.span) {
            parts.push(format!(
                "timed from the step that sends `{}`:\n\n{}",
                name.text,
                describe_step(plan, step)
            ));
        }
    }
    parts.extend(template(analysis, name));
    parts
}

fn destination(analysis: &Analysis, name: &Name) -> Option<String> {
    let tree = analysis.tree();
    if let Some(declared) = locate::declaration(&tree.ast, &name.text) {
        return self::declared(analysis, declared);
    }
    let jurisdiction = analysis.jurisdiction()?;
    let found = law::pack(jurisdiction).destination(&name.text)?;
    let mut out = format!("**{}** ({})", found.title, law::country(jurisdiction));
    if let Some(row) = reference::destination_row(jurisdiction, found.name) {
        out.push_str("\n\n");
        out.push_str(&row);
    }
    Some(out)
}

fn procedure(analysis: &Analysis, name: &Name) -> Option<String> {
    let jurisdiction = analysis.jurisdiction()?;
    let found = law::pack(jurisdiction).procedure(&name.text)?;
    let mut out = format!("**{}** ({})", found.title, law::country(jurisdiction));
    if let Some(row) = reference::procedure_row(jurisdiction, found.name) {
        out.push_str("\n\n");
        out.push_str(&row);
    }
    if !found.note.is_empty() {
        out.push_str(&format!("\n\n{}", found.note));
    }
    Some(out)
}

fn declared(analysis: &Analysis, name: &Name) -> Option<String> {
    let tree = analysis.tree();
    let kind = tree.ast.headers().find_map(|h| match &h.kind {
        HeaderKind::Destination { name: n, kind } if n.text == name.text => Some(kind.text.clone()),
        _ => None,
    })?;
    let line = analysis.source.line_col(name.span.start).line;
    Some(format!(
        "**{}**: the firm's own destination, a `{kind}` (declared on line {line})",
        name.text
    ))
}

fn rule(name: &Name) -> Option<String> {
    let code = Code::parse(&name.text)?;
    code_doc(code)
}

/// A code's explanation: its section of `docs/diagnostics.md`, and for a
/// legal rule its row of `docs/legal-rules.md`.
fn code_doc(code: Code) -> Option<String> {
    let mut out = reference::code_section(code)?.to_string();
    if let Some(row) = reference::rule_row(code) {
        out.push_str("\n\nIn docs/legal-rules.md:\n\n");
        out.push_str(&row);
    }
    Some(out)
}

/// The explanation of every code the checker reports at `offset`.
fn diagnostics_at(analysis: &Analysis, offset: usize) -> Vec<String> {
    let mut codes: Vec<Code> = Vec::new();
    for diagnostic in &analysis.diagnostics {
        let Some(label) = diagnostic.labels.first() else {
            continue;
        };
        let here = super::diagnostics::in_document(analysis, diagnostic)
            && locate::touches(Span::new(label.span.start, label.span.end), offset);
        if here && !codes.contains(&diagnostic.code) {
            codes.push(diagnostic.code);
        }
    }
    codes.into_iter().filter_map(code_doc).collect()
}

#[cfg(test)]
mod tests {
    use super::super::position::Encoding;
    use super::*;
    use crate::vocab::Jurisdiction;
    use lsp_types::Url;

    /// The hover's text at the `nth` character of the first `needle`.
    fn hover_at(text: &str, needle: &str, nth: usize) -> String {
        let uri = Url::parse("file:///nowhere/t.policy").unwrap_or_else(|_| unreachable!());
        let document = Document::new(uri, 1, text.to_string(), Encoding::Utf16);
        let offset = text.find(needle).unwrap_or_default() + nth;
        let position = document.index.position(text, offset);
        match hover(&document, position).map(|h| h.contents) {
            Some(HoverContents::Markup(markup)) => markup.value,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_rule_shows_its_documentation_and_legal_source() {
        let text = "jurisdiction FR\nallow amicable_attempt because \"avis\"\nafter 60 days route tribunal_judiciaire\n";
        let shown = hover_at(text, "amicable_attempt", 3);
        assert!(
            shown.starts_with("### `policy::amicable_attempt`"),
            "{shown}"
        );
        assert!(shown.contains("CPC art. 750-1"), "{shown}");
    }

    #[test]
    fn a_firm_destination_shows_its_declaration() {
        let text = "destination cabinet_martin is lawyer\nafter 60 days route cabinet_martin\n";
        let shown = hover_at(text, "route cabinet_martin", 8);
        assert!(
            shown.contains("the firm's own destination, a `lawyer` (declared on line 1)"),
            "{shown}"
        );
    }

    #[test]
    fn under_a_diagnostic_its_code_is_explained() {
        let text = "after 10 days send relance_1 by emial\n";
        let shown = hover_at(text, "emial", 1);
        assert!(shown.contains("### `policy::unknown_channel`"), "{shown}");
        // and the step cannot be explained yet
        assert!(shown.contains("fix its errors first (line 1)"), "{shown}");
    }

    #[test]
    fn every_court_and_procedure_of_the_packs_has_its_row() {
        for &j in Jurisdiction::ALL {
            let pack = law::pack(j);
            for d in pack.destinations {
                assert!(
                    reference::destination_row(j, d.name).is_some(),
                    "{j}: {}",
                    d.name
                );
            }
            for name in pack.procedure_names() {
                assert!(reference::procedure_row(j, name).is_some(), "{j}: {name}");
            }
        }
    }
}

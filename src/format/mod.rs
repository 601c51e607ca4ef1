//! `policy fmt` minus the command line: a policy's text → its canonical
//! text, checked to mean the same.
//!
//! [`print`] lays the AST out; [`format_source`] refuses files that do not
//! parse (a line with a syntax error is not in the AST, so printing it would
//! drop it) and verifies every result: the formatted text must parse, compile
//! to an equal plan with the same findings, and keep every comment. A
//! difference is a formatter bug, reported as such, and nothing is written.

pub mod files;
mod print;

use std::sync::Arc;

pub use print::{item_text, print, quote};

use crate::ast::Policy;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::plan::{self, Plan};
use crate::source::{SourceFile, Span};
use crate::syntax;

/// Why a text was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The text does not parse; its syntax errors. Nothing is formatted
    /// (like gofmt); semantic errors, in contrast, do not block formatting.
    Syntax(Diagnostics),
    /// The formatted text would not mean the same as the original: a bug in
    /// the formatter, reported as an internal error.
    ChangedMeaning(Box<Diagnostic>),
}

/// The canonical text of a policy file.
pub fn format_source(source: &Arc<SourceFile>) -> Result<String, FormatError> {
    let (policy, diagnostics) = syntax::parse(source);
    if !diagnostics.is_empty() {
        return Err(FormatError::Syntax(diagnostics));
    }
    let text = print(&policy, source);
    verify(source, &policy, &text).map_err(|d| FormatError::ChangedMeaning(Box::new(d)))?;
    Ok(text)
}

/// What a text means, for comparing a file with its formatted self: the
/// plan (spans and source text take no part in its equality), the kinds of
/// problems found, and the comments, which the plan does not hold.
#[derive(Debug, PartialEq)]
struct Meaning {
    plan: Option<Plan>,
    findings: Vec<(Code, Severity)>,
    comments: Vec<String>,
}

fn meaning(policy: &Policy, source: &Arc<SourceFile>) -> Meaning {
    let (plan, diagnostics) = plan::compile(policy, source, true);
    let mut findings: Vec<(Code, Severity)> =
        diagnostics.iter().map(|d| (d.code, d.severity)).collect();
    findings.sort();
    let comments = policy
        .comments
        .iter()
        .map(|c| source.slice(c.span).trim_end().to_string())
        .collect();
    Meaning {
        plan,
        findings,
        comments,
    }
}

fn verify(source: &Arc<SourceFile>, policy: &Policy, formatted: &str) -> Result<(), Diagnostic> {
    let formatted_source = SourceFile::new(source.name(), formatted);
    let (formatted_policy, syntax_errors) = syntax::parse(&formatted_source);
    let problem = if !syntax_errors.is_empty() {
        Some("the formatted text does not parse".to_string())
    } else {
        let before = meaning(policy, source);
        let after = meaning(&formatted_policy, &formatted_source);
        (before != after).then(|| describe_difference(&before, &after))
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let mut diagnostic = Diagnostic::error(
        Code::FormatChangedMeaning,
        format!("internal error: formatting would change this policy: {problem}"),
    )
    .with_help(
        "the file was left as it is; this is a bug in `policy fmt`: please report it with the file",
    );
    diagnostic = match first_changed_step(policy, source, &formatted_policy, &formatted_source) {
        Some(span) => diagnostic
            .with_label(span, "formatted differently from what it means")
            .in_source(source),
        None => diagnostic.in_path(source.name()),
    };
    Err(diagnostic)
}

fn describe_difference(before: &Meaning, after: &Meaning) -> String {
    if before.comments != after.comments {
        "a comment would change".into()
    } else if before.findings != after.findings {
        "the checker would find different problems".into()
    } else {
        "the compiled plan would differ".into()
    }
}

/// The span (in the original) of the first step that compiles differently,
/// to point the bug report at a line.
fn first_changed_step(
    before: &Policy,
    source: &Arc<SourceFile>,
    after: &Policy,
    formatted: &Arc<SourceFile>,
) -> Option<Span> {
    let (Some(before), _) = plan::compile(before, source, true) else {
        return None;
    };
    let (Some(after), _) = plan::compile(after, formatted, true) else {
        return None;
    };
    before
        .steps
        .iter()
        .zip(after.steps.iter().map(Some).chain(std::iter::repeat(None)))
        .find(|(b, a)| Some(*b) != *a)
        .map(|(b, _)| b.span)
}

#[cfg(test)]
mod tests;

//! Diagnostics: what every stage reports instead of failing. A diagnostic is
//! a kind ([`Code`]) plus a message, help and labelled spans in one source.
//! They are collected, never thrown; rendering happens in one place
//! ([`render`]).

mod code;
pub mod render;

use std::sync::Arc;

pub use code::{Class, Code};

use crate::source::{LineCol, SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Advice,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "advice",
        }
    }
}

/// A labelled range of the diagnostic's source. The first label is primary:
/// it gives the diagnostic's line and column.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// The text the labels point into; `None` for problems with no place
    /// (a missing file).
    pub source: Option<Arc<SourceFile>>,
    /// The file a diagnostic without labels is about.
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub(crate) fn advice(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Advice, code, message)
    }

    fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            source: None,
            path: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub(crate) fn in_source(mut self, source: &Arc<SourceFile>) -> Self {
        self.source = Some(Arc::clone(source));
        self
    }

    pub(crate) fn in_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file this diagnostic is about, as the user named it.
    pub fn file(&self) -> Option<&str> {
        match &self.source {
            Some(source) => Some(source.name()),
            None => self.path.as_deref(),
        }
    }

    /// Start and end of the primary label.
    pub fn range(&self) -> Option<(LineCol, LineCol)> {
        let source = self.source.as_ref()?;
        let span = self.labels.first()?.span;
        Some((source.line_col(span.start), source.line_col(span.end)))
    }

    fn sort_key(&self) -> (Option<&str>, usize, Severity) {
        let start = self.labels.first().map_or(0, |label| label.span.start);
        (self.file(), start, self.severity)
    }
}

/// Diagnostics of one run, kept in source order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.0.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Source order within each file (stable, so same-place diagnostics keep
    /// the order in which the passes found them).
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// Keeps the first `max` diagnostics and counts the rest in one closing
    /// diagnostic (`more_problems`) as severe as the worst it counts, so
    /// that the exit code does not change: a file of a thousand broken
    /// lines reports what a person reads, not gigabytes (the ledger does
    /// the same, [`crate::ledger::MAX_PROBLEMS`]).
    pub fn cap(&mut self, max: usize, file: &str) {
        if self.0.len() <= max {
            return;
        }
        let dropped: Vec<Diagnostic> = self.0.drain(max..).collect();
        let count = |severity: Severity| dropped.iter().filter(|d| d.severity == severity).count();
        let parts: Vec<String> = [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Advice, "advice", "advice"),
        ]
        .iter()
        .filter_map(|&(severity, one, many)| match count(severity) {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        })
        .collect();
        let worst = dropped
            .iter()
            .map(|d| d.severity)
            .min()
            .unwrap_or(Severity::Advice);
        self.0.push(
            Diagnostic::new(
                worst,
                Code::MoreProblems,
                format!(
                    "{} more problems in `{file}` are not shown ({}; the first {max} are)",
                    dropped.len(),
                    parts.join(", ")
                ),
            )
            .with_help("fix these and check again to see the rest")
            .in_path(file.to_string()),
        );
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Diagnostics(list)
    }
}

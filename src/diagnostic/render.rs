//! The one place diagnostics become text: miette's graphical report for
//! people, a stable JSON shape for programs.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use super::{Diagnostic, Diagnostics, Severity};

/// How human output looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    /// Colour only on a terminal, and never when `NO_COLOR` is set.
    pub(crate) fn for_stderr(choice: ColorChoice) -> Self {
        use std::io::IsTerminal;
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Style { color, width: 100 }
    }

    pub fn plain() -> Self {
        Style {
            color: false,
            width: 100,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub const ALL: [ColorChoice; 3] = [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    /// The name a user gives (`--color never`).
    pub fn name(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }
}

/// Renders one diagnostic as miette's graphical report.
pub fn human(diagnostic: &Diagnostic, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    let windowed = window_long_line(diagnostic);
    let shown = Shown(windowed.as_ref().unwrap_or(diagnostic));
    if handler.render_report(&mut out, &shown).is_err() {
        // miette only fails on a span outside the source; say it plainly.
        out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
    }
    if diagnostic.source.is_none() {
        if let Some(path) = &diagnostic.path {
            out.push_str(&format!("  in {path}\n"));
        }
    }
    out
}

/// Lines longer than this are shown as a window around the problem.
const LONG_LINE: usize = 200;

/// Labels further apart than this many lines are not quoted together: the
/// lines between them would be reprinted for every diagnostic (a duplicate
/// header a thousand lines below the first).
const SNIPPET_LINES: usize = 12;

/// What is quoted of the file stays small whatever the file holds: a
/// problem on a very long line (a generated one-line policy, a megabyte of
/// garbage), or next to one (miette quotes a line of context on each
/// side), is shown over a window of its own line; labels far from the
/// first are named by their line in the message instead of quoting every
/// line between. Columns stay those of the real file. `None`: quoted as
/// is.
fn window_long_line(diagnostic: &Diagnostic) -> Option<Diagnostic> {
    let source = diagnostic.source.as_ref()?;
    let primary = diagnostic.labels.first()?.span;
    let text = source.text();
    let line_of = |at: usize| source.line_col(at.min(text.len())).line;
    let primary_line = line_of(primary.start);
    let near = |span: crate::source::Span| {
        line_of(span.start).abs_diff(primary_line) <= SNIPPET_LINES
            && line_of(span.end).abs_diff(primary_line) <= SNIPPET_LINES
    };
    let far: Vec<&super::Label> = diagnostic.labels[1..]
        .iter()
        .filter(|l| !near(l.span))
        .collect();
    // The lines miette would quote: from the first label's to the last
    // one's, and one line of context on each side.
    let kept = diagnostic
        .labels
        .iter()
        .filter(|l| far.iter().all(|f| !std::ptr::eq(*f, *l)));
    let (low, high) = kept.fold((primary.start, primary.end), |(lo, hi), l| {
        (lo.min(l.span.start), hi.max(l.span.end))
    });
    let first = source.line_range(low);
    let before = source.line_range(first.start.saturating_sub(1));
    let last = source.line_range(high);
    let after = source.line_range((last.end + 1).min(text.len()));
    let long = [before, first, last, after]
        .iter()
        .any(|l| l.len() > LONG_LINE)
        || (first.start..last.end).len() > LONG_LINE * SNIPPET_LINES;
    if far.is_empty() && !long {
        return None;
    }
    let mut clipped = diagnostic.clone();
    // Labels left out of the quote are named by their line.
    let mention = |clipped: &mut Diagnostic, left: &[&super::Label]| {
        if !left.is_empty() {
            let places: Vec<String> = left
                .iter()
                .map(|l| format!("{} at line {}", l.text, line_of(l.span.start)))
                .collect();
            clipped.message = format!("{} ({})", clipped.message, places.join(", "));
        }
    };
    if !long {
        mention(&mut clipped, &far);
        clipped.labels.retain(|l| near(l.span));
        return Some(clipped);
    }
    // One line only: the primary label's, clipped around it.
    let line = source.line_range(primary.start);
    let floor = |mut i: usize| {
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(primary.start.saturating_sub(60).max(line.start));
    let end = floor((primary.start + 100).min(line.end)).max(start);
    let prefix = if start > line.start { "…" } else { "" };
    let suffix = if end < line.end { "…" } else { "" };
    let shown = format!("{prefix}{}{suffix}", &text[start..end]);
    let skipped = text[line.start..start].chars().count();
    let first_column = skipped.saturating_sub(prefix.chars().count());
    let window =
        crate::source::SourceFile::window(source.name(), shown, primary_line, first_column);
    let shift = |at: usize| at.clamp(start, end) - start + prefix.len();
    let inside = |l: &super::Label| l.span.end >= start && l.span.start <= end;
    let left: Vec<&super::Label> = diagnostic.labels.iter().filter(|l| !inside(l)).collect();
    mention(&mut clipped, &left);
    clipped.labels = diagnostic
        .labels
        .iter()
        .filter(|l| inside(l))
        .map(|l| super::Label {
            span: crate::source::Span::new(shift(l.span.start), shift(l.span.end)),
            text: l.text.clone(),
        })
        .collect();
    clipped.source = Some(window);
    Some(clipped)
}

/// All diagnostics, then a one-line count.
pub fn human_all(diagnostics: &Diagnostics, style: Style) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&human(diagnostic, style));
        out.push('\n');
    }
    out
}

/// `2 errors, 1 warning` (or `no problems`).
pub fn summary(diagnostics: &Diagnostics) -> String {
    let parts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Advice, "advice"),
    ]
    .iter()
    .filter_map(|&(severity, word)| {
        let n = diagnostics.count(severity);
        match n {
            0 => None,
            1 => Some(format!("1 {word}")),
            _ if severity == Severity::Advice => Some(format!("{n} advice")),
            _ => Some(format!("{n} {word}s")),
        }
    })
    .collect();
    if parts.is_empty() {
        "no problems".to_string()
    } else {
        parts.join(", ")
    }
}

/// One diagnostic in the JSON shape of `--format json`.
#[derive(Debug, Serialize)]
pub(crate) struct JsonDiagnostic<'a> {
    pub severity: &'static str,
    pub code: &'static str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        let range = d.range();
        JsonDiagnostic {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            message: &d.message,
            help: d.help.as_deref(),
            file: d.file(),
            line: range.map(|(start, _)| start.line),
            column: range.map(|(start, _)| start.column),
            end_line: range.map(|(_, end)| end.line),
            end_column: range.map(|(_, end)| end.column),
        }
    }
}

/// `{"diagnostics":[…]}`, pretty-printed, with a final newline.
pub fn json(diagnostics: &Diagnostics) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        diagnostics: Vec<JsonDiagnostic<'a>>,
    }
    let report = Report {
        diagnostics: diagnostics.iter().map(JsonDiagnostic::from).collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{\"diagnostics\":[]}".into());
    text.push('\n');
    text
}

/// Adapter giving a [`Diagnostic`] miette's view.
struct Shown<'a>(&'a Diagnostic);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.0.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0
            .source
            .as_ref()
            .map(|s| s.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.source.as_ref()?;
        if self.0.labels.is_empty() {
            return None;
        }
        let len = self.0.source.as_ref().map_or(0, |s| s.text().len());
        Some(Box::new(self.0.labels.iter().enumerate().map(
            move |(i, label)| {
                let start = label.span.start.min(len);
                let end = label.span.end.clamp(start, len);
                let text = (!label.text.is_empty()).then(|| label.text.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, (start, end - start))
                } else {
                    LabeledSpan::new_with_span(text, (start, end - start))
                }
            },
        )))
    }
}

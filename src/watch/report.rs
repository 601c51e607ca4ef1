//! What a watch reports after each batch of changes, and how it reads.

use std::path::PathBuf;

use crate::diagnostic::render::{self, Style};
use crate::diagnostic::{Diagnostics, Severity};
use crate::diff::render::plural;

/// One report: the files a batch of changes affected, checked again.
#[derive(Debug)]
pub struct Report {
    /// When the report was made (local time, for the header line).
    pub at: chrono::DateTime<chrono::Local>,
    pub cause: Cause,
    /// The changed paths that caused the report (policies, templates,
    /// folders), as shown.
    pub changed: Vec<String>,
    /// The files checked (or found removed), in path order.
    pub files: Vec<FileReport>,
    /// The latest findings over every watched file.
    pub totals: Totals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The first check of every file, when the watch starts.
    Start,
    /// Files or templates changed.
    Change,
    /// The file-system watch lost events (a queue overflow): everything was
    /// checked again.
    Rescan,
}

#[derive(Debug)]
pub struct FileReport {
    /// The path as shown: relative to the current folder where possible.
    pub name: String,
    pub path: PathBuf,
    pub status: FileStatus,
}

#[derive(Debug)]
pub enum FileStatus {
    /// Checked: its findings (maybe none), and what the per-change hook
    /// added when the policy compiled (a simulation summary).
    Checked {
        diagnostics: Diagnostics,
        compiled: bool,
        extra: Option<String>,
    },
    /// The file is gone (deleted, or moved out of the watched folders).
    Removed,
}

/// Counts over every file being watched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Files with at least one error.
    pub failing: usize,
}

impl FileReport {
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match &self.status {
            FileStatus::Checked { diagnostics, .. } => Some(diagnostics),
            FileStatus::Removed => None,
        }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics().map_or(0, |d| d.count(Severity::Error))
    }
}

impl Report {
    /// The report for people: a timestamped header line, the diagnostics, a
    /// line per file, and a summary line over every watched file.
    pub fn render(&self, style: Style) -> String {
        let mut out = format!("[{}] {}\n", self.at.format("%H:%M:%S"), self.headline());
        for file in &self.files {
            if let Some(diagnostics) = file.diagnostics() {
                out.push_str(&render::human_all(diagnostics, style));
            }
        }
        for file in &self.files {
            let status = match &file.status {
                FileStatus::Removed => "removed".to_string(),
                FileStatus::Checked { diagnostics, .. } => render::summary(diagnostics),
            };
            out.push_str(&format!("{}: {status}\n", file.name));
            if let FileStatus::Checked {
                extra: Some(extra), ..
            } = &file.status
            {
                for line in extra.lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
        out.push_str(&self.footer());
        out.push('\n');
        out
    }

    fn headline(&self) -> String {
        match self.cause {
            Cause::Start => format!("watching {}", files_word(self.totals.files)),
            Cause::Change => {
                const SHOWN: usize = 3;
                let mut text = format!(
                    "changed: {}",
                    self.changed[..self.changed.len().min(SHOWN)].join(", ")
                );
                if self.changed.len() > SHOWN {
                    text.push_str(&format!(" and {} more", self.changed.len() - SHOWN));
                }
                text
            }
            Cause::Rescan => "events were lost: checked every file again".to_string(),
        }
    }

    fn footer(&self) -> String {
        let t = self.totals;
        let findings = match (t.errors, t.warnings) {
            (0, 0) => "no problems".to_string(),
            (e, w) => {
                let mut parts = Vec::new();
                if e > 0 {
                    parts.push(format!("{e} {}", plural(e, "error")));
                }
                if w > 0 {
                    parts.push(format!("{w} {}", plural(w, "warning")));
                }
                let mut text = parts.join(", ");
                if t.failing > 0 {
                    text.push_str(&format!(" ({} failing)", files_word(t.failing)));
                }
                text
            }
        };
        format!(
            "{} watched: {findings} · waiting for changes (Ctrl-C to stop)",
            files_word(t.files)
        )
    }
}

fn files_word(n: usize) -> String {
    format!("{n} {}", plural(n, "file"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::diagnostic::{Code, Diagnostic};
    use crate::source::{SourceFile, Span};

    #[test]
    fn a_report_reads_header_diagnostics_files_summary() {
        let source = SourceFile::new("policies/lu.policy", "after 15 days send relance_2\n");
        let error = Diagnostic::error(Code::UnknownTemplate, "unknown template `relance_2`")
            .with_label(Span::new(19, 28), "no file `relance_2.*` in `templates`")
            .with_help("did you mean `relance_1`?")
            .in_source(&source);
        let report = Report {
            at: chrono::Local
                .with_ymd_and_hms(2025, 3, 14, 9, 26, 53)
                .single()
                .unwrap(),
            cause: Cause::Change,
            changed: vec!["templates/relance_1.txt".into()],
            files: vec![
                FileReport {
                    name: "policies/be.policy".into(),
                    path: "/repo/policies/be.policy".into(),
                    status: FileStatus::Removed,
                },
                FileReport {
                    name: "policies/fr.policy".into(),
                    path: "/repo/policies/fr.policy".into(),
                    status: FileStatus::Checked {
                        diagnostics: Diagnostics::new(),
                        compiled: true,
                        extra: Some("12 invoices: 30 letters\n2 routed".into()),
                    },
                },
                FileReport {
                    name: "policies/lu.policy".into(),
                    path: "/repo/policies/lu.policy".into(),
                    status: FileStatus::Checked {
                        diagnostics: vec![error].into(),
                        compiled: false,
                        extra: None,
                    },
                },
            ],
            totals: Totals {
                files: 2,
                errors: 1,
                warnings: 3,
                failing: 1,
            },
        };
        insta::assert_snapshot!(report.render(Style::plain()), @r"
        [09:26:53] changed: templates/relance_1.txt
        policy::unknown_template

          × unknown template `relance_2`
           ╭─[policies/lu.policy:1:20]
         1 │ after 15 days send relance_2
           ·                    ────┬────
           ·                        ╰── no file `relance_2.*` in `templates`
           ╰────
          help: did you mean `relance_1`?

        policies/be.policy: removed
        policies/fr.policy: no problems
          12 invoices: 30 letters
          2 routed
        policies/lu.policy: 1 error
        2 files watched: 1 error, 3 warnings (1 file failing) · waiting for changes (Ctrl-C to stop)
        ");
    }
}

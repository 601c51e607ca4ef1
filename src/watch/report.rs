//! What a watch reports after each batch of changes, and how it reads.

use std::path::PathBuf;

use crate::diagnostic::render::{self, Style};
use crate::diagnostic::{Diagnostics, Severity};

/// One report: the files a batch of changes affected, checked again.
#[derive(Debug)]
pub struct Report {
    /// When the report was made (local time, for the header line).
    pub at: chrono::DateTime<chrono::Local>,
    pub cause: Cause,
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
        let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        match self.cause {
            Cause::Start => format!("watching {}", files_word(self.totals.files)),
            Cause::Change => format!("changed: {}", names.join(", ")),
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

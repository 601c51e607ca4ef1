//! What every subcommand needs from the top level: how to print
//! diagnostics, the rate table, the templates' root, and the policy a
//! command runs.

use std::io::Write;

use super::{Exit, note, print_stdout};
use crate::diagnostic::render::{self, Style};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// What every subcommand needs from the top level.
pub struct Context {
    pub style: Style,
    /// `--quiet`: errors only.
    pub quiet: bool,
    /// `--templates-root`.
    pub templates_root: Option<std::path::PathBuf>,
    /// `--rates`, or the shipped table.
    pub rates: crate::claim::RateTable,
}

impl Context {
    /// Checks a policy read from `dir`, its templates kept inside
    /// `--templates-root` (or `dir`).
    pub fn check_policy(
        &self,
        source: &std::sync::Arc<crate::source::SourceFile>,
        dir: &std::path::Path,
    ) -> crate::check::Checked {
        crate::check::check(
            source,
            &crate::check::Setting {
                dir,
                root: self.templates_root.as_deref(),
                rates: &self.rates,
            },
        )
    }

    /// Reads and checks the policy a command runs ([`crate::load::policy`]).
    /// When it cannot be used, reports why (as JSON on stdout with `json`)
    /// and, for a policy with errors, what to do (`to`: "fix them before
    /// simulating"), and gives the exit.
    pub(crate) fn load_policy(
        &self,
        path: &std::path::Path,
        to: &str,
        json: bool,
    ) -> Result<crate::load::Loaded, Exit> {
        crate::load::policy(path, self.templates_root.as_deref(), &self.rates).map_err(|unusable| {
            if unusable.has_errors {
                note(format_args!(
                    "the policy has errors: {to} (`policy check {}`)",
                    path.display()
                ));
            }
            let exit = Exit::of(&unusable.diagnostics);
            self.fail(&unusable.diagnostics, exit, json)
        })
    }

    /// Prints diagnostics for people, on stderr.
    pub fn report(
        &self,
        diagnostics: impl IntoIterator<Item = impl std::borrow::Borrow<Diagnostic>>,
    ) {
        let mut err = std::io::stderr().lock();
        for diagnostic in diagnostics {
            let diagnostic = diagnostic.borrow();
            if self.quiet && !diagnostic.is_error() {
                continue;
            }
            let _ = writeln!(err, "{}", render::human(diagnostic, self.style));
        }
    }

    /// Reports the diagnostics that stop a command; the exit their errors
    /// call for ([`Exit::of`]).
    pub fn stop(
        &self,
        diagnostics: impl IntoIterator<Item = impl std::borrow::Borrow<Diagnostic>> + Clone,
    ) -> Exit {
        self.report(diagnostics.clone());
        Exit::of(diagnostics)
    }

    /// The checker's warnings on a policy that a command runs (not `check`):
    /// one line with their count, since a daily run need not repeat them;
    /// `policy check` lists them. Nothing with `--quiet`.
    pub(crate) fn policy_warnings(&self, policy: &std::path::Path, diagnostics: &Diagnostics) {
        let count = diagnostics.iter().filter(|d| !d.is_error()).count();
        if self.quiet || count == 0 {
            return;
        }
        note(format_args!(
            "{}: {count} {} from the checker (`policy check {}` lists {})",
            policy.display(),
            if count == 1 { "warning" } else { "warnings" },
            policy.display(),
            if count == 1 { "it" } else { "them" },
        ));
    }

    /// Reports the diagnostics that stop a command where its output's
    /// reader looks: JSON on stdout for programs, the human report on
    /// stderr otherwise.
    pub fn fail(
        &self,
        diagnostics: &crate::diagnostic::Diagnostics,
        exit: Exit,
        json: bool,
    ) -> Exit {
        if json {
            exit.max(print_stdout(&render::json(diagnostics)))
        } else {
            self.report(diagnostics);
            exit
        }
    }
}

/// What a run meets on its way, said on stderr as it comes
/// ([`crate::run::today::Say`]).
pub(crate) struct Stderr<'a>(pub &'a Context);

impl crate::run::today::Say for Stderr<'_> {
    fn report(&mut self, diagnostics: &[Diagnostic]) {
        self.0.report(diagnostics);
    }

    fn note(&mut self, text: String) {
        note(text);
    }
}

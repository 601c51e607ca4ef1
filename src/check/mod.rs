//! `policy check` minus the command line: a file's text → every diagnostic
//! the parser, the compiler and the analysis passes find. Each pass returns
//! diagnostics and never stops at the first.
//!
//! The analysis passes run on a compiled plan only: [`analysis`] works out
//! once what every pass shares (times, reach, sureness); each pass then
//! reports [`analysis::Finding`]s, and [`silenced`] applies the policy's
//! `allow` lines to them.

mod analysis;
mod before_due;
pub mod cells;
mod charges;
pub mod columns;
mod conditions;
mod contacts;
mod courts;
pub(crate) mod debtors;
mod guarantor;
mod handlers;
pub mod interval;
mod limitation;
mod mentions;
mod notice;
mod precede;
mod routes;
mod silenced;
pub mod templates;
mod timing;
mod unreachable;

use std::path::Path;
use std::sync::Arc;

use crate::claim::RateTable;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::plan::{self, Plan};
use crate::source::SourceFile;
use crate::syntax;

pub use silenced::{ANALYSIS_CODES, SILENCEABLE, silenceable};

/// At most this many diagnostics are reported per policy file; the rest
/// are counted in a last one (`policy::more_problems`), as the ledger does.
pub const MAX_DIAGNOSTICS: usize = 500;

/// What checking one file found.
#[derive(Debug)]
pub struct Checked {
    /// The compiled plan, when the file has no error.
    pub plan: Option<Plan>,
    pub diagnostics: Diagnostics,
}

/// What a check needs besides the policy's text.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    /// The folder the policy's relative paths (its templates) are read from.
    pub dir: &'a Path,
    /// The root its templates must stay in (`--templates-root`; `None`:
    /// `dir`).
    pub root: Option<&'a Path>,
    /// The rate table the legal rules read rates from (`--rates`).
    pub rates: &'a RateTable,
}

impl<'a> Setting<'a> {
    /// A policy in `dir`, with the shipped rate table.
    pub(crate) fn in_dir(dir: &'a Path) -> Self {
        Setting {
            dir,
            root: None,
            rates: RateTable::shipped(),
        }
    }
}

/// Parses, compiles and checks one policy in `dir`, with the shipped rate
/// table (see [`check`]).
pub fn check_source(source: &Arc<SourceFile>, dir: &Path) -> Checked {
    check(source, &Setting::in_dir(dir))
}

/// Parses, compiles and checks one policy.
pub fn check(source: &Arc<SourceFile>, setting: &Setting<'_>) -> Checked {
    let (ast, mut diagnostics) = syntax::parse(source);
    let complete = diagnostics.is_empty();
    let (template_problems, loaded) = templates::check(&ast, source, setting.dir, setting.root);
    diagnostics.extend(template_problems);
    let (plan, compile_diagnostics) = plan::compile(&ast, source, complete);
    diagnostics.extend(compile_diagnostics);
    let mut plan = plan.filter(|_| !diagnostics.has_errors());
    if let Some(compiled) = &plan {
        diagnostics.extend(analyse(compiled, setting.rates));
        if let Some(loaded) = &loaded {
            diagnostics.extend(mentions::check(compiled, loaded));
        }
        if diagnostics.has_errors() {
            plan = None;
        }
    }
    diagnostics.sort();
    diagnostics.cap(MAX_DIAGNOSTICS, source.name());
    Checked { plan, diagnostics }
}

/// The analysis and legal passes over a compiled plan: conditions, routes,
/// the timeline, contacts, then the jurisdiction's rule pack; `allow` lines
/// applied.
pub fn analyse(plan: &Plan, rates: &RateTable) -> Vec<Diagnostic> {
    let mut a = analysis::Analysis::new(plan, rates);
    let mut findings = conditions::check(&a);
    findings.extend(unreachable::check(&a));
    findings.extend(routes::check(&a));
    findings.extend(notice::check(&mut a));
    findings.extend(contacts::check(&mut a));
    findings.extend(courts::check(&mut a));
    findings.extend(charges::check(&mut a));
    findings.extend(guarantor::check(&mut a));
    findings.extend(limitation::check(&a));
    findings.extend(handlers::check(&a));
    findings.extend(before_due::check(&a));
    silenced::apply(plan, findings)
}

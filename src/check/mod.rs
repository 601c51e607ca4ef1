//! `policy check` minus the command line: a file's text → every diagnostic
//! the parser, the compiler and the analysis passes find. Each pass returns
//! diagnostics and never stops at the first.
//!
//! The analysis passes run on a compiled plan only: [`analysis`] works out
//! once what every pass shares (times, reach, sureness); each pass then
//! reports [`analysis::Finding`]s, and [`silenced`] applies the policy's
//! `allow` lines to them.

mod analysis;
pub mod cells;
mod charges;
mod conditions;
mod contacts;
mod courts;
mod guarantor;
pub mod interval;
mod limitation;
mod notice;
mod precede;
mod routes;
mod silenced;
pub mod templates;
mod timing;
mod unreachable;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::plan::{self, Plan};
use crate::source::SourceFile;
use crate::syntax;

pub use silenced::{ANALYSIS_CODES, SILENCEABLE, silenceable};

/// What checking one file found.
#[derive(Debug)]
pub struct Checked {
    /// The compiled plan, when the file has no error.
    pub plan: Option<Plan>,
    pub diagnostics: Diagnostics,
}

/// Parses, compiles and checks one policy. `dir` is the folder the policy's
/// relative paths (its templates) are read from, and the root its templates
/// must stay in.
pub fn check_source(source: &Arc<SourceFile>, dir: &Path) -> Checked {
    check_source_in(source, dir, None)
}

/// [`check_source`], the policy's templates being allowed anywhere inside
/// `root` (`--templates-root`; `None`: `dir`).
pub fn check_source_in(source: &Arc<SourceFile>, dir: &Path, root: Option<&Path>) -> Checked {
    let (ast, mut diagnostics) = syntax::parse(source);
    let complete = diagnostics.is_empty();
    diagnostics.extend(templates::check(&ast, source, dir, root));
    let (plan, compile_diagnostics) = plan::compile(&ast, source, complete);
    diagnostics.extend(compile_diagnostics);
    let mut plan = plan.filter(|_| !diagnostics.has_errors());
    if let Some(compiled) = &plan {
        diagnostics.extend(analyse(compiled));
        if diagnostics.has_errors() {
            plan = None;
        }
    }
    diagnostics.sort();
    Checked { plan, diagnostics }
}

/// The analysis and legal passes over a compiled plan: conditions, routes,
/// the timeline, contacts, then the jurisdiction's rule pack; `allow` lines
/// applied.
pub fn analyse(plan: &Plan) -> Vec<Diagnostic> {
    let mut a = analysis::Analysis::new(plan);
    let mut findings = conditions::check(&a);
    findings.extend(unreachable::check(&a));
    findings.extend(routes::check(&a));
    findings.extend(notice::check(&mut a));
    findings.extend(contacts::check(&mut a));
    findings.extend(courts::check(&mut a));
    findings.extend(charges::check(&mut a));
    findings.extend(guarantor::check(&mut a));
    findings.extend(limitation::check(&a));
    silenced::apply(plan, findings)
}

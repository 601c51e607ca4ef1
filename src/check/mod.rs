//! `policy check` minus the command line: a file's text → every diagnostic
//! the parser, the compiler and the analysis passes find. Each pass returns
//! diagnostics and never stops at the first.

mod templates;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostics;
use crate::plan::{self, Plan};
use crate::source::SourceFile;
use crate::syntax;

/// What checking one file found.
#[derive(Debug)]
pub struct Checked {
    /// The compiled plan, when the file has no error.
    pub plan: Option<Plan>,
    pub diagnostics: Diagnostics,
}

/// Parses, compiles and checks one policy. `dir` is the folder the policy's
/// relative paths (its templates) are read from.
pub fn check_source(source: &Arc<SourceFile>, dir: &Path) -> Checked {
    let (ast, mut diagnostics) = syntax::parse(source);
    let complete = diagnostics.is_empty();
    diagnostics.extend(templates::check(&ast, source, dir));
    let (plan, compile_diagnostics) = plan::compile(&ast, source, complete);
    diagnostics.extend(compile_diagnostics);
    let plan = plan.filter(|_| !diagnostics.has_errors());
    diagnostics.sort();
    Checked { plan, diagnostics }
}

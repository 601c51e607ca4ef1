//! `policy explain FILE`

use std::path::{Path, PathBuf};

use super::{Context, Exit, print_stdout};
use crate::explain;
use crate::load;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file.
    file: PathBuf,

    /// Output: a table for people, or JSON for programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let source = match load::read_policy(&args.file) {
        Ok(source) => source,
        Err(diagnostic) => return context.stop([diagnostic]),
    };
    let dir = args.file.parent().unwrap_or(Path::new("."));
    let checked = context.check_policy(&source, dir);
    context.report(&checked.diagnostics);
    let Some(plan) = checked.plan else {
        super::note(format_args!(
            "the policy has errors: fix them to see its plan (`policy check {}`)",
            args.file.display()
        ));
        return Exit::Findings;
    };
    let text = match args.format {
        Format::Text => explain::table(&plan),
        Format::Json => explain::json(&plan),
    };
    print_stdout(&text)
}

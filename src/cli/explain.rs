//! `policy explain FILE`

use std::path::PathBuf;

use super::{Context, Exit, print_stdout};
use crate::explain;

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
    let plan = match context.load_policy(&args.file, "fix them to see its plan", false) {
        Ok(loaded) => {
            context.report(&loaded.warnings);
            loaded.plan
        }
        Err(exit) => return exit,
    };
    let text = match args.format {
        Format::Text => explain::table(&plan),
        Format::Json => explain::json(&plan),
    };
    print_stdout(&text)
}

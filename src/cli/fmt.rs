//! `policy fmt [FILE...] [--check]`: rewrites policy files in the canonical
//! layout, or (`--check`) shows the diff without writing, for CI.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Context, Exit, note, print_stdout};
use crate::diagnostic::{Code, Diagnostic};
use crate::format::files::{self, Outcome, shown, unified_diff};
use crate::format::{FormatError, format_source};
use crate::load;
use crate::source::SourceFile;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files, or folders to search for `*.policy` files; `-` reads a
    /// policy on stdin and writes it formatted on stdout. Default: every
    /// `*.policy` file under the current folder.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Write nothing: print a unified diff for each file that is not
    /// formatted, and exit 1 if there is one (for CI and pre-commit hooks).
    #[arg(long)]
    check: bool,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let stdin = Path::new("-");
    if args.files.iter().any(|f| f == stdin) {
        if args.files.len() > 1 {
            context.report([
                Diagnostic::error(Code::Io, "`-` (stdin) cannot be mixed with files")
                    .with_help("run `policy fmt -` alone, or give only files")
                    .in_path("-"),
            ]);
            return Exit::Failure;
        }
        return run_stdin(args.check, context);
    }
    let roots = if args.files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.files.clone()
    };
    let files = match load::policy_files(&roots) {
        Ok(files) => files,
        Err(diagnostic) => {
            context.report([diagnostic]);
            return Exit::Failure;
        }
    };
    let mut worst = Exit::Ok;
    let outcomes: Vec<Outcome> = files
        .iter()
        .map(|file| {
            format_file(file, args.check, context).unwrap_or_else(|exit| {
                worst = worst.max(exit);
                Outcome::Failed
            })
        })
        .collect();
    note(files::summary(&outcomes, args.check));
    if outcomes.contains(&Outcome::NeedsFormatting) {
        worst = worst.max(Exit::Findings);
    }
    worst
}

/// What became of the file; `Err`: the exit its failure calls for, after
/// reporting it.
fn format_file(path: &Path, check: bool, context: &Context) -> Result<Outcome, Exit> {
    let source = load::read_policy(path).map_err(|d| context.stop([d]))?;
    let formatted = format(&source, context)?;
    if formatted == source.text() {
        // Not rewritten: the file's modification time stays as it was.
        return Ok(Outcome::Unchanged);
    }
    let name = shown(path);
    if check {
        return match print_stdout(&unified_diff(&name, source.text(), &formatted)) {
            Exit::Ok => Ok(Outcome::NeedsFormatting),
            exit => Err(exit),
        };
    }
    match files::write_atomically(path, &formatted) {
        Ok(()) => {
            note(format_args!("formatted {name}"));
            Ok(Outcome::Formatted)
        }
        Err(err) => {
            context.report([files::write_failed(&name, &err)]);
            Err(Exit::Failure)
        }
    }
}

fn run_stdin(check: bool, context: &Context) -> Exit {
    let mut bytes = Vec::new();
    if let Err(err) = std::io::stdin().lock().read_to_end(&mut bytes) {
        context.report([load::io_error(load::Op::Read, Path::new("<stdin>"), &err)]);
        return Exit::Failure;
    }
    let source = match load::text_source("<stdin>".into(), bytes) {
        Ok(source) => source,
        Err(d) => return context.stop([d]),
    };
    let formatted = match format(&source, context) {
        Ok(text) => text,
        Err(exit) => return exit,
    };
    if !check {
        return print_stdout(&formatted);
    }
    if formatted == source.text() {
        return Exit::Ok;
    }
    print_stdout(&unified_diff("<stdin>", source.text(), &formatted)).max(Exit::Findings)
}

/// The formatted text, or the exit code after reporting why there is none.
fn format(source: &std::sync::Arc<SourceFile>, context: &Context) -> Result<String, Exit> {
    match format_source(source) {
        Ok(text) => Ok(text),
        Err(FormatError::Syntax(diagnostics)) => {
            context.report(&diagnostics);
            note(format_args!(
                "{} was not formatted: fix its syntax errors first",
                source.name()
            ));
            Err(Exit::Findings)
        }
        Err(FormatError::ChangedMeaning(diagnostic)) => {
            context.report([*diagnostic]);
            Err(Exit::Failure)
        }
    }
}

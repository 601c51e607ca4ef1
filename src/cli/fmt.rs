//! `policy fmt [FILE...] [--check]`: rewrites policy files in the canonical
//! layout, or (`--check`) shows the diff without writing, for CI.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Context, Exit, note, print_stdout};
use crate::diagnostic::{Code, Diagnostic};
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

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Formatted,
    Unchanged,
    /// `--check` found it unformatted.
    NeedsFormatting,
    Failed(Exit),
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
    let outcomes: Vec<Outcome> = files
        .iter()
        .map(|file| format_file(file, args.check, context))
        .collect();
    summarize(&outcomes, args.check)
}

fn format_file(path: &Path, check: bool, context: &Context) -> Outcome {
    let source = match load::read_policy(path) {
        Ok(source) => source,
        Err(diagnostic) => return Outcome::Failed(context.stop([diagnostic])),
    };
    let formatted = match format(&source, context) {
        Ok(text) => text,
        Err(exit) => return Outcome::Failed(exit),
    };
    if formatted == source.text() {
        // Not rewritten: the file's modification time stays as it was.
        return Outcome::Unchanged;
    }
    let name = shown(path);
    if check {
        let diff = crate::format::files::unified_diff(&name, source.text(), &formatted);
        return match print_stdout(&diff) {
            Exit::Ok => Outcome::NeedsFormatting,
            exit => Outcome::Failed(exit),
        };
    }
    match crate::format::files::write_atomically(path, &formatted) {
        Ok(()) => {
            note(format_args!("formatted {name}"));
            Outcome::Formatted
        }
        Err(err) => {
            context.report([Diagnostic::error(
                Code::Io,
                format!("cannot write `{name}`: {err}"),
            )
            .with_help("check that you may write the file and its folder; the file was left as it was")
            .in_path(name)]);
            Outcome::Failed(Exit::Failure)
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
    print_stdout(&crate::format::files::unified_diff(
        "<stdin>",
        source.text(),
        &formatted,
    ))
    .max(Exit::Findings)
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

fn summarize(outcomes: &[Outcome], check: bool) -> Exit {
    let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count();
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    let (formatted, unchanged) = (count(Outcome::Formatted), count(Outcome::Unchanged));
    let unformatted = count(Outcome::NeedsFormatting);
    let failed = outcomes.len() - formatted - unchanged - unformatted;
    let mut parts = Vec::new();
    if check {
        if unformatted > 0 {
            parts.push(format!(
                "{} not formatted (run `policy fmt` to format)",
                files(unformatted)
            ));
        }
        if unchanged > 0 {
            parts.push(format!("{} formatted", files(unchanged)));
        }
    } else {
        if formatted > 0 {
            parts.push(format!("formatted {}", files(formatted)));
        }
        if unchanged > 0 {
            parts.push(format!("{} already formatted", files(unchanged)));
        }
    }
    if failed > 0 {
        parts.push(format!("{} left as is because of errors", files(failed)));
    }
    note(parts.join(", "));
    let worst_failure = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(exit) => Some(*exit),
            _ => None,
        })
        .max()
        .unwrap_or(Exit::Ok);
    let findings = if unformatted > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    };
    worst_failure.max(findings)
}

/// A path as shown to the user: `x.policy` rather than `./x.policy`.
fn shown(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_drop_the_current_folder() {
        assert_eq!(shown(Path::new("./a/x.policy")), "a/x.policy");
        assert_eq!(shown(Path::new("a/x.policy")), "a/x.policy");
    }
}

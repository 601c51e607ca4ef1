//! `policy check PATH...`

use std::path::{Path, PathBuf};

use super::{Context, Exit, print_stdout};
use crate::check::debtors::{Debtors, DebtorsFile};
use crate::diagnostic::{Diagnostics, Severity, render};
use crate::load;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files, or folders to search for `*.policy` files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output: diagnostics for people, or JSON on stdout for programs.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Exit 1 on warnings too (for CI).
    #[arg(long)]
    deny_warnings: bool,

    /// A debtors file (CSV) whose columns the conditions' `debtor.COLUMN`
    /// must name.
    #[arg(long, value_name = "FILE")]
    debtors: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let mut diagnostics = Diagnostics::new();
    let mut exit = Exit::Ok;
    let files = match load::policy_files(&args.paths) {
        Ok(files) => files,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            exit = Exit::Failure;
            Vec::new()
        }
    };
    let debtors = match args.debtors.as_deref().map(DebtorsFile::read) {
        None => Debtors::NotGiven,
        Some(Ok((file, problems))) => {
            if problems.has_errors() {
                exit = exit.max(Exit::Findings);
            }
            diagnostics.extend(problems);
            Debtors::Read(file)
        }
        Some(Err(diagnostic)) => {
            diagnostics.push(diagnostic);
            exit = Exit::Failure;
            Debtors::Unreadable
        }
    };
    let root = context.templates_root.as_deref();
    for file in &files {
        match load::read_policy(file) {
            Ok(source) => {
                let dir = file.parent().unwrap_or(Path::new("."));
                let checked = context.check_policy(&source, dir);
                diagnostics.extend(checked.diagnostics);
                if let Some(plan) = &checked.plan {
                    diagnostics.extend(debtors.findings(plan, dir, root));
                }
            }
            Err(diagnostic) => {
                exit = exit.max(Exit::of([&diagnostic]));
                diagnostics.push(diagnostic);
            }
        }
    }
    let findings = diagnostics.has_errors()
        || (args.deny_warnings && diagnostics.count(Severity::Warning) > 0);
    if findings {
        exit = exit.max(Exit::Findings);
    }
    match args.format {
        Format::Json => {
            exit = exit.max(print_stdout(&render::json(&diagnostics)));
        }
        Format::Human => {
            context.report(&diagnostics);
            let files_word = if files.len() == 1 { "file" } else { "files" };
            super::note(format_args!(
                "checked {} {files_word}: {}",
                files.len(),
                render::summary(&diagnostics)
            ));
        }
    }
    exit
}

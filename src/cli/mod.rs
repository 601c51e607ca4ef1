//! The command line: clap types and dispatch. One file per subcommand; each
//! returns an [`Exit`], and `main` turns it into the process exit code.

mod book;
mod check;
mod choices;
mod context;
mod diff;
mod dossier;
mod exit;
mod explain;
mod fmt;
mod import;
mod import_bank;
mod inputs;
mod journal;
mod ledger;
mod lsp;
mod output;
mod panic;
mod run;
mod simulate;
mod watch;

use std::io::Write;

use clap::{Parser, Subcommand};

pub(crate) use context::Context;
pub use exit::Exit;
pub(crate) use output::print_stdout;

use crate::diagnostic::render::{self, ColorChoice, Style};

#[derive(Debug, Parser)]
#[command(
    name = "policy",
    version,
    about = "Check, explain, simulate and run debt-collection policies",
    long_about = "Check, explain, simulate and run debt-collection policies.\n\n\
                  Exit codes: 0 ok, 1 findings (errors in a policy or ledger), 2 usage or I/O failure."
)]
pub(crate) struct Cli {
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Print errors only: no warnings, no notes (for daily runs from cron).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// The root of the policies' repository: a policy's templates folder
    /// may be anywhere inside it [default: the folder holding the policy].
    #[arg(long, global = true, value_name = "DIR")]
    templates_root: Option<std::path::PathBuf>,

    /// The interest rate table the legal checks and the statutory charges
    /// read [default: the one shipped, see docs/money.md].
    #[arg(long, global = true, value_name = "FILE")]
    rates: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files for errors: syntax, names, anchors, the law.
    Check(check::Args),
    /// Show the compiled plan of a policy as a table: what it will do, when.
    Explain(explain::Args),
    /// Simulate a policy on a ledger: which steps fire for which invoice, when.
    Simulate(simulate::Args),
    /// Rewrite policy files in the canonical layout (`--check`: show the diff, for CI).
    Fmt(fmt::Args),
    /// Check policy files again on every save, until Ctrl-C.
    Watch(watch::Args),
    /// What a change to a policy does to a ledger's invoices: events added,
    /// removed or moved, courts switched (exit 1 when anything changes).
    Diff(diff::Args),
    /// Inspect the audit journal of `policy run`: verify it, resolve an
    /// uncertain action.
    Journal(journal::Args),
    /// Produce the letters, e-mails and tasks due, exactly once, with an audit journal.
    Run(run::Args),
    /// The file for a lawyer or bailiff: an invoice's or debtor's history from the journal,
    /// and the amount claimed with interest and indemnity (Markdown or HTML).
    Dossier(dossier::Args),
    /// The language server for editors, on stdin and stdout (docs/editors.md).
    Lsp(lsp::Args),
    /// Look at a book file: `ledger inspect FILE` prints what was detected
    /// and how its columns map (docs/import.md).
    Ledger(ledger::Args),
    /// Import data: a book from a French FEC (`import fec FILE --terms "30
    /// days"`, docs/import.md); bank statements' credits as payments
    /// (`camt053`, `camt054`, `coda`; docs/bank-import.md).
    Import(import::Args),
}

pub fn main() -> std::process::ExitCode {
    panic::install_hook();
    let cli = Cli::parse();
    let style = Style::for_stderr(cli.color);
    // One rate table for every check and every charge of the command.
    let rates = match &cli.rates {
        None => crate::claim::RateTable::shipped().clone(),
        Some(path) => match inputs::rate_table(Some(path)) {
            Ok(rates) => rates,
            Err(diagnostic) => {
                let _ = writeln!(std::io::stderr(), "{}", render::human(&diagnostic, style));
                return std::process::ExitCode::from(Exit::of([&diagnostic]) as u8);
            }
        },
    };
    let context = Context {
        style,
        quiet: cli.quiet,
        templates_root: cli.templates_root,
        rates,
    };
    let exit = match cli.command {
        Command::Check(args) => check::run(&args, &context),
        Command::Explain(args) => explain::run(&args, &context),
        Command::Simulate(args) => simulate::run(&args, &context),
        Command::Fmt(args) => fmt::run(&args, &context),
        Command::Watch(args) => watch::run(&args, &context),
        Command::Diff(args) => diff::run(&args, &context),
        Command::Journal(args) => journal::run(&args, &context),
        Command::Run(args) => run::run(&args, &context),
        Command::Dossier(args) => dossier::run(&args, &context),
        Command::Lsp(args) => lsp::run(&args, &context),
        Command::Ledger(args) => ledger::run(&args, &context),
        Command::Import(args) => import::run(&args, &context),
    };
    std::process::ExitCode::from(exit as u8)
}

/// Writes a line to stderr; a closed stderr is not worth a panic.
pub(crate) fn note(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

//! `policy ledger inspect FILE`: what the reader makes of a book file.

use std::path::PathBuf;

use super::{Context, Exit, print_stdout};
use crate::ledger::input::EncodingChoice;
use crate::ledger::inspect::{self, Failure, Inspection};
use crate::ledger::{self, DialectChoice, ReadOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print what was detected in a ledger file: format, sheet, encoding,
    /// dialect, how its columns map to ours, rows, dates and totals per
    /// type; then read the whole book when its debtors file is found.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
struct InspectArgs {
    /// The ledger: CSV (either dialect, any encoding), .xlsx, .ods, .xls or JSON.
    file: PathBuf,

    /// The debtors file [default: debtors.csv beside the ledger, if any].
    #[arg(long, value_name = "FILE")]
    debtors: Option<PathBuf>,

    /// How the CSV files are written: detected from their header, or forced.
    #[arg(long, value_enum, default_value_t = DialectChoice::Auto)]
    dialect: DialectChoice,

    /// How the CSV files' bytes are text: detected, or forced.
    #[arg(long, value_enum, default_value_t = EncodingChoice::Auto)]
    encoding: EncodingChoice,

    /// The workbook sheet holding the ledger [default: the first].
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,

    /// The mapping of the firm's columns and types [default: book.toml beside the ledger].
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    match &args.command {
        Command::Inspect(args) => run_inspect(args, context),
    }
}

fn run_inspect(args: &InspectArgs, context: &Context) -> Exit {
    let options = ReadOptions {
        dialect: args.dialect,
        encoding: args.encoding,
        sheet: args.sheet.clone(),
        map: args.map.clone(),
        ..ReadOptions::default()
    };
    let found = match inspect::inspect(&args.file, &options) {
        Ok(found) => found,
        Err(Failure::Io(d)) => {
            context.report([d]);
            return Exit::Failure;
        }
        Err(Failure::Data(d)) => {
            context.report(&d);
            return Exit::Findings;
        }
    };
    let mut text = found.render();
    if !found.reads_book(&args.file, args.debtors.is_some()) {
        text.push_str(&Inspection::book_not_read());
        return print_stdout(&text);
    }
    let loaded = match ledger::read(&args.file, args.debtors.as_deref(), &options) {
        Ok(loaded) => loaded,
        Err(d) => {
            let exit = print_stdout(&text);
            context.report([d]);
            return exit.max(Exit::Failure);
        }
    };
    text.push_str(&Inspection::book_read(&loaded));
    let exit = if loaded.ledger.is_some() {
        Exit::Ok
    } else {
        Exit::Findings
    };
    let printed = print_stdout(&text);
    context.report(&loaded.diagnostics);
    exit.max(printed)
}

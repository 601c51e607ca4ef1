//! `policy import FORMAT …`: a book built from another format. One
//! subcommand per format (`fec` here); each writes the ledger and debtors
//! files of docs/ledger.md and refuses to write over files without
//! `--force`.

use std::path::PathBuf;

use super::{Context, Exit, print_stdout};
use crate::import::fec_file::{self, Refused, Request};
use crate::ledger::input::EncodingChoice;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

/// The formats a book is imported from.
#[derive(Debug, clap::Subcommand)]
enum Format {
    /// A French Fichier des Écritures Comptables (LPF art. A47 A-1): the
    /// customer accounts (411…) become a ledger and a debtors file.
    Fec(FecArgs),
    /// ISO 20022 camt.053 bank-to-customer statements (XML): credits become
    /// payments of the book.
    Camt053(super::import_bank::BankArgs),
    /// ISO 20022 camt.054 debit and credit notifications (XML).
    Camt054(super::import_bank::BankArgs),
    /// Belgian CODA statements (Febelfin, 128-character records).
    Coda(super::import_bank::BankArgs),
}

#[derive(Debug, clap::Args)]
struct FecArgs {
    /// The FEC file (tab- or `|`-separated).
    file: PathBuf,

    /// The payment terms that give each invoice its due date, since the FEC
    /// has none: `30 days`, `45 jours fin de mois`.
    #[arg(long, value_name = "TERMS")]
    terms: String,

    /// Where to write ledger.csv and debtors.csv.
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    out_dir: PathBuf,

    /// Replace ledger.csv and debtors.csv when they exist.
    #[arg(long)]
    force: bool,

    /// A sales journal's code (repeat for several) [default: VT, VE, VEN,
    /// VTE, or a journal named "…vente…"].
    #[arg(long, value_name = "CODE")]
    sales_journal: Vec<String>,

    /// The kind of every debtor (the FEC does not tell).
    #[arg(long, value_name = "KIND", default_value = "b2b")]
    kind: String,

    /// How the FEC's bytes are text [default: UTF-8 when they are, else
    /// ISO-8859-15].
    #[arg(long, value_enum, default_value_t = EncodingChoice::Auto)]
    encoding: EncodingChoice,

    /// The prefix of the customer accounts.
    #[arg(long, value_name = "PREFIX", default_value = "411")]
    accounts: String,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    match &args.format {
        Format::Fec(args) => run_fec(args, context),
        Format::Camt053(a) => {
            super::import_bank::run_bank(crate::import::bank::Format::Camt053, a, context)
        }
        Format::Camt054(a) => {
            super::import_bank::run_bank(crate::import::bank::Format::Camt054, a, context)
        }
        Format::Coda(a) => {
            super::import_bank::run_bank(crate::import::bank::Format::Coda, a, context)
        }
    }
}

fn run_fec(args: &FecArgs, context: &Context) -> Exit {
    let request = Request {
        file: &args.file,
        terms: &args.terms,
        kind: &args.kind,
        out_dir: &args.out_dir,
        force: args.force,
        sales_journals: &args.sales_journal,
        encoding: args.encoding,
        accounts: &args.accounts,
    };
    match fec_file::import(&request) {
        Ok(text) => print_stdout(&text),
        Err(Refused::Failure(diagnostic)) => {
            context.report([diagnostic]);
            Exit::Failure
        }
        Err(Refused::Problems(problems)) => {
            context.report(&problems);
            super::note("nothing written");
            Exit::Findings
        }
    }
}

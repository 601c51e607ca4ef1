//! `policy import FORMAT …`: a book built from another format. One
//! subcommand per format (`fec` here); each writes the ledger and debtors
//! files of docs/ledger.md and refuses to write over files without
//! `--force`.

use std::path::PathBuf;

use super::{Context, Exit, print_stdout};
use crate::diagnostic::{Code, Diagnostic};
use crate::import::{self, Terms, fec};
use crate::ledger::input::EncodingChoice;
use crate::vocab::DebtorKind;

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

fn usage(context: &Context, message: String, help: &str) -> Exit {
    context.report([Diagnostic::error(Code::ImportFec, message).with_help(help.to_string())]);
    Exit::Failure
}

fn run_fec(args: &FecArgs, context: &Context) -> Exit {
    let Some(terms) = Terms::parse(&args.terms) else {
        return usage(
            context,
            format!("`--terms {}` cannot be read", args.terms),
            "write the payment terms as `30 days`, `60 jours`, `45 days end of month`",
        );
    };
    let Some(kind) = DebtorKind::from_word(&args.kind) else {
        return usage(
            context,
            format!("`--kind {}` is not a debtor kind", args.kind),
            "the kind is `b2b` (businesses) or `b2c` (consumers)",
        );
    };
    let targets =
        match import::check_targets(&args.out_dir, &["ledger.csv", "debtors.csv"], args.force) {
            Ok(targets) => targets,
            Err(d) => {
                context.report([d]);
                return Exit::Failure;
            }
        };
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            context.report([crate::load::io_error(crate::load::Op::Read, &args.file, &e)]);
            return Exit::Failure;
        }
    };
    let forced = match args.encoding {
        EncodingChoice::Auto => None,
        EncodingChoice::Utf8 => Some(encoding_rs::UTF_8),
        EncodingChoice::Windows1252 => Some(encoding_rs::WINDOWS_1252),
        EncodingChoice::Iso885915 => Some(encoding_rs::ISO_8859_15),
    };
    let (text, encoding) = fec::decode(&bytes, forced);
    let options = fec::Options {
        terms,
        sales_journals: args.sales_journal.clone(),
        kind,
        customer_prefix: args.accounts.clone(),
    };
    let shown = args.file.display().to_string();
    let mut imported = match fec::import(&shown, text, &options) {
        Ok(imported) => imported,
        Err(problems) => {
            context.report(&problems);
            super::note("nothing written");
            return Exit::Findings;
        }
    };
    imported.encoding = encoding;
    let files = vec![
        (targets[0].clone(), imported.ledger_csv()),
        (targets[1].clone(), imported.debtors_csv(kind)),
    ];
    if let Err(d) = import::write_all(&files) {
        context.report([d]);
        return Exit::Failure;
    }
    let mut text = format!("{shown}: FEC imported\n");
    text.push_str(&imported.summary(&options));
    text.push_str(&format!(
        "  wrote        {}, {}\n",
        targets[0].display(),
        targets[1].display()
    ));
    print_stdout(&text)
}

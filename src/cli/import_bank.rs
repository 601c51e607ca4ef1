//! `policy import camt053|camt054|coda FILE... --ledger L`: the credits of
//! bank statements matched to the book's open invoices and appended to the
//! ledger as `payment` rows (docs/bank-import.md). Every file is read
//! before anything is written: a malformed one stops the import, located,
//! with nothing written.

use std::path::PathBuf;

use super::inputs::LedgerArgs;
use super::{Context, Exit, print_stdout};
use crate::diagnostic::Code;
use crate::import::bank::{self, Format, report};

/// The arguments of `import camt053`, `camt054` and `coda`: the variants
/// `Camt053(BankArgs)`, `Camt054(BankArgs)`, `Coda(BankArgs)` of a shared
/// `import` subcommand call [`run_bank`].
#[derive(Debug, clap::Args)]
pub(super) struct BankArgs {
    /// The statement files, as the bank delivers them.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    book: LedgerArgs,

    /// Where the credits left for review go
    /// [default: bank-review.csv beside the ledger].
    #[arg(long, value_name = "FILE")]
    review: Option<PathBuf>,

    /// Show what would be imported; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `policy import camt053|camt054|coda FILE... --ledger L`.
pub(super) fn run_bank(format: Format, args: &BankArgs, context: &Context) -> Exit {
    // The statements and the book are read side by side; a malformed
    // statement is reported first (and the book's problems are not), and
    // nothing is written.
    let (read, book) = std::thread::scope(|scope| {
        let book = scope.spawn(|| args.book.read("EUR", &[]));
        let read = bank::read_files(&args.files, format);
        (read, book.join())
    });
    let read = match read {
        Ok(read) => read,
        Err(diagnostic) => {
            return context.stop([diagnostic]);
        }
    };
    let ledger = match book {
        Ok(Ok((ledger, warnings))) => {
            context.report(&warnings);
            ledger
        }
        Ok(Err(unread)) => {
            return context.stop(&unread);
        }
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let ledger_path = &args.book.ledger;
    let review = args
        .review
        .clone()
        .unwrap_or_else(|| report::default_review(ledger_path));
    let summary = match bank::import(ledger_path, &ledger, &read, &review, args.dry_run) {
        Ok((summary, matcher)) => {
            // A million invoices' indexes take a while to free, one by one,
            // and the process ends here anyway.
            std::mem::forget(matcher);
            summary
        }
        Err(diagnostic) => {
            // An altered record of an earlier import is a finding in the
            // files; anything else, a failure to do the job.
            let finding = diagnostic.code == Code::BankRecord;
            context.report([diagnostic]);
            return if finding {
                Exit::Findings
            } else {
                Exit::Failure
            };
        }
    };
    let import = report::Import {
        format,
        files: &args.files,
        ledger: ledger_path,
        review: &review,
        dry_run: args.dry_run,
    };
    std::mem::forget(ledger);
    let printed = print_stdout(&report::text(&import, &summary));
    if printed != Exit::Ok {
        return printed;
    }
    if summary.review.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    }
}

//! `policy import camt053|camt054|coda FILE... --ledger L`: the credits of
//! bank statements matched to the book's open invoices and appended to the
//! ledger as `payment` rows (docs/bank-import.md). Every file is read
//! before anything is written: a malformed one stops the import, located,
//! with nothing written.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::inputs::LedgerArgs;
use super::{Context, Exit, print_stdout};
use crate::diagnostic::Diagnostics;
use crate::import::bank::{self, Format};

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
    let review = args.review.clone().unwrap_or_else(|| {
        args.book
            .ledger
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("bank-review.csv")
    });
    let summary = match bank::import(&args.book.ledger, &ledger, &read, &review, args.dry_run) {
        Ok((summary, matcher)) => {
            // A million invoices' indexes take a while to free, one by one,
            // and the process ends here anyway.
            std::mem::forget(matcher);
            summary
        }
        Err(diagnostic) => {
            let exit = if diagnostic.code == crate::diagnostic::Code::BankRecord {
                Exit::Findings
            } else {
                Exit::Failure
            };
            context.report(Diagnostics::from(vec![diagnostic]).iter());
            return exit;
        }
    };
    let mut out = String::new();
    let verb = if args.dry_run {
        "would append"
    } else {
        "appended"
    };
    let _ = writeln!(
        out,
        "{} {}: {} statement{}, {} credit{} ({} debit{} left aside)",
        format.as_str(),
        args.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        summary.statements,
        plural(summary.statements),
        summary.credits,
        plural(summary.credits),
        summary.debits,
        plural(summary.debits),
    );
    let _ = writeln!(
        out,
        "  matched: {} credit{}, {verb} {} payment row{} to {}",
        summary.matched,
        plural(summary.matched),
        summary.rows.len(),
        plural(summary.rows.len()),
        args.book.ledger.display()
    );
    if summary.imported_before > 0 {
        let _ = writeln!(
            out,
            "  imported before: {} credit{} (nothing added)",
            summary.imported_before,
            plural(summary.imported_before)
        );
    }
    if summary.review.is_empty() {
        let _ = writeln!(out, "  to review: none");
    } else {
        let _ = writeln!(
            out,
            "  to review: {} credit{}, listed in {} with the reason",
            summary.review.len(),
            plural(summary.review.len()),
            review.display()
        );
        for item in summary.review.iter().take(10) {
            let _ = writeln!(
                out,
                "    {}:{} {} {:.2} {}: {}",
                item.file, item.line, item.booked, item.amount, item.currency, item.reason
            );
        }
        if summary.review.len() > 10 {
            let _ = writeln!(out, "    … and {} more", summary.review.len() - 10);
        }
    }
    std::mem::forget(ledger);
    let printed = print_stdout(&out);
    if printed != Exit::Ok {
        return printed;
    }
    if summary.review.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

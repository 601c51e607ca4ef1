//! `policy diff OLD NEW --ledger L [--debtors D] [--from DATE] [--to DATE]
//! [--format table|json] [--exit-zero]`: what a change to a policy does to
//! the invoices of a book. Exit 1 when anything changes, so that it can
//! gate a merge.

use std::path::PathBuf;

use super::book::BookArgs;
use super::output::write_to;
use super::{Context, Exit};
use crate::diagnostic::Diagnostics;
use crate::diff::{self, Comparison, render, version};
use crate::ledger::Ledger;
use crate::plan::Plan;
use crate::simulate::ByLaw;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version before: a policy file, or `REV:path` read from git
    /// (`main:policies/lu.policy`; `HEAD:./lu.policy` from the current folder).
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The version after: a policy file, or `REV:path`.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    #[command(flatten)]
    book: BookArgs,

    /// Output: a report for people, or JSON for programs.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Exit 0 even when something changes: a report for a review, not a gate.
    #[arg(long)]
    exit_zero: bool,

    /// Invoices listed in the table at most (0: all; JSON lists them all).
    #[arg(long, value_name = "N", default_value_t = 30)]
    limit: usize,

    /// Language of `--format html`, the report for people with charts
    /// (docs/report.md) [default: French for a policy under FR, BE or LU
    /// law, else English].
    #[arg(long, value_enum)]
    lang: Option<crate::report::Lang>,

    /// Write the output to this file (replaced only once complete) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Html,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let json = args.format == Format::Json;
    let fail = |diagnostics: &Diagnostics, exit: Exit| context.fail(diagnostics, exit, json);

    let versions = match version::read_both(&args.old, &args.new) {
        Ok(versions) => versions,
        Err(unread) => return fail(&unread, Exit::of(&unread)),
    };
    let root = context.templates_root.as_deref();
    let [before, after] = match version::plans(&versions, root, &context.rates) {
        Ok(plans) => plans,
        Err((diagnostics, invalid)) => {
            for name in invalid {
                super::note(format_args!(
                    "`{name}` has errors: fix them before comparing (`policy check`)"
                ));
            }
            return fail(&diagnostics, Exit::Findings);
        }
    };
    let [old, new] = &versions;
    let currency = match version::same_currency((old, &before), (new, &after)) {
        Ok(currency) => currency,
        Err(changed) => return fail(&vec![changed].into(), Exit::Findings),
    };

    // The book is read once, for both versions.
    let (ledger, warnings) = match args.book.files.read(currency, &[&after]) {
        Ok(read) => read,
        Err(unread) => return fail(&unread, Exit::of(&unread)),
    };
    // Ledger warnings (an overpayment) are shown; they stop nothing.
    context.report(&warnings);
    let Some(window) = args.book.window() else {
        return Exit::Failure;
    };

    // Statutory charges as the law sets them on their day, as simulate shows.
    let law = ByLaw::new(&context.rates);
    let comparison = diff::compare(&before, &after, &ledger, window, &law);
    context.report(law.into_warnings());
    let ledger_name = args.book.files.ledger.display().to_string();
    let labels = render::Labels {
        before: &old.name,
        after: &new.name,
        ledger: &ledger_name,
    };
    let text = match args.format {
        Format::Html => html(args, &versions, [&before, &after], &comparison, &ledger),
        Format::Json => render::json(&comparison, &labels),
        Format::Table => {
            render::table(&comparison, &labels, (args.limit > 0).then_some(args.limit))
        }
    };
    let printed = write_to(args.output.as_deref(), |out| out.write_all(text.as_bytes()));
    // The process ends here: freeing a big book piece by piece is wasted time.
    std::mem::forget(ledger);
    if comparison.is_unchanged() || args.exit_zero {
        printed
    } else {
        printed.max(Exit::Findings)
    }
}

/// The report for people with charts (`--format html`).
fn html(
    args: &Args,
    [old, new]: &[version::Version; 2],
    [before, after]: [&Plan; 2],
    comparison: &Comparison,
    ledger: &Ledger,
) -> String {
    use crate::report::{self, Provenance};
    let (old_policy, new_policy) = (Provenance::of_version(old), Provenance::of_version(new));
    report::diff(&report::DiffReport {
        before: report::Side {
            plan: before,
            policy: &old_policy,
        },
        after: report::Side {
            plan: after,
            policy: &new_policy,
        },
        comparison,
        ledger,
        ledger_name: &args.book.files.ledger.display().to_string(),
        lang: args.lang.unwrap_or_else(|| report::Lang::of(after)),
    })
}

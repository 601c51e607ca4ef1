//! `policy diff OLD NEW --ledger L [--debtors D] [--from DATE] [--to DATE]
//! [--format table|json] [--exit-zero]`: what a change to a policy does to
//! the invoices of a book. Exit 1 when anything changes, so that it can
//! gate a merge.

use std::path::PathBuf;

use super::book::BookArgs;
use super::{Context, Exit};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::diff::{self, render, version};
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

    let mut diagnostics = Diagnostics::new();
    let mut exit = Exit::Ok;
    let mut versions = Vec::new();
    for given in [&args.old, &args.new] {
        match version::read(given) {
            Ok(version) => versions.push(version),
            Err(d) => {
                exit = exit.max(Exit::of([&d]));
                diagnostics.push(d);
            }
        }
    }
    let [old, new] = versions.as_slice() else {
        return fail(&diagnostics, exit);
    };

    // Both versions must be valid policies: an effect is only worth
    // computing between two plans that mean something.
    let before = context.check_policy(&old.source, &old.dir);
    let after = context.check_policy(&new.source, &new.dir);
    let (Some(before_plan), Some(after_plan)) = (&before.plan, &after.plan) else {
        for (version, checked) in [(old, &before), (new, &after)] {
            if checked.plan.is_none() {
                super::note(format_args!(
                    "`{}` has errors: fix them before comparing (`policy check`)",
                    version.name
                ));
            }
        }
        diagnostics.extend(before.diagnostics);
        diagnostics.extend(after.diagnostics);
        return fail(&diagnostics, Exit::Findings);
    };
    let currency = after_plan.currency.value;
    if before_plan.currency.value != currency {
        let diagnostic = Diagnostic::error(
            Code::DiffCurrency,
            format!(
                "`{}` is in {currency} but `{}` is in {}: their effects cannot be compared",
                new.name, old.name, before_plan.currency.value
            ),
        )
        .with_label(
            after_plan.currency.span,
            format!("was {}", before_plan.currency.value),
        )
        .with_help(
            "a ledger is in one currency: compare versions in the same currency, and review \
             the change of currency itself with `policy simulate` on a ledger in the new one",
        )
        .in_source(&new.source);
        return fail(&vec![diagnostic].into(), Exit::Findings);
    }

    let rates = &context.rates;

    // The book is read once, for both versions.
    let (ledger, warnings) = match args.book.files.read(currency, &[after_plan]) {
        Ok(read) => read,
        Err(unread) => return fail(&unread, Exit::of(&unread)),
    };
    // Ledger warnings (an overpayment) are shown; they stop nothing.
    if !warnings.is_empty() {
        context.report(&warnings);
    }
    let Some(window) = args.book.window() else {
        return Exit::Failure;
    };

    // Statutory charges as the law sets them on their day, as simulate shows.
    let law = ByLaw::new(rates);
    let comparison = diff::compare(before_plan, after_plan, &ledger, window, &law);
    let met = law.into_warnings();
    if !met.is_empty() {
        context.report(&met);
    }
    let ledger_name = args.book.files.ledger.display().to_string();
    let labels = render::Labels {
        before: &old.name,
        after: &new.name,
        ledger: &ledger_name,
    };
    let text = match args.format {
        Format::Html => {
            use crate::report;
            let (old_policy, new_policy) = (provenance(old), provenance(new));
            report::diff(&report::DiffReport {
                before: report::Side {
                    plan: before_plan,
                    policy: &old_policy,
                },
                after: report::Side {
                    plan: after_plan,
                    policy: &new_policy,
                },
                comparison: &comparison,
                ledger: &ledger,
                ledger_name: &ledger_name,
                lang: args.lang.unwrap_or_else(|| report::Lang::of(after_plan)),
            })
        }
        Format::Json => render::json(&comparison, &labels),
        Format::Table => {
            render::table(&comparison, &labels, (args.limit > 0).then_some(args.limit))
        }
    };
    let printed = match &args.output {
        Some(path) => super::output::write_file(path, |out| out.write_all(text.as_bytes())),
        None => super::print_stdout(&text),
    };
    // The process ends here: freeing a big book piece by piece is wasted time.
    std::mem::forget(ledger);
    if comparison.is_unchanged() || args.exit_zero {
        printed
    } else {
        printed.max(Exit::Findings)
    }
}

/// Who a version is, for the report: its text's hash and its git revision.
fn provenance(version: &version::Version) -> crate::report::Provenance {
    use crate::report;
    match &version.git {
        Some((rev, _)) => {
            report::Provenance::of_revision(&version.name, rev, version.source.text())
        }
        None => {
            report::Provenance::of_file(std::path::Path::new(&version.name), version.source.text())
        }
    }
}

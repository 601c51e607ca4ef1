//! `policy simulate POLICY --ledger L [--debtors D] [--from DATE] [--to DATE]`

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::book::BookArgs;
use super::output::{write_file, write_stdout};
use super::{Context, Exit};
use crate::diagnostic::Diagnostics;
use crate::simulate::{self, ByLaw, RunsFrom, Summary, output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,

    #[command(flatten)]
    book: BookArgs,

    /// Schedule as `policy run` does when its first run is on this day:
    /// nothing before it, overdue schedules caught up without bursts.
    #[arg(long, value_name = "YYYY-MM-DD")]
    runs_from: Option<NaiveDate>,

    /// Output [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Write the output to this file (replaced only once complete) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Language of `--format html`, the report for people (docs/report.md;
    /// the default format of `-o FILE.html`) [default: French for a policy
    /// under FR, BE or LU law, else English].
    #[arg(long, value_enum)]
    lang: Option<crate::report::Lang>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
    Html,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let format = args.format.unwrap_or_else(|| {
        let html = args.output.as_ref().and_then(|p| p.extension()) == Some("html".as_ref());
        if html {
            Format::Html
        } else if args.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        }
    });
    let json = format == Format::Json;
    let report = |diagnostics: &Diagnostics, exit: Exit| context.fail(diagnostics, exit, json);

    // The policy first: a ledger is only worth reading against a valid one.
    let loaded = match context.load_policy(&args.policy, "fix them before simulating", json) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    context.policy_warnings(&args.policy, &loaded.warnings);
    let (source, plan) = (loaded.source, loaded.plan);
    let mut diagnostics = Diagnostics::default();
    let rates = &context.rates;
    let law = ByLaw::new(rates);

    let ledger = match args.book.files.read(plan.currency.value, &[&plan]) {
        Ok((ledger, warnings)) => {
            diagnostics.extend(warnings);
            ledger
        }
        Err(unread) => {
            let exit = Exit::of(&unread);
            diagnostics.extend(unread);
            return report(&diagnostics, exit);
        }
    };
    // Warnings (an overpayment) are shown; they do not stop the simulation.
    if !json {
        context.report(&diagnostics);
    }

    let Some(window) = args.book.window() else {
        return Exit::Failure;
    };
    // CSV is written as it is simulated (a million invoices' events are not
    // built first); tables and JSON need the whole simulation.
    let mut summary = None;
    let mut simulation = None;
    let mut near_ceiling = Vec::new();
    let mut write = |out: &mut dyn Write| -> std::io::Result<()> {
        if format == Format::Csv {
            let streamed = output::csv_streamed(
                &plan,
                &ledger,
                window,
                &law,
                args.runs_from.map(RunsFrom::Day),
                out,
            )?;
            summary = Some(streamed.summary);
            near_ceiling = streamed.near_ceiling;
            return Ok(());
        }
        let sim = simulate::simulate_runs(
            &plan,
            &ledger,
            window,
            &law,
            args.runs_from.map(RunsFrom::Day),
        );
        let result = match format {
            Format::Json => output::json(&plan, &ledger, &sim, out),
            Format::Html => {
                use crate::report;
                let page = report::simulation(&report::SimulationReport {
                    plan: &plan,
                    policy: &report::Provenance::of_file(&args.policy, source.text()),
                    ledger: &ledger,
                    ledger_name: &args.book.files.ledger.display().to_string(),
                    simulation: &sim,
                    runs_from: args.runs_from.map(RunsFrom::Day),
                    lang: args.lang.unwrap_or_else(|| report::Lang::of(&plan)),
                });
                out.write_all(page.as_bytes())
            }
            _ => output::table(&plan, &ledger, &sim, out),
        };
        simulation = Some(sim);
        result
    };
    let exit = match &args.output {
        Some(path) => write_file(path, &mut write),
        None => write_stdout(&mut write),
    };
    // What computing statutory charges met (a day past the rate table).
    let met = Diagnostics::from(law.into_warnings());
    if json {
        // JSON output holds events; warnings still reach a person.
        diagnostics.extend(met);
        context.report(&diagnostics);
    } else {
        context.report(&met);
    }
    let summary = summary.or_else(|| simulation.as_ref().map(|s| s.summary.clone()));
    if let (Some(summary), true) = (&summary, matches!(format, Format::Json | Format::Csv)) {
        note_counts(summary, args.output.as_deref());
    }
    // Routes the law does not allow for their debtor: not fired, and a
    // finding.
    let refused = summary
        .as_ref()
        .map(|s| simulate::refusals(&plan, &ledger, &s.refused, 20))
        .unwrap_or_default();
    context.report(&refused);
    // Claims that interest and indemnity take above a court's ceiling.
    let (routes, of_invoices) = match &simulation {
        Some(sim) => simulate::ceilings::routes_of(&plan, || sim.events()),
        None => simulate::ceilings::routes_of(&plan, || near_ceiling.iter()),
    };
    context.report(simulate::ceilings::above_ceiling(
        &plan,
        &ledger,
        &routes,
        &of_invoices,
        &context.rates,
        20,
    ));
    let exit = if refused.is_empty() {
        exit
    } else {
        exit.max(Exit::Findings)
    };
    // A million invoices take tens of milliseconds to free, one by one, and
    // the process ends here anyway.
    std::mem::forget(simulation);
    std::mem::forget(ledger);
    exit
}

fn note_counts(s: &Summary, output: Option<&Path>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let target = output.map_or_else(String::new, |p| format!(" to {}", p.display()));
    super::note(format_args!(
        "wrote {} events on {} invoices{target}",
        s.events, s.invoices
    ));
}

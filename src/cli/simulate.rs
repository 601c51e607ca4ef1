//! `policy simulate POLICY --ledger L [--debtors D] [--from DATE] [--to DATE]`

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::book::BookArgs;
use super::output::write_to;
use super::{Context, Exit};
use crate::diagnostic::Diagnostics;
use crate::plan::Plan;
use crate::simulate::product::{self, Format, Inputs};
use crate::simulate::{ByLaw, RunsFrom, Simulation, Summary, output};

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

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let format = args.format.unwrap_or_else(|| {
        Format::default_for(args.output.as_deref(), std::io::stdout().is_terminal())
    });
    let json = format == Format::Json;

    // The policy first: a ledger is only worth reading against a valid one.
    let loaded = match context.load_policy(&args.policy, "fix them before simulating", json) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    context.policy_warnings(&args.policy, &loaded.warnings);
    let plan = &loaded.plan;
    let (ledger, mut diagnostics) = match args.book.files.read(plan.currency.value, &[plan]) {
        Ok(read) => read,
        Err(unread) => return context.fail(&unread, Exit::of(&unread), json),
    };
    // Warnings (an overpayment) are shown; they do not stop the simulation.
    if !json {
        context.report(&diagnostics);
    }
    let Some(window) = args.book.window() else {
        return Exit::Failure;
    };

    let law = ByLaw::new(&context.rates);
    let mut simulated = None;
    let mut write = |out: &mut dyn Write| -> std::io::Result<()> {
        let inputs = Inputs {
            plan,
            ledger: &ledger,
            window,
            resolver: &law,
            runs_from: args.runs_from.map(RunsFrom::Day),
        };
        let whole = |sim: &Simulation, out: &mut dyn Write| match format {
            Format::Json => output::json(plan, &ledger, sim, out),
            Format::Html => {
                out.write_all(html(args, plan, loaded.source.text(), &ledger, sim).as_bytes())
            }
            _ => output::table(plan, &ledger, sim, out),
        };
        let (made, written) = product::simulate_into(inputs, format == Format::Csv, out, whole);
        simulated = made;
        written
    };
    let exit = write_to(args.output.as_deref(), &mut write);
    // What computing statutory charges met (a day past the rate table).
    let met = Diagnostics::from(law.into_warnings());
    if json {
        // JSON output holds events; warnings still reach a person.
        diagnostics.extend(met);
        context.report(&diagnostics);
    } else {
        context.report(&met);
    }
    let Some(simulated) = simulated else {
        return exit;
    };
    if matches!(format, Format::Json | Format::Csv) {
        note_counts(simulated.summary(), args.output.as_deref());
    }
    let (refused, above_ceiling) = simulated.findings(plan, &ledger, &context.rates);
    context.report(&refused);
    context.report(&above_ceiling);
    // A million invoices take tens of milliseconds to free, one by one, and
    // the process ends here anyway.
    std::mem::forget(simulated);
    std::mem::forget(ledger);
    if refused.is_empty() {
        exit
    } else {
        exit.max(Exit::Findings)
    }
}

/// The report for people (`--format html`).
fn html(
    args: &Args,
    plan: &Plan,
    text: &str,
    ledger: &crate::ledger::Ledger,
    sim: &Simulation,
) -> String {
    use crate::report;
    report::simulation(&report::SimulationReport {
        plan,
        policy: &report::Provenance::of_file(&args.policy, text),
        ledger,
        ledger_name: &args.book.files.ledger.display().to_string(),
        simulation: sim,
        runs_from: args.runs_from.map(RunsFrom::Day),
        lang: args.lang.unwrap_or_else(|| report::Lang::of(plan)),
    })
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

//! `policy simulate POLICY --ledger L [--debtors D] [--from DATE] [--to DATE]`

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Context, Exit};
use crate::check::check_source;
use crate::diagnostic::{Diagnostics, render};
use crate::ledger::{self, DialectChoice, ReadOptions};
use crate::load::{self, LoadError};
use crate::simulate::{self, AsWritten, RunsFrom, Summary, Window, output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,

    /// The ledger: CSV (either dialect) or JSON.
    #[arg(long, value_name = "FILE")]
    ledger: PathBuf,

    /// The debtors file [default: debtors.csv beside the ledger].
    #[arg(long, value_name = "FILE")]
    debtors: Option<PathBuf>,

    /// First day to report (steps before it still happen) [default: the book's first day].
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<NaiveDate>,

    /// Last day to simulate; balances in the summary are at its end [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<NaiveDate>,

    /// Schedule as `policy run` does when its first run is on this day:
    /// nothing before it, overdue schedules caught up without bursts.
    #[arg(long, value_name = "YYYY-MM-DD")]
    runs_from: Option<NaiveDate>,

    /// Output [default: table on a terminal, csv otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// How the CSV files are written: detected from their header, or forced.
    #[arg(long, value_enum, default_value_t = DialectChoice::Auto)]
    dialect: DialectChoice,

    /// Write the output to this file (replaced only once complete) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let format = args.format.unwrap_or_else(|| {
        if args.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        }
    });
    let json = format == Format::Json;
    // Diagnostics go where the output's reader looks: JSON on stdout for
    // programs, the human report on stderr otherwise.
    let report = |diagnostics: &Diagnostics, exit: Exit| -> Exit {
        if json {
            exit.max(super::print_stdout(&render::json(diagnostics)))
        } else {
            context.report(diagnostics);
            exit
        }
    };

    // The policy first: a ledger is only worth reading against a valid one.
    let source = match load::read_policy(&args.policy) {
        Ok(source) => source,
        Err(LoadError::Io(d)) => return report(&Diagnostics::from(vec![d]), Exit::Failure),
        Err(LoadError::Content(d)) => return report(&Diagnostics::from(vec![d]), Exit::Findings),
    };
    let dir = args.policy.parent().unwrap_or(Path::new("."));
    let checked = check_source(&source, dir);
    let Some(plan) = checked.plan else {
        super::note(format_args!(
            "the policy has errors: fix them before simulating (`policy check {}`)",
            args.policy.display()
        ));
        return report(&checked.diagnostics, Exit::Findings);
    };
    let mut diagnostics = checked.diagnostics;

    let options = ReadOptions {
        dialect: args.dialect,
        currency: plan.currency.value,
        progress: progress_bar(&args.ledger),
    };
    let loaded = match ledger::read(&args.ledger, args.debtors.as_deref(), &options) {
        Ok(loaded) => loaded,
        Err(d) => {
            diagnostics.push(d);
            return report(&diagnostics, Exit::Failure);
        }
    };
    diagnostics.extend(loaded.diagnostics);
    let Some(book) = loaded.ledger else {
        return report(&diagnostics, Exit::Findings);
    };
    // Warnings (an overpayment) are shown; they do not stop the simulation.
    if !json {
        context.report(&diagnostics);
    }

    let to = args.to.unwrap_or_else(|| chrono::Local::now().date_naive());
    if let Some(from) = args.from.filter(|from| *from > to) {
        super::note(format_args!(
            "error: --from {from} is after --to {to}: nothing to simulate"
        ));
        return Exit::Failure;
    }
    let window = Window {
        from: args.from,
        to,
    };
    // CSV is written as it is simulated (a million invoices' events are not
    // built first); tables and JSON need the whole simulation.
    let mut summary = None;
    let mut simulation = None;
    let mut write = |out: &mut dyn Write| -> std::io::Result<()> {
        if format == Format::Csv {
            summary = Some(output::csv_streamed(
                &plan,
                &book,
                window,
                &AsWritten,
                args.runs_from.map(RunsFrom::Day),
                out,
            )?);
            return Ok(());
        }
        let sim = simulate::simulate_runs(
            &plan,
            &book,
            window,
            &AsWritten,
            args.runs_from.map(RunsFrom::Day),
        );
        let result = match format {
            Format::Json => output::json(&plan, &book, &sim, out),
            _ => output::table(&plan, &book, &sim, out),
        };
        simulation = Some(sim);
        result
    };
    let exit = match &args.output {
        Some(path) => write_file(path, &mut write),
        None => write_stdout(&mut write),
    };
    if json && !diagnostics.is_empty() {
        // JSON output holds events; warnings still reach a person.
        context.report(&diagnostics);
    }
    let summary = summary.or_else(|| simulation.as_ref().map(|s| s.summary.clone()));
    if let (Some(summary), true) = (&summary, format != Format::Table) {
        note_counts(summary, args.output.as_deref());
    }
    // A million invoices take tens of milliseconds to free, one by one, and
    // the process ends here anyway.
    std::mem::forget(simulation);
    std::mem::forget(book);
    exit
}

/// A progress bar on stderr for a big ledger, only on a terminal.
fn progress_bar(ledger: &Path) -> Option<indicatif::ProgressBar> {
    const BIG: u64 = 16 * 1024 * 1024;
    let big = std::fs::metadata(ledger).is_ok_and(|m| m.len() >= BIG);
    if !big || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "reading {msg} {wide_bar} {binary_bytes}/{binary_total_bytes} ({eta})",
    ) {
        bar.set_style(style);
    }
    bar.set_message(ledger.display().to_string());
    Some(bar)
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

fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Exit {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Exit::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            super::note(format_args!("error: cannot write the output: {e}"));
            Exit::Failure
        }
    }
}

/// Writes beside the target, then renames: a failure never leaves a
/// partial file where the output should be.
fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Exit {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let result = std::fs::File::create(&partial).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&partial, path)
    });
    match result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            super::note(format_args!(
                "error: cannot write `{}`: {e}",
                path.display()
            ));
            Exit::Failure
        }
    }
}

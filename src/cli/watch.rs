//! `policy watch [PATH...] [--ledger L [--debtors D]]`: checks policy files
//! again on every save and prints a fresh report on stdout (with a
//! simulation summary on the ledger), until Ctrl-C.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Context, Exit, note};
use crate::diagnostic::render::Style;
use crate::plan::Plan;
use crate::watch::{LedgerSummaries, Options, Report, Watch};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files, or folders holding `*.policy` files (new ones
    /// included). Default: the current folder.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// A ledger to simulate each policy on after every save: a summary,
    /// and what changed since the previous save.
    #[arg(long, value_name = "LEDGER")]
    ledger: Option<PathBuf>,

    /// The debtors file that goes with `--ledger` [default: debtors.csv
    /// beside the ledger].
    #[arg(long, value_name = "DEBTORS", requires = "ledger")]
    debtors: Option<PathBuf>,

    /// Clear the terminal before each report.
    #[arg(long)]
    clear: bool,

    /// Milliseconds the files must stay unchanged before a check: one save
    /// is often several writes.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    debounce: u64,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let base = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(err) => {
            context.report([crate::load::io_error(
                crate::load::Op::Read,
                Path::new("."),
                &err,
            )]);
            return Exit::Failure;
        }
    };
    let mut options = Options::new(args.paths.clone(), base);
    options.debounce = Duration::from_millis(args.debounce);
    let mut summaries = args
        .ledger
        .clone()
        .map(|ledger| LedgerSummaries::new(ledger, args.debtors.clone()));
    if let Some(summaries) = &summaries {
        options.data = summaries.files();
    }
    options.templates_root = context.templates_root.clone();
    options.rates = context.rates.clone();
    let watch = Watch::new(options);
    let stopper = watch.stopper();
    let stop_when_stdout_closes = watch.stopper();
    if let Err(err) = ctrlc::set_handler(move || stopper.stop()) {
        note(format_args!(
            "cannot catch Ctrl-C ({err}); it will stop the watch abruptly"
        ));
    }
    // A ledger that is not there is a mistake to say now, not under every
    // policy; its content is read at the first check.
    for path in args.ledger.iter().chain(&args.debtors) {
        if let Err(err) = std::fs::metadata(path) {
            context.report([crate::load::io_error(crate::load::Op::Read, path, &err)]);
            return Exit::Failure;
        }
    }
    let mut hook =
        |path: &Path, plan: &Plan| -> Option<String> { summaries.as_mut()?.summary(path, plan) };

    let stdout_is_terminal = std::io::stdout().is_terminal();
    let style = Style {
        color: context.style.color && stdout_is_terminal,
        width: context.style.width,
    };
    let clear = args.clear && stdout_is_terminal;
    let mut sink = |report: Report| {
        let mut text = String::new();
        if clear {
            // Clear the screen and move the cursor home.
            text.push_str("\x1b[2J\x1b[H");
        }
        text.push_str(&report.render(style));
        let mut out = std::io::stdout().lock();
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            // Nobody reads any more (`policy watch | head`): stop.
            stop_when_stdout_closes.stop();
        }
    };
    match watch.run(&mut sink, &mut hook) {
        Ok(()) => {
            note("stopped watching");
            Exit::Ok
        }
        Err(diagnostic) => {
            context.report([diagnostic]);
            Exit::Failure
        }
    }
}

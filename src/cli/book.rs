//! What the commands that simulate share on the command line: the book
//! (ledger, debtors, dialect), the window (`--from`, `--to`), and reading
//! the book with a progress bar.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::ledger::{self, DialectChoice, Loaded, ReadOptions};
use crate::simulate::Window;

#[derive(Debug, clap::Args)]
pub(super) struct BookArgs {
    /// The ledger: CSV (either dialect) or JSON.
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,

    /// The debtors file [default: debtors.csv beside the ledger].
    #[arg(long, value_name = "FILE")]
    pub debtors: Option<PathBuf>,

    /// First day to report (steps before it still happen) [default: the book's first day].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,

    /// Last day to simulate; balances in the summary are at its end [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,

    /// How the CSV files are written: detected from their header, or forced.
    #[arg(long, value_enum, default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,
}

impl BookArgs {
    /// The days to simulate; `None` (after saying why) when `--from` is
    /// after `--to`.
    pub fn window(&self) -> Option<Window> {
        let to = self.to.unwrap_or_else(today);
        if let Some(from) = self.from.filter(|from| *from > to) {
            super::note(format_args!(
                "error: --from {from} is after --to {to}: nothing to simulate"
            ));
            return None;
        }
        Some(Window {
            from: self.from,
            to,
        })
    }

    /// Reads the book, its amounts in `currency` (the policy's).
    pub fn read(&self, currency: &'static str) -> Result<Loaded, Diagnostic> {
        read(
            &self.ledger,
            self.debtors.as_deref(),
            self.dialect,
            currency,
        )
    }
}

/// The day the machine's clock says it is.
pub(super) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Reads a ledger and its debtors (by default `debtors.csv` beside it),
/// with a progress bar for a big one on a terminal.
pub(super) fn read(
    ledger: &Path,
    debtors: Option<&Path>,
    dialect: DialectChoice,
    currency: &'static str,
) -> Result<Loaded, Diagnostic> {
    let options = ReadOptions {
        dialect,
        currency,
        progress: progress_bar(ledger),
    };
    ledger::read(ledger, debtors, &options)
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

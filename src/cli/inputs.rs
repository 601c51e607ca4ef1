//! Reading a command's inputs: the `--ledger`, `--debtors` and `--dialect`
//! options every command that reads a book shares, the `--rates` table of
//! the commands that compute interest, and what a failure means for the
//! exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::claim::RateTable;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ledger::input::EncodingChoice;
use crate::ledger::{DialectChoice, Ledger, ReadOptions};

#[derive(Debug, clap::Args)]
pub(super) struct LedgerArgs {
    /// The ledger: CSV (either dialect, any encoding), an .xlsx, .ods or .xls
    /// workbook, or JSON.
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,

    /// The debtors file [default: debtors.csv beside the ledger].
    #[arg(long, value_name = "FILE")]
    pub debtors: Option<PathBuf>,

    /// How the CSV files are written: detected from their header, or forced.
    #[arg(long, value_enum, default_value_t = DialectChoice::Auto)]
    pub dialect: DialectChoice,

    /// How the CSV files' bytes are text: detected (UTF-8, else
    /// Windows-1252), or forced.
    #[arg(long, value_enum, default_value_t = EncodingChoice::Auto)]
    pub encoding: EncodingChoice,

    /// The workbook sheet holding the ledger [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The mapping of the firm's columns and types [default: book.toml
    /// beside the ledger, if any].
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
}

impl LedgerArgs {
    /// Reads the ledger and its debtors, every amount in `currency`, and
    /// checks that the debtors file has the columns the `plans`' conditions
    /// read. `Ok` holds the book and its warnings; `Err` the problems (their
    /// exit: [`super::Exit::of`]).
    pub fn read(
        &self,
        currency: &'static str,
        plans: &[&crate::plan::Plan],
    ) -> Result<(Ledger, Diagnostics), Diagnostics> {
        let options = ReadOptions {
            dialect: self.dialect,
            currency,
            progress: progress_bar(&self.ledger),
            encoding: self.encoding,
            sheet: self.sheet.clone(),
            map: self.map.clone(),
        };
        crate::load::book(&self.ledger, self.debtors.as_deref(), &options, plans)
    }
}

impl LedgerArgs {
    /// The debtors file as diagnostics name it: as given, else the
    /// `debtors.csv` beside the ledger, else the ledger (a JSON ledger
    /// carrying its debtors).
    pub(crate) fn debtors_name(&self) -> String {
        crate::load::debtors_name(&self.ledger, self.debtors.as_deref())
    }
}

/// The bar on stderr that shows a big book's reading.
#[derive(Debug)]
struct Bar(indicatif::ProgressBar);

impl crate::ledger::progress::Progress for Bar {
    fn set_length(&self, bytes: u64) {
        self.0.set_length(bytes);
    }
    fn set_position(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A progress bar on stderr for a big ledger, only on a terminal.
fn progress_bar(ledger: &Path) -> Option<crate::ledger::progress::Handle> {
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
    Some(std::sync::Arc::new(Bar(bar)))
}

/// The interest rate table: `--rates FILE`, else the one shipped. `Err`
/// holds why not and its exit code (2: the file cannot be read; 1: it is
/// not a valid table).
pub(super) fn rate_table(path: Option<&Path>) -> Result<RateTable, Diagnostic> {
    match path {
        Some(path) => RateTable::read(path),
        None => RateTable::embedded(),
    }
}

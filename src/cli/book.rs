//! What the commands that simulate share on the command line: the book
//! ([`LedgerArgs`]) and the window (`--from`, `--to`).

use chrono::NaiveDate;

use super::inputs::LedgerArgs;
use crate::simulate::Window;

#[derive(Debug, clap::Args)]
pub(super) struct BookArgs {
    #[command(flatten)]
    pub files: LedgerArgs,

    /// First day to report (steps before it still happen) [default: the book's first day].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,

    /// Last day to simulate; balances in the summary are at its end [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
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
}

/// The day the machine's clock says it is.
pub(super) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

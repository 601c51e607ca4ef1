//! `policy lsp`: the language server an editor starts (docs/editors.md).

use std::time::Duration;

use super::{Context, Exit};
use crate::lsp::{self, Ending, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Milliseconds to wait after the last keystroke before checking the
    /// document (an editor may also send `{"debounceMs": N}` as its
    /// initialization options).
    #[arg(long, value_name = "MS", default_value_t = 150)]
    debounce: u64,

    /// Accepted for the editors that pass it: stdio is the only transport.
    #[arg(long, hide = true)]
    stdio: bool,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let options = Options {
        debounce: Duration::from_millis(args.debounce),
        check: std::sync::Arc::new(crate::lsp::CheckSetting {
            templates_root: context.templates_root.clone(),
            rates: context.rates.clone(),
        }),
    };
    match lsp::run_stdio(options) {
        Ok(Ending::ShutDown) => Exit::Ok,
        // The protocol's exit code for an `exit` without `shutdown`.
        Ok(Ending::Abandoned) => Exit::Findings,
        Err(diagnostic) => {
            context.report([diagnostic]);
            Exit::Failure
        }
    }
}

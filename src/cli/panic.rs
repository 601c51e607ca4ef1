//! The last resort for a bug: one line, never a backtrace.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, Exit};

/// The last resort for a bug: one line on stderr saying what happened and
/// what to do, never a backtrace, and exit 2 ("could not do its job").
/// Exiting at once is a crash like any other for the journal: every record
/// is durable before the next write begins, and the next run finishes or
/// undoes what was in progress (docs/journal.md).
pub(super) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let mut what: String = what
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(200)
            .collect();
        if let Some(at) = info.location() {
            what = format!("{what} ({}:{})", at.file(), at.line());
        }
        // Only the subcommand: the rest may hold a password (`--smtp URL`).
        let command = std::env::args()
            .nth(1)
            .filter(|c| Cli::command().find_subcommand(c).is_some())
            .map_or_else(|| "policy".to_string(), |c| format!("policy {c}"));
        let journal = if matches!(command.as_str(), "policy run" | "policy journal") {
            ". Nothing is lost: the journal keeps what was done, and the next run finishes \
             the rest"
        } else {
            ""
        };
        let _ = writeln!(
            std::io::stderr().lock(),
            "error[policy::internal]: internal error in `{command}` (policy {}): {what}; \
             please report it with the command and its files{journal}",
            env!("CARGO_PKG_VERSION"),
        );
        std::process::exit(Exit::Failure as i32);
    }));
}

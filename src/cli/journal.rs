//! `policy journal verify FILE`, `policy journal resolve FILE SEQ`.

use std::path::{Path, PathBuf};

use super::{Context, Exit, print_stdout};
use crate::journal::{self, Journal, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check that a journal is intact: exit 0 intact, 1 altered (an edited,
    /// removed, reordered or cut record), 2 unreadable.
    Verify {
        /// The journal file (JSON Lines).
        file: PathBuf,
        /// A hash printed by an earlier run or verify, kept elsewhere (all
        /// 64 hex digits, or the first 8 or more): fail unless the journal
        /// still holds that record.
        #[arg(long, value_name = "HASH")]
        expect: Option<String>,
    },
    /// Record what a person found about an uncertain action (an e-mail
    /// whose sending could not be confirmed).
    Resolve {
        file: PathBuf,
        /// The action's number, as `verify` shows it.
        intent: u64,
        /// It was sent: never send it again.
        #[arg(
            long,
            conflicts_with = "not_sent",
            required_unless_present = "not_sent"
        )]
        sent: bool,
        /// It was not sent: the next run sends it.
        #[arg(long)]
        not_sent: bool,
        /// Why you know (kept in the journal).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Test aid: performs ACTIONS dummy letters through the journal, pausing
    /// forever at POINT of action number AT (for crash tests).
    #[command(hide = true)]
    CrashTest {
        file: PathBuf,
        #[arg(long)]
        outbox: PathBuf,
        #[arg(long, default_value_t = 3)]
        actions: usize,
        #[arg(long)]
        pause_at: Option<String>,
        #[arg(long, default_value_t = 1)]
        at: usize,
    },
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    match &args.command {
        Command::Verify { file, expect } => verify(file, expect.as_deref(), context),
        Command::Resolve {
            file,
            intent,
            sent,
            note,
            ..
        } => resolve(file, *intent, *sent, note, context),
        Command::CrashTest {
            file,
            outbox,
            actions,
            pause_at,
            at,
        } => {
            let mut report = |diagnostics: &[_]| context.report(diagnostics);
            let pause = (pause_at.as_deref(), *at);
            match journal::crash_test::run(file, outbox, *actions, pause, &mut report) {
                Ok((done, head)) => print_stdout(&format!(
                    "performed {done}; head {} {}\n",
                    head.seq, head.hash
                )),
                Err(d) => context.stop([d]),
            }
        }
    }
}

fn verify(file: &Path, expect: Option<&str>, context: &Context) -> Exit {
    if !file.exists() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        context.report([crate::load::io_error(crate::load::Op::Read, file, &missing)]);
        return Exit::Failure;
    }
    match journal::verify_expecting(file, expect) {
        Ok(report) => {
            context.report(&report.warnings);
            print_stdout(&report.summary(file))
        }
        Err(problems) => {
            let exit = context.stop(&problems);
            let verdict = journal::verify::verdict(&problems);
            super::note(format_args!("{}: {verdict}", file.display()));
            exit
        }
    }
}

fn resolve(file: &Path, intent: u64, sent: bool, note: &str, context: &Context) -> Exit {
    let mut journal = match Journal::open(file, Options::default()) {
        Ok(journal) => journal,
        Err(d) => return context.stop([d]),
    };
    match journal.resolve(intent, sent, note) {
        Ok(seq) => print_stdout(&format!(
            "action {intent} recorded as {} (record {seq})\n",
            if sent { "sent" } else { "not sent" }
        )),
        Err(d) => {
            journal.discard_if_unused();
            context.stop([d])
        }
    }
}

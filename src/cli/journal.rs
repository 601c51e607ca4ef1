//! `policy journal verify FILE`, `policy journal resolve FILE SEQ`.

use std::path::{Path, PathBuf};

use super::{Context, Exit, print_stdout};
use crate::diagnostic::Code;
use crate::journal::{self, Journal, Options, Point};

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
        } => crash_test(file, outbox, *actions, pause_at.as_deref(), *at, context),
    }
}

fn verify(file: &Path, expect: Option<&str>, context: &Context) -> Exit {
    if !file.exists() {
        context.report([crate::load::io_error(
            crate::load::Op::Read,
            file,
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        )]);
        return Exit::Failure;
    }
    match journal::verify_expecting(file, expect) {
        Ok(report) => {
            context.report(&report.warnings);
            let c = report.counts;
            print_stdout(&format!(
                "{}: intact: {} records; {} actions committed, {} aborted, {} uncertain, {} open\n\
                 last record {} {}\n",
                file.display(),
                report.records,
                c.committed,
                c.aborted,
                c.uncertain,
                c.open,
                report.records,
                report.last_hash
            ))
        }
        Err(problems) => {
            let usage = problems.iter().any(|d| d.code == Code::ExpectHash);
            let exit = context.stop(&problems);
            super::note(format_args!(
                "{}: {}",
                file.display(),
                match exit {
                    Exit::Failure if usage => "not checked",
                    Exit::Failure => "cannot be read",
                    _ => "ALTERED",
                }
            ));
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

fn crash_test(
    file: &Path,
    outbox: &Path,
    actions: usize,
    pause_at: Option<&str>,
    at: usize,
    context: &Context,
) -> Exit {
    let pause = pause_at.and_then(Point::parse);
    let mut seen = 0usize;
    let hook: journal::Hook = Box::new(move |point| {
        if point == Point::AfterIntent {
            seen += 1;
        }
        if Some(point) == pause && seen == at {
            print_stdout(&format!("paused at {}\n", point.as_str()));
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Ok(())
    });
    let mut journal = match Journal::open(
        file,
        Options {
            run: None,
            hook: Some(hook),
            clock: None,
        },
    ) {
        Ok(journal) => journal,
        Err(d) => return context.stop([d]),
    };
    context.report(journal.warnings());
    match journal.recover(outbox) {
        Ok(recovery) => context.report(&recovery.warnings),
        Err(d) => return context.stop([d]),
    }
    let done = match journal::test_letters(&mut journal, outbox, actions) {
        Ok(done) => done,
        Err(d) => return context.stop([d]),
    };
    let head = journal.head();
    print_stdout(&format!(
        "performed {done}; head {} {}\n",
        head.seq, head.hash
    ))
}

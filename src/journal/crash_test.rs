//! The crash tests' workload (`policy journal crash-test`, hidden): numbered
//! test letters performed through the journal, so that a test can kill the
//! process at any write and check the next run's recovery.

use std::path::Path;

use super::{Action, Head, Hook, Journal, Options, Point, StepRef};
use crate::diagnostic::Diagnostic;

/// `policy journal crash-test`: opens the journal at `file`, pausing
/// forever at `pause_at` (a [`Point`]'s name) of action number `at`,
/// recovers an interrupted run, then performs test letters 1 to `actions`
/// into `outbox`. What the journal and the recovery warn of is said
/// through `report`. `Ok`: how many letters were performed, and the head.
pub(crate) fn run(
    file: &Path,
    outbox: &Path,
    actions: usize,
    (pause_at, at): (Option<&str>, usize),
    report: &mut dyn FnMut(&[Diagnostic]),
) -> Result<(usize, Head), Diagnostic> {
    let options = Options {
        run: None,
        hook: Some(pause(pause_at.and_then(Point::parse), at)),
        clock: None,
    };
    let mut journal = Journal::open(file, options)?;
    report(journal.warnings());
    report(&journal.recover(outbox)?.warnings);
    let done = test_letters(&mut journal, outbox, actions)?;
    Ok((done, journal.head()))
}

/// A hook that stops forever at `point` of action number `at` (counted by
/// their intents), after saying so on stdout, for a test to kill the
/// process there.
fn pause(point: Option<Point>, at: usize) -> Hook {
    let mut seen = 0usize;
    Box::new(move |reached| {
        if reached == Point::AfterIntent {
            seen += 1;
        }
        if Some(reached) == point && seen == at {
            let mut out = std::io::stdout().lock();
            let said = format!("paused at {}\n", reached.as_str());
            let _ = std::io::Write::write_all(&mut out, said.as_bytes());
            let _ = std::io::Write::flush(&mut out);
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Ok(())
    })
}

/// Performs test letters 1 to `actions` not yet done into `outbox`; how
/// many were performed.
pub fn test_letters(
    journal: &mut Journal,
    outbox: &Path,
    actions: usize,
) -> Result<usize, Diagnostic> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let mut done = 0;
    for i in 1..=actions {
        let action = Action {
            date,
            debtor: format!("D{i}"),
            invoices: vec![format!("F-{i}")],
            step: StepRef {
                id: "send test".into(),
                line: 1,
                target: "test".into(),
            },
            channel: "courrier".into(),
            recipient: "debtor".into(),
            to: String::new(),
            claimed: None,
            currency: None,
            policy: None,
            lines: Vec::new(),
        };
        if action.keys().any(|k| journal.done(&k)) {
            continue;
        }
        let bytes = format!("letter {i}\n");
        match journal.perform(
            action,
            &format!("test/{i}.txt"),
            bytes.as_bytes(),
            outbox,
            None,
        ) {
            Ok(_) => done += 1,
            Err(d) => return Err(d),
        }
    }
    Ok(done)
}

//! The crash tests' workload (`policy journal crash-test`, hidden): numbered
//! test letters performed through the journal, so that a test can kill the
//! process at any write and check the next run's recovery.

use std::path::Path;

use super::{Action, Journal, StepRef};
use crate::diagnostic::Diagnostic;

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

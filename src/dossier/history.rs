//! What the journal says about one debtor or invoice: each action that
//! concerns it, with its output and how it ended. The journal is verified
//! first (a dossier from an altered journal is worthless), then read again,
//! keeping only the actions asked for, so memory grows with the dossier, not
//! the journal.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::journal::{self, Action, Counts, Entry, GENESIS, Output, Record};

/// The journal's verification, as the dossier states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The journal file, as the user named it.
    pub path: String,
    pub records: u64,
    /// The hash of the last record: the value to compare with one kept
    /// elsewhere.
    pub last_hash: String,
    pub counts: Counts,
}

/// How an action ended, with the record that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No outcome yet: a run was interrupted; the next run recovers it.
    Open,
    Committed {
        record: u64,
        at: String,
        /// The SMTP server's answer, for an e-mail handed to a server.
        smtp: Option<String>,
        /// Completed by the next run's recovery.
        recovered: bool,
    },
    /// Nothing went out.
    Aborted {
        record: u64,
        at: String,
        reason: String,
    },
    /// It may or may not have gone out; nobody has decided yet.
    Uncertain {
        record: u64,
        at: String,
        reason: String,
    },
    /// A person decided about an uncertain action.
    Resolved {
        /// The `uncertain` record and why it was uncertain.
        uncertain: u64,
        reason: String,
        record: u64,
        at: String,
        sent: bool,
        note: String,
    },
}

/// One action of the journal and its fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecord {
    /// The seq of its `intent` record: the action's number.
    pub intent: u64,
    /// When the intent was written (UTC) and by which run.
    pub at: String,
    pub run: String,
    pub action: Action,
    pub output: Output,
    /// The output is an e-mail handed to an SMTP server.
    pub smtp: bool,
    /// The seq of its `dispatch` record: when it was handed to the server.
    pub dispatched: Option<u64>,
    pub outcome: Outcome,
}

impl ActionRecord {
    /// Whether it went out: committed, or resolved as sent.
    pub(crate) fn took_effect(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Committed { .. } | Outcome::Resolved { sent: true, .. }
        )
    }
}

/// The verified journal and the actions asked for, in journal order.
#[derive(Debug, Clone)]
pub struct History {
    pub verified: Verified,
    pub actions: Vec<ActionRecord>,
    /// Warnings of the verification: interrupted runs, uncertain actions.
    pub warnings: Vec<Diagnostic>,
}

/// Verifies the journal at `path`, then collects the actions for which
/// `concerns` holds. `Err`: the problems of an altered journal (or one that
/// cannot be read).
pub fn read(path: &Path, concerns: impl Fn(&Action) -> bool) -> Result<History, Vec<Diagnostic>> {
    if !path.exists() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        return Err(vec![crate::load::io_error(
            crate::load::Op::Read,
            path,
            &missing,
        )]);
    }
    let report = journal::verify(path)?;
    let verified = Verified {
        path: path.display().to_string(),
        records: report.records,
        last_hash: report.last_hash,
        counts: report.counts,
    };
    let actions = collect(path, &verified, concerns).map_err(|d| vec![d])?;
    Ok(History {
        verified,
        actions,
        warnings: report.warnings,
    })
}

/// Reads the verified records again (only those: a run may be appending),
/// checking that they are still the ones verified.
fn collect(
    path: &Path,
    verified: &Verified,
    concerns: impl Fn(&Action) -> bool,
) -> Result<Vec<ActionRecord>, Diagnostic> {
    let changed = || {
        Diagnostic::error(
            Code::JournalAltered,
            "the journal changed while the dossier was being made",
        )
        .with_help("make the dossier again; if this persists, run `policy journal verify`")
        .in_path(path.display().to_string())
    };
    let file =
        File::open(path).map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
    let mut actions: Vec<ActionRecord> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut prev = GENESIS.to_string();
    let mut line = String::new();
    let mut reader = BufReader::new(file);
    for seq in 1..=verified.records {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
        let record: Record = serde_json::from_str(line.trim_end_matches('\n'))
            .ok()
            .filter(|r: &Record| n > 0 && r.seq == seq && r.prev == prev)
            .filter(|r| r.compute_hash() == r.hash)
            .ok_or_else(changed)?;
        prev.clone_from(&record.hash);
        apply(record, &concerns, &mut actions, &mut index);
    }
    if prev != verified.last_hash {
        return Err(changed());
    }
    Ok(actions)
}

fn apply(
    record: Record,
    concerns: &impl Fn(&Action) -> bool,
    actions: &mut Vec<ActionRecord>,
    index: &mut HashMap<u64, usize>,
) {
    let Record {
        seq,
        at,
        run,
        entry,
        ..
    } = record;
    if let Entry::Intent {
        action,
        output,
        smtp,
    } = entry
    {
        if concerns(&action) {
            index.insert(seq, actions.len());
            actions.push(ActionRecord {
                intent: seq,
                at,
                run,
                action: *action,
                output,
                smtp,
                dispatched: None,
                outcome: Outcome::Open,
            });
        }
        return;
    }
    let Some(action) = entry.intent().and_then(|i| index.get(&i)).copied() else {
        return;
    };
    let Some(action) = actions.get_mut(action) else {
        return;
    };
    action.outcome = match entry {
        Entry::Intent { .. } | Entry::Backdate { .. } | Entry::Data { .. } => return,
        Entry::Dispatch { .. } => {
            action.dispatched = Some(seq);
            return;
        }
        Entry::Commit {
            smtp, recovered, ..
        } => Outcome::Committed {
            record: seq,
            at,
            smtp,
            recovered,
        },
        Entry::Abort { reason, .. } => Outcome::Aborted {
            record: seq,
            at,
            reason,
        },
        Entry::Uncertain { reason, .. } => Outcome::Uncertain {
            record: seq,
            at,
            reason,
        },
        Entry::Resolve { sent, note, .. } => {
            let (uncertain, reason) = match &action.outcome {
                Outcome::Uncertain { record, reason, .. } => (*record, reason.clone()),
                _ => (0, String::new()),
            };
            Outcome::Resolved {
                uncertain,
                reason,
                record: seq,
                at,
                sent,
                note,
            }
        }
    };
}

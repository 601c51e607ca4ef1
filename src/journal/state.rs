//! What the journal's records add up to: which actions are done, which are
//! open (an intent without its outcome), which are uncertain. Replaying the
//! records also checks that they follow the protocol: an outcome closes an
//! open intent, a commit's hash is the intent's, no invoice gets the same
//! step twice.

use std::collections::{BTreeMap, HashMap};

use super::record::{Action, ActionKey, Entry, Output, Record};

/// The tables' hasher: a journal is the firm's own file, and SipHash's
/// defence against chosen keys cost a tenth of opening a journal of a
/// hundred thousand records.
type Fast = foldhash::fast::FixedState;

/// An intent not yet closed, or closed as uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIntent {
    pub seq: u64,
    pub action: Action,
    pub output: Output,
    pub smtp: bool,
    /// A `dispatch` was recorded: the message may have left.
    pub dispatched: bool,
}

/// A step done for an invoice: by which action, on which day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone {
    /// The step's stable id ([`crate::plan::identity`]).
    pub step: String,
    /// The action's day.
    pub day: chrono::NaiveDate,
    /// The action's intent record.
    pub intent: u64,
}

/// Counts of actions by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub intents: u64,
    pub committed: u64,
    pub aborted: u64,
    /// Uncertain and not yet resolved.
    pub uncertain: u64,
    /// Intents with no outcome (a run was interrupted; the next run recovers
    /// them).
    pub open: u64,
}

/// Whether an action key is taken, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// An intent without outcome: recovery will decide.
    Open(u64),
    /// Committed (or resolved as sent).
    Done(u64),
    /// May have been sent: a person must decide.
    Uncertain(u64),
}

impl KeyStatus {
    pub fn intent(self) -> u64 {
        match self {
            KeyStatus::Open(s) | KeyStatus::Done(s) | KeyStatus::Uncertain(s) => s,
        }
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub open: BTreeMap<u64, OpenIntent>,
    pub uncertain: BTreeMap<u64, OpenIntent>,
    keys: HashMap<ActionKey, u64, Fast>,
    /// Per invoice, the day of its first action: where `policy run`'s
    /// catch-up rule anchors its schedule (docs/run.md).
    first_day: HashMap<String, chrono::NaiveDate, Fast>,
    /// Per invoice, the steps done (or under way) for it: what later steps
    /// are timed from when runs were missed (docs/run.md).
    performed: HashMap<String, Vec<StepDone>, Fast>,
    /// The latest day an action was recorded for: the journal's last run.
    last_day: Option<chrono::NaiveDate>,
    /// Intents closed as done, for [`KeyStatus`].
    committed_or_resolved: u64,
    pub counts: Counts,
}

impl State {
    /// Applies one record (taken: an intent's action is kept, not copied);
    /// an error says why the record breaks the protocol.
    pub fn apply(&mut self, record: Record) -> Result<(), String> {
        let seq = record.seq;
        match record.entry {
            Entry::Intent {
                action,
                output,
                smtp,
            } => {
                if action.invoices.is_empty() {
                    return Err("an intent lists no invoice".into());
                }
                let keys: Vec<ActionKey> = action.keys().collect();
                for key in &keys {
                    if let Some(earlier) = self.keys.get(key) {
                        return Err(format!(
                            "invoice {} already had step `{}` by {} to {} (record {earlier})",
                            key.invoice, key.step, key.channel, key.recipient
                        ));
                    }
                }
                for key in keys {
                    self.keys.insert(key, seq);
                }
                for invoice in &action.invoices {
                    match self.first_day.get_mut(invoice) {
                        Some(day) => *day = (*day).min(action.date),
                        None => {
                            self.first_day.insert(invoice.clone(), action.date);
                        }
                    }
                    let done = StepDone {
                        step: action.step.id.clone(),
                        day: action.date,
                        intent: seq,
                    };
                    match self.performed.get_mut(invoice) {
                        Some(steps) => steps.push(done),
                        None => {
                            self.performed.insert(invoice.clone(), vec![done]);
                        }
                    }
                }
                self.last_day = self.last_day.max(Some(action.date));
                self.open.insert(
                    seq,
                    OpenIntent {
                        seq,
                        action: *action,
                        output,
                        smtp,
                        dispatched: false,
                    },
                );
                self.counts.intents += 1;
            }
            Entry::Dispatch { intent } => {
                let open = self.open.get_mut(&intent).ok_or_else(|| not_open(intent))?;
                if !open.smtp || open.dispatched {
                    return Err(format!("intent {intent} cannot be dispatched (again)"));
                }
                open.dispatched = true;
            }
            Entry::Commit { intent, sha256, .. } => {
                let open = self.open.remove(&intent).ok_or_else(|| not_open(intent))?;
                if sha256 != open.output.sha256 {
                    return Err(format!(
                        "the commit's content hash differs from intent {intent}'s"
                    ));
                }
                self.counts.committed += 1;
                self.committed_or_resolved += 1;
            }
            Entry::Abort { intent, .. } => {
                let open = self.open.remove(&intent).ok_or_else(|| not_open(intent))?;
                self.release(&open);
                self.counts.aborted += 1;
            }
            Entry::Uncertain { intent, .. } => {
                let open = self.open.remove(&intent).ok_or_else(|| not_open(intent))?;
                self.uncertain.insert(intent, open);
                self.counts.uncertain += 1;
            }
            // A note for the audit trail: no action changes state.
            Entry::Backdate { .. } | Entry::Data { .. } => {}
            Entry::Resolve { intent, sent, .. } => {
                let open = self
                    .uncertain
                    .remove(&intent)
                    .ok_or_else(|| format!("intent {intent} is not uncertain"))?;
                self.counts.uncertain -= 1;
                if sent {
                    self.counts.committed += 1;
                } else {
                    self.release(&open);
                    self.counts.aborted += 1;
                }
            }
        }
        self.counts.open = self.open.len() as u64;
        Ok(())
    }

    fn release(&mut self, intent: &OpenIntent) {
        for key in intent.action.keys() {
            if self.keys.get(&key) == Some(&intent.seq) {
                self.keys.remove(&key);
            }
        }
        for invoice in &intent.action.invoices {
            if let Some(done) = self.performed.get_mut(invoice) {
                done.retain(|p| p.intent != intent.seq);
            }
        }
    }

    /// The steps done for `invoice` (one entry per action: a step sent to
    /// two recipients appears twice), aborted actions left out.
    pub fn performed(&self, invoice: &str) -> &[StepDone] {
        self.performed.get(invoice).map_or(&[], Vec::as_slice)
    }

    /// The day of the first action recorded for `invoice`, aborted ones
    /// included (a run did start on it that day).
    pub fn first_day(&self, invoice: &str) -> Option<chrono::NaiveDate> {
        self.first_day.get(invoice).copied()
    }

    /// The latest day an action was recorded for (its run's `--as-of`).
    pub fn last_day(&self) -> Option<chrono::NaiveDate> {
        self.last_day
    }

    /// Whether the key is taken, and by what.
    pub fn status(&self, key: &ActionKey) -> Option<KeyStatus> {
        let seq = *self.keys.get(key)?;
        Some(if self.open.contains_key(&seq) {
            KeyStatus::Open(seq)
        } else if self.uncertain.contains_key(&seq) {
            KeyStatus::Uncertain(seq)
        } else {
            KeyStatus::Done(seq)
        })
    }
}

fn not_open(intent: u64) -> String {
    format!("intent {intent} is not open (no such intent, or already closed)")
}

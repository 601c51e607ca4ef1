//! Performing the day's actions through the journal: letters and e-mails
//! written to the outbox go by batches with group commit
//! ([`Journal::perform_batch`]: a handful of flushes for a thousand
//! actions), an e-mail handed to a server one at a time, since each send
//! is journaled on its own. The order of the actions is kept.

use std::path::Path;

use super::Ready;
use crate::diagnostic::Diagnostic;
use crate::journal::{Deliver, Item, Journal, Performed};

/// Actions per batch: enough that flushes cost little per action, few
/// enough that a run stopped by a failure redoes little.
pub(crate) const BATCH: usize = 1024;

/// What performing the actions gave, by index into the `ready` list.
#[derive(Debug, Default)]
pub struct Executed {
    /// Produced (and sent), committed.
    pub done: Vec<usize>,
    /// The server refused the e-mail: nothing sent, the next run tries again.
    pub refused: Vec<(usize, String)>,
    /// The server's answer was lost: for a person (`journal resolve`).
    pub uncertain: Vec<(usize, u64, String)>,
    /// The failure that stopped the run (a journal or disk problem), with
    /// the index of the action it stopped at; the actions from there on
    /// were not performed.
    pub stopped: Option<(usize, Diagnostic)>,
}

/// Performs `ready` in order into `outbox`; e-mails go to `transport` when
/// given.
pub(crate) fn execute<D: Deliver>(
    journal: &mut Journal,
    ready: &[Ready],
    outbox: &Path,
    transport: Option<&mut D>,
) -> Executed {
    let mut executor = Executor::new(journal, outbox, transport);
    executor.advance(ready, true);
    executor.executed
}

/// Performs a list of actions that grows while it is performed (the day
/// renders part by part): each call performs what it can of the actions
/// not yet performed, cut in the batches [`execute`] would cut the whole
/// list in, so that the journal is the same.
pub(crate) struct Executor<'j, D: Deliver> {
    journal: &'j mut Journal,
    outbox: &'j Path,
    transport: Option<&'j mut D>,
    /// The first action not yet performed.
    at: usize,
    pub executed: Executed,
}

impl<'j, D: Deliver> Executor<'j, D> {
    pub fn new(journal: &'j mut Journal, outbox: &'j Path, transport: Option<&'j mut D>) -> Self {
        Executor {
            journal,
            outbox,
            transport,
            at: 0,
            executed: Executed::default(),
        }
    }

    /// The first action not yet performed: those before it are done with
    /// (their outputs may be dropped).
    pub fn performed(&self) -> usize {
        self.at
    }

    /// Performs the actions of `ready` from the first not yet performed:
    /// every batch that is complete, and with `all` (no action will be
    /// added) the rest. Nothing after a failure that stopped the run.
    pub(crate) fn advance(&mut self, ready: &[Ready], all: bool) {
        let has_server = self.transport.is_some();
        let by_server = |r: &Ready| has_server && r.action.channel == "email";
        while self.executed.stopped.is_none() {
            let at = self.at;
            let Some(first) = ready.get(at) else { break };
            if by_server(first) {
                self.send(at, first);
                self.at += 1;
                continue;
            }
            // The outbox-only actions from here, up to the next one for the
            // server, at most a batch; a shorter batch only once the list
            // is complete.
            let end = match ready[at..].iter().take(BATCH).position(by_server) {
                Some(n) => at + n,
                None if ready.len() - at >= BATCH => at + BATCH,
                None if all => ready.len(),
                None => break,
            };
            let items: Vec<Item<'_>> = ready[at..end]
                .iter()
                .map(|r| Item {
                    action: &r.action,
                    output: &r.output,
                    bytes: &r.bytes,
                    sha256: &r.sha256,
                })
                .collect();
            if let Err(d) = self.journal.perform_batch(&items, self.outbox) {
                self.executed.stopped = Some((at, d));
                return;
            }
            self.executed.done.extend(at..end);
            self.at = end;
        }
    }

    /// Hands one e-mail to the server, journaled on its own.
    fn send(&mut self, at: usize, ready: &Ready) {
        let deliver = self
            .transport
            .as_mut()
            .map(|t| &mut **t as &mut dyn Deliver);
        match self.journal.perform(
            ready.action.clone(),
            &ready.output,
            &ready.bytes,
            self.outbox,
            deliver,
        ) {
            Ok(Performed::Committed { .. }) => self.executed.done.push(at),
            Ok(Performed::Refused { answer, .. }) => self.executed.refused.push((at, answer)),
            Ok(Performed::Uncertain { intent, reason }) => {
                self.executed.uncertain.push((at, intent, reason))
            }
            Err(d) => self.executed.stopped = Some((at, d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Action, Delivery, Options, StepRef};

    fn ready(n: usize, channel: &str) -> Vec<Ready> {
        (0..n)
            .map(|i| Ready {
                action: Action {
                    date: "2026-03-02".parse().unwrap(),
                    debtor: format!("D{i}"),
                    invoices: vec![format!("F-{i}")],
                    step: StepRef {
                        id: "send relance_1".into(),
                        line: 4,
                        target: "relance_1".into(),
                    },
                    channel: channel.to_string(),
                    recipient: "debtor".into(),
                    to: format!("d{i}@example.invalid"),
                    claimed: None,
                    currency: None,
                    policy: None,
                    lines: Vec::new(),
                },
                output: format!("2026-03-02/D{i}/relance_1.{channel}.txt"),
                bytes: format!("letter {i}\n").into_bytes(),
                sha256: crate::journal::sha256_hex(format!("letter {i}\n").as_bytes()),
            })
            .collect()
    }

    fn journal(dir: &Path) -> Journal {
        Journal::open(&dir.join("j.jsonl"), Options::default()).unwrap()
    }

    struct Server(Vec<String>);

    impl Deliver for Server {
        fn deliver(&mut self, action: &Action, _message: &[u8]) -> Delivery {
            self.0.push(action.to.clone());
            if action.to.starts_with("d1@") {
                Delivery::Refused("550 no such user".into())
            } else {
                Delivery::Accepted("250 ok".into())
            }
        }
    }

    #[test]
    fn batches_commit_every_action_once_and_keep_their_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("out");
        let ready = ready(BATCH + 5, "courrier");
        let mut journal = journal(dir.path());
        let executed = execute::<Server>(&mut journal, &ready, &outbox, None);
        assert!(executed.stopped.is_none());
        assert_eq!(executed.done, (0..BATCH + 5).collect::<Vec<_>>());
        // An intent and a commit per action, nothing else.
        assert_eq!(journal.head().seq, 2 * (BATCH as u64 + 5));
        for r in &ready {
            assert_eq!(std::fs::read(outbox.join(&r.output)).unwrap(), r.bytes);
        }
        drop(journal);
        // A second run of the same actions is refused before writing.
        let mut journal = self::journal(dir.path());
        let again = execute::<Server>(&mut journal, &ready[..3], &outbox, None);
        assert!(again.done.is_empty());
        assert!(matches!(again.stopped, Some((0, _))));
        assert_eq!(journal.head().seq, 2 * (BATCH as u64 + 5));
    }

    #[test]
    fn e_mails_for_the_server_go_one_at_a_time_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("out");
        let mut all = ready(2, "courrier");
        all.extend(ready(3, "email").into_iter().map(|mut r| {
            r.output = r.output.replace("courrier", "email");
            r
        }));
        let mut journal = journal(dir.path());
        let mut server = Server(Vec::new());
        let executed = execute(&mut journal, &all, &outbox, Some(&mut server));
        assert_eq!(executed.done, [0, 1, 2, 4]);
        assert_eq!(executed.refused.len(), 1);
        assert_eq!(executed.refused[0].0, 3, "d1 is refused by the server");
        assert_eq!(server.0.len(), 3);
        assert!(executed.stopped.is_none());
    }

    #[test]
    fn an_output_in_the_way_stops_the_batch_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("out");
        let ready = ready(4, "courrier");
        let taken = outbox.join(&ready[2].output);
        std::fs::create_dir_all(taken.parent().unwrap()).unwrap();
        std::fs::write(&taken, "someone else's").unwrap();
        let mut journal = journal(dir.path());
        let executed = execute::<Server>(&mut journal, &ready, &outbox, None);
        assert!(executed.done.is_empty());
        assert!(matches!(executed.stopped, Some((0, _))));
        assert_eq!(journal.head().seq, 0, "nothing recorded");
        assert!(!outbox.join(&ready[0].output).exists());
        assert_eq!(std::fs::read_to_string(&taken).unwrap(), "someone else's");
    }

    #[test]
    fn a_batch_is_refused_for_its_first_problem_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("out");
        let mut ready = ready(200, "courrier");
        // Action 150 is action 180 again (a bug of the caller), and action
        // 170's output is taken: the refusal is the one a loop over the
        // batch meets first.
        ready[180] = ready[150].clone();
        let taken = outbox.join(&ready[170].output);
        std::fs::create_dir_all(taken.parent().unwrap()).unwrap();
        std::fs::write(&taken, "someone else's").unwrap();
        let mut journal = journal(dir.path());
        let executed = execute::<Server>(&mut journal, &ready, &outbox, None);
        let (at, d) = executed.stopped.unwrap();
        assert_eq!(at, 0);
        assert_eq!(
            d.code,
            crate::diagnostic::Code::OutputConflict,
            "{}",
            d.message
        );
        // Without the taken file, the duplicate is refused.
        std::fs::remove_file(&taken).unwrap();
        let executed = execute::<Server>(&mut journal, &ready, &outbox, None);
        let (_, d) = executed.stopped.unwrap();
        assert_eq!(
            d.code,
            crate::diagnostic::Code::JournalDuplicate,
            "{}",
            d.message
        );
        assert_eq!(journal.head().seq, 0, "nothing recorded");
    }
}

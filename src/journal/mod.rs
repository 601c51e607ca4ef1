//! The journal: the audit trail of everything `policy run` produced or sent,
//! and what makes "exactly once" hold across crashes.
//!
//! An append-only JSON Lines file of hash-chained [`Record`]s and a head
//! sidecar (`FILE.head`) naming the last record; the one run allowed to
//! write holds an OS lock on the journal file itself ([`lock`]). Each action is written
//! in the order intent → output → (dispatch → SMTP) → commit, each step made
//! durable before the next, so that a run killed at any instant is finished
//! by the next one without a duplicate or a lost record. The protocol and
//! its limits are in `docs/journal.md`.
//!
//! How `policy run` drives it:
//!
//! ```text
//! let mut journal = Journal::open(path, Options::default())?;   // lock + verify
//! let recovery = journal.recover(outbox)?;                      // finish interrupted actions
//! for each planned action: skip it if journal.status(key) is Some, for every key;
//! render every remaining action (nothing is written yet);
//! for each rendered action: journal.perform(action, path, bytes, outbox, smtp)?;
//! print journal.head()  // the hash to keep elsewhere
//! ```

mod batch;
pub(crate) mod crash_test;
pub use crash_test::test_letters;
mod fsx;
mod lock;
mod outbox;
pub mod record;
mod state;
pub mod verify;

use std::fs::File;
use std::path::{Component, Path, PathBuf};

pub use record::{
    Action, ActionKey, ClaimedLine, Entry, GENESIS, Output, PolicyRef, Record, StepRef, sha256_hex,
};
pub use state::{Counts, KeyStatus, OpenIntent, StepDone};
pub use verify::{Expected, Head, VerifyReport, head_path, resolve, verify, verify_expecting};

use crate::diagnostic::{Code, Diagnostic};
use state::State;
use verify::HeadCheck;

/// The points between the durable writes of an action, where a crash can
/// happen. Tests stop a run there (see [`Options::hook`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Point {
    /// The intent is durable; no output yet.
    AfterIntent,
    /// The output's temporary file is durable, not yet renamed.
    AfterTemp,
    /// The output is in place; no commit yet.
    AfterOutput,
    /// The dispatch is durable; the SMTP server has not been called.
    AfterDispatch,
    /// The SMTP server accepted the message; no commit yet.
    AfterSend,
}

impl Point {
    pub const ALL: [Point; 5] = [
        Point::AfterIntent,
        Point::AfterTemp,
        Point::AfterOutput,
        Point::AfterDispatch,
        Point::AfterSend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Point::AfterIntent => "after-intent",
            Point::AfterTemp => "after-temp",
            Point::AfterOutput => "after-output",
            Point::AfterDispatch => "after-dispatch",
            Point::AfterSend => "after-send",
        }
    }

    pub fn parse(text: &str) -> Option<Point> {
        Point::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Called at every [`Point`]; an error stops the action there, as a crash
/// would (the journal refuses further writes until reopened).
pub(crate) type Hook = Box<dyn FnMut(Point) -> Result<(), Diagnostic>>;

/// How to open a journal.
#[derive(Default)]
pub struct Options {
    /// The run's id, written in every record (default: UTC time and pid).
    pub run: Option<String>,
    /// Fault injection for tests.
    pub hook: Option<Hook>,
    /// The wall clock for the records' `at` (default: now, UTC); tests fix it.
    pub clock: Option<fn() -> String>,
}

/// Now, UTC, to the second: `2026-11-23T08:00:00Z`.
pub(crate) fn utc_now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The answer of a message transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server took the message; its answer (`250 2.0.0 Ok: queued as …`).
    Accepted(String),
    /// The server refused it before taking it: nothing was sent.
    Refused(String),
    /// The exchange broke off after the message may have been taken.
    Unknown(String),
}

/// Hands an e-mail to a server (lettre's SMTP transport in `policy run`).
pub trait Deliver {
    fn deliver(&mut self, action: &Action, message: &[u8]) -> Delivery;
}

/// One action of [`Journal::perform_batch`], with the file that carries it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub action: &'a Action,
    /// The output's path inside the outbox.
    pub output: &'a str,
    pub bytes: &'a [u8],
    /// The SHA-256 of `bytes` ([`sha256_hex`]), computed where they were
    /// made: a run renders its letters on every core while the journal
    /// writes the batch before.
    pub sha256: &'a str,
}

/// What [`Journal::perform`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Performed {
    /// Produced (and sent, with a transport), committed.
    Committed {
        intent: u64,
        commit: u64,
        smtp: Option<String>,
    },
    /// The server refused the e-mail: aborted, the output removed; a later
    /// run may try again.
    Refused { intent: u64, answer: String },
    /// The server's answer was lost: recorded as uncertain, for a person.
    Uncertain { intent: u64, reason: String },
}

/// What [`Journal::recover`] did with the intents a crash left open.
#[derive(Debug, Default, Clone)]
pub struct Recovery {
    /// Output found in place: committed (recovered).
    pub committed: Vec<u64>,
    /// Nothing went out: aborted; the run plans them again.
    pub aborted: Vec<u64>,
    /// May have gone out: left for a person.
    pub uncertain: Vec<u64>,
    pub warnings: Vec<Diagnostic>,
}

/// A journal read and verified without locking or writing anything: what
/// `policy run --dry-run` plans against. A journal that does not exist reads
/// as empty.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    state: State,
}

impl Snapshot {
    pub fn read(path: &Path) -> Result<Snapshot, Diagnostic> {
        let path = &verify::resolve(path)?;
        if !path.exists() {
            never_written(path)?;
            return Ok(Snapshot::default());
        }
        let (_, scan, _) = read_verified(path)?;
        Ok(Snapshot { state: scan.state })
    }

    pub fn status(&self, key: &ActionKey) -> Option<KeyStatus> {
        self.state.status(key)
    }

    pub fn first_day(&self, invoice: &str) -> Option<chrono::NaiveDate> {
        self.state.first_day(invoice)
    }

    /// The steps done for `invoice`, with their days.
    pub fn performed(&self, invoice: &str) -> &[StepDone] {
        self.state.performed(invoice)
    }

    /// The day of the journal's last run (its latest action's day).
    pub fn last_day(&self) -> Option<chrono::NaiveDate> {
        self.state.last_day()
    }
}

/// An open, locked, verified journal.
pub struct Journal {
    path: PathBuf,
    /// Open for appending, and locked for the journal's lifetime: the OS
    /// releases the lock if we die.
    file: File,
    /// This open created the file (it did not exist).
    created: bool,
    /// Records appended since it was opened.
    appended: u64,
    len: u64,
    last_seq: u64,
    last_hash: String,
    state: State,
    run: String,
    hook: Option<Hook>,
    clock: fn() -> String,
    /// Set after a write failed or a fault was injected: like a crashed
    /// process, the journal writes nothing more.
    poisoned: bool,
    warnings: Vec<Diagnostic>,
    /// A `data` entry to write before the run's first intent.
    pending_data: Option<Entry>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("last_seq", &self.last_seq)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens (creating it if needed) and locks the journal at `path`, then
    /// verifies it. A journal another process holds is refused
    /// (`policy::journal_locked`); one that fails verification too
    /// (`policy::journal_altered`), before anything is written. An append
    /// left unfinished by a crash is repaired (a warning says so). A path
    /// that is a symbolic link names the file it leads to: its lock and its
    /// head are that file's. A new journal is an empty file until its first
    /// record; [`Journal::discard_if_unused`] removes it again.
    pub fn open(path: &Path, options: Options) -> Result<Journal, Diagnostic> {
        let path = &verify::resolve(path)?;
        let locked = lock::lock(path, || never_written(path))?;
        remove_stale_head_temps(path);
        let (head, scan, mut warnings) = read_verified(path)?;
        let file = locked.file;
        if let Some(line) = scan.torn {
            // The unfinished record was never acknowledged by the head (the
            // check above): nothing relied on it. Cut it off.
            file.set_len(scan.good_len)
                .and_then(|()| file.sync_all())
                .map_err(|e| write_failed(path, &e))?;
            warnings.push(verify::interrupted(
                path,
                format!("line {line} was an unfinished record; it was removed"),
            ));
        }
        let head_now = Head {
            seq: scan.last_seq,
            hash: scan.last_hash.clone(),
        };
        // A journal without records needs no head until its first one.
        if head.as_ref() != Some(&head_now) && (head.is_some() || scan.last_seq > 0) {
            write_head(path, &head_now)?;
        }
        let run = options.run.unwrap_or_else(|| {
            format!(
                "{}-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
                std::process::id()
            )
        });
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            created: locked.created,
            appended: 0,
            len: scan.good_len,
            last_seq: scan.last_seq,
            last_hash: scan.last_hash,
            state: scan.state,
            run,
            hook: options.hook,
            clock: options.clock.unwrap_or(utc_now),
            poisoned: false,
            warnings,
            pending_data: None,
        })
    }

    /// For a run that stops before its first record: removes the journal
    /// file this open created, so that a run that did nothing leaves
    /// nothing behind. A journal that existed, or got a record, is kept.
    pub fn discard_if_unused(self) {
        if self.created && self.appended == 0 && self.last_seq == 0 {
            // Removed while still locked; a run that opened it meanwhile
            // finds, once it has the lock, that the path no longer names
            // its file, and starts over.
            let _ =
                std::fs::remove_file(&self.path).and_then(|()| fsx::sync_dir(parent(&self.path)));
        }
    }

    /// Records appended since the journal was opened (recoveries included).
    pub fn appended(&self) -> u64 {
        self.appended
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The seq and hash of the last record: print it, keep it elsewhere.
    pub fn head(&self) -> Head {
        Head {
            seq: self.last_seq,
            hash: self.last_hash.clone(),
        }
    }

    /// What opening found worth saying (repairs).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    pub fn counts(&self) -> Counts {
        self.state.counts
    }

    /// Whether the invoice already had this step on this channel to this
    /// recipient: done, open (recovery decides) or uncertain (a person
    /// decides). Any `Some` means: do not do it again.
    pub fn status(&self, key: &ActionKey) -> Option<KeyStatus> {
        self.state.status(key)
    }

    /// The day of the first action recorded for `invoice`.
    pub fn first_day(&self, invoice: &str) -> Option<chrono::NaiveDate> {
        self.state.first_day(invoice)
    }

    /// The steps done for `invoice`, with their days.
    pub fn performed(&self, invoice: &str) -> &[StepDone] {
        self.state.performed(invoice)
    }

    /// The day of the journal's last run (its latest action's day).
    pub fn last_day(&self) -> Option<chrono::NaiveDate> {
        self.state.last_day()
    }

    /// Records that a run for `day`, before the journal's last run, was
    /// allowed (`--allow-backdate`). Does nothing when `day` is not before
    /// it.
    pub fn record_backdate(&mut self, day: chrono::NaiveDate) -> Result<(), Diagnostic> {
        match self.last_day() {
            Some(last_day) if day < last_day => {
                self.append(Entry::Backdate { day, last_day })?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Records how fresh the book's payments are for the run about to act:
    /// written just before the run's first intent, so that a run refused
    /// before acting writes nothing.
    pub(crate) fn record_data(
        &mut self,
        freshness: &crate::run::freshness::Freshness,
        stale_accepted: bool,
    ) {
        self.pending_data = Some(Entry::Data {
            day: freshness.day,
            newest_payment: freshness.newest_payment,
            last_statement: freshness.last_statement,
            fresh_within: freshness.within.to_string(),
            stale_accepted,
        });
    }

    /// `status(key).is_some()`.
    pub fn done(&self, key: &ActionKey) -> bool {
        self.status(key).is_some()
    }

    /// Actions that may or may not have been sent.
    pub fn uncertain(&self) -> impl Iterator<Item = &OpenIntent> {
        self.state.uncertain.values()
    }

    /// Performs one action: records the intent, writes `bytes` to
    /// `outbox/output`, hands e-mails to `transport` when given, and
    /// commits. Refuses (before writing anything) an action whose invoice
    /// already had the step, an output path outside the outbox, or an
    /// existing file at the output path.
    pub fn perform(
        &mut self,
        action: Action,
        output: &str,
        bytes: &[u8],
        outbox: &Path,
        transport: Option<&mut dyn Deliver>,
    ) -> Result<Performed, Diagnostic> {
        self.check_usable()?;
        let target = self.admit(&action, output, outbox)?;
        let sha256 = sha256_hex(bytes);
        let smtp = transport.is_some() && action.channel == "email";
        if let Some(data) = self.pending_data.take() {
            self.append(data)?;
        }
        let intent = self.append(Entry::Intent {
            action: Box::new(action.clone()),
            output: Output {
                path: output.to_string(),
                sha256: sha256.clone(),
                bytes: bytes.len() as u64,
            },
            smtp,
        })?;
        self.point(Point::AfterIntent)?;
        let temp = match outbox::make_dirs(outbox, Path::new(output)).and_then(|_| {
            let temp = fsx::write_temp(&target, bytes)
                .map_err(|e| outbox::Refusal::Io(target.clone(), e))?;
            // The file just made, links followed, is inside the outbox.
            if let Err(refusal) = outbox::inside(outbox, &temp) {
                let _ = std::fs::remove_file(&temp);
                return Err(refusal);
            }
            Ok(temp)
        }) {
            Ok(temp) => temp,
            Err(refusal) => {
                self.abort_write(intent, &refusal.reason())?;
                return Err(refusal.diagnostic());
            }
        };
        self.point(Point::AfterTemp)?;
        if let Err(e) = fsx::publish_new(&temp, &target) {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                // Something appeared at the output's name meanwhile: it is
                // not ours, and stays.
                self.abort_write(intent, &format!("`{output}` appeared meanwhile"))?;
                return Err(output_conflict(&target));
            }
            // Renamed, but the folder's sync failed: the output may not
            // survive a crash, so it is taken back (ours only: same bytes).
            if fsx::look(&target).is_ok_and(|found| found == fsx::Found::File(sha256.clone())) {
                let _ = std::fs::remove_file(&target);
            }
            self.abort_write(intent, &e.to_string())?;
            return Err(write_failed(&target, &e));
        }
        self.point(Point::AfterOutput)?;
        let mut answer = None;
        if let (true, Some(transport)) = (smtp, transport) {
            self.append(Entry::Dispatch { intent })?;
            self.point(Point::AfterDispatch)?;
            match transport.deliver(&action, bytes) {
                Delivery::Accepted(reply) => answer = Some(reply),
                Delivery::Refused(reply) => {
                    let _ =
                        std::fs::remove_file(&target).and_then(|()| fsx::sync_dir(parent(&target)));
                    self.append(Entry::Abort {
                        intent,
                        reason: format!("the server refused the message: {reply}"),
                    })?;
                    return Ok(Performed::Refused {
                        intent,
                        answer: reply,
                    });
                }
                Delivery::Unknown(why) => {
                    let reason = format!("the exchange with the server broke off: {why}");
                    self.append(Entry::Uncertain {
                        intent,
                        reason: reason.clone(),
                    })?;
                    return Ok(Performed::Uncertain { intent, reason });
                }
            }
            self.point(Point::AfterSend)?;
        }
        let commit = self.append(Entry::Commit {
            intent,
            sha256,
            smtp: answer.clone(),
            recovered: false,
        })?;
        Ok(Performed::Committed {
            intent,
            commit,
            smtp: answer,
        })
    }

    /// The output's path, once the action may be performed: its steps not
    /// taken, its output inside the outbox, through no link, and not there
    /// yet. Nothing is written.
    fn admit(&self, action: &Action, output: &str, outbox: &Path) -> Result<PathBuf, Diagnostic> {
        self.admit_action(action)?;
        admit_output(output, outbox)
    }

    /// Refuses an action whose key the journal already holds.
    fn admit_action(&self, action: &Action) -> Result<(), Diagnostic> {
        if let Some(taken) = action
            .keys()
            .find_map(|k| self.state.status(&k).map(|s| (k, s)))
        {
            let (key, status) = taken;
            return Err(Diagnostic::error(
                Code::JournalDuplicate,
                format!(
                    "invoice {} already had step `{}` by {} to {} (journal record {})",
                    key.invoice,
                    key.step,
                    key.channel,
                    key.recipient,
                    status.intent()
                ),
            )
            .with_help("this is a bug in the caller: check `Journal::status` before performing")
            .in_path(self.path.display().to_string()));
        }
        Ok(())
    }

    /// Performs actions whose output only goes into the outbox (letters,
    /// e-mails not handed to a server) with group commit: the intents of
    /// all, one fsync; every output written to its temporary file, one
    /// flush of the file system; every output renamed into place, another
    /// flush; the commits of all, one fsync. What is durable comes in the
    /// order [`Journal::perform`] keeps for one action, so a crash anywhere
    /// leaves intents that [`Journal::recover`] closes as it does one
    /// action's. An action refused before writing refuses the batch
    /// (nothing of it is written); a write that fails takes the whole batch
    /// back: outputs removed, intents aborted.
    pub fn perform_batch(&mut self, items: &[Item<'_>], outbox: &Path) -> Result<(), Diagnostic> {
        self.check_usable()?;
        // The first refusal in the batch's order, as one loop checking each
        // item would find: the journal's checks here, the outbox's (a few
        // lookups each) on the batch's threads.
        let mut keys = std::collections::HashSet::new();
        // (index, refusal, whether it comes before the item's outbox check)
        let mut refused: Option<(usize, Diagnostic, bool)> = None;
        for (at, item) in items.iter().enumerate() {
            let mut twice = || {
                let key = item.action.keys().find(|k| !keys.insert(k.clone()))?;
                Some(
                    Diagnostic::error(
                        Code::JournalDuplicate,
                        format!(
                            "invoice {} has step `{}` by {} to {} twice in one batch",
                            key.invoice, key.step, key.channel, key.recipient
                        ),
                    )
                    .with_help("this is a bug in the caller: each action once")
                    .in_path(self.path.display().to_string()),
                )
            };
            if let Err(d) = self.admit_action(item.action) {
                refused = Some((at, d, true));
                break;
            }
            if let Some(d) = twice() {
                refused = Some((at, d, false));
                break;
            }
        }
        let checked = match &refused {
            Some((at, _, true)) => *at,
            Some((at, _, false)) => at + 1,
            None => items.len(),
        };
        let mut targets = Vec::with_capacity(items.len());
        for admitted in batch::admit_outputs(&items[..checked], outbox) {
            match admitted {
                Some(Ok(target)) => targets.push(target),
                Some(Err(d)) => return Err(d),
                None => {
                    return Err(write_failed(
                        outbox,
                        &std::io::Error::other("its checker stopped"),
                    ));
                }
            }
        }
        if let Some((_, d, _)) = refused {
            return Err(d);
        }
        let hashes: Vec<String> = items.iter().map(|i| i.sha256.to_string()).collect();
        // The run's data entry, when still to write, goes before its first
        // intent, in the same append.
        let data = self.pending_data.take();
        let before = usize::from(data.is_some());
        let mut intents = self.append_all(
            data.into_iter()
                .chain(
                    items
                        .iter()
                        .zip(&hashes)
                        .map(|(item, sha256)| Entry::Intent {
                            action: Box::new(item.action.clone()),
                            output: Output {
                                path: item.output.to_string(),
                                sha256: sha256.clone(),
                                bytes: item.bytes.len() as u64,
                            },
                            smtp: false,
                        }),
                )
                .collect(),
        )?;
        intents.drain(..before);
        for _ in &intents {
            self.point(Point::AfterIntent)?;
        }
        let mut temps: Vec<PathBuf> = Vec::with_capacity(items.len());
        let mut placed: Vec<(&PathBuf, &String)> = Vec::with_capacity(items.len());
        let mut failure = None;
        // The outbox's real path, resolved once for the batch.
        let root = match fsx::create_dirs(outbox).and_then(|()| std::fs::canonicalize(outbox)) {
            Ok(root) => root,
            Err(e) => {
                let refusal = outbox::Refusal::Io(outbox.to_path_buf(), e);
                failure = Some((refusal.reason(), refusal.diagnostic()));
                PathBuf::new()
            }
        };
        // Temporary files written after the first failure by the other
        // workers: taken back with the rest.
        let mut stray: Vec<PathBuf> = Vec::new();
        if failure.is_none() {
            let outputs: Vec<batch::ToWrite<'_>> = items
                .iter()
                .zip(&targets)
                .map(|(item, target)| batch::ToWrite {
                    relative: Path::new(item.output),
                    target,
                    bytes: item.bytes,
                })
                .collect();
            for (result, target) in batch::write_temps(outbox, &root, &outputs)
                .into_iter()
                .zip(&targets)
            {
                match result {
                    Some(Ok(temp)) if failure.is_none() => temps.push(temp),
                    Some(Ok(temp)) => stray.push(temp),
                    Some(Err(refusal)) if failure.is_none() => {
                        failure = Some((refusal.reason(), refusal.diagnostic()));
                    }
                    Some(Err(_)) => {}
                    None if failure.is_none() => {
                        let e = std::io::Error::other("its writer stopped");
                        failure = Some((e.to_string(), write_failed(target, &e)));
                    }
                    None => {}
                }
            }
            for temp in &stray {
                let _ = std::fs::remove_file(temp);
            }
        }
        for _ in &temps {
            self.point(Point::AfterTemp)?;
        }
        if failure.is_none() {
            if let Err(e) = fsx::flush_files(outbox, &temps) {
                failure = Some((e.to_string(), write_failed(outbox, &e)));
            }
        }
        // Which temporary files were renamed into place.
        let mut renamed = vec![false; temps.len()];
        if failure.is_none() {
            let pairs: Vec<(&Path, &Path)> = temps
                .iter()
                .zip(&targets)
                .map(|(temp, target)| (temp.as_path(), target.as_path()))
                .collect();
            let results = batch::rename_all(&pairs);
            for (((result, target), sha256), done) in results
                .into_iter()
                .zip(&targets)
                .zip(&hashes)
                .zip(renamed.iter_mut())
            {
                match result {
                    Some(Ok(())) => {
                        *done = true;
                        placed.push((target, sha256));
                    }
                    Some(Err(e)) if failure.is_none() => {
                        failure = Some(if e.kind() == std::io::ErrorKind::AlreadyExists {
                            (
                                format!("`{}` appeared meanwhile", target.display()),
                                output_conflict(target),
                            )
                        } else {
                            (e.to_string(), write_failed(target, &e))
                        });
                    }
                    None if failure.is_none() => {
                        let e = std::io::Error::other("its writer stopped");
                        failure = Some((e.to_string(), write_failed(target, &e)));
                    }
                    Some(Err(_)) | None => {}
                }
            }
            for _ in &placed {
                self.point(Point::AfterOutput)?;
            }
        }
        if failure.is_none() {
            let dirs: Vec<&Path> = targets.iter().map(|t| parent(t)).collect();
            if let Err(e) = fsx::flush_dirs(outbox, &dirs) {
                failure = Some((e.to_string(), write_failed(outbox, &e)));
            }
        }
        if let Some((reason, diagnostic)) = failure {
            // Nothing of the batch went out: what was written is taken back.
            for (temp, _) in temps.iter().zip(&renamed).filter(|(_, done)| !**done) {
                let _ = std::fs::remove_file(temp);
            }
            for (target, sha256) in placed {
                if fsx::look(target).is_ok_and(|found| found == fsx::Found::File(sha256.clone())) {
                    let _ = std::fs::remove_file(target);
                }
            }
            self.append_all(
                intents
                    .iter()
                    .map(|&intent| Entry::Abort {
                        intent,
                        reason: format!("the output could not be written: {reason}"),
                    })
                    .collect(),
            )?;
            return Err(diagnostic);
        }
        self.append_all(
            intents
                .iter()
                .zip(hashes)
                .map(|(&intent, sha256)| Entry::Commit {
                    intent,
                    sha256,
                    smtp: None,
                    recovered: false,
                })
                .collect(),
        )?;
        Ok(())
    }

    /// Closes every intent an interrupted run left open, looking at the
    /// outbox: output in place with the intended hash → commit (recovered);
    /// no output, or an e-mail never handed to the server → abort, and the
    /// run plans it again; an e-mail possibly handed to the server, or a
    /// different file in place → uncertain, for a person. Never sends.
    pub fn recover(&mut self, outbox: &Path) -> Result<Recovery, Diagnostic> {
        self.check_usable()?;
        let mut recovery = Recovery::default();
        let open: Vec<OpenIntent> = self.state.open.values().cloned().collect();
        for intent in open {
            let seq = intent.seq;
            let target = outbox_path(outbox, &intent.output.path)?;
            if intent.dispatched {
                self.append(Entry::Uncertain {
                    intent: seq,
                    reason: "handed to the SMTP server, but the run stopped before recording \
                             the answer"
                        .into(),
                })?;
                recovery.uncertain.push(seq);
                continue;
            }
            // A link planted in the outbox since the crash: a person looks.
            outbox::check(outbox, Path::new(&intent.output.path)).map_err(|r| r.diagnostic())?;
            let io = |e: std::io::Error| crate::load::io_error(crate::load::Op::Read, &target, &e);
            let found = fsx::look(&target).map_err(io)?;
            let mut temps = outbox::temps_of(&target).map_err(io)?;
            let intended = fsx::Found::File(intent.output.sha256.clone());
            match found {
                fsx::Found::File(hash) if hash == intent.output.sha256 && !intent.smtp => {
                    self.append(Entry::Commit {
                        intent: seq,
                        sha256: hash,
                        smtp: None,
                        recovered: true,
                    })?;
                    recovery.committed.push(seq);
                }
                fsx::Found::File(hash) if hash == intent.output.sha256 => {
                    // An e-mail written but never handed to the server: not
                    // sent. Remove it so the run sends it afresh.
                    std::fs::remove_file(&target)
                        .and_then(|()| fsx::sync_dir(parent(&target)))
                        .map_err(|e| write_failed(&target, &e))?;
                    self.append(Entry::Abort {
                        intent: seq,
                        reason: "written but never handed to the SMTP server".into(),
                    })?;
                    recovery.aborted.push(seq);
                }
                fsx::Found::File(_) | fsx::Found::Other => {
                    self.append(Entry::Uncertain {
                        intent: seq,
                        reason: format!(
                            "`{}` holds other content than the intent's",
                            intent.output.path
                        ),
                    })?;
                    recovery.uncertain.push(seq);
                }
                fsx::Found::Nothing => {
                    let complete = temps
                        .iter()
                        .position(|(_, found)| *found == intended)
                        .filter(|_| !intent.smtp);
                    if let Some(i) = complete {
                        // Complete but not yet renamed: finish the write.
                        let (temp, _) = temps.remove(i);
                        fsx::publish_new(&temp, &target).map_err(|e| write_failed(&target, &e))?;
                        self.append(Entry::Commit {
                            intent: seq,
                            sha256: intent.output.sha256.clone(),
                            smtp: None,
                            recovered: true,
                        })?;
                        recovery.committed.push(seq);
                    } else {
                        self.append(Entry::Abort {
                            intent: seq,
                            reason: "interrupted before its output was in place".into(),
                        })?;
                        recovery.aborted.push(seq);
                    }
                }
            }
            // What is left of the action's temporary files is ours and
            // useless; a link there is not ours, and stays.
            for (temp, found) in temps {
                if matches!(found, fsx::Found::File(_)) {
                    std::fs::remove_file(&temp).map_err(|e| write_failed(&temp, &e))?;
                }
            }
        }
        for seq in &recovery.uncertain {
            if let Some(open) = self.state.uncertain.get(seq) {
                recovery
                    .warnings
                    .push(verify::uncertain(&self.path, *seq, &open.action));
            }
        }
        Ok(recovery)
    }

    /// Records a person's answer about an uncertain action: `sent` keeps it
    /// done; not sent frees its invoices for the next run.
    pub fn resolve(&mut self, intent: u64, sent: bool, note: &str) -> Result<u64, Diagnostic> {
        self.check_usable()?;
        if !self.state.uncertain.contains_key(&intent) {
            return Err(Diagnostic::error(
                Code::JournalDuplicate,
                format!("journal record {intent} is not an uncertain action"),
            )
            .with_help("`policy journal verify` lists the uncertain actions and their numbers")
            .in_path(self.path.display().to_string()));
        }
        self.append(Entry::Resolve {
            intent,
            sent,
            note: note.to_string(),
        })
    }

    fn check_usable(&self) -> Result<(), Diagnostic> {
        if self.poisoned {
            return Err(Diagnostic::error(
                Code::WriteFailed,
                "the journal stopped after a failed write; open it again",
            )
            .in_path(self.path.display().to_string()));
        }
        Ok(())
    }

    fn point(&mut self, point: Point) -> Result<(), Diagnostic> {
        if let Some(hook) = self.hook.as_mut() {
            if let Err(diagnostic) = hook(point) {
                self.poisoned = true;
                return Err(diagnostic);
            }
        }
        Ok(())
    }

    /// A failed output write (full disk, unwritable outbox, a link in the
    /// way): nothing went out, so the intent is aborted and the journal
    /// stays valid.
    fn abort_write(&mut self, intent: u64, why: &str) -> Result<(), Diagnostic> {
        self.append(Entry::Abort {
            intent,
            reason: format!("the output could not be written: {why}"),
        })
        .map(|_| ())
    }

    /// Appends records, durably with one fsync, then moves the head to the
    /// last of them.
    fn append_all(&mut self, entries: Vec<Entry>) -> Result<Vec<u64>, Diagnostic> {
        self.check_usable()?;
        let mut text = String::new();
        let mut seqs = Vec::with_capacity(entries.len());
        let (mut seq, mut hash) = (self.last_seq, self.last_hash.clone());
        for entry in entries {
            seq += 1;
            let at = (self.clock)();
            let (mut record, line) = Record::seal_line(seq, &hash, &at, &self.run, entry);
            hash = std::mem::take(&mut record.hash);
            if let Err(why) = self.state.apply(record) {
                // Earlier records of the batch are in the state, not on
                // disk: this journal object is no longer usable.
                self.poisoned = true;
                return Err(Diagnostic::error(
                    Code::JournalDuplicate,
                    format!("refused journal record: {why}"),
                )
                .in_path(self.path.display().to_string()));
            }
            text.push_str(&line);
            text.push('\n');
            seqs.push(seq);
        }
        if seqs.is_empty() {
            return Ok(seqs);
        }
        if let Err(e) = fsx::append(&mut self.file, self.len, text.as_bytes()) {
            self.poisoned = true;
            return Err(write_failed(&self.path, &e));
        }
        self.len += text.len() as u64;
        self.appended += seqs.len() as u64;
        self.last_seq = seq;
        self.last_hash = hash;
        if let Err(d) = write_head(&self.path, &self.head()) {
            self.poisoned = true;
            return Err(d);
        }
        Ok(seqs)
    }

    /// Appends one record, durably, then moves the head to it.
    fn append(&mut self, entry: Entry) -> Result<u64, Diagnostic> {
        self.check_usable()?;
        let seq = self.last_seq + 1;
        let at = (self.clock)();
        let (mut record, mut line) = Record::seal_line(seq, &self.last_hash, &at, &self.run, entry);
        line.push('\n');
        let hash = std::mem::take(&mut record.hash);
        self.state.apply(record).map_err(|why| {
            Diagnostic::error(
                Code::JournalDuplicate,
                format!("refused journal record: {why}"),
            )
            .in_path(self.path.display().to_string())
        })?;
        if let Err(e) = fsx::append(&mut self.file, self.len, line.as_bytes()) {
            self.poisoned = true;
            return Err(write_failed(&self.path, &e));
        }
        self.len += line.len() as u64;
        self.appended += 1;
        self.last_seq = seq;
        self.last_hash = hash;
        if let Err(d) = write_head(&self.path, &self.head()) {
            self.poisoned = true;
            return Err(d);
        }
        Ok(seq)
    }
}

/// Removes the head's temporary files a crash left beside the journal
/// (ours: regular files of that name; a link there is not ours, and stays).
/// Called with the lock held, so no run is writing one.
fn remove_stale_head_temps(journal: &Path) {
    let head = verify::head_path(journal);
    let Some(name) = head.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent(journal)) else {
        return;
    };
    for entry in entries.flatten() {
        if fsx::is_temp_of(&entry.file_name().to_string_lossy(), &name)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn write_head(journal: &Path, head: &Head) -> Result<(), Diagnostic> {
    let path = verify::head_path(journal);
    let mut text = serde_json::to_string(head).unwrap_or_default();
    text.push('\n');
    fsx::write_atomic(&path, text.as_bytes()).map_err(|e| write_failed(&path, &e))
}

/// `outbox/relative`, refusing a path that would leave the outbox.
fn outbox_path(outbox: &Path, relative: &str) -> Result<PathBuf, Diagnostic> {
    let rel = Path::new(relative);
    let inside =
        !relative.is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(Diagnostic::error(
            Code::WriteFailed,
            format!("the output path `{relative}` is not inside the outbox"),
        )
        .with_help("output paths are relative to the outbox, without `..`")
        .in_path(outbox.display().to_string()));
    }
    Ok(outbox.join(rel))
}

/// The output's path in the outbox, refused when it leaves the outbox,
/// goes through a link below it, or is taken already.
fn admit_output(output: &str, outbox: &Path) -> Result<PathBuf, Diagnostic> {
    let target = outbox_path(outbox, output)?;
    // Links below the outbox are refused before anything is recorded.
    outbox::check(outbox, Path::new(output)).map_err(|r| r.diagnostic())?;
    match fsx::look(&target) {
        Ok(fsx::Found::File(_)) => return Err(output_conflict(&target)),
        Ok(fsx::Found::Other) if target.is_symlink() => {
            return Err(outbox::Refusal::Link(target.clone()).diagnostic());
        }
        Ok(fsx::Found::Other) => return Err(output_conflict(&target)),
        // Nothing there, or the folder is not usable: the write says.
        Ok(fsx::Found::Nothing) | Err(_) => {}
    }
    Ok(target)
}

fn output_conflict(target: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::OutputConflict,
        format!(
            "`{}` already exists; it is not overwritten",
            target.display()
        ),
    )
    .with_help(
        "an outbox file is the record of what was sent: move it away if it is not, then run again",
    )
    .in_path(target.display().to_string())
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn write_failed(path: &Path, err: &std::io::Error) -> Diagnostic {
    crate::load::io_error(crate::load::Op::Write, path, err)
}

/// A journal that fails verification stops the run before anything.
/// A missing journal is new only if its head file does not say otherwise: a
/// head without its journal means the journal was deleted, and starting
/// afresh would forget what was sent.
fn never_written(path: &Path) -> Result<(), Diagnostic> {
    let Some(head) = verify::read_head(path)?.filter(|h| h.seq > 0) else {
        return Ok(());
    };
    let shown = path.display().to_string();
    Err(refuse(
        Diagnostic::error(
            Code::JournalAltered,
            format!(
                "the journal `{shown}` is missing, but its head file says it had {} records",
                head.seq
            ),
        )
        .with_help("restore the journal from a backup; a new one would send everything again"),
        &shown,
    ))
}

/// Reads and verifies an existing journal as a run must before relying on
/// it: records, chain, protocol and head. The head is returned as read; a
/// lagging head and a torn last line are for the caller to repair.
fn read_verified(path: &Path) -> Result<(Option<Head>, verify::Scan, Vec<Diagnostic>), Diagnostic> {
    let shown = path.display().to_string();
    let head = verify::read_head(path)?;
    let scan = verify::scan(path, head.as_ref(), None)
        .map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
    if let Some(first) = scan.problems.first() {
        return Err(refuse(first.clone(), &shown));
    }
    let mut warnings = Vec::new();
    match verify::check_head(path, head.as_ref(), &scan) {
        HeadCheck::Ok => {}
        HeadCheck::Lagging(warning) => warnings.push(warning),
        HeadCheck::Broken(problem) => return Err(refuse(problem, &shown)),
    }
    Ok((head, scan, warnings))
}

fn refuse(problem: Diagnostic, journal: &str) -> Diagnostic {
    let help = problem.help.clone().unwrap_or_default();
    problem.with_help(format!(
        "{help}. Nothing was done: `policy run` refuses a journal that fails \
         `policy journal verify {journal}`"
    ))
}

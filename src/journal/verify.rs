//! Checking a journal: every line a canonical record, every hash right,
//! every record chained to the one before with the next `seq`, the records
//! following the protocol, and the head sidecar matching the end. Streams
//! the file: memory grows with the open actions, not the journal.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::record::{GENESIS, Record};
use super::state::{Counts, State};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// Diagnostics beyond this many are summarised: a journal edited at its
/// start breaks every record after it.
const MAX_PROBLEMS: usize = 20;

/// The head sidecar (`FILE.head`): the seq and hash of the last record,
/// rewritten atomically after every append. It makes a removed last record
/// detectable; see `docs/journal.md` for its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

impl Head {}

/// `journal.jsonl` → `journal.jsonl.head`.
pub fn head_path(journal: &Path) -> PathBuf {
    sidecar(journal, "head")
}

/// The path of the journal file that `path` names: a symbolic link is
/// followed once, here, so that every path to one journal uses one head
/// file (beside the real file) and one lock (on it). A link to nothing is
/// refused (`policy::unsafe_path`).
pub fn resolve(path: &Path) -> Result<PathBuf, Diagnostic> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            Diagnostic::error(
                Code::UnsafePath,
                format!(
                    "the journal `{}` is a symbolic link that leads nowhere: {e}",
                    path.display()
                ),
            )
            .with_help(
                "give the journal's real path; a link to a missing journal would start a \
                 new one and forget what was sent",
            )
            .in_path(path.display().to_string())
        }),
        _ => Ok(path.to_path_buf()),
    }
}

fn sidecar(journal: &Path, ext: &str) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// A journal that verified.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// Number of records.
    pub records: u64,
    /// Hash of the last record ([`GENESIS`] when empty): record it elsewhere
    /// to detect a later truncation (`policy journal verify --expect`).
    pub last_hash: String,
    pub head: Option<Head>,
    pub counts: Counts,
    /// Interrupted appends (repaired by the next run), open or uncertain
    /// actions.
    pub warnings: Vec<Diagnostic>,
}

impl VerifyReport {
    /// What `policy journal verify` prints of the intact journal `file`.
    pub(crate) fn summary(&self, file: &Path) -> String {
        let c = &self.counts;
        format!(
            "{}: intact: {} records; {} actions committed, {} aborted, {} uncertain, {} open\n\
             last record {} {}\n",
            file.display(),
            self.records,
            c.committed,
            c.aborted,
            c.uncertain,
            c.open,
            self.records,
            self.last_hash
        )
    }
}

/// What `policy journal verify` says of a journal that did not verify,
/// from its `problems`: "not checked" (a usage error, `--expect`), "cannot
/// be read" (a failure to do the job), else "ALTERED".
pub(crate) fn verdict(problems: &[Diagnostic]) -> &'static str {
    use crate::diagnostic::Class;
    let errors = || problems.iter().filter(|d| d.is_error());
    if !errors().any(|d| d.code.class() == Class::Failure) {
        "ALTERED"
    } else if problems.iter().any(|d| d.code == Code::ExpectHash) {
        "not checked"
    } else {
        "cannot be read"
    }
}

/// What a scan of the file found, before the head is compared.
#[derive(Debug)]
pub struct Scan {
    pub last_seq: u64,
    pub last_hash: String,
    /// Byte length of the complete records.
    pub good_len: u64,
    /// A final line without its newline: an append that did not finish.
    pub torn: Option<usize>,
    pub problems: Vec<Diagnostic>,
    pub state: State,
    /// Hash of the record whose seq is the head's, when seen.
    pub hash_at_head: Option<String>,
    /// The seqs of the records whose hash is the expected one (or starts
    /// with the expected prefix); two at most, enough to tell ambiguity.
    pub expected_at: Vec<u64>,
}

/// Verifies the journal at `path`: `Ok` when intact (with warnings), the
/// problems otherwise. A journal that does not exist is an I/O error.
pub fn verify(path: &Path) -> Result<VerifyReport, Vec<Diagnostic>> {
    verify_expecting(path, None)
}

/// A head hash given to check a journal against (`--expect`): the 64 hex
/// digits a run prints, or a prefix of at least [`Expected::MIN_DIGITS`]
/// of them, as the README and people show heads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected(String);

impl Expected {
    /// Fewer digits would match records by chance (8 digits: one record in
    /// four billion).
    pub(crate) const MIN_DIGITS: usize = 8;

    /// Reads a hash or a prefix of one; anything else is a usage error
    /// (`policy::expect_hash`), never an alteration of the journal.
    pub fn parse(text: &str) -> Result<Expected, Diagnostic> {
        let bad = |why: String| {
            Diagnostic::error(Code::ExpectHash, format!("`--expect {text}`: {why}")).with_help(
                format!(
                    "give the head hash a run printed (64 hex digits), or its first {} digits \
                     or more",
                    Self::MIN_DIGITS
                ),
            )
        };
        if let Some(c) = text.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(bad(format!(
                "`{}` is not a hexadecimal digit",
                c.escape_default()
            )));
        }
        match text.len() {
            n if n < Self::MIN_DIGITS => Err(bad(format!(
                "{n} digit{} is too short to name a record",
                if n == 1 { "" } else { "s" }
            ))),
            n if n > GENESIS.len() => Err(bad(format!(
                "{n} digits is longer than a hash ({})",
                GENESIS.len()
            ))),
            _ => Ok(Expected(text.to_ascii_lowercase())),
        }
    }

    /// Whether `hash` starts with these digits.
    pub fn matches(&self, hash: &str) -> bool {
        hash.starts_with(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Any prefix, however short: unit tests of ambiguity only.
    #[cfg(test)]
    fn unchecked(prefix: &str) -> Expected {
        Expected(prefix.to_string())
    }
}

/// Like [`verify`], and also checks that a record has the hash `expect`
/// (one recorded earlier, e.g. printed by a past run; a prefix of at least
/// 8 hex digits is enough): a journal cut back to before it, head and all,
/// fails. A malformed or ambiguous `expect` is `policy::expect_hash`.
pub fn verify_expecting(
    path: &Path,
    expect: Option<&str>,
) -> Result<VerifyReport, Vec<Diagnostic>> {
    let expect = expect
        .map(Expected::parse)
        .transpose()
        .map_err(|d| vec![d.in_path(path.display().to_string())])?;
    let path = resolve(path).map_err(|d| vec![d])?;
    verify_expected(&path, expect.as_ref())
}

fn verify_expected(
    path: &Path,
    expect: Option<&Expected>,
) -> Result<VerifyReport, Vec<Diagnostic>> {
    let head = read_head(path).map_err(|d| vec![d])?;
    let scan = scan(path, head.as_ref(), expect)
        .map_err(|e| vec![crate::load::io_error(crate::load::Op::Read, path, &e)])?;
    let head_check = check_head(path, head.as_ref(), &scan);
    let mut problems = scan.problems;
    let mut warnings = Vec::new();
    match head_check {
        HeadCheck::Ok => {}
        HeadCheck::Lagging(w) => warnings.push(w),
        HeadCheck::Broken(d) => problems.push(d),
    }
    if let Some(line) = scan.torn {
        if problems.is_empty() {
            warnings.push(interrupted(
                path,
                format!("line {line} is an unfinished record (an append was interrupted)"),
            ));
        }
    }
    if let Some(expected) = expect {
        let mut found = scan.expected_at.clone();
        if expected.matches(GENESIS) {
            found.insert(0, 0);
        }
        match found.as_slice() {
            [] => problems.push(
                Diagnostic::error(
                    Code::JournalAltered,
                    format!("no record has the expected hash {}", expected.as_str()),
                )
                .with_help(
                    "the journal no longer holds the record that hash was taken from: \
                     it was cut back or replaced",
                )
                .in_path(path.display().to_string()),
            ),
            [_] => {}
            [first, second, ..] => {
                return Err(vec![
                    Diagnostic::error(
                        Code::ExpectHash,
                        format!(
                            "`--expect {}` matches several records ({first} and {second})",
                            expected.as_str()
                        ),
                    )
                    .with_help("give more digits of the hash, or all 64")
                    .in_path(path.display().to_string()),
                ]);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let counts = scan.state.counts;
    if counts.open > 0 {
        warnings.push(interrupted(
            path,
            format!(
                "{} action{} without outcome: a run was interrupted; the next run recovers {}",
                counts.open,
                if counts.open == 1 { "" } else { "s" },
                if counts.open == 1 { "it" } else { "them" },
            ),
        ));
    }
    for open in scan.state.uncertain.values() {
        warnings.push(uncertain(path, open.seq, &open.action));
    }
    Ok(VerifyReport {
        records: scan.last_seq,
        last_hash: scan.last_hash,
        head,
        counts,
        warnings,
    })
}

pub(crate) fn uncertain(path: &Path, seq: u64, action: &super::record::Action) -> Diagnostic {
    Diagnostic::warning(
        Code::JournalUncertain,
        format!(
            "action {seq} ({} by {} to {} of {}, invoices {}) may or may not have been sent",
            action.step.id,
            action.channel,
            action.recipient,
            action.debtor,
            action.invoices.join(", ")
        ),
    )
    .with_help(format!(
        "check the mail server's log or the sent mailbox, then record the answer: \
         `policy journal resolve {} {seq} --sent` or `--not-sent`",
        path.display()
    ))
    .in_path(path.display().to_string())
}

pub(crate) fn interrupted(path: &Path, message: String) -> Diagnostic {
    Diagnostic::warning(Code::JournalInterrupted, message)
        .with_help("nothing is lost: the next `policy run` on this journal repairs it")
        .in_path(path.display().to_string())
}

/// Reads the head sidecar; `None` when it does not exist. A head that is a
/// symbolic link (or not a file) is refused, never followed.
pub(crate) fn read_head(journal: &Path) -> Result<Option<Head>, Diagnostic> {
    let path = head_path(journal);
    let bytes = match super::fsx::read_no_follow(&path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(Diagnostic::error(
                Code::UnsafePath,
                format!(
                    "the journal's head file `{}` is a symbolic link or not a file",
                    path.display()
                ),
            )
            .with_help(
                "the head file is written by `policy run` beside the journal, never \
                 through a link: replace the link by a copy of the file it leads to \
                 (`cp --remove-destination TARGET FILE.head`), and check who made it",
            )
            .in_path(path.display().to_string()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(crate::load::io_error(crate::load::Op::Read, &path, &e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(text.trim()).map(Some).map_err(|e| {
        Diagnostic::error(
            Code::JournalAltered,
            format!("the journal's head file is not valid: {e}"),
        )
        .with_help("the head file holds the seq and hash of the last record; it was edited")
        .in_path(path.display().to_string())
    })
}

pub(crate) enum HeadCheck {
    Ok,
    /// One record past the head: the head write after it did not happen.
    Lagging(Diagnostic),
    Broken(Diagnostic),
}

/// Compares the head sidecar with the end of the chain.
pub(crate) fn check_head(journal: &Path, head: Option<&Head>, scan: &Scan) -> HeadCheck {
    let (last_seq, torn) = (scan.last_seq, scan.torn);
    let hash_at_head = scan.hash_at_head.as_deref();
    let at = head_path(journal).display().to_string();
    let broken = |message: String, help: &str| {
        HeadCheck::Broken(
            Diagnostic::error(Code::JournalAltered, message)
                .with_help(help.to_string())
                .in_path(at.clone()),
        )
    };
    let Some(head) = head else {
        if last_seq == 0 {
            return HeadCheck::Ok;
        }
        return broken(
            format!("the journal has {last_seq} records but no head file"),
            "the head file was deleted: the end of the journal cannot be vouched for; \
             compare with a head hash recorded elsewhere (`--expect`)",
        );
    };
    if head.seq > last_seq {
        let what = if torn.is_some() {
            "its last record was cut"
        } else {
            "records were removed from its end"
        };
        return broken(
            format!(
                "the journal ends at record {last_seq} but its head says {}: {what}",
                head.seq
            ),
            "restore the journal from a backup; a journal must never be edited",
        );
    }
    let expected = if head.seq == 0 {
        Some(GENESIS)
    } else {
        hash_at_head
    };
    if expected != Some(head.hash.as_str()) {
        return broken(
            format!(
                "the head says record {} has hash {}, but it does not",
                head.seq, head.hash
            ),
            "a record was changed, or the head file was; restore from a backup",
        );
    }
    match last_seq - head.seq {
        0 => HeadCheck::Ok,
        1 => HeadCheck::Lagging(interrupted(
            journal,
            format!(
                "the head file is one record behind (record {last_seq} was written, the head \
                 update after it was interrupted)"
            ),
        )),
        n => broken(
            format!(
                "the journal has {n} records after the one its head names ({}): they were \
                 not written by `policy`",
                head.seq
            ),
            "records were appended by hand; restore from a backup",
        ),
    }
}

/// Reads every line, checking form, hash, chain and protocol.
pub(crate) fn scan(
    path: &Path,
    head: Option<&Head>,
    expect: Option<&Expected>,
) -> std::io::Result<Scan> {
    let file = File::open(path)?;
    let mut reader = BufReader::new(file);
    let name = path.display().to_string();
    let mut scan = Scan {
        last_seq: 0,
        last_hash: GENESIS.to_string(),
        good_len: 0,
        torn: None,
        problems: Vec::new(),
        state: State::default(),
        hash_at_head: None,
        expected_at: Vec::new(),
    };
    let mut line_no = 0usize;
    let mut offset = 0u64;
    let mut omitted = 0usize;
    let mut lines = Lines::default();
    loop {
        let torn = lines.read(&mut reader)?;
        // Each line's own checks (its form, its hash) on every core; the
        // chain and the protocol, which follow from record to record, in
        // order below.
        let read: Vec<Line> = {
            use rayon::prelude::*;
            lines
                .ends
                .par_iter()
                .enumerate()
                .with_min_len(64)
                .map(|(k, _)| Line::read(lines.line(k)))
                .collect()
        };
        let done = read.is_empty() && torn.is_none();
        for (k, line) in read.into_iter().enumerate() {
            line_no += 1;
            offset += lines.len_with_newline(k);
            let Line { text, record } = line;
            let mut problem = |scan: &mut Scan, message: String, field: &str, help: &str| {
                if scan.problems.len() >= MAX_PROBLEMS {
                    omitted += 1;
                    return;
                }
                scan.problems
                    .push(line_problem(&name, &text, line_no, message, field, help));
            };
            let (record, form) = match record {
                Ok(read) => read,
                Err(e) => {
                    problem(
                        &mut scan,
                        format!("line {line_no} is not a journal record: {e}"),
                        "",
                        "a line was edited, inserted or cut; restore the journal from a backup",
                    );
                    continue;
                }
            };
            let expected_seq = scan.last_seq + 1;
            if form == Form::Edited {
                problem(
                    &mut scan,
                    format!(
                        "record {} is not in the form `policy` writes: it was edited",
                        record.seq
                    ),
                    "",
                    "restore the journal from a backup; a journal must never be edited",
                );
            } else if form == Form::Unsealed {
                problem(
                    &mut scan,
                    format!(
                        "record {} does not match its hash: it was edited",
                        record.seq
                    ),
                    "\"hash\"",
                    "restore the journal from a backup; a journal must never be edited",
                );
            }
            if record.seq != expected_seq {
                let what = if record.seq > expected_seq {
                    format!(
                        "record {} follows record {}: record{} missing",
                        record.seq,
                        scan.last_seq,
                        if record.seq - expected_seq == 1 {
                            format!(" {expected_seq} is")
                        } else {
                            format!("s {expected_seq} to {} are", record.seq - 1)
                        }
                    )
                } else {
                    format!(
                        "record {} comes after record {}: records were reordered or copied",
                        record.seq, scan.last_seq
                    )
                };
                problem(
                    &mut scan,
                    what,
                    "\"seq\"",
                    "restore the journal from a backup; a journal must never be edited",
                );
            } else if record.prev != scan.last_hash {
                let message = format!(
                    "record {} does not follow record {}: one of them was changed or replaced",
                    record.seq, scan.last_seq
                );
                problem(
                    &mut scan,
                    message,
                    "\"prev\"",
                    "restore the journal from a backup; a journal must never be edited",
                );
            }
            let mut record = record;
            let (seq, hash) = (record.seq, std::mem::take(&mut record.hash));
            if let Err(why) = scan.state.apply(record) {
                problem(
                    &mut scan,
                    format!("record {seq} breaks the journal protocol: {why}"),
                    "\"entry\"",
                    "restore the journal from a backup; a journal must never be edited",
                );
            }
            if head.is_some_and(|h| h.seq == seq) {
                scan.hash_at_head = Some(hash.clone());
            }
            if expect.is_some_and(|e| e.matches(&hash)) && scan.expected_at.len() < 2 {
                scan.expected_at.push(seq);
            }
            scan.last_seq = seq;
            scan.last_hash = hash;
            scan.good_len = offset;
        }
        if torn.is_some() {
            // The last bytes of the file, without a newline: an append cut
            // short. Whether that is harmless depends on the head.
            scan.torn = Some(line_no + 1);
            break;
        }
        if done {
            break;
        }
    }
    if omitted > 0 {
        scan.problems.push(
            Diagnostic::error(
                Code::JournalAltered,
                format!("{omitted} more problems in the journal are not shown"),
            )
            .in_path(name),
        );
    }
    Ok(scan)
}

/// Lines read from the journal at a time: enough to keep the cores busy,
/// few enough to hold a few megabytes.
const CHUNK_LINES: usize = 4096;

/// Whole lines of the journal, read a chunk at a time.
#[derive(Default)]
struct Lines {
    buf: Vec<u8>,
    /// Where each line ends in `buf`, after its newline.
    ends: Vec<usize>,
}

impl Lines {
    /// Reads the next whole lines, up to [`CHUNK_LINES`]; `Some` when the
    /// file ends with bytes that no newline closes (left out).
    fn read(&mut self, reader: &mut impl BufRead) -> std::io::Result<Option<()>> {
        self.buf.clear();
        self.ends.clear();
        while self.ends.len() < CHUNK_LINES {
            let n = reader.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                break;
            }
            if self.buf.last() != Some(&b'\n') {
                self.buf.truncate(self.buf.len().saturating_sub(n));
                return Ok(Some(()));
            }
            self.ends.push(self.buf.len());
        }
        Ok(None)
    }

    fn start(&self, k: usize) -> usize {
        k.checked_sub(1)
            .and_then(|before| self.ends.get(before))
            .copied()
            .unwrap_or(0)
    }

    /// Line `k` without its newline.
    fn line(&self, k: usize) -> &[u8] {
        let end = self.ends.get(k).copied().unwrap_or(0).saturating_sub(1);
        self.buf.get(self.start(k)..end).unwrap_or_default()
    }

    /// The bytes of line `k`, its newline included.
    fn len_with_newline(&self, k: usize) -> u64 {
        let end = self.ends.get(k).copied().unwrap_or(0);
        end.saturating_sub(self.start(k)) as u64
    }
}

/// What a record's line says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// As `policy` writes it, its hash right.
    Written,
    /// Not in the form `policy` writes: edited.
    Edited,
    /// In that form, but its hash is not the hash of the rest.
    Unsealed,
}

/// A line, read and checked on its own.
struct Line<'a> {
    text: std::borrow::Cow<'a, str>,
    record: Result<(Record, Form), serde_json::Error>,
}

impl Line<'_> {
    fn read(bytes: &[u8]) -> Line<'_> {
        thread_local! {
            // The line as `policy` would write the record: one buffer a
            // thread, not a string a line.
            static WRITTEN: std::cell::RefCell<Vec<u8>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        let text = String::from_utf8_lossy(bytes);
        let record = serde_json::from_str::<Record>(&text).map(|record| {
            let written = WRITTEN.with_borrow_mut(|written| {
                written.clear();
                serde_json::to_writer(&mut *written, &record).is_ok() && *written == text.as_bytes()
            });
            let form = if !written {
                Form::Edited
            } else if Record::hash_of_line(&text).as_ref() != Some(&record.hash) {
                Form::Unsealed
            } else {
                Form::Written
            };
            (record, form)
        });
        Line { text, record }
    }
}

fn line_problem(
    name: &str,
    text: &str,
    line: usize,
    message: String,
    field: &str,
    help: &str,
) -> Diagnostic {
    let source = SourceFile::excerpt(name, text.to_string(), line);
    let span = match text.find(field).filter(|_| !field.is_empty()) {
        Some(at) => {
            let end = text[at..].find([',', '}']).map_or(text.len(), |i| at + i);
            Span::new(at, end)
        }
        None => Span::new(0, text.len().min(60)),
    };
    Diagnostic::error(Code::JournalAltered, message)
        .with_label(span, "here")
        .with_help(help.to_string())
        .in_source(&source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::record::{Action, Entry, Output, StepRef};

    /// A journal of 17 open intents: two of them share their first hex digit.
    fn journal(dir: &Path) -> (PathBuf, Vec<String>) {
        let path = dir.join("j.jsonl");
        let mut text = String::new();
        let mut prev = GENESIS.to_string();
        let mut hashes = Vec::new();
        for seq in 1..=17u64 {
            let action = Action {
                date: chrono::NaiveDate::default(),
                debtor: "D".into(),
                invoices: vec![format!("F-{seq}")],
                step: StepRef {
                    id: "send x".into(),
                    line: 1,
                    target: "x".into(),
                },
                channel: "courrier".into(),
                recipient: "debtor".into(),
                to: String::new(),
                claimed: None,
                currency: None,
                policy: None,
                lines: Vec::new(),
            };
            let entry = Entry::Intent {
                action: Box::new(action),
                output: Output {
                    path: format!("{seq}.html"),
                    sha256: GENESIS.into(),
                    bytes: 0,
                },
                smtp: false,
            };
            let record = Record::seal(seq, &prev, "t", "r", entry);
            text.push_str(&record.to_line());
            text.push('\n');
            prev = record.hash.clone();
            hashes.push(record.hash);
        }
        std::fs::write(&path, text).unwrap();
        let head = serde_json::to_string(&Head {
            seq: 17,
            hash: prev,
        })
        .unwrap();
        std::fs::write(head_path(&path), head).unwrap();
        (path, hashes)
    }

    #[test]
    fn an_expected_prefix_matching_two_records_is_ambiguous_not_altered() {
        let dir = tempfile::tempdir().unwrap();
        let (path, hashes) = journal(dir.path());
        let shared = hashes
            .iter()
            .map(|h| &h[..1])
            .find(|c| hashes.iter().filter(|h| h.starts_with(*c)).count() > 1)
            .unwrap();
        let problems = verify_expected(&path, Some(&Expected::unchecked(shared))).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, Code::ExpectHash);
        assert!(problems[0].message.contains("matches several records"));
        let unique = Expected::parse(&hashes[4][..8]).unwrap();
        assert!(verify_expected(&path, Some(&unique)).is_ok());
    }

    #[test]
    fn expected_hashes_are_hex_of_8_to_64_digits() {
        assert!(Expected::parse("8D9521C7").is_ok_and(|e| e.as_str() == "8d9521c7"));
        assert!(Expected::parse(GENESIS).is_ok());
        for bad in [
            "",
            "8d9521c",
            "8d9521cg",
            "+d9521c7",
            &format!("{GENESIS}0"),
        ] {
            let err = Expected::parse(bad).unwrap_err();
            assert_eq!(err.code, Code::ExpectHash, "{bad}");
        }
    }

    #[test]
    fn an_intact_journal_is_summed_up_with_its_last_hash() {
        let dir = tempfile::tempdir().unwrap();
        let (path, hashes) = journal(dir.path());
        let report = verify(&path).unwrap();
        let summary = report.summary(Path::new("j.jsonl"));
        assert!(
            summary.starts_with("j.jsonl: intact: 17 records; "),
            "{summary}"
        );
        assert!(summary.ends_with(&format!("\nlast record 17 {}\n", hashes[16])));
    }

    #[test]
    fn the_verdict_tells_an_alteration_from_a_failure_to_check() {
        let altered = Diagnostic::error(Code::JournalAltered, "altered");
        let io = Diagnostic::error(Code::Io, "cannot read");
        let usage = Diagnostic::error(Code::ExpectHash, "bad hash");
        assert_eq!(verdict(std::slice::from_ref(&altered)), "ALTERED");
        assert_eq!(verdict(&[altered, io.clone()]), "cannot be read");
        assert_eq!(verdict(&[usage]), "not checked");
        assert_eq!(verdict(&[io]), "cannot be read");
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The journal as `policy run` will drive it: exactly once, crash recovery at
//! every write point, the lock, and tamper detection.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use policy::diagnostic::{Code, Diagnostic};
use policy::journal::{
    self, Action, ActionKey, Deliver, Delivery, Journal, KeyStatus, Options, Performed, Point,
    StepRef,
};

struct Setup {
    _dir: tempfile::TempDir,
    journal: PathBuf,
    outbox: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let outbox = dir.path().join("outbox");
    Setup {
        journal,
        outbox,
        _dir: dir,
    }
}

fn action(debtor: &str, invoices: &[&str], channel: &str) -> Action {
    Action {
        date: "2026-11-23".parse().unwrap(),
        debtor: debtor.into(),
        invoices: invoices.iter().map(|s| s.to_string()).collect(),
        step: StepRef {
            id: "send relance_1".into(),
            line: 14,
            target: "relance_1".into(),
        },
        channel: channel.into(),
        recipient: "debtor".into(),
        to: "compta@acme.lu".into(),
        claimed: Some("1200.00".parse().unwrap()),
        currency: Some("EUR".into()),
        policy: None,
        lines: Vec::new(),
    }
}

fn key(invoice: &str, channel: &str) -> ActionKey {
    ActionKey {
        invoice: invoice.into(),
        step: "send relance_1".into(),
        recipient: "debtor".into(),
        channel: channel.into(),
    }
}

fn fixed_clock() -> String {
    "2026-11-23T08:00:00Z".into()
}

/// Options with a fixed clock and run id: records (and so hashes) are the
/// same in every test run.
fn opts() -> Options {
    Options {
        run: Some("test-run".into()),
        hook: None,
        clock: Some(fixed_clock),
    }
}

fn open(path: &Path) -> Journal {
    Journal::open(path, opts()).unwrap()
}

/// A hook that stops the `nth` action (1-based) at `point`, as a crash would.
fn stop_at(point: Point, nth: usize) -> Options {
    let mut intents = 0;
    Options {
        run: Some("crashing".into()),
        clock: Some(fixed_clock),
        hook: Some(Box::new(move |p| {
            if p == Point::AfterIntent {
                intents += 1;
            }
            if p == point && intents == nth {
                return Err(Diagnostic::error(Code::FaultInjected, "stopped here"));
            }
            Ok(())
        })),
    }
}

/// A transport that records what it was given.
#[derive(Clone, Default)]
struct Outbox {
    sent: Rc<RefCell<Vec<Vec<u8>>>>,
    answer: Option<Delivery>,
}

impl Deliver for Outbox {
    fn deliver(&mut self, _: &Action, message: &[u8]) -> Delivery {
        let answer = self
            .answer
            .clone()
            .unwrap_or_else(|| Delivery::Accepted("250 2.0.0 Ok: queued".into()));
        if matches!(answer, Delivery::Accepted(_) | Delivery::Unknown(_)) {
            self.sent.borrow_mut().push(message.to_vec());
        }
        answer
    }
}

/// What a daily run does: recover, then perform every planned action whose
/// invoices are not already covered.
fn daily_run(
    s: &Setup,
    options: Options,
    transport: Option<&mut dyn Deliver>,
) -> Result<usize, Diagnostic> {
    let mut journal = Journal::open(&s.journal, options)?;
    journal.recover(&s.outbox)?;
    let mut transport = transport;
    let mut done = 0;
    for (i, debtor) in ["ACME", "BETA", "GAMMA"].iter().enumerate() {
        let channel = if transport.is_some() {
            "email"
        } else {
            "courrier"
        };
        let action = action(debtor, &[&format!("F-{i}")], channel);
        if action.keys().any(|k| journal.done(&k)) {
            continue;
        }
        let bytes = format!("lettre pour {debtor}\n");
        let ext = if transport.is_some() { "eml" } else { "html" };
        let out = format!("2026-11-23/{debtor}-relance_1.{ext}");
        match transport.as_deref_mut() {
            Some(t) => journal.perform(action, &out, bytes.as_bytes(), &s.outbox, Some(t))?,
            None => journal.perform(action, &out, bytes.as_bytes(), &s.outbox, None)?,
        };
        done += 1;
    }
    Ok(done)
}

fn outbox_files(s: &Setup) -> Vec<String> {
    let mut files = Vec::new();
    for entry in walk(&s.outbox) {
        files.push(entry.strip_prefix(&s.outbox).unwrap().display().to_string());
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

fn altered(path: &Path) -> Vec<Diagnostic> {
    let problems = journal::verify(path).unwrap_err();
    assert!(
        problems.iter().all(|d| d.code == Code::JournalAltered),
        "{problems:?}"
    );
    problems
}

// ---- exactly once ----------------------------------------------------

#[test]
fn a_second_run_does_nothing() {
    let s = setup();
    assert_eq!(daily_run(&s, opts(), None).unwrap(), 3);
    let before = std::fs::read(&s.journal).unwrap();
    assert_eq!(daily_run(&s, opts(), None).unwrap(), 0);
    // Recovery found nothing to do and the run wrote nothing.
    assert_eq!(std::fs::read(&s.journal).unwrap(), before);
    assert_eq!(outbox_files(&s).len(), 3);
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.records, 6);
    assert_eq!(report.counts.committed, 3);
    assert!(report.warnings.is_empty());
}

#[test]
fn an_invoice_never_gets_the_same_step_twice_whatever_the_grouping() {
    let s = setup();
    let mut journal = open(&s.journal);
    journal
        .perform(
            action("ACME", &["F-1", "F-2"], "email"),
            "a.eml",
            b"a",
            &s.outbox,
            None,
        )
        .unwrap();
    assert!(journal.done(&key("F-2", "email")));
    assert!(!journal.done(&key("F-3", "email")));
    assert!(
        !journal.done(&key("F-2", "courrier")),
        "another channel is another action"
    );
    // A letter listing F-2 again is refused before anything is written.
    let err = journal
        .perform(
            action("ACME", &["F-2", "F-3"], "email"),
            "b.eml",
            b"b",
            &s.outbox,
            None,
        )
        .unwrap_err();
    assert_eq!(err.code, Code::JournalDuplicate);
    assert!(err.message.contains("F-2"), "{}", err.message);
    assert!(!s.outbox.join("b.eml").exists());
    journal
        .perform(
            action("ACME", &["F-3"], "email"),
            "b.eml",
            b"b",
            &s.outbox,
            None,
        )
        .unwrap();
    assert_eq!(journal::verify(&s.journal).unwrap().counts.committed, 2);
}

#[test]
fn the_head_names_the_last_record() {
    let s = setup();
    daily_run(&s, opts(), None).unwrap();
    let journal = open(&s.journal);
    let head = journal.head();
    assert_eq!(head.seq, 6);
    let last: journal::Record = serde_json::from_str(lines(&s.journal).last().unwrap()).unwrap();
    assert_eq!(head.hash, last.hash);
    let sidecar = std::fs::read_to_string(journal::head_path(&s.journal)).unwrap();
    assert!(sidecar.contains(&head.hash));
}

#[test]
fn an_existing_output_file_is_never_overwritten() {
    let s = setup();
    std::fs::create_dir_all(&s.outbox).unwrap();
    std::fs::write(s.outbox.join("a.eml"), b"someone else's").unwrap();
    let mut journal = open(&s.journal);
    let err = journal
        .perform(
            action("ACME", &["F-1"], "email"),
            "a.eml",
            b"a",
            &s.outbox,
            None,
        )
        .unwrap_err();
    assert_eq!(err.code, Code::OutputConflict);
    assert_eq!(
        std::fs::read(s.outbox.join("a.eml")).unwrap(),
        b"someone else's"
    );
    assert_eq!(journal.head().seq, 0, "nothing recorded");
}

#[test]
fn output_paths_stay_in_the_outbox() {
    let s = setup();
    let mut journal = open(&s.journal);
    for path in ["../x.eml", "/tmp/x.eml", "", "a/../../x"] {
        let err = journal
            .perform(
                action("ACME", &["F-1"], "email"),
                path,
                b"a",
                &s.outbox,
                None,
            )
            .unwrap_err();
        assert_eq!(err.code, Code::WriteFailed, "{path}");
    }
    assert_eq!(journal.head().seq, 0);
}

// ---- bad input: the run stops, the journal stays valid ------------------

#[test]
fn an_unwritable_outbox_aborts_the_action_and_keeps_the_journal_valid() {
    let s = setup();
    // A file where the outbox folder should be: every write fails (as root,
    // permissions would not stop us; a full disk fails the same way).
    std::fs::write(&s.outbox, b"not a folder").unwrap();
    let err = daily_run(&s, opts(), None).unwrap_err();
    assert_eq!(err.code, Code::WriteFailed);
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.counts.aborted, 1);
    assert_eq!(report.counts.committed, 0);
    // Once the outbox is fixed, the next run does the action.
    std::fs::remove_file(&s.outbox).unwrap();
    assert_eq!(daily_run(&s, opts(), None).unwrap(), 3);
    assert_eq!(outbox_files(&s).len(), 3);
}

#[test]
fn an_altered_journal_stops_the_run_before_anything() {
    let s = setup();
    daily_run(&s, opts(), None).unwrap();
    let mut all = lines(&s.journal);
    all[1] = all[1].replace("\"recovered\":false", "\"recovered\":true");
    write_lines(&s.journal, &all);
    let before = std::fs::read(&s.journal).unwrap();
    std::fs::remove_dir_all(&s.outbox).unwrap();
    let err = Journal::open(&s.journal, opts()).unwrap_err();
    assert_eq!(err.code, Code::JournalAltered);
    assert!(err.help.as_deref().unwrap().contains("Nothing was done"));
    assert_eq!(std::fs::read(&s.journal).unwrap(), before);
    assert!(!s.outbox.exists());
}

#[test]
fn a_deleted_journal_is_not_silently_started_afresh() {
    let s = setup();
    journal_of_three(&s);
    std::fs::remove_file(&s.journal).unwrap();
    let err = Journal::open(&s.journal, opts()).unwrap_err();
    assert_eq!(err.code, Code::JournalAltered);
    assert!(err.message.contains("is missing"), "{}", err.message);
    assert!(!s.journal.exists());
}

// ---- the lock ------------------------------------------------------------

#[test]
fn a_second_open_is_refused_while_the_first_holds_the_lock() {
    let s = setup();
    let first = open(&s.journal);
    let err = Journal::open(&s.journal, opts()).unwrap_err();
    assert_eq!(err.code, Code::JournalLocked);
    assert!(
        err.message
            .contains(&format!("process {}", std::process::id())),
        "{}",
        err.message
    );
    drop(first);
    open(&s.journal);
}

// ---- crash recovery, in process, at every write point --------------------

/// Stops the second action at `point`, then runs again: every letter exists
/// once, and the journal says so.
fn crash_and_rerun(point: Point) -> (Setup, journal::Recovery) {
    let s = setup();
    let err = daily_run(&s, stop_at(point, 2), None).unwrap_err();
    assert_eq!(err.code, Code::FaultInjected, "{point:?}");
    let mut journal = open(&s.journal);
    let recovery = journal.recover(&s.outbox).unwrap();
    drop(journal);
    // The first run did ACME; the second action is either committed by the
    // recovery or aborted and redone.
    let redone = daily_run(&s, opts(), None).unwrap();
    assert_eq!(redone, 2 - recovery.committed.len(), "{point:?}");
    assert_eq!(
        outbox_files(&s),
        [
            "2026-11-23/ACME-relance_1.html",
            "2026-11-23/BETA-relance_1.html",
            "2026-11-23/GAMMA-relance_1.html"
        ],
        "{point:?}: no temp file left, no letter missing"
    );
    for debtor in ["ACME", "BETA", "GAMMA"] {
        let text =
            std::fs::read_to_string(s.outbox.join(format!("2026-11-23/{debtor}-relance_1.html")))
                .unwrap();
        assert_eq!(text, format!("lettre pour {debtor}\n"));
    }
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.counts.committed, 3, "{point:?}");
    assert_eq!(report.counts.open, 0);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    (s, recovery)
}

#[test]
fn crash_after_intent_aborts_and_the_next_run_redoes_it() {
    let (_, recovery) = crash_and_rerun(Point::AfterIntent);
    assert_eq!(recovery.aborted, [3]);
    assert!(recovery.committed.is_empty());
}

#[test]
fn crash_after_temp_file_finishes_the_write_and_commits() {
    let (s, recovery) = crash_and_rerun(Point::AfterTemp);
    assert_eq!(recovery.committed, [3]);
    // The commit says it was recovered.
    let all = lines(&s.journal);
    assert!(
        all.iter()
            .any(|l| l.contains("\"intent\":3") && l.contains("\"recovered\":true"))
    );
}

#[test]
fn crash_between_output_and_commit_commits_without_redoing() {
    let (_, recovery) = crash_and_rerun(Point::AfterOutput);
    assert_eq!(recovery.committed, [3]);
}

#[test]
fn recovery_is_idempotent() {
    let s = setup();
    daily_run(&s, stop_at(Point::AfterOutput, 1), None).unwrap_err();
    let mut journal = open(&s.journal);
    let first = journal.recover(&s.outbox).unwrap();
    assert_eq!(first.committed, [1]);
    let second = journal.recover(&s.outbox).unwrap();
    assert!(
        second.committed.is_empty() && second.aborted.is_empty() && second.uncertain.is_empty()
    );
    drop(journal);
    let mut journal = open(&s.journal);
    let third = journal.recover(&s.outbox).unwrap();
    assert!(third.committed.is_empty());
}

#[test]
fn open_actions_count_as_done_until_recovered() {
    let s = setup();
    daily_run(&s, stop_at(Point::AfterOutput, 1), None).unwrap_err();
    let journal = open(&s.journal);
    assert_eq!(
        journal.status(&key("F-0", "courrier")),
        Some(KeyStatus::Open(1))
    );
    let report = journal::verify(&s.journal);
    drop(journal);
    let report = report.unwrap();
    assert_eq!(report.counts.open, 1);
    assert_eq!(report.warnings[0].code, Code::JournalInterrupted);
}

// ---- e-mails sent by SMTP: never twice ---------------------------------

fn smtp_crash(point: Point) -> (Setup, Outbox) {
    let s = setup();
    let transport = Outbox::default();
    let mut first = transport.clone();
    let err = daily_run(&s, stop_at(point, 2), Some(&mut first)).unwrap_err();
    assert_eq!(err.code, Code::FaultInjected);
    let mut second = transport.clone();
    daily_run(&s, opts(), Some(&mut second)).unwrap();
    assert!(journal::verify(&s.journal).is_ok());
    (s, transport)
}

fn sent_to(transport: &Outbox, debtor: &str) -> usize {
    transport
        .sent
        .borrow()
        .iter()
        .filter(|m| String::from_utf8_lossy(m).contains(debtor))
        .count()
}

#[test]
fn an_email_written_but_not_handed_over_is_sent_by_the_next_run() {
    for point in [Point::AfterIntent, Point::AfterTemp, Point::AfterOutput] {
        let (s, transport) = smtp_crash(point);
        for debtor in ["ACME", "BETA", "GAMMA"] {
            assert_eq!(sent_to(&transport, debtor), 1, "{point:?} {debtor}");
        }
        let report = journal::verify(&s.journal).unwrap();
        assert_eq!(report.counts.committed, 3, "{point:?}");
    }
}

#[test]
fn an_email_possibly_handed_over_is_never_resent_automatically() {
    for (point, delivered) in [(Point::AfterDispatch, 0), (Point::AfterSend, 1)] {
        let (s, transport) = smtp_crash(point);
        assert_eq!(sent_to(&transport, "BETA"), delivered, "{point:?}");
        assert_eq!(sent_to(&transport, "ACME"), 1);
        assert_eq!(sent_to(&transport, "GAMMA"), 1);
        let report = journal::verify(&s.journal).unwrap();
        assert_eq!(report.counts.uncertain, 1, "{point:?}");
        assert_eq!(report.warnings[0].code, Code::JournalUncertain);
        assert!(report.warnings[0].message.contains("BETA"));
        // A third run still does not send it.
        let mut third = transport.clone();
        assert_eq!(daily_run(&s, opts(), Some(&mut third)).unwrap(), 0);
    }
}

#[test]
fn a_person_resolves_an_uncertain_email() {
    let (s, transport) = smtp_crash(Point::AfterDispatch);
    let uncertain = {
        let journal = open(&s.journal);
        let seq = journal.uncertain().next().unwrap().seq;
        assert_eq!(
            journal.status(&key("F-1", "email")),
            Some(KeyStatus::Uncertain(seq))
        );
        seq
    };
    // The server's log shows it never arrived: not sent.
    let mut journal = open(&s.journal);
    journal
        .resolve(uncertain, false, "absent du journal du serveur")
        .unwrap();
    assert!(!journal.done(&key("F-1", "email")));
    drop(journal);
    // The output of the unsent e-mail is still in the outbox: move it away,
    // as the help of output_conflict says, and the next run sends it.
    let old = s.outbox.join("2026-11-23/BETA-relance_1.eml");
    if old.exists() {
        std::fs::rename(&old, s.outbox.join("BETA-unsent.eml")).unwrap();
    }
    let mut again = transport.clone();
    assert_eq!(daily_run(&s, opts(), Some(&mut again)).unwrap(), 1);
    assert_eq!(sent_to(&transport, "BETA"), 1);
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!((report.counts.uncertain, report.counts.committed), (0, 3));
}

#[test]
fn a_refused_email_is_aborted_and_a_lost_answer_is_uncertain() {
    let s = setup();
    let mut refused = Outbox {
        answer: Some(Delivery::Refused("550 5.1.1 unknown user".into())),
        ..Outbox::default()
    };
    let mut journal = open(&s.journal);
    let performed = journal
        .perform(
            action("ACME", &["F-1"], "email"),
            "a.eml",
            b"a",
            &s.outbox,
            Some(&mut refused),
        )
        .unwrap();
    assert!(matches!(performed, Performed::Refused { .. }));
    assert!(!journal.done(&key("F-1", "email")));
    assert!(!s.outbox.join("a.eml").exists());
    let mut lost = Outbox {
        answer: Some(Delivery::Unknown("connection reset".into())),
        ..Outbox::default()
    };
    let performed = journal
        .perform(
            action("ACME", &["F-1"], "email"),
            "b.eml",
            b"a",
            &s.outbox,
            Some(&mut lost),
        )
        .unwrap();
    assert!(matches!(performed, Performed::Uncertain { .. }));
    assert!(journal.done(&key("F-1", "email")));
    let mut ok = Outbox::default();
    let performed = journal
        .perform(
            action("ACME", &["F-2"], "email"),
            "c.eml",
            b"c",
            &s.outbox,
            Some(&mut ok),
        )
        .unwrap();
    let Performed::Committed { smtp, .. } = performed else {
        panic!()
    };
    assert_eq!(smtp.as_deref(), Some("250 2.0.0 Ok: queued"));
    drop(journal);
    assert!(
        lines(&s.journal)
            .last()
            .unwrap()
            .contains("250 2.0.0 Ok: queued")
    );
}

// ---- tamper detection ----------------------------------------------------

fn journal_of_three(s: &Setup) -> Vec<String> {
    daily_run(s, opts(), None).unwrap();
    lines(&s.journal)
}

#[test]
fn an_edited_field_is_detected() {
    let s = setup();
    let mut all = journal_of_three(&s);
    all[2] = all[2].replace("BETA", "BETE");
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].range().unwrap().0.line, 3);
    assert!(problems[0].message.contains("does not match its hash"));
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_chain() {
    let s = setup();
    let mut all = journal_of_three(&s);
    let mut record: journal::Record = serde_json::from_str(&all[2]).unwrap();
    if let journal::Entry::Intent { action, .. } = &mut record.entry {
        action.debtor = "BETE".into();
    }
    record.hash = record.compute_hash();
    all[2] = record.to_line();
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert_eq!(problems[0].range().unwrap().0.line, 4);
    assert!(
        problems[0]
            .message
            .contains("record 4 does not follow record 3"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_reformatted_line_is_detected() {
    let s = setup();
    let mut all = journal_of_three(&s);
    all[0] = all[0].replace("\"seq\":1,", "\"seq\": 1,");
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert!(
        problems[0].message.contains("not in the form"),
        "{problems:?}"
    );
}

#[test]
fn a_deleted_middle_record_is_detected() {
    let s = setup();
    let mut all = journal_of_three(&s);
    all.remove(2);
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert!(
        problems.iter().any(|d| d
            .message
            .contains("record 4 follows record 2: record 3 is missing")),
        "{problems:?}"
    );
    insta::assert_snapshot!(
        "deleted_middle_record",
        policy::diagnostic::render::human(&problems[0], policy::diagnostic::render::Style::plain())
            .replace(&s.journal.display().to_string(), "journal.jsonl")
    );
}

#[test]
fn a_deleted_last_record_is_detected_by_the_head() {
    let s = setup();
    let mut all = journal_of_three(&s);
    all.pop();
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert!(
        problems[0]
            .message
            .contains("ends at record 5 but its head says 6"),
        "{problems:?}"
    );
}

#[test]
fn a_deleted_head_file_is_detected() {
    let s = setup();
    journal_of_three(&s);
    std::fs::remove_file(journal::head_path(&s.journal)).unwrap();
    let problems = altered(&s.journal);
    assert!(problems[0].message.contains("no head file"), "{problems:?}");
}

#[test]
fn swapped_records_are_detected() {
    let s = setup();
    let mut all = journal_of_three(&s);
    all.swap(2, 3);
    write_lines(&s.journal, &all);
    let problems = altered(&s.journal);
    assert!(
        problems
            .iter()
            .any(|d| d.message.contains("record 4 follows record 2")),
        "{problems:?}"
    );
}

#[test]
fn a_record_cut_mid_line_is_detected() {
    let s = setup();
    let all = journal_of_three(&s);
    let mut text = all.join("\n");
    text.truncate(text.len() - 40);
    std::fs::write(&s.journal, text).unwrap();
    let problems = altered(&s.journal);
    assert!(
        problems[0].message.contains("its last record was cut"),
        "{problems:?}"
    );
}

/// The head's limit: someone who cuts the journal AND rewrites the head to
/// match is only caught by a head hash kept elsewhere.
#[test]
fn a_consistent_truncation_is_caught_by_an_expected_hash() {
    let s = setup();
    let all = journal_of_three(&s);
    let kept_elsewhere = open(&s.journal).head().hash;
    let last_kept: journal::Record = serde_json::from_str(&all[3]).unwrap();
    write_lines(&s.journal, &all[..4]);
    std::fs::write(
        journal::head_path(&s.journal),
        format!("{{\"seq\":4,\"hash\":\"{}\"}}\n", last_kept.hash),
    )
    .unwrap();
    assert!(
        journal::verify(&s.journal).is_ok(),
        "undetectable from the files alone"
    );
    let problems = journal::verify_expecting(&s.journal, Some(&kept_elsewhere)).unwrap_err();
    assert!(
        problems[0].message.contains("expected hash"),
        "{problems:?}"
    );
    assert!(journal::verify_expecting(&s.journal, Some(&last_kept.hash)).is_ok());
}

// ---- interrupted appends are repaired, not mistaken for tampering ------------

#[test]
fn an_unfinished_append_past_the_head_is_repaired() {
    let s = setup();
    let all = journal_of_three(&s);
    let mut text = all.join("\n");
    text.push('\n');
    text.push_str("{\"seq\":7,\"prev\":\"ab");
    std::fs::write(&s.journal, &text).unwrap();
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.warnings[0].code, Code::JournalInterrupted);
    let journal = open(&s.journal);
    assert_eq!(journal.warnings()[0].code, Code::JournalInterrupted);
    drop(journal);
    let report = journal::verify(&s.journal).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.records, 6);
}

#[test]
fn a_head_one_record_behind_is_repaired() {
    let s = setup();
    let all = journal_of_three(&s);
    let fifth: journal::Record = serde_json::from_str(&all[4]).unwrap();
    std::fs::write(
        journal::head_path(&s.journal),
        format!("{{\"seq\":5,\"hash\":\"{}\"}}\n", fifth.hash),
    )
    .unwrap();
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.warnings[0].code, Code::JournalInterrupted);
    drop(open(&s.journal));
    assert!(journal::verify(&s.journal).unwrap().warnings.is_empty());
}

#[test]
fn a_head_two_records_behind_is_tampering() {
    let s = setup();
    let all = journal_of_three(&s);
    let fourth: journal::Record = serde_json::from_str(&all[3]).unwrap();
    std::fs::write(
        journal::head_path(&s.journal),
        format!("{{\"seq\":4,\"hash\":\"{}\"}}\n", fourth.hash),
    )
    .unwrap();
    altered(&s.journal);
}

// ---- housekeeping --------------------------------------------------------

#[test]
fn a_new_journal_without_records_can_be_discarded_an_old_one_never() {
    let s = setup();
    let journal = open(&s.journal);
    assert!(s.journal.exists());
    assert!(
        !journal::head_path(&s.journal).exists(),
        "no head before a record"
    );
    journal.discard_if_unused();
    assert!(!s.journal.exists());
    // An existing journal, even empty, stays; so does one that got a record.
    std::fs::write(&s.journal, b"").unwrap();
    open(&s.journal).discard_if_unused();
    assert!(s.journal.exists());
    std::fs::remove_file(&s.journal).unwrap();
    let mut journal = open(&s.journal);
    journal.recover(&s.outbox).unwrap();
    journal
        .perform(
            action("ACME", &["F-1"], "courrier"),
            "a.html",
            b"a",
            &s.outbox,
            None,
        )
        .unwrap();
    journal.discard_if_unused();
    assert_eq!(journal::verify(&s.journal).unwrap().counts.committed, 1);
}

#[test]
fn a_backdated_run_is_recorded_and_verifies() {
    let s = setup();
    daily_run(&s, opts(), None).unwrap();
    let mut journal = open(&s.journal);
    assert_eq!(journal.last_day(), Some("2026-11-23".parse().unwrap()));
    let seq = journal.head().seq;
    journal
        .record_backdate("2026-11-23".parse().unwrap())
        .unwrap();
    assert_eq!(journal.head().seq, seq, "the same day is not a backdate");
    journal
        .record_backdate("2026-11-20".parse().unwrap())
        .unwrap();
    assert_eq!(journal.head().seq, seq + 1);
    drop(journal);
    let last = lines(&s.journal).pop().unwrap();
    assert!(
        last.contains(r#""entry":{"kind":"backdate","day":"2026-11-20","last_day":"2026-11-23"}"#),
        "{last}"
    );
    let report = journal::verify(&s.journal).unwrap();
    assert_eq!(report.counts.committed, 3);
    assert!(report.warnings.is_empty());
}

#[cfg(unix)]
#[test]
fn a_crash_while_writing_the_head_leaves_nothing_for_long() {
    let s = setup();
    daily_run(&s, opts(), None).unwrap();
    let dir = s.journal.parent().unwrap();
    let stale = dir.join(".journal.jsonl.head.a1B2c3.tmp");
    std::fs::write(&stale, b"{\"seq\":1").unwrap();
    let victim = dir.join("victim");
    std::fs::write(&victim, b"keep").unwrap();
    let link = dir.join(".journal.jsonl.head.zzzzzz.tmp");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    drop(open(&s.journal));
    assert!(!stale.exists(), "a crash's temporary head is removed");
    assert!(link.is_symlink(), "a link is not ours: left alone");
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    journal::verify(&s.journal).unwrap();
}

// ---- a crash inside a batch written by several workers -------------------

/// 300 letters, a folder each (as a catch-up run's debtors): enough for
/// the batch's files to be written by several workers.
fn batch_letters() -> Vec<(Action, String, Vec<u8>)> {
    (0..300)
        .map(|i| {
            let debtor = format!("D{i:04}");
            let invoice = format!("F-{i}");
            let output = format!("2026-11-23/{debtor}/relance_1.html");
            let bytes = format!("lettre pour {debtor}\n").into_bytes();
            (
                action(&debtor, &[invoice.as_str()], "courrier"),
                output,
                bytes,
            )
        })
        .collect()
}

/// Recovers, then performs in one batch every letter not yet done.
fn batch_run(s: &Setup, options: Options) -> Result<usize, Diagnostic> {
    let letters = batch_letters();
    let mut journal = Journal::open(&s.journal, options)?;
    journal.recover(&s.outbox)?;
    let hashes: Vec<String> = letters
        .iter()
        .map(|(_, _, bytes)| journal::sha256_hex(bytes))
        .collect();
    let items: Vec<journal::Item<'_>> = letters
        .iter()
        .zip(&hashes)
        .filter(|((action, _, _), _)| !action.keys().any(|k| journal.done(&k)))
        .map(|((action, output, bytes), sha256)| journal::Item {
            action,
            output,
            bytes,
            sha256,
        })
        .collect();
    journal.perform_batch(&items, &s.outbox)?;
    Ok(items.len())
}

/// A hook stopping the batch at the `nth` passing of `point`.
fn stop_at_nth(point: Point, nth: usize) -> Options {
    let mut seen = 0;
    Options {
        run: Some("crashing".into()),
        clock: Some(fixed_clock),
        hook: Some(Box::new(move |p| {
            if p == point {
                seen += 1;
                if seen == nth {
                    return Err(Diagnostic::error(Code::FaultInjected, "stopped here"));
                }
            }
            Ok(())
        })),
    }
}

#[test]
fn a_crash_inside_a_batch_written_by_several_workers_is_finished_exactly_once() {
    let whole = setup();
    assert_eq!(batch_run(&whole, opts()).unwrap(), 300);
    let expected = outbox_files(&whole);
    assert_eq!(expected.len(), 300);
    for (point, nth) in [
        (Point::AfterIntent, 1),
        (Point::AfterTemp, 1),
        (Point::AfterTemp, 160),
        (Point::AfterOutput, 1),
        (Point::AfterOutput, 299),
    ] {
        let s = setup();
        let err = batch_run(&s, stop_at_nth(point, nth)).unwrap_err();
        assert_eq!(err.code, Code::FaultInjected, "{point:?} {nth}");
        batch_run(&s, opts()).unwrap();
        assert_eq!(outbox_files(&s), expected, "{point:?} {nth}: no temp left");
        for file in &expected {
            assert_eq!(
                std::fs::read(s.outbox.join(file)).unwrap(),
                std::fs::read(whole.outbox.join(file)).unwrap(),
                "{point:?} {nth}: {file}"
            );
        }
        let report = journal::verify(&s.journal).unwrap();
        assert_eq!(report.counts.committed, 300, "{point:?} {nth}");
        assert_eq!(report.counts.open, 0, "{point:?} {nth}");
        // A third run has nothing left to do.
        assert_eq!(batch_run(&s, opts()).unwrap(), 0, "{point:?} {nth}");
    }
}

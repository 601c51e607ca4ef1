#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `policy journal` as a user runs it, and real crashes: a process killed
//! with SIGKILL between the durable writes of an action, then run again.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// `policy journal crash-test` (hidden): performs dummy letters through the
/// journal, optionally pausing forever at a write point.
fn crash_test(journal: &Path, outbox: &Path, pause: Option<(&str, usize)>) -> Command {
    let mut cmd = policy();
    cmd.args(["journal", "crash-test"])
        .arg(journal)
        .arg("--outbox")
        .arg(outbox)
        .args(["--actions", "3"]);
    if let Some((point, at)) = pause {
        cmd.args(["--pause-at", point, "--at", &at.to_string()]);
    }
    cmd
}

/// Starts a crash-test paused at `point` of action `at`, and returns once it
/// says so.
fn paused(journal: &Path, outbox: &Path, point: &str, at: usize) -> Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("policy"));
    cmd.args(["journal", "crash-test"])
        .arg(journal)
        .arg("--outbox")
        .arg(outbox)
        .args([
            "--actions",
            "3",
            "--pause-at",
            point,
            "--at",
            &at.to_string(),
        ]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), format!("paused at {point}"));
    child
}

fn letters(outbox: &Path) -> Vec<String> {
    let dir = outbox.join("test");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn verify_says_intact_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    crash_test(&journal, &dir.path().join("out"), None)
        .assert()
        .success()
        .stdout(predicate::str::contains("performed 3"));
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "intact: 6 records; 3 actions committed, 0 aborted, 0 uncertain, 0 open",
        ));
}

#[test]
fn verify_exits_1_on_an_altered_journal_and_2_on_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    crash_test(&journal, &dir.path().join("out"), None)
        .assert()
        .success();
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, text.replace("\"D2\"", "\"D9\"")).unwrap();
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::journal_altered"))
        .stderr(predicate::str::contains("record 3 does not match its hash"))
        .stderr(predicate::str::contains("ALTERED"));
    policy()
        .args(["journal", "verify", "no/such.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not found"));
}

#[test]
fn verify_checks_an_expected_hash() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let out = crash_test(&journal, &dir.path().join("out"), None)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let hash = out.trim().rsplit(' ').next().unwrap().to_string();
    policy()
        .args(["journal", "verify", "--expect", &hash])
        .arg(&journal)
        .assert()
        .code(0);
    policy()
        .args(["journal", "verify", "--expect", &"ab".repeat(32)])
        .arg(&journal)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no record has the expected hash"));
}

#[test]
fn a_second_concurrent_run_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    let mut first = paused(&journal, &outbox, "after-output", 1);
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::journal_locked"))
        .stderr(predicate::str::contains(format!("process {}", first.id())));
    first.kill().unwrap();
    first.wait().unwrap();
    // The OS released the dead process's lock.
    crash_test(&journal, &outbox, None).assert().success();
}

/// SIGKILL at each write point of the second action, then a normal run:
/// three letters, each once, every action committed, the journal intact.
#[test]
fn kill_9_at_any_write_point_then_run_again() {
    for point in ["after-intent", "after-temp", "after-output"] {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j.jsonl");
        let outbox = dir.path().join("out");
        let mut child = paused(&journal, &outbox, point, 2);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        crash_test(&journal, &outbox, None).assert().success();
        assert_eq!(letters(&outbox), ["1.txt", "2.txt", "3.txt"], "{point}");
        for i in 1..=3 {
            let text = std::fs::read_to_string(outbox.join(format!("test/{i}.txt"))).unwrap();
            assert_eq!(text, format!("letter {i}\n"), "{point}");
        }
        policy()
            .args(["journal", "verify"])
            .arg(&journal)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("3 actions committed"))
            .stdout(predicate::str::contains("0 open"));
        // And a third run does nothing.
        crash_test(&journal, &outbox, None)
            .assert()
            .success()
            .stdout(predicate::str::contains("performed 0"));
    }
}

#[test]
fn verify_reports_an_interrupted_run_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    let mut child = paused(&journal, &outbox, "after-output", 2);
    child.kill().unwrap();
    child.wait().unwrap();
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("policy::journal_interrupted"))
        .stdout(predicate::str::contains("1 open"));
}

#[test]
fn resolve_refuses_an_action_that_is_not_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    crash_test(&journal, &dir.path().join("out"), None)
        .assert()
        .success();
    policy()
        .args(["journal", "resolve"])
        .arg(&journal)
        .args(["1", "--sent"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an uncertain action"));
}

/// Issue 11: the README shows heads by their first digits, and
/// `--expect 8d9521c7` said ALTERED on an intact journal.
#[test]
fn verify_accepts_a_prefix_of_the_head_and_refuses_a_short_one_as_usage() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let out = crash_test(&journal, &dir.path().join("out"), None)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let hash = out.trim().rsplit(' ').next().unwrap().to_string();
    for prefix in [&hash[..8], &hash[..20], &hash.to_uppercase()[..12]] {
        policy()
            .args(["journal", "verify", "--expect", prefix])
            .arg(&journal)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("intact"));
    }
    for bad in [&hash[..7], "", "8d9521cz", "8d9521c7 ", &format!("{hash}0")] {
        policy()
            .args(["journal", "verify", "--expect", bad])
            .arg(&journal)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("policy::expect_hash"))
            .stderr(predicate::str::contains("ALTERED").not());
    }
    // A well-formed prefix that no record has is still an alteration.
    let other = if hash.starts_with("abababab") {
        "cdcdcdcd"
    } else {
        "abababab"
    };
    policy()
        .args(["journal", "verify", "--expect", other])
        .arg(&journal)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no record has the expected hash"));
}

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

/// A paused child killed (SIGKILL) when dropped, also when an assertion
/// fails first: a failing test leaves no process behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Issue 17: a journal reached through a file symlink took a second lock
/// (11 of 20 concurrent trials corrupted it).
#[cfg(unix)]
#[test]
fn a_journal_reached_through_a_symlink_is_locked_by_the_run_on_its_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let link = dir.path().join("link.jsonl");
    let outbox = dir.path().join("out");
    std::os::unix::fs::symlink(&journal, &link).unwrap();
    let first = Killed(paused(&journal, &outbox, "after-output", 2));
    crash_test(&link, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::journal_locked"));
    drop(first);
    // The other way round, too.
    let first = Killed(paused(&link, &outbox, "after-intent", 1));
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::journal_locked"));
    drop(first);
    // One journal, one head, whichever path names it: nothing forked.
    crash_test(&link, &outbox, None).assert().success();
    assert!(!dir.path().join("link.jsonl.head").exists());
    assert_eq!(letters(&outbox), ["1.txt", "2.txt", "3.txt"]);
    for path in [&journal, &link] {
        policy()
            .args(["journal", "verify"])
            .arg(path)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("3 actions committed"))
            .stdout(predicate::str::contains("0 open"));
    }
}

/// Issue 17: deleting the lock file during a run let a second run start
/// (5 of 20 trials forked the journal).
#[test]
fn deleting_files_beside_the_journal_during_a_run_does_not_let_a_second_run_in() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    let first = Killed(paused(&journal, &outbox, "after-output", 2));
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "lock") {
            std::fs::remove_file(path).unwrap();
        }
    }
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::journal_locked"));
    drop(first);
    crash_test(&journal, &outbox, None).assert().success();
    assert_eq!(letters(&outbox), ["1.txt", "2.txt", "3.txt"]);
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3 actions committed"));
}

/// A file outside the outbox that a planted link points to.
#[cfg(unix)]
fn victim(dir: &Path) -> std::path::PathBuf {
    let victim = dir.join("precious.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    victim
}

#[cfg(unix)]
fn assert_untouched(victim: &Path) {
    assert_eq!(std::fs::read_to_string(victim).unwrap(), "precious\n");
}

/// Issue 17: a link planted at an output's temporary file name made the run
/// overwrite its target with the letter, and the journal said committed.
#[cfg(unix)]
#[test]
fn a_link_at_a_temporary_file_name_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let victim = victim(dir.path());
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    std::fs::create_dir_all(outbox.join("test")).unwrap();
    for i in 1..=3 {
        let link = outbox.join(format!("test/.{i}.txt.tmp"));
        std::os::unix::fs::symlink(&victim, link).unwrap();
    }
    crash_test(&journal, &outbox, None)
        .assert()
        .success()
        .stdout(predicate::str::contains("performed 3"));
    assert_untouched(&victim);
    for i in 1..=3 {
        let letter = outbox.join(format!("test/{i}.txt"));
        assert!(!letter.is_symlink());
        assert_eq!(
            std::fs::read_to_string(letter).unwrap(),
            format!("letter {i}\n")
        );
    }
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0);
}

/// Issue 17: the same at `.JOURNAL.head.tmp` overwrote the target with the
/// head; and a head that is itself a link is refused, not followed.
#[cfg(unix)]
#[test]
fn links_beside_the_journal_are_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let victim = victim(dir.path());
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    std::os::unix::fs::symlink(&victim, dir.path().join(".j.jsonl.head.tmp")).unwrap();
    crash_test(&journal, &outbox, None).assert().success();
    assert_untouched(&victim);
    let head = dir.path().join("j.jsonl.head");
    assert!(!head.is_symlink());
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0);

    // The head replaced by a link to a copy of itself: refused, exit 2,
    // nothing written anywhere.
    let copy = dir.path().join("head-copy");
    std::fs::copy(&head, &copy).unwrap();
    std::fs::remove_file(&head).unwrap();
    std::os::unix::fs::symlink(&copy, &head).unwrap();
    let before = std::fs::read(&journal).unwrap();
    let copied = std::fs::read(&copy).unwrap();
    crash_test(&journal, &outbox.join("other"), None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::unsafe_path"))
        .stderr(predicate::str::contains("j.jsonl.head"));
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    assert_eq!(std::fs::read(&copy).unwrap(), copied);
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::unsafe_path"));
}

/// Issue 17: a linked folder inside the outbox put every letter outside it.
/// Refused before anything is recorded, exit 2; once the link is gone the
/// run does everything, once.
#[cfg(unix)]
#[test]
fn a_linked_folder_inside_the_outbox_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&outbox).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let link = outbox.join("test");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::unsafe_path"))
        .stderr(predicate::str::contains("is a symbolic link"))
        .stderr(predicate::str::contains(link.display().to_string()));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 records"));
    std::fs::remove_file(&link).unwrap();
    crash_test(&journal, &outbox, None).assert().success();
    assert_eq!(letters(&outbox), ["1.txt", "2.txt", "3.txt"]);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// A link planted at an output's own name, or in a folder while a run was
/// interrupted: refused, exit 2, its target untouched, the journal valid.
#[cfg(unix)]
#[test]
fn a_link_at_an_output_or_planted_before_recovery_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = victim(dir.path());
    let journal = dir.path().join("j.jsonl");
    let outbox = dir.path().join("out");
    std::fs::create_dir_all(outbox.join("test")).unwrap();
    let link = outbox.join("test/1.txt");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::unsafe_path"));
    assert_untouched(&victim);
    std::fs::remove_file(&link).unwrap();

    // Interrupted after the temporary file of action 2; meanwhile the folder
    // is swapped for a link to a folder holding a file of the same name.
    let first = Killed(paused(&journal, &outbox, "after-temp", 2));
    drop(first);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::rename(outbox.join("test"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, outbox.join("test")).unwrap();
    let before = std::fs::read(&journal).unwrap();
    crash_test(&journal, &outbox, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::unsafe_path"));
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    assert!(!elsewhere.join("2.txt").exists());
    policy()
        .args(["journal", "verify"])
        .arg(&journal)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 open"));
}

/// Two runs started together, one through a link to the journal: one of
/// them is refused or both finish in turn; never a forked journal.
#[cfg(unix)]
#[test]
fn concurrent_runs_through_a_link_never_fork_the_journal() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j.jsonl");
        let link = dir.path().join("link.jsonl");
        let outbox = dir.path().join("out");
        std::os::unix::fs::symlink(&journal, &link).unwrap();
        let spawn = |path: &Path| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("policy"))
                .args(["journal", "crash-test"])
                .arg(path)
                .arg("--outbox")
                .arg(&outbox)
                .args(["--actions", "20"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (a, b) = (Killed(spawn(&journal)), Killed(spawn(&link)));
        for mut child in [a, b] {
            child.0.wait().unwrap();
        }
        // Whatever a refused run left undone.
        policy()
            .args(["journal", "crash-test"])
            .arg(&journal)
            .arg("--outbox")
            .arg(&outbox)
            .args(["--actions", "20"])
            .assert()
            .success();
        policy()
            .args(["journal", "verify"])
            .arg(&journal)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(
                "40 records; 20 actions committed, 0 aborted, 0 uncertain, 0 open",
            ));
        let mut names = letters(&outbox);
        names.sort_by_key(|n| n.trim_end_matches(".txt").parse::<u32>().unwrap());
        let expected: Vec<String> = (1..=20).map(|i| format!("{i}.txt")).collect();
        assert_eq!(names, expected);
    }
}

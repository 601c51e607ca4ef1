//! `policy run` from the command line: exactly once, catch-up, bad input
//! that stops the run before anything is written, crashes, the lock, SMTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

/// The arguments of `policy run` of the Luxembourg policy on the example
/// book, journal and outbox in `dir`.
fn run_args(dir: &Path, as_of: &str) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "run",
        "policies/lu-b2b.policy",
        "--ledger",
        "examples/ledger.csv",
        "--firm",
        "examples/firm.toml",
        "--as-of",
        as_of,
        // These runs are about the journal and the outbox, on days after the
        // example statement of 2026-11-20: not about fresh payments.
        "--accept-stale",
        "--journal",
    ]
    .iter()
    .map(Into::into)
    .collect();
    args.push(dir.join("journal.jsonl").into());
    args.push("--outbox".into());
    args.push(dir.join("outbox").into());
    args
}

fn run_cmd(dir: &Path, as_of: &str) -> Command {
    let mut cmd = policy();
    cmd.args(run_args(dir, as_of));
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every file of the outbox, relative, with its bytes' hash.
fn outbox_files(dir: &Path) -> BTreeSet<(String, String)> {
    let outbox = dir.join("outbox");
    let mut files = BTreeSet::new();
    if !outbox.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(&outbox) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let rel = entry.path().strip_prefix(&outbox).unwrap();
            files.insert((
                rel.to_string_lossy().into_owned(),
                policy::journal::sha256_hex(&bytes),
            ));
        }
    }
    files
}

fn journal_records(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (date, invoice, verb, target) of every committed action of the journal.
fn journal_steps(dir: &Path) -> BTreeSet<(String, String, String, String)> {
    let mut steps = BTreeSet::new();
    for record in journal_records(dir) {
        let entry = &record["entry"];
        if entry["kind"] != "intent" {
            continue;
        }
        let action = &entry["action"];
        let id = action["step"]["id"].as_str().unwrap();
        let verb = id.split(' ').next().unwrap().to_string();
        for invoice in action["invoices"].as_array().unwrap() {
            steps.insert((
                action["date"].as_str().unwrap().to_string(),
                invoice.as_str().unwrap().to_string(),
                verb.clone(),
                action["step"]["target"].as_str().unwrap().to_string(),
            ));
        }
    }
    steps
}

fn verify(dir: &Path) {
    policy()
        .args(["journal", "verify"])
        .arg(dir.join("journal.jsonl"))
        .assert()
        .code(0);
}

#[test]
fn a_second_run_on_the_same_day_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    assert!(first.contains("24 action(s) done (24 email)"), "{first}");
    let files = outbox_files(dir.path());
    assert_eq!(files.len(), 24);
    let records = journal_records(dir.path()).len();

    let second = stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    assert!(second.contains("0 action(s) done"), "{second}");
    assert_eq!(outbox_files(dir.path()), files);
    assert_eq!(journal_records(dir.path()).len(), records);
    verify(dir.path());
}

#[test]
fn a_dry_run_writes_nothing_and_says_what_a_run_would_do() {
    let dir = tempfile::tempdir().unwrap();
    let dry = stdout(run_cmd(dir.path(), "2026-11-23").arg("--dry-run"));
    assert!(dry.contains("24 action(s) would be done"), "{dry}");
    assert!(dry.contains("nothing was written or sent"), "{dry}");
    assert!(!dir.path().join("journal.jsonl").exists());
    assert!(!dir.path().join("outbox").exists());
    // What the dry run listed is what the run does.
    let real = stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    let outputs = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with('D'))
            .map(|l| l.split_whitespace().last().unwrap().to_string())
            .collect()
    };
    assert_eq!(outputs(&dry), outputs(&real));
}

/// Daily runs do on each day exactly what `simulate --runs-from` shows.
#[test]
fn daily_runs_match_the_simulation_with_runs_from() {
    let dir = tempfile::tempdir().unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2027, 1, 12).unwrap();
    let mut day = first;
    while day <= last {
        stdout(&mut run_cmd(dir.path(), &day.to_string()));
        day = day.succ_opt().unwrap();
    }
    verify(dir.path());
    let simulated = stdout(policy().args([
        "simulate",
        "policies/lu-b2b.policy",
        "--ledger",
        "examples/ledger.csv",
        "--runs-from",
        "2026-11-23",
        "--to",
        "2027-01-12",
        "--format",
        "csv",
    ]));
    let mut expected = BTreeSet::new();
    for line in simulated.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if matches!(cells[4], "send" | "call" | "route") {
            expected.insert((
                cells[0].to_string(),
                cells[1].to_string(),
                cells[4].to_string(),
                cells[5].to_string(),
            ));
        }
    }
    let done = journal_steps(dir.path());
    assert_eq!(
        done.difference(&expected).collect::<Vec<_>>(),
        Vec::<&(String, String, String, String)>::new()
    );
    assert_eq!(
        expected.difference(&done).collect::<Vec<_>>(),
        Vec::<&(String, String, String, String)>::new()
    );
    // Nothing before the first run; the overdue book starts with relance_1.
    assert!(done.iter().all(|(date, ..)| date.as_str() >= "2026-11-23"));
    assert!(
        done.iter()
            .filter(|(date, ..)| date == "2026-11-23")
            .all(|(_, _, _, target)| target == "relance_1")
    );
}

#[test]
fn missed_runs_send_one_step_per_invoice_per_run() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    // No run until the mise en demeure is due: relance_2 (due 12-08), the
    // call (12-16) and the mise en demeure (12-23) are all overdue.
    let late = stdout(&mut run_cmd(dir.path(), "2026-12-23"));
    assert!(late.contains("send relance_2"), "{late}");
    assert!(!late.contains("mise_en_demeure"), "{late}");
    assert!(!late.contains("call debtor"), "{late}");
    assert!(late.contains("held for later runs"), "{late}");
    let next = stdout(&mut run_cmd(dir.path(), "2026-12-24"));
    assert!(next.contains("call debtor"), "{next}");
    assert!(!next.contains("mise_en_demeure"), "{next}");
    let then = stdout(&mut run_cmd(dir.path(), "2026-12-25"));
    assert!(then.contains("send mise_en_demeure"), "{then}");
    // Never two steps of one invoice on one day.
    let steps = journal_steps(dir.path());
    let mut seen = BTreeSet::new();
    for (date, invoice, ..) in &steps {
        assert!(
            seen.insert((date, invoice)),
            "{invoice} got two steps on {date}"
        );
    }
}

fn temp_policy(dir: &Path, templates: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("policies/lu-b2b.policy")).unwrap();
    let text = text.replace(
        "templates \"templates/lu\"",
        &format!("templates \"{}\"", templates.display()),
    );
    let path = dir.join("lu.policy");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_broken_template_stops_the_run_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    for entry in std::fs::read_dir(root().join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the language folders (de/)
        }
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        templates.join("relance_1.txt"),
        "Objet : Rappel\n\n{{ invoices | nosuchfilter }}\n",
    )
    .unwrap();
    let policy_file = temp_policy(dir.path(), &templates);
    let out = policy()
        .arg("run")
        .arg(&policy_file)
        .args(["--ledger", "examples/ledger.csv", "--as-of", "2026-11-23"])
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .arg("--outbox")
        .arg(dir.path().join("outbox"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::template_error"), "{stderr}");
    assert!(stderr.contains("nothing was written or sent"), "{stderr}");
    assert!(outbox_files(dir.path()).is_empty());
    assert!(journal_records(dir.path()).is_empty());
}

#[test]
fn an_unwritable_outbox_stops_the_run_before_anything_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the outbox folder should be.
    std::fs::write(dir.path().join("outbox"), b"not a folder").unwrap();
    let out = run_cmd(dir.path(), "2026-11-23").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::write_failed"), "{stderr}");
    assert!(!dir.path().join("journal.jsonl").exists());
}

#[test]
fn a_rate_table_that_cannot_be_read_stops_the_run_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_cmd(dir.path(), "2026-11-23")
        .arg("--rates")
        .arg(dir.path().join("no-such-rates.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::io"), "{stderr}");
    assert!(journal_records(dir.path()).is_empty());
    assert!(!dir.path().join("outbox").exists());
}

#[test]
fn a_tampered_journal_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    let path = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("F25-0000278", "F25-0000279", 1)).unwrap();
    let files = outbox_files(dir.path());
    let out = run_cmd(dir.path(), "2026-12-08").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy::journal_altered"));
    assert_eq!(outbox_files(dir.path()), files);
}

/// A `policy run` paused at `point` of action `at`, ready to be killed.
fn paused_run(dir: &Path, as_of: &str, point: &str, at: usize) -> std::process::Child {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("policy"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(run_args(dir, as_of))
        .arg(format!("--pause-at={point}:{at}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let out = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line).unwrap();
    assert_eq!(line.trim(), format!("paused at {point}"));
    child
}

#[test]
fn a_run_killed_at_any_write_then_run_again_does_everything_once() {
    let clean = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(clean.path(), "2026-11-23"));
    let expected = outbox_files(clean.path());
    for point in ["after-intent", "after-temp", "after-output"] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = paused_run(dir.path(), "2026-11-23", point, 5);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let again = stdout(&mut run_cmd(dir.path(), "2026-11-23"));
        assert!(again.contains("action(s) done"), "{again}");
        assert_eq!(outbox_files(dir.path()), expected, "killed {point}");
        verify(dir.path());
        let steps = journal_steps(dir.path());
        assert_eq!(steps, journal_steps(clean.path()), "killed {point}");
    }
}

#[test]
fn a_second_run_on_a_locked_journal_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = paused_run(dir.path(), "2026-11-23", "after-output", 1);
    let out = run_cmd(dir.path(), "2026-11-23").output().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::journal_locked"), "{stderr}");
}

/// An SMTP server on loopback (Python's aiosmtpd) that keeps every message
/// as received; `None` when aiosmtpd is not installed (`.ci/run` installs
/// it).
struct SmtpSink {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_sink() -> Option<SmtpSink> {
    let has_aiosmtpd = StdCommand::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_aiosmtpd {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = StdCommand::new("python3")
        .arg(root().join("tests/support/smtp_sink.py"))
        .arg(port.to_string())
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let out = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    Some(SmtpSink { child, port, dir })
}

/// Needs a real SMTP server: ignored by a plain `cargo test`, which says
/// so ("1 ignored"), and run by `.ci/run`, which installs aiosmtpd.
#[test]
#[ignore = "needs python3 with aiosmtpd (`pip install aiosmtpd`); .ci/run runs it"]
fn smtp_sends_every_email_intact_and_records_the_answer() {
    let Some(sink) = smtp_sink() else {
        panic!("python3 with aiosmtpd is not installed (`pip install aiosmtpd`)");
    };
    let dir = tempfile::tempdir().unwrap();
    let out = stdout(
        run_cmd(dir.path(), "2026-11-23")
            .arg("--smtp")
            .arg(format!("smtp://127.0.0.1:{}", sink.port)),
    );
    assert!(out.contains("24 action(s) done"), "{out}");
    // Every e-mail arrived, byte for byte as written in the outbox.
    let mut received: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(sink.dir.path()).unwrap() {
        received.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert_eq!(received.len(), 24);
    // SMTP ends the data with CRLF "." CRLF: lettre adds a line end of its
    // own, so the message arrives with one more empty line at the end.
    let trim = |b: &[u8]| {
        let mut b = b.to_vec();
        while b.ends_with(b"\r\n") {
            b.truncate(b.len() - 2);
        }
        b
    };
    let received: BTreeSet<Vec<u8>> = received.iter().map(|b| trim(b)).collect();
    for entry in walkdir::WalkDir::new(dir.path().join("outbox")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "eml") {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                received.contains(&trim(&bytes)),
                "{} not received intact",
                entry.path().display()
            );
        }
    }
    // The journal holds the server's answer for each.
    let answers: Vec<String> = journal_records(dir.path())
        .iter()
        .filter(|r| r["entry"]["kind"] == "commit")
        .map(|r| r["entry"]["smtp"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(answers.len(), 24);
    assert!(answers.iter().all(|a| a.starts_with("250")), "{answers:?}");
    verify(dir.path());
}

#[test]
fn an_unreachable_smtp_server_stops_the_run_before_anything_is_written() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again: nobody listens there
    let dir = tempfile::tempdir().unwrap();
    let out = run_cmd(dir.path(), "2026-11-23")
        .arg("--smtp")
        .arg(format!("smtp://127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy::smtp_unavailable"));
    assert!(outbox_files(dir.path()).is_empty());
    assert!(journal_records(dir.path()).is_empty());
}

/// The dossier of a debtor, read from the journal real runs wrote, lists
/// every letter with the hash of the file in the outbox.
#[test]
fn the_dossier_shows_what_the_runs_sent_with_each_files_hash() {
    let dir = tempfile::tempdir().unwrap();
    for day in ["2026-11-23", "2026-12-08", "2026-12-16", "2026-12-23"] {
        stdout(&mut run_cmd(dir.path(), day));
    }
    let dossier = stdout(
        policy()
            .args(["dossier", "D00022", "--ledger", "examples/ledger.csv"])
            .args([
                "--policy",
                "policies/lu-b2b.policy",
                "--as-of",
                "2026-12-23",
            ])
            .arg("--journal")
            .arg(dir.path().join("journal.jsonl")),
    );
    assert!(dossier.contains("## Mise en demeure"), "{dossier}");
    let ours: Vec<(String, String)> = outbox_files(dir.path())
        .into_iter()
        .filter(|(path, _)| path.contains("/D00022/"))
        .collect();
    // relance_1, relance_2 by e-mail and letter, the call, the mise en
    // demeure to the debtor and to the guarantor.
    assert_eq!(ours.len(), 6, "{ours:?}");
    for (path, hash) in ours {
        assert!(
            dossier.contains(&hash),
            "{path} ({hash}) missing from the dossier"
        );
    }
}

/// A dry run trusts the journal only as far as a real run would: records
/// cut off the end (the head file says there were more) are refused.
#[test]
fn a_dry_run_refuses_a_journal_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    let path = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    std::fs::write(&path, kept[..kept.len() - 2].join("\n") + "\n").unwrap();
    let out = run_cmd(dir.path(), "2026-11-23")
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy::journal_altered"));
}

/// Issue 17: a linked date folder put every letter of the day outside the
/// outbox. The run refuses it (exit 2, journal valid, nothing outside);
/// once the link is removed the run does exactly what a clean run does.
#[cfg(unix)]
#[test]
fn a_linked_date_folder_in_the_outbox_is_refused() {
    let clean = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(clean.path(), "2026-11-23"));
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
    let link = dir.path().join("outbox/2026-11-23");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let out = run_cmd(dir.path(), "2026-11-23").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::unsafe_path"), "{stderr}");
    assert!(
        stderr.contains("2026-11-23` is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(journal_records(dir.path()).is_empty());
    std::fs::remove_file(&link).unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    assert_eq!(outbox_files(dir.path()), outbox_files(clean.path()));
    assert_eq!(journal_steps(dir.path()), journal_steps(clean.path()));
    verify(dir.path());
}

/// Issue 17 point 3: a bug that panics mid-run prints one line (internal
/// error, version, command, please report), never a backtrace, exits 2, and
/// leaves a journal that verifies; the next run finishes the day exactly
/// as an uninterrupted run would.
#[test]
fn a_panic_mid_run_is_one_line_exit_2_and_the_journal_stays_valid() {
    let clean = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(clean.path(), "2026-11-23"));
    for point in ["after-intent", "after-temp", "after-output"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run_cmd(dir.path(), "2026-11-23")
            .arg(format!("--panic-at={point}:3"))
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{point}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{point}: {stderr}");
        for part in [
            "internal error",
            env!("CARGO_PKG_VERSION"),
            "`policy run`",
            "please report",
        ] {
            assert!(stderr.contains(part), "{point}: {part} in {stderr}");
        }
        assert!(!stderr.contains("panicked at"), "{stderr}");
        assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
        policy()
            .args(["journal", "verify"])
            .arg(dir.path().join("journal.jsonl"))
            .assert()
            .code(0)
            // The batch's intents are durable before its outputs are
            // written (group commit): all of them are open.
            .stdout(predicates::prelude::PredicateBooleanExt::not(
                predicates::str::contains(" 0 open"),
            ))
            .stdout(predicates::str::contains(" open"));
        stdout(&mut run_cmd(dir.path(), "2026-11-23"));
        assert_eq!(
            outbox_files(dir.path()),
            outbox_files(clean.path()),
            "{point}"
        );
        assert_eq!(journal_steps(dir.path()), journal_steps(clean.path()));
        verify(dir.path());
    }
}

/// The files of `dir` whose name starts with `journal.jsonl` (the journal
/// and whatever sits beside it), with their bytes.
fn journal_files(dir: &Path) -> BTreeSet<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains("journal.jsonl")
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap_or_default())
        })
        .collect()
}

/// Issue 11, run housekeeping: "nothing was written" was said while the
/// journal, its head and its lock file had been created.
#[test]
fn a_run_that_stops_before_any_action_leaves_no_journal_file() {
    // A broken template, an unwritable outbox, an unreachable server: on a
    // first run, no journal file of any kind is left.
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    for entry in std::fs::read_dir(root().join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the language folders (de/)
        }
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    std::fs::write(templates.join("relance_1.txt"), "{% if %}\n").unwrap();
    let policy_file = temp_policy(dir.path(), &templates);
    let out = policy()
        .arg("run")
        .arg(&policy_file)
        .args(["--ledger", "examples/ledger.csv", "--as-of", "2026-11-23"])
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .arg("--outbox")
        .arg(dir.path().join("outbox"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // `policy check` finds the template's error: nothing is even opened.
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was done"));
    assert_eq!(journal_files(dir.path()), BTreeSet::new());

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("outbox"), b"not a folder").unwrap();
    let out = run_cmd(dir.path(), "2026-11-23").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written or sent"));
    assert_eq!(journal_files(dir.path()), BTreeSet::new());

    // On a journal with records, not a byte of it or beside it changes.
    let dir = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    let before = journal_files(dir.path());
    std::fs::rename(dir.path().join("outbox"), dir.path().join("kept")).unwrap();
    std::fs::write(dir.path().join("outbox"), b"not a folder").unwrap();
    let out = run_cmd(dir.path(), "2026-12-08").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(journal_files(dir.path()), before);
}

/// Issue 11: a run dated before the journal's last run (a typo in
/// `--as-of`) is refused, exit 2, unless `--allow-backdate`; then the
/// journal records that a backdated run happened.
#[test]
fn a_run_dated_before_the_last_run_is_refused_unless_allowed_and_then_recorded() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&mut run_cmd(dir.path(), "2026-11-23"));
    stdout(&mut run_cmd(dir.path(), "2026-12-08"));
    let before = journal_files(dir.path());
    let files = outbox_files(dir.path());
    for dry in [false, true] {
        let mut cmd = run_cmd(dir.path(), "2026-11-30");
        if dry {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "dry run: {dry}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("policy::backdated_run"), "{stderr}");
        assert!(stderr.contains("2026-12-08"), "{stderr}");
        assert!(stderr.contains("--allow-backdate"), "{stderr}");
        assert_eq!(journal_files(dir.path()), before);
        assert_eq!(outbox_files(dir.path()), files);
    }
    // The same day again is not a backdate.
    stdout(&mut run_cmd(dir.path(), "2026-12-08"));
    stdout(run_cmd(dir.path(), "2026-11-30").arg("--allow-backdate"));
    let backdates: Vec<serde_json::Value> = journal_records(dir.path())
        .into_iter()
        .filter(|r| r["entry"]["kind"] == "backdate")
        .collect();
    assert_eq!(backdates.len(), 1, "{backdates:?}");
    assert_eq!(backdates[0]["entry"]["day"], "2026-11-30");
    assert_eq!(backdates[0]["entry"]["last_day"], "2026-12-08");
    verify(dir.path());
}

/// When a run recovers an interrupted one and then stops before its first
/// action, it says exactly what it wrote: the recovery's records.
#[test]
fn a_run_that_recovers_then_stops_says_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    // Killed in the batch of the day's 24 letters (group commit): every
    // intent is durable, every output written, the second one in place.
    let mut child = paused_run(dir.path(), "2026-11-23", "after-output", 2);
    child.kill().unwrap();
    child.wait().unwrap();
    // An SMTP server that cannot be reached stops the run after the
    // recovery, before its first action.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = policy()
        .arg("run")
        .arg("policies/lu-b2b.policy")
        .arg("--smtp")
        .arg(format!("smtp://127.0.0.1:{port}"))
        .args([
            "--ledger",
            "examples/ledger.csv",
            "--firm",
            "examples/firm.toml",
        ])
        .args(["--as-of", "2026-11-23"])
        .arg("--journal")
        .arg(dir.path().join("journal.jsonl"))
        .arg("--outbox")
        .arg(dir.path().join("outbox"))
        .output()
        .unwrap();
    // An unreachable server: the run cannot do its job now (exit 2).
    assert_eq!(out.status.code(), Some(2));
    // Diagnostics wrap their help: compared on single spaces.
    let stderr = String::from_utf8_lossy(&out.stderr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        stderr.contains(
            "no letter was written or sent (the journal recorded the recovery of an \
             interrupted run: 24 record(s))"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    verify(dir.path());
}

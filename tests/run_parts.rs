//! A day of more letters than a batch: `policy run` renders it part by part
//! while the parts before are performed. What it does must be what a dry
//! run says it would do, in the same order, cut in the journal's batches as
//! one list would be, whatever actions in between are skipped or fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;

/// Debtors of the generated book, a first reminder each: more actions than
/// a journal batch (1,024).
const DEBTORS: usize = 1100;

/// Writes a ledger of one overdue invoice per debtor and its debtors file:
/// every 50th debtor has no e-mail address (its e-mail is skipped), debtor
/// 333 a malformed one (its e-mail fails).
fn write_book(dir: &Path) {
    let mut ledger = String::from("date,type,invoice,debtor,amount,due\n");
    let mut debtors = String::from("id,name,kind,country,email,address\n");
    for i in 1..=DEBTORS {
        let amount = 100 + (i * 37) % 9000;
        writeln!(
            ledger,
            "2025-11-01,invoice,F-{i:05},D{i:05},{amount}.50,2025-12-01"
        )
        .unwrap();
        let email = match i {
            333 => "compta at societe-333".to_string(),
            _ if i % 50 == 0 => String::new(),
            _ => format!("compta@societe-{i}.example"),
        };
        writeln!(
            debtors,
            "D{i:05},Société {i} SARL,b2b,LU,{email},\"{i} rue de la Gare, L-1611 Luxembourg\""
        )
        .unwrap();
    }
    std::fs::write(dir.join("ledger.csv"), ledger).unwrap();
    std::fs::write(dir.join("debtors.csv"), debtors).unwrap();
}

fn run(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1")
        .current_dir(dir)
        .args(["run", "lu-b2b.policy", "--ledger", "ledger.csv", "--firm"])
        .arg(common::repo_file("examples/firm.toml"))
        .args([
            "--as-of",
            "2026-01-05",
            "--accept-stale",
            "--journal",
            "journal.jsonl",
            "--outbox",
            "outbox",
        ])
        .args(extra);
    cmd.output().unwrap()
}

/// The table rows of a run's report (`did:` or `would do:`), without the
/// verb and the header.
fn rows(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| !l.ends_with("do:") && !l.ends_with("did:"))
        .skip(2)
        .take_while(|l| !l.is_empty() && !l.contains("action(s)"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_day_of_more_letters_than_a_batch_does_what_the_dry_run_says_in_batches() {
    let dir = common::lu_workspace();
    let dir = dir.path();
    write_book(dir);

    let dry = run(dir, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "one e-mail fails");
    let would = rows(&String::from_utf8(dry.stdout).unwrap());
    assert!(would.len() > 1024 + 40, "{} actions", would.len());

    let done = run(dir, &[]);
    let stdout = String::from_utf8(done.stdout).unwrap();
    let stderr = String::from_utf8(done.stderr).unwrap();
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("compta at societe-333"), "{stderr}");
    let did = rows(&stdout);
    assert_eq!(did, would, "the run does what the dry run said, in order");

    // Every output listed is in the outbox.
    for row in &did {
        let output = row.split_whitespace().last().unwrap();
        assert!(dir.join("outbox").join(output).is_file(), "{output}");
    }
    // The journal: the run's data, then batches of 1,024 intents and their
    // commits, and the rest, as one list of actions is cut.
    let text = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            let record: serde_json::Value = serde_json::from_str(l).unwrap();
            record["entry"]["kind"].as_str().unwrap().to_string()
        })
        .filter(|k| k == "intent" || k == "commit")
        .collect();
    let n = did.len();
    let mut expected = Vec::new();
    let mut at = 0;
    while at < n {
        let end = (at + 1024).min(n);
        expected.extend(std::iter::repeat_n("intent".to_string(), end - at));
        expected.extend(std::iter::repeat_n("commit".to_string(), end - at));
        at = end;
    }
    assert_eq!(kinds, expected);
    Command::cargo_bin("policy")
        .unwrap()
        .args(["journal", "verify"])
        .arg(dir.join("journal.jsonl"))
        .assert()
        .code(0);

    // Nothing is left to do on the same day.
    let again = run(dir, &[]);
    let stdout = String::from_utf8(again.stdout).unwrap();
    assert!(rows(&stdout).is_empty(), "{stdout}");
}

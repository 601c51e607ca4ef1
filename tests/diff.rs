//! `policy diff` end to end: the reports a reviewer reads for typical edits
//! of policies/lu-b2b.policy on the example book, exit codes, and versions
//! read from a git repository.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

mod common;
use common::{lu_workspace as workspace, repo_file};

fn original() -> String {
    std::fs::read_to_string(repo_file("policies/lu-b2b.policy")).unwrap()
}

/// The LU policy with `from` replaced by `to` (which must be there).
fn edited(from: &str, to: &str) -> String {
    let text = original();
    assert!(text.contains(from), "`{from}` is not in the policy");
    text.replace(from, to)
}

fn diff(dir: &Path, old: &str, new: &str, extra: &[&str]) -> Output {
    Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args([
            "diff",
            old,
            new,
            "--ledger",
            "ledger.csv",
            "--to",
            "2025-12-31",
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// Runs `policy diff lu-b2b.policy edited.policy` and returns stdout,
/// checking the exit code.
fn report(edit: &str, extra: &[&str], code: i32) -> String {
    let dir = workspace();
    std::fs::write(dir.path().join("edited.policy"), edit).unwrap();
    let output = diff(dir.path(), "lu-b2b.policy", "edited.policy", extra);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    String::from_utf8(output.stdout).unwrap()
}

const MISE_EN_DEMEURE: &str = "after 45 days send mise_en_demeure";

#[test]
fn a_later_mise_en_demeure_moves_what_follows_it() {
    let edit = edited(MISE_EN_DEMEURE, "after 50 days send mise_en_demeure");
    let text = report(&edit, &["--limit", "3"], 1);
    insta::assert_snapshot!(text);
    // Moved, not removed and added: the step keeps its identity.
    assert!(text.contains("`send mise_en_demeure` moves 5 days later on 32 invoices"));
}

#[test]
fn a_new_threshold_sends_invoices_to_another_court() {
    // Every route's threshold moves from 15,000 to 10,000 EUR; the firm
    // says why the courts above stay competent.
    let allow = "allow court_competence because \"clause attributive de juridiction\"\n";
    let edit = edited(
        "if debtor.country = LU and amount <= 15000",
        "if debtor.country = LU and amount <= 10000",
    )
    .replace(
        "after 22 days from mise_en_demeure if debtor.country = LU and amount > 15000",
        &format!("{allow}after 22 days from mise_en_demeure if debtor.country = LU and amount > 10000"),
    )
    .replace(
        "if debtor.country != LU and amount <= 15000",
        "if debtor.country != LU and amount <= 10000",
    )
    .replace(
        "after 22 days from mise_en_demeure if debtor.country != LU and amount > 15000",
        &format!(
            "allow procedure_limit because \"accord du débiteur\"\n{allow}after 22 days from mise_en_demeure if debtor.country != LU and amount > 10000"
        ),
    );
    let text = report(&edit, &[], 1);
    insta::assert_snapshot!(text);
    assert!(text.contains("would go to tribunal_arrondissement instead of justice_de_paix"));

    let json = report(&edit, &["--format", "json"], 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["changed"], true);
    insta::assert_snapshot!("threshold_json", json);
}

#[test]
fn an_added_step_adds_events_and_letters() {
    let edit = edited(
        "after 38 days call debtor\n",
        "after 38 days call debtor\nafter 42 days send relance_2 by courrier to debtor, guarantor\n",
    );
    let text = report(&edit, &["--limit", "2"], 1);
    insta::assert_snapshot!(text);
}

#[test]
fn another_channel_changes_events_in_place() {
    let edit = edited(
        "send relance_1 by email",
        "send relance_1 by email, courrier",
    );
    let json = report(&edit, &["--format", "json"], 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["counts"]["changed"], 56);
    assert_eq!(value["counts"]["added"], 0);
    assert_eq!(
        value["summary"][0],
        "`send relance_1` changes on 56 invoices: now `send relance_1 by email, courrier`, \
         was `send relance_1 by email`"
    );
    let courrier = value["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "courrier")
        .unwrap();
    assert_eq!(
        courrier["messages"],
        serde_json::json!({"before": 47, "after": 103})
    );
}

#[test]
fn the_same_policy_exits_0_with_no_change() {
    let text = report(&original(), &[], 0);
    insta::assert_snapshot!(text, @"no change: `lu-b2b.policy` and `edited.policy` do the same to the 203 invoices of ledger.csv (264 events, from the first day of the book to 2025-12-31)");
    // Comments and layout are not changes either.
    let reformatted = original().replace("# Phase amiable\n", "") + "\n# fin\n";
    report(&reformatted, &[], 0);
}

/// The law's indemnity between firms in Luxembourg is 40 EUR: the step is
/// written differently (a change to review), and charges the same.
#[test]
fn a_statutory_charge_shows_what_the_law_sets() {
    let edit = edited("charge indemnity 40 EUR", "charge indemnity statutory");
    let text = report(&edit, &[], 1);
    assert!(
        text.contains(
            "2025-03-17 charge indemnity 40 EUR (40)  2025-03-17 charge indemnity (statutory) (40)"
        ),
        "{text}"
    );
}

#[test]
fn exit_zero_reports_without_failing() {
    let edit = edited(MISE_EN_DEMEURE, "after 50 days send mise_en_demeure");
    let text = report(&edit, &["--exit-zero", "--limit", "0"], 0);
    assert!(text.contains("33 invoices change"), "{text}");
    assert!(
        !text.contains("more invoices"),
        "--limit 0 lists all: {text}"
    );
}

#[test]
fn a_version_with_errors_is_reported_and_exits_1() {
    let edit = edited("by email\n", "by emial\n");
    let dir = workspace();
    std::fs::write(dir.path().join("edited.policy"), edit).unwrap();
    let output = diff(dir.path(), "lu-b2b.policy", "edited.policy", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("policy::unknown_channel"), "{stderr}");
    assert!(
        stderr.contains("`edited.policy` has errors: fix them before comparing"),
        "{stderr}"
    );

    // In JSON, the diagnostics go to stdout as `policy check` gives them.
    let output = diff(
        dir.path(),
        "lu-b2b.policy",
        "edited.policy",
        &["--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        value["diagnostics"][0]["code"], "policy::unknown_channel",
        "{value}"
    );
}

#[test]
fn versions_in_different_currencies_cannot_be_compared() {
    let edit = edited("currency EUR", "currency CHF")
        .replace("minimum 25 EUR", "minimum 25 CHF")
        .replace("indemnity 40 EUR", "indemnity 40 CHF");
    let dir = workspace();
    std::fs::write(dir.path().join("edited.policy"), edit).unwrap();
    let output = diff(dir.path(), "lu-b2b.policy", "edited.policy", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("policy::diff_currency"), "{stderr}");
}

#[test]
fn missing_files_exit_2() {
    let dir = workspace();
    let output = diff(dir.path(), "lu-b2b.policy", "nope.policy", &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read `nope.policy`: not found"),
        "{stderr}"
    );
}

/// Runs git in `dir`; `None` when git is not installed.
fn git(dir: &Path, args: &[&str]) -> Option<()> {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

fn has_git() -> bool {
    let found = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        println!("note: git is not installed: skipping the git part of this test");
    }
    found
}

#[test]
fn a_committed_version_against_the_working_tree() {
    if !has_git() {
        return;
    }
    let dir = workspace();
    let root = dir.path();
    std::fs::rename(root.join("lu-b2b.policy"), root.join("x.policy")).unwrap();
    git(root, &["init", "-q"]).unwrap();
    git(root, &["add", "."]).unwrap();
    git(root, &["commit", "-q", "-m", "policy"]).unwrap();
    std::fs::write(
        root.join("x.policy"),
        edited(MISE_EN_DEMEURE, "after 50 days send mise_en_demeure"),
    )
    .unwrap();

    let output = diff(root, "HEAD:x.policy", "x.policy", &["--limit", "1"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.starts_with("before: HEAD:x.policy\nafter:  x.policy\n"),
        "{text}"
    );
    assert!(
        text.contains("`send mise_en_demeure` moves 5 days later on 32 invoices"),
        "{text}"
    );

    // From a sub-folder: `./` paths are relative to it, others to the root;
    // the templates of a committed version are the working tree's.
    let sub = root.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let run = |old: &str, new: &str| {
        Command::cargo_bin("policy")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(&sub)
            .args(["diff", old, new, "--ledger", "../ledger.csv"])
            .args(["--to", "2025-12-31", "--format", "json"])
            .output()
            .unwrap()
    };
    let output = run("HEAD:x.policy", "HEAD:./../x.policy");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The staged version (`:path`) is the committed one until `git add`.
    let output = diff(root, ":x.policy", "HEAD:x.policy", &[]);
    assert_eq!(output.status.code(), Some(0));
    git(root, &["add", "x.policy"]).unwrap();
    let output = diff(root, "HEAD:x.policy", ":x.policy", &[]);
    assert_eq!(output.status.code(), Some(1));

    // A file whose name has a colon is a file first.
    std::fs::copy(root.join("x.policy"), root.join("HEAD:x.policy")).unwrap();
    let output = diff(root, "HEAD:x.policy", "x.policy", &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "the file, not HEAD's version"
    );
}

#[test]
fn git_problems_are_diagnostics_that_exit_2() {
    if !has_git() {
        return;
    }
    let dir = workspace();
    let root = dir.path();
    let codes = |old: &str| -> (Option<i32>, String) {
        let output = diff(root, old, "lu-b2b.policy", &["--format", "json"]);
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let code = value["diagnostics"][0]["code"]
            .as_str()
            .unwrap()
            .to_string();
        (output.status.code(), code)
    };
    // Not a repository (a temporary folder is outside any).
    assert_eq!(
        codes("HEAD:lu-b2b.policy"),
        (Some(2), "policy::not_a_git_repository".into())
    );
    git(root, &["init", "-q"]).unwrap();
    git(root, &["add", "lu-b2b.policy"]).unwrap();
    git(root, &["commit", "-q", "-m", "policy"]).unwrap();
    assert_eq!(
        codes("no-such-branch:lu-b2b.policy"),
        (Some(2), "policy::unknown_revision".into())
    );
    assert_eq!(
        codes("HEAD:policies/lu-b2b.policy"),
        (Some(2), "policy::not_in_revision".into())
    );
    std::fs::create_dir(root.join("policies")).unwrap();
    std::fs::write(root.join("policies/a.policy"), "after 1 day stop\n").unwrap();
    git(root, &["add", "policies"]).unwrap();
    git(root, &["commit", "-q", "-m", "folder"]).unwrap();
    assert_eq!(
        codes("HEAD:policies"),
        (Some(2), "policy::not_in_revision".into())
    );
}

#[cfg(unix)]
#[test]
fn without_git_a_revision_says_git_is_missing() {
    let dir = workspace();
    let output = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("PATH", dir.path().join("no-bin"))
        .current_dir(dir.path())
        .args(["diff", "HEAD:lu-b2b.policy", "lu-b2b.policy"])
        .args(["--ledger", "ledger.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("policy::git_missing"), "{stderr}");
    assert!(stderr.contains("git is not installed"), "{stderr}");
}

//! Conditions on debtor columns (`debtor.segment`) are checked against the
//! debtors file: by `policy check --debtors`, and by every command that
//! reads a book; without a file, `check` says what it could not check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;

fn workspace(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    std::fs::write(
        p.join("templates/relance_1.txt"),
        common::text_letter("Relance"),
    )
    .unwrap();
    std::fs::write(p.join("p.policy"), policy).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n2026-01-05,invoice,F-1,LUX,1200.00,2026-02-04\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email,address,Segment\n\
         LUX,Atelier Weber SARL,b2b,LU,compta@weber.example,\"2 rue Haute, L-1718 Luxembourg\",grands_comptes\n",
    )
    .unwrap();
    std::fs::write(
        p.join("firm.toml"),
        "name = \"Firme SA\"\naddress = \"1 rue Y\\nL-1000 Luxembourg\"\nemail = \"r@firme.example\"\n",
    )
    .unwrap();
    dir
}

fn policy(condition: &str) -> String {
    format!(
        "jurisdiction LU\napplies to b2b\ntemplates \"templates\"\nafter 10 days if {condition} send relance_1 by email\n"
    )
}

fn cmd(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let collapse = |b: Vec<u8>| {
        String::from_utf8(b)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        out.status.code().unwrap(),
        collapse(out.stdout),
        collapse(out.stderr),
    )
}

#[test]
fn check_with_the_debtors_file_names_the_closest_column() {
    let dir = workspace(&policy("debtor.segmnt = grands_comptes"));
    let (code, _, stderr) = cmd(
        dir.path(),
        &["check", "p.policy", "--debtors", "debtors.csv"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("policy::unknown_column"), "{stderr}");
    assert!(
        stderr.contains("`debtor.segmnt` is not a column of debtors.csv"),
        "{stderr}"
    );
    assert!(stderr.contains("p.policy:4:18"), "{stderr}");
    assert!(stderr.contains("did you mean `segment`?"), "{stderr}");
}

#[test]
fn a_column_the_file_has_passes_whatever_its_case() {
    let dir = workspace(&policy("debtor.segment = grands_comptes"));
    let (code, _, stderr) = cmd(
        dir.path(),
        &["check", "p.policy", "--debtors", "debtors.csv"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no problems"), "{stderr}");
    let (code, stdout, _) = cmd(
        dir.path(),
        &["simulate", "p.policy", "--ledger", "ledger.csv"],
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("2026-02-14,F-1,LUX,1,send,relance_1"),
        "{stdout}"
    );
}

#[test]
fn without_a_debtors_file_check_notes_what_it_did_not_check() {
    let dir = workspace(&policy("debtor.segmnt = grands_comptes"));
    let (code, _, stderr) = cmd(dir.path(), &["check", "p.policy"]);
    assert_eq!(code, 0, "a note is not a finding: {stderr}");
    assert!(
        stderr.contains("the conditions read the debtor column `segmnt`, not checked"),
        "{stderr}"
    );
    assert!(stderr.contains("--debtors debtors.csv"), "{stderr}");
}

#[test]
fn simulate_and_run_refuse_a_column_the_book_lacks() {
    let dir = workspace(&policy("debtor.segmnt = grands_comptes"));
    let (code, stdout, stderr) = cmd(
        dir.path(),
        &["simulate", "p.policy", "--ledger", "ledger.csv"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "nothing simulated: {stdout}");
    assert!(
        stderr.contains("`debtor.segmnt` is not a column of"),
        "{stderr}"
    );
    let (code, _, stderr) = cmd(
        dir.path(),
        &[
            "run",
            "p.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--journal",
            "j.jsonl",
            "--outbox",
            "out",
            "--as-of",
            "2026-02-20",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("policy::unknown_column"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "nothing written");
    assert!(!dir.path().join("j.jsonl").exists(), "no journal");
}

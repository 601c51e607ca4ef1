#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `policy` binary as a user runs it: exit codes, output streams,
//! formats and colours.

use assert_cmd::Command;
use predicates::prelude::*;

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn check_clean_policies_exits_0() {
    policy()
        .args(["check", "policies/"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("checked 3 files: no problems"));
}

#[test]
fn check_with_errors_exits_1_and_reports_every_file() {
    policy()
        .args([
            "check",
            "tests/fixtures/bad/unknown_channel.policy",
            "tests/fixtures/bad/syntax_unit.policy",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::unknown_channel"))
        .stderr(predicate::str::contains("policy::syntax"))
        .stderr(predicate::str::contains("checked 2 files: 2 errors"));
}

#[test]
fn missing_file_exits_2_with_a_clear_message() {
    policy()
        .args(["check", "no/such.policy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read `no/such.policy`: not found",
        ));
}

#[test]
fn folder_without_policies_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    policy()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `.policy` file"));
}

#[test]
fn usage_errors_exit_2() {
    policy().assert().code(2);
    policy().args(["check"]).assert().code(2);
    policy()
        .args(["check", "--format", "xml", "policies"])
        .assert()
        .code(2);
    policy().args(["--help"]).assert().code(0);
}

#[test]
fn json_diagnostics_on_stdout() {
    let output = policy()
        .args([
            "check",
            "--format",
            "json",
            "tests/fixtures/bad/unknown_recipient.policy",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["code"], "policy::unknown_recipient");
    assert_eq!(
        diagnostic["file"],
        "tests/fixtures/bad/unknown_recipient.policy"
    );
    assert_eq!(diagnostic["line"], 1);
    assert_eq!(diagnostic["column"], 61);
    assert_eq!(diagnostic["end_line"], 1);
    assert_eq!(diagnostic["end_column"], 67);
    assert_eq!(
        diagnostic["help"],
        "expected `debtor`, `guarantor` or `mandataire`"
    );
}

#[test]
fn json_of_a_clean_check_is_an_empty_list() {
    policy()
        .args(["check", "--format", "json", "policies"])
        .assert()
        .code(0)
        .stdout("{\n  \"diagnostics\": []\n}\n");
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "tests/fixtures/bad/duplicate_item.policy";
    policy().args(["check", file]).assert().code(0);
    policy()
        .args(["check", "--deny-warnings", file])
        .assert()
        .code(1);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let file = "tests/fixtures/bad/unknown_channel.policy";
    // piped: no escape codes
    policy()
        .args(["check", file])
        .env_remove("NO_COLOR")
        .assert()
        .stderr(predicate::str::contains("\u{1b}[").not());
    policy()
        .args(["--color", "always", "check", file])
        .assert()
        .stderr(predicate::str::contains("\u{1b}["));
}

#[test]
fn binary_and_invalid_utf8_files_are_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let path = dir.path().join("garbage.policy");
    std::fs::write(&path, garbage).unwrap();
    policy()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn explain_prints_the_plan() {
    let output = policy()
        .args(["explain", "policies/lu-b2b.policy"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!("explain_lu_b2b", String::from_utf8(output).unwrap());
}

#[test]
fn explain_json() {
    let output = policy()
        .args(["explain", "--format", "json", "policies/fr-b2b.policy"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(value["policy"]["jurisdiction"], "FR");
    assert_eq!(value["steps"][0]["target"], "relance_1");
    insta::assert_json_snapshot!("explain_fr_b2b_json", value);
}

#[test]
fn explain_refuses_a_policy_with_errors() {
    policy()
        .args(["explain", "tests/fixtures/bad/unknown_channel.policy"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("policy::unknown_channel"));
    policy().args(["explain", "nope.policy"]).assert().code(2);
}

#[test]
fn explain_shows_silenced_rules_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.policy");
    std::fs::write(
        &path,
        "after 15 days send relance_1\nallow duplicate_item because \"avis de Me Dupont du 3 mars 2026\"\nafter 8 days from relance_1 send relance_2 by email, email\n",
    )
    .unwrap();
    policy()
        .arg("explain")
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "step 2 (line 3): `duplicate_item` allowed because \"avis de Me Dupont du 3 mars 2026\"",
        ));
}

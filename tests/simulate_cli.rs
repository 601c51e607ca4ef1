//! `policy simulate` end to end: formats, exit codes, where diagnostics go.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/simulate")
}

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(fixtures());
    cmd
}

fn simulate(fixture: &str, extra: &[&str]) -> Command {
    simulate_on(fixture, &format!("{fixture}/ledger.csv"), extra)
}

fn simulate_on(fixture: &str, ledger: &str, extra: &[&str]) -> Command {
    let mut cmd = policy();
    cmd.args([
        "simulate",
        &format!("{fixture}/policy.policy"),
        "--ledger",
        ledger,
        "--debtors",
        "debtors.csv",
        "--to",
        "2026-12-31",
    ]);
    cmd.args(extra);
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn table_lists_events_by_date_then_the_summary() {
    let text = stdout(&mut simulate("guarantor", &["--format", "table"]));
    insta::assert_snapshot!(text);
}

#[test]
fn csv_is_the_default_when_stdout_is_not_a_terminal() {
    let text = stdout(&mut simulate("same_day", &[]));
    insta::assert_snapshot!(text);
}

#[test]
fn json_has_events_and_summary() {
    let text = stdout(&mut simulate("partial_payment", &["--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = value["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(
        events[0],
        serde_json::json!({
            "date": "2026-02-15", "invoice": "F-1", "debtor": "ACME", "step": 1,
            "action": "send", "target": "relance_forte", "channels": ["email"],
            "recipients": ["debtor"], "amount": "1500.00"
        })
    );
    assert_eq!(events[3]["action"], "call");
    assert_eq!(events[3]["channels"], serde_json::json!(["phone"]));
    insta::assert_json_snapshot!(value["summary"]);
}

#[test]
fn charges_carry_their_amount() {
    let text = stdout(&mut simulate("same_day", &["--format", "json"]));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["events"][1]["charge"], "40");
    assert_eq!(value["events"][1]["target"], "indemnity");
}

#[test]
fn ledger_errors_exit_1_in_the_check_json_shape_and_write_nothing() {
    let out = fixtures().join("never-written.csv");
    let output = policy()
        .args([
            "simulate",
            "paid_stops/policy.policy",
            "--ledger",
            "bad/many.csv",
            "--debtors",
            "debtors.csv",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 6);
    let lines: Vec<(&str, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(lines.contains(&("policy::ledger_date", 3, 1)), "{lines:?}");
    assert!(
        lines.contains(&("policy::ledger_unknown_invoice", 4, 20)),
        "{lines:?}"
    );
    assert_eq!(diagnostics[0]["file"], "bad/many.csv");
}

#[test]
fn ledger_errors_for_people_go_to_stderr() {
    let output = simulate_on(
        "paid_stops",
        "bad/unknown_debtor.csv",
        &["--format", "table"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::ledger_unknown_debtor"), "{stderr}");
    assert!(stderr.contains("bad/unknown_debtor.csv:2:24"), "{stderr}");
}

#[test]
fn an_overpayment_warns_and_simulates() {
    let output = simulate_on("paid_stops", "bad/overpayment.csv", &["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::ledger_overpayment"), "{stderr}");
}

#[test]
fn a_policy_with_errors_is_reported_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.policy");
    std::fs::write(&file, "after 15 dayz send relance_1\n").unwrap();
    let output = policy()
        .args(["simulate"])
        .arg(&file)
        .args([
            "--ledger",
            "paid_stops/ledger.csv",
            "--debtors",
            "debtors.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy check"), "{stderr}");
}

#[test]
fn debtors_default_to_the_file_beside_the_ledger() {
    let text = stdout(policy().args([
        "simulate",
        "paid_stops/policy.policy",
        "--ledger",
        "standard/ledger.csv",
        "--to",
        "2025-03-31",
    ]));
    assert!(text.lines().count() > 10);
}

#[test]
fn no_debtors_file_is_a_usage_failure() {
    let output = policy()
        .args([
            "simulate",
            "paid_stops/policy.policy",
            "--ledger",
            "paid_stops/ledger.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::ledger_no_debtors"), "{stderr}");
}

#[test]
fn a_json_ledger_carries_its_debtors() {
    let text = stdout(policy().args([
        "simulate",
        "guarantor/policy.policy",
        "--ledger",
        "json/ledger.json",
        "--to",
        "2026-12-31",
        "--format",
        "csv",
    ]));
    insta::assert_snapshot!(text);
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.csv");
    simulate("dispute", &["-o"]).arg(&out).assert().success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with(
            "date,invoice,debtor,step,action,target,channels,recipients,amount,charge\n"
        )
    );
    assert_eq!(text.lines().count(), 5);
    assert!(!dir.path().join("events.csv.partial").exists());
}

#[test]
fn an_existing_output_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.csv");
    std::fs::write(
        &out,
        "an older report, longer than the new one\n".repeat(1000),
    )
    .unwrap();
    simulate("dispute", &["-o"]).arg(&out).assert().success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("date,invoice,"), "{text}");
    assert_eq!(text.lines().count(), 5);
    assert!(!dir.path().join("events.csv.partial").exists());
}

#[test]
fn an_output_path_that_cannot_be_replaced_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.csv");
    std::fs::create_dir(&out).unwrap();
    let output = simulate("dispute", &["-o"]).arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(out.is_dir());
    assert!(!dir.path().join("events.csv.partial").exists());
}

/// `charge indemnity statutory` and `charge interest statutory` show what
/// the law sets on the day: the indemnity for the balance, the yearly rate.
#[test]
fn statutory_charges_are_computed_on_their_day() {
    let output = simulate("statutory", &["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!(text);
    // BE consumer, 1,208.08 EUR owed: 65 + 5 % of the part above 500.
    assert!(
        text.contains("F-2,CARL,3,charge,indemnity,,,1208.08,100.40\n"),
        "{text}"
    );
    // A day past the shipped rate table: its last rate, and a warning.
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::rate_beyond_table"), "{stderr}");
    assert_eq!(
        stderr.matches("policy::rate_beyond_table").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_rate_table_given_with_rates_is_used() {
    let output = simulate(
        "statutory",
        &["--format", "csv", "--rates", "statutory/rates.csv"],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    // A consumer owes the legal rate without a clause (legal-facts R4): 4.5 %
    // in 2026; a firm, 3.15 + 8 points, rounded up to the next half point.
    assert!(
        text.contains("F-3,CARL,4,charge,interest,,,120.00,4.5%\n"),
        "{text}"
    );
    assert!(
        text.contains("F-1,BETA,4,charge,interest,,,1000.00,10.5%\n"),
        "{text}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("rate_beyond_table"), "{stderr}");
}

#[test]
fn a_rate_table_that_cannot_be_read_or_used_stops_the_simulation() {
    let output = simulate("statutory", &["--rates", "statutory/none.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::io"), "{stderr}");

    let output = simulate("statutory", &["--rates", "statutory/ledger.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::rates_invalid"), "{stderr}");
}

#[test]
fn a_forced_dialect_that_does_not_fit_says_so() {
    let output = policy()
        .args([
            "simulate",
            "paid_stops/policy.policy",
            "--ledger",
            "locale/ledger.csv",
            "--dialect",
            "standard",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("policy::ledger_column"), "{stderr}");
    assert!(
        stderr.contains("no `id`, `name`, `kind` columns"),
        "{stderr}"
    );
    assert!(stderr.contains("`;`-separated with `--dialect"), "{stderr}");
}

#[test]
fn from_after_to_is_a_usage_failure() {
    simulate("paid_stops", &["--from", "2027-01-01"])
        .assert()
        .code(2);
}

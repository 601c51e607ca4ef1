//! `send on business days` (field report, friction): a letter due on a
//! Sunday or a public holiday goes out the next working day of the
//! jurisdiction, and explain, simulate and run agree on it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

const POLICY: &str = "\
policy \"Relances\"
jurisdiction LU
applies to b2b
templates \"templates\"
send on business days
after 15 days send relance_1 by email
after 10 days from relance_1 send relance_2 by email
charge indemnity 40 EUR
";

fn workspace(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    for name in ["relance_1", "relance_2"] {
        std::fs::write(
            p.join(format!("templates/{name}.txt")),
            "Objet : Rappel\n\nMadame, Monsieur,\n\n{{ total | money }}\n",
        )
        .unwrap();
    }
    std::fs::write(p.join("lu.policy"), policy).unwrap();
    // Due 17 October 2026: 15 days later is Sunday 1 November, Toussaint.
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n2026-09-17,invoice,F-1,ACME,1000.00,2026-10-17\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email\nACME,ACME SA,b2b,LU,compta@acme.example\n",
    )
    .unwrap();
    dir
}

fn policy(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_letter_due_on_a_day_off_goes_out_the_next_working_day() {
    let dir = workspace(POLICY);
    let d = dir.path();
    let explain = policy(d, &["explain", "lu.policy"]);
    assert!(explain.contains("next business day"), "{explain}");

    let simulated = policy(
        d,
        &[
            "simulate",
            "lu.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
    );
    // relance_1 on Monday 2 November, not Sunday 1 November (Toussaint);
    // relance_2 ten days after the day it actually went out: 12 November;
    // the indemnity, written with it, is charged that day.
    assert!(
        simulated.contains("2026-11-02,F-1,ACME,1,send,relance_1"),
        "{simulated}"
    );
    assert!(
        simulated.contains("2026-11-12,F-1,ACME,2,send,relance_2"),
        "{simulated}"
    );

    let run = |day: &str| {
        policy(
            d,
            &[
                "run",
                "lu.policy",
                "--accept-stale",
                "--ledger",
                "ledger.csv",
                "--journal",
                "j.jsonl",
                "--outbox",
                "out",
                "--quiet",
                "--as-of",
                day,
            ],
        )
    };
    // A run on the Sunday sends nothing; the Monday's sends relance_1.
    assert!(run("2026-11-01").contains("0 action(s) done"));
    assert!(run("2026-11-02").contains("send relance_1"));
    assert!(run("2026-11-12").contains("send relance_2"));

    // Without the header, the letter is dated on the holiday.
    let dir = workspace(&POLICY.replace("send on business days\n", ""));
    let simulated = policy(
        dir.path(),
        &[
            "simulate",
            "lu.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
    );
    assert!(
        simulated.contains("2026-11-01,F-1,ACME,1,send,relance_1"),
        "{simulated}"
    );
}

#[test]
fn the_header_formats_and_is_checked_like_the_others() {
    let dir = workspace(&POLICY.replace("send on business days", "SEND  on Business Days"));
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["fmt", "-"])
        .write_stdin(POLICY.replace("send on business days", "SEND  on Business Days"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\nsend on business days\n"), "{text}");
    let twice = POLICY.replace(
        "send on business days",
        "send on business days\nsend on business days",
    );
    std::fs::write(dir.path().join("twice.policy"), twice).unwrap();
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["check", "twice.policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the `send on business days` header is given twice")
    );
}

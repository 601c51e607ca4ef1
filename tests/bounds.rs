//! Issue 17, point 2: very large amounts. The ledger accepted amounts up to
//! `Decimal`'s 7.9e28 and sums and interest then overflowed (a panic). Now
//! amounts are bounded where they are read (10^13 in the currency, a
//! located `ledger_amount` error above it, in both CSV dialects and JSON),
//! the policy's amounts and rates too, and the interest and claim sums are
//! checked (an overflow is an `amount_overflow` diagnostic naming the
//! invoice, never a panic).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy::amount::Amounts;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use rust_decimal::Decimal;

const DEBTORS: &str = "\
id,name,kind,country,email,address,guarantor,guarantor_address
ACME,ACME SA,b2b,LU,compta@acme.example,\"1 rue de la Gare, L-1611 Luxembourg\",,
";

const POLICY: &str = "\
policy \"Gros montants\"
jurisdiction LU
currency EUR
applies to b2b
templates \"templates/lu\"
after 15 days send relance_1 by email
after 30 days send mise_en_demeure by recommandé
charge indemnity 40 EUR
charge fee 10000000000000 EUR
charge interest 100%
";

fn workspace(ledger_name: &str, ledger: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.policy"), POLICY).unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    std::fs::write(dir.path().join(ledger_name), ledger).unwrap();
    let templates = dir.path().join("templates/lu");
    std::fs::create_dir_all(&templates).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(repo.join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        // The language folders (`de/`) are not needed here.
        if entry.path().is_file() {
            std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
        }
    }
    std::fs::copy(
        repo.join("examples/firm.toml"),
        dir.path().join("firm.toml"),
    )
    .unwrap();
    dir
}

fn simulate(dir: &Path, ledger: &str, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args([
            "simulate",
            "policy.policy",
            "--ledger",
            ledger,
            "--debtors",
            "debtors.csv",
            "--to",
            "2027-12-31",
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// Collapses miette's wrapping.
fn flat(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn refused(ledger_name: &str, ledger: &str, line: usize) {
    let dir = workspace(ledger_name, ledger);
    let out = simulate(dir.path(), ledger_name, &[]);
    let stderr = flat(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("policy::ledger_amount"), "{stderr}");
    assert!(
        stderr.contains("above the largest a ledger may carry"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{ledger_name}:{line}:")),
        "located: {stderr}"
    );
}

#[test]
fn a_credit_note_at_decimals_maximum_is_refused_where_it_is_read() {
    // ledger/build.rs overflowed subtracting it from the invoice.
    refused(
        "ledger.csv",
        "date,type,invoice,debtor,amount,due\n\
         2025-01-01,invoice,F1,ACME,100.00,2025-01-31\n\
         2025-01-05,credit_note,F1,ACME,79228162514264337593543950335,\n",
        3,
    );
}

#[test]
fn two_invoices_of_4e28_are_refused() {
    // simulate/summary.rs and output.rs overflowed adding them up.
    refused(
        "ledger.csv",
        "date,type,invoice,debtor,amount,due\n\
         2025-01-01,invoice,F1,ACME,40000000000000000000000000000,2025-01-31\n\
         2025-01-01,invoice,F2,ACME,40000000000000000000000000000,2025-01-31\n",
        2,
    );
}

#[test]
fn an_invoice_of_1e26_with_interest_is_refused() {
    // claim/mod.rs: "Multiplication overflowed".
    refused(
        "ledger.csv",
        "date,type,invoice,debtor,amount,due\n\
         2025-01-01,invoice,F1,ACME,100000000000000000000000000,2025-01-31\n",
        2,
    );
}

#[test]
fn the_bound_holds_in_the_locale_dialect() {
    refused(
        "ledger.csv",
        "date;type;invoice;debtor;amount;due\n\
         01/01/2025;invoice;F1;ACME;10 000 000 000 000,01;31/01/2025\n",
        2,
    );
}

#[test]
fn the_bound_holds_in_json_numbers_and_strings() {
    refused(
        "ledger.json",
        "{\"entries\": [\n\
         {\"date\": \"2025-01-01\", \"type\": \"invoice\", \"invoice\": \"F1\", \"debtor\": \"ACME\", \"amount\": 1e14, \"due\": \"2025-01-31\"},\n\
         {\"date\": \"2025-01-02\", \"type\": \"payment\", \"invoice\": \"F1\", \"amount\": \"99999999999999999999\"}\n\
         ]}\n",
        2,
    );
}

#[test]
fn amounts_at_the_bound_simulate_and_run_with_fees_and_interest() {
    // Several invoices at the maximum, a fee at the maximum on each, and
    // interest over years: every sum stays inside `Decimal`.
    let mut ledger = String::from("date,type,invoice,debtor,amount,due\n");
    for i in 0..50 {
        ledger.push_str(&format!(
            "2025-01-01,invoice,F{i},ACME,10000000000000,2025-01-31\n"
        ));
    }
    let dir = workspace("ledger.csv", &ledger);
    let out = simulate(dir.path(), "ledger.csv", &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outstanding = json.to_string();
    assert!(outstanding.contains("500000000000000"), "{outstanding}");
    for format in ["csv", "table", "html"] {
        let out = simulate(dir.path(), "ledger.csv", &["--format", format]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The letters of a run (dry): fees, interest and the claim summed.
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args([
            "run",
            "policy.policy",
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--journal",
            "journal.jsonl",
            "--outbox",
            "out",
            "--as-of",
            "2027-06-30",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(stdout.contains("500 000 000 000 000,00"), "{stdout}");
}

#[test]
fn the_policys_amounts_and_rates_are_bounded_too() {
    let check = |text: &str| {
        let source =
            policy::load::text_source("p.policy".into(), text.as_bytes().to_vec()).unwrap();
        let checked = policy::check::check_source(&source, Path::new("."));
        checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>()
    };
    let head = "policy \"x\"\njurisdiction LU\ncurrency EUR\napplies to b2b\nafter 15 days send relance_1 by email\n";
    assert!(
        check(&format!("{head}charge fee 10000000000000.01 EUR\n"))
            .contains(&"policy::number_too_large")
    );
    assert!(
        check(&format!(
            "{head}charge indemnity 10% min 25 EUR max 99999999999999999 EUR\n"
        ))
        .contains(&"policy::number_too_large")
    );
    assert!(check("minimum 100000000000000 EUR\n").contains(&"policy::number_too_large"));
    assert!(check(&format!("{head}charge interest 101%\n")).contains(&"policy::charge_value"));
    assert!(!check(&format!("{head}charge interest 100%\n")).contains(&"policy::charge_value"));
}

#[test]
fn an_interest_overflow_is_a_diagnostic_not_a_panic() {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let balances = [(day("2025-01-31"), Decimal::MAX)];
    let err = policy::claim::interest(
        &policy::claim::RateRule::Fixed(Decimal::from(8)),
        &balances,
        day("2025-02-01"),
        day("2026-02-01"),
        policy::claim::RateTable::shipped(),
    )
    .unwrap_err();
    assert_eq!(err.code, policy::diagnostic::Code::AmountOverflow);
    assert_eq!(
        [Decimal::MAX, Decimal::ONE].into_iter().checked_total(),
        None
    );
    assert_eq!(
        [Decimal::MAX, Decimal::ONE].into_iter().total(),
        Decimal::MAX
    );
    assert_eq!(
        [Decimal::ONE, Decimal::ONE].into_iter().checked_total(),
        Some(Decimal::TWO)
    );
}

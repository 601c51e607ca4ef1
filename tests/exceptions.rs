//! The exceptions layer end to end (issue 14; docs/simulation.md,
//! "Exceptions"): holds, promises, payment plans and insolvency on the
//! hand-made book `tests/fixtures/exceptions`, whose expected dates are
//! worked out below, and the located diagnostics of bad exception rows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exceptions")
}

fn policy_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

/// The simulation of the fixture as JSON.
fn simulate_json(policy: &str) -> serde_json::Value {
    let output = policy_in(&fixture())
        .args([
            "simulate",
            policy,
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--to",
            "2026-12-31",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `(date, invoice, target)` of every step event.
fn steps(value: &serde_json::Value) -> Vec<(String, String, String)> {
    common::triples(value, "events", "target")
}

/// `(date, invoice, event)` of every ledger event.
fn ledger_events(value: &serde_json::Value) -> Vec<(String, String, String)> {
    common::triples(value, "ledger_events", "event")
}

fn of(list: &[(String, String, String)], invoice: &str) -> Vec<(String, String)> {
    list.iter()
        .filter(|(_, i, _)| i == invoice)
        .map(|(d, _, t)| (d.clone(), t.clone()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// The policy: relance_1 10 days after the due date, mise_en_demeure 30
// days after it. Every invoice is due on 2026-01-31 (relance_1 on 02-10,
// mise_en_demeure on 03-02) unless said.

#[test]
fn a_hold_inside_a_dispute_moves_nothing_more() {
    // F-1: disputed 02-05, resolved 02-25: 20 days. Held 02-10 to 02-14
    // (ends 02-15), inside the dispute: nothing more.
    // relance_1 02-10 → 03-02; mise_en_demeure 03-02 → 03-22.
    let sim = simulate_json("policy.policy");
    assert_eq!(
        of(&steps(&sim), "F-1"),
        pairs(&[
            ("2026-03-02", "relance_1"),
            ("2026-03-22", "mise_en_demeure")
        ])
    );
    assert_eq!(
        of(&ledger_events(&sim), "F-1"),
        pairs(&[
            ("2026-02-05", "dispute"),
            ("2026-02-10", "hold"),
            ("2026-02-15", "release"),
            ("2026-02-25", "resolve"),
        ])
    );
    let events = sim["ledger_events"].as_array().unwrap();
    let dispute = events.iter().find(|e| e["event"] == "dispute").unwrap();
    assert_eq!(dispute["reason"], "prix contesté");
}

#[test]
fn a_promise_broken_by_one_cent_fires_the_day_after_and_resumes_the_steps() {
    // F-2: 500.00 promised on 02-05 by 02-20; 499.99 paid on 02-18: broken
    // by one cent. promise_broken on 02-21; relance_1 (02-10, suspended)
    // fires on 02-21; mise_en_demeure keeps its day 03-02 (the clock did
    // not stop).
    let sim = simulate_json("policy.policy");
    assert_eq!(
        of(&steps(&sim), "F-2"),
        pairs(&[
            ("2026-02-21", "relance_1"),
            ("2026-03-02", "mise_en_demeure")
        ])
    );
    assert_eq!(
        of(&ledger_events(&sim), "F-2"),
        pairs(&[("2026-02-21", "promise_broken")])
    );
    let broken = &sim["summary"]["exceptions"]["promises_broken"];
    assert_eq!(broken["count"], 1);
    assert_eq!(broken["amount"], "500.00");
}

#[test]
fn a_plan_whose_third_instalment_is_missed_resumes_the_day_after() {
    // F-3: 900.00, plan agreed 02-01: 300.00 due 02-15, 03-15, 04-15; paid
    // 300.00 on 02-14 and 03-15; the third is missed: instalment_missed on
    // 04-16. Suspended 02-01 to 04-15: relance_1 (02-10) and
    // mise_en_demeure (03-02) both fire on 04-16, in written order.
    let sim = simulate_json("policy.policy");
    assert_eq!(
        of(&steps(&sim), "F-3"),
        pairs(&[
            ("2026-04-16", "relance_1"),
            ("2026-04-16", "mise_en_demeure")
        ])
    );
    assert_eq!(
        of(&ledger_events(&sim), "F-3"),
        pairs(&[("2026-04-16", "instalment_missed")])
    );
}

#[test]
fn a_partial_payment_during_a_plan_counts_towards_its_instalment() {
    // F-4: 1000.00, plan agreed 02-01: 500.00 due 02-28 and 03-31. Paid
    // 200.00 on 02-10 and 300.00 on 02-28 (500.00 by the first due date),
    // then 500.00 on 03-30: honoured, plan_completed on 03-31. Nothing
    // fires: suspended to 03-31, paid on 03-30.
    let sim = simulate_json("policy.policy");
    assert!(of(&steps(&sim), "F-4").is_empty());
    assert_eq!(
        of(&ledger_events(&sim), "F-4"),
        pairs(&[("2026-03-31", "plan_completed")])
    );
    assert_eq!(sim["summary"]["exceptions"]["plans_honoured"], 1);
    assert_eq!(sim["summary"]["exceptions"]["plans_broken"], 1);
}

#[test]
fn an_insolvency_opened_between_two_steps_stays_the_later_one() {
    // F-5 (BETA): relance_1 on 02-10 fires; the liquidation opens on 02-20
    // (published 02-25): mise_en_demeure (03-02) is stayed. Proof of claim
    // by 04-25 (two months from the BODACC publication, R622-24); the claim
    // as of 02-20: 500.00, interest at the FR B2B rate from 02-01 to 02-20,
    // 40.00 indemnity.
    let sim = simulate_json("policy.policy");
    assert_eq!(
        of(&steps(&sim), "F-5"),
        pairs(&[("2026-02-10", "relance_1")])
    );
    assert_eq!(
        of(&ledger_events(&sim), "F-5"),
        pairs(&[("2026-02-20", "insolvency")])
    );
    let insolvency = &sim["summary"]["exceptions"]["insolvencies"][0];
    assert_eq!(insolvency["debtor"], "BETA");
    assert_eq!(insolvency["procedure"], "liquidation_judiciaire");
    assert_eq!(insolvency["deadline"], "2026-04-25");
    assert_eq!(insolvency["principal"], "500.00");
    assert_eq!(insolvency["indemnity"], "40.00");
    assert_ne!(insolvency["interest"], "0.00");
}

#[test]
fn a_debtor_wide_hold_covers_an_invoice_issued_during_it() {
    // GAMMA is held from 02-01 to 02-28 (ends 03-01). F-6 is issued on
    // 02-10, due 02-20: held from its issue to 03-01, 19 days. relance_1
    // 03-02 → 03-21; mise_en_demeure 03-22 → 04-10.
    let sim = simulate_json("policy.policy");
    assert_eq!(
        of(&steps(&sim), "F-6"),
        pairs(&[
            ("2026-03-21", "relance_1"),
            ("2026-04-10", "mise_en_demeure")
        ])
    );
    assert_eq!(
        of(&ledger_events(&sim), "F-6"),
        pairs(&[("2026-02-10", "hold"), ("2026-03-01", "release")])
    );
}

#[test]
fn the_table_lists_the_ledger_events_and_the_proof_of_claim() {
    let output = policy_in(&fixture())
        .args([
            "simulate",
            "policy.policy",
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--to",
            "2026-12-31",
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("ledger event"), "{text}");
    assert!(
        text.contains("BETA        liquidation judiciaire  2026-02-20  2026-04-25"),
        "{text}"
    );
    assert!(
        text.contains("promises kept 0 (0.00 EUR), broken 1 (500.00 EUR)"),
        "{text}"
    );
}

/// Simulates `ledger` (rows after the fixture's header) in a fresh folder:
/// (exit code, stdout, stderr with whitespace collapsed).
fn bad_book(rows: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for file in ["policy.policy", "debtors.csv"] {
        std::fs::copy(fixture().join(file), dir.path().join(file)).unwrap();
    }
    let ledger = format!(
        "date,type,invoice,debtor,amount,due,until,reason,procedure,published\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,,,,\n{rows}"
    );
    std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
    let output = policy_in(dir.path())
        .args([
            "simulate",
            "policy.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        stderr,
    )
}

#[test]
fn a_release_without_a_hold_is_a_located_error_and_nothing_is_written() {
    let (code, stdout, stderr) = bad_book("2026-02-10,release,F-1,,,,,,,\n");
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("policy::ledger_hold"), "{stderr}");
    assert!(stderr.contains("ledger.csv:3:12"), "{stderr}");
    assert!(
        stderr.contains("the invoice `F-1` is released on 2026-02-10 but not on hold"),
        "{stderr}"
    );
}

#[test]
fn a_promise_or_instalment_on_an_unknown_invoice_is_a_located_error() {
    let (code, stdout, stderr) = bad_book(
        "2026-02-05,promise,F-9,,100.00,,2026-02-20,,,\n\
         2026-02-05,instalment,F-8,,100.00,2026-02-20,,,,\n",
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("this promise is for the invoice `F-9`, which the ledger does not issue"),
        "{stderr}"
    );
    assert!(stderr.contains("ledger.csv:3:20"), "{stderr}");
    assert!(
        stderr.contains("this instalment is for the invoice `F-8`"),
        "{stderr}"
    );
}

#[test]
fn an_insolvency_without_procedure_is_a_located_error() {
    let (code, stdout, stderr) = bad_book("2026-02-20,insolvency,,ACME,,,,,,\n");
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("policy::ledger_missing_value"), "{stderr}");
    assert!(
        stderr.contains("the `procedure` column is empty"),
        "{stderr}"
    );
    assert!(stderr.contains("ledger.csv:3:33"), "{stderr}");
}

#[test]
fn a_plan_larger_than_the_balance_and_overlapping_holds_are_warnings() {
    let (code, stdout, stderr) = bad_book(
        "2026-02-01,instalment,F-1,,600.00,2026-02-15,,,,\n\
         2026-02-01,instalment,F-1,,600.00,2026-03-15,,,,\n\
         2026-02-10,hold,F-1,,,,2026-02-20,,,\n\
         2026-02-15,hold,F-1,,,,2026-02-25,,,\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.is_empty());
    assert!(stderr.contains("policy::ledger_instalment"), "{stderr}");
    assert!(
        stderr.contains("totals 1200.00, more than the balance of 1000.00"),
        "{stderr}"
    );
    assert!(stderr.contains("policy::ledger_hold"), "{stderr}");
    assert!(stderr.contains("ledger.csv:6:1"), "{stderr}");
}

#[test]
fn json_ledgers_carry_exceptions_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture().join("policy.policy"),
        dir.path().join("policy.policy"),
    )
    .unwrap();
    std::fs::copy(
        fixture().join("debtors.csv"),
        dir.path().join("debtors.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ledger.json"),
        r#"{"entries": [
  {"date": "2026-01-01", "type": "invoice", "invoice": "F-1", "debtor": "ACME", "amount": "1000.00", "due": "2026-01-31"},
  {"date": "2026-02-05", "type": "hold", "invoice": "F-1", "until": "2026-02-14", "reason": "accord commercial"}
]}"#,
    )
    .unwrap();
    let output = policy_in(dir.path())
        .args([
            "simulate",
            "policy.policy",
            "--ledger",
            "ledger.json",
            "--to",
            "2026-12-31",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sim: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Held 02-05 to 02-14 (ends 02-15): 10 days. relance_1 02-10 → 02-20.
    assert_eq!(
        of(&steps(&sim), "F-1"),
        pairs(&[
            ("2026-02-20", "relance_1"),
            ("2026-03-12", "mise_en_demeure")
        ])
    );
}

/// `(date, invoice, target, step)` of every step event.
fn steps_numbered(value: &serde_json::Value) -> Vec<(String, String, String, u64)> {
    value["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_string(),
                e["invoice"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap_or("").to_string(),
                e["step"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn handlers_fire_on_their_events_with_the_policy_graces() {
    // handlers.policy: promise grace 3 days, instalment grace 5 days;
    // step 3 `on promise_broken after 2 days send relance_ferme`, step 4
    // `on instalment_missed after 8 days send mise_en_demeure`, step 5
    // `on insolvency send declaration_de_creance`.
    let sim = simulate_json("handlers.policy");
    let all = steps_numbered(&sim);
    let of = |invoice: &str| -> Vec<(String, String, u64)> {
        all.iter()
            .filter(|(_, i, _, _)| i == invoice)
            .map(|(d, _, t, s)| (d.clone(), t.clone(), *s))
            .collect()
    };
    let rows = |items: &[(&str, &str, u64)]| -> Vec<(String, String, u64)> {
        items
            .iter()
            .map(|(d, t, s)| (d.to_string(), t.to_string(), *s))
            .collect()
    };
    // F-2: promised by 02-20, grace 3 days: suspended 02-05 to 02-23,
    // broken on 02-24 (relance_1 then); relance_ferme 2 days after: 02-26;
    // mise_en_demeure keeps 03-02.
    assert_eq!(
        of("F-2"),
        rows(&[
            ("2026-02-24", "relance_1", 1),
            ("2026-02-26", "relance_ferme", 3),
            ("2026-03-02", "mise_en_demeure", 2),
        ])
    );
    // F-3: the third instalment (due 04-15) with 5 days of grace: missed
    // on 04-21, the regular steps fire then; the handler's mise en demeure
    // 8 days after the miss: 04-29.
    assert_eq!(
        of("F-3"),
        rows(&[
            ("2026-04-21", "relance_1", 1),
            ("2026-04-21", "mise_en_demeure", 2),
            ("2026-04-29", "mise_en_demeure", 4),
        ])
    );
    // F-5: the proof of claim goes out on the opening judgment's day,
    // despite the stay; the regular mise en demeure (03-02) does not.
    assert_eq!(
        of("F-5"),
        rows(&[
            ("2026-02-10", "relance_1", 1),
            ("2026-02-20", "declaration_de_creance", 5),
        ])
    );
}

fn check_text(policy: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), policy).unwrap();
    let output = policy_in(dir.path())
        .args(["check", "p.policy"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (output.status.code().unwrap(), text)
}

#[test]
fn a_handler_for_an_unknown_event_is_an_error_with_the_closest_event() {
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\non promise_borken after 2 days send relance_ferme by email\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("policy::unknown_event"), "{text}");
    assert!(
        text.contains("unknown ledger event `promise_borken`"),
        "{text}"
    );
    assert!(text.contains("did you mean `promise_broken`?"), "{text}");
    assert!(text.contains("p.policy:3:4"), "{text}");
}

#[test]
fn after_an_insolvency_only_the_proof_of_claim_and_in_time() {
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on insolvency after 10 days route tribunal_de_commerce with injonction_de_payer\n\
         on insolvency after 3 months send declaration_de_creance by recommandé\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("policy::insolvency_stay"), "{text}");
    assert!(text.contains("policy::proof_of_claim_deadline"), "{text}");
    assert!(
        text.contains("this proof of claim leaves 93 days after the opening judgment"),
        "{text}"
    );
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\non insolvency send declaration_de_creance by recommandé\n",
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn fmt_keeps_handlers_and_graces() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "policy \"T\"\njurisdiction FR\nPROMISE   grace 3 days\n\nON promise_broken  after 2 days send relance_ferme by email\n";
    std::fs::write(dir.path().join("p.policy"), messy).unwrap();
    let output = policy_in(dir.path())
        .args(["fmt", "p.policy"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let formatted = std::fs::read_to_string(dir.path().join("p.policy")).unwrap();
    assert_eq!(
        formatted,
        "policy \"T\"\njurisdiction FR\npromise grace 3 days\n\non promise_broken after 2 days send relance_ferme by email\n"
    );
}

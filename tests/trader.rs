//! The court by kind of business debtor (issue 13, point 12): in France the
//! tribunal de commerce hears traders (C. com. L721-3); a liberal profession,
//! an association or a société civile goes to the tribunal judiciaire. The
//! debtors file's optional `trader` column says which; where given,
//! `simulate` and `run` refuse a route to the wrong court.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;

fn workspace(policy: &str, debtors: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    for name in ["relance_1", "mise_en_demeure"] {
        std::fs::write(
            p.join(format!("templates/{name}.txt")),
            common::text_letter("Votre facture"),
        )
        .unwrap();
    }
    std::fs::write(p.join("fr.policy"), policy).unwrap();
    // Three invoices of 2026-01-05, due 2026-02-04: mise en demeure on day
    // 20 (02-24), the route 15 days later (03-11).
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,SAS,8000.00,2026-02-04\n\
         2026-01-05,invoice,F-2,AVOCAT,8000.00,2026-02-04\n\
         2026-01-05,invoice,F-3,ASSO,8000.00,2026-02-04\n",
    )
    .unwrap();
    std::fs::write(p.join("debtors.csv"), debtors).unwrap();
    dir
}

const DEBTORS: &str = "id,name,kind,country,email,address,trader\n\
    SAS,Durand SAS,b2b,FR,a@durand.example,\"1 rue A, 75001 Paris\",oui\n\
    AVOCAT,Maître Martin,b2b,FR,b@martin.example,\"2 rue B, 75002 Paris\",non\n\
    ASSO,Association Les Amis,b2b,FR,c@amis.example,\"3 rue C, 75003 Paris\",\n";

fn policy(routes: &str) -> String {
    format!(
        "jurisdiction FR\napplies to b2b\ntemplates \"templates\"\n\
         after 10 days send relance_1 by email\n\
         after 20 days send mise_en_demeure by recommandé to debtor, guarantor\n{routes}"
    )
}

fn simulate(dir: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args([
            "simulate",
            "fr.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-03-31",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr)
            .unwrap()
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[test]
fn the_commercial_court_is_refused_for_a_business_that_is_not_a_trader() {
    let dir = workspace(
        &policy(
            "after 15 days from mise_en_demeure route tribunal_de_commerce with injonction_de_payer\n",
        ),
        DEBTORS,
    );
    let (code, stdout, stderr) = simulate(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("2026-03-11,F-1,SAS,3,route,tribunal_de_commerce"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2026-03-11,F-3,ASSO,3,route,tribunal_de_commerce"),
        "no `trader` value: not checked: {stdout}"
    );
    assert!(!stdout.contains("F-2,AVOCAT,3,route"), "{stdout}");
    assert!(stderr.contains("invoice `F-2` of `AVOCAT`"), "{stderr}");
    assert!(stderr.contains("the debtor is not a trader"), "{stderr}");
    assert!(stderr.contains("`tribunal_judiciaire`"), "{stderr}");
    assert!(stderr.contains("C. com. art. L721-3"), "{stderr}");
}

#[test]
fn the_civil_court_is_refused_for_a_trader() {
    let dir = workspace(
        &policy(
            "after 15 days from mise_en_demeure route tribunal_judiciaire with injonction_de_payer\n",
        ),
        DEBTORS,
    );
    let (code, stdout, stderr) = simulate(dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(!stdout.contains("F-1,SAS,3,route"), "{stdout}");
    assert!(
        stdout.contains("F-2,AVOCAT,3,route,tribunal_judiciaire"),
        "{stdout}"
    );
    assert!(stderr.contains("invoice `F-1` of `SAS`"), "{stderr}");
    assert!(
        stderr.contains("claims between traders go to `tribunal_de_commerce`"),
        "{stderr}"
    );
}

#[test]
fn a_policy_routing_by_the_trader_column_passes() {
    let dir = workspace(
        &policy(
            "after 15 days from mise_en_demeure if debtor.trader != no route tribunal_de_commerce with injonction_de_payer\n\
             after 15 days from mise_en_demeure if debtor.trader = no route tribunal_judiciaire with injonction_de_payer\n",
        ),
        DEBTORS,
    );
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "fr.policy", "--debtors", "debtors.csv"])
        .output()
        .unwrap();
    let check = String::from_utf8(out.stderr).unwrap();
    assert!(
        !check.contains("route_gap") && !check.contains("overlapping"),
        "{check}"
    );
    let (code, stdout, stderr) = simulate(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("F-1,SAS,3,route,tribunal_de_commerce"),
        "{stdout}"
    );
    assert!(
        stdout.contains("F-2,AVOCAT,4,route,tribunal_judiciaire"),
        "{stdout}"
    );
    assert!(
        stdout.contains("F-3,ASSO,3,route,tribunal_de_commerce"),
        "{stdout}"
    );
}

#[test]
fn a_trader_value_that_is_not_yes_or_no_is_located() {
    let debtors = DEBTORS.replace(",oui\n", ",peut-être\n");
    let dir = workspace(
        &policy(
            "after 15 days from mise_en_demeure route tribunal_de_commerce with injonction_de_payer\n",
        ),
        &debtors,
    );
    let (code, stdout, stderr) = simulate(dir.path());
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("policy::ledger_trader"), "{stderr}");
    assert!(stderr.contains("`peut-être` is not yes or no"), "{stderr}");
    assert!(stderr.contains("debtors.csv:2:"), "{stderr}");
}

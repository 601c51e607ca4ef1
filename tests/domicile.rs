//! Where the debtor lives (issue 13, point 10): a route whose procedure
//! cannot apply to the debtor is refused by `simulate` and `run` with a
//! diagnostic naming the invoice and the debtor, nothing goes out for it,
//! the other debtors' actions do; `applies to b2b in LU` chases only the
//! debtors of the countries listed.
//!
//! The book: two invoices of 2026-01-05, due 2026-02-04, one to a debtor in
//! Luxembourg (LUX), one to a debtor in France (PAR). Steps: relance_1 on
//! day 10 (02-14), mise en demeure on day 20 (02-24), then 15 days later
//! (03-11) the ordonnance de paiement before the justice de paix, which
//! needs a debtor domiciled in Luxembourg (NCPC art. 129 ff.).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;

const POLICY: &str = "\
jurisdiction LU
applies to b2b
templates \"templates\"
after 10 days send relance_1 by email
after 20 days send mise_en_demeure by recommandé to debtor, guarantor
after 15 days from mise_en_demeure if amount <= 15000 route justice_de_paix with ordonnance_de_paiement
";

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
    std::fs::write(p.join("lu.policy"), policy).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,LUX,1200.00,2026-02-04\n\
         2026-01-05,invoice,F-2,PAR,800.00,2026-02-04\n",
    )
    .unwrap();
    std::fs::write(p.join("debtors.csv"), debtors).unwrap();
    std::fs::write(
        p.join("firm.toml"),
        "name = \"Firme SA\"\naddress = \"1 rue Y\\nL-1000 Luxembourg\"\nemail = \"r@firme.example\"\n",
    )
    .unwrap();
    dir
}

const DEBTORS: &str = "id,name,kind,country,email,address\n\
    LUX,Atelier Weber SARL,b2b,LU,compta@weber.example,\"2 rue Haute, L-1718 Luxembourg\"\n\
    PAR,Durand SAS,b2b,FR,compta@durand.example,\"3 rue Basse, 75001 Paris\"\n";

fn policy_cmd(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn run(dir: &Path, day: &str) -> (i32, String, String) {
    let out = policy_cmd(dir)
        .args([
            "run",
            "lu.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
        ])
        .args(["--journal", "j.jsonl", "--outbox", "out", "--as-of", day])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        collapse(&String::from_utf8(out.stderr).unwrap()),
    )
}

/// Miette wraps long lines: compare with runs of white space as one.
fn collapse(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn simulate_refuses_the_route_for_a_debtor_abroad() {
    let dir = workspace(POLICY, DEBTORS);
    let out = policy_cmd(dir.path())
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args(["--to", "2026-03-31"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a refused route is a finding");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("2026-03-11,F-1,LUX,3,route,justice_de_paix"));
    assert!(!stdout.contains("F-2,PAR,3,route"), "{stdout}");
    let stderr = collapse(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("policy::route_domicile"), "{stderr}");
    assert!(
        stderr.contains("invoice `F-2` of `PAR`") && stderr.contains("domiciled in FR"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lu.policy:6:"),
        "located on the route: {stderr}"
    );
}

#[test]
fn run_sends_nothing_for_the_refused_route_and_everything_else() {
    let dir = workspace(POLICY, DEBTORS);
    let p = dir.path();
    // Both debtors get their reminder and their formal notice.
    for day in ["2026-02-14", "2026-02-24"] {
        let (code, stdout, stderr) = run(p, day);
        assert_eq!(code, 0, "{day}: {stdout}{stderr}");
        assert!(stdout.contains("LUX") && stdout.contains("PAR"), "{stdout}");
    }
    let (code, stdout, stderr) = run(p, "2026-03-11");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("policy::route_domicile"), "{stderr}");
    assert!(stderr.contains("invoice `F-2` of `PAR`"), "{stderr}");
    assert!(
        stdout.contains("1 route(s) refused for where the debtor lives"),
        "{stdout}"
    );
    let files = files_under(&p.join("out"));
    let day_files: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("2026-03-11"))
        .collect();
    assert_eq!(day_files.len(), 1, "{files:?}");
    assert!(day_files[0].contains("LUX"), "{files:?}");
    let journal = std::fs::read_to_string(p.join("j.jsonl")).unwrap();
    assert!(
        !journal
            .lines()
            .any(|l| l.contains("F-2") && l.contains("justice_de_paix"))
    );

    // The next run says it again and still sends nothing for it.
    let (code, _, stderr) = run(p, "2026-03-12");
    assert_eq!(code, 1);
    assert!(stderr.contains("invoice `F-2` of `PAR`"), "{stderr}");
    assert_eq!(files_under(&p.join("out")).len(), files.len());
}

#[test]
fn a_policy_routing_by_country_is_not_refused() {
    let policy = POLICY.replace(
        "if amount <= 15000 route justice_de_paix with ordonnance_de_paiement",
        "if debtor.country = LU and amount <= 15000 route justice_de_paix with ordonnance_de_paiement\n\
         after 15 days from mise_en_demeure if debtor.country != LU and amount <= 15000 route justice_de_paix with injonction_de_payer_europeenne",
    );
    let dir = workspace(&policy, DEBTORS);
    let out = policy_cmd(dir.path())
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args(["--to", "2026-03-31"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("2026-03-11,F-2,PAR,4,route,justice_de_paix"),
        "{stdout}"
    );
}

#[test]
fn applies_in_chases_only_the_listed_countries() {
    let policy = POLICY.replace("applies to b2b", "applies to b2b in LU");
    let dir = workspace(&policy, DEBTORS);
    let p = dir.path();
    policy_cmd(p).args(["check", "lu.policy"]).assert().code(0);
    let explain = policy_cmd(p)
        .args(["explain", "lu.policy"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(explain.stdout)
            .unwrap()
            .contains("debtors in LU")
    );
    let out = policy_cmd(p)
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args(["--to", "2026-03-31", "--format", "table"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("PAR"), "{stdout}");
    assert!(stdout.contains("3 events on 1 invoices"), "{stdout}");
    assert!(
        stdout.contains("1 invoices not chased: the policy does not apply to their debtor"),
        "{stdout}"
    );
}

#[test]
fn a_condition_on_another_country_under_applies_in_never_fires() {
    let policy = format!(
        "{}after 15 days from mise_en_demeure if debtor.country = FR route justice_de_paix with injonction_de_payer_europeenne\n",
        POLICY
            .replace("applies to b2b", "applies to b2b in LU")
            .replace(
                "if amount <= 15000",
                "if amount <= 15000 and debtor.country = LU"
            )
    );
    let dir = workspace(&policy, DEBTORS);
    let out = policy_cmd(dir.path())
        .args(["check", "lu.policy"])
        .output()
        .unwrap();
    let stderr = collapse(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("policy::never_fires"), "{stderr}");
    assert!(stderr.contains("lu.policy:7:"), "{stderr}");
}

#[test]
fn an_empty_country_is_the_jurisdiction_s_own() {
    let debtors = DEBTORS.replace(",b2b,LU,", ",b2b,,");
    let policy = POLICY.replace(
        "if amount <= 15000",
        "if debtor.country = LU and amount <= 15000",
    );
    let dir = workspace(&policy, &debtors);
    let out = policy_cmd(dir.path())
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args(["--to", "2026-03-31"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("2026-03-11,F-1,LUX,3,route,justice_de_paix"),
        "{stdout}"
    );
}

#[test]
fn a_country_name_is_not_taken_for_a_code() {
    let debtors = DEBTORS.replace(",b2b,FR,", ",b2b,France,");
    let dir = workspace(POLICY, &debtors);
    let out = policy_cmd(dir.path())
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args(["--to", "2026-03-31"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a bad book is a finding");
    assert!(out.stdout.is_empty(), "nothing simulated on a bad book");
    let stderr = collapse(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("policy::ledger_country"), "{stderr}");
    assert!(
        stderr.contains("`France` is not a country code"),
        "{stderr}"
    );
    assert!(stderr.contains("debtors.csv:3:"), "{stderr}");
}

#[test]
fn a_country_in_applies_to_must_be_a_code() {
    let policy = POLICY.replace("applies to b2b", "applies to b2b in Luxembourg");
    let dir = workspace(&policy, DEBTORS);
    let out = policy_cmd(dir.path())
        .args(["check", "lu.policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = collapse(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("policy::country_code"), "{stderr}");
    assert!(
        stderr.contains("`Luxembourg` is not a country code"),
        "{stderr}"
    );
}

#[test]
fn the_html_report_lists_the_refused_routes() {
    let dir = workspace(POLICY, DEBTORS);
    let out = policy_cmd(dir.path())
        .args(["simulate", "lu.policy", "--ledger", "ledger.csv"])
        .args([
            "--to",
            "2026-03-31",
            "--format",
            "html",
            "-o",
            "report.html",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a refused route is a finding");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("Transmissions refusées"),
        "the report is in French"
    );
    let section = &html[html.find("Transmissions refusées").unwrap()..];
    assert!(
        section.contains("F-2") && section.contains("PAR"),
        "{section}"
    );
    assert!(
        section.contains("ordonnance conditionnelle de paiement : débiteur domicilié hors du pays"),
        "{section}"
    );
    assert!(
        !section.contains("F-1"),
        "the Luxembourg debtor's route went through"
    );
}

//! Sector rules a policy declares (issue 13, point 13): `sector goods`,
//! `services`, `utility` or `lease`. In Belgium the justice de paix hears
//! leases and utility bills against natural persons whatever the amount
//! (C. jud. art. 591, 1° and 25°), and a consumer's claim is time-barred
//! after one year for goods (C. civ. art. 2272), ten for services (art.
//! 2262bis), five for rent and utility bills (art. 2277). The checker's
//! fixtures (tests/fixtures/law/court_competence/*-be-*.policy and
//! limitation_period/*-be-*.policy) pin the diagnostics; these tests pin the
//! header itself and what `simulate` makes of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;

fn policy(sector: &str) -> String {
    format!(
        "jurisdiction BE\napplies to b2c\ntemplates \"templates\"\n{sector}\n\
         after 10 days send rappel_gratuit by email\n\
         after 15 days from rappel_gratuit send mise_en_demeure by recommandé to debtor, guarantor\n\
         charge indemnity 10% min 25 EUR\n\
         charge interest statutory\n\
         after 30 days from mise_en_demeure route justice_de_paix\n"
    )
}

fn workspace(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    for name in ["rappel_gratuit", "mise_en_demeure"] {
        std::fs::write(
            p.join(format!("templates/{name}.txt")),
            common::text_letter("Votre facture"),
        )
        .unwrap();
    }
    std::fs::write(p.join("be.policy"), policy).unwrap();
    // 4,900 EUR: within the justice de paix's 5,000 on the principal; the
    // indemnity (10 %, 490 EUR) alone takes the claim above it.
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,DUPONT,4900.00,2026-02-04\n\
         2026-01-05,invoice,F-2,DUPONT,9000.00,2026-02-04\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email,address\n\
         DUPONT,Jean Dupont,b2c,BE,j@dupont.example,\"1 rue A, 1000 Bruxelles\"\n",
    )
    .unwrap();
    dir
}

fn policy_cmd(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
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

fn simulate(dir: &Path) -> (i32, String, String) {
    policy_cmd(
        dir,
        &[
            "simulate",
            "be.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
}

#[test]
fn utility_bills_go_to_the_justice_de_paix_whatever_the_amount() {
    let dir = workspace(&policy("sector utility"));
    let (code, _, stderr) = policy_cmd(dir.path(), &["check", "be.policy"]);
    assert!(!stderr.contains("court_competence"), "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    // No ceiling either: the claim above 5,000 EUR is not flagged.
    let (code, stdout, stderr) = simulate(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("claim_above_ceiling"), "{stderr}");
    let routes = stdout.matches("\"justice_de_paix\"").count();
    assert!(routes >= 2, "both invoices are routed: {stdout}");
}

#[test]
fn goods_above_five_thousand_are_not_the_justice_de_paix() {
    let dir = workspace(&policy("sector goods"));
    let (code, _, stderr) = policy_cmd(dir.path(), &["check", "be.policy"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("policy::court_competence"), "{stderr}");
    assert!(stderr.contains("C. jud. art. 590"), "{stderr}");
}

#[test]
fn the_ceiling_is_read_for_the_declared_sector() {
    // Goods, with the route limited to the justice de paix's amounts: the
    // 4,900 EUR invoice's claim goes above 5,000 with its indemnity.
    let text = policy("sector goods").replace(
        "route justice_de_paix",
        "if amount <= 5000 route justice_de_paix\n\
         after 30 days from mise_en_demeure if amount > 5000 route tribunal_premiere_instance",
    );
    let dir = workspace(&text);
    let (code, _, stderr) = simulate(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("claim_above_ceiling"), "{stderr}");
    assert!(stderr.contains("F-1"), "{stderr}");
}

#[test]
fn an_unknown_sector_is_an_error_with_a_suggestion() {
    let dir = workspace(&policy("sector utilities"));
    let (code, _, stderr) = policy_cmd(dir.path(), &["check", "be.policy"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("policy::unknown_sector"), "{stderr}");
    assert!(stderr.contains("did you mean `utility`?"), "{stderr}");
}

#[test]
fn fmt_writes_the_canonical_word_and_explain_shows_it() {
    let dir = workspace(&policy("Sector Utility"));
    let (code, stdout, stderr) = policy_cmd(dir.path(), &["fmt", "--check", "be.policy"]);
    assert_eq!(
        code, 1,
        "fmt --check sees the header to rewrite: {stdout}{stderr}"
    );
    let (code, _, stderr) = policy_cmd(dir.path(), &["fmt", "be.policy"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("be.policy")).unwrap();
    assert!(text.contains("\nsector utility\n"), "{text}");
    let (code, stdout, stderr) = policy_cmd(dir.path(), &["explain", "be.policy"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("sector utility"), "{stdout}");
    let (_, stdout, _) = policy_cmd(dir.path(), &["explain", "be.policy", "--format", "json"]);
    assert!(stdout.contains("\"sector\": \"utility\""), "{stdout}");
}

#[test]
fn a_second_sector_header_is_refused() {
    let dir = workspace(&policy("sector utility\nsector lease"));
    let (code, _, stderr) = policy_cmd(dir.path(), &["check", "be.policy"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the `sector` header is given twice"),
        "{stderr}"
    );
}

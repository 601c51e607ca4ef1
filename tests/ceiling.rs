//! Competence on the amount claimed (issue 13, point 11): the justice de
//! paix hears claims up to 15,000 EUR measured on the principal; where the
//! interest and indemnity charged by the route's day take the claim above
//! it, `simulate` and `run` warn, naming the invoice, and still route.
//!
//! F-1: 14,900.00 EUR due 2026-02-04; mise en demeure on 2026-02-24 charges
//! 40 EUR and the statutory rate (ECB 2.15 % + 8 = 10.15 % in H1 2026);
//! routed on 2026-03-11. Interest from 2026-02-05 to 2026-03-11, 35 days:
//! 14,900 × 10.15 % × 35 / 365 = 145.02; claim 14,900 + 40 + 145.02 =
//! 15,085.02 > 15,000. F-2: 14,000.00, interest 136.26, claim 14,176.26:
//! within the ceiling, no warning.

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
charge indemnity 40 EUR
charge interest statutory
after 15 days from mise_en_demeure if amount <= 15000 route justice_de_paix with ordonnance_de_paiement
after 15 days from mise_en_demeure if amount > 15000 route tribunal_arrondissement with ordonnance_de_provision
";

fn workspace() -> tempfile::TempDir {
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
    std::fs::write(p.join("lu.policy"), POLICY).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,LUX,14900.00,2026-02-04\n\
         2026-01-05,invoice,F-2,LUX,14000.00,2026-02-04\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email,address\n\
         LUX,Atelier Weber SARL,b2b,LU,compta@weber.example,\"2 rue Haute, L-1718 Luxembourg\"\n",
    )
    .unwrap();
    std::fs::write(
        p.join("firm.toml"),
        "name = \"Firme SA\"\naddress = \"1 rue Y\\nL-1000 Luxembourg\"\nemail = \"r@firme.example\"\n",
    )
    .unwrap();
    dir
}

fn policy(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        stderr
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" "),
    )
}

const WARNING: &str = "invoice `F-1` of `LUX` goes to `justice_de_paix` on 2026-03-11 with \
    14900.00 EUR of principal, but 15085.02 EUR claimed with interest and indemnity, above the \
    ceiling of 15000 EUR";

#[test]
fn simulate_warns_in_every_format_and_still_routes() {
    let dir = workspace();
    for format in ["csv", "table", "json"] {
        let (code, stdout, stderr) = policy(
            dir.path(),
            &[
                "simulate",
                "lu.policy",
                "--ledger",
                "ledger.csv",
                "--to",
                "2026-03-31",
                "--format",
                format,
            ],
        );
        assert_eq!(code, 0, "a warning, not a finding: {stderr}");
        assert!(
            stderr.contains("policy::claim_above_ceiling"),
            "{format}: {stderr}"
        );
        assert!(stderr.contains(WARNING), "{format}: {stderr}");
        assert!(stderr.contains("lu.policy:8:55"), "{stderr}");
        assert!(!stderr.contains("`F-2`"), "F-2 stays within: {stderr}");
        assert!(stdout.contains("justice_de_paix"), "still routed: {stdout}");
    }
}

#[test]
fn run_warns_on_the_day_of_the_route() {
    let dir = workspace();
    let run = |day: &str| {
        policy(
            dir.path(),
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
                "--as-of",
                day,
            ],
        )
    };
    for day in ["2026-02-14", "2026-02-24"] {
        let (code, _, stderr) = run(day);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("claim_above_ceiling"), "{day}: {stderr}");
    }
    let (code, stdout, stderr) = run("2026-03-11");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains(WARNING), "{stderr}");
    assert!(stdout.contains("route justice_de_paix"), "{stdout}");
}

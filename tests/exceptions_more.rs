//! The exceptions layer, the points issue 14 left after the first pass:
//! reminders before the due date, the mandataire as a recipient, a
//! handler's route to court, acknowledgments and the limitation period,
//! the proof of claim as a task of `policy run`. Each on a small policy or
//! book written here, with the expected dates worked out in a comment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

mod common;

fn policy_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

/// `policy check` on a policy text: the exit code and stderr, whitespace
/// collapsed and miette's frames dropped.
fn check_text(policy: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), policy).unwrap();
    let output = policy_in(dir.path())
        .args(["check", "p.policy"])
        .output()
        .unwrap();
    (output.status.code().unwrap(), collapse(&output.stderr))
}

fn collapse(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_route_on_instalment_missed_needs_a_mise_en_demeure_reacting_to_the_miss() {
    // The regular mise en demeure (45 days after due) may not have gone
    // out when the plan was agreed: it does not cover the handler's route.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         after 45 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 23 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("policy::missing_notice"), "{text}");
    assert!(
        text.contains("this route can reach court without a mise en demeure first"),
        "{text}"
    );
    assert!(text.contains("p.policy:4:1"), "{text}");
    assert!(
        text.contains(
            "e.g. `on instalment_missed after 8 days send mise_en_demeure by recommandé`"
        ),
        "{text}"
    );
    // A mise en demeure 8 days after the miss, the route 23 days after it:
    // 15 days between them, short of the 15 days from the registered
    // letter's presumed receipt (up to 7 days after sending): 22 needed.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 23 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(text.contains("policy::notice_period"), "{text}");
    assert!(
        text.contains("this route can reach court 15 days after the mise en demeure"),
        "{text}"
    );
    // 8 + 22 = 30 days after the miss: in time, nothing to say.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 30 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(!text.contains("policy::notice_period"), "{text}");
    // Timed from the handler's own mise en demeure: covered by its anchor.
    let (_, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         after 22 days from mise_en_demeure route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(!text.contains("policy::notice_period"), "{text}");
}

/// A folder with `p.policy` (its statements after a French B2B header),
/// the book's debtors and ledger.
fn book(statements: &str, ledger: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        format!("policy \"Essai\"\njurisdiction FR\ncurrency EUR\napplies to b2b\n\n{statements}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind,country,email,address\n\
         ACME,Acme SARL,b2b,FR,compta@acme.example,\"1 rue de la Paix, 75002 Paris\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
    dir
}

/// `(date, invoice, target)` of every step `policy simulate` fires.
fn simulated(dir: &Path, to: &str) -> Vec<(String, String, String)> {
    let output = policy_in(dir)
        .args([
            "simulate",
            "p.policy",
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--to",
            to,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", collapse(&output.stderr));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    common::triples(&value, "events", "target")
}

fn rows(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn reminders_before_the_due_date_fire_before_it() {
    // F-1 due Saturday 2026-01-31: the reminder 5 days before, 01-26; the
    // call 2 business days before: Friday 01-30 is the first, Thursday
    // 01-29 the second; relance_1 15 days after, 02-15.
    // F-2 due Monday 2026-05-04: the reminder on 04-29; the call: Friday
    // 1 May is a public holiday, so Thursday 04-30 and Wednesday 04-29;
    // relance_1 on 05-19.
    // F-3 due 2026-03-31, paid in full on 03-20: nothing (its reminder
    // would have been on 03-26).
    let dir = book(
        "5 days before due send rappel_amiable by email\n\
         2 business days before due call debtor\n\
         after 15 days send relance_1 by email\n",
        "date,type,invoice,debtor,amount,due\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31\n\
         2026-04-04,invoice,F-2,ACME,500.00,2026-05-04\n\
         2026-03-01,invoice,F-3,ACME,200.00,2026-03-31\n\
         2026-03-20,payment,F-3,ACME,200.00,\n",
    );
    let mut events = simulated(dir.path(), "2026-12-31");
    events.sort();
    assert_eq!(
        events,
        rows(&[
            ("2026-01-26", "F-1", "rappel_amiable"),
            ("2026-01-29", "F-1", ""),
            ("2026-02-15", "F-1", "relance_1"),
            ("2026-04-29", "F-2", ""),
            ("2026-04-29", "F-2", "rappel_amiable"),
            ("2026-05-19", "F-2", "relance_1"),
        ])
    );
}

#[test]
fn explain_and_fmt_write_a_reminder_before_the_due_date_back() {
    let dir = book(
        "5   Days before DUE send rappel_amiable by email\nafter 15 days send relance_1 by email\n",
        "date,type,invoice,debtor,amount,due\n",
    );
    let output = policy_in(dir.path())
        .args(["explain", "p.policy"])
        .output()
        .unwrap();
    let text = collapse(&output.stdout);
    assert!(output.status.success(), "{}", collapse(&output.stderr));
    assert!(
        text.contains("1 6 -5 5 days before due date always send rappel_amiable"),
        "{text}"
    );
    let output = policy_in(dir.path())
        .args(["explain", "p.policy", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let when = &value["steps"][0]["when"];
    assert_eq!(when["before"]["count"], 5, "{when}");
    assert_eq!(when["day_from_due"], -5, "{when}");
    assert!(when.get("after").is_none(), "{when}");
    let output = policy_in(dir.path())
        .args(["fmt", "p.policy"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", collapse(&output.stderr));
    let formatted = std::fs::read_to_string(dir.path().join("p.policy")).unwrap();
    assert!(
        formatted.contains("\n5 days before due send rappel_amiable by email\n"),
        "{formatted}"
    );
}

#[test]
fn before_the_due_date_only_a_friendly_reminder_may_go_out() {
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         5 days before due send rappel_amiable by email\n\
         2 days before due send mise_en_demeure by recommandé\n\
         1 week before due charge fee 5 EUR\n\
         after 1 day from rappel_amiable route tribunal_de_commerce\n\
         3 days before due call debtor\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("a mise en demeure can fall before the due date"),
        "{text}"
    );
    assert!(text.contains("p.policy:4:1"), "{text}");
    assert!(
        text.contains("a charge can fall before the due date"),
        "{text}"
    );
    // Timed from the reminder, the route falls 4 days before the due date.
    assert!(
        text.contains("a route can fall before the due date"),
        "{text}"
    );
    assert!(
        text.contains("1 day after rappel_amiable (day -4)"),
        "{text}"
    );
    assert_eq!(text.matches("policy::before_due").count(), 3, "{text}");
    // Counted back from `due` only, and never in a handler.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         after 15 days send relance_1 by email\n\
         3 days before relance_1 call debtor\n\
         on dispute 2 days before due send accuse_litige by email\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("`before` counts back from `due` only, not `relance_1`"),
        "{text}"
    );
    assert!(
        text.contains("a handler cannot fire before `dispute` happens"),
        "{text}"
    );
}

/// A Luxembourg legal-ops folder: `p.policy` with these statements, the
/// example LU templates and firm, the given debtors and ledger.
fn lu_folder(statements: &str, debtors: &str, ledger: &str) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    for entry in std::fs::read_dir(root.join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("p.policy"),
        format!(
            "policy \"Essai\"\njurisdiction LU\ncurrency EUR\napplies to b2b\n\
             templates \"templates\"\n\n{statements}"
        ),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/firm.toml"),
        dir.path().join("firm.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("debtors.csv"), debtors).unwrap();
    std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
    dir
}

fn run(dir: &Path, as_of: &str) -> std::process::Output {
    policy_in(dir)
        .args([
            "run",
            "p.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--as-of",
            as_of,
            "--journal",
            "journal.jsonl",
            "--outbox",
            "out",
        ])
        .output()
        .unwrap()
}

/// Every file of the outbox, relative, `/`-separated.
fn outbox(dir: &Path) -> Vec<String> {
    let out = dir.join("out");
    let mut files = Vec::new();
    if !out.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&out).unwrap();
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    files.sort();
    files
}

const LU_DEBTORS: &str = "id,name,kind,country,email,address\n\
    ACME,Acme SARL,b2b,LU,compta@acme.example,\"1 rue de la Gare, 1611 Luxembourg\"\n";

#[test]
fn run_sends_a_reminder_before_the_due_date_once() {
    // Due 2026-01-31: the reminder 5 days before, on 2026-01-26.
    let dir = lu_folder(
        "5 days before due send relance_1 by email\n",
        LU_DEBTORS,
        "date,type,invoice,debtor,amount,due\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31\n",
    );
    let first = run(dir.path(), "2026-01-25");
    assert!(first.status.success(), "{}", collapse(&first.stderr));
    assert!(outbox(dir.path()).is_empty(), "{:?}", outbox(dir.path()));
    let second = run(dir.path(), "2026-01-26");
    assert!(second.status.success(), "{}", collapse(&second.stderr));
    let files = outbox(dir.path());
    assert!(
        !files.is_empty() && files.iter().all(|f| f.contains("2026-01-26")),
        "{files:?}"
    );
    // The next day's run sends it no more.
    let third = run(dir.path(), "2026-01-27");
    assert!(third.status.success(), "{}", collapse(&third.stderr));
    assert_eq!(outbox(dir.path()), files);
}

/// The journal's records, as JSON.
fn journal(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn run_fires_a_handler_exactly_once_across_runs() {
    // F-1 due 2026-01-31, promised in full by 2026-02-20 on 02-05 and not
    // paid: the promise is broken on 02-21 (grace 0); the handler sends
    // relance_2 two days after, on 02-23. The regular relance_1 (10 days
    // after due, 02-10) falls in the promise and fires the day it breaks,
    // 02-21: the first run, on 02-21, sends it; the second, on 02-23, the
    // handler's letter; the third, on 02-24, nothing.
    let dir = lu_folder(
        "after 10 days send relance_1 by email\n\
         on promise_broken after 2 days send relance_2 by email\n",
        LU_DEBTORS,
        "date,type,invoice,debtor,amount,due,until\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,\n\
         2026-02-05,promise,F-1,ACME,,,2026-02-20\n",
    );
    let first = run(dir.path(), "2026-02-21");
    assert!(first.status.success(), "{}", collapse(&first.stderr));
    let after_first = outbox(dir.path());
    assert!(
        !after_first.is_empty() && after_first.iter().all(|f| f.contains("relance_1")),
        "{after_first:?}"
    );
    let second = run(dir.path(), "2026-02-23");
    assert!(second.status.success(), "{}", collapse(&second.stderr));
    let after_second = outbox(dir.path());
    let new: Vec<&String> = after_second
        .iter()
        .filter(|f| !after_first.contains(f))
        .collect();
    assert!(
        !new.is_empty()
            && new
                .iter()
                .all(|f| f.contains("relance_2") && f.contains("2026-02-23")),
        "{new:?}"
    );
    let third = run(dir.path(), "2026-02-24");
    assert!(third.status.success(), "{}", collapse(&third.stderr));
    assert_eq!(outbox(dir.path()), after_second);
    // Journaled once each, the handler under its own identity.
    let intents: Vec<(String, String)> = journal(dir.path())
        .iter()
        .map(|r| &r["entry"])
        .filter(|e| e["kind"] == "intent")
        .map(|e| {
            (
                e["action"]["date"].as_str().unwrap().to_string(),
                e["action"]["step"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        intents,
        vec![
            ("2026-02-21".to_string(), "send relance_1".to_string()),
            (
                "2026-02-23".to_string(),
                "on promise_broken send relance_2".to_string()
            ),
        ]
    );
}

#[test]
fn the_dossier_lists_holds_promises_plans_acknowledgments_and_the_insolvency() {
    // One invoice of 1,000.00 due 2026-01-31: held 02-02 to 02-06 (a
    // commercial dispute), 400.00 promised for 02-20 (paid a day late, on
    // 02-21), a plan of two instalments of 300.00 (03-15, 04-15) agreed on
    // 03-01, the debt acknowledged on 03-05, a faillite opened on 05-04,
    // published 05-06, claims to lodge by 05-24.
    let dir = lu_folder(
        "after 10 days send relance_1 by email\n",
        LU_DEBTORS,
        "date,type,invoice,debtor,amount,due,until,reason,procedure,published\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,,,,\n\
         2026-02-02,hold,F-1,,,,2026-02-06,litige commercial,,\n\
         2026-02-10,promise,F-1,,400.00,,2026-02-20,,,\n\
         2026-02-21,payment,F-1,,400.00,,,,,\n\
         2026-03-01,instalment,F-1,,300.00,2026-03-15,,,,\n\
         2026-03-01,instalment,F-1,,300.00,2026-04-15,,,,\n\
         2026-03-05,acknowledge,F-1,,,,,,,\n\
         2026-05-04,insolvency,,ACME,,,2026-05-24,,faillite,2026-05-06\n",
    );
    std::fs::write(dir.path().join("journal.jsonl"), "").unwrap();
    let output = policy_in(dir.path())
        .args([
            "dossier",
            "F-1",
            "--journal",
            "journal.jsonl",
            "--ledger",
            "ledger.csv",
            "--as-of",
            "2026-06-01",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", collapse(&output.stderr));
    // Money is written with no-break spaces.
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    for row in [
        "| 2 février 2026 | Suspension des relances jusqu'au 6 février 2026 inclus : litige commercial |  |",
        "| 10 février 2026 | Promesse de paiement pour le 20 février 2026 | 400,00 € |",
        "| 1er mars 2026 | Échéancier : échéance du 15 mars 2026 | 300,00 € |",
        "| 1er mars 2026 | Échéancier : échéance du 15 avril 2026 | 300,00 € |",
        "| 5 mars 2026 | Reconnaissance de dette |  |",
        "| 4 mai 2026 | Ouverture d'une procédure collective (faillite), publiée le 6 mai 2026, \
         déclaration des créances avant le 24 mai 2026 |  |",
    ] {
        assert!(text.contains(row), "{row}\n{text}");
    }
}

#[test]
fn an_acknowledgment_restarts_the_limitation_period() {
    // French B2B claims are time-barred 5 years after they fall due (C.
    // com. L110-4; C. civ. 2224). Both invoices fall due on 2020-01-31;
    // the route, 62 months later, on 2025-03-31. F-1's period ended on
    // 2025-01-31: not routed. BETA acknowledged its debts on 2023-06-01
    // (a debtor-wide row): F-2's period runs again from then, to
    // 2028-06-01, so F-2 is routed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "policy \"T\"\njurisdiction FR\ncurrency EUR\napplies to b2b\n\n\
         after 45 days send mise_en_demeure by recommandé\n\
         after 62 months route tribunal_de_commerce with injonction_de_payer\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind,country,email,address\n\
         ACME,Acme SARL,b2b,FR,a@acme.example,\"1 rue X, 75002 Paris\"\n\
         BETA,Beta SAS,b2b,FR,b@beta.example,\"2 rue X, 75002 Paris\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n\
         2020-01-01,invoice,F-1,ACME,1000.00,2020-01-31\n\
         2020-01-01,invoice,F-2,BETA,1000.00,2020-01-31\n\
         2023-06-01,acknowledge,,BETA,,\n",
    )
    .unwrap();
    let output = policy_in(dir.path())
        .args([
            "simulate",
            "p.policy",
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--from",
            "2020-01-01",
            "--to",
            "2026-12-31",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = collapse(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("2025-03-31,F-2,BETA,2,route,tribunal_de_commerce"),
        "{stdout}"
    );
    assert!(!stdout.contains("F-1,ACME,2,route"), "{stdout}");
    assert!(stderr.contains("policy::limitation_period"), "{stderr}");
    assert!(
        stderr.contains(
            "invoice `F-1` of `ACME` (line 2 of the debtors file) is not routed on 2025-03-31: \
             the claim is time-barred: 5 years from its due date, 2020-01-31"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("(C. civ. art. 2240)"), "{stderr}");
    assert!(!stderr.contains("`F-2`"), "{stderr}");
}

/// The proof of claim's template: to the recipient by name, with every
/// mandatory mention.
fn proof_of_claim_template() -> String {
    format!(
        "Destinataire : {{{{ recipient.name }}}}, {{{{ recipient.address }}}}\n{}",
        common::text_letter("Déclaration de créance")
    )
}

#[test]
fn only_a_handler_of_the_insolvency_writes_to_the_mandataire() {
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         after 45 days send mise_en_demeure by recommandé to debtor, mandataire\n",
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("policy::mandataire_recipient"), "{text}");
    assert!(
        text.contains("only a handler of the insolvency can write to the mandataire"),
        "{text}"
    );
    assert!(text.contains("p.policy:3:15"), "{text}");
    assert!(
        text.contains("`on insolvency send declaration_de_creance by recommandé to mandataire`"),
        "{text}"
    );
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on insolvency send declaration_de_creance by recommandé to mandataire\n",
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn run_sends_the_proof_of_claim_to_the_mandataire_and_waits_for_a_missing_address() {
    // Both debtors enter a faillite on 2026-03-02 (the judgment's date):
    // the handler fires that day. ACME's row names its curateur, with an
    // address: the letter goes to him. BETA's row has no
    // `mandataire_address`: its letter is not produced (a located
    // warning, as for a debtor without an address), ACME's goes out, and
    // it waits for the next run.
    let dir = lu_folder(
        "on insolvency send declaration_de_creance by courrier to mandataire\n",
        "id,name,kind,country,email,address,mandataire_name,mandataire_address\n\
         ACME,Acme SARL,b2b,LU,compta@acme.example,\"1 rue de la Gare, 1611 Luxembourg\",\
         Me Curateur,\"5 avenue de la Liberté, 1930 Luxembourg\"\n\
         BETA,Beta SA,b2b,LU,compta@beta.example,\"2 rue de la Gare, 1611 Luxembourg\",,\n",
        "date,type,invoice,debtor,amount,due,until,procedure,published\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,,,\n\
         2026-01-01,invoice,F-2,BETA,800.00,2026-01-31,,,\n\
         2026-03-02,insolvency,,ACME,,,2026-03-22,faillite,2026-03-04\n\
         2026-03-02,insolvency,,BETA,,,2026-03-22,faillite,2026-03-04\n",
    );
    std::fs::write(
        dir.path().join("templates/declaration_de_creance.txt"),
        proof_of_claim_template(),
    )
    .unwrap();
    let output = run(dir.path(), "2026-03-02");
    let stderr = collapse(&output.stderr);
    let files = outbox(dir.path());
    let letters: Vec<&String> = files
        .iter()
        .filter(|f| f.contains("declaration_de_creance") && !f.ends_with(".csv"))
        .collect();
    assert_eq!(letters.len(), 1, "{files:?}\n{stderr}");
    assert!(letters[0].contains("ACME"), "{files:?}");
    let letter =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("out").join(letters[0])).unwrap())
            .into_owned();
    assert!(
        letter.contains("Destinataire : Me Curateur, 5 avenue de la Liberté, 1930 Luxembourg"),
        "{letter}"
    );
    assert!(stderr.contains("policy::no_address"), "{stderr}");
    assert!(
        stderr.contains("no postal address for the mandataire of BETA (Beta SA)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fill the `mandataire_address` column"),
        "{stderr}"
    );
    let code = output.status.code();
    // Once the address is known, the next run sends BETA's letter.
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind,country,email,address,mandataire_name,mandataire_address\n\
         ACME,Acme SARL,b2b,LU,compta@acme.example,\"1 rue de la Gare, 1611 Luxembourg\",\
         Me Curateur,\"5 avenue de la Liberté, 1930 Luxembourg\"\n\
         BETA,Beta SA,b2b,LU,compta@beta.example,\"2 rue de la Gare, 1611 Luxembourg\",\
         Me Autre,\"7 rue Haute, 1718 Luxembourg\"\n",
    )
    .unwrap();
    let again = run(dir.path(), "2026-03-03");
    assert!(again.status.success(), "{}", collapse(&again.stderr));
    let now: Vec<String> = outbox(dir.path())
        .into_iter()
        .filter(|f| f.contains("declaration_de_creance") && !f.ends_with(".csv"))
        .collect();
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now.iter().any(|f| f.contains("BETA")), "{now:?}");
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn run_makes_the_proof_of_claim_a_task_with_its_deadline_and_the_claim_at_the_opening() {
    // Acme's faillite opens on 2026-03-02 (published 03-04; the judgment
    // sets 03-22 to lodge claims). F-1, 1,000.00 due 2026-01-31, unpaid.
    // The claim as of the opening judgment, as `policy dossier` computes
    // it (Luxembourg, B2B): interest at 10.15 % (ECB 2.15 % + 8 points)
    // from 02-01 to 03-02 included, 30 days: 1000 × 0.1015 × 30 / 365 =
    // 8.34; the indemnity 40.00; 1,048.34 in all. The run of 03-02 writes
    // the letter to the curateur and the task; the next run nothing more.
    let dir = lu_folder(
        "on insolvency send declaration_de_creance by courrier to mandataire\n",
        "id,name,kind,country,email,address,mandataire_name,mandataire_address,mandataire_email\n\
         ACME,Acme SARL,b2b,LU,compta@acme.example,\"1 rue de la Gare, 1611 Luxembourg\",\
         Me Curateur,\"5 avenue de la Liberté, 1930 Luxembourg\",curateur@avocats.example\n",
        "date,type,invoice,debtor,amount,due,until,procedure,published\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,,,\n\
         2026-03-02,insolvency,,ACME,,,2026-03-22,faillite,2026-03-04\n",
    );
    std::fs::write(
        dir.path().join("templates/declaration_de_creance.txt"),
        proof_of_claim_template(),
    )
    .unwrap();
    let first = run(dir.path(), "2026-03-02");
    assert!(first.status.success(), "{}", collapse(&first.stderr));
    let files = outbox(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
    let task = files
        .iter()
        .find(|f| f.ends_with(".csv"))
        .unwrap_or_else(|| panic!("no task in {files:?}"));
    let text = std::fs::read_to_string(dir.path().join("out").join(task)).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{text}");
    let cell = |name: &str| -> String {
        let i = header.iter().position(|h| h == name).unwrap();
        rows[0][i].to_string()
    };
    assert_eq!(cell("action"), "proof_of_claim", "{text}");
    assert_eq!(cell("target"), "mandataire", "{text}");
    assert_eq!(cell("procedure"), "faillite", "{text}");
    assert_eq!(cell("invoices"), "F-1", "{text}");
    assert_eq!(cell("deadline"), "2026-03-22", "{text}");
    assert_eq!(cell("principal"), "1000.00", "{text}");
    assert_eq!(cell("interest"), "8.34", "{text}");
    assert_eq!(cell("indemnity"), "40.00", "{text}");
    assert_eq!(cell("amount_claimed"), "1048.34", "{text}");
    assert_eq!(cell("email"), "curateur@avocats.example", "{text}");
    assert!(
        cell("note").contains(
            "opened on 2026-03-02, published on 2026-03-04; lodge the claim by 2026-03-22"
        ),
        "{text}"
    );
    // Journaled once: the next run adds nothing.
    let second = run(dir.path(), "2026-03-03");
    assert!(second.status.success(), "{}", collapse(&second.stderr));
    assert_eq!(outbox(dir.path()), files);
    let channels: Vec<String> = journal(dir.path())
        .iter()
        .map(|r| &r["entry"])
        .filter(|e| e["kind"] == "intent")
        .map(|e| e["action"]["channel"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        channels,
        vec!["courrier".to_string(), "proof_of_claim".to_string()]
    );
    // The dossier, in French, tells the letter and the task apart.
    let dossier = policy_in(dir.path())
        .args([
            "dossier",
            "ACME",
            "--journal",
            "journal.jsonl",
            "--ledger",
            "ledger.csv",
            "--as-of",
            "2026-03-03",
        ])
        .output()
        .unwrap();
    assert!(dossier.status.success(), "{}", collapse(&dossier.stderr));
    let text = String::from_utf8(dossier.stdout).unwrap();
    assert!(
        text.contains("par courrier simple (mandataire judiciaire ou curateur)"),
        "{text}"
    );
    assert!(text.contains("déclaration de créance à établir"), "{text}");
}

#[test]
fn simulate_counts_the_steps_the_stay_holds_back_per_insolvent_debtor() {
    // F-1 (1,000.00) and F-2 (500.00), both due 2026-01-31: relance_1 on
    // 02-10 for both; Acme's liquidation opens on 02-20 (published 02-25):
    // the proof of claim goes to the mandataire that day for both; the
    // mise en demeure (03-02) and the call (03-12) of both invoices are
    // stayed: 4 steps held back. The deadline: two months from the
    // publication, 04-25 (R622-24). The claim as of 02-20: 1,500.00, the
    // indemnity 2 × 40.00, interest at 12.15 % (ECB 2.15 % + 10 points)
    // for 20 days (02-01 to 02-20): 1500 × 0.1215 × 20 / 365 = 9.99.
    let dir = book(
        "after 10 days send relance_1 by email\n\
         after 30 days send mise_en_demeure by recommandé\n\
         after 40 days call debtor\n\
         on insolvency send declaration_de_creance by recommandé to mandataire\n",
        "date,type,invoice,debtor,amount,due,until,procedure,published\n\
         2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31,,,\n\
         2026-01-01,invoice,F-2,ACME,500.00,2026-01-31,,,\n\
         2026-02-20,insolvency,,ACME,,,,liquidation,2026-02-25\n",
    );
    let output = policy_in(dir.path())
        .args([
            "simulate",
            "p.policy",
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
    assert!(output.status.success(), "{}", collapse(&output.stderr));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let insolvency = &value["summary"]["exceptions"]["insolvencies"][0];
    assert_eq!(insolvency["debtor"], "ACME", "{insolvency}");
    assert_eq!(insolvency["steps_stayed"], 4, "{insolvency}");
    assert_eq!(insolvency["deadline"], "2026-04-25", "{insolvency}");
    assert_eq!(insolvency["claim"], "1589.99", "{insolvency}");
    // The table says it too, and the CSV names the mandataire.
    let table = policy_in(dir.path())
        .args([
            "simulate",
            "p.policy",
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
    let text = collapse(&table.stdout);
    assert!(
        text.contains("claim (EUR) steps stayed ACME liquidation judiciaire 2026-02-20 2026-04-25 1500.00 9.99 80.00 1589.99 4"),
        "{text}"
    );
    let csv = policy_in(dir.path())
        .args([
            "simulate",
            "p.policy",
            "--ledger",
            "ledger.csv",
            "--debtors",
            "debtors.csv",
            "--to",
            "2026-12-31",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.contains(
            "2026-02-20,F-1,ACME,4,send,declaration_de_creance,recommandé,mandataire,1000.00,"
        ),
        "{csv}"
    );
    assert!(!csv.contains("mise_en_demeure"), "{csv}");
}

#[test]
fn diff_matches_a_reminder_before_the_due_date_and_sees_it_move() {
    // F-1 due 2026-01-31: 5 days before is 01-26, 3 days before 01-28.
    let dir = book(
        "5 days before due send rappel_amiable by email\nafter 15 days send relance_1 by email\n",
        "date,type,invoice,debtor,amount,due\n2026-01-01,invoice,F-1,ACME,1000.00,2026-01-31\n",
    );
    let text = std::fs::read_to_string(dir.path().join("p.policy")).unwrap();
    std::fs::write(
        dir.path().join("q.policy"),
        text.replace("5 days before due", "3 days before due"),
    )
    .unwrap();
    let output = policy_in(dir.path())
        .args([
            "diff",
            "p.policy",
            "q.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2026-12-31",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["counts"]["moved"], 1, "{value}");
    assert_eq!(value["counts"]["added"], 0, "{value}");
    let change = &value["invoices"][0]["changes"][0];
    assert_eq!(change["step"], "send rappel_amiable", "{change}");
    assert_eq!(change["change"], "moved", "{change}");
    assert_eq!(change["before"]["date"], "2026-01-26", "{change}");
    assert_eq!(change["after"]["date"], "2026-01-28", "{change}");
}

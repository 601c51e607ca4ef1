#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `policy dossier` as a lawyer's assistant runs it: the file of an invoice
//! and of a debtor, from a journal written through the journal's own API
//! (as `policy run` writes it), a ledger and a debtors file.
//!
//! The book (Luxembourg, B2B, so 8 points over the ECB rate, interest from
//! the day after the due date, 40 EUR per late invoice):
//! - F-2025-090, 500.00, paid on time: left out of the debtor's dossier;
//! - F-2025-101, 1,200.00 due 1 Oct 2025, unpaid;
//! - F-2025-117, 800.00 due 15 Oct 2025, 300.00 paid on 20 Nov 2025.
//!
//! The journal: a relance by e-mail accepted by the SMTP server (16 Oct); a
//! relance by e-mail the server refused, so aborted (1 Nov); a relance by
//! post (1 Nov); the mise en demeure by registered letter to the debtor and
//! to the guarantor (15 Nov); and another debtor's relance, which no dossier
//! of ACME may show.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use policy::journal::{Action, Deliver, Delivery, Journal, Options, StepRef};

const AS_OF: &str = "2026-03-31";

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

struct Book {
    dir: tempfile::TempDir,
}

impl Book {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `policy dossier ID` run in the book's folder, with relative paths, so
    /// that the dossier names its files the same way in every test run.
    fn dossier(&self, id: &str) -> Command {
        let mut cmd = policy();
        cmd.current_dir(self.dir.path()).args([
            "dossier",
            id,
            "--journal",
            "journal.jsonl",
            "--ledger",
            "ledger.csv",
            "--as-of",
            AS_OF,
        ]);
        cmd
    }
}

const LEDGER: &str = "\
date,type,invoice,debtor,amount,due,description
2025-08-01,invoice,F-2025-090,ACME,500.00,2025-08-31,Maintenance août
2025-08-25,payment,F-2025-090,,500.00,,
2025-09-01,invoice,F-2025-101,ACME,1200.00,2025-10-01,Chantier Nord
2025-09-15,invoice,F-2025-117,ACME,800.00,2025-10-15,Chantier Sud | lot 2
2025-11-20,payment,F-2025-117,,300.00,,
2025-09-10,invoice,B-7,BETA,900.00,2025-10-10,
";

const DEBTORS: &str = "\
id,name,kind,country,email,address,guarantor,guarantor_address
ACME,ACME Sàrl & Fils,b2b,LU,compta@acme.lu,\"12 rue de la Gare
L-1611 Luxembourg\",Jean Caution,\"3 rue Principale, L-4001 Esch-sur-Alzette\"
BETA,Beta <SA>,b2b,BE,compta@beta.be,\"1 avenue Louise, 1000 Bruxelles\",,
";

const POLICY: &str = "\
policy \"Recouvrement B2B Luxembourg\"
jurisdiction LU

after 15 days send relance_1 by email
after 30 days send relance_2 by email, courrier
after 45 days send mise_en_demeure by recommandé to debtor, guarantor
";

const FIRM: &str = "\
name = \"Fiduciaire Martin SA\"
address = \"12 avenue de la Liberté\\nL-1930 Luxembourg\"
email = \"recouvrement@martin.lu\"
company_id = \"RCS B123456\"
iban = \"LU28 0019 4006 4475 0000\"
";

fn oct16() -> String {
    "2025-10-16T08:00:00Z".into()
}
fn nov01() -> String {
    "2025-11-01T08:00:00Z".into()
}
fn nov15() -> String {
    "2025-11-15T08:00:00Z".into()
}

/// An SMTP server that answers the same thing to every message.
struct Server(Delivery);

impl Deliver for Server {
    fn deliver(&mut self, _: &Action, _: &[u8]) -> Delivery {
        self.0.clone()
    }
}

fn action(
    date: &str,
    debtor: &str,
    invoices: &[&str],
    (template, line): (&str, usize),
    (channel, recipient, to): (&str, &str, &str),
    claimed: &str,
) -> Action {
    Action {
        date: date.parse().unwrap(),
        debtor: debtor.into(),
        invoices: invoices.iter().map(|s| s.to_string()).collect(),
        step: StepRef {
            id: format!("send {template}"),
            line,
            target: template.into(),
        },
        channel: channel.into(),
        recipient: recipient.into(),
        to: to.into(),
        claimed: Some(claimed.parse().unwrap()),
        currency: Some("EUR".into()),
        policy: None,
        lines: Vec::new(),
    }
}

/// Performs `action` with a letter's bytes, through `server` for e-mails.
fn perform(journal: &mut Journal, outbox: &Path, action: Action, server: Option<&mut Server>) {
    let ext = if action.channel == "email" {
        "eml"
    } else {
        "html"
    };
    let path = action.file_name(ext);
    let bytes = format!(
        "{} pour {} ({})\n",
        action.step.target,
        action.recipient,
        action.invoices.join(", ")
    );
    journal
        .perform(
            action,
            &path,
            bytes.as_bytes(),
            outbox,
            server.map(|s| s as &mut dyn Deliver),
        )
        .unwrap();
}

/// Opens the journal. Another test of this binary may be starting a
/// `policy` process at that moment: between its fork and its exec, the
/// child holds a copy of every descriptor of this process, the journal's
/// lock included, and the open is refused as "in use by process N" (this
/// one). Such a hold lasts until the child's exec: try again.
fn open(journal: &Path, options: impl Fn() -> Options) -> Journal {
    let mut tries = 0;
    loop {
        match Journal::open(journal, options()) {
            Ok(journal) => return journal,
            Err(d) if d.code == policy::diagnostic::Code::JournalLocked && tries < 200 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(d) => panic!("{d:?}"),
        }
    }
}

fn book() -> Book {
    let dir = tempfile::tempdir().unwrap();
    let book = Book { dir };
    std::fs::write(book.path("ledger.csv"), LEDGER).unwrap();
    std::fs::write(book.path("debtors.csv"), DEBTORS).unwrap();
    std::fs::write(book.path("lu.policy"), POLICY).unwrap();
    std::fs::write(book.path("firm.toml"), FIRM).unwrap();
    let journal = book.path("journal.jsonl");
    let outbox = book.path("outbox");
    let options = |run: &str, clock: fn() -> String| Options {
        run: Some(run.into()),
        hook: None,
        clock: Some(clock),
    };
    let address = "12 rue de la Gare\nL-1611 Luxembourg";

    let mut j = open(&journal, || options("20251016T080000Z-4121", oct16));
    let mut accepted = Server(Delivery::Accepted(
        "250 2.0.0 Ok: queued as 4XkQ1b2Z".into(),
    ));
    perform(
        &mut j,
        &outbox,
        action(
            "2025-10-16",
            "ACME",
            &["F-2025-101"],
            ("relance_1", 4),
            ("email", "debtor", "compta@acme.lu"),
            "1240.00",
        ),
        Some(&mut accepted),
    );
    perform(
        &mut j,
        &outbox,
        action(
            "2025-10-16",
            "BETA",
            &["B-7"],
            ("relance_1", 4),
            ("email", "debtor", "compta@beta.be"),
            "940.00",
        ),
        Some(&mut accepted),
    );
    drop(j);

    let mut j = open(&journal, || options("20251101T080000Z-5007", nov01));
    let mut refusing = Server(Delivery::Refused(
        "550 5.1.1 <compta@acme.lu>: mailbox unavailable".into(),
    ));
    perform(
        &mut j,
        &outbox,
        action(
            "2025-11-01",
            "ACME",
            &["F-2025-117"],
            ("relance_1", 4),
            ("email", "debtor", "compta@acme.lu"),
            "840.00",
        ),
        Some(&mut refusing),
    );
    perform(
        &mut j,
        &outbox,
        action(
            "2025-11-01",
            "ACME",
            &["F-2025-101", "F-2025-117"],
            ("relance_2", 5),
            ("courrier", "debtor", address),
            "2080.00",
        ),
        None,
    );
    drop(j);

    let mut j = open(&journal, || options("20251115T080000Z-6110", nov15));
    for (recipient, to) in [
        ("debtor", address),
        (
            "guarantor",
            "Jean Caution\n3 rue Principale, L-4001 Esch-sur-Alzette",
        ),
    ] {
        perform(
            &mut j,
            &outbox,
            action(
                "2025-11-15",
                "ACME",
                &["F-2025-101", "F-2025-117"],
                ("mise_en_demeure", 6),
                ("recommandé", recipient, to),
                "1786.00",
            ),
            None,
        );
    }
    book
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn invoice_dossier_in_markdown_and_html() {
    let book = book();
    let markdown = stdout(&mut book.dossier("F-2025-117"));
    insta::assert_snapshot!("invoice_markdown", markdown);
    let html = stdout(book.dossier("F-2025-117").args(["--format", "html"]));
    insta::assert_snapshot!("invoice_html", html);
}

#[test]
fn debtor_dossier_in_markdown_and_html() {
    let book = book();
    let markdown = stdout(book.dossier("ACME").args(["--policy", "lu.policy"]));
    insta::assert_snapshot!("debtor_markdown", markdown);
    let html = stdout(
        book.dossier("ACME")
            .args(["--policy", "lu.policy", "--format", "html"]),
    );
    insta::assert_snapshot!("debtor_html", html);
}

/// The figures, computed by hand (docs/money.md): LU B2B, ECB rate in force
/// on 1 July 2025 and on 1 January 2026 both 2.15 %, so 10.15 % a year
/// throughout; a day accrues `principal × 10.15 / 100 / 365` on what was
/// owed at the end of the day before; rounded to the cent once per invoice.
///
/// - F-2025-101: 1,200.00 from 2 Oct 2025 to 31 Mar 2026 = 30 + 30 + 31 +
///   31 + 28 + 31 = 181 days: 1,200 × 10.15 × 181 / 36,500 = 60.399452… →
///   **60.40**.
/// - F-2025-117: 800.00 from 16 Oct to 20 Nov 2025 (the payment day still
///   accrues on 800) = 16 + 20 = 36 days: 800 × 10.15 × 36 / 36,500 =
///   8.008767…; then 500.00 from 21 Nov 2025 to 31 Mar 2026 = 10 + 31 + 31 +
///   28 + 31 = 131 days: 500 × 10.15 × 131 / 36,500 = 18.214383…; total
///   26.223150… → **26.22**.
/// - Indemnity: 40.00 per late invoice: **80.00**.
/// - Principal: 1,200.00 + 500.00 = **1,700.00**.
/// - Total: 1,700.00 + 60.40 + 26.22 + 80.00 = **1,866.62**; for F-2025-117
///   alone: 500.00 + 26.22 + 40.00 = **566.22**.
#[test]
fn claimed_figures_match_the_hand_computation() {
    let book = book();
    let nbsp = |s: &str| s.replace(' ', "\u{202F}").replace('€', "\u{A0}€");
    let debtor = stdout(&mut book.dossier("ACME"));
    let total = format!(
        "| **Total** |  | **{}** | **{}** | **{}** | **{}** |",
        nbsp("1 700,00€"),
        nbsp("86,62€"),
        nbsp("80,00€"),
        nbsp("1 866,62€")
    );
    assert!(debtor.contains(&total), "{debtor}");
    let f101 = format!(
        "| `F-2025-101` | 1er octobre 2025 | {} | {} | {} | {} |",
        nbsp("1 200,00€"),
        nbsp("60,40€"),
        nbsp("40,00€"),
        nbsp("1 300,40€")
    );
    assert!(debtor.contains(&f101), "{debtor}");
    let invoice = stdout(&mut book.dossier("F-2025-117"));
    let total = format!(
        "| **Total** |  | **{}** | **{}** | **{}** | **{}** |",
        nbsp("500,00€"),
        nbsp("26,22€"),
        nbsp("40,00€"),
        nbsp("566,22€")
    );
    assert!(invoice.contains(&total), "{invoice}");
}

#[test]
fn the_mise_en_demeure_and_its_notice_period_stand_out() {
    let book = book();
    let markdown = stdout(&mut book.dossier("ACME"));
    assert!(
        markdown.contains(
            "> **Mise en demeure** adressée au débiteur par lettre recommandée pour les factures \
             F-2025-101, F-2025-117, envoyée le **15 novembre 2025**"
        ),
        "{markdown}"
    );
    // Sent on Saturday 15 November 2025: received on the third working day
    // after (Monday 17, Tuesday 18, Wednesday 19); 15 days from then.
    assert!(
        markdown.contains(
            "Point de départ du délai de paiement : **19 novembre 2025** (réception présumée le \
             troisième jour ouvrable suivant l'envoi)"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("il a expiré le **4 décembre 2025**"),
        "{markdown}"
    );
    let html = stdout(book.dossier("ACME").args(["--format", "html"]));
    assert_eq!(html.matches("<tr class=\"notice\">").count(), 4, "{html}");
    assert!(html.contains("<div class=\"notice\">"));
}

#[test]
fn other_debtors_actions_stay_out() {
    let book = book();
    let markdown = stdout(&mut book.dossier("ACME"));
    assert!(!markdown.contains("B-7"), "{markdown}");
    assert!(!markdown.contains("compta@beta.be"), "{markdown}");
    // F-2025-090 was paid on time, with no action: left out, and counted.
    assert!(!markdown.contains("F-2025-090"), "{markdown}");
    assert!(markdown.contains("1 autre(s) facture(s)"), "{markdown}");
}

#[test]
fn output_files_take_their_format_from_their_name() {
    let book = book();
    book.dossier("ACME")
        .args(["-o", "dossier.md", "-o", "dossier.html"])
        .assert()
        .code(0)
        .stdout("");
    let md = std::fs::read_to_string(book.path("dossier.md")).unwrap();
    let html = std::fs::read_to_string(book.path("dossier.html")).unwrap();
    assert_eq!(md, stdout(&mut book.dossier("ACME")));
    assert_eq!(
        html,
        stdout(book.dossier("ACME").args(["--format", "html"]))
    );

    let out = book
        .dossier("ACME")
        .args(["-o", "dossier.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::dossier_output"), "{stderr}");
    assert!(!book.path("dossier.pdf").exists());
}

#[test]
fn a_tampered_journal_is_refused() {
    let book = book();
    let journal = book.path("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    // Someone "corrects" the date of the mise en demeure.
    let tampered = text.replacen("\"date\":\"2025-11-15\"", "\"date\":\"2025-11-05\"", 1);
    assert_ne!(tampered, text);
    std::fs::write(&journal, tampered).unwrap();
    let out = book.dossier("ACME").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::journal_altered"), "{stderr}");
    assert!(stderr.contains("does not match its hash"), "{stderr}");
    assert!(stderr.contains("ALTERED"), "{stderr}");
}

#[test]
fn a_missing_journal_is_an_io_failure() {
    let book = book();
    std::fs::remove_file(book.path("journal.jsonl")).unwrap();
    let out = book.dossier("ACME").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("policy::io"));
}

#[test]
fn an_unknown_id_suggests_the_closest() {
    let book = book();
    let out = book.dossier("F-2025-10").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    insta::assert_snapshot!("unknown_id", stderr);

    let out = book.dossier("debtor:ACNE").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no debtor `ACNE`"), "{stderr}");
    assert!(stderr.contains("did you mean `ACME`?"), "{stderr}");
}

#[test]
fn a_debtor_outside_fr_be_lu_needs_a_policy() {
    let book = book();
    let debtors = DEBTORS.replace("b2b,LU,", "b2b,DE,");
    std::fs::write(book.path("debtors.csv"), debtors).unwrap();
    let out = book.dossier("ACME").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("policy::dossier_no_jurisdiction"),
        "{stderr}"
    );
    assert!(stderr.contains("--policy"), "{stderr}");
    // With the policy, its jurisdiction decides.
    let markdown = stdout(book.dossier("ACME").args(["--policy", "lu.policy"]));
    assert!(
        markdown.contains("Luxembourg (LU), juridiction de la politique lu.policy"),
        "{markdown}"
    );
}

/// docs/dossier.md shows this output as it is, made from the book shipped
/// in examples/dossier/ (which a user can run it on): both must stay so.
/// `UPDATE_DOCS=1 cargo test --test dossier documented` copies them again.
#[test]
fn the_documented_example_is_the_real_output() {
    let book = book();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dossier");
    let files = [
        "ledger.csv",
        "debtors.csv",
        "journal.jsonl",
        "journal.jsonl.head",
    ];
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    for name in files {
        let made = std::fs::read(book.path(name)).unwrap();
        if update {
            std::fs::create_dir_all(&shipped).unwrap();
            std::fs::write(shipped.join(name), &made).unwrap();
        }
        assert_eq!(
            std::fs::read(shipped.join(name)).unwrap_or_default(),
            made,
            "examples/dossier/{name} differs from the test's book: copy it again \
             (`UPDATE_DOCS=1 cargo test --test dossier documented`)"
        );
    }
    let mut cmd = policy();
    cmd.current_dir(&shipped).args([
        "dossier",
        "F-2025-117",
        "--journal",
        "journal.jsonl",
        "--ledger",
        "ledger.csv",
        "--as-of",
        AS_OF,
    ]);
    let markdown = stdout(&mut cmd);
    let docs = std::fs::read_to_string("docs/dossier.md").unwrap();
    let block = format!("````markdown\n{markdown}````");
    if update {
        let start = docs.find("````markdown\n").unwrap();
        let end = start + 4 + docs[start + 4..].find("````").unwrap() + 4;
        let docs = format!("{}{block}{}", &docs[..start], &docs[end..]);
        std::fs::write("docs/dossier.md", docs).unwrap();
        return;
    }
    assert!(
        docs.contains(&block),
        "docs/dossier.md's example differs from the output: copy it again \
         (`UPDATE_DOCS=1 cargo test --test dossier documented`)"
    );
}

/// Field report, point 4: without `--policy`, the dossier applies the law
/// of the policy the letters were sent under (the journal records it), not
/// the debtor's country, and claims no indemnity or interest before the
/// policy's charge steps have fired.
#[test]
fn the_claim_follows_the_policy_the_journal_records() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = dir.path().join("templates/lu");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(root.join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the language folders (de/)
        }
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        root.join("policies/lu-b2b.policy"),
        dir.path().join("lu.policy"),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/ledger.csv"),
        dir.path().join("ledger.csv"),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/firm.toml"),
        dir.path().join("firm.toml"),
    )
    .unwrap();
    // D00003 lives in Belgium; the firm chases it under its Luxembourg policy.
    let debtors = std::fs::read_to_string(root.join("examples/debtors.csv")).unwrap();
    let debtors: String = debtors
        .lines()
        .map(|l| {
            if l.starts_with("D00003,") {
                l.replace(",LU,", ",BE,")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(debtors.contains("D00003,Plomberie Moreau SA,b2b,BE,"));
    std::fs::write(dir.path().join("debtors.csv"), debtors + "\n").unwrap();
    let run = |day: &str| {
        policy()
            .current_dir(dir.path())
            .args([
                "run",
                "lu.policy",
                "--accept-stale",
                "--ledger",
                "ledger.csv",
                "--journal",
                "j.jsonl",
            ])
            .args(["--outbox", "out", "--quiet", "--as-of", day])
            .assert()
            .code(0);
    };
    // Money is written with no-break spaces (`1 234,56 €`): compared here
    // with plain ones.
    let dossier = |day: &str| {
        stdout(
            policy()
                .current_dir(dir.path())
                .args([
                    "dossier",
                    "D00003",
                    "--journal",
                    "j.jsonl",
                    "--ledger",
                    "ledger.csv",
                ])
                .args(["--quiet", "--as-of", day]),
        )
        .replace(['\u{a0}', '\u{202f}'], " ")
    };
    run("2026-11-23");
    run("2026-12-08");
    let before = dossier("2026-12-10");
    assert!(
        before.contains(
            "Droit applicable : Luxembourg (LU), juridiction de la politique lu.policy (version "
        ),
        "{before}"
    );
    // Two reminders, no charge step yet: principal only.
    assert!(
        before.contains("non réclamés par les courriers envoyés"),
        "{before}"
    );
    assert!(before.contains("| **0,00 €** |"), "{before}");

    run("2026-12-16");
    run("2026-12-23");
    let after = dossier("2026-12-31");
    // The mise en demeure charged the indemnity and the interest, at the
    // Luxembourg rate (ECB + 8: 10,15 %), not the Belgian one (10,5 %).
    assert!(after.contains("| **160,00 €** |"), "{after}");
    assert!(after.contains("10,15 %"), "{after}");
    assert!(
        !after.contains("10,5 %") && !after.contains("10,50 %"),
        "{after}"
    );
}

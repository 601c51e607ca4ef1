//! Payments from the bank (issue 15, point 2): `policy import camt053`,
//! `camt054` and `coda` on statements made the way banks make them
//! (tests/fixtures/bank/: a camt.053.001.02 with a batched entry of three
//! transactions, structured references in `RmtInf/Strd/CdtrRefInf`, free
//! `Ustrd` text, a debit and a pending entry; a camt.054.001.08 notification;
//! a CODA 2 file of 128-character records written by `make_coda.py`).
//!
//! The book (tests/fixtures/bank/ledger.csv), open balances before import:
//!
//! | invoice | debtor | open |
//! | --- | --- | ---: |
//! | 260101 | ACME | 1200.00 |
//! | 260102 | ACME | 800.00 |
//! | 260103 | BOUL | 450.00 |
//! | 260104 | BOUL | 300.00 |
//! | 260105 | GARA | 1000.00 (1500 less 500 paid) |
//! | 260106 | GARA | 250.00 |
//! | 260107, 260108 | DEKK | 99.90 each |
//! | 260109 | DEKK | 0 (paid) |
//! | 260110 | BOUL | 300.00 |
//!
//! The camt.053's credits and what must become of them:
//! 1. 1200.00, `Strd` reference 000026010144 = `+++000/0260/10144+++`
//!    (260101: 260101 mod 97 = 44) → 260101 by reference;
//! 2. a batch of three: 450.00 "Facture 260103 / Peeters" → 260103 by
//!    number; 600.00 `RF66260105` → 260105 by reference, partial (400.00
//!    stays open); 199.80 "Fact. 260107 + 260108" → split 99.90 + 99.90;
//! 3. 800.00 from ACME's IBAN, no reference → 260102, ACME's only open
//!    invoice of exactly 800.00;
//! 4. 300.00 from BOUL's IBAN → ambiguous (260104 and 260110 both owe
//!    300.00): review;
//! 5. 40.00 "Factuur 260109" → already paid: review;
//! 6. a debit (bank charges): left aside;
//! 7. 75.00 `+++000/0999/99926+++` (valid, not the book's), unknown IBAN:
//!    review;
//! 8. a pending (`PDNG`) credit: not booked, not imported.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bank")
        .join(name)
}

/// A folder with the book.
fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["ledger.csv", "debtors.csv"] {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn import(dir: &Path, kind: &str, file: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .args(["import", kind])
        .arg(file)
        .args(["--ledger", "ledger.csv"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ledger(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("ledger.csv")).unwrap()
}

/// The rows the import appended.
fn appended(dir: &Path) -> Vec<String> {
    let original = std::fs::read_to_string(fixture("ledger.csv")).unwrap();
    ledger(dir)[original.len()..]
        .lines()
        .map(str::to_string)
        .collect()
}

fn review(dir: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join("bank-review.csv")).unwrap();
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn a_camt053_statement_is_matched_split_and_reviewed() {
    let dir = book();
    let (code, stdout, stderr) = import(dir.path(), "camt053", &fixture("camt053.xml"));
    assert_eq!(code, 1, "credits to review are findings\n{stdout}{stderr}");
    assert!(
        stdout.contains("1 statement, 8 credits (1 debit left aside)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("matched: 5 credits, appended 6 payment rows"),
        "{stdout}"
    );
    assert_eq!(
        appended(dir.path()),
        [
            "2026-11-20,payment,260101,,1200.00,",
            "2026-11-20,payment,260103,,450.00,",
            "2026-11-20,payment,260105,,600.00,",
            "2026-11-20,payment,260107,,99.90,",
            "2026-11-20,payment,260108,,99.90,",
            "2026-11-20,payment,260102,,800.00,",
        ]
    );
    let review = review(dir.path());
    let reasons: Vec<(&str, &str, &str)> = review.iter().map(|r| (&r[5], &r[3], &r[11])).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons[0].0, "300.00");
    assert_eq!(reasons[0].1, "BE31363012345678/2026112000004");
    assert!(reasons[0].2.starts_with("ambiguous"), "{}", reasons[0].2);
    assert!(reasons[0].2.contains("260104, 260110"), "{}", reasons[0].2);
    assert_eq!(reasons[1].0, "40.00");
    assert!(
        reasons[1].2.contains("nothing left to pay"),
        "{}",
        reasons[1].2
    );
    assert_eq!(reasons[2].0, "75.00");
    assert!(
        reasons[2].2.contains("+++000/0999/99926+++"),
        "{}",
        reasons[2].2
    );
    // The review file points at the transaction in the statement.
    assert_eq!(&review[0][0], fixture("camt053.xml").display().to_string());
    let xml = std::fs::read_to_string(fixture("camt053.xml")).unwrap();
    let line: usize = review[0][1].parse().unwrap();
    let around: Vec<&str> = xml.lines().skip(line - 1).take(8).collect();
    assert!(around.join("\n").contains("BE68539007547034"), "{around:?}");

    // The book reads, with the payments: policy simulate accepts it.
    let check = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "camt053", "--dry-run"])
        .arg(fixture("camt053.xml"))
        .args(["--ledger", "ledger.csv"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(check.stdout).unwrap();
    assert!(stdout.contains("imported before: 5 credits"), "{stdout}");
}

#[test]
fn importing_the_same_statement_twice_adds_nothing() {
    let dir = book();
    import(dir.path(), "camt053", &fixture("camt053.xml"));
    let once = ledger(dir.path());
    let records: Vec<_> = std::fs::read_dir(dir.path().join("bank-imports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(records.len(), 1);
    let record = std::fs::read_to_string(&records[0]).unwrap();
    let (code, stdout, _) = import(dir.path(), "camt053", &fixture("camt053.xml"));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("matched: 0 credits, appended 0 payment rows"),
        "{stdout}"
    );
    assert!(
        stdout.contains("imported before: 5 credits (nothing added)"),
        "{stdout}"
    );
    assert_eq!(ledger(dir.path()), once);
    assert_eq!(std::fs::read_to_string(&records[0]).unwrap(), record);
}

#[test]
fn a_notification_then_its_statement_count_each_credit_once() {
    let dir = book();
    let (code, stdout, stderr) = import(dir.path(), "camt054", &fixture("camt054.xml"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        appended(dir.path()),
        [
            // `RF66 2601 05` as printed on paper, with spaces.
            "2026-11-20,payment,260105,,600.00,",
            "2026-11-20,payment,260106,,250.00,",
        ]
    );
    // The statement of the day carries the same 600.00 under the same
    // AcctSvcrRef: not imported twice.
    let (_, stdout, _) = import(dir.path(), "camt053", &fixture("camt053.xml"));
    assert!(stdout.contains("imported before: 1 credit"), "{stdout}");
    let rows = appended(dir.path());
    assert_eq!(
        rows.iter().filter(|r| r.contains(",260105,")).count(),
        1,
        "{rows:?}"
    );
    // A camt.054 is not a camt.053.
    let (code, _, stderr) = import(dir.path(), "camt053", &fixture("camt054.xml"));
    assert_eq!(code, 1);
    assert!(stderr.contains("policy::bank_file"), "{stderr}");
    assert!(stderr.contains("policy import camt054"), "{stderr}");
}

#[test]
fn a_coda_statement_reads_structured_free_and_globalised_movements() {
    let dir = book();
    let coda = std::fs::read(fixture("statement.cod")).unwrap();
    for line in coda.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        assert_eq!(line.len(), 129, "128 characters and CR");
    }
    let (code, stdout, stderr) = import(dir.path(), "coda", &fixture("statement.cod"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("1 statement, 4 credits (1 debit left aside)"),
        "{stdout}"
    );
    assert_eq!(
        appended(dir.path()),
        [
            // 101 structured communication +++000/0260/10346+++
            "2026-11-20,payment,260103,,450.00,",
            // free communication, the number cut across records 21 and 22
            "2026-11-20,payment,260106,,250.00,",
            // the two details of the globalised 199.80, not the total
            "2026-11-20,payment,260107,,99.90,",
            "2026-11-20,payment,260108,,99.90,",
        ]
    );
    let records = std::fs::read_dir(dir.path().join("bank-imports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(records.len(), 1);
    assert!(
        records[0].starts_with("2026-11-20_BE31363012345678"),
        "{records:?}"
    );
    let (_, stdout, _) = import(dir.path(), "coda", &fixture("statement.cod"));
    assert!(stdout.contains("imported before: 4 credits"), "{stdout}");
    assert_eq!(appended(dir.path()).len(), 4);
}

fn collapse(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_malformed_file_is_located_and_nothing_is_written() {
    let dir = book();
    let xml = std::fs::read_to_string(fixture("camt053.xml")).unwrap();
    let cases = [
        (
            "amount.xml",
            xml.replace(">800.00<", ">800,00<"),
            "camt053",
            "the amount `800,00` is not an ISO 20022 amount",
            "amount.xml:225:24",
        ),
        (
            "cut.xml",
            xml[..3000].to_string(),
            "camt053",
            "the file is cut short",
            "cut.xml:",
        ),
        (
            "tag.xml",
            xml.replacen("</Dbtr>", "</Dbtor>", 1),
            "camt053",
            "is not well-formed XML",
            "tag.xml:89:15",
        ),
        (
            "date.xml",
            xml.replacen("<Dt>2026-11-20</Dt>", "<Dt>2026-11-31</Dt>", 2),
            "camt053",
            "`2026-11-31` is not a date",
            "date.xml:",
        ),
    ];
    // CODA is Latin-1 ("Compte à vue"): read as such.
    let coda: String = std::fs::read(fixture("statement.cod"))
        .unwrap()
        .iter()
        .map(|&b| char::from(b))
        .collect();
    let mut lines: Vec<String> = coda.split("\r\n").map(str::to_string).collect();
    lines[5] = lines[5][..127].to_string();
    let short = lines.join("\r\n");
    let mut lines: Vec<String> = coda.split("\r\n").map(str::to_string).collect();
    lines[2].replace_range(32..47, "00000000004500X");
    let amount = lines.join("\r\n");
    let coda_cases = [
        (
            "short.cod",
            short,
            "coda",
            "a CODA record has 128 characters, this one 127",
            "short.cod:6:1",
        ),
        (
            "amount.cod",
            amount,
            "coda",
            "the amount `00000000004500X` is not 15 digits",
            "amount.cod:3:33",
        ),
        (
            "cut.cod",
            coda.split("\r\n").take(10).collect::<Vec<_>>().join("\r\n"),
            "coda",
            "the file is cut short",
            "cut.cod:",
        ),
    ];
    let before = ledger(dir.path());
    for (name, text, kind, message, at) in cases.into_iter().chain(coda_cases) {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (code, stdout, stderr) = import(dir.path(), kind, Path::new(name));
        let stderr = collapse(&stderr);
        assert_eq!(code, 1, "{name}: {stdout}{stderr}");
        assert!(stderr.contains("policy::bank_file"), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains(at), "{name}: {stderr}");
        assert_eq!(ledger(dir.path()), before, "{name}: nothing appended");
        assert!(!dir.path().join("bank-imports").exists(), "{name}");
        assert!(!dir.path().join("bank-review.csv").exists(), "{name}");
    }
    // A good file and a bad one: nothing of the good one either.
    std::fs::write(
        dir.path().join("bad.xml"),
        xml.replace(">800.00<", ">8OO.00<"),
    )
    .unwrap();
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "camt053"])
        .arg(fixture("camt053.xml"))
        .args(["bad.xml", "--ledger", "ledger.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(ledger(dir.path()), before);
}

#[test]
fn rows_are_appended_in_the_ledgers_own_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let standard = std::fs::read_to_string(fixture("ledger.csv")).unwrap();
    // A French spreadsheet's export: `;`, day-first dates, decimal commas,
    // an extra column, no final newline.
    let mut locale = String::from("Date;Type;Invoice;Debtor;Amount;Due;Libellé\n");
    for line in standard.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let date = |d: &str| {
            if d.is_empty() {
                String::new()
            } else {
                format!("{}/{}/{}", &d[8..10], &d[5..7], &d[0..4])
            }
        };
        locale.push_str(&format!(
            "{};{};{};{};{};{};\n",
            date(f[0]),
            f[1],
            f[2],
            f[3],
            f[4].replace('.', ","),
            date(f[5])
        ));
    }
    locale.pop();
    std::fs::write(dir.path().join("ledger.csv"), &locale).unwrap();
    std::fs::copy(fixture("debtors.csv"), dir.path().join("debtors.csv")).unwrap();
    let (code, stdout, stderr) = import(dir.path(), "coda", &fixture("statement.cod"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = ledger(dir.path());
    assert_eq!(
        &text[locale.len()..],
        "\n20/11/2026;payment;260103;;450,00;;\n20/11/2026;payment;260106;;250,00;;\n\
         20/11/2026;payment;260107;;99,90;;\n20/11/2026;payment;260108;;99,90;;\n"
    );
    // And the book still reads.
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "coda", "--dry-run"])
        .arg(fixture("statement.cod"))
        .args(["--ledger", "ledger.csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_json_ledger_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{"debtors":[{"id":"ACME","name":"ACME SA","kind":"b2b"}],
"entries":[{"date":"2026-09-01","type":"invoice","invoice":"260101","debtor":"ACME","amount":"1200.00","due":"2026-10-01"}]}"#;
    std::fs::write(dir.path().join("ledger.json"), json).unwrap();
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "camt053"])
        .arg(fixture("camt053.xml"))
        .args(["--ledger", "ledger.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("policy::bank_ledger"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ledger.json")).unwrap(),
        json
    );
    assert!(!dir.path().join("bank-imports").exists());
}

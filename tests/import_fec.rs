#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 15, point 3: `policy import fec` on a small hand-made Fichier des
//! Écritures Comptables (LPF art. A47 A-1: 18 tab-separated columns, dates
//! YYYYMMDD, decimal commas, ISO-8859-15 bytes), whose ledger is worked out
//! here line by line.

use std::path::Path;

use assert_cmd::Command;

const HEADER: &str = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\t\
CompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t\
ValidDate\tMontantdevise\tIdevise";

/// One line of the FEC (the last three columns: validation date, no
/// foreign currency).
#[allow(clippy::too_many_arguments)]
fn line(
    journal: &str,
    number: &str,
    date: &str,
    account: &str,
    aux: &str,
    piece: &str,
    piece_date: &str,
    debit: &str,
    credit: &str,
    letter: &str,
) -> String {
    let (journal_lib, account_lib) = (
        match journal {
            "VT" => "Journal des ventes",
            "BQ" => "Banque Populaire",
            _ => "A nouveaux",
        },
        match &account[..3] {
            "411" => "Clients",
            "706" => "Prestations de services",
            "445" => "TVA collectée",
            "512" => "Banque",
            _ => "Report à nouveau",
        },
    );
    let aux_lib = match aux {
        "CACME" => "ACME SARL",
        "CDUPO" => "Société Dupont & Fils",
        _ => "",
    };
    let date_let = if letter.is_empty() { "" } else { "20260331" };
    format!(
        "{journal}\t{journal_lib}\t{number}\t{date}\t{account}\t{account_lib}\t{aux}\t{aux_lib}\t\
         {piece}\t{piece_date}\tÉcriture {piece}\t{debit}\t{credit}\t{letter}\t{date_let}\t20260331\t\t"
    )
}

/// The FEC: lines 2–4 an invoice of 2025 carried forward (à-nouveaux),
/// then sales, a credit note, bank receipts (one grouped, one not
/// lettered), and an open invoice.
fn fec() -> Vec<String> {
    vec![
        HEADER.to_string(),
        // line 2: F2025-090, 600.00, issued 2025-12-15, lettered AA
        line(
            "AN",
            "AN1",
            "20260101",
            "41100000",
            "CACME",
            "F2025-090",
            "20251215",
            "600,00",
            "0,00",
            "AA",
        ),
        line(
            "AN",
            "AN1",
            "20260101",
            "89000000",
            "",
            "F2025-090",
            "20251215",
            "0,00",
            "600,00",
            "",
        ),
        // line 4: F2026-001, 1 200.00 all taxes in, lettered AB
        line(
            "VT",
            "VT1",
            "20260105",
            "41100000",
            "CACME",
            "F2026-001",
            "20260105",
            "1200,00",
            "0,00",
            "AB",
        ),
        line(
            "VT",
            "VT1",
            "20260105",
            "70600000",
            "",
            "F2026-001",
            "20260105",
            "0,00",
            "1000,00",
            "",
        ),
        line(
            "VT",
            "VT1",
            "20260105",
            "44571000",
            "",
            "F2026-001",
            "20260105",
            "0,00",
            "200,00",
            "",
        ),
        // line 7: F2026-002, 2 400.00, lettered AC
        line(
            "VT",
            "VT2",
            "20260110",
            "41100000",
            "CDUPO",
            "F2026-002",
            "20260110",
            "2400,00",
            "0,00",
            "AC",
        ),
        line(
            "VT",
            "VT2",
            "20260110",
            "70600000",
            "",
            "F2026-002",
            "20260110",
            "0,00",
            "2400,00",
            "",
        ),
        // line 9: F2026-003, 360.00, lettered AC with F2026-002
        line(
            "VT",
            "VT3",
            "20260120",
            "41100000",
            "CDUPO",
            "F2026-003",
            "20260120",
            "360,00",
            "0,00",
            "AC",
        ),
        line(
            "VT",
            "VT3",
            "20260120",
            "70600000",
            "",
            "F2026-003",
            "20260120",
            "0,00",
            "360,00",
            "",
        ),
        // line 11: bank, F2025-090 paid on 2026-01-15
        line(
            "BQ", "BQ1", "20260115", "51200000", "", "VIR-0115", "20260115", "600,00", "0,00", "",
        ),
        line(
            "BQ", "BQ1", "20260115", "41100000", "CACME", "VIR-0115", "20260115", "0,00", "600,00",
            "AA",
        ),
        // line 13: credit note AV2026-001 of 200.00 on F2026-001 (letter AB)
        line(
            "VT",
            "VT4",
            "20260125",
            "41100000",
            "CACME",
            "AV2026-001",
            "20260125",
            "0,00",
            "200,00",
            "AB",
        ),
        line(
            "VT",
            "VT4",
            "20260125",
            "70600000",
            "",
            "AV2026-001",
            "20260125",
            "200,00",
            "0,00",
            "",
        ),
        // line 15: 500.00 on F2026-001 (partly: 500.00 stays open)
        line(
            "BQ", "BQ2", "20260210", "51200000", "", "VIR-0210", "20260210", "500,00", "0,00", "",
        ),
        line(
            "BQ", "BQ2", "20260210", "41100000", "CACME", "VIR-0210", "20260210", "0,00", "500,00",
            "AB",
        ),
        // line 17: one transfer of 2 500.00 for F2026-002 and F2026-003:
        // the oldest first, 2 400.00 then 100.00
        line(
            "BQ", "BQ3", "20260215", "51200000", "", "VIR-0215", "20260215", "2500,00", "0,00", "",
        ),
        line(
            "BQ", "BQ3", "20260215", "41100000", "CDUPO", "VIR-0215", "20260215", "0,00",
            "2500,00", "AC",
        ),
        // line 19: 100.00 received, not lettered: not applied, said so
        line(
            "BQ", "BQ4", "20260301", "51200000", "", "VIR-0301", "20260301", "100,00", "0,00", "",
        ),
        line(
            "BQ", "BQ4", "20260301", "41100000", "CDUPO", "VIR-0301", "20260301", "0,00", "100,00",
            "",
        ),
        // line 21: F2026-004, open
        line(
            "VT",
            "VT5",
            "20260305",
            "41100000",
            "CACME",
            "F2026-004",
            "20260305",
            "840,00",
            "0,00",
            "",
        ),
        line(
            "VT",
            "VT5",
            "20260305",
            "70600000",
            "",
            "F2026-004",
            "20260305",
            "0,00",
            "840,00",
            "",
        ),
    ]
}

/// The ledger worked out from the FEC above with `--terms "30 days"`:
/// invoices in reference order, due 30 days after their piece date; then
/// payments and credit notes in date order, as lettered.
const EXPECTED_LEDGER: &str = "date,type,invoice,debtor,amount,due
2025-12-15,invoice,F2025-090,CACME,600.00,2026-01-14
2026-01-05,invoice,F2026-001,CACME,1200.00,2026-02-04
2026-01-10,invoice,F2026-002,CDUPO,2400.00,2026-02-09
2026-01-20,invoice,F2026-003,CDUPO,360.00,2026-02-19
2026-03-05,invoice,F2026-004,CACME,840.00,2026-04-04
2026-01-15,payment,F2025-090,,600.00,
2026-01-25,credit_note,F2026-001,,200.00,
2026-02-10,payment,F2026-001,,500.00,
2026-02-15,payment,F2026-002,,2400.00,
2026-02-15,payment,F2026-003,,100.00,
";

const EXPECTED_DEBTORS: &str = "id,name,kind
CACME,ACME SARL,b2b
CDUPO,Société Dupont & Fils,b2b
";

/// The FEC as accounting software writes it: ISO-8859-15, CRLF.
fn write_fec(path: &Path, lines: &[String]) {
    let text = lines.join("\r\n") + "\r\n";
    let (bytes, _, unmappable) = encoding_rs::ISO_8859_15.encode(&text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
}

fn policy(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace('│', " ")
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ");
    (out.status.code(), text)
}

#[test]
fn a_fec_becomes_a_ledger_and_a_debtors_file() {
    let dir = tempfile::tempdir().unwrap();
    write_fec(&dir.path().join("123456789FEC20261231.txt"), &fec());
    let (code, text) = policy(
        dir.path(),
        &[
            "import",
            "fec",
            "123456789FEC20261231.txt",
            "--terms",
            "30 days",
            "--out-dir",
            "book",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    let ledger = std::fs::read_to_string(dir.path().join("book/ledger.csv")).unwrap();
    assert_eq!(ledger, EXPECTED_LEDGER);
    let debtors = std::fs::read_to_string(dir.path().join("book/debtors.csv")).unwrap();
    assert_eq!(debtors, EXPECTED_DEBTORS);
    for expected in [
        "read 21 lines (tab-separated, ISO-8859-15)",
        "sales journal VT",
        "debtors 2 (accounts 411…, by CompAuxNum), all b2b",
        "invoices 5 5400.00",
        "payments 4 3600.00",
        "credit notes 1 200.00",
        "issue date + 30 days: the FEC has no due dates",
        "not applied line 20: 100.00 of CDUPO on 2026-03-01, not lettered",
        "wrote book/ledger.csv, book/debtors.csv",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // The book reads as any other: balances as the lettering says.
    let loaded = policy::ledger::read(
        &dir.path().join("book/ledger.csv"),
        None,
        &Default::default(),
    )
    .unwrap();
    let ledger = loaded.ledger.unwrap();
    let on = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let balance = |reference: &str| {
        let invoice = ledger
            .invoices
            .iter()
            .find(|i| i.reference == reference)
            .unwrap();
        ledger.balance_on(invoice, on).to_string()
    };
    assert_eq!(balance("F2025-090"), "0.00");
    assert_eq!(balance("F2026-001"), "500.00");
    assert_eq!(balance("F2026-002"), "0.00");
    assert_eq!(balance("F2026-003"), "260.00");
    assert_eq!(balance("F2026-004"), "840.00");
}

#[test]
fn an_import_writes_over_nothing_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write_fec(&dir.path().join("fec.txt"), &fec());
    std::fs::write(dir.path().join("ledger.csv"), "mine\n").unwrap();
    let (code, text) = policy(
        dir.path(),
        &["import", "fec", "fec.txt", "--terms", "30 days"],
    );
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("policy::import_exists"), "{text}");
    assert!(
        text.contains("`./ledger.csv` exists: nothing is written"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ledger.csv")).unwrap(),
        "mine\n"
    );
    assert!(!dir.path().join("debtors.csv").exists());
    let (code, text) = policy(
        dir.path(),
        &["import", "fec", "fec.txt", "--terms", "30 days", "--force"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ledger.csv")).unwrap(),
        EXPECTED_LEDGER
    );
}

#[test]
fn a_pipe_separated_fec_with_45_days_end_of_month() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = fec().iter().map(|l| l.replace('\t', "|")).collect();
    std::fs::write(dir.path().join("fec.txt"), lines.join("\n")).unwrap();
    let (code, text) = policy(
        dir.path(),
        &[
            "import",
            "fec",
            "fec.txt",
            "--terms",
            "45 jours fin de mois",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("|-separated, UTF-8"), "{text}");
    let ledger = std::fs::read_to_string(dir.path().join("ledger.csv")).unwrap();
    // 2026-01-05 + 45 days = 2026-02-19, end of month: 2026-02-28.
    assert!(
        ledger.contains("2026-01-05,invoice,F2026-001,CACME,1200.00,2026-02-28\n"),
        "{ledger}"
    );
}

#[test]
fn a_malformed_fec_is_located_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = fec();
    lines[3] = lines[3].replace("20260105\t41100000", "2026-13-45\t41100000");
    lines[6] = lines[6].replace("2400,00", "2 400,OO");
    write_fec(&dir.path().join("fec.txt"), &lines);
    let (code, text) = policy(
        dir.path(),
        &["import", "fec", "fec.txt", "--terms", "30 days"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("policy::import_fec"), "{text}");
    assert!(
        text.contains("EcritureDate: expected a date written YYYYMMDD, found `2026-13-45`"),
        "{text}"
    );
    assert!(text.contains("fec.txt:4:"), "{text}");
    assert!(
        text.contains("Debit: expected an amount such as `1250,00`, found `2 400,OO`"),
        "{text}"
    );
    assert!(text.contains("fec.txt:7:"), "{text}");
    assert!(text.contains("nothing written"), "{text}");
    assert!(!dir.path().join("ledger.csv").exists());
    // Not a FEC at all.
    std::fs::write(
        dir.path().join("fec.txt"),
        "date,type\n2026-01-01,invoice\n",
    )
    .unwrap();
    let (code, text) = policy(
        dir.path(),
        &["import", "fec", "fec.txt", "--terms", "30 days"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("separated neither by tabs nor by `|`"),
        "{text}"
    );
    // Terms that cannot be read.
    let (code, text) = policy(dir.path(), &["import", "fec", "fec.txt", "--terms", "soon"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("`--terms soon` cannot be read"), "{text}");
}

#[test]
fn the_montant_and_sens_form_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = fec()
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut fields: Vec<String> = line.split('\t').map(str::to_string).collect();
            let (debit, credit) = (fields[11].clone(), fields[12].clone());
            if i == 0 {
                (fields[11], fields[12]) = ("Montant".into(), "Sens".into());
            } else if debit != "0,00" {
                (fields[11], fields[12]) = (debit, "D".into());
            } else {
                (fields[11], fields[12]) = (credit, "C".into());
            }
            fields.join("\t")
        })
        .collect();
    write_fec(&dir.path().join("fec.txt"), &lines);
    let (code, text) = policy(
        dir.path(),
        &["import", "fec", "fec.txt", "--terms", "30 days"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ledger.csv")).unwrap(),
        EXPECTED_LEDGER
    );
}

//! What a new user's files do when they are not quite what the tool reads
//! (field report, points 7, 8, 9 and 12): each problem named for what it
//! is, with the help that fixes it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

const POLICY: &str = "jurisdiction LU\nafter 10 days send relance by email\n";

fn simulate(dir: &Path, ledger: &str) -> std::process::Output {
    std::fs::write(dir.join("p.policy"), POLICY).unwrap();
    Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args([
            "simulate",
            "p.policy",
            "--ledger",
            ledger,
            "--to",
            "2026-03-31",
        ])
        .args(["--format", "table"])
        .output()
        .unwrap()
}

/// stdout and stderr, every run of white space one space (diagnostics wrap
/// their help to the terminal's width).
fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

#[test]
fn a_missing_ledger_is_reported_as_missing_not_as_missing_debtors() {
    let dir = tempfile::tempdir().unwrap();
    let out = simulate(dir.path(), "nope.csv");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("cannot read `nope.csv`: not found"), "{text}");
    assert!(!text.contains("debtors"), "{text}");
}

#[test]
fn missing_columns_are_named_with_the_header_found_and_the_closest_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ledger.csv"),
        "date;type;invoice;Partner;Summe;Frist\n05/01/2026;invoice;F-1;ACME;1 200,00;04/02/2026\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind\nACME,ACME SA,b2b\n",
    )
    .unwrap();
    let out = simulate(dir.path(), "ledger.csv");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("no `debtor`, `amount`, `due` columns"),
        "{text}"
    );
    assert!(!text.contains("is empty"), "{text}");
    assert!(
        text.contains("the header has: date, type, invoice, Partner, Summe, Frist"),
        "{text}"
    );
    // A French export's names are what they mean: read with no mapping.
    std::fs::write(
        dir.path().join("ledger.csv"),
        "date;type;invoice;Client;Montant;Échéance\n05/01/2026;invoice;F-1;ACME;1 200,00;04/02/2026\n",
    )
    .unwrap();
    let out = simulate(dir.path(), "ledger.csv");
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("F-1"), "{text}");
    // Names no export uses are suggested as a book.toml mapping.
    std::fs::write(
        dir.path().join("ledger.csv"),
        "date;type;invoice;Kliant;Montant;Échéance\n05/01/2026;invoice;F-1;ACME;1 200,00;04/02/2026\n",
    )
    .unwrap();
    let text = output_text(&simulate(dir.path(), "ledger.csv"));
    assert!(text.contains("no `debtor` column"), "{text}");
    assert!(text.contains("book.toml"), "{text}");
}

#[test]
fn a_damaged_spreadsheet_is_recognised_by_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // The first bytes of any .xlsx (a ZIP archive) and of an old .xls.
    std::fs::write(
        dir.path().join("ledger.csv"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe binary",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind\nACME,ACME SA,b2b\n",
    )
    .unwrap();
    let out = simulate(dir.path(), "ledger.csv");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("`ledger.csv` cannot be read as a spreadsheet"),
        "{text}"
    );
    assert!(text.contains("policy::ledger_spreadsheet"), "{text}");
    assert!(!text.contains('\u{fffd}'), "no binary shown: {text}");
    std::fs::write(
        dir.path().join("old.xls"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
    )
    .unwrap();
    let text = output_text(&simulate(dir.path(), "old.xls"));
    assert!(
        text.contains("`old.xls` cannot be read as a spreadsheet"),
        "{text}"
    );
}

#[test]
fn amounts_print_with_the_currency_decimals_whatever_the_file_wrote() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ledger.json"),
        r#"{
  "debtors": [{"id": "ACME", "name": "ACME SA", "kind": "b2b"}],
  "entries": [
    {"date": "2026-01-01", "type": "invoice", "invoice": "F-1", "debtor": "ACME", "amount": 250.0, "due": "2026-01-31"},
    {"date": "2026-01-01", "type": "invoice", "invoice": "F-2", "debtor": "ACME", "amount": 1000, "due": "2026-01-31"},
    {"date": "2026-02-20", "type": "credit_note", "invoice": "F-2", "amount": 100.5}
  ]
}"#,
    )
    .unwrap();
    let out = simulate(dir.path(), "ledger.json");
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(" 250.00 ") && text.contains(" 1000.00 "),
        "{text}"
    );
    assert!(
        text.contains(
            "collected 0.00 EUR, credited 100.50 EUR, outstanding at 2026-03-31 1149.50 EUR"
        ),
        "{text}"
    );
}

/// The JSON reader reads member names as a map did: any case, escapes
/// decoded, and of a name written twice the last one.
#[test]
fn json_member_names_in_any_case_escaped_or_repeated_read_as_a_map_would() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ledger.json"),
        r#"{
  "debtors": [{"id": "ACME", "name": "ACME SA", "kind": "b2b"}],
  "entries": [
    {"Date": "2026-01-01", "TYPE": "invoice", "invoice": "F-1", "debtor": "ACME", "amount": 1, "amount": 250.0, "due": "2026-01-31"},
    {"date": "2026-01-01", "type": "invoice", "\u0069nvoice": "F-2", "debtor": "ACME", "amount": "1000", "due": "2026-01-31"}
  ]
}"#,
    )
    .unwrap();
    let out = simulate(dir.path(), "ledger.json");
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(" 250.00 ") && text.contains(" 1000.00 ") && text.contains("F-2"),
        "{text}"
    );
    assert!(
        text.contains("outstanding at 2026-03-31 1250.00 EUR"),
        "{text}"
    );
}

/// A book of `n` invoices (half of them paid) as CSV and as JSON, over
/// many of the JSON reader's 1 MB stretches when `n` is large.
fn twin_books(dir: &Path, n: usize) -> String {
    let mut csv = String::from("date,type,invoice,debtor,amount,due\n");
    let mut entries = Vec::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let debtor = if i % 3 == 0 { "ACME" } else { "CARL" };
        csv.push_str(&format!(
            "2026-01-{day:02},invoice,F-{i:06},{debtor},{}.50,2026-02-{day:02}\n",
            100 + i % 900
        ));
        entries.push(format!(
            "{{\"date\": \"2026-01-{day:02}\", \"type\": \"invoice\", \"invoice\": \"F-{i:06}\", \"debtor\": \"{debtor}\", \"amount\": {}.50, \"due\": \"2026-02-{day:02}\"}}",
            100 + i % 900
        ));
        if i % 2 == 0 {
            csv.push_str(&format!("2026-02-10,payment,F-{i:06},,20,\n"));
            entries.push(format!(
                "{{\"date\": \"2026-02-10\", \"type\": \"payment\", \"invoice\": \"F-{i:06}\", \"amount\": \"20\"}}"
            ));
        }
    }
    std::fs::write(dir.join("ledger.csv"), csv).unwrap();
    std::fs::write(
        dir.join("debtors.csv"),
        "id,name,kind\nACME,ACME SA,b2b\nCARL,Carl Dupont,b2c\n",
    )
    .unwrap();
    format!("{{\"entries\": [\n{}\n]}}\n", entries.join(",\n"))
}

/// A JSON book read in stretches on several threads gives the events of
/// the same book as CSV.
#[test]
fn a_large_json_book_gives_the_events_of_its_csv_twin() {
    let dir = tempfile::tempdir().unwrap();
    let json = twin_books(dir.path(), 24_000);
    assert!(json.len() > 2 << 20, "several stretches");
    std::fs::write(dir.path().join("ledger.json"), json).unwrap();
    let from_csv = simulate(dir.path(), "ledger.csv");
    let from_json = simulate(dir.path(), "ledger.json");
    assert!(from_csv.status.success(), "{}", output_text(&from_csv));
    assert_eq!(
        String::from_utf8_lossy(&from_json.stdout),
        String::from_utf8_lossy(&from_csv.stdout)
    );
}

/// Text that is not JSON deep in a large book is reported where serde_json
/// finds it, with its message.
#[test]
fn a_large_json_book_that_breaks_off_is_reported_where_serde_json_says() {
    let dir = tempfile::tempdir().unwrap();
    let json = twin_books(dir.path(), 24_000);
    let at = json.len() * 3 / 4;
    let at = at + json[at..].find("\"type\"").unwrap();
    let broken = format!("{}\"type\" \"invoice{}", &json[..at], &json[at + 7..]);
    let expected = serde_json::from_str::<serde_json::Value>(&broken).unwrap_err();
    std::fs::write(dir.path().join("ledger.json"), &broken).unwrap();
    let out = simulate(dir.path(), "ledger.json");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("policy::ledger_syntax"), "{text}");
    assert!(
        text.contains(&format!("this is not a JSON ledger: {expected}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "ledger.json:{}:{}",
            expected.line(),
            expected.column()
        )),
        "{text}"
    );
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 15, point 1: books as firms export them, each made the way the
//! tool that makes it does — an .xlsx as Excel writes it (serial dates
//! formatted as dates, numeric amounts; written with rust_xlsxwriter), an
//! .ods as LibreOffice writes it (office:date-value, office:value), Excel's
//! "CSV (séparateur : point-virgule)" in Windows-1252, UTF-8 with a BOM —
//! read with no reshaping, and their problems located in the user's file.

use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use assert_cmd::Command;
use chrono::NaiveDate;
use policy::ledger::{self, EntryKind, ReadOptions};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
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

const DEBTORS: &str = "id,name,kind\nC001,ACME SARL,b2b\nC002,Boulangerie Martin,b2c\n";

/// A French Excel export as a credit team saves it: a title row, then the
/// header with the names the accounting package gives the columns, dates
/// stored as serial numbers formatted `dd/mm/yyyy`, amounts as numbers
/// (one a formula's result with binary noise), types in French.
fn excel_export(path: &Path, bad_date_row: bool) {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("#,##0.00 €");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Feuil1").unwrap();
    sheet
        .write_string(0, 0, "Grand livre clients au 31/03/2026")
        .unwrap();
    let header = [
        "Date",
        "Type",
        "N° facture",
        "Code client",
        "Montant TTC",
        "Échéance",
        "Libellé",
    ];
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *name).unwrap();
    }
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        f64,
        Option<(u16, u8, u8)>,
        &'static str,
    );
    let rows: [Row; 5] = [
        (
            "2026-01-05",
            "Facture",
            "F-2026-001",
            1250.0,
            Some((2026, 2, 4)),
            "Travaux",
        ),
        (
            "2026-01-20",
            "Facture",
            "F-2026-002",
            0.1 + 0.2 + 480.0,
            Some((2026, 2, 19)),
            "Pièces",
        ),
        (
            "2026-02-10",
            "Règlement",
            "F-2026-001",
            1000.0,
            None,
            "Virement",
        ),
        ("2026-02-15", "Avoir", "F-2026-002", 80.3, None, "Remise"),
        (
            "2026-03-01",
            "Facture",
            "F-2026-003",
            99.99,
            Some((2026, 3, 31)),
            "Entretien",
        ),
    ];
    let debtors = ["C001", "C002", "C001", "C002", "C002"];
    for (i, (issued, kind, invoice, amount, due, label)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let d = ExcelDateTime::parse_from_str(issued).unwrap();
        sheet.write_date_with_format(r, 0, &d, &date).unwrap();
        sheet.write_string(r, 1, *kind).unwrap();
        sheet.write_string(r, 2, *invoice).unwrap();
        sheet.write_string(r, 3, debtors[i]).unwrap();
        sheet
            .write_number_with_format(r, 4, *amount, &money)
            .unwrap();
        if let Some((y, m, dd)) = due {
            let due = ExcelDateTime::from_ymd(*y, *m, *dd).unwrap();
            sheet.write_date_with_format(r, 5, &due, &date).unwrap();
        }
        sheet.write_string(r, 6, *label).unwrap();
    }
    if bad_date_row {
        // Typed as text, and no such day.
        sheet.write_string(8, 0, "31/02/2026").unwrap();
        sheet.write_string(8, 1, "Facture").unwrap();
        sheet.write_string(8, 2, "F-2026-004").unwrap();
        sheet.write_string(8, 3, "C001").unwrap();
        sheet.write_number(8, 4, 10.0).unwrap();
        sheet.write_string(8, 5, "31/03/2026").unwrap();
    }
    let other = workbook.add_worksheet();
    other.set_name("Clients").unwrap();
    for (c, name) in ["Code client", "Raison sociale", "Type client"]
        .iter()
        .enumerate()
    {
        other.write_string(0, c as u16, *name).unwrap();
    }
    for (r, row) in [
        ["C001", "ACME SARL", "b2b"],
        ["C002", "Boulangerie Martin", "b2c"],
    ]
    .iter()
    .enumerate()
    {
        for (c, value) in row.iter().enumerate() {
            other.write_string(1 + r as u32, c as u16, *value).unwrap();
        }
    }
    workbook.save(path).unwrap();
}

fn read(path: &Path, debtors: Option<&Path>, options: &ReadOptions) -> ledger::Ledger {
    let loaded = ledger::read(path, debtors, options).unwrap();
    let shown: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    loaded.ledger.unwrap_or_else(|| panic!("{shown:?}"))
}

/// The ledger the Excel export above holds, as the tool must read it.
fn check_excel_ledger(ledger: &ledger::Ledger) {
    assert_eq!(ledger.invoices.len(), 3);
    let f1 = ledger
        .invoices
        .iter()
        .find(|i| i.reference == "F-2026-001")
        .unwrap();
    assert_eq!(f1.issued, day(2026, 1, 5));
    assert_eq!(f1.due, day(2026, 2, 4));
    assert_eq!(f1.amount, dec("1250.00"));
    assert_eq!(ledger.debtor(f1.debtor).id, "C001");
    let paid = ledger.entries_of(f1);
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].kind, paid[0].amount, paid[0].date),
        (EntryKind::Payment, dec("1000.00"), day(2026, 2, 10))
    );
    let f2 = ledger
        .invoices
        .iter()
        .find(|i| i.reference == "F-2026-002")
        .unwrap();
    assert_eq!(f2.amount, dec("480.30"), "0.1 + 0.2 + 480 is a cent amount");
    let credit = ledger.entries_of(f2);
    assert_eq!(
        (credit[0].kind, credit[0].amount),
        (EntryKind::CreditNote, dec("80.30"))
    );
    assert_eq!(ledger.balance_on(f2, day(2026, 3, 1)), dec("400.00"));
    let f3 = ledger
        .invoices
        .iter()
        .find(|i| i.reference == "F-2026-003")
        .unwrap();
    assert_eq!(f3.amount, dec("99.99"));
    assert_eq!(
        ledger.attribute_names,
        vec!["libellé".to_string()],
        "the firm's other columns are kept for templates"
    );
}

#[test]
fn an_excel_export_is_read_directly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Grand livre.xlsx");
    excel_export(&path, false);
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    let ledger = read(&path, None, &ReadOptions::default());
    check_excel_ledger(&ledger);
    // Its debtors from its other sheet, named in book.toml.
    std::fs::remove_file(dir.path().join("debtors.csv")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "debtors_sheet = \"Clients\"\n",
    )
    .unwrap();
    let ledger = read(&path, Some(&path), &ReadOptions::default());
    check_excel_ledger(&ledger);
    assert_eq!(ledger.debtors[1].name, "Boulangerie Martin");
    assert_eq!(ledger.debtors[1].kind.as_str(), "b2c");
}

#[test]
fn inspect_says_what_was_detected_in_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    excel_export(&dir.path().join("export.xlsx"), false);
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    let (code, text) = policy(dir.path(), &["ledger", "inspect", "export.xlsx"]);
    assert_eq!(code, Some(0), "{text}");
    for expected in [
        "format Excel workbook (.xlsx), sheet `Feuil1` (of Feuil1, Clients), header on row 3",
        "invoice ← N° facture (a usual name)",
        "debtor ← Code client (a usual name)",
        "amount ← Montant TTC (a usual name)",
        "due ← Échéance (a usual name)",
        "date ← Date (its name)",
        "currency – none",
        "kept Libellé (for templates)",
        "rows 5",
        "dates 2026-01-05 to 2026-03-01",
        "credit_note 1 rows 80.30",
        "invoice 3 rows 1830.29",
        "payment 1 rows 1000.00",
        "signs payments and credit notes written above zero",
        "book read: 2 debtors, 3 invoices, 5 rows, no errors",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn a_bad_cell_is_located_by_sheet_row_and_column_letter() {
    let dir = tempfile::tempdir().unwrap();
    excel_export(&dir.path().join("export.xlsx"), true);
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "jurisdiction FR\nafter 10 days send relance by email\n",
    )
    .unwrap();
    let (code, text) = policy(
        dir.path(),
        &[
            "simulate",
            "p.policy",
            "--ledger",
            "export.xlsx",
            "--to",
            "2026-04-30",
        ],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("policy::ledger_date"), "{text}");
    assert!(
        text.contains("Feuil1!A9: date: `31/02/2026` is not a day of the calendar"),
        "{text}"
    );
    assert!(text.contains("export.xlsx:9:"), "the sheet's row: {text}");
    // A sheet that is not there: its sheets are listed.
    let (code, text) = policy(
        dir.path(),
        &[
            "simulate",
            "p.policy",
            "--ledger",
            "export.xlsx",
            "--sheet",
            "Factures",
        ],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("`export.xlsx` has no sheet `Factures`"),
        "{text}"
    );
    assert!(text.contains("its sheets are: Feuil1, Clients"), "{text}");
}

#[test]
fn sheet_picks_the_ledger_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "exported by hand").unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Factures 2026").unwrap();
    for (c, name) in ["date", "type", "invoice", "debtor", "amount", "due"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet
        .write_date_with_format(1, 0, ExcelDateTime::from_ymd(2026, 1, 5).unwrap(), &date)
        .unwrap();
    sheet.write_string(1, 1, "invoice").unwrap();
    // An invoice number and a debtor id stored as numbers.
    sheet.write_number(1, 2, 1001.0).unwrap();
    sheet.write_number(1, 3, 411001.0).unwrap();
    sheet.write_number(1, 4, 250.0).unwrap();
    sheet
        .write_date_with_format(1, 5, ExcelDateTime::from_ymd(2026, 2, 4).unwrap(), &date)
        .unwrap();
    workbook.save(&path).unwrap();
    std::fs::write(
        dir.path().join("debtors.csv"),
        "id,name,kind\n411001,ACME,b2b\n",
    )
    .unwrap();
    let options = ReadOptions {
        sheet: Some("Factures 2026".into()),
        ..ReadOptions::default()
    };
    let ledger = read(&path, None, &options);
    assert_eq!(ledger.invoices[0].reference, "1001");
    assert_eq!(ledger.invoices[0].amount, dec("250.00"));
    assert_eq!(ledger.invoices[0].due, day(2026, 2, 4));
}

/// An .ods as LibreOffice Calc writes it: a ZIP whose first entry is the
/// uncompressed `mimetype`, cells typed by office:value-type with the
/// value in office:date-value / office:value and the shown text in <text:p>.
fn ods(path: &Path, rows: &[&[(&str, &str, &str)]]) {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="Feuille1">"#,
    );
    for row in rows {
        xml.push_str("<table:table-row>");
        for (kind, value, shown) in *row {
            match *kind {
                "date" => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="date" office:date-value="{value}" calcext:value-type="date"><text:p>{shown}</text:p></table:table-cell>"#
                )),
                "float" => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{shown}</text:p></table:table-cell>"#
                )),
                "currency" => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="currency" office:currency="EUR" office:value="{value}"><text:p>{shown}</text:p></table:table-cell>"#
                )),
                "empty" => xml.push_str("<table:table-cell/>"),
                _ => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#
                )),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let xml = xml.replace(
        "xmlns:text=",
        "xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\" xmlns:text=",
    );
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    zip.finish().unwrap();
}

#[test]
fn an_ods_is_read_directly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relances.ods");
    let s = |v| ("string", v, v);
    ods(
        &path,
        &[
            &[
                s("Date"),
                s("Type"),
                s("Pièce"),
                s("Client"),
                s("Montant"),
                s("Date d'échéance"),
            ],
            &[
                ("date", "2026-01-05", "05/01/2026"),
                s("Facture"),
                s("FA-17"),
                s("C001"),
                ("currency", "1250.5", "1 250,50 €"),
                ("date", "2026-02-04", "04/02/2026"),
            ],
            &[
                ("date", "2026-02-01", "01/02/2026"),
                s("Règlement"),
                s("FA-17"),
                ("empty", "", ""),
                ("float", "-250.5", "-250,50"),
                ("empty", "", ""),
            ],
        ],
    );
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    let ledger = read(&path, None, &ReadOptions::default());
    let invoice = &ledger.invoices[0];
    assert_eq!(invoice.reference, "FA-17");
    assert_eq!(
        (invoice.issued, invoice.due),
        (day(2026, 1, 5), day(2026, 2, 4))
    );
    assert_eq!(invoice.amount, dec("1250.50"));
    let paid = ledger.entries_of(invoice);
    assert_eq!(
        (paid[0].kind, paid[0].amount),
        (EntryKind::Payment, dec("250.50")),
        "a payment written below zero"
    );
    assert_eq!(ledger.balance_on(invoice, day(2026, 3, 1)), dec("1000.00"));
    let (code, text) = policy(dir.path(), &["ledger", "inspect", "relances.ods"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("OpenDocument spreadsheet (.ods), sheet `Feuille1`"),
        "{text}"
    );
    assert!(
        text.contains("signs payments and credit notes written below zero"),
        "{text}"
    );
}

/// Excel's "CSV (séparateur : point-virgule)" on a French Windows: `;`,
/// Windows-1252 bytes (é = 0xE9, € = 0x80, the no-break space 0xA0 between
/// thousands), CRLF line ends, dates DD/MM/YYYY.
fn excel_csv() -> Vec<u8> {
    let text = "Date;Type;N° facture;Client;Montant;Échéance;Libellé\r\n\
                05/01/2026;Facture;F-001;C001;1\u{a0}250,00 €;04/02/2026;Prestation réalisée\r\n\
                20/01/2026;Facture;F-002;C002;480,00 €;19/02/2026;Pièces détachées\r\n\
                10/02/2026;Règlement;F-001;;-1\u{a0}000,00 €;;Virement reçu\r\n\
                15/02/2026;Avoir;F-002;;-80,00 €;;Remise accordée\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    assert!(bytes.contains(&0x80) && bytes.contains(&0xE9));
    bytes.into_owned()
}

#[test]
fn excels_semicolon_csv_in_windows_1252_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    std::fs::write(&path, excel_csv()).unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    let ledger = read(&path, None, &ReadOptions::default());
    let f1 = ledger
        .invoices
        .iter()
        .find(|i| i.reference == "F-001")
        .unwrap();
    assert_eq!(f1.amount, dec("1250.00"));
    assert_eq!(ledger.entries_of(f1)[0].amount, dec("1000.00"));
    let f2 = ledger
        .invoices
        .iter()
        .find(|i| i.reference == "F-002")
        .unwrap();
    assert_eq!(ledger.entries_of(f2)[0].kind, EntryKind::CreditNote);
    assert_eq!(ledger.balance_on(f2, day(2026, 3, 1)), dec("400.00"));
    let (_, attributes) = ledger.invoice_attributes(f1).next().unwrap();
    assert_eq!(attributes, "Prestation réalisée", "decoded, not mangled");
    let (code, text) = policy(dir.path(), &["ledger", "inspect", "export.csv"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("encoding windows-1252 (detected)"), "{text}");
    assert!(text.contains("FR/BE/LU spreadsheet dialect"), "{text}");
    assert!(
        text.contains("signs payments and credit notes written below zero"),
        "{text}"
    );
    // ISO-8859-15 when told: the same bytes but `€` at 0xA4.
    let latin9 = excel_csv()
        .into_iter()
        .map(|b| if b == 0x80 { 0xA4 } else { b })
        .collect::<Vec<u8>>();
    std::fs::write(&path, latin9).unwrap();
    let options = ReadOptions {
        encoding: ledger::input::EncodingChoice::Iso885915,
        ..ReadOptions::default()
    };
    let ledger = read(&path, None, &options);
    assert_eq!(ledger.invoices.len(), 2);
    // Detected too: 0xA4 and no byte that only Windows-1252 uses.
    let ledger = read(&path, None, &ReadOptions::default());
    assert_eq!(ledger.invoices.len(), 2);
    let (code, text) = policy(dir.path(), &["ledger", "inspect", "export.csv"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("encoding ISO-8859-15 (detected)"), "{text}");
    let (code, text) = policy(
        dir.path(),
        &[
            "ledger",
            "inspect",
            "export.csv",
            "--encoding",
            "iso-8859-15",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("encoding ISO-8859-15 (as told)"), "{text}");
    assert!(text.contains("invoice 2 rows 1730.00"), "{text}");
}

#[test]
fn a_problem_in_a_windows_1252_file_shows_its_line_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = excel_csv();
    bytes.extend(
        encoding_rs::WINDOWS_1252
            .encode("32/01/2026;Facture;F-003;C001;12,00 €;;Réparé\r\n")
            .0
            .iter(),
    );
    std::fs::write(dir.path().join("export.csv"), bytes).unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "jurisdiction FR\nafter 10 days send relance by email\n",
    )
    .unwrap();
    let (code, text) = policy(
        dir.path(),
        &["simulate", "p.policy", "--ledger", "export.csv"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("export.csv:6:"), "{text}");
    assert!(
        text.contains("Réparé"),
        "the line as the user wrote it: {text}"
    );
    assert!(!text.contains('\u{fffd}'), "{text}");
}

#[test]
fn utf8_with_a_bom_and_mixed_signs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.csv");
    std::fs::write(
        &path,
        "\u{feff}date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,C001,EUR 250.00,2026-02-04\n\
         2026-02-01,payment,F-1,,EUR 100.00,\n\
         2026-02-02,payment,F-1,,EUR -50.00,\n\
         2026-02-03,payment,F-1,,EUR 20.00,\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    let (code, text) = policy(dir.path(), &["ledger", "inspect", "ledger.csv"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("encoding UTF-8 with BOM (detected)"),
        "{text}"
    );
    assert!(
        text.contains("signs mixed: 2 payments or credit notes above zero, 1 below"),
        "{text}"
    );
    assert!(text.contains("policy::ledger_signs"), "{text}");
    let loaded = ledger::read(&path, None, &ReadOptions::default()).unwrap();
    assert!(loaded.ledger.is_none());
    let signs: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "policy::ledger_signs")
        .collect();
    assert_eq!(signs.len(), 1, "{:?}", loaded.diagnostics);
    assert_eq!(signs[0].range().unwrap().0.line, 4);
    // Stated, every row against it is reported.
    std::fs::write(dir.path().join("book.toml"), "signs = \"negative\"\n").unwrap();
    let loaded = ledger::read(&path, None, &ReadOptions::default()).unwrap();
    let lines: Vec<usize> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "policy::ledger_amount_not_positive")
        .map(|d| d.range().unwrap().0.line)
        .collect();
    assert_eq!(lines, [3, 5]);
    // A currency written in the amount is checked like the column.
    std::fs::remove_file(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        &path,
        "\u{feff}date,type,invoice,debtor,amount,due\n2026-01-05,invoice,F-1,C001,USD 250.00,2026-02-04\n",
    )
    .unwrap();
    let loaded = ledger::read(&path, None, &ReadOptions::default()).unwrap();
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.message == "this amount is in USD, the policy in EUR")
    );
}

#[test]
fn a_mapping_names_the_firms_columns_and_types() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("export.csv"),
        "Jour;Nat.;Réf. doc;Cpte;Valeur;Exigible\n\
         05/01/2026;FAC;D-1;C001;300,00;04/02/2026\n\
         06/02/2026;REG;D-1;;-100,00;\n\
         07/02/2026;AVO;D-1;;-50,00;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    std::fs::write(
        dir.path().join("map.toml"),
        "signs = \"negative\"\n\n[columns]\ndate = \"Jour\"\ntype = \"Nat.\"\ninvoice = \"Réf. doc\"\n\
         debtor = \"Cpte\"\namount = \"Valeur\"\ndue = \"Exigible\"\n\n\
         [types]\nFAC = \"invoice\"\nREG = \"payment\"\nAVO = \"credit_note\"\n",
    )
    .unwrap();
    let options = ReadOptions {
        map: Some(dir.path().join("map.toml")),
        ..ReadOptions::default()
    };
    let ledger = read(&dir.path().join("export.csv"), None, &options);
    let invoice = &ledger.invoices[0];
    assert_eq!(ledger.balance_on(invoice, day(2026, 3, 1)), dec("150.00"));
    let (code, text) = policy(
        dir.path(),
        &["ledger", "inspect", "export.csv", "--map", "map.toml"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("mapping map.toml"), "{text}");
    assert!(text.contains("invoice ← Réf. doc (book.toml)"), "{text}");
    // A mapping naming a column the file does not have: located in it.
    std::fs::write(
        dir.path().join("map.toml"),
        "[columns]\ndate = \"Jour\"\ninvoice = \"Ref doc\"\ndue = \"Echue\"\n",
    )
    .unwrap();
    let (code, text) = policy(
        dir.path(),
        &["ledger", "inspect", "export.csv", "--map", "map.toml"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("policy::ledger_mapping"), "{text}");
    assert!(
        text.contains("`Echue` (for `due`) is not a column of `export.csv`"),
        "{text}"
    );
    assert!(text.contains("map.toml:4:"), "{text}");
    // An unknown key and an unknown type.
    std::fs::write(
        dir.path().join("map.toml"),
        "[columns]\ninvoce = \"Réf. doc\"\n[types]\nFAC = \"bill\"\n",
    )
    .unwrap();
    let (code, text) = policy(
        dir.path(),
        &["ledger", "inspect", "export.csv", "--map", "map.toml"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("`invoce` is not a column of the ledger"),
        "{text}"
    );
    assert!(text.contains("did you mean `invoice`"), "{text}");
    assert!(text.contains("`bill` is not a type of row"), "{text}");
}

#[test]
fn a_debtors_workbook_with_mapped_columns_and_a_serial_number_shown_as_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, name) in ["Code client", "Raison sociale", "Catégorie client", "Pays"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    for (c, value) in ["C001", "ACME SARL", "b2b", "FR"].iter().enumerate() {
        sheet.write_string(1, c as u16, *value).unwrap();
    }
    workbook.save(dir.path().join("clients.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[debtors]\nkind = \"Catégorie client\"\n",
    )
    .unwrap();
    // A date cell formatted as a number: Excel shows 46027.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, name) in ["date", "type", "invoice", "debtor", "amount", "due"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_number(1, 0, 46027.0).unwrap();
    sheet.write_string(1, 1, "invoice").unwrap();
    sheet.write_string(1, 2, "F-1").unwrap();
    sheet.write_string(1, 3, "C001").unwrap();
    sheet.write_number(1, 4, 100.0).unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_date_with_format(1, 5, ExcelDateTime::from_ymd(2026, 2, 4).unwrap(), &date)
        .unwrap();
    workbook.save(dir.path().join("ledger.xlsx")).unwrap();
    let loaded = ledger::read(
        &dir.path().join("ledger.xlsx"),
        Some(&dir.path().join("clients.xlsx")),
        &ReadOptions::default(),
    )
    .unwrap();
    let messages: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.message, d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(messages.len(), 1, "the debtors read: {messages:?}");
    assert!(
        messages[0].starts_with("Sheet1!A2: date: expected"),
        "{messages:?}"
    );
    assert!(messages[0].contains("serial date"), "{messages:?}");
    // Formatted as a date, it reads.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, name) in ["date", "type", "invoice", "debtor", "amount", "due"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet
        .write_date_with_format(1, 0, ExcelDateTime::from_ymd(2026, 1, 5).unwrap(), &date)
        .unwrap();
    sheet.write_string(1, 1, "invoice").unwrap();
    sheet.write_string(1, 2, "F-1").unwrap();
    sheet.write_string(1, 3, "C001").unwrap();
    sheet.write_number(1, 4, 100.0).unwrap();
    sheet
        .write_date_with_format(1, 5, ExcelDateTime::from_ymd(2026, 2, 4).unwrap(), &date)
        .unwrap();
    workbook.save(dir.path().join("ledger.xlsx")).unwrap();
    let ledger = read(
        &dir.path().join("ledger.xlsx"),
        Some(&dir.path().join("clients.xlsx")),
        &ReadOptions::default(),
    );
    assert_eq!(ledger.debtors[0].name, "ACME SARL");
    assert_eq!(ledger.debtors[0].country.as_deref(), Some("FR"));
    assert_eq!(ledger.invoices[0].issued, day(2026, 1, 5));
}

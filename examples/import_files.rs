//! Writes the workbook of docs/import.md, `examples/import/factures.xlsx`,
//! as Excel saves one (serial dates formatted `jj/mm/aaaa`, amounts as
//! numbers, a title row above the header, a second sheet of clients):
//! `cargo run --example import_files`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// Date, type, invoice, debtor, amount, due, label.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    Option<&'static str>,
    &'static str,
);

fn main() {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("#,##0.00 \"€\"");
    let sheet = book.add_worksheet();
    sheet.set_name("Feuil1").unwrap();
    sheet
        .write_string(0, 0, "Balance clients au 31/03/2026")
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
    let rows: [Row; 6] = [
        (
            "2026-01-05",
            "Facture",
            "F-2026-001",
            "C001",
            1250.0,
            Some("2026-02-04"),
            "Travaux de plomberie",
        ),
        (
            "2026-01-20",
            "Facture",
            "F-2026-002",
            "C002",
            480.3,
            Some("2026-02-19"),
            "Pièces détachées",
        ),
        (
            "2026-02-10",
            "Règlement",
            "F-2026-001",
            "",
            1000.0,
            None,
            "Virement reçu",
        ),
        (
            "2026-02-15",
            "Avoir",
            "F-2026-002",
            "",
            80.3,
            None,
            "Remise accordée",
        ),
        (
            "2026-02-02",
            "Facture",
            "F-2026-003",
            "C001",
            3600.0,
            Some("2026-03-04"),
            "Chaudière",
        ),
        (
            "2026-03-01",
            "Facture",
            "F-2026-004",
            "C002",
            99.99,
            Some("2026-03-31"),
            "Entretien",
        ),
    ];
    for (i, (issued, kind, invoice, debtor, amount, due, label)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let issued = ExcelDateTime::parse_from_str(issued).unwrap();
        sheet.write_date_with_format(r, 0, &issued, &date).unwrap();
        sheet.write_string(r, 1, *kind).unwrap();
        sheet.write_string(r, 2, *invoice).unwrap();
        if !debtor.is_empty() {
            sheet.write_string(r, 3, *debtor).unwrap();
        }
        sheet
            .write_number_with_format(r, 4, *amount, &money)
            .unwrap();
        if let Some(due) = due {
            let due = ExcelDateTime::parse_from_str(due).unwrap();
            sheet.write_date_with_format(r, 5, &due, &date).unwrap();
        }
        sheet.write_string(r, 6, *label).unwrap();
    }
    let clients = book.add_worksheet();
    clients.set_name("Clients").unwrap();
    let table = [
        ["Code client", "Raison sociale", "Type client", "Pays"],
        ["C001", "Plomberie Moreau SARL", "b2b", "FR"],
        ["C002", "Boulangerie Martin", "b2b", "FR"],
    ];
    for (r, row) in table.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            clients.write_string(r as u32, c as u16, *value).unwrap();
        }
    }
    book.save("examples/import/factures.xlsx").unwrap();
}

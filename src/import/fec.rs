//! The French Fichier des Écritures Comptables (FEC, LPF art. A47 A-1): the
//! journal entries every French company must be able to hand the tax
//! administration, one line per entry line, tab- or pipe-separated, with
//! fixed column names (JournalCode, JournalLib, EcritureNum, EcritureDate,
//! CompteNum, CompteLib, CompAuxNum, CompAuxLib, PieceRef, PieceDate,
//! EcritureLib, Debit, Credit, EcritureLet, DateLet, ValidDate,
//! Montantdevise, Idevise), dates `YYYYMMDD`, amounts with a decimal comma.
//!
//! The book is read from the customer accounts (`411…`), each auxiliary
//! account (`CompAuxNum`, else the account) a debtor:
//! - an invoice is a debit on a customer account in a sales journal (or in
//!   the opening entries, "à-nouveaux", for an invoice of a past year),
//!   its reference the `PieceRef`, its amount the debit (all taxes in);
//! - a payment is a credit on a customer account in another journal (the
//!   bank's), a credit note a credit in a sales journal; each goes to the
//!   invoices it is lettered with (`EcritureLet`, per account), the oldest
//!   invoice of the letter first; a credit lettered with nothing, or more
//!   than its letter's invoices, is not applied and said so;
//! - the FEC has no due dates: each invoice is due its issue date plus the
//!   terms given (`--terms "30 days"`), which the output says.
//!
//! Nothing is guessed silently: every line not used for the book that
//! touches a customer account is counted in the summary.

use crate::amount::Amounts;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Terms;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ledger::dialect::{self, Dialect};
use crate::source::{SourceFile, Span};

/// The columns of the format, in its order.
pub(crate) const COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

/// The columns the import reads.
const NEEDED: [&str; 12] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "Debit",
    "Credit",
    "EcritureLet",
];

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    pub terms: Terms,
    /// The sales journals' codes; empty: those whose code is `VT`, `VE`,
    /// `VEN`, `VTE` or whose name says "vente".
    pub sales_journals: Vec<String>,
    /// The kind given every debtor (the FEC does not tell).
    pub kind: crate::vocab::DebtorKind,
    /// The prefix of customer accounts.
    pub customer_prefix: String,
}

/// An entry line on a customer account.
#[derive(Debug, Clone)]
struct Line {
    line: usize,
    journal: String,
    sales: bool,
    opening: bool,
    date: NaiveDate,
    debtor: String,
    debtor_name: String,
    piece: String,
    piece_date: Option<NaiveDate>,
    debit: Decimal,
    credit: Decimal,
    letter: String,
}

/// A row of the ledger built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub date: NaiveDate,
    /// `invoice`, `payment` or `credit_note`.
    pub kind: &'static str,
    pub invoice: String,
    pub debtor: String,
    pub amount: Decimal,
    pub due: Option<NaiveDate>,
}

/// What the import built, and what it left out.
#[derive(Debug, Default)]
pub struct Imported {
    /// Invoices first (in reference order), then payments and credit
    /// notes in date order.
    pub rows: Vec<Row>,
    /// Debtor id → name.
    pub debtors: BTreeMap<String, String>,
    pub lines: usize,
    pub separator: char,
    pub encoding: &'static str,
    pub sales_journals: Vec<String>,
    /// Credits on customer accounts not applied: (line, debtor, date,
    /// amount, why).
    pub not_applied: Vec<(usize, String, NaiveDate, Decimal, &'static str)>,
    /// Debits on customer accounts outside the sales and opening journals
    /// (a refund, a rejected payment): not read.
    pub other_debits: usize,
    /// Payments dated before their invoice (an advance): dated the
    /// invoice's day.
    pub advances: usize,
}

fn error(
    source: &Arc<SourceFile>,
    span: Span,
    message: String,
    label: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::error(Code::ImportFec, message)
        .with_label(span, label)
        .with_help(help.to_string())
        .in_source(source)
}

/// Decodes a FEC's bytes: UTF-8 (with or without a byte-order mark), else
/// ISO-8859-15 (the format's 8-bit encoding) unless told otherwise.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> (String, &'static str) {
    if let Some(encoding) = forced {
        return (encoding.decode(bytes).0.into_owned(), encoding.name());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => (
            encoding_rs::ISO_8859_15.decode(bytes).0.into_owned(),
            encoding_rs::ISO_8859_15.name(),
        ),
    }
}

/// Imports a FEC's text (`name` for diagnostics). `Err`: its problems,
/// located; nothing is built.
pub fn import(name: &str, text: String, options: &Options) -> Result<Imported, Diagnostics> {
    let source = SourceFile::new(name, text);
    let text = source.text();
    let mut problems = Diagnostics::new();
    let mut starts = Vec::new();
    let mut at = 0;
    for piece in text.split_inclusive('\n') {
        starts.push(at);
        at += piece.len();
    }
    let line_text = |n: usize| -> (&str, usize) {
        let start = starts[n];
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        (text[start..end].trim_end_matches(['\n', '\r']), start)
    };
    if starts.is_empty() {
        problems.push(
            Diagnostic::error(Code::ImportFec, format!("`{name}` is empty"))
                .with_help("export the FEC again from the accounting software")
                .in_path(name.to_string()),
        );
        return Err(problems);
    }
    let (header, _) = line_text(0);
    let header = header.trim_start_matches('\u{feff}');
    let separator = if header.contains('\t') {
        '\t'
    } else if header.contains('|') {
        '|'
    } else {
        problems.push(error(
            &source,
            Span::new(0, header.len()),
            "this is not a FEC header: its columns are separated neither by tabs nor by `|`".into(),
            "the header",
            "a FEC's first line names its 18 columns (JournalCode, JournalLib, …, Idevise), separated by tabs or `|`",
        ));
        return Err(problems);
    };
    let names: Vec<&str> = header.split(separator).map(str::trim).collect();
    let bom = text.len() - text.trim_start_matches('\u{feff}').len();
    let index = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
    // The format's other form writes `Montant` and `Sens` (D or C, or +1
    // and -1) instead of `Debit` and `Credit`.
    let signed = index("Debit").is_none()
        && index("Credit").is_none()
        && index("Montant").is_some()
        && index("Sens").is_some();
    let missing: Vec<&str> = NEEDED
        .iter()
        .copied()
        .filter(|n| index(n).is_none())
        .filter(|n| !(signed && matches!(*n, "Debit" | "Credit")))
        .collect();
    if !missing.is_empty() {
        problems.push(error(
            &source,
            Span::new(bom, bom + header.len()),
            format!("the FEC header has no {} column", missing.join(", ")),
            "the header",
            &format!(
                "a FEC has the 18 columns of LPF art. A47 A-1: {}",
                COLUMNS.join(", ")
            ),
        ));
        return Err(problems);
    }
    let col = |wanted: &str| index(wanted).unwrap_or(0);
    let [
        journal,
        journal_lib,
        number,
        date,
        account,
        aux,
        aux_name,
        piece,
        piece_date,
        debit,
        credit,
        letter,
    ] = NEEDED.map(col);
    let (amount_col, sens_col) = (col("Montant"), col("Sens"));
    // Which journals are sales.
    let mut journals: BTreeMap<String, String> = BTreeMap::new();
    let mut lines = Vec::new();
    let mut count = 0;
    for n in 1..starts.len() {
        let (raw, start) = line_text(n);
        if raw.trim().is_empty() {
            continue;
        }
        count += 1;
        let mut fields: Vec<(&str, Span)> = Vec::with_capacity(names.len());
        let mut offset = start;
        for field in raw.split(separator) {
            fields.push((field.trim(), Span::new(offset, offset + field.len())));
            offset += field.len() + separator.len_utf8();
        }
        if fields.len() < names.len() {
            problems.push(error(
                &source,
                Span::new(start, start + raw.len()),
                format!(
                    "this line has {} fields, the header {}",
                    fields.len(),
                    names.len()
                ),
                "here",
                "every line has one field per column of the header, separated like the header",
            ));
            continue;
        }
        let field = |i: usize| fields[i];
        journals
            .entry(field(journal).0.to_string())
            .or_insert_with(|| field(journal_lib).0.to_string());
        let account_number = field(account).0;
        let day = |i: usize, what: &str, problems: &mut Diagnostics| -> Option<NaiveDate> {
            let (value, span) = field(i);
            let parsed = NaiveDate::parse_from_str(value, "%Y%m%d")
                .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
                .or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y"));
            match parsed {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(error(
                        &source,
                        span,
                        format!("{what}: expected a date written YYYYMMDD, found `{value}`"),
                        "not a date",
                        "the FEC writes dates as `20260105`",
                    ));
                    None
                }
            }
        };
        let money = |i: usize, what: &str, problems: &mut Diagnostics| -> Option<Decimal> {
            let (value, span) = field(i);
            if value.is_empty() {
                return Some(Decimal::ZERO);
            }
            match dialect::parse_money(value.as_bytes(), Dialect::Locale) {
                Ok((amount, _)) if amount >= Decimal::ZERO => Some(amount),
                _ => {
                    problems.push(error(
                        &source,
                        span,
                        format!("{what}: expected an amount such as `1250,00`, found `{value}`"),
                        "not an amount",
                        "the FEC writes amounts with a decimal comma and no sign: `1250,00` in Debit or Credit",
                    ));
                    None
                }
            }
        };
        let entry_date = day(date, "EcritureDate", &mut problems);
        let piece_day = if field(piece_date).0.is_empty() {
            None
        } else {
            day(piece_date, "PieceDate", &mut problems)
        };
        let (debit_amount, credit_amount) = if signed {
            let amount = money(amount_col, "Montant", &mut problems);
            let (sens, span) = field(sens_col);
            match sens.to_ascii_uppercase().as_str() {
                "D" | "+1" | "1" => (amount, Some(Decimal::ZERO)),
                "C" | "-1" => (Some(Decimal::ZERO), amount),
                _ => {
                    problems.push(error(
                        &source,
                        span,
                        format!("Sens: expected D or C (or +1 or -1), found `{sens}`"),
                        "not a side",
                        "with `Montant` and `Sens`, the side is D (debit) or C (credit)",
                    ));
                    (None, None)
                }
            }
        } else {
            (
                money(debit, "Debit", &mut problems),
                money(credit, "Credit", &mut problems),
            )
        };
        let (Some(entry_date), Some(debit_amount), Some(credit_amount)) =
            (entry_date, debit_amount, credit_amount)
        else {
            continue;
        };
        if !account_number.starts_with(&options.customer_prefix) {
            continue;
        }
        let debtor = if field(aux).0.is_empty() {
            account_number.to_string()
        } else {
            field(aux).0.to_string()
        };
        let piece_ref = if field(piece).0.is_empty() {
            field(number).0.to_string()
        } else {
            field(piece).0.to_string()
        };
        lines.push(Line {
            line: n + 1,
            journal: field(journal).0.to_string(),
            sales: false,
            opening: false,
            date: entry_date,
            debtor,
            debtor_name: field(aux_name).0.to_string(),
            piece: piece_ref,
            piece_date: piece_day,
            debit: debit_amount,
            credit: credit_amount,
            letter: field(letter).0.to_uppercase(),
        });
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let sales: Vec<String> = if options.sales_journals.is_empty() {
        journals
            .iter()
            .filter(|(code, lib)| {
                matches!(
                    code.to_uppercase().as_str(),
                    "VT" | "VE" | "VEN" | "VTE" | "V"
                ) || crate::suggest::fold(lib).contains("vente")
            })
            .map(|(code, _)| code.clone())
            .collect()
    } else {
        options.sales_journals.clone()
    };
    let opening: Vec<&String> = journals
        .iter()
        .filter(|(code, lib)| {
            matches!(code.to_uppercase().as_str(), "AN" | "RAN" | "ANO")
                || crate::suggest::fold(lib).contains("nouveau")
        })
        .map(|(code, _)| code)
        .collect();
    for line in &mut lines {
        line.sales = sales.contains(&line.journal);
        line.opening = opening.contains(&&line.journal);
    }
    Ok(build(lines, sales, options, count, separator))
}

/// An invoice being built: its remaining amount for lettering.
struct Open {
    row: usize,
    left: Decimal,
}

fn build(
    lines: Vec<Line>,
    sales: Vec<String>,
    options: &Options,
    count: usize,
    separator: char,
) -> Imported {
    let mut out = Imported {
        lines: count,
        separator,
        sales_journals: sales,
        ..Imported::default()
    };
    for line in &lines {
        let name = out.debtors.entry(line.debtor.clone()).or_default();
        if name.is_empty() {
            name.clone_from(&line.debtor_name);
        }
    }
    // Invoices: debits in sales and opening journals, one per piece and debtor.
    let mut invoices: Vec<Row> = Vec::new();
    let mut by_piece: BTreeMap<(String, String), usize> = BTreeMap::new();
    // Letter groups: (debtor, letter) → invoices and credits.
    let mut invoice_letters: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut credits: Vec<&Line> = Vec::new();
    for line in &lines {
        let net = line.debit.saturating_sub(line.credit);
        if (line.sales || line.opening) && net > Decimal::ZERO {
            let key = (line.debtor.clone(), line.piece.clone());
            let at = *by_piece.entry(key).or_insert_with(|| {
                let issued = line.piece_date.unwrap_or(line.date);
                invoices.push(Row {
                    date: issued,
                    kind: "invoice",
                    invoice: line.piece.clone(),
                    debtor: line.debtor.clone(),
                    amount: Decimal::ZERO,
                    due: Some(options.terms.due(issued)),
                });
                invoices.len() - 1
            });
            invoices[at].amount = invoices[at].amount.saturating_add(net);
            if !line.letter.is_empty() {
                let group = invoice_letters
                    .entry((line.debtor.clone(), line.letter.clone()))
                    .or_default();
                if !group.contains(&at) {
                    group.push(at);
                }
            }
        } else if net < Decimal::ZERO {
            credits.push(line);
        } else if net > Decimal::ZERO {
            out.other_debits += 1;
        }
    }
    // The same reference for two debtors cannot be one invoice: the
    // second is told apart by its debtor.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for invoice in &invoices {
        *seen.entry(invoice.invoice.clone()).or_default() += 1;
    }
    for invoice in &mut invoices {
        if seen.get(&invoice.invoice).copied().unwrap_or(0) > 1 {
            invoice.invoice = format!("{}-{}", invoice.invoice, invoice.debtor);
        }
    }
    let mut open: Vec<Open> = invoices
        .iter()
        .enumerate()
        .map(|(row, invoice)| Open {
            row,
            left: invoice.amount,
        })
        .collect();
    // Oldest invoice of a letter first.
    for group in invoice_letters.values_mut() {
        group.sort_by(|a, b| {
            (invoices[*a].date, &invoices[*a].invoice)
                .cmp(&(invoices[*b].date, &invoices[*b].invoice))
        });
    }
    credits.sort_by_key(|line| (line.date, line.line));
    let mut entries: Vec<Row> = Vec::new();
    for line in credits {
        let kind = if line.sales { "credit_note" } else { "payment" };
        let mut amount = line.credit.saturating_sub(line.debit);
        let group = (!line.letter.is_empty())
            .then(|| invoice_letters.get(&(line.debtor.clone(), line.letter.clone())))
            .flatten();
        let Some(group) = group else {
            let why = if line.letter.is_empty() {
                "not lettered: the FEC does not say which invoice it settles"
            } else {
                "lettered with no invoice of this FEC"
            };
            out.not_applied
                .push((line.line, line.debtor.clone(), line.date, amount, why));
            continue;
        };
        for &at in group {
            if amount <= Decimal::ZERO {
                break;
            }
            let open = &mut open[at];
            if open.left <= Decimal::ZERO {
                continue;
            }
            let part = amount.min(open.left);
            open.left = open.left.saturating_sub(part);
            amount = amount.saturating_sub(part);
            let invoice = &invoices[open.row];
            let mut date = line.date;
            if date < invoice.date {
                out.advances += 1;
                date = invoice.date;
            }
            entries.push(Row {
                date,
                kind,
                invoice: invoice.invoice.clone(),
                debtor: String::new(),
                amount: part,
                due: None,
            });
        }
        if amount > Decimal::ZERO {
            out.not_applied.push((
                line.line,
                line.debtor.clone(),
                line.date,
                amount,
                "more than its letter's invoices",
            ));
        }
    }
    invoices.sort_by(|a, b| a.invoice.cmp(&b.invoice));
    entries.sort_by(|a, b| (a.date, &a.invoice).cmp(&(b.date, &b.invoice)));
    out.rows = invoices;
    out.rows.extend(entries);
    out
}

impl Imported {
    /// The ledger, in the standard dialect (docs/ledger.md).
    pub(crate) fn ledger_csv(&self) -> Vec<u8> {
        let mut out = String::from("date,type,invoice,debtor,amount,due\n");
        for row in &self.rows {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                row.date,
                row.kind,
                csv_field(&row.invoice),
                csv_field(&row.debtor),
                crate::ledger::with_cents(row.amount),
                row.due.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        out.into_bytes()
    }

    /// The debtors file: id, name, and the kind given.
    pub(crate) fn debtors_csv(&self, kind: crate::vocab::DebtorKind) -> Vec<u8> {
        let mut out = String::from("id,name,kind\n");
        for (id, name) in &self.debtors {
            let name = if name.is_empty() { id } else { name };
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(id),
                csv_field(name),
                kind.as_str()
            );
        }
        out.into_bytes()
    }

    /// What was built and what was left out, for people.
    pub fn summary(&self, options: &Options) -> String {
        let mut out = String::new();
        let count = |kind: &str| {
            let rows: Vec<&Row> = self.rows.iter().filter(|r| r.kind == kind).collect();
            (rows.len(), rows.iter().map(|r| r.amount).total())
        };
        let separator = if self.separator == '\t' { "tab" } else { "|" };
        let _ = writeln!(
            out,
            "  read         {} lines ({separator}-separated, {})",
            self.lines, self.encoding
        );
        let sales = if self.sales_journals.is_empty() {
            "none found (name it with --sales-journal)".to_string()
        } else {
            self.sales_journals.join(", ")
        };
        let _ = writeln!(out, "  sales        journal {sales}");
        let _ = writeln!(
            out,
            "  debtors      {} (accounts {}…, by CompAuxNum), all {}",
            self.debtors.len(),
            options.customer_prefix,
            options.kind.as_str()
        );
        for (kind, label) in [
            ("invoice", "invoices"),
            ("payment", "payments"),
            ("credit_note", "credit notes"),
        ] {
            let (n, total) = count(kind);
            let _ = writeln!(
                out,
                "  {label:<12} {n:>5}  {:>14}",
                crate::ledger::with_cents(total)
            );
        }
        let _ = writeln!(
            out,
            "  due dates    issue date + {}: the FEC has no due dates, --terms gives them",
            options.terms.describe()
        );
        for (line, debtor, date, amount, why) in &self.not_applied {
            let _ = writeln!(
                out,
                "  not applied  line {line}: {} of {debtor} on {date}, {why}",
                crate::ledger::with_cents(*amount)
            );
        }
        if self.other_debits > 0 {
            let _ = writeln!(
                out,
                "  not read     {} debits on customer accounts outside the sales journals (refunds, rejected payments)",
                self.other_debits
            );
        }
        if self.advances > 0 {
            let _ = writeln!(
                out,
                "  advances     {} payments made before their invoice, dated the invoice's day",
                self.advances
            );
        }
        out
    }
}

/// A CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

//! `book.toml`: how a firm's export names the columns and the types of its
//! rows, when the built-in names (aliases.rs) are not enough. It lies next
//! to the ledger, or is given with `--map FILE` (docs/import.md):
//!
//! ```toml
//! signs = "negative"        # payments and credit notes written below zero
//! encoding = "windows-1252" # else detected
//! sheet = "Factures"        # else the workbook's first sheet
//! debtors_sheet = "Clients" # the debtors file's, when a workbook
//!
//! [columns]                 # our column = the firm's column
//! invoice = "N° facture"
//! due = "Échéance"
//!
//! [types]                   # the firm's word = our type
//! Facture = "invoice"
//! "Règlement" = "payment"
//! Avoir = "credit_note"
//!
//! [debtors]                 # the debtors file's columns
//! id = "Code client"
//! ```
//!
//! Every mistake is a diagnostic located in the file (an unknown key, a
//! column the export does not have, an unknown type).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::aliases::normalise;
use super::parse::RowKind;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use crate::suggest;

/// How a file signs its payments and credit notes (docs/ledger.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Signs {
    /// One sign per file, whichever the file uses: every payment and
    /// credit note positive, or every one negative (as an account's
    /// statement writes them); a file mixing both is an error.
    #[default]
    Auto,
    /// Amounts are positive (the contract's own convention).
    Positive,
    /// Payments and credit notes are written below zero.
    Negative,
}

impl Signs {
    pub fn as_str(self) -> &'static str {
        match self {
            Signs::Auto => "auto",
            Signs::Positive => "positive",
            Signs::Negative => "negative",
        }
    }
}

/// The ledger's columns, as `[columns]` names them.
pub(crate) const LEDGER_KEYS: &[&str] = &[
    "date",
    "type",
    "invoice",
    "debtor",
    "amount",
    "due",
    "currency",
    "until",
    "reason",
    "procedure",
    "published",
];
/// The debtors file's columns, as `[debtors]` names them.
pub(crate) const DEBTOR_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "country",
    "email",
    "address",
    "guarantor",
    "guarantor_address",
];

/// The words exports write in a `type` column, for each type: French
/// first (Sage, Cegid, EBP, Odoo in French), then Dutch and German. Compared
/// as [`normalise`] leaves them.
pub(crate) const TYPE_WORDS: &[(&str, RowKind)] = &[
    ("facture", RowKind::Invoice),
    ("fact", RowKind::Invoice),
    ("fa", RowKind::Invoice),
    ("factuur", RowKind::Invoice),
    ("rechnung", RowKind::Invoice),
    ("reglement", RowKind::Entry(super::EntryKind::Payment)),
    ("paiement", RowKind::Entry(super::EntryKind::Payment)),
    ("encaissement", RowKind::Entry(super::EntryKind::Payment)),
    ("versement", RowKind::Entry(super::EntryKind::Payment)),
    ("rg", RowKind::Entry(super::EntryKind::Payment)),
    ("betaling", RowKind::Entry(super::EntryKind::Payment)),
    ("zahlung", RowKind::Entry(super::EntryKind::Payment)),
    ("avoir", RowKind::Entry(super::EntryKind::CreditNote)),
    ("av", RowKind::Entry(super::EntryKind::CreditNote)),
    (
        "note de credit",
        RowKind::Entry(super::EntryKind::CreditNote),
    ),
    ("creditnota", RowKind::Entry(super::EntryKind::CreditNote)),
    ("gutschrift", RowKind::Entry(super::EntryKind::CreditNote)),
    ("litige", RowKind::Entry(super::EntryKind::Dispute)),
    ("contestation", RowKind::Entry(super::EntryKind::Dispute)),
    ("fin de litige", RowKind::Entry(super::EntryKind::Resolve)),
    ("litige leve", RowKind::Entry(super::EntryKind::Resolve)),
    ("blocage", RowKind::Exception(super::ExceptionKind::Hold)),
    ("suspension", RowKind::Exception(super::ExceptionKind::Hold)),
    (
        "deblocage",
        RowKind::Exception(super::ExceptionKind::Release),
    ),
    (
        "fin de suspension",
        RowKind::Exception(super::ExceptionKind::Release),
    ),
    (
        "promesse",
        RowKind::Exception(super::ExceptionKind::Promise),
    ),
    (
        "promesse de paiement",
        RowKind::Exception(super::ExceptionKind::Promise),
    ),
    (
        "echeancier",
        RowKind::Exception(super::ExceptionKind::Instalment),
    ),
    (
        "procedure collective",
        RowKind::Exception(super::ExceptionKind::Insolvency),
    ),
    (
        "reconnaissance de dette",
        RowKind::Exception(super::ExceptionKind::Acknowledge),
    ),
];

/// A `book.toml`, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct BookMap {
    /// The file as the user named it (empty: no file).
    pub shown: String,
    source: Option<Arc<SourceFile>>,
    /// Our ledger column → the firm's column (and where it is written).
    pub ledger: Vec<(&'static str, String, Span)>,
    pub debtors: Vec<(&'static str, String, Span)>,
    /// The firm's words for types (normalised) → ours.
    pub types: Vec<(String, RowKind)>,
    pub signs: Signs,
    pub encoding: Option<String>,
    pub sheet: Option<String>,
    /// The sheet of the debtors file, when it is a workbook.
    pub debtors_sheet: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    sheet: Option<String>,
    debtors_sheet: Option<String>,
    encoding: Option<Spanned<String>>,
    signs: Option<Spanned<String>>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    types: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    debtors: BTreeMap<Spanned<String>, Spanned<String>>,
}

const HELP: &str = "book.toml has `signs`, `encoding`, `sheet`, `debtors_sheet`, and the tables [columns] \
    (our column = \"the firm's column\"), [types] (\"the firm's word\" = \"invoice\") and \
    [debtors] (see docs/import.md)";

fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

impl BookMap {
    /// The mapping for a ledger: `given` (`--map`), else `book.toml` beside
    /// the ledger, else none. `Err(Ok)` holds the file's problems (data),
    /// `Err(Err)` an I/O failure.
    pub fn find(ledger: &Path, given: Option<&Path>) -> Result<Option<BookMap>, Failure> {
        let path: PathBuf = match given {
            Some(path) => path.to_path_buf(),
            None => {
                let beside = ledger.parent().unwrap_or(Path::new(".")).join("book.toml");
                if !beside.is_file() {
                    return Ok(None);
                }
                beside
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Io(crate::load::io_error(crate::load::Op::Read, &path, &e)))?;
        BookMap::parse(&path.display().to_string(), &text).map(Some)
    }

    /// Reads the text of a `book.toml`.
    pub fn parse(name: &str, text: &str) -> Result<BookMap, Failure> {
        let source = SourceFile::new(name, text.to_string());
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(Span::new(0, 0), span);
            Failure::Data(Diagnostics::from(vec![
                Diagnostic::error(
                    Code::LedgerMapping,
                    format!("invalid mapping: {}", e.message()),
                )
                .with_label(at, "here")
                .with_help(HELP)
                .in_source(&source),
            ]))
        })?;
        let mut problems = Vec::new();
        let mut error = |at: Span, message: String, label: &str, help: String| {
            problems.push(
                Diagnostic::error(Code::LedgerMapping, message)
                    .with_label(at, label)
                    .with_help(help)
                    .in_source(&source),
            );
        };
        let columns = |table: &BTreeMap<Spanned<String>, Spanned<String>>,
                       keys: &'static [&'static str],
                       what: &str,
                       error: &mut dyn FnMut(Span, String, &str, String)| {
            let mut out = Vec::new();
            for (ours, theirs) in table {
                match keys.iter().find(|k| **k == ours.get_ref().as_str()) {
                    Some(key) => out.push((*key, theirs.get_ref().clone(), span(theirs.span()))),
                    None => {
                        let hint = suggest::did_you_mean(ours.get_ref(), keys.iter().copied());
                        error(
                            span(ours.span()),
                            format!("`{}` is not a column of the {what}", ours.get_ref()),
                            "unknown column",
                            hint.unwrap_or_else(|| {
                                format!(
                                    "the {what}'s columns are {}; write `ours = \"the firm's column\"`",
                                    keys.join(", ")
                                )
                            }),
                        );
                    }
                }
            }
            out
        };
        let ledger = columns(&raw.columns, LEDGER_KEYS, "ledger", &mut error);
        let debtors = columns(&raw.debtors, DEBTOR_KEYS, "debtors file", &mut error);
        let mut types = Vec::new();
        for (theirs, ours) in &raw.types {
            let word = ours
                .get_ref()
                .trim()
                .to_lowercase()
                .replace([' ', '-'], "_");
            match RowKind::ALL.iter().find(|(w, _)| *w == word) {
                Some((_, kind)) => types.push((normalise(theirs.get_ref()), *kind)),
                None => {
                    let hint =
                        suggest::did_you_mean(ours.get_ref(), RowKind::ALL.iter().map(|(w, _)| *w));
                    error(
                        span(ours.span()),
                        format!("`{}` is not a type of row", ours.get_ref()),
                        "not a type",
                        hint.unwrap_or_else(|| {
                            "the types are invoice, payment, credit_note, dispute and resolve"
                                .into()
                        }),
                    );
                }
            }
        }
        let signs = match raw.signs.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
            None | Some(("auto", _)) => Signs::Auto,
            Some(("positive", _)) => Signs::Positive,
            Some(("negative", _)) => Signs::Negative,
            Some((other, at)) => {
                error(
                    span(at),
                    format!("`{other}` is not a sign convention"),
                    "not auto, positive or negative",
                    "`signs = \"negative\"` when payments and credit notes are written below \
                     zero, `\"positive\"` when they are above, `\"auto\"` (the default) to take \
                     the file's"
                        .into(),
                );
                Signs::Auto
            }
        };
        if let Some(encoding) = &raw.encoding
            && super::input::EncodingChoice::from_label(encoding.get_ref()).is_none()
        {
            error(
                span(encoding.span()),
                format!(
                    "`{}` is not an encoding this tool reads",
                    encoding.get_ref()
                ),
                "unknown encoding",
                "write `utf-8`, `windows-1252` or `iso-8859-15` (or leave it out: detected)".into(),
            );
        }
        if !problems.is_empty() {
            return Err(Failure::Data(Diagnostics::from(problems)));
        }
        Ok(BookMap {
            shown: name.to_string(),
            source: Some(source),
            ledger,
            debtors,
            types,
            signs,
            encoding: raw.encoding.map(|e| e.into_inner()),
            sheet: raw.sheet,
            debtors_sheet: raw.debtors_sheet,
        })
    }

    /// The firm's column for each of `keys` (`None`: not mapped).
    pub fn names(&self, keys: &[&str], debtors: bool) -> Vec<Option<String>> {
        let list = if debtors { &self.debtors } else { &self.ledger };
        keys.iter()
            .map(|key| {
                list.iter()
                    .find(|(ours, _, _)| ours == key)
                    .map(|(_, theirs, _)| theirs.clone())
            })
            .collect()
    }

    /// Checks that every column the mapping names is in `headers` (a file
    /// named `file`): a located error for each one that is not.
    pub(crate) fn check_columns(
        &self,
        headers: &[String],
        debtors: bool,
        file: &str,
    ) -> Diagnostics {
        let list = if debtors { &self.debtors } else { &self.ledger };
        let mut out = Diagnostics::new();
        let Some(source) = &self.source else {
            return out;
        };
        let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        for (ours, theirs, at) in list {
            if normal.contains(&normalise(theirs)) {
                continue;
            }
            let closest = suggest::closest(theirs, headers.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            out.push(
                Diagnostic::error(
                    Code::LedgerMapping,
                    format!("`{theirs}` (for `{ours}`) is not a column of `{file}`"),
                )
                .with_label(*at, "no such column")
                .with_help(format!(
                    "{closest}the header of `{file}` has: {}",
                    headers.join(", ")
                ))
                .in_source(source),
            );
        }
        out
    }
}

/// Why a mapping cannot be used.
#[derive(Debug)]
pub enum Failure {
    /// The file cannot be read (exit 2).
    Io(Diagnostic),
    /// Its content is wrong (exit 1).
    Data(Diagnostics),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_reads_columns_types_and_signs() {
        let map = BookMap::parse(
            "book.toml",
            "signs = \"negative\"\n[columns]\ninvoice = \"N° facture\"\n\
             [types]\nFacture = \"invoice\"\n\"Règlement\" = \"payment\"\nAvoir = \"credit note\"\n",
        )
        .unwrap();
        assert_eq!(map.signs, Signs::Negative);
        assert_eq!(
            map.names(LEDGER_KEYS, false)[2].as_deref(),
            Some("N° facture")
        );
        assert!(map.types.contains(&(
            "reglement".into(),
            RowKind::Entry(super::super::EntryKind::Payment)
        )));
        assert!(map.types.contains(&(
            "avoir".into(),
            RowKind::Entry(super::super::EntryKind::CreditNote)
        )));
    }

    #[test]
    fn mistakes_are_located() {
        let text = "[columns]\ninvoce = \"N° facture\"\n[types]\nFacture = \"invoyce\"\n";
        let Err(Failure::Data(found)) = BookMap::parse("book.toml", text) else {
            panic!("accepted");
        };
        let found: Vec<_> = found.iter().cloned().collect();
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("`invoce` is not a column"));
        assert_eq!(found[0].range().unwrap().0.line, 2);
        assert!(found[1].message.contains("`invoyce` is not a type"));
        assert_eq!(found[1].range().unwrap().0.line, 4);
        let map = BookMap::parse("book.toml", "[columns]\ndue = \"Echeance\"\n").unwrap();
        let problems = map.check_columns(
            &["Date".into(), "Échéance".into(), "Client".into()],
            false,
            "l.csv",
        );
        assert!(problems.is_empty(), "accents and case do not matter");
        let problems = map.check_columns(&["Date".into(), "Date limite".into()], false, "l.csv");
        assert_eq!(problems.len(), 1);
    }
}

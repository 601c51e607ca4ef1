//! The debtors file: who each debtor id of the ledger is (name, kind,
//! addresses, guarantor).

use std::path::Path;

use super::csv_read::{self, Header};
use super::index::KeyIndex;
use super::problem::{FieldAt, Problems, RowAt, locate_csv};
use super::{Debtor, DebtorId, DialectChoice};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::suggest;
use crate::vocab::DebtorKind;

/// The debtors, and their ids for the ledger's `debtor` column.
#[derive(Debug, Default, Clone)]
pub struct DebtorIndex {
    pub debtors: Vec<Debtor>,
    by_id: KeyIndex,
}

impl DebtorIndex {
    pub fn with_capacity(n: usize) -> Self {
        DebtorIndex {
            debtors: Vec::with_capacity(n),
            by_id: KeyIndex::with_capacity(n),
        }
    }

    pub fn get(&self, id: &str) -> Option<DebtorId> {
        self.get_bytes(id.as_bytes())
    }

    pub fn get_bytes(&self, id: &[u8]) -> Option<DebtorId> {
        let debtors = &self.debtors;
        self.by_id
            .get(id, |i| debtors[i as usize].id.as_bytes())
            .map(DebtorId)
    }

    /// Adds a debtor; `Err` holds the earlier debtor with the same id.
    pub fn insert(&mut self, debtor: Debtor) -> Result<DebtorId, &Debtor> {
        if let Some(existing) = self.get(&debtor.id) {
            return Err(&self.debtors[existing.0 as usize]);
        }
        let id = u32::try_from(self.debtors.len()).unwrap_or(u32::MAX);
        self.debtors.push(debtor);
        let debtors = &self.debtors;
        let key = debtors[id as usize].id.as_bytes();
        self.by_id
            .insert(key, id, |i| debtors[i as usize].id.as_bytes());
        Ok(DebtorId(id))
    }

    pub fn into_debtors(self) -> Vec<Debtor> {
        self.debtors
    }
}

const COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "country",
    "email",
    "address",
    "guarantor",
    "guarantor_address",
];
const REQUIRED: &[&str] = &["id", "name", "kind"];

/// Reads a debtors CSV file. `Err`: the file cannot be read.
pub fn read_csv(
    path: &Path,
    choice: DialectChoice,
) -> Result<(DebtorIndex, Diagnostics), Diagnostic> {
    let mut file = csv_read::open(path, choice, None)?;
    let mut problems = Problems::default();
    let header = Header::map(&file.headers, COLUMNS, REQUIRED, &mut problems);
    // Sized for rows of about 100 bytes, not grown (and rehashed) by steps.
    let rows = std::fs::metadata(path).map_or(0, |m| m.len() / 100);
    let mut index = DebtorIndex::with_capacity(usize::try_from(rows).unwrap_or(0).min(10_000_000));
    if let Some(header) = header {
        let mut record = csv::ByteRecord::new();
        loop {
            match file.reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => {
                    csv_read::syntax_problem(&err, 0, &mut problems);
                    continue;
                }
            }
            let row = csv_read::row_at(&record);
            if let Some(debtor) = debtor(&header, &record, row, &mut problems) {
                // The first debtor of an id listed twice has the same id.
                if let Err(first) = index.insert(debtor) {
                    problems.error(
                        Code::LedgerDuplicateDebtor,
                        row,
                        FieldAt::Column(header.index(0).unwrap_or(0)),
                        format!("the debtor `{}` is listed twice", first.id),
                        format!("first listed on line {}", first.line),
                        "keep one row per debtor id",
                    );
                }
            }
        }
    }
    let diagnostics = locate_csv(path, problems, file.dialect.delimiter(), file.bom);
    Ok((index, diagnostics))
}

fn debtor(
    header: &Header,
    record: &csv::ByteRecord,
    row: RowAt,
    problems: &mut Problems,
) -> Option<Debtor> {
    let text = |i: usize| -> Option<String> {
        let value = header.field(record, i)?;
        let value = std::str::from_utf8(value).ok()?.trim();
        (!value.is_empty()).then(|| value.to_string())
    };
    if !csv_read::check_utf8(header, record, row, problems) {
        return None;
    }
    let mut ok = true;
    let mut required = |i: usize, what: &str, example: &str| {
        let value = text(i);
        if value.is_none() {
            ok = false;
            problems.error(
                Code::LedgerMissingValue,
                row,
                header.at(i),
                format!("this debtor has no {what}"),
                "empty",
                format!("give the debtor's {what}, e.g. `{example}`"),
            );
        }
        value
    };
    let id = required(0, "id", "ACME");
    let name = required(1, "name", "ACME SA");
    let kind_text = required(2, "kind", "b2b");
    let kind = kind_text.as_deref().and_then(|k| {
        // The usual spelling first: folding case and accents allocates, and
        // a book has tens of thousands of debtors.
        let exact = DebtorKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.as_str() == k);
        let kind = exact.or_else(|| DebtorKind::from_word(k));
        if kind.is_none() {
            let hint = suggest::did_you_mean(k, DebtorKind::WORDS.iter().copied());
            problems.error(
                Code::LedgerDebtorKind,
                row,
                header.at(2),
                format!("unknown debtor kind `{}`", suggest::short(k)),
                "not `b2b` or `b2c`",
                hint.unwrap_or_else(|| {
                    "the kind is `b2b` (a business) or `b2c` (a consumer)".to_string()
                }),
            );
        }
        kind
    });
    let (Some(id), Some(name), Some(kind), true) = (id, name, kind, ok) else {
        return None;
    };
    Some(Debtor {
        id,
        name,
        kind,
        country: text(3),
        email: text(4),
        address: text(5),
        guarantor: text(6),
        guarantor_address: text(7),
        attributes: header
            .extra
            .iter()
            .map(|(i, name)| {
                let value = record
                    .get(*i)
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .unwrap_or("");
                (name.clone(), value.trim().to_string())
            })
            .collect(),
        line: row.line,
    })
}

//! The debtors file: who each debtor id of the ledger is (name, kind,
//! addresses, guarantor).

use std::path::Path;

use rayon::prelude::*;
use rust_decimal::Decimal;

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

    pub(crate) fn get_bytes(&self, id: &[u8]) -> Option<DebtorId> {
        let debtors = &self.debtors;
        self.by_id
            .get(id, |i| debtors[i as usize].id.as_bytes())
            .map(DebtorId)
    }

    /// Starts loading the table's slot for `id`: the lookup of a large
    /// book's debtor is a cache miss, paid while the row before is parsed.
    pub(crate) fn prefetch(&self, id: &[u8]) {
        self.by_id.prefetch(id);
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

    pub(crate) fn into_debtors(self) -> Vec<Debtor> {
        self.debtors
    }
}

const COLUMNS: &[&str] = super::mapping::DEBTOR_KEYS;
const REQUIRED: &[&str] = &["id", "name", "kind"];

/// The columns of a debtors file as conditions name them (`debtor.COLUMN`):
/// those every debtor has, then the file's other columns in the order first
/// seen (every CSV row has them all; JSON debtors may differ).
pub fn columns(debtors: &[Debtor]) -> Vec<String> {
    let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    for debtor in debtors {
        for (name, _) in &debtor.attributes {
            if !columns.iter().any(|c| c == name) {
                columns.push(name.clone());
            }
        }
    }
    columns
}

/// Contact columns read by name (docs/ledger.md), kept among the debtor's
/// other columns so that templates see them too (`debtor.phone`).
impl Debtor {
    /// The debtor's phone number (the `phone` column).
    pub fn phone(&self) -> Option<&str> {
        self.contact("phone")
    }

    /// The guarantor's e-mail address (`guarantor_email`).
    pub fn guarantor_email(&self) -> Option<&str> {
        self.contact("guarantor_email")
    }

    /// The insolvency practitioner's name (`mandataire_name`), address
    /// (`mandataire_address`) and e-mail (`mandataire_email`): where a
    /// letter `to mandataire` goes once a collective procedure is opened
    /// (docs/ledger.md).
    pub fn mandataire_name(&self) -> Option<&str> {
        self.contact("mandataire_name")
    }

    pub fn mandataire_address(&self) -> Option<&str> {
        self.contact("mandataire_address")
    }

    pub fn mandataire_email(&self) -> Option<&str> {
        self.contact("mandataire_email")
    }

    /// The guarantor's phone number (`guarantor_phone`).
    pub fn guarantor_phone(&self) -> Option<&str> {
        self.contact("guarantor_phone")
    }

    /// The `trader` column: whether the debtor is a trader (commerçant,
    /// commercial company), which decides its court in France; `Ok(None)`
    /// when absent or empty, `Err` with the text when it is no yes or no.
    pub fn trader(&self) -> Result<Option<bool>, &str> {
        let Some(value) = self.contact("trader") else {
            return Ok(None);
        };
        match crate::suggest::fold(value).as_str() {
            "yes" | "oui" | "true" | "1" | "y" | "o" => Ok(Some(true)),
            "no" | "non" | "false" | "0" | "n" => Ok(Some(false)),
            _ => Err(value),
        }
    }

    /// The `guarantee_limit` column: the most the guarantor owes (in France
    /// a natural person's caution is limited to the amount written in the
    /// deed, C. civ. 2297), for the letters to the guarantor. Read in either
    /// dialect (`25000.00`, `25 000,00`).
    pub fn guarantee_limit(&self) -> Result<Option<Decimal>, &str> {
        let Some(value) = self.contact("guarantee_limit") else {
            return Ok(None);
        };
        let bytes = value.as_bytes();
        super::dialect::parse_amount(bytes, super::dialect::Dialect::Standard)
            .or_else(|_| super::dialect::parse_amount(bytes, super::dialect::Dialect::Locale))
            .ok()
            .filter(|limit| !limit.is_sign_negative())
            .map(Some)
            .ok_or(value)
    }

    /// A contact column's value, trimmed; `None` when absent or empty.
    fn contact(&self, column: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }
}

/// Reads a debtors CSV file (or workbook, or CSV in another encoding).
/// `Err`: the file cannot be read.
pub(crate) fn read_csv(
    path: &Path,
    choice: DialectChoice,
) -> Result<(DebtorIndex, Diagnostics), Diagnostic> {
    let prepared = match super::input::prepare(path, Default::default(), None) {
        Ok(prepared) => prepared,
        Err(super::input::Failure::Io(d)) => return Err(d),
        Err(super::input::Failure::Data(d)) => {
            return Ok((DebtorIndex::default(), Diagnostics::from(vec![d])));
        }
    };
    read_prepared(&prepared, choice, &Default::default())
}

/// Reads a prepared debtors file, its columns named as `map` says.
pub(crate) fn read_prepared(
    prepared: &super::input::Prepared,
    choice: DialectChoice,
    map: &super::mapping::BookMap,
) -> Result<(DebtorIndex, Diagnostics), Diagnostic> {
    let path = prepared.path.as_path();
    let mut file = csv_read::open(path, csv_read::choice_for(prepared, choice), None)?;
    let mapping = map.check_columns(
        &csv_read::header_names(&file.headers),
        true,
        &prepared.origin.shown,
    );
    if mapping.has_errors() {
        return Ok((DebtorIndex::default(), mapping));
    }
    let mut problems = Problems::default();
    let header = Header::map(
        &file.headers,
        COLUMNS,
        REQUIRED,
        &map.names(COLUMNS, true),
        &mut problems,
    );
    // Sized for rows of about 100 bytes, not grown (and rehashed) by steps.
    let rows = std::fs::metadata(path).map_or(0, |m| m.len() / 100);
    let mut index = DebtorIndex::with_capacity(usize::try_from(rows).unwrap_or(0).min(10_000_000));
    if let Some(header) = header {
        // Records are read in batches by one reader (the file has quoted
        // fields), the next batch while the debtors of this one, a few
        // strings each, are built on every core; they are then listed in
        // order.
        let build = |record: &csv::ByteRecord| {
            let mut found = Problems::default();
            let debtor = debtor(&header, record, csv_read::row_at(record), &mut found);
            (debtor, found)
        };
        let mut batch = Batch::default();
        let mut next = Batch::default();
        batch.read(&mut file.reader);
        loop {
            let records = &batch.records[..batch.n];
            let more = !batch.end || batch.malformed.is_some();
            let (built, ()) = rayon::join(
                || -> Vec<(Option<Debtor>, Problems)> {
                    if records.len() >= 1024 {
                        records.par_iter().map(build).collect()
                    } else {
                        records.iter().map(build).collect()
                    }
                },
                || {
                    if more {
                        next.read(&mut file.reader);
                    }
                },
            );
            for ((debtor, found), record) in built.into_iter().zip(records) {
                problems.absorb(found);
                let Some(debtor) = debtor else { continue };
                // The first debtor of an id listed twice has the same id.
                if let Err(first) = index.insert(debtor) {
                    problems.error(
                        Code::LedgerDuplicateDebtor,
                        csv_read::row_at(record),
                        FieldAt::Column(header.index(0).unwrap_or(0)),
                        format!("the debtor `{}` is listed twice", first.id),
                        format!("first listed on line {}", first.line),
                        "keep one row per debtor id",
                    );
                }
            }
            if let Some(err) = batch.malformed.take() {
                csv_read::syntax_problem(&err, 0, &mut problems);
            }
            if !more {
                break;
            }
            std::mem::swap(&mut batch, &mut next);
        }
    }
    let diagnostics = locate_csv(
        path,
        &prepared.origin,
        problems,
        file.dialect.delimiter(),
        file.bom,
    );
    Ok((index, diagnostics))
}

/// Records of the debtors file read together, up to the file's end or a
/// record that is not CSV.
#[derive(Default)]
struct Batch {
    records: Vec<csv::ByteRecord>,
    n: usize,
    end: bool,
    malformed: Option<csv::Error>,
}

impl Batch {
    const RECORDS: usize = 4096;

    fn read(&mut self, reader: &mut csv::Reader<Box<dyn std::io::Read + Send>>) {
        self.n = 0;
        self.end = false;
        self.malformed = None;
        while self.n < Self::RECORDS {
            if self.records.len() == self.n {
                // Room for a usual row: grown from nothing, a record of
                // 100 bytes was read again at each of six doublings.
                self.records.push(csv::ByteRecord::with_capacity(256, 16));
            }
            match reader.read_byte_record(&mut self.records[self.n]) {
                Ok(true) => self.n += 1,
                Ok(false) => {
                    self.end = true;
                    return;
                }
                Err(err) => {
                    self.malformed = Some(err);
                    return;
                }
            }
        }
    }
}

fn debtor(
    header: &Header,
    record: &csv::ByteRecord,
    row: RowAt,
    problems: &mut Problems,
) -> Option<Debtor> {
    // The record's text checked once, not field by field: a field between
    // two character boundaries of UTF-8 text is UTF-8 text.
    let whole = std::str::from_utf8(record.as_slice()).ok().filter(|all| {
        (0..record.len()).all(|j| {
            record
                .range(j)
                .is_some_and(|r| all.is_char_boundary(r.start) && all.is_char_boundary(r.end))
        })
    });
    if whole.is_none() && !csv_read::check_utf8(header, record, row, problems) {
        return None;
    }
    let field = |j: usize| -> Option<&str> {
        match whole {
            Some(all) => all.get(record.range(j)?),
            None => std::str::from_utf8(record.get(j)?).ok(),
        }
    };
    let text = |i: usize| -> Option<String> {
        let value = field(header.index(i)?)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    };
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
    let country = match country_code(text(3)) {
        Ok(country) => country,
        Err(written) => {
            ok = false;
            problems.error(
                Code::LedgerCountry,
                row,
                header.at(3),
                format!("`{}` is not a country code", suggest::short(&written)),
                "not two letters",
                COUNTRY_HELP,
            );
            None
        }
    };
    let (Some(id), Some(name), Some(kind), true) = (id, name, kind, ok) else {
        return None;
    };
    let debtor = Debtor {
        id,
        name,
        kind,
        country,
        email: text(4),
        address: text(5),
        guarantor: text(6),
        guarantor_address: text(7),
        attributes: header
            .extra
            .iter()
            .map(|(i, name)| {
                let value = field(*i).unwrap_or("");
                (name.clone(), value.trim().to_string())
            })
            .collect(),
        line: row.line,
    };
    if let Err(written) = debtor.trader() {
        let column = header
            .extra
            .iter()
            .find(|(_, name)| name == "trader")
            .map_or(FieldAt::Row, |&(i, _)| FieldAt::Column(i));
        problems.error(
            Code::LedgerTrader,
            row,
            column,
            format!("`{}` is not yes or no", suggest::short(written)),
            "a trader?",
            TRADER_HELP,
        );
        return None;
    }
    if let Err(written) = debtor.guarantee_limit() {
        let column = header
            .extra
            .iter()
            .find(|(_, name)| name == "guarantee_limit")
            .map_or(FieldAt::Row, |&(i, _)| FieldAt::Column(i));
        problems.error(
            Code::LedgerGuaranteeLimit,
            row,
            column,
            format!("`{}` is not an amount", suggest::short(written)),
            "the guarantee's ceiling?",
            GUARANTEE_LIMIT_HELP,
        );
        return None;
    }
    Some(debtor)
}

/// What to write in a debtor's `guarantee_limit` column.
pub(super) const GUARANTEE_LIMIT_HELP: &str = "write the most the guarantor owes under the deed, \
    e.g. `25000.00`; leave it empty when the guarantee has no ceiling";

/// What to write in a debtor's `trader` column.
pub(super) const TRADER_HELP: &str = "write `yes` for a trader (a commerçant, a commercial \
    company) or `no` (a liberal profession, an association, a société civile); leave it empty \
    when not known (the court is then not checked)";

/// What to write in a debtor's `country`.
pub(super) const COUNTRY_HELP: &str = "write the ISO 3166 code of the debtor's country, e.g. \
    `LU`, `BE`, `FR`, `DE` (left empty, the debtor lives in the policy's jurisdiction)";

/// A debtor's country as two upper-case letters, or the text written when it
/// is no such code. The law's checks read the country (where a debtor may be
/// sued): a name or a typo must not pass for the jurisdiction's own country.
pub(super) fn country_code(written: Option<String>) -> Result<Option<String>, String> {
    match written {
        None => Ok(None),
        Some(text) if text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(Some(text.to_ascii_uppercase()))
        }
        Some(text) => Err(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of debtors (built on several threads) are listed in file
    /// order, the first of an id kept, problems in file order.
    #[test]
    fn a_large_debtors_file_reads_in_order() {
        let mut text = String::from("id,name,kind,guarantor\n");
        for i in 0..5000 {
            match i % 1000 {
                7 => text.push_str(&format!("D{:05},,b2b,\n", i)), // no name
                8 => text.push_str("D00001,Again,b2c,\n"),         // listed twice
                500 if i == 4500 => text.push_str("D04500,Short\n"), // fewer fields than the header
                _ => text.push_str(&format!(
                    "D{i:05},\"Name, {i}\",b2{},\n",
                    if i % 2 == 0 { 'b' } else { 'c' }
                )),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debtors.csv");
        std::fs::write(&path, text).unwrap();
        let (index, diagnostics) = read_csv(&path, DialectChoice::Auto).unwrap();
        assert_eq!(index.debtors.len(), 5000 - 11);
        assert_eq!(index.debtors[1].name, "Name, 1");
        assert!(index.debtors.windows(2).all(|w| w[0].line < w[1].line));
        assert_eq!(
            index
                .get("D00001")
                .map(|d| index.debtors[d.0 as usize].line),
            Some(3)
        );
        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
        // In file order, across the batches read while others are built.
        assert_eq!(messages.len(), 11, "{messages:?}");
        let (before, after) = messages.split_at(10);
        for pair in before.chunks(2) {
            assert!(pair[0].contains("no name"), "{messages:?}");
            assert!(pair[1].contains("`D00001` is listed twice"), "{messages:?}");
        }
        assert!(after[0].contains("no kind"), "{messages:?}");
    }

    /// A record whose text is UTF-8 as a whole but not field by field (a
    /// character cut by the separator) is refused, as checking each field
    /// refuses it; one that is UTF-8 throughout is read.
    #[test]
    fn a_character_cut_between_two_fields_is_not_text() {
        let headers = csv::ByteRecord::from(vec!["id", "name", "kind", "address"]);
        let mut problems = Problems::default();
        let names = super::super::mapping::BookMap::default().names(COLUMNS, true);
        let header = Header::map(&headers, COLUMNS, REQUIRED, &names, &mut problems).unwrap();
        let row = RowAt { line: 2, offset: 0 };
        let cut = csv::ByteRecord::from(vec![&b"D1"[..], b"Caf\xC3", b"\xA9b2b", b"x"]);
        assert!(debtor(&header, &cut, row, &mut problems).is_none());
        assert_eq!(problems.errors, 1);
        let whole = csv::ByteRecord::from(vec![
            &b"D1"[..],
            " Café ".as_bytes(),
            b"b2b",
            "Bélair".as_bytes(),
        ]);
        let read = debtor(&header, &whole, row, &mut problems).unwrap();
        assert_eq!(
            (read.name.as_str(), read.address.as_deref()),
            ("Café", Some("Bélair"))
        );
        assert_eq!(problems.errors, 1);
    }
}

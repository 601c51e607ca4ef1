//! The JSON ledger, for programs that produce one:
//! `{"debtors":[{…}], "entries":[{…}]}`, with the same fields as the CSV
//! columns. Values are read as raw JSON text, so an amount written as a
//! number keeps its exact decimals (never through `f64`), and every problem
//! points at the value's own line and column.
//!
//! The entries are parsed in stretches on several threads (entries.rs),
//! the document's top read by hand (document.rs); a document of another
//! shape, or one that is not JSON, is read whole by serde_json first,
//! whose diagnostic is then the reader's.

mod document;
mod entries;

use std::borrow::Cow;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::Builder;
use super::debtors::DebtorIndex;
use super::problem::{FieldAt, Problems, RowAt, locate_text};
use super::{Debtor, Dialect, Loaded, ReadOptions};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{Op, io_error};
use crate::suggest;
use crate::vocab::DebtorKind;

/// `*.json`, or a file whose first non-blank byte is `{`.
pub(crate) fn is_json(path: &Path) -> Result<bool, Diagnostic> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Ok(true);
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return Ok(false);
    }
    use std::io::Read;
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).map_err(|e| io_error(Op::Read, path, &e))?;
    let n = file
        .read(&mut head)
        .map_err(|e| io_error(Op::Read, path, &e))?;
    let head = head.get(..n).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(head.trim_ascii_start().first() == Some(&b'{'))
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    debtors: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

/// A field: its name (lowercase), its decoded text (`None` for null) and
/// the byte range of its value in the file.
type Field<'a> = (Cow<'a, str>, Option<Cow<'a, str>>, (usize, usize));

/// An object's members as written, names borrowed from the file when they
/// have no escape: a million entries are read without a map or a string
/// allocated per field.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Self::Value, M::Error> {
                let mut members = Vec::with_capacity(8);
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    members.push((key.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A member's name, borrowed when it can be.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

/// An object's fields, and where it starts.
struct Object<'a> {
    fields: Vec<Field<'a>>,
    at: RowAt,
}

impl<'a> Object<'a> {
    fn parse(
        text: &'a str,
        lines: &[usize],
        raw: &'a RawValue,
        problems: &mut Problems,
    ) -> Option<Object<'a>> {
        let offset = offset_in(text, raw.get());
        let row = RowAt {
            line: line_of(lines, offset),
            offset: offset as u64,
        };
        let map: Vec<(Cow<'a, str>, &'a RawValue)> =
            match serde_json::from_str::<Members<'a>>(raw.get()) {
                // As a map would keep them: by name, the last of a name repeated.
                Ok(Members(mut members)) => {
                    if !members.is_sorted_by(|a, b| a.0 < b.0) {
                        members.reverse();
                        members.sort_by(|a, b| a.0.cmp(&b.0));
                        members.dedup_by(|later, first| later.0 == first.0);
                    }
                    members
                }
                Err(_) => {
                    not_an_object(problems, row);
                    return None;
                }
            };
        let fields = map
            .into_iter()
            .map(|(name, value)| {
                let start = offset_in(text, value.get());
                let range = (start, start + value.get().len());
                let decoded = match value.get().as_bytes().first() {
                    Some(b'"') => serde_json::from_str::<Cow<'a, str>>(value.get()).ok(),
                    Some(b'n') => None, // null
                    _ => Some(Cow::Borrowed(value.get())),
                };
                let name = if name.chars().any(char::is_uppercase) {
                    Cow::Owned(name.to_lowercase())
                } else {
                    name
                };
                (name, decoded, range)
            })
            .collect();
        Some(Object { fields, at: row })
    }

    fn get(&self, name: &str) -> Option<(&str, (usize, usize))> {
        self.fields
            .iter()
            .find(|(n, _, _)| n == name)
            .and_then(|(_, v, range)| v.as_deref().map(|v| (v, *range)))
            .filter(|(v, _)| !v.trim().is_empty())
    }

    fn at(&self, name: &str) -> FieldAt {
        self.fields.iter().find(|(n, _, _)| n == name).map_or(
            FieldAt::Bytes(self.at.offset as usize, self.at.offset as usize + 1),
            |(_, _, (s, e))| FieldAt::Bytes(*s, *e),
        )
    }
}

/// An entry's members: the ledger's columns, in their order.
const ENTRY_FIELDS: &[&str] = super::mapping::LEDGER_KEYS;

/// An array item that is not an object.
fn not_an_object(problems: &mut Problems, row: RowAt) {
    let offset = usize::try_from(row.offset).unwrap_or(usize::MAX);
    problems.error(
        Code::LedgerSyntax,
        row,
        FieldAt::Bytes(offset, offset.saturating_add(1)),
        "expected an object with the entry's fields",
        "not an object",
        "each item is an object such as {\"date\": \"2026-01-05\", \"type\": \"invoice\", …}",
    );
}

/// Reads a JSON ledger; its debtors come from its `debtors` array, else
/// from the debtors CSV file.
pub fn read(
    path: &Path,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
) -> Result<Loaded, Diagnostic> {
    read_in(path, debtors_path, options, entries::STRETCH, true)
}

/// [`read`], the entries in stretches of about `stretch` bytes, the
/// document's top read by hand when `by_hand` (else the document is read
/// whole first, as any document the hand does not read is).
fn read_in(
    path: &Path,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
    stretch: usize,
    by_hand: bool,
) -> Result<Loaded, Diagnostic> {
    let name = path.display().to_string();
    if by_hand {
        if let Some(loaded) = by_parts(&name, path, debtors_path, options, stretch) {
            return Ok(loaded);
        }
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(Op::Read, path, &e))?;
    // The text is used where it was read: a source file for diagnostics
    // (a copy of the whole file) is made only for a file that is not text.
    let owned = match String::from_utf8(bytes) {
        Ok(text) if !text.as_bytes().contains(&0) => text,
        other => {
            let bytes = other.map_or_else(|e| e.into_bytes(), String::into_bytes);
            match crate::load::text_source(name.clone(), bytes) {
                Ok(source) => source.text().to_string(),
                Err(d) => {
                    return Ok(Loaded {
                        ledger: None,
                        diagnostics: Diagnostics::from(vec![d]),
                    });
                }
            }
        }
    };
    let text = owned.trim_start_matches('\u{feff}');
    whole(&name, path, text, debtors_path, options, stretch)
}

/// The byte-order marks at the start of a file's first `bytes`, and the
/// text after them that is whole; `None` when the bytes are not text (not
/// UTF-8, or a NUL).
fn head_text(bytes: &[u8]) -> Option<(usize, &str)> {
    let mut bom = 0;
    while bytes.get(bom..bom + 3) == Some(b"\xEF\xBB\xBF") {
        bom += 3;
    }
    let bytes = bytes.get(bom..)?;
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // A character cut at the end of what was read.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    (!text.as_bytes().contains(&0)).then_some((bom, text))
}

/// A file's first bytes, read until they hold the document's top up to the
/// entries' `[` (document.rs); `None` when the file is not read by hand.
fn read_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    let mut want = 1 << 16;
    loop {
        let asked = want - bytes.len();
        let got = (&mut file)
            .take(asked as u64)
            .read_to_end(&mut bytes)
            .ok()?;
        let (_, text) = head_text(&bytes)?;
        if document::head(text).is_some() {
            return Some(bytes);
        }
        if got < asked {
            return None;
        }
        want *= 4;
    }
}

/// Reads a document of the shape programs write: its top by hand, its
/// entries in stretches of the file guessed as it is read. `None` for any
/// other document (and when the debtors cannot be had: that is said once
/// the document is known to be JSON), which is then read whole.
fn by_parts(
    name: &str,
    path: &Path,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
    stretch: usize,
) -> Option<Loaded> {
    let bytes = read_head(path)?;
    let (bom, text) = head_text(&bytes)?;
    let head = document::head(text)?;
    let mut found = Problems::default();
    let mut diagnostics = Diagnostics::new();
    let index = match &head.debtors {
        Some(_) if debtors_path.is_some() => return None,
        // The debtors are before the entries.
        Some(list) => debtors(text, &line_ends(text), list, &mut found),
        None => {
            let file = super::debtors_file(path, debtors_path).ok()?;
            let (index, more) = super::debtors::read_csv(&file, options.dialect).ok()?;
            diagnostics.extend(more);
            index
        }
    };
    let builder = Builder::new(index, options.currency, Dialect::Standard, None);
    let first_line = newlines(text.get(..head.entries).unwrap_or_default()) + 1;
    let length = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let starts = |known| entries::Starts::File {
        path,
        bom,
        head: &bytes,
        start: head.entries,
        size: stretch,
        known,
        debtors_written: head.debtors_written,
    };
    let entry_bytes = length.saturating_sub(bom + head.entries);
    let (builder, shapes) = read_entries(builder, first_line, entry_bytes, starts).ok()?;
    Some(finish(
        name,
        None,
        path,
        builder,
        [found, shapes],
        diagnostics,
    ))
}

/// Reads the document whole with serde_json (whose error is the reader's
/// diagnostic for a file that is not JSON), then its entries.
fn whole(
    name: &str,
    path: &Path,
    text: &str,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
    stretch: usize,
) -> Result<Loaded, Diagnostic> {
    let document: Document = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(err) => {
            let offset = offset_of_line_col(text, err.line(), err.column());
            return Ok(not_json(
                name,
                text,
                RowAt {
                    line: u32::try_from(err.line()).unwrap_or(u32::MAX),
                    offset: offset as u64,
                },
                format!("this is not a JSON ledger: {err}"),
            ));
        }
    };
    let mut found = Problems::default();
    let mut diagnostics = Diagnostics::new();
    let index = match (&document.debtors, debtors_path) {
        (Some(_), Some(file)) => {
            return Err(Diagnostic::error(
                Code::LedgerNoDebtors,
                format!(
                    "`{name}` lists its debtors, and `--debtors {}` is given too",
                    file.display()
                ),
            )
            .with_help("give the debtors once: drop `--debtors`, or the ledger's `debtors` array")
            .in_path(name));
        }
        (Some(list), None) => debtors(text, &line_ends(text), list, &mut found),
        (None, _) => {
            let file = super::debtors_file(path, debtors_path)?;
            let (index, more) = super::debtors::read_csv(&file, options.dialect)?;
            diagnostics.extend(more);
            index
        }
    };
    let builder = Builder::new(index, options.currency, Dialect::Standard, None);
    let first = document
        .entries
        .first()
        .map_or(0, |entry| offset_in(text, entry.get()));
    let first_line = newlines(text.get(..first).unwrap_or_default()) + 1;
    let starts = |_| entries::Starts::Found {
        text,
        entries: &document.entries,
        size: stretch,
    };
    let entry_bytes = text.len().saturating_sub(first);
    match read_entries(builder, first_line, entry_bytes, starts) {
        Ok((builder, shapes)) => Ok(finish(
            name,
            Some(text),
            path,
            builder,
            [found, shapes],
            diagnostics,
        )),
        // Entries found by serde_json are JSON: not seen to happen.
        Err(entries::NotJson) => Ok(not_json(
            name,
            text,
            RowAt {
                line: 1,
                offset: first as u64,
            },
            "this is not a JSON ledger".to_string(),
        )),
    }
}

/// The diagnostic of a file that is not a JSON ledger, at `at`.
fn not_json(name: &str, text: &str, at: RowAt, message: String) -> Loaded {
    let mut problems = Problems::default();
    let offset = usize::try_from(at.offset).unwrap_or(usize::MAX);
    problems.error(
        Code::LedgerSyntax,
        at,
        FieldAt::Bytes(offset, offset.saturating_add(1)),
        message,
        "here",
        "a JSON ledger is {\"debtors\": [{\"id\": …, \"name\": …, \"kind\": …}], \"entries\": [{\"date\": …, \"type\": …, \"invoice\": …}]}",
    );
    Loaded {
        ledger: None,
        diagnostics: locate_text(name, text, problems),
    }
}

/// Reads the entries into `builder`, their first line being `first_line`
/// of the file and their text about `bytes` long (`starts` says where the
/// stretches start, given those a first reading found). Read twice when
/// some entries have members beyond the ledger's columns: each row's
/// attributes follow the names of all of them, known once every entry is
/// read. Gives the builder and the items that are not objects.
fn read_entries<'a>(
    mut builder: Builder,
    first_line: u64,
    bytes: usize,
    starts: impl Fn(Option<Vec<usize>>) -> entries::Starts<'a>,
) -> Result<(Builder, Problems), entries::NotJson> {
    // A JSON entry is about 2.25 times its CSV row (gen_ledger's books);
    // the builder sizes its tables for CSV bytes.
    let csv_bytes = bytes as u64 / 9 * 4;
    let mut names = Vec::new();
    let mut known = None;
    loop {
        builder.in_batches(1, first_line);
        builder.reserve(csv_bytes);
        let mut shapes = Problems::default();
        let parser = builder.parser();
        let mut outcome = entries::read(starts(known), &parser, &names, |stretch| {
            shapes.absorb(std::mem::take(&mut stretch.shapes));
            builder.add_rows(&mut stretch.rows);
        })?;
        drop(parser);
        if outcome.extra.len() == names.len() {
            builder.attribute_names = names;
            return Ok((builder, shapes));
        }
        names = std::mem::take(&mut outcome.extra).into_iter().collect();
        known = Some(outcome.starts);
        builder = builder.again();
    }
}

/// Builds the ledger from what was read, with the problems found before
/// the rows' own; their lines are shown from `text`, or from the file at
/// `path` read again (only when there are some).
fn finish(
    name: &str,
    text: Option<&str>,
    path: &Path,
    mut builder: Builder,
    before: [Problems; 2],
    mut diagnostics: Diagnostics,
) -> Loaded {
    for problems in before {
        builder.problems().absorb(problems);
    }
    let (ledger, problems) = builder.finish();
    let located = match text {
        Some(text) => locate_text(name, text, problems),
        None if problems.list.is_empty() => locate_text(name, "", problems),
        None => {
            let bytes = std::fs::read(path).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            locate_text(name, text.trim_start_matches('\u{feff}'), problems)
        }
    };
    diagnostics.extend(located);
    let ledger = ledger.filter(|_| !diagnostics.has_errors()).map(|mut l| {
        l.dialect = None;
        l
    });
    Loaded {
        ledger,
        diagnostics,
    }
}

/// Line ends in `text`.
fn newlines(text: &str) -> u64 {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64
}

fn debtors(
    text: &str,
    lines: &[usize],
    list: &[&RawValue],
    problems: &mut Problems,
) -> DebtorIndex {
    let mut index = DebtorIndex::default();
    for raw in list {
        let Some(object) = Object::parse(text, lines, raw, problems) else {
            continue;
        };
        let get = |name: &str| object.get(name).map(|(v, _)| v.trim().to_string());
        let mut missing = false;
        for name in ["id", "name", "kind"] {
            if get(name).is_none() {
                missing = true;
                problems.error(
                    Code::LedgerMissingValue,
                    object.at,
                    object.at(name),
                    format!("this debtor has no `{name}`"),
                    "missing",
                    "each debtor has an `id`, a `name` and a `kind` (`b2b` or `b2c`)",
                );
            }
        }
        if missing {
            continue;
        }
        let kind_text = get("kind").unwrap_or_default();
        let Some(kind) = DebtorKind::from_word(&kind_text) else {
            problems.error(
                Code::LedgerDebtorKind,
                object.at,
                object.at("kind"),
                format!("unknown debtor kind `{}`", suggest::short(&kind_text)),
                "not `b2b` or `b2c`",
                "the kind is `b2b` (a business) or `b2c` (a consumer)",
            );
            continue;
        };
        let country = match super::debtors::country_code(get("country")) {
            Ok(country) => country,
            Err(written) => {
                problems.error(
                    Code::LedgerCountry,
                    object.at,
                    object.at("country"),
                    format!("`{}` is not a country code", suggest::short(&written)),
                    "not two letters",
                    super::debtors::COUNTRY_HELP,
                );
                continue;
            }
        };
        let debtor = Debtor {
            id: get("id").unwrap_or_default(),
            name: get("name").unwrap_or_default(),
            kind,
            country,
            email: get("email"),
            address: get("address"),
            guarantor: get("guarantor"),
            guarantor_address: get("guarantor_address"),
            attributes: object
                .fields
                .iter()
                .filter(|(n, _, _)| !super::mapping::DEBTOR_KEYS.contains(&n.as_ref()))
                .map(|(n, v, _)| (n.to_string(), v.as_deref().unwrap_or("").to_string()))
                .collect(),
            line: object.at.line,
        };
        if let Err(written) = debtor.trader() {
            problems.error(
                Code::LedgerTrader,
                object.at,
                object.at("trader"),
                format!("`{}` is not yes or no", suggest::short(written)),
                "a trader?",
                super::debtors::TRADER_HELP,
            );
            continue;
        }
        if let Err(written) = debtor.guarantee_limit() {
            problems.error(
                Code::LedgerGuaranteeLimit,
                object.at,
                object.at("guarantee_limit"),
                format!("`{}` is not an amount", suggest::short(written)),
                "the guarantee's ceiling?",
                super::debtors::GUARANTEE_LIMIT_HELP,
            );
            continue;
        }
        let id = debtor.id.clone();
        if let Err(first) = index.insert(debtor) {
            problems.error(
                Code::LedgerDuplicateDebtor,
                object.at,
                object.at("id"),
                format!("the debtor `{id}` is listed twice"),
                format!("first listed on line {}", first.line),
                "keep one object per debtor id",
            );
        }
    }
    index
}

/// Where `part` (a slice of `text`) starts in `text`.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len())
}

/// Offsets of the line ends of `text`, for [`line_of`].
fn line_ends(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// The 1-based line of a byte offset.
fn line_of(line_ends: &[usize], offset: usize) -> u32 {
    let line = line_ends.partition_point(|&end| end < offset) + 1;
    u32::try_from(line).unwrap_or(u32::MAX)
}

fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::render;
    use proptest::prelude::*;

    const DEBTORS_CSV: &str = "id,name,kind\nA,Alpha,b2b\nB,Beta,b2c\n";

    /// What reading `text` as `ledger.json` (beside a debtors file) finds,
    /// as comparable text.
    fn read_text(text: &str, stretch: usize, by_hand: bool) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        std::fs::write(&path, text).unwrap();
        std::fs::write(dir.path().join("debtors.csv"), DEBTORS_CSV).unwrap();
        match read_in(&path, None, &ReadOptions::default(), stretch, by_hand) {
            Ok(loaded) => format!(
                "{:#?}\n{}",
                loaded.ledger,
                render::json(&loaded.diagnostics)
            )
            .replace(&dir.path().display().to_string(), "DIR"),
            Err(d) => format!("Err {d:?}").replace(&dir.path().display().to_string(), "DIR"),
        }
    }

    /// What one reader of the whole document finds in `text`, checked to
    /// be what readers of stretches of any size find.
    fn same_in_any_stretches(text: &str) -> String {
        let whole = read_text(text, usize::MAX, false);
        for (stretch, by_hand) in [
            (1, true),
            (7, true),
            (64, true),
            (1000, true),
            (entries::STRETCH, true),
            (1, false),
            (64, false),
        ] {
            let found = read_text(text, stretch, by_hand);
            if let Some((line, (a, b))) = whole
                .lines()
                .zip(found.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                panic!(
                    "stretches of {stretch} bytes (by hand: {by_hand}), line {line}: `{a}` read as `{b}`\n{text}"
                );
            }
            assert_eq!(
                found.len(),
                whole.len(),
                "stretches of {stretch} bytes\n{text}"
            );
        }
        whole
    }

    /// A ledger of `n` invoices with every kind of entry, member and
    /// problem (when `problems`): names in any case, escaped or repeated,
    /// amounts as numbers, nulls, extra members, items that are not
    /// objects, entries over several lines, `{` and `,{` inside strings.
    fn tricky(n: usize, problems: bool, debtors: bool) -> String {
        let mut out = String::from("{\n");
        if debtors {
            out.push_str(
                "  \"debtors\": [{\"id\": \"A\", \"name\": \"Alpha\", \"kind\": \"b2b\", \"note\": \"x\"},\n   {\"id\": \"B\", \"name\": \"Beta\", \"kind\": \"b2c\"}],\n",
            );
        }
        out.push_str("  \"meta\": {\"entries\": [{\"a\": 1}, {\"b\": 2}]},\n  \"entries\": [\n");
        let mut items = Vec::new();
        for i in 0..n {
            let reference = format!("F-{i:04}");
            let day = 1 + i % 27;
            let debtor = if i % 2 == 0 { "A" } else { "B" };
            items.push(match i % 9 {
                0 => format!(
                    "{{\"Date\": \"2025-02-{day:02}\", \"TYPE\": \"invoice\", \"invoice\": \"{reference}\", \"debtor\": \"{debtor}\", \"amount\": 1, \"amount\": {}.5, \"due\": \"2025-03-{day:02}\"}}",
                    100 + i
                ),
                1 => format!(
                    "{{\"date\": \"2025-02-{day:02}\",\n  \"type\": \"invoice\", \"\\u0069nvoice\": \"{reference}\", \"debtor\": \"{debtor}\", \"amount\": \"{}.00\",\r\n  \"due\": \"2025-03-{day:02}\", \"Project\": \"P {{x}},{{y\", \"project\": \"p\"}}",
                    200 + i
                ),
                2 => format!(
                    "{{\"date\": \"2025-02-{day:02}\", \"type\": \"invoice\", \"invoice\": \"{reference}\", \"debtor\": \"{debtor}\", \"amount\": \"50\", \"due\": \"2025-03-{day:02}\", \"lines\": [{{\"a\": \"}},{{\"}}, {{\"b\": null}}], \"currency\": null, \"reason\": \"  \"}}"
                ),
                _ => format!(
                    "{{\"date\": \"2025-02-{day:02}\", \"type\": \"invoice\", \"invoice\": \"{reference}\", \"debtor\": \"{debtor}\", \"amount\": \"{}.{:02}\", \"due\": \"2025-03-{day:02}\", \"note\": \"caf\\u00e9 \\\"{i}\\\"\"}}",
                    300 + i,
                    i % 100
                ),
            });
            match i % 5 {
                0 => items.push(format!(
                    "{{\"date\": \"2025-03-0{}\", \"type\": \"payment\", \"invoice\": \"{reference}\", \"amount\": 10}}",
                    1 + i % 9
                )),
                1 => items.push(format!(
                    "{{\"date\": \"2025-03-02\", \"type\": \"dispute\", \"invoice\": \"{reference}\", \"reason\": \"a {{\\\"quoted\\\"}}, reason\"}}, {{\"date\": \"2025-03-09\", \"type\": \"resolve\", \"invoice\": \"{reference}\"}}"
                )),
                2 => items.push(format!(
                    "{{\"date\": \"2025-04-01\", \"type\": \"credit_note\", \"invoice\": \"{reference}\", \"amount\": 5.25}}"
                )),
                _ => {}
            }
            if problems {
                match i % 13 {
                    0 => items.push("{\"date\": \"2025-13-01\", \"type\": \"payment\", \"invoice\": \"F-0001\", \"amount\": 1}".into()),
                    1 => items.push(format!("{{\"date\": \"2025-02-01\", \"type\": \"invoice\", \"invoice\": \"{reference}\", \"debtor\": \"A\", \"amount\": 1, \"due\": \"2025-03-01\"}}")),
                    2 => items.push("{\"date\": \"2025-02-01\", \"type\": \"payment\", \"invoice\": \"NOPE\", \"amount\": 1}".into()),
                    3 => items.push("17".into()),
                    4 => items.push("[{\"date\": \"2025-02-01\"}, 2]".into()),
                    5 => items.push(format!("{{\"date\": \"2025-02-01\", \"type\": \"payment\", \"invoice\": \"{reference}\", \"debtor\": \"B\", \"amount\": 1}}")),
                    6 => items.push(format!("{{\"date\": \"2025-03-01\", \"type\": \"payment\", \"invoice\": \"{reference}\", \"amount\": 100000}}")),
                    7 => items.push("null".into()),
                    8 => items.push("{\"date\": \"2025-02-01\", \"type\": \"invoice\", \"invoice\": \"X-1\", \"debtor\": \"NOBODY\", \"amount\": 1, \"due\": \"2025-03-01\"}".into()),
                    9 => items.push("{\"type\": \"bogus\"}".into()),
                    _ => {}
                }
            }
        }
        let separators = [",\n    ", ",", " ,\r\n", ",\n\n  "];
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(separators[i % separators.len()]);
            }
            out.push_str(item);
        }
        out.push_str("\n  ],\n  \"after\": [1, {\"x\": \"y\"}]\n}\n");
        out
    }

    #[test]
    fn stretches_read_like_one_reader_a_good_book() {
        for debtors in [false, true] {
            let whole = same_in_any_stretches(&tricky(120, false, debtors));
            assert!(whole.starts_with("Some("), "{whole}");
            assert!(whole.contains("\"P {x},{y\""), "attributes read: {whole}");
        }
    }

    #[test]
    fn stretches_read_like_one_reader_a_bad_book() {
        let whole = same_in_any_stretches(&tricky(120, true, false));
        assert!(whole.starts_with("None"), "{whole}");
        for code in [
            "ledger_date",
            "ledger_duplicate_invoice",
            "ledger_unknown_invoice",
            "ledger_syntax",
            "ledger_debtor_mismatch",
            "ledger_overpayment",
            "ledger_unknown_debtor",
            "ledger_type",
        ] {
            assert!(whole.contains(code), "{code}: {whole}");
        }
    }

    #[test]
    fn stretches_keep_the_same_problems_past_the_cap() {
        let whole = same_in_any_stretches(&tricky(900, true, true));
        assert!(whole.contains("more problems"), "{whole}");
    }

    #[test]
    fn documents_of_other_shapes_read_as_before() {
        for text in [
            // debtors after the entries, a null debtors, an array document
            "{\"entries\": [{\"date\": \"2025-01-01\", \"type\": \"invoice\", \"invoice\": \"F\", \"debtor\": \"X\", \"amount\": 1, \"due\": \"2025-02-01\"}], \"debtors\": [{\"id\": \"X\", \"name\": \"Xavier\", \"kind\": \"b2c\"}]}",
            "{\"debtors\": null, \"entries\": [{\"date\": \"2025-01-01\", \"type\": \"invoice\", \"invoice\": \"F\", \"debtor\": \"A\", \"amount\": 1, \"due\": \"2025-02-01\"}]}",
            "[null, [{\"date\": \"2025-01-01\", \"type\": \"invoice\", \"invoice\": \"F\", \"debtor\": \"A\", \"amount\": 1, \"due\": \"2025-02-01\"}]]",
            "{\"entr\\u0069es\": [], \"x\": 1}",
            "{\"entries\": []}",
            "{\"entries\": [ ]}",
            "{\"entries\": [1,]}",
            "{\"entries\": [{\"date\": \"2025-01-01\"},, {}]}",
            "{\"entries\": [{\"date\": \"2025-01-01\"} {}]}",
            "{\"entries\": [{\"date\": \"2025-01-01\" \"type\": 1}]}",
            "{\"entries\": [{\"date\": \"\\x\"}]}",
            "{\"entries\": [{\"date\": 01}]}",
            "{\"entries\": [\"\u{1}\"]}",
            "{\"entries\": [{\"date\": \"a\u{0}b\"}]}",
            "{\"entries\": [{},\u{0} {}]}",
            "{\"entries\": [{}]}\u{0}",
            "{\"entries\": [{}]",
            "{\"entries\": []} []",
            "\u{feff}{\"entries\": []}",
            "{\"debtors\": [{\"id\": \"A\"}], \"entries\": [], \"debtors\": []}",
            "{}",
            "",
        ] {
            same_in_any_stretches(text);
        }
    }

    #[test]
    fn items_that_are_not_objects_are_all_counted_past_the_cap() {
        let mut text = String::from("{\"entries\": [");
        for _ in 0..MAX_ITEMS {
            text.push_str("1,\n");
        }
        text.push_str("2]}");
        let found = same_in_any_stretches(&text);
        assert!(
            found.contains(&format!(
                "{} more problems in `DIR/ledger.json` are not shown",
                MAX_ITEMS + 1 - crate::ledger::MAX_PROBLEMS
            )),
            "{found}"
        );
    }

    const MAX_ITEMS: usize = 600;

    /// Tokens a mutation inserts: JSON's structure, and what breaks it.
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        " ",
        "\n",
        "null",
        "1",
        "-",
        "e",
        "\u{1}",
        "\u{0}",
        "{\"type\": \"payment\"}",
        ",{",
        "},",
        "\"date\"",
        "\\u0041",
        "\\ud800",
        "é",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A book mutated anyhow (JSON or not) reads the same in
        /// stretches, by hand, as by one reader of the whole document.
        #[test]
        fn a_mutated_book_reads_the_same_in_stretches(
            debtors in any::<bool>(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..4usize, any::<prop::sample::Index>()), 1..4),
        ) {
            let mut text = tricky(12, true, debtors).into_bytes();
            for (at, kind, token) in edits {
                let i = at.index(text.len());
                match kind {
                    0 => { text.remove(i); }
                    1 => {
                        let token = TOKENS[token.index(TOKENS.len())].as_bytes();
                        text.splice(i..i, token.iter().copied());
                    }
                    2 => {
                        let end = (i + 1 + token.index(40)).min(text.len());
                        let copy = text[i..end].to_vec();
                        text.splice(i..i, copy);
                    }
                    _ => {
                        let end = (i + 1 + token.index(40)).min(text.len());
                        text.drain(i..end);
                    }
                }
            }
            // Cutting a character in two makes the file not text: another
            // diagnostic, not this test's business.
            let text = String::from_utf8_lossy(&text).into_owned();
            same_in_any_stretches(&text);
        }
    }
}

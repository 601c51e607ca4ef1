//! The JSON ledger, for programs that produce one:
//! `{"debtors":[{…}], "entries":[{…}]}`, with the same fields as the CSV
//! columns. Values are read as raw JSON text, so an amount written as a
//! number keeps its exact decimals (never through `f64`), and every problem
//! points at the value's own line and column.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::Builder;
use super::debtors::DebtorIndex;
use super::parse::{Col, Row};
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
        let map: Vec<(Cow<'a, str>, &'a RawValue)> = match serde_json::from_str::<Members<'a>>(
            raw.get(),
        ) {
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
                problems.error(
                    Code::LedgerSyntax,
                    row,
                    FieldAt::Bytes(offset, offset + 1),
                    "expected an object with the entry's fields",
                    "not an object",
                    "each item is an object such as {\"date\": \"2026-01-05\", \"type\": \"invoice\", …}",
                );
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

const ENTRY_FIELDS: &[&str] = &[
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

struct JsonRow<'o, 'a> {
    object: &'o Object<'a>,
    attribute_names: &'o [String],
}

impl Row for JsonRow<'_, '_> {
    fn value(&self, col: Col) -> Option<&[u8]> {
        self.object
            .get(ENTRY_FIELDS[col as usize])
            .map(|(v, _)| v.as_bytes())
    }

    fn at(&self, col: Col) -> FieldAt {
        self.object.at(ENTRY_FIELDS[col as usize])
    }

    fn row(&self) -> RowAt {
        self.object.at
    }

    fn attributes(&self, _: &mut Problems) -> Option<Box<[Box<str>]>> {
        Some(
            self.attribute_names
                .iter()
                .map(|name| Box::from(self.object.get(name).map_or("", |(v, _)| v)))
                .collect(),
        )
    }
}

/// Reads a JSON ledger; its debtors come from its `debtors` array, else
/// from the debtors CSV file.
pub fn read(
    path: &Path,
    debtors_path: Option<&Path>,
    options: &ReadOptions,
) -> Result<Loaded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(Op::Read, path, &e))?;
    let name = path.display().to_string();
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
    let document: Document = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(err) => {
            let mut problems = Problems::default();
            let offset = offset_of_line_col(text, err.line(), err.column());
            problems.error(
                Code::LedgerSyntax,
                RowAt {
                    line: u32::try_from(err.line()).unwrap_or(u32::MAX),
                    offset: offset as u64,
                },
                FieldAt::Bytes(offset, offset + 1),
                format!("this is not a JSON ledger: {err}"),
                "here",
                "a JSON ledger is {\"debtors\": [{\"id\": …, \"name\": …, \"kind\": …}], \"entries\": [{\"date\": …, \"type\": …, \"invoice\": …}]}",
            );
            return Ok(Loaded {
                ledger: None,
                diagnostics: locate_text(&name, text, problems),
            });
        }
    };
    let mut problems = Problems::default();
    let mut diagnostics = Diagnostics::new();
    let lines = line_ends(text);
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
        (Some(list), None) => debtors(text, &lines, list, &mut problems),
        (None, _) => {
            let file = super::debtors_file(path, debtors_path)?;
            let (index, found) = super::debtors::read_csv(&file, options.dialect)?;
            diagnostics.extend(found);
            index
        }
    };
    // Two passes over the entries, each object parsed again in the second
    // rather than kept: a million entries held as objects took gigabytes,
    // most of the reading's time in page faults. The first finds the
    // attribute columns (and says the malformed entries), the second builds.
    let mut extra: BTreeSet<Cow<'_, str>> = BTreeSet::new();
    for raw in &document.entries {
        if let Some(object) = Object::parse(text, &lines, raw, &mut problems) {
            extra.extend(
                object
                    .fields
                    .into_iter()
                    .map(|(n, _, _)| n)
                    .filter(|n| !ENTRY_FIELDS.contains(&n.as_ref())),
            );
        }
    }
    let attribute_names: Vec<String> = extra.into_iter().map(String::from).collect();
    let mut builder = Builder::new(index, options.currency, Dialect::Standard, None);
    for problem in problems.list.drain(..) {
        builder.problems().push(problem);
    }
    // Said in the first pass already.
    let mut again = Problems::default();
    for raw in &document.entries {
        if let Some(object) = Object::parse(text, &lines, raw, &mut again) {
            builder.add(&JsonRow {
                object: &object,
                attribute_names: &attribute_names,
            });
        }
    }
    builder.attribute_names = attribute_names;
    let (ledger, problems) = builder.finish();
    diagnostics.extend(locate_text(&name, text, problems));
    let ledger = ledger.filter(|_| !diagnostics.has_errors()).map(|mut l| {
        l.dialect = None;
        l
    });
    Ok(Loaded {
        ledger,
        diagnostics,
    })
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
        let known = [
            "id",
            "name",
            "kind",
            "country",
            "email",
            "address",
            "guarantor",
            "guarantor_address",
        ];
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
                .filter(|(n, _, _)| !known.contains(&n.as_ref()))
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

//! Belgian CODA statements (Febelfin, "Coded statement of account", version
//! 2): lines of 128 characters, a record type in the first one or two.
//!
//! | record | read |
//! | --- | --- |
//! | `0` header | the creation date (6–11) |
//! | `1` old balance | account structure (2), statement number (3–5), account (6–42) |
//! | `21` movement | sequence (3–6), detail (7–10), bank reference (11–31), sign (32), amount (33–47, 3 decimals), value date (48–53), communication type (62) and communication (63–115; type `101`/`102`: the structured communication in 66–77), entry date (116–121), globalisation code (125) |
//! | `22` | communication continued (11–63) |
//! | `23` | counterparty account (11–44) and name (48–82), communication continued (83–125) |
//! | `8` new balance | the date of the new balance (58–63): the statement's date |
//! | `9` trailer | checked to be last |
//!
//! Other records (`3x` information, `4` free messages) are skipped. A
//! globalised movement (code above 0, followed by its details with the same
//! sequence number) is read from its details, each a credit of its own.

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::camt::located;
use super::{Credit, Statement, compact_iban};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// The length of every record.
pub(crate) const RECORD: usize = 128;

/// Reads a CODA file: one statement per `1` … `8` group.
pub fn read(path: &Path) -> Result<Vec<Statement>, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| crate::load::io_error(crate::load::Op::Read, path, &e))?;
    // CODA is ISO-8859-1 (Latin-1) text: every byte is a character.
    let text: String = if std::str::from_utf8(&bytes).is_ok() {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    };
    read_text(&path.display().to_string(), text)
}

struct Movement {
    sequence: String,
    detail: String,
    globalised: bool,
    credit: Credit,
}

/// Reads CODA text (`name` names it in diagnostics).
pub(crate) fn read_text(name: &str, text: String) -> Result<Vec<Statement>, Diagnostic> {
    let mut statements = Vec::new();
    let mut current: Option<(Statement, Vec<Movement>)> = None;
    let mut offset = 0usize;
    let mut seen_header = false;
    let mut seen_trailer = false;
    let mut created = None::<NaiveDate>;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let fail = |col: usize, len: usize, message: String, label: &str, help: &str| {
            let from = start + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
            let to = start
                + line
                    .char_indices()
                    .nth(col + len)
                    .map_or(line.len(), |(i, _)| i);
            located(
                name,
                text.clone(),
                Span::new(from, to.max(from)),
                message,
                label,
                help,
            )
        };
        let chars = line.chars().count();
        if chars != RECORD {
            return Err(fail(
                0,
                chars,
                format!(
                    "`{name}` line {line_no}: a CODA record has 128 characters, this one {chars}"
                ),
                "not 128 characters",
                "give the CODA file as the bank delivers it, unchanged (an editor may have trimmed the spaces at line ends)",
            ));
        }
        if seen_trailer {
            return Err(fail(
                0,
                1,
                format!("`{name}` line {line_no}: a record after the trailer (`9`)"),
                "after the end",
                "a CODA file ends with its `9` record; give one file per statement as the bank delivers it",
            ));
        }
        let field = |from: usize, to: usize| -> String {
            line.chars().skip(from - 1).take(to + 1 - from).collect()
        };
        let kind = field(1, 1);
        let date = |from: usize, what: &str| -> Result<NaiveDate, Diagnostic> {
            let text = field(from, from + 5);
            parse_date(&text).ok_or_else(|| {
                fail(
                    from - 1,
                    6,
                    format!("`{name}` line {line_no}: {what} `{text}` is not a date (DDMMYY)"),
                    "not a date",
                    "CODA dates are six digits, day, month, year (`201126`)",
                )
            })
        };
        match kind.as_str() {
            "0" => {
                seen_header = true;
                created = Some(date(6, "the creation date")?);
            }
            _ if !seen_header => {
                return Err(fail(
                    0,
                    1,
                    format!(
                        "`{name}` line {line_no}: a CODA file starts with its header record (`0`)"
                    ),
                    "not a header",
                    "give the CODA file as the bank delivers it",
                ));
            }
            "1" => {
                let structure = field(2, 2);
                let account = match structure.as_str() {
                    "2" => field(6, 21),
                    "3" => field(6, 39),
                    "0" => field(6, 17),
                    _ => field(6, 39),
                };
                let number = field(3, 5);
                let statement = Statement {
                    id: format!("{}/{}", compact_iban(&account), number.trim()),
                    account: compact_iban(&account),
                    date: created.unwrap_or(NaiveDate::MIN),
                    credits: Vec::new(),
                    debits: 0,
                };
                current = Some((statement, Vec::new()));
            }
            "2" => {
                let Some((statement, movements)) = current.as_mut() else {
                    return Err(fail(
                        0,
                        2,
                        format!(
                            "`{name}` line {line_no}: a movement before the old balance record (`1`)"
                        ),
                        "no statement open",
                        "give the CODA file as the bank delivers it",
                    ));
                };
                match field(2, 2).as_str() {
                    "1" => {
                        let sign = field(32, 32);
                        let amount_text = field(33, 47);
                        let Some(amount) = parse_amount(&amount_text) else {
                            return Err(fail(
                                32,
                                15,
                                format!(
                                    "`{name}` line {line_no}: the amount `{amount_text}` is not 15 digits"
                                ),
                                "not an amount",
                                "CODA amounts are 15 digits, the last three decimals",
                            ));
                        };
                        if !matches!(sign.as_str(), "0" | "1") {
                            return Err(fail(
                                31,
                                1,
                                format!(
                                    "`{name}` line {line_no}: the sign `{sign}` is neither 0 (credit) nor 1 (debit)"
                                ),
                                "not 0 or 1",
                                "give the CODA file as the bank delivers it",
                            ));
                        }
                        let booked = date(116, "the entry date")?;
                        let kind = field(62, 62);
                        let communication = field(63, 115);
                        let mut structured = Vec::new();
                        let mut free = String::new();
                        if kind == "1" {
                            let scheme = &communication[..3.min(communication.len())];
                            if matches!(scheme, "101" | "102") {
                                structured.push(communication.chars().skip(3).take(12).collect());
                            } else {
                                free.push_str(communication.get(3..).unwrap_or_default().trim());
                            }
                        } else {
                            free.push_str(&communication);
                        }
                        let sequence = field(3, 6);
                        let detail = field(7, 10);
                        let reference = field(11, 31);
                        let globalised = field(125, 125).trim().parse::<u8>().unwrap_or(0) > 0;
                        if sign == "1" {
                            statement.debits += 1;
                        }
                        movements.push(Movement {
                            sequence,
                            detail: detail.clone(),
                            globalised,
                            credit: Credit {
                                key: format!(
                                    "{}/{}/{}",
                                    statement.account,
                                    reference.trim(),
                                    detail
                                ),
                                booked,
                                amount: if sign == "0" {
                                    amount
                                } else {
                                    std::ops::Neg::neg(amount)
                                },
                                currency: "EUR".to_string(),
                                debtor_name: String::new(),
                                debtor_iban: String::new(),
                                structured,
                                text: free,
                                line: line_no,
                                unusable: None,
                            },
                        });
                    }
                    "2" => {
                        if let Some(last) = movements.last_mut() {
                            let more = field(11, 63);
                            last.credit.text.push_str(&more);
                        }
                    }
                    "3" => {
                        if let Some(last) = movements.last_mut() {
                            last.credit.debtor_iban = compact_iban(&field(11, 44));
                            last.credit.debtor_name = field(48, 82).trim().to_string();
                            let more = field(83, 125);
                            last.credit.text.push_str(&more);
                        }
                    }
                    other => {
                        return Err(fail(
                            1,
                            1,
                            format!("`{name}` line {line_no}: unknown movement record `2{other}`"),
                            "not 21, 22 or 23",
                            "give the CODA file as the bank delivers it",
                        ));
                    }
                }
            }
            "3" | "4" => {}
            "8" => {
                let Some((mut statement, movements)) = current.take() else {
                    return Err(fail(
                        0,
                        1,
                        format!(
                            "`{name}` line {line_no}: a new balance record (`8`) with no old balance (`1`)"
                        ),
                        "no statement open",
                        "give the CODA file as the bank delivers it",
                    ));
                };
                statement.date = date(58, "the new balance date")?;
                finish(&mut statement, movements);
                statements.push(statement);
            }
            "9" => seen_trailer = true,
            other => {
                return Err(fail(
                    0,
                    1,
                    format!("`{name}` line {line_no}: unknown record type `{other}`"),
                    "not a CODA record",
                    "give the CODA file as the bank delivers it",
                ));
            }
        }
    }
    if current.is_some() || !seen_trailer {
        let at = text.len();
        let source_len = at;
        return Err(located(
            name,
            text,
            Span::new(source_len.saturating_sub(1), at),
            format!(
                "`{name}` ends before its {}: the file is cut short",
                if current.is_some() {
                    "new balance record (`8`)"
                } else {
                    "trailer record (`9`)"
                }
            ),
            "the file ends here",
            "download the statement again: the file is incomplete",
        ));
    }
    Ok(statements)
}

/// Keeps the credits: a globalised movement gives way to its details.
fn finish(statement: &mut Statement, movements: Vec<Movement>) {
    let has_details = |sequence: &str| {
        movements
            .iter()
            .any(|m| m.sequence == sequence && m.detail != "0000")
    };
    for movement in &movements {
        if movement.globalised && movement.detail == "0000" && has_details(&movement.sequence) {
            continue;
        }
        if movement.credit.amount > Decimal::ZERO {
            let mut credit = movement.credit.clone();
            credit.text = collapse(&credit.text);
            statement.credits.push(credit);
        }
    }
}

/// A communication continues across records without a separator: the
/// parts are joined as they are, then runs of spaces are one.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_amount(text: &str) -> Option<Decimal> {
    if text.len() != 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = i64::from_str(text).ok()?;
    // Three decimals in the file; cents are what a payment carries.
    Some(Decimal::new(thousandths, 3).round_dp(2))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day: u32 = text[0..2].parse().ok()?;
    let month: u32 = text[2..4].parse().ok()?;
    let year: i32 = text[4..6].parse().ok()?;
    NaiveDate::from_ymd_opt(2000 + year, month, day)
}

//! The two ways a ledger's values are written: the standard one (`,`
//! between fields, `1234.56`, `2026-01-05`) and the one a French-, Belgian-
//! or Luxembourg-locale spreadsheet exports (`;`, `1 234,56` or `1.234,56`,
//! `05/01/2026`). Values are parsed from bytes, without allocating: a book
//! has millions of them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// How a ledger's fields and values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `,` separator, `1234.56`, `YYYY-MM-DD`.
    Standard,
    /// `;` separator, decimal comma with space or dot thousands separators,
    /// `DD/MM/YYYY` (ISO dates are read too).
    Locale,
}

impl Dialect {
    pub fn delimiter(self) -> u8 {
        match self {
            Dialect::Standard => b',',
            Dialect::Locale => b';',
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Dialect::Standard => "standard dialect (`,`, `1234.56`, `YYYY-MM-DD`)",
            Dialect::Locale => "FR/BE/LU spreadsheet dialect (`;`, `1 234,56`, `DD/MM/YYYY`)",
        }
    }

    /// The dialect a file's header line is written in: `;`-separated when
    /// the line has a `;` and splitting on it finds more fields than
    /// splitting on `,`.
    pub(crate) fn detect(header: &[u8]) -> Dialect {
        let count = |b: u8| header.iter().filter(|&&c| c == b).count();
        if count(b';') > count(b',') {
            Dialect::Locale
        } else {
            Dialect::Standard
        }
    }
}

/// `--dialect`: detected from the header, or forced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DialectChoice {
    #[default]
    Auto,
    Standard,
    Locale,
}

impl DialectChoice {
    pub const ALL: [DialectChoice; 3] = [
        DialectChoice::Auto,
        DialectChoice::Standard,
        DialectChoice::Locale,
    ];

    /// The name a user gives (`--dialect locale`).
    pub fn name(self) -> &'static str {
        match self {
            DialectChoice::Auto => "auto",
            DialectChoice::Standard => "standard",
            DialectChoice::Locale => "locale",
        }
    }

    pub fn resolve(self, header: &[u8]) -> Dialect {
        match self {
            DialectChoice::Auto => Dialect::detect(header),
            DialectChoice::Standard => Dialect::Standard,
            DialectChoice::Locale => Dialect::Locale,
        }
    }
}

/// Why a value could not be read; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueError {
    pub message: String,
    pub help: String,
}

impl ValueError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// A date: `YYYY-MM-DD` in both dialects, `DD/MM/YYYY` (or `D/M/YYYY`) in
/// the locale dialect.
pub(crate) fn parse_date(text: &[u8], dialect: Dialect) -> Result<NaiveDate, ValueError> {
    let text = text.trim_ascii();
    let parsed = if text.len() == 10 && text[4] == b'-' && text[7] == b'-' {
        digits(&text[0..4])
            .zip(digits(&text[5..7]))
            .zip(digits(&text[8..10]))
            .map(|((y, m), d)| (y, m, d))
    } else if dialect == Dialect::Locale {
        let mut parts = text.split(|&b| b == b'/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(d), Some(m), Some(y), None)
                if (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) && y.len() == 4 =>
            {
                digits(y)
                    .zip(digits(m))
                    .zip(digits(d))
                    .map(|((y, m), d)| (y, m, d))
            }
            _ => None,
        }
    } else {
        None
    };
    let expected = match dialect {
        Dialect::Standard => "a date written YYYY-MM-DD",
        Dialect::Locale => "a date written DD/MM/YYYY or YYYY-MM-DD",
    };
    let shown = || String::from_utf8_lossy(text);
    let Some((y, m, d)) = parsed else {
        let help = if text.len() == 5 && text.iter().all(u8::is_ascii_digit) {
            "this looks like a spreadsheet's serial date (days since 1899-12-30) in a cell \
             formatted as a number: format the column as a date in the spreadsheet"
        } else if dialect == Dialect::Standard && text.contains(&b'/') {
            "this file is read in the standard dialect, where dates are YYYY-MM-DD; \
             a `;`-separated spreadsheet export is read as DD/MM/YYYY (`--dialect locale` forces it)"
        } else {
            "write the date as in `2026-01-05`"
        };
        return Err(ValueError::new(
            format!("expected {expected}, found `{}`", shown()),
            help,
        ));
    };
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| {
            ValueError::new(
                format!("`{}` is not a day of the calendar", shown()),
                "check the day and the month (the month has fewer days, or the day and month are swapped)",
            )
        })
}

fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 9 {
        return None;
    }
    text.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// An amount, signed as written (the caller rejects zero and negatives with
/// its own message). Standard: `1234.56`. Locale: `1234,56`, `1 234,56`
/// (a space, a no-break space or a narrow no-break space between groups of
/// three digits) or `1.234,56`.
pub(crate) fn parse_amount(text: &[u8], dialect: Dialect) -> Result<Decimal, ValueError> {
    let trimmed = text.trim_ascii();
    let (negative, body) = match trimmed.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, trimmed),
    };
    let parsed = match dialect {
        Dialect::Standard => plain(body, b'.'),
        Dialect::Locale => grouped(body),
    };
    let shown = || String::from_utf8_lossy(trimmed);
    let Some((mantissa, scale)) = parsed else {
        let (expected, help) = match dialect {
            Dialect::Standard => (
                "an amount such as `1234.56`",
                if body.contains(&b',') {
                    "in the standard dialect the decimal separator is `.` and there is no thousands \
                     separator; a `;`-separated spreadsheet export uses the decimal comma (`--dialect locale`)"
                } else {
                    "write digits with an optional `.` and decimals, without a currency sign"
                },
            ),
            Dialect::Locale => (
                "an amount such as `1 234,56`",
                "in this dialect the decimal separator is `,` and thousands are grouped by three \
                 with a space or a `.`; write the amount without a currency sign",
            ),
        };
        return Err(ValueError::new(
            format!("expected {expected}, found `{}`", shown()),
            help,
        ));
    };
    let mantissa = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| {
        ValueError::new(
            format!("`{}` is too large or has too many decimals", shown()),
            "amounts have at most 28 significant digits",
        )
    })
}

/// The amount most rows write, with the currency's cents, read without
/// the general path ([`parse_money`], then `with_cents`): up to 13 digits,
/// then the dialect's decimal separator and one or two decimals, nothing
/// else. `None` for anything else, which the general path reads (or
/// refuses) as before; where both read an amount, they read the same.
/// Every amount of a book comes here, and the general path's checks were
/// most of the cost of reading it.
pub(crate) fn parse_cents(text: &[u8], dialect: Dialect) -> Option<Decimal> {
    let point = match dialect {
        Dialect::Standard => b'.',
        Dialect::Locale => b',',
    };
    let (int, frac) = match text.iter().position(|&b| b == point) {
        Some(at) => (text.get(..at)?, text.get(at + 1..)?),
        None => (text, &[][..]),
    };
    let has_point = int.len() < text.len();
    if int.is_empty() || int.len() > 13 || (has_point && !(1..=2).contains(&frac.len())) {
        return None;
    }
    let mut cents: i64 = 0;
    for &b in int {
        if !b.is_ascii_digit() {
            return None;
        }
        cents = cents * 10 + i64::from(b - b'0');
    }
    let mut decimals = 0;
    for &b in frac {
        if !b.is_ascii_digit() {
            return None;
        }
        cents = cents * 10 + i64::from(b - b'0');
        decimals += 1;
    }
    for _ in decimals..2 {
        cents *= 10;
    }
    Decimal::try_new(cents, 2).ok()
}

/// An amount as firms' exports write it, and the currency it names if
/// any: what [`parse_amount`] reads, else the same with a currency sign or
/// code before or after it (`250,00 €`, `EUR 250.00`, `€-250`), a sign
/// after it (`250,00-`) or parentheses (`(250,00)`, negative), thousands
/// grouped by a space, a no-break or thin space, and a decimal separator
/// that the digits make unambiguous whatever the dialect (`1234.56` in a
/// `;` file, `250,00` in a `,` file; `1.234` stays the dialect's reading).
/// The amount is signed as written.
pub(crate) fn parse_money(
    text: &[u8],
    dialect: Dialect,
) -> Result<(Decimal, Option<String>), ValueError> {
    let strict = match parse_amount(text, dialect) {
        Ok(amount) => return Ok((amount, None)),
        Err(err) => err,
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return Err(strict);
    };
    let mut body = text
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
    let mut currency = None;
    let mut negative = false;
    // At most one currency and one sign, in any order around the digits.
    for _ in 0..3 {
        if let Some((code, rest)) = strip_currency(body) {
            if currency.is_some() {
                return Err(strict);
            }
            currency = Some(code);
            body = rest;
            continue;
        }
        if let Some(rest) = body
            .strip_prefix('-')
            .or_else(|| body.strip_suffix('-'))
            .or_else(|| body.strip_prefix('\u{2212}'))
        {
            if negative {
                return Err(strict);
            }
            negative = true;
            body = rest.trim_matches(spacing);
            continue;
        }
        if let Some(rest) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
            if negative {
                return Err(strict);
            }
            negative = true;
            body = rest.trim_matches(spacing);
            continue;
        }
        if let Some(rest) = body.strip_prefix('+') {
            body = rest.trim_matches(spacing);
            continue;
        }
        break;
    }
    let Some((mantissa, scale)) = unambiguous(body, dialect) else {
        return Err(strict);
    };
    let mantissa = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .map(|amount| (amount, currency))
        .map_err(|_| strict)
}

fn spacing(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// A currency sign or ISO 4217 code at either end of `text`: its code and
/// the rest, trimmed.
fn strip_currency(text: &str) -> Option<(String, &str)> {
    const SIGNS: &[(&str, &str)] = &[("€", "EUR"), ("$", "USD"), ("£", "GBP")];
    for (sign, code) in SIGNS {
        if let Some(rest) = text.strip_prefix(sign).or_else(|| text.strip_suffix(sign)) {
            return Some((code.to_string(), rest.trim_matches(spacing)));
        }
    }
    let code_at = |candidate: &str| {
        let upper = candidate.to_ascii_uppercase();
        (candidate.len() == 3
            && candidate.bytes().all(|b| b.is_ascii_alphabetic())
            && crate::vocab::currency(&upper).is_some())
        .then_some(upper)
    };
    if let Some(head) = text.get(..3)
        && let Some(code) = code_at(head)
    {
        return Some((code, text[3..].trim_matches(spacing)));
    }
    if text.len() >= 3
        && let Some(tail) = text.get(text.len() - 3..)
        && let Some(code) = code_at(tail)
    {
        return Some((code, text[..text.len() - 3].trim_matches(spacing)));
    }
    None
}

/// Digits grouped by spaces (any kind) or a separator, with a decimal
/// separator that the digits tell: the last of `.` and `,` when both are
/// written; one separator written once and followed by other than three
/// digits; else the dialect's reading.
fn unambiguous(body: &str, dialect: Dialect) -> Option<(i128, u32)> {
    let mut compact = String::with_capacity(body.len());
    for c in body.chars() {
        if spacing(c) {
            continue;
        }
        if !(c.is_ascii_digit() || c == '.' || c == ',') {
            return None;
        }
        compact.push(c);
    }
    let dots = compact.matches('.').count();
    let commas = compact.matches(',').count();
    let point = match (dots, commas) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let count = dots + commas;
            let after = compact.rsplit(sep).next().map_or(0, str::len);
            if count == 1 && after != 3 {
                Some(sep)
            } else if count == 1 {
                // `1.234` / `1,234`: the dialect says, or nobody can.
                match (dialect, sep) {
                    (Dialect::Standard, '.') => Some('.'),
                    (Dialect::Locale, ',') => Some(','),
                    (Dialect::Locale, _) => None,
                    (Dialect::Standard, _) => return None,
                }
            } else {
                None // grouping only
            }
        }
        _ => {
            let last_dot = compact.rfind('.')?;
            let last_comma = compact.rfind(',')?;
            Some(if last_dot > last_comma { '.' } else { ',' })
        }
    };
    let digits: String = compact
        .chars()
        .filter(|&c| c.is_ascii_digit() || Some(c) == point)
        .map(|c| if Some(c) == point { '.' } else { c })
        .collect();
    if point.is_some_and(|p| compact.matches(p).count() > 1) {
        return None;
    }
    plain(digits.as_bytes(), b'.')
}

/// Digits with at most one decimal separator `point`.
fn plain(text: &[u8], point: u8) -> Option<(i128, u32)> {
    // Up to 18 digits fit in 64 bits, whose arithmetic is many times faster
    // than 128-bit; amounts almost always do.
    if text.len() <= 19 {
        let mut mantissa: u64 = 0;
        let mut scale: Option<u32> = None;
        let mut digits = 0;
        for &b in text {
            match b {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    digits += 1;
                    if let Some(s) = scale.as_mut() {
                        *s += 1;
                    }
                }
                _ if b == point && scale.is_none() => scale = Some(0),
                _ => return None,
            }
        }
        if digits <= 18 {
            return match scale {
                Some(0) => None, // `12.`
                _ if digits == 0 => None,
                s => Some((i128::from(mantissa), s.unwrap_or(0))),
            };
        }
    }
    let mut mantissa: i128 = 0;
    let mut scale: Option<u32> = None;
    let mut any = false;
    for &b in text {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(i128::from(b - b'0'))?;
                any = true;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            _ if b == point && scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    match scale {
        Some(0) => None, // `12.`
        _ if !any => None,
        Some(s) if s > 28 => None,
        s => Some((mantissa, s.unwrap_or(0))),
    }
}

/// The locale form: integer part in groups of three (separated by a space,
/// U+00A0, U+202F or `.`, one kind per number), then `,` and decimals.
fn grouped(text: &[u8]) -> Option<(i128, u32)> {
    let (int, frac) = match text.iter().position(|&b| b == b',') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut digits_only: [u8; 64] = [0; 64];
    let mut len = 0usize;
    let mut group = 0usize;
    let mut separators = 0usize;
    let mut separator: Option<&[u8]> = None;
    let mut rest = int;
    while let Some((&b, tail)) = rest.split_first() {
        let sep_len = match b {
            b'0'..=b'9' => 0,
            b' ' | b'.' => 1,
            0xC2 if tail.first() == Some(&0xA0) => 2,
            0xE2 if tail.starts_with(&[0x80, 0xAF]) => 3,
            _ => return None,
        };
        if sep_len == 0 {
            *digits_only.get_mut(len)? = b;
            len += 1;
            group += 1;
            rest = tail;
            continue;
        }
        let this = &rest[..sep_len];
        // A separator needs a first group of 1–3 digits or a full group
        // before it, and every number uses one kind of separator.
        if group == 0 || group > 3 || (separators > 0 && group != 3) {
            return None;
        }
        if separator.is_some_and(|s| s != this) {
            return None;
        }
        separator = Some(this);
        separators += 1;
        group = 0;
        rest = &rest[sep_len..];
    }
    if separators > 0 && group != 3 {
        return None;
    }
    if len == 0 {
        return None;
    }
    let int_digits = digits_only.get(..len)?;
    if frac.is_some_and(|frac| frac.is_empty() || !frac.iter().all(u8::is_ascii_digit)) {
        return None;
    }
    // The digits and a `.` before the decimals, on the stack: every amount
    // of a `;` book comes here, and an allocation each was a tenth of it.
    let total = len + frac.map_or(0, |frac| frac.len() + 1);
    let mut stack = [0u8; 96];
    let mut heap = Vec::new();
    let joined: &mut [u8] = match stack.get_mut(..total) {
        Some(joined) => joined,
        None => {
            heap.resize(total, 0);
            &mut heap
        }
    };
    joined[..len].copy_from_slice(int_digits);
    if let Some(frac) = frac {
        joined[len] = b'.';
        joined[len + 1..].copy_from_slice(frac);
    }
    plain(joined, b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn detects_the_separator_from_the_header() {
        assert_eq!(Dialect::detect(b"date,type,invoice"), Dialect::Standard);
        assert_eq!(Dialect::detect(b"date;type;invoice"), Dialect::Locale);
        assert_eq!(Dialect::detect(b"date"), Dialect::Standard);
    }

    #[test]
    fn standard_amounts() {
        let p = |s: &str| parse_amount(s.as_bytes(), Dialect::Standard);
        assert_eq!(p("1200.00"), Ok(dec("1200.00")));
        assert_eq!(p(" 15000 "), Ok(dec("15000")));
        assert_eq!(p("-3.5"), Ok(dec("-3.5")));
        assert!(p("1,5").is_err());
        assert!(p("1 234.56").is_err());
        assert!(p("12.").is_err());
        assert!(p("").is_err());
        assert!(p("1.2.3").is_err());
        assert!(p("99999999999999999999999999999999999999999").is_err());
    }

    #[test]
    fn locale_amounts() {
        let p = |s: &str| parse_amount(s.as_bytes(), Dialect::Locale);
        assert_eq!(p("1 234,56"), Ok(dec("1234.56")));
        assert_eq!(p("1.234,56"), Ok(dec("1234.56")));
        assert_eq!(p("1\u{a0}234,56"), Ok(dec("1234.56")));
        assert_eq!(p("12\u{202f}345\u{202f}678,9"), Ok(dec("12345678.9")));
        assert_eq!(p("1234,56"), Ok(dec("1234.56")));
        assert_eq!(p("1.234"), Ok(dec("1234")));
        assert_eq!(p("40"), Ok(dec("40")));
        assert!(p("1.5").is_err(), "a dot is a thousands separator here");
        assert!(p("1 23,4").is_err());
        assert!(p("1.234 567,8").is_err(), "mixed separators");
        assert!(p("1234.56").is_err());
        assert!(p("12,").is_err());
        assert!(p("1 234,56 €").is_err());
        // Longer than the stack's room for the digits: read the same way.
        assert_eq!(
            p("1 234,5678901234567890123456"),
            Ok(dec("1234.5678901234567890123456"))
        );
        let long = format!("1,{}", "0".repeat(100));
        assert!(p(&long).is_err(), "more than 28 decimals");
    }

    #[test]
    fn money_as_exports_write_it() {
        let p = |s: &str, d| parse_money(s.as_bytes(), d);
        let eur = |s: &str| Ok((dec(s), Some("EUR".to_string())));
        assert_eq!(p("250,00 €", Dialect::Locale), eur("250.00"));
        assert_eq!(p("250,00\u{a0}€", Dialect::Standard), eur("250.00"));
        assert_eq!(p("EUR 250.00", Dialect::Locale), eur("250.00"));
        assert_eq!(p("eur 250.00", Dialect::Standard), eur("250.00"));
        assert_eq!(p("-250,00 €", Dialect::Locale), eur("-250.00"));
        assert_eq!(p("€ -1\u{202f}250,50", Dialect::Locale), eur("-1250.50"));
        assert_eq!(p("1\u{2009}250,50 EUR", Dialect::Locale), eur("1250.50"));
        assert_eq!(p("-250,00", Dialect::Locale), Ok((dec("-250.00"), None)));
        assert_eq!(p("250,00-", Dialect::Locale), Ok((dec("-250.00"), None)));
        assert_eq!(p("(250,00)", Dialect::Locale), Ok((dec("-250.00"), None)));
        assert_eq!(p("1234.56", Dialect::Locale), Ok((dec("1234.56"), None)));
        assert_eq!(p("250,5", Dialect::Standard), Ok((dec("250.5"), None)));
        assert_eq!(p("1,234.56", Dialect::Standard), Ok((dec("1234.56"), None)));
        assert_eq!(p("1.234,56", Dialect::Standard), Ok((dec("1234.56"), None)));
        assert_eq!(p("1.234", Dialect::Locale), Ok((dec("1234"), None)));
        assert_eq!(
            p("USD 10", Dialect::Standard),
            Ok((dec("10"), Some("USD".to_string())))
        );
        assert!(p("1,234", Dialect::Standard).is_err(), "ambiguous");
        assert!(p("€", Dialect::Locale).is_err());
        assert!(p("12 abc", Dialect::Locale).is_err());
        assert!(p("EUR EUR 1", Dialect::Locale).is_err());
        assert!(p("--1", Dialect::Locale).is_err());
        assert!(p("XYZ 1", Dialect::Locale).is_err());
    }

    #[test]
    fn dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            parse_date(b"2026-01-05", Dialect::Standard),
            Ok(d(2026, 1, 5))
        );
        assert_eq!(
            parse_date(b"05/01/2026", Dialect::Locale),
            Ok(d(2026, 1, 5))
        );
        assert_eq!(parse_date(b"5/1/2026", Dialect::Locale), Ok(d(2026, 1, 5)));
        assert_eq!(
            parse_date(b"2026-01-05", Dialect::Locale),
            Ok(d(2026, 1, 5))
        );
        assert!(parse_date(b"05/01/2026", Dialect::Standard).is_err());
        assert!(parse_date(b"2026-02-30", Dialect::Standard).is_err());
        assert!(parse_date(b"2026-1-5", Dialect::Standard).is_err());
        assert!(parse_date(b"", Dialect::Standard).is_err());
    }

    proptest::proptest! {
        /// The short path reads what the general one reads, to the scale,
        /// and leaves it everything else.
        #[test]
        fn cents_read_as_the_general_path_reads_them(
            text in proptest::prop_oneof!["[0-9.,+ -]{0,18}", "[0-9]{0,15}([.,][0-9]{0,3})?"],
            locale in proptest::bool::ANY,
        ) {
            let dialect = if locale { Dialect::Locale } else { Dialect::Standard };
            if let Some(cents) = parse_cents(text.as_bytes(), dialect) {
                let general = parse_money(text.as_bytes(), dialect)
                    .map(|(amount, code)| (crate::ledger::parse::with_cents(amount), code));
                proptest::prop_assert_eq!(general.map(|(a, c)| (a.serialize(), c)), Ok((cents.serialize(), None)));
            }
        }
    }

    #[test]
    fn the_usual_amounts_take_the_short_path() {
        let cents =
            |text: &str, dialect| parse_cents(text.as_bytes(), dialect).map(|d| d.to_string());
        assert_eq!(cents("250", Dialect::Standard).as_deref(), Some("250.00"));
        assert_eq!(cents("250.5", Dialect::Standard).as_deref(), Some("250.50"));
        assert_eq!(
            cents("1234,56", Dialect::Locale).as_deref(),
            Some("1234.56")
        );
        assert_eq!(
            cents("9999999999999.99", Dialect::Standard).as_deref(),
            Some("9999999999999.99")
        );
        for general in [
            "10000000000000",
            "1.234,56",
            "1 234,56",
            "-5",
            ".5",
            "5.",
            "5.123",
            "250,00",
        ] {
            assert_eq!(cents(general, Dialect::Standard), None, "{general}");
        }
        assert_eq!(cents("250.00", Dialect::Locale), None);
    }
}

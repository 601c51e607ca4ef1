//! French number and date formatting for letters: `1 234,56 €`,
//! `23 novembre 2026`, `1er décembre 2026`. Exact: amounts are `Decimal`,
//! rounded half-up to the cent like every amount `policy` shows.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Groups thousands (French typography: a narrow no-break space).
pub const THOUSANDS: char = '\u{202F}';
/// Between an amount and its currency (a no-break space).
pub const BEFORE_CURRENCY: char = '\u{00A0}';

/// `1 234,56 €` (U+202F between thousands, U+00A0 before the sign); other
/// currencies by their code: `1 234,56 CHF`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let mut out = number(amount);
    out.push(BEFORE_CURRENCY);
    out.push_str(currency_sign(currency));
    out
}

/// `1 234,56`: two decimals, a decimal comma, thousands grouped.
pub fn number(amount: Decimal) -> String {
    let rounded = crate::claim::cents(amount);
    let text = format!("{:.2}", rounded.abs());
    let (units, decimals) = text.split_once('.').unwrap_or((&text, "00"));
    let mut out = String::with_capacity(text.len() + 8);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    let digits: Vec<char> = units.chars().collect();
    for (i, digit) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(THOUSANDS);
        }
        out.push(*digit);
    }
    out.push(',');
    out.push_str(decimals);
    out
}

/// `€` for the euro; the ISO code otherwise.
pub fn currency_sign(currency: &str) -> &str {
    if currency.eq_ignore_ascii_case("EUR") {
        "€"
    } else {
        currency
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `23 novembre 2026`; the first of a month is `1er`.
pub fn date(day: NaiveDate) -> String {
    let month = MONTHS
        .get(day.month0() as usize)
        .copied()
        .unwrap_or_default();
    let ordinal = if day.day() == 1 { "er" } else { "" };
    format!("{}{ordinal} {month} {}", day.day(), day.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn money_in_french() {
        assert_eq!(money(dec("1234.56"), "EUR"), "1\u{202F}234,56\u{A0}€");
        assert_eq!(money(dec("0"), "EUR"), "0,00\u{A0}€");
        assert_eq!(money(dec("40"), "EUR"), "40,00\u{A0}€");
        assert_eq!(money(dec("999.999"), "EUR"), "1\u{202F}000,00\u{A0}€");
        assert_eq!(money(dec("0.005"), "EUR"), "0,01\u{A0}€");
        assert_eq!(
            money(dec("1234567.8"), "CHF"),
            "1\u{202F}234\u{202F}567,80\u{A0}CHF"
        );
        assert_eq!(money(dec("-1234.5"), "EUR"), "-1\u{202F}234,50\u{A0}€");
        assert_eq!(money(dec("-0.001"), "EUR"), "0,00\u{A0}€");
        assert_eq!(number(dec("100000")), "100\u{202F}000,00");
    }

    #[test]
    fn dates_in_french() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(date(d("2026-11-23")), "23 novembre 2026");
        assert_eq!(date(d("2026-12-01")), "1er décembre 2026");
        assert_eq!(date(d("2027-02-02")), "2 février 2027");
        assert_eq!(date(d("2026-08-15")), "15 août 2026");
    }
}

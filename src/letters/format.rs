//! Number and date formatting for letters, in the debtor's language: French
//! `1 234,56 €`, `23 novembre 2026`, `1er décembre 2026`; Dutch `1.234,56 €`,
//! `23 november 2026`; German and Luxembourgish `1.234,56 €`,
//! `23. November 2026`; English `€1,234.56`, `23 November 2026`. Exact:
//! amounts are `Decimal`, rounded half-up to the cent like every amount
//! `policy` shows.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Groups thousands (French typography: a narrow no-break space).
pub(crate) const THOUSANDS: char = '\u{202F}';
/// Between an amount and its currency (a no-break space).
pub(crate) const BEFORE_CURRENCY: char = '\u{00A0}';

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
pub(crate) fn currency_sign(currency: &str) -> &str {
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

/// A debtor's language (the debtors file's `language` column): the
/// languages of Belgium and Luxembourg, and English.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    #[default]
    Fr,
    Nl,
    De,
    En,
    Lb,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Fr,
        Language::Nl,
        Language::De,
        Language::En,
        Language::Lb,
    ];

    /// The ISO 639-1 code, also the templates' subfolder (`de/`).
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::Nl => "nl",
            Language::De => "de",
            Language::En => "en",
            Language::Lb => "lb",
        }
    }

    /// The language of a cell of the `language` column: its code, any
    /// case (`FR`, `nl`), or `nl-BE`-style tags. `None` for anything else.
    pub(crate) fn from_code(text: &str) -> Option<Language> {
        let head = text.trim().split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(head))
    }

    /// The words a printed page uses around the template's text.
    pub fn words(self) -> Words {
        match self {
            Language::Fr => Words {
                date_prefix: "Le ",
                subject: "Objet : ",
                scan: "Pour payer, scannez ce code avec l'application de votre banque.",
                reference: "Communication",
            },
            Language::Nl => Words {
                date_prefix: "",
                subject: "Betreft: ",
                scan: "Scan deze code met de app van uw bank om te betalen.",
                reference: "Mededeling",
            },
            Language::De => Words {
                date_prefix: "",
                subject: "Betreff: ",
                scan: "Scannen Sie diesen Code mit der App Ihrer Bank, um zu bezahlen.",
                reference: "Verwendungszweck",
            },
            Language::En => Words {
                date_prefix: "",
                subject: "Subject: ",
                scan: "To pay, scan this code with your bank's app.",
                reference: "Reference",
            },
            Language::Lb => Words {
                date_prefix: "",
                subject: "Betreff: ",
                scan: "Scannt dëse Code mat der App vun Ärer Bank, fir ze bezuelen.",
                reference: "Verwendungszweck",
            },
        }
    }
}

/// What a printed page says around a template's text.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    /// Before the date: `Le 23 novembre 2026`.
    pub date_prefix: &'static str,
    /// Before the subject: `Objet : `.
    pub subject: &'static str,
    /// Under the QR code.
    pub scan: &'static str,
    /// Before the payment reference.
    pub reference: &'static str,
}

/// An amount in `language`: `1 234,56 €` (fr), `1.234,56 €` (nl, de, lb),
/// `€1,234.56` (en; other currencies `1,234.56 CHF`).
pub(crate) fn money_in(amount: Decimal, currency: &str, language: Language) -> String {
    match language {
        Language::Fr => money(amount, currency),
        Language::Nl | Language::De | Language::Lb => {
            let mut out = grouped(amount, '.', ',');
            out.push(BEFORE_CURRENCY);
            out.push_str(currency_sign(currency));
            out
        }
        Language::En => {
            let text = grouped(amount, ',', '.');
            if currency.eq_ignore_ascii_case("EUR") {
                match text.strip_prefix('-') {
                    Some(rest) => format!("-€{rest}"),
                    None => format!("€{text}"),
                }
            } else {
                format!("{text}{BEFORE_CURRENCY}{currency}")
            }
        }
    }
}

/// Two decimals, `thousands` between groups of three digits, `decimal`
/// before the cents.
fn grouped(amount: Decimal, thousands: char, decimal: char) -> String {
    number(amount)
        .chars()
        .map(|c| match c {
            THOUSANDS => thousands,
            ',' => decimal,
            other => other,
        })
        .collect()
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_LB: [&str; 12] = [
    "Januar",
    "Februar",
    "Mäerz",
    "Abrëll",
    "Mee",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in `language`: `23 novembre 2026`, `23 november 2026`,
/// `23. November 2026`, `23 November 2026`.
pub(crate) fn date_in(day: NaiveDate, language: Language) -> String {
    let month = |names: &[&'static str; 12]| {
        names
            .get(day.month0() as usize)
            .copied()
            .unwrap_or_default()
    };
    match language {
        Language::Fr => date(day),
        Language::Nl => format!("{} {} {}", day.day(), month(&MONTHS_NL), day.year()),
        Language::De => format!("{}. {} {}", day.day(), month(&MONTHS_DE), day.year()),
        Language::Lb => format!("{}. {} {}", day.day(), month(&MONTHS_LB), day.year()),
        Language::En => format!("{} {} {}", day.day(), month(&MONTHS_EN), day.year()),
    }
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
    fn money_and_dates_in_each_language() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let amount = dec("1234.56");
        assert_eq!(money_in(amount, "EUR", Language::Nl), "1.234,56\u{A0}€");
        assert_eq!(money_in(amount, "EUR", Language::De), "1.234,56\u{A0}€");
        assert_eq!(money_in(amount, "EUR", Language::Lb), "1.234,56\u{A0}€");
        assert_eq!(
            money_in(amount, "EUR", Language::Fr),
            "1\u{202F}234,56\u{A0}€"
        );
        assert_eq!(money_in(amount, "EUR", Language::En), "€1,234.56");
        assert_eq!(money_in(dec("-5"), "EUR", Language::En), "-€5.00");
        assert_eq!(
            money_in(dec("1234567.8"), "EUR", Language::De),
            "1.234.567,80\u{A0}€"
        );
        assert_eq!(date_in(d("2026-03-01"), Language::De), "1. März 2026");
        assert_eq!(date_in(d("2026-03-01"), Language::Lb), "1. Mäerz 2026");
        assert_eq!(date_in(d("2026-05-23"), Language::Nl), "23 mei 2026");
        assert_eq!(date_in(d("2026-05-23"), Language::En), "23 May 2026");
        assert_eq!(date_in(d("2026-12-01"), Language::Fr), "1er décembre 2026");
        assert_eq!(Language::from_code("NL-be"), Some(Language::Nl));
        assert_eq!(Language::from_code("es"), None);
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

//! Late interest as each law sets it: the rule of the rate (a series of
//! the rate table, plus points), from when it runs, and where it comes
//! from. The packs own the rules; the dated rates are data, in the one
//! rate table every command reads (`crate::claim::RateTable`,
//! `data/rates.csv` or `--rates FILE`).

use rust_decimal::Decimal;

use super::Source;

/// How the yearly rate of a day is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateRule {
    /// A series of the rate table plus points, optionally rounded up to the
    /// next half point (Belgium).
    Reference {
        series: &'static str,
        plus: Decimal,
        round_up_to_half: bool,
    },
    /// A published series as it is (a legal interest rate).
    Series(&'static str),
    /// A fixed yearly percentage (`charge interest 8%`).
    Fixed(Decimal),
}

impl RateRule {
    /// The rate table series it reads, if any.
    pub fn series(&self) -> Option<&'static str> {
        match self {
            RateRule::Reference { series, .. } | RateRule::Series(series) => Some(series),
            RateRule::Fixed(_) => None,
        }
    }
}

/// From which day late interest runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// B2B: of right, from the day after the due date, without a reminder.
    DayAfterDue,
    /// From the day after a formal notice (or the end of the period a free
    /// first reminder gives): the caller knows that date.
    DayAfterNotice,
}

/// The late interest a law sets for one kind of debtor.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    pub rule: RateRule,
    pub start: Start,
    /// For the checker's help texts, with how sure it is.
    pub source: Source,
    /// The legal basis as a letter or a dossier cites it, in French.
    pub basis: &'static str,
}

/// A ceiling on the rate a contract may set for a consumer (BE Book XIX:
/// the B2B rate).
#[derive(Debug, Clone, PartialEq)]
pub struct InterestCap {
    pub rule: RateRule,
    pub source: Source,
    /// The ceiling in words, for a help text.
    pub words: &'static str,
}

/// A floor under the rate a contract may set between firms (FR L441-10 II:
/// three times the legal interest rate).
#[derive(Debug, Clone, PartialEq)]
pub struct RateFloor {
    pub times: Decimal,
    pub series: &'static str,
    pub source: Source,
    /// The floor in words, for a help text.
    pub words: &'static str,
}

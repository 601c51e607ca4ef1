//! Collective procedures (insolvency): the procedures a ledger's
//! `insolvency` row may name, the stay of individual proceedings, and the
//! deadline to lodge a proof of claim (legal-facts.md §6 and R15).
//!
//! - Stay: FR C. com. L622-21 (the opening judgment stops every individual
//!   action to obtain payment of a claim born before it); BE and LU: the
//!   same effect of the faillite and réorganisation judiciaire judgments
//!   (legal-facts.md R15).
//! - Proof of claim (déclaration de créance): FR C. com. R622-24, two
//!   months from the BODACC publication of the opening judgment, four for
//!   a creditor not residing in metropolitan France; BE: the date the
//!   judgment sets (CDE Book XX), late declarations up to one year after
//!   it; LU: the date the judgment sets (C. com. art. 496, in practice the
//!   legal maximum of 20 days), and the statutory bar of six months from
//!   the judgment (law of 7 August 2023).

use chrono::{Days, Months, NaiveDate};

use super::Source;
use crate::vocab::Jurisdiction;

/// The procedures the packs know, by folded word (lower case, no
/// accents, words joined by `_`): (word, its name in French, the
/// jurisdictions that have it).
pub const PROCEDURES: &[(&str, &str, &[Jurisdiction])] = &[
    ("sauvegarde", "procédure de sauvegarde", &[Jurisdiction::Fr]),
    (
        "sauvegarde_acceleree",
        "procédure de sauvegarde accélérée",
        &[Jurisdiction::Fr],
    ),
    (
        "redressement",
        "redressement judiciaire",
        &[Jurisdiction::Fr],
    ),
    (
        "redressement_judiciaire",
        "redressement judiciaire",
        &[Jurisdiction::Fr],
    ),
    ("liquidation", "liquidation judiciaire", &[Jurisdiction::Fr]),
    (
        "liquidation_judiciaire",
        "liquidation judiciaire",
        &[Jurisdiction::Fr],
    ),
    (
        "reorganisation_judiciaire",
        "réorganisation judiciaire",
        &[Jurisdiction::Be],
    ),
    (
        "faillite",
        "faillite",
        &[Jurisdiction::Be, Jurisdiction::Lu],
    ),
    (
        "gestion_controlee",
        "gestion contrôlée",
        &[Jurisdiction::Lu],
    ),
    (
        "reorganisation",
        "réorganisation judiciaire",
        &[Jurisdiction::Be, Jurisdiction::Lu],
    ),
];

/// The procedure a ledger names (`Redressement judiciaire`,
/// `liquidation`, `Faillite`…), as its folded word; `None` when no pack
/// knows it.
pub fn procedure(written: &str) -> Option<&'static str> {
    let folded = fold(written);
    PROCEDURES
        .iter()
        .find(|(word, _, _)| *word == folded)
        .map(|(word, _, _)| *word)
}

/// A procedure's name in French (for letters and the dossier).
pub(crate) fn procedure_name(word: &str) -> &'static str {
    PROCEDURES
        .iter()
        .find(|(w, _, _)| *w == word)
        .map_or("procédure collective", |(_, name, _)| name)
}

/// The words a ledger may write, for did-you-mean.
pub(crate) fn procedure_words() -> impl Iterator<Item = &'static str> {
    PROCEDURES.iter().map(|(w, _, _)| *w)
}

fn fold(text: &str) -> String {
    crate::suggest::fold(text.trim())
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The stay of individual proceedings (R15).
pub(crate) const STAY: Source = Source::statute(
    "C. com. L622-21 (FR); jugement de faillite ou de réorganisation judiciaire (BE, LU)",
);

/// The deadline to lodge a proof of claim, and what it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ClaimDeadline {
    /// `None`: the judgment sets it and the ledger does not give it.
    pub date: Option<NaiveDate>,
    pub source: Source,
    /// A later bar after which nothing can be lodged at all (LU: six
    /// months from the judgment; BE: one year).
    pub bar: Option<NaiveDate>,
}

/// The deadline to lodge a proof of claim in `jurisdiction`, for a
/// procedure opened on `opened`, published on `published`, whose
/// judgment sets `until`; `abroad`: the creditor does not reside in
/// metropolitan France (FR: four months instead of two).
pub(crate) fn claim_deadline(
    jurisdiction: Jurisdiction,
    opened: NaiveDate,
    published: Option<NaiveDate>,
    until: Option<NaiveDate>,
    abroad: bool,
) -> ClaimDeadline {
    match jurisdiction {
        Jurisdiction::Fr => {
            // Two months from the BODACC publication; without its date,
            // from the judgment (the earliest it can be: the safe side).
            let from = published.unwrap_or(opened);
            let months = if abroad { 4 } else { 2 };
            ClaimDeadline {
                date: until.or_else(|| from.checked_add_months(Months::new(months))),
                source: Source::statute("C. com. R622-24"),
                bar: from.checked_add_months(Months::new(6)),
            }
        }
        Jurisdiction::Be => ClaimDeadline {
            date: until,
            source: Source::common("CDE livre XX (délai fixé par le jugement)"),
            bar: opened.checked_add_months(Months::new(12)),
        },
        Jurisdiction::Lu => ClaimDeadline {
            // The judgment's date; in practice the legal maximum of 20 days.
            date: until.or_else(|| opened.checked_add_days(Days::new(20))),
            source: Source::statute("C. com. art. 496 (LU)"),
            bar: opened.checked_add_months(Months::new(6)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn procedures_are_read_whatever_their_case_and_accents() {
        assert_eq!(
            procedure("Redressement judiciaire"),
            Some("redressement_judiciaire")
        );
        assert_eq!(
            procedure("Réorganisation judiciaire"),
            Some("reorganisation_judiciaire")
        );
        assert_eq!(procedure("FAILLITE"), Some("faillite"));
        assert_eq!(procedure("banqueroute"), None);
    }

    #[test]
    fn the_french_deadline_is_two_months_from_publication() {
        let fr = claim_deadline(
            Jurisdiction::Fr,
            d(2026, 3, 2),
            Some(d(2026, 3, 14)),
            None,
            false,
        );
        assert_eq!(fr.date, Some(d(2026, 5, 14)));
        let abroad = claim_deadline(
            Jurisdiction::Fr,
            d(2026, 3, 2),
            Some(d(2026, 3, 14)),
            None,
            true,
        );
        assert_eq!(abroad.date, Some(d(2026, 7, 14)));
        let be = claim_deadline(Jurisdiction::Be, d(2026, 3, 2), None, None, false);
        assert_eq!(be.date, None);
        let lu = claim_deadline(Jurisdiction::Lu, d(2026, 3, 2), None, None, false);
        assert_eq!(lu.date, Some(d(2026, 3, 22)));
        assert_eq!(lu.bar, Some(d(2026, 9, 2)));
    }
}

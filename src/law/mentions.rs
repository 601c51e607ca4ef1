//! What a letter must say, by jurisdiction and kind of letter: the mentions
//! `policy check` looks for in every template, rendered on a sample debtor
//! (issue 13, point 15). A mention is found either by words (compared
//! without case or accents) or by a value of the sample that the letter must
//! print (the end date of a period, an amount, the goods' description).
//!
//! Sources: BE CDE art. XIX.2 §1 (the free first reminder: the 14-day
//! period and its end, the costs that will be claimed, the description of
//! the goods or service, legal-facts §2.2 and R5); FR C. com. L441-10 II
//! (the 40 EUR indemnity and the penalty rate, owed as of right, which a
//! notice to a business states); the guarantor's letter names the guarantee
//! (FR C. civ. 2302-2303 information of the caution; BE, LU as commonly
//! read) and, in France, its ceiling (C. civ. 2297: a natural person's
//! caution is limited to the amount written in the deed).

use super::Source;
use crate::vocab::{DebtorKind, Jurisdiction};

/// The kinds of letter a mention belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// The free first reminder to a consumer (BE): a send to the debtor
    /// before any cost is charged.
    FreeReminder,
    /// A mise en demeure to the debtor.
    Notice,
    /// Any letter to the guarantor.
    Guarantor,
}

/// A value of the sample the letter must print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printed {
    /// The last day of the free reminder's 14 days, from the presumed
    /// receipt.
    FreePeriodEnd,
    /// The indemnity that will be claimed if the debt stays unpaid.
    IndemnityIfUnpaid,
    /// The invoice's `description` column.
    Description,
    /// The debtors file's `guarantee_limit` column: the caution's ceiling.
    GuaranteeLimit,
}

/// How a mention is recognised in the rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Every group has one of its words (folded: lower case, no accents).
    Words(&'static [&'static [&'static str]]),
    Printed(Printed),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mention {
    pub letter: Letter,
    pub debtors: super::Debtors,
    /// What is missing, in the checker's words.
    pub what: &'static str,
    /// The text to add, in French, as a lawyer would write it.
    pub add: &'static str,
    pub found: Found,
    pub source: Source,
}

const XIX_2: Source = Source::statute("CDE art. XIX.2 §1");

static BE: [Mention; 5] = [
    Mention {
        letter: Letter::FreeReminder,
        debtors: super::Debtors::Only(DebtorKind::B2c),
        what: "the 14-day period to pay without costs",
        add: "Vous disposez d'un délai de quatorze jours calendrier pour payer ce montant sans aucuns frais.",
        found: Found::Words(&[&["quatorze jours", "14 jours"]]),
        source: XIX_2,
    },
    Mention {
        letter: Letter::FreeReminder,
        debtors: super::Debtors::Only(DebtorKind::B2c),
        what: "the end date of the 14-day period",
        add: "soit jusqu'au {{ received | add_days(13) | date }} inclus",
        found: Found::Printed(Printed::FreePeriodEnd),
        source: XIX_2,
    },
    Mention {
        letter: Letter::FreeReminder,
        debtors: super::Debtors::Only(DebtorKind::B2c),
        what: "the indemnity that will be claimed if the debt stays unpaid",
        add: "Si le montant n'est pas payé dans ce délai, nous vous réclamerons en outre {{ indemnity_if_unpaid | money }}.",
        found: Found::Printed(Printed::IndemnityIfUnpaid),
        source: XIX_2,
    },
    Mention {
        letter: Letter::FreeReminder,
        debtors: super::Debtors::Only(DebtorKind::B2c),
        what: "the description of the goods or the service",
        add: "{% for invoice in invoices %}facture n° {{ invoice.number }} ({{ invoice.description }}){% endfor %}",
        found: Found::Printed(Printed::Description),
        source: XIX_2,
    },
    GUARANTEE,
];

const GUARANTEE: Mention = Mention {
    letter: Letter::Guarantor,
    debtors: super::Debtors::Any,
    what: "the guarantee the guarantor gave (the letter reads as the debtor's own)",
    add: "En votre qualité de caution de {{ debtor.name }}, nous vous informons que…",
    found: Found::Words(&[&["caution", "garant"]]),
    source: Source::common("C. civ. art. 2302 and 2303 (FR), BE and LU alike"),
};

static FR: [Mention; 4] = [
    Mention {
        letter: Letter::Notice,
        debtors: super::Debtors::Only(DebtorKind::B2b),
        what: "the 40 EUR recovery indemnity",
        add: "une indemnité forfaitaire pour frais de recouvrement de 40 euros (article L441-10 II du Code de commerce)",
        found: Found::Words(&[
            &["indemnite forfaitaire"],
            &["40 euros", "40,00", "40 eur", "40 €", "quarante euros"],
        ]),
        source: Source::statute("C. com. art. L441-10 II and D441-5"),
    },
    Mention {
        letter: Letter::Notice,
        debtors: super::Debtors::Only(DebtorKind::B2b),
        what: "the rate of the late-payment penalties",
        add: "des pénalités de retard au taux de refinancement de la Banque centrale européenne majoré de dix points",
        found: Found::Words(&[&["penalites de retard", "interets de retard"], &["taux"]]),
        source: Source::statute("C. com. art. L441-10 II"),
    },
    GUARANTEE,
    Mention {
        letter: Letter::Guarantor,
        debtors: super::Debtors::Any,
        what: "the ceiling of the guarantee",
        add: "dans la limite de la somme de {{ guarantee_limit | money }} prévue par l'acte de cautionnement",
        found: Found::Printed(Printed::GuaranteeLimit),
        source: Source::statute("C. civ. art. 2297"),
    },
];

static LU: [Mention; 1] = [GUARANTEE];

/// The mentions a letter of this kind to a debtor of this kind must make.
pub fn required(
    jurisdiction: Jurisdiction,
    letter: Letter,
    kind: DebtorKind,
) -> impl Iterator<Item = &'static Mention> {
    let all: &'static [Mention] = match jurisdiction {
        Jurisdiction::Fr => &FR,
        Jurisdiction::Be => &BE,
        Jurisdiction::Lu => &LU,
    };
    all.iter()
        .filter(move |m| m.letter == letter && m.debtors.includes(kind))
}

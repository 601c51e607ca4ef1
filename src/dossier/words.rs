//! The dossier's words, in French, shared by the Markdown and HTML
//! renderers so that both say exactly the same thing.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::doc::{Line, code, text};
use super::{ActionRecord, ClaimLine, Dossier, Event, LawFrom, NoInterest, Outcome};
use crate::claim::Start;
use crate::ledger::EntryKind;
use crate::letters::format;
use crate::vocab::{DebtorKind, Jurisdiction};

pub fn date(day: NaiveDate) -> String {
    format::date(day)
}

pub fn money(amount: Decimal, currency: &str) -> String {
    format::money(amount, currency)
}

pub fn title(dossier: &Dossier) -> String {
    if dossier.about_invoice {
        format!("Dossier de recouvrement — facture {}", dossier.id)
    } else {
        format!("Dossier de recouvrement — {}", dossier.debtor.name)
    }
}

pub fn kind(kind: DebtorKind) -> &'static str {
    match kind {
        DebtorKind::B2b => "professionnel (b2b)",
        DebtorKind::B2c => "consommateur (b2c)",
    }
}

pub fn country(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::Fr => "France",
        Jurisdiction::Be => "Belgique",
        Jurisdiction::Lu => "Luxembourg",
    }
}

/// `droit luxembourgeois (LU), pays du débiteur`.
pub fn law(dossier: &Dossier) -> String {
    let law = &dossier.law;
    let from = match &law.from {
        LawFrom::Policy(path) => format!("juridiction de la politique {path}"),
        LawFrom::Journal { file, sha256 } => format!(
            "juridiction de la politique {file} (version {}) sous laquelle les courriers ont été envoyés",
            &sha256[..sha256.len().min(12)]
        ),
        LawFrom::DebtorCountry => "pays du débiteur".to_string(),
    };
    format!(
        "{} ({}), {from}",
        country(law.jurisdiction),
        law.jurisdiction
    )
}

pub fn recipient(word: &str) -> &str {
    match word {
        "debtor" => "débiteur",
        "guarantor" => "caution",
        other => other,
    }
}

pub fn channel(word: &str) -> &str {
    match word {
        "email" => "courriel",
        "courrier" => "courrier simple",
        "recommandé" => "lettre recommandée",
        "sms" => "SMS",
        "huissier" => "huissier / commissaire de justice",
        "phone" => "appel téléphonique",
        "route" => "transmission du dossier",
        other => other,
    }
}

/// `relance_1` par courriel (débiteur), the template as code.
pub fn action_line(record: &ActionRecord) -> Line {
    let action = &record.action;
    vec![
        code(&action.step.target),
        text(format!(
            " par {} ({})",
            channel(&action.channel),
            recipient(&action.recipient)
        )),
    ]
}

/// The outcome in a few words: `effectué`, `annulé`…
pub fn status(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Open => "inachevé",
        Outcome::Committed { .. } => "effectué",
        Outcome::Aborted { .. } => "annulé",
        Outcome::Uncertain { .. } => "incertain",
        Outcome::Resolved { sent: true, .. } => "effectué (confirmé)",
        Outcome::Resolved { sent: false, .. } => "non envoyé (constaté)",
    }
}

/// The outcome in a sentence, with the record that says so.
pub fn outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Open => "inachevé : l'exécution a été interrompue avant la fin ; \
                          la prochaine exécution le reprendra"
            .to_string(),
        Outcome::Committed {
            record,
            at,
            recovered,
            ..
        } => {
            let recovered = if *recovered {
                ", achevé par la reprise après une interruption"
            } else {
                ""
            };
            format!("effectué (enregistrement {record}, {at}{recovered})")
        }
        Outcome::Aborted { record, at, reason } => {
            format!("annulé, rien n'est parti (enregistrement {record}, {at}) : « {reason} »")
        }
        Outcome::Uncertain { record, at, reason } => format!(
            "incertain : peut-être parti, non confirmé (enregistrement {record}, {at}) : « {reason} »"
        ),
        Outcome::Resolved {
            uncertain,
            reason,
            record,
            at,
            sent,
            note,
        } => {
            let decided = if *sent {
                "confirmé comme envoyé"
            } else {
                "constaté comme non envoyé"
            };
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(" : « {note} »")
            };
            format!(
                "{decided} (enregistrement {record}, {at}){note} ; incertain auparavant \
                 (enregistrement {uncertain} : « {reason} »)"
            )
        }
    }
}

pub fn smtp_answer(outcome: &Outcome) -> Option<&str> {
    match outcome {
        Outcome::Committed {
            smtp: Some(answer), ..
        } => Some(answer),
        _ => None,
    }
}

pub fn entry(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Payment => "Paiement",
        EntryKind::CreditNote => "Avoir",
        EntryKind::Dispute => "Contestation",
        EntryKind::Resolve => "Fin de la contestation",
    }
}

/// What an event of an invoice's history says, and its amount if any.
pub fn event(event: &Event<'_>, amount: Decimal, currency: &str) -> (Line, Option<String>) {
    match event {
        Event::Issued => (vec![text("Facture émise")], Some(money(amount, currency))),
        Event::Due => (vec![text("Échéance")], None),
        Event::Entry(entry) => (
            vec![text(self::entry(entry.kind))],
            entry.kind.settles().then(|| money(entry.amount, currency)),
        ),
        Event::Action(record) => {
            let mut line = action_line(record);
            line.push(text(format!(
                " — {} (action {})",
                status(&record.outcome),
                record.intent
            )));
            (line, None)
        }
    }
}

/// Why a line bears no interest.
pub fn no_interest(reason: NoInterest, dossier: &Dossier) -> String {
    match reason {
        NoInterest::NotLate => format!("non échue au {}", date(dossier.as_of)),
        NoInterest::NotComputed => "non calculés : le taux légal luxembourgeois envers un \
                                    consommateur dépend de conditions que le grand livre \
                                    n'indique pas"
            .into(),
        NoInterest::AwaitingNotice
            if dossier.law.jurisdiction == Jurisdiction::Be
                && dossier.debtor.kind == DebtorKind::B2c =>
        {
            "pas encore dus : le délai de 14 jours du premier rappel gratuit n'est pas écoulé \
             (ou aucun rappel n'est parti)"
                .into()
        }
        NoInterest::AwaitingNotice => {
            "pas encore dus : ils courent à compter de la mise en demeure, \
             qui n'est pas partie"
                .into()
        }
        NoInterest::NotCharged => "non réclamés par les courriers envoyés".into(),
    }
}

/// From when interest runs, as the claim's note says it.
pub fn interest_start(start: Start, jurisdiction: Jurisdiction) -> &'static str {
    match (start, jurisdiction) {
        (Start::DayAfterDue, _) => "du lendemain de l'échéance",
        (Start::DayAfterNotice, Jurisdiction::Be) => {
            "à compter de l'expiration du délai de 14 jours qui suit le premier rappel"
        }
        (Start::DayAfterNotice, _) => "du lendemain de la mise en demeure",
    }
}

/// The interest cell of a claim line.
pub fn interest_cell(line: &ClaimLine, dossier: &Dossier) -> String {
    match line.no_interest {
        Some(reason) => format!(
            "{} ({})",
            money(line.interest, &dossier.currency),
            no_interest(reason, dossier)
        ),
        None => money(line.interest, &dossier.currency),
    }
}

/// `10,15 %`: a rate with a decimal comma, as French texts write it.
pub fn rate(rate: Decimal) -> String {
    let rate = rate.normalize();
    let text = if rate.scale() < 2 {
        format!("{rate:.2}")
    } else {
        rate.to_string()
    };
    format!("{} %", text.replace('.', ","))
}

/// The journal's verification, in a sentence.
pub fn verification(dossier: &Dossier) -> String {
    let j = &dossier.journal;
    let c = j.counts;
    format!(
        "intègre — {} ; dans tout le journal, {} {}, {} {}, {} {}, {} {}",
        count(j.records, "enregistrement"),
        count(c.committed, "action"),
        agree(c.committed, "effectuée"),
        c.aborted,
        agree(c.aborted, "annulée"),
        c.uncertain,
        agree(c.uncertain, "incertaine"),
        c.open,
        agree(c.open, "inachevée"),
    )
}

/// `1 enregistrement`, `15 enregistrements` (French: 0 and 1 are singular).
pub fn count(n: u64, noun: &str) -> String {
    format!("{n} {}", agree(n, noun))
}

fn agree(n: u64, word: &str) -> String {
    if n > 1 {
        format!("{word}s")
    } else {
        word.to_string()
    }
}

/// The address on one line.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

//! The dossier's words, in French, shared by the Markdown and HTML
//! renderers so that both say exactly the same thing.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::doc::{Line, code, text};
use super::{ActionRecord, ClaimLine, Dossier, Event, LawFrom, NoInterest, Outcome};
use crate::claim::{RateBasis, Start};
use crate::journal::Action;
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
        "mandataire" => "mandataire judiciaire ou curateur",
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
        "proof_of_claim" => "déclaration de créance à établir",
        other => other,
    }
}

/// What an action is, in French: the letter's template as code
/// (`mise_en_demeure`), a phone call, or the court, lawyer or bailiff the
/// file goes to, by the name the law pack gives it.
pub(crate) fn action_what(action: &Action, jurisdiction: Jurisdiction) -> Line {
    if action.channel == "proof_of_claim" {
        return vec![
            text("déclaration de créance à établir, avec la "),
            code(&action.step.target),
        ];
    }
    match verb(&action.step.id) {
        "call" => vec![text(format!(
            "appel téléphonique {}",
            to_whom(&action.recipient)
        ))],
        "route" => {
            let name = &action.step.target;
            let title = crate::law::pack(jurisdiction)
                .destination(name)
                .map_or_else(|| name.replace('_', " "), |d| d.title.to_string());
            vec![text(format!("transmission du dossier : {title}"))]
        }
        _ => vec![text("envoi de "), code(&action.step.target)],
    }
}

/// The action's verb: `send`, `call`, `route`; a handler's
/// (`on insolvency send declaration_de_creance`) after its event.
fn verb(id: &str) -> &str {
    let mut words = id.split(' ');
    match words.next() {
        Some("on") => words.nth(1).unwrap_or_default(),
        other => other.unwrap_or_default(),
    }
}

/// `au débiteur`, `à la caution`.
fn to_whom(word: &str) -> &'static str {
    match word {
        "guarantor" => "à la caution",
        "mandataire" => "au mandataire judiciaire ou curateur",
        _ => "au débiteur",
    }
}

/// `envoi de relance_1 par courriel (débiteur)`, `appel téléphonique au
/// débiteur`, `transmission du dossier : justice de paix`.
pub(crate) fn action_line(record: &ActionRecord, jurisdiction: Jurisdiction) -> Line {
    let action = &record.action;
    let mut line = action_what(action, jurisdiction);
    if verb(&action.step.id) == "send" && action.channel != "proof_of_claim" {
        line.push(text(format!(
            " par {} ({})",
            channel(&action.channel),
            recipient(&action.recipient)
        )));
    }
    line
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
pub(crate) fn outcome(outcome: &Outcome) -> String {
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
            format!(
                "annulé, rien n'est parti (enregistrement {record}, {at}) : {}",
                journal_reason(reason)
            )
        }
        Outcome::Uncertain { record, at, reason } => format!(
            "incertain : peut-être parti, non confirmé (enregistrement {record}, {at}) : {}",
            journal_reason(reason)
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
                 (enregistrement {uncertain} : {})",
                journal_reason(reason)
            )
        }
    }
}

/// Why the journal closed an action as it did, in French. The journal
/// records these reasons (src/journal/mod.rs) in a fixed wording; a server's
/// answer or a system error inside them is quoted as it came.
pub(crate) fn journal_reason(reason: &str) -> String {
    const KNOWN: [(&str, &str); 7] = [
        (
            "the server refused the message: ",
            "le serveur a refusé le message : ",
        ),
        (
            "the exchange with the server broke off: ",
            "l'échange avec le serveur s'est interrompu : ",
        ),
        (
            "the output could not be written: ",
            "le fichier n'a pas pu être écrit : ",
        ),
        (
            "handed to the SMTP server, but the run stopped before recording the answer",
            "remis au serveur SMTP, mais l'exécution s'est arrêtée avant d'enregistrer sa réponse",
        ),
        (
            "written but never handed to the SMTP server",
            "écrit mais jamais remis au serveur SMTP",
        ),
        (
            "interrupted before its output was in place",
            "interrompu avant que le fichier soit en place",
        ),
        (
            " holds other content than the intent's",
            " a un autre contenu que celui annoncé",
        ),
    ];
    for (english, french) in KNOWN {
        if let Some(rest) = reason.strip_prefix(english) {
            return if rest.is_empty() {
                french.to_string()
            } else {
                format!("{french}« {rest} »")
            };
        }
        if let Some(file) = reason.strip_suffix(english) {
            return format!("le fichier {file}{french}");
        }
    }
    format!("« {reason} » (motif inscrit au journal)")
}

pub(crate) fn smtp_answer(outcome: &Outcome) -> Option<&str> {
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

/// An exception of the ledger in words (French, as the dossier is).
pub fn exception(e: &crate::ledger::Exception) -> String {
    use crate::ledger::ExceptionKind;
    let scope = if e.invoice.is_none() {
        " (toutes les factures du débiteur)"
    } else {
        ""
    };
    let reason = e
        .reason
        .as_deref()
        .map(|r| format!(" : {r}"))
        .unwrap_or_default();
    match e.kind {
        ExceptionKind::Hold => match e.until {
            Some(until) => format!(
                "Suspension des relances jusqu'au {} inclus{scope}{reason}",
                date(until)
            ),
            None => format!("Suspension des relances{scope}{reason}"),
        },
        ExceptionKind::Release => format!("Reprise des relances{scope}"),
        ExceptionKind::Promise => format!(
            "Promesse de paiement pour le {}{scope}{}",
            e.until.map(date).unwrap_or_default(),
            if e.amount.is_none() {
                " (tout le solde)"
            } else {
                ""
            }
        ),
        ExceptionKind::Instalment => format!(
            "Échéancier : échéance du {}{scope}{reason}",
            e.due.map(date).unwrap_or_default()
        ),
        ExceptionKind::Insolvency => {
            let mut text = format!(
                "Ouverture d'une procédure collective ({})",
                crate::law::insolvency::procedure_name(e.procedure.unwrap_or(""))
            );
            if let Some(published) = e.published {
                text.push_str(&format!(", publiée le {}", date(published)));
            }
            if let Some(until) = e.until {
                text.push_str(&format!(
                    ", déclaration des créances avant le {}",
                    date(until)
                ));
            }
            text
        }
        ExceptionKind::Acknowledge => format!("Reconnaissance de dette{scope}"),
    }
}

/// What an event of an invoice's history says, and its amount if any.
pub fn event(
    event: &Event<'_>,
    amount: Decimal,
    currency: &str,
    jurisdiction: Jurisdiction,
) -> (Line, Option<String>) {
    match event {
        Event::Issued => (vec![text("Facture émise")], Some(money(amount, currency))),
        Event::Due => (vec![text("Échéance")], None),
        Event::Entry(entry) => (
            vec![text(self::entry(entry.kind))],
            entry.kind.settles().then(|| money(entry.amount, currency)),
        ),
        Event::Exception(what, amount) => (
            vec![text(what.to_string())],
            amount.map(|a| money(a, currency)),
        ),
        Event::Action(record) => {
            let mut line = action_line(record, jurisdiction);
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
pub(crate) fn no_interest(reason: NoInterest, dossier: &Dossier) -> String {
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
pub(crate) fn interest_start(start: Start, jurisdiction: Jurisdiction) -> &'static str {
    match (start, jurisdiction) {
        (Start::DayAfterDue, _) => "du lendemain de l'échéance",
        (Start::DayAfterNotice, Jurisdiction::Be) => {
            "à compter de l'expiration du délai de 14 jours qui suit le premier rappel"
        }
        (Start::DayAfterNotice, _) => "du lendemain de la mise en demeure",
    }
}

/// The interest cell of a claim line.
pub(crate) fn interest_cell(line: &ClaimLine, dossier: &Dossier) -> String {
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

/// Where a period's rate comes from, in French: `taux de la BCE …`.
pub(crate) fn rate_basis(basis: &RateBasis) -> String {
    match basis {
        RateBasis::Fixed => "taux conventionnel".to_string(),
        RateBasis::Table {
            series,
            base,
            from,
            to,
            plus,
            rounded_up_to_half,
            ..
        } => {
            let what = match series.as_str() {
                "ecb_mro" => format!(
                    "taux de la Banque centrale européenne pour ses opérations principales de \
                     refinancement ({}), applicable du {} au {}",
                    rate(*base),
                    date(*from),
                    date(*to)
                ),
                "fr_legal_other" => format!(
                    "taux de l'intérêt légal, autres cas ({}), du {} au {}",
                    rate(*base),
                    date(*from),
                    date(*to)
                ),
                "fr_legal_consumer" => format!(
                    "taux de l'intérêt légal des créances des personnes physiques n'agissant pas \
                     pour des besoins professionnels ({}), du {} au {}",
                    rate(*base),
                    date(*from),
                    date(*to)
                ),
                "lu_legal" | "be_legal" => format!(
                    "taux d'intérêt légal ({}), du {} au {}",
                    rate(*base),
                    date(*from),
                    date(*to)
                ),
                other => format!(
                    "taux `{other}` ({}), du {} au {}",
                    rate(*base),
                    date(*from),
                    date(*to)
                ),
            };
            let plus = if plus.is_zero() {
                String::new()
            } else {
                format!(
                    ", majoré de {} points",
                    plus.normalize().to_string().replace('.', ",")
                )
            };
            let half = if *rounded_up_to_half {
                ", arrondi au demi-point supérieur"
            } else {
                ""
            };
            format!("{what}{plus}{half}")
        }
    }
}

/// The journal's verification, in a sentence.
pub(crate) fn verification(dossier: &Dossier) -> String {
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

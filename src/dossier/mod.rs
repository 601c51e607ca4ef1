//! The dossier: the file a lawyer or bailiff takes over from the amicable
//! phase. For one invoice or one debtor: who the debtor and the guarantor
//! are, each invoice with its payments, credit notes and disputes, every
//! action of the journal about it (date, step, channel, recipient, output
//! file and its SHA-256, how it ended, the SMTP answer), the mise en demeure
//! and its notice period, and the amount claimed as of a day (principal,
//! interest, indemnity). Built from a journal that verifies, and rendered as
//! Markdown ([`markdown`]) or a standalone HTML page ([`html`]), in French.
//! What it holds and why is in `docs/dossier.md`.

pub(crate) mod claim;
mod doc;
mod history;
pub mod html;
pub(crate) mod inputs;
mod layout;
pub mod markdown;
mod words;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

pub use claim::{Charged, Claim, ClaimLine, NoInterest};
pub use history::{ActionRecord, History, Outcome, Verified};

use crate::claim::RateTable;
use crate::diagnostic::{Code, Diagnostic};
use crate::journal::Action;
use crate::law;
use crate::ledger::{Debtor, DebtorId, Entry, Invoice, InvoiceId, Ledger};
use crate::letters::Firm;
use crate::suggest;
use crate::vocab::{Channel, DebtorKind, Jurisdiction, Recipient};

/// What a dossier is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Invoice(InvoiceId),
    Debtor(DebtorId),
}

/// Prefixes that say which kind of id is meant, when an invoice reference
/// is also a debtor id.
pub(crate) const INVOICE_PREFIX: &str = "invoice:";
pub(crate) const DEBTOR_PREFIX: &str = "debtor:";

/// The invoice or debtor `id` names in the ledger (read from `ledger_name`).
/// `invoice:ID` and `debtor:ID` say which is meant when both exist.
pub fn find(ledger: &Ledger, id: &str, ledger_name: &str) -> Result<Subject, Diagnostic> {
    let (invoices, debtors, id) = if let Some(rest) = id.strip_prefix(INVOICE_PREFIX) {
        (true, false, rest)
    } else if let Some(rest) = id.strip_prefix(DEBTOR_PREFIX) {
        (false, true, rest)
    } else {
        (true, true, id)
    };
    let invoice = invoices
        .then(|| ledger.invoices.iter().position(|i| i.reference == id))
        .flatten();
    let debtor = debtors
        .then(|| ledger.debtors.iter().position(|d| d.id == id))
        .flatten();
    let id32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    match (invoice, debtor) {
        (Some(i), None) => Ok(Subject::Invoice(InvoiceId(id32(i)))),
        (None, Some(d)) => Ok(Subject::Debtor(DebtorId(id32(d)))),
        (Some(_), Some(_)) => Err(Diagnostic::error(
            Code::DossierAmbiguousId,
            format!(
                "`{}` is both an invoice and a debtor",
                suggest::short(id)
            ),
        )
        .with_help(format!(
            "say which: `{INVOICE_PREFIX}{id}` for the invoice, `{DEBTOR_PREFIX}{id}` for the debtor"
        ))
        .in_path(ledger_name)),
        (None, None) => {
            let what = match (invoices, debtors) {
                (true, false) => "no invoice",
                (false, true) => "no debtor",
                _ => "no invoice or debtor",
            };
            // A million references cost a second of edit distances; a
            // cheap lower bound of it rules out nearly all of them first.
            let near = Near::new(id);
            let near = |c: &&str| near.may_be_close(c);
            let candidates = ledger
                .invoices
                .iter()
                .filter(|_| invoices)
                .map(|i| i.reference.as_str())
                .chain(
                    ledger
                        .debtors
                        .iter()
                        .filter(|_| debtors)
                        .map(|d| d.id.as_str()),
                )
                .filter(near);
            let help = suggest::did_you_mean(id, candidates).unwrap_or_else(|| {
                "give an invoice reference (the ledger's `invoice` column) or a debtor id \
                 (the debtors file's `id` column)"
                    .to_string()
            });
            Err(Diagnostic::error(
                Code::DossierUnknownId,
                format!("{what} `{}` in the ledger", suggest::short(id)),
            )
            .with_help(help)
            .in_path(ledger_name))
        }
    }
}

/// A lower bound of the edit distance to a word, cheap to test: the bag
/// distance (the characters one word has more than the other, whatever
/// their order), on ASCII letters folded to lower case as
/// `suggest::closest` compares them. A candidate whose bound exceeds the
/// largest distance `suggest` accepts cannot be suggested.
struct Near {
    counts: [i32; 128],
    len: usize,
    limit: usize,
    ascii: bool,
}

impl Near {
    fn new(word: &str) -> Near {
        let mut counts = [0i32; 128];
        for b in word.bytes().filter(u8::is_ascii) {
            counts[usize::from(b.to_ascii_lowercase())] += 1;
        }
        let len = word.chars().count();
        Near {
            counts,
            len,
            // `suggest`'s limit for an ASCII word (a third of its length, at
            // least 1); the bound is only used on ASCII words.
            limit: (len / 3).max(1),
            ascii: word.is_ascii(),
        }
    }

    fn may_be_close(&self, candidate: &str) -> bool {
        if !self.ascii || !candidate.is_ascii() {
            // Accents fold away in `suggest`: no cheap bound, compare.
            return true;
        }
        if candidate.len().abs_diff(self.len) > self.limit {
            return false;
        }
        let mut counts = self.counts;
        for b in candidate.bytes() {
            counts[usize::from(b.to_ascii_lowercase())] -= 1;
        }
        let (mut more, mut fewer) = (0usize, 0usize);
        for c in counts {
            if c > 0 {
                more += c.unsigned_abs() as usize;
            } else {
                fewer += c.unsigned_abs() as usize;
            }
        }
        more.max(fewer) <= self.limit
    }
}

/// Where the jurisdiction of the claim comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LawFrom {
    /// The `jurisdiction` header of this policy file.
    Policy(String),
    /// The policy the journal records for the letters sent: its file and
    /// version (SHA-256 of its text).
    Journal { file: String, sha256: String },
    /// The debtor's `country` in the debtors file.
    DebtorCountry,
}

/// The law the claim is computed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Law {
    pub jurisdiction: Jurisdiction,
    pub from: LawFrom,
}

/// The policy's jurisdiction when one is given, else the one of the policy
/// the journal records for the last action about the dossier (the law the
/// letters were sent under), else the debtor's country when it is FR, BE or
/// LU. `Err`: none.
pub(crate) fn law_for(
    debtor: &Debtor,
    policy: Option<Law>,
    actions: &[ActionRecord],
    debtors_name: &str,
) -> Result<Law, Diagnostic> {
    if let Some(law) = policy {
        return Ok(law);
    }
    let recorded = actions
        .iter()
        .rev()
        .filter_map(|a| a.action.policy.as_ref())
        .find_map(|p| {
            let jurisdiction = Jurisdiction::from_word(p.jurisdiction.as_deref()?)?;
            Some(Law {
                jurisdiction,
                from: LawFrom::Journal {
                    file: p.file.clone(),
                    sha256: p.sha256.clone(),
                },
            })
        });
    if let Some(law) = recorded {
        return Ok(law);
    }
    let country = debtor.country.as_deref().unwrap_or("");
    match Jurisdiction::from_word(country) {
        Some(jurisdiction) => Ok(Law {
            jurisdiction,
            from: LawFrom::DebtorCountry,
        }),
        None => Err(Diagnostic::error(
            Code::DossierNoJurisdiction,
            if country.is_empty() {
                format!(
                    "no jurisdiction for the claim: the debtor `{}` has no country",
                    suggest::short(&debtor.id)
                )
            } else {
                format!(
                    "no jurisdiction for the claim: the debtor `{}` is in `{}`, not FR, BE or LU",
                    suggest::short(&debtor.id),
                    suggest::short(country)
                )
            },
        )
        .with_help(
            "give the policy the debtor is chased under (`--policy FILE`): its `jurisdiction` \
             sets the law of the interest and the indemnity",
        )
        .in_path(debtors_name)),
    }
}

/// One invoice of the dossier, as it stood at the end of the as-of day.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceFile {
    pub reference: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub amount: Decimal,
    pub outstanding: Decimal,
    /// Payments, credit notes, disputes and resolutions up to the day.
    pub entries: Vec<Entry>,
    /// The ledger's other columns (e.g. `description`).
    pub attributes: Vec<(String, String)>,
    /// The actions listing it, by intent seq, in journal order.
    pub actions: Vec<u64>,
    /// The ledger's holds, promises, plan instalments, insolvency and
    /// acknowledgments concerning it (its own and its debtor's), up to the
    /// day: (day, what, amount).
    pub exceptions: Vec<(NaiveDate, String, Option<Decimal>)>,
}

/// A mise en demeure to the debtor and the period it gives to pay: counted
/// from its presumed receipt ([`law::delivery`]), not from its sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePeriod {
    /// The action's intent seq.
    pub intent: u64,
    /// The day it was sent.
    pub sent: NaiveDate,
    /// The day it is presumed received: the period runs from there.
    pub received: NaiveDate,
    /// How the receipt day is found, in French.
    pub receipt_rule: &'static str,
    /// Days given to pay, and where the period comes from (French).
    pub days: u32,
    pub source: &'static str,
    /// The last day of the period.
    pub ends: NaiveDate,
    /// The dossier's invoices it is the first notice of.
    pub invoices: Vec<String>,
}

/// Everything a dossier shows; the renderers only format it.
#[derive(Debug, Clone)]
pub struct Dossier {
    /// The id as asked for (without an `invoice:`/`debtor:` prefix).
    pub id: String,
    pub about_invoice: bool,
    pub as_of: NaiveDate,
    pub currency: String,
    pub journal: Verified,
    pub creditor: Option<Firm>,
    pub debtor: Debtor,
    pub law: Law,
    pub invoices: Vec<InvoiceFile>,
    /// The debtor's invoices left out: settled by the day, with no action.
    pub settled_not_listed: usize,
    /// The actions about the dossier up to the day, in journal order.
    pub actions: Vec<ActionRecord>,
    /// Actions dated after the day, left out.
    pub later_actions: usize,
    /// For each of the dossier's invoices, the first mise en demeure to
    /// the debtor listing it that went out, in date order (one entry per
    /// letter).
    pub notices: Vec<NoticePeriod>,
    pub claim: Claim,
    /// Invoices the journal's actions list that the ledger does not know.
    pub unknown_invoices: Vec<String>,
}

impl Dossier {
    pub fn action(&self, intent: u64) -> Option<&ActionRecord> {
        self.actions.iter().find(|a| a.intent == intent)
    }

    /// The formal notices among the actions (to anyone, whatever their
    /// outcome): what the dossier highlights.
    pub(crate) fn formal_notices(&self) -> impl Iterator<Item = &ActionRecord> {
        self.actions.iter().filter(|a| is_formal_notice(&a.action))
    }
}

/// Whether an action is a mise en demeure: its step sends a template whose
/// name says so, or goes by bailiff (the rule of `law::is_formal_notice`).
pub(crate) fn is_formal_notice(action: &Action) -> bool {
    let channel: Vec<Channel> = Channel::from_word(&action.channel).into_iter().collect();
    action.step.id.starts_with("send ") && law::is_formal_notice(&action.step.target, &channel)
}

/// What a dossier is made from.
pub struct Request<'a> {
    pub journal: &'a Path,
    pub ledger: &'a Ledger,
    /// The ledger and debtors files' names, for diagnostics.
    pub ledger_name: &'a str,
    pub debtors_name: &'a str,
    /// An invoice reference or a debtor id (`invoice:`/`debtor:` prefixed
    /// when both exist).
    pub id: &'a str,
    pub as_of: NaiveDate,
    /// The policy's jurisdiction, when a policy with one is given.
    pub policy: Option<Law>,
    pub creditor: Option<Firm>,
    pub rates: &'a RateTable,
}

/// A dossier and what is worth saying about it (rates past the table,
/// uncertain actions in the journal).
#[derive(Debug)]
pub struct Made {
    pub dossier: Dossier,
    pub warnings: Vec<Diagnostic>,
}

/// Makes the dossier. `Err`: an unknown or ambiguous id, no jurisdiction, a
/// journal that fails verification (its problems), a rate missing.
pub fn make(request: &Request<'_>) -> Result<Made, Vec<Diagnostic>> {
    let ledger = request.ledger;
    let subject = find(ledger, request.id, request.ledger_name).map_err(|d| vec![d])?;
    let (debtor_id, only) = match subject {
        Subject::Invoice(i) => (ledger.invoice(i).debtor, Some(i)),
        Subject::Debtor(d) => (d, None),
    };
    let debtor = ledger.debtor(debtor_id);

    let mine: Vec<&Invoice> = match only {
        Some(i) => vec![ledger.invoice(i)],
        None => ledger
            .invoices
            .iter()
            .filter(|i| i.debtor == debtor_id)
            .collect(),
    };
    let references: HashSet<&str> = mine.iter().map(|i| i.reference.as_str()).collect();
    let concerns = |action: &Action| {
        (only.is_none() && action.debtor == debtor.id)
            || action
                .invoices
                .iter()
                .any(|r| references.contains(r.as_str()))
    };
    let history = history::read(request.journal, concerns)?;
    let mut warnings = history.warnings;
    let as_of = request.as_of;
    let (actions, later): (Vec<ActionRecord>, Vec<ActionRecord>) = history
        .actions
        .into_iter()
        .partition(|a| a.action.date <= as_of);
    let law = law_for(
        debtor,
        request.policy.clone(),
        &actions,
        request.debtors_name,
    )
    .map_err(|d| vec![d])?;

    let listed_by = |reference: &str| -> Vec<u64> {
        actions
            .iter()
            .filter(|a| a.action.invoices.iter().any(|r| r == reference))
            .map(|a| a.intent)
            .collect()
    };
    let mut invoices: Vec<&Invoice> = mine
        .iter()
        .copied()
        .filter(|i| {
            only.is_some()
                || (i.issued <= as_of
                    && (!ledger.balance_on(i, as_of).is_zero()
                        || !listed_by(&i.reference).is_empty()))
        })
        .collect();
    invoices.sort_by(|a, b| (a.due, &a.reference).cmp(&(b.due, &b.reference)));
    let settled_not_listed = mine.len() - invoices.len();

    // Other debtors' invoices an action lists are looked for in one pass.
    let mut unknown_invoices: BTreeSet<&str> = actions
        .iter()
        .flat_map(|a| a.action.invoices.iter())
        .map(String::as_str)
        .filter(|r| !references.contains(r))
        .collect();
    if !unknown_invoices.is_empty() {
        for invoice in &ledger.invoices {
            unknown_invoices.remove(invoice.reference.as_str());
        }
    }
    let unknown_invoices: Vec<String> = unknown_invoices.into_iter().map(String::from).collect();

    let notices = notice_periods(&actions, &invoices, law.jurisdiction);
    let terms = claim::Terms {
        jurisdiction: law.jurisdiction,
        kind: debtor.kind,
        as_of,
        rates: request.rates,
    };
    let claim = claim::compute(
        ledger,
        &invoices,
        &terms,
        |invoice| interest_notice(&actions, invoice, law.jurisdiction, debtor.kind),
        |invoice| charged(&actions, invoice),
        &mut warnings,
    )
    .map_err(|d| vec![d])?;

    let files = invoices
        .iter()
        .map(|invoice| InvoiceFile {
            reference: invoice.reference.to_string(),
            issued: invoice.issued,
            due: invoice.due,
            amount: invoice.amount,
            outstanding: ledger.balance_on(invoice, as_of),
            entries: ledger
                .entries_of(invoice)
                .iter()
                .filter(|e| e.date <= as_of)
                .cloned()
                .collect(),
            attributes: ledger
                .invoice_attributes(invoice)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            actions: listed_by(&invoice.reference),
            exceptions: ledger
                .exceptions_of_debtor(invoice.debtor)
                .iter()
                .filter(|e| {
                    e.date <= as_of
                        && e.invoice
                            .is_none_or(|i| ledger.invoice(i).reference == invoice.reference)
                })
                .map(|e| (e.date, words::exception(e), e.amount))
                .collect(),
        })
        .collect();

    let id = request
        .id
        .strip_prefix(INVOICE_PREFIX)
        .or_else(|| request.id.strip_prefix(DEBTOR_PREFIX))
        .unwrap_or(request.id);
    Ok(Made {
        dossier: Dossier {
            id: id.to_string(),
            about_invoice: only.is_some(),
            as_of,
            currency: ledger.currency.to_string(),
            journal: history.verified,
            creditor: request.creditor.clone(),
            debtor: debtor.clone(),
            law,
            invoices: files,
            settled_not_listed,
            later_actions: later.len(),
            actions,
            notices,
            claim,
            unknown_invoices,
        },
        warnings,
    })
}

/// For each invoice, the first mise en demeure to the debtor listing it
/// that went out, and the period it gives (the jurisdiction's notice
/// period, from the letter's presumed receipt); one entry per letter.
fn notice_periods(
    actions: &[ActionRecord],
    invoices: &[&Invoice],
    jurisdiction: Jurisdiction,
) -> Vec<NoticePeriod> {
    let pack = law::pack(jurisdiction);
    let calendar = crate::calendar::Calendar::new(Some(jurisdiction));
    let mut periods: Vec<NoticePeriod> = Vec::new();
    for invoice in invoices {
        let Some(first) = actions.iter().find(|a| {
            a.took_effect()
                && a.action.recipient == Recipient::Debtor.as_str()
                && is_formal_notice(&a.action)
                && a.action.invoices.iter().any(|r| *r == invoice.reference)
        }) else {
            continue;
        };
        if let Some(period) = periods.iter_mut().find(|p| p.intent == first.intent) {
            period.invoices.push(invoice.reference.to_string());
            continue;
        }
        let channel = Channel::from_word(&first.action.channel).unwrap_or(Channel::Recommande);
        let sent = first.action.date;
        let received = law::delivery::presumed_receipt(channel, sent, &calendar);
        let Some(ends) = received.checked_add_days(Days::new(pack.notice.value.into())) else {
            continue;
        };
        periods.push(NoticePeriod {
            intent: first.intent,
            sent,
            received,
            receipt_rule: law::delivery::receipt_rule(channel),
            days: pack.notice.value,
            source: pack.notice_words,
            ends,
            invoices: vec![invoice.reference.to_string()],
        });
    }
    periods.sort_by_key(|p| (p.sent, p.intent));
    periods
}

/// What the last letter or task listing the invoice claimed for it, as the
/// journal records it; `None` when no action recorded it (a journal of an
/// earlier version).
fn charged(actions: &[ActionRecord], invoice: &Invoice) -> Option<Charged> {
    actions
        .iter()
        .rev()
        .filter(|a| a.took_effect())
        .flat_map(|a| a.action.lines.iter())
        .find(|line| line.invoice == invoice.reference)
        .map(|line| Charged {
            indemnity: line.indemnity,
            interest: !line.interest.is_zero(),
        })
}

/// The day after which interest may run where the law starts it from a
/// notice rather than the due date: for a Belgian consumer, the end of the
/// free first reminder's period (Book XIX: 14 days, from the next day for an
/// e-mail, from the third working day after a letter); otherwise the first
/// mise en demeure to the debtor listing the invoice.
fn interest_notice(
    actions: &[ActionRecord],
    invoice: &Invoice,
    jurisdiction: Jurisdiction,
    kind: DebtorKind,
) -> Option<NaiveDate> {
    let to_debtor = |a: &&ActionRecord| {
        a.took_effect()
            && a.action.recipient == Recipient::Debtor.as_str()
            && a.action.invoices.iter().any(|r| *r == invoice.reference)
    };
    let free_reminder = law::pack(jurisdiction)
        .free_reminder
        .filter(|_| kind == DebtorKind::B2c);
    match free_reminder {
        Some(reminder) => {
            let first = actions
                .iter()
                .filter(to_debtor)
                .find(|a| Channel::from_word(&a.action.channel).is_some())?;
            let days = if first.action.channel == Channel::Email.as_str() {
                reminder.after_email
            } else {
                reminder.after_letter
            };
            // `days` leads to the first day a cost may run; interest runs
            // from the day after the day returned.
            first
                .action
                .date
                .checked_add_days(Days::new(u64::from(days.saturating_sub(1))))
        }
        None => actions
            .iter()
            .filter(to_debtor)
            .find(|a| is_formal_notice(&a.action))
            .map(|a| a.action.date),
    }
}

/// One dated line of an invoice's history: the ledger's entries and the
/// journal's actions, merged.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    Issued,
    Due,
    Entry(&'a Entry),
    /// A hold, promise, instalment, insolvency or acknowledgment: its words.
    Exception(&'a str, Option<Decimal>),
    Action(&'a ActionRecord),
}

impl InvoiceFile {
    /// Its history in date order: issue, due date, ledger entries, actions
    /// (on one day, in that order).
    pub fn events<'a>(&'a self, dossier: &'a Dossier) -> Vec<(NaiveDate, Event<'a>)> {
        let mut events = vec![(self.issued, Event::Issued)];
        if self.due <= dossier.as_of {
            events.push((self.due, Event::Due));
        }
        events.extend(self.entries.iter().map(|e| (e.date, Event::Entry(e))));
        events.extend(
            self.exceptions
                .iter()
                .map(|(date, what, amount)| (*date, Event::Exception(what, *amount))),
        );
        events.extend(
            self.actions
                .iter()
                .filter_map(|&seq| dossier.action(seq))
                .map(|a| (a.action.date, Event::Action(a))),
        );
        // Stable: on one day, the order above holds.
        events.sort_by_key(|(date, _)| *date);
        events
    }
}

#[cfg(test)]
mod tests;

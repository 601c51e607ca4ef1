//! Which invoices a credit pays. In order, the first that names something
//! decides; nothing is guessed:
//!
//! 1. a structured reference (`CdtrRefInf/Ref`, CODA's structured
//!    communication, or a `+++…+++` / `RF…` reference written in the text)
//!    that [`crate::reference`] derives from an invoice of the book (either
//!    scheme), or from a debtor (the reference of a letter claiming several
//!    invoices: it names the debtor's open invoices);
//! 2. an invoice number of the book written in the remittance text;
//! 3. the payer's IBAN, given in the debtors file's `iban` column, and an
//!    open invoice of that debtor whose balance is exactly the amount (one
//!    and only one).
//!
//! A credit naming invoices is split across the open ones, oldest due date
//! first, each up to its balance (a partial payment leaves the rest open; a
//! grouped payment settles each). A credit above what the invoices it names
//! still owe, naming invoices of several debtors, or naming only paid
//! invoices goes to review with the reason, as does a credit nothing names.

use crate::amount::Amounts;
use std::collections::{HashMap, HashSet};

type Fast = foldhash::fast::FixedState;

use rust_decimal::Decimal;

use super::Credit;
use crate::ledger::{DebtorId, InvoiceId, Ledger};
use crate::reference::Reference;

/// How a credit was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Reference,
    InvoiceNumber,
    Iban,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Reference => "reference",
            How::InvoiceNumber => "invoice number",
            How::Iban => "IBAN and amount",
        }
    }
}

/// What becomes of one credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Payment rows: each invoice and the part of the credit it receives.
    Matched {
        how: How,
        payments: Vec<(InvoiceId, Decimal)>,
    },
    /// Not matched: why, for the review file.
    Review(String),
    /// Imported before (its key is in a record): nothing to do.
    Imported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Invoice(InvoiceId),
    Debtor(DebtorId),
    Several,
}

/// The book's indexes and the balances as the import goes.
pub struct Matcher<'l> {
    ledger: &'l Ledger,
    open: Vec<Decimal>,
    /// Every reference of both schemes, built only when a reference is not
    /// found directly (one derived from a digest of the number).
    references: HashMap<String, Target, Fast>,
    /// Invoices by their number's letters and digits, upper case
    /// (`F25-0000001` → `F250000001`): the text search, and the RF
    /// references that carry the number itself.
    numbers: HashMap<Box<str>, Target, Fast>,
    /// Invoices whose number is all digits, by value: the Belgian
    /// communications that carry the number itself.
    numeric: HashMap<u64, Target, Fast>,
    ibans: HashMap<String, Vec<DebtorId>, Fast>,
    by_debtor: HashMap<DebtorId, Vec<InvoiceId>, Fast>,
    seen: HashSet<String, Fast>,
}

/// A number's letters and digits, upper case.
fn alnum(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Adds `target` under `key`; two different targets under one key are
/// [`Target::Several`].
fn put<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Target, Fast>, key: K, target: Target) {
    map.entry(key)
        .and_modify(|t| {
            if *t != target {
                *t = Target::Several;
            }
        })
        .or_insert(target);
}

impl<'l> Matcher<'l> {
    /// Indexes the book; `imported` holds the keys of credits imported
    /// before.
    pub fn new(ledger: &'l Ledger, imported: HashSet<String>) -> Matcher<'l> {
        let mut open = Vec::with_capacity(ledger.invoices.len());
        let mut numbers = HashMap::with_capacity_and_hasher(ledger.invoices.len(), Fast::default());
        let mut numeric = HashMap::with_hasher(Fast::default());
        let mut by_debtor: HashMap<DebtorId, Vec<InvoiceId>, Fast> = HashMap::default();
        for (index, invoice) in ledger.invoices.iter().enumerate() {
            let settled: Decimal = ledger
                .entries_of(invoice)
                .iter()
                .filter(|e| e.kind.settles())
                .map(|e| e.amount)
                .total();
            open.push(invoice.amount.saturating_sub(settled).max(Decimal::ZERO));
            let id = InvoiceId(index as u32);
            put(
                &mut numbers,
                Box::from(alnum(&invoice.reference).as_str()),
                Target::Invoice(id),
            );
            let trimmed = invoice.reference.trim();
            if !trimmed.is_empty()
                && trimmed.len() <= 10
                && trimmed.bytes().all(|b| b.is_ascii_digit())
            {
                if let Ok(value) = trimmed.parse::<u64>() {
                    put(&mut numeric, value, Target::Invoice(id));
                }
            }
            by_debtor.entry(invoice.debtor).or_default().push(id);
        }
        let mut ibans: HashMap<String, Vec<DebtorId>, Fast> = HashMap::default();
        for (index, debtor) in ledger.debtors.iter().enumerate() {
            if let Some(iban) = debtor.column("iban") {
                let iban = super::compact_iban(iban);
                if !iban.is_empty() {
                    ibans.entry(iban).or_default().push(DebtorId(index as u32));
                }
            }
        }
        Matcher {
            ledger,
            open,
            references: HashMap::default(),
            numbers,
            numeric,
            ibans,
            by_debtor,
            seen: imported.into_iter().collect(),
        }
    }

    /// What a reference names: found directly when it carries the
    /// invoice's own number (an RF reference of its letters and digits, a
    /// Belgian communication of its digits) and is that invoice's, else in
    /// the full index.
    fn lookup(&mut self, reference: &Reference) -> Option<Target> {
        let direct = match reference {
            Reference::Creditor(rf) => rf.get(4..).and_then(|body| self.numbers.get(body)).copied(),
            Reference::Belgian(digits) => digits
                .get(..10)
                .and_then(|base| base.parse::<u64>().ok())
                .and_then(|base| self.numeric.get(&base))
                .copied(),
        };
        let verified = direct.filter(|target| match target {
            Target::Invoice(id) => {
                let number = &self.ledger.invoice(*id).reference;
                match reference {
                    Reference::Creditor(_) => Reference::creditor(number) == *reference,
                    Reference::Belgian(_) => Reference::belgian(number) == *reference,
                }
            }
            _ => true,
        });
        if verified.is_some() {
            return verified;
        }
        self.references().get(reference.electronic()).copied()
    }

    /// Builds the reference index (both schemes for every invoice and
    /// debtor); done once, when a credit first carries a reference.
    fn references(&mut self) -> &HashMap<String, Target, Fast> {
        if self.references.is_empty() {
            let mut map = HashMap::with_capacity_and_hasher(
                self.ledger.invoices.len() * 2 + 16,
                Fast::default(),
            );
            for (index, invoice) in self.ledger.invoices.iter().enumerate() {
                let id = Target::Invoice(InvoiceId(index as u32));
                put(
                    &mut map,
                    Reference::belgian(&invoice.reference)
                        .electronic()
                        .to_string(),
                    id,
                );
                put(
                    &mut map,
                    Reference::creditor(&invoice.reference)
                        .electronic()
                        .to_string(),
                    id,
                );
            }
            for (index, debtor) in self.ledger.debtors.iter().enumerate() {
                let id = Target::Debtor(DebtorId(index as u32));
                for jurisdiction in [
                    crate::vocab::Jurisdiction::Be,
                    crate::vocab::Jurisdiction::Lu,
                ] {
                    put(
                        &mut map,
                        Reference::for_debtor(jurisdiction, &debtor.id)
                            .electronic()
                            .to_string(),
                        id,
                    );
                }
            }
            self.references = map;
        }
        &self.references
    }

    /// Decides what `credit` pays, and lowers the balances it pays.
    pub(crate) fn decide(&mut self, credit: &Credit) -> Outcome {
        if !self.seen.insert(credit.key.clone()) {
            return Outcome::Imported;
        }
        let outcome = self.decide_new(credit);
        if !matches!(outcome, Outcome::Matched { .. }) {
            // Left for review: a later import (after the book is fixed) may
            // match it.
            self.seen.remove(&credit.key);
        }
        outcome
    }

    fn decide_new(&mut self, credit: &Credit) -> Outcome {
        if let Some(why) = &credit.unusable {
            return Outcome::Review(why.clone());
        }
        if !credit.currency.eq_ignore_ascii_case(self.ledger.currency) {
            return Outcome::Review(format!(
                "in {}, not in the book's currency ({})",
                credit.currency, self.ledger.currency
            ));
        }
        if credit.amount <= Decimal::ZERO {
            return Outcome::Review("no amount".to_string());
        }
        // 1. Structured references.
        let mut given: Vec<Reference> = credit
            .structured
            .iter()
            .filter_map(|r| Reference::parse(r))
            .collect();
        given.extend(Reference::find_in(&credit.text));
        let mut unknown = Vec::new();
        if !given.is_empty() {
            let mut named: Vec<InvoiceId> = Vec::new();
            let mut debtors: Vec<DebtorId> = Vec::new();
            let mut several = false;
            for reference in &given {
                match self.lookup(reference) {
                    Some(Target::Invoice(id)) => named.push(id),
                    Some(Target::Debtor(id)) => debtors.push(id),
                    Some(Target::Several) => several = true,
                    None => unknown.push(reference.to_string()),
                }
            }
            if several {
                return Outcome::Review(
                    "its reference is derived from more than one invoice or debtor of the book"
                        .to_string(),
                );
            }
            for debtor in debtors {
                named.extend(self.by_debtor.get(&debtor).into_iter().flatten().copied());
            }
            if !named.is_empty() {
                return self.split(credit, named, How::Reference);
            }
        }
        // 2. Invoice numbers in the text.
        let named = self.numbers_in(&credit.text);
        if !named.is_empty() {
            return self.split(credit, named, How::InvoiceNumber);
        }
        // 3. The payer's IBAN and an exact open amount.
        if !credit.debtor_iban.is_empty() {
            if let Some(debtors) = self.ibans.get(&credit.debtor_iban) {
                let candidates: Vec<InvoiceId> = debtors
                    .iter()
                    .flat_map(|d| self.by_debtor.get(d).into_iter().flatten())
                    .copied()
                    .filter(|id| self.open[id.0 as usize] == credit.amount)
                    .collect();
                return match candidates.as_slice() {
                    [one] => self.split(credit, vec![*one], How::Iban),
                    [] => Outcome::Review(format!(
                        "the payer's IBAN is {}'s, but none of its open invoices has {} left to pay",
                        self.debtor_names(debtors),
                        credit.amount
                    )),
                    many => Outcome::Review(format!(
                        "ambiguous: the payer's IBAN is {}'s, and {} of its open invoices have {} left to pay ({})",
                        self.debtor_names(debtors),
                        many.len(),
                        credit.amount,
                        self.numbers(many)
                    )),
                };
            }
        }
        if !unknown.is_empty() {
            return Outcome::Review(format!(
                "its reference {} is not one of the book's invoices",
                unknown.join(", ")
            ));
        }
        Outcome::Review(
            "no reference, no invoice number of the book in its text, and its IBAN is not in the debtors file"
                .to_string(),
        )
    }

    /// The invoices whose number is a word of `text`.
    fn numbers_in(&self, text: &str) -> Vec<InvoiceId> {
        let mut found = Vec::new();
        for word in
            text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
        {
            let key = alnum(word);
            if key.is_empty() {
                continue;
            }
            if let Some(Target::Invoice(id)) = self.numbers.get(key.as_str()) {
                if !found.contains(id) {
                    found.push(*id);
                }
            }
        }
        found
    }

    /// Splits `credit` across `named`'s open invoices, oldest due first.
    fn split(&mut self, credit: &Credit, named: Vec<InvoiceId>, how: How) -> Outcome {
        let mut named = named;
        named.sort_by_key(|id| id.0);
        named.dedup();
        let debtors: HashSet<DebtorId> = named
            .iter()
            .map(|id| self.ledger.invoice(*id).debtor)
            .collect();
        if debtors.len() > 1 {
            return Outcome::Review(format!(
                "ambiguous: it names invoices of several debtors ({})",
                self.numbers(&named)
            ));
        }
        let mut open: Vec<InvoiceId> = named
            .iter()
            .copied()
            .filter(|id| self.open[id.0 as usize] > Decimal::ZERO)
            .collect();
        if open.is_empty() {
            return Outcome::Review(format!(
                "it names {} by {}, with nothing left to pay",
                self.numbers(&named),
                how.as_str()
            ));
        }
        open.sort_by(|a, b| {
            let (a, b) = (self.ledger.invoice(*a), self.ledger.invoice(*b));
            (a.due, a.issued, &a.reference).cmp(&(b.due, b.issued, &b.reference))
        });
        let owed: Decimal = open.iter().map(|id| self.open[id.0 as usize]).total();
        if credit.amount > owed {
            return Outcome::Review(format!(
                "it pays {} but {} (by {}) have {} left to pay",
                credit.amount,
                self.numbers(&open),
                how.as_str(),
                owed
            ));
        }
        let mut left = credit.amount;
        let mut payments = Vec::new();
        for id in open {
            if left.is_zero() {
                break;
            }
            let balance = &mut self.open[id.0 as usize];
            let part = left.min(*balance);
            *balance = balance.saturating_sub(part);
            left = left.saturating_sub(part);
            payments.push((id, part));
        }
        Outcome::Matched { how, payments }
    }

    fn numbers(&self, ids: &[InvoiceId]) -> String {
        ids.iter()
            .map(|id| self.ledger.invoice(*id).reference.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn debtor_names(&self, ids: &[DebtorId]) -> String {
        ids.iter()
            .map(|id| self.ledger.debtor(*id).id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

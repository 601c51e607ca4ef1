//! The checked, timed plan: what a policy means, with every name resolved.
//! Distinct from the AST: no syntax is left, but every step keeps the span of
//! its statement so that checks, simulation and execution can still point at
//! the policy line.

mod compile;
pub mod display;
pub mod identity;

use std::sync::Arc;

use chrono::NaiveDate;

use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::ast::{CmpOp, Unit};
pub use compile::compile;
pub use display::{describe_action, describe_action_with_reach, describe_condition, describe_when};

use crate::calendar::Calendar;
use crate::source::{SourceFile, Span, Spanned};
use crate::vocab::{
    Channel, DebtorKind, DestinationKind, Field, Flag, Jurisdiction, Recipient, Sector,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The policy file, for diagnostics that point into it.
    pub source: Arc<SourceFile>,
    pub title: Option<Spanned<String>>,
    pub jurisdiction: Option<Spanned<Jurisdiction>>,
    /// ISO 4217 code of every amount in the policy.
    pub currency: Spanned<&'static str>,
    /// Debtor kinds covered; empty means every debtor.
    pub applies_to: Option<Spanned<Vec<DebtorKind>>>,
    /// `applies to … in LU, BE`: the countries whose debtors are chased
    /// (a debtor without a country lives in the jurisdiction's own).
    pub applies_in: Option<Spanned<Countries>>,
    /// The templates folder as written, relative to the policy file.
    pub templates: Option<Spanned<String>>,
    pub contact_limit: Option<Spanned<ContactLimit>>,
    /// Balances below this are not chased.
    pub minimum: Option<Spanned<Decimal>>,
    /// `send on business days`: steps with an output falling on a day off
    /// move to the next business day of the jurisdiction.
    pub business_days: Option<Span>,
    /// `sector utility`: what the firm sells, where a court or a limitation
    /// period depends on it.
    pub sector: Option<Spanned<Sector>>,
    /// `payments fresh within N days`: how old the book's newest payment or
    /// last bank statement may be for `policy run` to send (none: the
    /// default, 3 business days; docs/language.md).
    pub payments_fresh: Option<Spanned<Offset>>,
    pub destinations: Vec<DeclaredDestination>,
    pub steps: Vec<Step>,
    /// Every distinct comparison of a debtor column the conditions make.
    pub debtor_atoms: Vec<DebtorAtom>,
    /// `promise grace N days`: a promise is broken only once this many
    /// days have passed after its `until` (docs/simulation.md, rule E3).
    pub promise_grace: Option<Spanned<u32>>,
    /// `instalment grace N days`: an instalment is missed only once this
    /// many days have passed after its due date (rule E4).
    pub instalment_grace: Option<Spanned<u32>>,
}

impl Plan {
    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.get(id.0)
    }

    /// The last day a letter of `step`, sent on `sent`, leaves the debtor to
    /// pay an invoice due `due` and issued `issue` before the plan does
    /// more: the day before its next letter or court route, timed from this
    /// letter or from the invoice's dates (steps timed from another letter
    /// are not known yet). Conditions are not read, so the earliest such
    /// step counts: a letter never promises more time than the plan gives.
    /// `None` when nothing follows. The template value `deadline`.
    pub fn deadline(
        &self,
        step: StepId,
        sent: NaiveDate,
        due: NaiveDate,
        issue: NaiveDate,
        calendar: &Calendar,
    ) -> Option<NaiveDate> {
        self.steps
            .iter()
            .filter(|s| {
                s.id != step && matches!(s.action, Action::Send { .. } | Action::Route { .. })
            })
            .filter_map(|s| {
                let from = match s.when.anchor {
                    Anchor::Step(id) if id == step => sent,
                    Anchor::Due => due,
                    Anchor::Issue => issue,
                    Anchor::Step(_) | Anchor::Event(_) => return None,
                };
                s.when.day(from, calendar).filter(|day| *day > sent)
            })
            .min()?
            .pred_opt()
    }

    /// Days of grace after a promise's `until` (0 unless the policy says).
    pub(crate) fn promise_grace_days(&self) -> u32 {
        self.promise_grace.as_ref().map_or(0, |g| g.value)
    }

    /// Days of grace after an instalment's due date (0 unless said).
    pub(crate) fn instalment_grace_days(&self) -> u32 {
        self.instalment_grace.as_ref().map_or(0, |g| g.value)
    }

    /// The sector the policy declares, if any.
    pub fn sector(&self) -> Option<Sector> {
        self.sector.as_ref().map(|s| s.value)
    }

    /// Whether the policy covers a debtor of this kind living in `country`
    /// (ISO 3166 alpha-2, upper case; `None`: the jurisdiction's own).
    pub fn covers(&self, kind: DebtorKind, country: Option<[u8; 2]>) -> bool {
        let kind_covered = self
            .applies_to
            .as_ref()
            .is_none_or(|kinds| kinds.value.is_empty() || kinds.value.contains(&kind));
        kind_covered && self.covers_country(country)
    }

    /// The value a condition on `debtor.COLUMN` (folded) reads for a debtor:
    /// its cell, `""` when empty; an empty country is the jurisdiction's own,
    /// as the law's rules read it; a trader is `yes` or `no`.
    pub(crate) fn debtor_cell<'d>(
        &self,
        debtor: &'d crate::ledger::Debtor,
        column: &str,
    ) -> &'d str {
        match debtor.column(column) {
            Some("") | None if column == "country" => {
                self.jurisdiction.as_ref().map_or("", |j| j.value.as_str())
            }
            // `oui`, `1`, `true` are all a trader: compared as `yes` / `no`.
            _ if column == "trader" => match debtor.trader() {
                Ok(Some(true)) => "yes",
                Ok(Some(false)) => "no",
                _ => "",
            },
            cell => cell.unwrap_or(""),
        }
    }

    /// Whether the policy chases debtors living in `country` (`None`: the
    /// jurisdiction's own).
    pub(crate) fn covers_country(&self, country: Option<[u8; 2]>) -> bool {
        self.applies_in.as_ref().is_none_or(|countries| {
            let home = self
                .jurisdiction
                .as_ref()
                .and_then(|j| match j.value.as_str().as_bytes() {
                    &[a, b] => Some([a, b]),
                    _ => None,
                });
            country
                .or(home)
                .is_some_and(|c| countries.value.contains(c))
        })
    }

    /// The 1-based line of a span in the policy file.
    pub fn line(&self, span: Span) -> usize {
        self.source.line_col(span.start).line
    }
}

/// A set of ISO 3166 alpha-2 codes (two upper-case ASCII letters), small and
/// `Copy` so that the analysis can carry it in its domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Countries([u64; 11]);

impl Countries {
    fn bit(code: [u8; 2]) -> Option<usize> {
        let [a, b] = code;
        (a.is_ascii_uppercase() && b.is_ascii_uppercase())
            .then(|| usize::from(a - b'A') * 26 + usize::from(b - b'A'))
    }

    /// Adds a code; false when it is not two upper-case letters.
    pub fn insert(&mut self, code: [u8; 2]) -> bool {
        match Self::bit(code) {
            Some(bit) => {
                self.0[bit / 64] |= 1 << (bit % 64);
                true
            }
            None => false,
        }
    }

    pub fn contains(&self, code: [u8; 2]) -> bool {
        Self::bit(code).is_some_and(|bit| self.0[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// The codes in alphabetical order.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        (0..26 * 26usize)
            .filter(|bit| self.0[bit / 64] & (1 << (bit % 64)) != 0)
            .map(|bit| {
                let letters = [b'A' + (bit / 26) as u8, b'A' + (bit % 26) as u8];
                String::from_utf8_lossy(&letters).into_owned()
            })
    }
}

impl Serialize for Countries {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// `limit 4 contacts per 30 days`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ContactLimit {
    pub count: u32,
    pub window: Offset,
}

/// `destination cabinet_martin is lawyer`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredDestination {
    pub name: String,
    pub kind: DestinationKind,
    pub span: Span,
}

/// A step's index in [`Plan::steps`], which is the written order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct StepId(pub usize);

/// One statement, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: StepId,
    /// `on EVENT`: a handler, fired by an event of the ledger rather than
    /// by the invoice's dates (`None`: a regular step).
    pub trigger: Option<EventKind>,
    /// The whole statement.
    pub span: Span,
    pub when: When,
    pub condition: Option<Condition>,
    pub action: Action,
    pub action_span: Span,
    /// Rules silenced on this step, each with its written reason.
    pub allows: Vec<Allow>,
}

impl Step {
    /// Whether it is a handler (`on EVENT …`) rather than a regular step.
    pub(crate) fn is_handler(&self) -> bool {
        self.trigger.is_some()
    }

    pub fn allows(&self, code: crate::diagnostic::Code) -> Option<&Allow> {
        self.allows.iter().find(|a| a.rule == code)
    }
}

/// When a step falls: `offset` after `anchor`.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    pub anchor: Anchor,
    pub offset: Offset,
    /// Written without `after`: the time of the statement before.
    pub inherited: bool,
    /// `5 days before due`: `offset` before the anchor (always `due`), a
    /// reminder before the due date.
    pub before: bool,
    /// The `after …` clause this time comes from (the earlier statement's
    /// when inherited; the statement itself for the implicit first one).
    pub span: Span,
}

impl When {
    /// The step's day when its anchor falls on `base`: `offset` after it,
    /// or before it for `N days before due`.
    #[inline]
    pub fn day(&self, base: NaiveDate, calendar: &Calendar) -> Option<NaiveDate> {
        if self.before {
            calendar.sub(base, self.offset)
        } else {
            calendar.add(base, self.offset)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// The invoice's due date.
    Due,
    /// The invoice's issue date.
    Issue,
    /// The day an earlier `send` step went out.
    Step(StepId),
    /// The day of an event of the invoice's ledger (`on EVENT …`).
    Event(EventKind),
}

pub use crate::simulate::exceptions::EventKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Offset {
    pub count: u32,
    #[serde(serialize_with = "serialize_unit")]
    pub unit: Unit,
}

fn serialize_unit<S: serde::Serializer>(unit: &Unit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(unit.word(2))
}

impl Offset {
    pub const ZERO: Offset = Offset {
        count: 0,
        unit: Unit::Days,
    };

    /// The offset in calendar days, when the unit has a fixed length.
    pub(crate) fn calendar_days(self) -> Option<u32> {
        match self.unit {
            Unit::Days => Some(self.count),
            Unit::Weeks => self.count.checked_mul(7),
            Unit::BusinessDays | Unit::Months => None,
        }
    }
}

impl std::fmt::Display for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.count, self.unit.word(self.count))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub expr: Cond,
    pub span: Span,
}

/// A condition, as a small typed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Compare {
        field: Field,
        op: CmpOp,
        value: Decimal,
        span: Span,
    },
    Flag {
        flag: Flag,
        span: Span,
    },
    /// A column of the debtors file compared with a value; its truth for a
    /// debtor is bit `index` of [`Facts::debtor`].
    Debtor(DebtorAtom),
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

/// What a condition is evaluated against: one invoice on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    /// The invoice's outstanding balance that day.
    pub amount: Decimal,
    /// The debtor's outstanding balance over all its open invoices that day.
    pub total: Decimal,
    pub days_late: i64,
    pub kind: DebtorKind,
    pub guaranteed: bool,
    pub partially_paid: bool,
    /// The truth of the plan's debtor comparisons for the debtor, bit by
    /// [`DebtorAtom::index`].
    pub debtor: u64,
}

/// The most different debtor comparisons a policy may make.
pub(crate) const MAX_DEBTOR_ATOMS: usize = 64;

/// `debtor.COLUMN OP VALUE`: a comparison of a column of the debtors file.
#[derive(Debug, Clone, PartialEq)]
pub struct DebtorAtom {
    /// Its bit in [`Facts::debtor`]; the same comparison written twice
    /// has one index.
    pub index: u8,
    /// The column, folded (lower case, no accents).
    pub column: String,
    pub op: CmpOp,
    pub value: DebtorValue,
    pub span: Span,
}

/// What a debtor column is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum DebtorValue {
    Number(Decimal),
    /// Compared without case or accents.
    Text(String),
}

impl DebtorAtom {
    /// Whether it holds for a column's value (`""` when empty). A number
    /// compared with a value that is not one: only `!=` holds.
    pub fn holds(&self, cell: &str) -> bool {
        match &self.value {
            DebtorValue::Text(text) => {
                let equal = crate::suggest::fold(cell.trim()) == *text;
                match self.op {
                    CmpOp::Eq => equal,
                    CmpOp::Ne => !equal,
                    // The compiler refuses ordering on text.
                    _ => false,
                }
            }
            DebtorValue::Number(number) => match cell.trim().replace(',', ".").parse::<Decimal>() {
                Ok(value) => compare(value, self.op, *number),
                Err(_) => self.op == CmpOp::Ne,
            },
        }
    }
}

impl Cond {
    pub fn eval(&self, facts: &Facts) -> bool {
        match self {
            Cond::Compare {
                field, op, value, ..
            } => {
                let left = match field {
                    Field::Amount => facts.amount,
                    Field::Total => facts.total,
                    Field::DaysLate => Decimal::from(facts.days_late),
                };
                compare(left, *op, *value)
            }
            Cond::Flag { flag, .. } => match flag {
                Flag::B2b => facts.kind == DebtorKind::B2b,
                Flag::B2c => facts.kind == DebtorKind::B2c,
                Flag::Guaranteed => facts.guaranteed,
                Flag::PartiallyPaid => facts.partially_paid,
            },
            Cond::Debtor(atom) => facts.debtor >> atom.index & 1 == 1,
            Cond::Not(inner) => !inner.eval(facts),
            Cond::All(parts) => parts.iter().all(|p| p.eval(facts)),
            Cond::Any(parts) => parts.iter().any(|p| p.eval(facts)),
        }
    }
}

pub fn compare(left: Decimal, op: CmpOp, right: Decimal) -> bool {
    match op {
        CmpOp::Lt => left < right,
        CmpOp::Le => left <= right,
        CmpOp::Gt => left > right,
        CmpOp::Ge => left >= right,
        CmpOp::Eq => left == right,
        CmpOp::Ne => left != right,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Send {
        template: String,
        channels: Vec<Channel>,
        recipients: Vec<Recipient>,
        /// `with statement`: the debtor's statement of account goes with
        /// the letter (an attachment, a template value).
        with_statement: bool,
    },
    Call {
        recipient: Recipient,
    },
    Charge(Charge),
    Route {
        destination: String,
        procedure: Option<String>,
    },
    Stop,
}

impl Action {
    /// `send`, `call`, `charge`, `route` or `stop`.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Send { .. } => "send",
            Action::Call { .. } => "call",
            Action::Charge(_) => "charge",
            Action::Route { .. } => "route",
            Action::Stop => "stop",
        }
    }

    /// The template, destination or charge kind the action is about.
    pub fn target(&self) -> Option<&str> {
        match self {
            Action::Send { template, .. } => Some(template),
            Action::Route { destination, .. } => Some(destination),
            Action::Charge(charge) => Some(charge.kind().as_str()),
            Action::Call { .. } | Action::Stop => None,
        }
    }

    /// Whether `policy run` produces something for the step (a letter, a
    /// message, a task) and journals it; `charge` and `stop` only change
    /// what later steps do.
    pub(crate) fn has_output(&self) -> bool {
        matches!(
            self,
            Action::Send { .. } | Action::Call { .. } | Action::Route { .. }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Charge {
    Indemnity(Amount),
    Fee(Amount),
    Interest(Rate),
}

impl Charge {
    pub fn kind(&self) -> crate::vocab::ChargeKind {
        use crate::vocab::ChargeKind;
        match self {
            Charge::Indemnity(_) => ChargeKind::Indemnity,
            Charge::Fee(_) => ChargeKind::Fee,
            Charge::Interest(_) => ChargeKind::Interest,
        }
    }
}

/// An amount in the policy's currency, or the one the law sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Fixed(Decimal),
    /// A share of the balance in percent, between bounds: the firm's own
    /// clause (`10% min 25 EUR max 500 EUR`).
    Share {
        percent: Decimal,
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    Statutory,
}

impl Amount {
    /// The amount on a balance: a share is clamped to its bounds; `None`
    /// for the law's amount, which only the law's rules know.
    pub fn on(&self, balance: Decimal) -> Option<Decimal> {
        match *self {
            Amount::Fixed(value) => Some(value),
            Amount::Share { percent, min, max } => {
                let share = balance
                    .saturating_mul(percent)
                    .saturating_mul(Decimal::new(1, 2))
                    .round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    );
                let share = min.map_or(share, |min| share.max(min));
                Some(max.map_or(share, |max| share.min(max)))
            }
            Amount::Statutory => None,
        }
    }
}

/// A yearly rate in percent, or the one the law sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    Percent(Decimal),
    Statutory,
}

/// `allow RULE because "REASON"` on a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub rule: crate::diagnostic::Code,
    pub reason: String,
    pub span: Span,
}

#[cfg(test)]
mod tests;

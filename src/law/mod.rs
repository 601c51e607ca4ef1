//! The law the checker applies, one rule pack per jurisdiction: the courts,
//! bailiffs and amicable bodies a claim can be routed to, the procedures
//! brought before them, and the facts the legal rules need (thresholds,
//! notice periods, caps, limitation periods).
//!
//! Every fact carries a [`Source`]: the text it comes from and how sure the
//! team is of it, after the marks of `legal-facts.md`. A fact whose basis is
//! [`Basis::Default`] is not law but a chosen default (an unverified or
//! disputed reading): rules built on it warn instead of failing, and
//! `docs/legal-rules.md` says so. Rates change every half-year: they live in
//! a dated table ([`crate::claim::rates`]), never in a constant.

pub mod be;
pub mod delivery;
pub mod eu;
pub mod fr;
pub mod insolvency;
pub mod interest;
pub mod lu;
pub mod mentions;

use rust_decimal::Decimal;

use crate::suggest;
use crate::vocab::{DebtorKind, Jurisdiction, Sector};

/// How sure we are of a fact (the marks of `legal-facts.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// [C-stat]: the statute's own text was read.
    Statute,
    /// [C-sec]: consistent secondary sources; "as commonly read".
    CommonReading,
    /// `[MEM]` or `[CONFLICT]`: not verified, or disputed. A configurable
    /// default chosen to protect the firm, not a statement of the law.
    Default,
}

impl Basis {
    /// Whether a rule resting on this fact may fail a policy (an error), or
    /// only warn.
    pub(crate) fn is_law(self) -> bool {
        self != Basis::Default
    }
}

/// Where a fact comes from: the article, and how sure we are of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub cite: &'static str,
    pub basis: Basis,
}

impl Source {
    pub const fn statute(cite: &'static str) -> Self {
        Source {
            cite,
            basis: Basis::Statute,
        }
    }

    pub const fn common(cite: &'static str) -> Self {
        Source {
            cite,
            basis: Basis::CommonReading,
        }
    }

    pub const fn default(cite: &'static str) -> Self {
        Source {
            cite,
            basis: Basis::Default,
        }
    }

    /// The citation as help texts show it: `C. jud. art. 590`, with "as
    /// commonly read" or "a default, not verified law" where that applies.
    pub(crate) fn cited(&self) -> String {
        match self.basis {
            Basis::Statute => self.cite.to_string(),
            Basis::CommonReading => format!("{}, as commonly read", self.cite),
            Basis::Default => format!("{} — a default, not verified law", self.cite),
        }
    }
}

/// A value with its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact<T> {
    pub value: T,
    pub source: Source,
}

/// A whole number of euros, usable in statics.
pub(crate) const fn eur(n: u32) -> Decimal {
    Decimal::from_parts(n, 0, 0, false, 0)
}

/// Which debtors a rule or a court is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Debtors {
    Any,
    Only(DebtorKind),
}

impl Debtors {
    pub fn includes(self, kind: DebtorKind) -> bool {
        match self {
            Debtors::Any => true,
            Debtors::Only(k) => k == kind,
        }
    }
}

/// A range of claim amounts: above `above` (excluded), up to `up_to`
/// (included). Every threshold the rule packs need reads this way ("n'excède
/// pas", "jusqu'à" are inclusive; the court above takes what is strictly
/// more).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmountRange {
    pub above: Option<Decimal>,
    pub up_to: Option<Decimal>,
}

impl AmountRange {
    pub(crate) const ANY: AmountRange = AmountRange {
        above: None,
        up_to: None,
    };

    pub const fn up_to(max: Decimal) -> Self {
        AmountRange {
            above: None,
            up_to: Some(max),
        }
    }

    pub const fn above(min: Decimal) -> Self {
        AmountRange {
            above: Some(min),
            up_to: None,
        }
    }

    pub fn contains(&self, amount: Decimal) -> bool {
        self.above.is_none_or(|min| amount > min) && self.up_to.is_none_or(|max| amount <= max)
    }

    /// `up to 15000 EUR`, `above 15000 EUR`, `any amount`.
    pub fn describe(&self, currency: &str) -> String {
        match (self.above, self.up_to) {
            (None, None) => "any amount".to_string(),
            (None, Some(max)) => format!("up to {} {currency} included", max.normalize()),
            (Some(min), None) => format!("above {} {currency}", min.normalize()),
            (Some(min), Some(max)) => format!(
                "above {} and up to {} {currency}",
                min.normalize(),
                max.normalize()
            ),
        }
    }
}

/// What a catalogue destination is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Court,
    /// Huissier de justice, commissaire de justice.
    Bailiff,
    /// Conciliateur de justice, médiateur: the amicable bodies.
    Amicable,
}

/// A claim a court hears: which debtors, which amounts, by which article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Competence {
    pub debtors: Debtors,
    pub amount: AmountRange,
    /// The sectors a policy declares (`sector …`) for which the clause
    /// holds: BE C. jud. art. 591 gives the justice de paix leases and
    /// utility bills whatever the amount.
    pub sectors: Sectors,
    pub source: Source,
}

/// Which declared sectors a rule holds for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sectors {
    Any,
    /// Only when the policy declares one of these.
    Only(&'static [Sector]),
    /// Unless the policy declares one of these.
    Except(&'static [Sector]),
}

impl Sectors {
    pub(crate) fn admits(self, sector: Option<Sector>) -> bool {
        let listed = |list: &[Sector]| sector.is_some_and(|s| list.contains(&s));
        match self {
            Sectors::Any => true,
            Sectors::Only(list) => listed(list),
            Sectors::Except(list) => !listed(list),
        }
    }
}

/// A court, a bailiff or an amicable body of a jurisdiction's catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Destination {
    /// The name a policy writes: snake_case, French, without accents.
    pub name: &'static str,
    /// Other accepted spellings (accents and case never matter).
    pub aliases: &'static [&'static str],
    /// The institution as a lawyer names it.
    pub title: &'static str,
    pub role: Role,
    /// The claims it hears; empty when its competence is not checked. A
    /// claim matching none of them is routed to the wrong court.
    pub hears: &'static [Competence],
}

impl Destination {
    /// The competence clauses that hold for a policy of this sector.
    pub(crate) fn clauses(&self, sector: Option<Sector>) -> impl Iterator<Item = &Competence> {
        self.hears.iter().filter(move |c| c.sectors.admits(sector))
    }

    /// The competence clause under which it hears this claim, if any.
    pub(crate) fn hears_claim(
        &self,
        kind: DebtorKind,
        amount: Decimal,
        sector: Option<Sector>,
    ) -> Option<&Competence> {
        self.clauses(sector)
            .find(|c| c.debtors.includes(kind) && c.amount.contains(amount))
    }

    /// The weakest basis among its competence clauses: a court whose limits
    /// rest on a default only warns when a claim falls outside them.
    pub(crate) fn competence_basis(&self) -> Basis {
        self.hears
            .iter()
            .map(|c| c.source.basis)
            .max()
            .unwrap_or(Basis::Statute)
    }

    fn is_named(&self, folded: &str) -> bool {
        std::iter::once(self.name)
            .chain(self.aliases.iter().copied())
            .any(|n| suggest::fold(n) == folded)
    }
}

/// Where a procedure is brought, and for which claims.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Venue {
    /// A catalogue destination's canonical name; `None`: any destination
    /// (including the firm's declared ones).
    pub destination: Option<&'static str>,
    pub debtors: Debtors,
    pub amount: AmountRange,
    /// Whether the amount bound itself is disputed (the petites créances'
    /// `<` or `≤`): at the boundary the rule warns instead of failing.
    pub disputed_boundary: bool,
    /// Whether this venue's rule replaces the court's own competence by
    /// amount (EU procedures before the Luxembourg juge de paix).
    pub replaces_competence: bool,
    pub source: Source,
}

impl Venue {
    /// Before `destination`, for these debtors and amounts.
    pub const fn at(
        destination: &'static str,
        debtors: Debtors,
        amount: AmountRange,
        source: Source,
    ) -> Self {
        Venue {
            destination: Some(destination),
            debtors,
            amount,
            disputed_boundary: false,
            replaces_competence: false,
            source,
        }
    }
}

/// A procedure: an order for payment, a summons, an amicable attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Procedure {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub title: &'static str,
    /// Where it may be brought; a route elsewhere is an error.
    pub venues: &'static [Venue],
    /// An amicable attempt (conciliation, médiation, procédure
    /// participative, petites créances): what CPC art. 750-1 requires
    /// before suing for a small claim in France.
    pub amicable: bool,
    /// What a user should know and the checker cannot see, shown in help
    /// texts.
    pub note: &'static str,
    pub source: Source,
    /// Where the debtor must live for it: what `simulate` and `run` check
    /// against the debtors file's `country`.
    pub domicile: Domicile,
}

/// Where a debtor must be domiciled for a procedure to apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domicile {
    Any,
    /// Domiciled or resident in the jurisdiction.
    Here(Source),
    /// In another Member State of the EU (not Denmark): a cross-border case.
    Abroad(Source),
}

/// The Member States where the EU's order for payment and small claims
/// procedures apply: the EU without Denmark (Reg. 1896/2006 art. 2(3),
/// Reg. 861/2007 art. 2(3)).
pub(crate) const EU_PROCEDURE_STATES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// A consumer may be sued only in the courts of the Member State of his
/// domicile (Reg. (EU) 1215/2012 art. 18(2), legal-facts R11, [C-stat]).
pub(crate) const CONSUMER_FORUM: Source = Source::statute("Reg. (EU) 1215/2012 art. 18(2)");

/// Why a route cannot apply to a debtor, by where the debtor lives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NotHere {
    /// The procedure needs a debtor domiciled in the jurisdiction.
    ProcedureNeedsDomicile(&'static Procedure, Source),
    /// The procedure needs a cross-border case, and the debtor lives in
    /// the jurisdiction (or outside the EU's procedure states).
    ProcedureNeedsCrossBorder(&'static Procedure, Source),
    /// A consumer is sued only in the courts of his own country.
    ConsumerAbroad,
    /// The commercial court for a business that is not a trader.
    NotATrader(CommercialCourt),
    /// The civil court for a trader, whom the commercial court hears.
    ATrader(CommercialCourt),
    /// The claim is time-barred on the route's day: `years` from `since`,
    /// the due date or the debtor's latest acknowledgment.
    TimeBarred {
        years: Fact<u32>,
        since: chrono::NaiveDate,
        acknowledged: bool,
    },
}

/// Whether the claim is time-barred on `day`: the limitation period runs
/// from the due date, and the debtor's written acknowledgment restarts it
/// from its date for the same length (FR C. civ. art. 2240 and 2231; BE
/// and LU C. civ. art. 2248; legal-facts.md §3). It is acquired once the
/// period's last day has passed: a claim due 2026-01-31 with 5 years is
/// barred from 2031-02-01.
pub(crate) fn time_barred(
    years: Fact<u32>,
    due: chrono::NaiveDate,
    acknowledged: Option<chrono::NaiveDate>,
    day: chrono::NaiveDate,
) -> Option<NotHere> {
    let since = acknowledged.filter(|a| *a > due).unwrap_or(due);
    let last = since.checked_add_months(chrono::Months::new(years.value.saturating_mul(12)))?;
    (day > last).then_some(NotHere::TimeBarred {
        years,
        since,
        acknowledged: since != due,
    })
}

/// The article by which a debtor's acknowledgment restarts the period.
pub(crate) fn acknowledgment_source(jurisdiction: Jurisdiction) -> Source {
    match jurisdiction {
        Jurisdiction::Fr => Source::statute("C. civ. art. 2240"),
        Jurisdiction::Be | Jurisdiction::Lu => Source::statute("C. civ. art. 2248"),
    }
}

impl NotHere {
    /// Why, in a sentence, for a debtor living in `country`; and what to
    /// do instead.
    pub fn explain(&self, jurisdiction: Jurisdiction, country: Option<&str>) -> (String, String) {
        let here = self::country(jurisdiction);
        let there = country.unwrap_or("another country");
        match self {
            NotHere::ProcedureNeedsDomicile(p, source) => (
                format!(
                    "the {} needs a debtor domiciled or resident in {here}",
                    p.title
                ),
                format!(
                    "route debtors domiciled abroad another way, e.g. with \
                     `injonction_de_payer_europeenne` (a debtor in another EU country) ({})",
                    source.cited()
                ),
            ),
            NotHere::ProcedureNeedsCrossBorder(p, source) => (
                format!(
                    "the {} is for cross-border cases: a debtor in another EU country (not Denmark), not one in {there}",
                    p.title
                ),
                format!(
                    "route debtors of {here} with a national procedure ({})",
                    source.cited()
                ),
            ),
            NotHere::ConsumerAbroad => (
                format!(
                    "a consumer domiciled in {there} can only be sued in the courts of his own country"
                ),
                format!(
                    "hand such a debtor's file to a lawyer or an agency of his country instead ({})",
                    CONSUMER_FORUM.cited()
                ),
            ),
            NotHere::NotATrader(c) => (
                format!(
                    "the debtor is not a trader (the debtors file's `trader` column), and `{}` hears traders only",
                    c.commercial
                ),
                format!(
                    "route businesses that are not traders (a liberal profession, an association, a \
                     société civile) to `{}`, e.g. with a condition `if debtor.trader = no` ({})",
                    c.civil,
                    c.source.cited()
                ),
            ),
            NotHere::ATrader(c) => (
                format!(
                    "the debtor is a trader (the debtors file's `trader` column): claims between traders go to `{}`, not `{}`",
                    c.commercial, c.civil
                ),
                format!(
                    "route traders to `{}`, e.g. with a condition `if debtor.trader = yes` ({})",
                    c.commercial,
                    c.source.cited()
                ),
            ),
            NotHere::TimeBarred {
                years,
                since,
                acknowledged,
            } => (
                format!(
                    "the claim is time-barred: {} year{} from {} {since}",
                    years.value,
                    if years.value == 1 { "" } else { "s" },
                    if *acknowledged {
                        "the debtor's acknowledgment of"
                    } else {
                        "its due date,"
                    }
                ),
                format!(
                    "a court would dismiss it ({}); a written acknowledgment of the debt \
                     by the debtor restarts the period ({}): book it as an `acknowledge` row",
                    years.source.cited(),
                    acknowledgment_source(jurisdiction).cited()
                ),
            ),
        }
    }
}

/// The rule routes follow by the debtor's domicile, for one route: a
/// procedure's own rule, and the consumer's forum when it goes to a court.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RouteDomicile {
    pub jurisdiction: Jurisdiction,
    pub procedure: Option<&'static Procedure>,
    pub to_court: bool,
    /// The commercial court rule, when the route goes to one of its courts.
    pub commercial: Option<(CommercialCourt, bool)>,
}

impl RouteDomicile {
    /// The rule of a `route DESTINATION [with PROCEDURE]` under a
    /// jurisdiction's pack.
    pub fn of(jurisdiction: Jurisdiction, destination: &str, procedure: Option<&str>) -> Self {
        let pack = pack(jurisdiction);
        let court = pack.destination(destination);
        RouteDomicile {
            jurisdiction,
            procedure: procedure.and_then(|p| pack.procedure(p)),
            to_court: court.is_some_and(|d| d.role == Role::Court),
            commercial: pack.commercial_court.and_then(|c| {
                let name = court?.name;
                (name == c.commercial || name == c.civil).then_some((c, name == c.commercial))
            }),
        }
    }

    /// Whether the route can apply to a debtor of this kind living in
    /// `country` (ISO 3166 alpha-2; `None`: not known, taken as the
    /// jurisdiction's own), a trader or not (`None`: not said, not checked).
    pub fn check(
        &self,
        kind: DebtorKind,
        country: Option<&str>,
        trader: Option<bool>,
    ) -> Result<(), NotHere> {
        let here = self.jurisdiction.as_str();
        let country = country.map(str::trim).filter(|c| !c.is_empty());
        let home = country.is_none_or(|c| c.eq_ignore_ascii_case(here));
        if let Some(procedure) = self.procedure {
            match procedure.domicile {
                Domicile::Here(source) if !home => {
                    return Err(NotHere::ProcedureNeedsDomicile(procedure, source));
                }
                Domicile::Abroad(source) => {
                    let elsewhere_in_eu = country.is_some_and(|c| {
                        !home
                            && EU_PROCEDURE_STATES
                                .iter()
                                .any(|s| s.eq_ignore_ascii_case(c))
                    });
                    if !elsewhere_in_eu {
                        return Err(NotHere::ProcedureNeedsCrossBorder(procedure, source));
                    }
                }
                _ => {}
            }
        }
        if self.to_court && kind == DebtorKind::B2c && !home {
            return Err(NotHere::ConsumerAbroad);
        }
        match (self.commercial, trader) {
            (Some((court, true)), Some(false)) if kind == DebtorKind::B2b => {
                Err(NotHere::NotATrader(court))
            }
            (Some((court, false)), Some(true)) if kind == DebtorKind::B2b => {
                Err(NotHere::ATrader(court))
            }
            _ => Ok(()),
        }
    }
}

impl Procedure {
    fn is_named(&self, folded: &str) -> bool {
        std::iter::once(self.name)
            .chain(self.aliases.iter().copied())
            .any(|n| suggest::fold(n) == folded)
    }

    /// The venue for a destination (by canonical name, or a declared one).
    pub(crate) fn venue(&self, destination: Option<&str>) -> Option<&Venue> {
        self.venues
            .iter()
            .find(|v| v.destination.is_none() || v.destination == destination)
    }
}

/// The recovery indemnity the law gives, per kind of debtor.
#[derive(Debug, Clone, Copy)]
pub enum Indemnity {
    /// A fixed sum due of right (the 40 EUR of Dir. 2011/7 art. 6).
    Fixed(Fact<Decimal>),
    /// Allowed up to a cap that depends on the balance (BE Book XIX): the
    /// cap, its source, and the cap in words for a help text.
    Capped(fn(Decimal) -> Decimal, Source, &'static str),
    /// Recovery costs may not be charged (FR CPCE L111-8).
    Forbidden(Source),
    /// The law gives none; a contractual one is not checked.
    NotStatutory(Source),
}

impl Indemnity {
    /// `amount` as the law lets it be charged on `balance`: at most the cap
    /// where there is one; nothing where recovery costs are forbidden.
    pub fn limit(&self, amount: Decimal, balance: Decimal) -> Decimal {
        match self {
            Indemnity::Capped(..) => amount.min(self.amount(balance)),
            Indemnity::Forbidden(_) => Decimal::ZERO,
            Indemnity::Fixed(_) | Indemnity::NotStatutory(_) => amount,
        }
    }

    /// What the law gives for one late invoice whose balance is `balance`,
    /// rounded to the cent: the fixed sum, or the cap (what a clause may
    /// charge at most); nothing where the law gives none.
    pub fn amount(&self, balance: Decimal) -> Decimal {
        let amount = match self {
            Indemnity::Fixed(fact) => fact.value,
            Indemnity::Capped(cap, ..) if balance > Decimal::ZERO => cap(balance),
            Indemnity::Capped(..) | Indemnity::Forbidden(_) | Indemnity::NotStatutory(_) => {
                Decimal::ZERO
            }
        };
        amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

pub use interest::{Interest, InterestCap, RateFloor, RateRule, Start};

/// Book XIX's free first reminder (Belgian consumer debts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeReminder {
    /// Days from an e-mailed reminder to the first day a cost may be
    /// charged: the 14 days run from the next calendar day.
    pub after_email: u32,
    /// The same for a paper reminder: the 14 days start on the third working
    /// day after sending, which is at most 7 calendar days later.
    pub after_letter: u32,
    pub source: Source,
    /// The reading of "jour ouvrable", a default.
    pub working_days: Source,
}

/// CPC art. 750-1: an amicable attempt before suing for a small claim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmicableAttempt {
    pub up_to: Decimal,
    /// The courts whose procedure requires it (a rule of the procedure
    /// before those courts, not of every court).
    pub courts: &'static [&'static str],
    pub source: Source,
    /// Procedures exempt from it (decided without hearing the debtor).
    pub exempt: &'static [&'static str],
    pub exempt_source: Source,
}

/// The duty to tell a natural-person guarantor of the first payment
/// incident: it arises once the debt is not regularised within `months`
/// of the due date, and is met by a letter within `grace_days` after that.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GuarantorInformation {
    pub months: u32,
    pub source: Source,
    pub grace_days: u32,
    /// Where the grace comes from (the statute says "dès", as soon as).
    pub grace_source: Source,
}

/// A jurisdiction's rule pack.
#[derive(Debug)]
pub struct Pack {
    pub jurisdiction: Jurisdiction,
    pub destinations: &'static [Destination],
    pub procedures: &'static [Procedure],
    /// Days a mise en demeure gives the debtor to pay before a court.
    pub notice: Fact<u32>,
    /// Where [`Pack::notice`] comes from, as a French document (the
    /// dossier) says it.
    pub notice_words: &'static str,
    /// Contacts per window of days, when the policy sets no `limit`.
    pub contact_guidance: Fact<(u32, u32)>,
    /// Years after the due date when a claim is time-barred.
    pub limitation_b2b: Fact<u32>,
    pub limitation_b2c: Fact<u32>,
    /// Where a consumer's period depends on what was sold: the sector a
    /// policy declares picks it, [`Pack::limitation_b2c`] otherwise.
    pub limitation_b2c_by_sector: &'static [(Sector, Fact<u32>)],
    pub indemnity_b2b: Indemnity,
    pub indemnity_b2c: Indemnity,
    /// Whether recovery fees may be charged to a consumer: `Some(source)`
    /// when the law forbids them.
    pub fees_b2c_forbidden: Option<Source>,
    /// The indemnity's legal basis as a letter or a dossier cites it, in
    /// French, for a business and for a consumer.
    pub indemnity_basis: [&'static str; 2],
    /// Statutory late interest for a business debtor.
    pub interest_b2b: Interest,
    /// For a consumer; `None` where `policy` computes none (it depends on
    /// facts the ledger does not hold).
    pub interest_b2c: Option<Interest>,
    /// The most a contract may charge a consumer.
    pub consumer_interest_cap: Option<InterestCap>,
    /// The least a contract may set between firms.
    pub penalty_floor: Option<RateFloor>,
    pub free_reminder: Option<FreeReminder>,
    pub amicable_attempt: Option<AmicableAttempt>,
    /// When a natural-person guarantor must hear of the default.
    pub guarantor_information: Option<GuarantorInformation>,
    /// Where the courts for traders and for other businesses differ.
    pub commercial_court: Option<CommercialCourt>,
}

/// The court of traders (commerçants, commercial companies, acts of
/// commerce) and the civil court of the other businesses (a liberal
/// profession, an association, a société civile): the debtors file's
/// optional `trader` column says which a debtor is (issue 13, point 12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommercialCourt {
    pub commercial: &'static str,
    pub civil: &'static str,
    pub source: Source,
}

impl Pack {
    pub fn destination(&self, name: &str) -> Option<&'static Destination> {
        let folded = suggest::fold(name);
        self.destinations.iter().find(|d| d.is_named(&folded))
    }

    /// National procedures first, then the EU ones.
    pub fn procedure(&self, name: &str) -> Option<&'static Procedure> {
        let folded = suggest::fold(name);
        self.procedures
            .iter()
            .chain(eu::procedures(self.jurisdiction))
            .find(|p| p.is_named(&folded))
    }

    /// The highest claim a route may bring, where the law sets one: the
    /// ceiling of the court's competence clause that hears `principal`
    /// (unless the procedure's own venue replaces it) and of the procedure
    /// before that court, the lower of the two. The checker measures it on
    /// the principal (legal-facts.md §1.3: "hors intérêts et frais");
    /// `simulate` and `run` warn when interest and indemnity take the claim
    /// above it.
    pub fn ceiling(
        &self,
        destination: &str,
        procedure: Option<&str>,
        kind: DebtorKind,
        principal: Decimal,
        sector: Option<Sector>,
    ) -> Option<(Decimal, Source)> {
        let court = self.destination(destination)?;
        let venue = procedure
            .and_then(|p| self.procedure(p))
            .and_then(|p| p.venue(Some(court.name)));
        // The court's own clause first: at equal ceilings it is the one cited.
        let mut ceilings: Vec<(Decimal, Source)> = Vec::new();
        if court.role == Role::Court && !venue.is_some_and(|v| v.replaces_competence) {
            // The most generous clause that hears it: none at all when one
            // hears it whatever the amount (BE art. 591 for a utility bill).
            let clauses = court
                .clauses(sector)
                .filter(|c| c.debtors.includes(kind) && c.amount.contains(principal));
            let mut highest: Option<(Decimal, Source)> = None;
            let mut unbounded = false;
            for clause in clauses {
                match clause.amount.up_to {
                    None => unbounded = true,
                    Some(max) if highest.is_none_or(|(h, _)| max > h) => {
                        highest = Some((max, clause.source))
                    }
                    Some(_) => {}
                }
            }
            if let (false, Some(ceiling)) = (unbounded, highest) {
                ceilings.push(ceiling);
            }
        }
        if let Some(v) = venue
            && let Some(max) = v.amount.up_to
        {
            ceilings.push((max, v.source));
        }
        ceilings.into_iter().min_by_key(|(max, _)| *max)
    }

    /// Every procedure name a policy may write here.
    pub(crate) fn procedure_names(&self) -> impl Iterator<Item = &'static str> {
        self.procedures
            .iter()
            .chain(eu::procedures(self.jurisdiction))
            .map(|p| p.name)
    }

    /// Years after the due date when a claim is time-barred, for the
    /// sector the policy declares where the law depends on it.
    pub fn limitation(&self, kind: DebtorKind, sector: Option<Sector>) -> Fact<u32> {
        match kind {
            DebtorKind::B2b => self.limitation_b2b,
            DebtorKind::B2c => sector
                .and_then(|s| {
                    self.limitation_b2c_by_sector
                        .iter()
                        .find(|(of, _)| *of == s)
                })
                .map_or(self.limitation_b2c, |(_, fact)| *fact),
        }
    }

    pub fn indemnity(&self, kind: DebtorKind) -> Indemnity {
        match kind {
            DebtorKind::B2b => self.indemnity_b2b,
            DebtorKind::B2c => self.indemnity_b2c,
        }
    }

    /// The statutory late interest for a kind of debtor, if any.
    pub fn interest(&self, kind: DebtorKind) -> Option<&Interest> {
        match kind {
            DebtorKind::B2b => Some(&self.interest_b2b),
            DebtorKind::B2c => self.interest_b2c.as_ref(),
        }
    }

    /// The indemnity's legal basis, in French.
    pub(crate) fn indemnity_basis(&self, kind: DebtorKind) -> &'static str {
        match kind {
            DebtorKind::B2b => self.indemnity_basis[0],
            DebtorKind::B2c => self.indemnity_basis[1],
        }
    }
}

/// The rule pack of a jurisdiction.
pub fn pack(jurisdiction: Jurisdiction) -> &'static Pack {
    match jurisdiction {
        Jurisdiction::Fr => &fr::PACK,
        Jurisdiction::Be => &be::PACK,
        Jurisdiction::Lu => &lu::PACK,
    }
}

/// A destination of another jurisdiction's catalogue, for "this is a
/// Belgian court" messages.
pub(crate) fn destination_elsewhere(
    name: &str,
    here: Jurisdiction,
) -> Option<(Jurisdiction, &'static Destination)> {
    Jurisdiction::ALL
        .iter()
        .filter(|&&j| j != here)
        .find_map(|&j| pack(j).destination(name).map(|d| (j, d)))
}

/// The country's name in messages.
pub fn country(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::Fr => "France",
        Jurisdiction::Be => "Belgium",
        Jurisdiction::Lu => "Luxembourg",
    }
}

/// Words in a template's name that make a letter a formal notice (mise en
/// demeure, sommation). The checker cannot read a letter, so it goes by
/// name: a `send` whose template name contains one of these, or that goes by
/// `huissier`, is a mise en demeure. See docs/legal-rules.md.
pub(crate) const FORMAL_NOTICE_WORDS: &[&str] = &[
    "mise_en_demeure",
    "demeure",
    "sommation",
    "ingebrekestelling",
    "formal_notice",
];

/// Whether a letter is a formal notice, by its template name or channel.
pub(crate) fn is_formal_notice(template: &str, channels: &[crate::vocab::Channel]) -> bool {
    let folded = suggest::fold(template);
    FORMAL_NOTICE_WORDS.iter().any(|w| folded.contains(w))
        || channels.contains(&crate::vocab::Channel::Huissier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_names_are_unique_snake_case_and_found_with_accents() {
        for &j in Jurisdiction::ALL {
            let pack = pack(j);
            let mut seen = std::collections::HashSet::new();
            for d in pack.destinations {
                assert!(
                    d.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{}",
                    d.name
                );
                for n in std::iter::once(d.name).chain(d.aliases.iter().copied()) {
                    assert!(seen.insert(suggest::fold(n)), "{j}: {n} twice");
                    assert_eq!(pack.destination(n).map(|x| x.name), Some(d.name));
                }
            }
            for p in pack.procedures.iter().chain(eu::procedures(j)) {
                for n in std::iter::once(p.name).chain(p.aliases.iter().copied()) {
                    assert!(seen.insert(suggest::fold(n)), "{j}: {n} twice");
                    assert_eq!(pack.procedure(n).map(|x| x.name), Some(p.name));
                }
                for v in p.venues {
                    if let Some(d) = v.destination {
                        assert!(pack.destination(d).is_some(), "{j}: {} before {d}", p.name);
                    }
                }
            }
        }
        let be = pack(Jurisdiction::Be);
        assert_eq!(
            be.destination("Tribunal_de_première_instance")
                .map(|d| d.name),
            Some("tribunal_premiere_instance")
        );
    }

    #[test]
    fn amount_ranges_read_like_the_statutes() {
        let jp = AmountRange::up_to(eur(15000));
        assert!(jp.contains(eur(15000)));
        assert!(!jp.contains(eur(15000) + Decimal::new(1, 2)));
        let ta = AmountRange::above(eur(15000));
        assert!(!ta.contains(eur(15000)));
        assert!(ta.contains(Decimal::new(1500001, 2)));
    }

    #[test]
    fn formal_notices_go_by_name_or_bailiff() {
        use crate::vocab::Channel;
        assert!(is_formal_notice("mise_en_demeure", &[Channel::Recommande]));
        assert!(is_formal_notice(
            "Mise_En_Demeure_Caution",
            &[Channel::Email]
        ));
        assert!(is_formal_notice("relance_3", &[Channel::Huissier]));
        assert!(!is_formal_notice("relance_2", &[Channel::Recommande]));
    }
}

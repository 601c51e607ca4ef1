//! Where a claim is routed: the destination and procedure must exist in the
//! jurisdiction's catalogue (or be declared by the firm), the procedure must
//! be brought before that destination, the court must be competent for the
//! claims the route sends it (by amount and kind of debtor), and in France a
//! small claim needs an amicable attempt first (CPC art. 750-1).
//!
//! Competence is decided exactly: the route's condition and "the court does
//! not hear this claim" are put together and the cell partition finds an
//! invoice satisfying both, or proves there is none.

use super::analysis::{Analysis, Finding};
use super::cells::{self, Mask, Witness};
use super::precede::{Candidate, Cover, Precedence};
use crate::diagnostic::{Code, Diagnostic};
use crate::law::{
    self, AmountRange, Competence, Debtors, Destination, Pack, Procedure, Role, Venue,
};
use crate::plan::{Action, CmpOp, Cond, Step, StepId};
use crate::source::Span;
use crate::suggest;
use crate::vocab::{DebtorKind, DestinationKind, Field, Flag};

/// A route's destination, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved {
    /// Declared by the firm: `destination cabinet_martin is lawyer`.
    Declared(DestinationKind),
    Catalogue(&'static Destination),
    Unknown,
}

/// Declared destinations first (a firm may name its own), then the
/// jurisdiction's catalogue; without a jurisdiction, any catalogue.
pub fn resolve(a: &Analysis<'_>, name: &str) -> Resolved {
    let folded = suggest::fold(name);
    if let Some(d) = a
        .plan
        .destinations
        .iter()
        .find(|d| suggest::fold(&d.name) == folded)
    {
        return Resolved::Declared(d.kind);
    }
    let found = match a.pack {
        Some(pack) => pack.destination(name),
        None => crate::vocab::Jurisdiction::ALL
            .iter()
            .find_map(|&j| law::pack(j).destination(name)),
    };
    found.map_or(Resolved::Unknown, Resolved::Catalogue)
}

/// Whether a route hands the file to a court.
pub(crate) fn routes_to_court(a: &Analysis<'_>, action: &Action) -> bool {
    let Action::Route { destination, .. } = action else {
        return false;
    };
    match resolve(a, destination) {
        Resolved::Declared(kind) => kind == DestinationKind::Court,
        Resolved::Catalogue(d) => d.role == Role::Court,
        Resolved::Unknown => false,
    }
}

pub fn check(a: &mut Analysis<'_>) -> Vec<Finding> {
    let Some(pack) = a.pack else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut small_claims: Vec<StepId> = Vec::new();
    for step in &a.plan.steps {
        let Action::Route {
            destination,
            procedure,
        } = &step.action
        else {
            continue;
        };
        let dest = resolve(a, destination);
        if let Resolved::Unknown = dest {
            out.push(Finding::new(
                unknown_destination(a, pack, step, destination),
                vec![step.id],
            ));
        }
        let proc = match procedure {
            Some(name) => match pack.procedure(name) {
                Some(p) => Some(p),
                None => {
                    out.push(Finding::new(
                        unknown_procedure(a, pack, step, name),
                        vec![step.id],
                    ));
                    continue;
                }
            },
            None => None,
        };
        let Some(view) = a.view(step.id) else {
            continue;
        };
        if matches!(dest, Resolved::Unknown) || view.reach.is_empty() {
            continue;
        }
        let venues: Vec<&Venue> = match (proc, dest) {
            (Some(p), Resolved::Catalogue(d)) => match p.venue(Some(d.name)) {
                Some(v) => vec![v],
                None => {
                    out.push(Finding::new(
                        wrong_venue(a, pack, step, p, d),
                        vec![step.id],
                    ));
                    continue;
                }
            },
            // The firm's own lawyer, agency or court files it: any venue.
            (Some(p), _) => p.venues.iter().collect(),
            (None, _) => Vec::new(),
        };
        if let Some(p) = proc {
            out.extend(procedure_limit(a, step, p, &venues));
        }
        if let Resolved::Catalogue(d) = dest {
            let replaced = venues.iter().any(|v| v.replaces_competence);
            if d.role == Role::Court && !replaced {
                out.extend(competence(a, pack, step, d));
            }
            let needs_attempt = d.role == Role::Court
                && pack.amicable_attempt.is_some_and(|rule| {
                    rule.courts.contains(&d.name)
                        && proc.is_none_or(|p| !p.amicable && !rule.exempt.contains(&p.name))
                });
            if needs_attempt {
                small_claims.push(step.id);
            }
        }
    }
    if !small_claims.is_empty() {
        out.extend(amicable_attempt(a, pack, &small_claims));
    }
    out
}

fn unknown_destination(a: &Analysis<'_>, pack: &Pack, step: &Step, name: &str) -> Diagnostic {
    let here = pack.jurisdiction;
    let local: Vec<&str> = pack.destinations.iter().map(|d| d.name).collect();
    let declared = a.plan.destinations.iter().map(|d| d.name.as_str());
    if let Some((there, d)) = law::destination_elsewhere(name, here) {
        return a
            .error(
                Code::UnknownDestination,
                format!(
                    "`{}` is a destination of {}, not of {} (this policy's jurisdiction)",
                    d.name,
                    law::country(there),
                    law::country(here)
                ),
            )
            .with_label(step.action_span, format!("the {} is in {}", d.title, law::country(there)))
            .with_help(format!(
                "the destinations of {}: {}; or declare the firm's own with `destination NAME is court`",
                law::country(here),
                suggest::one_of(&local)
            ));
    }
    let candidates: Vec<&str> = pack
        .destinations
        .iter()
        .flat_map(|d| std::iter::once(d.name).chain(d.aliases.iter().copied()))
        .chain(declared)
        .collect();
    let hint = suggest::closest(name, candidates.iter().copied()).map(|found| {
        let canonical = pack.destination(found).map_or(found, |d| d.name);
        format!("did you mean `{canonical}`?")
    });
    a.error(
        Code::UnknownDestination,
        format!("unknown destination `{}`", suggest::short(name)),
    )
    .with_label(
        step.action_span,
        format!(
            "not in the catalogue of {} nor declared",
            law::country(here)
        ),
    )
    .with_help(hint.unwrap_or_else(|| {
        format!(
            "the destinations of {}: {}; declare the firm's own (a lawyer, an agency) with \
             `destination NAME is lawyer`",
            law::country(here),
            suggest::one_of(&local)
        )
    }))
}

fn unknown_procedure(a: &Analysis<'_>, pack: &Pack, step: &Step, name: &str) -> Diagnostic {
    let names: Vec<&str> = pack.procedure_names().collect();
    let aliases: Vec<&str> = pack
        .procedures
        .iter()
        .chain(law::eu::procedures(pack.jurisdiction))
        .flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied()))
        .collect();
    let hint = suggest::closest(name, aliases.iter().copied()).map(|found| {
        let canonical = pack.procedure(found).map_or(found, |p| p.name);
        format!("did you mean `{canonical}`?")
    });
    a.error(
        Code::UnknownProcedure,
        format!("unknown procedure `{}`", suggest::short(name)),
    )
    .with_label(
        step.action_span,
        format!("not a procedure of {}", law::country(pack.jurisdiction)),
    )
    .with_help(hint.unwrap_or_else(|| {
        format!(
            "the procedures of {}: {}",
            law::country(pack.jurisdiction),
            suggest::one_of(&names)
        )
    }))
}

fn wrong_venue(
    a: &Analysis<'_>,
    pack: &Pack,
    step: &Step,
    p: &Procedure,
    d: &Destination,
) -> Diagnostic {
    let places: Vec<&str> = p.venues.iter().filter_map(|v| v.destination).collect();
    let titles: Vec<String> = places
        .iter()
        .filter_map(|n| pack.destination(n))
        .map(|d| d.title.to_string())
        .collect();
    a.error(
        Code::ProcedureVenue,
        format!("the {} is not brought before the {}", p.title, d.title),
    )
    .with_label(
        step.action_span,
        format!("`{}` before `{}`", p.name, d.name),
    )
    .with_help(format!(
        "the {} goes before {} ({}): route to {}",
        p.title,
        titles.join(" or "),
        p.source.cited(),
        suggest::one_of(&places)
    ))
}

/// The procedure's own limits (its ceiling, the debtors it is for).
fn procedure_limit(
    a: &Analysis<'_>,
    step: &Step,
    p: &Procedure,
    venues: &[&Venue],
) -> Option<Finding> {
    if venues.is_empty() {
        return None;
    }
    let view = a.view(step.id)?;
    let ok = Cond::Any(
        venues
            .iter()
            .map(|v| claim(v.debtors, v.amount, false))
            .collect(),
    );
    let own = step.condition.as_ref().map(|c| &c.expr);
    let bad = Cond::Not(Box::new(ok));
    let conds: Vec<&Cond> = own.into_iter().chain([&bad]).collect();
    let law = venues.iter().all(|v| v.source.basis.is_law());
    let source = venues.first().map_or(p.source, |v| v.source);
    let limits: Vec<String> = venues
        .iter()
        .map(|v| describe_claims(v.debtors, v.amount, a.currency()))
        .collect();
    if let Ok(Some(w)) = cells::witness(&conds, &view.domain, view.reach) {
        let (amounts, every) = bad_amounts(a, &conds, view.domain, view.reach, &w);
        // A procedure brought before several courts by amount (the EU
        // order for payment in Luxembourg): say which court this is, and
        // where the other claims go.
        let title = |name: Option<&str>| {
            name.and_then(|n| a.pack.and_then(|pack| pack.destination(n)))
                .map_or_else(
                    || name.unwrap_or_default().to_string(),
                    |d| d.title.to_string(),
                )
        };
        let before = match venues {
            [one] if p.venues.len() > 1 => format!(" before the {}", title(one.destination)),
            _ => String::new(),
        };
        let elsewhere: Vec<String> = p
            .venues
            .iter()
            .filter(|v| !venues.iter().any(|here| here.destination == v.destination))
            .filter(|v| v.destination.is_some())
            .map(|v| {
                format!(
                    "before the {} for {}",
                    title(v.destination),
                    describe_claims(v.debtors, v.amount, a.currency())
                )
            })
            .collect();
        let elsewhere = if elsewhere.is_empty() || before.is_empty() {
            String::new()
        } else {
            format!("; it goes {}", elsewhere.join(", "))
        };
        let d = a
            .finding(
                law,
                Code::ProcedureLimit,
                format!(
                    "the {}{before} is not available for {}",
                    p.title,
                    claim_words(a, view.reach, &w, every)
                ),
            )
            .with_label(route_label_span(step), format!("routes `{amounts}` here"))
            .with_help(format!(
                "the {}{before} is for {}{elsewhere} ({}); limit this route with a condition, and \
                 route the other claims another way",
                p.title,
                limits.join(", or "),
                source.cited()
            ));
        return Some(Finding::new(d, vec![step.id]));
    }
    // At a disputed boundary (`<` or `≤`?), warn.
    if venues.iter().any(|v| v.disputed_boundary) {
        let strict = Cond::Any(
            venues
                .iter()
                .map(|v| claim(v.debtors, v.amount, true))
                .collect(),
        );
        let bad = Cond::Not(Box::new(strict));
        let conds: Vec<&Cond> = own.into_iter().chain([&bad]).collect();
        if let Ok(Some(w)) = cells::witness(&conds, &view.domain, view.reach) {
            let d = a
                .warning(
                    Code::ProcedureLimit,
                    format!(
                        "the texts disagree on whether the {} is available for exactly {} {}",
                        p.title,
                        w.point.amount.normalize(),
                        a.currency()
                    ),
                )
                .with_label(route_label_span(step), "includes the disputed boundary")
                .with_help(format!(
                    "one text says \"below\", another \"not above\" ({}); to be safe, route that \
                     amount another way (`amount < {}`)",
                    source.cited(),
                    w.point.amount.normalize()
                ));
            return Some(Finding::new(d, vec![step.id]));
        }
    }
    None
}

/// The court must hear every claim the route sends it.
fn competence(a: &Analysis<'_>, pack: &Pack, step: &Step, d: &Destination) -> Option<Finding> {
    if d.hears.is_empty() {
        return None;
    }
    let sector = a.plan.sector();
    let view = a.view(step.id)?;
    let ok = Cond::Any(
        d.clauses(sector)
            .map(|c| claim(c.debtors, c.amount, false))
            .collect(),
    );
    let bad = Cond::Not(Box::new(ok));
    let own = step.condition.as_ref().map(|c| &c.expr);
    let conds: Vec<&Cond> = own.into_iter().chain([&bad]).collect();
    let w = cells::witness(&conds, &view.domain, view.reach).ok()??;
    let (amounts, every) = bad_amounts(a, &conds, view.domain, view.reach, &w);
    let kind = w.combo.kind();
    let amount = w.point.amount;
    // The kind of debtor is the reason when no clause admits it.
    let kind_reason = !d.clauses(sector).any(|c| c.debtors.includes(kind));
    let alternatives: Vec<&str> = pack
        .destinations
        .iter()
        .filter(|o| o.role == Role::Court && o.name != d.name)
        .filter(|o| o.hears.is_empty() || o.hears_claim(kind, amount, sector).is_some())
        .map(|o| o.name)
        .collect();
    let hears: Vec<String> = d
        .clauses(sector)
        .map(|c| describe_competence(c, a.currency()))
        .collect();
    let sources: Vec<String> = d.clauses(sector).map(|c| c.source.cited()).collect();
    let instead = match alternatives.as_slice() {
        [] => String::new(),
        names => format!("; route them to {}", suggest::one_of(names)),
    };
    let diagnostic = a
        .finding(
            d.competence_basis().is_law(),
            Code::CourtCompetence,
            format!(
                "the {} cannot hear {}",
                d.title,
                claim_words(a, view.reach, &w, every || kind_reason)
            ),
        )
        .with_label(
            route_label_span(step),
            match (kind_reason, every) {
                (true, true) => format!("sends every {kind} claim to `{}`", d.name),
                (true, false) => format!("sends {kind} claims with `{amounts}` to `{}`", d.name),
                (false, _) => format!("sends `{amounts}` to `{}`", d.name),
            },
        )
        .with_help(match (hears.is_empty(), sector) {
            // The declared sector takes every claim of this court away.
            (true, Some(sector)) => {
                let why: Vec<String> = pack
                    .destinations
                    .iter()
                    .filter_map(|o| o.hears_claim(kind, amount, Some(sector)))
                    .filter(|c| !matches!(c.sectors, crate::law::Sectors::Any))
                    .map(|c| c.source.cited())
                    .collect();
                format!(
                    "under `sector {sector}` these claims go to another court whatever the amount \
                     ({}){instead}",
                    why.join("; ")
                )
            }
            _ => format!(
                "the {} hears {} ({}){instead}",
                d.title,
                hears.join(", and "),
                sources.join("; ")
            ),
        });
    Some(Finding::new(diagnostic, vec![step.id]))
}

/// CPC art. 750-1: claims up to 5,000 EUR need an amicable attempt (or the
/// petites créances procedure) before a court.
fn amicable_attempt(a: &mut Analysis<'_>, pack: &Pack, routes: &[StepId]) -> Vec<Finding> {
    let Some(rule) = pack.amicable_attempt else {
        return Vec::new();
    };
    let candidates: Vec<Candidate> = a
        .plan
        .steps
        .iter()
        .filter(|s| match &s.action {
            Action::Route {
                procedure: Some(p), ..
            } => pack.procedure(p).is_some_and(|p| p.amicable),
            _ => false,
        })
        .map(|s| Candidate { step: s.id, gap: 1 })
        .collect();
    let small = amount(CmpOp::Le, rule.up_to);
    let precedence = Precedence::new(a, &candidates);
    let mut out = Vec::new();
    for &id in routes {
        let Some(step) = a.plan.step(id) else {
            continue;
        };
        let (combo, amounts) = match precedence.cover(a, id, Some(&small)) {
            Cover::Covered | Cover::Unknown => continue,
            Cover::Short { combos, .. } => (combos, None),
            Cover::Missing { combos, amounts } => (combos, Some(amounts)),
        };
        let which = amounts.map_or(String::new(), |s| {
            format!(" (`{}`)", s.describe("amount", a.floor))
        });
        let exempt = suggest::one_of(rule.exempt);
        let d = a
            .error(
                Code::AmicableAttempt,
                format!(
                    "a claim of {} {} or less{which}{} can reach this court without an amicable attempt first",
                    rule.up_to.normalize(),
                    a.currency(),
                    a.view(id).map_or(String::new(), |v| a.for_kinds(v.reach, combo))
                ),
            )
            .with_label(route_label_span(step), "the claim is inadmissible without one")
            .with_help(format!(
                "before suing for {} {} or less, try conciliation, mediation or a procédure participative, \
                 or the petites créances procedure ({}): e.g. `after 50 days if amount <= {} route \
                 conciliateur_de_justice with conciliation`, then route to court later; or use {exempt} \
                 (exempt: {})",
                rule.up_to.normalize(),
                a.currency(),
                rule.source.cited(),
                rule.up_to.normalize(),
                rule.exempt_source.cited()
            ));
        out.push(Finding::new(d, vec![id]));
    }
    out
}

/// Where a route's problem is labelled: its condition, or its action.
pub(super) fn route_label_span(step: &Step) -> Span {
    step.condition.as_ref().map_or(step.action_span, |c| c.span)
}

/// The amounts of the problem, for the witness's kind of debtor, and
/// whether that is every balance.
pub(super) fn bad_amounts(
    a: &Analysis<'_>,
    conds: &[&Cond],
    domain: cells::Domain,
    reach: Mask,
    w: &Witness,
) -> (String, bool) {
    let within = reach & Mask::kinds(&[w.combo.kind()]);
    match cells::joint_amounts(conds, &domain, within) {
        Some(set) => {
            let every = set.is_all_from(a.floor);
            (set.describe("amount", a.floor), every)
        }
        None => (format!("amount = {}", w.point.amount.normalize()), false),
    }
}

/// `an invoice of 17000 EUR to a b2b debtor`, or `a claim against a b2c
/// debtor` when every amount is concerned (the kind is then the reason).
fn claim_words(a: &Analysis<'_>, reach: Mask, w: &Witness, every: bool) -> String {
    if every {
        format!("a claim against a {} debtor", w.combo.kind())
    } else {
        format!(
            "an invoice of {} {}{}",
            w.point.amount.normalize(),
            a.currency(),
            kind_words(reach, w)
        )
    }
}

/// ` to a b2b debtor` when the route reaches both kinds of debtor.
pub(super) fn kind_words(reach: Mask, w: &Witness) -> String {
    if reach.debtor_kinds().len() > 1 {
        format!(" to a {} debtor", w.combo.kind())
    } else {
        String::new()
    }
}

/// A synthetic comparison of the balance.
pub(super) fn amount(op: CmpOp, value: rust_decimal::Decimal) -> Cond {
    Cond::Compare {
        field: Field::Amount,
        op,
        value,
        span: Span::default(),
    }
}

pub(super) fn kind_flag(kind: DebtorKind) -> Cond {
    Cond::Flag {
        flag: match kind {
            DebtorKind::B2b => Flag::B2b,
            DebtorKind::B2c => Flag::B2c,
        },
        span: Span::default(),
    }
}

/// "A claim of these debtors, in this range" as a condition; `strict`
/// reads the upper bound as exclusive (the other side of a disputed `≤`).
fn claim(debtors: Debtors, range: AmountRange, strict: bool) -> Cond {
    let mut parts = Vec::new();
    if let Debtors::Only(kind) = debtors {
        parts.push(kind_flag(kind));
    }
    if let Some(min) = range.above {
        parts.push(amount(CmpOp::Gt, min));
    }
    if let Some(max) = range.up_to {
        parts.push(amount(if strict { CmpOp::Lt } else { CmpOp::Le }, max));
    }
    Cond::All(parts)
}

fn describe_claims(debtors: Debtors, range: AmountRange, currency: &str) -> String {
    let who = match debtors {
        Debtors::Any => String::new(),
        Debtors::Only(k) => format!("{k} debtors, "),
    };
    format!("{who}{}", range.describe(currency))
}

fn describe_competence(c: &Competence, currency: &str) -> String {
    let claims = describe_debtors(c, currency);
    match c.sectors {
        crate::law::Sectors::Only(sectors) => {
            let names: Vec<String> = sectors.iter().map(|s| format!("`sector {s}`")).collect();
            format!("{claims} under {}", names.join(" or "))
        }
        crate::law::Sectors::Any | crate::law::Sectors::Except(_) => claims,
    }
}

fn describe_debtors(c: &Competence, currency: &str) -> String {
    match c.debtors {
        Debtors::Any => format!("claims {}", c.amount.describe(currency)),
        Debtors::Only(DebtorKind::B2b) => {
            format!(
                "claims between enterprises (b2b), {}",
                c.amount.describe(currency)
            )
        }
        Debtors::Only(DebtorKind::B2c) => {
            format!(
                "claims against consumers (b2c), {}",
                c.amount.describe(currency)
            )
        }
    }
}

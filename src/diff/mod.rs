//! `policy diff` minus the command line: what changes for the debtors of a
//! book when a policy changes.
//!
//! Both versions are simulated on the same book, invoice by invoice, and
//! their events matched by the step's stable identity
//! ([`crate::plan::identity`]: `send relance_1`, `route justice_de_paix`):
//! an event of both versions on another day has *moved*; on the same day
//! but doing something else (another channel, recipient, charge or
//! procedure) it has *changed*; in one version only it is *added* or
//! *removed*. Totals (events per step,
//! messages per channel, files routed, charges) and route switches ("14
//! invoices would go to X instead of Y") come with them.
//!
//! Each invoice is scheduled under both plans in turn and only its
//! differences are kept: the events of a large book are never all held.
//! [`render`] turns a [`Comparison`] into text; [`version`] reads the two
//! versions (a file, or `REV:path` from git).

pub mod render;
pub mod version;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::{InvoiceId, Ledger};
use crate::plan::{Action, Plan, StepId};
use crate::simulate::{
    self, ChargeResolver, ChargeValue, Event, Recipients, Scratch, StepTotals, Summary, Window,
};
use crate::vocab::ChargeKind;

/// A figure in both versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Pair<T> {
    pub before: T,
    pub after: T,
}

impl<T: PartialEq> Pair<T> {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// What two versions of a policy do differently to a book.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub window: Window,
    /// The currency of both versions (and of the book).
    pub currency: &'static str,
    /// Every step identity of either version: the new version's steps in
    /// written order, then those only the old version has.
    pub steps: Vec<StepDelta>,
    /// The invoices with a change, in the book's (reference) order.
    pub invoices: Vec<InvoiceChanges>,
    pub counts: Counts,
    /// Invoices routed elsewhere (or no longer, or newly routed), by pair
    /// of destinations.
    pub switches: Vec<RouteSwitch>,
    /// Messages per channel (`phone` for calls), by channel name.
    pub channels: Vec<ChannelDelta>,
    /// Files handed to each destination, by name.
    pub routed: Vec<RoutedDelta>,
    /// Charge events and their fixed amounts, per kind of charge.
    pub charges: Vec<ChargeDelta>,
    /// Each version's simulation summary, as `policy simulate` gives it.
    pub before: Summary,
    pub after: Summary,
}

impl Comparison {
    /// Nothing changes for any debtor, and the policy covers the same
    /// invoices.
    pub(crate) fn is_unchanged(&self) -> bool {
        self.counts.invoices == 0 && self.before.invoices == self.after.invoices
    }

    /// The invoices covered by each version.
    pub fn covered(&self) -> Pair<usize> {
        Pair {
            before: self.before.invoices,
            after: self.after.invoices,
        }
    }

    /// How a step's moved events moved: (invoices, earliest and latest
    /// shift in days), for each step identity with moves.
    pub fn moves(&self) -> Vec<(usize, Move)> {
        let mut moves: BTreeMap<usize, Move> = BTreeMap::new();
        for change in self.invoices.iter().flat_map(|i| &i.changes) {
            if let (ChangeKind::Moved, Some(before), Some(after)) =
                (change.kind, &change.before, &change.after)
            {
                let days = (after.date - before.date).num_days();
                let entry = moves.entry(change.step).or_insert(Move {
                    invoices: 0,
                    earliest: days,
                    latest: days,
                });
                entry.invoices += 1;
                entry.earliest = entry.earliest.min(days);
                entry.latest = entry.latest.max(days);
            }
        }
        moves.into_iter().collect()
    }

    /// How many events of each step identity changed kind `kind`.
    pub(crate) fn count_of(&self, kind: ChangeKind) -> BTreeMap<usize, usize> {
        let mut counts = BTreeMap::new();
        for change in self.invoices.iter().flat_map(|i| &i.changes) {
            if change.kind == kind {
                *counts.entry(change.step).or_default() += 1;
            }
        }
        counts
    }
}

/// The moves of one step's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub invoices: usize,
    /// Shift in days, negative for earlier.
    pub earliest: i64,
    pub latest: i64,
}

/// One step identity in both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDelta {
    /// The stable identity (`send relance_1`, `call debtor#2`).
    pub id: String,
    /// `send`, `call`, `charge`, `route` or `stop`.
    pub verb: &'static str,
    pub before: Option<StepSide>,
    pub after: Option<StepSide>,
    /// Both versions have the step and it does the same thing (channels,
    /// recipients, charge, procedure); its time or condition may differ.
    pub same_action: bool,
}

impl StepDelta {
    pub fn events(&self) -> Pair<usize> {
        Pair {
            before: self.before.as_ref().map_or(0, |s| s.events),
            after: self.after.as_ref().map_or(0, |s| s.events),
        }
    }
}

/// A step in one version.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSide {
    pub step: StepId,
    /// Its statement's line in that version's file.
    pub line: usize,
    /// What it does, as `policy explain` says it, with its channels and
    /// recipients (`send mise_en_demeure by recommandé to debtor, guarantor`).
    pub action: String,
    pub events: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Added,
    Removed,
    Moved,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Moved => "moved",
            ChangeKind::Changed => "changed",
        }
    }
}

/// Counts of changed events, and of invoices with any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub invoices: usize,
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
    pub changed: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.invoices += other.invoices;
        self.added += other.added;
        self.removed += other.removed;
        self.moved += other.moved;
        self.changed += other.changed;
    }

    fn count(&mut self, kind: ChangeKind) {
        match kind {
            ChangeKind::Added => self.added += 1,
            ChangeKind::Removed => self.removed += 1,
            ChangeKind::Moved => self.moved += 1,
            ChangeKind::Changed => self.changed += 1,
        }
    }
}

/// The changes of one invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceChanges {
    pub invoice: InvoiceId,
    pub reference: String,
    /// The debtor's id.
    pub debtor: String,
    /// In date order (the earlier of the two dates of a move).
    pub changes: Vec<EventChange>,
    /// Where its file goes instead, when that changes (one of the
    /// invoices counted in [`Comparison::switches`]).
    pub switch: Option<InvoiceSwitch>,
}

/// An invoice's first route in each version (`None`: not routed), with
/// its balance on the day it is routed (in the new version, or the old one
/// when no longer routed).
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceSwitch {
    pub from: Option<String>,
    pub to: Option<String>,
    pub amount: Decimal,
}

/// One event added, removed, moved or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct EventChange {
    /// Index in [`Comparison::steps`].
    pub step: usize,
    pub kind: ChangeKind,
    /// The event in the old version (none when added).
    pub before: Option<Fired>,
    /// The event in the new version (none when removed).
    pub after: Option<Fired>,
}

/// A step firing for an invoice, in one version.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fired {
    pub date: NaiveDate,
    /// The invoice's outstanding balance that day.
    pub amount: Decimal,
    pub recipients: Recipients,
    pub charge: Option<ChargeValue>,
}

impl From<&Event> for Fired {
    fn from(event: &Event) -> Self {
        Fired {
            date: event.date,
            amount: event.amount,
            recipients: event.recipients,
            charge: event.charge,
        }
    }
}

/// Invoices whose first route changes destination: `from` → `to` (`None`:
/// not routed).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSwitch {
    pub from: Option<String>,
    pub to: Option<String>,
    pub invoices: usize,
    /// Their outstanding balances on the day they are routed (in the new
    /// version, or the old one when no longer routed).
    pub amount: Decimal,
}

/// Messages sent by one channel: an event reaching the debtor and the
/// guarantor is two messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDelta {
    pub channel: &'static str,
    pub messages: Pair<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoutedDelta {
    pub destination: String,
    pub invoices: Pair<usize>,
    /// Outstanding on the day each was routed.
    pub amount: Pair<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChargeDelta {
    pub kind: ChargeKind,
    pub events: Pair<usize>,
    /// The sum of fixed amounts (`charge indemnity 40 EUR`); rates and
    /// statutory charges are counted in `events` only.
    pub amount: Pair<Decimal>,
}

/// Per step of one version: what its events add up to.
#[derive(Debug, Clone, Copy, Default)]
struct StepTally {
    events: usize,
    outstanding: Decimal,
    /// Recipients reached (messages per channel of the step).
    reached: usize,
    /// Fixed charge amounts.
    charged: Decimal,
}

/// Per step, and the invoices with an event in the window.
#[derive(Debug, Clone, Default)]
struct Tally(Vec<StepTally>, usize);

impl Tally {
    fn new(plan: &Plan) -> Self {
        Tally(vec![StepTally::default(); plan.steps.len()], 0)
    }

    fn add(&mut self, events: &[Event], window: Window) {
        self.1 += usize::from(events.iter().any(|e| window.contains(e.date)));
        for event in events.iter().filter(|e| window.contains(e.date)) {
            let Some(t) = self.0.get_mut(event.step.0) else {
                continue;
            };
            t.events += 1;
            t.outstanding = t.outstanding.saturating_add(event.amount);
            t.reached +=
                usize::from(event.recipients.debtor) + usize::from(event.recipients.guarantor);
            if let Some(ChargeValue::Amount(amount)) = event.charge {
                t.charged = t.charged.saturating_add(amount);
            }
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            mine.events += theirs.events;
            mine.outstanding = mine.outstanding.saturating_add(theirs.outstanding);
            mine.reached += theirs.reached;
            mine.charged = mine.charged.saturating_add(theirs.charged);
        }
        self.1 += other.1;
    }

    fn totals(&self) -> StepTotals {
        StepTotals::from_counts(
            self.0.iter().map(|t| (t.events, t.outstanding)).collect(),
            self.1,
        )
    }
}

/// What one range of invoices found.
struct Part {
    before: Tally,
    after: Tally,
    invoices: Vec<InvoiceChanges>,
    counts: Counts,
    /// (from, to) destination indices → invoices, amount.
    switches: BTreeMap<(Option<usize>, Option<usize>), (usize, Decimal)>,
}

/// What both plans share, indexed by step.
struct Matcher<'a> {
    ledger: &'a Ledger,
    /// The days reported; both plans are simulated beyond them, so that a
    /// step moved across an edge of the window is seen to move.
    window: Window,
    before: simulate::Context<'a>,
    after: simulate::Context<'a>,
    /// Per step of the old plan: its identity's index (the new plan's
    /// step `i` has identity `i`).
    before_ids: Vec<usize>,
    /// Per identity: both versions do the same thing.
    same_action: Vec<bool>,
    /// Per step of each plan: the destination index of a `route` step.
    before_routes: Vec<Option<usize>>,
    after_routes: Vec<Option<usize>>,
    /// The destinations of both plans' routes, by index.
    destinations: Vec<String>,
}

/// How far past the window both plans are simulated to match moved steps.
const HORIZON_DAYS: u64 = 10 * 366;

/// Compares what two plans do to a book over a window: events on the
/// window's days are compared and counted; a step moved into or out of
/// the window has moved (its date outside the window is shown).
pub fn compare(
    before: &Plan,
    after: &Plan,
    ledger: &Ledger,
    window: Window,
    resolver: &dyn ChargeResolver,
) -> Comparison {
    let after_ids = after.step_ids();
    let mut ids = after_ids.clone();
    let before_ids: Vec<usize> = before
        .step_ids()
        .into_iter()
        .map(|id| match ids.iter().position(|known| *known == id) {
            Some(at) => at,
            None => {
                ids.push(id);
                ids.len() - 1
            }
        })
        .collect();
    let mut same_action = vec![false; ids.len()];
    for (b, &id) in before_ids.iter().enumerate() {
        if let (Some(old), Some(new)) = (before.steps.get(b), after.steps.get(id)) {
            same_action[id] = old.action == new.action;
        }
    }
    let mut destinations: Vec<String> = Vec::new();
    let mut routes = |plan: &Plan| -> Vec<Option<usize>> {
        plan.steps
            .iter()
            .map(|step| match &step.action {
                Action::Route { destination, .. } => {
                    Some(match destinations.iter().position(|d| d == destination) {
                        Some(at) => at,
                        None => {
                            destinations.push(destination.clone());
                            destinations.len() - 1
                        }
                    })
                }
                _ => None,
            })
            .collect()
    };
    let before_routes = routes(before);
    let after_routes = routes(after);
    // Events outside the window are computed only to be matched: a step
    // pushed past `to` has moved, not gone. Events up to `to` do not depend
    // on how far the simulation runs.
    let beyond = Window {
        from: None,
        to: window
            .to
            .checked_add_days(chrono::Days::new(HORIZON_DAYS))
            .unwrap_or(window.to),
    };
    let matcher = Matcher {
        ledger,
        window,
        before: simulate::Context::new(
            before,
            ledger,
            simulate::calendar(before),
            beyond,
            resolver,
        ),
        after: simulate::Context::new(after, ledger, simulate::calendar(after), beyond, resolver),
        before_ids,
        same_action,
        before_routes,
        after_routes,
        destinations,
    };
    let parts = simulate::in_ranges(ledger.invoices.len(), |range| matcher.part(range));

    let mut before_tally = Tally::new(before);
    let mut after_tally = Tally::new(after);
    let mut invoices = Vec::new();
    let mut counts = Counts::default();
    let mut switches: BTreeMap<(Option<usize>, Option<usize>), (usize, Decimal)> = BTreeMap::new();
    for part in parts {
        before_tally.merge(&part.before);
        after_tally.merge(&part.after);
        invoices.extend(part.invoices);
        counts.add(&part.counts);
        for (key, (n, amount)) in part.switches {
            let entry = switches.entry(key).or_default();
            entry.0 += n;
            entry.1 = entry.1.saturating_add(amount);
        }
    }
    let before_summary =
        simulate::summary::summarise(before, ledger, window, &before_tally.totals());
    let after_summary = simulate::summary::summarise(after, ledger, window, &after_tally.totals());

    let side = |plan: &Plan, tally: &Tally, step: usize| -> Option<StepSide> {
        let s = plan.steps.get(step)?;
        Some(StepSide {
            step: s.id,
            line: plan.line(s.span),
            action: crate::plan::display::describe_action_with_reach(plan, &s.action),
            events: tally.0.get(step).map_or(0, |t| t.events),
        })
    };
    let mut steps: Vec<StepDelta> = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| StepDelta {
            id,
            verb: "",
            before: None,
            after: side(after, &after_tally, i),
            same_action: matcher.same_action[i],
        })
        .collect();
    for (b, &id) in matcher.before_ids.iter().enumerate() {
        if let Some(delta) = steps.get_mut(id) {
            delta.before = side(before, &before_tally, b);
        }
    }
    for (i, delta) in steps.iter_mut().enumerate() {
        let step = after.steps.get(i).or_else(|| {
            let b = matcher.before_ids.iter().position(|&id| id == i)?;
            before.steps.get(b)
        });
        delta.verb = step.map_or("", |s| s.action.verb());
    }

    let name = |d: Option<usize>| d.and_then(|d| matcher.destinations.get(d).cloned());
    let switches = switches
        .into_iter()
        .map(|((from, to), (invoices, amount))| RouteSwitch {
            from: name(from),
            to: name(to),
            invoices,
            amount,
        })
        .collect();

    Comparison {
        window,
        currency: after.currency.value,
        steps,
        invoices,
        counts,
        switches,
        channels: channels(before, &before_tally, after, &after_tally),
        routed: routed(&before_summary, &after_summary),
        charges: charges(before, &before_tally, after, &after_tally),
        before: before_summary,
        after: after_summary,
    }
}

impl Matcher<'_> {
    fn part(&self, range: std::ops::Range<usize>) -> Part {
        let mut part = Part {
            before: Tally::new(self.before.plan),
            after: Tally::new(self.after.plan),
            invoices: Vec::new(),
            counts: Counts::default(),
            switches: BTreeMap::new(),
        };
        let mut scratch = Scratch::default();
        let mut old = Vec::new();
        let mut new = Vec::new();
        let mut matched = Vec::new();
        for i in range {
            let Some(invoice) = self.ledger.invoices.get(i) else {
                continue;
            };
            let id = InvoiceId(i as u32);
            old.clear();
            new.clear();
            simulate::schedule_invoice(&self.before, id, invoice, &mut scratch, &mut old);
            simulate::schedule_invoice(&self.after, id, invoice, &mut scratch, &mut new);
            part.before.add(&old, self.window);
            part.after.add(&new, self.window);
            let changes = self.changes(&old, &new, &mut matched);
            if changes.is_empty() {
                continue;
            }
            part.counts.invoices += 1;
            for change in &changes {
                part.counts.count(change.kind);
            }
            // The first route of each version, at any date: a route moved
            // out of the window still goes to the same destination.
            let first_route = |events: &[Event], routes: &[Option<usize>]| {
                events
                    .iter()
                    .find_map(|e| Some((routes.get(e.step.0).copied()??, *e)))
            };
            let from = first_route(&old, &self.before_routes);
            let to = first_route(&new, &self.after_routes);
            let shown = |r: Option<(usize, Event)>| r.filter(|r| self.window.contains(r.1.date));
            let mut switch = None;
            if from.map(|f| f.0) != to.map(|t| t.0)
                && (shown(from).is_some() || shown(to).is_some())
            {
                let amount = shown(to)
                    .or(shown(from))
                    .map_or(Decimal::ZERO, |r| r.1.amount);
                let entry = part
                    .switches
                    .entry((from.map(|f| f.0), to.map(|t| t.0)))
                    .or_default();
                entry.0 += 1;
                entry.1 = entry.1.saturating_add(amount);
                let name =
                    |r: Option<(usize, Event)>| r.and_then(|r| self.destinations.get(r.0).cloned());
                switch = Some(InvoiceSwitch {
                    from: name(from),
                    to: name(to),
                    amount,
                });
            }
            part.invoices.push(InvoiceChanges {
                invoice: id,
                reference: invoice.reference.to_string(),
                debtor: self.ledger.debtor(invoice.debtor).id.clone(),
                changes,
                switch,
            });
        }
        part
    }

    /// One invoice's events under both plans, matched by step identity
    /// (a step fires at most once per invoice).
    fn changes(&self, old: &[Event], new: &[Event], matched: &mut Vec<bool>) -> Vec<EventChange> {
        matched.clear();
        matched.resize(new.len(), false);
        let mut changes = Vec::new();
        for o in old {
            let Some(&id) = self.before_ids.get(o.step.0) else {
                continue;
            };
            // The new plan's step `i` has identity `i`.
            let shown = |e: &Event| self.window.contains(e.date);
            match new.iter().position(|n| n.step.0 == id) {
                Some(at) => {
                    matched[at] = true;
                    let n = &new[at];
                    let kind = if !shown(o) && !shown(n) {
                        continue;
                    } else if o.date != n.date {
                        ChangeKind::Moved
                    } else if !self.same_action.get(id).copied().unwrap_or(false)
                        || o.recipients != n.recipients
                        || o.charge != n.charge
                    {
                        ChangeKind::Changed
                    } else {
                        continue;
                    };
                    changes.push(EventChange {
                        step: id,
                        kind,
                        before: Some(o.into()),
                        after: Some(n.into()),
                    });
                }
                None if !shown(o) => {}
                None => changes.push(EventChange {
                    step: id,
                    kind: ChangeKind::Removed,
                    before: Some(o.into()),
                    after: None,
                }),
            }
        }
        let unmatched = new.iter().zip(matched.iter()).filter(|(_, m)| !**m);
        for (n, _) in unmatched.filter(|(n, _)| self.window.contains(n.date)) {
            changes.push(EventChange {
                step: n.step.0,
                kind: ChangeKind::Added,
                before: None,
                after: Some(n.into()),
            });
        }
        changes.sort_by_key(|c| {
            let date = match (&c.before, &c.after) {
                (Some(b), Some(a)) => b.date.min(a.date),
                (Some(x), None) | (None, Some(x)) => x.date,
                (None, None) => NaiveDate::MIN,
            };
            (date, c.step)
        });
        changes
    }
}

/// Messages per channel, in both versions.
fn channels(before: &Plan, bt: &Tally, after: &Plan, at: &Tally) -> Vec<ChannelDelta> {
    let mut counts: BTreeMap<&'static str, Pair<usize>> = BTreeMap::new();
    let mut add = |plan: &Plan, tally: &Tally, slot: fn(&mut Pair<usize>) -> &mut usize| {
        for (step, t) in plan.steps.iter().zip(&tally.0) {
            let names: Vec<&'static str> = match &step.action {
                Action::Send { channels, .. } => channels.iter().map(|c| c.as_str()).collect(),
                Action::Call { .. } => vec!["phone"],
                _ => continue,
            };
            for name in names {
                *slot(counts.entry(name).or_default()) += t.reached;
            }
        }
    };
    add(before, bt, |p| &mut p.before);
    add(after, at, |p| &mut p.after);
    counts
        .into_iter()
        .map(|(channel, messages)| ChannelDelta { channel, messages })
        .collect()
}

fn routed(before: &Summary, after: &Summary) -> Vec<RoutedDelta> {
    let mut all: BTreeMap<&str, RoutedDelta> = BTreeMap::new();
    let entry = |name: &str| -> RoutedDelta {
        RoutedDelta {
            destination: name.to_string(),
            invoices: Pair::default(),
            amount: Pair::default(),
        }
    };
    for r in &before.routed {
        let d = all
            .entry(&r.destination)
            .or_insert_with(|| entry(&r.destination));
        d.invoices.before = r.invoices;
        d.amount.before = r.amount;
    }
    for r in &after.routed {
        let d = all
            .entry(&r.destination)
            .or_insert_with(|| entry(&r.destination));
        d.invoices.after = r.invoices;
        d.amount.after = r.amount;
    }
    all.into_values().collect()
}

fn charges(before: &Plan, bt: &Tally, after: &Plan, at: &Tally) -> Vec<ChargeDelta> {
    let mut all: BTreeMap<ChargeKind, (Pair<usize>, Pair<Decimal>)> = BTreeMap::new();
    for (plan, tally, is_after) in [(before, bt, false), (after, at, true)] {
        for (step, t) in plan.steps.iter().zip(&tally.0) {
            let Action::Charge(charge) = &step.action else {
                continue;
            };
            let (events, amount) = all.entry(charge.kind()).or_default();
            if is_after {
                events.after += t.events;
                amount.after = amount.after.saturating_add(t.charged);
            } else {
                events.before += t.events;
                amount.before = amount.before.saturating_add(t.charged);
            }
        }
    }
    all.into_iter()
        .map(|(kind, (events, amount))| ChargeDelta {
            kind,
            events,
            amount,
        })
        .collect()
}

#[cfg(test)]
mod tests;

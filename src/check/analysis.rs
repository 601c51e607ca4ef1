//! What every analysis pass shares: each step's time, the facts it can see,
//! whether it can fire (and for which debtors), and whether it surely fires.
//!
//! "Every path through the plan" without enumerating paths: a step fires
//! when its own condition holds on its day, its anchor fired, and no `stop`
//! came before. Conditions on the debtor's kind and guarantor never change
//! over an invoice's life, so reach is tracked exactly for each of those
//! four combinations ([`Mask`]); conditions on balances are decided on the
//! step's own day by the cell partition ([`cells`]). Everything here is one
//! pass over the steps in written order.

use rust_decimal::Decimal;

use super::cells::{self, Combo, Domain, Mask};
use super::interval::Bound;
use super::timing::{self, Lengths, Root, StepTime};
use crate::claim::RateTable;
use crate::diagnostic::{Code, Diagnostic};
use crate::law::{self, Pack};
use crate::plan::{Action, Anchor, Plan, Step, StepId};
use crate::vocab::{DebtorKind, Recipient};

/// A diagnostic, and the statements it is about: an `allow` above any of
/// them silences it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub steps: Vec<StepId>,
}

impl Finding {
    pub fn new(diagnostic: Diagnostic, steps: Vec<StepId>) -> Self {
        Finding { diagnostic, steps }
    }
}

/// Why a step whose condition can hold never fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocker {
    /// A `stop` always comes first.
    Stop(StepId),
    /// Its anchor is never sent (or never to these debtors).
    Anchor(StepId),
}

/// What the analysis knows of one step.
#[derive(Debug, Clone)]
pub(crate) struct StepView {
    pub time: StepTime,
    pub domain: Domain,
    /// Combos for which its own condition can hold on its day (`scope` when
    /// the condition was too large to decide).
    pub feasible: Mask,
    /// Combos for which its own condition always holds.
    pub valid: Mask,
    /// Whether the condition was decided at all.
    pub decided: bool,
    /// Combos for which its anchor surely fired and no stop came first.
    pub parent_sure: Mask,
    /// Combos for which it can fire.
    pub reach: Mask,
    /// Combos for which it fires for every invoice still open that day.
    pub sure: Mask,
    pub blocker: Option<Blocker>,
}

/// A plan, analysed.
#[derive(Debug)]
pub struct Analysis<'p> {
    pub plan: &'p Plan,
    /// Where the legal rules read rates from.
    pub rates: &'p RateTable,
    pub pack: Option<&'static Pack>,
    /// The debtors the policy covers.
    pub scope: Mask,
    /// Balances are positive, or at least the policy's `minimum`.
    pub floor: Bound,
    /// The currency's minor unit.
    pub unit: Decimal,
    pub steps: Vec<StepView>,
    pub lengths: Lengths,
}

impl<'p> Analysis<'p> {
    pub fn new(plan: &'p Plan, rates: &'p RateTable) -> Self {
        let mut lengths = Lengths::default();
        let times = timing::times(plan, &mut lengths).steps;
        let kinds: Vec<DebtorKind> = match &plan.applies_to {
            Some(k) if !k.value.is_empty() => k.value.clone(),
            _ => DebtorKind::ALL.to_vec(),
        };
        let scope = Mask::kinds(&kinds);
        let floor = match &plan.minimum {
            Some(m) if m.value > Decimal::ZERO => Bound::Closed(m.value),
            _ => Bound::Open(Decimal::ZERO),
        };
        let unit = cells::minor_unit(plan.currency.value);
        let countries = plan.applies_in.as_ref().map(|chased| chased.value);
        let mut analysis = Analysis {
            plan,
            rates,
            pack: plan.jurisdiction.as_ref().map(|j| law::pack(j.value)),
            scope,
            floor,
            unit,
            steps: Vec::with_capacity(plan.steps.len()),
            lengths,
        };
        for (step, time) in plan.steps.iter().zip(times) {
            let domain = Domain {
                floor,
                days_from: (time.root == Root::Due).then_some(time.range.min),
                unit,
                countries,
            };
            let cond = step.condition.as_ref().map(|c| &c.expr);
            let (feasible, valid, decided) = match cells::profile(cond, &domain, scope) {
                Some(p) => (p.feasible, p.valid, true),
                None => (scope, Mask::EMPTY, false),
            };
            analysis.steps.push(StepView {
                time,
                domain,
                feasible,
                valid,
                decided,
                parent_sure: Mask::EMPTY,
                reach: Mask::EMPTY,
                sure: Mask::EMPTY,
                blocker: None,
            });
        }
        analysis.propagate();
        analysis
    }

    /// Reach and sureness through anchors and stops.
    fn propagate(&mut self) {
        let plan = self.plan;
        // First without stops, to learn which stops surely fire.
        let (_, sure0) = self.chain(&|_| Mask::EMPTY);
        // The earliest sure stop, per root and combo: (latest day, step).
        let mut earliest: [[Option<(i64, StepId)>; 4]; 2] = [[None; 4]; 2];
        for step in &plan.steps {
            if !matches!(step.action, Action::Stop) {
                continue;
            }
            let Some(view) = self.steps.get(step.id.0) else {
                continue;
            };
            // A stop reacting to an event is placed on no invoice's line.
            let root = match view.time.root {
                Root::Due => 0,
                Root::Issue => 1,
                Root::Event(_) => continue,
            };
            for (i, combo) in Combo::ALL.iter().enumerate() {
                if sure0.get(step.id.0).is_some_and(|m| m.contains(*combo)) {
                    let entry = (view.time.range.max, step.id);
                    let slot = &mut earliest[root][i];
                    if slot.is_none_or(|best| entry < best) {
                        *slot = Some(entry);
                    }
                }
            }
        }
        let stopped = |view: &StepView, id: StepId| -> (Mask, Option<StepId>) {
            let roots: &[usize] = match view.time.root {
                Root::Due => &[0, 1],
                Root::Issue => &[1],
                Root::Event(_) => &[],
            };
            let mut mask = Mask::EMPTY;
            let mut by = None;
            for &r in roots {
                for (i, combo) in Combo::ALL.iter().enumerate() {
                    if let Some((day, stop)) = earliest[r][i] {
                        let before =
                            day < view.time.range.min || (day == view.time.range.min && stop < id);
                        if before && stop != id {
                            mask = mask | Mask::of(*combo);
                            by.get_or_insert(stop);
                        }
                    }
                }
            }
            (mask, by)
        };
        let stops: Vec<(Mask, Option<StepId>)> = plan
            .steps
            .iter()
            .zip(&self.steps)
            .map(|(s, v)| stopped(v, s.id))
            .collect();
        let (reach, sure) = self.chain(&|id: StepId| stops.get(id.0).map_or(Mask::EMPTY, |s| s.0));
        for (i, step) in plan.steps.iter().enumerate() {
            let parent_reach = match step.when.anchor {
                Anchor::Step(a) => reach.get(a.0).copied().unwrap_or(Mask::EMPTY),
                _ => self.scope,
            };
            let parent_sure = match step.when.anchor {
                Anchor::Step(a) => sure.get(a.0).copied().unwrap_or(Mask::EMPTY),
                _ => self.scope,
            };
            let (stop_mask, stop_by) = stops.get(i).copied().unwrap_or((Mask::EMPTY, None));
            let Some(view) = self.steps.get_mut(i) else {
                continue;
            };
            view.reach = reach.get(i).copied().unwrap_or(Mask::EMPTY);
            view.sure = sure.get(i).copied().unwrap_or(Mask::EMPTY);
            view.parent_sure = parent_sure.minus(stop_mask);
            if view.reach.is_empty() && !view.feasible.is_empty() {
                view.blocker = match step.when.anchor {
                    Anchor::Step(a) if (parent_reach & view.feasible).is_empty() => {
                        Some(Blocker::Anchor(a))
                    }
                    _ => stop_by.map(Blocker::Stop),
                };
            }
        }
    }

    /// Reach and sure masks in written order (anchors come first), with the
    /// combos `stopped` removes at each step.
    fn chain(&self, stopped: &dyn Fn(StepId) -> Mask) -> (Vec<Mask>, Vec<Mask>) {
        let mut reach: Vec<Mask> = Vec::with_capacity(self.steps.len());
        let mut sure: Vec<Mask> = Vec::with_capacity(self.steps.len());
        for (step, view) in self.plan.steps.iter().zip(&self.steps) {
            let (r, s) = match step.when.anchor {
                Anchor::Step(a) => (
                    reach.get(a.0).copied().unwrap_or(Mask::EMPTY),
                    sure.get(a.0).copied().unwrap_or(Mask::EMPTY),
                ),
                _ => (self.scope, self.scope),
            };
            let cut = stopped(step.id);
            reach.push((r & view.feasible).minus(cut));
            sure.push((s & view.valid).minus(cut));
        }
        (reach, sure)
    }

    pub fn view(&self, id: StepId) -> Option<&StepView> {
        self.steps.get(id.0)
    }

    /// Steps with their views.
    /// The regular steps with their views: handlers (`on EVENT …`) fire on
    /// the ledger's events, which no timeline can place; they are checked
    /// on their own (handlers.rs) and by the passes that read the plan's
    /// steps in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'p Step, &StepView)> {
        self.plan
            .steps
            .iter()
            .zip(&self.steps)
            .filter(|(step, _)| !step.is_handler())
    }

    /// A diagnostic in the policy file.
    pub fn error(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, message).in_source(&self.plan.source)
    }

    pub fn warning(&self, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, message).in_source(&self.plan.source)
    }

    /// An error when the rule rests on law, a warning when on a default.
    pub fn finding(&self, law: bool, code: Code, message: impl Into<String>) -> Diagnostic {
        if law {
            self.error(code, message)
        } else {
            self.warning(code, message)
        }
    }

    /// ` for a b2c debtor` when the step can reach both kinds of debtor
    /// (then the message says which one the problem is about), else nothing.
    pub(crate) fn for_kind(&self, reach: Mask, kind: DebtorKind) -> String {
        if reach.debtor_kinds().len() > 1 {
            format!(" for a {kind} debtor")
        } else {
            String::new()
        }
    }

    /// ` for a b2c debtor` when the step reaches both kinds of debtor but
    /// the problem (`combos`) concerns one.
    pub(crate) fn for_kinds(&self, reach: Mask, combos: Mask) -> String {
        match combos.debtor_kinds().as_slice() {
            [kind] => self.for_kind(reach, *kind),
            _ => String::new(),
        }
    }

    /// The step's day in words: `60 days after due date`.
    pub fn when(&self, step: &Step) -> String {
        crate::plan::describe_when(self.plan, &step.when)
    }

    /// The policy's currency code.
    pub fn currency(&self) -> &'static str {
        self.plan.currency.value
    }
}

/// Who a step reaches, if it is a contact: sends and calls.
pub fn contacts(step: &Step) -> &[Recipient] {
    match &step.action {
        Action::Send { recipients, .. } => recipients,
        Action::Call { recipient } => std::slice::from_ref(recipient),
        _ => &[],
    }
}

//! "Is this step always preceded by that kind of step, early enough?" — a
//! mise en demeure before a court, an amicable attempt before suing, a free
//! reminder before a cost — on every path to the step.
//!
//! A candidate surely came first when it is an anchor of the step (the step
//! fires only after it), or when it falls early enough on its own day and
//! fires whatever the facts. Balances only go down between two days
//! (payments and credit notes), so a candidate that fires for every balance
//! above some amount (`amount > 5000`, or no condition at all) also covers
//! every later step whose balance is in that range: the candidate's
//! "tail". A candidate for small balances only (`amount <= 5000`) covers
//! nothing later, since the balance may have been larger on its day.

use std::collections::HashMap;

use super::analysis::{Analysis, StepView};
use super::cells::{self, Combo, Mask, Quantifier, Space};
use super::interval::{Bound, IntervalSet};
use super::timing::StepTime;
use crate::plan::{Anchor, Cond, StepId};

/// A step that can come first, and how many days it must come first by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub step: StepId,
    pub gap: i64,
}

/// The answer for one step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cover {
    /// Every invoice reaching the step had a candidate early enough.
    Covered,
    /// A candidate comes first, but too late for some invoices.
    Short {
        by: StepId,
        /// The least number of days between them.
        gap: i64,
        required: i64,
        /// The debtors concerned.
        combos: Mask,
    },
    /// For some invoices no candidate comes first.
    Missing {
        /// The debtors concerned.
        combos: Mask,
        /// Amounts for which nothing comes first.
        amounts: IntervalSet,
    },
    /// Too large to decide: say nothing.
    Unknown,
}

/// Candidates sharing a day, the gap they require, and what they cover.
#[derive(Debug)]
struct Group {
    time: StepTime,
    gap: i64,
    first: StepId,
    /// Per combo: balances from which some candidate surely fires.
    tails: [Option<Bound>; 4],
}

/// Precomputed answers for one kind of candidate.
#[derive(Debug)]
pub(crate) struct Precedence {
    /// Per step: the best anchor candidate above it, as (slack in days over
    /// the required gap, candidate, gap needed).
    ancestor: Vec<Option<(i64, StepId, i64)>>,
    groups: Vec<Group>,
}

impl Precedence {
    pub fn new(a: &mut Analysis<'_>, candidates: &[Candidate]) -> Self {
        let required: HashMap<StepId, i64> = candidates.iter().map(|c| (c.step, c.gap)).collect();
        // Anchor chains: one pass in written order (anchors come first).
        let mut ancestor: Vec<Option<(i64, StepId, i64)>> = Vec::with_capacity(a.steps.len());
        for step in &a.plan.steps {
            let offset = a.lengths.of(step.when.offset).min;
            let best = match step.when.anchor {
                Anchor::Step(parent) => {
                    let inherited = ancestor
                        .get(parent.0)
                        .copied()
                        .flatten()
                        .map(|(slack, by, gap)| (slack.saturating_add(offset), by, gap));
                    let direct = required
                        .get(&parent)
                        .map(|&gap| (offset.saturating_sub(gap), parent, gap));
                    match (inherited, direct) {
                        (Some(x), Some(y)) => Some(if y.0 > x.0 { y } else { x }),
                        (x, y) => x.or(y),
                    }
                }
                _ => None,
            };
            ancestor.push(best);
        }

        // Candidates of one day cover together what each covers for part of
        // the amounts (a notice by bailiff above a threshold, by registered
        // letter below it), with the longest gap any of them needs.
        let mut by_time: HashMap<u32, (Vec<StepId>, i64)> = HashMap::new();
        let mut order: Vec<u32> = Vec::new();
        for c in candidates {
            let Some(view) = a.view(c.step) else { continue };
            let key = view.time.key;
            let (members, gap) = by_time.entry(key).or_insert_with(|| (Vec::new(), c.gap));
            if members.is_empty() {
                order.push(key);
            }
            members.push(c.step);
            *gap = (*gap).max(c.gap);
        }
        let groups = order
            .into_iter()
            .filter_map(|key| {
                let (members, gap) = by_time.get(&key)?;
                group(a, members, *gap)
            })
            .collect();
        Precedence { ancestor, groups }
    }

    /// Whether every invoice reaching `target` (and satisfying `restrict`)
    /// had a candidate early enough.
    pub fn cover(&self, a: &Analysis<'_>, target: StepId, restrict: Option<&Cond>) -> Cover {
        let (Some(step), Some(view)) = (a.plan.step(target), a.view(target)) else {
            return Cover::Unknown;
        };
        if let Some(Some((slack, _, _))) = self.ancestor.get(target.0) {
            if *slack >= 0 {
                return Cover::Covered;
            }
        }
        let own = step.condition.as_ref().map(|c| c.expr.clone());
        let cond = match (own, restrict) {
            (Some(c), Some(r)) => Some(Cond::All(vec![c, r.clone()])),
            (c, r) => c.or_else(|| r.cloned()),
        };
        let mut uncovered = Mask::EMPTY;
        let mut first: Option<Cover> = None;
        for combo in view.reach.iter() {
            let Some(amounts) =
                cells::amounts(cond.as_ref(), &view.domain, combo, Quantifier::Some)
            else {
                return Cover::Unknown;
            };
            if amounts.is_empty() {
                continue;
            }
            let covered = self.groups.iter().any(|g| {
                g.time.surely_before(&view.time, g.gap)
                    && tail(g, combo).is_some_and(|t| amounts.within_tail(t))
            });
            if covered {
                continue;
            }
            uncovered = uncovered | Mask::of(combo);
            if first.is_none() {
                first = Some(self.why(view, combo, amounts, target));
            }
        }
        match first {
            None => Cover::Covered,
            Some(Cover::Short {
                by, gap, required, ..
            }) => Cover::Short {
                by,
                gap,
                required,
                combos: uncovered,
            },
            Some(Cover::Missing { amounts, .. }) => Cover::Missing {
                combos: uncovered,
                amounts,
            },
            Some(other) => other,
        }
    }

    /// For an uncovered combo: a candidate that comes too late, or none.
    fn why(&self, view: &StepView, combo: Combo, amounts: IntervalSet, target: StepId) -> Cover {
        if let Some(Some((slack, by, gap))) = self.ancestor.get(target.0) {
            return Cover::Short {
                by: *by,
                gap: slack + gap,
                required: *gap,
                combos: Mask::of(combo),
            };
        }
        let short = self
            .groups
            .iter()
            .filter(|g| tail(g, combo).is_some_and(|t| amounts.within_tail(t)))
            .filter_map(|g| Some((g, g.time.least_gap(&view.time)?)))
            .filter(|(_, gap)| *gap >= 0)
            .max_by_key(|(_, gap)| *gap);
        match short {
            Some((g, gap)) => Cover::Short {
                by: g.first,
                gap,
                required: g.gap,
                combos: Mask::of(combo),
            },
            None => Cover::Missing {
                combos: Mask::of(combo),
                amounts,
            },
        }
    }
}

fn tail(group: &Group, combo: Combo) -> Option<Bound> {
    Combo::ALL
        .iter()
        .position(|c| *c == combo)
        .and_then(|i| group.tails.get(i).copied().flatten())
}

/// The balances from which some member of the group surely fires, per combo:
/// the upper tail of "for every other fact, some member holds".
fn group(a: &Analysis<'_>, members: &[StepId], gap: i64) -> Option<Group> {
    let first = *members.first()?;
    let view = a.view(first)?;
    let conds: Vec<&Cond> = members
        .iter()
        .filter_map(|id| a.plan.step(*id)?.condition.as_ref().map(|c| &c.expr))
        .collect();
    let mut tails = [None; 4];
    let space = Space::new(
        conds.iter().copied(),
        &view.domain,
        cells::BUDGET / members.len().max(1),
    );
    if let Some(space) = space {
        for (i, combo) in Combo::ALL.iter().enumerate() {
            let active: Vec<StepId> = members
                .iter()
                .copied()
                .filter(|id| a.view(*id).is_some_and(|v| v.parent_sure.contains(*combo)))
                .collect();
            if active.is_empty() {
                continue;
            }
            let mut marked = vec![true; space.money_cells()];
            for p in space.points() {
                let facts = p.facts(*combo);
                let some = active.iter().any(|id| {
                    a.plan
                        .step(*id)
                        .is_some_and(|s| s.condition.as_ref().is_none_or(|c| c.expr.eval(&facts)))
                });
                if let Some(m) = marked.get_mut(p.money_cell) {
                    *m &= some;
                }
            }
            let set = space.amounts(&marked);
            if let Some(t) = upper_tail(&set, a.floor) {
                if let Some(slot) = tails.get_mut(i) {
                    *slot = Some(t);
                }
            }
        }
    }
    Some(Group {
        time: view.time,
        gap,
        first,
        tails,
    })
}

/// The start of a set's last stretch when it runs to every larger balance.
fn upper_tail(set: &IntervalSet, floor: Bound) -> Option<Bound> {
    let last = set.intervals().last()?;
    if last.hi != Bound::Unbounded {
        return None;
    }
    Some(if last.lo == floor { floor } else { last.lo })
}

//! Routes on the same day: two that can fire for the same invoice hand one
//! file to two places at once (an error); amounts none of them covers are
//! left unrouted (a warning).
//!
//! "The same day" means the same day for every invoice: the same root (due
//! or issue date) and the same offsets, runs of calendar days added up — so
//! `after 60 days` and `after 15 days from mise_en_demeure` with that letter
//! at 45 days are the same day (a dispute moves both alike), while `after 2
//! months` and `after 60 days` are not (they part in most months). Routes on
//! different days are escalation (an agency, then a lawyer, then a court),
//! not overlap.

use std::collections::HashMap;

use super::analysis::{Analysis, Finding};
use super::cells::{self, Mask, Space, Witness};
use super::interval::IntervalSet;
use crate::diagnostic::Code;
use crate::plan::{Action, Cond, Step, StepId, describe_condition};

/// At most this many overlapping pairs are reported per day.
const MAX_PAIRS: usize = 20;

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let mut groups: HashMap<u32, Vec<StepId>> = HashMap::new();
    let mut order = Vec::new();
    for (step, view) in a.iter() {
        if matches!(step.action, Action::Route { .. }) && !view.reach.is_empty() {
            let members = groups.entry(view.time.key).or_default();
            if members.is_empty() {
                order.push(view.time.key);
            }
            members.push(step.id);
        }
    }
    let mut out = Vec::new();
    for key in order {
        if let Some(members) = groups.get(&key).filter(|m| m.len() >= 2) {
            same_day(a, members, &mut out);
        }
    }
    out
}

struct Pair {
    witness: Witness,
    combos: Mask,
    cells: Vec<bool>,
}

fn same_day(a: &Analysis<'_>, members: &[StepId], out: &mut Vec<Finding>) {
    let steps: Vec<&Step> = members.iter().filter_map(|id| a.plan.step(*id)).collect();
    let Some(first) = steps.first() else { return };
    let Some(view) = a.view(first.id) else { return };
    let conds: Vec<Option<&Cond>> = steps
        .iter()
        .map(|s| s.condition.as_ref().map(|c| &c.expr))
        .collect();
    let reach: Vec<Mask> = steps
        .iter()
        .map(|s| a.view(s.id).map_or(Mask::EMPTY, |v| v.reach))
        .collect();
    let union = reach.iter().fold(Mask::EMPTY, |m, r| m | *r);
    let Some(space) = Space::new(
        conds.iter().flatten().copied(),
        &view.domain,
        cells::BUDGET / steps.len(),
    ) else {
        out.push(Finding::new(
            a.warning(
                Code::AnalysisLimit,
                format!(
                    "{} routes on this day are too many to compare exactly",
                    steps.len()
                ),
            )
            .with_label(first.span, "the first of them")
            .with_help("overlaps and gaps between them were not checked; split the policy"),
            members.to_vec(),
        ));
        return;
    };
    let mut pairs: HashMap<(usize, usize), Pair> = HashMap::new();
    let mut uncovered = vec![false; space.money_cells()];
    let mut uncovered_combos = Mask::EMPTY;
    let mut gap_witness: Option<Witness> = None;
    let mut firing: Vec<usize> = Vec::with_capacity(steps.len());
    let mut fires = vec![false; steps.len()];
    for p in space.points() {
        for combo in union.iter() {
            let facts = p.facts(combo);
            firing.clear();
            for (i, (cond, r)) in conds.iter().zip(&reach).enumerate() {
                if r.contains(combo) && cond.is_none_or(|c| c.eval(&facts)) {
                    firing.push(i);
                }
            }
            if firing.is_empty() {
                if let Some(u) = uncovered.get_mut(p.money_cell) {
                    *u = true;
                }
                uncovered_combos = uncovered_combos | Mask::of(combo);
                gap_witness.get_or_insert(Witness { point: *p, combo });
            }
            // New pairs while there is room, then every pair kept that
            // fires here: linear in the routes firing together (a thousand
            // routes on one day made this loop quadratic).
            'new: for (x, &i) in firing.iter().enumerate() {
                for &j in &firing[x + 1..] {
                    if pairs.len() >= MAX_PAIRS {
                        break 'new;
                    }
                    pairs.entry((i, j)).or_insert_with(|| Pair {
                        witness: Witness { point: *p, combo },
                        combos: Mask::EMPTY,
                        cells: vec![false; space.money_cells()],
                    });
                }
            }
            for &i in &firing {
                fires[i] = true;
            }
            for (&(i, j), pair) in pairs.iter_mut() {
                if fires[i] && fires[j] {
                    pair.combos = pair.combos | Mask::of(combo);
                    if let Some(c) = pair.cells.get_mut(p.money_cell) {
                        *c = true;
                    }
                }
            }
            for &i in &firing {
                fires[i] = false;
            }
        }
    }
    let mut found: Vec<_> = pairs.into_iter().collect();
    found.sort_by_key(|(k, _)| *k);
    for ((i, j), pair) in found {
        let (Some(x), Some(y)) = (steps.get(i), steps.get(j)) else {
            continue;
        };
        out.push(overlap(a, x, y, &pair, &space));
    }
    if let Some(w) = gap_witness {
        out.push(gap(a, &steps, &space, &uncovered, uncovered_combos, w));
    }
}

fn overlap(a: &Analysis<'_>, x: &Step, y: &Step, pair: &Pair, space: &Space) -> Finding {
    let reach = [x, y]
        .iter()
        .filter_map(|s| a.view(s.id))
        .fold(Mask::EMPTY, |m, v| m | v.reach);
    let kind = kind_note(reach, pair.combos, pair.witness.combo.kind());
    let set = space.amounts(&pair.cells);
    let amounts = set.describe("amount", a.floor);
    let every = is_everything(a, &set);
    let amount = pair.witness.point.amount.normalize();
    let (invoice, matches) = if every {
        (
            format!("every invoice{kind}"),
            "fires for every invoice".to_string(),
        )
    } else {
        (
            format!("an invoice of {amount} {}{kind}", a.currency()),
            format!("matches {amount}"),
        )
    };
    let label = |s: &Step, text: &str| match &s.condition {
        Some(c) => (c.span, format!("`{}` {text}", describe_condition(&c.expr))),
        None => (s.action_span, format!("no condition: {text}")),
    };
    let (xs, xt) = label(x, &matches);
    let (ys, yt) = label(y, &format!("{matches} too"));
    let goes = if target(x) == target(y) {
        format!("{invoice} goes to `{}` twice", target(x))
    } else {
        format!("{invoice} goes to `{}` and to `{}`", target(x), target(y))
    };
    let both = if every {
        "every invoice".to_string()
    } else {
        format!("`{amounts}`")
    };
    let diagnostic = a
        .error(
            Code::OverlappingRoutes,
            format!("two routes fire for the same invoice on the same day: {goes}"),
        )
        .with_label(xs, xt)
        .with_label(ys, yt)
        .with_help(format!(
            "routes falling on one day ({}) must exclude each other, and both fire for {both}{kind}: \
             use `<` on one side and `>=` on the other (e.g. `amount < 15000` / `amount >= 15000`), \
             or move one to another day",
            a.when(x)
        ));
    Finding::new(diagnostic, vec![x.id, y.id])
}

fn gap(
    a: &Analysis<'_>,
    steps: &[&Step],
    space: &Space,
    uncovered: &[bool],
    combos: Mask,
    w: Witness,
) -> Finding {
    let reach = steps
        .iter()
        .filter_map(|s| a.view(s.id))
        .fold(Mask::EMPTY, |m, v| m | v.reach);
    let kind = kind_note(reach, combos, w.combo.kind());
    let set = space.amounts(uncovered);
    let what = if is_everything(a, &set) {
        format!("every invoice{kind}")
    } else {
        format!("`{}`{kind}", set.describe("amount", a.floor))
    };
    let Some(first) = steps.first() else {
        return Finding::new(
            a.warning(Code::RouteGap, "routes leave invoices unrouted"),
            vec![],
        );
    };
    let mut diagnostic = a.warning(
        Code::RouteGap,
        format!("the routes {} leave {what} unrouted", a.when(first)),
    );
    for s in steps {
        diagnostic = match &s.condition {
            Some(c) => diagnostic.with_label(
                c.span,
                format!(
                    "covers `{}`",
                    crate::suggest::short(&describe_condition(&c.expr))
                ),
            ),
            None => diagnostic.with_label(s.action_span, "covers everything"),
        };
    }
    diagnostic = diagnostic.with_help(format!(
        "an invoice of {} {}{kind} reaches this day and goes nowhere; extend a condition to \
         cover it, or add a route for it (if that is deliberate, say so with \
         `allow route_gap because \"…\"` above one of these routes)",
        w.point.amount.normalize(),
        a.currency()
    ));
    Finding::new(diagnostic, steps.iter().map(|s| s.id).collect())
}

/// ` for a b2c debtor` when the routes reach both kinds of debtor and the
/// problem concerns one.
fn kind_note(reach: Mask, problem: Mask, kind: crate::vocab::DebtorKind) -> String {
    if reach.debtor_kinds().len() > 1 && problem.debtor_kinds().len() == 1 {
        format!(" for a {kind} debtor")
    } else {
        String::new()
    }
}

/// Whether a set of amounts is every balance the policy chases.
fn is_everything(a: &Analysis<'_>, set: &IntervalSet) -> bool {
    set.is_all_from(a.floor)
}

fn target(step: &Step) -> &str {
    step.action.target().unwrap_or("?")
}

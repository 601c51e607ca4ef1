//! Limitation periods: a court route that can fall after the claim is
//! time-barred is too late. The period runs from the due date; a step timed
//! from the issue date is compared as if timed from the due date (an issue
//! date is never later). A mise en demeure does not interrupt it (FR), so
//! only the route's own day counts. The debtor's acknowledgment restarts
//! it (C. civ. 2240; BE, LU 2248), but only the ledger knows of one:
//! `policy simulate` and `policy run` refuse a route past the period
//! counted from the latest (law::time_barred); this check assumes none.

use super::analysis::{Analysis, Finding};
use super::courts;
use crate::diagnostic::Code;
use crate::vocab::DebtorKind;

pub fn check(a: &Analysis<'_>) -> Vec<Finding> {
    let Some(pack) = a.pack else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (step, view) in a.iter() {
        if view.reach.is_empty() || !courts::routes_to_court(a, &step.action) {
            continue;
        }
        // The shortest period among the debtors the route can reach.
        let Some((kind, fact)) = view
            .reach
            .debtor_kinds()
            .into_iter()
            .map(|k| (k, pack.limitation(k, a.plan.sector())))
            .min_by_key(|(_, f)| f.value)
        else {
            continue;
        };
        let limit = i64::from(fact.value) * 365;
        if view.time.range.max <= limit {
            continue;
        }
        let by_sector = kind == DebtorKind::B2c
            && a.plan.sector().is_none()
            && !pack.limitation_b2c_by_sector.is_empty();
        let sector_hint = if by_sector {
            "; the period depends on what the firm sells: declare it (`sector goods`, \
             `sector services`, `sector utility` or `sector lease`)"
        } else {
            ""
        };
        let years = if fact.value == 1 {
            "1 year".to_string()
        } else {
            format!("{} years", fact.value)
        };
        let d = a
            .warning(
                Code::LimitationPeriod,
                format!(
                    "this route can fall after the claim is time-barred: {years} after the due date{}",
                    a.for_kind(view.reach, kind)
                ),
            )
            .with_label(step.span, format!("{} ({})", a.when(step), view.time.range.describe()))
            .with_help(format!(
                "a claim against a {kind} debtor is time-barred {years} after it fell due ({}); \
                 route it to court sooner{sector_hint} (a written acknowledgment by the debtor, an \
                 `acknowledge` row, restarts the period: `policy simulate` and `policy run` count \
                 from it)",
                fact.source.cited()
            ));
        out.push(Finding::new(d, vec![step.id]));
    }
    out
}

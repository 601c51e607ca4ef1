//! The one adapter between a compiled step and the words `policy explain`
//! prints for it. Hover and the outline take a step's words from here only,
//! so they say what `explain` says.

use crate::explain;
use crate::plan::{Plan, Step};

/// A step in `explain`'s words: each cell with its column's name.
pub struct Words {
    pub step: String,
    pub when: String,
    pub condition: String,
    pub action: String,
    /// `(column name, cell)` for every column of the table but the step's
    /// number.
    pub columns: Vec<(String, String)>,
}

pub fn words(plan: &Plan, step: &Step) -> Words {
    let names = explain::header();
    let row = explain::row(plan, step);
    Words {
        step: row.step.clone(),
        when: row.when.clone(),
        condition: row.condition.clone(),
        action: row.action.clone(),
        columns: vec![
            (names.line, row.line),
            (names.day, row.day),
            (names.when, row.when),
            (names.condition, row.condition),
            (names.action, row.action),
            (names.channels, row.channels),
            (names.recipients, row.recipients),
        ],
    }
}

/// What the `day` column means.
pub(crate) const DAY_NOTE: &str = explain::DAY_NOTE;

/// The compiled step of a statement (same span), if the policy compiles.
pub(crate) fn of_statement(plan: Option<&Plan>, statement: crate::source::Span) -> Option<&Step> {
    plan?.steps.iter().find(|s| s.span.same_range(statement))
}

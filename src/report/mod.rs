//! The HTML report of `policy simulate` and `policy diff` for the people
//! who decide on a policy, a credit manager and a lawyer: one
//! self-contained page (no script, nothing loaded from elsewhere, so it
//! opens from an e-mail attachment; printable on A4) with the headline
//! figures, charts drawn as inline SVG, and tables a person can use.
//!
//! [`figures`] computes what the page shows, [`charts`] draws it, [`words`]
//! says it in French or English, [`layout`] (a simulation) and
//! [`comparison`] (a diff) order the sections and [`html`] writes them. [`provenance`] identifies the policy's version.
//! Long tables are cut (the page says how many rows are left out and how
//! to get them all), so that the report of a million invoices stays a few
//! hundred kilobytes. docs/report.md shows it.

mod charts;
mod comparison;
mod figures;
mod html;
mod layout;
pub mod provenance;
pub mod words;

pub use provenance::Provenance;
pub use words::Lang;

use crate::diff::Comparison;
use crate::ledger::Ledger;
use crate::plan::Plan;
use crate::simulate::{RunsFrom, Simulation};

/// The largest debtors listed.
pub(crate) const LARGEST_DEBTORS: usize = 50;
/// Rows of a long table (invoices routed, invoices changed per kind of
/// change) shown before "… and N more".
pub(crate) const ROWS: usize = 500;

/// What the report of one simulation is made of.
pub struct SimulationReport<'a> {
    pub plan: &'a Plan,
    pub policy: &'a Provenance,
    pub ledger: &'a Ledger,
    /// The ledger as named on the command line.
    pub ledger_name: &'a str,
    pub simulation: &'a Simulation,
    /// How the simulation was scheduled (`--runs-from`): the next steps
    /// of the largest debtors are scheduled the same way.
    pub runs_from: Option<RunsFrom<'a>>,
    pub lang: Lang,
}

/// The report of a simulation, as a complete HTML page.
pub fn simulation(report: &SimulationReport<'_>) -> String {
    layout::simulation(report)
}

/// One version of a policy in a comparison.
pub struct Side<'a> {
    pub plan: &'a Plan,
    pub policy: &'a Provenance,
}

/// What the report of a comparison is made of.
pub struct DiffReport<'a> {
    pub before: Side<'a>,
    pub after: Side<'a>,
    pub comparison: &'a Comparison,
    pub ledger: &'a Ledger,
    pub ledger_name: &'a str,
    pub lang: Lang,
}

/// The report of a comparison of two versions, as a complete HTML page.
pub fn diff(report: &DiffReport<'_>) -> String {
    comparison::page(report)
}

#[cfg(test)]
mod tests;

//! What `policy simulate` produces, minus the command line: its formats,
//! the simulation streamed as CSV or made whole for the others, and what
//! it leaves to say once written (the routes the law refuses, the claims
//! above a court's ceiling).

use std::io::{self, Write};
use std::path::Path;

use super::{ChargeResolver, RunsFrom, Simulation, Summary, Window, ceilings, output};
use crate::claim::RateTable;
use crate::diagnostic::Diagnostic;
use crate::ledger::Ledger;
use crate::plan::Plan;

/// Findings and warnings of one kind beyond this many are not listed.
const LISTED: usize = 20;

/// The product's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// For people, on a terminal.
    Table,
    Json,
    Csv,
    /// The report for people (docs/report.md).
    Html,
}

impl Format {
    pub(crate) const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Csv, Format::Html];

    /// The name a user gives (`--format csv`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// The format when none is given: HTML for an `output` named `….html`,
    /// a table on a `terminal` (stdout, no output file), else CSV.
    pub(crate) fn default_for(output: Option<&Path>, terminal: bool) -> Format {
        if output.and_then(Path::extension) == Some("html".as_ref()) {
            Format::Html
        } else if output.is_none() && terminal {
            Format::Table
        } else {
            Format::Csv
        }
    }
}

/// A simulation as its product needed it.
pub(crate) enum Simulated {
    /// Streamed as CSV: only the summary and the events of the invoices
    /// routed near a court's ceiling are kept.
    Streamed(output::Streamed),
    /// Made whole (a table, JSON, the HTML report).
    Whole(Simulation),
}

/// What a simulation is of.
pub(crate) struct Inputs<'a> {
    pub plan: &'a Plan,
    pub ledger: &'a Ledger,
    pub window: Window,
    pub resolver: &'a dyn ChargeResolver,
    pub runs_from: Option<RunsFrom<'a>>,
}

/// Simulates into `out`: CSV as it is simulated (a million invoices'
/// events are not built first), any other product by `whole` from the
/// whole simulation. The simulation is kept even when writing failed (a
/// closed pipe), so that its findings are still said; not when the CSV
/// could not be written.
pub(crate) fn simulate_into(
    inputs: Inputs<'_>,
    csv: bool,
    out: &mut dyn Write,
    whole: impl FnOnce(&Simulation, &mut dyn Write) -> io::Result<()>,
) -> (Option<Simulated>, io::Result<()>) {
    let Inputs {
        plan,
        ledger,
        window,
        resolver,
        runs_from,
    } = inputs;
    if csv {
        return match output::csv_streamed(plan, ledger, window, resolver, runs_from, out) {
            Ok(streamed) => (Some(Simulated::Streamed(streamed)), Ok(())),
            Err(e) => (None, Err(e)),
        };
    }
    let simulation = super::simulate_runs(plan, ledger, window, resolver, runs_from);
    let written = whole(&simulation, out);
    (Some(Simulated::Whole(simulation)), written)
}

impl Simulated {
    pub(crate) fn summary(&self) -> &Summary {
        match self {
            Simulated::Streamed(streamed) => &streamed.summary,
            Simulated::Whole(simulation) => &simulation.summary,
        }
    }

    /// The routes the law does not allow for their debtor (not fired, and
    /// a finding), and the claims that interest and indemnity take above a
    /// court's ceiling (warnings); the first twenty of each.
    pub(crate) fn findings(
        &self,
        plan: &Plan,
        ledger: &Ledger,
        rates: &RateTable,
    ) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let refused = super::refusals(plan, ledger, &self.summary().refused, LISTED);
        let (routes, of_invoices) = match self {
            Simulated::Whole(simulation) => ceilings::routes_of(plan, || simulation.events()),
            Simulated::Streamed(streamed) => {
                ceilings::routes_of(plan, || streamed.near_ceiling.iter())
            }
        };
        let above = ceilings::above_ceiling(plan, ledger, &routes, &of_invoices, rates, LISTED);
        (refused, above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_format_follows_the_output() {
        let html = Some(Path::new("report.html"));
        assert_eq!(Format::default_for(html, true), Format::Html);
        assert_eq!(Format::default_for(html, false), Format::Html);
        assert_eq!(Format::default_for(None, true), Format::Table);
        assert_eq!(Format::default_for(None, false), Format::Csv);
        let csv = Some(Path::new("events.csv"));
        assert_eq!(Format::default_for(csv, true), Format::Csv);
    }

    #[test]
    fn names_are_the_ones_a_user_types() {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["table", "json", "csv", "html"]);
    }
}

//! `policy watch --ledger`: under each policy that compiles, a short
//! simulation summary on a ledger, and what changed on it since the policy's
//! previous successful check ([`crate::diff`]).
//!
//! The ledger is read once (per currency of the policies watched) and read
//! again only when its files have changed since, at the next check.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::NaiveDate;

use crate::diagnostic::render::{self, Style};
use crate::diff::{self, render as report};
use crate::ledger::{self, Ledger, ReadOptions};
use crate::plan::Plan;
use crate::simulate::{self, AsWritten, Window};

/// The per-file hook of a watch with a ledger.
#[derive(Debug)]
pub struct LedgerSummaries {
    ledger: PathBuf,
    debtors: Option<PathBuf>,
    /// The ledger as the summaries name it.
    shown: String,
    /// Last day simulated; `None`: today, on each check.
    pub to: Option<NaiveDate>,
    reads: Vec<LedgerRead>,
    /// Each policy's last report: its plan, the ledger's stamp, the summary.
    last: HashMap<PathBuf, Last>,
}

/// What a policy's last report was made from, and said.
#[derive(Debug)]
struct Last {
    plan: Plan,
    stamp: Stamp,
    summary: simulate::Summary,
}

/// The ledger as read in one currency, with the files' stamp it was read at.
#[derive(Debug)]
struct LedgerRead {
    currency: &'static str,
    stamp: Stamp,
    /// The ledger, or why it cannot be read (as text for the report).
    ledger: Result<Ledger, String>,
}

/// When the ledger and debtors files were last changed, and their sizes.
type Stamp = Vec<Option<(SystemTime, u64)>>;

impl LedgerSummaries {
    /// Summaries on `ledger` (its debtors: `debtors`, or `debtors.csv`
    /// beside it). Nothing is read until the first check.
    pub fn new(ledger: PathBuf, debtors: Option<PathBuf>) -> Self {
        LedgerSummaries {
            shown: ledger.display().to_string(),
            ledger,
            debtors,
            to: None,
            reads: Vec::new(),
            last: HashMap::new(),
        }
    }

    /// The lines to show under a policy that compiled: its summary on the
    /// ledger, and what changed since its last report: the policy's effect
    /// when the policy changed, the figures that moved when the ledger did.
    pub fn summary(&mut self, path: &Path, plan: &Plan) -> Option<String> {
        let window = Window {
            from: None,
            to: self.to.unwrap_or_else(|| chrono::Local::now().date_naive()),
        };
        let shown = self.shown.clone();
        let stamp = self.stamp();
        let previous = self.last.remove(path);
        let ledger = match self.ledger_in(plan.currency.value) {
            Ok(ledger) => ledger,
            Err(problem) => return Some(problem.to_string()),
        };
        let columns = crate::ledger::debtor_columns(&ledger.debtors);
        let unknown = crate::check::columns::unknown_columns(plan, &columns, "the debtors file");
        if !unknown.is_empty() {
            let lines: Vec<String> = unknown
                .iter()
                .map(|d| format!("{} ({})", d.message, d.help.as_deref().unwrap_or_default()))
                .collect();
            return Some(lines.join("\n"));
        }
        let (text, summary) = match previous {
            Some(previous)
                if previous.stamp == stamp
                    && previous.plan.currency.value == plan.currency.value =>
            {
                let comparison = diff::compare(&previous.plan, plan, ledger, window, &AsWritten);
                let mut text = report::brief(plan, &comparison.after, &shown);
                text.push_str(&report::since(&comparison));
                (text, comparison.after)
            }
            Some(previous) => {
                let simulation = simulate::simulate(plan, ledger, window, &AsWritten);
                let mut text = report::brief(plan, &simulation.summary, &shown);
                text.push_str(&report::book_changed(
                    plan,
                    &previous.summary,
                    &simulation.summary,
                ));
                (text, simulation.summary)
            }
            None => {
                let simulation = simulate::simulate(plan, ledger, window, &AsWritten);
                (
                    report::brief(plan, &simulation.summary, &shown),
                    simulation.summary,
                )
            }
        };
        self.last.insert(
            path.to_path_buf(),
            Last {
                plan: plan.clone(),
                stamp,
                summary,
            },
        );
        Some(text)
    }

    /// The ledger and debtors files, for a watch to follow.
    pub fn files(&self) -> Vec<PathBuf> {
        vec![self.ledger.clone(), self.debtors_path()]
    }

    fn debtors_path(&self) -> PathBuf {
        self.debtors.clone().unwrap_or_else(|| {
            self.ledger
                .parent()
                .unwrap_or(Path::new("."))
                .join("debtors.csv")
        })
    }

    /// The ledger read in `currency`, read again if its files
    /// changed.
    fn ledger_in(&mut self, currency: &'static str) -> Result<&Ledger, &str> {
        let stamp = self.stamp();
        let at = match self.reads.iter().position(|b| b.currency == currency) {
            Some(at) if self.reads[at].stamp == stamp => at,
            found => {
                let read = LedgerRead {
                    currency,
                    stamp,
                    ledger: self.read(currency),
                };
                match found {
                    Some(at) => {
                        self.reads[at] = read;
                        at
                    }
                    None => {
                        self.reads.push(read);
                        self.reads.len() - 1
                    }
                }
            }
        };
        self.reads[at].ledger.as_ref().map_err(String::as_str)
    }

    fn stamp(&self) -> Stamp {
        let debtors = self.debtors_path();
        [&self.ledger, &debtors]
            .iter()
            .map(|path| {
                let meta = std::fs::metadata(path).ok()?;
                Some((meta.modified().ok()?, meta.len()))
            })
            .collect()
    }

    fn read(&self, currency: &'static str) -> Result<Ledger, String> {
        let options = ReadOptions {
            currency,
            ..ReadOptions::default()
        };
        let loaded = ledger::read(&self.ledger, self.debtors.as_deref(), &options)
            .map_err(|d| render::human(&d, Style::plain()))?;
        match loaded.ledger {
            Some(ledger) => Ok(ledger),
            None => {
                let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
                let mut text = format!(
                    "cannot simulate: {} has {} {} (`policy simulate` lists them); the first:\n",
                    self.shown,
                    errors.len(),
                    if errors.len() == 1 { "error" } else { "errors" }
                );
                if let Some(first) = errors.first() {
                    text.push_str(&render::human(first, Style::plain()));
                }
                Err(text)
            }
        }
    }
}

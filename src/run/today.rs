//! One `policy run` from its inputs read to what it did: the dry run (the
//! journal only read) and the real run (the journal opened and locked, the
//! day readied, the actions performed, their answers sorted). What is met
//! on the way is said through [`Say`] as it comes; the report for stdout
//! is the [`Outcome`]'s text. The command line reads the inputs and prints.

use std::path::Path;

use chrono::NaiveDate;

use super::freshness::Freshness;
use super::session::{self, Day, Materials, Stop};
use super::{Job, Prepared, Ready, report};
use crate::claim::RateTable;
use crate::diagnostic::Diagnostic;
use crate::journal::{self, Journal, Options, Snapshot};
use crate::ledger::Ledger;
use crate::plan::Plan;

/// Where a run tells a person what it meets, in order (the command line:
/// stderr).
pub(crate) trait Say {
    /// Diagnostics worth showing: warnings, actions skipped or refused.
    fn report(&mut self, diagnostics: &[Diagnostic]);
    /// A line for people.
    fn note(&mut self, text: String);
}

/// What a run did.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The report on stdout: the actions as a table, the counts under it.
    pub text: String,
    /// Something is left for a person (an action that failed or a route
    /// refused, an e-mail whose sending is uncertain): exit 1.
    pub findings: bool,
    /// The failure that stopped the run after its first actions; `text`
    /// says how far it went.
    pub stopped: Option<Diagnostic>,
}

/// How a run's records and task rows name its files, and the policy's
/// version: what a [`Job`] borrows.
#[derive(Debug)]
pub(crate) struct Names {
    pub policy_name: String,
    pub policy_file: String,
    pub policy_sha256: String,
    pub firm_file: String,
    pub debtors_file: String,
}

impl Names {
    /// The names of the policy at `policy` (its text `text`), the firm's
    /// details file and the debtors file.
    pub fn new(policy: &Path, text: &str, firm_file: &Path, debtors_file: String) -> Names {
        Names {
            policy_name: policy.file_name().map_or_else(
                || policy.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            policy_file: policy.display().to_string(),
            policy_sha256: journal::sha256_hex(text.as_bytes()),
            firm_file: firm_file.display().to_string(),
            debtors_file,
        }
    }

    /// The run's work on `as_of`.
    pub fn job<'a>(
        &'a self,
        plan: &'a Plan,
        ledger: &'a Ledger,
        materials: &'a Materials,
        rates: &'a RateTable,
        as_of: NaiveDate,
    ) -> Job<'a> {
        Job {
            plan,
            policy_name: &self.policy_name,
            policy_file: &self.policy_file,
            policy_sha256: &self.policy_sha256,
            ledger,
            templates: materials.templates.as_ref(),
            firm: &materials.firm,
            firm_file: &self.firm_file,
            debtors_file: &self.debtors_file,
            rates,
            as_of,
        }
    }
}

/// `--dry-run`: the day planned and rendered against the journal as it
/// is, nothing written.
pub(crate) fn rehearse(
    day: &Day<'_>,
    job: &Job<'_>,
    mut warnings: Vec<Diagnostic>,
    say: &mut dyn Say,
) -> Result<Outcome, Stop> {
    let snapshot = Snapshot::read(day.journal).map_err(|d| vec![d])?;
    session::backdate(day, job.as_of, snapshot.last_day()).map_err(|d| vec![d])?;
    let prepared = session::prepare(job, &snapshot, &mut warnings, &mut |text| say.note(text));
    let prepared = prepared.inspect_err(|_| {
        say.note("a template cannot be rendered: nothing was written or sent".into());
    })?;
    say_prepared(say, &warnings, &prepared);
    Ok(Outcome {
        text: report::rehearsal(&prepared),
        findings: report::left_for_a_person(&prepared),
        stopped: None,
    })
}

/// The run: the journal opened (created on the first run, with its
/// folder), the day readied and performed ([`session::perform`]: each part
/// of the day performed while the next ones render), then what the day met
/// and the server's answers said.
pub(crate) fn perform(
    day: &Day<'_>,
    job: &Job<'_>,
    hook: Option<journal::Hook>,
    mut warnings: Vec<Diagnostic>,
    freshness: &Freshness,
    say: &mut dyn Say,
) -> Result<Outcome, Stop> {
    let mut journal = open(day.journal, hook).map_err(|d| vec![d])?;
    let performed = session::perform(
        day,
        job,
        &mut journal,
        &mut warnings,
        freshness,
        &mut |text| say.note(text),
    );
    let (prepared, executed) = match performed {
        Ok(performed) => performed,
        Err(stop) => {
            // Nothing of the day was done: a journal this run created goes
            // again, so that "nothing was written" is true.
            journal.discard_if_unused();
            return Err(stop);
        }
    };
    say_prepared(say, &warnings, &prepared);
    if !prepared.failed.is_empty() && prepared.ready.is_empty() {
        say.note("no communication could be produced: nothing was written or sent".into());
    }
    let done: Vec<&Ready> = executed
        .done
        .iter()
        .filter_map(|&i| prepared.ready.get(i))
        .collect();
    let (refused, uncertain) = session::answers(&executed, &prepared.ready, day.journal);
    say.report(&refused);
    say.report(&uncertain);
    let head = journal.head();
    if let Some((_, stop)) = executed.stopped {
        journal.discard_if_unused();
        return Ok(Outcome {
            text: report::stopped(&done, prepared.ready.len(), &head),
            findings: true,
            stopped: Some(stop),
        });
    }
    Ok(Outcome {
        text: report::performed(&done, &prepared, day.journal, &head),
        findings: !uncertain.is_empty() || report::left_for_a_person(&prepared),
        stopped: None,
    })
}

/// What the day's preparation met, in the order a person reads it.
fn say_prepared(say: &mut dyn Say, warnings: &[Diagnostic], prepared: &Prepared) {
    say.report(warnings);
    say.report(&prepared.skipped);
    say.report(&prepared.refused);
    say.report(&super::failures::report(&prepared.failed));
}

/// Opens the journal, locked, creating its folder on the first run.
fn open(path: &Path, hook: Option<journal::Hook>) -> Result<Journal, Diagnostic> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| crate::load::io_error(crate::load::Op::Create, parent, &e))?;
    }
    let options = Options {
        run: None,
        hook,
        clock: None,
    };
    Journal::open(path, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_show_the_policy_file_and_hash_its_text() {
        let names = Names::new(
            Path::new("policies/lu.policy"),
            "text",
            Path::new("policies/firm.toml"),
            "debtors.csv".into(),
        );
        assert_eq!(names.policy_name, "lu.policy");
        assert_eq!(names.policy_file, "policies/lu.policy");
        assert_eq!(names.policy_sha256, journal::sha256_hex(b"text"));
        assert_eq!(names.firm_file, "policies/firm.toml");
        assert_eq!(names.debtors_file, "debtors.csv");
    }

    #[test]
    fn the_first_run_creates_the_journal_s_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/folder/journal.jsonl");
        let journal = open(&path, None).unwrap();
        assert_eq!(journal.head().seq, 0);
        assert!(path.parent().unwrap().is_dir());
    }
}

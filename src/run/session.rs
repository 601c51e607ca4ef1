//! A run's day around the perform loop: the guards before the first action
//! (a backdated day, an interrupted run to recover, the templates, the
//! outbox, the SMTP server) and what is said about the actions after it.
//! The command line only gathers the inputs and prints.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::execute::{Executed, Executor};
use super::smtp::Smtp;
use super::{Job, Known, Prepared, Ready};
use crate::diagnostic::{Code, Diagnostic};
use crate::journal::{self, Journal, Point};
use crate::letters::{Firm, Templates};

/// Where a run's day is written and how it may go.
#[derive(Debug, Clone, Copy)]
pub struct Day<'a> {
    pub journal: &'a Path,
    pub outbox: &'a Path,
    /// Also hand e-mails to this SMTP server (`smtp://…`).
    pub smtp: Option<&'a str>,
    /// A day before the journal's last run is allowed (`--allow-backdate`).
    pub allow_backdate: bool,
}

/// Why a run stops; the command line decides the exit from their codes.
pub(crate) type Stop = Vec<Diagnostic>;

/// What letters are made of: the policy's templates and the firm's details.
#[derive(Debug)]
pub(crate) struct Materials {
    pub templates: Option<Templates>,
    pub firm: Firm,
    /// Where the firm's details were read (`firm.toml` beside the policy
    /// unless given).
    pub firm_file: PathBuf,
    /// A missing firm file, empty fields.
    pub warnings: Vec<Diagnostic>,
}

impl Materials {
    /// Loads the templates folder of `plan` (kept inside `root`, else
    /// `dir`) and the firm's details (`firm`, else `dir/firm.toml`).
    pub fn load(
        plan: &crate::plan::Plan,
        dir: &Path,
        root: Option<&Path>,
        firm: Option<&Path>,
    ) -> Result<Materials, Stop> {
        let templates = match &plan.templates {
            Some(folder) => {
                let path = crate::check::templates::resolve(dir, root, &folder.value)
                    .map_err(|escape| vec![escape.diagnostic(&folder.value)])?;
                Some(Templates::load(&path)?)
            }
            None => None,
        };
        let firm_file = firm.map_or_else(
            || dir.join(crate::letters::firm::DEFAULT_NAME),
            Path::to_path_buf,
        );
        let details = crate::letters::firm::read(&firm_file).map_err(|d| vec![d])?;
        Ok(Materials {
            templates,
            firm: details.firm,
            firm_file,
            warnings: details.warnings,
        })
    }
}

/// The staleness guard: nothing is written on stale payments, unless
/// `accept` (a warning then).
pub fn fresh(
    plan: &crate::plan::Plan,
    ledger: &crate::ledger::Ledger,
    ledger_file: &Path,
    as_of: NaiveDate,
    accept: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Result<super::freshness::Freshness, Stop> {
    let freshness = super::freshness::Freshness::measure(plan, ledger, ledger_file, as_of)
        .map_err(|d| vec![d])?;
    if !freshness.fresh {
        if accept {
            warnings.push(freshness.diagnostic(ledger_file, true));
        } else {
            return Err(vec![freshness.diagnostic(ledger_file, false)]);
        }
    }
    Ok(freshness)
}

/// A run's day once the journal is open: refuse a backdated day, recover
/// an interrupted run, plan the day, check its templates, the outbox and
/// the SMTP server, record an allowed backdate, then render the day and
/// perform it, each part of it performed while the next ones render. A failure
/// before the first action leaves nothing written but what a recovery
/// recorded, and says so through `note`.
pub fn perform(
    day: &Day<'_>,
    job: &Job<'_>,
    journal: &mut Journal,
    warnings: &mut Vec<Diagnostic>,
    freshness: &super::freshness::Freshness,
    note: &mut dyn FnMut(String),
) -> Result<(Prepared, Executed), Stop> {
    backdate(day, job.as_of, journal.last_day()).map_err(|d| vec![d])?;
    warnings.extend(journal.warnings().iter().cloned());
    let recovery = journal.recover(day.outbox).map_err(|d| vec![d])?;
    warnings.extend(recovery.warnings);
    if !recovery.committed.is_empty() || !recovery.aborted.is_empty() {
        note(format!(
            "recovered an interrupted run: {} action(s) found complete, {} to do again",
            recovery.committed.len(),
            recovery.aborted.len()
        ));
    }
    let today = super::plan_today(job, &*journal);
    if !today.templates_serve(job) {
        // Rendered whole first, so that a template that fails every
        // letter alike stops the run before anything is written.
        let rendered = today.render(job, None);
        let prepared = located(job, rendered, warnings, note).inspect_err(|_| {
            note(format!(
                "a template cannot be rendered: {}",
                nothing_written(journal)
            ));
        })?;
        let mut transport = start(day, job, journal, freshness)?;
        let executed =
            super::execute::execute(journal, &prepared.ready, day.outbox, transport.as_mut());
        return Ok((prepared, executed));
    }
    let mut transport = start(day, job, journal, freshness)?;
    let mut executor = Executor::new(journal, day.outbox, transport.as_mut());
    let mut perform = |ready: &mut [Ready], all: bool| {
        let from = executor.performed();
        executor.advance(ready, all);
        // Written: their bytes are not needed any more (a catch-up holds
        // tens of thousands of letters).
        for done in ready
            .get_mut(from..executor.performed())
            .unwrap_or_default()
        {
            done.bytes = Vec::new();
        }
    };
    let rendered = today.render(job, Some(&mut perform));
    let executed = executor.executed;
    let prepared = located(job, rendered, warnings, note)?;
    Ok((prepared, executed))
}

/// The checks and records between the day's plan and its first action:
/// the outbox can be written, the SMTP server answers, an allowed backdate
/// is recorded.
fn start(
    day: &Day<'_>,
    job: &Job<'_>,
    journal: &mut Journal,
    freshness: &super::freshness::Freshness,
) -> Result<Option<Smtp>, Stop> {
    writable(day.outbox, &nothing_written(journal)).map_err(|d| vec![d])?;
    let transport = match day.smtp {
        Some(url) => Some(Smtp::connect(url, &job.firm.email).map_err(|mut d| {
            // Say exactly what the run wrote before it stopped.
            if let Some(help) = d.help.as_mut() {
                *help = help.replace("nothing was produced", &nothing_written(journal));
            }
            vec![d]
        })?),
        None => None,
    };
    journal.record_backdate(job.as_of).map_err(|d| vec![d])?;
    journal.record_data(freshness, !freshness.fresh);
    Ok(transport)
}

/// Plans and renders the day, the failures located in the debtors file.
pub fn prepare(
    job: &Job<'_>,
    known: &dyn Known,
    warnings: &mut Vec<Diagnostic>,
    note: &mut dyn FnMut(String),
) -> Result<Prepared, Stop> {
    located(job, super::prepare(job, known), warnings, note)
}

/// The day rendered, its failures located in the debtors file and its
/// warnings taken into `warnings`.
fn located(
    job: &Job<'_>,
    rendered: Result<Prepared, Stop>,
    warnings: &mut Vec<Diagnostic>,
    note: &mut dyn FnMut(String),
) -> Result<Prepared, Stop> {
    let mut prepared = rendered.inspect_err(|_| {
        note("the templates cannot serve the policy: nothing was written or sent".into());
    })?;
    super::locate(&mut prepared.failed, Path::new(job.debtors_file));
    warnings.append(&mut prepared.warnings);
    Ok(prepared)
}

/// What a run that stops before its first action has written: nothing, or
/// only the recovery of an interrupted run.
fn nothing_written(journal: &Journal) -> String {
    if journal.appended() == 0 {
        "nothing was written or sent".to_string()
    } else {
        format!(
            "no letter was written or sent (the journal recorded the recovery of an interrupted \
             run: {} record(s))",
            journal.appended()
        )
    }
}

/// Refuses a run for a day before the journal's last run, unless
/// `--allow-backdate`: a typo in `--as-of` would otherwise date letters
/// before ones already sent.
pub fn backdate(
    day: &Day<'_>,
    as_of: NaiveDate,
    last_day: Option<NaiveDate>,
) -> Result<(), Diagnostic> {
    match last_day {
        Some(last) if as_of < last && !day.allow_backdate => Err(Diagnostic::error(
            Code::BackdatedRun,
            format!("`--as-of {as_of}` is before the journal's last run, on {last}"),
        )
        .with_help(
            "a run does what is due on its day given what the journal holds: an earlier day \
             would date letters before ones already sent. Nothing was written. If you mean it \
             (a missed day done now), run again with `--allow-backdate`: the journal records \
             that the run was backdated",
        )
        .in_path(day.journal.display().to_string())),
        _ => Ok(()),
    }
}

/// An outbox that cannot be written is found before the first action, not
/// in the middle of the run.
fn writable(outbox: &Path, nothing_written: &str) -> Result<(), Diagnostic> {
    // A new file of a random name (`O_EXCL`), removed when dropped: a link
    // planted in the outbox is never written through.
    std::fs::create_dir_all(outbox)
        .and_then(|()| {
            tempfile::Builder::new()
                .prefix(".policy-write-test")
                .tempfile_in(outbox)
        })
        .and_then(|mut probe| std::io::Write::write_all(&mut probe, b"ok"))
        .map_err(|e| {
            let (why, help) = crate::load::write_cause(&e);
            Diagnostic::error(
                Code::WriteFailed,
                format!("cannot write in the outbox `{}`: {why}", outbox.display()),
            )
            .with_help(format!("{help}; {nothing_written}"))
            .in_path(outbox.display().to_string())
        })
}

/// What the server's refusals and lost answers mean for the user: a
/// warning per refused e-mail (the next run retries it), an error per
/// uncertain one (a person resolves it).
pub fn answers(
    executed: &Executed,
    ready: &[Ready],
    journal: &Path,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let at = |i: usize| ready.get(i);
    let refused = executed
        .refused
        .iter()
        .filter_map(|(i, answer)| at(*i).map(|ready| (ready, answer)))
        .map(|(ready, answer)| {
            Diagnostic::warning(
                Code::SmtpUnavailable,
                format!(
                    "the server refused the e-mail `{}` to {}: {answer}",
                    ready.action.step.id, ready.action.to
                ),
            )
            .with_help("nothing was sent; the next run tries again")
            .in_path(ready.output.clone())
        })
        .collect();
    let uncertain = executed
        .uncertain
        .iter()
        .filter_map(|(i, intent, reason)| at(*i).map(|ready| (ready, intent, reason)))
        .map(|(ready, intent, reason)| {
            Diagnostic::error(
                Code::JournalUncertain,
                format!(
                    "e-mail `{}` to {} may or may not have been sent: {reason}",
                    ready.action.step.id, ready.action.to
                ),
            )
            .with_help(format!(
                "check the server's log or the mailbox, then `policy journal resolve {} {intent} --sent` (or `--not-sent`)",
                journal.display()
            ))
            .in_path(journal.display().to_string())
        })
        .collect();
    (refused, uncertain)
}

/// What the hidden test aids do at their point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Stop forever (`--pause-at`), so that a test can kill the process.
    Pause,
    /// Panic (`--panic-at`), as a bug would.
    Panic,
}

/// The hook of the test aids `--pause-at` and `--panic-at` (the first
/// given); `Err` holds a spec that is not `POINT:N`.
pub(crate) fn faults<'a>(
    pause_at: Option<&'a str>,
    panic_at: Option<&'a str>,
) -> Result<Option<journal::Hook>, &'a str> {
    let (spec, fault) = match (pause_at, panic_at) {
        (Some(spec), _) => (spec, Fault::Pause),
        (None, Some(spec)) => (spec, Fault::Panic),
        (None, None) => return Ok(None),
    };
    fault_hook(spec, fault).map(Some).ok_or(spec)
}

/// The hook of `--pause-at` / `--panic-at POINT:N`: the fault at a write
/// point of action N; `None` when `spec` is not `POINT:N`.
pub(crate) fn fault_hook(spec: &str, fault: Fault) -> Option<journal::Hook> {
    let (point, at) = spec.split_once(':')?;
    let point = Point::parse(point)?;
    let at: usize = at.parse().ok()?;
    // The `at`-th time the run reaches `point`: the `at`-th action's, in a
    // batch as one at a time.
    let mut seen = 0usize;
    Some(Box::new(move |reached| {
        if reached == point {
            seen += 1;
        }
        if reached == point && seen == at {
            if fault == Fault::Panic {
                #[allow(clippy::panic, reason = "a test aid: the panic hook's crash test")]
                {
                    panic!("--panic-at {}:{at}", point.as_str());
                }
            }
            let mut out = std::io::stdout().lock();
            let _ = std::io::Write::write_all(
                &mut out,
                format!("paused at {}\n", point.as_str()).as_bytes(),
            );
            let _ = std::io::Write::flush(&mut out);
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Ok(())
    }))
}

//! `policy run POLICY --ledger L --journal J --outbox DIR [--as-of DATE]
//! [--dry-run] [--smtp URL]`: the letters, e-mails and tasks due, exactly
//! once. The order of work (docs/run.md): check the policy, read the book,
//! open and verify the journal (locked), recover an interrupted run, render
//! everything, and only then write, one action at a time through the
//! journal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::inputs::LedgerArgs;
use super::{Context, Exit, note, print_stdout};
use crate::check::templates;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::journal::{self, Journal, Options, Point, Snapshot};
use crate::letters::{self, Templates};
use crate::load;
use crate::run::{self, Job, Known, Prepared, Ready, smtp::Smtp};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,

    #[command(flatten)]
    book: LedgerArgs,

    /// Do what is due up to this day [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,

    /// The audit journal (created on the first run; keep it, and back it up).
    #[arg(long, value_name = "FILE")]
    journal: PathBuf,

    /// Where letters, e-mails and task lists are written.
    #[arg(long, value_name = "DIR")]
    outbox: PathBuf,

    /// Show what would be done; write nothing, send nothing.
    #[arg(long)]
    dry_run: bool,

    /// The firm's details [default: firm.toml beside the policy].
    #[arg(long, value_name = "FILE")]
    firm: Option<PathBuf>,

    /// Also send the e-mails through this SMTP server
    /// (`smtp://host:25`, `smtps://user:password@host:465`).
    #[arg(long, value_name = "URL")]
    smtp: Option<String>,

    /// Send even when the book's payments are older than the policy's
    /// `payments fresh within` (3 business days by default); the journal
    /// records that the run accepted stale data.
    #[arg(long)]
    accept_stale: bool,

    /// Allow a day before the journal's last run (refused otherwise, exit
    /// 2); the journal records that the run was backdated.
    #[arg(long)]
    allow_backdate: bool,

    /// Test aid: pause forever at POINT of action N (`after-output:2`), for
    /// crash tests.
    #[arg(long, hide = true, value_name = "POINT:N")]
    pause_at: Option<String>,

    /// Test aid: panic at POINT of action N, as a bug would, for the crash
    /// tests of the panic hook.
    #[arg(long, hide = true, value_name = "POINT:N", conflicts_with = "pause_at")]
    panic_at: Option<String>,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    match execute(args, context) {
        Ok(exit) => exit,
        Err(diagnostics) => context.stop(&diagnostics),
    }
}

/// What stopped the run; its exit is [`Exit::of`] its errors.
type Failed = Diagnostics;

fn failed(diagnostic: Diagnostic) -> Failed {
    Diagnostics::from(vec![diagnostic])
}

fn execute(args: &Args, context: &Context) -> Result<Exit, Failed> {
    let fault = match (&args.pause_at, &args.panic_at) {
        (Some(spec), _) => Some((spec.as_str(), Fault::Pause)),
        (None, Some(spec)) => Some((spec.as_str(), Fault::Panic)),
        (None, None) => None,
    };
    if let Some((spec, _)) = fault.filter(|&(spec, f)| fault_hook(spec, f).is_none()) {
        note(format_args!(
            "error: `{spec}`: --pause-at and --panic-at take POINT:N, e.g. after-output:2"
        ));
        return Ok(Exit::Failure);
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());

    // The policy.
    let source = load::read_policy(&args.policy).map_err(failed)?;
    let dir = args.policy.parent().unwrap_or(Path::new("."));
    let checked = context.check_policy(&source, dir);
    let Some(plan) = checked.plan else {
        note(format_args!(
            "the policy has errors: nothing was done (`policy check {}`)",
            args.policy.display()
        ));
        return Err(checked.diagnostics);
    };
    context.policy_warnings(&args.policy, &checked.diagnostics);
    let mut warnings: Vec<Diagnostic> = Vec::new();

    // What letters are made of.
    let templates = match &plan.templates {
        Some(folder) => {
            let path = templates::resolve(dir, context.templates_root.as_deref(), &folder.value)
                .map_err(|escape| failed(escape.diagnostic(&folder.value)))?;
            Some(Templates::load(&path).map_err(Diagnostics::from)?)
        }
        None => None,
    };
    let firm_path = args
        .firm
        .clone()
        .unwrap_or_else(|| dir.join(letters::firm::DEFAULT_NAME));
    let firm = letters::firm::read(&firm_path).map_err(failed)?;
    warnings.extend(firm.warnings);
    let rates = &context.rates;

    // The book.
    let (book, book_warnings) = args.book.read(plan.currency.value, &[&plan])?;
    warnings.extend(book_warnings);

    // The staleness guard: nothing is written on stale payments.
    let freshness = run::freshness::Freshness::measure(&plan, &book, &args.book.ledger, as_of)
        .map_err(failed)?;
    if !freshness.fresh {
        if args.accept_stale || args.dry_run {
            warnings.push(freshness.diagnostic(&args.book.ledger, true));
        } else {
            return Err(failed(freshness.diagnostic(&args.book.ledger, false)));
        }
    }

    let policy_name = args.policy.file_name().map_or_else(
        || args.policy.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let policy_file = args.policy.display().to_string();
    let policy_sha256 = journal::sha256_hex(source.text().as_bytes());
    let firm_file = firm_path.display().to_string();
    let debtors_file = args.book.debtors_name();
    let job = Job {
        plan: &plan,
        policy_name: &policy_name,
        policy_file: &policy_file,
        policy_sha256: &policy_sha256,
        ledger: &book,
        templates: templates.as_ref(),
        firm: &firm.firm,
        firm_file: &firm_file,
        debtors_file: &debtors_file,
        rates,
        as_of,
    };

    if args.dry_run {
        let snapshot = Snapshot::read(&args.journal).map_err(failed)?;
        backdate(args, as_of, snapshot.last_day()).map_err(failed)?;
        let prepared = prepare(&job, &snapshot, &mut warnings).inspect_err(|_| {
            note("a template cannot be rendered: nothing was written or sent");
        })?;
        context.report(&warnings);
        context.report(&prepared.skipped);
        context.report(&prepared.refused);
        context.report(run::failures::report(&prepared.failed));
        let mut out = actions_table(&prepared.ready, "would do");
        summary(&mut out, &prepared, prepared.ready.len(), "would be done");
        out.push_str("dry run: nothing was written or sent\n");
        let exit = print_stdout(&out);
        return Ok(
            if prepared.failed.is_empty() && prepared.refused.is_empty() {
                exit
            } else {
                Exit::Findings
            },
        );
    }

    if let Some(parent) = args.journal.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| failed(crate::load::io_error(crate::load::Op::Create, parent, &e)))?;
    }
    let mut journal = Journal::open(
        &args.journal,
        Options {
            run: None,
            hook: fault.and_then(|(spec, f)| fault_hook(spec, f)),
            clock: None,
        },
    )
    .map_err(failed)?;
    let (prepared, mut transport) = match ready(args, &job, &mut journal, &mut warnings, &freshness)
    {
        Ok(ready) => ready,
        Err(failed) => {
            // Nothing of the day was done: a journal this run created goes
            // again, so that "nothing was written" is true.
            journal.discard_if_unused();
            return Err(failed);
        }
    };
    context.report(&warnings);
    context.report(&prepared.skipped);
    context.report(&prepared.refused);
    context.report(run::failures::report(&prepared.failed));
    if !prepared.failed.is_empty() && prepared.ready.is_empty() {
        note("no communication could be produced: nothing was written or sent");
    }

    let executed = run::execute::execute(
        &mut journal,
        &prepared.ready,
        &args.outbox,
        transport.as_mut(),
    );
    let at = |i: usize| prepared.ready.get(i);
    let done: Vec<&Ready> = executed.done.iter().filter_map(|&i| at(i)).collect();
    let refused: Vec<Diagnostic> = executed
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
    let uncertain: Vec<Diagnostic> = executed
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
                args.journal.display()
            ))
            .in_path(args.journal.display().to_string())
        })
        .collect();
    if let Some((_, d)) = executed.stopped {
        context.report(&refused);
        context.report(&uncertain);
        let head = journal.head();
        let mut out = actions_table(&done, "did");
        let _ = writeln!(
            out,
            "stopped after {} of {} actions; journal head {} {}",
            done.len(),
            prepared.ready.len(),
            head.seq,
            head.hash
        );
        print_stdout(&out);
        journal.discard_if_unused();
        return Err(failed(d));
    }
    context.report(&refused);
    context.report(&uncertain);
    let mut out = actions_table(&done, "did");
    summary(&mut out, &prepared, done.len(), "done");
    let head = journal.head();
    let _ = writeln!(
        out,
        "journal {}: {} records, head {}",
        args.journal.display(),
        head.seq,
        head.hash
    );
    let exit = print_stdout(&out);
    Ok(
        if uncertain.is_empty() && prepared.failed.is_empty() && prepared.refused.is_empty() {
            exit
        } else {
            Exit::Findings
        },
    )
}

/// Everything between opening the journal and the first action: refuse a
/// backdated day, recover an interrupted run, render the day, check the
/// outbox and the SMTP server, record an allowed backdate. A failure here
/// leaves nothing written but what a recovery recorded, and says so.
fn ready(
    args: &Args,
    job: &Job<'_>,
    journal: &mut Journal,
    warnings: &mut Vec<Diagnostic>,
    freshness: &run::freshness::Freshness,
) -> Result<(Prepared, Option<Smtp>), Failed> {
    backdate(args, job.as_of, journal.last_day()).map_err(failed)?;
    warnings.extend(journal.warnings().iter().cloned());
    let recovery = journal.recover(&args.outbox).map_err(failed)?;
    warnings.extend(recovery.warnings);
    if !recovery.committed.is_empty() || !recovery.aborted.is_empty() {
        note(format_args!(
            "recovered an interrupted run: {} action(s) found complete, {} to do again",
            recovery.committed.len(),
            recovery.aborted.len()
        ));
    }
    let prepared = prepare(job, &*journal, warnings).inspect_err(|_| {
        note(format_args!(
            "a template cannot be rendered: {}",
            nothing_written(journal)
        ));
    })?;
    writable(&args.outbox, &nothing_written(journal)).map_err(failed)?;
    let transport = match &args.smtp {
        Some(url) => Some(Smtp::connect(url, &job.firm.email).map_err(|mut d| {
            // Say exactly what the run wrote before it stopped.
            if let Some(help) = d.help.as_mut() {
                *help = help.replace("nothing was produced", &nothing_written(journal));
            }
            failed(d)
        })?),
        None => None,
    };
    journal.record_backdate(job.as_of).map_err(failed)?;
    journal.record_data(freshness, !freshness.fresh);
    Ok((prepared, transport))
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
fn backdate(args: &Args, as_of: NaiveDate, last_day: Option<NaiveDate>) -> Result<(), Diagnostic> {
    match last_day {
        Some(last) if as_of < last && !args.allow_backdate => Err(Diagnostic::error(
            Code::BackdatedRun,
            format!("`--as-of {as_of}` is before the journal's last run, on {last}"),
        )
        .with_help(
            "a run does what is due on its day given what the journal holds: an earlier day \
             would date letters before ones already sent. Nothing was written. If you mean it \
             (a missed day done now), run again with `--allow-backdate`: the journal records \
             that the run was backdated",
        )
        .in_path(args.journal.display().to_string())),
        _ => Ok(()),
    }
}

fn prepare(
    job: &Job<'_>,
    known: &dyn Known,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Prepared, Failed> {
    let mut prepared = run::prepare(job, known).map_err(|errors| {
        note("the templates cannot serve the policy: nothing was written or sent");
        Diagnostics::from(errors)
    })?;
    run::locate(&mut prepared.failed, Path::new(job.debtors_file));
    warnings.append(&mut prepared.warnings);
    Ok(prepared)
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

/// What the hidden test aids do at their point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Stop forever (`--pause-at`), so that a test can kill the process.
    Pause,
    /// Panic (`--panic-at`), as a bug would.
    Panic,
}

/// The hook of `--pause-at` / `--panic-at POINT:N`: the fault at a write
/// point of action N.
fn fault_hook(spec: &str, fault: Fault) -> Option<journal::Hook> {
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
            print_stdout(&format!("paused at {}\n", point.as_str()));
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Ok(())
    }))
}

fn actions_table(actions: &[impl std::borrow::Borrow<Ready>], verb: &str) -> String {
    if actions.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|r| {
            let a = &r.borrow().action;
            vec![
                a.debtor.clone(),
                a.step.id.clone(),
                a.channel.clone(),
                a.recipient.clone(),
                invoices(&a.invoices),
                a.claimed
                    .map(|c| letters::format::money(c, a.currency.as_deref().unwrap_or("EUR")))
                    .unwrap_or_default(),
                r.borrow().output.clone(),
            ]
        })
        .collect();
    let header = [
        "debtor", "step", "channel", "to", "invoices", "claimed", "output",
    ];
    format!("{verb}:\n{}", crate::table::render(&header, &rows, &[]))
}

/// A communication's invoices for the table: all of a few, the first of
/// many (the journal and the output list them all).
fn invoices(numbers: &[String]) -> String {
    const SHOWN: usize = 6;
    if numbers.len() <= SHOWN {
        return numbers.join(" ");
    }
    format!(
        "{} … ({} invoices)",
        numbers[..SHOWN - 1].join(" "),
        numbers.len()
    )
}

fn summary(out: &mut String, prepared: &Prepared, count: usize, done: &str) {
    let mut by_channel: std::collections::BTreeMap<&str, usize> = Default::default();
    for ready in &prepared.ready {
        *by_channel.entry(ready.action.channel.as_str()).or_default() += 1;
    }
    let channels: Vec<String> = by_channel
        .iter()
        .map(|(channel, n)| format!("{n} {channel}"))
        .collect();
    let _ = write!(out, "{count} action(s) {done}");
    if !channels.is_empty() {
        let _ = write!(out, " ({})", channels.join(", "));
    }
    let _ = writeln!(out);
    if !prepared.skipped.is_empty() {
        let _ = writeln!(
            out,
            "{} action(s) not produced: an address is missing (see above)",
            prepared.skipped.len()
        );
    }
    if !prepared.failed.is_empty() {
        let _ = writeln!(
            out,
            "{} action(s) failed: not produced, not recorded (see above); the next run tries them again",
            prepared.failed.len()
        );
    }
    if prepared.routes_refused > 0 {
        let _ = writeln!(
            out,
            "{} route(s) refused for where the debtor lives (see above): nothing sent for them",
            prepared.routes_refused
        );
    }
    if !prepared.held.is_empty() {
        let _ = writeln!(
            out,
            "{} step(s) held for later runs, so that no debtor gets several steps of one invoice at once (catch-up)",
            prepared.held.len()
        );
    }
}

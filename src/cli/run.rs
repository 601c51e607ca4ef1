//! `policy run POLICY --ledger L --journal J --outbox DIR [--as-of DATE]
//! [--dry-run] [--smtp URL]`: the letters, e-mails and tasks due, exactly
//! once. The order of work (docs/run.md): check the policy, read the book,
//! open and verify the journal (locked), recover an interrupted run, render
//! everything, and only then write, one action at a time through the
//! journal.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;

use super::inputs::LedgerArgs;
use super::{Context, Exit, note, print_stdout};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::journal::{self, Journal, Options, Snapshot};
use crate::run::{self, Job, Ready, report, session};

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
        (Some(spec), _) => Some((spec.as_str(), session::Fault::Pause)),
        (None, Some(spec)) => Some((spec.as_str(), session::Fault::Panic)),
        (None, None) => None,
    };
    if let Some((spec, _)) = fault.filter(|&(spec, f)| session::fault_hook(spec, f).is_none()) {
        note(format_args!(
            "error: `{spec}`: --pause-at and --panic-at take POINT:N, e.g. after-output:2"
        ));
        return Ok(Exit::Failure);
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());

    // The policy.
    let loaded = match context.load_policy(&args.policy, "nothing was done", false) {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(exit),
    };
    context.policy_warnings(&args.policy, &loaded.warnings);
    let (source, plan, dir) = (loaded.source, loaded.plan, loaded.dir.as_path());
    let mut warnings: Vec<Diagnostic> = Vec::new();

    // What letters are made of.
    let templates_root = context.templates_root.as_deref();
    let materials = session::Materials::load(&plan, dir, templates_root, args.firm.as_deref())
        .map_err(Diagnostics::from)?;
    warnings.extend(materials.warnings);
    let rates = &context.rates;

    // The book.
    let (ledger, book_warnings) = args.book.read(plan.currency.value, &[&plan])?;
    warnings.extend(book_warnings);

    // The staleness guard: nothing is written on stale payments.
    let accept_stale = args.accept_stale || args.dry_run;
    let freshness = session::fresh(
        &plan,
        &ledger,
        &args.book.ledger,
        as_of,
        accept_stale,
        &mut warnings,
    )
    .map_err(Diagnostics::from)?;

    let policy_name = args.policy.file_name().map_or_else(
        || args.policy.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let policy_file = args.policy.display().to_string();
    let policy_sha256 = journal::sha256_hex(source.text().as_bytes());
    let firm_file = materials.firm_file.display().to_string();
    let debtors_file = args.book.debtors_name();
    let job = Job {
        plan: &plan,
        policy_name: &policy_name,
        policy_file: &policy_file,
        policy_sha256: &policy_sha256,
        ledger: &ledger,
        templates: materials.templates.as_ref(),
        firm: &materials.firm,
        firm_file: &firm_file,
        debtors_file: &debtors_file,
        rates,
        as_of,
    };

    let day = session::Day {
        journal: &args.journal,
        outbox: &args.outbox,
        smtp: args.smtp.as_deref(),
        allow_backdate: args.allow_backdate,
    };
    let mut say = |text: String| note(text);
    if args.dry_run {
        let snapshot = Snapshot::read(&args.journal).map_err(failed)?;
        session::backdate(&day, as_of, snapshot.last_day()).map_err(failed)?;
        let prepared = session::prepare(&job, &snapshot, &mut warnings, &mut say)
            .inspect_err(|_| note("a template cannot be rendered: nothing was written or sent"))?;
        context.report(&warnings);
        context.report(&prepared.skipped);
        context.report(&prepared.refused);
        context.report(run::failures::report(&prepared.failed));
        let mut out = report::actions_table(&prepared.ready, "would do");
        report::summary(&mut out, &prepared, prepared.ready.len(), "would be done");
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
            hook: fault.and_then(|(spec, f)| session::fault_hook(spec, f)),
            clock: None,
        },
    )
    .map_err(failed)?;
    let performed = session::perform(
        &day,
        &job,
        &mut journal,
        &mut warnings,
        &freshness,
        &mut say,
    );
    let (prepared, executed) = match performed {
        Ok(performed) => performed,
        Err(failed) => {
            // Nothing of the day was done: a journal this run created goes
            // again, so that "nothing was written" is true.
            journal.discard_if_unused();
            return Err(Diagnostics::from(failed));
        }
    };
    context.report(&warnings);
    context.report(&prepared.skipped);
    context.report(&prepared.refused);
    context.report(run::failures::report(&prepared.failed));
    if !prepared.failed.is_empty() && prepared.ready.is_empty() {
        note("no communication could be produced: nothing was written or sent");
    }
    let at = |i: usize| prepared.ready.get(i);
    let done: Vec<&Ready> = executed.done.iter().filter_map(|&i| at(i)).collect();
    let (refused, uncertain) = session::answers(&executed, &prepared.ready, &args.journal);
    if let Some((_, d)) = executed.stopped {
        context.report(&refused);
        context.report(&uncertain);
        let head = journal.head();
        let mut out = report::actions_table(&done, "did");
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
    let mut out = report::actions_table(&done, "did");
    report::summary(&mut out, &prepared, done.len(), "done");
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

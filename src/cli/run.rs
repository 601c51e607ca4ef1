//! `policy run POLICY --ledger L --journal J --outbox DIR [--as-of DATE]
//! [--dry-run] [--smtp URL]`: the letters, e-mails and tasks due, exactly
//! once. The order of work (docs/run.md): check the policy, read the book,
//! open and verify the journal (locked), recover an interrupted run, plan
//! the day and check its templates, then render it in parts, each written
//! through the journal while the next renders. The run itself is
//! `run::today`; this file gathers its inputs and prints.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::inputs::LedgerArgs;
use super::{Context, Exit, note, print_stdout};
use crate::diagnostic::Diagnostics;
use crate::run::session;
use crate::run::today::{self, Names};

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

fn execute(args: &Args, context: &Context) -> Result<Exit, Diagnostics> {
    let hook = match session::faults(args.pause_at.as_deref(), args.panic_at.as_deref()) {
        Ok(hook) => hook,
        Err(spec) => {
            note(format_args!(
                "error: `{spec}`: --pause-at and --panic-at take POINT:N, e.g. after-output:2"
            ));
            return Ok(Exit::Failure);
        }
    };
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());

    let loaded = match context.load_policy(&args.policy, "nothing was done", false) {
        Ok(loaded) => loaded,
        Err(exit) => return Ok(exit),
    };
    context.policy_warnings(&args.policy, &loaded.warnings);
    let (plan, dir) = (&loaded.plan, loaded.dir.as_path());
    let root = context.templates_root.as_deref();
    let mut materials = session::Materials::load(plan, dir, root, args.firm.as_deref())?;
    let mut warnings = std::mem::take(&mut materials.warnings);
    let (ledger, book_warnings) = args.book.read(plan.currency.value, &[plan])?;
    warnings.extend(book_warnings);
    // The staleness guard: nothing is written on stale payments.
    let accept_stale = args.accept_stale || args.dry_run;
    let freshness = session::fresh(
        plan,
        &ledger,
        &args.book.ledger,
        as_of,
        accept_stale,
        &mut warnings,
    )?;

    let names = Names::new(
        &args.policy,
        loaded.source.text(),
        &materials.firm_file,
        args.book.debtors_name(),
    );
    let job = names.job(plan, &ledger, &materials, &context.rates, as_of);
    let day = session::Day {
        journal: &args.journal,
        outbox: &args.outbox,
        smtp: args.smtp.as_deref(),
        allow_backdate: args.allow_backdate,
    };
    let say = &mut super::context::Stderr(context);
    let outcome = if args.dry_run {
        today::rehearse(&day, &job, warnings, say)?
    } else {
        today::perform(&day, &job, hook, warnings, &freshness, say)?
    };
    let printed = print_stdout(&outcome.text);
    if let Some(stop) = outcome.stopped {
        return Err(Diagnostics::from(vec![stop]));
    }
    Ok(if outcome.findings {
        Exit::Findings
    } else {
        printed
    })
}

//! `policy dossier ID --journal J --ledger L [--debtors D] [--as-of DATE]
//! [--policy P] [--firm F] [-o FILE]...`

use std::path::PathBuf;

use chrono::NaiveDate;

use super::inputs::LedgerArgs;
use super::output::write_to;
use super::{Context, Exit};
use crate::diagnostic::Code;
use crate::dossier::inputs::{self, Format};
use crate::dossier::{self, Request};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An invoice reference or a debtor id (`invoice:ID` or `debtor:ID` when it is both).
    id: String,

    /// The journal `policy run` wrote (JSON Lines); it must verify.
    #[arg(long, value_name = "FILE")]
    journal: PathBuf,

    #[command(flatten)]
    book: LedgerArgs,

    /// The day the dossier stands at: balances, interest and actions up to its end [default: today].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,

    /// The policy the debtor is chased under: its jurisdiction and currency are the claim's
    /// [default: the debtor's country, in EUR].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// The firm's details (`firm.toml`), shown as the creditor [default: firm.toml beside the
    /// policy, if there is one].
    #[arg(long, value_name = "FILE")]
    firm: Option<PathBuf>,

    /// The format on stdout, or of an output file whose name ends neither in `.md` nor `.html`
    /// [default: markdown].
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Write the dossier to FILE instead of stdout: `.md` is Markdown, `.html` HTML. Repeat it
    /// to write both from the same reading.
    #[arg(long, short, value_name = "FILE")]
    output: Vec<PathBuf>,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let targets = match inputs::targets(&args.output, args.format) {
        Ok(targets) => targets,
        Err(d) => {
            context.report([d]);
            return Exit::Failure;
        }
    };

    // The policy: only its jurisdiction and currency are used, but a policy
    // with errors says nothing reliable about them.
    let mut policy_law = None;
    let mut currency = "EUR";
    if let Some(path) = &args.policy {
        let plan = match context.load_policy(path, "fix them first", false) {
            Ok(loaded) => loaded.plan,
            Err(exit) => return exit,
        };
        currency = plan.currency.value;
        policy_law = inputs::policy_law(&plan, path);
    }
    let creditor = match inputs::creditor(args.firm.as_deref(), args.policy.as_deref()) {
        Ok(firm) => firm,
        Err(d) => return context.stop([d]),
    };
    let (ledger, ledger_warnings) = match args.book.read(currency, &[]) {
        Ok(read) => read,
        Err(unread) => return context.stop(&unread),
    };
    context.report(&ledger_warnings);

    let ledger_name = args.book.ledger.display().to_string();
    let debtors_name = args.book.debtors_name();
    let request = Request {
        journal: &args.journal,
        ledger: &ledger,
        ledger_name: &ledger_name,
        debtors_name: &debtors_name,
        id: &args.id,
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        policy: policy_law,
        creditor,
        rates: &context.rates,
    };
    let made = match dossier::make(&request) {
        Ok(made) => made,
        Err(problems) => {
            let exit = context.stop(&problems);
            if problems.iter().any(|d| d.code == Code::JournalAltered) {
                super::note(format_args!(
                    "{}: ALTERED: no dossier is made from a journal that fails \
                     `policy journal verify`",
                    args.journal.display()
                ));
            }
            return exit;
        }
    };
    context.report(&made.warnings);

    let mut exit = Exit::Ok;
    for (path, format) in targets {
        let text = format.render(&made.dossier);
        let write = |out: &mut dyn std::io::Write| out.write_all(text.as_bytes());
        exit = exit.max(write_to(path.as_deref(), write));
    }
    exit
}

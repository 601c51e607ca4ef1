//! The staleness guard: a reminder for an invoice paid yesterday is the
//! costliest mistake a run can make, and it happens when payments come in
//! late. `policy run` sends only when the book's newest payment, or the
//! last bank statement imported beside the ledger (`policy import`,
//! `bank-imports/`), is recent: within the policy's `payments fresh within
//! N days`, 3 business days of its jurisdiction by default
//! (docs/language.md, docs/run.md).

use std::path::Path;

use chrono::NaiveDate;

use crate::ast::Unit;
use crate::calendar::Calendar;
use crate::diagnostic::{Code, Diagnostic};
use crate::ledger::{EntryKind, Ledger};
use crate::plan::{Offset, Plan};

/// The default window: three business days (a transfer ordered on a
/// Friday is on the statement by Tuesday).
pub(crate) const DEFAULT: Offset = Offset {
    count: 3,
    unit: Unit::BusinessDays,
};

/// How fresh the book's payments are, for a run on `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub day: NaiveDate,
    /// The newest `payment` row of the book.
    pub newest_payment: Option<NaiveDate>,
    /// The last day of the latest statement imported beside the ledger.
    pub last_statement: Option<NaiveDate>,
    /// The window, as written (`3 business days`).
    pub within: Offset,
    /// Whether the newer of the two is within the window of `day`.
    pub fresh: bool,
}

impl Freshness {
    /// The newer of the two dates.
    pub fn newest(&self) -> Option<NaiveDate> {
        self.newest_payment.max(self.last_statement)
    }

    /// Measures the book read from `ledger_path` for a run of `plan` on
    /// `day`. `Err`: a bank import record cannot be read.
    pub fn measure(
        plan: &Plan,
        ledger: &Ledger,
        ledger_path: &Path,
        day: NaiveDate,
    ) -> Result<Freshness, Diagnostic> {
        let newest_payment = ledger
            .invoices
            .iter()
            .flat_map(|invoice| ledger.entries_of(invoice))
            .filter(|e| e.kind == EntryKind::Payment)
            .map(|e| e.date)
            .max();
        let last_statement = crate::import::bank::record::latest_statement(ledger_path)?;
        let within = plan.payments_fresh.as_ref().map_or(DEFAULT, |f| f.value);
        let calendar = Calendar::new(plan.jurisdiction.as_ref().map(|j| j.value));
        let newest = newest_payment.max(last_statement);
        let fresh = newest
            .and_then(|n| calendar.add(n, within))
            .is_some_and(|limit| limit >= day);
        Ok(Freshness {
            day,
            newest_payment,
            last_statement,
            within,
            fresh,
        })
    }

    /// The refusal (or, with `--accept-stale`, the warning) of a run on
    /// stale data.
    pub fn diagnostic(&self, ledger_path: &Path, accepted: bool) -> Diagnostic {
        let newest = match (self.newest_payment, self.last_statement) {
            (None, None) => {
                "the book has no payment and no bank statement was imported".to_string()
            }
            (payment, statement) => {
                let mut parts = Vec::new();
                if let Some(p) = payment {
                    parts.push(format!("the book's newest payment is of {p}"));
                } else {
                    parts.push("the book has no payment".to_string());
                }
                match statement {
                    Some(s) => parts.push(format!("the last bank statement imported is of {s}")),
                    None => parts.push("no bank statement was imported".to_string()),
                }
                parts.join(", ")
            }
        };
        let message = format!(
            "payments may be missing: {newest}, more than {} before {}",
            self.within, self.day
        );
        if accepted {
            Diagnostic::warning(Code::StalePayments, message)
                .with_help("`--accept-stale`: the run goes on, and the journal records that it accepted stale data")
                .in_path(ledger_path.display().to_string())
        } else {
            Diagnostic::error(Code::StalePayments, message)
                .with_help(format!(
                    "a reminder for an invoice paid since would be the run's costliest mistake. Nothing was \
                     written. Import the latest bank statements (`policy import camt053 FILE --ledger {}`) \
                     or export the ledger again with the payments received; if the book is known to be \
                     complete, run again with `--accept-stale` (see docs/run.md)",
                    ledger_path.display()
                ))
                .in_path(ledger_path.display().to_string())
        }
    }
}

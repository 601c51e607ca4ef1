//! Statutory charges as the law sets them on the step's day, computed by
//! [`crate::claim`] (docs/money.md): the indemnity for the day's balance,
//! the yearly rate of late interest that day.

use std::sync::Mutex;

use super::{AsWritten, ChargeContext, ChargeResolver, ChargeValue};
use crate::claim::{self, RateTable};
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::Charge;

/// Resolves `statutory` charges with the jurisdiction's law and a rate
/// table; charges the policy writes out are taken as written, and so is
/// everything when the policy names no jurisdiction.
pub struct ByLaw<'a> {
    rates: &'a RateTable,
    /// What resolving met (a day past the rate table's end, a day before
    /// its start), each code once.
    warnings: Mutex<Vec<Diagnostic>>,
}

impl<'a> ByLaw<'a> {
    pub fn new(rates: &'a RateTable) -> Self {
        ByLaw {
            rates,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The warnings met while resolving, in the order first met.
    pub(crate) fn into_warnings(self) -> Vec<Diagnostic> {
        self.warnings
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn note(&self, found: Vec<Diagnostic>) {
        if found.is_empty() {
            return;
        }
        let mut warnings = self
            .warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for diagnostic in found {
            if warnings.iter().all(|w| w.code != diagnostic.code) {
                warnings.push(diagnostic);
            }
        }
    }
}

impl ChargeResolver for ByLaw<'_> {
    fn resolve(&self, charge: &Charge, context: &ChargeContext<'_>) -> ChargeValue {
        let written = AsWritten.resolve(charge, context);
        let jurisdiction = context.plan.jurisdiction.as_ref().map(|j| j.value);
        let (ChargeValue::Statutory, Some(jurisdiction)) = (written, jurisdiction) else {
            return written;
        };
        let kind = context.debtor.kind;
        match charge {
            Charge::Indemnity(_) | Charge::Fee(_) => ChargeValue::Amount(
                claim::indemnity(jurisdiction, kind, context.outstanding).amount,
            ),
            Charge::Interest(_) => {
                let mut found = Vec::new();
                let rate =
                    claim::statutory_rate(jurisdiction, kind, context.date, self.rates, &mut found);
                let value = match rate {
                    Ok(Some(rate)) => ChargeValue::Rate(rate),
                    // Luxembourg consumers: the law's rate depends on facts
                    // the ledger does not hold.
                    Ok(None) => written,
                    // A simulation shows the charge unresolved and goes
                    // on; `policy run` stops on it.
                    Err(mut missing) => {
                        missing.severity = Severity::Warning;
                        found.push(missing);
                        written
                    }
                };
                self.note(found);
                value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::diagnostic::Code;
    use crate::ledger::Ledger;
    use crate::plan::{Amount, Plan, Rate};
    use crate::simulate::ChargeContext;
    use crate::source::SourceFile;

    fn plan(header: &str) -> Plan {
        let text = format!("{header}after 15 days send relance by email\n");
        let source = SourceFile::new("t.policy", text.as_str());
        let (ast, _) = crate::syntax::parse(&source);
        let (plan, diagnostics) = crate::plan::compile(&ast, &source, true);
        plan.unwrap_or_else(|| panic!("{diagnostics:?}"))
    }

    fn ledger() -> Ledger {
        crate::ledger::testing::ledger_of(
            "id,name,kind\nFIRM,Garage Muller,b2b\nCARL,Carl Dupont,b2c\n",
            "date,type,invoice,debtor,amount,due\n\
             2026-01-01,invoice,F-1,FIRM,400.00,2026-01-31\n\
             2026-01-01,invoice,F-2,CARL,400.00,2026-01-31\n",
        )
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// What `charge` resolves to for invoice `n` (0: the firm's, 1: the
    /// consumer's) on `date`, with the warnings met.
    fn resolve(
        header: &str,
        charge: Charge,
        n: usize,
        date: &str,
    ) -> (ChargeValue, Vec<Diagnostic>) {
        let plan = plan(header);
        let ledger = ledger();
        let rates = RateTable::embedded().unwrap();
        let law = ByLaw::new(&rates);
        let invoice = &ledger.invoices[n];
        let context = ChargeContext {
            plan: &plan,
            invoice,
            debtor: ledger.debtor(invoice.debtor),
            date: day(date),
            outstanding: invoice.amount,
        };
        let value = law.resolve(&charge, &context);
        (value, law.into_warnings())
    }

    const LU: &str = "jurisdiction LU\n";
    const BE: &str = "jurisdiction BE\n";

    #[test]
    fn written_figures_are_kept() {
        let fixed = Charge::Indemnity(Amount::Fixed(Decimal::from(25)));
        assert_eq!(
            resolve(LU, fixed, 0, "2026-03-01").0,
            ChargeValue::Amount(Decimal::from(25))
        );
        let rate = Charge::Interest(Rate::Percent(Decimal::from(9)));
        assert_eq!(
            resolve(LU, rate, 0, "2026-03-01").0,
            ChargeValue::Rate(Decimal::from(9))
        );
    }

    #[test]
    fn the_law_sets_the_indemnity_by_debtor_kind_and_balance() {
        let statutory = Charge::Indemnity(Amount::Statutory);
        let firm = resolve(BE, statutory, 0, "2026-03-01").0;
        assert_eq!(firm, ChargeValue::Amount(Decimal::from(40)));
        // BE consumer owing 400 EUR: 30 + 10 % of the part above 150.
        let consumer = resolve(BE, statutory, 1, "2026-03-01").0;
        assert_eq!(consumer, ChargeValue::Amount(Decimal::from(55)));
    }

    #[test]
    fn the_interest_rate_is_the_one_in_force_that_day() {
        let statutory = Charge::Interest(Rate::Statutory);
        // LU B2B: ECB reference rate of the half-year (2.15 %) + 8 points.
        let (value, warnings) = resolve(LU, statutory, 0, "2026-03-01");
        assert_eq!(value, ChargeValue::Rate(Decimal::new(1015, 2)));
        assert!(warnings.is_empty());
        // Past the table: its last rate, and one warning.
        let (value, warnings) = resolve(LU, statutory, 0, "2026-09-01");
        assert_eq!(value, ChargeValue::Rate(Decimal::new(1015, 2)));
        let codes: Vec<Code> = warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, [Code::RateBeyondTable]);
    }

    #[test]
    fn what_the_law_does_not_set_stays_marked_statutory() {
        let statutory = Charge::Interest(Rate::Statutory);
        // No jurisdiction: no law to compute with.
        assert_eq!(
            resolve("", statutory, 0, "2026-03-01").0,
            ChargeValue::Statutory
        );
        // LU consumers: the rate depends on facts the ledger does not hold.
        assert_eq!(
            resolve(LU, statutory, 1, "2026-03-01").0,
            ChargeValue::Statutory
        );
        // Before the table's first row: a warning, not a guess.
        let (value, warnings) = resolve(LU, statutory, 0, "2019-03-01");
        assert_eq!(value, ChargeValue::Statutory);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, Code::RateMissing);
        assert_eq!(warnings[0].severity, Severity::Warning);
    }
}

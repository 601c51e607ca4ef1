//! Competence on the amount claimed (issue 13, point 11): the checker
//! measures a court's ceiling on the principal; on the day an invoice is
//! routed, interest and indemnity may take the claim above it. The Luxembourg
//! sources disagree on whether they count (legal-facts.md §1.3 `[CONFLICT]`:
//! e-justice says "hors intérêts et frais", the 1993 text of NCPC art. 2
//! counted them), so `simulate` and `run` warn rather than refuse.

use std::collections::HashMap;

use super::Event;
use crate::claim::RateTable;
use crate::diagnostic::{Code, Diagnostic};
use crate::ledger::{InvoiceId, Ledger};
use crate::plan::{Action, Plan};

/// A warning for each of `routes` (route events) whose invoice's claim on
/// that day, principal with the interest and indemnity charged so far, is
/// above the ceiling of its court or procedure while the principal is not;
/// `events` holds every event of those invoices. At most `limit`, then a
/// count of the rest.
pub(crate) fn above_ceiling(
    plan: &Plan,
    ledger: &Ledger,
    routes: &[&Event],
    events: &HashMap<InvoiceId, Vec<&Event>>,
    rates: &RateTable,
    limit: usize,
) -> Vec<Diagnostic> {
    let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
        return Vec::new();
    };
    let pack = crate::law::pack(jurisdiction);
    let mut found = Vec::new();
    let mut more = 0usize;
    for route in routes {
        let Some(step) = plan.step(route.step) else {
            continue;
        };
        let Action::Route {
            destination,
            procedure,
        } = &step.action
        else {
            continue;
        };
        let invoice = ledger.invoice(route.invoice);
        let debtor = ledger.debtor(invoice.debtor);
        let Some((ceiling, source)) = pack.ceiling(
            destination,
            procedure.as_deref(),
            debtor.kind,
            route.amount,
            plan.sector(),
        ) else {
            continue;
        };
        if route.amount > ceiling {
            continue; // the checker's own finding, on the principal
        }
        let of_invoice = events.get(&route.invoice).map_or(&[][..], Vec::as_slice);
        // A rate missing from the table is said where the letters are made.
        let mut ignored = Vec::new();
        let Ok(claim) = crate::run::money::invoice_claim(
            plan,
            ledger,
            invoice,
            of_invoice,
            route.date,
            rates,
            &mut ignored,
        ) else {
            continue;
        };
        let claimed = claim.claimed();
        if claimed <= ceiling {
            continue;
        }
        if found.len() == limit {
            more += 1;
            continue;
        }
        let currency = plan.currency.value;
        found.push(
            Diagnostic::warning(
                Code::ClaimAboveCeiling,
                format!(
                    "invoice `{}` of `{}` goes to `{destination}` on {} with {} {currency} of principal, \
                     but {} {currency} claimed with interest and indemnity, above the ceiling of {} {currency}",
                    crate::suggest::short(&invoice.reference),
                    crate::suggest::short(&debtor.id),
                    route.date,
                    route.amount.round_dp(2),
                    claimed.round_dp(2),
                    ceiling.normalize(),
                ),
            )
            .with_label(step.action_span, "ceiling measured on the principal")
            .with_help(format!(
                "the ceiling is read on the principal ({}); sources differ on whether interest and \
                 costs count (docs/legal-rules.md): have a lawyer confirm the court, or claim the \
                 accessories only up to the ceiling",
                source.cited()
            ))
            .in_source(&plan.source),
        );
    }
    if more > 0 {
        found.push(
            Diagnostic::warning(
                Code::ClaimAboveCeiling,
                format!("{more} more routed invoices claim more than their court's ceiling"),
            )
            .with_help("`policy simulate --format json` lists every route"),
        );
    }
    found
}

/// Whether one invoice's events hold a route worth [`above_ceiling`]'s
/// work: to a court or procedure with a ceiling the principal stays under,
/// after a charge (no charge, nothing above the principal).
pub(crate) fn worth_checking(plan: &Plan, ledger: &Ledger, events: &[Event]) -> bool {
    let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
        return false;
    };
    let action = |e: &Event| plan.step(e.step).map(|s| &s.action);
    let Some(first_charge) = events
        .iter()
        .filter(|e| matches!(action(e), Some(Action::Charge(_))))
        .map(|e| e.date)
        .min()
    else {
        return false;
    };
    events.iter().any(|e| match action(e) {
        Some(Action::Route {
            destination,
            procedure,
        }) if e.date >= first_charge => {
            let kind = ledger.debtor(ledger.invoice(e.invoice).debtor).kind;
            crate::law::pack(jurisdiction)
                .ceiling(
                    destination,
                    procedure.as_deref(),
                    kind,
                    e.amount,
                    plan.sector(),
                )
                .is_some_and(|(ceiling, _)| e.amount <= ceiling)
        }
        _ => false,
    })
}

/// The route events of `events` and every event of the invoices they route.
pub(crate) fn routes_of<'e, I: Iterator<Item = &'e Event>>(
    plan: &Plan,
    events: impl Fn() -> I,
) -> (Vec<&'e Event>, HashMap<InvoiceId, Vec<&'e Event>>) {
    let is_route = |e: &Event| {
        plan.step(e.step)
            .is_some_and(|s| matches!(s.action, Action::Route { .. }))
    };
    let routes: Vec<&Event> = events().filter(|e| is_route(e)).collect();
    let mut by_invoice: HashMap<InvoiceId, Vec<&Event>> =
        routes.iter().map(|r| (r.invoice, Vec::new())).collect();
    for event in events() {
        if let Some(list) = by_invoice.get_mut(&event.invoice) {
            list.push(event);
        }
    }
    (routes, by_invoice)
}

//! The run's report for people: the actions done (or that a dry run would
//! do) as a table, and the counts under it.

use std::fmt::Write as _;

use super::{Prepared, Ready};
use crate::letters;

/// The actions as a table under `verb` (`did:`, `would do:`); empty when
/// there are none.
pub(crate) fn actions_table(actions: &[impl std::borrow::Borrow<Ready>], verb: &str) -> String {
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

/// The counts under the table: actions by channel, then what was not done
/// and why.
pub fn summary(out: &mut String, prepared: &Prepared, count: usize, done: &str) {
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

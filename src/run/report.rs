//! The run's report for people: the actions done (or that a dry run would
//! do) as a table, the counts under it, and the journal's head.

use std::fmt::Write as _;
use std::path::Path;

use super::{Prepared, Ready};
use crate::journal::Head;
use crate::letters;

/// A dry run's report: what it would do.
pub(crate) fn rehearsal(prepared: &Prepared) -> String {
    let mut out = actions_table(&prepared.ready, "would do");
    summary(&mut out, prepared, prepared.ready.len(), "would be done");
    out.push_str("dry run: nothing was written or sent\n");
    out
}

/// A run's report: what it did, and the journal's head after it.
pub(crate) fn performed(
    done: &[&Ready],
    prepared: &Prepared,
    journal: &Path,
    head: &Head,
) -> String {
    let mut out = actions_table(done, "did");
    summary(&mut out, prepared, done.len(), "done");
    let _ = writeln!(
        out,
        "journal {}: {} records, head {}",
        journal.display(),
        head.seq,
        head.hash
    );
    out
}

/// The report of a run stopped by a failure after `done` of its `total`
/// actions.
pub(crate) fn stopped(done: &[&Ready], total: usize, head: &Head) -> String {
    let mut out = actions_table(done, "did");
    let _ = writeln!(
        out,
        "stopped after {} of {total} actions; journal head {} {}",
        done.len(),
        head.seq,
        head.hash
    );
    out
}

/// Whether the day leaves something for a person: an action that could
/// not be produced, a route the law refuses.
pub(crate) fn left_for_a_person(prepared: &Prepared) -> bool {
    !prepared.failed.is_empty() || !prepared.refused.is_empty()
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Action, StepRef};

    fn ready(debtor: &str, channel: &str) -> Ready {
        Ready {
            action: Action {
                date: "2026-03-02".parse().unwrap(),
                debtor: debtor.into(),
                invoices: vec![format!("F-{debtor}")],
                step: StepRef {
                    id: "send relance_1".into(),
                    line: 4,
                    target: "relance_1".into(),
                },
                channel: channel.into(),
                recipient: "debtor".into(),
                to: String::new(),
                claimed: None,
                currency: None,
                policy: None,
                lines: Vec::new(),
            },
            output: format!("2026-03-02/{debtor}/relance_1.{channel}.txt"),
            bytes: Vec::new(),
            sha256: crate::journal::sha256_hex(b""),
        }
    }

    fn head() -> Head {
        Head {
            seq: 4,
            hash: "abc".into(),
        }
    }

    #[test]
    fn a_dry_run_says_what_it_would_do_and_that_nothing_was_written() {
        let prepared = Prepared {
            ready: vec![ready("D1", "email"), ready("D2", "courrier")],
            ..Prepared::default()
        };
        let text = rehearsal(&prepared);
        assert!(text.starts_with("would do:\n"), "{text}");
        assert!(text.contains("2026-03-02/D2/relance_1.courrier.txt"));
        assert!(
            text.ends_with(
                "2 action(s) would be done (1 courrier, 1 email)\n\
                 dry run: nothing was written or sent\n"
            ),
            "{text}"
        );
        assert!(!left_for_a_person(&prepared));
    }

    #[test]
    fn a_run_ends_with_the_journal_s_head() {
        let prepared = Prepared {
            ready: vec![ready("D1", "email")],
            ..Prepared::default()
        };
        let done: Vec<&Ready> = prepared.ready.iter().collect();
        let text = performed(&done, &prepared, Path::new("j.jsonl"), &head());
        assert!(text.starts_with("did:\n"), "{text}");
        assert!(
            text.ends_with("1 action(s) done (1 email)\njournal j.jsonl: 4 records, head abc\n"),
            "{text}"
        );
    }

    #[test]
    fn a_stopped_run_says_how_far_it_went() {
        let all = [ready("D1", "email"), ready("D2", "email")];
        let text = stopped(&[&all[0]], all.len(), &head());
        assert!(text.contains("D1") && !text.contains("D2"), "{text}");
        assert!(text.ends_with("stopped after 1 of 2 actions; journal head 4 abc\n"));
        assert_eq!(
            stopped(&[], 2, &head()),
            "stopped after 0 of 2 actions; journal head 4 abc\n"
        );
    }

    #[test]
    fn many_invoices_show_the_first_and_the_count() {
        let few: Vec<String> = (1..=6).map(|i| format!("F{i}")).collect();
        assert_eq!(invoices(&few), "F1 F2 F3 F4 F5 F6");
        let many: Vec<String> = (1..=7).map(|i| format!("F{i}")).collect();
        assert_eq!(invoices(&many), "F1 F2 F3 F4 F5 … (7 invoices)");
    }
}

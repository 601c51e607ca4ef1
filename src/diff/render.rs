//! A [`Comparison`] as text: a concise report for people (what changes,
//! in sentences; the totals that change; the invoices, one change per
//! line), JSON for programs, and the few lines `policy watch` shows under a
//! policy.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{ChangeKind, Comparison, EventChange, Fired, Pair, StepDelta};
use crate::plan::Plan;
use crate::simulate::Summary;

/// What the two versions and the book are called on the command line.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub before: &'a str,
    pub after: &'a str,
    pub ledger: &'a str,
}

/// The report for people. `limit`: at most this many invoices listed.
pub fn table(c: &Comparison, labels: &Labels<'_>, limit: Option<usize>) -> String {
    let mut out = String::new();
    let window = window_text(&c.after);
    if c.is_unchanged() {
        let _ = writeln!(
            out,
            "no change: `{}` and `{}` do the same to the {} invoices of {} ({} events, {window})",
            labels.before, labels.after, c.after.invoices, labels.ledger, c.after.events
        );
        return out;
    }
    let _ = writeln!(out, "before: {}", labels.before);
    let _ = writeln!(out, "after:  {}", labels.after);
    let _ = writeln!(
        out,
        "ledger: {}, {} invoices covered, {window}",
        labels.ledger, c.after.invoices
    );
    let _ = writeln!(out, "\n{}", headline(c));
    for sentence in sentences(c) {
        let _ = writeln!(out, "  - {sentence}");
    }
    let rows: Vec<Vec<String>> = totals(c)
        .into_iter()
        .filter(|t| t.changed())
        .map(|t| vec![t.label, t.before, t.after, t.change])
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&crate::table::render(
            &["totals", "before", "after", "change"],
            &rows,
            &[1, 2, 3],
        ));
    }
    if !c.invoices.is_empty() {
        let shown = limit.map_or(c.invoices.len(), |n| n.min(c.invoices.len()));
        let mut rows = Vec::new();
        for invoice in &c.invoices[..shown] {
            for (i, change) in invoice.changes.iter().enumerate() {
                let (reference, debtor) = if i == 0 {
                    (invoice.reference.clone(), invoice.debtor.clone())
                } else {
                    (String::new(), String::new())
                };
                let (before, after) = change_cells(c, change);
                rows.push(vec![
                    reference,
                    debtor,
                    step_name(c, change.step).to_string(),
                    change.kind.as_str().to_string(),
                    before,
                    after,
                ]);
            }
        }
        out.push('\n');
        out.push_str(&crate::table::render(
            &["invoice", "debtor", "step", "change", "before", "after"],
            &rows,
            &[],
        ));
        let hidden = c.invoices.len() - shown;
        if hidden > 0 {
            let _ = writeln!(
                out,
                "… and {hidden} more {} (`--limit 0` lists them all)",
                plural(hidden, "invoice")
            );
        }
    }
    out
}

/// `4 invoices change: 4 events added, 4 removed`.
fn headline(c: &Comparison) -> String {
    let n = c.counts;
    if n.invoices == 0 {
        return "no event changes".to_string();
    }
    let mut parts = Vec::new();
    for (count, word) in [
        (n.added, "added"),
        (n.removed, "removed"),
        (n.moved, "moved"),
        (n.changed, "changed"),
    ] {
        if count > 0 {
            let events = if parts.is_empty() {
                format!(" {}", plural(count, "event"))
            } else {
                String::new()
            };
            parts.push(format!("{count}{events} {word}"));
        }
    }
    format!(
        "{} {} {}: {}",
        n.invoices,
        plural(n.invoices, "invoice"),
        if n.invoices == 1 { "changes" } else { "change" },
        parts.join(", ")
    )
}

/// What changes, in sentences: routes first (what a lawyer looks for),
/// then steps that appear, disappear, move or change.
pub(crate) fn sentences(c: &Comparison) -> Vec<String> {
    let currency = c.currency;
    let mut out = Vec::new();
    for s in &c.switches {
        let n = format!(
            "{} {} ({} {currency})",
            s.invoices,
            plural(s.invoices, "invoice"),
            s.amount
        );
        out.push(match (&s.from, &s.to) {
            (Some(from), Some(to)) => format!("{n} would go to {to} instead of {from}"),
            (None, Some(to)) => format!("{n} would now go to {to} (not routed before)"),
            (Some(from), None) => format!("{n} would no longer go to {from}"),
            (None, None) => continue,
        });
    }
    let covered = c.covered();
    if covered.changed() {
        out.push(format!(
            "the policy covers {} invoices instead of {}",
            covered.after, covered.before
        ));
    }
    let moves = c.moves();
    let changed = c.count_of(ChangeKind::Changed);
    let added = c.count_of(ChangeKind::Added);
    let removed = c.count_of(ChangeKind::Removed);
    for (i, step) in c.steps.iter().enumerate() {
        let events = step.events();
        match (&step.before, &step.after) {
            (None, Some(after)) => out.push(format!(
                "`{}` is new (line {}): it fires on {} {}",
                step.id,
                after.line,
                after.events,
                plural(after.events, "invoice")
            )),
            (Some(before), None) => out.push(format!(
                "`{}` is gone (was line {}): it fired on {} {}",
                step.id,
                before.line,
                before.events,
                plural(before.events, "invoice")
            )),
            (Some(before), Some(after)) => {
                // One line per step: how it moves, changes, fires.
                let mut parts = Vec::new();
                if let Some((_, m)) = moves.iter().find(|(s, _)| *s == i) {
                    parts.push(format!(
                        "moves {} on {} {}",
                        shift_text(m.earliest, m.latest),
                        m.invoices,
                        plural(m.invoices, "invoice"),
                    ));
                }
                if let Some(&n) = changed.get(&i) {
                    let what = if before.action == after.action {
                        "its charge or recipients differ".to_string()
                    } else {
                        format!("now `{}`, was `{}`", after.action, before.action)
                    };
                    parts.push(format!("changes on {n} {}: {what}", plural(n, "invoice")));
                }
                // Routes gained or lost are already said as switches.
                let is_route = step.verb == "route";
                let more = added.get(&i).copied().unwrap_or(0);
                let fewer = removed.get(&i).copied().unwrap_or(0);
                let fires = match (more, fewer) {
                    (0, 0) => None,
                    _ if is_route && !c.switches.is_empty() => None,
                    (m, 0) => Some(format!("fires on {m} more {}", plural(m, "invoice"))),
                    (0, f) => Some(format!("no longer fires on {f} {}", plural(f, "invoice"))),
                    (m, f) => Some(format!("fires on {m} more and {f} fewer invoices")),
                };
                if let Some(fires) = fires {
                    parts.push(format!("{fires} ({} → {})", events.before, events.after));
                }
                if !parts.is_empty() {
                    out.push(format!("`{}` {}", step.id, parts.join("; ")));
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// `5 days later`, `2 to 7 days later`, `3 days earlier`, `from 2 days
/// earlier to 4 days later`.
fn shift_text(earliest: i64, latest: i64) -> String {
    let days = |n: i64| format!("{n} {}", plural(n.unsigned_abs() as usize, "day"));
    match (earliest, latest) {
        (e, l) if e == l && e > 0 => format!("{} later", days(e)),
        (e, l) if e == l => format!("{} earlier", days(-e)),
        (e, l) if e > 0 => format!("{e} to {} later", days(l)),
        (e, l) if l < 0 => format!("{} to {} earlier", -l, days(-e)),
        (e, l) => format!("from {} earlier to {} later", days(-e), days(l)),
    }
}

/// One line of the totals: a label and its figures in both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalRow {
    pub label: String,
    pub before: String,
    pub after: String,
    /// `+4`, `-120.00`, empty when equal.
    pub change: String,
}

impl TotalRow {
    pub fn changed(&self) -> bool {
        !self.change.is_empty()
    }

    fn count(label: String, pair: Pair<Option<usize>>) -> TotalRow {
        let text = |n: Option<usize>| n.map_or_else(|| "—".to_string(), |n| n.to_string());
        let value = |n: Option<usize>| Decimal::from(n.unwrap_or(0));
        let mut row = TotalRow::money(
            label,
            Pair {
                before: value(pair.before),
                after: value(pair.after),
            },
        );
        row.before = text(pair.before);
        row.after = text(pair.after);
        if pair.before.is_none() != pair.after.is_none() && row.change.is_empty() {
            // A step that appears or goes without firing is still a change.
            row.change = "±0".to_string();
        }
        row
    }

    fn money(label: String, pair: Pair<Decimal>) -> TotalRow {
        let delta = pair.after.saturating_sub(pair.before);
        let change = if delta.is_zero() {
            String::new()
        } else if delta > Decimal::ZERO {
            format!("+{delta}")
        } else {
            delta.to_string()
        };
        TotalRow {
            label,
            before: pair.before.to_string(),
            after: pair.after.to_string(),
            change,
        }
    }
}

/// Every total of both versions (changed or not): invoices covered,
/// events per step, messages per channel, files and amounts routed, fixed
/// charges.
pub fn totals(c: &Comparison) -> Vec<TotalRow> {
    let currency = c.currency;
    let mut rows = Vec::new();
    let covered = c.covered();
    rows.push(TotalRow::count(
        "invoices covered".into(),
        Pair {
            before: Some(covered.before),
            after: Some(covered.after),
        },
    ));
    // Routes are counted per destination below.
    for step in c.steps.iter().filter(|s| s.verb != "route") {
        rows.push(TotalRow::count(
            step.id.clone(),
            Pair {
                before: step.before.as_ref().map(|s| s.events),
                after: step.after.as_ref().map(|s| s.events),
            },
        ));
    }
    for channel in &c.channels {
        rows.push(TotalRow::count(
            channel_label(channel.channel).into(),
            Pair {
                before: Some(channel.messages.before),
                after: Some(channel.messages.after),
            },
        ));
    }
    for routed in &c.routed {
        rows.push(TotalRow::count(
            format!("files routed to {}", routed.destination),
            Pair {
                before: Some(routed.invoices.before),
                after: Some(routed.invoices.after),
            },
        ));
        rows.push(TotalRow::money(
            format!("amount routed to {} ({currency})", routed.destination),
            routed.amount,
        ));
    }
    for charge in &c.charges {
        if charge.amount.before.is_zero() && charge.amount.after.is_zero() {
            continue; // rates and statutory charges: counted as events only
        }
        rows.push(TotalRow::money(
            format!("{} charged ({currency})", charge_label(charge.kind)),
            charge.amount,
        ));
    }
    rows
}

/// What a channel's messages are called.
pub(crate) fn channel_label(channel: &str) -> &'static str {
    match channel {
        "email" => "e-mails",
        "courrier" => "letters (courrier)",
        "recommandé" => "registered letters (recommandé)",
        "sms" => "text messages (sms)",
        "huissier" => "bailiff's deeds (huissier)",
        "phone" => "phone calls",
        _ => "messages",
    }
}

fn charge_label(kind: crate::vocab::ChargeKind) -> &'static str {
    use crate::vocab::ChargeKind;
    match kind {
        ChargeKind::Indemnity => "indemnities",
        ChargeKind::Fee => "fees",
        ChargeKind::Interest => "interest",
    }
}

fn step_name(c: &Comparison, step: usize) -> &str {
    c.steps.get(step).map_or("", |s| s.id.as_str())
}

/// The before and after cells of an invoice's change.
fn change_cells(c: &Comparison, change: &EventChange) -> (String, String) {
    let step = c.steps.get(change.step);
    let cell = |fired: Option<&Fired>, side: fn(&StepDelta) -> Option<&super::StepSide>| {
        let Some(fired) = fired else {
            return "—".to_string();
        };
        let mut text = fired.date.to_string();
        if change.kind == ChangeKind::Changed {
            if let Some(side) = step.and_then(side) {
                let _ = write!(text, " {}", side.action);
            }
            if let Some(charge) = fired.charge {
                let _ = write!(text, " ({charge})");
            }
        }
        text
    };
    let before = cell(change.before.as_ref(), |s| s.before.as_ref());
    let mut after = cell(change.after.as_ref(), |s| s.after.as_ref());
    if let (ChangeKind::Moved, Some(b), Some(a)) = (change.kind, &change.before, &change.after) {
        let days = (a.date - b.date).num_days();
        let _ = write!(
            after,
            " ({}{days} {})",
            if days > 0 { "+" } else { "" },
            plural(days.unsigned_abs() as usize, "day")
        );
    }
    (before, after)
}

fn window_text(summary: &Summary) -> String {
    let from = summary.from.map_or_else(
        || "the first day of the book".to_string(),
        |d| d.to_string(),
    );
    format!("from {from} to {}", summary.to)
}

/// `1 invoice`, `2 invoices`: the word for `n` things.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    before: &'a str,
    after: &'a str,
    ledger: &'a str,
    from: Option<String>,
    to: String,
    currency: &'a str,
    changed: bool,
    summary: Vec<String>,
    counts: JsonCounts,
    invoices_covered: Pair<usize>,
    route_switches: Vec<JsonSwitch<'a>>,
    steps: Vec<JsonStep<'a>>,
    channels: Vec<JsonChannel>,
    routed: Vec<JsonRouted<'a>>,
    charges: Vec<JsonCharge>,
    invoices: Vec<JsonInvoice<'a>>,
}

#[derive(Serialize)]
struct JsonCounts {
    invoices: usize,
    added: usize,
    removed: usize,
    moved: usize,
    changed: usize,
}

#[derive(Serialize)]
struct JsonSwitch<'a> {
    from: Option<&'a str>,
    to: Option<&'a str>,
    invoices: usize,
    amount: String,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    step: &'a str,
    before: Option<JsonStepSide<'a>>,
    after: Option<JsonStepSide<'a>>,
}

#[derive(Serialize)]
struct JsonStepSide<'a> {
    number: usize,
    line: usize,
    action: &'a str,
    events: usize,
}

#[derive(Serialize)]
struct JsonChannel {
    channel: &'static str,
    messages: Pair<usize>,
}

#[derive(Serialize)]
struct JsonRouted<'a> {
    destination: &'a str,
    invoices: Pair<usize>,
    amount: Pair<String>,
}

#[derive(Serialize)]
struct JsonCharge {
    charge: &'static str,
    events: Pair<usize>,
    amount: Pair<String>,
}

#[derive(Serialize)]
struct JsonInvoice<'a> {
    invoice: &'a str,
    debtor: &'a str,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    step: &'a str,
    change: &'static str,
    before: Option<JsonFired>,
    after: Option<JsonFired>,
}

#[derive(Serialize)]
struct JsonFired {
    date: String,
    amount: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recipients: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    charge: Option<String>,
}

fn step_side_json(s: &super::StepSide) -> JsonStepSide<'_> {
    JsonStepSide {
        number: s.step.0 + 1,
        line: s.line,
        action: &s.action,
        events: s.events,
    }
}

fn money_pair(pair: Pair<Decimal>) -> Pair<String> {
    Pair {
        before: pair.before.to_string(),
        after: pair.after.to_string(),
    }
}

/// The report for programs (docs/workflow.md describes it), pretty-printed.
pub fn json(c: &Comparison, labels: &Labels<'_>) -> String {
    let fired = |f: &Option<Fired>| {
        f.map(|f| JsonFired {
            date: f.date.to_string(),
            amount: f.amount.to_string(),
            recipients: f.recipients.words().collect(),
            charge: f.charge.map(|c| c.to_string()),
        })
    };
    let report = JsonReport {
        before: labels.before,
        after: labels.after,
        ledger: labels.ledger,
        from: c.window.from.map(|d| d.to_string()),
        to: c.window.to.to_string(),
        currency: c.currency,
        changed: !c.is_unchanged(),
        summary: sentences(c),
        counts: JsonCounts {
            invoices: c.counts.invoices,
            added: c.counts.added,
            removed: c.counts.removed,
            moved: c.counts.moved,
            changed: c.counts.changed,
        },
        invoices_covered: c.covered(),
        route_switches: c
            .switches
            .iter()
            .map(|s| JsonSwitch {
                from: s.from.as_deref(),
                to: s.to.as_deref(),
                invoices: s.invoices,
                amount: s.amount.to_string(),
            })
            .collect(),
        steps: c
            .steps
            .iter()
            .map(|s| JsonStep {
                step: &s.id,
                before: s.before.as_ref().map(step_side_json),
                after: s.after.as_ref().map(step_side_json),
            })
            .collect(),
        channels: c
            .channels
            .iter()
            .map(|ch| JsonChannel {
                channel: ch.channel,
                messages: ch.messages,
            })
            .collect(),
        routed: c
            .routed
            .iter()
            .map(|r| JsonRouted {
                destination: &r.destination,
                invoices: r.invoices,
                amount: money_pair(r.amount),
            })
            .collect(),
        charges: c
            .charges
            .iter()
            .map(|ch| JsonCharge {
                charge: ch.kind.as_str(),
                events: ch.events,
                amount: money_pair(ch.amount),
            })
            .collect(),
        invoices: c
            .invoices
            .iter()
            .map(|i| JsonInvoice {
                invoice: &i.reference,
                debtor: &i.debtor,
                changes: i
                    .changes
                    .iter()
                    .map(|ch| JsonChange {
                        step: step_name(c, ch.step),
                        change: ch.kind.as_str(),
                        before: fired(&ch.before),
                        after: fired(&ch.after),
                    })
                    .collect(),
            })
            .collect(),
    };
    // Plain structs of strings and numbers always serialise.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

/// A simulation summary in a few lines, for `policy watch`: events per
/// step, files routed, the outstanding balance.
pub(crate) fn brief(plan: &Plan, summary: &Summary, ledger: &str) -> String {
    let currency = plan.currency.value;
    let mut out = format!(
        "{ledger}: {} events on {} invoices, {}\n",
        summary.events,
        summary.invoices,
        window_text(summary)
    );
    let ids = plan.step_ids();
    let steps: Vec<String> = summary
        .steps
        .iter()
        .filter_map(|s| Some(format!("{} {}", ids.get(s.step.0)?, s.events)))
        .collect();
    if !steps.is_empty() {
        let _ = writeln!(out, "steps: {}", steps.join(" · "));
    }
    if !summary.routed.is_empty() {
        let routed: Vec<String> = summary
            .routed
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} ({} {currency})",
                    r.destination,
                    r.invoices,
                    plural(r.invoices, "invoice"),
                    r.amount
                )
            })
            .collect();
        let _ = writeln!(out, "routed: {}", routed.join(" · "));
    }
    let e = &summary.exceptions;
    if !e.is_empty() {
        let mut parts = vec![
            format!("{} on hold", e.on_hold),
            format!(
                "promises kept {}, broken {}",
                e.promises_kept.0, e.promises_broken.0
            ),
            format!(
                "plans honoured {}, broken {}",
                e.plans_honoured, e.plans_broken
            ),
        ];
        parts.extend(e.insolvencies.iter().map(|l| {
            format!(
                "insolvency of {}: proof of claim by {} ({} {currency})",
                l.debtor_ref,
                l.deadline
                    .map_or_else(|| "the judgment's date".to_string(), |d| d.to_string()),
                l.claim()
            )
        }));
        let _ = writeln!(out, "exceptions: {}", parts.join(" · "));
    }
    let _ = writeln!(
        out,
        "outstanding at {}: {} {currency}",
        summary.to, summary.outstanding
    );
    out
}

/// What changed in the figures of a policy's simulation since the last
/// report, when the book itself changed (an invoice added, a payment
/// booked), for `policy watch --ledger`: the totals that moved.
pub(crate) fn book_changed(plan: &Plan, before: &Summary, after: &Summary) -> String {
    let ids = plan.step_ids();
    let mut lines: Vec<String> = Vec::new();
    if before.invoices != after.invoices {
        lines.push(format!("invoices {} → {}", before.invoices, after.invoices));
    }
    if before.events != after.events {
        lines.push(format!("events {} → {}", before.events, after.events));
    }
    for (i, id) in ids.iter().enumerate() {
        let count = |s: &Summary| {
            s.steps
                .iter()
                .find(|c| c.step.0 == i)
                .map_or(0, |c| c.events)
        };
        if count(before) != count(after) {
            lines.push(format!("{id} {} → {}", count(before), count(after)));
        }
    }
    let mut destinations: Vec<&str> = before
        .routed
        .iter()
        .chain(&after.routed)
        .map(|r| r.destination.as_str())
        .collect();
    destinations.sort_unstable();
    destinations.dedup();
    for destination in destinations {
        let routed = |s: &Summary| {
            s.routed
                .iter()
                .find(|r| r.destination == destination)
                .map_or(0, |r| r.invoices)
        };
        if routed(before) != routed(after) {
            lines.push(format!(
                "routed to {destination} {} → {}",
                routed(before),
                routed(after)
            ));
        }
    }
    if before.outstanding != after.outstanding {
        lines.push(format!(
            "outstanding {} → {} {}",
            crate::ledger::with_cents(before.outstanding),
            crate::ledger::with_cents(after.outstanding),
            plan.currency.value
        ));
    }
    if lines.is_empty() {
        return "since the last report: the ledger changed, with no effect on this policy\n"
            .to_string();
    }
    let mut out = "since the last report: the ledger changed\n".to_string();
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// What changed since the previous version, in a few lines, for
/// `policy watch`.
pub fn since(c: &Comparison) -> String {
    if c.is_unchanged() {
        return "since the last save: no change for any invoice of the ledger\n".to_string();
    }
    // A few lines under each save: the rest is `policy diff`'s.
    const SHOWN: usize = 5;
    let mut out = format!("since the last save: {}\n", headline(c));
    let sentences = sentences(c);
    for sentence in sentences.iter().take(SHOWN) {
        let _ = writeln!(out, "  - {sentence}");
    }
    let rows: Vec<TotalRow> = totals(c).into_iter().filter(TotalRow::changed).collect();
    for row in rows.iter().take(SHOWN) {
        let _ = writeln!(out, "  {}: {} → {}", row.label, row.before, row.after);
    }
    let hidden = sentences.len().saturating_sub(SHOWN) + rows.len().saturating_sub(SHOWN);
    if hidden > 0 {
        let _ = writeln!(
            out,
            "  … {hidden} more {} (`policy diff` shows them all)",
            plural(hidden, "line")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_read_as_days_earlier_or_later() {
        assert_eq!(shift_text(5, 5), "5 days later");
        assert_eq!(shift_text(1, 1), "1 day later");
        assert_eq!(shift_text(-3, -3), "3 days earlier");
        assert_eq!(shift_text(2, 7), "2 to 7 days later");
        assert_eq!(shift_text(-7, -2), "2 to 7 days earlier");
        assert_eq!(shift_text(-2, 4), "from 2 days earlier to 4 days later");
    }

    #[test]
    fn total_rows_sign_their_change() {
        let row = TotalRow::money(
            "x".into(),
            Pair {
                before: Decimal::new(132000, 2),
                after: Decimal::new(144000, 2),
            },
        );
        assert_eq!(row.change, "+120.00");
        let row = TotalRow::count(
            "call debtor".into(),
            Pair {
                before: Some(37),
                after: None,
            },
        );
        assert_eq!((row.after.as_str(), row.change.as_str()), ("—", "-37"));
    }
}

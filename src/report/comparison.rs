//! The sections of the report of a comparison of two versions of a
//! policy: both versions, what changes in sentences and totals, both
//! versions' charts side by side on one scale, then every invoice that
//! changes, grouped by kind of change.

use std::fmt::Write;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::DiffReport;
use super::ROWS;
use super::charts::{self, Bar};
use super::figures::{self, Bins, Charted, Period};
use super::html::{self, Cell, esc};
use super::layout::{
    HALF, MOST_BARS, WIDE, amounts_chart, destination_colours, events_chart, footer, header, more,
    policy_fields, routed_period, routed_series, title_of,
};
use super::words::{Noun, Words};
use crate::diff::{ChangeKind, Comparison, EventChange, Fired, Pair};
use crate::ledger::with_cents;
use crate::plan::Plan;
use crate::simulate::Summary;

/// The report of a comparison.
pub fn page(r: &DiffReport<'_>) -> String {
    let w = r.lang.words();
    let c = r.comparison;
    let (before, after) = (&r.before, &r.after);
    let currency = c.currency;
    let first = figures::first_day(c.window, r.ledger);
    let title = title_of(after.plan, after.policy);

    let mut out = String::new();
    header(&mut out, w, w.diff_title, &title, first, &c.after);

    html::heading(&mut out, 2, w.policies);
    versions_table(&mut out, w, r);
    let _ = writeln!(
        out,
        "<p>{} <code>{}</code></p>",
        esc(&w
            .label_value
            .replace("{label}", w.ledger)
            .replace("{value}", "")),
        esc(r.ledger_name)
    );

    html::heading(&mut out, 2, w.what_changes);
    changes_summary(&mut out, w, c, after.plan);
    html::heading(&mut out, 3, w.totals);
    totals_table(&mut out, w, c, after.plan);

    html::heading(&mut out, 2, w.charts);
    // Each version simulated alone for its charts (its events not kept).
    let bins = Bins::fitting(first, c.window.to, Period::Week, MOST_BARS);
    let routed_bins = Bins::fitting(
        first,
        c.window.to,
        routed_period(first, c.window.to),
        MOST_BARS,
    );
    let old_charted = Charted::of_book(before.plan, r.ledger, c.window, &bins, &routed_bins);
    let new_charted = Charted::of_book(after.plan, r.ledger, c.window, &bins, &routed_bins);
    // Events per step identity, both versions on one scale.
    let identity_series = |charted: &Charted<'_>, before: bool| -> Vec<(usize, Vec<f64>)> {
        let counts = &charted.events;
        c.steps
            .iter()
            .enumerate()
            .filter_map(|(id, delta)| {
                let s = if before { &delta.before } else { &delta.after };
                let row = counts.get(s.as_ref()?.step.0)?;
                row.iter()
                    .any(|n| *n > 0)
                    .then(|| (id, row.iter().map(|n| *n as f64).collect()))
            })
            .collect()
    };
    let old = identity_series(&old_charted, true);
    let new = identity_series(&new_charted, false);
    let caption = w.events_compared;
    if old.is_empty() && new.is_empty() {
        html::heading(&mut out, 3, caption);
        html::para(&mut out, "note", w.no_event);
    } else {
        let top = charts::tallest(&old).max(charts::tallest(&new));
        let old_svg = events_chart(w, w.before, &bins, &old, Some(top), HALF);
        let new_svg = events_chart(w, w.after, &bins, &new, Some(top), HALF);
        side_by_side(&mut out, w, caption, &old_svg, &new_svg);
        let mut shown: Vec<usize> = old.iter().chain(&new).map(|(id, _)| *id).collect();
        shown.sort_unstable();
        shown.dedup();
        let legend: Vec<(&str, String)> = shown
            .into_iter()
            .map(|id| {
                (
                    charts::colour(id),
                    identity_label(w, c, id, before.plan, after.plan),
                )
            })
            .collect();
        html::legend(&mut out, &legend);
    }

    let old_routed = old_charted.routed();
    let new_routed = new_charted.routed();
    if !old_routed.is_empty() || !new_routed.is_empty() {
        let colours = destination_colours(
            old_routed
                .iter()
                .chain(&new_routed)
                .map(|(name, _)| name.as_str()),
        );
        let old_series = routed_series(&old_routed, &colours);
        let new_series = routed_series(&new_routed, &colours);
        let top = charts::tallest(&old_series).max(charts::tallest(&new_series));
        let old_svg = amounts_chart(
            w,
            w.before,
            &routed_bins,
            &old_series,
            Some(top),
            currency,
            HALF,
        );
        let new_svg = amounts_chart(
            w,
            w.after,
            &routed_bins,
            &new_series,
            Some(top),
            currency,
            HALF,
        );
        side_by_side(&mut out, w, w.routed_compared, &old_svg, &new_svg);
        let legend: Vec<(&str, String)> = colours
            .iter()
            .map(|(name, colour)| (charts::colour(*colour), w.destination(after.plan, name)))
            .collect();
        html::legend(&mut out, &legend);
    }
    if !c.switches.is_empty() {
        let bars: Vec<Bar> = c
            .switches
            .iter()
            .enumerate()
            .map(|(i, s)| Bar {
                label: switch_label(w, after.plan, s.from.as_deref(), s.to.as_deref()),
                value: s.invoices as f64,
                text: format!(
                    "{} · {}",
                    w.counted(s.invoices, w.invoice_noun),
                    w.money(s.amount, currency)
                ),
                colour: 2 + i,
            })
            .collect();
        let svg = charts::horizontal(w.switches_chart, &bars, WIDE.0);
        html::chart(&mut out, w.switches_chart, &svg);
    }

    out.push_str("<section class=\"break\">\n");
    html::heading(&mut out, 2, w.changed_invoices);
    changed_tables(&mut out, w, r);
    out.push_str("</section>\n");

    footer(&mut out, w, currency);
    html::page(w.code, &format!("{} — {title}", w.diff_title), &out)
}

fn versions_table(out: &mut String, w: &Words, r: &DiffReport<'_>) {
    let before = policy_fields(w, r.before.plan, r.before.policy);
    let after = policy_fields(w, r.after.plan, r.after.policy);
    // The labels of either version, in order.
    let mut labels: Vec<&str> = after.iter().map(|(l, _)| *l).collect();
    for (label, _) in &before {
        if !labels.contains(label) {
            labels.push(label);
        }
    }
    let value = |fields: &[(&str, String)], label: &str| {
        fields
            .iter()
            .find(|(l, _)| *l == label)
            .map_or_else(|| "—".to_string(), |(_, v)| v.clone())
    };
    let rows: Vec<Vec<Cell>> = labels
        .iter()
        .map(|label| {
            vec![
                Cell::Html(format!("<strong>{}</strong>", esc(label))),
                Cell::Html(value(&before, label)),
                Cell::Html(value(&after, label)),
            ]
        })
        .collect();
    html::table(
        out,
        &[("", false), (w.before, false), (w.after, false)],
        &rows,
        None,
    );
}

fn changes_summary(out: &mut String, w: &Words, c: &Comparison, after: &Plan) {
    if c.is_unchanged() {
        html::para(
            out,
            "",
            &w.no_change.replace("{n}", &w.count(c.after.invoices)),
        );
        return;
    }
    let n = c.counts;
    let mut counts = Vec::new();
    for (count, word) in [
        (n.added, w.added),
        (n.removed, w.removed),
        (n.moved, w.moved),
        (n.changed, w.changed),
    ] {
        if count == 0 {
            continue;
        }
        counts.push(if counts.is_empty() {
            format!("{} {word}", w.counted(count, w.event_noun))
        } else {
            format!("{} {word}", w.count(count))
        });
    }
    let sentence = w
        .invoices_change
        .replace("{invoices}", &w.counted(n.invoices, w.invoice_noun))
        .replace("{counts}", &counts.join(", "));
    let _ = writeln!(
        out,
        "<p data-figure=\"changed-invoices\" data-value=\"{}\"><strong>{}</strong></p>",
        n.invoices,
        esc(&sentence)
    );
    let mut sentences: Vec<String> = c
        .switches
        .iter()
        .filter_map(|s| {
            let invoices = format!(
                "{} ({})",
                w.counted(s.invoices, w.invoice_noun),
                w.money(s.amount, c.currency)
            );
            let name = |d: &Option<String>| d.as_deref().map(|d| w.destination(after, d));
            let text = match (name(&s.from), name(&s.to)) {
                (Some(from), Some(to)) => w.switch_to.replace("{from}", &from).replace("{to}", &to),
                (None, Some(to)) => w.switch_new.replace("{to}", &to),
                (Some(from), None) => w.switch_gone.replace("{from}", &from),
                (None, None) => return None,
            };
            Some(text.replace("{invoices}", &invoices))
        })
        .collect();
    let covered = c.covered();
    if covered.changed() {
        sentences.push(
            w.covers_instead
                .replace("{after}", &w.count(covered.after))
                .replace("{before}", &w.count(covered.before)),
        );
    }
    if !sentences.is_empty() {
        out.push_str("<ul class=\"sentences\">\n");
        for sentence in sentences {
            let _ = writeln!(out, "<li>{}</li>", esc(&sentence));
        }
        out.push_str("</ul>\n");
    }
}

/// A count or amount in both versions, and its change.
fn pair_row(label: String, pair: Pair<Decimal>, show: &dyn Fn(Decimal) -> String) -> Vec<Cell> {
    let delta = pair.after.saturating_sub(pair.before);
    let change = if delta.is_zero() {
        Cell::Num(String::new())
    } else {
        let (class, sign) = if delta > Decimal::ZERO {
            ("plus", "+")
        } else {
            ("minus", "−")
        };
        Cell::Html(format!(
            "<span class=\"num {class}\">{sign}{}</span>",
            esc(&show(delta.abs()))
        ))
    };
    vec![
        Cell::Text(label),
        Cell::Num(show(pair.before)),
        Cell::Num(show(pair.after)),
        change,
    ]
}

fn totals_table(out: &mut String, w: &Words, c: &Comparison, plan: &Plan) {
    let currency = c.currency;
    let count = |n: Decimal| w.count(n.to_usize().unwrap_or(0));
    let money = |n: Decimal| w.money(n, currency);
    let pair = |b: usize, a: usize| Pair {
        before: Decimal::from(b),
        after: Decimal::from(a),
    };
    let (b, a) = (&c.before, &c.after);
    let mut rows = vec![
        pair_row(w.covered.to_string(), pair(b.invoices, a.invoices), &count),
        pair_row(w.chased.to_string(), pair(b.chased, a.chased), &count),
        pair_row(w.events.to_string(), pair(b.events, a.events), &count),
    ];
    let mut channels: Vec<&str> = b
        .channels
        .keys()
        .chain(a.channels.keys())
        .copied()
        .collect();
    channels.sort_unstable();
    channels.dedup();
    for channel in channels {
        let n = |s: &Summary| s.channels.get(channel).copied().unwrap_or(0);
        rows.push(pair_row(
            w.channel_heading(channel),
            pair(n(b), n(a)),
            &count,
        ));
    }
    for routed in &c.routed {
        rows.push(pair_row(
            format!(
                "{} · {}",
                w.destination(plan, &routed.destination),
                w.invoices
            ),
            pair(routed.invoices.before, routed.invoices.after),
            &count,
        ));
        rows.push(pair_row(
            format!(
                "{} · {}",
                w.destination(plan, &routed.destination),
                w.amount
            ),
            routed.amount,
            &money,
        ));
    }
    rows.push(pair_row(
        w.collected.to_string(),
        Pair {
            before: with_cents(b.collected),
            after: with_cents(a.collected),
        },
        &money,
    ));
    rows.push(pair_row(
        w.outstanding.replace("{date}", &w.date(a.to)),
        Pair {
            before: with_cents(b.outstanding),
            after: with_cents(a.outstanding),
        },
        &money,
    ));
    html::table(
        out,
        &[
            (w.figure, false),
            (w.before, true),
            (w.after, true),
            (w.change, true),
        ],
        &rows,
        None,
    );
}

fn side_by_side(out: &mut String, w: &Words, caption: &str, before: &str, after: &str) {
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>{}</figcaption>\n<div class=\"side\">\n\
         <div><h3>{}</h3>\n{before}</div>\n<div><h3>{}</h3>\n{after}</div>\n</div>\n</figure>",
        esc(caption),
        esc(w.before),
        esc(w.after)
    );
}

/// A step identity of a comparison, in words (from the version that has
/// it, the new one first).
fn identity_label(w: &Words, c: &Comparison, id: usize, before: &Plan, after: &Plan) -> String {
    let Some(delta) = c.steps.get(id) else {
        return String::new();
    };
    let action = |plan: &Plan, side: &Option<crate::diff::StepSide>| {
        side.as_ref()
            .and_then(|s| plan.step(s.step))
            .map(|s| w.action(plan, &s.action))
    };
    action(after, &delta.after)
        .or_else(|| action(before, &delta.before))
        .unwrap_or_else(|| delta.id.clone())
}

fn switch_label(w: &Words, plan: &Plan, from: Option<&str>, to: Option<&str>) -> String {
    let name =
        |d: Option<&str>| d.map_or_else(|| w.not_routed.to_string(), |d| w.destination(plan, d));
    format!("{} → {}", name(from), name(to))
}

fn changed_tables(out: &mut String, w: &Words, r: &DiffReport<'_>) {
    let c = r.comparison;
    let ledger = r.ledger;
    let currency = c.currency;
    let name_of = |invoice: crate::ledger::InvoiceId| {
        ledger.debtor(ledger.invoice(invoice).debtor).name.clone()
    };
    if c.invoices.is_empty() {
        html::para(
            out,
            "note",
            &w.no_change.replace("{n}", &w.count(c.after.invoices)),
        );
        return;
    }

    let switched: Vec<_> = c
        .invoices
        .iter()
        .filter_map(|i| Some((i, i.switch.as_ref()?)))
        .collect();
    if !switched.is_empty() {
        group_heading(out, w, w.switches, switched.len(), w.invoice_noun);
        let rows: Vec<Vec<Cell>> = switched
            .iter()
            .take(ROWS)
            .map(|(invoice, switch)| {
                let name = |d: &Option<String>| {
                    d.as_deref().map_or_else(
                        || w.not_routed.to_string(),
                        |d| w.destination(r.after.plan, d),
                    )
                };
                vec![
                    Cell::Code(invoice.reference.clone()),
                    Cell::Code(invoice.debtor.clone()),
                    Cell::Text(name_of(invoice.invoice)),
                    Cell::Text(name(&switch.from)),
                    Cell::Text(name(&switch.to)),
                    Cell::Num(w.money(with_cents(switch.amount), currency)),
                ]
            })
            .collect();
        html::table(
            out,
            &[
                (w.invoice, false),
                (w.debtor, false),
                (w.name, false),
                (w.before, false),
                (w.after, false),
                (w.amount, true),
            ],
            &rows,
            None,
        );
        more(out, w, switched.len(), w.all_changes);
    }

    for (kind, title) in [
        (ChangeKind::Added, w.group_added),
        (ChangeKind::Removed, w.group_removed),
        (ChangeKind::Moved, w.group_moved),
        (ChangeKind::Changed, w.group_changed),
    ] {
        let changes: Vec<(&crate::diff::InvoiceChanges, &EventChange)> = c
            .invoices
            .iter()
            .flat_map(|i| i.changes.iter().map(move |change| (i, change)))
            .filter(|(_, change)| change.kind == kind)
            .collect();
        if changes.is_empty() {
            continue;
        }
        group_heading(out, w, title, changes.len(), w.event_noun);
        let rows: Vec<Vec<Cell>> = changes
            .iter()
            .take(ROWS)
            .map(|(invoice, change)| {
                let (before, after) = change_cells(w, r, change);
                let shift = match (kind, &change.before, &change.after) {
                    (ChangeKind::Moved, Some(b), Some(a)) => {
                        let days = (a.date - b.date).num_days();
                        format!("{}{days}", if days > 0 { "+" } else { "" })
                    }
                    _ => String::new(),
                };
                vec![
                    Cell::Code(invoice.reference.clone()),
                    Cell::Code(invoice.debtor.clone()),
                    Cell::Text(name_of(invoice.invoice)),
                    Cell::Text(identity_label(
                        w,
                        c,
                        change.step,
                        r.before.plan,
                        r.after.plan,
                    )),
                    Cell::Text(before),
                    Cell::Text(after),
                    Cell::Num(shift),
                ]
            })
            .collect();
        html::table(
            out,
            &[
                (w.invoice, false),
                (w.debtor, false),
                (w.name, false),
                (w.step, false),
                (w.before, false),
                (w.after, false),
                (w.shift, true),
            ],
            &rows,
            None,
        );
        more(out, w, changes.len(), w.all_changes);
    }
}

fn group_heading(out: &mut String, w: &Words, title: &str, n: usize, noun: Noun) {
    html::heading(out, 3, &format!("{title} ({})", w.counted(n, noun)));
}

/// The before and after cells of a change: the date, and for a changed
/// event what the step does in that version.
fn change_cells(w: &Words, r: &DiffReport<'_>, change: &EventChange) -> (String, String) {
    let step = r.comparison.steps.get(change.step);
    let cell = |fired: Option<&Fired>, plan: &Plan, side: Option<&crate::diff::StepSide>| {
        let Some(fired) = fired else {
            return "—".to_string();
        };
        let mut text = w.date(fired.date);
        if change.kind == ChangeKind::Changed
            && let Some(step) = side.and_then(|s| plan.step(s.step))
        {
            let _ = write!(text, " · {}", w.action(plan, &step.action));
            if let Some(charge) = fired.charge {
                let _ = write!(text, " ({charge})");
            }
        }
        text
    };
    (
        cell(
            change.before.as_ref(),
            r.before.plan,
            step.and_then(|s| s.before.as_ref()),
        ),
        cell(
            change.after.as_ref(),
            r.after.plan,
            step.and_then(|s| s.after.as_ref()),
        ),
    )
}

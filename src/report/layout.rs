//! The report's sections, in the order its readers need them: which
//! policy and which days, the headline figures, the charts, then the
//! tables to work from. The words come from [`super::words`], the markup
//! from [`super::html`], the numbers from [`super::figures`].

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::charts::{self, Bar, Stacked};
use super::figures::{self, Bins, Charted, Period, StepDay};
use super::html::{self, Cell, Tile, esc};
use super::provenance::{FileState, Git, Provenance};
use super::words::{Noun, Words};
use super::{DiffReport, LARGEST_DEBTORS, ROWS, SimulationReport};
use crate::diff::{ChangeKind, Comparison, EventChange, Fired, Pair};
use crate::ledger::{Ledger, with_cents};
use crate::plan::{Action, Plan};
use crate::simulate::{Summary, Window};

/// Bars in a chart of the whole window, at most (weeks, else months…).
const MOST_BARS: usize = 160;
/// A full-width chart, and one of two side by side, in SVG pixels.
const WIDE: (u32, u32) = (1100, 360);
const HALF: (u32, u32) = (540, 360);

/// The report of one simulation.
pub fn simulation(r: &SimulationReport<'_>) -> String {
    let w = r.lang.words();
    let plan = r.plan;
    let s = &r.simulation.summary;
    let currency = plan.currency.value;
    let first = figures::first_day(window(s), r.ledger);
    let title = title_of(plan, r.policy);

    let mut out = String::new();
    header(&mut out, w, w.simulation_title, &title, first, s);

    html::heading(&mut out, 2, w.policy);
    let mut fields = policy_fields(w, plan, r.policy);
    fields.push((w.ledger, code(r.ledger_name)));
    html::fields(&mut out, &fields);

    html::heading(&mut out, 2, w.headline);
    headline(&mut out, w, plan, s);

    html::heading(&mut out, 2, w.charts);
    let bins = Bins::fitting(first, s.to, Period::Week, MOST_BARS);
    let routed_bins = Bins::fitting(first, s.to, routed_period(first, s.to), MOST_BARS);
    let charted = Charted::of_simulation(plan, r.simulation, &bins, &routed_bins);
    let series: Vec<(usize, Vec<f64>)> = charted
        .events
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().any(|n| *n > 0))
        .map(|(step, row)| (step, row.iter().map(|n| *n as f64).collect()))
        .collect();
    let legend: Vec<(&str, String)> = series
        .iter()
        .map(|(step, _)| {
            (
                charts::colour(*step),
                w.step(plan, crate::plan::StepId(*step)),
            )
        })
        .collect();
    let caption = events_caption(w, bins.period);
    if series.is_empty() {
        html::heading(&mut out, 3, caption);
        html::para(&mut out, "note", w.no_event);
    } else {
        let svg = events_chart(w, caption, &bins, &series, None, WIDE);
        html::chart(&mut out, caption, &svg);
        html::legend(&mut out, &legend);
    }
    out.push_str("<div class=\"two\">\n<div>\n");
    aged_chart(&mut out, w, s, currency);
    out.push_str("</div>\n<div>\n");
    let routed = charted.routed();
    let caption = routed_caption(w, routed_bins.period);
    if routed.is_empty() {
        html::heading(&mut out, 3, caption);
        html::para(&mut out, "note", w.nothing_routed);
    } else {
        let colours = destination_colours(routed.iter().map(|(name, _)| name.as_str()));
        let series = routed_series(&routed, &colours);
        let svg = amounts_chart(w, caption, &routed_bins, &series, None, currency, HALF);
        html::chart(&mut out, caption, &svg);
        html::legend(
            &mut out,
            &routed_legend(w, plan, &routed, &colours, currency),
        );
    }
    out.push_str("</div>\n</div>\n");

    let lines =
        figures::largest_debtors(plan, r.ledger, r.simulation, r.runs_from, LARGEST_DEBTORS);
    out.push_str("<section class=\"break\">\n");
    html::heading(
        &mut out,
        2,
        &w.largest_debtors.replace("{n}", &w.count(lines.len())),
    );
    if lines.is_empty() {
        html::para(&mut out, "note", w.no_balance);
    } else {
        html::para(
            &mut out,
            "note",
            &w.largest_note.replace("{date}", &w.long_date(s.to)),
        );
        debtors_table(&mut out, w, plan, r.ledger, &lines, currency);
    }
    out.push_str("</section>\n");

    html::heading(&mut out, 2, w.routed_invoices);
    let routed = figures::routed_invoices(plan, r.simulation);
    if routed.is_empty() {
        html::para(&mut out, "note", w.nothing_routed);
    } else {
        html::para(&mut out, "note", w.routed_invoices_note);
        routed_table(&mut out, w, plan, r.ledger, &routed, currency);
        more(&mut out, w, routed.len(), w.all_routed);
    }

    footer(&mut out, w, currency);
    html::page(w.code, &format!("{} — {title}", w.simulation_title), &out)
}

/// The report of a comparison.
pub fn diff(r: &DiffReport<'_>) -> String {
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

fn window(s: &Summary) -> Window {
    Window {
        from: s.from,
        to: s.to,
    }
}

/// The policy's `policy "…"` title, else its file.
fn title_of(plan: &Plan, policy: &Provenance) -> String {
    plan.title
        .as_ref()
        .map_or_else(|| policy.name.clone(), |t| t.value.clone())
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", esc(text))
}

fn header(out: &mut String, w: &Words, kind: &str, title: &str, first: NaiveDate, s: &Summary) {
    let mut from = w.long_date(first);
    if s.from.is_none() {
        let _ = write!(from, " ({})", w.book_start);
    }
    let window = w
        .window
        .replace("{from}", &from)
        .replace("{to}", &w.long_date(s.to));
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n<p class=\"window\">{}</p>\n</header>",
        esc(kind),
        esc(title),
        esc(&window)
    );
}

fn footer(out: &mut String, w: &Words, currency: &str) {
    let _ = writeln!(
        out,
        "<footer>{} {}</footer>",
        esc(&w.amounts_in.replace("{currency}", currency)),
        esc(&w.made_by.replace("{version}", env!("CARGO_PKG_VERSION")))
    );
}

/// The file, title, law, hash and revision of a policy, as HTML values.
fn policy_fields<'w>(w: &'w Words, plan: &Plan, policy: &Provenance) -> Vec<(&'w str, String)> {
    let mut fields = vec![(w.file, code(&policy.name))];
    if let Some(title) = &plan.title {
        fields.push((w.policy_title, esc(&title.value).to_string()));
    }
    if let Some(j) = &plan.jurisdiction {
        fields.push((
            w.jurisdiction,
            format!(
                "{} ({}) · {}",
                esc(w.country(j.value)),
                j.value,
                esc(plan.currency.value)
            ),
        ));
    }
    fields.push((
        w.sha256,
        format!(
            "<code>{}</code> <span class=\"note\">({})</span>",
            esc(&policy.sha256),
            esc(w.sha256_note)
        ),
    ));
    fields.extend(git_fields(w, policy.git.as_ref()));
    fields
}

fn git_fields<'w>(w: &'w Words, git: Option<&Git>) -> Vec<(&'w str, String)> {
    let mut fields = Vec::new();
    match git {
        None => {}
        Some(Git::WorkTree {
            head,
            last_commit,
            state,
        }) => {
            match (last_commit, state) {
                (Some(commit), FileState::Modified) => fields.push((
                    w.git_file_commit,
                    format!(
                        "{} <span class=\"warn\">{}</span>",
                        code(commit),
                        esc(w.git_modified)
                    ),
                )),
                (Some(commit), _) => fields.push((w.git_file_commit, code(commit))),
                (None, _) => fields.push((
                    w.git_file_commit,
                    format!("<span class=\"warn\">{}</span>", esc(w.git_untracked)),
                )),
            }
            if let Some(head) = head {
                fields.push((w.git_head, code(head)));
            }
        }
        Some(Git::Revision { rev, commit }) => {
            let value = if rev.is_empty() {
                esc(w.git_staged).to_string()
            } else {
                match commit {
                    Some(commit) => format!("{} = {}", code(rev), code(commit)),
                    None => code(rev),
                }
            };
            fields.push((w.git_revision, value));
        }
    }
    fields
}

fn headline(out: &mut String, w: &Words, plan: &Plan, s: &Summary) {
    let currency = plan.currency.value;
    let collected = with_cents(s.collected);
    let outstanding = with_cents(s.outstanding);
    let outstanding_label = w.outstanding.replace("{date}", &w.date(s.to));
    html::tiles(
        out,
        &[
            Tile {
                label: w.covered,
                shown: &w.count(s.invoices),
                figure: "invoices",
                value: &s.invoices.to_string(),
                note: w.covered_note,
            },
            Tile {
                label: w.chased,
                shown: &w.count(s.chased),
                figure: "chased",
                value: &s.chased.to_string(),
                note: w.chased_note,
            },
            Tile {
                label: w.collected,
                shown: &w.money(collected, currency),
                figure: "collected",
                value: &collected.to_string(),
                note: w.collected_note,
            },
            Tile {
                label: &outstanding_label,
                shown: &w.money(outstanding, currency),
                figure: "outstanding",
                value: &outstanding.to_string(),
                note: w.outstanding_note,
            },
        ],
    );
    out.push_str("<div class=\"two\">\n<div>\n");
    html::heading(out, 3, w.by_channel);
    if s.channels.is_empty() {
        html::para(out, "note", w.nothing_sent);
    } else {
        let rows: Vec<Vec<Cell>> = s
            .channels
            .iter()
            .map(|(channel, n)| {
                vec![
                    Cell::Text(w.channel_heading(channel)),
                    html::figure_cell(&format!("channel:{channel}"), &n.to_string(), &w.count(*n)),
                ]
            })
            .collect();
        html::table(out, &[(w.channel, false), (w.sent, true)], &rows, None);
        html::para(out, "note", w.sent_note);
    }
    out.push_str("</div>\n<div>\n");
    html::heading(out, 3, w.routed);
    if s.routed.is_empty() {
        html::para(out, "note", w.nothing_routed);
    } else {
        let rows: Vec<Vec<Cell>> = s
            .routed
            .iter()
            .map(|r| {
                let figure = |what: &str| format!("routed:{}:{what}", r.destination);
                vec![
                    Cell::Text(w.destination(plan, &r.destination)),
                    html::figure_cell(
                        &figure("invoices"),
                        &r.invoices.to_string(),
                        &w.count(r.invoices),
                    ),
                    html::figure_cell(
                        &figure("amount"),
                        &r.amount.to_string(),
                        &w.money(r.amount, currency),
                    ),
                ]
            })
            .collect();
        let total = (s.routed.len() > 1).then(|| {
            let invoices: usize = s.routed.iter().map(|r| r.invoices).sum();
            let amount: Decimal = s.routed.iter().map(|r| r.amount).sum();
            vec![
                Cell::Text(String::new()),
                Cell::Num(w.count(invoices)),
                Cell::Num(w.money(amount, currency)),
            ]
        });
        html::table(
            out,
            &[(w.destination, false), (w.invoices, true), (w.amount, true)],
            &rows,
            total.as_deref(),
        );
        html::para(out, "note", w.routed_note);
    }
    out.push_str("</div>\n</div>\n");
}

fn events_caption(w: &Words, period: Period) -> &'static str {
    match period {
        Period::Week => w.events_per_week,
        Period::Month => w.events_per_month,
        Period::Year => w.events_per_year,
    }
}

fn routed_caption(w: &Words, period: Period) -> &'static str {
    match period {
        Period::Week => w.routed_per_week,
        Period::Month => w.routed_per_month,
        Period::Year => w.routed_per_year,
    }
}

/// Amounts routed by month, or by week in a window of three months or
/// less.
fn routed_period(first: NaiveDate, last: NaiveDate) -> Period {
    if (last - first).num_days() <= 92 {
        Period::Week
    } else {
        Period::Month
    }
}

fn bin_labels(w: &Words, bins: &Bins) -> Vec<String> {
    bins.starts
        .iter()
        .enumerate()
        .map(|(i, start)| match bins.period {
            Period::Week => w.week_label(*start),
            // The year on the first month and on each January.
            Period::Month if i == 0 || start.month() == 1 => w.month_label(*start),
            Period::Month => w.month(*start).to_string(),
            Period::Year => start.format("%Y").to_string(),
        })
        .collect()
}

fn events_chart(
    w: &Words,
    title: &str,
    bins: &Bins,
    series: &[(usize, Vec<f64>)],
    top: Option<f64>,
    size: (u32, u32),
) -> String {
    let categories = bin_labels(w, bins);
    let format = |v: f64| w.axis_number(v);
    charts::stacked(&Stacked {
        title,
        categories: &categories,
        series,
        top,
        y_axis: w.events_axis,
        x_axis: None,
        format_y: &format,
        size,
    })
}

fn amounts_chart(
    w: &Words,
    title: &str,
    bins: &Bins,
    series: &[(usize, Vec<f64>)],
    top: Option<f64>,
    currency: &str,
    size: (u32, u32),
) -> String {
    let categories = bin_labels(w, bins);
    let format = |v: f64| w.axis_number(v);
    let (divisor, axis) = money_axis(w, top.unwrap_or_else(|| charts::tallest(series)), currency);
    let series = scaled(series, divisor);
    charts::stacked(&Stacked {
        title,
        categories: &categories,
        series: &series,
        top: top.map(|t| t / divisor),
        y_axis: &axis,
        x_axis: None,
        format_y: &format,
        size,
    })
}

/// The unit of an axis of amounts up to `tallest`: (divisor, its label).
fn money_axis(w: &Words, tallest: f64, currency: &str) -> (f64, String) {
    let (divisor, label) = if tallest >= 2e6 {
        (1e6, w.amount_axis[2])
    } else if tallest >= 2e4 {
        (1e3, w.amount_axis[1])
    } else {
        (1.0, w.amount_axis[0])
    };
    (divisor, label.replace("{currency}", currency))
}

fn scaled(series: &[(usize, Vec<f64>)], divisor: f64) -> Vec<(usize, Vec<f64>)> {
    series
        .iter()
        .map(|(colour, values)| (*colour, values.iter().map(|v| v / divisor).collect()))
        .collect()
}

/// For drawing only (see [`super::charts`]).
fn to_f64(amount: Decimal) -> f64 {
    amount.to_f64().unwrap_or(0.0)
}

fn aged_chart(out: &mut String, w: &Words, s: &Summary, currency: &str) {
    let caption = w.aged_title.replace("{date}", &w.date(s.to));
    if s.aged_by_kind.is_empty() {
        html::heading(out, 3, &caption);
        html::para(out, "note", w.no_balance);
        return;
    }
    let categories: Vec<String> = w.bands.iter().map(|b| b.to_string()).collect();
    let series: Vec<(usize, Vec<f64>)> = s
        .aged_by_kind
        .iter()
        .map(|k| {
            (
                kind_colour(k.kind),
                k.bands.0.iter().map(|b| to_f64(*b)).collect(),
            )
        })
        .collect();
    let format = |v: f64| w.axis_number(v);
    let (divisor, axis) = money_axis(w, charts::tallest(&series), currency);
    let series = scaled(&series, divisor);
    let svg = charts::stacked(&Stacked {
        title: &caption,
        categories: &categories,
        series: &series,
        top: None,
        y_axis: &axis,
        x_axis: Some(w.days_axis),
        format_y: &format,
        size: HALF,
    });
    html::chart(out, &caption, &svg);
    let legend: Vec<(&str, String)> = s
        .aged_by_kind
        .iter()
        .map(|k| {
            (
                charts::colour(kind_colour(k.kind)),
                w.label_value
                    .replace("{label}", w.kind(k.kind))
                    .replace("{value}", &w.money(with_cents(k.bands.total()), currency)),
            )
        })
        .collect();
    html::legend(out, &legend);
    html::para(out, "note", w.aged_note);
}

/// Debtor kinds in colours the step charts use least.
fn kind_colour(kind: crate::vocab::DebtorKind) -> usize {
    match kind {
        crate::vocab::DebtorKind::B2b => 0,
        crate::vocab::DebtorKind::B2c => 5,
    }
}

/// Each destination's colour, by name (the same in both versions).
fn destination_colours<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut colours: BTreeMap<String, usize> = names.map(|n| (n.to_string(), 0)).collect();
    for (i, colour) in colours.values_mut().enumerate() {
        // After the colours of the first steps, so the charts differ.
        *colour = 6 + i;
    }
    colours
}

fn routed_series(
    routed: &[(String, Vec<Decimal>)],
    colours: &BTreeMap<String, usize>,
) -> Vec<(usize, Vec<f64>)> {
    routed
        .iter()
        .map(|(name, values)| {
            (
                colours.get(name).copied().unwrap_or(0),
                values.iter().map(|v| to_f64(*v)).collect(),
            )
        })
        .collect()
}

fn routed_legend<'c>(
    w: &Words,
    plan: &Plan,
    routed: &[(String, Vec<Decimal>)],
    colours: &'c BTreeMap<String, usize>,
    currency: &str,
) -> Vec<(&'c str, String)> {
    routed
        .iter()
        .map(|(name, values)| {
            let total: Decimal = values.iter().sum();
            (
                charts::colour(colours.get(name).copied().unwrap_or(0)),
                format!(
                    "{} ({})",
                    w.destination(plan, name),
                    w.money(total, currency)
                ),
            )
        })
        .collect()
}

/// A step in a table: `17/03/2025 · mise_en_demeure · F25-0000123`.
fn step_day(w: &Words, plan: &Plan, ledger: &Ledger, day: &StepDay) -> String {
    let what = plan
        .step(day.step)
        .map_or_else(String::new, |s| match &s.action {
            Action::Send { template, .. } => template.clone(),
            other => w.action(plan, other),
        });
    let mut text = format!(
        "{} · {what} · {}",
        w.date(day.date),
        ledger.invoice(day.invoice).reference
    );
    if day.others > 0 {
        text.push(' ');
        text.push_str(&w.and_invoices.replace("{n}", &w.count(day.others)));
    }
    text
}

fn debtors_table(
    out: &mut String,
    w: &Words,
    plan: &Plan,
    ledger: &Ledger,
    lines: &[figures::DebtorLine],
    currency: &str,
) {
    let rows: Vec<Vec<Cell>> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let debtor = ledger.debtor(line.debtor);
            vec![
                Cell::Num((i + 1).to_string()),
                Cell::Code(debtor.id.clone()),
                Cell::Text(debtor.name.clone()),
                Cell::Text(debtor.kind.as_str().to_uppercase()),
                Cell::Num(w.count(line.open_invoices)),
                Cell::Num(w.money(with_cents(line.outstanding), currency)),
                Cell::Num(if line.days_late > 0 {
                    w.count(line.days_late as usize)
                } else {
                    "—".to_string()
                }),
                Cell::Text(
                    line.last
                        .as_ref()
                        .map_or_else(|| "—".to_string(), |d| step_day(w, plan, ledger, d)),
                ),
                Cell::Text(line.next.as_ref().map_or_else(
                    || w.end_of_policy.to_string(),
                    |d| step_day(w, plan, ledger, d),
                )),
            ]
        })
        .collect();
    html::table(
        out,
        &[
            (w.rank, true),
            (w.debtor, false),
            (w.name, false),
            (w.kind, false),
            (w.open_invoices, true),
            (w.outstanding_short, true),
            (w.days_late, true),
            (w.last_step, false),
            (w.next_step, false),
        ],
        &rows,
        None,
    );
}

fn routed_table(
    out: &mut String,
    w: &Words,
    plan: &Plan,
    ledger: &Ledger,
    routed: &[figures::RoutedInvoice],
    currency: &str,
) {
    let rows: Vec<Vec<Cell>> = routed
        .iter()
        .take(ROWS)
        .map(|r| {
            let debtor = ledger.debtor(r.debtor);
            let (destination, procedure) = match plan.step(r.step).map(|s| &s.action) {
                Some(Action::Route {
                    destination,
                    procedure,
                }) => (
                    w.destination(plan, destination),
                    procedure
                        .as_deref()
                        .map_or_else(String::new, |p| w.procedure(plan, p)),
                ),
                _ => (String::new(), String::new()),
            };
            vec![
                Cell::Text(w.date(r.date)),
                Cell::Code(ledger.invoice(r.invoice).reference.to_string()),
                Cell::Code(debtor.id.clone()),
                Cell::Text(debtor.name.clone()),
                Cell::Text(destination),
                Cell::Text(procedure),
                Cell::Num(w.money(with_cents(r.amount), currency)),
            ]
        })
        .collect();
    html::table(
        out,
        &[
            (w.date, false),
            (w.invoice, false),
            (w.debtor, false),
            (w.name, false),
            (w.destination, false),
            (w.procedure, false),
            (w.outstanding_that_day, true),
        ],
        &rows,
        None,
    );
}

/// "… and N more", and how to get them all, when `total` rows were cut
/// to [`ROWS`].
fn more(out: &mut String, w: &Words, total: usize, how: &str) {
    if total <= ROWS {
        return;
    }
    html::para(
        out,
        "more",
        &format!(
            "{} {how}",
            w.more_rows.replace("{n}", &w.count(total - ROWS))
        ),
    );
}

// The comparison.

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
    let delta = pair.after - pair.before;
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

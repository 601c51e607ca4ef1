//! The sections of the report of a simulation, in the order its readers
//! need them: which policy and which days, the headline figures, the
//! charts, then the tables to work from; and the pieces the report of a
//! comparison ([`super::comparison`]) shares with it. The words come from
//! [`super::words`], the markup from [`super::html`], the numbers from
//! [`super::figures`].

use crate::amount::Amounts;
use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::charts::{self, Stacked};
use super::figures::{self, Bins, Charted, Period, StepDay};
use super::html::{self, Cell, Tile, esc};
use super::provenance::{FileState, Git, Provenance};
use super::words::Words;
use super::{LARGEST_DEBTORS, ROWS, SimulationReport};
use crate::ledger::{Ledger, with_cents};
use crate::plan::{Action, Plan};
use crate::simulate::{Summary, Window};

/// Bars in a chart of the whole window, at most (weeks, else months…).
pub(super) const MOST_BARS: usize = 160;
/// A full-width chart, and one of two side by side, in SVG pixels.
pub(super) const WIDE: (u32, u32) = (1100, 360);
pub(super) const HALF: (u32, u32) = (540, 360);

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
    if !s.refused.is_empty() {
        html::heading(&mut out, 2, w.refused_routes);
        html::para(&mut out, "note", w.refused_routes_note);
        refused_table(&mut out, w, plan, r.ledger, &s.refused);
        more(&mut out, w, s.refused.len(), "");
    }

    footer(&mut out, w, currency);
    html::page(w.code, &format!("{} — {title}", w.simulation_title), &out)
}

fn window(s: &Summary) -> Window {
    Window {
        from: s.from,
        to: s.to,
    }
}

/// The policy's `policy "…"` title, else its file.
pub(super) fn title_of(plan: &Plan, policy: &Provenance) -> String {
    plan.title
        .as_ref()
        .map_or_else(|| policy.name.clone(), |t| t.value.clone())
}

pub(super) fn code(text: &str) -> String {
    format!("<code>{}</code>", esc(text))
}

pub(super) fn header(
    out: &mut String,
    w: &Words,
    kind: &str,
    title: &str,
    first: NaiveDate,
    s: &Summary,
) {
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

pub(super) fn footer(out: &mut String, w: &Words, currency: &str) {
    let _ = writeln!(
        out,
        "<footer>{} {}</footer>",
        esc(&w.amounts_in.replace("{currency}", currency)),
        esc(&w.made_by.replace("{version}", env!("CARGO_PKG_VERSION")))
    );
}

/// The file, title, law, hash and revision of a policy, as HTML values.
pub(super) fn policy_fields<'w>(
    w: &'w Words,
    plan: &Plan,
    policy: &Provenance,
) -> Vec<(&'w str, String)> {
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
            let amount: Decimal = s.routed.iter().map(|r| r.amount).total();
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
pub(super) fn routed_period(first: NaiveDate, last: NaiveDate) -> Period {
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

pub(super) fn events_chart(
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

pub(super) fn amounts_chart(
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
pub(super) fn destination_colours<'a>(
    names: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, usize> {
    let mut colours: BTreeMap<String, usize> = names.map(|n| (n.to_string(), 0)).collect();
    for (i, colour) in colours.values_mut().enumerate() {
        // After the colours of the first steps, so the charts differ.
        *colour = 6 + i;
    }
    colours
}

pub(super) fn routed_series(
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
            let total: Decimal = values.iter().copied().total();
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

fn refused_table(
    out: &mut String,
    w: &Words,
    plan: &Plan,
    ledger: &Ledger,
    refused: &[crate::simulate::Refused],
) {
    let rows: Vec<Vec<Cell>> = refused
        .iter()
        .take(ROWS)
        .map(|r| {
            let invoice = ledger.invoice(r.invoice);
            let debtor = ledger.debtor(invoice.debtor);
            let destination = match plan.step(r.step).map(|s| &s.action) {
                Some(Action::Route { destination, .. }) => w.destination(plan, destination),
                _ => String::new(),
            };
            vec![
                Cell::Text(w.date(r.date)),
                Cell::Code(invoice.reference.to_string()),
                Cell::Code(debtor.id.clone()),
                Cell::Text(debtor.name.clone()),
                Cell::Text(destination),
                Cell::Text(w.refusal(plan, &r.why)),
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
            (w.reason, false),
        ],
        &rows,
        None,
    );
}

/// "… and N more", and how to get them all, when `total` rows were cut
/// to [`ROWS`].
pub(super) fn more(out: &mut String, w: &Words, total: usize, how: &str) {
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

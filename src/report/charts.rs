//! The report's charts, drawn by plotters as SVG markup to put inline in
//! the page: stacked bars (events per period and step, the aged balance,
//! amounts routed) and horizontal bars (invoices that switch destination).
//! No font is loaded: text stays SVG `<text>`, set in the page's font by
//! its stylesheet. Heights are pixels, so amounts become `f64` here, for
//! drawing only: no amount shown as a figure is computed from them.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The series colours, in order (Tableau 10: distinct in print and for
/// the common colour blindnesses).
pub(crate) const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The `i`th series colour, as `#rrggbb`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

fn rgb(i: usize) -> RGBColor {
    let hex = colour(i).trim_start_matches('#');
    let part = |at: usize| {
        hex.get(at..at + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(part(0), part(2), part(4))
}

const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
const FONT: &str = "sans-serif";

/// Bars stacked per category.
pub(crate) struct Stacked<'a> {
    /// What the chart shows, for screen readers.
    pub title: &'a str,
    /// One label per category (a bar), along the x axis.
    pub categories: &'a [String],
    /// Stacked from the bottom: (colour index, one value per category).
    pub series: &'a [(usize, Vec<f64>)],
    /// The top of the y axis (the same for charts shown side by side);
    /// `None`: the tallest bar.
    pub top: Option<f64>,
    pub y_axis: &'a str,
    pub x_axis: Option<&'a str>,
    pub format_y: &'a dyn Fn(f64) -> String,
    /// In pixels of the drawing (the page scales it to its column).
    pub size: (u32, u32),
}

/// The tallest stack of `series`.
pub(crate) fn tallest(series: &[(usize, Vec<f64>)]) -> f64 {
    let categories = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    (0..categories)
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0.0))
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// A stacked bar chart as SVG markup (empty if plotters fails, which it
/// does only on an I/O error that a string cannot have).
pub(crate) fn stacked(chart: &Stacked<'_>) -> String {
    let mut svg = String::new();
    let drawn = draw_stacked(chart, &mut svg);
    finish(svg, drawn.is_some(), chart.title, chart.size)
}

fn draw_stacked(chart: &Stacked<'_>, svg: &mut String) -> Option<()> {
    let n = chart.categories.len().max(1);
    // A half-width chart is shrunk more on the page: larger type.
    let font: u32 = if chart.size.0 < 800 { 16 } else { 13 };
    let top = nice_top(chart.top.unwrap_or_else(|| tallest(chart.series)));
    let root = SVGBackend::with_string(svg, chart.size).into_drawing_area();
    root.fill(&WHITE).ok()?;
    // Labels are as wide as most of them are (a month's label may carry
    // its year).
    let mut lengths: Vec<usize> = chart.categories.iter().map(|c| c.chars().count()).collect();
    lengths.sort_unstable();
    let longest = lengths.get(lengths.len() * 3 / 4).copied().unwrap_or(0);
    let y_width = ((chart.format_y)(top).chars().count() as u32 * font * 6 / 10 + font * 3).max(60);
    let mut plot = ChartBuilder::on(&root)
        .margin_top(12)
        .margin_right(16)
        .margin_left(6)
        .x_label_area_size(if chart.x_axis.is_some() { 46 } else { 28 })
        .y_label_area_size(y_width)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)
        .ok()?;
    // As many x labels as fit side by side.
    let per_label = (longest as u32 * font / 2 + 8).max(24);
    let room = chart.size.0.saturating_sub(y_width + 30);
    let x_labels = ((room / per_label) as usize).clamp(2, n.max(2));
    let categories = chart.categories;
    let x_format = move |v: &f64| {
        let i = v.round();
        if (v - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        categories.get(i as usize).cloned().unwrap_or_default()
    };
    let y_format = |v: &f64| (chart.format_y)(*v);
    let mut mesh = plot.configure_mesh();
    mesh.disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_labels(x_labels)
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style((FONT, font).into_font().color(&INK))
        .axis_desc_style((FONT, font).into_font().color(&INK))
        .y_desc(chart.y_axis);
    if let Some(x_axis) = chart.x_axis {
        mesh.x_desc(x_axis);
    }
    mesh.draw().ok()?;
    let mut base = vec![0.0f64; n];
    for (colour, values) in chart.series {
        let style = rgb(*colour).filled();
        let mut bars = Vec::new();
        for (i, value) in values.iter().enumerate().take(n) {
            if *value <= 0.0 {
                continue;
            }
            let x = i as f64;
            bars.push(Rectangle::new(
                [(x - 0.4, base[i]), (x + 0.4, base[i] + value)],
                style,
            ));
            base[i] += value;
        }
        plot.draw_series(bars).ok()?;
    }
    root.present().ok()
}

/// One horizontal bar.
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    /// Written at the bar's end.
    pub text: String,
    pub colour: usize,
}

/// Horizontal bars, labelled on the left, their figure at their end.
pub(crate) fn horizontal(title: &str, bars: &[Bar], width: u32) -> String {
    let mut svg = String::new();
    let height = 24 + 34 * bars.len().max(1) as u32;
    let drawn = draw_horizontal(bars, (width, height), &mut svg);
    finish(svg, drawn.is_some(), title, (width, height))
}

fn draw_horizontal(bars: &[Bar], size: (u32, u32), svg: &mut String) -> Option<()> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).ok()?;
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as i32 * 7 + 16).clamp(80, size.0 as i32 / 2);
    let text_width = bars
        .iter()
        .map(|b| b.text.chars().count())
        .max()
        .unwrap_or(0) as i32
        * 7
        + 12;
    let top = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let room = (size.0 as i32 - label_width - text_width - 12).max(40);
    let label = TextStyle::from((FONT, 14).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    let figure = TextStyle::from((FONT, 14).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, bar) in bars.iter().enumerate() {
        let y = 16 + 34 * i as i32;
        let mid = y + 12;
        let length = ((bar.value / top) * f64::from(room)).round().max(2.0) as i32;
        root.draw(&Text::new(
            bar.label.clone(),
            (label_width - 8, mid),
            label.clone(),
        ))
        .ok()?;
        root.draw(&Rectangle::new(
            [(label_width, y), (label_width + length, y + 24)],
            rgb(bar.colour).filled(),
        ))
        .ok()?;
        root.draw(&Text::new(
            bar.text.clone(),
            (label_width + length + 6, mid),
            figure.clone(),
        ))
        .ok()?;
    }
    root.present().ok()
}

/// A round top for an axis above `value`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or
/// 8 times a power of ten.
fn nice_top(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|top| *top >= value)
        .unwrap_or(10.0 * power)
}

/// The SVG as the page holds it: scaled by the stylesheet (a view box, no
/// fixed size), named for screen readers, without the XML namespace that
/// HTML does not need.
fn finish(svg: String, drawn: bool, title: &str, (width, height): (u32, u32)) -> String {
    if !drawn {
        return String::new();
    }
    let Some(body) = svg.find('>').map(|end| &svg[end + 1..]) else {
        return String::new();
    };
    format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">{body}",
        super::html::esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stacked_chart_is_svg_with_text_and_a_bar_per_value() {
        let categories: Vec<String> = ["0–30", "31–60", "61–90"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let series = vec![(0, vec![10.0, 0.0, 5.0]), (1, vec![2.0, 3.0, 0.0])];
        let svg = stacked(&Stacked {
            title: "aged <balance>",
            categories: &categories,
            series: &series,
            top: None,
            y_axis: "EUR",
            x_axis: Some("days"),
            format_y: &|v| format!("{v:.0}"),
            size: (600, 300),
        });
        assert!(svg.starts_with("<svg viewBox=\"0 0 600 300\""), "{svg}");
        assert!(svg.contains("aria-label=\"aged &lt;balance&gt;\""), "{svg}");
        assert!(!svg.contains("xmlns"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
        // Labels are text a browser sets in the page's font.
        assert!(svg.contains("<text"), "{svg}");
        assert!(svg.contains("31–60"), "{svg}");
        // Four bars of the first two colours, none for the zeros.
        let bars = |c: &str| {
            svg.matches(&format!("fill=\"{}\"", c.to_uppercase()))
                .count()
        };
        assert_eq!(bars(PALETTE[0]), 2, "{svg}");
        assert_eq!(bars(PALETTE[1]), 2, "{svg}");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(7.0), 8.0);
        assert_eq!(nice_top(180.0), 200.0);
        assert_eq!(nice_top(210.0), 250.0);
        assert_eq!(nice_top(2100.0), 2500.0);
        assert_eq!(nice_top(520_000_000.0), 600_000_000.0);
        assert_eq!(nice_top(40_000.0), 40_000.0);
    }

    #[test]
    fn horizontal_bars_write_their_labels_and_figures() {
        let svg = horizontal(
            "switches",
            &[
                Bar {
                    label: "justice de paix → tribunal".into(),
                    value: 3.0,
                    text: "3 invoices".into(),
                    colour: 2,
                },
                Bar {
                    label: "not routed → tribunal".into(),
                    value: 1.0,
                    text: "1 invoice".into(),
                    colour: 3,
                },
            ],
            700,
        );
        assert!(svg.contains("justice de paix → tribunal"), "{svg}");
        assert!(svg.contains("3 invoices"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}"); // background + 2
    }
}

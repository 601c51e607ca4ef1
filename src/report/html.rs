//! Writing the page: its frame (the head, one stylesheet for the screen
//! and for A4 paper) and the pieces the layout puts in it (figure tiles,
//! tables, charts with their legend). Every value is HTML-escaped here or
//! by [`esc`]; nothing is loaded from elsewhere and there is no script.

use std::fmt::{self, Display, Write};

/// `text` escaped for HTML text and quoted attribute values.
pub(crate) fn esc(text: &str) -> Esc<'_> {
    Esc(text)
}

/// Text with `&`, `<`, `>`, `"` and `'` escaped (and nothing else: dates
/// keep their `/`).
pub(crate) struct Esc<'a>(&'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

const STYLE: &str = "\
:root { --ink: #1d2733; --muted: #5b6673; --rule: #d5dae0; --band: #f4f6f8; --accent: #1f4e79; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #e9ecef; }
body { font: 14px/1.45 \"Helvetica Neue\", Arial, \"Liberation Sans\", \"DejaVu Sans\", sans-serif; \
color: var(--ink); max-width: 1180px; margin: 24px auto; padding: 32px 40px; background: #fff; \
box-shadow: 0 1px 4px rgba(0,0,0,.12); }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); \
font-weight: 700; margin: 0; }
h1 { font-size: 26px; margin: 4px 0 2px; }
.window { font-size: 15px; color: var(--muted); margin: 0; }
h2 { font-size: 18px; color: var(--accent); margin: 28px 0 10px; padding-bottom: 4px; \
border-bottom: 1px solid var(--rule); break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; }
p { margin: 6px 0; }
.note { color: var(--muted); font-size: 12.5px; }
code, .hash { font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace; font-size: 12px; \
word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { background: var(--band); border-bottom: 2px solid #aab3bd; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
span.num { display: block; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
tr { break-inside: avoid; }
tr.total td { font-weight: 700; border-top: 2px solid #aab3bd; }
table.fields th { width: 15em; background: none; border-bottom: 1px solid var(--rule); \
font-weight: 600; color: var(--muted); }
.warn { color: #9a3412; font-weight: 600; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 8px 0 14px; }
.tile { border: 1px solid var(--rule); border-top: 4px solid var(--accent); padding: 10px 12px; \
background: #fff; break-inside: avoid; }
.tile .label { font-size: 12.5px; color: var(--muted); font-weight: 600; }
.tile .value { font-size: 24px; font-weight: 700; margin: 2px 0; white-space: nowrap; \
font-variant-numeric: tabular-nums; }
.tile .note { font-size: 11.5px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; align-items: start; }
figure { margin: 8px 0 18px; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figure svg text { font-family: \"Helvetica Neue\", Arial, \"Liberation Sans\", \"DejaVu Sans\", sans-serif; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.side h3 { margin: 0 0 2px; font-size: 13px; color: var(--muted); }
ul.legend { list-style: none; padding: 0; margin: 4px 0 0; font-size: 12.5px; columns: 2; }
ul.legend li { margin: 1px 0; break-inside: avoid; }
ul.legend .swatch { display: inline-block; width: 11px; height: 11px; margin-right: 6px; \
vertical-align: -1px; border-radius: 2px; }
ul.sentences { margin: 6px 0; padding-left: 20px; }
.more { font-style: italic; color: var(--muted); margin: 4px 0 14px; }
.plus { color: #166534; } .minus { color: #9a3412; }
footer { margin-top: 28px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); \
font-size: 12px; }
@page { size: A4; margin: 14mm 12mm 16mm; \
@bottom-right { content: counter(page) \" / \" counter(pages); font-size: 8pt; color: #5b6673; } }
@media print {
  html { background: none; }
  body { font-size: 9pt; max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h1 { font-size: 18pt; } h2 { font-size: 12.5pt; margin-top: 16pt; } h3 { font-size: 10.5pt; }
  table { font-size: 8pt; } th, td { padding: 2pt 4pt; }
  .tile .value { font-size: 15pt; } .tile .label, .note, ul.legend { font-size: 8pt; }
  code, .hash { font-size: 7.5pt; }
  section.break { break-before: page; }
}
@media screen and (max-width: 760px) { .tiles { grid-template-columns: 1fr 1fr; } .two, .side { grid-template-columns: 1fr; } }
";

/// A complete page around `body` (already HTML).
pub fn page(lang: &str, title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 512);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(lang),
        esc(title)
    );
    out
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A figure, right-aligned.
    Num(String),
    /// An identifier or a hash, in monospace.
    Code(String),
    /// Markup made by this module's functions.
    Html(String),
    /// A headline figure (see [`figure_cell`]).
    Figure {
        figure: String,
        value: String,
        shown: String,
    },
}

/// A table: its column heads (`true`: a figure, right-aligned), its rows,
/// and `total` rows in bold at the end.
pub fn table(out: &mut String, head: &[(&str, bool)], rows: &[Vec<Cell>], total: Option<&[Cell]>) {
    out.push_str("<table>\n<thead><tr>");
    for (title, num) in head {
        let class = if *num { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        self::row(out, "<tr>", row);
    }
    if let Some(total) = total {
        self::row(out, "<tr class=\"total\">", total);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn row(out: &mut String, open: &str, cells: &[Cell]) {
    out.push_str(open);
    for cell in cells {
        let _ = match cell {
            Cell::Text(text) => write!(out, "<td>{}</td>", esc(text)),
            Cell::Num(text) => write!(out, "<td class=\"num\">{}</td>", esc(text)),
            Cell::Code(text) => write!(out, "<td><code>{}</code></td>", esc(text)),
            Cell::Html(html) => write!(out, "<td>{html}</td>"),
            Cell::Figure {
                figure,
                value,
                shown,
            } => write!(
                out,
                "<td class=\"num\" data-figure=\"{}\" data-value=\"{}\">{}</td>",
                esc(figure),
                esc(value),
                esc(shown)
            ),
        };
    }
    out.push_str("</tr>\n");
}

/// Labelled values: a policy's file, hash, revision.
pub fn fields(out: &mut String, fields: &[(&str, String)]) {
    out.push_str("<table class=\"fields\">\n");
    for (label, html) in fields {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{html}</td></tr>",
            esc(label)
        );
    }
    out.push_str("</table>\n");
}

/// A headline figure: `figure` and `value` (the exact figure, as JSON
/// gives it) let a program check the page against `--format json`.
pub(crate) struct Tile<'a> {
    pub label: &'a str,
    pub shown: &'a str,
    pub figure: &'a str,
    pub value: &'a str,
    pub note: &'a str,
}

pub(crate) fn tiles(out: &mut String, tiles: &[Tile<'_>]) {
    out.push_str("<div class=\"tiles\">\n");
    for t in tiles {
        let _ = writeln!(
            out,
            "<div class=\"tile\"><div class=\"label\">{}</div>\
             <div class=\"value\" data-figure=\"{}\" data-value=\"{}\">{}</div>\
             <div class=\"note\">{}</div></div>",
            esc(t.label),
            esc(t.figure),
            esc(t.value),
            esc(t.shown),
            esc(t.note)
        );
    }
    out.push_str("</div>\n");
}

/// A figure shown in a table cell, checkable as a [`Tile`] is.
pub(crate) fn figure_cell(figure: &str, value: &str, shown: &str) -> Cell {
    Cell::Figure {
        figure: figure.to_string(),
        value: value.to_string(),
        shown: shown.to_string(),
    }
}

/// A chart (SVG markup from [`super::charts`]) under its caption.
pub(crate) fn chart(out: &mut String, caption: &str, svg: &str) {
    let _ = writeln!(
        out,
        "<figure>\n<figcaption>{}</figcaption>\n{svg}",
        esc(caption)
    );
    out.push_str("</figure>\n");
}

/// The colours of a chart's series and what they are.
pub(crate) fn legend(out: &mut String, items: &[(&str, String)]) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul class=\"legend\">\n");
    for (colour, label) in items {
        let _ = writeln!(
            out,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
            esc(colour),
            esc(label)
        );
    }
    out.push_str("</ul>\n");
}

pub(crate) fn heading(out: &mut String, level: u8, text: &str) {
    let level = level.clamp(2, 3);
    let _ = writeln!(out, "<h{level}>{}</h{level}>", esc(text));
}

/// A paragraph of `class` (`note`, `more`…; empty for none).
pub(crate) fn para(out: &mut String, class: &str, text: &str) {
    if class.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(text));
    } else {
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", esc(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        let mut out = String::new();
        table(
            &mut out,
            &[("a<b", false)],
            &[vec![Cell::Text("<script>alert(1)</script> & co".into())]],
            None,
        );
        tiles(
            &mut out,
            &[Tile {
                label: "\"x\"",
                shown: "<1>",
                figure: "f\"",
                value: "1",
                note: "",
            }],
        );
        assert!(!out.contains("<script>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
            "{out}"
        );
        assert_eq!(
            esc("l'an 17/03 \"x\"").to_string(),
            "l&#39;an 17/03 &quot;x&quot;"
        );
        assert!(out.contains("a&lt;b"), "{out}");
        assert!(out.contains("data-figure=\"f&quot;\""), "{out}");
    }

    #[test]
    fn the_page_is_standalone_and_printable() {
        let page = page("fr", "Titre", "<p>x</p>\n");
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<html lang=\"fr\">"));
        assert!(page.contains("@page { size: A4"));
        assert!(page.contains("@media print"));
        for outside in [
            "<script", "<link", "src=", "@import", "url(", "http:", "https:",
        ] {
            assert!(!page.contains(outside), "{outside}");
        }
    }
}

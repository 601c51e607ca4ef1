//! The dossier as one standalone HTML page: no external file, no script,
//! its stylesheet inline and made for printing on A4 (the mise en demeure
//! keeps its highlight on paper). Every value is HTML-escaped.

use std::fmt::Write;

use minijinja::HtmlEscape;

use super::Dossier;
use super::doc::{Block, Emphasis, Inline, Line, Table};
use super::layout;
use super::words;

const STYLE: &str = "\
@page { size: A4; margin: 16mm 14mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10.5pt/1.45 Georgia, \"Times New Roman\", serif; color: #111; \
max-width: 190mm; margin: 0 auto; padding: 1.2em; }
h1 { font-size: 17pt; margin: 0 0 .3em; }
h2 { font-size: 13pt; border-bottom: 1px solid #888; margin: 1.6em 0 .5em; break-after: avoid; }
h3 { font-size: 11pt; margin: 1.2em 0 .4em; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 .8em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #eee; }
.num { text-align: right; white-space: nowrap; }
table.fields th { width: 13em; background: #f6f6f6; font-weight: normal; }
tr { break-inside: avoid; }
tr.total td { font-weight: bold; }
tr.notice td, mark { background: #fff0a0; }
mark { padding: 0 .2em; font-weight: bold; }
div.notice { border: 2px solid #a67c00; background: #fffbe6; padding: .3em 1em; margin: .6em 0; }
section.keep { break-inside: avoid; }
code { font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace; font-size: 8.5pt; \
word-break: break-all; }
@media print { body { max-width: none; padding: 0; } }
";

/// The dossier as a complete HTML document.
pub fn render(dossier: &Dossier) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        HtmlEscape(&words::title(dossier))
    );
    for block in &layout::document(dossier) {
        self::block(&mut out, block);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn block(out: &mut String, block: &Block) {
    match block {
        Block::Title(title) => {
            let _ = writeln!(out, "<h1>{}</h1>", HtmlEscape(title));
        }
        Block::Heading(level, line) => {
            let level = level.clamp(&2, &6);
            let _ = writeln!(out, "<h{level}>{}</h{level}>", inline(line));
        }
        Block::Para(line) => {
            let _ = writeln!(out, "<p>{}</p>", inline(line));
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", inline(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Fields(fields) => {
            out.push_str("<table class=\"fields\">\n");
            for (label, value) in fields {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    HtmlEscape(label),
                    inline(value)
                );
            }
            out.push_str("</table>\n");
        }
        Block::Table(table) => self::table(out, table),
        Block::Highlight(inner) => {
            out.push_str("<div class=\"notice\">\n");
            for block in inner {
                self::block(out, block);
            }
            out.push_str("</div>\n");
        }
        Block::Keep(inner) => {
            out.push_str("<section class=\"keep\">\n");
            for block in inner {
                self::block(out, block);
            }
            out.push_str("</section>\n");
        }
    }
}

fn table(out: &mut String, table: &Table) {
    let class = |i: usize| {
        if table.right.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    out.push_str("<table>\n<thead><tr>");
    for (i, head) in table.head.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\"{}>{}</th>",
            class(i),
            HtmlEscape(head)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str(match row.emphasis {
            Emphasis::None => "<tr>",
            Emphasis::Strong => "<tr class=\"total\">",
            Emphasis::Mark => "<tr class=\"notice\">",
        });
        for (i, cell) in row.cells.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), inline(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn inline(line: &Line) -> String {
    let mut out = String::new();
    for part in line {
        let _ = match part {
            Inline::Text(t) => write!(out, "{}", HtmlEscape(t)),
            Inline::Strong(t) => write!(out, "<strong>{}</strong>", HtmlEscape(t)),
            Inline::Code(t) => write!(out, "<code>{}</code>", HtmlEscape(t)),
            Inline::Mark(t) => write!(out, "<mark>{}</mark>", HtmlEscape(t)),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        let line = vec![
            Inline::Text("<script>alert('x')</script> & co".into()),
            Inline::Code("\"quoted\"".into()),
        ];
        let html = inline(&line);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&amp; co"), "{html}");
        assert!(html.contains("<code>&quot;quoted&quot;</code>"), "{html}");
    }
}

//! The dossier as Markdown (CommonMark with GitHub tables): readable as
//! plain text, and converted by any Markdown tool. Every value from the
//! ledger or the journal is escaped, so that a name with `*` or `|` cannot
//! change the document's structure.

use std::fmt::Write;

use super::Dossier;
use super::doc::{Block, Emphasis, Inline, Line, Table};
use super::layout;

/// The dossier as a Markdown document, ending with a newline.
pub fn render(dossier: &Dossier) -> String {
    let mut out = String::new();
    for block in &layout::document(dossier) {
        self::block(&mut out, block);
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

fn block(out: &mut String, block: &Block) {
    match block {
        Block::Title(title) => {
            let _ = writeln!(out, "# {}\n", escape(title));
        }
        Block::Heading(level, line) => {
            let hashes = "#".repeat(usize::from(*level).clamp(2, 6));
            let _ = writeln!(out, "{hashes} {}\n", inline(line, false));
        }
        Block::Para(line) => {
            let _ = writeln!(out, "{}\n", inline(line, false));
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", inline(item, false));
            }
            out.push('\n');
        }
        Block::Fields(fields) => {
            for (label, value) in fields {
                let _ = writeln!(out, "- **{label}** : {}", inline(value, false));
            }
            out.push('\n');
        }
        Block::Table(table) => self::table(out, table),
        Block::Highlight(inner) => {
            let mut text = String::new();
            for block in inner {
                self::block(&mut text, block);
            }
            for line in text.trim_end().lines() {
                if line.is_empty() {
                    out.push_str(">\n");
                } else {
                    let _ = writeln!(out, "> {line}");
                }
            }
            out.push('\n');
        }
        Block::Keep(inner) => {
            for block in inner {
                self::block(out, block);
            }
        }
    }
}

fn table(out: &mut String, table: &Table) {
    out.push('|');
    for head in &table.head {
        let _ = write!(out, " {} |", escape(head));
    }
    out.push_str("\n|");
    for i in 0..table.head.len() {
        let right = table.right.get(i).copied().unwrap_or(false);
        out.push_str(if right { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for row in &table.rows {
        out.push('|');
        for cell in &row.cells {
            let text = inline(cell, true);
            if text.is_empty() || row.emphasis == Emphasis::None {
                let _ = write!(out, " {text} |");
            } else {
                let _ = write!(out, " **{text}** |");
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn inline(line: &Line, in_table: bool) -> String {
    let mut out = String::new();
    for part in line {
        match part {
            Inline::Text(t) => out.push_str(&escape(t)),
            // Markdown closes `**` only against text: spaces go outside.
            Inline::Strong(t) | Inline::Mark(t) => {
                let inner = t.trim();
                let before = &t[..t.len() - t.trim_start().len()];
                let after = &t[t.trim_end().len()..];
                if inner.is_empty() {
                    out.push_str(&escape(t));
                } else {
                    let _ = write!(out, "{before}**{}**{after}", escape(inner));
                }
            }
            Inline::Code(t) => out.push_str(&code(t, in_table)),
        }
    }
    out
}

/// Text with Markdown's inline syntax characters escaped, on one line. An
/// `_` between two letters or digits (`mise_en_demeure`) and an `&` that
/// cannot start an entity (`Sàrl & Fils`) mean nothing to Markdown and stay
/// as they are, for whoever reads the file as plain text.
fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let special = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '#' => true,
            '_' => !(word(before) && word(after)),
            '&' => after.is_some_and(|a| a.is_ascii_alphanumeric() || a == '#'),
            _ => false,
        };
        match c {
            '\n' | '\r' => out.push(' '),
            _ if special => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A code span that holds any text: fenced with more backticks than it
/// contains, padded when it starts or ends with one. In a table, `|` is
/// escaped even there (GitHub tables split cells before code spans).
fn code(text: &str, in_table: bool) -> String {
    let text: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let text = if in_table {
        text.replace('|', "\\|")
    } else {
        text
    };
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_change_the_structure() {
        assert_eq!(
            escape("a*b|d<e>`f` [x](y) # ~ _g_"),
            "a\\*b\\|d\\<e\\>\\`f\\` \\[x\\](y) \\# \\~ \\_g\\_"
        );
        assert_eq!(escape("mise_en_demeure"), "mise_en_demeure");
        assert_eq!(
            escape("Sàrl & Fils &amp; &#42;"),
            "Sàrl & Fils \\&amp; \\&\\#42;"
        );
        assert_eq!(escape("ligne 1\nligne 2"), "ligne 1 ligne 2");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("abc", false), "`abc`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`a", false), "`` `a ``");
        assert_eq!(code("250 a|b", true), "`250 a\\|b`");
        assert_eq!(code("250 a|b", false), "`250 a|b`");
    }

    #[test]
    fn tables_align_amounts_right_and_embolden_totals() {
        let mut out = String::new();
        table(
            &mut out,
            &Table {
                head: vec!["Facture", "Total"],
                right: vec![false, true],
                rows: vec![super::super::doc::Row {
                    cells: vec![
                        vec![Inline::Text("Total".into())],
                        vec![Inline::Text("1 | 2".into())],
                    ],
                    emphasis: Emphasis::Strong,
                }],
            },
        );
        assert_eq!(
            out,
            "| Facture | Total |\n| --- | ---: |\n| **Total** | **1 \\| 2** |\n\n"
        );
    }
}

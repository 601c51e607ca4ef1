//! The project's reference pages, built into the binary, cut into what a
//! hover shows: a diagnostic code's section of `docs/diagnostics.md`, and
//! the row of `docs/legal-rules.md` about a rule, a destination or a
//! procedure. The pages stay the one place these words are written.

use crate::diagnostic::Code;
use crate::vocab::Jurisdiction;

const DIAGNOSTICS: &str = include_str!("../../docs/diagnostics.md");
const LEGAL_RULES: &str = include_str!("../../docs/legal-rules.md");

/// The section of `docs/diagnostics.md` about `code`, heading included.
pub(crate) fn code_section(code: Code) -> Option<&'static str> {
    let heading = format!("### `{}`", code.as_str());
    section(DIAGNOSTICS, |line| line.trim_end() == heading)
}

/// The row of the legal rules' table that names `code`, as `header: cell`
/// lines.
pub(crate) fn rule_row(code: Code) -> Option<String> {
    let short = format!("`{}`", code.as_str().trim_start_matches("policy::"));
    let rules = section(LEGAL_RULES, |line| line.trim_end() == "## The rules")?;
    table_row(rules, "rule (code)", |first| first.contains(&short))
}

/// The row about a catalogue destination (its canonical name) in the
/// jurisdiction's section of `docs/legal-rules.md`.
pub(crate) fn destination_row(jurisdiction: Jurisdiction, name: &str) -> Option<String> {
    let cell = format!("`{name}`");
    table_row(
        jurisdiction_section(jurisdiction)?,
        "destination",
        |first| first == cell,
    )
}

/// The same for a procedure.
pub(crate) fn procedure_row(jurisdiction: Jurisdiction, name: &str) -> Option<String> {
    let cell = format!("`{name}`");
    table_row(jurisdiction_section(jurisdiction)?, "procedure", |first| {
        first == cell
    })
}

fn jurisdiction_section(jurisdiction: Jurisdiction) -> Option<&'static str> {
    let mark = format!("(`jurisdiction {jurisdiction}`)");
    section(LEGAL_RULES, |line| {
        line.starts_with("### ") && line.contains(&mark)
    })
}

/// From the heading `is_heading` finds to the next heading of the same or a
/// higher level.
fn section(page: &'static str, is_heading: impl Fn(&str) -> bool) -> Option<&'static str> {
    let mut offset = 0;
    let mut start = None;
    let mut level = 0;
    for line in page.split_inclusive('\n') {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let is_title = hashes > 0 && line[hashes..].starts_with(' ');
        match start {
            None if is_heading(line.trim_end()) => {
                start = Some(offset);
                level = hashes;
            }
            Some(from) if is_title && hashes <= level => {
                return Some(page[from..offset].trim_end());
            }
            _ => {}
        }
        offset += line.len();
    }
    start.map(|from| page[from..].trim_end())
}

/// The row of the table headed by `first_header` whose first cell `is_row`
/// accepts, as one `- **header**: cell` line per column.
fn table_row(text: &str, first_header: &str, is_row: impl Fn(&str) -> bool) -> Option<String> {
    let mut headers: Option<Vec<&str>> = None;
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            headers = None;
            continue;
        }
        let cells = cells(line);
        match &headers {
            None if cells.first() == Some(&first_header) => headers = Some(cells),
            Some(names) if cells.first().is_some_and(|c| is_row(c)) => {
                let lines: Vec<String> = names
                    .iter()
                    .zip(&cells)
                    .filter(|(_, cell)| !cell.is_empty())
                    .map(|(name, cell)| format!("- **{name}**: {cell}"))
                    .collect();
                return Some(lines.join("\n"));
            }
            _ => {}
        }
    }
    None
}

fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim_matches('|');
    inner.split('|').map(str::trim).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_section() {
        for &code in Code::ALL {
            let section = code_section(code).unwrap_or_default();
            assert!(
                section.starts_with(&format!("### `{}`", code.as_str()))
                    && !section.contains("\n### "),
                "{code:?}: {section}"
            );
        }
    }

    #[test]
    fn rows_of_the_legal_rules_page() {
        let row = destination_row(Jurisdiction::Lu, "justice_de_paix").unwrap_or_default();
        assert!(
            row.contains("- **hears**: any claim up to 15,000 EUR **included**"),
            "{row}"
        );
        let row = procedure_row(Jurisdiction::Fr, "injonction_de_payer").unwrap_or_default();
        assert!(row.contains("CPC art. 1405–1425"), "{row}");
        // the same name in another country's table is another row
        let be = destination_row(Jurisdiction::Be, "justice_de_paix").unwrap_or_default();
        assert!(be.contains("5,000 EUR"), "{be}");
        let rule = rule_row(Code::AmicableAttempt).unwrap_or_default();
        assert!(rule.contains("CPC art. 750-1"), "{rule}");
        assert!(rule_row(Code::UnknownProcedure).is_some());
        assert!(rule_row(Code::Syntax).is_none());
    }
}

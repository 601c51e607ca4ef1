//! Communications a run could not produce ([`Failure`]): their diagnostics
//! pointed at the debtor's row of the debtors file, and reported once per
//! cause, so that a template failing on 5,000 letters is one message.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use super::produce::Failure;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// Causes reported one by one; the rest are counted.
pub(crate) const MAX_SHOWN: usize = 100;

/// Points each failure whose cause is a value of the debtors file (`row`) at
/// that value, in an excerpt of `file` read once for all of them. A file
/// that cannot be read leaves the diagnostics naming the file only.
pub fn locate(failures: &mut [Failure], file: &Path) {
    // A record may span lines (a quoted address): a few lines from its start.
    const SPAN: u32 = 4;
    let mut wanted: Vec<u32> = failures
        .iter()
        .filter_map(|f| f.row.as_ref().map(|(line, _)| *line))
        .collect();
    if wanted.is_empty() {
        return;
    }
    wanted.sort_unstable();
    wanted.dedup();
    let Some(last) = wanted.last().map(|l| l.saturating_add(SPAN)) else {
        return;
    };
    let Ok(reader) = std::fs::File::open(file).map(std::io::BufReader::new) else {
        return;
    };
    let mut lines: HashMap<u32, String> = HashMap::new();
    let mut next = wanted.iter().copied().peekable();
    for (n, line) in (1u32..).zip(reader.split(b'\n')) {
        if n > last {
            break;
        }
        let Ok(line) = line else { break };
        while next.next_if(|&w| w.saturating_add(SPAN) <= n).is_some() {}
        if next.peek().is_some_and(|&w| w <= n) {
            let text = String::from_utf8_lossy(&line);
            lines.insert(n, text.trim_end_matches('\r').to_string());
        }
    }
    let name = file.display().to_string();
    for failure in failures.iter_mut() {
        let Some((line, value)) = &failure.row else {
            continue;
        };
        let excerpt: Vec<&str> = (*line..line.saturating_add(SPAN))
            .map_while(|n| lines.get(&n).map(String::as_str))
            .collect();
        if excerpt.is_empty() {
            continue;
        }
        // The value as written up to its first control character (a line
        // break inside a quoted cell does not match line by line).
        let needle = value
            .split(|c: char| c.is_control())
            .next()
            .unwrap_or("")
            .trim();
        let mut text = String::new();
        let mut span = None;
        for (i, part) in excerpt.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(part);
            if !needle.is_empty() {
                if let Some(at) = part.find(needle) {
                    span = Some(Span::new(start + at, start + at + needle.len()));
                    break;
                }
            }
            if i == 0 && needle.is_empty() {
                break;
            }
        }
        let (text, span) = match span {
            Some(span) => (text, span),
            None => {
                let first = excerpt[0].to_string();
                let span = Span::new(0, first.len());
                (first, span)
            }
        };
        let source = SourceFile::excerpt(name.clone(), text, *line as usize);
        let mut diagnostic = failure.diagnostic.clone();
        diagnostic.labels.clear();
        diagnostic.path = None;
        failure.diagnostic = diagnostic.with_label(span, "here").in_source(&source);
    }
}

/// One diagnostic per cause, in the order causes were met: the first
/// communication's, with the others of the same cause counted and named.
pub fn report(failures: &[Failure]) -> Vec<Diagnostic> {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<&Failure>> = HashMap::new();
    for failure in failures {
        let group = groups.entry(failure.cause.as_str()).or_default();
        if group.is_empty() {
            order.push(failure.cause.as_str());
        }
        group.push(failure);
    }
    let mut out = Vec::new();
    for cause in order.iter().take(MAX_SHOWN) {
        let Some(group) = groups.get(cause) else {
            continue;
        };
        let Some(first) = group.first() else {
            continue;
        };
        let mut diagnostic = first.diagnostic.clone();
        if group.len() > 1 {
            let debtors: BTreeMap<&str, ()> =
                group.iter().map(|f| (f.debtor.as_str(), ())).collect();
            let named: Vec<&str> = debtors.keys().copied().take(5).collect();
            let more = if debtors.len() > named.len() {
                ", …"
            } else {
                ""
            };
            diagnostic.message = format!(
                "{} (and {} other communication(s) alike, for {}{more})",
                diagnostic.message,
                group.len() - 1,
                named.join(", ")
            );
        }
        out.push(diagnostic);
    }
    if order.len() > MAX_SHOWN {
        let hidden: usize = order[MAX_SHOWN..]
            .iter()
            .filter_map(|cause| groups.get(cause).map(Vec::len))
            .sum();
        let code = groups
            .get(order[MAX_SHOWN])
            .and_then(|group| group.first())
            .map_or(Code::Internal, |f| f.diagnostic.code);
        out.push(
            Diagnostic::error(
                code,
                format!(
                    "{hidden} more communication(s) could not be produced, for {} other cause(s) not shown",
                    order.len() - MAX_SHOWN
                ),
            )
            .with_help("fix the ones above and run again to see the rest"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(debtor: &str, cause: &str) -> Failure {
        Failure {
            debtor: debtor.into(),
            step: "send relance_1".into(),
            cause: cause.into(),
            diagnostic: Diagnostic::error(
                Code::TemplateError,
                format!("`send relance_1` to debtor {debtor} not produced: {cause}"),
            ),
            row: None,
        }
    }

    #[test]
    fn one_diagnostic_per_cause_with_the_others_counted() {
        let mut failures: Vec<Failure> = (0..5000)
            .map(|i| failure(&format!("D{i:04}"), "same filter"))
            .collect();
        failures.push(failure("X", "another"));
        let shown = report(&failures);
        assert_eq!(shown.len(), 2);
        assert!(
            shown[0].message.ends_with(
                "(and 4999 other communication(s) alike, for D0000, D0001, D0002, D0003, D0004, …)"
            ),
            "{}",
            shown[0].message
        );
        assert!(shown[1].message.contains("debtor X"));
    }

    #[test]
    fn past_the_cap_the_rest_are_counted() {
        let failures: Vec<Failure> = (0..MAX_SHOWN + 7)
            .map(|i| failure("D", &format!("cause {i}")))
            .collect();
        let shown = report(&failures);
        assert_eq!(shown.len(), MAX_SHOWN + 1);
        assert!(
            shown[MAX_SHOWN]
                .message
                .starts_with("7 more communication(s)"),
            "{}",
            shown[MAX_SHOWN].message
        );
    }

    #[test]
    fn a_row_is_pointed_at_in_the_debtors_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debtors.csv");
        std::fs::write(
            &path,
            "id,name,email\nA,A SA,a@a.lu\nB,\"B\nSA\",\"x@y.lu\r\nBcc: z@w.lu\"\nC,C SA,Jean <c@c.lu>\n",
        )
        .unwrap();
        let mut failures = vec![
            Failure {
                row: Some((6, "Jean <c@c.lu>".into())),
                ..failure("C", "c")
            },
            Failure {
                row: Some((3, "x@y.lu\r\nBcc: z@w.lu".into())),
                ..failure("B", "b")
            },
        ];
        locate(&mut failures, &path);
        let at = |f: &Failure| {
            let (start, end) = f.diagnostic.range().unwrap();
            (start.line, start.column, end.column)
        };
        assert_eq!(at(&failures[0]), (6, 8, 21));
        // B's record starts on line 3; its address is on line 4.
        assert_eq!(at(&failures[1]), (4, 6, 12));
    }
}

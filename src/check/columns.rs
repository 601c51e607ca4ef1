//! The debtor columns a policy's conditions read (`debtor.segment`), against
//! the columns of the debtors file: a misspelt column would otherwise read
//! as empty for every debtor and silently change who gets which step.

use crate::diagnostic::{Code, Diagnostic};
use crate::plan::Plan;
use crate::suggest;

/// An error for each column the conditions read that `columns` (the debtors
/// file's, see [`crate::ledger::debtor_columns`]) does not have, at its first
/// use, with the closest column; `file` names the debtors file.
pub(crate) fn unknown_columns(plan: &Plan, columns: &[String], file: &str) -> Vec<Diagnostic> {
    let folded: Vec<String> = columns.iter().map(|c| suggest::fold(c)).collect();
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for atom in &plan.debtor_atoms {
        if folded.contains(&atom.column) || seen.contains(&atom.column.as_str()) {
            continue;
        }
        seen.push(&atom.column);
        let help = match suggest::did_you_mean(&atom.column, columns.iter().map(String::as_str)) {
            Some(hint) => hint,
            None => format!(
                "the debtors file has the columns {}; add the column or correct the name",
                columns
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(
            Diagnostic::error(
                Code::UnknownColumn,
                format!(
                    "`debtor.{}` is not a column of {file}",
                    suggest::short(&atom.column)
                ),
            )
            .with_label(atom.span, "no such column")
            .with_help(help)
            .in_source(&plan.source),
        );
    }
    out
}

/// Said by `policy check` when the conditions read debtor columns and no
/// debtors file was given to check them against.
pub(crate) fn unchecked_columns(plan: &Plan) -> Option<Diagnostic> {
    // The columns of the contract (docs/ledger.md) need no file to be known.
    let built_in = crate::ledger::debtor_columns(&[]);
    let read: Vec<_> = plan
        .debtor_atoms
        .iter()
        .filter(|a| !built_in.contains(&a.column))
        .collect();
    let mut names: Vec<&str> = read.iter().map(|a| a.column.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let first = read.first()?;
    Some(
        Diagnostic::advice(
            Code::UnknownColumn,
            format!(
                "the conditions read the debtor {} {}, not checked",
                if names.len() == 1 {
                    "column"
                } else {
                    "columns"
                },
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_label(first.span, "read from the debtors file")
        .with_help(
            "give the debtors file, `--debtors debtors.csv`, to check that it has them \
             (`simulate` and `run` check them against the file they read)",
        )
        .in_source(&plan.source),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn plan(text: &str) -> Plan {
        let source = SourceFile::new("p.policy", text);
        let (ast, _) = crate::syntax::parse(&source);
        let (plan, _) = crate::plan::compile(&ast, &source, true);
        plan.expect("compiles")
    }

    #[test]
    fn a_misspelt_column_is_named_with_the_closest() {
        let p = plan("after 10 days if debtor.segmnt = vip send a by email\n");
        let columns = vec!["id".to_string(), "segment".to_string()];
        let found = unknown_columns(&p, &columns, "debtors.csv");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::UnknownColumn);
        assert!(
            found[0]
                .message
                .contains("`debtor.segmnt` is not a column of debtors.csv")
        );
        assert!(found[0].help.as_deref().unwrap_or("").contains("segment"));
        assert!(unknown_columns(&p, &["Segmnt".to_string()], "d.csv").is_empty());
    }

    #[test]
    fn without_a_file_the_columns_are_noted_not_refused() {
        let p = plan("after 10 days if debtor.rating >= 3 send a by email\n");
        let note = unchecked_columns(&p).expect("a note");
        assert_eq!(note.severity, crate::diagnostic::Severity::Advice);
        assert!(unchecked_columns(&plan("after 10 days send a by email\n")).is_none());
        let country = plan("after 10 days if debtor.country = LU send a by email\n");
        assert!(
            unchecked_columns(&country).is_none(),
            "a column of the contract"
        );
    }
}

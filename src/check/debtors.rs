//! A policy against the debtors file `policy check --debtors FILE` is
//! given: the columns its conditions read (`debtor.COLUMN`) and a version
//! of each template in every language the debtors use.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::letters::format::Language;
use crate::plan::{Action, Plan};

/// What a check reads of a debtors file.
#[derive(Debug)]
pub(crate) struct DebtorsFile {
    /// As diagnostics name it.
    pub name: String,
    /// Its columns ([`crate::ledger::debtor_columns`]).
    pub columns: Vec<String>,
    /// The languages its `language` column names.
    pub languages: BTreeSet<Language>,
}

impl DebtorsFile {
    /// Reads the debtors file at `path`. `Ok` holds what was read and the
    /// file's problems (its errors are findings); `Err`: it cannot be read.
    pub(crate) fn read(path: &Path) -> Result<(DebtorsFile, Diagnostics), Diagnostic> {
        let (debtors, problems) =
            crate::ledger::read_debtors(path, crate::ledger::DialectChoice::Auto)?;
        let file = DebtorsFile {
            name: path.display().to_string(),
            columns: crate::ledger::debtor_columns(&debtors),
            languages: debtors
                .iter()
                .filter_map(|d| d.column("language"))
                .filter_map(Language::from_code)
                .collect(),
        };
        Ok((file, problems))
    }
}

/// The debtors file a check is given.
#[derive(Debug)]
pub(crate) enum Debtors {
    /// None: the conditions' columns cannot be checked, and it is said.
    NotGiven,
    /// Given, but it could not be read (said on its own).
    Unreadable,
    Read(DebtorsFile),
}

impl Debtors {
    /// The findings on `plan`, whose templates folder is resolved from
    /// `dir` inside `root`: the columns its conditions read that the
    /// debtors file lacks (or, without one, that they are not checked), the
    /// templates with no version in a language the debtors use.
    pub(crate) fn findings(&self, plan: &Plan, dir: &Path, root: Option<&Path>) -> Vec<Diagnostic> {
        match self {
            Debtors::NotGiven => super::columns::unchecked_columns(plan)
                .into_iter()
                .collect(),
            Debtors::Unreadable => Vec::new(),
            Debtors::Read(file) => {
                let mut found = super::columns::unknown_columns(plan, &file.columns, &file.name);
                found.extend(missing_languages(plan, dir, root, &file.languages));
                found
            }
        }
    }
}

/// A warning for each template a `send` step uses that has no version in a
/// language the debtors file uses (`templates/lu/de/relance_1.txt`): those
/// debtors would get the default letter.
fn missing_languages(
    plan: &Plan,
    dir: &Path,
    root: Option<&Path>,
    languages: &BTreeSet<Language>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let Some(folder) = &plan.templates else {
        return found;
    };
    let Ok(path) = super::templates::resolve(dir, root, &folder.value) else {
        return found;
    };
    let Ok(scan) = crate::letters::Templates::scan(&path) else {
        return found;
    };
    let mut seen = BTreeSet::new();
    for step in &plan.steps {
        let Action::Send {
            template, channels, ..
        } = &step.action
        else {
            continue;
        };
        if scan.templates.forms(template).is_none() {
            continue;
        }
        for &language in languages.iter().filter(|l| **l != Language::Fr) {
            for &channel in channels {
                if scan.templates.falls_back(template, channel, language)
                    && seen.insert((template.clone(), language))
                {
                    found.push(
                        Diagnostic::warning(
                            Code::TemplateLanguage,
                            format!(
                                "no template `{template}` in `{}/`: the debtors whose language is `{}` would get the default letter",
                                language.code(),
                                language.code()
                            ),
                        )
                        .with_label(step.span, format!("sends `{template}`"))
                        .with_help(format!(
                            "add `{}` (see docs/templates.md)",
                            path.join(language.code()).join(format!("{template}.txt")).display()
                        ))
                        .in_source(&plan.source),
                    );
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debtors_file_gives_its_columns_and_languages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("debtors.csv");
        std::fs::write(
            &path,
            "id,name,kind,language,segment\nD1,Weber,b2b,de,a\nD2,Muller,b2b,fr,b\nD3,Klein,b2b,,c\n",
        )
        .unwrap();
        let (file, problems) = DebtorsFile::read(&path).unwrap();
        assert!(!problems.has_errors());
        assert!(
            file.columns.iter().any(|c| c == "segment"),
            "{:?}",
            file.columns
        );
        assert_eq!(
            file.languages.iter().map(|l| l.code()).collect::<Vec<_>>(),
            ["fr", "de"]
        );
        assert_eq!(file.name, path.display().to_string());
    }

    #[test]
    fn a_missing_debtors_file_cannot_be_read() {
        let dir = tempfile::tempdir().unwrap();
        let missing = DebtorsFile::read(&dir.path().join("none.csv")).unwrap_err();
        assert_eq!(missing.code, Code::Io);
    }
}

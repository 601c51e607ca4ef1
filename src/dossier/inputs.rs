//! A dossier's options as a user gives them: the creditor (`--firm`, or
//! `firm.toml` beside the policy), the policy's law, and where each
//! rendering goes, in which format (`-o FILE.md`, `-o FILE.html`,
//! `--format`).

use std::path::{Path, PathBuf};

use super::{Dossier, Law, LawFrom};
use crate::diagnostic::{Code, Diagnostic};
use crate::letters::{Firm, firm};
use crate::load;
use crate::plan::Plan;

/// A dossier's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Markdown,
    Html,
}

impl Format {
    pub(crate) const ALL: [Format; 2] = [Format::Markdown, Format::Html];

    /// The name a user gives (`--format html`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The dossier in this format.
    pub(crate) fn render(self, dossier: &Dossier) -> String {
        match self {
            Format::Markdown => super::markdown::render(dossier),
            Format::Html => super::html::render(dossier),
        }
    }
}

/// Where each rendering goes (`None`: stdout) and in which format: each of
/// `outputs` in the format its name says (`.md`, `.html`), else `format`;
/// no output, stdout in `format` (Markdown by default).
pub(crate) fn targets(
    outputs: &[PathBuf],
    format: Option<Format>,
) -> Result<Vec<(Option<PathBuf>, Format)>, Diagnostic> {
    if outputs.is_empty() {
        return Ok(vec![(None, format.unwrap_or(Format::Markdown))]);
    }
    outputs
        .iter()
        .map(|path| {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            let format = match ext.as_deref() {
                Some("md" | "markdown") => Some(Format::Markdown),
                Some("html" | "htm") => Some(Format::Html),
                _ => format,
            };
            format
                .map(|f| (Some(path.clone()), f))
                .ok_or_else(|| unknown_format(path))
        })
        .collect()
}

fn unknown_format(path: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::DossierOutput,
        format!(
            "cannot tell the format of `{}` from its name",
            path.display()
        ),
    )
    .with_help(
        "name the file `….md` (Markdown) or `….html` (HTML), or give `--format \
         markdown|html`",
    )
    .in_path(path.display().to_string())
}

/// The law of the policy at `path`, when it has a jurisdiction.
pub(crate) fn policy_law(plan: &Plan, path: &Path) -> Option<Law> {
    plan.jurisdiction.as_ref().map(|j| Law {
        jurisdiction: j.value,
        from: LawFrom::Policy(path.display().to_string()),
    })
}

/// The creditor: the details at `firm`, else `firm.toml` beside `policy`
/// when it exists, else none.
pub(crate) fn creditor(
    firm: Option<&Path>,
    policy: Option<&Path>,
) -> Result<Option<Firm>, Diagnostic> {
    let path = match (firm, policy) {
        (Some(path), _) => {
            if !path.exists() {
                let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
                return Err(load::io_error(load::Op::Read, path, &missing));
            }
            path.to_path_buf()
        }
        (None, Some(policy)) => {
            let beside = policy
                .parent()
                .unwrap_or(Path::new("."))
                .join(firm::DEFAULT_NAME);
            if !beside.is_file() {
                return Ok(None);
            }
            beside
        }
        (None, None) => return Ok(None),
    };
    firm::read(&path).map(|details| Some(details.firm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_output_takes_the_format_its_name_says() {
        let outputs = [
            PathBuf::from("d.md"),
            PathBuf::from("d.HTML"),
            PathBuf::from("d.txt"),
        ];
        let targets = targets(&outputs, Some(Format::Html)).unwrap();
        let formats: Vec<Format> = targets.iter().map(|(_, f)| *f).collect();
        assert_eq!(formats, [Format::Markdown, Format::Html, Format::Html]);
        assert_eq!(targets[0].0.as_deref(), Some(Path::new("d.md")));
    }

    #[test]
    fn stdout_is_markdown_unless_told() {
        assert_eq!(targets(&[], None).unwrap(), [(None, Format::Markdown)]);
        assert_eq!(
            targets(&[], Some(Format::Html)).unwrap(),
            [(None, Format::Html)]
        );
    }

    #[test]
    fn an_output_of_no_known_format_is_refused() {
        let refused = targets(&[PathBuf::from("dossier.txt")], None).unwrap_err();
        assert_eq!(refused.code, Code::DossierOutput);
        assert!(
            refused.message.contains("dossier.txt"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn the_creditor_is_the_firm_beside_the_policy_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("p.policy");
        assert!(creditor(None, Some(&policy)).unwrap().is_none());
        assert!(creditor(None, None).unwrap().is_none());
        let missing = creditor(Some(&dir.path().join("none.toml")), None).unwrap_err();
        assert_eq!(missing.code, Code::Io);
    }
}

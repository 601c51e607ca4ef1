//! A version of a policy named on the command line: a file, or `REV:path`
//! read from git (`main:policies/lu.policy`, `HEAD~1:./lu.policy`,
//! `:policies/lu.policy` for the staged version).
//!
//! A path that exists is a file, even with a `:` in its name. Otherwise
//! `REV:path` is read with `git show`, in the current folder: `path` is
//! relative to the repository's root, or to the current folder when it
//! starts with `./` or `../`, as git reads it. The templates folder of a
//! version read from git is resolved from where the file is in the working
//! tree: the templates checked are those of the working tree.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use crate::claim::RateTable;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load;
use crate::plan::Plan;
use crate::source::SourceFile;

/// One version, read.
#[derive(Debug, Clone)]
pub struct Version {
    /// As given: the name diagnostics and reports show.
    pub name: String,
    pub source: Arc<SourceFile>,
    /// The folder the policy's relative paths (its templates) are read
    /// from.
    pub dir: PathBuf,
    /// Read from git: the revision given (`main`, `HEAD~1`; empty for the
    /// staged version) and the path in it. `None`: read from a file.
    pub git: Option<(String, String)>,
}

/// Reads a version: the file when `given` exists, else `REV:path` from git.
pub fn read(given: &Path) -> Result<Version, Diagnostic> {
    let name = given.display().to_string();
    let revision = given
        .to_str()
        .and_then(|text| text.split_once(':'))
        .filter(|_| std::fs::symlink_metadata(given).is_err());
    let Some((rev, path)) = revision else {
        let source = load::read_policy(given)?;
        let dir = given
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return Ok(Version {
            name,
            source,
            dir: dir.to_path_buf(),
            git: None,
        });
    };
    let (bytes, dir) = git_show(&name, rev, path)?;
    let source = load::text_source(name.clone(), bytes)?;
    Ok(Version {
        name,
        source,
        dir,
        git: Some((rev.to_string(), path.to_string())),
    })
}

/// Reads both versions a diff compares (`old`, then `new`); `Err`: why
/// either cannot be read.
pub(crate) fn read_both(old: &Path, new: &Path) -> Result<[Version; 2], Diagnostics> {
    match (read(old), read(new)) {
        (Ok(old), Ok(new)) => Ok([old, new]),
        (old, new) => {
            let problems: Vec<Diagnostic> = old.err().into_iter().chain(new.err()).collect();
            Err(problems.into())
        }
    }
}

/// Why two versions cannot be compared: the diagnostics of both checks,
/// and the names of the versions with errors.
pub(crate) type Invalid<'v> = (Diagnostics, Vec<&'v str>);

/// The plans of both versions, each checked as its own folder says (its
/// templates kept inside `root`, its legal rules reading `rates`); `Err`
/// when either has errors: an effect is only worth computing between two
/// plans that mean something.
pub(crate) fn plans<'v>(
    versions: &'v [Version; 2],
    root: Option<&Path>,
    rates: &RateTable,
) -> Result<[Plan; 2], Invalid<'v>> {
    let [before, after] = versions.each_ref().map(|version| {
        let setting = crate::check::Setting {
            dir: &version.dir,
            root,
            rates,
        };
        crate::check::check(&version.source, &setting)
    });
    match (before.plan, after.plan) {
        (Some(before), Some(after)) => Ok([before, after]),
        (before_plan, after_plan) => {
            let invalid = [(&versions[0], before_plan), (&versions[1], after_plan)]
                .into_iter()
                .filter(|(_, plan)| plan.is_none())
                .map(|(version, _)| version.name.as_str())
                .collect();
            let mut diagnostics = before.diagnostics;
            diagnostics.extend(after.diagnostics);
            Err((diagnostics, invalid))
        }
    }
}

/// The currency of both versions' plans; `Err` when `new` (its plan
/// `after`) changed the currency of `old` (`before`): a ledger is in one
/// currency, so their effects cannot be compared.
pub(crate) fn same_currency(
    (old, before): (&Version, &Plan),
    (new, after): (&Version, &Plan),
) -> Result<&'static str, Diagnostic> {
    let currency = after.currency.value;
    if before.currency.value == currency {
        return Ok(currency);
    }
    Err(Diagnostic::error(
        Code::DiffCurrency,
        format!(
            "`{}` is in {currency} but `{}` is in {}: their effects cannot be compared",
            new.name, old.name, before.currency.value
        ),
    )
    .with_label(
        after.currency.span,
        format!("was {}", before.currency.value),
    )
    .with_help(
        "a ledger is in one currency: compare versions in the same currency, and review \
         the change of currency itself with `policy simulate` on a ledger in the new one",
    )
    .in_source(&new.source))
}

/// The bytes of `rev:path`, and the working-tree folder of `path`.
fn git_show(name: &str, rev: &str, path: &str) -> Result<(Vec<u8>, PathBuf), Diagnostic> {
    let root = git(name, ["rev-parse", "--show-toplevel"]).map_err(|failure| match failure {
        Failure::Missing(d) => d,
        Failure::Refused(message) => Diagnostic::error(
            Code::NotAGitRepository,
            format!("cannot read `{name}`: the current folder is not in a git repository"),
        )
        .with_help(format!(
            "there is no file `{name}` either; run `policy diff` inside the repository that \
             holds the policy, or give both versions as files (git said: {message})"
        ))
        .in_path(name),
    })?;
    let root = PathBuf::from(String::from_utf8_lossy(&root.stdout).trim_end());
    // `:path` is the staged version; any other revision must exist.
    if !rev.is_empty() {
        let tree = format!("{rev}^{{tree}}");
        git(
            name,
            [
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &tree,
            ],
        )
        .map_err(|failure| match failure {
            Failure::Missing(d) => d,
            Failure::Refused(_) => Diagnostic::error(
                Code::UnknownRevision,
                format!("cannot read `{name}`: no revision `{rev}` in this repository"),
            )
            .with_help(
                "name a branch, tag or commit that exists here (`git branch -a`, \
                 `git log --oneline`); in CI, fetch it first (`git fetch origin main`, or \
                 `fetch-depth: 0` with actions/checkout)",
            )
            .in_path(name),
        })?;
    }
    let object = format!("{rev}:{path}");
    let not_in = |reason: String| {
        let at = if rev.is_empty() { "the index" } else { rev };
        Diagnostic::error(
            Code::NotInRevision,
            format!("cannot read `{name}`: {reason}"),
        )
        .with_help(if path.starts_with('.') {
            "the path is relative to the current folder; a policy new in this change has no \
             old version: review it with `policy simulate`"
                .to_string()
        } else {
            format!(
                "a path after `REV:` is relative to the repository's root \
                 (`{at}:policies/x.policy`); write `{rev}:./{path}` for a path relative to the \
                 current folder. A policy new in this change has no old version: review it \
                 with `policy simulate`"
            )
        })
        .in_path(name)
    };
    let kind = git(name, ["cat-file", "-t", &object]).map_err(|failure| match failure {
        Failure::Missing(d) => d,
        Failure::Refused(message) => not_in(message),
    })?;
    let kind = String::from_utf8_lossy(&kind.stdout).trim().to_string();
    if kind != "blob" {
        return Err(not_in(format!(
            "`{path}` is a {} in `{}`, not a policy file",
            if kind == "tree" { "folder" } else { &kind },
            if rev.is_empty() { "the index" } else { rev }
        )));
    }
    let shown = git(name, ["show", &object]).map_err(|failure| match failure {
        Failure::Missing(d) => d,
        Failure::Refused(message) => Diagnostic::error(
            Code::GitFailed,
            format!("cannot read `{name}`: git failed: {message}"),
        )
        .with_help("run `git show` with the same argument to see what git says")
        .in_path(name),
    })?;
    // Where the file is in the working tree: git reads `./` and `../`
    // from the current folder, anything else from the root.
    let relative = Path::new(path);
    let in_tree = if path.starts_with("./") || path.starts_with("../") {
        std::env::current_dir().unwrap_or_default().join(relative)
    } else {
        root.join(relative)
    };
    let dir = in_tree
        .parent()
        .map_or_else(|| root.clone(), Path::to_path_buf);
    Ok((shown.stdout, dir))
}

enum Failure {
    /// git could not be run: the diagnostic says why.
    Missing(Diagnostic),
    /// git ran and refused: its message.
    Refused(String),
}

fn git<I, S>(name: &str, args: I) -> Result<Output, Failure>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new("git")
        .args(args)
        // Messages in any language are shown as they are; only the exit
        // status is read.
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|err| {
            let reason = if err.kind() == std::io::ErrorKind::NotFound {
                "git is not installed (or not on the PATH)".to_string()
            } else {
                format!("git cannot be run: {err}")
            };
            Failure::Missing(
                Diagnostic::error(Code::GitMissing, format!("cannot read `{name}`: {reason}"))
                    .with_help(format!(
                        "install git to read `REV:path` versions, or give both versions as \
                         files (there is no file `{name}`)"
                    ))
                    .in_path(name),
            )
        })?;
    if output.status.success() {
        return Ok(output);
    }
    let message = String::from_utf8_lossy(&output.stderr);
    let message = message
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("fatal: ")
        .trim_end_matches('.')
        .to_string();
    Err(Failure::Refused(if message.is_empty() {
        format!("exit status {}", output.status)
    } else {
        message
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EUR: &str = "currency EUR\n\nafter 60 days route justice_de_paix\n";
    const USD: &str = "currency USD\n\nafter 60 days route justice_de_paix\n";

    fn versions(dir: &Path, old: &str, new: &str) -> [Version; 2] {
        std::fs::write(dir.join("old.policy"), old).unwrap();
        std::fs::write(dir.join("new.policy"), new).unwrap();
        read_both(&dir.join("old.policy"), &dir.join("new.policy")).unwrap()
    }

    #[test]
    fn both_versions_are_read_and_each_one_missing_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let [old, new] = versions(dir.path(), EUR, USD);
        assert!(old.name.ends_with("old.policy") && new.name.ends_with("new.policy"));
        let missing = read_both(&dir.path().join("a.policy"), &dir.path().join("b.policy"));
        assert_eq!(missing.unwrap_err().len(), 2);
    }

    #[test]
    fn a_version_with_errors_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let versions = versions(dir.path(), EUR, "after 60 days rout x\n");
        let (diagnostics, invalid) = plans(&versions, None, RateTable::shipped())
            .map(|_| ())
            .unwrap_err();
        assert_eq!(invalid, [versions[1].name.as_str()]);
        assert!(diagnostics.has_errors());
    }

    #[test]
    fn versions_in_two_currencies_cannot_be_compared() {
        let dir = tempfile::tempdir().unwrap();
        let versions = versions(dir.path(), EUR, USD);
        let [before, after] = plans(&versions, None, RateTable::shipped()).unwrap();
        let [old, new] = &versions;
        let changed = same_currency((old, &before), (new, &after)).unwrap_err();
        assert_eq!(changed.code, Code::DiffCurrency);
        assert!(
            changed.message.contains("is in USD but"),
            "{}",
            changed.message
        );
        assert_eq!(
            same_currency((old, &before), (old, &before)).unwrap(),
            "EUR"
        );
    }
}

//! Which version of a policy a report is about: its file, the SHA-256 of
//! its text (the hash the journal of `policy run` records with every
//! action) and, where git knows the file, its revision. Git is asked, never
//! required: without git, or outside a work tree, the revision is left out.

use std::path::Path;
use std::process::{Command, Stdio};

/// A policy's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// As given on the command line.
    pub name: String,
    /// SHA-256 (hex) of the policy's text.
    pub sha256: String,
    pub git: Option<Git>,
}

/// What git says of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Git {
    /// A file in a work tree.
    WorkTree {
        /// The work tree's `HEAD` commit (none before the first commit).
        head: Option<String>,
        /// The last commit that changed the file.
        last_commit: Option<String>,
        state: FileState,
    },
    /// Read from a revision (`policy diff main:policies/lu.policy`).
    Revision {
        /// As given: `main`, `HEAD~1`; empty for the staged version.
        rev: String,
        /// The commit it names.
        commit: Option<String>,
    },
}

/// The file against its last commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Committed,
    /// Changed since its last commit (or staged).
    Modified,
    /// Not tracked by git.
    Untracked,
}

impl Provenance {
    /// A policy read from `path`, whose text is `text`.
    pub(crate) fn of_file(path: &Path, text: &str) -> Provenance {
        Provenance {
            name: path.display().to_string(),
            sha256: crate::journal::sha256_hex(text.as_bytes()),
            git: work_tree(path),
        }
    }

    /// A version `policy diff` compares: a file, or read from git.
    pub(crate) fn of_version(version: &crate::diff::version::Version) -> Provenance {
        let text = version.source.text();
        match &version.git {
            Some((rev, _)) => Provenance::of_revision(&version.name, rev, text),
            None => Provenance::of_file(Path::new(&version.name), text),
        }
    }

    /// A policy read from git as `name` (`REV:path`): `rev` as given.
    pub(crate) fn of_revision(name: &str, rev: &str, text: &str) -> Provenance {
        let commit = if rev.is_empty() {
            None
        } else {
            git(
                Path::new("."),
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("{rev}^{{commit}}"),
                ],
            )
        };
        Provenance {
            name: name.to_string(),
            sha256: crate::journal::sha256_hex(text.as_bytes()),
            git: Some(Git::Revision {
                rev: rev.to_string(),
                commit,
            }),
        }
    }
}

/// What git knows of a file in a work tree; `None` outside one, or without
/// git.
fn work_tree(path: &Path) -> Option<Git> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path.file_name()?.to_str()?;
    if git(dir, &["rev-parse", "--is-inside-work-tree"]).as_deref() != Some("true") {
        return None;
    }
    let head = git(dir, &["rev-parse", "--verify", "--quiet", "HEAD"]);
    let last_commit = git(dir, &["log", "-1", "--format=%H", "--", file]);
    let status = git(dir, &["status", "--porcelain", "--", file]);
    let state = match (&last_commit, status.as_deref()) {
        (None, _) => FileState::Untracked,
        (Some(_), None) => FileState::Committed,
        (Some(_), Some(_)) => FileState::Modified,
    };
    Some(Git::WorkTree {
        head,
        last_commit,
        state,
    })
}

/// `git ARGS` in `dir`: its first line of output, or `None` when git is
/// missing, fails or says nothing.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn has_git() -> bool {
        Command::new("git").arg("--version").output().is_ok()
    }

    #[test]
    fn a_file_outside_git_has_its_hash_and_no_revision() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.policy");
        std::fs::write(&path, "policy \"x\"\n").unwrap();
        let p = Provenance::of_file(&path, "policy \"x\"\n");
        assert_eq!(
            p.sha256,
            crate::journal::sha256_hex("policy \"x\"\n".as_bytes())
        );
        assert_eq!(p.git, None);
    }

    #[test]
    fn a_committed_file_has_its_commit_and_a_change_is_seen() {
        if !has_git() {
            eprintln!("git is not installed: the revision cannot be tested here");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.policy");
        std::fs::write(&path, "a\n").unwrap();
        run(dir.path(), &["init", "-q"]);
        let untracked = Provenance::of_file(&path, "a\n");
        assert!(
            matches!(
                untracked.git,
                Some(Git::WorkTree {
                    head: None,
                    last_commit: None,
                    state: FileState::Untracked
                })
            ),
            "{untracked:?}"
        );
        run(dir.path(), &["add", "p.policy"]);
        run(dir.path(), &["commit", "-q", "-m", "one"]);
        let Some(Git::WorkTree {
            head: Some(head),
            last_commit: Some(last),
            state: FileState::Committed,
        }) = Provenance::of_file(&path, "a\n").git
        else {
            panic!("not committed");
        };
        assert_eq!(head, last);
        assert_eq!(head.len(), 40);
        std::fs::write(&path, "b\n").unwrap();
        assert!(matches!(
            Provenance::of_file(&path, "b\n").git,
            Some(Git::WorkTree {
                state: FileState::Modified,
                ..
            })
        ));
    }
}

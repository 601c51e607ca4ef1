//! Where `policy fmt` meets files: a formatted policy written over the
//! original at once, the unified diff `--check` shows, and the line that
//! says what became of the files.

use std::io::Write as _;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Formatted,
    Unchanged,
    /// `--check` found it unformatted.
    NeedsFormatting,
    /// Left as it was: it could not be read, parsed or written.
    Failed,
}

/// The line `policy fmt` ends with: what became of the files, `check`ed
/// (`--check`) or formatted.
pub(crate) fn summary(outcomes: &[Outcome], check: bool) -> String {
    let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count();
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    let (formatted, unchanged) = (count(Outcome::Formatted), count(Outcome::Unchanged));
    let (unformatted, failed) = (count(Outcome::NeedsFormatting), count(Outcome::Failed));
    let mut parts = Vec::new();
    if check {
        if unformatted > 0 {
            parts.push(format!(
                "{} not formatted (run `policy fmt` to format)",
                files(unformatted)
            ));
        }
        if unchanged > 0 {
            parts.push(format!("{} formatted", files(unchanged)));
        }
    } else {
        if formatted > 0 {
            parts.push(format!("formatted {}", files(formatted)));
        }
        if unchanged > 0 {
            parts.push(format!("{} already formatted", files(unchanged)));
        }
    }
    if failed > 0 {
        parts.push(format!("{} left as is because of errors", files(failed)));
    }
    parts.join(", ")
}

/// A path as shown to the user: `x.policy` rather than `./x.policy`.
pub(crate) fn shown(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    path.display().to_string()
}

/// The formatted text of `name` could not be written over it.
pub(crate) fn write_failed(name: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot write `{name}`: {err}"))
        .with_help("check that you may write the file and its folder; the file was left as it was")
        .in_path(name)
}

/// A `git diff`-style unified diff from `old` to `new`.
pub(crate) fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let name = name.trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Replaces a file's content at once: a temporary file in the same folder,
/// with the original's permissions, renamed over it. An editor, `policy
/// watch` or a crash never sees a half-written policy. A symbolic link is
/// followed, so the link stays a link.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".policy-fmt-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_drop_the_current_folder() {
        assert_eq!(shown(Path::new("./a/x.policy")), "a/x.policy");
        assert_eq!(shown(Path::new("a/x.policy")), "a/x.policy");
    }

    #[test]
    fn the_summary_counts_files_by_what_became_of_them() {
        use Outcome::*;
        assert_eq!(
            summary(&[Formatted, Unchanged, Unchanged, Failed], false),
            "formatted 1 file, 2 files already formatted, 1 file left as is because of errors"
        );
        assert_eq!(
            summary(&[NeedsFormatting, Unchanged], true),
            "1 file not formatted (run `policy fmt` to format), 1 file formatted"
        );
        assert_eq!(summary(&[Unchanged, Unchanged], true), "2 files formatted");
        assert_eq!(summary(&[], false), "");
    }

    #[test]
    fn diff_names_files_like_git() {
        let diff = unified_diff("p/x.policy", "STOP\n", "stop\n");
        assert_eq!(
            diff,
            "--- a/p/x.policy\n+++ b/p/x.policy\n@@ -1 +1 @@\n-STOP\n+stop\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_permissions_and_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.policy");
        std::fs::write(&real, "STOP\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.policy");
        std::os::unix::fs::symlink(&real, &link).unwrap();

        write_atomically(&link, "stop\n").unwrap();

        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "stop\n");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
    }
}

//! Where `policy fmt` meets files: a formatted policy written over the
//! original at once, and the unified diff `--check` shows.

use std::io::Write as _;
use std::path::Path;

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

//! Where a run may write: inside the outbox, in real folders. The outbox
//! itself may be a link (the firm's choice: a mounted share); below it, a
//! symbolic link — in place of a date or debtor folder, of an output or of
//! its temporary file — is never followed, and every folder written into is
//! checked to resolve inside the outbox. A link planted there would
//! otherwise make a run write letters, or overwrite files, anywhere its
//! user may write. (On Linux a batch's folders and files are made relative
//! to the outbox's descriptor instead, `journal::batch`.)

use std::path::{Component, Path, PathBuf};

use super::fsx;
use crate::diagnostic::{Code, Diagnostic};

/// Why a path in the outbox is not written.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A symbolic link where a folder or file of the outbox should be.
    Link(PathBuf),
    /// A folder that resolves outside the outbox.
    Outside { path: PathBuf, real: PathBuf },
    /// Not a folder, unreadable, a full disk.
    Io(PathBuf, std::io::Error),
}

impl Refusal {
    pub fn reason(&self) -> String {
        match self {
            Refusal::Link(path) => format!("`{}` is a symbolic link", path.display()),
            Refusal::Outside { path, real } => format!(
                "`{}` leads outside the outbox, to `{}`",
                path.display(),
                real.display()
            ),
            Refusal::Io(path, e) => format!("`{}`: {e}", path.display()),
        }
    }

    /// The diagnostic: `policy::unsafe_path` for a link or an escape,
    /// `policy::write_failed` otherwise.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Refusal::Io(path, e) => super::write_failed(path, e),
            Refusal::Link(path) | Refusal::Outside { path, .. } => Diagnostic::error(
                Code::UnsafePath,
                format!("{}: a run never writes through it", self.reason()),
            )
            .with_help(
                "the outbox holds only real folders and files that `policy run` made; \
                 remove the link (and check who made it), then run again. The journal is \
                 unchanged for this action",
            )
            .in_path(path.display().to_string()),
        }
    }
}

/// The folders below `outbox` that `relative` (a file's path, relative to
/// the outbox) goes through, outermost first.
fn folders<'a>(outbox: &Path, relative: &'a Path) -> Vec<PathBuf> {
    let mut path = outbox.to_path_buf();
    let mut out = Vec::new();
    let parts: Vec<Component<'a>> = relative.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        path.push(part);
        out.push(path.clone());
    }
    out
}

/// Checks, creating nothing, the folders of `relative` that already exist
/// below the outbox: each must be a real folder, not a link.
pub fn check(outbox: &Path, relative: &Path) -> Result<(), Refusal> {
    for folder in folders(outbox, relative) {
        match std::fs::symlink_metadata(&folder) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(Refusal::Link(folder)),
            Ok(meta) if meta.is_dir() => {}
            // Missing, not a folder, unreadable: the write fails (or makes
            // it), as on a full disk, and the action is aborted in the
            // journal.
            Ok(_) | Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Creates the outbox and the folders of `relative` below it (fsyncing the
/// parents), refusing links below the outbox, and returns the folder the
/// file goes in, checked to resolve inside the outbox.
pub(crate) fn make_dirs(outbox: &Path, relative: &Path) -> Result<PathBuf, Refusal> {
    fsx::create_dirs(outbox).map_err(|e| Refusal::Io(outbox.to_path_buf(), e))?;
    let dir = make_dirs_synced(outbox, relative, true)?;
    inside(outbox, &dir)?;
    Ok(dir)
}

/// [`make_dirs`] without the fsync of each folder made: for a batch, whose
/// folders are made durable together (`fsx::flush_dirs`), whose outbox
/// exists already and whose real path is `root`.
#[cfg(not(target_os = "linux"))]
pub(crate) fn make_dirs_unsynced(
    outbox: &Path,
    root: &Path,
    relative: &Path,
) -> Result<PathBuf, Refusal> {
    let dir = make_dirs_synced(outbox, relative, false)?;
    inside_root(root, &dir)?;
    Ok(dir)
}

fn make_dirs_synced(outbox: &Path, relative: &Path, sync: bool) -> Result<PathBuf, Refusal> {
    let mut dir = outbox.to_path_buf();
    for folder in folders(outbox, relative) {
        match std::fs::create_dir(&folder) {
            Ok(()) if sync => fsx::sync_dir(&dir).map_err(|e| Refusal::Io(dir.clone(), e))?,
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Refusal::Io(folder, e)),
        }
        match std::fs::symlink_metadata(&folder) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(Refusal::Link(folder)),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Refusal::Io(
                    folder,
                    std::io::Error::from(std::io::ErrorKind::NotADirectory),
                ));
            }
            Err(e) => return Err(Refusal::Io(folder, e)),
        }
        dir = folder;
    }
    Ok(dir)
}

/// Checks that `path` (a folder or file that exists) resolves inside the
/// outbox, links followed.
pub fn inside(outbox: &Path, path: &Path) -> Result<(), Refusal> {
    let root = std::fs::canonicalize(outbox).map_err(|e| Refusal::Io(outbox.to_path_buf(), e))?;
    inside_root(&root, path)
}

/// [`inside`] for an outbox whose real path, `root`, is already known: a
/// batch resolves it once.
pub(crate) fn inside_root(root: &Path, path: &Path) -> Result<(), Refusal> {
    let real = std::fs::canonicalize(path).map_err(|e| Refusal::Io(path.to_path_buf(), e))?;
    if real.starts_with(root) {
        Ok(())
    } else {
        Err(Refusal::Outside {
            path: path.to_path_buf(),
            real,
        })
    }
}

/// The temporary files of `target` in its folder (left by a crash), with
/// what each is. A folder that cannot be listed has none.
pub(crate) fn temps_of(target: &Path) -> std::io::Result<Vec<(PathBuf, fsx::Found)>> {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Ok(Vec::new());
    };
    let name = name.to_string_lossy();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut temps = Vec::new();
    for entry in entries {
        let entry = entry?;
        if fsx::is_temp_of(&entry.file_name().to_string_lossy(), &name) {
            let path = entry.path();
            let found = fsx::look(&path)?;
            temps.push((path, found));
        }
    }
    temps.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(temps)
}

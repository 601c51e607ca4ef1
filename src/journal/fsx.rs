//! Durable file operations: what "written" means for the journal and the
//! outbox. A file is durable once its bytes are fsynced and its directory
//! entry is fsynced too.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Fsyncs a directory, so that entries created or renamed in it survive a
/// crash. A no-op where directories cannot be opened (Windows).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The temporary file next to `path` that [`write_atomic`] renames.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Writes `bytes` to `path` so that `path` is either absent/old or complete:
/// [`write_temp`], then [`publish`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_temp(path, bytes)?;
    publish(path)
}

/// Writes `bytes` to the temporary file next to `path`, fsynced. On failure
/// the temporary file is removed.
pub fn write_temp(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = temp_path(path);
    let result = File::create(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Renames the temporary file of `path` onto `path` and fsyncs the folder.
pub fn publish(path: &Path) -> std::io::Result<()> {
    let temp = temp_path(path);
    let result = std::fs::rename(&temp, path);
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Creates `dir` and its missing parents, fsyncing each parent whose entries
/// changed.
pub fn create_dirs(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => sync_dir(dir.parent().unwrap_or(Path::new("."))),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Appends one line and fsyncs. On failure the file is cut back to
/// `len` (its length before), so that a full disk leaves no partial record.
pub fn append(file: &mut File, len: u64, line: &[u8]) -> std::io::Result<()> {
    let result = file.write_all(line).and_then(|()| file.sync_data());
    if result.is_err() {
        let _ = file.set_len(len).and_then(|()| file.sync_data());
    }
    result
}

/// Opens a file for appending, creating it.
pub fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// SHA-256 of a file's bytes, or `None` when it does not exist.
pub fn file_sha256(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(super::record::sha256_hex(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

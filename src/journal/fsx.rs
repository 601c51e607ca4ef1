//! Durable file operations: what "written" means for the journal and the
//! outbox. A file is durable once its bytes are fsynced and its directory
//! entry is fsynced too. Nothing here follows a symbolic link it did not
//! expect: temporary files are created new (`O_EXCL`, a random name) in the
//! folder of their target, and files read back are opened without following
//! a link.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Fsyncs a directory, so that entries created or renamed in it survive a
/// crash. A no-op where directories cannot be opened (Windows).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
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

/// Whether `name` is one of the temporary files [`write_temp`] makes for
/// the file `target` (`.NAME.XXXXXX.tmp`), or the fixed `.NAME.tmp` of
/// earlier versions, which a crash may have left.
pub(crate) fn is_temp_of(name: &str, target: &str) -> bool {
    let Some(rest) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_prefix(target))
        .and_then(|n| n.strip_prefix('.'))
    else {
        return false;
    };
    rest == "tmp"
        || rest
            .strip_suffix(".tmp")
            .is_some_and(|r| r.len() == TEMP_RAND && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Random characters in a temporary file's name.
const TEMP_RAND: usize = 6;

/// A new name for a temporary file of the file `target` (a name, not a
/// path): `.NAME.XXXXXX.tmp`, as [`write_temp`] makes them, for files
/// created with `O_EXCL` by their folder's descriptor.
#[cfg(target_os = "linux")]
pub(crate) fn temp_name(target: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // The standard hasher's keys are random for each state made.
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(0);
    let mut bits = hasher.finish();
    let mut rand = String::with_capacity(TEMP_RAND);
    for _ in 0..TEMP_RAND {
        let at = usize::try_from(bits % 62).unwrap_or(0);
        rand.push(char::from(CHARS.get(at).copied().unwrap_or(b'x')));
        bits /= 62;
    }
    format!(".{target}.{rand}.tmp")
}

/// Writes `bytes` to a new temporary file beside `target` (`.NAME.XXXXXX.tmp`,
/// created with `O_EXCL`, so a file or link already there is never opened),
/// fsynced, and returns its path. On failure nothing is left.
pub(crate) fn write_temp(target: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    temp_file(target, bytes, true)
}

/// [`write_temp`] without the fsync: for a batch, whose files are made
/// durable together by [`flush_files`].
#[cfg(not(target_os = "linux"))]
pub(crate) fn write_temp_unsynced(target: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    temp_file(target, bytes, false)
}

fn temp_file(target: &Path, bytes: &[u8], sync: bool) -> std::io::Result<PathBuf> {
    let dir = parent(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp").rand_bytes(TEMP_RAND);
    // The mode `File::create` gives (0666 less the umask), not tempfile's
    // private 0600: letters are read by the team, not only by the run.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    if sync {
        temp.as_file().sync_all()?;
    }
    // Kept on disk from here on, so that a crash leaves it for recovery.
    temp.into_temp_path().keep().map_err(|e| e.error)
}

/// [`publish_new`] without the folder's fsync: for a batch, whose folders
/// are made durable together by [`flush_dirs`].
pub(crate) fn rename_new(temp: &Path, target: &Path) -> std::io::Result<()> {
    tempfile::TempPath::try_from_path(temp)?
        .persist_noclobber(target)
        .map(|_| ())
        .map_err(|e| e.error)
}

/// Makes the bytes of the files of a batch durable, all written below
/// `root`: one flush of the whole file system where the system has one
/// (Linux `syncfs`), an fsync per file elsewhere.
pub(crate) fn flush_files(root: &Path, files: &[PathBuf]) -> std::io::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        syncfs(root)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = root;
        files.iter().try_for_each(|f| File::open(f)?.sync_all())
    }
}

/// Makes the entries created or renamed in `dirs` (and the folders made
/// between them and `root`) durable: one flush of the file system on
/// Linux, an fsync per folder elsewhere.
pub(crate) fn flush_dirs(root: &Path, dirs: &[&Path]) -> std::io::Result<()> {
    if dirs.is_empty() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        let _ = dirs;
        syncfs(root)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut all = std::collections::BTreeSet::new();
        for dir in dirs {
            let mut at = Some(*dir);
            while let Some(d) = at.filter(|d| d.starts_with(root)) {
                all.insert(d.to_path_buf());
                at = d.parent();
            }
        }
        all.iter().try_for_each(|d| sync_dir(d))
    }
}

/// `syncfs(2)`: writes out every dirty page and inode of the file system
/// holding `path`, and waits for them (journal commit included on ext4 and
/// xfs): one call for a batch of thousands of files instead of one fsync
/// each.
#[cfg(target_os = "linux")]
fn syncfs(path: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = File::open(path)?;
    // SAFETY: `dir` is an open descriptor for the whole call, and syncfs
    // reads nothing else from this process.
    let done = unsafe { libc::syncfs(dir.as_raw_fd()) };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Renames the temporary file `temp` onto `target`, which must not exist
/// (an `AlreadyExists` error otherwise: nothing is overwritten, not even a
/// link), and fsyncs the folder. On failure the temporary file is removed.
pub(crate) fn publish_new(temp: &Path, target: &Path) -> std::io::Result<()> {
    rename_new(temp, target)?;
    sync_dir(parent(target))
}

/// Replaces `path` with a file holding `bytes`, atomically: a new temporary
/// file beside it, fsynced, renamed over it, the folder fsynced. A link at
/// `path` is replaced, never followed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = write_temp(path, bytes)?;
    tempfile::TempPath::try_from_path(temp)?
        .persist(path)
        .map_err(|e| e.error)?;
    sync_dir(parent(path))
}

/// Creates `dir` and its missing parents, fsyncing each parent whose entries
/// changed. For folders outside the outbox's own tree (the outbox itself,
/// the journal's folder): links there are the user's choice.
pub(crate) fn create_dirs(dir: &Path) -> std::io::Result<()> {
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
pub(crate) fn append(file: &mut File, len: u64, line: &[u8]) -> std::io::Result<()> {
    let result = file.write_all(line).and_then(|()| file.sync_data());
    if result.is_err() {
        let _ = file.set_len(len).and_then(|()| file.sync_data());
    }
    result
}

/// What is at a path, looked at without following a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Nothing,
    /// A regular file, with the SHA-256 of its bytes.
    File(String),
    /// A symbolic link, a folder or another kind of entry: not a file this
    /// program wrote.
    Other,
}

/// What is at `path`, without following a link.
pub fn look(path: &Path) -> std::io::Result<Found> {
    match read_no_follow(path) {
        Ok(Some(bytes)) => Ok(Found::File(super::record::sha256_hex(&bytes))),
        Ok(None) => Ok(Found::Other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Found::Nothing),
        Err(e) => Err(e),
    }
}

/// The bytes of the regular file at `path`; `None` when `path` is a link or
/// not a regular file. The file opened is checked to be the entry looked at,
/// so that a link swapped in meanwhile is not followed.
pub(crate) fn read_no_follow(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let before = std::fs::symlink_metadata(path)?;
    if !before.file_type().is_file() {
        return Ok(None);
    }
    let mut options = OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if is_link_refusal(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !same_entry(&file.metadata()?, &before) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Asks `open` not to follow a link as the last component (`O_NOFOLLOW`),
/// where the platform says how.
pub(crate) fn no_follow(options: &mut OpenOptions) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = options;
}

/// The error `open` gives for a link it was told not to follow (`ELOOP`).
pub(crate) fn is_link_refusal(err: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        err.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = err;
        false
    }
}

/// Whether two metadata describe the same file (device and inode).
pub(crate) fn same_entry(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.modified().ok() == b.modified().ok()
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised_and_only_those() {
        assert!(is_temp_of(".a.eml.tmp", "a.eml"));
        assert!(is_temp_of(".a.eml.x7Ab09.tmp", "a.eml"));
        assert!(!is_temp_of(".a.eml.x7Ab0.tmp", "a.eml"));
        assert!(!is_temp_of(".a.eml.x7-b09.tmp", "a.eml"));
        assert!(!is_temp_of(".b.eml.x7Ab09.tmp", "a.eml"));
        assert!(!is_temp_of("a.eml", "a.eml"));
        assert!(!is_temp_of(".a.emlx.tmp", "a.eml"));
    }

    #[test]
    fn a_temporary_file_is_new_and_publishing_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.eml");
        let temp = write_temp(&target, b"one").unwrap();
        let name = temp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(is_temp_of(&name, "a.eml"), "{name}");
        publish_new(&temp, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        let temp = write_temp(&target, b"two").unwrap();
        let err = publish_new(&temp, &target).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        assert!(!temp.exists(), "the temporary file is removed");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_looked_at_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(look(&link).unwrap(), Found::Other);
        assert!(matches!(look(&file).unwrap(), Found::File(_)));
        assert_eq!(look(&dir.path().join("none")).unwrap(), Found::Nothing);
        // Replacing a link writes a file in its place; its target is untouched.
        write_atomic(&link, b"y").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        assert_eq!(std::fs::read(&link).unwrap(), b"y");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }
}

//! Who may write a journal: one process at a time, whatever path names it.
//!
//! The lock is an OS lock (`flock`, through fs4) taken on the journal file
//! itself, not on a side file: two paths to one journal (a symbolic link,
//! `./j` and `j`, even a hard link) share it, and there is no lock file to
//! delete and let a second run in. After locking, the path is checked to still
//! name the file locked, so that a journal replaced or removed meanwhile is
//! never written through a stale descriptor. The OS releases the lock when
//! the process ends, however it ends.

use std::fs::{File, OpenOptions};
use std::path::Path;

use super::fsx;
use crate::diagnostic::{Code, Diagnostic};

/// The journal's file, open for appending and locked.
pub(crate) struct Locked {
    pub file: File,
    /// The file did not exist: this open created it, empty.
    pub created: bool,
}

/// Opens (creating it when it does not exist) and locks the journal file at
/// `path`, a path without a link as its last component (see
/// [`super::verify::resolve`]). `fresh` is called before a missing journal
/// is created, to refuse when it should exist.
pub fn lock(path: &Path, fresh: impl Fn() -> Result<(), Diagnostic>) -> Result<Locked, Diagnostic> {
    // A path that changes between opening and locking is opened again; more
    // than a few times in a row is someone fighting the run.
    for _ in 0..4 {
        let (file, created) = match open(path, false) {
            Ok(file) => (file, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fresh()?;
                match open(path, true) {
                    Ok(file) => (file, true),
                    // Another run created it meanwhile: lock that one.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(failed(path, &e)),
                }
            }
            Err(e) => return Err(failed(path, &e)),
        };
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => return Err(locked(path, holder(&file))),
            Err(fs4::TryLockError::Error(e)) => {
                return Err(crate::load::io_error(crate::load::Op::Lock, path, &e));
            }
        }
        let ours = file.metadata().map_err(|e| super::write_failed(path, &e))?;
        match std::fs::symlink_metadata(path) {
            Ok(now) if fsx::same_entry(&ours, &now) => {
                if created {
                    let dir = path.parent().unwrap_or(Path::new("."));
                    fsx::sync_dir(dir).map_err(|e| super::write_failed(path, &e))?;
                }
                return Ok(Locked { file, created });
            }
            // Replaced or removed between opening and locking.
            _ => {}
        }
    }
    Err(Diagnostic::error(
        Code::JournalLocked,
        format!(
            "the journal `{}` kept being replaced while this run opened it",
            path.display()
        ),
    )
    .with_help("another program is moving or recreating the journal; stop it, then run again")
    .in_path(path.display().to_string()))
}

fn open(path: &Path, create: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true);
    if create {
        options.create_new(true);
    }
    fsx::no_follow(&mut options);
    options.open(path)
}

fn failed(path: &Path, err: &std::io::Error) -> Diagnostic {
    if fsx::is_link_refusal(err) {
        return Diagnostic::error(
            Code::UnsafePath,
            format!(
                "the journal `{}` became a symbolic link while this run opened it",
                path.display()
            ),
        )
        .with_help("give the journal's real path, then run again")
        .in_path(path.display().to_string());
    }
    super::write_failed(path, err)
}

fn locked(path: &Path, holder: Option<u32>) -> Diagnostic {
    let who = holder.map_or_else(
        || "another process".to_string(),
        |pid| format!("process {pid}"),
    );
    Diagnostic::error(
        Code::JournalLocked,
        format!("the journal `{}` is in use by {who}", path.display()),
    )
    .with_help(
        "another `policy run` is writing this journal; wait for it to finish, then run \
         again. The lock is released when that process ends, even if it crashes.",
    )
    .in_path(path.display().to_string())
}

/// The process holding the lock on `file`, from the kernel's table of
/// locks (`/proc/locks`: `1: FLOCK  ADVISORY  WRITE 4121 fe:00:10010673 0 EOF`,
/// device numbers in hex). `None` where there is no such table.
fn holder(file: &File) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata().ok()?;
        let dev = meta.dev();
        // The kernel's encoding of a device number (glibc's `major`/`minor`).
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
        let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
        let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
        let table = std::fs::read_to_string("/proc/locks").ok()?;
        table.lines().find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [_, "FLOCK", _, "WRITE", pid, at, ..] if *at == id => pid.parse().ok(),
                _ => None,
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

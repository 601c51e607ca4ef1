//! The file work of a batch ([`super::Journal::perform_batch`]) spread over
//! the cores: making the folders, writing the temporary files, renaming
//! them into place. Creating an inode is most of a catch-up run's time (a
//! folder per debtor, a file per letter), and the kernel does it for two
//! folders at once as well as for one. Each worker takes a contiguous part
//! of the batch and stops at its first failure; the results come back in
//! the batch's order, so the caller sees what one loop would have seen up
//! to the first failure, plus what the other workers did meanwhile, which
//! it takes back like the rest of the batch.

#[cfg(not(target_os = "linux"))]
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::outbox::Refusal;
#[cfg(not(target_os = "linux"))]
use super::{fsx, outbox, parent};

/// Below this many files a batch is written by one thread: starting
/// workers would cost more than it saves.
const PARALLEL_FROM: usize = 64;

/// How many workers: the cores, at most four (the file system's journal
/// serialises more than that).
fn workers(items: usize) -> usize {
    if items < PARALLEL_FROM {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// Runs `work` on each element of `inputs` in order, split in contiguous
/// parts over the workers; a part stops at its first `Err`. The result has
/// an entry for every input done, in the inputs' order, `None` for those a
/// worker skipped after a failure of its own part.
fn spread<S: Default, I: Sync, T: Send, E: Send>(
    inputs: &[I],
    work: impl Fn(&mut S, &I) -> Result<T, E> + Sync,
) -> Vec<Option<Result<T, E>>> {
    let run = |part: &[I]| {
        // What a worker keeps from one input to the next (the folders it
        // made: a debtor's letters share one).
        let mut made = S::default();
        let mut out: Vec<Option<Result<T, E>>> = Vec::with_capacity(part.len());
        let mut failed = false;
        for input in part {
            if failed {
                out.push(None);
                continue;
            }
            let result = work(&mut made, input);
            failed = result.is_err();
            out.push(Some(result));
        }
        out
    };
    let n = workers(inputs.len());
    if n <= 1 {
        return run(inputs);
    }
    let size = inputs.len().div_ceil(n);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(size)
            .map(|part| scope.spawn(move || run(part)))
            .collect();
        // A worker that panicked (a bug) leaves its part undone: `None`,
        // reported by the caller as a failure of the batch.
        let mut all = Vec::with_capacity(inputs.len());
        for (handle, part) in handles.into_iter().zip(inputs.chunks(size)) {
            match handle.join() {
                Ok(results) => all.extend(results),
                Err(_) => all.extend(part.iter().map(|_| None)),
            }
        }
        all
    })
}

/// One output of a batch: its folder relative to the outbox, its final
/// path, its bytes.
pub(crate) struct ToWrite<'a> {
    pub relative: &'a Path,
    pub target: &'a Path,
    pub bytes: &'a [u8],
}

/// Makes the folders and writes the temporary file of every output (not
/// fsynced: the caller flushes the batch), checking that each resolves
/// inside the outbox (`root` is its real path). In the outputs' order.
pub(crate) fn write_temps(
    outbox: &Path,
    root: &Path,
    outputs: &[ToWrite<'_>],
) -> Vec<Option<Result<PathBuf, Refusal>>> {
    #[cfg(target_os = "linux")]
    {
        at::write_temps(outbox, root, outputs)
    }
    #[cfg(not(target_os = "linux"))]
    {
        spread(outputs, |made: &mut HashSet<PathBuf>, output| {
            let dir = parent(output.target);
            if !made.contains(dir) {
                outbox::make_dirs_unsynced(outbox, root, output.relative)?;
                made.insert(dir.to_path_buf());
            }
            let temp = fsx::write_temp_unsynced(output.target, output.bytes)
                .map_err(|e| Refusal::Io(output.target.to_path_buf(), e))?;
            if let Err(refusal) = outbox::inside_root(root, &temp) {
                let _ = std::fs::remove_file(&temp);
                return Err(refusal);
            }
            Ok(temp)
        })
    }
}

/// The batch's folders and temporary files made relative to the outbox's
/// descriptor, each folder opened without following a link
/// (`O_NOFOLLOW`): nothing below the outbox is resolved by path, so a link
/// swapped in for a folder during the run is refused, not written
/// through, without resolving every path again (`realpath` read each
/// component of two paths a file: a tenth of a catch-up's work).
#[cfg(target_os = "linux")]
mod at {
    use std::collections::HashMap;
    use std::io::Write;
    use std::os::fd::OwnedFd;
    use std::path::{Component, Path, PathBuf};

    use rustix::fs::{AtFlags, Mode, OFlags};
    use rustix::io::Errno;

    use super::{Refusal, ToWrite, spread};
    use crate::journal::fsx;

    /// How many random names are tried before a temporary file is given
    /// up (each is new with `O_EXCL`).
    const TRIES: usize = 16;

    pub(super) fn write_temps(
        outbox: &Path,
        root: &Path,
        outputs: &[ToWrite<'_>],
    ) -> Vec<Option<Result<PathBuf, Refusal>>> {
        // The outbox itself may be a link (the firm's choice): its real
        // path is opened.
        let root_fd = match rustix::fs::open(root, dir_flags(), Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => {
                let refusal = || Refusal::Io(outbox.to_path_buf(), e.into());
                return outputs.iter().map(|_| Some(Err(refusal()))).collect();
            }
        };
        spread(outputs, |dirs: &mut HashMap<PathBuf, OwnedFd>, output| {
            let dir = crate::journal::parent(output.target);
            if !dirs.contains_key(dir) {
                let fd = open_dirs(&root_fd, outbox, output.relative)?;
                dirs.insert(dir.to_path_buf(), fd);
            }
            let Some(fd) = dirs.get(dir) else {
                return Err(Refusal::Io(
                    dir.to_path_buf(),
                    std::io::Error::other("its folder was not opened"),
                ));
            };
            write_temp(fd, output.target, output.bytes)
        })
    }

    fn dir_flags() -> OFlags {
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
    }

    /// Makes (when missing) and opens each folder of `relative` below the
    /// outbox, refusing a link or anything but a folder.
    fn open_dirs(root: &OwnedFd, outbox: &Path, relative: &Path) -> Result<OwnedFd, Refusal> {
        let parts: Vec<Component<'_>> = relative.components().collect();
        let mut path = outbox.to_path_buf();
        let mut current: Option<OwnedFd> = None;
        for part in parts.iter().take(parts.len().saturating_sub(1)) {
            path.push(part);
            let parent = current.as_ref().unwrap_or(root);
            match rustix::fs::mkdirat(parent, part.as_os_str(), Mode::from_raw_mode(0o777)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(Refusal::Io(path, e.into())),
            }
            let opened = rustix::fs::openat(
                parent,
                part.as_os_str(),
                dir_flags() | OFlags::NOFOLLOW,
                Mode::empty(),
            );
            current = Some(match opened {
                Ok(fd) => fd,
                Err(Errno::LOOP) => return Err(Refusal::Link(path)),
                Err(Errno::NOTDIR) => {
                    let link =
                        rustix::fs::statat(parent, part.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)
                            .is_ok_and(|st| {
                                rustix::fs::FileType::from_raw_mode(st.st_mode)
                                    == rustix::fs::FileType::Symlink
                            });
                    return Err(if link {
                        Refusal::Link(path)
                    } else {
                        Refusal::Io(
                            path,
                            std::io::Error::from(std::io::ErrorKind::NotADirectory),
                        )
                    });
                }
                Err(e) => return Err(Refusal::Io(path, e.into())),
            });
        }
        // An output directly in the outbox goes in the outbox's folder.
        match current {
            Some(fd) => Ok(fd),
            None => root
                .try_clone()
                .map_err(|e| Refusal::Io(outbox.to_path_buf(), e)),
        }
    }

    /// Writes `bytes` to a new temporary file beside `target`
    /// (`.NAME.XXXXXX.tmp`, [`fsx::is_temp_of`]) in the folder `dir`, not
    /// fsynced; on failure nothing is left.
    fn write_temp(dir: &OwnedFd, target: &Path, bytes: &[u8]) -> Result<PathBuf, Refusal> {
        let io = |e: std::io::Error| Refusal::Io(target.to_path_buf(), e);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        for _ in 0..TRIES {
            let temp = fsx::temp_name(&name);
            let fd = match rustix::fs::openat(dir, temp.as_str(), flags, Mode::from_raw_mode(0o666))
            {
                Ok(fd) => fd,
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(io(e.into())),
            };
            let mut file = std::fs::File::from(fd);
            if let Err(e) = file.write_all(bytes) {
                let _ = rustix::fs::unlinkat(dir, temp.as_str(), AtFlags::empty());
                return Err(io(e));
            }
            return Ok(crate::journal::parent(target).join(temp));
        }
        Err(io(std::io::Error::from(std::io::ErrorKind::AlreadyExists)))
    }
}

/// Checks the output path of every item of a batch before anything is
/// recorded ([`super::admit_output`]), in the items' order.
pub(crate) fn admit_outputs(
    items: &[super::Item<'_>],
    outbox: &Path,
) -> Vec<Option<Result<PathBuf, crate::diagnostic::Diagnostic>>> {
    spread(items, |_: &mut (), item| {
        super::admit_output(item.output, outbox)
    })
}

/// Renames every temporary file onto its target, never over an existing
/// file. In the pairs' order.
pub(crate) fn rename_all(pairs: &[(&Path, &Path)]) -> Vec<Option<std::io::Result<()>>> {
    spread(pairs, |_: &mut (), (temp, target)| {
        super::fsx::rename_new(temp, target)
    })
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    /// Writes one output at `relative` in `outbox` and returns the refusal.
    fn write_one(outbox: &Path, relative: &str) -> Result<PathBuf, Refusal> {
        let root = std::fs::canonicalize(outbox).unwrap();
        let target = outbox.join(relative);
        let outputs = [ToWrite {
            relative: Path::new(relative),
            target: &target,
            bytes: b"letter",
        }];
        write_temps(outbox, &root, &outputs)
            .pop()
            .flatten()
            .unwrap()
    }

    #[test]
    fn temporary_files_are_written_in_real_folders_made_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let temp = write_one(dir.path(), "2026-01-05/D1/letter.txt").unwrap();
        assert_eq!(
            temp.parent(),
            Some(dir.path().join("2026-01-05/D1").as_path())
        );
        let name = temp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            crate::journal::fsx::is_temp_of(&name, "letter.txt"),
            "{name}"
        );
        assert_eq!(std::fs::read(&temp).unwrap(), b"letter");
    }

    #[test]
    fn a_link_in_place_of_a_folder_is_refused_and_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let outbox = dir.path();
        std::fs::create_dir(outbox.join("2026-01-05")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), outbox.join("2026-01-05/D1")).unwrap();
        match write_one(outbox, "2026-01-05/D1/letter.txt") {
            Err(Refusal::Link(path)) => assert_eq!(path, outbox.join("2026-01-05/D1")),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        // A date folder that is a link, to a folder or to a file, too.
        std::fs::remove_file(outbox.join("2026-01-05/D1")).unwrap();
        std::fs::remove_dir(outbox.join("2026-01-05")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), outbox.join("2026-01-05")).unwrap();
        assert!(matches!(
            write_one(outbox, "2026-01-05/D1/letter.txt"),
            Err(Refusal::Link(_))
        ));
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_output_directly_in_the_outbox_is_written_there() {
        let dir = tempfile::tempdir().unwrap();
        let temp = write_one(dir.path(), "letter.txt").unwrap();
        assert_eq!(temp.parent(), Some(dir.path()));
        assert_eq!(std::fs::read(&temp).unwrap(), b"letter");
    }

    #[test]
    fn a_file_in_place_of_a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2026-01-05"), "not a folder").unwrap();
        match write_one(dir.path(), "2026-01-05/D1/letter.txt") {
            Err(Refusal::Io(path, e)) => {
                assert_eq!(path, dir.path().join("2026-01-05"));
                assert_eq!(e.kind(), std::io::ErrorKind::NotADirectory);
            }
            other => panic!("{other:?}"),
        }
    }
}

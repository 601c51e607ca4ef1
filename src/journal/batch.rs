//! The file work of a batch ([`super::Journal::perform_batch`]) spread over
//! the cores: making the folders, writing the temporary files, renaming
//! them into place. Creating an inode is most of a catch-up run's time (a
//! folder per debtor, a file per letter), and the kernel does it for two
//! folders at once as well as for one. Each worker takes a contiguous part
//! of the batch and stops at its first failure; the results come back in
//! the batch's order, so the caller sees what one loop would have seen up
//! to the first failure, plus what the other workers did meanwhile, which
//! it takes back like the rest of the batch.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::outbox::{self, Refusal};
use super::{fsx, parent};

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
fn spread<I: Sync, T: Send, E: Send>(
    inputs: &[I],
    work: impl Fn(&mut HashSet<PathBuf>, &I) -> Result<T, E> + Sync,
) -> Vec<Option<Result<T, E>>> {
    let run = |part: &[I]| {
        // Folders made by this worker (a debtor's letters share one).
        let mut made = HashSet::new();
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
    spread(outputs, |made, output| {
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

/// Checks the output path of every item of a batch before anything is
/// recorded ([`super::admit_output`]), in the items' order.
pub(crate) fn admit_outputs(
    items: &[super::Item<'_>],
    outbox: &Path,
) -> Vec<Option<Result<PathBuf, crate::diagnostic::Diagnostic>>> {
    spread(items, |_, item| super::admit_output(item.output, outbox))
}

/// Renames every temporary file onto its target, never over an existing
/// file. In the pairs' order.
pub(crate) fn rename_all(pairs: &[(&Path, &Path)]) -> Vec<Option<std::io::Result<()>>> {
    spread(pairs, |_, (temp, target)| fsx::rename_new(temp, target))
}

//! Writing a command's product: to stdout (a closed pipe is not an error),
//! or to a file that is replaced only once complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Exit;

/// Streams the product to stdout, buffered.
pub(super) fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Exit {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Exit::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            super::note(format_args!("error: cannot write the output: {e}"));
            Exit::Failure
        }
    }
}

/// Writes beside the target, then renames: a failure never leaves a
/// partial file where the output should be.
pub(super) fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Exit {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let result = std::fs::File::create(&partial).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&partial, path)
    });
    match result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            super::note(format_args!(
                "error: cannot write `{}`: {e}",
                path.display()
            ));
            Exit::Failure
        }
    }
}

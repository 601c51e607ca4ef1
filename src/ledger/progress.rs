//! How reading a big book reports its progress, in bytes of the file: the
//! command line draws a bar with it (indicatif stays at that edge); the
//! library only counts.

use std::io::Read;
use std::sync::Arc;

/// Receives the progress of reading one file.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// The file's size.
    fn set_length(&self, bytes: u64);
    /// Bytes read so far, when a reader starts somewhere in the file.
    fn set_position(&self, bytes: u64);
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
    /// The file is read.
    fn finish(&self);
}

/// A shared progress receiver, cloned into each reader thread.
pub(crate) type Handle = Arc<dyn Progress>;

/// `input`, reporting each read to `progress`.
pub fn wrap<R: Read>(progress: Handle, input: R) -> Counting<R> {
    Counting { progress, input }
}

/// A reader that reports what it reads.
pub struct Counting<R> {
    progress: Handle,
    input: R,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.input.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[derive(Debug, Default)]
    struct Count(AtomicU64);

    impl Progress for Count {
        fn set_length(&self, _: u64) {}
        fn set_position(&self, bytes: u64) {
            self.0.store(bytes, Ordering::Relaxed);
        }
        fn advance(&self, bytes: u64) {
            self.0.fetch_add(bytes, Ordering::Relaxed);
        }
        fn finish(&self) {}
    }

    #[test]
    fn a_wrapped_reader_reports_every_byte_it_reads() {
        let count = Arc::new(Count::default());
        let mut text = String::new();
        wrap(count.clone(), "invoice,debtor\n".as_bytes())
            .read_to_string(&mut text)
            .unwrap_or_default();
        assert_eq!(count.0.load(Ordering::Relaxed), 15);
    }
}

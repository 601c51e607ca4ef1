//! Cutting a CSV file into stretches of whole records that threads can
//! parse on their own with the same result as one reader reading the whole
//! file.
//!
//! A stretch ends at a line end. That is a record's end when no quoted
//! field spans it, which is certain when nothing before it has a `"`: so
//! stretches are cut while the file has no `"`, and from the first stretch
//! that has one, the rest of the file is left to one reader ([`Job::Rest`]).
//! A reader starting on a stretch sees what one reader of the whole file
//! would at that point, provided that:
//! - the stretch starts right after the line end of a record, not after a
//!   blank line (the csv crate dates a record from the end of the one
//!   before it, blank lines included), which [`cut`] sees to;
//! - a byte-order mark at its start is not dropped (the csv crate drops one
//!   at the start of what it reads): stretches are split by hand (split.rs),
//!   which never drops one, and the reader of the rest is given its input
//!   through [`unmarked`].

use std::io::{self, Read};

/// A file's stretches, handed out one at a time.
pub(crate) struct Cutter<R> {
    input: R,
    /// What was read past the last stretch handed out.
    carry: Vec<u8>,
    /// Where `carry` starts, in bytes from the start of the file (after a
    /// byte-order mark).
    offset: u64,
    seq: usize,
    /// Bytes a stretch should have (it ends at the first line end after).
    size: usize,
    eof: bool,
    done: bool,
    progress: Option<super::progress::Handle>,
}

/// What to read next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The stretch now in the caller's buffer: `offset` bytes into the
    /// file (after a byte-order mark), `seq`-th of the file.
    Stretch { seq: usize, offset: u64 },
    /// Everything from `offset` on, for one reader: batches `seq`,
    /// `seq + 1`, … are its.
    Rest { seq: usize, offset: u64 },
}

impl<R: Read> Cutter<R> {
    /// Cuts `input` (the data, after a CSV file's header, which starts
    /// `start` bytes in) into stretches of about `size` bytes; `size` 0
    /// leaves it all to one reader.
    pub fn new(
        input: R,
        start: u64,
        size: usize,
        progress: Option<super::progress::Handle>,
    ) -> Self {
        Cutter {
            input,
            carry: Vec::new(),
            offset: start,
            seq: 0,
            size,
            eof: false,
            done: false,
            progress,
        }
    }

    /// The next stretch, into `buf`; `None` once all is handed out.
    pub fn next(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Job>> {
        if self.done {
            return Ok(None);
        }
        if self.size == 0 {
            self.done = true;
            return Ok(Some(Job::Rest {
                seq: 0,
                offset: self.offset,
            }));
        }
        buf.clear();
        buf.append(&mut self.carry);
        let mut want = self.size;
        let end = loop {
            while buf.len() < want && !self.eof {
                let asked = (want - buf.len()) as u64;
                let got = (&mut self.input).take(asked).read_to_end(buf)?;
                if let Some(bar) = &self.progress {
                    bar.advance(got as u64);
                }
                self.eof = (got as u64) < asked;
            }
            if self.eof {
                break buf.len();
            }
            match cut(buf) {
                Some(end) => break end,
                None => want = buf.len() * 2, // one line longer than a stretch
            }
        };
        if end == 0 {
            self.done = true;
            return Ok(None);
        }
        let (seq, offset) = (self.seq, self.offset);
        if memchr::memchr(b'"', &buf[..end]).is_some() {
            self.done = true;
            return Ok(Some(Job::Rest { seq, offset }));
        }
        self.carry.extend_from_slice(&buf[end..]);
        buf.truncate(end);
        self.seq += 1;
        self.offset += end as u64;
        Ok(Some(Job::Stretch { seq, offset }))
    }
}

/// Where to end a stretch of `data` (which starts after a record): after
/// the last line end that ends a line with something on it. Never after a
/// blank line: the record after it would be dated from there, where one
/// reader dates it from the end of the record before. `None` when there is
/// no such line end.
pub fn cut(data: &[u8]) -> Option<usize> {
    memchr::memrchr_iter(b'\n', data)
        .find(|&end| end > 0 && data[end - 1] != b'\n')
        .map(|end| end + 1)
}

/// `input`, read so that the csv crate does not take a byte-order mark at
/// its start for the file's own (it drops one only in its first read, and
/// that read is given one byte).
pub(crate) fn unmarked<R: Read>(input: R) -> impl Read {
    FirstByte { input, first: true }
}

struct FirstByte<R> {
    input: R,
    first: bool,
}

impl<R: Read> Read for FirstByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.first && !buf.is_empty() {
            self.first = false;
            return self.input.read(&mut buf[..1]);
        }
        self.input.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_end_after_a_record_not_after_a_blank_line() {
        assert_eq!(cut(b"a\nb\nc"), Some(4));
        assert_eq!(cut(b"a\nb\n"), Some(4));
        assert_eq!(cut(b"a\n\n\nb"), Some(2));
        assert_eq!(cut(b"a\nb\n\n"), Some(4));
        assert_eq!(cut(b"\n\n"), None);
        assert_eq!(cut(b"\na\n"), Some(3));
        assert_eq!(cut(b"abc"), None);
    }

    fn jobs(data: &[u8], size: usize) -> Vec<(Job, Vec<u8>)> {
        let mut cutter = Cutter::new(data, 0, size, None);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(job) = cutter.next(&mut buf).unwrap() {
            out.push((job, buf.clone()));
        }
        out
    }

    #[test]
    fn stretches_cover_the_file_in_whole_lines() {
        let data = b"1,a\n2,b\n\n\n3,c\n4,d";
        let got = jobs(data, 5);
        let joined: Vec<u8> = got.iter().flat_map(|(_, b)| b.clone()).collect();
        assert_eq!(joined, data);
        let mut offset = 0;
        for (seq, (job, bytes)) in got.iter().enumerate() {
            assert_eq!(
                *job,
                Job::Stretch {
                    seq,
                    offset: offset as u64
                }
            );
            offset += bytes.len();
            assert!(bytes.ends_with(b"\n") || offset == data.len());
        }
        // A line longer than a stretch stays whole.
        let long = b"a-long-line,with,fields\nb\n";
        let first = &jobs(long, 4)[0].1;
        assert!(first.starts_with(b"a-long-line,with,fields\n"), "{first:?}");
    }

    #[test]
    fn a_quote_leaves_the_rest_to_one_reader() {
        let data = b"1,a\n2,b\n3,\"c\nd\"\n4,e\n";
        let got = jobs(data, 4);
        assert_eq!(got[0].0, Job::Stretch { seq: 0, offset: 0 });
        assert_eq!(got[1].0, Job::Stretch { seq: 1, offset: 4 });
        assert_eq!(got[2].0, Job::Rest { seq: 2, offset: 8 });
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn a_byte_order_mark_inside_is_kept() {
        let data = b"\xEF\xBB\xBFa,b\n";
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(unmarked(&data[..]));
        let mut record = csv::ByteRecord::new();
        assert!(reader.read_byte_record(&mut record).unwrap());
        assert_eq!(&record[0], b"\xEF\xBB\xBFa");
    }
}

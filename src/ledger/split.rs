//! Records of a stretch of CSV that has no `"`, split at its line ends and
//! delimiters. Without quotes that is all the csv crate does (fields end
//! at the delimiter, records at `\n`, empty lines are skipped); its reader
//! goes byte by byte through a state machine, which for a ledger takes
//! more time than everything else done with a row. The positions are the
//! crate's too: a record is placed where the record before it ended, blank
//! lines between them included. The tests check all of it against the
//! crate.

/// The fields of a record, whoever split it.
pub trait Fields {
    fn count(&self) -> usize;
    fn get(&self, i: usize) -> Option<&[u8]>;
}

impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        csv::ByteRecord::get(self, i)
    }
}

/// One record of a stretch.
#[derive(Debug, Default)]
pub struct Record<'a> {
    text: &'a [u8],
    /// The end of each field in `text`.
    ends: Vec<usize>,
    /// Line and byte (from the stretch's start) where the record is placed.
    pub line: u64,
    pub byte: usize,
}

impl Fields for Record<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before] + 1);
        self.text.get(start..end)
    }
}

/// The records of `data` (a stretch without `"`), in order.
pub(crate) struct Records<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// Every delimiter and line end, in one pass.
    marks: memchr::Memchr2<'a>,
    /// Where the next line starts, and its number (from 1).
    at: usize,
    line: u64,
    /// Line ends passed.
    newlines: u64,
}

impl<'a> Records<'a> {
    pub fn new(data: &'a [u8], delimiter: u8) -> Self {
        Records {
            data,
            delimiter,
            marks: memchr::memchr2_iter(delimiter, b'\n', data),
            at: 0,
            line: 1,
            newlines: 0,
        }
    }

    /// Line ends in the records read so far (all of them, at the end).
    pub(crate) fn newlines(&self) -> u64 {
        self.newlines
    }

    /// The next record into `record`; `false` at the end.
    pub(crate) fn next_into(&mut self, record: &mut Record<'a>) -> bool {
        // Placed where the last record ended, blank lines skipped over.
        let (byte, line) = (self.at, self.line);
        record.ends.clear();
        loop {
            if self.at >= self.data.len() {
                return false;
            }
            let start = self.at;
            let end = match self.marks.next() {
                Some(mark) if self.data[mark] == self.delimiter => {
                    record.ends.push(mark - start);
                    continue;
                }
                Some(line_end) => {
                    self.newlines += 1;
                    self.at = line_end + 1;
                    line_end
                }
                None => {
                    self.at = self.data.len();
                    self.data.len()
                }
            };
            self.line += 1;
            if end == start {
                continue; // an empty line: no record
            }
            record.text = &self.data[start..end];
            record.ends.push(end - start);
            record.byte = byte;
            record.line = line;
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each record's line, byte and fields; and the line ends read.
    type Read = (Vec<(u64, u64, Vec<Vec<u8>>)>, u64);

    /// The records, fields and positions the csv crate reads.
    fn by_the_crate(data: &[u8], delimiter: u8) -> Read {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(false)
            .from_reader(crate::ledger::stretch::unmarked(data));
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let p = record.position().unwrap();
            out.push((
                p.line(),
                p.byte(),
                record.iter().map(<[u8]>::to_vec).collect(),
            ));
        }
        (out, reader.position().line() - 1)
    }

    fn by_hand(data: &[u8], delimiter: u8) -> Read {
        let mut records = Records::new(data, delimiter);
        let mut record = Record::default();
        let mut out = Vec::new();
        while records.next_into(&mut record) {
            let fields = (0..record.count())
                .map(|i| record.get(i).unwrap().to_vec())
                .collect();
            out.push((record.line, record.byte as u64, fields));
        }
        (out, records.newlines())
    }

    #[test]
    fn splits_like_the_csv_crate() {
        for data in [
            &b""[..],
            b"\n",
            b"a",
            b"a,b\n",
            b"a,b\nc",
            b"\n\na,,b,\n\n\nc\r\n\r\n,\n",
            b"\xEF\xBB\xBFa,b\n",
            b" , \n;x",
        ] {
            assert_eq!(by_hand(data, b','), by_the_crate(data, b','), "{data:?}");
        }
    }

    proptest! {
        #[test]
        fn splits_any_quote_free_text_like_the_csv_crate(
            data in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b','), Just(b';'), Just(b'\r'), Just(b' '), Just(b'a'), Just(0xEF), Just(0xBB), Just(0xBF)],
                0..80,
            ),
            semicolon in any::<bool>(),
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(by_hand(&data, delimiter), by_the_crate(&data, delimiter));
        }
    }
}

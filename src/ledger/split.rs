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

    /// Field `i` as text, when known to be UTF-8 without checking it
    /// again; `None` leaves the check to the caller.
    fn text(&self, _i: usize) -> Option<&str> {
        None
    }
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
    /// The same, when its stretch was checked to be UTF-8.
    checked: Option<&'a str>,
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
        self.text.get(self.span(i)?)
    }

    fn text(&self, i: usize) -> Option<&str> {
        self.checked?.get(self.span(i)?)
    }
}

impl Record<'_> {
    fn span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before] + 1);
        Some(start..end)
    }
}

/// The records of `data` (a stretch without `"`), in order.
pub(crate) struct Records<'a> {
    data: &'a [u8],
    /// The same, when checked to be UTF-8.
    checked: Option<&'a str>,
    delimiter: u8,
    /// Every delimiter and line end, in one pass.
    marks: Marks<'a>,
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
            checked: None,
            delimiter,
            marks: Marks::new(data, delimiter),
            at: 0,
            line: 1,
            newlines: 0,
        }
    }

    /// The records of `text`, whose fields are then known to be UTF-8.
    pub fn of_text(text: &'a str, delimiter: u8) -> Self {
        Records {
            checked: Some(text),
            ..Records::new(text.as_bytes(), delimiter)
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
            // Lines end at `\n`, which no character holds: on boundaries.
            record.checked = self.checked.and_then(|text| text.get(start..end));
            record.ends.push(end - start);
            record.byte = byte;
            record.line = line;
            return true;
        }
    }
}

/// The positions of a delimiter or a line end in a text, in order, found
/// eight bytes at a time. A ledger's fields are a few bytes long, and
/// memchr's search, set up again for each of them, cost three times the
/// rest of splitting a row (callgrind, docs/performance.md).
struct Marks<'a> {
    data: &'a [u8],
    /// The delimiter and `\n` in every byte of a word.
    delimiters: u64,
    newlines: u64,
    /// The start of the word `found` belongs to.
    word: usize,
    /// A high bit for each mark of that word not yet given.
    found: u64,
}

const LOW_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const ONES: u64 = 0x0101_0101_0101_0101;

impl<'a> Marks<'a> {
    fn new(data: &'a [u8], delimiter: u8) -> Self {
        let mut marks = Marks {
            data,
            delimiters: ONES * u64::from(delimiter),
            newlines: ONES * u64::from(b'\n'),
            word: 0,
            found: 0,
        };
        marks.found = marks.marks_at(0);
        marks
    }

    /// The high bit of each byte of the word at `at` that is a mark; a
    /// word past the end is read as if padded with bytes that are not.
    fn marks_at(&self, at: usize) -> u64 {
        let word = match self.data.get(at..at.saturating_add(8)) {
            Some(bytes) => u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])),
            None => {
                let tail = self.data.get(at..).unwrap_or_default();
                let mut bytes = [0u8; 8];
                bytes[..tail.len()].copy_from_slice(tail);
                let word = u64::from_le_bytes(bytes);
                // The padding must match neither: marks only in the tail.
                let keep = if tail.is_empty() {
                    0
                } else {
                    u64::MAX >> (64 - 8 * tail.len())
                };
                return (zero_bytes(word ^ self.delimiters) | zero_bytes(word ^ self.newlines))
                    & keep
                    & !LOW_BITS;
            }
        };
        zero_bytes(word ^ self.delimiters) | zero_bytes(word ^ self.newlines)
    }
}

/// The high bit of each zero byte of `x`, exactly (no borrow runs from one
/// byte into the next).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW_BITS).wrapping_add(LOW_BITS)) | x | LOW_BITS)
}

impl Iterator for Marks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            self.word += 8;
            if self.word >= self.data.len() {
                return None;
            }
            self.found = self.marks_at(self.word);
        }
        let byte = self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(self.word + byte)
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
                prop_oneof![Just(b'\n'), Just(b','), Just(b';'), Just(b'\t'), Just(b'\r'), Just(b' '), Just(b'a'), Just(0), Just(0x80), Just(0xEF), Just(0xBB), Just(0xBF)],
                0..200,
            ),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        ) {
            prop_assert_eq!(by_hand(&data, delimiter), by_the_crate(&data, delimiter));
        }
    }
}

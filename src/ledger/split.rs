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
                Some((mark, false)) => {
                    record.ends.push(mark - start);
                    continue;
                }
                Some((line_end, true)) => {
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
/// sixteen bytes at a time. A ledger's fields are a few bytes long, and
/// memchr's search, set up again for each of them, cost three times the
/// rest of splitting a row (docs/performance.md).
struct Marks<'a> {
    data: &'a [u8],
    delimiter: u8,
    /// The start of the block `found` belongs to.
    block: usize,
    /// A bit for each mark of that block not yet given (bit i: byte i).
    found: u32,
    /// A bit for each line end of that block.
    newlines: u32,
}

/// The bytes looked at together.
const BLOCK: usize = 16;

impl<'a> Marks<'a> {
    fn new(data: &'a [u8], delimiter: u8) -> Self {
        let mut marks = Marks {
            data,
            delimiter,
            block: 0,
            found: 0,
            newlines: 0,
        };
        marks.load(0);
        marks
    }

    /// Finds the marks of the block at `at`; a block past the end is read
    /// as if padded with bytes that are not marks.
    fn load(&mut self, at: usize) {
        let (found, newlines) = match self.data.get(at..at.saturating_add(BLOCK)) {
            Some(block) => marks_of(block, self.delimiter),
            None => {
                let tail = self.data.get(at..).unwrap_or_default();
                let mut block = [0u8; BLOCK];
                block[..tail.len()].copy_from_slice(tail);
                let keep = (1u32 << tail.len()) - 1;
                let (found, newlines) = marks_of(&block, self.delimiter);
                (found & keep, newlines & keep)
            }
        };
        self.found = found;
        self.newlines = newlines;
    }

    /// The next mark's position, and whether it ends a line.
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.found == 0 {
            self.block += BLOCK;
            if self.block >= self.data.len() {
                return None;
            }
            self.load(self.block);
        }
        let bit = self.found & self.found.wrapping_neg();
        self.found ^= bit;
        Some((
            self.block + bit.trailing_zeros() as usize,
            self.newlines & bit != 0,
        ))
    }
}

/// The marks of a block of [`BLOCK`] bytes (shorter: `(0, 0)`): a bit for
/// each delimiter or line end, and one for each line end.
#[cfg(target_arch = "x86_64")]
fn marks_of(block: &[u8], delimiter: u8) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let Ok(block) = <&[u8; BLOCK]>::try_from(block) else {
        return (0, 0);
    };
    // SAFETY: SSE2 is part of every x86_64 processor, and the load reads
    // the block's 16 bytes, which are there (no alignment needed).
    unsafe {
        let bytes = _mm_loadu_si128(block.as_ptr().cast());
        let delimiters = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(delimiter as i8));
        let newlines = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
        (
            _mm_movemask_epi8(_mm_or_si128(delimiters, newlines)) as u32,
            _mm_movemask_epi8(newlines) as u32,
        )
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn marks_of(block: &[u8], delimiter: u8) -> (u32, u32) {
    portable_marks_of(block, delimiter)
}

/// [`marks_of`] eight bytes at a time in plain integers, for processors
/// without SSE2 (tests compare the two).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable_marks_of(block: &[u8], delimiter: u8) -> (u32, u32) {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of each zero byte of `x`, exactly (no borrow runs from
    // one byte into the next), gathered into the low byte.
    let zeros = |x: u64| {
        let high = !(((x & LOW).wrapping_add(LOW)) | x | LOW);
        ((high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    };
    if block.len() != BLOCK {
        return (0, 0);
    }
    let (mut found, mut newlines) = (0, 0);
    for (i, word) in block.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        let ends = zeros(word ^ (ONES * u64::from(b'\n')));
        found |= (zeros(word ^ (ONES * u64::from(delimiter))) | ends) << (8 * i);
        newlines |= ends << (8 * i);
    }
    (found, newlines)
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
        fn the_portable_marks_are_the_processors(
            block in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b','), Just(b';'), Just(0), Just(0x80), Just(0xFF), any::<u8>()],
                BLOCK,
            ),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(0)],
        ) {
            prop_assert_eq!(portable_marks_of(&block, delimiter), marks_of(&block, delimiter));
        }

        #[test]
        fn splits_any_quote_free_text_like_the_csv_crate(
            data in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b','), Just(b';'), Just(b'\t'), Just(b'\r'), Just(b' '), Just(b'a'), Just(0), Just(0x80), Just(0xEF), Just(0xBB), Just(0xBF)],
                0..200,
            ),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(0)],
        ) {
            prop_assert_eq!(by_hand(&data, delimiter), by_the_crate(&data, delimiter));
        }
    }
}

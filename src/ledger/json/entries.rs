//! The `entries` array of a JSON ledger, parsed in stretches on several
//! threads with the result of one reader going through it in order.
//!
//! Each entry is parsed once, from the file's text: by hand when it is of
//! the plain kind programs write ([`Fields::plain`]), by serde_json
//! otherwise; its members' names and values are borrowed from the text
//! (decoded only when they have an escape), and the row is built from them
//! as the CSV reader builds one from its fields.
//!
//! The file is read in stretches, as a CSV file is (csv_read.rs), each
//! into a reading thread's own buffer: nothing holds the whole text. Where
//! a stretch starts is guessed: an `{` right after a `,` (and blanks),
//! which is how one entry follows another. A guess is confirmed by the
//! stretch before it, which parses whole entries from its own start and
//! must land on the guess after a `,`: a `{` inside a string or inside an
//! entry's nested value is never landed on (an entry cut there is an
//! object left open, which no JSON reader takes). The first stretch starts
//! at the array's start, so it confirms the second, and so on. A stretch
//! that runs out of text before landing reads the rest of the file itself
//! and the stretches after it are dropped; a stretch that meets text that
//! is not JSON stops, and the caller reads the file as one document for
//! serde_json's own diagnostic.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::super::build::Rows;
use super::super::in_order::{Next, in_file_order, lock};
use super::super::parse::{COLS, Col, Parser, Row};
use super::super::problem::{FieldAt, Problems, RowAt};
use super::{ENTRY_FIELDS, Key, not_an_object, offset_in};

/// Bytes of a stretch, about (it starts at an entry).
pub(super) const STRETCH: usize = 1 << 20;

/// Where the entries are.
pub(super) enum Starts<'a> {
    /// In the file at `path`, whose first bytes (`head`, `bom` of them
    /// byte-order marks) are read already: the array whose `[` is just
    /// before `start` (in the text after the marks), in stretches of about
    /// `size` bytes, or starting at `known` (confirmed by an earlier
    /// reading). `debtors_written`: whether the document has a `debtors`
    /// member before its entries.
    File {
        path: &'a Path,
        bom: usize,
        head: &'a [u8],
        start: usize,
        size: usize,
        known: Option<Vec<usize>>,
        debtors_written: bool,
    },
    /// The entries a reader of the whole `text` found, in stretches of
    /// about `size` bytes.
    Found {
        text: &'a str,
        entries: &'a [&'a RawValue],
        size: usize,
    },
}

/// What the stretches found, once all were handed over.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// The names (lower case) of the entries' members that are not
    /// columns of the ledger.
    pub extra: BTreeSet<String>,
    /// Where each stretch started: to read the same stretches again.
    pub starts: Vec<usize>,
}

/// The file is not JSON somewhere (or not as this reader expects it), or
/// could not be read: the document is to be read whole.
#[derive(Debug)]
pub(super) struct NotJson;

/// A stretch's rows and what else it found, lines counted from its start.
pub(super) struct Stretch {
    seq: usize,
    start: usize,
    pub rows: Rows,
    /// Entries that are not objects.
    pub shapes: Problems,
    extra: BTreeSet<String>,
    end: End,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    /// On the next stretch's start, after this many line ends.
    Next(u64),
    /// On the array's `]`, the rest of the document as expected.
    Array,
    /// Where the entries given end (after this many line ends up to the
    /// next stretch's start).
    Found(u64),
    NotJson,
}

/// What the reading threads share.
struct Shared<'t, 'a> {
    parser: &'t Parser,
    /// The extra members read into each row's attributes, in this order.
    names: &'t [String],
    source: Source<'a>,
    /// Set when no more stretches are wanted.
    stop: AtomicBool,
    spare: Mutex<Vec<Rows>>,
}

/// Where the stretches come from.
enum Source<'a> {
    File {
        path: &'a Path,
        bom: usize,
        debtors_written: bool,
        cutter: Mutex<Cutter>,
    },
    Found {
        text: &'a str,
        /// Each stretch's entries, and where the next stretch starts.
        jobs: Vec<(&'a [&'a RawValue], Option<usize>)>,
        next: AtomicUsize,
    },
}

/// Reads the entries, handing each stretch to `take` in file order (its
/// rows as the builder wants them, its problems' lines counted from the
/// first stretch's first line). Rows carry the attributes `names`.
pub(super) fn read(
    starts: Starts<'_>,
    parser: &Parser,
    names: &[String],
    mut take: impl FnMut(&mut Stretch),
) -> Result<Outcome, NotJson> {
    let source = match starts {
        Starts::File {
            path,
            bom,
            head,
            start,
            size,
            known,
            debtors_written,
        } => Source::File {
            path,
            bom,
            debtors_written,
            cutter: Mutex::new(Cutter::new(path, bom, head, start, size, known)?),
        },
        Starts::Found {
            text,
            entries,
            size,
        } => {
            let jobs = found_jobs(text, entries, size);
            if jobs.is_empty() {
                return Ok(Outcome::default());
            }
            Source::Found {
                text,
                jobs,
                next: AtomicUsize::new(0),
            }
        }
    };
    let found = match &source {
        Source::Found { jobs, .. } => jobs.len(),
        Source::File { .. } => usize::MAX,
    };
    let readers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().min(4))
        .min(found);
    let shared = Shared {
        parser,
        names,
        source,
        stop: AtomicBool::new(false),
        spare: Mutex::new(Vec::new()),
    };
    let mut outcome = Outcome::default();
    let mut result = Err(NotJson);
    let mut line_base = 0u64;
    let mut taken = 0;
    in_file_order(
        readers,
        |send| work(&shared, send),
        |stretch: &Stretch| stretch.seq,
        // Taken in file order, up to the one that ends the array (those
        // after it were guesses).
        |mut stretch| {
            outcome.starts.push(stretch.start);
            let lines = match stretch.end {
                End::Next(lines) | End::Found(lines) => lines,
                End::Array | End::NotJson => 0,
            };
            for problem in &mut stretch.shapes.list {
                problem.row.line =
                    u32::try_from(u64::from(problem.row.line) + line_base).unwrap_or(u32::MAX);
            }
            line_base += lines;
            stretch.rows.lines = lines;
            outcome.extra.append(&mut stretch.extra);
            take(&mut stretch);
            stretch.rows.clear();
            lock(&shared.spare).push(std::mem::take(&mut stretch.rows));
            taken += 1;
            match stretch.end {
                End::Next(_) => return Next::More,
                End::Found(_) if taken < found => return Next::More,
                End::Found(_) | End::Array => result = Ok(()),
                End::NotJson => result = Err(NotJson),
            }
            shared.stop.store(true, Ordering::Relaxed);
            Next::Stop
        },
        |never: std::convert::Infallible| match never {},
    );
    result.map(|()| outcome)
}

/// The entries found by a reader of the whole text, in stretches of about
/// `size` bytes, each with where the next one starts.
fn found_jobs<'a>(
    text: &str,
    entries: &'a [&'a RawValue],
    size: usize,
) -> Vec<(&'a [&'a RawValue], Option<usize>)> {
    let mut jobs = Vec::new();
    let mut rest: &'a [&'a RawValue] = entries;
    while let Some(first) = rest.first() {
        let from = offset_in(text, first.get());
        let count = rest
            .iter()
            .position(|e| offset_in(text, e.get()) >= from.saturating_add(size))
            .unwrap_or(rest.len())
            .max(1);
        let (these, after) = rest.split_at(count);
        jobs.push((these, after.first().map(|e| offset_in(text, e.get()))));
        rest = after;
    }
    jobs
}

/// JSON's blanks.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first byte at or after `i` that is not a blank.
pub(super) fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).copied().is_some_and(is_blank) {
        i += 1;
    }
    i
}

/// A file's stretches, handed out one at a time.
struct Cutter {
    file: std::fs::File,
    /// What was read past the last stretch handed out.
    carry: Vec<u8>,
    /// Where `carry` starts, in the text.
    offset: usize,
    /// Bytes a stretch should have, about.
    size: usize,
    /// Where the stretches start, when known; the next one's index.
    known: Option<(Vec<usize>, usize)>,
    seq: usize,
    eof: bool,
    done: bool,
}

/// A stretch to read: the `seq`-th, `base` bytes into the text; `first`:
/// right after the `[`; `last`: up to the end of the file.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Job {
    seq: usize,
    base: usize,
    first: bool,
    last: bool,
}

impl Cutter {
    fn new(
        path: &Path,
        bom: usize,
        head: &[u8],
        start: usize,
        size: usize,
        known: Option<Vec<usize>>,
    ) -> Result<Cutter, NotJson> {
        let mut file = std::fs::File::open(path).map_err(|_| NotJson)?;
        file.seek(SeekFrom::Start(head.len() as u64))
            .map_err(|_| NotJson)?;
        Ok(Cutter {
            file,
            carry: head.get(bom + start..).ok_or(NotJson)?.to_vec(),
            offset: start,
            size: size.max(1),
            known: known.map(|starts| (starts, 1)),
            seq: 0,
            eof: false,
            done: false,
        })
    }

    /// Reads on into `buf` until it has `want` bytes or the file ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> std::io::Result<()> {
        while buf.len() < want && !self.eof {
            // Room for all of it and the probe `read_to_end` makes after,
            // which would otherwise grow (and copy) a full buffer.
            buf.reserve((want - buf.len()).min(1 << 26) + 64);
            let asked = (want - buf.len()) as u64;
            let got = (&mut self.file).take(asked).read_to_end(buf)?;
            self.eof = (got as u64) < asked;
        }
        Ok(())
    }

    /// The next stretch, into `buf`; `Ok(None)` once all is handed out,
    /// `Err(seq)` when the file could not be read.
    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Job>, usize> {
        if self.done {
            return Ok(None);
        }
        buf.clear();
        buf.append(&mut self.carry);
        let end = self.cut(buf).map_err(|_| {
            self.done = true;
            self.seq
        })?;
        let last = end.is_none();
        let end = end.unwrap_or(buf.len());
        self.carry.extend_from_slice(&buf[end..]);
        buf.truncate(end);
        let job = Job {
            seq: self.seq,
            base: self.offset,
            first: self.seq == 0,
            last,
        };
        self.seq += 1;
        self.offset += end;
        self.done = last;
        Ok(Some(job))
    }

    /// Where the stretch in `buf` ends (reading on as needed); `None`:
    /// at the end of the file.
    fn cut(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
        if let Some((starts, next)) = &mut self.known {
            let Some(&at) = starts.get(*next) else {
                self.fill(buf, usize::MAX)?;
                return Ok(None);
            };
            *next += 1;
            let end = at.saturating_sub(self.offset);
            self.fill(buf, end)?;
            return Ok(Some(end.min(buf.len())));
        }
        // A little more than a stretch, for the next entry's start to be
        // in what is read (a cut at its very end would leave a stretch's
        // worth of bytes to carry over to the next).
        let mut want = self.size.saturating_add(self.size / 16);
        loop {
            self.fill(buf, want)?;
            if self.eof {
                return Ok(None);
            }
            if let Some(at) = guess(buf, self.size) {
                return Ok(Some(at));
            }
            // No entry starts after `size` yet: one longer than a stretch.
            want = buf.len().saturating_mul(2);
        }
    }
}

/// The first `{` right after a `,` (and blanks) at or past `from`.
fn guess(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr_iter(b'{', bytes.get(from..)?)
        .map(|i| from + i)
        .find(|&i| bytes[..i].iter().rev().copied().find(|&b| !is_blank(b)) == Some(b','))
}

/// A reading thread: reads stretches until there are none or no more are
/// wanted.
fn work(
    shared: &Shared<'_, '_>,
    send: &std::sync::mpsc::SyncSender<Result<Stretch, std::convert::Infallible>>,
) {
    let mut buf = Vec::new();
    while !shared.stop.load(Ordering::Relaxed) {
        let rows = lock(&shared.spare).pop().unwrap_or_default();
        let stretch = match &shared.source {
            Source::Found { text, jobs, next } => {
                let seq = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(entries, next)) = jobs.get(seq) else {
                    return;
                };
                read_found(shared, text, seq, entries, next, rows)
            }
            Source::File { cutter, .. } => match lock(cutter).next(&mut buf) {
                Ok(None) => return,
                Ok(Some(job)) => read_file(shared, job, &buf, rows),
                Err(seq) => Stretch::new(seq, 0, rows),
            },
        };
        if send.send(Ok(stretch)).is_err() {
            return;
        }
    }
}

impl Stretch {
    fn new(seq: usize, start: usize, mut rows: Rows) -> Stretch {
        rows.seq = seq;
        Stretch {
            seq,
            start,
            rows,
            shapes: Problems::default(),
            extra: BTreeSet::new(),
            end: End::NotJson,
        }
    }
}

/// Line numbers of offsets met in increasing order, from a stretch's start.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Line ends between the stretch's start and `at`.
    ends: u64,
}

impl Lines<'_> {
    /// Line ends from the start to `offset`.
    fn ends_to(&mut self, offset: usize) -> u64 {
        if offset > self.at {
            let between = self.bytes.get(self.at..offset).unwrap_or_default();
            self.ends += count_newlines(between);
            self.at = offset;
        }
        self.ends
    }

    /// The line of `offset`, from 1 at the stretch's start.
    fn line(&mut self, offset: usize) -> u32 {
        u32::try_from(self.ends_to(offset) + 1).unwrap_or(u32::MAX)
    }
}

/// The line ends in `bytes`, eight bytes at a time (entries are short:
/// memchr's set-up costs more).
fn count_newlines(bytes: &[u8]) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut count = 0;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ 0x0a0a_0a0a_0a0a_0a0a;
        // The high bit of each byte that was `\n` (now 0), exactly.
        let zero = !(((x & LOW) + LOW) | x | LOW);
        count += u64::from(zero.count_ones());
    }
    count + words.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// A stretch of entries found by a reader of the whole text.
fn read_found<'a>(
    shared: &Shared<'_, 'a>,
    text: &'a str,
    seq: usize,
    entries: &'a [&'a RawValue],
    next: Option<usize>,
    rows: Rows,
) -> Stretch {
    let start = entries.first().map_or(0, |e| offset_in(text, e.get()));
    let mut stretch = Stretch::new(seq, start, rows);
    let mut lines = Lines {
        bytes: text.as_bytes(),
        at: start,
        ends: 0,
    };
    let mut fields = Fields::default();
    for entry in entries {
        let at = offset_in(text, entry.get());
        let row = RowAt {
            line: lines.line(at),
            offset: at as u64,
        };
        let parsed = entry.get().starts_with('{')
            && (fields.plain(text, at).is_some() || fields.parse(text, entry.get()).is_ok());
        if parsed {
            take_entry(shared, &fields, row, 0, &mut stretch);
        } else {
            not_an_object(&mut stretch.shapes, row);
        }
    }
    stretch.end = End::Found(next.map_or(0, |next| lines.ends_to(next)));
    stretch
}

/// A stretch of the file, in `buf`.
fn read_file(shared: &Shared<'_, '_>, job: Job, buf: &[u8], rows: Rows) -> Stretch {
    let mut stretch = Stretch::new(job.seq, job.base, rows);
    let Some(text) = as_text(buf) else {
        return stretch;
    };
    let mut lines = Lines {
        bytes: text.as_bytes(),
        at: 0,
        ends: 0,
    };
    let state = if job.first {
        State::First
    } else {
        State::Entry
    };
    let limit = (!job.last).then_some(text.len());
    let Some((at, state)) = read_text(
        shared,
        text,
        job.base,
        state,
        limit,
        &mut lines,
        &mut stretch,
    ) else {
        return stretch;
    };
    // The next stretch's start was a wrong guess: this stretch reads the
    // rest of the file, the later ones are not wanted.
    shared.stop.store(true, Ordering::Relaxed);
    lines.ends_to(at);
    let base = job.base + at;
    let Some(rest) = rest_of_file(shared, base) else {
        return stretch;
    };
    let Some(text) = as_text(&rest) else {
        return stretch;
    };
    let mut lines = Lines {
        bytes: text.as_bytes(),
        at: 0,
        ends: lines.ends,
    };
    read_text(shared, text, base, state, None, &mut lines, &mut stretch);
    stretch
}

/// The bytes as text; `None` when they are not UTF-8 (a file that is not
/// text, which the reader of the whole file says). A NUL needs no check of
/// its own: JSON has no place for one, so the entries' reading stops there
/// and the whole file is read again, which says it.
fn as_text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// The file from `base` (in the text) on.
fn rest_of_file(shared: &Shared<'_, '_>, base: usize) -> Option<Vec<u8>> {
    let Source::File { path, bom, .. } = &shared.source else {
        return None;
    };
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start((bom + base) as u64)).ok()?;
    let mut rest = Vec::new();
    file.read_to_end(&mut rest).ok()?;
    Some(rest)
}

/// Where a reading of the array is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Right after the `[`.
    First,
    /// At an entry's first byte.
    Entry,
    /// Right after an entry.
    After,
}

/// Reads the array's entries in `text` (`base` bytes into the file's text)
/// from its start, in `state`, up to `limit` (the next stretch's start in
/// `text`: `None` when `text` goes to the end of the file). `None` once the
/// stretch's end is set; where the text ran out before the limit was
/// landed on, and in which state, otherwise.
fn read_text(
    shared: &Shared<'_, '_>,
    text: &str,
    base: usize,
    state: State,
    limit: Option<usize>,
    lines: &mut Lines<'_>,
    stretch: &mut Stretch,
) -> Option<(usize, State)> {
    let bytes = text.as_bytes();
    let mut fields = Fields::default();
    let mut at = 0;
    let mut state = state;
    if state == State::First {
        at = skip_blanks(bytes, at);
        state = if bytes.get(at) == Some(&b']') {
            State::After
        } else {
            State::Entry
        };
    }
    loop {
        if state == State::Entry {
            match entry(shared, text, base, at, &mut fields, lines, stretch) {
                Some(end) => at = end,
                None if limit.is_some() => return Some((at, State::Entry)),
                None => return None, // not JSON
            }
        }
        let after = skip_blanks(bytes, at);
        match bytes.get(after) {
            Some(b',') => {
                at = skip_blanks(bytes, after + 1);
                state = State::Entry;
                if Some(at) == limit {
                    stretch.end = End::Next(lines.ends_to(at));
                    return None;
                }
            }
            Some(b']') => {
                stretch.end = if end_of_document(shared, text, base, after) {
                    End::Array
                } else {
                    End::NotJson
                };
                return None;
            }
            None if limit.is_some() => return Some((at, State::After)),
            _ => return None, // not JSON
        }
    }
}

/// Whether what follows the array's `]` (at `close` in `text`) is the
/// rest of a document read by hand (document.rs). A stretch that is not
/// the last one reads the rest of the file for it.
fn end_of_document(shared: &Shared<'_, '_>, text: &str, base: usize, close: usize) -> bool {
    let Source::File {
        debtors_written, ..
    } = &shared.source
    else {
        return false;
    };
    if super::document::tail(text, close, *debtors_written).is_some() {
        return true;
    }
    // The text may stop short of the file's end: read it to the end.
    shared.stop.store(true, Ordering::Relaxed);
    let Some(rest) = rest_of_file(shared, base + close) else {
        return false;
    };
    as_text(&rest).is_some_and(|rest| super::document::tail(rest, 0, *debtors_written).is_some())
}

/// Reads the array item at `at` (not a blank) in `text` into `stretch`;
/// where it ends, or `None` when it is not JSON (or not all in `text`).
fn entry<'a>(
    shared: &Shared<'_, '_>,
    text: &'a str,
    base: usize,
    at: usize,
    fields: &mut Fields<'a>,
    lines: &mut Lines<'_>,
    stretch: &mut Stretch,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let row = RowAt {
        line: lines.line(at),
        offset: (base + at) as u64,
    };
    if bytes.get(at) == Some(&b'{') {
        let end = match fields.plain(text, at) {
            Some(end) => end,
            None => {
                fields.parse(text, text.get(at..)?).ok()?;
                // serde_json read the object up to its `}`, after its
                // last value.
                let close = skip_blanks(bytes, fields.last_end.unwrap_or(at + 1));
                if bytes.get(close) != Some(&b'}') {
                    return None;
                }
                close + 1
            }
        };
        take_entry(shared, fields, row, base, stretch);
        Some(end)
    } else {
        let mut de = serde_json::Deserializer::from_str(text.get(at..)?);
        let value = <&RawValue>::deserialize(&mut de).ok()?;
        not_an_object(&mut stretch.shapes, row);
        Some(offset_in(text, value.get()) + value.get().len())
    }
}

/// Parses an entry's row into the stretch's rows; `base`: where the text
/// the fields were read from starts in the file's text.
fn take_entry(
    shared: &Shared<'_, '_>,
    fields: &Fields<'_>,
    at: RowAt,
    base: usize,
    stretch: &mut Stretch,
) {
    for (name, _) in &fields.extra {
        if !stretch.extra.contains(name.as_ref()) {
            stretch.extra.insert(name.to_string());
        }
    }
    let row = JsonRow {
        fields,
        at,
        base,
        names: shared.names,
    };
    // Loads the debtor's slot while the rest of the entry is parsed.
    shared.parser.prefetch_debtor(&row);
    stretch.rows.parse(shared.parser, &row, true);
}

/// A member of an entry: its name as written, its value decoded (`None`
/// for null) and where the value is in the file.
#[derive(Debug, Default)]
struct Member<'a> {
    written: Cow<'a, str>,
    value: Option<Cow<'a, str>>,
    range: (usize, usize),
}

/// An entry's members: the ledger's columns in their slots, the others by
/// name (in lower case). Of members with the same name in lower case, the
/// one kept is the one a map of the names as written, sorted, would give
/// first: the least name as written, and of a name written twice the
/// last.
#[derive(Debug, Default)]
pub(super) struct Fields<'a> {
    /// The columns' members; those not in `set` are left from an earlier
    /// entry (overwritten, not cleared: clearing cost more than reading).
    known: [Member<'a>; COLS],
    /// The columns in `known` that are set.
    set: u16,
    extra: Vec<(Cow<'a, str>, Member<'a>)>,
    /// Where the last value read ends.
    last_end: Option<usize>,
}

impl<'a> Fields<'a> {
    fn clear(&mut self) {
        self.set = 0;
        self.extra.clear();
        self.last_end = None;
    }

    /// Reads the object at the start of `input` (a part of `text`), up to
    /// its `}`.
    pub(super) fn parse(&mut self, text: &'a str, input: &'a str) -> Result<(), serde_json::Error> {
        self.clear();
        let mut de = serde_json::Deserializer::from_str(input);
        Seed { fields: self, text }.deserialize(&mut de)
    }

    /// Reads the object whose `{` is at `at` when it is of the plain kind
    /// entries are: names without escapes, values that are strings without
    /// escapes, numbers, `true`, `false` or `null`, and nothing else but
    /// JSON's blanks. Where it ends, or `None` when it is anything else
    /// (serde_json reads it then; text that is not JSON is always
    /// anything else). What it reads is what serde_json would.
    pub(super) fn plain(&mut self, text: &'a str, at: usize) -> Option<usize> {
        self.clear();
        let bytes = text.as_bytes();
        let mut i = skip_blanks(bytes, at + 1);
        if bytes.get(i) == Some(&b'}') {
            return Some(i + 1);
        }
        loop {
            if bytes.get(i) != Some(&b'"') {
                return None;
            }
            let name_end = plain_string_end(bytes, i + 1)?;
            let name = text.get(i + 1..name_end)?;
            i = skip_blanks(bytes, name_end + 1);
            if bytes.get(i) != Some(&b':') {
                return None;
            }
            let start = skip_blanks(bytes, i + 1);
            let (end, value) = match bytes.get(start)? {
                b'"' => {
                    let close = plain_string_end(bytes, start + 1)?;
                    (close + 1, Some(text.get(start + 1..close)?))
                }
                b'n' => (literal_end(bytes, start, b"null")?, None),
                b't' => (
                    literal_end(bytes, start, b"true")?,
                    text.get(start..start + 4),
                ),
                b'f' => (
                    literal_end(bytes, start, b"false")?,
                    text.get(start..start + 5),
                ),
                b'-' | b'0'..=b'9' => {
                    let end = number_end(bytes, start)?;
                    (end, text.get(start..end))
                }
                _ => return None,
            };
            self.put_plain(name, value, (start, end));
            i = skip_blanks(bytes, end);
            match bytes.get(i)? {
                b',' => i = skip_blanks(bytes, i + 1),
                b'}' => return Some(i + 1),
                _ => return None,
            }
        }
    }

    fn insert(&mut self, text: &'a str, written: Cow<'a, str>, raw: &'a RawValue) {
        let value = raw.get();
        let start = offset_in(text, value);
        let range = (start, start + value.len());
        self.last_end = Some(range.1);
        let decoded = match value.as_bytes().first() {
            Some(b'"') if !value.as_bytes().contains(&b'\\') => Some(Cow::Borrowed(
                value.get(1..value.len() - 1).unwrap_or_default(),
            )),
            Some(b'"') => serde_json::from_str::<Cow<'a, str>>(value).ok(),
            Some(b'n') => None, // null
            _ => Some(Cow::Borrowed(value)),
        };
        self.put(Member {
            written,
            value: decoded,
            range,
        });
    }

    /// [`Fields::put`] for a member read by hand, built in its slot.
    fn put_plain(&mut self, name: &'a str, value: Option<&'a str>, range: (usize, usize)) {
        let Some(col) = known_column(name) else {
            return self.put(Member {
                written: Cow::Borrowed(name),
                value: value.map(Cow::Borrowed),
                range,
            });
        };
        let kept = &mut self.known[col];
        if self.set & (1 << col) == 0 || *name <= *kept.written {
            *kept = Member {
                written: Cow::Borrowed(name),
                value: value.map(Cow::Borrowed),
                range,
            };
            self.set |= 1 << col;
        }
    }

    /// Keeps a member (see [`Fields`] for which of a name).
    fn put(&mut self, member: Member<'a>) {
        let col = match known_column(&member.written) {
            Some(col) => col,
            None => {
                let name = lower(&member.written);
                match self.extra.iter().position(|(n, _)| *n == name) {
                    Some(i) => {
                        let old = &mut self.extra[i].1;
                        if member.written <= old.written {
                            *old = member;
                        }
                    }
                    None => self.extra.push((name, member)),
                }
                return;
            }
        };
        if self.set & (1 << col) == 0 || member.written <= self.known[col].written {
            self.known[col] = member;
            self.set |= 1 << col;
        }
    }

    fn known(&self, col: Col) -> Option<&Member<'a>> {
        let col = col as usize;
        (self.set & (1 << col) != 0).then(|| &self.known[col])
    }

    /// The value of an extra member, unless null or blank.
    fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, m)| m.value.as_deref())
            .filter(|v| !is_blank_text(v))
    }
}

/// Whether a value is empty or white space only: a value starting with a
/// character that is not white space, as most do, is not.
fn is_blank_text(value: &str) -> bool {
    match value.as_bytes().first() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
        _ => value.trim().is_empty(),
    }
}

/// A name in lower case, as the ledger's columns are named.
fn lower<'a>(written: &Cow<'a, str>) -> Cow<'a, str> {
    if written.chars().any(char::is_uppercase) {
        Cow::Owned(written.to_lowercase())
    } else {
        written.clone()
    }
}

/// The column a member's name (as written) names. Only ASCII letters
/// lower to the columns' names (no column has a `k`, which the Kelvin
/// sign lowers to), so comparing them so is exact.
fn known_column(written: &str) -> Option<usize> {
    let exact = match written.as_bytes() {
        b"date" => Some(Col::Date),
        b"type" => Some(Col::Type),
        b"invoice" => Some(Col::Invoice),
        b"debtor" => Some(Col::Debtor),
        b"amount" => Some(Col::Amount),
        b"due" => Some(Col::Due),
        b"currency" => Some(Col::Currency),
        b"until" => Some(Col::Until),
        b"reason" => Some(Col::Reason),
        b"procedure" => Some(Col::Procedure),
        b"published" => Some(Col::Published),
        _ => None,
    };
    if let Some(col) = exact {
        return Some(col as usize);
    }
    if !written.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    ENTRY_FIELDS
        .iter()
        .position(|f| f.eq_ignore_ascii_case(written))
}

/// Where the string whose text starts at `from` ends (its closing `"`),
/// when it has no escape and no control character (`None` otherwise, or
/// unclosed).
fn plain_string_end(bytes: &[u8], from: usize) -> Option<usize> {
    // Eight bytes at a time: a byte is flagged when it is `"`, `\` or
    // below 0x20 (the lowest flag is exact: a borrow only runs upwards).
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGH;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let flags = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if flags != 0 {
            i += (flags.trailing_zeros() / 8) as usize;
            return (bytes[i] == b'"').then_some(i);
        }
        i += 8;
    }
    let rest = bytes.get(i..)?;
    let len = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (rest[len] == b'"').then_some(i + len)
}

/// Where `word` written at `at` ends.
fn literal_end(bytes: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    bytes
        .get(at..)?
        .starts_with(word)
        .then_some(at + word.len())
}

/// Where the JSON number at `at` ends: `-`, then `0` or digits not
/// starting with `0`, then `.` and digits, then `e` or `E`, a sign and
/// digits (each part after the first optional); `None` when it breaks off.
fn number_end(bytes: &[u8], at: usize) -> Option<usize> {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let digits = |mut i: usize| {
        while digit(i) {
            i += 1;
        }
        i
    };
    let mut i = at + usize::from(bytes.get(at) == Some(&b'-'));
    i = match bytes.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i + 1),
        _ => return None,
    };
    if bytes.get(i) == Some(&b'.') {
        if !digit(i + 1) {
            return None;
        }
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return None;
        }
        i = digits(i);
    }
    Some(i)
}

/// Reads an object's members into [`Fields`].
struct Seed<'f, 'a> {
    fields: &'f mut Fields<'a>,
    text: &'a str,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(Key(written)) = map.next_key::<Key<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?;
            self.fields.insert(self.text, written, value);
        }
        Ok(())
    }
}

/// An entry as a ledger row.
struct JsonRow<'f, 'a> {
    fields: &'f Fields<'a>,
    at: RowAt,
    /// Where the text the fields were read from starts in the file's.
    base: usize,
    names: &'f [String],
}

impl Row for JsonRow<'_, '_> {
    fn value(&self, col: Col) -> Option<&[u8]> {
        self.fields
            .known(col)
            .and_then(|m| m.value.as_deref())
            .filter(|v| !is_blank_text(v))
            .map(str::as_bytes)
    }

    fn at(&self, col: Col) -> FieldAt {
        self.fields.known(col).map_or(
            FieldAt::Bytes(self.at.offset as usize, self.at.offset as usize + 1),
            |m| FieldAt::Bytes(self.base + m.range.0, self.base + m.range.1),
        )
    }

    fn row(&self) -> RowAt {
        self.at
    }

    fn attributes(&self, _: &mut Problems) -> Option<Box<[Box<str>]>> {
        Some(
            self.names
                .iter()
                .map(|name| Box::from(self.fields.extra(name).unwrap_or("")))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stretches_start_at_an_object_after_a_comma() {
        let text = br#"[{"a": "},{"}, {"b": 1},
 {"c": [{"d": 1}, {"e": 2}]}]"#;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.json");
        std::fs::write(&path, text).unwrap();
        let stretches = |known: Option<Vec<usize>>| {
            let mut cutter = Cutter::new(&path, 0, &text[..1], 1, 1, known).unwrap();
            let mut buf = Vec::new();
            let mut jobs = Vec::new();
            let mut joined = Vec::new();
            while let Some(job) = cutter.next(&mut buf).unwrap() {
                jobs.push(job);
                joined.extend_from_slice(&buf);
            }
            assert_eq!(joined, &text[1..]);
            jobs
        };
        let jobs = stretches(None);
        let at: Vec<&str> = jobs
            .iter()
            .map(|job| std::str::from_utf8(&text[job.base..job.base + 3]).unwrap())
            .collect();
        // The `{` in the string and the one in the nested array are guesses
        // too: the stretches before them will not land there.
        assert_eq!(at, [r#"{"a"#, r#"{"}"#, r#"{"b"#, r#"{"c"#, r#"{"e"#]);
        assert!(jobs.iter().all(|job| job.first == (job.seq == 0)));
        assert!(jobs.iter().all(|job| job.last == (job.seq == 4)));
        let known = jobs.iter().map(|job| job.base).collect();
        assert_eq!(stretches(Some(known)), jobs);
    }

    /// Names and values an entry's members are drawn from.
    const NAMES: &[&str] = &[
        "date",
        "Date",
        "DATE",
        "dAte",
        "\\u0064ate",
        "type",
        "amount",
        "Amount",
        "project",
        "Project",
        "PROJECT",
        "proj\\u0065ct",
        "x",
        "\u{212a}ey",
        "\u{c9}t\u{e9}",
    ];
    const VALUES: &[&str] = &[
        "\"2025-01-01\"",
        "\"  \"",
        "\"\"",
        "null",
        "12.50",
        "-0",
        "1e3",
        "true",
        "{\"a\": [1, \"}\"]}",
        "[]",
        "\"caf\\u00e9\"",
        "\"a\\\"b\"",
        "\"\\ud800\"",
    ];

    proptest! {
        /// An entry's members are read as the reader of debtors (a map of
        /// the members as written, sorted) reads them: the same value and
        /// place for every column and extra name.
        #[test]
        fn members_read_as_a_sorted_map_would(
            members in proptest::collection::vec((0..NAMES.len(), 0..VALUES.len(), 0..BLANKS.len()), 0..8),
            by_hand in any::<bool>(),
        ) {
            let body: Vec<String> = members
                .iter()
                .map(|&(n, v, b)| format!("{0}\"{1}\"{0}:{0}{2}{0}", BLANKS[b], NAMES[n], VALUES[v]))
                .collect();
            let text = format!("[{{{}}} ]", body.join(","));
            let raw: &RawValue = serde_json::from_str::<Vec<&RawValue>>(&text).unwrap()[0];
            let mut problems = Problems::default();
            let object = super::super::Object::parse(&text, &[], raw, &mut problems).unwrap();
            let mut fields = Fields::default();
            // Anything escaped or nested is left to serde_json.
            let plain = !members.iter().any(|&(n, v, _)| {
                NAMES[n].contains('\\') || VALUES[v].contains('\\') || VALUES[v].contains(['{', '['])
            });
            let end = if by_hand {
                fields.plain(&text, 1)
            } else {
                fields.parse(&text, &text[1..]).unwrap();
                None
            };
            prop_assert_eq!(end.is_some(), by_hand && plain);
            if by_hand && !plain {
                fields.parse(&text, &text[1..]).unwrap();
            }
            if let Some(end) = end {
                prop_assert_eq!(end, text.len() - 2);
            }
            let at = RowAt { line: 1, offset: 1 };
            let row = JsonRow { fields: &fields, at, base: 0, names: &[] };
            for (col, name) in ENTRY_FIELDS.iter().enumerate() {
                let col = ALL[col];
                prop_assert_eq!(
                    row.value(col),
                    object.get(name).map(|(v, _)| v.as_bytes()),
                    "{}", name
                );
                prop_assert_eq!(row.at(col), object.at(name), "{}", name);
            }
            for name in ["project", "x", "\u{212a}ey", "key", "\u{e9}t\u{e9}"] {
                prop_assert_eq!(fields.extra(name), object.get(name).map(|(v, _)| v), "{}", name);
            }
        }

        /// A value of an entry read by hand is a JSON value exactly when
        /// serde_json reads one, and reads the same text.
        #[test]
        fn values_read_by_hand_are_those_serde_json_reads(
            value in "[-+0-9.eEnultrfas\"\\\\ \u{1}x]{1,8}",
            after in prop_oneof![Just(""), Just(" "), Just(","), Just("}"), Just("x")],
        ) {
            let text = format!("{{\"a\":{value}{after}");
            let mut fields = Fields::default();
            let by_hand = fields.plain(&text, 0).map(|_| {
                let m = fields.extra[0].1.range;
                text[m.0..m.1].to_string()
            });
            let raw = serde_json::from_str::<std::collections::BTreeMap<String, &RawValue>>(&text)
                .ok()
                .map(|map| map["a"].get().to_string());
            // By hand reads a subset (no escapes), nothing serde_json
            // refuses, and each value as serde_json does.
            if let Some(by_hand) = &by_hand {
                prop_assert_eq!(Some(by_hand), raw.as_ref());
            }
            if raw.is_some() && !value.contains('\\') {
                prop_assert!(by_hand.is_some(), "{}", text);
            }
        }
    }

    proptest! {
        /// Strings end where a byte-by-byte reading ends them.
        #[test]
        fn strings_end_at_their_quote(
            bytes in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), Just(0x1f), Just(0x20), Just(b'a'), Just(0xc3), Just(0xa9), Just(0x7f), Just(0xff)], 0..40),
            from in 0..40usize,
        ) {
            let expected = bytes.get(from..).and_then(|rest| {
                let len = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
                (rest[len] == b'"').then_some(from + len)
            });
            prop_assert_eq!(plain_string_end(&bytes, from), expected);
        }
    }

    proptest! {
        #[test]
        fn newlines_are_counted(bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(0x8a), Just(b'a'), Just(0x0b)], 0..40)) {
            prop_assert_eq!(count_newlines(&bytes), bytes.iter().filter(|&&b| b == b'\n').count() as u64);
        }

        #[test]
        fn blank_values_are_those_trimmed_to_nothing(value in "[ \t\n\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{3000}a]{0,4}") {
            prop_assert_eq!(is_blank_text(&value), value.trim().is_empty());
        }
    }

    /// Blanks between an entry's tokens.
    const BLANKS: &[&str] = &["", " ", "\n", "\r\n\t "];

    const ALL: [Col; COLS] = [
        Col::Date,
        Col::Type,
        Col::Invoice,
        Col::Debtor,
        Col::Amount,
        Col::Due,
        Col::Currency,
        Col::Until,
        Col::Reason,
        Col::Procedure,
        Col::Published,
    ];
}

//! The `entries` array of a JSON ledger, parsed in stretches on several
//! threads with the result of one reader going through it in order.
//!
//! Each entry is parsed once, by serde_json, from the file's text: its
//! members' names and values are borrowed from the text (decoded only when
//! they have an escape), and the row is built from them as the CSV reader
//! builds one from its fields.
//!
//! Where a stretch starts is guessed: an `{` right after a `,` (and
//! blanks), which is how one entry follows another. A guess is confirmed by
//! the stretch before it, which parses whole entries from its own start
//! and must land on the guess after a `,`: a `{` inside a string or inside
//! an entry's nested value is never landed on. The first stretch starts at
//! the array's start, so it confirms the second, and so on. When a
//! stretch passes its successor's start without landing on it, it reads on
//! to the end of the array itself and the stretches after it are dropped;
//! a stretch that meets text that is not JSON stops, and the caller reads
//! the file as one document for serde_json's own diagnostic.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::super::build::Rows;
use super::super::index::join;
use super::super::parse::{COLS, Col, Parser, Row};
use super::super::problem::{FieldAt, Problems, RowAt};
use super::{ENTRY_FIELDS, Key, not_an_object, offset_in};

/// Bytes of a stretch, about (it starts at an entry).
pub(super) const STRETCH: usize = 1 << 20;

/// Where the reading threads start: guessed in the text, or the entries a
/// reader of the whole document found.
pub(super) enum Starts<'a> {
    /// Stretches of about `size` bytes of the array whose `[` is just
    /// before `start`; `known`: their starts, confirmed by an earlier read.
    Text {
        start: usize,
        size: usize,
        known: Option<Vec<usize>>,
    },
    /// The entries, in stretches of about `size` bytes.
    Found {
        entries: &'a [&'a RawValue],
        size: usize,
    },
}

/// What the stretches found, once all were handed over.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// Where the array's `]` is (`None` for entries found by a reader of
    /// the whole document).
    pub end: Option<usize>,
    /// The names (lower case) of the entries' members that are not
    /// columns of the ledger.
    pub extra: BTreeSet<String>,
    /// Where each stretch started: to read the same stretches again.
    pub starts: Vec<usize>,
}

/// The array is not JSON somewhere (or not as this reader expects it):
/// the document is to be read whole.
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
    /// On the array's `]`.
    Array(usize),
    /// Where the entries given end.
    Found(u64),
    NotJson,
}

/// What the reading threads share.
struct Shared<'t, 'a> {
    text: &'a str,
    parser: &'t Parser,
    /// The extra members read into each row's attributes, in this order.
    names: &'t [String],
    jobs: Vec<Job<'a>>,
    next: AtomicUsize,
    /// Set when no more stretches are wanted.
    stop: AtomicBool,
    spare: Mutex<Vec<Rows>>,
}

/// A stretch to read.
#[derive(Clone, Copy)]
enum Job<'a> {
    /// From `start` (right after the `[` when `first`, else an entry's
    /// first byte) up to `limit`, the next stretch's start.
    Text {
        start: usize,
        first: bool,
        limit: Option<usize>,
    },
    /// These entries; `next`: where the next stretch starts.
    Found {
        entries: &'a [&'a RawValue],
        next: Option<usize>,
    },
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads the entries, handing each stretch to `take` in file order with
/// its lines counted from the file's first line (`first_line`: the line
/// where the first stretch starts) — its rows as the builder wants them,
/// its problems' lines already shifted. Rows carry the attributes `names`.
pub(super) fn read(
    text: &str,
    starts: Starts<'_>,
    parser: &Parser,
    names: &[String],
    mut take: impl FnMut(&mut Stretch),
) -> Result<Outcome, NotJson> {
    let jobs = jobs(text.as_bytes(), &starts);
    if jobs.is_empty() {
        return Ok(Outcome::default());
    }
    let readers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().min(4))
        .min(jobs.len());
    let shared = Shared {
        text,
        parser,
        names,
        jobs,
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        spare: Mutex::new(Vec::new()),
    };
    let mut outcome = Outcome::default();
    let mut result = Err(NotJson);
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Stretch>(2 * readers);
        let handles: Vec<_> = (0..readers)
            .map(|_| {
                let send = send.clone();
                let shared = &shared;
                scope.spawn(move || work(shared, &send))
            })
            .collect();
        drop(send);
        // Stretches arrive in any order; they are taken in file order, up
        // to the one that ends the array (those after it were guesses).
        let mut waiting: BTreeMap<usize, Stretch> = BTreeMap::new();
        let mut next = 0;
        let mut line_base = 0u64;
        let mut done = false;
        for stretch in receive {
            if done {
                continue;
            }
            waiting.insert(stretch.seq, stretch);
            while let Some(mut stretch) = waiting.remove(&next) {
                outcome.starts.push(stretch.start);
                let lines = match stretch.end {
                    End::Next(lines) | End::Found(lines) => lines,
                    End::Array(_) | End::NotJson => 0,
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
                next += 1;
                match stretch.end {
                    End::Next(_) => continue,
                    End::Found(_) if next < shared.jobs.len() => continue,
                    End::Found(_) => result = Ok(()),
                    End::Array(end) => {
                        outcome.end = Some(end);
                        result = Ok(());
                    }
                    End::NotJson => result = Err(NotJson),
                }
                done = true;
                shared.stop.store(true, Ordering::Relaxed);
                waiting.clear();
                break;
            }
        }
        handles.into_iter().for_each(join);
    });
    result.map(|()| outcome)
}

/// The stretches to read.
fn jobs<'a>(bytes: &[u8], starts: &Starts<'a>) -> Vec<Job<'a>> {
    match starts {
        Starts::Text {
            start,
            known: Some(known),
            ..
        } => known
            .iter()
            .enumerate()
            .map(|(i, &at)| Job::Text {
                start: at,
                first: at == *start,
                limit: known.get(i + 1).copied(),
            })
            .collect(),
        Starts::Text {
            start,
            size,
            known: None,
        } => {
            let guessed = guess(bytes, *start, *size);
            guessed
                .iter()
                .enumerate()
                .map(|(i, &at)| Job::Text {
                    start: at,
                    first: i == 0,
                    limit: guessed.get(i + 1).copied(),
                })
                .collect()
        }
        Starts::Found { entries, size } => {
            let mut jobs = Vec::new();
            let mut rest: &'a [&'a RawValue] = entries;
            while let Some(first) = rest.first() {
                let from = first.get().as_ptr() as usize;
                let count = rest
                    .iter()
                    .position(|e| e.get().as_ptr() as usize >= from.saturating_add(*size))
                    .unwrap_or(rest.len())
                    .max(1);
                let (these, after) = rest.split_at(count);
                jobs.push(Job::Found {
                    entries: these,
                    next: after.first().map(|e| offset_in_bytes(bytes, e.get())),
                });
                rest = after;
            }
            jobs
        }
    }
}

fn offset_in_bytes(bytes: &[u8], part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(bytes.as_ptr() as usize)
        .min(bytes.len())
}

/// Stretch starts: `start`, then the first `{` after a `,` past every
/// `size` bytes (a guess: see the module's comment).
fn guess(bytes: &[u8], start: usize, size: usize) -> Vec<usize> {
    let mut starts = vec![start];
    let mut at = start.saturating_add(size.max(1));
    while at < bytes.len() {
        // Not found nearby (a long entry): the stretch goes on.
        let window = &bytes[at..bytes.len().min(at + (1 << 16))];
        let found = memchr::memchr_iter(b'{', window)
            .map(|i| at + i)
            .find(|&i| before_blanks(bytes, i) == Some(b','));
        match found {
            Some(i) => {
                starts.push(i);
                at = i.saturating_add(size.max(1));
            }
            None => at = at.saturating_add(window.len()),
        }
    }
    starts
}

/// JSON's blanks.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The byte before `i`, blanks skipped.
fn before_blanks(bytes: &[u8], i: usize) -> Option<u8> {
    bytes[..i].iter().rev().copied().find(|&b| !is_blank(b))
}

/// The first byte at or after `i` that is not a blank.
pub(super) fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).copied().is_some_and(is_blank) {
        i += 1;
    }
    i
}

/// A reading thread: reads stretches until there are none or no more are
/// wanted.
fn work(shared: &Shared<'_, '_>, send: &std::sync::mpsc::SyncSender<Stretch>) {
    let mut fields = Fields::default();
    while !shared.stop.load(Ordering::Relaxed) {
        let seq = shared.next.fetch_add(1, Ordering::Relaxed);
        let Some(&job) = shared.jobs.get(seq) else {
            return;
        };
        let rows = lock(&shared.spare).pop().unwrap_or_default();
        let stretch = read_stretch(shared, seq, job, rows, &mut fields);
        if send.send(stretch).is_err() {
            return;
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
            // Entries are short: a loop the compiler vectorises beats
            // memchr's set-up.
            self.ends += between.iter().filter(|&&b| b == b'\n').count() as u64;
            self.at = offset;
        }
        self.ends
    }

    /// The line of `offset`, from 1 at the stretch's start.
    fn line(&mut self, offset: usize) -> u32 {
        u32::try_from(self.ends_to(offset) + 1).unwrap_or(u32::MAX)
    }
}

fn read_stretch<'a>(
    shared: &Shared<'_, 'a>,
    seq: usize,
    job: Job<'a>,
    mut rows: Rows,
    fields: &mut Fields<'a>,
) -> Stretch {
    let text = shared.text;
    let bytes = text.as_bytes();
    rows.seq = seq;
    let start = match job {
        Job::Text { start, .. } => start,
        Job::Found { entries, .. } => entries.first().map_or(0, |e| offset_in(text, e.get())),
    };
    let mut stretch = Stretch {
        seq,
        start,
        rows,
        shapes: Problems::default(),
        extra: BTreeSet::new(),
        end: End::NotJson,
    };
    let mut lines = Lines {
        bytes,
        at: start,
        ends: 0,
    };
    match job {
        Job::Found { entries, next } => {
            for entry in entries {
                let at = offset_in(text, entry.get());
                let row = RowAt {
                    line: lines.line(at),
                    offset: at as u64,
                };
                let parsed = entry.get().starts_with('{')
                    && (fields.plain(text, at).is_some()
                        || fields.parse(text, entry.get()).is_ok());
                if parsed {
                    take_entry(shared, fields, row, &mut stretch);
                } else {
                    not_an_object(&mut stretch.shapes, row);
                }
            }
            stretch.end = End::Found(next.map_or(0, |next| lines.ends_to(next)));
        }
        Job::Text {
            start,
            first,
            limit,
        } => {
            let mut at = start;
            if first {
                at = skip_blanks(bytes, at);
                if bytes.get(at) == Some(&b']') {
                    stretch.end = End::Array(at);
                    return stretch;
                }
            }
            let mut limit = limit;
            loop {
                let Some(end) = element(shared, at, fields, &mut lines, &mut stretch) else {
                    return stretch; // not JSON
                };
                let after = skip_blanks(bytes, end);
                match bytes.get(after) {
                    Some(b',') => at = skip_blanks(bytes, after + 1),
                    Some(b']') => {
                        stretch.end = End::Array(after);
                        return stretch;
                    }
                    _ => return stretch,
                }
                match limit {
                    Some(next) if at == next => {
                        stretch.end = End::Next(lines.ends_to(next));
                        return stretch;
                    }
                    Some(next) if at > next => {
                        // The next start was a wrong guess: this stretch
                        // reads on to the array's end, the later ones are
                        // not wanted.
                        shared.stop.store(true, Ordering::Relaxed);
                        limit = None;
                    }
                    _ => {}
                }
            }
        }
    }
    stretch
}

/// Reads the array element at `at` (not a blank) into `stretch`; where it
/// ends, or `None` when it is not JSON.
fn element<'a>(
    shared: &Shared<'_, 'a>,
    at: usize,
    fields: &mut Fields<'a>,
    lines: &mut Lines<'_>,
    stretch: &mut Stretch,
) -> Option<usize> {
    let text = shared.text;
    let bytes = text.as_bytes();
    let row = RowAt {
        line: lines.line(at),
        offset: at as u64,
    };
    let rest = text.get(at..)?;
    if bytes.get(at) == Some(&b'{') {
        let end = match fields.plain(text, at) {
            Some(end) => end,
            None => {
                fields.parse(text, rest).ok()?;
                // serde_json read the object up to its `}`, after its
                // last value.
                let close = skip_blanks(bytes, fields.last_end.unwrap_or(at + 1));
                if bytes.get(close) != Some(&b'}') {
                    return None;
                }
                close + 1
            }
        };
        take_entry(shared, fields, row, stretch);
        Some(end)
    } else {
        let mut de = serde_json::Deserializer::from_str(rest);
        let value = <&RawValue>::deserialize(&mut de).ok()?;
        not_an_object(&mut stretch.shapes, row);
        Some(offset_in(text, value.get()) + value.get().len())
    }
}

/// Parses a parsed entry's row into the stretch's rows.
fn take_entry(shared: &Shared<'_, '_>, fields: &Fields<'_>, at: RowAt, stretch: &mut Stretch) {
    for (name, _) in &fields.extra {
        if !stretch.extra.contains(name.as_ref()) {
            stretch.extra.insert(name.to_string());
        }
    }
    let row = JsonRow {
        fields,
        at,
        names: shared.names,
    };
    stretch.rows.parse(shared.parser, &row, true);
}

/// A member of an entry: its name as written, its value decoded (`None`
/// for null) and where the value is in the file.
#[derive(Debug)]
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
    known: [Option<Member<'a>>; COLS],
    /// The columns in `known` that are set.
    set: u16,
    extra: Vec<(Cow<'a, str>, Member<'a>)>,
    /// Where the last value read ends.
    last_end: Option<usize>,
}

impl<'a> Fields<'a> {
    fn clear(&mut self) {
        while self.set != 0 {
            let col = self.set.trailing_zeros() as usize;
            self.known[col] = None;
            self.set &= self.set - 1;
        }
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
        if kept.as_ref().is_none_or(|old| *name <= *old.written) {
            *kept = Some(Member {
                written: Cow::Borrowed(name),
                value: value.map(Cow::Borrowed),
                range,
            });
            self.set |= 1 << col;
        }
    }

    /// Keeps a member (see [`Fields`] for which of a name).
    fn put(&mut self, member: Member<'a>) {
        let kept = match known_column(&member.written) {
            Some(col) => {
                self.set |= 1 << col;
                &mut self.known[col]
            }
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
        match kept {
            Some(old) if old.written < member.written => {}
            _ => *kept = Some(member),
        }
    }

    fn known(&self, col: Col) -> Option<&Member<'a>> {
        self.known[col as usize].as_ref()
    }

    /// The value of an extra member, unless null or blank.
    fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, m)| m.value.as_deref())
            .filter(|v| !v.trim().is_empty())
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
    names: &'f [String],
}

impl Row for JsonRow<'_, '_> {
    fn value(&self, col: Col) -> Option<&[u8]> {
        self.fields
            .known(col)
            .and_then(|m| m.value.as_deref())
            .filter(|v| !v.trim().is_empty())
            .map(str::as_bytes)
    }

    fn at(&self, col: Col) -> FieldAt {
        self.fields.known(col).map_or(
            FieldAt::Bytes(self.at.offset as usize, self.at.offset as usize + 1),
            |m| FieldAt::Bytes(m.range.0, m.range.1),
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
    fn guesses_start_at_an_object_after_a_comma() {
        let text = br#"[{"a": "},{"}, {"b": 1},
 {"c": [{"d": 1}, {"e": 2}]}]"#;
        let starts = guess(text, 1, 1);
        let at: Vec<&str> = starts
            .iter()
            .map(|&i| std::str::from_utf8(&text[i..i + 3]).unwrap())
            .collect();
        // The `{` in the string and the one in the nested array are guesses
        // too: the stretches before them will not land there.
        assert_eq!(at, [r#"{"a"#, r#"{"}"#, r#"{"b"#, r#"{"c"#, r#"{"e"#]);
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
            let row = JsonRow { fields: &fields, at, names: &[] };
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

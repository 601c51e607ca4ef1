//! Lookup tables from text keys to indices, made for the sizes of a large
//! book, where every lookup is a cache miss unless the table is small.
//!
//! - [`KeyIndex`], for debtor ids (looked up once per invoice row): keys up
//!   to [`INLINE`] bytes are stored in the 16-byte slots themselves, so
//!   that the table of 50,000 debtors fits in cache; longer ones keep a
//!   prefix there and are confirmed against their owner's copy.
//! - [`RefIndex`], for invoice references: slots of an index and hash bits
//!   only, built by two threads at once; candidates are confirmed by the
//!   caller in the order its data is laid out.

use std::hash::BuildHasher;

use super::Hasher;

const INLINE: usize = 10;

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: [u8; INLINE],
    /// Length of the key; above `INLINE`, the key is longer than the slot.
    len: u16,
    id: u32,
}

impl Slot {
    fn new(key: &[u8], id: u32) -> Slot {
        let mut inline = [0u8; INLINE];
        let n = key.len().min(INLINE);
        inline[..n].copy_from_slice(&key[..n]);
        Slot {
            key: inline,
            len: u16::try_from(key.len()).unwrap_or(u16::MAX),
            id,
        }
    }

    fn empty() -> Slot {
        Slot {
            key: [0; INLINE],
            len: 0,
            id: EMPTY,
        }
    }

    fn is_inline(&self) -> bool {
        usize::from(self.len) <= INLINE
    }

    /// Whether this slot holds `key`; `full` gives a long key's text by id.
    fn matches<'a>(&self, key: &[u8], full: &impl Fn(u32) -> &'a [u8]) -> bool {
        if self.is_inline() {
            return usize::from(self.len) == key.len() && self.key[..key.len()] == *key;
        }
        key.len() > INLINE && self.key[..] == key[..INLINE] && full(self.id) == key
    }
}

/// Open addressing with linear probing over a power-of-two array kept at
/// most half full: the slot of a key is known from its hash alone, so
/// that a reader can ask for it ([`KeyIndex::prefetch`]) a row before it
/// looks the key up, and the cache miss is paid while that row is parsed.
#[derive(Debug, Default, Clone)]
pub(crate) struct KeyIndex {
    slots: Vec<Slot>,
    len: usize,
    hasher: Hasher,
}

/// The id of an empty slot (no debtors file holds four billion debtors).
const EMPTY: u32 = u32::MAX;

impl KeyIndex {
    pub fn with_capacity(n: usize) -> Self {
        KeyIndex {
            slots: vec![Slot::empty(); slots_for(n)],
            len: 0,
            hasher: Hasher::default(),
        }
    }

    fn home(&self, key: &[u8]) -> usize {
        // The top bits: foldhash mixes them best.
        let hash = self.hasher.hash_one(key);
        let bits = self.slots.len().trailing_zeros();
        (hash >> (64 - bits)) as usize
    }

    /// Starts loading the slot where `key` would be; no effect on results.
    pub(crate) fn prefetch(&self, key: &[u8]) {
        if !self.slots.is_empty() {
            crate::prefetch::read(&self.slots[self.home(key)]);
        }
    }

    /// The id of `key`. `full(id)` is the key of `id` (read for long keys).
    pub fn get<'a>(&self, key: &[u8], full: impl Fn(u32) -> &'a [u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        loop {
            let slot = &self.slots[at];
            if slot.id == EMPTY {
                return None;
            }
            if slot.matches(key, &full) {
                return Some(slot.id);
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds a key not yet in the table.
    pub fn insert<'a>(&mut self, key: &[u8], id: u32, full: impl Fn(u32) -> &'a [u8]) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::replace(
                &mut self.slots,
                vec![Slot::empty(); slots_for(self.len + 1)],
            );
            for slot in old.into_iter().filter(|slot| slot.id != EMPTY) {
                let key = if slot.is_inline() {
                    &slot.key[..usize::from(slot.len)]
                } else {
                    full(slot.id)
                };
                self.place(key, slot);
            }
        }
        self.place(key, Slot::new(key, id));
        self.len += 1;
    }

    fn place(&mut self, key: &[u8], slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        while self.slots[at].id != EMPTY {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }
}

/// Slots for `n` keys: a power of two, at least twice `n`.
fn slots_for(n: usize) -> usize {
    n.saturating_mul(2).max(16).next_power_of_two()
}

/// Invoice references → invoice indices. A slot holds an index and 32
/// more bits of the key's hash, not the key: the table of a million
/// invoices is 18 MB and mostly in cache, and finding a key's candidate
/// reads nothing else. The caller confirms candidates against its keys,
/// in bulk, when that is cheap ([`RefIndex::confirm`]). In two halves by
/// hash, so that two threads build it at once, each in file order.
#[derive(Debug, Default)]
pub(crate) struct RefIndex {
    halves: [hashbrown::HashTable<(u32, u32)>; 2],
    hasher: Hasher,
}

/// A hash bit that neither the bucket (low bits) nor the tag (top seven)
/// of a table of under 2^40 slots uses.
const HALF_BIT: u32 = 40;

fn half(hash: u64) -> usize {
    usize::from(hash >> HALF_BIT & 1 == 1)
}

/// Hash bits the table's own (bucket, tag) do not use.
fn fingerprint(hash: u64) -> u32 {
    (hash >> 24) as u32
}

impl RefIndex {
    /// The hash of a key, as the index computes it (the same in every
    /// run, so that it can be computed where the key is read).
    pub fn hash(key: &[u8]) -> u64 {
        Hasher::default().hash_one(key)
    }

    /// The index of keys `0..n` (`key(i)` is key `i`, `hashes[i]` its
    /// [`RefIndex::hash`]); the first of equal keys is kept. Also returns
    /// every later one, with the first, in order: `(later, first)`.
    pub fn build<'a>(
        hashes: &[u64],
        key: impl Fn(u32) -> &'a [u8] + Sync,
    ) -> (RefIndex, Vec<(u32, u32)>) {
        let hasher = Hasher::default();
        let n = hashes.len();
        let build_half = |which: usize| {
            let mut table = hashbrown::HashTable::with_capacity(n / 2 + n / 16 + 16);
            let mut duplicates = Vec::new();
            for (i, &hash) in (0u32..).zip(hashes) {
                if half(hash) != which {
                    continue;
                }
                let print = fingerprint(hash);
                // Keys are compared only when their hash bits agree.
                let same = |&(j, p): &(u32, u32)| p == print && key(j) == key(i);
                let rehash = |&(j, _): &(u32, u32)| hashes[j as usize];
                match table.entry(hash, same, rehash) {
                    hashbrown::hash_table::Entry::Occupied(first) => {
                        duplicates.push((i, first.get().0));
                    }
                    hashbrown::hash_table::Entry::Vacant(slot) => {
                        slot.insert((i, print));
                    }
                }
            }
            (table, duplicates)
        };
        let ((first, mut duplicates), (second, more)) = if n >= PARALLEL {
            std::thread::scope(|scope| {
                let other = scope.spawn(|| build_half(1));
                let mine = build_half(0);
                (mine, join(other))
            })
        } else {
            (build_half(0), build_half(1))
        };
        duplicates.extend(more);
        duplicates.sort_unstable();
        let index = RefIndex {
            halves: [first, second],
            hasher,
        };
        (index, duplicates)
    }

    /// The only index that can be the key's of hash `hash` (see
    /// [`RefIndex::hash`]): `None` means the key is not in the index;
    /// `Some` must be confirmed.
    pub(crate) fn candidate(&self, hash: u64) -> Option<u32> {
        let print = fingerprint(hash);
        self.halves[half(hash)]
            .find(hash, |&(_, p)| p == print)
            .map(|&(j, _)| j)
    }

    /// The index of `key`: its candidate when `full(candidate)` is `key`,
    /// else a search among every index with the same hash bits.
    pub(crate) fn confirm<'a>(
        &self,
        key: &[u8],
        candidate: Option<u32>,
        full: impl Fn(u32) -> &'a [u8],
    ) -> Option<u32> {
        let found = candidate?;
        if full(found) == key {
            return Some(found);
        }
        let hash = self.hasher.hash_one(key);
        let print = fingerprint(hash);
        self.halves[half(hash)]
            .find(hash, |&(j, p)| p == print && full(j) == key)
            .map(|&(j, _)| j)
    }
}

/// Below this many keys one thread does all the work.
pub(crate) const PARALLEL: usize = 50_000;

/// A scoped thread's result; its panic goes on in the caller.
pub fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_index_keeps_the_first_and_reports_the_others() {
        for n in [10, 60_000] {
            let keys: Vec<String> = (0..n).map(|i| format!("F-{}", i % (n - 3))).collect();
            let hashes: Vec<u64> = keys.iter().map(|k| RefIndex::hash(k.as_bytes())).collect();
            let (index, duplicates) = RefIndex::build(&hashes, |i| keys[i as usize].as_bytes());
            let full = |i: u32| keys[i as usize].as_bytes();
            let get = |key: &[u8]| index.confirm(key, index.candidate(RefIndex::hash(key)), full);
            let expected: Vec<(u32, u32)> = (n - 3..n)
                .map(|i| (i as u32, (i - (n - 3)) as u32))
                .collect();
            assert_eq!(duplicates, expected);
            for (i, key) in keys.iter().enumerate().take(n - 3) {
                assert_eq!(get(key.as_bytes()), Some(i as u32), "{key}");
            }
            assert_eq!(get(b"nope"), None);
            // A wrong candidate is searched past.
            assert_eq!(index.confirm(b"F-1", Some(2), full), Some(1));
        }
    }

    #[test]
    fn finds_short_and_long_keys() {
        let keys: Vec<String> = (0..2000)
            .map(|i| {
                if i % 3 == 0 {
                    format!("a-very-long-invoice-reference-{i:06}")
                } else {
                    format!("F-{i}")
                }
            })
            .collect();
        let full = |id: u32| keys[id as usize].as_bytes();
        let mut index = KeyIndex::default();
        // Neither an empty table nor a prefetch changes an answer.
        index.prefetch(b"F-1");
        assert_eq!(index.get(b"F-1", full), None);
        for (i, key) in keys.iter().enumerate() {
            index.insert(key.as_bytes(), i as u32, full);
        }
        for (i, key) in keys.iter().enumerate() {
            index.prefetch(key.as_bytes());
            assert_eq!(index.get(key.as_bytes(), full), Some(i as u32), "{key}");
        }
        assert_eq!(index.get(b"F-99999", full), None);
        assert_eq!(
            index.get(b"a-very-long-invoice-reference-999999", full),
            None
        );
    }
}

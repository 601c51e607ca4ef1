//! A lookup table from short text keys (invoice references, debtor ids) to
//! indices. A book's million references are looked up two million times in
//! random order, so each lookup should touch one cache line: keys up to
//! [`INLINE`] bytes are stored in the table itself; longer ones keep a
//! prefix there and are confirmed against their owner's copy.

use std::hash::BuildHasher;

use super::Hasher;

const INLINE: usize = 22;

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

#[derive(Debug, Default, Clone)]
pub struct KeyIndex {
    table: hashbrown::HashTable<Slot>,
    hasher: Hasher,
}

impl KeyIndex {
    pub fn with_capacity(n: usize) -> Self {
        KeyIndex {
            table: hashbrown::HashTable::with_capacity(n),
            hasher: Hasher::default(),
        }
    }

    /// The id of `key`. `full(id)` is the key of `id` (read for long keys).
    pub fn get<'a>(&self, key: &[u8], full: impl Fn(u32) -> &'a [u8]) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |slot| slot.matches(key, &full))
            .map(|slot| slot.id)
    }

    /// Adds a key not yet in the table.
    pub fn insert<'a>(&mut self, key: &[u8], id: u32, full: impl Fn(u32) -> &'a [u8]) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(key);
        self.table.insert_unique(hash, Slot::new(key, id), |slot| {
            if slot.is_inline() {
                hasher.hash_one(&slot.key[..usize::from(slot.len)])
            } else {
                hasher.hash_one(full(slot.id))
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for (i, key) in keys.iter().enumerate() {
            index.insert(key.as_bytes(), i as u32, full);
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(index.get(key.as_bytes(), full), Some(i as u32), "{key}");
        }
        assert_eq!(index.get(b"F-99999", full), None);
        assert_eq!(
            index.get(b"a-very-long-invoice-reference-999999", full),
            None
        );
    }
}

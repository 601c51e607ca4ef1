//! Sorting the invoices' reference keys (their first 16 bytes as two
//! integers, with the invoice's index) by radix: a byte at a time from the
//! last, each pass a count and a move, and no pass for a byte that every
//! key has the same (references share their prefix and their length, so
//! most bytes are such). A comparison sort of a shuffled million-invoice
//! book's keys was most of what its reading cost beyond a sorted book's
//! (callgrind, docs/performance.md).

/// A reference's key: its first 8 bytes, its next 8 (both big-endian,
/// zero-padded) and its invoice's index.
pub(crate) type Key = (u64, u64, u32);

/// Below this many keys a comparison sort is as quick.
const SMALL: usize = 256;

/// Sorts `keys` by their two integers, keys that tie keeping their order
/// (a stable sort, as `sort_by_key` is).
pub(crate) fn sort(keys: &mut Vec<Key>) {
    let n = keys.len();
    if n < SMALL {
        keys.sort_by_key(|k| (k.0, k.1));
        return;
    }
    // The byte of a key that the `pass`-th pass sorts on: the second
    // integer's bytes from its lowest, then the first's.
    let byte = |key: &Key, pass: usize| {
        let word = if pass < 8 { key.1 } else { key.0 };
        usize::from((word >> (8 * (pass % 8))) as u8)
    };
    let mut counts = vec![[0usize; 256]; 16];
    for key in keys.iter() {
        for (pass, count) in counts.iter_mut().enumerate() {
            count[byte(key, pass)] += 1;
        }
    }
    let mut from = std::mem::take(keys);
    let mut to = vec![(0, 0, 0); n];
    for (pass, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue; // every key has the same byte here
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (slot, &c) in next.iter_mut().zip(count) {
            *slot = sum;
            sum += c;
        }
        for key in &from {
            let slot = &mut next[byte(key, pass)];
            if let Some(place) = to.get_mut(*slot) {
                *place = *key;
            }
            *slot += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    *keys = from;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_a_stable_comparison_sort(
            keys in proptest::collection::vec((0..4u64, prop_oneof![Just(0u64), any::<u64>(), 0..300u64]), 0..700),
            shift in 0..64u32,
        ) {
            let mut keys: Vec<Key> = keys
                .into_iter()
                .enumerate()
                .map(|(i, (a, b))| (a << shift.min(62), b, i as u32))
                .collect();
            let mut expected = keys.clone();
            expected.sort_by_key(|k| (k.0, k.1));
            sort(&mut keys);
            prop_assert_eq!(keys, expected);
        }
    }

    #[test]
    fn sorts_references_as_their_bytes() {
        let references: Vec<String> = (0..5000u32)
            .map(|i| format!("F25-{:07}", (i * 7919) % 5000))
            .collect();
        let prefix = |bytes: &[u8], from: usize| {
            let mut word = [0u8; 8];
            for (to, from) in word.iter_mut().zip(bytes.iter().skip(from)) {
                *to = *from;
            }
            u64::from_be_bytes(word)
        };
        let mut keys: Vec<Key> = references
            .iter()
            .enumerate()
            .map(|(i, r)| (prefix(r.as_bytes(), 0), prefix(r.as_bytes(), 8), i as u32))
            .collect();
        sort(&mut keys);
        let sorted: Vec<&str> = keys
            .iter()
            .map(|k| references[k.2 as usize].as_str())
            .collect();
        let mut expected: Vec<&str> = references.iter().map(String::as_str).collect();
        expected.sort();
        assert_eq!(sorted, expected);
    }
}

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

/// From this many keys, each half is sorted on its own core and the two
/// merged: a shuffled million-invoice book's sort took 0.03–0.05 s on one
/// core while the other waited (docs/performance.md, round 6).
const HALVES: usize = 100_000;

/// Sorts `keys` by their two integers, keys that tie keeping their order
/// (a stable sort, as `sort_by_key` is).
pub(crate) fn sort(keys: &mut Vec<Key>) {
    let n = keys.len();
    if n < SMALL {
        keys.sort_by_key(|k| (k.0, k.1));
        return;
    }
    let mut scratch = vec![(0, 0, 0); n];
    if n < HALVES || rayon::current_num_threads() < 2 {
        if sort_in(keys, &mut scratch) {
            std::mem::swap(keys, &mut scratch);
        }
        return;
    }
    let mid = n / 2;
    {
        let (left, right) = keys.split_at_mut(mid);
        let (left_scratch, right_scratch) = scratch.split_at_mut(mid);
        // Each half's keys back in `keys`, to be merged into `scratch`.
        let sort_half = |half: &mut [Key], scratch: &mut [Key]| {
            if sort_in(half, scratch) {
                half.copy_from_slice(scratch);
            }
        };
        rayon::join(
            || sort_half(left, left_scratch),
            || sort_half(right, right_scratch),
        );
    }
    merge(&keys[..mid], &keys[mid..], &mut scratch);
    std::mem::swap(keys, &mut scratch);
}

/// Sorts `keys` by radix using `scratch` (as long); `true` when the sorted
/// keys ended in `scratch` (each pass moves them from one to the other).
fn sort_in(keys: &mut [Key], scratch: &mut [Key]) -> bool {
    let n = keys.len();
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
    let (mut from, mut to) = (keys, scratch);
    let mut in_scratch = false;
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
        for key in from.iter() {
            let slot = &mut next[byte(key, pass)];
            if let Some(place) = to.get_mut(*slot) {
                *place = *key;
            }
            *slot += 1;
        }
        std::mem::swap(&mut from, &mut to);
        in_scratch = !in_scratch;
    }
    in_scratch
}

/// Merges two sorted runs into `out` (as long as both), the left run's key
/// first on a tie: `left` came first, so the sort stays stable.
fn merge(left: &[Key], right: &[Key], out: &mut [Key]) {
    let (mut l, mut r) = (0, 0);
    for place in out.iter_mut() {
        let take_left = match (left.get(l), right.get(r)) {
            (Some(a), Some(b)) => (a.0, a.1) <= (b.0, b.1),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if take_left {
            if let Some(&key) = left.get(l) {
                *place = key;
            }
            l += 1;
        } else {
            if let Some(&key) = right.get(r) {
                *place = key;
            }
            r += 1;
        }
    }
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

    /// Enough keys to be sorted by halves on two cores, with ties across
    /// the halves (their order kept) and bytes that vary in one half only.
    #[test]
    fn sorts_by_halves_as_a_stable_comparison_sort() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            state >> 33
        };
        let n = HALVES * 2 + 3;
        // The first half varies in three bytes, the second in two: their
        // sorts end in different buffers.
        let mut keys: Vec<Key> = (0..n as u32)
            .map(|i| {
                let low = if (i as usize) < n / 2 {
                    next() % 1000
                } else {
                    next() % 256
                };
                (next() % 3, low, i)
            })
            .collect();
        let mut expected = keys.clone();
        expected.sort_by_key(|k| (k.0, k.1));
        sort(&mut keys);
        assert_eq!(keys, expected);
        keys.reverse();
        let mut expected = keys.clone();
        expected.sort_by_key(|k| (k.0, k.1));
        sort(&mut keys);
        assert_eq!(keys, expected);
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

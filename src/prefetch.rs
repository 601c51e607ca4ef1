//! Asking the processor for memory a little before it is read. A large
//! book's lookups by debtor land anywhere in tables of megabytes, a cache
//! miss each; the readers and the simulation name the next rows' targets a
//! few rows ahead, so that the misses overlap the work in between.

/// Starts loading the cache line of `item`. A hint: it never faults and
/// changes no result.
#[inline]
pub(crate) fn read<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint to the processor; it reads nothing into
    // the program and never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// [`read`] of item `i` of `items`, if there is one.
#[inline]
pub(crate) fn read_at<T>(items: &[T], i: usize) {
    if let Some(item) = items.get(i) {
        read(item);
    }
}

//! The process's allocator: the system's, asking Linux to back large blocks
//! with transparent huge pages.
//!
//! A million-invoice book is a few blocks of tens of megabytes (invoices,
//! entries, events). In 4 KiB pages each megabyte costs 256 page faults
//! when first touched; many kernels (this project's machine among them)
//! give huge pages only to memory that asks for them (`madvise` mode of
//! `/sys/kernel/mm/transparent_hugepage/enabled`). Asking for them took a
//! tenth of the time of `policy simulate` on that book (docs/performance.md).

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks from this size on are advised; smaller ones would mostly share
/// their huge page with other blocks.
const LARGE: usize = 4 << 20;

/// A huge page (2 MiB on x86-64 and on most aarch64 kernels).
const HUGE_PAGE: usize = 2 << 20;

pub struct HugePageAlloc;

// SAFETY: every call is forwarded to `System` with the caller's arguments;
// `advise` only gives the kernel advice about memory the block owns.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which is System's.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` came from `System` with this layout.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // SAFETY: `block` came from `System` with this layout.
        let block = unsafe { System.realloc(block, layout, size) };
        advise(block, size);
        block
    }
}

/// Advises the whole huge pages inside `[block, block + size)`.
#[cfg(target_os = "linux")]
fn advise(block: *mut u8, size: usize) {
    if block.is_null() {
        return;
    }
    if let Some((start, length)) = huge_pages_within(block as usize, size) {
        // SAFETY: the range lies inside a block the allocator just handed
        // out; MADV_HUGEPAGE changes how it is backed, never its contents.
        // A failure (a kernel without huge pages) leaves it as it was.
        unsafe {
            libc::madvise(start as *mut libc::c_void, length, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_block: *mut u8, _size: usize) {}

/// The whole huge pages inside a large block at `address` of `size` bytes,
/// as (start, length).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn huge_pages_within(address: usize, size: usize) -> Option<(usize, usize)> {
    if size < LARGE {
        return None;
    }
    let start = address.checked_next_multiple_of(HUGE_PAGE)?;
    let end = address.checked_add(size)? / HUGE_PAGE * HUGE_PAGE;
    (end > start).then(|| (start, end - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_huge_pages_inside_large_blocks_are_advised() {
        assert_eq!(huge_pages_within(HUGE_PAGE, LARGE - 1), None);
        assert_eq!(
            huge_pages_within(HUGE_PAGE, LARGE),
            Some((HUGE_PAGE, LARGE))
        );
        // An unaligned block: the pages it only partly covers are left out.
        assert_eq!(
            huge_pages_within(HUGE_PAGE + 16, LARGE),
            Some((2 * HUGE_PAGE, LARGE - HUGE_PAGE))
        );
        assert_eq!(huge_pages_within(usize::MAX - 16, LARGE), None);
    }

    #[test]
    fn large_vectors_work_through_the_allocator() {
        let mut v: Vec<u64> = Vec::with_capacity(LARGE);
        v.extend(0..LARGE as u64);
        v.resize(3 * LARGE, 7);
        assert_eq!(v[LARGE - 1], LARGE as u64 - 1);
        assert_eq!(v[3 * LARGE - 1], 7);
    }
}

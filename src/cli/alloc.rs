//! The allocator of the `treaty` process: blocks of up to [`SMALL`] bytes are carved one
//! after another from a region that is never given back, larger ones come from the system
//! allocator (glibc's malloc).
//!
//! A diff makes tens of thousands of small blocks (the text of each inline op, labels,
//! numbers, eIds, short vectors) and the process ends soon after: on the largest corpus
//! pair 83 % of its 88 000 allocations are of at most 256 bytes, 4 MB in all, and malloc
//! and free took about a tenth of its CPU time. Here such a block costs an addition, and
//! freeing it nothing (largest pair: 11.63 → 11.14 ms, git 10.33; peak RSS 14 → 16 MB;
//! 256 bytes measured better than 128 or 512). The region is address space reserved up
//! front and touched as it is used; when it is used up, small blocks come from malloc
//! too, so the memory it holds stays bounded ([`REGION`]) however large the input (two
//! 4 MB drafts: 53 → 62 MB). Blocks are never reused, so the region's memory is still
//! zero when handed out (the kernel zeroes fresh pages).
//!
//! Only the binary uses it: the library allocates through whatever allocator its user
//! has.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest block carved from the region.
const SMALL: usize = 256;
/// Largest alignment served from the region.
const ALIGN: usize = 16;
/// Bytes of address space reserved for small blocks.
const REGION: usize = 32 << 20;
/// Bytes a thread takes from the region at a time (to carve without synchronizing).
const CHUNK: usize = 64 << 10;

/// Start of the region: 0 until it is mapped, `usize::MAX` when mapping failed.
static BASE: AtomicUsize = AtomicUsize::new(0);
/// Bytes of the region handed to threads.
static TAKEN: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The calling thread's chunk: next free byte and end (0, 0 before its first).
    static CHUNK_LEFT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// The allocator (see the module documentation).
pub struct Allocator;

/// The start of the region, mapping it on first use; `None` when it cannot be mapped.
fn base() -> Option<usize> {
    let b = BASE.load(Ordering::Acquire);
    if b != 0 {
        return (b != usize::MAX).then_some(b);
    }
    // SAFETY: a fresh private anonymous mapping; nothing else refers to it. NORESERVE:
    // pages cost memory only once touched.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            REGION,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    let mine = if p == libc::MAP_FAILED {
        usize::MAX
    } else {
        p as usize
    };
    match BASE.compare_exchange(0, mine, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => (mine != usize::MAX).then_some(mine),
        Err(theirs) => {
            if mine != usize::MAX {
                // Another thread mapped the region first.
                // SAFETY: unmapping our own mapping, which nothing has used.
                unsafe { libc::munmap(p, REGION) };
            }
            (theirs != usize::MAX).then_some(theirs)
        }
    }
}

/// True for a block carved from the region.
fn in_region(p: *mut u8) -> bool {
    let b = BASE.load(Ordering::Relaxed);
    let p = p as usize;
    b != 0 && b != usize::MAX && p >= b && p < b + REGION
}

/// A block of layout `l` carved from the calling thread's chunk (taking a new chunk when
/// it is full); `None` when the region is used up or the thread is being torn down.
fn carve(l: Layout) -> Option<*mut u8> {
    CHUNK_LEFT
        .try_with(|c| {
            let (next, end) = c.get();
            let at = (next + l.align() - 1) & !(l.align() - 1);
            if next != 0 && at + l.size() <= end {
                c.set((at + l.size(), end));
                return Some(at as *mut u8);
            }
            let b = base()?;
            let off = TAKEN.fetch_add(CHUNK, Ordering::Relaxed);
            if off + CHUNK > REGION {
                return None;
            }
            let at = b + off;
            c.set((at + l.size(), at + CHUNK));
            Some(at as *mut u8)
        })
        .ok()
        .flatten()
}

/// True for a layout served from the region.
fn small(l: Layout) -> bool {
    l.size() <= SMALL && l.align() <= ALIGN
}

/// Asks for transparent huge pages in the part of the region not yet handed out (see the
/// CLI's `huge_pages_for_this_thread`), and hands out chunks from there on: the rest of
/// the 2 MiB page in use is already mapped in small pages, a fault per 4 KiB. Only a hint.
pub fn huge_pages() {
    // Once: a second call would skip the rest of a huge page already in use.
    static ASKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if ASKED.swap(true, Ordering::Relaxed) {
        return;
    }
    let Some(b) = base() else { return };
    const HUGE: usize = 2 << 20;
    let taken = TAKEN.load(Ordering::Relaxed);
    let from = (taken + HUGE - 1) & !(HUGE - 1);
    // Skip to the boundary unless another thread took chunks meanwhile (then it is done).
    let _ = TAKEN.compare_exchange(taken, from, Ordering::Relaxed, Ordering::Relaxed);
    if from < REGION {
        // SAFETY: advice on our own mapping; it changes no contents.
        unsafe {
            libc::madvise(
                (b + from) as *mut libc::c_void,
                REGION - from,
                libc::MADV_HUGEPAGE,
            );
        }
    }
}

// SAFETY: small blocks are disjoint ranges of a mapping that lives as long as the process
// (each chunk goes to one thread, each block once), aligned as asked; everything else is
// the system allocator's, and each block goes back to the allocator it came from (told
// apart by address).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if small(l) {
            if let Some(p) = carve(l) {
                return p;
            }
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(l) }
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if small(l) {
            // Never handed out before: still the zeros of a fresh page.
            if let Some(p) = carve(l) {
                return p;
            }
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(l) }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if !in_region(p) {
            // SAFETY: a block of the system allocator, with its layout.
            unsafe { System.dealloc(p, l) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if !in_region(p) {
            // SAFETY: a block of the system allocator; the caller's contract, passed on.
            return unsafe { System.realloc(p, l, new_size) };
        }
        // SAFETY: the caller guarantees a valid layout of `new_size` with this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, l.align()) };
        // SAFETY: as for `alloc`.
        let q = unsafe { self.alloc(new) };
        if !q.is_null() {
            // SAFETY: both blocks are at least this long and distinct.
            unsafe { std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size)) };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("valid layout")
    }

    #[test]
    fn small_blocks_are_carved_aligned_and_keep_their_contents_when_grown() {
        let a = Allocator;
        let mut blocks = Vec::new();
        for (k, align) in [1, 2, 4, 8, 16, 8, 1].iter().cycle().take(200).enumerate() {
            let l = layout(1 + k % SMALL, *align);
            // SAFETY: a valid, non-zero layout; the block is written within its size.
            let p = unsafe { a.alloc(l) };
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0);
            // SAFETY: `p` is a fresh block of `l.size()` bytes.
            unsafe { std::ptr::write_bytes(p, k as u8, l.size()) };
            blocks.push((p, l, k as u8));
        }
        // Disjoint: each block still holds what was written into it.
        for &(p, l, v) in &blocks {
            // SAFETY: the block is live and `l.size()` long.
            let s = unsafe { std::slice::from_raw_parts(p, l.size()) };
            assert!(s.iter().all(|&x| x == v));
        }
        // Grown past the small limit (to the system allocator) and back: contents kept.
        let (p, l, v) = blocks[10];
        // SAFETY: `p` is live with layout `l`; the new sizes are non-zero.
        unsafe {
            let q = a.realloc(p, l, 4 * SMALL);
            assert!(!in_region(q));
            assert!(
                std::slice::from_raw_parts(q, l.size())
                    .iter()
                    .all(|&x| x == v)
            );
            let big = layout(4 * SMALL, l.align());
            let r = a.realloc(q, big, 8 * SMALL);
            assert!(
                std::slice::from_raw_parts(r, l.size())
                    .iter()
                    .all(|&x| x == v)
            );
            a.dealloc(r, layout(8 * SMALL, l.align()));
        }
        for &(p, l, _) in &blocks[11..] {
            // SAFETY: live blocks with their layouts.
            unsafe { a.dealloc(p, l) };
        }
        // Zeroed blocks are zero.
        let l = layout(SMALL, 8);
        // SAFETY: a valid layout; read within the block.
        unsafe {
            let z = a.alloc_zeroed(l);
            assert!(std::slice::from_raw_parts(z, SMALL).iter().all(|&x| x == 0));
            a.dealloc(z, l);
        }
    }

    #[test]
    fn threads_carve_disjoint_blocks() {
        let handles: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let l = layout(48, 8);
                    let ps: Vec<usize> = (0..5000)
                        .map(|_| {
                            // SAFETY: a valid layout; the block is written within its size.
                            let p = unsafe { Allocator.alloc(l) };
                            assert!(!p.is_null());
                            unsafe { std::ptr::write_bytes(p, t, 48) };
                            p as usize
                        })
                        .collect();
                    for &p in &ps {
                        // SAFETY: live blocks of 48 bytes.
                        let s = unsafe { std::slice::from_raw_parts(p as *const u8, 48) };
                        assert!(s.iter().all(|&x| x == t));
                    }
                    ps
                })
            })
            .collect();
        let mut all: Vec<usize> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect();
        all.sort_unstable();
        assert!(all.windows(2).all(|w| w[1] - w[0] >= 48));
    }

    #[test]
    fn a_used_up_region_hands_small_blocks_to_the_system_allocator() {
        let l = layout(SMALL, 16);
        let mut blocks = Vec::new();
        // Enough blocks to use up the region, whatever other tests took of it.
        for _ in 0..REGION / SMALL + 2 * CHUNK / SMALL {
            // SAFETY: a valid layout; the block is written within its size.
            let p = unsafe { Allocator.alloc(l) };
            assert!(!p.is_null());
            unsafe { p.write(1) };
            blocks.push(p);
        }
        let last = *blocks.last().expect("blocks");
        assert!(!in_region(last), "past the region, blocks come from malloc");
        assert!(blocks.iter().any(|&p| in_region(p)));
        for p in blocks {
            // SAFETY: live blocks with their layout, each freed once.
            unsafe { Allocator.dealloc(p, l) };
        }
    }
}

//! The allocator of the `treaty` process: blocks of up to [`LARGEST`] bytes (with an
//! alignment of at most 16) come from one region of address space reserved at the start,
//! sorted into size classes (four per power of two) with a free list per class and thread;
//! larger or more aligned blocks, and everything once the region is used up, come from the
//! system allocator (glibc's malloc).
//!
//! A diff is a short run of many small blocks (on the largest corpus pair 83 % of its
//! 88 000 allocations are of at most 256 bytes) and a few large ones (token arrays, shingle
//! indexes, the output). Here a block costs a thread-local list pop or an addition, and
//! freeing it a list push, with no locks: a thread carves blocks from a chunk of the region
//! it took for itself, and a freed block goes to the freeing thread's list, whichever
//! thread carved it (a block has one owner at a time, so that needs no synchronizing).
//!
//! One region for both threads and every size also means few pages: the kernel zeroes each
//! page a process touches, and with huge pages (see [`huge_pages`]) a 2 MiB page at a time.
//! Before, glibc's two heaps (one per thread) and a region for small blocks each had huge
//! pages of their own, mostly unused: four 2 MiB pages for a diff whose live blocks peak at
//! 1.4 MB (pta_83/pta_98). The region is bounded ([`REGION`]): past it blocks come from
//! malloc, so a large input's memory stays what malloc makes it.
//!
//! Only the binary uses it: the library allocates through whatever allocator its user
//! has.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest block served from the region.
const LARGEST: usize = 8 << 20;
/// Largest alignment served from the region (every class size is a multiple of it).
const ALIGN: usize = 16;
/// Bytes of address space reserved for the region.
const REGION: usize = 64 << 20;
/// Bytes a thread takes from the region at a time (to carve without synchronizing); blocks
/// of more than a quarter of it are taken from the region one by one.
const CHUNK: usize = 64 << 10;
/// Number of size classes: 16, 32, 48, 64, then four per power of two up to [`LARGEST`].
const CLASSES: usize = 4 + 4 * (LARGEST.trailing_zeros() as usize - 6);

/// Start of the region: 0 until it is mapped, `usize::MAX` when mapping failed.
static BASE: AtomicUsize = AtomicUsize::new(0);
/// Bytes of the region handed to threads.
static TAKEN: AtomicUsize = AtomicUsize::new(0);

/// A thread's part of the allocator.
struct Local {
    /// Next free byte of the thread's chunk (0 before its first).
    next: usize,
    /// End of the thread's chunk.
    end: usize,
    /// True when the chunk is fresh memory of the region (never handed out before).
    fresh: bool,
    /// Per size class, the first freed block (each holds the address of the next), or 0.
    free: [usize; CLASSES],
}

thread_local! {
    /// The calling thread's chunk and free lists. No destructor, so it is there until the
    /// thread's very end.
    static LOCAL: UnsafeCell<Local> = const {
        UnsafeCell::new(Local { next: 0, end: 0, fresh: true, free: [0; CLASSES] })
    };
}

/// Runs `f` on the calling thread's [`Local`].
fn with_local<R>(f: impl FnOnce(&mut Local) -> R) -> R {
    LOCAL.with(|l| {
        // SAFETY: only this thread reaches its `Local`, and only through this function,
        // whose callers neither allocate nor call it again inside `f`: the one reference
        // is unique while it lives.
        f(unsafe { &mut *l.get() })
    })
}

/// The allocator (see the module documentation).
pub struct Allocator;

/// The size class of a block of `size` bytes (1 ..= [`LARGEST`]): its index and size.
fn class(size: usize) -> (usize, usize) {
    if size <= 64 {
        let c = size.max(1).div_ceil(16);
        return (c - 1, c * 16);
    }
    let k = (size - 1).ilog2() as usize;
    let step = 1 << (k - 2);
    let i = (size - 1 - (1 << k)) >> (k - 2);
    (4 + 4 * (k - 6) + i, (1 << k) + (i + 1) * step)
}

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

/// True for a block of the region.
fn in_region(p: *mut u8) -> bool {
    let b = BASE.load(Ordering::Relaxed);
    let p = p as usize;
    b != 0 && b != usize::MAX && p >= b && p < b + REGION
}

/// `bytes` more of the region (a multiple of [`ALIGN`]): its address, or `None` when the
/// region is used up.
fn take(bytes: usize) -> Option<usize> {
    let b = base()?;
    let off = TAKEN.fetch_add(bytes, Ordering::Relaxed);
    (off.checked_add(bytes)? <= REGION).then_some(b + off)
}

/// Grows the block at `at` from `size` to `new_size` bytes when it is the region's last
/// (moving the end of the region's used part); true when it did. The region never shrinks,
/// so what lies past its used part is still zero.
fn grow_last(at: usize, size: usize, new_size: usize) -> bool {
    let b = BASE.load(Ordering::Relaxed);
    let (old_end, new_end) = (at + size - b, at + new_size - b);
    new_end <= REGION
        && TAKEN
            .compare_exchange(old_end, new_end, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

/// The size of class `c` (the inverse of [`class`]).
fn class_size(c: usize) -> usize {
    if c < 4 {
        return (c + 1) * 16;
    }
    let (k, i) = (6 + (c - 4) / 4, (c - 4) % 4);
    (1 << k) + (i + 1) * (1 << (k - 2))
}

/// The largest class whose size is at most `bytes` (at least 16).
fn floor_class(bytes: usize) -> usize {
    let (c, size) = class(bytes);
    if size > bytes { c - 1 } else { c }
}

/// Pops a freed block of class `c` or larger, the smallest there is from `c` on; its
/// address and its class's size.
fn pop_at_least(l: &mut Local, c: usize) -> Option<(usize, usize)> {
    let k = (c..CLASSES).find(|&k| l.free[k] != 0)?;
    let head = l.free[k];
    // SAFETY: a freed block of this class holds the address of the next one.
    l.free[k] = unsafe { *(head as *const usize) };
    Some((head, class_size(k)))
}

/// Puts the `bytes` (a multiple of 16) at `at`, freed memory of the region, on the free
/// list of the largest class they fill.
fn free_rest(l: &mut Local, at: usize, bytes: usize) {
    if bytes >= 16 {
        let c = floor_class(bytes);
        // SAFETY: the bytes are ours and at least 16 long: they hold the list.
        unsafe { *(at as *mut usize) = l.free[c] };
        l.free[c] = at;
    }
}

/// A block of class `(c, size)` for the calling thread: a freed one (`fresh` false), or one
/// never handed out before (`fresh` true: still the zeros of a fresh page). `None` when
/// the region is used up.
///
/// Freed memory is used before fresh memory, since every fresh page costs the kernel's
/// zeroing: a block of the class itself; for a large block, a larger freed one, its rest
/// freed again; and when the thread's chunk is used up, a freed large block as its next
/// chunk (a growing vector leaves behind freed blocks of each size it passed through).
fn block(l: &mut Local, (c, size): (usize, usize)) -> Option<(usize, bool)> {
    let head = l.free[c];
    if head != 0 {
        // SAFETY: a freed block of this class holds the address of the next one.
        l.free[c] = unsafe { *(head as *const usize) };
        return Some((head, false));
    }
    if l.next != 0 && l.end - l.next >= size {
        let p = l.next;
        l.next += size;
        return Some((p, l.fresh));
    }
    if size > CHUNK / 4 {
        if let Some((p, had)) = pop_at_least(l, c + 1) {
            free_rest(l, p + size, had - size);
            return Some((p, false));
        }
        return take(size).map(|p| (p, true));
    }
    // The rest of the old chunk (less than a quarter of one) is left unused.
    if let Some((p, had)) = pop_at_least(l, class(CHUNK / 4 + 1).0) {
        (l.next, l.end, l.fresh) = (p + size, p + had, false);
        return Some((p, false));
    }
    let p = take(CHUNK)?;
    (l.next, l.end, l.fresh) = (p + size, p + CHUNK, true);
    Some((p, true))
}

/// Largest block served from the region for now (see [`small_blocks_only`]).
static LIMIT: AtomicUsize = AtomicUsize::new(LARGEST);

/// Largest block served from the region once [`small_blocks_only`] was called.
const SMALL: usize = 256;

/// From now on, serves only blocks of up to [`SMALL`] bytes from the region, for a run
/// that will allocate much more than it ever holds at once (a diff of large inputs):
/// malloc reuses large blocks better (it coalesces freed neighbours, where the region's
/// classes keep each freed block its size), and such a run takes many pages anyway.
pub fn small_blocks_only() {
    LIMIT.store(SMALL, Ordering::Relaxed);
}

/// True for a layout served from the region.
fn regional(l: Layout) -> bool {
    l.size() <= LIMIT.load(Ordering::Relaxed) && l.align() <= ALIGN && l.size() > 0
}

/// Where huge pages start in the region (an address), once [`huge_pages`] asked for them.
static HUGE_FROM: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Asks for transparent huge pages in the part of the region not yet handed out, from its
/// first 2 MiB boundary on (see the CLI's `huge_pages_for_this_thread`): what lies below is
/// already mapped in small pages, a fault per 4 KiB. The calling thread leaves its chunk
/// if that lies below, so that its next blocks come from huge pages too. Only a hint.
pub fn huge_pages() {
    // Once: a second skip would leave the rest of a huge page already in use.
    static ASKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !ASKED.swap(true, Ordering::Relaxed) {
        let Some(b) = base() else { return };
        const HUGE: usize = 2 << 20;
        let taken = TAKEN.load(Ordering::Relaxed);
        let from = ((b + taken + HUGE - 1) & !(HUGE - 1)) - b;
        // Skip to the boundary unless another thread took chunks meanwhile (then it is
        // done).
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
        HUGE_FROM.store(b + from, Ordering::Relaxed);
    }
    let from = HUGE_FROM.load(Ordering::Relaxed);
    with_local(|t| {
        if t.next < from {
            (t.next, t.end) = (0, 0);
        }
    });
}

// SAFETY: blocks of the region are disjoint ranges of a mapping that lives as long as the
// process (each chunk goes to one thread; a block is handed out again only after it was
// freed), sized by class so that a freed block is at least as long as any block of its
// class, and 16-aligned (every class size and chunk is a multiple of 16, the region and the
// huge-page boundary too); everything else is the system allocator's, and each block goes
// back to the allocator it came from (told apart by address).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if regional(l) {
            if let Some((p, _)) = with_local(|t| block(t, class(l.size()))) {
                return p as *mut u8;
            }
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(l) }
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if regional(l) {
            if let Some((p, fresh)) = with_local(|t| block(t, class(l.size()))) {
                if !fresh {
                    // SAFETY: the block is at least `l.size()` long and now ours.
                    unsafe { std::ptr::write_bytes(p as *mut u8, 0, l.size()) };
                }
                return p as *mut u8;
            }
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(l) }
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if !in_region(p) {
            // SAFETY: a block of the system allocator, with its layout.
            return unsafe { System.dealloc(p, l) };
        }
        let (c, _) = class(l.size());
        with_local(|t| {
            // SAFETY: the block is ours again and at least 16 bytes long: it holds the list.
            unsafe { *(p as *mut usize) = t.free[c] };
            t.free[c] = p as usize;
        });
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if !in_region(p) {
            // SAFETY: a block of the system allocator; the caller's contract, passed on.
            return unsafe { System.realloc(p, l, new_size) };
        }
        let (c, size) = class(l.size());
        if new_size <= LARGEST {
            let (nc, new_class_size) = class(new_size);
            if nc == c {
                return p;
            }
            // The thread's last carved block grows in place when its chunk has room; a block
            // taken from the region on its own, when it is the region's last.
            let at = p as usize;
            let grown = nc > c
                && if size > CHUNK / 4 {
                    grow_last(at, size, new_class_size)
                } else {
                    with_local(|t| {
                        let room = at + size == t.next && t.end - at >= new_class_size;
                        if room {
                            t.next = at + new_class_size;
                        }
                        room
                    })
                };
            if grown {
                return p;
            }
        }
        // SAFETY: the caller guarantees a valid layout of `new_size` with this alignment.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, l.align()) };
        // SAFETY: as for `alloc`.
        let q = unsafe { self.alloc(new) };
        if !q.is_null() {
            // SAFETY: both blocks are at least this long and distinct; `p` is freed once.
            unsafe {
                std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
                self.dealloc(p, l);
            }
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
    fn size_classes_fit_and_waste_at_most_a_quarter() {
        let mut last = (0, 0);
        let sizes = (1..=4096).chain((12..=23).flat_map(|k| {
            let p = 1usize << k;
            [p - 1, p, p + 1, p + p / 4, p + p / 4 + 1, 2 * p - 1]
        }));
        for size in sizes.filter(|&s| s <= LARGEST) {
            let (c, cs) = class(size);
            assert!(
                c < CLASSES && cs >= size && cs % ALIGN == 0,
                "{size}: {c} {cs}"
            );
            assert!(size <= 64 || cs - size < cs / 4 + 1, "{size}: {cs}");
            if size > last.1 {
                assert!(c >= last.0, "classes grow with sizes ({size})");
            }
            last = (c, cs);
        }
        assert_eq!(class(LARGEST), (CLASSES - 1, LARGEST));
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_keep_their_contents_when_grown() {
        let a = Allocator;
        let mut blocks = Vec::new();
        for (k, align) in [1, 2, 4, 8, 16, 8, 1].iter().cycle().take(300).enumerate() {
            let l = layout(1 + (k * k * 37) % 40_000, *align);
            // SAFETY: a valid, non-zero layout; the block is written within its size.
            let p = unsafe { a.alloc(l) };
            assert!(!p.is_null() && in_region(p));
            assert_eq!(p as usize % align, 0);
            // SAFETY: `p` is a fresh block of `l.size()` bytes.
            unsafe { std::ptr::write_bytes(p, k as u8, l.size()) };
            blocks.push((p, l, k as u8));
        }
        let check = |p: *mut u8, n: usize, v: u8| {
            // SAFETY: the block is live and at least `n` long.
            let s = unsafe { std::slice::from_raw_parts(p, n) };
            assert!(s.iter().all(|&x| x == v));
        };
        for &(p, l, v) in &blocks {
            check(p, l.size(), v);
        }
        // Grown through the classes (in place or moved), past the largest (to the system
        // allocator) and back: contents kept.
        let (mut p, l, v) = blocks[10];
        let mut size = l.size();
        for new_size in [size + 1, 3 * size, 70_000, LARGEST + 1, 5_000, 100] {
            // SAFETY: `p` is live with this size and alignment; sizes are non-zero.
            p = unsafe { a.realloc(p, layout(size, l.align()), new_size) };
            assert!(
                new_size <= LARGEST || !in_region(p),
                "too large for the region"
            );
            check(p, size.min(new_size).min(l.size()), v);
            size = new_size;
        }
        // SAFETY: live blocks with their layouts, each freed once.
        unsafe { a.dealloc(p, layout(size, l.align())) };
        for &(p, l, v) in &blocks[11..] {
            check(p, l.size(), v);
            // SAFETY: as above.
            unsafe { a.dealloc(p, l) };
        }
    }

    #[test]
    fn freed_blocks_are_reused_and_zeroed_when_asked() {
        let a = Allocator;
        let l = layout(200, 8);
        // SAFETY: valid layouts; blocks written and read within their sizes, freed once.
        unsafe {
            let p = a.alloc(l);
            std::ptr::write_bytes(p, 0xAB, 200);
            a.dealloc(p, l);
            // Same class (193..=224 bytes): the same block.
            let q = a.alloc_zeroed(layout(220, 16));
            assert_eq!(p, q);
            assert!(std::slice::from_raw_parts(q, 220).iter().all(|&x| x == 0));
            a.dealloc(q, layout(220, 16));
            // A fresh block is zero too.
            let z = a.alloc_zeroed(layout(3000, 8));
            assert!(std::slice::from_raw_parts(z, 3000).iter().all(|&x| x == 0));
            a.dealloc(z, layout(3000, 8));
        }
    }

    #[test]
    fn class_sizes_invert_classes() {
        for c in 0..CLASSES {
            assert_eq!(class(class_size(c)), (c, class_size(c)));
            assert_eq!(floor_class(class_size(c)), c);
            assert_eq!(floor_class(class_size(c) + 15), c);
        }
    }

    #[test]
    fn a_freed_large_block_serves_smaller_large_blocks_before_fresh_memory() {
        // A thread of its own: free lists and chunks are per thread.
        std::thread::spawn(|| {
            let a = Allocator;
            // SAFETY: valid layouts; blocks freed once with their layouts.
            unsafe {
                let big = a.alloc(layout(64 << 10, 16));
                a.dealloc(big, layout(64 << 10, 16));
                // 20 KiB from the front of the freed 64 KiB, the rest (44 KiB) freed again
                // in the 40 KiB class, which serves the next 40 KiB block.
                let p = a.alloc(layout(20 << 10, 16));
                assert_eq!(p, big);
                let q = a.alloc(layout(40 << 10, 16));
                assert_eq!(q as usize, big as usize + (20 << 10));
                a.dealloc(p, layout(20 << 10, 16));
                a.dealloc(q, layout(40 << 10, 16));
            }
        })
        .join()
        .expect("thread");
    }

    #[test]
    fn a_chunk_made_of_a_freed_block_hands_out_zeroed_blocks_when_asked() {
        std::thread::spawn(|| {
            let a = Allocator;
            let l = layout(1000, 8);
            // SAFETY: valid layouts; blocks written and read within their sizes, freed once.
            unsafe {
                let big = a.alloc(layout(32 << 10, 16)) as usize;
                std::ptr::write_bytes(big as *mut u8, 0xFF, 32 << 10);
                a.dealloc(big as *mut u8, layout(32 << 10, 16));
                // Small zeroed blocks until eight came from the freed block (once the
                // thread's chunk is used up, that block is its next chunk).
                let mut inside = 0;
                for _ in 0..2 * CHUNK / 1024 {
                    let p = a.alloc_zeroed(l);
                    assert!(std::slice::from_raw_parts(p, 1000).iter().all(|&x| x == 0));
                    if (big..big + (32 << 10)).contains(&(p as usize)) {
                        inside += 1;
                        if inside == 8 {
                            break;
                        }
                    }
                }
                assert_eq!(inside, 8, "the freed block became a chunk");
            }
        })
        .join()
        .expect("thread");
    }

    #[test]
    fn the_last_block_grows_in_place() {
        let a = Allocator;
        // SAFETY: valid layouts; each block freed once with its layout.
        unsafe {
            let p = a.alloc(layout(100, 8));
            let q = a.realloc(p, layout(100, 8), 1000);
            if q == p {
                // In place: the next block comes after the grown one.
                let r = a.alloc(layout(100, 8));
                assert!(r as usize >= q as usize + 1000 || (r as usize) < q as usize);
                a.dealloc(r, layout(100, 8));
            }
            a.dealloc(q, layout(1000, 8));
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

    /// Uses up the region, so it runs in a process of its own (the other tests need the
    /// region): [`a_used_up_region_hands_blocks_to_the_system_allocator`] starts it.
    #[test]
    #[ignore = "run by a_used_up_region_hands_blocks_to_the_system_allocator"]
    fn use_up_the_region() {
        let l = layout(LARGEST, 16);
        let mut blocks = Vec::new();
        for _ in 0..REGION / LARGEST + 1 {
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

    #[test]
    fn a_used_up_region_hands_blocks_to_the_system_allocator() {
        let exe = std::env::current_exe().expect("test binary");
        let out = std::process::Command::new(exe)
            .args([
                "--ignored",
                "--exact",
                "cli::alloc::tests::use_up_the_region",
            ])
            .output()
            .expect("run the test binary");
        let log = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && log.contains("1 passed"), "{log}");
    }
}

//! The process allocator: mimalloc, counting the bytes it has handed out and not yet been
//! given back (`taskmanager_heap_live_bytes`).
//!
//! RSS says what the process holds from the kernel, including pages an allocator keeps after
//! a burst and fragmentation; the live heap says what the program itself keeps. Their gap is
//! the first thing to look at when memory grows, and the live heap is what a change like "a
//! thousand idle sockets" costs precisely (the fan-out benchmark reads it per socket).
//!
//! Counting is one relaxed add per allocation on one of 16 cache-line-sized counters picked
//! by thread, so threads do not contend on one line.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

/// mimalloc, counted. `live_bytes` stays 0 where the binary's allocator is not in use (tests
/// that run the app in-process).
pub struct Counting;

#[repr(align(64))]
struct Shard(AtomicIsize);

const SHARDS: usize = 16;
static LIVE: [Shard; SHARDS] = [const { Shard(AtomicIsize::new(0)) }; SHARDS];

thread_local! {
    /// Only its address is used: it tells threads apart without any initialisation (nothing
    /// here may allocate).
    static MARK: u8 = const { 0 };
}

#[inline]
fn shard() -> &'static AtomicIsize {
    // During thread teardown the mark may be gone: any shard will do then.
    let at = MARK
        .try_with(|m| std::ptr::from_ref(m) as usize)
        .unwrap_or(0);
    &LIVE[(at >> 6) % SHARDS].0
}

#[inline]
fn count(delta: isize) {
    shard().fetch_add(delta, Relaxed);
}

/// Bytes allocated and not freed, over the whole process.
pub fn live_bytes() -> i64 {
    let sum: isize = LIVE.iter().map(|s| s.0.load(Relaxed)).sum();
    i64::try_from(sum).unwrap_or(i64::MAX).max(0)
}

// SAFETY: every call is passed to mimalloc unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if !p.is_null() {
            count(layout.size().cast_signed());
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size().cast_signed());
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        count(-layout.size().cast_signed());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size.cast_signed() - layout.size().cast_signed());
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counters_follow_allocations_and_frees() {
        // Called directly (the test binary's own allocator is the system one).
        let layout = Layout::from_size_align(4096, 8).expect("a valid layout");
        let before = live_bytes();
        // SAFETY: a non-zero layout; freed below with the same layout.
        let p = unsafe { Counting.alloc(layout) };
        assert!(!p.is_null());
        assert_eq!(live_bytes() - before, 4096);
        // SAFETY: `p` came from this allocator with `layout`.
        let q = unsafe { Counting.realloc(p, layout, 8192) };
        assert!(!q.is_null());
        assert_eq!(live_bytes() - before, 8192);
        let bigger = Layout::from_size_align(8192, 8).expect("a valid layout");
        // SAFETY: `q` came from this allocator with `bigger`'s size.
        unsafe { Counting.dealloc(q, bigger) };
        assert_eq!(live_bytes(), before);
    }
}

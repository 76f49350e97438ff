//! The wasm's allocator: power-of-two size classes, one free list each, carved from memory
//! that only grows. A few hundred bytes of wasm instead of dlmalloc's ~5 KB. It does not leak:
//! a freed block goes back to its class's list and serves the next allocation of that class,
//! so a long-lived instance repeating the same calls stays at the same memory size.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// The unit of memory growth (a wasm page).
pub const PAGE: usize = 65_536;
/// The smallest block, 16 bytes: every block is 16-aligned and can hold a free-list link.
const MIN_BLOCK: usize = 16;
const CLASSES: usize = usize::BITS as usize;

/// Where fresh memory comes from.
pub trait Source {
    /// Adds `pages` pages of memory; returns the address of the first, None when refused.
    fn grow(&self, pages: usize) -> Option<usize>;
}

/// `memory.grow` on the wasm's own memory.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Source for WasmMemory {
    fn grow(&self, pages: usize) -> Option<usize> {
        let previous = core::arch::wasm32::memory_grow(0, pages);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

struct State {
    /// Head of each class's free list (0: empty); a free block holds the address of the next.
    free: [usize; CLASSES],
    /// The untouched memory left: `next..end`.
    next: usize,
    end: usize,
}

/// A size-class allocator over a [`Source`]; single-threaded (wasm has one thread).
pub struct Heap<S> {
    state: UnsafeCell<State>,
    source: S,
}

// SAFETY: the wasm is single-threaded; native tests use a Heap from one thread only.
unsafe impl<S: Sync> Sync for Heap<S> {}

/// The block size (a power of two) and class of a layout; None when too big to exist.
fn class(layout: &Layout) -> Option<(usize, usize)> {
    let block = layout
        .size()
        .max(layout.align())
        .max(MIN_BLOCK)
        .checked_next_power_of_two()?;
    Some((block, block.trailing_zeros() as usize))
}

impl<S: Source> Heap<S> {
    /// An empty heap that asks `source` for memory when it needs some.
    pub const fn new(source: S) -> Self {
        Heap {
            state: UnsafeCell::new(State {
                free: [0; CLASSES],
                next: 0,
                end: 0,
            }),
            source,
        }
    }

    /// Takes `block` bytes aligned to `align` from the untouched memory, growing it if needed.
    fn carve(&self, s: &mut State, block: usize, align: usize) -> Option<usize> {
        let align = align.max(MIN_BLOCK);
        let fits = |s: &State| {
            let start = s.next.checked_add(align - 1)? & !(align - 1);
            Some(start).filter(|&st| st.checked_add(block).is_some_and(|e| e <= s.end))
        };
        if let Some(start) = fits(s) {
            s.next = start + block;
            return Some(start);
        }
        let pages = block.checked_add(align)?.checked_add(PAGE - 1)? / PAGE;
        let base = self.source.grow(pages)?;
        if base != s.end {
            s.next = base;
        }
        s.end = base + pages * PAGE;
        let start = fits(s)?;
        s.next = start + block;
        Some(start)
    }
}

// SAFETY: blocks never overlap: each comes either from the untouched memory (which only moves
// forward) or from a free list, which holds only blocks given back by `dealloc` with the same
// class; a block is at least as big and as aligned as the layout it was handed out for.
unsafe impl<S: Source> GlobalAlloc for Heap<S> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((block, class)) = class(&layout) else {
            return null_mut();
        };
        let s = &mut *self.state.get();
        let head = s.free[class];
        if head != 0 && head % layout.align() == 0 {
            s.free[class] = *(head as *const usize);
            return head as *mut u8;
        }
        self.carve(s, block, layout.align())
            .map_or(null_mut(), |a| a as *mut u8)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some((_, class)) = class(&layout) {
            let s = &mut *self.state.get();
            *(ptr as *mut usize) = s.free[class];
            s.free[class] = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(&layout) == class(&new_layout) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Memory of a test: `pages` pages at most, handed out in order from an aligned buffer.
    struct Fake {
        memory: Vec<u128>,
        used: Cell<usize>,
        pages: usize,
    }

    impl Fake {
        fn new(pages: usize) -> Self {
            Fake {
                memory: vec![0; pages * PAGE / 16],
                used: Cell::new(0),
                pages,
            }
        }
    }

    impl Source for Fake {
        fn grow(&self, pages: usize) -> Option<usize> {
            let used = self.used.get();
            (used + pages <= self.pages).then(|| {
                self.used.set(used + pages);
                self.memory.as_ptr() as usize + used * PAGE
            })
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_and_do_not_overlap() {
        let heap = Heap::new(Fake::new(4));
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        for (size, align) in [
            (1, 1),
            (24, 8),
            (100, 4),
            (3, 2),
            (64, 64),
            (5000, 16),
            (7, 1),
        ] {
            let p = unsafe { heap.alloc(layout(size, align)) } as usize;
            assert!(p != 0 && p % align.max(16) == 0);
            assert!(blocks.iter().all(|&(q, n)| p + size <= q || q + n <= p));
            blocks.push((p, size));
        }
    }

    #[test]
    fn a_long_lived_heap_reuses_what_is_freed() {
        let heap = Heap::new(Fake::new(2));
        for _ in 0..100_000 {
            let sizes = [10, 200, 3000, 40];
            let ptrs = sizes.map(|n| unsafe { heap.alloc(layout(n, 8)) });
            assert!(ptrs.iter().all(|p| !p.is_null()));
            for (p, n) in ptrs.into_iter().zip(sizes) {
                unsafe { heap.dealloc(p, layout(n, 8)) };
            }
        }
        assert_eq!(heap.source.used.get(), 1);
    }

    #[test]
    fn realloc_keeps_the_contents() {
        let heap = Heap::new(Fake::new(4));
        unsafe {
            let p = heap.alloc(layout(3, 1));
            p.copy_from_nonoverlapping(b"abc".as_ptr(), 3);
            let same = heap.realloc(p, layout(3, 1), 9);
            assert_eq!(same, p, "grows in place within its class");
            let q = heap.realloc(same, layout(9, 1), 70_000);
            assert_eq!(std::slice::from_raw_parts(q, 3), b"abc");
        }
    }

    #[test]
    fn memory_refused_is_a_null_pointer() {
        let heap = Heap::new(Fake::new(1));
        assert!(unsafe { heap.alloc(layout(PAGE * 2, 8)) }.is_null());
        assert!(unsafe { heap.alloc(layout(isize::MAX as usize - 8, 8)) }.is_null());
        assert!(!unsafe { heap.alloc(layout(100, 8)) }.is_null());
    }
}

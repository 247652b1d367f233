// SPDX-License-Identifier: GPL-2.0

//! The sizes of ferroute's own slab caches and what an allocation of a
//! given size costs (pure arithmetic: no `unsafe`, no kernel calls; the
//! host build includes this file too, so that the FIB's memory counts are
//! the same on both).
//!
//! kmalloc rounds a request up to its next cache: powers of two from 8
//! bytes, plus 96 and 192. A request just above a power of two wastes
//! almost half of what it gets, and the FIB's slices are such requests:
//! a trie node's value slice of four routes is 304 bytes and got 512, one
//! of eight 592 and got 1,024 (on a 920,000-route table, 28 % of the
//! slab memory of the trie was kmalloc's rounding). The classes below
//! fill the gaps above 128 bytes in quarter steps, as Linux gives its own
//! FIB objects caches of their exact size (`ip_fib_alias`, `ip_fib_trie`).

/// Object sizes of ferroute's slab caches, ascending; each is a multiple
/// of [`SLAB_CLASS_ALIGN`].
pub const SLAB_CLASSES: [usize; 14] = [
    160, 224, 320, 384, 448, 640, 768, 896, 1280, 1536, 1792, 2560, 3072, 3584,
];

/// The alignment of every object of ferroute's slab caches.
pub const SLAB_CLASS_ALIGN: usize = 16;

/// The bytes kmalloc hands out for a request of `n` bytes (SLUB on x86-64
/// with 4 KiB pages: its caches, then whole pages in powers of two).
pub const fn kmalloc_size(n: usize) -> usize {
    match n {
        0 => 0,
        1..=8 => 8,
        65..=96 => 96,
        129..=192 => 192,
        _ => match n.checked_next_power_of_two() {
            Some(p) => p,
            None => usize::MAX,
        },
    }
}

/// Which of [`SLAB_CLASSES`] serves a request of `size` bytes aligned to
/// `align`: the smallest that holds it, if that is smaller than what
/// kmalloc would give; `None` if kmalloc serves it.
pub const fn slab_class(size: usize, align: usize) -> Option<usize> {
    if align > SLAB_CLASS_ALIGN {
        return None;
    }
    let mut i = 0;
    while i < SLAB_CLASSES.len() {
        if size <= SLAB_CLASSES[i] {
            return if SLAB_CLASSES[i] < kmalloc_size(size) {
                Some(i)
            } else {
                None
            };
        }
        i += 1;
    }
    None
}

/// The bytes a request of `n` bytes (alignment at most
/// [`SLAB_CLASS_ALIGN`]) gets from the slab allocator as ferroute's
/// `slab::alloc` makes it: from its class if one serves it, from kmalloc
/// otherwise.
pub const fn slab_size(n: usize) -> usize {
    match slab_class(n, 1) {
        Some(i) => SLAB_CLASSES[i],
        None => kmalloc_size(n),
    }
}

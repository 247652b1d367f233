// SPDX-License-Identifier: GPL-2.0

//! ferroute's own slab caches, for the allocation sizes kmalloc rounds up
//! the most (see [`slab_classes`](super::slab_classes)).
//!
//! C header: [`include/linux/slab.h`](srctree/include/linux/slab.h)
//!
//! [`alloc`] serves a request from the smallest of ferroute's caches that
//! holds it when that is smaller than kmalloc's, and from kmalloc
//! otherwise, or while the caches do not exist (before
//! [`SlabClasses::register`], after its registration is dropped, in the
//! KUnit module, which registers none). [`free`] is `kfree`, which takes
//! both (`kfree`'s contract: "pointer returned by kmalloc() or
//! kmem_cache_alloc()").
//!
//! A cache must not be destroyed while an allocation from it is under
//! way. The caches are published in a static array; an allocation counts
//! itself in [`ALLOCATING`] around reading its cache's pointer and
//! allocating from it, and the registration's drop unpublishes the caches
//! and waits for that count to be zero before destroying them. Objects
//! still allocated when a cache is destroyed keep it alive:
//! `kmem_cache_destroy` then warns and leaves the cache in place
//! (mm/slab_common.c: it returns before `kmem_cache_release` when
//! `__kmem_cache_shutdown` fails), so a later `kfree` of them is still
//! sound; the module drops every router and waits for its RCU callbacks
//! before dropping the registration, so that there are none.

use super::bindings;
pub use super::slab_classes::{kmalloc_size, slab_size};
use super::slab_classes::{slab_class, SLAB_CLASSES, SLAB_CLASS_ALIGN};
use super::vec::AllocError;
use core::alloc::Layout;
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use kernel::alloc::{allocator::Kmalloc, flags::GFP_KERNEL, Allocator};
use kernel::c_str;
use kernel::str::CStr;

/// The published caches, one per [`SLAB_CLASSES`] entry; null where there
/// is none (kmalloc serves that class).
static CACHES: [AtomicPtr<bindings::kmem_cache>; SLAB_CLASSES.len()] =
    [const { AtomicPtr::new(null_mut()) }; SLAB_CLASSES.len()];

/// Allocations that may be using a cache they read from [`CACHES`].
static ALLOCATING: AtomicUsize = AtomicUsize::new(0);

/// Whether a [`SlabClasses`] registration exists.
static REGISTERED: AtomicBool = AtomicBool::new(false);

/// The caches' names, as /proc/slabinfo shows them.
const NAMES: [&CStr; SLAB_CLASSES.len()] = [
    c_str!("ferroute-160"),
    c_str!("ferroute-224"),
    c_str!("ferroute-320"),
    c_str!("ferroute-384"),
    c_str!("ferroute-448"),
    c_str!("ferroute-640"),
    c_str!("ferroute-768"),
    c_str!("ferroute-896"),
    c_str!("ferroute-1280"),
    c_str!("ferroute-1536"),
    c_str!("ferroute-1792"),
    c_str!("ferroute-2560"),
    c_str!("ferroute-3072"),
    c_str!("ferroute-3584"),
];

/// The registration of ferroute's slab caches: they exist while it does.
/// At most one exists at a time.
pub struct SlabClasses(());

impl SlabClasses {
    /// Creates the caches and publishes them (process context: it
    /// sleeps). A cache that cannot be created is left to kmalloc.
    /// `EBUSY` if a registration exists.
    pub fn register() -> kernel::error::Result<Self> {
        if REGISTERED
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(super::errno(bindings::EBUSY));
        }
        for ((slot, name), size) in CACHES.iter().zip(NAMES).zip(SLAB_CLASSES) {
            // Sizes and the alignment are small constants: no truncation.
            // SAFETY: FFI call; `name` is a NUL-terminated string that the
            // slab allocator copies (`kstrdup_const`: a module's rodata is
            // not the kernel's; a cache merged into another gets a sysfs
            // link, which copies it too), the size a multiple of the
            // alignment, a power of two. It sleeps: `register` is called
            // at module init.
            let cache = unsafe {
                bindings::ferroute_slab_create(
                    name.as_char_ptr(),
                    size as u32,
                    SLAB_CLASS_ALIGN as u32,
                )
            };
            slot.store(cache, Ordering::Release);
        }
        Ok(Self(()))
    }
}

impl Drop for SlabClasses {
    fn drop(&mut self) {
        let mut taken = [null_mut(); SLAB_CLASSES.len()];
        for (slot, t) in CACHES.iter().zip(taken.iter_mut()) {
            // SeqCst with the allocations' count below (a store-load pair
            // on each side): an allocation that counted itself after this
            // wait's last read of the count sees the null.
            *t = slot.swap(null_mut(), Ordering::SeqCst);
        }
        while ALLOCATING.load(Ordering::SeqCst) != 0 {
            super::time::cond_resched();
            core::hint::spin_loop();
        }
        for cache in taken {
            if !cache.is_null() {
                // Objects still allocated from it keep the cache alive
                // (module documentation). It sleeps (slab_mutex), like
                // every registration's drop.
                // SAFETY: `cache` came from `kmem_cache_create` in
                // `register` and was unpublished above: no allocation from
                // it is under way (the wait) or can start (not in `CACHES`
                // any more); swapped out once, so destroyed once.
                unsafe { bindings::kmem_cache_destroy(cache) };
            }
        }
        REGISTERED.store(false, Ordering::Release);
    }
}

/// Allocates `layout` (GFP_KERNEL: process context, it may sleep) from
/// ferroute's cache for its size if one serves it, else from kmalloc. The
/// memory is uninitialised, at least `layout.size()` bytes, aligned to
/// `layout.align()`; [`free`] frees it.
pub fn alloc(layout: Layout) -> Result<NonNull<u8>, AllocError> {
    if let Some(i) = slab_class(layout.size(), layout.align()) {
        ALLOCATING.fetch_add(1, Ordering::SeqCst);
        let cache = CACHES
            .get(i)
            .map_or(null_mut(), |c| c.load(Ordering::SeqCst));
        let mem = if cache.is_null() {
            null_mut()
        } else {
            // SAFETY: FFI call; `cache` is published, so not destroyed
            // while this allocation is counted in `ALLOCATING` (the
            // registration's drop waits for the count). Process context
            // is this function's documented requirement.
            unsafe { bindings::ferroute_slab_alloc(cache) }
        };
        ALLOCATING.fetch_sub(1, Ordering::SeqCst);
        if let Some(mem) = NonNull::new(mem.cast::<u8>()) {
            // The class's objects are `SLAB_CLASSES[i]` >= `layout.size()`
            // bytes, aligned to `SLAB_CLASS_ALIGN` >= `layout.align()`
            // (`slab_class` checked both).
            return Ok(mem);
        }
        if !cache.is_null() {
            return Err(AllocError);
        }
    }
    Kmalloc::alloc(layout, GFP_KERNEL)
        .map(|p| p.cast::<u8>())
        .map_err(|_| AllocError)
}

/// Frees memory from [`alloc`].
///
/// # Safety
///
/// `ptr` was returned by [`alloc`] and is not used after this call (nor
/// freed again).
pub unsafe fn free(ptr: NonNull<u8>) {
    // SAFETY: `ptr` came from `kmem_cache_alloc` or from `Kmalloc` (i.e.
    // `krealloc` of no pointer: a kmalloc allocation), both of which
    // `kfree` takes, even after the cache was destroyed with objects left
    // (module documentation); the caller gives it up.
    unsafe { bindings::kfree(ptr.as_ptr().cast()) };
}

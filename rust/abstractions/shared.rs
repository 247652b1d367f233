// SPDX-License-Identifier: GPL-2.0

//! A shared, reference-counted value for the IPv4 logic
//! (`crate::platform::Shared`), so persistent data structures (the FIB)
//! can share unchanged parts between the version readers see and the one a
//! writer builds. The host crate has a twin over `std::sync::Arc`.
//!
//! It is `kernel::sync::Arc` with one more operation, [`Shared::get_mut`]:
//! the value of the only handle may be changed in place. A writer that
//! applies a batch of changes to its private copy of a structure copies a
//! shared node once, on the first change that reaches it, and changes its
//! copy in place after that (what `std::sync::Arc::make_mut` is for);
//! `kernel::sync::Arc` cannot tell whether a handle is the only one
//! without giving the handle up (`into_unique_or_drop`).
//!
//! Allocation uses `GFP_KERNEL`: shared structures are built by writers in
//! process context (netlink), never on the packet path, which only reads.

use super::vec::AllocError;
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::NonNull;
use kernel::alloc::flags::GFP_KERNEL;
use kernel::alloc::KBox;
use kernel::bindings;
use kernel::types::Opaque;

// `atomic_read_acquire` is inline; helpers.c wraps it. Declared here with
// `kernel::bindings::refcount_t`, the type the kernel's own refcount
// helpers take, rather than through ferroute's bindgen (two `refcount_t`
// types would need a cast).
extern "C" {
    fn ferroute_refcount_read_acquire(r: *const bindings::refcount_t) -> kernel::ffi::c_uint;
}

/// The allocation behind a [`Shared`]: the count of its handles and the
/// value.
#[repr(C)]
struct Inner<T> {
    refcount: Opaque<bindings::refcount_t>,
    value: T,
}

/// A reference-counted value, shared between the handles that point to it.
///
/// # Invariants
///
/// `ptr` points to an `Inner<T>` allocated by `KBox` (and leaked from it)
/// whose `refcount` is the number of `Shared` handles pointing to it, at
/// least one (this one). The value is changed only through
/// [`Shared::get_mut`], when the count is one.
pub struct Shared<T> {
    ptr: NonNull<Inner<T>>,
    _p: PhantomData<Inner<T>>,
}

// SAFETY: As for `Arc<T>`: a handle sent to another thread may drop the
// value there (T: Send) or give shared access to it from there (T: Sync).
unsafe impl<T: Send + Sync> Send for Shared<T> {}

// SAFETY: As for `Arc<T>`: `&Shared<T>` gives `&T` (T: Sync) and can be
// cloned into a handle that drops the value on another thread (T: Send).
unsafe impl<T: Send + Sync> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// Moves `v` into a new shared allocation.
    pub fn try_new(v: T) -> Result<Self, AllocError> {
        let inner = KBox::new(
            Inner {
                // SAFETY: FFI call; `REFCOUNT_INIT` only builds a value.
                refcount: Opaque::new(unsafe { bindings::REFCOUNT_INIT(1) }),
                value: v,
            },
            GFP_KERNEL,
        )
        .map_err(|_| AllocError)?;
        // INVARIANT: A new KBox allocation, leaked, with one handle: this.
        Ok(Self {
            ptr: NonNull::from(KBox::leak(inner)),
            _p: PhantomData,
        })
    }

    fn inner(&self) -> &Inner<T> {
        // SAFETY: By the type invariant the allocation lives while this
        // handle does, and it is only changed through `get_mut`, which
        // needs `&mut self`.
        unsafe { self.ptr.as_ref() }
    }

    /// Whether `a` and `b` are the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }

    /// The bytes an allocation holds before the value (the count and the
    /// padding to the value's alignment), for memory accounting.
    pub const fn header_bytes() -> usize {
        core::mem::offset_of!(Inner<T>, value)
    }

    /// The value, to change in place, if this is its only handle; `None`
    /// if there are others (then readers of another version of the
    /// structure may see it, and it must be copied instead).
    pub fn get_mut(&mut self) -> Option<&mut T> {
        // SAFETY: The refcount lives as long as this handle (invariant).
        let count = unsafe { ferroute_refcount_read_acquire(self.inner().refcount.get()) };
        if count != 1 {
            return None;
        }
        // SAFETY: A count of one means this is the only handle (invariant), and none can be made
        // while `self` is borrowed mutably (only cloning makes one); every `&T` borrows a handle,
        // so none exists. A handle another CPU dropped was counted down with release ordering
        // (`refcount_dec_and_test`) and the count read with acquire, so its reads came before.
        Some(unsafe { &mut (*self.ptr.as_ptr()).value })
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        // SAFETY: The refcount lives as long as this handle (invariant);
        // the count is at least one, as `refcount_inc` requires (it
        // saturates instead of overflowing).
        unsafe { bindings::refcount_inc(self.inner().refcount.get()) };
        // INVARIANT: The count now includes the new handle.
        Self {
            ptr: self.ptr,
            _p: PhantomData,
        }
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // SAFETY: The refcount lives as long as this handle (invariant).
        let last = unsafe { bindings::refcount_dec_and_test(self.inner().refcount.get()) };
        if last {
            // SAFETY: The count reached zero, so this was the last handle:
            // nothing else points to the allocation, which came from
            // `KBox::leak` (invariant); `refcount_dec_and_test` ordered
            // every other handle's use before this.
            drop(unsafe { KBox::from_raw(self.ptr.as_ptr()) });
        }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner().value
    }
}

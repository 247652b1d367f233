// SPDX-License-Identifier: GPL-2.0

//! A fallible vector for the IPv4 logic (`crate::platform::TryVec`).
//!
//! The IPv4 logic is shared with a host crate, so it cannot name
//! `kernel::alloc::KVec`; it uses this type, whose host twin (in
//! tools/testing/host) wraps `std::vec::Vec` with the same API. 6.12's KVec
//! has no remove/pop/truncate, so those are written here over
//! `set_len`/`ptr::copy`.
//!
//! The allocation flags are part of the type, chosen by the context that
//! grows the vector: [`GfpAtomic`] (the default) for what the packet path
//! grows in softirq or under a spinlock (neighbour queues, reassembly,
//! peers), [`GfpKernel`] for what only writers in process context grow
//! (the configuration: ports, addresses, FIB tables and rules, built under
//! RTNL outside any read-side section), so a million-route load may sleep
//! for memory instead of draining the atomic reserves. A `GfpKernel`
//! vector grown in atomic context is a bug that a debug kernel reports at
//! once (`might_alloc` in the allocator).

use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use kernel::alloc::{
    flags::{GFP_ATOMIC, GFP_KERNEL},
    Flags, KVec,
};

mod private {
    pub trait Sealed {}
}

/// The allocation flags of a [`TryVec`].
pub trait Gfp: private::Sealed {
    /// The flags every allocation of the vector uses.
    const FLAGS: Flags;
}

/// `GFP_ATOMIC`: the vector is grown on the packet path.
pub struct GfpAtomic;

/// `GFP_KERNEL`: the vector is grown only in process context, where it may
/// sleep.
pub struct GfpKernel;

impl private::Sealed for GfpAtomic {}
impl private::Sealed for GfpKernel {}

impl Gfp for GfpAtomic {
    const FLAGS: Flags = GFP_ATOMIC;
}

impl Gfp for GfpKernel {
    const FLAGS: Flags = GFP_KERNEL;
}

/// Allocation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;

/// A vector whose every allocation can fail.
pub struct TryVec<T, G: Gfp = GfpAtomic> {
    inner: KVec<T>,
    _gfp: PhantomData<G>,
}

impl<T, G: Gfp> IntoIterator for TryVec<T, G> {
    type Item = T;
    type IntoIter = kernel::alloc::kvec::IntoIter<T, kernel::alloc::allocator::Kmalloc>;

    /// The elements, by value, in order (freeing the buffer at the end).
    fn into_iter(self) -> Self::IntoIter {
        self.inner.into_iter()
    }
}

impl<T, G: Gfp> Default for TryVec<T, G> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, G: Gfp> TryVec<T, G> {
    /// An empty vector; does not allocate.
    pub fn new() -> Self {
        Self {
            inner: KVec::new(),
            _gfp: PhantomData,
        }
    }

    /// An empty vector with room for `n` elements.
    pub fn try_with_capacity(n: usize) -> Result<Self, AllocError> {
        KVec::with_capacity(n, G::FLAGS)
            .map(|inner| Self {
                inner,
                _gfp: PhantomData,
            })
            .map_err(|_| AllocError)
    }

    /// Appends `v`.
    pub fn try_push(&mut self, v: T) -> Result<(), AllocError> {
        self.inner.push(v, G::FLAGS).map_err(|_| AllocError)
    }

    /// Makes room for `additional` more elements.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        self.inner
            .reserve(additional, G::FLAGS)
            .map_err(|_| AllocError)
    }

    /// Inserts `v` at `index` (clamped to the length), shifting the rest.
    pub fn try_insert(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        let len = self.inner.len();
        let index = index.min(len);
        self.try_push(v)?;
        self.inner.as_mut_slice()[index..].rotate_right(1);
        Ok(())
    }

    /// Inserts `v` at `index` (clamped to the length) as
    /// [`TryVec::try_insert`] does, but when the vector is full it moves to
    /// a buffer of exactly one more element instead of doubling: for
    /// vectors that stay small and many (the FIB's node arrays), where
    /// spare room would be memory held for good.
    pub fn try_insert_exact(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        let len = self.inner.len();
        if len < self.inner.capacity() {
            return self.try_insert(index, v);
        }
        let mut next = Self::try_with_capacity(len.saturating_add(1))?;
        let old = core::mem::take(&mut self.inner);
        for x in old {
            // Room for `len + 1` was reserved: no allocation, cannot fail.
            next.inner.push(x, G::FLAGS).map_err(|_| AllocError)?;
        }
        *self = next;
        self.try_insert(index, v)
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// The number of elements the buffer has room for.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The elements.
    pub fn as_slice(&self) -> &[T] {
        self.inner.as_slice()
    }

    /// The elements, mutably.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.inner.as_mut_slice()
    }

    /// Removes and returns the last element.
    pub fn pop(&mut self) -> Option<T> {
        let len = self.inner.len();
        if len == 0 {
            return None;
        }
        // SAFETY: `len - 1` is in bounds, so the element is initialised; the
        // length is reduced first, so the moved-out element is never read
        // or dropped again by the vector.
        unsafe {
            self.inner.set_len(len - 1);
            Some(core::ptr::read(self.inner.as_ptr().add(len - 1)))
        }
    }

    /// Removes the element at `index`, shifting the rest down.
    pub fn remove(&mut self, index: usize) -> Option<T> {
        if index >= self.inner.len() {
            return None;
        }
        self.inner.as_mut_slice()[index..].rotate_left(1);
        self.pop()
    }

    /// Removes the element at `index`, replacing it with the last one.
    pub fn swap_remove(&mut self, index: usize) -> Option<T> {
        let len = self.inner.len();
        if index >= len {
            return None;
        }
        self.inner.as_mut_slice().swap(index, len - 1);
        self.pop()
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Keeps only the elements for which `f` is true, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&T) -> bool) {
        let mut kept = 0;
        for i in 0..self.inner.len() {
            if f(&self.inner[i]) {
                self.inner.as_mut_slice().swap(kept, i);
                kept += 1;
            }
        }
        self.truncate(kept);
    }

    /// Drops elements past `len`.
    pub fn truncate(&mut self, len: usize) {
        while self.inner.len() > len {
            drop(self.pop());
        }
    }
}

impl<T: Clone, G: Gfp> TryVec<T, G> {
    /// A copy of the vector.
    pub fn try_clone(&self) -> Result<Self, AllocError> {
        let mut v = Self::try_with_capacity(self.len())?;
        for x in self.as_slice() {
            v.try_push(x.clone())?;
        }
        Ok(v)
    }
}

impl<T, G: Gfp> Deref for TryVec<T, G> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T, G: Gfp> DerefMut for TryVec<T, G> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

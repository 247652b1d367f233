// SPDX-License-Identifier: GPL-2.0

//! The host twin of the kernel crate's `platform` module: a fallible
//! vector over `std::vec::Vec`, with exactly the API of the kernel's
//! KVec-backed `TryVec` (rust/abstractions/vec.rs) that the IPv4 logic may
//! use, and [`Shared`], a refcounted immutable value over `std::sync::Arc`
//! with the API of the kernel's (rust/abstractions/shared.rs, over
//! `kernel::sync::Arc`).
//!
//! `std` is bound here only (the crate root is `no_std` outside tests), so
//! that the shared code cannot name it.

extern crate std;

use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::vec::Vec;

#[path = "../../../../rust/abstractions/slab_classes.rs"]
mod slab_classes;
pub use slab_classes::{kmalloc_size, slab_size};

std::thread_local! {
    /// How many more growing allocations this thread may make; `None`: any.
    static ALLOC_BUDGET: core::cell::Cell<Option<usize>> = const { core::cell::Cell::new(None) };
}

/// Fault injection for host tests: after `n` more allocations that grow a
/// [`TryVec`] (a push into spare capacity is not one), every further one on
/// this thread fails, as the kernel's allocator may under memory pressure;
/// `None` lifts the limit. The kernel's `TryVec` has no such switch.
pub fn fail_allocations_after(n: Option<usize>) {
    ALLOC_BUDGET.with(|b| b.set(n));
}

/// Whether the next growing allocation may happen (and uses up the budget).
fn may_allocate() -> Result<(), AllocError> {
    ALLOC_BUDGET.with(|b| match b.get() {
        None => Ok(()),
        Some(0) => Err(AllocError),
        Some(n) => {
            b.set(Some(n - 1));
            Ok(())
        }
    })
}

/// Allocation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError;

mod private {
    pub trait Sealed {}
}

/// The allocation flags of a [`TryVec`] (the kernel's `GFP_*`; the host
/// allocator has none, so only the type is kept).
pub trait Gfp: private::Sealed {}

/// The kernel's `GFP_ATOMIC`: a vector grown on the packet path.
pub struct GfpAtomic;

/// The kernel's `GFP_KERNEL`: a vector grown only in process context.
pub struct GfpKernel;

impl private::Sealed for GfpAtomic {}
impl private::Sealed for GfpKernel {}
impl Gfp for GfpAtomic {}
impl Gfp for GfpKernel {}

/// A vector whose every allocation can fail.
///
/// Deliberately not `Debug` or `Clone`: the kernel's `TryVec` is neither,
/// so shared code must not rely on them.
pub struct TryVec<T, G: Gfp = GfpAtomic> {
    inner: Vec<T>,
    _gfp: PhantomData<G>,
}

impl<T, G: Gfp> IntoIterator for TryVec<T, G> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    /// The elements, by value, in order.
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
            inner: Vec::new(),
            _gfp: PhantomData,
        }
    }

    /// An empty vector with room for `n` elements.
    pub fn try_with_capacity(n: usize) -> Result<Self, AllocError> {
        if n > 0 {
            may_allocate()?;
        }
        let mut inner = Vec::new();
        inner.try_reserve_exact(n).map_err(|_| AllocError)?;
        Ok(Self {
            inner,
            _gfp: PhantomData,
        })
    }

    /// Appends `v`.
    pub fn try_push(&mut self, v: T) -> Result<(), AllocError> {
        self.try_reserve(1)?;
        self.inner.push(v);
        Ok(())
    }

    /// Makes room for `additional` more elements.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        if self.inner.capacity() - self.inner.len() < additional {
            may_allocate()?;
        }
        self.inner.try_reserve(additional).map_err(|_| AllocError)
    }

    /// Inserts `v` at `index` (clamped to the length), shifting the rest.
    pub fn try_insert(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        self.try_reserve(1)?;
        let index = index.min(self.inner.len());
        self.inner.insert(index, v);
        Ok(())
    }

    /// Inserts `v` at `index` (clamped to the length); when full, grows to
    /// exactly one more element instead of doubling.
    pub fn try_insert_exact(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        if self.inner.len() == self.inner.capacity() {
            may_allocate()?;
            self.inner.try_reserve_exact(1).map_err(|_| AllocError)?;
        }
        let index = index.min(self.inner.len());
        self.inner.insert(index, v);
        Ok(())
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
        self.inner.pop()
    }

    /// Removes the element at `index`, shifting the rest; `None` if out of
    /// range.
    pub fn remove(&mut self, index: usize) -> Option<T> {
        if index < self.inner.len() {
            Some(self.inner.remove(index))
        } else {
            None
        }
    }

    /// Removes the element at `index`, moving the last one into its place;
    /// `None` if out of range.
    pub fn swap_remove(&mut self, index: usize) -> Option<T> {
        if index < self.inner.len() {
            Some(self.inner.swap_remove(index))
        } else {
            None
        }
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    /// Keeps the elements for which `f` is true, in order.
    pub fn retain(&mut self, f: impl FnMut(&T) -> bool) {
        self.inner.retain(f);
    }

    /// Shortens the vector to `len` elements (no-op if already shorter).
    pub fn truncate(&mut self, len: usize) {
        self.inner.truncate(len);
    }
}

impl<T: Clone, G: Gfp> TryVec<T, G> {
    /// A copy of the vector.
    pub fn try_clone(&self) -> Result<Self, AllocError> {
        let mut v = Self::try_with_capacity(self.len())?;
        v.inner.extend_from_slice(&self.inner);
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

/// A reference-counted immutable value (the kernel's is over
/// `kernel::sync::Arc`).
///
/// Deliberately not `Debug`: the kernel's `Shared` is not.
pub struct Shared<T> {
    inner: Arc<T>,
}

impl<T> Shared<T> {
    /// Moves `v` into a new shared allocation.
    ///
    /// `std`'s `Arc::new` aborts rather than failing, so this never returns
    /// `Err` on the host; shared code must still handle it.
    pub fn try_new(v: T) -> Result<Self, AllocError> {
        Ok(Self { inner: Arc::new(v) })
    }

    /// Whether `a` and `b` are the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The bytes an allocation holds before the value: `std`'s two
    /// counts, padded to the value's alignment. (The kernel's `Shared` has
    /// one 4-byte count; the FIB's counts are the kernel's on the host
    /// too only where they use `size_of` alone.)
    pub const fn header_bytes() -> usize {
        let a = core::mem::align_of::<T>();
        let h = 2 * core::mem::size_of::<usize>();
        h.div_ceil(a) * a
    }

    /// The value, to change in place, if this is its only handle.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        Arc::get_mut(&mut self.inner)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// A reference-counted slice (the kernel's keeps its elements in the
/// allocation of its count; this twin is an `Arc` of a vector, with the
/// same API and the same allocations that can fail: one for every new
/// slice, none for a change in place).
pub struct SharedSlice<T> {
    inner: Arc<Vec<T>>,
}

impl<T> SharedSlice<T> {
    /// Offset of the first element in the kernel's allocation (its
    /// 12-byte header padded to the elements' alignment).
    pub const ELEMS: usize = 12usize.next_multiple_of(core::mem::align_of::<T>());

    /// A slice of the one element `v`.
    pub fn try_single(v: T) -> Result<Self, AllocError> {
        may_allocate()?;
        let mut vec = Vec::new();
        vec.try_reserve_exact(1).map_err(|_| AllocError)?;
        vec.push(v);
        Ok(Self {
            inner: Arc::new(vec),
        })
    }

    /// A slice of `len` elements, element `i` being `f(i)`.
    pub fn try_from_fn(len: usize, f: impl FnMut(usize) -> T) -> Result<Self, AllocError> {
        may_allocate()?;
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| AllocError)?;
        v.extend((0..len).map(f));
        Ok(Self { inner: Arc::new(v) })
    }

    /// The number of elements the allocation has room for.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Whether `a` and `b` are the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The elements, to change in place, if this is the only handle.
    pub fn get_mut(&mut self) -> Option<&mut [T]> {
        Arc::get_mut(&mut self.inner).map(|v| v.as_mut_slice())
    }
}

impl<T: Clone> SharedSlice<T> {
    /// The elements, to change in place: this handle's own copy if shared.
    pub fn try_make_mut(&mut self) -> Result<&mut [T], AllocError> {
        if Arc::get_mut(&mut self.inner).is_none() {
            *self = Self::try_from_fn(self.len(), |i| self[i].clone())?;
        }
        self.get_mut().ok_or(AllocError)
    }

    /// Inserts `v` at `index` (clamped): in place if unique and there is
    /// room, else into a new allocation of exactly one more element.
    pub fn try_insert(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        let index = index.min(self.len());
        match Arc::get_mut(&mut self.inner) {
            Some(vec) => {
                if vec.len() == vec.capacity() {
                    may_allocate()?;
                    vec.try_reserve_exact(1).map_err(|_| AllocError)?;
                }
                vec.insert(index, v);
            }
            None => {
                may_allocate()?;
                let mut next = Vec::new();
                next.try_reserve_exact(self.len() + 1)
                    .map_err(|_| AllocError)?;
                next.extend_from_slice(&self.inner[..index]);
                next.push(v);
                next.extend_from_slice(&self.inner[index..]);
                self.inner = Arc::new(next);
            }
        }
        Ok(())
    }

    /// Removes element `index` (`None` if out of range): in place if
    /// unique, else from a copy, which may fail.
    pub fn remove(&mut self, index: usize) -> Result<Option<T>, AllocError> {
        if index >= self.len() {
            return Ok(None);
        }
        if let Some(vec) = Arc::get_mut(&mut self.inner) {
            return Ok(Some(vec.remove(index)));
        }
        may_allocate()?;
        let v = self.inner[index].clone();
        let mut next = Vec::new();
        next.try_reserve_exact(self.len() - 1)
            .map_err(|_| AllocError)?;
        for (i, x) in self.inner.iter().enumerate() {
            if i != index {
                next.push(x.clone());
            }
        }
        self.inner = Arc::new(next);
        Ok(Some(v))
    }
}

impl<T> Clone for SharedSlice<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Deref for SharedSlice<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.inner
    }
}

/// The host twin of the kernel's `with_popcnt` (rust/abstractions/cpu.rs),
/// which runs `f` compiled with `popcnt` where the CPU has it: here `f` as
/// it is. Choosing a target feature at run time takes `unsafe`, which this
/// crate forbids; the code is the same, only its speed differs.
#[inline(always)]
pub fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slab_sizes_are_kmalloc_or_the_smaller_class() {
        use slab_classes::{slab_class, SLAB_CLASSES, SLAB_CLASS_ALIGN};
        assert!(SLAB_CLASSES.windows(2).all(|w| w[0] < w[1]));
        assert!(SLAB_CLASSES.iter().all(|c| c % SLAB_CLASS_ALIGN == 0));
        // kmalloc's caches, and pages in powers of two above them.
        for (n, k) in [(0, 0), (1, 8), (9, 16), (64, 64), (65, 96), (97, 128)] {
            assert_eq!(kmalloc_size(n), k, "{n}");
        }
        for (n, k) in [
            (129, 192),
            (193, 256),
            (257, 512),
            (4097, 8192),
            (9000, 16384),
        ] {
            assert_eq!(kmalloc_size(n), k, "{n}");
        }
        // The FIB's value slices of 4 and 8 routes (16 + 72 n bytes), a
        // node slice of 6 (16 + 48 n): a class each, not kmalloc's next
        // power of two.
        assert_eq!(slab_size(304), 320);
        assert_eq!(slab_size(592), 640);
        assert_eq!(slab_size(16 + 48 * 6), 320);
        for n in 0..=9000 {
            let s = slab_size(n);
            assert!(s >= n && s <= kmalloc_size(n), "{n}: {s}");
            // A class only where it is strictly smaller than kmalloc's.
            match slab_class(n, 16) {
                Some(i) => assert!(SLAB_CLASSES[i] < kmalloc_size(n) && s == SLAB_CLASSES[i]),
                None => assert_eq!(s, kmalloc_size(n)),
            }
            // Never for an alignment the caches do not give.
            assert_eq!(slab_class(n, 32), None);
        }
    }

    #[test]
    fn insert_clamps_and_remove_out_of_range_is_none() {
        let mut v: TryVec<i32> = TryVec::new();
        v.try_push(1).unwrap();
        v.try_insert(10, 3).unwrap();
        v.try_insert(1, 2).unwrap();
        assert_eq!(v.as_slice(), &[1, 2, 3]);
        assert_eq!(v.remove(3), None);
        assert_eq!(v.swap_remove(0), Some(1));
        assert_eq!(v.as_slice(), &[3, 2]);
        let c = v.try_clone().unwrap();
        v.retain(|x| *x != 3);
        v.truncate(0);
        assert!(v.is_empty());
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn shared_clones_are_the_same_allocation() {
        let a = Shared::try_new(5u32).unwrap();
        let b = a.clone();
        let c = Shared::try_new(5u32).unwrap();
        assert!(Shared::ptr_eq(&a, &b));
        assert!(!Shared::ptr_eq(&a, &c));
        assert_eq!(*b, 5);
    }
}

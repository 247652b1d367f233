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

use super::slab;
use super::vec::AllocError;
use core::alloc::Layout;
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::NonNull;
use core::sync::atomic::{fence, AtomicBool, AtomicI32, Ordering};
use kernel::alloc::flags::GFP_KERNEL;
use kernel::alloc::KBox;

/// `REFCOUNT_SATURATED` (include/linux/refcount.h): where a count that
/// overflowed or was used after reaching zero is parked, far from both.
const REFCOUNT_SATURATED: i32 = i32::MIN / 2;

/// Whether a saturated count was reported (`WARN_ONCE`'s once).
static SATURATION_REPORTED: AtomicBool = AtomicBool::new(false);

/// A count of handles with `refcount_t`'s semantics (include/linux/refcount.h,
/// 6.12: `__refcount_add`, `__refcount_sub_and_test`): relaxed increments,
/// release decrements with an acquire fence when one reaches zero, and a
/// count that would overflow or was zero saturates (the object is leaked,
/// never freed early) with a report.
///
/// In Rust atomics rather than calls to the kernel's `refcount_inc` and
/// `refcount_dec_and_test`: those are inline functions Rust reaches through
/// exported helpers, a call for each, and a route update copies a trie node
/// by cloning every child handle (a call per child) and drops the old node
/// later (a call per child again). On x86 both compile to the same
/// `lock xadd`.
#[repr(transparent)]
struct RefCount(AtomicI32);

impl RefCount {
    /// A count of one: the handle being made.
    const fn one() -> Self {
        Self(AtomicI32::new(1))
    }

    /// The count, read with acquire: the accesses made through a handle
    /// another CPU dropped (a release decrement) come before what the
    /// caller does next.
    fn read_acquire(&self) -> i32 {
        self.0.load(Ordering::Acquire)
    }

    /// Counts one more handle. Relaxed, as `refcount_inc`: the new handle
    /// is made from one that already orders the caller's accesses.
    fn inc(&self) {
        let old = self.0.fetch_add(1, Ordering::Relaxed);
        if old <= 0 || old == i32::MAX {
            // Zero: an increment after the last handle went (a bug); at
            // or past the top: the count would wrap.
            self.saturate("addition on 0 or overflow");
        }
    }

    /// Counts one handle fewer; whether it was the last. Release, then an
    /// acquire fence for the last: every handle's accesses come before the
    /// caller frees the object.
    fn dec_and_test(&self) -> bool {
        let old = self.0.fetch_sub(1, Ordering::Release);
        if old == 1 {
            fence(Ordering::Acquire);
            return true;
        }
        if old <= 0 {
            self.saturate("underflow; use-after-free");
        }
        false
    }

    /// Parks the count at `REFCOUNT_SATURATED` and reports it once, in the
    /// words of `refcount_warn_saturate` (which the selftests' log checks
    /// look for).
    #[cold]
    fn saturate(&self, what: &str) {
        self.0.store(REFCOUNT_SATURATED, Ordering::Relaxed);
        if !SATURATION_REPORTED.swap(true, Ordering::Relaxed) {
            kernel::pr_err!("refcount_t: {}; leaking memory.\n", what);
        }
    }
}

/// The allocation behind a [`Shared`]: the count of its handles and the
/// value.
#[repr(C)]
struct Inner<T> {
    refcount: RefCount,
    value: T,
}

/// A reference-counted value, shared between the handles that point to it.
///
/// # Invariants
///
/// `ptr` points to an `Inner<T>` allocated by `KBox` (and leaked from it)
/// whose `refcount` is the number of `Shared` handles pointing to it, at
/// least one (this one), or saturated (-2^30: 2^30 handles away from one
/// or zero, so the allocation is leaked, never freed early). The value is changed only through
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
                refcount: RefCount::one(),
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
        if self.inner().refcount.read_acquire() != 1 {
            return None;
        }
        // SAFETY: A count of one means this is the only handle (invariant), and none can be made
        // while `self` is borrowed mutably (only cloning makes one); every `&T` borrows a handle,
        // so none exists. A handle another CPU dropped was counted down with release ordering
        // (`RefCount::dec_and_test`) and the count read with acquire, so its reads came before.
        Some(unsafe { &mut (*self.ptr.as_ptr()).value })
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        self.inner().refcount.inc();
        // INVARIANT: The count now includes the new handle.
        Self {
            ptr: self.ptr,
            _p: PhantomData,
        }
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        let last = self.inner().refcount.dec_and_test();
        if last {
            // SAFETY: The count reached zero, so this was the last handle:
            // nothing else points to the allocation, which came from
            // `KBox::leak` (invariant); `RefCount::dec_and_test` ordered
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

/// The header of a [`SharedSlice`]'s allocation: the count of its handles
/// and how many elements it holds and has room for. The elements follow
/// at [`SharedSlice::ELEMS`].
#[repr(C)]
struct SliceHeader {
    refcount: RefCount,
    len: u32,
    cap: u32,
}

/// A reference-counted slice whose elements live in the same allocation
/// as its count, so that reaching an element from a handle is one pointer
/// (a `Shared<KVec<T>>` is two: the shared value, then the vector's
/// buffer). For persistent structures whose readers chase many such
/// pointers in a row (the FIB trie: a node's children are the elements
/// of its parent's slice).
///
/// Its elements are changed in place only through the only handle
/// ([`SharedSlice::get_mut`] and the methods that take `&mut self`, which
/// copy the slice first when it is shared).
///
/// # Invariants
///
/// `ptr` points to an allocation made by [`slab::alloc`] with
/// `Self::layout(cap)`, `cap` being the header's, that begins with an
/// initialised [`SliceHeader`] and holds the header's `len` (at most
/// `cap`) initialised elements from offset [`SharedSlice::ELEMS`] on
/// (aligned for `T`: the allocation is, and `ELEMS` is a multiple of
/// `T`'s alignment). The
/// header's `refcount` is the number of `SharedSlice` handles pointing to
/// the allocation, at least one (this one), or saturated (as for
/// [`Shared`]). The elements and `len` are
/// changed only while the count is one, through `&mut self`.
pub struct SharedSlice<T> {
    ptr: NonNull<SliceHeader>,
    _p: PhantomData<T>,
}

// SAFETY: As for `Shared<T>` (and `Arc<[T]>`): a handle sent to another
// thread may drop the elements there (T: Send) or give shared access to
// them from there (T: Sync).
unsafe impl<T: Send + Sync> Send for SharedSlice<T> {}

// SAFETY: As for `Shared<T>`: `&SharedSlice<T>` gives `&[T]` (T: Sync) and
// can be cloned into a handle that drops them on another thread (T: Send).
unsafe impl<T: Send + Sync> Sync for SharedSlice<T> {}

impl<T> SharedSlice<T> {
    /// Offset of the first element: the header, padded to the elements'
    /// alignment.
    pub const ELEMS: usize =
        core::mem::size_of::<SliceHeader>().next_multiple_of(core::mem::align_of::<T>());

    /// The layout of an allocation with room for `cap` elements.
    fn layout(cap: usize) -> Result<Layout, AllocError> {
        let bytes = core::mem::size_of::<T>()
            .checked_mul(cap)
            .and_then(|b| b.checked_add(Self::ELEMS))
            .ok_or(AllocError)?;
        let align = core::mem::align_of::<T>().max(core::mem::align_of::<SliceHeader>());
        Layout::from_size_align(bytes, align)
            .map(|l| l.pad_to_align())
            .map_err(|_| AllocError)
    }

    /// A new allocation with room for `cap` elements, holding none; its
    /// only handle is the one returned.
    fn with_capacity(cap: usize) -> Result<Self, AllocError> {
        let cap32 = u32::try_from(cap).map_err(|_| AllocError)?;
        let layout = Self::layout(cap)?;
        let mem = slab::alloc(layout)?;
        let ptr = mem.cast::<SliceHeader>();
        // SAFETY: `mem` is a new allocation of at least `layout`'s size,
        // aligned to its alignment (`slab::alloc`'s guarantee), which
        // is at least a header's size and alignment; nothing else refers
        // to it yet.
        unsafe {
            ptr.as_ptr().write(SliceHeader {
                refcount: RefCount::one(),
                len: 0,
                cap: cap32,
            })
        };
        // INVARIANT: A `slab::alloc` allocation of `layout(cap)` with an
        // initialised header, no elements, and one handle: this.
        Ok(Self {
            ptr,
            _p: PhantomData,
        })
    }

    fn header(&self) -> &SliceHeader {
        // SAFETY: By the type invariant the allocation lives while this
        // handle does and starts with an initialised header; `len` is
        // changed only through `&mut self`.
        unsafe { self.ptr.as_ref() }
    }

    /// The first element's place.
    fn elems(&self) -> *mut T {
        // The allocation holds at least `ELEMS` bytes (type invariant): the
        // offset stays inside it.
        self.ptr
            .as_ptr()
            .cast::<u8>()
            .wrapping_add(Self::ELEMS)
            .cast::<T>()
    }

    /// Whether this is the only handle. Acquire: the accesses of a handle
    /// another CPU dropped (`RefCount::dec_and_test`, release) come before
    /// whatever the caller then does with the elements.
    fn is_unique(&self) -> bool {
        self.header().refcount.read_acquire() == 1
    }

    /// Appends `v` if there is room and this is the only handle; gives `v`
    /// back otherwise.
    fn push_within(&mut self, v: T) -> Result<(), T> {
        let h = self.header();
        let (len, cap) = (h.len, h.cap);
        if len >= cap || !self.is_unique() {
            return Err(v);
        }
        // SAFETY: `len < cap`, so the place is inside the allocation
        // (invariant) and holds no element; this is the only handle and
        // `&mut self` excludes any borrow of the elements.
        unsafe { self.elems().add(len as usize).write(v) };
        // SAFETY: As above; the new element is initialised.
        // INVARIANT: The first `len + 1` elements are initialised.
        unsafe { (*self.ptr.as_ptr()).len = len + 1 };
        Ok(())
    }

    /// A slice of the one element `v`.
    pub fn try_single(v: T) -> Result<Self, AllocError> {
        let mut s = Self::with_capacity(1)?;
        // Room for one, one handle: `v` is not given back.
        s.push_within(v).map_err(|_| AllocError)?;
        Ok(s)
    }

    /// A slice of `len` elements, element `i` being `f(i)`.
    pub fn try_from_fn(len: usize, mut f: impl FnMut(usize) -> T) -> Result<Self, AllocError> {
        let mut s = Self::with_capacity(len)?;
        for i in 0..len {
            // There is room for `len` and `s` is the only handle: this
            // cannot give the element back.
            if s.push_within(f(i)).is_err() {
                return Err(AllocError);
            }
        }
        Ok(s)
    }

    /// The number of elements the allocation has room for.
    pub fn capacity(&self) -> usize {
        self.header().cap as usize
    }

    /// Whether `a` and `b` are the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }

    /// The elements, to change in place, if this is the only handle;
    /// `None` if there are others.
    pub fn get_mut(&mut self) -> Option<&mut [T]> {
        if !self.is_unique() {
            return None;
        }
        let len = self.header().len as usize;
        // SAFETY: The first `len` elements are initialised and aligned
        // (invariant). A count of one means this is the only handle, and
        // none can be made while `self` is borrowed mutably; every `&[T]`
        // borrows a handle, so none exists. A handle another CPU dropped
        // was counted down with release ordering and the count read with
        // acquire (`is_unique`), so its reads came before.
        Some(unsafe { core::slice::from_raw_parts_mut(self.elems(), len) })
    }
}

impl<T: Clone> SharedSlice<T> {
    /// The elements, to change in place: this handle's own copy of them
    /// if there are other handles (which keep the old ones).
    pub fn try_make_mut(&mut self) -> Result<&mut [T], AllocError> {
        if !self.is_unique() {
            let copy = Self::try_from_fn(self.len(), |i| self[i].clone())?;
            *self = copy;
        }
        // A fresh copy has one handle: this does not fail.
        self.get_mut().ok_or(AllocError)
    }

    /// Inserts `v` at `index` (clamped to the length), shifting the rest:
    /// in place if this is the only handle and there is room; else into a
    /// new allocation of exactly one more element (moving the elements if
    /// this is the only handle, copying them if not). On error nothing
    /// changed.
    pub fn try_insert(&mut self, index: usize, v: T) -> Result<(), AllocError> {
        let len = self.len();
        let index = index.min(len);
        let unique = self.is_unique();
        if unique && len < self.capacity() {
            let p = self.elems();
            // SAFETY: This is the only handle and `&mut self` excludes any
            // borrow of the elements. `len < cap`: moving elements
            // `index..len` up by one stays inside the allocation, and
            // leaves place `index` to be written without dropping it.
            unsafe {
                core::ptr::copy(p.add(index), p.add(index + 1), len - index);
                p.add(index).write(v);
                // INVARIANT: `len + 1` elements are initialised.
                (*self.ptr.as_ptr()).len = (len + 1) as u32;
            }
            return Ok(());
        }
        let mut next = Self::with_capacity(len.saturating_add(1))?;
        if unique {
            let (from, to) = (self.elems(), next.elems());
            // SAFETY: `self` is the only handle of its allocation, with
            // `len` initialised elements; `next` is new, with room for
            // `len + 1`. The elements move (bitwise) to `next` around the
            // new one, and `self`'s length becomes zero so that they are
            // not dropped twice: `self`'s allocation is then freed, empty,
            // when `next` replaces it.
            unsafe {
                core::ptr::copy_nonoverlapping(from, to, index);
                to.add(index).write(v);
                core::ptr::copy_nonoverlapping(from.add(index), to.add(index + 1), len - index);
                // INVARIANT: `next` holds `len + 1` elements, `self` none.
                (*next.ptr.as_ptr()).len = (len + 1) as u32;
                (*self.ptr.as_ptr()).len = 0;
            }
        } else {
            // `next` has room for all and is the only handle of its
            // allocation: no push gives its element back.
            for x in self[..index].iter() {
                let _ = next.push_within(x.clone());
            }
            let _ = next.push_within(v);
            for x in self[index..].iter() {
                let _ = next.push_within(x.clone());
            }
        }
        *self = next;
        Ok(())
    }

    /// Removes element `index` and returns it (`None` if out of range): in
    /// place if this is the only handle (without allocating), else from
    /// this handle's own copy (which may fail; then nothing changed).
    pub fn remove(&mut self, index: usize) -> Result<Option<T>, AllocError> {
        let len = self.len();
        if index >= len {
            return Ok(None);
        }
        if self.is_unique() {
            let p = self.elems();
            // SAFETY: This is the only handle and `&mut self` excludes any
            // borrow of the elements; `index < len`. The element is read
            // out, the ones after it move down over its place, and the
            // length shrinks by one, so each element is owned once.
            let v = unsafe {
                let v = p.add(index).read();
                core::ptr::copy(p.add(index + 1), p.add(index), len - index - 1);
                // INVARIANT: `len - 1` elements are initialised.
                (*self.ptr.as_ptr()).len = (len - 1) as u32;
                v
            };
            return Ok(Some(v));
        }
        let mut next = Self::with_capacity(len - 1)?;
        for (i, x) in self.iter().enumerate() {
            if i != index {
                // Room for `len - 1`, one handle: never given back.
                let _ = next.push_within(x.clone());
            }
        }
        let v = self[index].clone();
        *self = next;
        Ok(Some(v))
    }
}

impl<T> Clone for SharedSlice<T> {
    fn clone(&self) -> Self {
        self.header().refcount.inc();
        // INVARIANT: The count now includes the new handle.
        Self {
            ptr: self.ptr,
            _p: PhantomData,
        }
    }
}

impl<T> Drop for SharedSlice<T> {
    fn drop(&mut self) {
        let last = self.header().refcount.dec_and_test();
        if !last {
            return;
        }
        let len = self.header().len as usize;
        // SAFETY: The count reached zero: this was the last handle, and
        // `RefCount::dec_and_test` ordered every other handle's use before
        // this. The first `len` elements are initialised (invariant) and
        // dropped once, here.
        unsafe { core::ptr::drop_in_place(core::ptr::slice_from_raw_parts_mut(self.elems(), len)) };
        // SAFETY: The allocation came from `slab::alloc` (invariant) and
        // nothing refers to it any more.
        unsafe { slab::free(self.ptr.cast()) };
    }
}

impl<T> Deref for SharedSlice<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        let len = self.header().len as usize;
        // SAFETY: The first `len` elements are initialised, and their place
        // aligned for `T` (invariant); they change only through
        // `&mut self`, which this borrow excludes.
        unsafe { core::slice::from_raw_parts(self.elems(), len) }
    }
}

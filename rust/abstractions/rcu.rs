// SPDX-License-Identifier: GPL-2.0

//! RCU: read-side guards and an RCU-published boxed value.
//!
//! C header: [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h)
//!
//! [`RcuBox`] is how ferroute publishes its configuration: readers on the
//! packet path take a [`ReadGuard`] and borrow the current value lock-free;
//! a writer builds a new value, publishes it with release ordering
//! (`rcu_assign_pointer`), waits for a grace period (`synchronize_rcu`) and
//! only then frees the old one. A writer that must not wait (one route add
//! of a million-route load) uses [`RcuBox::replace_deferred`] instead,
//! which frees the old value from an RCU callback (`call_rcu`), as Linux's
//! fib_trie frees its replaced nodes.
//!
//! [`RcuMutexBox`] adds the writer's side of `rcu_dereference_protected`:
//! its writers take a mutex, and the holder borrows the current value
//! without a read-side section, so it can build the next one in process
//! context, sleeping for memory (`GFP_KERNEL`) as long as it needs.

use super::bindings;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::prelude::*;
use kernel::sync::lock::{mutex::MutexBackend, Guard};
use kernel::sync::{new_mutex, Mutex};
use kernel::types::Opaque;

/// An RCU read-side critical section (`rcu_read_lock`) until dropped.
pub struct ReadGuard {
    _not_send: PhantomData<*mut ()>,
}

impl ReadGuard {
    /// Enters a read-side critical section. Nests, and is valid in any
    /// context (the packet path already runs with bottom halves off, which
    /// is itself a read-side section; the explicit guard gives borrows a
    /// lifetime).
    pub fn new() -> Self {
        // SAFETY: FFI call without safety requirements.
        unsafe { bindings::ferroute_rcu_read_lock() };
        Self {
            _not_send: PhantomData,
        }
    }

    /// A guard for a read-side critical section the caller is already in
    /// and did not open: the networking core's around the packet handlers
    /// it calls. Lends borrows the section's lifetime without a second
    /// `rcu_read_lock`/`rcu_read_unlock` pair (two C helper calls a
    /// frame); it must not be dropped, hence the `ManuallyDrop`.
    ///
    /// # Safety
    ///
    /// The caller is inside an RCU read-side critical section that lasts
    /// at least as long as the returned guard and everything borrowed
    /// through it, and never drops the guard (dropping it would unlock a
    /// section this guard did not lock).
    pub(crate) unsafe fn held() -> ManuallyDrop<Self> {
        ManuallyDrop::new(Self {
            _not_send: PhantomData,
        })
    }
}

impl Default for ReadGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ReadGuard {
    fn drop(&mut self) {
        // SAFETY: Paired with the lock taken in `new` on this thread (the
        // guard is not Send).
        unsafe { bindings::ferroute_rcu_read_unlock() };
    }
}

/// Marks a function that may sleep (`might_sleep`): on a kernel with
/// CONFIG_DEBUG_ATOMIC_SLEEP (the test kernel), calling it inside a
/// read-side section (while a [`ReadGuard`] lives), under a spinlock or in
/// softirq is reported at once, with the caller's stack, on every path,
/// also those that return without sleeping. Every sleeping function of the
/// abstraction layer calls it first.
///
/// Why not a compile-time proof: a [`ReadGuard`] is taken in every context
/// (softirq, timers, netlink), so a token that a guard borrows and a
/// sleeping function demands would have to be threaded through every
/// caller of both; the kernel's own `rcu::Guard` makes the same choice.
pub fn might_sleep() {
    // SAFETY: FFI call without requirements: it only checks and reports.
    unsafe { bindings::ferroute_might_sleep() };
}

/// Waits for every RCU reader that started before to finish.
pub fn synchronize() {
    might_sleep();
    // SAFETY: FFI call; callers are in process context (it sleeps).
    unsafe { bindings::synchronize_rcu() };
}

/// Waits for every RCU callback queued so far to have run (`rcu_barrier`):
/// after it, no callback of this module can still be pending.
pub fn barrier() {
    might_sleep();
    // SAFETY: FFI call; callers are in process context (it sleeps).
    unsafe { bindings::rcu_barrier() };
}

/// A value replaced by [`RcuBox::replace_deferred`], waiting in an RCU
/// callback to be freed.
///
/// # Invariants
///
/// `old` comes from `KBox::into_raw` and is owned by this object; `head` is
/// the first field, so a pointer to it is a pointer to the whole object.
#[repr(C)]
struct Retired<T> {
    head: Opaque<bindings::callback_head>,
    old: *mut T,
}

/// The RCU callback of [`RcuBox::replace_deferred`].
///
/// # Safety
///
/// `head` is the `head` of a `Retired<T>` made by `KBox::into_raw`, queued
/// with `call_rcu`; the RCU core calls this once, after a grace period.
unsafe extern "C" fn free_retired<T>(head: *mut bindings::callback_head) {
    // SAFETY: `head` is the first field of a `#[repr(C)]` `Retired<T>` that
    // came from `KBox::into_raw` (caller's guarantee and type invariant).
    let retired = unsafe { KBox::from_raw(head.cast::<Retired<T>>()) };
    // SAFETY: `old` is an owned `KBox` (type invariant); a grace period has
    // passed since it was unpublished, so no reader can still borrow it.
    drop(unsafe { KBox::from_raw(retired.old) });
}

/// A value published under RCU.
///
/// # Invariants
///
/// `ptr` is null or comes from `KBox::into_raw` and is owned by this object;
/// a pointer that was replaced is freed only after a grace period.
pub struct RcuBox<T> {
    ptr: AtomicPtr<T>,
}

// SAFETY: The value is shared with readers on any CPU (needs Sync) and freed
// by whichever thread replaces or drops it (needs Send).
unsafe impl<T: Send + Sync> Sync for RcuBox<T> {}
// SAFETY: As above.
unsafe impl<T: Send + Sync> Send for RcuBox<T> {}

impl<T> RcuBox<T> {
    /// Creates an empty box.
    pub const fn empty() -> Self {
        Self {
            ptr: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Borrows the current value for the length of a read-side section.
    pub fn read<'a>(&'a self, _guard: &'a ReadGuard) -> Option<&'a T> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: A non-null pointer is a live `KBox` (type invariant); it is
        // freed only after a grace period that cannot end while `_guard`'s
        // read-side section, which bounds 'a, is open.
        unsafe { p.as_ref() }
    }

    /// Publishes `new` and frees the previous value after a grace period.
    /// Sleeps: never inside a read-side section ([`might_sleep`] reports
    /// that on a debug kernel, even when there is no old value). Writers must be serialized by the caller
    /// (ferroute holds RTNL).
    pub fn replace(&self, new: Option<KBox<T>>) {
        might_sleep();
        let new = new.map_or(core::ptr::null_mut(), KBox::into_raw);
        // INVARIANT: `new` is null or an owned KBox; the release ordering
        // publishes its contents before the pointer (rcu_assign_pointer).
        let old = self.ptr.swap(new, Ordering::AcqRel);
        if !old.is_null() {
            synchronize();
            // SAFETY: `old` came from `KBox::into_raw` and, after the grace
            // period, no reader can still hold a borrow of it.
            drop(unsafe { KBox::from_raw(old) });
        }
    }
}

impl<T: Send + 'static> RcuBox<T> {
    /// Publishes `new` and frees the previous value after a grace period
    /// without waiting for it: the previous value is dropped from an RCU
    /// callback, in softirq context, so `T`'s drop must not sleep. If the
    /// callback's record cannot be allocated, waits as [`RcuBox::replace`]
    /// does. Writers must be serialized by the caller.
    pub fn replace_deferred(&self, new: Option<KBox<T>>) {
        // It allocates with GFP_KERNEL, or waits for a grace period.
        might_sleep();
        let new = new.map_or(core::ptr::null_mut(), KBox::into_raw);
        // INVARIANT: As in `replace`.
        let old = self.ptr.swap(new, Ordering::AcqRel);
        if old.is_null() {
            return;
        }
        let retired = Retired {
            head: Opaque::uninit(),
            old,
        };
        match KBox::new(retired, GFP_KERNEL) {
            Ok(r) => {
                let r = KBox::into_raw(r);
                // The callback is this module's code: `RcuBox`'s drop and
                // module exit (for a box never dropped) call `rcu_barrier`.
                // SAFETY: `r` is a live `Retired<T>` whose ownership passes
                // to the callback; its `head` is the RCU core's until the
                // callback runs and frees `r` and `old`, which nothing else
                // owns; the callback cannot outlive the module (above).
                unsafe {
                    bindings::call_rcu(
                        Opaque::raw_get(core::ptr::addr_of!((*r).head)),
                        Some(free_retired::<T>),
                    )
                };
            }
            Err(_) => {
                synchronize();
                // SAFETY: `old` came from `KBox::into_raw`; after the grace
                // period no reader can still borrow it.
                drop(unsafe { KBox::from_raw(old) });
            }
        }
    }
}

impl<T> Drop for RcuBox<T> {
    fn drop(&mut self) {
        // Values retired by `replace_deferred` may still wait in RCU
        // callbacks whose code is this module's: let them run first.
        barrier();
        let p = *self.ptr.get_mut();
        if !p.is_null() {
            // Readers borrow through `&self`, so none exists now; still,
            // packet paths may have read it under a guard that ended just
            // before, so wait for them as `replace` does.
            synchronize();
            // SAFETY: `p` came from `KBox::into_raw` and is owned by us.
            drop(unsafe { KBox::from_raw(p) });
        }
    }
}

/// An [`RcuBox`] whose writers are serialized by a mutex.
///
/// Readers borrow the value under a [`ReadGuard`] as from an [`RcuBox`]. A
/// writer takes the mutex ([`RcuMutexBox::lock`]) and, while it holds it,
/// may borrow the current value without a read-side section
/// ([`RcuWriter::current`], Linux's `rcu_dereference_protected` with
/// `lockdep_is_held`): only the holder can replace it, and not while that
/// borrow lives.
///
/// # Invariants
///
/// `value` is replaced only through an [`RcuWriter`], that is, with
/// `writer` held.
#[pin_data]
pub struct RcuMutexBox<T> {
    #[pin]
    writer: Mutex<()>,
    value: RcuBox<T>,
}

impl<T> RcuMutexBox<T> {
    /// An empty box.
    pub fn new() -> impl PinInit<Self> {
        // INVARIANT: `value` is private and starts empty.
        pin_init!(Self {
            writer <- new_mutex!((), "ferroute_rcu_writer"),
            value: RcuBox::empty(),
        })
    }

    /// Borrows the current value for the length of a read-side section.
    pub fn read<'a>(&'a self, guard: &'a ReadGuard) -> Option<&'a T> {
        self.value.read(guard)
    }

    /// Becomes the writer: waits for the mutex, so process context only.
    pub fn lock(&self) -> RcuWriter<'_, T> {
        might_sleep();
        RcuWriter {
            _held: self.writer.lock(),
            value: &self.value,
        }
    }
}

/// The writer of an [`RcuMutexBox`]: holds its mutex until dropped.
///
/// # Invariants
///
/// `_held` is the guard of the mutex of the box that owns `value`.
pub struct RcuWriter<'a, T> {
    _held: Guard<'a, (), MutexBackend>,
    value: &'a RcuBox<T>,
}

impl<T> RcuWriter<'_, T> {
    /// Borrows the current value, without a read-side section, for as long
    /// as the writer is not used to replace it.
    pub fn current(&self) -> Option<&T> {
        // Only this writer publishes (type invariant), so the load sees
        // its own last store; Acquire also orders it after a previous
        // writer's.
        let p = self.value.ptr.load(Ordering::Acquire);
        // SAFETY: A non-null pointer is a live `KBox` (`RcuBox`'s
        // invariant) until it is replaced. Replacing needs the box's mutex
        // (`RcuMutexBox`'s invariant), which this writer holds, and
        // `&mut self` of this writer, which the returned borrow of `self`
        // excludes; the box itself outlives `'a`.
        unsafe { p.as_ref() }
    }

    /// Publishes `new` and frees the previous value after a grace period
    /// ([`RcuBox::replace`]).
    pub fn replace(&mut self, new: Option<KBox<T>>) {
        self.value.replace(new);
    }
}

impl<T: Send + 'static> RcuWriter<'_, T> {
    /// Publishes `new`; the previous value is freed from an RCU callback
    /// ([`RcuBox::replace_deferred`]).
    pub fn replace_deferred(&mut self, new: Option<KBox<T>>) {
        self.value.replace_deferred(new);
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Locks used by ferroute: RTNL and a bottom-half-safe spinlock.
//!
//! C headers: [`include/linux/rtnetlink.h`](srctree/include/linux/rtnetlink.h),
//! [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h)

use super::bindings;
use core::marker::PhantomData;

/// Bottom halves disabled on this CPU (`local_bh_disable`) until dropped:
/// the context of the packet path, for running it from process context
/// (as `ipmr_mfc_add` forwards the packets an entry resolves).
pub struct BhGuard {
    /// Enabled again on the CPU that disabled them.
    _not_send: PhantomData<*mut ()>,
}

impl BhGuard {
    /// Disables bottom halves; nests.
    pub fn new() -> Self {
        // SAFETY: FFI call; ferroute runs no code in hard-IRQ context
        // (it has no interrupt handlers; its timers run in softirq), where
        // local_bh_disable must not be called, and the guard re-enables
        // them on this CPU (it is not Send).
        unsafe { bindings::ferroute_local_bh_disable() };
        Self {
            _not_send: PhantomData,
        }
    }
}

impl Default for BhGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for BhGuard {
    fn drop(&mut self) {
        // SAFETY: Paired with the disable of `new` on this CPU; not in
        // hard-IRQ context (see `new`), with interrupts enabled there as
        // when `new` ran, so local_bh_enable may run pending softirqs.
        unsafe { bindings::ferroute_local_bh_enable() };
    }
}

/// Proof that the caller holds RTNL.
///
/// Functions whose C counterparts must run under RTNL take `&Rtnl`. One is
/// obtained from [`RtnlGuard::lock`] or handed to callbacks the networking
/// core runs under RTNL (netdevice notifiers, `ndo_init`/`ndo_uninit`).
///
/// # Invariants
///
/// RTNL is held by the current thread while an `Rtnl` is reachable.
pub struct Rtnl {
    _not_send: PhantomData<*mut ()>,
}

impl Rtnl {
    /// Creates the proof for a context where the core holds RTNL.
    ///
    /// # Safety
    ///
    /// The caller must hold RTNL for the lifetime of the returned value.
    pub(crate) unsafe fn assume_held() -> Self {
        // INVARIANT: The caller guarantees RTNL is held.
        Self {
            _not_send: PhantomData,
        }
    }
}

/// Holds RTNL (`rtnl_lock`) until dropped.
pub struct RtnlGuard {
    rtnl: Rtnl,
}

impl RtnlGuard {
    /// Takes RTNL; sleeps, so only in process context.
    pub fn lock() -> Self {
        // SAFETY: FFI call; we are in process context (callers are netlink
        // handlers and module init/exit).
        unsafe { bindings::rtnl_lock() };
        // SAFETY: RTNL was just taken and is released only when the guard,
        // which owns the `Rtnl`, drops.
        let rtnl = unsafe { Rtnl::assume_held() };
        Self { rtnl }
    }
}

impl core::ops::Deref for RtnlGuard {
    type Target = Rtnl;

    fn deref(&self) -> &Rtnl {
        &self.rtnl
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: The guard took RTNL in `lock`.
        unsafe { bindings::rtnl_unlock() };
    }
}

// `spin_lock_bh` is inline; helpers.c wraps it. Declared here rather than
// in ferroute's bindgen output so that the lock type is kernel::bindings'
// own `spinlock_t`, the one `kernel::sync::lock::Lock` stores: one C type,
// one Rust type, no cast between two bindgen runs.
extern "C" {
    fn ferroute_spin_lock_bh(lock: *mut kernel::bindings::spinlock_t) -> bool;
    fn ferroute_spin_unlock_bh(lock: *mut kernel::bindings::spinlock_t, bh_disabled_here: bool);
}

/// A spinlock backend that disables bottom halves (`spin_lock_bh`), for
/// data shared between softirq (the packet path, timers) and process
/// context (netlink). Where bottom halves are already off (in a softirq)
/// it takes the lock with `spin_lock`, as kernel code does there: the
/// packet path takes the neighbour table's lock once a packet.
pub struct SpinLockBhBackend;

// SAFETY: `spin_lock_bh`/`spin_unlock_bh`, or `spin_lock`/`spin_unlock`
// with bottom halves already disabled (so no softirq on this CPU can
// contend for the lock while it is held), provide mutual exclusion; the
// guard state records which, so the unlock matches the lock. The state is
// an ordinary spinlock initialised by `__spin_lock_init`.
unsafe impl kernel::sync::lock::Backend for SpinLockBhBackend {
    type State = kernel::bindings::spinlock_t;
    /// Whether the lock disabled bottom halves (and the unlock re-enables
    /// them).
    type GuardState = bool;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const kernel::ffi::c_char,
        key: *mut kernel::bindings::lock_class_key,
    ) {
        // SAFETY: The caller guarantees `ptr` is valid for writes and `name`
        // and `key` valid for reads indefinitely.
        unsafe { kernel::bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The caller guarantees `ptr` is an initialised spinlock.
        unsafe { ferroute_spin_lock_bh(ptr) }
    }

    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        // SAFETY: The caller owns the lock taken by `lock`, which returned
        // `guard_state`, in the same context (a guard does not outlive the
        // softirq or the BH-disabled section it was taken in: nothing in
        // ferroute enables bottom halves while holding a lock).
        unsafe { ferroute_spin_unlock_bh(ptr, *guard_state) }
    }
}

/// A spinlock that disables bottom halves while held.
pub type SpinLockBh<T> = kernel::sync::lock::Lock<T, SpinLockBhBackend>;

/// Creates a [`SpinLockBh`] initialiser with a lockdep class of its own.
#[macro_export]
macro_rules! new_spinlock_bh {
    ($inner:expr, $name:literal) => {
        $crate::abstractions::sync::SpinLockBh::new(
            $inner,
            ::kernel::c_str!($name),
            ::kernel::static_lock_class!(),
        )
    };
}

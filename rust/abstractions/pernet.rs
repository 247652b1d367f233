// SPDX-License-Identifier: GPL-2.0

//! Per network namespace state (`register_pernet_subsys`, `net_generic`).
//!
//! C headers: [`include/net/net_namespace.h`](srctree/include/net/net_namespace.h),
//! [`include/net/netns/generic.h`](srctree/include/net/netns/generic.h)
//!
//! Linux keeps one IPv4 stack per network namespace; a [`PernetState`]
//! implementation is the same for a module: [`PernetRegistration`] creates
//! one `Arc<T>` for every namespace (those that exist when it registers and
//! every one created later) and hands it back to [`PernetState::exit`] when
//! the namespace is dismantled or the registration drops. Code that has a
//! namespace finds its state with [`get`] (packet path, under RCU) or
//! [`get_arc`] (process context), which read the namespace's `net_generic`
//! slot, and find nothing when the registration is not live.
//!
//! The ops are registered as a *subsys* (`register_pernet_subsys`): their
//! exit runs after the network devices of a dying namespace are gone
//! (`default_device_exit_batch` is a *device* op, and device ops exit
//! first), so a state's teardown never races with a device of its own
//! namespace.
//!
//! Lookups keep finding the states until the registration's own
//! unregistration is under way, not merely requested: a namespace being
//! dismantled when the registration drops (`cleanup_net`, which holds
//! `pernet_ops_rwsem` for reading while it waits for its devices to be
//! freed) must still find its state from the device notifier, or what the
//! state holds of a device is never released and both wait for ever. So the
//! lookups stop in the first exit the unregistration itself runs, under
//! `pernet_ops_rwsem` held for writing, when no namespace is being
//! dismantled.

use super::bindings;
use super::netdevice::Net;
use super::rcu::ReadGuard;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use kernel::error::{to_result, Result};
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow};
use kernel::types::Opaque;

/// The `net_generic` id the core assigns to a registration, and whether
/// the registration is live; a `static` of the module ([`PernetState::ID`]).
///
/// # Invariants
///
/// While `live` is true, the registration of the state type whose `ID` this
/// is exists, and `id` holds the id the core assigned to it.
pub struct PernetId {
    id: UnsafeCell<u32>,
    live: AtomicBool,
    /// A registration exists or is being made (at most one at a time).
    claimed: AtomicBool,
    /// The address of the task unregistering the registration, while it
    /// does (0 otherwise): its exits are the unregistration's own.
    unregistering: AtomicUsize,
}

// SAFETY: The core writes `id` only inside register_pernet_subsys, while
// `live` is false and so no reader looks at it; afterwards it is only read.
unsafe impl Sync for PernetId {}

impl PernetId {
    /// An id not yet assigned.
    pub const fn new() -> Self {
        Self {
            id: UnsafeCell::new(0),
            live: AtomicBool::new(false),
            claimed: AtomicBool::new(false),
            unregistering: AtomicUsize::new(0),
        }
    }

    fn get(&self) -> u32 {
        // SAFETY: Only read while `live` (see `Sync`), when nothing writes.
        unsafe { *self.id.get() }
    }
}

impl Default for PernetId {
    fn default() -> Self {
        Self::new()
    }
}

/// State kept for every network namespace.
pub trait PernetState: Send + Sync + Sized + 'static {
    /// The id the core assigns to this state's slot.
    const ID: &'static PernetId;

    /// Creates the state of `net` (a namespace being set up, or an
    /// existing one when the registration is made). Process context; may
    /// sleep. An error fails the namespace's creation (or the
    /// registration).
    fn init(net: &Net<'_>) -> Result<Arc<Self>>;

    /// Tears the state of `net` down: the namespace is being dismantled
    /// (its own devices are gone already) or the registration is being
    /// dropped. The state is no longer reachable through the namespace when
    /// this is called. Process context; may sleep and take RTNL.
    fn exit(net: &Net<'_>, state: Arc<Self>);
}

/// The slot of `T` in `net`: a pointer-sized allocation the core made for
/// this registration (`ops->size`), holding `Arc::into_raw` or null.
///
/// # Safety
///
/// `T`'s ops must be registered (or being registered or unregistered by the
/// core, which calls init/exit only with the slot allocated) and `net`
/// alive, so the slot is allocated.
unsafe fn slot<'a, T: PernetState>(net: &Net<'a>) -> &'a AtomicPtr<T> {
    // SAFETY: The caller guarantees the registration exists, so the core
    // allocated `size_of::<AtomicPtr<T>>()` zeroed bytes for id `T::ID` in
    // every live namespace (ops_init), freed only after exit (ops_free);
    // `net` is alive for 'a. Zeroed memory is a valid null AtomicPtr.
    unsafe { &*bindings::ferroute_net_generic(net.as_raw(), T::ID.get()).cast::<AtomicPtr<T>>() }
}

struct Adapter<T: PernetState>(PhantomData<T>);

impl<T: PernetState> Adapter<T> {
    /// # Safety
    ///
    /// Called by the core for a namespace being initialised, after it
    /// allocated the slot of this registration.
    unsafe extern "C" fn init(net: *mut bindings::net) -> i32 {
        // SAFETY: The core passes a live namespace.
        let net = unsafe { Net::from_raw(net) };
        match T::init(&net) {
            Ok(state) => {
                // SAFETY: Called for a registered ops with its slot
                // allocated (ops_init assigns it before calling init).
                let slot = unsafe { slot::<T>(&net) };
                // Release: readers that see the pointer see the state.
                slot.store(Arc::into_raw(state).cast_mut(), Ordering::Release);
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Called by the core for a namespace being dismantled, before it frees
    /// the slot.
    unsafe extern "C" fn exit(net: *mut bindings::net) {
        // The unregistration's first exit ends lookups: its exits run with
        // pernet_ops_rwsem held for writing, so no namespace is being
        // dismantled, and the slots are freed only after every exit.
        if T::ID.unregistering.load(Ordering::Acquire) == current_task()
            && T::ID.live.swap(false, Ordering::AcqRel)
        {
            super::rcu::synchronize();
        }
        // SAFETY: The core passes a namespace that is alive until its exit
        // methods have run.
        let net = unsafe { Net::from_raw(net) };
        // SAFETY: The slot is still allocated during exit (ops_free comes
        // after).
        let slot = unsafe { slot::<T>(&net) };
        let ptr = slot.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if ptr.is_null() {
            return;
        }
        // Readers under RCU may still hold a borrow of the state taken
        // before the swap; let them finish before the reference the slot
        // owned is dropped.
        super::rcu::synchronize();
        // SAFETY: `ptr` came from `Arc::into_raw` in `init`, and the swap
        // above took the slot's ownership of that reference exactly once.
        let state = unsafe { Arc::from_raw(ptr) };
        T::exit(&net, state);
    }
}

/// The registered `pernet_operations` of `T`.
///
/// # Invariants
///
/// `ops` is registered with `register_pernet_subsys` while this object
/// lives, with `id` pointing at `T::ID` and `size` the size of one pointer.
pub struct PernetRegistration<T: PernetState> {
    ops: Pin<KBox<Opaque<bindings::pernet_operations>>>,
    _t: PhantomData<T>,
}

// SAFETY: Only used to unregister, from any thread.
unsafe impl<T: PernetState> Send for PernetRegistration<T> {}
// SAFETY: Lookups only read the namespaces' slots, which is thread-safe.
unsafe impl<T: PernetState> Sync for PernetRegistration<T> {}

impl<T: PernetState> PernetRegistration<T> {
    /// Registers `T`: runs [`PernetState::init`] for every existing
    /// namespace now and for every new one later. Sleeps. `EBUSY` if `T` is
    /// registered already.
    pub fn register() -> Result<Self> {
        if T::ID
            .claimed
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(EBUSY);
        }
        let ops = match KBox::pin(Opaque::<bindings::pernet_operations>::uninit(), GFP_KERNEL) {
            Ok(ops) => ops,
            Err(e) => {
                T::ID.claimed.store(false, Ordering::Release);
                return Err(e.into());
            }
        };
        // SAFETY: `ops` is ours and pinned until unregistered in drop;
        // all-zero is a valid pernet_operations before the fields the core
        // reads are set. `T::ID` is a static, so the id pointer stays valid.
        unsafe {
            let raw = ops.get();
            core::ptr::write_bytes(raw, 0, 1);
            (*raw).init = Some(Adapter::<T>::init);
            (*raw).exit = Some(Adapter::<T>::exit);
            (*raw).id = T::ID.id.get();
            (*raw).size = core::mem::size_of::<AtomicPtr<T>>();
            if let Err(e) = to_result(bindings::register_pernet_subsys(raw)) {
                T::ID.claimed.store(false, Ordering::Release);
                return Err(e);
            }
        }
        // INVARIANT: registered just above, and the core assigned the id.
        T::ID.live.store(true, Ordering::Release);
        Ok(Self {
            ops,
            _t: PhantomData,
        })
    }
}

/// Borrows the state of `net` for an RCU read-side section (the packet
/// path); `None` if `T` is not registered or `net` is being dismantled.
pub fn get<'a, T: PernetState>(net: &Net<'a>, _guard: &'a ReadGuard) -> Option<ArcBorrow<'a, T>> {
    if !T::ID.live.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: `live` was true inside this read-side section, so the
    // registration exists (type invariant of PernetId) and its slots stay
    // allocated until the section ends (the unregistration clears `live`
    // and waits for a grace period before any slot is freed); `net` is
    // alive for 'a.
    let ptr = unsafe { slot::<T>(net) }.load(Ordering::Acquire);
    if ptr.is_null() {
        return None;
    }
    // SAFETY: A non-null slot holds a reference from `Arc::into_raw`;
    // `exit` takes it out and waits for a grace period before dropping it,
    // and the read-side section of `_guard` bounds 'a.
    Some(unsafe { ArcBorrow::from_raw(ptr) })
}

/// The state of `net`, with a reference of its own (process context: the
/// caller may sleep while it holds it).
pub fn get_arc<T: PernetState>(net: &Net<'_>) -> Option<Arc<T>> {
    let guard = ReadGuard::new();
    get::<T>(net, &guard).map(Arc::from)
}

/// The running task's address: an identity, valid while that task runs.
fn current_task() -> usize {
    core::ptr::from_ref::<kernel::task::Task>(kernel::current!()) as usize
}

impl<T: PernetState> Drop for PernetRegistration<T> {
    fn drop(&mut self) {
        // Lookups go on until the first exit this call runs (Adapter::exit):
        // a namespace being dismantled meanwhile still needs its state.
        T::ID.unregistering.store(current_task(), Ordering::Release);
        // SAFETY: Registered by the type invariant; the core runs `exit` for
        // every namespace (init_net at least) before it frees any slot.
        unsafe { bindings::unregister_pernet_subsys(self.ops.get()) };
        // The first exit cleared `live` (init_net's exit runs at least).
        T::ID.unregistering.store(0, Ordering::Release);
        T::ID.claimed.store(false, Ordering::Release);
    }
}

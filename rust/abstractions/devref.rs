// SPDX-License-Identifier: GPL-2.0

//! Tracked references to network devices (`netdev_hold`/`netdev_put`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! A [`DevRef`] is how ferroute keeps a device beyond one call (a port in
//! the published configuration, a `packet_type` or rx_handler
//! registration). Each one carries its own `netdevice_tracker`: with
//! `CONFIG_NET_DEV_REFCNT_TRACKER` the core records the stack that took the
//! reference, and prints it for every reference still held when
//! `unregister_netdevice` keeps waiting for the device
//! (`netdev_wait_allrefs_any`) or `free_netdev` finds one left
//! (`ref_tracker_dir_exit`), so a leak names the ferroute code that took
//! it. Without that option the tracker is an empty struct and a `DevRef`
//! is a plain `dev_hold`. An `ARef<NetDevice>` (`dev_hold`, untracked) is
//! for references that end within the call that took them.

use super::bindings;
use super::netdevice::{Device, Driver, NetDevice};
use core::ptr::NonNull;

/// A type whose values are network devices: [`NetDevice`], [`Device<T>`].
///
/// # Safety
///
/// `Self` is `#[repr(transparent)]` over `net_device` (directly or through
/// another such type), so a `&Self` points into the device itself, and
/// [`IsNetDevice::as_netdev`] returns that same device. A device for which
/// a `&Self` was valid stays a valid `Self` (its memory allocated, `Self`'s
/// type invariants true) for as long as a reference to it is held.
pub unsafe trait IsNetDevice: Send + Sync + 'static {
    /// The device, untyped.
    fn as_netdev(&self) -> &NetDevice;
}

// SAFETY: `NetDevice` is a transparent wrapper of `net_device`. Its type
// invariant (the device is valid) is what a held reference guarantees: a
// registered device is freed only after `netdev_wait_allrefs_any` saw every
// reference but its own dropped, and the owner of an unregistered one frees
// it only when no reference to it is left (the rule on `Driver::init`).
unsafe impl IsNetDevice for NetDevice {
    fn as_netdev(&self) -> &NetDevice {
        self
    }
}

// SAFETY: `Device<T>` is a transparent wrapper of `NetDevice`, itself one of
// `net_device`. Its type invariant is about what `T`'s setup installed
// (`netdev_ops`, tstats, the private area's use), which nothing changes for
// the device's life, and a held reference keeps it alive (see `NetDevice`).
unsafe impl<T: Driver> IsNetDevice for Device<T> {
    fn as_netdev(&self) -> &NetDevice {
        Device::as_netdev(self)
    }
}

/// A reference to a network device, taken with `netdev_hold` and its own
/// tracker, released with `netdev_put` on drop. Dereferences to the device.
///
/// # Invariants
///
/// `dev` points to a device of which this object owns one reference, taken
/// by `netdev_hold(dev, &tracker, GFP_ATOMIC)`; `tracker` holds what that
/// call stored in it (a `ref_tracker` on the device's directory, or NULL if
/// its allocation failed; nothing without `CONFIG_NET_DEV_REFCNT_TRACKER`)
/// and has not been written since.
pub struct DevRef<D: IsNetDevice> {
    dev: NonNull<D>,
    tracker: bindings::netdevice_tracker,
}

// SAFETY: A `DevRef` may be dropped on any thread: `netdev_put` is not tied
// to the one that took the reference (`ref_tracker_free` takes the
// directory's lock with irqsave, `__dev_put` is a per-CPU or atomic
// decrement). It lends only `&D`, and `D: Sync`.
unsafe impl<D: IsNetDevice> Send for DevRef<D> {}
// SAFETY: `&DevRef` lends `&D` (`D: Sync`) and can clone, which takes a new
// reference with its own tracker; `tracker` is only written in `new`, before
// the object is shared, and used in `drop`, which has exclusive access.
unsafe impl<D: IsNetDevice> Sync for DevRef<D> {}

impl<D: IsNetDevice> DevRef<D> {
    /// Takes a tracked reference to `dev` (`netdev_hold`). Does not sleep:
    /// usable in atomic context, under RCU and spinlocks.
    pub fn new(dev: &D) -> Self {
        // SAFETY: All-zero is a valid `netdevice_tracker`: it is `struct
        // ref_tracker *` with CONFIG_NET_DEV_REFCNT_TRACKER (NULL) and
        // `struct {}`, which has no bytes, without it
        // (include/net/net_trackers.h).
        let mut tracker: bindings::netdevice_tracker =
            unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
        // `netdev_hold` always takes the reference (`__dev_hold`, any
        // context), then `ref_tracker_alloc(..., GFP_ATOMIC)`, which never
        // sleeps and writes `tracker` on both paths: the new tracker, or NULL
        // after counting the reference in `dir->untracked`. Nothing records
        // where `tracker` lives, so it may move with `Self`.
        // SAFETY: The device is valid for the borrow and not yet freed, so
        // its tracker directory is live (`free_netdev` ends it).
        unsafe { bindings::ferroute_netdev_hold(dev.as_netdev().as_raw(), &mut tracker) };
        // INVARIANT: The reference was taken just above with `tracker`,
        // which holds what `netdev_hold` stored.
        Self {
            dev: NonNull::from(dev),
            tracker,
        }
    }
}

impl<D: IsNetDevice> core::ops::Deref for DevRef<D> {
    type Target = D;

    fn deref(&self) -> &D {
        // SAFETY: By the type invariant `dev` points to a device we hold a
        // reference to for as long as `self` lives, and a held reference
        // keeps a device that was a valid `D` one (the requirement of
        // `IsNetDevice`), so for the borrow.
        unsafe { self.dev.as_ref() }
    }
}

impl<D: IsNetDevice> Clone for DevRef<D> {
    /// Takes another tracked reference (with a tracker of its own).
    fn clone(&self) -> Self {
        Self::new(self)
    }
}

impl<D: IsNetDevice> Drop for DevRef<D> {
    fn drop(&mut self) {
        let dev = self.as_netdev().as_raw();
        // `netdev_put` hands the tracker to `ref_tracker_free` (unlinked,
        // or for NULL `dir->untracked` decremented) and then `__dev_put`;
        // neither sleeps (`spin_lock_irqsave`, `kfree`, GFP_NOWAIT), so any
        // context will do, an RCU callback included.
        // SAFETY: By the type invariant we own one reference to `dev`, taken
        // by `netdev_hold` with `self.tracker`, which still holds what that
        // call stored; this runs once and nothing uses `dev` afterwards.
        unsafe { bindings::ferroute_netdev_put(dev, &mut self.tracker) };
    }
}

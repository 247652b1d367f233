// SPDX-License-Identifier: GPL-2.0

//! Netdevice event notifications (`register_netdevice_notifier`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use super::bindings;
use super::netdevice::NetDevice;
use super::sync::Rtnl;
use core::marker::PhantomData;
use kernel::error::{to_result, Result};
use kernel::prelude::*;
use kernel::types::Opaque;

/// A netdevice event, as `enum netdev_cmd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetdevEvent {
    /// `NETDEV_UNREGISTER` for a device that is going away. (The core also
    /// sends NETDEV_UNREGISTER when a device moves to another network
    /// namespace; that is reported as [`NetdevEvent::ChangeNetns`].)
    Unregister,
    /// The device is moving to another network namespace.
    ChangeNetns,
    /// `NETDEV_REGISTER` (also sent in the new namespace after a move).
    Register,
    /// `NETDEV_CHANGENAME`.
    ChangeName,
    /// `NETDEV_CHANGEADDR`.
    ChangeAddr,
    /// `NETDEV_UP`.
    Up,
    /// `NETDEV_DOWN`.
    Down,
    /// Any other event.
    Other,
}

/// Receives netdevice events; runs under RTNL.
pub trait NetdevNotifier: 'static {
    /// Handles `event` for `dev`.
    fn event(event: NetdevEvent, dev: &NetDevice, rtnl: &Rtnl);
}

/// A registered netdevice notifier.
///
/// # Invariants
///
/// `nb` is registered while this object lives.
pub struct NotifierRegistration<T: NetdevNotifier> {
    nb: Pin<KBox<Opaque<bindings::notifier_block>>>,
    _t: PhantomData<T>,
}

// SAFETY: Unregistering may happen from any thread.
unsafe impl<T: NetdevNotifier> Send for NotifierRegistration<T> {}
// SAFETY: No method reads through `&self`.
unsafe impl<T: NetdevNotifier> Sync for NotifierRegistration<T> {}

impl<T: NetdevNotifier> NotifierRegistration<T> {
    /// Registers `T`. The core replays `NETDEV_REGISTER`/`NETDEV_UP` for
    /// existing devices during the call.
    pub fn register() -> Result<Self> {
        let nb = KBox::pin(Opaque::<bindings::notifier_block>::uninit(), GFP_KERNEL)?;
        // SAFETY: `nb` is ours and pinned; all-zero is a valid
        // notifier_block before we set the callback.
        unsafe {
            core::ptr::write_bytes(nb.get(), 0, 1);
            (*nb.get()).notifier_call = Some(Self::callback);
        }
        // SAFETY: `nb` is valid and pinned until unregistered in drop.
        to_result(unsafe { bindings::register_netdevice_notifier(nb.get()) })?;
        // INVARIANT: registered above.
        Ok(Self {
            nb,
            _t: PhantomData,
        })
    }

    /// # Safety
    ///
    /// Called by the notifier chain, under RTNL, with a
    /// `netdev_notifier_info` for a valid device.
    unsafe extern "C" fn callback(
        _nb: *mut bindings::notifier_block,
        event: kernel::ffi::c_ulong,
        ptr: *mut kernel::ffi::c_void,
    ) -> i32 {
        // SAFETY: `ptr` is a netdev_notifier_info, as for every netdevice
        // notifier.
        let dev = unsafe { bindings::ferroute_netdev_notifier_info_to_dev(ptr) };
        // SAFETY: The device is valid for the duration of the notification.
        let dev = unsafe { NetDevice::from_raw(dev) };
        // SAFETY: netdevice notifiers are called with RTNL held.
        let rtnl = unsafe { Rtnl::assume_held() };
        let event = match event as u32 {
            bindings::netdev_cmd_NETDEV_UNREGISTER => {
                // SAFETY: The device is valid; reg_state is stable under RTNL.
                if unsafe { bindings::ferroute_dev_is_unregistering(dev.as_raw()) } != 0 {
                    NetdevEvent::Unregister
                } else {
                    NetdevEvent::ChangeNetns
                }
            }
            bindings::netdev_cmd_NETDEV_REGISTER => NetdevEvent::Register,
            bindings::netdev_cmd_NETDEV_CHANGENAME => NetdevEvent::ChangeName,
            bindings::netdev_cmd_NETDEV_CHANGEADDR => NetdevEvent::ChangeAddr,
            bindings::netdev_cmd_NETDEV_UP => NetdevEvent::Up,
            bindings::netdev_cmd_NETDEV_DOWN => NetdevEvent::Down,
            _ => NetdevEvent::Other,
        };
        T::event(event, dev, &rtnl);
        bindings::NOTIFY_DONE as i32
    }
}

impl<T: NetdevNotifier> Drop for NotifierRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered by the type invariant.
        unsafe { bindings::unregister_netdevice_notifier(self.nb.get()) };
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Claiming a device's received frames (`netdev_rx_handler_register`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! ferroute's handler answers `RX_HANDLER_EXACT` for every frame: the core
//! then delivers it only to protocol handlers bound to this very device
//! (ferroute's [`super::packet_type`] registrations), so the kernel's own
//! `ip_rcv`/`arp_rcv` never see an attached port's traffic. Packet sockets
//! (tcpdump) still see it: they run before rx handlers.

use super::bindings;
use super::devref::DevRef;
use super::netdevice::NetDevice;
use super::sync::Rtnl;
use kernel::error::{to_result, Result};
use kernel::prelude::*;

/// An rx_handler that claims all of a device's frames.
///
/// # Invariants
///
/// While `dev` is `Some`, the handler is registered on that device, and the
/// device is held (a tracked reference).
pub struct ExactClaim {
    dev: Option<DevRef<NetDevice>>,
}

impl ExactClaim {
    /// Claims `dev`'s frames. Fails with EBUSY if another rx_handler (a
    /// bridge, a bond, macvlan) already has the device.
    pub fn register(dev: &NetDevice, _rtnl: &Rtnl) -> Result<Self> {
        // SAFETY: RTNL is held (proved by `_rtnl`); the device is valid; the
        // handler is a plain function that ignores its data.
        to_result(unsafe {
            bindings::netdev_rx_handler_register(
                dev.as_raw(),
                Some(Self::handler),
                core::ptr::null_mut(),
            )
        })?;
        // INVARIANT: registered above; the reference keeps the device.
        Ok(Self {
            dev: Some(DevRef::new(dev)),
        })
    }

    /// Releases the claim; `rtnl` proves RTNL is held, which
    /// `netdev_rx_handler_unregister` requires.
    pub fn unregister(mut self, rtnl: &Rtnl) {
        self.unregister_locked(rtnl);
    }

    fn unregister_locked(&mut self, _rtnl: &Rtnl) {
        if let Some(dev) = self.dev.take() {
            // SAFETY: Registered by the type invariant and RTNL is held;
            // the call waits for running handlers (synchronize_net).
            unsafe { bindings::netdev_rx_handler_unregister(dev.as_raw()) };
        }
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid `*pskb`.
    unsafe extern "C" fn handler(
        _pskb: *mut *mut bindings::sk_buff,
    ) -> bindings::rx_handler_result_t {
        bindings::rx_handler_result_RX_HANDLER_EXACT
    }
}

impl Drop for ExactClaim {
    /// A claim must end with [`ExactClaim::unregister`]. One dropped
    /// without it cannot unregister here: that needs RTNL, and drop may run
    /// with RTNL held (any configuration path), where taking it would
    /// deadlock. The claim is left in place instead, reported, and the
    /// module pinned so the handler's code stays loaded: a leak, not a use
    /// after free. The device reference is released; the handler stays on
    /// the device (its unregistration does not clear `rx_handler`) until
    /// the device is freed, which is why the module must stay.
    fn drop(&mut self) {
        if let Some(dev) = self.dev.take() {
            pr_err!("rx_handler claim dropped without unregister; module pinned\n");
            // SAFETY: FFI call without requirements (__module_get on this
            // module, which is live: its code is running).
            unsafe { bindings::ferroute_module_pin() };
            drop(dev);
        }
    }
}

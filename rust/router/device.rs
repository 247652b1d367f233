// SPDX-License-Identifier: GPL-2.0

//! ferroute's own netdevices (`fer0`, `fer1`, ...).
//!
//! Each is an Ethernet-like device whose far end is the router: what the
//! stack of the namespace the device lives in transmits on it enters the
//! router's receive path, and what the router sends out of it goes up that
//! stack with `netif_rx`. `ip link add NAME type ferroute` creates one.

use crate::abstractions::netdevice::{Driver, NetDevice};
use crate::abstractions::skbuff::{reason, SkBuff};
use crate::abstractions::sync::Rtnl;
use crate::router;
use kernel::c_str;
use kernel::prelude::*;

/// The ferroute device type.
pub struct FerDevice;

impl Driver for FerDevice {
    const KIND: &'static CStr = c_str!("ferroute");

    fn init(dev: &NetDevice, rtnl: &Rtnl) -> Result {
        router::with_router_arc(|r| r.add_fer_port(dev, rtnl)).unwrap_or(Err(ENODEV))
    }

    fn uninit(dev: &NetDevice, rtnl: &Rtnl) {
        router::with_router_arc(|r| r.remove_port_of(dev, rtnl));
    }

    fn start_xmit(dev: &NetDevice, skb: SkBuff) {
        dev.count_tx(skb.len());
        // The frame leaves the namespace's stack and enters the router.
        if !router::receive_on_fer(dev, skb) {
            dev.count_tx_dropped();
        }
    }
}

/// Frees a frame that arrived on a device the router does not know (it is
/// being set up or torn down).
pub(crate) fn drop_unknown(skb: SkBuff) {
    skb.drop_with(reason::DEV_READY);
}

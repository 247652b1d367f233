// SPDX-License-Identifier: GPL-2.0

//! ferroute's own netdevices (`fer0`, `fer1`, ...).
//!
//! Each is an Ethernet-like device whose far end is the router: what the
//! stack of the namespace the device lives in transmits on it enters the
//! router's receive path, and what the router sends out of it goes up that
//! stack with `netif_rx`. `ip link add NAME type ferroute` creates one.
//!
//! A device belongs to the router of the namespace it is created in, for
//! its whole life, wherever it is moved afterwards (as a veth keeps its
//! peer): its private area holds a reference to that router.

use super::Router;
use crate::abstractions::netdevice::{Device, Driver};
use crate::abstractions::rcu::ReadGuard;
use crate::abstractions::skbuff::SkBuff;
use crate::abstractions::sync::Rtnl;
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The ferroute device type.
pub struct FerDevice;

impl Driver for FerDevice {
    const KIND: &'static CStr = c_str!("ferroute");

    type Data = Router;

    /// Adds the device as a port of the router of its namespace.
    fn init(dev: &Device<Self>, rtnl: &Rtnl) -> Result<Arc<Router>> {
        let router = {
            let guard = ReadGuard::new();
            super::router_of(&dev.net(&guard), &guard).map(Arc::from)
        }
        .ok_or(ENODEV)?;
        router.add_fer_port(dev, rtnl)?;
        Ok(router)
    }

    /// Removes the port, releasing its device reference before returning
    /// (the rule on [`Driver::init`]).
    fn uninit(dev: &Device<Self>, router: Arc<Router>, rtnl: &Rtnl) {
        router.remove_fer_port(dev, rtnl);
    }

    fn start_xmit(dev: &Device<Self>, router: &Router, skb: SkBuff) {
        dev.count_tx(skb.len());
        // The frame leaves the namespace's stack and enters the router.
        if !router.receive_on_fer(dev, skb) {
            dev.count_tx_dropped();
        }
    }
}

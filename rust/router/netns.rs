// SPDX-License-Identifier: GPL-2.0

//! One router per network namespace, as Linux's IPv4 is per namespace.
//!
//! The router of a namespace is created with the namespace (or, for those
//! that exist, when the module loads) and torn down when the namespace is
//! dismantled or the module unloads ([`PernetState`]). Everything finds its
//! router from a namespace: a netlink request from the requester's, an
//! ioctl from the opener's, an attached port's frame from its device's. A
//! ferroute device finds the router that owns it through its own private
//! data instead, since it may live in another namespace.

use super::Router;
use crate::abstractions::netdevice::Net;
use crate::abstractions::pernet::{self, PernetId, PernetState};
use crate::abstractions::rcu::ReadGuard;
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow};

/// The routers' `net_generic` slot.
static ROUTER_ID: PernetId = PernetId::new();

impl PernetState for Router {
    const ID: &'static PernetId = &ROUTER_ID;

    fn init(net: &Net<'_>) -> Result<Arc<Self>> {
        let router = Router::new(net.inum())?;
        router.start()?;
        Ok(router)
    }

    fn exit(_net: &Net<'_>, router: Arc<Self>) {
        router.shutdown();
    }
}

/// The router of `net`, for an RCU read-side section (the packet path).
pub(crate) fn router_of<'a>(net: &Net<'a>, guard: &'a ReadGuard) -> Option<ArcBorrow<'a, Router>> {
    pernet::get::<Router>(net, guard)
}

/// The router of `net`, held (process context: netlink, ioctls).
pub(crate) fn router_arc(net: &Net<'_>) -> Option<Arc<Router>> {
    pernet::get_arc::<Router>(net)
}

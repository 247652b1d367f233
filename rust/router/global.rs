// SPDX-License-Identifier: GPL-2.0

//! The one router of this module instance, reachable from every callback.
//!
//! Callbacks the kernel calls without context (ndo_start_xmit, ndo_init,
//! netdevice notifiers, the neighbour timer) find the router here. It is
//! published under RCU at load and withdrawn (after a grace period) at
//! unload, after every registration that could call in has been removed.

use super::Router;
use crate::abstractions::rcu::{RcuBox, ReadGuard};
use kernel::prelude::*;
use kernel::sync::Arc;

static ROUTER: RcuBox<Arc<Router>> = RcuBox::empty();

/// Publishes the router.
pub(crate) fn publish(router: Arc<Router>) -> Result {
    ROUTER.replace(Some(KBox::new(router, GFP_KERNEL)?));
    Ok(())
}

/// Withdraws the router and waits for every reader to finish.
pub(crate) fn withdraw() {
    ROUTER.replace(None);
}

/// Runs `f` with the router inside an RCU read-side section: for the packet
/// path, which must not sleep and takes no reference.
pub(crate) fn with_router<R>(f: impl FnOnce(&Router) -> R) -> Option<R> {
    let guard = ReadGuard::new();
    ROUTER.read(&guard).map(|r| f(r))
}

/// Runs `f` with a reference-counted router, outside any RCU section: for
/// process context (netlink, RTNL callbacks), which may sleep.
pub(crate) fn with_router_arc<R>(f: impl FnOnce(&Arc<Router>) -> R) -> Option<R> {
    let router = {
        let guard = ReadGuard::new();
        ROUTER.read(&guard).cloned()
    }?;
    Some(f(&router))
}

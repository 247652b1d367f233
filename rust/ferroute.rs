// SPDX-License-Identifier: GPL-2.0

//! ferroute: an IPv4 router inside the Linux kernel, in safe Rust.
//!
//! Layers (see Documentation/ferroute.rst):
//! - [`abstractions`]: the kernel abstractions, the only code with
//!   `unsafe`.
//! - [`ipv4`]: the IPv4 logic (wire formats, receive validation, FIB,
//!   route decisions, ARP, ICMP, neighbours); no `unsafe`, no kernel calls,
//!   also built and tested on the host.
//! - [`router`]: the module glue that wires ports, devices, netlink and the
//!   packet path to the logic.

use kernel::c_str;
use kernel::prelude::*;

pub mod abstractions;
pub mod ipv4;
mod kunit_fib;
mod kunit_skbuff;
mod kunit_tests;
pub mod router;
#[path = "uapi/ferroute.rs"]
pub mod uapi;

/// The allocation API the IPv4 logic uses; the host crate provides a twin.
pub mod platform {
    pub use crate::abstractions::shared::Shared;
    pub use crate::abstractions::vec::{AllocError, TryVec};
}

module! {
    type: Ferroute,
    name: "ferroute",
    author: "ferroute developers",
    description: "An IPv4 router in Rust",
    license: "GPL",
}

use abstractions::genetlink;
use abstractions::miscdev::MiscRegistration;
use abstractions::netdevice::{LinkRegistration, NetDevice};
use abstractions::notifier::{NetdevEvent, NetdevNotifier, NotifierRegistration};
use abstractions::sync::{Rtnl, RtnlGuard};

/// Detaches attached ports whose device goes away.
struct PortWatcher;

impl NetdevNotifier for PortWatcher {
    fn event(event: NetdevEvent, dev: &NetDevice, rtnl: &Rtnl) {
        if event == NetdevEvent::Unregister {
            router::with_router_arc(|r| r.remove_port_of(dev, rtnl));
        }
    }
}

/// The loaded module: its registrations, dropped in reverse order of need
/// by `Drop` below.
struct Ferroute {
    route_ioctl: Option<MiscRegistration<router::ioctl::RouteIoctl>>,
    family: Option<genetlink::Registration<router::netlink::FerrouteFamily>>,
    notifier: Option<NotifierRegistration<PortWatcher>>,
    link: Option<LinkRegistration>,
}

impl kernel::Module for Ferroute {
    fn init(module: &'static ThisModule) -> Result<Self> {
        router::publish(router::Router::new()?)?;
        router::with_router(|r| r.start());
        let mut this = Ferroute {
            route_ioctl: None,
            family: None,
            notifier: None,
            link: None,
        };
        // On error `this` drops, undoing what was done.
        this.link = Some(LinkRegistration::register::<router::device::FerDevice>()?);
        this.notifier = Some(NotifierRegistration::register()?);
        if let Some(link) = &this.link {
            link.create_device(c_str!("fer0"))?;
        }
        this.family = Some(genetlink::Registration::register(module)?);
        this.route_ioctl = Some(MiscRegistration::register(c_str!("ferroute"), module)?);
        pr_info!("IPv4 router loaded\n");
        Ok(this)
    }
}

impl Drop for Ferroute {
    fn drop(&mut self) {
        // No new configuration requests.
        self.route_ioctl = None;
        self.family = None;
        // No device events; then ferroute devices are deleted (each
        // removes its port from the router as it unregisters).
        self.notifier = None;
        self.link = None;
        // Attached ports go back to the kernel.
        {
            let rtnl = RtnlGuard::lock();
            router::with_router_arc(|r| r.detach_all(&rtnl));
        }
        // Nothing can reach the router any more: withdraw and free it.
        router::withdraw();
        pr_info!("unloaded\n");
    }
}

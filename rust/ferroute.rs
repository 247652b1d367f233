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

// `try_pin_init!` expands recursively per field: the router has more
// fields than the default limit of 128 allows for.
#![recursion_limit = "256"]

use kernel::c_str;
use kernel::prelude::*;

pub mod abstractions;
pub mod ipv4;
pub mod router;
#[path = "uapi/ferroute.rs"]
pub mod uapi;

/// The allocation API the IPv4 logic uses; the host crate provides a twin.
pub mod platform {
    pub use crate::abstractions::cpu::with_popcnt;
    pub use crate::abstractions::shared::{Shared, SharedSlice};
    pub use crate::abstractions::slab::{kmalloc_size, slab_size};
    pub use crate::abstractions::vec::{AllocError, GfpAtomic, GfpKernel, TryVec};
}

module! {
    type: Ferroute,
    name: "ferroute",
    author: "ferroute developers",
    description: "An IPv4 router in Rust",
    license: "GPL",
}

/// The module's version: what C's `MODULE_VERSION()` records, shown by
/// `modinfo`, in /sys/module/ferroute/version (which `ferctl -V` reads)
/// and used by DKMS. 6.12's `module!` has no `version` key, so the
/// `.modinfo` entry is written here the way `module!` writes its own.
/// ferctl and dkms.conf carry the same version (make check compares).
pub const VERSION: &str = "0.1.0";

#[cfg(MODULE)]
#[link_section = ".modinfo"]
#[used]
static MODINFO_VERSION: [u8; "version=".len() + VERSION.len() + 1] =
    modinfo_entry("version", VERSION);

/// `KEY=VALUE\0`, a `.modinfo` entry; `N` must be its exact length (checked
/// at compile time, the entry being a static).
const fn modinfo_entry<const N: usize>(key: &str, value: &str) -> [u8; N] {
    let (key, value) = (key.as_bytes(), value.as_bytes());
    assert!(key.len() + 1 + value.len() + 1 == N);
    let mut entry = [0u8; N];
    let mut i = 0;
    while i < key.len() {
        entry[i] = key[i];
        i += 1;
    }
    entry[i] = b'=';
    let mut j = 0;
    while j < value.len() {
        entry[i + 1 + j] = value[j];
        j += 1;
    }
    entry
}

use abstractions::genetlink;
use abstractions::miscdev::MiscRegistration;

crate::misc_fops!(ROUTE_IOCTL_FOPS, router::ioctl::RouteIoctl);
use abstractions::netdevice::{Device, LinkRegistration, NetDevice};
use abstractions::notifier::{NetdevEvent, NetdevNotifier, NotifierRegistration};
use abstractions::pernet::PernetRegistration;
use abstractions::slab::SlabClasses;
use abstractions::sync::Rtnl;
use router::device::FerDevice;
use router::Router;

/// Keeps ports in step with their devices: detaches an attached port whose
/// device goes away or leaves its router's namespace, refreshes what a
/// port copies of its device (name, address, namespace) when it changes,
/// and flushes or restores its routes when it goes down or up. (The MTU is
/// read from the device on each use: CHANGEMTU needs nothing.)
struct PortWatcher;

impl NetdevNotifier for PortWatcher {
    fn event(event: NetdevEvent, dev: &NetDevice, rtnl: &Rtnl) {
        // An attached port belongs to the router of its device's namespace;
        // a ferroute device's own port to the router that owns the device,
        // wherever it lives (and another router may have attached it).
        let local = router::router_arc(&dev.net_rtnl(rtnl));
        match event {
            NetdevEvent::Unregister | NetdevEvent::ChangeNetns => {
                if let Some(r) = &local {
                    r.detach_dev(dev, rtnl);
                }
            }
            NetdevEvent::ChangeName | NetdevEvent::ChangeAddr | NetdevEvent::Register => {
                for_routers_of(dev, local.as_deref(), rtnl, |r| r.refresh_port(dev, rtnl));
            }
            NetdevEvent::Up | NetdevEvent::Down => {
                let up = matches!(event, NetdevEvent::Up);
                for_routers_of(dev, local.as_deref(), rtnl, |r| {
                    r.port_link_change(dev, up, rtnl)
                });
            }
            _ => {}
        }
    }
}

/// Runs `f` on each router that may have a port on `dev`: `local`, the
/// router of its namespace, and, for a ferroute device, the router that
/// owns it if that is another.
fn for_routers_of(dev: &NetDevice, local: Option<&Router>, rtnl: &Rtnl, f: impl Fn(&Router)) {
    if let Some(r) = local {
        f(r);
    }
    let owner = Device::<FerDevice>::from_netdev(dev).and_then(|d| d.data(rtnl));
    if let Some(owner) = owner {
        if !local.is_some_and(|l| core::ptr::eq(l, owner)) {
            f(owner);
        }
    }
}

/// The loaded module: its registrations, dropped in the order `Drop`
/// below gives.
struct Ferroute {
    route_ioctl: Option<MiscRegistration<router::ioctl::RouteIoctl>>,
    family: Option<genetlink::Registration<router::netlink::FerrouteFamily>>,
    link: Option<LinkRegistration<FerDevice>>,
    routers: Option<PernetRegistration<Router>>,
    notifier: Option<NotifierRegistration<PortWatcher>>,
    slab: Option<SlabClasses>,
}

impl kernel::Module for Ferroute {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let mut this = Ferroute {
            route_ioctl: None,
            family: None,
            link: None,
            routers: None,
            notifier: None,
            slab: None,
        };
        // The slab caches for the FIB's slices first, gone last: after
        // every router and every RCU callback that frees their objects.
        this.slab = Some(SlabClasses::register()?);
        // On error `this` drops, undoing what was done. The notifier comes
        // first and goes last, so that no port can outlive its device.
        this.notifier = Some(NotifierRegistration::register()?);
        // A router in every namespace, and in every new one.
        this.routers = Some(PernetRegistration::register()?);
        this.link = Some(LinkRegistration::register()?);
        if let Some(link) = &this.link {
            link.create_device(c_str!("fer0"))?;
        }
        this.family = Some(genetlink::Registration::register(module)?);
        this.route_ioctl = Some(MiscRegistration::register(
            c_str!("ferroute"),
            &ROUTE_IOCTL_FOPS,
        )?);
        pr_info!("IPv4 router loaded\n");
        Ok(this)
    }
}

impl Drop for Ferroute {
    fn drop(&mut self) {
        // No new configuration requests.
        self.route_ioctl = None;
        self.family = None;
        // Ferroute devices are deleted in every namespace (each removes its
        // port from the router that owns it as it unregisters).
        self.link = None;
        // Every router is torn down: attached ports go back to the kernel.
        self.routers = None;
        // Only now, with no port left, stop watching devices.
        self.notifier = None;
        // Configurations retired with call_rcu are freed by this module's
        // code: let every such callback run before the module goes.
        abstractions::rcu::barrier();
        // Nothing allocates or holds an object of the caches any more.
        self.slab = None;
        pr_info!("unloaded\n");
    }
}

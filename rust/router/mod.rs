// SPDX-License-Identifier: GPL-2.0

//! The router: module glue between the kernel abstractions and the IPv4
//! logic.
//!
//! State is split by who writes it and how often:
//! - [`Config`] (ports, addresses, routes) changes only under RTNL, through
//!   netlink or device events. It is published under RCU: the packet path
//!   reads it lock-free; a writer copies it, changes the copy, publishes
//!   it and frees the old one after a grace period.
//! - The neighbour cache changes on the packet path and is under a
//!   bottom-half spinlock.
//! - Counters are atomics.

mod bench;
pub mod device;
pub(crate) mod global;
mod input;
pub mod ioctl;
pub mod netlink;
mod output;
pub mod port;
pub mod routes;
pub mod rules;
pub mod stats;

use crate::abstractions::genetlink::Dump;
use crate::abstractions::netdevice::{self, NetDevice};
use crate::abstractions::rcu::{RcuBox, ReadGuard};
use crate::abstractions::skbuff::SkBuff;
use crate::abstractions::sync::{Rtnl, SpinLockBh};
use crate::abstractions::time::{now_ms, Timer, TimerCallback};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::devinet;
use crate::ipv4::fib::Fib;
use crate::ipv4::iface::{AddrTable, IfAddr, PortId};
use crate::ipv4::neigh::{NeighAction, NeighCache};
use crate::platform::TryVec;
use core::sync::atomic::{AtomicU32, Ordering};
pub(crate) use global::{publish, with_router, with_router_arc, withdraw};
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};
use port::{Attachment, Port, PortKind};
use stats::Stats;

/// An error of a control-plane request, with the message userspace sees.
pub type CtlError = (kernel::error::Error, &'static CStr);

/// The configuration the packet path reads.
pub struct Config {
    /// Every port, attached or ferroute device.
    pub ports: TryVec<Port>,
    /// The router's addresses.
    pub addrs: AddrTable,
    /// Routes (the local and connected ones that addresses create).
    pub fib: Fib,
}

impl Config {
    fn empty() -> Self {
        Self {
            ports: TryVec::new(),
            addrs: AddrTable::new(),
            fib: Fib::new(),
        }
    }

    fn try_clone(&self) -> Result<Self, kernel::error::Error> {
        Ok(Self {
            ports: self.ports.try_clone().map_err(|_| ENOMEM)?,
            addrs: self.addrs.try_clone().map_err(|_| ENOMEM)?,
            fib: self.fib.try_clone().map_err(|_| ENOMEM)?,
        })
    }

    /// The port of `id`.
    pub fn port(&self, id: PortId) -> Option<&Port> {
        self.ports.iter().find(|p| p.id == id)
    }

    fn port_by_dev(&self, dev: &NetDevice) -> Option<&Port> {
        self.ports
            .iter()
            .find(|p| core::ptr::eq(p.dev.as_raw(), dev.as_raw()))
    }

    pub(crate) fn port_by_name(&self, name: &[u8]) -> Option<&Port> {
        self.ports.iter().find(|p| p.is_named(name))
    }

    /// The address `addr/plen` on the port named `name`; `ENODEV` if there
    /// is no such port.
    fn ifaddr_on(&self, name: &[u8], addr: Ipv4Addr, plen: u8) -> Result<IfAddr, CtlError> {
        let port = self
            .port_by_name(name)
            .ok_or((ENODEV, c_str!("no such port")))?
            .id;
        Ok(IfAddr {
            port,
            addr,
            prefix_len: plen,
        })
    }
}

/// The neighbour retransmit timer.
struct NeighTimer;

/// How often the neighbour cache is aged, in milliseconds.
const NEIGH_TICK_MS: u32 = 200;

impl TimerCallback for NeighTimer {
    fn run() {
        with_router(|r| {
            r.neigh_tick();
            r.neigh_timer.arm_ms(NEIGH_TICK_MS);
        });
    }
}

/// The router.
#[pin_data]
pub struct Router {
    config: RcuBox<Config>,
    #[pin]
    attachments: Mutex<TryVec<Attachment>>,
    #[pin]
    neigh: SpinLockBh<NeighCache<SkBuff>>,
    stats: Stats,
    next_port_id: AtomicU32,
    ip_ident: AtomicU32,
    neigh_timer: Timer<NeighTimer>,
}

impl Router {
    /// Creates a router with no ports and starts its neighbour timer.
    pub fn new() -> Result<Arc<Self>> {
        let router = Arc::pin_init(
            try_pin_init!(Self {
                config: RcuBox::empty(),
                attachments <- new_mutex!(TryVec::new(), "ferroute_attachments"),
                neigh <- crate::new_spinlock_bh!(NeighCache::new(), "ferroute_neigh"),
                stats: Stats::new()?,
                next_port_id: AtomicU32::new(1),
                ip_ident: AtomicU32::new(1),
                neigh_timer: Timer::new()?,
            }),
            GFP_KERNEL,
        )?;
        router
            .config
            .replace(Some(KBox::new(Config::empty(), GFP_KERNEL)?));
        Ok(router)
    }

    /// Starts the neighbour timer; called once the router is published, as
    /// the timer finds it through the global.
    pub fn start(&self) {
        self.neigh_timer.arm_ms(NEIGH_TICK_MS);
    }

    /// Runs `f` on the current configuration (packet path, lock-free).
    pub(crate) fn with_config<R>(&self, f: impl FnOnce(&Config) -> R) -> Option<R> {
        let guard = ReadGuard::new();
        self.config.read(&guard).map(f)
    }

    /// Changes the configuration: copy, change, publish (RTNL serializes
    /// writers); the old copy is freed after a grace period.
    pub(crate) fn update_config(
        &self,
        _rtnl: &Rtnl,
        change: impl FnOnce(&mut Config) -> Result<(), CtlError>,
    ) -> Result<(), CtlError> {
        let mut new = {
            let guard = ReadGuard::new();
            match self.config.read(&guard) {
                Some(c) => c.try_clone(),
                None => Ok(Config::empty()),
            }
        }
        .map_err(|e| (e, c_str!("out of memory")))?;
        change(&mut new)?;
        let new = KBox::new(new, GFP_KERNEL).map_err(|_| (ENOMEM, c_str!("out of memory")))?;
        // The old configuration is freed after a grace period without
        // waiting for it, as Linux's fib_trie frees replaced nodes: a
        // million-route load cannot wait for a million grace periods.
        self.config.replace_deferred(Some(new));
        Ok(())
    }

    /// The IP identification for the next packet the router originates.
    fn next_ip_ident(&self) -> u16 {
        self.ip_ident.fetch_add(1, Ordering::Relaxed) as u16
    }

    fn new_port_id(&self) -> PortId {
        PortId(self.next_port_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Adds a ferroute device as a port (from its `ndo_init`).
    pub fn add_fer_port(&self, dev: &NetDevice, rtnl: &Rtnl) -> Result {
        let id = self.new_port_id();
        self.update_config(rtnl, |c| {
            c.ports
                .try_push(Port::new(id, PortKind::Fer, dev))
                .map_err(|_| (ENOMEM, c_str!("out of memory")))
        })
        .map_err(|(e, _)| e)
    }

    /// Attaches an existing Ethernet device as a port.
    pub fn attach(&self, dev: &NetDevice, rtnl: &Rtnl) -> Result<(), CtlError> {
        if dev.is_loopback() {
            return Err((EINVAL, c_str!("cannot attach a loopback device")));
        }
        if !dev.is_ethernet() {
            return Err((EINVAL, c_str!("only Ethernet devices can be attached")));
        }
        let known = self
            .with_config(|c| c.port_by_dev(dev).map(|p| p.kind))
            .flatten();
        match known {
            Some(PortKind::Fer) => {
                return Err((EINVAL, c_str!("ferroute devices are ports already")))
            }
            Some(PortKind::Attached) => return Err((EEXIST, c_str!("device already attached"))),
            None => {}
        }
        if netdevice::has_kernel_ipv4(dev, rtnl) {
            return Err((
                EBUSY,
                c_str!("device has kernel IPv4 addresses; ferroute owns the IPv4 of its ports"),
            ));
        }
        if netdevice::rx_handler_busy(dev, rtnl) {
            return Err((
                EBUSY,
                c_str!("device is already claimed (bridge, bond, ...)"),
            ));
        }
        let id = self.new_port_id();
        let mut attachments = self.attachments.lock();
        // Reserve first, so that nothing can fail after the device is
        // claimed.
        attachments
            .try_reserve(1)
            .map_err(|_| (ENOMEM, c_str!("out of memory")))?;
        self.update_config(rtnl, |c| {
            c.ports
                .try_push(Port::new(id, PortKind::Attached, dev))
                .map_err(|_| (ENOMEM, c_str!("out of memory")))
        })?;
        match Attachment::attach(id, dev, rtnl) {
            Ok(a) => {
                // Room was reserved above, so this cannot fail.
                let _ = attachments.try_push(a);
                Ok(())
            }
            Err(e) => {
                drop(attachments);
                self.forget_port(id, rtnl);
                Err((e, c_str!("could not claim the device")))
            }
        }
    }

    /// Detaches the attached port named `name`.
    pub fn detach_by_name(&self, name: &[u8], rtnl: &Rtnl) -> Result {
        let port = self
            .with_config(|c| c.port_by_name(name).map(|p| (p.id, p.kind)))
            .flatten();
        match port {
            Some((id, PortKind::Attached)) => {
                self.detach(id, rtnl);
                Ok(())
            }
            Some((_, PortKind::Fer)) => Err(EINVAL),
            None => Err(ENODEV),
        }
    }

    fn detach(&self, id: PortId, rtnl: &Rtnl) {
        let attachment = {
            let mut attachments = self.attachments.lock();
            let pos = attachments.iter().position(|a| a.id == id);
            pos.and_then(|i| attachments.swap_remove(i))
        };
        if let Some(a) = attachment {
            a.detach(rtnl);
        }
        self.forget_port(id, rtnl);
    }

    /// Removes a port and everything that refers to it: addresses, routes,
    /// neighbours (their queued packets are dropped).
    fn forget_port(&self, id: PortId, rtnl: &Rtnl) {
        let full = self.update_config(rtnl, |c| {
            c.ports.retain(|p| p.id != id);
            devinet::try_inet_remove_port(&mut c.addrs, &mut c.fib, id)
                .map_err(|e| (errno_of(e), c_str!("out of memory")))
        });
        if full.is_err() {
            // Removing routes copies their paths in the persistent FIB and
            // can fail for memory. The port must go regardless: it holds a
            // reference that unregister_netdevice waits for. Its routes stay
            // behind, pointing at a port that no longer exists, which the
            // output path treats as no route.
            pr_warn!("out of memory removing the routes of port {}\n", id.0);
            let _ = self.update_config(rtnl, |c| {
                c.ports.retain(|p| p.id != id);
                c.addrs.remove_port(id);
                Ok(())
            });
        }
        self.neigh.lock().flush_port(id, |skb| {
            self.stats
                .drop_neigh(skb, crate::abstractions::skbuff::reason::NEIGH_DEAD)
        });
    }

    /// Removes the port of `dev`, whatever its kind (device unregistering).
    pub fn remove_port_of(&self, dev: &NetDevice, rtnl: &Rtnl) {
        let port = self
            .with_config(|c| c.port_by_dev(dev).map(|p| (p.id, p.kind)))
            .flatten();
        match port {
            Some((id, PortKind::Attached)) => self.detach(id, rtnl),
            Some((id, PortKind::Fer)) => self.forget_port(id, rtnl),
            None => {}
        }
    }

    /// Detaches every attached port (module unload).
    pub fn detach_all(&self, rtnl: &Rtnl) {
        loop {
            let id = self.attachments.lock().first().map(|a| a.id);
            match id {
                Some(id) => self.detach(id, rtnl),
                None => break,
            }
        }
    }

    /// Adds an address to the port named `name`, with its local and
    /// connected routes (fib_add_ifaddr).
    pub fn addr_add(
        &self,
        name: &[u8],
        addr: Ipv4Addr,
        plen: u8,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let ifa = c.ifaddr_on(name, addr, plen)?;
            devinet::inet_insert_ifa(&mut c.addrs, &mut c.fib, ifa).map_err(|e| {
                let msg = match e {
                    crate::ipv4::errno::Errno::Eexist => {
                        c_str!("address already assigned to this port")
                    }
                    crate::ipv4::errno::Errno::Einval => {
                        c_str!(
                            "invalid address (multicast, broadcast, 0/8 or 127/8) or prefix length"
                        )
                    }
                    _ => c_str!("cannot add this address"),
                };
                (errno_of(e), msg)
            })
        })
    }

    /// Removes an address and its routes (fib_del_ifaddr).
    pub fn addr_del(
        &self,
        name: &[u8],
        addr: Ipv4Addr,
        plen: u8,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let ifa = c.ifaddr_on(name, addr, plen)?;
            devinet::inet_del_ifa(&mut c.addrs, &mut c.fib, &ifa)
                .map(|_| ())
                .map_err(|e| (errno_of(e), c_str!("no such address on this port")))
        })
    }

    /// Ages the neighbour cache: retransmits ARP requests, fails entries
    /// that got no answer (their queued packets are dropped and counted).
    fn neigh_tick(&self) {
        let now = now_ms();
        // One action per call, each taken under the lock and carried out
        // outside it. Bounded so a huge table cannot stall the softirq.
        for _ in 0..crate::ipv4::neigh::MAX_ENTRIES {
            let action = self.neigh.lock().tick(now);
            match action {
                None => break,
                Some(NeighAction::Failed { packets, .. }) => {
                    for skb in packets {
                        self.stats
                            .drop_neigh(skb, crate::abstractions::skbuff::reason::NEIGH_FAILED);
                    }
                }
                Some(NeighAction::Solicit { port, ip, unicast }) => {
                    self.with_config(|c| {
                        if let Some(p) = c.port(port) {
                            output::send_arp_request(self, c, p, ip, unicast, None);
                        }
                    });
                }
            }
        }
    }

    fn dump_ports(&self, dump: &mut Dump<'_>) -> Result {
        use netlink::attr;
        self.with_config(|c| {
            dump.entries(c.ports.iter(), |m, p| {
                m.put_u32(attr::PORT_ID, p.id.0)?;
                m.put_str(attr::IFNAME, p.name())?;
                m.put_u32(attr::IFINDEX, p.dev.ifindex() as u32)?;
                m.put_u8(attr::KIND, p.kind as u8)?;
                m.put(attr::MAC, &p.mac)
            })
        });
        Ok(())
    }

    fn dump_addrs(&self, dump: &mut Dump<'_>) -> Result {
        use netlink::attr;
        self.with_config(|c| {
            dump.entries(c.addrs.iter(), |m, a| {
                m.put_u32(attr::PORT_ID, a.port.0)?;
                m.put_str(attr::IFNAME, c.port(a.port).map_or(b"?", |p| p.name()))?;
                m.put(attr::ADDRESS, &a.addr.octets())?;
                m.put_u8(attr::PREFIXLEN, a.prefix_len)
            })
        });
        Ok(())
    }

    fn dump_stats(&self, dump: &mut Dump<'_>) -> Result {
        let table = self.neigh.lock().stats();
        self.stats.dump(dump, &table);
        Ok(())
    }

    fn dump_neighbours(&self, dump: &mut Dump<'_>) -> Result {
        use netlink::attr;
        let now = now_ms();
        self.with_config(|c| {
            let neigh = self.neigh.lock();
            dump.entries(neigh.entries(now), |m, e| {
                m.put_str(attr::IFNAME, c.port(e.port).map_or(b"?", |p| p.name()))?;
                m.put(attr::ADDRESS, &e.addr.octets())?;
                if let Some(mac) = e.mac {
                    m.put(attr::MAC, &mac)?;
                }
                m.put_u8(attr::NEIGH_STATE, netlink::neigh_state(e.state))
            })
        });
        Ok(())
    }
}

/// The kernel error for a logic-layer errno.
pub(crate) fn errno_of(e: crate::ipv4::errno::Errno) -> kernel::error::Error {
    kernel::error::Error::from_errno(e.to_errno())
}

/// A frame from an attached port's packet handler.
pub(crate) fn receive_on_attached(id: PortId, _dev: &NetDevice, mut skb: SkBuff) {
    // eth_type_trans left data at the network header; the router parses
    // from the Ethernet header, so move back over it.
    if skb.push_mac_header().is_none() {
        skb.drop_with(crate::abstractions::skbuff::reason::PKT_TOO_SMALL);
        return;
    }
    // If the router is gone (module unloading), the closure that owns the
    // skb is dropped unrun, and the skb with it.
    with_router(|r| r.with_config(|c| input::receive(r, c, id, skb)));
}

/// A frame transmitted by a ferroute device's namespace: the router's input.
pub(crate) fn receive_on_fer(dev: &NetDevice, skb: SkBuff) -> bool {
    with_router(|r| {
        r.with_config(|c| match c.port_by_dev(dev) {
            Some(p) => {
                input::receive(r, c, p.id, skb);
                true
            }
            None => {
                device::drop_unknown(skb);
                false
            }
        })
        .unwrap_or(false)
    })
    .unwrap_or(false)
}

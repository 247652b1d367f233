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
//!   bottom-half spinlock; its entries with a usable MAC are also
//!   published in an [`HhCache`], which the output path reads without the
//!   lock.
//! - Counters are per-CPU.

mod bench;
mod conf;
pub mod device;
mod forward;
mod icmp;
mod input;
pub mod ioctl;
mod monitor;
mod mroute;
pub mod netlink;
pub(crate) mod netns;
mod output;
pub mod port;
pub mod routes;
pub mod rules;
pub mod stats;

use crate::abstractions::devref::DevRef;
use crate::abstractions::genetlink::{Dump, Message};
use crate::abstractions::netdevice::{self, Device, NetDevice};
use crate::abstractions::packet_type::RxList;
use crate::abstractions::rcu::{RcuMutexBox, ReadGuard};
use crate::abstractions::skbuff::SkBuff;
use crate::abstractions::sync::{Rtnl, RtnlGuard, SpinLockBh};
use crate::abstractions::time::{now_ms, Rearm, Timer, TimerCallback};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::devconf::{ConfMask, NetConf, PortConf};
use crate::ipv4::devinet;
use crate::ipv4::fib::Fib;
use crate::ipv4::icmp::{IcmpErrorMsg, IcmpGlobalLimit};
use crate::ipv4::iface::{AddrTable, IfAddr, PortId};
use crate::ipv4::inetpeer::InetPeers;
use crate::ipv4::neigh::{HhCache, NeighAction, NeighCache};
use crate::ipv4::reasm::Reassembly;
use crate::ipv4::route::RouteHint;
use crate::ipv4::stats::RxStat;
use crate::ipv4::wire::ethernet::PacketType;
use crate::ipv4::wire::icmp::{time_exceeded, unreach};
use crate::platform::{GfpKernel, TryVec};
use core::sync::atomic::{AtomicU32, Ordering};
use device::FerDevice;
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Arc, Mutex};
pub(crate) use netns::{router_arc, router_of};
use port::{Attachment, Port, PortDev, PortKind};
use stats::Stats;

/// An error of a control-plane request, with the message userspace sees.
pub type CtlError = (kernel::error::Error, &'static CStr);

/// The configuration the packet path reads.
///
/// # Invariants
///
/// In a published configuration, each port's effective settings
/// ([`Config::port_conf`]) are its own combined with `conf_all`: every
/// configuration but the empty one (which has no ports) is made by
/// [`Router::changed_config`], which computes them after its change.
pub struct Config {
    /// Changes with every published change (never 0): dumps compare it
    /// between their parts (NLM_F_DUMP_INTR).
    pub generation: u32,
    /// The inode number of the router's own namespace.
    pub netns: u32,
    /// Every port, attached or ferroute device.
    pub ports: TryVec<Port, GfpKernel>,
    /// The router's addresses.
    pub addrs: AddrTable,
    /// Routes (the local and connected ones that addresses create).
    pub fib: Fib,
    /// The router's settings (`net.ipv4.*`); each port has its own
    /// ([`Port::conf`]).
    pub net: NetConf,
    /// The `conf.all` port settings, combined with each port's.
    pub conf_all: PortConf,
    /// The `conf.default` port settings, which new ports start from.
    pub conf_default: PortConf,
    /// Which of them were written (new ports copy this as their own).
    pub conf_default_own: ConfMask,
}

impl Config {
    /// Adds a new port, which starts from conf.default's settings
    /// (`inetdev_init`) and takes the rules kept by its name
    /// (`attach_rules`).
    fn add_port(&mut self, mut port: Port) -> Result<(), CtlError> {
        port.conf = self.conf_default;
        port.conf_own = self.conf_default_own;
        self.fib.attach_port(port.id, port.name());
        self.ports
            .try_push(port)
            .map_err(|_| (ENOMEM, c_str!("out of memory")))
    }

    fn empty(netns: u32) -> Self {
        Self {
            generation: 1,
            netns,
            ports: TryVec::new(),
            addrs: AddrTable::new(),
            fib: Fib::new(),
            net: NetConf::DEFAULT,
            conf_all: PortConf::DEFAULT,
            conf_default: PortConf::DEFAULT,
            conf_default_own: ConfMask::default(),
        }
    }

    /// The settings that apply to `port`: its own combined with
    /// `conf.all`'s ([`PortConf::effective`]), as computed when this
    /// configuration was made ([`Config::refresh_port_confs`]).
    pub fn port_conf(&self, port: &Port) -> PortConf {
        port.effective
    }

    /// Computes what applies to each port from its own settings and
    /// `conf.all`'s: every configuration is made by
    /// [`Router::changed_config`], which calls this after its change, so
    /// the packet path reads the result instead of combining the two a
    /// packet.
    fn refresh_port_confs(&mut self) {
        let all = self.conf_all;
        for p in self.ports.iter_mut() {
            p.effective = p.conf.effective(&all);
        }
    }

    fn try_clone(&self) -> Result<Self, kernel::error::Error> {
        Ok(Self {
            // The copy is the next version.
            generation: self.generation.checked_add(1).unwrap_or(1),
            netns: self.netns,
            ports: self.ports.try_clone().map_err(|_| ENOMEM)?,
            addrs: self.addrs.try_clone().map_err(|_| ENOMEM)?,
            fib: self.fib.try_clone().map_err(|_| ENOMEM)?,
            net: self.net,
            conf_all: self.conf_all,
            conf_default: self.conf_default,
            conf_default_own: self.conf_default_own,
        })
    }

    /// The port of `id`.
    pub fn port(&self, id: PortId) -> Option<&Port> {
        self.ports.iter().find(|p| p.id == id)
    }

    fn port_by_dev(&self, dev: &NetDevice) -> Option<&Port> {
        self.ports.iter().find(|p| p.is_dev(dev))
    }

    /// The port a user means by `name` ([`port::port_named`]).
    pub(crate) fn port_by_name(&self, name: &[u8]) -> Option<&Port> {
        port::port_named(self.ports.as_slice(), self.netns, name)
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

/// The neighbour retransmit timer's context: the router it ages. The
/// reference is released when [`Router::shutdown`] drops the timer.
struct NeighTimer(Arc<Router>);

/// How often the neighbour cache is aged, in milliseconds.
const NEIGH_TICK_MS: u32 = 200;

impl TimerCallback for NeighTimer {
    fn run(&self, timer: &Rearm<'_>) {
        self.0.neigh_tick();
        self.0.reasm_tick();
        self.0.unres_tick(now_ms());
        self.0.igmp_tick(now_ms());
        timer.arm_ms(NEIGH_TICK_MS);
    }
}

/// The router of one network namespace.
#[pin_data]
pub struct Router {
    /// The inode number of its namespace.
    netns: u32,
    #[pin]
    config: RcuMutexBox<Config>,
    #[pin]
    attachments: Mutex<TryVec<Attachment, GfpKernel>>,
    #[pin]
    neigh: SpinLockBh<NeighCache<SkBuff>>,
    /// `neigh`'s entries with a usable MAC (REACHABLE, DELAY, PROBE), read
    /// by the output path without its lock.
    hh: HhCache,
    #[pin]
    icmp_limit: SpinLockBh<IcmpGlobalLimit>,
    #[pin]
    peers: SpinLockBh<InetPeers>,
    #[pin]
    reasm: SpinLockBh<Reassembly<input::Fragment>>,
    /// VIFs and the MFC (`struct mr_table`), with their counters.
    #[pin]
    mroute: SpinLockBh<crate::ipv4::mroute::MrTable>,
    /// The multicast state beside the MFC; never locked inside `mroute`.
    #[pin]
    mc: SpinLockBh<mroute::McState>,
    stats: Stats,
    next_port_id: AtomicU32,
    ip_ident: AtomicU32,
    #[pin]
    neigh_timer: Mutex<Option<Timer<NeighTimer>>>,
}

impl Router {
    /// Creates the router of the namespace whose inode number is `netns`,
    /// with no ports.
    pub fn new(netns: u32) -> Result<Arc<Self>> {
        let mut neigh = NeighCache::new();
        let hh = neigh.try_hh().map_err(|_| ENOMEM)?;
        let router = Arc::pin_init(
            try_pin_init!(Self {
                netns,
                config <- RcuMutexBox::new(),
                attachments <- new_mutex!(TryVec::new(), "ferroute_attachments"),
                neigh <- crate::new_spinlock_bh!(neigh, "ferroute_neigh"),
                hh,
                icmp_limit <- crate::new_spinlock_bh!(IcmpGlobalLimit::new(), "ferroute_icmp_limit"),
                peers <- crate::new_spinlock_bh!(InetPeers::new(), "ferroute_inet_peers"),
                reasm <- crate::new_spinlock_bh!(Reassembly::new(), "ferroute_reasm"),
                mroute <- crate::new_spinlock_bh!(crate::ipv4::mroute::MrTable::new(), "ferroute_mroute"),
                mc <- crate::new_spinlock_bh!(mroute::McState::new(), "ferroute_mc"),
                stats: Stats::new()?,
                next_port_id: AtomicU32::new(1),
                ip_ident: AtomicU32::new(1),
                neigh_timer <- new_mutex!(None, "ferroute_neigh_timer"),
            }),
            GFP_KERNEL,
        )?;
        router
            .config
            .lock()
            .replace(Some(KBox::new(Config::empty(netns), GFP_KERNEL)?));
        Ok(router)
    }

    /// Starts the neighbour timer, which holds a reference to the router
    /// until [`Router::shutdown`].
    pub fn start(self: &Arc<Self>) -> Result {
        let timer = Timer::new(NeighTimer(self.clone()))?;
        timer.arm_ms(NEIGH_TICK_MS);
        *self.neigh_timer.lock() = Some(timer);
        Ok(())
    }

    /// Tears the router down (its namespace is going, or the module):
    /// gives attached devices back to the kernel, deletes the ferroute
    /// devices it owns that live in other namespaces (those in its own are
    /// gone already), and stops its timer. Process context, RTNL not held.
    pub fn shutdown(&self) {
        {
            let rtnl = RtnlGuard::lock();
            self.detach_all(&rtnl);
            // Each unregistration removes the port (FerDevice::uninit).
            loop {
                let fer = self
                    .with_config(|c| {
                        c.ports.iter().find_map(|p| match &p.dev {
                            PortDev::Fer(d) => Some((p.id, d.clone())),
                            PortDev::Attached(_) => None,
                        })
                    })
                    .flatten();
                let Some((id, dev)) = fer else { break };
                if !dev.unregister(&rtnl) {
                    // Not registered (cannot happen under RTNL: uninit
                    // would have removed the port); never loop on it.
                    self.forget_port_sync(id, &rtnl);
                }
                // `dev` is released here, before RTNL is: rtnl_unlock
                // finishes the unregistration and waits for references.
            }
        }
        // The timer's callback may be running: dropping the timer waits for
        // it, outside any lock it could want.
        let timer = self.neigh_timer.lock().take();
        drop(timer);
    }

    /// Runs `f` on the current configuration (packet path, lock-free).
    pub(crate) fn with_config<R>(&self, f: impl FnOnce(&Config) -> R) -> Option<R> {
        let guard = ReadGuard::new();
        self.with_config_in(&guard, f)
    }

    /// As [`Router::with_config`], inside the caller's read-side section
    /// (the receive path's, which found the router in it): no second
    /// section a packet.
    pub(crate) fn with_config_in<R>(
        &self,
        guard: &ReadGuard,
        f: impl FnOnce(&Config) -> R,
    ) -> Option<R> {
        self.config.read(guard).map(f)
    }

    /// Changes the configuration: copy, change, publish (RTNL and the
    /// box's mutex serialize writers; the copy is made outside any
    /// read-side section, so its allocations may sleep: `GfpKernel`); the
    /// old copy is freed after a grace period, without
    /// waiting for it, as Linux's fib_trie frees replaced nodes: a
    /// million-route load cannot wait for a million grace periods.
    pub(crate) fn update_config(
        &self,
        rtnl: &Rtnl,
        change: impl FnOnce(&mut Config) -> Result<(), CtlError>,
    ) -> Result<(), CtlError> {
        let mut writer = self.config.lock();
        let new = self.changed_config(writer.current(), rtnl, change)?;
        writer.replace_deferred(Some(new));
        Ok(())
    }

    /// As [`Router::update_config`], and announces the change to monitor
    /// listeners in `net` ([`monitor`]): `announce` compares the
    /// configuration before (`old`) with the one after; its notifications
    /// are sent once the new one is published.
    fn update_config_announced(
        &self,
        rtnl: &Rtnl,
        net: &netdevice::Net<'_>,
        change: impl FnOnce(&mut Config) -> Result<(), CtlError>,
        announce: impl FnOnce(&mut monitor::Announcements<'_, '_>, &Config, &Config),
    ) -> Result<(), CtlError> {
        let mut notes = monitor::Announcements::new(net);
        {
            let mut writer = self.config.lock();
            let new = self.changed_config(writer.current(), rtnl, change)?;
            if let Some(old) = writer.current() {
                announce(&mut notes, old, &new);
            }
            writer.replace_deferred(Some(new));
        }
        notes.send();
        Ok(())
    }

    /// As [`Router::update_config`], but waits for the grace period and
    /// frees the old copy before returning: for a change that must release
    /// the device references the old copy holds now (a ferroute device's
    /// uninit, see `Driver::init`).
    fn update_config_sync(
        &self,
        rtnl: &Rtnl,
        change: impl FnOnce(&mut Config) -> Result<(), CtlError>,
    ) -> Result<(), CtlError> {
        let mut writer = self.config.lock();
        let new = self.changed_config(writer.current(), rtnl, change)?;
        writer.replace(Some(new));
        Ok(())
    }

    /// The next configuration: a copy of `current` with `change` applied.
    fn changed_config(
        &self,
        current: Option<&Config>,
        _rtnl: &Rtnl,
        change: impl FnOnce(&mut Config) -> Result<(), CtlError>,
    ) -> Result<KBox<Config>, CtlError> {
        let mut new = match current {
            Some(c) => c.try_clone(),
            None => Ok(Config::empty(self.netns)),
        }
        .map_err(|e| (e, c_str!("out of memory")))?;
        change(&mut new)?;
        new.refresh_port_confs();
        KBox::new(new, GFP_KERNEL).map_err(|_| (ENOMEM, c_str!("out of memory")))
    }

    /// The IP identification for the next packet the router originates.
    fn next_ip_ident(&self) -> u16 {
        self.ip_ident.fetch_add(1, Ordering::Relaxed) as u16
    }

    fn new_port_id(&self) -> PortId {
        PortId(self.next_port_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Adds a ferroute device as a port (from its `ndo_init`).
    pub fn add_fer_port(&self, dev: &Device<FerDevice>, rtnl: &Rtnl) -> Result {
        let id = self.new_port_id();
        let port = Port::new(id, PortDev::Fer(DevRef::new(dev)), rtnl);
        self.update_config(rtnl, |c| c.add_port(port))
            .map_err(|(e, _)| e)
    }

    /// Removes a ferroute device's port (from its `ndo_uninit`), and with
    /// it every reference the configuration holds to the device, before
    /// returning: after a failed registration the core frees the device
    /// at once (see `Driver::init`).
    pub fn remove_fer_port(&self, dev: &Device<FerDevice>, rtnl: &Rtnl) {
        let id = self
            .with_config(|c| c.port_by_dev(dev).map(|p| p.id))
            .flatten();
        if let Some(id) = id {
            self.forget_port_sync(id, rtnl);
        }
    }

    /// The device of a port changed (renamed, new address, moved): copy
    /// what the configuration keeps of it again.
    pub fn refresh_port(&self, dev: &NetDevice, rtnl: &Rtnl) {
        let known = self.with_config(|c| c.port_by_dev(dev).is_some());
        if known != Some(true) {
            return;
        }
        let refreshed = self.update_config(rtnl, |c| {
            for p in c.ports.iter_mut().filter(|p| p.is_dev(dev)) {
                p.refresh(rtnl);
            }
            Ok(())
        });
        if refreshed.is_err() {
            pr_warn!("out of memory refreshing a port\n");
        }
    }

    /// `NETDEV_UP`/`NETDEV_DOWN` on `dev`, as `fib_netdev_event` acts: down
    /// flushes the port's routes ([`Fib::port_down`]) and its neighbours
    /// (`arp_ifdown`), keeping its addresses; up puts the routes of its
    /// addresses back ([`Fib::port_up`]).
    ///
    /// [`Fib::port_down`]: crate::ipv4::fib::Fib::port_down
    /// [`Fib::port_up`]: crate::ipv4::fib::Fib::port_up
    ///
    /// Only for attached ports: a ferroute device's admin state is its far
    /// end's, the namespace's side of the link; for the router's end that is
    /// a carrier change, on which Linux keeps the routes (as a veth whose
    /// peer goes down), so the port stays up ([`Port::is_up`]).
    ///
    /// [`Port::is_up`]: port::Port::is_up
    pub fn port_link_change(&self, dev: &NetDevice, up: bool, rtnl: &Rtnl) {
        let port = self.with_config(|c| c.port_by_dev(dev).map(|p| (p.id, p.kind())));
        let Some(Some((id, PortKind::Attached))) = port else {
            return;
        };
        let changed = self.update_config(rtnl, |c| {
            let done = if up {
                c.fib.port_up(id, &c.addrs)
            } else {
                c.fib.port_down(id)
            };
            done.map_err(|e| (errno_of(e), c_str!("out of memory")))
        });
        if changed.is_err() {
            pr_warn!("out of memory updating the routes of port {}\n", id.0);
        }
        if !up {
            self.neigh.lock().flush_port(id, |skb| {
                self.stats
                    .drop_neigh(skb, crate::abstractions::skbuff::reason::NEIGH_DEAD)
            });
        }
    }

    /// Receives a frame transmitted on a ferroute device this router owns,
    /// scrubbed as a veth scrubs what its peer sends (`veth_xmit`,
    /// `__dev_forward_skb`): what the sending namespace set (its mark, its
    /// timestamps) does not come into another.
    pub(crate) fn receive_on_fer(&self, dev: &Device<FerDevice>, mut skb: SkBuff) -> bool {
        let xnet = {
            let guard = ReadGuard::new();
            dev.net(&guard).inum() != self.netns
        };
        skb.scrub(xnet);
        self.with_config(|c| match c.port_by_dev(dev) {
            Some(p) => {
                input::receive(self, c, p.id, skb, &mut RouteHint::default());
                true
            }
            None => {
                skb.drop_with(crate::abstractions::skbuff::reason::DEV_READY);
                false
            }
        })
        .unwrap_or(false)
    }

    /// Attaches an existing Ethernet device as a port.
    pub fn attach(
        &self,
        dev: &NetDevice,
        net: &netdevice::Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        if dev.is_loopback() {
            return Err((EINVAL, c_str!("cannot attach a loopback device")));
        }
        if !dev.is_ethernet() {
            return Err((EINVAL, c_str!("only Ethernet devices can be attached")));
        }
        let known = self
            .with_config(|c| c.port_by_dev(dev).map(|p| p.kind()))
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
        let port = Port::new(id, PortDev::Attached(DevRef::new(dev)), rtnl);
        self.update_config_announced(
            rtnl,
            net,
            |c| c.add_port(port),
            |n, old, new| n.ports(old, new),
        )?;
        match Attachment::attach(id, dev, rtnl) {
            Ok(a) => {
                // Room was reserved above, so this cannot fail.
                let _ = attachments.try_push(a);
                Ok(())
            }
            Err(e) => {
                drop(attachments);
                self.forget_port(id, Some(net), rtnl);
                Err((e, c_str!("could not claim the device")))
            }
        }
    }

    /// Detaches the attached port named `name`.
    pub fn detach_by_name(&self, name: &[u8], net: &netdevice::Net<'_>, rtnl: &Rtnl) -> Result {
        let port = self
            .with_config(|c| c.port_by_name(name).map(|p| (p.id, p.kind())))
            .flatten();
        match port {
            Some((id, PortKind::Attached)) => {
                self.detach(id, Some(net), rtnl);
                Ok(())
            }
            Some((_, PortKind::Fer)) => Err(EINVAL),
            None => Err(ENODEV),
        }
    }

    /// Detaches port `id`, announcing it to listeners in `net` if given.
    fn detach(&self, id: PortId, net: Option<&netdevice::Net<'_>>, rtnl: &Rtnl) {
        let attachment = {
            let mut attachments = self.attachments.lock();
            let pos = attachments.iter().position(|a| a.id == id);
            pos.and_then(|i| attachments.swap_remove(i))
        };
        if let Some(a) = attachment {
            a.detach(rtnl);
        }
        self.forget_port(id, net, rtnl);
    }

    /// Removes a port and everything that refers to it: addresses, routes,
    /// neighbours (their queued packets are dropped); the port and its
    /// addresses are announced gone to listeners in `net` if given (its
    /// routes go with a flush, unannounced as in Linux).
    fn forget_port(&self, id: PortId, net: Option<&netdevice::Net<'_>>, rtnl: &Rtnl) {
        self.forget_port_with(id, rtnl, false, net)
    }

    /// As [`Router::forget_port`], releasing the device reference before
    /// returning.
    fn forget_port_sync(&self, id: PortId, rtnl: &Rtnl) {
        self.forget_port_with(id, rtnl, true, None)
    }

    fn forget_port_with(
        &self,
        id: PortId,
        rtnl: &Rtnl,
        sync: bool,
        net: Option<&netdevice::Net<'_>>,
    ) {
        self.mvif_forget(id);
        let update = |change: &mut dyn FnMut(&mut Config) -> Result<(), CtlError>| match net {
            _ if sync => self.update_config_sync(rtnl, change),
            Some(net) => self.update_config_announced(rtnl, net, change, |n, old, new| {
                n.ports(old, new);
                n.addrs(old, new);
            }),
            None => self.update_config(rtnl, change),
        };
        let full = update(&mut |c| {
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
            let _ = update(&mut |c| {
                c.ports.retain(|p| p.id != id);
                c.addrs.remove_port(id);
                c.fib.detach_rules(id);
                Ok(())
            });
        }
        self.neigh.lock().flush_port(id, |skb| {
            self.stats
                .drop_neigh(skb, crate::abstractions::skbuff::reason::NEIGH_DEAD)
        });
    }

    /// Detaches `dev` if it is an attached port (the device is going
    /// away, or leaving the router's namespace). A ferroute device's port
    /// stays: it is removed only when the device is unregistered.
    pub fn detach_dev(&self, dev: &NetDevice, rtnl: &Rtnl) {
        let port = self
            .with_config(|c| c.port_by_dev(dev).map(|p| (p.id, p.kind())))
            .flatten();
        if let Some((id, PortKind::Attached)) = port {
            // An attached port's device is in the router's namespace until
            // it has left it (the notifier runs before the move).
            let net = dev.net_rtnl(rtnl);
            self.detach(id, Some(&net), rtnl);
        }
    }

    /// Detaches every attached port (module unload).
    pub fn detach_all(&self, rtnl: &Rtnl) {
        loop {
            let id = self.attachments.lock().first().map(|a| a.id);
            match id {
                Some(id) => self.detach(id, None, rtnl),
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
        net: &netdevice::Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let announce = |n: &mut monitor::Announcements<'_, '_>, old: &Config, new: &Config| {
            n.addrs(old, new);
            n.ifaddr_routes(old, new, addr, plen);
        };
        self.update_config_announced(rtnl, net, |c| {
            let ifa = c.ifaddr_on(name, addr, plen)?;
            let up = c.port(ifa.port).is_some_and(|p| p.is_up());
            devinet::inet_insert_ifa(&mut c.addrs, &mut c.fib, ifa, up).map_err(|e| {
                let msg = match e {
                    crate::ipv4::errno::Errno::Eexist => {
                        c_str!("address already assigned to this port")
                    }
                    crate::ipv4::errno::Errno::Einval => {
                        c_str!(
                            "invalid address (multicast, broadcast, 0.0.0.0 or 127/8) or prefix length"
                        )
                    }
                    _ => c_str!("cannot add this address"),
                };
                (errno_of(e), msg)
            })?;
            // A port with an address keeps its settings when conf.default
            // changes: rtm_to_ifaddr marks every one its own
            // (ipv4_devconf_setall).
            for p in c.ports.iter_mut().filter(|p| p.id == ifa.port) {
                p.conf_own = ConfMask::ALL;
            }
            Ok(())
        }, announce)
    }

    /// Removes an address and its routes (fib_del_ifaddr).
    pub fn addr_del(
        &self,
        name: &[u8],
        addr: Ipv4Addr,
        plen: u8,
        net: &netdevice::Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let announce = |n: &mut monitor::Announcements<'_, '_>, old: &Config, new: &Config| {
            n.addrs(old, new);
            n.ifaddr_routes(old, new, addr, plen);
        };
        self.update_config_announced(
            rtnl,
            net,
            |c| {
                let ifa = c.ifaddr_on(name, addr, plen)?;
                devinet::inet_del_ifa(&mut c.addrs, &mut c.fib, &ifa)
                    .map(|_| ())
                    .map_err(|e| (errno_of(e), c_str!("no such address on this port")))
            },
            announce,
        )
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
                    // arp_error_report: each packet that waited is answered
                    // with host unreachable (ipv4_link_failure) and dropped;
                    // no IP counter, as in Linux (arp_cache res_failed is).
                    self.with_config(|c| {
                        for mut skb in packets {
                            let msg = IcmpErrorMsg::dest_unreach(unreach::HOST);
                            icmp::icmp_send(
                                self,
                                c,
                                icmp::quote(&mut skb, 0),
                                PacketType::Host,
                                false,
                                None,
                                msg,
                            );
                            skb.drop_with(crate::abstractions::skbuff::reason::NEIGH_FAILED);
                        }
                    });
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

    /// Expires reassembly queues (`ip_expire`): each is counted ReasmFails
    /// and ReasmTimeout; one whose first fragment came is answered with
    /// time exceeded, fragment reassembly (11/1), from the address it was
    /// sent to (its queue is for local delivery), echoing its options.
    fn reasm_tick(&self) {
        let now = now_ms();
        loop {
            let expired = self.reasm.lock().tick(now);
            let Some(e) = expired else { break };
            for &s in crate::ipv4::reasm::EXPIRED_STATS {
                self.stats.ip(s);
            }
            let Some(input::Fragment { skb, opts }) = e.first else {
                continue;
            };
            self.with_config(|c| {
                let eth = crate::ipv4::wire::ethernet::HEADER_LEN;
                let ip = skb.data().get(eth..).unwrap_or(&[]);
                let mut eth_dst = [0xff; 6];
                if let Some(d) = skb.data().get(..6) {
                    eth_dst.copy_from_slice(d);
                }
                // Not about a broadcast datagram, nor one that came as a
                // link-layer broadcast (ip_expire's route, __icmp_send).
                if !crate::ipv4::reasm::expire_answers(&eth_dst, ip, |a| c.fib.is_local_addr(a)) {
                    return;
                }
                let msg = IcmpErrorMsg::time_exceeded(time_exceeded::FRAGTIME);
                icmp::icmp_send_local(self, c, ip, PacketType::Host, &opts, msg);
            });
            skb.drop_with(crate::abstractions::skbuff::reason::FRAG_REASM_TIMEOUT);
        }
    }

    /// Dumps the ports with their devices' counters, which are read under
    /// RTNL ([`NetDevice::stats`]), as rtnetlink's link dump holds it.
    pub(crate) fn dump_ports(&self, dump: &mut Dump<'_>) -> Result {
        let rtnl = RtnlGuard::lock();
        self.with_config(|c| {
            dump.set_generation(c.generation);
            dump.entries(c.ports.iter(), |m, p| {
                put_port(m, p)?;
                match p.netdev().stats(&rtnl) {
                    Some(s) => put_link_stats(m, &s),
                    None => Ok(()),
                }
            })
        })
        .unwrap_or(Ok(()))
    }

    fn dump_addrs(&self, dump: &mut Dump<'_>) -> Result {
        self.with_config(|c| {
            dump.set_generation(c.generation);
            dump.entries(c.addrs.iter(), |m, a| put_addr(c, m, a))
        })
        .unwrap_or(Ok(()))
    }

    fn dump_stats(&self, dump: &mut Dump<'_>) -> Result {
        let table = self.neigh.lock().stats();
        let frags = {
            let r = self.reasm.lock();
            stats::FragGauges {
                queues: r.len() as u64,
                mem: r.mem() as u64,
                peak_mem: r.peak_mem() as u64,
            }
        };
        self.stats.dump(dump, &table, &frags)
    }

    fn dump_neighbours(&self, dump: &mut Dump<'_>) -> Result {
        let now = now_ms();
        self.with_config(|c| {
            let neigh = self.neigh.lock();
            dump.entries(neigh.entries(now), |m, e| put_neigh(c, m, &e))
        })
        .unwrap_or(Ok(()))
    }
}

/// A port as `port-get` describes it.
fn put_port(m: &mut Message<'_>, p: &Port) -> Result {
    use netlink::attr;
    m.put_u32(attr::PORT_ID, p.id.0)?;
    m.put_str(attr::IFNAME, p.name())?;
    m.put_u32(attr::IFINDEX, p.netdev().ifindex() as u32)?;
    m.put_u8(attr::KIND, p.kind() as u8)?;
    m.put(attr::MAC, &p.mac)?;
    m.put_u32(attr::NETNS, p.netns)?;
    conf::put_port_conf(m, &p.conf)
}

/// A port's device counters, as `ip -s link` shows them.
fn put_link_stats(m: &mut Message<'_>, s: &netdevice::LinkStats) -> Result {
    use netlink::attr;
    for (ty, v) in [
        (attr::RX_PACKETS, s.rx_packets),
        (attr::RX_BYTES, s.rx_bytes),
        (attr::RX_ERRORS, s.rx_errors),
        (attr::RX_DROPPED, s.rx_dropped),
        (attr::RX_MISSED, s.rx_missed),
        (attr::RX_MULTICAST, s.multicast),
        (attr::TX_PACKETS, s.tx_packets),
        (attr::TX_BYTES, s.tx_bytes),
        (attr::TX_ERRORS, s.tx_errors),
        (attr::TX_DROPPED, s.tx_dropped),
        (attr::TX_CARRIER, s.tx_carrier),
        (attr::COLLISIONS, s.collisions),
    ] {
        m.put_u64(ty, v)?;
    }
    Ok(())
}

/// An address as `addr-get` describes it.
fn put_addr(c: &Config, m: &mut Message<'_>, a: &IfAddr) -> Result {
    use netlink::attr;
    m.put_u32(attr::PORT_ID, a.port.0)?;
    m.put_str(attr::IFNAME, c.port(a.port).map_or(b"?", |p| p.name()))?;
    m.put(attr::ADDRESS, &a.addr.octets())?;
    m.put_u8(attr::PREFIXLEN, a.prefix_len)
}

/// A neighbour entry as `neigh-get` describes it.
fn put_neigh(c: &Config, m: &mut Message<'_>, e: &crate::ipv4::neigh::NeighInfo) -> Result {
    use netlink::attr;
    m.put_str(attr::IFNAME, c.port(e.port).map_or(b"?", |p| p.name()))?;
    m.put(attr::ADDRESS, &e.addr.octets())?;
    if let Some(mac) = e.mac {
        m.put(attr::MAC, &mac)?;
    }
    m.put_u8(attr::NEIGH_STATE, netlink::neigh_state(e.state))
}

/// The kernel error for a logic-layer errno.
pub(crate) fn errno_of(e: crate::ipv4::errno::Errno) -> kernel::error::Error {
    kernel::error::Error::from_errno(e.to_errno())
}

/// A frame from an attached port's packet handler, in the core's RCU
/// read-side section (`guard`). The port belongs to the router of the
/// device's namespace (a port that leaves it is detached first).
pub(crate) fn receive_on_attached(guard: &ReadGuard, id: PortId, dev: &NetDevice, skb: SkBuff) {
    let Some(r) = router_of(&dev.net(guard), guard) else {
        // The module or the namespace is going away.
        skb.drop_with(crate::abstractions::skbuff::reason::DEV_READY);
        return;
    };
    // The closure owns the skb: if there is no configuration, it is
    // dropped unrun and the skb with it.
    r.with_config_in(guard, |c| {
        receive_attached_in(&r, c, id, dev, skb, &mut RouteHint::default())
    });
}

/// A frame of port `id`'s packet handler, under the configuration `c`:
/// the router's input if the port is still `dev`'s.
#[inline(always)]
fn receive_attached_in(
    r: &Router,
    c: &Config,
    id: PortId,
    dev: &NetDevice,
    mut skb: SkBuff,
    hint: &mut RouteHint,
) {
    use crate::abstractions::skbuff::reason;
    // eth_type_trans left data at the network header; the router parses
    // from the Ethernet header, so move back over it.
    if skb.push_mac_header().is_none() {
        return skb.drop_with(reason::PKT_TOO_SMALL);
    }
    match c.port(id) {
        Some(p) if p.is_dev(dev) => input::receive(r, c, id, skb, hint),
        _ => skb.drop_with(reason::DEV_READY),
    }
}

/// The frames of one list from an attached port's packet handler (a NAPI
/// poll's `netif_receive_skb_list`): as [`receive_on_attached`] each, but
/// the router and its configuration are looked up once for the list, as
/// `ip_list_rcv` does its per-call work once a list, and a frame to the
/// destination of the frame before skips the FIB lookup ([`RouteHint`]).
pub(crate) fn receive_list_on_attached(guard: &ReadGuard, id: PortId, mut frames: RxList<'_>) {
    use crate::abstractions::skbuff::reason;
    let Some((first_dev, first)) = frames.next() else {
        return;
    };
    // A list's frames came in on one device (the core groups them by it),
    // so they share its namespace's router.
    let Some(r) = router_of(&first_dev.net(guard), guard) else {
        first.drop_with(reason::DEV_READY);
        for (_, skb) in frames {
            skb.drop_with(reason::DEV_READY);
        }
        return;
    };
    r.stats.rx(RxStat::Lists);
    // The closure owns the frames: if there is no configuration, they are
    // dropped unrun with it.
    r.with_config_in(guard, |c| {
        // One configuration for the whole list: a destination's route
        // found for one frame holds for the next ones (ip_list_rcv's
        // route hint).
        let mut hint = RouteHint::default();
        for (dev, skb) in Iterator::chain(core::iter::once((first_dev, first)), frames) {
            receive_attached_in(&r, c, id, dev, skb, &mut hint);
        }
    });
}

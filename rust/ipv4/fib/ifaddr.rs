// SPDX-License-Identifier: GPL-2.0

//! The routes addresses create and remove (`fib_add_ifaddr`,
//! `fib_del_ifaddr` of net/ipv4/fib_frontend.c).

use super::alias::{FibAlias, NlFlags, Route, RouteProtocol, RouteType};
use super::{Fib, RT_TABLE_LOCAL, RT_TABLE_MAIN};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{AddrTable, IfAddr, PortId, Scope};

impl Fib {
    /// The routes `fib_add_ifaddr` derives from `ifa`, whose subnet's
    /// primary address is `prim` (`ifa` itself if primary):
    /// - a local /32 route for the address in table local, scope host;
    /// - for a primary address whose prefix is not 0/8 (and not a /32 equal
    ///   to its prefix), the connected route of the subnet in table main,
    ///   scope link, and, below /31, a broadcast /32 route for the subnet
    ///   broadcast address in table local, scope link.
    ///
    /// All have protocol kernel, the address's port, and `prefsrc` the
    /// primary address. Linux 6.12 adds no route for the network address
    /// itself, and neither does ferroute; ports are always up, so the
    /// broadcast route is always added.
    pub fn ifaddr_routes(ifa: &IfAddr, prim: &IfAddr) -> [Option<Route>; 3] {
        let base = Route {
            table: RT_TABLE_LOCAL,
            dst: ifa.addr,
            prefix_len: 32,
            kind: RouteType::Local,
            scope: Scope::Host,
            protocol: RouteProtocol::Kernel,
            gateway: None,
            port: Some(ifa.port),
            prefsrc: Some(prim.addr),
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        };
        let prefix = ifa.prefix();
        let secondary = prim != ifa;
        if secondary || prefix.is_zeronet() || (prefix == ifa.addr && ifa.prefix_len >= 32) {
            return [Some(base), None, None];
        }
        let connected = Route {
            table: RT_TABLE_MAIN,
            dst: prefix,
            prefix_len: ifa.prefix_len,
            kind: RouteType::Unicast,
            scope: Scope::Link,
            ..base
        };
        let brd = ifa.broadcast().map(|b| Route {
            dst: b,
            kind: RouteType::Broadcast,
            scope: Scope::Link,
            ..base
        });
        [Some(base), Some(connected), brd]
    }

    /// `fib_add_ifaddr`: installs the routes of [`Fib::ifaddr_routes`] for
    /// `ifa`, which must already be in `addrs` (its primary is looked up
    /// there), as `fib_magic` does (create, append; an identical route
    /// already present is kept, not duplicated). On a port that is down
    /// (`up` false), only the local route, as Linux returns after it when
    /// the device lacks IFF_UP; the others come with [`Fib::port_up`]. On
    /// error nothing is changed.
    pub fn add_ifaddr(&mut self, ifa: &IfAddr, addrs: &AddrTable, up: bool) -> Result<(), Errno> {
        let prim = addrs.primary_of(ifa).copied().unwrap_or(*ifa);
        let mut next = self.try_clone()?;
        let routes = Self::ifaddr_routes(ifa, &prim);
        let routes = if up { &routes[..] } else { &routes[..1] };
        for r in routes.iter().flatten() {
            let alias = FibAlias::try_new(*r, &[])?;
            match next.table_mut(r.table)?.insert(alias, NlFlags::APPEND) {
                Ok(()) | Err(Errno::Eexist) => {}
                Err(e) => return Err(e),
            }
        }
        // fib_inetaddr_event NETDEV_UP: fib_sync_up(dev, RTNH_F_DEAD).
        if up {
            next.sync_up(ifa.port)?;
        }
        *self = next;
        Ok(())
    }

    /// `NETDEV_UP` (`fib_netdev_event`): `fib_add_ifaddr` for every address
    /// of `port`, in the order they were added, then `fib_sync_up`: the
    /// multipath next hops on `port` live again. On error nothing is
    /// changed.
    pub fn port_up(&mut self, port: PortId, addrs: &AddrTable) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        for ifa in addrs.on_port(port) {
            next.add_ifaddr(ifa, addrs, true)?;
        }
        next.sync_up(port)?;
        *self = next;
        Ok(())
    }

    /// `NETDEV_DOWN` (`fib_disable_ip(dev, event, false)`):
    /// [`Fib::sync_down_dev`] without force: the port's routes go, its
    /// connected and broadcast routes too, but not the host-scope ones
    /// (its local routes); multipath next hops on it are marked dead. The
    /// addresses and rules stay. On error nothing is changed.
    pub fn port_down(&mut self, port: PortId) -> Result<(), Errno> {
        self.sync_down_dev(port, false)
    }

    /// `fib_sync_down_dev` and `fib_flush`: every next hop on `port` dies
    /// (with `force`, as when the port lost its last address, also those
    /// of host-scope routes, whose next hop has scope "nowhere" in Linux);
    /// a route whose next hops are all dead is removed, a multipath route
    /// with a live one stays with the others marked dead (shown without
    /// the mark; lookups skip them). Reject routes stay. On error nothing
    /// is changed.
    pub fn sync_down_dev(&mut self, port: PortId, force: bool) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        let mut any_dead = false;
        for t in next.tables.iter_mut() {
            t.edit_aliases(|a| {
                if !force && a.route().scope == Scope::Host {
                    return Ok(None);
                }
                if !a.nexthops().any(|h| h.port == Some(port)) {
                    return Ok(None);
                }
                let edited = a.with_dead(|h, dead| dead || h.port == Some(port))?;
                if edited.is_some() {
                    // A multipath route kept with a dead hop.
                    any_dead = true;
                }
                Ok(Some(edited))
            })?;
        }
        next.maybe_dead |= any_dead;
        *self = next;
        Ok(())
    }

    /// `fib_sync_up(dev, RTNH_F_DEAD)`: the dead next hops on `port` live
    /// again (the port came up, or got an address). On error nothing is
    /// changed.
    pub fn sync_up(&mut self, port: PortId) -> Result<(), Errno> {
        if !self.maybe_dead {
            return Ok(());
        }
        let mut next = self.try_clone()?;
        for t in next.tables.iter_mut() {
            t.edit_aliases(|a| {
                let revive = a
                    .nexthops()
                    .enumerate()
                    .any(|(i, h)| a.is_dead(i) && h.port == Some(port));
                if !revive {
                    return Ok(None);
                }
                a.with_dead(|h, dead| dead && h.port != Some(port))
                    .map(Some)
            })?;
        }
        *self = next;
        Ok(())
    }

    /// `fib_sync_down_addr` and `fib_flush`: the routes of table main whose
    /// preferred source is `local` (an address that is no longer the
    /// router's) go. On error nothing is changed.
    pub fn sync_down_addr(&mut self, local: Ipv4Addr) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        if let Some(t) = next.tables.iter_mut().find(|t| t.id() == RT_TABLE_MAIN) {
            t.retain_aliases(|a| a.route().prefsrc != Some(local))?;
        }
        *self = next;
        Ok(())
    }

    /// `fib_del_ifaddr`: after `ifa` (and any secondaries deleted with it)
    /// left `addrs`, removes the kernel routes of `ifa`'s port that no
    /// remaining address of that port derives; if the address is no longer
    /// local, the main table's routes with it as preferred source
    /// ([`Fib::sync_down_addr`]); if the port has no address left, its
    /// next hops die ([`Fib::sync_down_dev`] with force, as
    /// `fib_inetaddr_event` disables IP on the device). Removing allocates (the
    /// trie copies the paths it changes): `ENOBUFS` leaves the FIB as it
    /// was.
    pub fn del_ifaddr(&mut self, ifa: &IfAddr, addrs: &AddrTable) -> Result<(), Errno> {
        let port = ifa.port;
        let mut next = self.try_clone()?;
        next.retain(|r| {
            if r.protocol != RouteProtocol::Kernel || r.port != Some(port) {
                return true;
            }
            addrs.on_port(port).any(|a| {
                let prim = addrs.primary_of(a).copied().unwrap_or(*a);
                Self::ifaddr_routes(a, &prim)
                    .iter()
                    .flatten()
                    .any(|d| d == r)
            })
        })?;
        // "Check, that this local address finally disappeared": then the
        // routes that named it as their source are stray.
        if !next.is_local_addr(ifa.addr) {
            next.sync_down_addr(ifa.addr)?;
        }
        // fib_inetaddr_event: "Last address was deleted from this
        // interface. Disable IP."
        if addrs.on_port(port).next().is_none() {
            next.sync_down_dev(port, true)?;
        }
        *self = next;
        Ok(())
    }
}

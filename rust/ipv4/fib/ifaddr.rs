// SPDX-License-Identifier: GPL-2.0

//! The routes addresses create and remove (`fib_add_ifaddr`,
//! `fib_del_ifaddr` of net/ipv4/fib_frontend.c).

use super::alias::{FibAlias, NlFlags, Route, RouteProtocol, RouteType};
use super::{Fib, RT_TABLE_LOCAL, RT_TABLE_MAIN};
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
        *self = next;
        Ok(())
    }

    /// `NETDEV_UP` (`fib_netdev_event`): `fib_add_ifaddr` for every address
    /// of `port`, in the order they were added. On error nothing is
    /// changed.
    pub fn port_up(&mut self, port: PortId, addrs: &AddrTable) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        for ifa in addrs.on_port(port) {
            next.add_ifaddr(ifa, addrs, true)?;
        }
        *self = next;
        Ok(())
    }

    /// `NETDEV_DOWN` (`fib_disable_ip`: `fib_sync_down_dev`, `fib_flush`):
    /// removes every route all of whose next hops are on `port`, its
    /// connected and broadcast routes too, but not the host-scope ones (its
    /// local routes); the addresses stay. A multipath route with
    /// a next hop elsewhere stays whole (Linux keeps it too, with the hop
    /// marked dead, and revives the hop on `NETDEV_UP`; ferroute has no dead
    /// mark, so the hop stays eligible and its packets are dropped by the
    /// down device). Rules stay. On error nothing is changed.
    pub fn port_down(&mut self, port: PortId) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        for t in next.tables.iter_mut() {
            t.retain_aliases(|a| {
                // Host-scope routes (the port's local routes) stay: their
                // next hop has scope "nowhere", which fib_sync_down_dev
                // spares unless the device goes away.
                if a.route().scope == Scope::Host {
                    return true;
                }
                let mut hops = a.nexthops().peekable();
                // Reject routes have no next hop: they stay.
                hops.peek().is_none() || !hops.all(|h| h.port == Some(port))
            })?;
        }
        *self = next;
        Ok(())
    }

    /// `fib_del_ifaddr`: after `ifa` (and any secondaries deleted with it)
    /// left `addrs`, removes the kernel routes of `ifa`'s port that no
    /// remaining address of that port derives. Removing allocates (the
    /// trie copies the paths it changes): `ENOBUFS` leaves the FIB as it
    /// was.
    pub fn del_ifaddr(&mut self, ifa: &IfAddr, addrs: &AddrTable) -> Result<(), Errno> {
        let port = ifa.port;
        self.retain(|r| {
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
        })
    }
}

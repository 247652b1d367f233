// SPDX-License-Identifier: GPL-2.0

//! The forwarding information base: routing tables, Linux's default
//! policy rules, and the routes that addresses create.
//!
//! - [`Fib::fib_lookup`] is `fib_lookup` with the default rules (`local`,
//!   `main`, `default` tables in that order, `fib_rules_lookup`), each table
//!   searched as `fib_table_lookup` does: longest prefix first, then lowest
//!   metric, skipping routes of too small a scope or on another output
//!   port, stopping at a reject route (blackhole, unreachable, prohibit).
//! - [`Fib::add_ifaddr`] / [`Fib::del_ifaddr`] are `fib_add_ifaddr` /
//!   `fib_del_ifaddr` (net/ipv4/fib_frontend.c).
//!
//! This slice stores routes in one vector and scans it linearly; the next
//! issue replaces it with an LC-trie per table (fib_trie.c), policy rules
//! and multipath, behind the same lookup API.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{AddrTable, IfAddr, PortId, Scope};
use crate::platform::TryVec;

/// `RT_TABLE_LOCAL`: local and broadcast addresses.
pub const RT_TABLE_LOCAL: u32 = 255;
/// `RT_TABLE_MAIN`: the table `ip route` manages by default.
pub const RT_TABLE_MAIN: u32 = 254;
/// `RT_TABLE_DEFAULT`: looked up last.
pub const RT_TABLE_DEFAULT: u32 = 253;
/// The tables the default rules look up, in order (`fib_default_rules_init`).
pub const DEFAULT_RULE_TABLES: [u32; 3] = [RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT];

/// Route type (`RTN_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteType {
    /// `RTN_UNICAST`: a gateway or direct route.
    Unicast,
    /// `RTN_LOCAL`: an address of this router.
    Local,
    /// `RTN_BROADCAST`: a broadcast address, received locally.
    Broadcast,
    /// `RTN_BLACKHOLE`: drop silently.
    Blackhole,
    /// `RTN_UNREACHABLE`: drop, ICMP host unreachable.
    Unreachable,
    /// `RTN_PROHIBIT`: drop, ICMP administratively prohibited.
    Prohibit,
}

impl RouteType {
    /// The kernel's `RTN_*` number.
    pub const fn as_u8(self) -> u8 {
        match self {
            RouteType::Unicast => 1,
            RouteType::Local => 2,
            RouteType::Broadcast => 3,
            RouteType::Blackhole => 6,
            RouteType::Unreachable => 7,
            RouteType::Prohibit => 8,
        }
    }

    /// The type of an `RTN_*` number this FIB supports.
    pub const fn from_u8(v: u8) -> Option<RouteType> {
        match v {
            1 => Some(RouteType::Unicast),
            2 => Some(RouteType::Local),
            3 => Some(RouteType::Broadcast),
            6 => Some(RouteType::Blackhole),
            7 => Some(RouteType::Unreachable),
            8 => Some(RouteType::Prohibit),
            _ => None,
        }
    }

    /// The error a lookup that ends on this type returns (`fib_props[].error`):
    /// `EINVAL` for blackhole, `EHOSTUNREACH` for unreachable, `EACCES` for
    /// prohibit; `None` for types that route.
    pub const fn error(self) -> Option<Errno> {
        match self {
            RouteType::Blackhole => Some(Errno::Einval),
            RouteType::Unreachable => Some(Errno::Ehostunreach),
            RouteType::Prohibit => Some(Errno::Eacces),
            RouteType::Unicast | RouteType::Local | RouteType::Broadcast => None,
        }
    }
}

/// Who installed a route (`rtm_protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteProtocol {
    /// `RTPROT_KERNEL` (2): derived from an address by [`Fib::add_ifaddr`].
    Kernel,
    /// `RTPROT_BOOT` (3): added by the administrator (`ip route add`'s
    /// default).
    Boot,
    /// `RTPROT_STATIC` (4): added by the administrator, marked static.
    Static,
}

impl RouteProtocol {
    /// The kernel's `RTPROT_*` number.
    pub const fn as_u8(self) -> u8 {
        match self {
            RouteProtocol::Kernel => 2,
            RouteProtocol::Boot => 3,
            RouteProtocol::Static => 4,
        }
    }
}

/// A route (`struct fib_alias` with its `fib_info` and one next hop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    /// Table id.
    pub table: u32,
    /// Destination prefix (host bits zero).
    pub dst: Ipv4Addr,
    /// Prefix length, 0 to 32.
    pub prefix_len: u8,
    /// Type.
    pub kind: RouteType,
    /// Scope.
    pub scope: Scope,
    /// Who installed it.
    pub protocol: RouteProtocol,
    /// Next-hop gateway, for unicast routes through a router.
    pub gateway: Option<Ipv4Addr>,
    /// Output port (also for local and broadcast routes: the port whose
    /// address created them).
    pub port: Option<PortId>,
    /// Preferred source address for packets the router sends along it.
    pub prefsrc: Option<Ipv4Addr>,
    /// Metric (`priority`); lower wins among equal prefixes.
    pub metric: u32,
}

impl Route {
    /// Whether `addr` is inside the route's prefix.
    pub fn matches(&self, addr: Ipv4Addr) -> bool {
        addr.in_prefix(self.dst, self.prefix_len)
    }

    /// The next hop for `dst` along this route (`rt_nexthop`): the gateway,
    /// or `dst` itself on a direct route.
    pub fn next_hop(&self, dst: Ipv4Addr) -> Ipv4Addr {
        self.gateway.unwrap_or(dst)
    }

    /// Whether the route is usable for a lookup bound to output port `oif`
    /// (`fib_lookup_good_nhc`).
    fn port_ok(&self, oif: Option<PortId>) -> bool {
        match oif {
            None => true,
            Some(o) => self.port == Some(o),
        }
    }

    /// The key `fib_table_insert` refuses duplicates of with `NLM_F_EXCL`.
    fn same_key(&self, other: &Route) -> bool {
        self.table == other.table
            && self.dst == other.dst
            && self.prefix_len == other.prefix_len
            && self.metric == other.metric
    }
}

/// Which routes [`Fib::delete`] removes (`fib_table_delete`): the table,
/// prefix and length must match; each `Some` field must match too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteSelector {
    /// Table id.
    pub table: u32,
    /// Destination prefix.
    pub dst: Ipv4Addr,
    /// Prefix length.
    pub prefix_len: u8,
    /// Type, if given.
    pub kind: Option<RouteType>,
    /// Metric, if given.
    pub metric: Option<u32>,
    /// Output port, if given.
    pub port: Option<PortId>,
    /// Gateway, if given.
    pub gateway: Option<Ipv4Addr>,
}

impl RouteSelector {
    fn selects(&self, r: &Route) -> bool {
        r.table == self.table
            && r.dst == self.dst
            && r.prefix_len == self.prefix_len
            && self.kind.map_or(true, |k| k == r.kind)
            && self.metric.map_or(true, |m| m == r.metric)
            && self.port.map_or(true, |p| Some(p) == r.port)
            && self.gateway.map_or(true, |g| Some(g) == r.gateway)
    }
}

/// What one table says about a destination (`fib_table_lookup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableLookup<'a> {
    /// A route of a routing type (unicast, local, broadcast).
    Found(&'a Route),
    /// A reject route matched first: the lookup fails with its error.
    Reject(&'a Route),
    /// Nothing matched (`-EAGAIN`: the rules go on to the next table).
    NoMatch,
}

/// The routing tables.
#[derive(Default)]
pub struct Fib {
    routes: TryVec<Route>,
}

impl Fib {
    /// An empty FIB; does not allocate.
    pub fn new() -> Self {
        Self {
            routes: TryVec::new(),
        }
    }

    /// A copy, for copy-on-write publication.
    pub fn try_clone(&self) -> Result<Self, Errno> {
        Ok(Self {
            routes: self.routes.try_clone()?,
        })
    }

    /// Every route, in insertion order.
    pub fn routes(&self) -> &[Route] {
        self.routes.as_slice()
    }

    /// `fib_table_lookup` of one table: among the routes of `table` that
    /// hold `dst` and whose scope is at least `min_scope`, in order of
    /// longest prefix, then lowest metric, then insertion, the first one
    /// that is a reject route or is usable on `oif`.
    pub fn table_lookup(
        &self,
        table: u32,
        dst: Ipv4Addr,
        oif: Option<PortId>,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        let mut best: Option<&Route> = None;
        for r in self.routes.iter() {
            if r.table != table || !r.matches(dst) || r.scope < min_scope {
                continue;
            }
            if r.kind.error().is_none() && !r.port_ok(oif) {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => {
                    r.prefix_len > b.prefix_len
                        || (r.prefix_len == b.prefix_len && r.metric < b.metric)
                }
            };
            if better {
                best = Some(r);
            }
        }
        match best {
            None => TableLookup::NoMatch,
            Some(r) if r.kind.error().is_some() => TableLookup::Reject(r),
            Some(r) => TableLookup::Found(r),
        }
    }

    /// The route the default rules choose for `dst` (`fib_rules_lookup`
    /// over local, main, default), whatever its type; `None` if no table
    /// has a match. Reject routes are returned too: check
    /// [`RouteType::error`], or use [`Fib::fib_lookup`].
    pub fn lookup(&self, dst: Ipv4Addr, oif: Option<PortId>) -> Option<&Route> {
        self.lookup_scoped(dst, oif, Scope::Universe)
    }

    /// [`Fib::lookup`] limited to routes of scope `min_scope` or closer.
    pub fn lookup_scoped(
        &self,
        dst: Ipv4Addr,
        oif: Option<PortId>,
        min_scope: Scope,
    ) -> Option<&Route> {
        for table in DEFAULT_RULE_TABLES {
            match self.table_lookup(table, dst, oif, min_scope) {
                TableLookup::Found(r) | TableLookup::Reject(r) => return Some(r),
                TableLookup::NoMatch => {}
            }
        }
        None
    }

    /// `fib_lookup`: the route for `dst` (bound to `oif` if given), or the
    /// error Linux returns: the reject route's ([`RouteType::error`]), or
    /// `ENETUNREACH` if nothing matched.
    pub fn fib_lookup(&self, dst: Ipv4Addr, oif: Option<PortId>) -> Result<&Route, Errno> {
        match self.lookup(dst, oif) {
            None => Err(Errno::Enetunreach),
            Some(r) => match r.kind.error() {
                Some(e) => Err(e),
                None => Ok(r),
            },
        }
    }

    /// Adds a route as `ip route add` does (`fib_table_insert` with
    /// `NLM_F_CREATE | NLM_F_EXCL`, checks of `fib_create_info` and
    /// `fib_check_nh`):
    /// - `EINVAL`: prefix length above 32 or host bits set in `dst`; a reject
    ///   type with a port or gateway; a gateway on a host- or link-scope
    ///   route, or a gateway that is multicast, broadcast or 0/8, or that
    ///   resolves to neither a unicast nor a local route; a `prefsrc` that
    ///   is not a local address.
    /// - `ENODEV`: a routing type without a port or gateway.
    /// - `ENETUNREACH`: the gateway is not on a connected subnet (of
    ///   `port`, if given).
    /// - `EEXIST`: a route with the same table, prefix and metric exists.
    /// - `ENOBUFS`: out of memory.
    ///
    /// A unicast route given only a gateway gets the gateway's port.
    pub fn insert(&mut self, route: Route) -> Result<(), Errno> {
        let route = self.check(route)?;
        if self.routes.iter().any(|r| r.same_key(&route)) {
            return Err(Errno::Eexist);
        }
        self.routes.try_push(route)?;
        Ok(())
    }

    /// Validates a route for [`Fib::insert`], filling in the gateway's port.
    fn check(&self, mut route: Route) -> Result<Route, Errno> {
        if route.dst.network(route.prefix_len) != Some(route.dst) {
            return Err(Errno::Einval);
        }
        if route.kind.error().is_some() {
            if route.port.is_some() || route.gateway.is_some() {
                return Err(Errno::Einval);
            }
            return Ok(route);
        }
        if let Some(gw) = route.gateway {
            if route.scope >= Scope::Link || gw.is_multicast() || gw.is_lbcast() || gw.is_zeronet()
            {
                return Err(Errno::Einval);
            }
            // fib_check_nh_v4_gw: the gateway must be reachable at link
            // scope, through the given port if any.
            let via = self
                .lookup_scoped(gw, route.port, Scope::Link)
                .ok_or(Errno::Enetunreach)?;
            if via.kind != RouteType::Unicast && via.kind != RouteType::Local {
                return Err(Errno::Einval);
            }
            route.port = via.port;
        }
        if route.port.is_none() {
            return Err(Errno::Enodev);
        }
        if let Some(src) = route.prefsrc {
            // fib_valid_prefsrc: a local address, unless it is the local
            // route's own address.
            let own = route.kind == RouteType::Local && src == route.dst;
            if !own && !self.is_local_addr(src) {
                return Err(Errno::Einval);
            }
        }
        Ok(route)
    }

    /// Whether the local table has a local route for `addr`
    /// (`inet_addr_type_table(.., RT_TABLE_LOCAL) == RTN_LOCAL`).
    pub fn is_local_addr(&self, addr: Ipv4Addr) -> bool {
        matches!(
            self.table_lookup(RT_TABLE_LOCAL, addr, None, Scope::Universe),
            TableLookup::Found(r) if r.kind == RouteType::Local
        )
    }

    /// Removes the first route `sel` selects and returns it
    /// (`fib_table_delete`); `ESRCH` if there is none.
    pub fn delete(&mut self, sel: &RouteSelector) -> Result<Route, Errno> {
        let pos = self
            .routes
            .iter()
            .position(|r| sel.selects(r))
            .ok_or(Errno::Esrch)?;
        self.routes.remove(pos).ok_or(Errno::Esrch)
    }

    /// Removes every route through `port` (`fib_sync_down_dev` and flush
    /// when a device unregisters).
    pub fn remove_port(&mut self, port: PortId) {
        self.routes.retain(|r| r.port != Some(port));
    }

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
    /// there). Routes already present are not duplicated. On `ENOBUFS`
    /// nothing is changed.
    pub fn add_ifaddr(&mut self, ifa: &IfAddr, addrs: &AddrTable) -> Result<(), Errno> {
        let prim = addrs.primary_of(ifa).copied().unwrap_or(*ifa);
        let mut added = 0usize;
        for r in Self::ifaddr_routes(ifa, &prim).into_iter().flatten() {
            if self.routes.contains(&r) {
                continue;
            }
            if self.routes.try_push(r).is_err() {
                let keep = self.routes.len().saturating_sub(added);
                self.routes.truncate(keep);
                return Err(Errno::Enobufs);
            }
            added = added.saturating_add(1);
        }
        Ok(())
    }

    /// `fib_del_ifaddr`: after `ifa` (and any secondaries deleted with it)
    /// left `addrs`, removes the kernel routes of `ifa`'s port that no
    /// remaining address of that port derives. Never allocates.
    pub fn del_ifaddr(&mut self, ifa: &IfAddr, addrs: &AddrTable) {
        let port = ifa.port;
        self.routes.retain(|r| {
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
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P1: PortId = PortId(1);
    const P2: PortId = PortId(2);

    fn a(o: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from_octets(o)
    }

    fn unicast(dst: [u8; 4], len: u8, port: PortId) -> Route {
        Route {
            table: RT_TABLE_MAIN,
            dst: a(dst),
            prefix_len: len,
            kind: RouteType::Unicast,
            scope: Scope::Link,
            protocol: RouteProtocol::Boot,
            gateway: None,
            port: Some(port),
            prefsrc: None,
            metric: 0,
        }
    }

    fn with_addr(
        fib: &mut Fib,
        addrs: &mut AddrTable,
        port: PortId,
        o: [u8; 4],
        len: u8,
    ) -> IfAddr {
        let ifa = IfAddr {
            port,
            addr: a(o),
            prefix_len: len,
        };
        addrs.add(ifa).unwrap();
        fib.add_ifaddr(&ifa, addrs).unwrap();
        ifa
    }

    #[test]
    fn an_address_creates_local_connected_and_broadcast_routes() {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
        let rs = fib.routes();
        assert_eq!(rs.len(), 3);
        assert_eq!(
            (rs[0].table, rs[0].kind, rs[0].scope),
            (RT_TABLE_LOCAL, RouteType::Local, Scope::Host)
        );
        assert_eq!(
            (rs[1].table, rs[1].dst, rs[1].prefix_len),
            (RT_TABLE_MAIN, a([10, 0, 0, 0]), 24)
        );
        assert_eq!(
            (rs[1].scope, rs[1].prefsrc),
            (Scope::Link, Some(a([10, 0, 0, 1])))
        );
        assert_eq!(
            (rs[2].dst, rs[2].kind),
            (a([10, 0, 0, 255]), RouteType::Broadcast)
        );

        let r = fib.fib_lookup(a([10, 0, 0, 1]), None).unwrap();
        assert_eq!(r.kind, RouteType::Local);
        let r = fib.fib_lookup(a([10, 0, 0, 7]), None).unwrap();
        assert_eq!(
            (r.kind, r.port, r.next_hop(a([10, 0, 0, 7]))),
            (RouteType::Unicast, Some(P1), a([10, 0, 0, 7]))
        );
        assert_eq!(
            fib.fib_lookup(a([10, 0, 0, 255]), None).unwrap().kind,
            RouteType::Broadcast
        );
        assert_eq!(
            fib.fib_lookup(a([10, 0, 1, 1]), None),
            Err(Errno::Enetunreach)
        );
    }

    #[test]
    fn slash_31_and_32_get_no_broadcast_route() {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 0], 31);
        assert_eq!(fib.routes().len(), 2);
        with_addr(&mut fib, &mut addrs, P2, [10, 9, 0, 1], 32);
        // A /32 equal to its prefix: local route only.
        assert_eq!(fib.routes().len(), 3);
    }

    #[test]
    fn secondary_addresses_get_a_local_route_with_the_primary_as_prefsrc() {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        let prim = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
        let sec = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 2], 24);
        assert_eq!(fib.routes().len(), 4);
        let local = fib.fib_lookup(sec.addr, None).unwrap();
        assert_eq!(
            (local.kind, local.prefsrc),
            (RouteType::Local, Some(prim.addr))
        );
        // Deleting the secondary removes only its local route.
        addrs.del(&sec).unwrap();
        fib.del_ifaddr(&sec, &addrs);
        assert_eq!(fib.routes().len(), 3);
        // Re-add it, then delete the primary: everything goes (Linux's
        // promote_secondaries=0).
        addrs.add(sec).unwrap();
        fib.add_ifaddr(&sec, &addrs).unwrap();
        assert_eq!(addrs.del(&prim), Ok(2));
        fib.del_ifaddr(&prim, &addrs);
        assert!(fib.routes().is_empty());
    }

    #[test]
    fn deleting_an_address_keeps_static_routes_and_other_ports() {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        let x = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
        with_addr(&mut fib, &mut addrs, P2, [10, 0, 0, 2], 24);
        fib.insert(Route {
            dst: a([10, 2, 0, 0]),
            prefix_len: 16,
            gateway: Some(a([10, 0, 0, 254])),
            port: None,
            scope: Scope::Universe,
            ..unicast([0; 4], 0, P1)
        })
        .unwrap();
        addrs.del(&x).unwrap();
        fib.del_ifaddr(&x, &addrs);
        assert_eq!(
            fib.routes().iter().filter(|r| r.port == Some(P1)).count(),
            1
        );
        assert_eq!(
            fib.routes().iter().filter(|r| r.port == Some(P2)).count(),
            3
        );
        fib.remove_port(P1);
        assert_eq!(fib.routes().len(), 3);
    }

    #[test]
    fn longest_prefix_then_lowest_metric() {
        let mut fib = Fib::new();
        fib.insert(unicast([10, 0, 0, 0], 8, P1)).unwrap();
        fib.insert(Route {
            metric: 10,
            ..unicast([10, 1, 0, 0], 16, P1)
        })
        .unwrap();
        fib.insert(Route {
            metric: 5,
            ..unicast([10, 1, 0, 0], 16, P2)
        })
        .unwrap();
        assert_eq!(
            fib.insert(Route {
                metric: 5,
                ..unicast([10, 1, 0, 0], 16, P1)
            }),
            Err(Errno::Eexist)
        );
        assert_eq!(
            fib.fib_lookup(a([10, 1, 2, 3]), None).unwrap().port,
            Some(P2)
        );
        assert_eq!(
            fib.fib_lookup(a([10, 1, 2, 3]), Some(P1)).unwrap().metric,
            10
        );
        assert_eq!(
            fib.fib_lookup(a([10, 2, 2, 3]), None).unwrap().prefix_len,
            8
        );
        assert_eq!(
            fib.fib_lookup(a([10, 2, 2, 3]), Some(P2)),
            Err(Errno::Enetunreach)
        );
    }

    #[test]
    fn reject_routes_return_their_errors() {
        let mut fib = Fib::new();
        let reject = |kind, dst: [u8; 4], len| Route {
            kind,
            port: None,
            scope: Scope::Universe,
            ..unicast(dst, len, P1)
        };
        fib.insert(reject(RouteType::Blackhole, [10, 1, 0, 0], 16))
            .unwrap();
        fib.insert(reject(RouteType::Unreachable, [10, 2, 0, 0], 16))
            .unwrap();
        fib.insert(reject(RouteType::Prohibit, [10, 3, 0, 0], 16))
            .unwrap();
        fib.insert(unicast([10, 0, 0, 0], 8, P1)).unwrap();
        assert_eq!(fib.fib_lookup(a([10, 1, 0, 1]), None), Err(Errno::Einval));
        assert_eq!(
            fib.fib_lookup(a([10, 2, 0, 1]), None),
            Err(Errno::Ehostunreach)
        );
        assert_eq!(
            fib.fib_lookup(a([10, 3, 0, 1]), Some(P1)),
            Err(Errno::Eacces)
        );
        assert_eq!(
            fib.fib_lookup(a([10, 4, 0, 1]), None).unwrap().prefix_len,
            8
        );
        assert_eq!(
            fib.insert(Route {
                kind: RouteType::Blackhole,
                ..unicast([10, 5, 0, 0], 16, P1)
            }),
            Err(Errno::Einval)
        );
    }

    #[test]
    fn tables_are_searched_local_main_default() {
        let mut fib = Fib::new();
        fib.insert(Route {
            table: RT_TABLE_DEFAULT,
            ..unicast([0; 4], 0, P2)
        })
        .unwrap();
        assert_eq!(
            fib.fib_lookup(a([8, 8, 8, 8]), None).unwrap().port,
            Some(P2)
        );
        // main is searched before default even for a shorter prefix.
        fib.insert(unicast([0; 4], 0, P1)).unwrap();
        assert_eq!(
            fib.fib_lookup(a([8, 8, 8, 8]), None).unwrap().port,
            Some(P1)
        );
        // A reject in main stops the rules.
        fib.insert(Route {
            kind: RouteType::Unreachable,
            port: None,
            scope: Scope::Universe,
            ..unicast([8, 0, 0, 0], 8, P1)
        })
        .unwrap();
        assert_eq!(
            fib.fib_lookup(a([8, 8, 8, 8]), None),
            Err(Errno::Ehostunreach)
        );
    }

    #[test]
    fn insert_validates_like_fib_create_info() {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
        assert_eq!(
            fib.insert(unicast([10, 9, 0, 1], 16, P1)),
            Err(Errno::Einval)
        );
        assert_eq!(
            fib.insert(unicast([10, 9, 0, 0], 33, P1)),
            Err(Errno::Einval)
        );
        let via = |gw: [u8; 4], port| Route {
            gateway: Some(a(gw)),
            port,
            scope: Scope::Universe,
            ..unicast([10, 9, 0, 0], 16, P1)
        };
        assert_eq!(
            fib.insert(via([10, 1, 0, 254], None)),
            Err(Errno::Enetunreach)
        );
        assert_eq!(
            fib.insert(via([10, 0, 0, 254], Some(P2))),
            Err(Errno::Enetunreach)
        );
        assert_eq!(fib.insert(via([10, 0, 0, 255], None)), Err(Errno::Einval));
        assert_eq!(
            fib.insert(Route {
                scope: Scope::Link,
                ..via([10, 0, 0, 254], None)
            }),
            Err(Errno::Einval)
        );
        assert_eq!(
            fib.insert(Route {
                port: None,
                ..unicast([10, 8, 0, 0], 16, P1)
            }),
            Err(Errno::Enodev)
        );
        assert_eq!(
            fib.insert(Route {
                prefsrc: Some(a([10, 0, 0, 9])),
                ..unicast([10, 8, 0, 0], 16, P1)
            }),
            Err(Errno::Einval)
        );
        fib.insert(Route {
            prefsrc: Some(a([10, 0, 0, 1])),
            ..via([10, 0, 0, 254], None)
        })
        .unwrap();
        let r = fib.fib_lookup(a([10, 9, 1, 1]), None).unwrap();
        assert_eq!(
            (r.port, r.next_hop(a([10, 9, 1, 1]))),
            (Some(P1), a([10, 0, 0, 254]))
        );
        let sel = RouteSelector {
            table: RT_TABLE_MAIN,
            dst: a([10, 9, 0, 0]),
            prefix_len: 16,
            ..Default::default()
        };
        assert_eq!(
            fib.delete(&RouteSelector {
                metric: Some(1),
                ..sel
            }),
            Err(Errno::Esrch)
        );
        assert!(fib.delete(&sel).is_ok());
        assert_eq!(fib.delete(&sel), Err(Errno::Esrch));
    }

    /// The oracle: Linux's fib_trie walk spelled out. For each table in
    /// rule order, for each prefix length from 32 down, the routes of that
    /// length holding `dst`, by metric (stable): the first reject route or
    /// usable route ends the walk.
    fn oracle(routes: &[Route], dst: Ipv4Addr, oif: Option<PortId>) -> Option<Route> {
        for table in DEFAULT_RULE_TABLES {
            for len in (0..=32u8).rev() {
                let mut c: std::vec::Vec<&Route> = routes
                    .iter()
                    .filter(|r| r.table == table && r.prefix_len == len && r.matches(dst))
                    .collect();
                c.sort_by_key(|r| r.metric);
                for r in c {
                    if r.kind.error().is_some() || oif.is_none() || r.port == oif {
                        return Some(*r);
                    }
                }
            }
        }
        None
    }

    fn arb_route() -> impl Strategy<Value = Route> {
        (
            prop::sample::select(std::vec![RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT]),
            any::<u8>(),
            0u8..=32,
            0usize..6,
            1u32..4,
            0u32..3,
        )
            .prop_map(|(table, last, len, kind, port, metric)| {
                let kinds = [
                    RouteType::Unicast,
                    RouteType::Unicast,
                    RouteType::Local,
                    RouteType::Broadcast,
                    RouteType::Unreachable,
                    RouteType::Blackhole,
                ];
                let kind = kinds[kind];
                // A small address space, so that prefixes overlap.
                let addr = Ipv4Addr::new(10, 0, last & 0x3, last);
                let reject = kind.error().is_some();
                Route {
                    table,
                    dst: addr.network(len).unwrap(),
                    prefix_len: len,
                    kind,
                    scope: Scope::Link,
                    protocol: RouteProtocol::Boot,
                    gateway: None,
                    port: if reject { None } else { Some(PortId(port)) },
                    prefsrc: None,
                    metric,
                }
            })
    }

    proptest! {
        #[test]
        fn lookup_equals_the_naive_oracle(
            routes in proptest::collection::vec(arb_route(), 0..24),
            probes in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u32..4), 1..16),
        ) {
            let mut fib = Fib::new();
            let mut kept = std::vec::Vec::new();
            for r in routes {
                if fib.insert(r).is_ok() {
                    kept.push(r);
                }
            }
            for (x, y, oif) in probes {
                let dst = Ipv4Addr::new(10, 0, x & 0x3, y);
                let oif = if oif == 0 { None } else { Some(PortId(oif)) };
                prop_assert_eq!(fib.lookup(dst, oif).copied(), oracle(&kept, dst, oif));
            }
        }
    }
}

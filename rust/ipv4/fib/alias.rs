// SPDX-License-Identifier: GPL-2.0

//! Routes as a table stores them (`struct fib_alias` with its `fib_info`
//! and next hops, net/ipv4/fib_semantics.c), the keys that select them for
//! deletion, and the `NLM_F_*` flags of an insertion.

use super::{FibVec, SharedList};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{PortId, Scope};

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
    /// `RTN_THROW`: this table has no route here (`-EAGAIN`): the rule
    /// walk goes on with the next rule, and shorter prefixes of this table
    /// are not tried.
    Throw,
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
            RouteType::Throw => 9,
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
            9 => Some(RouteType::Throw),
            _ => None,
        }
    }

    /// The error a lookup that ends on this type returns (`fib_props[].error`):
    /// `EINVAL` for blackhole, `EHOSTUNREACH` for unreachable, `EACCES` for
    /// prohibit; `None` for types that route, and for throw (whose
    /// `-EAGAIN` is no error but "next rule").
    pub const fn error(self) -> Option<Errno> {
        match self {
            RouteType::Blackhole => Some(Errno::Einval),
            RouteType::Unreachable => Some(Errno::Ehostunreach),
            RouteType::Prohibit => Some(Errno::Eacces),
            RouteType::Unicast | RouteType::Local | RouteType::Broadcast | RouteType::Throw => None,
        }
    }

    /// Whether the type has no next hop and ends a table lookup without
    /// routing (`fib_props[].error` set): blackhole, unreachable, prohibit
    /// and throw.
    pub const fn is_reject(self) -> bool {
        self.error().is_some() || matches!(self, RouteType::Throw)
    }
}

/// Who installed a route (`rtm_protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteProtocol {
    /// `RTPROT_KERNEL` (2): derived from an address by
    /// [`super::Fib::add_ifaddr`].
    Kernel,
    /// `RTPROT_BOOT` (3): added by the administrator (`ip route add`'s
    /// default).
    Boot,
    /// `RTPROT_STATIC` (4): added by the administrator, marked static.
    Static,
    /// Any other number (a routing daemon's: `proto 99`, `bird` 12, ...):
    /// kept and shown, as Linux keeps `rtm_protocol` without looking at it.
    Other(u8),
}

impl RouteProtocol {
    /// The kernel's `RTPROT_*` number.
    pub const fn as_u8(self) -> u8 {
        match self {
            RouteProtocol::Kernel => 2,
            RouteProtocol::Boot => 3,
            RouteProtocol::Static => 4,
            RouteProtocol::Other(n) => n,
        }
    }
}

/// `IPTOS_RT_MASK`: the TOS bits routing looks at.
pub const IPTOS_RT_MASK: u8 = 0x1c;

/// `INET_ECN_MASK`: the ECN bits of the DS field, which a route's TOS
/// (`fa_dscp`) may not have.
pub const INET_ECN_MASK: u8 = 0x03;

/// One next hop (`struct fib_nh`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NextHop {
    /// Gateway; `None` for a direct route.
    pub gateway: Option<Ipv4Addr>,
    /// Output port; filled in from the gateway's route if not given.
    pub port: Option<PortId>,
    /// Weight, 1 to 256 (`rtnh_hops + 1`).
    pub weight: u16,
    /// `RTNH_F_ONLINK`: the gateway is on the port's link even without a
    /// connected route to it.
    pub onlink: bool,
}

impl Default for NextHop {
    fn default() -> Self {
        Self {
            gateway: None,
            port: None,
            weight: 1,
            onlink: false,
        }
    }
}

/// A route (`struct fib_alias` with its `fib_info` and first next hop).
///
/// `gateway`, `port` and `onlink` are the route's single next hop, or the
/// first of its multipath next hops ([`FibAlias::nexthops`]).
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
    /// TOS the route is restricted to (`fa_dscp`); 0 matches any.
    pub tos: u8,
    /// `RTAX_MTU` metric; 0 if unset.
    pub mtu: u32,
    /// `RTNH_F_ONLINK` of the (first) next hop.
    pub onlink: bool,
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

    /// The route's first next hop.
    pub fn first_hop(&self) -> NextHop {
        NextHop {
            gateway: self.gateway,
            port: self.port,
            weight: 1,
            onlink: self.onlink,
        }
    }
}

/// A route with all its next hops, as a table stores it.
///
/// The first next hop lives in the route itself (`gateway`, `port`,
/// `onlink`), so that a single-path lookup touches no other memory; only
/// multipath routes allocate their list. A copy shares that list (a
/// reference count, none for a single-path route) and cannot fail.
#[derive(Clone)]
pub struct FibAlias {
    route: Route,
    /// Weight of the first next hop.
    weight0: u16,
    /// Whether the first next hop's gateway is one of the router's own
    /// addresses (see [`FibAlias::uses_gateway`]).
    gw_local0: bool,
    /// For a multipath route, every next hop with its
    /// `fib_nh_upper_bound`; empty otherwise.
    multipath: SharedList<Path>,
}

/// One next hop of a multipath route with its share of the hash space.
#[derive(Clone, Copy)]
struct Path {
    nh: NextHop,
    /// `fib_nh_upper_bound`: the highest hash this hop takes.
    upper_bound: u32,
    /// `RTNH_F_DEAD`: its port went down or lost its last address
    /// (`fib_sync_down_dev`); lookups skip it until `fib_sync_up`.
    dead: bool,
    /// The gateway is one of the router's own addresses.
    gw_local: bool,
}

impl FibAlias {
    /// A route whose next hops are `hops` (the route's own if empty);
    /// computes the multipath upper bounds (`fib_rebalance`).
    pub(super) fn try_new(mut route: Route, hops: &[NextHop]) -> Result<Self, Errno> {
        let mut v = FibVec::new();
        let mut weight0 = 1;
        if route.kind.is_reject() {
            route.gateway = None;
            route.port = None;
            route.onlink = false;
        } else if let Some(first) = hops.first() {
            route.gateway = first.gateway;
            route.port = first.port;
            route.onlink = first.onlink;
            weight0 = first.weight;
            if hops.len() > 1 {
                v.try_reserve(hops.len())?;
                for h in hops {
                    v.try_push(Path {
                        nh: *h,
                        upper_bound: 0,
                        dead: false,
                        gw_local: false,
                    })?;
                }
                rebalance(&mut v);
            }
        }
        Ok(Self {
            route,
            weight0,
            gw_local0: false,
            multipath: SharedList::try_from_vec(v)?,
        })
    }

    /// Records that next hop `sel`'s gateway resolved to a route of host
    /// scope (one of the router's own addresses): `fib_nh_scope` is then
    /// host, and `rt_set_nexthop` does not use the gateway. Only for a
    /// route just made by [`FibAlias::try_new`], whose multipath list
    /// nothing else holds yet.
    pub(super) fn set_gw_local(&mut self, sel: usize, local: bool) {
        if self.multipath.is_empty() {
            if sel == 0 {
                self.gw_local0 = local;
            }
        } else if let Some(p) = self.multipath.get_mut(sel) {
            p.gw_local = local;
        }
    }

    /// Whether packets along next hop `sel` go to its gateway
    /// (`rt_uses_gateway`: a gateway whose `fib_nh_scope` is link); a
    /// gateway that is the router's own address is not used, the
    /// destination is then resolved on the hop's port as on a direct
    /// route.
    #[inline(always)]
    pub fn uses_gateway(&self, sel: usize) -> bool {
        let Some(h) = self.nexthop(sel) else {
            return false;
        };
        let local = if self.multipath.is_empty() {
            self.gw_local0
        } else {
            self.multipath.get(sel).is_some_and(|p| p.gw_local)
        };
        h.gateway.is_some() && !local
    }

    /// A copy with the next hops for which `dead` is true marked dead
    /// (`RTNH_F_DEAD`), the others alive, rebalanced (`fib_rebalance`);
    /// `None` if no next hop is left alive (the whole route is dead:
    /// `fib_flush` removes it). Only multipath routes keep dead hops; a
    /// single-path route is alive or gone.
    pub(super) fn with_dead(
        &self,
        mut dead: impl FnMut(&NextHop, bool) -> bool,
    ) -> Result<Option<Self>, Errno> {
        if self.multipath.is_empty() {
            let d = !self.is_reject() && dead(&self.first(), false);
            return if d { Ok(None) } else { Ok(Some(self.clone())) };
        }
        let mut v = self.multipath.to_vec()?;
        for p in v.iter_mut() {
            p.dead = dead(&p.nh, p.dead);
        }
        if v.iter().all(|p| p.dead) {
            return Ok(None);
        }
        rebalance(&mut v);
        Ok(Some(Self {
            route: self.route,
            weight0: self.weight0,
            gw_local0: self.gw_local0,
            multipath: SharedList::try_from_vec(v)?,
        }))
    }

    /// The first next hop that is alive and on `oif` (any if `None`):
    /// `fib_table_lookup`'s loop over a route's next hops. A single-path
    /// route's one hop is alive while the route exists (a dead one is
    /// removed, see [`FibAlias::with_dead`]), so only its port is checked.
    #[inline]
    pub fn first_usable(&self, oif: Option<PortId>) -> Option<usize> {
        if self.multipath.is_empty() {
            let on = oif.map_or(true, |o| self.route.port == Some(o));
            return (on && !self.is_reject()).then_some(0);
        }
        self.multipath
            .iter()
            .position(|p| !p.dead && oif.map_or(true, |o| p.nh.port == Some(o)))
    }

    /// Whether next hop `sel` is dead.
    pub fn is_dead(&self, sel: usize) -> bool {
        self.multipath.get(sel).is_some_and(|p| p.dead)
    }

    /// Whether any next hop is dead.
    pub fn has_dead(&self) -> bool {
        self.multipath.iter().any(|p| p.dead)
    }

    /// Bytes allocated for the multipath list.
    pub(super) fn heap_bytes(&self) -> usize {
        self.multipath.heap_bytes()
    }

    /// The multipath list's allocations as kmalloc sizes them.
    pub(super) fn slab_bytes(&self) -> usize {
        self.multipath.slab_bytes()
    }

    /// The route.
    pub fn route(&self) -> &Route {
        &self.route
    }

    fn is_reject(&self) -> bool {
        self.route.kind.is_reject()
    }

    fn first(&self) -> NextHop {
        NextHop {
            gateway: self.route.gateway,
            port: self.route.port,
            weight: self.weight0,
            onlink: self.route.onlink,
        }
    }

    /// The next hops (one for a single-path route, none for a reject
    /// route).
    pub fn nexthops(&self) -> impl Iterator<Item = NextHop> + '_ {
        let single = self.multipath.is_empty() && !self.is_reject();
        core::iter::once(self.first())
            .filter(move |_| single)
            .chain(self.multipath.iter().map(|p| p.nh))
    }

    /// The number of next hops.
    pub fn num_paths(&self) -> usize {
        if self.is_reject() {
            0
        } else {
            self.multipath.len().max(1)
        }
    }

    /// Next hop `sel`.
    #[inline(always)]
    pub fn nexthop(&self, sel: usize) -> Option<NextHop> {
        if sel == 0 && !self.is_reject() {
            Some(self.first())
        } else {
            self.multipath.get(sel).map(|p| p.nh)
        }
    }

    /// `fib_select_multipath`: the first live next hop whose upper bound
    /// is at least `hash` (31 bits, [`multipath_hash`]); the first live
    /// one if none is (Linux's `first` fallback).
    pub fn select_multipath(&self, hash: u32) -> usize {
        self.multipath
            .iter()
            .position(|p| !p.dead && hash <= p.upper_bound)
            .or_else(|| self.multipath.iter().position(|p| !p.dead))
            .unwrap_or(0)
    }

    /// Whether `self` and `other` have the same type and `fib_info`
    /// (`fa->fa_type == cfg->fc_type && fa->fa_info == fi`).
    pub(super) fn same_info(&self, other: &FibAlias) -> bool {
        let (a, b) = (&self.route, &other.route);
        a.kind == b.kind
            && a.scope == b.scope
            && a.protocol == b.protocol
            && a.prefsrc == b.prefsrc
            && a.metric == b.metric
            && a.mtu == b.mtu
            && self.num_paths() == other.num_paths()
            && self.nexthops().eq(other.nexthops())
    }
}

/// `fib_rebalance`: the live hops share the 31-bit hash space by weight
/// (upper bound `DIV_ROUND_CLOSEST_ULL(w << 31, total) - 1` of the running
/// weight `w`); dead hops get none (Linux's -1, never chosen).
fn rebalance(v: &mut [Path]) {
    let total: u64 = v
        .iter()
        .filter(|p| !p.dead)
        .map(|p| u64::from(p.nh.weight))
        .sum();
    let mut w = 0u64;
    for p in v.iter_mut() {
        if p.dead {
            p.upper_bound = 0;
            continue;
        }
        w = w.saturating_add(u64::from(p.nh.weight));
        let ub = ((w << 31).saturating_add(total / 2) / total.max(1)).saturating_sub(1);
        p.upper_bound = u32::try_from(ub).unwrap_or(u32::MAX);
    }
}

/// `jhash_2words` (include/linux/jhash.h).
fn jhash_2words(a: u32, b: u32, initval: u32) -> u32 {
    const JHASH_INITVAL: u32 = 0xdead_beef;
    let iv = initval.wrapping_add(JHASH_INITVAL).wrapping_add(2 << 2);
    let (mut a, mut b, mut c) = (a.wrapping_add(iv), b.wrapping_add(iv), iv);
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(14));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(11));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(25));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(16));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(4));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(14));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(24));
    c
}

/// The multipath hash of a flow, with Linux's L3 policy 0 (source and
/// destination address only, `fib_multipath_hash_policy=0`), 31 bits as
/// `fib_multipath_hash` returns it. Linux hashes the keys with a per-boot
/// random siphash key; this is a fixed jhash, so the spread is the same
/// but the individual choices differ.
pub fn multipath_hash(src: Ipv4Addr, dst: Ipv4Addr) -> u32 {
    jhash_2words(src.to_bits(), dst.to_bits(), 0) >> 1
}

/// Which routes [`super::Fib::delete`] removes (`fib_table_delete`): the
/// table, prefix, length and TOS must match; each `Some` field must match
/// too. The first route of the prefix's list that matches goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteSelector {
    /// Table id.
    pub table: u32,
    /// Destination prefix.
    pub dst: Ipv4Addr,
    /// Prefix length.
    pub prefix_len: u8,
    /// TOS (0 if not given: then only TOS-0 routes match, as in Linux).
    pub tos: u8,
    /// Type, if given.
    pub kind: Option<RouteType>,
    /// Scope, if given (`RT_SCOPE_NOWHERE` means any in Linux).
    pub scope: Option<Scope>,
    /// Protocol, if given.
    pub protocol: Option<RouteProtocol>,
    /// Preferred source, if given.
    pub prefsrc: Option<Ipv4Addr>,
    /// Metric, if given.
    pub metric: Option<u32>,
    /// Output port of the first next hop, if given.
    pub port: Option<PortId>,
    /// Gateway of the first next hop, if given.
    pub gateway: Option<Ipv4Addr>,
}

impl RouteSelector {
    /// Whether `r` is selected (`fib_table_delete`'s conditions, with
    /// `fib_nh_match` on the first next hop).
    pub fn selects(&self, r: &Route) -> bool {
        r.table == self.table
            && r.dst == self.dst
            && r.prefix_len == self.prefix_len
            && r.tos == self.tos
            && self.kind.map_or(true, |k| k == r.kind)
            && self.scope.map_or(true, |s| s == r.scope)
            && self.protocol.map_or(true, |p| p == r.protocol)
            && self.prefsrc.map_or(true, |p| Some(p) == r.prefsrc)
            && self.metric.map_or(true, |m| m == r.metric)
            && self.port.map_or(true, |p| Some(p) == r.port)
            && self.gateway.map_or(true, |g| Some(g) == r.gateway)
    }
}

/// The `NLM_F_*` flags of a route insertion (`fib_table_insert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NlFlags {
    /// `NLM_F_CREATE`: may create a new route.
    pub create: bool,
    /// `NLM_F_EXCL`: fail with `EEXIST` if the key exists.
    pub excl: bool,
    /// `NLM_F_REPLACE`: replace the first route of the key.
    pub replace: bool,
    /// `NLM_F_APPEND`: add after the routes of the key (else before).
    pub append: bool,
}

impl NlFlags {
    /// `ip route add`: `NLM_F_CREATE | NLM_F_EXCL`.
    pub const ADD: NlFlags = NlFlags {
        create: true,
        excl: true,
        replace: false,
        append: false,
    };
    /// `ip route replace`: `NLM_F_CREATE | NLM_F_REPLACE`.
    pub const REPLACE: NlFlags = NlFlags {
        create: true,
        excl: false,
        replace: true,
        append: false,
    };
    /// `ip route append`: `NLM_F_CREATE | NLM_F_APPEND`.
    pub const APPEND: NlFlags = NlFlags {
        create: true,
        excl: false,
        replace: false,
        append: true,
    };
    /// `ip route prepend`: `NLM_F_CREATE`.
    pub const PREPEND: NlFlags = NlFlags {
        create: true,
        excl: false,
        replace: false,
        append: false,
    };
    /// `ip route change`: `NLM_F_REPLACE`.
    pub const CHANGE: NlFlags = NlFlags {
        create: false,
        excl: false,
        replace: true,
        append: false,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(weights: &[u16]) -> FibAlias {
        let hops: std::vec::Vec<NextHop> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| NextHop {
                gateway: Some(Ipv4Addr::new(10, 0, 0, i as u8 + 1)),
                port: Some(PortId(i as u32 + 1)),
                weight: *w,
                onlink: false,
            })
            .collect();
        let r = Route {
            table: 254,
            dst: Ipv4Addr::UNSPECIFIED,
            prefix_len: 0,
            kind: RouteType::Unicast,
            scope: Scope::Universe,
            protocol: RouteProtocol::Boot,
            gateway: None,
            port: None,
            prefsrc: None,
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        };
        FibAlias::try_new(r, &hops).unwrap()
    }

    #[test]
    fn upper_bounds_split_the_31_bit_hash_space_by_weight() {
        let a = alias(&[1, 1]);
        let ub: std::vec::Vec<u32> = a.multipath.iter().map(|h| h.upper_bound).collect();
        assert_eq!(ub, [0x3fff_ffff, 0x7fff_ffff]);
        assert_eq!(a.route().port, Some(PortId(1)));
        assert_eq!(a.select_multipath(0), 0);
        assert_eq!(a.select_multipath(0x4000_0000), 1);
    }

    #[test]
    fn multipath_spread_follows_the_weights() {
        // Like fib_tests.sh's multipath tests (and router_multipath.sh's
        // weighted ECMP), flows spread over the next hops by weight.
        let a = alias(&[1, 2, 1]);
        let mut count = [0u32; 3];
        for i in 0..40_000u32 {
            let src = Ipv4Addr::from_bits(0x0a00_0000 | (i & 0xffff));
            let dst = Ipv4Addr::from_bits(0xc000_0200 | (i >> 16) | (i << 8));
            count[a.select_multipath(multipath_hash(src, dst))] += 1;
        }
        let expect = [10_000f64, 20_000f64, 10_000f64];
        for (c, e) in count.iter().zip(expect) {
            assert!(
                ((*c as f64) - e).abs() < e * 0.05,
                "spread {count:?} far from {expect:?}"
            );
        }
    }
}

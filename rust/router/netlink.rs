// SPDX-License-Identifier: GPL-2.0

//! The `ferroute` generic netlink family: the control plane ferctl and
//! ynl talk to (Documentation/netlink/specs/ferroute.yaml).
//!
//! Every request acts on the router of the requester's network namespace.
//! Every change is an `admin` operation (CAP_NET_ADMIN over that
//! namespace's user namespace, checked by the genetlink core before the
//! handler runs) and runs under RTNL, which is what serializes writers of
//! the router's configuration. Attributes are
//! validated strictly before a handler sees them, by a policy per
//! operation: the rules of [`FerrouteFamily::POLICY`] for the attributes
//! the command takes ([`request::attrs`], the spec's request attributes),
//! every other attribute refused with EINVAL.

use super::routes::{HopRequest, RouteQuery, RouteRequest, RouteUpdate};
use super::rules::{RuleDelRequest, RuleRequest};
use crate::abstractions::genetlink::{
    Attr, Dump, Family, FamilyHandle, McGroup, NestedParser, NestedRequest, Op, Policy, Request,
};
use crate::abstractions::netdevice;
use crate::abstractions::rcu::ReadGuard;
use crate::abstractions::sync::RtnlGuard;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::fib::{NextHop, Rule, RuleAction, RuleSelector, RT_TABLE_MAIN};
use crate::ipv4::fib::{NlFlags, Route, RouteProtocol, RouteSelector, RouteType};
use crate::ipv4::iface::Scope;
use crate::platform::{GfpKernel, TryVec};
use crate::uapi::{nexthop, request, rule_action};
use kernel::alloc::{flags::GFP_KERNEL, KVVec};
use kernel::c_str;
use kernel::prelude::*;

pub use crate::uapi::{attr, cmd};

/// The `neigh-state` value of a neighbour state.
pub fn neigh_state(s: crate::ipv4::neigh::NudState) -> u8 {
    use crate::ipv4::neigh::NudState;
    match s {
        NudState::Incomplete => 1,
        NudState::Reachable => 2,
        NudState::Stale => 3,
        NudState::Failed => 4,
        NudState::Delay => 5,
        NudState::Probe => 6,
    }
}

/// IFNAMSIZ - 1.
const IFNAME_MAX: u16 = 15;

/// A do operation open to every user, taking the attributes the contract
/// lists for `cmd` ([`request::attrs`]).
const fn do_op(cmd: u8) -> Op {
    Op {
        cmd,
        dump: false,
        admin: false,
        attrs: request::attrs(cmd),
    }
}

/// A do operation that needs CAP_NET_ADMIN, taking the attributes the
/// contract lists for `cmd`.
const fn admin_do(cmd: u8) -> Op {
    Op {
        admin: true,
        ..do_op(cmd)
    }
}

/// A dump operation (open to every user), taking the attributes the
/// contract lists for `cmd`.
const fn dump_op(cmd: u8) -> Op {
    Op {
        dump: true,
        ..do_op(cmd)
    }
}

/// The family.
pub struct FerrouteFamily;

impl Family for FerrouteFamily {
    const NAME: &'static CStr = c_str!("ferroute");
    const VERSION: u32 = 1;
    const POLICY: &'static [Policy] = &[
        Policy::Reject,
        Policy::U32,
        Policy::NulString {
            max_len: IFNAME_MAX,
        },
        Policy::U32,
        Policy::U8 { min: 0, max: 32 },
        Policy::U8 { min: 1, max: 2 },
        Policy::ExactLen { len: 6 },
        Policy::NulString { max_len: 63 },
        Policy::U64,
        Policy::U8 { min: 1, max: 6 },
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 1, max: 9 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U8 { min: 1, max: 4 },
        Policy::U32,
        Policy::NulString {
            max_len: IFNAME_MAX,
        },
        Policy::U32,
        Policy::U8 { min: 0, max: 1 },
        // 25 priority .. 32 route-count
        Policy::U32,
        Policy::U8 { min: 0, max: 32 },
        Policy::U32,
        Policy::U8 { min: 1, max: 8 },
        Policy::U32,
        Policy::U8 { min: 0, max: 1 },
        Policy::Nested,
        Policy::U32,
        // 33 netns (replies only); 34..=39: unused.
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        // 40..=51: fib-bench.
        Policy::U32,
        Policy::U32,
        Policy::U64,
        Policy::U32,
        Policy::U64,
        Policy::U32,
        Policy::U64,
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U64,
        // 52..=64: settings. Their ranges are checked by the handler
        // (super::conf), so that a value out of range is EINVAL with a
        // message naming the setting, as a Linux sysctl refuses it, not
        // the policy's ERANGE.
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        // 65: fib-match.
        Policy::U8 { min: 0, max: 1 },
        // 66: rule-flags (dump only).
        Policy::Reject,
        // 67, 68: conf-all, conf-default (replies only).
        Policy::Reject,
        Policy::Reject,
        // 69..=72: multicast routing requests; 73..=80 replies only.
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 1, max: 255 },
        Policy::ExactLen { len: 32 },
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        // 81..=92: a port's device counters (replies only).
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        // 93, 94: mgroup-list replies.
        Policy::Reject,
        Policy::Reject,
        // 95: mr-prune.
        Policy::U8 { min: 0, max: 255 },
        // 96..=100: the IGMP querier's settings (ranges in conf.rs).
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 0, max: 255 },
        // 101: mr-querier (mvif-list replies).
        Policy::Reject,
        // 102: route-batch, checked entry by entry with route-add's policy
        // (`NestedParser`).
        Policy::Nested,
    ];
    const OPS: &'static [Op] = &[
        admin_do(cmd::PORT_ADD),
        admin_do(cmd::PORT_DEL),
        dump_op(cmd::PORT_GET),
        admin_do(cmd::ADDR_ADD),
        admin_do(cmd::ADDR_DEL),
        dump_op(cmd::ADDR_GET),
        dump_op(cmd::STATS_GET),
        dump_op(cmd::NEIGH_GET),
        admin_do(cmd::ROUTE_ADD),
        admin_do(cmd::ROUTE_ADD_BATCH),
        admin_do(cmd::ROUTE_DEL),
        do_op(cmd::ROUTE_GET),
        dump_op(cmd::ROUTE_LIST),
        admin_do(cmd::RULE_ADD),
        admin_do(cmd::RULE_DEL),
        dump_op(cmd::RULE_LIST),
        dump_op(cmd::TABLE_LIST),
        admin_do(cmd::FIB_BENCH),
        admin_do(cmd::TABLE_DEL),
        admin_do(cmd::PORT_SET),
        do_op(cmd::CONF_GET),
        admin_do(cmd::CONF_SET),
        admin_do(cmd::MVIF_ADD),
        admin_do(cmd::MVIF_DEL),
        dump_op(cmd::MVIF_LIST),
        admin_do(cmd::MROUTE_ADD),
        admin_do(cmd::MROUTE_DEL),
        dump_op(cmd::MROUTE_LIST),
        dump_op(cmd::MGROUP_LIST),
    ];
    const MCGRPS: &'static [McGroup] = super::monitor::GROUPS;
    const HANDLE: &'static FamilyHandle = &super::monitor::FAMILY;

    fn doit(cmd: u8, req: &Request<'_>) -> Result {
        // The requester's namespace's router: each namespace has its own.
        let router = super::router_arc(&req.net()).ok_or(ENODEV)?;
        let router = &router;
        if cmd == cmd::ROUTE_GET {
            return route_get(router, req);
        }
        if cmd == cmd::FIB_BENCH {
            return super::bench::fib_bench(router, req);
        }
        if cmd == cmd::CONF_GET {
            return req.reply(|m| router.conf_get(m));
        }
        {
            let rtnl = RtnlGuard::lock();
            match cmd {
                cmd::PORT_ADD => {
                    let name = ifname(req)?;
                    let dev = netdevice::dev_get_by_name(&req.net(), name).ok_or_else(|| {
                        req.set_err_msg(c_str!("no such device in this network namespace"));
                        ENODEV
                    })?;
                    router.attach(&dev, &req.net(), &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::PORT_DEL => {
                    let name = ifname(req)?;
                    router
                        .detach_by_name(name.as_bytes(), &req.net(), &rtnl)
                        .inspect_err(|_| req.set_err_msg(c_str!("no such attached port")))
                }
                cmd::ADDR_ADD | cmd::ADDR_DEL => {
                    let name = ifname(req)?;
                    let addr = req.required(attr::ADDRESS)?.u32().ok_or(EINVAL)?;
                    let plen = req.required(attr::PREFIXLEN)?.u8().ok_or(EINVAL)?;
                    let addr = Ipv4Addr::from_octets(addr.to_ne_bytes());
                    let result = if cmd == cmd::ADDR_ADD {
                        router.addr_add(name.as_bytes(), addr, plen, &req.net(), &rtnl)
                    } else {
                        router.addr_del(name.as_bytes(), addr, plen, &req.net(), &rtnl)
                    };
                    result.map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::ROUTE_ADD => {
                    let r = route_request(req)?;
                    router.route_add(r, &req.net(), &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::ROUTE_ADD_BATCH => route_add_batch(router, req, &rtnl),
                cmd::ROUTE_DEL => {
                    let (sel, dev) = route_selector(req)?;
                    router
                        .route_del(sel, dev, &req.net(), &rtnl)
                        .map_err(|(e, msg)| {
                            req.set_err_msg(msg);
                            e
                        })
                }
                cmd::RULE_ADD => {
                    let r = rule_from(req)?;
                    router.rule_add(r, &req.net(), &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::PORT_SET => {
                    let name = ifname(req)?.as_bytes();
                    let set = super::conf::port_settings(req)?;
                    router.port_set(name, &set, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::CONF_SET => {
                    let set = super::conf::net_settings(req)?;
                    router.conf_set(&set, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::MVIF_ADD => {
                    let name = ifname(req)?.as_bytes();
                    let t = req
                        .attr(attr::MR_THRESHOLD)
                        .and_then(|a| a.u8())
                        .unwrap_or(1);
                    let prune = match req.attr(attr::MR_PRUNE).and_then(|a| a.u8()) {
                        None | Some(0) => false,
                        Some(1) => true,
                        Some(_) => {
                            return Err(bad_attr(
                                req,
                                attr::MR_PRUNE,
                                c_str!("mr-prune must be 0 or 1"),
                            ))
                        }
                    };
                    router.mvif_add(name, t, prune, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::MVIF_DEL => {
                    let name = ifname(req)?.as_bytes();
                    router.mvif_del(name, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::MROUTE_ADD => {
                    let (origin, group) = mroute_key(req)?;
                    let iif = ifname(req)?.as_bytes();
                    let mut ttls = [0u8; crate::ipv4::mroute::MAXVIFS];
                    if let Some(a) = req.attr(attr::MR_TTLS) {
                        // The policy checked its length.
                        let b = a.bytes();
                        for (t, v) in ttls.iter_mut().zip(b.iter()) {
                            *t = *v;
                        }
                    }
                    router
                        .mroute_add(origin, group, iif, &ttls, &rtnl)
                        .map_err(|(e, msg)| {
                            req.set_err_msg(msg);
                            e
                        })
                }
                cmd::MROUTE_DEL => {
                    let (origin, group) = mroute_key(req)?;
                    router.mroute_del(origin, group, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::TABLE_DEL => {
                    let id = req.required(attr::TABLE)?.u32().ok_or(EINVAL)?;
                    router.table_del(id, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::RULE_DEL => {
                    let r = rule_selector_from(req)?;
                    router.rule_del(r, &req.net(), &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                _ => Err(crate::abstractions::errno(
                    crate::abstractions::bindings::EOPNOTSUPP,
                )),
            }
        }
    }

    fn dumpit(cmd: u8, dump: &mut Dump<'_>) -> Result {
        if cmd == cmd::PORT_GET {
            // Takes RTNL for the devices' counters: not in a read-side
            // section.
            let router = super::router_arc(&dump.net()).ok_or(ENODEV)?;
            return router.dump_ports(dump);
        }
        let guard = ReadGuard::new();
        let net = dump.net();
        let router = super::router_of(&net, &guard).ok_or(ENODEV)?;
        match cmd {
            cmd::ADDR_GET => router.dump_addrs(dump),
            cmd::STATS_GET => router.dump_stats(dump),
            cmd::NEIGH_GET => router.dump_neighbours(dump),
            cmd::ROUTE_LIST => {
                let table = dump.attr(attr::TABLE).and_then(|a| a.u32()).unwrap_or(0);
                router.dump_routes(dump, table)
            }
            cmd::RULE_LIST => router.dump_rules(dump),
            cmd::MVIF_LIST => router.dump_mvifs(dump),
            cmd::MROUTE_LIST => router.dump_mroutes(dump),
            cmd::MGROUP_LIST => router.dump_mgroups(dump),
            cmd::TABLE_LIST => router.dump_tables(dump),
            _ => Err(crate::abstractions::errno(
                crate::abstractions::bindings::EOPNOTSUPP,
            )),
        }
    }
}

/// The `ifname` attribute as a C string, required.
fn ifname<'a>(req: &Request<'a>) -> Result<&'a CStr> {
    let a = req.required(attr::IFNAME)?;
    // The policy (NLA_NUL_STRING) guarantees a NUL within the payload.
    CStr::from_bytes_with_nul(a.bytes()).or_else(|_| {
        let b = a.bytes();
        let end = b.iter().position(|&c| c == 0).ok_or(EINVAL)?;
        CStr::from_bytes_with_nul(&b[..=end]).map_err(|_| EINVAL)
    })
}

/// An IPv4 address attribute (network byte order on the wire).
/// The (origin, group) of an MFC request: the group required and
/// multicast or 0.0.0.0, the origin 0.0.0.0 when absent ((*,G)).
fn mroute_key(req: &Request<'_>) -> Result<(Ipv4Addr, Ipv4Addr)> {
    let group = req.required(attr::MR_GROUP)?;
    let group = group.u32().map(|g| Ipv4Addr::from_octets(g.to_ne_bytes()));
    let Some(group) = group.filter(|g| g.is_multicast() || g.is_unspecified()) else {
        return Err(bad_attr(
            req,
            attr::MR_GROUP,
            c_str!("not a multicast group"),
        ));
    };
    let origin = addr_attr(req, attr::MR_ORIGIN).unwrap_or(Ipv4Addr::UNSPECIFIED);
    if origin.is_multicast() || origin.is_lbcast() {
        return Err(bad_attr(
            req,
            attr::MR_ORIGIN,
            c_str!("not a unicast source"),
        ));
    }
    Ok((origin, group))
}

/// Where a handler reads a request's attributes from: the request itself,
/// or one entry of a batch (`route-add-batch`), whose attributes are those
/// of a `route-add` request.
pub(super) trait Attrs<'a> {
    /// The attribute of number `ty`, if present.
    fn attr(&self, ty: u16) -> Option<Attr<'a>>;
    /// The attribute, or EINVAL reported to userspace when it is missing.
    fn required(&self, ty: u16) -> Result<Attr<'a>>;
    /// Points the extended ACK at attribute `ty`.
    fn set_bad_attr(&self, ty: u16);
    /// Sets the extended ACK's message.
    fn set_err_msg(&self, msg: &'static CStr);
}

impl<'a> Attrs<'a> for Request<'a> {
    fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        Request::attr(self, ty)
    }
    fn required(&self, ty: u16) -> Result<Attr<'a>> {
        Request::required(self, ty)
    }
    fn set_bad_attr(&self, ty: u16) {
        Request::set_bad_attr(self, ty)
    }
    fn set_err_msg(&self, msg: &'static CStr) {
        Request::set_err_msg(self, msg)
    }
}

impl<'a> Attrs<'a> for NestedRequest<'a, '_> {
    fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        NestedRequest::attr(self, ty)
    }
    fn required(&self, ty: u16) -> Result<Attr<'a>> {
        NestedRequest::required(self, ty)
    }
    fn set_bad_attr(&self, ty: u16) {
        NestedRequest::set_bad_attr(self, ty)
    }
    fn set_err_msg(&self, msg: &'static CStr) {
        NestedRequest::set_err_msg(self, msg)
    }
}

fn addr_attr<'a>(req: &impl Attrs<'a>, ty: u16) -> Option<Ipv4Addr> {
    req.attr(ty)
        .and_then(|a| a.u32())
        .map(|v| Ipv4Addr::from_octets(v.to_ne_bytes()))
}

/// A requested route, the name of its output port and its multipath next
/// hops.
type RouteParts<'a> = (Route, Option<&'a [u8]>, TryVec<HopRequest<'a>, GfpKernel>);

/// The route a route-add or route-del request describes, with iproute2's
/// defaults (table main, unicast, protocol boot; scope host for local, link
/// for broadcast and for unicast without a gateway, else universe), and the
/// name of its output port.
fn route_from<'a>(req: &impl Attrs<'a>, add: bool) -> Result<RouteParts<'a>> {
    let dst = addr_attr(req, attr::ADDRESS).ok_or_else(|| {
        req.set_bad_attr(attr::ADDRESS);
        EINVAL
    })?;
    let prefix_len = req.required(attr::PREFIXLEN)?.u8().ok_or(EINVAL)?;
    let kind = match req.attr(attr::ROUTE_TYPE).and_then(|a| a.u8()) {
        None => RouteType::Unicast,
        Some(t) => RouteType::from_u8(t).ok_or_else(|| {
            req.set_err_msg(c_str!("unsupported route type"));
            EINVAL
        })?,
    };
    let gateway = addr_attr(req, attr::GATEWAY);
    let hops = hops_from(req)?;
    let scope = match req.attr(attr::SCOPE).and_then(|a| a.u8()) {
        Some(0) => Scope::Universe,
        Some(253) => Scope::Link,
        Some(254) => Scope::Host,
        Some(200) => Scope::Site,
        Some(_) => {
            req.set_err_msg(c_str!("scope must be universe, site, link or host"));
            return Err(EINVAL);
        }
        None => match kind {
            RouteType::Local => Scope::Host,
            RouteType::Broadcast => Scope::Link,
            RouteType::Unicast if gateway.is_none() && hops.is_empty() && add => Scope::Link,
            _ => Scope::Universe,
        },
    };
    // rtm_protocol: any number, kept as given.
    let protocol = match req.attr(attr::PROTOCOL).and_then(|a| a.u8()) {
        None | Some(3) => RouteProtocol::Boot,
        Some(2) => RouteProtocol::Kernel,
        Some(4) => RouteProtocol::Static,
        Some(n) => RouteProtocol::Other(n),
    };
    let dev = req.attr(attr::IFNAME).map(|a| a.str_bytes());
    let route = Route {
        table: req.attr(attr::TABLE).and_then(|a| a.u32()).unwrap_or(254),
        dst,
        prefix_len,
        kind,
        scope,
        protocol,
        gateway,
        port: None,
        prefsrc: addr_attr(req, attr::PREFSRC),
        metric: req.attr(attr::METRIC).and_then(|a| a.u32()).unwrap_or(0),
        tos: req.attr(attr::TOS).and_then(|a| a.u8()).unwrap_or(0),
        mtu: req.attr(attr::MTU).and_then(|a| a.u32()).unwrap_or(0),
        onlink: req.attr(attr::ONLINK).and_then(|a| a.u8()) == Some(1),
    };
    Ok((route, dev, hops))
}

/// A `route-del` request (or batch entry): which route goes, and the
/// name of its output port if given.
fn route_selector<'a>(req: &impl Attrs<'a>) -> Result<(RouteSelector, Option<&'a [u8]>)> {
    let (route, dev, hops) = route_from(req, false)?;
    // route-del's policy refuses multipath already; this keeps the
    // message if it ever takes it.
    if !hops.is_empty() {
        return Err(bad_attr(
            req,
            attr::MULTIPATH,
            c_str!("delete a multipath route by its key, not its next hops"),
        ));
    }
    let sel = RouteSelector {
        table: route.table,
        dst: route.dst,
        prefix_len: route.prefix_len,
        tos: route.tos,
        kind: req.attr(attr::ROUTE_TYPE).map(|_| route.kind),
        scope: req.attr(attr::SCOPE).map(|_| route.scope),
        protocol: req.attr(attr::PROTOCOL).map(|_| route.protocol),
        prefsrc: route.prefsrc,
        // fib_table_delete: metric 0 matches any metric.
        metric: req
            .attr(attr::METRIC)
            .map(|_| route.metric)
            .filter(|&m| m != 0),
        port: None,
        gateway: route.gateway,
    };
    Ok((sel, dev))
}

/// A `route-add` request (or batch entry): the route and how it meets the
/// routes already there.
fn route_request<'a>(req: &impl Attrs<'a>) -> Result<RouteRequest<'a>> {
    let (route, dev, hops) = route_from(req, true)?;
    let flags = match req.attr(attr::ROUTE_MODE).and_then(|a| a.u8()) {
        None | Some(1) => NlFlags::ADD,
        Some(2) => NlFlags::REPLACE,
        Some(3) => NlFlags::APPEND,
        _ => NlFlags::PREPEND,
    };
    Ok(RouteRequest {
        route,
        dev,
        hops,
        flags,
    })
}

/// `route-add-batch`: each entry of the `route-batch` nest, a `route` (an
/// add) or a `route-del` nest, is parsed and checked as a `route-add` or
/// `route-del` request would be, then all are applied in one
/// configuration change, in order, or none is (the first that fails
/// fails the batch).
fn route_add_batch(router: &super::Router, req: &Request<'_>, rtnl: &RtnlGuard) -> Result {
    use crate::uapi::route_batch;
    let batch = req.required(attr::ROUTE_BATCH)?;
    let malformed = |_| bad_attr(req, attr::ROUTE_BATCH, c_str!("malformed route batch"));
    // Sized once, with kvmalloc: a thousand parsed updates (about a
    // hundred bytes each) would be a high-order kmalloc, which fails or
    // compacts memory when a large table has fragmented it; kvmalloc falls
    // back to vmalloc.
    let count = batch.nested().map_err(malformed)?.count();
    let mut updates = KVVec::with_capacity(count, GFP_KERNEL).map_err(|_| ENOMEM)?;
    let mut adds = NestedParser::new(FerrouteFamily::POLICY, request::attrs(cmd::ROUTE_ADD))?;
    let mut dels: Option<NestedParser> = None;
    for (ty, entry) in batch.nested().map_err(malformed)? {
        let bad_entry = |_: &Error| req.set_bad_attr(attr::ROUTE_BATCH);
        let update = match ty {
            route_batch::ROUTE => {
                let nested = adds.parse(req, &entry).inspect_err(bad_entry)?;
                RouteUpdate::Add(route_request(&nested)?)
            }
            route_batch::ROUTE_DEL => {
                // Built on the first deletion: a batch of adds needs none.
                let parser = match dels {
                    Some(ref mut parser) => parser,
                    ref mut none @ None => {
                        let attrs = request::attrs(cmd::ROUTE_DEL);
                        none.insert(NestedParser::new(FerrouteFamily::POLICY, attrs)?)
                    }
                };
                let nested = parser.parse(req, &entry).inspect_err(bad_entry)?;
                let (sel, dev) = route_selector(&nested)?;
                RouteUpdate::Del(sel, dev)
            }
            _ => {
                return Err(bad_attr(
                    req,
                    attr::ROUTE_BATCH,
                    c_str!("a route batch holds only route and route-del nests"),
                ))
            }
        };
        // Within the capacity counted above: does not allocate.
        updates.push(update, GFP_KERNEL).map_err(|_| ENOMEM)?;
    }
    router
        .route_batch(&updates, &req.net(), rtnl)
        .map_err(|(e, msg)| {
            req.set_err_msg(msg);
            e
        })
}

/// Fails with EINVAL, naming `ty` as the bad attribute and saying why.
pub(super) fn bad_attr<'a>(req: &impl Attrs<'a>, ty: u16, msg: &'static CStr) -> Error {
    req.set_bad_attr(ty);
    req.set_err_msg(msg);
    EINVAL
}

/// The `multipath` next hops of a route request (`fib_get_nhs`): each
/// entry a nest of `nexthop` attributes, checked here because the core
/// does not look inside nests without a policy.
fn hops_from<'a>(req: &impl Attrs<'a>) -> Result<TryVec<HopRequest<'a>, GfpKernel>> {
    let mut hops = TryVec::new();
    let Some(mp) = req.attr(attr::MULTIPATH) else {
        return Ok(hops);
    };
    if req.attr(attr::GATEWAY).is_some() || req.attr(attr::IFNAME).is_some() {
        return Err(bad_attr(
            req,
            attr::MULTIPATH,
            c_str!("give either via/dev or next hops, not both"),
        ));
    }
    let malformed = |_| bad_attr(req, attr::MULTIPATH, c_str!("malformed next hop"));
    for (ty, entry) in mp.nested().map_err(malformed)? {
        if ty != crate::uapi::multipath::NEXTHOP {
            return Err(bad_attr(
                req,
                attr::MULTIPATH,
                c_str!("multipath holds only nexthop nests"),
            ));
        }
        let mut hop = HopRequest {
            hop: NextHop::default(),
            dev: None,
        };
        for (ty, a) in entry.nested().map_err(malformed)? {
            let b = a.bytes();
            match (ty, b.len()) {
                (nexthop::GATEWAY, 4) => {
                    hop.hop.gateway = Some(Ipv4Addr::from_octets([b[0], b[1], b[2], b[3]]));
                }
                (nexthop::IFNAME, 2..=16) if b.last() == Some(&0) => hop.dev = Some(a.str_bytes()),
                (nexthop::WEIGHT, 4) => {
                    let w = a.u32().unwrap_or(0);
                    hop.hop.weight = u16::try_from(w)
                        .ok()
                        .filter(|w| (1..=256).contains(w))
                        .ok_or_else(|| {
                            bad_attr(
                                req,
                                attr::MULTIPATH,
                                c_str!("next-hop weight must be 1 to 256"),
                            )
                        })?;
                }
                (nexthop::ONLINK, 1) if b[0] <= 1 => hop.hop.onlink = b[0] == 1,
                _ => {
                    return Err(bad_attr(
                        req,
                        attr::MULTIPATH,
                        c_str!("unknown or malformed next-hop attribute"),
                    ))
                }
            }
        }
        hops.try_push(hop).map_err(|_| ENOMEM)?;
    }
    if hops.is_empty() {
        return Err(bad_attr(
            req,
            attr::MULTIPATH,
            c_str!("multipath without next hops"),
        ));
    }
    Ok(hops)
}

/// An address with its prefix length (`from`/`to` of a rule); a length
/// without an address is refused, an address without one is a host.
fn prefix_attr(req: &Request<'_>, addr_ty: u16, len_ty: u16) -> Result<Option<(Ipv4Addr, u8)>> {
    let len = req.attr(len_ty).and_then(|a| a.u8());
    match (addr_attr(req, addr_ty), len) {
        (Some(a), len) => Ok(Some((a, len.unwrap_or(32)))),
        (None, None | Some(0)) => Ok(None),
        (None, Some(_)) => Err(bad_attr(
            req,
            addr_ty,
            c_str!("prefix length without an address"),
        )),
    }
}

/// The action of a rule request (iproute2's default: lookup main).
fn rule_action_from(req: &Request<'_>, del: bool) -> Result<Option<RuleAction>> {
    let table = req.attr(attr::TABLE).and_then(|a| a.u32());
    let action = req.attr(attr::RULE_ACTION).and_then(|a| a.u8());
    // fib_nl2rule: a goto target belongs to action goto only ("Unexpected
    // goto"), for add and del alike.
    if req.attr(attr::GOTO).is_some() && action != Some(rule_action::GOTO) {
        return Err(bad_attr(
            req,
            attr::GOTO,
            c_str!("goto target without action goto"),
        ));
    }
    Ok(Some(match action {
        None if del && table.is_none() => return Ok(None),
        None | Some(rule_action::TO_TABLE) => RuleAction::ToTable(table.unwrap_or(RT_TABLE_MAIN)),
        Some(rule_action::GOTO) => match req.attr(attr::GOTO).and_then(|a| a.u32()) {
            Some(p) => RuleAction::Goto(p),
            None if del => return Ok(None),
            None => {
                return Err(bad_attr(
                    req,
                    attr::GOTO,
                    c_str!("goto without a target priority"),
                ))
            }
        },
        Some(rule_action::NOP) => RuleAction::Nop,
        Some(rule_action::BLACKHOLE) => RuleAction::Blackhole,
        Some(rule_action::UNREACHABLE) => RuleAction::Unreachable,
        Some(rule_action::PROHIBIT) => RuleAction::Prohibit,
        Some(_) => {
            return Err(bad_attr(
                req,
                attr::RULE_ACTION,
                c_str!("unsupported rule action"),
            ))
        }
    }))
}

/// The mark and mask of a rule request (a mark without a mask matches
/// exactly, as `fib_nl2rule` has it).
fn fwmark_attr(req: &Request<'_>) -> Option<(u32, u32)> {
    let mark = req.attr(attr::MARK).and_then(|a| a.u32());
    let mask = req.attr(attr::FWMASK).and_then(|a| a.u32());
    match (mark, mask) {
        (None, None) => None,
        (Some(m), None) => Some((m, if m == 0 { 0 } else { u32::MAX })),
        (m, Some(k)) => Some((m.unwrap_or(0), k)),
    }
}

/// A `rule-add` request.
fn rule_from<'a>(req: &Request<'a>) -> Result<RuleRequest<'a>> {
    let priority = req.attr(attr::PRIORITY).and_then(|a| a.u32());
    let action = rule_action_from(req, false)?.unwrap_or(RuleAction::ToTable(RT_TABLE_MAIN));
    let mut rule = Rule::new(priority.unwrap_or(0), action);
    if let Some((a, l)) = prefix_attr(req, attr::SRC, attr::SRC_LEN)? {
        rule.src = a;
        rule.src_len = l;
    }
    if let Some((a, l)) = prefix_attr(req, attr::ADDRESS, attr::PREFIXLEN)? {
        rule.dst = a;
        rule.dst_len = l;
    }
    rule.tos = req.attr(attr::TOS).and_then(|a| a.u8()).unwrap_or(0);
    if let Some((mark, mask)) = fwmark_attr(req) {
        rule.fwmark = mark;
        rule.fwmask = mask;
    }
    rule.invert = req.attr(attr::INVERT).and_then(|a| a.u8()) == Some(1);
    if let RuleAction::Goto(target) = action {
        if priority.is_some_and(|p| target <= p) {
            return Err(bad_attr(
                req,
                attr::GOTO,
                c_str!("goto must jump to a higher priority"),
            ));
        }
    }
    Ok(RuleRequest {
        rule,
        has_priority: priority.is_some(),
        iif: req.attr(attr::IIFNAME).map(|a| a.str_bytes()),
        oif: req.attr(attr::IFNAME).map(|a| a.str_bytes()),
    })
}

/// A `rule-del` request: every attribute given must match.
fn rule_selector_from<'a>(req: &Request<'a>) -> Result<RuleDelRequest<'a>> {
    let sel = RuleSelector {
        priority: req.attr(attr::PRIORITY).and_then(|a| a.u32()),
        action: rule_action_from(req, true)?,
        src: prefix_attr(req, attr::SRC, attr::SRC_LEN)?,
        dst: prefix_attr(req, attr::ADDRESS, attr::PREFIXLEN)?,
        iif: None,
        oif: None,
        iif_name: None,
        oif_name: None,
        tos: req.attr(attr::TOS).and_then(|a| a.u8()),
        fwmark: fwmark_attr(req),
    };
    Ok(RuleDelRequest {
        sel,
        iif: req.attr(attr::IIFNAME).map(|a| a.str_bytes()),
        oif: req.attr(attr::IFNAME).map(|a| a.str_bytes()),
    })
}

/// `route-get`: answers with the route the FIB chooses.
fn route_get(router: &super::Router, req: &Request<'_>) -> Result {
    let dst = addr_attr(req, attr::ADDRESS).ok_or_else(|| {
        req.set_bad_attr(attr::ADDRESS);
        EINVAL
    })?;
    let q = RouteQuery {
        dst,
        src: addr_attr(req, attr::SRC),
        iif: req.attr(attr::IIFNAME).map(|a| a.str_bytes()),
        oif: req.attr(attr::IFNAME).map(|a| a.str_bytes()),
        mark: req.attr(attr::MARK).and_then(|a| a.u32()).unwrap_or(0),
        // inet_rtm_getroute: rtm_tos & INET_DSCP_MASK.
        tos: req.attr(attr::TOS).and_then(|a| a.u8()).unwrap_or(0) & 0xfc,
        fib_match: req.attr(attr::FIB_MATCH).and_then(|a| a.u8()) == Some(1),
    };
    req.reply(|m| {
        router.route_get(&q, m).map_err(|(e, msg)| {
            req.set_err_msg(msg);
            e
        })
    })
}

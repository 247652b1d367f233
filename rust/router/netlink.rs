// SPDX-License-Identifier: GPL-2.0

//! The `ferroute` generic netlink family: the control plane ferctl and
//! ynl talk to (Documentation/netlink/specs/ferroute.yaml).
//!
//! Every change is an `admin` operation (CAP_NET_ADMIN, checked by the
//! genetlink core before the handler runs) and runs under RTNL, which is
//! what serializes writers of the router's configuration. Attributes are
//! validated strictly by the policy below before a handler sees them.

use crate::abstractions::genetlink::{Dump, Family, Op, Policy, Request};
use crate::abstractions::netdevice;
use crate::abstractions::sync::RtnlGuard;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::fib::{NlFlags, Route, RouteProtocol, RouteSelector, RouteType};
use crate::ipv4::iface::Scope;
use super::routes::{RouteQuery, RouteRequest};
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

/// The family.
pub struct FerrouteFamily;

impl Family for FerrouteFamily {
    const NAME: &'static CStr = c_str!("ferroute");
    const VERSION: u32 = 1;
    const POLICY: &'static [Policy] = &[
        Policy::Reject,
        Policy::U32,
        Policy::NulString { max_len: IFNAME_MAX },
        Policy::U32,
        Policy::U8 { min: 0, max: 32 },
        Policy::U8 { min: 1, max: 2 },
        Policy::ExactLen { len: 6 },
        Policy::NulString { max_len: 63 },
        Policy::U64,
        Policy::U8 { min: 1, max: 6 },
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 1, max: 8 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U32,
        Policy::U32,
        Policy::U8 { min: 0, max: 255 },
        Policy::U8 { min: 0, max: 255 },
        Policy::U32,
        Policy::U8 { min: 1, max: 4 },
        Policy::U32,
        Policy::NulString { max_len: IFNAME_MAX },
        Policy::U32,
        Policy::U8 { min: 0, max: 1 },
        // 25..=32: rules, tables and multipath (not handled on this branch).
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        Policy::Reject,
        // 33..=39: unused.
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
    ];
    const OPS: &'static [Op] = &[
        Op { cmd: cmd::PORT_ADD, dump: false, admin: true },
        Op { cmd: cmd::PORT_DEL, dump: false, admin: true },
        Op { cmd: cmd::PORT_GET, dump: true, admin: false },
        Op { cmd: cmd::ADDR_ADD, dump: false, admin: true },
        Op { cmd: cmd::ADDR_DEL, dump: false, admin: true },
        Op { cmd: cmd::ADDR_GET, dump: true, admin: false },
        Op { cmd: cmd::STATS_GET, dump: true, admin: false },
        Op { cmd: cmd::NEIGH_GET, dump: true, admin: false },
        Op { cmd: cmd::ROUTE_ADD, dump: false, admin: true },
        Op { cmd: cmd::ROUTE_DEL, dump: false, admin: true },
        Op { cmd: cmd::ROUTE_GET, dump: false, admin: false },
        Op { cmd: cmd::ROUTE_LIST, dump: true, admin: false },
        Op { cmd: cmd::FIB_BENCH, dump: false, admin: true },
    ];

    fn doit(cmd: u8, req: &Request<'_>) -> Result {
        if cmd == cmd::ROUTE_GET {
            return route_get(req);
        }
        if cmd == cmd::FIB_BENCH {
            return super::global::with_router_arc(|router| super::bench::fib_bench(router, req))
                .unwrap_or(Err(ENODEV));
        }
        super::global::with_router_arc(|router| {
            let rtnl = RtnlGuard::lock();
            match cmd {
                cmd::PORT_ADD => {
                    let name = ifname(req)?;
                    let dev = netdevice::dev_get_by_name(&req.net(), name).ok_or_else(|| {
                        req.set_err_msg(c_str!("no such device in this network namespace"));
                        ENODEV
                    })?;
                    router.attach(&dev, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::PORT_DEL => {
                    let name = ifname(req)?;
                    router
                        .detach_by_name(name.as_bytes(), &rtnl)
                        .inspect_err(|_| req.set_err_msg(c_str!("no such attached port")))
                }
                cmd::ADDR_ADD | cmd::ADDR_DEL => {
                    let name = ifname(req)?;
                    let addr = req.required(attr::ADDRESS)?.u32().ok_or(EINVAL)?;
                    let plen = req.required(attr::PREFIXLEN)?.u8().ok_or(EINVAL)?;
                    let addr = Ipv4Addr::from_octets(addr.to_ne_bytes());
                    let result = if cmd == cmd::ADDR_ADD {
                        router.addr_add(name.as_bytes(), addr, plen, &rtnl)
                    } else {
                        router.addr_del(name.as_bytes(), addr, plen, &rtnl)
                    };
                    result.map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::ROUTE_ADD => {
                    let (route, dev) = route_from(req, true)?;
                    let flags = match req.attr(attr::ROUTE_MODE).and_then(|a| a.u8()) {
                        None | Some(1) => NlFlags::ADD,
                        Some(2) => NlFlags::REPLACE,
                        Some(3) => NlFlags::APPEND,
                        _ => NlFlags::PREPEND,
                    };
                    let r = RouteRequest { route, dev, flags };
                    router.route_add(r, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::ROUTE_DEL => {
                    let (route, dev) = route_from(req, false)?;
                    let sel = RouteSelector {
                        table: route.table,
                        dst: route.dst,
                        prefix_len: route.prefix_len,
                        tos: route.tos,
                        kind: req.attr(attr::ROUTE_TYPE).map(|_| route.kind),
                        scope: req.attr(attr::SCOPE).map(|_| route.scope),
                        protocol: req.attr(attr::PROTOCOL).map(|_| route.protocol),
                        prefsrc: route.prefsrc,
                        metric: req.attr(attr::METRIC).map(|_| route.metric),
                        port: None,
                        gateway: route.gateway,
                    };
                    router.route_del(sel, dev, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                _ => Err(crate::abstractions::errno(crate::abstractions::bindings::EOPNOTSUPP)),
            }
        })
        .unwrap_or(Err(ENODEV))
    }

    fn dumpit(cmd: u8, dump: &mut Dump<'_>) -> Result {
        super::global::with_router(|router| match cmd {
            cmd::PORT_GET => router.dump_ports(dump),
            cmd::ADDR_GET => router.dump_addrs(dump),
            cmd::STATS_GET => router.dump_stats(dump),
            cmd::NEIGH_GET => router.dump_neighbours(dump),
            cmd::ROUTE_LIST => {
                let table = dump.attr(attr::TABLE).and_then(|a| a.u32()).unwrap_or(0);
                router.dump_routes(dump, table);
                Ok(())
            }
            _ => Err(crate::abstractions::errno(crate::abstractions::bindings::EOPNOTSUPP)),
        })
        .unwrap_or(Err(ENODEV))
    }
}

/// The `ifname` attribute as a C string, required.
fn ifname<'a>(req: &Request<'a>) -> Result<&'a CStr> {
    let a = req.required(attr::IFNAME)?;
    // The policy (NLA_NUL_STRING) guarantees a NUL within the payload.
    CStr::from_bytes_with_nul(a.bytes())
        .or_else(|_| {
            let b = a.bytes();
            let end = b.iter().position(|&c| c == 0).ok_or(EINVAL)?;
            CStr::from_bytes_with_nul(&b[..=end]).map_err(|_| EINVAL)
        })
}

/// An IPv4 address attribute (network byte order on the wire).
fn addr_attr(req: &Request<'_>, ty: u16) -> Option<Ipv4Addr> {
    req.attr(ty)
        .and_then(|a| a.u32())
        .map(|v| Ipv4Addr::from_octets(v.to_ne_bytes()))
}

/// The route a route-add or route-del request describes, with iproute2's
/// defaults (table main, unicast, protocol boot; scope host for local, link
/// for broadcast and for unicast without a gateway, else universe), and the
/// name of its output port.
fn route_from<'a>(req: &Request<'a>, add: bool) -> Result<(Route, Option<&'a [u8]>)> {
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
    let scope = match req.attr(attr::SCOPE).and_then(|a| a.u8()) {
        Some(0) => Scope::Universe,
        Some(253) => Scope::Link,
        Some(254) => Scope::Host,
        Some(_) => {
            req.set_err_msg(c_str!("scope must be universe, link or host"));
            return Err(EINVAL);
        }
        None => match kind {
            RouteType::Local => Scope::Host,
            RouteType::Broadcast => Scope::Link,
            RouteType::Unicast if gateway.is_none() && add => Scope::Link,
            _ => Scope::Universe,
        },
    };
    let protocol = match req.attr(attr::PROTOCOL).and_then(|a| a.u8()) {
        None | Some(3) => RouteProtocol::Boot,
        Some(2) => RouteProtocol::Kernel,
        Some(4) => RouteProtocol::Static,
        Some(_) => {
            req.set_err_msg(c_str!("protocol must be kernel, boot or static"));
            return Err(EINVAL);
        }
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
    Ok((route, dev))
}

/// `route-get`: answers with the route the FIB chooses.
fn route_get(req: &Request<'_>) -> Result {
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
    };
    super::global::with_router_arc(|router| {
        req.reply(|m| {
            router.route_get(&q, m).map_err(|(e, msg)| {
                req.set_err_msg(msg);
                e
            })
        })
    })
    .unwrap_or(Err(ENODEV))
}

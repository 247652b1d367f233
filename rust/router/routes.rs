// SPDX-License-Identifier: GPL-2.0

//! Route configuration and queries: what `ferctl route add/del/list/get`
//! reach through netlink (`inet_rtm_newroute`, `inet_rtm_delroute`,
//! `inet_dump_fib`, `inet_rtm_getroute` in Linux).

use super::monitor::Announcements;
use super::netlink::attr;
use super::{errno_of, Config, CtlError, Router};
use crate::abstractions::genetlink::{Dump, DumpKey, Message};
use crate::abstractions::netdevice::Net;
use crate::abstractions::sync::Rtnl;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::devconf::PortConf;
use crate::ipv4::fib::{
    FibAlias, NextHop, NlFlags, Route, RouteKey, RouteSelector, RouteType, RT_TABLE_LOCAL,
    RT_TABLE_MAIN,
};
use crate::ipv4::iface::{PortId, Scope};
use crate::ipv4::route::{route_input, route_output_key, InputRoute, OutputKey, OutputKind};
use crate::platform::{GfpKernel, TryVec};
use crate::uapi::mcgrp;
use kernel::c_str;
use kernel::prelude::*;

/// A route as requested, with its output port still a name.
pub struct RouteRequest<'a> {
    /// The route (its `port` is filled from `dev`).
    pub route: Route,
    /// The output port's name, if given.
    pub dev: Option<&'a [u8]>,
    /// Multipath next hops (`nexthop via G dev D weight W ...`); empty for
    /// a single-path route.
    pub hops: TryVec<HopRequest<'a>, GfpKernel>,
    /// add, replace, append, prepend.
    pub flags: NlFlags,
}

/// One update of a `route-add-batch` request, in the batch's order.
pub enum RouteUpdate<'a> {
    /// A route to add (or replace, append, prepend), as `route-add`.
    Add(RouteRequest<'a>),
    /// The route to delete, as `route-del`: the key and the output
    /// port's name, if given.
    Del(RouteSelector, Option<&'a [u8]>),
}

impl RouteUpdate<'_> {
    /// The prefix the update changes: (table, destination, length).
    fn key(&self) -> (u32, Ipv4Addr, u8) {
        match self {
            Self::Add(r) => (r.route.table, r.route.dst, r.route.prefix_len),
            Self::Del(sel, _) => (sel.table, sel.dst, sel.prefix_len),
        }
    }
}

/// One requested multipath next hop, its port still a name.
pub struct HopRequest<'a> {
    /// The next hop (its `port` is filled from `dev`).
    pub hop: NextHop,
    /// The output port's name, if given.
    pub dev: Option<&'a [u8]>,
}

/// A `route get` query.
pub struct RouteQuery<'a> {
    /// Destination.
    pub dst: Ipv4Addr,
    /// `from`.
    pub src: Option<Ipv4Addr>,
    /// `iif`.
    pub iif: Option<&'a [u8]>,
    /// `oif`.
    pub oif: Option<&'a [u8]>,
    /// `mark`.
    pub mark: u32,
    /// `tos` (its DSCP bits).
    pub tos: u8,
    /// `fibmatch`: answer with the matched route as a dump shows it.
    pub fib_match: bool,
}

/// What `route get` answers.
struct Answer {
    /// `RTN_*`: a route type, or multicast.
    kind: u8,
    table: u32,
    dst: Ipv4Addr,
    prefix_len: u8,
    gateway: Option<Ipv4Addr>,
    port: Option<PortId>,
    src: Option<Ipv4Addr>,
    metric: u32,
    scope: Scope,
}

/// `RTN_MULTICAST`, which no route has here but a route get can answer.
const RTN_MULTICAST: u8 = 5;

/// The port named `name`, if a name is given; `ENODEV` if there is none.
pub(super) fn port_id(c: &Config, name: Option<&[u8]>) -> Result<Option<PortId>, CtlError> {
    match name {
        None => Ok(None),
        Some(n) => c
            .port_by_name(n)
            .map(|p| Some(p.id))
            .ok_or((ENODEV, c_str!("no such port"))),
    }
}

/// Adds the route `req` asks for to the configuration `c` being built.
fn add_to(c: &mut Config, req: &RouteRequest<'_>) -> Result<(), CtlError> {
    let mut route = req.route;
    route.port = port_id(c, req.dev)?;
    let mut hops: TryVec<NextHop, GfpKernel> =
        TryVec::try_with_capacity(req.hops.len()).map_err(|_| (ENOMEM, c_str!("out of memory")))?;
    for h in req.hops.iter() {
        let hop = NextHop {
            port: port_id(c, h.dev)?,
            ..h.hop
        };
        hops.try_push(hop)
            .map_err(|_| (ENOMEM, c_str!("out of memory")))?;
    }
    c.fib.insert_route(route, &hops, req.flags).map_err(|e| {
        let msg = match e {
            crate::ipv4::errno::Errno::Eexist => c_str!("route already exists"),
            crate::ipv4::errno::Errno::Enoent => c_str!("no such route to replace"),
            crate::ipv4::errno::Errno::Enetunreach => {
                c_str!("gateway is not reachable on-link")
            }
            crate::ipv4::errno::Errno::Einval => c_str!("invalid route"),
            _ => c_str!("cannot add the route"),
        };
        (errno_of(e), msg)
    })
}

/// Deletes from `c` the first route `sel` selects, its port named `dev`.
fn delete_from(c: &mut Config, mut sel: RouteSelector, dev: Option<&[u8]>) -> Result<(), CtlError> {
    sel.port = port_id(c, dev)?;
    c.fib
        .delete(&sel)
        .map(|_| ())
        .map_err(|e| (errno_of(e), c_str!("no such route")))
}

impl Router {
    /// `ip route add|replace|append|prepend`.
    pub fn route_add(
        &self,
        req: RouteRequest<'_>,
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let r = &req.route;
        let key = [(r.table, r.dst, r.prefix_len)];
        let replace = req.flags.replace;
        let announce = |n: &mut Announcements<'_, '_>, old: &Config, new: &Config| {
            n.routes(old, new, &key, replace)
        };
        self.update_config_announced(rtnl, net, |c| add_to(c, &req), announce)
    }

    /// `route-add-batch`: the updates (route adds and deletes) applied in
    /// order to one copy of the configuration, published once; if one
    /// fails, none is applied and its error is the batch's. A batch into a
    /// large table copies each trie node on the routes' paths once, not
    /// once a route ([`crate::ipv4::fib::lpm`]).
    pub fn route_batch(
        &self,
        updates: &[RouteUpdate<'_>],
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let announce = |n: &mut Announcements<'_, '_>, old: &Config, new: &Config| {
            // Only when someone listens (as `routes` itself checks), so
            // that the search below costs nothing otherwise.
            if !n.listening(mcgrp::ROUTE) {
                return;
            }
            for (i, update) in updates.iter().enumerate() {
                let key = update.key();
                // A prefix is announced once, however many updates of the
                // batch changed it.
                if updates.iter().take(i).any(|e| e.key() == key) {
                    continue;
                }
                let replace = matches!(update, RouteUpdate::Add(r) if r.flags.replace);
                n.routes(old, new, &[key], replace);
            }
        };
        self.update_config_announced(
            rtnl,
            net,
            |c| {
                updates.iter().try_for_each(|update| match update {
                    RouteUpdate::Add(req) => add_to(c, req),
                    RouteUpdate::Del(sel, dev) => delete_from(c, *sel, *dev),
                })
            },
            announce,
        )
    }

    /// `ip route del`: the first route the (partial) key selects.
    pub fn route_del(
        &self,
        sel: RouteSelector,
        dev: Option<&[u8]>,
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let key = [(sel.table, sel.dst, sel.prefix_len)];
        let announce = |n: &mut Announcements<'_, '_>, old: &Config, new: &Config| {
            n.routes(old, new, &key, false)
        };
        self.update_config_announced(rtnl, net, |c| delete_from(c, sel, dev), announce)
    }

    /// `ip route get` (`inet_rtm_getroute`): with `iif`, the input route
    /// (`ip_route_input_rcu`: its errors, martians `EINVAL`); without, the
    /// output route as the router would send (`ip_route_output_key`, with
    /// the mark, oif-bound queries assumed on-link when no route says
    /// otherwise), written into `m`.
    pub fn route_get(&self, q: &RouteQuery<'_>, m: &mut Message<'_>) -> Result<(), CtlError> {
        self.with_config(|c| {
            let iif = port_id(c, q.iif)?;
            let oif = port_id(c, q.oif)?;
            let fail = |e| (errno_of(e), c_str!("no route to the destination"));
            // The route the lookup matched, for `fibmatch`.
            let matched;
            let answer = match iif {
                Some(i) => {
                    let src = q.src.unwrap_or(Ipv4Addr::UNSPECIFIED);
                    // The input port's settings (rp_filter, accept_local...).
                    let conf = c.port(i).map_or(PortConf::DEFAULT, |p| c.port_conf(p));
                    match route_input(&c.fib, &c.addrs, src, q.dst, i, &conf) {
                        Ok(InputRoute::Error(e)) => return Err(fail(e)),
                        Err(_) => return Err((EINVAL, c_str!("martian source or destination"))),
                        Ok(_) => {}
                    }
                    let res = c
                        .fib
                        .fib_lookup(q.dst, src, Some(i), oif, q.tos, q.mark)
                        .map_err(fail)?;
                    matched = Some(res.alias);
                    Answer {
                        kind: res.route.kind.as_u8(),
                        table: res.route.table,
                        dst: res.route.dst,
                        prefix_len: res.route.prefix_len,
                        gateway: res.nh.gateway,
                        port: res.port(),
                        // None for a forwarded query.
                        src: None,
                        metric: res.route.metric,
                        scope: res.route.scope,
                    }
                }
                None => {
                    // ip_route_output_key_hash_rcu: an oif that is down
                    // (or has no in_device) is ENETUNREACH before any
                    // lookup.
                    if let Some(o) = oif.and_then(|o| c.port(o)) {
                        if !o.is_up() {
                            return Err(fail(crate::ipv4::errno::Errno::Enetunreach));
                        }
                    }
                    let key = OutputKey {
                        dst: q.dst,
                        oif,
                        src: q.src,
                        mark: q.mark,
                        tos: q.tos,
                    };
                    let a = route_output_key(&c.fib, &c.addrs, &key).map_err(fail)?;
                    matched = a.res.map(|r| r.alias);
                    let kind = match (a.rt.kind, a.res) {
                        _ if a.multicast => RTN_MULTICAST,
                        (OutputKind::Broadcast, _) => RouteType::Broadcast.as_u8(),
                        (_, Some(r)) => r.route.kind.as_u8(),
                        (_, None) => RouteType::Unicast.as_u8(),
                    };
                    Answer {
                        kind,
                        table: a.res.map_or(RT_TABLE_MAIN, |r| r.route.table),
                        dst: a.res.map_or(q.dst, |r| r.route.dst),
                        prefix_len: a.res.map_or(32, |r| r.route.prefix_len),
                        gateway: a.gateway,
                        port: Some(a.rt.port),
                        src: Some(a.rt.src),
                        metric: a.res.map_or(0, |r| r.route.metric),
                        scope: a.res.map_or(Scope::Universe, |r| r.route.scope),
                    }
                }
            };
            if q.fib_match {
                // inet_rtm_getroute's RTM_F_FIB_MATCH: no FIB result (an
                // on-link assumption, a limited broadcast, a multicast) is
                // EHOSTUNREACH. The table is the one looked up: while local
                // and main are merged, that is main for local's routes too.
                let a = matched.ok_or_else(|| fail(crate::ipv4::errno::Errno::Ehostunreach))?;
                let mut table = a.route().table;
                if table == RT_TABLE_LOCAL && c.fib.tables_merged() {
                    table = RT_TABLE_MAIN;
                }
                return put_route(c, m, a, table).map_err(|e| (e, c_str!("reply too large")));
            }
            let port = answer.port.and_then(|p| c.port(p));
            let fill = |m: &mut Message<'_>| -> Result {
                m.put_u32(attr::TABLE, answer.table)?;
                m.put_u8(attr::ROUTE_TYPE, answer.kind)?;
                m.put(attr::ADDRESS, &answer.dst.octets())?;
                m.put_u8(attr::PREFIXLEN, answer.prefix_len)?;
                if let Some(gw) = answer.gateway {
                    m.put(attr::GATEWAY, &gw.octets())?;
                }
                if let Some(p) = port {
                    m.put_str(attr::IFNAME, p.name())?;
                }
                if let Some(s) = answer.src.filter(|s| *s != Ipv4Addr::UNSPECIFIED) {
                    m.put(attr::PREFSRC, &s.octets())?;
                }
                m.put_u32(attr::METRIC, answer.metric)?;
                m.put_u8(attr::SCOPE, answer.scope.as_u8())
            };
            fill(m).map_err(|e| (e, c_str!("reply too large")))
        })
        .unwrap_or(Err((ENODEV, c_str!("router not ready"))))
    }

    /// Dumps the routes of `table` (all tables for 0), each part resuming
    /// after the key of the last route the previous one sent, as
    /// `fib_table_dump` resumes at its saved key.
    pub fn dump_routes(&self, dump: &mut Dump<'_>, table: u32) -> Result {
        self.with_config(|c| {
            dump.set_generation(c.generation);
            let only = (table != 0).then_some(table);
            let routes = |after| c.fib.aliases_after(after, only);
            dump.entries_after(routes, |m, a| put_route(c, m, a, a.route().table))
        })
        .unwrap_or(Ok(()))
    }

    /// Removes the empty table `id` (0 is main): `EBUSY` if it still has
    /// routes, `ENOENT` if there is no such table. The rules are not
    /// looked at (a rule may name a table that does not exist, as in Linux).
    pub fn table_del(&self, id: u32, rtnl: &Rtnl) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            c.fib.del_table(id).map_err(|e| {
                let msg = match e {
                    crate::ipv4::errno::Errno::Ebusy => c_str!("the table still has routes"),
                    _ => c_str!("no such table"),
                };
                (errno_of(e), msg)
            })
        })
    }

    /// Dumps the routing tables and how many routes each holds.
    pub fn dump_tables(&self, dump: &mut Dump<'_>) -> Result {
        self.with_config(|c| {
            dump.set_generation(c.generation);
            dump.entries(c.fib.tables(), |m, t| {
                m.put_u32(attr::TABLE, t.id())?;
                m.put_u32(
                    attr::ROUTE_COUNT,
                    u32::try_from(t.len()).unwrap_or(u32::MAX),
                )
            })
        })
        .unwrap_or(Ok(()))
    }
}

impl DumpKey for RouteKey {
    fn to_words(self) -> [u32; 4] {
        [self.table, self.dst, u32::from(self.len), self.index]
    }

    fn from_words(w: [u32; 4]) -> Self {
        Self {
            table: w[0],
            dst: w[1],
            // A length above 32 resumes nowhere (the trie yields nothing).
            len: u8::try_from(w[2]).unwrap_or(u8::MAX),
            index: w[3],
        }
    }
}

/// A route as `route-list` describes it (`fib_dump_info`), labelled as
/// table `table`.
pub(super) fn put_route(c: &Config, m: &mut Message<'_>, a: &FibAlias, table: u32) -> Result {
    let r = a.route();
    m.put_u32(attr::TABLE, table)?;
    m.put(attr::ADDRESS, &r.dst.octets())?;
    m.put_u8(attr::PREFIXLEN, r.prefix_len)?;
    m.put_u8(attr::ROUTE_TYPE, r.kind.as_u8())?;
    m.put_u8(attr::SCOPE, r.scope.as_u8())?;
    m.put_u8(attr::PROTOCOL, r.protocol.as_u8())?;
    m.put_u32(attr::METRIC, r.metric)?;
    if a.num_paths() > 1 {
        m.nest(attr::MULTIPATH, |m| {
            for (i, h) in a.nexthops().enumerate() {
                let dead = a.is_dead(i);
                m.nest(crate::uapi::multipath::NEXTHOP, |m| put_hop(c, m, &h, dead))?;
            }
            Ok(())
        })?;
    } else {
        if let Some(gw) = r.gateway {
            m.put(attr::GATEWAY, &gw.octets())?;
        }
        if let Some(p) = r.port.and_then(|p| c.port(p)) {
            m.put_str(attr::IFNAME, p.name())?;
        }
        if r.onlink {
            m.put_u8(attr::ONLINK, 1)?;
        }
    }
    if let Some(s) = r.prefsrc {
        m.put(attr::PREFSRC, &s.octets())?;
    }
    if r.tos != 0 {
        m.put_u8(attr::TOS, r.tos)?;
    }
    if r.mtu != 0 {
        m.put_u32(attr::MTU, r.mtu)?;
    }
    Ok(())
}

/// One multipath next hop, as the `nexthop` attribute set has it.
fn put_hop(c: &Config, m: &mut Message<'_>, h: &NextHop, dead: bool) -> Result {
    use crate::uapi::nexthop;
    if dead {
        // RTNH_F_DEAD | RTNH_F_LINKDOWN, as fib_sync_down_dev sets both.
        m.put_u8(nexthop::DEAD, 1)?;
    }
    if let Some(gw) = h.gateway {
        m.put(nexthop::GATEWAY, &gw.octets())?;
    }
    if let Some(p) = h.port.and_then(|p| c.port(p)) {
        m.put_str(nexthop::IFNAME, p.name())?;
    }
    m.put_u32(nexthop::WEIGHT, u32::from(h.weight))?;
    if h.onlink {
        m.put_u8(nexthop::ONLINK, 1)?;
    }
    Ok(())
}

// SPDX-License-Identifier: GPL-2.0

//! Route decisions for packets received ([`route_input`],
//! `ip_route_input_slow`) and sent by the router ([`route_output`],
//! `ip_route_output_key`), from net/ipv4/route.c.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::devconf::PortConf;
use crate::ipv4::errno::Errno;
use crate::ipv4::fib::{Fib, FibResult, FlowKeys, RouteType};
use crate::ipv4::iface::{AddrTable, PortId, Scope};
use crate::ipv4::stats::DropReason;
use crate::ipv4::wire::icmp::unreach;
use crate::platform::with_popcnt;

/// Reverse-path filter mode (`net.ipv4.conf.*.rp_filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RpFilter {
    /// 0: no source validation beyond refusing the router's own addresses
    /// (Linux's default).
    #[default]
    Off,
    /// 1 (RFC 3704 strict): the route back to the source must leave through
    /// the port the packet came in on.
    Strict,
    /// 2 (RFC 3704 loose): some route back to the source must exist.
    Loose,
}

/// Where a received packet goes (the `dst_entry` `ip_route_input_slow`
/// attaches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRoute {
    /// To one of the router's addresses (`RTN_LOCAL`, `ip_local_deliver`).
    Local,
    /// To a broadcast address, delivered locally (`RTN_BROADCAST`,
    /// `RTCF_BROADCAST`): never answered with ICMP errors.
    Broadcast,
    /// To be forwarded (`RTN_UNICAST`, `ip_forward`).
    Forward {
        /// Output port.
        port: PortId,
        /// Address to resolve with ARP: the gateway, or the destination.
        next_hop: Ipv4Addr,
        /// The packet leaves by the port it came in on, and its source
        /// and next hop are both on that link: tell the source of the
        /// better next hop (`IPSKB_DOREDIRECT`, `send_redirects` on).
        redirect: bool,
    },
    /// No usable route (`RTN_UNREACHABLE` with `dst.error`, handled by
    /// `ip_error`); see [`ip_error`] for what to count and send.
    Error(Errno),
}

/// What `ip_error` does with a packet whose input route is
/// [`InputRoute::Error`] (forwarding on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpError {
    /// The ICMP destination-unreachable code to send back, if any (subject
    /// to [`crate::ipv4::icmp::should_send_error`] and rate limits).
    pub icmp_code: Option<u8>,
    /// Why the packet is then dropped; [`DropReason::rcv_ip_stats`] gives
    /// its counter (InNoRoutes for `ENETUNREACH`).
    pub reason: DropReason,
}

/// `ip_error`: on a port that forwards, `ENETUNREACH` (no route) sends
/// net unreachable and counts InNoRoutes, `EHOSTUNREACH` (unreachable
/// route) host unreachable, `EACCES` (prohibit) "packet filtered";
/// anything else (`EINVAL`: blackhole) is dropped silently. On a port that
/// does not forward (`forwarding` 0) nothing is sent: `EHOSTUNREACH` counts
/// InAddrErrors, `ENETUNREACH` InNoRoutes.
pub const fn ip_error(err: Errno, forwarding: bool) -> IpError {
    if !forwarding {
        return IpError {
            icmp_code: None,
            reason: match err {
                Errno::Ehostunreach => DropReason::IpInaddrerrors,
                Errno::Enetunreach => DropReason::IpInnoroutes,
                _ => DropReason::NotSpecified,
            },
        };
    }
    match err {
        Errno::Enetunreach => IpError {
            icmp_code: Some(unreach::NET),
            reason: DropReason::IpInnoroutes,
        },
        Errno::Ehostunreach => IpError {
            icmp_code: Some(unreach::HOST),
            reason: DropReason::NotSpecified,
        },
        Errno::Eacces => IpError {
            icmp_code: Some(unreach::PKT_FILTERED),
            reason: DropReason::NotSpecified,
        },
        _ => IpError {
            icmp_code: None,
            reason: DropReason::NotSpecified,
        },
    }
}

/// Source validation (`fib_validate_source`, no custom local routes):
/// `Err(IpInvalidSource)` for a source that is one of the router's
/// addresses (or, when filtering, routes as broadcast, or as local without
/// `accept_local`), `Err(IpRpfilter)` when the reverse-path filter rejects
/// it (`-EXDEV`).
#[inline(always)]
fn fib_validate_source(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
) -> Result<(), DropReason> {
    let rp = conf.rp_filter;
    if rp == RpFilter::Off {
        // The fast path: only our own addresses are refused, and those
        // not with accept_local.
        if !conf.accept_local && addrs.is_local(src) {
            return Err(DropReason::IpInvalidSource);
        }
        return Ok(());
    }
    // __fib_validate_source: look the source up as a destination.
    let Some(r) = fib.lookup(src, None).filter(|r| r.kind.error().is_none()) else {
        return Err(DropReason::IpRpfilter);
    };
    if r.kind != RouteType::Unicast && (r.kind != RouteType::Local || !conf.accept_local) {
        return Err(DropReason::IpInvalidSource);
    }
    if r.port == Some(in_port) || rp == RpFilter::Loose {
        return Ok(());
    }
    Err(DropReason::IpRpfilter)
}

/// Decides where a packet from `src` to `dst` received on `in_port`, whose
/// settings are `conf`, goes (`ip_route_input_rcu` and
/// `ip_route_input_slow`, for a port with no multicast membership).
///
/// In Linux's order:
/// 1. multicast destination: drop (`EINVAL`; ferroute joins no groups and
///    does not route multicast) — `NOT_SPECIFIED`;
/// 2. multicast or limited-broadcast source: martian source;
/// 3. limited broadcast destination, or both addresses 0.0.0.0:
///    [`InputRoute::Broadcast`] (source validated unless 0/8);
/// 4. 0.0.0.0 source: martian source; 0.0.0.0 destination: martian
///    destination (the rest of 0/8 is unicast, `ipv4_is_zeronet`);
///    127/8 destination (martian destination) or source (martian source):
///    `IP_LOCALNET`, unless the port has `route_localnet`;
/// 5. FIB lookup: no route or a reject route gives [`InputRoute::Error`]
///    (`EHOSTUNREACH` whatever the route said if the port does not
///    forward); broadcast → [`InputRoute::Broadcast`], local →
///    [`InputRoute::Local`], unicast → [`InputRoute::Forward`] (or
///    `Error(EHOSTUNREACH)` if the port does not forward), each after
///    source validation ([`PortConf::rp_filter`], [`PortConf::accept_local`]);
///    a redirect only with [`PortConf::send_redirects`].
///
/// `Err` is a drop; [`DropReason::rcv_ip_stats`] and
/// [`DropReason::route_input_stat`] give its counters (martians: the
/// rt_cache columns, as in Linux).
pub fn route_input(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
) -> Result<InputRoute, DropReason> {
    route_input_hinted(
        fib,
        addrs,
        src,
        dst,
        in_port,
        conf,
        &mut RouteHint::default(),
    )
}

/// A forwarding decision's FIB part, kept for the next packets of a
/// received list to the same destination (`ip_extract_route_hint` and
/// `ip_route_use_hint` of `ip_list_rcv`): they skip the FIB lookup.
///
/// Valid for one [`Fib`] and [`AddrTable`] (the configuration a list is
/// received under) and one receiving port with its settings. Only kept
/// where the lookup's answer depends on the destination alone: while the
/// rules are the default ones
/// ([`Fib::tables_merged`]), and for a route with one next hop (a
/// multipath route's choice hashes the source; Linux's
/// `IPSKB_MULTIPATH`). Unlike Linux's hint, the source's checks
/// (`fib_validate_source`, the redirect's on-link test) are still made
/// for every packet, so a hinted decision is the one [`route_input`]
/// makes; except for a packet with the same source as the last one
/// forwarded through the hint: the decision is a function of the two
/// addresses, the receiving port, its settings and the FIB, all the same
/// for it, so it gets that packet's decision again (a flow's packets
/// follow each other in a list).
#[derive(Debug, Default, Clone, Copy)]
pub struct RouteHint {
    last: Option<HintEntry>,
}

#[derive(Debug, Clone, Copy)]
struct HintEntry {
    dst: Ipv4Addr,
    in_port: PortId,
    out_port: PortId,
    gateway: Option<Ipv4Addr>,
    /// The source of the last packet forwarded through this entry, and
    /// whether it was sent a redirect: its whole decision.
    src: Ipv4Addr,
    redirect: bool,
}

impl HintEntry {
    fn decision(&self) -> InputRoute {
        InputRoute::Forward {
            port: self.out_port,
            next_hop: self.gateway.unwrap_or(self.dst),
            redirect: self.redirect,
        }
    }
}

/// [`route_input`], reusing and updating `hint` (one per received list and
/// FIB; [`RouteHint::default`] for a single packet).
///
/// The whole decision is one function compiled with `popcnt` where the
/// CPU has it ([`with_popcnt`]): the FIB walks inline into it instead of
/// each being a call of its own (a call and return per walk, and the
/// lookup chain's layers, were a fifth of the router's samples in the
/// forwarding profile; `Documentation/performance.rst`).
#[inline]
pub fn route_input_hinted(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
    hint: &mut RouteHint,
) -> Result<InputRoute, DropReason> {
    // inline(always): a closure this large is otherwise called from
    // run_with_popcnt, not compiled into it, and so without popcnt.
    with_popcnt(
        #[inline(always)]
        || route_input_in(fib, addrs, src, dst, in_port, conf, hint),
    )
}

/// [`route_input_hinted`]'s body.
#[inline(always)]
fn route_input_in(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
    hint: &mut RouteHint,
) -> Result<InputRoute, DropReason> {
    if let Some(h) = hint
        .last
        .filter(|h| h.dst == dst && h.src == src && h.in_port == in_port)
    {
        // The addresses of the last packet forwarded through the hint: its
        // decision, every check below included, holds for this one.
        return Ok(h.decision());
    }
    if dst.is_multicast() {
        return Err(DropReason::NotSpecified);
    }
    if src.is_multicast() || src.is_lbcast() {
        return Err(DropReason::IpInvalidSource);
    }
    if dst.is_lbcast() || (src.is_unspecified() && dst.is_unspecified()) {
        return brd_input(fib, addrs, src, in_port, conf);
    }
    if src.is_zeronet() {
        return Err(DropReason::IpInvalidSource);
    }
    if dst.is_zeronet() {
        return Err(DropReason::IpInvalidDest);
    }
    if dst.is_loopback() {
        if !conf.route_localnet {
            return Err(DropReason::IpLocalnet);
        }
    } else if src.is_loopback() && !conf.route_localnet {
        return Err(DropReason::IpLocalnetSource);
    }
    if let Some(h) = hint
        .last
        .as_mut()
        .filter(|h| h.dst == dst && h.in_port == in_port)
    {
        // ip_route_use_hint: the destination's route is the last packet's.
        if conf.forwarding {
            fib_validate_source(fib, addrs, src, in_port, conf)?;
            h.src = src;
            h.redirect = redirects(fib, addrs, src, in_port, conf, h.out_port, h.gateway);
            return Ok(h.decision());
        }
    }
    let flow = FlowKeys {
        dst,
        src,
        iif: Some(in_port),
        ..FlowKeys::default()
    };
    let r = match fib.fib_lookup_flow_in(&flow, Scope::Universe) {
        Ok(r) => r,
        Err(_) if !conf.forwarding => return Ok(InputRoute::Error(Errno::Ehostunreach)),
        Err(e) => return Ok(InputRoute::Error(e)),
    };
    match r.route.kind {
        RouteType::Broadcast => brd_input(fib, addrs, src, in_port, conf),
        RouteType::Local => {
            fib_validate_source(fib, addrs, src, in_port, conf)?;
            Ok(InputRoute::Local)
        }
        RouteType::Unicast if !conf.forwarding => Ok(InputRoute::Error(Errno::Ehostunreach)),
        RouteType::Unicast => {
            // __mkroute_input
            fib_validate_source(fib, addrs, src, in_port, conf)?;
            match r.port() {
                Some(port) => {
                    // ip_extract_route_hint.
                    let entry = HintEntry {
                        dst,
                        in_port,
                        out_port: port,
                        gateway: r.nh.gateway,
                        src,
                        redirect: redirects(fib, addrs, src, in_port, conf, port, r.nh.gateway),
                    };
                    if fib.tables_merged() && r.alias.num_paths() <= 1 {
                        hint.last = Some(entry);
                    }
                    Ok(entry.decision())
                }
                None => Ok(InputRoute::Error(Errno::Enetunreach)),
            }
        }
        // fib_lookup never returns a reject type (or throw) as Ok.
        RouteType::Blackhole | RouteType::Unreachable | RouteType::Prohibit | RouteType::Throw => {
            Ok(InputRoute::Error(
                r.route.kind.error().unwrap_or(Errno::Einval),
            ))
        }
    }
}

/// Whether `__mkroute_input` asks a redirect for a packet forwarded out of
/// `port` via `gateway` (or direct): it leaves by the port it came in on,
/// the port sends redirects, and its source is on that link.
#[inline(always)]
fn redirects(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
    port: PortId,
    gateway: Option<Ipv4Addr>,
) -> bool {
    port == in_port
        && conf.send_redirects
        && source_on_link(fib, src, in_port)
        && addrs.on_link(in_port, src, gateway)
}

/// A multicast packet as route input sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McPacket {
    /// The source.
    pub src: Ipv4Addr,
    /// The group.
    pub dst: Ipv4Addr,
    /// The IP protocol.
    pub proto: u8,
    /// The router is a member of the group on the receiving port
    /// (`ip_check_mc_rcu`; 224.0.0.1 on every port).
    pub member: bool,
    /// The receiving port routes multicast (it is a VIF: `IN_DEV_MFORWARD`).
    pub mforward: bool,
}

/// The multicast branch of `ip_route_input_rcu` with `ip_check_mc_rcu`
/// and `ip_route_input_mc`, for `pkt` received on `in_port`.
///
/// Neither a member nor a routing port for a routable group: dropped
/// (`EINVAL`, no counter). Else `ip_mc_validate_source`: a multicast or
/// limited-broadcast source, a 127/8 source without `route_localnet`, or a
/// 0.0.0.0 source except to a link-local group or for IGMP are refused
/// (`EINVAL`, no counter); another source goes through
/// `fib_validate_source` (the router's own addresses refused, `EINVAL`;
/// the reverse-path filter's `EXDEV` counted IPReversePathFilter). Link-local
/// groups (224.0.0.0/24) are never forwarded.
pub fn route_input_mc(
    fib: &Fib,
    addrs: &AddrTable,
    pkt: &McPacket,
    in_port: PortId,
    conf: &PortConf,
) -> Result<crate::ipv4::mroute::McRoute, DropReason> {
    let McPacket {
        src,
        dst,
        proto,
        member,
        mforward,
    } = *pkt;
    let forward = mforward && !dst.is_local_multicast();
    if !member && !forward {
        return Err(DropReason::NotSpecified);
    }
    if src.is_multicast() || src.is_lbcast() {
        return Err(DropReason::NotSpecified);
    }
    if src.is_loopback() && !conf.route_localnet {
        return Err(DropReason::NotSpecified);
    }
    if src.is_zeronet() {
        if !dst.is_local_multicast() && proto != crate::ipv4::wire::ipv4::PROTO_IGMP {
            return Err(DropReason::NotSpecified);
        }
    } else {
        match fib_validate_source(fib, addrs, src, in_port, conf) {
            Ok(()) => {}
            Err(DropReason::IpRpfilter) => return Err(DropReason::IpRpfilter),
            Err(_) => return Err(DropReason::NotSpecified),
        }
    }
    Ok(crate::ipv4::mroute::McRoute {
        local: member,
        forward,
    })
}

/// What `__fib_validate_source` returns for a packet that leaves by the
/// port it came in on: 1 when the source is reached directly through that
/// port (its route's next hop has host scope: a connected route), the
/// first condition of `IPSKB_DOREDIRECT`.
fn source_on_link(fib: &Fib, src: Ipv4Addr, in_port: PortId) -> bool {
    fib.lookup(src, None).is_some_and(|r| {
        r.kind == RouteType::Unicast && r.port == Some(in_port) && r.gateway.is_none()
    })
}

/// `brd_input`: a broadcast for the router, after validating a nonzero
/// source.
fn brd_input(
    fib: &Fib,
    addrs: &AddrTable,
    src: Ipv4Addr,
    in_port: PortId,
    conf: &PortConf,
) -> Result<InputRoute, DropReason> {
    if !src.is_zeronet() {
        fib_validate_source(fib, addrs, src, in_port, conf)?;
    }
    Ok(InputRoute::Broadcast)
}

/// How a packet the router originates leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// To a unicast next hop on `port`.
    Unicast,
    /// To one of the router's own addresses (`RTCF_LOCAL`): deliver it to
    /// the router's own input instead of transmitting.
    Local,
    /// To a broadcast address: transmit to ff:ff:ff:ff:ff:ff on `port`.
    Broadcast,
}

/// The route of a packet the router sends (`struct rtable` from
/// `ip_route_output_key`, with the chosen source in `fl4->saddr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputRoute {
    /// Output port.
    pub port: PortId,
    /// Address to resolve (the gateway or the destination).
    pub next_hop: Ipv4Addr,
    /// Source address to put in the packet; 0.0.0.0 if the router has no
    /// address to use (Linux sends from 0.0.0.0 then, too).
    pub src: Ipv4Addr,
    /// Unicast, local or broadcast.
    pub kind: OutputKind,
}

/// Routes a packet the router originates to `dst`, optionally bound to
/// output port `oif` and source `src` (`ip_route_output_key_hash_rcu` and
/// `__mkroute_output`):
/// - `EINVAL`: `src` is multicast, limited broadcast, 0/8 or 127/8;
///   `dst` is 0.0.0.0 (ferroute has no loopback device) or multicast
///   (not supported yet), or the limited broadcast without `oif` or a
///   source that names the port;
/// - `ENETUNREACH`: `src` is not one of the router's addresses, or no
///   route (without `oif`; with `oif` the destination is assumed on-link,
///   as Linux does);
/// - `EHOSTUNREACH`, `EACCES`, `EINVAL`: a reject route matched.
///
/// The source, if not given, is the route's `prefsrc`, else
/// `inet_select_addr(port, gateway, route scope)`; for a local destination
/// it is the destination itself.
pub fn route_output(
    fib: &Fib,
    addrs: &AddrTable,
    dst: Ipv4Addr,
    oif: Option<PortId>,
    src: Option<Ipv4Addr>,
) -> Result<OutputRoute, Errno> {
    // ferroute sends no multicast, and its own packets to the limited
    // broadcast name a port or a source (Linux would look the route up).
    if dst.is_multicast() || (dst.is_lbcast() && oif.is_none() && src.is_none()) {
        return Err(Errno::Einval);
    }
    let key = OutputKey {
        dst,
        oif,
        src,
        mark: 0,
        tos: 0,
    };
    route_output_key(fib, addrs, &key).map(|a| a.rt)
}

/// What [`route_output_key`] routes: `struct flowi4` of an output lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputKey {
    /// Destination.
    pub dst: Ipv4Addr,
    /// Output port the lookup is bound to (`flowi4_oif`).
    pub oif: Option<PortId>,
    /// Source the lookup is bound to (`saddr`).
    pub src: Option<Ipv4Addr>,
    /// Firewall mark (`flowi4_mark`), for the rules.
    pub mark: u32,
    /// Type of service (`flowi4_tos`), for the rules and TOS-keyed routes.
    pub tos: u8,
}

/// [`route_output_key`]'s answer: the route, and the FIB result it came
/// from (`None` when there was none: a limited broadcast, or a
/// destination assumed on-link).
pub struct OutputAnswer<'a> {
    /// The route packets take.
    pub rt: OutputRoute,
    /// The gateway packets are sent to (`rt_uses_gateway`), if any.
    pub gateway: Option<Ipv4Addr>,
    /// The matched route and next hop.
    pub res: Option<FibResult<'a>>,
    /// The destination is multicast (`RTN_MULTICAST`; `rt.kind` is then
    /// unicast: ferroute does not send multicast, see [`route_output`]).
    pub multicast: bool,
}

/// [`route_output`] for a whole [`OutputKey`] (the mark chooses the rules,
/// so the route and its source too), with the FIB result: what `ip route
/// get` answers (`inet_rtm_getroute` without `iif`). Unlike
/// [`route_output`], a multicast or limited-broadcast destination is
/// routed as Linux routes it: bound to `oif` (224.0.0.0/24 and
/// 255.255.255.255 directly, others on-link if no route), or by the route
/// the FIB gives (`ENETUNREACH` without one).
pub fn route_output_key<'a>(
    fib: &'a Fib,
    addrs: &AddrTable,
    key: &OutputKey,
) -> Result<OutputAnswer<'a>, Errno> {
    let OutputKey {
        dst,
        oif,
        src,
        mark,
        tos,
    } = *key;
    let multicast = dst.is_multicast();
    let plain = |rt: OutputRoute| OutputAnswer {
        rt,
        gateway: None,
        res: None,
        multicast,
    };
    if let Some(s) = src {
        if s.is_multicast() || s.is_lbcast() || s.is_zeronet() || s.is_loopback() {
            return Err(Errno::Einval);
        }
        if oif.is_none() && (dst.is_lbcast() || multicast) {
            // The limited broadcast and multicast leave through the
            // source's port.
            let port = addrs.port_of(s).ok_or(Errno::Enetunreach)?;
            return Ok(plain(OutputRoute {
                port,
                next_hop: dst,
                src: s,
                kind: if multicast {
                    OutputKind::Unicast
                } else {
                    OutputKind::Broadcast
                },
            }));
        }
        if !addrs.is_local(s) {
            return Err(Errno::Enetunreach);
        }
    }
    if dst.is_unspecified() {
        return Err(Errno::Einval);
    }
    if let Some(o) = oif {
        if dst.is_lbcast() || dst.is_local_multicast() {
            let src = src
                .or_else(|| addrs.inet_select_addr(o, Ipv4Addr::UNSPECIFIED, Scope::Link))
                .unwrap_or(Ipv4Addr::UNSPECIFIED);
            return Ok(plain(OutputRoute {
                port: o,
                next_hop: dst,
                src,
                kind: if multicast {
                    OutputKind::Unicast
                } else {
                    OutputKind::Broadcast
                },
            }));
        }
    }
    let r = match fib.fib_lookup(
        dst,
        src.unwrap_or(Ipv4Addr::UNSPECIFIED),
        None,
        oif,
        tos,
        mark,
    ) {
        Ok(r) => r,
        Err(e) => {
            let Some(o) = oif else {
                return Err(e);
            };
            // "Apparently, routing tables are wrong. Assume, that the
            // destination is on link."
            let src = src
                .or_else(|| addrs.inet_select_addr(o, Ipv4Addr::UNSPECIFIED, Scope::Link))
                .unwrap_or(Ipv4Addr::UNSPECIFIED);
            return Ok(plain(OutputRoute {
                port: o,
                next_hop: dst,
                src,
                kind: OutputKind::Unicast,
            }));
        }
    };
    let port = r.port().ok_or(Errno::Enetunreach)?;
    if r.route.kind == RouteType::Local {
        return Ok(OutputAnswer {
            rt: OutputRoute {
                port,
                next_hop: dst,
                src: src.or(r.route.prefsrc).unwrap_or(dst),
                kind: OutputKind::Local,
            },
            gateway: None,
            res: Some(r),
            multicast,
        });
    }
    // fib_select_path / fib_result_prefsrc
    let src = src
        .or(r.route.prefsrc)
        .or_else(|| {
            addrs.inet_select_addr(
                port,
                r.nh.gateway.unwrap_or(Ipv4Addr::UNSPECIFIED),
                r.route.scope,
            )
        })
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    // __mkroute_output: the destination's type wins over the route's; a
    // broadcast or multicast is sent to the destination itself.
    if dst.is_lbcast() || multicast {
        return Ok(OutputAnswer {
            rt: OutputRoute {
                port,
                next_hop: dst,
                src,
                kind: if multicast {
                    OutputKind::Unicast
                } else {
                    OutputKind::Broadcast
                },
            },
            gateway: None,
            res: Some(r),
            multicast,
        });
    }
    let kind = if r.route.kind == RouteType::Broadcast {
        OutputKind::Broadcast
    } else {
        OutputKind::Unicast
    };
    Ok(OutputAnswer {
        rt: OutputRoute {
            port,
            next_hop: r.next_hop(dst),
            src,
            kind,
        },
        gateway: r.nh.gateway,
        res: Some(r),
        multicast,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::devinet::inet_insert_ifa;
    use crate::ipv4::fib::{Route, RouteProtocol, RT_TABLE_MAIN};
    use crate::ipv4::iface::IfAddr;
    use crate::ipv4::stats::IpStat;

    const P1: PortId = PortId(1);
    const P2: PortId = PortId(2);

    fn a(o: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from_octets(o)
    }

    /// 10.0.0.1/24 on P1, 10.1.0.1/24 on P2, 10.2.0.0/16 via 10.1.0.254.
    fn router() -> (Fib, AddrTable) {
        let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
        for (port, o) in [(P1, [10, 0, 0, 1]), (P2, [10, 1, 0, 1])] {
            let ifa = IfAddr {
                port,
                addr: a(o),
                prefix_len: 24,
            };
            inet_insert_ifa(&mut addrs, &mut fib, ifa, true).unwrap();
        }
        fib.insert(via([10, 2, 0, 0], [10, 1, 0, 254])).unwrap();
        (fib, addrs)
    }

    /// A /16 in the main table via `gw`.
    fn via(dst: [u8; 4], gw: [u8; 4]) -> Route {
        Route {
            table: RT_TABLE_MAIN,
            dst: a(dst),
            prefix_len: 16,
            kind: RouteType::Unicast,
            scope: Scope::Universe,
            protocol: RouteProtocol::Boot,
            gateway: Some(a(gw)),
            port: None,
            prefsrc: None,
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        }
    }

    fn input(src: [u8; 4], dst: [u8; 4]) -> Result<InputRoute, DropReason> {
        let (fib, addrs) = router();
        route_input(&fib, &addrs, a(src), a(dst), P1, &PortConf::DEFAULT)
    }

    /// A list's frames through one [`RouteHint`] get the answers
    /// [`route_input`] gives each alone, and the hint is used: destinations
    /// repeated (forwarded back out of the receiving port or not, local,
    /// broadcast, unreachable, multipath), sources that are on the link,
    /// off it, the router's own, martian or spoofed for the reverse-path
    /// filter, under every port setting that changes the answer, with the
    /// default rules and with a custom rule.
    #[test]
    fn a_route_hint_gives_the_answers_of_route_input() {
        use crate::ipv4::fib::{NextHop, NlFlags, Rule, RuleAction};
        let (mut fib, addrs) = router();
        // 10.3.0.0/16 via 10.0.0.254 leaves by P1, the receiving port
        // (a redirect for sources on P1's link); 10.4.0.0/16 is multipath.
        fib.insert(via([10, 3, 0, 0], [10, 0, 0, 254])).unwrap();
        let hop = |gw: [u8; 4]| NextHop {
            gateway: Some(a(gw)),
            ..NextHop::default()
        };
        fib.insert_route(
            via([10, 4, 0, 0], [10, 0, 0, 254]),
            &[hop([10, 0, 0, 254]), hop([10, 1, 0, 254])],
            NlFlags::ADD,
        )
        .unwrap();
        let dsts = [
            [10, 2, 0, 9],
            [10, 3, 0, 9],
            [10, 4, 0, 9],
            [10, 0, 0, 1],
            [10, 0, 0, 255],
            [10, 9, 0, 9],
            [127, 0, 0, 1],
        ];
        let srcs = [
            [10, 0, 0, 7],
            [10, 1, 0, 7],
            [10, 2, 0, 7],
            [10, 77, 0, 7],
            [10, 1, 0, 1],
            [0, 0, 0, 0],
            [224, 0, 0, 1],
            [127, 0, 0, 1],
        ];
        let mut confs = [PortConf::DEFAULT; 5];
        confs[1].rp_filter = RpFilter::Strict;
        confs[2].rp_filter = RpFilter::Loose;
        confs[3].send_redirects = false;
        confs[4].forwarding = false;
        let mut custom = fib.try_clone().unwrap();
        custom
            .add_rule(Rule::new(100, RuleAction::ToTable(RT_TABLE_MAIN)), true)
            .unwrap();
        let (mut hits, mut repeats) = (0, 0);
        for (f, merged) in [(&fib, true), (&custom, false)] {
            for conf in &confs {
                // One list: every destination several times, with every
                // source in turn.
                let mut hint = RouteHint::default();
                for round in 0..4 {
                    for dst in dsts {
                        for (i, src) in srcs.iter().enumerate() {
                            // The last round backwards: an on-link source
                            // after others to the same destination.
                            let src = match round {
                                3 => srcs[srcs.len() - 1 - i],
                                _ => srcs[(i + round) % srcs.len()].max(*src),
                            };
                            let (src, dst) = (a(src), a(dst));
                            if hint.last.is_some_and(|h| h.dst == dst) {
                                hits += 1;
                            }
                            let alone = route_input(f, &addrs, src, dst, P1, conf);
                            let hinted =
                                route_input_hinted(f, &addrs, src, dst, P1, conf, &mut hint);
                            assert_eq!(hinted, alone, "{src:?} -> {dst:?} {conf:?}");
                            // The same packet again (a flow's next one):
                            // the last decision, or the same refusal.
                            if hint.last.is_some_and(|h| h.dst == dst && h.src == src) {
                                repeats += 1;
                            }
                            let again =
                                route_input_hinted(f, &addrs, src, dst, P1, conf, &mut hint);
                            assert_eq!(again, alone, "again {src:?} -> {dst:?} {conf:?}");
                            if let Some(h) = hint.last {
                                assert!(merged, "a hint under custom rules");
                                assert_ne!(h.dst, a([10, 4, 0, 9]), "a multipath hint");
                            }
                        }
                    }
                }
            }
        }
        assert!(hits > 100, "the hint was used {hits} times");
        assert!(repeats > 20, "a decision was repeated {repeats} times");
    }

    #[test]
    fn local_broadcast_and_forward() {
        assert_eq!(input([10, 0, 0, 2], [10, 0, 0, 1]), Ok(InputRoute::Local));
        // Any of the router's addresses, whatever the port (weak host).
        assert_eq!(input([10, 0, 0, 2], [10, 1, 0, 1]), Ok(InputRoute::Local));
        assert_eq!(
            input([10, 0, 0, 2], [10, 0, 0, 255]),
            Ok(InputRoute::Broadcast)
        );
        assert_eq!(
            input([10, 0, 0, 2], [255, 255, 255, 255]),
            Ok(InputRoute::Broadcast)
        );
        assert_eq!(
            input([0, 0, 0, 0], [255, 255, 255, 255]),
            Ok(InputRoute::Broadcast)
        );
        assert_eq!(input([0, 0, 0, 0], [0, 0, 0, 0]), Ok(InputRoute::Broadcast));
        assert_eq!(
            input([10, 0, 0, 2], [10, 1, 0, 9]),
            Ok(InputRoute::Forward {
                port: P2,
                next_hop: a([10, 1, 0, 9]),
                redirect: false,
            })
        );
        assert_eq!(
            input([10, 0, 0, 2], [10, 2, 3, 4]),
            Ok(InputRoute::Forward {
                port: P2,
                next_hop: a([10, 1, 0, 254]),
                redirect: false,
            })
        );
        assert_eq!(
            input([10, 0, 0, 2], [8, 8, 8, 8]),
            Ok(InputRoute::Error(Errno::Enetunreach))
        );
        assert_eq!(
            ip_error(Errno::Enetunreach, true),
            IpError {
                icmp_code: Some(unreach::NET),
                reason: DropReason::IpInnoroutes
            }
        );
        assert_eq!(ip_error(Errno::Einval, true).icmp_code, None);
    }

    fn mc(
        src: [u8; 4],
        dst: [u8; 4],
        proto: u8,
        member: bool,
        mforward: bool,
    ) -> Result<crate::ipv4::mroute::McRoute, DropReason> {
        let (fib, addrs) = router();
        let pkt = McPacket {
            src: a(src),
            dst: a(dst),
            proto,
            member,
            mforward,
        };
        route_input_mc(&fib, &addrs, &pkt, PortId(1), &PortConf::DEFAULT)
    }

    #[test]
    fn multicast_input_classifies_as_ip_route_input_mc() {
        use crate::ipv4::mroute::McRoute;
        use crate::ipv4::wire::ipv4::{PROTO_IGMP, PROTO_UDP};
        let both = |local, forward| Ok(McRoute { local, forward });
        // 224.0.0.1: local; never forwarded even on a VIF.
        assert_eq!(
            mc([10, 1, 0, 2], [224, 0, 0, 1], PROTO_UDP, true, true),
            both(true, false)
        );
        // A routable group on a VIF: forwarded, not local.
        assert_eq!(
            mc([10, 1, 0, 2], [239, 1, 1, 1], PROTO_UDP, false, true),
            both(false, true)
        );
        // Neither member nor VIF, or a link-local group on a VIF: dropped.
        assert_eq!(
            mc([10, 1, 0, 2], [239, 1, 1, 1], PROTO_UDP, false, false),
            Err(DropReason::NotSpecified)
        );
        assert_eq!(
            mc([10, 1, 0, 2], [224, 0, 0, 5], PROTO_UDP, false, true),
            Err(DropReason::NotSpecified)
        );
        // Martian sources: multicast, limited broadcast, loopback, ours.
        for src in [
            [224, 1, 2, 3],
            [255, 255, 255, 255],
            [127, 0, 0, 1],
            [10, 0, 0, 1],
        ] {
            assert_eq!(
                mc(src, [239, 1, 1, 1], PROTO_UDP, false, true),
                Err(DropReason::NotSpecified),
                "{src:?}"
            );
        }
        // 0.0.0.0: only to a link-local group or for IGMP.
        assert_eq!(
            mc([0, 0, 0, 0], [239, 1, 1, 1], PROTO_UDP, false, true),
            Err(DropReason::NotSpecified)
        );
        assert_eq!(
            mc([0, 0, 0, 0], [239, 1, 1, 1], PROTO_IGMP, false, true),
            both(false, true)
        );
        assert_eq!(
            mc([0, 0, 0, 0], [224, 0, 0, 1], PROTO_UDP, true, false),
            both(true, false)
        );
    }

    #[test]
    fn martians_are_dropped_in_linux_order() {
        assert_eq!(
            input([10, 0, 0, 2], [224, 0, 0, 1]),
            Err(DropReason::NotSpecified)
        );
        assert_eq!(
            input([224, 0, 0, 1], [10, 0, 0, 1]),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            input([255, 255, 255, 255], [10, 0, 0, 1]),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            input([0, 0, 0, 0], [10, 0, 0, 1]),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            input([10, 0, 0, 2], [0, 0, 0, 0]),
            Err(DropReason::IpInvalidDest)
        );
        // The rest of 0/8 is unicast (ipv4_is_zeronet is 0.0.0.0 only).
        assert_eq!(input([0, 1, 2, 3], [10, 0, 0, 1]), Ok(InputRoute::Local));
        assert_eq!(
            input([10, 0, 0, 2], [127, 0, 0, 1]),
            Err(DropReason::IpLocalnet)
        );
        assert_eq!(
            input([127, 0, 0, 1], [10, 0, 0, 1]),
            Err(DropReason::IpLocalnetSource)
        );
        // Our own address as source (fib_validate_source, accept_local=0).
        assert_eq!(
            input([10, 1, 0, 1], [10, 0, 0, 1]),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            input([10, 1, 0, 1], [10, 0, 0, 255]),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            input([10, 1, 0, 1], [10, 2, 0, 1]),
            Err(DropReason::IpInvalidSource)
        );
        // Counted as Linux counts them: rt_cache, no IPSTATS counter.
        assert_eq!(DropReason::IpInvalidSource.rcv_ip_stats(), &[]);
        assert_eq!(
            DropReason::IpLocalnetSource.route_input_stat(),
            Some(crate::ipv4::stats::RouteStat::InMartianSrc)
        );
        assert_eq!(
            DropReason::IpLocalnet.route_input_stat(),
            Some(crate::ipv4::stats::RouteStat::InMartianDst)
        );
    }

    #[test]
    fn reverse_path_filter_strict_and_loose() {
        let (fib, addrs) = router();
        let rin = |src: [u8; 4], port, rp_filter| {
            let conf = PortConf {
                rp_filter,
                ..PortConf::DEFAULT
            };
            route_input(&fib, &addrs, a(src), a([10, 0, 0, 1]), port, &conf)
        };
        assert_eq!(
            rin([10, 0, 0, 2], P1, RpFilter::Strict),
            Ok(InputRoute::Local)
        );
        assert_eq!(
            rin([10, 1, 0, 2], P1, RpFilter::Strict),
            Err(DropReason::IpRpfilter)
        );
        assert_eq!(
            rin([10, 1, 0, 2], P1, RpFilter::Loose),
            Ok(InputRoute::Local)
        );
        assert_eq!(
            rin([9, 9, 9, 9], P1, RpFilter::Loose),
            Err(DropReason::IpRpfilter)
        );
        assert_eq!(rin([9, 9, 9, 9], P1, RpFilter::Off), Ok(InputRoute::Local));
        assert_eq!(
            rin([10, 1, 0, 255], P2, RpFilter::Loose),
            Err(DropReason::IpInvalidSource)
        );
    }

    #[test]
    fn port_settings_change_route_input_as_linuxs_sysctls() {
        let (fib, addrs) = router();
        let rin = |src: [u8; 4], dst: [u8; 4], port, conf: PortConf| {
            route_input(&fib, &addrs, a(src), a(dst), port, &conf)
        };
        let d = PortConf::DEFAULT;
        // forwarding 0: forwarding and no-route become EHOSTUNREACH, which
        // ip_error counts InAddrErrors without an ICMP error; local
        // delivery is unchanged.
        let host = PortConf {
            forwarding: false,
            ..d
        };
        assert_eq!(
            rin([10, 0, 0, 2], [10, 1, 0, 9], P1, host),
            Ok(InputRoute::Error(Errno::Ehostunreach))
        );
        assert_eq!(
            rin([10, 0, 0, 2], [8, 8, 8, 8], P1, host),
            Ok(InputRoute::Error(Errno::Ehostunreach))
        );
        assert_eq!(
            rin([10, 0, 0, 2], [10, 0, 0, 1], P1, host),
            Ok(InputRoute::Local)
        );
        let e = ip_error(Errno::Ehostunreach, false);
        assert_eq!(e.icmp_code, None);
        assert_eq!(e.reason.rcv_ip_stats(), &[IpStat::InAddrErrors]);
        assert_eq!(
            ip_error(Errno::Enetunreach, false).reason.rcv_ip_stats(),
            &[IpStat::InNoRoutes]
        );
        // send_redirects: the same packet back out of P1 towards a host on
        // P1's link.
        let back = |conf| match rin([10, 0, 0, 2], [10, 0, 0, 9], P1, conf) {
            Ok(InputRoute::Forward { redirect, .. }) => redirect,
            other => panic!("{other:?}"),
        };
        assert!(back(d));
        assert!(!back(PortConf {
            send_redirects: false,
            ..d
        }));
        // accept_local: our own address as a source.
        let local = PortConf {
            accept_local: true,
            ..d
        };
        assert_eq!(
            rin([10, 1, 0, 1], [10, 0, 0, 1], P1, d),
            Err(DropReason::IpInvalidSource)
        );
        assert_eq!(
            rin([10, 1, 0, 1], [10, 0, 0, 1], P1, local),
            Ok(InputRoute::Local)
        );
        let strict_local = PortConf {
            rp_filter: RpFilter::Loose,
            ..local
        };
        assert_eq!(
            rin([10, 1, 0, 1], [10, 2, 0, 1], P1, strict_local),
            Ok(InputRoute::Forward {
                port: P2,
                next_hop: a([10, 1, 0, 254]),
                redirect: false
            })
        );
        // route_localnet: 127/8 is no longer martian; a 127/8 source is
        // forwarded, a 127/8 destination looked up (ferroute has no
        // 127/8 local route: no route).
        let lnet = PortConf {
            route_localnet: true,
            ..d
        };
        assert_eq!(
            rin([127, 0, 0, 2], [10, 1, 0, 9], P1, d),
            Err(DropReason::IpLocalnetSource)
        );
        assert!(matches!(
            rin([127, 0, 0, 2], [10, 1, 0, 9], P1, lnet),
            Ok(InputRoute::Forward { port: P2, .. })
        ));
        assert_eq!(
            rin([10, 0, 0, 2], [127, 0, 0, 1], P1, lnet),
            Ok(InputRoute::Error(Errno::Enetunreach))
        );
    }

    #[test]
    fn reject_routes_become_input_errors() {
        let (mut fib, addrs) = router();
        fib.insert(Route {
            table: RT_TABLE_MAIN,
            dst: a([10, 3, 0, 0]),
            prefix_len: 16,
            kind: RouteType::Prohibit,
            scope: Scope::Universe,
            protocol: RouteProtocol::Boot,
            gateway: None,
            port: None,
            prefsrc: None,
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        })
        .unwrap();
        let r = route_input(
            &fib,
            &addrs,
            a([10, 0, 0, 2]),
            a([10, 3, 0, 1]),
            P1,
            &PortConf::DEFAULT,
        );
        assert_eq!(r, Ok(InputRoute::Error(Errno::Eacces)));
        assert_eq!(
            ip_error(Errno::Eacces, true).icmp_code,
            Some(unreach::PKT_FILTERED)
        );
        assert_eq!(
            route_output(&fib, &addrs, a([10, 3, 0, 1]), None, None),
            Err(Errno::Eacces)
        );
    }

    #[test]
    fn output_selects_the_source_like_linux() {
        let (fib, addrs) = router();
        let out = |dst: [u8; 4], oif, src: Option<[u8; 4]>| {
            route_output(&fib, &addrs, a(dst), oif, src.map(a))
        };
        // An echo reply from the pinged address.
        assert_eq!(
            out([10, 0, 0, 2], None, Some([10, 1, 0, 1])),
            Ok(OutputRoute {
                port: P1,
                next_hop: a([10, 0, 0, 2]),
                src: a([10, 1, 0, 1]),
                kind: OutputKind::Unicast
            })
        );
        // Connected route: its prefsrc.
        assert_eq!(
            out([10, 1, 0, 7], None, None).unwrap().src,
            a([10, 1, 0, 1])
        );
        // Gateway route: inet_select_addr(port, gateway, universe).
        let r = out([10, 2, 9, 9], None, None).unwrap();
        assert_eq!(
            (r.port, r.next_hop, r.src),
            (P2, a([10, 1, 0, 254]), a([10, 1, 0, 1]))
        );
        // Local destinations: from themselves.
        let r = out([10, 1, 0, 1], None, None).unwrap();
        assert_eq!((r.kind, r.src), (OutputKind::Local, a([10, 1, 0, 1])));
        assert_eq!(
            out([10, 0, 0, 255], None, None).unwrap().kind,
            OutputKind::Broadcast
        );
        assert_eq!(out([8, 8, 8, 8], None, None), Err(Errno::Enetunreach));
        // With oif, no route means on-link.
        let r = out([8, 8, 8, 8], Some(P2), None).unwrap();
        assert_eq!(
            (r.port, r.next_hop, r.src),
            (P2, a([8, 8, 8, 8]), a([10, 1, 0, 1]))
        );
        let r = out([255, 255, 255, 255], Some(P1), None).unwrap();
        assert_eq!((r.kind, r.src), (OutputKind::Broadcast, a([10, 0, 0, 1])));
        let r = out([255, 255, 255, 255], None, Some([10, 1, 0, 1])).unwrap();
        assert_eq!((r.kind, r.port), (OutputKind::Broadcast, P2));
        assert_eq!(out([255, 255, 255, 255], None, None), Err(Errno::Einval));
    }

    #[test]
    fn output_rejects_bad_sources() {
        let (fib, addrs) = router();
        let out = |src: [u8; 4]| route_output(&fib, &addrs, a([10, 0, 0, 2]), None, Some(a(src)));
        assert_eq!(out([224, 0, 0, 1]), Err(Errno::Einval));
        assert_eq!(out([255, 255, 255, 255]), Err(Errno::Einval));
        assert_eq!(out([0, 0, 0, 0]), Err(Errno::Einval));
        // Unicast, but not ours.
        assert_eq!(out([0, 0, 0, 9]), Err(Errno::Enetunreach));
        assert_eq!(out([127, 0, 0, 1]), Err(Errno::Einval));
        assert_eq!(out([10, 0, 0, 77]), Err(Errno::Enetunreach));
        assert_eq!(
            route_output(&fib, &addrs, a([0, 0, 0, 0]), None, None),
            Err(Errno::Einval)
        );
        assert_eq!(
            route_output(&fib, &addrs, a([224, 0, 0, 5]), None, None),
            Err(Errno::Einval)
        );
    }

    /// `ip route get`'s output answers (issue 13): the mark chooses the
    /// rules and so the source (class 3); an oif-bound query with no route
    /// through that port, or only a reject route, assumes the destination
    /// on-link (class 6).
    #[test]
    fn output_key_uses_the_mark_and_assumes_on_link_when_bound() {
        use crate::ipv4::fib::{Rule, RuleAction};
        let (mut fib, addrs) = router();
        fib.insert(Route {
            table: 200,
            dst: a([0, 0, 0, 0]),
            prefix_len: 0,
            kind: RouteType::Unicast,
            scope: Scope::Universe,
            protocol: RouteProtocol::Boot,
            gateway: Some(a([10, 1, 0, 7])),
            port: None,
            prefsrc: None,
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        })
        .unwrap();
        let mut rule = Rule::new(100, RuleAction::ToTable(200));
        rule.fwmark = 1;
        rule.fwmask = u32::MAX;
        fib.add_rule(rule, true).unwrap();
        let key = |dst: [u8; 4], oif, mark| OutputKey {
            dst: a(dst),
            oif,
            src: None,
            mark,
            tos: 0,
        };
        assert_eq!(
            route_output_key(&fib, &addrs, &key([8, 8, 8, 8], None, 0)).err(),
            Some(Errno::Enetunreach)
        );
        let ans = route_output_key(&fib, &addrs, &key([8, 8, 8, 8], None, 1)).unwrap();
        assert_eq!(
            (ans.gateway, ans.rt.port, ans.rt.src),
            (Some(a([10, 1, 0, 7])), P2, a([10, 1, 0, 1]))
        );
        assert_eq!(ans.res.map(|r| r.route.table), Some(200));
        // Bound to P1, which no route for 10.2/16 leaves by: on-link.
        let ans = route_output_key(&fib, &addrs, &key([10, 2, 0, 1], Some(P1), 0)).unwrap();
        assert_eq!(
            (ans.gateway, ans.rt.port, ans.rt.next_hop, ans.rt.src),
            (None, P1, a([10, 2, 0, 1]), a([10, 0, 0, 1]))
        );
        assert!(ans.res.is_none());
        fib.insert(Route {
            table: RT_TABLE_MAIN,
            dst: a([10, 3, 0, 0]),
            prefix_len: 16,
            kind: RouteType::Unreachable,
            scope: Scope::Universe,
            protocol: RouteProtocol::Boot,
            gateway: None,
            port: None,
            prefsrc: None,
            metric: 0,
            tos: 0,
            mtu: 0,
            onlink: false,
        })
        .unwrap();
        assert_eq!(
            route_output_key(&fib, &addrs, &key([10, 3, 0, 1], None, 0)).err(),
            Some(Errno::Ehostunreach)
        );
        let ans = route_output_key(&fib, &addrs, &key([10, 3, 0, 1], Some(P2), 0)).unwrap();
        assert_eq!((ans.rt.port, ans.rt.src), (P2, a([10, 1, 0, 1])));
        // Class 7: multicast and the limited broadcast take the route the
        // FIB gives (none here: ENETUNREACH), typed by the destination.
        for dst in [[224, 0, 0, 1], [255, 255, 255, 255]] {
            assert_eq!(
                route_output_key(&fib, &addrs, &key(dst, None, 0)).err(),
                Some(Errno::Enetunreach)
            );
        }
        let ans = route_output_key(&fib, &addrs, &key([224, 0, 0, 1], None, 1)).unwrap();
        assert!(ans.multicast);
        assert_eq!((ans.gateway, ans.rt.port), (None, P2));
        let ans = route_output_key(&fib, &addrs, &key([255, 255, 255, 255], None, 1)).unwrap();
        assert_eq!(
            (ans.rt.kind, ans.rt.next_hop),
            (OutputKind::Broadcast, a([255; 4]))
        );
        let ans = route_output_key(&fib, &addrs, &key([224, 0, 0, 9], Some(P1), 0)).unwrap();
        assert_eq!((ans.multicast, ans.rt.src), (true, a([10, 0, 0, 1])));
        // The packet path still sends no multicast.
        assert_eq!(
            route_output(&fib, &addrs, a([224, 0, 0, 1]), Some(P1), None),
            Err(Errno::Einval)
        );
    }
}

// SPDX-License-Identifier: GPL-2.0

//! `icmp_send`: the ICMP errors the router sends about packets it cannot
//! deliver or forward. The IPv4 logic decides whether an error may be sent
//! and builds it ([`crate::ipv4::icmp`]); this file routes it back to the
//! offending packet's source and counts it.

use super::output::{self, HEADROOM};
use super::{Config, Router};
use crate::abstractions::skbuff::{reason, SkBuff};
use crate::abstractions::time::{ms_since_midnight_ut, now_ms};
use crate::ipv4::icmp::{self, IcmpErrorMsg};
use crate::ipv4::iface::{PortId, Scope};
use crate::ipv4::options::{self, IpOptions};
use crate::ipv4::route::route_output;
use crate::ipv4::stats::IcmpStat;
use crate::ipv4::wire::ethernet::PacketType;
use crate::ipv4::wire::ipv4 as wire_ip;

/// The bytes of `skb` from offset `at` (its IPv4 header) that an ICMP
/// error about it quotes. A received packet's payload may still be in
/// page fragments (a GRO packet is forwarded as it came), so as much as
/// `icmp_send` can quote ([`icmp::MAX_ERROR_QUOTE`]) is made linear first,
/// where Linux copies it out with `skb_copy_bits`; without memory for that,
/// the quote is what is linear (the header at least).
pub(super) fn quote(skb: &mut SkBuff, at: usize) -> &[u8] {
    let want = at
        .saturating_add(icmp::MAX_ERROR_QUOTE)
        .min(skb.len() as usize);
    skb.may_pull(want as u32);
    skb.data().get(at..).unwrap_or(&[])
}

/// Sends `msg` about `orig` (the offending packet, from its IPv4 header
/// on), received as `pkt_type` on a route that was broadcast if
/// `route_broadcast` (`__icmp_send`): never about a broadcast, a non-first
/// fragment or an ICMP error; within the global and the per-peer rate
/// limits (`icmpv4_global_allow`, `icmpv4_xrlim_allow`, with the router's
/// `icmp_ratemask`, `icmp_ratelimit`, `icmp_msgs_per_sec` and
/// `icmp_msgs_burst`); from the address route output picks towards the
/// packet's source, or with `icmp_errors_use_inbound_ifaddr` from the
/// address of `in_port`, the port it came in on, towards it (`None`: not
/// known, route output picks).
pub(super) fn icmp_send(
    r: &Router,
    c: &Config,
    orig: &[u8],
    pkt_type: PacketType,
    route_broadcast: bool,
    in_port: Option<PortId>,
    msg: IcmpErrorMsg,
) {
    let about = About {
        orig,
        pkt_type,
        route_broadcast,
        src: None,
        in_port,
        opts: &IpOptions::default(),
    };
    send(r, c, &about, msg)
}

/// [`icmp_send`] about a packet whose options were compiled into `opts`:
/// the error echoes them (`__ip_options_echo`), as Linux's do.
pub(super) fn icmp_send_opts(
    r: &Router,
    c: &Config,
    orig: &[u8],
    pkt_type: PacketType,
    in_port: Option<PortId>,
    opts: &IpOptions,
    msg: IcmpErrorMsg,
) {
    let about = About {
        orig,
        pkt_type,
        route_broadcast: false,
        src: None,
        in_port,
        opts,
    };
    send(r, c, &about, msg)
}

/// [`icmp_send`] about a packet the router received for itself (its input
/// route was local, `RTCF_LOCAL`): the error comes from the address the
/// packet was sent to, as `__icmp_send` takes `iph->daddr` then.
pub(super) fn icmp_send_local(
    r: &Router,
    c: &Config,
    orig: &[u8],
    pkt_type: PacketType,
    opts: &IpOptions,
    msg: IcmpErrorMsg,
) {
    let about = About {
        orig,
        pkt_type,
        route_broadcast: false,
        src: Some(wire_ip::Packet::new_unchecked(orig).dst_addr()),
        in_port: None,
        opts,
    };
    send(r, c, &about, msg)
}

/// The packet an error is about, and how it came.
struct About<'a> {
    /// The offending packet, from its IPv4 header on.
    orig: &'a [u8],
    /// How it was received.
    pkt_type: PacketType,
    /// Its input route was broadcast.
    route_broadcast: bool,
    /// The error's source, when it must be the address the packet was sent
    /// to (RTCF_LOCAL); else route output chooses.
    src: Option<crate::ipv4::addr::Ipv4Addr>,
    /// The port it came in on, if known.
    in_port: Option<PortId>,
    /// Its compiled options, echoed in the error.
    opts: &'a IpOptions,
}

fn send(r: &Router, c: &Config, about: &About<'_>, msg: IcmpErrorMsg) {
    let About {
        orig,
        pkt_type,
        route_broadcast,
        src,
        in_port,
        opts,
    } = *about;
    if !icmp::should_send_error(orig, pkt_type, route_broadcast) {
        return;
    }
    let now = now_ms();
    // icmpv4_global_allow: types outside the ratemask are not limited;
    // the others need a global credit, spent only if the peer's limit
    // lets the message go too.
    let conf = &c.net;
    let limited = !icmp::icmpv4_mask_allow(conf.icmp_ratemask, msg.msg_type, msg.code);
    if limited {
        let mut global = r.icmp_limit.lock();
        global.set_rate(conf.icmp_msgs_per_sec, conf.icmp_msgs_burst);
        if !global.check(now) {
            drop(global);
            r.stats.icmp(IcmpStat::OutRateLimitGlobal);
            return;
        }
    }
    let dst = wire_ip::Packet::new_unchecked(orig).src_addr();
    // __icmp_send: with icmp_errors_use_inbound_ifaddr, an error about a
    // packet for another host comes from the receiving port's address
    // (inet_select_addr(dev, saddr, RT_SCOPE_LINK); none: route output's).
    let src = src.or_else(|| {
        in_port
            .filter(|_| conf.icmp_errors_use_inbound_ifaddr)
            .and_then(|p| c.addrs.inet_select_addr(p, dst, Scope::Link))
    });
    // icmp_route_lookup: no route back, no error (nothing counted).
    let Ok(rt) = route_output(&c.fib, &c.addrs, dst, None, src) else {
        return;
    };
    // icmpv4_xrlim_allow: the peer's bucket, then the global credit.
    if limited {
        let interval = u64::from(conf.icmp_ratelimit);
        if !r.peers.lock().xrlim_allow(dst, now, interval) {
            r.stats.icmp(IcmpStat::OutRateLimitHost);
            return;
        }
        r.icmp_limit.lock().consume();
    }
    // The offending packet's options, echoed; the quote shrinks by as
    // much, so that the error stays within 576 bytes.
    let ihl = wire_ip::Packet::new_unchecked(orig).header_len();
    let hdr = orig.get(..ihl).unwrap_or(&[]);
    let is_ours = |a| c.addrs.is_local(a);
    let Some(echoed) = options::echo(hdr, opts, rt.src, ms_since_midnight_ut(), &is_ours) else {
        return;
    };
    let quote = orig
        .get(..orig.len().min(icmp::MAX_ERROR_QUOTE - echoed.len()))
        .unwrap_or(orig);
    let len = icmp::error_len(quote) + echoed.len();
    let Some(mut skb) = SkBuff::alloc(HEADROOM, u32::try_from(len).unwrap_or(u32::MAX)) else {
        r.stats.icmp(IcmpStat::OutErrors);
        return;
    };
    let built = skb
        .put(u32::try_from(len).unwrap_or(u32::MAX))
        .and_then(|buf| {
            let n = icmp::build_error(
                &msg,
                quote,
                rt.src,
                r.next_ip_ident(),
                conf.ip_default_ttl,
                buf,
            )
            .ok()?;
            options::insert(buf, n, &echoed)
        });
    if built.is_none() {
        r.stats.icmp(IcmpStat::OutErrors);
        skb.drop_with(reason::NOT_SPECIFIED);
        return;
    }
    r.stats.icmp(IcmpStat::OutMsgs);
    if let Some(s) = IcmpStat::out_for_type(msg.msg_type) {
        r.stats.icmp(s);
    }
    output::ip_output(r, c, &rt, skb);
}

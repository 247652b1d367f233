// SPDX-License-Identifier: GPL-2.0

//! The transmit path: `ip_output`, `ip_finish_output2` and
//! `neigh_resolve_output`, then the port's own way out — `dev_queue_xmit`
//! on an attached device, `netif_rx` up a ferroute device's namespace.

use super::port::{Port, PortDev};
use super::{Config, Router};
use crate::abstractions::skbuff::{reason, SkBuff};
use crate::abstractions::time::now_ms;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::arp;
use crate::ipv4::fragment::Fragments;
use crate::ipv4::neigh::Resolve;
use crate::ipv4::route::{OutputKind, OutputRoute};
use crate::ipv4::stats::{ArpStat, IpStat};
use crate::ipv4::wire::arp::{Repr as ArpRepr, PACKET_LEN as ARP_PACKET_LEN};
use crate::ipv4::wire::ethernet::{self, MacAddr};
use crate::ipv4::wire::ipv4 as wire_ip;

/// Headroom of packets ferroute builds: an Ethernet header and room for
/// what lower devices may push.
pub(super) const HEADROOM: u32 = 64;

/// Sends an IPv4 packet the router built (`skb->data` at its IP header)
/// along `rt` (`ip_local_out`, then `ip_output`).
pub(super) fn ip_output(r: &Router, c: &Config, rt: &OutputRoute, mut skb: SkBuff) {
    // The network header is where the IP header is, as __ip_make_skb and
    // ip_build_and_send_pkt set it: taps (dev_queue_xmit_nit) and the
    // layers below read it, and complain of a "buggy" protocol without it.
    skb.reset_network_header();
    r.stats.ip(IpStat::OutRequests);
    let Some(port) = c.port(rt.port) else {
        r.stats.ip(IpStat::OutNoRoutes);
        skb.drop_with(reason::IP_NOROUTE);
        return;
    };
    match rt.kind {
        OutputKind::Broadcast => {
            // ip_finish_output2 counts a broadcast twice: OutBcastPkts and
            // OutTransmits.
            r.stats.ip(IpStat::OutBcastPkts);
            r.stats.ip(IpStat::OutTransmits);
            finish_output(r, port, ethernet::BROADCAST, skb)
        }
        // The router has no loopback: a packet to itself is not sent.
        OutputKind::Local => skb.consume(),
        OutputKind::Unicast => {
            let fits = skb.len() <= port.netdev().mtu();
            if fits {
                neigh_output(r, c, port, rt.next_hop, Some(rt.src), skb)
            } else if wire_ip::Packet::new_unchecked(skb.data()).dont_frag() {
                // ip_fragment: a local packet with DF that does not fit.
                r.stats.ip(IpStat::FragFails);
                skb.drop_with(reason::PKT_TOO_BIG);
            } else {
                fragment_output(r, c, port, rt.next_hop, Some(rt.src), skb)
            }
        }
    }
}

/// `ip_fragment`/`ip_do_fragment` for a packet without DF (`skb->data` at
/// its IP header) larger than `port`'s MTU: each fragment
/// ([`crate::ipv4::fragment`]) goes to `next_hop` as its own packet,
/// counted FragCreates, and the whole FragOKs; the packet is consumed. A
/// fragment that cannot be built ends it with FragFails (the fragments
/// already sent stay sent, as in Linux).
pub(super) fn fragment_output(
    r: &Router,
    c: &Config,
    port: &Port,
    next_hop: Ipv4Addr,
    pkt_src: Option<Ipv4Addr>,
    skb: SkBuff,
) {
    fragment_each(r, port, skb, |frag| {
        neigh_output(r, c, port, next_hop, pkt_src, frag)
    });
}

/// The fragmenting of [`fragment_output`], handing each fragment (its
/// network header set) to `send`.
pub(super) fn fragment_each(
    r: &Router,
    port: &Port,
    mut skb: SkBuff,
    mut send: impl FnMut(SkBuff),
) {
    // A checksum left to the device would reach the receiver incomplete in
    // the fragments: complete it first (ip_do_fragment).
    if skb.checksum_help().is_err() {
        r.stats.ip(IpStat::FragFails);
        skb.drop_with(reason::NOT_SPECIFIED);
        return;
    }
    // The fragments are cut from the data, which a forwarded packet may
    // still hold partly in page fragments.
    if skb.linearize().is_err() {
        r.stats.ip(IpStat::FragFails);
        skb.drop_with(reason::NOMEM);
        return;
    }
    let mtu = u16::try_from(port.netdev().mtu()).unwrap_or(u16::MAX);
    let Ok(mut frags) = Fragments::new(skb.data(), mtu) else {
        r.stats.ip(IpStat::FragFails);
        skb.drop_with(reason::PKT_TOO_BIG);
        return;
    };
    while let Some(len) = frags.next_len() {
        let len32 = u32::try_from(len).unwrap_or(u32::MAX);
        let Some(mut frag) = SkBuff::alloc(HEADROOM, len32) else {
            r.stats.ip(IpStat::FragFails);
            skb.drop_with(reason::NOMEM);
            return;
        };
        let written = frag.put(len32).and_then(|buf| frags.write_next(buf));
        if written.is_none() {
            r.stats.ip(IpStat::FragFails);
            frag.drop_with(reason::NOT_SPECIFIED);
            skb.drop_with(reason::NOT_SPECIFIED);
            return;
        }
        frag.reset_network_header();
        r.stats.ip(IpStat::FragCreates);
        send(frag);
    }
    r.stats.ip(IpStat::FragOks);
    skb.consume();
}

/// `ip_finish_output2` for a unicast packet (`skb->data` at its IP header,
/// which is the network header): counts it as transmitted and resolves
/// `next_hop` on `port`, queueing the packet while ARP asks. `pkt_src`
/// (the packet's source) is the address ARP asks from when it is one of
/// the router's (`arp_solicit`).
///
/// The resolved neighbour's fast path inlines into its callers (the
/// forwarding path among them); resolving is a call.
#[inline(always)]
pub(super) fn neigh_output(
    r: &Router,
    c: &Config,
    port: &Port,
    next_hop: Ipv4Addr,
    pkt_src: Option<Ipv4Addr>,
    skb: SkBuff,
) {
    r.stats.ip(IpStat::OutTransmits);
    let now = now_ms();
    // `neigh_output`: a resolved neighbour's MAC without the lock.
    if let Some(mac) = r.hh.lookup(port.id, next_hop, now) {
        return finish_output(r, port, mac, skb);
    }
    neigh_resolve_output(r, c, port, next_hop, pkt_src, now, skb)
}

/// `neigh_resolve_output`: the neighbour's entry under its lock, the
/// packet queued (and a request sent) while it resolves.
#[inline(never)]
fn neigh_resolve_output(
    r: &Router,
    c: &Config,
    port: &Port,
    next_hop: Ipv4Addr,
    pkt_src: Option<Ipv4Addr>,
    now: u64,
    skb: SkBuff,
) {
    let outcome = r.neigh.lock().resolve(port.id, next_hop, now, skb);
    match outcome {
        Resolve::Ready(mac, skb) => finish_output(r, port, mac, skb),
        Resolve::Queued {
            send_request,
            dropped,
        } => {
            if let Some(old) = dropped {
                r.stats.drop_neigh(old, reason::NEIGH_QUEUEFULL);
            }
            if send_request {
                send_arp_request(r, c, port, next_hop, None, pkt_src);
            }
        }
        Resolve::Dropped(skb, why) => r.stats.drop_neigh(skb, super::input::drop_reason(why)),
    }
}

/// `neigh_hh_output`: prepends the Ethernet header and transmits.
#[inline(always)]
pub(super) fn finish_output(r: &Router, port: &Port, dst: MacAddr, mut skb: SkBuff) {
    if !push_ethernet(&mut skb, dst, port.mac, ethernet::ETHERTYPE_IPV4) {
        r.stats.ip(IpStat::OutDiscards);
        skb.drop_with(reason::NOMEM);
        return;
    }
    transmit(r, port, skb);
}

/// Prepends an Ethernet header to the packet at `skb->data` (`eth_header`)
/// and marks it as the MAC header; the network header stays where the
/// packet's builder set it. Returns false if there was no room.
#[inline(always)]
fn push_ethernet(skb: &mut SkBuff, dst: MacAddr, src: MacAddr, ethertype: u16) -> bool {
    let written = skb
        .push::<{ ethernet::HEADER_LEN }>()
        .map(|hdr| ethernet::emit_header(hdr, dst, src, ethertype).is_ok());
    if written != Some(true) {
        return false;
    }
    skb.reset_mac_header();
    skb.set_protocol(ethertype);
    true
}

/// Hands a complete frame to the port.
#[inline(always)]
fn transmit(r: &Router, port: &Port, skb: SkBuff) {
    match &port.dev {
        PortDev::Attached(dev) => {
            dev.queue_xmit(skb);
        }
        // Up the device's namespace's stack, scrubbed as a veth scrubs a
        // frame for its peer: fully when that is not the router's own.
        PortDev::Fer(dev) => {
            dev.rx(skb, port.netns != r.netns);
        }
    }
}

/// Builds and sends the ARP packet `repr` on `port`, to `eth_dst` or to
/// where `repr` says (broadcast for a request, the target for a reply), in
/// `arp_create`'s order: the ARP packet is the network header, then the
/// Ethernet header goes in front of it.
pub(super) fn send_arp(r: &Router, port: &Port, repr: &ArpRepr, eth_dst: Option<MacAddr>) {
    let Some(mut skb) = SkBuff::alloc(HEADROOM, ARP_PACKET_LEN as u32) else {
        return;
    };
    let ok = skb
        .put(ARP_PACKET_LEN as u32)
        .map(|buf| repr.emit(buf).is_ok());
    if ok != Some(true) {
        skb.drop_with(reason::NOT_SPECIFIED);
        return;
    }
    skb.reset_network_header();
    let dst = eth_dst.unwrap_or_else(|| repr.frame_dst());
    if !push_ethernet(
        &mut skb,
        dst,
        repr.source_hardware_addr,
        ethernet::ETHERTYPE_ARP,
    ) {
        skb.drop_with(reason::NOMEM);
        return;
    }
    r.stats.arp(if repr.is_request() {
        ArpStat::OutRequests
    } else {
        ArpStat::OutReplies
    });
    transmit(r, port, skb);
}

/// Sends an ARP request for `target` (`arp_solicit`), broadcast or, for a
/// probe of a known neighbour, unicast.
pub(super) fn send_arp_request(
    r: &Router,
    c: &Config,
    port: &Port,
    target: Ipv4Addr,
    unicast: Option<MacAddr>,
    pkt_src: Option<Ipv4Addr>,
) {
    let repr = arp::arp_solicit(&c.addrs, port.id, port.mac, target, pkt_src);
    send_arp(r, port, &repr, unicast);
}

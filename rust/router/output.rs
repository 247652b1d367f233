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
use crate::ipv4::neigh::Resolve;
use crate::ipv4::route::{OutputKind, OutputRoute};
use crate::ipv4::stats::{ArpStat, IpStat};
use crate::ipv4::wire::arp::{Repr as ArpRepr, FRAME_LEN as ARP_FRAME_LEN};
use crate::ipv4::wire::ethernet::{self, MacAddr};

/// Headroom of packets ferroute builds: an Ethernet header and room for
/// what lower devices may push.
pub(super) const HEADROOM: u32 = 64;

/// Sends an IPv4 packet (`skb->data` at its IP header) along `rt`,
/// resolving the next hop first (`ip_finish_output2`).
pub(super) fn ip_output(r: &Router, c: &Config, rt: &OutputRoute, skb: SkBuff) {
    r.stats.ip(IpStat::OutRequests);
    let Some(port) = c.port(rt.port) else {
        r.stats.ip(IpStat::OutNoRoutes);
        skb.drop_with(reason::IP_NOROUTE);
        return;
    };
    match rt.kind {
        OutputKind::Broadcast => return finish_output(r, port, ethernet::BROADCAST, skb),
        // The router has no loopback: a packet to itself is not sent.
        OutputKind::Local => return skb.consume(),
        OutputKind::Unicast => {}
    }
    let outcome = r.neigh.lock().resolve(rt.port, rt.next_hop, now_ms(), skb);
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
                send_arp_request(r, c, port, rt.next_hop, None, Some(rt.src));
            }
        }
        Resolve::Dropped(skb, why) => r.stats.drop_neigh(skb, super::input::drop_reason(why)),
    }
}

/// `neigh_hh_output`: prepends the Ethernet header and transmits.
pub(super) fn finish_output(r: &Router, port: &Port, dst: MacAddr, mut skb: SkBuff) {
    let written = skb
        .push(ethernet::HEADER_LEN as u32)
        .map(|hdr| ethernet::emit_header(hdr, dst, port.mac, ethernet::ETHERTYPE_IPV4).is_ok());
    if written != Some(true) {
        r.stats.ip(IpStat::OutDiscards);
        skb.drop_with(reason::NOMEM);
        return;
    }
    skb.set_protocol(ethernet::ETHERTYPE_IPV4);
    transmit(port, skb);
}

/// Hands a complete frame to the port.
fn transmit(port: &Port, skb: SkBuff) {
    match &port.dev {
        PortDev::Attached(dev) => {
            dev.queue_xmit(skb);
        }
        PortDev::Fer(dev) => {
            dev.rx(skb);
        }
    }
}

/// Builds and sends the ARP packet `repr` on `port`, to `eth_dst` or to
/// where `repr` says (broadcast for a request, the target for a reply).
pub(super) fn send_arp(r: &Router, port: &Port, repr: &ArpRepr, eth_dst: Option<MacAddr>) {
    let Some(mut skb) = SkBuff::alloc(HEADROOM, ARP_FRAME_LEN as u32) else {
        return;
    };
    let ok = skb.put(ARP_FRAME_LEN as u32).map(|buf| match eth_dst {
        Some(d) => repr.emit_frame_to(d, buf).is_ok(),
        None => repr.emit_frame(buf).is_ok(),
    });
    if ok != Some(true) {
        skb.drop_with(reason::NOT_SPECIFIED);
        return;
    }
    skb.set_protocol(ethernet::ETHERTYPE_ARP);
    r.stats.arp(if repr.is_request() {
        ArpStat::OutRequests
    } else {
        ArpStat::OutReplies
    });
    transmit(port, skb);
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

// SPDX-License-Identifier: GPL-2.0

//! `ip_forward` and `ip_forward_finish`: a packet for another host leaves
//! by the port its route names, with its TTL decremented, or goes back to
//! its source as an ICMP error; one that leaves by the port it came in on
//! also gets its source a redirect. The decision is
//! [`crate::ipv4::forward::ip_forward`]'s.

use super::icmp::{icmp_send_opts, quote};
use super::input::rx_drop;
use super::output;
use super::port::Port;
use super::{Config, Router};
use crate::abstractions::skbuff::{reason, SkBuff};
use crate::abstractions::time::now_ms;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::forward;
use crate::ipv4::icmp::IcmpErrorMsg;
use crate::ipv4::iface::{PortId, Scope};
use crate::ipv4::options::{self, IpOptions};
use crate::ipv4::stats::{DropReason, IpStat, RxStat};
use crate::ipv4::wire::ethernet::{self, PacketType};
use crate::ipv4::wire::ipv4 as wire_ip;

/// Where route input sends a forwarded packet.
pub(super) struct Egress {
    /// The output port.
    pub port: PortId,
    /// The address to resolve: the gateway or the destination.
    pub next_hop: Ipv4Addr,
    /// Tell the source of the better next hop (a redirect).
    pub redirect: bool,
    /// The port it came in on.
    pub in_port: PortId,
}

/// Forwards `skb` (`skb->data` at its Ethernet header) out of the egress
/// port towards the next hop. (Inlined into its one caller, the receive
/// path: a call fewer per forwarded packet.)
#[inline(always)]
pub(super) fn ip_forward(
    r: &Router,
    c: &Config,
    pkt_type: PacketType,
    egress: Egress,
    opts: &IpOptions,
    mut skb: SkBuff,
) {
    let Egress {
        port: out,
        next_hop,
        redirect,
        in_port,
    } = egress;
    let Some(port) = c.port(out) else {
        r.stats.ip(IpStat::OutNoRoutes);
        return rx_drop(r, skb, DropReason::IpOutnoroutes);
    };
    // From here on the packet is an IP packet: the Ethernet header it came
    // with is not what it leaves with.
    if skb.pull(ethernet::HEADER_LEN as u32).is_none() {
        return rx_drop(r, skb, DropReason::PktTooSmall);
    }
    skb.reset_network_header();
    let mtu = u16::try_from(port.netdev().mtu()).unwrap_or(u16::MAX);
    let gso_fits = skb.gso_fits(u32::from(mtu));
    // The TTL is written in place: the data must be this skb's own
    // (skb_cow in Linux).
    let decided = match skb.data_mut() {
        Some(ip) => forward::ip_forward(ip, pkt_type, mtu, gso_fits),
        None => {
            r.stats.ip(IpStat::OutDiscards);
            return rx_drop(r, skb, DropReason::Nomem);
        }
    };
    match decided {
        Err(e) => {
            for &s in e.ip_stats() {
                r.stats.ip(s);
            }
            if let Some(msg) = e.icmp() {
                let orig = quote(&mut skb, 0);
                icmp_send_opts(r, c, orig, pkt_type, Some(in_port), opts, msg);
            }
            rx_drop(r, skb, e.drop_reason());
        }
        Ok(f) => {
            // ip_forward, after the TTL: a packet that leaves where it came
            // from tells its source of the better next hop
            // (ip_rt_send_redirect), and is forwarded all the same.
            if redirect && opts.srr == 0 {
                let src = wire_ip::Packet::new_unchecked(skb.data()).src_addr();
                if r.peers.lock().redirect_allow(src, now_ms()) {
                    let msg = IcmpErrorMsg::redirect_host(next_hop);
                    let orig = quote(&mut skb, 0);
                    icmp_send_opts(r, c, orig, pkt_type, Some(in_port), opts, msg);
                }
            }
            // ip_forward_finish, then ip_output: a packet too big for the
            // port (DF clear, or ip_forward would have refused it) is
            // fragmented; a GSO packet whose segments do not fit is
            // segmented first (ip_finish_output_gso).
            r.stats.ip(IpStat::OutForwDatagrams);
            if opts.optlen > 0 {
                // ip_forward_options: our entries become the egress
                // port's address (ip_rt_get_source).
                let egress = c
                    .addrs
                    .inet_select_addr(out, next_hop, Scope::Universe)
                    .unwrap_or(Ipv4Addr::UNSPECIFIED);
                let ihl = wire_ip::Packet::new_unchecked(skb.data()).header_len();
                if let Some(h) = skb.data_mut().and_then(|d| d.get_mut(..ihl)) {
                    options::forward_options(h, opts, egress);
                }
            }
            let src = wire_ip::Packet::new_unchecked(skb.data()).src_addr();
            if !f.needs_fragmentation {
                r.stats.rx(RxStat::Forwarded);
                output::neigh_output(r, c, port, next_hop, Some(src), skb);
            } else if gso_fits.is_some() {
                r.stats.rx(RxStat::Forwarded);
                gso_output(r, c, port, next_hop, src, skb);
            } else {
                r.stats.rx(RxStat::Forwarded);
                output::fragment_output(r, c, port, next_hop, Some(src), skb);
            }
        }
    }
}

/// `ip_finish_output_gso`'s slow path: a GSO packet without DF whose
/// segments do not fit `port`'s MTU is segmented in software and each
/// segment goes through `ip_fragment` (fragmented if it is too big, and
/// counted FragOKs/FragCreates even when it fits, as `ip_do_fragment`
/// counts it). A failed segmentation frees the packet without a MIB
/// counter, as in Linux (its drop reason is `SKB_GSO_SEG`).
fn gso_output(r: &Router, c: &Config, port: &Port, next_hop: Ipv4Addr, src: Ipv4Addr, skb: SkBuff) {
    let Some(segments) = skb.gso_segment() else {
        return;
    };
    for mut seg in segments {
        // The segments of a linear packet are linear; fragmenting reads
        // the linear data, so make sure.
        if seg.linearize().is_err() {
            r.stats.ip(IpStat::FragFails);
            seg.drop_with(reason::NOMEM);
            continue;
        }
        seg.reset_network_header();
        output::fragment_output(r, c, port, next_hop, Some(src), seg);
    }
}

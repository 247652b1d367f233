// SPDX-License-Identifier: GPL-2.0

//! The receive path: Ethernet demux, ARP input, `ip_rcv`, route input and
//! local delivery. The IPv4 logic decides; this file acts on its decisions
//! with the abstractions.

use super::output;
use super::port::{Port, PortKind};
use super::{Config, Router};
use crate::abstractions::skbuff::{pkt_type, reason, DropReason, SkBuff};
use crate::abstractions::time::{ms_since_midnight_ut, now_ms};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::arp::{self, ArpConf, ArpIgnore};
use crate::ipv4::fib::{RouteType, TableLookup, RT_TABLE_LOCAL};
use crate::ipv4::icmp::{self, IcmpInput};
use crate::ipv4::iface::{PortId, Scope};
use crate::ipv4::options::{self, EchoedOptions, IpOptions};
use crate::ipv4::reasm::{self, Defrag, FragKey, FragMeta};
use crate::ipv4::receive::{self, Header};
use crate::ipv4::route::{self, InputRoute, RouteHint};
use crate::ipv4::stats::{self, ArpStat, IcmpStat, IpStat, RxStat, TcpStat, UdpStat};
use crate::ipv4::tcp::{self, TcpInput};
use crate::ipv4::udp::{self, UdpInput};
use crate::ipv4::wire::ethernet::{self, PacketType};
use crate::ipv4::wire::ipv4 as wire_ip;

/// Handles one frame received on port `id`; `skb->data` is at its
/// Ethernet header. `hint` carries the last forwarding decision from frame
/// to frame of a received list ([`RouteHint`]; a new one for a frame
/// received alone).
pub(super) fn receive(r: &Router, c: &Config, id: PortId, mut skb: SkBuff, hint: &mut RouteHint) {
    r.stats.rx(RxStat::Frames);
    let Some(port) = c.port(id) else {
        return rx_drop(r, skb, stats::DropReason::DevReady);
    };
    // Only the headers each path reads are made linear (pskb_may_pull, as
    // Linux's receive path does): a GRO packet is forwarded with its
    // merged segments left in their page fragments, not copied. The paths
    // that read a whole packet (ARP, local delivery, multicast,
    // fragmenting) linearize it.
    if !skb.may_pull(ethernet::HEADER_LEN as u32) {
        return rx_drop(r, skb, stats::DropReason::PktTooSmall);
    }
    let Ok(eth) = ethernet::Frame::new_checked(skb.data()) else {
        return rx_drop(r, skb, stats::DropReason::PktTooSmall);
    };
    let (dst, ethertype) = (eth.dst_addr(), eth.ethertype());
    let pkt_type = match port.kind() {
        // eth_type_trans classified the frame against the device's address,
        // and __netif_receive_skb_core re-marked it OTHERHOST if it carried
        // a VLAN tag that no vlan device took, stripping the tag: the
        // destination MAC alone would take another VLAN's frame for ours.
        PortKind::Attached => match packet_type_of(&skb) {
            Some(t) => t,
            None => {
                // Looped back by this host's own stack (dev_loopback_xmit),
                // not from the link: ignored, as arp_rcv ignores it.
                r.stats.rx(RxStat::Ignored);
                skb.consume();
                return;
            }
        },
        // Sent by the namespace's stack on a ferroute device: nothing ran
        // eth_type_trans on the router's side of the link.
        PortKind::Fer => PacketType::classify(&dst, &port.mac),
    };
    match ethertype {
        ethernet::ETHERTYPE_ARP => arp_input(r, c, port, pkt_type, skb),
        ethernet::ETHERTYPE_IPV4 => ip_input(r, c, port, pkt_type, skb, hint),
        _ => rx_drop(r, skb, stats::DropReason::UnhandledProto),
    }
}

/// Frees a received frame (or a datagram reassembled from received
/// fragments) dropped for `why`, counted in the ledger
/// ([`RxStat`]: `FerRxDrop.REASON`).
pub(super) fn rx_drop(r: &Router, skb: SkBuff, why: stats::DropReason) {
    r.stats.rx_drop(why);
    skb.drop_with(drop_reason(why));
}

/// Frees a received frame the router has finished delivering to itself,
/// counted in the ledger (FerRxDelivered).
fn rx_delivered(r: &Router, skb: SkBuff) {
    r.stats.rx(RxStat::Delivered);
    skb.consume();
}

/// The packet type the kernel gave a frame received on an attached port,
/// or `None` for one that did not come from the link.
fn packet_type_of(skb: &SkBuff) -> Option<PacketType> {
    match skb.pkt_type() {
        pkt_type::HOST => Some(PacketType::Host),
        pkt_type::BROADCAST => Some(PacketType::Broadcast),
        pkt_type::MULTICAST => Some(PacketType::Multicast),
        pkt_type::OTHERHOST => Some(PacketType::OtherHost),
        _ => None,
    }
}

/// `arp_rcv`/`arp_process`: answer requests for the router's addresses,
/// learn the sender, release packets that were waiting for it.
fn arp_input(r: &Router, c: &Config, port: &Port, pkt_type: PacketType, mut skb: SkBuff) {
    if skb.linearize().is_err() {
        return rx_drop(r, skb, stats::DropReason::Nomem);
    }
    let payload = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
    let decision = match arp::arp_process(
        payload,
        port.id,
        port.mac,
        pkt_type,
        &c.addrs,
        &c.fib,
        ArpConf {
            ignore: ArpIgnore::Any,
            port: c.port_conf(port),
        },
    ) {
        Ok(d) => d,
        Err(why) => {
            r.stats.arp(ArpStat::InErrors);
            return rx_drop(r, skb, why);
        }
    };
    rx_delivered(r, skb);
    if let Some(s) = decision.stat {
        r.stats.arp(s);
    }
    if let Some(learn) = decision.learn {
        let (released, changed) = {
            let mut neigh = r.neigh.lock();
            let before = neigh.lookup(learn.port, learn.ip);
            let released = neigh.update(&learn, now_ms());
            let after = neigh.lookup(learn.port, learn.ip);
            (released, after.filter(|a| before != Some(*a)))
        };
        // neigh_update_notify: a new entry, a new state or a new MAC.
        if let Some((mac, state)) = changed {
            super::monitor::neigh_changed(c, port, learn.ip, mac, state);
        }
        if let Some(mac) = released.mac() {
            for pkt in released {
                output::finish_output(r, port, mac, pkt);
            }
        } else {
            for pkt in released {
                r.stats.drop_neigh(pkt, reason::NEIGH_FAILED);
            }
        }
    }
    if let Some(reply) = decision.reply {
        output::send_arp(r, port, &reply, None);
    }
}

/// Frees a packet `ip_rcv`/`ip_route_input` refused, counting it as Linux
/// does.
fn ip_drop(r: &Router, skb: SkBuff, why: stats::DropReason) {
    for &s in why.rcv_ip_stats() {
        r.stats.ip(s);
    }
    if let Some(s) = why.route_input_stat() {
        r.stats.route(s);
    }
    rx_drop(r, skb, why);
}

/// `ip_rcv`, `ip_rcv_finish` and `ip_route_input_noref`.
fn ip_input(
    r: &Router,
    c: &Config,
    port: &Port,
    pkt_type: PacketType,
    mut skb: SkBuff,
    hint: &mut RouteHint,
) {
    if pkt_type == PacketType::OtherHost {
        // ip_rcv_core: dropped before IpInReceives and counted on the
        // receiving device only. A ferroute device received nothing (its
        // namespace sent the frame), so there the drop reason tells alone.
        r.stats.rx_drop(stats::DropReason::Otherhost);
        match port.kind() {
            PortKind::Attached => skb.drop_otherhost(port.netdev()),
            PortKind::Fer => skb.drop_with(reason::OTHERHOST),
        }
        return;
    }
    r.stats.ip(IpStat::InReceives);
    // ip_rcv_core's pskb_may_pull of the fixed header, then of the options
    // its IHL announces; a packet too short for them (or a pull without
    // memory) leaves the header cut short, which ip_rcv_core_of refuses.
    let eth = ethernet::HEADER_LEN;
    if skb.may_pull((eth + wire_ip::HEADER_LEN) as u32) {
        if let Some(&vihl) = skb.data().get(eth) {
            skb.may_pull((eth + usize::from(vihl & 0xf) * 4) as u32);
        }
    }
    let ip = skb.data().get(eth..).unwrap_or(&[]);
    let ip_len = (skb.len() as usize).saturating_sub(eth);
    let hdr = match receive::ip_rcv_core_of(ip, ip_len) {
        Ok(h) => h,
        Err(why) => return ip_drop(r, skb, why),
    };
    // Drop link-layer padding (pskb_trim_rcsum to tot_len).
    let frame_len = ethernet::HEADER_LEN.saturating_add(hdr.total_len);
    if skb
        .trim(u32::try_from(frame_len).unwrap_or(u32::MAX))
        .is_err()
    {
        return ip_drop(r, skb, stats::DropReason::Nomem);
    }
    // ip_rcv_core: "Must drop socket now": a packet the router keeps (a
    // fragment for 30 s, a packet waiting for ARP) must not hold the
    // sender's send buffer.
    skb.orphan();
    if hdr.ip.dst.is_multicast() {
        return mc_input(r, c, port, pkt_type, hdr, skb);
    }
    let conf = c.port_conf(port);
    let decision = route::route_input_hinted(
        &c.fib, &c.addrs, hdr.ip.src, hdr.ip.dst, port.id, &conf, hint,
    );
    let (in_id, forwarding) = (port.id, conf.forwarding);
    // ip_rcv_options, after route input: the options of a packet that is
    // delivered or forwarded.
    let opts = match decision {
        Ok(route @ (InputRoute::Local | InputRoute::Broadcast | InputRoute::Forward { .. }))
            if hdr.header_len > wire_ip::HEADER_LEN =>
        {
            match ip_rcv_options(r, c, &hdr, route, pkt_type, port.id, skb) {
                Some((o, kept)) => {
                    skb = kept;
                    o
                }
                None => return,
            }
        }
        _ => IpOptions::default(),
    };
    match decision {
        Ok(InputRoute::Local) => local_deliver(r, c, hdr, pkt_type, false, &opts, skb),
        Ok(InputRoute::Broadcast) => {
            // ip_rcv_finish_core: a broadcast route counts InBcastPkts.
            r.stats.ip(IpStat::InBcastPkts);
            local_deliver(r, c, hdr, pkt_type, true, &opts, skb)
        }
        Ok(InputRoute::Forward {
            port,
            next_hop,
            redirect,
        }) => {
            let egress = super::forward::Egress {
                port,
                next_hop,
                redirect,
                in_port: in_id,
            };
            super::forward::ip_forward(r, c, pkt_type, egress, &opts, skb)
        }
        Ok(InputRoute::Error(errno)) => {
            // ip_error: an ICMP error only from a port that forwards.
            let e = route::ip_error(errno, forwarding);
            if let Some(code) = e.icmp_code {
                // ip_rt_error_cost on the source's peer bucket first.
                if r.peers.lock().error_allow(hdr.ip.src, now_ms()) {
                    let ip = super::icmp::quote(&mut skb, ethernet::HEADER_LEN);
                    let msg = crate::ipv4::icmp::IcmpErrorMsg::dest_unreach(code);
                    super::icmp::icmp_send(r, c, ip, pkt_type, false, Some(in_id), msg);
                }
            }
            ip_drop(r, skb, e.reason)
        }
        Err(why) => ip_drop(r, skb, why),
    }
}

/// The multicast branch of `ip_route_input_rcu` ([`route::route_input_mc`])
/// and of `ip_rcv_finish_core` (InMcastPkts and its octets), then
/// `ip_mr_input` on a VIF or `ip_local_deliver` for a group the router is
/// a member of. The options of a multicast packet are not processed
/// (`ip_rcv_options` is not run for it yet).
fn mc_input(
    r: &Router,
    c: &Config,
    port: &Port,
    pkt_type: PacketType,
    hdr: Header,
    mut skb: SkBuff,
) {
    // IGMP is parsed, and a forwarded copy cut into fragments, from the
    // whole packet.
    if skb.linearize().is_err() {
        return ip_drop(r, skb, stats::DropReason::Nomem);
    }
    let mforward = r.mforwarding(port.id);
    let pkt = route::McPacket {
        src: hdr.ip.src,
        dst: hdr.ip.dst,
        proto: hdr.ip.protocol,
        // 224.0.0.1 on every port; on a VIF also the routers' groups
        // (IGMPv2 leaves, IGMPv3 reports), which a routing daemon's socket
        // joins in Linux.
        member: hdr.ip.dst == crate::ipv4::mroute::ALL_HOSTS
            || (mforward
                && (hdr.ip.dst == crate::ipv4::igmp::ALL_ROUTERS
                    || hdr.ip.dst == crate::ipv4::igmp::V3_ROUTERS)),
        mforward,
    };
    let rt = match route::route_input_mc(&c.fib, &c.addrs, &pkt, port.id, &c.port_conf(port)) {
        Ok(rt) => rt,
        Err(why) => return ip_drop(r, skb, why),
    };
    let len = u32::try_from(hdr.total_len).unwrap_or(u32::MAX);
    r.stats
        .ip_po(IpStat::InMcastPkts, IpStat::InMcastOctets, len);
    if mforward && hdr.ip.protocol == wire_ip::PROTO_IGMP {
        super::mroute::igmp_input(r, c, port, hdr, skb.data());
    }
    if rt.forward {
        super::mroute::ip_mr_input(r, c, port, pkt_type, hdr, rt.local, skb);
    } else {
        local_deliver_mc(r, c, hdr, pkt_type, skb);
    }
}

/// `ip_local_deliver` of a multicast packet (`RTCF_MULTICAST`: answered as
/// a broadcast is: no ICMP errors, echo per `icmp_echo_ignore_broadcasts`).
pub(super) fn local_deliver_mc(
    r: &Router,
    c: &Config,
    hdr: Header,
    pkt_type: PacketType,
    skb: SkBuff,
) {
    local_deliver(r, c, hdr, pkt_type, true, &IpOptions::default(), skb)
}

/// `ip_rcv_options`: compiles the options of `skb` ([`options::compile`]),
/// received on `in_port` with input route `route`, writing the router's
/// record-route and timestamp entries (for a local packet the address it
/// was sent to). A malformed option is answered with a parameter problem
/// pointing at it (unless the route is broadcast: `__icmp_send` sends
/// nothing about those) and counted InHdrErrors; a source route is dropped
/// (`accept_source_route` 0). `None` when the packet was dropped.
fn ip_rcv_options(
    r: &Router,
    c: &Config,
    hdr: &Header,
    route: InputRoute,
    pkt_type: PacketType,
    in_port: PortId,
    mut skb: SkBuff,
) -> Option<(IpOptions, SkBuff)> {
    let local = matches!(route, InputRoute::Local);
    let broadcast = matches!(route, InputRoute::Broadcast);
    // fib_compute_spec_dst: the address it was sent to if that is ours,
    // else the receiving port's towards its source.
    let spec_dst = if local {
        hdr.ip.dst
    } else {
        c.addrs
            .inet_select_addr(in_port, hdr.ip.src, Scope::Universe)
            .unwrap_or(Ipv4Addr::UNSPECIFIED)
    };
    let is_ours = |a| c.addrs.is_local(a);
    let ctx = options::RecvContext {
        spec_dst,
        now: ms_since_midnight_ut(),
        is_ours: &is_ours,
    };
    let eth = ethernet::HEADER_LEN;
    let compiled = skb
        .data_mut()
        .and_then(|d| d.get_mut(eth..eth + hdr.header_len))
        .map(|h| options::compile(h, &ctx));
    match compiled {
        None => {
            r.stats.ip(IpStat::InDiscards);
            rx_drop(r, skb, stats::DropReason::Nomem);
            None
        }
        Some(Err(pointer)) => {
            // ip_options_compile's icmp_send, then InHdrErrors.
            let ip = super::icmp::quote(&mut skb, eth);
            let msg = icmp::IcmpErrorMsg::parameter_problem(pointer);
            if local {
                let none = IpOptions::default();
                super::icmp::icmp_send_local(r, c, ip, pkt_type, &none, msg);
            } else {
                // Found by the host fuzzer: this said `false`, so a
                // broadcast datagram with a bad option was answered.
                super::icmp::icmp_send(r, c, ip, pkt_type, broadcast, Some(in_port), msg);
            }
            r.stats.ip(IpStat::InHdrErrors);
            rx_drop(r, skb, stats::DropReason::NotSpecified);
            None
        }
        Some(Ok(o)) if o.srr != 0 => {
            rx_drop(r, skb, stats::DropReason::NotSpecified);
            None
        }
        Some(Ok(o)) => Some((o, skb)),
    }
}

/// `ip_local_deliver` and `ip_protocol_deliver_rcu`: ICMP (echo
/// requests answered), UDP and TCP (no socket: port unreachable, reset)
/// count as delivered; another protocol is answered with protocol
/// unreachable and counted InUnknownProtos.
fn local_deliver(
    r: &Router,
    c: &Config,
    hdr: Header,
    pkt_type: PacketType,
    broadcast: bool,
    opts: &IpOptions,
    mut skb: SkBuff,
) {
    // What the router answers or reassembles is read whole.
    if skb.linearize().is_err() {
        return ip_drop(r, skb, stats::DropReason::Nomem);
    }
    if hdr.ip.more_frags || hdr.ip.frag_offset != 0 {
        return defrag(r, c, hdr, pkt_type, broadcast, opts, skb);
    }
    match hdr.ip.protocol {
        wire_ip::PROTO_ICMP => icmp_deliver(r, c, hdr, broadcast, opts, skb),
        wire_ip::PROTO_UDP => udp_deliver(r, c, hdr, pkt_type, broadcast, opts, skb),
        wire_ip::PROTO_TCP => tcp_deliver(r, c, hdr, pkt_type, broadcast, opts, skb),
        wire_ip::PROTO_IGMP => {
            // igmp_rcv: delivered (a query or report changes nothing the
            // router shows: it reports no group but 224.0.0.1, which is
            // never reported); IGMP has no SNMP counters of its own.
            r.stats.ip(IpStat::InDelivers);
            rx_delivered(r, skb);
        }
        _ => {
            r.stats.ip(IpStat::InUnknownProtos);
            let ip = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
            let msg = icmp::IcmpErrorMsg::dest_unreach(crate::ipv4::wire::icmp::unreach::PROTOCOL);
            if broadcast {
                // __icmp_send sends nothing about a broadcast route.
                super::icmp::icmp_send(r, c, ip, pkt_type, true, None, msg);
            } else {
                super::icmp::icmp_send_local(r, c, ip, pkt_type, opts, msg);
            }
            rx_drop(r, skb, stats::DropReason::IpNoproto);
        }
    }
}

/// A fragment waiting for reassembly, with the options compiled from its
/// header on receive (`IPCB(skb)->opt`, which the head fragment hands to
/// the reassembled datagram).
pub(super) struct Fragment {
    /// The frame, from its Ethernet header.
    pub skb: SkBuff,
    /// Its compiled options.
    pub opts: IpOptions,
}

/// `ip_defrag` (in `ip_local_deliver`): queues the fragment
/// ([`crate::ipv4::reasm`]); a completed datagram is built in a new skb
/// (Ethernet header of its first fragment, then the datagram) and
/// delivered with the first fragment's options, so that answers to it
/// echo them (`ip_frag_reasm` keeps the head's control block).
fn defrag(
    r: &Router,
    c: &Config,
    hdr: Header,
    pkt_type: PacketType,
    broadcast: bool,
    opts: &IpOptions,
    skb: SkBuff,
) {
    let meta = FragMeta {
        key: FragKey {
            src: hdr.ip.src,
            dst: hdr.ip.dst,
            id: hdr.ip.ident,
            protocol: hdr.ip.protocol,
        },
        offset: usize::from(hdr.ip.frag_offset),
        more: hdr.ip.more_frags,
        df: hdr.ip.dont_frag,
        ihl: hdr.header_len,
        data_len: hdr.total_len.saturating_sub(hdr.header_len),
        truesize: skb.truesize() as usize,
    };
    let frag = Fragment { skb, opts: *opts };
    let outcome = r.reasm.lock().defrag(&meta, frag, now_ms());
    for &s in outcome.stats() {
        r.stats.ip(s);
    }
    let done = match outcome {
        Defrag::Queued => return r.stats.rx(RxStat::ReasmQueued),
        Defrag::Dropped {
            pkt, reason: why, ..
        } => return rx_drop(r, pkt.skb, why),
        Defrag::Complete(done) => {
            // The fragment that completed it is in the datagram too.
            r.stats.rx(RxStat::ReasmQueued);
            done
        }
    };
    let eth = ethernet::HEADER_LEN;
    let len = eth + done.total_len;
    let len32 = u32::try_from(len).unwrap_or(u32::MAX);
    let Some(mut whole) = SkBuff::alloc(output::HEADROOM, len32) else {
        // ip_frag_reasm's out_nomem: the datagram is lost.
        r.stats.ip(IpStat::ReasmFails);
        return;
    };
    // A new packet for the ledger, with a fate of its own.
    r.stats.rx(RxStat::Reassembled);
    let built = whole.put(len32).and_then(|buf| {
        let mut at = 0;
        for (i, p) in done.pieces.iter().enumerate() {
            let data = p.pkt.skb.data();
            if i == 0 {
                // The first fragment's Ethernet and IP headers.
                let head = data.get(..eth + p.ihl)?;
                buf.get_mut(..head.len())?.copy_from_slice(head);
                reasm::finish_header(buf.get_mut(eth..eth + p.ihl)?, done.total_len, done.df);
                at = head.len();
            }
            let from = eth + p.ihl;
            let piece = data.get(from..from + p.take)?;
            buf.get_mut(at..at + p.take)?.copy_from_slice(piece);
            at += p.take;
        }
        Some(())
    });
    let first_opts = done.pieces.first().map(|p| p.pkt.opts).unwrap_or_default();
    // The fragments were copied: they are done with.
    drop(done.pieces);
    if built.is_none() {
        r.stats.ip(IpStat::ReasmFails);
        return rx_drop(r, whole, stats::DropReason::NotSpecified);
    }
    let ip = whole.data().get(eth..).unwrap_or(&[]);
    match receive::ip_rcv_core(ip) {
        Ok(hdr) => local_deliver(r, c, hdr, pkt_type, broadcast, &first_opts, whole),
        Err(why) => rx_drop(r, whole, why),
    }
}

/// `udp_rcv` ([`crate::ipv4::udp`]): the echo service's datagrams are
/// echoed ([`udp_echo`]), the rest find no socket.
fn udp_deliver(
    r: &Router,
    c: &Config,
    hdr: Header,
    pkt_type: PacketType,
    multi: bool,
    opts: &IpOptions,
    skb: SkBuff,
) {
    r.stats.ip(IpStat::InDelivers);
    let ip = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
    let echo = c.net.udp_echo;
    let input = udp::udp_rcv(
        &hdr.ip,
        hdr.payload(ip),
        skb.csum_unnecessary(),
        multi,
        echo,
    );
    for &s in input.stats() {
        r.stats.udp(s);
    }
    match input {
        UdpInput::Echo => udp_echo(r, c, &hdr, skb),
        UdpInput::PortUnreachable => {
            let msg = icmp::IcmpErrorMsg::dest_unreach(crate::ipv4::wire::icmp::unreach::PORT);
            super::icmp::icmp_send_local(r, c, ip, pkt_type, opts, msg);
            rx_drop(r, skb, stats::DropReason::NoSocket);
        }
        UdpInput::IgnoredMulti => rx_delivered(r, skb),
        UdpInput::Drop(why) => rx_drop(r, skb, why),
    }
}

/// The echo service (RFC 862): sends the datagram in `skb` back to its
/// source as a UDP socket bound to port 7 does with `sendto`
/// (`udp_sendmsg`: route output from the address it was sent to, then
/// `udp_send_skb`), counted OutDatagrams. The request's options are not
/// echoed (a socket's reply carries its own, none).
fn udp_echo(r: &Router, c: &Config, hdr: &Header, skb: SkBuff) {
    let (from, to) = (hdr.ip.dst, hdr.ip.src);
    let Ok(rt) = route::route_output(&c.fib, &c.addrs, to, None, Some(from)) else {
        // udp_sendmsg: ip_route_output_flow failed, counted OutNoRoutes.
        r.stats.ip(IpStat::OutNoRoutes);
        return rx_drop(r, skb, stats::DropReason::IpOutnoroutes);
    };
    let mtu = c.port(rt.port).map_or(0, |p| p.netdev().mtu() as usize);
    let ip = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
    let udp_bytes = hdr.payload(ip);
    let len = udp::echo_reply_len(udp_bytes);
    let len32 = u32::try_from(len).unwrap_or(u32::MAX);
    let Some(mut out) = SkBuff::alloc(output::HEADROOM, len32) else {
        // udp_send_skb's error: SndbufErrors in Linux; ferroute drops.
        r.stats.ip(IpStat::OutDiscards);
        return rx_drop(r, skb, stats::DropReason::Nomem);
    };
    let ttl = c.net.ip_default_ttl;
    let ident = r.next_ip_ident();
    let built = out.put(len32).and_then(|buf| {
        udp::build_echo_reply(&hdr.ip, udp_bytes, rt.src, ttl, mtu, ident, buf).ok()
    });
    rx_delivered(r, skb);
    match built {
        Some(_) => {
            r.stats.udp(UdpStat::OutDatagrams);
            output::ip_output(r, c, &rt, out);
        }
        None => out.drop_with(reason::NOT_SPECIFIED),
    }
}

/// `tcp_v4_rcv` with no socket: a reset as `tcp_v4_send_reset` sends it
/// ([`crate::ipv4::tcp`]).
fn tcp_deliver(
    r: &Router,
    c: &Config,
    hdr: Header,
    pkt_type: PacketType,
    broadcast: bool,
    opts: &IpOptions,
    skb: SkBuff,
) {
    r.stats.ip(IpStat::InDelivers);
    let ip = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
    let host = pkt_type == PacketType::Host;
    let rcv = tcp::tcp_rcv(
        &hdr.ip,
        hdr.payload(ip),
        host,
        skb.csum_unnecessary(),
        !broadcast,
    );
    for &s in rcv.stats {
        r.stats.tcp(s);
    }
    let reset = match rcv.input {
        TcpInput::Reset(reset) => reset,
        TcpInput::Drop(why) => return rx_drop(r, skb, why),
    };
    let (from, to, tos) = (hdr.ip.dst, hdr.ip.src, hdr.ip.tos);
    // ip_send_unicast_reply: counted sent whether or not a route exists.
    r.stats.tcp(TcpStat::OutSegs);
    r.stats.tcp(TcpStat::OutRsts);
    let Ok(rt) = route::route_output(&c.fib, &c.addrs, to, None, Some(from)) else {
        r.stats.ip(IpStat::OutNoRoutes);
        return rx_drop(r, skb, stats::DropReason::NoSocket);
    };
    // The segment's options, echoed (__ip_options_echo).
    let echoed = echo_options(c, &skb, &hdr, opts, rt.src);
    rx_drop(r, skb, stats::DropReason::NoSocket);
    let Some(echoed) = echoed else { return };
    let len = tcp::RESET_LEN + echoed.len();
    let Some(mut out) = SkBuff::alloc(output::HEADROOM, len as u32) else {
        r.stats.ip(IpStat::OutDiscards);
        return;
    };
    let built = out.put(len as u32).and_then(|buf| {
        let ttl = c.net.ip_default_ttl;
        let n = tcp::build_reset(&reset, rt.src, to, tos, ttl, buf).ok()?;
        options::insert(buf, n, &echoed)
    });
    match built {
        Some(_) => output::ip_output(r, c, &rt, out),
        None => out.drop_with(reason::NOT_SPECIFIED),
    }
}

/// The options of the received packet (`skb`, compiled into `opts`)
/// echoed into an answer from `src` (`__ip_options_echo`,
/// `ip_options_build`); `None` when Linux would send no answer.
fn echo_options(
    c: &Config,
    skb: &SkBuff,
    hdr: &Header,
    opts: &IpOptions,
    src: Ipv4Addr,
) -> Option<EchoedOptions> {
    let eth = ethernet::HEADER_LEN;
    let h = skb.data().get(eth..eth + hdr.header_len).unwrap_or(&[]);
    let is_ours = |a| c.addrs.is_local(a);
    options::echo(h, opts, src, ms_since_midnight_ut(), &is_ours)
}

/// `icmp_rcv`: ferroute answers echo and timestamp requests.
fn icmp_deliver(
    r: &Router,
    c: &Config,
    hdr: Header,
    broadcast: bool,
    opts: &IpOptions,
    skb: SkBuff,
) {
    let ip = skb.data().get(ethernet::HEADER_LEN..).unwrap_or(&[]);
    r.stats.ip(IpStat::InDelivers);
    r.stats.icmp(IcmpStat::InMsgs);
    let payload = hdr.payload(ip);
    if let Some(s) = icmp::msg_in_type(payload).and_then(IcmpStat::in_for_type) {
        r.stats.icmp(s);
    }
    let ignore = c.net.icmp_echo_ignore_broadcasts;
    let input = match icmp::icmp_rcv(&hdr.ip, payload, broadcast, ignore) {
        Ok(i) => i,
        Err(why) => {
            for &s in why.icmp_rcv_stats() {
                r.stats.icmp(s);
            }
            return rx_drop(r, skb, why);
        }
    };
    if let IcmpInput::Consumed { .. } = input {
        // inet_addr_type_dev_table: the local table's answer.
        let is_broadcast = |a: Ipv4Addr| {
            a.is_zeronet()
                || a.is_lbcast()
                || matches!(
                    c.fib.table_lookup(RT_TABLE_LOCAL, a, None, Scope::Universe),
                    TableLookup::Found { alias, .. } if alias.route().kind == RouteType::Broadcast
                )
        };
        if icmp::error_counts_in_errors(payload, is_broadcast) {
            r.stats.icmp(IcmpStat::InErrors);
        }
    }
    let (request, len, out_stat) = match input {
        IcmpInput::Echo(req) => (req, icmp::echo_reply_len(&req), IcmpStat::OutEchoReps),
        // Linux 6.12 counts what icmp_reply sends by the flow's ICMP type,
        // which icmp_reply never sets (__ip_make_skb, raw control
        // socket): a timestamp reply counts as OutEchoReps there, and so
        // here; OutTimestampReps stays 0 in both.
        IcmpInput::Timestamp(req) => (req, icmp::TIMESTAMP_REPLY_LEN, IcmpStat::OutEchoReps),
        IcmpInput::Consumed { .. } => return rx_delivered(r, skb),
    };
    // icmp_reply: from the address that was pinged, through route output;
    // an answer to a broadcast from the source route output picks towards
    // the requester (fib_compute_spec_dst: the route back's prefsrc).
    let from = (!broadcast).then_some(request.dst);
    let rt = match route::route_output(&c.fib, &c.addrs, request.src, None, from) {
        Ok(rt) => rt,
        Err(_) => {
            r.stats.ip(IpStat::OutNoRoutes);
            return rx_drop(r, skb, stats::DropReason::IpOutnoroutes);
        }
    };
    // icmp_reply echoes the request's options (ip_options_echo).
    let Some(echoed) = echo_options(c, &skb, &hdr, opts, rt.src) else {
        return rx_delivered(r, skb);
    };
    let len = len + echoed.len();
    let len32 = u32::try_from(len).unwrap_or(u32::MAX);
    let Some(mut reply) = SkBuff::alloc(output::HEADROOM, len32) else {
        r.stats.ip(IpStat::OutDiscards);
        return rx_drop(r, skb, stats::DropReason::Nomem);
    };
    let ident = r.next_ip_ident();
    let ttl = c.net.ip_default_ttl;
    let built = reply.put(len32).and_then(|buf| {
        let n = match input {
            IcmpInput::Timestamp(_) => {
                let now = ms_since_midnight_ut();
                icmp::build_timestamp_reply(&request, rt.src, ident, ttl, now, buf)
            }
            _ => icmp::build_echo_reply(&request, rt.src, ident, ttl, buf),
        };
        options::insert(buf, n.ok()?, &echoed)
    });
    rx_delivered(r, skb);
    match built {
        Some(_) => {
            r.stats.icmp(IcmpStat::OutMsgs);
            r.stats.icmp(out_stat);
            output::ip_output(r, c, &rt, reply);
        }
        _ => reply.drop_with(reason::NOT_SPECIFIED),
    }
}

/// The kernel's drop reason for one of the logic's. Reasons that 6.12
/// does not have yet (IP_INVALID_SOURCE, ...) map to NOT_SPECIFIED; the
/// counters still tell them apart.
pub(super) fn drop_reason(why: stats::DropReason) -> DropReason {
    use stats::DropReason as L;
    match why {
        L::PktTooSmall | L::HdrTrunc => reason::PKT_TOO_SMALL,
        L::Otherhost => reason::OTHERHOST,
        L::IpCsum => reason::IP_CSUM,
        L::IpInhdr => reason::IP_INHDR,
        L::IpRpfilter => reason::IP_RPFILTER,
        L::IpNoproto => reason::IP_NOPROTO,
        L::IpInaddrerrors => reason::IP_INADDRERRORS,
        L::IpInnoroutes => reason::IP_INNOROUTES,
        L::IpOutnoroutes => reason::IP_NOROUTE,
        L::IcmpCsum => reason::ICMP_CSUM,
        L::UdpCsum => reason::UDP_CSUM,
        L::TcpCsum => reason::TCP_CSUM,
        L::NoSocket => reason::NO_SOCKET,
        L::UnhandledProto => reason::UNHANDLED_PROTO,
        L::NeighFailed => reason::NEIGH_FAILED,
        L::NeighQueuefull => reason::NEIGH_QUEUEFULL,
        L::NeighDead => reason::NEIGH_DEAD,
        L::Nomem => reason::NOMEM,
        L::DevReady => reason::DEV_READY,
        _ => reason::NOT_SPECIFIED,
    }
}

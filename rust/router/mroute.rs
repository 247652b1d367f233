// SPDX-License-Identifier: GPL-2.0

//! Multicast routing glue: `ip_mr_input`, `ip_mr_forward` and
//! `ipmr_queue_xmit` of net/ipv4/ipmr.c applied to skbs, and the control
//! plane of VIFs and MFC entries. The decisions are
//! [`crate::ipv4::mroute`]'s.

use super::input::{drop_reason, local_deliver_mc, rx_drop};
use super::monitor::FAMILY;
use super::output;
use super::port::Port;
use super::{Config, CtlError, Router};
use crate::abstractions::genetlink::Dump;
use crate::abstractions::rcu::ReadGuard;
use crate::abstractions::skbuff::{reason, SkBuff};
use crate::abstractions::sync::BhGuard;
use crate::abstractions::sync::Rtnl;
use crate::abstractions::time::now_ms;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{PortId, Scope};
use crate::ipv4::igmp;
use crate::ipv4::mroute::{self, Enqueued, McForward, MfcRequest, MAXVIFS};
use crate::ipv4::receive::Header;
use crate::ipv4::stats::{DropReason, IpStat, RxStat};
use crate::ipv4::wire::ethernet::{self, PacketType};
use crate::ipv4::wire::ipv4 as wire_ip;
use crate::platform::{GfpAtomic, TryVec};
use crate::uapi::{attr, cmd, mcgrp};
use kernel::c_str;
use kernel::prelude::*;

/// `ip_mr_input` for `skb` (`skb->data` at its Ethernet header), received
/// on `port` (a VIF) and routed for forwarding; `local` when the router is
/// a member of the group too (`RTCF_LOCAL`).
pub(super) fn ip_mr_input(
    r: &Router,
    c: &Config,
    port: &Port,
    pkt_type: PacketType,
    hdr: Header,
    local: bool,
    skb: SkBuff,
) {
    if !local && hdr.ip.protocol == wire_ip::PROTO_IGMP {
        // IGMP to a routable group is the multicast routing daemon's
        // (raw_rcv on mroute_sk), never forwarded: ferroute's control
        // plane keeps the MFC, so it is taken and consumed here.
        r.stats.rx(RxStat::Delivered);
        return skb.consume();
    }
    let len = hdr.total_len;
    let decision = r
        .mroute
        .lock()
        .ip_mr_input(hdr.ip.src, hdr.ip.dst, port.id, hdr.ip.ttl, len);
    let outs = match decision {
        McForward::Forward(mut outs) => {
            if outs.has_prunable() {
                let mc = r.mc.lock();
                outs.prune(|p| mc.igmp.has_members(p, hdr.ip.dst));
            }
            outs
        }
        McForward::NoEntry => return mr_unresolved(r, c, port, pkt_type, hdr, local, skb),
        // Counted on its entry.
        McForward::WrongIif => {
            if local {
                return local_deliver_mc(r, c, hdr, pkt_type, skb);
            }
            return rx_drop(r, skb, DropReason::NotSpecified);
        }
    };
    mr_forward(r, c, pkt_type, hdr, local, outs.as_slice(), skb);
}

/// `ip_mr_forward`'s sending: one copy out of each of `ports`, the packet
/// itself delivered locally too when `local`.
fn mr_forward(
    r: &Router,
    c: &Config,
    pkt_type: PacketType,
    hdr: Header,
    local: bool,
    ports: &[PortId],
    skb: SkBuff,
) {
    // The frame's fate in the ledger: delivered (counted there) when the
    // router is a member, else forwarded, or finished with when no output
    // took a copy.
    if !local {
        r.stats.rx(if ports.is_empty() {
            RxStat::Ignored
        } else {
            RxStat::Forwarded
        });
    }
    // One clone per output but the last, which gets the packet itself
    // unless it is also delivered locally.
    let mut skb = Some(skb);
    for (i, &out) in ports.iter().enumerate() {
        let last = i + 1 == ports.len();
        let copy = match (&skb, last && !local) {
            (Some(_), true) => skb.take(),
            (Some(s), false) => s.try_clone(),
            (None, _) => None,
        };
        if let Some(copy) = copy {
            ipmr_queue_xmit(r, c, out, hdr.ip.dst, copy);
        }
    }
    if let Some(skb) = skb {
        if local {
            local_deliver_mc(r, c, hdr, pkt_type, skb);
        } else {
            skb.consume();
        }
    }
}

/// What an IGMP message on VIF `port` (`frame` from its Ethernet header)
/// teaches: reports make their groups members of the port (and stop the
/// querier's questions about them), leaves end them soon (the querier
/// asks whether members remain), another router's query may win the
/// querier election, and a group-specific query from the querier shortens
/// the group's time as a leave would ([`crate::ipv4::igmp`]). The packet
/// goes on as it would (delivered, or consumed by `ip_mr_input`); a
/// malformed one teaches nothing.
pub(super) fn igmp_input(r: &Router, c: &Config, port: &Port, hdr: Header, frame: &[u8]) {
    use crate::ipv4::igmp::{events, Event};
    let start = ethernet::HEADER_LEN + hdr.header_len;
    let end = ethernet::HEADER_LEN + hdr.total_len;
    let Some(msg) = frame.get(start..end) else {
        return;
    };
    let now = now_ms();
    let t = c.net.igmp_timers();
    let enabled = c.net.igmp_querier;
    let ours = query_source(c, port.id);
    let mut mc = r.mc.lock();
    let _ = events(msg, |e| match e {
        Event::Join(g) => {
            mc.igmp
                .report(port.id, g, hdr.ip.src, now, t.membership_interval());
            mc.querier.report(port.id, g);
        }
        Event::Leave(g) => {
            mc.igmp.leave(port.id, g, now, t.last_member_query_time());
            mc.querier.leave(port.id, g, enabled, now, &t);
        }
        Event::Query { group, suppress } => {
            mc.querier.heard_query(port.id, hdr.ip.src, ours, now, &t);
            // RFC 3376 6.6.1: a group-specific query without the S flag
            // lowers the group's timer to the last member query time.
            if !group.is_unspecified() && !suppress {
                mc.igmp
                    .leave(port.id, group, now, t.last_member_query_time());
            }
        }
    });
}

/// The source of the router's queries on `port`: its primary address there
/// (the bridge's `multicast_query_use_ifaddr`, `inet_select_addr` with
/// link scope), 0.0.0.0 without one.
fn query_source(c: &Config, port: PortId) -> Ipv4Addr {
    c.addrs
        .inet_select_addr(port, igmp::ALL_HOSTS, Scope::Link)
        .unwrap_or(Ipv4Addr::UNSPECIFIED)
}

/// Sends query `q` on `port`: built by [`igmp::build_query`], to the
/// Ethernet address of its destination group, counted as a packet the
/// router originates (OutRequests, OutMcastPkts and octets, OutTransmits).
fn send_query(r: &Router, c: &Config, port: &Port, q: igmp::Query) {
    let t = c.net.igmp_timers();
    let src = query_source(c, port.id);
    let Some(mut skb) = SkBuff::alloc(output::HEADROOM, igmp::QUERY_LEN as u32) else {
        r.stats.ip(IpStat::OutDiscards);
        return;
    };
    let built = skb
        .put(igmp::QUERY_LEN as u32)
        .and_then(|buf| igmp::build_query(buf, src, q, &t));
    let Some(len) = built else {
        return skb.drop_with(reason::NOT_SPECIFIED);
    };
    skb.reset_network_header();
    let dst = match q {
        igmp::Query::General => igmp::ALL_HOSTS,
        igmp::Query::Group(g) => g,
    };
    r.stats.ip(IpStat::OutRequests);
    r.stats
        .ip_po(IpStat::OutMcastPkts, IpStat::OutMcastOctets, len as u32);
    r.stats.ip(IpStat::OutTransmits);
    output::finish_output(r, port, mroute::eth_mc_map(dst), skb);
}

impl Router {
    /// The querier's work at `now` (from the router's timer): the queries
    /// due on each VIF are sent, outside the lock.
    pub(super) fn igmp_tick(&self, now: u64) {
        self.with_config(|c| {
            let t = c.net.igmp_timers();
            let mut due: TryVec<(PortId, igmp::Query), GfpAtomic> = TryVec::new();
            {
                let mut mc = self.mc.lock();
                mc.igmp.expire(now);
                mc.querier.due(now, c.net.igmp_querier, &t, |p, q| {
                    // Without memory a query is skipped; the next comes
                    // one interval later.
                    let _ = due.try_push((p, q));
                });
            }
            for &(p, q) in due.iter() {
                if let Some(port) = c.port(p) {
                    send_query(self, c, port, q);
                }
            }
        });
    }
}

/// The multicast state beside the MFC, under one lock.
pub(super) struct McState {
    /// Packets waiting for an MFC entry (`mfc_unres_queue`).
    pub(super) unres: mroute::UnresQueue<QueuedMc>,
    /// Groups with members on the VIFs, from IGMP reports.
    pub(super) igmp: crate::ipv4::igmp::Memberships,
    /// The IGMP querier of each VIF.
    pub(super) querier: igmp::Querier,
}

impl McState {
    /// Nothing waits, no member known.
    pub(super) fn new() -> Self {
        Self {
            unres: mroute::UnresQueue::new(),
            igmp: crate::ipv4::igmp::Memberships::new(),
            querier: igmp::Querier::new(),
        }
    }
}

/// A multicast packet waiting for an MFC entry ([`mroute::UnresQueue`]).
pub(super) struct QueuedMc {
    /// The port it came in on.
    port: PortId,
    pkt_type: PacketType,
    hdr: Header,
    /// The router is a member too: this is the clone that waits, the
    /// packet itself was delivered (and counted there).
    local: bool,
    skb: SkBuff,
}

/// `ipmr_cache_unresolved`: a packet of an (S,G) without an entry waits
/// for one while the daemon is told (`IGMPMSG_NOCACHE`: the
/// `mroute-nocache-ntf` notification of the first packet); a member
/// delivers its copy first. Without a listener on the `mroute` group
/// (Linux: no multicast routing socket) nothing waits: the packet is
/// dropped, as `ipmr_cache_report` fails.
fn mr_unresolved(
    r: &Router,
    c: &Config,
    port: &Port,
    pkt_type: PacketType,
    hdr: Header,
    local: bool,
    skb: SkBuff,
) {
    let skb = if local {
        let copy = skb.try_clone();
        local_deliver_mc(r, c, hdr, pkt_type, skb);
        match copy {
            Some(s) => s,
            None => return,
        }
    } else {
        skb
    };
    let guard = ReadGuard::new();
    let net = port.netdev().net(&guard);
    if net.inum() != c.netns || !FAMILY.has_listeners(&net, mcgrp::MROUTE) {
        return drop_unresolved(
            r,
            QueuedMc {
                port: port.id,
                pkt_type,
                hdr,
                local,
                skb,
            },
        );
    }
    let vif = r.mroute.lock().vif_of(port.id);
    let q = QueuedMc {
        port: port.id,
        pkt_type,
        hdr,
        local,
        skb,
    };
    let (src, group) = (hdr.ip.src, hdr.ip.dst);
    let queued = r.mc.lock().unres.enqueue(src, group, q, now_ms());
    match queued {
        Enqueued::New => {
            let _ = FAMILY.notify(&net, mcgrp::MROUTE, cmd::MROUTE_NOCACHE_NTF, |m| {
                m.put(attr::MR_ORIGIN, &src.octets())?;
                m.put(attr::MR_GROUP, &group.octets())?;
                m.put_str(attr::IFNAME, port.name())?;
                match vif {
                    Some(v) => m.put_u8(attr::MR_VIF, v as u8),
                    None => Ok(()),
                }
            });
        }
        Enqueued::Queued => {}
        Enqueued::Dropped(q) => drop_unresolved(r, q),
    }
}

/// A waiting packet that will not be forwarded: refused by the queue, or
/// its time ran out. The clone of a delivered packet is only freed.
pub(super) fn drop_unresolved(r: &Router, q: QueuedMc) {
    if q.local {
        q.skb.consume();
    } else {
        rx_drop(r, q.skb, DropReason::NotSpecified);
    }
}

/// `ipmr_cache_resolve`: a packet that waited, forwarded by the entry
/// that now matches it (counted on it as `ip_mr_forward` counts).
fn forward_resolved(r: &Router, c: &Config, q: QueuedMc) {
    let hdr = q.hdr;
    let decision =
        r.mroute
            .lock()
            .ip_mr_input(hdr.ip.src, hdr.ip.dst, q.port, hdr.ip.ttl, hdr.total_len);
    match decision {
        McForward::Forward(mut outs) if c.port(q.port).is_some() => {
            if outs.has_prunable() {
                let mc = r.mc.lock();
                outs.prune(|p| mc.igmp.has_members(p, hdr.ip.dst));
            }
            // Never delivered again: a member's copy was already.
            if q.local {
                mr_forward_copies(r, c, hdr, outs.as_slice(), q.skb);
            } else {
                mr_forward(r, c, q.pkt_type, hdr, false, outs.as_slice(), q.skb);
            }
        }
        _ => drop_unresolved(r, q),
    }
}

/// The copies of a packet whose ledger entry is settled (a member's
/// clone): out of each of `ports`, then freed.
fn mr_forward_copies(r: &Router, c: &Config, hdr: Header, ports: &[PortId], skb: SkBuff) {
    for &out in ports {
        if let Some(copy) = skb.try_clone() {
            ipmr_queue_xmit(r, c, out, hdr.ip.dst, copy);
        }
    }
    skb.consume();
}

/// `ipmr_queue_xmit` and `ipmr_forward_finish`: sends a copy out of
/// `out` with its TTL decremented, to the group's Ethernet address. Too
/// large for the port with DF set: counted FragFails and dropped (IPv4
/// sends no ICMP about multicast); with DF clear: fragmented.
fn ipmr_queue_xmit(r: &Router, c: &Config, out: PortId, group: Ipv4Addr, mut skb: SkBuff) {
    let Some(port) = c.port(out) else {
        return skb.drop_with(reason::NOT_SPECIFIED);
    };
    if skb.pull(ethernet::HEADER_LEN as u32).is_none() {
        return skb.drop_with(reason::PKT_TOO_SMALL);
    }
    skb.reset_network_header();
    let len = skb.len();
    let mtu = port.netdev().mtu();
    let df = wire_ip::Packet::new_unchecked(skb.data()).dont_frag();
    if len > mtu && df {
        r.stats.ip(IpStat::FragFails);
        return skb.drop_with(drop_reason(DropReason::PktTooBig));
    }
    r.mroute.lock().count_out(out, len as usize);
    let Some(ip) = skb.data_mut() else {
        r.stats.ip(IpStat::OutDiscards);
        return skb.drop_with(reason::NOMEM);
    };
    // The threshold check guaranteed a TTL of at least 2.
    let _ = wire_ip::Packet::new_unchecked(ip).decrease_ttl();
    r.stats.ip(IpStat::OutForwDatagrams);
    let dst = mroute::eth_mc_map(group);
    if len <= mtu {
        mc_finish_output(r, port, dst, skb);
    } else {
        output::fragment_each(r, port, skb, |frag| mc_finish_output(r, port, dst, frag));
    }
}

/// `ip_finish_output2` for a multicast route: OutMcastPkts and its octets,
/// OutTransmits, then the frame to the group's address.
fn mc_finish_output(r: &Router, port: &Port, dst: ethernet::MacAddr, skb: SkBuff) {
    r.stats
        .ip_po(IpStat::OutMcastPkts, IpStat::OutMcastOctets, skb.len());
    r.stats.ip(IpStat::OutTransmits);
    output::finish_output(r, port, dst, skb);
}

fn errno(e: Errno, msg: &'static CStr) -> CtlError {
    (kernel::error::Error::from_errno(e.to_errno()), msg)
}

impl Router {
    /// Whether `port` routes multicast (it is a VIF: `IN_DEV_MFORWARD`).
    pub(super) fn mforwarding(&self, port: PortId) -> bool {
        self.mroute.lock().vif_of(port).is_some()
    }

    /// `MRT_ADD_VIF` for the port named `name`; `prune`: its (*,G)
    /// outputs only to groups with members ([`mroute::Vif::prune`]). The
    /// querier starts up on it.
    pub fn mvif_add(
        &self,
        name: &[u8],
        threshold: u8,
        prune: bool,
        _rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let (id, t) = self
            .with_config(|c| c.port_by_name(name).map(|p| (p.id, c.net.igmp_timers())))
            .flatten()
            .ok_or((ENODEV, c_str!("no such port")))?;
        let added = {
            let mut m = self.mroute.lock();
            m.vif_add(id, threshold)
                .and_then(|_| m.set_prune(id, prune))
        };
        match added {
            Ok(()) => {
                self.mc.lock().querier.vif_up(id, now_ms(), &t);
                Ok(())
            }
            Err(Errno::Eaddrinuse) => Err(errno(
                Errno::Eaddrinuse,
                c_str!("the port is a multicast VIF already"),
            )),
            Err(e) => Err(errno(
                e,
                c_str!("every multicast VIF (MAXVIFS, 32) is taken"),
            )),
        }
    }

    /// `MRT_DEL_VIF` for the port named `name`.
    pub fn mvif_del(&self, name: &[u8], _rtnl: &Rtnl) -> Result<(), CtlError> {
        let id = self
            .with_config(|c| c.port_by_name(name).map(|p| p.id))
            .flatten()
            .ok_or((ENODEV, c_str!("no such port")))?;
        self.mroute
            .lock()
            .vif_del(id)
            .map(|_| ())
            .map_err(|e| errno(e, c_str!("the port is not a multicast VIF")))?;
        let mut mc = self.mc.lock();
        mc.igmp.remove_port(id);
        mc.querier.vif_down(id);
        Ok(())
    }

    /// Forgets the VIF of a port that goes away (`vif_delete` on
    /// NETDEV_UNREGISTER).
    pub(super) fn mvif_forget(&self, id: PortId) {
        let _ = self.mroute.lock().vif_del(id);
        let mut mc = self.mc.lock();
        mc.igmp.remove_port(id);
        mc.querier.vif_down(id);
    }

    /// `mgroup-list`: the groups with members on each VIF, the last
    /// reporter, and the time left.
    pub(super) fn dump_mgroups(&self, dump: &mut Dump<'_>) -> Result {
        let now = now_ms();
        self.with_config(|c| {
            let mc = self.mc.lock();
            dump.entries(mc.igmp.iter(), |m, g| {
                m.put_str(attr::IFNAME, c.port(g.port).map_or(b"?", |p| p.name()))?;
                m.put(attr::MR_GROUP, &g.group.octets())?;
                m.put(attr::MG_REPORTER, &g.reporter.octets())?;
                let left = g.expires.saturating_sub(now);
                m.put_u32(attr::MG_EXPIRES, u32::try_from(left).unwrap_or(u32::MAX))
            })
        })
        .unwrap_or(Ok(()))
    }

    /// `MRT_ADD_MFC`: `iif` is the input port's name (a VIF), `ttls` the
    /// threshold of each VIF (by index) as an output, 0 or 255 for none.
    pub fn mroute_add(
        &self,
        origin: Ipv4Addr,
        group: Ipv4Addr,
        iif: &[u8],
        ttls: &[u8; MAXVIFS],
        _rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let iif = self
            .with_config(|c| c.port_by_name(iif).map(|p| p.id))
            .flatten()
            .ok_or((ENODEV, c_str!("no such input port")))?;
        let mut t = self.mroute.lock();
        let parent = t
            .vif_of(iif)
            .ok_or((EINVAL, c_str!("the input port is not a multicast VIF")))?;
        let req = MfcRequest {
            origin,
            group,
            parent,
            ttls: *ttls,
        };
        t.mfc_add(&req)
            .map_err(|e| errno(e, c_str!("invalid multicast route")))?;
        drop(t);
        // ipmr_mfc_add: the packets that waited for this (S,G) go now, in
        // the packet path's context.
        let waiting = self.mc.lock().unres.resolve(origin, group);
        if !waiting.is_empty() {
            let _bh = BhGuard::new();
            self.with_config(|c| {
                for q in waiting {
                    forward_resolved(self, c, q);
                }
            });
        }
        Ok(())
    }

    /// `ipmr_expire_process`: frees the waiting packets of every (S,G)
    /// whose time ran out (from the router's timer).
    pub(super) fn unres_tick(&self, now: u64) {
        loop {
            let expired = self.mc.lock().unres.expire(now);
            let Some(pkts) = expired else { break };
            for q in pkts {
                drop_unresolved(self, q);
            }
        }
    }

    /// `MRT_DEL_MFC`.
    pub fn mroute_del(
        &self,
        origin: Ipv4Addr,
        group: Ipv4Addr,
        _rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.mroute
            .lock()
            .mfc_del(origin, group)
            .map_err(|e| errno(e, c_str!("no such multicast route")))
    }
}

impl Router {
    /// Dumps the VIFs: index, port, threshold, pruning, the link's
    /// querier and counters.
    pub fn dump_mvifs(&self, dump: &mut Dump<'_>) -> Result {
        let now = now_ms();
        self.with_config(|c| {
            // The querier of each VIF first: the two locks are never held
            // together.
            let mut queriers: TryVec<(PortId, Ipv4Addr), GfpAtomic> = TryVec::new();
            {
                let mc = self.mc.lock();
                for v in mc.querier.vifs() {
                    let q = match v.other {
                        Some(o) if v.other_until > now => Some(o),
                        _ if c.net.igmp_querier => Some(query_source(c, v.port)),
                        _ => None,
                    };
                    if let Some(q) = q {
                        let _ = queriers.try_push((v.port, q));
                    }
                }
            }
            let t = self.mroute.lock();
            dump.entries(t.vifs(), |m, (i, v)| {
                m.put_u8(attr::MR_VIF, i as u8)?;
                if let Some(p) = c.port(v.port) {
                    m.put_str(attr::IFNAME, p.name())?;
                }
                m.put_u8(attr::MR_THRESHOLD, v.threshold)?;
                m.put_u8(attr::MR_PRUNE, u8::from(v.prune))?;
                if let Some(&(_, q)) = queriers.iter().find(|(p, _)| *p == v.port) {
                    m.put(attr::MR_QUERIER, &q.octets())?;
                }
                m.put_u64(attr::MR_PKT_IN, v.pkt_in)?;
                m.put_u64(attr::MR_BYTES_IN, v.bytes_in)?;
                m.put_u64(attr::MR_PKT_OUT, v.pkt_out)?;
                m.put_u64(attr::MR_BYTES_OUT, v.bytes_out)
            })
        })
        .unwrap_or(Ok(()))
    }

    /// Dumps the MFC: key, input port, thresholds by VIF and counters.
    pub fn dump_mroutes(&self, dump: &mut Dump<'_>) -> Result {
        self.with_config(|c| {
            let t = self.mroute.lock();
            dump.entries(t.entries().iter(), |m, e| {
                m.put(attr::MR_ORIGIN, &e.origin.octets())?;
                m.put(attr::MR_GROUP, &e.group.octets())?;
                let iif = t.vif(usize::from(e.parent)).and_then(|v| c.port(v.port));
                if let Some(p) = iif {
                    m.put_str(attr::IFNAME, p.name())?;
                }
                m.put_u8(attr::MR_VIF, e.parent)?;
                m.put(attr::MR_TTLS, &e.ttls)?;
                m.put_u64(attr::MR_PACKETS, e.pkt)?;
                m.put_u64(attr::MR_BYTES, e.bytes)?;
                m.put_u64(attr::MR_WRONG_IF, e.wrong_if)
            })
        })
        .unwrap_or(Ok(()))
    }
}

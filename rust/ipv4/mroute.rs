// SPDX-License-Identifier: GPL-2.0

//! Multicast routing: the virtual interfaces and the multicast forwarding
//! cache (MFC) of net/ipv4/ipmr.c and ipmr_base.c, and the decision of
//! `ip_mr_input`/`ip_mr_forward` for one packet.
//!
//! - A VIF ([`Vif`]) is a port enabled for multicast routing (`vif_add`,
//!   which also turns the port's `mc_forwarding` on: route input then hands
//!   its multicast to [`MrTable::ip_mr_input`]). There are at most
//!   [`MAXVIFS`], indexed as Linux indexes `vif_table`.
//! - An MFC entry ([`MfcEntry`]) is an (S,G) or a (*,G) (origin 0.0.0.0):
//!   the input VIF (`mfc_parent`) and, per VIF, the TTL threshold
//!   (`mfc_un.res.ttls`, 255 for "not an output"). A packet goes out of
//!   every output whose threshold is below its TTL.
//! - The entry and VIF counters (`pkt`, `bytes`, `wrong_if`, `pkt_in`,
//!   `bytes_in`, `pkt_out`, `bytes_out`) are counted here, as
//!   `ip_mr_forward` and `ipmr_queue_xmit` count them; the caller holds
//!   the table under a lock.
//!
//! - The unresolved queue ([`UnresQueue`], `mfc_unres_queue`): packets
//!   of an (S,G) without an entry wait, at most [`UNRES_QLEN`] per (S,G)
//!   and [`UNRES_MAX_ENTRIES`] (S,G)s, for [`UNRES_TIMEOUT_MS`], while the
//!   daemon is told (`IGMPMSG_NOCACHE`, the caller's upcall); an entry
//!   added for the (S,G) releases them (`ipmr_cache_resolve`).
//!
//! Not here (yet): PIM register VIFs, tunnels, asserts.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::PortId;
use crate::ipv4::wire::ethernet::MacAddr;
use crate::platform::{GfpAtomic, TryVec};

/// `MAXVIFS`: the number of virtual interfaces a table holds.
pub const MAXVIFS: usize = 32;

/// The TTL threshold of a VIF that is not an output of an entry.
pub const NOT_OUTPUT: u8 = 255;

/// `IGMP_ALL_HOSTS`, 224.0.0.1: joined on every port (`ip_mc_up`).
pub const ALL_HOSTS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

/// `ip_eth_mc_map`: the Ethernet address of multicast group `group`,
/// 01:00:5e and the low 23 bits of the group.
pub fn eth_mc_map(group: Ipv4Addr) -> MacAddr {
    let o = group.octets();
    [0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]
}

/// One virtual interface (`struct vif_device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vif {
    /// The port it is.
    pub port: PortId,
    /// `vifc_threshold`: the threshold its outputs get by default.
    pub threshold: u8,
    /// ferroute's own: (*,G) traffic leaves by it only to groups with
    /// members on its link (what an IGMP proxy or PIM daemon decides in
    /// userspace; Linux's kernel forwards to every output).
    pub prune: bool,
    /// Packets and bytes that arrived on it and were forwarded.
    pub pkt_in: u64,
    /// See [`Vif::pkt_in`].
    pub bytes_in: u64,
    /// Packets and bytes sent out of it.
    pub pkt_out: u64,
    /// See [`Vif::pkt_out`].
    pub bytes_out: u64,
}

/// One MFC entry (`struct mfc_cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfcEntry {
    /// The source (`mfc_origin`), 0.0.0.0 for a (*,G) entry.
    pub origin: Ipv4Addr,
    /// The group (`mfc_mcastgrp`).
    pub group: Ipv4Addr,
    /// The input VIF (`mfc_parent`).
    pub parent: u8,
    /// Per VIF, the TTL a packet must exceed to leave by it
    /// ([`NOT_OUTPUT`]: not an output).
    pub ttls: [u8; MAXVIFS],
    /// Packets and bytes that matched the entry (`res.pkt`, `res.bytes`).
    pub pkt: u64,
    /// See [`MfcEntry::pkt`].
    pub bytes: u64,
    /// Packets that arrived on another VIF than the input (`res.wrong_if`).
    pub wrong_if: u64,
}

impl MfcEntry {
    /// `minvif`..`maxvif` as `ipmr_update_thresholds` computes them.
    fn outputs(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        (0..MAXVIFS).filter(move |&v| self.ttls[v] < NOT_OUTPUT)
    }
}

/// What an `MRT_ADD_MFC` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfcRequest {
    /// 0.0.0.0 for (*,G).
    pub origin: Ipv4Addr,
    /// The group: multicast, or 0.0.0.0.
    pub group: Ipv4Addr,
    /// The input VIF.
    pub parent: usize,
    /// Per VIF, its threshold (0 or 255: not an output).
    pub ttls: [u8; MAXVIFS],
}

/// The ports a packet leaves by, in the order `ip_mr_forward` sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    ports: [PortId; MAXVIFS],
    /// Bit `i` set: `ports[i]` is a pruning VIF's output of a (*,G) entry,
    /// to be sent to only if the group has members there.
    prunable: u32,
    n: usize,
}

impl Outputs {
    const fn new() -> Self {
        Self {
            ports: [PortId(0); MAXVIFS],
            prunable: 0,
            n: 0,
        }
    }

    fn push(&mut self, p: PortId, prunable: bool) {
        if let Some(slot) = self.ports.get_mut(self.n) {
            *slot = p;
            if prunable {
                self.prunable |= 1 << self.n;
            }
            self.n += 1;
        }
    }

    /// Whether some output goes only to members ([`Outputs::prune`]).
    pub fn has_prunable(&self) -> bool {
        self.prunable != 0
    }

    /// Drops the prunable outputs whose port has no member of the group
    /// (`has_members` false), keeping the order of the rest.
    pub fn prune(&mut self, has_members: impl Fn(PortId) -> bool) {
        let mut kept = Self::new();
        for i in 0..self.n {
            let p = self.ports[i];
            let prunable = self.prunable & (1 << i) != 0;
            if !prunable || has_members(p) {
                kept.push(p, prunable);
            }
        }
        *self = kept;
    }

    /// The output ports.
    pub fn as_slice(&self) -> &[PortId] {
        self.ports.get(..self.n).unwrap_or(&[])
    }
}

/// The decision of `ip_mr_input` for a packet on a VIF-enabled port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McForward {
    /// An entry matched: send a copy out of each port of `outputs` (TTL
    /// decremented; possibly none).
    Forward(Outputs),
    /// An entry matched but the packet came in on another port than its
    /// input: counted `wrong_if`, not forwarded.
    WrongIif,
    /// No entry (`ipmr_cache_unresolved`): ferroute does not queue yet.
    NoEntry,
}

/// The multicast routing table of a router (`struct mr_table`).
pub struct MrTable {
    vifs: [Option<Vif>; MAXVIFS],
    mfc: TryVec<MfcEntry, GfpAtomic>,
}

impl Default for MrTable {
    fn default() -> Self {
        Self::new()
    }
}

impl MrTable {
    /// An empty table.
    pub fn new() -> Self {
        Self {
            vifs: [None; MAXVIFS],
            mfc: TryVec::new(),
        }
    }

    /// The VIFs, by index.
    pub fn vifs(&self) -> impl Iterator<Item = (usize, &Vif)> {
        self.vifs
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
    }

    /// The MFC entries.
    pub fn entries(&self) -> &[MfcEntry] {
        self.mfc.as_slice()
    }

    /// `ipmr_find_vif`: the VIF of `port`.
    pub fn vif_of(&self, port: PortId) -> Option<usize> {
        self.vifs
            .iter()
            .rposition(|v| v.is_some_and(|v| v.port == port))
    }

    /// The VIF at `index`.
    pub fn vif(&self, index: usize) -> Option<&Vif> {
        self.vifs.get(index).and_then(|v| v.as_ref())
    }

    /// `vif_add` at the lowest free index: `EADDRINUSE` if `port` is a VIF
    /// already, `ENFILE` when all [`MAXVIFS`] are taken. Returns the index.
    pub fn vif_add(&mut self, port: PortId, threshold: u8) -> Result<usize, Errno> {
        if self.vif_of(port).is_some() {
            return Err(Errno::Eaddrinuse);
        }
        let i = self
            .vifs
            .iter()
            .position(Option::is_none)
            .ok_or(Errno::Enfile)?;
        self.vifs[i] = Some(Vif {
            port,
            threshold,
            prune: false,
            pkt_in: 0,
            bytes_in: 0,
            pkt_out: 0,
            bytes_out: 0,
        });
        Ok(i)
    }

    /// Sets whether the VIF of `port` prunes (*,G) outputs without
    /// members ([`Vif::prune`]); `EADDRNOTAVAIL` if `port` is not a VIF.
    pub fn set_prune(&mut self, port: PortId, prune: bool) -> Result<(), Errno> {
        let i = self.vif_of(port).ok_or(Errno::Eaddrnotavail)?;
        if let Some(v) = self.vifs[i].as_mut() {
            v.prune = prune;
        }
        Ok(())
    }

    /// `vif_delete`: `EADDRNOTAVAIL` if `port` is not a VIF. The entries
    /// that use it keep their thresholds, as in Linux: a packet for it
    /// is not sent, one arriving there is on the wrong interface.
    pub fn vif_del(&mut self, port: PortId) -> Result<usize, Errno> {
        let i = self.vif_of(port).ok_or(Errno::Eaddrnotavail)?;
        self.vifs[i] = None;
        Ok(i)
    }

    /// `ipmr_mfc_add`: an entry for (origin, group) is replaced (its
    /// counters kept), else added. `ENFILE` for a parent beyond
    /// [`MAXVIFS`], `EINVAL` for a new entry whose group is neither
    /// multicast nor 0.0.0.0, `ENOMEM`. Thresholds of VIFs that do not
    /// exist, and 0, become [`NOT_OUTPUT`] (`ipmr_update_thresholds`).
    pub fn mfc_add(&mut self, req: &MfcRequest) -> Result<(), Errno> {
        let parent = u8::try_from(req.parent)
            .ok()
            .filter(|&p| usize::from(p) < MAXVIFS)
            .ok_or(Errno::Enfile)?;
        let mut ttls = [NOT_OUTPUT; MAXVIFS];
        for (v, t) in ttls.iter_mut().enumerate() {
            let want = req.ttls[v];
            if self.vifs[v].is_some() && want != 0 && want < NOT_OUTPUT {
                *t = want;
            }
        }
        let found = self
            .mfc
            .iter_mut()
            .find(|e| e.origin == req.origin && e.group == req.group);
        if let Some(e) = found {
            e.parent = parent;
            e.ttls = ttls;
            return Ok(());
        }
        if !req.group.is_unspecified() && !req.group.is_multicast() {
            return Err(Errno::Einval);
        }
        self.mfc
            .try_push(MfcEntry {
                origin: req.origin,
                group: req.group,
                parent,
                ttls,
                pkt: 0,
                bytes: 0,
                wrong_if: 0,
            })
            .map_err(|_| Errno::Enomem)
    }

    /// `ipmr_mfc_delete`: `ENOENT` if there is no such entry.
    pub fn mfc_del(&mut self, origin: Ipv4Addr, group: Ipv4Addr) -> Result<(), Errno> {
        let i = self
            .mfc
            .iter()
            .position(|e| e.origin == origin && e.group == group)
            .ok_or(Errno::Enoent)?;
        self.mfc.remove(i);
        Ok(())
    }

    fn find(&self, origin: Ipv4Addr, group: Ipv4Addr) -> Option<usize> {
        self.mfc
            .iter()
            .position(|e| e.origin == origin && e.group == group)
    }

    /// `mr_mfc_find_any_parent`: the (*,*) entry that has `vif` as an
    /// output.
    fn find_any_parent(&self, vif: usize) -> Option<usize> {
        self.mfc.iter().position(|e| {
            e.origin.is_unspecified() && e.group.is_unspecified() && e.ttls[vif] < NOT_OUTPUT
        })
    }

    /// `mr_mfc_find_any`: the (*,G) entry for `group` that a packet on
    /// `vif` uses: one that has `vif` as an output, or whose input is an
    /// output of a (*,*) entry that has `vif` as an output; else the
    /// (*,*) entry with `vif` as an output.
    fn find_any(&self, group: Ipv4Addr, vif: usize) -> Option<usize> {
        let any = Ipv4Addr::UNSPECIFIED;
        if !group.is_unspecified() {
            for (i, e) in self.mfc.iter().enumerate() {
                if e.origin != any || e.group != group {
                    continue;
                }
                if e.ttls[vif] < NOT_OUTPUT {
                    return Some(i);
                }
                let proxy = self.find_any_parent(usize::from(e.parent));
                if proxy.is_some_and(|p| self.mfc[p].ttls[vif] < NOT_OUTPUT) {
                    return Some(i);
                }
            }
        }
        self.find_any_parent(vif)
    }

    /// `ip_mr_input` and `ip_mr_forward` for a packet from `src` to `group`
    /// of IP length `len` and TTL `ttl`, received on `in_port` (a port with
    /// multicast forwarding on): the entry lookup ((S,G), then (*,G) on the
    /// packet's VIF), the counters of the entry and of the input VIF, the
    /// input check, and the outputs whose threshold the TTL exceeds.
    /// [`MrTable::count_out`] counts each output when it is sent.
    pub fn ip_mr_input(
        &mut self,
        src: Ipv4Addr,
        group: Ipv4Addr,
        in_port: PortId,
        ttl: u8,
        len: usize,
    ) -> McForward {
        let true_vif = self.vif_of(in_port);
        let found = self
            .find(src, group)
            .or_else(|| true_vif.and_then(|v| self.find_any(group, v)));
        let Some(i) = found else {
            return McForward::NoEntry;
        };
        let proxy_ok = {
            let c = &self.mfc[i];
            c.origin.is_unspecified()
                && true_vif.is_some_and(|tv| {
                    self.find_any_parent(usize::from(c.parent))
                        .is_some_and(|p| self.mfc[p].ttls[tv] < NOT_OUTPUT)
                })
        };
        let len64 = len as u64;
        let c = &mut self.mfc[i];
        c.pkt = c.pkt.wrapping_add(1);
        c.bytes = c.bytes.wrapping_add(len64);
        let parent = usize::from(c.parent);
        let parent_port = self.vifs[parent].map(|v| v.port);
        if !proxy_ok && parent_port != Some(in_port) {
            c.wrong_if = c.wrong_if.wrapping_add(1);
            return McForward::WrongIif;
        }
        let c = *c;
        if let Some(v) = self.vifs[parent].as_mut() {
            v.pkt_in = v.pkt_in.wrapping_add(1);
            v.bytes_in = v.bytes_in.wrapping_add(len64);
        }
        let mut out = Outputs::new();
        if c.origin.is_unspecified() && c.group.is_unspecified() {
            // A (*,*) entry forwards only towards its upstream.
            if let Some(tv) = true_vif {
                if tv != parent && ttl > c.ttls[parent] {
                    if let Some(v) = self.vifs[parent] {
                        out.push(v.port, false);
                    }
                }
            }
            return McForward::Forward(out);
        }
        // Highest VIF first, as ip_mr_forward walks maxvif-1..minvif.
        for v in c.outputs().rev() {
            let star_in = c.origin.is_unspecified() && Some(v) == true_vif;
            if !star_in && ttl > c.ttls[v] {
                // ipmr_queue_xmit: a VIF deleted since is not sent to.
                if let Some(vif) = self.vifs[v] {
                    out.push(vif.port, c.origin.is_unspecified() && vif.prune);
                }
            }
        }
        McForward::Forward(out)
    }

    /// `ipmr_queue_xmit`'s `pkt_out`/`bytes_out` for a copy of `len`
    /// bytes sent out of `port`.
    pub fn count_out(&mut self, port: PortId, len: usize) {
        if let Some(i) = self.vif_of(port) {
            if let Some(v) = self.vifs[i].as_mut() {
                v.pkt_out = v.pkt_out.wrapping_add(1);
                v.bytes_out = v.bytes_out.wrapping_add(len as u64);
            }
        }
    }
}

/// How route input classifies a multicast packet (`ip_route_input_rcu`'s
/// multicast branch and `ip_route_input_mc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McRoute {
    /// The router is a member of the group on the port (`RTCF_LOCAL`):
    /// delivered locally.
    pub local: bool,
    /// The port routes multicast and the group is not link-local
    /// (`dst.input = ip_mr_input`).
    pub forward: bool,
}

/// `ipmr_cache_unresolved`: at most this many (S,G)s wait
/// (`cache_resolve_queue_len >= 10` refuses a new one).
pub const UNRES_MAX_ENTRIES: usize = 10;
/// Packets one (S,G) may hold (`unresolved.qlen > 3` drops the next).
pub const UNRES_QLEN: usize = 4;
/// How long an (S,G) waits for its entry (`expires = jiffies + 10 * HZ`,
/// `ipmr_expire_process`).
pub const UNRES_TIMEOUT_MS: u64 = 10_000;

/// The packets of one (S,G) waiting for an entry.
struct Unresolved<P> {
    origin: Ipv4Addr,
    group: Ipv4Addr,
    expires: u64,
    queue: TryVec<P, GfpAtomic>,
}

/// What [`UnresQueue::enqueue`] did with a packet.
#[derive(Debug, PartialEq, Eq)]
pub enum Enqueued<P> {
    /// The first packet of its (S,G): queued, and the daemon must be told
    /// (`ipmr_cache_report(..., IGMPMSG_NOCACHE)`).
    New,
    /// Queued behind others of its (S,G) (no new report).
    Queued,
    /// Refused (`ENOBUFS`): its (S,G) holds [`UNRES_QLEN`] packets, or
    /// [`UNRES_MAX_ENTRIES`] (S,G)s wait, or no memory. The caller frees
    /// it.
    Dropped(P),
}

/// The unresolved queue of a multicast routing table
/// (`mrt->mfc_unres_queue`), generic over the packet so that the host
/// tests run it.
pub struct UnresQueue<P> {
    entries: TryVec<Unresolved<P>, GfpAtomic>,
}

impl<P> Default for UnresQueue<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> UnresQueue<P> {
    /// Nothing waits.
    pub fn new() -> Self {
        Self {
            entries: TryVec::new(),
        }
    }

    /// The (S,G)s waiting, with their packet counts.
    pub fn waiting(&self) -> impl Iterator<Item = (Ipv4Addr, Ipv4Addr, usize)> + '_ {
        self.entries
            .iter()
            .map(|u| (u.origin, u.group, u.queue.len()))
    }

    /// `ipmr_cache_unresolved` for a packet from `origin` to `group` at
    /// time `now` (ms).
    pub fn enqueue(&mut self, origin: Ipv4Addr, group: Ipv4Addr, pkt: P, now: u64) -> Enqueued<P> {
        if let Some(u) = self
            .entries
            .iter_mut()
            .find(|u| u.origin == origin && u.group == group)
        {
            if u.queue.len() >= UNRES_QLEN || u.queue.try_reserve(1).is_err() {
                return Enqueued::Dropped(pkt);
            }
            // Room was reserved: the push cannot fail.
            let _ = u.queue.try_push(pkt);
            return Enqueued::Queued;
        }
        if self.entries.len() >= UNRES_MAX_ENTRIES {
            return Enqueued::Dropped(pkt);
        }
        let mut queue = TryVec::new();
        if queue.try_reserve(UNRES_QLEN).is_err() || self.entries.try_reserve(1).is_err() {
            return Enqueued::Dropped(pkt);
        }
        // Room was reserved for both: neither push can fail.
        let _ = queue.try_push(pkt);
        let _ = self.entries.try_push(Unresolved {
            origin,
            group,
            expires: now.saturating_add(UNRES_TIMEOUT_MS),
            queue,
        });
        Enqueued::New
    }

    /// `ipmr_mfc_add` finding the (S,G) among the unresolved
    /// (`ipmr_cache_resolve`): its packets, in arrival order, to be
    /// forwarded by the new entry; empty if none waited. A (*,G) entry
    /// releases nothing, as in Linux (the origin must match).
    pub fn resolve(&mut self, origin: Ipv4Addr, group: Ipv4Addr) -> TryVec<P, GfpAtomic> {
        match self
            .entries
            .iter()
            .position(|u| u.origin == origin && u.group == group)
            .and_then(|i| self.entries.remove(i))
        {
            Some(u) => u.queue,
            None => TryVec::new(),
        }
    }

    /// `ipmr_expire_process`: the packets of one (S,G) whose time ran out
    /// by `now`, removed; `None` when none is due. Call until `None`.
    pub fn expire(&mut self, now: u64) -> Option<TryVec<P, GfpAtomic>> {
        let i = self.entries.iter().position(|u| now >= u.expires)?;
        self.entries.remove(i).map(|u| u.queue)
    }

    /// Every waiting packet, removed (the table goes away).
    pub fn clear(&mut self) -> impl Iterator<Item = P> + '_ {
        core::iter::from_fn(move || loop {
            let last = self.entries.as_mut_slice().last_mut()?;
            match last.queue.pop() {
                Some(p) => return Some(p),
                None => {
                    self.entries.pop();
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(o: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from_octets(o)
    }

    const P0: PortId = PortId(10);
    const P1: PortId = PortId(11);
    const P2: PortId = PortId(12);
    const P3: PortId = PortId(13);

    fn table() -> MrTable {
        let mut t = MrTable::new();
        assert_eq!(t.vif_add(P0, 1), Ok(0));
        assert_eq!(t.vif_add(P1, 1), Ok(1));
        assert_eq!(t.vif_add(P2, 1), Ok(2));
        t
    }

    fn ttls(pairs: &[(usize, u8)]) -> [u8; MAXVIFS] {
        let mut t = [0; MAXVIFS];
        for &(v, ttl) in pairs {
            t[v] = ttl;
        }
        t
    }

    fn sg(t: &mut MrTable, parent: usize, outs: &[(usize, u8)]) {
        let req = MfcRequest {
            origin: a([10, 1, 0, 2]),
            group: a([239, 1, 1, 1]),
            parent,
            ttls: ttls(outs),
        };
        assert_eq!(t.mfc_add(&req), Ok(()));
    }

    fn fwd(t: &mut MrTable, port: PortId, ttl: u8) -> McForward {
        t.ip_mr_input(a([10, 1, 0, 2]), a([239, 1, 1, 1]), port, ttl, 100)
    }

    fn ports(f: McForward) -> std::vec::Vec<PortId> {
        match f {
            McForward::Forward(o) => o.as_slice().to_vec(),
            other => panic!("not forwarded: {other:?}"),
        }
    }

    #[test]
    fn group_ethernet_address_takes_the_low_23_bits() {
        assert_eq!(eth_mc_map(a([239, 129, 2, 3])), [1, 0, 0x5e, 1, 2, 3]);
        assert_eq!(eth_mc_map(ALL_HOSTS), [1, 0, 0x5e, 0, 0, 1]);
    }

    #[test]
    fn vifs_are_limited_to_maxvifs_and_unique_per_port() {
        let mut t = MrTable::new();
        for i in 0..MAXVIFS {
            assert_eq!(t.vif_add(PortId(100 + i as u32), 1), Ok(i));
        }
        assert_eq!(t.vif_add(PortId(999), 1), Err(Errno::Enfile));
        assert_eq!(t.vif_add(PortId(100), 1), Err(Errno::Eaddrinuse));
        assert_eq!(t.vif_del(PortId(105)), Ok(5));
        assert_eq!(t.vif_del(PortId(105)), Err(Errno::Eaddrnotavail));
        // The lowest free index is reused.
        assert_eq!(t.vif_add(PortId(999), 3), Ok(5));
        assert_eq!(t.vif(5).map(|v| v.threshold), Some(3));
    }

    #[test]
    fn forwards_out_of_outputs_whose_threshold_the_ttl_exceeds() {
        let mut t = table();
        sg(&mut t, 0, &[(1, 1), (2, 8)]);
        // TTL 8 does not exceed threshold 8: only vif 1.
        assert_eq!(ports(fwd(&mut t, P0, 8)), [P1]);
        // TTL 9: both, highest VIF first.
        assert_eq!(ports(fwd(&mut t, P0, 9)), [P2, P1]);
        // TTL 1 exceeds no threshold.
        assert_eq!(ports(fwd(&mut t, P0, 1)), []);
        let e = t.entries()[0];
        assert_eq!((e.pkt, e.bytes, e.wrong_if), (3, 300, 0));
        assert_eq!(t.vif(0).map(|v| (v.pkt_in, v.bytes_in)), Some((3, 300)));
    }

    #[test]
    fn wrong_input_port_is_counted_and_not_forwarded() {
        let mut t = table();
        sg(&mut t, 0, &[(1, 1), (2, 1)]);
        assert_eq!(fwd(&mut t, P1, 9), McForward::WrongIif);
        let e = t.entries()[0];
        assert_eq!((e.pkt, e.wrong_if), (1, 1));
        assert_eq!(t.vif(1).map(|v| v.pkt_in), Some(0));
    }

    #[test]
    fn no_entry_and_unknown_groups_are_not_forwarded() {
        let mut t = table();
        sg(&mut t, 0, &[(1, 1)]);
        let other = t.ip_mr_input(a([10, 1, 0, 3]), a([239, 1, 1, 1]), P0, 9, 1);
        assert_eq!(other, McForward::NoEntry);
    }

    #[test]
    fn add_replaces_and_keeps_counters_delete_removes() {
        let mut t = table();
        sg(&mut t, 0, &[(1, 1)]);
        fwd(&mut t, P0, 5);
        sg(&mut t, 0, &[(2, 1)]);
        assert_eq!(t.entries().len(), 1);
        assert_eq!(t.entries()[0].pkt, 1);
        assert_eq!(ports(fwd(&mut t, P0, 5)), [P2]);
        let (o, g) = (a([10, 1, 0, 2]), a([239, 1, 1, 1]));
        assert_eq!(t.mfc_del(o, g), Ok(()));
        assert_eq!(t.mfc_del(o, g), Err(Errno::Enoent));
    }

    #[test]
    fn bad_entries_are_refused_and_thresholds_of_missing_vifs_dropped() {
        let mut t = table();
        let mut req = MfcRequest {
            origin: a([10, 1, 0, 2]),
            group: a([10, 1, 1, 1]),
            parent: 0,
            ttls: ttls(&[(1, 1)]),
        };
        assert_eq!(t.mfc_add(&req), Err(Errno::Einval));
        req.group = a([239, 1, 1, 1]);
        req.parent = MAXVIFS;
        assert_eq!(t.mfc_add(&req), Err(Errno::Enfile));
        assert!(t.entries().is_empty());
        req.parent = 0;
        // VIF 7 does not exist; 0 and 255 mean "not an output".
        req.ttls = ttls(&[(1, 0), (2, 255), (7, 1)]);
        assert_eq!(t.mfc_add(&req), Ok(()));
        assert!(t.entries()[0].ttls.iter().all(|&x| x == NOT_OUTPUT));
    }

    #[test]
    fn deleted_output_vif_is_skipped_deleted_input_is_wrong_iif() {
        let mut t = table();
        sg(&mut t, 0, &[(1, 1), (2, 1)]);
        assert_eq!(t.vif_del(P2), Ok(2));
        assert_eq!(ports(fwd(&mut t, P0, 5)), [P1]);
        assert_eq!(t.vif_del(P0), Ok(0));
        assert_eq!(t.vif_add(P3, 1), Ok(0));
        // VIF 0 is now P3: P0 is no VIF (route input would not ask), P3
        // is the input.
        assert_eq!(ports(fwd(&mut t, P3, 5)), [P1]);
    }

    #[test]
    fn star_g_matches_on_an_output_and_never_sends_back() {
        let mut t = table();
        let req = MfcRequest {
            origin: Ipv4Addr::UNSPECIFIED,
            group: a([239, 1, 1, 1]),
            parent: 0,
            ttls: ttls(&[(1, 1), (2, 1)]),
        };
        assert_eq!(t.mfc_add(&req), Ok(()));
        // Found through VIF 1 (an output): the input is VIF 0, so wrong.
        assert_eq!(fwd(&mut t, P1, 5), McForward::WrongIif);
        // On VIF 0 (not an output, no (*,*)): no entry, as mr_mfc_find_any.
        assert_eq!(fwd(&mut t, P0, 5), McForward::NoEntry);
        // With a (*,*) entry that has VIF 0 and 1 as outputs, a packet on
        // VIF 1 passes the input check and is not sent back out of VIF 1.
        let any = MfcRequest {
            origin: Ipv4Addr::UNSPECIFIED,
            group: Ipv4Addr::UNSPECIFIED,
            parent: 2,
            ttls: ttls(&[(0, 1), (1, 1)]),
        };
        assert_eq!(t.mfc_add(&any), Ok(()));
        assert_eq!(ports(fwd(&mut t, P1, 5)), [P2]);
    }

    #[test]
    fn pruning_vifs_take_star_g_traffic_only_for_members() {
        let mut t = table();
        assert_eq!(t.set_prune(P2, true), Ok(()));
        assert_eq!(t.set_prune(PortId(99), true), Err(Errno::Eaddrnotavail));
        let star = MfcRequest {
            origin: Ipv4Addr::UNSPECIFIED,
            group: a([239, 1, 1, 1]),
            parent: 0,
            ttls: ttls(&[(0, 1), (1, 1), (2, 1)]),
        };
        assert_eq!(t.mfc_add(&star), Ok(()));
        let McForward::Forward(mut outs) = fwd(&mut t, P0, 5) else {
            panic!("not forwarded");
        };
        assert_eq!(outs.as_slice(), [P2, P1]);
        assert!(outs.has_prunable());
        let mut with_member = outs;
        with_member.prune(|p| p == P2);
        assert_eq!(with_member.as_slice(), [P2, P1]);
        outs.prune(|_| false);
        assert_eq!(outs.as_slice(), [P1]);
        assert!(!outs.has_prunable());
        // An (S,G) entry is the daemon's explicit choice: never pruned.
        sg(&mut t, 0, &[(1, 1), (2, 1)]);
        let McForward::Forward(outs) = fwd(&mut t, P0, 5) else {
            panic!("not forwarded");
        };
        assert_eq!(
            (outs.as_slice(), outs.has_prunable()),
            (&[P2, P1][..], false)
        );
    }

    #[test]
    fn unresolved_packets_wait_bounded_and_are_released_by_their_entry() {
        let mut q: UnresQueue<u32> = UnresQueue::new();
        let (s, g) = (a([10, 1, 0, 2]), a([239, 1, 1, 1]));
        assert_eq!(q.enqueue(s, g, 1, 0), Enqueued::New);
        for p in 2..=4 {
            assert_eq!(q.enqueue(s, g, p, 0), Enqueued::Queued);
        }
        // qlen > 3: the fifth is refused.
        assert_eq!(q.enqueue(s, g, 5, 0), Enqueued::Dropped(5));
        // A (*,G) entry does not release an (S,G)'s packets.
        assert!(q.resolve(Ipv4Addr::UNSPECIFIED, g).is_empty());
        let released = q.resolve(s, g);
        assert_eq!(released.as_slice(), &[1, 2, 3, 4]);
        assert_eq!(q.waiting().count(), 0);
        // Resolved: the next packet starts a new wait (and a new report).
        assert_eq!(q.enqueue(s, g, 6, 0), Enqueued::New);
    }

    #[test]
    fn at_most_ten_groups_wait_and_they_expire_after_ten_seconds() {
        let mut q: UnresQueue<u32> = UnresQueue::new();
        let s = a([10, 1, 0, 2]);
        for i in 0..UNRES_MAX_ENTRIES as u8 {
            assert_eq!(
                q.enqueue(s, a([239, 1, 1, i]), u32::from(i), 1000),
                Enqueued::New
            );
        }
        assert_eq!(
            q.enqueue(s, a([239, 1, 2, 0]), 99, 1000),
            Enqueued::Dropped(99)
        );
        // Not yet due.
        assert!(q.expire(1000 + UNRES_TIMEOUT_MS - 1).is_none());
        let mut freed = 0;
        while let Some(pkts) = q.expire(1000 + UNRES_TIMEOUT_MS) {
            freed += pkts.len();
        }
        assert_eq!(freed, UNRES_MAX_ENTRIES);
        assert_eq!(q.enqueue(s, a([239, 1, 2, 0]), 7, 20_000), Enqueued::New);
        assert_eq!(q.clear().collect::<std::vec::Vec<_>>(), [7]);
    }
}

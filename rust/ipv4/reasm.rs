// SPDX-License-Identifier: GPL-2.0

//! Reassembly of fragments addressed to the router: `ip_defrag` of
//! net/ipv4/ip_fragment.c with the queue rules of
//! net/ipv4/inet_fragment.c (`inet_frag_queue_insert`).
//!
//! Fragments are queued by (source, destination, identification,
//! protocol). A queue completes when its first and last fragments are in
//! and the bytes between are all there; it is dropped as a whole
//! (ReasmFails) when a fragment contradicts it: an end beyond a known last
//! fragment, two different last fragments, an empty fragment, or an
//! overlap with what is queued (ReasmOverlaps too, RFC 5722 as Linux
//! applies it to IPv4). A fragment wholly inside what is already queued is
//! a duplicate: only it is dropped. A queue not completed within
//! [`REASM_TIMEOUT_MS`] (`ipfrag_time`, 30 s) expires (ReasmFails,
//! ReasmTimeout); if its first fragment was in, the caller answers with
//! ICMP time exceeded, fragment reassembly (11/1) about it. Memory is
//! bounded as `inet_frag_find` bounds it: while the queued fragments take
//! more than [`HIGH_THRESH`] bytes (`ipfrag_high_thresh`), every fragment
//! is refused (ReasmFails).
//!
//! The reassembled datagram has the first fragment's header with
//! `tot_len` set, the fragment field cleared (DF kept when the largest
//! fragment had DF, as `ip_frag_reasm` keeps it) and the checksum
//! recomputed. Not modelled: `ipfrag_max_dist` (Linux restarts a queue
//! after 64 fragments from the same source to other queues) and the ECN
//! combination check.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::stats::{DropReason, IpStat};
use crate::ipv4::wire::ethernet::{self, MacAddr};
use crate::ipv4::wire::ipv4::{self as wire_ip, IP_DF};
use crate::ipv4::wire::write_u16;
use crate::platform::TryVec;

/// `ipfrag_time`: a queue lives this long.
pub const REASM_TIMEOUT_MS: u64 = 30_000;
/// `ipfrag_high_thresh`: 4 MiB.
pub const HIGH_THRESH: usize = 4 << 20;
/// A reassembled datagram may not exceed this (`ip_frag_reasm`: E2BIG).
const MAX_DATAGRAM: usize = 65535;

/// What identifies a datagram's fragments (`frag_v4_compare_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragKey {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// IP identification.
    pub id: u16,
    /// IP protocol.
    pub protocol: u8,
}

/// One received fragment, as the caller read it from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragMeta {
    /// Its datagram.
    pub key: FragKey,
    /// Fragment offset in bytes.
    pub offset: usize,
    /// MF set.
    pub more: bool,
    /// DF set.
    pub df: bool,
    /// Header length (`ihl * 4`).
    pub ihl: usize,
    /// Data bytes after the header (`tot_len - ihl`).
    pub data_len: usize,
    /// Memory the fragment takes while queued (its skb's truesize).
    pub truesize: usize,
}

/// A piece of a reassembled datagram: a queued fragment and how many of
/// its data bytes (after its `ihl`-byte header) belong to the datagram.
#[derive(Debug)]
pub struct Piece<P> {
    /// The fragment.
    pub pkt: P,
    /// Its header length.
    pub ihl: usize,
    /// Data bytes to take after the header.
    pub take: usize,
}

/// A completed datagram: build it from the first piece's header and every
/// piece's data, in order, then [`finish_header`].
pub struct Complete<P> {
    /// The fragments in offset order; the first has offset 0.
    pub pieces: TryVec<Piece<P>>,
    /// The datagram's length, header included.
    pub total_len: usize,
    /// Keep DF set on the datagram.
    pub df: bool,
}

/// What [`Reassembly::defrag`] did with a fragment.
#[must_use]
pub enum Defrag<P> {
    /// Queued, waiting for the rest.
    Queued,
    /// The datagram is complete.
    Complete(Complete<P>),
    /// The fragment was dropped (and with it its queue, for some reasons);
    /// count `stats`, free it with `reason`.
    Dropped {
        /// The fragment.
        pkt: P,
        /// Why.
        reason: DropReason,
        /// IPSTATS counters to bump ([`Defrag::stats`]).
        stats: &'static [IpStat],
    },
}

impl<P> Defrag<P> {
    /// The IPSTATS counters this outcome moves.
    pub fn stats(&self) -> &'static [IpStat] {
        match self {
            Defrag::Queued => REQD,
            Defrag::Complete(_) => &[IpStat::ReasmReqds, IpStat::ReasmOks],
            Defrag::Dropped { stats, .. } => stats,
        }
    }
}

/// A queue that timed out (`ip_expire`): counted ReasmFails and
/// ReasmTimeout; `first`, if its first fragment was in, is what to answer
/// with ICMP time exceeded, fragment reassembly (11/1).
#[derive(Debug)]
pub struct Expired<P> {
    /// The first fragment.
    pub first: Option<P>,
}

#[derive(Debug)]
struct Frag<P> {
    offset: usize,
    end: usize,
    ihl: usize,
    pkt: P,
}

struct Queue<P> {
    key: FragKey,
    /// Sorted by offset, never overlapping.
    frags: TryVec<Frag<P>>,
    /// The datagram's data length as far as known (`q.len`).
    len: usize,
    /// Data bytes queued (`q.meat`).
    meat: usize,
    last_in: bool,
    expires: u64,
    mem: usize,
    max_size: usize,
    max_df_size: usize,
}

impl<P> Queue<P> {
    fn first_in(&self) -> bool {
        self.frags.first().is_some_and(|f| f.offset == 0)
    }
}

/// The reassembly queues of one router.
pub struct Reassembly<P> {
    queues: TryVec<Queue<P>>,
    mem: usize,
    /// The most `mem` has been.
    peak_mem: usize,
    high_thresh: usize,
}

impl<P> Default for Reassembly<P> {
    fn default() -> Self {
        Self::new()
    }
}

const FAIL: &[IpStat] = &[IpStat::ReasmReqds, IpStat::ReasmFails];
const OVERLAP: &[IpStat] = &[
    IpStat::ReasmReqds,
    IpStat::ReasmOverlaps,
    IpStat::ReasmFails,
];
const REQD: &[IpStat] = &[IpStat::ReasmReqds];

impl<P> Reassembly<P> {
    /// No queue, Linux's memory limit.
    pub fn new() -> Self {
        Self::with_high_thresh(HIGH_THRESH)
    }

    /// No queue, a memory limit of `high_thresh` bytes.
    pub fn with_high_thresh(high_thresh: usize) -> Self {
        Self {
            queues: TryVec::new(),
            mem: 0,
            peak_mem: 0,
            high_thresh,
        }
    }

    /// Bytes held by queued fragments.
    pub fn mem(&self) -> usize {
        self.mem
    }

    /// The most bytes queued fragments have held at once.
    pub fn peak_mem(&self) -> usize {
        self.peak_mem
    }

    /// Queues being reassembled.
    pub fn len(&self) -> usize {
        self.queues.len()
    }

    /// Whether no datagram is being reassembled.
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    fn kill(&mut self, i: usize) {
        if let Some(q) = self.queues.remove(i) {
            self.mem = self.mem.saturating_sub(q.mem);
        }
    }

    /// `ip_defrag` of fragment `pkt` at time `now` (milliseconds).
    pub fn defrag(&mut self, m: &FragMeta, pkt: P, now: u64) -> Defrag<P> {
        let drop = |pkt, reason, stats| Defrag::Dropped { pkt, reason, stats };
        // inet_frag_find: nothing is looked up or created above the limit.
        if self.mem > self.high_thresh {
            return drop(pkt, DropReason::NotSpecified, FAIL);
        }
        let i = match self.queues.iter().position(|q| q.key == m.key) {
            Some(i) => i,
            None => {
                let q = Queue {
                    key: m.key,
                    frags: TryVec::new(),
                    len: 0,
                    meat: 0,
                    last_in: false,
                    expires: now.saturating_add(REASM_TIMEOUT_MS),
                    mem: 0,
                    max_size: 0,
                    max_df_size: 0,
                };
                if self.queues.try_push(q).is_err() {
                    return drop(pkt, DropReason::Nomem, FAIL);
                }
                self.queues.len() - 1
            }
        };
        let offset = m.offset;
        let mut end = offset.saturating_add(m.data_len);
        let q = &mut self.queues[i];
        if !m.more {
            // The last fragment: nothing may lie beyond it, and there is
            // only one end.
            if end < q.len || (q.last_in && end != q.len) {
                self.kill(i);
                return drop(pkt, DropReason::NotSpecified, FAIL);
            }
            q.last_in = true;
            q.len = end;
        } else {
            end &= !7;
            if end > q.len {
                if q.last_in {
                    self.kill(i);
                    return drop(pkt, DropReason::NotSpecified, FAIL);
                }
                q.len = end;
            }
        }
        if end == offset {
            self.kill(i);
            return drop(pkt, DropReason::NotSpecified, FAIL);
        }
        // inet_frag_queue_insert: inside what is queued is a duplicate,
        // across its edge an overlap. Contiguous fragments form one run.
        let pos = q
            .frags
            .iter()
            .position(|f| f.offset >= end)
            .unwrap_or(q.frags.len());
        let mut run_start = None;
        let mut overlap = false;
        for (j, f) in q.frags.iter().enumerate() {
            let starts_run = j == 0 || q.frags[j - 1].end != f.offset;
            if starts_run {
                run_start = Some(f.offset);
            }
            let run_end_here = j + 1 == q.frags.len() || q.frags[j + 1].offset != f.end;
            if run_end_here {
                let (rs, re) = (run_start.unwrap_or(f.offset), f.end);
                if offset < re && end > rs {
                    if offset >= rs && end <= re {
                        return drop(pkt, DropReason::DupFrag, REQD);
                    }
                    overlap = true;
                }
            }
        }
        if overlap {
            self.kill(i);
            return drop(pkt, DropReason::NotSpecified, OVERLAP);
        }
        let q = &mut self.queues[i];
        if q.frags.try_reserve(1).is_err() {
            self.kill(i);
            return drop(pkt, DropReason::Nomem, FAIL);
        }
        let frag = Frag {
            offset,
            end,
            ihl: m.ihl,
            pkt,
        };
        // Room was reserved: the insertion does not allocate.
        let _ = q.frags.try_insert(pos, frag);
        q.meat += end - offset;
        q.mem = q.mem.saturating_add(m.truesize);
        self.mem = self.mem.saturating_add(m.truesize);
        self.peak_mem = self.peak_mem.max(self.mem);
        let fragsize = m.ihl + (end - offset);
        q.max_size = q.max_size.max(fragsize);
        if m.df {
            q.max_df_size = q.max_df_size.max(fragsize);
        }
        if !(q.first_in() && q.last_in && q.meat == q.len) {
            return Defrag::Queued;
        }
        // ip_frag_reasm.
        let Some(q) = self.queues.remove(i) else {
            return Defrag::Queued;
        };
        self.mem = self.mem.saturating_sub(q.mem);
        let ihl = q.frags.first().map_or(0, |f| f.ihl);
        let total_len = ihl + q.len;
        let df = q.max_df_size == q.max_size;
        let mut pieces = TryVec::new();
        let mut frags = q.frags;
        if pieces.try_reserve(frags.len()).is_err() {
            // ip_frag_reasm's out_nomem: the queue is gone (killed before
            // reassembly), counted ReasmFails; its other fragments drop
            // with `frags`.
            return match frags.pop() {
                Some(f) => drop(f.pkt, DropReason::Nomem, FAIL),
                None => Defrag::Queued,
            };
        }
        while let Some(f) = frags.pop() {
            // Reserved above: cannot fail.
            let _ = pieces.try_push(Piece {
                pkt: f.pkt,
                ihl: f.ihl,
                take: f.end - f.offset,
            });
        }
        pieces.as_mut_slice().reverse();
        if total_len > MAX_DATAGRAM {
            // The pieces drop here, with the queue.
            return match pieces.pop() {
                Some(p) => drop(p.pkt, DropReason::NotSpecified, FAIL),
                None => Defrag::Queued,
            };
        }
        Defrag::Complete(Complete {
            pieces,
            total_len,
            df,
        })
    }

    /// `ip_expire`: removes one queue whose time is up, if any.
    pub fn tick(&mut self, now: u64) -> Option<Expired<P>> {
        let i = self.queues.iter().position(|q| q.expires <= now)?;
        let q = self.queues.remove(i)?;
        self.mem = self.mem.saturating_sub(q.mem);
        let mut frags = q.frags;
        let first = if frags.first().is_some_and(|f| f.offset == 0) {
            frags.remove(0).map(|f| f.pkt)
        } else {
            None
        };
        Some(Expired { first })
    }

    /// Drops every queue (the router goes away).
    pub fn clear(&mut self) {
        self.queues.clear();
        self.mem = 0;
    }
}

/// Whether an expired queue is answered with time exceeded, fragment
/// reassembly (11/1), about its first fragment: `ip_expire` routes that
/// fragment again and `__icmp_send` sends nothing about a packet whose
/// route is broadcast or multicast, or that came as a link-layer broadcast
/// or multicast (`pkt_type != PACKET_HOST`). So only a datagram for one of
/// the router's own addresses (`is_local`: a local route) that was sent to
/// its MAC is answered. `eth_dst` is the first fragment's Ethernet
/// destination, `ip` its bytes from the IPv4 header on.
///
/// (Found while fuzzing: the router answered every expired queue whose
/// first fragment was in, so also broadcast datagrams, against RFC 1122
/// 3.2.2; the host fuzzer now checks that no error is about a broadcast.)
pub fn expire_answers(eth_dst: &MacAddr, ip: &[u8], is_local: impl Fn(Ipv4Addr) -> bool) -> bool {
    if ip.len() < wire_ip::HEADER_LEN || ethernet::is_multicast(eth_dst) {
        return false;
    }
    is_local(wire_ip::Packet::new_unchecked(ip).dst_addr())
}

/// The counters an expired queue moves (`ip_expire`).
pub const EXPIRED_STATS: &[IpStat] = &[IpStat::ReasmFails, IpStat::ReasmTimeout];

/// Completes the header of a reassembled datagram (`hdr`, the first
/// fragment's, `ihl` bytes): `tot_len`, the fragment field (DF or
/// nothing) and the checksum.
pub fn finish_header(hdr: &mut [u8], total_len: usize, df: bool) {
    write_u16(hdr, 2, u16::try_from(total_len).unwrap_or(u16::MAX));
    write_u16(hdr, 6, if df { IP_DF } else { 0 });
    write_u16(hdr, 10, 0);
    let c = checksum::checksum(hdr);
    write_u16(hdr, 10, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    const KEY: FragKey = FragKey {
        src: Ipv4Addr::new(10, 1, 0, 2),
        dst: Ipv4Addr::new(10, 1, 0, 1),
        id: 7,
        protocol: 1,
    };

    /// A fragment of `len` data bytes at `offset`; its "packet" is its
    /// offset, to see the order pieces come out in.
    fn meta(offset: usize, len: usize, more: bool) -> FragMeta {
        FragMeta {
            key: KEY,
            offset,
            more,
            df: false,
            ihl: 20,
            data_len: len,
            truesize: len + 256,
        }
    }

    fn offsets(c: &Complete<usize>) -> Vec<(usize, usize)> {
        c.pieces.iter().map(|p| (p.pkt, p.take)).collect()
    }

    #[test]
    fn only_a_datagram_for_us_sent_to_our_mac_is_answered_on_expiry() {
        let ours = Ipv4Addr::new(10, 1, 0, 1);
        let is_local = |a: Ipv4Addr| a == ours;
        let hdr = |dst: Ipv4Addr| {
            let mut h = std::vec![0x45u8; 20];
            h[12..16].copy_from_slice(&Ipv4Addr::new(0, 0, 10, 2).to_bits().to_be_bytes());
            h[16..20].copy_from_slice(&dst.to_bits().to_be_bytes());
            h
        };
        let me = [2, 0, 0, 0, 1, 1];
        assert!(expire_answers(&me, &hdr(ours), is_local));
        // A broadcast route, the limited broadcast, another host.
        assert!(!expire_answers(
            &me,
            &hdr(Ipv4Addr::new(10, 1, 0, 255)),
            is_local
        ));
        assert!(!expire_answers(&me, &hdr(Ipv4Addr::BROADCAST), is_local));
        assert!(!expire_answers(
            &me,
            &hdr(Ipv4Addr::new(10, 2, 0, 2)),
            is_local
        ));
        // Our address, but as a link-layer broadcast or multicast.
        assert!(!expire_answers(&[0xff; 6], &hdr(ours), is_local));
        assert!(!expire_answers(
            &[1, 0, 0x5e, 0, 0, 1],
            &hdr(ours),
            is_local
        ));
        assert!(!expire_answers(&me, &hdr(ours)[..19], is_local));
    }

    #[test]
    fn three_fragments_in_any_order_complete() {
        let mut r = Reassembly::new();
        assert!(matches!(
            r.defrag(&meta(2960, 1048, false), 2960, 0),
            Defrag::Queued
        ));
        assert!(matches!(
            r.defrag(&meta(0, 1480, true), 0, 0),
            Defrag::Queued
        ));
        assert_eq!(r.len(), 1);
        let Defrag::Complete(c) = r.defrag(&meta(1480, 1480, true), 1480, 0) else {
            panic!("not complete");
        };
        assert_eq!(offsets(&c), [(0, 1480), (1480, 1480), (2960, 1048)]);
        assert_eq!((c.total_len, c.df), (20 + 4008, false));
        assert!(r.is_empty());
        assert_eq!(r.mem(), 0);
    }

    #[test]
    fn no_memory_for_the_pieces_fails_the_datagram_as_out_nomem() {
        let mut r = Reassembly::new();
        let _ = r.defrag(&meta(0, 1480, true), 0, 0);
        let _ = r.defrag(&meta(2960, 1048, false), 2960, 0);
        // The completing fragment fits the queue's spare room; the list of
        // pieces is the first allocation, and it fails.
        crate::platform::fail_allocations_after(Some(0));
        let got = r.defrag(&meta(1480, 1480, true), 1480, 0);
        crate::platform::fail_allocations_after(None);
        let Defrag::Dropped { reason, stats, .. } = got else {
            panic!("not dropped");
        };
        // ip_frag_reasm's out_nomem: ReasmReqds and ReasmFails, queue gone.
        assert_eq!((reason, stats), (DropReason::Nomem, FAIL));
        assert!(r.is_empty());
        assert_eq!(r.mem(), 0);
    }

    #[test]
    fn an_overlap_drops_the_queue_and_a_duplicate_only_itself() {
        let mut r = Reassembly::new();
        let _ = r.defrag(&meta(0, 1480, true), 0, 0);
        let Defrag::Dropped { reason, stats, .. } = r.defrag(&meta(0, 1480, true), 0, 0) else {
            panic!("duplicate kept");
        };
        assert_eq!((reason, stats), (DropReason::DupFrag, REQD));
        assert_eq!(r.len(), 1);
        let Defrag::Dropped { stats, .. } = r.defrag(&meta(1000, 1480, true), 1000, 0) else {
            panic!("overlap kept");
        };
        assert_eq!(stats, OVERLAP);
        assert!(r.is_empty());
        assert_eq!(r.mem(), 0);
    }

    #[test]
    fn contradicting_ends_drop_the_queue() {
        let mut r = Reassembly::new();
        let _ = r.defrag(&meta(0, 800, true), 0, 0);
        let _ = r.defrag(&meta(1600, 100, false), 1600, 0);
        // A second, different last fragment.
        assert!(matches!(
            r.defrag(&meta(2000, 100, false), 2000, 0),
            Defrag::Dropped { stats: FAIL, .. }
        ));
        assert!(r.is_empty());
        // Data beyond a known end.
        let _ = r.defrag(&meta(800, 100, false), 800, 0);
        assert!(matches!(
            r.defrag(&meta(1600, 800, true), 1600, 0),
            Defrag::Dropped { stats: FAIL, .. }
        ));
        // An empty fragment.
        assert!(matches!(
            r.defrag(&meta(8, 4, true), 8, 0),
            Defrag::Dropped { .. }
        ));
    }

    #[test]
    fn a_queue_expires_after_30_s_with_its_first_fragment_for_icmp() {
        let mut r = Reassembly::new();
        let _ = r.defrag(&meta(0, 800, true), 0, 1000);
        assert!(r.tick(30_999).is_none());
        let e = r.tick(31_000).expect("expired");
        assert_eq!(e.first, Some(0));
        assert!(r.is_empty());
        // Without its first fragment: no ICMP.
        let _ = r.defrag(&meta(800, 800, true), 800, 0);
        assert!(r.tick(40_000).expect("expired").first.is_none());
        assert_eq!(r.mem(), 0);
    }

    #[test]
    fn memory_is_bounded() {
        let mut r = Reassembly::with_high_thresh(10_000);
        let mut held = 0;
        for id in 0..100u16 {
            let mut m = meta(0, 1480, true);
            m.key.id = id;
            match r.defrag(&m, 0, 0) {
                Defrag::Queued => held += 1,
                Defrag::Dropped { stats, .. } => assert_eq!(stats, FAIL),
                Defrag::Complete(_) => panic!("complete"),
            }
        }
        assert!(held < 10);
        assert!(r.mem() <= 10_000 + 1480 + 256);
    }

    #[test]
    fn df_stays_when_the_largest_fragment_had_it() {
        let mut r = Reassembly::new();
        let mut a = meta(0, 1480, true);
        a.df = true;
        let _ = r.defrag(&a, 0, 0);
        let Defrag::Complete(c) = r.defrag(&meta(1480, 100, false), 1480, 0) else {
            panic!("not complete");
        };
        assert!(c.df);
        let mut hdr = [
            0x45u8, 0, 0, 0, 0, 7, 0x20, 0, 64, 1, 0, 0, 10, 1, 0, 2, 10, 1, 0, 1,
        ];
        finish_header(&mut hdr, c.total_len, c.df);
        assert_eq!(&hdr[2..4], &1600u16.to_be_bytes());
        assert_eq!(&hdr[6..8], &IP_DF.to_be_bytes());
        assert_eq!(checksum::checksum(&hdr), 0);
    }

    proptest::proptest! {
        /// A datagram cut into fragments, sent in any order with
        /// duplicates, reassembles to exactly its pieces; an overlap at an
        /// offset that is not a fragment boundary drops it instead.
        #[test]
        fn any_order_and_duplicates_reassemble(
            len in 1usize..6000,
            size in 1usize..200,
            order in proptest::collection::vec(0usize..1000, 1..60),
            overlap in proptest::bool::ANY,
        ) {
            let size = size * 8;
            let mut frags = Vec::new();
            let mut at = 0;
            while at < len {
                let n = size.min(len - at);
                frags.push((at, n, at + n < len));
                at += n;
            }
            let mut sends: Vec<usize> = (0..frags.len()).collect();
            for (i, o) in order.iter().enumerate() {
                let j = o % frags.len();
                sends.swap(i % frags.len(), j);
                if o % 5 == 0 {
                    sends.push(j); // a duplicate
                }
            }
            let bad = overlap && frags.len() > 1 && size > 8;
            if bad {
                // Half of fragment 0 and half of fragment 1.
                let (o, n, _) = frags[0];
                frags.push((o + n / 2 / 8 * 8 + 8, n, true));
                sends.insert(sends.len() / 2, frags.len() - 1);
            }
            let mut r = Reassembly::new();
            let mut done = None;
            let mut failed = false;
            for &i in &sends {
                let (o, n, more) = frags[i];
                match r.defrag(&meta(o, n, more), o, 0) {
                    Defrag::Complete(c) => { done = Some(c); break; }
                    Defrag::Dropped { stats, .. } if stats != REQD => { failed = true; break; }
                    _ => {}
                }
            }
            if bad && !failed {
                // The overlap came after completion, or was a duplicate
                // of queued bytes: then the datagram must be whole.
                proptest::prop_assert!(done.is_some() || r.len() == 1);
            }
            if let Some(c) = done {
                let mut at = 0;
                for p in c.pieces.iter() {
                    proptest::prop_assert_eq!(p.pkt, at);
                    at += p.take;
                }
                proptest::prop_assert_eq!(at, len);
                proptest::prop_assert_eq!(c.total_len, len + 20);
            } else if !failed && !bad {
                proptest::prop_assert!(false, "never completed");
            }
        }
    }
}

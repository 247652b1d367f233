// SPDX-License-Identifier: GPL-2.0

//! The router's counters, named as Linux names them (IPSTATS and ICMP MIB,
//! ARP), shown by `ferctl stats`.
//!
//! Atomic counters for now; per-CPU counters are the next step (see the
//! issue note): on two CPUs the contention is small, but a router at line
//! rate should not share a cache line per packet.

use crate::abstractions::genetlink::Dump;
use crate::abstractions::skbuff::{DropReason, SkBuff};
use crate::ipv4::neigh::NeighStats;
use crate::ipv4::stats::{ArpStat, IcmpStat, IpStat};
use core::sync::atomic::{AtomicU64, Ordering};

/// All counters of one router.
pub struct Stats {
    ip: [AtomicU64; IpStat::COUNT],
    icmp: [AtomicU64; IcmpStat::COUNT],
    arp: [AtomicU64; ArpStat::COUNT],
}

// A fresh counter per array element (inline `const {}` blocks need Rust
// 1.79; the kernel's minimum is 1.78).
#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

impl Stats {
    /// All zero.
    pub fn new() -> Self {
        Self {
            ip: [ZERO; IpStat::COUNT],
            icmp: [ZERO; IcmpStat::COUNT],
            arp: [ZERO; ArpStat::COUNT],
        }
    }

    /// Counts one IP event.
    pub fn ip(&self, s: IpStat) {
        if let Some(c) = self.ip.get(s.index()) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one ICMP event.
    pub fn icmp(&self, s: IcmpStat) {
        if let Some(c) = self.icmp.get(s.index()) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one ARP event.
    pub fn arp(&self, s: ArpStat) {
        if let Some(c) = self.arp.get(s.index()) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Frees a packet the neighbour layer gave up on, counting it.
    pub fn drop_neigh(&self, skb: SkBuff, reason: DropReason) {
        self.ip(IpStat::OutDiscards);
        skb.drop_with(reason);
    }

    /// Every counter with its name: the MIB's prefix and Linux's name, as
    /// nstat prints them (IpInReceives, IcmpOutEchoReps, ArpInRequests);
    /// neighbour-table counters as `arp_cache.` and their
    /// /proc/net/stat/arp_cache column, read from the table itself.
    fn counters(&self, table: &NeighStats) -> impl Iterator<Item = (&'static str, &'static str, u64)> + '_ {
        let load = |c: Option<&AtomicU64>| c.map_or(0, |c| c.load(Ordering::Relaxed));
        let ip = IpStat::all().iter().map(move |&s| ("Ip", s.name(), load(self.ip.get(s.index()))));
        let icmp = IcmpStat::all()
            .iter()
            .map(move |&s| ("Icmp", s.name(), load(self.icmp.get(s.index()))));
        let table = *table;
        let arp = ArpStat::all().iter().map(move |&s| match s {
            ArpStat::Allocs => ("arp_cache.", s.name(), table.allocs),
            ArpStat::Destroys => ("arp_cache.", s.name(), table.destroys),
            ArpStat::ResFailed => ("arp_cache.", s.name(), table.res_failed),
            ArpStat::UnresolvedDiscards => ("arp_cache.", s.name(), table.unresolved_discards),
            ArpStat::TableFulls => ("arp_cache.", s.name(), table.table_fulls),
            ArpStat::ForcedGcRuns => ("arp_cache.", s.name(), table.forced_gc_runs),
            _ => ("Arp", s.name(), load(self.arp.get(s.index()))),
        });
        Iterator::chain(Iterator::chain(ip, icmp), arp)
    }

    /// Writes every counter into a dump, one entry each.
    pub fn dump(&self, dump: &mut Dump<'_>, table: &NeighStats) {
        use super::netlink::attr;
        dump.entries(self.counters(table), |m, (prefix, name, value)| {
            let mut full = [0u8; 64];
            let (p, n) = (prefix.as_bytes(), name.as_bytes());
            let len = (p.len() + n.len()).min(full.len());
            for (d, s) in full.iter_mut().zip(Iterator::chain(p.iter(), n.iter())) {
                *d = *s;
            }
            m.put_str(attr::STAT_NAME, &full[..len])?;
            m.put_u64(attr::STAT_VALUE, value)
        });
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The router's counters, named as Linux names them (IPSTATS and ICMP MIB,
//! ARP), shown by `ferctl stats`.
//!
//! Atomic counters for now; per-CPU counters are the next step (see the
//! issue note): on two CPUs the contention is small, but a router at line
//! rate should not share a cache line per packet.

use crate::abstractions::genetlink::Dump;
use crate::abstractions::skbuff::{DropReason, SkBuff};
use crate::ipv4::stats::{ArpStat, IcmpStat, IpStat};
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;

/// All counters of one router.
pub struct Stats {
    ip: [AtomicU64; IpStat::COUNT],
    icmp: [AtomicU64; IcmpStat::COUNT],
    arp: [AtomicU64; ArpStat::COUNT],
}

impl Stats {
    /// All zero.
    pub fn new() -> Self {
        Self {
            ip: [const { AtomicU64::new(0) }; IpStat::COUNT],
            icmp: [const { AtomicU64::new(0) }; IcmpStat::COUNT],
            arp: [const { AtomicU64::new(0) }; ArpStat::COUNT],
        }
    }

    /// Counts one IP event.
    pub fn ip(&self, s: IpStat) {
        if let Some(c) = self.ip.get(s as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one ICMP event.
    pub fn icmp(&self, s: IcmpStat) {
        if let Some(c) = self.icmp.get(s as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one ARP event.
    pub fn arp(&self, s: ArpStat) {
        if let Some(c) = self.arp.get(s as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Frees a packet the neighbour layer gave up on, counting it.
    pub fn drop_neigh(&self, skb: SkBuff, reason: DropReason) {
        self.ip(IpStat::OutDiscards);
        skb.drop_with(reason);
    }

    fn all(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        let ip = IpStat::all()
            .iter()
            .map(|&s| (s.name(), self.ip.get(s as usize).map_or(0, |c| c.load(Ordering::Relaxed))));
        let icmp = IcmpStat::all().iter().map(|&s| {
            (s.name(), self.icmp.get(s as usize).map_or(0, |c| c.load(Ordering::Relaxed)))
        });
        let arp = ArpStat::all()
            .iter()
            .map(|&s| (s.name(), self.arp.get(s as usize).map_or(0, |c| c.load(Ordering::Relaxed))));
        Iterator::chain(Iterator::chain(ip, icmp), arp)
    }

    /// Writes every counter into a dump, one entry each.
    pub fn dump(&self, dump: &mut Dump<'_>) -> Result {
        use super::netlink::attr;
        let start = dump.position();
        let mut i = start;
        for (name, value) in self.all().skip(start) {
            let ok = dump.entry(|m| {
                m.put_str(attr::STAT_NAME, name.as_bytes())?;
                m.put_u64(attr::STAT_VALUE, value)
            });
            if !ok {
                break;
            }
            i += 1;
        }
        dump.set_position(i);
        Ok(())
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The router's counters, named as Linux names them (IPSTATS, ICMP, UDP
//! and TCP MIBs, ARP), shown by `ferctl stats`.
//!
//! Per-CPU counters: every CPU bumps its own copy, `ferctl stats` sums
//! them, as the kernel's SNMP MIBs do.

use crate::abstractions::genetlink::Dump;
use crate::abstractions::percpu::PerCpuCounters;
use crate::abstractions::skbuff::{DropReason, SkBuff};
use crate::ipv4::neigh::NeighStats;
use crate::ipv4::stats::{self, ArpStat, IcmpStat, IpStat, RouteStat, RxStat, TcpStat, UdpStat};
use kernel::error::Result;

/// What reassembly holds, read when the counters are dumped.
#[derive(Clone, Copy, Default)]
pub struct FragGauges {
    /// Datagrams being reassembled.
    pub queues: u64,
    /// Bytes (truesize) their fragments hold.
    pub mem: u64,
    /// The most bytes queued fragments have held at once.
    pub peak_mem: u64,
}

/// All counters of one router.
pub struct Stats {
    ip: PerCpuCounters<{ IpStat::COUNT }>,
    icmp: PerCpuCounters<{ IcmpStat::COUNT }>,
    udp: PerCpuCounters<{ UdpStat::COUNT }>,
    tcp: PerCpuCounters<{ TcpStat::COUNT }>,
    route: PerCpuCounters<{ RouteStat::COUNT }>,
    arp: PerCpuCounters<{ ArpStat::COUNT }>,
    rx: PerCpuCounters<{ RxStat::COUNT }>,
    rx_drop: PerCpuCounters<{ stats::DropReason::COUNT }>,
}

impl Stats {
    /// All zero.
    pub fn new() -> Result<Self> {
        Ok(Self {
            ip: PerCpuCounters::new()?,
            icmp: PerCpuCounters::new()?,
            udp: PerCpuCounters::new()?,
            tcp: PerCpuCounters::new()?,
            route: PerCpuCounters::new()?,
            arp: PerCpuCounters::new()?,
            rx: PerCpuCounters::new()?,
            rx_drop: PerCpuCounters::new()?,
        })
    }

    /// Counts one IP event.
    pub fn ip(&self, s: IpStat) {
        self.ip.inc(s.index());
    }

    /// `IP_UPD_PO_STATS`: counts one packet of `len` bytes in `pkts` and
    /// its octets in `octets`.
    pub fn ip_po(&self, pkts: IpStat, octets: IpStat, len: u32) {
        self.ip.inc(pkts.index());
        self.ip.add(octets.index(), u64::from(len));
    }

    /// Counts one ICMP event.
    pub fn icmp(&self, s: IcmpStat) {
        self.icmp.inc(s.index());
    }

    /// Counts one UDP event.
    pub fn udp(&self, s: UdpStat) {
        self.udp.inc(s.index());
    }

    /// Counts one TCP event.
    pub fn tcp(&self, s: TcpStat) {
        self.tcp.inc(s.index());
    }

    /// Counts one route-input drop (rt_cache martians, IPReversePathFilter).
    pub fn route(&self, s: RouteStat) {
        self.route.inc(s.index());
    }

    /// Counts one ARP event.
    pub fn arp(&self, s: ArpStat) {
        self.arp.inc(s.index());
    }

    /// Counts the fate of one received frame in the ledger ([`RxStat`]).
    pub fn rx(&self, s: RxStat) {
        self.rx.inc(s.index());
    }

    /// Counts one received frame dropped for `why` in the ledger.
    pub fn rx_drop(&self, why: stats::DropReason) {
        self.rx_drop.inc(why.index());
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
    fn counters(
        &self,
        table: &NeighStats,
        frags: &FragGauges,
    ) -> impl Iterator<Item = (&'static str, &'static str, u64)> + '_ {
        let ip = IpStat::all()
            .iter()
            .map(move |&s| (s.mib(), s.name(), self.ip.sum(s.index())));
        let icmp = IcmpStat::all()
            .iter()
            .map(move |&s| ("Icmp", s.name(), self.icmp.sum(s.index())));
        let udp = UdpStat::all()
            .iter()
            .map(move |&s| ("Udp", s.name(), self.udp.sum(s.index())));
        let tcp = TcpStat::all()
            .iter()
            .map(move |&s| ("Tcp", s.name(), self.tcp.sum(s.index())));
        // rt_cache.in_martian_src as /proc/net/stat/rt_cache names its
        // columns; IPReversePathFilter as nstat names it (TcpExt).
        let route = RouteStat::all().iter().map(move |&s| {
            let prefix = match s {
                RouteStat::IpReversePathFilter => "TcpExt",
                _ => "rt_cache.",
            };
            (prefix, s.name(), self.route.sum(s.index()))
        });
        let table = *table;
        let arp = ArpStat::all().iter().map(move |&s| match s {
            ArpStat::Allocs => ("arp_cache.", s.name(), table.allocs),
            ArpStat::Destroys => ("arp_cache.", s.name(), table.destroys),
            ArpStat::ResFailed => ("arp_cache.", s.name(), table.res_failed),
            ArpStat::UnresolvedDiscards => ("arp_cache.", s.name(), table.unresolved_discards),
            ArpStat::TableFulls => ("arp_cache.", s.name(), table.table_fulls),
            ArpStat::ForcedGcRuns => ("arp_cache.", s.name(), table.forced_gc_runs),
            ArpStat::Entries => ("arp_cache.", s.name(), table.entries),
            ArpStat::PeakEntries => ("arp_cache.", s.name(), table.peak_entries),
            _ => ("Arp", s.name(), self.arp.sum(s.index())),
        });
        // ferroute's ledger of received frames: FerRxFrames, ..., and a
        // drop counter per reason, FerRxDrop.IP_CSUM.
        let rx = RxStat::all()
            .iter()
            .map(move |&s| ("FerRx", s.name(), self.rx.sum(s.index())));
        let rx_drop = stats::DropReason::all()
            .iter()
            .map(move |&d| ("FerRxDrop.", d.counter_name(), self.rx_drop.sum(d.index())));
        // Reassembly's memory (Linux: /proc/net/sockstat's FRAG line).
        let frags = [
            ("Fer", "FragQueues", frags.queues),
            ("Fer", "FragMemory", frags.mem),
            ("Fer", "FragPeakMemory", frags.peak_mem),
        ];
        ip.chain(icmp)
            .chain(frags)
            .chain(udp)
            .chain(tcp)
            .chain(route)
            .chain(arp)
            .chain(rx)
            .chain(rx_drop)
    }

    /// Writes every counter into a dump, one entry each.
    pub fn dump(&self, dump: &mut Dump<'_>, table: &NeighStats, frags: &FragGauges) -> Result {
        use super::netlink::attr;
        dump.entries(self.counters(table, frags), |m, (prefix, name, value)| {
            let mut full = [0u8; 64];
            let (p, n) = (prefix.as_bytes(), name.as_bytes());
            let len = (p.len() + n.len()).min(full.len());
            for (d, s) in full.iter_mut().zip(Iterator::chain(p.iter(), n.iter())) {
                *d = *s;
            }
            m.put_str(attr::STAT_NAME, &full[..len])?;
            m.put_u64(attr::STAT_VALUE, value)
        })
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Counters and drop reasons, named as Linux names them.
//!
//! - [`IpStat`]: the IPSTATS MIB (`/proc/net/snmp` "Ip:" and
//!   `/proc/net/netstat` "IpExt:").
//! - [`IcmpStat`]: the ICMP MIB (`/proc/net/snmp` "Icmp:").
//! - [`UdpStat`], [`TcpStat`]: the UDP and TCP MIBs (`/proc/net/snmp`
//!   "Udp:", "Tcp:").
//! - [`ArpStat`]: ARP packets and the neighbour table
//!   (`/proc/net/stat/arp_cache`).
//! - [`DropReason`]: `enum skb_drop_reason` of
//!   include/net/dropreason-core.h, for `kfree_skb_reason`.
//!
//! The logic never counts by itself: functions return what happened and the
//! glue bumps its (per-CPU) counters, indexed by [`IpStat::index`] and
//! friends, for arrays of [`IpStat::COUNT`] elements.

/// Defines a counter enum with `COUNT`, `all()`, `index()` and `name()`.
macro_rules! counters {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every counter, in display order.
            const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The number of counters (the length of a counter array).
            pub const COUNT: usize = Self::ALL.len();

            /// Every counter, in display order; `all()[i].index() == i`.
            pub fn all() -> &'static [Self] {
                Self::ALL
            }

            /// The position of this counter in an array of `COUNT`.
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The name Linux shows for this counter.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )*
                }
            }
        }
    };
}

counters! {
    /// An IPSTATS MIB counter (`IPSTATS_MIB_*`); [`IpStat::name`] is the
    /// name `/proc/net/snmp` and `/proc/net/netstat` show.
    pub enum IpStat {
        /// `IPSTATS_MIB_INPKTS`: datagrams received, before any check.
        InReceives => "InReceives",
        /// `IPSTATS_MIB_INHDRERRORS`: bad header (version, ihl, checksum,
        /// length).
        InHdrErrors => "InHdrErrors",
        /// `IPSTATS_MIB_INTOOBIGERRORS`: too big to forward.
        InTooBigErrors => "InTooBigErrors",
        /// `IPSTATS_MIB_INNOROUTES`: no route to forward along.
        InNoRoutes => "InNoRoutes",
        /// `IPSTATS_MIB_INADDRERRORS`: invalid destination (or, in
        /// ferroute, a martian source; see [`DropReason::IpInvalidSource`]).
        InAddrErrors => "InAddrErrors",
        /// `IPSTATS_MIB_INUNKNOWNPROTOS`: local delivery to a protocol the
        /// router does not speak.
        InUnknownProtos => "InUnknownProtos",
        /// `IPSTATS_MIB_INTRUNCATEDPKTS`: `tot_len` beyond the frame.
        InTruncatedPkts => "InTruncatedPkts",
        /// `IPSTATS_MIB_INDISCARDS`: valid but dropped (no memory).
        InDiscards => "InDiscards",
        /// `IPSTATS_MIB_INDELIVERS`: delivered to the router itself.
        InDelivers => "InDelivers",
        /// `IPSTATS_MIB_OUTFORWDATAGRAMS`: forwarded ("ForwDatagrams").
        OutForwDatagrams => "ForwDatagrams",
        /// `IPSTATS_MIB_OUTREQUESTS`: datagrams the router originated.
        OutRequests => "OutRequests",
        /// `IPSTATS_MIB_OUTDISCARDS`: outgoing datagrams dropped.
        OutDiscards => "OutDiscards",
        /// `IPSTATS_MIB_OUTNOROUTES`: no route for an originated datagram.
        OutNoRoutes => "OutNoRoutes",
        /// `IPSTATS_MIB_REASMTIMEOUT`: reassembly queues that timed out.
        ReasmTimeout => "ReasmTimeout",
        /// `IPSTATS_MIB_REASMREQDS`: fragments received for reassembly.
        ReasmReqds => "ReasmReqds",
        /// `IPSTATS_MIB_REASMOKS`: datagrams reassembled.
        ReasmOks => "ReasmOKs",
        /// `IPSTATS_MIB_REASMFAILS`: reassembly failures (queues dropped,
        /// fragments refused).
        ReasmFails => "ReasmFails",
        /// `IPSTATS_MIB_REASM_OVERLAPS`: queues dropped for an overlapping
        /// fragment ("IpExt: ReasmOverlaps").
        ReasmOverlaps => "ReasmOverlaps",
        /// `IPSTATS_MIB_FRAGOKS`: datagrams fragmented.
        FragOks => "FragOKs",
        /// `IPSTATS_MIB_FRAGFAILS`: needed fragmenting but DF was set.
        FragFails => "FragFails",
        /// `IPSTATS_MIB_FRAGCREATES`: fragments created.
        FragCreates => "FragCreates",
        /// `IPSTATS_MIB_OUTPKTS`: datagrams handed to a device.
        OutTransmits => "OutTransmits",
        /// `IPSTATS_MIB_INBCASTPKTS`: broadcasts received.
        InBcastPkts => "InBcastPkts",
        /// `IPSTATS_MIB_OUTBCASTPKTS`: broadcasts sent.
        OutBcastPkts => "OutBcastPkts",
        /// `IPSTATS_MIB_CSUMERRORS`: header checksum errors (also counted in
        /// InHdrErrors).
        InCsumErrors => "InCsumErrors",
        /// `IPSTATS_MIB_INMCAST`: multicast datagrams received (route input
        /// gave them a multicast route).
        InMcastPkts => "InMcastPkts",
        /// `IPSTATS_MIB_OUTMCAST`: multicast datagrams sent.
        OutMcastPkts => "OutMcastPkts",
        /// `IPSTATS_MIB_INMCASTOCTETS`: their bytes (IP header on).
        InMcastOctets => "InMcastOctets",
        /// `IPSTATS_MIB_OUTMCASTOCTETS`: their bytes.
        OutMcastOctets => "OutMcastOctets",
    }
}

impl IpStat {
    /// The group `/proc/net/snmp` or `/proc/net/netstat` shows the counter
    /// in, the prefix nstat gives it: "Ip" (IpInReceives) or "IpExt"
    /// (IpExtInNoRoutes).
    pub const fn mib(self) -> &'static str {
        match self {
            IpStat::InNoRoutes
            | IpStat::InTruncatedPkts
            | IpStat::InBcastPkts
            | IpStat::OutBcastPkts
            | IpStat::InCsumErrors
            | IpStat::InMcastPkts
            | IpStat::OutMcastPkts
            | IpStat::InMcastOctets
            | IpStat::OutMcastOctets
            | IpStat::ReasmOverlaps => "IpExt",
            _ => "Ip",
        }
    }
}

counters! {
    /// An ICMP MIB counter (`ICMP_MIB_*` and the per-type `ICMPMSG` ones
    /// that `/proc/net/snmp` folds into the "Icmp:" line).
    pub enum IcmpStat {
        /// `ICMP_MIB_INMSGS`: ICMP messages received (before checks).
        InMsgs => "InMsgs",
        /// `ICMP_MIB_INERRORS`: bad ICMP messages (checksum, type).
        InErrors => "InErrors",
        /// `ICMP_MIB_CSUMERRORS`: ICMP checksum errors.
        InCsumErrors => "InCsumErrors",
        /// Destination unreachable received (type 3).
        InDestUnreachs => "InDestUnreachs",
        /// Time exceeded received (type 11).
        InTimeExcds => "InTimeExcds",
        /// Parameter problem received (type 12).
        InParmProbs => "InParmProbs",
        /// Source quench received (type 4).
        InSrcQuenchs => "InSrcQuenchs",
        /// Redirect received (type 5).
        InRedirects => "InRedirects",
        /// Echo request received (type 8).
        InEchos => "InEchos",
        /// Echo reply received (type 0).
        InEchoReps => "InEchoReps",
        /// Timestamp request received (type 13).
        InTimestamps => "InTimestamps",
        /// Timestamp reply received (type 14).
        InTimestampReps => "InTimestampReps",
        /// `ICMP_MIB_OUTMSGS`: ICMP messages sent.
        OutMsgs => "OutMsgs",
        /// `ICMP_MIB_OUTERRORS`: ICMP messages that could not be sent.
        OutErrors => "OutErrors",
        /// `ICMP_MIB_RATELIMITGLOBAL`: suppressed by `icmp_global_allow`.
        OutRateLimitGlobal => "OutRateLimitGlobal",
        /// `ICMP_MIB_RATELIMITHOST`: suppressed by a per-host limit.
        OutRateLimitHost => "OutRateLimitHost",
        /// Destination unreachable sent (type 3).
        OutDestUnreachs => "OutDestUnreachs",
        /// Time exceeded sent (type 11).
        OutTimeExcds => "OutTimeExcds",
        /// Parameter problem sent (type 12).
        OutParmProbs => "OutParmProbs",
        /// Redirect sent (type 5).
        OutRedirects => "OutRedirects",
        /// Echo request sent (type 8).
        OutEchos => "OutEchos",
        /// Echo reply sent (type 0).
        OutEchoReps => "OutEchoReps",
        /// Timestamp reply sent (type 14).
        OutTimestampReps => "OutTimestampReps",
    }
}

impl IcmpStat {
    /// The per-type "In" counter for a received ICMP type
    /// (`ICMPMSGIN_INC_STATS`), if the "Icmp:" line has one.
    pub const fn in_for_type(icmp_type: u8) -> Option<IcmpStat> {
        match icmp_type {
            0 => Some(IcmpStat::InEchoReps),
            3 => Some(IcmpStat::InDestUnreachs),
            4 => Some(IcmpStat::InSrcQuenchs),
            5 => Some(IcmpStat::InRedirects),
            8 => Some(IcmpStat::InEchos),
            11 => Some(IcmpStat::InTimeExcds),
            12 => Some(IcmpStat::InParmProbs),
            13 => Some(IcmpStat::InTimestamps),
            14 => Some(IcmpStat::InTimestampReps),
            _ => None,
        }
    }

    /// The per-type "Out" counter for a sent ICMP type
    /// (`ICMPMSGOUT_INC_STATS`), if the "Icmp:" line has one.
    pub const fn out_for_type(icmp_type: u8) -> Option<IcmpStat> {
        match icmp_type {
            0 => Some(IcmpStat::OutEchoReps),
            3 => Some(IcmpStat::OutDestUnreachs),
            5 => Some(IcmpStat::OutRedirects),
            8 => Some(IcmpStat::OutEchos),
            11 => Some(IcmpStat::OutTimeExcds),
            12 => Some(IcmpStat::OutParmProbs),
            14 => Some(IcmpStat::OutTimestampReps),
            _ => None,
        }
    }
}

counters! {
    /// Route input's drop counters outside the SNMP MIBs: the martian
    /// columns of `/proc/net/stat/rt_cache` and netstat's
    /// "TcpExt: IPReversePathFilter" (`LINUX_MIB_IPRPFILTER`).
    pub enum RouteStat {
        /// `in_martian_src`: a martian source (0/8, 127/8, multicast,
        /// limited broadcast, one of the router's own addresses).
        InMartianSrc => "in_martian_src",
        /// `in_martian_dst`: a martian destination (0/8, 127/8).
        InMartianDst => "in_martian_dst",
        /// `IPReversePathFilter`: dropped by the reverse-path filter.
        IpReversePathFilter => "IPReversePathFilter",
    }
}

counters! {
    /// The UDP MIB (`UDP_MIB_*`, `/proc/net/snmp` "Udp:") as a router with
    /// no UDP socket moves it.
    pub enum UdpStat {
        /// `UDP_MIB_INDATAGRAMS`: datagrams delivered to a socket.
        InDatagrams => "InDatagrams",
        /// `UDP_MIB_NOPORTS`: datagrams to a port nothing listens on.
        NoPorts => "NoPorts",
        /// `UDP_MIB_INERRORS`: bad datagrams (length, checksum).
        InErrors => "InErrors",
        /// `UDP_MIB_OUTDATAGRAMS`: datagrams sent.
        OutDatagrams => "OutDatagrams",
        /// `UDP_MIB_CSUMERRORS`: checksum errors (also InErrors).
        InCsumErrors => "InCsumErrors",
        /// `UDP_MIB_IGNOREDMULTI`: broadcast or multicast datagrams no
        /// socket wanted.
        IgnoredMulti => "IgnoredMulti",
    }
}

counters! {
    /// The TCP MIB counters (`TCP_MIB_*`, `/proc/net/snmp` "Tcp:") a router
    /// with no TCP socket moves.
    pub enum TcpStat {
        /// `TCP_MIB_INSEGS`: segments received (even bad ones).
        InSegs => "InSegs",
        /// `TCP_MIB_OUTSEGS`: segments sent.
        OutSegs => "OutSegs",
        /// `TCP_MIB_INERRS`: bad segments.
        InErrs => "InErrs",
        /// `TCP_MIB_OUTRSTS`: resets sent.
        OutRsts => "OutRsts",
        /// `TCP_MIB_CSUMERRORS`: checksum errors (also InErrs).
        InCsumErrors => "InCsumErrors",
    }
}

counters! {
    /// ARP and neighbour-table counters. Packet counters have no MIB in
    /// Linux; the table ones are the columns of `/proc/net/stat/arp_cache`.
    pub enum ArpStat {
        /// ARP requests received.
        InRequests => "InRequests",
        /// ARP replies received.
        InReplies => "InReplies",
        /// ARP packets dropped as malformed or not for IPv4 over Ethernet.
        InErrors => "InErrors",
        /// ARP requests sent (`arp_solicit`).
        OutRequests => "OutRequests",
        /// ARP replies sent.
        OutReplies => "OutReplies",
        /// Neighbour entries created (`allocs`).
        Allocs => "allocs",
        /// Neighbour entries destroyed (`destroys`).
        Destroys => "destroys",
        /// Resolutions that failed (`res_failed`).
        ResFailed => "res_failed",
        /// Packets dropped waiting for resolution (`unresolved_discards`).
        UnresolvedDiscards => "unresolved_discards",
        /// Entry creation refused, table full (`table_fulls`).
        TableFulls => "table_fulls",
        /// Forced garbage collections at the table bound (`forced_gc_runs`).
        ForcedGcRuns => "forced_gc_runs",
        /// Entries in the table now (`entries`, a gauge).
        Entries => "entries",
        /// The most entries the table has held (ferroute's own).
        PeakEntries => "peak_entries",
    }
}

/// Why a packet was dropped: `enum skb_drop_reason` of
/// include/net/dropreason-core.h, for `kfree_skb_reason` (the glue maps each
/// variant to the kernel's constant).
///
/// `IpInvalidSource`, `IpInvalidDest` and `IpLocalnet` appeared in Linux
/// 6.13; 6.12 drops those packets as `NOT_SPECIFIED`, so the glue maps them
/// to `NOT_SPECIFIED` when the running kernel lacks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// `SKB_DROP_REASON_NOT_SPECIFIED`.
    NotSpecified,
    /// `PKT_TOO_SMALL`: `tot_len` beyond the received bytes.
    PktTooSmall,
    /// `OTHERHOST`: the frame was for another station.
    Otherhost,
    /// `IP_CSUM`: bad IPv4 header checksum.
    IpCsum,
    /// `IP_INHDR`: bad IPv4 header (version, ihl, length).
    IpInhdr,
    /// `IP_RPFILTER`: the reverse-path filter rejected the source.
    IpRpfilter,
    /// `IP_NOPROTO`: no handler for the IP protocol.
    IpNoproto,
    /// `IP_INADDRERRORS`: host unreachable with forwarding off.
    IpInaddrerrors,
    /// `IP_INNOROUTES`: no route to forward along.
    IpInnoroutes,
    /// `IP_OUTNOROUTES`: no route for a packet the router originated.
    IpOutnoroutes,
    /// `IP_INVALID_SOURCE` (6.13+): martian source address.
    IpInvalidSource,
    /// `IP_INVALID_DEST` (6.13+): martian destination address.
    IpInvalidDest,
    /// `IP_LOCALNET` (6.13+): a 127/8 destination on a port, without
    /// route_localnet.
    IpLocalnet,
    /// `IP_LOCALNET` (6.13+) for a 127/8 source (a martian source).
    IpLocalnetSource,
    /// `PKT_TOO_BIG`: bigger than the egress MTU with DF set.
    PktTooBig,
    /// `ICMP_CSUM`: bad ICMP checksum.
    IcmpCsum,
    /// `INVALID_PROTO`: an ICMP type not accepted here (e.g. echo to a
    /// broadcast address).
    InvalidProto,
    /// `UNHANDLED_PROTO`: an unknown ICMP type or EtherType.
    UnhandledProto,
    /// `HDR_TRUNC`: a transport header cut short.
    HdrTrunc,
    /// `UDP_CSUM`: bad UDP checksum.
    UdpCsum,
    /// `TCP_CSUM`: bad TCP checksum.
    TcpCsum,
    /// `NO_SOCKET`: no socket for a UDP or TCP packet.
    NoSocket,
    /// `DUP_FRAG`: a fragment already queued for reassembly.
    DupFrag,
    /// `FRAG_REASM_TIMEOUT`: its reassembly queue timed out.
    FragReasmTimeout,
    /// `NEIGH_CREATEFAIL`: the neighbour table is full.
    NeighCreatefail,
    /// `NEIGH_FAILED`: address resolution failed.
    NeighFailed,
    /// `NEIGH_QUEUEFULL`: too many packets waiting for resolution.
    NeighQueuefull,
    /// `NEIGH_DEAD`: the port went away while the packet waited.
    NeighDead,
    /// `NOMEM`: allocation failed.
    Nomem,
    /// `DEV_READY`: the port went away (or is not configured yet) while
    /// the frame was received.
    DevReady,
}

impl DropReason {
    /// The kernel's name, without the `SKB_DROP_REASON_` prefix.
    pub const fn name(self) -> &'static str {
        match self {
            DropReason::NotSpecified => "NOT_SPECIFIED",
            DropReason::PktTooSmall => "PKT_TOO_SMALL",
            DropReason::Otherhost => "OTHERHOST",
            DropReason::IpCsum => "IP_CSUM",
            DropReason::IpInhdr => "IP_INHDR",
            DropReason::IpRpfilter => "IP_RPFILTER",
            DropReason::IpNoproto => "IP_NOPROTO",
            DropReason::IpInaddrerrors => "IP_INADDRERRORS",
            DropReason::IpInnoroutes => "IP_INNOROUTES",
            DropReason::IpOutnoroutes => "IP_OUTNOROUTES",
            DropReason::IpInvalidSource => "IP_INVALID_SOURCE",
            DropReason::IpInvalidDest => "IP_INVALID_DEST",
            DropReason::IpLocalnet | DropReason::IpLocalnetSource => "IP_LOCALNET",
            DropReason::PktTooBig => "PKT_TOO_BIG",
            DropReason::IcmpCsum => "ICMP_CSUM",
            DropReason::InvalidProto => "INVALID_PROTO",
            DropReason::UnhandledProto => "UNHANDLED_PROTO",
            DropReason::HdrTrunc => "HDR_TRUNC",
            DropReason::UdpCsum => "UDP_CSUM",
            DropReason::TcpCsum => "TCP_CSUM",
            DropReason::NoSocket => "NO_SOCKET",
            DropReason::DupFrag => "DUP_FRAG",
            DropReason::FragReasmTimeout => "FRAG_REASM_TIMEOUT",
            DropReason::NeighCreatefail => "NEIGH_CREATEFAIL",
            DropReason::NeighFailed => "NEIGH_FAILED",
            DropReason::NeighQueuefull => "NEIGH_QUEUEFULL",
            DropReason::NeighDead => "NEIGH_DEAD",
            DropReason::Nomem => "NOMEM",
            DropReason::DevReady => "DEV_READY",
        }
    }

    /// The route-cache counter Linux bumps when route input drops a packet
    /// for this reason (`RT_CACHE_STAT_INC(in_martian_src)` at
    /// `martian_source`, `in_martian_dst` at `martian_destination`), or the
    /// netstat counter (IPReversePathFilter for `-EXDEV`).
    pub const fn route_input_stat(self) -> Option<RouteStat> {
        match self {
            DropReason::IpInvalidSource | DropReason::IpLocalnetSource => {
                Some(RouteStat::InMartianSrc)
            }
            DropReason::IpInvalidDest | DropReason::IpLocalnet => Some(RouteStat::InMartianDst),
            DropReason::IpRpfilter => Some(RouteStat::IpReversePathFilter),
            _ => None,
        }
    }

    /// The IPSTATS counters the receive path (`ip_rcv_core`,
    /// `ip_route_input_slow`, `ip_error`, `ip_local_deliver`) bumps when it
    /// drops a packet for this reason, as Linux does. A checksum error
    /// counts as both InCsumErrors and InHdrErrors (ip_rcv_core falls
    /// through from `csum_error` to `inhdr_error`).
    ///
    /// Martian addresses move no IPSTATS counter, as in Linux: see
    /// [`DropReason::route_input_stat`].
    pub const fn rcv_ip_stats(self) -> &'static [IpStat] {
        match self {
            DropReason::IpCsum => &[IpStat::InCsumErrors, IpStat::InHdrErrors],
            DropReason::IpInhdr => &[IpStat::InHdrErrors],
            DropReason::PktTooSmall => &[IpStat::InTruncatedPkts],
            DropReason::IpInaddrerrors => &[IpStat::InAddrErrors],
            DropReason::IpInnoroutes => &[IpStat::InNoRoutes],
            DropReason::IpNoproto => &[IpStat::InUnknownProtos],
            DropReason::PktTooBig => &[IpStat::FragFails],
            DropReason::Nomem => &[IpStat::InDiscards],
            _ => &[],
        }
    }

    /// The ICMP counters `icmp_rcv` bumps when it drops a message for this
    /// reason: a checksum error is InCsumErrors and InErrors, every other
    /// drop InErrors.
    pub const fn icmp_rcv_stats(self) -> &'static [IcmpStat] {
        match self {
            DropReason::IcmpCsum => &[IcmpStat::InCsumErrors, IcmpStat::InErrors],
            _ => &[IcmpStat::InErrors],
        }
    }
}

/// A plain array of counters for one MIB, for tests and single-threaded
/// users; the kernel glue keeps per-CPU arrays of the same length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpStats {
    counts: [u64; IpStat::COUNT],
}

impl Default for IpStats {
    fn default() -> Self {
        Self::new()
    }
}

impl IpStats {
    /// All zero.
    pub const fn new() -> Self {
        Self {
            counts: [0; IpStat::COUNT],
        }
    }

    /// Adds one to `s` (wrapping, as MIB counters do).
    pub fn inc(&mut self, s: IpStat) {
        if let Some(c) = self.counts.get_mut(s.index()) {
            *c = c.wrapping_add(1);
        }
    }

    /// Adds one to each of `stats`.
    pub fn inc_all(&mut self, stats: &[IpStat]) {
        for &s in stats {
            self.inc(s);
        }
    }

    /// The value of `s`.
    pub fn get(&self, s: IpStat) -> u64 {
        self.counts.get(s.index()).copied().unwrap_or(0)
    }
}

counters! {
    /// What became of every frame the router received: ferroute's own
    /// ledger (no Linux MIB has one; `ferctl stats` shows these as
    /// `FerRx...`). Each frame the receive path takes is counted
    /// [`RxStat::Frames`] once and then ends in exactly one fate:
    /// delivered, forwarded, queued for reassembly, ignored or dropped by a
    /// reason (counted per [`DropReason`]). A datagram built from
    /// fragments is a new packet: [`RxStat::Reassembled`], then a fate of
    /// its own. So at any quiet moment
    ///
    /// `Frames + Reassembled = Delivered + Forwarded + ReasmQueued +
    /// Ignored + (drops of every reason)`.
    pub enum RxStat {
        /// Frames the receive path took (attached ports and ferroute
        /// devices, ARP and IPv4).
        Frames => "Frames",
        /// Datagrams reassembled from fragments (each then has a fate).
        Reassembled => "Reassembled",
        /// Delivered to the router itself and finished with: ARP
        /// processed, ICMP consumed or answered, UDP echoed or ignored.
        Delivered => "Delivered",
        /// Handed to the egress port (or fragmented for it).
        Forwarded => "Forwarded",
        /// Fragments taken into a reassembly queue (they leave it inside a
        /// reassembled datagram, or on expiry or eviction: ReasmFails).
        ReasmQueued => "ReasmQueued",
        /// Frames looped back by the host's own stack, not from the link.
        Ignored => "Ignored",
        /// Lists of frames an attached port received at once (a NAPI
        /// poll's `netif_receive_skb_list`, as `ip_list_rcv` receives
        /// them). Not a fate: each of their frames counts Frames.
        Lists => "Lists",
    }
}

impl DropReason {
    /// Every reason, in the order of [`DropReason::index`].
    const ALL: &'static [DropReason] = &[
        DropReason::NotSpecified,
        DropReason::PktTooSmall,
        DropReason::Otherhost,
        DropReason::IpCsum,
        DropReason::IpInhdr,
        DropReason::IpRpfilter,
        DropReason::IpNoproto,
        DropReason::IpInaddrerrors,
        DropReason::IpInnoroutes,
        DropReason::IpOutnoroutes,
        DropReason::IpInvalidSource,
        DropReason::IpInvalidDest,
        DropReason::IpLocalnet,
        DropReason::IpLocalnetSource,
        DropReason::PktTooBig,
        DropReason::IcmpCsum,
        DropReason::InvalidProto,
        DropReason::UnhandledProto,
        DropReason::HdrTrunc,
        DropReason::UdpCsum,
        DropReason::TcpCsum,
        DropReason::NoSocket,
        DropReason::DupFrag,
        DropReason::FragReasmTimeout,
        DropReason::NeighCreatefail,
        DropReason::NeighFailed,
        DropReason::NeighQueuefull,
        DropReason::NeighDead,
        DropReason::Nomem,
        DropReason::DevReady,
    ];

    /// The number of reasons (the length of a per-reason counter array).
    pub const COUNT: usize = Self::ALL.len();

    /// Every reason; `all()[i].index() == i`.
    pub fn all() -> &'static [Self] {
        Self::ALL
    }

    /// The position of this reason in an array of [`DropReason::COUNT`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name of its drop counter: [`DropReason::name`], except that the
    /// two reasons Linux calls `IP_LOCALNET` are told apart.
    pub const fn counter_name(self) -> &'static str {
        match self {
            DropReason::IpLocalnetSource => "IP_LOCALNET_SOURCE",
            _ => self.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_counter_at_its_index() {
        for (i, s) in IpStat::all().iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        for (i, s) in IcmpStat::all().iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        for (i, s) in ArpStat::all().iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        assert_eq!(IpStat::COUNT, IpStat::all().len());
        for (i, s) in DropReason::all().iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        for (i, s) in RxStat::all().iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        assert_eq!(IpStat::OutForwDatagrams.name(), "ForwDatagrams");
        assert_eq!(IcmpStat::InEchos.name(), "InEchos");
    }

    #[test]
    fn csum_errors_count_as_header_errors_too() {
        let mut st = IpStats::new();
        st.inc_all(DropReason::IpCsum.rcv_ip_stats());
        assert_eq!(st.get(IpStat::InCsumErrors), 1);
        assert_eq!(st.get(IpStat::InHdrErrors), 1);
        assert_eq!(
            DropReason::PktTooSmall.rcv_ip_stats(),
            &[IpStat::InTruncatedPkts]
        );
        assert!(DropReason::Otherhost.rcv_ip_stats().is_empty());
        assert_eq!(
            DropReason::IcmpCsum.icmp_rcv_stats(),
            &[IcmpStat::InCsumErrors, IcmpStat::InErrors]
        );
    }

    #[test]
    fn per_type_icmp_counters() {
        assert_eq!(IcmpStat::in_for_type(8), Some(IcmpStat::InEchos));
        assert_eq!(IcmpStat::out_for_type(0), Some(IcmpStat::OutEchoReps));
        assert_eq!(IcmpStat::out_for_type(3), Some(IcmpStat::OutDestUnreachs));
        assert_eq!(IcmpStat::in_for_type(200), None);
    }
}

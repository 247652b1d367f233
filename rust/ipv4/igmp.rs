// SPDX-License-Identifier: GPL-2.0

//! IGMP as a multicast router speaks it on its VIFs (RFC 2236 for
//! IGMPv1/v2, RFC 3376 for IGMPv3): the membership it learns from the
//! hosts' reports and the queries it sends as the link's querier, what a
//! multicast routing daemon (mrouted, pimd, igmpproxy) does in Linux, or
//! the bridge's querier (net/bridge/br_multicast.c): the kernel's own
//! igmp.c is the host side only.
//!
//! A report makes (port, group) a member until the group membership
//! interval runs out ([`IgmpTimers::membership_interval`], RFC 3376 8.4:
//! robustness × query interval + query response interval); a later
//! report refreshes it. A leave (IGMPv2 Leave Group, an IGMPv3 record that
//! changes to or is INCLUDE with no source) shortens it to the last member
//! query time ([`IgmpTimers::last_member_query_time`]), in which a
//! remaining member's report keeps the group. The table is bounded
//! ([`MAX_MEMBERSHIPS`]): a report beyond it is ignored.
//!
//! The [`Querier`] (when the router's `igmp_querier` is on) sends general
//! queries on each VIF: [`IgmpTimers::robustness`] of them one startup
//! query interval (a quarter of the query interval) apart, then one every
//! query interval; and after a leave, group-specific queries, robustness
//! of them one last member query interval apart. A query heard from a
//! lower address makes the other router the querier until the other
//! querier present interval passes without one (RFC 3376 6.6.2), after
//! which the router starts up again, as the Linux bridge does. Queries
//! are IGMPv3 (IGMPv1/v2 hosts answer them as their own version's), built
//! as the bridge builds them ([`build_query`]).

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::iface::PortId;
use crate::platform::{GfpAtomic, TryVec};

/// `IGMP_ALL_ROUTER`, 224.0.0.2: routers listen on it (IGMPv2 leaves go
/// there), as a routing daemon's socket joins it.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// `IGMPV3_ALL_MCR`, 224.0.0.22: where IGMPv3 reports go.
pub const V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

/// `IGMP_ALL_HOSTS`, 224.0.0.1: where general queries go.
pub const ALL_HOSTS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

/// At most this many (port, group) memberships are kept.
pub const MAX_MEMBERSHIPS: usize = 1024;

const MEMBERSHIP_QUERY: u8 = 0x11;
const V1_REPORT: u8 = 0x12;
const V2_REPORT: u8 = 0x16;
const V2_LEAVE: u8 = 0x17;
const V3_REPORT: u8 = 0x22;

// IGMPv3 group record types (RFC 3376 4.2.12).
const MODE_IS_INCLUDE: u8 = 1;
const MODE_IS_EXCLUDE: u8 = 2;
const CHANGE_TO_INCLUDE: u8 = 3;
const CHANGE_TO_EXCLUDE: u8 = 4;
const ALLOW_NEW_SOURCES: u8 = 5;

/// The querier's variables (RFC 3376 8), the router's `igmp_*` settings.
/// Times in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IgmpTimers {
    /// Query interval: between general queries (default 125 s).
    pub query_interval: u32,
    /// Query response interval: the longest a host waits to answer a
    /// general query, the max response code (default 10 s).
    pub query_response_interval: u32,
    /// Last member query interval: between group-specific queries, and
    /// their max response code (default 1 s).
    pub last_member_interval: u32,
    /// Robustness variable (1 to 7, default 2): the startup query count,
    /// the last member query count and the QRV of the queries.
    pub robustness: u8,
}

impl IgmpTimers {
    /// RFC 3376's defaults (and the Linux bridge's).
    pub const DEFAULT: Self = Self {
        query_interval: 125_000,
        query_response_interval: 10_000,
        last_member_interval: 1_000,
        robustness: 2,
    };

    /// Group membership interval (8.4): robustness × query interval +
    /// query response interval.
    pub fn membership_interval(&self) -> u64 {
        u64::from(self.robustness) * u64::from(self.query_interval)
            + u64::from(self.query_response_interval)
    }

    /// Other querier present interval (8.5): robustness × query interval
    /// + half the query response interval.
    pub fn other_querier_present(&self) -> u64 {
        u64::from(self.robustness) * u64::from(self.query_interval)
            + u64::from(self.query_response_interval / 2)
    }

    /// Startup query interval (8.6): a quarter of the query interval.
    pub fn startup_query_interval(&self) -> u64 {
        u64::from(self.query_interval / 4)
    }

    /// Last member query time (8.14): last member query count (the
    /// robustness) × last member query interval.
    pub fn last_member_query_time(&self) -> u64 {
        u64::from(self.robustness) * u64::from(self.last_member_interval)
    }
}

impl Default for IgmpTimers {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What an IGMP message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A host on the link wants the group (or some of its sources).
    Join(Ipv4Addr),
    /// A host left the group: it may have been the last.
    Leave(Ipv4Addr),
    /// Another router's query: general (`group` 0.0.0.0) or about
    /// `group`; `suppress` is IGMPv3's S flag (router-side processing
    /// suppressed).
    Query {
        /// 0.0.0.0 for a general query.
        group: Ipv4Addr,
        /// The S flag of an IGMPv3 query (false for v1/v2).
        suppress: bool,
    },
}

/// Why an IGMP message was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgmpError {
    /// Too short, a record running past the end, or a bad checksum
    /// (`igmp_rcv`'s checks).
    Malformed,
}

/// The events of the IGMP message `msg` (the IP payload), in order, to
/// `f`: reports and leaves of IGMPv1/v2, the group records of an IGMPv3
/// report, a query. Unknown types give none.
/// Groups that are not multicast, and link-local groups (224.0.0.0/24,
/// never routed), are skipped.
pub fn events(msg: &[u8], mut f: impl FnMut(Event)) -> Result<(), IgmpError> {
    if msg.len() < 8 || checksum::checksum(msg) != 0 {
        return Err(IgmpError::Malformed);
    }
    let group_at = |i: usize| -> Option<Ipv4Addr> {
        let b = msg.get(i..i + 4)?;
        Some(Ipv4Addr::from_octets([b[0], b[1], b[2], b[3]]))
    };
    let mut emit = |e: Event| {
        let (Event::Join(g) | Event::Leave(g) | Event::Query { group: g, .. }) = e;
        if g.is_multicast() && !g.is_local_multicast() {
            f(e);
        }
    };
    match msg[0] {
        V1_REPORT | V2_REPORT => {
            if let Some(g) = group_at(4) {
                emit(Event::Join(g));
            }
        }
        V2_LEAVE => {
            if let Some(g) = group_at(4) {
                emit(Event::Leave(g));
            }
        }
        V3_REPORT => {
            let n = usize::from(u16::from_be_bytes([msg[6], msg[7]]));
            let mut at = 8usize;
            for _ in 0..n {
                let rec = msg.get(at..at + 8).ok_or(IgmpError::Malformed)?;
                let kind = rec[0];
                let aux_words = usize::from(rec[1]);
                let sources = usize::from(u16::from_be_bytes([rec[2], rec[3]]));
                let group = Ipv4Addr::from_octets([rec[4], rec[5], rec[6], rec[7]]);
                let len = 8 + 4 * sources + 4 * aux_words;
                if msg.len() < at + len {
                    return Err(IgmpError::Malformed);
                }
                match kind {
                    MODE_IS_EXCLUDE | CHANGE_TO_EXCLUDE => emit(Event::Join(group)),
                    MODE_IS_INCLUDE | CHANGE_TO_INCLUDE | ALLOW_NEW_SOURCES if sources > 0 => {
                        emit(Event::Join(group))
                    }
                    MODE_IS_INCLUDE | CHANGE_TO_INCLUDE => emit(Event::Leave(group)),
                    // BLOCK_OLD_SOURCES, unknown: no change of membership.
                    _ => {}
                }
                at += len;
            }
        }
        MEMBERSHIP_QUERY => {
            let group = group_at(4).unwrap_or(Ipv4Addr::UNSPECIFIED);
            // An IGMPv3 query is 12 bytes or more (igmp_heard_query).
            let suppress = msg.len() >= 12 && msg[8] & 0x08 != 0;
            let q = Event::Query { group, suppress };
            if group.is_unspecified() {
                f(q);
            } else {
                emit(q);
            }
        }
        // An unknown type.
        _ => {}
    }
    Ok(())
}

/// One group with members on one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// The port (a VIF).
    pub port: PortId,
    /// The group.
    pub group: Ipv4Addr,
    /// The host whose report was the last one.
    pub reporter: Ipv4Addr,
    /// When the membership ends unless a report comes (ms).
    pub expires: u64,
}

/// The groups with members on the router's VIFs.
#[derive(Default)]
pub struct Memberships {
    entries: TryVec<Membership, GfpAtomic>,
}

impl Memberships {
    /// No member anywhere.
    pub fn new() -> Self {
        Self {
            entries: TryVec::new(),
        }
    }

    /// The memberships.
    pub fn iter(&self) -> impl Iterator<Item = &Membership> {
        self.entries.iter()
    }

    /// Whether `group` has members on `port`.
    pub fn has_members(&self, port: PortId, group: Ipv4Addr) -> bool {
        self.entries
            .iter()
            .any(|m| m.port == port && m.group == group)
    }

    /// A report from `reporter` on `port` at `now`: (port, group) is a
    /// member for `interval` ms (the group membership interval). Returns
    /// whether the membership is new. Beyond [`MAX_MEMBERSHIPS`], or
    /// without memory, a new one is not kept.
    pub fn report(
        &mut self,
        port: PortId,
        group: Ipv4Addr,
        reporter: Ipv4Addr,
        now: u64,
        interval: u64,
    ) -> bool {
        let expires = now.saturating_add(interval);
        if let Some(m) = self
            .entries
            .iter_mut()
            .find(|m| m.port == port && m.group == group)
        {
            m.expires = expires;
            m.reporter = reporter;
            return false;
        }
        if self.entries.len() >= MAX_MEMBERSHIPS {
            return false;
        }
        self.entries
            .try_push(Membership {
                port,
                group,
                reporter,
                expires,
            })
            .is_ok()
    }

    /// A leave on `port` at `now` (or a group-specific query heard): the
    /// membership ends after `lmqt` ms (the last member query time)
    /// unless a member reports.
    pub fn leave(&mut self, port: PortId, group: Ipv4Addr, now: u64, lmqt: u64) {
        let soon = now.saturating_add(lmqt);
        for m in self
            .entries
            .iter_mut()
            .filter(|m| m.port == port && m.group == group)
        {
            m.expires = m.expires.min(soon);
        }
    }

    /// Removes the memberships whose time ran out by `now`; returns how
    /// many.
    pub fn expire(&mut self, now: u64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|m| m.expires > now);
        before - self.entries.len()
    }

    /// Forgets every membership of `port` (it is no VIF any more).
    pub fn remove_port(&mut self, port: PortId) {
        self.entries.retain(|m| m.port != port);
    }
}

/// A query to send on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    /// A general query, to 224.0.0.1.
    General,
    /// A group-specific query, to the group.
    Group(Ipv4Addr),
}

/// The querier's state on one VIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VifQuerier {
    /// The VIF's port.
    pub port: PortId,
    /// The other router that is the link's querier (its lower address
    /// won the election), until [`VifQuerier::other_until`].
    pub other: Option<Ipv4Addr>,
    /// When the other querier counts as gone (ms).
    pub other_until: u64,
    /// When the next general query is due (ms).
    next_general: u64,
    /// Startup queries still to send.
    startup_left: u8,
}

/// Group-specific queries still to send after a leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GroupQueries {
    port: PortId,
    group: Ipv4Addr,
    left: u8,
    next_at: u64,
}

/// The querier of every VIF (RFC 3376 6.1, 6.6.2, 6.6.3).
#[derive(Default)]
pub struct Querier {
    vifs: TryVec<VifQuerier, GfpAtomic>,
    groups: TryVec<GroupQueries, GfpAtomic>,
    /// Whether `igmp_querier` was on at the last [`Querier::due`]: it
    /// turning on starts every VIF up.
    active: bool,
}

impl Querier {
    /// No VIF.
    pub fn new() -> Self {
        Self {
            vifs: TryVec::new(),
            groups: TryVec::new(),
            active: false,
        }
    }

    /// The state of each VIF.
    pub fn vifs(&self) -> impl Iterator<Item = &VifQuerier> {
        self.vifs.iter()
    }

    /// `port` became a VIF at `now`: it starts up (its first general query
    /// is due at once). Without memory it never queries.
    pub fn vif_up(&mut self, port: PortId, now: u64, t: &IgmpTimers) {
        self.vif_down(port);
        let _ = self.vifs.try_push(VifQuerier {
            port,
            other: None,
            other_until: 0,
            next_general: now,
            startup_left: t.robustness,
        });
    }

    /// `port` is no VIF any more: nothing more is sent on it.
    pub fn vif_down(&mut self, port: PortId) {
        self.vifs.retain(|v| v.port != port);
        self.groups.retain(|g| g.port != port);
    }

    /// Whether the router is the querier on `port` at `now`: the querier is
    /// on (`enabled`), the port is a VIF and no other querier is present.
    pub fn is_querier(&self, port: PortId, enabled: bool, now: u64) -> bool {
        enabled
            && self
                .vifs
                .iter()
                .any(|v| v.port == port && (v.other.is_none() || v.other_until <= now))
    }

    /// A query from `from` heard on `port` at `now`, where the router's
    /// own address is `ours` (0.0.0.0: none, any querier wins): a lower
    /// address is the querier for the other querier present interval
    /// (RFC 3376 6.6.2); the router stops querying meanwhile, and its
    /// pending group-specific queries there are dropped. Returns whether
    /// the sender is (now) the querier.
    pub fn heard_query(
        &mut self,
        port: PortId,
        from: Ipv4Addr,
        ours: Ipv4Addr,
        now: u64,
        t: &IgmpTimers,
    ) -> bool {
        if from.is_unspecified() || (!ours.is_unspecified() && from.to_bits() >= ours.to_bits()) {
            return false;
        }
        let mut found = false;
        for v in self.vifs.iter_mut().filter(|v| v.port == port) {
            v.other = Some(from);
            v.other_until = now.saturating_add(t.other_querier_present());
            found = true;
        }
        if found {
            self.groups.retain(|g| g.port != port);
        }
        found
    }

    /// A leave for `group` on `port` at `now`: as the querier, the router
    /// asks whether members remain, robustness times one last member query
    /// interval apart (the first at once). Bounded by [`MAX_MEMBERSHIPS`].
    pub fn leave(
        &mut self,
        port: PortId,
        group: Ipv4Addr,
        enabled: bool,
        now: u64,
        t: &IgmpTimers,
    ) {
        if !self.is_querier(port, enabled, now) {
            return;
        }
        if let Some(g) = self
            .groups
            .iter_mut()
            .find(|g| g.port == port && g.group == group)
        {
            g.left = t.robustness;
            g.next_at = now;
            return;
        }
        if self.groups.len() < MAX_MEMBERSHIPS {
            let _ = self.groups.try_push(GroupQueries {
                port,
                group,
                left: t.robustness,
                next_at: now,
            });
        }
    }

    /// A report for `group` on `port`: a member remains, the queries
    /// asking for one stop.
    pub fn report(&mut self, port: PortId, group: Ipv4Addr) {
        self.groups.retain(|g| g.port != port || g.group != group);
    }

    /// The queries due at `now`, to `f`, and the next ones scheduled. The
    /// querier turning on (`enabled` after it was off) starts every VIF
    /// up; an other querier's time running out makes the router the
    /// querier again (RFC 3376 6.6.2), starting up as on a new VIF (the
    /// bridge's `br_multicast_querier_expired`).
    pub fn due(
        &mut self,
        now: u64,
        enabled: bool,
        t: &IgmpTimers,
        mut f: impl FnMut(PortId, Query),
    ) {
        if !enabled {
            self.active = false;
            self.groups.clear();
            return;
        }
        if !self.active {
            self.active = true;
            for v in self.vifs.iter_mut() {
                v.next_general = now;
                v.startup_left = t.robustness;
            }
        }
        for v in self.vifs.iter_mut() {
            if v.other.is_some() {
                if v.other_until > now {
                    continue;
                }
                // It starts up again, as the bridge does
                // (br_multicast_querier_expired).
                v.other = None;
                v.next_general = now;
                v.startup_left = t.robustness;
            }
            if v.next_general > now {
                continue;
            }
            f(v.port, Query::General);
            v.startup_left = v.startup_left.saturating_sub(1);
            let wait = if v.startup_left > 0 {
                t.startup_query_interval()
            } else {
                u64::from(t.query_interval)
            };
            // From when it was due, so that a late tick does not delay
            // every later query; from now if it is far behind.
            let wait = wait.max(1);
            let base = if v.next_general.saturating_add(wait) > now {
                v.next_general
            } else {
                now
            };
            v.next_general = base.saturating_add(wait);
        }
        for g in self.groups.iter_mut() {
            if g.next_at <= now && g.left > 0 {
                f(g.port, Query::Group(g.group));
                g.left -= 1;
                g.next_at = now.saturating_add(u64::from(t.last_member_interval).max(1));
            }
        }
        self.groups.retain(|g| g.left > 0);
    }
}

/// The length of a query [`build_query`] writes: an IP header with the
/// Router Alert option (24 bytes) and an IGMPv3 query without sources.
pub const QUERY_LEN: usize = 24 + 12;

/// A time in tenths of a second as an IGMPv3 code (RFC 3376 4.1.1, 4.1.7):
/// below 128 itself, else a floating-point exponent and mantissa (the
/// largest, 31744, for anything beyond).
pub fn encode_code(v: u32) -> u8 {
    if v < 128 {
        return v as u8;
    }
    // v = (mant | 0x10) << (exp + 3), mant 4 bits, exp 3 bits.
    for exp in 0u32..8 {
        let mant = (v >> (exp + 3)).saturating_sub(0x10);
        if mant < 0x10 {
            return 0x80 | (exp as u8) << 4 | mant as u8;
        }
    }
    0xff
}

/// Writes a query from `src` into `buf` ([`QUERY_LEN`] bytes) and returns
/// its length: to 224.0.0.1 for a general query (max response code the
/// query response interval), to the group for a group-specific one (the
/// last member query interval); IGMPv3 with QRV the robustness (0 beyond
/// 7) and QQIC the query interval. The IP header is the Linux bridge's
/// (`br_ip4_multicast_alloc_query`): TOS 0xc0, ID 0, DF, TTL 1, Router
/// Alert. `None` if `buf` is too short.
pub fn build_query(buf: &mut [u8], src: Ipv4Addr, q: Query, t: &IgmpTimers) -> Option<usize> {
    use crate::ipv4::wire::ipv4::{Packet, IP_DF, PROTO_IGMP};
    let buf = buf.get_mut(..QUERY_LEN)?;
    let (dst, group, code) = match q {
        Query::General => (ALL_HOSTS, Ipv4Addr::UNSPECIFIED, t.query_response_interval),
        Query::Group(g) => (g, g, t.last_member_interval),
    };
    buf.fill(0);
    {
        let mut ip = Packet::new_unchecked(&mut buf[..]);
        ip.set_version_and_header_len(4, 24);
        ip.set_tos(0xc0);
        ip.set_total_len(QUERY_LEN as u16);
        ip.set_ident(0);
        ip.set_frag_field(IP_DF);
        ip.set_ttl(1);
        ip.set_protocol(PROTO_IGMP);
        ip.set_src_addr(src);
        ip.set_dst_addr(dst);
    }
    // IPOPT_RA: length 4, value 0 (every router examines the packet).
    buf[20..24].copy_from_slice(&[0x94, 4, 0, 0]);
    Packet::new_unchecked(&mut buf[..]).fill_checksum();
    let igmp = &mut buf[24..];
    igmp[0] = MEMBERSHIP_QUERY;
    igmp[1] = encode_code(code / 100);
    igmp[4..8].copy_from_slice(&group.octets());
    igmp[8] = if t.robustness <= 7 { t.robustness } else { 0 };
    igmp[9] = encode_code(t.query_interval / 1000);
    let c = checksum::checksum(igmp);
    igmp[2..4].copy_from_slice(&c.to_be_bytes());
    Some(QUERY_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn a(o: [u8; 4]) -> Ipv4Addr {
        Ipv4Addr::from_octets(o)
    }

    /// `body` with its checksum filled in (bytes 2..4).
    fn sum(mut body: Vec<u8>) -> Vec<u8> {
        body[2] = 0;
        body[3] = 0;
        let c = checksum::checksum(&body);
        body[2..4].copy_from_slice(&c.to_be_bytes());
        body
    }

    fn collect(msg: &[u8]) -> Result<Vec<Event>, IgmpError> {
        let mut v = Vec::new();
        events(msg, |e| v.push(e))?;
        Ok(v)
    }

    #[test]
    fn v2_reports_and_leaves() {
        let g = a([239, 1, 1, 1]);
        let report = sum(vec![V2_REPORT, 0, 0, 0, 239, 1, 1, 1]);
        assert_eq!(collect(&report), Ok(vec![Event::Join(g)]));
        let leave = sum(vec![V2_LEAVE, 0, 0, 0, 239, 1, 1, 1]);
        assert_eq!(collect(&leave), Ok(vec![Event::Leave(g)]));
        // A bad checksum, a short message.
        let mut bad = report.clone();
        bad[7] ^= 1;
        assert_eq!(collect(&bad), Err(IgmpError::Malformed));
        assert_eq!(collect(&report[..6]), Err(IgmpError::Malformed));
        // Link-local groups are no routing matter.
        let ll = sum(vec![V2_REPORT, 0, 0, 0, 224, 0, 0, 251]);
        assert_eq!(collect(&ll), Ok(vec![]));
        // Queries: general, group-specific, v3 with the S flag.
        let q = sum(vec![MEMBERSHIP_QUERY, 100, 0, 0, 0, 0, 0, 0]);
        let general = Event::Query {
            group: Ipv4Addr::UNSPECIFIED,
            suppress: false,
        };
        assert_eq!(collect(&q), Ok(vec![general]));
        let q = sum(vec![
            MEMBERSHIP_QUERY,
            10,
            0,
            0,
            239,
            1,
            1,
            1,
            0x0a,
            125,
            0,
            0,
        ]);
        let specific = Event::Query {
            group: g,
            suppress: true,
        };
        assert_eq!(collect(&q), Ok(vec![specific]));
    }

    #[test]
    fn v3_records_join_and_leave() {
        // TO_EX {} (a join), TO_IN {} (a leave), IS_IN {10.9.9.9} (a
        // source-specific join), BLOCK (nothing).
        let msg = sum(vec![
            V3_REPORT,
            0,
            0,
            0,
            0,
            0,
            0,
            4, //
            CHANGE_TO_EXCLUDE,
            0,
            0,
            0,
            239,
            1,
            1,
            1, //
            CHANGE_TO_INCLUDE,
            0,
            0,
            0,
            239,
            1,
            1,
            2, //
            MODE_IS_INCLUDE,
            0,
            0,
            1,
            232,
            1,
            1,
            3,
            10,
            9,
            9,
            9, //
            6,
            0,
            0,
            1,
            239,
            1,
            1,
            4,
            10,
            9,
            9,
            9,
        ]);
        assert_eq!(
            collect(&msg),
            Ok(vec![
                Event::Join(a([239, 1, 1, 1])),
                Event::Leave(a([239, 1, 1, 2])),
                Event::Join(a([232, 1, 1, 3])),
            ])
        );
        // A record that claims more sources than there are bytes.
        let short = sum(vec![
            V3_REPORT,
            0,
            0,
            0,
            0,
            0,
            0,
            1, //
            MODE_IS_INCLUDE,
            0,
            0,
            9,
            239,
            1,
            1,
            1,
        ]);
        assert_eq!(collect(&short), Err(IgmpError::Malformed));
    }

    const GROUP_MEMBERSHIP_MS: u64 = 260_000;
    const LAST_MEMBER_QUERY_MS: u64 = 2_000;

    #[test]
    fn default_timers_are_rfc_3376s() {
        let t = IgmpTimers::DEFAULT;
        assert_eq!(t.membership_interval(), GROUP_MEMBERSHIP_MS);
        assert_eq!(t.other_querier_present(), 255_000);
        assert_eq!(t.startup_query_interval(), 31_250);
        assert_eq!(t.last_member_query_time(), LAST_MEMBER_QUERY_MS);
    }

    #[test]
    fn memberships_live_for_the_interval_and_leaves_shorten_it() {
        let (p, g, h) = (PortId(1), a([239, 1, 1, 1]), a([10, 2, 0, 2]));
        let gmi = GROUP_MEMBERSHIP_MS;
        let lmqt = LAST_MEMBER_QUERY_MS;
        let mut m = Memberships::new();
        assert!(m.report(p, g, h, 0, gmi));
        assert!(!m.report(p, g, h, 1000, gmi));
        assert!(m.has_members(p, g));
        assert_eq!(m.expire(1000 + GROUP_MEMBERSHIP_MS - 1), 0);
        assert_eq!(m.expire(1000 + GROUP_MEMBERSHIP_MS), 1);
        assert!(!m.has_members(p, g));
        // A leave: gone after the last member query time, unless a member
        // reports meanwhile.
        m.report(p, g, h, 0, gmi);
        m.leave(p, g, 10_000, lmqt);
        assert_eq!(m.expire(10_000 + LAST_MEMBER_QUERY_MS - 1), 0);
        m.report(p, g, a([10, 2, 0, 3]), 10_500, gmi);
        assert_eq!(m.expire(10_000 + LAST_MEMBER_QUERY_MS), 0);
        m.leave(p, g, 20_000, lmqt);
        assert_eq!(m.expire(20_000 + LAST_MEMBER_QUERY_MS), 1);
        // Bounded.
        for i in 0..MAX_MEMBERSHIPS as u32 {
            assert!(m.report(PortId(2), Ipv4Addr::from_bits(0xef00_0000 + i), h, 0, gmi));
        }
        assert!(!m.report(PortId(3), g, h, 0, gmi));
        m.remove_port(PortId(2));
        assert_eq!(m.iter().count(), 0);
    }

    /// Runs the querier from `from` to `to` in 100 ms steps; the queries
    /// with their times.
    fn run(q: &mut Querier, from: u64, to: u64, t: &IgmpTimers) -> Vec<(u64, PortId, Query)> {
        let mut out = Vec::new();
        let mut now = from;
        while now <= to {
            q.due(now, true, t, |p, k| out.push((now, p, k)));
            now += 100;
        }
        out
    }

    #[test]
    fn querier_starts_up_then_queries_every_interval() {
        let t = IgmpTimers {
            query_interval: 4_000,
            ..IgmpTimers::DEFAULT
        };
        let mut q = Querier::new();
        let p = PortId(3);
        q.vif_up(p, 0, &t);
        let sent = run(&mut q, 0, 13_000, &t);
        let times: Vec<u64> = sent.iter().map(|s| s.0).collect();
        // Robustness (2) startup queries a quarter interval apart, then
        // one every interval.
        assert_eq!(times, vec![0, 1_000, 5_000, 9_000, 13_000]);
        assert!(sent.iter().all(|s| s.1 == p && s.2 == Query::General));
        // Off: nothing; on again: a new startup.
        q.due(13_100, false, &t, |_, _| panic!("querier off"));
        let sent = run(&mut q, 20_000, 21_000, &t);
        assert_eq!(
            sent.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![20_000, 21_000]
        );
        q.vif_down(p);
        assert!(run(&mut q, 30_000, 40_000, &t).is_empty());
        // A late tick does not shift the schedule; one far behind
        // restarts it from then.
        q.vif_up(p, 0, &t);
        let mut at = Vec::new();
        for now in [0, 1_150, 5_150, 9_150, 30_000, 34_000] {
            q.due(now, true, &t, |_, _| at.push(now));
        }
        assert_eq!(at, vec![0, 1_150, 5_150, 9_150, 30_000, 34_000]);
        let mut next = Vec::new();
        q.due(37_999, true, &t, |_, _| next.push(37_999));
        q.due(38_000, true, &t, |_, _| next.push(38_000));
        assert_eq!(next, vec![38_000]);
    }

    #[test]
    fn a_lower_querier_silences_the_router_until_it_is_gone() {
        let t = IgmpTimers {
            query_interval: 4_000,
            query_response_interval: 1_000,
            ..IgmpTimers::DEFAULT
        };
        let (p, ours) = (PortId(1), a([10, 2, 0, 5]));
        let mut q = Querier::new();
        q.vif_up(p, 0, &t);
        run(&mut q, 0, 0, &t);
        // A higher address loses, 0.0.0.0 is no querier.
        assert!(!q.heard_query(p, a([10, 2, 0, 9]), ours, 500, &t));
        assert!(!q.heard_query(p, Ipv4Addr::UNSPECIFIED, ours, 500, &t));
        assert!(q.is_querier(p, true, 500));
        // A lower one wins for 2 × 4 s + 0.5 s.
        assert!(q.heard_query(p, a([10, 2, 0, 1]), ours, 600, &t));
        assert!(!q.is_querier(p, true, 600));
        q.leave(p, a([239, 1, 1, 1]), true, 700, &t);
        assert!(run(&mut q, 600, 9_000, &t).is_empty());
        // Then the router takes over, starting up again.
        let sent = run(&mut q, 9_100, 10_100, &t);
        assert_eq!(
            sent,
            vec![(9_100, p, Query::General), (10_100, p, Query::General)]
        );
        assert!(q.is_querier(p, true, 9_100));
        // Without an address of its own, any querier wins.
        assert!(q.heard_query(p, a([10, 2, 0, 9]), Ipv4Addr::UNSPECIFIED, 9_300, &t));
    }

    #[test]
    fn a_leave_brings_robustness_group_queries_unless_a_member_reports() {
        let t = IgmpTimers::DEFAULT;
        let (p, g) = (PortId(1), a([239, 1, 1, 1]));
        let mut q = Querier::new();
        q.vif_up(p, 0, &t);
        run(&mut q, 0, 0, &t);
        q.leave(p, g, true, 10_000, &t);
        let sent = run(&mut q, 10_000, 13_000, &t);
        assert_eq!(
            sent,
            vec![(10_000, p, Query::Group(g)), (11_000, p, Query::Group(g))]
        );
        q.leave(p, g, true, 20_000, &t);
        run(&mut q, 20_000, 20_000, &t);
        q.report(p, g);
        assert!(run(&mut q, 20_100, 25_000, &t).is_empty());
        // Not the querier (off): no group query.
        q.leave(p, g, false, 30_000, &t);
        assert!(run(&mut q, 30_000, 31_000, &t).is_empty());
    }

    #[test]
    fn codes_use_the_floating_point_form_from_128() {
        assert_eq!(encode_code(100), 100);
        assert_eq!(encode_code(127), 127);
        // 128 = 0x10 << 3: exp 0, mant 0.
        assert_eq!(encode_code(128), 0x80);
        // 1250 (125 s): (0x13 << 6) = 1216 is the largest below: exp 3.
        let c = encode_code(1250);
        let back = (u32::from(c & 0x0f) | 0x10) << (u32::from((c >> 4) & 7) + 3);
        assert_eq!((c & 0x80, back), (0x80, 1216));
        assert_eq!(encode_code(31_744), 0xff);
        assert_eq!(encode_code(u32::MAX), 0xff);
    }

    #[test]
    fn queries_are_built_as_the_bridge_builds_them() {
        use crate::ipv4::wire::ipv4::Packet;
        let t = IgmpTimers::DEFAULT;
        let mut buf = [0u8; QUERY_LEN];
        let n = build_query(&mut buf, a([10, 2, 0, 1]), Query::General, &t).unwrap();
        assert_eq!(n, 36);
        let ip = Packet::new_unchecked(&buf[..]);
        assert!(ip.verify_checksum());
        assert_eq!(
            (ip.header_len(), ip.tos(), ip.ttl(), ip.ident()),
            (24, 0xc0, 1, 0)
        );
        assert!(ip.dont_frag());
        assert_eq!(ip.dst_addr(), ALL_HOSTS);
        assert_eq!(&buf[20..24], &[0x94, 4, 0, 0]);
        let igmp = &buf[24..];
        assert_eq!(checksum::checksum(igmp), 0);
        assert_eq!(&igmp[..2], &[0x11, 100]);
        assert_eq!(&igmp[4..], &[0, 0, 0, 0, 2, 125, 0, 0]);
        let g = a([239, 1, 1, 1]);
        build_query(&mut buf, a([10, 2, 0, 1]), Query::Group(g), &t).unwrap();
        let ip = Packet::new_unchecked(&buf[..]);
        assert_eq!(ip.dst_addr(), g);
        assert_eq!((buf[25], &buf[28..32]), (10, &[239, 1, 1, 1][..]));
        assert!(build_query(&mut buf[..35], Ipv4Addr::UNSPECIFIED, Query::General, &t).is_none());
    }
}

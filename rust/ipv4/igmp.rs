// SPDX-License-Identifier: GPL-2.0

//! IGMP membership as a multicast router learns it from the reports of the
//! hosts on its VIFs (RFC 2236 for IGMPv1/v2, RFC 3376 for IGMPv3), what a
//! multicast routing daemon (mrouted, pimd, igmpproxy) keeps in Linux: the
//! kernel's own igmp.c tracks only the host side.
//!
//! A report makes (port, group) a member until the group membership
//! interval runs out ([`GROUP_MEMBERSHIP_MS`], RFC 3376 8.4: robustness 2 ×
//! query interval 125 s + query response interval 10 s); a later report
//! refreshes it. A leave (IGMPv2 Leave Group, an IGMPv3 record that
//! changes to or is INCLUDE with no source) shortens it to the last member
//! query time ([`LAST_MEMBER_QUERY_MS`], 2 × 1 s), in which a remaining
//! member's report keeps the group. The table is bounded
//! ([`MAX_MEMBERSHIPS`]): a report beyond it is ignored.
//!
//! Not here (yet): sending queries (the querier), which a host needs to
//! report again after its unsolicited reports; without one a membership
//! lasts one membership interval past the last report.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::iface::PortId;
use crate::platform::{GfpAtomic, TryVec};

/// `IGMP_ALL_ROUTER`, 224.0.0.2: routers listen on it (IGMPv2 leaves go
/// there), as a routing daemon's socket joins it.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// `IGMPV3_ALL_MCR`, 224.0.0.22: where IGMPv3 reports go.
pub const V3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

/// Group membership interval: robustness variable (2) × query interval
/// (125 s) + query response interval (10 s).
pub const GROUP_MEMBERSHIP_MS: u64 = 2 * 125_000 + 10_000;
/// Last member query time: last member query count (2) × last member
/// query interval (1 s).
pub const LAST_MEMBER_QUERY_MS: u64 = 2 * 1_000;
/// At most this many (port, group) memberships are kept.
pub const MAX_MEMBERSHIPS: usize = 1024;

#[cfg(test)]
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

/// What a report says about a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A host on the link wants the group (or some of its sources).
    Join(Ipv4Addr),
    /// A host left the group: it may have been the last.
    Leave(Ipv4Addr),
}

/// Why an IGMP message was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgmpError {
    /// Too short, a record running past the end, or a bad checksum
    /// (`igmp_rcv`'s checks).
    Malformed,
}

/// The membership events of the IGMP message `msg` (the IP payload), in
/// order, to `f`: reports and leaves of IGMPv1/v2, the group records of an
/// IGMPv3 report. Queries (another querier) and unknown types give none.
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
        let (Event::Join(g) | Event::Leave(g)) = e;
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
        // Another router's query (the lowest address would be the
        // querier; ferroute sends no queries), or an unknown type.
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
    /// member for [`GROUP_MEMBERSHIP_MS`]. Returns whether the membership
    /// is new. Beyond [`MAX_MEMBERSHIPS`], or without memory, a new one is
    /// not kept.
    pub fn report(&mut self, port: PortId, group: Ipv4Addr, reporter: Ipv4Addr, now: u64) -> bool {
        let expires = now.saturating_add(GROUP_MEMBERSHIP_MS);
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

    /// A leave on `port` at `now`: the membership ends after the last
    /// member query time unless another member reports.
    pub fn leave(&mut self, port: PortId, group: Ipv4Addr, now: u64) {
        let soon = now.saturating_add(LAST_MEMBER_QUERY_MS);
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
        // Queries change nothing.
        let q = sum(vec![MEMBERSHIP_QUERY, 100, 0, 0, 0, 0, 0, 0]);
        assert_eq!(collect(&q), Ok(vec![]));
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

    #[test]
    fn memberships_live_for_the_interval_and_leaves_shorten_it() {
        let (p, g, h) = (PortId(1), a([239, 1, 1, 1]), a([10, 2, 0, 2]));
        let mut m = Memberships::new();
        assert!(m.report(p, g, h, 0));
        assert!(!m.report(p, g, h, 1000));
        assert!(m.has_members(p, g));
        assert_eq!(m.expire(1000 + GROUP_MEMBERSHIP_MS - 1), 0);
        assert_eq!(m.expire(1000 + GROUP_MEMBERSHIP_MS), 1);
        assert!(!m.has_members(p, g));
        // A leave: gone after the last member query time, unless a member
        // reports meanwhile.
        m.report(p, g, h, 0);
        m.leave(p, g, 10_000);
        assert_eq!(m.expire(10_000 + LAST_MEMBER_QUERY_MS - 1), 0);
        m.report(p, g, a([10, 2, 0, 3]), 10_500);
        assert_eq!(m.expire(10_000 + LAST_MEMBER_QUERY_MS), 0);
        m.leave(p, g, 20_000);
        assert_eq!(m.expire(20_000 + LAST_MEMBER_QUERY_MS), 1);
        // Bounded.
        for i in 0..MAX_MEMBERSHIPS as u32 {
            assert!(m.report(PortId(2), Ipv4Addr::from_bits(0xef00_0000 + i), h, 0));
        }
        assert!(!m.report(PortId(3), g, h, 0));
        m.remove_port(PortId(2));
        assert_eq!(m.iter().count(), 0);
    }
}

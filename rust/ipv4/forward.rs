// SPDX-License-Identifier: GPL-2.0

//! Forwarding decisions: `ip_forward` of net/ipv4/ip_forward.c, on the
//! bytes of a packet whose input route is
//! [`crate::ipv4::route::InputRoute::Forward`].

use crate::ipv4::icmp::IcmpErrorMsg;
use crate::ipv4::stats::{DropReason, IpStat};
use crate::ipv4::wire::ethernet::PacketType;
use crate::ipv4::wire::ipv4::{Packet, HEADER_LEN};

/// Why `ip_forward` refused a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardError {
    /// Not addressed to the router at the link layer ("should never
    /// happen": route input only forwards `PACKET_HOST`).
    NotHost,
    /// The buffer does not hold an IPv4 header.
    Malformed,
    /// TTL would reach 0 (`too_many_hops`).
    TtlExceeded,
    /// Bigger than the egress MTU with DF set (`ip_exceeds_mtu`).
    FragNeeded {
        /// The egress MTU, to report.
        mtu: u16,
    },
}

impl ForwardError {
    /// The drop reason.
    pub const fn drop_reason(self) -> DropReason {
        match self {
            ForwardError::NotHost | ForwardError::Malformed => DropReason::NotSpecified,
            ForwardError::TtlExceeded => DropReason::IpInhdr,
            ForwardError::FragNeeded { .. } => DropReason::PktTooBig,
        }
    }

    /// The IPSTATS counters `ip_forward` bumps: InHdrErrors for an expired
    /// TTL; ForwDatagrams and FragFails for a too-big packet (Linux counts
    /// the forward before the MTU check).
    pub const fn ip_stats(self) -> &'static [IpStat] {
        match self {
            ForwardError::NotHost | ForwardError::Malformed => &[],
            ForwardError::TtlExceeded => &[IpStat::InHdrErrors],
            ForwardError::FragNeeded { .. } => &[IpStat::OutForwDatagrams, IpStat::FragFails],
        }
    }

    /// The ICMP error to send back (after
    /// [`crate::ipv4::icmp::should_send_error`] and the rate limit).
    pub const fn icmp(self) -> Option<IcmpErrorMsg> {
        match self {
            ForwardError::NotHost | ForwardError::Malformed => None,
            ForwardError::TtlExceeded => Some(IcmpErrorMsg::ttl_exceeded()),
            ForwardError::FragNeeded { mtu } => Some(IcmpErrorMsg::frag_needed(mtu)),
        }
    }
}

/// A packet `ip_forward` passed, with its TTL decremented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forwarded {
    /// Larger than the MTU with DF clear: it must be fragmented
    /// (`ip_fragment`, [`crate::ipv4::fragment`]).
    pub needs_fragmentation: bool,
}

/// `ip_forward` on `packet` (from the IPv4 header to `tot_len`, already
/// validated by [`crate::ipv4::receive::ip_rcv_core`]) received as
/// `pkt_type`, to leave through a port of MTU `mtu`; for a GSO packet,
/// `gso_fits` says whether its segments fit (`skb_gso_validate_network_len`)
/// and its own length does not matter. On success the TTL is
/// decremented with an incremental checksum update (`ip_decrease_ttl`);
/// count ForwDatagrams. Redirects are the caller's (they need the route).
#[inline(always)]
pub fn ip_forward(
    packet: &mut [u8],
    pkt_type: PacketType,
    mtu: u16,
    gso_fits: Option<bool>,
) -> Result<Forwarded, ForwardError> {
    if pkt_type != PacketType::Host {
        return Err(ForwardError::NotHost);
    }
    if packet.len() < HEADER_LEN {
        return Err(ForwardError::Malformed);
    }
    let mut p = Packet::new_unchecked(packet);
    if p.ttl() <= 1 {
        return Err(ForwardError::TtlExceeded);
    }
    // ip_exceeds_mtu: a GSO super-packet is judged by its segments.
    let too_big = match gso_fits {
        Some(fits) => !fits,
        None => usize::from(p.total_len()) > usize::from(mtu),
    };
    if too_big && p.dont_frag() {
        return Err(ForwardError::FragNeeded { mtu });
    }
    p.decrease_ttl();
    Ok(Forwarded {
        needs_fragmentation: too_big,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::wire::ipv4::tests::PING;

    #[test]
    fn decrements_ttl_and_keeps_the_checksum_valid() {
        let mut b = PING;
        assert_eq!(
            ip_forward(&mut b, PacketType::Host, 1500, None),
            Ok(Forwarded {
                needs_fragmentation: false
            })
        );
        let p = Packet::new_unchecked(&b[..]);
        assert_eq!(p.ttl(), 63);
        assert!(p.verify_checksum());
    }

    /// A GSO super-packet is judged by its segments (ip_exceeds_mtu), not
    /// by its total length.
    #[test]
    fn a_gso_packet_is_judged_by_its_segments() {
        let mut b = PING;
        assert!(ip_forward(&mut b, PacketType::Host, 80, Some(true)).is_ok());
        assert_eq!(
            ip_forward(&mut b, PacketType::Host, 1500, Some(false)),
            Err(ForwardError::FragNeeded { mtu: 1500 })
        );
    }

    #[test]
    fn refuses_as_ip_forward_does() {
        let mut b = PING;
        b[8] = 1;
        assert_eq!(
            ip_forward(&mut b, PacketType::Host, 1500, None),
            Err(ForwardError::TtlExceeded)
        );
        assert_eq!(ForwardError::TtlExceeded.ip_stats(), &[IpStat::InHdrErrors]);
        let mut b = PING;
        let e = ip_forward(&mut b, PacketType::Host, 80, None).unwrap_err();
        assert_eq!(e, ForwardError::FragNeeded { mtu: 80 });
        assert_eq!(e.icmp(), Some(IcmpErrorMsg::frag_needed(80)));
        assert_eq!(e.drop_reason(), DropReason::PktTooBig);
        b[6] = 0; // DF clear
        assert_eq!(
            ip_forward(&mut b, PacketType::Host, 80, None),
            Ok(Forwarded {
                needs_fragmentation: true
            })
        );
        assert_eq!(
            ip_forward(&mut b, PacketType::Broadcast, 1500, None),
            Err(ForwardError::NotHost)
        );
        assert_eq!(
            ip_forward(&mut b[..10], PacketType::Host, 1500, None),
            Err(ForwardError::Malformed)
        );
    }
}

// SPDX-License-Identifier: GPL-2.0

//! UDP to the router's own addresses: `__udp4_lib_rcv` of net/ipv4/udp.c
//! for a host with no UDP socket. What it decides and what it counts:
//!
//! | datagram | Linux's path | outcome | Udp MIB |
//! | --- | --- | --- | --- |
//! | under 8 bytes | `drop` | drop `NOT_SPECIFIED` | InErrors |
//! | `len` beyond the packet or under 8 | `short_packet` | drop `PKT_TOO_SMALL` | InErrors |
//! | bad checksum, 76 bytes or less | `udp4_csum_init` fails | drop `UDP_CSUM` | InCsumErrors, InErrors |
//! | to a broadcast or multicast route | `__udp4_lib_mcast_deliver`, no socket | drop | IgnoredMulti |
//! | bad checksum | `udp_lib_checksum_complete` | drop `UDP_CSUM` | InCsumErrors, InErrors |
//! | to port 7 with the echo service on | the echo socket | echoed ([`build_echo_reply`]) | InDatagrams (OutDatagrams when sent) |
//! | otherwise | no socket | ICMP port unreachable, drop `NO_SOCKET` | NoPorts |
//!
//! A checksum the device or the sending stack vouched for
//! (`CHECKSUM_UNNECESSARY`, or `CHECKSUM_PARTIAL` from a local sender on a
//! veth, whose checksum field holds only the pseudo-header sum) is not
//! computed again, as `skb_csum_unnecessary` says; a zero checksum means
//! none (RFC 768). The datagram counts as delivered (IpInDelivers) in every
//! case: `udp_rcv` returns 0, so `ip_protocol_deliver_rcu` counts it.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::stats::{DropReason, UdpStat};
use crate::ipv4::wire::ipv4::{self as wire_ip, Repr, PROTO_UDP};
use crate::ipv4::wire::udp::Packet;
use crate::ipv4::wire::{read_u16, Error};

/// The echo service's port (RFC 862).
pub const ECHO_PORT: u16 = 7;

/// UDP header length.
pub const HEADER_LEN: usize = 8;

/// `CHECKSUM_BREAK`: `__skb_checksum_validate_complete` checks a packet of
/// at most this many bytes at once, in `udp4_csum_init`; a longer one only
/// when it is about to be delivered or answered.
const CHECKSUM_BREAK: usize = 76;

/// What to do with a UDP datagram for the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpInput {
    /// No socket: answer ICMP port unreachable (3/3) and drop it
    /// (`NO_SOCKET`).
    PortUnreachable,
    /// To the echo service: send the datagram back
    /// ([`build_echo_reply`]).
    Echo,
    /// To a broadcast or multicast destination, with no socket: dropped
    /// silently.
    IgnoredMulti,
    /// Dropped for `reason`.
    Drop(DropReason),
}

impl UdpInput {
    /// The Udp MIB counters this outcome moves.
    pub const fn stats(self) -> &'static [UdpStat] {
        match self {
            UdpInput::PortUnreachable => &[UdpStat::NoPorts],
            UdpInput::Echo => &[UdpStat::InDatagrams],
            UdpInput::IgnoredMulti => &[UdpStat::IgnoredMulti],
            UdpInput::Drop(DropReason::UdpCsum) => &[UdpStat::InCsumErrors, UdpStat::InErrors],
            UdpInput::Drop(_) => &[UdpStat::InErrors],
        }
    }
}

/// Whether the UDP checksum of `udp` (header and payload, `len` bytes)
/// verifies for the addresses of `ip`; a zero checksum means none.
fn checksum_ok(ip: &Repr, udp: &[u8]) -> bool {
    if read_u16(udp, 6) == 0 {
        return true;
    }
    let len = u16::try_from(udp.len()).unwrap_or(u16::MAX);
    let s = checksum::add(
        checksum::pseudo_header(ip.src, ip.dst, PROTO_UDP, len),
        checksum::sum(udp),
    );
    checksum::fold(s) == 0xffff
}

/// `__udp4_lib_rcv` for a router with no UDP socket: `payload` is the IP
/// payload (from the UDP header, trimmed to `tot_len`), `csum_valid` says
/// the checksum was vouched for ([`module docs`](self)), `multi` that the
/// input route is broadcast or multicast, `echo` that the echo service is
/// on (`udp_echo`; it answers unicast datagrams only).
pub fn udp_rcv(ip: &Repr, payload: &[u8], csum_valid: bool, multi: bool, echo: bool) -> UdpInput {
    if payload.len() < HEADER_LEN {
        // pskb_may_pull fails: `goto drop`, with no reason of its own.
        return UdpInput::Drop(DropReason::NotSpecified);
    }
    let ulen = usize::from(read_u16(payload, 4));
    if ulen > payload.len() || ulen < HEADER_LEN {
        return UdpInput::Drop(DropReason::PktTooSmall);
    }
    // pskb_trim_rcsum(skb, ulen): bytes past the UDP length are not UDP's.
    let udp = payload.get(..ulen).unwrap_or(payload);
    let verified = csum_valid || checksum_ok(ip, udp);
    if ulen <= CHECKSUM_BREAK && !verified {
        return UdpInput::Drop(DropReason::UdpCsum);
    }
    if multi {
        return UdpInput::IgnoredMulti;
    }
    if !verified {
        return UdpInput::Drop(DropReason::UdpCsum);
    }
    if echo && read_u16(udp, 2) == ECHO_PORT {
        return UdpInput::Echo;
    }
    UdpInput::PortUnreachable
}

/// The length of the echo of `udp` (a datagram [`udp_rcv`] found
/// [`UdpInput::Echo`], from its header to its length field's end), IPv4
/// header included.
pub fn echo_reply_len(udp: &[u8]) -> usize {
    let ulen = usize::from(read_u16(udp, 4)).min(udp.len());
    wire_ip::HEADER_LEN.saturating_add(ulen)
}

/// Writes the echo of the datagram `udp`, received as `ip`, into the start
/// of `buf` as an unconnected UDP socket's `sendto` back to the sender
/// sends it (`udp_sendmsg`, `ip_make_skb`, `udp_send_skb`): from `src`
/// (the address the request was sent to) to the requester, ports swapped,
/// the same payload, the checksum filled in; TOS 0, TTL `ttl`
/// (`ip_default_ttl`); DF set when it fits `mtu` (`IP_PMTUDISC_WANT`),
/// else clear (it is fragmented on output); identification `ip_ident`
/// either way (a `IP_PMTUDISC_WANT` socket's skb has `ignore_df`, so
/// `ip_select_ident_segs` takes `__ip_select_ident` even with DF). Returns
/// [`echo_reply_len`]; `Err(Truncated)` if `buf` or `udp` is too short.
pub fn build_echo_reply(
    ip: &Repr,
    udp: &[u8],
    src: Ipv4Addr,
    ttl: u8,
    mtu: usize,
    ip_ident: u16,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let req = Packet::new_checked(udp)?;
    let ulen = usize::from(req.len());
    let len = echo_reply_len(udp);
    let out = buf.get_mut(..len).ok_or(Error::Truncated)?;
    if out.len() < wire_ip::HEADER_LEN {
        return Err(Error::Truncated);
    }
    let df = len <= mtu;
    let (iph, uh) = out.split_at_mut(wire_ip::HEADER_LEN);
    Repr {
        src,
        dst: ip.src,
        protocol: PROTO_UDP,
        ttl,
        tos: 0,
        ident: ip_ident,
        dont_frag: df,
        more_frags: false,
        frag_offset: 0,
        payload_len: ulen,
    }
    .emit(iph)?;
    uh.copy_from_slice(udp.get(..ulen).ok_or(Error::Truncated)?);
    let mut reply = Packet::new_unchecked(uh);
    reply.set_src_port(req.dst_port());
    reply.set_dst_port(req.src_port());
    reply.fill_checksum(src, ip.src);
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::addr::Ipv4Addr;
    use std::vec::Vec;

    fn ip() -> Repr {
        Repr {
            src: Ipv4Addr::new(10, 1, 0, 2),
            dst: Ipv4Addr::new(10, 1, 0, 1),
            protocol: PROTO_UDP,
            ttl: 64,
            tos: 0,
            ident: 1,
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            payload_len: 0,
        }
    }

    /// A datagram from 10.1.0.2:40000 to 10.1.0.1:`port` with `data`, its
    /// checksum right.
    fn datagram(port: u16, data: &[u8]) -> Vec<u8> {
        let len = (HEADER_LEN + data.len()) as u16;
        let mut d = Vec::new();
        d.extend_from_slice(&40000u16.to_be_bytes());
        d.extend_from_slice(&port.to_be_bytes());
        d.extend_from_slice(&len.to_be_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(data);
        let r = ip();
        let s = checksum::add(
            checksum::pseudo_header(r.src, r.dst, PROTO_UDP, len),
            checksum::sum(&d),
        );
        let mut c = !checksum::fold(s);
        if c == 0 {
            c = 0xffff;
        }
        d[6..8].copy_from_slice(&c.to_be_bytes());
        d
    }

    #[test]
    fn a_closed_port_is_unreachable() {
        let d = datagram(9, b"hello");
        assert_eq!(
            udp_rcv(&ip(), &d, false, false, false),
            UdpInput::PortUnreachable
        );
        assert_eq!(UdpInput::PortUnreachable.stats(), &[UdpStat::NoPorts]);
    }

    #[test]
    fn short_datagrams_are_input_errors() {
        let d = datagram(9, b"hello");
        assert_eq!(
            udp_rcv(&ip(), &d[..7], false, false, false),
            UdpInput::Drop(DropReason::NotSpecified)
        );
        let mut long = d.clone();
        long[4..6].copy_from_slice(&100u16.to_be_bytes());
        assert_eq!(
            udp_rcv(&ip(), &long, false, false, false),
            UdpInput::Drop(DropReason::PktTooSmall)
        );
        let mut tiny = d.clone();
        tiny[4..6].copy_from_slice(&7u16.to_be_bytes());
        assert_eq!(
            udp_rcv(&ip(), &tiny, false, false, false),
            UdpInput::Drop(DropReason::PktTooSmall)
        );
        assert_eq!(
            UdpInput::Drop(DropReason::PktTooSmall).stats(),
            &[UdpStat::InErrors]
        );
    }

    #[test]
    fn bad_checksums_are_dropped_unless_vouched_for_or_absent() {
        let mut d = datagram(9, b"hello");
        d[8] ^= 0x55;
        assert_eq!(
            udp_rcv(&ip(), &d, false, false, false),
            UdpInput::Drop(DropReason::UdpCsum)
        );
        // CHECKSUM_PARTIAL/UNNECESSARY: not computed again.
        assert_eq!(
            udp_rcv(&ip(), &d, true, false, false),
            UdpInput::PortUnreachable
        );
        // Zero: no checksum.
        d[6..8].copy_from_slice(&[0, 0]);
        assert_eq!(
            udp_rcv(&ip(), &d, false, false, false),
            UdpInput::PortUnreachable
        );
    }

    /// A short datagram is checked before the broadcast path, a long one
    /// only on the unicast path (CHECKSUM_BREAK).
    #[test]
    fn broadcasts_are_ignored_and_only_short_ones_checked() {
        let mut short = datagram(9, b"hello");
        assert_eq!(
            udp_rcv(&ip(), &short, false, true, true),
            UdpInput::IgnoredMulti
        );
        short[8] ^= 1;
        assert_eq!(
            udp_rcv(&ip(), &short, false, true, true),
            UdpInput::Drop(DropReason::UdpCsum)
        );
        let mut long = datagram(9, &[7u8; 100]);
        long[20] ^= 1;
        assert_eq!(
            udp_rcv(&ip(), &long, false, true, true),
            UdpInput::IgnoredMulti
        );
        assert_eq!(
            udp_rcv(&ip(), &long, false, false, false),
            UdpInput::Drop(DropReason::UdpCsum)
        );
    }

    /// Bytes past the UDP length (inside tot_len) are not checksummed.
    #[test]
    fn the_udp_length_bounds_the_checksum() {
        let mut d = datagram(9, b"hello");
        d.extend_from_slice(&[1, 2, 3]);
        assert_eq!(
            udp_rcv(&ip(), &d, false, false, false),
            UdpInput::PortUnreachable
        );
    }

    #[test]
    fn the_echo_service_answers_port_7_only_when_on() {
        let d = datagram(ECHO_PORT, b"hello");
        assert_eq!(
            udp_rcv(&ip(), &d, false, false, false),
            UdpInput::PortUnreachable
        );
        assert_eq!(udp_rcv(&ip(), &d, false, false, true), UdpInput::Echo);
        assert_eq!(UdpInput::Echo.stats(), &[UdpStat::InDatagrams]);
        // Other ports, broadcasts and bad checksums as without it.
        let other = datagram(9, b"hello");
        assert_eq!(
            udp_rcv(&ip(), &other, false, false, true),
            UdpInput::PortUnreachable
        );
        assert_eq!(
            udp_rcv(&ip(), &d, false, true, true),
            UdpInput::IgnoredMulti
        );
        let mut bad = d.clone();
        bad[9] ^= 1;
        assert_eq!(
            udp_rcv(&ip(), &bad, false, false, true),
            UdpInput::Drop(DropReason::UdpCsum)
        );
    }

    #[test]
    fn the_echo_goes_back_with_ports_swapped_and_a_good_checksum() {
        let d = datagram(ECHO_PORT, b"hello");
        let mut buf = [0u8; 64];
        let n = build_echo_reply(&ip(), &d, ip().dst, 64, 1500, 9, &mut buf).unwrap();
        assert_eq!(n, 20 + 8 + 5);
        let h = crate::ipv4::receive::ip_rcv_core(&buf[..n]).unwrap();
        assert_eq!((h.ip.src, h.ip.dst), (ip().dst, ip().src));
        assert_eq!((h.ip.ttl, h.ip.tos, h.ip.protocol), (64, 0, PROTO_UDP));
        assert!(h.ip.dont_frag);
        assert_eq!(h.ip.ident, 9);
        let u = Packet::new_checked(&buf[20..n]).unwrap();
        assert_eq!((u.src_port(), u.dst_port()), (ECHO_PORT, 40000));
        assert_eq!(u.payload(), b"hello");
        assert!(u.verify_checksum(ip().dst, ip().src));
        assert!(u.checksum() != 0);
        // Too big for the MTU: no DF, an identification, to be fragmented.
        let big = datagram(ECHO_PORT, &[0xa5; 2000]);
        let mut buf = [0u8; 2100];
        let n = build_echo_reply(&ip(), &big, ip().dst, 32, 1500, 9, &mut buf).unwrap();
        let h = crate::ipv4::receive::ip_rcv_core(&buf[..n]).unwrap();
        assert!(!h.ip.dont_frag);
        assert_eq!((h.ip.ident, h.ip.ttl, n), (9, 32, 2028));
        assert_eq!(
            build_echo_reply(&ip(), &d, ip().dst, 64, 1500, 9, &mut [0u8; 20]),
            Err(Error::Truncated)
        );
    }
}

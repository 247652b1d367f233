// SPDX-License-Identifier: GPL-2.0

//! TCP to the router's own addresses: `tcp_v4_rcv` of net/ipv4/tcp_ipv4.c
//! for a host with no TCP socket, and the reset it answers with
//! (`tcp_v4_send_reset`, sent by `ip_send_unicast_reply`).
//!
//! | segment | Linux's path | outcome | Tcp MIB |
//! | --- | --- | --- | --- |
//! | not `PACKET_HOST` | `discard_it` | drop `NOT_SPECIFIED` | |
//! | under 20 bytes, or under `doff * 4` | `discard_it` | drop `NOT_SPECIFIED` | InSegs |
//! | `doff < 5` | `bad_packet` | drop `PKT_TOO_SMALL` | InSegs, InErrs |
//! | bad checksum | `csum_error` | drop `TCP_CSUM` | InSegs, InCsumErrors, InErrs |
//! | a RST, or to a broadcast route | no socket | drop `NO_SOCKET` | InSegs |
//! | otherwise | no socket | RST, drop `NO_SOCKET` | InSegs, OutSegs, OutRsts |
//!
//! As for UDP ([`super::udp`]), a checksum the sender vouched for is not
//! computed again. The segment counts as delivered (IpInDelivers):
//! `tcp_v4_rcv` returns 0.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::stats::{DropReason, TcpStat};
use crate::ipv4::wire::ipv4::{self as wire_ip, Repr, PROTO_TCP};
use crate::ipv4::wire::{read_u16, read_u8, write_u16, Error};

/// TCP header length without options.
pub const HEADER_LEN: usize = 20;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const ACK: u8 = 0x10;

/// The ECN bits of the TOS byte (`INET_ECN_MASK`).
const INET_ECN_MASK: u8 = 0x03;

/// The reset `tcp_v4_send_reset` answers a segment with, ports already
/// swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reset {
    /// The reset's source port (the segment's destination).
    pub src_port: u16,
    /// The reset's destination port (the segment's source).
    pub dst_port: u16,
    /// Its sequence number: the segment's acknowledgment number if it
    /// had ACK, else 0.
    pub seq: u32,
    /// Its acknowledgment number (with ACK set) when the segment had no
    /// ACK: the segment's sequence number plus its length, SYN and FIN.
    pub ack: Option<u32>,
}

/// What to do with a TCP segment for the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpInput {
    /// Send `Reset` (counted OutSegs, OutRsts), then drop the segment
    /// (`NO_SOCKET`).
    Reset(Reset),
    /// Drop it for this reason.
    Drop(DropReason),
}

/// The result of [`tcp_rcv`]: the decision and the Tcp MIB counters the
/// receive path moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpRcv {
    /// What to do.
    pub input: TcpInput,
    /// Counters to bump (InSegs, InErrs, InCsumErrors), in that order.
    pub stats: &'static [TcpStat],
}

/// Whether the TCP checksum of `seg` verifies for the addresses of `ip`.
fn checksum_ok(ip: &Repr, seg: &[u8]) -> bool {
    let len = u16::try_from(seg.len()).unwrap_or(u16::MAX);
    let s = checksum::add(
        checksum::pseudo_header(ip.src, ip.dst, PROTO_TCP, len),
        checksum::sum(seg),
    );
    checksum::fold(s) == 0xffff
}

fn read_u32(buf: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([
        read_u8(buf, at),
        read_u8(buf, at + 1),
        read_u8(buf, at + 2),
        read_u8(buf, at + 3),
    ])
}

/// `tcp_v4_rcv` for a router with no TCP socket: `seg` is the IP payload
/// (from the TCP header, trimmed to `tot_len`); `host` says the frame was
/// `PACKET_HOST`; `csum_valid` that the checksum was vouched for; `local`
/// that the input route is local (not broadcast).
pub fn tcp_rcv(ip: &Repr, seg: &[u8], host: bool, csum_valid: bool, local: bool) -> TcpRcv {
    let rcv = |input, stats| TcpRcv { input, stats };
    if !host {
        return rcv(TcpInput::Drop(DropReason::NotSpecified), &[]);
    }
    const IN: &[TcpStat] = &[TcpStat::InSegs];
    if seg.len() < HEADER_LEN {
        return rcv(TcpInput::Drop(DropReason::NotSpecified), IN);
    }
    let doff = usize::from(read_u8(seg, 12) >> 4) * 4;
    if doff < HEADER_LEN {
        return rcv(
            TcpInput::Drop(DropReason::PktTooSmall),
            &[TcpStat::InSegs, TcpStat::InErrs],
        );
    }
    if seg.len() < doff {
        return rcv(TcpInput::Drop(DropReason::NotSpecified), IN);
    }
    // skb_checksum_init checks a short segment at once, tcp_checksum_complete
    // a long one when no socket wants it: either way before the reset.
    if !csum_valid && !checksum_ok(ip, seg) {
        return rcv(
            TcpInput::Drop(DropReason::TcpCsum),
            &[TcpStat::InSegs, TcpStat::InCsumErrors, TcpStat::InErrs],
        );
    }
    let flags = read_u8(seg, 13);
    if flags & RST != 0 || !local {
        return rcv(TcpInput::Drop(DropReason::NoSocket), IN);
    }
    let seq = read_u32(seg, 4);
    let payload = u32::try_from(seg.len() - doff).unwrap_or(u32::MAX);
    let reset = if flags & ACK != 0 {
        Reset {
            src_port: read_u16(seg, 2),
            dst_port: read_u16(seg, 0),
            seq: read_u32(seg, 8),
            ack: None,
        }
    } else {
        let syn_fin = u32::from(flags & SYN != 0) + u32::from(flags & FIN != 0);
        Reset {
            src_port: read_u16(seg, 2),
            dst_port: read_u16(seg, 0),
            seq: 0,
            ack: Some(seq.wrapping_add(syn_fin).wrapping_add(payload)),
        }
    };
    rcv(TcpInput::Reset(reset), IN)
}

/// Length of a reset with its IPv4 header.
pub const RESET_LEN: usize = wire_ip::HEADER_LEN + HEADER_LEN;

/// Writes `reset` into the start of `buf` as `ip_send_unicast_reply` sends
/// it from `tcp_v4_send_reset`'s control socket: from `src` to `dst`, the
/// segment's `tos` without its ECN bits, TTL `ttl` (`ip_default_ttl`), DF set and identification
/// 0 (the control socket does path MTU discovery and has no peer, so
/// `ip_select_ident` gives DF packets 0); the TCP header without options,
/// window 0. Returns [`RESET_LEN`].
pub fn build_reset(
    reset: &Reset,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    tos: u8,
    ttl: u8,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let out = buf.get_mut(..RESET_LEN).ok_or(Error::Truncated)?;
    let (iph, th) = out.split_at_mut(wire_ip::HEADER_LEN);
    Repr {
        src,
        dst,
        protocol: PROTO_TCP,
        ttl,
        tos: tos & !INET_ECN_MASK,
        ident: 0,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        payload_len: HEADER_LEN,
    }
    .emit(iph)?;
    th.fill(0);
    write_u16(th, 0, reset.src_port);
    write_u16(th, 2, reset.dst_port);
    th[4..8].copy_from_slice(&reset.seq.to_be_bytes());
    let mut flags = RST;
    if let Some(ack) = reset.ack {
        th[8..12].copy_from_slice(&ack.to_be_bytes());
        flags |= ACK;
    }
    th[12] = ((HEADER_LEN / 4) as u8) << 4;
    th[13] = flags;
    let s = checksum::add(
        checksum::pseudo_header(src, dst, PROTO_TCP, HEADER_LEN as u16),
        checksum::sum(th),
    );
    write_u16(th, 16, !checksum::fold(s));
    Ok(RESET_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn ip() -> Repr {
        Repr {
            src: Ipv4Addr::new(10, 1, 0, 2),
            dst: Ipv4Addr::new(10, 1, 0, 1),
            protocol: PROTO_TCP,
            ttl: 64,
            tos: 0x10 | 0x02,
            ident: 1,
            dont_frag: true,
            more_frags: false,
            frag_offset: 0,
            payload_len: 0,
        }
    }

    /// A segment 10.1.0.2:40000 -> 10.1.0.1:`port`, checksum right.
    fn segment(port: u16, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
        let mut s = Vec::new();
        s.extend_from_slice(&40000u16.to_be_bytes());
        s.extend_from_slice(&port.to_be_bytes());
        s.extend_from_slice(&seq.to_be_bytes());
        s.extend_from_slice(&ack.to_be_bytes());
        s.extend_from_slice(&[5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
        s.extend_from_slice(data);
        let r = ip();
        let sum = checksum::add(
            checksum::pseudo_header(r.src, r.dst, PROTO_TCP, s.len() as u16),
            checksum::sum(&s),
        );
        let c = !checksum::fold(sum);
        s[16..18].copy_from_slice(&c.to_be_bytes());
        s
    }

    #[test]
    fn a_syn_to_a_closed_port_gets_rst_ack() {
        let s = segment(80, 1000, 0, SYN, &[]);
        let r = tcp_rcv(&ip(), &s, true, false, true);
        assert_eq!(r.stats, &[TcpStat::InSegs]);
        let TcpInput::Reset(reset) = r.input else {
            panic!("no reset: {r:?}");
        };
        assert_eq!(
            reset,
            Reset {
                src_port: 80,
                dst_port: 40000,
                seq: 0,
                ack: Some(1001)
            }
        );
        let mut buf = [0u8; RESET_LEN];
        let n = build_reset(&reset, ip().dst, ip().src, ip().tos, 64, &mut buf).unwrap();
        assert_eq!(n, 40);
        let p = wire_ip::Packet::new_checked(&buf[..]).unwrap();
        let rep = Repr::parse(&p).unwrap();
        assert_eq!(
            (rep.src, rep.dst, rep.ttl, rep.tos),
            (ip().dst, ip().src, 64, 0x10)
        );
        assert!(rep.dont_frag);
        assert_eq!(rep.ident, 0);
        let th = &buf[20..];
        assert_eq!(th[13], RST | ACK);
        assert_eq!(&th[8..12], &1001u32.to_be_bytes());
        let sum = checksum::add(
            checksum::pseudo_header(rep.src, rep.dst, PROTO_TCP, 20),
            checksum::sum(th),
        );
        assert_eq!(checksum::fold(sum), 0xffff);
    }

    #[test]
    fn an_ack_gets_a_rst_with_its_ack_number_and_data_counts() {
        let s = segment(80, 5, 777, ACK, b"data");
        let TcpInput::Reset(r) = tcp_rcv(&ip(), &s, true, false, true).input else {
            panic!("no reset");
        };
        assert_eq!((r.seq, r.ack), (777, None));
        let s = segment(80, 5, 0, FIN, b"data");
        let TcpInput::Reset(r) = tcp_rcv(&ip(), &s, true, false, true).input else {
            panic!("no reset");
        };
        assert_eq!(r.ack, Some(5 + 4 + 1));
    }

    #[test]
    fn no_reset_to_a_reset_or_a_broadcast() {
        let s = segment(80, 5, 0, RST, &[]);
        assert_eq!(
            tcp_rcv(&ip(), &s, true, false, true).input,
            TcpInput::Drop(DropReason::NoSocket)
        );
        let s = segment(80, 5, 0, SYN, &[]);
        assert_eq!(
            tcp_rcv(&ip(), &s, true, false, false).input,
            TcpInput::Drop(DropReason::NoSocket)
        );
        let r = tcp_rcv(&ip(), &s, false, false, true);
        assert_eq!(
            (r.input, r.stats),
            (TcpInput::Drop(DropReason::NotSpecified), &[][..])
        );
    }

    #[test]
    fn bad_segments_are_counted_as_linux_does() {
        let mut s = segment(80, 5, 0, SYN, &[]);
        s[16] ^= 1;
        let r = tcp_rcv(&ip(), &s, true, false, true);
        assert_eq!(r.input, TcpInput::Drop(DropReason::TcpCsum));
        assert_eq!(
            r.stats,
            &[TcpStat::InSegs, TcpStat::InCsumErrors, TcpStat::InErrs]
        );
        // Vouched for by the sender: not computed again.
        assert!(matches!(
            tcp_rcv(&ip(), &s, true, true, true).input,
            TcpInput::Reset(_)
        ));
        let mut s = segment(80, 5, 0, SYN, &[]);
        s[12] = 4 << 4;
        let r = tcp_rcv(&ip(), &s, true, false, true);
        assert_eq!(r.input, TcpInput::Drop(DropReason::PktTooSmall));
        assert_eq!(r.stats, &[TcpStat::InSegs, TcpStat::InErrs]);
        let r = tcp_rcv(&ip(), &s[..19], true, false, true);
        assert_eq!(
            (r.input, r.stats),
            (
                TcpInput::Drop(DropReason::NotSpecified),
                &[TcpStat::InSegs][..]
            )
        );
        let mut s = segment(80, 5, 0, SYN, &[]);
        s[12] = 6 << 4;
        let r = tcp_rcv(&ip(), &s, true, false, true);
        assert_eq!(r.input, TcpInput::Drop(DropReason::NotSpecified));
    }
}

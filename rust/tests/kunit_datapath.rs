// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the data path's logic built with the kernel's flags, on
//! real skbs where the glue uses them: a datagram fragmented into skbs and
//! reassembled from them in a scrambled order comes back byte for byte;
//! overlapping fragments drop their queue; forwarding refuses what
//! `ip_forward` refuses; UDP and TCP to the router get port unreachable and
//! resets; ICMP errors obey `__icmp_send`'s rules.

use crate::abstractions::skbuff::SkBuff;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::forward::{ip_forward, ForwardError};
use crate::ipv4::fragment::Fragments;
use crate::ipv4::icmp::should_send_error;
use crate::ipv4::reasm::{self, Defrag, FragKey, FragMeta, Reassembly};
use crate::ipv4::tcp::{self, TcpInput};
use crate::ipv4::udp::{self, UdpInput};
use crate::ipv4::wire::ethernet::PacketType;
use crate::ipv4::wire::ipv4::{Packet, Repr, HEADER_LEN, IP_MF, IP_OFFSET, PROTO_UDP};
use crate::kexpect;
use crate::kunit::Test;
use crate::platform::TryVec;

crate::kunit_suite!(
    ferroute_datapath,
    "ferroute_datapath",
    [
        fragments_reassemble_from_skbs_in_any_order,
        overlapping_fragments_drop_the_queue,
        forwarding_refuses_as_ip_forward_does,
        udp_and_tcp_to_the_router_are_refused,
        icmp_errors_follow_icmp_send_rules,
    ]
);

const SRC: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 2);
const DST: Ipv4Addr = Ipv4Addr::new(10, 2, 0, 2);

/// A UDP packet of `data` payload bytes (i * 7 % 251), DF clear.
fn udp_packet(data: usize) -> Option<TryVec<u8>> {
    let total = HEADER_LEN + 8 + data;
    let mut p: TryVec<_> = TryVec::new();
    p.try_reserve(total).ok()?;
    for i in 0..total {
        p.try_push((i * 7 % 251) as u8).ok()?;
    }
    Repr {
        src: SRC,
        dst: DST,
        protocol: PROTO_UDP,
        ttl: 64,
        tos: 0,
        ident: 0x4242,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: 8 + data,
    }
    .emit(p.as_mut_slice().get_mut(..HEADER_LEN)?)
    .ok()?;
    Some(p)
}

fn meta_of(frag: &[u8], truesize: usize) -> FragMeta {
    let p = Packet::new_unchecked(frag);
    FragMeta {
        key: FragKey {
            src: p.src_addr(),
            dst: p.dst_addr(),
            id: p.ident(),
            protocol: p.protocol(),
        },
        offset: usize::from(p.frag_field() & IP_OFFSET) * 8,
        more: p.frag_field() & IP_MF != 0,
        df: p.dont_frag(),
        ihl: p.header_len(),
        data_len: usize::from(p.total_len()) - p.header_len(),
        truesize,
    }
}

fn fragments_reassemble_from_skbs_in_any_order(t: &mut Test) {
    let Some(packet) = udp_packet(5000) else {
        kexpect!(t, false);
        return;
    };
    let Ok(mut frags) = Fragments::new(&packet, 1280) else {
        kexpect!(t, false);
        return;
    };
    let mut skbs: TryVec<_> = TryVec::new();
    while let Some(n) = frags.next_len() {
        let Some(mut skb) = SkBuff::alloc(0, n as u32) else {
            kexpect!(t, false);
            return;
        };
        let written = skb.put(n as u32).and_then(|b| frags.write_next(b));
        kexpect!(t, written == Some(n));
        kexpect!(t, Packet::new_unchecked(skb.data()).verify_checksum());
        kexpect!(t, skbs.try_push(skb).is_ok());
    }
    // 5008 bytes of data in pieces of 1256 (1280 - 20, a multiple of 8).
    kexpect!(t, skbs.len() == 4);
    // Last first, then the others from the end.
    let mut r = Reassembly::new();
    let mut done = None;
    while let Some(skb) = skbs.pop() {
        let m = meta_of(skb.data(), skb.truesize() as usize);
        match r.defrag(&m, skb, 0) {
            Defrag::Queued => {}
            Defrag::Complete(c) => done = Some(c),
            Defrag::Dropped { .. } => kexpect!(t, false),
        }
    }
    let Some(done) = done else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, r.is_empty() && r.mem() == 0);
    kexpect!(t, done.total_len == packet.len());
    // Rebuild the datagram as the glue does and compare.
    let mut whole: TryVec<_> = TryVec::new();
    for (i, p) in done.pieces.iter().enumerate() {
        let d = p.pkt.data();
        if i == 0 {
            for &b in &d[..p.ihl] {
                kexpect!(t, whole.try_push(b).is_ok());
            }
        }
        for &b in &d[p.ihl..p.ihl + p.take] {
            kexpect!(t, whole.try_push(b).is_ok());
        }
    }
    reasm::finish_header(
        &mut whole.as_mut_slice()[..HEADER_LEN],
        done.total_len,
        done.df,
    );
    kexpect!(t, whole.as_slice() == packet.as_slice());
}

fn overlapping_fragments_drop_the_queue(t: &mut Test) {
    let mut r: Reassembly<u32> = Reassembly::new();
    let key = FragKey {
        src: SRC,
        dst: DST,
        id: 9,
        protocol: PROTO_UDP,
    };
    let m = |offset, data_len, more| FragMeta {
        key,
        offset,
        more,
        df: false,
        ihl: 20,
        data_len,
        truesize: 512,
    };
    kexpect!(
        t,
        matches!(r.defrag(&m(0, 800, true), 1, 0), Defrag::Queued)
    );
    kexpect!(
        t,
        matches!(r.defrag(&m(1600, 80, false), 2, 0), Defrag::Queued)
    );
    kexpect!(
        t,
        matches!(r.defrag(&m(400, 800, true), 3, 0), Defrag::Dropped { .. })
    );
    kexpect!(t, r.is_empty() && r.mem() == 0);
}

fn forwarding_refuses_as_ip_forward_does(t: &mut Test) {
    let Some(mut p) = udp_packet(1600) else {
        kexpect!(t, false);
        return;
    };
    // No DF: to be fragmented at 1500.
    let f = ip_forward(p.as_mut_slice(), PacketType::Host, 1500, None);
    kexpect!(t, f.map(|f| f.needs_fragmentation) == Ok(true));
    kexpect!(t, Packet::new_unchecked(p.as_slice()).ttl() == 63);
    kexpect!(t, Packet::new_unchecked(p.as_slice()).verify_checksum());
    // DF: frag needed with the MTU.
    p.as_mut_slice()[6] |= 0x40;
    p.as_mut_slice()[10..12].copy_from_slice(&[0, 0]);
    let c = checksum::checksum(&p.as_slice()[..HEADER_LEN]);
    p.as_mut_slice()[10..12].copy_from_slice(&c.to_be_bytes());
    let e = ip_forward(p.as_mut_slice(), PacketType::Host, 1500, None);
    kexpect!(t, e == Err(ForwardError::FragNeeded { mtu: 1500 }));
    // A GSO packet whose segments fit goes whole.
    kexpect!(
        t,
        ip_forward(p.as_mut_slice(), PacketType::Host, 1500, Some(true)).is_ok()
    );
    // TTL 1.
    p.as_mut_slice()[8] = 1;
    let e = ip_forward(p.as_mut_slice(), PacketType::Host, 9000, None);
    kexpect!(t, e == Err(ForwardError::TtlExceeded));
}

fn udp_and_tcp_to_the_router_are_refused(t: &mut Test) {
    let ip = Repr {
        src: SRC,
        dst: DST,
        protocol: PROTO_UDP,
        ttl: 64,
        tos: 0,
        ident: 1,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: 12,
    };
    // A datagram without a checksum to port 9.
    let d = [0x9c, 0x40, 0, 9, 0, 12, 0, 0, 1, 2, 3, 4];
    kexpect!(
        t,
        udp::udp_rcv(&ip, &d, false, false, false) == UdpInput::PortUnreachable
    );
    kexpect!(
        t,
        udp::udp_rcv(&ip, &d, false, true, false) == UdpInput::IgnoredMulti
    );
    kexpect!(
        t,
        matches!(
            udp::udp_rcv(&ip, &d[..6], false, false, false),
            UdpInput::Drop(_)
        )
    );
    // A SYN, vouched-for checksum: RST|ACK acknowledging it.
    let mut syn = [0u8; 20];
    syn[2..4].copy_from_slice(&80u16.to_be_bytes());
    syn[4..8].copy_from_slice(&100u32.to_be_bytes());
    syn[12] = 5 << 4;
    syn[13] = 0x02;
    let r = tcp::tcp_rcv(&ip, &syn, true, true, true);
    let TcpInput::Reset(rst) = r.input else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, rst.ack == Some(101) && rst.src_port == 80);
    let mut buf = [0u8; tcp::RESET_LEN];
    kexpect!(
        t,
        tcp::build_reset(&rst, DST, SRC, 0, 64, &mut buf) == Ok(tcp::RESET_LEN)
    );
    kexpect!(t, Packet::new_unchecked(&buf[..]).verify_checksum());
}

fn icmp_errors_follow_icmp_send_rules(t: &mut Test) {
    let Some(p) = udp_packet(100) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, should_send_error(&p, PacketType::Host, false));
    kexpect!(t, !should_send_error(&p, PacketType::Broadcast, false));
    kexpect!(t, !should_send_error(&p, PacketType::Host, true));
    // A non-first fragment.
    let mut frag = p;
    frag.as_mut_slice()[7] = 1;
    kexpect!(t, !should_send_error(&frag, PacketType::Host, false));
}

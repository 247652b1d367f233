// SPDX-License-Identifier: GPL-2.0

//! Host fuzzing of the IPv4 logic, on stable Rust, with a time budget.
//!
//! Two targets:
//!
//! - [`frames_through_the_receive_model`]: frames mutated from the seed
//!   corpus (tools/testing/fuzz/seeds.txt, valid and bad ARP, IPv4, ICMP,
//!   UDP, TCP, fragment and option frames, written by gen-seeds.py) go
//!   through a host model of the router's whole receive path, which calls
//!   the logic in the order rust/router/input.rs and forward.rs do:
//!   Ethernet, `arp_process`, `ip_rcv_core`, `route_input`, options
//!   (`compile`, `echo`, `insert`, `forward_options`), reassembly,
//!   `icmp_rcv`, `udp_rcv`, `tcp_rcv`, the replies and ICMP errors they
//!   build, `ip_forward` and fragmentation. Nothing may panic; every
//!   packet the model builds must pass `ip_rcv_core` with its length;
//!   forwarded fragments must reassemble to the packet they came from;
//!   and every frame ends in exactly one fate of the ledger that
//!   `ferctl stats` shows (FerRx...).
//! - [`fib_against_a_reference_model`]: random sequences of route inserts
//!   (single and multipath), deletes and lookups on [`Fib`] against a plain
//!   list of routes and Linux's lookup rule spelled out.
//!
//! `FERROUTE_FUZZ_SECS` is each target's budget in seconds (default 1:
//! `cargo test` in `make check`); `FERROUTE_FUZZ_SEED` replays a run (each
//! target prints its seed and figures with `--nocapture`; a failure prints
//! the seed and the input). tools/testing/fuzz/host-fuzz.sh runs a long
//! campaign. Inputs that once failed are kept as tests below
//! (`regressions`).

use ferroute_host::ipv4::addr::Ipv4Addr;
use ferroute_host::ipv4::arp::{self, ArpConf};
use ferroute_host::ipv4::checksum;
use ferroute_host::ipv4::devconf::PortConf;
use ferroute_host::ipv4::devinet;
use ferroute_host::ipv4::fib::{Fib, NlFlags, Route, RouteProtocol, RouteSelector, RouteType};
use ferroute_host::ipv4::forward;
use ferroute_host::ipv4::fragment::Fragments;
use ferroute_host::ipv4::icmp::{self, IcmpErrorMsg, IcmpInput};
use ferroute_host::ipv4::iface::{AddrTable, IfAddr, PortId, Scope};
use ferroute_host::ipv4::options::{self, IpOptions, RecvContext};
use ferroute_host::ipv4::reasm::{self, Defrag, FragKey, FragMeta, Reassembly};
use ferroute_host::ipv4::receive::{self, Header};
use ferroute_host::ipv4::route::{self, InputRoute};
use ferroute_host::ipv4::stats::{DropReason, RxStat};
use ferroute_host::ipv4::tcp::{self, TcpInput};
use ferroute_host::ipv4::udp::{self, UdpInput};
use ferroute_host::ipv4::wire::ethernet::{self, MacAddr, PacketType};
use ferroute_host::ipv4::wire::ipv4 as wire_ip;
use std::time::{Duration, Instant};

/// xorshift64*: small, deterministic, seedable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

fn budget() -> Duration {
    let secs = std::env::var("FERROUTE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(secs.max(0.0))
}

fn seed(target: &str) -> u64 {
    let s = std::env::var("FERROUTE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
        | 1;
    println!("{target}: seed {s} (FERROUTE_FUZZ_SEED={s} replays it)");
    s
}

/// The committed seed corpus: "NAME HEX" lines.
fn seeds() -> Vec<(String, Vec<u8>)> {
    include_str!("../../fuzz/seeds.txt")
        .lines()
        .filter_map(|l| {
            let (name, hex) = l.split_once(' ')?;
            let bytes = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .ok()?;
            Some((name.to_string(), bytes))
        })
        .collect()
}

const INTERESTING8: [u8; 9] = [0, 1, 4, 5, 0x0f, 0x40, 0x7f, 0x80, 0xff];
const INTERESTING16: [u16; 10] = [0, 1, 7, 8, 20, 0x2000, 0x3fff, 0x7fff, 0xfff8, 0xffff];

/// One to four mutations of `b`; then, usually, the IPv4 header checksum
/// (and sometimes the ICMP/UDP one) made right again so that the input
/// gets past `ip_rcv_core` into the deeper decisions.
fn mutate(rng: &mut Rng, corpus: &[(String, Vec<u8>)], b: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let n = b.len();
        match rng.below(10) {
            0 | 1 if n > 0 => {
                let i = rng.below(n);
                b[i] ^= 1 << rng.below(8);
            }
            2 if n > 0 => {
                let i = rng.below(n);
                b[i] = INTERESTING8[rng.below(INTERESTING8.len())];
            }
            3 if n > 1 => {
                let i = rng.below(n - 1);
                let v = INTERESTING16[rng.below(INTERESTING16.len())].to_be_bytes();
                b[i..i + 2].copy_from_slice(&v);
            }
            4 if n > 0 => {
                let i = rng.below(n);
                b[i] = rng.byte();
            }
            5 if n > 0 => b.truncate(rng.below(n)),
            6 => {
                for _ in 0..1 + rng.below(64) {
                    b.push(rng.byte());
                }
            }
            7 => {
                // Splice the tail of another seed.
                let (_, other) = &corpus[rng.below(corpus.len())];
                let at = rng.below(n + 1).min(n);
                let from = rng.below(other.len() + 1).min(other.len());
                b.truncate(at);
                b.extend_from_slice(&other[from..]);
            }
            8 if n > 14 + 20 => {
                // Header fields the decisions turn on: ihl, tot_len,
                // frag field, TTL, protocol, addresses.
                let ip = 14;
                match rng.below(6) {
                    0 => b[ip] = 0x40 | (rng.byte() & 0x0f),
                    1 => {
                        let v = (rng.below(n) as u16).to_be_bytes();
                        b[ip + 2..ip + 4].copy_from_slice(&v);
                    }
                    2 => {
                        let v = INTERESTING16[rng.below(INTERESTING16.len())].to_be_bytes();
                        b[ip + 6..ip + 8].copy_from_slice(&v);
                    }
                    3 => b[ip + 8] = INTERESTING8[rng.below(INTERESTING8.len())],
                    4 => b[ip + 9] = [1, 6, 17, 2, 253][rng.below(5)],
                    _ => {
                        let at = ip + 12 + 4 * rng.below(2);
                        let addrs = [
                            [10, 1, 0, 1],
                            [10, 2, 0, 1],
                            [10, 1, 0, 255],
                            [255, 255, 255, 255],
                            [224, 0, 0, 1],
                            [127, 0, 0, 1],
                            [0, 0, 0, 0],
                            [10, 2, 0, 2],
                            [10, 50, 0, 9],
                        ];
                        b[at..at + 4].copy_from_slice(&addrs[rng.below(addrs.len())]);
                    }
                }
            }
            _ => {}
        }
    }
    if !rng.chance(4) {
        fix_checksums(rng, b);
    }
}

fn fix_checksums(rng: &mut Rng, b: &mut [u8]) {
    if b.len() < 34 || b[12..14] != [0x08, 0x00] {
        return;
    }
    let ihl = usize::from(b[14] & 0x0f) * 4;
    if ihl < 20 || b.len() < 14 + ihl {
        return;
    }
    b[24] = 0;
    b[25] = 0;
    let c = checksum::checksum(&b[14..14 + ihl]);
    b[24..26].copy_from_slice(&c.to_be_bytes());
    // ICMP, whole payload to the end of the frame (an approximation of
    // tot_len; right for unpadded frames).
    if b[14 + 9] == 1 && rng.chance(2) && b.len() >= 14 + ihl + 4 {
        let at = 14 + ihl;
        b[at + 2] = 0;
        b[at + 3] = 0;
        let c = checksum::checksum(&b[at..]);
        b[at + 2..at + 4].copy_from_slice(&c.to_be_bytes());
    }
}

const P1: PortId = PortId(1);
const P2: PortId = PortId(2);
const MAC1: MacAddr = [2, 0, 0, 0, 1, 1];
const MAC2: MacAddr = [2, 0, 0, 0, 2, 1];
const MTU2: u16 = 1400;

fn a(o: [u8; 4]) -> Ipv4Addr {
    Ipv4Addr::new(o[0], o[1], o[2], o[3])
}

/// A unicast route in main with nothing else set.
fn route(dst: Ipv4Addr, prefix_len: u8) -> Route {
    Route {
        table: 254,
        dst,
        prefix_len,
        kind: RouteType::Unicast,
        scope: Scope::Universe,
        protocol: RouteProtocol::Boot,
        gateway: None,
        port: None,
        prefsrc: None,
        metric: 0,
        tos: 0,
        mtu: 0,
        onlink: false,
    }
}

/// The ledger of the model: what `ferctl stats` shows as FerRx...
#[derive(Default, Debug)]
struct Ledger {
    rx: [u64; RxStat::COUNT],
    drops: [u64; DropReason::COUNT],
}

impl Ledger {
    fn rx(&mut self, s: RxStat) {
        self.rx[s.index()] += 1;
    }
    fn drop(&mut self, why: DropReason) {
        self.drops[why.index()] += 1;
    }
    fn fates(&self) -> u64 {
        [
            RxStat::Delivered,
            RxStat::Forwarded,
            RxStat::ReasmQueued,
            RxStat::Ignored,
        ]
        .iter()
        .map(|s| self.rx[s.index()])
        .sum::<u64>()
            + self.drops.iter().sum::<u64>()
    }
    fn arrivals(&self) -> u64 {
        self.rx[RxStat::Frames.index()] + self.rx[RxStat::Reassembled.index()]
    }
}

/// The router of selftest 37's topology (and of the VM packet fuzzer):
/// 10.1.0.1/24 on P1, 10.2.0.1/24 on P2 (MTU 1400), the sources'
/// 10.50.0.0/16 via 10.1.0.2, reject routes for 10.6-10.8/16.
struct Model {
    fib: Fib,
    addrs: AddrTable,
    /// Queued fragments with their frame's Ethernet destination.
    reasm: Reassembly<Queued>,
    /// The Ethernet destination of the frame being received.
    eth_dst: MacAddr,
    ledger: Ledger,
    now: u64,
    /// Packets built (replies, errors, forwarded, fragments).
    built: u64,
}

impl Model {
    fn new() -> Self {
        let mut fib = Fib::new();
        let mut addrs = AddrTable::new();
        for (port, addr) in [(P1, [10, 1, 0, 1]), (P2, [10, 2, 0, 1])] {
            let ifa = IfAddr {
                port,
                addr: a(addr),
                prefix_len: 24,
            };
            devinet::inet_insert_ifa(&mut addrs, &mut fib, ifa, true).unwrap();
        }
        let gw = Route {
            gateway: Some(a([10, 1, 0, 2])),
            ..route(a([10, 50, 0, 0]), 16)
        };
        fib.insert(gw).unwrap();
        for (i, kind) in [
            RouteType::Blackhole,
            RouteType::Prohibit,
            RouteType::Unreachable,
        ]
        .into_iter()
        .enumerate()
        {
            let r = Route {
                kind,
                ..route(a([10, 6 + i as u8, 0, 0]), 16)
            };
            fib.insert(r).unwrap();
        }
        Model {
            fib,
            addrs,
            reasm: Reassembly::with_high_thresh(64 * 1024),
            eth_dst: [0; 6],
            ledger: Ledger::default(),
            now: 0,
            built: 0,
        }
    }

    /// A packet the router built must be a valid IPv4 datagram of
    /// exactly the length built.
    fn check_built(&mut self, what: &str, pkt: &[u8]) {
        let h = receive::ip_rcv_core(pkt)
            .unwrap_or_else(|e| panic!("{what}: built an invalid packet ({e:?}): {pkt:02x?}"));
        assert_eq!(h.total_len, pkt.len(), "{what}: tot_len is not its length");
        // Nothing the router sends goes to 0/8, loopback or multicast.
        let d = h.ip.dst;
        assert!(
            !(d.is_zeronet() || d.is_loopback() || d.is_multicast()),
            "{what}: built a packet to {d:?}: {pkt:02x?}"
        );
        self.built += 1;
    }

    fn icmp_error(&mut self, orig: &[u8], pkt_type: PacketType, bcast: bool, msg: IcmpErrorMsg) {
        if !icmp::should_send_error(orig, pkt_type, bcast) {
            return;
        }
        // RFC 1122 3.2.2: never an error about a datagram to a broadcast
        // address.
        let dst = wire_ip::Packet::new_unchecked(orig).dst_addr();
        let fib = &self.fib;
        let bcast_route = matches!(
            fib.table_lookup(255, dst, None, Scope::Universe),
            ferroute_host::ipv4::fib::TableLookup::Found { alias, .. }
                if alias.route().kind == RouteType::Broadcast
        );
        assert!(
            !dst.is_lbcast() && !bcast_route,
            "an ICMP error ({}/{}) about a datagram to {dst:?}: {orig:02x?}",
            msg.msg_type,
            msg.code
        );
        let src = wire_ip::Packet::new_unchecked(orig).src_addr();
        let Ok(rt) = route::route_output(&self.fib, &self.addrs, src, None, None) else {
            return;
        };
        let mut buf = vec![0u8; icmp::error_len(orig)];
        if let Ok(n) = icmp::build_error(&msg, orig, rt.src, 1, 64, &mut buf) {
            buf.truncate(n);
            self.check_built("icmp error", &buf);
        }
    }

    /// `receive` of rust/router/input.rs on port `port`.
    fn receive(&mut self, frame: &[u8], port: PortId) {
        self.now += 1;
        self.ledger.rx(RxStat::Frames);
        let mac = if port == P1 { MAC1 } else { MAC2 };
        let Ok(eth) = ethernet::Frame::new_checked(frame) else {
            return self.ledger.drop(DropReason::PktTooSmall);
        };
        let pkt_type = PacketType::classify(&eth.dst_addr(), &mac);
        self.eth_dst = eth.dst_addr();
        match eth.ethertype() {
            ethernet::ETHERTYPE_ARP => self.arp_input(frame, port, mac, pkt_type),
            ethernet::ETHERTYPE_IPV4 => self.ip_input(frame, port, pkt_type),
            _ => self.ledger.drop(DropReason::UnhandledProto),
        }
        // Expire what would have timed out (30 s): a few every frame.
        if self.now % 64 == 0 {
            while let Some(e) = self.reasm.tick(self.now * 1000) {
                // ip_expire: time exceeded about the first fragment.
                let Some(Queued(eth_dst, first)) = e.first else {
                    continue;
                };
                let fib = &self.fib;
                if reasm::expire_answers(&eth_dst, &first, |x| fib.is_local_addr(x)) {
                    let msg = IcmpErrorMsg::time_exceeded(1);
                    self.icmp_error(&first, PacketType::Host, false, msg);
                }
            }
        }
    }

    fn arp_input(&mut self, frame: &[u8], port: PortId, mac: MacAddr, pkt_type: PacketType) {
        let payload = &frame[ethernet::HEADER_LEN..];
        let r = arp::arp_process(
            payload,
            port,
            mac,
            pkt_type,
            &self.addrs,
            &self.fib,
            ArpConf::DEFAULT,
        );
        match r {
            Err(why) => self.ledger.drop(why),
            Ok(d) => {
                self.ledger.rx(RxStat::Delivered);
                if let Some(reply) = d.reply {
                    let mut buf = [0u8; 64];
                    let n = reply
                        .emit_frame(&mut buf)
                        .expect("an ARP reply fits a frame");
                    assert!(n >= 42, "ARP reply of {n} bytes");
                }
            }
        }
    }

    fn ip_input(&mut self, frame: &[u8], port: PortId, pkt_type: PacketType) {
        if pkt_type == PacketType::OtherHost {
            return self.ledger.drop(DropReason::Otherhost);
        }
        let ip = &frame[ethernet::HEADER_LEN..];
        let hdr = match receive::ip_rcv_core(ip) {
            Ok(h) => h,
            Err(why) => return self.ledger.drop(why),
        };
        assert!(hdr.header_len >= 20 && hdr.header_len <= hdr.total_len);
        assert!(hdr.total_len <= ip.len());
        let mut pkt = ip[..hdr.total_len].to_vec();
        let conf = PortConf::default();
        let decision =
            route::route_input(&self.fib, &self.addrs, hdr.ip.src, hdr.ip.dst, port, &conf);
        let opts = match decision {
            Ok(InputRoute::Local | InputRoute::Broadcast | InputRoute::Forward { .. })
                if hdr.header_len > wire_ip::HEADER_LEN =>
            {
                let local = matches!(decision, Ok(InputRoute::Local));
                let spec_dst = if local {
                    hdr.ip.dst
                } else {
                    self.addrs
                        .inet_select_addr(port, hdr.ip.src, Scope::Universe)
                        .unwrap_or(Ipv4Addr::UNSPECIFIED)
                };
                let addrs = &self.addrs;
                let is_ours = |x| addrs.is_local(x);
                let ctx = RecvContext {
                    spec_dst,
                    now: 12_345_678,
                    is_ours: &is_ours,
                };
                match options::compile(&mut pkt[..hdr.header_len], &ctx) {
                    Err(pointer) => {
                        assert!(
                            usize::from(pointer) < hdr.header_len,
                            "pointer beyond the header"
                        );
                        let msg = IcmpErrorMsg::parameter_problem(pointer);
                        let orig = pkt.clone();
                        let bcast = matches!(decision, Ok(InputRoute::Broadcast));
                        self.icmp_error(&orig, pkt_type, bcast, msg);
                        return self.ledger.drop(DropReason::NotSpecified);
                    }
                    Ok(o) if o.srr != 0 => return self.ledger.drop(DropReason::NotSpecified),
                    Ok(o) => {
                        assert_eq!(o.optlen, hdr.header_len - 20);
                        o
                    }
                }
            }
            _ => IpOptions::default(),
        };
        match decision {
            Ok(InputRoute::Local) => self.local_deliver(hdr, pkt, pkt_type, false, &opts),
            Ok(InputRoute::Broadcast) => self.local_deliver(hdr, pkt, pkt_type, true, &opts),
            Ok(InputRoute::Forward { port: out, .. }) => {
                assert!(out == P1 || out == P2, "forwarded to port {out:?}");
                self.forward(pkt, pkt_type, out, &opts)
            }
            Ok(InputRoute::Error(errno)) => {
                let e = route::ip_error(errno, true);
                if let Some(code) = e.icmp_code {
                    self.icmp_error(&pkt, pkt_type, false, IcmpErrorMsg::dest_unreach(code));
                }
                self.ledger.drop(e.reason)
            }
            Err(why) => self.ledger.drop(why),
        }
    }

    fn forward(&mut self, mut pkt: Vec<u8>, pkt_type: PacketType, out: PortId, opts: &IpOptions) {
        let mtu = if out == P2 { MTU2 } else { 1500 };
        let before = pkt.clone();
        match forward::ip_forward(&mut pkt, pkt_type, mtu, None) {
            Err(e) => {
                if let Some(msg) = e.icmp() {
                    self.icmp_error(&before, pkt_type, false, msg);
                }
                self.ledger.drop(e.drop_reason())
            }
            Ok(f) => {
                assert_eq!(pkt[8], before[8].wrapping_sub(1), "TTL not decremented");
                if opts.optlen > 0 {
                    let egress = self
                        .addrs
                        .inet_select_addr(out, Ipv4Addr::UNSPECIFIED, Scope::Universe)
                        .unwrap_or(Ipv4Addr::UNSPECIFIED);
                    let ihl = wire_ip::Packet::new_unchecked(&pkt[..]).header_len();
                    options::forward_options(&mut pkt[..ihl], opts, egress);
                }
                self.ledger.rx(RxStat::Forwarded);
                if !f.needs_fragmentation {
                    self.check_built("forwarded", &pkt);
                    return;
                }
                assert!(pkt.len() > usize::from(mtu));
                self.fragment_and_check(&pkt, mtu);
            }
        }
    }

    /// `ip_do_fragment`, and the fragments reassembled again by a fresh
    /// queue must be the packet (payload and protocol).
    fn fragment_and_check(&mut self, pkt: &[u8], mtu: u16) {
        let Ok(mut frags) = Fragments::new(pkt, mtu) else {
            return;
        };
        let orig = receive::ip_rcv_core(pkt).expect("a forwarded packet is valid");
        let malformed_more = orig.ip.more_frags && (orig.total_len - orig.header_len) % 8 != 0;
        let mut r: Reassembly<Vec<u8>> = Reassembly::new();
        let mut whole = None;
        let (mut count, mut next_offset, mut last_more) =
            (0, usize::from(orig.ip.frag_offset), true);
        while let Some(len) = frags.next_len() {
            let mut buf = vec![0u8; len];
            let n = frags.write_next(&mut buf).expect("next_len bytes suffice");
            buf.truncate(n);
            assert!(n <= usize::from(mtu), "fragment of {n} bytes for MTU {mtu}");
            self.check_built("fragment", &buf);
            count += 1;
            let h = receive::ip_rcv_core(&buf).unwrap();
            // Contiguous pieces of the original's range, in order.
            assert_eq!(
                usize::from(h.ip.frag_offset),
                next_offset,
                "fragment offsets not contiguous"
            );
            next_offset += h.total_len - h.header_len;
            last_more = h.ip.more_frags;
            let meta = frag_meta(&h, 1);
            match r.defrag(&meta, buf, 0) {
                Defrag::Queued => {}
                Defrag::Complete(c) => whole = Some(assemble(c)),
                // A received non-last fragment whose data is not a
                // multiple of 8 bytes (RFC 791 wants one) ends in a piece
                // with MF whose end ip_frag_queue rounds down, below its
                // offset if it is shorter than 8: dropped, as in Linux.
                Defrag::Dropped { .. } if malformed_more && frags.next_len().is_none() => {}
                Defrag::Dropped { reason, .. } => panic!("own fragment dropped: {reason:?}"),
            }
        }
        assert!(count >= 2, "needed fragmenting but made {count}");
        assert_eq!(
            last_more, orig.ip.more_frags,
            "the last fragment's MF is not the original's"
        );
        assert_eq!(
            next_offset,
            usize::from(orig.ip.frag_offset) + orig.total_len - orig.header_len,
            "fragments do not cover the original"
        );
        if orig.ip.more_frags || orig.ip.frag_offset != 0 {
            // A fragment fragmented again: its pieces alone do not make a
            // datagram.
            return;
        }
        let whole = whole.expect("the fragments reassemble");
        let (hl, hw) = (pkt[0] & 0xf, whole[0] & 0xf);
        assert_eq!(
            &whole[usize::from(hw) * 4..],
            &pkt[usize::from(hl) * 4..],
            "reassembled payload differs"
        );
        assert_eq!(whole[9], pkt[9], "protocol differs");
    }

    fn local_deliver(
        &mut self,
        hdr: Header,
        pkt: Vec<u8>,
        pkt_type: PacketType,
        bcast: bool,
        opts: &IpOptions,
    ) {
        if hdr.ip.more_frags || hdr.ip.frag_offset != 0 {
            return self.defrag(hdr, pkt, pkt_type, bcast);
        }
        let payload = hdr.payload(&pkt);
        match hdr.ip.protocol {
            wire_ip::PROTO_ICMP => match icmp::icmp_rcv(&hdr.ip, payload, bcast, true) {
                Err(why) => self.ledger.drop(why),
                Ok(IcmpInput::Consumed { .. }) => self.ledger.rx(RxStat::Delivered),
                Ok(input @ (IcmpInput::Echo(req) | IcmpInput::Timestamp(req))) => {
                    let from = (!bcast).then_some(req.dst);
                    let Ok(rt) = route::route_output(&self.fib, &self.addrs, req.src, None, from)
                    else {
                        return self.ledger.drop(DropReason::IpOutnoroutes);
                    };
                    let addrs = &self.addrs;
                    let is_ours = |x| addrs.is_local(x);
                    let h = &pkt[..hdr.header_len];
                    let Some(echoed) = options::echo(h, opts, rt.src, 1, &is_ours) else {
                        return self.ledger.rx(RxStat::Delivered);
                    };
                    let len = match input {
                        IcmpInput::Timestamp(_) => icmp::TIMESTAMP_REPLY_LEN,
                        _ => icmp::echo_reply_len(&req),
                    } + echoed.len();
                    let mut buf = vec![0u8; len];
                    let n = match input {
                        IcmpInput::Timestamp(_) => {
                            icmp::build_timestamp_reply(&req, rt.src, 1, 64, 7, &mut buf)
                        }
                        _ => icmp::build_echo_reply(&req, rt.src, 1, 64, &mut buf),
                    };
                    let n = n.ok().and_then(|n| options::insert(&mut buf, n, &echoed));
                    if let Some(n) = n {
                        buf.truncate(n);
                        self.check_built("icmp reply", &buf);
                    }
                    self.ledger.rx(RxStat::Delivered)
                }
            },
            wire_ip::PROTO_UDP => match udp::udp_rcv(&hdr.ip, payload, false, bcast, true) {
                UdpInput::Echo => {
                    let Ok(rt) = route::route_output(
                        &self.fib,
                        &self.addrs,
                        hdr.ip.src,
                        None,
                        Some(hdr.ip.dst),
                    ) else {
                        return self.ledger.drop(DropReason::IpOutnoroutes);
                    };
                    let mut buf = vec![0u8; udp::echo_reply_len(payload)];
                    if let Ok(n) =
                        udp::build_echo_reply(&hdr.ip, payload, rt.src, 64, 1500, 1, &mut buf)
                    {
                        buf.truncate(n);
                        self.check_built("udp echo", &buf);
                    }
                    self.ledger.rx(RxStat::Delivered)
                }
                UdpInput::PortUnreachable => {
                    let msg = IcmpErrorMsg::dest_unreach(3);
                    self.icmp_error(&pkt, pkt_type, bcast, msg);
                    self.ledger.drop(DropReason::NoSocket)
                }
                UdpInput::IgnoredMulti => self.ledger.rx(RxStat::Delivered),
                UdpInput::Drop(why) => self.ledger.drop(why),
            },
            wire_ip::PROTO_TCP => {
                let rcv = tcp::tcp_rcv(
                    &hdr.ip,
                    payload,
                    pkt_type == PacketType::Host,
                    false,
                    !bcast,
                );
                match rcv.input {
                    TcpInput::Drop(why) => self.ledger.drop(why),
                    TcpInput::Reset(reset) => {
                        if let Ok(rt) = route::route_output(
                            &self.fib,
                            &self.addrs,
                            hdr.ip.src,
                            None,
                            Some(hdr.ip.dst),
                        ) {
                            let addrs = &self.addrs;
                            let is_ours = |x| addrs.is_local(x);
                            let h = &pkt[..hdr.header_len];
                            if let Some(echoed) = options::echo(h, opts, rt.src, 1, &is_ours) {
                                let mut buf = vec![0u8; tcp::RESET_LEN + echoed.len()];
                                let n = tcp::build_reset(
                                    &reset, rt.src, hdr.ip.src, hdr.ip.tos, 64, &mut buf,
                                )
                                .ok()
                                .and_then(|n| options::insert(&mut buf, n, &echoed));
                                if let Some(n) = n {
                                    buf.truncate(n);
                                    self.check_built("tcp reset", &buf);
                                }
                            }
                        }
                        self.ledger.drop(DropReason::NoSocket)
                    }
                }
            }
            _ => {
                self.icmp_error(&pkt, pkt_type, bcast, IcmpErrorMsg::dest_unreach(2));
                self.ledger.drop(DropReason::IpNoproto)
            }
        }
    }

    fn defrag(&mut self, hdr: Header, pkt: Vec<u8>, pkt_type: PacketType, bcast: bool) {
        let meta = frag_meta(&hdr, pkt.len() + 256);
        let done = match self
            .reasm
            .defrag(&meta, Queued(self.eth_dst, pkt), self.now * 1000)
        {
            Defrag::Queued => return self.ledger.rx(RxStat::ReasmQueued),
            Defrag::Dropped { reason, .. } => return self.ledger.drop(reason),
            Defrag::Complete(c) => {
                self.ledger.rx(RxStat::ReasmQueued);
                c
            }
        };
        let total = done.total_len;
        let whole = assemble(done);
        assert_eq!(whole.len(), total, "reassembled length");
        self.ledger.rx(RxStat::Reassembled);
        match receive::ip_rcv_core(&whole) {
            Ok(h) => {
                assert!(
                    !h.ip.more_frags && h.ip.frag_offset == 0,
                    "still a fragment"
                );
                self.local_deliver(h, whole, pkt_type, bcast, &IpOptions::default())
            }
            Err(why) => self.ledger.drop(why),
        }
    }
}

fn frag_meta(h: &Header, truesize: usize) -> FragMeta {
    FragMeta {
        key: FragKey {
            src: h.ip.src,
            dst: h.ip.dst,
            id: h.ip.ident,
            protocol: h.ip.protocol,
        },
        offset: usize::from(h.ip.frag_offset),
        more: h.ip.more_frags,
        df: h.ip.dont_frag,
        ihl: h.header_len,
        data_len: h.total_len - h.header_len,
        truesize,
    }
}

/// What rust/router/input.rs's `defrag` builds from a completed queue.
fn assemble<P: AsRef<[u8]>>(done: reasm::Complete<P>) -> Vec<u8> {
    let mut out = Vec::with_capacity(done.total_len);
    for (i, p) in done.pieces.as_slice().iter().enumerate() {
        let pkt = p.pkt.as_ref();
        if i == 0 {
            out.extend_from_slice(&pkt[..p.ihl]);
            reasm::finish_header(&mut out[..p.ihl], done.total_len, done.df);
        }
        out.extend_from_slice(&pkt[p.ihl..p.ihl + p.take]);
    }
    out
}

/// A queued fragment: its frame's Ethernet destination and its bytes from
/// the IPv4 header on.
struct Queued(MacAddr, Vec<u8>);

impl AsRef<[u8]> for Queued {
    fn as_ref(&self) -> &[u8] {
        &self.1
    }
}

/// Runs one frame through a fresh-enough model, reporting the input on a
/// panic.
fn run_frame(m: &mut Model, frame: &[u8], port: PortId, seed: u64, n: u64) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.receive(frame, port)));
    if let Err(e) = r {
        panic!(
            "frame {n} of seed {seed} on port {:?} failed: {:?}\nframe: {}",
            port,
            e.downcast_ref::<String>()
                .map(String::as_str)
                .or(e.downcast_ref::<&str>().copied()),
            frame.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
    }
    assert_eq!(
        m.ledger.arrivals(),
        m.ledger.fates(),
        "ledger out of balance after frame {n} of seed {seed}"
    );
}

#[test]
fn frames_through_the_receive_model() {
    let corpus = seeds();
    assert!(
        corpus.len() >= 100,
        "seed corpus has {} frames",
        corpus.len()
    );
    let seed = seed("frames");
    let mut rng = Rng(seed);
    let mut m = Model::new();
    // Every seed unmutated first, on both ports.
    let mut n = 0u64;
    for (_, f) in &corpus {
        for port in [P1, P2] {
            run_frame(&mut m, f, port, seed, n);
            n += 1;
        }
    }
    let deadline = Instant::now() + budget();
    while Instant::now() < deadline {
        for _ in 0..256 {
            let (_, base) = &corpus[rng.below(corpus.len())];
            let mut f = base.clone();
            mutate(&mut rng, &corpus, &mut f);
            let port = if rng.chance(4) { P2 } else { P1 };
            run_frame(&mut m, &f, port, seed, n);
            n += 1;
            if rng.chance(50_000) {
                m = Model::new();
            }
        }
    }
    let l = &m.ledger;
    println!(
        "frames: {n} frames fuzzed, {} packets built; last model: delivered {}, forwarded {}, \
         reassembled {}, dropped {}",
        m.built,
        l.rx[RxStat::Delivered.index()],
        l.rx[RxStat::Forwarded.index()],
        l.rx[RxStat::Reassembled.index()],
        l.drops.iter().sum::<u64>()
    );
    // The mutations must reach the deeper decisions, not stop at the
    // header checks.
    assert!(l.rx[RxStat::Delivered.index()] > 0 && l.rx[RxStat::Forwarded.index()] > 0);
}

/// Inputs that once failed, kept as tests.
mod regressions {
    use super::*;

    fn seed_named(name: &str) -> Vec<u8> {
        seeds()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
            .unwrap()
    }

    /// Seed 1796066127193750235: a UDP fragment at offset 65,528 with MF
    /// and 1,467 data bytes, forwarded to the 1,400-byte port, was split
    /// into a second piece at offset 66,904, written as 1,368 (the 13-bit
    /// field wrapped). Fixed in rust/ipv4/fragment.rs (refused: FragFails);
    /// here it is forwarded and dropped, and nothing is built from it.
    #[test]
    fn a_fragment_beyond_65535_is_not_split_with_wrapped_offsets() {
        let mut f = seed_named("fwd-fragmented-odd");
        f[14 + 6..14 + 8].copy_from_slice(&0x3fffu16.to_be_bytes());
        fix_checksums(&mut Rng(2), &mut f);
        let mut m = Model::new();
        run_frame(&mut m, &f, P1, 0, 0);
        assert_eq!(m.ledger.rx[RxStat::Forwarded.index()], 1);
        assert_eq!(m.built, 0);
    }
}

// The FIB against a reference model.

#[derive(Debug, Clone)]
enum Op {
    Add(Route),
    Del(RouteSelector),
    Lookup(Ipv4Addr, Option<PortId>),
}

fn arb_route(rng: &mut Rng) -> Route {
    let len = [0u8, 8, 16, 20, 24, 24, 28, 30, 32][rng.below(9)];
    let dst = a([10, rng.below(3) as u8, rng.below(4) as u8, rng.byte()])
        .network(len)
        .unwrap();
    let kinds = [
        RouteType::Unicast,
        RouteType::Unicast,
        RouteType::Unicast,
        RouteType::Blackhole,
        RouteType::Unreachable,
        RouteType::Prohibit,
    ];
    let kind = kinds[rng.below(kinds.len())];
    let table = [0u32, 254, 254, 100][rng.below(4)];
    let reject = kind != RouteType::Unicast;
    Route {
        table,
        kind,
        scope: if reject || rng.chance(2) {
            Scope::Universe
        } else {
            Scope::Link
        },
        port: if reject {
            None
        } else {
            Some(PortId(1 + rng.below(3) as u32))
        },
        metric: rng.below(3) as u32,
        ..route(dst, len)
    }
}

fn arb_op(rng: &mut Rng, kept: &[Route]) -> Op {
    match rng.below(10) {
        0..=3 => Op::Add(arb_route(rng)),
        4 | 5 => {
            // Delete something that exists (often) or anything.
            let r = if !kept.is_empty() && rng.chance(2) {
                kept[rng.below(kept.len())]
            } else {
                arb_route(rng)
            };
            Op::Del(RouteSelector {
                table: r.table,
                dst: r.dst,
                prefix_len: r.prefix_len,
                metric: rng.chance(2).then_some(r.metric),
                kind: rng.chance(3).then_some(r.kind),
                ..Default::default()
            })
        }
        _ => Op::Lookup(
            a([10, rng.below(3) as u8, rng.below(4) as u8, rng.byte()]),
            if rng.chance(3) {
                Some(PortId(1 + rng.below(3) as u32))
            } else {
                None
            },
        ),
    }
}

fn table_of(t: u32) -> u32 {
    if t == 0 {
        254
    } else {
        t
    }
}

/// Linux's fib_trie walk with the default rules (local, main, default;
/// table 100 is never looked up without a rule): for each prefix length
/// from 32 down, the routes of main holding `dst`, by metric: the first
/// reject route, or usable route (any if no `oif`, else on `oif`).
fn oracle(routes: &[Route], dst: Ipv4Addr, oif: Option<PortId>) -> Option<Route> {
    for len in (0..=32u8).rev() {
        let mut c: Vec<&Route> = routes
            .iter()
            .filter(|r| table_of(r.table) == 254 && r.prefix_len == len && r.matches(dst))
            .collect();
        c.sort_by_key(|r| r.metric);
        for r in c {
            if r.kind.error().is_some() || oif.is_none() || r.port == oif {
                return Some(*r);
            }
        }
    }
    None
}

fn selects(sel: &RouteSelector, r: &Route) -> bool {
    table_of(sel.table) == table_of(r.table)
        && sel.dst == r.dst
        && sel.prefix_len == r.prefix_len
        && r.tos == 0
        && sel.metric.map_or(true, |m| m == r.metric)
        && sel.kind.map_or(true, |k| k == r.kind)
}

/// `fib_table_insert` with NLM_F_EXCL refuses a route whose prefix, TOS
/// and priority an existing one has, whatever its type and next hop.
fn same_key(x: &Route, y: &Route) -> bool {
    table_of(x.table) == table_of(y.table)
        && (x.dst, x.prefix_len, x.tos, x.metric) == (y.dst, y.prefix_len, y.tos, y.metric)
}

fn same(x: &Route, y: &Route) -> bool {
    table_of(x.table) == table_of(y.table)
        && (x.dst, x.prefix_len, x.kind, x.metric, x.port)
            == (y.dst, y.prefix_len, y.kind, y.metric, y.port)
}

fn fib_case(rng: &mut Rng, ops_done: &mut u64) -> Result<(), String> {
    let mut fib = Fib::new();
    // Connected subnets the unicast routes' ports live on.
    let mut addrs = AddrTable::new();
    for p in 1..=3u8 {
        let ifa = IfAddr {
            port: PortId(u32::from(p)),
            addr: a([192, 168, p, 1]),
            prefix_len: 24,
        };
        devinet::inet_insert_ifa(&mut addrs, &mut fib, ifa, true).map_err(|e| format!("{e:?}"))?;
    }
    let base: Vec<Route> = fib.routes().copied().collect();
    let mut kept: Vec<Route> = Vec::new();
    let mut log = Vec::new();
    for _ in 0..1 + rng.below(60) {
        let op = arb_op(rng, &kept);
        log.push(op.clone());
        *ops_done += 1;
        let fail = |why: String| Err(format!("{why}\nops: {log:#?}"));
        match &op {
            Op::Add(r) => match fib.insert_route(*r, &[], NlFlags::ADD) {
                Ok(()) => {
                    if kept.iter().any(|k| same_key(k, r)) {
                        return fail(format!("duplicate {r:?} accepted"));
                    }
                    kept.push(Route {
                        table: table_of(r.table),
                        ..*r
                    });
                }
                Err(e) => {
                    // NLM_F_EXCL is not given: only a duplicate, a bad
                    // request or a missing next hop subnet may fail.
                    let dup = kept.iter().any(|k| same_key(k, r));
                    if !dup && format!("{e:?}") == "Eexist" {
                        return fail(format!("{r:?} refused with EEXIST, no duplicate"));
                    }
                }
            },
            Op::Del(sel) => match fib.delete(sel) {
                Ok(gone) => {
                    if !selects(sel, &gone) {
                        return fail(format!("deleted {gone:?}, not what {sel:?} selects"));
                    }
                    let Some(i) = kept.iter().position(|k| same(k, &gone)) else {
                        return fail(format!("deleted {gone:?}, never added"));
                    };
                    kept.remove(i);
                }
                Err(e) => {
                    if kept.iter().any(|k| selects(sel, k)) {
                        return fail(format!("{sel:?} failed ({e:?}) but selects a route"));
                    }
                }
            },
            Op::Lookup(dst, oif) => {
                let mut all = base.clone();
                all.extend(kept.iter().copied());
                let got = fib.lookup(*dst, *oif).copied();
                let want = oracle(&all, *dst, *oif);
                let key =
                    |r: Option<Route>| r.map(|r| (r.dst, r.prefix_len, r.kind, r.metric, r.port));
                if key(got) != key(want) {
                    return fail(format!(
                        "lookup {dst:?} oif {oif:?}: {got:?}, oracle {want:?}"
                    ));
                }
            }
        }
        let user = fib.routes().count() - base.len();
        if user != kept.len() {
            return fail(format!(
                "{user} routes in the FIB, {} in the model",
                kept.len()
            ));
        }
    }
    Ok(())
}

#[test]
fn fib_against_a_reference_model() {
    let seed = seed("fib");
    let mut rng = Rng(seed);
    let deadline = Instant::now() + budget();
    let (mut cases, mut ops) = (0u64, 0u64);
    while Instant::now() < deadline || cases < 100 {
        let case_seed = rng.next() | 1;
        if let Err(e) = fib_case(&mut Rng(case_seed), &mut ops) {
            panic!("fib case seed {case_seed} (run seed {seed}): {e}");
        }
        cases += 1;
    }
    println!("fib: {cases} sequences, {ops} operations fuzzed");
}

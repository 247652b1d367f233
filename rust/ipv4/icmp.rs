// SPDX-License-Identifier: GPL-2.0

//! ICMP for the router itself (net/ipv4/icmp.c): receiving (`icmp_rcv`),
//! answering echo requests (`icmp_echo`, `icmp_reply`), the rules for
//! sending errors (`__icmp_send`), building them, and the global rate
//! limit (`icmp_global_allow`).

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::stats::{DropReason, IcmpStat};
use crate::ipv4::wire::ethernet::PacketType;
use crate::ipv4::wire::icmp::{self as wire_icmp, Packet, NR_ICMP_TYPES};
use crate::ipv4::wire::ipv4::{self as wire_ip, PROTO_ICMP};
use crate::ipv4::wire::{read_u8, Error};

/// `ICMP_EXT_ECHO` (RFC 8335 PROBE), answered by Linux only when enabled.
const EXT_ECHO: u8 = 42;
/// `ICMP_EXT_ECHOREPLY`.
const EXT_ECHOREPLY: u8 = 43;

/// An echo request to answer (the parts of it `icmp_echo` copies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoRequest<'a> {
    /// Who asked: the reply's destination.
    pub src: Ipv4Addr,
    /// The address pinged: the reply's source (`fib_compute_spec_dst`).
    pub dst: Ipv4Addr,
    /// The request's TOS, which the reply keeps.
    pub tos: u8,
    /// The request's code (Linux copies the header, code included).
    pub code: u8,
    /// Identifier.
    pub ident: u16,
    /// Sequence number.
    pub seq_no: u16,
    /// Data, echoed back.
    pub data: &'a [u8],
}

/// What `icmp_rcv` made of a valid message for the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcmpInput<'a> {
    /// An echo request: answer it with [`build_echo_reply`].
    Echo(EchoRequest<'a>),
    /// A timestamp request (type 13): answer it with
    /// [`build_timestamp_reply`]; `data` is its originate timestamp.
    Timestamp(EchoRequest<'a>),
    /// Any other valid message: consumed, nothing to send (errors about
    /// the router's own packets, echo replies, timestamps, ...).
    Consumed {
        /// Its type, for [`IcmpStat::in_for_type`].
        msg_type: u8,
    },
}

impl IcmpInput<'_> {
    /// The per-type "In" counter to bump (InEchos, InDestUnreachs, ...).
    pub fn in_stat(&self) -> Option<IcmpStat> {
        match self {
            IcmpInput::Echo(_) => IcmpStat::in_for_type(wire_icmp::ECHO),
            IcmpInput::Timestamp(_) => IcmpStat::in_for_type(wire_icmp::TIMESTAMP),
            IcmpInput::Consumed { msg_type } => IcmpStat::in_for_type(*msg_type),
        }
    }
}

/// `icmp_rcv` for a message addressed to the router: `ip` is its IPv4
/// header, `icmp` the IP payload (up to `tot_len`), `broadcast` whether
/// the input route was [`crate::ipv4::route::InputRoute::Broadcast`].
///
/// The caller counts InMsgs and the per-type counter of [`msg_in_type`]
/// first, then on `Err` the counters of [`DropReason::icmp_rcv_stats`]
/// (InErrors, and InCsumErrors for `ICMP_CSUM`); a consumed error message
/// may still count InErrors ([`error_counts_in_errors`]).
///
/// - bad checksum: `ICMP_CSUM`; shorter than 8 bytes: `NOT_SPECIFIED`;
/// - a type above 18: `UNHANDLED_PROTO` (RFC 1122 3.2.2);
/// - to a broadcast address: echo and timestamp requests are ignored
///   if `ignore_broadcasts` (`icmp_echo_ignore_broadcasts`, default 1) and
///   types other than those and address-mask ones refused, all as
///   `INVALID_PROTO`;
/// - timestamp requests are consumed unanswered (Linux answers them; that
///   is later work), as are PROBE requests (disabled by default in Linux).
pub fn icmp_rcv<'a>(
    ip: &wire_ip::Repr,
    icmp: &'a [u8],
    broadcast: bool,
    ignore_broadcasts: bool,
) -> Result<IcmpInput<'a>, DropReason> {
    let p = Packet::new_unchecked(icmp);
    if !p.verify_checksum() {
        return Err(DropReason::IcmpCsum);
    }
    let p = Packet::new_checked(icmp).map_err(|_| DropReason::NotSpecified)?;
    let t = p.msg_type();
    if t == EXT_ECHO || t == EXT_ECHOREPLY {
        return Ok(IcmpInput::Consumed { msg_type: t });
    }
    if t > NR_ICMP_TYPES {
        return Err(DropReason::UnhandledProto);
    }
    if broadcast {
        match t {
            wire_icmp::ECHO | wire_icmp::TIMESTAMP if ignore_broadcasts => {
                return Err(DropReason::InvalidProto)
            }
            wire_icmp::ECHO | wire_icmp::TIMESTAMP => {}
            wire_icmp::ADDRESS | wire_icmp::ADDRESSREPLY => {}
            _ => return Err(DropReason::InvalidProto),
        }
    }
    let request = EchoRequest {
        src: ip.src,
        dst: ip.dst,
        tos: ip.tos,
        code: p.msg_code(),
        ident: p.echo_ident(),
        seq_no: p.echo_seq_no(),
        data: icmp.get(wire_icmp::HEADER_LEN..).unwrap_or(&[]),
    };
    match t {
        wire_icmp::ECHO => Ok(IcmpInput::Echo(request)),
        wire_icmp::TIMESTAMP => {
            // icmp_timestamp: at least the originate timestamp, or it is
            // an error (InErrors).
            let orig = request.data.get(..4).ok_or(DropReason::NotSpecified)?;
            Ok(IcmpInput::Timestamp(EchoRequest {
                data: orig,
                ..request
            }))
        }
        _ => Ok(IcmpInput::Consumed { msg_type: t }),
    }
}

/// The type `icmp_rcv` counts in the per-type In counters
/// (`ICMPMSGIN_INC_STATS`: InEchos, InDestUnreachs, ...) for the ICMP
/// message `icmp`: every message with a valid checksum and a whole header,
/// counted before the checks that may still refuse it (a type beyond 18,
/// an echo to a broadcast), so those count both their type and InErrors.
pub fn msg_in_type(icmp: &[u8]) -> Option<u8> {
    let p = Packet::new_checked(icmp).ok()?;
    p.verify_checksum().then(|| p.msg_type())
}

/// `NR_ICMP_UNREACH`: the highest destination unreachable code.
const NR_ICMP_UNREACH: u8 = 15;

/// Whether Linux counts the received ICMP error `icmp` (type 3, 4, 5, 11
/// or 12, addressed to the router) in InErrors, for a router that has no
/// sockets: `icmp_unreach` or `icmp_redirect` count a quoted header too
/// short or malformed; `icmp_socket_deliver` one without its 8 transport
/// bytes or quoting a raw packet; and the UDP, UDP-Lite and TCP error
/// handlers one about a packet no socket of theirs sent
/// (`__udp4_lib_err`, `tcp_v4_err`). Errors about a broadcast
/// (`is_broadcast`: `inet_addr_type_dev_table` says RTN_BROADCAST), with
/// an unknown unreachable code, or timing out a reassembly are ignored
/// uncounted, as are those quoting protocols with no error handler.
pub fn error_counts_in_errors(icmp: &[u8], is_broadcast: impl Fn(Ipv4Addr) -> bool) -> bool {
    let (Some(&msg_type), Some(&code)) = (icmp.first(), icmp.get(1)) else {
        return false;
    };
    let inner = icmp.get(wire_icmp::HEADER_LEN..).unwrap_or(&[]);
    let Some(quoted) = inner.get(..wire_ip::HEADER_LEN) else {
        // pskb_may_pull(iphdr) failed: out_err.
        return matches!(
            msg_type,
            wire_icmp::DEST_UNREACH
                | wire_icmp::SOURCE_QUENCH
                | wire_icmp::REDIRECT
                | wire_icmp::TIME_EXCEEDED
                | wire_icmp::PARAMETERPROB
        );
    };
    let ihl = usize::from(quoted[0] & 0x0f) * 4;
    match msg_type {
        wire_icmp::DEST_UNREACH
        | wire_icmp::SOURCE_QUENCH
        | wire_icmp::TIME_EXCEEDED
        | wire_icmp::PARAMETERPROB => {
            if ihl < wire_ip::HEADER_LEN {
                return true;
            }
            if (msg_type == wire_icmp::DEST_UNREACH && code > NR_ICMP_UNREACH)
                || (msg_type == wire_icmp::TIME_EXCEEDED && code == 1)
            {
                return false;
            }
            let dst = Ipv4Addr::new(quoted[16], quoted[17], quoted[18], quoted[19]);
            if is_broadcast(dst) {
                return false;
            }
        }
        wire_icmp::REDIRECT => {}
        _ => return false,
    }
    // icmp_socket_deliver: the quoted header and 8 bytes of its payload.
    if inner.len() < ihl.saturating_add(8) {
        return true;
    }
    // IPPROTO_RAW; UDP, UDP-Lite and TCP find no socket.
    matches!(quoted[9], 255 | 17 | 136 | 6)
}

/// Length of a timestamp reply, IPv4 header included: the ICMP header and
/// three timestamps, whatever the request carried.
pub const TIMESTAMP_REPLY_LEN: usize = wire_ip::HEADER_LEN + wire_icmp::HEADER_LEN + 12;

/// Writes the reply to the timestamp request `req` (`icmp_timestamp`) into
/// the start of `buf`: type 14, code 0, the request's identifier and
/// sequence number, its originate timestamp, and `now` (milliseconds since
/// midnight UT, `inet_current_timestamp`) as both receive and transmit
/// timestamps; IP as [`build_echo_reply`]'s. Returns
/// [`TIMESTAMP_REPLY_LEN`].
pub fn build_timestamp_reply(
    req: &EchoRequest<'_>,
    src: Ipv4Addr,
    ip_ident: u16,
    ttl: u8,
    now: u32,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let mut times = [0u8; 12];
    times[..4].copy_from_slice(req.data.get(..4).ok_or(Error::Truncated)?);
    times[4..8].copy_from_slice(&now.to_be_bytes());
    times[8..].copy_from_slice(&now.to_be_bytes());
    let reply = EchoRequest {
        code: 0,
        data: &times,
        ..*req
    };
    build_reply(&reply, wire_icmp::TIMESTAMPREPLY, src, ip_ident, ttl, buf)
}

/// The length of the reply to `req`, IPv4 header included: size the
/// buffer (skb) with it.
pub fn echo_reply_len(req: &EchoRequest<'_>) -> usize {
    wire_ip::HEADER_LEN
        .saturating_add(wire_icmp::HEADER_LEN)
        .saturating_add(req.data.len())
}

/// Writes the echo reply to `req` (`icmp_echo`/`icmp_reply`) into the
/// start of `buf`, IPv4 header included, and returns its length
/// ([`echo_reply_len`]). `src` is the source route output chose (normally
/// `req.dst`), `ip_ident` the IP identification to use. The reply has type
/// 0 and the request's code, identifier, sequence number and data; the
/// request's TOS; TTL `ttl` (`ip_default_ttl`, 64 by default); DF clear (Linux's ICMP socket does not set it).
///
/// `Err(Truncated)` if `buf` is too short, `Err(Malformed)` if the reply
/// would exceed 65535 bytes.
pub fn build_echo_reply(
    req: &EchoRequest<'_>,
    src: Ipv4Addr,
    ip_ident: u16,
    ttl: u8,
    buf: &mut [u8],
) -> Result<usize, Error> {
    build_reply(req, wire_icmp::ECHO_REPLY, src, ip_ident, ttl, buf)
}

/// `icmp_reply` of a message of type `msg_type` with `req`'s code,
/// identifier, sequence number and data.
fn build_reply(
    req: &EchoRequest<'_>,
    msg_type: u8,
    src: Ipv4Addr,
    ip_ident: u16,
    ttl: u8,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let len = echo_reply_len(req);
    let out = buf.get_mut(..len).ok_or(Error::Truncated)?;
    // split_at_mut_checked is Rust 1.80; the kernel's minimum is 1.78.
    if out.len() < wire_ip::HEADER_LEN {
        return Err(Error::Truncated);
    }
    let (iph, icmp) = out.split_at_mut(wire_ip::HEADER_LEN);
    let ip = wire_ip::Repr {
        src,
        dst: req.src,
        protocol: PROTO_ICMP,
        ttl,
        tos: req.tos,
        ident: ip_ident,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: icmp.len(),
    };
    ip.emit(iph)?;
    let reply = wire_icmp::Repr::Other {
        msg_type,
        code: req.code,
        rest: (u32::from(req.ident) << 16) | u32::from(req.seq_no),
        data: req.data,
    };
    reply.emit(icmp)?;
    Ok(len)
}

/// Whether `__icmp_send` would send an ICMP error about the packet `orig`
/// (its bytes from the IPv4 header on), received as `pkt_type` with an
/// input route that was broadcast (or multicast) if `route_broadcast`:
/// never about a link-layer broadcast or multicast, a broadcast route, a
/// non-first fragment, or an ICMP error (or unknown ICMP type), nor about
/// a packet too short to hold the header or the ICMP type.
pub fn should_send_error(orig: &[u8], pkt_type: PacketType, route_broadcast: bool) -> bool {
    let p = wire_ip::Packet::new_unchecked(orig);
    if orig.len() < wire_ip::HEADER_LEN || p.header_len() < wire_ip::HEADER_LEN {
        return false;
    }
    if pkt_type != PacketType::Host || route_broadcast {
        return false;
    }
    if p.frag_field() & wire_ip::IP_OFFSET != 0 {
        return false;
    }
    if p.protocol() == PROTO_ICMP {
        let at = p.header_len();
        if orig.len() <= at {
            return false;
        }
        let inner = read_u8(orig, at);
        if wire_icmp::is_error(inner) {
            return false;
        }
    }
    true
}

/// An ICMP error to send (`icmp_send(skb, type, code, info)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpErrorMsg {
    /// Type (destination unreachable, time exceeded, parameter problem).
    pub msg_type: u8,
    /// Code.
    pub code: u8,
    /// The four "rest of header" bytes (`info`): the next-hop MTU for
    /// "fragmentation needed", the pointer (top byte) for a parameter
    /// problem, else 0.
    pub info: u32,
}

impl IcmpErrorMsg {
    /// Destination unreachable with `code`.
    pub const fn dest_unreach(code: u8) -> Self {
        IcmpErrorMsg {
            msg_type: wire_icmp::DEST_UNREACH,
            code,
            info: 0,
        }
    }

    /// Redirect for the host (5/1) to `gateway` (`ICMP_REDIR_HOST`).
    pub const fn redirect_host(gateway: Ipv4Addr) -> Self {
        IcmpErrorMsg {
            msg_type: wire_icmp::REDIRECT,
            code: 1,
            info: gateway.to_bits(),
        }
    }

    /// Parameter problem (12/0) pointing at byte `pointer` of the
    /// offending header.
    pub const fn parameter_problem(pointer: u8) -> Self {
        IcmpErrorMsg {
            msg_type: wire_icmp::PARAMETERPROB,
            code: 0,
            info: (pointer as u32) << 24,
        }
    }

    /// Fragmentation needed and DF set, with the next-hop MTU.
    pub const fn frag_needed(mtu: u16) -> Self {
        IcmpErrorMsg {
            msg_type: wire_icmp::DEST_UNREACH,
            code: wire_icmp::unreach::FRAG_NEEDED,
            info: mtu as u32,
        }
    }

    /// Time to live exceeded in transit.
    pub const fn ttl_exceeded() -> Self {
        Self::time_exceeded(wire_icmp::time_exceeded::TTL)
    }

    /// Time exceeded with `code` (TTL, fragment reassembly).
    pub const fn time_exceeded(code: u8) -> Self {
        IcmpErrorMsg {
            msg_type: wire_icmp::TIME_EXCEEDED,
            code,
            info: 0,
        }
    }
}

/// How much of the offending packet an ICMP error quotes: as much as fits
/// a 576-byte datagram (`icmp_send`'s `room`), i.e. at most 548 bytes.
pub const MAX_ERROR_QUOTE: usize = 576 - wire_ip::HEADER_LEN - wire_icmp::HEADER_LEN;

/// `IPTOS_PREC_INTERNETCONTROL`.
const IPTOS_PREC_INTERNETCONTROL: u8 = 0xc0;
/// `IPTOS_TOS_MASK`.
const IPTOS_TOS_MASK: u8 = 0x1e;

/// The length of the error about `orig`, IPv4 header included.
pub fn error_len(orig: &[u8]) -> usize {
    wire_ip::HEADER_LEN
        .saturating_add(wire_icmp::HEADER_LEN)
        .saturating_add(orig.len().min(MAX_ERROR_QUOTE))
}

/// Writes the ICMP error `msg` about `orig` (the offending packet from its
/// IPv4 header on) into the start of `buf`, from `src` back to `orig`'s
/// source, and returns its length ([`error_len`]). TOS is the original's
/// with precedence "internetwork control", TTL `ttl` (`ip_default_ttl`),
/// DF clear.
///
/// Check [`should_send_error`] and the rate limit first. `Err(Truncated)`
/// if `buf` is too short or `orig` has no IPv4 header.
pub fn build_error(
    msg: &IcmpErrorMsg,
    orig: &[u8],
    src: Ipv4Addr,
    ip_ident: u16,
    ttl: u8,
    buf: &mut [u8],
) -> Result<usize, Error> {
    if orig.len() < wire_ip::HEADER_LEN {
        return Err(Error::Truncated);
    }
    let o = wire_ip::Packet::new_unchecked(orig);
    let quote = orig.get(..orig.len().min(MAX_ERROR_QUOTE)).unwrap_or(orig);
    let len = error_len(orig);
    let out = buf.get_mut(..len).ok_or(Error::Truncated)?;
    // split_at_mut_checked is Rust 1.80; the kernel's minimum is 1.78.
    if out.len() < wire_ip::HEADER_LEN {
        return Err(Error::Truncated);
    }
    let (iph, icmp) = out.split_at_mut(wire_ip::HEADER_LEN);
    wire_ip::Repr {
        src,
        dst: o.src_addr(),
        protocol: PROTO_ICMP,
        ttl,
        tos: (o.tos() & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL,
        ident: ip_ident,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: icmp.len(),
    }
    .emit(iph)?;
    wire_icmp::Repr::Other {
        msg_type: msg.msg_type,
        code: msg.code,
        rest: msg.info,
        data: quote,
    }
    .emit(icmp)?;
    Ok(len)
}

/// `sysctl_icmp_msgs_per_sec`.
pub const ICMP_MSGS_PER_SEC: u32 = 1000;
/// `sysctl_icmp_msgs_burst`.
pub const ICMP_MSGS_BURST: u32 = 50;
/// `sysctl_icmp_ratemask`: destination unreachable, source quench, time
/// exceeded, parameter problem.
pub const ICMP_RATEMASK: u32 = 0x1818;

/// `icmpv4_mask_allow`: whether an ICMP message of this type is exempt
/// from rate limiting (types outside `ratemask`, `icmp_ratemask`, and
/// "fragmentation needed", which PMTU discovery depends on).
pub const fn icmpv4_mask_allow(ratemask: u32, msg_type: u8, code: u8) -> bool {
    if msg_type > NR_ICMP_TYPES {
        return true;
    }
    if msg_type == wire_icmp::DEST_UNREACH && code == wire_icmp::unreach::FRAG_NEEDED {
        return true;
    }
    (1u32 << msg_type) & ratemask == 0
}

/// The global ICMP token bucket (`icmp_global_allow` and
/// `icmp_global_consume`): about [`ICMP_MSGS_PER_SEC`] messages a second,
/// bursts of [`ICMP_MSGS_BURST`].
///
/// It starts empty with its stamp at time 0, as Linux's does, so the first
/// call (at a `now` of a second or more) fills it to the burst. One
/// difference, for determinism: each message consumes exactly one credit
/// (Linux consumes a random 0 to 2, one on average).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpGlobalLimit {
    credit: u32,
    stamp: u64,
    per_sec: u32,
    burst: u32,
}

impl Default for IcmpGlobalLimit {
    fn default() -> Self {
        Self::new()
    }
}

impl IcmpGlobalLimit {
    /// A bucket with Linux's default rate and burst.
    pub const fn new() -> Self {
        Self::with_rate(ICMP_MSGS_PER_SEC, ICMP_MSGS_BURST)
    }

    /// Sets the rate and burst (`icmp_msgs_per_sec`, `icmp_msgs_burst`
    /// changed); the credit saved is kept, within the new burst.
    pub fn set_rate(&mut self, per_sec: u32, burst: u32) {
        self.per_sec = per_sec;
        self.burst = burst;
        self.credit = self.credit.min(burst);
    }

    /// A bucket with another rate and burst.
    pub const fn with_rate(per_sec: u32, burst: u32) -> Self {
        IcmpGlobalLimit {
            credit: 0,
            stamp: 0,
            per_sec,
            burst,
        }
    }

    /// Whether a message may be sent at `now` (milliseconds), consuming a
    /// credit if so ([`IcmpGlobalLimit::check`] then
    /// [`IcmpGlobalLimit::consume`]).
    pub fn allow(&mut self, now: u64) -> bool {
        let ok = self.check(now);
        if ok {
            self.consume();
        }
        ok
    }

    /// `icmp_global_allow`: whether there is a credit, refilling the
    /// bucket when it is empty, at most once per 20 ms (`HZ / 50`), by
    /// `per_sec * elapsed / 1000` for up to one second elapsed. Consumes
    /// nothing: the message may still be refused per peer.
    pub fn check(&mut self, now: u64) -> bool {
        if self.credit == 0 {
            let delta = now.saturating_sub(self.stamp).min(1000);
            if delta < 20 {
                return false;
            }
            let incr = u64::from(self.per_sec).saturating_mul(delta) / 1000;
            if incr == 0 {
                return false;
            }
            self.stamp = now;
            let incr = u32::try_from(incr).unwrap_or(u32::MAX);
            self.credit = self.credit.saturating_add(incr).min(self.burst);
        }
        true
    }

    /// `icmp_global_consume`: one credit for a message that is sent.
    pub fn consume(&mut self) {
        self.credit = self.credit.saturating_sub(1);
    }

    /// `icmpv4_global_allow`: exempt types pass without consuming; others
    /// need a credit. When this is false, count OutRateLimitGlobal and send
    /// nothing.
    pub fn allow_type(&mut self, msg_type: u8, code: u8, now: u64) -> bool {
        icmpv4_mask_allow(ICMP_RATEMASK, msg_type, code) || self.allow(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::receive::ip_rcv_core;
    use crate::ipv4::wire::icmp::unreach;
    use crate::ipv4::wire::ipv4::tests::PING;
    use proptest::prelude::*;

    fn echo_of(pkt: &[u8], broadcast: bool) -> Result<IcmpInput<'_>, DropReason> {
        let h = ip_rcv_core(pkt).unwrap();
        icmp_rcv(&h.ip, h.payload(pkt), broadcast, true)
    }

    #[test]
    fn answers_a_ping_byte_for_byte_like_linux() {
        let IcmpInput::Echo(req) = echo_of(&PING, false).unwrap() else {
            panic!("not an echo");
        };
        assert_eq!((req.ident, req.seq_no, req.data.len()), (0x0b1a, 1, 56));
        assert_eq!(echo_reply_len(&req), 84);
        let mut buf = [0u8; 100];
        let n = build_echo_reply(&req, req.dst, 0x1234, 64, &mut buf).unwrap();
        assert_eq!(n, 84);
        let reply = &buf[..n];
        let h = ip_rcv_core(reply).unwrap();
        assert_eq!(
            (h.ip.src, h.ip.dst, h.ip.ttl, h.ip.dont_frag),
            (req.dst, req.src, 64, false)
        );
        // ICMP: type 0, checksum as computed for this reply, same rest.
        assert_eq!(&reply[20..24], &[0, 0, 0x76, 0xaf]);
        assert_eq!(reply[24..], PING[24..]);
        assert_eq!(
            build_echo_reply(&req, req.dst, 0, 64, &mut buf[..83]),
            Err(Error::Truncated)
        );
    }

    /// A timestamp request (the PING turned into type 13) is answered with
    /// type 14, code 0, its originate timestamp and ours twice; one
    /// without an originate timestamp is an error.
    #[test]
    fn answers_a_timestamp_request() {
        let mut ts = PING;
        ts[20] = wire_icmp::TIMESTAMP;
        ts[21] = 3;
        ts[22..24].copy_from_slice(&[0, 0]);
        let c = crate::ipv4::checksum::checksum(&ts[20..]);
        ts[22..24].copy_from_slice(&c.to_be_bytes());
        let input = echo_of(&ts, false).unwrap();
        assert_eq!(input.in_stat(), Some(IcmpStat::InTimestamps));
        let IcmpInput::Timestamp(req) = input else {
            panic!("not a timestamp request");
        };
        let mut buf = [0u8; TIMESTAMP_REPLY_LEN];
        let n = build_timestamp_reply(&req, req.dst, 1, 64, 0x0102_0304, &mut buf).unwrap();
        assert_eq!(n, 40);
        let h = ip_rcv_core(&buf).unwrap();
        assert_eq!((h.ip.src, h.ip.dst, h.total_len), (req.dst, req.src, 40));
        assert_eq!(&buf[20..22], &[wire_icmp::TIMESTAMPREPLY, 0]);
        assert_eq!(&buf[24..28], &PING[24..28]);
        assert_eq!(&buf[28..32], &PING[28..32]);
        assert_eq!(&buf[32..40], &[1, 2, 3, 4, 1, 2, 3, 4]);
        assert_eq!(crate::ipv4::checksum::checksum(&buf[20..]), 0);
        assert_eq!(echo_of(&ts, true).unwrap_err(), DropReason::InvalidProto);
    }

    #[test]
    fn reply_to_a_captured_ping_equals_linux_reply() {
        use crate::ipv4::wire::captured::{LO_PING, LO_PING_REPLY};
        let IcmpInput::Echo(req) = echo_of(&LO_PING, false).unwrap() else {
            panic!("not an echo");
        };
        let mut buf = [0u8; 84];
        let n = build_echo_reply(&req, req.dst, 0x4e9c, 64, &mut buf).unwrap();
        assert_eq!(buf[..n], LO_PING_REPLY[..]);
    }

    #[test]
    fn received_errors_count_in_errors_as_linux_without_sockets() {
        let udp = |ty: u8, code: u8, dst: [u8; 4], proto: u8, quoted: usize| {
            let mut m = std::vec![ty, code, 0, 0, 0, 0, 0, 0, 0x45];
            m.extend_from_slice(&[0; 8]);
            m.push(proto);
            m.extend_from_slice(&[0, 0, 10, 1, 0, 1]);
            m.extend_from_slice(&dst);
            m.extend_from_slice(&std::vec![0; quoted]);
            m
        };
        let bc = |a: Ipv4Addr| a == Ipv4Addr::new(10, 1, 0, 255);
        let host = [10, 50, 0, 1];
        // About a UDP or TCP packet: no socket, InErrors.
        assert!(error_counts_in_errors(&udp(3, 1, host, 17, 8), bc));
        assert!(error_counts_in_errors(&udp(11, 0, host, 6, 8), bc));
        assert!(error_counts_in_errors(&udp(5, 1, host, 17, 8), bc));
        // About ICMP or an unknown protocol: handled or ignored, uncounted.
        assert!(!error_counts_in_errors(&udp(3, 1, host, 1, 8), bc));
        assert!(!error_counts_in_errors(&udp(3, 1, host, 253, 8), bc));
        // Truncated quotes are errors; broadcast ones and odd codes ignored.
        assert!(error_counts_in_errors(&udp(3, 1, host, 1, 4), bc));
        assert!(error_counts_in_errors(&[3, 1, 0, 0, 0, 0, 0, 0, 0x45], bc));
        assert!(!error_counts_in_errors(
            &udp(3, 1, [10, 1, 0, 255], 17, 8),
            bc
        ));
        assert!(!error_counts_in_errors(&udp(3, 16, host, 17, 8), bc));
        assert!(!error_counts_in_errors(&udp(11, 1, host, 17, 8), bc));
        // Not an error.
        assert!(!error_counts_in_errors(&udp(0, 0, host, 17, 8), bc));
    }

    #[test]
    fn the_type_is_counted_before_the_checks_that_refuse() {
        assert_eq!(msg_in_type(&PING[20..]), Some(wire_icmp::ECHO));
        let mut bad = PING;
        bad[30] ^= 1;
        assert_eq!(msg_in_type(&bad[20..]), None);
        assert_eq!(msg_in_type(&[0, 0, 0xff, 0xff]), None);
    }

    #[test]
    fn ratemask_and_rate_are_settings() {
        // The default mask limits unreachables but not echo replies; a
        // mask with bit 0 limits echo replies too; none limits nothing.
        assert!(!icmpv4_mask_allow(
            ICMP_RATEMASK,
            wire_icmp::DEST_UNREACH,
            3
        ));
        assert!(icmpv4_mask_allow(ICMP_RATEMASK, wire_icmp::ECHO_REPLY, 0));
        assert!(!icmpv4_mask_allow(1, wire_icmp::ECHO_REPLY, 0));
        assert!(icmpv4_mask_allow(0, wire_icmp::TIME_EXCEEDED, 0));
        let mut l = IcmpGlobalLimit::new();
        l.set_rate(100, 5);
        let t0 = 10_000;
        let sent = (0..50).filter(|_| l.allow(t0)).count();
        assert_eq!(sent, 5);
        // 100 ms at 100/s: 10 more, within a burst of 5.
        let sent = (0..50).filter(|_| l.allow(t0 + 100)).count();
        assert_eq!(sent, 5);
    }

    #[test]
    fn icmp_rcv_drops_as_linux_does() {
        let mut bad = PING;
        bad[30] ^= 1;
        assert_eq!(echo_of(&bad, false), Err(DropReason::IcmpCsum));
        assert_eq!(echo_of(&PING, true), Err(DropReason::InvalidProto));
        // icmp_echo_ignore_broadcasts 0: a broadcast ping is answered.
        let h = ip_rcv_core(&PING).unwrap();
        assert!(matches!(
            icmp_rcv(&h.ip, h.payload(&PING), true, false),
            Ok(IcmpInput::Echo(_))
        ));
        let ip = ip_rcv_core(&PING).unwrap().ip;
        let mut m = [0u8; 8];
        let mk = |m: &mut [u8; 8], t: u8| {
            m.fill(0);
            m[0] = t;
            wire_icmp::Packet::new_unchecked(&mut m[..]).fill_checksum();
        };
        mk(&mut m, 30);
        assert_eq!(
            icmp_rcv(&ip, &m, false, true),
            Err(DropReason::UnhandledProto)
        );
        mk(&mut m, wire_icmp::DEST_UNREACH);
        assert_eq!(
            icmp_rcv(&ip, &m, false, true),
            Ok(IcmpInput::Consumed { msg_type: 3 })
        );
        assert_eq!(icmp_rcv(&ip, &m, true, true), Err(DropReason::InvalidProto));
        assert_eq!(
            icmp_rcv(&ip, &m, false, true).unwrap().in_stat(),
            Some(IcmpStat::InDestUnreachs)
        );
        mk(&mut m, wire_icmp::ADDRESS);
        assert!(icmp_rcv(&ip, &m, true, true).is_ok());
        // Short but checksum-valid: four zero bytes.
        assert_eq!(
            icmp_rcv(&ip, &[0, 0, 0xff, 0xff], false, true),
            Err(DropReason::NotSpecified)
        );
    }

    #[test]
    fn error_rules_follow_icmp_send() {
        assert!(should_send_error(&PING, PacketType::Host, false));
        assert!(!should_send_error(&PING, PacketType::Broadcast, false));
        assert!(!should_send_error(&PING, PacketType::Host, true));
        assert!(!should_send_error(&PING[..19], PacketType::Host, false));
        let mut frag = PING;
        frag[7] = 1;
        assert!(!should_send_error(&frag, PacketType::Host, false));
        frag[6] = 0x20; // MF set on the first fragment: still answered.
        frag[7] = 0;
        assert!(should_send_error(&frag, PacketType::Host, false));
        let mut err = PING;
        err[20] = wire_icmp::DEST_UNREACH;
        assert!(!should_send_error(&err, PacketType::Host, false));
        err[20] = 99;
        assert!(!should_send_error(&err, PacketType::Host, false));
        assert!(!should_send_error(&PING[..20], PacketType::Host, false));
    }

    #[test]
    fn builds_a_time_exceeded_quoting_the_packet() {
        let src = Ipv4Addr::new(10, 0, 0, 254);
        let mut buf = [0u8; 200];
        let n = build_error(&IcmpErrorMsg::ttl_exceeded(), &PING, src, 7, 64, &mut buf).unwrap();
        assert_eq!(n, 20 + 8 + 84);
        let h = ip_rcv_core(&buf[..n]).unwrap();
        assert_eq!(
            (h.ip.src, h.ip.dst, h.ip.tos),
            (src, Ipv4Addr::new(192, 168, 1, 10), 0xc0)
        );
        let icmp = wire_icmp::Packet::new_checked(h.payload(&buf[..n])).unwrap();
        assert!(icmp.verify_checksum());
        assert_eq!((icmp.msg_type(), icmp.msg_code()), (11, 0));
        assert_eq!(icmp.data(), &PING[..]);
        // Frag needed carries the MTU; long packets are cut to 576 bytes.
        let big = [0x45u8; 1500];
        assert_eq!(error_len(&big), 576);
        let mut buf = [0u8; 576];
        build_error(&IcmpErrorMsg::frag_needed(1400), &big, src, 0, 64, &mut buf).unwrap();
        assert_eq!(&buf[24..28], &[0, 0, 0x05, 0x78]);
        assert_eq!(
            build_error(
                &IcmpErrorMsg::dest_unreach(unreach::NET),
                &PING[..10],
                src,
                0,
                64,
                &mut buf
            ),
            Err(Error::Truncated)
        );
    }

    #[test]
    fn global_limit_bursts_then_refills_at_the_rate() {
        let mut l = IcmpGlobalLimit::new();
        let t0 = 1_000_000;
        let sent = (0..100).filter(|_| l.allow(t0)).count();
        assert_eq!(sent, 50);
        // Less than 20 ms later: nothing.
        assert!(!l.allow(t0 + 19));
        // 20 ms at 1000/s: 20 more.
        let sent = (0..100).filter(|_| l.allow(t0 + 20)).count();
        assert_eq!(sent, 20);
        // A long pause refills at most the burst.
        let sent = (0..100).filter(|_| l.allow(t0 + 60_000)).count();
        assert_eq!(sent, 50);
        // Echo replies and "fragmentation needed" are not limited.
        assert!(l.allow_type(wire_icmp::ECHO_REPLY, 0, t0 + 60_000));
        assert!(l.allow_type(wire_icmp::DEST_UNREACH, unreach::FRAG_NEEDED, t0 + 60_000));
        assert!(!l.allow_type(wire_icmp::DEST_UNREACH, unreach::HOST, t0 + 60_000));
        assert!(!l.allow_type(wire_icmp::TIME_EXCEEDED, 0, t0 + 60_000));
    }

    proptest! {
        #[test]
        fn limiter_never_exceeds_rate_plus_burst(steps in proptest::collection::vec((0u64..50, 0usize..20), 1..200)) {
            let mut l = IcmpGlobalLimit::new();
            let mut now = 10_000u64;
            let start = now;
            let mut sent = 0u64;
            for (dt, tries) in steps {
                now += dt;
                sent += (0..tries).filter(|_| l.allow(now)).count() as u64;
            }
            prop_assert!(sent <= u64::from(ICMP_MSGS_BURST) + (now - start) * u64::from(ICMP_MSGS_PER_SEC) / 1000);
        }

        #[test]
        fn icmp_rcv_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64), bcast in any::<bool>()) {
            let ip = ip_rcv_core(&PING).unwrap().ip;
            if let Ok(IcmpInput::Echo(req)) = icmp_rcv(&ip, &bytes, bcast, true) {
                let mut buf = std::vec![0u8; echo_reply_len(&req)];
                prop_assert!(build_echo_reply(&req, req.dst, 0, 64, &mut buf).is_ok());
            }
            let _ = should_send_error(&bytes, PacketType::Host, bcast);
        }
    }
}

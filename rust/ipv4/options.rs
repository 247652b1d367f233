// SPDX-License-Identifier: GPL-2.0

//! IP options: net/ipv4/ip_options.c's `__ip_options_compile` on receive
//! (after route input, as `ip_rcv_options` runs it), `ip_forward_options`,
//! and `__ip_options_echo` with `ip_options_build` for what the router
//! answers (echo and timestamp replies, resets, ICMP errors).
//!
//! On receive, record route (RR) and timestamp (TS) get the router's entry
//! (the address the packet was sent to, for the router itself; the
//! receiving port's address, overwritten with the egress port's when the
//! packet is forwarded); a malformed option is a parameter problem (12/0)
//! with a pointer to the bad byte; a source route is noted (the caller
//! drops it: `accept_source_route` is 0). Other options pass untouched.
//! Answers echo the request's RR and TS with the router's entry added.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::wire::ipv4::HEADER_LEN;
use crate::ipv4::wire::write_u16;

const IPOPT_END: u8 = 0;
const IPOPT_NOOP: u8 = 1;
const IPOPT_RR: u8 = 7;
const IPOPT_TIMESTAMP: u8 = 68;
const IPOPT_LSRR: u8 = 131;
const IPOPT_SSRR: u8 = 137;
const IPOPT_RA: u8 = 148;
const IPOPT_TS_TSONLY: u8 = 0;
const IPOPT_TS_TSANDADDR: u8 = 1;
const IPOPT_TS_PRESPEC: u8 = 3;

/// What `__ip_options_compile` found (`struct ip_options`): offsets from
/// the start of the IP header, 0 for absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpOptions {
    /// Header length of the options (`ihl * 4 - 20`).
    pub optlen: usize,
    /// Offset of a source route option (LSRR or SSRR).
    pub srr: usize,
    /// Offset of the record route option.
    pub rr: usize,
    /// RR had room: an address was (or is to be) recorded.
    pub rr_needaddr: bool,
    /// Offset of the timestamp option.
    pub ts: usize,
    /// TS records an address with its time.
    pub ts_needaddr: bool,
    /// TS records a time.
    pub ts_needtime: bool,
    /// Offset of a router alert option.
    pub router_alert: usize,
    /// The header was rewritten: its checksum must be recomputed.
    pub changed: bool,
}

/// What the receiving router knows when it compiles a packet's options.
pub struct RecvContext<'a> {
    /// `spec_dst` (`fib_compute_spec_dst`): the address the packet was
    /// sent to if it is the router's, else the receiving port's address
    /// towards the source.
    pub spec_dst: Ipv4Addr,
    /// Milliseconds since midnight UT (`inet_current_timestamp`).
    pub now: u32,
    /// Whether an address is one of the router's (`inet_addr_type` is not
    /// unicast), for prespecified timestamps.
    pub is_ours: &'a dyn Fn(Ipv4Addr) -> bool,
}

/// `__ip_options_compile` on a received header `hdr` (`ihl * 4` bytes),
/// writing the router's RR and TS entries into it; `Err(pointer)` for a
/// malformed option (the offset of the bad byte in the header, for the
/// parameter problem). The header checksum is not updated
/// (`IpOptions::changed` says it is stale; [`forward_options`] fixes it).
pub fn compile(hdr: &mut [u8], ctx: &RecvContext<'_>) -> Result<IpOptions, u8> {
    let mut opt = IpOptions {
        optlen: hdr.len().saturating_sub(HEADER_LEN),
        ..IpOptions::default()
    };
    let err = |at: usize| Err(u8::try_from(at).unwrap_or(u8::MAX));
    let mut at = HEADER_LEN;
    let end = hdr.len();
    while at < end {
        let l = end - at;
        match hdr[at] {
            IPOPT_END => {
                for b in &mut hdr[at + 1..end] {
                    if *b != IPOPT_END {
                        *b = IPOPT_END;
                        opt.changed = true;
                    }
                }
                break;
            }
            IPOPT_NOOP => {
                at += 1;
                continue;
            }
            _ => {}
        }
        if l < 2 {
            return err(at);
        }
        let optlen = usize::from(hdr[at + 1]);
        if optlen < 2 || optlen > l {
            return err(at);
        }
        let o = &mut hdr[at..at + optlen];
        match o[0] {
            IPOPT_SSRR | IPOPT_LSRR => {
                if optlen < 3 {
                    return err(at + 1);
                }
                if o[2] < 4 {
                    return err(at + 2);
                }
                if opt.srr != 0 {
                    return err(at);
                }
                opt.srr = at;
            }
            IPOPT_RR => {
                if opt.rr != 0 {
                    return err(at);
                }
                if optlen < 3 {
                    return err(at + 1);
                }
                if o[2] < 4 {
                    return err(at + 2);
                }
                let ptr = usize::from(o[2]);
                if ptr <= optlen {
                    if ptr + 3 > optlen {
                        return err(at + 2);
                    }
                    o[ptr - 1..ptr + 3].copy_from_slice(&ctx.spec_dst.octets());
                    opt.changed = true;
                    o[2] += 4;
                    opt.rr_needaddr = true;
                }
                opt.rr = at;
            }
            IPOPT_TIMESTAMP => {
                if opt.ts != 0 {
                    return err(at);
                }
                if optlen < 4 {
                    return err(at + 1);
                }
                if o[2] < 5 {
                    return err(at + 2);
                }
                let ptr = usize::from(o[2]);
                if ptr <= optlen {
                    if ptr + 3 > optlen {
                        return err(at + 2);
                    }
                    let mut time_at = None;
                    match o[3] & 0xf {
                        IPOPT_TS_TSONLY => {
                            time_at = Some(ptr - 1);
                            opt.ts_needtime = true;
                            o[2] += 4;
                        }
                        IPOPT_TS_TSANDADDR => {
                            if ptr + 7 > optlen {
                                return err(at + 2);
                            }
                            o[ptr - 1..ptr + 3].copy_from_slice(&ctx.spec_dst.octets());
                            time_at = Some(ptr + 3);
                            opt.ts_needaddr = true;
                            opt.ts_needtime = true;
                            o[2] += 8;
                        }
                        IPOPT_TS_PRESPEC => {
                            if ptr + 7 > optlen {
                                return err(at + 2);
                            }
                            let a =
                                Ipv4Addr::from_octets([o[ptr - 1], o[ptr], o[ptr + 1], o[ptr + 2]]);
                            if (ctx.is_ours)(a) {
                                time_at = Some(ptr + 3);
                                opt.ts_needtime = true;
                                o[2] += 8;
                            }
                        }
                        // Unknown flags are accepted on receive.
                        _ => {}
                    }
                    if let Some(t) = time_at {
                        o[t..t + 4].copy_from_slice(&ctx.now.to_be_bytes());
                        opt.changed = true;
                    }
                } else if o[3] & 0xf != IPOPT_TS_PRESPEC {
                    // Full: count the overflow.
                    let overflow = o[3] >> 4;
                    if overflow == 15 {
                        return err(at + 3);
                    }
                    o[3] = (o[3] & 0xf) | ((overflow + 1) << 4);
                    opt.changed = true;
                }
                opt.ts = at;
            }
            IPOPT_RA => {
                if optlen < 4 {
                    return err(at + 1);
                }
                if o[2] == 0 && o[3] == 0 {
                    opt.router_alert = at;
                }
            }
            // Security, stream id, CIPSO and unknown options: accepted on
            // receive (CIPSO is not validated here: no CIPSO domain).
            _ => {}
        }
        at += optlen;
    }
    // The checksum is left as it came, now stale if something changed:
    // Linux recomputes it only in ip_forward_options, and the ICMP errors
    // it sends before that quote the header so.
    Ok(opt)
}

/// Recomputes the header checksum of `hdr` (`ip_send_check`).
pub fn fix_checksum(hdr: &mut [u8]) {
    write_u16(hdr, 10, 0);
    let c = checksum::checksum(hdr);
    write_u16(hdr, 10, c);
}

/// `ip_forward_options`: the router's RR and TS entries become the egress
/// port's address `egress_src` (`ip_rt_get_source`). Recomputes the
/// checksum if anything was written here or by [`compile`].
pub fn forward_options(hdr: &mut [u8], opt: &IpOptions, egress_src: Ipv4Addr) {
    // The slot just before each option's pointer.
    let slot = |at: usize, back: usize| {
        let ptr = usize::from(*hdr.get(at + 2)?);
        (at + ptr).checked_sub(back)
    };
    let rr = opt.rr_needaddr.then(|| slot(opt.rr, 5)).flatten();
    let ts = opt.ts_needaddr.then(|| slot(opt.ts, 9)).flatten();
    let mut changed = false;
    for at in [rr, ts].into_iter().flatten() {
        if let Some(s) = hdr.get_mut(at..at + 4) {
            s.copy_from_slice(&egress_src.octets());
            changed = true;
        }
    }
    if changed || opt.changed {
        fix_checksum(hdr);
    }
}

/// The options of an answer (`__ip_options_echo` then `ip_options_build`):
/// at most 40 bytes, a multiple of 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoedOptions {
    data: [u8; 40],
    len: usize,
}

impl EchoedOptions {
    /// No options.
    pub const NONE: EchoedOptions = EchoedOptions {
        data: [0; 40],
        len: 0,
    };

    /// The option bytes, to follow the answer's 20-byte header.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.len]
    }

    /// Their length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// `__ip_options_echo` of the received header `hdr` (already compiled
/// into `opt`), then `ip_options_build` for an answer from `src` at time
/// `now`: RR and TS are copied with the answer's own entry added. A source
/// route is not echoed (the caller never answers one: it is dropped).
/// `None` when Linux's echo fails (no room where the options say there
/// is): then no answer is sent.
pub fn echo(
    hdr: &[u8],
    opt: &IpOptions,
    src: Ipv4Addr,
    now: u32,
    is_ours: &dyn Fn(Ipv4Addr) -> bool,
) -> Option<EchoedOptions> {
    let mut out = EchoedOptions::NONE;
    if opt.optlen == 0 {
        return Some(out);
    }
    let mut d = 0usize;
    if opt.rr != 0 {
        let optlen = usize::from(*hdr.get(opt.rr + 1)?);
        let soffset = usize::from(*hdr.get(opt.rr + 2)?);
        let o = hdr.get(opt.rr..opt.rr + optlen)?;
        out.data.get_mut(d..d + optlen)?.copy_from_slice(o);
        if opt.rr_needaddr && soffset <= optlen {
            if soffset + 3 > optlen {
                return None;
            }
            out.data[d + 2] = u8::try_from(soffset + 4).ok()?;
            // ip_options_build: the answer's source.
            let at = d + soffset + 4 - 5;
            out.data.get_mut(at..at + 4)?.copy_from_slice(&src.octets());
        }
        d += optlen;
    }
    if opt.ts != 0 {
        let optlen = usize::from(*hdr.get(opt.ts + 1)?);
        let mut soffset = usize::from(*hdr.get(opt.ts + 2)?);
        let o = hdr.get(opt.ts..opt.ts + optlen)?;
        out.data.get_mut(d..d + optlen)?.copy_from_slice(o);
        let (mut needaddr, mut needtime) = (false, false);
        if soffset <= optlen {
            if opt.ts_needaddr {
                if soffset + 3 > optlen {
                    return None;
                }
                needaddr = true;
                soffset += 4;
            }
            if opt.ts_needtime {
                if soffset + 3 > optlen {
                    return None;
                }
                if out.data[d + 3] & 0xf != IPOPT_TS_PRESPEC {
                    needtime = true;
                    soffset += 4;
                } else if soffset + 7 <= optlen {
                    let a = out.data.get(d + soffset - 1..d + soffset + 3)?;
                    let a = Ipv4Addr::from_octets([a[0], a[1], a[2], a[3]]);
                    if is_ours(a) {
                        needtime = true;
                        soffset += 8;
                    }
                }
            }
            out.data[d + 2] = u8::try_from(soffset).ok()?;
        }
        let ptr = usize::from(out.data[d + 2]);
        if needaddr {
            let at = (d + ptr).checked_sub(9)?;
            out.data.get_mut(at..at + 4)?.copy_from_slice(&src.octets());
        }
        if needtime {
            let at = (d + ptr).checked_sub(5)?;
            out.data
                .get_mut(at..at + 4)?
                .copy_from_slice(&now.to_be_bytes());
        }
        d += optlen;
    }
    while d & 3 != 0 {
        *out.data.get_mut(d)? = IPOPT_END;
        d += 1;
    }
    out.len = d;
    Some(out)
}

/// Inserts `opts` after the 20-byte header of the packet in `buf` (whose
/// first `len` bytes are the packet, `buf` having room for the options):
/// moves the payload, sets `ihl` and `tot_len`, recomputes the header
/// checksum. Returns the new length.
pub fn insert(buf: &mut [u8], len: usize, opts: &EchoedOptions) -> Option<usize> {
    let n = opts.len();
    if n == 0 {
        return Some(len);
    }
    let new_len = len.checked_add(n)?;
    if len < HEADER_LEN || buf.len() < new_len {
        return None;
    }
    buf.copy_within(HEADER_LEN..len, HEADER_LEN + n);
    buf[HEADER_LEN..HEADER_LEN + n].copy_from_slice(opts.bytes());
    buf[0] = 0x40 | u8::try_from((HEADER_LEN + n) / 4).ok()?;
    write_u16(buf, 2, u16::try_from(new_len).ok()?);
    fix_checksum(&mut buf[..HEADER_LEN + n]);
    Some(new_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 1);

    fn ctx(is_ours: &dyn Fn(Ipv4Addr) -> bool) -> RecvContext<'_> {
        RecvContext {
            spec_dst: SPEC,
            now: 0x0102_0304,
            is_ours,
        }
    }

    /// A header with `opts` (padded with END to a multiple of 4).
    fn hdr(opts: &[u8]) -> std::vec::Vec<u8> {
        let mut h = std::vec![0u8; HEADER_LEN];
        h[0] = 0x45;
        h[8] = 64;
        h[9] = 1;
        h.extend_from_slice(opts);
        while h.len() % 4 != 0 {
            h.push(0);
        }
        h[0] = 0x40 | (h.len() / 4) as u8;
        fix_checksum(&mut h);
        h
    }

    /// ping -R: RR with nine slots, the sender's address recorded.
    fn ping_r() -> std::vec::Vec<u8> {
        let mut o = std::vec![IPOPT_NOOP, IPOPT_RR, 39, 8, 10, 1, 0, 2];
        o.resize(40, 0);
        hdr(&o)
    }

    #[test]
    fn record_route_gets_the_router_then_its_egress_address() {
        let mut h = ping_r();
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        assert_eq!((opt.rr, opt.rr_needaddr, opt.changed), (21, true, true));
        assert_eq!(&h[28..33], &[10, 1, 0, 1, 0]);
        assert_eq!(h[23], 12);
        // Stale until forwarding fixes it, as in Linux.
        assert_ne!(checksum::checksum(&h), 0);
        forward_options(&mut h, &opt, Ipv4Addr::new(10, 2, 0, 1));
        assert_eq!(&h[28..32], &[10, 2, 0, 1]);
        assert_eq!(checksum::checksum(&h), 0);
    }

    #[test]
    fn an_echo_reply_echoes_the_route_with_the_router_added() {
        let mut h = ping_r();
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        let e = echo(&h, &opt, SPEC, 0, &|_| false).unwrap();
        // NOP is not echoed; RR with the pointer past our second entry;
        // padded with END to 40 bytes (39 + 1).
        assert_eq!(e.len(), 40);
        let b = e.bytes();
        assert_eq!(&b[..3], &[IPOPT_RR, 39, 16]);
        assert_eq!(&b[3..15], &[10, 1, 0, 2, 10, 1, 0, 1, 10, 1, 0, 1]);
        assert_eq!(b[39], IPOPT_END);
    }

    #[test]
    fn timestamps_are_stamped_and_overflow_counted() {
        // Timestamps only, room for one.
        let mut h = hdr(&[IPOPT_TIMESTAMP, 8, 5, 0, 0, 0, 0, 0]);
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        assert!(opt.ts_needtime && !opt.ts_needaddr);
        assert_eq!(&h[20..28], &[IPOPT_TIMESTAMP, 8, 9, 0, 1, 2, 3, 4]);
        // Full now: the overflow counter goes up.
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        assert_eq!(h[23], 0x10);
        assert!(!opt.ts_needtime);
        // Address and time.
        let mut h = hdr(&[IPOPT_TIMESTAMP, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        compile(&mut h, &ctx(&|_| false)).unwrap();
        assert_eq!(&h[24..32], &[10, 1, 0, 1, 1, 2, 3, 4]);
        // Prespecified: stamped only at the named address.
        let mut h = hdr(&[IPOPT_TIMESTAMP, 12, 5, 3, 10, 9, 9, 9, 0, 0, 0, 0]);
        compile(&mut h, &ctx(&|_| false)).unwrap();
        assert_eq!(h[22], 5);
        compile(&mut h, &ctx(&|a| a == Ipv4Addr::new(10, 9, 9, 9))).unwrap();
        assert_eq!((h[22], &h[28..32]), (13, &[1, 2, 3, 4][..]));
    }

    #[test]
    fn malformed_options_point_at_the_bad_byte() {
        // Length beyond the header.
        let mut h = hdr(&[IPOPT_RR, 9, 4, 0]);
        assert_eq!(compile(&mut h, &ctx(&|_| false)), Err(20));
        // Pointer below 4.
        let mut h = hdr(&[IPOPT_RR, 7, 3, 0, 0, 0, 0, 0]);
        assert_eq!(compile(&mut h, &ctx(&|_| false)), Err(22));
        // Two record routes.
        let mut h = hdr(&[IPOPT_RR, 3, 8, IPOPT_RR, 3, 8, 0, 0]);
        assert_eq!(compile(&mut h, &ctx(&|_| false)), Err(23));
        // A one-byte option at the end.
        let mut h = hdr(&[IPOPT_NOOP, IPOPT_NOOP, IPOPT_NOOP, IPOPT_RA]);
        assert_eq!(compile(&mut h, &ctx(&|_| false)), Err(23));
        // Timestamp overflow at 15.
        let mut h = hdr(&[IPOPT_TIMESTAMP, 4, 5, 0xf0]);
        assert_eq!(compile(&mut h, &ctx(&|_| false)), Err(23));
    }

    #[test]
    fn source_routes_are_found_and_end_pads_are_cleared() {
        let mut h = hdr(&[IPOPT_LSRR, 7, 4, 10, 2, 0, 2, IPOPT_END]);
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        assert_eq!(opt.srr, 20);
        let mut h = hdr(&[IPOPT_END, 5, 6, 7]);
        let opt = compile(&mut h, &ctx(&|_| false)).unwrap();
        assert!(opt.changed);
        assert_eq!(&h[20..24], &[0, 0, 0, 0]);
        forward_options(&mut h, &opt, SPEC);
        assert_eq!(checksum::checksum(&h), 0);
    }

    #[test]
    fn options_go_in_after_the_header() {
        let mut buf = [0u8; 64];
        let mut h = hdr(&[]);
        h[2..4].copy_from_slice(&24u16.to_be_bytes());
        buf[..20].copy_from_slice(&h);
        buf[20..24].copy_from_slice(&[9, 9, 9, 9]);
        let mut o = EchoedOptions::NONE;
        o.data[..4].copy_from_slice(&[IPOPT_RR, 3, 4, 0]);
        o.len = 4;
        assert_eq!(insert(&mut buf, 24, &o), Some(28));
        assert_eq!(buf[0], 0x46);
        assert_eq!(&buf[20..28], &[IPOPT_RR, 3, 4, 0, 9, 9, 9, 9]);
        assert_eq!(checksum::checksum(&buf[..24]), 0);
    }

    proptest::proptest! {
        /// Any option bytes: compile never panics and, when it accepts,
        /// leaves a valid checksum; echo and forwarding never panic.
        #[test]
        fn any_options_are_safe(opts in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            let mut h = hdr(&opts);
            if let Ok(opt) = compile(&mut h, &ctx(&|_| true)) {
                if !opt.changed {
                    proptest::prop_assert_eq!(checksum::checksum(&h), 0);
                }
                let _ = echo(&h, &opt, SPEC, 1, &|_| true);
                forward_options(&mut h, &opt, SPEC);
                proptest::prop_assert_eq!(checksum::checksum(&h), 0);
            }
        }
    }
}

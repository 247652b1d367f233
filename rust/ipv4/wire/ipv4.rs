// SPDX-License-Identifier: GPL-2.0

//! IPv4 headers (`struct iphdr`).

use super::{read_4, read_u16, read_u8, write_bytes, write_u16, write_u8, Error, Field};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;

/// Length of a header without options.
pub const HEADER_LEN: usize = 20;
/// Largest header (ihl 15).
pub const MAX_HEADER_LEN: usize = 60;
/// `IPPROTO_ICMP`.
pub const PROTO_ICMP: u8 = 1;
/// `IPPROTO_IGMP`.
pub const PROTO_IGMP: u8 = 2;
/// `IPPROTO_TCP`.
pub const PROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub const PROTO_UDP: u8 = 17;
/// `IP_DF` in the flags/fragment-offset field.
pub const IP_DF: u16 = 0x4000;
/// `IP_MF`.
pub const IP_MF: u16 = 0x2000;
/// `IP_OFFSET`: the fragment offset, in 8-byte units.
pub const IP_OFFSET: u16 = 0x1fff;
/// The default TTL of packets the router originates
/// (`sysctl_ip_default_ttl`).
pub const DEFAULT_TTL: u8 = 64;

/// Field offsets of an IPv4 header.
pub mod field {
    use super::Field;
    /// Version (high nibble) and IHL (low nibble).
    pub const VER_IHL: usize = 0;
    /// TOS (DSCP and ECN).
    pub const TOS: usize = 1;
    /// Total length.
    pub const LENGTH: Field = 2..4;
    /// Identification.
    pub const IDENT: Field = 4..6;
    /// Flags and fragment offset.
    pub const FLG_OFF: Field = 6..8;
    /// Time to live.
    pub const TTL: usize = 8;
    /// Protocol.
    pub const PROTOCOL: usize = 9;
    /// Header checksum.
    pub const CHECKSUM: Field = 10..12;
    /// Source address.
    pub const SRC_ADDR: Field = 12..16;
    /// Destination address.
    pub const DST_ADDR: Field = 16..20;
}

/// A view of an IPv4 packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checks (getters read 0 past the end).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer holding a whole header and `total_len` bytes:
    /// 20 <= header_len <= total_len <= buffer length. Does not check the
    /// version or checksum (see [`Repr::parse`] and
    /// [`crate::ipv4::receive::ip_rcv_core`]).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let p = Self::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks the lengths [`Packet::new_checked`] promises.
    pub fn check_len(&self) -> Result<(), Error> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let hlen = self.header_len();
        let tot = usize::from(self.total_len());
        if hlen < HEADER_LEN || tot < hlen {
            return Err(Error::Malformed);
        }
        if len < hlen || len < tot {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn buf(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Version (4).
    pub fn version(&self) -> u8 {
        read_u8(self.buf(), field::VER_IHL) >> 4
    }

    /// Header length in bytes (`ihl * 4`).
    pub fn header_len(&self) -> usize {
        usize::from(read_u8(self.buf(), field::VER_IHL) & 0x0f) * 4
    }

    /// TOS byte.
    pub fn tos(&self) -> u8 {
        read_u8(self.buf(), field::TOS)
    }

    /// Total length (header and payload).
    pub fn total_len(&self) -> u16 {
        read_u16(self.buf(), field::LENGTH.start)
    }

    /// Identification.
    pub fn ident(&self) -> u16 {
        read_u16(self.buf(), field::IDENT.start)
    }

    /// The raw flags and fragment offset field.
    pub fn frag_field(&self) -> u16 {
        read_u16(self.buf(), field::FLG_OFF.start)
    }

    /// DF flag.
    pub fn dont_frag(&self) -> bool {
        self.frag_field() & IP_DF != 0
    }

    /// MF flag.
    pub fn more_frags(&self) -> bool {
        self.frag_field() & IP_MF != 0
    }

    /// Fragment offset in bytes.
    pub fn frag_offset(&self) -> u16 {
        // 13 bits times 8 fits 16 bits.
        (self.frag_field() & IP_OFFSET) << 3
    }

    /// TTL.
    pub fn ttl(&self) -> u8 {
        read_u8(self.buf(), field::TTL)
    }

    /// Protocol.
    pub fn protocol(&self) -> u8 {
        read_u8(self.buf(), field::PROTOCOL)
    }

    /// Header checksum as stored.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buf(), field::CHECKSUM.start)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from_octets(read_4(self.buf(), field::SRC_ADDR.start))
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from_octets(read_4(self.buf(), field::DST_ADDR.start))
    }

    /// The header bytes (`header_len` of them; fewer if the buffer is
    /// short).
    pub fn header(&self) -> &[u8] {
        let b = self.buf();
        b.get(..self.header_len()).unwrap_or(b)
    }

    /// Whether the header checksum verifies (`ip_fast_csum == 0`). False if
    /// the buffer does not hold the whole header.
    pub fn verify_checksum(&self) -> bool {
        let h = self.header_len();
        match self.buf().get(..h) {
            Some(hdr) if h >= HEADER_LEN => checksum::header_checksum(hdr) == 0,
            _ => false,
        }
    }

    /// The payload: from the end of the header to `total_len` (clamped to
    /// the buffer).
    pub fn payload(&self) -> &[u8] {
        let b = self.buf();
        let end = usize::from(self.total_len()).min(b.len());
        b.get(self.header_len()..end).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn buf_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets version and header length (in bytes, a multiple of 4 from 20
    /// to 60; other values are clamped into that range).
    pub fn set_version_and_header_len(&mut self, version: u8, header_len: usize) {
        let ihl = (header_len.clamp(HEADER_LEN, MAX_HEADER_LEN) / 4) as u8;
        write_u8(self.buf_mut(), field::VER_IHL, (version << 4) | ihl);
    }

    /// Sets the TOS byte.
    pub fn set_tos(&mut self, v: u8) {
        write_u8(self.buf_mut(), field::TOS, v);
    }

    /// Sets the total length.
    pub fn set_total_len(&mut self, v: u16) {
        write_u16(self.buf_mut(), field::LENGTH.start, v);
    }

    /// Sets the identification.
    pub fn set_ident(&mut self, v: u16) {
        write_u16(self.buf_mut(), field::IDENT.start, v);
    }

    /// Sets the raw flags and fragment offset field.
    pub fn set_frag_field(&mut self, v: u16) {
        write_u16(self.buf_mut(), field::FLG_OFF.start, v);
    }

    /// Sets the TTL.
    pub fn set_ttl(&mut self, v: u8) {
        write_u8(self.buf_mut(), field::TTL, v);
    }

    /// Sets the protocol.
    pub fn set_protocol(&mut self, v: u8) {
        write_u8(self.buf_mut(), field::PROTOCOL, v);
    }

    /// Stores a checksum value.
    pub fn set_checksum(&mut self, v: u16) {
        write_u16(self.buf_mut(), field::CHECKSUM.start, v);
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, v: Ipv4Addr) {
        write_bytes(self.buf_mut(), field::SRC_ADDR.start, &v.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, v: Ipv4Addr) {
        write_bytes(self.buf_mut(), field::DST_ADDR.start, &v.octets());
    }

    /// Computes and stores the header checksum (`ip_send_check`).
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let h = self.header_len();
        let c = match self.buffer.as_ref().get(..h) {
            Some(hdr) => checksum::header_checksum(hdr),
            None => return,
        };
        self.set_checksum(c);
    }

    /// Decrements the TTL and updates the checksum incrementally (RFC 1624,
    /// `ip_decrease_ttl`). Returns the new TTL, or `None` (and changes
    /// nothing) if the TTL is already 0.
    #[inline(always)]
    pub fn decrease_ttl(&mut self) -> Option<u8> {
        let ttl = self.ttl().checked_sub(1)?;
        let old = read_u16(self.buffer.as_ref(), field::TTL);
        self.set_ttl(ttl);
        let new = read_u16(self.buffer.as_ref(), field::TTL);
        let c = checksum::update_u16(self.checksum(), old, new);
        self.set_checksum(c);
        Some(ttl)
    }

    /// The payload, mutably (see [`Packet::payload`]).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        let b = self.buffer.as_mut();
        let end = usize::from(read_u16(b, field::LENGTH.start)).min(b.len());
        b.get_mut(start..end).unwrap_or(&mut [])
    }
}

/// The meaning of an IPv4 header (options are skipped on parse and never
/// emitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol of the payload (`IPPROTO_*`).
    pub protocol: u8,
    /// Time to live.
    pub ttl: u8,
    /// TOS byte.
    pub tos: u8,
    /// Identification.
    pub ident: u16,
    /// DF flag.
    pub dont_frag: bool,
    /// MF flag.
    pub more_frags: bool,
    /// Fragment offset in bytes (a multiple of 8).
    pub frag_offset: u16,
    /// Payload length (`tot_len` minus the header).
    pub payload_len: usize,
}

impl Repr {
    /// Parses a checked packet: version 4, lengths consistent, checksum
    /// correct.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr, Error> {
        p.check_len()?;
        if p.version() != 4 {
            return Err(Error::Malformed);
        }
        if !p.verify_checksum() {
            return Err(Error::Checksum);
        }
        Ok(Self::parse_unchecked(p))
    }

    /// The fields of a packet whose lengths were checked, without
    /// verifying version or checksum.
    #[inline(always)]
    pub fn parse_unchecked<T: AsRef<[u8]>>(p: &Packet<T>) -> Repr {
        Repr {
            src: p.src_addr(),
            dst: p.dst_addr(),
            protocol: p.protocol(),
            ttl: p.ttl(),
            tos: p.tos(),
            ident: p.ident(),
            dont_frag: p.dont_frag(),
            more_frags: p.more_frags(),
            frag_offset: p.frag_offset(),
            payload_len: usize::from(p.total_len()).saturating_sub(p.header_len()),
        }
    }

    /// Whether this is a fragment (`ip_is_fragment`: MF set or nonzero
    /// offset).
    pub fn is_fragment(&self) -> bool {
        self.more_frags || self.frag_offset != 0
    }

    /// The length of the emitted header (no options).
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// The total length of header and payload; `None` if above 65535.
    pub fn total_len(&self) -> Option<u16> {
        HEADER_LEN
            .checked_add(self.payload_len)
            .and_then(|t| u16::try_from(t).ok())
    }

    /// Writes a 20-byte header with its checksum into the start of `buf`.
    /// The payload is not touched. Fails if `buf` is shorter than 20 bytes
    /// or the total length does not fit 16 bits.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), Error> {
        let total = self.total_len().ok_or(Error::Malformed)?;
        let hdr = buf.get_mut(..HEADER_LEN).ok_or(Error::Truncated)?;
        let mut p = Packet::new_unchecked(hdr);
        p.set_version_and_header_len(4, HEADER_LEN);
        p.set_tos(self.tos);
        p.set_total_len(total);
        p.set_ident(self.ident);
        let mut frag = (self.frag_offset >> 3) & IP_OFFSET;
        if self.dont_frag {
            frag |= IP_DF;
        }
        if self.more_frags {
            frag |= IP_MF;
        }
        p.set_frag_field(frag);
        p.set_ttl(self.ttl);
        p.set_protocol(self.protocol);
        p.set_src_addr(self.src);
        p.set_dst_addr(self.dst);
        p.fill_checksum();
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A ping as iputils sends it: 192.168.1.10 -> 192.168.1.1, echo request id
    /// 0x0b1a seq 1, 56 bytes of data (as sent by iputils ping).
    pub(crate) const PING: [u8; 84] = [
        0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x9b, 0x07, 0xc0, 0xa8, 0x01,
        0x0a, 0xc0, 0xa8, 0x01, 0x01, // IPv4
        0x08, 0x00, 0x6e, 0xaf, 0x0b, 0x1a, 0x00, 0x01, // ICMP echo
        0x55, 0x8f, 0x4e, 0x65, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x6e, 0x0e, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
        0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c,
        0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
    ];

    #[test]
    fn parses_a_captured_ping() {
        let p = Packet::new_checked(&PING[..]).unwrap();
        let r = Repr::parse(&p).unwrap();
        assert_eq!(r.src, Ipv4Addr::new(192, 168, 1, 10));
        assert_eq!(r.dst, Ipv4Addr::new(192, 168, 1, 1));
        assert_eq!(r.protocol, PROTO_ICMP);
        assert_eq!(r.ttl, 64);
        assert!(r.dont_frag && !r.is_fragment());
        assert_eq!(r.ident, 0x1c46);
        assert_eq!(r.payload_len, 64);
        assert_eq!(p.payload().len(), 64);
    }

    #[test]
    fn emit_reproduces_the_captured_header() {
        let r = Repr::parse(&Packet::new_checked(&PING[..]).unwrap()).unwrap();
        let mut out = [0u8; 20];
        r.emit(&mut out).unwrap();
        assert_eq!(out[..], PING[..20]);
        assert_eq!(r.emit(&mut [0u8; 19]), Err(Error::Truncated));
        let big = Repr {
            payload_len: 65516,
            ..r
        };
        assert_eq!(big.emit(&mut out), Err(Error::Malformed));
    }

    #[test]
    fn decrease_ttl_keeps_checksum_valid_and_stops_at_zero() {
        let mut b = PING;
        let mut p = Packet::new_unchecked(&mut b[..]);
        assert_eq!(p.decrease_ttl(), Some(63));
        assert!(p.verify_checksum());
        p.set_ttl(0);
        p.fill_checksum();
        assert_eq!(p.decrease_ttl(), None);
        assert!(p.verify_checksum());
    }

    #[test]
    fn rejects_bad_lengths_and_checksum() {
        assert_eq!(
            Packet::new_checked(&PING[..19]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            Packet::new_checked(&PING[..83]).unwrap_err(),
            Error::Truncated
        );
        let mut b = PING;
        b[0] = 0x44;
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        let mut b = PING;
        b[8] = 1;
        assert_eq!(
            Repr::parse(&Packet::new_checked(&b[..]).unwrap()),
            Err(Error::Checksum)
        );
    }

    /// Any header `Repr::emit` can write.
    pub(crate) fn arb_repr() -> impl Strategy<Value = Repr> {
        (
            any::<u32>(),
            any::<u32>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<u16>(),
            any::<bool>(),
            any::<bool>(),
            0u16..=IP_OFFSET,
            0usize..200,
        )
            .prop_map(|(s, d, protocol, ttl, tos, ident, df, mf, off, len)| Repr {
                src: Ipv4Addr(s),
                dst: Ipv4Addr(d),
                protocol,
                ttl,
                tos,
                ident,
                dont_frag: df,
                more_frags: mf,
                frag_offset: off << 3,
                payload_len: len,
            })
    }

    proptest! {
        #[test]
        fn emitted_headers_verify_and_parse_back(r in arb_repr()) {
            let mut buf = std::vec![0u8; 20 + r.payload_len];
            r.emit(&mut buf).unwrap();
            let p = Packet::new_checked(&buf[..]).unwrap();
            prop_assert!(p.verify_checksum());
            prop_assert_eq!(Repr::parse(&p).unwrap(), r);
        }

        #[test]
        fn ttl_decrement_equals_recompute(r in arb_repr()) {
            let mut buf = std::vec![0u8; 20 + r.payload_len];
            r.emit(&mut buf).unwrap();
            let mut p = Packet::new_unchecked(&mut buf[..]);
            if p.decrease_ttl().is_some() {
                let inc = p.checksum();
                p.fill_checksum();
                prop_assert_eq!(inc, p.checksum());
            }
        }

        #[test]
        fn getters_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let p = Packet::new_unchecked(&bytes[..]);
            let _ = (p.version(), p.header_len(), p.payload(), p.header(), p.verify_checksum());
            let _ = (p.src_addr(), p.dst_addr(), p.frag_offset(), p.checksum());
            if let Ok(p) = Packet::new_checked(&bytes[..]) {
                let _ = Repr::parse(&p);
            }
        }
    }
}

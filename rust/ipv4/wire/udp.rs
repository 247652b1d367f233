// SPDX-License-Identifier: GPL-2.0

//! UDP datagrams (`struct udphdr`).

use super::{read_u16, write_bytes, write_u16, Error, Field};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::checksum;
use crate::ipv4::wire::ipv4::PROTO_UDP;

/// Length of the UDP header.
pub const HEADER_LEN: usize = 8;

/// Field offsets of a UDP header.
pub mod field {
    use super::Field;
    /// Source port.
    pub const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub const DST_PORT: Field = 2..4;
    /// Length of header and payload.
    pub const LENGTH: Field = 4..6;
    /// Checksum (0: none).
    pub const CHECKSUM: Field = 6..8;
    /// Start of the payload.
    pub const PAYLOAD: usize = 8;
}

/// A view of a UDP datagram (the IP payload).
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checks.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer holding the header and the `len` bytes it claims,
    /// with `len >= 8` (`__udp4_lib_rcv`'s length checks).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        let p = Packet { buffer };
        let have = p.buffer.as_ref().len();
        if have < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let len = usize::from(p.len());
        if len < HEADER_LEN {
            return Err(Error::Malformed);
        }
        if len > have {
            return Err(Error::Truncated);
        }
        Ok(p)
    }

    /// Source port.
    pub fn src_port(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::SRC_PORT.start)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::DST_PORT.start)
    }

    /// Length field (header and payload).
    pub fn len(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::LENGTH.start)
    }

    /// Whether the length field says there is no payload.
    pub fn is_empty(&self) -> bool {
        usize::from(self.len()) <= HEADER_LEN
    }

    /// Checksum as stored.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    /// The payload, up to the length field (clamped to the buffer).
    pub fn payload(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        let end = usize::from(self.len()).min(b.len());
        b.get(field::PAYLOAD..end).unwrap_or(&[])
    }

    /// Whether the checksum verifies for the given pseudo header; a zero
    /// checksum means "none" and always verifies.
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        if self.checksum() == 0 {
            return true;
        }
        let b = self.buffer.as_ref();
        let end = usize::from(self.len()).min(b.len());
        let data = b.get(..end).unwrap_or(b);
        let s = checksum::add(
            checksum::pseudo_header(src, dst, PROTO_UDP, self.len()),
            checksum::sum(data),
        );
        checksum::fold(s) == 0xffff
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the source port.
    pub fn set_src_port(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::SRC_PORT.start, v);
    }

    /// Sets the destination port.
    pub fn set_dst_port(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::DST_PORT.start, v);
    }

    /// Sets the length field.
    pub fn set_len(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::LENGTH.start, v);
    }

    /// Stores a checksum value.
    pub fn set_checksum(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::CHECKSUM.start, v);
    }

    /// Computes and stores the checksum; a computed 0 is sent as 0xffff
    /// (RFC 768).
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let len = self.len();
        let b = self.buffer.as_ref();
        let end = usize::from(len).min(b.len());
        let data = b.get(..end).unwrap_or(b);
        let s = checksum::add(
            checksum::pseudo_header(src, dst, PROTO_UDP, len),
            checksum::sum(data),
        );
        let c = match !checksum::fold(s) {
            0 => 0xffff,
            c => c,
        };
        self.set_checksum(c);
    }
}

/// The meaning of a UDP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
}

impl Repr {
    /// Parses a datagram, verifying its checksum against the pseudo header
    /// of `src` and `dst`.
    pub fn parse<T: AsRef<[u8]>>(
        p: &Packet<T>,
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<Repr, Error> {
        let p = Packet::new_checked(p.buffer.as_ref())?;
        if !p.verify_checksum(src, dst) {
            return Err(Error::Checksum);
        }
        Ok(Repr {
            src_port: p.src_port(),
            dst_port: p.dst_port(),
        })
    }

    /// Writes header and `payload` with the checksum into the start of
    /// `buf`, returning the datagram's length.
    pub fn emit(
        &self,
        buf: &mut [u8],
        payload: &[u8],
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<usize, Error> {
        let len = HEADER_LEN
            .checked_add(payload.len())
            .ok_or(Error::Malformed)?;
        let len16 = u16::try_from(len).map_err(|_| Error::Malformed)?;
        let out = buf.get_mut(..len).ok_or(Error::Truncated)?;
        write_bytes(out, field::PAYLOAD, payload);
        let mut p = Packet::new_unchecked(out);
        p.set_src_port(self.src_port);
        p.set_dst_port(self.dst_port);
        p.set_len(len16);
        p.fill_checksum(src, dst);
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A "hello" datagram from 10.0.0.2:40000 to 10.0.0.1:7, with
    /// the checksum Linux computes for it.
    const HELLO: [u8; 13] = [
        0x9c, 0x40, 0x00, 0x07, 0x00, 0x0d, 0x0b, 0xb8, b'h', b'e', b'l', b'l', b'o',
    ];
    const SRC: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
    const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    #[test]
    fn parses_and_reemits_a_datagram() {
        let p = Packet::new_checked(&HELLO[..]).unwrap();
        assert!(p.verify_checksum(SRC, DST));
        let r = Repr::parse(&p, SRC, DST).unwrap();
        assert_eq!((r.src_port, r.dst_port), (40000, 7));
        assert_eq!(p.payload(), b"hello");
        let mut out = [0u8; 13];
        assert_eq!(r.emit(&mut out, b"hello", SRC, DST), Ok(13));
        assert_eq!(out, HELLO);
        assert_eq!(Repr::parse(&p, DST, DST), Err(Error::Checksum));
        assert_eq!(
            r.emit(&mut out[..12], b"hello", SRC, DST),
            Err(Error::Truncated)
        );
    }

    #[test]
    fn length_field_is_checked() {
        let mut b = HELLO;
        b[5] = 7;
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        b[5] = 14;
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Truncated);
    }

    proptest! {
        #[test]
        fn emitted_datagrams_verify(sp in any::<u16>(), dp in any::<u16>(), s in any::<u32>(), d in any::<u32>(),
                                    payload in proptest::collection::vec(any::<u8>(), 0..100)) {
            let r = Repr { src_port: sp, dst_port: dp };
            let mut buf = std::vec![0u8; 8 + payload.len()];
            r.emit(&mut buf, &payload, Ipv4Addr(s), Ipv4Addr(d)).unwrap();
            let p = Packet::new_checked(&buf[..]).unwrap();
            prop_assert!(p.checksum() != 0);
            prop_assert_eq!(Repr::parse(&p, Ipv4Addr(s), Ipv4Addr(d)).unwrap(), r);
        }
    }
}

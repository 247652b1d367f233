// SPDX-License-Identifier: GPL-2.0

//! ICMP messages (`struct icmphdr`).

use super::{read_u16, read_u8, write_bytes, write_u16, write_u8, Error, Field};
use crate::ipv4::checksum;

/// Length of the ICMP header (type, code, checksum, 4 bytes of rest).
pub const HEADER_LEN: usize = 8;

/// `ICMP_ECHOREPLY`.
pub const ECHO_REPLY: u8 = 0;
/// `ICMP_DEST_UNREACH`.
pub const DEST_UNREACH: u8 = 3;
/// `ICMP_SOURCE_QUENCH`.
pub const SOURCE_QUENCH: u8 = 4;
/// `ICMP_REDIRECT`.
pub const REDIRECT: u8 = 5;
/// `ICMP_ECHO`.
pub const ECHO: u8 = 8;
/// `ICMP_TIME_EXCEEDED`.
pub const TIME_EXCEEDED: u8 = 11;
/// `ICMP_PARAMETERPROB`.
pub const PARAMETERPROB: u8 = 12;
/// `ICMP_TIMESTAMP`.
pub const TIMESTAMP: u8 = 13;
/// `ICMP_TIMESTAMPREPLY`.
pub const TIMESTAMPREPLY: u8 = 14;
/// `ICMP_ADDRESS` (address mask request).
pub const ADDRESS: u8 = 17;
/// `ICMP_ADDRESSREPLY`.
pub const ADDRESSREPLY: u8 = 18;
/// `NR_ICMP_TYPES`: the highest type Linux knows (RFC 1122 3.2.2: others
/// are discarded).
pub const NR_ICMP_TYPES: u8 = 18;

/// Destination unreachable codes (`ICMP_NET_UNREACH`, ...).
pub mod unreach {
    /// `ICMP_NET_UNREACH`.
    pub const NET: u8 = 0;
    /// `ICMP_HOST_UNREACH`.
    pub const HOST: u8 = 1;
    /// `ICMP_PROT_UNREACH`.
    pub const PROTOCOL: u8 = 2;
    /// `ICMP_PORT_UNREACH`.
    pub const PORT: u8 = 3;
    /// `ICMP_FRAG_NEEDED`.
    pub const FRAG_NEEDED: u8 = 4;
    /// `ICMP_PKT_FILTERED` (communication administratively prohibited).
    pub const PKT_FILTERED: u8 = 13;
}

/// Time exceeded codes.
pub mod time_exceeded {
    /// `ICMP_EXC_TTL`.
    pub const TTL: u8 = 0;
    /// `ICMP_EXC_FRAGTIME`.
    pub const FRAGTIME: u8 = 1;
}

/// Whether Linux treats ICMP type `t` as an error message
/// (`icmp_pointers[t].error`; unknown types above [`NR_ICMP_TYPES`] count as
/// errors in `__icmp_send`).
pub const fn is_error(t: u8) -> bool {
    matches!(t, 1..=7 | 9..=12) || t > NR_ICMP_TYPES
}

/// Field offsets of an ICMP header.
pub mod field {
    use super::Field;
    /// Type.
    pub const TYPE: usize = 0;
    /// Code.
    pub const CODE: usize = 1;
    /// Checksum (over the whole message).
    pub const CHECKSUM: Field = 2..4;
    /// Echo identifier.
    pub const ECHO_IDENT: Field = 4..6;
    /// Echo sequence number.
    pub const ECHO_SEQNO: Field = 6..8;
    /// The four "rest of header" bytes (unused, pointer, MTU, gateway).
    pub const REST: Field = 4..8;
    /// Next-hop MTU of a "fragmentation needed" message.
    pub const MTU: Field = 6..8;
    /// Start of the data.
    pub const DATA: usize = 8;
}

/// A view of an ICMP message (the IP payload).
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checks.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer holding at least the 8-byte header.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// Message type.
    pub fn msg_type(&self) -> u8 {
        read_u8(self.buffer.as_ref(), field::TYPE)
    }

    /// Message code.
    pub fn msg_code(&self) -> u8 {
        read_u8(self.buffer.as_ref(), field::CODE)
    }

    /// Checksum as stored.
    pub fn checksum(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::CHECKSUM.start)
    }

    /// Echo identifier.
    pub fn echo_ident(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::ECHO_IDENT.start)
    }

    /// Echo sequence number.
    pub fn echo_seq_no(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::ECHO_SEQNO.start)
    }

    /// The four "rest of header" bytes as a big-endian number.
    pub fn rest_of_header(&self) -> u32 {
        let b = self.buffer.as_ref();
        (u32::from(read_u16(b, field::REST.start)) << 16) | u32::from(read_u16(b, 6))
    }

    /// The data after the header.
    pub fn data(&self) -> &[u8] {
        self.buffer.as_ref().get(field::DATA..).unwrap_or(&[])
    }

    /// Whether the checksum over the whole message verifies.
    pub fn verify_checksum(&self) -> bool {
        checksum::checksum(self.buffer.as_ref()) == 0
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the type.
    pub fn set_msg_type(&mut self, v: u8) {
        write_u8(self.buffer.as_mut(), field::TYPE, v);
    }

    /// Sets the code.
    pub fn set_msg_code(&mut self, v: u8) {
        write_u8(self.buffer.as_mut(), field::CODE, v);
    }

    /// Stores a checksum value.
    pub fn set_checksum(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::CHECKSUM.start, v);
    }

    /// Sets the four "rest of header" bytes.
    pub fn set_rest_of_header(&mut self, v: u32) {
        write_bytes(self.buffer.as_mut(), field::REST.start, &v.to_be_bytes());
    }

    /// Computes and stores the checksum over the whole buffer.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::checksum(self.buffer.as_ref());
        self.set_checksum(c);
    }

    /// The data after the header, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        self.buffer
            .as_mut()
            .get_mut(field::DATA..)
            .unwrap_or(&mut [])
    }
}

/// The meaning of an ICMP message; `data` borrows the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr<'a> {
    /// Echo request (type 8).
    EchoRequest {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data, echoed back.
        data: &'a [u8],
    },
    /// Echo reply (type 0).
    EchoReply {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data.
        data: &'a [u8],
    },
    /// Destination unreachable (type 3).
    DstUnreachable {
        /// Code ([`unreach`]).
        code: u8,
        /// Next-hop MTU (RFC 1191), for [`unreach::FRAG_NEEDED`]; else 0.
        mtu: u16,
        /// The offending datagram's header and first bytes.
        data: &'a [u8],
    },
    /// Time exceeded (type 11).
    TimeExceeded {
        /// Code ([`time_exceeded`]).
        code: u8,
        /// The offending datagram's header and first bytes.
        data: &'a [u8],
    },
    /// Any other message.
    Other {
        /// Type.
        msg_type: u8,
        /// Code.
        code: u8,
        /// The four "rest of header" bytes.
        rest: u32,
        /// Data.
        data: &'a [u8],
    },
}

impl<'a> Repr<'a> {
    /// Parses a message, verifying its checksum.
    pub fn parse(p: &Packet<&'a [u8]>) -> Result<Repr<'a>, Error> {
        let buf: &'a [u8] = p.buffer;
        let p = Packet::new_checked(buf)?;
        if !p.verify_checksum() {
            return Err(Error::Checksum);
        }
        let data = buf.get(field::DATA..).unwrap_or(&[]);
        Ok(match (p.msg_type(), p.msg_code()) {
            (ECHO, 0) => Repr::EchoRequest {
                ident: p.echo_ident(),
                seq_no: p.echo_seq_no(),
                data,
            },
            (ECHO_REPLY, 0) => Repr::EchoReply {
                ident: p.echo_ident(),
                seq_no: p.echo_seq_no(),
                data,
            },
            (DEST_UNREACH, code) => Repr::DstUnreachable {
                code,
                mtu: read_u16(buf, field::MTU.start),
                data,
            },
            (TIME_EXCEEDED, code) => Repr::TimeExceeded { code, data },
            (msg_type, code) => Repr::Other {
                msg_type,
                code,
                rest: p.rest_of_header(),
                data,
            },
        })
    }

    /// The length of the emitted message (header and data).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.data().len())
    }

    /// The data part.
    pub fn data(&self) -> &'a [u8] {
        match *self {
            Repr::EchoRequest { data, .. }
            | Repr::EchoReply { data, .. }
            | Repr::DstUnreachable { data, .. }
            | Repr::TimeExceeded { data, .. }
            | Repr::Other { data, .. } => data,
        }
    }

    /// Writes the message with its checksum into the start of `buf`,
    /// returning its length.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(Error::Truncated)?;
        let (t, code, rest) = match *self {
            Repr::EchoRequest { ident, seq_no, .. } => {
                (ECHO, 0, (u32::from(ident) << 16) | u32::from(seq_no))
            }
            Repr::EchoReply { ident, seq_no, .. } => {
                (ECHO_REPLY, 0, (u32::from(ident) << 16) | u32::from(seq_no))
            }
            Repr::DstUnreachable { code, mtu, .. } => (DEST_UNREACH, code, u32::from(mtu)),
            Repr::TimeExceeded { code, .. } => (TIME_EXCEEDED, code, 0),
            Repr::Other {
                msg_type,
                code,
                rest,
                ..
            } => (msg_type, code, rest),
        };
        write_bytes(out, field::DATA, self.data());
        let mut p = Packet::new_unchecked(out);
        p.set_msg_type(t);
        p.set_msg_code(code);
        p.set_rest_of_header(rest);
        p.fill_checksum();
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::wire::ipv4::tests::PING;
    use proptest::prelude::*;

    #[test]
    fn parses_the_echo_request_of_a_ping() {
        let icmp = &PING[20..];
        let p = Packet::new_checked(icmp).unwrap();
        assert!(p.verify_checksum());
        match Repr::parse(&Packet::new_unchecked(icmp)).unwrap() {
            Repr::EchoRequest {
                ident,
                seq_no,
                data,
            } => {
                assert_eq!((ident, seq_no, data.len()), (0x0b1a, 1, 56));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn emits_an_echo_reply_with_linux_checksum() {
        let req = Repr::parse(&Packet::new_unchecked(&PING[20..])).unwrap();
        let reply = Repr::EchoReply {
            ident: 0x0b1a,
            seq_no: 1,
            data: req.data(),
        };
        let mut out = [0u8; 64];
        assert_eq!(reply.emit(&mut out), Ok(64));
        assert_eq!(&out[..4], &[0, 0, 0x76, 0xaf]);
        assert_eq!(out[4..], PING[24..]);
        assert_eq!(reply.emit(&mut [0u8; 63]), Err(Error::Truncated));
    }

    #[test]
    fn bad_checksum_and_short_messages_are_rejected() {
        let mut b = [0u8; 64];
        b.copy_from_slice(&PING[20..]);
        b[10] ^= 1;
        assert_eq!(
            Repr::parse(&Packet::new_unchecked(&b[..])),
            Err(Error::Checksum)
        );
        assert_eq!(
            Repr::parse(&Packet::new_unchecked(&b[..7])),
            Err(Error::Truncated)
        );
        assert!(is_error(DEST_UNREACH) && is_error(200) && !is_error(ECHO));
    }

    proptest! {
        #[test]
        fn emit_parse_roundtrip(t in any::<u8>(), code in any::<u8>(), rest in any::<u32>(),
                                data in proptest::collection::vec(any::<u8>(), 0..64)) {
            // Unreachable and time exceeded keep only the MTU of the rest
            // field, so they do not round-trip arbitrary bytes.
            prop_assume!(!matches!(t, DEST_UNREACH | TIME_EXCEEDED));
            let r = Repr::Other { msg_type: t, code, rest, data: &data };
            let mut buf = std::vec![0u8; r.buffer_len()];
            r.emit(&mut buf).unwrap();
            let back = Repr::parse(&Packet::new_unchecked(&buf[..])).unwrap();
            let mut again = std::vec![0u8; back.buffer_len()];
            back.emit(&mut again).unwrap();
            prop_assert_eq!(buf, again);
        }
    }
}

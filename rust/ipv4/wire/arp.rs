// SPDX-License-Identifier: GPL-2.0

//! ARP packets for IPv4 over Ethernet (`struct arphdr` followed by the
//! Ethernet/IPv4 address fields).

use super::ethernet::{self, MacAddr};
use super::{read_4, read_6, read_u16, read_u8, write_bytes, write_u16, write_u8, Error, Field};
use crate::ipv4::addr::Ipv4Addr;

/// Length of an ARP packet for Ethernet and IPv4 (`arp_hdr_len`: 8-byte
/// header, two MACs, two IPv4 addresses).
pub const PACKET_LEN: usize = 28;
/// Length of an Ethernet frame carrying an ARP packet (without padding).
pub const FRAME_LEN: usize = ethernet::HEADER_LEN + PACKET_LEN;
/// `ARPHRD_ETHER`.
pub const HTYPE_ETHERNET: u16 = 1;
/// `ARPHRD_IEEE802`, which Linux accepts on Ethernet devices too.
pub const HTYPE_IEEE802: u16 = 6;
/// `ARPOP_REQUEST`.
pub const OP_REQUEST: u16 = 1;
/// `ARPOP_REPLY`.
pub const OP_REPLY: u16 = 2;

/// Field offsets of an ARP packet for Ethernet and IPv4.
pub mod field {
    use super::Field;
    /// Hardware type (`ar_hrd`).
    pub const HTYPE: Field = 0..2;
    /// Protocol type (`ar_pro`).
    pub const PTYPE: Field = 2..4;
    /// Hardware address length (`ar_hln`).
    pub const HLEN: usize = 4;
    /// Protocol address length (`ar_pln`).
    pub const PLEN: usize = 5;
    /// Operation (`ar_op`).
    pub const OPER: Field = 6..8;
    /// Sender hardware address.
    pub const SHA: Field = 8..14;
    /// Sender protocol address.
    pub const SPA: Field = 14..18;
    /// Target hardware address.
    pub const THA: Field = 18..24;
    /// Target protocol address.
    pub const TPA: Field = 24..28;
}

/// A view of an ARP packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// A view without checks.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// A view of a buffer holding the 28 bytes of an Ethernet/IPv4 ARP
    /// packet (`arp_rcv`'s `pskb_may_pull(skb, arp_hdr_len(dev))`).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, Error> {
        if buffer.as_ref().len() < PACKET_LEN {
            return Err(Error::Truncated);
        }
        Ok(Packet { buffer })
    }

    /// Hardware type.
    pub fn hardware_type(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::HTYPE.start)
    }

    /// Protocol type.
    pub fn protocol_type(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::PTYPE.start)
    }

    /// Hardware address length.
    pub fn hardware_len(&self) -> u8 {
        read_u8(self.buffer.as_ref(), field::HLEN)
    }

    /// Protocol address length.
    pub fn protocol_len(&self) -> u8 {
        read_u8(self.buffer.as_ref(), field::PLEN)
    }

    /// Operation.
    pub fn operation(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::OPER.start)
    }

    /// Sender MAC.
    pub fn source_hardware_addr(&self) -> MacAddr {
        read_6(self.buffer.as_ref(), field::SHA.start)
    }

    /// Sender IPv4 address.
    pub fn source_protocol_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from_octets(read_4(self.buffer.as_ref(), field::SPA.start))
    }

    /// Target MAC.
    pub fn target_hardware_addr(&self) -> MacAddr {
        read_6(self.buffer.as_ref(), field::THA.start)
    }

    /// Target IPv4 address.
    pub fn target_protocol_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from_octets(read_4(self.buffer.as_ref(), field::TPA.start))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the hardware type.
    pub fn set_hardware_type(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::HTYPE.start, v);
    }

    /// Sets the protocol type.
    pub fn set_protocol_type(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::PTYPE.start, v);
    }

    /// Sets the hardware address length.
    pub fn set_hardware_len(&mut self, v: u8) {
        write_u8(self.buffer.as_mut(), field::HLEN, v);
    }

    /// Sets the protocol address length.
    pub fn set_protocol_len(&mut self, v: u8) {
        write_u8(self.buffer.as_mut(), field::PLEN, v);
    }

    /// Sets the operation.
    pub fn set_operation(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::OPER.start, v);
    }

    /// Sets the sender MAC.
    pub fn set_source_hardware_addr(&mut self, v: MacAddr) {
        write_bytes(self.buffer.as_mut(), field::SHA.start, &v);
    }

    /// Sets the sender IPv4 address.
    pub fn set_source_protocol_addr(&mut self, v: Ipv4Addr) {
        write_bytes(self.buffer.as_mut(), field::SPA.start, &v.octets());
    }

    /// Sets the target MAC.
    pub fn set_target_hardware_addr(&mut self, v: MacAddr) {
        write_bytes(self.buffer.as_mut(), field::THA.start, &v);
    }

    /// Sets the target IPv4 address.
    pub fn set_target_protocol_addr(&mut self, v: Ipv4Addr) {
        write_bytes(self.buffer.as_mut(), field::TPA.start, &v.octets());
    }
}

/// An ARP operation the router understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `ARPOP_REQUEST`.
    Request,
    /// `ARPOP_REPLY`.
    Reply,
}

/// The meaning of an Ethernet/IPv4 ARP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Request or reply.
    pub operation: Operation,
    /// Sender MAC (`sha`).
    pub source_hardware_addr: MacAddr,
    /// Sender IPv4 address (`sip`).
    pub source_protocol_addr: Ipv4Addr,
    /// Target MAC (`tha`).
    pub target_hardware_addr: MacAddr,
    /// Target IPv4 address (`tip`).
    pub target_protocol_addr: Ipv4Addr,
}

impl Repr {
    /// Parses a packet with `arp_rcv`'s and `arp_process`'s header checks
    /// for an Ethernet device: hardware type Ethernet or IEEE 802, protocol
    /// IPv4, address lengths 6 and 4, operation request or reply.
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr, Error> {
        if p.buffer.as_ref().len() < PACKET_LEN {
            return Err(Error::Truncated);
        }
        if p.hardware_len() != 6 || p.protocol_len() != 4 {
            return Err(Error::Malformed);
        }
        let htype = p.hardware_type();
        if (htype != HTYPE_ETHERNET && htype != HTYPE_IEEE802)
            || p.protocol_type() != ethernet::ETHERTYPE_IPV4
        {
            return Err(Error::Unsupported);
        }
        let operation = match p.operation() {
            OP_REQUEST => Operation::Request,
            OP_REPLY => Operation::Reply,
            _ => return Err(Error::Unsupported),
        };
        Ok(Repr {
            operation,
            source_hardware_addr: p.source_hardware_addr(),
            source_protocol_addr: p.source_protocol_addr(),
            target_hardware_addr: p.target_hardware_addr(),
            target_protocol_addr: p.target_protocol_addr(),
        })
    }

    /// A broadcast request for `target` from `src_mac`/`src_ip`
    /// (`arp_solicit`; the target MAC is zero).
    pub const fn request(src_mac: MacAddr, src_ip: Ipv4Addr, target: Ipv4Addr) -> Repr {
        Repr {
            operation: Operation::Request,
            source_hardware_addr: src_mac,
            source_protocol_addr: src_ip,
            target_hardware_addr: [0; 6],
            target_protocol_addr: target,
        }
    }

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        self.operation == Operation::Request
    }

    /// Writes the 28-byte packet into the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let out = buf.get_mut(..PACKET_LEN).ok_or(Error::Truncated)?;
        let mut p = Packet::new_unchecked(out);
        p.set_hardware_type(HTYPE_ETHERNET);
        p.set_protocol_type(ethernet::ETHERTYPE_IPV4);
        p.set_hardware_len(6);
        p.set_protocol_len(4);
        p.set_operation(match self.operation {
            Operation::Request => OP_REQUEST,
            Operation::Reply => OP_REPLY,
        });
        p.set_source_hardware_addr(self.source_hardware_addr);
        p.set_source_protocol_addr(self.source_protocol_addr);
        p.set_target_hardware_addr(self.target_hardware_addr);
        p.set_target_protocol_addr(self.target_protocol_addr);
        Ok(PACKET_LEN)
    }

    /// The Ethernet destination for this packet (`arp_create`): broadcast
    /// for a request whose target MAC is unknown (zero), else the target
    /// MAC.
    pub fn frame_dst(&self) -> MacAddr {
        if self.is_request() && self.target_hardware_addr == [0; 6] {
            ethernet::BROADCAST
        } else {
            self.target_hardware_addr
        }
    }

    /// Writes an Ethernet frame (header from [`Repr::frame_dst`] and the
    /// sender MAC, then the packet) into the start of `buf`, returning
    /// [`FRAME_LEN`].
    pub fn emit_frame(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.emit_frame_to(self.frame_dst(), buf)
    }

    /// [`Repr::emit_frame`] with an explicit Ethernet destination: a
    /// unicast request re-checking a known neighbour (`NUD_PROBE`) goes to
    /// its MAC while the ARP target MAC stays zero, as `arp_solicit` sends
    /// it.
    pub fn emit_frame_to(&self, eth_dst: MacAddr, buf: &mut [u8]) -> Result<usize, Error> {
        let frame = buf.get_mut(..FRAME_LEN).ok_or(Error::Truncated)?;
        ethernet::emit_header(
            frame,
            eth_dst,
            self.source_hardware_addr,
            ethernet::ETHERTYPE_ARP,
        )?;
        let payload = frame
            .get_mut(ethernet::HEADER_LEN..)
            .ok_or(Error::Truncated)?;
        self.emit(payload)?;
        Ok(FRAME_LEN)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An ARP request as Linux sends it: who-has 10.0.0.1 tell 10.0.0.2,
    /// from 52:54:00:12:34:56, without the Ethernet header.
    pub(crate) const WHO_HAS: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0,
        0, 2, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
    ];

    #[test]
    fn parses_a_request() {
        let r = Repr::parse(&Packet::new_checked(&WHO_HAS[..]).unwrap()).unwrap();
        assert_eq!(r.operation, Operation::Request);
        assert_eq!(r.source_hardware_addr, [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(r.source_protocol_addr, Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(r.target_protocol_addr, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(r.frame_dst(), ethernet::BROADCAST);
        let mut out = [0u8; 28];
        r.emit(&mut out).unwrap();
        assert_eq!(out, WHO_HAS);
    }

    #[test]
    fn rejects_what_arp_rcv_rejects() {
        assert_eq!(
            Packet::new_checked(&WHO_HAS[..27]).unwrap_err(),
            Error::Truncated
        );
        let check = |i: usize, v: u8| {
            let mut b = WHO_HAS;
            b[i] = v;
            Repr::parse(&Packet::new_unchecked(&b[..]))
        };
        assert_eq!(check(4, 8), Err(Error::Malformed));
        assert_eq!(check(5, 16), Err(Error::Malformed));
        assert_eq!(check(1, 2), Err(Error::Unsupported));
        assert!(check(1, 6).is_ok());
        assert_eq!(check(2, 0x86), Err(Error::Unsupported));
        assert_eq!(check(7, 3), Err(Error::Unsupported));
    }

    #[test]
    fn frame_has_ethernet_header() {
        let r = Repr::request(
            [2, 0, 0, 0, 0, 1],
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 2),
        );
        let mut buf = [0u8; 60];
        assert_eq!(r.emit_frame(&mut buf), Ok(42));
        assert_eq!(&buf[..6], &ethernet::BROADCAST);
        assert_eq!(&buf[6..12], &[2, 0, 0, 0, 0, 1]);
        assert_eq!(&buf[12..14], &[0x08, 0x06]);
        assert_eq!(r.emit_frame(&mut buf[..41]), Err(Error::Truncated));
    }

    pub(crate) fn arb_repr() -> impl Strategy<Value = Repr> {
        (
            any::<bool>(),
            any::<[u8; 6]>(),
            any::<u32>(),
            any::<[u8; 6]>(),
            any::<u32>(),
        )
            .prop_map(|(req, sha, sip, tha, tip)| Repr {
                operation: if req {
                    Operation::Request
                } else {
                    Operation::Reply
                },
                source_hardware_addr: sha,
                source_protocol_addr: Ipv4Addr(sip),
                target_hardware_addr: tha,
                target_protocol_addr: Ipv4Addr(tip),
            })
    }

    proptest! {
        #[test]
        fn emit_parse_roundtrip(r in arb_repr()) {
            let mut buf = [0u8; 28];
            r.emit(&mut buf).unwrap();
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&buf[..]).unwrap()).unwrap(), r);
        }

        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Repr::parse(&Packet::new_unchecked(&bytes[..]));
        }
    }
}

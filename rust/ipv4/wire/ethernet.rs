// SPDX-License-Identifier: GPL-2.0

//! Ethernet II frames (`struct ethhdr`) and MAC addresses.

use super::{read_6, read_u16, write_bytes, write_u16, Error, Field};

/// A MAC address, as the six bytes on the wire.
pub type MacAddr = [u8; 6];

/// `ff:ff:ff:ff:ff:ff`.
pub const BROADCAST: MacAddr = [0xff; 6];

/// Length of an Ethernet header (`ETH_HLEN`).
pub const HEADER_LEN: usize = 14;
/// `ETH_P_IP`.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// `ETH_P_ARP`.
pub const ETHERTYPE_ARP: u16 = 0x0806;

/// `is_broadcast_ether_addr`.
pub fn is_broadcast(mac: &MacAddr) -> bool {
    *mac == BROADCAST
}

/// `is_multicast_ether_addr` (group bit set; includes broadcast).
pub fn is_multicast(mac: &MacAddr) -> bool {
    mac[0] & 1 == 1
}

/// `is_valid_ether_addr`: not multicast and not all zero.
pub fn is_valid_unicast(mac: &MacAddr) -> bool {
    !is_multicast(mac) && *mac != [0; 6]
}

/// How a frame was addressed relative to the receiving port, as
/// `eth_type_trans` sets `skb->pkt_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketType {
    /// `PACKET_HOST`: to the port's own MAC.
    Host,
    /// `PACKET_BROADCAST`: to ff:ff:ff:ff:ff:ff.
    Broadcast,
    /// `PACKET_MULTICAST`: to a group address.
    Multicast,
    /// `PACKET_OTHERHOST`: to another station (promiscuous reception).
    OtherHost,
}

impl PacketType {
    /// Classifies a destination MAC for a port whose address is `ours`
    /// (`eth_type_trans`).
    pub fn classify(dst: &MacAddr, ours: &MacAddr) -> PacketType {
        if is_multicast(dst) {
            if is_broadcast(dst) {
                PacketType::Broadcast
            } else {
                PacketType::Multicast
            }
        } else if dst == ours {
            PacketType::Host
        } else {
            PacketType::OtherHost
        }
    }
}

/// Field offsets of an Ethernet header.
pub mod field {
    use super::Field;
    /// Destination MAC.
    pub const DESTINATION: Field = 0..6;
    /// Source MAC.
    pub const SOURCE: Field = 6..12;
    /// EtherType.
    pub const ETHERTYPE: Field = 12..14;
    /// Start of the payload.
    pub const PAYLOAD: usize = 14;
}

/// A view of an Ethernet frame.
#[derive(Debug, Clone)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// A view without length checks (getters read 0 past the end).
    pub const fn new_unchecked(buffer: T) -> Frame<T> {
        Frame { buffer }
    }

    /// A view of a buffer that holds at least a whole header.
    pub fn new_checked(buffer: T) -> Result<Frame<T>, Error> {
        let f = Self::new_unchecked(buffer);
        if f.buffer.as_ref().len() < HEADER_LEN {
            Err(Error::Truncated)
        } else {
            Ok(f)
        }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Destination MAC.
    pub fn dst_addr(&self) -> MacAddr {
        read_6(self.buffer.as_ref(), field::DESTINATION.start)
    }

    /// Source MAC.
    pub fn src_addr(&self) -> MacAddr {
        read_6(self.buffer.as_ref(), field::SOURCE.start)
    }

    /// EtherType.
    pub fn ethertype(&self) -> u16 {
        read_u16(self.buffer.as_ref(), field::ETHERTYPE.start)
    }

    /// The bytes after the header (empty if there are none).
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(field::PAYLOAD..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    /// Sets the destination MAC.
    pub fn set_dst_addr(&mut self, v: MacAddr) {
        write_bytes(self.buffer.as_mut(), field::DESTINATION.start, &v);
    }

    /// Sets the source MAC.
    pub fn set_src_addr(&mut self, v: MacAddr) {
        write_bytes(self.buffer.as_mut(), field::SOURCE.start, &v);
    }

    /// Sets the EtherType.
    pub fn set_ethertype(&mut self, v: u16) {
        write_u16(self.buffer.as_mut(), field::ETHERTYPE.start, v);
    }

    /// The bytes after the header, mutably.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.buffer
            .as_mut()
            .get_mut(field::PAYLOAD..)
            .unwrap_or(&mut [])
    }
}

/// The meaning of an Ethernet header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Source MAC.
    pub src: MacAddr,
    /// Destination MAC.
    pub dst: MacAddr,
    /// EtherType.
    pub ethertype: u16,
}

impl Repr {
    /// Parses a checked frame.
    pub fn parse<T: AsRef<[u8]>>(frame: &Frame<T>) -> Result<Repr, Error> {
        if frame.buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Repr {
            src: frame.src_addr(),
            dst: frame.dst_addr(),
            ethertype: frame.ethertype(),
        })
    }

    /// Writes the header into the first [`HEADER_LEN`] bytes of `buf`
    /// (`eth_header`).
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), Error> {
        if buf.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let mut f = Frame::new_unchecked(buf);
        f.set_dst_addr(self.dst);
        f.set_src_addr(self.src);
        f.set_ethertype(self.ethertype);
        Ok(())
    }
}

/// Writes an Ethernet header into the first [`HEADER_LEN`] bytes of `buf`.
pub fn emit_header(
    buf: &mut [u8],
    dst: MacAddr,
    src: MacAddr,
    ethertype: u16,
) -> Result<(), Error> {
    Repr {
        src,
        dst,
        ethertype,
    }
    .emit(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_captured_arp_broadcast_header() {
        let bytes = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x06,
            0x00,
        ];
        let f = Frame::new_checked(&bytes[..]).unwrap();
        assert_eq!(f.dst_addr(), BROADCAST);
        assert_eq!(f.src_addr(), [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(f.ethertype(), ETHERTYPE_ARP);
        assert_eq!(f.payload(), &[0x00]);
        let r = Repr::parse(&f).unwrap();
        let mut out = [0u8; 14];
        r.emit(&mut out).unwrap();
        assert_eq!(out[..], bytes[..14]);
        assert_eq!(
            Frame::new_checked(&bytes[..13]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            emit_header(&mut out[..13], BROADCAST, BROADCAST, 0),
            Err(Error::Truncated)
        );
    }

    #[test]
    fn classifies_packet_types() {
        let ours = [2, 0, 0, 0, 0, 1];
        assert_eq!(PacketType::classify(&ours, &ours), PacketType::Host);
        assert_eq!(
            PacketType::classify(&BROADCAST, &ours),
            PacketType::Broadcast
        );
        assert_eq!(
            PacketType::classify(&[0x01, 0, 0x5e, 0, 0, 1], &ours),
            PacketType::Multicast
        );
        assert_eq!(
            PacketType::classify(&[2, 0, 0, 0, 0, 2], &ours),
            PacketType::OtherHost
        );
        assert!(is_valid_unicast(&ours));
        assert!(!is_valid_unicast(&[0; 6]));
    }
}

// SPDX-License-Identifier: GPL-2.0

//! IPv4 receive validation: `ip_rcv_core` of net/ipv4/ip_input.c.

use crate::ipv4::checksum;
use crate::ipv4::stats::DropReason;
use crate::ipv4::wire::ipv4::{self as ip, Packet, Repr, HEADER_LEN};

/// A header `ip_rcv_core` accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The parsed fields.
    pub ip: Repr,
    /// Header length in bytes, options included (`ihl * 4`); the
    /// transport header starts here.
    pub header_len: usize,
    /// `tot_len`: trim the packet to this many bytes (from the IP header)
    /// to drop link-layer padding (`pskb_trim_rcsum`).
    pub total_len: usize,
}

/// Validates the IPv4 header at the start of `buf` (the bytes after the
/// Ethernet header, up to the end of the frame), as `ip_rcv_core` does and
/// in its order, so that each failure is classified as Linux classifies it:
///
/// | check | reason | counters ([`DropReason::rcv_ip_stats`]) |
/// | --- | --- | --- |
/// | fewer than 20 bytes | `IP_INHDR` | InHdrErrors |
/// | `ihl < 5` or version not 4 | `IP_INHDR` | InHdrErrors |
/// | fewer than `ihl * 4` bytes | `IP_INHDR` | InHdrErrors |
/// | header checksum | `IP_CSUM` | InCsumErrors, InHdrErrors |
/// | `tot_len` beyond the bytes | `PKT_TOO_SMALL` | InTruncatedPkts |
/// | `tot_len < ihl * 4` | `IP_INHDR` | InHdrErrors |
///
/// The caller counts InReceives before calling, drops `PACKET_OTHERHOST`
/// frames (`OTHERHOST`) before calling, and trims the packet to
/// [`Header::total_len`] on success. IP options are not validated
/// (`ip_rcv_options` is later work); they are skipped.
pub fn ip_rcv_core(buf: &[u8]) -> Result<Header, DropReason> {
    if buf.len() < HEADER_LEN {
        return Err(DropReason::IpInhdr);
    }
    let p = Packet::new_unchecked(buf);
    let header_len = p.header_len();
    if header_len < HEADER_LEN || p.version() != 4 {
        return Err(DropReason::IpInhdr);
    }
    let hdr = buf.get(..header_len).ok_or(DropReason::IpInhdr)?;
    if checksum::checksum(hdr) != 0 {
        return Err(DropReason::IpCsum);
    }
    let total_len = usize::from(p.total_len());
    if buf.len() < total_len {
        return Err(DropReason::PktTooSmall);
    }
    if total_len < header_len {
        return Err(DropReason::IpInhdr);
    }
    Ok(Header {
        ip: Repr::parse_unchecked(&p),
        header_len,
        total_len,
    })
}

impl Header {
    /// The transport payload of the validated packet in `buf` (the same
    /// bytes given to [`ip_rcv_core`]): from the end of the header to
    /// `tot_len`.
    pub fn payload<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.header_len..self.total_len).unwrap_or(&[])
    }

    /// Whether the packet is ICMP.
    pub fn is_icmp(&self) -> bool {
        self.ip.protocol == ip::PROTO_ICMP
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::addr::Ipv4Addr;
    use crate::ipv4::stats::IpStat;
    use crate::ipv4::wire::ipv4::tests::{arb_repr, PING};
    use proptest::prelude::*;

    fn with(f: impl FnOnce(&mut [u8])) -> std::vec::Vec<u8> {
        let mut b = PING.to_vec();
        f(&mut b);
        b
    }

    fn refill(b: &mut [u8]) {
        Packet::new_unchecked(&mut b[..]).fill_checksum();
    }

    #[test]
    fn accepts_a_ping_and_trims_ethernet_padding() {
        let mut padded = PING.to_vec();
        padded.extend_from_slice(&[0; 10]);
        let h = ip_rcv_core(&padded).unwrap();
        assert_eq!(h.total_len, 84);
        assert_eq!(h.header_len, 20);
        assert_eq!(h.ip.src, Ipv4Addr::new(192, 168, 1, 10));
        assert_eq!(h.payload(&padded).len(), 64);
        assert!(h.is_icmp());
    }

    #[test]
    fn classifies_failures_as_ip_rcv_core_does() {
        assert_eq!(ip_rcv_core(&PING[..19]), Err(DropReason::IpInhdr));
        let bad_version = with(|b| {
            b[0] = 0x65;
            refill(b)
        });
        assert_eq!(ip_rcv_core(&bad_version), Err(DropReason::IpInhdr));
        let small_ihl = with(|b| b[0] = 0x44);
        assert_eq!(ip_rcv_core(&small_ihl), Err(DropReason::IpInhdr));
        // ihl 15 but only 84 bytes... header fits; make a 30-byte buffer.
        let long_ihl = with(|b| b[0] = 0x4f);
        assert_eq!(ip_rcv_core(&long_ihl[..30]), Err(DropReason::IpInhdr));
        let bad_csum = with(|b| b[11] ^= 0xff);
        assert_eq!(ip_rcv_core(&bad_csum), Err(DropReason::IpCsum));
        assert_eq!(
            DropReason::IpCsum.rcv_ip_stats(),
            &[IpStat::InCsumErrors, IpStat::InHdrErrors]
        );
        // The checksum is checked before the length.
        let both = with(|b| {
            b[3] = 0xff;
        });
        assert_eq!(ip_rcv_core(&both), Err(DropReason::IpCsum));
        let truncated = with(|b| {
            b[3] = 0x55;
            refill(b)
        });
        assert_eq!(ip_rcv_core(&truncated), Err(DropReason::PktTooSmall));
        let short_tot = with(|b| {
            b[3] = 19;
            refill(b)
        });
        assert_eq!(ip_rcv_core(&short_tot), Err(DropReason::IpInhdr));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            if let Ok(h) = ip_rcv_core(&bytes) {
                prop_assert!(h.header_len >= 20 && h.header_len <= h.total_len && h.total_len <= bytes.len());
                let _ = h.payload(&bytes);
            }
        }

        #[test]
        fn accepts_every_emitted_header(r in arb_repr(), pad in 0usize..30) {
            let mut buf = std::vec![0u8; 20 + r.payload_len + pad];
            r.emit(&mut buf).unwrap();
            let h = ip_rcv_core(&buf).unwrap();
            prop_assert_eq!(h.ip, r);
            prop_assert_eq!(h.total_len, 20 + r.payload_len);
        }

        #[test]
        fn any_single_bit_flip_in_the_header_is_caught_or_harmless(r in arb_repr(), bit in 0usize..160) {
            let mut buf = std::vec![0u8; 20 + r.payload_len];
            r.emit(&mut buf).unwrap();
            buf[bit / 8] ^= 1 << (bit % 8);
            // One flipped bit always breaks the one's complement sum.
            prop_assert!(ip_rcv_core(&buf).is_err());
        }
    }
}

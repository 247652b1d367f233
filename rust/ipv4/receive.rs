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
/// [`Header::total_len`] on success. IP options are not validated here
/// (`ip_rcv_options` does that after route input); they are skipped.
pub fn ip_rcv_core(buf: &[u8]) -> Result<Header, DropReason> {
    ip_rcv_core_of(buf, buf.len())
}

/// [`ip_rcv_core`] on a packet of `len` bytes (from the IPv4 header) of
/// which only the first `head.len()` are at hand: the linear part of an
/// skb after `pskb_may_pull` of the header, as Linux's `ip_rcv_core`
/// reads it, the rest (GRO's merged segments) left in page fragments. The
/// header must lie in `head` (a header cut short there is `IP_INHDR`, as a
/// failed `pskb_may_pull` is); `tot_len` is checked against `len`. A
/// `head` longer than `len` counts as `len` bytes long.
#[inline(always)]
pub fn ip_rcv_core_of(head: &[u8], len: usize) -> Result<Header, DropReason> {
    let head = head.get(..len).unwrap_or(head);
    if head.len() < HEADER_LEN {
        return Err(DropReason::IpInhdr);
    }
    let p = Packet::new_unchecked(head);
    let header_len = p.header_len();
    if header_len < HEADER_LEN || p.version() != 4 {
        return Err(DropReason::IpInhdr);
    }
    let hdr = head.get(..header_len).ok_or(DropReason::IpInhdr)?;
    if checksum::header_checksum(hdr) != 0 {
        return Err(DropReason::IpCsum);
    }
    let total_len = usize::from(p.total_len());
    if len < total_len {
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

    /// The header in the head, the rest of the packet elsewhere (in page
    /// fragments): judged by the whole length, as the whole buffer is.
    #[test]
    fn a_header_in_the_head_is_judged_by_the_whole_length() {
        let whole = ip_rcv_core(&PING).unwrap();
        assert_eq!(ip_rcv_core_of(&PING[..20], PING.len()), Ok(whole));
        assert_eq!(ip_rcv_core_of(&PING[..40], PING.len()), Ok(whole));
        // tot_len beyond the packet, whatever the head holds.
        assert_eq!(
            ip_rcv_core_of(&PING[..20], PING.len() - 1),
            Err(DropReason::PktTooSmall)
        );
        // A header cut short in the head (the pull failed).
        assert_eq!(
            ip_rcv_core_of(&PING[..19], PING.len()),
            Err(DropReason::IpInhdr)
        );
        let options = with(|b| {
            b[0] = 0x46;
            refill(b)
        });
        assert_eq!(
            ip_rcv_core_of(&options[..20], options.len()),
            Err(DropReason::IpInhdr)
        );
        // A head longer than the packet: only `len` bytes of it count.
        assert_eq!(ip_rcv_core_of(&PING, 19), Err(DropReason::IpInhdr));
    }

    proptest! {
        /// Any split of a packet into a head that holds its header and the
        /// rest gives the answer the whole buffer gives.
        #[test]
        fn a_split_packet_is_judged_as_the_whole(bytes in proptest::collection::vec(any::<u8>(), 0..100), cut in 0usize..100) {
            let whole = ip_rcv_core(&bytes);
            let head = &bytes[..cut.min(bytes.len())];
            let split = ip_rcv_core_of(head, bytes.len());
            let header_in_head = bytes.len() >= HEADER_LEN
                && head.len() >= (usize::from(bytes[0] & 0xf) * 4).max(HEADER_LEN);
            if header_in_head {
                prop_assert_eq!(split, whole);
            } else {
                prop_assert!(split.is_err());
            }
        }

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

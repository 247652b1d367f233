// SPDX-License-Identifier: GPL-2.0

//! Fragmentation: `ip_do_fragment`'s slow path (net/ipv4/ip_output.c,
//! `ip_frag_init`/`ip_frag_next`) and `ip_options_fragment`
//! (ip_options.c), for a packet without DF that does not fit the egress
//! MTU.
//!
//! Each fragment carries the original header; its data is at most
//! `mtu - ihl * 4` bytes, a multiple of 8 except in the last; MF is set on
//! all but the last (and on the last too if the packet was itself a
//! fragment that was not the last); offsets continue the packet's own. The
//! first fragment keeps every option; the others have the options whose
//! copy flag is clear replaced by NOPs (the header keeps its length), as
//! `ip_options_fragment` rewrites the original after the first copy.

use crate::ipv4::checksum;
use crate::ipv4::wire::ipv4::{Packet, HEADER_LEN, IP_MF, IP_OFFSET};
use crate::ipv4::wire::{write_u16, Error};

/// The largest datagram, header included (`tot_len` is 16 bits).
const MAX_DATAGRAM: usize = 65_535;

/// `IPOPT_END`.
const IPOPT_END: u8 = 0;
/// `IPOPT_NOOP`.
const IPOPT_NOOP: u8 = 1;
/// `IPOPT_COPY`: the option is copied into every fragment.
const IPOPT_COPY: u8 = 0x80;

/// The fragments of one packet, produced one at a time.
#[derive(Debug)]
pub struct Fragments<'a> {
    /// The header the next fragment gets (options NOP'd after the first).
    hdr: [u8; 60],
    hlen: usize,
    /// The packet's data (after its header, up to `tot_len`).
    data: &'a [u8],
    /// Where the next fragment's data starts in `data`.
    ptr: usize,
    /// The fragment offset of `data[ptr]`, in bytes.
    offset: usize,
    /// Data bytes per fragment at most.
    room: usize,
    /// The packet was a fragment other than the last: every piece has MF.
    not_last_frag: bool,
}

impl<'a> Fragments<'a> {
    /// Splits `packet` (an IPv4 packet, header first, at least `tot_len`
    /// bytes) for an MTU of `mtu`. `Err(Malformed)` if the header is bad or
    /// leaves no room for 8 data bytes per fragment (`ip_do_fragment`
    /// fails then too, counted FragFails), or if the packet is a fragment
    /// that ends beyond the largest datagram (65,535 bytes, header
    /// included): its later pieces' offsets would not fit the 13-bit field.
    /// Linux writes `offset >> 3` into the 16-bit field there, so the
    /// overflow lands in the flag bits (MF, DF, reserved) and the pieces
    /// are garbage to every receiver; ferroute refuses the packet instead
    /// (found by the host fuzzer, tools/testing/host/tests/fuzz.rs).
    pub fn new(packet: &'a [u8], mtu: u16) -> Result<Self, Error> {
        if packet.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let p = Packet::new_unchecked(packet);
        let hlen = p.header_len();
        let total = usize::from(p.total_len());
        if !(HEADER_LEN..=60).contains(&hlen) || total < hlen || packet.len() < total {
            return Err(Error::Malformed);
        }
        let room = usize::from(mtu).saturating_sub(hlen);
        if room < 8 {
            return Err(Error::Malformed);
        }
        let frag = p.frag_field();
        let offset = usize::from(frag & IP_OFFSET) << 3;
        if offset + total > MAX_DATAGRAM {
            return Err(Error::Malformed);
        }
        let mut hdr = [0u8; 60];
        hdr[..hlen].copy_from_slice(&packet[..hlen]);
        Ok(Self {
            hdr,
            hlen,
            data: &packet[hlen..total],
            ptr: 0,
            offset,
            room,
            not_last_frag: frag & IP_MF != 0,
        })
    }

    /// The length of the next fragment, header included; `None` when all
    /// were written.
    pub fn next_len(&self) -> Option<usize> {
        let left = self.data.len().checked_sub(self.ptr).filter(|&l| l > 0)?;
        Some(self.hlen + self.piece(left))
    }

    /// Data bytes of the next piece when `left` remain (`ip_frag_next`).
    fn piece(&self, left: usize) -> usize {
        if left > self.room {
            // Not the end: the next piece starts on an 8-byte boundary.
            self.room & !7
        } else {
            left
        }
    }

    /// Writes the next fragment into the start of `buf` (at least
    /// [`Fragments::next_len`] bytes) and returns its length; `None` when
    /// all were written or `buf` is too short.
    pub fn write_next(&mut self, buf: &mut [u8]) -> Option<usize> {
        let left = self.data.len().checked_sub(self.ptr).filter(|&l| l > 0)?;
        let len = self.piece(left);
        let total = self.hlen + len;
        let out = buf.get_mut(..total)?;
        let data = self.data.get(self.ptr..self.ptr + len)?;
        out[..self.hlen].copy_from_slice(&self.hdr[..self.hlen]);
        out[self.hlen..].copy_from_slice(data);
        let last = self.ptr + len == self.data.len();
        // DF is clear (a DF packet is refused, not fragmented); the offset
        // is in 8-byte units.
        let mut frag = u16::try_from(self.offset >> 3).unwrap_or(IP_OFFSET) & IP_OFFSET;
        if !last || self.not_last_frag {
            frag |= IP_MF;
        }
        write_u16(out, 6, frag);
        write_u16(out, 2, u16::try_from(total).unwrap_or(u16::MAX));
        write_u16(out, 10, 0);
        let c = checksum::checksum(&out[..self.hlen]);
        write_u16(out, 10, c);
        if self.ptr == 0 {
            options_fragment(&mut self.hdr[HEADER_LEN..self.hlen]);
        }
        self.ptr += len;
        self.offset += len;
        Some(total)
    }
}

/// `ip_options_fragment`: replaces the options that are not copied into
/// every fragment with NOPs.
fn options_fragment(opts: &mut [u8]) {
    let mut i = 0;
    while i < opts.len() {
        match opts[i] {
            IPOPT_END => return,
            IPOPT_NOOP => i += 1,
            kind => {
                let Some(&optlen) = opts.get(i + 1) else {
                    return;
                };
                let optlen = usize::from(optlen);
                if optlen < 2 || optlen > opts.len() - i {
                    return;
                }
                if kind & IPOPT_COPY == 0 {
                    opts[i..i + optlen].fill(IPOPT_NOOP);
                }
                i += optlen;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::addr::Ipv4Addr;
    use crate::ipv4::wire::ipv4::Repr;
    use std::vec::Vec;

    /// A packet of `data` bytes (0, 1, 2, ...) with `opts` after the
    /// header, MF and offset as given.
    fn packet(data: usize, opts: &[u8], mf: bool, offset: u16) -> Vec<u8> {
        let hlen = HEADER_LEN + opts.len();
        let mut b = std::vec![0u8; hlen + data];
        Repr {
            src: Ipv4Addr::new(10, 1, 0, 2),
            dst: Ipv4Addr::new(10, 2, 0, 2),
            protocol: 17,
            ttl: 63,
            tos: 0,
            ident: 0x1234,
            dont_frag: false,
            more_frags: mf,
            frag_offset: offset,
            payload_len: data,
        }
        .emit(&mut b[..HEADER_LEN])
        .unwrap();
        b[0] = 0x40 | (hlen / 4) as u8;
        write_u16(&mut b, 2, (hlen + data) as u16);
        b[HEADER_LEN..hlen].copy_from_slice(opts);
        write_u16(&mut b, 10, 0);
        let c = checksum::checksum(&b[..hlen]);
        write_u16(&mut b, 10, c);
        for (i, x) in b[hlen..].iter_mut().enumerate() {
            *x = i as u8;
        }
        b
    }

    fn all(p: &[u8], mtu: u16) -> Vec<Vec<u8>> {
        let mut f = Fragments::new(p, mtu).unwrap();
        let mut out = Vec::new();
        while let Some(n) = f.next_len() {
            let mut buf = std::vec![0u8; n];
            assert_eq!(f.write_next(&mut buf), Some(n));
            out.push(buf);
        }
        out
    }

    #[test]
    fn a_4028_byte_ping_in_1500_byte_fragments() {
        let p = packet(4008, &[], false, 0);
        let f = all(&p, 1500);
        let lens: Vec<usize> = f.iter().map(|x| x.len()).collect();
        assert_eq!(lens, [1500, 1500, 1068]);
        let fields: Vec<(u16, bool)> = f
            .iter()
            .map(|x| {
                let q = Packet::new_unchecked(&x[..]);
                assert!(q.verify_checksum());
                (q.frag_field() & IP_OFFSET, q.frag_field() & IP_MF != 0)
            })
            .collect();
        assert_eq!(fields, [(0, true), (185, true), (370, false)]);
        // The data, in order, is the packet's.
        let data: Vec<u8> = f.iter().flat_map(|x| x[20..].to_vec()).collect();
        assert_eq!(data, p[20..]);
    }

    #[test]
    fn a_fragment_keeps_its_offset_and_mf() {
        let p = packet(2000, &[], true, 800);
        let f = all(&p, 1000);
        let fields: Vec<(u16, bool)> = f
            .iter()
            .map(|x| {
                let q = Packet::new_unchecked(&x[..]);
                (q.frag_field() & IP_OFFSET, q.frag_field() & IP_MF != 0)
            })
            .collect();
        assert_eq!(fields, [(100, true), (222, true), (344, true)]);
    }

    #[test]
    fn only_copied_options_reach_the_later_fragments() {
        // Record route (7, not copied) and a copied option (0x94 router
        // alert, 4 bytes), padded with END.
        let opts = [7, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0, 0];
        let p = packet(100, &opts, false, 0);
        let f = all(&p, 80);
        assert_eq!(&f[0][20..32], &opts);
        assert_eq!(&f[1][20..32], &[1, 1, 1, 1, 1, 1, 1, 0x94, 4, 0, 0, 0]);
        assert!(Packet::new_unchecked(&f[1][..]).verify_checksum());
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn too_small_an_mtu_is_refused() {
        let p = packet(100, &[], false, 0);
        assert!(Fragments::new(&p, 27).is_err());
        assert!(Fragments::new(&p[..50], 1500).is_err());
    }

    /// Found by the host fuzzer: a fragment at offset 65,528 (MF set) with
    /// 1,467 data bytes, forwarded to a 1,400-byte MTU. Its second piece
    /// would start at 66,904, beyond the 13-bit offset field (which
    /// wrapped it to 1,368): refused, as a datagram that big cannot exist.
    /// One that ends exactly at 65,535 is still split.
    #[test]
    fn a_fragment_beyond_the_largest_datagram_is_refused() {
        let p = packet(1467, &[], true, 65_528);
        assert!(Fragments::new(&p, 1400).is_err());
        let fits = packet(65_535 - 20 - 64_000, &[], false, 64_000);
        let f = all(&fits, 576);
        assert!(f.len() > 1);
        let last = Packet::new_unchecked(&f[f.len() - 1][..]);
        let end = usize::from(last.frag_field() & IP_OFFSET) * 8 + last.total_len() as usize - 20;
        assert_eq!(end, 65_535 - 20);
    }

    proptest::proptest! {
        /// Any size and MTU: pieces of at most the MTU, data in 8-byte
        /// multiples but the last, reassembling to the original data.
        #[test]
        fn fragments_cover_the_packet(data in 1usize..9000, mtu in 28u16..9000) {
            let p = packet(data, &[], false, 0);
            let f = all(&p, mtu);
            let mut got = Vec::new();
            for (i, x) in f.iter().enumerate() {
                proptest::prop_assert!(x.len() <= usize::from(mtu));
                let q = Packet::new_unchecked(&x[..]);
                let off = usize::from(q.frag_field() & IP_OFFSET) * 8;
                proptest::prop_assert_eq!(off, got.len());
                let last = i + 1 == f.len();
                proptest::prop_assert_eq!(q.frag_field() & IP_MF != 0, !last);
                if !last {
                    proptest::prop_assert_eq!((x.len() - 20) % 8, 0);
                }
                got.extend_from_slice(&x[20..]);
            }
            proptest::prop_assert_eq!(&got[..], &p[20..]);
        }
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The Internet checksum: RFC 1071 one's complement sums
//! (`csum_partial`, `ip_fast_csum`, `csum_tcpudp_magic`) and the RFC 1624
//! incremental update (`csum_replace2`, `ip_decrease_ttl`).
//!
//! Sums are accumulated 32 bits wide with end-around carry, as Linux's
//! `csum_partial` does: since 2^32 - 1 is a multiple of 2^16 - 1, folding
//! the 32-bit one's complement sum to 16 bits gives the RFC 1071 sum.

use crate::ipv4::addr::Ipv4Addr;

/// One's complement addition of two 32-bit partial sums (`csum_add`).
pub const fn add(a: u32, b: u32) -> u32 {
    let (s, carry) = a.overflowing_add(b);
    // On overflow `s` is at most 2^32 - 2, so adding the carry cannot
    // overflow again.
    if carry {
        s + 1
    } else {
        s
    }
}

/// The 32-bit partial one's complement sum of `data`, big-endian 16-bit
/// words, an odd last byte padded with zero (`csum_partial`).
///
/// Summed eight bytes at a time with end-around carry, as `csum_partial`
/// and `ip_fast_csum` sum machine words: 2^64 - 1 is a multiple of
/// 2^16 - 1, so the 64-bit sum folds to the 16-bit one, and an IPv4
/// header takes three additions instead of ten. The result is folded to
/// 16 bits (a valid partial sum for [`add`] and [`fold`]).
pub fn sum(data: &[u8]) -> u32 {
    let (mut acc, rest) = sum_words(data);
    // The last 0-7 bytes, as one big-endian word padded with zeros: an odd
    // last byte lands in the high half of its 16-bit word. Spelled out
    // per length: a copy into a zeroed buffer compiled to a memcpy call
    // per checksum (seen in the bench's instruction profile).
    let tail = match *rest {
        [a] => [a, 0, 0, 0, 0, 0, 0, 0],
        [a, b] => [a, b, 0, 0, 0, 0, 0, 0],
        [a, b, c] => [a, b, c, 0, 0, 0, 0, 0],
        [a, b, c, d] => [a, b, c, d, 0, 0, 0, 0],
        [a, b, c, d, e] => [a, b, c, d, e, 0, 0, 0],
        [a, b, c, d, e, f] => [a, b, c, d, e, f, 0, 0],
        [a, b, c, d, e, f, g] => [a, b, c, d, e, f, g, 0],
        // Nothing left (chunks_exact leaves fewer than eight bytes).
        _ => [0; 8],
    };
    acc = add64(acc, u64::from_be_bytes(tail));
    let s = add((acc >> 32) as u32, acc as u32);
    u32::from(fold(s))
}

/// The 64-bit one's complement sum of `data`'s whole big-endian 8-byte
/// words, and the 0-7 bytes after them.
#[inline(always)]
fn sum_words(data: &[u8]) -> (u64, &[u8]) {
    let mut acc: u64 = 0;
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        if let Ok(w) = <[u8; 8]>::try_from(w) {
            acc = add64(acc, u64::from_be_bytes(w));
        }
    }
    (acc, words.remainder())
}

/// One's complement addition of 64-bit words.
const fn add64(a: u64, b: u64) -> u64 {
    let (s, carry) = a.overflowing_add(b);
    // On overflow `s` is at most 2^64 - 2: adding the carry cannot
    // overflow again.
    if carry {
        s + 1
    } else {
        s
    }
}

/// Folds a 32-bit partial sum to 16 bits (`csum_fold` without the final
/// complement).
pub const fn fold(sum: u32) -> u16 {
    let s = (sum & 0xffff) + (sum >> 16);
    let s = (s & 0xffff) + (s >> 16);
    // Two folds of a 32-bit value always fit 16 bits.
    s as u16
}

/// The Internet checksum of `data`: the complement of the folded sum
/// (`ip_compute_csum`). A region that already holds a correct checksum
/// gives 0.
pub fn checksum(data: &[u8]) -> u16 {
    !fold(sum(data))
}

/// The Internet checksum of an IPv4 header (`ip_fast_csum`), 0 for a
/// header whose checksum is right. A header is IHL four-byte words, so
/// it is summed eight bytes at a time and a last four-byte word, without
/// [`sum`]'s cases for any tail (which made [`checksum`] an out-of-line
/// call of some eighty instructions per forwarded packet in the bench's
/// instruction profile); another length takes [`checksum`].
#[inline]
pub fn header_checksum(hdr: &[u8]) -> u16 {
    let (mut acc, rest) = sum_words(hdr);
    match *rest {
        [] => {}
        // A word's place in the 64-bit sum does not matter: 2^32 is 1
        // modulo 2^16 - 1.
        [a, b, c, d] => acc = add64(acc, u64::from(u32::from_be_bytes([a, b, c, d]))),
        _ => return checksum(hdr),
    }
    !fold(add((acc >> 32) as u32, acc as u32))
}

/// The partial sum of the IPv4 pseudo header that UDP and TCP checksums
/// cover (`csum_tcpudp_nofold`): source, destination, protocol, length.
pub const fn pseudo_header(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, len: u16) -> u32 {
    let s = add(src.0 >> 16, src.0 & 0xffff);
    let s = add(s, dst.0 >> 16);
    let s = add(s, dst.0 & 0xffff);
    let s = add(s, protocol as u32);
    add(s, len as u32)
}

/// RFC 1624 equation 3: the checksum `check` of a region after one of its
/// 16-bit words changed from `old` to `new` (`csum_replace2`):
/// `HC' = ~(~HC + ~m + m')`.
pub const fn update_u16(check: u16, old: u16, new: u16) -> u16 {
    let s = add(!check as u32, !old as u32);
    let s = add(s, new as u32);
    !fold(s)
}

/// RFC 1624 for a 32-bit field (an address) changing from `old` to `new`
/// (`csum_replace4`).
pub const fn update_u32(check: u16, old: u32, new: u32) -> u16 {
    let c = update_u16(check, (old >> 16) as u16, (new >> 16) as u16);
    update_u16(c, old as u16, new as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The IPv4 header of a ping as iputils sends it (192.168.1.10 -> 192.168.1.1).
    const HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x9b, 0x07, 0xc0, 0xa8, 0x01,
        0x0a, 0xc0, 0xa8, 0x01, 0x01,
    ];

    #[test]
    fn rfc1071_example_sum() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(fold(sum(&data)), 0xddf2);
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn captured_header_verifies_and_recomputes() {
        assert_eq!(checksum(&HDR), 0);
        let mut h = HDR;
        h[10] = 0;
        h[11] = 0;
        assert_eq!(checksum(&h), 0x9b07);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(sum(&[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
    }

    #[test]
    fn ttl_decrement_matches_linux_ip_decrease_ttl() {
        // ip_decrease_ttl adds htons(0x0100) to the checksum.
        let mut h = HDR;
        let old = u16::from_be_bytes([h[8], h[9]]);
        h[8] -= 1;
        let new = u16::from_be_bytes([h[8], h[9]]);
        let c = update_u16(u16::from_be_bytes([h[10], h[11]]), old, new);
        h[10..12].copy_from_slice(&c.to_be_bytes());
        assert_eq!(checksum(&h), 0);
        assert_eq!(c, 0x9c07);
    }

    /// RFC 1071's sum, one 16-bit word at a time with end-around carry.
    fn sum_by_words(data: &[u8]) -> u16 {
        let mut acc: u32 = 0;
        for w in data.chunks(2) {
            let hi = u32::from(w[0]) << 8;
            let lo = w.get(1).map_or(0, |&b| u32::from(b));
            acc += hi | lo;
            acc = (acc & 0xffff) + (acc >> 16);
        }
        acc as u16
    }

    proptest! {
        #[test]
        fn wide_sum_equals_rfc1071_word_sum(
            data in proptest::collection::vec(any::<u8>(), 0..200),
            ones in 0usize..64,
        ) {
            // Runs of 0xff push every carry path.
            let mut data = data;
            data.extend(std::iter::repeat(0xff).take(ones));
            prop_assert_eq!(fold(sum(&data)), sum_by_words(&data));
            prop_assert_eq!(checksum(&data), !sum_by_words(&data));
        }

        #[test]
        fn header_checksum_equals_checksum(
            data in proptest::collection::vec(any::<u8>(), 0..80),
            ones in 0usize..64,
        ) {
            // Any length: the multiples of four take the word path, the
            // others fall back to the general sum.
            let mut data = data;
            data.extend(std::iter::repeat(0xff).take(ones));
            prop_assert_eq!(header_checksum(&data), checksum(&data));
        }

        #[test]
        fn incremental_update_equals_full_recompute(
            mut words in proptest::collection::vec(any::<u16>(), 2..40),
            idx in any::<prop::sample::Index>(),
            new in any::<u16>(),
        ) {
            // Word 0 is the checksum field; keep one word nonzero so that
            // the sum of the other words is never zero (as in any IPv4
            // header, whose version byte is nonzero).
            words[1] |= 0x4000;
            let bytes = |w: &[u16]| w.iter().flat_map(|x| x.to_be_bytes()).collect::<std::vec::Vec<u8>>();
            words[0] = 0;
            words[0] = checksum(&bytes(&words));
            let i = 1 + idx.index(words.len() - 1);
            let old = words[i];
            let new = if i == 1 { new | 0x4000 } else { new };
            words[i] = new;
            let incremental = update_u16(words[0], old, new);
            words[0] = 0;
            let full = checksum(&bytes(&words));
            prop_assert_eq!(incremental, full);
        }

        #[test]
        fn u32_update_keeps_region_valid(
            mut words in proptest::collection::vec(any::<u16>(), 4..20),
            new in any::<u32>(),
        ) {
            words[1] |= 0x4000;
            let bytes = |w: &[u16]| w.iter().flat_map(|x| x.to_be_bytes()).collect::<std::vec::Vec<u8>>();
            words[0] = 0;
            words[0] = checksum(&bytes(&words));
            let old = (u32::from(words[2]) << 16) | u32::from(words[3]);
            words[2] = (new >> 16) as u16;
            words[3] = new as u16;
            words[0] = update_u32(words[0], old, new);
            prop_assert_eq!(checksum(&bytes(&words)), 0);
        }
    }
}

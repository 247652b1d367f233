// SPDX-License-Identifier: GPL-2.0

//! IPv4 addresses and prefixes, with the classification helpers of
//! include/linux/in.h (`ipv4_is_multicast`, `ipv4_is_lbcast`, ...).

use core::fmt;

/// An IPv4 address, held as a host-order `u32`: `10.0.0.1` is
/// `Ipv4Addr(0x0a00_0001)`.
///
/// Host order makes prefix arithmetic plain integer arithmetic; the wire
/// form is [`Ipv4Addr::octets`] / [`Ipv4Addr::from_octets`] (network byte
/// order), which is what `__be32` holds in the kernel.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ipv4Addr(pub u32);

impl Ipv4Addr {
    /// `0.0.0.0` (`INADDR_ANY`).
    pub const UNSPECIFIED: Ipv4Addr = Ipv4Addr(0);
    /// `255.255.255.255` (`INADDR_BROADCAST`, the limited broadcast).
    pub const BROADCAST: Ipv4Addr = Ipv4Addr(0xffff_ffff);
    /// `127.0.0.1` (`INADDR_LOOPBACK`).
    pub const LOOPBACK: Ipv4Addr = Ipv4Addr(0x7f00_0001);

    /// The address `a.b.c.d`.
    pub const fn new(a: u8, b: u8, c: u8, d: u8) -> Self {
        Ipv4Addr(u32::from_be_bytes([a, b, c, d]))
    }

    /// The address of four bytes in network order.
    pub const fn from_octets(o: [u8; 4]) -> Self {
        Ipv4Addr(u32::from_be_bytes(o))
    }

    /// The four bytes in network order, as on the wire.
    pub const fn octets(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }

    /// The address of a host-order number (`0x0a000001` is 10.0.0.1).
    pub const fn from_bits(v: u32) -> Self {
        Ipv4Addr(v)
    }

    /// The host-order number of the address.
    pub const fn to_bits(self) -> u32 {
        self.0
    }

    /// `ipv4_is_loopback`: 127.0.0.0/8.
    pub const fn is_loopback(self) -> bool {
        self.0 & 0xff00_0000 == 0x7f00_0000
    }

    /// `ipv4_is_multicast`: 224.0.0.0/4.
    pub const fn is_multicast(self) -> bool {
        self.0 & 0xf000_0000 == 0xe000_0000
    }

    /// `ipv4_is_local_multicast`: 224.0.0.0/24.
    pub const fn is_local_multicast(self) -> bool {
        self.0 & 0xffff_ff00 == 0xe000_0000
    }

    /// `ipv4_is_lbcast`: the limited broadcast 255.255.255.255.
    pub const fn is_lbcast(self) -> bool {
        self.0 == 0xffff_ffff
    }

    /// `ipv4_is_zeronet`: 0.0.0.0 only. Linux treats the rest of 0/8 as
    /// ordinary unicast since 5.3 (commit 94c821c74bf5, "net: Treat
    /// 0.0.0.0/8 as a global unicast address"), and so does ferroute.
    pub const fn is_zeronet(self) -> bool {
        self.0 == 0
    }

    /// `ipv4_is_linklocal_169`: 169.254.0.0/16.
    pub const fn is_linklocal_169(self) -> bool {
        self.0 & 0xffff_0000 == 0xa9fe_0000
    }

    /// Whether this is `0.0.0.0`.
    pub const fn is_unspecified(self) -> bool {
        self.0 == 0
    }

    /// Whether `self` lies in `prefix/len` (`inet_ifa_match`,
    /// `ipv4_prefix_match`). A `len` above 32 matches nothing.
    pub const fn in_prefix(self, prefix: Ipv4Addr, len: u8) -> bool {
        match mask(len) {
            Some(m) => self.0 & m == prefix.0 & m,
            None => false,
        }
    }

    /// `self` with the host bits of a `/len` cleared; `None` if `len` is
    /// above 32.
    pub const fn network(self, len: u8) -> Option<Ipv4Addr> {
        match mask(len) {
            Some(m) => Some(Ipv4Addr(self.0 & m)),
            None => None,
        }
    }

    /// `self` with the host bits of a `/len` set: the subnet broadcast
    /// address. `None` if `len` is above 32.
    pub const fn subnet_broadcast(self, len: u8) -> Option<Ipv4Addr> {
        match mask(len) {
            Some(m) => Some(Ipv4Addr(self.0 | !m)),
            None => None,
        }
    }
}

/// The netmask of a prefix length, host order (`inet_make_mask`): `/24` is
/// `0xffffff00`. `None` if `len` is above 32.
pub const fn mask(len: u8) -> Option<u32> {
    match len {
        0 => Some(0),
        1..=32 => Some(u32::MAX << (32 - len as u32)),
        _ => None,
    }
}

/// The prefix length of a netmask (`inet_mask_len`), or `None` if the
/// mask's ones are not contiguous from the top.
pub const fn mask_len(mask: u32) -> Option<u8> {
    let len = mask.leading_ones();
    if len == 32 || mask << len == 0 {
        // `leading_ones` is at most 32, so this never truncates.
        Some(len as u8)
    } else {
        None
    }
}

impl fmt::Display for Ipv4Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.octets();
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

impl fmt::Debug for Ipv4Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn classification_follows_linux_in_h() {
        assert!(Ipv4Addr::new(224, 0, 0, 1).is_multicast());
        assert!(Ipv4Addr::new(239, 255, 255, 255).is_multicast());
        assert!(!Ipv4Addr::new(240, 0, 0, 1).is_multicast());
        assert!(Ipv4Addr::new(224, 0, 0, 251).is_local_multicast());
        assert!(!Ipv4Addr::new(224, 0, 1, 1).is_local_multicast());
        assert!(Ipv4Addr::BROADCAST.is_lbcast());
        assert!(Ipv4Addr::new(0, 0, 0, 0).is_zeronet());
        assert!(!Ipv4Addr::new(0, 1, 2, 3).is_zeronet());
        assert!(Ipv4Addr::new(127, 9, 9, 9).is_loopback());
        assert!(Ipv4Addr::new(169, 254, 1, 1).is_linklocal_169());
        assert!(!Ipv4Addr::new(10, 0, 0, 1).is_zeronet());
    }

    #[test]
    fn prefixes_and_masks() {
        let a = Ipv4Addr::new(10, 1, 2, 3);
        assert_eq!(mask(0), Some(0));
        assert_eq!(mask(24), Some(0xffff_ff00));
        assert_eq!(mask(32), Some(u32::MAX));
        assert_eq!(mask(33), None);
        assert_eq!(mask_len(0xffff_ff00), Some(24));
        assert_eq!(mask_len(0), Some(0));
        assert_eq!(mask_len(u32::MAX), Some(32));
        assert_eq!(mask_len(0xff00_ff00), None);
        assert_eq!(a.network(16), Some(Ipv4Addr::new(10, 1, 0, 0)));
        assert_eq!(a.subnet_broadcast(24), Some(Ipv4Addr::new(10, 1, 2, 255)));
        assert!(a.in_prefix(Ipv4Addr::new(10, 0, 0, 0), 8));
        assert!(a.in_prefix(Ipv4Addr::new(99, 0, 0, 0), 0));
        assert!(!a.in_prefix(Ipv4Addr::new(10, 1, 3, 0), 24));
        assert!(!a.in_prefix(a, 40));
    }

    #[test]
    fn formats_dotted_quad_and_roundtrips_octets() {
        let a = Ipv4Addr::new(192, 168, 1, 254);
        assert_eq!(format!("{a}"), "192.168.1.254");
        assert_eq!(format!("{a:?}"), "192.168.1.254");
        assert_eq!(Ipv4Addr::from_octets(a.octets()), a);
        assert_eq!(Ipv4Addr::from_bits(0x0a00_0001), Ipv4Addr::new(10, 0, 0, 1));
    }
}

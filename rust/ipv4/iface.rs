// SPDX-License-Identifier: GPL-2.0

//! Router ports and their IPv4 addresses: the `in_ifaddr` lists of
//! net/ipv4/devinet.c and the address lookups built on them
//! (`inet_select_addr`, `__ip_dev_find`).

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::platform::{GfpKernel, TryVec};

/// A router port (attached device or ferroute device), identified by a
/// number the glue chooses; it plays the part of an ifindex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId(pub u32);

/// Route and address scope (`enum rt_scope_t`): how far away a destination
/// is. Larger is closer; a lookup at scope `s` only uses routes whose scope
/// is at least `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `RT_SCOPE_UNIVERSE` (0): anywhere, through gateways.
    Universe = 0,
    /// `RT_SCOPE_SITE` (200): within the site (a user's scope; routing
    /// treats it as a number between universe and link).
    Site = 200,
    /// `RT_SCOPE_LINK` (253): on a directly attached link.
    Link = 253,
    /// `RT_SCOPE_HOST` (254): on this router.
    Host = 254,
}

impl Scope {
    /// The kernel's number for the scope.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }
}

/// An address on a port (`struct in_ifaddr`: `ifa_local`,
/// `ifa_prefixlen`, `ifa_dev`).
///
/// Every ferroute address has scope universe (the kernel would give 127/8
/// addresses host scope; ferroute refuses them, it has no loopback port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IfAddr {
    /// The port it is on.
    pub port: PortId,
    /// The address.
    pub addr: Ipv4Addr,
    /// Prefix length of its subnet, 0 to 32.
    pub prefix_len: u8,
}

impl IfAddr {
    /// The subnet's network address (`ifa_address & ifa_mask`).
    pub fn prefix(&self) -> Ipv4Addr {
        self.addr.network(self.prefix_len).unwrap_or(self.addr)
    }

    /// Whether `dst` is in this address's subnet (`inet_ifa_match`).
    pub fn matches(&self, dst: Ipv4Addr) -> bool {
        dst.in_prefix(self.addr, self.prefix_len)
    }

    /// The subnet broadcast address, for prefixes shorter than /31 (the
    /// address `fib_add_ifaddr` installs a broadcast route for).
    pub fn broadcast(&self) -> Option<Ipv4Addr> {
        if self.prefix_len < 31 {
            self.addr.subnet_broadcast(self.prefix_len)
        } else {
            None
        }
    }

    /// The address's scope.
    pub const fn scope(&self) -> Scope {
        Scope::Universe
    }

    /// Whether `self` is a secondary of `primary` (`inet_insert_ifa`): same
    /// port, same prefix length, and in `primary`'s subnet.
    fn is_secondary_of(&self, primary: &IfAddr) -> bool {
        self.port == primary.port
            && self.prefix_len == primary.prefix_len
            && primary.matches(self.addr)
    }
}

/// All addresses of the router, in the order they were added (which is
/// the `ifa_list` order per port: the first address of a subnet is its
/// primary, later ones in the same subnet are secondaries).
///
/// Linear scans for the control plane; the one question every forwarded
/// packet asks ([`AddrTable::is_local`], `fib_validate_source`'s
/// `inet_lookup_ifaddr_rcu`, a hash in Linux) is a binary search of a
/// sorted copy of the addresses, so it stays cheap on a router with many.
///
/// # Invariants
///
/// `sorted` holds the `addr` of every entry of `addrs` (one per entry,
/// duplicates included), in ascending order.
#[derive(Default)]
pub struct AddrTable {
    addrs: TryVec<IfAddr, GfpKernel>,
    sorted: TryVec<Ipv4Addr, GfpKernel>,
}

impl AddrTable {
    /// An empty table; does not allocate.
    pub fn new() -> Self {
        Self {
            addrs: TryVec::new(),
            sorted: TryVec::new(),
        }
    }

    /// A copy, for copy-on-write publication.
    pub fn try_clone(&self) -> Result<Self, Errno> {
        Ok(Self {
            addrs: self.addrs.try_clone()?,
            sorted: self.sorted.try_clone()?,
        })
    }

    /// Takes one `addr` out of the sorted index (an entry of `addrs` with
    /// it is being removed): no allocation, so removal cannot fail.
    fn unindex(sorted: &mut TryVec<Ipv4Addr, GfpKernel>, addr: Ipv4Addr) {
        if let Ok(i) = sorted.binary_search(&addr) {
            sorted.remove(i);
        }
    }

    /// Every address, in insertion order.
    pub fn as_slice(&self) -> &[IfAddr] {
        self.addrs.as_slice()
    }

    /// Iterates over every address.
    pub fn iter(&self) -> core::slice::Iter<'_, IfAddr> {
        self.addrs.iter()
    }

    /// The number of addresses.
    pub fn len(&self) -> usize {
        self.addrs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty()
    }

    /// Checks an address as `inet_rtm_newaddr`/`inet_insert_ifa` would,
    /// plus ferroute's own refusals:
    /// - `EINVAL`: prefix length above 32; a multicast, limited broadcast,
    ///   0.0.0.0 or 127/8 address (127/8 is ferroute's own refusal: it has
    ///   no loopback port).
    /// - `EEXIST`: the address is on the port already with the same prefix
    ///   length (`inet_insert_ifa`: same local, same mask); with another
    ///   length it is another address, a primary of its own subnet, as in
    ///   Linux. An address that looks like its subnet's broadcast address
    ///   is accepted, as Linux accepts it.
    pub fn validate(&self, ifa: &IfAddr) -> Result<(), Errno> {
        let a = ifa.addr;
        if ifa.prefix_len > 32
            || a.is_multicast()
            || a.is_lbcast()
            || a.is_zeronet()
            || a.is_loopback()
        {
            return Err(Errno::Einval);
        }
        if self.addrs.iter().any(|x| x == ifa) {
            return Err(Errno::Eexist);
        }
        Ok(())
    }

    /// Adds an address (`inet_insert_ifa`). Errors as in
    /// [`AddrTable::validate`], or `ENOBUFS` if memory runs out. Routes are
    /// not touched: see [`crate::ipv4::devinet::inet_insert_ifa`] for the
    /// version that also updates the FIB.
    pub fn add(&mut self, ifa: IfAddr) -> Result<(), Errno> {
        self.validate(&ifa)?;
        // Both or neither: the index's room is taken first.
        self.sorted.try_reserve(1)?;
        self.addrs.try_push(ifa)?;
        let at = self.sorted.partition_point(|&a| a < ifa.addr);
        self.sorted.try_insert(at, ifa.addr)?;
        Ok(())
    }

    /// Removes the address `ifa` (port, address and prefix length must
    /// match; `EADDRNOTAVAIL` otherwise), as `inet_rtm_deladdr` does.
    ///
    /// Deleting a primary address also deletes its secondaries, as Linux
    /// does with the default `promote_secondaries=0`. Returns how many
    /// addresses were removed (1 plus the secondaries).
    pub fn del(&mut self, ifa: &IfAddr) -> Result<usize, Errno> {
        let pos = self
            .addrs
            .iter()
            .position(|a| a == ifa)
            .ok_or(Errno::Eaddrnotavail)?;
        let primary = !self.is_secondary(ifa);
        let before = self.addrs.len();
        let mut i = 0usize;
        let sorted = &mut self.sorted;
        self.addrs.retain(|a| {
            let idx = i;
            i = i.saturating_add(1);
            // Secondaries are always after their primary.
            let gone = idx == pos || (primary && idx > pos && a.is_secondary_of(ifa));
            if gone {
                Self::unindex(sorted, a.addr);
            }
            !gone
        });
        Ok(before.saturating_sub(self.addrs.len()))
    }

    /// Removes every address of `port` (the port went away).
    pub fn remove_port(&mut self, port: PortId) {
        let sorted = &mut self.sorted;
        self.addrs.retain(|a| {
            if a.port == port {
                Self::unindex(sorted, a.addr);
            }
            a.port != port
        });
    }

    /// The entry for `addr` on `port`, if configured.
    pub fn find(&self, port: PortId, addr: Ipv4Addr) -> Option<&IfAddr> {
        self.addrs.iter().find(|a| a.port == port && a.addr == addr)
    }

    /// Whether `addr` is one of the router's addresses, on any port
    /// (`__ip_dev_find`, `inet_addr_type == RTN_LOCAL` for an address).
    #[inline(always)]
    pub fn is_local(&self, addr: Ipv4Addr) -> bool {
        crate::ipv4::find_sorted(self.sorted.as_slice(), &addr, |&a| a).is_some()
    }

    /// The port `addr` is configured on (the first one, if several).
    pub fn port_of(&self, addr: Ipv4Addr) -> Option<PortId> {
        self.addrs.iter().find(|a| a.addr == addr).map(|a| a.port)
    }

    /// The addresses of `port`.
    pub fn on_port(&self, port: PortId) -> impl Iterator<Item = &IfAddr> + '_ {
        self.addrs.iter().filter(move |a| a.port == port)
    }

    /// Whether `ifa` is a secondary address (`IFA_F_SECONDARY`): an earlier
    /// address on its port has the same prefix length and subnet.
    pub fn is_secondary(&self, ifa: &IfAddr) -> bool {
        self.primary_of(ifa).is_some_and(|p| p != ifa)
    }

    /// The primary address of `ifa`'s subnet on its port
    /// (`inet_ifa_byprefix`): the first address with the same port, prefix
    /// length and subnet. `ifa` itself if it is primary; `None` if neither
    /// it nor a primary for it is in the table.
    pub fn primary_of(&self, ifa: &IfAddr) -> Option<&IfAddr> {
        self.addrs.iter().find(|a| ifa.is_secondary_of(a))
    }

    /// `inet_addr_onlink`: whether `a` and, if given, `b` are both in the
    /// subnet of one of `port`'s addresses.
    pub fn on_link(&self, port: PortId, a: Ipv4Addr, b: Option<Ipv4Addr>) -> bool {
        self.on_port(port)
            .any(|ifa| ifa.matches(a) && b.map_or(true, |b| ifa.matches(b)))
    }

    /// Selects a source address for talking to `dst` through `port`
    /// (`inet_select_addr(dev, dst, scope)`):
    /// 1. on `port`, the first primary address whose scope is within
    ///    `scope` and whose subnet holds `dst` (any, if `dst` is 0.0.0.0);
    ///    else the first primary address of `port` within `scope`;
    /// 2. else, of the first port (in the order ports came, as Linux walks
    ///    its devices) that has one, the first primary address whose scope
    ///    is within `scope` and is not link scope (`in_dev_select_addr`).
    ///
    /// `None` if the router has no usable address (Linux returns 0).
    pub fn inet_select_addr(&self, port: PortId, dst: Ipv4Addr, scope: Scope) -> Option<Ipv4Addr> {
        let mut first = None;
        for a in self.on_port(port) {
            if self.is_secondary(a) || a.scope() > scope {
                continue;
            }
            if dst.is_unspecified() || a.matches(dst) {
                return Some(a.addr);
            }
            first = first.or(Some(a.addr));
        }
        if first.is_some() {
            return first;
        }
        // Linux walks the devices in their order (for_each_netdev_rcu),
        // not the addresses in theirs: the first port, in the order ports
        // came, with such an address gives its first one.
        let usable = |a: &&IfAddr| {
            a.port != port
                && !self.is_secondary(a)
                && a.scope() <= scope
                && a.scope() != Scope::Link
        };
        let first_port = self.addrs.iter().filter(usable).map(|a| a.port).min()?;
        self.addrs
            .iter()
            .filter(usable)
            .find(|a| a.port == first_port)
            .map(|a| a.addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: PortId = PortId(1);
    const P2: PortId = PortId(2);

    fn ifa(port: PortId, a: [u8; 4], len: u8) -> IfAddr {
        IfAddr {
            port,
            addr: Ipv4Addr::from_octets(a),
            prefix_len: len,
        }
    }

    #[test]
    fn add_validates_like_inet_rtm_newaddr() {
        let mut t = AddrTable::new();
        assert_eq!(t.add(ifa(P1, [10, 0, 0, 1], 24)), Ok(()));
        assert_eq!(t.add(ifa(P1, [10, 0, 0, 1], 24)), Err(Errno::Eexist));
        // Another length: another address (a primary of its subnet).
        assert_eq!(t.add(ifa(P1, [10, 0, 0, 1], 16)), Ok(()));
        assert_eq!(t.add(ifa(P2, [10, 0, 0, 1], 24)), Ok(()));
        assert_eq!(t.add(ifa(P1, [10, 0, 1, 1], 33)), Err(Errno::Einval));
        assert_eq!(t.add(ifa(P1, [224, 0, 0, 1], 24)), Err(Errno::Einval));
        assert_eq!(t.add(ifa(P1, [255, 255, 255, 255], 32)), Err(Errno::Einval));
        // 0.0.0.0 is refused; the rest of 0/8 is unicast.
        assert_eq!(t.add(ifa(P1, [0, 0, 0, 0], 8)), Err(Errno::Einval));
        assert_eq!(t.add(ifa(P1, [0, 0, 0, 5], 8)), Ok(()));
        assert_eq!(t.add(ifa(P1, [127, 0, 0, 1], 8)), Err(Errno::Einval));
        // Linux accepts an address that looks like its subnet's broadcast.
        assert_eq!(t.add(ifa(P1, [10, 9, 9, 255], 24)), Ok(()));
        assert_eq!(t.add(ifa(P1, [10, 9, 9, 255], 31)), Ok(()));
        assert_eq!(t.len(), 6);
        assert!(t.is_local(Ipv4Addr::new(10, 0, 0, 1)));
        assert!(!t.is_local(Ipv4Addr::new(10, 0, 0, 2)));
    }

    #[test]
    fn del_needs_an_exact_match_and_takes_secondaries_along() {
        let mut t = AddrTable::new();
        t.add(ifa(P1, [10, 0, 0, 1], 24)).unwrap();
        t.add(ifa(P1, [10, 0, 0, 2], 24)).unwrap();
        t.add(ifa(P1, [10, 0, 0, 3], 25)).unwrap();
        t.add(ifa(P2, [10, 0, 0, 4], 24)).unwrap();
        assert!(t.is_secondary(&ifa(P1, [10, 0, 0, 2], 24)));
        assert!(!t.is_secondary(&ifa(P1, [10, 0, 0, 3], 25)));
        assert!(!t.is_secondary(&ifa(P2, [10, 0, 0, 4], 24)));
        assert_eq!(
            t.del(&ifa(P1, [10, 0, 0, 1], 16)),
            Err(Errno::Eaddrnotavail)
        );
        assert_eq!(t.del(&ifa(P1, [10, 0, 0, 1], 24)), Ok(2));
        assert_eq!(t.len(), 2);
        assert!(!t.is_local(Ipv4Addr::new(10, 0, 0, 2)));
        t.remove_port(P2);
        assert_eq!(t.as_slice(), &[ifa(P1, [10, 0, 0, 3], 25)]);
        // Deleting a secondary leaves the primary.
        t.add(ifa(P1, [10, 0, 0, 4], 25)).unwrap();
        assert_eq!(t.del(&ifa(P1, [10, 0, 0, 4], 25)), Ok(1));
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn select_addr_prefers_the_port_and_the_subnet() {
        let mut t = AddrTable::new();
        t.add(ifa(P1, [10, 0, 0, 1], 24)).unwrap();
        t.add(ifa(P1, [10, 0, 0, 9], 24)).unwrap();
        t.add(ifa(P1, [192, 168, 5, 1], 24)).unwrap();
        t.add(ifa(P2, [172, 16, 0, 1], 12)).unwrap();
        let sel = |p, d: [u8; 4]| t.inet_select_addr(p, Ipv4Addr::from_octets(d), Scope::Link);
        assert_eq!(
            sel(P1, [192, 168, 5, 77]),
            Some(Ipv4Addr::new(192, 168, 5, 1))
        );
        assert_eq!(sel(P1, [10, 0, 0, 77]), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(sel(P1, [8, 8, 8, 8]), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(sel(P1, [0, 0, 0, 0]), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(sel(P2, [10, 0, 0, 5]), Some(Ipv4Addr::new(172, 16, 0, 1)));
        // A port without addresses borrows another port's primary.
        assert_eq!(
            sel(PortId(3), [1, 1, 1, 1]),
            Some(Ipv4Addr::new(10, 0, 0, 1))
        );
        assert_eq!(
            AddrTable::new().inet_select_addr(P1, Ipv4Addr(0), Scope::Host),
            None
        );
    }

    /// inet_select_addr's no_in_dev walk goes by device, not by address:
    /// a port without addresses borrows the first port's, even when that
    /// port's address came last (issue 13, class 4).
    #[test]
    fn a_port_without_addresses_borrows_the_first_ports_address() {
        let mut t = AddrTable::new();
        t.add(ifa(P2, [172, 16, 0, 1], 12)).unwrap();
        t.add(ifa(P1, [10, 0, 0, 1], 24)).unwrap();
        t.add(ifa(P1, [10, 0, 0, 2], 24)).unwrap();
        let sel = |p| t.inet_select_addr(p, Ipv4Addr(0), Scope::Link);
        assert_eq!(sel(PortId(3)), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(sel(P1), Some(Ipv4Addr::new(10, 0, 0, 1)));
    }

    proptest::proptest! {
        /// The sorted index answers as a scan of the addresses would,
        /// through adds, deletions (with their secondaries) and ports
        /// going away.
        #[test]
        fn is_local_agrees_with_a_scan(
            ops in proptest::collection::vec((0u8..4, 1u32..4, 0u8..6, 22u8..26), 1..60),
        ) {
            let mut t = AddrTable::new();
            for (op, port, host, len) in ops {
                let a = ifa(PortId(port), [10, 0, 0, host], len);
                match op {
                    0 | 1 => {
                        let _ = t.add(a);
                    }
                    2 => {
                        let _ = t.del(&a);
                    }
                    _ => t.remove_port(PortId(port)),
                }
                for host in 0..7 {
                    let q = Ipv4Addr::from_octets([10, 0, 0, host]);
                    proptest::prop_assert_eq!(t.is_local(q), t.iter().any(|x| x.addr == q));
                }
                let c = t.try_clone().map_err(|_| proptest::test_runner::TestCaseError::fail("clone"))?;
                proptest::prop_assert_eq!(c.is_local(a.addr), t.is_local(a.addr));
            }
        }
    }
}

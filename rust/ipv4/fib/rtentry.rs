// SPDX-License-Identifier: GPL-2.0

//! The legacy route ioctls, `SIOCADDRT` and `SIOCDELRT` with a
//! `struct rtentry` (what `route add` of net-tools sends): the conversion
//! of `rtentry_to_fib_config` and the insert or delete of `ip_rt_ioctl`
//! (net/ipv4/fib_frontend.c), with the same errors.
//!
//! The abstraction layer reads the `rtentry` from userspace (`EFAULT`) and
//! checks `CAP_NET_ADMIN` (`EPERM`); everything after that is here.

use super::RT_TABLE_MAIN;
use super::{Fib, NlFlags, Route, RouteProtocol, RouteSelector, RouteType, TableLookup};
use crate::ipv4::addr::{mask_len, Ipv4Addr};
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{PortId, Scope};

/// `AF_INET`.
pub const AF_INET: u16 = 2;

/// `RTF_GATEWAY`: the destination is reached through `rt_gateway`.
pub const RTF_GATEWAY: u16 = 0x0002;
/// `RTF_HOST`: a host route (`rt_genmask` is ignored).
pub const RTF_HOST: u16 = 0x0004;
/// `RTF_REJECT`: an unreachable route.
pub const RTF_REJECT: u16 = 0x0200;

/// Which ioctl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtIoctl {
    /// `SIOCADDRT`.
    Add,
    /// `SIOCDELRT`.
    Del,
}

/// A `struct sockaddr` of an `rtentry`: its family and, for `AF_INET`, the
/// address (`sk_extract_addr` reads it whatever the family).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SockAddr {
    /// `sa_family`.
    pub family: u16,
    /// `sin_addr`.
    pub addr: Ipv4Addr,
}

/// The fields of a `struct rtentry` the conversion reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RtEntry<'a> {
    /// `rt_dst`.
    pub dst: SockAddr,
    /// `rt_gateway`.
    pub gateway: SockAddr,
    /// `rt_genmask`.
    pub genmask: SockAddr,
    /// `rt_flags` (`RTF_*`; `RTF_UP` is not looked at, as in Linux).
    pub flags: u16,
    /// `rt_metric`: the route's metric plus one (0: metric 0).
    pub metric: i16,
    /// `rt_dev`: the device name, up to its NUL (`None`: no device).
    pub dev: Option<&'a [u8]>,
}

/// What `rtentry_to_fib_config` makes of an `rtentry`: a route to add, or
/// the key of the route to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtConfig {
    /// Insert with `NLM_F_CREATE` only: an identical route is `EEXIST`,
    /// another one of the same key goes first.
    Add(Route, NlFlags),
    /// Delete the first route this selects (`ESRCH` if none).
    Del(RouteSelector),
}

/// `bad_mask` and `inet_mask_len`: the prefix length of a contiguous mask
/// that leaves no host bit set in `addr`.
fn prefix_len(mask: Ipv4Addr, addr: Ipv4Addr) -> Option<u8> {
    if addr.to_bits() & !mask.to_bits() != 0 {
        return None;
    }
    mask_len(mask.to_bits())
}

/// `rtentry_to_fib_config`: the route (or delete key) an `rtentry` means.
/// `port_of` resolves `rt_dev` to a router port. Errors, in Linux's order:
/// `EAFNOSUPPORT` (destination, or a set mask, not `AF_INET`), `EINVAL`
/// (mask not contiguous or host bits set), `ENODEV` (no such port, or an
/// alias label `dev:N`, which ferroute does not have), `EINVAL`
/// (`RTF_GATEWAY` without a gateway, on add). `RTF_MTU`, `RTF_WINDOW` and
/// `RTF_IRTT` set TCP metrics (advmss, window, rtt) in Linux, which a
/// router without TCP does not keep: they are ignored.
pub fn rtentry_to_route(
    cmd: RtIoctl,
    rt: &RtEntry<'_>,
    fib: &Fib,
    port_of: impl Fn(&[u8]) -> Option<PortId>,
) -> Result<RtConfig, Errno> {
    if rt.dst.family != AF_INET {
        return Err(Errno::Eafnosupport);
    }
    let dst = rt.dst.addr;
    let plen = if rt.flags & RTF_HOST != 0 {
        32
    } else {
        let mask = rt.genmask;
        if mask.family != AF_INET && (mask.addr != Ipv4Addr::UNSPECIFIED || mask.family != 0) {
            return Err(Errno::Eafnosupport);
        }
        prefix_len(mask.addr, dst).ok_or(Errno::Einval)?
    };
    // rt_metric - 1 in the C type of fc_priority (u32), as Linux computes
    // it: metric 0 means "not given", -1 wraps.
    let metric = if rt.metric != 0 {
        Some(u32::from_ne_bytes((i32::from(rt.metric) - 1).to_ne_bytes()))
    } else {
        None
    };
    let mut route = Route {
        table: RT_TABLE_MAIN,
        dst,
        prefix_len: plen,
        kind: RouteType::Unicast,
        scope: Scope::Link,
        protocol: RouteProtocol::Boot,
        gateway: None,
        port: None,
        prefsrc: None,
        metric: metric.unwrap_or(0),
        tos: 0,
        mtu: 0,
        onlink: false,
    };
    let mut sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst,
        prefix_len: plen,
        tos: 0,
        kind: Some(RouteType::Unicast),
        scope: None,
        protocol: None,
        prefsrc: None,
        metric,
        port: None,
        gateway: None,
    };
    if rt.flags & RTF_REJECT != 0 {
        route.kind = RouteType::Unreachable;
        route.scope = Scope::Host;
        sel.kind = Some(RouteType::Unreachable);
        sel.scope = Some(Scope::Host);
        return Ok(match cmd {
            RtIoctl::Add => RtConfig::Add(route, NlFlags::PREPEND),
            RtIoctl::Del => RtConfig::Del(sel),
        });
    }
    if let Some(name) = rt.dev {
        // An alias label names an address of the device; ferroute's ports
        // have no labels, so no such address exists.
        if name.contains(&b':') {
            return Err(Errno::Enodev);
        }
        let port = port_of(name).ok_or(Errno::Enodev)?;
        route.port = Some(port);
        sel.port = Some(port);
    }
    let mut universe = false;
    let gw = rt.gateway.addr;
    if rt.gateway.family == AF_INET && gw != Ipv4Addr::UNSPECIFIED {
        route.gateway = Some(gw);
        sel.gateway = Some(gw);
        universe = rt.flags & RTF_GATEWAY != 0 && addr_type_is_unicast(fib, gw);
    }
    if universe {
        route.scope = Scope::Universe;
        sel.scope = Some(Scope::Universe);
    }
    match cmd {
        RtIoctl::Del => Ok(RtConfig::Del(sel)),
        RtIoctl::Add if rt.flags & RTF_GATEWAY != 0 && route.gateway.is_none() => {
            Err(Errno::Einval)
        }
        RtIoctl::Add => Ok(RtConfig::Add(route, NlFlags::PREPEND)),
    }
}

/// `inet_addr_type_table(net, addr, RT_TABLE_MAIN) == RTN_UNICAST`: not a
/// broadcast or multicast address, and the main table sends it to a
/// unicast route or nowhere.
fn addr_type_is_unicast(fib: &Fib, addr: Ipv4Addr) -> bool {
    if addr.is_zeronet() || addr.is_lbcast() || addr.is_multicast() {
        return false;
    }
    match fib.table_lookup(RT_TABLE_MAIN, addr, None, Scope::Universe) {
        TableLookup::Found { alias, .. } => alias.route().kind == RouteType::Unicast,
        TableLookup::Reject(r) => r.kind == RouteType::Unicast,
        TableLookup::NoMatch => true,
    }
}

/// `ip_rt_ioctl` after the conversion: inserts or deletes in `fib`.
/// `EEXIST` for an identical route, `ESRCH` for a missing one, and the
/// insertion errors of [`Fib::insert_route`] (`ENETUNREACH` for a gateway
/// off every connected subnet, `ENOBUFS` for memory).
pub fn ip_rt_ioctl(
    cmd: RtIoctl,
    rt: &RtEntry<'_>,
    fib: &mut Fib,
    port_of: impl Fn(&[u8]) -> Option<PortId>,
) -> Result<(), Errno> {
    match rtentry_to_route(cmd, rt, fib, port_of)? {
        RtConfig::Add(route, flags) => fib.insert_route(route, &[], flags),
        RtConfig::Del(sel) => fib.delete(&sel).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::iface::{AddrTable, IfAddr};
    use std::vec::Vec;

    const D0: PortId = PortId(1);

    fn sa(o: [u8; 4]) -> SockAddr {
        SockAddr {
            family: AF_INET,
            addr: Ipv4Addr::from_octets(o),
        }
    }

    fn rt<'a>(dst: [u8; 4], mask: [u8; 4], gw: Option<[u8; 4]>, flags: u16) -> RtEntry<'a> {
        RtEntry {
            dst: sa(dst),
            genmask: sa(mask),
            gateway: gw.map(sa).unwrap_or_default(),
            flags,
            metric: 0,
            dev: None,
        }
    }

    fn port_of(name: &[u8]) -> Option<PortId> {
        (name == b"d0").then_some(D0)
    }

    /// A FIB with 10.1.0.1/24 on d0, as `ip addr add` makes it.
    fn fib() -> Fib {
        let mut fib = Fib::new();
        let mut addrs = AddrTable::new();
        let ifa = IfAddr {
            port: D0,
            addr: Ipv4Addr::new(10, 1, 0, 1),
            prefix_len: 24,
        };
        addrs.add(ifa).unwrap();
        fib.add_ifaddr(&ifa, &addrs, true).unwrap();
        fib
    }

    fn main_routes(fib: &Fib) -> Vec<Route> {
        fib.routes()
            .filter(|r| r.table == RT_TABLE_MAIN)
            .copied()
            .collect()
    }

    #[test]
    fn gateway_route_is_universe_with_metric_minus_one() {
        let mut fib = fib();
        let mut e = rt(
            [10, 2, 0, 0],
            [255, 255, 0, 0],
            Some([10, 1, 0, 254]),
            RTF_GATEWAY,
        );
        e.metric = 11;
        e.dev = Some(b"d0");
        ip_rt_ioctl(RtIoctl::Add, &e, &mut fib, port_of).unwrap();
        let r = *fib.lookup(Ipv4Addr::new(10, 2, 3, 4), None).unwrap();
        assert_eq!((r.prefix_len, r.metric, r.scope), (16, 10, Scope::Universe));
        assert_eq!(
            (r.gateway, r.port),
            (Some(Ipv4Addr::new(10, 1, 0, 254)), Some(D0))
        );
        assert_eq!(r.protocol, RouteProtocol::Boot);
        // The same again is EEXIST; another gateway goes in front.
        assert_eq!(
            ip_rt_ioctl(RtIoctl::Add, &e, &mut fib, port_of),
            Err(Errno::Eexist)
        );
        e.gateway = sa([10, 1, 0, 253]);
        ip_rt_ioctl(RtIoctl::Add, &e, &mut fib, port_of).unwrap();
        let first = fib.lookup(Ipv4Addr::new(10, 2, 3, 4), None).unwrap();
        assert_eq!(first.gateway, Some(Ipv4Addr::new(10, 1, 0, 253)));
        // Delete by key: gateway and metric must match.
        let mut key = rt([10, 2, 0, 0], [255, 255, 0, 0], Some([10, 1, 0, 253]), 0);
        key.metric = 12;
        assert_eq!(
            ip_rt_ioctl(RtIoctl::Del, &key, &mut fib, port_of),
            Err(Errno::Esrch)
        );
        key.metric = 11;
        ip_rt_ioctl(RtIoctl::Del, &key, &mut fib, port_of).unwrap();
        assert_eq!(
            ip_rt_ioctl(RtIoctl::Del, &key, &mut fib, port_of),
            Err(Errno::Esrch)
        );
    }

    #[test]
    fn host_direct_and_reject_routes() {
        let mut fib = fib();
        let mut host = rt([10, 3, 0, 5], [255, 0, 0, 0], None, RTF_HOST);
        host.dev = Some(b"d0");
        ip_rt_ioctl(RtIoctl::Add, &host, &mut fib, port_of).unwrap();
        let r = *fib.lookup(Ipv4Addr::new(10, 3, 0, 5), None).unwrap();
        assert_eq!((r.prefix_len, r.scope, r.port), (32, Scope::Link, Some(D0)));
        let reject = rt([10, 4, 0, 0], [255, 255, 0, 0], None, RTF_REJECT);
        ip_rt_ioctl(RtIoctl::Add, &reject, &mut fib, port_of).unwrap();
        assert!(main_routes(&fib)
            .iter()
            .any(|r| r.kind == RouteType::Unreachable && r.scope == Scope::Host));
        ip_rt_ioctl(RtIoctl::Del, &reject, &mut fib, port_of).unwrap();
        // A unicast key does not delete a reject route.
        ip_rt_ioctl(RtIoctl::Add, &reject, &mut fib, port_of).unwrap();
        let plain = rt([10, 4, 0, 0], [255, 255, 0, 0], None, 0);
        assert_eq!(
            ip_rt_ioctl(RtIoctl::Del, &plain, &mut fib, port_of),
            Err(Errno::Esrch)
        );
    }

    #[test]
    fn bad_rtentries_get_linux_errors_and_change_nothing() {
        let mut fib = fib();
        let before = main_routes(&fib);
        let gw = RTF_GATEWAY;
        let mut cases: Vec<(RtEntry<'_>, Errno)> = Vec::new();
        let mut v6 = rt([10, 5, 0, 0], [255, 255, 0, 0], None, 0);
        v6.dst.family = 10;
        cases.push((v6, Errno::Eafnosupport));
        let mut mask_family = rt([10, 5, 0, 0], [255, 255, 0, 0], None, 0);
        mask_family.genmask.family = 0;
        cases.push((mask_family, Errno::Eafnosupport));
        cases.push((rt([10, 5, 0, 0], [255, 0, 255, 0], None, 0), Errno::Einval));
        cases.push((rt([10, 5, 0, 1], [255, 255, 0, 0], None, 0), Errno::Einval));
        let mut nodev = rt([10, 5, 0, 0], [255, 255, 0, 0], None, 0);
        nodev.dev = Some(b"nosuch");
        cases.push((nodev, Errno::Enodev));
        let mut label = rt([10, 5, 0, 0], [255, 255, 0, 0], None, 0);
        label.dev = Some(b"d0:1");
        cases.push((label, Errno::Enodev));
        cases.push((rt([10, 5, 0, 0], [255, 255, 0, 0], None, gw), Errno::Einval));
        cases.push((
            rt([10, 5, 0, 0], [255, 255, 0, 0], Some([10, 9, 9, 9]), gw),
            Errno::Enetunreach,
        ));
        for (e, errno) in cases {
            assert_eq!(
                ip_rt_ioctl(RtIoctl::Add, &e, &mut fib, port_of),
                Err(errno),
                "{e:?}"
            );
        }
        assert_eq!(main_routes(&fib), before);
        // A zero mask of family 0 is a default route, as Linux allows.
        let mut default = rt([0; 4], [0; 4], Some([10, 1, 0, 254]), gw);
        default.genmask.family = 0;
        ip_rt_ioctl(RtIoctl::Add, &default, &mut fib, port_of).unwrap();
        let r = *fib.lookup(Ipv4Addr::new(8, 8, 8, 8), None).unwrap();
        assert_eq!((r.prefix_len, r.scope), (0, Scope::Universe));
    }
}

// SPDX-License-Identifier: GPL-2.0

//! The router's settings, with Linux's names and defaults: per port
//! ([`PortConf`], `net.ipv4.conf.<dev>.*`, `struct ipv4_devconf` of
//! net/ipv4/devinet.c) and per router ([`NetConf`], `net.ipv4.*`, the
//! `netns_ipv4` sysctls of net/ipv4/sysctl_net_ipv4.c and icmp.c).
//!
//! Linux combines a device's value with `conf.all`'s (`IN_DEV_ORCONF`,
//! `IN_DEV_MAXCONF`); ferroute has no `all`: a port's value is the value
//! that applies to it. A Linux router that behaves as a ferroute port with
//! `send_redirects` 0 needs `conf.all.send_redirects` 0 as well.

use crate::ipv4::errno::Errno;
use crate::ipv4::icmp::{ICMP_MSGS_BURST, ICMP_MSGS_PER_SEC, ICMP_RATEMASK};
use crate::ipv4::inetpeer::ICMP_RATELIMIT_MS;
use crate::ipv4::route::RpFilter;
use crate::ipv4::wire::ipv4::DEFAULT_TTL;

/// The settings of one port (`net.ipv4.conf.<dev>.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortConf {
    /// `forwarding`: packets received on the port for other hosts are
    /// forwarded. Off: they are dropped as `ip_route_input_slow` and
    /// `ip_error` drop them on a host (EHOSTUNREACH, counted InAddrErrors
    /// or InNoRoutes, no ICMP error). Default 1: ferroute is a router (a
    /// Linux router runs with `net.ipv4.ip_forward=1`, which sets it on
    /// every device).
    pub forwarding: bool,
    /// `rp_filter`: 0 no source validation (Linux's default), 1 strict, 2
    /// loose (RFC 3704), see [`RpFilter`].
    pub rp_filter: RpFilter,
    /// `send_redirects`: a packet that leaves by the port it came in on
    /// earns its source an ICMP redirect. Default 1.
    pub send_redirects: bool,
    /// `accept_local`: packets whose source is one of the router's own
    /// addresses are accepted. Default 0.
    pub accept_local: bool,
    /// `route_localnet`: 127/8 sources and destinations are not martians.
    /// Default 0.
    pub route_localnet: bool,
}

impl PortConf {
    /// Linux's defaults, with forwarding on.
    pub const DEFAULT: Self = Self {
        forwarding: true,
        rp_filter: RpFilter::Off,
        send_redirects: true,
        accept_local: false,
        route_localnet: false,
    };
}

impl Default for PortConf {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl RpFilter {
    /// The sysctl value (0, 1, 2).
    pub const fn as_u8(self) -> u8 {
        match self {
            RpFilter::Off => 0,
            RpFilter::Strict => 1,
            RpFilter::Loose => 2,
        }
    }

    /// The mode of a sysctl value; `EINVAL` above 2 (Linux takes any
    /// integer and treats every value but 0 and 1 as loose; ferroute
    /// refuses what would be a typo).
    pub const fn from_u8(v: u8) -> Result<Self, Errno> {
        match v {
            0 => Ok(RpFilter::Off),
            1 => Ok(RpFilter::Strict),
            2 => Ok(RpFilter::Loose),
            _ => Err(Errno::Einval),
        }
    }
}

/// The largest value of the settings Linux keeps in an `int`.
pub const INT_MAX: u32 = i32::MAX as u32;

/// The settings of one router (`net.ipv4.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetConf {
    /// `icmp_ratelimit`: the per-destination interval of rate-limited ICMP
    /// messages, in milliseconds (Linux's sysctl is in ms too); 0 turns the
    /// per-destination limit off. Default 1000.
    pub icmp_ratelimit: u32,
    /// `icmp_ratemask`: bit `t` set rate-limits ICMP type `t`. Default
    /// 6168 (0x1818: destination unreachable, source quench, time
    /// exceeded, parameter problem).
    pub icmp_ratemask: u32,
    /// `icmp_msgs_per_sec`: the global limit's rate. Default 1000.
    pub icmp_msgs_per_sec: u32,
    /// `icmp_msgs_burst`: the global limit's burst. Default 50.
    pub icmp_msgs_burst: u32,
    /// `icmp_echo_ignore_broadcasts`: echo and timestamp requests to a
    /// broadcast address are ignored. Default 1.
    pub icmp_echo_ignore_broadcasts: bool,
    /// `icmp_errors_use_inbound_ifaddr`: an error about a packet received
    /// for another host comes from the address of the port it came in on
    /// rather than the one route output picks. Default 0.
    pub icmp_errors_use_inbound_ifaddr: bool,
    /// `ip_default_ttl`: the TTL of the packets the router originates.
    /// Default 64; 1 to 255.
    pub ip_default_ttl: u8,
    /// ferroute's own: the UDP echo service (RFC 862) on port 7 of the
    /// router's addresses. Default 0 (off: a Linux router has no echo
    /// service; UDP to port 7 gets port unreachable as to any port).
    pub udp_echo: bool,
}

impl NetConf {
    /// Linux's defaults; the echo service off.
    pub const DEFAULT: Self = Self {
        icmp_ratelimit: ICMP_RATELIMIT_MS as u32,
        icmp_ratemask: ICMP_RATEMASK,
        icmp_msgs_per_sec: ICMP_MSGS_PER_SEC,
        icmp_msgs_burst: ICMP_MSGS_BURST,
        icmp_echo_ignore_broadcasts: true,
        icmp_errors_use_inbound_ifaddr: false,
        ip_default_ttl: DEFAULT_TTL,
        udp_echo: false,
    };

    /// Checks the settings as Linux's sysctl handlers do: the values Linux
    /// keeps in an `int` (`icmp_ratelimit`, `icmp_msgs_per_sec`,
    /// `icmp_msgs_burst`) at most [`INT_MAX`], `ip_default_ttl` 1 to 255
    /// (`proc_dointvec_minmax` with 1 and 255). Returns the name of the
    /// first bad one.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.icmp_ratelimit > INT_MAX {
            return Err("icmp_ratelimit");
        }
        if self.icmp_msgs_per_sec > INT_MAX {
            return Err("icmp_msgs_per_sec");
        }
        if self.icmp_msgs_burst > INT_MAX {
            return Err("icmp_msgs_burst");
        }
        if self.ip_default_ttl == 0 {
            return Err("ip_default_ttl");
        }
        Ok(())
    }
}

impl Default for NetConf {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_linuxs() {
        let n = NetConf::default();
        assert_eq!(
            (n.icmp_ratelimit, n.icmp_ratemask, n.icmp_msgs_per_sec),
            (1000, 6168, 1000)
        );
        assert_eq!(n.icmp_msgs_burst, 50);
        assert!(n.icmp_echo_ignore_broadcasts);
        assert!(!n.icmp_errors_use_inbound_ifaddr);
        assert_eq!(n.ip_default_ttl, 64);
        assert!(!n.udp_echo);
        let p = PortConf::default();
        assert!(p.forwarding && p.send_redirects);
        assert!(!p.accept_local && !p.route_localnet);
        assert_eq!(p.rp_filter, RpFilter::Off);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert_eq!(RpFilter::from_u8(2), Ok(RpFilter::Loose));
        assert_eq!(RpFilter::from_u8(3), Err(Errno::Einval));
        for v in 0..=2 {
            assert_eq!(RpFilter::from_u8(v).map(RpFilter::as_u8), Ok(v));
        }
        let ok = NetConf::default();
        assert_eq!(ok.validate(), Ok(()));
        let bad = NetConf {
            ip_default_ttl: 0,
            ..ok
        };
        assert_eq!(bad.validate(), Err("ip_default_ttl"));
        let bad = NetConf {
            icmp_msgs_burst: INT_MAX + 1,
            ..ok
        };
        assert_eq!(bad.validate(), Err("icmp_msgs_burst"));
        let bad = NetConf {
            icmp_ratelimit: u32::MAX,
            ..ok
        };
        assert_eq!(bad.validate(), Err("icmp_ratelimit"));
    }
}

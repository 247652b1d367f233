// SPDX-License-Identifier: GPL-2.0

//! The router's settings, with Linux's names and defaults: per port
//! ([`PortConf`], `net.ipv4.conf.<dev>.*`, `struct ipv4_devconf` of
//! net/ipv4/devinet.c) and per router ([`NetConf`], `net.ipv4.*`, the
//! `netns_ipv4` sysctls of net/ipv4/sysctl_net_ipv4.c and icmp.c).
//!
//! As in Linux, two pseudo-ports sit beside the ports: `all`, whose values
//! combine with each port's ([`PortConf::effective`]: `IN_DEV_ORCONF`,
//! `IN_DEV_MAXCONF`), and `default`, which new ports copy and whose
//! changes reach the ports that were not given their own value
//! ([`PortChange`], `devinet_copy_dflt_conf`, `inet_forward_change`).

use crate::ipv4::errno::Errno;
use crate::ipv4::icmp::{ICMP_MSGS_BURST, ICMP_MSGS_PER_SEC, ICMP_RATEMASK};
use crate::ipv4::igmp::IgmpTimers;
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

impl PortConf {
    /// The settings that apply to a port whose own are `self`, with `all`
    /// the `conf.all` values: `forwarding` is the port's own
    /// (`IN_DEV_FORWARD`), `rp_filter` the larger (`IN_DEV_MAXCONF`), the
    /// rest on if either is (`IN_DEV_ORCONF`).
    pub fn effective(&self, all: &PortConf) -> PortConf {
        let rp_filter = if all.rp_filter.as_u8() > self.rp_filter.as_u8() {
            all.rp_filter
        } else {
            self.rp_filter
        };
        PortConf {
            forwarding: self.forwarding,
            rp_filter,
            send_redirects: self.send_redirects || all.send_redirects,
            accept_local: self.accept_local || all.accept_local,
            route_localnet: self.route_localnet || all.route_localnet,
        }
    }
}

/// Which of a port's settings were given a value of its own
/// (`ipv4_devconf.state`): a change of `conf.default` leaves those alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfMask(u8);

impl ConfMask {
    /// Every setting: what a port has once it was given an address
    /// (`ipv4_devconf_setall` in `rtm_to_ifaddr`).
    pub const ALL: Self = Self(0x1f);
    const FORWARDING: u8 = 1 << 0;
    const RP_FILTER: u8 = 1 << 1;
    const SEND_REDIRECTS: u8 = 1 << 2;
    const ACCEPT_LOCAL: u8 = 1 << 3;
    const ROUTE_LOCALNET: u8 = 1 << 4;

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// A change of port settings (`ferctl port set`); `None` leaves a setting
/// as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortChange {
    /// `forwarding`.
    pub forwarding: Option<bool>,
    /// `rp_filter`.
    pub rp_filter: Option<RpFilter>,
    /// `send_redirects`.
    pub send_redirects: Option<bool>,
    /// `accept_local`.
    pub accept_local: Option<bool>,
    /// `route_localnet`.
    pub route_localnet: Option<bool>,
}

impl PortChange {
    /// Whether the change changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Sets the values it carries in `c`, those whose bit is in `skip`
    /// left alone.
    fn apply_except(&self, c: &mut PortConf, skip: ConfMask) {
        fn set<T: Copy>(dst: &mut T, v: Option<T>, skip: bool) {
            if let (Some(v), false) = (v, skip) {
                *dst = v;
            }
        }
        set(
            &mut c.forwarding,
            self.forwarding,
            skip.has(ConfMask::FORWARDING),
        );
        set(
            &mut c.rp_filter,
            self.rp_filter,
            skip.has(ConfMask::RP_FILTER),
        );
        set(
            &mut c.send_redirects,
            self.send_redirects,
            skip.has(ConfMask::SEND_REDIRECTS),
        );
        set(
            &mut c.accept_local,
            self.accept_local,
            skip.has(ConfMask::ACCEPT_LOCAL),
        );
        set(
            &mut c.route_localnet,
            self.route_localnet,
            skip.has(ConfMask::ROUTE_LOCALNET),
        );
    }

    /// The settings it carries, as a mask.
    fn mask(&self) -> ConfMask {
        let bit = |set: bool, b: u8| if set { b } else { 0 };
        ConfMask(
            bit(self.forwarding.is_some(), ConfMask::FORWARDING)
                | bit(self.rp_filter.is_some(), ConfMask::RP_FILTER)
                | bit(self.send_redirects.is_some(), ConfMask::SEND_REDIRECTS)
                | bit(self.accept_local.is_some(), ConfMask::ACCEPT_LOCAL)
                | bit(self.route_localnet.is_some(), ConfMask::ROUTE_LOCALNET),
        )
    }

    /// A port's own change (a write to `conf.<dev>.*`): its values become
    /// the port's own.
    pub fn apply_to_port(&self, c: &mut PortConf, own: &mut ConfMask) {
        self.apply_except(c, ConfMask::default());
        own.0 |= self.mask().0;
    }

    /// A change of `conf.all` (`all`), reaching `ports` (each with its
    /// settings and own mask) and `default` as Linux's sysctls do: all's
    /// `forwarding` is written to every port and to `default`
    /// (`inet_forward_change`, which marks it the ports' own); the other
    /// values stay in `all` and combine with each port's
    /// ([`PortConf::effective`]).
    pub fn apply_to_all<'a>(
        &self,
        all: &mut PortConf,
        default: &mut PortConf,
        ports: impl Iterator<Item = (&'a mut PortConf, &'a mut ConfMask)>,
    ) {
        self.apply_except(all, ConfMask::default());
        if let Some(f) = self.forwarding {
            default.forwarding = f;
            for (c, own) in ports {
                c.forwarding = f;
                own.0 |= ConfMask::FORWARDING;
            }
        }
    }

    /// A change of `conf.default`: new ports start from it, and each value
    /// but `forwarding` is copied to every port that has no value of its
    /// own for it (`devinet_copy_dflt_conf`; `forwarding` has its own
    /// handler, `devinet_sysctl_forward`, which copies nothing). A port
    /// that was given an address has all its values as its own
    /// ([`ConfMask::ALL`]). `default_own` marks the values written to
    /// `default` (but `forwarding`): a new port copies them with the values
    /// (`inetdev_init` copies the whole `ipv4_devconf`, its `state` too), so
    /// they are its own from the start.
    pub fn apply_to_default<'a>(
        &self,
        default: &mut PortConf,
        default_own: &mut ConfMask,
        ports: impl Iterator<Item = (&'a mut PortConf, &'a mut ConfMask)>,
    ) {
        self.apply_except(default, ConfMask::default());
        let copied = PortChange {
            forwarding: None,
            ..*self
        };
        default_own.0 |= copied.mask().0;
        for (c, own) in ports {
            copied.apply_except(c, *own);
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
    /// ferroute's own (the bridge's `multicast_querier`): the router is
    /// the IGMP querier on its VIFs. Default 0, as the bridge's.
    pub igmp_querier: bool,
    /// The querier's query interval (ms, 1 s to 31,744 s). Default 125 s.
    pub igmp_query_interval: u32,
    /// The query response interval (ms, 0.1 s to 3,174.4 s, below the
    /// query interval). Default 10 s.
    pub igmp_query_response_interval: u32,
    /// The last member query interval (ms, 0.1 s to 3,174.4 s). Default
    /// 1 s.
    pub igmp_last_member_interval: u32,
    /// The robustness variable (1 to 7). Default 2.
    pub igmp_robustness: u8,
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
        igmp_querier: false,
        igmp_query_interval: IgmpTimers::DEFAULT.query_interval,
        igmp_query_response_interval: IgmpTimers::DEFAULT.query_response_interval,
        igmp_last_member_interval: IgmpTimers::DEFAULT.last_member_interval,
        igmp_robustness: IgmpTimers::DEFAULT.robustness,
    };

    /// The IGMP querier's variables.
    pub fn igmp_timers(&self) -> IgmpTimers {
        IgmpTimers {
            query_interval: self.igmp_query_interval,
            query_response_interval: self.igmp_query_response_interval,
            last_member_interval: self.igmp_last_member_interval,
            robustness: self.igmp_robustness,
        }
    }

    /// Checks the settings as Linux's sysctl handlers do: the values Linux
    /// keeps in an `int` (`icmp_ratelimit`, `icmp_msgs_per_sec`,
    /// `icmp_msgs_burst`) at most [`INT_MAX`], `ip_default_ttl` 1 to 255
    /// (`proc_dointvec_minmax` with 1 and 255); the IGMP querier's within
    /// what its messages can carry. Returns the name of the first bad one.
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
        // The largest the IGMPv3 codes carry: QQIC 31,744 s, max
        // response code 3,174.4 s.
        if !(1_000..=31_744_000).contains(&self.igmp_query_interval) {
            return Err("igmp_query_interval");
        }
        if !(100..=3_174_400).contains(&self.igmp_query_response_interval)
            || self.igmp_query_response_interval >= self.igmp_query_interval
        {
            return Err("igmp_query_response_interval");
        }
        if !(100..=3_174_400).contains(&self.igmp_last_member_interval) {
            return Err("igmp_last_member_interval");
        }
        if !(1..=7).contains(&self.igmp_robustness) {
            return Err("igmp_robustness");
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
    fn all_combines_as_linux_does() {
        let d = PortConf::DEFAULT;
        let quiet = PortConf {
            send_redirects: false,
            forwarding: false,
            ..d
        };
        // all.send_redirects is 1 by default: a port's 0 alone changes
        // nothing (IN_DEV_ORCONF), forwarding is the port's own.
        let e = quiet.effective(&d);
        assert!(e.send_redirects && !e.forwarding);
        assert!(!quiet.effective(&quiet).send_redirects);
        // rp_filter: the larger of the two.
        let strict = PortConf {
            rp_filter: RpFilter::Strict,
            ..d
        };
        let loose = PortConf {
            rp_filter: RpFilter::Loose,
            ..d
        };
        assert_eq!(strict.effective(&loose).rp_filter, RpFilter::Loose);
        assert_eq!(d.effective(&strict).rp_filter, RpFilter::Strict);
        assert_eq!(strict.effective(&d).rp_filter, RpFilter::Strict);
        let local = PortConf {
            accept_local: true,
            route_localnet: true,
            ..d
        };
        assert!(d.effective(&local).accept_local && d.effective(&local).route_localnet);
    }

    #[test]
    fn default_reaches_ports_without_their_own_value() {
        let (mut default, mut default_own) = (PortConf::DEFAULT, ConfMask::default());
        let (mut a, mut a_own) = (PortConf::DEFAULT, ConfMask::default());
        let (mut b, mut b_own) = (PortConf::DEFAULT, ConfMask::default());
        // b's rp_filter is its own.
        PortChange {
            rp_filter: Some(RpFilter::Off),
            ..Default::default()
        }
        .apply_to_port(&mut b, &mut b_own);
        PortChange {
            rp_filter: Some(RpFilter::Strict),
            accept_local: Some(true),
            forwarding: Some(false),
            ..Default::default()
        }
        .apply_to_default(
            &mut default,
            &mut default_own,
            [(&mut a, &mut a_own), (&mut b, &mut b_own)].into_iter(),
        );
        assert_eq!(default.rp_filter, RpFilter::Strict);
        assert!(!default.forwarding);
        assert_eq!(a.rp_filter, RpFilter::Strict);
        assert_eq!(b.rp_filter, RpFilter::Off);
        assert!(a.accept_local && b.accept_local);
        // default.forwarding reaches no existing port, and is not marked.
        assert!(a.forwarding && b.forwarding);
        assert!(default_own.has(ConfMask::RP_FILTER) && !default_own.has(ConfMask::FORWARDING));
        // A port with an address keeps everything.
        let (mut c, mut c_own) = (PortConf::DEFAULT, ConfMask::ALL);
        PortChange {
            accept_local: Some(true),
            ..Default::default()
        }
        .apply_to_default(
            &mut default,
            &mut default_own,
            [(&mut c, &mut c_own)].into_iter(),
        );
        assert!(!c.accept_local);
    }

    #[test]
    fn all_forwarding_reaches_every_port_and_default() {
        let (mut all, mut default) = (PortConf::DEFAULT, PortConf::DEFAULT);
        let (mut a, mut a_own) = (PortConf::DEFAULT, ConfMask::default());
        PortChange {
            forwarding: Some(false),
            rp_filter: Some(RpFilter::Loose),
            ..Default::default()
        }
        .apply_to_all(&mut all, &mut default, [(&mut a, &mut a_own)].into_iter());
        assert!(!all.forwarding && !default.forwarding && !a.forwarding);
        // rp_filter stays in all; forwarding is now a's own.
        assert_eq!(a.rp_filter, RpFilter::Off);
        assert_eq!(a.effective(&all).rp_filter, RpFilter::Loose);
        assert!(a_own.has(ConfMask::FORWARDING));
        PortChange {
            forwarding: Some(true),
            ..Default::default()
        }
        .apply_to_default(
            &mut default,
            &mut ConfMask::default(),
            [(&mut a, &mut a_own)].into_iter(),
        );
        assert!(!a.forwarding);
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

    #[test]
    fn igmp_settings_are_checked() {
        let ok = NetConf::DEFAULT;
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(ok.igmp_timers(), IgmpTimers::DEFAULT);
        let bad = |f: fn(&mut NetConf)| {
            let mut n = NetConf::DEFAULT;
            f(&mut n);
            n.validate()
        };
        assert_eq!(
            bad(|n| n.igmp_query_interval = 999),
            Err("igmp_query_interval")
        );
        assert_eq!(
            bad(|n| n.igmp_query_response_interval = 125_000),
            Err("igmp_query_response_interval")
        );
        assert_eq!(
            bad(|n| n.igmp_last_member_interval = 99),
            Err("igmp_last_member_interval")
        );
        assert_eq!(bad(|n| n.igmp_robustness = 8), Err("igmp_robustness"));
        assert_eq!(bad(|n| n.igmp_robustness = 0), Err("igmp_robustness"));
    }
}

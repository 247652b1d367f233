// SPDX-License-Identifier: GPL-2.0

//! The router's settings over netlink: `port-set` changes a port's
//! ([`PortConf`], `net.ipv4.conf.<dev>.*`), `conf-get`/`conf-set` show and
//! change the router's ([`NetConf`], `net.ipv4.*`). A request changes only
//! the settings it carries. The policy checks only each attribute's type;
//! the ranges are checked here, so that a value out of range is EINVAL with
//! the extended ACK pointing at the attribute and naming the setting, as a
//! Linux sysctl write refuses it with EINVAL.

use super::netlink::{attr, bad_attr};
use super::{CtlError, Router};
use crate::abstractions::genetlink::{Message, Request};
use crate::abstractions::sync::Rtnl;
use crate::ipv4::devconf::{NetConf, PortChange, PortConf, INT_MAX};
use crate::ipv4::route::RpFilter;
use kernel::c_str;
use kernel::prelude::*;

/// A 0/1 attribute; EINVAL (with `msg`) for another value.
fn flag(req: &Request<'_>, ty: u16, msg: &'static CStr) -> Result<Option<bool>> {
    match req.attr(ty).and_then(|a| a.u8()) {
        None => Ok(None),
        Some(v @ (0 | 1)) => Ok(Some(v == 1)),
        Some(_) => Err(bad_attr(req, ty, msg)),
    }
}

/// The settings of a `port-set` request; EINVAL if it carries none.
pub(super) fn port_settings(req: &Request<'_>) -> Result<PortChange> {
    let rp_filter =
        match req.attr(attr::RP_FILTER).and_then(|a| a.u8()) {
            None => None,
            Some(v) => Some(RpFilter::from_u8(v).map_err(|_| {
                bad_attr(req, attr::RP_FILTER, c_str!("rp_filter must be 0, 1 or 2"))
            })?),
        };
    let s = PortChange {
        forwarding: flag(req, attr::FORWARDING, c_str!("forwarding must be 0 or 1"))?,
        rp_filter,
        send_redirects: flag(
            req,
            attr::SEND_REDIRECTS,
            c_str!("send_redirects must be 0 or 1"),
        )?,
        accept_local: flag(
            req,
            attr::ACCEPT_LOCAL,
            c_str!("accept_local must be 0 or 1"),
        )?,
        route_localnet: flag(
            req,
            attr::ROUTE_LOCALNET,
            c_str!("route_localnet must be 0 or 1"),
        )?,
    };
    if s.is_empty() {
        req.set_err_msg(c_str!("no setting to change"));
        return Err(EINVAL);
    }
    Ok(s)
}

/// The router settings of a `conf-set` request (`None`: unchanged).
#[derive(Default)]
pub(super) struct NetSettings {
    icmp_ratelimit: Option<u32>,
    icmp_ratemask: Option<u32>,
    icmp_msgs_per_sec: Option<u32>,
    icmp_msgs_burst: Option<u32>,
    icmp_echo_ignore_broadcasts: Option<bool>,
    icmp_errors_use_inbound_ifaddr: Option<bool>,
    ip_default_ttl: Option<u8>,
    udp_echo: Option<bool>,
    igmp_querier: Option<bool>,
    igmp_query_interval: Option<u32>,
    igmp_query_response_interval: Option<u32>,
    igmp_last_member_interval: Option<u32>,
    igmp_robustness: Option<u8>,
}

/// A u32 attribute Linux keeps in an `int` that may not be negative
/// (`proc_dointvec_minmax` with `SYSCTL_ZERO`): at most [`INT_MAX`].
fn int_attr(req: &Request<'_>, ty: u16, msg: &'static CStr) -> Result<Option<u32>> {
    match req.attr(ty).and_then(|a| a.u32()) {
        Some(v) if v > INT_MAX => Err(bad_attr(req, ty, msg)),
        v => Ok(v),
    }
}

/// A u32 attribute within `range`; EINVAL (with `msg`) outside it.
fn ranged(
    req: &Request<'_>,
    ty: u16,
    range: core::ops::RangeInclusive<u32>,
    msg: &'static CStr,
) -> Result<Option<u32>> {
    match req.attr(ty).and_then(|a| a.u32()) {
        Some(v) if !range.contains(&v) => Err(bad_attr(req, ty, msg)),
        v => Ok(v),
    }
}

/// The settings of a `conf-set` request; EINVAL if it carries none or a
/// value is out of range.
pub(super) fn net_settings(req: &Request<'_>) -> Result<NetSettings> {
    let s = NetSettings {
        icmp_ratelimit: int_attr(
            req,
            attr::ICMP_RATELIMIT,
            c_str!("icmp_ratelimit must be 0 to 2147483647"),
        )?,
        icmp_ratemask: req.attr(attr::ICMP_RATEMASK).and_then(|a| a.u32()),
        icmp_msgs_per_sec: int_attr(
            req,
            attr::ICMP_MSGS_PER_SEC,
            c_str!("icmp_msgs_per_sec must be 0 to 2147483647"),
        )?,
        icmp_msgs_burst: int_attr(
            req,
            attr::ICMP_MSGS_BURST,
            c_str!("icmp_msgs_burst must be 0 to 2147483647"),
        )?,
        icmp_echo_ignore_broadcasts: flag(
            req,
            attr::ICMP_ECHO_IGNORE_BROADCASTS,
            c_str!("icmp_echo_ignore_broadcasts must be 0 or 1"),
        )?,
        icmp_errors_use_inbound_ifaddr: flag(
            req,
            attr::ICMP_ERRORS_USE_INBOUND_IFADDR,
            c_str!("icmp_errors_use_inbound_ifaddr must be 0 or 1"),
        )?,
        ip_default_ttl: match req.attr(attr::IP_DEFAULT_TTL).and_then(|a| a.u8()) {
            Some(0) => {
                return Err(bad_attr(
                    req,
                    attr::IP_DEFAULT_TTL,
                    c_str!("ip_default_ttl must be 1 to 255"),
                ))
            }
            v => v,
        },
        udp_echo: flag(req, attr::UDP_ECHO, c_str!("udp_echo must be 0 or 1"))?,
        igmp_querier: flag(
            req,
            attr::IGMP_QUERIER,
            c_str!("igmp_querier must be 0 or 1"),
        )?,
        igmp_query_interval: ranged(
            req,
            attr::IGMP_QUERY_INTERVAL,
            1_000..=31_744_000,
            c_str!("igmp_query_interval must be 1000 to 31744000 (ms)"),
        )?,
        igmp_query_response_interval: ranged(
            req,
            attr::IGMP_QUERY_RESPONSE_INTERVAL,
            100..=3_174_400,
            c_str!("igmp_query_response_interval must be 100 to 3174400 (ms)"),
        )?,
        igmp_last_member_interval: ranged(
            req,
            attr::IGMP_LAST_MEMBER_INTERVAL,
            100..=3_174_400,
            c_str!("igmp_last_member_interval must be 100 to 3174400 (ms)"),
        )?,
        igmp_robustness: match req.attr(attr::IGMP_ROBUSTNESS).and_then(|a| a.u8()) {
            Some(v) if !(1..=7).contains(&v) => {
                return Err(bad_attr(
                    req,
                    attr::IGMP_ROBUSTNESS,
                    c_str!("igmp_robustness must be 1 to 7"),
                ))
            }
            v => v,
        },
    };
    let none = s.icmp_ratelimit.is_none()
        && s.icmp_ratemask.is_none()
        && s.icmp_msgs_per_sec.is_none()
        && s.icmp_msgs_burst.is_none()
        && s.icmp_echo_ignore_broadcasts.is_none()
        && s.icmp_errors_use_inbound_ifaddr.is_none()
        && s.ip_default_ttl.is_none()
        && s.udp_echo.is_none()
        && s.igmp_querier.is_none()
        && s.igmp_query_interval.is_none()
        && s.igmp_query_response_interval.is_none()
        && s.igmp_last_member_interval.is_none()
        && s.igmp_robustness.is_none();
    if none {
        req.set_err_msg(c_str!("no setting to change"));
        return Err(EINVAL);
    }
    Ok(s)
}

impl NetSettings {
    fn apply(&self, n: &mut NetConf) {
        let NetSettings {
            icmp_ratelimit,
            icmp_ratemask,
            icmp_msgs_per_sec,
            icmp_msgs_burst,
            icmp_echo_ignore_broadcasts,
            icmp_errors_use_inbound_ifaddr,
            ip_default_ttl,
            udp_echo,
            igmp_querier,
            igmp_query_interval,
            igmp_query_response_interval,
            igmp_last_member_interval,
            igmp_robustness,
        } = *self;
        n.icmp_ratelimit = icmp_ratelimit.unwrap_or(n.icmp_ratelimit);
        n.icmp_ratemask = icmp_ratemask.unwrap_or(n.icmp_ratemask);
        n.icmp_msgs_per_sec = icmp_msgs_per_sec.unwrap_or(n.icmp_msgs_per_sec);
        n.icmp_msgs_burst = icmp_msgs_burst.unwrap_or(n.icmp_msgs_burst);
        n.icmp_echo_ignore_broadcasts =
            icmp_echo_ignore_broadcasts.unwrap_or(n.icmp_echo_ignore_broadcasts);
        n.icmp_errors_use_inbound_ifaddr =
            icmp_errors_use_inbound_ifaddr.unwrap_or(n.icmp_errors_use_inbound_ifaddr);
        n.ip_default_ttl = ip_default_ttl.unwrap_or(n.ip_default_ttl);
        n.udp_echo = udp_echo.unwrap_or(n.udp_echo);
        n.igmp_querier = igmp_querier.unwrap_or(n.igmp_querier);
        n.igmp_query_interval = igmp_query_interval.unwrap_or(n.igmp_query_interval);
        n.igmp_query_response_interval =
            igmp_query_response_interval.unwrap_or(n.igmp_query_response_interval);
        n.igmp_last_member_interval =
            igmp_last_member_interval.unwrap_or(n.igmp_last_member_interval);
        n.igmp_robustness = igmp_robustness.unwrap_or(n.igmp_robustness);
    }
}

/// Puts a port's settings into a `port-get` entry.
pub(super) fn put_port_conf(m: &mut Message<'_>, c: &PortConf) -> Result {
    m.put_u8(attr::FORWARDING, u8::from(c.forwarding))?;
    m.put_u8(attr::RP_FILTER, c.rp_filter.as_u8())?;
    m.put_u8(attr::SEND_REDIRECTS, u8::from(c.send_redirects))?;
    m.put_u8(attr::ACCEPT_LOCAL, u8::from(c.accept_local))?;
    m.put_u8(attr::ROUTE_LOCALNET, u8::from(c.route_localnet))
}

impl Router {
    /// Changes the settings of the port named `name` (`port-set`), or of
    /// the pseudo-ports `all` and `default` as Linux's `conf.all` and
    /// `conf.default` (the names are reserved, as they are in
    /// /proc/sys/net/ipv4/conf).
    pub(super) fn port_set(
        &self,
        name: &[u8],
        set: &PortChange,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let ports = c.ports.iter_mut().map(|p| (&mut p.conf, &mut p.conf_own));
            match name {
                b"all" => set.apply_to_all(&mut c.conf_all, &mut c.conf_default, ports),
                b"default" => {
                    set.apply_to_default(&mut c.conf_default, &mut c.conf_default_own, ports)
                }
                _ => {
                    let id = c
                        .port_by_name(name)
                        .ok_or((ENODEV, c_str!("no such port")))?
                        .id;
                    for p in c.ports.iter_mut().filter(|p| p.id == id) {
                        set.apply_to_port(&mut p.conf, &mut p.conf_own);
                    }
                }
            }
            Ok(())
        })
    }

    /// Changes the router's settings (`conf-set`).
    pub(super) fn conf_set(&self, set: &NetSettings, rtnl: &Rtnl) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let mut n = c.net;
            set.apply(&mut n);
            // The policy and net_settings checked each value already; what
            // is left is the query response interval against the query
            // interval, which may come from different requests.
            n.validate().map_err(|name| {
                let msg = match name {
                    "igmp_query_response_interval" | "igmp_query_interval" => {
                        c_str!("igmp_query_response_interval must be below igmp_query_interval")
                    }
                    _ => c_str!("setting out of range"),
                };
                (EINVAL, msg)
            })?;
            c.net = n;
            Ok(())
        })
    }

    /// The router's settings, as the `conf-get` reply, with the `all` and
    /// `default` port settings in their nests.
    pub(super) fn conf_get(&self, m: &mut Message<'_>) -> Result {
        let (n, all, default) = self
            .with_config(|c| (c.net, c.conf_all, c.conf_default))
            .unwrap_or((NetConf::DEFAULT, PortConf::DEFAULT, PortConf::DEFAULT));
        m.nest(attr::CONF_ALL, |m| put_port_conf(m, &all))?;
        m.nest(attr::CONF_DEFAULT, |m| put_port_conf(m, &default))?;
        m.put_u32(attr::ICMP_RATELIMIT, n.icmp_ratelimit)?;
        m.put_u32(attr::ICMP_RATEMASK, n.icmp_ratemask)?;
        m.put_u32(attr::ICMP_MSGS_PER_SEC, n.icmp_msgs_per_sec)?;
        m.put_u32(attr::ICMP_MSGS_BURST, n.icmp_msgs_burst)?;
        m.put_u8(
            attr::ICMP_ECHO_IGNORE_BROADCASTS,
            u8::from(n.icmp_echo_ignore_broadcasts),
        )?;
        m.put_u8(
            attr::ICMP_ERRORS_USE_INBOUND_IFADDR,
            u8::from(n.icmp_errors_use_inbound_ifaddr),
        )?;
        m.put_u8(attr::IP_DEFAULT_TTL, n.ip_default_ttl)?;
        m.put_u8(attr::UDP_ECHO, u8::from(n.udp_echo))?;
        m.put_u8(attr::IGMP_QUERIER, u8::from(n.igmp_querier))?;
        m.put_u32(attr::IGMP_QUERY_INTERVAL, n.igmp_query_interval)?;
        m.put_u32(
            attr::IGMP_QUERY_RESPONSE_INTERVAL,
            n.igmp_query_response_interval,
        )?;
        m.put_u32(attr::IGMP_LAST_MEMBER_INTERVAL, n.igmp_last_member_interval)?;
        m.put_u8(attr::IGMP_ROBUSTNESS, n.igmp_robustness)
    }
}

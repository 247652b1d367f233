// SPDX-License-Identifier: GPL-2.0

//! The `ferroute` generic netlink family: the control plane ferctl and
//! ynl talk to (Documentation/netlink/specs/ferroute.yaml).
//!
//! Every change is an `admin` operation (CAP_NET_ADMIN, checked by the
//! genetlink core before the handler runs) and runs under RTNL, which is
//! what serializes writers of the router's configuration. Attributes are
//! validated strictly by the policy below before a handler sees them.

use crate::abstractions::genetlink::{Dump, Family, Op, Policy, Request};
use crate::abstractions::netdevice;
use crate::abstractions::sync::RtnlGuard;
use crate::ipv4::addr::Ipv4Addr;
use kernel::c_str;
use kernel::prelude::*;

/// Attribute numbers (the spec's `ferroute` attribute set).
pub mod attr {
    /// Linux ifindex of a port (u32).
    pub const IFINDEX: u16 = 1;
    /// Port name (string).
    pub const IFNAME: u16 = 2;
    /// IPv4 address (u32, network byte order).
    pub const ADDRESS: u16 = 3;
    /// Prefix length (u8, 0..=32).
    pub const PREFIXLEN: u16 = 4;
    /// Port kind (u8).
    pub const KIND: u16 = 5;
    /// MAC address (6 bytes).
    pub const MAC: u16 = 6;
    /// Counter name (string).
    pub const STAT_NAME: u16 = 7;
    /// Counter value (u64).
    pub const STAT_VALUE: u16 = 8;
    /// Neighbour state (u8).
    pub const NEIGH_STATE: u16 = 9;
    /// The router's port number (u32).
    pub const PORT_ID: u16 = 10;
}

/// Command numbers.
pub mod cmd {
    /// Attach a device (do, admin).
    pub const PORT_ADD: u8 = 1;
    /// Detach a port (do, admin).
    pub const PORT_DEL: u8 = 2;
    /// List ports (dump).
    pub const PORT_GET: u8 = 3;
    /// Add an address (do, admin).
    pub const ADDR_ADD: u8 = 4;
    /// Remove an address (do, admin).
    pub const ADDR_DEL: u8 = 5;
    /// List addresses (dump).
    pub const ADDR_GET: u8 = 6;
    /// List counters (dump).
    pub const STATS_GET: u8 = 7;
    /// List neighbours (dump).
    pub const NEIGH_GET: u8 = 8;
}

/// The `neigh-state` value of a neighbour state.
pub fn neigh_state(s: crate::ipv4::neigh::NudState) -> u8 {
    use crate::ipv4::neigh::NudState;
    match s {
        NudState::Incomplete => 1,
        NudState::Reachable => 2,
        NudState::Stale => 3,
        NudState::Failed => 4,
        NudState::Delay => 5,
        NudState::Probe => 6,
    }
}

/// IFNAMSIZ - 1.
const IFNAME_MAX: u16 = 15;

/// The family.
pub struct FerrouteFamily;

impl Family for FerrouteFamily {
    const NAME: &'static CStr = c_str!("ferroute");
    const VERSION: u32 = 1;
    const POLICY: &'static [Policy] = &[
        Policy::Reject,
        Policy::U32,
        Policy::NulString { max_len: IFNAME_MAX },
        Policy::U32,
        Policy::U8 { min: 0, max: 32 },
        Policy::U8 { min: 1, max: 2 },
        Policy::ExactLen { len: 6 },
        Policy::NulString { max_len: 63 },
        Policy::U64,
        Policy::U8 { min: 1, max: 6 },
        Policy::U32,
    ];
    const OPS: &'static [Op] = &[
        Op { cmd: cmd::PORT_ADD, dump: false, admin: true },
        Op { cmd: cmd::PORT_DEL, dump: false, admin: true },
        Op { cmd: cmd::PORT_GET, dump: true, admin: false },
        Op { cmd: cmd::ADDR_ADD, dump: false, admin: true },
        Op { cmd: cmd::ADDR_DEL, dump: false, admin: true },
        Op { cmd: cmd::ADDR_GET, dump: true, admin: false },
        Op { cmd: cmd::STATS_GET, dump: true, admin: false },
        Op { cmd: cmd::NEIGH_GET, dump: true, admin: false },
    ];

    fn doit(cmd: u8, req: &Request<'_>) -> Result {
        super::global::with_router_arc(|router| {
            let rtnl = RtnlGuard::lock();
            match cmd {
                cmd::PORT_ADD => {
                    let name = ifname(req)?;
                    let dev = netdevice::dev_get_by_name(&req.net(), name).ok_or_else(|| {
                        req.set_err_msg(c_str!("no such device in this network namespace"));
                        ENODEV
                    })?;
                    router.attach(&dev, &rtnl).map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                cmd::PORT_DEL => {
                    let name = ifname(req)?;
                    router
                        .detach_by_name(name.as_bytes(), &rtnl)
                        .inspect_err(|_| req.set_err_msg(c_str!("no such attached port")))
                }
                cmd::ADDR_ADD | cmd::ADDR_DEL => {
                    let name = ifname(req)?;
                    let addr = req.required(attr::ADDRESS)?.u32().ok_or(EINVAL)?;
                    let plen = req.required(attr::PREFIXLEN)?.u8().ok_or(EINVAL)?;
                    let addr = Ipv4Addr::from_octets(addr.to_ne_bytes());
                    let result = if cmd == cmd::ADDR_ADD {
                        router.addr_add(name.as_bytes(), addr, plen, &rtnl)
                    } else {
                        router.addr_del(name.as_bytes(), addr, plen, &rtnl)
                    };
                    result.map_err(|(e, msg)| {
                        req.set_err_msg(msg);
                        e
                    })
                }
                _ => Err(crate::abstractions::errno(crate::abstractions::bindings::EOPNOTSUPP)),
            }
        })
        .unwrap_or(Err(ENODEV))
    }

    fn dumpit(cmd: u8, dump: &mut Dump<'_>) -> Result {
        super::global::with_router(|router| match cmd {
            cmd::PORT_GET => router.dump_ports(dump),
            cmd::ADDR_GET => router.dump_addrs(dump),
            cmd::STATS_GET => router.dump_stats(dump),
            cmd::NEIGH_GET => router.dump_neighbours(dump),
            _ => Err(crate::abstractions::errno(crate::abstractions::bindings::EOPNOTSUPP)),
        })
        .unwrap_or(Err(ENODEV))
    }
}

/// The `ifname` attribute as a C string, required.
fn ifname<'a>(req: &Request<'a>) -> Result<&'a CStr> {
    let a = req.required(attr::IFNAME)?;
    // The policy (NLA_NUL_STRING) guarantees a NUL within the payload.
    CStr::from_bytes_with_nul(a.bytes())
        .or_else(|_| {
            let b = a.bytes();
            let end = b.iter().position(|&c| c == 0).ok_or(EINVAL)?;
            CStr::from_bytes_with_nul(&b[..=end]).map_err(|_| EINVAL)
        })
}

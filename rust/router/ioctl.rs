// SPDX-License-Identifier: GPL-2.0

//! `/dev/ferroute`: the legacy route ioctls `SIOCADDRT` and `SIOCDELRT`
//! (what net-tools' `route add` sends to an `AF_INET` socket), acting on
//! the router of the namespace the file was opened in (as a socket's
//! ioctls act on its namespace), with a `struct rtentry` converted as
//! `ip_rt_ioctl` does
//! ([`crate::ipv4::fib::rtentry`]).

use super::{errno_of, router_arc, CtlError, Router};
use crate::abstractions::miscdev::{self, IoctlHandler, RtEntry, SockAddrIn};
use crate::abstractions::netdevice::Net;
use crate::abstractions::sync::{Rtnl, RtnlGuard};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::fib::rtentry::{self, RtIoctl, SockAddr};
use kernel::c_str;
use kernel::prelude::*;
use kernel::uaccess::UserPtr;

/// The ioctl handler of `/dev/ferroute`.
pub struct RouteIoctl;

impl IoctlHandler for RouteIoctl {
    fn ioctl(net: &Net<'_>, cmd: u32, arg: UserPtr, compat: bool) -> Result<i32> {
        let which = match cmd {
            miscdev::SIOCADDRT => RtIoctl::Add,
            miscdev::SIOCDELRT => RtIoctl::Del,
            _ => return Err(ENOTTY),
        };
        // inet_ioctl copies the rtentry before ip_rt_ioctl checks the
        // capability: EFAULT comes first. A 32-bit caller's rtentry is
        // converted as inet_compat_routing_ioctl does.
        let rt = if compat {
            RtEntry::read_from_user_compat(arg)?
        } else {
            RtEntry::read_from_user(arg)?
        };
        // ip_rt_ioctl: ns_capable(net->user_ns, CAP_NET_ADMIN), for the
        // namespace the file was opened in.
        if !net.ns_capable_net_admin() {
            return Err(EPERM);
        }
        let router = router_arc(net).ok_or(ENODEV)?;
        let rtnl = RtnlGuard::lock();
        router
            .route_ioctl(which, &rt, net, &rtnl)
            .map(|()| 0)
            .map_err(|(e, _)| e)
    }
}

fn sockaddr(s: SockAddrIn) -> SockAddr {
    SockAddr {
        family: s.family,
        addr: Ipv4Addr::from_octets(s.addr),
    }
}

impl Router {
    /// `ip_rt_ioctl`: adds or deletes the route `rt` describes.
    pub fn route_ioctl(
        &self,
        cmd: RtIoctl,
        rt: &RtEntry,
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        let dev = rt.dev.as_ref().map(|name| {
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            &name[..end]
        });
        let entry = rtentry::RtEntry {
            dst: sockaddr(rt.dst),
            gateway: sockaddr(rt.gateway),
            genmask: sockaddr(rt.genmask),
            flags: rt.flags,
            metric: rt.metric,
            dev,
        };
        // The prefix the request names (a bad mask fails the change, which
        // then announces nothing).
        let plen = if entry.flags & rtentry::RTF_HOST != 0 {
            32
        } else {
            crate::ipv4::addr::mask_len(entry.genmask.addr.to_bits()).unwrap_or(32)
        };
        let key = [(crate::ipv4::fib::RT_TABLE_MAIN, entry.dst.addr, plen)];
        let announce = |n: &mut super::monitor::Announcements<'_, '_>,
                        old: &super::Config,
                        new: &super::Config| n.routes(old, new, &key, false);
        self.update_config_announced(
            rtnl,
            net,
            |c| {
                // The ports and the FIB are borrowed apart: names resolve as
                // for every other request (Config::port_by_name).
                let (ports, netns) = (c.ports.as_slice(), c.netns);
                let port_of = |n: &[u8]| super::port::port_named(ports, netns, n).map(|p| p.id);
                rtentry::ip_rt_ioctl(cmd, &entry, &mut c.fib, port_of).map_err(|e| {
                    let msg = match e {
                        Errno::Esrch => c_str!("no such route"),
                        Errno::Eexist => c_str!("route already exists"),
                        _ => c_str!("bad rtentry"),
                    };
                    (errno_of(e), msg)
                })
            },
            announce,
        )
    }
}

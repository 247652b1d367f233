// SPDX-License-Identifier: GPL-2.0

//! Notifications of changes to the router's configuration, on the
//! family's multicast groups ([`crate::uapi::mcgrp`]): what `ferctl
//! monitor` and ynl's `--subscribe` print, as `ip monitor` prints
//! rtnetlink's `RTM_NEWROUTE`/`RTM_DELROUTE` and friends.
//!
//! A change is described by comparing the configuration before it with the
//! one after it, limited to what the change can touch (the prefixes of a
//! route request, the routes an address makes), so that a notification
//! says exactly what a dump would now show differently: the route an
//! `append` added behind others, the local and broadcast routes of an
//! address, the routes an address's removal took along. The notifications
//! are built before the new configuration is published and sent right
//! after it, so a listener that reacts to one with a dump sees the change.
//! Nothing is built when nobody listens.
//!
//! As in Linux, routes that disappear with a flush (a port going away,
//! next hops that died) are not announced one by one (`fib_table_flush`
//! does not call `rtmsg_fib`); the port's removal is.

use super::port::Port;
use super::{put_addr, put_port, Config};
use crate::abstractions::genetlink::{FamilyHandle, McGroup, Message, Notification};
use crate::abstractions::netdevice::Net;
use crate::abstractions::rcu::ReadGuard;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::fib::{FibAlias, RT_TABLE_LOCAL, RT_TABLE_MAIN};
use crate::ipv4::neigh::{NeighInfo, NudState};
use crate::ipv4::wire::ethernet::MacAddr;
use crate::platform::{GfpKernel, TryVec};
use crate::uapi::{cmd, mcgrp};
use kernel::c_str;
use kernel::prelude::*;

/// The family's multicast groups, numbered as [`crate::uapi::mcgrp`].
pub(super) const GROUPS: &[McGroup] = &[
    McGroup {
        name: c_str!("port"),
        admin: false,
    },
    McGroup {
        name: c_str!("addr"),
        admin: false,
    },
    McGroup {
        name: c_str!("route"),
        admin: false,
    },
    McGroup {
        name: c_str!("rule"),
        admin: false,
    },
    McGroup {
        name: c_str!("neigh"),
        admin: false,
    },
    McGroup {
        name: c_str!("mroute"),
        admin: true,
    },
];

/// Where the registered family is found when a change is announced.
pub(super) static FAMILY: FamilyHandle = FamilyHandle::new();

/// The notifications of one change, sent together once it is visible.
pub(super) struct Announcements<'n, 'a> {
    net: &'n Net<'a>,
    notes: TryVec<Notification, GfpKernel>,
}

impl<'n, 'a> Announcements<'n, 'a> {
    /// No notifications yet, for listeners in `net`.
    pub(super) fn new(net: &'n Net<'a>) -> Self {
        Self {
            net,
            notes: TryVec::new(),
        }
    }

    /// Whether anyone in the namespace listens to `group`.
    pub(super) fn listening(&self, group: u32) -> bool {
        FAMILY.has_listeners(self.net, group)
    }

    /// Adds a notification of `cmd` to `group` that `fill` writes. One that
    /// cannot be built (no memory) is lost, as a listener's overrun loses
    /// messages; the change itself stands.
    fn add(&mut self, group: u32, cmd: u8, fill: impl FnMut(&mut Message<'_>) -> Result) {
        if let Ok(Some(n)) = FAMILY.prepare(self.net, group, cmd, fill) {
            // A push that fails drops (frees) the notification.
            let _ = self.notes.try_push(n);
        }
    }

    /// Sends every notification, in the order they were added.
    pub(super) fn send(self) {
        let mut notes = self.notes;
        // A handful per change: taking them from the front keeps the order.
        while let Some(n) = notes.remove(0) {
            n.send(self.net);
        }
    }

    /// The routes of the prefixes `keys` (table, destination, length) that
    /// `old` does not have (added) and that `new` no longer has (deleted),
    /// compared as a dump shows them. With `replace`, only the new route
    /// is announced, as `fib_table_insert` sends one `RTM_NEWROUTE` with
    /// `NLM_F_REPLACE` for a replacement.
    pub(super) fn routes(
        &mut self,
        old: &Config,
        new: &Config,
        keys: &[(u32, Ipv4Addr, u8)],
        replace: bool,
    ) {
        if !self.listening(mcgrp::ROUTE) {
            return;
        }
        for &(table, dst, len) in keys {
            let table = if table == 0 { RT_TABLE_MAIN } else { table };
            let leaf = |c| aliases_at(c, table, dst, len);
            let has = |c, a| leaf(c).any(|b| same_route(a, b));
            if !replace {
                for a in leaf(old) {
                    if !has(new, a) {
                        self.add(mcgrp::ROUTE, cmd::ROUTE_DEL_NTF, |m| {
                            super::routes::put_route(old, m, a, a.route().table)
                        });
                    }
                }
            }
            for a in leaf(new) {
                if !has(old, a) {
                    self.add(mcgrp::ROUTE, cmd::ROUTE_NEW_NTF, |m| {
                        super::routes::put_route(new, m, a, a.route().table)
                    });
                }
            }
        }
    }

    /// The routes an address makes or made (`fib_add_ifaddr`,
    /// `fib_del_ifaddr`): its local route, its subnet's route and the
    /// broadcast routes, whichever changed.
    pub(super) fn ifaddr_routes(&mut self, old: &Config, new: &Config, addr: Ipv4Addr, len: u8) {
        let net = addr.network(len).unwrap_or(addr);
        let bcast = addr.subnet_broadcast(len).unwrap_or(addr);
        // fib_add_ifaddr's order: local, broadcast, subnet.
        let keys = [
            (RT_TABLE_LOCAL, addr, 32),
            (RT_TABLE_LOCAL, bcast, 32),
            (RT_TABLE_LOCAL, net, 32),
            (RT_TABLE_MAIN, net, len),
        ];
        self.routes(old, new, &keys, false);
    }

    /// The rules `new` has and `old` has not, and the other way round.
    pub(super) fn rules(&mut self, old: &Config, new: &Config) {
        if !self.listening(mcgrp::RULE) {
            return;
        }
        for r in old.fib.rules() {
            if !new.fib.rules().contains(r) {
                self.add(mcgrp::RULE, cmd::RULE_DEL_NTF, |m| {
                    super::rules::put_rule(old, m, r)
                });
            }
        }
        for r in new.fib.rules() {
            if !old.fib.rules().contains(r) {
                self.add(mcgrp::RULE, cmd::RULE_NEW_NTF, |m| {
                    super::rules::put_rule(new, m, r)
                });
            }
        }
    }

    /// The addresses `new` has and `old` has not, and the other way round.
    pub(super) fn addrs(&mut self, old: &Config, new: &Config) {
        if !self.listening(mcgrp::ADDR) {
            return;
        }
        for a in old.addrs.iter() {
            if !new.addrs.iter().any(|b| b == a) {
                self.add(mcgrp::ADDR, cmd::ADDR_DEL_NTF, |m| put_addr(old, m, a));
            }
        }
        for a in new.addrs.iter() {
            if !old.addrs.iter().any(|b| b == a) {
                self.add(mcgrp::ADDR, cmd::ADDR_NEW_NTF, |m| put_addr(new, m, a));
            }
        }
    }

    /// The ports `new` has and `old` has not, and the other way round.
    pub(super) fn ports(&mut self, old: &Config, new: &Config) {
        if !self.listening(mcgrp::PORT) {
            return;
        }
        for p in old.ports.iter() {
            if !new.ports.iter().any(|q| q.id == p.id) {
                self.add(mcgrp::PORT, cmd::PORT_DEL_NTF, |m| put_port(m, p));
            }
        }
        for p in new.ports.iter() {
            if !old.ports.iter().any(|q| q.id == p.id) {
                self.add(mcgrp::PORT, cmd::PORT_NEW_NTF, |m| put_port(m, p));
            }
        }
    }
}

/// The routes of prefix `dst/len` in table `table` of `c`.
fn aliases_at(c: &Config, table: u32, dst: Ipv4Addr, len: u8) -> impl Iterator<Item = &FibAlias> {
    c.fib
        .table(table)
        .and_then(|t| t.leaf(dst.to_bits(), len))
        .into_iter()
        .flat_map(|l| l.aliases())
}

/// Whether two routes are the same as a dump shows them: key, attributes
/// and next hops (not their dead marks, which a flush changes silently).
fn same_route(a: &FibAlias, b: &FibAlias) -> bool {
    a.route() == b.route() && a.num_paths() == b.num_paths() && a.nexthops().eq(b.nexthops())
}

/// Announces that the neighbour `ip` on `port` is now in `state` with
/// `mac` (`neigh_update_notify`), from the packet path. Only for a port
/// whose device is in the router's namespace, which is the one the
/// notification is for (a ferroute device moved elsewhere is not).
pub(super) fn neigh_changed(
    c: &Config,
    port: &Port,
    ip: Ipv4Addr,
    mac: Option<MacAddr>,
    state: NudState,
) {
    let guard = ReadGuard::new();
    let net = port.netdev().net(&guard);
    if net.inum() != c.netns {
        return;
    }
    let info = NeighInfo {
        port: port.id,
        addr: ip,
        mac,
        state,
        queued: 0,
    };
    let _ = FAMILY.notify(&net, mcgrp::NEIGH, cmd::NEIGH_NEW_NTF, |m| {
        super::put_neigh(c, m, &info)
    });
}

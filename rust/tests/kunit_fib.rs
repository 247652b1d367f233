// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the FIB built with the kernel's flags: longest-prefix
//! match, deletion, metrics, reject routes, policy rules, multipath spread,
//! a randomized comparison with a linear-scan oracle (as the host
//! proptests do), and lock-free readers on kernel threads while a writer
//! publishes new versions under RCU.
//!
//! The expected errors are those of the host tests
//! (rust/ipv4/fib/tests.rs, linux_tests.rs), which follow Linux.

use crate::abstractions::kthread::{cond_resched, schedule, Context, KThread};
use crate::abstractions::rcu::{RcuBox, ReadGuard};
use crate::abstractions::time::now_ms;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::fib::rules::DEFAULT_RULES;
use crate::ipv4::fib::{
    Fib, NextHop, NlFlags, Route, RouteProtocol, RouteSelector, RouteType, Rule, RuleAction,
    RuleSelector, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN,
};
use crate::ipv4::iface::{PortId, Scope};
use crate::kexpect;
use crate::kunit::Test;
use crate::platform::TryVec;
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::prelude::*;
use kernel::sync::Arc;

crate::kunit_suite!(
    ferroute_fib,
    "ferroute_fib",
    [
        longest_prefix_wins_at_every_boundary,
        delete_restores_the_shorter_match,
        lowest_metric_wins_and_duplicates_are_eexist,
        reject_routes_fail_with_their_errno,
        default_rules_are_local_main_default,
        rules_steer_by_source_mark_goto_and_actions,
        multipath_spreads_by_weight_and_keeps_flows,
        lookups_equal_a_linear_scan_oracle,
        readers_see_consistent_fibs_while_a_writer_publishes,
    ]
);

const P1: PortId = PortId(1);
const P2: PortId = PortId(2);
const P3: PortId = PortId(3);
const P4: PortId = PortId(4);
const P5: PortId = PortId(5);

fn a(o: [u8; 4]) -> Ipv4Addr {
    Ipv4Addr::from_octets(o)
}

/// A direct route in main: `ip route add DST/LEN dev PORT`.
fn unicast(dst: [u8; 4], len: u8, port: PortId) -> Route {
    Route {
        table: RT_TABLE_MAIN,
        dst: a(dst),
        prefix_len: len,
        kind: RouteType::Unicast,
        scope: Scope::Link,
        protocol: RouteProtocol::Boot,
        gateway: None,
        port: Some(port),
        prefsrc: None,
        metric: 0,
        tos: 0,
        mtu: 0,
        onlink: false,
    }
}

/// A reject route in main: `ip route add TYPE DST/LEN`.
fn reject(kind: RouteType, dst: [u8; 4], len: u8) -> Route {
    Route {
        kind,
        port: None,
        scope: Scope::Universe,
        ..unicast(dst, len, P1)
    }
}

/// The selector of `ip route del DST/LEN` in main.
fn sel(dst: [u8; 4], len: u8) -> RouteSelector {
    RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a(dst),
        prefix_len: len,
        ..Default::default()
    }
}

/// `fib_lookup` of `dst` (no source, port or mark): the prefix length and
/// output port of the answer.
fn fl(fib: &Fib, dst: Ipv4Addr) -> Result<(u8, Option<PortId>), Errno> {
    fib.fib_lookup(dst, Ipv4Addr::UNSPECIFIED, None, None, 0, 0)
        .map(|r| (r.route.prefix_len, r.nh.port))
}

/// `fib_lookup` of a flow: the answering table and output port.
fn flow(fib: &Fib, src: [u8; 4], dst: [u8; 4], mark: u32) -> Result<(u32, Option<PortId>), Errno> {
    fib.fib_lookup(a(dst), a(src), None, None, 0, mark)
        .map(|r| (r.route.table, r.nh.port))
}

/// /0, /8, /16, /24 and /32 nested in one another, on ports 1 to 5.
fn nested() -> Result<Fib, Errno> {
    let mut fib = Fib::new();
    fib.insert(unicast([0, 0, 0, 0], 0, P1))?;
    fib.insert(unicast([10, 0, 0, 0], 8, P2))?;
    fib.insert(unicast([10, 1, 0, 0], 16, P3))?;
    fib.insert(unicast([10, 1, 2, 0], 24, P4))?;
    fib.insert(unicast([10, 1, 2, 3], 32, P5))?;
    Ok(fib)
}

fn longest_prefix_wins_at_every_boundary(t: &mut Test) {
    let Ok(fib) = nested() else {
        kexpect!(t, false);
        return;
    };
    let at = |o| fl(&fib, a(o));
    // The /32 and its neighbours.
    kexpect!(t, at([10, 1, 2, 3]) == Ok((32, Some(P5))));
    kexpect!(t, at([10, 1, 2, 2]) == Ok((24, Some(P4))));
    kexpect!(t, at([10, 1, 2, 4]) == Ok((24, Some(P4))));
    // The /24's first and last address, and one outside each end.
    kexpect!(t, at([10, 1, 2, 0]) == Ok((24, Some(P4))));
    kexpect!(t, at([10, 1, 2, 255]) == Ok((24, Some(P4))));
    kexpect!(t, at([10, 1, 1, 255]) == Ok((16, Some(P3))));
    kexpect!(t, at([10, 1, 3, 0]) == Ok((16, Some(P3))));
    // The /16.
    kexpect!(t, at([10, 1, 0, 0]) == Ok((16, Some(P3))));
    kexpect!(t, at([10, 1, 255, 255]) == Ok((16, Some(P3))));
    kexpect!(t, at([10, 0, 255, 255]) == Ok((8, Some(P2))));
    kexpect!(t, at([10, 2, 0, 0]) == Ok((8, Some(P2))));
    // The /8.
    kexpect!(t, at([10, 0, 0, 0]) == Ok((8, Some(P2))));
    kexpect!(t, at([10, 255, 255, 255]) == Ok((8, Some(P2))));
    kexpect!(t, at([9, 255, 255, 255]) == Ok((0, Some(P1))));
    kexpect!(t, at([11, 0, 0, 0]) == Ok((0, Some(P1))));
    // The /0 covers both ends of the address space.
    kexpect!(t, at([0, 0, 0, 0]) == Ok((0, Some(P1))));
    kexpect!(t, at([255, 255, 255, 255]) == Ok((0, Some(P1))));
    kexpect!(t, fib.len() == 5);
}

fn delete_restores_the_shorter_match(t: &mut Test) {
    let Ok(mut fib) = nested() else {
        kexpect!(t, false);
        return;
    };
    let key = a([10, 1, 2, 3]);
    kexpect!(t, fl(&fib, key) == Ok((32, Some(P5))));
    let deleted = fib.delete(&sel([10, 1, 2, 3], 32));
    kexpect!(t, deleted.map(|r| r.port == Some(P5)) == Ok(true));
    kexpect!(t, fl(&fib, key) == Ok((24, Some(P4))));
    kexpect!(t, fib.delete(&sel([10, 1, 2, 0], 24)).is_ok());
    kexpect!(t, fl(&fib, key) == Ok((16, Some(P3))));
    kexpect!(t, fib.delete(&sel([10, 1, 0, 0], 16)).is_ok());
    kexpect!(t, fl(&fib, key) == Ok((8, Some(P2))));
    kexpect!(t, fib.delete(&sel([10, 0, 0, 0], 8)).is_ok());
    kexpect!(t, fl(&fib, key) == Ok((0, Some(P1))));
    kexpect!(t, fib.delete(&sel([0, 0, 0, 0], 0)).is_ok());
    // Nothing matches: fib_lookup's ENETUNREACH.
    kexpect!(t, fl(&fib, key) == Err(Errno::Enetunreach));
    kexpect!(t, fib.is_empty());
    // Deleting what is not there: fib_table_delete's ESRCH, also for a
    // table that does not exist, and for a prefix of the wrong length.
    kexpect!(t, fib.delete(&sel([10, 1, 2, 3], 32)) == Err(Errno::Esrch));
    let other_table = RouteSelector {
        table: 77,
        ..sel([10, 0, 0, 0], 8)
    };
    kexpect!(t, fib.delete(&other_table) == Err(Errno::Esrch));
    kexpect!(t, fib.insert(unicast([10, 0, 0, 0], 8, P2)).is_ok());
    kexpect!(t, fib.delete(&sel([10, 0, 0, 0], 9)) == Err(Errno::Esrch));
    kexpect!(t, fib.delete(&sel([10, 0, 0, 0], 8)).is_ok());
}

fn lowest_metric_wins_and_duplicates_are_eexist(t: &mut Test) {
    let mut fib = Fib::new();
    let m = |metric, port| Route {
        metric,
        ..unicast([10, 5, 0, 0], 16, port)
    };
    kexpect!(t, fib.insert(m(10, P1)).is_ok());
    kexpect!(t, fib.insert(m(5, P2)).is_ok());
    // Same prefix and metric: EEXIST, whatever the port.
    kexpect!(t, fib.insert(m(5, P1)) == Err(Errno::Eexist));
    kexpect!(t, fib.insert(m(5, P2)) == Err(Errno::Eexist));
    kexpect!(t, fl(&fib, a([10, 5, 1, 1])) == Ok((16, Some(P2))));
    // Bound to port 1, the metric 10 route answers.
    let bound = fib.fib_lookup(
        a([10, 5, 1, 1]),
        Ipv4Addr::UNSPECIFIED,
        None,
        Some(P1),
        0,
        0,
    );
    kexpect!(t, bound.map(|r| r.route.metric) == Ok(10));
    // Deleting by a metric no route has: ESRCH; by the right one: the
    // other route takes over.
    let by_metric = |metric| RouteSelector {
        metric: Some(metric),
        ..sel([10, 5, 0, 0], 16)
    };
    kexpect!(t, fib.delete(&by_metric(7)) == Err(Errno::Esrch));
    kexpect!(t, fib.delete(&by_metric(5)).map(|r| r.port) == Ok(Some(P2)));
    kexpect!(t, fl(&fib, a([10, 5, 1, 1])) == Ok((16, Some(P1))));
    // Invalid prefixes: host bits set, or longer than 32.
    kexpect!(
        t,
        fib.insert(unicast([10, 6, 0, 1], 16, P1)) == Err(Errno::Einval)
    );
    kexpect!(
        t,
        fib.insert(unicast([10, 6, 0, 0], 33, P1)) == Err(Errno::Einval)
    );
    // A routing type needs a port.
    let portless = Route {
        port: None,
        ..unicast([10, 6, 0, 0], 16, P1)
    };
    kexpect!(t, fib.insert(portless) == Err(Errno::Enodev));
}

fn reject_routes_fail_with_their_errno(t: &mut Test) {
    let mut fib = Fib::new();
    kexpect!(
        t,
        fib.insert(reject(RouteType::Blackhole, [10, 1, 0, 0], 16))
            .is_ok()
    );
    kexpect!(
        t,
        fib.insert(reject(RouteType::Unreachable, [10, 2, 0, 0], 16))
            .is_ok()
    );
    kexpect!(
        t,
        fib.insert(reject(RouteType::Prohibit, [10, 3, 0, 0], 16))
            .is_ok()
    );
    kexpect!(t, fib.insert(unicast([10, 0, 0, 0], 8, P1)).is_ok());
    kexpect!(t, fl(&fib, a([10, 1, 0, 1])) == Err(Errno::Einval));
    kexpect!(t, fl(&fib, a([10, 2, 0, 1])) == Err(Errno::Ehostunreach));
    kexpect!(t, fl(&fib, a([10, 3, 255, 255])) == Err(Errno::Eacces));
    // A reject route ends the walk even for a lookup bound to a port.
    let bound = fib.fib_lookup(
        a([10, 3, 0, 1]),
        Ipv4Addr::UNSPECIFIED,
        None,
        Some(P1),
        0,
        0,
    );
    kexpect!(t, bound.err() == Some(Errno::Eacces));
    // Just outside a reject route, the /8 answers.
    kexpect!(t, fl(&fib, a([10, 4, 0, 0])) == Ok((8, Some(P1))));
    // Fib::lookup returns the reject route itself.
    let r = fib.lookup(a([10, 2, 0, 1]), None);
    kexpect!(t, r.map(|r| r.kind) == Some(RouteType::Unreachable));
    // A reject route with a port is invalid.
    let with_port = Route {
        kind: RouteType::Blackhole,
        ..unicast([10, 5, 0, 0], 16, P1)
    };
    kexpect!(t, fib.insert(with_port) == Err(Errno::Einval));
    // A more specific unicast route inside a reject route wins.
    kexpect!(t, fib.insert(unicast([10, 2, 7, 0], 24, P2)).is_ok());
    kexpect!(t, fl(&fib, a([10, 2, 7, 1])) == Ok((24, Some(P2))));
    kexpect!(t, fl(&fib, a([10, 2, 8, 1])) == Err(Errno::Ehostunreach));
}

fn default_rules_are_local_main_default(t: &mut Test) {
    let mut fib = Fib::new();
    let prio: [(u32, RuleAction); 3] = [
        (0, RuleAction::ToTable(RT_TABLE_LOCAL)),
        (32766, RuleAction::ToTable(RT_TABLE_MAIN)),
        (32767, RuleAction::ToTable(RT_TABLE_DEFAULT)),
    ];
    let rules = fib.rules();
    kexpect!(t, rules.len() == 3);
    kexpect!(
        t,
        rules
            .iter()
            .zip(prio.iter())
            .all(|(r, (p, act))| r.priority == *p && r.action == *act)
    );
    kexpect!(t, rules == DEFAULT_RULES);
    kexpect!(t, fib.default_rule_pref() == 32765);
    // default is searched after main, local before both.
    let default_route = Route {
        table: RT_TABLE_DEFAULT,
        ..unicast([0, 0, 0, 0], 0, P3)
    };
    kexpect!(t, fib.insert(default_route).is_ok());
    kexpect!(
        t,
        flow(&fib, [0; 4], [8, 8, 8, 8], 0) == Ok((RT_TABLE_DEFAULT, Some(P3)))
    );
    kexpect!(t, fib.insert(unicast([0, 0, 0, 0], 0, P2)).is_ok());
    kexpect!(
        t,
        flow(&fib, [0; 4], [8, 8, 8, 8], 0) == Ok((RT_TABLE_MAIN, Some(P2)))
    );
    let local = Route {
        table: RT_TABLE_LOCAL,
        kind: RouteType::Local,
        scope: Scope::Host,
        ..unicast([8, 8, 8, 8], 32, P1)
    };
    kexpect!(t, fib.insert(local).is_ok());
    let r = fib.fib_lookup(a([8, 8, 8, 8]), Ipv4Addr::UNSPECIFIED, None, None, 0, 0);
    kexpect!(
        t,
        r.map(|r| (r.route.table, r.route.kind)) == Ok((RT_TABLE_LOCAL, RouteType::Local))
    );
    // Without the main rule, main is not searched.
    let main_rule = RuleSelector {
        priority: Some(32766),
        ..Default::default()
    };
    kexpect!(t, fib.del_rule(&main_rule).is_ok());
    kexpect!(
        t,
        flow(&fib, [0; 4], [8, 8, 4, 4], 0) == Ok((RT_TABLE_DEFAULT, Some(P3)))
    );
    kexpect!(t, fib.del_rule(&main_rule) == Err(Errno::Enoent));
}

fn rules_steer_by_source_mark_goto_and_actions(t: &mut Test) {
    let mut fib = Fib::new();
    kexpect!(t, fib.insert(unicast([0, 0, 0, 0], 0, P1)).is_ok());
    let in_table = |table, dst, len, port| Route {
        table,
        ..unicast(dst, len, port)
    };
    kexpect!(t, fib.insert(in_table(100, [10, 20, 0, 0], 16, P4)).is_ok());
    kexpect!(t, fib.insert(in_table(101, [0, 0, 0, 0], 0, P5)).is_ok());
    kexpect!(t, fib.insert(in_table(102, [0, 0, 0, 0], 0, P3)).is_ok());
    let local = Route {
        table: RT_TABLE_LOCAL,
        kind: RouteType::Local,
        scope: Scope::Host,
        ..unicast([10, 9, 0, 1], 32, P1)
    };
    kexpect!(t, fib.insert(local).is_ok());

    // ip rule add from 10.9.0.0/16 lookup 100
    let from = Rule {
        src: a([10, 9, 0, 0]),
        src_len: 16,
        ..Rule::new(100, RuleAction::ToTable(100))
    };
    kexpect!(t, fib.add_rule(from, true).is_ok());
    kexpect!(t, fib.add_rule(from, true) == Err(Errno::Eexist));
    kexpect!(
        t,
        flow(&fib, [10, 9, 1, 1], [10, 20, 1, 1], 0) == Ok((100, Some(P4)))
    );
    kexpect!(
        t,
        flow(&fib, [10, 9, 255, 255], [10, 20, 1, 1], 0) == Ok((100, Some(P4)))
    );
    kexpect!(
        t,
        flow(&fib, [10, 8, 255, 255], [10, 20, 1, 1], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    kexpect!(
        t,
        flow(&fib, [10, 10, 0, 0], [10, 20, 1, 1], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    // Table 100 has no route: the walk goes on to main.
    kexpect!(
        t,
        flow(&fib, [10, 9, 1, 1], [10, 30, 1, 1], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    // Rule 0 (local) comes first.
    let r = fib.fib_lookup(a([10, 9, 0, 1]), a([10, 9, 1, 1]), None, None, 0, 0);
    kexpect!(t, r.map(|r| r.route.kind) == Ok(RouteType::Local));

    // ip rule add fwmark 0x10/0xf0 lookup 101
    let mark = Rule {
        fwmark: 0x10,
        fwmask: 0xf0,
        ..Rule::new(200, RuleAction::ToTable(101))
    };
    kexpect!(t, fib.add_rule(mark, true).is_ok());
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [8, 8, 8, 8], 0x10) == Ok((101, Some(P5)))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [8, 8, 8, 8], 0x7e0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [8, 8, 8, 8], 0x11f) == Ok((101, Some(P5)))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [8, 8, 8, 8], 0x20) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [8, 8, 8, 8], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );

    // goto 400 skips the prohibit rule at 350.
    let to = |dst: [u8; 4], prio, action| Rule {
        dst: a(dst),
        dst_len: 16,
        ..Rule::new(prio, action)
    };
    kexpect!(
        t,
        fib.add_rule(to([10, 40, 0, 0], 300, RuleAction::Goto(400)), true)
            .is_ok()
    );
    kexpect!(
        t,
        fib.add_rule(to([10, 40, 0, 0], 350, RuleAction::Prohibit), true)
            .is_ok()
    );
    kexpect!(
        t,
        fib.add_rule(to([10, 40, 0, 0], 400, RuleAction::ToTable(102)), true)
            .is_ok()
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 40, 1, 1], 0) == Ok((102, Some(P3)))
    );
    // A goto backwards, and table 0, are invalid.
    kexpect!(
        t,
        fib.add_rule(Rule::new(450, RuleAction::Goto(400)), true) == Err(Errno::Einval)
    );
    kexpect!(
        t,
        fib.add_rule(Rule::new(450, RuleAction::ToTable(0)), true) == Err(Errno::Einval)
    );
    // Without the goto, the prohibit rule answers.
    let goto = RuleSelector {
        priority: Some(300),
        ..Default::default()
    };
    kexpect!(
        t,
        fib.del_rule(&goto).map(|r| r.action) == Ok(RuleAction::Goto(400))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 40, 1, 1], 0) == Err(Errno::Eacces)
    );
    kexpect!(t, fib.del_rule(&goto) == Err(Errno::Enoent));

    // Reject actions and nop.
    kexpect!(
        t,
        fib.add_rule(to([10, 50, 0, 0], 500, RuleAction::Unreachable), true)
            .is_ok()
    );
    kexpect!(
        t,
        fib.add_rule(to([10, 51, 0, 0], 510, RuleAction::Blackhole), true)
            .is_ok()
    );
    kexpect!(
        t,
        fib.add_rule(to([10, 60, 0, 0], 520, RuleAction::Nop), true)
            .is_ok()
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 50, 0, 1], 0) == Err(Errno::Enetunreach)
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 51, 0, 1], 0) == Err(Errno::Einval)
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 60, 0, 1], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    kexpect!(
        t,
        flow(&fib, [1, 1, 1, 1], [10, 52, 0, 1], 0) == Ok((RT_TABLE_MAIN, Some(P1)))
    );
    kexpect!(t, fib.rules().len() == 10);
    let prios = fib
        .rules()
        .windows(2)
        .all(|w| w[0].priority <= w[1].priority);
    kexpect!(t, prios);
}

/// Counts, over `flows` flows, how often `fib_lookup` picks each port, and
/// whether every flow picks the same next hop when asked again.
fn spread(fib: &Fib, flows: u32, key: impl Fn(u32) -> (Ipv4Addr, Ipv4Addr)) -> ([u32; 4], bool) {
    let mut per_port = [0u32; 4];
    let mut stable = true;
    for i in 0..flows {
        let (src, dst) = key(i);
        let first = fib
            .fib_lookup(dst, src, None, None, 0, 0)
            .map(|r| (r.nh_sel, r.nh.port));
        let again = fib
            .fib_lookup(dst, src, None, None, 0, 0)
            .map(|r| (r.nh_sel, r.nh.port));
        stable &= first == again;
        let port = first.ok().and_then(|(_, p)| p).map_or(0, |p| p.0 as usize);
        if let Some(c) = per_port.get_mut(port) {
            *c = c.saturating_add(1);
        }
    }
    (per_port, stable)
}

/// Whether `got` is within a fifth of `want`.
fn near(got: u32, want: u32) -> bool {
    got.abs_diff(want) <= want / 5
}

fn multipath_spreads_by_weight_and_keeps_flows(t: &mut Test) {
    let mut fib = Fib::new();
    let hop = |port, weight| NextHop {
        port: Some(port),
        weight,
        ..NextHop::default()
    };
    let route = |dst, len| Route {
        port: None,
        ..unicast(dst, len, P1)
    };
    kexpect!(
        t,
        fib.insert_route(route([0; 4], 0), &[hop(P1, 1), hop(P2, 3)], NlFlags::ADD)
            .is_ok()
    );
    let three = [hop(P1, 1), hop(P2, 2), hop(P3, 3)];
    kexpect!(
        t,
        fib.insert_route(route([10, 77, 0, 0], 16), &three, NlFlags::ADD)
            .is_ok()
    );
    // Weights must be 1..=256.
    let bad = fib.insert_route(route([10, 78, 0, 0], 16), &[hop(P1, 0)], NlFlags::ADD);
    kexpect!(t, bad == Err(Errno::Einval));
    let bad = fib.insert_route(route([10, 78, 0, 0], 16), &[hop(P1, 257)], NlFlags::ADD);
    kexpect!(t, bad == Err(Errno::Einval));

    // Weights 1 and 3: sources vary.
    let (n, stable) = spread(&fib, 4000, |i| {
        (Ipv4Addr::from_bits(0x0a00_0000 | i), a([198, 51, 100, 7]))
    });
    kexpect!(t, stable);
    kexpect!(t, n[0] == 0 && n[3] == 0);
    kexpect!(t, near(n[1], 1000) && near(n[2], 3000));

    // Weights 1, 2 and 3: sources and destinations vary.
    let (n, stable) = spread(&fib, 6000, |i| {
        let src = Ipv4Addr::from_bits(0xc000_0200 | (i & 0xff));
        let dst = Ipv4Addr::from_bits(0x0a4d_0000 | (i.wrapping_mul(7919) & 0xffff));
        (src, dst)
    });
    kexpect!(t, stable);
    kexpect!(t, n[0] == 0);
    kexpect!(t, near(n[1], 1000) && near(n[2], 2000) && near(n[3], 3000));

    // Bound to a port, the next hop on that port answers, whatever the flow.
    for i in 0..64u32 {
        let src = Ipv4Addr::from_bits(0x0a00_0000 | i);
        let r = fib.fib_lookup(a([10, 77, 1, 1]), src, None, Some(P2), 0, 0);
        kexpect!(t, r.map(|r| (r.nh_sel, r.nh.port)) == Ok((1, Some(P2))));
    }
}

/// A deterministic PRNG (xorshift32).
struct XorShift(u32);

impl XorShift {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// The oracle: of the routes holding `dst` that the lookup may use (reject
/// routes, or any route when not bound to a port, or the routes on `oif`),
/// the longest prefix, then the lowest metric (unique per prefix in a
/// table, as insertion refuses duplicates with EEXIST).
fn oracle(routes: &[Route], dst: Ipv4Addr, oif: Option<PortId>) -> Option<Route> {
    let usable =
        |r: &&Route| r.matches(dst) && (r.kind.error().is_some() || oif.is_none() || r.port == oif);
    routes
        .iter()
        .filter(usable)
        .min_by_key(|r| (u8::MAX - r.prefix_len, r.metric))
        .copied()
}

/// A random route within 10.0.0.0/12 (mostly /8 to /32, some shorter),
/// on ports 1 to 3, metric 0 to 2, a tenth of them each reject type.
fn random_route(rng: &mut XorShift) -> Route {
    let r = rng.next();
    let len = if r % 8 == 0 {
        (r >> 8) % 8
    } else {
        8 + (r >> 8) % 25
    } as u8;
    let addr = Ipv4Addr::from_bits(0x0a00_0000 | (rng.next() & 0x000f_ffff));
    let r = rng.next();
    let kind = match r % 10 {
        0 => RouteType::Unreachable,
        1 => RouteType::Blackhole,
        2 => RouteType::Prohibit,
        _ => RouteType::Unicast,
    };
    let route = Route {
        dst: addr.network(len).unwrap_or(addr),
        metric: (r >> 8) % 3,
        ..unicast([0; 4], len, PortId(1 + (r >> 16) % 3))
    };
    if kind == RouteType::Unicast {
        route
    } else {
        Route {
            kind,
            port: None,
            scope: Scope::Universe,
            ..route
        }
    }
}

/// Looks up `n` random keys (mostly in 10.0.0.0/12, some anywhere, half
/// bound to a port) in `fib` and in the oracle; returns the mismatches.
fn compare(fib: &Fib, routes: &[Route], rng: &mut XorShift, n: u32) -> u32 {
    let mut bad = 0u32;
    for i in 0..n {
        let r = rng.next();
        let dst = if i % 8 == 0 {
            Ipv4Addr::from_bits(r)
        } else {
            Ipv4Addr::from_bits(0x0a00_0000 | (r & 0x000f_ffff))
        };
        let oif = if i % 2 == 0 {
            None
        } else {
            Some(PortId(1 + rng.next() % 4))
        };
        if fib.lookup(dst, oif).copied() != oracle(routes, dst, oif) {
            bad = bad.saturating_add(1);
        }
    }
    bad
}

/// How many routes the oracle case inserts.
const ROUTES: usize = 300;

fn lookups_equal_a_linear_scan_oracle(t: &mut Test) {
    let mut rng = XorShift(0x2545_f491);
    let mut fib = Fib::new();
    let mut routes: TryVec<Route> = TryVec::new();
    let mut wrong_insert = 0u32;
    // Insert until ROUTES are in (duplicates are refused with EEXIST).
    for _ in 0..2000 {
        if routes.len() >= ROUTES {
            break;
        }
        let r = random_route(&mut rng);
        let dup = routes
            .iter()
            .any(|o| o.dst == r.dst && o.prefix_len == r.prefix_len && o.metric == r.metric);
        match fib.insert(r) {
            Ok(()) if !dup => {
                if routes.try_push(r).is_err() {
                    kexpect!(t, false);
                    return;
                }
            }
            Err(Errno::Eexist) if dup => {}
            _ => wrong_insert = wrong_insert.saturating_add(1),
        }
    }
    kexpect!(t, wrong_insert == 0);
    kexpect!(t, routes.len() == ROUTES && fib.len() == ROUTES);
    kexpect!(t, compare(&fib, &routes, &mut rng, 1500) == 0);

    // Delete every third route; the oracle follows.
    let mut wrong_delete = 0u32;
    let mut i = routes.len();
    while i > 0 {
        i -= 1;
        if i % 3 != 0 {
            continue;
        }
        let Some(r) = routes.remove(i) else {
            continue;
        };
        let s = RouteSelector {
            metric: Some(r.metric),
            ..sel(r.dst.octets(), r.prefix_len)
        };
        if fib.delete(&s) != Ok(r) || fib.delete(&s) != Err(Errno::Esrch) {
            wrong_delete = wrong_delete.saturating_add(1);
        }
    }
    kexpect!(t, wrong_delete == 0);
    kexpect!(t, fib.len() == routes.len());
    kexpect!(t, compare(&fib, &routes, &mut rng, 1500) == 0);
}

/// What the readers and the writer of the concurrency case share.
struct Race {
    fib: RcuBox<Fib>,
    lookups: [AtomicUsize; 2],
    violations: AtomicUsize,
}

/// The port of the churned route 172.16.`c`.0/24.
fn churn_port(c: u32) -> PortId {
    PortId(1 + c % 3)
}

/// One reader check against any published version: 192.0.2.1/32 (never
/// removed) answers; 10.1.5.0/24 (toggled inside the stable 10.1.0.0/16)
/// answers the /24 or the /16; the rest of the /16 answers the /16; a
/// churned 172.16.c.0/24 answers with its port or not at all.
fn reader_check(fib: &Fib, rng: &mut XorShift) -> bool {
    let r = rng.next();
    let stable = fl(fib, a([192, 0, 2, 1])) == Ok((32, Some(P3)));
    let toggled = fl(fib, Ipv4Addr::from_bits(0x0a01_0500 | (r & 0xff)));
    let toggled = toggled == Ok((24, Some(P2))) || toggled == Ok((16, Some(P1)));
    let outer = fl(fib, Ipv4Addr::from_bits(0x0a01_0600 | (r & 0xff))) == Ok((16, Some(P1)));
    let c = (r >> 8) & 0x3f;
    let churn = fl(
        fib,
        Ipv4Addr::from_bits(0xac10_0000 | (c << 8) | ((r >> 16) & 0xff)),
    );
    let churn = churn == Ok((24, Some(churn_port(c)))) || churn == Err(Errno::Enetunreach);
    stable && toggled && outer && churn
}

/// A reader thread: batches of checks under one read-side section each,
/// until stopped.
fn reader(race: &Race, i: usize, ctx: &Context) {
    let mut rng = XorShift(0x9e37_79b9 ^ i as u32);
    while !ctx.should_stop() {
        let mut done = 0usize;
        let mut bad = 0usize;
        {
            let g = ReadGuard::new();
            if let Some(fib) = race.fib.read(&g) {
                for _ in 0..32 {
                    if !reader_check(fib, &mut rng) {
                        bad = bad.saturating_add(1);
                    }
                    done = done.saturating_add(1);
                }
            }
        }
        if let Some(n) = race.lookups.get(i) {
            n.fetch_add(done, Ordering::Relaxed);
        }
        race.violations.fetch_add(bad, Ordering::Relaxed);
        // A context switch: the writer's grace periods need one per CPU.
        schedule();
    }
}

/// One writer step on the writer's own copy: toggle 10.1.5.0/24 on even
/// steps, add or remove a random 172.16.c.0/24 on odd ones.
fn write_step(fib: &mut Fib, step: u32, rng: &mut XorShift) -> Result<(), Errno> {
    let (dst, port) = if step % 2 == 0 {
        ([10, 1, 5, 0], P2)
    } else {
        let c = rng.next() & 0x3f;
        ([172, 16, c as u8, 0], churn_port(c))
    };
    match fib.delete(&sel(dst, 24)) {
        Ok(_) => Ok(()),
        Err(Errno::Esrch) => fib.insert(unicast(dst, 24, port)),
        Err(e) => Err(e),
    }
}

/// Copy-update-publish cycles at most: each waits for a grace period
/// (16 to 40 ms in the TCG VM), so the writer also stops after
/// [`WRITE_MS`], having done at least [`MIN_CYCLES`].
const CYCLES: u32 = 300;
/// The writer's time budget, in milliseconds.
const WRITE_MS: u64 = 2000;
/// The fewest cycles that make the case meaningful.
const MIN_CYCLES: u32 = 20;

fn readers_see_consistent_fibs_while_a_writer_publishes(t: &mut Test) {
    let mut mine = Fib::new();
    let base = [
        unicast([10, 1, 0, 0], 16, P1),
        unicast([10, 1, 5, 0], 24, P2),
        unicast([192, 0, 2, 1], 32, P3),
    ];
    for r in base {
        kexpect!(t, mine.insert(r).is_ok());
    }
    let race = Race {
        fib: RcuBox::empty(),
        lookups: [AtomicUsize::new(0), AtomicUsize::new(0)],
        violations: AtomicUsize::new(0),
    };
    let Ok(race) = Arc::new(race, GFP_KERNEL) else {
        kexpect!(t, false);
        return;
    };
    let publish = |fib: &Fib| -> Result<(), Errno> {
        let copy = KBox::new(fib.try_clone()?, GFP_KERNEL).map_err(|_| Errno::Enobufs)?;
        race.fib.replace(Some(copy));
        Ok(())
    };
    kexpect!(t, publish(&mine).is_ok());

    let start = |i: usize| {
        let race = race.clone();
        KThread::run(kernel::c_str!("ferroute_fibrd"), move |ctx: &Context| {
            reader(&race, i, ctx)
        })
    };
    let (Ok(r0), Ok(r1)) = (start(0), start(1)) else {
        kexpect!(t, false);
        return;
    };
    // Let both readers start before writing (bounded: TCG is slow).
    let t0 = now_ms();
    while race.lookups.iter().any(|n| n.load(Ordering::Relaxed) == 0)
        && now_ms().saturating_sub(t0) < 2000
    {
        cond_resched();
    }

    let mut rng = XorShift(0x1234_5678);
    let mut failed = 0u32;
    let mut cycles = 0u32;
    let t1 = now_ms();
    for step in 0..CYCLES {
        if step >= MIN_CYCLES && now_ms().saturating_sub(t1) >= WRITE_MS {
            break;
        }
        cycles = step.saturating_add(1);
        let next = mine.try_clone().and_then(|mut next| {
            write_step(&mut next, step, &mut rng)?;
            Ok(next)
        });
        match next {
            Ok(next) => {
                mine = next;
                if publish(&mine).is_err() {
                    failed = failed.saturating_add(1);
                }
            }
            Err(_) => failed = failed.saturating_add(1),
        }
    }
    let took = now_ms().saturating_sub(t1);
    let (ran0, ran1) = (r0.stop(), r1.stop());
    let n0 = race.lookups[0].load(Ordering::Relaxed);
    let n1 = race.lookups[1].load(Ordering::Relaxed);
    let violations = race.violations.load(Ordering::Relaxed);
    pr_info!(
        "kunit ferroute_fib: {cycles} publications in {took} ms; reader lookups {n0} and {n1}, violations {violations}\n"
    );
    kexpect!(t, failed == 0);
    kexpect!(t, cycles >= MIN_CYCLES);
    kexpect!(t, ran0 && ran1);
    kexpect!(t, n0 > 0 && n1 > 0);
    kexpect!(t, violations == 0);
    // The last version is the writer's.
    let g = ReadGuard::new();
    let same = race
        .fib
        .read(&g)
        .map(|f| f.len() == mine.len() && f.routes().eq(mine.routes()));
    kexpect!(t, same == Some(true));
}

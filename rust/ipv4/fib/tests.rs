// SPDX-License-Identifier: GPL-2.0

//! Tests of the FIB as a whole: Linux's behaviours, the rule walk over
//! real tables, multipath, and a linear-scan oracle.

use super::*;
use crate::ipv4::iface::{AddrTable, IfAddr};
use proptest::prelude::*;
use std::vec::Vec;

pub(super) const P1: PortId = PortId(1);
const P2: PortId = PortId(2);

/// `fib_lookup` with only a destination and an output port.
pub(super) fn fl(fib: &Fib, dst: Ipv4Addr, oif: Option<PortId>) -> Result<Route, Errno> {
    fib.fib_lookup(dst, Ipv4Addr::UNSPECIFIED, None, oif, 0, 0)
        .map(|r| Route {
            gateway: r.nh.gateway,
            port: r.nh.port,
            ..*r.route
        })
}

pub(super) fn a(o: [u8; 4]) -> Ipv4Addr {
    Ipv4Addr::from_octets(o)
}

pub(super) fn unicast(dst: [u8; 4], len: u8, port: PortId) -> Route {
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

pub(super) fn with_addr(
    fib: &mut Fib,
    addrs: &mut AddrTable,
    port: PortId,
    o: [u8; 4],
    len: u8,
) -> IfAddr {
    let ifa = IfAddr {
        port,
        addr: a(o),
        prefix_len: len,
    };
    addrs.add(ifa).unwrap();
    fib.add_ifaddr(&ifa, addrs, true).unwrap();
    ifa
}

#[test]
fn an_address_creates_local_connected_and_broadcast_routes() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
    let mut rs: Vec<Route> = fib.routes().copied().collect();
    rs.sort_by_key(|r| (std::cmp::Reverse(r.table), r.kind.as_u8()));
    assert_eq!(rs.len(), 3);
    assert_eq!(
        (rs[0].table, rs[0].kind, rs[0].scope),
        (RT_TABLE_LOCAL, RouteType::Local, Scope::Host)
    );
    assert_eq!(
        (rs[2].table, rs[2].dst, rs[2].prefix_len),
        (RT_TABLE_MAIN, a([10, 0, 0, 0]), 24)
    );
    assert_eq!(
        (rs[2].scope, rs[2].prefsrc),
        (Scope::Link, Some(a([10, 0, 0, 1])))
    );
    assert_eq!(
        (rs[1].dst, rs[1].kind),
        (a([10, 0, 0, 255]), RouteType::Broadcast)
    );

    let r = fl(&fib, a([10, 0, 0, 1]), None).unwrap();
    assert_eq!(r.kind, RouteType::Local);
    let r = fl(&fib, a([10, 0, 0, 7]), None).unwrap();
    assert_eq!(
        (r.kind, r.port, r.next_hop(a([10, 0, 0, 7]))),
        (RouteType::Unicast, Some(P1), a([10, 0, 0, 7]))
    );
    assert_eq!(
        fl(&fib, a([10, 0, 0, 255]), None).unwrap().kind,
        RouteType::Broadcast
    );
    assert_eq!(fl(&fib, a([10, 0, 1, 1]), None), Err(Errno::Enetunreach));
}

#[test]
fn slash_31_and_32_get_no_broadcast_route() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 0], 31);
    assert_eq!(fib.routes().count(), 2);
    with_addr(&mut fib, &mut addrs, P2, [10, 9, 0, 1], 32);
    // A /32 equal to its prefix: local route only.
    assert_eq!(fib.routes().count(), 3);
}

#[test]
fn secondary_addresses_get_a_local_route_with_the_primary_as_prefsrc() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    let prim = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
    let sec = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 2], 24);
    assert_eq!(fib.routes().count(), 4);
    let local = fl(&fib, sec.addr, None).unwrap();
    assert_eq!(
        (local.kind, local.prefsrc),
        (RouteType::Local, Some(prim.addr))
    );
    // Deleting the secondary removes only its local route.
    addrs.del(&sec).unwrap();
    fib.del_ifaddr(&sec, &addrs).unwrap();
    assert_eq!(fib.routes().count(), 3);
    // Re-add it, then delete the primary: everything goes (Linux's
    // promote_secondaries=0).
    addrs.add(sec).unwrap();
    fib.add_ifaddr(&sec, &addrs, true).unwrap();
    assert_eq!(addrs.del(&prim), Ok(2));
    fib.del_ifaddr(&prim, &addrs).unwrap();
    assert!(fib.is_empty());
}

/// fib_del_ifaddr keeps the static routes while the port has an address;
/// when its last address goes, fib_inetaddr_event disables IP on it
/// (fib_sync_down_dev with force): its routes go, the other ports' stay.
#[test]
fn deleting_the_last_address_of_a_port_flushes_its_routes_only() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    let x = with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
    let y = with_addr(&mut fib, &mut addrs, P1, [10, 9, 0, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [10, 0, 0, 2], 24);
    fib.insert(Route {
        dst: a([10, 2, 0, 0]),
        prefix_len: 16,
        gateway: Some(a([10, 9, 0, 254])),
        port: None,
        scope: Scope::Universe,
        ..unicast([0; 4], 0, P1)
    })
    .unwrap();
    addrs.del(&x).unwrap();
    fib.del_ifaddr(&x, &addrs).unwrap();
    // y's local, connected and broadcast routes and the static route.
    assert_eq!(fib.routes().filter(|r| r.port == Some(P1)).count(), 4);
    assert_eq!(fib.routes().filter(|r| r.port == Some(P2)).count(), 3);
    addrs.del(&y).unwrap();
    fib.del_ifaddr(&y, &addrs).unwrap();
    assert_eq!(fib.routes().filter(|r| r.port == Some(P1)).count(), 0);
    assert_eq!(fib.routes().count(), 3);
}

/// Linux keeps rules naming a device that goes away (`detach_rules`):
/// shown `[detached]`, matching nothing, and in force again when a device
/// of that name comes (`attach_rules`), whatever its index (issue 13,
/// class 14).
#[test]
fn a_port_going_detaches_its_rules_and_a_port_of_that_name_attaches_them() {
    let mut fib = Fib::new();
    let name = |n: &[u8]| dev_name(n);
    let iif = Rule {
        iif: Some(P1),
        iif_name: name(b"d1"),
        ..Rule::new(100, RuleAction::ToTable(100))
    };
    let oif = Rule {
        oif: Some(P1),
        oif_name: name(b"d1"),
        ..Rule::new(101, RuleAction::Prohibit)
    };
    let other = Rule {
        iif: Some(P2),
        iif_name: name(b"d2"),
        ..Rule::new(102, RuleAction::ToTable(100))
    };
    for r in [iif, oif, other] {
        fib.add_rule(r, true).unwrap();
    }
    let flow = |iif, oif| FlowKeys {
        dst: a([10, 0, 0, 1]),
        iif,
        oif,
        ..Default::default()
    };
    let first = |fib: &Fib, f: &FlowKeys| {
        fib.rules()
            .iter()
            .find(|r| r.matches(f))
            .map(|r| r.priority)
    };
    assert_eq!(first(&fib, &flow(Some(P1), None)), Some(0));
    let hits = |fib: &Fib, f: &FlowKeys| {
        fib.rules()
            .iter()
            .filter(|r| r.matches(f))
            .map(|r| r.priority)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        hits(&fib, &flow(Some(P1), Some(P1))),
        [0, 100, 101, 32766, 32767]
    );
    fib.remove_port(P1).unwrap();
    let prefs: Vec<u32> = fib.rules().iter().map(|r| r.priority).collect();
    assert_eq!(prefs, [0, 100, 101, 102, 32766, 32767]);
    assert!(fib.rules()[1].iif_detached() && fib.rules()[2].oif_detached());
    assert!(!fib.rules()[3].iif_detached());
    // Detached, they match nothing (a flow of no port included).
    assert_eq!(hits(&fib, &flow(Some(P1), Some(P1))), [0, 32766, 32767]);
    assert_eq!(hits(&fib, &flow(None, None)), [0, 32766, 32767]);
    // A port of another name changes nothing; one named d1 takes them.
    let p3 = PortId(3);
    fib.attach_port(p3, b"d3");
    assert!(fib.rules()[1].iif_detached());
    fib.attach_port(p3, b"d1");
    assert_eq!(
        hits(&fib, &flow(Some(p3), Some(p3))),
        [0, 100, 101, 32766, 32767]
    );
    assert!(!fib.rules()[1].iif_detached() && !fib.rules()[2].oif_detached());
}

/// `iif lo` matches what the router sends itself (Linux's output lookups
/// come from the loopback device); `oif lo` matches nothing, and neither
/// is detached: every namespace has lo.
#[test]
fn iif_lo_matches_the_routers_own_packets() {
    let mut fib = Fib::new();
    let lo = Rule {
        iif_name: Some(LOOPBACK_NAME),
        ..Rule::new(60, RuleAction::ToTable(100))
    };
    let out_lo = Rule {
        oif_name: Some(LOOPBACK_NAME),
        ..Rule::new(61, RuleAction::ToTable(100))
    };
    fib.add_rule(lo, true).unwrap();
    fib.add_rule(out_lo, true).unwrap();
    assert!(!lo.iif_detached() && !out_lo.oif_detached());
    let f = |iif| FlowKeys {
        dst: a([8, 8, 8, 8]),
        iif,
        ..Default::default()
    };
    assert!(lo.matches(&f(None)));
    assert!(!lo.matches(&f(Some(P1))));
    assert!(!out_lo.matches(&f(None)));
}

/// fib_nl_newrule's `rule_exists` (NLM_F_EXCL, as `ip rule add` sends):
/// action, table, priority, names and mark compared whole; prefixes and
/// TOS only when the new rule gives them; `not` and a goto's target
/// ignored (issue 13, class 12).
#[test]
fn a_rule_equal_in_what_it_gives_exists() {
    let mut fib = Fib::new();
    let base = Rule {
        src: a([10, 1, 0, 0]),
        src_len: 16,
        tos: 0x04,
        ..Rule::new(100, RuleAction::ToTable(100))
    };
    fib.add_rule(base, true).unwrap();
    let cases = [
        (Rule::new(100, RuleAction::ToTable(100)), Err(Errno::Eexist)),
        (
            Rule {
                invert: true,
                ..base
            },
            Err(Errno::Eexist),
        ),
        (
            Rule {
                src_len: 0,
                tos: 0x04,
                ..base
            },
            Err(Errno::Eexist),
        ),
        (
            Rule {
                src: a([10, 2, 0, 0]),
                ..base
            },
            Ok(()),
        ),
        (Rule { tos: 0x08, ..base }, Ok(())),
        (
            Rule {
                fwmark: 1,
                fwmask: u32::MAX,
                ..base
            },
            Ok(()),
        ),
        (Rule::new(100, RuleAction::ToTable(200)), Ok(())),
        (Rule::new(101, RuleAction::ToTable(100)), Ok(())),
        (
            Rule {
                dst: a([10, 9, 0, 0]),
                dst_len: 16,
                ..base
            },
            Ok(()),
        ),
    ];
    for (i, (r, want)) in cases.into_iter().enumerate() {
        let mut f = fib.try_clone().unwrap();
        assert_eq!(f.add_rule(r, true), want, "case {i}");
    }
    // Two gotos of one priority are the same rule whatever their targets.
    fib.add_rule(Rule::new(50, RuleAction::Goto(200)), true)
        .unwrap();
    assert_eq!(
        fib.add_rule(Rule::new(50, RuleAction::Goto(300)), true),
        Err(Errno::Eexist)
    );
    // Without NLM_F_EXCL anything goes.
    assert_eq!(
        fib.add_rule(Rule::new(50, RuleAction::Goto(300)), false),
        Ok(())
    );
}

#[test]
fn longest_prefix_then_lowest_metric() {
    let mut fib = Fib::new();
    fib.insert(unicast([10, 0, 0, 0], 8, P1)).unwrap();
    fib.insert(Route {
        metric: 10,
        ..unicast([10, 1, 0, 0], 16, P1)
    })
    .unwrap();
    fib.insert(Route {
        metric: 5,
        ..unicast([10, 1, 0, 0], 16, P2)
    })
    .unwrap();
    assert_eq!(
        fib.insert(Route {
            metric: 5,
            ..unicast([10, 1, 0, 0], 16, P1)
        }),
        Err(Errno::Eexist)
    );
    assert_eq!(fl(&fib, a([10, 1, 2, 3]), None).unwrap().port, Some(P2));
    assert_eq!(fl(&fib, a([10, 1, 2, 3]), Some(P1)).unwrap().metric, 10);
    assert_eq!(fl(&fib, a([10, 2, 2, 3]), None).unwrap().prefix_len, 8);
    assert_eq!(
        fl(&fib, a([10, 2, 2, 3]), Some(P2)),
        Err(Errno::Enetunreach)
    );
}

#[test]
fn reject_routes_return_their_errors() {
    let mut fib = Fib::new();
    let reject = |kind, dst: [u8; 4], len| Route {
        kind,
        port: None,
        scope: Scope::Universe,
        ..unicast(dst, len, P1)
    };
    fib.insert(reject(RouteType::Blackhole, [10, 1, 0, 0], 16))
        .unwrap();
    fib.insert(reject(RouteType::Unreachable, [10, 2, 0, 0], 16))
        .unwrap();
    fib.insert(reject(RouteType::Prohibit, [10, 3, 0, 0], 16))
        .unwrap();
    fib.insert(unicast([10, 0, 0, 0], 8, P1)).unwrap();
    assert_eq!(fl(&fib, a([10, 1, 0, 1]), None), Err(Errno::Einval));
    assert_eq!(fl(&fib, a([10, 2, 0, 1]), None), Err(Errno::Ehostunreach));
    assert_eq!(fl(&fib, a([10, 3, 0, 1]), Some(P1)), Err(Errno::Eacces));
    assert_eq!(fl(&fib, a([10, 4, 0, 1]), None).unwrap().prefix_len, 8);
    assert_eq!(
        fib.insert(Route {
            kind: RouteType::Blackhole,
            ..unicast([10, 5, 0, 0], 16, P1)
        }),
        Err(Errno::Einval)
    );
}

#[test]
fn tables_are_searched_local_main_default() {
    let mut fib = Fib::new();
    fib.insert(Route {
        table: RT_TABLE_DEFAULT,
        ..unicast([0; 4], 0, P2)
    })
    .unwrap();
    assert_eq!(fl(&fib, a([8, 8, 8, 8]), None).unwrap().port, Some(P2));
    // main is searched before default even for a shorter prefix.
    fib.insert(unicast([0; 4], 0, P1)).unwrap();
    assert_eq!(fl(&fib, a([8, 8, 8, 8]), None).unwrap().port, Some(P1));
    // A reject in main stops the rules.
    fib.insert(Route {
        kind: RouteType::Unreachable,
        port: None,
        scope: Scope::Universe,
        ..unicast([8, 0, 0, 0], 8, P1)
    })
    .unwrap();
    assert_eq!(fl(&fib, a([8, 8, 8, 8]), None), Err(Errno::Ehostunreach));
}

#[test]
fn insert_validates_like_fib_create_info() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
    assert_eq!(
        fib.insert(unicast([10, 9, 0, 1], 16, P1)),
        Err(Errno::Einval)
    );
    assert_eq!(
        fib.insert(unicast([10, 9, 0, 0], 33, P1)),
        Err(Errno::Einval)
    );
    let via = |gw: [u8; 4], port| Route {
        gateway: Some(a(gw)),
        port,
        scope: Scope::Universe,
        ..unicast([10, 9, 0, 0], 16, P1)
    };
    assert_eq!(
        fib.insert(via([10, 1, 0, 254], None)),
        Err(Errno::Enetunreach)
    );
    assert_eq!(
        fib.insert(via([10, 0, 0, 254], Some(P2))),
        Err(Errno::Enetunreach)
    );
    assert_eq!(fib.insert(via([10, 0, 0, 255], None)), Err(Errno::Einval));
    // A link-scope route's gateway is looked up at host scope
    // (fib_check_nh_v4_gw's scope + 1): a neighbour is ENETUNREACH, the
    // router's own address is accepted; host scope cannot have a gateway,
    // onlink needs universe scope (as Linux answers `ip route add ... scope`).
    assert_eq!(
        fib.insert(Route {
            scope: Scope::Link,
            ..via([10, 0, 0, 254], None)
        }),
        Err(Errno::Enetunreach)
    );
    assert_eq!(
        fib.insert(Route {
            scope: Scope::Host,
            ..via([10, 0, 0, 254], None)
        }),
        Err(Errno::Einval)
    );
    assert_eq!(
        fib.insert(Route {
            scope: Scope::Link,
            onlink: true,
            ..via([10, 0, 0, 254], Some(P1))
        }),
        Err(Errno::Einval)
    );
    let own = Route {
        scope: Scope::Link,
        dst: a([10, 8, 0, 0]),
        ..via([10, 0, 0, 1], None)
    };
    assert_eq!(fib.insert(own), Ok(()));
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: own.dst,
        prefix_len: 16,
        tos: 0,
        kind: None,
        scope: None,
        protocol: None,
        prefsrc: None,
        metric: None,
        port: None,
        gateway: None,
    };
    assert_eq!(fib.delete(&sel).map(|r| r.scope), Ok(Scope::Link));
    assert_eq!(
        fib.insert(Route {
            port: None,
            ..unicast([10, 8, 0, 0], 16, P1)
        }),
        Err(Errno::Enodev)
    );
    assert_eq!(
        fib.insert(Route {
            prefsrc: Some(a([10, 0, 0, 9])),
            ..unicast([10, 8, 0, 0], 16, P1)
        }),
        Err(Errno::Einval)
    );
    fib.insert(Route {
        prefsrc: Some(a([10, 0, 0, 1])),
        ..via([10, 0, 0, 254], None)
    })
    .unwrap();
    let r = fl(&fib, a([10, 9, 1, 1]), None).unwrap();
    assert_eq!(
        (r.port, r.next_hop(a([10, 9, 1, 1]))),
        (Some(P1), a([10, 0, 0, 254]))
    );
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a([10, 9, 0, 0]),
        prefix_len: 16,
        ..Default::default()
    };
    assert_eq!(
        fib.delete(&RouteSelector {
            metric: Some(1),
            ..sel
        }),
        Err(Errno::Esrch)
    );
    assert!(fib.delete(&sel).is_ok());
    assert_eq!(fib.delete(&sel), Err(Errno::Esrch));
}

/// The oracle: Linux's fib_trie walk spelled out. For each table in
/// rule order, for each prefix length from 32 down, the routes of that
/// length holding `dst`, by metric (stable): the first reject route or
/// usable route ends the walk. `merged` (no custom rules yet): local and
/// main are one table, local's routes first at each length.
fn oracle(routes: &[Route], dst: Ipv4Addr, oif: Option<PortId>, merged: bool) -> Option<Route> {
    let groups: &[&[u32]] = if merged {
        &[&[RT_TABLE_LOCAL, RT_TABLE_MAIN], &[RT_TABLE_DEFAULT]]
    } else {
        &[&[RT_TABLE_LOCAL], &[RT_TABLE_MAIN], &[RT_TABLE_DEFAULT]]
    };
    for group in groups {
        for len in (0..=32u8).rev() {
            for table in group.iter() {
                let mut c: std::vec::Vec<&Route> = routes
                    .iter()
                    .filter(|r| r.table == *table && r.prefix_len == len && r.matches(dst))
                    .collect();
                c.sort_by_key(|r| r.metric);
                for r in c {
                    if r.kind.error().is_some() || oif.is_none() || r.port == oif {
                        return Some(*r);
                    }
                }
            }
        }
    }
    None
}

fn arb_route() -> impl Strategy<Value = Route> {
    (
        prop::sample::select(std::vec![RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT]),
        any::<u8>(),
        0u8..=32,
        0usize..6,
        1u32..4,
        0u32..3,
    )
        .prop_map(|(table, last, len, kind, port, metric)| {
            let kinds = [
                RouteType::Unicast,
                RouteType::Unicast,
                RouteType::Local,
                RouteType::Broadcast,
                RouteType::Unreachable,
                RouteType::Blackhole,
            ];
            let kind = kinds[kind];
            // A small address space, so that prefixes overlap.
            let addr = Ipv4Addr::new(10, 0, last & 0x3, last);
            let reject = kind.error().is_some();
            Route {
                table,
                dst: addr.network(len).unwrap(),
                prefix_len: len,
                kind,
                scope: Scope::Link,
                protocol: RouteProtocol::Boot,
                gateway: None,
                port: if reject { None } else { Some(PortId(port)) },
                prefsrc: None,
                metric,
                tos: 0,
                mtu: 0,
                onlink: false,
            }
        })
}

proptest! {
    #[test]
    fn lookup_equals_the_naive_oracle(
        routes in proptest::collection::vec(arb_route(), 0..40),
        deletions in proptest::collection::vec(any::<prop::sample::Index>(), 0..24),
        probes in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u32..4), 1..16),
    ) {
        let mut fib = Fib::new();
        let mut kept = std::vec::Vec::new();
        for r in routes {
            if fib.insert(r).is_ok() {
                kept.push(r);
            }
        }
        // Deletions too: the trie's nodes emptied and pruned, leaves
        // shortened, tables emptied, then looked up.
        for d in deletions {
            if kept.is_empty() {
                break;
            }
            let r = kept[d.index(kept.len())];
            let sel = RouteSelector {
                table: r.table,
                dst: r.dst,
                prefix_len: r.prefix_len,
                tos: r.tos,
                kind: Some(r.kind),
                metric: Some(r.metric),
                port: r.port,
                ..RouteSelector::default()
            };
            let gone = fib.delete(&sel).unwrap();
            prop_assert_eq!(gone, r);
            kept.retain(|k| *k != gone);
        }
        // A rule that changes no answer, but unmerges local and main.
        let mut unmerged = fib.try_clone().unwrap();
        unmerged.add_rule(Rule::new(100, RuleAction::Nop), true).unwrap();
        for (x, y, oif) in probes {
            let dst = Ipv4Addr::new(10, 0, x & 0x3, y);
            let oif = if oif == 0 { None } else { Some(PortId(oif)) };
            prop_assert_eq!(fib.lookup(dst, oif).copied(), oracle(&kept, dst, oif, true));
            prop_assert_eq!(
                unmerged.lookup(dst, oif).copied(),
                oracle(&kept, dst, oif, false)
            );
        }
    }
}

/// A dump resumed after any route sends exactly the routes after it, in
/// every table or in one, also when routes share a prefix (a leaf of
/// several) and when the route it stopped at was deleted meanwhile.
#[test]
fn aliases_after_resumes_a_dump_by_key() {
    let mut fib = Fib::new();
    for (table, metric, dst, len) in [
        (RT_TABLE_MAIN, 0, [10, 0, 0, 0], 8),
        (RT_TABLE_MAIN, 10, [10, 1, 0, 0], 16),
        (RT_TABLE_MAIN, 20, [10, 1, 0, 0], 16),
        (RT_TABLE_MAIN, 30, [10, 1, 0, 0], 16),
        (RT_TABLE_MAIN, 0, [192, 168, 0, 0], 24),
        (100, 0, [0, 0, 0, 0], 0),
        (100, 0, [10, 1, 0, 0], 16),
        (300, 7, [172, 16, 0, 0], 12),
    ] {
        fib.insert(Route {
            table,
            metric,
            ..unicast(dst, len, P1)
        })
        .unwrap();
    }
    let key = |r: &Route| (r.table, r.dst, r.prefix_len, r.metric);
    let full: Vec<_> = fib.aliases().map(|a| key(a.route())).collect();
    assert_eq!(full.len(), 8);
    let keyed: Vec<_> = fib.aliases_after(None, None).collect();
    assert_eq!(
        keyed
            .iter()
            .map(|(_, a)| key(a.route()))
            .collect::<Vec<_>>(),
        full
    );
    for (i, (k, _)) in keyed.iter().enumerate() {
        let rest: Vec<_> = fib
            .aliases_after(Some(*k), None)
            .map(|(_, a)| key(a.route()))
            .collect();
        assert_eq!(rest, full[i + 1..], "after {k:?}");
        let in_table: Vec<_> = fib
            .aliases_after(Some(*k), Some(k.table))
            .map(|(_, a)| key(a.route()))
            .collect();
        let want: Vec<_> = full[i + 1..]
            .iter()
            .filter(|r| r.0 == k.table)
            .copied()
            .collect();
        assert_eq!(in_table, want);
    }
    // The dump stopped at 10.1.0.0/16 metric 20 (index 1); that route goes.
    let at = keyed
        .iter()
        .position(|(_, r)| key(r.route()) == (RT_TABLE_MAIN, a([10, 1, 0, 0]), 16, 20))
        .unwrap();
    let stop = keyed[at].0;
    assert_eq!(stop.index, 1);
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a([10, 1, 0, 0]),
        prefix_len: 16,
        metric: Some(20),
        ..RouteSelector::default()
    };
    fib.delete(&sel).unwrap();
    let rest: Vec<_> = fib
        .aliases_after(Some(stop), None)
        .map(|(_, a)| key(a.route()))
        .collect();
    // Metric 30 moved to index 1 and is skipped with the gone route's
    // slot: a change during a dump may skip or repeat, which is what
    // NLM_F_DUMP_INTR then tells userspace.
    assert_eq!(rest, full[at + 2..]);
}

/// `ip link set down` then `up`, as fib_netdev_event handles them: down
/// flushes every route through the port (its connected and broadcast
/// routes too, and static ones for good) but keeps its local routes,
/// reject routes and the other ports'; up brings back the address routes.
#[test]
fn port_down_flushes_its_routes_and_up_restores_the_address_routes() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [10, 0, 0, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [10, 1, 0, 1], 24);
    fib.insert(Route {
        dst: a([10, 2, 0, 0]),
        prefix_len: 16,
        gateway: Some(a([10, 0, 0, 254])),
        scope: Scope::Universe,
        ..unicast([0; 4], 0, P1)
    })
    .unwrap();
    fib.insert(Route {
        dst: a([10, 3, 0, 0]),
        prefix_len: 16,
        kind: RouteType::Unreachable,
        port: None,
        scope: Scope::Universe,
        ..unicast([0; 4], 0, P1)
    })
    .unwrap();
    let before: Vec<Route> = fib.routes().copied().collect();
    fib.port_down(P1).unwrap();
    // Only the local route through P1 is left.
    let left: Vec<RouteType> = fib
        .routes()
        .filter(|r| r.port == Some(P1))
        .map(|r| r.kind)
        .collect();
    assert_eq!(left, [RouteType::Local]);
    assert_eq!(fib.routes().filter(|r| r.port == Some(P2)).count(), 3);
    // The unreachable route still answers.
    assert_eq!(fl(&fib, a([10, 3, 0, 9]), None), Err(Errno::Ehostunreach));
    assert!(fl(&fib, a([10, 0, 0, 9]), None).is_err());
    fib.port_up(P1, &addrs).unwrap();
    // The address routes are back; the static route is not.
    let mut after: Vec<Route> = fib.routes().copied().collect();
    let mut expected: Vec<Route> = before
        .into_iter()
        .filter(|r| r.dst != a([10, 2, 0, 0]))
        .collect();
    after.sort_by_key(|r| (r.table, r.dst, r.prefix_len, r.kind.as_u8()));
    expected.sort_by_key(|r| (r.table, r.dst, r.prefix_len, r.kind.as_u8()));
    assert_eq!(after, expected);
}

/// An address added while the port is down gets only its local route
/// (fib_add_ifaddr returns after it without IFF_UP); up adds the rest.
#[test]
fn an_address_on_a_down_port_gets_only_its_local_route() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    let ifa = IfAddr {
        port: P1,
        addr: a([10, 0, 0, 1]),
        prefix_len: 24,
    };
    addrs.add(ifa).unwrap();
    fib.add_ifaddr(&ifa, &addrs, false).unwrap();
    let kinds: Vec<RouteType> = fib.routes().map(|r| r.kind).collect();
    assert_eq!(kinds, [RouteType::Local]);
    fib.port_up(P1, &addrs).unwrap();
    assert_eq!(fib.routes().count(), 3);
}

/// Issue 13's configuration classes as Linux answers them: invalid scopes
/// and onlink without a gateway are EINVAL, a multicast or broadcast
/// gateway without onlink is unreachable, a delete with host bits is
/// EINVAL (fib_create_info, fib_check_nh, rtm_to_fib_config).
#[test]
fn configurations_linux_refuses_are_refused_alike() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    let local = Route {
        table: RT_TABLE_LOCAL,
        kind: RouteType::Local,
        scope: Scope::Link,
        ..unicast([10, 67, 0, 1], 32, P1)
    };
    assert_eq!(fib.insert(local), Err(Errno::Einval));
    let brd = Route {
        table: RT_TABLE_LOCAL,
        kind: RouteType::Broadcast,
        scope: Scope::Universe,
        ..unicast([10, 68, 0, 255], 32, P1)
    };
    assert_eq!(fib.insert(brd), Err(Errno::Einval));
    let onlink = Route {
        onlink: true,
        ..unicast([10, 66, 0, 0], 16, P1)
    };
    assert_eq!(fib.insert(onlink), Err(Errno::Einval));
    for gw in [[255, 255, 255, 255], [224, 0, 0, 5], [0, 0, 0, 5]] {
        let r = Route {
            gateway: Some(a(gw)),
            port: None,
            scope: Scope::Universe,
            ..unicast([10, 90, 0, 0], 16, P1)
        };
        assert_eq!(fib.insert(r), Err(Errno::Enetunreach), "{gw:?}");
    }
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a([10, 1, 2, 3]),
        prefix_len: 8,
        tos: 0,
        kind: None,
        scope: None,
        protocol: None,
        prefsrc: None,
        metric: None,
        port: None,
        gateway: None,
    };
    assert_eq!(fib.delete(&sel), Err(Errno::Einval));
}

/// fib_table_insert with NLM_F_REPLACE: a route identical to the first of
/// its key replaces nothing (0); identical to a later one, EEXIST, and the
/// list stays as it was (issue 13, class 9).
#[test]
fn replace_by_an_identical_later_route_is_eexist() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 1, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [100, 64, 2, 1], 24);
    let via = |gw: [u8; 4]| Route {
        gateway: Some(a(gw)),
        port: None,
        scope: Scope::Universe,
        ..unicast([10, 60, 0, 0], 16, P1)
    };
    fib.insert(via([100, 64, 1, 2])).unwrap();
    fib.insert_route(via([100, 64, 2, 2]), &[], NlFlags::APPEND)
        .unwrap();
    assert_eq!(
        fib.insert_route(via([100, 64, 2, 2]), &[], NlFlags::REPLACE),
        Err(Errno::Eexist)
    );
    assert_eq!(
        fib.insert_route(via([100, 64, 1, 2]), &[], NlFlags::REPLACE),
        Ok(())
    );
    let gws: Vec<Option<Ipv4Addr>> = fib
        .routes()
        .filter(|r| r.dst == a([10, 60, 0, 0]))
        .map(|r| r.gateway)
        .collect();
    assert_eq!(gws, [Some(a([100, 64, 1, 2])), Some(a([100, 64, 2, 2]))]);
}

/// fib_del_ifaddr's fib_sync_down_addr: a main-table route whose preferred
/// source was the deleted address goes with it, unless the address is
/// still local elsewhere (issue 13, class 2a).
#[test]
fn a_route_whose_prefsrc_was_deleted_goes() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    let sec = with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 5], 24);
    with_addr(&mut fib, &mut addrs, P2, [100, 64, 1, 1], 24);
    let r = Route {
        gateway: Some(a([100, 64, 1, 2])),
        port: None,
        scope: Scope::Universe,
        prefsrc: Some(a([100, 64, 0, 5])),
        ..unicast([10, 50, 0, 0], 16, P1)
    };
    fib.insert(r).unwrap();
    fib.insert(Route { table: 100, ..r }).unwrap();
    addrs.del(&sec).unwrap();
    fib.del_ifaddr(&sec, &addrs).unwrap();
    let left: Vec<u32> = fib
        .routes()
        .filter(|r| r.dst == a([10, 50, 0, 0]))
        .map(|r| r.table)
        .collect();
    // Only main is searched (fib_sync_down_addr's tb_id).
    assert_eq!(left, [100]);
}

/// The last address of a port deleted: a multipath route keeps its hop
/// there, dead (skipped by lookups, also oif-bound ones); an address added
/// again revives it (fib_sync_up). Issue 13, class 2b.
#[test]
fn the_last_address_deleted_kills_multipath_hops_until_one_comes_back() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    let x = with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [100, 64, 1, 1], 24);
    let hop = |gw: [u8; 4]| NextHop {
        gateway: Some(a(gw)),
        ..NextHop::default()
    };
    let r = Route {
        scope: Scope::Universe,
        port: None,
        ..unicast([10, 51, 0, 0], 16, P1)
    };
    fib.insert_route(
        r,
        &[hop([100, 64, 0, 2]), hop([100, 64, 1, 2])],
        NlFlags::ADD,
    )
    .unwrap();
    let dst = a([10, 51, 0, 1]);
    assert_eq!(fl(&fib, dst, Some(P1)).unwrap().port, Some(P1));
    addrs.del(&x).unwrap();
    fib.del_ifaddr(&x, &addrs).unwrap();
    assert_eq!(
        fib.routes().filter(|r| r.dst == a([10, 51, 0, 0])).count(),
        1
    );
    assert_eq!(fl(&fib, dst, Some(P1)), Err(Errno::Enetunreach));
    // Every flow takes the live hop.
    for i in 0..64u8 {
        let src = a([100, 64, 9, i]);
        let res = fib.fib_lookup(dst, src, None, None, 0, 0).unwrap();
        assert_eq!(res.nh.port, Some(P2));
    }
    // Link down and up of the other port: the route would lose its last
    // live hop and goes (fib_flush).
    fib.port_down(P2).unwrap();
    assert_eq!(
        fib.routes().filter(|r| r.dst == a([10, 51, 0, 0])).count(),
        0
    );
    fib.port_up(P2, &addrs).unwrap();
    fib.insert_route(
        r,
        &[hop([100, 64, 1, 2]), hop([100, 64, 1, 3])],
        NlFlags::ADD,
    )
    .unwrap();
    fib.port_down(P2).unwrap();
    assert_eq!(fl(&fib, dst, None), Err(Errno::Enetunreach));
    // An address back on P1 revives P1's dead hops.
    let mut fib2 = Fib::new();
    let mut addrs2 = AddrTable::new();
    let x = with_addr(&mut fib2, &mut addrs2, P1, [100, 64, 0, 1], 24);
    with_addr(&mut fib2, &mut addrs2, P2, [100, 64, 1, 1], 24);
    fib2.insert_route(
        r,
        &[hop([100, 64, 0, 2]), hop([100, 64, 1, 2])],
        NlFlags::ADD,
    )
    .unwrap();
    addrs2.del(&x).unwrap();
    fib2.del_ifaddr(&x, &addrs2).unwrap();
    with_addr(&mut fib2, &mut addrs2, P1, [100, 64, 0, 1], 24);
    assert_eq!(fl(&fib2, dst, Some(P1)).unwrap().port, Some(P1));
}

/// A gateway that is the router's own address resolves to its local route
/// (host scope): fib_nh_scope is host, so rt_set_nexthop does not use the
/// gateway: the destination is the next hop, on that address's port
/// (issue 13, class 5). The route keeps its gateway for listing.
#[test]
fn a_gateway_that_is_our_own_address_is_not_used() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [100, 64, 1, 1], 24);
    let via = |gw: [u8; 4]| Route {
        gateway: Some(a(gw)),
        port: None,
        scope: Scope::Universe,
        ..unicast([10, 45, 0, 0], 16, P1)
    };
    fib.insert(via([100, 64, 1, 1])).unwrap();
    let dst = a([10, 45, 0, 1]);
    let res = fib
        .fib_lookup(dst, Ipv4Addr::UNSPECIFIED, None, None, 0, 0)
        .unwrap();
    assert_eq!((res.nh.gateway, res.nh.port), (None, Some(P2)));
    assert_eq!(res.next_hop(dst), dst);
    assert_eq!(res.route.gateway, Some(a([100, 64, 1, 1])));
    // A gateway on the link is used.
    fib.insert_route(via([100, 64, 1, 2]), &[], NlFlags::REPLACE)
        .unwrap();
    let res = fib
        .fib_lookup(dst, Ipv4Addr::UNSPECIFIED, None, None, 0, 0)
        .unwrap();
    assert_eq!(res.nh.gateway, Some(a([100, 64, 1, 2])));
}

/// fib_check_nh_v4_gw: a gateway whose lookup ends on a reject route (of
/// link scope or closer: the lookup's scope) or a reject rule fails with
/// that lookup's errno; a reject route of universe scope is not seen, so
/// the gateway is unreachable (issue 13, class 15).
#[test]
fn a_gateway_behind_a_reject_route_or_rule_gets_its_errno() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    let reject = |kind, o: [u8; 4], scope| Route {
        kind,
        scope,
        port: None,
        ..unicast(o, 16, P1)
    };
    let via = |o: [u8; 4], gw: [u8; 4]| Route {
        gateway: Some(a(gw)),
        port: None,
        scope: Scope::Universe,
        ..unicast(o, 16, P1)
    };
    fib.insert(reject(RouteType::Unreachable, [10, 82, 0, 0], Scope::Link))
        .unwrap();
    fib.insert(reject(RouteType::Prohibit, [10, 84, 0, 0], Scope::Link))
        .unwrap();
    fib.insert(reject(
        RouteType::Unreachable,
        [10, 93, 0, 0],
        Scope::Universe,
    ))
    .unwrap();
    assert_eq!(
        fib.insert(via([10, 83, 0, 0], [10, 82, 0, 1])),
        Err(Errno::Ehostunreach)
    );
    assert_eq!(
        fib.insert(via([10, 85, 0, 0], [10, 84, 0, 1])),
        Err(Errno::Eacces)
    );
    assert_eq!(
        fib.insert(via([10, 94, 0, 0], [10, 93, 0, 1])),
        Err(Errno::Enetunreach)
    );
    let mut prohibit = Rule::new(50, RuleAction::Prohibit);
    prohibit.dst = a([10, 86, 0, 0]);
    prohibit.dst_len = 16;
    fib.add_rule(prohibit, true).unwrap();
    let mut blackhole = Rule::new(51, RuleAction::Blackhole);
    blackhole.dst = a([10, 88, 0, 0]);
    blackhole.dst_len = 16;
    fib.add_rule(blackhole, true).unwrap();
    assert_eq!(
        fib.insert(via([10, 87, 0, 0], [10, 86, 0, 1])),
        Err(Errno::Eacces)
    );
    assert_eq!(
        fib.insert(via([10, 89, 0, 0], [10, 88, 0, 1])),
        Err(Errno::Einval)
    );
}

/// Before the first rule, local and main are one table (Linux's merged
/// trie, fib_has_custom_rules false): a longer prefix in main beats a
/// local route, also for inet_addr_type's view of the local table (an
/// onlink gateway there is unicast). After a rule is added, and for good
/// after it is deleted again, local is searched first (issue 13, class 1).
#[test]
fn local_and_main_are_merged_until_the_first_rule() {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, P1, [100, 64, 0, 1], 24);
    with_addr(&mut fib, &mut addrs, P2, [100, 64, 1, 1], 24);
    fib.insert(Route {
        table: RT_TABLE_LOCAL,
        kind: RouteType::Local,
        scope: Scope::Host,
        ..unicast([10, 140, 0, 0], 16, P1)
    })
    .unwrap();
    fib.insert(Route {
        gateway: Some(a([100, 64, 1, 2])),
        port: None,
        scope: Scope::Universe,
        ..unicast([10, 140, 1, 0], 24, P1)
    })
    .unwrap();
    let dst = a([10, 140, 1, 9]);
    assert!(fib.tables_merged());
    let r = fl(&fib, dst, None).unwrap();
    assert_eq!(
        (r.table, r.gateway),
        (RT_TABLE_MAIN, Some(a([100, 64, 1, 2])))
    );
    assert_eq!(
        fl(&fib, a([10, 140, 2, 9]), None).unwrap().kind,
        RouteType::Local
    );
    assert!(!fib.is_local_addr(dst));
    let onlink = Route {
        gateway: Some(a([10, 140, 1, 5])),
        onlink: true,
        scope: Scope::Universe,
        ..unicast([10, 143, 0, 0], 16, P1)
    };
    fib.insert(onlink).unwrap();
    let rule = Rule::new(100, RuleAction::ToTable(100));
    fib.add_rule(rule, true).unwrap();
    fib.del_rule(&RuleSelector {
        priority: Some(100),
        ..Default::default()
    })
    .unwrap();
    assert!(!fib.tables_merged());
    assert_eq!(fl(&fib, dst, None).unwrap().kind, RouteType::Local);
    assert!(fib.is_local_addr(dst));
    assert_eq!(
        fib.insert(Route {
            dst: a([10, 144, 0, 0]),
            ..onlink
        }),
        Err(Errno::Einval)
    );
}

/// fib4_rule_configure: a rule's TOS with an ECN bit is EINVAL ("ECN bits
/// must be 0"), as is one outside IPTOS_TOS_MASK; 0x02 was accepted
/// (issue 13, class 12).
#[test]
fn a_rule_tos_with_ecn_bits_is_refused() {
    let mut fib = Fib::new();
    for (tos, ok) in [
        (0x02, false),
        (0x01, false),
        (0x20, false),
        (0x04, true),
        (0x1c, true),
    ] {
        let rule = Rule {
            tos,
            ..Rule::new(100, RuleAction::ToTable(100))
        };
        let got = fib.add_rule(rule, false);
        assert_eq!(got.is_ok(), ok, "tos {tos:#x}: {got:?}");
    }
}

/// RTN_THROW: a table's lookup that ends on a throw route answers -EAGAIN,
/// so the rule walk goes on with the next rule; shorter prefixes of that
/// table are not tried; with nothing after it, ENETUNREACH (issue 13,
/// class 13).
#[test]
fn a_throw_route_sends_the_lookup_to_the_next_rule() {
    let mut fib = Fib::new();
    let t100 = |r: Route| Route { table: 100, ..r };
    fib.insert(t100(unicast([10, 0, 0, 0], 8, P1))).unwrap();
    fib.insert(Route {
        kind: RouteType::Throw,
        scope: Scope::Universe,
        port: None,
        ..t100(unicast([10, 97, 0, 0], 16, P1))
    })
    .unwrap();
    // A throw route takes no next hop.
    assert_eq!(
        fib.insert(Route {
            kind: RouteType::Throw,
            scope: Scope::Universe,
            ..t100(unicast([10, 98, 0, 0], 16, P1))
        }),
        Err(Errno::Einval)
    );
    fib.add_rule(Rule::new(100, RuleAction::ToTable(100)), true)
        .unwrap();
    let port = |fib: &Fib, d| {
        fib.fib_lookup(a(d), Ipv4Addr::UNSPECIFIED, None, None, 0, 0)
            .map(|r| r.nh.port)
    };
    assert_eq!(port(&fib, [10, 1, 0, 1]), Ok(Some(P1)));
    // Thrown, and main has nothing: not table 100's 10/8 either.
    assert_eq!(port(&fib, [10, 97, 0, 1]), Err(Errno::Enetunreach));
    fib.insert(unicast([10, 97, 0, 0], 16, P2)).unwrap();
    assert_eq!(port(&fib, [10, 97, 0, 1]), Ok(Some(P2)));
}

// SPDX-License-Identifier: GPL-2.0

//! Linux's route semantics, mirroring cases of
//! tools/testing/selftests/net/fib_tests.sh (named in each test), plus
//! multipath, TOS, on-link, rules over real tables and persistence.

use super::tests::{a, fl, unicast, with_addr, P1};
use super::*;
use crate::ipv4::iface::AddrTable;
use std::vec::Vec;

// fib_tests.sh's route setup: veth1 172.16.101.1/24, veth3 172.16.103.1/24.
const V1: PortId = PortId(1);
const V3: PortId = PortId(3);

fn fib_tests_setup() -> (Fib, AddrTable) {
    let (mut fib, mut addrs) = (Fib::new(), AddrTable::new());
    with_addr(&mut fib, &mut addrs, V1, [172, 16, 101, 1], 24);
    with_addr(&mut fib, &mut addrs, V3, [172, 16, 103, 1], 24);
    (fib, addrs)
}

fn via(gw: [u8; 4]) -> Route {
    Route {
        gateway: Some(a(gw)),
        port: None,
        scope: Scope::Universe,
        ..unicast([172, 16, 104, 0], 24, V1)
    }
}

fn nh(gw: [u8; 4]) -> NextHop {
    NextHop {
        gateway: Some(a(gw)),
        ..NextHop::default()
    }
}

/// The routes of 172.16.104.0/24 in main, in list order, as
/// (gateway, port, kind, metric).
fn listing(fib: &Fib) -> Vec<(Option<Ipv4Addr>, Option<PortId>, RouteType, u32)> {
    fib.table(RT_TABLE_MAIN)
        .and_then(|t| t.leaf(a([172, 16, 104, 0]).to_bits(), 24))
        .map(|l| {
            l.aliases()
                .map(|x| {
                    let r = x.route();
                    (r.gateway, r.port, r.kind, r.metric)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn g(o: [u8; 4]) -> Option<Ipv4Addr> {
    Some(a(o))
}

fn unreachable104() -> Route {
    Route {
        kind: RouteType::Unreachable,
        port: None,
        scope: Scope::Universe,
        ..unicast([172, 16, 104, 0], 24, V1)
    }
}

#[test]
fn ipv4_rt_add_duplicates_are_eexist() {
    // fib_tests.sh ipv4_rt_add: "Attempt to add duplicate route - gw /
    // dev only / reject route" all fail with EEXIST (NLM_F_EXCL).
    let (mut fib, _) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    assert_eq!(fib.insert(via([172, 16, 103, 2])), Err(Errno::Eexist));
    assert_eq!(
        fib.insert(unicast([172, 16, 104, 0], 24, V3)),
        Err(Errno::Eexist)
    );
    assert_eq!(fib.insert(unreachable104()), Err(Errno::Eexist));
}

#[test]
fn ipv4_rt_add_prepend_and_append() {
    // "Add new nexthop for existing prefix" (prepend goes first) and
    // "Append nexthop to existing route - gw / reject route".
    let (mut fib, _) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    fib.insert_route(via([172, 16, 103, 2]), &[], NlFlags::PREPEND)
        .unwrap();
    assert_eq!(
        listing(&fib),
        [
            (g([172, 16, 103, 2]), Some(V3), RouteType::Unicast, 0),
            (g([172, 16, 101, 2]), Some(V1), RouteType::Unicast, 0)
        ]
    );
    // The first one routes.
    assert_eq!(fl(&fib, a([172, 16, 104, 9]), None).unwrap().port, Some(V3));
    fib.insert_route(unreachable104(), &[], NlFlags::APPEND)
        .unwrap();
    assert_eq!(listing(&fib).len(), 3);
    assert_eq!(listing(&fib)[2].2, RouteType::Unreachable);
    // An identical route is EEXIST even with append.
    assert_eq!(
        fib.insert_route(via([172, 16, 101, 2]), &[], NlFlags::APPEND),
        Err(Errno::Eexist)
    );
    // With oif bound to veth1, the second route is used.
    assert_eq!(
        fl(&fib, a([172, 16, 104, 9]), Some(V1)).unwrap().gateway,
        g([172, 16, 101, 2])
    );
}

#[test]
fn ipv4_rt_add_append_to_a_reject_route() {
    // "Append nexthop to existing reject route - gw": the reject route
    // stays first and wins the lookup.
    let (mut fib, _) = fib_tests_setup();
    fib.insert(unreachable104()).unwrap();
    fib.insert_route(via([172, 16, 103, 2]), &[], NlFlags::APPEND)
        .unwrap();
    assert_eq!(listing(&fib)[0].2, RouteType::Unreachable);
    assert_eq!(
        fl(&fib, a([172, 16, 104, 1]), None),
        Err(Errno::Ehostunreach)
    );
}

#[test]
fn ipv4_rt_add_metrics_and_delete_with_metric() {
    // "Route add with different metrics" and "Route delete with metric".
    let (mut fib, _) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    fib.insert(Route {
        metric: 512,
        ..via([172, 16, 103, 2])
    })
    .unwrap();
    fib.insert(Route {
        metric: 256,
        ..via([172, 16, 103, 3])
    })
    .unwrap();
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a([172, 16, 104, 0]),
        prefix_len: 24,
        metric: Some(512),
        ..Default::default()
    };
    assert_eq!(fib.delete(&sel).unwrap().metric, 512);
    assert_eq!(
        listing(&fib),
        [
            (g([172, 16, 101, 2]), Some(V1), RouteType::Unicast, 0),
            (g([172, 16, 103, 3]), Some(V3), RouteType::Unicast, 256)
        ]
    );
    assert_eq!(fib.delete(&sel), Err(Errno::Esrch));
    // Partial key: the first route of the prefix goes.
    let any = RouteSelector {
        metric: None,
        ..sel
    };
    assert_eq!(fib.delete(&any).unwrap().metric, 0);
    // A missing table is ESRCH too.
    assert_eq!(
        fib.delete(&RouteSelector { table: 77, ..any }),
        Err(Errno::Esrch)
    );
}

#[test]
fn ipv4_rt_replace_single_and_multipath() {
    // fib_tests.sh ipv4_rt_replace_single.
    let (mut fib, _) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    fib.insert_route(via([172, 16, 103, 2]), &[], NlFlags::REPLACE)
        .unwrap();
    assert_eq!(
        listing(&fib),
        [(g([172, 16, 103, 2]), Some(V3), RouteType::Unicast, 0)]
    );
    // "Single path with multipath".
    fib.insert_route(
        via([0; 4]),
        &[nh([172, 16, 101, 3]), nh([172, 16, 103, 2])],
        NlFlags::REPLACE,
    )
    .unwrap();
    let t = fib.table(RT_TABLE_MAIN).unwrap();
    let leaf = t.leaf(a([172, 16, 104, 0]).to_bits(), 24).unwrap();
    let hops: Vec<_> = leaf
        .aliases()
        .next()
        .unwrap()
        .nexthops()
        .map(|h| (h.gateway, h.port))
        .collect();
    assert_eq!(
        hops,
        [
            (g([172, 16, 101, 3]), Some(V1)),
            (g([172, 16, 103, 2]), Some(V3))
        ]
    );
    assert_eq!(fib.len(), 4 + 2 + 1);
    // "Single path with reject route".
    fib.insert_route(unreachable104(), &[], NlFlags::REPLACE)
        .unwrap();
    assert_eq!(listing(&fib), [(None, None, RouteType::Unreachable, 0)]);
    // "Invalid nexthop": the route stays as it was.
    assert_eq!(
        fib.insert_route(via([172, 16, 105, 2]), &[], NlFlags::REPLACE),
        Err(Errno::Enetunreach)
    );
    assert_eq!(listing(&fib).len(), 1);
    // "Single path - replace of non-existent route" (ip route change).
    assert_eq!(
        fib.insert_route(
            Route {
                dst: a([172, 16, 105, 0]),
                ..via([172, 16, 101, 2])
            },
            &[],
            NlFlags::CHANGE
        ),
        Err(Errno::Enoent)
    );
}

#[test]
fn multipath_lookups_spread_by_flow_and_honour_oif() {
    let (mut fib, _) = fib_tests_setup();
    fib.insert_route(
        via([0; 4]),
        &[
            nh([172, 16, 101, 2]),
            NextHop {
                weight: 3,
                ..nh([172, 16, 103, 2])
            },
        ],
        NlFlags::ADD,
    )
    .unwrap();
    // "Attempt to add duplicate multipath route".
    assert_eq!(
        fib.insert_route(via([0; 4]), &[nh([172, 16, 101, 2])], NlFlags::ADD),
        Err(Errno::Eexist)
    );
    let mut per_port = [0u32; 4];
    for i in 0..4000u32 {
        let src = Ipv4Addr::from_bits(0x0a00_0000 | i);
        let r = fib
            .fib_lookup(a([172, 16, 104, 7]), src, None, None, 0, 0)
            .unwrap();
        per_port[r.nh.port.unwrap().0 as usize] += 1;
        // The same flow always takes the same path.
        let again = fib
            .fib_lookup(a([172, 16, 104, 7]), src, None, None, 0, 0)
            .unwrap();
        assert_eq!(again.nh_sel, r.nh_sel);
    }
    assert!((800..1200).contains(&per_port[1]), "{per_port:?}");
    assert!((2800..3200).contains(&per_port[3]), "{per_port:?}");
    // Bound to an output port, the next hop on it is chosen.
    let r = fib
        .fib_lookup(a([172, 16, 104, 7]), a([1, 1, 1, 1]), None, Some(V3), 0, 0)
        .unwrap();
    assert_eq!((r.nh_sel, r.nh.gateway), (1, g([172, 16, 103, 2])));
    // Bad weights are EINVAL.
    assert_eq!(
        fib.insert_route(
            Route {
                metric: 9,
                ..via([0; 4])
            },
            &[NextHop {
                weight: 0,
                ..nh([172, 16, 101, 2])
            }],
            NlFlags::ADD
        ),
        Err(Errno::Einval)
    );
}

#[test]
fn onlink_gateways_need_a_port_and_no_connected_route() {
    let (mut fib, _) = fib_tests_setup();
    let onlink = |gw: [u8; 4], port| Route {
        onlink: true,
        port,
        ..via(gw)
    };
    fib.insert(onlink([192, 0, 2, 1], Some(V1))).unwrap();
    let r = fl(&fib, a([172, 16, 104, 1]), None).unwrap();
    assert_eq!((r.gateway, r.port), (g([192, 0, 2, 1]), Some(V1)));
    let other = |r: Route| Route { metric: 1, ..r };
    assert_eq!(
        fib.insert(other(onlink([192, 0, 2, 1], None))),
        Err(Errno::Enodev)
    );
    // A local address as gateway is refused.
    assert_eq!(
        fib.insert(other(onlink([172, 16, 101, 1], Some(V1)))),
        Err(Errno::Einval)
    );
}

#[test]
fn tos_routes_match_only_their_tos() {
    // ipv4_rt_dsfield: a route with a TOS is used only for that TOS.
    let (mut fib, _) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    fib.insert(Route {
        tos: 0x10,
        ..via([172, 16, 103, 2])
    })
    .unwrap();
    let port = |tos| {
        fib.fib_lookup(
            a([172, 16, 104, 1]),
            Ipv4Addr::UNSPECIFIED,
            None,
            None,
            tos,
            0,
        )
        .unwrap()
        .nh
        .port
    };
    assert_eq!(port(0), Some(V1));
    assert_eq!(port(0x10), Some(V3));
    // Only IPTOS_RT_MASK counts in the lookup: 0x11 routes as 0x10.
    assert_eq!(port(0x11), Some(V3));
    assert_eq!(
        fib.insert(Route {
            tos: 0x01,
            metric: 3,
            ..via([172, 16, 103, 2])
        }),
        Err(Errno::Einval)
    );
    // Any DSCP is a valid route TOS (rtm_to_fib_config refuses only ECN
    // bits), but the lookup compares it with the flow's TOS bits
    // (fib_dscp_masked_match: RT_TOS), so a TOS of 0x20 is never chosen.
    fib.insert(Route {
        tos: 0x20,
        metric: 0,
        ..via([172, 16, 103, 3])
    })
    .unwrap();
    let port = |tos| {
        let r = fib.fib_lookup(
            a([172, 16, 104, 1]),
            Ipv4Addr::UNSPECIFIED,
            None,
            None,
            tos,
            0,
        );
        r.unwrap().nh.port
    };
    assert_eq!(port(0x20), Some(V1));
    assert_eq!(port(0x30), Some(V3));
    // The TOS is part of the delete key.
    let sel = RouteSelector {
        table: RT_TABLE_MAIN,
        dst: a([172, 16, 104, 0]),
        prefix_len: 24,
        tos: 0x10,
        ..Default::default()
    };
    assert_eq!(fib.delete(&sel).unwrap().tos, 0x10);
    assert_eq!(fib.delete(&sel), Err(Errno::Esrch));
}

#[test]
fn rules_pick_tables_and_fall_through_when_a_table_has_no_match() {
    let (mut fib, _) = fib_tests_setup();
    let t100 = |dst: [u8; 4], len, gw| Route {
        table: 100,
        dst: a(dst),
        prefix_len: len,
        ..via(gw)
    };
    fib.insert(t100([172, 16, 104, 0], 24, [172, 16, 103, 2]))
        .unwrap();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    fib.insert(Route {
        dst: a([172, 16, 105, 0]),
        ..via([172, 16, 101, 2])
    })
    .unwrap();
    assert!(fib.table(100).is_some());
    fib.add_rule(
        Rule {
            src: a([10, 1, 0, 0]),
            src_len: 16,
            ..Rule::new(100, RuleAction::ToTable(100))
        },
        true,
    )
    .unwrap();
    fib.add_rule(
        Rule {
            fwmark: 7,
            fwmask: 0xff,
            ..Rule::new(200, RuleAction::Prohibit)
        },
        true,
    )
    .unwrap();
    let port = |fib: &Fib, src: [u8; 4], dst: [u8; 4], mark| {
        fib.fib_lookup(a(dst), a(src), None, None, 0, mark)
            .map(|r| (r.route.table, r.nh.port))
    };
    assert_eq!(
        port(&fib, [10, 1, 1, 1], [172, 16, 104, 1], 0),
        Ok((100, Some(V3)))
    );
    assert_eq!(
        port(&fib, [10, 2, 1, 1], [172, 16, 104, 1], 0),
        Ok((254, Some(V1)))
    );
    // Table 100 has no 172.16.105/24: the walk goes on to main (-EAGAIN).
    assert_eq!(
        port(&fib, [10, 1, 1, 1], [172, 16, 105, 1], 0),
        Ok((254, Some(V1)))
    );
    assert_eq!(
        port(&fib, [10, 2, 1, 1], [172, 16, 104, 1], 7),
        Err(Errno::Eacces)
    );
    // Local addresses come from the local table, rule 0.
    assert_eq!(
        fl(&fib, a([172, 16, 101, 1]), None).unwrap().kind,
        RouteType::Local
    );
    // Deleting the main rule makes main unreachable by the rules.
    fib.del_rule(&RuleSelector {
        priority: Some(32766),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        port(&fib, [10, 2, 1, 1], [172, 16, 104, 1], 0),
        Err(Errno::Enetunreach)
    );
    // Tables are removable only when empty.
    assert_eq!(fib.del_table(100), Err(Errno::Ebusy));
    let sel = RouteSelector {
        table: 100,
        dst: a([172, 16, 104, 0]),
        prefix_len: 24,
        ..Default::default()
    };
    fib.delete(&sel).unwrap();
    assert_eq!(fib.del_table(100), Ok(()));
    assert_eq!(fib.del_table(100), Err(Errno::Enoent));
}

#[test]
fn a_clone_keeps_answering_as_before_after_updates() {
    let (mut fib, addrs) = fib_tests_setup();
    fib.insert(via([172, 16, 101, 2])).unwrap();
    let old = fib.try_clone().unwrap();
    fib.insert_route(via([172, 16, 103, 2]), &[], NlFlags::REPLACE)
        .unwrap();
    fib.remove_port(V1).unwrap();
    let _ = addrs;
    assert_eq!(fl(&old, a([172, 16, 104, 1]), None).unwrap().port, Some(V1));
    assert_eq!(fl(&fib, a([172, 16, 104, 1]), None).unwrap().port, Some(V3));
    assert_eq!(old.len(), 7);
    assert_eq!(fib.len(), 4);
}

#[test]
fn table_zero_means_main() {
    let mut fib = Fib::new();
    fib.insert(Route {
        table: 0,
        ..unicast([10, 0, 0, 0], 8, P1)
    })
    .unwrap();
    assert_eq!(fib.routes().next().map(|r| r.table), Some(RT_TABLE_MAIN));
    assert!(fib.table(0).is_some());
}

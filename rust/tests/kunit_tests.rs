// SPDX-License-Identifier: GPL-2.0

//! KUnit suites of ferroute's test module; they run when ferroute_kunit.ko
//! loads and report in KTAP (parsed by the kernel tree's kunit.py in
//! `make check`).
//!
//! They prove in the real kernel what host tests cannot: that the
//! abstractions behave (skb geometry, fallible vectors over KVec, RCU
//! publication) and that the IPv4 logic computes the same answers when
//! built with the kernel's flags.

use crate::abstractions::rcu::{RcuBox, RcuMutexBox, ReadGuard};
use crate::abstractions::skbuff::SkBuff;
use crate::kexpect;
use crate::kunit::Test;
use crate::platform::TryVec;
use kernel::prelude::*;

crate::kunit_suite!(
    ferroute_abstractions,
    "ferroute_abstractions",
    [
        skb_put_push_pull_keep_geometry,
        skb_refuses_to_overrun,
        skb_trim_drops_padding,
        tryvec_remove_keeps_order,
        tryvec_retain_and_truncate,
        rcubox_publishes_and_replaces,
        rcu_mutex_box_writer_reads_what_it_published,
        percpu_counters_sum_over_cpus,
    ]
);

fn skb_put_push_pull_keep_geometry(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc(32, 100) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, skb.headroom() == 32);
    kexpect!(t, skb.put(20).map(|b| b.fill(0xab)).is_some());
    kexpect!(t, skb.len() == 20);
    kexpect!(t, skb.push::<14>().map(|b| b.fill(0x11)).is_some());
    kexpect!(t, skb.len() == 34 && skb.headroom() == 18);
    kexpect!(t, skb.data().first() == Some(&0x11));
    kexpect!(t, skb.pull(14).is_some());
    kexpect!(t, skb.data().first() == Some(&0xab) && skb.len() == 20);
    skb.consume();
}

fn skb_refuses_to_overrun(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc(8, 16) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, skb.push::<9>().is_none());
    kexpect!(t, skb.pull(1).is_none());
    kexpect!(t, skb.put(10_000).is_none());
    kexpect!(t, skb.is_empty());
    skb.consume();
}

fn skb_trim_drops_padding(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc(0, 64) else {
        kexpect!(t, false);
        return;
    };
    let _ = skb.put(60);
    kexpect!(t, skb.trim(42).is_ok());
    kexpect!(t, skb.len() == 42);
    kexpect!(t, skb.trim(100).is_ok() && skb.len() == 42);
    skb.consume();
}

fn tryvec_remove_keeps_order(t: &mut Test) {
    let mut v: TryVec<_> = TryVec::new();
    for i in 0..5u32 {
        kexpect!(t, v.try_push(i).is_ok());
    }
    kexpect!(t, v.remove(1) == Some(1));
    kexpect!(t, v.as_slice() == [0, 2, 3, 4]);
    kexpect!(t, v.swap_remove(0) == Some(0));
    kexpect!(t, v.as_slice() == [4, 2, 3]);
    kexpect!(t, v.remove(7).is_none());
    kexpect!(t, v.try_insert(1, 9).is_ok());
    kexpect!(t, v.as_slice() == [4, 9, 2, 3]);
    kexpect!(t, v.pop() == Some(3));
}

fn tryvec_retain_and_truncate(t: &mut Test) {
    let mut v: TryVec<_> = TryVec::new();
    for i in 0..10u32 {
        let _ = v.try_push(i);
    }
    v.retain(|x| x % 3 == 0);
    kexpect!(t, v.as_slice() == [0, 3, 6, 9]);
    v.truncate(2);
    kexpect!(t, v.as_slice() == [0, 3]);
    let c = v.try_clone();
    kexpect!(t, c.map(|c| c.as_slice() == [0, 3]).unwrap_or(false));
    v.clear();
    kexpect!(t, v.is_empty());
}

fn rcubox_publishes_and_replaces(t: &mut Test) {
    let cell: RcuBox<u32> = RcuBox::empty();
    {
        let g = ReadGuard::new();
        kexpect!(t, cell.read(&g).is_none());
    }
    if let Ok(b) = KBox::new(7u32, GFP_KERNEL) {
        cell.replace(Some(b));
    }
    {
        let g = ReadGuard::new();
        kexpect!(t, cell.read(&g) == Some(&7));
    }
    if let Ok(b) = KBox::new(8u32, GFP_KERNEL) {
        cell.replace(Some(b));
    }
    let g = ReadGuard::new();
    kexpect!(t, cell.read(&g) == Some(&8));
}

/// The writer's unguarded view (`RcuWriter::current`) is the last value
/// published, by this writer or an earlier one, and readers see the same.
fn rcu_mutex_box_writer_reads_what_it_published(t: &mut Test) {
    let Ok(cell) = KBox::pin_init(RcuMutexBox::<u32>::new(), GFP_KERNEL) else {
        kexpect!(t, false);
        return;
    };
    {
        let mut w = cell.lock();
        kexpect!(t, w.current().is_none());
        if let Ok(b) = KBox::new(7u32, GFP_KERNEL) {
            w.replace(Some(b));
        }
        kexpect!(t, w.current() == Some(&7));
        // The next value built from the current one, as the router does.
        let next = w.current().map(|v| v + 1).unwrap_or(0);
        if let Ok(b) = KBox::new(next, GFP_KERNEL) {
            w.replace_deferred(Some(b));
        }
        kexpect!(t, w.current() == Some(&8));
    }
    {
        let g = ReadGuard::new();
        kexpect!(t, cell.read(&g) == Some(&8));
    }
    let w = cell.lock();
    kexpect!(t, w.current() == Some(&8));
}

fn percpu_counters_sum_over_cpus(t: &mut Test) {
    let Ok(c) = crate::abstractions::percpu::PerCpuCounters::<3>::new() else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, c.sum(0) == 0 && c.sum(2) == 0);
    for _ in 0..5 {
        c.inc(1);
    }
    c.inc(2);
    c.inc(3); // out of range: ignored
    kexpect!(t, c.sum(0) == 0);
    kexpect!(t, c.sum(1) == 5);
    kexpect!(t, c.sum(2) == 1);
    kexpect!(t, c.sum(3) == 0);
}

crate::kunit_suite!(
    ferroute_ipv4,
    "ferroute_ipv4",
    [
        checksum_of_rfc1071_example,
        ip_rcv_core_classifies_bad_headers,
        addresses_create_local_and_connected_routes,
        route_output_answers_from_the_pinged_address,
        arp_request_for_our_address_gets_a_reply,
        neigh_queues_until_resolved,
    ]
);

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::arp::{arp_process, ArpConf};
use crate::ipv4::devinet::inet_insert_ifa;
use crate::ipv4::fib::{Fib, RouteType};
use crate::ipv4::iface::{AddrTable, IfAddr, PortId};
use crate::ipv4::neigh::{NeighCache, Resolve};
use crate::ipv4::receive::ip_rcv_core;
use crate::ipv4::route::route_output;
use crate::ipv4::stats::DropReason;
use crate::ipv4::wire::arp::Repr as ArpRepr;
use crate::ipv4::wire::ethernet::PacketType;

/// A valid 20-byte header: 10.1.0.2 -> 10.1.0.1, ICMP, tot_len 84.
const HEADER: [u8; 20] = [
    0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00, 10, 1, 0, 2, 10, 1, 0,
    1,
];

fn valid_packet() -> [u8; 84] {
    let mut p = [0u8; 84];
    p[..20].copy_from_slice(&HEADER);
    let c = crate::ipv4::checksum::checksum(&p[..20]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p
}

fn router_with(addr: Ipv4Addr, plen: u8) -> (AddrTable, Fib) {
    let mut addrs = AddrTable::new();
    let mut fib = Fib::new();
    let _ = inet_insert_ifa(
        &mut addrs,
        &mut fib,
        IfAddr {
            port: PortId(1),
            addr,
            prefix_len: plen,
        },
        true,
    );
    (addrs, fib)
}

fn checksum_of_rfc1071_example(t: &mut Test) {
    // RFC 1071 section 3: the sum of these words is 0xddf2.
    let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
    kexpect!(t, crate::ipv4::checksum::checksum(&data) == !0xddf2u16);
    let p = valid_packet();
    kexpect!(t, crate::ipv4::checksum::checksum(&p[..20]) == 0);
}

fn ip_rcv_core_classifies_bad_headers(t: &mut Test) {
    let good = valid_packet();
    kexpect!(
        t,
        ip_rcv_core(&good)
            .map(|h| h.total_len == 84)
            .unwrap_or(false)
    );
    kexpect!(t, ip_rcv_core(&good[..19]) == Err(DropReason::IpInhdr));
    let mut bad_csum = good;
    bad_csum[10] ^= 0xff;
    kexpect!(t, ip_rcv_core(&bad_csum) == Err(DropReason::IpCsum));
    let mut short_ihl = good;
    short_ihl[0] = 0x44;
    kexpect!(t, ip_rcv_core(&short_ihl) == Err(DropReason::IpInhdr));
    kexpect!(t, ip_rcv_core(&good[..60]) == Err(DropReason::PktTooSmall));
}

fn addresses_create_local_and_connected_routes(t: &mut Test) {
    let (addrs, fib) = router_with(Ipv4Addr::new(10, 1, 0, 1), 24);
    kexpect!(t, addrs.is_local(Ipv4Addr::new(10, 1, 0, 1)));
    let local = fib.lookup(Ipv4Addr::new(10, 1, 0, 1), None);
    kexpect!(
        t,
        local
            .map(|r| r.kind == RouteType::Local && r.table == 255)
            .unwrap_or(false)
    );
    let connected = fib.lookup(Ipv4Addr::new(10, 1, 0, 77), None);
    kexpect!(
        t,
        connected
            .map(|r| r.kind == RouteType::Unicast && r.prefix_len == 24)
            .unwrap_or(false)
    );
    kexpect!(t, fib.lookup(Ipv4Addr::new(10, 2, 0, 1), None).is_none());
}

fn route_output_answers_from_the_pinged_address(t: &mut Test) {
    let (addrs, fib) = router_with(Ipv4Addr::new(10, 1, 0, 1), 24);
    let rt = route_output(&fib, &addrs, Ipv4Addr::new(10, 1, 0, 2), None, None);
    kexpect!(
        t,
        rt.map(|r| r.src == Ipv4Addr::new(10, 1, 0, 1) && r.port == PortId(1))
            .unwrap_or(false)
    );
    kexpect!(
        t,
        route_output(&fib, &addrs, Ipv4Addr::new(192, 0, 2, 1), None, None).is_err()
    );
}

fn arp_request_for_our_address_gets_a_reply(t: &mut Test) {
    let (addrs, fib) = router_with(Ipv4Addr::new(10, 1, 0, 1), 24);
    let ours = [0x02, 0, 0, 0, 0, 1];
    let theirs = [0x02, 0, 0, 0, 0, 2];
    let request = ArpRepr::request(
        theirs,
        Ipv4Addr::new(10, 1, 0, 2),
        Ipv4Addr::new(10, 1, 0, 1),
    );
    let mut buf = [0u8; 28];
    kexpect!(t, request.emit(&mut buf).is_ok());
    let d = arp_process(
        &buf,
        PortId(1),
        ours,
        PacketType::Broadcast,
        &addrs,
        &fib,
        ArpConf::DEFAULT,
    );
    let reply = d.ok().and_then(|d| d.reply);
    kexpect!(t, reply.map(|r| !r.is_request()).unwrap_or(false));
    let other = ArpRepr::request(
        theirs,
        Ipv4Addr::new(10, 1, 0, 2),
        Ipv4Addr::new(10, 1, 0, 9),
    );
    kexpect!(t, other.emit(&mut buf).is_ok());
    let d = arp_process(
        &buf,
        PortId(1),
        ours,
        PacketType::Broadcast,
        &addrs,
        &fib,
        ArpConf::DEFAULT,
    );
    kexpect!(t, d.map(|d| d.reply.is_none()).unwrap_or(false));
}

fn neigh_queues_until_resolved(t: &mut Test) {
    let mut cache: NeighCache<u32> = NeighCache::new();
    // The lock-free view, in the kernel's SharedSlice.
    let Ok(hh) = cache.try_hh() else {
        kexpect!(t, false);
        return;
    };
    let ip = Ipv4Addr::new(10, 1, 0, 2);
    let first = cache.resolve(PortId(1), ip, 0, 7);
    kexpect!(
        t,
        matches!(
            first,
            Resolve::Queued {
                send_request: true,
                ..
            }
        )
    );
    let second = cache.resolve(PortId(1), ip, 1, 8);
    kexpect!(
        t,
        matches!(
            second,
            Resolve::Queued {
                send_request: false,
                ..
            }
        )
    );
    let update = crate::ipv4::neigh::NeighUpdate {
        port: PortId(1),
        ip,
        mac: [2, 0, 0, 0, 0, 2],
        reachable: true,
        create: true,
        force_override: false,
    };
    let mut released: TryVec<_> = TryVec::new();
    for p in cache.update(&update, 2) {
        let _ = released.try_push(p);
    }
    kexpect!(t, released.as_slice() == [7, 8]);
    kexpect!(t, hh.lookup(PortId(1), ip, 3) == Some([2, 0, 0, 0, 0, 2]));
    kexpect!(t, hh.lookup(PortId(2), ip, 3).is_none());
    kexpect!(
        t,
        matches!(cache.resolve(PortId(1), ip, 3, 9), Resolve::Ready(_, 9))
    );
    kexpect!(t, cache.flush_port(PortId(1), |_| ()) == 0);
    kexpect!(t, hh.lookup(PortId(1), ip, 3).is_none());
}

// SPDX-License-Identifier: GPL-2.0

//! Lookup and update speed of the FIB on a realistic table.
//!
//! The table is the RouteViews snapshot Debian's python3-pyasn ships
//! (`ipasn_20140513.dat.gz`, 512,621 IPv4 prefixes), read with `zcat` if
//! present (or the file named by `FERROUTE_BENCH_TABLE`); otherwise a table
//! of the same size with the same prefix-length distribution is generated.
//! Every prefix becomes a direct unicast route in table main on one of 8
//! ports. Keys are 1M pseudo-random addresses.
//!
//! Run with `cargo bench -p ferroute-host --bench fib`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use ferroute_host::ipv4::addr::Ipv4Addr;
use ferroute_host::ipv4::fib::lpm::Trie;
use ferroute_host::ipv4::fib::{
    Fib, NlFlags, Route, RouteProtocol, RouteSelector, RouteType, RT_TABLE_MAIN,
};
use ferroute_host::ipv4::iface::{PortId, Scope};
use std::time::Instant;

const PYASN: &str = "/usr/lib/python3/dist-packages/data/ipasn_20140513.dat.gz";

/// Prefix-length histogram of the 2014-05-13 RouteViews table (counts per
/// length 0..=32), used when the file is missing.
const HISTOGRAM: [u32; 33] = [
    0, 0, 0, 0, 0, 0, 0, 0, 16, 11, 30, 95, 270, 520, 1020, 1800, 13200, 7200, 12300, 24600, 34600,
    38700, 56000, 48600, 274000, 0, 0, 0, 0, 0, 0, 0, 0,
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

fn load_table() -> (Vec<(u32, u8)>, &'static str) {
    let path = std::env::var("FERROUTE_BENCH_TABLE").unwrap_or_else(|_| PYASN.into());
    if let Ok(out) = std::process::Command::new("zcat").arg(&path).output() {
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut v = Vec::new();
            for line in text.lines() {
                if line.starts_with(';') {
                    continue;
                }
                let Some(pfx) = line.split_whitespace().next() else {
                    continue;
                };
                let Some((addr, len)) = pfx.split_once('/') else {
                    continue;
                };
                let (Ok(addr), Ok(len)) = (addr.parse::<std::net::Ipv4Addr>(), len.parse::<u8>())
                else {
                    continue;
                };
                if len <= 32 {
                    v.push((u32::from(addr) & mask(len), len));
                }
            }
            if !v.is_empty() {
                return (v, "RouteViews 2014-05-13 (python3-pyasn)");
            }
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut v = Vec::new();
    for (len, n) in HISTOGRAM.iter().enumerate() {
        for _ in 0..*n {
            let len = len as u8;
            v.push((rng.next() & mask(len), len));
        }
    }
    (v, "generated (RouteViews 2014 length distribution)")
}

fn route(prefix: u32, len: u8, i: usize) -> Route {
    Route {
        table: RT_TABLE_MAIN,
        dst: Ipv4Addr::from_bits(prefix),
        prefix_len: len,
        kind: RouteType::Unicast,
        scope: Scope::Link,
        protocol: RouteProtocol::Boot,
        gateway: None,
        port: Some(PortId((i % 8) as u32 + 1)),
        prefsrc: None,
        metric: 0,
        tos: 0,
        mtu: 0,
        onlink: false,
    }
}

fn build() -> (Fib, Trie<u32>, Vec<(u32, u8)>) {
    let (prefixes, source) = load_table();
    let mut fib = Fib::new();
    let t0 = Instant::now();
    let mut n = 0usize;
    for (i, (p, l)) in prefixes.iter().enumerate() {
        if fib.insert(route(*p, *l, i)).is_ok() {
            n += 1;
        }
    }
    let fib_load = t0.elapsed();
    let mut trie = Trie::new();
    let t0 = Instant::now();
    for (i, (p, l)) in prefixes.iter().enumerate() {
        let _ = trie.insert(*p, *l, i as u32);
    }
    let trie_load = t0.elapsed();
    let s = fib.stats();
    let ts = trie.stats();
    eprintln!("table: {source}: {} prefixes, {n} routes", prefixes.len());
    eprintln!(
        "load: Fib::insert {:.3} s ({:.0} ns/route); bare Trie::insert {:.3} s ({:.0} ns/prefix)",
        fib_load.as_secs_f64(),
        fib_load.as_nanos() as f64 / n as f64,
        trie_load.as_secs_f64(),
        trie_load.as_nanos() as f64 / prefixes.len() as f64
    );
    eprintln!(
        "memory: Fib {} trie nodes, {} bytes with route lists ({:.1} B/route; {:.1} B/route as the slab allocator sizes them; Route is {} B); bare Trie<u32> {} bytes ({:.1} B/prefix)",
        s.nodes,
        s.bytes,
        s.bytes as f64 / n as f64,
        s.slab_bytes as f64 / n as f64,
        std::mem::size_of::<Route>(),
        ts.bytes,
        ts.bytes as f64 / ts.prefixes as f64,
    );
    (fib, trie, prefixes)
}

fn benches(c: &mut Criterion) {
    let (fib, trie, prefixes) = build();
    let mut rng = Rng(12345);
    let keys: Vec<u32> = (0..1 << 20).map(|_| rng.next()).collect();
    let hits = keys
        .iter()
        .filter(|k| fib.lookup(Ipv4Addr::from_bits(**k), None).is_some())
        .count();
    eprintln!("random keys with a route: {hits} of {}", keys.len());
    const BATCH: usize = 1024;
    let mut g = c.benchmark_group("fib_lookup");
    g.throughput(Throughput::Elements(BATCH as u64));
    let mut off = 0usize;
    g.bench_function("trie_longest", |b| {
        b.iter(|| {
            off = (off + BATCH) & (keys.len() - 1);
            let mut acc = 0u32;
            for k in &keys[off..off + BATCH] {
                if let Some((l, v)) = trie.longest(*k) {
                    acc = acc.wrapping_add(u32::from(l)).wrapping_add(*v);
                }
            }
            black_box(acc)
        })
    });
    let main = fib.table(RT_TABLE_MAIN).unwrap();
    g.bench_function("fib_table_lookup", |b| {
        b.iter(|| {
            off = (off + BATCH) & (keys.len() - 1);
            let mut acc = 0usize;
            for k in &keys[off..off + BATCH] {
                if let ferroute_host::ipv4::fib::TableLookup::Found { nh_sel, .. } =
                    main.lookup(*k, None, 0, Scope::Universe)
                {
                    acc += nh_sel + 1;
                }
            }
            black_box(acc)
        })
    });
    g.bench_function("fib_lookup_rules", |b| {
        b.iter(|| {
            off = (off + BATCH) & (keys.len() - 1);
            let mut acc = 0usize;
            for k in &keys[off..off + BATCH] {
                if let Ok(r) = fib.fib_lookup(
                    Ipv4Addr::from_bits(*k),
                    Ipv4Addr::UNSPECIFIED,
                    None,
                    None,
                    0,
                    0,
                ) {
                    acc += r.nh_sel + 1;
                }
            }
            black_box(acc)
        })
    });
    // The bench router's FIB (fwd-bench.sh): three ports with an address
    // each (their local, broadcast and connected routes), one route to
    // the sink's network; destinations spread over it, as pktgen sends.
    let mut small = Fib::new();
    let mut addrs = ferroute_host::ipv4::iface::AddrTable::new();
    for (port, net) in [(1u32, 1u8), (2, 2), (3, 3)] {
        let ifa = ferroute_host::ipv4::iface::IfAddr {
            port: PortId(port),
            addr: Ipv4Addr::new(10, net, 0, 1),
            prefix_len: 24,
        };
        ferroute_host::ipv4::devinet::inet_insert_ifa(&mut addrs, &mut small, ifa, true).unwrap();
    }
    small
        .insert(Route {
            dst: Ipv4Addr::new(10, 9, 0, 0),
            prefix_len: 16,
            gateway: Some(Ipv4Addr::new(10, 2, 0, 2)),
            scope: Scope::Universe,
            ..route(0, 16, 1)
        })
        .unwrap();
    let remote: Vec<Ipv4Addr> = keys
        .iter()
        .map(|k| Ipv4Addr::from_bits(0x0a09_0000 | (k & 0xffff)))
        .collect();
    g.bench_function("fib_lookup_one_route", |b| {
        b.iter(|| {
            off = (off + BATCH) & (keys.len() - 1);
            let mut acc = 0usize;
            for d in &remote[off..off + BATCH] {
                if let Ok(r) =
                    small.fib_lookup(*d, Ipv4Addr::new(10, 1, 0, 2), Some(PortId(1)), None, 0, 0)
                {
                    acc += r.nh_sel + 1;
                }
            }
            black_box(acc)
        })
    });
    // The whole input decision a forwarded packet of the bench takes
    // (martian checks, the lookup, source validation, the redirect test).
    let conf = ferroute_host::ipv4::devconf::PortConf::default();
    g.bench_function("route_input_one_route", |b| {
        b.iter(|| {
            off = (off + BATCH) & (keys.len() - 1);
            let mut acc = 0usize;
            for d in &remote[off..off + BATCH] {
                if let Ok(ferroute_host::ipv4::route::InputRoute::Forward { port, .. }) =
                    ferroute_host::ipv4::route::route_input(
                        &small,
                        &addrs,
                        Ipv4Addr::new(10, 1, 0, 2),
                        *d,
                        PortId(1),
                        &conf,
                    )
                {
                    acc += port.0 as usize;
                }
            }
            black_box(acc)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("fib_update");
    // One route added to and deleted from the full table (path copy).
    let mut fib2 = fib.try_clone().unwrap();
    let mut i = 0usize;
    g.bench_function("insert_delete_24", |b| {
        b.iter(|| {
            i = (i + 1) % prefixes.len();
            let p = 0xc633_6400u32 ^ ((i as u32 & 0xff) << 8); // 198.51.x.0/24
            let r = route(p, 24, i);
            let _ = fib2.insert_route(r, &[], NlFlags::PREPEND);
            let sel = RouteSelector {
                table: RT_TABLE_MAIN,
                dst: Ipv4Addr::from_bits(p),
                prefix_len: 24,
                ..Default::default()
            };
            black_box(fib2.delete(&sel).ok())
        })
    });
    g.bench_function("try_clone", |b| {
        b.iter(|| black_box(fib.try_clone().unwrap()))
    });
    g.finish();
}

criterion_group! {
    name = fib;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(fib);

// SPDX-License-Identifier: GPL-2.0

//! `fib-bench`: ferroute's FIB lookup against the kernel's
//! `fib_table_lookup`, both called from kernel code over the same random
//! keys (`make bench`, tools/testing/bench/fib-bench.sh).
//!
//! Three passes over the keys, each timed with `ktime_get_ns`, run chunk
//! by chunk in turn (see [`run_interleaved`]):
//! 1. ferroute's main-table lookup ([`Table::lookup`] with no output port,
//!    TOS 0, universe scope: what `fib_table_lookup` is in ferroute);
//! 2. the kernel's `fib_table_lookup` on the caller's namespace's main
//!    table (no interface, TOS 0, `FIB_LOOKUP_NOREF`);
//! 3. ferroute's full `fib_lookup` (policy rules, then tables), what route
//!    input calls for a forwarded packet.
//!
//! The keys are processed in chunks of [`CHUNK`], each inside one RCU
//! read-side section (one for the whole chunk, not one per key), with
//! `cond_resched` between chunks outside the timed region, so a long run
//! does not hog the CPU. Every pass writes each key's prefix length (or
//! [`MISS`]) to a buffer the same way, so the passes do the same extra work,
//! and passes 1 and 2 are compared afterwards.

use super::Router;
use crate::abstractions::genetlink::Request;
use crate::abstractions::kernel_fib::{ensure_main_table, FlowKey, KernelFibTable};
use crate::abstractions::rcu::ReadGuard;
use crate::abstractions::sync::RtnlGuard;
use crate::abstractions::time::{cond_resched, ktime_get_ns};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::fib::{TableLookup, RT_TABLE_MAIN};
use crate::ipv4::iface::Scope;
use crate::uapi::attr;
use kernel::alloc::KVVec;
use kernel::c_str;
use kernel::prelude::*;

/// Keys when the request names no number.
const DEFAULT_KEYS: u32 = 1_000_000;
/// Most keys a request may ask for (64 MiB of keys).
const MAX_KEYS: u32 = 1 << 24;
/// Seed when the request names none.
const DEFAULT_SEED: u32 = 12345;
/// Keys per RCU read-side section; `cond_resched` runs between chunks.
const CHUNK: usize = 1 << 14;
/// The prefix length recorded for a key without a route.
const MISS: u8 = 0xff;

/// xorshift64*, the generator of the host criterion bench.
struct Rng(u64);

impl Rng {
    fn new(seed: u32) -> Self {
        // Never zero: xorshift would stay at zero.
        Self(u64::from(seed) ^ 0x9e37_79b9_7f4a_7c15)
    }

    fn next(&mut self) -> u32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }
}

/// A vector of `n` copies of `v`, vmalloc'd if large; fails with ENOMEM.
fn filled<T: Copy>(n: usize, v: T) -> Result<KVVec<T>> {
    let mut out = KVVec::with_capacity(n, GFP_KERNEL)?;
    for _ in 0..n {
        out.push(v, GFP_KERNEL)?;
    }
    Ok(out)
}

/// What one timed pass measured.
#[derive(Default)]
struct Pass {
    ns: u64,
    hits: u32,
}

impl Pass {
    fn add(&mut self, (ns, hits): (u64, u32)) {
        self.ns = self.ns.saturating_add(ns);
        self.hits = self.hits.saturating_add(hits);
    }
}

/// A lookup pass over one chunk: writes the prefix lengths of `keys` to
/// the slice it is given, times itself and returns (nanoseconds, hits).
type ChunkLookup<'a> = dyn FnMut(&[u32], &mut [u8]) -> (u64, u32) + 'a;

/// Runs each of `passes` over every chunk of `keys`, writing its prefix
/// lengths to its own buffer (`plens`, one a pass), chunk by chunk: every
/// chunk goes through all the passes before the next one, in an order
/// that rotates from chunk to chunk, so that a change in the host's speed
/// during the run (TCG shares the host's CPUs) falls on all of them alike
/// instead of on whichever pass ran at that time.
fn run_interleaved<const N: usize>(
    keys: &[u32],
    mut plens: [&mut [u8]; N],
    mut passes: [&mut ChunkLookup<'_>; N],
) -> [Pass; N] {
    let mut out = core::array::from_fn(|_| Pass::default());
    for (i, k) in keys.chunks(CHUNK).enumerate() {
        let start = i.saturating_mul(CHUNK);
        let end = start.saturating_add(k.len());
        for j in 0..N {
            let which = (i + j) % N;
            let (Some(p), Some(lookup), Some(acc)) = (
                plens.get_mut(which).and_then(|b| b.get_mut(start..end)),
                passes.get_mut(which),
                out.get_mut(which),
            ) else {
                continue;
            };
            acc.add(lookup(k, p));
        }
        cond_resched();
    }
    out
}

/// The `fib-bench` operation.
pub(crate) fn fib_bench(router: &Router, req: &Request<'_>) -> Result {
    let n = req
        .attr(attr::BENCH_KEYS)
        .and_then(|a| a.u32())
        .unwrap_or(DEFAULT_KEYS);
    if n == 0 || n > MAX_KEYS {
        req.set_bad_attr(attr::BENCH_KEYS);
        req.set_err_msg(c_str!("bench-keys must be 1..=16777216"));
        return Err(EINVAL);
    }
    let seed = req
        .attr(attr::BENCH_SEED)
        .and_then(|a| a.u32())
        .unwrap_or(DEFAULT_SEED);
    let len = n as usize;

    let mut keys = KVVec::with_capacity(len, GFP_KERNEL)?;
    let mut rng = Rng::new(seed);
    for _ in 0..len {
        keys.push(rng.next(), GFP_KERNEL)?;
    }
    let mut ours = filled(len, MISS)?;
    let mut linux = filled(len, MISS)?;
    let mut rules = filled(len, MISS)?;

    // The kernel's main table must exist before the passes start.
    let net = req.net();
    if !ensure_main_table(&net, &RtnlGuard::lock()) {
        req.set_err_msg(c_str!("no kernel main table in this namespace"));
        return Err(ENOENT);
    }

    // 1. ferroute's main table.
    let mut fer_pass = |keys: &[u32], plens: &mut [u8]| {
        router
            .with_config(|c| {
                let Some(t) = c.fib.table(RT_TABLE_MAIN) else {
                    return (0, 0);
                };
                let mut hits = 0u32;
                let t0 = ktime_get_ns();
                for (k, p) in keys.iter().zip(plens.iter_mut()) {
                    if let TableLookup::Found { alias, .. } = t.lookup(*k, None, 0, Scope::Universe)
                    {
                        *p = alias.route().prefix_len;
                        hits += 1;
                    }
                }
                (ktime_get_ns().saturating_sub(t0), hits)
            })
            .unwrap_or((0, 0))
    };

    // 2. The kernel's main table, looked up again in each chunk's RCU
    // read-side section: no lock is held over the pass.
    let mut flow = FlowKey::new();
    let mut lin_pass = |keys: &[u32], plens: &mut [u8]| {
        let guard = ReadGuard::new();
        let Some(table) = KernelFibTable::main(&net, &guard) else {
            return (0, 0);
        };
        let mut hits = 0u32;
        let t0 = ktime_get_ns();
        for (k, p) in keys.iter().zip(plens.iter_mut()) {
            if let Some(l) = table.lookup(&guard, &mut flow, *k) {
                *p = l;
                hits += 1;
            }
        }
        (ktime_get_ns().saturating_sub(t0), hits)
    };

    // 3. ferroute's fib_lookup: rules, then tables.
    let mut full_pass = |keys: &[u32], plens: &mut [u8]| {
        router
            .with_config(|c| {
                let mut hits = 0u32;
                let t0 = ktime_get_ns();
                for (k, p) in keys.iter().zip(plens.iter_mut()) {
                    let dst = Ipv4Addr::from_bits(*k);
                    if let Ok(r) = c
                        .fib
                        .fib_lookup(dst, Ipv4Addr::UNSPECIFIED, None, None, 0, 0)
                    {
                        *p = r.route.prefix_len;
                        hits += 1;
                    }
                }
                (ktime_get_ns().saturating_sub(t0), hits)
            })
            .unwrap_or((0, 0))
    };

    let [fer, lin, full] = run_interleaved(
        &keys,
        [&mut ours[..], &mut linux[..], &mut rules[..]],
        [&mut fer_pass, &mut lin_pass, &mut full_pass],
    );

    let mismatches = ours
        .iter()
        .zip(linux.iter())
        .filter(|(a, b)| a != b)
        .count();
    let (routes, nodes, bytes) = router
        .with_config(|c| {
            c.fib.table(RT_TABLE_MAIN).map_or((0, 0, 0), |t| {
                let s = t.stats();
                (t.len(), s.nodes, s.bytes)
            })
        })
        .unwrap_or((0, 0, 0));
    let sat32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);

    req.reply(|m| {
        m.put_u32(attr::BENCH_KEYS, n)?;
        m.put_u32(attr::BENCH_SEED, seed)?;
        m.put_u64(attr::BENCH_FERROUTE_NS, fer.ns)?;
        m.put_u32(attr::BENCH_FERROUTE_HITS, fer.hits)?;
        m.put_u64(attr::BENCH_LINUX_NS, lin.ns)?;
        m.put_u32(attr::BENCH_LINUX_HITS, lin.hits)?;
        m.put_u64(attr::BENCH_RULES_NS, full.ns)?;
        m.put_u32(attr::BENCH_RULES_HITS, full.hits)?;
        m.put_u32(attr::BENCH_MISMATCHES, sat32(mismatches))?;
        m.put_u32(attr::BENCH_ROUTES, sat32(routes))?;
        m.put_u32(attr::BENCH_NODES, sat32(nodes))?;
        m.put_u64(attr::BENCH_BYTES, bytes as u64)
    })
}

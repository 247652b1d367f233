// SPDX-License-Identifier: GPL-2.0

//! Tests of the persistent trie against a linear-scan oracle.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::vec::Vec;

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

/// The oracle: a plain map scanned linearly.
fn oracle_longest(m: &BTreeMap<(u32, u8), u32>, addr: u32) -> Option<(u8, u32)> {
    m.iter()
        .filter(|((p, l), _)| addr & mask(*l) == *p)
        .max_by_key(|((_, l), _)| *l)
        .map(|((_, l), v)| (*l, *v))
}

fn oracle_all(m: &BTreeMap<(u32, u8), u32>, addr: u32) -> Vec<(u8, u32)> {
    let mut v: Vec<(u8, u32)> = m
        .iter()
        .filter(|((p, l), _)| addr & mask(*l) == *p)
        .map(|((_, l), v)| (*l, *v))
        .collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.0));
    v
}

fn all(t: &Trie<u32>, addr: u32) -> Vec<(u8, u32)> {
    let mut v = Vec::new();
    t.lookup_each(addr, |l, x| {
        v.push((l, *x));
        None::<()>
    });
    v
}

#[test]
fn match_table_has_one_bit_per_length() {
    for c in 0..128u32 {
        assert_eq!(MATCH[c as usize].count_ones(), 7);
        assert_eq!(MATCH[c as usize] & (1 << 127), 0);
    }
    assert_eq!(pos_len(0), 0);
    assert_eq!(pos_len(1), 1);
    assert_eq!(pos_len(2), 1);
    assert_eq!(pos_len(126), 6);
}

#[test]
fn every_length_from_0_to_32_round_trips() {
    let mut t = Trie::new();
    let addr = 0xC0A8_0101u32;
    for len in 0..=32u8 {
        t.insert(addr & mask(len), len, u32::from(len)).unwrap();
    }
    assert_eq!(t.len(), 33);
    assert_eq!(t.longest(addr), Some((32, &32)));
    assert_eq!(all(&t, addr).len(), 33);
    let listed: Vec<_> = t.iter().map(|(p, l, v)| (p, l, *v)).collect();
    assert_eq!(listed.len(), 33);
    for (p, l, v) in listed {
        assert_eq!((p, u32::from(l)), (addr & mask(l), v));
    }
    assert_eq!(t.insert(0, 33, 0), Err(TrieError::BadPrefix));
    for len in (0..=32u8).rev() {
        assert_eq!(t.remove(addr & mask(len), len), Ok(Some(u32::from(len))));
    }
    assert!(t.is_empty());
    assert!(
        t.root.is_empty() && t.root.children.0.is_none() && t.root.values.0.is_none(),
        "empty nodes are pruned"
    );
}

#[test]
fn an_update_copies_only_its_path() {
    let mut t = Trie::new();
    t.insert(0x0a00_0000, 8, 1).unwrap();
    t.insert(0xc0a8_0000, 16, 2).unwrap();
    let old = t.clone();
    t.insert(0x0a01_0000, 16, 3).unwrap();
    let (a, b) = (&old.root, &t.root);
    // The root's children are copied; the 192/8 subtree below them is
    // shared, the 10/8 one copied.
    let slice = |n: &Node<u32>| n.children.as_slice().as_ptr();
    assert_ne!(slice(a), slice(b));
    let (c192, c10) = (chunk(0xc0a8_0000, 0), chunk(0x0a00_0000, 0));
    assert_eq!(slice(a.child(c192).unwrap()), slice(b.child(c192).unwrap()));
    assert_ne!(slice(a.child(c10).unwrap()), slice(b.child(c10).unwrap()));
    assert_eq!(old.longest(0x0a01_0101), Some((8, &1)));
    assert_eq!(t.longest(0x0a01_0101), Some((16, &3)));
}

#[test]
fn a_second_update_of_a_clone_changes_its_copies_in_place() {
    let mut t = Trie::new();
    t.insert(0x0a00_0000, 8, 1).unwrap();
    t.insert(0x0a01_0000, 16, 2).unwrap();
    let old = t.clone();
    // The first update copies the path (root, then 10/8's node)...
    t.insert(0x0a02_0000, 16, 3).unwrap();
    let root = |t: &Trie<u32>| t.root.children.as_slice().as_ptr();
    let c10 = chunk(0x0a00_0000, 0);
    let child = |t: &Trie<u32>| t.root.child(c10).unwrap().children.as_slice().as_ptr();
    let (r1, c1) = (root(&t), child(&t));
    assert_ne!(root(&old), r1);
    assert_ne!(child(&old), c1);
    // ...the next ones find those copies held by this version alone.
    t.insert(0x0a03_0000, 16, 4).unwrap();
    t.remove(0x0a01_0000, 16).unwrap();
    assert_eq!(root(&t), r1);
    assert_eq!(child(&t), c1);
    // The clone taken before is the version it was.
    let got = |t: &Trie<u32>| t.iter().map(|(p, l, v)| (p, l, *v)).collect::<Vec<_>>();
    assert_eq!(got(&old), [(0x0a00_0000, 8, 1), (0x0a01_0000, 16, 2)]);
    assert_eq!(
        got(&t),
        [
            (0x0a00_0000, 8, 1),
            (0x0a02_0000, 16, 3),
            (0x0a03_0000, 16, 4)
        ]
    );
}

#[test]
fn a_failed_insert_leaves_the_same_prefixes_and_no_empty_node() {
    let mut t = Trie::new();
    t.insert(0x0a00_0000, 8, 1).unwrap();
    let before = t.stats();
    let old = t;
    // A /32 needs four new nodes below 10/8's: fail at each allocation.
    let mut failed = 0;
    for budget in 0..8 {
        let mut u = old.clone();
        crate::platform::fail_allocations_after(Some(budget));
        let r = u.insert(0x0a01_0203, 32, 2);
        crate::platform::fail_allocations_after(None);
        if r.is_ok() {
            assert_eq!(u.get(0x0a01_0203, 32), Some(&2));
            continue;
        }
        failed += 1;
        assert_eq!(r, Err(TrieError::Alloc));
        assert_eq!(u.len(), 1);
        assert_eq!(u.iter().count(), 1);
        // No node is left behind (an array of a copied node may keep the
        // room the failed insert made in it).
        let after = u.stats();
        assert_eq!(
            (after.nodes, after.prefixes),
            (before.nodes, before.prefixes),
            "budget {budget}"
        );
    }
    assert!(failed >= 4, "{failed} failed inserts");
    // And into an empty trie: no root is left behind.
    let mut e: Trie<u32> = Trie::new();
    crate::platform::fail_allocations_after(Some(0));
    let r = e.insert(0x0a01_0203, 32, 2);
    crate::platform::fail_allocations_after(None);
    assert!(r.is_err());
    assert!(e.root.is_empty() && e.root.children.0.is_none() && e.root.values.0.is_none());
}

fn arb_prefix() -> impl Strategy<Value = (u32, u8)> {
    // Addresses from a few clusters so that prefixes nest.
    (0u32..4, any::<u32>(), 0u8..=32).prop_map(|(cl, a, len)| {
        let a = match cl {
            0 => a,
            1 => 0x0a00_0000 | (a & 0x0000_ffff),
            2 => 0xc0a8_0000 | (a & 0x0000_03ff),
            _ => a & 0xff00_00ff,
        };
        (a & mask(len), len)
    })
}

type Snapshot = (Trie<u32>, BTreeMap<(u32, u8), u32>);

#[derive(Debug, Clone)]
enum Op {
    Insert((u32, u8), u32),
    Remove((u32, u8)),
    Snapshot,
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (arb_prefix(), any::<u32>()).prop_map(|(p, v)| Op::Insert(p, v)),
        2 => arb_prefix().prop_map(Op::Remove),
        1 => Just(Op::Snapshot),
    ]
}

fn probes(m: &BTreeMap<(u32, u8), u32>, extra: &[u32]) -> Vec<u32> {
    let mut v: Vec<u32> = extra.to_vec();
    for (p, l) in m.keys() {
        let last = p | !mask(*l);
        v.extend([*p, last, p.wrapping_sub(1), last.wrapping_add(1)]);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn trie_equals_a_linear_scan_and_old_versions_persist(
        ops in proptest::collection::vec(arb_op(), 1..120),
        extra in proptest::collection::vec(any::<u32>(), 1..32),
    ) {
        let mut t: Trie<u32> = Trie::new();
        let mut m: BTreeMap<(u32, u8), u32> = BTreeMap::new();
        let mut snaps: Vec<Snapshot> = Vec::new();
        for op in ops {
            match op {
                Op::Insert((p, l), v) => {
                    prop_assert_eq!(t.insert(p, l, v).unwrap(), m.insert((p, l), v));
                }
                Op::Remove((p, l)) => {
                    prop_assert_eq!(t.remove(p, l).unwrap(), m.remove(&(p, l)));
                }
                Op::Snapshot => snaps.push((t.clone(), m.clone())),
            }
            prop_assert_eq!(t.len(), m.len());
        }
        snaps.push((t, m));
        for (t, m) in &snaps {
            for a in probes(m, &extra) {
                prop_assert_eq!(t.longest(a).map(|(l, v)| (l, *v)), oracle_longest(m, a));
                prop_assert_eq!(all(t, a), oracle_all(m, a));
            }
            for ((p, l), v) in m {
                prop_assert_eq!(t.get(*p, *l), Some(v));
            }
            let listed: BTreeMap<(u32, u8), u32> =
                t.iter().map(|(p, l, v)| ((p, l), *v)).collect();
            prop_assert_eq!(&listed, m);
            let s = t.stats();
            prop_assert_eq!(s.prefixes, m.len());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Resuming a walk at any prefix, present or not, yields exactly the
    /// rest of the full walk: what a dump resumed by key sends.
    #[test]
    fn iter_from_is_the_rest_of_the_full_walk(
        prefixes in proptest::collection::vec(arb_prefix(), 0..80),
        probes in proptest::collection::vec(arb_prefix(), 1..40),
    ) {
        let mut t: Trie<u32> = Trie::new();
        for (i, (p, l)) in prefixes.iter().enumerate() {
            t.insert(*p, *l, i as u32).unwrap();
        }
        let full: Vec<(u32, u8, u32)> = t.iter().map(|(p, l, v)| (p, l, *v)).collect();
        let keys = full.iter().map(|(p, l, _)| (*p, *l)).chain(probes);
        for (p, l) in keys {
            let from: Vec<(u32, u8, u32)> =
                t.iter_from(p, l).map(|(p, l, v)| (p, l, *v)).collect();
            // The full walk's suffix that starts at the first entry the
            // resumed walk yields (or nothing): the resumed walk must be a
            // suffix, and must start at `p/l` when that is present.
            let start = full.len() - from.len();
            prop_assert_eq!(&full[start..], &from[..]);
            if let Some(i) = full.iter().position(|(q, m, _)| (*q, *m) == (p, l)) {
                prop_assert_eq!(i, start);
            } else {
                // A missing prefix: everything before the resume point
                // comes before where `p/l` would be, nothing after it.
                let mut with = t.clone();
                with.insert(p, l, u32::MAX).unwrap();
                let order: Vec<(u32, u8)> = with.iter().map(|(q, m, _)| (q, m)).collect();
                let at = order.iter().position(|k| *k == (p, l)).unwrap();
                prop_assert_eq!(start, at);
            }
        }
    }
}

#[test]
fn iter_from_past_the_last_prefix_is_empty() {
    let mut t: Trie<u32> = Trie::new();
    t.insert(0x0a00_0000, 8, 1).unwrap();
    assert_eq!(t.iter_from(0x0b00_0000, 8).count(), 0);
    assert_eq!(t.iter_from(0x0a00_0000, 8).count(), 1);
    assert_eq!(t.iter_from(0x0a00_0000, 9).count(), 0);
    assert_eq!(t.iter_from(0, 0).count(), 1);
    assert_eq!(t.iter_from(0, 33).count(), 0);
}

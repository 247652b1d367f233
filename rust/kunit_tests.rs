// SPDX-License-Identifier: GPL-2.0

//! KUnit suites ferroute registers; they run when the module loads and
//! report in KTAP (parsed by the kernel tree's kunit.py in `make check`).
//!
//! They prove in the real kernel what host tests cannot: that the
//! abstractions behave (skb geometry, fallible vectors over KVec, RCU
//! publication) and that the IPv4 logic computes the same answers when
//! built with the kernel's flags.

use crate::abstractions::kunit::Test;
use crate::abstractions::rcu::{RcuBox, ReadGuard};
use crate::abstractions::skbuff::SkBuff;
use crate::kexpect;
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
    kexpect!(t, skb.push(14).map(|b| b.fill(0x11)).is_some());
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
    kexpect!(t, skb.push(9).is_none());
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
    let mut v = TryVec::new();
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
    let mut v = TryVec::new();
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

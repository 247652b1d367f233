// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the skb wrapper's writes: what `put` and `push` hand out
//! is this skb's alone even when a clone shares the buffer, `put` refuses a
//! nonlinear skb instead of reaching skb_put's SKB_LINEAR_ASSERT, and
//! moving back over the MAC header keeps a CHECKSUM_COMPLETE `skb->csum`
//! right.

use crate::abstractions::skbuff::SkBuff;
use crate::kexpect;
use crate::kunit::Test;

crate::kunit_suite!(
    ferroute_skbuff,
    "ferroute_skbuff",
    [
        put_on_a_clone_leaves_the_other_clone_alone,
        push_on_a_clone_leaves_the_other_clone_alone,
        put_and_push_hand_out_zeroed_bytes,
        put_refuses_a_nonlinear_skb,
        may_pull_makes_only_the_asked_bytes_linear,
        push_mac_header_keeps_csum_complete,
    ]
);

fn put_on_a_clone_leaves_the_other_clone_alone(t: &mut Test) {
    let Some(mut a) = SkBuff::alloc(16, 64) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, a.put(20).map(|b| b.fill(0xab)).is_some());
    let Some(mut b) = a.try_clone() else {
        kexpect!(t, false);
        return;
    };
    // Both clones' tails are at the same byte of the shared buffer.
    kexpect!(t, b.put(4).map(|x| x.fill(0xcd)).is_some());
    kexpect!(t, a.put(4).map(|x| x.fill(0x11)).is_some());
    kexpect!(
        t,
        b.data().get(16..24) == Some(&[0xab, 0xab, 0xab, 0xab, 0xcd, 0xcd, 0xcd, 0xcd][..])
    );
    kexpect!(
        t,
        a.data().get(16..24) == Some(&[0xab, 0xab, 0xab, 0xab, 0x11, 0x11, 0x11, 0x11][..])
    );
    b.consume();
    a.consume();
}

fn push_on_a_clone_leaves_the_other_clone_alone(t: &mut Test) {
    let Some(mut a) = SkBuff::alloc(16, 64) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, a.put(20).map(|b| b.fill(0xab)).is_some());
    let Some(mut b) = a.try_clone() else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, b.push::<4>().map(|x| x.fill(0xcd)).is_some());
    kexpect!(t, a.push::<4>().map(|x| x.fill(0x11)).is_some());
    kexpect!(
        t,
        b.data().get(..5) == Some(&[0xcd, 0xcd, 0xcd, 0xcd, 0xab][..])
    );
    kexpect!(
        t,
        a.data().get(..5) == Some(&[0x11, 0x11, 0x11, 0x11, 0xab][..])
    );
    b.consume();
    a.consume();
}

fn put_and_push_hand_out_zeroed_bytes(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc(16, 64) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(
        t,
        skb.put(64).map(|b| b.iter().all(|&x| x == 0)) == Some(true)
    );
    kexpect!(
        t,
        skb.push::<16>().map(|b| b.iter().all(|&x| x == 0)) == Some(true)
    );
    skb.consume();
}

fn put_refuses_a_nonlinear_skb(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc_paged(32, 100) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, skb.len() == 100 && skb.data().is_empty());
    // skb_put would BUG (SKB_LINEAR_ASSERT), even for zero bytes.
    kexpect!(t, skb.put(0).is_none());
    kexpect!(t, skb.put(4).is_none());
    kexpect!(t, skb.len() == 100);
    // Pushing needs no linear data: the headroom is there.
    kexpect!(t, skb.push::<14>().is_some() && skb.len() == 114);
    skb.consume();
}

fn may_pull_makes_only_the_asked_bytes_linear(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc_paged(32, 100) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, skb.data().is_empty());
    // A header's worth comes out of the fragments, and no more.
    kexpect!(t, skb.may_pull(20));
    kexpect!(t, skb.data().len() == 20 && skb.len() == 100);
    kexpect!(t, skb.data().iter().all(|&x| x == 0));
    kexpect!(t, skb.may_pull(14) && skb.data().len() == 20);
    // Beyond the packet: refused, nothing moved.
    kexpect!(t, !skb.may_pull(101));
    kexpect!(t, skb.data().len() == 20 && skb.len() == 100);
    kexpect!(t, skb.may_pull(100) && skb.data().len() == 100);
    skb.consume();
}

fn push_mac_header_keeps_csum_complete(t: &mut Test) {
    let Some(mut skb) = SkBuff::alloc(32, 64) else {
        kexpect!(t, false);
        return;
    };
    let filled = skb.put(60).map(|b| {
        for (i, x) in b.iter_mut().enumerate() {
            *x = (i as u8).wrapping_mul(37).wrapping_add(1);
        }
    });
    kexpect!(t, filled.is_some());
    // As a device hands a frame up: MAC header at the start, eth_type_trans
    // pulls it, the device's checksum covers what follows.
    skb.reset_mac_header();
    kexpect!(t, skb.pull(14).is_some());
    skb.set_csum_complete();
    kexpect!(t, skb.csum_complete_ok());
    kexpect!(t, skb.push_mac_header().is_some());
    kexpect!(t, skb.len() == 60);
    kexpect!(t, skb.csum_complete_ok());
    skb.consume();
}

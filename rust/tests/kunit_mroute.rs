// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of multicast routing built with the kernel's flags: the MFC
//! decision of `ip_mr_input`/`ip_mr_forward` (outputs by TTL threshold,
//! wrong input port counted, (*,G) on the packet's VIF), and the
//! unresolved queue holding real skbs within Linux's limits, released by
//! their entry or freed when their time runs out.

use crate::abstractions::skbuff::SkBuff;
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::iface::PortId;
use crate::ipv4::mroute::{
    Enqueued, McForward, MfcRequest, MrTable, UnresQueue, MAXVIFS, UNRES_QLEN, UNRES_TIMEOUT_MS,
};
use crate::kexpect;
use crate::kunit::Test;

crate::kunit_suite!(
    ferroute_mroute,
    "ferroute_mroute",
    [
        thresholds_and_input_port_decide_forwarding,
        unresolved_skbs_wait_and_are_released_or_expire,
    ]
);

const SRC: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 2);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const P0: PortId = PortId(1);
const P1: PortId = PortId(2);
const P2: PortId = PortId(3);

fn outputs(d: McForward) -> Option<[Option<PortId>; 2]> {
    match d {
        McForward::Forward(o) => {
            let s = o.as_slice();
            Some([s.first().copied(), s.get(1).copied()])
        }
        _ => None,
    }
}

fn thresholds_and_input_port_decide_forwarding(t: &mut Test) {
    let mut mt = MrTable::new();
    kexpect!(t, mt.vif_add(P0, 1) == Ok(0));
    kexpect!(t, mt.vif_add(P1, 1) == Ok(1));
    kexpect!(t, mt.vif_add(P2, 1) == Ok(2));
    // Nothing matches yet.
    kexpect!(
        t,
        mt.ip_mr_input(SRC, GROUP, P0, 8, 100) == McForward::NoEntry
    );
    let mut ttls = [0u8; MAXVIFS];
    ttls[1] = 1;
    ttls[2] = 16;
    let req = MfcRequest {
        origin: SRC,
        group: GROUP,
        parent: 0,
        ttls,
    };
    kexpect!(t, mt.mfc_add(&req).is_ok());
    // TTL 8: out of p1 (threshold 1), not p2 (16).
    kexpect!(
        t,
        outputs(mt.ip_mr_input(SRC, GROUP, P0, 8, 100)) == Some([Some(P1), None])
    );
    // TTL 17: both, highest VIF first as ip_mr_forward walks them.
    kexpect!(
        t,
        outputs(mt.ip_mr_input(SRC, GROUP, P0, 17, 100)) == Some([Some(P2), Some(P1)])
    );
    // TTL 1 is no more than any threshold: nowhere.
    kexpect!(
        t,
        outputs(mt.ip_mr_input(SRC, GROUP, P0, 1, 100)) == Some([None, None])
    );
    // The wrong input port is counted on the entry, not forwarded.
    kexpect!(
        t,
        mt.ip_mr_input(SRC, GROUP, P1, 8, 100) == McForward::WrongIif
    );
    let e = mt.entries().first().copied();
    kexpect!(
        t,
        e.is_some_and(|e| e.pkt == 4 && e.bytes == 400 && e.wrong_if == 1)
    );
}

fn skb() -> Option<SkBuff> {
    SkBuff::alloc(16, 100)
}

fn unresolved_skbs_wait_and_are_released_or_expire(t: &mut Test) {
    let mut q: UnresQueue<SkBuff> = UnresQueue::new();
    let mut new = 0;
    let mut dropped = 0;
    for _ in 0..UNRES_QLEN + 2 {
        let Some(s) = skb() else {
            kexpect!(t, false);
            return;
        };
        match q.enqueue(SRC, GROUP, s, 0) {
            Enqueued::New => new += 1,
            Enqueued::Queued => {}
            // Freed by the drop, as the glue frees it.
            Enqueued::Dropped(_) => dropped += 1,
        }
    }
    kexpect!(t, new == 1 && dropped == 2);
    let released = q.resolve(SRC, GROUP);
    kexpect!(t, released.len() == UNRES_QLEN);
    drop(released);
    // Another (S,G) waits until its time runs out, then is handed back to
    // be freed.
    let other = Ipv4Addr::new(239, 1, 1, 2);
    if let Some(s) = skb() {
        kexpect!(t, matches!(q.enqueue(SRC, other, s, 1000), Enqueued::New));
    }
    kexpect!(t, q.expire(1000 + UNRES_TIMEOUT_MS - 1).is_none());
    let expired = q.expire(1000 + UNRES_TIMEOUT_MS);
    kexpect!(t, expired.is_some_and(|p| p.len() == 1));
    kexpect!(t, q.waiting().count() == 0);
}

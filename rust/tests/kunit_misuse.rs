// SPDX-License-Identifier: GPL-2.0

//! A deliberate misuse, run on its own at the very end of `make check`'s VM
//! run (KUnit's `filter_glob` keeps it out of the normal load): a sleeping
//! function of the abstraction layer called inside an RCU read-side
//! section must be reported by the debug kernel
//! (`CONFIG_DEBUG_ATOMIC_SLEEP`) even on a path that does not sleep.
//!
//! `RcuBox::replace(None)` on an empty box has no old value, so it never
//! reaches `synchronize_rcu` (which would report on its own): only its
//! `might_sleep()` can. The report taints the kernel (TAINT_WARN), which is
//! why this runs last, after the kernel log has been checked.
//!
//! The second case drops an rx_handler claim without unregistering it,
//! with RTNL held (a drop on a configuration path): the drop must neither
//! take RTNL (a deadlock) nor leave the handler's code unloadable: it
//! reports, keeps the claim and pins the module. The caller creates the
//! dummy device `misuse0` first and checks the report and the pin.

use crate::abstractions::netdevice::{dev_get_by_name, rx_handler_busy, NetRef};
use crate::abstractions::rcu::{RcuBox, ReadGuard};
use crate::abstractions::rx_handler::ExactClaim;
use crate::abstractions::sync::RtnlGuard;
use crate::kexpect;
use crate::kunit::Test;

crate::kunit_suite!(
    misuse_ferroute,
    "misuse_ferroute",
    [
        replace_inside_a_read_section_is_reported,
        a_claim_dropped_under_rtnl_is_kept_and_pins_the_module
    ]
);

fn replace_inside_a_read_section_is_reported(t: &mut Test) {
    let cell: RcuBox<u32> = RcuBox::empty();
    {
        let g = ReadGuard::new();
        // The misuse: the caller checks the kernel log for the report.
        cell.replace(None);
        kexpect!(t, cell.read(&g).is_none());
    }
}

fn a_claim_dropped_under_rtnl_is_kept_and_pins_the_module(t: &mut Test) {
    let Some(net) = NetRef::current() else {
        kexpect!(t, false);
        return;
    };
    let Some(dev) = dev_get_by_name(&net.net(), kernel::c_str!("misuse0")) else {
        kexpect!(t, false);
        return;
    };
    let rtnl = RtnlGuard::lock();
    let Ok(claim) = ExactClaim::register(&dev, &rtnl) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, rx_handler_busy(&dev, &rtnl));
    // The misuse: dropped without `unregister`, under RTNL.
    drop(claim);
    kexpect!(t, rx_handler_busy(&dev, &rtnl));
}

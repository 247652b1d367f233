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

use crate::abstractions::rcu::{RcuBox, ReadGuard};
use crate::kexpect;
use crate::kunit::Test;

crate::kunit_suite!(
    misuse_ferroute,
    "misuse_ferroute",
    [replace_inside_a_read_section_is_reported]
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

// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of abstraction-layer bounds: a request's attribute table is
//! read only up to the operation's maxattr, whatever a handler asks for,
//! timer expiries wrap as jiffies do, and a shared value or slice is
//! writable through its only handle and through no other.

use crate::abstractions::genetlink::Request;
use crate::abstractions::shared::{Shared, SharedSlice};
use crate::abstractions::time::expiry;
use crate::kexpect;
use crate::kunit::Test;
use kernel::error::code::EINVAL;

crate::kunit_suite!(
    ferroute_bounds,
    "ferroute_bounds",
    [
        attributes_beyond_maxattr_are_never_read,
        timer_expiry_wraps_as_jiffies_do,
        shared_is_writable_only_through_its_only_handle,
        shared_slice_changes_in_place_only_through_its_only_handle,
    ]
);

fn attributes_beyond_maxattr_are_never_read(t: &mut Test) {
    // An attribute table longer than the operation's maxattr + 1, with a
    // present attribute past maxattr: a handler asking for that number
    // must get "absent", not the entry beyond the table the core sized.
    Request::with_test_request(2, &[2, 5], |req| {
        kexpect!(t, req.attr(2).is_some());
        kexpect!(t, req.attr(5).is_none());
        kexpect!(t, req.attr(0).is_none());
        kexpect!(t, matches!(req.required(5), Err(e) if e == EINVAL));
        kexpect!(t, matches!(req.required(1), Err(e) if e == EINVAL));
        kexpect!(t, req.required(2).is_ok());
        // No extack: marking a bad attribute, in range or not, writes
        // nothing.
        req.set_bad_attr(1);
        req.set_bad_attr(7);
        req.set_bad_attr(u16::MAX);
    });
}

fn timer_expiry_wraps_as_jiffies_do(t: &mut Test) {
    let max = kernel::ffi::c_ulong::MAX;
    kexpect!(t, expiry(max - 1, 5) == 3);
    kexpect!(t, expiry(max, 1) == 0);
    kexpect!(t, expiry(100, 250) == 350);
}

fn shared_is_writable_only_through_its_only_handle(t: &mut Test) {
    let Ok(mut a) = Shared::try_new(7u32) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, a.get_mut().is_some());
    let b = a.clone();
    // Two handles: the value may be seen through the other one.
    kexpect!(t, a.get_mut().is_none());
    kexpect!(t, Shared::ptr_eq(&a, &b));
    drop(b);
    if let Some(v) = a.get_mut() {
        *v = 8;
    }
    kexpect!(t, *a == 8);
}

fn shared_slice_changes_in_place_only_through_its_only_handle(t: &mut Test) {
    // The elements are handles of `x`: `x` is writable again at the end
    // only if every element the slices held was dropped exactly once (a
    // second drop would underflow the count, which the kernel reports).
    let Ok(mut x) = Shared::try_new(1u32) else {
        kexpect!(t, false);
        return;
    };
    let Ok(mut s) = SharedSlice::try_from_fn(2, |_| x.clone()) else {
        kexpect!(t, false);
        return;
    };
    kexpect!(t, s.len() == 2 && s.capacity() == 2);
    // The only handle, full: the elements move to a buffer of exactly 3.
    kexpect!(t, s.try_insert(1, x.clone()).is_ok());
    kexpect!(t, s.len() == 3 && s.capacity() == 3);
    kexpect!(t, s.get_mut().is_some());
    // Shared: an insert copies, and the other handle keeps the old slice.
    let old = s.clone();
    kexpect!(t, s.get_mut().is_none());
    kexpect!(t, s.try_insert(0, x.clone()).is_ok());
    kexpect!(t, s.len() == 4 && old.len() == 3);
    kexpect!(t, !SharedSlice::ptr_eq(&s, &old));
    kexpect!(t, s.get_mut().is_some());
    // A removal from a shared slice copies; from the only handle, in place.
    let mut other = old.clone();
    kexpect!(t, matches!(other.remove(0), Ok(Some(_))));
    kexpect!(t, other.len() == 2 && old.len() == 3);
    drop(old);
    kexpect!(t, matches!(s.remove(0), Ok(Some(_))));
    kexpect!(t, s.len() == 3 && s.capacity() == 4);
    kexpect!(t, matches!(s.remove(3), Ok(None)));
    kexpect!(t, x.get_mut().is_none());
    drop(s);
    drop(other);
    kexpect!(t, x.get_mut().is_some());
}

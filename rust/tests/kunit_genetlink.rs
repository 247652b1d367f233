// SPDX-License-Identifier: GPL-2.0

//! KUnit suite of the generic netlink family's per-operation policies:
//! an operation's policy keeps the family's rule for the attributes it
//! takes and rejects every other one, spans all of the family's attributes
//! (so its maxattr is the family's), and an operation that lists a number
//! the family has no attribute for is refused.

use crate::abstractions::bindings;
use crate::abstractions::genetlink::{Op, Policy};
use crate::kexpect;
use crate::kunit::Test;
use kernel::error::code::EINVAL;

crate::kunit_suite!(
    ferroute_genetlink,
    "ferroute_genetlink",
    [
        an_operation_keeps_its_attributes_and_rejects_the_others,
        an_operation_without_attributes_rejects_all,
        an_operation_listing_a_missing_attribute_is_refused,
    ]
);

/// A family of five numbers: 0 and 3 are no attributes.
const FAMILY: &[Policy] = &[
    Policy::Reject,
    Policy::U32,
    Policy::NulString { max_len: 15 },
    Policy::Reject,
    Policy::U64,
];

fn op(attrs: &'static [u16]) -> Op {
    Op {
        cmd: 1,
        dump: false,
        admin: false,
        attrs,
    }
}

fn types(attrs: &'static [u16]) -> Option<[u32; 5]> {
    let p = Policy::for_op(FAMILY, &op(attrs)).ok()?;
    let mut out = [u32::MAX; 5];
    if p.len() != out.len() {
        return None;
    }
    for (o, e) in out.iter_mut().zip(p.iter()) {
        *o = u32::from(e.type_);
    }
    Some(out)
}

fn an_operation_keeps_its_attributes_and_rejects_the_others(t: &mut Test) {
    let r = bindings::NLA_REJECT;
    kexpect!(
        t,
        types(&[4, 1]) == Some([r, bindings::NLA_U32, r, r, bindings::NLA_U64])
    );
    kexpect!(
        t,
        types(&[2]) == Some([r, r, bindings::NLA_NUL_STRING, r, r])
    );
}

fn an_operation_without_attributes_rejects_all(t: &mut Test) {
    let r = bindings::NLA_REJECT;
    kexpect!(t, types(&[]) == Some([r; 5]));
}

fn refused(attrs: &'static [u16]) -> bool {
    Policy::for_op(FAMILY, &op(attrs)).err() == Some(EINVAL)
}

fn an_operation_listing_a_missing_attribute_is_refused(t: &mut Test) {
    // Type 0, a number the family rejects, a number past its end.
    kexpect!(t, refused(&[0]));
    kexpect!(t, refused(&[1, 3]));
    kexpect!(t, refused(&[5]));
}

// SPDX-License-Identifier: GPL-2.0

//! KUnit suites written in Rust.
//!
//! C header: [`include/kunit/test.h`](srctree/include/kunit/test.h)
//!
//! 6.12's `kernel::kunit` has assertions but no way to declare a suite.
//! [`kunit_suite!`](crate::kunit_suite) does what C's `kunit_test_suites()`
//! does: it places a pointer to a `struct kunit_suite` in the module's
//! `.kunit_test_suites` section, from which the module loader runs the
//! suites when the module goes live (kernel/module/main.c, lib/kunit).
//!
//! Only the test module ferroute_kunit.ko (`rust/tests/ferroute_kunit.rs`)
//! includes this file, as `crate::kunit`, with its C helper
//! `kunit_helpers.c`; ferroute.ko has no KUnit code.

use crate::abstractions::bindings;
use core::cell::UnsafeCell;

/// The test being run, handed to each test case.
///
/// # Invariants
///
/// `test` is the valid `struct kunit` of the running case.
pub struct Test {
    test: *mut bindings::kunit,
    failures: u32,
}

impl Test {
    /// Wraps the test context the KUnit runner passes to a case.
    ///
    /// # Safety
    ///
    /// `test` must be the valid context of the case being run, for as long
    /// as the returned value lives.
    #[doc(hidden)]
    pub unsafe fn from_raw(test: *mut bindings::kunit) -> Self {
        // INVARIANT: The caller guarantees `test` is valid.
        Self { test, failures: 0 }
    }

    /// Records a failure of `what` at `file:line` unless `ok`; the case
    /// goes on (an expectation, as KUNIT_EXPECT_* is).
    pub fn expect(
        &mut self,
        ok: bool,
        file: &'static kernel::str::CStr,
        line: u32,
        what: &'static kernel::str::CStr,
    ) {
        if ok {
            return;
        }
        self.failures = self.failures.saturating_add(1);
        // SAFETY: `test` is valid (type invariant); strings are static and
        // NUL-terminated.
        unsafe {
            bindings::ferroute_kunit_fail(
                self.test,
                file.as_char_ptr(),
                line as i32,
                what.as_char_ptr(),
            )
        };
    }

    /// How many expectations failed so far in this case.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// Expects a condition to hold in a KUnit case: `kexpect!(t, a == b)`.
#[macro_export]
macro_rules! kexpect {
    ($t:expr, $cond:expr $(,)?) => {
        $t.expect(
            $cond,
            ::kernel::c_str!(file!()),
            line!(),
            ::kernel::c_str!(stringify!($cond)),
        )
    };
}

/// A suite or case array in writable static memory, as KUnit writes its
/// status fields at run time.
#[doc(hidden)]
#[repr(transparent)]
pub struct StaticCell<T>(pub UnsafeCell<T>);

// SAFETY: Only the KUnit runner touches the contents, through the raw
// pointer it gets from the section; Rust code never reads them.
unsafe impl<T> Sync for StaticCell<T> {}

/// The section entry pointing at a suite.
#[doc(hidden)]
#[repr(transparent)]
pub struct SuiteEntry(pub *mut bindings::kunit_suite);

// SAFETY: The pointer is only read by the module loader.
unsafe impl Sync for SuiteEntry {}

/// A suite name as KUnit stores it (`char name[256]`).
#[doc(hidden)]
pub const fn suite_name(name: &str) -> [kernel::ffi::c_char; 256] {
    let bytes = name.as_bytes();
    let mut out = [0 as kernel::ffi::c_char; 256];
    let mut i = 0;
    while i < bytes.len() && i < 255 {
        out[i] = bytes[i] as kernel::ffi::c_char;
        i += 1;
    }
    out
}

/// One test case entry.
#[doc(hidden)]
pub const fn case(
    name: &'static kernel::str::CStr,
    run: unsafe extern "C" fn(*mut bindings::kunit),
) -> bindings::kunit_case {
    // SAFETY: All-zero is a valid kunit_case (no parameters, default
    // attributes, not yet run).
    let mut c: bindings::kunit_case = unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
    c.run_case = Some(run);
    c.name = name.as_char_ptr();
    c
}

/// The terminating entry of a case array.
#[doc(hidden)]
pub const fn end_of_cases() -> bindings::kunit_case {
    // SAFETY: All-zero is the terminator KUnit expects.
    unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
}

/// A suite over `cases`.
#[doc(hidden)]
pub const fn suite(name: &str, cases: *mut bindings::kunit_case) -> bindings::kunit_suite {
    // SAFETY: All-zero is a valid kunit_suite before its name and cases.
    let mut s: bindings::kunit_suite = unsafe { core::mem::MaybeUninit::zeroed().assume_init() };
    s.name = suite_name(name);
    s.test_cases = cases;
    s
}

/// Declares a KUnit suite run when the module loads:
///
/// ```ignore
/// kunit_suite!(ferroute_checksum, "ferroute_checksum", [known_vector, incremental]);
/// fn known_vector(t: &mut Test) { kexpect!(t, 1 + 1 == 2); }
/// ```
#[macro_export]
macro_rules! kunit_suite {
    ($id:ident, $name:literal, [$($case:ident),+ $(,)?]) => {
        #[allow(non_snake_case, missing_docs)]
        mod $id {
            use $crate::abstractions::bindings;
            use $crate::kunit as k;

            $(
                /// # Safety
                ///
                /// Called by the KUnit runner with the case's context.
                unsafe extern "C" fn $case(test: *mut bindings::kunit) {
                    // SAFETY: The runner passes the valid context of this case.
                    let mut t = unsafe { k::Test::from_raw(test) };
                    super::$case(&mut t);
                }
            )+

            static CASES: k::StaticCell<[bindings::kunit_case; [$(stringify!($case)),+].len() + 1]> =
                k::StaticCell(::core::cell::UnsafeCell::new([
                    $(k::case(::kernel::c_str!(stringify!($case)), $case),)+
                    k::end_of_cases(),
                ]));

            static SUITE: k::StaticCell<bindings::kunit_suite> =
                k::StaticCell(::core::cell::UnsafeCell::new(k::suite($name, CASES.0.get().cast())));

            #[used]
            #[link_section = ".kunit_test_suites"]
            static ENTRY: k::SuiteEntry = k::SuiteEntry(SUITE.0.get());
        }
    };
}

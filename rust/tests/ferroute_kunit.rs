// SPDX-License-Identifier: GPL-2.0

//! ferroute_kunit: ferroute's KUnit suites, in a test module of their own.
//!
//! The suites run in the real kernel when this module loads and report in
//! KTAP (parsed by the kernel tree's kunit.py in `make check`). Keeping them
//! out of ferroute.ko means the shipped router carries no test code, runs
//! no suite at insmod and does not taint the kernel with TAINT_TEST; only
//! loading this module does.
//!
//! The crate compiles the layers of `rust/ferroute.rs` that the suites
//! test, from the same files:
//! - [`abstractions`] and [`kunit`], the KUnit abstraction that only this
//!   module includes (both in `rust/abstractions/`, the only `unsafe`);
//! - [`ipv4`], the IPv4 logic, with the [`platform`] API it allocates
//!   through.
//!
//! The router glue (`rust/router/`) is left out.

use kernel::prelude::*;

#[path = "../abstractions/mod.rs"]
pub mod abstractions;
#[path = "../ipv4/mod.rs"]
pub mod ipv4;
#[path = "../abstractions/kunit.rs"]
pub mod kunit;
mod kunit_abstractions;
mod kunit_datapath;
mod kunit_fib;
mod kunit_genetlink;
mod kunit_misuse;
mod kunit_mroute;
mod kunit_skbuff;
mod kunit_tests;

/// The allocation API the IPv4 logic uses, as in `rust/ferroute.rs`.
pub mod platform {
    pub use crate::abstractions::cpu::with_popcnt;
    pub use crate::abstractions::shared::{Shared, SharedSlice};
    pub use crate::abstractions::slab::{kmalloc_size, slab_size};
    pub use crate::abstractions::vec::{AllocError, GfpAtomic, GfpKernel, TryVec};
}

module! {
    type: FerrouteKunit,
    name: "ferroute_kunit",
    author: "ferroute developers",
    description: "KUnit suites of the ferroute IPv4 router",
    license: "GPL",
}

/// The loaded test module. It holds nothing: KUnit runs the suites of the
/// module's `.kunit_test_suites` section once the module is live.
struct FerrouteKunit;

impl kernel::Module for FerrouteKunit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(FerrouteKunit)
    }
}

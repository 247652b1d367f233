// SPDX-License-Identifier: GPL-2.0

//! probe
use kernel::prelude::*;
pub mod abstractions;
mod kunit_tests;
/// x
pub mod platform {
    pub use crate::abstractions::vec::{AllocError, TryVec};
}
module! { type: Ferroute, name: "ferroute", author: "x", description: "x", license: "GPL", }
struct Ferroute;
impl kernel::Module for Ferroute {
    fn init(_module: &'static ThisModule) -> Result<Self> { Ok(Ferroute) }
}

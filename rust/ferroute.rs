// SPDX-License-Identifier: GPL-2.0

//! ferroute: an IPv4 router inside the kernel (compile probe).

use kernel::prelude::*;

pub mod abstractions;

/// The allocation API the IPv4 logic uses (see `abstractions::vec`).
pub mod platform {
    pub use crate::abstractions::vec::{AllocError, TryVec};
}

module! {
    type: Ferroute,
    name: "ferroute",
    author: "ferroute developers",
    description: "An IPv4 router in Rust",
    license: "GPL",
}

struct Ferroute;

impl kernel::Module for Ferroute {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Ferroute)
    }
}

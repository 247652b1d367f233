// SPDX-License-Identifier: GPL-2.0

//! A shared, reference-counted, immutable value for the IPv4 logic
//! (`crate::platform::Shared`), so persistent data structures (the FIB)
//! can share unchanged parts between the version readers see and the one a
//! writer builds. The host crate has a twin over `std::sync::Arc`.
//!
//! Allocation uses `GFP_KERNEL`: shared structures are built by writers in
//! process context (netlink), never on the packet path, which only reads.

use super::vec::AllocError;
use core::ops::Deref;
use kernel::alloc::flags::GFP_KERNEL;
use kernel::sync::Arc;

/// A reference-counted immutable value.
pub struct Shared<T> {
    inner: Arc<T>,
}

impl<T> Shared<T> {
    /// Moves `v` into a new shared allocation.
    pub fn try_new(v: T) -> Result<Self, AllocError> {
        Arc::new(v, GFP_KERNEL)
            .map(|inner| Self { inner })
            .map_err(|_| AllocError)
    }

    /// Whether `a` and `b` are the same allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

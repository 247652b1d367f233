// SPDX-License-Identifier: GPL-2.0

//! Per-CPU counters (`alloc_percpu`, `this_cpu_inc`).
//!
//! C header: [`include/linux/percpu.h`](srctree/include/linux/percpu.h)
//!
//! The packet path bumps counters on every packet from every CPU; a
//! shared atomic would bounce one cache line between CPUs per packet. Each
//! CPU increments its own copy; readers (`ferctl stats`) sum them, as the
//! kernel's own SNMP MIBs do.

use super::bindings;
use core::ptr::NonNull;
use kernel::error::{code::ENOMEM, Result};

/// `N` per-CPU `u64` counters.
///
/// # Invariants
///
/// `ptr` is a per-CPU area of `N` `u64`s from `__alloc_percpu`, owned by
/// this object and freed on drop.
pub struct PerCpuCounters<const N: usize> {
    ptr: NonNull<kernel::ffi::c_void>,
}

// SAFETY: Each CPU only touches its own copy through this_cpu ops, which
// are safe against preemption and interrupts; sums only read.
unsafe impl<const N: usize> Send for PerCpuCounters<N> {}
// SAFETY: As above.
unsafe impl<const N: usize> Sync for PerCpuCounters<N> {}

impl<const N: usize> PerCpuCounters<N> {
    /// Allocates `N` zeroed counters on every CPU.
    pub fn new() -> Result<Self> {
        let n = u32::try_from(N).map_err(|_| ENOMEM)?;
        // SAFETY: FFI call without safety requirements; __alloc_percpu
        // zeroes the area.
        let ptr = unsafe { bindings::ferroute_counters_alloc(n) };
        // INVARIANT: a fresh per-CPU area of N u64s, owned by us.
        NonNull::new(ptr).map(|ptr| Self { ptr }).ok_or(ENOMEM)
    }

    /// Adds one to counter `i` on this CPU; out-of-range `i` is ignored.
    pub fn inc(&self, i: usize) {
        if i < N {
            // SAFETY: `ptr` is a live area of N counters (type invariant)
            // and `i < N`.
            unsafe { bindings::ferroute_counters_inc(self.ptr.as_ptr(), i as u32) };
        }
    }

    /// Adds `n` to counter `i` on this CPU (an octet counter);
    /// out-of-range `i` is ignored.
    pub fn add(&self, i: usize, n: u64) {
        if i < N {
            // SAFETY: `ptr` is a live area of N counters (type invariant)
            // and `i < N`; `this_cpu_add` is safe in any context, as
            // `this_cpu_inc` is.
            unsafe { bindings::ferroute_counters_add(self.ptr.as_ptr(), i as u32, n) };
        }
    }

    /// The sum of counter `i` over all CPUs (0 if out of range).
    pub fn sum(&self, i: usize) -> u64 {
        if i >= N {
            return 0;
        }
        // SAFETY: As for `inc`.
        unsafe { bindings::ferroute_counters_sum(self.ptr.as_ptr(), i as u32) }
    }
}

impl<const N: usize> Drop for PerCpuCounters<N> {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from __alloc_percpu and is freed only here.
        unsafe { bindings::ferroute_counters_free(self.ptr.as_ptr()) };
    }
}

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
    #[inline]
    pub fn inc(&self, i: usize) {
        self.add(i, 1);
    }

    /// Adds `n` to counter `i` on this CPU (an octet counter);
    /// out-of-range `i` is ignored.
    #[inline]
    pub fn add(&self, i: usize, n: u64) {
        if i < N {
            // SAFETY: `ptr` is a live area of N counters (type invariant)
            // and `i < N`.
            unsafe { this_cpu_add(self.ptr.as_ptr().cast::<u64>().wrapping_add(i), n) };
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

/// `this_cpu_add` of a `u64`, inline on x86-64 SMP kernels as
/// arch/x86/include/asm/percpu.h's `percpu_add_op` is: one `add` to the
/// `%gs`-relative address (`%gs` holds this CPU's per-CPU base), a single
/// instruction that neither preemption nor an interrupt can split, so no
/// preempt_disable is needed. The packet path counts several events a
/// packet, and a call into C for each was 1.3 % of the forwarding
/// profile. Elsewhere, the C helper.
///
/// # Safety
///
/// `counter` must be the per-CPU address (as `__alloc_percpu` returns,
/// plus an offset) of a `u64` inside a live per-CPU area.
#[inline(always)]
unsafe fn this_cpu_add(counter: *mut u64, n: u64) {
    #[cfg(all(target_arch = "x86_64", CONFIG_SMP))]
    // SAFETY: `%gs:counter` is this CPU's copy of the counter (the
    // caller's contract: a per-CPU address in a live area, which the x86-64
    // per-CPU base in `%gs` turns into this CPU's copy, as every
    // `this_cpu_*` op of the kernel uses it); the instruction writes those
    // 8 bytes and the flags only, and touches no stack.
    unsafe {
        core::arch::asm!(
            "add qword ptr gs:[{counter}], {n}",
            counter = in(reg) counter,
            n = in(reg) n,
            options(nostack),
        );
    }
    #[cfg(not(all(target_arch = "x86_64", CONFIG_SMP)))]
    // SAFETY: As above; the helper is `this_cpu_add`.
    unsafe {
        bindings::ferroute_counters_add(counter.cast(), 0, n);
    }
}

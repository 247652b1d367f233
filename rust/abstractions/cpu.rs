// SPDX-License-Identifier: GPL-2.0

//! CPU features the IPv4 logic uses where the CPU has them.
//!
//! C header: [`arch/x86/include/asm/cpufeature.h`](srctree/arch/x86/include/asm/cpufeature.h)
//!
//! The kernel is built for the x86-64 baseline, which has no `popcnt`, so
//! `u128::count_ones` compiles to some thirty instructions of bit
//! arithmetic; the FIB trie counts bits at every level of every lookup
//! (`Documentation/fib.rst`). The kernel's own `hweight64` patches in
//! `popcnt` at boot (ALTERNATIVE); here the code that counts is compiled a
//! second time with the feature enabled, and chosen at run time.

use super::bindings;
use core::sync::atomic::{AtomicU8, Ordering};

/// Whether the CPU has `popcnt`: 0 not asked yet, 1 no, 2 yes.
static POPCNT: AtomicU8 = AtomicU8::new(0);

/// Whether the boot CPU (and so every CPU: the kernel refuses to bring up
/// a CPU that lacks a boot CPU feature) has `popcnt`, asked once.
#[inline]
fn has_popcnt() -> bool {
    match POPCNT.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: FFI call without safety requirements (it reads the
            // boot CPU's feature bits).
            let has = unsafe { bindings::ferroute_cpu_has_popcnt() };
            POPCNT.store(if has { 2 } else { 1 }, Ordering::Relaxed);
            has
        }
        v => v == 2,
    }
}

/// Runs `f`, compiled (when inlined here, as the FIB's lookup is) with the
/// `popcnt` instruction if the CPU has it, and as it is otherwise. Only the
/// speed differs.
#[inline(always)]
pub fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if has_popcnt() {
        // SAFETY: The CPU has `popcnt` (boot_cpu_has said so), the one
        // thing `run_with_popcnt`'s target feature requires of a caller.
        return unsafe { run_with_popcnt(f) };
    }
    run_without_popcnt(f)
}

/// `f()`, out of line as [`run_with_popcnt`] is: so that a large `f`
/// inlined into both is not also inlined into every caller of
/// [`with_popcnt`], which stays a test and two calls.
#[inline(never)]
fn run_without_popcnt<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `f()`, with `popcnt` enabled for what is inlined into it.
///
/// # Safety
///
/// The CPU must have `popcnt`.
///
/// Inlined where its caller has `popcnt` too (a [`with_popcnt`] inside
/// another one's `f`), so an outer `with_popcnt` takes the inner ones'
/// calls away.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
#[inline]
unsafe fn run_with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    f()
}

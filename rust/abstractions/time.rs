// SPDX-License-Identifier: GPL-2.0

//! Time, timers and yielding the CPU.
//!
//! C headers: [`include/linux/timer.h`](srctree/include/linux/timer.h),
//! [`include/linux/timekeeping.h`](srctree/include/linux/timekeeping.h),
//! [`include/linux/sched.h`](srctree/include/linux/sched.h)

use super::bindings;
use core::marker::PhantomData;
use kernel::prelude::*;
use kernel::types::Opaque;

/// Milliseconds since boot, from jiffies: the "now" the IPv4 logic takes.
pub fn now_ms() -> u64 {
    // SAFETY: FFI call without safety requirements.
    unsafe { bindings::ferroute_now_ms() }
}

/// Nanoseconds of the monotonic clock (`ktime_get_ns`), for measuring
/// durations.
pub fn ktime_get_ns() -> u64 {
    // SAFETY: FFI call without safety requirements.
    unsafe { bindings::ferroute_ktime_get_ns() }
}

/// Lets the scheduler run something else if it wants to (`cond_resched`),
/// between the chunks of a long computation in process context.
///
/// Like every sleeping function, it must not be called in atomic context:
/// not under a spinlock and not inside an RCU read-side section (while a
/// [`ReadGuard`](super::rcu::ReadGuard) is alive). CONFIG_DEBUG_ATOMIC_SLEEP
/// reports such a call.
pub fn cond_resched() {
    // SAFETY: FFI call; the context requirement is documented above and is
    // the one of every sleeping function (mutex lock, GFP_KERNEL
    // allocation).
    unsafe { bindings::ferroute_cond_resched() };
}

/// What a [`Timer`] runs when it fires (in softirq context).
pub trait TimerCallback: 'static {
    /// Runs the timer's work.
    fn run();
}

/// A kernel timer (`struct timer_list`) running `T::run` in softirq.
///
/// # Invariants
///
/// `timer` was set up by `timer_setup` with `T`'s trampoline, and is shut
/// down (neither armed nor running) before its memory is freed.
pub struct Timer<T: TimerCallback> {
    timer: Pin<KBox<Opaque<bindings::timer_list>>>,
    _callback: PhantomData<T>,
}

// SAFETY: A timer may be armed and shut down from any context; the kernel's
// timer API is thread-safe.
unsafe impl<T: TimerCallback> Send for Timer<T> {}
// SAFETY: As above; all methods take `&self` and call thread-safe C APIs.
unsafe impl<T: TimerCallback> Sync for Timer<T> {}

impl<T: TimerCallback> Timer<T> {
    /// Creates a timer that is not armed.
    pub fn new() -> Result<Self> {
        let timer = KBox::pin(Opaque::<bindings::timer_list>::uninit(), GFP_KERNEL)?;
        // SAFETY: `timer` is a fresh, pinned allocation; timer_setup
        // initialises it completely.
        unsafe { bindings::ferroute_timer_setup(timer.get(), Some(Self::callback)) };
        // INVARIANT: set up just above; `Drop` shuts it down.
        Ok(Self {
            timer,
            _callback: PhantomData,
        })
    }

    /// Arms (or re-arms) the timer to fire in `ms` milliseconds.
    pub fn arm_ms(&self, ms: u32) {
        // SAFETY: FFI calls; the timer is set up (type invariant) and its
        // memory outlives any arming since `Drop` shuts it down first.
        unsafe {
            let expires = bindings::ferroute_jiffies() + bindings::ferroute_msecs_to_jiffies(ms);
            bindings::mod_timer(self.timer.get(), expires);
        }
    }

    /// # Safety
    ///
    /// Called by the timer core for a timer set up by `new`.
    unsafe extern "C" fn callback(_timer: *mut bindings::timer_list) {
        T::run();
    }
}

impl<T: TimerCallback> Drop for Timer<T> {
    fn drop(&mut self) {
        // SAFETY: The timer is set up; timer_shutdown_sync waits for a
        // running callback and prevents re-arming, so the memory can go.
        unsafe { bindings::timer_shutdown_sync(self.timer.get()) };
    }
}

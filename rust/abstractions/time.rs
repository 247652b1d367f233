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

/// Milliseconds since boot, from jiffies: the "now" the IPv4 logic takes
/// (`jiffies64_to_msecs(get_jiffies_64())`).
///
/// The forwarding path asks for it per packet, so on a 64-bit kernel whose
/// HZ divides 1000 it is computed here, as those inline functions do, and
/// not by a call into C.
#[inline]
pub fn now_ms() -> u64 {
    #[cfg(target_pointer_width = "64")]
    {
        // SAFETY: `ferroute_msec_per_jiffy` is a `const` object of
        // helpers.c, initialised at compile time and never written.
        let per_jiffy = unsafe { bindings::ferroute_msec_per_jiffy };
        if per_jiffy != 0 {
            // `jiffies_64`: the kernel's tick counter (kernel/time/timer.c,
            // exported), a static `u64` alive as long as the kernel, written
            // only by the timekeeping code. `get_jiffies_64()` on a 64-bit
            // kernel is `(u64)jiffies`, a volatile load of the same word.
            let counter = &raw const bindings::jiffies_64;
            // SAFETY: `counter` points to that static, valid and aligned for
            // the kernel's lifetime; a volatile aligned 64-bit load is the
            // kernel's own READ_ONCE of it on 64-bit, which cannot tear.
            let jiffies = unsafe { core::ptr::read_volatile(counter) };
            return jiffies.wrapping_mul(u64::from(per_jiffy));
        }
    }
    // SAFETY: FFI call without safety requirements.
    unsafe { bindings::ferroute_now_ms() }
}

/// Milliseconds since midnight UT (`inet_current_timestamp`), the clock of
/// ICMP timestamp replies.
pub fn ms_since_midnight_ut() -> u32 {
    // SAFETY: FFI call without safety requirements.
    unsafe { bindings::ferroute_ms_since_midnight_ut() }
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

/// What a [`Timer`] runs when it fires (in softirq context): the timer's
/// context value, which the timer owns.
pub trait TimerCallback: Send + Sync + Sized + 'static {
    /// Runs the timer's work; `timer` re-arms the timer that fired.
    fn run(&self, timer: &Rearm<'_>);
}

/// The timer that is firing, for re-arming it from its own callback.
pub struct Rearm<'a> {
    timer: *mut bindings::timer_list,
    _p: PhantomData<&'a ()>,
}

impl Rearm<'_> {
    /// Arms the timer again, to fire in `ms` milliseconds.
    pub fn arm_ms(&self, ms: u32) {
        // SAFETY: `timer` is the set-up timer whose callback is running,
        // alive for the call (`Timer`'s drop waits for the callback).
        // After timer_shutdown_sync has begun, mod_timer does nothing.
        unsafe { arm(self.timer, ms) };
    }
}

/// `mod_timer(timer, jiffies + msecs_to_jiffies(ms))`; jiffies wrap, as in
/// C.
///
/// # Safety
///
/// `timer` must be a set-up timer, valid for the call.
unsafe fn arm(timer: *mut bindings::timer_list, ms: u32) {
    // SAFETY: FFI calls without requirements, and mod_timer on a valid,
    // set-up timer (caller's guarantee).
    unsafe {
        let expires = expiry(
            bindings::ferroute_jiffies(),
            bindings::ferroute_msecs_to_jiffies(ms),
        );
        bindings::mod_timer(timer, expires);
    }
}

/// The jiffies value `delta` after `now`. Jiffies wrap (they start 5
/// minutes before the wrap, INITIAL_JIFFIES), and the timer core compares
/// them modulo 2^BITS_PER_LONG (time_after), so this wraps as C's `+`.
pub fn expiry(now: kernel::ffi::c_ulong, delta: kernel::ffi::c_ulong) -> kernel::ffi::c_ulong {
    now.wrapping_add(delta)
}

#[repr(C)]
struct TimerInner<T> {
    // Must stay first: the callback finds the whole from the timer_list.
    timer: Opaque<bindings::timer_list>,
    ctx: T,
}

/// A kernel timer (`struct timer_list`) running `T::run` on its context in
/// softirq.
///
/// # Invariants
///
/// `inner.timer` was set up by `timer_setup` with `T`'s trampoline, and is
/// shut down (neither armed nor running, and never again armed) before
/// `inner` is freed.
pub struct Timer<T: TimerCallback> {
    inner: Pin<KBox<TimerInner<T>>>,
}

// SAFETY: A timer may be armed and shut down from any context; the kernel's
// timer API is thread-safe, and the context is `Send + Sync`.
unsafe impl<T: TimerCallback> Send for Timer<T> {}
// SAFETY: As above; all methods take `&self` and call thread-safe C APIs.
unsafe impl<T: TimerCallback> Sync for Timer<T> {}

impl<T: TimerCallback> Timer<T> {
    /// Creates a timer with context `ctx` that is not armed.
    pub fn new(ctx: T) -> Result<Self> {
        let inner = KBox::pin(
            TimerInner {
                timer: Opaque::uninit(),
                ctx,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `inner.timer` is a fresh, pinned allocation; timer_setup
        // initialises it completely.
        unsafe { bindings::ferroute_timer_setup(inner.timer.get(), Some(Self::callback)) };
        // INVARIANT: set up just above; `Drop` shuts it down.
        Ok(Self { inner })
    }

    /// Arms (or re-arms) the timer to fire in `ms` milliseconds.
    pub fn arm_ms(&self, ms: u32) {
        // SAFETY: The timer is set up (type invariant) and its memory
        // outlives any arming since `Drop` shuts it down first.
        unsafe { arm(self.inner.timer.get(), ms) };
    }

    /// The context.
    pub fn context(&self) -> &T {
        &self.inner.ctx
    }

    /// # Safety
    ///
    /// Called by the timer core for a timer set up by `new`, which is the
    /// first field of a live `TimerInner<T>`.
    unsafe extern "C" fn callback(timer: *mut bindings::timer_list) {
        // SAFETY: `timer` is the first field of a `#[repr(C)]`
        // `TimerInner<T>` (set up in `new`), alive until `Drop` has waited
        // for this callback.
        let inner = unsafe { &*timer.cast::<TimerInner<T>>() };
        inner.ctx.run(&Rearm {
            timer,
            _p: PhantomData,
        });
    }
}

impl<T: TimerCallback> Drop for Timer<T> {
    /// Shuts the timer down, waiting for a running callback: process
    /// context, and never from the timer's own callback.
    fn drop(&mut self) {
        // SAFETY: The timer is set up; timer_shutdown_sync waits for a
        // running callback and prevents re-arming, so the memory can go.
        unsafe { bindings::timer_shutdown_sync(self.inner.timer.get()) };
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Kernel threads running a Rust closure.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)
//!
//! [`KThread::run`] starts a kernel thread (`kthread_run`) that calls a
//! closure once; [`KThread::stop`] or dropping the [`KThread`] asks it to
//! stop (`kthread_stop`) and waits until it has exited. The closure must be
//! `'static` (share data with it through an `Arc`): a guard that joins on
//! drop cannot lend borrowed data safely, as it could be forgotten.
//!
//! A thread's loop polls [`Context::should_stop`] and, since ferroute's
//! kernels are built without preemption, calls [`cond_resched`] or
//! [`schedule`] outside any RCU read-side section so that other tasks and
//! RCU grace periods progress.

use super::bindings;
use core::ffi::{c_int, c_void};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::{code::EINVAL, to_result, Result};
use kernel::str::CStr;

/// What a thread's closure may ask of the thread it runs on.
///
/// # Invariants
///
/// A `Context` exists only on a kernel thread started by [`KThread::run`],
/// for the duration of its closure (it is neither `Send` nor `Sync`, and
/// is only lent to the closure).
pub struct Context {
    _not_send: PhantomData<*mut ()>,
}

impl Context {
    /// Whether [`KThread::stop`] has asked this thread to stop
    /// (`kthread_should_stop`); the closure should then return soon.
    pub fn should_stop(&self) -> bool {
        // SAFETY: The current task is a kernel thread created by
        // `kthread_create` (type invariant), which is what
        // `kthread_should_stop` requires.
        unsafe { bindings::kthread_should_stop() }
    }
}

pub use super::time::cond_resched;

/// Runs the scheduler (`schedule`) from a running task: gives the CPU to
/// another task if one is runnable, and in any case reports an RCU
/// quiescent state for this CPU (`rcu_note_context_switch`), where
/// [`cond_resched`](super::time::cond_resched) on a kernel without preemption reports one only once a
/// grace period has waited long. A loop that must not hold up
/// [`super::rcu::synchronize`] calls this between its read-side sections.
/// Sleeps, with the same rules as [`cond_resched`].
pub fn schedule() {
    super::rcu::might_sleep();
    // SAFETY: FFI call; the task is running (not in a sleeping state set
    // up by the caller), so `schedule` returns once it is picked again.
    unsafe { bindings::schedule() };
}

/// A running kernel thread, stopped and waited for on drop.
///
/// # Invariants
///
/// `task` is a kernel thread started by [`KThread::run`] on which this
/// object holds a task reference and which it has not stopped yet. `data`
/// comes from `KBox::<Option<F>>::into_raw` for the `F` that `free` was
/// instantiated with; the thread may use it until it has exited, and this
/// object frees it afterwards.
pub struct KThread {
    task: NonNull<bindings::task_struct>,
    data: *mut c_void,
    free: unsafe fn(*mut c_void),
}

/// The thread function `kthread_create` runs: calls the closure once.
///
/// # Safety
///
/// `data` must be the `Option<F>` boxed by [`KThread::run`] for this
/// thread, alive and used by no one else until the thread exits, and the
/// caller must be that thread.
unsafe extern "C" fn thread_fn<F>(data: *mut c_void) -> c_int
where
    F: FnOnce(&Context) + Send + 'static,
{
    // SAFETY: By the function's safety requirements `data` points to the
    // live `Option<F>` of this thread, which nobody else touches until this
    // thread has exited (the `KThread` frees it only after `kthread_stop`).
    let slot = unsafe { &mut *data.cast::<Option<F>>() };
    if let Some(f) = slot.take() {
        // INVARIANT: This is the kernel thread `KThread::run` started, and
        // the context is only lent for the duration of the closure.
        f(&Context {
            _not_send: PhantomData,
        });
    }
    0
}

/// Frees the closure slot of a thread.
///
/// # Safety
///
/// `data` must come from `KBox::<Option<F>>::into_raw`, and no one may
/// use it any more.
unsafe fn free_slot<F>(data: *mut c_void) {
    // SAFETY: By the function's safety requirements `data` is an owned,
    // unused `KBox<Option<F>>`.
    drop(unsafe { KBox::from_raw(data.cast::<Option<F>>()) });
}

impl KThread {
    /// Starts a kernel thread named `name` that runs `f` once
    /// (`kthread_run`). Sleeps.
    pub fn run<F>(name: &CStr, f: F) -> Result<Self>
    where
        F: FnOnce(&Context) + Send + 'static,
    {
        let data = KBox::into_raw(KBox::new(Some(f), GFP_KERNEL)?).cast::<c_void>();
        let mut task: *mut bindings::task_struct = core::ptr::null_mut();
        // SAFETY: `thread_fn::<F>` matches the `Option<F>` behind `data`,
        // which stays alive until the thread is stopped (below, or by the
        // returned object); `name` is NUL-terminated and only read during
        // the call; `task` is a valid place for the result.
        let ret = unsafe {
            bindings::ferroute_kthread_run(
                Some(thread_fn::<F>),
                data,
                name.as_char_ptr(),
                &mut task,
            )
        };
        if let Err(e) = to_result(ret) {
            // SAFETY: No thread was created, so nothing else has `data`.
            unsafe { free_slot::<F>(data) };
            return Err(e);
        }
        // The helper sets `task` when it succeeds; were it null, `data`
        // leaks rather than being freed under a thread that may run.
        let task = NonNull::new(task).ok_or(EINVAL)?;
        // INVARIANT: The helper returned a started kernel thread with a
        // reference taken for us; `data` is its closure slot and
        // `free_slot::<F>` its destructor.
        Ok(Self {
            task,
            data,
            free: free_slot::<F>,
        })
    }

    /// Asks the thread to stop, waits until it has exited and frees its
    /// closure. Returns whether the closure ran (a thread stopped before it
    /// was first scheduled never calls it).
    pub fn stop(self) -> bool {
        let mut this = ManuallyDrop::new(self);
        this.stop_and_free() == 0
    }

    /// `kthread_stop_put`, then frees the closure slot; returns the thread
    /// function's result or `-EINTR`. Called exactly once per object.
    fn stop_and_free(&mut self) -> c_int {
        // SAFETY: `task` is a kernel thread we hold a reference on and have
        // not stopped (type invariant); `kthread_stop_put` consumes that
        // reference and returns once the thread has exited.
        let ret = unsafe { bindings::kthread_stop_put(self.task.as_ptr()) };
        // SAFETY: The thread has exited, so nothing uses `data` any more,
        // and `free` is the destructor for its type (type invariant). The
        // callers (`stop`, which forgets `self`, and `drop`) run this once.
        unsafe { (self.free)(self.data) };
        ret
    }
}

impl Drop for KThread {
    fn drop(&mut self) {
        self.stop_and_free();
    }
}

// SPDX-License-Identifier: GPL-2.0

//! Kernel abstractions: the only layer of ferroute that contains `unsafe`.
//!
//! Each file wraps one kernel concept (an sk_buff, a net_device, a
//! packet_type registration, a generic netlink family, ...) in a safe Rust
//! type, in the style of `rust/kernel/net/phy.rs`: raw pointers become
//! references in one documented place, registrations are guard objects that
//! unregister on drop, and callbacks are Rust traits whose `extern "C"`
//! trampolines are generated here once.
//!
//! `kunit.rs` (KUnit suites in Rust) and `kunit_helpers.c` live in this
//! folder but are not part of this module: only the test module
//! (`rust/tests/ferroute_kunit.rs`) includes them, so ferroute.ko carries no
//! test code.

pub mod bindings;
pub mod cpu;
pub mod devref;
pub mod genetlink;
pub mod kernel_fib;
pub mod kthread;
pub mod miscdev;
pub mod netdevice;
pub mod notifier;
pub mod packet_type;
pub mod percpu;
pub mod pernet;
pub mod rcu;
pub mod rx_handler;
pub mod shared;
pub mod skbuff;
pub mod slab;
pub mod slab_classes;
pub mod sync;
pub mod time;
pub mod vec;

/// The kernel error for a positive errno constant from the bindings.
pub fn errno(e: u32) -> kernel::error::Error {
    kernel::error::Error::from_errno(-(e as i32))
}

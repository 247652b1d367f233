// SPDX-License-Identifier: GPL-2.0

//! ferroute's own bindings to the kernel's networking C API.
//!
//! `kernel::bindings` in 6.12 has the `net_device` and `sk_buff` types but
//! none of netdevice.h's functions, so ferroute runs its own bindgen pass
//! (tools/testing/gen-bindings.sh) over `bindings_helper.h` with the kernel
//! build's exact C flags. The output is generated at build time and included
//! here; nothing bindgen can generate is declared by hand.

#![allow(
    clippy::all,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    dead_code,
    clippy::undocumented_unsafe_blocks
)]

// The kernel's bindgen parameters blocklist these to map them to Rust's
// own pointer-sized integers.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");

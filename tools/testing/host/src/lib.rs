// SPDX-License-Identifier: GPL-2.0

//! Host build of ferroute's IPv4 logic.
//!
//! `rust/ipv4` is compiled twice: into the kernel module, where only `core`
//! exists and allocation goes through `crate::platform::TryVec` (a KVec),
//! and here, where `platform` wraps `std::vec::Vec`.
//!
//! # Keeping the shared code free of `std` and `alloc`
//!
//! Outside of `cargo test` this crate is `#![no_std]`, and neither `std` nor
//! `alloc` is declared at the crate root, so neither is in the extern
//! prelude: a `std::...` or `alloc::...` path anywhere in `rust/ipv4` is a
//! compile error here, as it is in the kernel. Only [`platform`] binds `std`,
//! with an `extern crate` local to that module. `cargo build`, `cargo
//! clippy` and `cargo test` (which builds the plain library for its doc
//! tests) all compile that `no_std` library, so all of them catch a stray
//! `std::`; the unit-test build itself links `std` so that tests and
//! proptest can use it.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod platform;

#[path = "../../../../rust/ipv4/mod.rs"]
pub mod ipv4;

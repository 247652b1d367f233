// SPDX-License-Identifier: GPL-2.0

//! The kernel's own IPv4 FIB: a namespace's main routing table and
//! `fib_table_lookup` on it.
//!
//! C header: [`include/net/ip_fib.h`](srctree/include/net/ip_fib.h)
//!
//! ferroute never routes through the kernel's FIB; this exists so that
//! `fib-bench` can time the kernel's longest-prefix match against
//! ferroute's from kernel code, over the same keys, in the same run.

use super::bindings;
use super::netdevice::Net;
use super::rcu::ReadGuard;
use super::sync::Rtnl;
use core::marker::PhantomData;
use core::ptr::NonNull;

/// The main routing table (`RT_TABLE_MAIN`) of a network namespace,
/// borrowed for an RCU read-side section.
///
/// # Invariants
///
/// `ptr` points to a live `struct fib_table` for `'a`: a table that leaves
/// the namespace's table hash (`fib_unmerge` replacing main when the first
/// policy rule is added, namespace exit) is freed after a grace period
/// (`fib_free_table`: call_rcu), `'a` is bounded by a read-side section that
/// found it in the hash, and the namespace is alive for `'a`.
pub struct KernelFibTable<'a> {
    ptr: NonNull<bindings::fib_table>,
    _p: PhantomData<&'a ReadGuard>,
}

/// Makes sure `net` has a main table (`fib_new_table(net, RT_TABLE_MAIN)`,
/// which creates it if it is missing); false if it could not be created.
pub fn ensure_main_table(net: &Net<'_>, _rtnl: &Rtnl) -> bool {
    // SAFETY: `net` is alive (its type invariant) and RTNL is held, as
    // fib_new_table requires; it sleeps only to allocate a missing table,
    // and we are in process context (RTNL is a mutex).
    let tb = unsafe { bindings::fib_new_table(net.as_raw(), bindings::rt_class_t_RT_TABLE_MAIN) };
    !tb.is_null()
}

impl<'a> KernelFibTable<'a> {
    /// The main table of `net`, if it has one (see
    /// [`ensure_main_table`]), for the read-side section `_guard`: no lock
    /// is held, so a long run of lookups blocks no configuration change.
    pub fn main(net: &'a Net<'_>, _guard: &'a ReadGuard) -> Option<Self> {
        // SAFETY: `net` is alive for 'a (its type invariant); the helper
        // walks the namespace's table hash as fib_get_table does, under
        // the RCU read-side section `_guard` holds.
        let tb = unsafe { bindings::ferroute_fib_main_table_rcu(net.as_raw()) };
        // INVARIANT: found in the hash inside `_guard`'s section, which
        // bounds 'a; the namespace is alive for 'a.
        NonNull::new(tb).map(|ptr| Self {
            ptr,
            _p: PhantomData,
        })
    }

    /// `fib_table_lookup` of `dst` (host byte order) with no input or
    /// output interface, TOS 0, mark 0 and `FIB_LOOKUP_NOREF`, as
    /// `ip_route_input_slow` asks it; returns the prefix length of the
    /// route found, `None` if the lookup fails (no route, or a reject
    /// route). `flow` is reused between calls so that only the lookup is
    /// measured.
    #[inline]
    pub fn lookup(&self, _guard: &ReadGuard, flow: &mut FlowKey, dst: u32) -> Option<u8> {
        flow.fl4.daddr = dst.to_be();
        // SAFETY: The table is alive (type invariant); `_guard` is the RCU
        // read-side section FIB_LOOKUP_NOREF lookups require; `flow` and
        // `res` are valid, initialised structures the call reads and writes.
        let err = unsafe {
            bindings::fib_table_lookup(
                self.ptr.as_ptr(),
                &flow.fl4,
                &mut flow.res,
                bindings::FIB_LOOKUP_NOREF as i32,
            )
        };
        if err == 0 {
            Some(flow.res.prefixlen)
        } else {
            None
        }
    }
}

/// The flow (`struct flowi4`) and result (`struct fib_result`) of
/// [`KernelFibTable::lookup`]: zeroed (no interface, TOS 0, mark 0, scope
/// universe), with only the destination set per lookup.
pub struct FlowKey {
    fl4: bindings::flowi4,
    res: bindings::fib_result,
}

impl FlowKey {
    /// A zeroed flow and result.
    pub fn new() -> Self {
        Self {
            fl4: bindings::flowi4::default(),
            res: bindings::fib_result::default(),
        }
    }
}

impl Default for FlowKey {
    fn default() -> Self {
        Self::new()
    }
}

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
/// borrowed while RTNL is held.
///
/// # Invariants
///
/// `ptr` points to a live `struct fib_table` for `'a`: tables are freed
/// only under RTNL (`fib_unmerge` when the first policy rule is added,
/// namespace exit), RTNL is held for `'a`, and the namespace is alive for
/// `'a`.
pub struct KernelFibTable<'a> {
    ptr: NonNull<bindings::fib_table>,
    _p: PhantomData<&'a Rtnl>,
}

impl<'a> KernelFibTable<'a> {
    /// The main table of `net` (`fib_new_table(net, RT_TABLE_MAIN)`, which
    /// every namespace has from its creation); `None` if it could not be
    /// created.
    pub fn main(net: &Net<'a>, _rtnl: &'a Rtnl) -> Option<Self> {
        // SAFETY: `net` is alive for 'a (its type invariant) and RTNL is
        // held, as fib_new_table requires; it sleeps only to allocate a
        // missing table, and we are in process context (RTNL is a mutex).
        let tb =
            unsafe { bindings::fib_new_table(net.as_raw(), bindings::rt_class_t_RT_TABLE_MAIN) };
        // INVARIANT: A non-null table lives while RTNL is held and the
        // namespace lives, both for 'a.
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

// SPDX-License-Identifier: GPL-2.0

//! ferroute's IPv4 logic: everything the router decides about a packet,
//! as safe Rust with no kernel calls.
//!
//! This module tree is compiled twice: into the kernel module (root
//! `rust/ferroute.rs`) and into the host crate `tools/testing/host`, where
//! `cargo test` runs the tests next to each file. So it uses only `core`,
//! allocates only through [`crate::platform::TryVec`], takes time as a `u64`
//! of milliseconds passed in by the caller, contains no `unsafe`, and never
//! panics on a value from a packet or a user.
//!
//! The files follow Linux's net/ipv4 and keep its names:
//!
//! | here | Linux |
//! | --- | --- |
//! | [`wire`] | packet formats (`struct iphdr`, `arphdr`, `icmphdr`, `udphdr`) |
//! | [`checksum`] | `csum_partial`, `ip_fast_csum`, `csum_replace2` |
//! | [`addr`] | `ipv4_is_*` of include/linux/in.h |
//! | [`stats`] | IPSTATS/ICMP MIBs, include/net/dropreason-core.h |
//! | [`receive`] | `ip_rcv_core` (ip_input.c) |
//! | [`iface`] | `in_ifaddr` lists, `inet_select_addr` (devinet.c) |
//! | [`fib`] | `fib_table_lookup`, `fib_rules_lookup`, `fib_add_ifaddr` |
//! | [`devconf`] | `ipv4_devconf` and the `net.ipv4.*` sysctls (devinet.c, sysctl_net_ipv4.c) |
//! | [`devinet`] | `inet_insert_ifa`/`inet_del_ifa` with their FIB updates |
//! | [`route`] | `ip_route_input_slow`, `ip_route_output_key` (route.c) |
//! | [`arp`] | `arp_process`, `arp_solicit` (arp.c) |
//! | [`neigh`] | the neighbour cache of net/core/neighbour.c |
//! | [`icmp`] | `icmp_rcv`, `icmp_echo`, `icmp_send` rules, `icmp_global_allow` |
//! | [`forward`] | `ip_forward` decisions (TTL, MTU) |
//! | [`mroute`] | VIFs, the MFC, `ip_mr_input`/`ip_mr_forward` (ipmr.c) |
//! | [`fragment`] | `ip_do_fragment`, `ip_options_fragment` |
//! | [`reasm`] | `ip_defrag`, `inet_frag_queue_insert`, `ip_expire` |
//! | [`options`] | `__ip_options_compile`, `ip_forward_options`, `__ip_options_echo` |
//! | [`udp`] | `__udp4_lib_rcv` with no socket (udp.c) |
//! | [`tcp`] | `tcp_v4_rcv` with no socket, `tcp_v4_send_reset` (tcp_ipv4.c) |

pub mod addr;
pub mod arp;
pub mod checksum;
pub mod devconf;
pub mod devinet;
pub mod errno;
pub mod fib;
pub mod forward;
pub mod fragment;
pub mod icmp;
pub mod iface;
pub mod igmp;
pub mod inetpeer;
pub mod mroute;
pub mod neigh;
pub mod options;
pub mod reasm;
pub mod receive;
pub mod route;
pub mod stats;
pub mod tcp;
pub mod udp;
pub mod wire;

/// The element of `sorted` (ascending by `key`) whose key is `k`: a
/// binary search written out, for the packet path (the routing tables,
/// the router's addresses), where the slice's `binary_search_by_key` left
/// its key closure a call of its own per probe.
#[inline(always)]
pub(crate) fn find_sorted<'a, T, K: Ord>(
    sorted: &'a [T],
    k: &K,
    key: impl Fn(&T) -> K,
) -> Option<&'a T> {
    let (mut lo, mut hi) = (0usize, sorted.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let t = sorted.get(mid)?;
        match key(t).cmp(k) {
            core::cmp::Ordering::Equal => return Some(t),
            core::cmp::Ordering::Less => lo = mid + 1,
            core::cmp::Ordering::Greater => hi = mid,
        }
    }
    None
}

pub use errno::Errno;

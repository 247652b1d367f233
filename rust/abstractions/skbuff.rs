// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`).
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h)
//!
//! [`SkBuff`] owns one reference to an skb and frees it exactly once. How it
//! is freed is chosen deliberately: [`SkBuff::consume`] for a packet that
//! was handled normally (`consume_skb`, invisible to drop monitors) and
//! [`SkBuff::drop_with`] for a packet that was dropped, with the reason
//! (`kfree_skb_reason`). An `SkBuff` that is simply dropped is freed with
//! `SKB_DROP_REASON_NOT_SPECIFIED`, so a path that forgets to decide still
//! frees the packet and shows up in `dropwatch`/`perf skb:kfree_skb`.

use super::bindings;
use super::netdevice::NetDevice;
use core::ptr::NonNull;

/// A drop reason from `include/net/dropreason-core.h`.
pub type DropReason = bindings::skb_drop_reason;

/// The drop reasons ferroute reports, by their kernel names.
pub mod reason {
    use super::bindings;
    use super::DropReason;

    /// `SKB_DROP_REASON_NOT_SPECIFIED`.
    pub const NOT_SPECIFIED: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED;
    /// `SKB_DROP_REASON_PKT_TOO_SMALL`.
    pub const PKT_TOO_SMALL: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_SMALL;
    /// `SKB_DROP_REASON_IP_CSUM`.
    pub const IP_CSUM: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_CSUM;
    /// `SKB_DROP_REASON_IP_INHDR`.
    pub const IP_INHDR: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_INHDR;
    /// `SKB_DROP_REASON_IP_INADDRERRORS`.
    pub const IP_INADDRERRORS: DropReason =
        bindings::skb_drop_reason_SKB_DROP_REASON_IP_INADDRERRORS;
    /// `SKB_DROP_REASON_IP_NOPROTO`.
    pub const IP_NOPROTO: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_NOPROTO;
    /// `SKB_DROP_REASON_IP_RPFILTER`.
    pub const IP_RPFILTER: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_RPFILTER;
    /// `SKB_DROP_REASON_IP_NOROUTE` (no route to the destination).
    pub const IP_NOROUTE: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_OUTNOROUTES;
    /// `SKB_DROP_REASON_IP_INNOROUTES`.
    pub const IP_INNOROUTES: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_IP_INNOROUTES;
    /// `SKB_DROP_REASON_OTHERHOST`.
    pub const OTHERHOST: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_OTHERHOST;
    /// `SKB_DROP_REASON_NEIGH_FAILED`.
    pub const NEIGH_FAILED: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_NEIGH_FAILED;
    /// `SKB_DROP_REASON_NEIGH_QUEUEFULL`.
    pub const NEIGH_QUEUEFULL: DropReason =
        bindings::skb_drop_reason_SKB_DROP_REASON_NEIGH_QUEUEFULL;
    /// `SKB_DROP_REASON_NEIGH_DEAD`.
    pub const NEIGH_DEAD: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_NEIGH_DEAD;
    /// `SKB_DROP_REASON_UNHANDLED_PROTO`.
    pub const UNHANDLED_PROTO: DropReason =
        bindings::skb_drop_reason_SKB_DROP_REASON_UNHANDLED_PROTO;
    /// `SKB_DROP_REASON_NOMEM`.
    pub const NOMEM: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_NOMEM;
    /// `SKB_DROP_REASON_DEV_READY` (the device is going away).
    pub const DEV_READY: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_DEV_READY;
    /// `SKB_DROP_REASON_ICMP_CSUM`.
    pub const ICMP_CSUM: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_ICMP_CSUM;
    /// `PKT_TOO_BIG`: larger than the MTU, and may not be fragmented.
    pub const PKT_TOO_BIG: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_BIG;
    /// `DUP_FRAG`: a fragment already queued for reassembly.
    pub const DUP_FRAG: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_DUP_FRAG;
    /// `FRAG_REASM_TIMEOUT`: its reassembly queue timed out.
    pub const FRAG_REASM_TIMEOUT: DropReason =
        bindings::skb_drop_reason_SKB_DROP_REASON_FRAG_REASM_TIMEOUT;
    /// `UDP_CSUM`: bad UDP checksum.
    pub const UDP_CSUM: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_UDP_CSUM;
    /// `TCP_CSUM`: bad TCP checksum.
    pub const TCP_CSUM: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_TCP_CSUM;
    /// `NO_SOCKET`: no socket for a UDP or TCP packet.
    pub const NO_SOCKET: DropReason = bindings::skb_drop_reason_SKB_DROP_REASON_NO_SOCKET;
}

/// The values of `skb->pkt_type` ([`SkBuff::pkt_type`]), from
/// `include/uapi/linux/if_packet.h`.
pub mod pkt_type {
    use super::bindings;

    /// `PACKET_HOST`: to the receiving device's own address.
    pub const HOST: u8 = bindings::PACKET_HOST as u8;
    /// `PACKET_BROADCAST`: to the link-layer broadcast address.
    pub const BROADCAST: u8 = bindings::PACKET_BROADCAST as u8;
    /// `PACKET_MULTICAST`: to a link-layer group address.
    pub const MULTICAST: u8 = bindings::PACKET_MULTICAST as u8;
    /// `PACKET_OTHERHOST`: to another station, or on a VLAN that no vlan
    /// device on the receiving device takes (`__netif_receive_skb_core`).
    pub const OTHERHOST: u8 = bindings::PACKET_OTHERHOST as u8;
    /// `PACKET_LOOPBACK`: sent by this host and looped back
    /// (`dev_loopback_xmit`).
    pub const LOOPBACK: u8 = bindings::PACKET_LOOPBACK as u8;
}

/// An owned socket buffer.
///
/// # Invariants
///
/// `ptr` points to a valid `struct sk_buff` of which this object owns one
/// reference, and that reference is released exactly once: by a consuming
/// method (`consume`, `drop_with`, `into_raw`, a transmit function) or by
/// `Drop`. The skb is not shared (`skb->users == 1`): constructors that can
/// receive a shared skb unshare it first.
pub struct SkBuff {
    ptr: NonNull<bindings::sk_buff>,
}

// SAFETY: An owned skb can be handed to another CPU or context; the kernel
// does so all the time (queues, softirqs on other CPUs).
unsafe impl Send for SkBuff {}

impl SkBuff {
    /// Takes ownership of a possibly shared skb, as a packet handler receives
    /// it, unsharing it the way `skb_share_check` does. Returns `None` if
    /// the skb was shared and cloning it failed; the skb was freed then.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid skb and the caller must own one reference
    /// to it, which it transfers to the callee.
    #[inline]
    pub unsafe fn from_raw_shared(ptr: *mut bindings::sk_buff) -> Option<Self> {
        // skb_shared, inline (every received frame asks it): `users` is a
        // `refcount_t` (`{ atomic_t refs }`, `atomic_t` is `{ int counter }`,
        // 4-byte aligned), which the kernel touches only with atomic
        // operations once the skb is published (refcount_*, atomic_read's
        // READ_ONCE, which the Relaxed load below is).
        // SAFETY: The caller's reference keeps the skb, and so `users`,
        // alive for this function, the only span the atomic reference is
        // used in; `users` is aligned, and no non-atomic access races the
        // load (above).
        let users = unsafe {
            core::sync::atomic::AtomicI32::from_ptr(core::ptr::addr_of_mut!(
                (*ptr).users.refs.counter
            ))
        };
        if users.load(core::sync::atomic::Ordering::Relaxed) == 1 {
            // The caller's reference is the only one: nobody else can take
            // another, so the skb stays unshared, which is all
            // skb_share_check would have found.
            // INVARIANT: owned by us (from the caller) and not shared.
            return NonNull::new(ptr).map(|ptr| Self { ptr });
        }
        // SAFETY: The caller owns a reference to a valid skb; skb_share_check
        // consumes it and returns an owned unshared one, or NULL after
        // freeing it.
        let unshared = unsafe { bindings::ferroute_skb_share_check(ptr) };
        // INVARIANT: `unshared` is owned by us and not shared.
        NonNull::new(unshared).map(|ptr| Self { ptr })
    }

    /// Allocates an skb with `headroom` bytes reserved in front of an empty
    /// data area of `len` bytes of tailroom, from atomic memory (this runs
    /// in softirq). Returns `None` when memory is short.
    pub fn alloc(headroom: u32, len: u32) -> Option<Self> {
        let total = headroom.checked_add(len)?;
        // SAFETY: FFI call without safety requirements.
        let ptr = NonNull::new(unsafe { bindings::ferroute_alloc_skb(total) })?;
        // INVARIANT: A freshly allocated skb is owned by us and not shared.
        let skb = Self { ptr };
        // SAFETY: The skb is valid and owned, and has `total` bytes of
        // tailroom so `headroom` bytes can be reserved.
        unsafe { bindings::ferroute_skb_reserve(skb.as_raw(), headroom as i32) };
        Some(skb)
    }

    #[cfg(ferroute_kunit)]
    /// Allocates an skb with `headroom` bytes of linear space reserved and
    /// `paged` bytes of zeroed data in page fragments, as
    /// `sock_alloc_send_pskb` builds a large packet: a nonlinear skb, for
    /// tests of what must cope with one. Returns `None` when memory is short
    /// or `paged` is more than the fragments of one skb hold.
    pub fn alloc_paged(headroom: u32, paged: u32) -> Option<Self> {
        // SAFETY: FFI call without safety requirements; the helper checks
        // `paged` against MAX_SKB_FRAGS pages (alloc_skb_with_frags).
        let ptr = NonNull::new(unsafe { bindings::ferroute_alloc_skb_paged(headroom, paged) })?;
        // INVARIANT: A freshly allocated skb is owned by us and not shared.
        let skb = Self { ptr };
        // SAFETY: The skb is valid and owned, its linear area is empty and
        // `headroom` bytes long, so they can be reserved.
        unsafe { bindings::ferroute_skb_reserve(skb.as_raw(), headroom as i32) };
        Some(skb)
    }

    /// Whether the transport checksum was vouched for and need not be
    /// computed (`skb_csum_unnecessary`): CHECKSUM_UNNECESSARY from the
    /// device, a checksum already validated, or CHECKSUM_PARTIAL from a
    /// sender on this host (a veth peer, a ferroute device's namespace),
    /// whose checksum field holds only the pseudo-header sum for the
    /// device to complete.
    pub fn csum_unnecessary(&self) -> bool {
        // SAFETY: By the type invariant the skb is valid; the helper only
        // reads its checksum fields.
        unsafe { bindings::ferroute_skb_csum_unnecessary(self.as_raw()) != 0 }
    }

    /// The memory the skb takes (`skb->truesize`), for limits on what a
    /// queue holds.
    pub fn truesize(&self) -> u32 {
        // SAFETY: By the type invariant the skb is valid.
        unsafe { bindings::ferroute_skb_truesize(self.as_raw()) }
    }

    /// Detaches the skb from the socket that sent it, as `ip_rcv_core`
    /// does (`skb_orphan`, unless a BPF program prefetched a socket for
    /// it): a packet the router keeps (in a reassembly or neighbour queue)
    /// no longer holds its sender's send buffer, which would otherwise
    /// block the sender (a veth peer's or a ferroute device's namespace's
    /// socket) until the router let go of it.
    pub fn orphan(&mut self) {
        // Without a destructor skb_orphan does nothing (a packet from the
        // wire has none): no call for it.
        if self.destructor().is_none() {
            return;
        }
        // SAFETY: The skb is valid and not shared (type invariant): no one else uses its
        // `destructor` and `sk`. skb_orphan calls the destructor once and clears both, or BUG()s on
        // a socket without one: the kernel sets `sk` only with a destructor (skb_set_owner_*,
        // edemux; bpf_sk_assign's sock_pfree the helper leaves alone), as ip_rcv_core relies on.
        // The destructors (sock_wfree, tcp_wfree...) run in any context (softirq, hardirq).
        unsafe { bindings::ferroute_skb_orphan(self.as_raw()) }
    }

    /// For a GSO packet (a super-packet a veth peer or GRO built, to be
    /// segmented on output), whether each of its segments fits `mtu` at
    /// the network layer (`skb_gso_validate_network_len`); `None` for a
    /// packet that is not GSO. The network and transport headers must be
    /// set.
    #[inline]
    pub fn gso_fits(&self, mtu: u32) -> Option<bool> {
        if self.gso_size() == 0 {
            return None;
        }
        // SAFETY: By the type invariant the skb is valid; the helper reads
        // its shared info and header offsets.
        match unsafe { bindings::ferroute_skb_gso_fits(self.as_raw(), mtu) } {
            r if r < 0 => None,
            r => Some(r != 0),
        }
    }

    /// Completes a transport checksum left to the device
    /// (CHECKSUM_PARTIAL: a packet from a sender on this host) in software
    /// (`skb_checksum_help`), as `ip_do_fragment` does before copying a
    /// packet into fragments, whose receiver could not complete it; nothing
    /// for any other packet. `Err(EINVAL)`, with nothing done, for a GSO
    /// packet or one whose checksum field is not in its linear data;
    /// `Err(ENOMEM)` if the data could not be made private to this skb.
    pub fn checksum_help(&mut self) -> Result<(), kernel::error::Error> {
        // SAFETY: By the type invariant the skb is valid and owned (so
        // skb_checksum_help may write the checksum, after
        // skb_ensure_writable has unshared a cloned head). The helper calls
        // it only for a CHECKSUM_PARTIAL skb that is not GSO and whose
        // checksum start and field lie in the linear data, the cases in
        // which skb_checksum_help neither WARNs nor reads outside it.
        let ret = unsafe { bindings::ferroute_skb_checksum_help(self.as_raw()) };
        if ret < 0 {
            return Err(kernel::error::Error::from_errno(ret));
        }
        Ok(())
    }

    /// Splits a GSO super-packet into its segments in software, as
    /// `ip_finish_output_gso` does for one whose segments do not fit the
    /// egress MTU (`skb_gso_segment` with no device features: each segment
    /// leaves with its checksum complete). `skb->data` must be at the IP
    /// header of an IPv4 packet, which becomes the network header; a packet
    /// that is not GSO comes back alone.
    /// Returns `None` if segmenting failed: the packet was freed then, with
    /// `SKB_DROP_REASON_SKB_GSO_SEG`.
    pub fn gso_segment(self) -> Option<SkbList> {
        // SAFETY: The helper takes our one reference (unshared: the type
        // invariant) and frees it or returns it as a list of unshared skbs.
        // It sets the network header to `skb->data`, so the mac_len that
        // skb_mac_gso_segment __skb_pulls unchecked is 0; the offload
        // handlers pskb_may_pull what they read, so any data is safe.
        let head = unsafe { bindings::ferroute_skb_gso_segment(self.into_raw()) };
        // INVARIANT: `head` is null or the head of a list of owned skbs.
        (!head.is_null()).then_some(SkbList { head })
    }

    #[cfg(ferroute_kunit)]
    /// Checksums the data and marks the skb CHECKSUM_COMPLETE with it, as a
    /// device that checksums what it receives does (for tests).
    pub fn set_csum_complete(&mut self) {
        // SAFETY: By the type invariant the skb is valid and owned;
        // skb_checksum reads its `len` bytes of data, linear and paged.
        unsafe { bindings::ferroute_skb_set_csum_complete(self.as_raw()) };
    }

    #[cfg(ferroute_kunit)]
    /// Whether `skb->csum` is the checksum of the data from `skb->data` on,
    /// as CHECKSUM_COMPLETE promises (true if the skb is not
    /// CHECKSUM_COMPLETE).
    pub fn csum_complete_ok(&self) -> bool {
        // SAFETY: By the type invariant the skb is valid; skb_checksum only
        // reads its `len` bytes of data.
        unsafe { bindings::ferroute_skb_csum_complete_ok(self.as_raw()) != 0 }
    }

    /// Returns the raw pointer, still owned by `self`.
    pub fn as_raw(&self) -> *mut bindings::sk_buff {
        self.ptr.as_ptr()
    }

    /// Gives up ownership and returns the raw pointer; the caller must
    /// release the reference.
    pub fn into_raw(self) -> *mut bindings::sk_buff {
        let ptr = self.ptr.as_ptr();
        core::mem::forget(self);
        ptr
    }

    /// Frees the skb as a packet that was handled normally (`consume_skb`).
    pub fn consume(self) {
        // SAFETY: By the type invariant we own one reference; `into_raw`
        // hands it to consume_skb, which releases it.
        unsafe { bindings::ferroute_skb_consume(self.into_raw()) };
    }

    /// Frees the skb as a dropped packet, with the reason
    /// (`kfree_skb_reason`).
    pub fn drop_with(self, reason: DropReason) {
        // SAFETY: By the type invariant we own one reference, released here.
        unsafe { bindings::ferroute_skb_drop(self.into_raw(), reason) };
    }

    /// Frees a frame that `dev` received for another host, as `ip_rcv_core`
    /// drops PACKET_OTHERHOST: counted in the device's
    /// `rx_otherhost_dropped` (`ip -s -s link`: otherhost) and freed with
    /// `SKB_DROP_REASON_OTHERHOST`.
    pub fn drop_otherhost(self, dev: &NetDevice) {
        // SAFETY: `dev` is valid while borrowed (NetDevice's invariant), so
        // netdev_core_stats_inc may read and, the first time, allocate
        // (GFP_ATOMIC, any context but NMI) and cmpxchg `dev->core_stats`,
        // which lives until free_netdev. By the type invariant we own one
        // reference to the skb, released here by kfree_skb_reason.
        unsafe { bindings::ferroute_skb_drop_otherhost(self.into_raw(), dev.as_raw()) };
    }

    /// The length of the packet data (`skb->len`).
    pub fn len(&self) -> u32 {
        self.linear().1
    }

    /// `skb->data`, `skb->len` and `skb_headlen` (`len - data_len`), read
    /// from the structure as the inline accessors of
    /// include/linux/skbuff.h read them: the packet path asks for them
    /// several times a packet, and a C helper call each time is not free.
    #[inline]
    fn linear(&self) -> (*mut u8, u32, u32) {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the skb is valid and owned, so
        // nothing else changes these fields while `self` is borrowed.
        let (data, len, data_len) = unsafe { ((*skb).data, (*skb).len, (*skb).data_len) };
        (data, len, len.saturating_sub(data_len))
    }

    /// Whether the packet is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The free space in front of the data (`skb_headroom`).
    #[inline]
    pub fn headroom(&self) -> u32 {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the skb is valid and owned.
        let (head, data) = unsafe { ((*skb).head, (*skb).data) };
        // `data - head`, both in the skb's one data buffer, `data` not
        // before `head` (skb_push refuses to move it there).
        (data as usize).wrapping_sub(head as usize) as u32
    }

    /// The packet type the receiving device classified (`skb->pkt_type`,
    /// one of [`pkt_type`]'s values). `eth_type_trans` sets it from the
    /// destination MAC; the core then marks a frame with a VLAN tag that no
    /// vlan device took PACKET_OTHERHOST and strips the tag.
    #[inline]
    pub fn pkt_type(&self) -> u8 {
        self.headers().pkt_type()
    }

    /// Makes all the data linear (`skb_linearize`) so [`Self::data`] sees
    /// the whole packet.
    pub fn linearize(&mut self) -> Result<(), kernel::error::Error> {
        // skb_linearize: nothing to do for a linear skb.
        let (_, len, headlen) = self.linear();
        if headlen == len {
            return Ok(());
        }
        // SAFETY: By the type invariant the skb is valid and owned.
        let ret = unsafe { bindings::ferroute_skb_linearize(self.as_raw()) };
        if ret < 0 {
            return Err(kernel::error::Error::from_errno(ret));
        }
        Ok(())
    }

    /// Makes the first `len` bytes of the data linear (`pskb_may_pull`),
    /// so [`Self::data`] holds at least them, moving no more than the
    /// missing bytes out of the fragments: what a receive path does for the
    /// headers it reads, instead of copying the whole packet. Returns false,
    /// the data unchanged, if the packet is shorter than `len` or memory
    /// for a larger head is short.
    #[inline]
    pub fn may_pull(&mut self, len: u32) -> bool {
        let (_, total, headlen) = self.linear();
        if len <= headlen {
            return true;
        }
        if len > total {
            return false;
        }
        // SAFETY: By the type invariant the skb is valid, owned and not
        // shared (pskb_may_pull may reallocate its head: no slice of the
        // old one is alive while `self` is borrowed mutably), and
        // `headlen < len <= skb->len`, so __pskb_pull_tail is asked for
        // bytes the fragments hold.
        unsafe { bindings::ferroute_skb_may_pull(self.as_raw(), len) != 0 }
    }

    /// The linear part of the packet data (all of it after
    /// [`Self::linearize`]).
    pub fn data(&self) -> &[u8] {
        let (data, _, headlen) = self.linear();
        // SAFETY: By the type invariant the skb is valid; `skb->data` points
        // to `skb_headlen` readable bytes that stay valid and unchanged while
        // we hold `&self` (the skb is owned and only changed through `&mut`).
        unsafe { core::slice::from_raw_parts(data, headlen as usize) }
    }

    /// The linear data for writing; the data area is first made private to
    /// this skb (`skb_unclone`) since a clone may share it.
    #[inline(always)]
    pub fn data_mut(&mut self) -> Option<&mut [u8]> {
        if !self.unclone() {
            return None;
        }
        let (data, _, headlen) = self.linear();
        // SAFETY: The skb is valid, owned, and its data area is no longer
        // shared with a clone, so writing `skb_headlen` bytes at `skb->data`
        // is exclusive while we hold `&mut self`.
        unsafe { Some(core::slice::from_raw_parts_mut(data, headlen as usize)) }
    }

    /// Extends the data at the end by `len` bytes (`skb_put`) and returns
    /// them, zeroed. Returns `None`, changing nothing visible, if the skb
    /// has paged data (`skb_put` appends to the linear area only), if its
    /// data area is shared with a clone and copying it failed, or if the
    /// tailroom is too small.
    pub fn put(&mut self, len: u32) -> Option<&mut [u8]> {
        // SAFETY: By the type invariant the skb is valid.
        if unsafe { bindings::ferroute_skb_is_nonlinear(self.as_raw()) } != 0 {
            // skb_put's SKB_LINEAR_ASSERT is BUG_ON(skb_is_nonlinear(skb)),
            // whatever `len` is, 0 included.
            return None;
        }
        // A clone shares the whole data buffer, tailroom included: two
        // clones that each put would hand out the same bytes. skb_unclone
        // gives this skb a private copy (pskb_expand_head) if it is cloned.
        if !self.unclone() {
            return None;
        }
        // SAFETY: By the type invariant the skb is valid. It is still
        // linear: pskb_expand_head keeps `data_len` (and we checked it was
        // zero), so skb_tailroom is `end - tail`.
        let tailroom = unsafe { bindings::ferroute_skb_tailroom(self.as_raw()) };
        if len > tailroom {
            return None;
        }
        // skb_put returns the old tail: `len` bytes of a data buffer that,
        // after skb_unclone, only this skb references (`dataref == 1`);
        // they move only through `&mut self`, which the slice borrows.
        // SAFETY: The skb is valid, owned and linear (SKB_LINEAR_ASSERT
        // holds), with `len <= end - tail` tailroom (no skb_over_panic); the
        // returned bytes are exclusive (above), and zeroed before a safe
        // caller reads them (tailroom is uninitialized kmalloc memory).
        unsafe {
            let p = bindings::skb_put(self.as_raw(), len).cast::<u8>();
            core::ptr::write_bytes(p, 0, len as usize);
            Some(core::slice::from_raw_parts_mut(p, len as usize))
        }
    }

    /// Extends the data at the front by `N` bytes (`skb_push`) and returns
    /// them, zeroed. Returns `None`, changing nothing visible, if the
    /// headroom is too small or if the data area is shared with a clone and
    /// copying it failed.
    ///
    /// The length is a constant (headers have fixed sizes), so the zeroing
    /// is a few stores wherever this is compiled: a length known only at
    /// run time made it a `memset` call per forwarded frame on the list
    /// path (`Documentation/performance.rst`). Inline: every forwarded
    /// frame pushes its Ethernet header.
    #[inline(always)]
    pub fn push<const N: usize>(&mut self) -> Option<&mut [u8; N]> {
        let len = u32::try_from(N).ok()?;
        // The headroom lies in the data buffer that clones share: make it
        // private first (skb_unclone, as `put` and `data_mut` do). Linux's
        // skb_cow_head only copies when the header part is shared
        // (skb_header_cloned), which relies on the holder of an
        // skb_header_release()d clone not to write headers; skb_unclone
        // makes the whole buffer ours whoever holds the other references.
        if !self.unclone() {
            return None;
        }
        // Checked after skb_unclone, which keeps the headroom
        // (pskb_expand_head with nhead 0) but is not relied on to.
        if len > self.headroom() {
            return None;
        }
        // The new bytes are `data - N .. data`, in a data buffer that only
        // this skb references after skb_unclone (`dataref == 1`); they move
        // only through `&mut self`, which the array borrows.
        // SAFETY: The skb is valid and owned, with `N <= data - head`
        // headroom (checked above, `len == N`), so the `N` bytes from the
        // new `data` are in the data buffer; they are exclusive (above),
        // zeroed before a safe caller reads them (headroom may be
        // uninitialized kmalloc memory), and `[u8; N]` has alignment 1.
        unsafe {
            let p = self.push_unchecked(len);
            core::ptr::write_bytes(p, 0, N);
            Some(&mut *p.cast::<[u8; N]>())
        }
    }

    /// Moves the start of the data forward by `len` bytes (`skb_pull`).
    /// Fails, changing nothing, if fewer linear bytes are there.
    pub fn pull(&mut self, len: u32) -> Option<()> {
        if len as usize > self.data().len() {
            return None;
        }
        let skb = self.as_raw();
        // __skb_pull, as skb_pull does it once `len <= skb->len`.
        // SAFETY: The skb is valid and owned and has `len` linear bytes, so
        // `data + len` is still in its linear data and `len - len` stays
        // at least `data_len` (no BUG in __skb_pull's check).
        unsafe {
            (*skb).len -= len;
            (*skb).data = (*skb).data.add(len as usize);
        }
        Some(())
    }

    /// Moves the start of the data back over the MAC header the receive
    /// path pulled (`eth_type_trans` leaves `skb->data` at the network
    /// header), so the data starts at the Ethernet header again; a
    /// CHECKSUM_COMPLETE `skb->csum` then covers the MAC header too
    /// (`skb_push_rcsum`).
    pub fn push_mac_header(&mut self) -> Option<()> {
        let mac = self.headers().mac_header;
        // skb_mac_header_was_set: `(u16)~0U` marks an unset MAC header.
        if mac == u16::MAX {
            return None;
        }
        // skb_mac_offset, negated: the MAC header's distance before `data`.
        let offset = self.headroom().checked_sub(u32::from(mac))?;
        // The bytes from the MAC header to `data` were packet data (the MAC
        // header is set by eth_type_trans, dev_queue_xmit, reset_mac_header
        // or moved in the frame by skb_vlan_untag), so moving `data` back
        // over them exposes nothing uninitialized.
        if self.headers().ip_summed() == bindings::CHECKSUM_COMPLETE as u8 {
            // skb_postpush_rcsum reads them, to keep `skb->csum` right.
            // SAFETY: The skb is valid and owned; `offset <= data - head`
            // (the MAC header is at `head + mac`, not after `data`), so no
            // skb_under_panic; only this skb's pointers move, no shared
            // bytes.
            unsafe { bindings::ferroute_skb_push_rcsum(self.as_raw(), offset) };
        } else {
            // skb_push_rcsum without a checksum to keep: skb_push.
            // SAFETY: The skb is valid and owned; `offset <= data - head`
            // (above).
            unsafe { self.push_unchecked(offset) };
        }
        Some(())
    }

    /// Marks the current start of data as the MAC header.
    #[inline]
    pub fn reset_mac_header(&mut self) {
        // skb_reset_mac_header: the offset of `data` from `head`, which a
        // u16 holds (an skb's headroom is far below 64 KiB).
        let offset = self.headroom() as u16;
        self.headers_mut().mac_header = offset;
    }

    /// Marks the current start of data as the network header.
    #[inline]
    pub fn reset_network_header(&mut self) {
        // skb_reset_network_header, as reset_mac_header above.
        let offset = self.headroom() as u16;
        self.headers_mut().network_header = offset;
    }

    /// Trims the packet to `len` bytes (`pskb_trim_rcsum`), dropping link
    /// layer padding.
    pub fn trim(&mut self, len: u32) -> Result<(), kernel::error::Error> {
        if len >= self.len() {
            return Ok(());
        }
        // SAFETY: The skb is valid and owned, and `len < skb->len`.
        let ret = unsafe { bindings::ferroute_skb_trim(self.as_raw(), len) };
        if ret < 0 {
            return Err(kernel::error::Error::from_errno(ret));
        }
        Ok(())
    }

    /// Clears what belonged to the sender (`skb_scrub_packet`): dst,
    /// conntrack, socket ownership; with `xnet`, for a packet that crossed
    /// network namespaces, also the mark and the timestamp, so that what
    /// one namespace set does not steer another.
    pub fn scrub(&mut self, xnet: bool) {
        // SAFETY: By the type invariant the skb is valid and owned.
        unsafe { bindings::ferroute_skb_scrub(self.as_raw(), xnet) };
    }

    /// Sets the big-endian EtherType in `skb->protocol`.
    #[inline]
    pub fn set_protocol(&mut self, ethertype: u16) {
        self.headers_mut().protocol = ethertype.to_be();
    }

    /// Sets the device the packet is sent out of or received on. The skb
    /// holds no reference: the caller hands it to that device's transmit
    /// or receive path while it holds one (as the kernel does).
    #[inline]
    pub(crate) fn set_dev(&mut self, dev: &super::netdevice::NetDevice) {
        // SAFETY: By the type invariant the skb is valid and owned, and it
        // is on no list, so the union's `next`/`prev`/`dev` view is the one
        // in use; `skb->dev = dev`, as the C assignment writes it.
        unsafe {
            (*self.as_raw())
                .__bindgen_anon_1
                .__bindgen_anon_1
                .__bindgen_anon_1
                .dev = dev.as_raw();
        }
    }

    /// The skb's `headers` group (header offsets, protocol, packet type,
    /// checksum state), read in place as include/linux/skbuff.h's inline
    /// accessors read it: the packet path asks for these fields several
    /// times a packet, and a C helper call each time is not free.
    #[inline]
    fn headers(&self) -> &bindings::sk_buff__bindgen_ty_4__bindgen_ty_2 {
        // SAFETY: By the type invariant the skb is valid and owned, so the
        // fields are initialized and nothing else changes them while `self`
        // is borrowed; `headers` is the struct_group's named view of the
        // same bytes as its anonymous one, always valid to read.
        unsafe { (*self.as_raw()).__bindgen_anon_4.headers.as_ref() }
    }

    /// The `headers` group, for writing.
    #[inline]
    fn headers_mut(&mut self) -> &mut bindings::sk_buff__bindgen_ty_4__bindgen_ty_2 {
        // SAFETY: As in `headers`; `&mut self` makes the access exclusive
        // (the skb is owned and not shared), and the fields are plain
        // integers and bitfields for which any value is valid.
        unsafe { (*self.as_raw()).__bindgen_anon_4.headers.as_mut() }
    }

    /// `skb->destructor`.
    #[inline]
    fn destructor(&self) -> Option<unsafe extern "C" fn(*mut bindings::sk_buff)> {
        // SAFETY: By the type invariant the skb is valid and owned. The
        // union's `_skb_refdst`/`destructor` view is the one the kernel uses
        // for every skb outside TCP's retransmit queue (whose skbs a
        // receive path never sees).
        unsafe {
            (*self.as_raw())
                .__bindgen_anon_3
                .__bindgen_anon_1
                .destructor
        }
    }

    /// `skb_shinfo(skb)->gso_size`: zero for a packet that is not GSO
    /// (`skb_is_gso`).
    #[inline]
    fn gso_size(&self) -> u16 {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the skb is valid: its shared info
        // is at `skb_end_pointer(skb)`, initialized by __alloc_skb and
        // build_skb; `end` is an offset from `head` on 64-bit kernels
        // (NET_SKBUFF_DATA_USES_OFFSET) and a pointer on 32-bit ones.
        unsafe {
            #[cfg(CONFIG_64BIT)]
            let shinfo = (*skb).head.add((*skb).end as usize);
            #[cfg(not(CONFIG_64BIT))]
            let shinfo = (*skb).end;
            (*shinfo.cast::<bindings::skb_shared_info>()).gso_size
        }
    }

    /// Makes the data buffer private to this skb if a clone shares it
    /// (`skb_unclone` with GFP_ATOMIC); false if copying it failed.
    #[inline]
    fn unclone(&mut self) -> bool {
        // skb_cloned is `cloned` and a shared `dataref`; an skb never
        // cloned needs no call.
        // SAFETY: By the type invariant the skb is valid.
        if unsafe { (*self.as_raw()).cloned() } == 0 {
            return true;
        }
        // SAFETY: By the type invariant the skb is valid, owned and not
        // shared, as pskb_expand_head requires; GFP_ATOMIC never sleeps.
        unsafe { bindings::ferroute_skb_unclone(self.as_raw()) == 0 }
    }

    /// `skb_push` without its checks: moves `data` back by `len` bytes and
    /// returns the new `data`.
    ///
    /// # Safety
    ///
    /// The headroom must be at least `len` bytes ([`Self::headroom`]).
    #[inline]
    unsafe fn push_unchecked(&mut self, len: u32) -> *mut u8 {
        let skb = self.as_raw();
        // SAFETY: By the type invariant the skb is valid and owned; with
        // `len` bytes of headroom (the caller's contract) `data - len` is
        // still in the data buffer, at or after `head`.
        unsafe {
            (*skb).data = (*skb).data.sub(len as usize);
            (*skb).len += len;
            (*skb).data
        }
    }

    /// Makes a copy of this skb sharing its data (`skb_clone`); the data
    /// must not be written while a clone exists, which [`Self::data_mut`],
    /// [`Self::put`] and [`Self::push`] take care of (they unclone first).
    pub fn try_clone(&self) -> Option<Self> {
        // SAFETY: By the type invariant the skb is valid.
        let ptr = unsafe { bindings::skb_clone(self.as_raw(), kernel::bindings::GFP_ATOMIC) };
        // INVARIANT: The clone is a new skb that we own; its struct is not
        // shared (its data is, which data_mut handles).
        NonNull::new(ptr).map(|ptr| Self { ptr })
    }
}

/// Socket buffers linked by `skb->next`, as [`SkBuff::gso_segment`]
/// returns them: iterating takes each off the list as an owned [`SkBuff`];
/// dropping the list frees the ones not taken.
///
/// # Invariants
///
/// `head` is null or points to a valid skb of which the list owns one
/// reference and which is not shared; its `next` chain consists of such
/// skbs and ends in null.
pub struct SkbList {
    head: *mut bindings::sk_buff,
}

// SAFETY: The list owns its skbs, which can be handed to another CPU or
// context as a single owned skb can (see `SkBuff`).
unsafe impl Send for SkbList {}

impl Iterator for SkbList {
    type Item = SkBuff;

    fn next(&mut self) -> Option<SkBuff> {
        let skb = NonNull::new(self.head)?;
        // INVARIANT: the new head is the rest of an owned chain.
        // SAFETY: By the type invariant `head` is a valid skb owned by the
        // list; the helper only unlinks it (`skb->next` = NULL) and returns
        // the rest of the chain, which the list keeps owning.
        self.head = unsafe { bindings::ferroute_skb_list_unlink_next(skb.as_ptr()) };
        // INVARIANT: The unlinked skb's reference moves to the `SkBuff`; it
        // is not shared (the list's invariant).
        Some(SkBuff { ptr: skb })
    }
}

impl Drop for SkbList {
    fn drop(&mut self) {
        // Each skb taken off is freed by its `SkBuff`'s drop
        // (SKB_DROP_REASON_NOT_SPECIFIED).
        for _ in self.by_ref() {}
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: By the type invariant we own one reference, and `drop`
        // runs at most once, after which `self` is gone.
        unsafe { bindings::ferroute_skb_drop(self.ptr.as_ptr(), reason::NOT_SPECIFIED) };
    }
}

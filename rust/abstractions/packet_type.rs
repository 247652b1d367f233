// SPDX-License-Identifier: GPL-2.0

//! Protocol handlers bound to one device (`struct packet_type`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! The same mechanism as the kernel's `ip_packet_type` in `inet_init`, but
//! with `.dev` set, so the handler lives on the device's `ptype_specific`
//! list and still receives frames when the device's rx_handler answers
//! `RX_HANDLER_EXACT` (see [`super::rx_handler`]).
//!
//! Like `ip_packet_type`, a registration has a `list_func` too: frames that
//! arrive in a list (`netif_receive_skb_list`, from a NAPI poll: GRO's
//! flush) reach [`PacketHandler::receive_list`] as one [`RxList`], as they
//! reach `ip_list_rcv`, so a handler can do its per-call work once a list.

use super::bindings;
use super::devref::DevRef;
use super::netdevice::NetDevice;
use super::rcu::ReadGuard;
use super::skbuff::SkBuff;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::prelude::*;
use kernel::types::Opaque;

/// What a [`Registration`] calls for each received frame.
///
/// Both methods run inside the networking core's RCU read-side critical
/// section (every caller of `__netif_receive_skb_core` takes
/// `rcu_read_lock` around it), which `rcu` stands for: what is borrowed
/// through it stays valid for the call without a section of the handler's
/// own.
pub trait PacketHandler: Send + Sync + Sized + 'static {
    /// Handles one frame received on `dev`. `skb->data` is at the network
    /// header (the Ethernet header was pulled by `eth_type_trans`). The
    /// handler owns `skb` and must consume or drop it.
    fn receive(&self, rcu: &ReadGuard, dev: &NetDevice, skb: SkBuff);

    /// Handles the frames of one list, in order, each with the device it
    /// was received on (`ip_list_rcv`'s place). The handler owns them: the
    /// frames it does not take from `frames` are dropped with it. By
    /// default each goes to [`PacketHandler::receive`].
    fn receive_list(&self, rcu: &ReadGuard, frames: RxList<'_>) {
        for (dev, skb) in frames {
            self.receive(rcu, dev, skb);
        }
    }
}

/// The frames of one list handed to a registration's `list_func`: an
/// iterator that takes them off the list one by one, in order, unshared as
/// [`SkBuff::from_raw_shared`] unshares them, each with the device it was
/// received on. The frames left on it when it is dropped are freed.
///
/// # Invariants
///
/// `head` is a valid list of skbs linked through `skb->list`, each of
/// which the list holds one reference to, owned by this object; each skb's
/// `dev` is valid for `'a`.
pub struct RxList<'a> {
    head: NonNull<bindings::list_head>,
    _dev: PhantomData<&'a NetDevice>,
}

impl<'a> Iterator for RxList<'a> {
    type Item = (&'a NetDevice, SkBuff);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // SAFETY: `head` is a valid list of skbs whose references we own
            // (type invariant); the helper unlinks the first one
            // (`skb_list_del_init`) and hands its reference to us, or
            // returns NULL when the list is empty.
            let raw = NonNull::new(unsafe { bindings::ferroute_skb_list_pop(self.head.as_ptr()) })?;
            // SAFETY: `raw` is a valid skb that was on the list, so its
            // device is valid for `'a` (type invariant). Off the list, the
            // union's `next`/`prev`/`dev` view is the one in use (`dev` is
            // what `__netif_receive_skb_list_ptype` passes for each skb).
            let dev = unsafe {
                NetDevice::from_raw(
                    (*raw.as_ptr())
                        .__bindgen_anon_1
                        .__bindgen_anon_1
                        .__bindgen_anon_1
                        .dev,
                )
            };
            // SAFETY: We own the reference the list held, and give it to
            // `from_raw_shared`.
            if let Some(skb) = unsafe { SkBuff::from_raw_shared(raw.as_ptr()) } {
                return Some((dev, skb));
            }
            // Shared, and the clone failed: skb_share_check freed it.
        }
    }
}

impl Drop for RxList<'_> {
    fn drop(&mut self) {
        for (_, skb) in self.by_ref() {
            drop(skb);
        }
    }
}

#[repr(C)]
struct Inner<H: PacketHandler> {
    // Must stay first: the callback finds `Inner` from the packet_type
    // pointer.
    pt: Opaque<bindings::packet_type>,
    handler: H,
    dev: DevRef<NetDevice>,
}

/// A registered `packet_type` for one EtherType on one device.
///
/// # Invariants
///
/// `inner.pt` is registered with `dev_add_pack` while this object lives,
/// and `inner.dev` holds a (tracked) reference to the device it is bound
/// to.
pub struct Registration<H: PacketHandler> {
    inner: Pin<KBox<Inner<H>>>,
}

// SAFETY: The registration is only used to unregister (any thread) and to
// reach the handler, which is `Send + Sync`.
unsafe impl<H: PacketHandler> Send for Registration<H> {}
// SAFETY: `&Registration` only exposes `&H`, and `H: Sync`.
unsafe impl<H: PacketHandler> Sync for Registration<H> {}

impl<H: PacketHandler> Registration<H> {
    /// Registers `handler` for frames of `ethertype` received on `dev`.
    pub fn register(dev: &NetDevice, ethertype: u16, handler: H) -> Result<Self> {
        let inner = KBox::pin(
            Inner {
                pt: Opaque::uninit(),
                handler,
                dev: DevRef::new(dev),
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `inner.pt` is ours and pinned; all-zero is a valid
        // packet_type, then we fill what dev_add_pack reads. `dev` stays
        // alive while registered because `inner.dev` holds a reference.
        unsafe {
            let pt = inner.pt.get();
            core::ptr::write_bytes(pt, 0, 1);
            (*pt).type_ = ethertype.to_be();
            (*pt).dev = dev.as_raw();
            (*pt).func = Some(Self::callback);
            (*pt).list_func = Some(Self::list_callback);
            bindings::dev_add_pack(pt);
        }
        // INVARIANT: registered just above, with the device reference held.
        Ok(Self { inner })
    }

    /// # Safety
    ///
    /// Called by the networking core with a registered `pt` (so inside an
    /// `Inner<H>`), a valid device and an skb whose reference it hands over.
    unsafe extern "C" fn callback(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
        pt: *mut bindings::packet_type,
        _orig_dev: *mut bindings::net_device,
    ) -> i32 {
        // SAFETY: `pt` is the first field of a live, pinned `Inner<H>`
        // (repr(C)); it stays alive until dev_remove_pack has waited for
        // running callbacks.
        let inner = unsafe { &*pt.cast::<Inner<H>>() };
        // SAFETY: The core passes a valid device for the call's duration.
        let dev = unsafe { NetDevice::from_raw(dev) };
        // SAFETY: The core hands us one reference to a valid skb; it may be
        // shared with taps, so it is unshared first.
        let Some(skb) = (unsafe { SkBuff::from_raw_shared(skb) }) else {
            return bindings::NET_RX_DROP as i32;
        };
        // The core calls a typed handler's `func` from
        // __netif_receive_skb_core and, for a list's frames, from
        // __netif_receive_skb_list_ptype (dev_queue_xmit_nit calls only
        // ETH_P_ALL taps); their callers netif_receive_skb_internal,
        // netif_receive_skb_list_internal, process_backlog and
        // netif_receive_skb_core hold rcu_read_lock around them.
        // SAFETY: So an RCU read-side section outlasts this call (above);
        // the guard is only lent, never dropped.
        let rcu = unsafe { ReadGuard::held() };
        inner.handler.receive(&rcu, dev, skb);
        bindings::NET_RX_SUCCESS as i32
    }

    /// # Safety
    ///
    /// Called by the networking core (`__netif_receive_skb_list_ptype`)
    /// with a registered `pt` (so inside an `Inner<H>`) and a list of skbs
    /// received on devices valid for the call, whose references it hands
    /// over.
    unsafe extern "C" fn list_callback(
        head: *mut bindings::list_head,
        pt: *mut bindings::packet_type,
        _orig_dev: *mut bindings::net_device,
    ) {
        // SAFETY: As in `callback`: `pt` is the first field of a live,
        // pinned `Inner<H>`, alive until dev_remove_pack has waited for
        // running callbacks.
        let inner = unsafe { &*pt.cast::<Inner<H>>() };
        let Some(head) = NonNull::new(head) else {
            return;
        };
        // INVARIANT: The core hands over the list and the reference to each
        // skb on it; the skbs' devices stay valid while the core delivers
        // them, which lasts the call (the core's RCU read-side section, which
        // unregistering a device waits for), and the list does not outlive
        // the call: `RxList<'_>` cannot leave `receive_list`.
        let frames = RxList {
            head,
            _dev: PhantomData,
        };
        // SAFETY: netif_receive_skb_list_internal holds rcu_read_lock
        // around __netif_receive_skb_list, which calls this; the section
        // outlasts the call, and the guard is only lent, never dropped.
        let rcu = unsafe { ReadGuard::held() };
        inner.handler.receive_list(&rcu, frames);
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.inner.handler
    }
}

impl<H: PacketHandler> Drop for Registration<H> {
    fn drop(&mut self) {
        // SAFETY: Registered by the type invariant; dev_remove_pack waits
        // (synchronize_net) until no CPU runs the callback, so `inner` can
        // then be freed.
        unsafe { bindings::dev_remove_pack(self.inner.pt.get()) };
    }
}

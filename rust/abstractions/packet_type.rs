// SPDX-License-Identifier: GPL-2.0

//! Protocol handlers bound to one device (`struct packet_type`).
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! The same mechanism as the kernel's `ip_packet_type` in `inet_init`, but
//! with `.dev` set, so the handler lives on the device's `ptype_specific`
//! list and still receives frames when the device's rx_handler answers
//! `RX_HANDLER_EXACT` (see [`super::rx_handler`]).

use super::bindings;
use super::devref::DevRef;
use super::netdevice::NetDevice;
use super::skbuff::SkBuff;
use kernel::prelude::*;
use kernel::types::Opaque;

/// What a [`Registration`] calls for each received frame.
pub trait PacketHandler: Send + Sync + Sized + 'static {
    /// Handles one frame received on `dev`. `skb->data` is at the network
    /// header (the Ethernet header was pulled by `eth_type_trans`). The
    /// handler owns `skb` and must consume or drop it.
    fn receive(&self, dev: &NetDevice, skb: SkBuff);
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
        match unsafe { SkBuff::from_raw_shared(skb) } {
            Some(skb) => inner.handler.receive(dev, skb),
            None => return bindings::NET_RX_DROP as i32,
        }
        bindings::NET_RX_SUCCESS as i32
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

// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`) and ferroute's own device type.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! [`NetDevice`] is a borrowed device; [`ARef<NetDevice>`] holds a
//! reference (`dev_hold`/`dev_put`). A device type is a [`Driver`]
//! implementation; [`LinkRegistration`] registers it with rtnetlink so that
//! `ip link add NAME type KIND` creates one, and unregisters (deleting every
//! device of the kind) on drop. The driver writes no `unsafe`: the
//! `extern "C"` callbacks are generated here, as `phy.rs` does for PHYs.

use super::bindings;
use super::skbuff::SkBuff;
use super::sync::Rtnl;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::error::{to_result, Result};
use kernel::prelude::*;
use kernel::types::{ARef, AlwaysRefCounted, Opaque};

/// A network device.
///
/// # Invariants
///
/// The wrapped `net_device` is valid for the lifetime of any reference to
/// this object (the reference was created from a registered device, or one
/// the caller holds a reference to).
#[repr(transparent)]
pub struct NetDevice(Opaque<bindings::net_device>);

// SAFETY: A net_device can be used from any context; the fields we read are
// read with READ_ONCE or are stable while the device is registered.
unsafe impl Send for NetDevice {}
// SAFETY: See `Send`; all methods take `&self` and are safe concurrently.
unsafe impl Sync for NetDevice {}

// SAFETY: dev_hold/dev_put keep a net_device alive; the type is only ever
// created behind references to devices that are alive.
unsafe impl AlwaysRefCounted for NetDevice {
    fn inc_ref(&self) {
        // SAFETY: The device is valid by the type invariant.
        unsafe { bindings::ferroute_dev_hold(self.as_raw()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns a reference taken by `inc_ref`.
        unsafe { bindings::ferroute_dev_put(obj.as_ptr().cast()) };
    }
}

impl NetDevice {
    /// Creates a reference to a device from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that stays valid for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `NetDevice` is a transparent wrapper of `net_device`, and
        // the caller guarantees the pointer is valid for 'a.
        unsafe { &*ptr.cast() }
    }

    /// The raw pointer to the device.
    pub fn as_raw(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// Takes a reference to the device (`dev_hold`).
    pub fn to_owned_ref(&self) -> ARef<Self> {
        ARef::from(self)
    }

    /// The device name, without its NUL terminator.
    pub fn name(&self) -> &[u8] {
        // SAFETY: The device is valid; `dev->name` is a NUL-terminated
        // IFNAMSIZ array inside it.
        let name =
            unsafe { kernel::str::CStr::from_char_ptr(bindings::ferroute_dev_name(self.as_raw())) };
        name.as_bytes()
    }

    /// The interface index in the device's network namespace.
    pub fn ifindex(&self) -> i32 {
        // SAFETY: The device is valid by the type invariant.
        unsafe { bindings::ferroute_dev_ifindex(self.as_raw()) }
    }

    /// The device's own hardware address.
    pub fn mac(&self) -> [u8; 6] {
        let mut mac = [0u8; 6];
        // SAFETY: The device is valid; Ethernet devices (the only kind
        // ferroute accepts) have a 6-byte `dev_addr`.
        let addr =
            unsafe { core::slice::from_raw_parts(bindings::ferroute_dev_addr(self.as_raw()), 6) };
        mac.copy_from_slice(addr);
        mac
    }

    /// The MTU.
    pub fn mtu(&self) -> u32 {
        // SAFETY: The device is valid by the type invariant.
        unsafe { bindings::ferroute_dev_mtu(self.as_raw()) }
    }

    /// Whether the device is an Ethernet device (`ARPHRD_ETHER`).
    pub fn is_ethernet(&self) -> bool {
        // SAFETY: The device is valid by the type invariant.
        u32::from(unsafe { bindings::ferroute_dev_type(self.as_raw()) }) == bindings::ARPHRD_ETHER
    }

    /// Whether the device is a loopback device.
    pub fn is_loopback(&self) -> bool {
        // SAFETY: The device is valid by the type invariant.
        unsafe { bindings::ferroute_dev_is_loopback(self.as_raw()) != 0 }
    }

    /// Whether the device is administratively up.
    pub fn is_up(&self) -> bool {
        // SAFETY: The device is valid by the type invariant.
        unsafe {
            bindings::ferroute_dev_flags(self.as_raw()) & bindings::net_device_flags_IFF_UP != 0
        }
    }

    /// Whether the device is of the rtnetlink kind registered by `link`.
    pub fn is_kind(&self, link: &LinkRegistration) -> bool {
        // SAFETY: The device is valid by the type invariant.
        let ops = unsafe { bindings::ferroute_dev_link_ops(self.as_raw()) };
        core::ptr::eq(ops, link.ops.get())
    }

    /// Counts a transmitted packet in the device's own statistics.
    pub fn count_tx(&self, len: u32) {
        // SAFETY: The device is valid; ferroute devices have per-CPU tstats
        // (set up in `setup`), and this is only called on them.
        unsafe { bindings::ferroute_dev_count_tx(self.as_raw(), len) };
    }

    /// Counts a received packet in the device's own statistics.
    pub fn count_rx(&self, len: u32) {
        // SAFETY: As for `count_tx`.
        unsafe { bindings::ferroute_dev_count_rx(self.as_raw(), len) };
    }

    /// Counts a packet dropped on transmit.
    pub fn count_tx_dropped(&self) {
        // SAFETY: The device is valid by the type invariant.
        unsafe { bindings::ferroute_dev_count_tx_dropped(self.as_raw()) };
    }

    /// Queues `skb` for transmission on this device (`dev_queue_xmit`).
    /// The skb is consumed whatever the outcome; returns whether the
    /// device accepted it.
    pub fn queue_xmit(&self, mut skb: SkBuff) -> bool {
        skb.set_dev(self.as_raw());
        skb.reset_mac_header();
        // SAFETY: The skb is owned and handed over (dev_queue_xmit always
        // consumes it); `skb->dev` is this valid device.
        let ret = unsafe { bindings::__dev_queue_xmit(skb.into_raw(), core::ptr::null_mut()) };
        ret == bindings::NET_XMIT_SUCCESS as i32
    }

    /// Hands an Ethernet frame to the receive path of this device's network
    /// stack (`eth_type_trans` + `netif_rx`), as if it had arrived on it.
    /// The skb is consumed; returns whether the stack accepted it.
    pub fn rx(&self, skb: SkBuff) -> bool {
        let len = skb.len();
        let raw = skb.into_raw();
        // SAFETY: `raw` is an owned skb whose data starts with an Ethernet
        // header of at least ETH_HLEN bytes (the caller built it), and the
        // device is valid. netif_rx consumes the skb.
        let ret = unsafe {
            let proto = bindings::eth_type_trans(raw, self.as_raw());
            bindings::ferroute_skb_set_protocol(raw, proto);
            bindings::netif_rx(raw)
        };
        if ret == bindings::NET_RX_SUCCESS as i32 {
            self.count_rx(len);
            true
        } else {
            false
        }
    }
}

/// A device type: the callbacks of `net_device_ops` ferroute implements.
pub trait Driver: 'static {
    /// The kind name used by `ip link add NAME type KIND`.
    const KIND: &'static kernel::str::CStr;

    /// Called when a device of this kind is registered (`ndo_init`), under
    /// RTNL. An error aborts the registration.
    fn init(_dev: &NetDevice, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// Called when a device of this kind is unregistered (`ndo_uninit`),
    /// under RTNL.
    fn uninit(_dev: &NetDevice, _rtnl: &Rtnl) {}

    /// Transmits a packet (`ndo_start_xmit`); must consume `skb`.
    fn start_xmit(dev: &NetDevice, skb: SkBuff);
}

struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    const OPS: bindings::net_device_ops = bindings::net_device_ops {
        ndo_init: Some(Self::init_callback),
        ndo_uninit: Some(Self::uninit_callback),
        ndo_open: Some(Self::open_callback),
        ndo_stop: Some(Self::stop_callback),
        ndo_start_xmit: Some(Self::start_xmit_callback),
        ndo_get_stats64: Some(bindings::dev_get_tstats64),
        // SAFETY: All-zero is a valid `net_device_ops` (every callback NULL).
        ..unsafe { core::mem::MaybeUninit::zeroed().assume_init() }
    };

    /// # Safety
    ///
    /// Called by the networking core with a valid device being registered.
    unsafe extern "C" fn init_callback(dev: *mut bindings::net_device) -> i32 {
        // SAFETY: The core passes a valid device.
        let dev = unsafe { NetDevice::from_raw(dev) };
        // SAFETY: register_netdevice calls ndo_init with RTNL held.
        let rtnl = unsafe { Rtnl::assume_held() };
        match T::init(dev, &rtnl) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid device being unregistered.
    unsafe extern "C" fn uninit_callback(dev: *mut bindings::net_device) {
        // SAFETY: The core passes a valid device.
        let dev = unsafe { NetDevice::from_raw(dev) };
        // SAFETY: unregister_netdevice calls ndo_uninit with RTNL held.
        let rtnl = unsafe { Rtnl::assume_held() };
        T::uninit(dev, &rtnl);
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid device.
    unsafe extern "C" fn open_callback(dev: *mut bindings::net_device) -> i32 {
        // SAFETY: The core passes a valid device.
        unsafe { bindings::ferroute_netif_start_queue(dev) };
        0
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid device.
    unsafe extern "C" fn stop_callback(dev: *mut bindings::net_device) -> i32 {
        // SAFETY: The core passes a valid device.
        unsafe { bindings::ferroute_netif_stop_queue(dev) };
        0
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid device and an skb whose
    /// ownership it hands over.
    unsafe extern "C" fn start_xmit_callback(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core passes a valid device, registered while it
        // transmits.
        let dev = unsafe { NetDevice::from_raw(dev) };
        // SAFETY: The core hands us ownership of a valid skb. A transmitted
        // skb may be shared (e.g. with a packet socket tap), so unshare it.
        if let Some(skb) = unsafe { SkBuff::from_raw_shared(skb) } {
            T::start_xmit(dev, skb);
        } else {
            dev.count_tx_dropped();
        }
        bindings::netdev_tx_NETDEV_TX_OK
    }

    /// # Safety
    ///
    /// Called by rtnetlink with a freshly allocated device.
    unsafe extern "C" fn setup_callback(dev: *mut bindings::net_device) {
        // SAFETY: The core passes a valid, not yet registered device; OPS is
        // a promoted constant, so it lives for 'static.
        unsafe { bindings::ferroute_dev_setup_ether(dev, &Self::OPS) };
    }
}

/// A device type registered with rtnetlink (`rtnl_link_register`).
///
/// # Invariants
///
/// `ops` is registered with rtnetlink while this object lives.
pub struct LinkRegistration {
    ops: Pin<KBox<Opaque<bindings::rtnl_link_ops>>>,
}

// SAFETY: The registration is only used to unregister, which may happen from
// any thread.
unsafe impl Send for LinkRegistration {}
// SAFETY: `&LinkRegistration` only exposes the ops pointer for comparison.
unsafe impl Sync for LinkRegistration {}

impl LinkRegistration {
    /// Registers device type `T`.
    pub fn register<T: Driver>() -> Result<Self> {
        let ops = KBox::pin(Opaque::<bindings::rtnl_link_ops>::uninit(), GFP_KERNEL)?;
        // SAFETY: `ops` is a fresh allocation we own; all-zero is a valid
        // rtnl_link_ops, and we fill the fields rtnetlink reads.
        unsafe {
            let raw: *mut bindings::rtnl_link_ops = ops.get();
            core::ptr::write_bytes(raw, 0, 1);
            (*raw).kind = T::KIND.as_char_ptr();
            (*raw).setup = Some(Adapter::<T>::setup_callback);
        }
        // SAFETY: `ops` is valid, filled in, and pinned for as long as it is
        // registered (until drop).
        to_result(unsafe { bindings::rtnl_link_register(ops.get()) })?;
        // INVARIANT: registered just above.
        Ok(Self { ops })
    }
}

impl LinkRegistration {
    /// Creates and registers a device of this kind named `name` (as `ip link
    /// add NAME type KIND` would), owned by rtnetlink: it is deleted with
    /// `ip link del` or when this registration drops.
    pub fn create_device(&self, name: &kernel::str::CStr) -> Result {
        let ops = self.ops.get();
        // SAFETY: `ops` is registered (type invariant) and its setup
        // callback initialises a device of this kind; the name is
        // NUL-terminated.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                0,
                name.as_char_ptr(),
                bindings::NET_NAME_USER as u8,
                (*ops).setup,
                1,
                1,
            )
        };
        if dev.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `dev` is a fresh, unregistered device we own. Setting the
        // link ops makes rtnetlink own it once registered, so it is deleted
        // when `ops` is unregistered.
        unsafe {
            bindings::ferroute_dev_set_link_ops(dev, ops);
            let ret = bindings::register_netdev(dev);
            if ret != 0 {
                bindings::free_netdev(dev);
                return Err(kernel::error::Error::from_errno(ret));
            }
        }
        Ok(())
    }
}

impl Drop for LinkRegistration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ops` is registered; unregistering
        // deletes every device of this kind in every namespace first.
        unsafe { bindings::rtnl_link_unregister(self.ops.get()) };
    }
}

/// A network namespace, borrowed for `'a` (from a netlink request).
///
/// # Invariants
///
/// `ptr` points to a `struct net` that stays alive for `'a`.
pub struct Net<'a> {
    ptr: *mut bindings::net,
    _p: PhantomData<&'a ()>,
}

impl Net<'_> {
    /// Borrows a namespace.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a `struct net` alive for the returned lifetime.
    pub(crate) unsafe fn from_raw(ptr: *mut bindings::net) -> Self {
        // INVARIANT: The caller guarantees the namespace is alive.
        Self {
            ptr,
            _p: PhantomData,
        }
    }

    /// The `struct net` pointer, alive for the borrow's lifetime.
    pub(crate) fn as_raw(&self) -> *mut bindings::net {
        self.ptr
    }
}

/// Looks a device up by name in a namespace and takes a reference to it.
pub fn dev_get_by_name(net: &Net<'_>, name: &kernel::str::CStr) -> Option<ARef<NetDevice>> {
    // SAFETY: `net` is alive (its type invariant) and `name` is
    // NUL-terminated.
    let dev = unsafe { bindings::ferroute_dev_get_by_name(net.ptr, name.as_char_ptr()) };
    let dev = NonNull::new(dev)?;
    // SAFETY: dev_get_by_name returned a held reference, which we take over.
    Some(unsafe { ARef::from_raw(dev.cast()) })
}

/// Whether the kernel's own IPv4 has addresses on `dev` (RTNL must be held).
pub fn has_kernel_ipv4(dev: &NetDevice, _rtnl: &Rtnl) -> bool {
    // SAFETY: The device is valid and RTNL is held, as the guard proves.
    unsafe { bindings::ferroute_dev_has_ipv4(dev.as_raw()) != 0 }
}

/// Whether some rx_handler already claims `dev` (RTNL must be held).
pub fn rx_handler_busy(dev: &NetDevice, _rtnl: &Rtnl) -> bool {
    // SAFETY: The device is valid and RTNL is held, as the guard proves.
    unsafe { bindings::ferroute_dev_rx_handler_busy(dev.as_raw()) != 0 }
}

// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`) and ferroute's own device type.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)
//!
//! [`NetDevice`] is a borrowed device. A [`DevRef`](super::devref::DevRef)
//! keeps one beyond a call (`netdev_hold`/`netdev_put`, tracked); an
//! [`ARef<NetDevice>`] within one (`dev_hold`/`dev_put`: what
//! [`dev_get_by_name`] returns). A device type is a [`Driver`]
//! implementation; [`LinkRegistration`] registers it with rtnetlink so that
//! `ip link add NAME type KIND` creates one, and unregisters (deleting every
//! device of the kind) on drop. The driver writes no `unsafe`: the
//! `extern "C"` callbacks are generated here, as `phy.rs` does for PHYs.

use super::bindings;
use super::rcu::ReadGuard;
use super::skbuff::SkBuff;
use super::sync::Rtnl;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::error::{to_result, Result};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::{ARef, AlwaysRefCounted, Opaque};

/// A device's counters (`struct rtnl_link_stats64`), the ones `ip -s link`
/// prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Received packets dropped.
    pub rx_dropped: u64,
    /// Packets the device missed (`rx_missed_errors`).
    pub rx_missed: u64,
    /// Multicast packets received.
    pub multicast: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Transmit errors.
    pub tx_errors: u64,
    /// Packets dropped on transmit.
    pub tx_dropped: u64,
    /// Carrier errors (`tx_carrier_errors`).
    pub tx_carrier: u64,
    /// Collisions.
    pub collisions: u64,
}

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

    /// The device name, without its NUL terminator. RTNL (which
    /// `dev_change_name` holds while it rewrites the name) keeps it stable
    /// for the borrow.
    pub fn name<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a [u8] {
        // SAFETY: The device is valid; `dev->name` is a NUL-terminated
        // IFNAMSIZ array inside it, only written under RTNL, which the
        // caller holds for 'a.
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
    #[inline]
    pub fn mtu(&self) -> u32 {
        // READ_ONCE(dev->mtu), as the forwarding path reads it: RTNL
        // writers change it with WRITE_ONCE while packets flow.
        // SAFETY: The device is valid by the type invariant; a volatile
        // read of an aligned `unsigned int` field is READ_ONCE.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.as_raw()).mtu)) }
    }

    /// Whether the device is an Ethernet device (`ARPHRD_ETHER`).
    pub fn is_ethernet(&self) -> bool {
        // SAFETY: The device is valid by the type invariant.
        u32::from(unsafe { bindings::ferroute_dev_type(self.as_raw()) }) == bindings::ARPHRD_ETHER
    }

    /// The device's counters, as `ip -s link` shows them
    /// (`dev_get_stats`); `None` unless the device is registered (during
    /// `ndo_init` and after unregistration began it has none to read).
    pub fn stats(&self, _rtnl: &Rtnl) -> Option<LinkStats> {
        let mut s = bindings::rtnl_link_stats64::default();
        // SAFETY: The device is valid (type invariant) and RTNL, under which alone `reg_state`
        // changes, is held (the token): the helper reads the counters only of a NETREG_REGISTERED
        // device, whose per-CPU stats register_netdevice allocated first and netdev_run_todo frees
        // only after unregistration, which RTNL excludes. dev_get_stats does not sleep (/proc/net/
        // dev calls it under rcu_read_lock) and writes only `s`, a local of the right type.
        let registered = unsafe { bindings::ferroute_dev_get_stats(self.as_raw(), &mut s) };
        registered.then_some(LinkStats {
            rx_packets: s.rx_packets,
            rx_bytes: s.rx_bytes,
            rx_errors: s.rx_errors,
            rx_dropped: s.rx_dropped,
            rx_missed: s.rx_missed_errors,
            multicast: s.multicast,
            tx_packets: s.tx_packets,
            tx_bytes: s.tx_bytes,
            tx_errors: s.tx_errors,
            tx_dropped: s.tx_dropped,
            tx_carrier: s.tx_carrier_errors,
            collisions: s.collisions,
        })
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

    /// The network namespace the device lives in, borrowed for an RCU
    /// read-side section: a device moving away leaves its old namespace
    /// alive until readers are done (the namespace is freed only after its
    /// devices are gone and a grace period has passed).
    pub fn net<'a>(&'a self, _guard: &'a ReadGuard) -> Net<'a> {
        // SAFETY: The device is valid; see above for why the namespace
        // lives for the read-side section.
        unsafe { Net::from_raw(self.raw_net()) }
    }

    /// `dev_net(dev)`: read in place, as the receive path asks it once a
    /// packet (`read_pnet`, a plain load of `dev->nd_net.net`, with network
    /// namespaces; `&init_net`, through the C helper, without).
    #[inline]
    fn raw_net(&self) -> *mut bindings::net {
        #[cfg(CONFIG_NET_NS)]
        // SAFETY: The device is valid by the type invariant; a volatile
        // read of the aligned pointer is READ_ONCE, no weaker than
        // read_pnet's load (the pointer changes only under RTNL, with
        // rcu_assign_pointer, when the device moves).
        unsafe {
            core::ptr::read_volatile(core::ptr::addr_of!((*self.as_raw()).nd_net.net))
        }
        #[cfg(not(CONFIG_NET_NS))]
        // SAFETY: The device is valid by the type invariant.
        unsafe {
            bindings::ferroute_dev_net(self.as_raw())
        }
    }

    /// The network namespace the device lives in, stable under RTNL (moves
    /// happen under it).
    pub fn net_rtnl<'a>(&'a self, _rtnl: &'a Rtnl) -> Net<'a> {
        // SAFETY: The device is valid; `dev_net` changes only in
        // `__dev_change_net_namespace`, under RTNL, and the namespace of a
        // registered device is alive.
        unsafe { Net::from_raw(self.raw_net()) }
    }

    /// Counts a packet dropped on transmit (`core_stats`, which every
    /// device has).
    pub fn count_tx_dropped(&self) {
        // SAFETY: The device is valid by the type invariant;
        // dev_core_stats_tx_dropped_inc allocates core_stats if needed.
        unsafe { bindings::ferroute_dev_count_tx_dropped(self.as_raw()) };
    }

    /// Queues `skb` for transmission on this device (`dev_queue_xmit`).
    /// The skb is consumed whatever the outcome; returns whether the
    /// device accepted it.
    pub fn queue_xmit(&self, mut skb: SkBuff) -> bool {
        skb.set_dev(self);
        skb.reset_mac_header();
        // SAFETY: The skb is owned and handed over (dev_queue_xmit always
        // consumes it); `skb->dev` is this valid device.
        let ret = unsafe { bindings::__dev_queue_xmit(skb.into_raw(), core::ptr::null_mut()) };
        ret == bindings::NET_XMIT_SUCCESS as i32
    }
}

/// A device of type `T`: a [`NetDevice`] known to have been set up by
/// `T`'s [`LinkRegistration`], so that what only such devices have (per-CPU
/// `tstats`, the driver's data in the private area, a receive path) can be
/// reached, and foreign devices (a veth, a physical NIC) cannot.
///
/// # Invariants
///
/// The device was set up by `Adapter::<T>::setup_callback`: its
/// `netdev_ops` are `T`'s, it has per-CPU tstats, and its private area is
/// one pointer, null or holding `Arc::into_raw` of `T::Data` between
/// `ndo_init` and `ndo_uninit`.
#[repr(transparent)]
pub struct Device<T: Driver>(NetDevice, PhantomData<T>);

// SAFETY: As for `NetDevice`.
unsafe impl<T: Driver> Send for Device<T> {}
// SAFETY: As for `NetDevice`.
unsafe impl<T: Driver> Sync for Device<T> {}

impl<T: Driver> core::ops::Deref for Device<T> {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        &self.0
    }
}

impl<T: Driver> Device<T> {
    /// # Safety
    ///
    /// `ptr` must point to a device set up by `T`'s adapter, valid for 'a.
    unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Self {
        // SAFETY: `Device<T>` is a transparent wrapper of `NetDevice`, and
        // the caller guarantees validity and the type invariant.
        unsafe { &*ptr.cast() }
    }

    /// The device as a `Device<T>`, if it is one: its transmit function
    /// is `T`'s trampoline, which only `T`'s setup installs (no other code
    /// can have its address).
    pub fn from_netdev(dev: &NetDevice) -> Option<&Self> {
        // SAFETY: The device is valid; netdev_ops is set before
        // registration and not changed afterwards.
        let ops = unsafe { bindings::ferroute_dev_netdev_ops(dev.as_raw()) };
        // SAFETY: A registered device's netdev_ops point to a valid
        // net_device_ops for its lifetime.
        let xmit = unsafe { ops.as_ref() }.and_then(|o| o.ndo_start_xmit)?;
        let ours: unsafe extern "C" fn(
            *mut bindings::sk_buff,
            *mut bindings::net_device,
        ) -> bindings::netdev_tx_t = Adapter::<T>::start_xmit_callback;
        // By address (core::ptr::fn_addr_eq is newer than the kernel's
        // minimum Rust): a duplicated trampoline could only make this say
        // no, never yes for another function.
        if xmit as usize != ours as usize {
            return None;
        }
        // SAFETY: `Device<T>` is a transparent wrapper of `NetDevice`; the
        // device was set up by `T`'s adapter (see above), which is the
        // type invariant.
        Some(unsafe { &*(dev as *const NetDevice).cast::<Self>() })
    }

    /// The data [`Driver::init`] returned, between `ndo_init` and
    /// `ndo_uninit` (RTNL, held here, orders both against the caller).
    pub fn data<'a>(&'a self, _rtnl: &'a Rtnl) -> Option<&'a T::Data> {
        // SAFETY: The private area is one pointer (type invariant), written
        // only by init_callback and uninit_callback, both under RTNL.
        let p = unsafe { *self.priv_slot() };
        // SAFETY: A non-null slot holds a reference the device owns until
        // uninit_callback clears it, which cannot happen while the caller
        // holds RTNL for 'a.
        unsafe { p.as_ref() }
    }

    /// The untyped device.
    pub fn as_netdev(&self) -> &NetDevice {
        &self.0
    }

    fn priv_slot(&self) -> *mut *const T::Data {
        // SAFETY: The device is valid; by the type invariant its private
        // area is one pointer.
        unsafe { bindings::ferroute_netdev_priv(self.as_raw()).cast() }
    }

    /// Unregisters the device (`unregister_netdevice`) if it is
    /// registered, and returns whether it was. `ndo_uninit` runs before
    /// this returns; the rest of the teardown runs when RTNL is released
    /// (`netdev_run_todo`), which waits until every reference is dropped:
    /// the caller must drop its own (`DevRef`s of this device) before it
    /// releases RTNL.
    pub fn unregister(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: The device is valid and RTNL is held, so reg_state is
        // stable.
        if unsafe { bindings::ferroute_dev_is_registered(self.as_raw()) } == 0 {
            return false;
        }
        // SAFETY: RTNL is held and the device is registered, as
        // unregister_netdevice_many_notify requires (it BUGs on any other
        // state); a NULL queue unregisters it at once.
        unsafe { bindings::unregister_netdevice_queue(self.as_raw(), core::ptr::null_mut()) };
        true
    }

    /// Counts a transmitted packet in the device's own statistics.
    pub fn count_tx(&self, len: u32) {
        // SAFETY: The device is valid and has per-CPU tstats (type
        // invariant), which dev_sw_netstats_tx_add updates.
        unsafe { bindings::ferroute_dev_count_tx(self.as_raw(), len) };
    }

    /// Counts a received packet in the device's own statistics.
    pub fn count_rx(&self, len: u32) {
        // SAFETY: As for `count_tx`.
        unsafe { bindings::ferroute_dev_count_rx(self.as_raw(), len) };
    }

    /// Hands an Ethernet frame to the receive path of this device's network
    /// stack, as if it had arrived on it, the way a veth hands its peer a
    /// frame (`__dev_forward_skb`, then `netif_rx`): refused (and counted
    /// rx_dropped) if longer than the device's MTU allows, scrubbed of
    /// what belonged to the sender (dst, conntrack, and with `xnet`, for a
    /// frame crossing network namespaces, the mark and timestamps too).
    /// The skb is consumed; returns whether the stack accepted it. A frame
    /// shorter than an Ethernet header is dropped.
    pub fn rx(&self, skb: SkBuff, xnet: bool) -> bool {
        if skb.data().len() < ETH_HLEN {
            skb.drop_with(super::skbuff::reason::PKT_TOO_SMALL);
            return false;
        }
        let len = skb.len();
        let raw = skb.into_raw();
        // SAFETY: `raw` is an owned skb whose linear data starts with at
        // least ETH_HLEN bytes (checked above), as eth_type_trans and
        // skb_postpull_rcsum require; the device is valid. The helper
        // consumes the skb (freed on refusal, else by netif_rx).
        let ret = unsafe { bindings::ferroute_dev_forward_rx(self.as_raw(), raw, xnet) };
        if ret == bindings::NET_RX_SUCCESS as i32 {
            self.count_rx(len);
            true
        } else {
            false
        }
    }
}

/// `ETH_HLEN`.
const ETH_HLEN: usize = bindings::ETH_HLEN as usize;

/// A device type: the callbacks of `net_device_ops` ferroute implements.
///
/// Each device carries one `Arc<Data>` (in its private area) from a
/// successful [`Driver::init`] until [`Driver::uninit`], handed to
/// [`Driver::start_xmit`].
pub trait Driver: Sized + 'static {
    /// The kind name used by `ip link add NAME type KIND`.
    const KIND: &'static kernel::str::CStr;

    /// What each device of this kind refers to (ferroute: the router that
    /// owns it).
    type Data: Send + Sync;

    /// Called when a device of this kind is registered (`ndo_init`), under
    /// RTNL, in the namespace it is created in. An error aborts the
    /// registration.
    ///
    /// The rule: whatever `init` acquires must be released by the time
    /// [`Driver::uninit`] returns, references to the device itself above
    /// all. When `register_netdevice` fails after `ndo_init` (an ifindex
    /// taken, a notifier refusing), the core calls `ndo_uninit` and its
    /// caller frees the device at once with `free_netdev`, without waiting
    /// for references: a `dev_put` deferred past `uninit` (to an RCU
    /// callback, say) would write into freed memory.
    fn init(dev: &Device<Self>, rtnl: &Rtnl) -> Result<Arc<Self::Data>>;

    /// Called when a device of this kind is unregistered or its
    /// registration failed (`ndo_uninit`), under RTNL, with the data
    /// `init` returned. See [`Driver::init`] for what must be released
    /// before it returns.
    fn uninit(dev: &Device<Self>, data: Arc<Self::Data>, rtnl: &Rtnl);

    /// Transmits a packet (`ndo_start_xmit`); must consume `skb`.
    fn start_xmit(dev: &Device<Self>, data: &Self::Data, skb: SkBuff);
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
    /// Called by the networking core with a valid device of this kind being
    /// registered.
    unsafe extern "C" fn init_callback(dev: *mut bindings::net_device) -> i32 {
        // SAFETY: The core passes a valid device set up by `setup_callback`
        // (the only place these ops are installed).
        let dev = unsafe { Device::<T>::from_raw(dev) };
        // SAFETY: register_netdevice calls ndo_init with RTNL held.
        let rtnl = unsafe { Rtnl::assume_held() };
        match T::init(dev, &rtnl) {
            Ok(data) => {
                // SAFETY: The private area is one pointer (type invariant of
                // `Device`), not yet read by anyone: transmit starts after
                // registration.
                unsafe { *dev.priv_slot() = Arc::into_raw(data) };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Called by the networking core with a valid device of this kind being
    /// unregistered, or whose registration failed after `ndo_init`.
    unsafe extern "C" fn uninit_callback(dev: *mut bindings::net_device) {
        // SAFETY: The core passes a valid device of this kind.
        let dev = unsafe { Device::<T>::from_raw(dev) };
        // SAFETY: ndo_uninit is called with RTNL held (unregister and the
        // error path of register_netdevice).
        let rtnl = unsafe { Rtnl::assume_held() };
        let slot = dev.priv_slot();
        // SAFETY: The private area is one pointer; the device is closed
        // (no transmit runs any more), so nothing else reads it now.
        let data = unsafe { core::ptr::replace(slot, core::ptr::null()) };
        if data.is_null() {
            return;
        }
        // SAFETY: A non-null slot holds the reference `init_callback` put
        // there with `Arc::into_raw`, taken out exactly once just above.
        let data = unsafe { Arc::from_raw(data) };
        T::uninit(dev, data, &rtnl);
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
    /// Called by the networking core with a valid device of this kind and
    /// an skb whose ownership it hands over.
    unsafe extern "C" fn start_xmit_callback(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The core passes a valid device of this kind, registered
        // and open while it transmits.
        let dev = unsafe { Device::<T>::from_raw(dev) };
        // SAFETY: The core hands us ownership of a valid skb. A transmitted
        // skb may be shared (e.g. with a packet socket tap), so unshare it.
        let Some(skb) = (unsafe { SkBuff::from_raw_shared(skb) }) else {
            dev.count_tx_dropped();
            return bindings::netdev_tx_NETDEV_TX_OK;
        };
        // SAFETY: The device is registered, so `init_callback` succeeded
        // and the slot is only cleared in `uninit_callback`, which runs
        // after the device is closed and transmit has stopped.
        let data = unsafe { *dev.priv_slot() };
        // SAFETY: A non-null slot holds a reference owned by the device
        // until `uninit_callback`, which cannot run during this call.
        match unsafe { data.as_ref() } {
            Some(data) => T::start_xmit(dev, data, skb),
            None => {
                skb.drop_with(super::skbuff::reason::DEV_READY);
                dev.count_tx_dropped();
            }
        }
        bindings::netdev_tx_NETDEV_TX_OK
    }

    /// # Safety
    ///
    /// Called by rtnetlink with a freshly allocated device whose private
    /// area is `priv_size` (one pointer) zeroed bytes.
    unsafe extern "C" fn setup_callback(dev: *mut bindings::net_device) {
        // SAFETY: The core passes a valid, not yet registered device; OPS is
        // a promoted constant, so it lives for 'static.
        // INVARIANT: The ops, tstats and the private area (zeroed by
        // alloc_netdev_mqs, so a null pointer) are what `Device<T>`
        // requires.
        unsafe { bindings::ferroute_dev_setup_ether(dev, &Self::OPS) };
    }
}

/// A device type registered with rtnetlink (`rtnl_link_register`).
///
/// # Invariants
///
/// `ops` is registered with rtnetlink while this object lives, with `T`'s
/// setup callback and a private area of one pointer.
pub struct LinkRegistration<T: Driver> {
    ops: Pin<KBox<Opaque<bindings::rtnl_link_ops>>>,
    _t: PhantomData<T>,
}

// SAFETY: The registration is only used to unregister, which may happen from
// any thread.
unsafe impl<T: Driver> Send for LinkRegistration<T> {}
// SAFETY: `&LinkRegistration` only exposes the ops pointer for comparison.
unsafe impl<T: Driver> Sync for LinkRegistration<T> {}

impl<T: Driver> LinkRegistration<T> {
    /// Registers device type `T`.
    pub fn register() -> Result<Self> {
        let ops = KBox::pin(Opaque::<bindings::rtnl_link_ops>::uninit(), GFP_KERNEL)?;
        // SAFETY: `ops` is a fresh allocation we own; all-zero is a valid
        // rtnl_link_ops, and we fill the fields rtnetlink reads.
        unsafe {
            let raw: *mut bindings::rtnl_link_ops = ops.get();
            core::ptr::write_bytes(raw, 0, 1);
            (*raw).kind = T::KIND.as_char_ptr();
            (*raw).setup = Some(Adapter::<T>::setup_callback);
            (*raw).priv_size = core::mem::size_of::<*const T::Data>();
        }
        // SAFETY: `ops` is valid, filled in, and pinned for as long as it is
        // registered (until drop).
        to_result(unsafe { bindings::rtnl_link_register(ops.get()) })?;
        // INVARIANT: registered just above.
        Ok(Self {
            ops,
            _t: PhantomData,
        })
    }

    /// Creates and registers a device of this kind named `name` in the
    /// initial network namespace (as `ip link add NAME type KIND` would),
    /// owned by rtnetlink: it is deleted with `ip link del` or when this
    /// registration drops.
    pub fn create_device(&self, name: &kernel::str::CStr) -> Result {
        let ops = self.ops.get();
        // SAFETY: `ops` is registered (type invariant) and its setup
        // callback initialises a device of this kind; the name is
        // NUL-terminated. The private area is one pointer.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                core::mem::size_of::<*const T::Data>() as i32,
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
        // when `ops` is unregistered. If registration fails, ndo_uninit has
        // released all `T::init` took (the rule on `Driver::init`), so the
        // device can be freed at once.
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

impl<T: Driver> Drop for LinkRegistration<T> {
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

    /// The namespace's inode number (what `ls -l /proc/PID/ns/net` and
    /// `stat -L /run/netns/NAME` show): a name for it that userspace knows.
    pub fn inum(&self) -> u32 {
        // SAFETY: The namespace is alive (type invariant).
        unsafe { bindings::ferroute_net_inum(self.ptr) }
    }

    /// Whether this is the same namespace as `other`.
    pub fn is(&self, other: &Net<'_>) -> bool {
        core::ptr::eq(self.ptr, other.ptr)
    }

    /// Whether the calling task has CAP_NET_ADMIN over the user namespace
    /// that owns this network namespace (what rtnetlink requires for a
    /// change: `netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)`).
    pub fn ns_capable_net_admin(&self) -> bool {
        // SAFETY: The namespace is alive (type invariant); process context,
        // as every caller with a task is.
        unsafe { bindings::ferroute_ns_capable_net_admin(self.ptr) != 0 }
    }
}

/// A reference to a network namespace (`get_net`/`put_net`).
///
/// # Invariants
///
/// `ptr` points to a namespace of which this object owns one reference.
pub struct NetRef {
    ptr: NonNull<bindings::net>,
}

// SAFETY: A namespace reference may be dropped from any thread.
unsafe impl Send for NetRef {}
// SAFETY: `&NetRef` only lends the namespace, which is thread-safe.
unsafe impl Sync for NetRef {}

impl NetRef {
    /// The calling task's network namespace.
    pub fn current() -> Option<Self> {
        // SAFETY: FFI call; process context, where `current` has an
        // nsproxy.
        let ptr = NonNull::new(unsafe { bindings::ferroute_get_current_net() })?;
        // INVARIANT: get_net took the reference we own.
        Some(Self { ptr })
    }

    /// Borrows the namespace.
    pub fn net(&self) -> Net<'_> {
        // SAFETY: The reference we own keeps it alive for the borrow.
        unsafe { Net::from_raw(self.ptr.as_ptr()) }
    }
}

impl Drop for NetRef {
    fn drop(&mut self) {
        // SAFETY: We own one reference (type invariant), released once.
        unsafe { bindings::ferroute_put_net(self.ptr.as_ptr()) };
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

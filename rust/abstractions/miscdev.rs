// SPDX-License-Identifier: GPL-2.0

//! Misc character devices (`misc_register`) with an ioctl handler, and the
//! `struct rtentry` the legacy route ioctls carry.
//!
//! C headers: [`include/linux/miscdevice.h`](srctree/include/linux/miscdevice.h),
//! [`include/uapi/linux/route.h`](srctree/include/uapi/linux/route.h)

use super::bindings;
use super::netdevice::{Net, NetRef};
use core::marker::PhantomData;
use core::mem::{offset_of, size_of};
use kernel::error::{code::*, to_result, Result};
use kernel::prelude::*;
use kernel::types::Opaque;
use kernel::uaccess::{UserPtr, UserSlice};

/// What a misc device does with an ioctl.
pub trait IoctlHandler: 'static {
    /// Handles `cmd` with the user argument `arg`, for a file opened in
    /// network namespace `net` (the opener's, as a socket's namespace is
    /// its creator's); the value is returned to userspace. `compat` is true
    /// when a 32-bit task made the call (`compat_ioctl`): `arg` is then
    /// already widened (`compat_ptr`), but the structures it points to
    /// have the 32-bit layout.
    fn ioctl(net: &Net<'_>, cmd: u32, arg: UserPtr, compat: bool) -> Result<i32>;
}

/// The `file_operations` of a misc device whose ioctls `T` handles.
///
/// It lives in a `static` ([`misc_fops!`](crate::misc_fops)): `misc_open`
/// points each open file at it (`replace_fops`), and the VFS reads it
/// until the file's last close, which may come after the device is
/// deregistered. `owner` pins the module while a file is open.
#[repr(transparent)]
pub struct Fops<T: IoctlHandler> {
    fops: bindings::file_operations,
    _t: PhantomData<T>,
}

// SAFETY: Never written after construction; the VFS only reads it.
unsafe impl<T: IoctlHandler> Sync for Fops<T> {}

impl<T: IoctlHandler> Fops<T> {
    /// The operations, owned by module `owner`.
    ///
    /// # Safety
    ///
    /// `owner` is the `struct module` of the module that contains `T`'s
    /// code (its `__this_module`), so that an open file keeps that code
    /// loaded.
    pub const unsafe fn new(owner: *mut bindings::module) -> Self {
        // SAFETY: All-zero is a valid file_operations: every field is a
        // nullable pointer or an integer.
        let mut fops: bindings::file_operations = unsafe { core::mem::zeroed() };
        fops.owner = owner;
        fops.open = Some(MiscRegistration::<T>::open_callback);
        fops.release = Some(MiscRegistration::<T>::release_callback);
        fops.unlocked_ioctl = Some(MiscRegistration::<T>::ioctl_callback);
        fops.compat_ioctl = Some(MiscRegistration::<T>::compat_ioctl_callback);
        Self {
            fops,
            _t: PhantomData,
        }
    }
}

/// Declares `static $name: Fops<$handler>`, owned by the module being
/// built.
#[macro_export]
macro_rules! misc_fops {
    ($name:ident, $handler:ty) => {
        static $name: $crate::abstractions::miscdev::Fops<$handler> = {
            // Only its address is taken: no value crosses the boundary,
            // whatever a `struct module` holds.
            #[allow(improper_ctypes)]
            extern "C" {
                static __this_module:
                    ::kernel::types::Opaque<$crate::abstractions::bindings::module>;
            }
            // SAFETY: `__this_module` is the module this static is linked
            // into, which contains `$handler`'s code.
            unsafe { $crate::abstractions::miscdev::Fops::new(__this_module.get()) }
        };
    };
}

/// A registered misc device.
///
/// # Invariants
///
/// `misc` is registered while this object lives and points at a
/// `'static` [`Fops`].
pub struct MiscRegistration<T: IoctlHandler> {
    misc: Pin<KBox<Opaque<bindings::miscdevice>>>,
    _t: PhantomData<T>,
}

// SAFETY: Only used to deregister, from any thread.
unsafe impl<T: IoctlHandler> Send for MiscRegistration<T> {}
// SAFETY: No method reads through `&self`.
unsafe impl<T: IoctlHandler> Sync for MiscRegistration<T> {}

impl<T: IoctlHandler> MiscRegistration<T> {
    /// Registers `/dev/NAME` (mode 0666: opening is harmless, each ioctl
    /// checks its own permission, as socket ioctls do), with `fops`
    /// declared by [`misc_fops!`](crate::misc_fops).
    pub fn register(name: &'static CStr, fops: &'static Fops<T>) -> Result<Self> {
        let misc = KBox::pin(Opaque::<bindings::miscdevice>::uninit(), GFP_KERNEL)?;
        // SAFETY: `misc` is ours and pinned, so it stays put while
        // registered (misc_register links it into the device list). All-zero
        // is valid before the fields the core reads are set; `fops` is
        // 'static, so open files may point at it after deregistration.
        unsafe {
            let m = misc.get();
            core::ptr::write_bytes(m, 0, 1);
            (*m).minor = bindings::MISC_DYNAMIC_MINOR as i32;
            (*m).name = name.as_char_ptr();
            (*m).fops = &fops.fops;
            (*m).mode = 0o666;
            to_result(bindings::misc_register(m))?;
        }
        // INVARIANT: registered above, pointing at the 'static `fops`.
        Ok(Self {
            misc,
            _t: PhantomData,
        })
    }

    /// Records the opener's network namespace in the file
    /// (`file->private_data` owns a `NetRef`, `KBox::into_raw`).
    ///
    /// # Safety
    ///
    /// Called by misc_open for a file of this device being opened.
    unsafe extern "C" fn open_callback(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> i32 {
        let Some(net) = NetRef::current() else {
            return ENXIO.to_errno();
        };
        let net = match KBox::new(net, GFP_KERNEL) {
            Ok(b) => b,
            Err(_) => return ENOMEM.to_errno(),
        };
        // SAFETY: `file` is the valid file being opened; misc_open set
        // private_data to the miscdevice, which nothing of ours reads, so
        // it is ours to replace. `release_callback` takes it back.
        unsafe { *bindings::ferroute_file_private_data(file) = KBox::into_raw(net).cast() };
        0
    }

    /// # Safety
    ///
    /// Called by the VFS once, when the last reference to a file that
    /// `open_callback` opened goes.
    unsafe extern "C" fn release_callback(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> i32 {
        // SAFETY: `file` is valid; `open_callback` stored an owned
        // `KBox<NetRef>` in private_data, taken back exactly once here.
        unsafe {
            let p = core::ptr::replace(
                bindings::ferroute_file_private_data(file),
                core::ptr::null_mut(),
            );
            if !p.is_null() {
                drop(KBox::from_raw(p.cast::<NetRef>()));
            }
        }
        0
    }

    /// # Safety
    ///
    /// `file` is an open file of this device.
    unsafe fn ioctl_common(
        file: *mut bindings::file,
        cmd: u32,
        arg: UserPtr,
        compat: bool,
    ) -> kernel::ffi::c_long {
        // SAFETY: `file` is an open file of this device (caller's
        // guarantee): `open_callback` stored a `KBox<NetRef>` in
        // private_data, freed only by release, which cannot run while this
        // ioctl holds the file.
        let net = unsafe { &*(*bindings::ferroute_file_private_data(file)).cast::<NetRef>() };
        match T::ioctl(&net.net(), cmd, arg, compat) {
            Ok(v) => v as kernel::ffi::c_long,
            Err(e) => e.to_errno() as kernel::ffi::c_long,
        }
    }

    /// # Safety
    ///
    /// Called by the VFS for an open file of this device.
    unsafe extern "C" fn ioctl_callback(
        file: *mut bindings::file,
        cmd: kernel::ffi::c_uint,
        arg: kernel::ffi::c_ulong,
    ) -> kernel::ffi::c_long {
        // SAFETY: `file` is an open file of this device (VFS).
        unsafe { Self::ioctl_common(file, cmd, arg as UserPtr, false) }
    }

    /// The 32-bit entry (`compat_sys_ioctl`): `arg` is a 32-bit user
    /// pointer, widened as `compat_ptr` does (zero extension on x86-64).
    ///
    /// # Safety
    ///
    /// Called by the VFS for an open file of this device.
    unsafe extern "C" fn compat_ioctl_callback(
        file: *mut bindings::file,
        cmd: kernel::ffi::c_uint,
        arg: kernel::ffi::c_ulong,
    ) -> kernel::ffi::c_long {
        let arg = (arg as u32) as UserPtr;
        // SAFETY: `file` is an open file of this device (VFS).
        unsafe { Self::ioctl_common(file, cmd, arg, true) }
    }
}

impl<T: IoctlHandler> Drop for MiscRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered by the type invariant. misc_deregister waits
        // for no open file; open files keep pointing at the 'static fops,
        // whose owner pins the module, so their ioctls and release stay
        // valid after this.
        unsafe { bindings::misc_deregister(self.misc.get()) };
    }
}

/// An IPv4 socket address from a `struct sockaddr`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SockAddrIn {
    /// `sa_family`.
    pub family: u16,
    /// The address bytes (network order), `sin_addr`.
    pub addr: [u8; 4],
}

/// `struct rtentry` as the route ioctls carry it, read from userspace.
#[derive(Debug, Clone, Copy, Default)]
pub struct RtEntry {
    /// `rt_dst`.
    pub dst: SockAddrIn,
    /// `rt_gateway`.
    pub gateway: SockAddrIn,
    /// `rt_genmask`.
    pub genmask: SockAddrIn,
    /// `rt_flags` (RTF_*).
    pub flags: u16,
    /// `rt_metric` (+1, as the ABI has it).
    pub metric: i16,
    /// `rt_dev`, read as `ip_rt_ioctl` does (at most IFNAMSIZ-1 bytes).
    pub dev: Option<[u8; 16]>,
    /// `rt_mtu`.
    pub mtu: u64,
}

/// `AF_INET`.
pub const AF_INET: u16 = bindings::AF_INET as u16;
/// `SIOCADDRT`.
pub const SIOCADDRT: u32 = bindings::SIOCADDRT;
/// `SIOCDELRT`.
pub const SIOCDELRT: u32 = bindings::SIOCDELRT;

fn sockaddr_in(raw: &[u8], at: usize) -> SockAddrIn {
    let b = |i: usize| raw.get(at + i).copied().unwrap_or(0);
    SockAddrIn {
        family: u16::from_ne_bytes([b(0), b(1)]),
        // sockaddr_in: family (2), port (2), address (4).
        addr: [b(4), b(5), b(6), b(7)],
    }
}

fn ne_u64(raw: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    for (i, d) in b.iter_mut().enumerate() {
        *d = raw.get(at + i).copied().unwrap_or(0);
    }
    u64::from_ne_bytes(b)
}

impl RtEntry {
    /// Reads the `struct rtentry` at user address `arg` (EFAULT if it is
    /// not readable), and the device name it points to, if any.
    pub fn read_from_user(arg: UserPtr) -> Result<Self> {
        type Rt = bindings::rtentry;
        let mut raw = [0u8; size_of::<Rt>()];
        UserSlice::new(arg, raw.len())
            .reader()
            .read_slice(&mut raw)?;
        let u16_at = |at: usize| u16::from_ne_bytes([raw[at], raw[at + 1]]);
        let dev = read_dev_name(ne_u64(&raw, offset_of!(Rt, rt_dev)) as UserPtr)?;
        Ok(Self {
            dst: sockaddr_in(&raw, offset_of!(Rt, rt_dst)),
            gateway: sockaddr_in(&raw, offset_of!(Rt, rt_gateway)),
            genmask: sockaddr_in(&raw, offset_of!(Rt, rt_genmask)),
            flags: u16_at(offset_of!(Rt, rt_flags)),
            metric: u16_at(offset_of!(Rt, rt_metric)) as i16,
            dev,
            mtu: ne_u64(&raw, offset_of!(Rt, rt_mtu)),
        })
    }

    /// Reads the 32-bit `struct compat_rtentry` at user address `arg`, as
    /// `inet_compat_routing_ioctl` does: the three addresses, flags,
    /// metric, MTU and the device name behind the 32-bit `rt_dev`.
    pub fn read_from_user_compat(arg: UserPtr) -> Result<Self> {
        type Rt = bindings::compat_rtentry;
        let mut raw = [0u8; size_of::<Rt>()];
        UserSlice::new(arg, raw.len())
            .reader()
            .read_slice(&mut raw)?;
        let u16_at = |at: usize| u16::from_ne_bytes([raw[at], raw[at + 1]]);
        let u32_at =
            |at: usize| u32::from_ne_bytes([raw[at], raw[at + 1], raw[at + 2], raw[at + 3]]);
        let dev = read_dev_name(u32_at(offset_of!(Rt, rt_dev)) as UserPtr)?;
        Ok(Self {
            dst: sockaddr_in(&raw, offset_of!(Rt, rt_dst)),
            gateway: sockaddr_in(&raw, offset_of!(Rt, rt_gateway)),
            genmask: sockaddr_in(&raw, offset_of!(Rt, rt_genmask)),
            flags: u16_at(offset_of!(Rt, rt_flags)),
            metric: u16_at(offset_of!(Rt, rt_metric)) as i16,
            dev,
            mtu: u32_at(offset_of!(Rt, rt_mtu)).into(),
        })
    }
}

/// The device name `rt_dev` points to (none for a null pointer), at most
/// IFNAMSIZ-1 bytes as `ip_rt_ioctl` copies it.
fn read_dev_name(dev_ptr: UserPtr) -> Result<Option<[u8; 16]>> {
    if dev_ptr == 0 {
        return Ok(None);
    }
    let mut name = [0u8; 16];
    UserSlice::new(dev_ptr, 15)
        .reader()
        .read_slice(&mut name[..15])
        .map_err(|_| EFAULT)?;
    Ok(Some(name))
}

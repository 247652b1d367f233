// SPDX-License-Identifier: GPL-2.0

//! Error numbers of the IPv4 logic, as the kernel spells them.

/// A kernel error number that a configuration or routing request of the
/// IPv4 logic can fail with.
///
/// [`Errno::to_errno`] gives the kernel's negative convention (`-EINVAL`),
/// ready for `kernel::error::Error::from_errno` or a netlink ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    /// `ENOENT` (2): no such entry.
    Enoent,
    /// `ESRCH` (3): no such route (what `fib_table_delete` returns).
    Esrch,
    /// `ENOMEM` (12): out of memory.
    Enomem,
    /// `EACCES` (13): a `prohibit` route matched.
    Eacces,
    /// `EBUSY` (16): the object is in use (a table that still has routes).
    Ebusy,
    /// `EEXIST` (17): the entry exists already.
    Eexist,
    /// `ENODEV` (19): no such port.
    Enodev,
    /// `EINVAL` (22): invalid argument (or a `blackhole` route matched).
    Einval,
    /// `ENFILE` (23): a table is full (every multicast VIF taken).
    Enfile,
    /// `EAFNOSUPPORT` (97): not an IPv4 address (a route ioctl's
    /// `sockaddr` of another family).
    Eafnosupport,
    /// `EADDRINUSE` (98): the port is a multicast VIF already.
    Eaddrinuse,
    /// `EADDRNOTAVAIL` (99): the address is not configured.
    Eaddrnotavail,
    /// `ENETUNREACH` (101): no route to the network.
    Enetunreach,
    /// `ENOBUFS` (105): no buffer space (allocation failed on the
    /// configuration path, as `fib_table_insert` reports it).
    Enobufs,
    /// `EHOSTUNREACH` (113): an `unreachable` route matched.
    Ehostunreach,
}

impl Errno {
    /// The positive error number (`EINVAL` is 22).
    pub const fn number(self) -> i32 {
        match self {
            Errno::Enoent => 2,
            Errno::Esrch => 3,
            Errno::Enomem => 12,
            Errno::Eacces => 13,
            Errno::Ebusy => 16,
            Errno::Eexist => 17,
            Errno::Enodev => 19,
            Errno::Einval => 22,
            Errno::Enfile => 23,
            Errno::Eafnosupport => 97,
            Errno::Eaddrinuse => 98,
            Errno::Eaddrnotavail => 99,
            Errno::Enetunreach => 101,
            Errno::Enobufs => 105,
            Errno::Ehostunreach => 113,
        }
    }

    /// The kernel's negative return value for this error (`-22` for
    /// `EINVAL`).
    pub const fn to_errno(self) -> i32 {
        -self.number()
    }

    /// The symbolic name, `"EINVAL"`.
    pub const fn name(self) -> &'static str {
        match self {
            Errno::Enoent => "ENOENT",
            Errno::Esrch => "ESRCH",
            Errno::Enomem => "ENOMEM",
            Errno::Eacces => "EACCES",
            Errno::Ebusy => "EBUSY",
            Errno::Eexist => "EEXIST",
            Errno::Enodev => "ENODEV",
            Errno::Einval => "EINVAL",
            Errno::Enfile => "ENFILE",
            Errno::Eafnosupport => "EAFNOSUPPORT",
            Errno::Eaddrinuse => "EADDRINUSE",
            Errno::Eaddrnotavail => "EADDRNOTAVAIL",
            Errno::Enetunreach => "ENETUNREACH",
            Errno::Enobufs => "ENOBUFS",
            Errno::Ehostunreach => "EHOSTUNREACH",
        }
    }
}

impl From<crate::platform::AllocError> for Errno {
    fn from(_: crate::platform::AllocError) -> Self {
        Errno::Enobufs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_the_kernel_and_are_negative() {
        assert_eq!(Errno::Einval.to_errno(), -22);
        assert_eq!(Errno::Eexist.to_errno(), -17);
        assert_eq!(Errno::Enoent.to_errno(), -2);
        assert_eq!(Errno::Eaddrnotavail.to_errno(), -99);
        assert_eq!(Errno::Enobufs.to_errno(), -105);
        assert_eq!(Errno::Enetunreach.to_errno(), -101);
        assert_eq!(Errno::Ehostunreach.to_errno(), -113);
        assert_eq!(Errno::Enomem.to_errno(), -12);
        assert_eq!(Errno::Enodev.to_errno(), -19);
        assert_eq!(Errno::Eacces.number(), 13);
        assert_eq!(Errno::Esrch.name(), "ESRCH");
    }
}

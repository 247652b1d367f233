// SPDX-License-Identifier: GPL-2.0

//! Adding and removing addresses together with their routes, as
//! net/ipv4/devinet.c does (`inet_insert_ifa` / `inet_del_ifa`, whose
//! notifier calls `fib_add_ifaddr` / `fib_del_ifaddr`).

use crate::ipv4::errno::Errno;
use crate::ipv4::fib::Fib;
use crate::ipv4::iface::{AddrTable, IfAddr, PortId};

/// Adds `ifa` to `addrs` and its routes to `fib` (`inet_insert_ifa` and
/// `fib_add_ifaddr`; `up`: the port's device is up). Errors as
/// [`AddrTable::add`] and [`Fib::add_ifaddr`]; on any error neither table
/// is changed.
pub fn inet_insert_ifa(
    addrs: &mut AddrTable,
    fib: &mut Fib,
    ifa: IfAddr,
    up: bool,
) -> Result<(), Errno> {
    addrs.add(ifa)?;
    if let Err(e) = fib.add_ifaddr(&ifa, addrs, up) {
        // The address was the last one pushed and has no secondaries yet,
        // so deleting it removes exactly it.
        let _ = addrs.del(&ifa);
        return Err(e);
    }
    Ok(())
}

/// Removes `ifa` (and, if it is a primary, its secondaries) from `addrs`
/// and their routes from `fib` (`inet_del_ifa` and `fib_del_ifaddr`).
/// `EADDRNOTAVAIL` if `ifa` is not configured; `ENOBUFS` if the FIB could
/// not copy the paths it changes (then `fib` is unchanged but `addrs` is
/// not: callers work on a copy of both, as the router's configuration
/// updates do). Returns how many addresses were removed.
pub fn inet_del_ifa(addrs: &mut AddrTable, fib: &mut Fib, ifa: &IfAddr) -> Result<usize, Errno> {
    let n = addrs.del(ifa)?;
    fib.del_ifaddr(ifa, addrs)?;
    Ok(n)
}

/// Removes a port's addresses and every route through it (the port went
/// away: `inetdev_destroy`, `fib_disable_ip`).
///
/// Removing routes allocates (the FIB copies the trie paths it changes);
/// if that fails the port's routes stay, pointing at a port that no longer
/// exists (the packet path drops what they route). Use
/// [`try_inet_remove_port`] to see the error.
pub fn inet_remove_port(addrs: &mut AddrTable, fib: &mut Fib, port: PortId) {
    let _ = try_inet_remove_port(addrs, fib, port);
}

/// [`inet_remove_port`], reporting `ENOBUFS` (the addresses are removed
/// either way; the FIB is unchanged on error).
pub fn try_inet_remove_port(
    addrs: &mut AddrTable,
    fib: &mut Fib,
    port: PortId,
) -> Result<(), Errno> {
    addrs.remove_port(port);
    fib.remove_port(port)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::addr::Ipv4Addr;

    #[test]
    fn insert_and_delete_keep_both_tables_consistent() {
        let (mut addrs, mut fib) = (AddrTable::new(), Fib::new());
        let ifa = IfAddr {
            port: PortId(1),
            addr: Ipv4Addr::new(192, 168, 1, 1),
            prefix_len: 24,
        };
        inet_insert_ifa(&mut addrs, &mut fib, ifa, true).unwrap();
        assert_eq!(
            inet_insert_ifa(&mut addrs, &mut fib, ifa, true),
            Err(Errno::Eexist)
        );
        assert_eq!((addrs.len(), fib.routes().count()), (1, 3));
        assert_eq!(inet_del_ifa(&mut addrs, &mut fib, &ifa), Ok(1));
        assert_eq!((addrs.len(), fib.routes().count()), (0, 0));
        assert_eq!(
            inet_del_ifa(&mut addrs, &mut fib, &ifa),
            Err(Errno::Eaddrnotavail)
        );
        inet_insert_ifa(&mut addrs, &mut fib, ifa, true).unwrap();
        inet_remove_port(&mut addrs, &mut fib, PortId(1));
        assert_eq!((addrs.len(), fib.routes().count()), (0, 0));
    }
}

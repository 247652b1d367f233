#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A ferroute device refuses netpoll (IFF_DISABLE_NETPOLL): netconsole would
# call its start_xmit with interrupts off, where the transmit path's
# spin_lock_bh is not allowed. netconsole bound to fer0 must fail with the
# core's "doesn't support polling"; bound to a dummy device (the control,
# which shows the same command would otherwise succeed) it loads.
. "$(dirname "$0")/lib.sh"
nc=${FERROUTE_KDIR:-}/drivers/net/netconsole.ko
[ -f "$nc" ] || fail "no netconsole.ko in the kernel build tree '${FERROUTE_KDIR:-}'"
load
ip link set fer0 up
ip link add nc0 type dummy
ip link set nc0 up

dmesg -C
if insmod "$nc" netconsole=6665@10.98.0.1/fer0,6666@10.98.0.2/ 2>/dev/null; then
	rmmod netconsole
	fail "netconsole attached to fer0"
fi
dmesg | grep -q "fer0 doesn't support polling" || { dmesg | tail -5; fail "no 'doesn't support polling' for fer0"; }

insmod "$nc" netconsole=6665@10.98.0.1/nc0,6666@10.98.0.2/ || fail "control: netconsole on a dummy device"
rmmod netconsole
ip link del nc0
unload

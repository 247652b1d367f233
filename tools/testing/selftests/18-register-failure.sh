#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A ferroute device whose registration fails after ndo_init: the index is
# free in the requesting namespace but taken in the target one, so
# register_netdevice fails in dev_index_reserve, after ndo_init added the
# port, and rtnetlink frees the device at once (free_netdev). The port's
# device reference must be gone by then: with CONFIG_NET_DEV_REFCNT_TRACKER
# free_netdev warns about any reference still held (ref_tracker_dir_exit),
# and a reference dropped later writes into freed memory.
. "$(dirname "$0")/lib.sh"
load
set -x
ip netns add ix
ip -n ix link add d50 index 50 type dummy
for i in 1 2 3; do
	ip link add x index 50 netns ix type ferroute 2> /tmp/err && fail "registration succeeded"
	cat /tmp/err
	grep -q 'busy' /tmp/err || fail "expected EBUSY from dev_index_reserve"
done
# Let any deferred free run, then look for the warning.
sleep 1
dmesg_clean || fail "kernel log has warnings"
[ -z "$("$FERCTL" -n ix port list)" ] || fail "a port was left behind"
# The router still works: a device that registers fine is a port.
ip -n ix link add y type ferroute || fail "ip link add y"
"$FERCTL" -n ix port list | grep -q ' y ferroute' || fail "y is not a port"
cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings after rmmod"

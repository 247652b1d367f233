#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifecycle loops under traffic, short run (lib/lifecycle.sh): 5 x
# insmod/configure/traffic/rmmod, 20 x port del/add, 5 x deleting the
# attached veth and the ferroute device, 5 x deleting a namespace with a
# router inside, all while pings and a UDP flow cross the router; the
# kernel log stays clean, the module's refcount is 0, rmmod succeeds.
LOOPS=${LOOPS:-5}
. "$(dirname "$0")/lib/lifecycle.sh"

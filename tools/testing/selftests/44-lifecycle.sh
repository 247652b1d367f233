#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifecycle loops under traffic, short run (lib/lifecycle.sh): 1 x
# insmod/configure/traffic/rmmod, 2 x port del/add, 1 x deleting the
# attached veth and the ferroute device, 1 x deleting a namespace with a
# router inside (make check's time; 94-lifecycle-long loops), all while pings and a UDP flow cross the router; the
# kernel log stays clean, the module's refcount is 0, rmmod succeeds.
# (Each loop takes 10 to 20 s under TCG: 94-lifecycle-long does 100 of
# each.)
RMMOD_LOOPS=${RMMOD_LOOPS:-1}
PORT_LOOPS=${PORT_LOOPS:-2}
DEV_LOOPS=${DEV_LOOPS:-1}
NETNS_LOOPS=${NETNS_LOOPS:-1}
. "$(dirname "$0")/lib/lifecycle.sh"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifecycle loops under traffic, short run (lib/lifecycle.sh): 3 x
# insmod/configure/traffic/rmmod, 5 x port del/add, 2 x deleting the
# attached veth and the ferroute device, 2 x deleting a namespace with a
# router inside, all while pings and a UDP flow cross the router; the
# kernel log stays clean, the module's refcount is 0, rmmod succeeds.
# (Each loop takes 10 to 20 s under TCG: 94-lifecycle-long does 100 of
# each.)
RMMOD_LOOPS=${RMMOD_LOOPS:-3}
PORT_LOOPS=${PORT_LOOPS:-5}
DEV_LOOPS=${DEV_LOOPS:-2}
NETNS_LOOPS=${NETNS_LOOPS:-2}
. "$(dirname "$0")/lib/lifecycle.sh"

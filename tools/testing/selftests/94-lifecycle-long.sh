#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# slow
# timeout: 3600
# Lifecycle loops under traffic, long run (make stress; lib/lifecycle.sh):
# 100 x insmod/configure/traffic/rmmod, 100 x port del/add, 100 x deleting
# the attached veth and the ferroute device, 100 x deleting a namespace
# with a router inside.
LOOPS=${LOOPS:-100}
. "$(dirname "$0")/lib/lifecycle.sh"

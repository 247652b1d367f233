#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# slow
# timeout: 3600
# Bounded memory under floods, long run (make stress; lib/floods.sh):
# 50,000 never-completing fragments, 200,000 datagrams to random
# neighbours of a /16, 50,000 TTL-1 datagrams, through ferroute and Linux.
NEIGH_PACKETS=${NEIGH_PACKETS:-200000}
LINUX_NEIGH=${LINUX_NEIGH:-1}
FRAG_PACKETS=${FRAG_PACKETS:-50000}
TTL_PACKETS=${TTL_PACKETS:-50000}
. "$(dirname "$0")/lib/floods.sh"

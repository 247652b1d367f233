#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bounded memory under floods, short run (lib/floods.sh): 5,000
# never-completing fragments (past ipfrag_high_thresh), 3,000 datagrams to
# random neighbours of a /16 (past gc_thresh3), 2,000 TTL-1 datagrams, through ferroute and (but the neighbour
# flood) through Linux:
# fragment memory within ipfrag_high_thresh, neighbour entries within
# gc_thresh3, ICMP errors within the per-peer rate limit, slab memory back
# to its baseline.
# timeout: 400
NEIGH_PACKETS=${NEIGH_PACKETS:-3000}
TTL_PACKETS=${TTL_PACKETS:-2000}
. "$(dirname "$0")/lib/floods.sh"

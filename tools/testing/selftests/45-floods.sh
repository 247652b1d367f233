#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bounded memory under floods, short run (lib/floods.sh): 5,000
# never-completing fragments, 6,000 datagrams to random neighbours of a
# /16, 5,000 TTL-1 datagrams, through ferroute and (but the neighbour
# flood) through Linux:
# fragment memory within ipfrag_high_thresh, neighbour entries within
# gc_thresh3, ICMP errors within the per-peer rate limit, slab memory back
# to its baseline.
# timeout: 400
. "$(dirname "$0")/lib/floods.sh"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl port add refuses what it must: a device with kernel IPv4
# addresses, loopback, a ferroute device, one already attached, one that
# does not exist; port del detaches, and a device that goes away is detached.
. "$(dirname "$0")/lib.sh"
load
ip link add va type veth peer name vb
ip addr add 192.0.2.1/24 dev va
ferctl port add va 2>&1 && fail "accepted a device with kernel IPv4 addresses"
ip addr flush dev va
ferctl port add va || fail "port add va"
ferctl port add va 2>&1 && fail "accepted a device twice"
ferctl port add lo 2>&1 && fail "accepted loopback"
ferctl port add fer0 2>&1 && fail "accepted a ferroute device"
ferctl port add nosuchdev 2>&1 && fail "accepted a missing device"
ferctl port list | grep -q va || fail "va not listed"
ferctl port del va || fail "port del va"
ferctl port list | grep -q ' va ' && fail "va still listed"
ferctl port add va || fail "port add va again"
ip link del va
ferctl port list | grep -q ' va ' && fail "va still listed after deletion"
unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An address on the link that ferroute does not own gets no echo reply.
. "$(dirname "$0")/lib.sh"
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
before=$(counter IcmpOutEchoReps)
if ip netns exec ns1 ping -c 2 -i 0.2 -W 1 10.1.0.99 | tee /tmp/ping.out | grep -q ' 0% packet loss'; then
	fail "got replies from 10.1.0.99"
fi
grep -q ' 0 received' /tmp/ping.out || fail "expected 0 received"
[ "$(counter IcmpOutEchoReps)" -eq "$before" ] || fail "ferroute sent echo replies"
unload

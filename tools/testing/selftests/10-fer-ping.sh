#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A namespace whose only link is fer1 pings ferroute's address on fer1: five
# echo replies, built by ferroute, and the counters show them.
. "$(dirname "$0")/lib.sh"
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
ip netns exec ns1 ping -c 5 -i 0.2 -W 2 10.1.0.1 | tee /tmp/ping.out
grep -q '5 packets transmitted, 5 received' /tmp/ping.out || fail "expected 5 replies"
ferctl stats
[ "$(counter IcmpOutEchoReps)" -ge 5 ] || fail "OutEchoReps < 5"
[ "$(counter IcmpInEchos)" -ge 5 ] || fail "InEchos < 5"
# ip -s link counts on the namespace side what the router sent up.
ip -n ns1 -s link show fer1
unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A namespace whose only link is fer1 pings ferroute's address on fer1: five
# echo replies, built by ferroute, and the counters show them; `stats -d`
# shows what moved since its last call.
. "$(dirname "$0")/lib.sh"
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
ip netns exec ns1 ping -c 5 -i 0.2 -W 2 10.1.0.1 | tee /tmp/ping.out
grep -q '5 packets transmitted, 5 received' /tmp/ping.out || fail "expected 5 replies"
ferctl stats
[ "$(counter IcmpOutEchoReps)" -ge 5 ] || fail "OutEchoReps < 5"
[ "$(counter IcmpInEchos)" -ge 5 ] || fail "InEchos < 5"
# stats -d (nstat's mode): a first call saves the values; after two more
# pings the second prints what moved, and only that; -z adds the counters
# that did not move.
export FERCTL_STATS_HISTORY=/tmp/fer-stats.hist
rm -f "$FERCTL_STATS_HISTORY"
ferctl stats -d > /tmp/d0
ip netns exec ns1 ping -c 2 -i 0.2 -W 2 10.1.0.1 > /dev/null || fail "second ping"
ferctl stats -d | tee /tmp/d1
grep -qx 'IcmpInEchos 2' /tmp/d1 || fail "stats -d: IcmpInEchos did not gain 2"
grep -qx 'IcmpOutEchoReps 2' /tmp/d1 || fail "stats -d: IcmpOutEchoReps did not gain 2"
! grep -q ' 0$' /tmp/d1 || fail "stats -d printed a counter that did not move"
ferctl stats -d -z > /tmp/d2
[ "$(wc -l < /tmp/d2)" -eq "$(ferctl stats | wc -l)" ] || fail "stats -d -z: not every counter"
grep -qx 'IcmpInEchos 0' /tmp/d2 || fail "stats -d -z: IcmpInEchos moved without pings"
# ip -s link counts on the namespace side what the router sent up.
ip -n ns1 -s link show fer1
unload

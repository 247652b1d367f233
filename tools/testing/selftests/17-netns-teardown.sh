#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Namespace exit tears its router down cleanly under traffic: router r has
# an attached veth port and owns a ferroute device living in host h2; both
# hosts ping r's addresses fast; `ip netns del r` while they do. Then the
# ferroute device r owned is gone from h2, the other routers are untouched,
# and rmmod is clean (no warning, no leak, no reference left behind).
. "$(dirname "$0")/lib.sh"
quick_leak_reports
load
set -x
ip netns add r
ip netns add h1
ip netns add h2
ip -n r link add va type veth peer name vb netns h1
ip -n r link set va up
"$FERCTL" -n r port add va || fail "port add"
"$FERCTL" -n r addr add 10.1.0.1/24 dev va || fail "addr add va"
ip -n h1 addr add 10.1.0.2/24 dev vb
ip -n h1 link set vb up
ip -n r link add fr type ferroute || fail "ip link add fr"
"$FERCTL" -n r addr add 10.2.0.1/24 dev fr || fail "addr add fr"
ip -n r link set fr netns h2
ip -n h2 addr add 10.2.0.2/24 dev fr
ip -n h2 link set fr up
ferctl addr add 10.3.0.1/24 dev fer0 || fail "addr add fer0"
ip netns exec h1 ping -c 2 -W 2 10.1.0.1 > /dev/null || fail "h1 ping before"
ip netns exec h2 ping -c 2 -W 2 10.2.0.1 > /dev/null || fail "h2 ping before"

ip netns exec h1 ping -q -i 0.01 -w 6 10.1.0.1 > /dev/null 2>&1 &
p1=$!
ip netns exec h2 ping -q -i 0.01 -w 6 10.2.0.1 > /dev/null 2>&1 &
p2=$!
sleep 2
ip netns del r
wait $p1 $p2
# r's namespace is dismantled asynchronously (cleanup_net): wait for its
# ferroute device to go from h2.
for i in $(seq 50); do
	ip -n h2 link show fr > /dev/null 2>&1 || break
	sleep 0.2
done
ip -n h2 link show fr 2> /dev/null && fail "r's ferroute device outlived r"
# cleanup_net then waits for the references to r's devices: one left
# behind would be reported within a second or so.
sleep 3
# The init router is untouched.
ferctl addr list | grep -q '10.3.0.1/24' || fail "the init router lost its address"
ferctl port list | grep -q fer0 || fail "the init router lost fer0"
dmesg_clean || fail "kernel log has warnings after netns del"
cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings after rmmod"

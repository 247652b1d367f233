#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What one network namespace set on a packet does not follow it into
# another through ferroute, as through Linux's veth (skb_scrub_packet with
# xnet): h1 sends a UDP datagram with SO_MARK 0x42 through router r to h3,
# both hosts behind ferroute devices, and h3 reads the mark it arrived with
# (SO_RCVMARK). The same through a Linux router between veths is the
# oracle.
. "$(dirname "$0")/lib.sh"
mark=$(dirname "$0")/lib/markrecv.py
load
set -x
ip netns add r
for n in 1 3; do
	ip netns add h$n
	ip -n r link add f$n type ferroute || fail "ip link add f$n"
	"$FERCTL" -n r addr add 10.$n.0.1/24 dev f$n || fail "addr f$n"
	ip -n r link set f$n netns h$n
	ip -n h$n link set lo up
	ip -n h$n addr add 10.$n.0.2/24 dev f$n
	ip -n h$n link set f$n up
	ip -n h$n route add default via 10.$n.0.1
done
ip netns add lr
for n in 1 3; do
	ip netns add l$n
	ip -n lr link add v$n type veth peer name f$n netns l$n
	ip -n lr addr add 10.$n.0.1/24 dev v$n
	ip -n lr link set v$n up
	ip -n l$n link set lo up
	ip -n l$n addr add 10.$n.0.2/24 dev f$n
	ip -n l$n link set f$n up
	ip -n l$n route add default via 10.$n.0.1
done
ip netns exec lr sysctl -qw net.ipv4.ip_forward=1

for p in h l; do
	ip netns exec ${p}1 ping -c 1 -W 3 10.3.0.2 > /dev/null || fail "$p: ping"
	rm -f /tmp/ready
	ip netns exec ${p}3 python3 "$mark" recv 5555 /tmp/ready > /tmp/$p.mark &
	rx=$!
	for i in $(seq 100); do [ -e /tmp/ready ] && break; sleep 0.1; done
	ip netns exec ${p}1 python3 "$mark" send 10.3.0.2 5555 0x42
	wait $rx
done
echo "ferroute: $(cat /tmp/h.mark) linux: $(cat /tmp/l.mark)"
[ "$(cat /tmp/l.mark)" = 0x0 ] || fail "Linux delivered mark $(cat /tmp/l.mark)"
[ "$(cat /tmp/h.mark)" = 0x0 ] || fail "ferroute carried mark $(cat /tmp/h.mark) across namespaces"
cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

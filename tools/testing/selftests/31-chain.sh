#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two ferroute routers in a chain, each in its own namespace, joined by a
# veth pair attached to both:
#
#   h1 10.1.0.2 -- 10.1.0.1 [r1] 10.12.0.1 -- 10.12.0.2 [r2] 10.2.0.1 -- 10.2.0.2 h2
#      (ferroute device)        (attached veth pair)        (ferroute device)
#
# ping both ways; traceroute with UDP, ICMP (-I) and TCP (-T) probes lists
# both routers and then h2; tracepath reaches h2 in three hops; a TTL that
# runs out at r2 is answered by r2; UDP to a closed port of r2 gets port
# unreachable from r2.
. "$(dirname "$0")/lib.sh"
load
set -x
for ns in r1 r2 h1 h2; do ip netns add $ns; done
ip -n r1 link add fa type ferroute || fail "ip link add fa"
"$FERCTL" -n r1 addr add 10.1.0.1/24 dev fa || fail "r1 addr fa"
ip -n r1 link set fa netns h1
ip -n r2 link add fb type ferroute || fail "ip link add fb"
"$FERCTL" -n r2 addr add 10.2.0.1/24 dev fb || fail "r2 addr fb"
ip -n r2 link set fb netns h2
ip -n r1 link add x1 type veth peer name x2 netns r2
ip -n r1 link set x1 up
ip -n r2 link set x2 up
"$FERCTL" -n r1 port add x1 || fail "r1 port add x1"
"$FERCTL" -n r2 port add x2 || fail "r2 port add x2"
"$FERCTL" -n r1 addr add 10.12.0.1/24 dev x1 || fail "r1 addr x1"
"$FERCTL" -n r2 addr add 10.12.0.2/24 dev x2 || fail "r2 addr x2"
"$FERCTL" -n r1 route add 10.2.0.0/24 via 10.12.0.2 || fail "r1 route"
"$FERCTL" -n r2 route add 10.1.0.0/24 via 10.12.0.1 || fail "r2 route"
for h in 1 2; do
	dev=$([ $h = 1 ] && echo fa || echo fb)
	ip -n h$h link set lo up
	ip -n h$h addr add 10.$h.0.2/24 dev $dev
	ip -n h$h link set $dev up
	ip -n h$h route add default via 10.$h.0.1
done

ip netns exec h1 ping -c 3 -i 0.3 -W 3 10.2.0.2 > /tmp/p1 || fail "ping h1 -> h2: $(tail -2 /tmp/p1)"
ip netns exec h2 ping -c 3 -i 0.3 -W 3 10.1.0.2 > /tmp/p2 || fail "ping h2 -> h1: $(tail -2 /tmp/p2)"
hops() { # the hop addresses of a traceroute output, one line
	awk 'NR > 1 { print $2 }' "$1" | tr '\n' ' '
}
for kind in "" -I -T; do
	ip netns exec h1 traceroute -n -q 1 -w 3 $kind 10.2.0.2 > /tmp/tr || fail "traceroute $kind"
	cat /tmp/tr
	[ "$(hops /tmp/tr)" = "10.1.0.1 10.12.0.2 10.2.0.2 " ] ||
		fail "traceroute $kind: hops $(hops /tmp/tr)"
done
ip netns exec h1 tracepath -n 10.2.0.2 > /tmp/tp
cat /tmp/tp
grep -q 'hops 3 back' /tmp/tp || grep -q 'reached' /tmp/tp || fail "tracepath did not reach h2"
# TTL 2 runs out at r2: r2 answers, from its address towards r1.
ip netns exec h1 ping -c 1 -W 3 -t 2 10.2.0.2 > /tmp/ttl
grep -q 'From 10.12.0.2 .*Time to live exceeded' /tmp/ttl || fail "TTL 2: $(cat /tmp/ttl)"
# A closed UDP port on r2.
ip netns exec h1 python3 "$root/tools/testing/selftests/lib/udp_refused.py" 10.12.0.2 5555 ||
	fail "UDP to r2's closed port not refused"
for r in r1 r2; do
	echo "$r: ForwDatagrams $(ncounter $r IpForwDatagrams) OutTimeExcds $(ncounter $r IcmpOutTimeExcds)"
done
[ "$(ncounter r2 IcmpOutTimeExcds)" -ge 3 ] || fail "r2 answered no TTL"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

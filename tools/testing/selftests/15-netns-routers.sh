#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One router per network namespace. Routers r1 and r2 have the same
# configuration (same device name, same addresses and prefixes) and answer
# their own hosts independently; each sees only its own ports, addresses,
# routes and counters. A device named like the host admin's one in another
# namespace is not captured; an attached port that leaves its namespace is
# detached and that namespace's kernel IPv4 gets its traffic again; a
# ferroute device stays with the router it was created in wherever it moves.
. "$(dirname "$0")/lib.sh"
load
set -x

# Same configuration in r1 and r2: fa (a ferroute device created in rN,
# moved to host hN) with 10.7.0.1/24 on the router's side.
for n in 1 2; do
	ip netns add r$n
	ip netns add h$n
	ip -n r$n link add fa type ferroute || fail "ip link add in r$n"
	"$FERCTL" -n r$n addr add 10.7.0.1/24 dev fa || fail "addr add in r$n"
	"$FERCTL" -n r$n route add 10.70.0.0/16 via 10.7.0.2 dev fa ||
		fail "route add in r$n"
	ip -n r$n link set fa netns h$n
	ip -n h$n link set lo up
	ip -n h$n addr add 10.7.0.2/24 dev fa
	ip -n h$n link set fa up
done
# Different traffic: 3 pings in h1, 5 in h2, each answered by its router.
ip netns exec h1 ping -c 3 -i 0.2 -W 2 10.7.0.1 > /tmp/p1 || fail "h1 ping"
ip netns exec h2 ping -c 5 -i 0.2 -W 2 10.7.0.1 > /tmp/p2 || fail "h2 ping"
grep -q '3 received' /tmp/p1 || fail "h1: 3 replies expected"
grep -q '5 received' /tmp/p2 || fail "h2: 5 replies expected"
[ "$(ncounter r1 IcmpInEchos)" -eq 3 ] || fail "r1 counted $(ncounter r1 IcmpInEchos) echos"
[ "$(ncounter r2 IcmpInEchos)" -eq 5 ] || fail "r2 counted $(ncounter r2 IcmpInEchos) echos"

# Each router sees only its own: one port, one address; the init
# namespace's router has only fer0 and none of theirs.
for n in 1 2; do
	"$FERCTL" -n r$n port list | tee /tmp/ports$n
	[ "$(wc -l < /tmp/ports$n)" -eq 1 ] || fail "r$n: one port expected"
	# The device lives in hN, and the port list says so.
	grep -q "fa ferroute .* netns $(netns_inum h$n)\$" /tmp/ports$n ||
		fail "r$n: fa not shown in h$n's namespace"
	[ "$("$FERCTL" -n r$n addr list | wc -l)" -eq 1 ] || fail "r$n: one address expected"
	"$FERCTL" -n r$n route list | grep -q '10.70.0.0/16 via 10.7.0.2 dev fa' ||
		fail "r$n: its route is missing"
done
# -n NETNS is ip netns exec NETNS: the same router, the same answer.
ip netns exec r1 "$FERCTL" route list > /tmp/exec.routes
"$FERCTL" -n r1 route list | cmp - /tmp/exec.routes || fail "-n r1 differs from ip netns exec r1"
"$FERCTL" -netns r2 -j port list | grep -q '"ifname":"fa"' || fail "-netns r2 -j port list"
# A namespace that is not there: exit 1 and ip's words.
st=0
"$FERCTL" -n nosuch stats 2> /tmp/nons.err || st=$?
[ "$st" -eq 1 ] || fail "-n nosuch exited $st, not 1"
grep -q 'cannot open network namespace "nosuch": No such file or directory' /tmp/nons.err ||
	fail "-n nosuch: $(cat /tmp/nons.err)"
ferctl port list | tee /tmp/ports0
grep -q ' fa ' /tmp/ports0 && fail "the init router sees fa"
ferctl route list | grep -q 10.70.0.0 && fail "the init router sees r1's route"
# A change in r1 does not touch r2.
"$FERCTL" -n r1 route del 10.70.0.0/16 || fail "route del in r1"
"$FERCTL" -n r2 route list | grep -q 10.70.0.0/16 || fail "r2 lost its route"

# The host admin's eth1 is the init namespace's, even when a container has
# an eth1 of its own (created first).
ip netns add c1
ip -n c1 link add eth1 type veth peer name c1peer
ip link add eth1 type veth peer name eth1peer
ip link set eth1 up
ferctl port add eth1 || fail "port add eth1"
ferctl port list | grep -q "eth1 attached .* ifindex $(cat /sys/class/net/eth1/ifindex) netns $(stat -L -c %i /proc/self/ns/net)\$" ||
	fail "the wrong eth1 was attached"
[ -z "$("$FERCTL" -n c1 port list)" ] || fail "c1's router got a port"

# An attached port that leaves its namespace is detached: r1's veth moves
# to r2, whose kernel IPv4 then answers on it (ferroute no longer eats its
# ARP and IPv4).
ip netns add p
ip -n r1 link add va type veth peer name vb netns p
ip -n r1 link set va up
"$FERCTL" -n r1 port add va || fail "port add va in r1"
"$FERCTL" -n r1 port list | grep -q ' va attached' || fail "va not attached"
ip -n r1 link set va netns r2
"$FERCTL" -n r1 port list | grep -q ' va ' && fail "va still a port of r1"
"$FERCTL" -n r2 port list | grep -q ' va ' && fail "va became a port of r2"
ip -n r2 addr add 10.8.0.1/24 dev va
ip -n r2 link set va up
ip -n p addr add 10.8.0.2/24 dev vb
ip -n p link set vb up
ip netns exec p ping -c 2 -W 2 10.8.0.1 > /dev/null || fail "r2's kernel does not answer on va"

# Renaming a ferroute device is seen by its owner.
ip -n h1 link set fa down
ip -n h1 link set fa name fb
"$FERCTL" -n r1 port list | grep -q ' fb ferroute' || fail "rename not seen"

ferctl port del eth1
ip link del eth1
cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

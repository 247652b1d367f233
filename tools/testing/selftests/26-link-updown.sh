#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An attached port's device going down and up (NETDEV_DOWN/NETDEV_UP) acts
# on the routes as Linux's fib_netdev_event does: down flushes every route
# through the device (its broadcast and connected routes too, static ones
# for good, but not its local routes) and keeps its addresses; up puts its
# addresses' routes back; an address added while down gets only its local
# route. The same steps run
# on ferroute and on Linux (dummy devices of the same names in a
# namespace), and `route list table all` must equal `ip route show table
# all` after each.
. "$(dirname "$0")/lib.sh"
cleanup() {
	ip netns del lx 2>/dev/null
	ip link del d0 2>/dev/null
	ip link del d1 2>/dev/null
}
trap cleanup EXIT
load
ip netns add lx
for d in d0 d1; do
	ip link add $d type dummy && ip link set $d up || fail "dummy $d"
	ip -n lx link add $d type dummy && ip -n lx link set $d up || fail "lx dummy $d"
	ferctl port add $d || fail "port add $d"
done

both() { # a configuration command, in ip's words, to both
	ferctl "$@" || fail "ferctl $*"
	ip -n lx "$@" || fail "ip $*"
}
link() { # ip link set DEV up|down on both sides
	ip link set "$1" "$2" && ip -n lx link set "$1" "$2" || fail "link $*"
}
# One line per route: multipath hops joined to their route.
joined() {
	awk '/^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
		{ if (line != "") print line; line = $0 } END { if (line != "") print line }'
}
step=0
compare() {
	step=$((step + 1))
	# Both mark a multipath hop through a down device "dead linkdown" and
	# keep it.
	ip -n lx route show table all | joined | grep -v ' dev lo ' |
		tr -s ' ' | sed 's/ *$//' | sort > /tmp/linux.routes
	ferctl route list table all | joined | tr -s ' ' | sed 's/ *$//' | sort > /tmp/fer.routes
	if ! cmp -s /tmp/linux.routes /tmp/fer.routes; then
		diff -u /tmp/linux.routes /tmp/fer.routes
		fail "step $step ($1): route lists differ"
	fi
	echo "step $step ($1): $(wc -l < /tmp/fer.routes) routes, same as Linux"
}

both addr add 10.1.0.1/24 dev d0
both addr add 10.2.0.1/24 dev d1
both route add 10.9.0.0/16 via 10.1.0.254
both route add 10.8.0.0/16 via 10.2.0.254 dev d1
both route add unreachable 10.7.0.0/16
both route add 10.6.0.0/16 nexthop via 10.1.0.254 nexthop via 10.2.0.254
compare "configured"
grep -q '^local 10.1.0.1 dev d0' /tmp/fer.routes || fail "no local route for 10.1.0.1"

link d0 down
compare "d0 down"
grep -v -e nexthop -e '^local' /tmp/fer.routes | grep -q 'dev d0' &&
	fail "routes through d0 left after down"
ferctl addr list | grep -q '10.1.0.1/24' || fail "the address went with the link"

both addr add 10.3.0.1/24 dev d0
compare "address added while d0 is down"

link d0 up
compare "d0 up"
grep -q '^10.1.0.0/24 dev d0 proto kernel scope link src 10.1.0.1' /tmp/fer.routes ||
	fail "connected route not restored"
grep -q '^10.9.0.0/16' /tmp/fer.routes && fail "static route came back"

link d1 down
link d1 up
compare "d1 down and up"

unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# Linux as the oracle: one generated set of routes (tables main, local, 100
# and 200; unicast via gateways and direct, blackhole, unreachable,
# prohibit, local, broadcast; second metrics; onlink; multipath) and policy
# rules, loaded into ferroute and into Linux in a scratch namespace with
# dummy devices of the same names and addresses; then ferctl route get and
# ip route get fibmatch of random destinations plus every prefix's first
# and last address and the ones just outside must agree on type, table,
# prefix, metric, scope and next hop, or on the errno. See
# tools/testing/fib-oracle.py.
#
# The default is the acceptance size: 10,000 routes and 10,000 random
# destinations plus the boundaries (40,881 queries). Under QEMU TCG on 2
# cores that took 84 s: load 5.4 s ip, 11.2 s ferctl; queries 15.3 s ip,
# 45.3 s ferctl; 0 mismatches. Smaller runs for a quick look:
#   FIB_ORACLE_ROUTES=1500 FIB_ORACLE_QUERIES=2000 sh 85-fib-oracle.sh
. "$(dirname "$0")/lib.sh"
oracle=$root/tools/testing/fib-oracle.py
dir=/tmp/fib-oracle
# FIB_ORACLE_FLAGS: e.g. "--no-rules --no-multipath" to leave those out.
flags=${FIB_ORACLE_FLAGS-}
seed=${FIB_ORACLE_SEED:-1}
routes=${FIB_ORACLE_ROUTES:-10000}
queries=${FIB_ORACLE_QUERIES:-10000}

cleanup() {
	unload
	for dev in $(awk '{print $1}' "$dir/devices" 2>/dev/null); do
		ip link del "$dev" 2>/dev/null
	done
	ip netns del oracle 2>/dev/null
}
trap cleanup EXIT

# shellcheck disable=SC2086 # $flags is a word list
python3 "$oracle" gen --dir "$dir" --seed "$seed" --routes "$routes" --queries "$queries" \
	$flags || fail "generating the route set"
load
ip netns add oracle || fail "ip netns add"
# ferroute's side: the same device names in this namespace, attached by
# the batch (port add, addr add); Linux's are created by its batch.
while read -r dev _; do
	ip link add "$dev" type dummy && ip link set "$dev" up || fail "dummy $dev"
done < "$dir/devices"
python3 "$oracle" load --dir "$dir" --netns oracle --ferctl "$FERCTL" || fail "loading the routes"
python3 "$oracle" compare --dir "$dir" --netns oracle --ferctl "$FERCTL" ||
	fail "ferroute and Linux disagree"

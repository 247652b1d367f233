#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl monitor prints the router's changes as they happen, as ip monitor
# prints Linux's. The same route, address and rule changes made to ferroute
# (namespace fr) and to Linux (namespace lx) give the same route and rule
# lines; ferroute's port, address and neighbour notifications are printed
# (label, -j), and ynl's cli.py --subscribe sees the routes too.
. "$(dirname "$0")/lib.sh"
[ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/net/ynl/cli.py" ] || fail "KSRC (kernel source with tools/net/ynl) not given"
load
fr() { "$FERCTL" -n fr "$@"; }
for ns in fr lx; do
	ip netns add $ns
	ip -n $ns link set lo up
	ip -n $ns link add m0 type veth peer name m0p
	ip -n $ns link set m0 up
	ip -n $ns link set m0p up
done

"$FERCTL" -n fr monitor route rule > /tmp/fr.mon 2>&1 &
mon_fr=$!
"$FERCTL" -n fr monitor label > /tmp/all.mon 2>&1 &
mon_all=$!
"$FERCTL" -n fr -j monitor route > /tmp/json.mon 2>&1 &
mon_json=$!
ip netns exec lx ip -4 monitor route rule > /tmp/lx.mon 2>&1 &
mon_lx=$!
ip netns exec fr python3 "$KSRC/tools/net/ynl/cli.py" \
	--spec "$root/Documentation/netlink/specs/ferroute.yaml" \
	--schema "$KSRC/Documentation/netlink/genetlink-legacy.yaml" \
	--subscribe route --sleep 25 > /tmp/ynl.out 2>&1 &
ynl=$!
# joined PID: wait until PID's netlink socket (port id PID) has joined a
# multicast group (/proc/net/netlink's Groups column, which shows the
# first 32 groups: the family's are among them here).
joined() {
	i=0
	while [ $i -lt 60 ]; do
		ip netns exec fr awk -v p="$1" '$3 == p && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
		sleep 0.5
		i=$((i + 1))
	done
	fail "process $1 did not join its groups"
}
for p in $mon_fr $mon_all $mon_json $ynl; do joined $p; done
# ip monitor starts in a moment (no python).
sleep 1

# both ARGS: the same change to ferroute and to Linux.
both() {
	fr "$@" || fail "ferctl $*"
	ip -n lx "$@" || fail "ip $*"
}
fr port add m0 || fail "port add"
both addr add 10.1.0.1/24 dev m0
both route add 10.9.0.0/16 via 10.1.0.2
both route replace 10.9.0.0/16 via 10.1.0.3
both route append 10.9.0.0/16 via 10.1.0.4
both route add 10.10.0.0/16 via 10.1.0.2 table 100
both route add blackhole 10.11.0.0/16 metric 5
both rule add pref 100 from 10.5.0.0/16 lookup 100
both rule del pref 100
both route del 10.9.0.0/16 via 10.1.0.3
both route del 10.9.0.0/16
both route del 10.10.0.0/16 table 100
both route del blackhole 10.11.0.0/16 metric 5

# A neighbour: the peer asks for the router's address.
ip -n fr addr add 10.1.0.2/24 dev m0p
ip netns exec fr ping -c 1 -W 3 10.1.0.1 > /dev/null || fail "ping the router"
both addr del 10.1.0.1/24 dev m0
fr port del m0 || fail "port del"
wait $ynl
sleep 1
kill $mon_fr $mon_all $mon_json $mon_lx
wait 2> /dev/null

echo "--- ferctl monitor route rule"; cat /tmp/fr.mon
echo "--- ip -4 monitor route rule"; cat /tmp/lx.mon
echo "--- ferctl monitor label"; cat /tmp/all.mon
# Linux's lines in the order they came, the same set from ferroute (the
# order of the routes one address makes differs: fib_magic's).
sed "s/ *$//" /tmp/fr.mon | sort > /tmp/fr.sorted
sed "s/ *$//" /tmp/lx.mon | sort > /tmp/lx.sorted
diff -u /tmp/lx.sorted /tmp/fr.sorted || fail "ferctl monitor and ip monitor differ"
[ "$(grep -c . /tmp/fr.mon)" -ge 14 ] || fail "too few route and rule notifications"

grep -qx '\[PORT\] [0-9]*: m0 attached .*' /tmp/all.mon || fail "no port notification"
grep -qx '\[PORT\] Deleted [0-9]*: m0 attached .*' /tmp/all.mon || fail "no port removal"
grep -qx '\[ADDR\] m0 10.1.0.1/24' /tmp/all.mon || fail "no address notification"
grep -qx '\[ADDR\] Deleted m0 10.1.0.1/24' /tmp/all.mon || fail "no address removal"
grep -q '^\[NEIGH\] 10.1.0.2 dev m0 lladdr [0-9a-f:]* STALE$' /tmp/all.mon ||
	fail "no neighbour notification"
grep -qx '\[RULE\] 100:	from 10.5.0.0/16 lookup 100' /tmp/all.mon || fail "no labelled rule"

# -j: one object a line, naming the notification.
python3 - /tmp/json.mon <<'PY' || fail "ferctl -j monitor"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = [e["event"] for e in events]
assert "route-new-ntf" in names and "route-del-ntf" in names, names
assert any(e["event"] == "route-new-ntf" and e["route"]["dst"] == "10.9.0.0/16"
           for e in events), events
print(f"{len(events)} JSON notifications")
PY

cat /tmp/ynl.out | head -20
grep -q "'name': 'route-new-ntf'" /tmp/ynl.out || fail "ynl --subscribe route saw no route-new-ntf"
dmesg_clean || fail "kernel warnings"
unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# IGMP membership on multicast VIFs: Linux hosts joining a group with a
# socat receiver (ip-add-membership) send their reports (IGMPv3 to
# 224.0.0.22; IGMPv2 to the group when forced), which ferctl mgroup list
# then shows with the reporter; leaving (the receiver exits: an IGMPv3
# TO_IN {} record, an IGMPv2 Leave Group to 224.0.0.2) ends the membership
# within the last member query time. A port that is no VIF learns nothing.
#
#   h1 10.1.0.2 --- p0 (VIF) [ferroute, ns fr] p1 (no VIF) --- h2 10.2.0.2
. "$(dirname "$0")/lib.sh"
load
for ns in fr h1 h2; do ip netns add $ns; ip -n $ns link set lo up; done
for i in 1 2; do
	ip -n fr link add p$((i - 1)) type veth peer name hx netns h$i
	ip -n fr link set p$((i - 1)) up
	ip -n h$i addr add 10.$i.0.2/24 dev hx
	ip -n h$i link set hx up
done
F="$FERCTL -n fr"
for i in 0 1; do
	$F port add p$i || fail "port add p$i"
	$F addr add 10.$((i + 1)).0.1/24 dev p$i || fail "addr p$i"
done
$F mvif add p0 || fail "mvif add p0"

# join NS GROUP PORT: a receiver that joins GROUP on the host's hx.
join() {
	# Its output not on the command substitution's pipe, which would
	# wait for it.
	ip netns exec $1 socat -u UDP4-RECV:$3,ip-add-membership=$2:hx /dev/null \
		> /dev/null 2>&1 &
	echo $!
}
listed() { $F mgroup list | grep -q "^$1 dev $2 reporter $3 expires [0-9]*s$"; }
wait_for() { # COMMAND...: up to 8 s
	i=0
	until "$@"; do
		i=$((i + 1)); [ $i -lt 16 ] || return 1
		sleep 0.5
	done
}

# IGMPv3 first: the join, then the leave (a TO_IN {} record). The leave
# must come before the host is forced to IGMPv2: a group joined under
# IGMPv3 was never reported by the v2 timer (im->reporter is 0), so
# under v2 its leave would send nothing (igmp_group_dropped).
r1=$(join h1 239.1.1.1 5001)
r3=$(join h2 239.1.1.3 5003)
wait_for listed 239.1.1.1 p0 10.1.0.2 || fail "IGMPv3 join not listed"
$F mgroup list
$F -j mgroup list | python3 -c '
import json, sys
g = {m["group"]: m for m in json.load(sys.stdin)}
assert 250 <= g["239.1.1.1"]["expires"] <= 260, g
print("expires", g["239.1.1.1"]["expires"], "s")
' || fail "JSON or expiry"
$F mgroup list | grep -q 239.1.1.3 && fail "a port that is no VIF learnt a group"
# Leaving: gone after the last member query time.
kill $r1
wait_for sh -c "! $F mgroup list | grep -q 239.1.1.1" || fail "IGMPv3 leave not applied"
# IGMPv2: a report to the group, a Leave Group to 224.0.0.2.
ip netns exec h1 sysctl -qw net.ipv4.conf.hx.force_igmp_version=2
r2=$(join h1 239.1.1.2 5002)
wait_for listed 239.1.1.2 p0 10.1.0.2 || fail "IGMPv2 join not listed"
kill $r2
wait_for sh -c "! $F mgroup list | grep -q 239.1.1.2" || fail "IGMPv2 leave not applied"
# The VIF goes: so do its groups.
r1=$(join h1 239.1.1.4 5004)
wait_for listed 239.1.1.4 p0 10.1.0.2 || fail "join after leaves"
$F mvif del p0 || fail "mvif del"
[ -z "$($F mgroup list)" ] || fail "groups of a deleted VIF kept"
kill $r1 $r3 2> /dev/null
cleanup_netns
dmesg_clean || fail "kernel warnings"
unload

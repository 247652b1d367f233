#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# The differential corpus (lib/corpus.py): some 80 crafted frames (TTL,
# MTU and DF, fragments, IP options, header errors, martians, broadcasts,
# multicast, local ICMP/UDP/TCP, ARP) sent into the same topology once
# routed by ferroute and once by Linux; the frames seen on both host links,
# normalized, must be equal, and so must each frame's counter deltas
# (ferctl stats against nstat, every counter both have). The frames
# and counters that differ on purpose are listed with their reasons in
# lib/corpus.known (Documentation/datapath.rst has the same list); the test
# fails if another differs or a listed one starts to match.
#
#   h1 10.1.0.2, .3 --- 10.1.0.1 [router] 10.2.0.1 --(mtu 1400)-- 10.2.0.2 h2
. "$(dirname "$0")/lib.sh"
lib=$root/tools/testing/selftests/lib
load
two_routers 1400
"$FERCTL" -n fr route add unreachable 10.8.0.0/16 || fail "unreachable route"
"$FERCTL" -n fr route add prohibit 10.7.0.0/16 || fail "prohibit route"
"$FERCTL" -n fr route add blackhole 10.6.0.0/16 || fail "blackhole route"
"$FERCTL" -n fr route add 10.50.0.0/16 via 10.1.0.2 || fail "route to the sources"
ip -n lr route add unreachable 10.8.0.0/16
ip -n lr route add prohibit 10.7.0.0/16
ip -n lr route add blackhole 10.6.0.0/16
ip -n lr route add 10.50.0.0/16 via 10.1.0.2
for p in f l; do
	ip -n ${p}h1 addr add 10.1.0.3/24 dev fr1
	# The hosts never refresh their entry for the router during the corpus.
	for h in "h1 fr1 10.1.0.1" "h2 vb 10.2.0.1"; do
		set -- $h
		mac=$(ip -n $p$1 neigh show $3 | awk '{ print $5 }')
		ip -n $p$1 neigh replace $3 lladdr "$mac" dev $2 nud permanent
	done
	# The routers know 10.1.0.3 (the redirect's next hop) before it is used.
	ip netns exec ${p}h1 ping -c 1 -W 2 -I 10.1.0.3 10.1.0.1 > /dev/null || fail "$p: ping from .3"
done

mkdir -p /tmp/corpus
FERCTL=$FERCTL python3 "$lib/corpus.py" /tmp/corpus > /tmp/corpus.out 2>&1 || { cat /tmp/corpus.out; fail "corpus.py"; }
cat /tmp/corpus.out

# What differs, against what is known to.
known=$lib/corpus.known
{
	awk '$1 == "DIFF" { print "frame", $2 }' /tmp/corpus.out
	awk '$1 == "COUNTER" { print "counter", $2 }' /tmp/corpus.out
} | sort > /tmp/corpus.differs
grep -v '^#' "$known" | awk 'NF { print $1, $2 }' | sort > /tmp/corpus.known
status=0
for name in $(comm -23 /tmp/corpus.differs /tmp/corpus.known | tr ' ' ':'); do
	kind=${name%%:*}
	what=${name#*:}
	echo "unexpected difference: $kind $what"
	if [ "$kind" = frame ]; then
		echo "  ferroute:"; sed 's/^/    /' /tmp/corpus/f.$what
		echo "  linux:"; sed 's/^/    /' /tmp/corpus/l.$what
	fi
	status=1
done
for name in $(comm -13 /tmp/corpus.differs /tmp/corpus.known | tr ' ' ':'); do
	echo "listed as differing, but equal now: ${name%%:*} ${name#*:} (update $known)"
	status=1
done
total=$(awk '$1 == "corpus:" { print $2 }' /tmp/corpus.out)
[ "${total:-0}" -ge 60 ] || fail "only ${total:-0} frames in the corpus"
echo "corpus: $total frames, $(grep -c '^frame' /tmp/corpus.differs) differ" \
	"($(grep -c '^frame' /tmp/corpus.known) listed as intended);" \
	"$(grep -c '^counter' /tmp/corpus.differs) counters differ"
[ $status -eq 0 ] || fail "the corpus differs from Linux beyond the known list"
cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

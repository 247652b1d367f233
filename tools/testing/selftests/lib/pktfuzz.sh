# SPDX-License-Identifier: GPL-2.0
# Packet fuzzing (sourced by 41-pktfuzz.sh and 92-pktfuzz-long.sh with
# FRAMES set): frames mutated from the seed corpus
# (tools/testing/fuzz/seeds.txt) by out/pktfuzz, half into an attached
# veth port, half into a ferroute device, with forwarding and local
# delivery configured as in selftest 37:
#
#   h1 10.1.0.2 --veth-- 10.1.0.1 [ferroute] 10.2.0.1 --fer1 (mtu 1400)-- 10.2.0.2 h2
#
# plus 10.50.0.0/16 via 10.1.0.2 and reject routes for 10.6-10.8/16. Then:
# no oops or warning; the ledger balances (FerRxFrames + FerRxReassembled
# = FerRxDelivered + FerRxForwarded + FerRxReasmQueued + FerRxIgnored +
# every FerRxDrop.*), every frame sent with an IPv4 or ARP EtherType into
# the veth and every frame into fer1 was taken (FerRxFrames at least
# that); pings through the router and to it still work. Prints
# "pktfuzz: N frames fuzzed" at the end.
. "$(dirname "$0")/lib.sh"
FRAMES=${FRAMES:-50000}
bin=$root/out/pktfuzz
seeds=$root/tools/testing/fuzz/seeds.txt
[ -x "$bin" ] || fail "no $bin (make selftest-bins)"
load
dmesg -C
veth_ns h1 vr1 vh1 10.1.0.1/24 10.1.0.2/24
ip netns add h2
ip link add fer1 type ferroute || fail "ip link add fer1"
ferctl addr add 10.2.0.1/24 dev fer1 || fail "addr on fer1"
ip link set fer1 mtu 1400
ip link set fer1 netns h2
ip -n h2 link set lo up
ip -n h2 addr add 10.2.0.2/24 dev fer1
ip -n h2 link set fer1 up
ip -n h1 route add default via 10.1.0.1
ip -n h2 route add default via 10.2.0.1
ferctl route add 10.50.0.0/16 via 10.1.0.2 || fail "route to the sources"
ferctl route add unreachable 10.8.0.0/16 || fail "unreachable route"
ferctl route add prohibit 10.7.0.0/16 || fail "prohibit route"
ferctl route add blackhole 10.6.0.0/16 || fail "blackhole route"
ip netns exec h1 ping -c 1 -W 5 10.2.0.2 > /dev/null || fail "baseline ping through the router"
mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }
r1=$(cat /sys/class/net/vr1/address)
h1=$(mac h1 vh1)
r2=$(ip -n h2 neigh show 10.2.0.1 | awk '{ print $5 }')
h2=$(mac h2 fer1)
[ -n "$r1" ] && [ -n "$r2" ] || fail "no router MAC ($r1, $r2)"

tx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }
# The baseline, at a moment when no host frame is in flight: the hosts'
# transmit counters do not move across the read of FerRxFrames.
sleep 1
for try in 1 2 3 4 5; do
	tx1=$(tx h1 vh1)
	tx2=$(tx h2 fer1)
	frames0=$(counter FerRxFrames)
	[ "$tx1" -eq "$(tx h1 vh1)" ] && [ "$tx2" -eq "$(tx h2 fer1)" ] && break
	sleep 1
done
half=$((FRAMES / 2))
seed=${PKTFUZZ_SEED:-$(date +%s)}
echo "seed $seed (PKTFUZZ_SEED=$seed replays it)"
ip netns exec h1 "$bin" vh1 "$seeds" $half $seed "$r1" "$h1" | tee /tmp/pktfuzz1.out || fail "pktfuzz on vh1"
ip netns exec h2 "$bin" fer1 "$seeds" $((FRAMES - half)) $((seed + 1)) "$r2" "$h2" | tee /tmp/pktfuzz2.out || fail "pktfuzz on fer1"
sleep 2
ferctl stats | grep -E '^FerRx' | awk '$2 != 0'
set -- $(ledger)
echo "ledger: $1 frames and reassembled datagrams in, $2 fates out"
[ "$1" -eq "$2" ] || fail "the ledger does not balance: $1 in, $2 out"
# Every frame the hosts sent reached the router: what left h1's veth end
# (the fuzzer's frames and what h1's stack answered), less the fuzzer's
# frames of other EtherTypes (ferroute's packet handlers take only IPv4 and
# ARP), and everything h2's stack transmitted on fer1.
sent1=$(sed -n 's/.* fuzzed, \([0-9]*\) sent,.*/\1/p' /tmp/pktfuzz1.out)
ip1=$(sed -n 's/.* sent, \([0-9]*\) sent with an IPv4.*/\1/p' /tmp/pktfuzz1.out)
# The hosts keep answering the router's ARP probes for a while: the
# frames they sent before the read of FerRxFrames (want_lo) must all be in
# it, and nothing sent after it (want_hi); read again if a frame was in
# flight.
wanted() { echo $(( $(tx h1 vh1) - tx1 - (sent1 - ip1) + $(tx h2 fer1) - tx2 )); }
for try in 1 2 3 4 5; do
	want=$(wanted)
	got=$(( $(counter FerRxFrames) - frames0 ))
	want_hi=$(wanted)
	[ "$want" -le "$got" ] && [ "$got" -le "$want_hi" ] && break
	sleep 1
done
echo "frames taken by ferroute: $got; sent to it: $want to $want_hi (fuzzer: $ip1 + $(sed -n 's/.* fuzzed, \([0-9]*\) sent,.*/\1/p' /tmp/pktfuzz2.out))"
[ "$want" -le "$got" ] && [ "$got" -le "$want_hi" ] ||
	fail "frames unaccounted for: $got taken, $want to $want_hi sent"
# Fuzzed ARP frames may have taught the router a wrong MAC for a host (as
# they would Linux): the entry goes stale, is probed and fails, then is
# resolved again (some 10 s).
ferctl neighbour > /tmp/neigh.out
# Nothing the router sends goes to 0.0.0.0, 127/8 or multicast, so it
# never resolves them; (the rest of 0/8 is unicast, as in Linux 5.3+:
# fuzzed ARP requests from there are learned).
if grep -E '^(0\.0\.0\.0|127\.[0-9.]*|22[4-9]\.[0-9.]*|23[0-9]\.[0-9.]*) ' /tmp/neigh.out; then
	fail "the router resolved martian addresses"
fi
pings() { # NS DST: seconds until a ping is answered, at most 40
	i=0
	while [ $i -lt 40 ]; do
		ip netns exec "$1" ping -c 1 -W 1 "$2" > /dev/null && { echo $i; return 0; }
		i=$((i + 1))
	done
	echo $i
	return 1
}
t=$(pings h1 10.2.0.2) || fail "no ping through the router after fuzzing (40 s)"
echo "ping through the router answered after $t s"
t=$(pings h2 10.2.0.1) || fail "no ping to the router after fuzzing (40 s)"
echo "ping to the router answered after $t s"
ferctl neighbour
dmesg_clean || fail "kernel log shows a problem"
unload
echo "pktfuzz: $FRAMES frames fuzzed"

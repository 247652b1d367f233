# SPDX-License-Identifier: GPL-2.0
# Lifecycle loops under traffic (sourced by 44-lifecycle.sh and
# 94-lifecycle-long.sh with LOOPS set). Topology, rebuilt as each phase
# needs it:
#
#   h1 10.1.0.2 --fer1 (ferroute device)-- 10.1.0.1 [ferroute] 10.2.0.1 --veth-- 10.2.0.2 h2
#
# plus 10.9.0.0/16 via 10.2.0.2 (h2 holds 10.9.0.1 on lo). Traffic is a
# fast ping (every 10 ms) from h1 to 10.9.0.1 (forwarded by the route)
# and one from h2 to the router, in windows around each step, and all
# along a UDP flow (lib/udpflow.py, 500 datagrams a second) from h1 to a
# UDP sink on 10.9.0.1. Phases, each LOOPS times:
#   1. insmod, configure, a ping through the router must answer, traffic,
#      rmmod while the traffic flows;
#   2. port del / port add / addr add of the veth while traffic flows
#      (LOOPS times);
#   3. ip link del of the attached veth, and of the ferroute device, while
#      they carry traffic; then they are recreated;
#   4. ip netns del of a namespace holding a router (an attached veth and
#      a ferroute device living in another namespace) while both carry
#      traffic.
# After each step: no oops, WARN, BUG or leaked reference in the kernel
# log; the module's reference count is 0; a ping works (or the next
# insmod's first ping). At the end rmmod succeeds. Prints the figures:
# loops done and packets the hosts sent. RMMOD_LOOPS, PORT_LOOPS,
# DEV_LOOPS and NETNS_LOOPS, LOOPS by default, count each phase.
. "$(dirname "$0")/lib.sh"
LOOPS=${LOOPS:-5}
# Each phase's count (LOOPS unless given: make check gives smaller ones,
# as each loop takes 10 to 20 s under TCG).
RMMOD_LOOPS=${RMMOD_LOOPS:-$LOOPS}
PORT_LOOPS=${PORT_LOOPS:-$LOOPS}
DEV_LOOPS=${DEV_LOOPS:-$LOOPS}
NETNS_LOOPS=${NETNS_LOOPS:-$LOOPS}
quick_leak_reports
unload
dmesg_mark
sent=0
loops=0
start=$(date +%s)
took() { echo "  done in $(($(date +%s) - start)) s"; start=$(date +%s); }
ip netns add h1
ip netns add h2
ip -n h1 link set lo up
ip -n h2 link set lo up
ip -n h2 addr add 10.9.0.1/32 dev lo
ip link add veth0 type veth peer name veth1 netns h2
ip -n h2 addr add 10.2.0.2/24 dev veth1
ip -n h2 link set veth1 up
ip -n h2 route add default via 10.2.0.1
ip netns exec h2 socat -u UDP-RECV:9,bind=10.9.0.1 /dev/null &
sink=$!
# The UDP flow runs all along, 500 datagrams a second, through whatever
# router there is.
ip netns exec h1 python3 "$root/tools/testing/selftests/lib/udpflow.py" 10.9.0.1 9 500 > /tmp/udpflow.out &
flow=$!

txp() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets" 2> /dev/null || echo 0; }

# A ferroute device for h1.
add_fer1() {
	ip link add fer1 type ferroute || fail "ip link add fer1"
	ferctl addr add 10.1.0.1/24 dev fer1 || fail "addr add fer1"
	ip link set fer1 netns h1
	ip -n h1 addr add 10.1.0.2/24 dev fer1
	ip -n h1 link set fer1 up
	ip -n h1 route add default via 10.1.0.1
}
# The veth as a port.
attach_veth() {
	ip link set veth0 up
	ferctl port add veth0 || fail "port add veth0"
	ferctl addr add 10.2.0.1/24 dev veth0 || fail "addr add veth0"
}
configure() {
	add_fer1
	attach_veth
	ferctl route add 10.9.0.0/16 via 10.2.0.2 || fail "route add 10.9.0.0/16"
}
# ping_through WHAT: a ping from h1 through the router must answer.
ping_through() {
	ip netns exec h1 ping -c 1 -W 3 10.9.0.1 > /dev/null ||
		ip netns exec h1 ping -c 1 -W 3 10.9.0.1 > /dev/null ||
		fail "$1: no ping through the router"
}
start_traffic() {
	tx1=$(txp h1 fer1)
	tx2=$(txp h2 veth1)
	ip netns exec h1 ping -q -i 0.01 -W 1 10.9.0.1 > /dev/null 2>&1 &
	tp1=$!
	ip netns exec h2 ping -q -i 0.01 -W 1 10.2.0.1 > /dev/null 2>&1 &
	tp2=$!
}
# stop_traffic: counts what the hosts sent (h1's device may be gone: then
# what it sent is lost to the count, which is only a figure).
stop_traffic() {
	kill $tp1 $tp2 2> /dev/null
	wait $tp1 $tp2 2> /dev/null
	a=$(txp h1 fer1)
	b=$(txp h2 veth1)
	[ "$a" -ge "$tx1" ] 2> /dev/null && sent=$((sent + a - tx1))
	[ "$b" -ge "$tx2" ] 2> /dev/null && sent=$((sent + b - tx2))
}
clean() {
	dmesg_clean || fail "$1: the kernel log shows a problem"
}
refcnt_zero() {
	r=$(cat /sys/module/ferroute/refcnt)
	[ "$r" = 0 ] || fail "$1: module refcount $r"
}

echo "phase 1: $RMMOD_LOOPS x (insmod, configure, traffic, rmmod under traffic)"
i=0
while [ $i -lt $RMMOD_LOOPS ]; do
	i=$((i + 1))
	insmod "$MODULE" || fail "insmod $i"
	configure
	ping_through "loop $i"
	refcnt_zero "loop $i"
	start_traffic
	sleep 1
	finishes 60 rmmod ferroute || fail "rmmod $i under traffic"
	stop_traffic
	ip -n h1 link show fer1 > /dev/null 2>&1 && fail "fer1 survived rmmod $i"
	clean "insmod/rmmod loop $i"
	loops=$((loops + 1))
done

took
echo "phase 2: $PORT_LOOPS x port del/add under traffic"
load
configure
ping_through "before port churn"
start_traffic
i=0
while [ $i -lt $PORT_LOOPS ]; do
	i=$((i + 1))
	ferctl port del veth0 || fail "port del $i"
	ferctl port list | grep -q ' veth0 ' && fail "veth0 listed after port del $i"
	attach_veth
	ferctl route add 10.9.0.0/16 via 10.2.0.2 2> /dev/null
	loops=$((loops + 1))
done
sleep 0.5
stop_traffic
clean "port churn"
ferctl route list | grep -q '^10.9.0.0/16' || ferctl route add 10.9.0.0/16 via 10.2.0.2
ping_through "after port churn"
refcnt_zero "after port churn"

took
echo "phase 3: $DEV_LOOPS x deleting the veth and the ferroute device under traffic"
i=0
while [ $i -lt $DEV_LOOPS ]; do
	i=$((i + 1))
	start_traffic
	sleep 0.5
	finishes 20 ip link del veth0 || fail "del veth0 $i"
	finishes 20 ip -n h1 link del fer1 || fail "del fer1 $i"
	stop_traffic
	ferctl port list | grep -qE ' (veth0|fer1) ' && fail "a deleted device is still a port ($i)"
	clean "device deletion $i"
	refcnt_zero "device deletion $i"
	ip link add veth0 type veth peer name veth1 netns h2
	ip -n h2 addr add 10.2.0.2/24 dev veth1
	ip -n h2 link set veth1 up
	ip -n h2 route add default via 10.2.0.1
	add_fer1
	attach_veth
	ferctl route add 10.9.0.0/16 via 10.2.0.2 || fail "route add after deletion $i"
	ping_through "after device deletion $i"
	loops=$((loops + 1))
done

took
echo "phase 4: $NETNS_LOOPS x deleting a namespace with a router inside under traffic"
# The hosts g1 and g2 stay; r's devices (the veth pair, the ferroute
# device) go with r each time.
ip netns add g1
ip netns add g2
i=0
while [ $i -lt $NETNS_LOOPS ]; do
	i=$((i + 1))
	ip netns add r
	ip -n r link add va type veth peer name vb netns g1
	ip -n r link set va up
	"$FERCTL" -n r port add va || fail "port add va $i"
	"$FERCTL" -n r addr add 10.11.0.1/24 dev va || fail "addr va $i"
	ip -n g1 addr add 10.11.0.2/24 dev vb
	ip -n g1 link set vb up
	ip -n g1 route add default via 10.11.0.1
	ip -n r link add fr type ferroute || fail "ip link add fr $i"
	"$FERCTL" -n r addr add 10.12.0.1/24 dev fr || fail "addr fr $i"
	ip -n r link set fr netns g2
	ip -n g2 addr add 10.12.0.2/24 dev fr
	ip -n g2 link set fr up
	ip -n g2 route add default via 10.12.0.1
	ip netns exec g1 ping -c 1 -W 3 10.12.0.2 > /dev/null || fail "ping through r $i"
	a1=$(txp g1 vb)
	a2=$(txp g2 fr)
	ip netns exec g1 ping -q -i 0.01 -W 1 10.12.0.2 > /dev/null 2>&1 &
	q1=$!
	ip netns exec g2 ping -q -i 0.01 -W 1 10.12.0.1 > /dev/null 2>&1 &
	q2=$!
	sleep 1
	b1=$(txp g1 vb)
	b2=$(txp g2 fr)
	ip netns del r
	kill $q1 $q2 2> /dev/null
	wait $q1 $q2 2> /dev/null
	sent=$((sent + b1 - a1 + b2 - a2))
	for n in $(seq 50); do
		ip -n g2 link show fr > /dev/null 2>&1 || break
		sleep 0.2
	done
	ip -n g2 link show fr > /dev/null 2>&1 && fail "r's ferroute device outlived r ($i)"
	clean "namespace deletion $i"
	loops=$((loops + 1))
done
took
# cleanup_net waits for the references to r's devices: one left behind
# would be reported within a second or so.
sleep 2
clean "namespace deletions"
refcnt_zero "after namespace deletions"
ping_through "final"
kill $flow
wait $flow
cat /tmp/udpflow.out
kill $sink 2> /dev/null
cleanup_netns
finishes 60 rmmod ferroute || fail "final rmmod"
clean "final rmmod"
echo "lifecycle: $loops loops, $sent packets sent in the traffic windows, $(awk '{ print $3 }' /tmp/udpflow.out) datagrams by the UDP flow"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# Frames received in lists, against Linux (two_routers; the routers' h2
# port va has GRO on and a threaded NAPI on the other CPU than the sender,
# so bursts from h2 reach the core as lists: Linux's ip_list_rcv with its
# route hint, ferroute's list_func with its own).
#
# 1. Bursts of UDP to h1, half of them with TTL 1: forwarded datagrams,
#    time exceeded errors (ICMP rate limits off) and header errors must
#    count as in Linux, and ferroute must have received lists of more
#    than one frame.
# 2. rp_filter 1, and bursts that alternate a valid source with one whose
#    route back is via h1's port, all to one destination. A frame received
#    alone is judged on its source; Linux's hinted frames are not
#    (ip_route_use_hint skips fib_validate_source for a forwarded route),
#    so in a list a spoofed frame after a valid one gets through. ferroute
#    validates every frame: with lists its counts must equal Linux's for
#    the same bursts received one frame at a time (GRO off, no lists).
#    Linux's counts with lists are printed, not compared.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 va ==GRO== vb 10.2.0.2 h2
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers
fset icmp_ratemask 0

for p in f l; do
	ip netns exec ${p}h2 ethtool -K vb tso off || fail "$p: tso off at vb"
	# The spoofed source: h2 may send from it, the routers route it
	# back through h1's port.
	ip -n ${p}h2 addr add 10.1.0.77/32 dev vb
	ip netns exec ${p}h1 socat -u UDP4-RECV:9000 OPEN:/dev/null &
	sinks="$sinks $!"
done
sleep 1
# gro on|off on both routers' va. With GRO on, veth receives through a
# NAPI; it runs threaded, on CPU 1 when there is one, the senders on CPU
# 0: frames queue up while the thread wakes (on one CPU: while the sender
# runs), and its GRO flush hands them over together.
gro() {
	for p in f l; do
		ip netns exec ${p}r ethtool -K va gro "$1" || fail "$p: gro $1"
		[ "$1" = on ] || continue
		ip netns exec ${p}r sh -c 'echo 1 > /sys/class/net/va/threaded' || fail "$p: threaded va"
	done
	[ "$1" = on ] && [ "$(nproc)" -gt 1 ] || return 0
	for t in $(pgrep '^napi/va-'); do taskset -p 2 "$t" > /dev/null || fail "taskset $t"; done
}

# burst NS MODE: 40 bursts of 16 datagrams to 10.1.0.2:9000, 20 ms apart;
# MODE ttl: every other datagram with TTL 1; MODE spoof: every other one
# from 10.1.0.77.
burst() {
	ip netns exec "$1" taskset 1 python3 - "$2" <<'PY' || fail "$1: sending"
import socket, sys, time
mode = sys.argv[1]
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if mode == 'ttl':
    b.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
else:
    b.bind(('10.1.0.77', 0))
for _ in range(40):
    for i in range(8):
        a.sendto(b'x' * 18, ('10.1.0.2', 9000))
        b.sendto(b'y' * 18, ('10.1.0.2', 9000))
    time.sleep(0.02)
PY
}

COUNTERS="IpForwDatagrams IcmpOutTimeExcds IpInHdrErrors TcpExtIPReversePathFilter"
# run MODE: the bursts through both routers; prints "name ferroute linux"
# deltas to /tmp/deltas.MODE.
run() {
	snapshot_counters $COUNTERS FerRxFrames FerRxLists
	burst fh2 "$1"
	burst lh2 "$1"
	sleep 1
	counter_deltas | tee "/tmp/deltas.$1"
}
# delta MODE NAME COLUMN(2 ferroute, 3 Linux)
delta() { awk -v n="$2" -v c="$3" '$1 == n { print $c }' "/tmp/deltas.$1"; }

# 1. TTL 1 in lists.
gro on
run ttl
frames=$(delta ttl FerRxFrames 2); lists=$(delta ttl FerRxLists 2)
echo "ferroute: $frames frames in $lists lists"
[ "$lists" -gt 0 ] && [ "$frames" -gt "$lists" ] || fail "no list of more than one frame ($frames frames, $lists lists)"
for n in IpForwDatagrams IcmpOutTimeExcds IpInHdrErrors; do
	[ "$(delta ttl $n 2)" -eq "$(delta ttl $n 3)" ] || fail "ttl: $n differs from Linux's"
done
[ "$(delta ttl IpForwDatagrams 2)" -eq 320 ] || fail "ttl: $(delta ttl IpForwDatagrams 2) of 320 forwarded"
[ "$(delta ttl IcmpOutTimeExcds 2)" -eq 320 ] || fail "ttl: $(delta ttl IcmpOutTimeExcds 2) of 320 time exceeded"

# 2. rp_filter: lists against Linux without lists.
pset rp_filter 1
run spoof
frames=$(delta spoof FerRxFrames 2); lists=$(delta spoof FerRxLists 2)
echo "ferroute: $frames frames in $lists lists"
[ "$frames" -gt "$lists" ] || fail "no list of more than one frame ($frames frames, $lists lists)"
[ "$(delta spoof IpForwDatagrams 2)" -eq 320 ] || fail "spoof: $(delta spoof IpForwDatagrams 2) of 320 forwarded"
[ "$(delta spoof TcpExtIPReversePathFilter 2)" -eq 320 ] || fail "spoof: $(delta spoof TcpExtIPReversePathFilter 2) of 320 refused"
gro off
run alone
for n in IpForwDatagrams TcpExtIPReversePathFilter; do
	echo "$n: ferroute with lists $(delta spoof $n 2), alone $(delta alone $n 2); Linux alone $(delta alone $n 3), with lists $(delta spoof $n 3)"
	[ "$(delta spoof $n 2)" -eq "$(delta alone $n 3)" ] || fail "$n with lists differs from Linux's without"
	[ "$(delta alone $n 2)" -eq "$(delta alone $n 3)" ] || fail "$n without lists differs from Linux's"
done
kill $sinks
wait $sinks 2> /dev/null
echo ok

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A TCP stream without DF through a router whose egress MTU (1400) is
# smaller than the link's other end (1500): the sender's veth hands the
# router GSO super-packets whose segments do not fit, so the router
# segments them in software and fragments each segment
# (ip_finish_output_gso, ip_fragment). Routed once by ferroute (both ports
# attached veths) and once by Linux's ip_forward in the same VM: the data
# arrives whole through both, each fragments (FragOKs, FragCreates) and
# neither counts FragFails. A UDP datagram without DF whose checksum its
# sender left to the device is fragmented with the checksum completed.
#
#   h2 10.2.0.2 --- 10.2.0.1 [router] 10.3.0.1 --(1400 | 1500)-- 10.3.0.2 h3
. "$(dirname "$0")/lib.sh"
load
set -x

for ns in fr fh2 fh3 lr lh2 lh3; do ip netns add $ns; done
for p in f l; do
	ip -n ${p}r link add va type veth peer name vb netns ${p}h2
	ip -n ${p}r link add vc type veth peer name vd netns ${p}h3
	ip -n ${p}r link set va up
	ip -n ${p}r link set vc mtu 1400 up
	ip -n ${p}h2 link set lo up
	ip -n ${p}h2 addr add 10.2.0.2/24 dev vb
	ip -n ${p}h2 link set vb up
	ip -n ${p}h2 route add default via 10.2.0.1
	# No path MTU discovery: TCP sends without DF.
	ip netns exec ${p}h2 sysctl -qw net.ipv4.ip_no_pmtu_disc=1
	ip -n ${p}h3 link set lo up
	ip -n ${p}h3 addr add 10.3.0.2/24 dev vd
	ip -n ${p}h3 link set vd up
	ip -n ${p}h3 route add default via 10.3.0.1
done
"$FERCTL" -n fr port add va || fail "port add va"
"$FERCTL" -n fr port add vc || fail "port add vc"
"$FERCTL" -n fr addr add 10.2.0.1/24 dev va || fail "addr va"
"$FERCTL" -n fr addr add 10.3.0.1/24 dev vc || fail "addr vc"
ip -n lr addr add 10.2.0.1/24 dev va
ip -n lr addr add 10.3.0.1/24 dev vc
ip netns exec lr sysctl -qw net.ipv4.ip_forward=1
for p in f l; do
	ip netns exec ${p}h2 ping -c 1 -W 3 10.3.0.2 > /dev/null || fail "$p: first ping"
done

head -c 2000000 /dev/urandom > /tmp/gso.data
for p in f l; do
	before_ok=$(${p}r_count IpFragOKs)
	before_creates=$(${p}r_count IpFragCreates)
	before_fails=$(${p}r_count IpFragFails)
	rm -f /tmp/$p.rcv
	ip netns exec ${p}h3 timeout 240 socat -u TCP-LISTEN:5001,reuseaddr OPEN:/tmp/$p.rcv,creat,trunc &
	listener=$!
	for _ in $(seq 100); do
		ip netns exec ${p}h3 ss -Hltn 'sport = 5001' | grep -q . && break
		sleep 0.2
	done
	started=$(date +%s)
	ip netns exec ${p}h2 timeout 200 socat -u OPEN:/tmp/gso.data TCP:10.3.0.2:5001 ||
		fail "$p: sending the stream ($(($(date +%s) - started)) s)"
	wait $listener
	cmp -s /tmp/gso.data /tmp/$p.rcv || fail "$p: the stream did not arrive whole"
	ok=$(($(${p}r_count IpFragOKs) - before_ok))
	creates=$(($(${p}r_count IpFragCreates) - before_creates))
	fails=$(($(${p}r_count IpFragFails) - before_fails))
	echo "$p: FragOKs $ok FragCreates $creates FragFails $fails"
	[ "$fails" -eq 0 ] || fail "$p: FragFails $fails"
	[ "$ok" -gt 0 ] && [ "$creates" -gt "$ok" ] || fail "$p: the stream was not fragmented"
done

# One datagram of 1500 bytes without DF from h2's UDP socket: not GSO, its
# checksum left to the device (CHECKSUM_PARTIAL over the veth). Fragmented
# at 1400, it reaches h3's socket only if the router completed the
# checksum first (ip_do_fragment's skb_checksum_help).
head -c 1472 /dev/urandom > /tmp/udp.data
for p in f l; do
	rm -f /tmp/$p.udp
	ip netns exec ${p}h3 timeout 60 socat -u UDP4-RECV:5002 OPEN:/tmp/$p.udp,creat,trunc &
	listener=$!
	for _ in $(seq 100); do
		ip netns exec ${p}h3 ss -Hlun 'sport = 5002' | grep -q . && break
		sleep 0.2
	done
	ip netns exec ${p}h2 socat -u -b 2000 OPEN:/tmp/udp.data UDP4-SENDTO:10.3.0.2:5002
	for _ in $(seq 50); do
		[ -s /tmp/$p.udp ] && break
		sleep 0.2
	done
	kill $listener 2> /dev/null
	cmp -s /tmp/udp.data /tmp/$p.udp || fail "$p: the fragmented UDP datagram did not arrive"
done

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

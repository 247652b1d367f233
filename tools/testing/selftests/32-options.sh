#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# IP options, with Linux as the oracle (the same topology routed by
# Linux's ip_forward):
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2
#
# Record route is filled in by the router when it forwards (its egress
# address) and echoed with its entry in its own answers (echo reply, port
# unreachable, time exceeded); a malformed option is answered with a
# parameter problem pointing at it; a loose source route is dropped
# (accept_source_route 0). Each answer is compared byte for byte (IP id and
# checksums aside); `ping -R` prints the same route through both.
. "$(dirname "$0")/lib.sh"
probe=$(dirname "$0")/lib/fwdprobe.py
load
set -x
ip netns add fr
ip netns add fh1
ip netns add fh2
ip -n fr link add fr1 type ferroute || fail "ip link add fr1"
ip netns exec fr "$FERCTL" addr add 10.1.0.1/24 dev fr1 || fail "addr fr1"
ip -n fr link set fr1 netns fh1
ip -n fr link add va type veth peer name vb netns fh2
ip -n fr link set va up
ip netns exec fr "$FERCTL" port add va || fail "port add va"
ip netns exec fr "$FERCTL" addr add 10.2.0.1/24 dev va || fail "addr va"

ip netns add lr
ip netns add lh1
ip netns add lh2
ip -n lr link add la1 type veth peer name fr1 netns lh1
ip -n lr link add va type veth peer name vb netns lh2
ip -n lr addr add 10.1.0.1/24 dev la1
ip -n lr addr add 10.2.0.1/24 dev va
ip -n lr link set la1 up
ip -n lr link set va up
ip netns exec lr sysctl -qw net.ipv4.ip_forward=1

for p in f l; do
	ip -n ${p}h1 link set lo up
	ip -n ${p}h1 addr add 10.1.0.2/24 dev fr1
	ip -n ${p}h1 link set fr1 up
	ip -n ${p}h1 route add default via 10.1.0.1
	ip -n ${p}h2 link set lo up
	ip -n ${p}h2 addr add 10.2.0.2/24 dev vb
	ip -n ${p}h2 link set vb up
	ip -n ${p}h2 route add default via 10.2.0.1
	ip netns exec ${p}h1 ping -c 1 -W 3 10.2.0.2 > /dev/null || fail "$p: first ping"
done

compare() { # KIND DST
	for p in f l; do
		ip netns exec ${p}h1 python3 "$probe" local "$1" "$2" > /tmp/$p.$1
	done
	echo "$1 $2: ferroute $(cat /tmp/f.$1)"
	echo "$1 $2: linux    $(cat /tmp/l.$1)"
	cmp -s /tmp/f.$1 /tmp/l.$1 || fail "$1 to $2: ferroute's answer differs from Linux's"
}
compare rr 10.1.0.1
compare rr 10.2.0.2
compare rr-ttl1 10.2.0.2
compare rr-udp 10.1.0.1
compare badopt 10.1.0.1
compare badopt 10.2.0.2
compare lsrr 10.2.0.2
for k in rr rr-ttl1 rr-udp badopt; do
	[ "$(cat /tmp/l.$k)" != none ] || fail "$k: Linux sent nothing"
done
[ "$(cat /tmp/f.lsrr)" = none ] || fail "a source-routed packet was answered"

for dst in 10.1.0.1 10.2.0.2; do
	for p in f l; do
		ip netns exec ${p}h1 ping -c 1 -W 3 -R $dst | sed -n '/^RR:/,/^$/p' > /tmp/$p.pingr
	done
	cat /tmp/f.pingr
	[ -s /tmp/f.pingr ] || fail "ping -R $dst: no recorded route"
	cmp -s /tmp/f.pingr /tmp/l.pingr || { cat /tmp/l.pingr; fail "ping -R $dst: route differs from Linux's"; }
done
[ "$(ncounter fr IpInHdrErrors)" -ge 2 ] || fail "InHdrErrors $(ncounter fr IpInHdrErrors)"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Local delivery of UDP, TCP and other protocols to the router's own
# address, with Linux as the oracle (a namespace with the same address and
# no socket open): a UDP datagram to a closed port gets port unreachable
# from the address it was sent to, a TCP SYN or data segment gets the reset
# tcp_v4_send_reset sends, an unknown protocol gets protocol unreachable, a
# timestamp request its reply (the clocks aside); a
# bad UDP checksum and a reset get nothing. Each answer is compared byte
# for byte (IP id and checksums aside), then the Udp/Tcp/Ip counter deltas
# (ferctl stats against nstat). Then real tools: a UDP socket's send is
# refused (ECONNREFUSED), nc's TCP connect is refused.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router]
. "$(dirname "$0")/lib.sh"
probe=$(dirname "$0")/lib/fwdprobe.py
load
set -x

ip netns add fr
ip netns add fh1
ip -n fr link add fr1 type ferroute || fail "ip link add fr1"
ip netns exec fr "$FERCTL" addr add 10.1.0.1/24 dev fr1 || fail "addr fr1"
ip -n fr link set fr1 netns fh1

ip netns add lr
ip netns add lh1
ip -n lr link add la1 type veth peer name fr1 netns lh1
ip -n lr addr add 10.1.0.1/24 dev la1
ip -n lr link set la1 up

for p in f l; do
	ip -n ${p}h1 link set lo up
	ip -n ${p}h1 addr add 10.1.0.2/24 dev fr1
	ip -n ${p}h1 link set fr1 up
	ip netns exec ${p}h1 ping -c 1 -W 3 10.1.0.1 > /dev/null || fail "$p: first ping"
done

# Counters: ferroute's by name from ferctl stats, Linux's from nstat.
fcount() { ip netns exec fr "$FERCTL" stats | awk -v n="$1" '$1 == n { print $2 }'; }
lcount() { ip netns exec lr nstat -az "$1" | awk -v n="$1" '$1 == n { print $2 }'; }
names="IpInDelivers IpInUnknownProtos IcmpOutDestUnreachs IcmpInTimestamps
IcmpOutTimestampReps IcmpOutEchoReps UdpNoPorts UdpInErrors
UdpInCsumErrors TcpInSegs TcpOutSegs TcpOutRsts TcpInErrs TcpInCsumErrors"
for n in $names; do
	eval "f0_$n=$(fcount $n)"
	eval "l0_$n=$(lcount $n)"
done

for kind in udp udp-badsum tcp-syn tcp-ack tcp-rst proto timestamp; do
	for p in f l; do
		ip netns exec ${p}h1 python3 "$probe" local $kind 10.1.0.1 > /tmp/$p.$kind
	done
	echo "$kind: ferroute $(cat /tmp/f.$kind)"
	echo "$kind: linux    $(cat /tmp/l.$kind)"
	cmp -s /tmp/f.$kind /tmp/l.$kind || fail "$kind: ferroute's answer differs from Linux's"
done
for kind in udp tcp-syn tcp-ack proto timestamp; do
	[ "$(cat /tmp/l.$kind)" != none ] || fail "$kind: Linux sent nothing"
done

set +x
bad=0
for n in $names; do
	eval "fd=\$((\$(fcount $n) - f0_$n))"
	eval "ld=\$((\$(lcount $n) - l0_$n))"
	printf '%-22s ferroute %3d linux %3d\n' "$n" "$fd" "$ld"
	[ "$fd" -eq "$ld" ] || bad=1
done
[ $bad -eq 0 ] || fail "counter deltas differ from Linux's"
set -x

# Real sockets: a connected UDP socket learns of the port unreachable, nc's
# connect is refused by the reset.
ip netns exec fh1 python3 - <<'PY' || fail "UDP to a closed port was not refused"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect(('10.1.0.1', 5555))
s.send(b'hello')
try:
    s.recv(100)
except ConnectionRefusedError:
    print('refused, as Linux refuses')
    sys.exit(0)
sys.exit(1)
PY
ip netns exec fh1 nc -zv -w 3 10.1.0.1 80 2> /tmp/nc.err && fail "nc connected to a closed port"
grep -qi refused /tmp/nc.err || fail "nc: $(cat /tmp/nc.err)"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
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
#   h1 10.1.0.2 --- 10.1.0.1 [router] (two_routers in lib.sh)
. "$(dirname "$0")/lib.sh"
load
set -x

two_routers

snapshot_counters IpInDelivers IpInUnknownProtos IcmpOutDestUnreachs IcmpInTimestamps \
	IcmpOutTimestampReps IcmpOutEchoReps UdpNoPorts UdpInErrors UdpInCsumErrors TcpInSegs \
	TcpOutSegs TcpOutRsts TcpInErrs TcpInCsumErrors

for kind in udp udp-badsum tcp-syn tcp-ack tcp-rst proto timestamp; do
	compare_answers $kind 10.1.0.1
done
for kind in udp tcp-syn tcp-ack proto timestamp; do
	[ "$(cat /tmp/l.$kind)" != none ] || fail "$kind: Linux sent nothing"
done

set +x
compare_deltas
set -x

# Real sockets: a connected UDP socket learns of the port unreachable, nc's
# connect is refused by the reset.
ip netns exec fh1 python3 "$root/tools/testing/selftests/lib/udp_refused.py" 10.1.0.1 5555 ||
	fail "UDP to a closed port was not refused"
ip netns exec fh1 nc -zv -w 3 10.1.0.1 80 2> /tmp/nc.err && fail "nc connected to a closed port"
grep -qi refused /tmp/nc.err || fail "nc: $(cat /tmp/nc.err)"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

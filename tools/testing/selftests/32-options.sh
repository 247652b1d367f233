#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# IP options, with Linux as the oracle (the same topology routed by
# Linux's ip_forward):
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2
#
# Record route is filled in by the router when it forwards (its egress
# address) and echoed with its entry in its own answers (echo reply, port
# unreachable, time exceeded), also in the reply to a request that came in
# fragments; a malformed option is answered with a
# parameter problem pointing at it; a loose source route is dropped
# (accept_source_route 0). Each answer is compared byte for byte (IP id and
# checksums aside); `ping -R` prints the same route through both.
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers

compare_answers rr 10.1.0.1
compare_answers rr 10.2.0.2
compare_answers rr-ttl1 10.2.0.2
compare_answers rr-udp 10.1.0.1
# In fragments: the reassembled request's options (its first fragment's)
# are echoed in the reply.
compare_answers rr-frag 10.1.0.1
compare_answers badopt 10.1.0.1
compare_answers badopt 10.2.0.2
compare_answers lsrr 10.2.0.2
for k in rr rr-ttl1 rr-udp rr-frag badopt; do
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

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# ferroute forwards between its ports, with Linux as the oracle: the same
# topology is built twice, once routed by ferroute (router namespace fr)
# and once by Linux's own ip_forward (namespace lr), and the same probes go
# through both.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2
#
# For ferroute, the h1 side is a ferroute device and the h2 side an
# attached veth. Checked: ping and traceroute through the router; the
# forwarded echo request as h2 receives it (TTL decremented, checksum
# updated, id kept) is byte for byte Linux's; the ICMP time exceeded (TTL
# 1), net unreachable (no route), host unreachable (unreachable route, and
# a next hop that does not answer ARP) and packet filtered (prohibit route)
# errors h1 gets back are byte for byte Linux's (ids and checksums aside);
# a burst of errors to one host is limited as Linux limits it; and
# ferroute's counters say what happened.
. "$(dirname "$0")/lib.sh"
load
set -x

two_routers
h1if=fr1
"$FERCTL" -n fr route add unreachable 10.8.0.0/16 || fail "unreachable route"
"$FERCTL" -n fr route add prohibit 10.7.0.0/16 || fail "prohibit route"
ip -n lr route add unreachable 10.8.0.0/16
ip -n lr route add prohibit 10.7.0.0/16

# Ping and traceroute through ferroute.
ip netns exec fh1 ping -c 5 -i 0.2 -W 2 10.2.0.2 > /tmp/ping.out || fail "ping through ferroute"
grep -q '5 received' /tmp/ping.out || fail "5 replies expected"
ip netns exec fh1 traceroute -n -q 1 -w 2 10.2.0.2 | tee /tmp/tr.out
sed -n 2p /tmp/tr.out | grep -q '^ 1  10.1.0.1 ' || fail "traceroute: hop 1 is not the router"
sed -n 3p /tmp/tr.out | grep -q '^ 2  10.2.0.2 ' || fail "traceroute: hop 2 is not h2"
[ "$(ncounter fr IpForwDatagrams)" -ge 12 ] || fail "ForwDatagrams $(ncounter fr IpForwDatagrams)"

# The forwarded packet as h2 receives it. The sniffer opens the FIFO
# /tmp/ready once it captures, which ends the wait in opening it here.
for p in f l; do
	rm -f /tmp/ready
	mkfifo /tmp/ready
	probe ${p}h2 sniff vb /tmp/ready > /tmp/$p.fwd &
	sniffer=$!
	: < /tmp/ready
	probe ${p}h1 send 10.2.0.2
	wait $sniffer
done
cat /tmp/f.fwd /tmp/l.fwd
[ "$(cat /tmp/f.fwd)" != none ] || fail "h2 got nothing through ferroute"
cmp -s /tmp/f.fwd /tmp/l.fwd || fail "the forwarded packet differs from Linux's"

# ICMP errors: bytes as Linux sends them.
compare() { # NAME DST [TTL]
	for p in f l; do
		probe ${p}h1 error "$2" ${3:-} > /tmp/$p.$1
	done
	echo "$1: ferroute $(cat /tmp/f.$1)"
	echo "$1: linux    $(cat /tmp/l.$1)"
	[ "$(cat /tmp/l.$1)" != none ] || fail "$1: Linux sent nothing"
	cmp -s /tmp/f.$1 /tmp/l.$1 || fail "$1: ferroute's answer differs from Linux's"
}
before=$(ncounter fr IcmpOutTimeExcds)
compare ttl-exceeded 10.2.0.2 1
[ "$(ncounter fr IcmpOutTimeExcds)" -eq $((before + 1)) ] || fail "OutTimeExcds not counted"
before=$(ncounter fr IpExtInNoRoutes)
compare net-unreachable 10.9.9.9
[ "$(ncounter fr IpExtInNoRoutes)" -eq $((before + 1)) ] || fail "InNoRoutes not counted"
compare host-unreachable 10.8.0.1
compare packet-filtered 10.7.0.1
# No one answers ARP for 10.2.0.99: after the probes, arp_error_report's
# host unreachable, quoting the packet as it waited (TTL already 63).
before=$(ncounter fr arp_cache.res_failed)
compare arp-failed 10.2.0.99
[ "$(ncounter fr arp_cache.res_failed)" -gt "$before" ] || fail "res_failed not counted"
[ "$(ncounter fr IcmpOutDestUnreachs)" -ge 3 ] || fail "OutDestUnreachs $(ncounter fr IcmpOutDestUnreachs)"

# Per-peer rate limit (icmpv4_xrlim_allow): 20 TTL-1 probes at once from
# an address that got no error yet are answered six times (a burst), once
# more for each second that passes while they go (on a loaded machine
# sending takes longer); the rest are counted OutRateLimitHost.
for p in f l; do
	ip -n ${p}h1 addr add 10.1.0.3/24 dev $h1if
	probe ${p}h1 burst 10.1.0.3 10.2.0.2 20 > /tmp/$p.burst
done
echo "answered, seconds sending: ferroute $(cat /tmp/f.burst), linux $(cat /tmp/l.burst)"
for p in f l; do
	read -r n secs < /tmp/$p.burst
	most=$((7 + ${secs%.*}))
	[ "$n" -ge 6 ] && [ "$n" -le $most ] ||
		fail "$p: $n of 20 answered in $secs s, not a burst of 6 (at most $most)"
done
read -r n secs < /tmp/f.burst
[ "$(ncounter fr IcmpOutRateLimitHost)" -ge $((20 - n)) ] ||
	fail "OutRateLimitHost $(ncounter fr IcmpOutRateLimitHost)"
"$FERCTL" -n fr stats

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

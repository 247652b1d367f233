#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# Per-port settings change forwarding as the same Linux sysctls do on a
# Linux router in the same VM (two_routers; ferroute's h1 port fr1 is
# Linux's la1): rp_filter 1 and 2 drop spoofed sources
# (IPReversePathFilter); send_redirects 0 sends no redirect; forwarding 0
# drops without an error (InAddrErrors); accept_local accepts the router's
# own address as a source; route_localnet 127/8; conf.all combines with a
# port's value (a port's send_redirects 0 alone still redirects),
# conf.default reaches ports without their own value and new ports,
# all.forwarding reaches every port. Each step's counter deltas and values
# are compared with Linux's.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2 (two_routers)
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers

# rp_filter: h1 sends from 10.2.0.77 (whose route leaves by va) and from
# 10.99.0.1 (no route) to h2. 0 forwards both, 1 (strict) drops both, 2
# (loose) only the second; each drop counts IPReversePathFilter.
for p in f l; do
	ip -n ${p}h1 addr add 10.2.0.77/32 dev fr1
	ip -n ${p}h1 addr add 10.99.0.1/32 dev fr1
done
spoof() {
	for p in f l; do
		ip netns exec ${p}h1 ping -c 1 -W 1 -I 10.2.0.77 10.2.0.2 > /dev/null
		ip netns exec ${p}h1 ping -c 1 -W 1 -I 10.99.0.1 10.2.0.2 > /dev/null
	done
	sleep 1
}
for rp in 0 1 2; do
	pset rp_filter $rp
	snapshot_counters TcpExtIPReversePathFilter IpForwDatagrams
	spoof
	compare_deltas
done
[ "$(fr_count TcpExtIPReversePathFilter)" -eq 3 ] || fail "IPReversePathFilter $(fr_count TcpExtIPReversePathFilter), not 3"
pset rp_filter 0

# send_redirects: a packet for 10.9.0.0/16, routed back out of fr1 to g
# (10.1.0.3, in h1), earns h1 a redirect unless send_redirects is 0.
for p in f l; do
	ip -n ${p}h1 addr add 10.1.0.3/24 dev fr1
	ip netns exec ${p}h1 ping -c 1 -W 3 -I 10.1.0.3 10.1.0.1 > /dev/null || fail "$p: g's first ping"
done
"$FERCTL" -n fr route add 10.9.0.0/16 via 10.1.0.3 || fail "route via g"
ip -n lr route add 10.9.0.0/16 via 10.1.0.3
snapshot_counters IcmpOutRedirects IpForwDatagrams
both "probe {} error 10.9.0.1"
[ "$(cat /tmp/f.out)" != none ] || fail "no redirect by default"
compare_deltas
# The port's 0 alone changes nothing: conf.all.send_redirects is still 1
# (IN_DEV_ORCONF).
"$FERCTL" -n fr port set fr1 send_redirects 0 || fail "port set fr1 send_redirects 0"
ip netns exec lr sysctl -qw net.ipv4.conf.la1.send_redirects=0
sleep 1
for p in f l; do ip -n ${p}h1 route flush cache; done
both "probe {} error 10.9.0.1"
[ "$(cat /tmp/f.out)" != none ] || fail "no redirect with only the port's send_redirects 0"
pset send_redirects 0
sleep 1
for p in f l; do ip -n ${p}h1 route flush cache; done
snapshot_counters IcmpOutRedirects IpForwDatagrams
both "probe {} error 10.9.0.1"
[ "$(cat /tmp/f.out)" = none ] || fail "a redirect with send_redirects 0"
compare_deltas
pset send_redirects 1

# forwarding 0 on h1's port: to h2 and to a destination without a route,
# dropped without an ICMP error and counted InAddrErrors; the router
# itself still answers.
pset forwarding 0
snapshot_counters IpInAddrErrors IpExtInNoRoutes IpForwDatagrams IcmpOutDestUnreachs
both "probe {} error 10.2.0.2"
[ "$(cat /tmp/f.out)" = none ] || fail "forwarded with forwarding 0"
both "probe {} error 10.77.0.1"
[ "$(cat /tmp/f.out)" = none ] || fail "an error with forwarding 0"
compare_deltas
[ "$(fr_count IpInAddrErrors)" -ge 2 ] || fail "not counted InAddrErrors"
both "ip netns exec {} ping -c 1 -W 2 10.1.0.1 > /dev/null; echo \$?"
[ "$(cat /tmp/f.out)" = 0 ] || fail "the router stopped answering"
pset forwarding 1

# accept_local: a frame from the router's own address (10.1.0.1) to h2 is
# a martian, unless accept_local is 1: then it is forwarded.
mac_f=$(ip -n fh1 neigh show 10.1.0.1 | awk '{ print $5 }')
mac_l=$(ip -n lh1 neigh show 10.1.0.1 | awk '{ print $5 }')
martian() {
	probe fh1 martians fr1 "$mac_f" "$1" || fail "ferroute: sending"
	probe lh1 martians fr1 "$mac_l" "$1" || fail "linux: sending"
	sleep 1
}
for v in 0 1; do
	pset accept_local $v
	snapshot_counters IpForwDatagrams
	martian 3
	compare_deltas
done
[ "$(awk '$1 == "IpForwDatagrams" { print $2 }' /tmp/counters.deltas)" -eq 1 ] ||
	fail "accept_local 1: not forwarded"
pset accept_local 0

# route_localnet: an echo request from 127.0.0.5 to the router is a
# martian, unless route_localnet is 1: then it is delivered.
for v in 0 1; do
	pset route_localnet $v
	snapshot_counters IcmpInEchos
	martian 0
	compare_deltas
done
pset route_localnet 0

# conf.all and conf.default (`port set all|default`), shown by conf show
# as all.NAME / default.NAME, against Linux's sysctls.
# pval NAME DEV [LDEV]: DEV's own NAME on ferroute (port list) and LDEV's
# (default DEV) on Linux: equal.
pval() {
	f=$("$FERCTL" -n fr port list | awk -v d="$2" -v n="$1" \
		'$2 == d { for (i = 1; i < NF; i++) if ($i == n) print $(i + 1) }')
	l=$(ip netns exec lr sysctl -n "net.ipv4.conf.${3:-$2}.$1")
	echo "$2.$1: ferroute $f linux $l"
	[ "$f" = "$l" ] || fail "$2.$1: ferroute $f, linux $l"
}
"$FERCTL" -n fr conf show | grep -E '^(all|default)\.' | tee /tmp/pseudo
for d in all default; do
	for n in rp_filter send_redirects accept_local route_localnet; do
		l=$(ip netns exec lr sysctl -n "net.ipv4.conf.$d.$n")
		grep -qx "$d.$n $l" /tmp/pseudo || fail "$d.$n is not Linux's $l"
	done
done
# conf.default reaches only ports that have no value of their own: not
# fr1 (set above) nor va (an address makes every value a port's own,
# ipv4_devconf_setall), but vx, which has no address; a port added
# afterwards starts from it, and with it as its own (inetdev_init copies
# default's state bits too), so resetting default leaves it alone.
for p in f l; do
	ip -n ${p}r link add vx type veth peer name vy
	ip -n ${p}r link set vx up
done
"$FERCTL" -n fr port add vx || fail "port add vx"
"$FERCTL" -n fr port set default rp_filter 2 || fail "port set default"
ip netns exec lr sysctl -qw net.ipv4.conf.default.rp_filter=2
"$FERCTL" -n fr conf show | grep -qx 'default.rp_filter 2' ||
	fail "conf show: no default.rp_filter 2"
pval rp_filter va
[ "$f" = 0 ] || fail "default reached a port with an address"
pval rp_filter fr1 la1
pval rp_filter vx
[ "$f" = 2 ] || fail "default did not reach a port without an address"
for p in f l; do
	ip -n ${p}r link add vz type veth peer name vw
	ip -n ${p}r link set vz up
done
"$FERCTL" -n fr port add vz || fail "port add vz"
pval rp_filter vz
[ "$f" = 2 ] || fail "a new port did not start from conf.default"
"$FERCTL" -n fr port set default rp_filter 0
ip netns exec lr sysctl -qw net.ipv4.conf.default.rp_filter=0
pval rp_filter vx
[ "$f" = 0 ] || fail "resetting default did not reach vx"
pval rp_filter vz
[ "$f" = 2 ] || fail "resetting default reached a port that copied it"
# all.forwarding 0 is written to every port (inet_forward_change): h1's
# ping to h2 is not forwarded by either; 1 restores it.
"$FERCTL" -n fr port set all forwarding 0 || fail "port set all forwarding 0"
ip netns exec lr sysctl -qw net.ipv4.conf.all.forwarding=0
pval forwarding va
[ "$f" = 0 ] || fail "all.forwarding 0 left va forwarding"
"$FERCTL" -n fr conf show | grep -qx 'default.forwarding 0' ||
	fail "all.forwarding 0 did not reach default"
[ "$(ip netns exec lr sysctl -n net.ipv4.conf.default.forwarding)" = 0 ] ||
	fail "Linux: all.forwarding 0 did not reach default"
both "ip netns exec {} ping -c 1 -W 2 10.2.0.2 > /dev/null 2>&1; echo \$?"
[ "$(cat /tmp/f.out)" = 1 ] || fail "forwarded with all.forwarding 0"
"$FERCTL" -n fr port set all forwarding 1
ip netns exec lr sysctl -qw net.ipv4.conf.all.forwarding=1
both "ip netns exec {} ping -c 1 -W 2 10.2.0.2 > /dev/null 2>&1; echo \$?"
[ "$(cat /tmp/f.out)" = 0 ] || fail "not forwarded again with all.forwarding 1"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ICMP redirects, with Linux as the oracle. On one link, h1 sends to 10.9.0.0/16 through the router, whose route for it
# is via g on that same segment: the router forwards the packet back out
# of the port it came in on and tells h1 of the better next hop (redirect
# for the host, 5/1, to 10.1.0.3), as ip_rt_send_redirect does. The
# redirects are compared byte for byte (IP id and checksums aside), ping
# prints the redirect, and the second one within 40 ms is held back.
#
#   h1 10.1.0.2, g 10.1.0.3 ---- 10.1.0.1 [router]
. "$(dirname "$0")/lib.sh"
load
set -x
# The test kernel has no bridge: g's address is a second one in h1's
# namespace, on the same link (what matters is that both are on it).
for p in f l; do
	ip netns add ${p}r
	ip netns add ${p}h1
	ip -n ${p}r link add va type veth peer name eth0 netns ${p}h1
	ip -n ${p}r link set va up
	ip -n ${p}h1 link set lo up
	ip -n ${p}h1 addr add 10.1.0.2/24 dev eth0
	ip -n ${p}h1 addr add 10.1.0.3/24 dev eth0
	ip -n ${p}h1 link set eth0 up
	ip -n ${p}h1 route add default via 10.1.0.1
done
"$FERCTL" -n fr port add va || fail "port add va"
"$FERCTL" -n fr addr add 10.1.0.1/24 dev va || fail "addr va"
"$FERCTL" -n fr route add 10.9.0.0/16 via 10.1.0.3 || fail "route via g"
ip -n lr addr add 10.1.0.1/24 dev va
ip -n lr route add 10.9.0.0/16 via 10.1.0.3
ip netns exec lr sysctl -qw net.ipv4.ip_forward=1
for p in f l; do
	ip netns exec ${p}h1 ping -c 1 -W 3 10.1.0.1 > /dev/null || fail "$p: first ping"
	ip netns exec ${p}h1 ping -c 1 -W 3 -I 10.1.0.3 10.1.0.1 > /dev/null || fail "$p: g's first ping"
done

for p in f l; do
	probe ${p}h1 error 10.9.0.1 > /tmp/$p.redirect
done
echo "redirect: ferroute $(cat /tmp/f.redirect)"
echo "redirect: linux    $(cat /tmp/l.redirect)"
[ "$(cat /tmp/l.redirect)" != none ] || fail "Linux sent no redirect"
cmp -s /tmp/f.redirect /tmp/l.redirect || fail "the redirect differs from Linux's"

# ping prints it (g forwards nothing: no reply comes).
ip -n fh1 route flush cache
sleep 1
ip netns exec fh1 ping -c 1 -W 2 10.9.0.1 > /tmp/ping.redirect
cat /tmp/ping.redirect
grep -q 'Redirect Host(New nexthop: 10.1.0.3)' /tmp/ping.redirect || fail "ping shows no redirect"
[ "$(ncounter fr IcmpOutRedirects)" -eq 2 ] || fail "OutRedirects $(ncounter fr IcmpOutRedirects), not 2"
# Two packets at once: the second gets no redirect (ip_rt_redirect_load
# << 1 = 40 ms), but is forwarded.
sleep 1
fwd=$(ncounter fr IpForwDatagrams)
ip netns exec fh1 ping -c 2 -i 0.002 -W 1 10.9.0.1 > /dev/null
[ "$(ncounter fr IcmpOutRedirects)" -eq 3 ] || fail "OutRedirects $(ncounter fr IcmpOutRedirects), not 3"
[ "$(ncounter fr IpForwDatagrams)" -eq $((fwd + 2)) ] || fail "redirected packets not forwarded"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

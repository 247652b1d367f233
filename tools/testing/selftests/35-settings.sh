#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
# The router's settings change behaviour as the same Linux sysctls do on a
# Linux router in the same VM (two_routers; ferroute's h1 port fr1 is
# Linux's la1): `ferctl conf show` has Linux's defaults; icmp_ratelimit
# and icmp_ratemask change how many errors a burst gets; ip_default_ttl
# the TTL of replies; icmp_echo_ignore_broadcasts 0 answers a broadcast
# ping; icmp_errors_use_inbound_ifaddr the source of an error. The UDP
# echo service answers port 7 as a Linux UDP socket does (bytes and Udp
# counters compared with a Python echo server on the Linux router), socat
# gets its datagrams back (8 KiB too), and turning it off gives port
# unreachable again. Out-of-range values are EINVAL with a message, as
# sysctl writes are. The per-port settings are 38-port-settings.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2 (two_routers)
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers

# Defaults: Linux's (a new namespace's net.ipv4.* values).
"$FERCTL" -n fr conf show | tee /tmp/conf.show
for n in icmp_ratelimit icmp_ratemask icmp_msgs_per_sec icmp_msgs_burst \
	icmp_echo_ignore_broadcasts icmp_errors_use_inbound_ifaddr ip_default_ttl; do
	l=$(ip netns exec lr sysctl -n net.ipv4.$n)
	grep -qx "$n $l" /tmp/conf.show || fail "default $n is not Linux's $l"
done
grep -qx "udp_echo 0" /tmp/conf.show || fail "udp_echo is not off by default"
"$FERCTL" -n fr -j conf show | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["icmp_ratelimit"] == 1000 and c["ip_default_ttl"] == 64, c' || fail "conf show -j"
"$FERCTL" -n fr port list | tee /tmp/ports
grep -q ' fr1 ferroute .* forwarding 1 rp_filter 0 send_redirects 1 accept_local 0 route_localnet 0 ' /tmp/ports ||
	fail "port defaults"
"$FERCTL" -n fr -j port list | python3 -c '
import json, sys
p = {x["ifname"]: x for x in json.load(sys.stdin)}
assert p["va"]["rp_filter"] == 0 and p["va"]["send_redirects"] == 1, p' || fail "port list -j"

# Values out of range: EINVAL with a message naming the setting; nothing
# changes.
bad() {
	if "$FERCTL" -n fr "$@" 2> /tmp/bad.err; then fail "$* accepted"; fi
	cat /tmp/bad.err
	grep -q "Invalid argument" /tmp/bad.err || fail "$*: not EINVAL"
}
bad port set va rp_filter 3
grep -q "rp_filter must be 0, 1 or 2" /tmp/bad.err || fail "no rp_filter message"
bad port set va forwarding 2
bad port set va send_redirects 7
bad conf set ip_default_ttl 0
grep -q "ip_default_ttl must be 1 to 255" /tmp/bad.err || fail "no ttl message"
bad conf set icmp_ratelimit 2147483648
bad conf set icmp_msgs_burst 4294967295
bad conf set udp_echo 2
if "$FERCTL" -n fr port set nosuch rp_filter 1 2> /tmp/bad.err; then fail "unknown port"; fi
grep -q "No such device" /tmp/bad.err || fail "unknown port: not ENODEV"
"$FERCTL" -n fr conf show | cmp -s - /tmp/conf.show || fail "a refused change changed something"
# Linux refuses the same out-of-range TTL.
if ip netns exec lr sysctl -qw net.ipv4.ip_default_ttl=0 2> /dev/null; then fail "Linux took ttl 0"; fi

# icmp_ratelimit and icmp_ratemask: 12 TTL-1 probes at once get as many
# time exceeded from each router. Default: the per-peer burst (six, one
# more a second while they go: "limited" covers 6 to 11, as sending takes
# longer on a loaded host).
burst="probe {} burst 10.1.0.2 10.2.0.2 12 |
	awk '{ print (\$1 >= 6 && \$1 < 12) ? \"limited\" : \$1 }'"
both "$burst"
[ "$(cat /tmp/f.out)" = limited ] || fail "no per-peer limit by default"
fset icmp_ratelimit 0
both "$burst"
[ "$(cat /tmp/f.out)" = 12 ] || fail "icmp_ratelimit 0 still limits"
fset icmp_ratelimit 1000
fset icmp_ratemask 0
both "$burst"
[ "$(cat /tmp/f.out)" = 12 ] || fail "icmp_ratemask 0 still limits"
fset icmp_ratemask 6168

# ip_default_ttl: the echo reply's TTL (byte 8 of the normalized reply).
fset ip_default_ttl 32
both "probe {} error 10.1.0.1"
[ "$(cut -c17-18 /tmp/f.out)" = 20 ] || fail "the reply's TTL is not 32"
fset ip_default_ttl 64

# icmp_echo_ignore_broadcasts 0: a ping to the subnet broadcast is
# answered (by default it is not).
both "ip netns exec {} ping -b -c 1 -W 2 10.1.0.255 > /dev/null 2>&1; echo \$?"
[ "$(cat /tmp/f.out)" = 1 ] || fail "a broadcast ping was answered by default"
fset icmp_echo_ignore_broadcasts 0
both "ip netns exec {} ping -b -c 1 -W 2 10.1.0.255 2>&1 | grep -c 'bytes from 10.1.0.1'"
[ "$(cat /tmp/f.out)" = 1 ] || fail "a broadcast ping was not answered"
fset icmp_echo_ignore_broadcasts 1

# icmp_errors_use_inbound_ifaddr: h2 sends a TTL-1 packet from h1's
# address; the time exceeded goes to h1 from the address route output
# picks towards h1 (10.1.0.1), or with the setting from the address of the
# port it came in on (10.2.0.1). h1 captures it.
te_source() {
	for p in f l; do
		rm -f /tmp/${p}h1.te
		ip netns exec ${p}h1 timeout 90 tcpdump -n -l -c 1 -i fr1 'icmp[0] == 11' > /tmp/${p}h1.te 2> /dev/null &
		tcpdump_pid=$!
		sleep 3
		probe ${p}h2 send 10.1.0.2 10.1.0.2 1 "$1"
		wait $tcpdump_pid
	done
	# "TIME IP SRC > DST: ICMP time exceeded in-transit, ...": SRC.
	both "awk '{ print \$3 }' /tmp/{}.te"
}
ip netns exec lr sysctl -qw net.ipv4.conf.va.rp_filter=0
for v in 0 1; do
	fset icmp_errors_use_inbound_ifaddr $v
	te_source $v
done
[ "$(cat /tmp/f.out)" = 10.2.0.1 ] || fail "icmp_errors_use_inbound_ifaddr 1: not from 10.2.0.1"
fset icmp_errors_use_inbound_ifaddr 0

# The UDP echo service. Off: port 7 is closed (port unreachable, as on
# Linux without a socket). On: Linux runs a Python echo server
# (recvfrom/sendto on an unconnected socket) on port 7; the echoes and
# the Udp counters must be equal.
both "probe {} local udp-echo 10.1.0.1"
# Type 3 code 3 (hex 41-44 of the normalized answer).
[ "$(cut -c41-44 /tmp/f.out)" = 0303 ] || fail "no port unreachable on port 7"
"$FERCTL" -n fr conf set udp_echo 1 || fail "conf set udp_echo 1"
ip netns exec lr python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7))
open("/tmp/echo.ready", "w").close()
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
' &
echo_pid=$!
for _ in $(seq 50); do [ -e /tmp/echo.ready ] && break; sleep 0.2; done
snapshot_counters UdpInDatagrams UdpOutDatagrams UdpNoPorts
both "probe {} local udp-echo 10.1.0.1"
[ "$(cat /tmp/f.out)" != none ] || fail "no echo"
compare_deltas
both "echo hello ferroute | ip netns exec {} socat -t 3 - UDP4:10.1.0.1:7"
[ "$(cat /tmp/f.out)" = "hello ferroute" ] || fail "socat got no echo"
# 8 KiB: the echo leaves fragmented (DF clear when it does not fit).
head -c 8192 /dev/urandom > /tmp/big
for p in f l; do
	ip netns exec ${p}h1 socat -t 3 -b 9000 - UDP4:10.1.0.1:7 < /tmp/big > /tmp/$p.big
	cmp -s /tmp/big /tmp/$p.big || fail "$p: the 8 KiB datagram did not come back whole"
done
# From the address it was sent to: h2's side of the router.
echo x | ip netns exec fh1 socat -t 3 - UDP4:10.2.0.1:7 | grep -qx x || fail "no echo from 10.2.0.1"
kill "$echo_pid"
wait "$echo_pid" 2> /dev/null
"$FERCTL" -n fr conf set udp_echo 0 || fail "conf set udp_echo 0"
both "probe {} local udp-echo 10.1.0.1"
[ "$(cut -c41-44 /tmp/f.out)" = 0303 ] || fail "port 7 not closed again"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

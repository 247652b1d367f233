#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bulk traffic through ferroute with iperf3: TCP both ways (a veth peer
# hands the router GSO super-packets, which it forwards whole; the
# namespace behind the ferroute device gets them as GRO would) and UDP at
# 20 Mbit/s, 10 s each; the data must arrive.
#
#   h1 10.1.0.2 --- 10.1.0.1 [ferroute] 10.2.0.1 --- 10.2.0.2 h2
#        (ferroute device)              (attached veth)
. "$(dirname "$0")/lib.sh"
load
set -x
ip netns add r
ip netns add h1
ip netns add h2
ip -n r link add fr1 type ferroute || fail "ip link add fr1"
"$FERCTL" -n r addr add 10.1.0.1/24 dev fr1 || fail "addr fr1"
ip -n r link set fr1 netns h1
ip -n r link add va type veth peer name vb netns h2
ip -n r link set va up
"$FERCTL" -n r port add va || fail "port add va"
"$FERCTL" -n r addr add 10.2.0.1/24 dev va || fail "addr va"
ip -n h1 link set lo up
ip -n h1 addr add 10.1.0.2/24 dev fr1
ip -n h1 link set fr1 up
ip -n h1 route add default via 10.1.0.1
ip -n h2 link set lo up
ip -n h2 addr add 10.2.0.2/24 dev vb
ip -n h2 link set vb up
ip -n h2 route add default via 10.2.0.1
ip netns exec h1 ping -c 1 -W 3 10.2.0.2 > /dev/null || fail "first ping"

run() { # NAME iperf3-client-args...
	name=$1; shift
	ip netns exec h2 iperf3 -s -D -1 || fail "$name: iperf3 server"
	sleep 1
	ip netns exec h1 iperf3 -c 10.2.0.2 -t 10 -J "$@" > /tmp/$name.json ||
		{ tail -5 /tmp/$name.json; fail "$name: iperf3 failed"; }
	python3 - "$name" /tmp/$name.json <<'PY' || fail "$name: data not delivered"
import json, sys
name, path = sys.argv[1:]
r = json.load(open(path))
end = r['end']
if 'sum_received' in end:
    got = end['sum_received']['bytes']
    print(f"{name}: {got} bytes received, {end['sum_received']['bits_per_second'] / 1e6:.1f} Mbit/s")
    sys.exit(0 if got > 1_000_000 else 1)
s = end['sum']
print(f"{name}: {s['packets'] - s['lost_packets']} of {s['packets']} datagrams received "
      f"({s['lost_percent']:.1f} % lost)")
sys.exit(0 if s['packets'] > 0 and s['lost_percent'] < 20 else 1)
PY
}
run tcp
run tcp-reverse -R
run udp -u -b 20M
"$FERCTL" -n r stats | grep -E '^Ip(ForwDatagrams|FragFails|OutDiscards) '
[ "$(ncounter r IpFragFails)" -eq 0 ] || fail "FragFails $(ncounter r IpFragFails): GSO packets refused"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

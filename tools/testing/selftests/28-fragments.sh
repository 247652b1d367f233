#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Path MTU and fragmentation through the router, with Linux as the oracle
# (the same topology routed by Linux's ip_forward):
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --(mtu 1400)-- 10.2.0.2 h2
#
# ping -M do -s 1450 gets "Frag needed and DF set (mtu = 1400)"; tracepath
# finds pmtu 1400 (and 1300 once the port's MTU changes); ping -s 4000 (fragmented by h1 at 1500, refragmented by
# the router at 1400) and 8 KiB UDP datagrams (socat) get through both
# ways; ping -s 4000 to the router itself is reassembled and answered (in
# fragments); a lone first fragment gets Linux's reassembly timeout error;
# the Frag*/Reasm* counter deltas equal Linux's (nstat).
. "$(dirname "$0")/lib.sh"
load
set -x

two_routers 1400

snapshot_counters IpFragOKs IpFragCreates IpFragFails IpForwDatagrams IcmpOutDestUnreachs \
	IpReasmReqds IpReasmOKs IpReasmFails IpReasmTimeout IcmpOutTimeExcds

for p in f l; do
	# DF and too big: the router's frag needed, as ping prints it.
	ip netns exec ${p}h1 ping -c 1 -W 3 -M do -s 1450 10.2.0.2 > /tmp/$p.df
	grep -q 'Frag needed and DF set (mtu = 1400)' /tmp/$p.df || fail "$p: no frag needed: $(cat /tmp/$p.df)"
	# Fragmented, and refragmented at 1400, both ways.
	ip netns exec ${p}h1 ping -c 3 -i 0.3 -W 3 -M dont -s 4000 10.2.0.2 > /tmp/$p.big
	grep -q ' 3 received' /tmp/$p.big || fail "$p: ping -s 4000: $(tail -2 /tmp/$p.big)"
	ip netns exec ${p}h2 ping -c 3 -i 0.3 -W 3 -M dont -s 4000 10.1.0.2 > /tmp/$p.big2
	grep -q ' 3 received' /tmp/$p.big2 || fail "$p: ping -s 4000 from h2: $(tail -2 /tmp/$p.big2)"
done
# Reassembly: a fragmented ping to the router itself; a lone first
# fragment gets time exceeded, fragment reassembly (11/1) after 30 s, as
# Linux sends it (both routers wait at once).
for p in f l; do
	ip netns exec ${p}h1 ping -c 3 -i 0.3 -W 3 -s 4000 10.1.0.1 > /tmp/$p.self
	grep -q ' 3 received' /tmp/$p.self || fail "$p: ping -s 4000 to the router: $(tail -2 /tmp/$p.self)"
	probe ${p}h1 local frag-first 10.1.0.1 > /tmp/$p.fragtime &
done
wait
echo "frag timeout: ferroute $(cat /tmp/f.fragtime)"
echo "frag timeout: linux    $(cat /tmp/l.fragtime)"
[ "$(cat /tmp/l.fragtime)" != none ] || fail "Linux sent no reassembly timeout"
cmp -s /tmp/f.fragtime /tmp/l.fragtime || fail "the reassembly timeout differs from Linux's"

for p in f l; do
	ip netns exec ${p}h1 ip route flush cache
	ip netns exec ${p}h1 tracepath -n 10.2.0.2 > /tmp/$p.tp
	cat /tmp/$p.tp
	grep -q 'pmtu 1400' /tmp/$p.tp || fail "$p: tracepath did not find pmtu 1400"
done
# NETDEV_CHANGEMTU: the port's MTU is read from the device on each packet,
# so a new MTU counts at once (Linux flushes its route cache for it).
for p in f l; do
	ip -n ${p}r link set va mtu 1300
	ip netns exec ${p}h1 ping -c 1 -W 3 -M do -s 1350 10.2.0.2 > /tmp/$p.df
	grep -q 'Frag needed and DF set (mtu = 1300)' /tmp/$p.df ||
		fail "$p: after the MTU change: $(cat /tmp/$p.df)"
	ip -n ${p}r link set va mtu 1400
done

# 8 KiB UDP datagrams, both ways.
head -c 8192 /dev/urandom > /tmp/udp.sent
for p in f l; do
	for dir in "${p}h1 ${p}h2 10.2.0.2" "${p}h2 ${p}h1 10.1.0.2"; do
		set -- $dir
		rm -f /tmp/udp.got
		ip netns exec $2 timeout 20 socat -u UDP-RECV:7000 OPEN:/tmp/udp.got,creat &
		receiver=$!
		# Sent once the receiver's socket is bound (a fixed second was
		# not always enough for socat to start on a loaded host), and
		# the receiver stopped once all of it arrived (or 5 s passed).
		i=0
		until [ -n "$(ip netns exec $2 ss -Hlun 'sport = :7000')" ]; do
			[ $i -lt 100 ] || fail "$p: socat in $2 did not bind port 7000"
			sleep 0.1
			i=$((i + 1))
		done
		ip netns exec $1 socat -u OPEN:/tmp/udp.sent UDP-SENDTO:$3:7000
		i=0
		while [ "$(stat -c %s /tmp/udp.got 2> /dev/null || echo 0)" -lt "$(stat -c %s /tmp/udp.sent)" ] &&
			[ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill $receiver 2>/dev/null
		wait $receiver 2>/dev/null
		cmp /tmp/udp.sent /tmp/udp.got || fail "$p: 8 KiB UDP $1 -> $2 not delivered whole"
	done
done
set +x
compare_deltas
set -x
"$FERCTL" -n fr stats | grep -E '^IpFrag|^IpForw'

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# Multicast routing (issue 9), with Linux as the oracle: the same topology
# is built twice, routed once by ferroute (namespace fr) and once by Linux's
# ipmr with smcroute installing the same MFC entry (namespace lr):
#
#   s 10.1.0.2 --- p0 [router] p1 --- h1 10.2.0.2
#                              p2 --- h2 10.3.0.2   (MTU 1000)
#                              p3 --- h3 10.4.0.2   (VIF threshold 16)
#
# VIFs p0..p3; entry (10.1.0.2, 239.1.1.1) from p0 to p1 p2 p3.
# Checked: socat receivers (ip-add-membership) on h1 and h2 get every
# datagram a socat sender on s sends to 239.1.1.1 with multicast TTL 8, the
# one on h3 (threshold 16) none, through both routers; a crafted set (TTL 1,
# 2, 8, 16, 17; 224.0.0.x; wrong input port; no entry; martian sources;
# oversize with and without DF) gives the same frames on every host link
# and the same counter deltas as Linux; the entry's packets, bytes and
# wrong-interface counts equal Linux's (ip -s mroute).
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
load
set -x
command -v smcrouted > /dev/null || fail "smcrouted is not installed (tools/testing/setup.sh)"

for p in f l; do
	for ns in ${p}r ${p}s ${p}h1 ${p}h2 ${p}h3; do ip netns add $ns; done
	ip -n ${p}r link add p0 type veth peer name h0 netns ${p}s
	for i in 1 2 3; do
		ip -n ${p}r link add p$i type veth peer name hx netns ${p}h$i
	done
	ip -n ${p}r link set p2 mtu 1000
	ip -n ${p}h2 link set hx mtu 1000
	for i in 0 1 2 3; do ip -n ${p}r link set p$i up; done
	ip -n ${p}s link set lo up
	ip -n ${p}s addr add 10.1.0.2/24 dev h0
	ip -n ${p}s link set h0 up
	ip -n ${p}s route add default via 10.1.0.1
	for i in 1 2 3; do
		ip -n ${p}h$i link set lo up
		ip -n ${p}h$i addr add 10.$((i + 1)).0.2/24 dev hx
		ip -n ${p}h$i link set hx up
		ip -n ${p}h$i route add default via 10.$((i + 1)).0.1
	done
done
F="$FERCTL -n fr"
for i in 0 1 2 3; do
	$F port add p$i || fail "port add p$i"
	$F addr add 10.$((i + 1)).0.1/24 dev p$i || fail "addr p$i"
	ip -n lr addr add 10.$((i + 1)).0.1/24 dev p$i
done

# Bad requests change nothing.
$F mroute add source 10.1.0.2 group 239.1.1.1 iif p0 oif p1 && fail "an entry on no VIF"
$F mvif add p0 || fail "mvif add p0"
$F mvif add p0 && fail "p0 twice"
$F mvif add nosuch && fail "mvif on no port"
$F mroute add source 10.1.0.2 group 239.1.1.1 iif p0 oif p1 && fail "an output that is no VIF"
$F mroute del group 239.1.1.1 && fail "deleted what is not there"
[ -z "$($F mroute list)" ] || fail "an entry appeared from refused requests"
$F mvif add p1 || fail "mvif add p1"
$F mvif add p2 || fail "mvif add p2"
$F mvif add p3 threshold 16 || fail "mvif add p3"
$F mroute add source 10.1.0.2 group 239.1.1.1 iif p0 oif p1 oif p2 oif p3 || fail "mroute add"
$F mvif list
$F mroute list | tee /tmp/f.mroute
grep -q '^(10.1.0.2, 239.1.1.1)  Iif: p0  Oifs: p1(ttl 1) p2(ttl 1) p3(ttl 16)$' /tmp/f.mroute ||
	fail "mroute list"

cat > /tmp/smcroute.conf << 'CONF'
phyint p0 enable
phyint p1 enable
phyint p2 enable
phyint p3 enable ttl-threshold 16
mroute from p0 source 10.1.0.2 group 239.1.1.1 to p1 p2 p3
CONF
ip netns exec lr smcrouted -n -N -f /tmp/smcroute.conf -i fer38 -u /tmp/fer38.sock \
	-P /tmp/fer38.pid -l info > /tmp/smcrouted.log 2>&1 &
smc=$!
for i in $(seq 50); do
	ip -n lr mroute show | grep -q 239.1.1.1 && break
	sleep 0.2
done
ip -n lr -s mroute show
ip -n lr mroute show | grep -q 239.1.1.1 || { cat /tmp/smcrouted.log; fail "smcroute installed no entry"; }

# The crafted set: frames on every link and counter deltas.
names="IpExtInMcastPkts IpExtOutMcastPkts IpExtInMcastOctets IpExtOutMcastOctets
IpForwDatagrams IpFragFails IpFragOKs IpFragCreates IpOutTransmits IpInDelivers
UdpIgnoredMulti IpInHdrErrors IpInAddrErrors"
snapshot_counters $names
mkdir -p /tmp/mc
python3 "$here/lib/mcast.py" f /tmp/mc || fail "mcast.py f"
python3 "$here/lib/mcast.py" l /tmp/mc || fail "mcast.py l"
differ=0
for f in /tmp/mc/f.*; do
	c=${f#/tmp/mc/f.}
	if cmp -s "$f" /tmp/mc/l.$c; then
		echo "same $c ($(wc -l < "$f") frames)"
	else
		echo "DIFF $c"; echo "ferroute:"; cat "$f"; echo "linux:"; cat /tmp/mc/l.$c
		differ=$((differ + 1))
	fi
done
[ $differ -eq 0 ] || fail "$differ cases differ from Linux"
# They are not empty where forwarding happens, and empty where it must not.
[ "$(grep -c '^h1 ' /tmp/mc/f.ttl-8)" -eq 1 ] || fail "ttl-8 not forwarded to h1"
[ "$(grep -c '^h3 ' /tmp/mc/f.ttl-17)" -eq 1 ] || fail "ttl-17 not forwarded past threshold 16"
[ ! -s /tmp/mc/f.ttl-1 ] || fail "TTL 1 forwarded"
[ ! -s /tmp/mc/f.wrong-iif ] || fail "wrong-iif forwarded"
[ ! -s /tmp/mc/f.link-local-224.0.0.251 ] || fail "224.0.0.251 forwarded"
grep -q '^h1 R>01:00:5e:01:01:01 45000..c3' /tmp/mc/f.ttl-2 || fail "ttl-2: not the group MAC or TTL not 1"
compare_deltas

entry() { # the packets, bytes and wrong-interface count of an mroute listing
	pk=$(grep -o '[0-9]* packets' "$1" | head -1 | cut -d' ' -f1)
	by=$(grep -o '[0-9]* bytes' "$1" | head -1 | cut -d' ' -f1)
	wr=$(grep -o '[0-9]* arrived on wrong iif' "$1" | head -1 | cut -d' ' -f1)
	echo "${pk:-none} ${by:-none} ${wr:-0}"
}
$F mroute list | tee /tmp/f.mroute
ip -n lr -s mroute show | tee /tmp/l.mroute
echo "entry: ferroute $(entry /tmp/f.mroute) linux $(entry /tmp/l.mroute)"
[ "$(entry /tmp/f.mroute)" = "$(entry /tmp/l.mroute)" ] || fail "entry counters differ from Linux's"
[ "$(entry /tmp/f.mroute | cut -d' ' -f3)" -ge 1 ] || fail "wrong iif not counted"

# Real tools: socat receivers behind both routers, a socat sender.
for p in f l; do
	for i in 1 2 3; do
		rm -f /tmp/$p.rcv$i
		ip netns exec ${p}h$i socat -u \
			UDP4-RECV:5000,ip-add-membership=239.1.1.1:10.$((i + 1)).0.2 \
			OPEN:/tmp/$p.rcv$i,creat,append &
		echo $! >> /tmp/receivers
	done
done
sleep 1
for p in f l; do
	for n in $(seq 10); do
		echo "datagram $n" | ip netns exec ${p}s socat -u - \
			UDP4-DATAGRAM:239.1.1.1:5000,ip-multicast-ttl=8,ip-multicast-if=10.1.0.2
	done
done
sleep 1
kill $(cat /tmp/receivers) 2> /dev/null
for p in f l; do
	for i in 1 2 3; do
		echo "$p h$i: $(cat /tmp/$p.rcv$i 2> /dev/null | wc -l) datagrams"
	done
done
for p in f l; do
	[ "$(wc -l < /tmp/$p.rcv1)" -eq 10 ] || fail "$p: h1 did not get the 10 datagrams"
	[ "$(wc -l < /tmp/$p.rcv2)" -eq 10 ] || fail "$p: h2 did not get the 10 datagrams"
	[ ! -s /tmp/$p.rcv3 ] || fail "$p: h3 got datagrams past threshold 16"
done
$F mvif list
kill $smc
wait $smc 2> /dev/null
cleanup_netns
dmesg_clean || fail "kernel warnings"
echo "PASS"

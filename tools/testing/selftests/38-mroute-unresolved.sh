#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Multicast traffic without an MFC entry (ipmr_cache_unresolved): with
# `ferctl monitor mroute` listening (the daemon's place), the first packet
# of an (S,G) is announced once (IGMPMSG_NOCACHE: "nocache (S, G) iif p0
# vif 0") and its packets wait; an `mroute add` of the (S,G) forwards them
# to a socat receiver. At most 4 wait per (S,G); after 10 s they are gone;
# with nobody listening, nothing waits, as Linux without a daemon.
#
#   s 10.1.0.2 --- p0 [ferroute, ns fr] p1 --- h1 10.2.0.2
. "$(dirname "$0")/lib.sh"
load
for ns in fr s h1; do ip netns add $ns; ip -n $ns link set lo up; done
ip -n fr link add p0 type veth peer name h0 netns s
ip -n fr link add p1 type veth peer name hx netns h1
ip -n fr link set p0 up
ip -n fr link set p1 up
ip -n s addr add 10.1.0.2/24 dev h0
ip -n s link set h0 up
ip -n s route add default via 10.1.0.1
ip -n h1 addr add 10.2.0.2/24 dev hx
ip -n h1 link set hx up
F="ip netns exec fr $FERCTL"
for i in 0 1; do
	$F port add p$i || fail "port add p$i"
	$F addr add 10.$((i + 1)).0.1/24 dev p$i || fail "addr p$i"
	$F mvif add p$i || fail "mvif add p$i"
done

# receive GROUP PORT FILE: a socat receiver on h1.
receive() {
	ip netns exec h1 socat -u UDP4-RECV:$2,ip-add-membership=$1:10.2.0.2 \
		OPEN:$3,creat,append &
	echo $! >> /tmp/receivers
}
# send GROUP PORT N: N datagrams from s, multicast TTL 8.
send() {
	for n in $(seq $3); do
		echo "datagram $n" | ip netns exec s socat -u - \
			UDP4-DATAGRAM:$1:$2,ip-multicast-ttl=8,ip-multicast-if=10.1.0.2
	done
}
lines() { cat "$1" 2> /dev/null | wc -l; }
rm -f /tmp/receivers /tmp/g*.rcv

$F monitor mroute > /tmp/mr.mon 2>&1 &
mon=$!
i=0
until ip netns exec fr awk -v p=$mon '$3 == p && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink; do
	i=$((i + 1)); [ $i -lt 60 ] || fail "ferctl monitor did not join group mroute"
	sleep 0.5
done
receive 239.1.1.1 5001 /tmp/g1.rcv
receive 239.1.1.2 5002 /tmp/g2.rcv
receive 239.1.1.3 5003 /tmp/g3.rcv
receive 239.1.1.4 5004 /tmp/g4.rcv
sleep 1

# Three datagrams wait for their entry, announced once.
send 239.1.1.1 5001 3
sleep 1
[ "$(lines /tmp/g1.rcv)" -eq 0 ] || fail "forwarded without an entry"
$F mroute add source 10.1.0.2 group 239.1.1.1 iif p0 oif p1 || fail "mroute add"
sleep 1
[ "$(lines /tmp/g1.rcv)" -eq 3 ] || fail "the 3 waiting datagrams were not released ($(lines /tmp/g1.rcv))"
$F -s mroute list

# Six sent, four wait (qlen > 3 drops).
send 239.1.1.2 5002 6
$F mroute add source 10.1.0.2 group 239.1.1.2 iif p0 oif p1 || fail "mroute add 2"
sleep 1
[ "$(lines /tmp/g2.rcv)" -eq 4 ] || fail "not 4 of 6 waiting datagrams released ($(lines /tmp/g2.rcv))"

# Expired after 10 s: an entry added later has nothing to release.
send 239.1.1.3 5003 1
sleep 12
$F mroute add source 10.1.0.2 group 239.1.1.3 iif p0 oif p1 || fail "mroute add 3"
sleep 1
[ "$(lines /tmp/g3.rcv)" -eq 0 ] || fail "a datagram outlived its 10 s"

# Nobody listening: nothing waits, nothing is announced.
kill $mon
wait $mon 2> /dev/null
send 239.1.1.4 5004 1
$F mroute add source 10.1.0.2 group 239.1.1.4 iif p0 oif p1 || fail "mroute add 4"
sleep 1
[ "$(lines /tmp/g4.rcv)" -eq 0 ] || fail "queued without a listener"
# Entries forward what comes next.
send 239.1.1.4 5004 2
sleep 1
[ "$(lines /tmp/g4.rcv)" -eq 2 ] || fail "the entry did not forward"
kill $(cat /tmp/receivers) 2> /dev/null

cat /tmp/mr.mon
[ "$(grep -c 'nocache (10.1.0.2, 239.1.1.1) iif p0 vif 0' /tmp/mr.mon)" -eq 1 ] ||
	fail "not one upcall for 239.1.1.1"
[ "$(grep -c 'nocache (10.1.0.2, 239.1.1.2) iif p0 vif 0' /tmp/mr.mon)" -eq 1 ] ||
	fail "not one upcall for 239.1.1.2"
grep -q '239.1.1.4' /tmp/mr.mon && fail "an upcall after the listener left"
# An unprivileged user cannot join the upcalls (CAP_NET_ADMIN).
ip netns exec fr setpriv --reuid=65534 --regid=65534 --clear-groups $FERCTL monitor mroute \
	> /tmp/unpriv 2>&1 && fail "unprivileged monitor mroute ran"
cat /tmp/unpriv
grep -q 'Operation not permitted' /tmp/unpriv || fail "no EPERM for an unprivileged join"
cleanup_netns
dmesg_clean || fail "kernel warnings"
unload

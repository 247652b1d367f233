#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Multicast traffic without an MFC entry (ipmr_cache_unresolved), through
# ferroute and through Linux's ipmr with a daemon that answers upcalls
# only when the test says (lib/mrd.py: MRT_INIT, MRT_ADD_VIF,
# MRT_ADD_MFC): with `ferctl monitor mroute` listening (the daemon's
# place), the first packet of an (S,G) is announced once (IGMPMSG_NOCACHE:
# "nocache (S, G) iif p0 vif 0", the daemon's "nocache (S, G) vif 0") and
# its packets wait; adding the (S,G) entry forwards them to a socat
# receiver. At most 4 wait per (S,G); after 10 s they are gone. Each step
# gives the same datagram counts through both routers, and the same
# upcalls. With nobody listening, nothing waits in ferroute (Linux without
# a daemon has no multicast routing at all: closing the socket deletes the
# VIFs and entries, so that step is ferroute's alone).
#
#   fs 10.1.0.2 --- p0 [ferroute, ns fr] p1 --- fh 10.2.0.2
#   ls 10.1.0.2 --- p0 [Linux ipmr, ns lr] p1 --- lh 10.2.0.2
. "$(dirname "$0")/lib.sh"
load
for p in f l; do
	for ns in ${p}r ${p}s ${p}h; do ip netns add $ns; ip -n $ns link set lo up; done
	ip -n ${p}r link add p0 type veth peer name h0 netns ${p}s
	ip -n ${p}r link add p1 type veth peer name hx netns ${p}h
	ip -n ${p}r link set p0 up
	ip -n ${p}r link set p1 up
	ip -n ${p}s addr add 10.1.0.2/24 dev h0
	ip -n ${p}s link set h0 up
	ip -n ${p}s route add default via 10.1.0.1
	ip -n ${p}h addr add 10.2.0.2/24 dev hx
	ip -n ${p}h link set hx up
done
ip -n lr addr add 10.1.0.1/24 dev p0
ip -n lr addr add 10.2.0.1/24 dev p1
F="$FERCTL -n fr"
for i in 0 1; do
	$F port add p$i || fail "port add p$i"
	$F addr add 10.$((i + 1)).0.1/24 dev p$i || fail "addr p$i"
	$F mvif add p$i || fail "mvif add p$i"
done

# receive GROUP PORT NAME: a socat receiver behind each router, into
# /tmp/fNAME.rcv and /tmp/lNAME.rcv.
receive() {
	for p in f l; do
		ip netns exec ${p}h socat -u UDP4-RECV:$2,ip-add-membership=$1:10.2.0.2 \
			OPEN:/tmp/$p$3.rcv,creat,append &
		echo $! >> /tmp/receivers
	done
}
# send P GROUP PORT N: N datagrams from P's sender, multicast TTL 8, from
# one process (a socat each was too slow on a loaded machine: the first
# ones waited out their 10 s before the last was sent).
send1() {
	ip netns exec $1s python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.1.0.2"))
for n in range(int(sys.argv[3])):
    s.sendto(b"datagram %d\n" % n, (sys.argv[1], int(sys.argv[2])))
' "$2" "$3" "$4" || fail "send to $2"
}
# send GROUP PORT N: through both routers at once.
send() {
	send1 f "$@" &
	send1 l "$@"
	wait $!
}
lines() { cat "$1" 2> /dev/null | wc -l; }
# got NAME N WHAT: both receivers got N datagrams.
got() {
	nf=$(lines /tmp/f$1.rcv)
	nl=$(lines /tmp/l$1.rcv)
	echo "$1: ferroute $nf, linux $nl, want $2"
	[ "$nf" -eq "$2" ] && [ "$nl" -eq "$2" ] || fail "$3 (ferroute $nf, linux $nl, want $2)"
}
# add GROUP: the (10.1.0.2, GROUP) entry from p0 (VIF 0) to p1 (VIF 1) in
# both routers.
add() {
	$F mroute add source 10.1.0.2 group $1 iif p0 oif p1 || fail "mroute add $1"
	echo "add 10.1.0.2 $1 0 1" >&3
}
rm -f /tmp/receivers /tmp/[fl]g*.rcv /tmp/mrd.in
mkfifo /tmp/mrd.in
ip netns exec lr python3 "$root/tools/testing/selftests/lib/mrd.py" p0 p1 \
	< /tmp/mrd.in > /tmp/mrd.out 2>&1 &
mrd=$!
exec 3> /tmp/mrd.in
i=0
until grep -q ready /tmp/mrd.out; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "mrd.py did not start: $(cat /tmp/mrd.out)"
	sleep 0.2
done

$F monitor mroute > /tmp/mr.mon 2>&1 &
mon=$!
i=0
until ip netns exec fr awk -v p=$mon '$3 == p && $4 != "00000000" { f = 1 } END { exit !f }' /proc/net/netlink; do
	i=$((i + 1)); [ $i -lt 60 ] || fail "ferctl monitor did not join group mroute"
	sleep 0.5
done
receive 239.1.1.1 5001 g1
receive 239.1.1.2 5002 g2
receive 239.1.1.3 5003 g3
receive 239.1.1.4 5004 g4
sleep 1

# Three datagrams wait for their entry, announced once.
send 239.1.1.1 5001 3
sleep 1
got g1 0 "forwarded without an entry"
add 239.1.1.1
sleep 1
got g1 3 "the 3 waiting datagrams were not released"
$F -s mroute list
ip -n lr -s mroute

# Six sent, four wait (qlen > 3 drops).
send 239.1.1.2 5002 6
add 239.1.1.2
sleep 1
got g2 4 "not 4 of 6 waiting datagrams released"

# Expired after 10 s: an entry added later has nothing to release.
send 239.1.1.3 5003 1
sleep 12
add 239.1.1.3
sleep 1
got g3 0 "a datagram outlived its 10 s"
# The same upcalls: one per (S,G).
echo quit >&3
exec 3>&-
wait $mrd
cat /tmp/mrd.out
sed -n 's/^nocache \(.*\) iif p0 \(vif .*\)$/\1 \2/p' /tmp/mr.mon | sort > /tmp/f.up
sed -n 's/^nocache \(.*\)$/\1/p' /tmp/mrd.out | sort > /tmp/l.up
diff /tmp/f.up /tmp/l.up || fail "the upcalls differ (ferroute -, linux +)"
[ "$(wc -l < /tmp/f.up)" -eq 3 ] || fail "not 3 upcalls: $(cat /tmp/f.up)"

# Nobody listening: nothing waits, nothing is announced.
kill $mon
wait $mon 2> /dev/null
send1 f 239.1.1.4 5004 1
$F mroute add source 10.1.0.2 group 239.1.1.4 iif p0 oif p1 || fail "mroute add 4"
sleep 1
[ "$(lines /tmp/fg4.rcv)" -eq 0 ] || fail "queued without a listener"
# Entries forward what comes next.
send1 f 239.1.1.4 5004 2
sleep 1
[ "$(lines /tmp/fg4.rcv)" -eq 2 ] || fail "the entry did not forward"
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

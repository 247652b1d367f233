# SPDX-License-Identifier: GPL-2.0
# Route churn under traffic (sourced by 46-route-churn.sh and
# 96-route-churn-long.sh with UPDATES set). ferroute in the init namespace:
#
#   h1 10.1.0.2 --fer1-- 10.1.0.1 [ferroute] 10.2.0.1 --veth-- 10.2.0.2 h2
#                                            10.3.0.1 --veth-- 10.3.0.2 h3
#
# h2 and h3 both hold 10.50.0.1 and 10.60.0.1 on lo. 10.50.0.0/16 via
# 10.2.0.2 never changes: a ping from h1 to 10.50.0.1 every 5 ms must
# lose nothing while, from `ferctl -batch` files, UPDATES route updates run:
# adds, replaces (another gateway, a multipath route over both) and
# deletes of 10.100-10.199/16 subnets, and replaces and deletes of the
# route in use by a second flow (10.60.0.0/16: via h2, via h3, multipath
# over both, gone and back).
#
# The misrouting check: churnflow.py sends numbered UDP datagrams from h1
# (10.1.0.2-5) to 10.50.0.9, 10.60.0.9 (twice as often) and the churned
# /24 whose update is under way (nltime.so counts ferctl's sends); tcpdump on h2's and h3's veth
# records which arrived where and when, tcpdump on h1's fer1 the ICMP
# errors that came back; out/nltime.so (LD_PRELOAD) times ferctl's
# netlink sends, inside which the kernel publishes each update. All on
# the VM's one clock. churncheck.py then asserts that every datagram to
# the unchanged prefix arrived, once, at h2; that a churned prefix's
# datagram arrived at most once, at a next hop of a version of its route
# that may have been current between its send and its arrival (the
# tolerance: or of the version just before those; the figures say how
# many needed it), never while it had no route; that an ICMP net
# unreachable came only for one sent while it may have had none. And
# here, that the router counted those drops (InNoRoutes). CHURN_KEEP=DIR
# keeps the records in DIR.
#
# Then: no oops or warning, the churned routes are all gone, the table's
# route count and slab memory are back near where they were, and the
# second flow works again. Prints the updates done, their rate, the pings
# counted and the check's figures.
. "$(dirname "$0")/lib.sh"
UPDATES=${UPDATES:-5000}
# churnflow.py's datagrams a second at most (a quarter each to 10.50.0.9
# and the /24s, half to 10.60.0.9; Python under TCG manages about 100).
FLOW_RATE=${FLOW_RATE:-200}
load
dmesg_mark
for ns in h1 h2 h3; do ip netns add $ns; ip -n $ns link set lo up; done
ip link add fer1 type ferroute || fail "ip link add fer1"
ferctl addr add 10.1.0.1/24 dev fer1 || fail "addr fer1"
ip link set fer1 netns h1
ip -n h1 addr add 10.1.0.2/24 dev fer1
ip -n h1 link set fer1 up
ip -n h1 route add default via 10.1.0.1
for n in 2 3; do
	ip link add va$n type veth peer name vb netns h$n
	ip link set va$n up
	ferctl port add va$n || fail "port add va$n"
	ferctl addr add 10.$n.0.1/24 dev va$n || fail "addr va$n"
	ip -n h$n addr add 10.$n.0.2/24 dev vb
	ip -n h$n link set vb up
	ip -n h$n route add default via 10.$n.0.1
	ip -n h$n addr add 10.50.0.1/32 dev lo
	ip -n h$n addr add 10.60.0.1/32 dev lo
done
ferctl route add 10.50.0.0/16 via 10.2.0.2 || fail "the steady route"
ferctl route add 10.60.0.0/16 via 10.2.0.2 || fail "the churned route"
ip netns exec h1 ping -c 1 -W 3 10.50.0.1 > /dev/null || fail "steady ping"
ip netns exec h1 ping -c 1 -W 3 10.60.0.1 > /dev/null || fail "churned ping"
ip netns exec h3 ping -c 1 -W 3 10.3.0.1 > /dev/null || fail "h3 ping"
routes0=$(ferctl route list | wc -l)
slab() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }

# The updates, in batch files of 1,000 lines ($d/batch.N): for each k,
# one of the 100 x 256 /24s of 10.100-10.199 is added, replaced by a multipath
# route, replaced by a route via h3, deleted; every 8th k the route in
# use by the second flow changes.
d=/tmp/churn
rm -rf $d
mkdir -p $d
awk -v n="$UPDATES" -v d=$d 'BEGIN {
	u = 0; k = 0; f = 0
	while (u < n) {
		p = sprintf("10.%d.%d.0/24", 100 + k % 100, int(k / 100) % 256)
		line[++f] = "route add " p " via 10.2.0.2"
		line[++f] = "route replace " p " nexthop via 10.2.0.2 dev va2 nexthop via 10.3.0.2 dev va3"
		line[++f] = "route replace " p " via 10.3.0.2"
		line[++f] = "route del " p
		u += 4
		if (k % 8 == 0) {
			m = (k / 8) % 4
			if (m == 0) line[++f] = "route replace 10.60.0.0/16 via 10.3.0.2"
			if (m == 1) line[++f] = "route replace 10.60.0.0/16 nexthop via 10.2.0.2 dev va2 nexthop via 10.3.0.2 dev va3"
			if (m == 2) { line[++f] = "route del 10.60.0.0/16"; line[++f] = "route add 10.60.0.0/16 via 10.2.0.2"; u++ }
			if (m == 3) line[++f] = "route replace 10.60.0.0/16 via 10.2.0.2"
			u++
		}
		k++
	}
	line[++f] = "route replace 10.60.0.0/16 via 10.2.0.2"
	for (i = 1; i <= f; i++) print line[i] > (d "/batch." int((i - 1) / 1000))
	print f > (d "/count")
}'
lines=$(cat $d/count)
nltime=$root/out/nltime.so
[ -f $nltime ] || fail "no $nltime (make selftest-bins)"
head -c 8 /dev/zero > $d/sends
slab0=$(slab)

# The captures: only datagrams of churnflow.py (UDP port 9999) on the next
# hops, only ICMP errors on h1.
for n in 2 3; do
	ip netns exec h$n tcpdump -i vb -n -s 96 -B 16384 -Z root -w $d/h$n.pcap \
		udp dst port 9999 2> $d/h$n.err &
	eval cap$n=\$!
done
ip netns exec h1 tcpdump -i fer1 -n -s 128 -B 4096 -Z root -w $d/h1.pcap \
	'icmp[0] == 3' 2> $d/h1.err &
cap1=$!
for n in 1 2 3; do
	i=0
	until grep -q 'listening on' $d/h$n.err; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "tcpdump on h$n did not start: $(cat $d/h$n.err)"
		sleep 0.1
	done
done
for a in 3 4 5; do ip -n h1 addr add 10.1.0.$a/24 dev fer1; done

# The router's counters of what it did not forward for want of a route,
# and of the errors it sent or held back.
counters="IpExtInNoRoutes IcmpOutDestUnreachs IcmpOutRateLimitHost IcmpOutRateLimitGlobal"
c0=$(for c in $counters; do counter $c; done)

# The steady flow: a ping every 5 ms until the churn is done; the second
# flow alongside, and the numbered datagrams.
ip netns exec h1 ping -q -i 0.005 -W 2 10.50.0.1 > /tmp/steady.out 2>&1 &
p1=$!
ip netns exec h1 ping -q -i 0.01 -W 1 10.60.0.1 > /tmp/churned.out 2>&1 &
p2=$!
ip netns exec h1 python3 $(dirname "$0")/lib/churnflow.py $d/flow.log $FLOW_RATE 9999 \
	10.50.0.9 10.60.0.9 follow:$d 10.60.0.9 > $d/flow.out 2>&1 &
p3=$!
sleep 1
t0=$(date +%s.%N)
peak=$slab0
for f in $(ls $d/batch.* | sort -t. -k2 -n); do
	# When each netlink send and receive began and returned; one line a
	# request (FERCTL_BATCH_ROUTES=1: no route-add-batch), so that each
	# update has its own publication window.
	FERCTL_BATCH_ROUTES=1 NLTIME_LOG=$d/trace.${f##*.} NLTIME_COUNT=$d/sends LD_PRELOAD=$nltime \
		"$FERCTL" -batch "$f" || fail "batch $f"
	s=$(slab)
	[ "$s" -gt "$peak" ] && peak=$s
done
t1=$(date +%s.%N)
sleep 1
kill -INT $p1 $p2 $p3
wait $p1 $p2 $p3
sleep 1
c1=$(for c in $counters; do counter $c; done)
kill -INT $cap1 $cap2 $cap3
wait $cap1 $cap2 $cap3
cat /tmp/steady.out /tmp/churned.out $d/flow.out
for n in 1 2 3; do
	drops=$(awk '/packets dropped by kernel/ { print $1 }' $d/h$n.err)
	[ "${drops:-x}" = 0 ] || fail "tcpdump on h$n: $(cat $d/h$n.err)"
done
python3 $(dirname "$0")/lib/churncheck.py $d 9999 > $d/check.out 2>&1
check=$?
[ -n "${CHURN_KEEP:-}" ] && cp -r $d "$CHURN_KEEP"
cat $d/check.out
echo "router counters over the flows:" $(echo $counters $c0 $c1 | awk '{
	for (i = 1; i <= 4; i++) printf "%s +%d%s", $i, $(i + 8) - $(i + 4), i < 4 ? ", " : ""
}') | tee -a $d/check.out
[ $check = 0 ] || fail "the misrouting check failed"
# What was not forwarded for want of a route was counted (the pings to
# 10.60.0.1 add their own).
noroute=$(awk '$1 == "churncheck-noroute" { print $2 }' $d/check.out)
innoroutes=$(echo $c0 $c1 | awk '{ print $5 - $1 }')
[ "$innoroutes" -ge "$noroute" ] ||
	fail "$noroute datagrams dropped for want of a route, InNoRoutes +$innoroutes"
# The pings to 10.60.0.1 that got no answer: the rest of InNoRoutes is
# theirs.
echo "churned ping: $(awk '/packets transmitted/ { print $1 - $4 }' /tmp/churned.out) unanswered" \
	"($(awk '/packets transmitted/ { print $7 == "errors," ? $6 + 0 : 0 }' /tmp/churned.out)" \
	"by ICMP errors); InNoRoutes beyond the datagrams' $((innoroutes - noroute))" | tee -a $d/check.out
sent=$(awk '/packets transmitted/ { print $1 }' /tmp/steady.out)
got=$(awk '/packets transmitted/ { print $4 }' /tmp/steady.out)
[ -n "$sent" ] && [ "$sent" -gt 100 ] || fail "the steady flow did not run ($sent)"
# An interrupted ping may have its last request in flight.
[ "$got" -ge $((sent - 1)) ] || fail "the unchanged prefix lost $((sent - got)) of $sent pings"
dmesg_clean || fail "the kernel log shows a problem"
ferctl route list | grep -q '^10\.1[0-9][0-9]\.' && fail "churned routes left over"
routes1=$(ferctl route list | wc -l)
[ "$routes1" = "$routes0" ] || fail "route count $routes1, was $routes0"
ip netns exec h1 ping -c 2 -W 3 10.60.0.1 > /dev/null || fail "the churned prefix does not work after the churn"
ip netns exec h1 ping -c 2 -W 3 10.50.0.1 > /dev/null || fail "the steady prefix does not work after the churn"
sleep 2
slab1=$(slab)
echo "slab: before $slab0 kB, peak during churn $peak kB, after $slab1 kB"
# Under KASAN (make check-kasan sets KASAN=1) freed objects wait in its
# quarantine (mm/kasan/quarantine.c, up to 1/32 of memory) before the
# slab gets them back: 8 MB more is allowed there.
tol=2048
[ "${KASAN:-0}" = 1 ] && tol=$((tol + 8192))
[ "$slab1" -le $((slab0 + tol)) ] || fail "slab grew by $((slab1 - slab0)) kB"
cleanup_netns
unload
dmesg_clean || fail "the kernel log shows a problem after rmmod"
echo "churn: $lines route updates in $(echo "$t1 - $t0" | bc) s under traffic; steady flow $got of $sent pings answered"
grep -E '^(churncheck: [a-z0-9]|router counters|churned ping)' $d/check.out | grep -v 'lost while routed:' 

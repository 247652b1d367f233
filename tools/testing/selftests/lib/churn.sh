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
# over both, gone and back). Then: no oops or warning, the churned routes
# are all gone, the table's route count and slab memory are back near
# where they were, and the second flow works again. Prints the updates
# done, their rate, and the pings counted.
. "$(dirname "$0")/lib.sh"
UPDATES=${UPDATES:-5000}
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

# The updates, in batch files of 1,000 lines: for each k, one of the
# 100 x 256 /24s of 10.100-10.199 is added, replaced by a multipath
# route, replaced by a route via h3, deleted; every 8th k the route in
# use by the second flow changes.
awk -v n="$UPDATES" 'BEGIN {
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
	for (i = 1; i <= f; i++) print line[i] > ("/tmp/churn." int((i - 1) / 1000))
	print f > "/tmp/churn.count"
}'
lines=$(cat /tmp/churn.count)
slab0=$(slab)

# The steady flow: a ping every 5 ms until the churn is done; the second
# flow alongside.
ip netns exec h1 ping -q -i 0.005 -W 2 10.50.0.1 > /tmp/steady.out 2>&1 &
p1=$!
ip netns exec h1 ping -q -i 0.01 -W 1 10.60.0.1 > /tmp/churned.out 2>&1 &
p2=$!
sleep 1
t0=$(date +%s.%N)
peak=$slab0
for f in $(ls /tmp/churn.* | grep -v count | sort -t. -k2 -n); do
	ferctl -batch "$f" || fail "batch $f"
	s=$(slab)
	[ "$s" -gt "$peak" ] && peak=$s
done
t1=$(date +%s.%N)
sleep 1
kill -INT $p1 $p2
wait $p1 $p2
cat /tmp/steady.out /tmp/churned.out
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
[ "$slab1" -le $((slab0 + 2048)) ] || fail "slab grew by $((slab1 - slab0)) kB"
cleanup_netns
unload
dmesg_clean || fail "the kernel log shows a problem after rmmod"
echo "churn: $lines route updates in $(echo "$t1 - $t0" | bc) s under traffic; steady flow $got of $sent pings answered"

# SPDX-License-Identifier: GPL-2.0
# Bounded memory under floods (sourced by 45-floods.sh and
# 95-floods-long.sh with NEIGH_PACKETS, FRAG_PACKETS, TTL_PACKETS set).
# The same topology twice, routed by ferroute (namespaces fr, fh1, fh2)
# and by Linux (lr, lh1, lh2):
#
#   h1 10.1.0.2 --veth-- 10.1.0.1 [router] 10.99.0.1/16 --veth-- h2 (no address)
#
# Nobody answers ARP on the /16. Floods from h1, as fast as a packet
# socket sends (lib/flood.py), each through ferroute, then Linux:
#   1. fragments that never complete, to the router's own address:
#      reassembly memory stays within ipfrag_high_thresh (4 MiB, plus the
#      fragment that crossed it), the rest are refused (ReasmFails), and
#      it all expires after ipfrag_time (30 s);
#   2. UDP to random addresses of the /16: neighbour entries stay within
#      gc_thresh3 (1024, Linux's default with gc_thresh2 512 and
#      gc_thresh1 128), forced collections make room once resolutions
#      fail (arp_cache.forced_gc_runs), table_fulls counts what could
#      not wait (through Linux too with LINUX_NEIGH=1, as make stress
#      does);
#   3. an ICMP error storm: TTL-1 datagrams from one source: time
#      exceeded errors stay within the per-peer limit (icmp_ratelimit
#      1 s, burst 6: at most 6 + seconds + 1).
# Then the kernel log is clean, the neighbour entries flushed by
# detaching the port, the fragments expired, and slab memory
# (/proc/meminfo Slab) back within 1 MiB of its baseline. Prints the
# peak neighbour entries and fragment bytes of both routers.
. "$(dirname "$0")/lib.sh"
NEIGH_PACKETS=${NEIGH_PACKETS:-6000}
# The same neighbour flood through Linux (LINUX_NEIGH=1) doubles its time.
LINUX_NEIGH=${LINUX_NEIGH:-0}
T0=$(date +%s)
at() { echo "($(($(date +%s) - T0)) s)"; }
FRAG_PACKETS=${FRAG_PACKETS:-5000}
TTL_PACKETS=${TTL_PACKETS:-5000}
flood=$root/tools/testing/selftests/lib/flood.py
load
dmesg_mark
for ns in fr fh1 fh2 lr lh1 lh2; do ip netns add $ns; ip -n $ns link set lo up; done
for p in f l; do
	ip -n ${p}r link add va1 type veth peer name vb1 netns ${p}h1
	ip -n ${p}r link add va2 type veth peer name vb2 netns ${p}h2
	ip -n ${p}r link set va1 up
	ip -n ${p}r link set va2 up
	ip -n ${p}h1 addr add 10.1.0.2/24 dev vb1
	ip -n ${p}h1 link set vb1 up
	ip -n ${p}h1 route add default via 10.1.0.1
	ip -n ${p}h2 link set vb2 up
done
"$FERCTL" -n fr port add va1 || fail "port add va1"
"$FERCTL" -n fr port add va2 || fail "port add va2"
"$FERCTL" -n fr addr add 10.1.0.1/24 dev va1 || fail "addr va1"
"$FERCTL" -n fr addr add 10.99.0.1/16 dev va2 || fail "addr va2"
ip -n lr addr add 10.1.0.1/24 dev va1
ip -n lr addr add 10.99.0.1/16 dev va2
ip netns exec lr sysctl -qw net.ipv4.ip_forward=1
for p in f l; do
	ip netns exec ${p}h1 ping -c 1 -W 3 10.1.0.1 > /dev/null || fail "$p: ping the router"
done
rmac() { ip -n $1h1 neigh show 10.1.0.1 | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
fmac=$(rmac f)
lmac=$(rmac l)
[ -n "$fmac" ] && [ -n "$lmac" ] || fail "no router MAC"
gc=$(sysctl -n net.ipv4.neigh.default.gc_thresh1 net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3 | tr '\n' ' ')
[ "$gc" = "128 512 1024 " ] || fail "Linux's gc_thresh are not the defaults: $gc"
slab() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }
fc() { ncounter fr "$1"; }
# Linux's neighbour entries (arp_tbl is shared by every namespace: the
# table-wide count of /proc/net/stat/arp_cache, hex, first column).
lentries() { printf '%d\n' 0x$(awk 'NR == 2 { print $1 }' /proc/net/stat/arp_cache); }
# lsum COLUMN: a per-CPU column of /proc/net/stat/arp_cache, summed.
lsum() {
	t=0
	for v in $(awk -v c="$1" 'NR > 1 { print $c }' /proc/net/stat/arp_cache); do
		t=$((t + 0x$v))
	done
	echo $t
}
lfrag() { ip netns exec lr awk '$1 == "FRAG:" { print $5 }' /proc/net/sockstat; }
# sample CMD: prints CMD's largest value, read every 0.2 s until
# /tmp/sampling goes.
sample() {
	max=0
	while [ -e /tmp/sampling ]; do
		v=$("$@")
		[ "${v:-0}" -gt "$max" ] && max=$v
		sleep 0.2
	done
	echo $max
}
# during P KIND DST N CMD: flood KIND from P's h1 while sampling CMD;
# sets $peak and $line.
during() {
	mac=$fmac
	[ $1 = l ] && mac=$lmac
	touch /tmp/sampling
	shift_args="$2 vb1 $mac 10.1.0.2 $3 $4"
	( sample $5 > /tmp/peak ) &
	sp=$!
	line=$(ip netns exec $1h1 python3 "$flood" $shift_args) || fail "$1: flood $2"
	sleep 1
	rm /tmp/sampling
	wait $sp
	peak=$(cat /tmp/peak)
}
base=$(slab)
echo "slab before: $base kB"

echo "== fragments that never complete: $FRAG_PACKETS $(at)"
f0=$(fc IpReasmFails)
during f frag 10.1.0.1 $FRAG_PACKETS "fc FerFragMemory"
fpeak=$(fc FerFragPeakMemory)
frefused=$(($(fc IpReasmFails) - f0))
echo "ferroute: $line, peak fragment memory $fpeak bytes (sampled $peak), $(fc FerFragQueues) datagrams queued, $frefused refused"
# What inet_frag_find allows: up to high_thresh, plus the fragment that
# crossed it (a frame's truesize is well under 64 KiB).
[ "$fpeak" -le $((4194304 + 65536)) ] || fail "fragment memory $fpeak above ipfrag_high_thresh"
[ "$fpeak" -ge 4000000 ] || fail "the flood did not reach ipfrag_high_thresh ($fpeak)"
[ "$frefused" -gt 0 ] || fail "no fragment refused at ipfrag_high_thresh"
fexp_start=$(date +%s)
during l frag 10.1.0.1 $FRAG_PACKETS lfrag
lfpeak=$peak
echo "linux:    $line, peak fragment memory $lfpeak bytes (sampled)"
slab_frag=$(slab)

echo "== neighbour flood: $NEIGH_PACKETS datagrams to random addresses of 10.99.0.0/16 $(at)"
during f neigh 10.99.0.0 $NEIGH_PACKETS "fc arp_cache.entries"
npeak=$(fc arp_cache.peak_entries)
echo "ferroute: $line, peak entries $npeak (sampled $peak), now $(fc arp_cache.entries)," \
	"allocs $(fc arp_cache.allocs) destroys $(fc arp_cache.destroys)" \
	"forced_gc_runs $(fc arp_cache.forced_gc_runs) table_fulls $(fc arp_cache.table_fulls)"
[ "$npeak" -le 1024 ] || fail "ferroute held $npeak neighbour entries, above gc_thresh3"
[ "$npeak" -ge 1000 ] || fail "the flood did not reach gc_thresh3 ($npeak)"
[ "$(fc arp_cache.forced_gc_runs)" -gt 0 ] || fail "no forced collection"
slab_neigh=$(slab)
lnpeak=-
if [ "$LINUX_NEIGH" = 1 ]; then
	during l neigh 10.99.0.0 $NEIGH_PACKETS lentries
	lnpeak=$peak
	echo "linux:    $line, peak entries $lnpeak (sampled), table_fulls $(lsum 13)," \
		"forced_gc_runs $(lsum 11)"
fi

# The failed resolutions of the neighbour flood send host unreachable
# errors to h1 for a few seconds more, from the same per-peer bucket:
# wait until they stop, then until the bucket is full again (Linux's
# inet_peer_xrlim_allow refills one token a second up to 6).
n=0
u0=-1
while [ $n -lt 30 ]; do
	u=$(($(fc IcmpOutDestUnreachs) + $(fc IcmpOutRateLimitHost)))
	[ "$u" = "$u0" ] && break
	u0=$u
	n=$((n + 1))
	sleep 2
done
sleep 7
echo "== ICMP error storm: $TTL_PACKETS TTL-1 datagrams from one source $(at)"
t0=$(fc IcmpOutTimeExcds)
h0=$(fc IcmpOutRateLimitHost)
during f ttl 10.99.0.7 $TTL_PACKETS "echo 0"
secs=$(echo "$line" | awk '{ printf "%d", $4 + 2 }')
errs=$(($(fc IcmpOutTimeExcds) - t0))
echo "ferroute: $line, $errs time exceeded errors, $(($(fc IcmpOutRateLimitHost) - h0)) limited (per peer)"
[ "$errs" -ge 6 ] || fail "fewer errors ($errs) than the burst"
[ "$errs" -le $((6 + secs)) ] || fail "$errs errors in $secs s exceed the per-peer limit"
lt0=$(ip netns exec lr nstat -az IcmpOutTimeExcds | awk '$1 == "IcmpOutTimeExcds" { print $2 }')
during l ttl 10.99.0.7 $TTL_PACKETS "echo 0"
lt1=$(ip netns exec lr nstat -az IcmpOutTimeExcds | awk '$1 == "IcmpOutTimeExcds" { print $2 }')
echo "linux:    $line, $((lt1 - lt0)) time exceeded errors"

dmesg_clean || fail "the kernel log shows a problem"
# Fragments expire ipfrag_time (30 s) after their queue was created.
while [ $(($(date +%s) - fexp_start)) -lt 32 ]; do sleep 1; done
[ "$(fc FerFragMemory)" = 0 ] || fail "fragments did not expire: $(fc FerFragMemory) bytes"
[ "$(fc FerFragQueues)" = 0 ] || fail "fragment queues did not expire"
"$FERCTL" -n fr port del va2 || fail "port del va2"
# What is left is h1's entry on va1.
"$FERCTL" -n fr neigh list
[ "$(fc arp_cache.entries)" = 1 ] || fail "neighbour entries left: $(fc arp_cache.entries)"
ip netns exec fh1 ping -c 1 -W 3 10.1.0.1 > /dev/null || fail "ping after the floods"
cleanup_netns
sleep 2
after=$(slab)
echo "$(at) slab: before $base kB, after fragments $slab_frag kB, after neighbours $slab_neigh kB, at the end $after kB"
[ "$after" -le $((base + 1024)) ] || fail "slab grew by $((after - base)) kB"
unload
dmesg_clean || fail "the kernel log shows a problem after rmmod"
echo "floods: peak neighbour entries ferroute $npeak linux $lnpeak (gc_thresh3 1024);" \
	"peak fragment bytes ferroute $fpeak linux $lfpeak (ipfrag_high_thresh 4194304);" \
	"ICMP errors ferroute $errs of $TTL_PACKETS"

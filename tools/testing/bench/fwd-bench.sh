#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fwd-bench.sh [DIR]: the forwarding benchmark of `make bench`, run inside
# the VM (tools/testing/vm-run, 2 vCPUs, the bench kernel). DIR holds
# ip.batch and ferroute.batch from gen-table.py (`route add P/L dev d0`);
# without it the table case is skipped.
#
# The same topology twice, routed once by ferroute (namespaces fg, fr, fs)
# and once by Linux's ip_forward (lg, lr, ls):
#
#   [gen] g0 10.1.0.2/16 --- ri 10.1.0.1/16 [router] ro 10.2.0.1/24 --- s0 10.2.0.2 [sink]
#                                                    ro2 10.3.0.1/24 --- s1 10.3.0.2
#
# All links are veth pairs. ferroute's router has ri, ro and ro2 attached
# as ports (ferctl port add, addresses by ferctl); Linux's has them as
# plain interfaces with ip_forward=1.
#
# Generator: the kernel's pktgen (pktgen.ko of the booted kernel's build
# tree), its thread kpktgend_0 on CPU 0, sending UDP (port 9 to 9) on g0 to
# ri's MAC as fast as it can (delay 0, count 0, stopped after the window).
# Router: ri steers its packets to CPU 1 (RPS, rps_cpus 2), so the router
# and the generator do not share a CPU and both routers get the same
# offered load: what pktgen on CPU 0 manages to send. The router's work
# (receive, route, forward, transmit on ro) runs in CPU 1's softirq; when
# it is slower than the generator, ri's backlog fills and the excess is
# dropped there (counted as g0's tx_dropped).
# Sink: s0/s1 drop every IPv4 packet at their tc ingress hook (matchall,
# action drop; ARP passes so next hops resolve); what the router forwarded
# is s0's and s1's rx_packets (a veth counts its peer's transmits).
#
# Per run: pktgen starts, 1 s of warm-up, then a window of BENCH_FWD_SECS
# seconds (default 5) between two readings of the counters:
#   offered   = (g0 tx_packets + g0 tx_dropped) delta / window
#   forwarded = (s0 + s1 rx_packets) delta / window
#   loss      = 1 - forwarded / offered
# Each case runs BENCH_FWD_REPS times (default 5) for each router,
# alternating ferroute and Linux; the median and the range (min-max) are
# printed.
#
# Cases (pkt_size is the frame without FCS: 60 is a 64-byte frame):
#   one route, 64 B     dst 198.18.0.1, route 198.18.0.0/15 via 10.2.0.2
#   1500 B              the same, 1514-byte frames (1500-byte IP packets)
#   multipath, 64 B     1,000 flows (sources 10.1.0.10-10.1.3.241) to
#                       198.20.0.1, route 198.20.0.0/16 with next hops
#                       10.2.0.2 (ro) and 10.3.0.2 (ro2); the split is shown
#   table, 64 B         DIR's table loaded into both (each route via
#                       10.2.0.2) plus a default route via 10.2.0.2;
#                       destinations uniformly random in 128.0.0.0 -
#                       223.255.255.255 (pktgen IPDST_RND)
#   NAPI lists, 64 B    one route, but ri receives through veth's NAPI
#                       (GRO on at ri, TSO off at g0), run by a NAPI
#                       thread pinned to CPU 1 instead of RPS: the frames
#                       reach the router in lists (netif_receive_skb_list:
#                       ip_list_rcv for Linux, the packet_type list_func
#                       for ferroute), which RPS's backlog never makes
#
# BENCH_FWD_CASES (default "one big mpath lists table") runs only the
# cases it names; BENCH_FWD_PROFILE_CASE (default one) is the case the
# profile (BENCH_FWD_PROFILE=1) is taken of.
#
# Prints a table (ferroute, Linux, ferroute/Linux per case: the ratio of
# the medians, and the median and range of the ratios of each pair of runs
# made back to back) and leaves
# "fwd_ratio R" (the one-route 64 B case) in $VM_OUT/fwd-bench.ratio.
set -u
dir=${1:-}
root=$PWD
FERCTL=${FERCTL:-$root/target/release/ferctl}
MODULE=${MODULE:-$root/ferroute.ko}
reps=${BENCH_FWD_REPS:-5}
cases=${BENCH_FWD_CASES:-one big mpath lists table}
profile_case=${BENCH_FWD_PROFILE_CASE:-one}
secs=${BENCH_FWD_SECS:-5}
out=${VM_OUT:-/tmp}
res=/tmp/fwd-results
fail() { echo "fwd-bench: $*" >&2; exit 1; }

kdir=${FERROUTE_KDIR:-}
[ -f "$kdir/net/core/pktgen.ko" ] || fail "no pktgen.ko in the kernel build tree '$kdir'"
lsmod | grep -q '^pktgen ' || insmod "$kdir/net/core/pktgen.ko" || fail "insmod pktgen"
lsmod | grep -q '^ferroute ' || insmod "$MODULE" || fail "insmod $MODULE"
# The sink drops at tc ingress if the kernel can (the bench kernel).
sink=ip
ip link add fwdb-probe type dummy && {
	tc qdisc add dev fwdb-probe clsact 2> /dev/null && sink=tc
	ip link del fwdb-probe
}
[ $sink = tc ] || echo "fwd-bench: no tc clsact in this kernel; the sink drops with a blackhole route"

now() { date +%s.%N; }

# topology P: namespaces ${P}g, ${P}r, ${P}s; P is f (ferroute) or l (Linux).
topology() {
	p=$1
	for ns in ${p}g ${p}r ${p}s; do
		ip netns add $ns || fail "netns $ns"
		ip -n $ns link set lo up
	done
	ip -n ${p}r link add ri type veth peer name g0 netns ${p}g || fail "veth ri"
	ip -n ${p}r link add ro type veth peer name s0 netns ${p}s || fail "veth ro"
	ip -n ${p}r link add ro2 type veth peer name s1 netns ${p}s || fail "veth ro2"
	for d in ri ro ro2; do ip -n ${p}r link set $d up; done
	if [ $p = f ]; then
		for d in ri ro ro2; do
			ip netns exec fr "$FERCTL" port add $d || fail "ferctl port add $d"
		done
		ip netns exec fr "$FERCTL" addr add 10.1.0.1/16 dev ri || fail "addr ri"
		ip netns exec fr "$FERCTL" addr add 10.2.0.1/24 dev ro || fail "addr ro"
		ip netns exec fr "$FERCTL" addr add 10.3.0.1/24 dev ro2 || fail "addr ro2"
		rt() { ip netns exec fr "$FERCTL" route add "$@"; }
	else
		ip -n lr addr add 10.1.0.1/16 dev ri
		ip -n lr addr add 10.2.0.1/24 dev ro
		ip -n lr addr add 10.3.0.1/24 dev ro2
		ip netns exec lr sysctl -qw net.ipv4.ip_forward=1 || fail "ip_forward"
		rt() { ip -n lr route add "$@"; }
	fi
	rt 198.18.0.0/15 via 10.2.0.2 dev ro || fail "$p: route 198.18.0.0/15"
	rt 198.20.0.0/16 nexthop via 10.2.0.2 dev ro nexthop via 10.3.0.2 dev ro2 ||
		fail "$p: multipath route 198.20.0.0/16"
	# The router's receive work on CPU 1 (RPS), the generator on CPU 0.
	ip netns exec ${p}r sh -c 'echo 2 > /sys/class/net/ri/queues/rx-0/rps_cpus' || fail "rps_cpus"

	ip -n ${p}g addr add 10.1.0.2/16 dev g0
	ip -n ${p}g link set g0 up
	ip -n ${p}g route add default via 10.1.0.1
	ip -n ${p}s addr add 10.2.0.2/24 dev s0
	ip -n ${p}s addr add 10.3.0.2/24 dev s1
	for d in s0 s1; do
		ip -n ${p}s link set $d up
		if [ $sink = tc ]; then
			ip netns exec ${p}s tc qdisc add dev $d clsact || fail "tc clsact $d"
			ip netns exec ${p}s tc filter add dev $d ingress protocol ip matchall action drop ||
				fail "tc filter $d"
		fi
	done
	# Without tc (a kernel without CONFIG_NET_SCH_INGRESS, such as the
	# test kernel) the sink's IP layer drops them: a blackhole default
	# route, costlier than tc.
	if [ $sink = ip ]; then
		ip netns exec ${p}s sysctl -qw net.ipv4.ip_forward=1
		ip -n ${p}s route add blackhole default
	fi
	# A process in the generator's and the sink's namespace, whose
	# /proc/PID/net/dev the runs read.
	for ns in ${p}g ${p}s; do
		ip netns exec $ns sleep 1000000 &
		pid=
		i=0
		while [ -z "$pid" ] && [ $i -lt 100 ]; do
			sleep 0.1
			pid=$(ip netns pids $ns | head -1)
			i=$((i + 1))
		done
		[ -n "$pid" ] || fail "no process in $ns"
		eval "pid_$ns=$pid"
	done
	# The router resolves both next hops: a probe to each (dropped by
	# the sink) makes it ARP.
	for dst in 198.18.0.1 198.20.0.1 198.20.0.2 198.20.0.3; do
		ip netns exec ${p}g ping -c 1 -W 1 -I 10.1.0.2 $dst > /dev/null 2>&1
	done
	ip netns exec ${p}g ping -c 1 -W 1 -I 10.1.0.2 198.20.0.4 > /dev/null 2>&1
}

# pg P FILE CMD: one pktgen command in the generator namespace of P.
pg() {
	ip netns exec ${1}g sh -c 'echo "$2" > "/proc/net/pktgen/$1"' _ "$2" "$3" ||
		fail "pktgen $2: $3 ($(ip netns exec ${1}g sed -n 's/^Result: //p' /proc/net/pktgen/$2 2>/dev/null))"
}

# configure P SIZE CASE: pktgen's device g0 for one case.
configure() {
	p=$1
	mac=$(ip netns exec ${p}r cat /sys/class/net/ri/address)
	pg $p kpktgend_0 "rem_device_all"
	pg $p kpktgend_0 "add_device g0"
	for c in "count 0" "delay 0" "clone_skb 0" "pkt_size $2" "dst_mac $mac" \
		"udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
		pg $p g0 "$c"
	done
	case $3 in
	one|big|lists)
		pg $p g0 "src_min 10.1.0.2"; pg $p g0 "src_max 10.1.0.2"
		pg $p g0 "dst 198.18.0.1" ;;
	mpath)
		pg $p g0 "src_min 10.1.0.10"; pg $p g0 "src_max 10.1.3.241"
		pg $p g0 "dst 198.20.0.1" ;;
	table)
		pg $p g0 "src_min 10.1.0.2"; pg $p g0 "src_max 10.1.0.2"
		pg $p g0 "dst_min 128.0.0.0"; pg $p g0 "dst_max 223.255.255.255"
		pg $p g0 "flag IPDST_RND" ;;
	esac
}

# run P CASE: one timed run; appends "CASE P offered_pps forwarded_pps
# s0 s1" to $res. The counters are read from /proc/PID/net/dev of a
# process in the generator's and the sink's namespace (no process started
# per reading), each reading timed by its midpoint.
run() {
	p=$1
	ip netns exec ${p}g sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	gen=$!
	eval "pg_pid=\$pid_${p}g ps_pid=\$pid_${p}s"
	python3 - "$2" $p "$pg_pid" "$ps_pid" "$secs" >> $res <<'PY' || fail "measure"
import sys, time
case, p, gpid, spid, secs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])

def dev(pid):
    d = {}
    with open(f'/proc/{pid}/net/dev') as f:
        for line in f.readlines()[2:]:
            name, rest = line.split(':', 1)
            d[name.strip()] = [int(x) for x in rest.split()]
    return d

def reading():
    t0 = time.monotonic()
    g, s = dev(gpid), dev(spid)
    t1 = time.monotonic()
    # g0: tx packets + tx drop; s0, s1: rx packets.
    return (t0 + t1) / 2, g['g0'][9] + g['g0'][11], s['s0'][1], s['s1'][1]

time.sleep(1)
a = reading()
time.sleep(secs)
b = reading()
w = b[0] - a[0]
s0, s1 = b[2] - a[2], b[3] - a[3]
print(f'{case} {p} {(b[1] - a[1]) / w:.0f} {(s0 + s1) / w:.0f} {s0} {s1}')
PY
	ip netns exec ${p}g sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait $gen
	tail -1 $res
}

# want CASE: whether BENCH_FWD_CASES names CASE.
want() { case " $cases " in *" $1 "*) return 0 ;; esac; return 1; }

# size CASE: the frame size of a case.
size() { [ "$1" = big ] && echo 1514 || echo 60; }

# bench CASE SIZE: BENCH_FWD_REPS runs of each router, alternating.
bench() {
	want "$1" || return 0
	for p in f l; do configure $p "$2" "$1"; done
	i=0
	while [ $i -lt "$reps" ]; do
		run f "$1"
		run l "$1"
		i=$((i + 1))
	done
}

: > $res
echo "fwd-bench: $reps runs of ${secs} s per case and router"
topology f
topology l
ip netns exec fr "$FERCTL" neigh list
ip -n lr neigh show

bench one 60
bench big 1514
bench mpath 60

# napi P on|off: ri receives through veth's NAPI, in a thread on CPU 1
# (GRO on at ri, which veth takes only from a peer without TSO; threaded
# NAPI; RPS off), or as in the other cases (RPS to CPU 1).
napi() {
	if [ "$2" = on ]; then
		ip netns exec ${1}g ethtool -K g0 tso off > /dev/null || fail "tso off g0"
		ip netns exec ${1}r ethtool -K ri gro on > /dev/null || fail "gro on ri"
		ip netns exec ${1}r sh -c 'echo 1 > /sys/class/net/ri/threaded' || fail "threaded ri"
		ip netns exec ${1}r sh -c 'echo 0 > /sys/class/net/ri/queues/rx-0/rps_cpus' || fail "rps off"
	else
		ip netns exec ${1}r sh -c 'echo 0 > /sys/class/net/ri/threaded' || fail "threaded off ri"
		ip netns exec ${1}r ethtool -K ri gro off > /dev/null || fail "gro off ri"
		ip netns exec ${1}g ethtool -K g0 tso on > /dev/null || fail "tso on g0"
		ip netns exec ${1}r sh -c 'echo 2 > /sys/class/net/ri/queues/rx-0/rps_cpus' || fail "rps on"
	fi
}
if ! want lists; then
	:
elif command -v ethtool > /dev/null; then
	for p in f l; do napi $p on; done
	# Both routers' NAPI threads (napi/ri-ID) on CPU 1, as RPS was.
	for t in $(pgrep '^napi/ri-'); do taskset -p 2 "$t" > /dev/null || fail "taskset $t"; done
	[ -n "$(pgrep '^napi/ri-')" ] || fail "no NAPI thread for ri"
	lists0=$(ip netns exec fr "$FERCTL" stats | awk '$1 == "FerRxLists" { print $2 }')
	bench lists 60
	lists1=$(ip netns exec fr "$FERCTL" stats | awk '$1 == "FerRxLists" { print $2 }')
	echo "fwd-bench: NAPI lists case: ferroute received $((lists1 - lists0)) lists"
	for p in f l; do napi $p off; done
else
	echo "fwd-bench: no ethtool; the NAPI lists case is skipped"
fi

if [ -n "$dir" ] && [ -f "$dir/ip.batch" ] && want table; then
	n=$(wc -l < "$dir/ip.batch")
	echo "fwd-bench: loading the $n-prefix table into both routers (at once)"
	mkdir -p /tmp/fwdb || fail "mkdir"
	sed 's/ dev d0$/ via 10.2.0.2 dev ro/' "$dir/ferroute.batch" > /tmp/fwdb/ferroute.batch || fail "sed"
	sed 's/ dev d0$/ via 10.2.0.2 dev ro/' "$dir/ip.batch" | split -l 100000 - /tmp/fwdb/ip. || fail "split"
	t0=$(now)
	ip netns exec fr "$FERCTL" -batch /tmp/fwdb/ferroute.batch > /tmp/fwdb/ferctl.out 2>&1 &
	fl=$!
	for part in /tmp/fwdb/ip.*; do
		ip -n lr -batch "$part" || fail "ip -batch $part"
	done
	wait $fl || { cat /tmp/fwdb/ferctl.out; fail "ferctl -batch"; }
	echo "fwd-bench: loaded in $(echo "$(now) - $t0" | bc) s"
	rm -rf /tmp/fwdb
	ip netns exec fr "$FERCTL" route add default via 10.2.0.2 dev ro || fail "default route"
	ip -n lr route add default via 10.2.0.2 dev ro || fail "default route"
	bench table 60
fi

# BENCH_FWD_PROFILE=1: where CPU 1 (the router's) spends its time in the
# case BENCH_FWD_PROFILE_CASE (one route 64 B unless told), for each
# router: perf's cpu-clock samples (a
# software timer; TCG has no PMU) over one more window, the symbols above
# 0.5 % in $VM_OUT/fwd-profile.ferroute.txt and fwd-profile.linux.txt.
if [ "${BENCH_FWD_PROFILE:-0}" = 1 ] && command -v perf > /dev/null; then
	[ "$profile_case" = lists ] && for p in f l; do napi $p on; done
	[ "$profile_case" = lists ] && for t in $(pgrep '^napi/ri-'); do taskset -p 2 "$t" > /dev/null; done
	for p in f l; do
		[ $p = f ] && name=ferroute || name=linux
		configure $p "$(size "$profile_case")" "$profile_case"
		ip netns exec ${p}g sh -c 'echo start > /proc/net/pktgen/pgctrl' &
		gen=$!
		sleep 1
		perf record -q -e cpu-clock -C 1 -o /tmp/perf.$p.data -- sleep "$secs" > /dev/null 2>&1 ||
			echo "fwd-bench: perf record failed"
		ip netns exec ${p}g sh -c 'echo stop > /proc/net/pktgen/pgctrl'
		wait $gen
		perf report -q -i /tmp/perf.$p.data --stdio --sort sym --percent-limit 0.5 \
			> "$out/fwd-profile.$name.txt" 2> /dev/null
		echo "fwd-bench: CPU 1 profile, $name, case $profile_case (perf cpu-clock), top 25:"
		head -25 "$out/fwd-profile.$name.txt"
	done
fi

ip netns exec fr "$FERCTL" stats > "$out/fwd-bench.ferroute-stats"
for ns in fg fs lg ls; do eval "kill \$pid_$ns"; done

python3 - "$res" "$out/fwd-bench.ratio" "$secs" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cases = [('one', 'one route, 64 B'), ('table', 'table, random dst, 64 B'),
         ('mpath', 'multipath, 1,000 flows, 64 B'), ('big', 'one route, 1500 B'),
         ('lists', 'one route, 64 B, NAPI lists')]

def runs(case, p):
    return [(int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows if r[0] == case and r[1] == p]

def med(v):
    return statistics.median(v) if v else 0.0

out = []
ratio_one = None
for case, name in cases:
    f, l = runs(case, 'f'), runs(case, 'l')
    if not f or not l:
        continue
    ff, lf = [r[1] for r in f], [r[1] for r in l]
    fo, lo = [r[0] for r in f], [r[0] for r in l]
    floss = [1 - r[1] / r[0] if r[0] else 0 for r in f]
    lloss = [1 - r[1] / r[0] if r[0] else 0 for r in l]
    ratio = med(ff) / med(lf) if med(lf) else 0.0
    if case == 'one':
        ratio_one = ratio
    # Run i of each router ran back to back (alternating), under nearly
    # the same host load: their ratio is steadier than the medians' when
    # the host's load drifts between runs.
    pairs = [a / b for a, b in zip(ff, lf) if b]
    out.append((name, med(ff), min(ff), max(ff), med(lf), min(lf), max(lf), ratio,
                med(fo), med(lo), med(floss), med(lloss), f, l, pairs))

def k(v):
    return f'{v / 1000:,.1f}k'

print()
print(f'forwarding, packets/s forwarded (median of {len(out[0][12]) if out else 0} runs of {sys.argv[3]} s, [min-max]):')
hdr = ('case', 'ferroute', 'Linux', 'ferroute/Linux', 'pairs f/l [min-max]', 'offered f / l',
       'loss f / l')
lines = []
for o in out:
    p = o[14]
    pr = f'{med(p):.2f} [{min(p):.2f}-{max(p):.2f}]' if p else '-'
    lines.append((o[0], f'{k(o[1])} [{k(o[2])}-{k(o[3])}]', f'{k(o[4])} [{k(o[5])}-{k(o[6])}]',
                  f'{o[7]:.2f}', pr, f'{k(o[8])} / {k(o[9])}', f'{o[10]:.1%} / {o[11]:.1%}'))
w = [max(len(x[i]) for x in lines + [hdr]) for i in range(len(hdr))]
fmt = lambda r: ' | '.join(f'{c:<{w[i]}}' if i == 0 else f'{c:>{w[i]}}' for i, c in enumerate(r))
print(fmt(hdr))
print('-' * (sum(w) + 3 * (len(w) - 1)))
for x in lines:
    print(fmt(x))
for o in out:
    if o[0].startswith('multipath'):
        for p, rs in (('ferroute', o[12]), ('Linux', o[13])):
            s0, s1 = sum(r[2] for r in rs), sum(r[3] for r in rs)
            if s0 + s1:
                print(f'multipath split, {p}: {s0 / (s0 + s1):.1%} via 10.2.0.2, {s1 / (s0 + s1):.1%} via 10.3.0.2')
with open(sys.argv[2], 'w') as f:
    f.write(f'fwd_ratio {ratio_one:.2f}\n' if ratio_one is not None else 'fwd_ratio -\n')
PY

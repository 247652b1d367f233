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
# is s0's and s1's rx_packets (a veth counts its peer's transmits) and
# what veth dropped on the way to them (ro's and ro2's tx_dropped).
#
# Per run: pktgen starts, 1 s of warm-up, then a window of BENCH_FWD_SECS
# seconds (default 5) between two readings of the counters:
#   offered   = (g0 tx_packets + g0 tx_dropped) delta / window
#   forwarded = (s0 + s1 rx_packets + ro + ro2 tx_dropped) delta / window:
#               what the router sent on its egress ports, whether the
#               sink took it or veth dropped it on the way (the router did
#               its work for those; with the sink on CPU 1's backlog, as
#               it was before it received through NAPI, a fifth of the
#               router's output was dropped there)
#   loss      = 1 - forwarded / offered
#   sink drop = (ro + ro2 tx_dropped) delta / forwarded delta
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
#
# Instruction count (BENCH_FWD_COUNT=MARKS, in a VM run with the insncount
# QEMU plugin writing MARKS; tools/testing/bench/insncount): each window is
# bracketed by two profile marks, executed by the measuring process itself
# next to its counter readings, and a run reports the instructions CPU 1
# executed per forwarded packet (the router's receive, route, forward and
# transmit, and the sink's veth NAPI, GRO and tc drop, the same for both
# routers), CPU 0's per offered packet (the generator's: a check that both
# routers were offered the same work), both packet counts being the
# plugin's count of veth_xmit's calls on that CPU in the window, and CPU
# 1's instructions per function (the plugin's per-block counts named from
# /proc/kallsyms), printed for the profiled case and left in
# $VM_OUT/fwd-count-profile.CASE.txt for every case. A count does not move
# with the host's load as a rate does, so it ranks the routers where the
# rates' ranges overlap. The measuring process runs on CPU 0. The plugin
# slows the VM down, so this mode prints the counts, not the rates.
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
count=${BENCH_FWD_COUNT:-}
fail() { echo "fwd-bench: $*" >&2; exit 1; }
xmit=
if [ -n "$count" ]; then
	# Every forwarded frame leaves through one call of veth_xmit on CPU 1
	# (and every generated one through one on CPU 0): the plugin's count
	# of calls, taken in the same window as the instructions, is the
	# count of packets.
	xmit=$(awk '$3 == "veth_xmit" { print $1; exit }' /proc/kallsyms)
	[ -n "$xmit" ] || fail "no veth_xmit in /proc/kallsyms"
fi

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
			"$FERCTL" -n fr port add $d || fail "ferctl port add $d"
		done
		"$FERCTL" -n fr addr add 10.1.0.1/16 dev ri || fail "addr ri"
		"$FERCTL" -n fr addr add 10.2.0.1/24 dev ro || fail "addr ro"
		"$FERCTL" -n fr addr add 10.3.0.1/24 dev ro2 || fail "addr ro2"
		rt() { "$FERCTL" -n fr route add "$@"; }
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
	# The sink receives through veth's NAPI (GRO on at s0 and s1, which
	# veth uses only for frames from a peer without TSO: off at ro and
	# ro2), not through CPU 1's backlog: that queue is the router's own
	# input under RPS, and a sink sharing it had its frames dropped there
	# when the generator kept it full (a fifth of the router's output, a
	# share that changed from run to run and from router to router).
	if command -v ethtool > /dev/null; then
		for d in ro ro2; do
			ip netns exec ${p}r ethtool -K $d tso off > /dev/null || fail "tso off $d"
		done
		for d in s0 s1; do
			ip netns exec ${p}s ethtool -K $d gro on > /dev/null || fail "gro on $d"
		done
	fi
	# Without tc (a kernel without CONFIG_NET_SCH_INGRESS, such as the
	# test kernel) the sink's IP layer drops them: a blackhole default
	# route, costlier than tc.
	if [ $sink = ip ]; then
		ip netns exec ${p}s sysctl -qw net.ipv4.ip_forward=1
		ip -n ${p}s route add blackhole default
	fi
	# A process in the generator's and the sink's namespace, whose
	# /proc/PID/net/dev the runs read.
	for ns in ${p}g ${p}r ${p}s; do
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
	eval "pg_pid=\$pid_${p}g pr_pid=\$pid_${p}r ps_pid=\$pid_${p}s"
	python3 - "$2" $p "$pg_pid" "$pr_pid" "$ps_pid" "$secs" ${count:+"$count" "$xmit"} >> $res <<'PY' || fail "measure"
import os, sys, time
case, p, gpid, rpid, spid = sys.argv[1:6]
secs = float(sys.argv[6])
count, xmit = (sys.argv[7], int(sys.argv[8], 16)) if len(sys.argv) > 8 else (None, None)
if count:
    # Off the router's CPU, whose instructions are counted.
    os.sched_setaffinity(0, {0})
    # The profile mark (insnmark.c), executed in this process: a page of
    # code, "nopl 0x50524546(%rax); ret", called through ctypes. Running
    # the insnmark program instead put a fork and exec (tens of
    # milliseconds under TCG) between a mark and its counter reading, a few
    # percent of a window's packets, more or fewer from run to run.
    import ctypes, mmap
    code = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    code.write(bytes([0x0f, 0x1f, 0x80, 0x46, 0x45, 0x52, 0x50, 0xc3]))
    profile_mark = ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(code)))

def mark():
    # The plugin writes MARKS.prof.SEQ (instructions per block since the
    # last profile mark) and appends "mark SEQ VCPU total0 kernel0 total1
    # kernel1" before the instruction runs.
    profile_mark()
    with open(count) as f:
        last = f.readlines()[-1].split()
    return int(last[1]), [int(x) for x in last[3:]]

def dev(pid):
    d = {}
    with open(f'/proc/{pid}/net/dev') as f:
        for line in f.readlines()[2:]:
            name, rest = line.split(':', 1)
            d[name.strip()] = [int(x) for x in rest.split()]
    return d

def reading():
    t0 = time.monotonic()
    g, r, s = dev(gpid), dev(rpid), dev(spid)
    t1 = time.monotonic()
    # g0: tx packets + tx drop; s0, s1: rx packets; ro, ro2: tx drop (the
    # frames the router sent that veth could not queue to the sink).
    return ((t0 + t1) / 2, g['g0'][9] + g['g0'][11], s['s0'][1], s['s1'][1],
            r['ro'][11] + r['ro2'][11])

time.sleep(1)
m0 = mark() if count else None
a = reading()
time.sleep(secs)
b = reading()
m1 = mark() if count else None
w = b[0] - a[0]
s0, s1, dropped = b[2] - a[2], b[3] - a[3], b[4] - a[4]
line = f'{case} {p} {(b[1] - a[1]) / w:.0f} {(s0 + s1 + dropped) / w:.0f} {s0} {s1} {dropped}'
if count:
    # CPU 1's instructions per packet the router transmitted, CPU 0's per
    # packet the generator transmitted, both counted as veth_xmit's calls
    # on that CPU in the window (the counters read above are a few
    # percent off: the reading process waits for CPU 0 between a mark and
    # its reading, longer in one run than in another); and the window's
    # profile.
    (_, c0), (seq, c1) = m0, m1
    prof = f'{count}.prof.{seq}'
    calls = [0, 0]
    with open(prof) as f:
        for l in f:
            v, addr, _, n = l.split()
            if int(addr, 16) == xmit and v in ('0', '1'):
                calls[int(v)] += int(n)
    x0, x1 = max(calls[0], 1), max(calls[1], 1)
    line += f' {(c1[2] - c0[2]) / x1:.1f} {(c1[0] - c0[0]) / x0:.1f} {prof} {x1}'
print(line)
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
"$FERCTL" -n fr neigh list
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
	lists0=$("$FERCTL" -n fr stats | awk '$1 == "FerRxLists" { print $2 }')
	bench lists 60
	lists1=$("$FERCTL" -n fr stats | awk '$1 == "FerRxLists" { print $2 }')
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
	"$FERCTL" -n fr -batch /tmp/fwdb/ferroute.batch > /tmp/fwdb/ferctl.out 2>&1 &
	fl=$!
	for part in /tmp/fwdb/ip.*; do
		ip -n lr -batch "$part" || fail "ip -batch $part"
	done
	wait $fl || { cat /tmp/fwdb/ferctl.out; fail "ferctl -batch"; }
	echo "fwd-bench: loaded in $(echo "$(now) - $t0" | bc) s"
	rm -rf /tmp/fwdb
	"$FERCTL" -n fr route add default via 10.2.0.2 dev ro || fail "default route"
	ip -n lr route add default via 10.2.0.2 dev ro || fail "default route"
	bench table 60
fi

# BENCH_FWD_PROFILE=1: where CPU 1 (the router's) spends its time in the
# case BENCH_FWD_PROFILE_CASE (one route 64 B unless told), for each
# router: perf's cpu-clock samples (a
# software timer; TCG has no PMU) over one more window, the symbols above
# 0.5 % in $VM_OUT/fwd-profile.ferroute.txt and fwd-profile.linux.txt.
if [ "${BENCH_FWD_PROFILE:-0}" = 1 ] && [ -z "$count" ] && command -v perf > /dev/null; then
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

"$FERCTL" -n fr stats > "$out/fwd-bench.ferroute-stats"
for ns in fg fr fs lg lr ls; do eval "kill \$pid_$ns"; done

if [ -n "$count" ]; then
	ratio_file=$out/fwd-count.ratio
else
	ratio_file=$out/fwd-bench.ratio
fi
python3 - "$res" "$ratio_file" "$secs" ${count:+count "$profile_case"} <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
counting = len(sys.argv) > 4
cases = [('one', 'one route, 64 B'), ('table', 'table, random dst, 64 B'),
         ('mpath', 'multipath, 1,000 flows, 64 B'), ('big', 'one route, 1500 B'),
         ('lists', 'one route, 64 B, NAPI lists')]

def sink(r):
    # The share of the router's output that veth dropped at the sink, of
    # a run's (s0, s1, dropped) as runs() returns them.
    return r[4] / (r[2] + r[3] + r[4]) if r[2] + r[3] + r[4] else 0

def runs(case, p):
    return [(int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6])) for r in rows
            if r[0] == case and r[1] == p]

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
                med(fo), med(lo), med(floss), med(lloss), f, l, pairs,
                med([sink(r) for r in f]), med([sink(r) for r in l])))

def k(v):
    return f'{v / 1000:,.1f}k'

def table(hdr, lines):
    w = [max(len(x[i]) for x in lines + [hdr]) for i in range(len(hdr))]
    fmt = lambda r: ' | '.join(f'{c:<{w[i]}}' if i == 0 else f'{c:>{w[i]}}' for i, c in enumerate(r))
    print(fmt(hdr))
    print('-' * (sum(w) + 3 * (len(w) - 1)))
    for x in lines:
        print(fmt(x))

if counting:
    # Instructions per packet: CPU 1 (the router's) per forwarded packet,
    # CPU 0 (the generator's) per offered packet; lower is better.
    print()
    print(f'forwarding, instructions per packet (QEMU insncount plugin; median of runs of {sys.argv[3]} s, [min-max]):')
    hdr = ('case', 'CPU 1 per forwarded: ferroute', 'Linux', 'ferroute/Linux',
           'CPU 0 per offered: ferroute', 'Linux', 'sink drop f / l')
    lines = []
    ratio_one = None
    for case, name in cases:
        f = [r for r in rows if r[0] == case and r[1] == 'f']
        l = [r for r in rows if r[0] == case and r[1] == 'l']
        if not f or not l:
            continue
        f1, l1 = [float(r[7]) for r in f], [float(r[7]) for r in l]
        f0, l0 = [float(r[8]) for r in f], [float(r[8]) for r in l]
        ratio = med(f1) / med(l1) if med(l1) else 0.0
        if case == 'one':
            ratio_one = ratio
        rng = lambda v: f'{med(v):,.0f} [{min(v):,.0f}-{max(v):,.0f}]'
        drop = lambda p: med([sink(r) for r in runs(case, p)])
        lines.append((name, rng(f1), rng(l1), f'{ratio:.3f}', rng(f0), rng(l0),
                      f'{drop("f"):.1%} / {drop("l"):.1%}'))
    table(hdr, lines)
    with open(sys.argv[2], 'w') as fh:
        fh.write(f'fwd_insns_ratio {ratio_one:.3f}\n' if ratio_one is not None else 'fwd_insns_ratio -\n')

    # The profile: CPU 1's instructions per forwarded packet by function
    # (the block's start address named from /proc/kallsyms), summed over a
    # case's runs, ferroute and Linux side by side.
    import bisect, shutil
    # Kept with the profiles, to read them again after the run.
    shutil.copyfile('/proc/kallsyms', sys.argv[2].rsplit('/', 1)[0] + '/kallsyms')
    syms = []
    with open('/proc/kallsyms') as fh:
        for line in fh:
            w = line.split()
            if w[1] in 'tT':
                syms.append((int(w[0], 16), w[2] + (' ' + w[3] if len(w) > 3 else '')))
    syms.sort()
    starts = [a for a, _ in syms]

    def name(addr):
        i = bisect.bisect_right(starts, addr) - 1
        return syms[i][1] if i >= 0 and addr >= 0xffff800000000000 else '[user]'

    def demangle(names):
        # ferroute's Rust symbols (v0 mangling) by llvm-cxxfilt, when
        # there; a generic's arguments shortened to the closure's owner.
        import re, shutil, subprocess
        tool = shutil.which('llvm-cxxfilt-14') or shutil.which('llvm-cxxfilt')
        if not tool:
            return {n: n for n in names}
        plain = [n.split()[0] for n in names]
        out = subprocess.run([tool], input='\n'.join(plain), capture_output=True,
                             text=True).stdout.splitlines()
        res = {}
        for n, d in zip(names, out if len(out) == len(names) else plain):
            owner = re.search(r'(\w+)::\{closure', d)
            if '<' in d and owner:
                d = d[:d.index('<')] + f'<{owner.group(1)}::{{closure}}>'
            elif len(d) > 110:
                d = d[:107] + '...'
            res[n] = d + (' [' + n.split('[', 1)[1] if '[' in n else '')
        return res

    def profile(rs):
        per, pkts = {}, 0
        for r in rs:
            pkts += int(r[10])
            with open(r[9]) as fh:
                for line in fh:
                    v, a, n, _ = line.split()
                    if v == '1':
                        k = name(int(a, 16))
                        per[k] = per.get(k, 0) + int(n)
        return {k: v / max(pkts, 1) for k, v in per.items()}

    out_dir = sys.argv[2].rsplit('/', 1)[0]
    for case, cname in cases:
        f = [r for r in rows if r[0] == case and r[1] == 'f']
        l = [r for r in rows if r[0] == case and r[1] == 'l']
        if not f or not l:
            continue
        pf, pl = profile(f), profile(l)
        keys = sorted(set(pf) | set(pl), key=lambda k: -max(pf.get(k, 0), pl.get(k, 0)))
        dm = demangle(keys)
        lines = [(dm[k], f'{pf.get(k, 0):,.1f}', f'{pl.get(k, 0):,.1f}',
                  f'{pf.get(k, 0) - pl.get(k, 0):+,.1f}') for k in keys]
        lines.append(('total', f'{sum(pf.values()):,.1f}', f'{sum(pl.values()):,.1f}',
                      f'{sum(pf.values()) - sum(pl.values()):+,.1f}'))
        hdr = ('function (CPU 1)', 'ferroute', 'Linux', 'difference')
        with open(f'{out_dir}/fwd-count-profile.{case}.txt', 'w') as fh:
            sys.stdout, saved = fh, sys.stdout
            print(f'{cname}: instructions per forwarded packet on CPU 1, by function')
            table(hdr, lines)
            sys.stdout = saved
        if case == sys.argv[5]:
            print()
            print(f'{cname}: instructions per forwarded packet on CPU 1 by function, the top 30'
                  f' (all in fwd-count-profile.{case}.txt):')
            table(hdr, lines[:-1][:30] + lines[-1:])
    sys.exit(0)

print()
print(f'forwarding, packets/s forwarded (median of {len(out[0][12]) if out else 0} runs of {sys.argv[3]} s, [min-max]):')
hdr = ('case', 'ferroute', 'Linux', 'ferroute/Linux', 'pairs f/l [min-max]', 'offered f / l',
       'loss f / l', 'sink drop f / l')
lines = []
for o in out:
    p = o[14]
    pr = f'{med(p):.2f} [{min(p):.2f}-{max(p):.2f}]' if p else '-'
    lines.append((o[0], f'{k(o[1])} [{k(o[2])}-{k(o[3])}]', f'{k(o[4])} [{k(o[5])}-{k(o[6])}]',
                  f'{o[7]:.2f}', pr, f'{k(o[8])} / {k(o[9])}', f'{o[10]:.1%} / {o[11]:.1%}',
                  f'{o[15]:.1%} / {o[16]:.1%}'))
table(hdr, lines)
for o in out:
    if o[0].startswith('multipath'):
        for p, rs in (('ferroute', o[12]), ('Linux', o[13])):
            s0, s1 = sum(r[2] for r in rs), sum(r[3] for r in rs)
            if s0 + s1:
                print(f'multipath split, {p}: {s0 / (s0 + s1):.1%} via 10.2.0.2, {s1 / (s0 + s1):.1%} via 10.3.0.2')
with open(sys.argv[2], 'w') as f:
    f.write(f'fwd_ratio {ratio_one:.2f}\n' if ratio_one is not None else 'fwd_ratio -\n')
PY

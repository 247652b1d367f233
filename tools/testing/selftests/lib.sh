# SPDX-License-Identifier: GPL-2.0
# Shared helpers for ferroute's VM selftests (sourced; runs inside the VM).

# The tree: $FERROUTE_ROOT, else the current directory if it is one (vm-run
# starts there), else relative to the test script.
if [ -n "${FERROUTE_ROOT:-}" ]; then
	root=$FERROUTE_ROOT
elif [ -f ./Kbuild ] && [ -d ./rust/ipv4 ]; then
	root=$PWD
else
	root=$(cd "$(dirname "$0")/../../.." && pwd)
fi
FERCTL=${FERCTL:-$root/target/release/ferctl}
[ -x "$FERCTL" ] || FERCTL=$root/target/debug/ferctl
MODULE=${MODULE:-$root/ferroute.ko}

ferctl() { "$FERCTL" "$@"; }

fail() { echo "FAIL: $*"; exit 1; }

load() {
	lsmod | grep -q '^ferroute ' || insmod "$MODULE" || fail "insmod"
}

unload() {
	if lsmod | grep -q '^ferroute '; then rmmod ferroute || fail "rmmod"; fi
}

# The receive ledger's two sides, "in out" (FerRxFrames + FerRxReassembled,
# and the sum of the fates: Documentation/testing.rst, "The receive
# ledger"), which are equal at any quiet moment.
ledger() {
	ferctl stats | awk '
		$1 == "FerRxFrames" || $1 == "FerRxReassembled" { i += $2 }
		$1 == "FerRxDelivered" || $1 == "FerRxForwarded" || $1 == "FerRxReasmQueued" ||
		$1 == "FerRxIgnored" || $1 ~ /^FerRxDrop\./ { o += $2 }
		END { print i + 0, o + 0 }'
}
# Read one counter from `ferctl stats`.
counter() {
	ferctl stats | awk -v n="$1" '$1 == n { print $2 }'
}

cleanup_netns() {
	probe_stop
	for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done
}

# fer_ns NS DEV ROUTER_ADDR/LEN HOST_ADDR/LEN: a ferroute device in its own
# namespace, the router's side addressed by ferctl, the host's by ip.
fer_ns() {
	ip netns add "$1"
	ip link add "$2" type ferroute || fail "ip link add $2 type ferroute"
	ferctl addr add "$3" dev "$2" || fail "ferctl addr add $3 dev $2"
	ip link set "$2" netns "$1"
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$4" dev "$2"
	ip -n "$1" link set "$2" up
}

# veth_ns NS PORT PEER ROUTER_ADDR/LEN HOST_ADDR/LEN: a veth pair, PORT in
# the init namespace attached to ferroute, PEER in NS.
veth_ns() {
	ip netns add "$1"
	ip link add "$2" type veth peer name "$3" netns "$1"
	ip link set "$2" up
	ferctl port add "$2" || fail "ferctl port add $2"
	ferctl addr add "$4" dev "$2" || fail "ferctl addr add $4 dev $2"
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$5" dev "$3"
	ip -n "$1" link set "$3" up
}

# Kernel messages that mean something went wrong. "ref_tracker:" lines
# (CONFIG_NET_DEV_REFCNT_TRACKER) report a device reference released twice,
# or still held when the device is freed or waited for, with the stack that
# took it.
# After dmesg_mark, only what the kernel logged since counts (so a test
# need not clear the log, which run.sh checks as a whole at the end).
dmesg_clean() {
	! dmesg | tail -n +$((${DMESG_MARK:-0} + 1)) |
		grep -E 'BUG|WARNING|Oops|general protection|kmemleak: [0-9]+ new suspected|refcount_t|use-after-free|UBSAN|unregister_netdevice: waiting|ref_tracker:'
}
dmesg_mark() {
	DMESG_MARK=$(dmesg | wc -l)
}

# A device reference left behind keeps unregister_netdevice waiting for
# ever; the kernel reports it ("unregister_netdevice: waiting for DEV",
# then who took each tracked reference) every
# net.core.netdev_unregister_timeout_secs, 10 s by default: make it 1 s.
quick_leak_reports() {
	sysctl -qw net.core.netdev_unregister_timeout_secs=1
}

# The kernel's report of the device that cannot be unregistered and of who
# took each reference to it (quick_leak_reports makes it come each second).
leak_report() {
	dmesg | grep -A 16 'unregister_netdevice: waiting' | tail -40
}

# finishes SECONDS CMD...: runs CMD, which must finish within SECONDS, and
# returns its status. What waits for a device reference (ip link del,
# rmmod of a link type) never finishes while one is left, and cannot be
# killed: it is left behind, and the kernel's report of who holds the
# device is printed.
finishes() {
	limit=$(($1 * 5))
	shift
	"$@" &
	pid=$!
	n=0
	while kill -0 $pid 2> /dev/null; do
		if [ $n -ge $limit ]; then
			echo "$* has not finished:"
			leak_report
			return 1
		fi
		sleep 0.2
		n=$((n + 1))
	done
	wait $pid
}

# Read one counter from the router of namespace NS: ncounter NS NAME.
ncounter() {
	"$FERCTL" -n "$1" stats | awk -v n="$2" '$1 == n { print $2 }'
}

# The inode number of a named namespace (what `ferctl port list` shows).
netns_inum() {
	stat -L -c %i "/run/netns/$1"
}

# two_routers [MTU]: the same topology twice, routed once by ferroute
# (namespaces fr, fh1, fh2) and once by Linux's ip_forward (lr, lh1, lh2):
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --(MTU)-- 10.2.0.2 h2
#
# ferroute's h1 side is a ferroute device, its h2 side an attached veth
# (va); Linux's are veths. The hosts route through the router; a first
# ping from h1 to h2 warms both routers' neighbour caches.
two_routers() {
	mtu=${1:-1500}
	for ns in fr fh1 fh2 lr lh1 lh2; do ip netns add $ns; done
	ip -n fr link add fr1 type ferroute || fail "ip link add fr1"
	"$FERCTL" -n fr addr add 10.1.0.1/24 dev fr1 || fail "addr fr1"
	ip -n fr link set fr1 netns fh1
	ip -n fr link add va type veth peer name vb netns fh2
	ip -n fr link set va mtu "$mtu" up
	"$FERCTL" -n fr port add va || fail "port add va"
	"$FERCTL" -n fr addr add 10.2.0.1/24 dev va || fail "addr va"
	ip -n lr link add la1 type veth peer name fr1 netns lh1
	ip -n lr link add va type veth peer name vb netns lh2
	ip -n lr link set va mtu "$mtu"
	ip -n lr addr add 10.1.0.1/24 dev la1
	ip -n lr addr add 10.2.0.1/24 dev va
	ip -n lr link set la1 up
	ip -n lr link set va up
	ip netns exec lr sysctl -qw net.ipv4.ip_forward=1
	for p in f l; do
		ip -n ${p}h1 link set lo up
		ip -n ${p}h1 addr add 10.1.0.2/24 dev fr1
		ip -n ${p}h1 link set fr1 up
		ip -n ${p}h1 route add default via 10.1.0.1
		ip -n ${p}h2 link set lo up
		ip -n ${p}h2 link set vb mtu "$mtu"
		ip -n ${p}h2 addr add 10.2.0.2/24 dev vb
		ip -n ${p}h2 link set vb up
		ip -n ${p}h2 route add default via 10.2.0.1
		ip netns exec ${p}h1 ping -c 1 -W 3 10.2.0.2 > /dev/null || fail "$p: first ping"
	done
}

# Counters of the two routers of two_routers: ferroute's from ferctl stats,
# Linux's from nstat (the names are the same).
fr_count() { ncounter fr "$1"; }
lr_count() { nstat_count lr "$1"; }
# nstat_count NS NAME: the kernel's counter NAME in namespace NS.
nstat_count() { ip netns exec "$1" nstat -az "$2" | awk -v n="$2" '$1 == n { print $2 + 0 }'; }

# counters_now NAME...: "NAME FERROUTE LINUX" per name, the two routers'
# values, each router's read once (a process costs a second under TCG);
# "missing" for a counter a router does not have.
counters_now() {
	"$FERCTL" -n fr stats > /tmp/fr.stats
	ip netns exec lr nstat -az > /tmp/lr.stats
	awk -v names="$*" '
		BEGIN { n = split(names, want, " ") }
		FILENAME == "/tmp/fr.stats" { f[$1] = $2 }
		FILENAME == "/tmp/lr.stats" { l[$1] = $2 }
		END {
			for (i = 1; i <= n; i++)
				print want[i], (want[i] in f) ? f[want[i]] : "missing",
					(want[i] in l) ? l[want[i]] : "missing"
		}' /tmp/fr.stats /tmp/lr.stats
}

# snapshot_counters NAME...: remember both routers' values; then
# compare_deltas prints the increases and fails unless they are equal, or
# counter_deltas prints them. Every NAME must be a counter of both
# routers, except ferroute's own (Fer...), which Linux has not.
snapshot_counters() {
	counters_now "$@" > /tmp/counters.before
	! awk '$2 == "missing" || ($3 == "missing" && $1 !~ /^Fer/)' /tmp/counters.before |
		grep . || fail "a counter is missing"
}
# counter_deltas: "NAME FERROUTE LINUX" per counter of the last
# snapshot_counters, each the increase since ("missing" for Linux's
# value of a Fer counter). Both routers read once.
counter_deltas() {
	counters_now $(awk '{ print $1 }' /tmp/counters.before) > /tmp/counters.after
	awk 'function d(now, then) { return now == "missing" ? now : now - then }
		NR == FNR { f[$1] = $2; l[$1] = $3; next }
		{ print $1, d($2, f[$1]), d($3, l[$1]) }' /tmp/counters.before /tmp/counters.after
}
compare_deltas() {
	counter_deltas > /tmp/counters.deltas
	bad=0
	while read -r n f l; do
		printf '%-22s ferroute %3d linux %3d\n' "$n" "$f" "$l"
		[ "$f" -eq "$l" ] || bad=1
	done < /tmp/counters.deltas
	[ $bad -eq 0 ] || fail "counter deltas differ from Linux's"
}

# fset NAME VALUE: a router setting on both (ferctl conf set, sysctl).
fset() {
	"$FERCTL" -n fr conf set "$1" "$2" || fail "conf set $1 $2"
	ip netns exec lr sysctl -qw "net.ipv4.$1=$2" || fail "sysctl $1=$2"
}
# pset NAME VALUE: a setting of h1's port on both. Both OR (or, for
# rp_filter, take the larger of) conf.all and the port: all is set too,
# except forwarding, which is the port's alone.
pset() {
	"$FERCTL" -n fr port set fr1 "$1" "$2" || fail "port set fr1 $1 $2"
	ip netns exec lr sysctl -qw "net.ipv4.conf.la1.$1=$2" || fail "sysctl la1.$1=$2"
	[ "$1" = forwarding ] && return
	"$FERCTL" -n fr port set all "$1" "$2" || fail "port set all $1 $2"
	ip netns exec lr sysctl -qw "net.ipv4.conf.all.$1=$2" || fail "sysctl all.$1=$2"
}
# both CMD...: run CMD in h1 of each side ({} replaced by fh1 / lh1), its
# output in /tmp/f.out and /tmp/l.out, which must be equal. CMD is
# evaluated by a subshell, so it can use these functions (probe {} ...).
# The two sides run at once (they share nothing but the VM's CPUs).
both() {
	pids=
	for p in f l; do
		cmd=$(echo "$*" | sed "s/{}/${p}h1/g")
		# Without the caller's set -x: its trace is not CMD's output.
		({ set +x; } 2> /dev/null; eval "$cmd") > /tmp/$p.out 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	echo "ferroute: $(cat /tmp/f.out)"
	echo "linux:    $(cat /tmp/l.out)"
	cmp -s /tmp/f.out /tmp/l.out || fail "$*: ferroute differs from Linux"
}

# probe NS ARGS...: `fwdprobe.py ARGS` in namespace NS, through a server
# that stays in NS (fwdprobe.py serve) so that scapy's import, 10-20 s of
# a TCG guest's CPU, is paid once per namespace and test rather than once
# per probe. The first probe in NS starts it; cleanup_netns stops it. The
# status is the probe's. Nothing polls (a process costs most of a second
# of the guest's CPU): the request waits in the open of the FIFO until
# the server reads it; if the server dies, the subshell that started it
# answers with status 125.
probe() {
	pdir=/tmp/probe.$1
	shift
	# The test first: mkdir is a process, the test a builtin.
	if [ ! -d "$pdir" ] && mkdir "$pdir" 2> /dev/null; then
		mkfifo "$pdir/in" "$pdir/out"
		# Started from a subshell, so that the caller's $! and wait
		# do not see it.
		( (
			ip netns exec "${pdir#/tmp/probe.}" python3 "$root/tools/testing/selftests/lib/fwdprobe.py" \
				serve "$pdir" < /dev/null > "$pdir/log" 2>&1 &
			echo $! > "$pdir/pid"
			wait $!
			# Take the request (opening a FIFO read-write does not wait
			# for a writer), answer once the client opens the answer.
			exec 3<> "$pdir/in"
			read -r _ <&3
			echo '.status 125' > "$pdir/out"
		) > /dev/null 2>&1 &
		echo $! > "$pdir/wpid" )
	fi
	echo "$*" > "$pdir/in"
	pstatus=1
	while IFS= read -r pline; do
		case "$pline" in
		".status "*) pstatus=${pline#.status } ;;
		*) printf '%s\n' "$pline" ;;
		esac
	done < "$pdir/out"
	[ "$pstatus" != 125 ] || { cat "$pdir/log" >&2; echo "the probe server in ${pdir#/tmp/probe.} died" >&2; }
	return "$pstatus"
}
probe_stop() {
	for pdir in /tmp/probe.*; do
		[ -d "$pdir" ] || continue
		# The subshell first: it would wait for a request once the server
		# is gone.
		for pid in wpid pid; do
			[ -e "$pdir/$pid" ] && kill "$(cat "$pdir/$pid")" 2> /dev/null
		done
		rm -rf "$pdir"
	done
}

# compare_answers KIND DST: `fwdprobe.py local KIND DST` from h1 through
# both routers; the answers (normalized) must be equal. They are left in
# /tmp/f.KIND and /tmp/l.KIND.
compare_answers() {
	pids=
	for p in f l; do
		probe ${p}h1 local "$1" "$2" > /tmp/$p.$1 &
		pids="$pids $!"
	done
	wait $pids
	echo "$1 $2: ferroute $(cat /tmp/f.$1)"
	echo "$1 $2: linux    $(cat /tmp/l.$1)"
	cmp -s /tmp/f.$1 /tmp/l.$1 || fail "$1 to $2: ferroute's answer differs from Linux's"
}

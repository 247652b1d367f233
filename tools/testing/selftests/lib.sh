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

# Read one counter from `ferctl stats`.
counter() {
	ferctl stats | awk -v n="$1" '$1 == n { print $2 }'
}

cleanup_netns() {
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
dmesg_clean() {
	! dmesg | grep -E 'BUG|WARNING|Oops|general protection|kmemleak: [0-9]+ new suspected|refcount_t|use-after-free|unregister_netdevice: waiting|ref_tracker:'
}

# A device reference left behind keeps unregister_netdevice waiting for
# ever; the kernel reports it ("unregister_netdevice: waiting for DEV",
# then who took each tracked reference) every
# net.core.netdev_unregister_timeout_secs, 10 s by default: make it 1 s.
quick_leak_reports() {
	sysctl -qw net.core.netdev_unregister_timeout_secs=1
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
			dmesg | grep -A 16 'unregister_netdevice: waiting' | tail -40
			return 1
		fi
		sleep 0.2
		n=$((n + 1))
	done
	wait $pid
}

# Read one counter from the router of namespace NS: ncounter NS NAME.
ncounter() {
	ip netns exec "$1" "$FERCTL" stats | awk -v n="$2" '$1 == n { print $2 }'
}

# The inode number of a named namespace (what `ferctl port list` shows).
netns_inum() {
	stat -L -c %i "/run/netns/$1"
}

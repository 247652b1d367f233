#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Configuration writers allocate with GFP_KERNEL, the packet path with
# GFP_ATOMIC. The kernel's kmem:kmalloc/kmem:kmalloc_node tracepoints show
# the flags of every allocation with its call site: while ferctl loads
# routes, addresses and rules (process context, RTNL held, outside any RCU
# read-side section), no allocation made by ferroute may be GFP_ATOMIC
# (which would drain the atomic reserves for a million-route load); while
# pings are forwarded, the neighbour queue and ICMP allocate with
# GFP_ATOMIC (the control: the trace does see ferroute's atomic
# allocations).
. "$(dirname "$0")/lib.sh"
load
ev=/sys/kernel/tracing
[ -d $ev/events/kmem ] || mount -t tracefs nodev $ev 2>/dev/null
[ -d $ev/events/kmem/kmalloc ] || fail "no kmem:kmalloc tracepoint in this kernel"

fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
fer_ns ns2 fer2 10.2.0.1/24 10.2.0.2/24
ip -n ns1 route add default via 10.1.0.1
ip -n ns2 route add default via 10.2.0.1

# trace FILE CMD...: run CMD with the kmalloc events on, keep those whose
# call site is Rust code in FILE: the kernel crate's allocator
# (ReallocFunc::call, which KBox/KVec/Arc call krealloc from) or ferroute
# itself. ferroute is the only Rust code that runs in this VM.
trace() {
	out=$1
	shift
	echo 0 > $ev/tracing_on
	echo > $ev/trace
	echo 1 > $ev/events/kmem/kmalloc/enable
	[ ! -d $ev/events/kmem/kmalloc_node ] || echo 1 > $ev/events/kmem/kmalloc_node/enable
	echo 1 > $ev/tracing_on
	"$@"
	rc=$?
	echo 0 > $ev/tracing_on
	echo 0 > $ev/events/kmem/kmalloc/enable
	[ ! -d $ev/events/kmem/kmalloc_node ] || echo 0 > $ev/events/kmem/kmalloc_node/enable
	grep -E 'call_site=[^ ]*(kernel5alloc9allocator|\[ferroute\])' $ev/trace > "$out"
	return $rc
}

python3 - > /tmp/af.batch <<'PY'
for i in range(2000):
    print(f'route add 10.{100 + i // 256}.{i % 256}.0/24 via 10.1.0.2 table 100')
for i in range(50):
    print(f'route add 10.200.{i}.0/24 nexthop via 10.1.0.2 nexthop via 10.2.0.2')
for i in range(20):
    print(f'rule add from 10.50.{i}.0/24 table 100 pref {1000 + i}')
for i in range(20):
    print(f'addr add 10.60.{i}.1/24 dev fer1')
PY
trace /tmp/af.cfg ferctl -batch /tmp/af.batch || fail "loading the configuration"
echo "configuration: $(wc -l < /tmp/af.cfg) kmalloc events from ferroute;" \
	"$(grep -c 'gfp_flags=GFP_KERNEL' /tmp/af.cfg) GFP_KERNEL," \
	"$(grep -c 'GFP_ATOMIC' /tmp/af.cfg) GFP_ATOMIC"
[ "$(grep -c 'gfp_flags=GFP_KERNEL' /tmp/af.cfg)" -ge 100 ] ||
	fail "too few of ferroute's configuration allocations traced to judge"
if grep -q 'GFP_ATOMIC' /tmp/af.cfg; then
	grep 'GFP_ATOMIC' /tmp/af.cfg | sed 's/.*call_site=//' | sort | uniq -c | head -5
	fail "a configuration writer allocated with GFP_ATOMIC"
fi

# The control: forwarding allocates atomically (first packets to a new
# neighbour wait in its queue; errors are built on the packet path).
trace /tmp/af.pkt ip netns exec ns1 ping -c 3 -i 0.2 -W 2 10.2.0.2 > /dev/null ||
	fail "ping through the router"
echo "forwarding: $(grep -c 'GFP_ATOMIC' /tmp/af.pkt) GFP_ATOMIC kmalloc events from ferroute"
grep -q 'GFP_ATOMIC' /tmp/af.pkt || fail "no atomic allocation traced on the packet path"
unload

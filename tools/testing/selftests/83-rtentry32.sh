#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 32-bit userspace: a -m32 program's SIOCADDRT/SIOCDELRT reach ferroute
# through compat_ioctl with the 32-bit struct rtentry (compat_rtentry, a
# 32-bit rt_dev), converted as inet_compat_routing_ioctl does. The same
# program runs against an AF_INET socket in a namespace with the same
# device and address (Linux's compat path); errors and the resulting main
# tables must agree.
. "$(dirname "$0")/lib.sh"
bin=$root/out/rtentry32
[ -x "$bin" ] || fail "$bin missing (make selftest-bins)"
file_says=$(od -An -tx1 -j4 -N1 "$bin" | tr -d ' ')
[ "$file_says" = 01 ] || fail "$bin is not a 32-bit ELF"
load
ip link add d0 type dummy
ip link set d0 up
ferctl port add d0 || fail "port add d0"
ferctl addr add 10.1.0.1/24 dev d0 || fail "addr add"
ip netns add lx
ip -n lx link add d0 type dummy
ip -n lx addr add 10.1.0.1/24 dev d0
ip -n lx link set d0 up

"$bin" dev > /tmp/fer.out || fail "rtentry32 dev"
ip netns exec lx "$bin" sock > /tmp/linux.out || fail "rtentry32 sock"
paste /tmp/linux.out /tmp/fer.out | awk '{ printf "%-22s linux %-13s ferroute %s\n", $1, $2, $4 }'
cmp -s /tmp/linux.out /tmp/fer.out || fail "errors differ from Linux's"
grep -q '^gateway-route OK$' /tmp/fer.out || fail "no route added through the compat path"
grep -q '^unknown-dev ENODEV$' /tmp/fer.out || fail "rt_dev not read through its 32-bit pointer"

ferctl -j route list > /tmp/fer.json
ip -n lx -j route show table main > /tmp/linux.json
python3 "$root/tools/testing/selftests/lib/main_tables.py" /tmp/linux.json /tmp/fer.json ||
	fail "main tables differ"
ip netns del lx
ip link del d0
unload

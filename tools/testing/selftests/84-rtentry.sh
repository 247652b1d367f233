#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /dev/ferroute takes SIOCADDRT/SIOCDELRT (struct rtentry, as net-tools'
# route sends) and answers as Linux's ip_rt_ioctl: the same cases go to
# /dev/ferroute and to an AF_INET socket in a namespace with the same
# device and address; errors and the resulting main tables must agree.
. "$(dirname "$0")/lib.sh"
rt=$(dirname "$0")/lib/rtentry.py
load
[ -c /dev/ferroute ] || fail "/dev/ferroute missing"
ip link add d0 type dummy
ip link set d0 up
ferctl port add d0 || fail "port add d0"
ferctl addr add 10.1.0.1/24 dev d0 || fail "addr add"
ip netns add lx
ip -n lx link add d0 type dummy
ip -n lx addr add 10.1.0.1/24 dev d0
ip -n lx link set d0 up

python3 "$rt" dev > /tmp/fer.out || fail "rtentry.py dev"
ip netns exec lx python3 "$rt" sock > /tmp/linux.out || fail "rtentry.py sock"
paste /tmp/linux.out /tmp/fer.out | awk '{ printf "%-22s linux %-13s ferroute %s\n", $1, $2, $4 }'
cmp -s /tmp/linux.out /tmp/fer.out || fail "errors differ from Linux's"
# The cases cover every error ip_rt_ioctl gives here.
for e in OK EEXIST EAFNOSUPPORT EINVAL ENODEV ENETUNREACH EFAULT ESRCH; do
	grep -q " $e\$" /tmp/fer.out || fail "no case gave $e"
done

# Same routes in the main tables.
ferctl -j route list > /tmp/fer.json
ip -n lx -j route show table main > /tmp/linux.json
python3 "$root/tools/testing/selftests/lib/main_tables.py" /tmp/linux.json /tmp/fer.json ||
	fail "main tables differ"

# Unprivileged: EPERM from both.
setpriv --reuid=65534 --regid=65534 --clear-groups python3 "$rt" dev host-route > /tmp/fer.out
ip netns exec lx setpriv --reuid=65534 --regid=65534 --clear-groups python3 "$rt" sock host-route > /tmp/linux.out
grep -q 'host-route EPERM' /tmp/fer.out || fail "unprivileged ioctl not EPERM: $(cat /tmp/fer.out)"
cmp -s /tmp/linux.out /tmp/fer.out || fail "unprivileged: differs from Linux"
ip link del d0
unload

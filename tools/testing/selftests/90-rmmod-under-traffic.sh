#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unloading ferroute while both kinds of port carry pings is clean: rmmod
# succeeds, no oops, no warning, and the devices are gone. ferroute keeps no
# reference to the port it detached: deleting it afterwards does not wait
# (a leaked reference would be reported with the stack that took it).
. "$(dirname "$0")/lib.sh"
quick_leak_reports
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
veth_ns ns2 veth0 veth1 10.2.0.1/24 10.2.0.2/24
ip netns exec ns1 ping -i 0.01 -W 1 10.1.0.1 > /dev/null 2>&1 &
p1=$!
ip netns exec ns2 ping -i 0.01 -W 1 10.2.0.1 > /dev/null 2>&1 &
p2=$!
sleep 2
finishes 120 rmmod ferroute || fail "rmmod under traffic"
sleep 0.5
kill $p1 $p2 2>/dev/null
ip -n ns1 link show fer1 2>/dev/null && fail "fer1 survived rmmod"
ip link show veth0 > /dev/null || fail "veth0 vanished"
finishes 20 ip link del veth0 || fail "a reference to veth0 outlived ferroute"
dmesg_clean || fail "kernel log shows a problem"

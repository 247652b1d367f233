#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Martian sources and destinations are dropped and counted as Linux counts
# them (the in_martian_src/in_martian_dst columns of
# /proc/net/stat/rt_cache, no IPSTATS counter), a broadcast to the subnet is
# counted InBcastPkts and not answered (icmp_echo_ignore_broadcasts), and a
# source with no route back is accepted (rp_filter 0, Linux's default).
# Linux routes the same frames in the same topology; the counter deltas
# must be equal.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2 (two_routers)
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers

# Linux's rt_cache column NAME, summed over CPUs (hex per CPU).
rtcache() {
	python3 -c "
import sys
lines = open('/proc/net/stat/rt_cache').read().split('\\n')
col = lines[0].split().index(sys.argv[1])
print(sum(int(l.split()[col], 16) for l in lines[1:] if l.strip()))" "$1"
}
fcount() { fr_count "$1"; }
lcount() { lr_count "$1"; }

f0_src=$(fcount rt_cache.in_martian_src); f0_dst=$(fcount rt_cache.in_martian_dst)
f0_bc=$(fcount IpExtInBcastPkts); f0_ae=$(fcount IpInAddrErrors); f0_rp=$(fcount TcpExtIPReversePathFilter)
mac=$(ip -n fh1 neigh show 10.1.0.1 | awk '{ print $5 }')
probe fh1 martians fr1 "$mac" || fail "ferroute: sending"
sleep 1
f_src=$(($(fcount rt_cache.in_martian_src) - f0_src)); f_dst=$(($(fcount rt_cache.in_martian_dst) - f0_dst))
f_bc=$(($(fcount IpExtInBcastPkts) - f0_bc)); f_ae=$(($(fcount IpInAddrErrors) - f0_ae))
f_rp=$(($(fcount TcpExtIPReversePathFilter) - f0_rp))

l0_src=$(rtcache in_martian_src); l0_dst=$(rtcache in_martian_dst)
l0_bc=$(lcount IpExtInBcastPkts); l0_ae=$(lcount IpInAddrErrors); l0_rp=$(lcount TcpExtIPReversePathFilter)
mac=$(ip -n lh1 neigh show 10.1.0.1 | awk '{ print $5 }')
probe lh1 martians fr1 "$mac" || fail "linux: sending"
sleep 1
l_src=$(($(rtcache in_martian_src) - l0_src)); l_dst=$(($(rtcache in_martian_dst) - l0_dst))
l_bc=$(($(lcount IpExtInBcastPkts) - l0_bc)); l_ae=$(($(lcount IpInAddrErrors) - l0_ae))
l_rp=$(($(lcount TcpExtIPReversePathFilter) - l0_rp))

set +x
echo "in_martian_src        ferroute $f_src linux $l_src"
echo "in_martian_dst        ferroute $f_dst linux $l_dst"
echo "IpExtInBcastPkts         ferroute $f_bc linux $l_bc"
echo "IpInAddrErrors        ferroute $f_ae linux $l_ae"
echo "IPReversePathFilter   ferroute $f_rp linux $l_rp"
set -x
# 127.0.0.5, 224.1.2.3 and the router's own address; 0.0.0.7 is unicast
# since Linux 5.3 (and 0.1.2.3 as a destination has no route).
[ "$f_src" -eq 3 ] || fail "ferroute counted $f_src martian sources, not 3"
[ "$f_src" -eq "$l_src" ] && [ "$f_dst" -eq "$l_dst" ] && [ "$f_bc" -eq "$l_bc" ] &&
	[ "$f_ae" -eq "$l_ae" ] && [ "$f_rp" -eq "$l_rp" ] || fail "counter deltas differ from Linux's"

# A source with no route back (rp_filter 0): h1 sends from 10.99.0.1, the
# router answers (the reply finds no route, but the request was accepted).
before=$(fcount IcmpInEchos)
ip -n fh1 addr add 10.99.0.1/32 dev fr1
ip netns exec fh1 ping -c 1 -W 2 -I 10.99.0.1 10.1.0.1 > /dev/null
[ "$(fcount IcmpInEchos)" -eq $((before + 1)) ] || fail "a source without a route back was refused"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

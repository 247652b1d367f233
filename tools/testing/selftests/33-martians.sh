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

# Each router's counters, read whole before and after its probe (a
# process costs most of a second under TCG): ferctl stats for ferroute;
# for Linux nstat, and its rt_cache columns (/proc/net/stat/rt_cache,
# hex per CPU) summed over CPUs under ferctl's names.
fstats() { "$FERCTL" -n fr stats > "$1"; }
lstats() {
	{
		ip netns exec lr nstat -az
		python3 -c "
lines = open('/proc/net/stat/rt_cache').read().split('\\n')
for name in ('in_martian_src', 'in_martian_dst'):
    col = lines[0].split().index(name)
    print('rt_cache.' + name, sum(int(l.split()[col], 16) for l in lines[1:] if l.strip()))"
	} > "$1"
}
# deltas BEFORE AFTER SIDE: "SIDE_src=N SIDE_dst=N ..." (increases), to eval.
deltas() {
	awk -v side="$3" 'BEGIN {
			want["rt_cache.in_martian_src"] = "src"; want["rt_cache.in_martian_dst"] = "dst"
			want["IpExtInBcastPkts"] = "bc"; want["IpInAddrErrors"] = "ae"
			want["TcpExtIPReversePathFilter"] = "rp"
		}
		NR == FNR { then[$1] = $2; next }
		$1 in want { printf "%s_%s=%d\n", side, want[$1], $2 - then[$1] }' "$1" "$2"
}

fstats /tmp/f.before
mac=$(ip -n fh1 neigh show 10.1.0.1 | awk '{ print $5 }')
probe fh1 martians fr1 "$mac" || fail "ferroute: sending"
sleep 1
fstats /tmp/f.after
eval "$(deltas /tmp/f.before /tmp/f.after f)"

lstats /tmp/l.before
mac=$(ip -n lh1 neigh show 10.1.0.1 | awk '{ print $5 }')
probe lh1 martians fr1 "$mac" || fail "linux: sending"
sleep 1
lstats /tmp/l.after
eval "$(deltas /tmp/l.before /tmp/l.after l)"

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
before=$(fr_count IcmpInEchos)
ip -n fh1 addr add 10.99.0.1/32 dev fr1
ip netns exec fh1 ping -c 1 -W 2 -I 10.99.0.1 10.1.0.1 > /dev/null
[ "$(fr_count IcmpInEchos)" -eq $((before + 1)) ] || fail "a source without a route back was refused"

cleanup_netns
unload
dmesg_clean || fail "kernel log has warnings"

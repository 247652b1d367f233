#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# alone
# timeout: 300
# The neighbour state machine against Linux's, on the same traffic
# (two_routers; both sides at once). h2 takes a new MAC and announces it
# in an ARP request for another address: each router's entry for h2 turns
# STALE with the new MAC (neigh_update overrides it: the entry was not
# updated within locktime). h2 then stops answering ARP, and h1 pings h2
# 20 times a second for 10 s through the router: the first packet moves
# the entry to DELAY; after delay_first_probe_time (5 s) it is PROBE and
# the router sends 3 unicast requests, retrans_time apart; unanswered,
# it is FAILED, and the next packet starts a new resolution by broadcast
# (INCOMPLETE, mcast_solicit 3) that fails after the traffic ended, its
# queued packets earning h1 rate-limited ICMP host unreachables. Last, h2
# answers again and one ping makes the entry REACHABLE. Compared with
# Linux: the entry as `ip neigh` shows it at each step, the states it went
# through (sampled every 0.2 s), the router's ARP requests h2 saw (unicast
# or broadcast, in order), the unreachables sent and received, and that
# every packet was counted forwarded.
#
#   h1 10.1.0.2 --- 10.1.0.1 [router] 10.2.0.1 --- 10.2.0.2 h2 (two_routers)
. "$(dirname "$0")/lib.sh"
load
set -x
two_routers
newmac=02:00:00:00:02:22

# entry NAME STATE: both routers' entry for h2, which must be equal (h2's
# first, random MAC written H2MAC, ip's trailing blank dropped) and in
# STATE.
for p in f l; do
	eval "mac_$p=\$(ip -n ${p}h2 -br link show vb | awk '{ print \$3 }')"
done
entry() {
	"$FERCTL" -n fr neigh list | grep '^10\.2\.0\.2 ' |
		sed -e "s/$mac_f/H2MAC/" -e 's/ *$//' > /tmp/f.neigh
	ip -n lr neigh show | grep '^10\.2\.0\.2 ' |
		sed -e "s/$mac_l/H2MAC/" -e 's/ *$//' > /tmp/l.neigh
	echo "$1: ferroute: $(cat /tmp/f.neigh)"
	echo "$1: linux:    $(cat /tmp/l.neigh)"
	cmp -s /tmp/f.neigh /tmp/l.neigh || fail "$1: ferroute's entry for h2 differs from Linux's"
	grep -q " $2\$" /tmp/f.neigh || fail "$1: not $2"
}
entry resolved REACHABLE

# The router's ARP requests as h2 sees them: "B" broadcast, "U" unicast
# (to the new MAC), with the time since the capture started.
for p in f l; do
	ip netns exec ${p}h2 tcpdump -i vb -nn -e -tt -l 'arp[6:2] = 1' > /tmp/$p.arp 2> /dev/null &
	eval "tcpd_$p=\$!"
done
sleep 2

for p in f l; do
	ip -n ${p}h2 link set vb address $newmac || fail "$p: h2's new MAC"
	ip netns exec ${p}h2 ping -c 1 -W 1 10.2.0.99 > /dev/null
	# Stops h2's own resolution of 10.2.0.99 and its answers.
	ip -n ${p}h2 link set vb arp off || fail "$p: arp off"
done
entry "new MAC announced" STALE

# hcount P NAME: counter NAME of side P's h1.
hcount() { nstat_count ${1}h1 "$2"; }
rm -f /tmp/stop
snapshot_counters IcmpOutDestUnreachs
for p in f l; do
	eval "fwd_$p=\$(${p}r_count IpForwDatagrams)"
	eval "echo_$p=\$(hcount $p IcmpOutEchos)"
	eval "unreach_$p=\$(hcount $p IcmpInDestUnreachs)"
done
# Both routers' state for h2 every 0.2 s, a line each in /tmp/P.states,
# sampled by one process until /tmp/stop exists.
rm -f /tmp/states.ready
mkfifo /tmp/states.ready
# If it fails before READY, opening the FIFO read-write (which never
# blocks) lets the wait for READY end.
{
	python3 "$(dirname "$0")/lib/neighstates.py" 10.2.0.2 /tmp /tmp/states.ready /tmp/stop ||
		{ : 1<> /tmp/states.ready; exit 1; }
} &
states=$!
: < /tmp/states.ready
for p in f l; do
	ip netns exec ${p}h1 ping -n -q -i 0.05 -w 10 10.2.0.2 > /dev/null 2>&1 &
	eval "ping_$p=\$!"
done
wait $ping_f $ping_l
# The broadcast resolution that began after the probes failed ends 3 s
# after it began.
sleep 4
touch /tmp/stop
wait $states || fail "the state sampler failed"
# The states each router went through, each once: FAILED between the
# probes and the next broadcast resolution lasts until the next packet
# (50 ms), less than a sample's period, and is left out.
for p in f l; do
	uniq /tmp/$p.states | tr '\n' ' ' | sed -e 's/PROBE FAILED INCOMPLETE/PROBE INCOMPLETE/' \
		-e 's/ $//' > /tmp/$p.seq
done
echo "states: ferroute $(cat /tmp/f.seq)"
echo "states: linux    $(cat /tmp/l.seq)"
cmp -s /tmp/f.seq /tmp/l.seq || fail "ferroute's states differ from Linux's"
[ "$(cat /tmp/f.seq)" = "STALE DELAY PROBE INCOMPLETE FAILED" ] ||
	fail "not STALE DELAY PROBE INCOMPLETE FAILED"
entry "failed" FAILED
# arpseq: the ARP requests so far, as "B"/"U" in order (in
# /tmp/P.arpseq), and printed with their times since the first.
arpseq() {
	for p in f l; do
		awk '/tell 10\.2\.0\.1,/ {
			if (t0 == 0) t0 = $1
			kind = ($4 == "ff:ff:ff:ff:ff:ff,") ? "B" : "U"
			seq = seq kind; times = times sprintf(" %s%.1f", kind, $1 - t0)
		} END { print seq > ("/tmp/" p ".arpseq"); print p ":" times }' p=$p /tmp/$p.arp
	done
	echo "ARP requests: ferroute $(cat /tmp/f.arpseq), linux $(cat /tmp/l.arpseq)"
}
arpseq
for p in f l; do
	eval "fwd_$p=\$((\$(${p}r_count IpForwDatagrams) - fwd_$p))"
	eval "echo_$p=\$((\$(hcount $p IcmpOutEchos) - echo_$p))"
	eval "unreach_$p=\$((\$(hcount $p IcmpInDestUnreachs) - unreach_$p))"
done
echo "h1 sent: ferroute $echo_f, linux $echo_l; forwarded: ferroute $fwd_f, linux $fwd_l"
echo "host unreachables h1 received: ferroute $unreach_f, linux $unreach_l"
compare_deltas
# Every packet is forwarded (IpForwDatagrams counts before the
# neighbour: those dropped with an unreachable too).
[ "$fwd_f" -eq "$echo_f" ] || fail "ferroute forwarded $fwd_f of $echo_f"
[ "$fwd_l" -eq "$echo_l" ] || fail "Linux forwarded $fwd_l of $echo_l"
[ "$unreach_f" -eq "$unreach_l" ] ||
	fail "h1 received $unreach_f host unreachables through ferroute, $unreach_l through Linux"
[ "$unreach_f" -gt 0 ] || fail "no host unreachable"
cmp -s /tmp/f.arpseq /tmp/l.arpseq || fail "the router's ARP requests differ from Linux's"
grep -qx 'UUUBBB' /tmp/f.arpseq || fail "not 3 unicast probes, then 3 broadcasts"

# h2 answers again: the next packet resolves the entry by broadcast.
for p in f l; do
	ip -n ${p}h2 link set vb arp on || fail "$p: arp on"
	ip netns exec ${p}h1 ping -c 1 -W 5 10.2.0.2 > /dev/null || fail "$p: ping after arp on"
done
entry "answered again" REACHABLE
sleep 1
kill $tcpd_f $tcpd_l
wait $tcpd_f $tcpd_l 2> /dev/null
arpseq
cmp -s /tmp/f.arpseq /tmp/l.arpseq || fail "the router's ARP requests differ from Linux's"
echo ok

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A namespace on the far end of a veth whose near end is attached to
# ferroute pings ferroute: five replies; tcpdump on the veth shows
# ferroute's ARP reply and its echo replies.
. "$(dirname "$0")/lib.sh"
load
veth_ns ns2 veth0 veth1 10.2.0.1/24 10.2.0.2/24
ip netns exec ns2 tcpdump -n -U -i veth1 -w /tmp/cap.pcap 2>/dev/null &
dump=$!
sleep 1
ip netns exec ns2 ping -c 5 -i 0.2 -W 2 10.2.0.1 | tee /tmp/ping.out
sleep 1
kill $dump; wait $dump 2>/dev/null
grep -q '5 packets transmitted, 5 received' /tmp/ping.out || fail "expected 5 replies"
tcpdump -n -r /tmp/cap.pcap 2>/dev/null | tee /tmp/cap.txt
grep -q 'ARP, Reply 10.2.0.1 is-at' /tmp/cap.txt || fail "no ARP reply from ferroute"
[ "$(grep -c '10.2.0.1 > 10.2.0.2: ICMP echo reply' /tmp/cap.txt)" -ge 5 ] || fail "fewer than 5 echo replies on the wire"
# The kernel's own stack never saw these packets: it has no address here.
[ -z "$(ip -4 addr show dev veth0)" ] || fail "veth0 got a kernel address"
unload

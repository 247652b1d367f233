#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tcpdump on the attached port itself (a tap on the transmitting device):
# dev_queue_xmit_nit checks that every packet ferroute sends has its network
# header inside the data, else it logs "protocol 0800 is buggy". ferroute
# answers pings and ARP, and ARPs for a sender it does not know; the kernel
# log must stay free of "is buggy" lines.
. "$(dirname "$0")/lib.sh"
load
log_lines=$(dmesg | wc -l)
veth_ns ns2 veth0 veth1 10.2.0.1/24 10.2.0.2/24
router_mac=$(cat /sys/class/net/veth0/address)
tcpdump -n -U -i veth0 -w /tmp/port.pcap 2>/dev/null &
dump=$!
sleep 1
# An ARP request from ns2 and echo replies to it.
ip netns exec ns2 ping -c 3 -i 0.2 -W 2 10.2.0.1 | tee /tmp/ping.out
grep -q '3 packets transmitted, 3 received' /tmp/ping.out || fail "expected 3 replies"
# An echo request from an address ferroute has not learnt: it sends an ARP
# request of its own first.
ip netns exec ns2 ip addr add 10.2.0.9/24 dev veth1
ip netns exec ns2 python3 - "$router_mac" <<'PY'
import sys
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp
sendp(Ether(dst=sys.argv[1]) / IP(src="10.2.0.9", dst="10.2.0.1") / ICMP(id=7, seq=1) / Raw(b"x" * 8),
      iface="veth1", verbose=False)
PY
sleep 2
kill $dump; wait $dump 2>/dev/null
tcpdump -n -r /tmp/port.pcap 2>/dev/null | tee /tmp/port.txt
grep -q 'ARP, Reply 10.2.0.1 is-at' /tmp/port.txt || fail "no ARP reply from ferroute on the tap"
grep -q 'ARP, Request who-has 10.2.0.9 tell 10.2.0.1' /tmp/port.txt || fail "no ARP request from ferroute on the tap"
[ "$(grep -c '10.2.0.1 > 10.2.0.2: ICMP echo reply' /tmp/port.txt)" -ge 3 ] || fail "fewer than 3 echo replies on the tap"
grep -q '10.2.0.1 > 10.2.0.9: ICMP echo reply' /tmp/port.txt || fail "no echo reply after ferroute's ARP request"
dmesg | tail -n +$((log_lines + 1)) | grep 'is buggy' && fail "the kernel found ferroute's packets buggy"
unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VLAN isolation: an ARP request and an ICMP echo request tagged with a VID
# that has no vlan device on the attached port reach ferroute's handlers as
# PACKET_OTHERHOST with the tag stripped (__netif_receive_skb_core). ferroute
# must not answer them across the VLAN. The echo request is dropped as
# ip_rcv_core drops it: counted in the port's rx_otherhost_dropped, not in
# IpInReceives; the ARP request is ignored uncounted, as arp_rcv ignores it.
# Untagged traffic still gets answers afterwards.
. "$(dirname "$0")/lib.sh"
load
veth_ns ns2 veth0 veth1 10.2.0.1/24 10.2.0.2/24
router_mac=$(cat /sys/class/net/veth0/address)

# rx_otherhost_dropped of a device, from `ip -s -s -j link` (iproute2 prints
# it as "otherhost" only when it is not zero).
otherhost() {
	ip -s -s -j link show dev "$1" | python3 -c '
import json, sys
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("otherhost", "otherhost_dropped"):
                return v
            r = find(v)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
    return None
print(find(json.load(sys.stdin)) or 0)'
}

oh=$(otherhost veth0); inrcv=$(counter IpInReceives); arpreq=$(counter ArpInRequests)
echo "before: otherhost=$oh IpInReceives=$inrcv ArpInRequests=$arpreq"

ip netns exec ns2 tcpdump -n -U -e -i veth1 -w /tmp/vlan.pcap 2>/dev/null &
dump=$!
sleep 1
ip netns exec ns2 python3 - "$router_mac" <<'PY'
import sys, time
from scapy.arch import get_if_hwaddr
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp
router = sys.argv[1]
peer = get_if_hwaddr("veth1")
arp = (Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) / Dot1Q(vlan=5) /
       ARP(op="who-has", hwsrc=peer, psrc="10.2.0.2", pdst="10.2.0.1"))
echo = (Ether(dst=router, src=peer) / Dot1Q(vlan=5) /
        IP(src="10.2.0.2", dst="10.2.0.1") / ICMP(id=0x4242, seq=1) / Raw(b"vlan5"))
sendp(arp, iface="veth1", verbose=False)
time.sleep(0.5)
sendp(echo, iface="veth1", verbose=False)
PY
sleep 2
kill $dump; wait $dump 2>/dev/null
tcpdump -n -e -r /tmp/vlan.pcap 2>/dev/null | tee /tmp/vlan.txt
grep -q 'vlan 5.*Request who-has 10.2.0.1 tell 10.2.0.2' /tmp/vlan.txt || fail "the tagged ARP request was not sent"
grep -q 'vlan 5.*ICMP echo request' /tmp/vlan.txt || fail "the tagged echo request was not sent"
! grep -q 'Reply 10.2.0.1 is-at' /tmp/vlan.txt || fail "ferroute answered an ARP request from VLAN 5"
! grep -q 'ICMP echo reply' /tmp/vlan.txt || fail "ferroute answered an echo request from VLAN 5"
! grep -q 'tell 10.2.0.1' /tmp/vlan.txt || fail "ferroute resolved a VLAN 5 sender"

ferctl stats | grep -E '^(IpInReceives|ArpInRequests) '
echo "after: otherhost=$(otherhost veth0)"
[ "$(otherhost veth0)" -eq $((oh + 1)) ] || fail "the echo request was not counted in veth0's rx_otherhost_dropped once"
[ "$(counter IpInReceives)" -eq "$inrcv" ] || fail "an OTHERHOST packet was counted in IpInReceives"
[ "$(counter ArpInRequests)" -eq "$arpreq" ] || fail "an OTHERHOST ARP request was processed"

# Untagged, the same link is ferroute's.
ip netns exec ns2 ping -c 2 -i 0.2 -W 2 10.2.0.1 | tee /tmp/ping.out
grep -q '2 packets transmitted, 2 received' /tmp/ping.out || fail "untagged ping failed"
unload

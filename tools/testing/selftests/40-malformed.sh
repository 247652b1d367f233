#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Malformed IPv4 sent with scapy onto an attached port is dropped and counted
# by reason, as ip_rcv_core counts it.
. "$(dirname "$0")/lib.sh"
load
veth_ns ns2 veth0 veth1 10.2.0.1/24 10.2.0.2/24
ip netns exec ns2 ping -c 1 -W 2 10.2.0.1 > /dev/null || fail "baseline ping"
router_mac=$(ip netns exec ns2 ip neigh show 10.2.0.1 | awk '{print $5}')
[ -n "$router_mac" ] || fail "no neighbour entry for the router"
csum=$(counter IpExtInCsumErrors); hdr=$(counter IpInHdrErrors); trunc=$(counter IpExtInTruncatedPkts)
ip netns exec ns2 python3 - "$router_mac" <<'PY'
import sys
from scapy.compat import raw
from scapy.layers.inet import IP, ICMP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp
mac = sys.argv[1]
eth = Ether(dst=mac, type=0x0800)
good = IP(src="10.2.0.2", dst="10.2.0.1") / ICMP() / Raw(b"x" * 32)
# bad header checksum
sendp(eth / IP(raw(good)[:10] + b"\xde\xad" + raw(good)[12:]), iface="veth1", verbose=False)
# ihl 4 (< 5)
b = bytearray(raw(good)); b[0] = 0x44
sendp(eth / Raw(bytes(b)), iface="veth1", verbose=False)
# version 6 in an IPv4 ethertype
b = bytearray(raw(good)); b[0] = 0x65
sendp(eth / Raw(bytes(b)), iface="veth1", verbose=False)
# truncated: tot_len larger than what arrived (frame padded to 60 bytes)
b = bytearray(raw(good)); b[2:4] = (200).to_bytes(2, "big")
import struct
b[10:12] = b"\0\0"
s = sum(struct.unpack("!10H", bytes(b[:20])))
while s >> 16: s = (s & 0xffff) + (s >> 16)
b[10:12] = struct.pack("!H", ~s & 0xffff)
sendp(eth / Raw(bytes(b)), iface="veth1", verbose=False)
PY
sleep 0.5
ferctl stats
[ "$(counter IpExtInCsumErrors)" -eq $((csum + 1)) ] || fail "InCsumErrors not counted once"
[ "$(counter IpInHdrErrors)" -eq $((hdr + 3)) ] || fail "InHdrErrors not counted for csum, ihl and version"
[ "$(counter IpExtInTruncatedPkts)" -eq $((trunc + 1)) ] || fail "InTruncatedPkts not counted"
unload

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flood a router with TTL-1 packets and count the time exceeded errors.

usage: icmpflood.py IFACE ROUTER_MAC DST N RATE

Sends N ICMP echo requests with TTL 1 to DST through the router at
ROUTER_MAC, as Ethernet frames from IFACE, at RATE packets a second (paced
in 10 ms slots). Each comes from its own source address, 10.50.0.0 + i, so
that the router's per-peer limit (six errors at once for a new peer) never
binds and only its global limit (icmp_msgs_per_sec, icmp_msgs_burst) does;
the router must route 10.50.0.0/16 back through IFACE's host. The errors
come back to IFACE; a packet socket bound there counts them after the
flood.

Prints "sent N seconds T errors E": T from the first frame sent to the
last.
"""

import socket
import struct
import sys
import time

# The frames are built by hand, as flood.py's: scapy's import and a scapy
# packet per frame took most of a minute per flood under TCG.
from flood import csum, ip_header

ETH_P_IP = 0x0800
SO_RCVBUFFORCE = 33


def main():
    iface, router_mac, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    n, rate = int(sys.argv[4]), int(sys.argv[5])
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))
    eth = bytes.fromhex(router_mac.replace(':', '')) + tx.getsockname()[4] + b'\x08\x00'
    dst = socket.inet_aton(dst)
    frames = []
    for i in range(n):
        # An echo request (id 0x5151, sequence i, 16 zero bytes) with TTL 1.
        echo = struct.pack('!BBHHH', 8, 0, 0, 0x5151, i & 0xffff) + bytes(16)
        echo = echo[:2] + struct.pack('!H', csum(echo)) + echo[4:]
        src = bytes((10, 50, i >> 8 & 255, i & 255))
        frames.append(eth + ip_header(src, dst, 1, 20 + len(echo), i & 0xffff, 0, 1) + echo)

    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    rx.bind((iface, ETH_P_IP))
    per_slot = max(1, rate // 100)
    start = time.monotonic()
    for i in range(0, n, per_slot):
        slot = start + i / rate
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        for f in frames[i:i + per_slot]:
            tx.send(f)
    took = time.monotonic() - start
    # Errors still in the router's queues arrive within a second.
    time.sleep(1.5)

    rx.setblocking(False)
    errors = 0
    while True:
        try:
            ip = rx.recv(2048)
        except BlockingIOError:
            break
        ihl = (ip[0] & 0x0f) * 4
        if len(ip) > ihl and ip[9] == 1 and ip[ihl] == 11 and ip[16:18] == b'\x0a\x32':
            errors += 1
    print(f'sent {n} seconds {took:.3f} errors {errors}')


if __name__ == '__main__':
    main()

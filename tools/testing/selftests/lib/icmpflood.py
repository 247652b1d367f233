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
import sys
import time

from scapy.all import ICMP, IP, Ether, Raw, conf, get_if_hwaddr

conf.verb = 0
ETH_P_IP = 0x0800
SO_RCVBUFFORCE = 33


def main():
    iface, router_mac, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    n, rate = int(sys.argv[4]), int(sys.argv[5])
    mac = get_if_hwaddr(iface)
    frames = [
        bytes(Ether(src=mac, dst=router_mac)
              / IP(src=f'10.50.{i >> 8 & 255}.{i & 255}', dst=dst, ttl=1, id=i)
              / ICMP(id=0x5151, seq=i) / Raw(bytes(16)))
        for i in range(n)
    ]

    rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    rx.bind((iface, ETH_P_IP))
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((iface, 0))

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

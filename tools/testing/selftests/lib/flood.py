#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flood a router with frames built by hand (fast: no scapy per frame).

usage: flood.py KIND IFACE ROUTER_MAC SRC DST N [SEED]

Sends N Ethernet frames from IFACE to ROUTER_MAC, as fast as the packet
socket takes them. KIND:

  neigh  UDP datagrams from SRC to random addresses of the /16 of DST
         (DST's first two bytes, the last two random, never .0.0 or
         .255.255): the router creates a neighbour entry for each new one.
  frag   first fragments (offset 0, MF, 1,400 bytes of UDP) from SRC to
         DST, each of its own datagram (IP id 0..65535, then the protocol
         changes): none ever completes.
  ttl    UDP datagrams from SRC to DST with TTL 1: each asks for a time
         exceeded error.

Prints "sent N seconds T". Fails if a send waits 5 s: the frames sent
before still take up the socket's send buffer, as they do when the
router keeps them (queued for reassembly or ARP) without orphaning them.
"""

import random
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack(f'!{len(b) // 2}H', b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_header(src, dst, proto, total, ident, frag, ttl):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, total, ident, frag, ttl, proto, 0,
                    src, dst)
    return h[:10] + struct.pack('!H', csum(h)) + h[12:]


def main():
    kind, iface, rmac, src, dst, n = sys.argv[1:7]
    n = int(n)
    rng = random.Random(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
    src, dst = socket.inet_aton(src), socket.inet_aton(dst)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    # A send that waits this long means our send buffer is full of frames
    # the receiver still holds: a router must orphan what it keeps, as
    # ip_rcv_core does.
    s.settimeout(5)
    mac = s.getsockname()[4]
    eth = bytes.fromhex(rmac.replace(':', '')) + mac + b'\x08\x00'
    udp = struct.pack('!HHHH', 4000, 9, 8 + 18, 0) + bytes(18)
    frames = []
    if kind == 'neigh':
        for _ in range(n):
            while True:
                a, b = rng.randrange(256), rng.randrange(256)
                if (a, b) not in ((0, 0), (255, 255)):
                    break
            d = dst[:2] + bytes((a, b))
            frames.append(eth + ip_header(src, d, 17, 20 + len(udp), 0, 0x4000, 64) + udp)
    elif kind == 'frag':
        payload = struct.pack('!HHHH', 4000, 9, 8 + 2000, 0) + bytes(1392)
        for i in range(n):
            proto = 17 if i < 65536 else 253
            frames.append(eth + ip_header(src, dst, proto, 20 + len(payload),
                                          i & 0xffff, 0x2000, 64) + payload)
    elif kind == 'ttl':
        for i in range(n):
            frames.append(eth + ip_header(src, dst, 17, 20 + len(udp), i & 0xffff,
                                          0, 1) + udp)
    else:
        sys.exit(f'unknown kind {kind}')
    t0 = time.monotonic()
    sent = 0
    for f in frames:
        while True:
            try:
                s.send(f)
                break
            except socket.timeout:
                sys.exit(f'send blocked for 5 s after {sent} frames: the receiver holds them')
            except BlockingIOError:
                time.sleep(0.001)
            except OSError as e:
                if e.errno != 105:  # ENOBUFS: wait for the queue
                    raise
                time.sleep(0.001)
        sent += 1
    print(f'sent {sent} seconds {time.monotonic() - t0:.2f}')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal multicast routing daemon for Linux's ipmr, driven by a test.

usage: mrd.py DEV... < COMMANDS

Opens the multicast routing socket (MRT_INIT on a raw IGMP socket, as
mrouted, pimd and smcroute do), makes each DEV a VIF (index 0, 1, ... in
the order given), then prints each upcall the kernel sends it as

    nocache (SRC, GROUP) vif N

(IGMPMSG_NOCACHE: ipmr_cache_report), and carries out the commands read
from standard input, a line each:

    add SRC GROUP IIF_VIF OIF_VIF...   MRT_ADD_MFC, thresholds 1
    quit                               close the socket (MRT_DONE)

Unlike smcroute, it installs nothing by itself: the test decides when an
upcall is answered, so that Linux's unresolved queue can be compared with
ferroute's. Prints "ready" once the VIFs exist.
"""

import os
import select
import socket
import struct
import sys

MRT_INIT, MRT_DONE, MRT_ADD_VIF, MRT_ADD_MFC = 200, 201, 202, 204
VIFF_USE_IFINDEX = 0x8
IGMPMSG_NOCACHE = 1
MAXVIFS = 32


def add_mfc(s, src, group, iif, oifs):
    ttls = bytearray(MAXVIFS)
    for o in oifs:
        ttls[o] = 1
    # struct mfcctl, native alignment: 60 bytes.
    mfc = struct.pack('@4s4sH32sIIIi', socket.inet_aton(src),
                      socket.inet_aton(group), iif, bytes(ttls), 0, 0, 0, 0)
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC, mfc)


def main():
    devs = sys.argv[1:]
    if not devs:
        sys.exit(__doc__)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, struct.pack('i', 1))
    for i, dev in enumerate(devs):
        # struct vifctl: vifi, flags, threshold, rate limit, ifindex, remote.
        vif = struct.pack('@HBBIi4s', i, VIFF_USE_IFINDEX, 1, 0,
                          socket.if_nametoindex(dev), bytes(4))
        s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, vif)
    print('ready', flush=True)
    stdin = sys.stdin.fileno()
    while True:
        r, _, _ = select.select([s, stdin], [], [])
        if s in r:
            msg = s.recv(65535)
            # struct igmpmsg overlays an IP header: im_mbz (the protocol
            # byte) is 0 for an upcall, a real IGMP packet has 2 there.
            if len(msg) >= 20 and msg[9] == 0 and msg[8] == IGMPMSG_NOCACHE:
                src = socket.inet_ntoa(msg[12:16])
                dst = socket.inet_ntoa(msg[16:20])
                print(f'nocache ({src}, {dst}) vif {msg[10]}', flush=True)
        if stdin in r:
            line = os.read(stdin, 4096).decode()
            if not line:
                break
            for cmd in line.splitlines():
                w = cmd.split()
                if w[:1] == ['add']:
                    add_mfc(s, w[1], w[2], int(w[3]), [int(o) for o in w[4:]])
                    print('added', flush=True)
                elif w[:1] == ['quit']:
                    s.setsockopt(socket.IPPROTO_IP, MRT_DONE, struct.pack('i', 1))
                    return


if __name__ == '__main__':
    main()

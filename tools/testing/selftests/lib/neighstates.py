#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Samples both routers' neighbour entry for one address, every 0.2 s.

usage: neighstates.py ADDR OUTDIR READY STOP

For selftest 48 (two_routers): ferroute's neighbour cache through its
generic netlink family (neigh-get) in namespace fr, Linux's through
rtnetlink (RTM_GETNEIGH) in namespace lr. Each sample appends the state
of ADDR's entry, as ferctl and ip name it (REACHABLE, STALE, ...; nothing
when there is no entry), as a line to OUTDIR/f.states and OUTDIR/l.states.
Sampling starts once READY (a FIFO the caller waits on) has been opened
for writing and ends when the file STOP exists.

One process does what a shell loop of ip, ferctl and awk did: under TCG
a process start costs most of a second, so that loop sampled every 2-3 s
and could miss a state of 3 s (PROBE, INCOMPLETE).
"""

import os
import socket
import struct
import sys
import time

import nlraw
from netns import in_netns

NETLINK_ROUTE = 0
RTM_NEWNEIGH, RTM_GETNEIGH = 28, 30
NDA_DST = 1
# Linux's NUD_* bits, and ferroute's neigh-state enum (its YAML spec).
NUD = {0x01: 'INCOMPLETE', 0x02: 'REACHABLE', 0x04: 'STALE', 0x08: 'DELAY',
       0x10: 'PROBE', 0x20: 'FAILED', 0x40: 'NOARP', 0x80: 'PERMANENT'}
FER_STATE = {1: 'INCOMPLETE', 2: 'REACHABLE', 3: 'STALE', 4: 'FAILED', 5: 'DELAY',
             6: 'PROBE'}
A_NEIGH_STATE = 9
PERIOD = 0.2


def rtnl_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.bind((0, 0))
    return s


def linux_state(sock, addr):
    """ip neigh's state names of addr's entry, or None."""
    ndmsg = struct.pack('=BBHiHBB', socket.AF_INET, 0, 0, 0, 0, 0, 0)
    sock.send(struct.pack('=IHHII', nlraw.NLMSG_HDRLEN + len(ndmsg), RTM_GETNEIGH,
                          nlraw.NLM_F_REQUEST | nlraw.NLM_F_DUMP, 1, 0) + ndmsg)
    found = None
    while True:
        for ty, _flags, body in nlraw.split(sock.recv(1 << 16)):
            if ty == nlraw.NLMSG_DONE:
                return found
            if ty == nlraw.NLMSG_ERROR:
                raise OSError(-struct.unpack_from('=i', body)[0], 'RTM_GETNEIGH')
            if ty != RTM_NEWNEIGH or len(body) < 12:
                continue
            state = struct.unpack_from('=H', body, 8)[0]
            for aty, val in nlraw.parse_attrs(body[12:]):
                if aty == NDA_DST and val == addr:
                    found = ' '.join(n for bit, n in NUD.items() if state & bit) or 'NONE'


def ferroute_state(genl, addr):
    """ferctl's state name of addr's entry, or None."""
    _, entries = genl.dump(nlraw.CMD_NEIGH_GET)
    for attrs in entries:
        a = dict(attrs)
        if a.get(nlraw.A_ADDRESS) == addr and A_NEIGH_STATE in a:
            return FER_STATE.get(a[A_NEIGH_STATE][0], '?')
    return None


def main():
    addr, outdir, ready, stop = sys.argv[1:5]
    addr = socket.inet_aton(addr)
    genl = in_netns('/run/netns/fr', nlraw.Genl)
    rtnl = in_netns('/run/netns/lr', rtnl_socket)
    with open(f'{outdir}/f.states', 'w') as f, open(f'{outdir}/l.states', 'w') as lx:
        with open(ready, 'w'):
            pass
        while not os.path.exists(stop):
            start = time.monotonic()
            for out, state in ((f, ferroute_state(genl, addr)), (lx, linux_state(rtnl, addr))):
                if state is not None:
                    out.write(state + '\n')
                    out.flush()
            time.sleep(max(0.0, PERIOD - (time.monotonic() - start)))


if __name__ == '__main__':
    main()

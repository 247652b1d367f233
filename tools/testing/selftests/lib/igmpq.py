#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IGMP querier checks for 38-igmp-querier.sh.

usage: igmpq.py send IFACE READY GO SRC@OFFSET...
       igmpq.py queries PCAP T0 FROM
       igmpq.py udp PCAP T0 GROUP

send: sends from IFACE, for each SRC@OFFSET, an IGMPv3 general query from
SRC to 224.0.0.1, as another querier on the link would (Router Alert, TTL
1), OFFSET seconds after the time (seconds since the epoch) that the file
GO holds. Creates the file READY once it is ready and waits for GO: a
python3 start takes seconds in a loaded TCG guest, so it must happen
before the clock starts.

queries: the IGMP queries FROM sent in the capture PCAP (tcpdump, Ethernet),
one line each: the time since T0 (seconds, 2 decimals), "general" or the
group, and the frame in hex without its source MAC address (the two
routers' differ; everything else is compared).

udp: the time since T0 of each UDP datagram to GROUP in PCAP, a line each.
"""

import os
import socket
import struct
import sys
import time

from flood import csum  # the Internet checksum, flood.py beside this file


def query(src):
    """An IGMPv3 general query from src, as the Linux bridge builds one."""
    igmp = bytearray(struct.pack('!BBH4sBBH', 0x11, 10, 0, bytes(4), 2, 4, 0))
    struct.pack_into('!H', igmp, 2, csum(bytes(igmp)))
    ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x46, 0xc0, 24 + len(igmp), 0,
                               0x4000, 1, 2, 0, socket.inet_aton(src),
                               socket.inet_aton('224.0.0.1')))
    ip += b'\x94\x04\x00\x00'
    struct.pack_into('!H', ip, 10, csum(bytes(ip)))
    return bytes(ip + igmp)


def send(iface, ready, go, *plan):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    mac = s.getsockname()[4]
    sends = []
    for step in plan:
        src, offset = step.split('@')
        sends.append((float(offset), bytes.fromhex('01005e000001') + mac + b'\x08\x00' + query(src)))
    open(ready, 'w').close()
    # Polled here, not by starting processes: cheap even under TCG.
    while not os.path.exists(go):
        time.sleep(0.02)
    with open(go) as f:
        t0 = float(f.read())
    for offset, frame in sorted(sends):
        delay = t0 + offset - time.time()
        if delay > 0:
            time.sleep(delay)
        s.send(frame)


def frames(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
    at = 24
    while at + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + 'IIII', data[at:at + 16])
        at += 16
        yield sec + frac / (1e9 if nano else 1e6), data[at:at + incl]
        at += incl


def queries(path, t0, src):
    t0 = float(t0)
    for t, f in frames(path):
        if len(f) < 34 or f[12:14] != b'\x08\x00':
            continue
        ip = f[14:]
        ihl = (ip[0] & 0x0f) * 4
        if ip[9] != 2 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        igmp = ip[ihl:]
        if not igmp or igmp[0] != 0x11:
            continue
        group = socket.inet_ntoa(igmp[4:8])
        kind = 'general' if group == '0.0.0.0' else group
        print(f'{t - t0:.2f} {kind} {(f[:6] + f[12:]).hex()}')


def udp(path, t0, group):
    t0 = float(t0)
    for t, f in frames(path):
        if len(f) < 34 or f[12:14] != b'\x08\x00':
            continue
        ip = f[14:]
        if ip[9] == 17 and socket.inet_ntoa(ip[16:20]) == group:
            print(f'{t - t0:.2f}')


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == 'send':
        send(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == 'queries':
        queries(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == 'udp':
        udp(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()

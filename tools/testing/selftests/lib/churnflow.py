#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams for the route churn check (lib/churn.sh).

usage: churnflow.py LOG RATE PORT DST...

Sends RATE datagrams a second, in turn to each DST, until SIGTERM or
SIGINT. A DST is an address, or "follow:DIR" for the churned /24s: the
address .1 of the /24 that the update being made changes. DIR holds the
updates, DIR/batch.0, DIR/batch.1, ... (1,000 lines each, each run by a
ferctl of its own), and DIR/sends, the count of ferctl's netlink sends
so far that nltime.so keeps: one for the family look-up, then one per
line; the datagram goes to the first /24 of a line at or after the one
being run (or, past the last, of the last). Every datagram is built
whole (raw socket, IP_HDRINCL) so that it can be told apart wherever it
is seen, an ICMP error's quote included:

  - the IP identification is (seq mod 65535) + 1;
  - the source address is 10.1.0.(2 + seq mod 4): four flows, so that a
    multipath route may spread them over its next hops (the hash is of
    the addresses only);
  - the UDP destination port is PORT, the payload the 32-bit seq and 8
    zero bytes.

seq counts from 0 over all destinations. At the end LOG gets one line
per datagram, "seq time dst" (time from time.time(), the CLOCK_REALTIME
of the VM that tcpdump and strace use too, taken just before the send)
and "churnflow: sent N failed F" is printed; a failed send is logged with
time "-" (nothing left the host).
"""

import mmap
import os
import signal
import socket
import struct
import sys
import time


def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def follow(d):
    """The /24 of the update under way, over and over (see the top)."""
    lines = []
    i = 0
    while os.path.exists(os.path.join(d, f'batch.{i}')):
        lines.extend(ln.split() for ln in open(os.path.join(d, f'batch.{i}')) if ln.strip())
        i += 1
    # For each line, the /24 of the first /24 line at or after it.
    nxt, last = [None] * len(lines), None
    for j in range(len(lines) - 1, -1, -1):
        if lines[j][2].endswith('/24'):
            last = lines[j][2]
        nxt[j] = last
    last = next((w[2] for w in reversed(lines) if w[2].endswith('/24')), None)
    with open(os.path.join(d, 'sends'), 'rb') as f:
        count = mmap.mmap(f.fileno(), 8, prot=mmap.PROT_READ)
    while True:
        n, = struct.unpack('=Q', count[:8])
        # n sends made: ferctl's batch n // 1001, line n % 1001 - 1 of it
        # (0 being the family look-up) is done or under way.
        j = n // 1001 * 1000 + max(n % 1001 - 1, 0)
        p = nxt[j] if j < len(nxt) and nxt[j] else last
        yield p.rsplit('.', 1)[0] + '.1'


def destinations(specs):
    """One generator of addresses per DST, cycled."""
    out = []
    for spec in specs:
        if spec.startswith('follow:'):
            out.append(follow(spec[7:]))
        else:
            def fixed(a=spec):
                while True:
                    yield a
            out.append(fixed())
    return out


def main():
    log, rate, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    dsts = destinations(sys.argv[4:])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sent = failed = seq = 0
    rows = []
    gap = 1.0 / rate
    nxt = time.monotonic()
    while not stop:
        dst = next(dsts[seq % len(dsts)])
        src = '10.1.0.%d' % (2 + seq % 4)
        udp = struct.pack('!HHHH', 40000 + seq % 4, port, 20, 0) + struct.pack('!IQ', seq, 0)
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), seq % 65535 + 1,
                          0x4000, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
        hdr = hdr[:10] + struct.pack('!H', checksum(hdr)) + hdr[12:]
        t = time.time()
        try:
            s.sendto(hdr + udp, (dst, 0))
            sent += 1
            rows.append('%d %.6f %s' % (seq, t, dst))
        except OSError:
            failed += 1
            rows.append('%d - %s' % (seq, dst))
        seq += 1
        nxt += gap
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
        else:
            nxt = time.monotonic()
    with open(log, 'w') as f:
        f.write('\n'.join(rows) + '\n')
    print(f'churnflow: sent {sent} failed {failed}', flush=True)


if __name__ == '__main__':
    main()

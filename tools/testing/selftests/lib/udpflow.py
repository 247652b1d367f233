#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A steady UDP flow that survives its path going away.

usage: udpflow.py DST PORT RATE

Sends a 64-byte datagram to DST:PORT RATE times a second until SIGTERM
or SIGINT, ignoring send errors (no route while the router is unloaded,
no device while it is being recreated), then prints
"udpflow: sent N failed F".
"""

import signal
import socket
import sys
import time


def main():
    dst, port, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    payload = bytes(64)
    sent = failed = 0
    gap = 1.0 / rate
    nxt = time.monotonic()
    while not stop:
        try:
            s.sendto(payload, (dst, port))
            sent += 1
        except OSError:
            failed += 1
        nxt += gap
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
        else:
            nxt = time.monotonic()
    print(f'udpflow: sent {sent} failed {failed}', flush=True)


if __name__ == '__main__':
    main()

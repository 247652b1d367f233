#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""usage: udp_refused.py HOST PORT

A connected UDP socket sends one datagram to HOST:PORT and waits up to 5 s:
exit 0 if the kernel reports ECONNREFUSED (an ICMP port unreachable came
back), 1 otherwise.
"""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
s.send(b'x')
try:
    s.recv(10)
except ConnectionRefusedError:
    print('refused, as Linux refuses')
    sys.exit(0)
except OSError:
    pass
sys.exit(1)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What skb->mark a UDP datagram arrives with.

usage: markrecv.py recv PORT READY   (prints the mark of the first datagram
                                      to PORT, or "none"; creates READY when
                                      listening)
       markrecv.py send DST PORT MARK (sends one datagram with SO_MARK)

The receiver asks for the mark with SO_RCVMARK (Linux 5.19+), the sender
sets it with SO_MARK. A router between two network namespaces must not
carry a mark from one into the other: Linux's veth scrubs it
(skb_scrub_packet with xnet).
"""

import socket
import struct
import sys

SO_MARK = 36
SO_RCVMARK = 75


def main():
    if sys.argv[1] == 'recv':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, SO_RCVMARK, 1)
        s.bind(('0.0.0.0', int(sys.argv[2])))
        s.settimeout(10)
        open(sys.argv[3], 'w').close()
        try:
            _, anc, _, _ = s.recvmsg(2048, socket.CMSG_SPACE(4))
        except socket.timeout:
            print('none')
            return 0
        mark = 0
        for level, ty, data in anc:
            if level == socket.SOL_SOCKET and ty == SO_MARK:
                mark = struct.unpack('=I', data[:4])[0]
        print(hex(mark))
    elif sys.argv[1] == 'send':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, int(sys.argv[4], 0))
        s.sendto(b'marked', (sys.argv[2], int(sys.argv[3])))
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())

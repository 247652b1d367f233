#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A route dump interrupted by a change is flagged NLM_F_DUMP_INTR.

usage: dumpintr.py TABLE COMMAND...

Dumps route-list of TABLE with page-sized receive buffers. After the first
datagram it runs COMMAND (a change to the router, e.g. a ferctl route add),
then reads the rest. Prints "entries E parts P intr-before I intr-after J":
E entries in P datagrams, of which the messages that arrived before the
change carried NLM_F_DUMP_INTR I times and those after it J times. Without
COMMAND nothing is changed.
"""

import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402

NLM_F_DUMP_INTR = 0x10


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    table, command = int(sys.argv[1]), sys.argv[2:]
    nl = nlraw.Genl(bufsize=4096)
    nl.sock.send(nl.message(nl.family, nlraw.CMD_ROUTE_LIST, nlraw.u32(nlraw.A_TABLE, table),
                            nlraw.NLM_F_REQUEST | nlraw.NLM_F_ACK | nlraw.NLM_F_DUMP))
    parts, entries, intr = 0, 0, [0, 0]
    changed = False
    while True:
        msgs = nl.messages()
        parts += 1
        for ty, flags, payload in msgs:
            if ty == nlraw.NLMSG_ERROR:
                raise OSError(-struct.unpack_from('=i', payload)[0], 'dump')
            if flags & NLM_F_DUMP_INTR:
                intr[1 if changed else 0] += 1
            if ty == nlraw.NLMSG_DONE:
                print(f'entries {entries} parts {parts} intr-before {intr[0]} intr-after {intr[1]}')
                return 0
            entries += 1
        if command and not changed:
            subprocess.run(command, check=True)
            changed = True


if __name__ == '__main__':
    sys.exit(main())

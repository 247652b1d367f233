#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Audit the privileges of ferroute's generic netlink family.

usage: privaudit.py

Reads the family's operations from the kernel (CTRL_CMD_GETFAMILY:
CTRL_ATTR_OPS, each with its command and flags) and sends every one:
as a request (with an empty body) if it has a doit, as a dump if it has
a dumpit. Prints one line per request:

    CMD NAME do|dump FLAGS ERRNO

FLAGS: "admin" for GENL_UNS_ADMIN_PERM (CAP_NET_ADMIN over the
namespace's user namespace), "-" otherwise. Run it as anyone: the caller
compares the answers with what the privilege it ran with allows. The
kernel checks the permission before the request's attributes, so an
empty body is answered EPERM by an admin operation for a caller without
the capability, and by something else (success, EINVAL, a missing
attribute) otherwise.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402

CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_OP_FLAGS = 2
GENL_ADMIN_PERM = 0x01
GENL_CMD_CAP_DO = 0x02
GENL_CMD_CAP_DUMP = 0x04
GENL_UNS_ADMIN_PERM = 0x10

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    '../../../../Documentation/netlink/specs/ferroute.yaml')


def names():
    """Command number -> name, numbered as the spec numbers its
    operations (in order from 1, or from an explicit value)."""
    import yaml
    with open(SPEC) as f:
        listed = yaml.safe_load(f)['operations']['list']
    out, nr = {}, 1
    for op in listed:
        nr = op.get('value', nr)
        out[nr] = op['name']
        nr += 1
    return out


NAMES = names()


def ops(nl):
    msg = nl.message(nlraw.GENL_ID_CTRL, nlraw.CTRL_CMD_GETFAMILY,
                     nlraw.string(nlraw.CTRL_ATTR_FAMILY_NAME, 'ferroute'),
                     nlraw.NLM_F_REQUEST)
    nl.sock.send(msg)
    out = []
    for ty, _flags, payload in nl.messages():
        if ty == nlraw.NLMSG_ERROR:
            sys.exit('GETFAMILY failed')
        for aty, val in nlraw.parse_attrs(payload[nlraw.GENL_HDRLEN:]):
            if aty != CTRL_ATTR_OPS:
                continue
            for _i, op in nlraw.parse_attrs(val):
                a = dict(nlraw.parse_attrs(op))
                out.append((struct.unpack('=I', a[CTRL_ATTR_OP_ID])[0],
                            struct.unpack('=I', a[CTRL_ATTR_OP_FLAGS])[0]))
    return out


def main():
    nl = nlraw.Genl()
    found = ops(nl)
    if not found:
        sys.exit('no operations')
    for cmd, flags in sorted(found):
        admin = 'admin' if flags & (GENL_UNS_ADMIN_PERM | GENL_ADMIN_PERM) else '-'
        kinds = []
        if flags & GENL_CMD_CAP_DO:
            kinds.append(('do', nlraw.REQ))
        if flags & GENL_CMD_CAP_DUMP:
            kinds.append(('dump', nlraw.REQ | nlraw.NLM_F_DUMP))
        for kind, mflags in kinds:
            ack = nl.send(nl.message(nl.family, cmd, b'', mflags))
            print(f'{cmd} {NAMES.get(cmd, "?")} {kind} {admin} {ack.line(b"").split()[0]}')


if __name__ == '__main__':
    main()

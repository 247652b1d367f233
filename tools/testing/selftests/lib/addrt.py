#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Add one gateway route with SIOCADDRT on /dev/ferroute.

usage: addrt.py DST MASK GATEWAY

Prints OK or the errno name; exits 0 on success, 1 on failure.
"""

import ctypes
import errno
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rtentry  # noqa: E402


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dst, mask, gw = sys.argv[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
    fd = os.open('/dev/ferroute', os.O_RDONLY)
    rt = rtentry.rtentry(dst, mask, gw, flags=rtentry.GW)
    ret = libc.ioctl(fd, rtentry.SIOCADDRT, ctypes.cast(ctypes.pointer(rt), ctypes.c_void_p))
    err = ctypes.get_errno()
    print('OK' if ret == 0 else errno.errorcode.get(err, str(err)))
    return 0 if ret == 0 else 1


if __name__ == '__main__':
    sys.exit(main())

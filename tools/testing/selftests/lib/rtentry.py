#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""SIOCADDRT/SIOCDELRT cases, sent to /dev/ferroute or to Linux.

usage: rtentry.py dev|sock [CASE...]

Sends each case's struct rtentry with ioctl(2) (through libc, so that bad
pointers can be passed too) to /dev/ferroute ("dev") or to an AF_INET
socket of the current network namespace ("sock", Linux's own ip_rt_ioctl),
and prints one line per case: NAME ERRNO-NAME (OK for success). Run both
ways and compare: Linux is the oracle. Without CASE, every case runs in
order; they build on each other (add, duplicate, delete ...).
"""

import ctypes
import errno
import os
import socket
import sys

SIOCADDRT = 0x890B
SIOCDELRT = 0x890C
RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_REJECT = 0x1, 0x2, 0x4, 0x200


class SockAddr(ctypes.Structure):
    _fields_ = [('family', ctypes.c_ushort), ('data', ctypes.c_ubyte * 14)]


class RtEntry(ctypes.Structure):
    """struct rtentry (include/uapi/linux/route.h), native layout."""
    _fields_ = [
        ('rt_pad1', ctypes.c_ulong),
        ('rt_dst', SockAddr),
        ('rt_gateway', SockAddr),
        ('rt_genmask', SockAddr),
        ('rt_flags', ctypes.c_ushort),
        ('rt_pad2', ctypes.c_short),
        ('rt_pad3', ctypes.c_ulong),
        ('rt_pad4', ctypes.c_void_p),
        ('rt_metric', ctypes.c_short),
        ('rt_dev', ctypes.c_void_p),
        ('rt_mtu', ctypes.c_ulong),
        ('rt_window', ctypes.c_ulong),
        ('rt_irtt', ctypes.c_ushort),
    ]


def sockaddr(addr, family=socket.AF_INET):
    s = SockAddr()
    s.family = family
    # sockaddr_in: port (2 bytes), then the address.
    for i, b in enumerate(b'\0\0' + socket.inet_aton(addr)):
        s.data[i] = b
    return s


def rtentry(dst, mask='0.0.0.0', gw=None, flags=RTF_UP, metric=0, dev=None,
            dst_family=socket.AF_INET, mask_family=socket.AF_INET, dev_ptr=None):
    rt = RtEntry()
    rt.rt_dst = sockaddr(dst, dst_family)
    rt.rt_genmask = sockaddr(mask, mask_family)
    if gw:
        rt.rt_gateway = sockaddr(gw)
    rt.rt_flags = flags
    rt.rt_metric = metric
    if dev is not None:
        # Padded so a 15-byte read stays inside the buffer.
        rt._dev = ctypes.create_string_buffer(dev.encode().ljust(16, b'\0'))
        rt.rt_dev = ctypes.addressof(rt._dev)
    if dev_ptr is not None:
        rt.rt_dev = dev_ptr
    return rt


GW = RTF_UP | RTF_GATEWAY
CASES = [
    ('gateway-route', SIOCADDRT, dict(dst='10.2.0.0', mask='255.255.0.0', gw='10.1.0.254',
                                      flags=GW, metric=11, dev='d0')),
    ('duplicate', SIOCADDRT, dict(dst='10.2.0.0', mask='255.255.0.0', gw='10.1.0.254',
                                  flags=GW, metric=11, dev='d0')),
    ('second-gateway', SIOCADDRT, dict(dst='10.2.0.0', mask='255.255.0.0', gw='10.1.0.253',
                                       flags=GW, metric=11)),
    ('host-route', SIOCADDRT, dict(dst='10.3.0.5', flags=RTF_UP | RTF_HOST, dev='d0')),
    ('reject-route', SIOCADDRT, dict(dst='10.4.0.0', mask='255.255.0.0',
                                     flags=RTF_UP | RTF_REJECT)),
    ('default-route', SIOCADDRT, dict(dst='0.0.0.0', gw='10.1.0.254', flags=GW,
                                      mask_family=0)),
    ('ipv6-family', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', dst_family=10)),
    ('mask-family', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', mask_family=0)),
    ('noncontiguous-mask', SIOCADDRT, dict(dst='10.5.0.0', mask='255.0.255.0', dev='d0')),
    ('host-bits', SIOCADDRT, dict(dst='10.5.0.1', mask='255.255.0.0', dev='d0')),
    ('unknown-dev', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', dev='nosuch')),
    ('alias-label', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', dev='d0:1')),
    ('gateway-flag-only', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', flags=GW)),
    ('gateway-off-link', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', gw='10.9.9.9',
                                         flags=GW)),
    ('bad-dev-pointer', SIOCADDRT, dict(dst='10.5.0.0', mask='255.255.0.0', dev_ptr=8)),
    ('bad-pointer', SIOCADDRT, None),
    ('delete-wrong-metric', SIOCDELRT, dict(dst='10.2.0.0', mask='255.255.0.0',
                                            gw='10.1.0.253', flags=GW, metric=12)),
    ('delete', SIOCDELRT, dict(dst='10.2.0.0', mask='255.255.0.0', gw='10.1.0.253',
                               flags=GW, metric=11)),
    ('delete-again', SIOCDELRT, dict(dst='10.2.0.0', mask='255.255.0.0', gw='10.1.0.253',
                                     flags=GW, metric=11)),
    ('delete-reject', SIOCDELRT, dict(dst='10.4.0.0', mask='255.255.0.0',
                                      flags=RTF_UP | RTF_REJECT)),
    ('delete-missing', SIOCDELRT, dict(dst='10.6.0.0', mask='255.255.0.0')),
]


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('dev', 'sock'):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
    if sys.argv[1] == 'dev':
        fd = os.open('/dev/ferroute', os.O_RDONLY)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        fd = sock.fileno()
    wanted = set(sys.argv[2:])
    for name, cmd, fields in CASES:
        if wanted and name not in wanted:
            continue
        if fields is None:
            arg = ctypes.c_void_p(8)
        else:
            rt = rtentry(**fields)
            arg = ctypes.cast(ctypes.pointer(rt), ctypes.c_void_p)
        ret = libc.ioctl(fd, cmd, arg)
        err = ctypes.get_errno()
        print(f'{name} {"OK" if ret == 0 else errno.errorcode.get(err, err)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

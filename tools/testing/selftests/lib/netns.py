# SPDX-License-Identifier: GPL-2.0
"""Entering network namespaces from a test's Python process.

A socket belongs to the namespace its process was in when it was opened,
and keeps it: a test opens its sockets in each namespace it needs and
comes back, in one process (under TCG a process start costs most of a
second, so `ip netns exec` per step is what these helpers avoid).
"""

import ctypes
import os

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    """Moves this thread into the network namespace at path (a
    /run/netns/NAME or /proc/PID/ns/net file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f'setns {path}')
    finally:
        os.close(fd)


def in_netns(path, make):
    """make() run in the network namespace at path, then back in this
    thread's own: sockets make() opens stay in path's namespace."""
    home = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    try:
        setns(path)
        return make()
    finally:
        if libc.setns(home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns back')
        os.close(home)

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


def setns_fd(fd, what='setns'):
    """Moves this thread into the network namespace of fd (an open
    namespace file)."""
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), what)


def setns(path):
    """Moves this thread into the network namespace at path (a
    /run/netns/NAME or /proc/PID/ns/net file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        setns_fd(fd, f'setns {path}')
    finally:
        os.close(fd)


def own():
    """An open file of this thread's network namespace now, to come back
    to with setns_fd."""
    return os.open('/proc/thread-self/ns/net', os.O_RDONLY)


def in_netns(path, make):
    """make() run in the network namespace at path, then back in this
    thread's own: sockets make() opens stay in path's namespace."""
    home = own()
    try:
        setns(path)
        return make()
    finally:
        setns_fd(home, 'setns back')
        os.close(home)

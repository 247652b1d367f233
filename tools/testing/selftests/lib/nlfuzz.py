#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzzing of the ferroute generic netlink family.

usage: nlfuzz.py COUNT SEED [IFNAME [IOCTLS]]

Sends COUNT requests to the family, each with NLM_F_REQUEST | NLM_F_ACK
(and NLM_F_DUMP one time in four), built from seeds: nlraw.py's malformed
(BAD) and well-formed (GOOD) cases, plus a valid request for every command
of the family (1 to 21) naming IFNAME (default fer1, which must carry
10.1.0.1/24). Each request is a seed mutated one to four times: its
command replaced (any of 0..24), attributes added (random type 0..70 with
a random 0..12 byte payload, or a random nest), removed, duplicated or
truncated, bytes flipped, lengths of attributes changed, the genetlink
version or reserved field changed. fib-bench requests keep at most 4096
keys (a benchmark of 16 M keys runs for minutes under TCG); nlmsg_len is
always true (netlink itself drops a message that lies about it, silently).

Checks, for every request:
- it is answered, with an errno or success (an ACK, or a dump's DONE,
  within 10 s), or refused by sendmsg with an errno;
- a request answered with an error leaves the configuration unchanged:
  the dumps of routes (every table), rules, tables, ports, addresses and
  the settings are identical before and after it.

Then IOCTLS (default COUNT / 4) ioctls on /dev/ferroute: SIOCADDRT and
SIOCDELRT (and now and then another request number) with a struct rtentry
of random addresses, masks, families, flags, metrics and rt_dev (NULL, a
port's name, an unknown name, an unterminated 64-byte string, a bad
pointer), or a bad pointer for the whole struct. Each must return 0 or an
errno, and a failed one must leave the configuration unchanged.

Prints the unexpected, then "nlfuzz: N messages fuzzed, K answered OK,
E errors (top errnos), U unanswered, C changed by a refused request",
"nlfuzz: N ioctls fuzzed, K OK, E errors (top errnos), C changed by a
refused ioctl", and exits 1 if U or C is not 0.
"""

import collections
import ctypes
import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402
from rtentry import RTF_GATEWAY, RTF_HOST, RTF_REJECT, RTF_UP, SIOCADDRT, SIOCDELRT, RtEntry  # noqa: E402
from nlraw import (A_ADDRESS, A_GATEWAY, A_IFNAME, A_METRIC, A_PREFIXLEN,  # noqa: E402
                   A_PRIORITY, A_RULE_ACTION, A_TABLE, A_BENCH_KEYS, A_FORWARDING,
                   A_RP_FILTER, A_UDP_ECHO, NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP,
                   NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, Genl, ip, nla, string, u8, u32)

REQ = NLM_F_REQUEST | NLM_F_ACK
CMD_FIB_BENCH = 17
CMD_ROUTE_ADD_BATCH = 40
A_ROUTE_BATCH = 102


def route_batch(*routes, deletes=()):
    """A route-batch nest: one route nest (attribute 1, an add) for each of
    routes, then one route-del nest (2) for each of deletes."""
    entries = [nla(1 | NLA_F_NESTED, r) for r in routes]
    entries += [nla(2 | NLA_F_NESTED, d) for d in deletes]
    return nla(A_ROUTE_BATCH | NLA_F_NESTED, b''.join(entries))


def valid_seeds(ifname):
    """A plausible request for every command of the family."""
    dev = string(A_IFNAME, ifname)
    dst = ip(A_ADDRESS, '10.60.0.0') + u8(A_PREFIXLEN, 16)
    return [
        (1, string(A_IFNAME, 'lo')),                             # port-add
        (2, string(A_IFNAME, 'nosuch0')),                        # port-del
        (3, b''),                                                # port-get (dump)
        (4, dev + ip(A_ADDRESS, '10.61.0.1') + u8(A_PREFIXLEN, 24)),   # addr-add
        (5, dev + ip(A_ADDRESS, '10.61.0.1') + u8(A_PREFIXLEN, 24)),   # addr-del
        (6, b''),                                                # addr-get
        (7, b''),                                                # stats-get
        (8, b''),                                                # neigh-get
        (9, dst + dev),                                          # route-add
        (9, dst + ip(A_GATEWAY, '10.1.0.2') + u32(A_METRIC, 5) + u32(A_TABLE, 100)),
        (10, dst + u32(A_TABLE, 100)),                           # route-del
        (11, ip(A_ADDRESS, '10.60.1.1')),                        # route-get
        (12, u32(A_TABLE, 254)),                                 # route-list
        (13, u32(A_PRIORITY, 900) + u8(A_RULE_ACTION, 1) + u32(A_TABLE, 100)),  # rule-add
        (14, u32(A_PRIORITY, 900)),                              # rule-del
        (15, b''),                                               # rule-list
        (16, b''),                                               # table-list
        (17, u32(A_BENCH_KEYS, 64)),                             # fib-bench
        (18, u32(A_TABLE, 100)),                                 # table-del
        (19, dev + u8(A_RP_FILTER, 2) + u8(A_FORWARDING, 1)),    # port-set
        (20, b''),                                               # conf-get
        (21, u8(A_UDP_ECHO, 1)),                                 # conf-set
        # route-add-batch: two routes; one with host bits set (refused whole)
        (CMD_ROUTE_ADD_BATCH, route_batch(dst + dev, ip(A_ADDRESS, '10.62.0.0') + u8(A_PREFIXLEN, 16) + dev)),
        (CMD_ROUTE_ADD_BATCH, route_batch(ip(A_ADDRESS, '10.63.0.0') + u8(A_PREFIXLEN, 16) + dev,
                                          ip(A_ADDRESS, '10.64.0.1') + u8(A_PREFIXLEN, 16) + dev)),
        # an add and the deletion of a route that may or may not be there
        (CMD_ROUTE_ADD_BATCH, route_batch(ip(A_ADDRESS, '10.65.0.0') + u8(A_PREFIXLEN, 16) + dev,
                                          deletes=[dst + dev])),
    ]


def attrs_of(buf):
    """Top-level attributes as raw byte strings (each padded)."""
    out, pos = [], 0
    while pos + 4 <= len(buf):
        ln, _ = struct.unpack_from('=HH', buf, pos)
        if ln < 4 or pos + ln > len(buf):
            out.append(buf[pos:])
            break
        end = pos + nlraw.align(ln)
        out.append(buf[pos:end])
        pos = end
    return out


def random_attr(rng):
    ty = rng.choice([rng.randrange(71), rng.randrange(71), A_ROUTE_BATCH])
    if rng.random() < 0.15:
        inner = b''.join(random_attr(rng) for _ in range(rng.randrange(3)))
        return nla(ty | NLA_F_NESTED, inner)
    size = rng.choice([0, 1, 2, 4, 4, 4, 8, 12, rng.randrange(40)])
    if rng.random() < 0.3:
        payload = rng.choice([b'fer1\0', b'lo\0', b'nosuch0\0', socket.inet_aton('10.1.0.2')])
    else:
        payload = bytes(rng.choice([0, 1, 0xff, rng.randrange(256)]) for _ in range(size))
    return nla(ty, payload)


def mutate(rng, cmd, attrs, flags):
    hdr = bytearray(struct.pack('=BBH', cmd, 1, 0))
    parts = attrs_of(attrs)
    for _ in range(rng.randrange(1, 5)):
        k = rng.randrange(9)
        if k == 0:
            hdr[0] = rng.choice([rng.randrange(25), CMD_ROUTE_ADD_BATCH])
        elif k == 1 and parts:
            del parts[rng.randrange(len(parts))]
        elif k == 2:
            parts.insert(rng.randrange(len(parts) + 1), random_attr(rng))
        elif k == 3 and parts:
            parts.append(parts[rng.randrange(len(parts))])
        elif k == 4 and parts:
            i = rng.randrange(len(parts))
            p = bytearray(parts[i])
            if p:
                p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
            parts[i] = bytes(p)
        elif k == 5 and parts:
            # An attribute length that lies (within the message).
            i = rng.randrange(len(parts))
            p = bytearray(parts[i])
            if len(p) >= 4:
                struct.pack_into('=H', p, 0, rng.choice([0, 3, 4, 5, len(p) + 4, 0xffff]))
            parts[i] = bytes(p)
        elif k == 6 and parts:
            i = rng.randrange(len(parts))
            parts[i] = parts[i][:rng.randrange(len(parts[i]) + 1)]
        elif k == 7:
            hdr[1] = rng.randrange(256)
            struct.pack_into('=H', hdr, 2, rng.choice([0, 0, 1, 0xffff]))
        elif k == 8:
            flags ^= NLM_F_DUMP
    body = b''.join(parts)
    if hdr[0] == CMD_FIB_BENCH:
        # Keep the benchmark small: drop key counts above 4096.
        keep = []
        for p in attrs_of(body):
            if len(p) >= 8 and struct.unpack_from('=H', p, 2)[0] & 0x3fff == A_BENCH_KEYS \
                    and struct.unpack_from('=I', p, 4)[0] > 4096:
                continue
            keep.append(p)
        body = b''.join(keep)
    return bytes(hdr) + body, flags


class Fuzzer:
    def __init__(self, seed, ifname):
        self.rng = random.Random(seed)
        self.nl = Genl()
        self.nl.sock.settimeout(10)
        self.seeds = [c[:3] for c in nlraw.BAD.values() if len(c) == 3 and len(c[1]) < 4096]
        self.seeds += list(c[:3] for c in nlraw.GOOD.values())
        self.seeds += [(cmd, attrs, REQ | (NLM_F_DUMP if cmd in (3, 6, 7, 8, 12, 15, 16) else 0))
                       for cmd, attrs in valid_seeds(ifname)]

    def snapshot(self):
        """The configuration, as dumps; errors are part of it."""
        out = []
        for cmd, dump in ((12, True), (15, True), (16, True), (3, True), (6, True), (20, False)):
            try:
                if dump:
                    out.append(self.nl.dump(cmd)[1])
                else:
                    out.append(self.get(cmd))
            except OSError as e:
                out.append(('error', e.errno))
        return out

    def get(self, cmd):
        """A do request's reply attributes."""
        nl = self.nl
        nl.sock.send(nl.message(nl.family, cmd, b'', REQ))
        got = None
        while True:
            for ty, _flags, payload in nl.messages():
                if ty == NLMSG_ERROR:
                    (err,) = struct.unpack_from('=i', payload)
                    if err:
                        raise OSError(-err, 'get')
                    return got
                got = nlraw.parse_attrs(payload[nlraw.GENL_HDRLEN:])

    def send(self, body, flags):
        """(errno or 0, answered)."""
        nl = self.nl
        nl.seq += 1
        msg = struct.pack('=IHHII', nlraw.NLMSG_HDRLEN + len(body), nl.family, flags, nl.seq, 0) + body
        try:
            nl.sock.send(msg)
        except OSError as e:
            return e.errno, True
        try:
            while True:
                for ty, fl, payload in nl.messages():
                    if ty in (NLMSG_ERROR, NLMSG_DONE):
                        return nlraw.parse_ack(payload, fl).err, True
        except socket.timeout:
            return None, False
        except OSError as e:
            # A reply bigger than the buffer: answered, by the kernel.
            return e.errno, True

    def account(self, err, before, errs, what):
        """Counts the answer `err` (0 or an errno) in `errs`; a refused
        request must leave the configuration as `before` was. Returns the
        configuration now and whether a refused request changed it (then
        printed with `what()`)."""
        after = self.snapshot()
        if err == 0:
            return after, False
        name = errno.errorcode.get(err, str(err))
        errs[name] += 1
        if after == before:
            return after, False
        print(f'changed by a refused {what()} ({name})')
        return after, True

    def run(self, count):
        errs = collections.Counter()
        ok = unanswered = changed = 0
        before = self.snapshot()
        for i in range(count):
            cmd, attrs, flags = self.rng.choice(self.seeds)
            flags |= REQ
            if self.rng.random() < 0.1:
                body = struct.pack('=BBH', cmd, 1, 0) + attrs
            else:
                body, flags = mutate(self.rng, cmd, attrs, flags)
            err, answered = self.send(body, flags)
            if not answered:
                unanswered += 1
                print(f'unanswered: flags {flags:#x} {body.hex()}')
                # Drain whatever comes late, on a fresh socket.
                self.nl = Genl()
                self.nl.sock.settimeout(10)
                before = self.snapshot()
                continue
            ok += err == 0
            before, bad = self.account(err, before, errs,
                                       lambda: f'request: flags {flags:#x} {body.hex()}')
            changed += bad
        top = ', '.join(f'{n} {k}' for k, n in errs.most_common(6))
        print(f'nlfuzz: {count} messages fuzzed, {ok} answered OK, {sum(errs.values())} errors '
              f'({top}), {unanswered} unanswered, {changed} changed by a refused request')
        return 1 if unanswered or changed else 0

    def rtentry(self, ifname):
        """A random struct rtentry, and what keeps its rt_dev string alive."""
        rng = self.rng
        rt = RtEntry()
        addrs = ['10.60.0.0', '10.60.1.0', '10.1.0.2', '10.1.0.1', '0.0.0.0',
                 '255.255.255.255', '224.0.0.1', '127.0.0.1']
        for sa in (rt.rt_dst, rt.rt_gateway, rt.rt_genmask):
            sa.family = rng.choice([socket.AF_INET] * 6 + [0, socket.AF_INET6, rng.randrange(65536)])
            if sa is rt.rt_genmask and rng.random() < 0.7:
                n = rng.randrange(33)
                a = struct.pack('!I', (0xffffffff << (32 - n)) & 0xffffffff)
            elif rng.random() < 0.8:
                a = socket.inet_aton(rng.choice(addrs))
            else:
                a = bytes(rng.randrange(256) for _ in range(4))
            for i, b in enumerate(b'\0\0' + a):
                sa.data[i] = b
            if rng.random() < 0.1:
                sa.data[rng.randrange(14)] = rng.randrange(256)
        rt.rt_flags = rng.choice([RTF_UP, RTF_UP | RTF_GATEWAY, RTF_UP | RTF_HOST, RTF_UP | RTF_REJECT,
                                  0, rng.randrange(65536)])
        rt.rt_metric = rng.choice([0, 1, 2, -1, rng.randrange(-32768, 32768)])
        rt.rt_mtu = rng.choice([0, 0, 1400, 68, 65536, rng.randrange(1 << 32)])
        rt.rt_window = rng.choice([0, rng.randrange(1 << 32)])
        rt.rt_irtt = rng.choice([0, rng.randrange(65536)])
        keep = None
        k = rng.randrange(6)
        if k == 1:
            keep = ctypes.create_string_buffer(ifname.encode())
        elif k == 2:
            keep = ctypes.create_string_buffer(b'nosuch0')
        elif k == 3:
            keep = ctypes.create_string_buffer(b'x' * 64, 64)
        elif k == 4:
            rt.rt_dev = rng.choice([0x10, 0xdead0000, 0xffffffffffff0000])
        if keep is not None:
            rt.rt_dev = ctypes.cast(keep, ctypes.c_void_p).value
        return rt, keep

    def run_ioctl(self, count, ifname):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
        fd = os.open('/dev/ferroute', os.O_RDWR)
        errs = collections.Counter()
        ok = changed = 0
        before = self.snapshot()
        for _ in range(count):
            req = self.rng.choice([SIOCADDRT] * 5 + [SIOCDELRT] * 4 +
                                  [0x8900 + self.rng.randrange(256), self.rng.randrange(1 << 32)])
            rt, keep = self.rtentry(ifname)
            arg = ctypes.addressof(rt) if self.rng.random() > 0.05 else self.rng.choice([0, 0x10])
            ret = libc.ioctl(fd, req, arg)
            err = ctypes.get_errno() if ret < 0 else 0
            del keep
            ok += err == 0
            before, bad = self.account(err, before, errs,
                                       lambda: f'ioctl {req:#x}: {bytes(rt).hex()}')
            changed += bad
        os.close(fd)
        top = ', '.join(f'{n} {k}' for k, n in errs.most_common(6))
        print(f'nlfuzz: {count} ioctls fuzzed, {ok} OK, {sum(errs.values())} errors ({top}), '
              f'{changed} changed by a refused ioctl')
        return 1 if changed else 0


def main():
    if len(sys.argv) not in (3, 4, 5):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    count = int(sys.argv[1])
    ifname = sys.argv[3] if len(sys.argv) >= 4 else 'fer1'
    ioctls = int(sys.argv[4]) if len(sys.argv) == 5 else count // 4
    f = Fuzzer(int(sys.argv[2]), ifname)
    st = f.run(count)
    return f.run_ioctl(ioctls, ifname) or st


if __name__ == '__main__':
    sys.exit(main())

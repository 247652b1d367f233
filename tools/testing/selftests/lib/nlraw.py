#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A tiny raw generic netlink client for ferroute's selftests.

usage: nlraw.py bad [CASE...]
       nlraw.py good [CASE...]
       nlraw.py routes [TABLE [BUFSIZE]]

Messages are built by hand (struct), so they can be anything ferctl would
never send. Requests ask for an ACK with extended ACK TLVs
(NETLINK_EXT_ACK), and the answer is printed as one line per case:

    NAME ERRNO WHERE MSG

ERRNO is the errno name of the ACK (OK for 0; for a message the kernel
refused to take at all, the errno of sendmsg, with MSG "sendmsg"), WHERE the attribute the
extended ACK points at, as a path of attribute types in the message that
was sent (at=31.1 is the first-level attribute of type 1 inside the
attribute of type 31; at=+N an offset that is no attribute's start), and
miss=T for a missing attribute of type T (NLMSGERR_ATTR_MISS_TYPE), or
"-"; MSG is the extended ACK message (NLMSGERR_ATTR_MSG) or "-".

"bad" sends the malformed requests of BAD (each must fail and change
nothing), "good" the well-formed changes of GOOD (run unprivileged they
must fail with EPERM). Both expect a ferroute port fer1 with 10.1.0.1/24.
"routes" dumps route-list (of TABLE, default every table) and prints each
route as PREFIX TABLE, then "# parts P entries E": P is the number of
datagrams the dump came in (one per dumpit pass), E the number of entries.
It receives with BUFSIZE-byte buffers (default 4096): netlink makes the
parts of a dump as large as the largest receive buffer seen (at most
32 KiB, netlink_dump), so 4096 gives page-sized parts, many of them for a
big table.
"""

import errno
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11

NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
# Flags of an ACK.
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff

NLMSG_HDRLEN = 16
GENL_HDRLEN = 4

# ferroute's numbers (rust/uapi/ferroute.rs).
A_IFNAME, A_ADDRESS, A_PREFIXLEN, A_STAT_NAME = 2, 3, 4, 7
A_TABLE, A_ROUTE_TYPE, A_SCOPE, A_GATEWAY, A_METRIC = 11, 12, 13, 14, 15
A_MTU, A_IIFNAME = 19, 22
A_PRIORITY, A_RULE_ACTION, A_GOTO, A_MULTIPATH = 25, 28, 29, 31
A_BENCH_KEYS = 40
MP_NEXTHOP = 1
NH_GATEWAY, NH_IFNAME, NH_WEIGHT = 1, 2, 3
CMD_PORT_ADD, CMD_PORT_DEL, CMD_PORT_GET = 1, 2, 3
CMD_ADDR_ADD, CMD_ADDR_GET, CMD_STATS_GET, CMD_NEIGH_GET = 4, 6, 7, 8
CMD_ROUTE_ADD, CMD_ROUTE_DEL, CMD_ROUTE_GET, CMD_ROUTE_LIST = 9, 10, 11, 12
CMD_RULE_ADD, CMD_RULE_DEL, CMD_RULE_LIST = 13, 14, 15
CMD_TABLE_LIST, CMD_FIB_BENCH, CMD_TABLE_DEL = 16, 17, 18
CMD_PORT_SET, CMD_CONF_GET, CMD_CONF_SET = 19, 20, 21
A_FORWARDING, A_RP_FILTER, A_ICMP_RATELIMIT, A_IP_DEFAULT_TTL, A_UDP_ECHO = 52, 53, 57, 63, 64
CMD_MVIF_ADD = 22
CMD_ROUTE_ADD_BATCH, A_ROUTE_BATCH = 40, 102
A_MR_PRUNE, A_IGMP_QUERY_INTERVAL, A_IGMP_QUERY_RESPONSE_INTERVAL = 95, 97, 98
A_IGMP_ROBUSTNESS = 100


def align(n):
    return (n + 3) & ~3


def nla_raw(length, ty, payload):
    """An attribute with an arbitrary nla_len, padded to 4 bytes."""
    b = struct.pack('=HH', length, ty) + payload
    return b + b'\0' * (align(len(b)) - len(b))


def nla(ty, payload):
    return nla_raw(4 + len(payload), ty, payload)


def u8(ty, v):
    return nla(ty, struct.pack('=B', v))


def u32(ty, v):
    return nla(ty, struct.pack('=I', v))


def ip(ty, addr):
    return nla(ty, socket.inet_aton(addr))


def string(ty, s):
    return nla(ty, s.encode() + b'\0')


def nest(ty, *attrs):
    return nla(ty | NLA_F_NESTED, b''.join(attrs))


def parse_attrs(buf):
    """(type, payload) pairs of a stream of attributes."""
    out, pos = [], 0
    while pos + 4 <= len(buf):
        ln, ty = struct.unpack_from('=HH', buf, pos)
        if ln < 4 or pos + ln > len(buf):
            break
        out.append((ty & NLA_TYPE_MASK, buf[pos + 4:pos + ln]))
        pos += align(ln)
    return out


def attr_path(msg, offs):
    """The attribute of msg (a whole netlink message) at offset offs, as a
    path of types: nests are walked into."""
    def walk(start, end, prefix):
        pos = start
        while pos + 4 <= end:
            ln, ty = struct.unpack_from('=HH', msg, pos)
            ty &= NLA_TYPE_MASK
            if pos == offs:
                return prefix + str(ty)
            if ln < 4:
                break
            if pos < offs < pos + ln <= end:
                return walk(pos + 4, pos + ln, f'{prefix}{ty}.')
            pos += align(ln)
        return None
    return walk(NLMSG_HDRLEN + GENL_HDRLEN, len(msg), '') or f'+{offs}'


class Ack:
    """The answer to a request: errno (0 for OK) and the extended ACK."""

    def __init__(self, err, msg=None, offs=None, miss=None):
        self.err, self.msg, self.offs, self.miss = err, msg, offs, miss

    def line(self, sent):
        # 95 is EOPNOTSUPP in Linux's sources (Python calls it ENOTSUP).
        name = ('OK' if self.err == 0 else 'EOPNOTSUPP' if self.err == errno.EOPNOTSUPP
                else errno.errorcode.get(self.err, str(self.err)))
        where = []
        if self.offs is not None:
            where.append('at=' + attr_path(sent, self.offs))
        if self.miss is not None:
            where.append(f'miss={self.miss}')
        return f'{name} {",".join(where) or "-"} {self.msg or "-"}'


def parse_ack(data, flags):
    """An NLMSG_ERROR (or a dump's NLMSG_DONE) payload."""
    (err,) = struct.unpack_from('=i', data, 0)
    ack = Ack(-err)
    if not flags & NLM_F_ACK_TLVS:
        return ack
    # The request is echoed after the error: its header only if capped.
    (orig_len,) = struct.unpack_from('=I', data, 4)
    echoed = NLMSG_HDRLEN if flags & NLM_F_CAPPED else orig_len
    pos = 4 + align(echoed)
    for ty, payload in parse_attrs(data[pos:]):
        if ty == NLMSGERR_ATTR_MSG:
            ack.msg = payload.rstrip(b'\0').decode()
        elif ty == NLMSGERR_ATTR_OFFS:
            (ack.offs,) = struct.unpack('=I', payload)
        elif ty == NLMSGERR_ATTR_MISS_TYPE:
            (ack.miss,) = struct.unpack('=I', payload)
    return ack


def split(data):
    """The messages of one netlink datagram: (type, flags, payload) each;
    a message whose length does not fit ends the list."""
    out, pos = [], 0
    while pos + NLMSG_HDRLEN <= len(data):
        ln, ty, flags, _seq, _pid = struct.unpack_from('=IHHII', data, pos)
        if ln < NLMSG_HDRLEN or pos + ln > len(data):
            break
        out.append((ty, flags, data[pos + NLMSG_HDRLEN:pos + ln]))
        pos += align(ln)
    return out


class Genl:
    """A NETLINK_GENERIC socket talking to one family."""

    def __init__(self, family='ferroute', bufsize=1 << 18):
        # The size of every recv: room for an error ACK echoing a 64 KiB
        # request by default. Netlink sizes the parts of a dump after the
        # largest recv so far (up to 32 KiB; netlink_dump), so a small one
        # makes a dump come in more, smaller parts.
        self.bufsize = bufsize
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        self.family = self.resolve(family)

    def message(self, ty, cmd, attrs, flags, nlmsg_len=None):
        """A whole message; nlmsg_len may be given to lie about the size."""
        self.seq += 1
        body = struct.pack('=BBH', cmd, 1, 0) + attrs
        length = NLMSG_HDRLEN + len(body) if nlmsg_len is None else nlmsg_len
        return struct.pack('=IHHII', length, ty, flags, self.seq, 0) + body

    def messages(self):
        """The messages of one datagram: (type, flags, payload) each."""
        data, _, flags, _ = self.sock.recvmsg(self.bufsize)
        if flags & socket.MSG_TRUNC:
            raise OSError(errno.EMSGSIZE, 'reply larger than the receive buffer')
        return split(data)

    def resolve(self, name):
        msg = self.message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           string(CTRL_ATTR_FAMILY_NAME, name), NLM_F_REQUEST)
        self.sock.send(msg)
        for ty, flags, payload in self.messages():
            if ty == NLMSG_ERROR:
                raise OSError(-struct.unpack_from('=i', payload)[0], f'family {name}')
            for aty, val in parse_attrs(payload[GENL_HDRLEN:]):
                if aty == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack_from('=H', val)[0]
        raise OSError(errno.ENOENT, f'family {name}')

    def send(self, msg):
        """Sends msg and returns its Ack: the NLMSG_ERROR, or the NLMSG_DONE
        closing a dump (its entries are skipped)."""
        try:
            self.sock.send(msg)
        except OSError as e:
            return Ack(e.errno, 'sendmsg')
        while True:
            for ty, flags, payload in self.messages():
                if ty in (NLMSG_ERROR, NLMSG_DONE):
                    return parse_ack(payload, flags)

    def dump(self, cmd, attrs=b''):
        """Runs a dump: (number of datagrams, entries' attribute lists)."""
        self.sock.send(self.message(self.family, cmd, attrs,
                                    NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP))
        parts, entries = 0, []
        while True:
            msgs = self.messages()
            parts += 1
            for ty, flags, payload in msgs:
                if ty == NLMSG_ERROR:
                    raise OSError(-struct.unpack_from('=i', payload)[0], 'dump')
                if ty == NLMSG_DONE:
                    ack = parse_ack(payload, flags)
                    if ack.err:
                        raise OSError(ack.err, ack.msg or 'dump')
                    return parts, entries
                assert flags & NLM_F_MULTI, 'dump entry without NLM_F_MULTI'
                entries.append(parse_attrs(payload[GENL_HDRLEN:]))


REQ = NLM_F_REQUEST | NLM_F_ACK
DST = ip(A_ADDRESS, '10.50.0.0') + u8(A_PREFIXLEN, 16)
FER1 = string(A_IFNAME, 'fer1')


def hop(*attrs):
    return nest(MP_NEXTHOP, *attrs)


def mp(*hops):
    return nest(A_MULTIPATH, *hops)


GW2 = nla(NH_GATEWAY, socket.inet_aton('10.1.0.2'))
GW3 = nla(NH_GATEWAY, socket.inet_aton('10.1.0.3'))


def route_add(attrs, flags=REQ):
    return (CMD_ROUTE_ADD, attrs, flags)


def rule_add(attrs):
    return (CMD_RULE_ADD, attrs, REQ)


# name: (cmd, attrs, flags[, nlmsg_len]); attrs are the bytes after the
# genetlink header. Every one is malformed or refused.
BAD = {
    # Policy checks of the genetlink core (lib/nlattr.c, strict).
    'prefixlen-33': route_add(ip(A_ADDRESS, '10.50.0.0') + u8(A_PREFIXLEN, 33) + FER1),
    'unknown-attr-199': route_add(DST + FER1 + u32(199, 0)),
    'attr-type-0': route_add(DST + FER1 + u32(0, 0)),
    'u32-with-2-bytes': route_add(DST + FER1 + nla(A_METRIC, b'\1\0')),
    'u8-with-4-bytes': route_add(ip(A_ADDRESS, '10.50.0.0') + u32(A_PREFIXLEN, 16) + FER1),
    'ifname-without-nul': route_add(DST + nla(A_IFNAME, b'fer1')),
    'ifname-16-chars': route_add(DST + string(A_IFNAME, 'abcdefghijklmnop')),
    'ifname-20-chars': route_add(DST + string(A_IFNAME, 'a' * 20)),
    'ifname-15-chars': route_add(DST + string(A_IFNAME, 'abcdefghijklmno')),
    'nla-len-past-end': route_add(DST + nla_raw(200, A_IFNAME, b'fer1\0\0\0\0')),
    'nla-len-below-header': route_add(DST + FER1 + nla_raw(2, A_METRIC, b'\0\0\0\0')),
    'trailing-bytes': route_add(DST + FER1 + b'\0\0'),
    'short-genl-header': (CMD_ROUTE_ADD, b'', REQ, NLMSG_HDRLEN + 2),
    # What the handlers check.
    'missing-address': route_add(u8(A_PREFIXLEN, 16) + FER1),
    'missing-prefixlen': route_add(ip(A_ADDRESS, '10.50.0.0') + FER1),
    'bad-scope': route_add(DST + FER1 + u8(A_SCOPE, 100)),
    'route-del-unknown-table': (CMD_ROUTE_DEL, DST + u32(A_TABLE, 4242), REQ),
    'unknown-device': route_add(DST + string(A_IFNAME, 'nosuch0')),
    'unknown-device-new-table': route_add(DST + string(A_IFNAME, 'nosuch0') + u32(A_TABLE, 4243)),
    'gateway-off-link': route_add(DST + ip(A_GATEWAY, '10.77.0.1') + FER1),
    # Multipath nests.
    'multipath-without-nested-flag': route_add(DST + nla(A_MULTIPATH, hop(GW2) + hop(GW3))),
    'multipath-inner-len': route_add(DST + nla(A_MULTIPATH | NLA_F_NESTED,
                                               nla_raw(40, MP_NEXTHOP | NLA_F_NESTED, GW2))),
    'nexthop-inner-len': route_add(DST + mp(hop(nla_raw(9, NH_GATEWAY,
                                                        socket.inet_aton('10.1.0.2'))), hop(GW3))),
    'nexthop-weight-0': route_add(DST + mp(hop(GW2, u32(NH_WEIGHT, 0)), hop(GW3))),
    'nexthop-weight-257': route_add(DST + mp(hop(GW2, u32(NH_WEIGHT, 257)), hop(GW3))),
    'nexthop-weight-2-bytes': route_add(DST + mp(hop(GW2, nla(NH_WEIGHT, b'\1\0')), hop(GW3))),
    'nexthop-unknown-attr': route_add(DST + mp(hop(GW2, u32(9, 1)), hop(GW3))),
    'multipath-entry-type-2': route_add(DST + mp(hop(GW2), nest(2, GW3))),
    'multipath-empty': route_add(DST + mp()),
    'multipath-and-gateway': route_add(DST + ip(A_GATEWAY, '10.1.0.2') + mp(hop(GW2), hop(GW3))),
    'multipath-hop-off-link': route_add(DST + mp(hop(GW2), hop(nla(NH_GATEWAY,
                                                                  socket.inet_aton('10.77.0.1'))))),
    'route-del-multipath': (CMD_ROUTE_DEL, DST + mp(hop(GW2), hop(GW3)), REQ),
    # Rules.
    'rule-action-4': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 4) + u32(A_TABLE, 100)),
    'rule-action-9': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 9) + u32(A_TABLE, 100)),
    'rule-goto-backwards': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 2) + u32(A_GOTO, 600)),
    'rule-goto-itself': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 2) + u32(A_GOTO, 700)),
    'rule-goto-without-target': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 2)),
    'rule-goto-without-action': rule_add(u32(A_PRIORITY, 700) + u8(A_RULE_ACTION, 1) +
                                         u32(A_TABLE, 100) + u32(A_GOTO, 800)),
    # Would delete the lookup rule of pref 100 if the goto were ignored.
    'rule-del-goto-without-action': (CMD_RULE_DEL, u32(A_PRIORITY, 100) + u32(A_GOTO, 800), REQ),
    # Operations.
    'do-only-as-dump': route_add(DST + FER1, REQ | NLM_F_DUMP),
    'dump-only-as-do': (CMD_ROUTE_LIST, b'', REQ),
    'unknown-command': (99, b'', REQ),
    # Attributes of another command: each operation has its own policy, in
    # which every attribute it does not take is NLA_REJECT. Each of these
    # would otherwise succeed (or, for port-del and table-del, fail for
    # another reason) with the stray attribute silently ignored.
    'route-add-bench-keys': route_add(DST + FER1 + u32(A_BENCH_KEYS, 1000)),
    'route-add-iifname': route_add(DST + FER1 + string(A_IIFNAME, 'fer1')),
    'route-add-unused-34': route_add(DST + FER1 + u32(34, 0)),
    # Would delete the multipath route, whatever its MTU.
    'route-del-mtu': (CMD_ROUTE_DEL, ip(A_ADDRESS, '10.40.0.0') + u8(A_PREFIXLEN, 16) +
                      u32(A_MTU, 1400), REQ),
    'route-get-table': (CMD_ROUTE_GET, ip(A_ADDRESS, '10.7.0.1') + u32(A_TABLE, 100), REQ),
    'port-add-gateway': (CMD_PORT_ADD, string(A_IFNAME, 'vbad0') + ip(A_GATEWAY, '10.1.0.2'),
                         REQ),
    'port-del-table': (CMD_PORT_DEL, string(A_IFNAME, 'nosuch0') + u32(A_TABLE, 100), REQ),
    'addr-add-stat-name': (CMD_ADDR_ADD, FER1 + ip(A_ADDRESS, '10.9.9.1') +
                           u8(A_PREFIXLEN, 24) + string(A_STAT_NAME, 'x'), REQ),
    'rule-add-multipath': rule_add(u32(A_PRIORITY, 702) + u32(A_TABLE, 100) +
                                   mp(hop(GW2), hop(GW3))),
    'rule-add-gateway': rule_add(u32(A_PRIORITY, 703) + u32(A_TABLE, 100) +
                                 ip(A_GATEWAY, '10.1.0.2')),
    # Would delete the rule of pref 100, whatever the metric.
    'rule-del-metric': (CMD_RULE_DEL, u32(A_PRIORITY, 100) + u32(A_METRIC, 5), REQ),
    'table-del-address': (CMD_TABLE_DEL, u32(A_TABLE, 4244) + ip(A_ADDRESS, '10.7.0.0'), REQ),
    'fib-bench-table': (CMD_FIB_BENCH, u32(A_BENCH_KEYS, 1) + u32(A_TABLE, 100), REQ),
    'port-get-ifname': (CMD_PORT_GET, FER1, REQ | NLM_F_DUMP),
    'addr-get-table': (CMD_ADDR_GET, u32(A_TABLE, 254), REQ | NLM_F_DUMP),
    'stats-get-ifname': (CMD_STATS_GET, FER1, REQ | NLM_F_DUMP),
    'neigh-get-address': (CMD_NEIGH_GET, ip(A_ADDRESS, '10.1.0.2'), REQ | NLM_F_DUMP),
    'route-list-gateway': (CMD_ROUTE_LIST, u32(A_TABLE, 254) + ip(A_GATEWAY, '10.1.0.2'),
                           REQ | NLM_F_DUMP),
    'rule-list-priority': (CMD_RULE_LIST, u32(A_PRIORITY, 100), REQ | NLM_F_DUMP),
    'table-list-table': (CMD_TABLE_LIST, u32(A_TABLE, 254), REQ | NLM_F_DUMP),
    # Settings: values out of range are EINVAL naming the setting, as a
    # sysctl write refuses them.
    'port-set-rp-filter-3': (CMD_PORT_SET, FER1 + u8(A_RP_FILTER, 3), REQ),
    'port-set-forwarding-2': (CMD_PORT_SET, FER1 + u8(A_FORWARDING, 2), REQ),
    'port-set-u8-with-4-bytes': (CMD_PORT_SET, FER1 + u32(A_RP_FILTER, 1), REQ),
    'port-set-nothing': (CMD_PORT_SET, FER1, REQ),
    'port-set-no-port': (CMD_PORT_SET, u8(A_RP_FILTER, 1), REQ),
    'port-set-unknown-port': (CMD_PORT_SET, string(A_IFNAME, 'nosuch0') + u8(A_RP_FILTER, 1), REQ),
    'port-set-ttl': (CMD_PORT_SET, FER1 + u8(A_IP_DEFAULT_TTL, 5), REQ),
    'conf-set-ttl-0': (CMD_CONF_SET, u8(A_IP_DEFAULT_TTL, 0), REQ),
    'conf-set-ratelimit-2g': (CMD_CONF_SET, u32(A_ICMP_RATELIMIT, 1 << 31), REQ),
    'conf-set-udp-echo-2': (CMD_CONF_SET, u8(A_UDP_ECHO, 2), REQ),
    'conf-set-ifname': (CMD_CONF_SET, FER1 + u8(A_UDP_ECHO, 1), REQ),
    'conf-set-nothing': (CMD_CONF_SET, b'', REQ),
    'conf-set-igmp-robustness-8': (CMD_CONF_SET, u8(A_IGMP_ROBUSTNESS, 8), REQ),
    'conf-set-igmp-query-interval-999': (CMD_CONF_SET, u32(A_IGMP_QUERY_INTERVAL, 999), REQ),
    # A response interval that is not below the (default) query interval.
    'conf-set-igmp-response-125s': (CMD_CONF_SET, u32(A_IGMP_QUERY_RESPONSE_INTERVAL, 125000), REQ),
    'mvif-add-prune-2': (CMD_MVIF_ADD, FER1 + u8(A_MR_PRUNE, 2), REQ),
    # route-add-batch: an entry its request's policy refuses fails the
    # whole batch (a good first entry is not added either); entries are
    # route (1, an add) and route-del (2) nests only. An update that
    # fails when applied (a deletion that selects nothing, an add that
    # exists) undoes those before it: the route deleted first stays.
    'batch-entry-u8-with-4-bytes': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        1, ip(A_ADDRESS, '10.50.0.0') + u32(A_PREFIXLEN, 16) + FER1)), REQ),
    'batch-entry-unknown-attr-199': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        1, DST + FER1 + u32(199, 0))), REQ),
    'batch-second-entry-bad': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        1, ip(A_ADDRESS, '10.52.0.0') + u8(A_PREFIXLEN, 16) + FER1), nest(
        1, DST + FER1 + u32(A_BENCH_KEYS, 1))), REQ),
    'batch-entry-not-a-route': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        3, DST + FER1)), REQ),
    'batch-del-multipath': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        2, ip(A_ADDRESS, '10.40.0.0') + u8(A_PREFIXLEN, 16) + mp(hop(GW2)))), REQ),
    'batch-del-selects-nothing': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        1, ip(A_ADDRESS, '10.53.0.0') + u8(A_PREFIXLEN, 16) + FER1), nest(
        2, ip(A_ADDRESS, '10.54.0.0') + u8(A_PREFIXLEN, 16))), REQ),
    'batch-del-then-exists': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(
        2, ip(A_ADDRESS, '10.40.0.0') + u8(A_PREFIXLEN, 16)), nest(
        1, ip(A_ADDRESS, '10.7.0.0') + u8(A_PREFIXLEN, 16) + u32(A_TABLE, 100) + FER1)), REQ),
    'batch-empty-entry': (CMD_ROUTE_ADD_BATCH, nest(A_ROUTE_BATCH, nest(1)), REQ),
    'conf-get-as-dump': (CMD_CONF_GET, b'', REQ | NLM_F_DUMP),
    # Oversize dump requests: one 64 KiB attribute; 256 KiB of attributes,
    # more than the socket's send buffer (wmem_default).
    'dump-huge-attr': (CMD_ROUTE_LIST, nla(A_TABLE, b'\0' * 65000), REQ | NLM_F_DUMP),
    'dump-256k': (CMD_ROUTE_LIST, u32(A_TABLE, 254) * 32768, REQ | NLM_F_DUMP),
}

# A long but well-formed dump request: 100 KiB of table attributes (the
# last one counts, as always in netlink); printed by "bad" as it is one of
# the oversize cases, but it is accepted.
BAD['dump-100k-valid'] = (CMD_ROUTE_LIST, u32(A_TABLE, 254) * 12800, REQ | NLM_F_DUMP)

GOOD = {
    'route-add': route_add(ip(A_ADDRESS, '10.51.0.0') + u8(A_PREFIXLEN, 16) + FER1),
    'rule-add': rule_add(u32(A_PRIORITY, 701) + u8(A_RULE_ACTION, 1) + u32(A_TABLE, 100)),
}


def run_cases(cases, wanted):
    nl = Genl()
    for name, case in cases.items():
        if wanted and name not in wanted:
            continue
        cmd, attrs, flags = case[:3]
        msg = nl.message(nl.family, cmd, attrs, flags, *case[3:])
        print(f'{name} {nl.send(msg).line(msg)}')


def routes(table, bufsize):
    nl = Genl(bufsize=bufsize)
    parts, entries = nl.dump(CMD_ROUTE_LIST, u32(A_TABLE, table) if table else b'')
    for e in entries:
        a = dict(e)
        dst = socket.inet_ntoa(a[A_ADDRESS])
        print(f'{dst}/{a[A_PREFIXLEN][0]} {struct.unpack("=I", a[A_TABLE])[0]}')
    print(f'# parts {parts} entries {len(entries)}')


def main():
    args = sys.argv[1:]
    if args[:1] == ['bad']:
        run_cases(BAD, set(args[1:]))
    elif args[:1] == ['good']:
        run_cases(GOOD, set(args[1:]))
    elif args[:1] == ['routes'] and len(args) <= 3:
        routes(int(args[1]) if len(args) >= 2 else 0, int(args[2]) if len(args) == 3 else 4096)
    else:
        print('\n'.join(__doc__.strip().splitlines()[2:5]), file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The differential corpus: crafted frames through ferroute and through Linux.

usage: corpus.py OUTDIR [NAME...]

Runs in the VM's initial namespace after `two_routers 1400` (lib.sh) and
the extra configuration of selftest 37: both routers, ferroute (fr, hosts
fh1/fh2) and Linux (lr, hosts lh1/lh2), have the same addresses, MACs
aside, routes and MTUs. Each frame of the corpus is sent from h1's link to
the router, first through ferroute, then through Linux; every frame that
shows up on h1's and h2's links in the next moments is captured (packet
sockets opened inside the host namespaces), normalized (IP ids and
checksums zeroed, timestamps of timestamp replies zeroed, MAC addresses
replaced by their roles H1, R1, R2, H2) and compared. Frames come from
their own source address each (10.50.0.N, routed back through h1) unless
the rule needs h1's own, so the per-peer ICMP limit never binds.

Writes OUTDIR/f.NAME and OUTDIR/l.NAME (what was seen, a line a frame)
and prints a line per frame: "same NAME" or "DIFF NAME", then for each
counter both routers report (ferctl stats, nstat; $FERCTL is ferctl)
whose deltas for the frame differ "COUNTER NAME:COUNTER ferroute F linux
L"; at the end "corpus: N frames, D differ".
"""

import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

# The modules used, not scapy.all (every layer and its set-up): a third of
# the import's time, seconds under TCG.
from scapy.config import conf
from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

from netns import in_netns

conf.verb = 0
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PAYLOAD = bytes(range(32))


def packet_socket(dev):
    """A packet socket seeing every frame of dev (in this thread's
    namespace): what it sends and what it receives."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((dev, 0))
    return s


def read(path):
    with open(path) as f:
        return f.read()


def mac_of(ns, dev):
    out = subprocess.run(['ip', '-n', ns, '-j', 'link', 'show', 'dev', dev],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]['address']


def neigh_mac(ns, addr):
    out = subprocess.run(['ip', '-n', ns, '-j', 'neigh', 'show', addr],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]['lladdr']


class Side:
    """One topology: its MACs and a packet socket on each host link."""

    def __init__(self, p):
        self.p = p
        self.h1 = mac_of(f'{p}h1', 'fr1')
        self.h2 = mac_of(f'{p}h2', 'vb')
        self.r1 = neigh_mac(f'{p}h1', '10.1.0.1')
        self.r2 = neigh_mac(f'{p}h2', '10.2.0.1')
        self.roles = {self.h1: 'H1', self.h2: 'H2', self.r1: 'R1', self.r2: 'R2',
                      'ff:ff:ff:ff:ff:ff': 'BC', '00:00:00:00:00:00': '0'}
        self.s1 = in_netns(f'/run/netns/{p}h1', lambda: packet_socket('fr1'))
        self.s2 = in_netns(f'/run/netns/{p}h2', lambda: packet_socket('vb'))

    def drain(self, quiet=0.5, most=3.0):
        """Frames seen on both links until `quiet` seconds pass without one."""
        seen = []
        start = last = time.monotonic()
        while True:
            now = time.monotonic()
            left = min(last + quiet, start + most) - now
            if left <= 0:
                return seen
            r, _, _ = select.select([self.s1, self.s2], [], [], left)
            for s in r:
                data, addr = s.recvfrom(65535)
                if addr[2] == PACKET_OUTGOING and s is self.s1:
                    continue  # what we sent
                seen.append(('h1' if s is self.s1 else 'h2', data))
                last = time.monotonic()

    def mac(self, m):
        return self.roles.get(m, 'other')


def arp_noise(side, eth, a):
    """A router's unicast probe of a neighbour it knows (NUD_PROBE, five
    seconds after a use: timers, not the frame that happens to be in
    flight) or a host's answer to one. A router's broadcast request (it
    resolves an unknown address) is kept, and so are its answers. The
    hosts' entries for the routers are permanent: they never probe."""
    if a.op == 1 and side.mac(a.hwsrc) in ('R1', 'R2'):
        return eth.dst != 'ff:ff:ff:ff:ff:ff'
    return a.op == 2 and side.mac(a.hwsrc) in ('H1', 'H2')


def normalize(side, link, frame):
    """The frame as a comparable line; None for noise."""
    eth = Ether(frame)
    head = f'{link} {side.mac(eth.src)}>{side.mac(eth.dst)} {eth.type:04x}'
    if ARP in eth:
        a = eth[ARP]
        if arp_noise(side, eth, a):
            return None
        return (f'{head} arp op {a.op} {side.mac(a.hwsrc)} {a.psrc} '
                f'{side.mac(a.hwdst)} {a.pdst}')
    if eth.type != 0x0800:
        return None
    ip = bytearray(frame[14:])
    if len(ip) < 20:
        return f'{head} short {ip.hex()}'
    ihl = (ip[0] & 0x0f) * 4
    total = struct.unpack('!H', ip[2:4])[0]
    ip = ip[:max(total, 20)]
    ip[4:6] = b'\0\0'
    ip[10:12] = b'\0\0'
    proto = ip[9]
    frag = struct.unpack('!H', ip[6:8])[0] & 0x1fff
    if frag == 0:
        at = {6: 16, 17: 6, 1: 2}.get(proto)
        if at is not None and len(ip) >= ihl + at + 2:
            ip[ihl + at:ihl + at + 2] = b'\0\0'
        if proto == 1 and len(ip) >= ihl + 20 and ip[ihl] == 14:
            ip[ihl + 12:ihl + 20] = bytes(8)
        if proto == 1 and len(ip) >= ihl + 8 + 20 and ip[ihl] in (3, 4, 5, 11, 12):
            # The quoted header may be a host's own packet (a random id).
            q = ihl + 8
            ip[q + 4:q + 6] = b'\0\0'
            ip[q + 10:q + 12] = b'\0\0'
            zero_ts_clocks(ip, q)
    zero_ts_clocks(ip, 0)
    return f'{head} {ip.hex()}'


def zero_ts_clocks(ip, at):
    """Zeroes the clock values of a timestamp option in the IP header at
    `at` (milliseconds since midnight: never equal between two runs)."""
    ihl = (ip[at] & 0x0f) * 4
    i = at + 20
    end = min(at + ihl, len(ip))
    while i < end:
        t = ip[i]
        if t == 0:
            break
        if t == 1:
            i += 1
            continue
        if i + 1 >= end or ip[i + 1] < 2:
            break
        olen = ip[i + 1]
        if t == 0x44 and olen >= 4 and i + olen <= end:
            ptr, flag = ip[i + 2], ip[i + 3] & 0x0f
            step, skip = (4, 0) if flag == 0 else (8, 4)
            j = i + 4
            while j + step <= i + min(ptr - 1, olen):
                ip[j + skip:j + skip + 4] = bytes(4)
                j += step
        i += olen


# Frame builders: f(side, i) -> bytes. `i` numbers the frame (its source
# 10.50.0.i). Addresses: h1 10.1.0.2 (and 10.1.0.3), router 10.1.0.1 and
# 10.2.0.1, h2 10.2.0.2 behind a 1400-byte link; 10.8.0.0/16 unreachable,
# 10.7.0.0/16 prohibit, 10.6.0.0/16 blackhole, 10.9.0.0/16 no route.
def eth(side, dst=None):
    return Ether(src=side.h1, dst=dst or side.r1)


def src(i):
    return f'10.50.0.{i}'


def echo(side, i, dst, ttl=64, **ip):
    return bytes(eth(side) / IP(src=ip.pop('src', src(i)), dst=dst, ttl=ttl, id=0x1000 + i, **ip)
                 / ICMP(id=0x4000 + i, seq=1) / Raw(PAYLOAD))


def raw_ip(side, hdr_and_payload):
    return bytes(eth(side)) + hdr_and_payload


def ip_bytes(i, dst, **kw):
    return bytes(IP(src=src(i), dst=dst, id=0x1000 + i, **kw) / ICMP(id=0x4000 + i) / Raw(PAYLOAD))


def patched(b, at, val):
    b = bytearray(b)
    b[at:at + len(val)] = val
    return bytes(b)


RR = IPOption(b'\x01\x07\x27\x04' + bytes(36))
RR_FULL = IPOption(b'\x07\x07\x08\x0a\x00\x00\x01')
TS = IPOption(b'\x44\x0c\x05\x00' + bytes(8))
LSRR = IPOption(b'\x83\x07\x04\x0a\x02\x00\x02')
SSRR = IPOption(b'\x89\x07\x04\x0a\x02\x00\x02')
BADOPT = IPOption(b'\x07\x03\x02')
ROUTER_ALERT = IPOption(b'\x94\x04\x00\x00')

CORPUS = [
    # Forwarding (ip_forward).
    ('fwd-echo', lambda s, i: echo(s, i, '10.2.0.2')),
    ('fwd-ttl1', lambda s, i: echo(s, i, '10.2.0.2', ttl=1)),
    ('fwd-ttl0', lambda s, i: echo(s, i, '10.2.0.2', ttl=0)),
    ('fwd-ttl2', lambda s, i: echo(s, i, '10.2.0.2', ttl=2)),
    ('fwd-tos', lambda s, i: echo(s, i, '10.2.0.2', tos=0xb8)),
    ('fwd-ecn-ce', lambda s, i: echo(s, i, '10.2.0.2', tos=0x03)),
    ('fwd-df-fits', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, flags='DF')
                                       / ICMP(id=0x4000 + i) / Raw(bytes(1372)))),
    ('fwd-df-too-big', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, flags='DF')
                                          / ICMP(id=0x4000 + i) / Raw(bytes(1420)))),
    ('fwd-fragmented', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i)
                                          / ICMP(id=0x4000 + i) / Raw(bytes(1420)))),
    ('fwd-fragmented-odd', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i)
                                              / UDP(sport=5000, dport=9) / Raw(bytes(1459)))),
    ('fwd-nonfirst-frag', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i,
                                                         frag=185, proto=1) / Raw(bytes(64)))),
    ('fwd-frag-ttl1', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i,
                                                     flags='MF', ttl=1) / ICMP(id=0x4000 + i) / Raw(bytes(64)))),
    ('fwd-nonfirst-ttl1', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i,
                                                         frag=185, ttl=1, proto=1) / Raw(bytes(64)))),
    ('fwd-no-route', lambda s, i: echo(s, i, '10.9.0.1')),
    ('fwd-unreachable', lambda s, i: echo(s, i, '10.8.0.1')),
    ('fwd-prohibit', lambda s, i: echo(s, i, '10.7.0.1')),
    ('fwd-blackhole', lambda s, i: echo(s, i, '10.6.0.1')),
    ('fwd-udp-closed', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i)
                                          / UDP(sport=5000 + i, dport=9) / Raw(PAYLOAD))),
    ('fwd-tcp-syn', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i)
                                       / TCP(sport=5000 + i, dport=80, flags='S', seq=1))),
    ('fwd-proto-253', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, proto=253)
                                         / Raw(PAYLOAD))),
    ('fwd-padded-frame', lambda s, i: echo(s, i, '10.2.0.2') + bytes(20)),
    ('fwd-rr', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[RR])
                                  / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-rr-full', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[RR_FULL])
                                       / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-ts', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[TS])
                                  / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-lsrr', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[LSRR])
                                    / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-ssrr', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[SSRR])
                                    / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-badopt', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, options=[BADOPT])
                                      / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    # A bad option in a datagram to a subnet broadcast sent to the
    # router's MAC: no parameter problem about a broadcast (found by the
    # host fuzzer: ferroute answered it).
    ('bcast-badopt', lambda s, i: bytes(eth(s) / IP(src='10.1.0.2', dst='10.1.0.255', id=0x1000 + i,
                                                    options=[BADOPT]) / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-router-alert', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i,
                                                        options=[ROUTER_ALERT]) / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('fwd-redirect', lambda s, i: echo(s, i, '10.1.0.3', src='10.1.0.2')),
    ('fwd-directed-bcast', lambda s, i: echo(s, i, '10.2.0.255')),
    # Header checks (ip_rcv_core).
    ('hdr-bad-csum', lambda s, i: raw_ip(s, patched(ip_bytes(i, '10.2.0.2'), 10, b'\x12\x34'))),
    ('hdr-version-6', lambda s, i: raw_ip(s, patched(ip_bytes(i, '10.2.0.2'), 0, b'\x65'))),
    ('hdr-ihl-4', lambda s, i: raw_ip(s, patched(ip_bytes(i, '10.2.0.2'), 0, b'\x44'))),
    ('hdr-len-beyond-frame', lambda s, i: raw_ip(s, bytes(IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, len=400)
                                                         / ICMP(id=0x4000 + i) / Raw(PAYLOAD)))),
    ('hdr-len-below-ihl', lambda s, i: raw_ip(s, bytes(IP(src=src(i), dst='10.2.0.2', id=0x1000 + i, len=16)
                                                      / ICMP(id=0x4000 + i) / Raw(PAYLOAD)))),
    ('hdr-short-frame', lambda s, i: raw_ip(s, ip_bytes(i, '10.2.0.2')[:16])),
    # Martians and special addresses (ip_route_input_slow).
    ('mart-src-loopback', lambda s, i: echo(s, i, '10.2.0.2', src='127.0.0.5')),
    ('mart-src-zeronet', lambda s, i: echo(s, i, '10.2.0.2', src='0.0.0.7')),
    ('mart-src-multicast', lambda s, i: echo(s, i, '10.2.0.2', src='224.1.2.3')),
    ('mart-src-bcast', lambda s, i: echo(s, i, '10.2.0.2', src='255.255.255.255')),
    ('mart-src-class-e', lambda s, i: echo(s, i, '10.2.0.2', src='240.0.0.1')),
    ('mart-src-ours', lambda s, i: echo(s, i, '10.2.0.2', src='10.1.0.1')),
    ('mart-dst-loopback', lambda s, i: echo(s, i, '127.0.0.1')),
    ('mart-dst-zeronet', lambda s, i: echo(s, i, '0.1.2.3')),
    ('mart-dst-class-e', lambda s, i: echo(s, i, '240.0.0.1')),
    ('src-0.0.0.0', lambda s, i: echo(s, i, '10.1.0.1', src='0.0.0.0')),
    ('bcast-limited', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                         / IP(src=src(i), dst='255.255.255.255', id=0x1000 + i)
                                         / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('bcast-subnet', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                        / IP(src='10.1.0.2', dst='10.1.0.255', id=0x1000 + i)
                                        / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('bcast-udp-subnet', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                            / IP(src='10.1.0.2', dst='10.1.0.255', id=0x1000 + i)
                                            / UDP(sport=5000, dport=9) / Raw(PAYLOAD))),
    ('mcast-all-hosts', lambda s, i: bytes(Ether(src=s.h1, dst='01:00:5e:00:00:01')
                                           / IP(src='10.1.0.2', dst='224.0.0.1', id=0x1000 + i, ttl=1)
                                           / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('otherhost', lambda s, i: bytes(Ether(src=s.h1, dst='02:00:00:00:00:99')
                                     / IP(src=src(i), dst='10.2.0.2', id=0x1000 + i) / ICMP(id=0x4000 + i))),
    # Local delivery (ip_local_deliver, icmp_rcv, udp_rcv, tcp_v4_rcv).
    ('local-echo', lambda s, i: echo(s, i, '10.1.0.1')),
    ('local-echo-far-addr', lambda s, i: echo(s, i, '10.2.0.1')),
    ('local-echo-ttl1', lambda s, i: echo(s, i, '10.1.0.1', ttl=1)),
    ('local-echo-rr', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i, options=[RR])
                                         / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('local-echo-ts', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i, options=[TS])
                                         / ICMP(id=0x4000 + i) / Raw(PAYLOAD))),
    ('local-timestamp', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                           / ICMP(type=13, id=0x4000 + i, ts_ori=0x10203))),
    ('local-info-request', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                              / ICMP(type=15, id=0x4000 + i))),
    ('local-mask-request', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                              / ICMP(type=17, id=0x4000 + i) / Raw(bytes(4)))),
    ('local-echo-reply', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                            / ICMP(type=0, id=0x4000 + i) / Raw(PAYLOAD))),
    ('local-icmp-unknown', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                              / ICMP(type=200, id=0x4000 + i) / Raw(PAYLOAD))),
    ('local-icmp-bad-csum', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                               / ICMP(id=0x4000 + i, chksum=0x1234) / Raw(PAYLOAD))),
    ('local-icmp-error-in', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                               / ICMP(type=3, code=1) / IP(src='10.1.0.1', dst=src(i))
                                               / UDP(sport=9, dport=5000))),
    ('local-udp-closed', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                            / UDP(sport=5000 + i, dport=9) / Raw(PAYLOAD))),
    ('local-udp-zero-csum', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                               / UDP(sport=5000 + i, dport=9, chksum=0) / Raw(PAYLOAD))),
    ('local-udp-bad-csum', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                              / UDP(sport=5000 + i, dport=9, chksum=0x1234) / Raw(PAYLOAD))),
    ('local-udp-short', lambda s, i: raw_ip(s, bytes(IP(src=src(i), dst='10.1.0.1', id=0x1000 + i, proto=17)
                                                     / Raw(b'\x13\x88\x00\x09\x00\x40\x00\x00')))),
    ('local-tcp-syn', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                         / TCP(sport=5000 + i, dport=80, flags='S', seq=7))),
    ('local-tcp-ack-data', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                              / TCP(sport=5000 + i, dport=80, flags='PA', seq=7, ack=99)
                                              / Raw(b'hello'))),
    ('local-tcp-fin', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                         / TCP(sport=5000 + i, dport=80, flags='F', seq=7))),
    ('local-tcp-rst', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i)
                                         / TCP(sport=5000 + i, dport=80, flags='R', seq=7))),
    ('local-proto-253', lambda s, i: bytes(eth(s) / IP(src=src(i), dst='10.1.0.1', id=0x1000 + i, proto=253)
                                           / Raw(PAYLOAD))),
    ('local-dup-frags', lambda s, i: b''.join([])),  # placeholder, replaced below
    # ARP (arp_process).
    ('arp-who-has-router', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                              / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.1.0.1'))),
    ('arp-who-has-far-addr', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                                / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.2.0.1'))),
    ('arp-who-has-other', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                             / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.1.0.77'))),
    ('arp-from-other-subnet', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                                 / ARP(op=1, hwsrc=s.h1, psrc='10.99.0.2', pdst='10.1.0.1'))),
    ('arp-unicast-request', lambda s, i: bytes(Ether(src=s.h1, dst=s.r1)
                                               / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.1.0.1'))),
    ('arp-gratuitous', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                          / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.1.0.2'))),
    ('arp-probe', lambda s, i: bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                     / ARP(op=1, hwsrc=s.h1, psrc='0.0.0.0', pdst='10.1.0.1'))),
]


def dup_frags(s, i):
    """Two copies of the first fragment and the last one: reassembled once."""
    whole = IP(src=src(i), dst='10.1.0.1', id=0x1000 + i) / ICMP(id=0x4000 + i, seq=1) / Raw(bytes(120))
    b = bytes(whole)
    hdr = bytearray(b[:20])
    first = bytearray(hdr + b[20:20 + 64])
    first[2:4] = struct.pack('!H', 84)
    first[6:8] = struct.pack('!H', 0x2000)
    last = bytearray(hdr + b[20 + 64:])
    last[2:4] = struct.pack('!H', 20 + len(b) - 20 - 64)
    last[6:8] = struct.pack('!H', 8)
    for f in (first, last):
        f[10:12] = b'\0\0'
        f[10:12] = struct.pack('!H', csum(bytes(f[:20])))
    e = bytes(eth(s))
    return [e + bytes(first), e + bytes(first), e + bytes(last)]


def csum(b):
    s = sum(struct.unpack(f'!{len(b) // 2}H', b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


CORPUS = [(n, dup_frags if n == 'local-dup-frags' else f) for n, f in CORPUS]


def counters(p):
    """Every counter of router P: ferctl stats in fr; in lr, what nstat
    -az shows, read from the namespace's /proc/net/snmp and netstat here
    (a process costs a second under TCG, and this runs twice a frame)."""
    if p == 'f':
        cmd = [os.environ.get('FERCTL', 'ferctl'), '-n', 'fr', 'stats']
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return {w[0]: int(w[1]) for w in (line.split() for line in out.splitlines()) if len(w) >= 2}
    texts = in_netns('/run/netns/lr', lambda: [read(f'/proc/thread-self/net/{name}')
                                               for name in ('snmp', 'netstat')])
    # Pairs of lines, "Ip: InReceives ..." then "Ip: 12 ...": nstat's
    # names are the prefix and the field (IpInReceives); it leaves out
    # the fields that are settings or gauges, not counters.
    c = {}
    for text in texts:
        lines = text.splitlines()
        for names, values in zip(lines[0::2], lines[1::2]):
            prefix, *keys = names.split()
            _, *vals = values.split()
            for k, v in zip(keys, vals):
                c[prefix.rstrip(':') + k] = int(v)
    for k in ('IpForwarding', 'IpDefaultTTL', 'TcpRtoAlgorithm', 'TcpRtoMin', 'TcpRtoMax',
              'TcpMaxConn', 'TcpCurrEstab'):
        c.pop(k, None)
    return c


def main():
    out = sys.argv[1]
    only = set(sys.argv[2:])
    sides = [Side('f'), Side('l')]
    differ = 0
    count = 0
    for i, (name, build) in enumerate(CORPUS, start=1):
        if only and name not in only:
            continue
        count += 1
        got = []
        deltas = []
        for side in sides:
            before = counters(side.p)
            frames = build(side, i)
            if isinstance(frames, bytes):
                frames = [frames]
            side.drain(quiet=0.05, most=0.2)  # late stragglers of the last
            for f in frames:
                side.s1.send(f)
            seen = side.drain()
            lines = sorted(n for n in (normalize(side, link, fr) for link, fr in seen) if n)
            with open(f'{out}/{side.p}.{name}', 'w') as fh:
                fh.write(''.join(line + '\n' for line in lines))
            got.append(lines)
            after = counters(side.p)
            deltas.append({k: v - before.get(k, 0) for k, v in after.items()})
        same = got[0] == got[1]
        differ += not same
        print(f'{"same" if same else "DIFF"} {name} ({len(got[0])} frames seen)', flush=True)
        # Counters both routers have whose deltas differ for this frame.
        f, l = deltas
        for k in sorted(set(f) & set(l)):
            if f[k] != l[k]:
                print(f'COUNTER {name}:{k} ferroute {f[k]} linux {l[k]}', flush=True)
    print(f'corpus: {count} frames, {differ} differ')


if __name__ == '__main__':
    main()

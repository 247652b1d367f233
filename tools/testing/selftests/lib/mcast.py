#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted multicast frames through a multicast router, for selftest 38.

    mcast.py P OUT

The topology of side P (f: ferroute, l: Linux) is 38-mroute.sh's: a sender
P's (link h0) behind router port p0, receivers Ph1, Ph2, Ph3 (link hx) behind
p1, p2 (MTU 1000) and p3 (threshold 16). Each case of CASES is sent on its
link, then every IPv4 frame the four host links receive is written to
OUT/P.CASE, normalized (router MACs as R, the group MAC kept, IGMP left
out), one line a frame, sorted."""
import select
import sys
import time

# The modules used, not scapy.all: a third of the import's time.
from scapy.config import conf
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

# The namespace and packet-socket plumbing of the unicast corpus (same
# directory).
from corpus import PACKET_OUTGOING, packet_socket
from netns import in_netns

conf.verb = 0

SRC = '10.1.0.2'
GROUP = '239.1.1.1'


def open_link(ns, dev):
    s = in_netns(f'/run/netns/{ns}', lambda: packet_socket(dev))
    mac = ':'.join('%02x' % b for b in s.getsockname()[4][:6])
    return s, mac


def mc_mac(group):
    o = [int(x) for x in group.split('.')]
    return '01:00:5e:%02x:%02x:%02x' % (o[1] & 0x7f, o[2], o[3])


def udp(src=SRC, dst=GROUP, ttl=8, size=64, df=False, link='s'):
    def build(macs):
        payload = bytes(size)
        flags = 'DF' if df else 0
        return link, bytes(Ether(src=macs[link], dst=mc_mac(dst))
                           / IP(src=src, dst=dst, ttl=ttl, id=0x3000 + size + ttl, flags=flags)
                           / UDP(sport=4000, dport=5000) / Raw(payload))
    return build


# name, frame builder (sent on the sender's link unless link='h1').
CASES = [
    ('ttl-1', udp(ttl=1)),
    ('ttl-2', udp(ttl=2)),
    ('ttl-8', udp(ttl=8)),
    ('ttl-16', udp(ttl=16)),
    ('ttl-17', udp(ttl=17)),
    ('link-local-224.0.0.5', udp(dst='224.0.0.5', ttl=8)),
    ('all-hosts-224.0.0.1', udp(dst='224.0.0.1', ttl=1)),
    ('link-local-224.0.0.251', udp(dst='224.0.0.251', ttl=255)),
    ('wrong-iif', udp(link='h1', ttl=8)),
    ('no-entry-source', udp(src='10.1.0.9', ttl=8)),
    ('no-entry-group', udp(dst='239.9.9.9', ttl=8)),
    ('martian-src-loopback', udp(src='127.0.0.1', ttl=8)),
    ('martian-src-multicast', udp(src='224.1.2.3', ttl=8)),
    ('martian-src-zero', udp(src='0.0.0.0', ttl=8)),
    ('martian-src-broadcast', udp(src='255.255.255.255', ttl=8)),
    ('martian-src-router', udp(src='10.1.0.1', ttl=8)),
    ('oversize-df', udp(ttl=8, size=1200, df=True)),
    ('oversize-nodf', udp(ttl=8, size=1200)),
]


def main():
    p, out = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    links = {'s': open_link(f'{p}s', 'h0')}
    for i in (1, 2, 3):
        links[f'h{i}'] = open_link(f'{p}h{i}', 'hx')
    macs = {k: m for k, (_, m) in links.items()}
    roles = {m: k.upper() for k, m in macs.items()}
    socks = {s: k for k, (s, _) in links.items()}

    def drain(quiet=0.3, most=2.0):
        seen = []
        start = last = time.monotonic()
        while True:
            left = min(last + quiet, start + most) - time.monotonic()
            if left <= 0:
                return seen
            r, _, _ = select.select(list(socks), [], [], left)
            for s in r:
                try:
                    data, addr = s.recvfrom(65535)
                except OSError as e:
                    # A packet socket reports a link that was down when it
                    # was bound once (sk_err), then works.
                    print(f'{socks[s]}: {e}', flush=True)
                    continue
                if addr[2] == PACKET_OUTGOING:
                    continue
                seen.append((socks[s], data))
                last = time.monotonic()

    def line(link, data):
        eth = Ether(data)
        if eth.type != 0x0800 or IP not in eth or eth[IP].proto == 2:
            return None
        src = roles.get(eth.src, 'R')
        ip = bytes(data[14:14 + eth[IP].len])
        return f'{link} {src}>{eth.dst} {ip.hex()}'

    drain(quiet=0.2, most=1.0)
    for name, build in CASES:
        if only and name not in only:
            continue
        link, frame = build(macs)
        links[link][0].send(frame)
        got = sorted(n for n in (line(k, d) for k, d in drain()) if n)
        with open(f'{out}/{p}.{name}', 'w') as f:
            f.write(''.join(x + '\n' for x in got))
        print(f'{p} {name}: {len(got)} frames', flush=True)


if __name__ == '__main__':
    main()

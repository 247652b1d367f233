#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the fuzzers' seed corpus: valid (and a few deliberately bad)
Ethernet frames, one a line, "NAME HEX".

usage: /usr/bin/python3 tools/testing/fuzz/gen-seeds.py > tools/testing/fuzz/seeds.txt

Run once with scapy (Debian's python3-scapy); the output is committed and
read by the host fuzzer (tools/testing/host/tests/fuzz.rs) and by the VM
packet fuzzer (tools/testing/selftests/lib/pktfuzz.c). The frames are the
differential corpus of selftest 37 (lib/corpus.py: forwarding, TTL, MTU
and DF, IP options, header errors, martians, broadcasts, local ICMP, UDP,
TCP, ARP) plus fragment trains, UDP echo and ARP replies. Addresses are
those of the fuzzing topology (lib/corpus.py's): the sender is
10.1.0.2 / 10.50.0.N behind the router's 10.1.0.1, the far side 10.2.0.0/24;
MAC addresses are placeholders that the VM fuzzer rewrites per port.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'selftests', 'lib'))
import corpus  # noqa: E402
from scapy.all import ARP, ICMP, IP, UDP, TCP, Ether, Raw, IPOption, fragment  # noqa: E402


class Side:
    h1 = '02:00:00:00:01:02'
    r1 = '02:00:00:00:01:01'


def main():
    s = Side()
    out = []
    for i, (name, f) in enumerate(corpus.CORPUS, start=1):
        frames = f(s, i)
        if isinstance(frames, bytes):
            frames = [frames]
        for j, b in enumerate(frames):
            out.append((name if len(frames) == 1 else f'{name}-{j}', b))
    eth = Ether(src=s.h1, dst=s.r1)
    # Fragment trains: to the router (reassembled) and through it.
    for dst, tag in (('10.1.0.1', 'local'), ('10.2.0.2', 'fwd')):
        for proto, l4 in (('icmp', ICMP(id=7, seq=1)), ('udp', UDP(sport=4000, dport=7))):
            whole = IP(src='10.1.0.2', dst=dst, id=0x2200) / l4 / Raw(bytes(range(256)) * 4)
            for k, fr in enumerate(fragment(whole, fragsize=256)):
                out.append((f'frag-{tag}-{proto}-{k}', bytes(eth / fr)))
    out.append(('local-udp-echo', bytes(eth / IP(src='10.1.0.2', dst='10.1.0.1')
                                        / UDP(sport=4001, dport=7) / Raw(b'echo me'))))
    out.append(('local-tcp-opts', bytes(eth / IP(src='10.1.0.2', dst='10.1.0.1')
                                        / TCP(sport=4002, dport=22, flags='S',
                                              options=[('MSS', 1460), ('SAckOK', b''),
                                                       ('Timestamp', (1, 0)), ('WScale', 7)]))))
    out.append(('local-ts-prespec', bytes(eth / IP(src='10.1.0.2', dst='10.1.0.1',
                                                   options=[IPOption(b'\x44\x14\x05\x03' + bytes([10, 1, 0, 1]) + bytes(4)
                                                                     + bytes([10, 2, 0, 1]) + bytes(4))])
                                          / ICMP() / Raw(b'ts'))))
    out.append(('arp-reply', bytes(Ether(src=s.h1, dst=s.r1)
                                   / ARP(op=2, hwsrc=s.h1, psrc='10.1.0.2', hwdst=s.r1, pdst='10.1.0.1'))))
    out.append(('arp-request-far', bytes(Ether(src=s.h1, dst='ff:ff:ff:ff:ff:ff')
                                         / ARP(op=1, hwsrc=s.h1, psrc='10.1.0.2', pdst='10.2.0.2'))))
    for name, b in out:
        print(name, b.hex())


if __name__ == '__main__':
    main()

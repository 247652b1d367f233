#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one probe through a router and print what comes back, normalized.

usage: fwdprobe.py error DST [TTL]     (run in the sending host)
       fwdprobe.py burst SRC DST N     (N TTL-1 probes at once: prints how
                                        many were answered)
       fwdprobe.py forward DST IFACE   (run in the sending host; DST's host
                                        sniffs with `fwdprobe.py sniff`)
       fwdprobe.py sniff IFACE READY   (run in the receiving host; creates
                                        the file READY once it captures)

"error" sends an ICMP echo request to DST with TTL (default 64), fixed id,
sequence, IP id and payload, and prints the answer (an ICMP error from the
router, or the echo reply) as hex with the IP id and the IP and ICMP
checksums zeroed: what must be equal between Linux and ferroute. "sniff"
prints the first ICMP echo request IFACE receives the same way, with only
the IP checksum zeroed (a router keeps the id). Both print "none" on
timeout.
"""

import sys

from scapy.all import ICMP, IP, AsyncSniffer, Raw, conf, sr, sr1  # noqa: E402

conf.verb = 0
PAYLOAD = bytes(range(48))


def normalize(pkt, keep_id=False):
    ip = bytearray(bytes(pkt[IP]))
    if not keep_id:
        ip[4:6] = b'\0\0'
    ip[10:12] = b'\0\0'
    ihl = (ip[0] & 0x0f) * 4
    if len(ip) >= ihl + 4:
        ip[ihl + 2:ihl + 4] = b'\0\0'
    return ip.hex()


def probe(dst, ttl):
    return IP(dst=dst, ttl=ttl, id=0x4242, tos=0x10) / ICMP(id=0x77, seq=1) / Raw(PAYLOAD)


def main():
    mode = sys.argv[1]
    if mode == 'error':
        ttl = int(sys.argv[3]) if len(sys.argv) > 3 else 64
        ans = sr1(probe(sys.argv[2], ttl), timeout=10)
        print(normalize(ans) if ans is not None else 'none')
    elif mode == 'sniff':
        # READY (a path) is created once the capture runs.
        ready = sys.argv[3] if len(sys.argv) > 3 else None
        # Generous: the sender is a fresh python3 importing scapy, slow under
        # TCG; one packet ends the capture at once.
        t = AsyncSniffer(iface=sys.argv[2], count=1, timeout=90,
                         lfilter=lambda p: IP in p and ICMP in p and p[ICMP].type == 8,
                         started_callback=lambda: ready and open(ready, 'w').close())
        t.start()
        t.join()
        got = t.results
        print(normalize(got[0], keep_id=True) if got else 'none')
    elif mode == 'burst':
        # N TTL-1 probes from SRC at once: how many time exceeded come back
        # (the router's per-peer limit: bursts of six).
        src, dst, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        pkts = [IP(src=src, dst=dst, ttl=1) / ICMP(id=0x78, seq=i) / Raw(PAYLOAD)
                for i in range(n)]
        ans, _ = sr(pkts, timeout=10)
        print(len(ans))
    elif mode == 'send':
        from scapy.all import send
        send(probe(sys.argv[2], 64))
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())

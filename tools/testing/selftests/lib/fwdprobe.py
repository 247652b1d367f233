#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one probe through a router and print what comes back, normalized.

usage: fwdprobe.py error DST [TTL]     (run in the sending host)
       fwdprobe.py local KIND DST      (a probe to the router itself: udp,
                                        udp-echo, udp-badsum, tcp-syn, tcp-ack,
                                        tcp-rst, proto, timestamp,
                                        rr, rr-ttl1, rr-udp, rr-frag, badopt,
                                        lsrr, frag-first)
       fwdprobe.py burst SRC DST N     (N TTL-1 probes at once: prints how
                                        many were answered and how many
                                        seconds sending them took)
       fwdprobe.py martians IFACE MAC [N]
                                       (martian frames and a broadcast to
                                        the router at MAC; or only the Nth)
       fwdprobe.py sniff IFACE READY   (run in the receiving host; opens
                                        READY, a file or a FIFO, for writing
                                        once it captures)
       fwdprobe.py send DST [SRC TTL SEQ]
                                       (an echo request, not waiting)
       fwdprobe.py serve DIR           (run in a host: answers requests, any
                                        of the above, that come through the
                                        FIFO DIR/in, with their output and
                                        a last line ".status N" through the
                                        FIFO DIR/out)

"error" sends an ICMP echo request to DST with TTL (default 64), fixed id,
sequence, IP id and payload, and prints the answer (an ICMP error from the
router, or the echo reply) as hex with the IP id and the IP and ICMP
checksums zeroed: what must be equal between Linux and ferroute. "sniff"
prints the first ICMP echo request IFACE receives the same way, with only
the IP checksum zeroed (a router keeps the id). Both print "none" on
timeout.

"serve" exists because importing scapy takes 10-20 s of a TCG guest's one
CPU: `probe NS ...` in lib.sh starts one server per namespace at its first
probe there and pays that once, not once per probe.
"""

import contextlib
import io
import sys
import threading
import traceback

# The modules used, not scapy.all (every layer and its set-up): a third of
# the import's time, seconds under TCG for every probe.
from scapy.config import conf
from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption, fragment
from scapy.packet import Raw
from scapy.sendrecv import AsyncSniffer, send, sr, sr1

conf.verb = 0
PAYLOAD = bytes(range(48))


def normalize(pkt, keep_id=False):
    ip = bytearray(bytes(pkt[IP]))
    if not keep_id:
        ip[4:6] = b'\0\0'
    ip[10:12] = b'\0\0'
    ihl = (ip[0] & 0x0f) * 4
    # The transport checksum: at 16 in TCP, 6 in UDP, 2 in ICMP. (A UDP
    # datagram a Linux socket sends over a veth is CHECKSUM_PARTIAL: its
    # field holds only the pseudo-header sum.)
    at = ihl + 16 if ip[9] == 6 else ihl + 6 if ip[9] == 17 else ihl + 2
    if len(ip) >= at + 2:
        ip[at:at + 2] = b'\0\0'
    if ip[9] == 1 and len(ip) >= ihl + 20 and ip[ihl] == 14:
        # A timestamp reply: the receive and transmit times are clocks.
        ip[ihl + 12:ihl + 20] = bytes(8)
    return ip.hex()


def local_probe(kind, dst):
    """A probe to one of the router's own addresses."""
    base = IP(dst=dst, id=0x4242, tos=0x12)
    if kind == 'udp':
        return base / UDP(sport=40000, dport=9) / Raw(PAYLOAD)
    if kind == 'udp-echo':
        return base / UDP(sport=40000, dport=7) / Raw(PAYLOAD)
    if kind == 'udp-badsum':
        return base / UDP(sport=40000, dport=9, chksum=0x1234) / Raw(PAYLOAD)
    if kind == 'tcp-syn':
        return base / TCP(sport=40000, dport=80, flags='S', seq=1000, window=512)
    if kind == 'tcp-ack':
        return base / TCP(sport=40001, dport=80, flags='PA', seq=1000, ack=5000) / Raw(b'x' * 10)
    if kind == 'tcp-rst':
        return base / TCP(sport=40002, dport=80, flags='R', seq=1000)
    if kind == 'proto':
        return IP(dst=dst, id=0x4242, tos=0x12, proto=253) / Raw(PAYLOAD)
    if kind == 'timestamp':
        return base / ICMP(type=13, id=0x7a, seq=1, ts_ori=0x10203, ts_rx=0, ts_tx=0)
    # IP options: record route with nine empty slots; a record route whose
    # pointer is below 4 (malformed); a loose source route.
    rr = IPOption(b'\x01\x07\x27\x04' + bytes(36))
    if kind == 'rr':
        return IP(dst=dst, id=0x4244, tos=0x12, options=[rr]) / ICMP(id=0x7b, seq=1) / Raw(PAYLOAD)
    if kind == 'rr-ttl1':
        return IP(dst=dst, id=0x4245, ttl=1, options=[rr]) / ICMP(id=0x7c, seq=1) / Raw(PAYLOAD)
    if kind == 'rr-udp':
        return IP(dst=dst, id=0x4246, options=[rr]) / UDP(sport=40003, dport=9) / Raw(PAYLOAD)
    if kind == 'rr-frag':
        # An echo request with record route in three fragments: the options
        # only in the first (record route is not copied into fragments).
        whole = IP(dst=dst, id=0x4249, tos=0x12, options=[rr]) / ICMP(id=0x80, seq=1) / Raw(PAYLOAD * 10)
        frags = fragment(whole, fragsize=200)
        for f in frags[1:]:
            f.options = []
            del f.ihl, f.len, f.chksum
        return frags
    if kind == 'badopt':
        return IP(dst=dst, id=0x4247, options=[IPOption(b'\x07\x03\x02\x00')]) / ICMP(id=0x7d, seq=1)
    if kind == 'lsrr':
        return IP(dst=dst, id=0x4248, options=[IPOption(b'\x83\x07\x04\x0a\x02\x00\x02\x00')]) / ICMP(id=0x7e, seq=1)
    if kind == 'frag-first':
        # The first fragment of an echo request whose rest never comes.
        return IP(dst=dst, id=0x4243, tos=0x12, flags='MF') / ICMP(id=0x79, seq=1) / Raw(PAYLOAD)
    raise SystemExit(f'unknown probe {kind}')


def probe(dst, ttl):
    return IP(dst=dst, ttl=ttl, id=0x4242, tos=0x10) / ICMP(id=0x77, seq=1) / Raw(PAYLOAD)


def run(argv):
    """One request: argv as the command line's (without the program)."""
    mode = argv[0]
    if mode == 'error':
        ttl = int(argv[2]) if len(argv) > 2 else 64
        ans = sr1(probe(argv[1], ttl), timeout=10)
        print(normalize(ans) if ans is not None else 'none')
    elif mode == 'local':
        # The answer, or "none" (a probe that gets none waits 3 s; a lone
        # first fragment waits for the 30 s reassembly timeout).
        wait = 45 if argv[1] == 'frag-first' else 3
        pkt = local_probe(argv[1], argv[2])
        if isinstance(pkt, list):
            # Fragments: scapy does not match an answer to a fragment
            # (sr1 never returns it), so capture the first ICMP packet
            # from the router instead.
            ready = threading.Event()
            t = AsyncSniffer(count=1, timeout=wait + 10, started_callback=ready.set,
                             lfilter=lambda p: IP in p and p[IP].src == argv[2] and ICMP in p)
            t.start()
            ready.wait(10)
            send(pkt)
            t.join()
            ans = t.results[0] if t.results else None
        else:
            ans = sr1(pkt, timeout=wait)
        print(normalize(ans) if ans is not None else 'none')
    elif mode == 'sniff':
        # READY (a path: a file, or a FIFO the caller waits on) is opened
        # for writing once the capture runs.
        ready = argv[2] if len(argv) > 2 else None
        # Generous: the sender's probe server may still be importing scapy,
        # slow under TCG; one packet ends the capture at once.
        t = AsyncSniffer(iface=argv[1], count=1, timeout=90,
                         lfilter=lambda p: IP in p and ICMP in p and p[ICMP].type == 8,
                         started_callback=lambda: ready and open(ready, 'w').close())
        t.start()
        t.join()
        got = t.results
        print(normalize(got[0], keep_id=True) if got else 'none')
    elif mode == 'burst':
        # N TTL-1 probes from SRC at once: how many time exceeded come back
        # (the router's per-peer limit: bursts of six).
        src, dst, n = argv[1], argv[2], int(argv[3])
        pkts = [IP(src=src, dst=dst, ttl=1) / ICMP(id=0x78, seq=i) / Raw(PAYLOAD)
                for i in range(n)]
        ans, unans = sr(pkts, timeout=10)
        # How long sending took: the per-peer bucket gains a token a second.
        sent = [s.sent_time for s, _ in ans] + [s.sent_time for s in unans]
        sent = [t for t in sent if t]
        print(len(ans), f'{max(sent) - min(sent):.3f}' if sent else '0')
    elif mode == 'martians':
        # Martians and a broadcast, as frames to the router's MAC (or to
        # ff:ff:ff:ff:ff:ff for the broadcast), from IFACE: no answers.
        from scapy.layers.l2 import Ether
        from scapy.sendrecv import sendp
        iface, mac = argv[1], argv[2]
        icmp = ICMP(id=0x7f, seq=1) / Raw(PAYLOAD)
        frames = [Ether(dst=mac) / IP(src=s, dst=d) / icmp for s, d in [
            ('127.0.0.5', '10.1.0.1'),    # martian source: loopback
            ('0.0.0.7', '10.1.0.1'),      # martian source: 0/8
            ('224.1.2.3', '10.1.0.1'),    # martian source: multicast
            ('10.1.0.1', '10.2.0.2'),     # martian source: the router's own
            ('10.1.0.2', '127.0.0.1'),    # martian destination: loopback
            ('10.1.0.2', '0.1.2.3'),      # martian destination: 0/8
        ]]
        frames.append(Ether(dst='ff:ff:ff:ff:ff:ff') / IP(src='10.1.0.2', dst='10.1.0.255') / icmp)
        if len(argv) > 3:
            frames = [frames[int(argv[3])]]
        sendp(frames, iface=iface)
    elif mode == 'send':
        # An echo request to DST; or one from SRC with TTL and sequence
        # number SEQ: send DST SRC TTL SEQ.
        if len(argv) > 4:
            send(IP(src=argv[2], dst=argv[1], ttl=int(argv[3])) / ICMP(id=0x7e, seq=int(argv[4])))
        else:
            send(probe(argv[1], 64))
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return 0


def serve(path):
    """Answer requests from PATH/in until killed (see the usage above)."""
    while True:
        # Opening blocks until a client opens the FIFO to write; its
        # requests end when it closes it.
        with open(f'{path}/in') as requests:
            for line in requests:
                out = io.StringIO()
                try:
                    # The namespace's links, routes and neighbours may
                    # have changed since the last request: forget what
                    # scapy learnt, as a fresh process would.
                    conf.ifaces.reload()
                    conf.route.resync()
                    conf.netcache.flush()
                    with contextlib.redirect_stdout(out):
                        status = run(line.split())
                except SystemExit as e:
                    print(e, file=out)
                    status = 1
                except Exception:  # pylint: disable=broad-except
                    traceback.print_exc(file=out)
                    status = 1
                with open(f'{path}/out', 'w') as answer:
                    answer.write(out.getvalue())
                    answer.write(f'.status {status}\n')


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'serve':
        serve(sys.argv[2])
        return 0
    return run(sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())

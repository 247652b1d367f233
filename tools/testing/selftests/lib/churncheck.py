#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The misrouting check of the route churn test (lib/churn.sh).

usage: churncheck.py DIR [PORT]

PORT is churnflow.py's UDP port (9999). DIR holds what churn.sh recorded, all timed by the VM's one
CLOCK_REALTIME:

  batch.N, trace.N  each batch of route updates (ferctl -batch batch.N)
                    and nltime.so's log of ferctl's sends: the kernel
                    runs a generic netlink request inside the send, so
                    the update of line i was published at some moment
                    between the entry and the return of the i-th
                    request's send (the sends before those of the lines
                    are ferctl's family look-up);
  flow.log          churnflow.py's datagrams: "seq time dst";
  h2.pcap, h3.pcap  tcpdump on each next hop's host (vb): which datagram
                    arrived where, and when;
  h1.pcap           tcpdump on h1's fer1: the ICMP errors that came back
                    (the quoted IP header's identification, source and
                    destination tell the datagram).

Writes DIR/updates.log (one line per update: the two times and the line)
and checks, for every datagram of churnflow.py:

  1. to the unchanged prefix (10.50.0.0/16 via h2): it arrived, once, at
     h2, and no ICMP error came back for it;
  2. to a churned prefix (10.60.0.0/16, the 10.100-10.199 /24s): if it
     arrived, it arrived once, at a next hop of a version of the prefix's
     route that was (or may have been, given the publication windows)
     current at some moment between its send and its arrival, or of the
     version just before the first such (the tolerance for a packet
     forwarded by a reader that looked the route up just before an
     update was published; counted apart, and 0 so far);
  3. no datagram was forwarded while its prefix had no route (same
     windows and tolerance), and no ICMP net unreachable came back for
     one sent while its prefix had a route all along.

The churned datagrams that did not arrive are attributed: sent while the
route was (possibly) deleted, with or without an ICMP error back (a
missing error is one of the router's rate limits), or lost while routed
(listed, not a failure: the acceptance does not ask that the churned
prefix lose nothing). For one that did not arrive the window is from its
send to twice the largest delay of one that did (at least 50 ms). Prints
the figures, then "churncheck-noroute N" (the datagrams that were not
forwarded for want of a route, for churn.sh to compare with the router's
InNoRoutes). Exits 1 on a failed check.
"""

import bisect
import glob
import os
import socket
import struct
import sys

ROUTER = '10.1.0.1'
GATEWAYS = {'10.2.0.2': 'h2', '10.3.0.2': 'h3'}
STEADY = '10.50.0.0/16'
INITIAL = {STEADY: frozenset(['h2']), '10.60.0.0/16': frozenset(['h2'])}
# How long after its send a datagram that never arrived may still have
# been on its way at least (else twice the largest delivery delay).
INFLIGHT_MIN = 0.05
INF = float('inf')


def prefix_of(dst):
    a = dst.split('.')
    if a[1] in ('50', '60'):
        return f'10.{a[1]}.0.0/16'
    return f'10.{a[1]}.{a[2]}.0/24'


def read_trace(path):
    """(entry, return) of every send of an nltime.so log."""
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] == 'S':
                out.append((float(w[1]), float(w[2])))
    return out


def state_of(words):
    """The next hops a route line leaves its prefix with (None: no route)."""
    if words[1] == 'del':
        return None
    gws = [words[i + 1] for i, w in enumerate(words) if w == 'via']
    hosts = frozenset(GATEWAYS[g] for g in gws)
    if len(hosts) != len(gws) or not hosts:
        raise SystemExit(f'churncheck: cannot read {" ".join(words)}')
    return hosts


def read_updates(d):
    """Per prefix: sorted lists of publication window starts, ends, states."""
    hist = {}
    n = 0
    with open(os.path.join(d, 'updates.log'), 'w') as log:
        for b in sorted(glob.glob(os.path.join(d, 'batch.*')),
                        key=lambda p: int(p.rsplit('.', 1)[1])):
            lines = [ln.split() for ln in open(b) if ln.strip()]
            sends = read_trace(b.replace('batch.', 'trace.'))
            extra = len(sends) - len(lines)
            if not 0 <= extra <= 4:
                raise SystemExit(f'churncheck: {len(sends)} sends for the {len(lines)} lines of {b}')
            for words, (a, z) in zip(lines, sends[extra:]):
                p = words[2]
                h = hist.setdefault(p, ([-INF], [-INF], [INITIAL.get(p)]))
                h[0].append(a)
                h[1].append(z)
                h[2].append(state_of(words))
                log.write('%.6f %.6f %s\n' % (a, z, ' '.join(words)))
                n += 1
    return hist, n


def candidates(hist, p, t0, t1):
    """Indexes of the versions of p's route that may have been current at
    some moment of [t0, t1]: version j from the start of its publication
    window to the end of version j+1's. Returns (lo, hi)."""
    h = hist.get(p)
    if h is None:
        return None
    starts, ends, _ = h
    n = len(starts) - 1
    # The first j whose successor's window ends at or after t0.
    lo = bisect.bisect_left(ends, t0, 1) - 1
    lo = min(max(lo, 0), n)
    hi = bisect.bisect_right(starts, t1) - 1
    return lo, max(hi, lo)


def states(hist, p, lo, hi):
    if p not in hist:
        return [INITIAL.get(p)]
    return hist[p][2][lo:hi + 1]


def read_pcap(path):
    """(time, ip header offset, bytes) of every IPv4 packet of a pcap."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit(f'churncheck: {path} is no pcap')
    magic = struct.unpack_from('<I', data)[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    magic = struct.unpack_from(end + 'I', data)[0]
    scale = 1e-9 if magic == 0xa1b23c4d else 1e-6
    link = struct.unpack_from(end + 'I', data, 20)[0] & 0xffff
    pos, out = 24, []
    while pos + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(end + 'IIII', data, pos)
        pkt = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if link == 1:  # Ethernet
            if len(pkt) < 14 or pkt[12:14] != b'\x08\x00':
                continue
            off = 14
        elif link == 113:  # Linux cooked
            if len(pkt) < 16 or pkt[14:16] != b'\x08\x00':
                continue
            off = 16
        else:  # raw IP
            off = 0
        if len(pkt) >= off + 20 and pkt[off] >> 4 == 4:
            out.append((sec + frac * scale, off, pkt))
    return out


def ip_fields(pkt, off):
    ihl = (pkt[off] & 15) * 4
    ident, = struct.unpack_from('!H', pkt, off + 4)
    proto = pkt[off + 9]
    src = socket.inet_ntoa(pkt[off + 12:off + 16])
    dst = socket.inet_ntoa(pkt[off + 16:off + 20])
    return ihl, ident, proto, src, dst


def main():
    d = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 9999
    hist, nupdates = read_updates(d)
    widths = sorted(z - a for h in hist.values() for a, z in zip(h[0][1:], h[1][1:]))
    sent = {}
    by_quote = {}
    failed_sends = 0
    for line in open(os.path.join(d, 'flow.log')):
        w = line.split()
        if len(w) != 3:
            continue
        if w[1] == '-':
            failed_sends += 1
            continue
        seq, t, dst = int(w[0]), float(w[1]), w[2]
        sent[seq] = (t, dst)
        src = '10.1.0.%d' % (2 + seq % 4)
        by_quote.setdefault((seq % 65535 + 1, src, dst), []).append((t, seq))

    arrivals = {}
    for host in ('h2', 'h3'):
        for t, off, pkt in read_pcap(os.path.join(d, host + '.pcap')):
            ihl, _, proto, _, dst = ip_fields(pkt, off)
            u = off + ihl
            if proto != 17 or len(pkt) < u + 12:
                continue
            dport, = struct.unpack_from('!H', pkt, u + 2)
            if dport != port:
                continue
            seq, = struct.unpack_from('!I', pkt, u + 8)
            arrivals.setdefault(seq, []).append((t, host, dst))

    errors = {}
    unmatched_icmp = 0
    for t, off, pkt in read_pcap(os.path.join(d, 'h1.pcap')):
        ihl, _, proto, src, _ = ip_fields(pkt, off)
        i = off + ihl
        if proto != 1 or src != ROUTER or len(pkt) < i + 8 + 20 + 4 or pkt[i] != 3:
            continue
        code = pkt[i + 1]
        qihl, qid, qproto, qsrc, qdst = ip_fields(pkt, i + 8)
        if qproto != 17 or len(pkt) < i + 8 + qihl + 4:
            continue
        qdport, = struct.unpack_from('!H', pkt, i + 8 + qihl + 2)
        if qdport != port:
            continue
        cands = [s for ts, s in by_quote.get((qid, qsrc, qdst), []) if ts <= t]
        if not cands:
            unmatched_icmp += 1
            continue
        errors.setdefault(cands[-1], []).append((t, code))

    delays = [got[0][0] - sent[q][0] for q, got in arrivals.items() if q in sent]
    inflight = max([INFLIGHT_MIN] + [2 * x for x in delays])
    fails = []
    count = {'steady': 0, '10.60': 0, '/24': 0}
    tolerated = 0
    delivered_churned = 0
    delivered = {'10.60': 0, '/24': 0}
    no_route_icmp = no_route_silent = 0
    lost_routed = []
    codes = {}
    for seq, (ts, dst) in sorted(sent.items()):
        p = prefix_of(dst)
        kind = 'steady' if p == STEADY else '10.60' if p == '10.60.0.0/16' else '/24'
        count[kind] += 1
        got = arrivals.get(seq, [])
        errs = errors.get(seq, [])
        for _, c in errs:
            codes[c] = codes.get(c, 0) + 1
        if len(got) > 1:
            fails.append(f'seq {seq} to {dst} arrived {len(got)} times: {got}')
        for tr, host, adst in got:
            if adst != dst:
                fails.append(f'seq {seq} sent to {dst} arrived for {adst}')
        if kind == 'steady':
            if [h for _, h, _ in got] != ['h2']:
                fails.append(f'seq {seq} to the unchanged prefix sent at {ts:.6f} arrived at {got or "no host"}')
            if errs:
                fails.append(f'seq {seq} to the unchanged prefix got ICMP errors {errs}')
            continue
        if got:
            delivered_churned += 1
            delivered[kind] += 1
            tr, host, _ = got[0]
            lo, hi = candidates(hist, p, ts, tr)
            st = states(hist, p, lo, hi)
            if any(s and host in s for s in st):
                pass
            elif lo > 0 and hist[p][2][lo - 1] and host in hist[p][2][lo - 1]:
                tolerated += 1
                if tolerated <= 10:
                    h = hist[p]
                    win = ' '.join('[%.6f %.6f %s]' % (h[0][j] - ts, h[1][j] - ts, sorted(h[2][j]) if h[2][j] else None)
                                   for j in range(max(lo - 1, 0), min(hi + 2, len(h[0]))))
                    print(f'churncheck: tolerated: seq {seq} to {dst} sent {ts:.6f} at {host} +{tr - ts:.6f}; versions (publication window relative to the send): {win}')
            elif all(s is None for s in st):
                fails.append(f'seq {seq} to {dst} sent at {ts:.6f} was forwarded to {host} at {tr:.6f} while {p} had no route')
            else:
                fails.append(f'seq {seq} to {dst} sent at {ts:.6f} arrived at {host} at {tr:.6f}: {p} had only {st}')
            if errs:
                fails.append(f'seq {seq} to {dst} arrived and got an ICMP error too: {errs}')
            continue
        # Not delivered.
        t1 = max([ts + inflight] + [te for te, _ in errs])
        lo, hi = candidates(hist, p, ts, t1)
        st = states(hist, p, lo, hi)
        maybe_none = any(s is None for s in st) or (lo > 0 and hist[p][2][lo - 1] is None)
        if errs:
            if not maybe_none:
                fails.append(f'seq {seq} to {dst} sent at {ts:.6f} got ICMP {errs} while {p} had a route: {st}')
            no_route_icmp += 1
        elif maybe_none:
            no_route_silent += 1
        else:
            lost_routed.append(f'seq {seq} to {dst} sent at {ts:.6f}, routes {[sorted(s) for s in st]}')

    total = sum(count.values())
    steady_lost = sum(1 for s, (_, dst) in sent.items()
                      if prefix_of(dst) == STEADY and not arrivals.get(s))
    churned = count['10.60'] + count['/24']
    print(f'churncheck: {nupdates} updates logged; {total} datagrams checked '
          f'({count["steady"]} to the unchanged prefix, {count["10.60"]} to 10.60.0.0/16, '
          f'{count["/24"]} to the churned /24s; {failed_sends} sends refused by h1)')
    if delays:
        print(f'churncheck: delivery delays: median {sorted(delays)[len(delays) // 2] * 1e3:.1f} ms, '
              f'largest {max(delays) * 1e3:.1f} ms (a lost datagram\'s window: {inflight * 1e3:.0f} ms)')
    if widths:
        print(f'churncheck: publication windows of the updates (ferctl sends): median '
              f'{widths[len(widths) // 2] * 1e3:.1f} ms, 99th percentile '
              f'{widths[len(widths) * 99 // 100] * 1e3:.1f} ms, largest {widths[-1] * 1e3:.1f} ms')
    print(f'churncheck: unchanged prefix: {count["steady"] - steady_lost} of {count["steady"]} arrived, lost {steady_lost}')
    print(f'churncheck: churned prefixes: {delivered_churned} of {churned} arrived ({delivered["10.60"]} '
          f'of {count["10.60"]} to 10.60.0.0/16, {delivered["/24"]} of {count["/24"]} to the /24s), each '
          f'once, at a next hop its prefix had in its window ({tolerated} only by the tolerance of the '
          f'version before)')
    print(f'churncheck: not arrived {churned - delivered_churned}: {no_route_icmp} sent while the route was '
          f'deleted and answered by ICMP unreachable (codes {codes}), {no_route_silent} sent while it was '
          f'deleted and not answered (ip_error\'s per-source limit, ip_rt_error_cost, or icmp_send\'s '
          f'per-host limit, OutRateLimitHost), {len(lost_routed)} lost while routed'
          f'{"" if not unmatched_icmp else f"; {unmatched_icmp} ICMP errors matched no datagram"}')
    for line in lost_routed[:20]:
        print('churncheck: lost while routed:', line)
    for line in fails[:30]:
        print('churncheck: FAIL', line)
    print(f'churncheck: failures {len(fails)} (misrouted, duplicated, lost or unreachable on the '
          f'unchanged prefix, forwarded without a route, unreachable while routed)')
    # For churn.sh: the datagrams the router must have counted InNoRoutes.
    print(f'churncheck-noroute {no_route_icmp + no_route_silent}')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a BGP-sized IPv4 table as a `ferctl -batch` file and an `ip -batch`
file holding the same routes.

usage: gen-table.py [--prefixes N] [--seed S] [--dev DEV] [--table FILE] OUTDIR

The table starts from a real one: the RouteViews snapshot Debian's
python3-pyasn ships (ipasn_20140513.dat.gz, 512,621 IPv4 prefixes; --table
names another file of "prefix<TAB>asn" lines). It is grown to N prefixes
(default 920,000) the way real tables grew since, by de-aggregation: each
added prefix has a length drawn from the real table's own prefix-length
histogram (restricted to /9../32, so about 60% are /24s), and is a random
more-specific of a real prefix shorter than it, picked at random (a random
prefix if there is none). Duplicates are skipped, so the added prefixes
follow the real per-length distribution and the whole table keeps it.

Without the file, the whole table is drawn from the 2014 histogram below.

Each prefix becomes `route add P/L dev DEV` (default d0) in
OUTDIR/ferroute.batch (for `ferctl -batch`) and OUTDIR/ip.batch (for
`ip -batch`), in the same random order; OUTDIR/table.txt gets a summary.
Standard library only.
"""

import argparse
import bisect
import gzip
import os
import random
import sys

PYASN = '/usr/lib/python3/dist-packages/data/ipasn_20140513.dat.gz'
# Prefix-length histogram of the 2014-05-13 RouteViews table (lengths
# 0..32), the same numbers as tools/testing/host/benches/fib.rs.
HISTOGRAM = [0, 0, 0, 0, 0, 0, 0, 0, 16, 11, 30, 95, 270, 520, 1020, 1800, 13200,
             7200, 12300, 24600, 34600, 38700, 56000, 48600, 274000, 0, 0, 0, 0, 0,
             0, 0, 0]


def mask(length):
    return 0 if length == 0 else (0xffffffff << (32 - length)) & 0xffffffff


def dotted(v):
    return '.'.join(str((v >> s) & 255) for s in (24, 16, 8, 0))


def read_table(path):
    out = set()
    with gzip.open(path, 'rt') as f:
        for line in f:
            if line.startswith(';'):
                continue
            word = line.split(None, 1)[0] if line.strip() else ''
            if '/' not in word:
                continue
            addr, length = word.split('/')
            try:
                parts = [int(x) for x in addr.split('.')]
                length = int(length)
            except ValueError:
                continue
            if len(parts) != 4 or not 0 <= length <= 32:
                continue
            v = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
            out.add((v & mask(length), length))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--prefixes', type=int, default=920_000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--dev', default='d0')
    ap.add_argument('--table', default=PYASN)
    ap.add_argument('outdir')
    a = ap.parse_args()
    rng = random.Random(a.seed)

    source = 'RouteViews 2014-05-13 (python3-pyasn)' if a.table == PYASN else a.table
    try:
        real = read_table(a.table)
    except OSError as e:
        print(f'gen-table: {e}; drawing the table from the 2014 histogram', file=sys.stderr)
        real = set()
        source = 'generated from the 2014 RouteViews histogram'
    hist = [0] * 33
    for _, length in real:
        hist[length] += 1
    if not real:
        hist = HISTOGRAM[:]

    # Lengths for added prefixes: the real histogram from /9 on.
    lengths = [length for length in range(9, 33) if hist[length]]
    weights = [hist[length] for length in lengths]
    # Real prefixes by length, for picking a shorter parent.
    by_len = {length: [] for length in range(33)}
    for v, length in real:
        by_len[length].append(v)
    table = set(real)
    target = max(a.prefixes, len(table))
    added = 0
    while len(table) < target:
        length = rng.choices(lengths, weights)[0]
        candidates = [pl for pl in range(8, length) if by_len[pl]]
        if candidates:
            # A parent chosen uniformly among the real prefixes shorter
            # than `length`.
            counts = [len(by_len[pl]) for pl in candidates]
            pl = rng.choices(candidates, counts)[0]
            parent = rng.choice(by_len[pl])
            v = parent | (rng.getrandbits(32 - pl) & ~mask(pl) & 0xffffffff)
        else:
            v = rng.getrandbits(32)
        v &= mask(length)
        if (v, length) not in table:
            table.add((v, length))
            added += 1

    routes = list(table)
    rng.shuffle(routes)
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, 'ferroute.batch'), 'w') as f, \
            open(os.path.join(a.outdir, 'ip.batch'), 'w') as g:
        for v, length in routes:
            line = f'route add {dotted(v)}/{length} dev {a.dev}\n'
            f.write(line)
            g.write(line)
    final = [0] * 33
    for _, length in routes:
        final[length] += 1
    with open(os.path.join(a.outdir, 'table.txt'), 'w') as f:
        f.write(f'source: {source}: {len(real)} prefixes; {added} more-specifics added '
                f'(seed {a.seed}); {len(routes)} prefixes in all\n')
        f.write('length  real  final\n')
        for length in range(33):
            if hist[length] or final[length]:
                f.write(f'/{length:<5} {hist[length] if real else 0:>7} {final[length]:>7}\n')
    print(f'{len(routes)} prefixes ({len(real)} real, {added} added) in {a.outdir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

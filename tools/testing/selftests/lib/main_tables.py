#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""usage: main_tables.py LINUX.json FERROUTE.json

Compares `ip -j route show table main` with `ferctl -j route list` as
sorted (type, prefix, gateway, device, scope, metric, protocol) tuples;
prints both and exits 0 if they are equal.
"""
import json
import sys


def norm(r):
    dst = r['dst']
    dst = '0.0.0.0/0' if dst == 'default' else dst if '/' in dst else dst + '/32'
    t = r.get('type', 'unicast')
    # ip -j omits protocol boot and scope global.
    return (t, dst, r.get('gateway'), r.get('dev') if t == 'unicast' else None,
            r.get('scope', 'global'), r.get('metric', 0), r.get('protocol', 'boot'))


linux, fer = (sorted(map(norm, json.load(open(f)))) for f in sys.argv[1:3])
for x in linux:
    print('linux   ', x)
for x in fer:
    print('ferroute', x)
sys.exit(0 if linux == fer else 1)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/specs/ferroute.yaml.

usage: check_spec.py KERNEL_SRC_DIR

1. validates the spec against the kernel tree's genetlink-legacy.yaml schema
   (python3-jsonschema);
2. loads it with the kernel's own YNL library (SpecFamily from
   tools/net/ynl/lib, or tools/net/ynl/pyynl/lib in newer trees);
3. checks the attribute, command and enum numbers against the ones ferctl
   uses (`ferctl --dump-constants`; the binary is $FERCTL if set, otherwise
   `cargo run` of tools/ferctl), each operation's request attributes
   against the lists the module registers its per-operation policies from
   (rust/uapi/ferroute.rs, printed by the same option), and the attribute
   types and operation modes against the contract;
4. runs the kernel's cli.py on it (`--dump port-get`, `--dump route-list`,
   `--do route-get`): each must get as far as looking up the family
   (success with the module loaded, "family not found" without).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
SPEC = os.path.join(REPO, 'Documentation', 'netlink', 'specs', 'ferroute.yaml')
SPDX = '# SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)'

# The contract's types (the issue that defined the family).
TYPES = {
    'ifindex': 'u32', 'ifname': 'string', 'address': 'u32', 'prefixlen': 'u8',
    'kind': 'u8', 'mac': 'binary', 'stat-name': 'string', 'stat-value': 'u64',
    'neigh-state': 'u8', 'port-id': 'u32',
    # Routes.
    'table': 'u32', 'route-type': 'u8', 'scope': 'u8', 'gateway': 'u32',
    'metric': 'u32', 'prefsrc': 'u32', 'protocol': 'u8', 'tos': 'u8',
    'mtu': 'u32', 'route-mode': 'u8', 'src': 'u32', 'iifname': 'string',
    'mark': 'u32', 'onlink': 'u8',
    # Rules, tables, multipath.
    'priority': 'u32', 'src-len': 'u8', 'fwmask': 'u32', 'rule-action': 'u8',
    'goto': 'u32', 'invert': 'u8', 'multipath': 'nest',
    'route-count': 'u32', 'netns': 'u32',
    # fib-bench (numbers from 40).
    'bench-keys': 'u32', 'bench-seed': 'u32', 'bench-ferroute-ns': 'u64',
    'bench-ferroute-hits': 'u32', 'bench-linux-ns': 'u64', 'bench-linux-hits': 'u32',
    'bench-rules-ns': 'u64', 'bench-rules-hits': 'u32', 'bench-mismatches': 'u32',
    'bench-routes': 'u32', 'bench-nodes': 'u32', 'bench-bytes': 'u64',
    # Settings (numbers from 52): per port, then per router.
    'forwarding': 'u8', 'rp-filter': 'u8', 'send-redirects': 'u8', 'accept-local': 'u8',
    'route-localnet': 'u8', 'icmp-ratelimit': 'u32', 'icmp-ratemask': 'u32',
    'icmp-msgs-per-sec': 'u32', 'icmp-msgs-burst': 'u32', 'icmp-echo-ignore-broadcasts': 'u8',
    'icmp-errors-use-inbound-ifaddr': 'u8', 'ip-default-ttl': 'u8', 'udp-echo': 'u8', 'fib-match': 'u8', 'rule-flags': 'u8',
    'conf-all': 'nest', 'conf-default': 'nest',
    # Multicast routing (numbers from 69).
    'mr-origin': 'u32', 'mr-group': 'u32', 'mr-threshold': 'u8', 'mr-ttls': 'binary',
    'mr-vif': 'u8', 'mr-packets': 'u64', 'mr-bytes': 'u64', 'mr-wrong-if': 'u64',
    'mr-pkt-in': 'u64', 'mr-bytes-in': 'u64', 'mr-pkt-out': 'u64', 'mr-bytes-out': 'u64',
    'rx-packets': 'u64',
    'rx-bytes': 'u64',
    'rx-errors': 'u64',
    'rx-dropped': 'u64',
    'rx-missed': 'u64',
    'rx-multicast': 'u64',
    'tx-packets': 'u64',
    'tx-bytes': 'u64',
    'tx-errors': 'u64',
    'tx-dropped': 'u64',
    'tx-carrier': 'u64',
    'collisions': 'u64',
    'mg-reporter': 'u32', 'mg-expires': 'u32',
    'mr-prune': 'u8', 'igmp-querier': 'u8', 'igmp-query-interval': 'u32',
    'igmp-query-response-interval': 'u32', 'igmp-last-member-interval': 'u32',
    'igmp-robustness': 'u8', 'mr-querier': 'u32', 'route-batch': 'nest',
}
# The `nexthop` attribute set of a multipath entry.
NEXTHOP_TYPES = {'gateway': 'u32', 'ifname': 'string', 'weight': 'u32', 'onlink': 'u8', 'dead': 'u8'}
# IPv4 addresses travel in network byte order.
BIG_ENDIAN = ('address', 'gateway', 'prefsrc', 'src', 'mr-origin', 'mr-group', 'mg-reporter')
# Attributes tied to their enum with "enum:". route-type, scope and protocol
# are not: scope and protocol take any number (iproute2's "scope N", "proto
# N"), and YNL's C generator refuses the non-contiguous route-type enum on an
# attribute; their enums are still defined and cross-checked below.
ENUM_ATTRS = {'kind': 'port-kind', 'neigh-state': 'neigh-state',
              'route-mode': 'route-mode'}
# The contract's enum values (Linux's RTN_*, RT_SCOPE_*, RTPROT_* numbers).
ENUMS = {
    'route-type': {'unicast': 1, 'local': 2, 'broadcast': 3, 'blackhole': 6,
                   'unreachable': 7, 'prohibit': 8, 'throw': 9},
    'scope': {'universe': 0, 'site': 200, 'link': 253, 'host': 254},
    'protocol': {'kernel': 2, 'boot': 3, 'static': 4},
    'route-mode': {'add': 1, 'replace': 2, 'append': 3, 'prepend': 4},
    'rule-action': {'to-table': 1, 'goto': 2, 'nop': 3, 'blackhole': 6,
                    'unreachable': 7, 'prohibit': 8},
}
DO_OPS = {'port-add', 'port-del', 'addr-add', 'addr-del', 'route-add', 'route-add-batch', 'route-del',
          'rule-add', 'rule-del', 'table-del', 'port-set', 'conf-set', 'mvif-add',
          'mvif-del', 'mroute-add', 'mroute-del'}
GET_DO_OPS = {'route-get', 'conf-get'}
# Admin do operations that answer (measurements, not changes).
ADMIN_GET_DO_OPS = {'fib-bench'}
DUMP_OPS = {'port-get', 'addr-get', 'stats-get', 'neigh-get', 'route-list', 'rule-list',
            'table-list', 'mvif-list', 'mroute-list', 'mgroup-list'}

passed = 0
failed = 0


def check(what, ok, detail=''):
    global passed, failed
    if ok:
        passed += 1
        print(f'ok: {what}')
    else:
        failed += 1
        print(f'FAIL: {what}{": " + detail if detail else ""}')


def numbered(entries, start):
    """Values of a spec list: position-based from start, or explicit 'value'."""
    out = {}
    val = start
    for e in entries:
        if isinstance(e, str):
            e = {'name': e}
        if 'value' in e:
            val = e['value']
        out[e['name']] = val
        val += 1
    return out


def request_attributes(op):
    """The request attributes of an operation in the spec (its do or its
    dump; an operation has one of the two), [] when it takes none."""
    for mode in ('do', 'dump'):
        req = (op.get(mode) or {}).get('request') or {}
        if req:
            return req.get('attributes', [])
    return []


def ferctl_constants():
    binary = os.environ.get('FERCTL')
    if binary:
        cmd = [binary, '--dump-constants']
    else:
        cmd = ['cargo', 'run', '--quiet', '--manifest-path',
               os.path.join(REPO, 'tools', 'ferctl', 'Cargo.toml'), '--', '--dump-constants']
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError(f'{" ".join(cmd)} failed: {res.stderr.strip()}')
    return json.loads(res.stdout)


def ynl_dir(ksrc):
    """tools/net/ynl in 6.12; newer trees moved the library to pyynl/."""
    base = os.path.join(ksrc, 'tools', 'net', 'ynl')
    pyynl = os.path.join(base, 'pyynl')
    return pyynl if os.path.isdir(os.path.join(pyynl, 'lib')) else base


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ksrc = sys.argv[1]
    # genetlink-legacy: the plain genetlink schema has no uns-admin-perm,
    # the per-namespace permission ferroute's changes need.
    schema_path = os.path.join(ksrc, 'Documentation', 'netlink', 'genetlink-legacy.yaml')

    with open(SPEC) as f:
        text = f.read()
    spec = yaml.safe_load(text)
    with open(schema_path) as f:
        schema = yaml.safe_load(f)

    check('SPDX header', text.splitlines()[0] == SPDX)
    check('protocol genetlink-legacy', spec.get('protocol') == 'genetlink-legacy')
    try:
        jsonschema.validate(spec, schema)
        check('valid against genetlink-legacy.yaml', True)
    except jsonschema.ValidationError as e:
        check('valid against genetlink-legacy.yaml', False, e.message)

    # Numbers straight from the YAML.
    aset = [s for s in spec['attribute-sets'] if s['name'] == 'ferroute']
    check('attribute set ferroute exists', len(aset) == 1)
    attrs = numbered(aset[0]['attributes'], 1) if aset else {}
    nhset = [s for s in spec['attribute-sets'] if s['name'] == 'nexthop']
    check('attribute set nexthop exists', len(nhset) == 1)
    nh_attrs = numbered(nhset[0]['attributes'], 1) if nhset else {}
    nh_types = {a['name']: a['type'] for a in nhset[0]['attributes']} if nhset else {}
    check('nexthop attribute types match the contract', nh_types == NEXTHOP_TYPES,
          f'{nh_types}')
    mpset = [s for s in spec['attribute-sets'] if s['name'] == 'multipath']
    check('multipath holds repeated nexthop nests (number 1)',
          len(mpset) == 1 and [(a['name'], a['type'], a.get('multi-attr'),
                                a.get('nested-attributes')) for a in mpset[0]['attributes']]
          == [('nexthop', 'nest', True, 'nexthop')])
    rbset = [s for s in spec['attribute-sets'] if s['name'] == 'route-batch']
    check('route-batch holds repeated route (1) and route-del (2) nests',
          len(rbset) == 1 and [(a['name'], a['type'], a.get('multi-attr'),
                                a.get('nested-attributes')) for a in rbset[0]['attributes']]
          == [('route', 'nest', True, 'route'), ('route-del', 'nest', True, 'route-del')])
    for entry, op in (('route', 'route-add'), ('route-del', 'route-del')):
        rset = [s for s in spec['attribute-sets'] if s['name'] == entry]
        req = [o for o in spec['operations']['list'] if o['name'] == op]
        check(f'a batch {entry} nest holds {op}\'s request attributes',
              len(rset) == 1 and rset[0].get('subset-of') == 'ferroute' and req
              and [a['name'] for a in rset[0]['attributes']] == request_attributes(req[0]))
    all_ops = numbered(spec['operations']['list'], 1)
    # Notifications (notify: OP, mcgrp: GROUP) are numbered with the
    # operations but are no requests.
    ntf_names = {o['name'] for o in spec['operations']['list'] if 'notify' in o or 'event' in o}
    ops = {n: v for n, v in all_ops.items() if n not in ntf_names}
    ntfs = {n: v for n, v in all_ops.items() if n in ntf_names}
    groups = [g['name'] for g in spec.get('mcast-groups', {}).get('list', [])]
    enums = {d['name']: numbered(d['entries'], d.get('value-start', 0))
             for d in spec.get('definitions', []) if d['type'] == 'enum'}

    # The kernel's own YNL library.
    sys.path.insert(0, ynl_dir(ksrc))
    try:
        from lib import SpecFamily
        fam = SpecFamily(SPEC, schema_path)
        ynl_attrs = {n: a.value for n, a in fam.attr_sets['ferroute'].attrs.items()}
        ynl_ops = {n: o.req_value for n, o in fam.ops.items()}
        ynl_rsp = {n: o.rsp_value for n, o in fam.ops.items()}
        ynl_enums = {n: {e: v.value for e, v in c.entries.items()}
                     for n, c in fam.consts.items() if c['type'] == 'enum'}
        check('loads with YNL SpecFamily', True)
        check('YNL attribute numbers', ynl_attrs == attrs, f'{ynl_attrs} != {attrs}')
        check('YNL command numbers', ynl_ops == ops, f'{ynl_ops} != {ops}')
        check('replies use the request command number', ynl_rsp == ops, f'{ynl_rsp}')
        ynl_ntfs = {n: o.rsp_value for n, o in fam.ntfs.items()}
        check('YNL notification numbers', ynl_ntfs == ntfs, f'{ynl_ntfs} != {ntfs}')
        check('YNL multicast groups', list(fam.mcast_groups) == groups,
              f'{list(fam.mcast_groups)} != {groups}')
        check('YNL enum values', ynl_enums == enums, f'{ynl_enums} != {enums}')
    except Exception as e:  # noqa: BLE001 - report whatever the library raised
        check('loads with YNL SpecFamily', False, f'{type(e).__name__}: {e}')

    # Contract types and modes.
    types = {a['name']: a['type'] for a in aset[0]['attributes']} if aset else {}
    check('attribute types match the contract', types == TYPES, f'{types}')
    byattr = {a['name']: a for a in aset[0]['attributes']} if aset else {}
    for name in BIG_ENDIAN:
        check(f'{name} is big-endian',
              byattr.get(name, {}).get('byte-order') == 'big-endian')
    enum_refs = {n: a.get('enum') for n, a in byattr.items() if 'enum' in a}
    check('enumerated attributes name their enums', enum_refs == ENUM_ATTRS, f'{enum_refs}')
    for name, values in ENUMS.items():
        check(f'{name} values match the contract', enums.get(name) == values,
              f'{enums.get(name)}')
    modes = {o['name']: ('do' in o, 'dump' in o, 'uns-admin-perm' in o.get('flags', []))
             for o in spec['operations']['list'] if o['name'] not in ntf_names}
    for o in spec['operations']['list']:
        if o['name'] in ntf_names:
            check(f'{o["name"]} goes to a group of the family', o.get('mcgrp') in groups,
                  f'{o.get("mcgrp")}')
    check('changes are uns-admin-perm do operations',
          all(modes.get(n) == (True, False, True) for n in DO_OPS), f'{modes}')
    check('route-get is a do operation open to everyone',
          all(modes.get(n) == (True, False, False) for n in GET_DO_OPS), f'{modes}')
    check('fib-bench is an uns-admin-perm do operation',
          all(modes.get(n) == (True, False, True) for n in ADMIN_GET_DO_OPS), f'{modes}')
    check('gets are dump operations',
          all(modes.get(n) == (False, True, False) for n in DUMP_OPS), f'{modes}')
    check('every operation is checked', set(modes) == DO_OPS | GET_DO_OPS | ADMIN_GET_DO_OPS | DUMP_OPS,
          f'{sorted(modes)}')

    # What ferctl uses.
    try:
        consts = ferctl_constants()
        check('ferctl --dump-constants runs', True)
        check('family name', consts['family'] == spec['name'])
        check('ferctl attribute numbers', consts['attributes'] == attrs,
              f'{consts["attributes"]} != {attrs}')
        check('ferctl command numbers', consts['commands'] == ops,
              f'{consts["commands"]} != {ops}')
        check('ferctl notification numbers', consts.get('notifications') == ntfs,
              f'{consts.get("notifications")} != {ntfs}')
        check('the module\'s multicast groups', consts.get('mcast-groups') == groups,
              f'{consts.get("mcast-groups")} != {groups}')
        ntf_group = {o['name']: o.get('mcgrp') for o in spec['operations']['list']
                     if o['name'] in ntf_names}
        check('each notification goes to its group',
              consts.get('notification-groups') == ntf_group,
              f'{consts.get("notification-groups")} != {ntf_group}')
        check('ferctl nexthop attribute numbers', consts.get('nexthop-attributes') == nh_attrs,
              f'{consts.get("nexthop-attributes")} != {nh_attrs}')
        for name in ('port-kind', 'neigh-state', 'route-type', 'scope', 'protocol',
                     'route-mode', 'rule-action'):
            check(f'ferctl {name} values', consts.get(name) == enums.get(name),
                  f'{consts.get(name)} != {enums.get(name)}')
        # Each operation's policy rejects every attribute not in its list:
        # the list must be exactly the spec's request attributes.
        module_req = consts.get('request-attributes', {})
        check('request attributes listed for every operation',
              set(module_req) == set(ops), f'{sorted(module_req)} != {sorted(ops)}')
        for op in spec['operations']['list']:
            want = request_attributes(op)
            got = module_req.get(op['name'], [])
            check(f'{op["name"]} request attributes match the module\'s policy',
                  sorted(got) == sorted(want) and len(set(got)) == len(got),
                  f'module {sorted(got)}, spec {sorted(want)}')
    except Exception as e:  # noqa: BLE001
        check('ferctl --dump-constants runs', False, f'{type(e).__name__}: {e}')

    # The kernel's C code generator: uapi header, kernel and user code. It
    # wants a kernel tree (MAINTAINERS, Documentation/netlink/genetlink-legacy.yaml)
    # around the spec, so it runs on a copy.
    gen = os.path.join(ynl_dir(ksrc), 'ynl-gen-c.py')
    if os.path.exists(gen):
        with tempfile.TemporaryDirectory() as tree:
            specs = os.path.join(tree, 'Documentation', 'netlink', 'specs')
            os.makedirs(specs)
            shutil.copy(schema_path, os.path.join(tree, 'Documentation', 'netlink'))
            shutil.copy(SPEC, specs)
            open(os.path.join(tree, 'MAINTAINERS'), 'w').close()
            for mode, what in (('uapi', '--header'), ('kernel', '--header'),
                               ('kernel', '--source'), ('user', '--header'),
                               ('user', '--source')):
                res = subprocess.run([sys.executable, gen, '--mode', mode, what,
                                      '--spec', os.path.join(specs, 'ferroute.yaml'),
                                      '-o', os.path.join(tree, 'out')],
                                     capture_output=True, text=True, timeout=120,
                                     stdin=subprocess.DEVNULL)
                err = res.stderr.strip().splitlines()
                check(f'ynl-gen-c --mode {mode} {what}', res.returncode == 0,
                      err[-1] if err else '')

    # The kernel's cli.py: parses the spec, then needs the family.
    cli = os.path.join(ynl_dir(ksrc), 'cli.py')
    for what in (['--dump', 'port-get'],
                 ['--dump', 'route-list', '--json', '{"table": 254}'],
                 ['--do', 'route-get', '--json', '{"address": 167837697}'],
                 ['--dump', 'rule-list'],
                 ['--dump', 'table-list']):
        res = subprocess.run([sys.executable, cli, '--spec', SPEC, '--schema', schema_path]
                             + what, capture_output=True, text=True, timeout=60)
        not_loaded = ("not supported by the kernel" in res.stderr
                      or "KeyError: 'ferroute'" in res.stderr)
        check(f'cli.py {what[0]} {what[1]} ' + (
                  'ran' if res.returncode == 0 else
                  'reached the family lookup (module not loaded)'),
              res.returncode == 0 or not_loaded,
              res.stderr.strip().splitlines()[-1] if res.stderr.strip() else '')

    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

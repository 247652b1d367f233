#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Linux as the oracle for ferroute's FIB.

Generates one set of devices, addresses, routes and policy rules, loads it
into ferroute (ferctl -batch) and into Linux (ip -batch, in a scratch
network namespace with dummy devices of the same names and addresses), asks
both for the route to the same destinations, and lists every disagreement.

    fib-oracle.py gen     --dir D [--seed N] [--routes N] [--queries N]
                          [--no-rules] [--no-multipath]
    fib-oracle.py load    --dir D [--netns NS] [--ferctl PATH]
    fib-oracle.py compare --dir D [--netns NS] [--ferctl PATH]

gen writes, into D (deterministic for a seed):
    devices          "NAME ADDR/LEN" per dummy device
    linux.batch      for `ip -n NS -batch`: link, addr, route and rule adds
    ferroute.batch   for `ferctl -batch`: port, addr, route and rule adds
    queries.txt      "DST [from SRC] [mark M]" per query
    meta.json        what was generated (counts, flags, seed)
The caller creates the ferroute side's dummy devices (same names, in the
namespace ferroute runs in); linux.batch creates the scratch namespace's.

compare runs every query as `ip -j -force -batch` (`route get fibmatch`:
the FIB entry that matched, with all its next hops) and as
`ferctl -j -force -batch` (`route get`), one process each, and compares
route type, table, prefix, metric, scope, gateway and device, or the errno
when the lookup fails (unreachable EHOSTUNREACH, prohibit EACCES, blackhole
EINVAL, nothing matched ENETUNREACH). For a multipath route, ferroute's
chosen next hop must be one of Linux's next hops for that route, and Linux's
own choice (a second, plain `ip route get` of those destinations) must be
too: the two multipath hashes differ (Linux keys its hash per boot), so the
member chosen may differ, the set may not. It prints the mismatches (the
first 30 in full) and a summary line, and exits 1 if there is any.

Not generated, because Linux's answer there does not come from the FIB
alone (ip_route_output_key_hash_rcu special-cases them) and ferroute's
`route get` is the FIB lookup: destinations in 0/8, 127/8 and 224/3 (zero
network, loopback, multicast and class E), `oif`/`iif`-bound queries (on a
failed lookup Linux makes an on-link route for a bound oif), and `from`
addresses that are not local (Linux's output path refuses them). More than
one default route in a table is avoided too: Linux then picks among them by
ARP state (fib_select_default).
"""

import argparse
import ipaddress
import json
import os
import random
import re
import subprocess
import sys
import time

ERRNO_NAMES = [
    ("Network is unreachable", "ENETUNREACH"),
    ("No route to host", "EHOSTUNREACH"),
    ("Permission denied", "EACCES"),
    ("Invalid argument", "EINVAL"),
    ("No such device", "ENODEV"),
    ("No such process", "ESRCH"),
    ("Operation not permitted", "EPERM"),
]

TABLE_IDS = {"local": 255, "main": 254, "default": 253}
TABLES = [254, 100, 200]

# Device subnets: routes never fall inside (gateway resolution would then
# depend on the order of the adds).
DEVICES = [
    ("d0", "100.64.0.1/24"),
    ("d1", "100.64.1.1/24"),
    ("d2", "100.64.2.1/24"),
    ("d3", "100.64.3.1/24"),
]
# Gateways for onlink routes: on no connected subnet.
ONLINK_NET = 0xC0000200  # 192.0.2.0/24

EXCLUDED = [
    (0x00000000, 8),  # 0/8: zero network
    (0x7F000000, 8),  # loopback
    (0x64400000, 16),  # 100.64.0.0/16: the device subnets
    (0xE0000000, 3),  # 224/3: multicast, class E, limited broadcast
    # The onlink gateways' subnet: Linux checks an onlink gateway's type in
    # the local table, which is merged with main until the first rule is
    # added (fib_unmerge), so a route here would make the check depend on
    # the order of the adds.
    (ONLINK_NET, 24),
]

# Policy rules (iproute2 syntax, the same for ip and ferctl), in order.
# LOCAL_SRC is a local address of d1 (Linux refuses a non-local `from` on
# output); marks and prefixes pick the rules out below.
LOCAL_SRC = "100.64.1.1"
RULES = [
    "pref 100 to 10.50.0.0/16 lookup 100",
    "pref 110 to 10.51.0.0/16 prohibit",
    "pref 120 to 10.52.0.0/16 unreachable",
    "pref 130 to 10.53.0.0/16 blackhole",
    "pref 200 fwmark 0x10/0xff lookup 200",
    "pref 210 fwmark 0x20 goto 400",
    f"pref 300 from {LOCAL_SRC}/32 lookup 200",
    "pref 350 nop",
    "pref 400 to 172.16.0.0/12 lookup 100",
    # `not` inverts the whole selector (fib_rule_match): this one matches
    # marks with a bit of 0x30 set. (A `not` over several selectors would
    # match nearly every query and hide table main.)
    "pref 410 not fwmark 0x0/0x30 lookup 100",
    "pref 420 fwmark 0x20 lookup 200",
]
RULE_PREFIXES = ["10.50.0.0/16", "10.51.0.0/16", "10.52.0.0/16", "10.53.0.0/16",
                 "172.16.0.0/12", "10.0.0.0/8"]
# Query variants: what selects each rule above (0x110 matches 0x10/0xff).
VARIANTS = [(None, None), (None, 0x10), (None, 0x110), (None, 0x20),
            (None, 0x30), (LOCAL_SRC, None), (LOCAL_SRC, 0x20)]


def a2s(a):
    return str(ipaddress.IPv4Address(a))


def s2a(s):
    return int(ipaddress.IPv4Address(s))


def mask(length):
    return (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF if length else 0


def last(net, length):
    return net | (~mask(length) & 0xFFFFFFFF)


def overlaps(net, length, onet, olen):
    m = mask(min(length, olen))
    return (net & m) == (onet & m)


def excluded_addr(a):
    return any(overlaps(a, 32, n, l) for n, l in EXCLUDED)


def pfx(net, length):
    return f"{a2s(net)}/{length}"


class Gen:
    """The route set: a list of dicts, deterministic for a seed."""

    def __init__(self, seed, nroutes, multipath):
        self.rng = random.Random(seed)
        self.nroutes = nroutes
        self.multipath = multipath
        self.routes = []
        self.keys = set()  # (table, net, len, metric)
        self.prefixes = []  # (net, len), in generation order, for nesting
        self.prefix_set = set()
        self.defaults = set()  # tables with a default route
        self.gws = {}  # device -> list of gateway addresses
        for dev, cidr in DEVICES:
            net = ipaddress.IPv4Network(cidr, strict=False)
            base = int(net.network_address)
            self.gws[dev] = [base + i for i in range(2, 255)]

    def rand_len(self):
        r = self.rng.random()
        if r < 0.70:
            return self.rng.randint(16, 24)
        if r < 0.85:
            return self.rng.randint(8, 15)
        return self.rng.randint(25, 32)

    def rand_prefix(self, within=None):
        """A prefix outside the excluded ranges; nested in an earlier one
        (or in `within`) often, so that lookups backtrack."""
        while True:
            length = self.rand_len()
            parent = within
            if parent is None and self.prefixes and self.rng.random() < 0.45:
                parent = self.rng.choice(self.prefixes)
            if parent is not None:
                pnet, plen = parent
                if plen >= 32:
                    continue
                if length <= plen:
                    length = self.rng.randint(plen + 1, min(32, plen + 8))
                net = (pnet | self.rng.getrandbits(32 - plen)) & mask(length)
            else:
                net = self.rng.getrandbits(32) & mask(length)
            if not any(overlaps(net, length, n, l) for n, l in EXCLUDED):
                return net, length

    def nexthop(self):
        dev = self.rng.choice(DEVICES)[0]
        return self.rng.choice(self.gws[dev]), dev

    def route(self, table, net, length):
        """One route's type and next hops (not yet keyed by metric)."""
        r = {"table": table, "net": net, "len": length, "type": "unicast",
             "gw": None, "dev": None, "onlink": False, "nexthops": None,
             "metric": self.rng.choice([0, 0, 0, 0, 10, 20, 50, 100, 1024])}
        x = self.rng.random()
        if x < 0.05:
            r["type"] = "blackhole"
        elif x < 0.10:
            r["type"] = "unreachable"
        elif x < 0.15:
            r["type"] = "prohibit"
        elif x < 0.175:
            # Local (AnyIP) and broadcast routes, as the kernel adds for
            # addresses. Without a table keyword ip route (and ferctl) put
            # them into table local, which rule 0 looks up before all.
            r["type"] = "local" if x < 0.165 else "broadcast"
            r["dev"] = self.rng.choice(DEVICES)[0]
            if self.rng.random() < 0.6:
                r["table"] = 255
                r["implicit_table"] = True
        else:
            y = self.rng.random()
            if y < 0.04:
                # Multipath: 2-3 distinct gateways with weights. Without
                # multipath the first next hop alone.
                n = self.rng.choice([2, 2, 3])
                hops = []
                while len(hops) < n:
                    gw, dev = self.nexthop()
                    if all(h[0] != gw for h in hops):
                        hops.append((gw, dev, self.rng.randint(1, 4)))
                if self.multipath:
                    r["nexthops"] = hops
                else:
                    r["gw"], r["dev"] = hops[0][0], hops[0][1]
            elif y < 0.05:
                r["gw"] = ONLINK_NET | self.rng.randint(1, 254)
                r["dev"] = self.rng.choice(DEVICES)[0]
                r["onlink"] = True
            elif y < 0.75:
                r["gw"], dev = self.nexthop()
                # `via G` alone: the gateway's device is found for it.
                if self.rng.random() < 0.8:
                    r["dev"] = dev
            else:
                r["dev"] = self.rng.choice(DEVICES)[0]
        return r

    def add(self, r):
        key = (r["table"], r["net"], r["len"], r["metric"])
        if key in self.keys:
            return False
        if r["len"] == 0:
            if r["table"] in self.defaults:
                return False
            self.defaults.add(r["table"])
        self.keys.add(key)
        self.routes.append(r)
        if (r["net"], r["len"]) not in self.prefix_set:
            self.prefix_set.add((r["net"], r["len"]))
            self.prefixes.append((r["net"], r["len"]))
        return True

    def generate(self, rules):
        # Some routes in the ranges the rules select, in every table.
        if rules:
            for p in RULE_PREFIXES[:5]:
                n = ipaddress.IPv4Network(p)
                parent = (int(n.network_address), n.prefixlen)
                for _ in range(40):
                    net, length = self.rand_prefix(within=parent)
                    self.add(self.route(self.rng.choice(TABLES), net, length))
        # One default route, in table 200 (reached by the mark and from
        # rules), so that those lookups do not fail for want of a route.
        self.add({"table": 200, "net": 0, "len": 0, "type": "unicast",
                  "gw": self.gws["d3"][0], "dev": "d3", "onlink": False,
                  "nexthops": None, "metric": 0})
        while len(self.routes) < self.nroutes:
            table = self.rng.choices(TABLES, weights=[6, 2, 2])[0]
            net, length = self.rand_prefix()
            r = self.route(table, net, length)
            if not self.add(r):
                continue
            if self.rng.random() < 0.06:
                # The same prefix with another metric (and next hop/type).
                twin = self.route(table, net, length)
                if twin["metric"] == r["metric"]:
                    twin["metric"] = r["metric"] + 5
                self.add(twin)
        return self.routes


def route_words(r):
    w = []
    if r["type"] != "unicast":
        w.append(r["type"])
    w.append(pfx(r["net"], r["len"]) if r["len"] else "default")
    if r["gw"] is not None:
        w += ["via", a2s(r["gw"])]
    if r["dev"] is not None:
        w += ["dev", r["dev"]]
    if r["metric"]:
        w += ["metric", str(r["metric"])]
    if r.get("implicit_table"):
        pass
    elif r["table"] != 254 or r["type"] in ("local", "broadcast"):
        w += ["table", {254: "main", 255: "local"}.get(r["table"], str(r["table"]))]
    if r["onlink"]:
        w.append("onlink")
    for gw, dev, weight in r["nexthops"] or []:
        w += ["nexthop", "via", a2s(gw), "dev", dev, "weight", str(weight)]
    return " ".join(w)


def queries_for(rng, routes, nrandom, rules):
    """Random destinations (half inside a random route's prefix, half
    anywhere), every prefix's first and last address and the addresses
    just outside, the devices' addresses; with rules, variants by mark and
    source that select each rule."""
    out = []
    seen = set()

    def q(dst, src=None, mark=None):
        if dst < 0 or dst > 0xFFFFFFFF or excluded_addr(dst):
            return
        key = (dst, src, mark)
        if key not in seen:
            seen.add(key)
            out.append(key)

    nets = sorted({(r["net"], r["len"]) for r in routes})
    n = 0
    while n < nrandom:
        if rng.random() < 0.5:
            net, length = rng.choice(nets)
            dst = net | (rng.getrandbits(32 - length) if length < 32 else 0)
        else:
            dst = rng.getrandbits(32)
        if excluded_addr(dst):
            continue
        src, mark = rng.choice(VARIANTS) if rules and rng.random() < 0.4 else (None, None)
        before = len(out)
        q(dst, src, mark)
        n += len(out) - before
    for net, length in nets:
        lst = last(net, length)
        for dst in (net, lst, net - 1, lst + 1):
            q(dst)
    for _, cidr in DEVICES:
        i = ipaddress.IPv4Interface(cidr)
        for a in (i.ip, i.network.network_address, i.network.broadcast_address):
            q(int(a))
            q(int(a) + 1)
    if rules:
        for p in RULE_PREFIXES:
            n = ipaddress.IPv4Network(p)
            net, lst = int(n.network_address), int(n.broadcast_address)
            for dst in (net, lst, net - 1, lst + 1, net + (lst - net) // 2):
                for src, mark in VARIANTS:
                    q(dst, src, mark)
    return out


def query_words(q):
    dst, src, mark = q
    w = [a2s(dst)]
    if src:
        w += ["from", src]
    if mark is not None:
        w += ["mark", hex(mark)]
    return " ".join(w)


def cmd_gen(args):
    os.makedirs(args.dir, exist_ok=True)
    rules = not args.no_rules
    g = Gen(args.seed, args.routes, not args.no_multipath)
    routes = g.generate(rules)
    qrng = random.Random(args.seed * 7919 + 1)
    queries = queries_for(qrng, routes, args.queries, rules)

    with open(os.path.join(args.dir, "devices"), "w") as f:
        for dev, cidr in DEVICES:
            f.write(f"{dev} {cidr}\n")
    with open(os.path.join(args.dir, "linux.batch"), "w") as lf, \
            open(os.path.join(args.dir, "ferroute.batch"), "w") as ff:
        for dev, cidr in DEVICES:
            lf.write(f"link add {dev} type dummy\nlink set {dev} up\n"
                     f"addr add {cidr} dev {dev}\n")
            ff.write(f"port add {dev}\naddr add {cidr} dev {dev}\n")
        for r in routes:
            line = "route add " + route_words(r) + "\n"
            lf.write(line)
            ff.write(line)
        if rules:
            for rule in RULES:
                lf.write(f"rule add {rule}\n")
                ff.write(f"rule add {rule}\n")
    with open(os.path.join(args.dir, "queries.txt"), "w") as f:
        for q in queries:
            f.write(query_words(q) + "\n")
    count = lambda pred: sum(1 for r in routes if pred(r))
    meta = {
        "seed": args.seed,
        "routes": len(routes),
        "tables": sorted({r["table"] for r in routes}),
        "table_local": count(lambda r: r["table"] == 255),
        "by_type": {t: count(lambda r, t=t: r["type"] == t)
                    for t in ("unicast", "blackhole", "unreachable", "prohibit",
                              "local", "broadcast")},
        "by_len": {"/8-/15": count(lambda r: 8 <= r["len"] <= 15),
                   "/16-/24": count(lambda r: 16 <= r["len"] <= 24),
                   "/25-/32": count(lambda r: r["len"] >= 25),
                   "other": count(lambda r: r["len"] < 8)},
        "gateway": count(lambda r: r["gw"] is not None),
        "onlink": count(lambda r: r["onlink"]),
        "multipath": count(lambda r: r["nexthops"]),
        "metric_twins": len(routes) - len({(r["table"], r["net"], r["len"]) for r in routes}),
        "rules": len(RULES) if rules else 0,
        "queries": len(queries),
        "random_queries": args.queries,
    }
    with open(os.path.join(args.dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"fib-oracle: generated {meta['routes']} routes in tables "
          f"{','.join(map(str, meta['tables']))} ({meta['multipath']} multipath, "
          f"{meta['metric_twins']} second metrics, types {meta['by_type']}), "
          f"{meta['rules']} rules, {meta['queries']} queries")


def linux_cmd(args, *rest):
    return ["ip", "-n", args.netns, *rest]


def ferctl_cmd(args, *rest):
    return [args.ferctl, *rest]


def cmd_load(args):
    t0 = time.monotonic()
    p = subprocess.run(linux_cmd(args, "-batch", os.path.join(args.dir, "linux.batch")),
                       capture_output=True, text=True)
    t1 = time.monotonic()
    if p.returncode != 0:
        sys.exit(f"fib-oracle: ip -batch failed: {p.stderr.strip()[-2000:]}")
    p = subprocess.run(ferctl_cmd(args, "-batch", os.path.join(args.dir, "ferroute.batch")),
                       capture_output=True, text=True)
    t2 = time.monotonic()
    if p.returncode != 0:
        sys.exit(f"fib-oracle: ferctl -batch failed: {p.stderr.strip()[-2000:]}")
    print(f"fib-oracle: loaded into Linux in {t1 - t0:.1f}s, into ferroute in {t2 - t1:.1f}s")
    with open(os.path.join(args.dir, "load.json"), "w") as f:
        json.dump({"linux": t1 - t0, "ferroute": t2 - t1}, f)


def errno_of(msg):
    for text, name in ERRNO_NAMES:
        if text in msg:
            return name
    return "?" + msg.strip()


class Batch:
    """A -force -j batch of query lines, running in the background."""

    def __init__(self, cmd, lines, label):
        self.lines, self.label = lines, label
        self.path = f"/tmp/fib-oracle-{label}-{os.getpid()}.txt"
        with open(self.path, "w") as f:
            f.write("".join(line + "\n" for line in lines))
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd + [self.path], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def results(self):
        """(results, seconds): per line ("ok", parsed JSON) or ("err",
        errno name)."""
        out, err = self.proc.communicate()
        secs = time.monotonic() - self.t0
        os.unlink(self.path)
        return parse_batch(self.lines, self.label, self.proc.returncode, out, err), secs


def run_batch(cmd, lines, label):
    return Batch(cmd, lines, label).results()


def parse_batch(lines, label, returncode, stdout, stderr):
    class P:
        pass
    p = P()
    p.returncode, p.stdout, p.stderr = returncode, stdout, stderr
    errors = {}
    if label.startswith("linux"):
        # "RTNETLINK answers: <strerror>" (and "Error: ..." extack lines),
        # then "Command failed FILE:N".
        pending = []
        for line in p.stderr.splitlines():
            m = re.match(r"Command failed .*:(\d+)$", line)
            if m:
                errors[int(m.group(1))] = errno_of(" ".join(pending))
                pending = []
            else:
                pending.append(line)
        if pending:
            sys.exit(f"fib-oracle: unexpected ip output: {pending[:5]}")
    else:
        for line in p.stderr.splitlines():
            m = re.match(r"ferctl: line (\d+): (.*)$", line)
            if not m:
                sys.exit(f"fib-oracle: unexpected ferctl output: {line}")
            errors[int(m.group(1))] = errno_of(m.group(2))
    outs = [line for line in p.stdout.splitlines() if line.strip()]
    results = []
    it = iter(outs)
    for nr in range(1, len(lines) + 1):
        if nr in errors:
            results.append(("err", errors[nr]))
            continue
        line = next(it, None)
        if line is None:
            sys.exit(f"fib-oracle: {label}: no answer for line {nr} (exit {p.returncode}; "
                     f"{p.stderr.strip()[-500:]})")
        v = json.loads(line)
        if isinstance(v, list):
            if len(v) != 1:
                sys.exit(f"fib-oracle: {label}: line {nr}: {len(v)} answers")
            v = v[0]
        results.append(("ok", v))
    if next(it, None) is not None:
        sys.exit(f"fib-oracle: {label}: more answers than queries")
    return results


def rt_tables():
    """Table names iproute2 prints (/etc/iproute2/rt_tables)."""
    names = dict(TABLE_IDS)
    for path in ("/etc/iproute2/rt_tables", "/usr/share/iproute2/rt_tables"):
        try:
            with open(path) as f:
                for line in f:
                    w = line.split("#")[0].split()
                    if len(w) == 2 and w[0].isdigit():
                        names.setdefault(w[1], int(w[0]))
        except OSError:
            pass
    return names


TABLE_NAMES = rt_tables()


def table_id(name):
    if name is None:
        return 254
    name = str(name)
    return TABLE_NAMES[name] if name in TABLE_NAMES else int(name)


def norm_scope(s):
    return {None: "global", "universe": "global"}.get(s, s)


def linux_view(v):
    dst = v["dst"]
    if dst == "default":
        dst = "0.0.0.0/0"
    elif "/" not in dst:
        dst += "/32"
    hops = None
    if "nexthops" in v:
        hops = sorted((h.get("gateway"), h.get("dev"), h.get("weight", 1)) for h in v["nexthops"])
    return {"type": v.get("type", "unicast"), "table": table_id(v.get("table")),
            "prefix": dst, "metric": v.get("metric", 0), "scope": norm_scope(v.get("scope")),
            "gateway": v.get("gateway"), "dev": v.get("dev"), "nexthops": hops}


def ferroute_view(v):
    return {"type": v.get("type", "unicast"), "table": table_id(v.get("table")),
            "prefix": v["prefix"], "metric": v.get("metric", 0),
            "scope": norm_scope(v.get("scope")), "gateway": v.get("gateway"),
            "dev": v.get("dev"), "nexthops": None}


def show(res):
    kind, v = res
    if kind == "err":
        return v
    s = f"{v['type']} {v['prefix']} table {v['table']} metric {v['metric']} scope {v['scope']}"
    if v["nexthops"]:
        s += " nexthops " + ", ".join(f"via {g} dev {d} weight {w}" for g, d, w in v["nexthops"])
    else:
        if v["gateway"]:
            s += f" via {v['gateway']}"
        if v["dev"]:
            s += f" dev {v['dev']}"
    return s


def compare_one(lx, fr):
    """What differs between Linux's and ferroute's answer ([] if none)."""
    if lx[0] == "err" or fr[0] == "err":
        if lx[0] == fr[0] == "err":
            return [] if lx[1] == fr[1] else ["errno"]
        return ["error vs route"]
    a, b = lx[1], fr[1]
    diffs = [k for k in ("type", "table", "prefix", "metric", "scope") if a[k] != b[k]]
    if a["nexthops"]:
        if (b["gateway"], b["dev"]) not in [(g, d) for g, d, _ in a["nexthops"]]:
            diffs.append("next hop not in the multipath set")
    else:
        diffs += [k for k in ("gateway", "dev") if a[k] != b[k]]
    return diffs


def cmd_compare(args):
    with open(os.path.join(args.dir, "queries.txt")) as f:
        queries = [line.strip() for line in f if line.strip()]
    with open(os.path.join(args.dir, "meta.json")) as f:
        meta = json.load(f)
    try:
        with open(os.path.join(args.dir, "load.json")) as f:
            load = json.load(f)
    except OSError:
        load = {}
    # Both at once: the VM has two CPUs.
    t0 = time.monotonic()
    lb = Batch(linux_cmd(args, "-j", "-force", "-batch"),
               ["route get fibmatch " + q for q in queries], "linux")
    fb = Batch(ferctl_cmd(args, "-j", "-force", "-batch"),
               ["route get " + q for q in queries], "ferroute")
    lx, lsecs = lb.results()
    fr, fsecs = fb.results()
    lx = [(k, linux_view(v) if k == "ok" else v) for k, v in lx]
    fr = [(k, ferroute_view(v) if k == "ok" else v) for k, v in fr]

    # Linux's own choice among a multipath route's next hops.
    mp = [i for i, r in enumerate(lx) if r[0] == "ok" and r[1]["nexthops"]]
    lchoice = {}
    if mp:
        plain, _ = run_batch(linux_cmd(args, "-j", "-force", "-batch"),
                             ["route get " + queries[i] for i in mp], "linux-mp")
        for i, r in zip(mp, plain):
            lchoice[i] = (r[1].get("gateway"), r[1].get("dev")) if r[0] == "ok" else r[1]

    mismatches = []
    kinds = {}
    mp_same = 0
    for i, q in enumerate(queries):
        diffs = compare_one(lx[i], fr[i])
        if i in lchoice:
            members = [(g, d) for g, d, _ in lx[i][1]["nexthops"]]
            if lchoice[i] not in members:
                diffs.append("Linux's own multipath choice not in its set")
            if fr[i][0] == "ok" and lchoice[i] == (fr[i][1]["gateway"], fr[i][1]["dev"]):
                mp_same += 1
        if diffs:
            mismatches.append((q, diffs, lx[i], fr[i]))
            for d in diffs:
                kinds[d] = kinds.get(d, 0) + 1

    errs = {}
    for r in lx:
        if r[0] == "err":
            errs[r[1]] = errs.get(r[1], 0) + 1
    print(f"fib-oracle: Linux answers: {len(lx) - sum(errs.values())} routes, errors "
          + ", ".join(f"{k} {v}" for k, v in sorted(errs.items())))
    if mp:
        print(f"fib-oracle: {len(mp)} queries hit multipath routes; ferroute chose the same "
              f"member as Linux for {mp_same} (the hashes differ: Linux keys its multipath "
              f"hash per boot, so only the set is compared)")
    for q, diffs, a, b in mismatches[:30]:
        print(f"MISMATCH route get {q}: {', '.join(diffs)}\n"
              f"    linux:    {show(a)}\n    ferroute: {show(b)}")
    if len(mismatches) > 30:
        print(f"... and {len(mismatches) - 30} more")
    if kinds:
        print("fib-oracle: mismatches by kind: "
              + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    flags = []
    if not meta["rules"]:
        flags.append("no rules")
    if not meta["multipath"]:
        flags.append("no multipath")
    print(f"fib-oracle: seed {meta['seed']}: {meta['routes']} routes, {meta['rules']} rules, "
          f"{meta['multipath']} multipath{' (' + ', '.join(flags) + ')' if flags else ''}; "
          f"{len(queries)} queries; {len(mismatches)} mismatches; "
          f"load ip {load.get('linux', 0):.1f}s ferctl {load.get('ferroute', 0):.1f}s, "
          f"queries ip {lsecs:.1f}s ferctl {fsecs:.1f}s, total {time.monotonic() - t0:.1f}s "
          f"for queries and comparison")
    return 1 if mismatches else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen", help="generate the route set and the queries")
    g.add_argument("--dir", required=True)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--routes", type=int, default=10000)
    g.add_argument("--queries", type=int, default=10000, help="random destinations")
    g.add_argument("--no-rules", action="store_true")
    g.add_argument("--no-multipath", action="store_true")
    for name in ("load", "compare"):
        p = sub.add_parser(name)
        p.add_argument("--dir", required=True)
        p.add_argument("--netns", default="oracle")
        p.add_argument("--ferctl", default=os.environ.get("FERCTL", "ferctl"))
    args = ap.parse_args()
    if args.cmd == "gen":
        cmd_gen(args)
        return 0
    if args.cmd == "load":
        cmd_load(args)
        return 0
    return cmd_compare(args)


if __name__ == "__main__":
    sys.exit(main())

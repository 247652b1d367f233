#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scenario oracle: the same configuration steps, in ip's words, through
Linux and through ferroute, compared step by step.

usage: fib-scenarios.py --ferctl FERCTL --module KO [--netns oracle]
                        [--known FILE] [--only NAME...]

ferroute.ko is loaded once; each scenario starts from the same state on
both sides, two namespaces made anew (ferroute has a router per
namespace, so NETNS-fer is a new router): dummy devices d0
100.64.0.1/24, d1 100.64.1.1/24, d2 100.64.2.1/24 and d3 (no address), up;
for ferroute in namespace NETNS-fer, attached as ports; for Linux in
namespace NETNS, with forwarding on (ferroute always forwards). A
configuration step ("route add ...", "addr del ...", "rule add ...") runs
with the lists after it as one `ip -n NETNS -force -batch -` and one
`ferctl -force -batch -` ("link ..." steps run with `ip` on both sides; a
device added becomes a ferroute port); a "route get" step as `ip -n NETNS
route get ...` and `ferctl route get ...`. Compared after every step:
success or the errno (Linux's from ip's "RTNETLINK answers" or, when the
kernel sent an extended ack message instead, read from its netlink answer
by running the failed step again under strace); for "route get", the
answer's type, gateway, device and source (with fibmatch, the whole
route line); then `route list table all` against `ip route show table
all`, and `rule list` against `ip rule show`, as sets of normalized
lines. Starting processes is what costs in a TCG VM (strace seconds a
run): the batches and the strace-only-on-failure keep this to about three
processes a step.

The shapes are what users do, not what ferroute implements: addresses
deleted after routes, oif-bound and mark-bound queries, configurations
Linux refuses, links going down. Scenarios listed in FILE (one name per
line, '#' comments) are known differences: they must still differ (so the
list stays true), the others must match. Prints the counts of scenarios,
steps, queries and list comparisons at the end; exits 1 on an unexpected
result.
"""

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fib_oracle", os.path.join(HERE, "fib-oracle.py"))
fib_oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fib_oracle)
sys.path.insert(0, os.path.join(HERE, "selftests", "lib"))
import netns  # noqa: E402


DEVICES = [("d0", "100.64.0.1/24"), ("d1", "100.64.1.1/24"), ("d2", "100.64.2.1/24"), ("d3", None)]

ERRNO_NAMES = fib_oracle.ERRNO_NAMES + [
    ("File exists", "EEXIST"),
    ("No such file or directory", "ENOENT"),
    ("Cannot assign requested address", "EADDRNOTAVAIL"),
    ("Numerical result out of range", "ERANGE"),
    ("Address family not supported", "EAFNOSUPPORT"),
    ("Operation not supported", "EOPNOTSUPP"),
    ("No buffer space available", "ENOBUFS"),
]

# name: steps. Common configurations first, then the shapes of issue 13.
SCENARIOS = {
    "gateway-routes": [
        "route add 10.1.0.0/16 via 100.64.1.2",
        "route add 10.1.0.0/16 via 100.64.2.2",
        "route append 10.1.0.0/16 via 100.64.2.2",
        "route replace 10.1.0.0/16 via 100.64.0.2",
        "route add 10.2.0.0/16 via 100.64.1.2 metric 20",
        "route add 10.2.0.0/16 via 100.64.2.2 metric 10",
        "route get 10.2.3.4",
        "route del 10.2.0.0/16 metric 10",
        "route get 10.2.3.4",
        "route del 10.2.0.0/16",
        "route del 10.2.0.0/16",
        "route add 10.3.0.0/16 via 100.64.9.9",
        "route add 10.3.0.0/16 dev d3",
        "route get 10.3.0.1",
    ],
    "reject-routes": [
        "route add unreachable 10.4.0.0/16",
        "route add prohibit 10.5.0.0/16",
        "route add blackhole 10.6.0.0/16",
        "route get 10.4.0.1",
        "route get 10.5.0.1",
        "route get 10.6.0.1",
        "route get 10.7.0.1",
        "route add default via 100.64.2.254",
        "route get 10.7.0.1",
    ],
    "multipath": [
        "route add 10.8.0.0/16 nexthop via 100.64.0.2 weight 1 nexthop via 100.64.1.2 weight 3",
        "route add 10.9.0.0/16 nexthop via 100.64.0.2 nexthop via 100.64.9.2",
        "route del 10.8.0.0/16",
    ],
    "tables-and-rules": [
        "route add 10.10.0.0/16 via 100.64.1.2 table 100",
        "rule add pref 100 to 10.10.0.0/16 lookup 100",
        "route get 10.10.1.1",
        "rule add pref 200 from 100.64.0.0/24 lookup 200",
        "route add default via 100.64.2.9 table 200",
        "rule del pref 200",
        "rule del pref 200",
    ],
    "route-flush": [
        "route add 10.14.0.0/16 via 100.64.1.2 table 100",
        "route flush table 100",
    ],
    "addresses-after-routes": [
        "route add 10.11.0.0/16 via 100.64.1.2",
        "addr add 100.64.1.7/24 dev d1",
        "addr add 100.64.5.1/24 dev d3",
        "route add 10.12.0.0/16 via 100.64.5.9",
        "addr del 100.64.5.1/24 dev d3",
        "route get 10.12.0.1",
    ],
    "route-flush-main": [
        "route add 10.15.0.0/16 via 100.64.1.2",
        "route add 10.15.0.0/16 via 100.64.2.2 metric 5",
        "route flush table main",
        "route get 100.64.1.5",
        "route get 10.15.0.1 oif d1",
    ],
    "link-down-up": [
        "route add 10.13.0.0/16 via 100.64.1.2",
        "link set d1 down",
        "route get 10.13.0.1",
        "link set d1 up",
        "route get 10.13.0.1",
    ],
    # Issue 13, class 1: local and main merged before the first rule.
    "merged-tables": [
        "route add local 10.140.0.0/16 dev d0",
        "route add 10.140.1.0/24 via 100.64.1.2",
        "route get 10.140.1.9",
    ],
    # Class 2: deleting addresses.
    "prefsrc-address-deleted": [
        "addr add 100.64.0.5/24 dev d0",
        "route add 10.50.0.0/16 via 100.64.1.2 src 100.64.0.5",
        "addr del 100.64.0.5/24 dev d0",
    ],
    "last-address-deleted": [
        "route add 10.51.0.0/16 nexthop via 100.64.0.2 nexthop via 100.64.1.2",
        "addr del 100.64.0.1/24 dev d0",
        "route get 10.51.0.1 oif d0",
    ],
    "prefsrc-other-table": [
        "addr add 100.64.0.6/24 dev d0",
        "route add 10.52.0.0/16 via 100.64.1.2 src 100.64.0.6 table 100",
        "route add 10.52.0.0/16 via 100.64.1.2 src 100.64.0.6",
        "addr del 100.64.0.6/24 dev d0",
    ],
    # The hop through a port that lost its address, or went down, is
    # skipped until an address comes back, or the port comes up.
    "multipath-hop-revived": [
        "route add 10.53.0.0/16 nexthop via 100.64.0.2 nexthop via 100.64.1.2",
        "addr del 100.64.0.1/24 dev d0",
        "route get 10.53.0.1",
        "addr add 100.64.0.1/24 dev d0",
        "route get 10.53.0.1 oif d0",
    ],
    "multipath-link-down": [
        "route add 10.54.0.0/16 nexthop via 100.64.0.2 nexthop via 100.64.1.2",
        "link set d0 down",
        "route get 10.54.0.1 oif d0",
        "route get 10.54.0.1 oif d1",
        "link set d0 up",
        "route get 10.54.0.1 oif d0",
        "link set d1 down",
        "link set d0 down",
    ],
    # Class 3: the mark chooses the source too.
    "mark-source": [
        "route add default via 100.64.2.7 table 200",
        "rule add fwmark 0x1 lookup 200",
        "route get 8.8.8.8 mark 0x1",
    ],
    # Class 4: a device without an address.
    "source-without-address": [
        "route add 10.44.0.0/16 dev d3",
        "route get 10.44.0.1",
        # By device order: d0's address, though it came back last.
        "addr del 100.64.0.1/24 dev d0",
        "route get 10.44.0.1",
        "addr add 100.64.0.1/24 dev d0",
        "route get 10.44.0.1",
        "addr add 100.64.0.9/24 dev d0",
        "route get 10.44.0.1",
    ],
    # Class 5: a gateway that is our own address.
    "gateway-is-ours": [
        "route add 10.45.0.0/16 via 100.64.1.1",
        "route get 10.45.0.1",
        "route add 10.46.0.0/16 nexthop via 100.64.1.1 nexthop via 100.64.2.1",
        "route get 10.46.0.1 oif d2",
    ],
    # Class 6: an oif-bound query with no route through that device.
    "oif-bound-query": [
        "route get 1.1.1.1 oif d2",
        "route get 1.1.1.1 oif d3",
        "route add unreachable 10.70.0.0/16",
        "route get 10.70.0.1 oif d1",
        "route get 10.70.0.1",
        "route get 100.64.2.9 oif d0",
    ],
    # Class 7: route get checks.
    "route-get-checks": [
        "route get 100.64.0.5 iif d0 from 100.64.0.1",
        "route get 100.64.1.5 iif d0 from 100.64.0.9",
        "route get 100.64.1.5 from 198.51.100.1",
        "route get 224.0.0.1",
        "route get 255.255.255.255",
        "route add default via 100.64.2.254",
        "route get 224.0.0.1",
        "route get 239.1.2.3 oif d1",
        "route get 255.255.255.255",
    ],
    # Class 8: fibmatch shows the matched route; while local and main are
    # merged (no rule changed yet) Linux labels local's routes table main.
    "fibmatch": [
        "route add local 10.140.0.0/16 dev d0",
        "route add 10.141.0.0/16 via 100.64.1.2 metric 5",
        "route add 10.142.0.0/16 nexthop via 100.64.1.2 nexthop via 100.64.2.2",
        "route get 100.64.0.1 fibmatch",
        "route get 100.64.0.255 fibmatch",
        "route get 10.140.3.3 fibmatch",
        "route get 10.141.0.1 fibmatch",
        "route get 10.142.0.1 fibmatch",
        "route get 100.64.2.9 fibmatch",
        "route get 1.1.1.1 oif d2 fibmatch",
        "route get 8.8.8.8 fibmatch",
        "route get 10.141.0.1 iif d0 from 100.64.0.9 fibmatch",
        "rule add pref 100 from all lookup main",
        "route get 100.64.0.1 fibmatch",
        "route get 100.64.1.255 fibmatch",
        "route get 10.140.3.3 iif d1 from 100.64.1.9 fibmatch",
    ],
    # Class 13: routes of a TOS (any DSCP; ECN bits EINVAL), and route get
    # with a TOS: routes and rules match its TOS bits only.
    "tos-routes": [
        "route add 10.98.0.0/16 dev d0 tos 0x20",
        "route add 10.98.0.0/16 via 100.64.1.2 tos 0x10",
        "route add 10.98.0.0/16 via 100.64.2.2",
        "route add 10.99.0.0/16 dev d0 tos 0x02",
        "route get 10.98.0.1",
        "route get 10.98.0.1 tos 0x10",
        "route get 10.98.0.1 tos 0x12",
        "route get 10.98.0.1 tos 0x20",
        "route get 10.98.0.1 tos 0x30 fibmatch",
        "route del 10.98.0.0/16 tos 0x10",
        "route get 10.98.0.1 tos 0x10",
        "route add default via 100.64.1.9 table 300",
        "rule add pref 70 tos 0x08 lookup 300",
        "route get 8.8.8.8 tos 0x08",
        "route get 8.8.8.8 tos 0x0a",
        "route get 8.8.8.8",
    ],
    # Class 9: replace by an identical later route.
    "replace-identical": [
        "route add 10.60.0.0/16 via 100.64.1.2",
        "route append 10.60.0.0/16 via 100.64.2.2",
        "route replace 10.60.0.0/16 via 100.64.2.2",
    ],
    # Class 10: metric 0 in a delete matches any metric.
    "delete-metric-0": [
        "route add 10.61.0.0/16 via 100.64.1.2 metric 7",
        "route del 10.61.0.0/16 metric 0",
    ],
    # Class 11: host bits in a delete.
    "delete-host-bits": [
        "route add 10.0.0.0/8 via 100.64.1.2",
        "route del 10.1.2.3/8",
    ],
    # Class 12: configurations Linux refuses.
    "onlink-without-gateway": [
        "route add 10.66.0.0/16 dev d0 onlink",
    ],
    "invalid-scopes": [
        "route add local 10.67.0.1 dev d0 scope link",
        "route add broadcast 10.68.0.255 dev d0 scope global",
    ],
    # Class 13: configurations Linux accepts.
    "onlink-odd-gateway": [
        "route add 10.69.0.0/16 via 0.0.0.5 dev d0 onlink",
    ],
    "address-overlap": [
        "addr add 100.64.0.1/16 dev d0",
        "addr add 100.64.0.1/16 dev d0",
        "route get 100.64.7.7",
        "addr add 100.64.9.255/24 dev d1",
        "addr del 100.64.0.1/24 dev d0",
        "route get 100.64.0.7",
        "addr del 100.64.9.255/24 dev d1",
    ],
    # Deliberate: ferroute has no loopback port, so no 127/8 addresses.
    "address-loopback": [
        "addr add 127.0.0.5/8 dev d1",
    ],
    # Class 2c: a user's own local route for an address outlives it.
    "local-route-outlives-address": [
        "route add local 100.64.0.8 dev d0",
        "addr add 100.64.0.8/24 dev d0",
        "addr del 100.64.0.8/24 dev d0",
    ],
    "routes-linux-accepts": [
        "route add 10.95.0.0/16 dev d0 proto 99",
        "route add 10.96.0.0/16 dev d0 scope site",
        "route add throw 10.97.0.0/16",
        "route add 10.98.0.0/16 dev d0 tos 0x20",
    ],
    # Class 13: throw ends a table's lookup; the rules go on.
    "throw-routes": [
        "route add throw 10.96.0.0/16",
        "route get 10.96.0.1",
        "route add throw 10.97.0.0/16 table 100",
        "route add 10.0.0.0/8 via 100.64.1.2 table 100",
        "route add throw 10.99.0.0/16 dev d0 table 100",
        "rule add pref 100 lookup 100",
        "route get 10.97.0.1",
        "route get 10.1.0.1",
        "route add 10.97.0.0/16 via 100.64.2.2",
        "route get 10.97.0.1",
        "route get 10.97.0.1 fibmatch",
        "route del throw 10.97.0.0/16 table 100",
        "route get 10.97.0.1",
    ],
    "rules-linux-keeps": [
        "rule add pref 60 iif lo lookup 100",
        "rule add pref 61 iif nosuchdev lookup 100",
    ],
    # Class 12: rule_exists compares what the new rule gives (and action,
    # table, priority, names and mark whole); `not` does not count.
    "rule-exists": [
        "rule add pref 100 from 10.1.0.0/16 tos 0x04 lookup 100",
        "rule add pref 100 lookup 100",
        "rule add pref 100 not from 10.1.0.0/16 lookup 100",
        "rule add pref 100 from 10.2.0.0/16 lookup 100",
        "rule add pref 100 tos 0x08 lookup 100",
        "rule add pref 100 fwmark 0x1 lookup 100",
        "rule add pref 100 lookup 200",
        "rule add pref 100 to 10.9.0.0/16 lookup 100",
        "rule add pref 100 lookup 100",
        "rule add pref 100 iif d0 lookup 100",
        "rule add pref 100 iif d0 lookup 100",
        "rule add pref 50 goto 200",
        "rule add pref 50 goto 300",
        "rule add pref 50 nop",
    ],
    # Class 14: rules naming a device that is not there are kept by name,
    # [detached], and work again when it comes back; iif lo matches what
    # the router sends itself. (A device for ferroute is a port: "link
    # add" also attaches it.)
    "detached-rules": [
        "route add default via 100.64.1.9 table 100",
        "rule add pref 60 iif lo lookup 100",
        "route get 8.8.8.8",
        "route get 8.8.8.8 iif d0 from 100.64.0.9",
        "rule add pref 61 iif nosuchdev lookup 100",
        "rule add pref 62 oif d3 lookup 100",
        "rule add pref 63 iif d2 lookup 100",
        "route get 8.8.8.8 iif d2 from 100.64.2.9",
        "link del d2",
        "link del d3",
        "link add d2 type dummy",
        "link set d2 up",
        "addr add 100.64.2.1/24 dev d2",
        "route get 8.8.8.8 iif d2 from 100.64.2.9",
        "rule del pref 61 iif nosuchdev",
        "rule del iif d2",
        "rule del pref 60",
        "route get 8.8.8.8",
    ],
    "rule-tos-ecn": [
        "rule add pref 62 tos 0x02 lookup 100",
        "rule add pref 63 tos 0x04 lookup 100",
    ],
    # Class 15: gateway resolution hitting reject routes.
    "gateway-via-reject": [
        "route add unreachable 10.82.0.0/16 scope link",
        "route add 10.83.0.0/16 via 10.82.0.1",
        "route add prohibit 10.84.0.0/16 scope link",
        "route add 10.85.0.0/16 via 10.84.0.1",
        "route add unreachable 10.93.0.0/16",
        "route add 10.94.0.0/16 via 10.93.0.1",
    ],
    "gateway-via-reject-rule": [
        "rule add pref 50 to 10.86.0.0/16 prohibit",
        "route add 10.87.0.0/16 via 10.86.0.1",
        "rule add pref 51 to 10.88.0.0/16 blackhole",
        "route add 10.89.0.0/16 via 10.88.0.1",
    ],
    # Class 16: special gateways without onlink.
    "special-gateways": [
        "route add 10.90.0.0/16 via 0.0.0.5",
        "route add 10.91.0.0/16 via 255.255.255.255",
        "route add 10.92.0.0/16 via 224.0.0.5",
    ],
}


def errno_of(msg):
    for text, name in ERRNO_NAMES:
        if text in msg:
            return name
    return "?" + msg.strip()[:80]


TIMES = {"setup": 0.0, "steps": 0.0, "queries": 0.0, "spawns": 0, "straced": 0}


def run(cmd, stdin=None):
    TIMES["spawns"] += 1
    p = subprocess.run(cmd, capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


def linux_errno(cmd, stdin=None, alone=None):
    """Runs `cmd` (an ip command): (status, output), status "ok" or the
    errno name of the kernel's NLMSG_ERROR answer. ip names it
    ("RTNETLINK answers: File exists") unless the kernel gave an extended
    ack message; then the failed command (`alone`: the step without the
    lists of a batch) runs again under strace, which reads the errno from
    the answer (a refused request changes nothing, so the second run is
    refused the same way). strace costs seconds a run in the TCG VM: it
    runs only for those."""
    rc, out, err = run(cmd, stdin)
    if rc == 0:
        return "ok", out
    named = re.search(r"RTNETLINK answers: (.*)", err)
    if named:
        return errno_of(named.group(1)), out
    trace = f"/tmp/fib-scenarios-strace-{os.getpid()}"
    _, _, err2 = run(["strace", "-qq", "-e", "trace=recvmsg", "-o", trace, *(alone or cmd)],
                     None if alone else stdin)
    TIMES["straced"] += 1
    with open(trace) as f:
        codes = re.findall(r"error=-(E[A-Z0-9]+)", f.read())
    os.unlink(trace)
    return (codes[-1] if codes else errno_of(err2 or err)), out


def dsfield_names():
    """iproute2's DS field names (ip prints `tos CS1` for 0x20): name ->
    "0xNN" as ferctl prints it."""
    names = {}
    for path in ("/etc/iproute2/rt_dsfield", "/usr/share/iproute2/rt_dsfield"):
        try:
            for line in open(path):
                w = line.split("#")[0].split()
                if len(w) == 2:
                    names.setdefault(w[1], f"0x{int(w[0], 0):02x}")
        except OSError:
            pass
    return names


DSFIELD = dsfield_names()


class Sides:
    """Linux (namespace NETNS, driven by `ip -n NETNS`) and ferroute
    (namespace NETNS-fer, driven by ferctl started there). Configuration
    and lists go through `-batch -` (one process a side per step: a TCG
    VM spends most of this test starting processes)."""

    def __init__(self, args):
        self.netns, self.ferctl = args.netns, args.ferctl
        self.fer_netns = args.netns + "-fer"
        # This thread's namespace, to come back to.
        self.home = netns.own()
        run(["rmmod", "ferroute"])
        rc, _, err = run(["insmod", args.module])
        if rc != 0:
            sys.exit(f"fib-scenarios: insmod: {err.strip()}")

    def setup(self):
        """A scenario's start: both namespaces made anew (a new ferroute
        namespace is a new router, pernet), the devices in them, Linux's
        forwarding on. Three processes: a module load and unload per
        scenario cost more than the scenario did in a TCG VM."""
        t = time.monotonic()
        netns.setns_fd(self.home)
        host = "".join(f"netns del {n}\n" for n in (self.fer_netns, self.netns))
        host += "".join(f"netns add {n}\n" for n in (self.fer_netns, self.netns))
        # The devices by namespace name: an ip that adds a namespace may
        # be left in it.
        host += "".join(f"link add {d} netns {self.fer_netns} up type dummy\n" for d, _ in DEVICES)
        run(["ip", "-force", "-batch", "-"], host)
        # A router forwards: without this, Linux answers every `route get
        # ... iif` for another host with EHOSTUNREACH (ip_route_input_slow's
        # !IN_DEV_FORWARD) before it validates the source.
        netns.in_netns(f"/run/netns/{self.netns}", write_ip_forward)
        # ferroute's side (ferctl, and ip for "link" steps) runs in its
        # namespace from here: subprocesses start in this thread's.
        netns.setns(f"/run/netns/{self.fer_netns}")
        lx = fr = ""
        for dev, addr in DEVICES:
            lx += f"link add {dev} type dummy\nlink set {dev} up\n"
            fr += f"port add {dev}\n"
            if addr:
                lx += f"addr add {addr} dev {dev}\n"
                fr += f"addr add {addr} dev {dev}\n"
        for cmd, text in ((["ip", "-n", self.netns, "-batch", "-"], lx),
                          ([self.ferctl, "-batch", "-"], fr)):
            rc, _, err = run(cmd, text)
            if rc != 0:
                sys.exit(f"fib-scenarios: set-up: {' '.join(cmd)}: {err.strip()}")
        TIMES["setup"] += time.monotonic() - t

    def teardown(self):
        netns.setns_fd(self.home)
        run(["ip", "-force", "-batch", "-"],
            "".join(f"netns del {n}\n" for n in (self.fer_netns, self.netns)))
        run(["rmmod", "ferroute"])

    def query(self, words):
        """A route get: ((linux status, text), (ferroute status, text))."""
        t = time.monotonic()
        lx = linux_errno(["ip", "-n", self.netns, *words])
        rc, out, err = run([self.ferctl, *words])
        TIMES["queries"] += time.monotonic() - t
        return lx, ("ok" if rc == 0 else errno_of(err), out)

    def step(self, words):
        """A configuration step, then the lists, in one batch a side:
        ((linux status, routes, rules), (ferroute status, routes, rules)),
        status "ok" or an errno name, routes and rules as sets of
        normalized lines."""
        t = time.monotonic()
        line = " ".join(words) + "\n"
        lx_cmd = ["ip", "-n", self.netns, "-force", "-batch", "-"]
        ls, lo = linux_errno(lx_cmd, line + "route show table all\nrule show\n",
                             alone=["ip", "-n", self.netns, *words])
        if words[0] == "link":
            # ferroute's ports are the current namespace's devices; a
            # device added becomes a port.
            rc, _, err = run(["ip", "-force", "-batch", "-"], line)
            port = f"port add {words[2]}\n" if words[1] == "add" and rc == 0 else ""
            _, fo, _ = run([self.ferctl, "-force", "-batch", "-"],
                           port + "route list table all\nrule list\n")
        else:
            rc, fo, err = run([self.ferctl, "-force", "-batch", "-"],
                              line + "route list table all\nrule list\n")
        fs = "ok" if rc == 0 else errno_of(err)
        TIMES["steps"] += time.monotonic() - t
        lr, lu = split_lists(lo)
        fr, fu = split_lists(fo)
        return ((ls, norm_list(lr, linux=True), norm_list(lu, linux=True)),
                (fs, norm_list(fr, linux=False), norm_list(fu, linux=False)))


def write_ip_forward():
    with open("/proc/sys/net/ipv4/ip_forward", "w") as f:
        f.write("1")


def split_lists(text):
    """A batch's output, routes then rules: (routes, rules). Rule lines
    start with their preference ("100:"), route lines never do."""
    routes, rules = [], []
    for line in text.splitlines():
        (rules if re.match(r"\d+:", line) else routes).append(line)
    return "\n".join(routes), "\n".join(rules)


def norm_list(text, linux, keep_lo=False):
    """Lines as a set: multipath hops joined to their route, whitespace
    squeezed; Linux's lo routes (unless `keep_lo`) left out, its DS field
    names as numbers."""
    lines, cur = [], None
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t"):
            cur = (cur or "") + " " + raw.strip()
            continue
        if cur is not None:
            lines.append(cur)
        cur = raw.strip()
    if cur:
        lines.append(cur)
    out = set()
    for line in lines:
        words = line.split()
        if linux:
            if not keep_lo and " dev lo " in line + " ":
                continue
            words = [DSFIELD.get(w, w) if i and words[i - 1] == "tos" else w
                     for i, w in enumerate(words)]
        out.add(" ".join(words))
    return out


def get_view(text):
    """(type, via, dev, src) of a route get answer."""
    words = text.split()
    if not words:
        return None
    kind = "unicast"
    if words[0] in ("local", "broadcast", "multicast", "unreachable", "prohibit", "blackhole"):
        kind, words = words[0], words[1:]
    kv = {}
    for i, w in enumerate(words[:-1]):
        if w in ("via", "dev", "src"):
            kv[w] = words[i + 1]
    return (kind, kv.get("via"), kv.get("dev"), kv.get("src"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferctl", required=True)
    ap.add_argument("--module", required=True, help="ferroute.ko, loaded for the run")
    ap.add_argument("--netns", default="oracle")
    ap.add_argument("--known", help="file of scenario names known to differ")
    ap.add_argument("--only", nargs="*", help="run only these scenarios")
    args = ap.parse_args()
    known = set()
    if args.known:
        for line in open(args.known):
            line = line.split("#")[0].strip()
            if line:
                known.add(line)
    sides = Sides(args)
    t0 = time.monotonic()
    n_steps = n_queries = n_lists = 0
    bad = 0
    for name, steps in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        sides.setup()
        diffs = []
        for step in steps:
            words = step.split()
            n_steps += 1
            if words[:2] == ["route", "get"]:
                (ls, lo), (fs, fo) = sides.query(words)
                n_queries += 1
                if ls != fs:
                    diffs.append(f"{step}: linux {ls}, ferroute {fs}")
                elif ls == "ok" and "fibmatch" in words:
                    lv, fv = norm_list(lo, True, keep_lo=True), norm_list(fo, False)
                    if lv != fv:
                        diffs.append(f"{step}: linux {sorted(lv)}, ferroute {sorted(fv)}")
                elif ls == "ok" and get_view(lo) != get_view(fo):
                    diffs.append(f"{step}: linux {get_view(lo)}, ferroute {get_view(fo)}")
                continue
            (ls, lr, lu), (fs, fr, fu) = sides.step(words)
            if ls != fs:
                diffs.append(f"{step}: linux {ls}, ferroute {fs}")
            n_lists += 2
            if lr != fr:
                diffs.append(f"after {step}: routes: only linux {sorted(lr - fr)}, "
                             f"only ferroute {sorted(fr - lr)}")
            if lu != fu:
                diffs.append(f"after {step}: rules: only linux {sorted(lu - fu)}, "
                             f"only ferroute {sorted(fu - lu)}")
        if diffs and name in known:
            print(f"known difference: {name}: {diffs[0]}")
        elif diffs:
            bad += 1
            print(f"MISMATCH: {name}")
            for d in diffs:
                print(f"    {d}")
        elif name in known:
            bad += 1
            print(f"MISMATCH: {name} now matches Linux: take it off the known list")
        else:
            print(f"ok: {name}")
    sides.teardown()
    print(f"fib-scenarios: {len(args.only or SCENARIOS)} scenarios, {n_steps} steps, "
          f"{n_queries} queries, {n_lists} list comparisons, {bad} unexpected")
    print(f"fib-scenarios: {time.monotonic() - t0:.0f} s: set-up {TIMES['setup']:.0f} s, "
          f"steps and lists {TIMES['steps']:.0f} s, queries {TIMES['queries']:.0f} s, "
          f"{TIMES['spawns']} processes started ({TIMES['straced']} under strace)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

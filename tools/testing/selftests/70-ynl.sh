#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own ynl tool drives the ferroute family from our YAML spec:
# its CLI (cli.py, with the spec checked against the kernel's
# genetlink-legacy schema) dumps the ports; then, in one process (each
# start of ynl costs some 20 s under TCG), its library adds an address and
# changes settings that ferctl then shows, and gets EEXIST and EINVAL for
# a duplicate address and an out-of-range value.
. "$(dirname "$0")/lib.sh"
[ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/net/ynl/cli.py" ] || fail "KSRC (kernel source with tools/net/ynl) not given"
load
spec=$root/Documentation/netlink/specs/ferroute.yaml
python3 "$KSRC/tools/net/ynl/cli.py" --spec "$spec" \
	--schema "$KSRC/Documentation/netlink/genetlink-legacy.yaml" --dump port-get | tee /tmp/ports
grep -q "'ifname': 'fer0'" /tmp/ports || fail "ynl did not list fer0"

FERCTL=$FERCTL python3 - "$KSRC/tools/net/ynl" "$spec" << 'EOF' || fail "ynl library steps"
import os
import subprocess
import sys

sys.path.insert(0, sys.argv[1])
from lib import NlError, YnlFamily  # noqa: E402  (the kernel's ynl library)

# cli.py checked the spec against the schema: not again ("")
ynl = YnlFamily(sys.argv[2], "")


def ferctl(*args):
    out = subprocess.run([os.environ["FERCTL"], *args], capture_output=True,
                         text=True, check=True).stdout
    print(out, end="")
    return out.splitlines()


def refused(op, attrs, errno):
    try:
        ynl.do(op, attrs)
    except NlError as e:
        print(f"{op} {attrs}: {e.error} {os.strerror(e.error)}")
        assert e.error == errno, f"{op}: errno {e.error}, expected {errno}"
        return
    raise AssertionError(f"{op} {attrs} accepted")


# 10.7.0.1 as the spec's big-endian u32.
addr = {"ifname": "fer0", "address": 168230913, "prefixlen": 24}
ynl.do("addr-add", addr)
assert any(line.split()[:2] == ["fer0", "10.7.0.1/24"] for line in ferctl("addr", "list")), \
    "address added by ynl not listed by ferctl"
refused("addr-add", addr, 17)  # EEXIST

# The settings: conf-get, conf-set, port-set, seen by ferctl.
conf = ynl.do("conf-get", {})
print(conf)
assert conf["icmp-ratelimit"] == 1000, "conf-get icmp-ratelimit"
assert conf["igmp-query-interval"] == 125000, "conf-get igmp-query-interval"
ynl.do("conf-set", {"icmp-ratelimit": 500, "udp-echo": 1})
assert "icmp_ratelimit 500" in ferctl("conf", "show"), "conf-set by ynl not shown by ferctl"
ynl.do("conf-set", {"igmp-querier": 1, "igmp-robustness": 3})
assert "igmp_robustness 3" in ferctl("conf", "show"), "igmp conf-set by ynl not shown by ferctl"
ynl.do("port-set", {"ifname": "fer0", "rp-filter": 2})
assert any(" fer0 " in f" {line} " and " rp_filter 2 " in f" {line} "
           for line in ferctl("port", "list")), "port-set by ynl not shown by ferctl"
refused("port-set", {"ifname": "fer0", "rp-filter": 3}, 22)  # EINVAL
EOF
unload

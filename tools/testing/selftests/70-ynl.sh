#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own ynl tool drives the ferroute family from our YAML spec:
# it dumps the ports and adds an address that ferctl then lists.
. "$(dirname "$0")/lib.sh"
[ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/net/ynl/cli.py" ] || fail "KSRC (kernel source with tools/net/ynl) not given"
load
ynl() {
	python3 "$KSRC/tools/net/ynl/cli.py" --spec "$root/Documentation/netlink/specs/ferroute.yaml" \
		--schema "$KSRC/Documentation/netlink/genetlink-legacy.yaml" "$@"
}
ynl --dump port-get | tee /tmp/ports
grep -q "'ifname': 'fer0'" /tmp/ports || fail "ynl did not list fer0"
# 10.7.0.1 as the spec's big-endian u32.
ynl --do addr-add --json '{"ifname": "fer0", "address": 168230913, "prefixlen": 24}' || fail "ynl addr-add"
ferctl addr list | tee /tmp/addrs
grep -q 'fer0 *10.7.0.1/24' /tmp/addrs || fail "address added by ynl not listed by ferctl"
ynl --do addr-add --json '{"ifname": "fer0", "address": 168230913, "prefixlen": 24}' > /tmp/err 2>&1 && fail "duplicate accepted"
cat /tmp/err
grep -q 'error: -17' /tmp/err || fail "no EEXIST for a duplicate address"
unload

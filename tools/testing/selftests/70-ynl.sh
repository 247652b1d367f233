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
# The settings: conf-get, conf-set, port-set, seen by ferctl.
ynl --do conf-get | tee /tmp/conf
grep -q "'icmp-ratelimit': 1000" /tmp/conf || fail "ynl conf-get"
ynl --do conf-set --json '{"icmp-ratelimit": 500, "udp-echo": 1}' || fail "ynl conf-set"
ferctl conf show | grep -qx 'icmp_ratelimit 500' || fail "conf-set by ynl not shown by ferctl"
grep -q "'igmp-query-interval': 125000" /tmp/conf || fail "ynl conf-get igmp"
ynl --do conf-set --json '{"igmp-querier": 1, "igmp-robustness": 3}' || fail "ynl conf-set igmp"
ferctl conf show | grep -qx 'igmp_robustness 3' || fail "igmp conf-set by ynl not shown by ferctl"
ynl --do port-set --json '{"ifname": "fer0", "rp-filter": 2}' || fail "ynl port-set"
ferctl port list | grep -q ' fer0 .* rp_filter 2 ' || fail "port-set by ynl not shown by ferctl"
ynl --do port-set --json '{"ifname": "fer0", "rp-filter": 3}' > /tmp/err 2>&1 && fail "rp-filter 3 accepted"
cat /tmp/err
grep -q 'error: -22' /tmp/err || fail "no EINVAL for rp-filter 3"
unload

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Route configuration through netlink: add, list, get, duplicate, delete,
# other tables, reject types, bad input and permissions, with the errors
# Linux gives for the same requests.
. "$(dirname "$0")/lib.sh"
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24

ferctl route add 10.9.0.0/16 via 10.1.0.2 dev fer1 metric 10 || fail "route add"
ferctl route list | tee /tmp/routes
grep -q '^10.9.0.0/16 via 10.1.0.2 dev fer1' /tmp/routes || fail "added route not listed"
grep -q '^10.1.0.0/24 dev fer1 proto kernel scope link src 10.1.0.1' /tmp/routes || fail "connected route not listed"

ferctl route get 10.9.3.4 | tee /tmp/get
grep -q 'via 10.1.0.2 dev fer1' /tmp/get || fail "route get did not choose the gateway route"
grep -q 'src 10.1.0.1' /tmp/get || fail "route get did not select the source"
ferctl -j route get 10.9.3.4 | python3 -c '
import json, sys
r = json.load(sys.stdin)
r = r[0] if isinstance(r, list) else r
assert r["prefix"] == "10.9.0.0/16", r
assert r["gateway"] == "10.1.0.2", r
assert r["dev"] == "fer1", r
' || fail "route get JSON"

# ip route add of an existing route: EEXIST.
ferctl route add 10.9.0.0/16 via 10.1.0.2 dev fer1 metric 10 2> /tmp/err && fail "duplicate accepted"
grep -q 'File exists' /tmp/err || fail "duplicate: no EEXIST"
# A different metric is a different route; the lower metric wins.
ferctl route add 10.9.0.0/16 via 10.1.0.3 dev fer1 metric 5 || fail "second metric"
ferctl route get 10.9.0.1 | grep -q 'via 10.1.0.3' || fail "lower metric not chosen"

# Longest prefix wins.
ferctl route add 10.9.9.0/24 dev fer1 || fail "more specific route"
ferctl route get 10.9.9.9 | tee /tmp/get
grep -q 'via' /tmp/get && fail "/24 on-link route not chosen over /16 via"

# Reject routes answer as Linux's ip route get does.
ferctl route add blackhole 10.8.0.0/16 || fail "blackhole add"
ferctl route get 10.8.1.1 2> /tmp/err && fail "route get through a blackhole succeeded"
grep -q 'Invalid argument' /tmp/err || fail "blackhole: no EINVAL"
ferctl route add unreachable 10.6.0.0/16 || fail "unreachable add"
ferctl route get 10.6.1.1 2> /tmp/err && fail "route get through unreachable succeeded"
grep -q 'No route to host' /tmp/err || fail "unreachable: no EHOSTUNREACH"

# Another table is not consulted by the default rules.
ferctl route add 10.7.0.0/16 dev fer1 table 100 || fail "table 100 add"
ferctl route list table 100 | grep -q '^10.7.0.0/16 dev fer1' || fail "table 100 list"
ferctl route get 10.7.0.1 2> /tmp/err && fail "table 100 consulted without a rule"
grep -q 'Network is unreachable' /tmp/err || fail "no ENETUNREACH"

# The local table holds the router's own address.
ferctl route list table local | grep -q 'local 10.1.0.1 dev fer1' || fail "local route missing"

# Delete, then delete again: ESRCH.
ferctl route del 10.9.0.0/16 via 10.1.0.3 dev fer1 metric 5 || fail "route del"
ferctl route get 10.9.0.1 | grep -q 'via 10.1.0.2' || fail "deleted route still chosen"
ferctl route del 10.9.0.0/16 via 10.1.0.3 dev fer1 metric 5 2> /tmp/err && fail "second delete succeeded"
grep -q 'No such process' /tmp/err || fail "no ESRCH"

# Bad input changes nothing.
before=$(ferctl route list table all | wc -l)
ferctl route add 10.9.0.0/33 dev fer1 2>/dev/null; [ $? -eq 2 ] || fail "bad prefix length not a usage error"
ferctl route add 10.5.0.0/16 dev nosuchport 2> /tmp/err && fail "unknown port accepted"
grep -q 'No such device' /tmp/err || fail "unknown port: no ENODEV"
ferctl route add 10.5.0.1/16 dev fer1 2> /tmp/err && fail "host bits accepted"
[ "$(ferctl route list table all | wc -l)" -eq "$before" ] || fail "a failed request changed the table"

# Changes need CAP_NET_ADMIN.
setpriv --reuid=65534 --regid=65534 --clear-groups "$FERCTL" route add 10.4.0.0/16 dev fer1 2> /tmp/err && fail "unprivileged add"
grep -q 'Operation not permitted' /tmp/err || fail "unprivileged: no EPERM"
unload

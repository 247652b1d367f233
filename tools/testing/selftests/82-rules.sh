#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Policy rules, multipath routes and the table list through netlink: what
# `ip rule` and `ip route ... nexthop` do on Linux, with the same errors.
. "$(dirname "$0")/lib.sh"
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24

# The three rules Linux installs.
ferctl rule list | tee /tmp/rules
[ "$(cat /tmp/rules)" = "$(printf '0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default')" ] ||
	fail "default rules"

# Without pref a rule goes one below the second rule (fib_default_rule_pref):
# 32765 with the default rules.
ferctl rule add from 10.98.0.0/16 lookup 100 || fail "rule without pref"
ferctl rule list | grep -q '^32765:	from 10.98.0.0/16 lookup 100$' || fail "default pref not 32765"
ferctl rule del from 10.98.0.0/16 || fail "rule del by selector"

# A table is consulted once a rule points at it.
ferctl route add 10.7.0.0/16 via 10.1.0.2 table 100 || fail "table 100 route"
ferctl route get 10.7.0.1 2> /tmp/err && fail "table 100 consulted without a rule"
ferctl rule add pref 100 to 10.7.0.0/16 lookup 100 || fail "rule add to"
ferctl route get 10.7.0.1 | tee /tmp/get
grep -q 'via 10.1.0.2 dev fer1 table 100' /tmp/get || fail "to-rule did not select table 100"

# fwmark/mask and from.
ferctl route add 10.20.0.0/16 dev fer1 table 200 || fail "table 200 route"
ferctl rule add pref 200 fwmark 0x10/0xff lookup 200 || fail "rule add fwmark"
ferctl route get 10.20.0.1 mark 0x110 | grep -q 'table 200' || fail "fwmark under mask not matched"
ferctl route get 10.20.0.1 mark 0x11 2> /dev/null && fail "other mark matched"
ferctl rule add pref 300 from 10.1.0.1 lookup 200 || fail "rule add from"
ferctl route get 10.20.0.1 from 10.1.0.1 | grep -q 'table 200' || fail "from-rule not matched"

# Reject actions answer as fib_rules_lookup does.
ferctl rule add pref 50 to 10.66.0.0/16 prohibit || fail "prohibit rule"
ferctl route add 10.66.0.0/16 dev fer1 || fail "route behind prohibit"
ferctl route get 10.66.0.1 2> /tmp/err && fail "prohibit rule let the lookup through"
grep -q 'Permission denied' /tmp/err || fail "prohibit: no EACCES"
ferctl rule add pref 51 to 10.67.0.0/16 unreachable || fail "unreachable rule"
ferctl route get 10.67.0.1 2> /tmp/err && fail "unreachable rule let the lookup through"
grep -q 'Network is unreachable' /tmp/err || fail "unreachable rule: no ENETUNREACH"
ferctl rule add pref 52 to 10.68.0.0/16 blackhole || fail "blackhole rule"
ferctl route get 10.68.0.1 2> /tmp/err && fail "blackhole rule let the lookup through"
grep -q 'Invalid argument' /tmp/err || fail "blackhole rule: no EINVAL"

# goto jumps over the rules in between; nop changes nothing.
ferctl rule add pref 400 to 10.30.0.0/16 goto 500 || fail "goto rule"
ferctl rule add pref 450 to 10.30.0.0/16 prohibit || fail "rule skipped by goto"
ferctl rule add pref 500 to 10.30.0.0/16 lookup 100 || fail "goto target"
ferctl rule add pref 399 nop || fail "nop rule"
ferctl route add 10.30.0.0/16 via 10.1.0.2 table 100 || fail "route for goto"
ferctl route get 10.30.0.1 | grep -q 'table 100' || fail "goto did not skip the prohibit rule"

# Now the second rule is pref 50: a rule without pref gets 49.
ferctl rule add from 10.99.0.0/16 lookup 100 || fail "rule without pref"
ferctl rule list | grep -q '^49:	from 10.99.0.0/16 lookup 100$' || fail "default pref not 49"
ferctl -j rule list | python3 -c '
import json, sys
rules = json.load(sys.stdin)
prefs = [r["priority"] for r in rules]
assert prefs == sorted(prefs), prefs
r = [r for r in rules if r["priority"] == 200][0]
assert r["fwmark"] == "0x10" and r["fwmask"] == "0xff" and r["table"] == "200", r
g = [r for r in rules if r["priority"] == 400][0]
assert g["action"] == "goto" and g["target"] == 500, g
' || fail "rule list JSON"

# Errors: duplicate EEXIST, backward goto EINVAL, missing rule ENOENT;
# none of them changes the rules.
before=$(ferctl rule list)
ferctl rule add pref 100 to 10.7.0.0/16 lookup 100 2> /tmp/err && fail "duplicate rule accepted"
grep -q 'File exists' /tmp/err || fail "duplicate rule: no EEXIST"
ferctl rule add pref 600 goto 500 2> /tmp/err && fail "backward goto accepted"
grep -q 'Invalid argument' /tmp/err || fail "backward goto: no EINVAL"
ferctl rule del pref 12345 2> /tmp/err && fail "deleting a missing rule succeeded"
grep -q 'No such file or directory' /tmp/err || fail "missing rule: no ENOENT"
[ "$(ferctl rule list)" = "$before" ] || fail "a failed rule request changed the rules"
# A port that does not exist (yet) is kept by name, detached, as Linux
# keeps an unknown device's rule (87 compares this with ip rule).
ferctl rule add pref 601 iif nosuchport lookup 100 || fail "rule with an unknown iif refused"
ferctl rule list | grep -q '^601:.*iif nosuchport \[detached\] lookup 100' ||
	fail "a rule with an unknown iif is not shown detached"
ferctl rule del pref 601 iif nosuchport lookup 100 || fail "deleting the detached rule"
[ "$(ferctl rule list)" = "$before" ] || fail "the detached rule left something behind"
ferctl rule del pref 50 || fail "rule del by pref"
ferctl route get 10.66.0.1 > /dev/null || fail "deleted prohibit rule still applies"
setpriv --reuid=65534 --regid=65534 --clear-groups "$FERCTL" rule add pref 700 lookup 100 2> /tmp/err &&
	fail "unprivileged rule add"
grep -q 'Operation not permitted' /tmp/err || fail "unprivileged rule add: no EPERM"

# Multipath: weights 1 and 3 over two gateways on fer1.
ferctl route add 10.40.0.0/16 nexthop via 10.1.0.2 weight 1 nexthop via 10.1.0.3 weight 3 || fail "multipath add"
ferctl route list | tee /tmp/routes
grep -q '^10.40.0.0/16' /tmp/routes || fail "multipath route not listed"
grep -q '	nexthop via 10.1.0.2 dev fer1 weight 1$' /tmp/routes || fail "first next hop not listed"
grep -q '	nexthop via 10.1.0.3 dev fer1 weight 3$' /tmp/routes || fail "second next hop not listed"
ferctl -j route list | python3 -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["dst"] == "10.40.0.0/16"][0]
assert [(h["gateway"], h["weight"]) for h in r["nexthops"]] == [("10.1.0.2", 1), ("10.1.0.3", 3)], r
' || fail "multipath JSON"
# 400 flows: both next hops used, roughly 1:3, each flow always the same.
i=0; : > /tmp/gets
while [ $i -lt 400 ]; do
	echo "route get 10.40.$((i / 200)).$((i % 200 + 1))" >> /tmp/gets
	i=$((i + 1))
done
ferctl -batch /tmp/gets > /tmp/hops || fail "route get batch"
a=$(grep -c 'via 10.1.0.2 ' /tmp/hops); b=$(grep -c 'via 10.1.0.3 ' /tmp/hops)
echo "next hop 10.1.0.2: $a, 10.1.0.3: $b"
[ $((a + b)) -eq 400 ] || fail "a multipath lookup chose no next hop"
[ "$a" -ge 50 ] && [ "$a" -le 150 ] || fail "weights 1:3 not followed ($a:$b)"
ferctl -batch /tmp/gets | cmp -s - /tmp/hops || fail "a flow changed next hop"
ferctl route add 10.41.0.0/16 via 10.1.0.2 nexthop via 10.1.0.3 2> /dev/null && fail "via with nexthop accepted"
ferctl route add 10.41.0.0/16 nexthop via 10.1.0.2 nexthop via 10.77.0.1 2> /tmp/err && fail "unreachable next hop accepted"
grep -q 'Network is unreachable' /tmp/err || fail "unreachable next hop: no ENETUNREACH"
ferctl route list | grep -q '^10.41' && fail "a refused multipath route was added"
ferctl route del 10.40.0.0/16 || fail "multipath del"

# Tables and their sizes.
ferctl table list | tee /tmp/tables
grep -q '^local ' /tmp/tables || fail "local table not listed"
grep -q '^100 2$' /tmp/tables || fail "table 100 size"
grep -q '^200 1$' /tmp/tables || fail "table 200 size"
# A table goes only when empty: EBUSY, then ENOENT once it is gone.
ferctl table del 200 2> /tmp/err && fail "a table with routes was removed"
grep -q 'Device or resource busy' /tmp/err || fail "table del of a full table: no EBUSY"
ferctl route del 10.20.0.0/16 table 200 || fail "route del in table 200"
ferctl table del 200 || fail "table del of an empty table"
ferctl table list | grep -q '^200 ' && fail "removed table still listed"
ferctl table del 200 2> /tmp/err && fail "table removed twice"
grep -q 'No such file or directory' /tmp/err || fail "table del of a missing table: no ENOENT"
unload

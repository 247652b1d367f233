#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every malformed netlink message gets a clear error and changes nothing:
# lib/nlraw.py sends requests ferctl never would (bad lengths, types,
# ranges, nests, operations, sizes) and prints the errno and extended ACK
# of each, which must be exactly the expected ones; the routes, rules and
# tables must be byte-identical afterwards. Changes need CAP_NET_ADMIN.
. "$(dirname "$0")/lib.sh"
nlraw=$(dirname "$0")/lib/nlraw.py
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24

# Some state to keep: another table, a rule, a multipath route.
ferctl route add 10.7.0.0/16 via 10.1.0.2 table 100 || fail "table 100 route"
ferctl rule add pref 100 to 10.7.0.0/16 lookup 100 || fail "rule add"
ferctl route add 10.40.0.0/16 nexthop via 10.1.0.2 nexthop via 10.1.0.3 weight 2 || fail "multipath add"
# A device that port-add could attach.
ip link add vbad0 type veth peer name vbad1 || fail "veth"
trap 'ip link del vbad0 2>/dev/null' EXIT
ferctl route list table all > /tmp/routes.before
ferctl rule list > /tmp/rules.before
ferctl table list > /tmp/tables.before
ferctl port list > /tmp/ports.before
ferctl addr list > /tmp/addrs.before
ferctl conf show > /tmp/conf.before

# NAME ERRNO WHERE MSG (see nlraw.py). Policy errors come from lib/nlattr.c
# (genetlink validates strictly: unknown types, wrong lengths, missing
# NLA_F_NESTED and trailing bytes are EINVAL, values out of range ERANGE),
# operation errors from net/netlink/genetlink.c, the rest from ferroute.
# An attribute of another command meets its operation's NLA_REJECT entry
# (ferroute's reject message; "NLA_F_NESTED not expected" comes first for
# a nest).
cat > /tmp/bad.expected <<'EOF'
prefixlen-33 ERANGE at=4 integer out of range
unknown-attr-199 EINVAL at=199 Unknown attribute type
attr-type-0 EINVAL at=0 Unknown attribute type
u32-with-2-bytes EINVAL at=15 invalid attribute length
u8-with-4-bytes EINVAL at=4 invalid attribute length
ifname-without-nul EINVAL at=2 Attribute failed policy validation
ifname-16-chars EINVAL at=2 Attribute failed policy validation
ifname-20-chars EINVAL at=2 Attribute failed policy validation
ifname-15-chars ENODEV - no such port
nla-len-past-end EINVAL - bytes leftover after parsing attributes
nla-len-below-header EINVAL - bytes leftover after parsing attributes
trailing-bytes EINVAL - bytes leftover after parsing attributes
short-genl-header EINVAL - -
missing-address EINVAL miss=3 -
missing-prefixlen EINVAL miss=4 -
bad-scope EINVAL - scope must be universe, site, link or host
route-del-unknown-table ESRCH - no such route
unknown-device ENODEV - no such port
unknown-device-new-table ENODEV - no such port
gateway-off-link ENETUNREACH - gateway is not reachable on-link
multipath-without-nested-flag EINVAL at=31 NLA_F_NESTED is missing
multipath-inner-len EINVAL at=31 malformed next hop
nexthop-inner-len EINVAL at=31 malformed next hop
nexthop-weight-0 EINVAL at=31 next-hop weight must be 1 to 256
nexthop-weight-257 EINVAL at=31 next-hop weight must be 1 to 256
nexthop-weight-2-bytes EINVAL at=31 unknown or malformed next-hop attribute
nexthop-unknown-attr EINVAL at=31 unknown or malformed next-hop attribute
multipath-entry-type-2 EINVAL at=31 multipath holds only nexthop nests
multipath-empty EINVAL at=31 multipath without next hops
multipath-and-gateway EINVAL at=31 give either via/dev or next hops, not both
multipath-hop-off-link ENETUNREACH - gateway is not reachable on-link
route-del-multipath EINVAL at=31 NLA_F_NESTED not expected
rule-action-4 EINVAL at=28 unsupported rule action
rule-action-9 ERANGE at=28 integer out of range
rule-goto-backwards EINVAL at=29 goto must jump to a higher priority
rule-goto-itself EINVAL at=29 goto must jump to a higher priority
rule-goto-without-target EINVAL miss=29 goto without a target priority
rule-goto-without-action EINVAL at=29 goto target without action goto
rule-del-goto-without-action EINVAL at=29 goto target without action goto
do-only-as-dump EOPNOTSUPP - -
dump-only-as-do EOPNOTSUPP - -
unknown-command EOPNOTSUPP - -
route-add-bench-keys EINVAL at=40 attribute not valid for this command
route-add-iifname EINVAL at=22 attribute not valid for this command
route-add-unused-34 EINVAL at=34 attribute not valid for this command
route-del-mtu EINVAL at=19 attribute not valid for this command
route-get-table EINVAL at=11 attribute not valid for this command
port-add-gateway EINVAL at=14 attribute not valid for this command
port-del-table EINVAL at=11 attribute not valid for this command
addr-add-stat-name EINVAL at=7 attribute not valid for this command
rule-add-multipath EINVAL at=31 NLA_F_NESTED not expected
rule-add-gateway EINVAL at=14 attribute not valid for this command
rule-del-metric EINVAL at=15 attribute not valid for this command
table-del-address EINVAL at=3 attribute not valid for this command
fib-bench-table EINVAL at=11 attribute not valid for this command
port-get-ifname EINVAL at=2 attribute not valid for this command
addr-get-table EINVAL at=11 attribute not valid for this command
stats-get-ifname EINVAL at=2 attribute not valid for this command
neigh-get-address EINVAL at=3 attribute not valid for this command
route-list-gateway EINVAL at=14 attribute not valid for this command
rule-list-priority EINVAL at=25 attribute not valid for this command
table-list-table EINVAL at=11 attribute not valid for this command
port-set-rp-filter-3 EINVAL at=53 rp_filter must be 0, 1 or 2
port-set-forwarding-2 EINVAL at=52 forwarding must be 0 or 1
port-set-u8-with-4-bytes EINVAL at=53 invalid attribute length
port-set-nothing EINVAL - no setting to change
port-set-no-port EINVAL miss=2 -
port-set-unknown-port ENODEV - no such port
port-set-ttl EINVAL at=63 attribute not valid for this command
conf-set-ttl-0 EINVAL at=63 ip_default_ttl must be 1 to 255
conf-set-ratelimit-2g EINVAL at=57 icmp_ratelimit must be 0 to 2147483647
conf-set-udp-echo-2 EINVAL at=64 udp_echo must be 0 or 1
conf-set-ifname EINVAL at=2 attribute not valid for this command
conf-set-nothing EINVAL - no setting to change
conf-set-igmp-robustness-8 EINVAL at=100 igmp_robustness must be 1 to 7
conf-set-igmp-query-interval-999 EINVAL at=97 igmp_query_interval must be 1000 to 31744000 (ms)
conf-set-igmp-response-125s EINVAL - igmp_query_response_interval must be below igmp_query_interval
mvif-add-prune-2 EINVAL at=95 mr-prune must be 0 or 1
batch-entry-u8-with-4-bytes EINVAL at=102 invalid or unknown attribute in a batch entry
batch-entry-unknown-attr-199 EINVAL at=102 invalid or unknown attribute in a batch entry
batch-second-entry-bad EINVAL at=102 invalid or unknown attribute in a batch entry
batch-entry-not-a-route EINVAL at=102 a route batch holds only route and route-del nests
batch-del-multipath EINVAL at=102 invalid or unknown attribute in a batch entry
batch-del-selects-nothing ESRCH - no such route
batch-del-then-exists EEXIST - route already exists
batch-empty-entry EINVAL - a batch entry lacks a required attribute
conf-get-as-dump EOPNOTSUPP - -
dump-huge-attr EINVAL at=11 invalid attribute length
dump-256k EMSGSIZE - sendmsg
dump-100k-valid OK - -
EOF
python3 "$nlraw" bad > /tmp/bad.out || fail "nlraw.py bad"
cat /tmp/bad.out
diff -u /tmp/bad.expected /tmp/bad.out || fail "errors differ from the expected ones"

ferctl route list table all | cmp - /tmp/routes.before || fail "a refused request changed the routes"
ferctl rule list | cmp - /tmp/rules.before || fail "a refused request changed the rules"
ferctl table list | cmp - /tmp/tables.before || fail "a refused request changed the tables"
ferctl port list | cmp - /tmp/ports.before || fail "a refused request changed the ports"
ferctl addr list | cmp - /tmp/addrs.before || fail "a refused request changed the addresses"
ferctl conf show | cmp - /tmp/conf.before || fail "a refused request changed the settings"

# Well-formed raw changes: EPERM without CAP_NET_ADMIN (genetlink's
# GENL_ADMIN_PERM), accepted with it.
setpriv --reuid=65534 --regid=65534 --clear-groups python3 "$nlraw" good > /tmp/good.out
cat /tmp/good.out
[ "$(cat /tmp/good.out)" = "$(printf 'route-add EPERM - -\nrule-add EPERM - -')" ] ||
	fail "unprivileged raw changes not EPERM"
ferctl route list table all | cmp - /tmp/routes.before || fail "an unprivileged request changed the routes"
ferctl rule list | cmp - /tmp/rules.before || fail "an unprivileged request changed the rules"
python3 "$nlraw" good > /tmp/good.out
[ "$(cat /tmp/good.out)" = "$(printf 'route-add OK - -\nrule-add OK - -')" ] ||
	fail "privileged raw changes refused: $(cat /tmp/good.out)"
ferctl route list | grep -q '^10.51.0.0/16 dev fer1' || fail "raw route-add not listed"
ferctl rule list | grep -q '^701:	from all lookup 100$' || fail "raw rule-add not listed"
unload

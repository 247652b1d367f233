#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Privilege audit of the generic netlink family (lib/privaudit.py): the
# operations are read from the kernel (CTRL_CMD_GETFAMILY) and each is
# sent, as a request and as a dump where it has one. Every operation that
# changes something (or costs much: fib-bench) is an admin one
# (GENL_UNS_ADMIN_PERM) and the reads are not, exactly; then every admin
# operation is refused with EPERM and every read answered (not EPERM)
# for an unprivileged user (uid 65534) and for the root of a user
# namespace in the init network namespace (no CAP_NET_ADMIN over it); in
# its own network namespace that root passes the check. No dump shows
# anything like a kernel address (0xffff...). 50-unprivileged checks what
# an unprivileged ferctl prints, 16-userns what a user namespace's root
# can configure.
. "$(dirname "$0")/lib.sh"
audit=$root/tools/testing/selftests/lib/privaudit.py
load
ip link add fer1 type ferroute || fail "ip link add fer1"
ferctl addr add 10.1.0.1/24 dev fer1 || fail "addr"
ferctl route add 10.9.0.0/16 via 10.1.0.2 || fail "route"
ferctl rule add pref 100 from 10.9.0.0/16 lookup 100 || fail "rule"

user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
user python3 "$audit" > /tmp/user.out || fail "privaudit as uid 65534"
cat /tmp/user.out
# The reads: what rtnetlink lets anyone read (links, addresses, routes,
# rules, neighbours, netconf, stats).
reads="port-get addr-get stats-get neigh-get route-get route-list rule-list table-list conf-get mvif-list mroute-list mgroup-list"
awk '$4 == "-" { print $2 }' /tmp/user.out | sort -u > /tmp/reads.got
echo $reads | tr ' ' '\n' | sort > /tmp/reads.want
cmp /tmp/reads.got /tmp/reads.want || { diff /tmp/reads.want /tmp/reads.got; fail "the operations without admin are not exactly the reads"; }
[ "$(awk '$4 == "admin"' /tmp/user.out | wc -l)" -ge 16 ] || fail "fewer than 16 admin operations"
# check FILE WHO: admin operations EPERM, reads not.
check() {
	awk -v who="$2" '
		$4 == "admin" && $5 != "EPERM" { print who ": " $2 " " $3 " answered " $5; bad = 1 }
		$4 == "-" && $5 == "EPERM" { print who ": the read " $2 " " $3 " refused"; bad = 1 }
		END { exit bad }' "$1"
}
check /tmp/user.out "uid 65534" || fail "uid 65534"
# Root of a new user namespace, still in the init network namespace.
user unshare -Ur python3 "$audit" > /tmp/userns.out || fail "privaudit in a user namespace"
check /tmp/userns.out "user namespace root" || fail "user namespace root in the init netns"
# In its own network namespace (a router of its own), admin passes.
user unshare -Urn python3 "$audit" > /tmp/own.out || fail "privaudit in its own netns"
awk '$4 == "admin" && $5 == "EPERM" { print; bad = 1 } END { exit bad }' /tmp/own.out ||
	fail "the root of a user namespace is refused in its own network namespace"
# The configuration is unchanged by all of that.
ferctl route list | grep -q '^10.9.0.0/16 via 10.1.0.2' || fail "the route is gone"
ferctl rule list | grep -q 'from 10.9.0.0/16' || fail "the rule is gone"
# Nothing shows a kernel address, in any dump, as root or not.
for c in "port list" "addr list" "route list table all" "rule list" "table list" \
	"neigh list" "stats" "conf show"; do
	ferctl -j $c
	user "$FERCTL" -j $c
done > /tmp/dumps 2>&1
grep -Eio '(0x)?ffff[0-9a-f]{12}' /tmp/dumps && fail "a dump shows a kernel address"
wc -l < /tmp/dumps
n=$(wc -l < /tmp/user.out)
dmesg_clean || fail "kernel log"
unload
echo "privileges: $n requests as uid 65534, $(wc -l < /tmp/userns.out) as a user namespace's root, $(wc -l < /tmp/own.out) in its own namespace"

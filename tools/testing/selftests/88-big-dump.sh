#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A big table dumps completely: thousands of routes come back in many
# netlink messages, each route exactly once (no duplicate, no gap at a
# message boundary), also after deleting some of them; a dump that a change
# interrupts is flagged NLM_F_DUMP_INTR; the trie's value slices come
# from ferroute's own slab cache of their size. 10,000 routes by
# default (BIG_DUMP_ROUTES to change it); a route add costs about 1.7 ms
# under QEMU TCG.
. "$(dirname "$0")/lib.sh"
nlraw=$(dirname "$0")/lib/nlraw.py
load
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24

n=${BIG_DUMP_ROUTES:-10000}
# 10.X.Y.0/24 from 10.100.0.0 on, in table 100.
python3 - "$n" > /tmp/big.batch <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print(f'route add 10.{100 + i // 256}.{i % 256}.0/24 dev fer1 table 100')
PY
awk '{ print $3 }' /tmp/big.batch | sort > /tmp/big.want
# The trie's slices come from ferroute's own slab caches where kmalloc
# would round them up by more than a quarter (rust/abstractions/slab.rs):
# a node of the /24s holds 8 of them, a 592-byte value slice, which
# ferroute-640 serves (kmalloc: 1,024). Its objects (sysfs counts the
# cache it may be merged into) grow by one per 8 routes.
slab_objects() { awk '{ print $1 }' /sys/kernel/slab/ferroute-640/objects; }
[ -e /sys/kernel/slab/ferroute-640 ] || fail "no ferroute-640 slab cache"
objects0=$(slab_objects)
start=$(date +%s)
ferctl -batch /tmp/big.batch || fail "loading $n routes"
echo "loaded $n routes in $(($(date +%s) - start)) s"
sleep 1
objects1=$(slab_objects)
echo "ferroute-640 objects: $objects0 -> $objects1"
[ $((objects1 - objects0)) -ge $((n / 10)) ] || fail "ferroute-640 did not serve the value slices"

# dump COUNT MINPARTS BUFSIZE: the raw dump of table 100, received with
# BUFSIZE-byte buffers, has COUNT entries in more than MINPARTS messages,
# all of table 100, and exactly the prefixes of /tmp/big.want.
dump() {
	python3 "$nlraw" routes 100 "$3" > /tmp/big.dump || fail "raw dump"
	echo "receive buffer $3: $(tail -1 /tmp/big.dump)"
	parts=$(awk '$2 == "parts" { print $3 }' /tmp/big.dump)
	entries=$(awk '$2 == "parts" { print $5 }' /tmp/big.dump)
	[ "$entries" -eq "$1" ] || fail "the dump has $entries entries, not $1"
	[ "$parts" -gt "$2" ] || fail "the dump came in $parts messages only"
	grep -v '^#' /tmp/big.dump | awk '$2 != 100 { exit 1 }' || fail "a route of another table in the dump"
	grep -v '^#' /tmp/big.dump | awk '{ print $1 }' | sort > /tmp/big.got
	[ -z "$(uniq -d /tmp/big.got)" ] || fail "routes dumped twice: $(uniq -d /tmp/big.got | head -3)"
	cmp -s /tmp/big.want /tmp/big.got || {
		diff /tmp/big.want /tmp/big.got | head -5
		fail "the dumped prefixes differ from the loaded ones"
	}
}

# check COUNT: ferctl lists COUNT routes of table 100; the raw dump has
# them all, in more than 10 page-sized messages and in 32 KiB ones.
check() {
	[ "$(ferctl route list table 100 | wc -l)" -eq "$1" ] ||
		fail "ferctl lists $(ferctl route list table 100 | wc -l) routes, not $1"
	dump "$1" 10 4096
	dump "$1" 1 65536
}
check "$n"

# Delete every third route, then dump again.
awk 'NR % 3 == 0 { $2 = "del"; print }' /tmp/big.batch > /tmp/big.del
start=$(date +%s)
ferctl -batch /tmp/big.del || fail "deleting routes"
echo "deleted $(wc -l < /tmp/big.del) routes in $(($(date +%s) - start)) s"
awk 'NR % 3 != 0 { print $3 }' /tmp/big.batch | sort > /tmp/big.want
check $((n - n / 3))
ferctl table list | grep -q "^100 $((n - n / 3))\$" || fail "table list size"

# A dump that runs across a change says so (NLM_F_DUMP_INTR on what
# follows the change, as fib dumps do with cb->seq); one that does not,
# does not.
python3 "$(dirname "$0")/lib/dumpintr.py" 100 > /tmp/intr || fail "dump"
cat /tmp/intr
grep -q 'intr-before 0 intr-after 0$' /tmp/intr || fail "a quiet dump was flagged"
python3 "$(dirname "$0")/lib/dumpintr.py" 100 "$FERCTL" route add 10.99.0.0/24 dev fer1 table 100 \
	> /tmp/intr || fail "dump with a change"
cat /tmp/intr
grep -q 'intr-before 0 intr-after [1-9]' /tmp/intr || fail "the interrupted dump was not flagged"
unload

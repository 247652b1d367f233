#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl -batch on a terminal (script(1) gives it a pseudo-terminal) shows
# its progress and ends with a summary counting the routes it added; not on
# a terminal it prints nothing of the kind.
. "$(dirname "$0")/lib.sh"
load
ferctl addr add 10.1.0.1/24 dev fer0 || fail "addr add"
ip link set fer0 up
python3 -c '
for i in range(1000):
    print(f"route add 10.{100 + i // 256}.{i % 256}.0/24 via 10.1.0.2 dev fer0")
print("route add 10.1.0.0/33")
' > /tmp/routes.batch
script -qec "$FERCTL -force -batch /tmp/routes.batch" /dev/null > /tmp/tty.out
tr '\r' '\n' < /tmp/tty.out | grep -v '^$' | tail -4
grep -q "$(printf '\033')\[K[0-9]* lines" /tmp/tty.out || fail "no progress line"
grep -q 'ferctl: batch: 1001 lines, 1000 routes added, 1 failed, in ' /tmp/tty.out ||
	fail "no summary with 1000 routes added and 1 failure"
[ "$(ferctl route list | grep -c 'via 10.1.0.2')" -eq 1000 ] || fail "routes not in the table"
ferctl -force -batch /tmp/routes.batch > /tmp/out 2> /tmp/err
grep -q 'ferctl: batch\|lines/s' /tmp/err && fail "progress or summary without a terminal"
unload

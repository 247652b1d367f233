#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl -batch on a terminal (script(1) gives it a pseudo-terminal) shows
# its progress and ends with a summary counting the routes it added; not on
# a terminal it prints nothing of the kind. Then route adds and deletes
# mixed, a few failing, with Linux as the oracle: ferctl sends them in
# batches (route-add-batch, 32 a request here, so most batches succeed
# whole) and a failed batch again line by line; it must end with the same
# routes and the same failing lines as ip -force -batch of the same file.
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

ip netns add lx
ip -n lx link add d0 type dummy
ip -n lx link set d0 up
ip -n lx addr add 10.1.0.1/24 dev d0
python3 -c '
import random
r = random.Random(7)
live = []
for i in range(800):
    if i % 150 == 75:
        # A deletion that selects nothing, or an add of a route there.
        print(f"route del 10.250.{i % 256}.0/24" if i % 300 == 75 else f"route add {live[0]} via 10.1.0.2")
    elif live and r.random() < 0.4:
        print(f"route del {live.pop(r.randrange(len(live)))}")
    else:
        live.append(f"10.{200 + i // 256}.{i % 256}.0/24")
        print(f"route add {live[-1]} via 10.1.0.2")
' > /tmp/mixed.batch
FERCTL_BATCH_ROUTES=32 ferctl -force -batch /tmp/mixed.batch 2> /tmp/mixed.fer.err
ip -n lx -force -batch /tmp/mixed.batch 2> /tmp/mixed.ip.err
sed -n 's/^ferctl: line \([0-9]*\):.*/\1/p' /tmp/mixed.fer.err > /tmp/mixed.fer.lines
sed -n 's/^Command failed .*:\([0-9]*\)$/\1/p' /tmp/mixed.ip.err > /tmp/mixed.ip.lines
echo "failing lines: ferroute $(tr '\n' ' ' < /tmp/mixed.fer.lines), Linux $(tr '\n' ' ' < /tmp/mixed.ip.lines)"
[ "$(wc -l < /tmp/mixed.ip.lines)" -eq 5 ] || fail "Linux failed other than 5 lines"
cmp /tmp/mixed.fer.lines /tmp/mixed.ip.lines || fail "different lines failed"
ferctl route list | awk '$1 ~ /^10\.2[0-9][0-9]\./ && /via 10.1.0.2/ { print $1 }' | sort > /tmp/mixed.fer.routes
ip -n lx route show | awk '$1 ~ /^10\.2[0-9][0-9]\./ && /via 10.1.0.2/ { print $1 }' | sort > /tmp/mixed.ip.routes
echo "routes left: ferroute $(wc -l < /tmp/mixed.fer.routes), Linux $(wc -l < /tmp/mixed.ip.routes)"
[ -s /tmp/mixed.ip.routes ] || fail "no route left in Linux"
cmp /tmp/mixed.fer.routes /tmp/mixed.ip.routes || fail "the tables differ"
ip netns del lx
unload

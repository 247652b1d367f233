#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: load ferroute once to collect its KUnit results (KTAP in the
# kernel log, saved to $VM_OUT/ktap.log), then run every selftest, each in a
# fresh state, printing "ok - NAME" or "not ok - NAME" (TAP-style lines the
# host counts).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# Optional first argument: the kernel source tree (for ynl's cli.py).
export KSRC=${1:-}

dmesg -C
insmod "$MODULE" || echo "not ok - insmod ferroute.ko"
dmesg > "$VM_OUT/ktap.log"
rmmod ferroute 2>/dev/null

status=0
for t in "$here"/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	cleanup_netns
	if timeout 300 sh "$t" > "$VM_OUT/$name.log" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		sed 's/^/    /' "$VM_OUT/$name.log" | tail -30
		status=1
	fi
	rmmod ferroute 2>/dev/null
done
# kmemleak reports objects unreferenced for 5 s and seen by two scans.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$VM_OUT/kmemleak.log"
	if grep -q ferroute "$VM_OUT/kmemleak.log"; then
		echo "not ok - kmemleak finds no ferroute leak"
		head -40 "$VM_OUT/kmemleak.log" | sed 's/^/    /'
		status=1
	else
		echo "ok - kmemleak finds no ferroute leak"
	fi
fi
dmesg > "$VM_OUT/dmesg.log"
if dmesg_clean > "$VM_OUT/dmesg-bad.log"; then
	echo "ok - kernel log has no warnings, oopses or leaks"
else
	echo "not ok - kernel log has no warnings, oopses or leaks"
	sed 's/^/    /' "$VM_OUT/dmesg-bad.log" | head -30
	status=1
fi
exit $status

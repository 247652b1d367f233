#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: load ferroute.ko alone and check that it runs no KUnit
# suite (no KTAP, no TAINT_TEST: nothing has run a test in this boot yet);
# then load the test module ferroute_kunit.ko once to collect its KUnit
# results (KTAP in the kernel log, saved to $VM_OUT/ktap.log); then run every
# selftest (they load ferroute.ko only), each in a fresh state, printing
# "ok - NAME" or "not ok - NAME" (TAP-style lines the host counts).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# Arguments, all optional: the kernel source tree (for ynl's cli.py), then
# settings for make check's two guests, which share the selftests:
# CLAIMS=DIR (a directory both guests mount: a guest runs a test only if
# it is the first to create DIR/NAME; the longest run first) and KUNIT=0
# (the KUnit suites and the misuse checks run in the other guest).
export KSRC=${1:-}
[ $# -gt 0 ] && shift
CLAIMS=
KUNIT=1
for setting in "$@"; do
	case "$setting" in
	CLAIMS=*) CLAIMS=${setting#CLAIMS=} ;;
	KUNIT=*) KUNIT=${setting#KUNIT=} ;;
	esac
done
KUNIT_MODULE=${KUNIT_MODULE:-$root/ferroute_kunit.ko}
TAINT_TEST=262144 # 1 << 18 in /proc/sys/kernel/tainted (include/linux/panic.h)

status=0
wedged=0
dmesg -C
: > "$VM_OUT/durations.log"
tainted=$(cat /proc/sys/kernel/tainted)
if [ "$KUNIT" = 0 ]; then
	:
elif insmod "$MODULE"; then
	name="ferroute.ko alone does not taint the kernel with TAINT_TEST"
	if [ $((tainted & TAINT_TEST)) -ne 0 ]; then
		echo "not ok - $name"
		echo "    tainted was $tainted before insmod: a test already ran in this boot"
		status=1
	elif [ $(($(cat /proc/sys/kernel/tainted) & TAINT_TEST)) -ne 0 ]; then
		echo "not ok - $name"
		echo "    tainted: $tainted before insmod, $(cat /proc/sys/kernel/tainted) after"
		status=1
	else
		echo "ok - $name"
	fi
	if dmesg | grep -E 'KTAP version|# Subtest:' > "$VM_OUT/ferroute-ktap.log"; then
		echo "not ok - ferroute.ko alone prints no KTAP (runs no KUnit suite)"
		sed 's/^/    /' "$VM_OUT/ferroute-ktap.log" | head -10
		status=1
	else
		echo "ok - ferroute.ko alone prints no KTAP (runs no KUnit suite)"
	fi
	rmmod ferroute 2>/dev/null
else
	echo "not ok - insmod ferroute.ko"
	status=1
fi

# Every suite but the deliberate misuse, which runs last (below); no
# newline: the parameter keeps it as part of the glob.
KUNIT_GLOB=/sys/module/kunit/parameters/filter_glob
if [ "$KUNIT" != 0 ]; then
	printf 'ferroute_*' > $KUNIT_GLOB
	if ! insmod "$KUNIT_MODULE"; then
		echo "not ok - insmod ferroute_kunit.ko"
		status=1
	fi
	dmesg > "$VM_OUT/ktap.log"
	rmmod ferroute_kunit 2>/dev/null
fi

# A test's time limit: 300 s, unless it asks for more ("# timeout:
# SECONDS"), times $TIMEOUT_SCALE (make check-kasan: the KASAN kernel is
# slower).
limit_of() {
	limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$1" | head -1)
	echo $((${limit:-300} * ${TIMEOUT_SCALE:-1}))
}
# Shared by two guests, the tests with the longest limits go first, so
# that the short ones even out the guests' ends.
if [ -n "$CLAIMS" ]; then
	tests=$(for t in "$here"/[0-9]*.sh; do echo "$(limit_of "$t") $t"; done |
		sort -k1,1nr -k2,2 | cut -d' ' -f2)
else
	tests=$(ls "$here"/[0-9]*.sh)
fi

# run_test T: run selftest T (in a fresh state, within its time limit),
# printing ok/not ok; 1 if the module is left stuck unloading.
run_test() {
	t=$1
	name=$(basename "$t" .sh)
	cleanup_netns
	limit=$(limit_of "$t")
	started=$(date +%s)
	if timeout "$limit" sh "$t" > "$VM_OUT/$name.log" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		# The reason first: the tail of a set -x log may be the trace of
		# background jobs.
		grep '^FAIL:' "$VM_OUT/$name.log" | sed 's/^/    /'
		sed 's/^/    /' "$VM_OUT/$name.log" | tail -30
		status=1
	fi
	# Seconds per test, to keep make check's total in view.
	echo "$(($(date +%s) - started)) $name" >> "$VM_OUT/durations.log"
	# An unload that waits for ever (a device reference left behind) leaves
	# the module stuck going away: nothing after it can load the module,
	# so the run stops here instead of timing out test after test.
	finishes 120 rmmod ferroute > "$VM_OUT/rmmod.log" 2>&1
	if [ "$(cat /sys/module/ferroute/initstate 2>/dev/null)" = going ]; then
		echo "not ok - ferroute unloads after $name"
		echo "    the module is stuck unloading; the remaining selftests were not run"
		leak_report | sed 's/^/    /'
		status=1
		wedged=1
		return 1
	fi
	return 0
}

# Tests marked "# alone" measure time (timers, rates, a state machine
# sampled as it runs): with two guests, the KUnit guest runs them once the
# other has finished everything else (it creates CLAIMS/.done), so that
# they do not share the host's CPUs.
alone=
for t in $tests; do
	name=$(basename "$t" .sh)
	# Long soaks ("# slow") run in `make stress`, not here.
	grep -qx '# slow' "$t" && continue
	# $SELFTESTS (make check-kasan's KASAN_TESTS): only those.
	if [ -n "${SELFTESTS:-}" ]; then
		case " $SELFTESTS " in *" $name "*) ;; *) continue ;; esac
	fi
	# What cannot run on the KASAN kernel says why ("# kasan: skip
	# REASON"); the skip is printed, not counted as passed.
	if [ "${KASAN:-0}" = 1 ] && grep -q '^# kasan: skip' "$t"; then
		echo "skip - $name: $(sed -n 's/^# kasan: skip //p' "$t" | head -1)"
		continue
	fi
	if [ -n "$CLAIMS" ] && grep -qx '# alone' "$t"; then
		alone="$alone $t"
		continue
	fi
	# The other guest took it first (mkdir is atomic on the host's
	# file system, through 9p).
	if [ -n "$CLAIMS" ] && ! mkdir "$CLAIMS/$name" 2>/dev/null; then
		continue
	fi
	run_test "$t" || break
done
if [ -n "$CLAIMS" ] && [ "$KUNIT" = 0 ]; then
	touch "$CLAIMS/.done"
elif [ -n "$CLAIMS" ] && [ -n "$alone" ] && [ "$wedged" = 0 ]; then
	# Bounded: a guest that died never creates it.
	waited=0
	while [ ! -e "$CLAIMS/.done" ] && [ $waited -lt 1800 ]; do
		sleep 5
		waited=$((waited + 5))
	done
	for t in $alone; do
		mkdir "$CLAIMS/$(basename "$t" .sh)" 2>/dev/null || continue
		run_test "$t" || break
	done
fi
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
# The misuse checks below need a module that can still load and unload.
[ "$wedged" = 0 ] || exit 1
[ "$KUNIT" != 0 ] || exit $status
# Last, once the log has been checked: the misuse suite calls a sleeping
# function (RcuBox::replace, on a path that does not sleep) inside an RCU
# read-side section; the debug kernel must report it, from the test
# module's code. The report taints the kernel, so nothing runs after it.
name="a sleeping call inside an RCU read-side section is reported"
dmesg -C
ip link add misuse0 type dummy
printf 'misuse_ferroute' > $KUNIT_GLOB
insmod "$KUNIT_MODULE"
if dmesg | grep -q 'ok 1 replace_inside_a_read_section_is_reported' &&
	dmesg | grep -A40 'BUG: sleeping function called from invalid context' |
	grep -q 'RcuBox.*replace.*\[ferroute_kunit\]'; then
	echo "ok - $name"
else
	echo "not ok - $name"
	dmesg | grep -A12 -E 'misuse_ferroute|BUG: sleeping' | head -30 | sed 's/^/    /'
	status=1
fi
# Its second case dropped an rx_handler claim on misuse0 under RTNL: it
# returned (no deadlock), reported, kept the handler and pinned the module.
name="an rx_handler claim dropped under RTNL is reported and pins the module"
if dmesg | grep -q 'ok 2 a_claim_dropped_under_rtnl_is_kept_and_pins_the_module' &&
	dmesg | grep -q 'rx_handler claim dropped without unregister; module pinned' &&
	[ "$(cat /sys/module/ferroute_kunit/refcnt)" -eq 1 ] && ! rmmod ferroute_kunit 2>/dev/null; then
	echo "ok - $name"
else
	echo "not ok - $name"
	dmesg | grep -E 'a_claim_dropped|rx_handler claim' | sed 's/^/    /'
	echo "    refcnt $(cat /sys/module/ferroute_kunit/refcnt 2>&1)"
	status=1
fi
ip link del misuse0
exit $status

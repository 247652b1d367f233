#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the VM of `make check-kasan`: selftests/run.sh with the modules
# built for the KASAN kernel.
#
#   kasan-run.sh MODDIR KSRC [SELFTESTS]
#
# MODDIR holds ferroute.ko and ferroute_kunit.ko; KSRC is the kernel source
# (for ynl); SELFTESTS, if not empty, the names of the selftests to run.
here=$(cd "$(dirname "$0")" && pwd)
export MODULE=$1/ferroute.ko
export KUNIT_MODULE=$1/ferroute_kunit.ko
export SELFTESTS=${3:-}
# Under TCG the KASAN kernel runs the selftests 2-3 times slower than the
# test kernel (37-corpus needed more than its 300 s): three times their
# limits.
export TIMEOUT_SCALE=3
# For the checks that KASAN's quarantine of freed objects changes.
export KASAN=1
dmesg | grep -q 'KernelAddressSanitizer initialized' ||
	{ echo "not ok - the kernel runs KASAN"; exit 1; }
echo "ok - the kernel runs KASAN"
exec sh "$here/selftests/run.sh" "$2"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh DIR KEYS MODULE [FWD_REPS [FWD_SECS [FWD_PROFILE [FWD_CASES [PROFILE_CASE]]]]]: what `make bench` runs in
# its one VM boot (the bench kernel, tools/testing/setup.sh --bench):
# fib-bench.sh DIR KEYS (lookup, load, memory), then fwd-bench.sh DIR
# (forwarding), with MODULE as ferroute.ko (built for the bench kernel),
# then one line for scripts:
#   summary: lookup ratio X, memory ratio Y, load ratio Z, forwarding ratio W
# each ferroute/Linux: lookups/s, bytes per route, routes/s loaded, and
# packets/s forwarded in the one-route 64-byte case. FWD_REPS 0 skips the
# forwarding bench; FWD_PROFILE 1 adds a perf profile of each router
# (fwd-bench.sh, BENCH_FWD_PROFILE); FWD_CASES and PROFILE_CASE choose
# the forwarding cases and the profiled one (BENCH_FWD_CASES,
# BENCH_FWD_PROFILE_CASE).
set -u
dir=${1:?usage: bench.sh DIR KEYS MODULE [FWD_REPS [FWD_SECS [FWD_PROFILE [FWD_CASES [PROFILE_CASE]]]]]}
keys=${2:?usage: bench.sh DIR KEYS MODULE [FWD_REPS [FWD_SECS [FWD_PROFILE [FWD_CASES [PROFILE_CASE]]]]]}
MODULE=${3:?usage: bench.sh DIR KEYS MODULE [FWD_REPS [FWD_SECS [FWD_PROFILE [FWD_CASES [PROFILE_CASE]]]]]}
BENCH_FWD_REPS=${4:-5}
BENCH_FWD_SECS=${5:-5}
BENCH_FWD_PROFILE=${6:-0}
BENCH_FWD_CASES=${7:-one big mpath lists table}
BENCH_FWD_PROFILE_CASE=${8:-one}
export MODULE BENCH_FWD_REPS BENCH_FWD_SECS BENCH_FWD_PROFILE BENCH_FWD_CASES BENCH_FWD_PROFILE_CASE
here=$(dirname "$0")
rm -f "$VM_OUT/fib-bench.ratios" "$VM_OUT/fwd-bench.ratio"

echo "kernel: $(uname -r), $(nproc) CPUs; module $MODULE"
"$here/fib-bench.sh" "$dir" "$keys" || exit 1
if [ "$BENCH_FWD_REPS" -gt 0 ]; then
	echo
	"$here/fwd-bench.sh" "$dir" || exit 1
fi

get() { awk -v k="$1" '$1 == k { print $2 }' "$2" 2>/dev/null; }
r=$VM_OUT/fib-bench.ratios
w=$(get fwd_ratio "$VM_OUT/fwd-bench.ratio")
echo
echo "summary: lookup ratio $(get lookup_ratio "$r"), memory ratio $(get memory_ratio "$r"), load ratio $(get load_ratio "$r"), forwarding ratio ${w:--}"

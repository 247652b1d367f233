#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# count.sh DIR MODULE REPS SECS CASES MARKS INSNMARK [PROFILE_CASE]: what
# `make bench` runs in its second VM boot, the one with the insncount QEMU
# plugin (tools/testing/bench/insncount) writing MARKS: fwd-bench.sh DIR in
# its instruction-count mode (BENCH_FWD_COUNT), REPS windows of SECS
# seconds per case in CASES and router, MODULE as ferroute.ko. INSNMARK,
# the mark program, runs once first: the plugin must answer it. The
# per-function profile of PROFILE_CASE (default one) is printed, every
# case's is left in $VM_OUT/fwd-count-profile.CASE.txt.
# Then one line for scripts:
#   count summary: forwarding instructions ratio V
# V the one-route 64 B case's CPU 1 instructions per forwarded packet,
# ferroute/Linux (lower is better).
set -u
usage="usage: count.sh DIR MODULE REPS SECS CASES MARKS INSNMARK [PROFILE_CASE]"
dir=${1?$usage}
MODULE=${2:?$usage}
BENCH_FWD_REPS=${3:?$usage}
BENCH_FWD_SECS=${4:?$usage}
BENCH_FWD_CASES=${5:?$usage}
BENCH_FWD_COUNT=${6:?$usage}
insnmark=${7:?$usage}
BENCH_FWD_PROFILE_CASE=${8:-one}
export MODULE BENCH_FWD_REPS BENCH_FWD_SECS BENCH_FWD_CASES BENCH_FWD_COUNT BENCH_FWD_PROFILE_CASE
here=$(dirname "$0")
rm -f "$VM_OUT/fwd-count.ratio"
# The plugin is there: one mark must reach MARKS.
"$insnmark"
grep -q '^mark 1 ' "$BENCH_FWD_COUNT" || { echo "count.sh: no mark in $BENCH_FWD_COUNT (QEMU without the insncount plugin?)" >&2; exit 1; }
echo "kernel: $(uname -r), $(nproc) CPUs; module $MODULE; instruction count"
"$here/fwd-bench.sh" "$dir" || exit 1
v=$(awk '$1 == "fwd_insns_ratio" { print $2 }' "$VM_OUT/fwd-count.ratio" 2>/dev/null)
echo
echo "count summary: forwarding instructions ratio ${v:--}"

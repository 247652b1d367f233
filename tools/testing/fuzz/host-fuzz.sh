#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# host-fuzz.sh [SECONDS]: a long host fuzzing campaign (make stress): the
# targets of tools/testing/host/tests/fuzz.rs (frames mutated from the seed
# corpus through the receive model; the FIB against a reference model),
# each for SECONDS (default 300), built with optimizations. make check runs
# the same targets for 1 s each as part of `cargo test`.
# FERROUTE_FUZZ_SEED replays a run; a failure prints its seed and input.
# Prints each target's figures, then "host-fuzz: N frames fuzzed, M FIB
# operations fuzzed".
set -eu
cd "$(dirname "$0")/../../.."
secs=${1:-300}
FERROUTE_FUZZ_SECS=$secs cargo test --release -q -p ferroute-host --test fuzz -- \
	--nocapture --test-threads 2 2>&1 | tee out/host-fuzz.log | grep -E '(frames|fib): [0-9]|panicked|test result'
frames=$(sed -n 's/.*frames: \([0-9]*\) frames fuzzed.*/\1/p' out/host-fuzz.log)
ops=$(sed -n 's/.*fib: [0-9]* sequences, \([0-9]*\) operations fuzzed.*/\1/p' out/host-fuzz.log)
grep -q '^test result: ok' out/host-fuzz.log
echo "host-fuzz: ${frames:-0} frames fuzzed, ${ops:-0} FIB operations fuzzed in ${secs} s each"

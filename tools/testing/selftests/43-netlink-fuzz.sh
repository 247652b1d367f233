#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# Netlink fuzzing, short run (lib/nlfuzz.sh): 2,000 random and mutated
# requests for every command: 1,000 as root, 500 as an unprivileged user,
# 500 as root of a user namespace, each followed by a quarter as many
# rtentry ioctls; each answered with an errno or success,
# refused ones change nothing, no oops. About 90 s in the test VM.
MESSAGES=${MESSAGES:-1000}
. "$(dirname "$0")/lib/nlfuzz.sh"

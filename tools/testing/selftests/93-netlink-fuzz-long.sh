#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# slow
# timeout: 3600
# Netlink fuzzing, long run (make stress; lib/nlfuzz.sh): 20,000 requests
# as root, 10,000 unprivileged, 10,000 as root of a user namespace, each
# followed by a quarter as many rtentry ioctls (some
# 30 min under TCG).
MESSAGES=${MESSAGES:-20000}
. "$(dirname "$0")/lib/nlfuzz.sh"

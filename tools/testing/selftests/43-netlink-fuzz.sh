#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing, short run (lib/nlfuzz.sh): random and mutated requests
# for every command, as root, as an unprivileged user and as root of a
# user namespace; each answered with an errno or success, refused ones
# change nothing, no oops.
MESSAGES=${MESSAGES:-1500}
. "$(dirname "$0")/lib/nlfuzz.sh"

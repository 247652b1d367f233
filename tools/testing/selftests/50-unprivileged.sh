#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Changes need CAP_NET_ADMIN: an unprivileged ferctl addr add fails with
# EPERM and changes nothing; reading is allowed.
. "$(dirname "$0")/lib.sh"
load
ip link add fer1 type ferroute
setpriv --reuid=65534 --regid=65534 --clear-groups "$FERCTL" addr add 10.9.0.1/24 dev fer1 2> /tmp/err
rc=$?
cat /tmp/err
[ $rc -eq 1 ] || fail "exit status $rc, expected 1"
grep -q 'Operation not permitted' /tmp/err || fail "no EPERM message"
ferctl addr list | grep -q 10.9.0.1 && fail "the address was added"
setpriv --reuid=65534 --regid=65534 --clear-groups "$FERCTL" addr list > /dev/null || fail "unprivileged list failed"
unload

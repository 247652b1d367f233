#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl -V prints ferctl's version and the module's: "not loaded" without
# the module; with it, the modinfo version of ferroute.ko (the kernel's
# /sys/module/ferroute/version) and the family version, also from inside
# another network namespace.
. "$(dirname "$0")/lib.sh"
unload
ver=$(modinfo -F version "$MODULE")
[ -n "$ver" ] || fail "ferroute.ko has no modinfo version"
ferctl -V | tee /tmp/v.out || fail "ferctl -V failed without the module"
sed -n 2p /tmp/v.out | grep -qx 'ferroute module not loaded' || fail "expected 'not loaded'"
load
[ "$(cat /sys/module/ferroute/version)" = "$ver" ] || fail "/sys/module/ferroute/version is not $ver"
ferctl --version | tee /tmp/v.out || fail "ferctl --version failed"
expect="ferroute module $ver (generic netlink family 'ferroute' version 1)"
[ "$(sed -n 2p /tmp/v.out)" = "$expect" ] || fail "expected: $expect"
ip netns add v1
"$FERCTL" -n v1 -V | tee /tmp/v.out
[ "$(sed -n 2p /tmp/v.out)" = "$expect" ] || fail "in a namespace, expected: $expect"
ferctl -j -V | grep -q "\"loaded\":true" || fail "-j -V does not say loaded"
ip netns del v1
unload

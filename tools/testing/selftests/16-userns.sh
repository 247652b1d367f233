#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A root in a user namespace with its own network namespace creates and
# configures the router of that namespace (netlink and /dev/ferroute), and
# can neither see nor change the init namespace's router: in the init
# network namespace its requests are refused with EPERM, as rtnetlink
# refuses them.
. "$(dirname "$0")/lib.sh"
load
set -x
ferctl addr add 10.99.0.1/24 dev fer0 || fail "addr add in init"
ferctl route add 10.98.0.0/16 via 10.99.0.2 || fail "route add in init"

# An unprivileged user (uid 65534) makes a user and a network namespace.
cat > /tmp/userns.sh <<EOS
set -e
ip link add fu type ferroute
"$FERCTL" addr add 10.50.0.1/24 dev fu
"$FERCTL" route add 10.51.0.0/16 via 10.50.0.2 dev fu
python3 $root/tools/testing/selftests/lib/addrt.py 10.52.0.0 255.255.0.0 10.50.0.3
"$FERCTL" port list > /tmp/userns-ports
"$FERCTL" addr list > /tmp/userns-addrs
"$FERCTL" route list > /tmp/userns-routes
EOS
chmod 0755 /tmp/userns.sh
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn sh /tmp/userns.sh ||
	fail "configuring its own router as root of a user namespace failed"
cat /tmp/userns-ports /tmp/userns-addrs /tmp/userns-routes
grep -q '^1: fu ferroute' /tmp/userns-ports || fail "fu is not its port"
[ "$(wc -l < /tmp/userns-ports)" -eq 1 ] || fail "it sees other ports"
grep -q fer0 /tmp/userns-ports && fail "it sees fer0"
grep -q 10.99.0.1 /tmp/userns-addrs && fail "it sees the init router's address"
grep -q 10.98.0.0 /tmp/userns-routes && fail "it sees the init router's route"
grep -q '10.51.0.0/16 via 10.50.0.2 dev fu' /tmp/userns-routes || fail "its netlink route is missing"
grep -q '10.52.0.0/16 via 10.50.0.3 dev fu' /tmp/userns-routes || fail "its ioctl route is missing"
# Nothing of it reached the init router.
ferctl route list | grep -q '10.5[12].0.0' && fail "its routes reached the init router"

# Root of a user namespace that stays in the init network namespace:
# netlink changes and the route ioctl get EPERM, reading is allowed.
userns() { setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Ur "$@"; }
userns "$FERCTL" route add 10.97.0.0/16 via 10.99.0.2 2> /tmp/err && fail "route add allowed"
grep -q 'Operation not permitted' /tmp/err || fail "no EPERM for route add"
userns "$FERCTL" addr del 10.99.0.1/24 dev fer0 2> /tmp/err && fail "addr del allowed"
grep -q 'Operation not permitted' /tmp/err || fail "no EPERM for addr del"
userns python3 "$root/tools/testing/selftests/lib/addrt.py" 10.96.0.0 255.255.0.0 10.99.0.3 \
	> /tmp/err && fail "SIOCADDRT allowed"
grep -q 'EPERM\|Operation not permitted' /tmp/err || fail "no EPERM for SIOCADDRT"
userns "$FERCTL" route list > /dev/null || fail "reading refused"
ferctl route list | grep -q '10.9[67].0.0' && fail "a refused route was added"
ferctl addr list | grep -q 10.99.0.1 || fail "the address was deleted"
unload
dmesg_clean || fail "kernel log has warnings"

# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing (sourced by 43-netlink-fuzz.sh and 93-netlink-fuzz-long.sh
# with MESSAGES set): lib/nlfuzz.py sends random and mutated requests for
# every command of the family
#   - as root in the initial namespaces (MESSAGES),
#   - as an unprivileged user (uid 65534) there (MESSAGES / 2): changes
#     are refused, nothing changes,
#   - as root of a user namespace with its own network namespace and
#     router (MESSAGES / 2), which the initial router must not feel;
# each followed by a quarter as many SIOCADDRT/SIOCDELRT ioctls of random
# struct rtentry on /dev/ferroute; every request is answered with an errno
# or success, a refused one changes no configuration (nlfuzz.py compares
# the dumps around each), the kernel log stays clean. Prints "nlfuzz: N
# messages fuzzed, M ioctls fuzzed" at the end.
. "$(dirname "$0")/lib.sh"
MESSAGES=${MESSAGES:-1500}
nlfuzz=$root/tools/testing/selftests/lib/nlfuzz.py
seed=${NLFUZZ_SEED:-$(date +%s)}
echo "seed $seed (NLFUZZ_SEED=$seed replays it)"
load
dmesg -C
fer_ns ns1 fer1 10.1.0.1/24 10.1.0.2/24
ferctl route add 10.7.0.0/16 via 10.1.0.2 table 100 || fail "table 100 route"
ferctl rule add pref 100 to 10.7.0.0/16 lookup 100 || fail "rule add"
ferctl route add 10.40.0.0/16 nexthop via 10.1.0.2 nexthop via 10.1.0.3 weight 2 || fail "multipath add"
ip link add vbad0 type veth peer name vbad1 || fail "veth"
trap 'ip link del vbad0 2>/dev/null' EXIT
state() {
	for o in "route list table all" "rule list" "table list" "port list" "addr list" "conf show"; do
		echo "== $o"; ferctl $o
	done
}
total=0
ioctls=0

python3 "$nlfuzz" "$MESSAGES" "$seed" fer1 > /tmp/nlfuzz-root.out 2>&1
st=$?
tail -5 /tmp/nlfuzz-root.out
[ $st -eq 0 ] || fail "root: $(tail -1 /tmp/nlfuzz-root.out)"
total=$((total + MESSAGES))
ioctls=$((ioctls + MESSAGES / 4))

state > /tmp/state.before
setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 "$nlfuzz" $((MESSAGES / 2)) $((seed + 1)) fer1 > /tmp/nlfuzz-user.out 2>&1
st=$?
tail -5 /tmp/nlfuzz-user.out
[ $st -eq 0 ] || fail "unprivileged: $(tail -1 /tmp/nlfuzz-user.out)"
grep -q ' 0 answered OK\| [0-9]* answered OK' /tmp/nlfuzz-user.out || fail "unprivileged: no figure"
state | diff -u /tmp/state.before - || fail "an unprivileged user changed the configuration"
total=$((total + MESSAGES / 2))
ioctls=$((ioctls + MESSAGES / 8))

cat > /tmp/nlfuzz-userns.sh <<EOS
set -e
ip link add fu type ferroute
"$FERCTL" addr add 10.1.0.1/24 dev fu
ip link set lo up
python3 "$nlfuzz" $((MESSAGES / 2)) $((seed + 2)) fu
EOS
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn sh /tmp/nlfuzz-userns.sh \
	> /tmp/nlfuzz-userns.out 2>&1
st=$?
tail -5 /tmp/nlfuzz-userns.out
[ $st -eq 0 ] || fail "user namespace: $(tail -1 /tmp/nlfuzz-userns.out)"
state | diff -u /tmp/state.before - || fail "a user namespace's root changed the initial router"
total=$((total + MESSAGES / 2))
ioctls=$((ioctls + MESSAGES / 8))

dmesg_clean || fail "kernel log shows a problem"
ip link del vbad0
unload
echo "nlfuzz: $total messages fuzzed (root $MESSAGES, unprivileged $((MESSAGES / 2)), user namespace $((MESSAGES / 2))), $ioctls ioctls fuzzed"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# rmmod while a namespace with an attached port is being dismantled. The
# dismantling (cleanup_net, on a workqueue) holds pernet_ops_rwsem for
# reading while it waits for the port's device to be freed, and rmmod's
# unregistration of the routers waits for that lock: until then the device
# notifier must still find the namespace's router and detach the port, or
# neither ever finishes (a CI run hung so, after 38-mroute). A process in
# the namespace keeps it alive after `ip netns del`; it is killed, and the
# namespace dies, a chosen time after rmmod starts: the delays sweep
# rmmod's unregistrations (about 500 ms under TCG; SWEEP_FROM, SWEEP_STEP
# and SWEEP_TO, in ms, change the sweep).
. "$(dirname "$0")/lib.sh"
quick_leak_reports
dmesg_mark
for ms in $(seq ${SWEEP_FROM:-0} ${SWEEP_STEP:-25} ${SWEEP_TO:-400}); do
	load
	ip netns add r
	ip -n r link add p0 type veth peer name h0
	ip -n r link set p0 up
	"$FERCTL" -n r port add p0 || fail "port add p0"
	"$FERCTL" -n r addr add 10.1.0.1/24 dev p0 || fail "addr add p0"
	ip netns exec r sleep 60 &
	sleeper=$!
	for i in $(seq 50); do
		[ -n "$(ip netns pids r)" ] && break
		sleep 0.1
	done
	[ -n "$(ip netns pids r)" ] || fail "the sleeper did not enter r"
	ip netns del r
	(sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"; kill $sleeper) &
	finishes 60 rmmod ferroute || fail "rmmod did not finish (namespace dying ${ms} ms after it started)"
	wait
done
# The last namespace's devices are freed asynchronously; a reference left
# behind would be reported within a second.
sleep 3
dmesg_clean || fail "kernel log has warnings"

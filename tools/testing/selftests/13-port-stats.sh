#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ferctl -s port list shows each port's device counters as ip -s link shows
# them: after pings through an attached veth and a ferroute device, each
# number lies between what ip -s -j link reports for the same device just
# before and just after (the links may carry IPv6 chatter meanwhile).
. "$(dirname "$0")/lib.sh"
load
veth_ns ns1 veth1 veth1p 10.1.0.1/24 10.1.0.2/24
fer_ns ns2 fer1 10.2.0.1/24 10.2.0.2/24
ip netns exec ns1 ping -c 5 -i 0.2 10.1.0.1 > /dev/null || fail "ping through veth1"
ip netns exec ns2 ping -c 5 -i 0.2 10.2.0.1 > /dev/null || fail "ping through fer1"

ip -s -j link show dev veth1 > /tmp/veth1.before
ip -n ns2 -s -j link show dev fer1 > /tmp/fer1.before
ferctl -s -j port list > /tmp/ports.json || fail "ferctl -s -j port list"
ip -s -j link show dev veth1 > /tmp/veth1.after
ip -n ns2 -s -j link show dev fer1 > /tmp/fer1.after
ferctl -s port list | tee /tmp/ports.txt
grep -q '^    RX:  bytes packets errors dropped  missed   mcast$' /tmp/ports.txt ||
	fail "no RX table"
grep -q '^    TX:  bytes packets errors dropped carrier collsns$' /tmp/ports.txt ||
	fail "no TX table"
ferctl port list | grep -q 'RX:' && fail "counters without -s"
ferctl -j port list | grep -q stats64 && fail "JSON counters without -s"

python3 - <<'PY' || fail "ferctl's counters are not the devices'"
import json
ports = {p["ifname"]: p for p in json.load(open("/tmp/ports.json"))}
for dev in ("veth1", "fer1"):
    before = json.load(open(f"/tmp/{dev}.before"))[0]["stats64"]
    after = json.load(open(f"/tmp/{dev}.after"))[0]["stats64"]
    ours = ports[dev]["stats64"]
    for way in ("rx", "tx"):
        for name in ("packets", "bytes", "errors", "dropped"):
            lo, hi, v = before[way][name], after[way][name], ours[way][name]
            assert lo <= v <= hi, f"{dev} {way} {name}: {v} not in [{lo}, {hi}]"
    # Five echo requests in, five replies out, at least.
    assert ours["rx"]["packets"] >= 5 and ours["tx"]["packets"] >= 5, (dev, ours)
    print(dev, "rx", ours["rx"]["packets"], "tx", ours["tx"]["packets"], "as ip -s link")
PY
dmesg_clean || fail "kernel warnings"
unload

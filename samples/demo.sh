#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ferroute demo, run inside the VM by `make demo`: two namespaces, one
# behind a ferroute device and one behind an attached veth port, ping the
# router and each other through it (traceroute shows the hop, unreachable
# destinations get ICMP errors), send UDP through it (8 KiB datagrams
# fragmented) and UDP/TCP to it (refused, as Linux refuses them); then
# ferroute's ports, addresses,
# neighbours, routes and counters, and a second router in its own network
# namespace.
root=$(cd "$(dirname "$0")/.." && pwd)
PATH=$root/target/release:$PATH
set -e
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "insmod ferroute.ko (creates fer0)"
insmod "$root/ferroute.ko"
dmesg | grep -E 'ferroute: IPv4' | sed 's/^\[[^]]*\] //'

say "topology"
cat <<'TXT'
   ns1 [fer1 10.1.0.2/24] ==(ferroute device)== ROUTER 10.1.0.1 (on fer1)
   ns2 [veth1 10.2.0.2/24] --veth-- [veth0, attached port] ROUTER 10.2.0.1
TXT
ip netns add ns1
ip link add fer1 type ferroute
ferctl addr add 10.1.0.1/24 dev fer1
ip link set fer1 netns ns1
ip -n ns1 addr add 10.1.0.2/24 dev fer1
ip -n ns1 link set fer1 up
ip -n ns1 route add default via 10.1.0.1

ip netns add ns2
ip link add veth0 type veth peer name veth1 netns ns2
ip link set veth0 up
ferctl port add veth0
ferctl addr add 10.2.0.1/24 dev veth0
ip -n ns2 addr add 10.2.0.2/24 dev veth1
ip -n ns2 link set veth1 up
ip -n ns2 route add default via 10.2.0.1

say "ferctl port list"; ferctl port list
say "ferctl addr list"; ferctl addr list

say "ns1: ping -c 3 10.1.0.1 (through fer1)"
ip netns exec ns1 ping -c 3 -i 0.2 10.1.0.1
say "ns2: ping -c 3 10.2.0.1 (through the attached veth), with tcpdump on veth1"
ip netns exec ns2 tcpdump -n -l -i veth1 -c 8 2>/dev/null &
sleep 1
ip netns exec ns2 ping -c 3 -i 0.2 10.2.0.1
sleep 0.5
say "ns2: ping 10.2.0.99 (not ferroute's address: no reply)"
ip netns exec ns2 ping -c 1 -W 1 10.2.0.99 || true

say "ns1 -> ns2 through the router: ping, and traceroute shows the hop"
ip netns exec ns1 ping -c 3 -i 0.2 10.2.0.2
ip netns exec ns1 traceroute -n -q 1 -w 2 10.2.0.2
say "ns1: ping -t 1 (time exceeded) and ping 10.66.0.1 (no route: net unreachable)"
ip netns exec ns1 ping -c 1 -t 1 -W 2 10.2.0.2 || true
ip netns exec ns1 ping -c 1 -W 2 10.66.0.1 || true

say "UDP through the router: socat from ns1 to ns2, and 8 KiB datagrams (fragmented)"
ip netns exec ns2 timeout 5 socat -u UDP-RECV:7000 - > /tmp/demo.udp &
sleep 0.5
echo "hello through ferroute" | ip netns exec ns1 socat -u - UDP-SENDTO:10.2.0.2:7000
sleep 0.5
echo "ns2 received: $(head -c 40 /tmp/demo.udp)"
ip netns exec ns2 timeout 5 socat -u UDP-RECV:7001 OPEN:/tmp/demo.big,creat &
sleep 0.5
head -c 8192 /dev/urandom > /tmp/demo.sent
ip netns exec ns1 socat -u OPEN:/tmp/demo.sent UDP-SENDTO:10.2.0.2:7001
sleep 0.5
cmp -s /tmp/demo.sent /tmp/demo.big && echo "ns2 received the 8192-byte datagram whole"
say "ns1: UDP and TCP to the router itself (port unreachable, reset), a fragmented ping"
ip netns exec ns1 python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.connect(('10.1.0.1', 9)); s.send(b'x')
try: s.recv(1)
except ConnectionRefusedError: print('udp 10.1.0.1:9: connection refused (ICMP port unreachable)')
t = socket.socket(); t.settimeout(2)
try: t.connect(('10.1.0.1', 80))
except ConnectionRefusedError: print('tcp 10.1.0.1:80: connection refused (RST)')
"
ip netns exec ns1 ping -c 2 -i 0.3 -s 4000 10.1.0.1 | tail -2

say "ferctl neigh list"; ferctl neigh list

say "routes, a policy rule and a multipath route; the FIB's decisions"
ferctl route add 10.9.0.0/16 via 10.2.0.2 metric 10
ferctl route add 10.8.0.0/16 nexthop via 10.1.0.2 weight 1 nexthop via 10.2.0.2 weight 3
ferctl route add 10.7.0.0/16 via 10.1.0.2 table 100
ferctl rule add pref 100 to 10.7.0.0/16 lookup 100
ferctl route list table all
ferctl rule list
ferctl table list
for d in 10.9.1.1 10.7.1.1 10.8.1.1 10.8.1.2 10.8.1.3 10.66.1.1; do
	ferctl route get "$d" || true
done
say "ferctl stats (non-zero)"; ferctl stats | awk '$2 != 0'
say "ip -s link show fer1 (in ns1)"; ip -n ns1 -s link show fer1

say "one router per network namespace: namespace r2 has its own"
ip netns add r2
ip -n r2 link add fr type ferroute
ferctl -n r2 addr add 10.1.0.1/24 dev fr
ferctl -n r2 port list
ferctl -n r2 route list
echo "(the init namespace's router still has its own 10.1.0.1 on fer1:)"
ferctl addr list | grep fer1
say "rmmod ferroute"
rmmod ferroute
dmesg | tail -2 | sed 's/^\[[^]]*\] //'

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fib-bench.sh DIR [KEYS]: the in-kernel FIB comparison of `make bench`, run
# inside the VM (tools/testing/vm-run). DIR holds ferroute.batch and
# ip.batch from gen-table.py: the same routes, `route add P/L dev d0`.
#
# 1. A dummy device d0, up, attached to ferroute (which takes no kernel
#    IPv4 on it; kernel routes through it need none either). Loopback's
#    addresses are flushed and lo taken down, so that the kernel's main
#    table, which holds the local table's routes too while no policy rule
#    was added (tables merged), has exactly the loaded routes, like
#    ferroute's main table.
# 2. Load time: wall time (date +%s.%N) of `ferctl -batch` of the table,
#    then of `ip -batch` of the same table (in chunks of 100,000 lines: a
#    single ip -batch process grows by ~3 kB per route and is OOM-killed).
# 3. Memory, before and after each load (after a 3 s pause, so RCU callbacks
#    have freed what the loads replaced): the Slab line of /proc/meminfo
#    for both; for ferroute, its own count of its main table's bytes
#    (TrieStats: trie nodes and route lists, from fib-bench); for Linux,
#    its own count, /proc/net/fib_triestat's "Total size" of the main table
#    (leaves, aliases, internal nodes), and, printed below the table, the
#    growth of the ip_fib_trie and ip_fib_alias slab caches (/proc/slabinfo,
#    objects x object size; the VM boots with slub_nomerge so they are not
#    merged into others; internal nodes are kmalloc'd and not in them; the
#    one fib_info all routes share is not counted).
# 4. Churn (below, step 5), then `ferctl bench fib keys KEYS`: ferroute's main-table lookup and the
#    kernel's fib_table_lookup over the same KEYS random addresses, called
#    from kernel code (rust/router/bench.rs).
set -u
dir=${1:?usage: fib-bench.sh DIR [KEYS]}
keys=${2:-1000000}
root=$PWD
FERCTL=${FERCTL:-$root/target/release/ferctl}
# The module built for the booted kernel (make bench: the bench kernel's).
MODULE=${MODULE:-$root/ferroute.ko}
fail() { echo "fib-bench: $*" >&2; exit 1; }

now() { date +%s.%N; }
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
# Bytes of the kernel FIB's own slab caches.
fib_slab() {
	awk '$1 == "ip_fib_trie" || $1 == "ip_fib_alias" { b += $2 * $4 } END { print b + 0 }' /proc/slabinfo
}
# "Total size" of the Main table in /proc/net/fib_triestat, in bytes.
triestat_main() {
	awk '/^Main:/ { m = 1 } m && /Total size/ { print $3 * 1024; exit }' /proc/net/fib_triestat
}
settle() { sync; sleep 3; }

insmod "$MODULE" || fail "insmod $MODULE"
ip link add d0 type dummy || fail "ip link add d0 type dummy"
ip link set d0 up
"$FERCTL" port add d0 || fail "ferctl port add d0"
ip addr flush dev lo; ip link set lo down

n=$(wc -l < "$dir/ferroute.batch")
echo "table: $n prefixes ($(head -1 "$dir/table.txt"))"

# Both tools read their batch from tmpfs, not from the 9p share.
mkdir -p /tmp/ipb && cp "$dir/ferroute.batch" /tmp/ferroute.batch || fail "cp"
split -l 100000 "$dir/ip.batch" /tmp/ipb/part. || fail "split"
settle
slab0=$(slab_kb)
t0=$(now)
# Into a file: on the VM's serial console (a terminal) ferctl would draw
# its progress line, and a slow console would slow the load.
"$FERCTL" -batch /tmp/ferroute.batch > /tmp/ferctl-batch.out 2>&1 ||
	{ cat /tmp/ferctl-batch.out; fail "ferctl -batch"; }
t1=$(now)
tail -1 /tmp/ferctl-batch.out
settle
slab1=$(slab_kb)

echo "ferroute: loaded in $(echo "$t1 - $t0" | bc) s; Slab $slab0 -> $slab1 kB"

# ip -batch grows by about 3 kB per route it adds (2.6 GB of anonymous
# memory, OOM-killed, at ~900k routes in a 3 GB VM), so the table goes in
# chunks of 100,000 lines, one ip process each; the time covers them all.
rm -f /tmp/ferroute.batch
fib0=$(fib_slab)
t2=$(now)
for part in /tmp/ipb/part.*; do
	ip -batch "$part" || fail "ip -batch $part"
done
t3=$(now)
rm -rf /tmp/ipb
settle
slab2=$(slab_kb)
fib1=$(fib_slab)
tstat=$(triestat_main)
echo "Linux: loaded in $(echo "$t3 - $t2" | bc) s; Slab $slab1 -> $slab2 kB; FIB slabs $fib0 -> $fib1 B"

# 5. Churn, BGP-like: $CHURN updates (a loaded prefix withdrawn, a new /24
#    announced, alternating), the same through ferctl -batch into ferroute
#    and through ip -batch into Linux, each timed; meanwhile the other vCPU
#    runs `ferctl bench fib` over and over, and the lookups of the router
#    being changed are its lookups during churn. $CHURN_REPS rounds, each
#    one churn per router back to back, the first router alternating
#    (ferroute first in even rounds); odd rounds undo the round before (the
#    withdrawn prefixes announced again, the new ones withdrawn), so every
#    round does the same work on the same table. The host's speed drifts
#    by more than the difference between the routers over the minutes of
#    a bench (Linux's churn took 1.4 s in one run, 6.8 s in another): a
#    pair run back to back sees the same host, and the ratio is the median
#    of the rounds' ratios.
CHURN=${CHURN:-10000}
CHURN_REPS=${CHURN_REPS:-3}
python3 - "$dir/ferroute.batch" "$CHURN" /tmp/churn <<'PY'
import random, sys
lines = open(sys.argv[1]).read().split('\n')
table = {l.split()[2] for l in lines if l.startswith('route add ')}
dev = lines[0].split()[-1]
n = int(sys.argv[2])
rng = random.Random(7)
gone = rng.sample(sorted(table), n // 2)
new = []
while len(new) < n - n // 2:
    p = f'{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.0/24'
    if p not in table and p not in new:
        new.append(p)
# churn.0: the updates; churn.1: the same undone, in the same order.
for name, verbs in (('0', ('del', 'add')), ('1', ('add', 'del'))):
    with open(f'{sys.argv[3]}.{name}', 'w') as f:
        for i in range(n):
            verb, p = (verbs[0], gone[i // 2]) if i % 2 == 0 else (verbs[1], new[i // 2])
            f.write(f'route {verb} {p} dev {dev}\n')
PY
# churn NAME CMD...: time CMD while bench fib loops; the loop's JSON lines
# are added to $VM_OUT/churn-NAME.json. Prints CMD's duration in seconds,
# from CMD's own start and end (the background job notes them itself):
# the loop notices CMD's end only after its current bench fib, which would
# add up to one bench run to the churn's time.
churn() {
	name=$1
	shift
	(
		t0=$(now)
		"$@" > /tmp/churn-$name.out 2>&1 || exit 1
		echo "$t0 $(now)" > /tmp/churn-$name.time
	) &
	pid=$!
	while kill -0 $pid 2> /dev/null; do
		"$FERCTL" -j bench fib keys 20000 >> "$VM_OUT/churn-$name.json" || break
	done
	wait $pid || { tail -3 /tmp/churn-$name.out; fail "churn ($name)"; }
	awk '{ print $2 - $1 }' /tmp/churn-$name.time
}
: > "$VM_OUT/churn-ferroute.json"
: > "$VM_OUT/churn-linux.json"
: > /tmp/churn.rounds
r=0
while [ $r -lt "$CHURN_REPS" ]; do
	f=/tmp/churn.$((r % 2))
	if [ $((r % 2)) -eq 0 ]; then
		tf=$(churn ferroute "$FERCTL" -batch $f) || exit 1
		tl=$(churn linux ip -batch $f) || exit 1
	else
		tl=$(churn linux ip -batch $f) || exit 1
		tf=$(churn ferroute "$FERCTL" -batch $f) || exit 1
	fi
	echo "churn round $r: $CHURN updates, ferroute in $tf s, Linux in $tl s"
	echo "$tf $tl" >> /tmp/churn.rounds
	r=$((r + 1))
done

echo "running ferctl bench fib keys $keys"
"$FERCTL" -j bench fib keys "$keys" > "$VM_OUT/fib-bench.json" || fail "ferctl bench fib"
"$FERCTL" bench fib keys "$keys" seed 2 || fail "ferctl bench fib (second seed)"

# A debug kernel (the test kernel) has /proc/lockdep.
if [ -e /proc/lockdep ]; then kernel=debug; else kernel=bench; fi
python3 - "$VM_OUT/fib-bench.json" "$n" "$t0" "$t1" "$t2" "$t3" \
	"$slab0" "$slab1" "$slab2" "$fib0" "$fib1" "$tstat" "$kernel" \
	"$VM_OUT/fib-bench.ratios" "$CHURN" /tmp/churn.rounds \
	"$VM_OUT/churn-ferroute.json" "$VM_OUT/churn-linux.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
churn = int(sys.argv[15])
# Seconds of each round's churn: (ferroute, Linux).
rounds = [tuple(float(x) for x in l.split()) for l in open(sys.argv[16]) if l.strip()]
median = lambda xs: sorted(xs)[len(xs) // 2]
tf, tl = median([f for f, _ in rounds]), median([l for _, l in rounds])
# Each round's ratio of updates/s, ferroute/Linux.
churn_ratio = median([l / f for f, l in rounds])

def during(path, key):
    """Lookups/s of the `key` side over the bench runs of a churn."""
    runs = [json.loads(l) for l in open(path) if l.strip()]
    ns = sum(r[key] for r in runs)
    return (sum(r['keys'] for r in runs) * 1e9 / ns if ns else 0.0), len(runs)
n = int(sys.argv[2])
t0, t1, t2, t3 = (float(x) for x in sys.argv[3:7])
slab0, slab1, slab2, fib0, fib1, tstat = (int(x) for x in sys.argv[7:13])
kernel = sys.argv[13]
keys = b['keys']

def lps(ns):
    return keys * 1e9 / ns if ns else 0.0

rows = []
def row(metric, fer, lin, fmt, ratio=True):
    r = f'{fer / lin:.2f}' if ratio and lin else '-'
    rows.append((metric, fmt(fer), fmt(lin), r))

MiB = 1024 * 1024
row(f'lookups/s ({keys:,} random keys)', lps(b['ferroute_ns']), lps(b['linux_ns']), lambda v: f'{v:,.0f}')
row('ns/lookup', b['ferroute_ns'] / keys, b['linux_ns'] / keys, lambda v: f'{v:,.1f}')
row('keys with a route', b['ferroute_hits'], b['linux_hits'], lambda v: f'{v:,}')
row(f'load time, {n:,} routes (s)', t1 - t0, t3 - t2, lambda v: f'{v:,.1f}')
row('load, routes/s', n / (t1 - t0), n / (t3 - t2), lambda v: f'{v:,.0f}')
row('memory: Slab delta (MiB)', (slab1 - slab0) * 1024 / MiB, (slab2 - slab1) * 1024 / MiB,
    lambda v: f'{v:,.1f}')
row('memory: FIB own count (MiB)', b['bytes'] / MiB, tstat / MiB, lambda v: f'{v:,.1f}')
row('memory: bytes/route (own count)', b['bytes'] / n, tstat / n, lambda v: f'{v:,.1f}')
row(f'churn: {churn:,} updates (s, median)', tf, tl, lambda v: f'{v:,.2f}', ratio=False)
row('churn, updates/s (median)', churn / tf, churn / tl, lambda v: f'{v:,.0f}')
# The ratio column: the median of the rounds' ratios, not of the medians.
rows[-1] = rows[-1][:3] + (f'{churn_ratio:.2f}',)
(fer_d, fer_runs), (lin_d, lin_runs) = (during(sys.argv[17], 'ferroute_ns'),
                                        during(sys.argv[18], 'linux_ns'))
row('lookups/s during churn', fer_d, lin_d, lambda v: f'{v:,.0f}')

w = [max(len(r[i]) for r in rows + [('metric', 'ferroute', 'Linux', 'ferroute/Linux')]) for i in range(4)]
line = lambda r: f'{r[0]:<{w[0]}} | {r[1]:>{w[1]}} | {r[2]:>{w[2]}} | {r[3]:>{w[3]}}'
print()
print(line(('metric', 'ferroute', 'Linux', 'ferroute/Linux')))
print('-' * (sum(w) + 9))
for r in rows:
    print(line(r))
print()
print(f"ferroute: main-table lookup (Table::lookup); also fib_lookup through the rules: "
      f"{lps(b['rules_ns']):,.0f} lookups/s ({b['rules_ns'] / keys:,.1f} ns), "
      f"{b['rules_hits']:,} hits")
print(f"Linux: fib_table_lookup on the main table (FIB_LOOKUP_NOREF, under rcu_read_lock)")
print(f"keys whose prefix length differs between the two: {b['mismatches']:,}")
print(f"churn: withdrawals of loaded prefixes and announcements of new /24s, alternating; "
      f"{len(rounds)} rounds, each undoing the one before, the router first alternating; "
      f"updates/s ferroute/Linux per round: "
      + ", ".join(f"{l / f:.2f}" for f, l in rounds) + f" (median {churn_ratio:.2f}); "
      f"lookups during churn from {fer_runs} (ferroute) and {lin_runs} (Linux) runs of "
      f"bench fib keys 20000 on the other vCPU")
print(f"ferroute main table: {b['routes']:,} routes, {b['nodes']:,} trie nodes, {b['bytes']:,} bytes "
      f"(TrieStats); Linux main table: ip_fib_trie+ip_fib_alias slabs {fib1 - fib0:,} bytes, "
      f"fib_triestat Total size {tstat:,} bytes")
if kernel == 'debug':
    print("QEMU TCG (no KVM) and the debug test kernel (lockdep, PROVE_RCU; kmemleak and lock")
    print("proving off on the command line): absolute numbers are slow, and the kernel's FIB")
    print("pays lockdep's checks: the lookup ratio is not a verdict.")
else:
    print("QEMU TCG (no KVM), the bench kernel (tools/testing/bench.config: no lockdep,")
    print("PROVE_RCU, kmemleak, DEBUG_LIST): absolute numbers are slow, the ratios are the point.")
# For the summary line of bench.sh: ferroute/Linux of lookups/s, bytes per
# route (own count) and routes/s loaded.
with open(sys.argv[14], 'w') as f:
    f.write(f"lookup_ratio {lps(b['ferroute_ns']) / lps(b['linux_ns']):.2f}\n")
    f.write(f"memory_ratio {(b['bytes'] / n) / (tstat / n):.2f}\n")
    f.write(f"load_ratio {(n / (t1 - t0)) / (n / (t3 - t2)):.2f}\n")
    f.write(f"churn_ratio {churn_ratio:.2f}\n")
PY

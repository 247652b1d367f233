# SPDX-License-Identifier: GPL-2.0
#
# ferroute: an IPv4 router in Rust inside the Linux kernel.
#
#   make            build the modules (ferroute.ko, test module ferroute_kunit.ko)
#                   and ferctl (sets up the machine first)
#   make kmod KDIR=/lib/modules/$(uname -r)/build
#                   only ferroute.ko, for a Rust-enabled kernel's build tree,
#                   no setup (what dkms.conf runs)
#   make demo       boot a VM, load ferroute, send traffic through it, show it
#   make check      all tests: host, KUnit, VM selftests; last line "N passed, N failed"
#   make stress     the long tests, not in check: host fuzzing for HOST_FUZZ_SECS
#                   (default 300) per target, then the long VM selftests ("# slow":
#                   92-pktfuzz-long, 93-netlink-fuzz-long, 94-lifecycle-long,
#                   95-floods-long, 96-route-churn-long)
#   make bench      benchmarks (not in check): host criterion, and in one VM boot of the
#                   bench kernel ferroute vs the kernel's FIB and forwarding, then
#                   make bench-count
#   make CLIPPY=1   build the module with clippy
#   make man        the ferctl(8) man page, Documentation/output/ferctl.8 (rst2man)
#   make setup      only install packages and build the (cached) test kernel
#   make bench-module  ferroute.ko for the bench kernel, in out/bench/kmod
#   make bench-count   only the forwarding bench's instructions per packet (a second
#                   VM boot, QEMU with the insncount plugin)
#
# The test kernel lives in $(FERROUTE_CACHE) (default ~/.cache/ferroute),
# keyed by kernel version and config; KDIR overrides it.

FERROUTE_CACHE ?= $(HOME)/.cache/ferroute
HOST_FUZZ_SECS ?= 300
export FERROUTE_CACHE
KDIR ?= $(FERROUTE_CACHE)/current
LLVM := -14
CARGO ?= cargo
FERCTL := target/release/ferctl
BINDINGS := rust/abstractions/bindings_generated.rs

.PHONY: all setup module kmod ferctl check demo bench bench-count bench-kernel bench-module kasan-kernel kasan-module check-kasan stress clean host-test fmt selftest-bins man

all: module ferctl

setup:
	@tools/testing/setup.sh >/dev/null

$(BINDINGS): rust/abstractions/bindings_helper.h tools/testing/gen-bindings.sh $(KDIR)/.built
	tools/testing/gen-bindings.sh $(KDIR) rust/abstractions/bindings_helper.h $@

module: setup
	@tools/dkms/check-kernel.sh $(KDIR) $(LLVM)
	@$(MAKE) --no-print-directory $(BINDINGS)
	$(MAKE) LLVM=$(LLVM) -C $(KDIR) M=$(CURDIR) $(if $(CLIPPY),CLIPPY=1) modules

# ferroute.ko alone for the kernel build tree KDIR, without setup: what
# DKMS runs (dkms.conf), and `make kmod KDIR=/lib/modules/$(uname -r)/build`
# for a Rust-enabled kernel of your own. Checks that kernel first
# (tools/dkms/check-kernel.sh) and generates the bindings for it every time.
# DKMS adds CC=clang LD=ld.lld for a clang-built kernel, which would
# override LLVM=-14's clang-14: CC and LD are given again to match LLVM.
KMOD_LLVM_TOOLS = $(if $(LLVM),CC=clang$(filter -%,$(LLVM)) LD=ld.lld$(filter -%,$(LLVM)))
# KMOD_KUNIT=y builds the test module ferroute_kunit.ko too (make check-kasan).
KMOD_KUNIT ?= n
kmod:
	@tools/dkms/check-kernel.sh $(KDIR) $(LLVM)
	tools/testing/gen-bindings.sh $(KDIR) rust/abstractions/bindings_helper.h $(BINDINGS)
	$(MAKE) LLVM=$(LLVM) $(KMOD_LLVM_TOOLS) -C $(KDIR) M=$(CURDIR) FERROUTE_KUNIT=$(KMOD_KUNIT) modules

ferctl:
	$(CARGO) build --release -p ferctl

host-test:
	$(CARGO) test --workspace

check: setup
	tools/testing/check.sh

# Test programs the VM selftests run (a 32-bit one for the compat ioctl;
# the packet fuzzer; the send/receive timer of the route churn check).
selftest-bins: out/rtentry32 out/pktfuzz out/nltime.so

out/rtentry32: tools/testing/selftests/lib/rtentry32.c
	@mkdir -p out
	gcc -m32 -static -O2 -Wall -Werror -o $@ $<

out/pktfuzz: tools/testing/selftests/lib/pktfuzz.c
	@mkdir -p out
	gcc -static -O2 -Wall -Werror -o $@ $<

out/nltime.so: tools/testing/selftests/lib/nltime.c
	@mkdir -p out
	gcc -shared -fPIC -O2 -Wall -Werror -o $@ $< -ldl

# The man page, from reStructuredText (rst2man: Debian's python3-docutils,
# which make setup installs); --strict turns any docutils warning into an
# error. View it with: man ./Documentation/output/ferctl.8
MAN := Documentation/output/ferctl.8
man: $(MAN)

$(MAN): Documentation/man/ferctl.8.rst
	@command -v rst2man > /dev/null || { \
		echo "make man: rst2man not found (apt-get install python3-docutils, or make setup)" >&2; \
		exit 1; }
	@mkdir -p $(@D)
	rst2man --strict $< $@

demo: all
	tools/testing/vm-run samples/demo.sh

# Benchmarks (not part of check), on the bench kernel: the test kernel's
# fragment without its debug options (tools/testing/bench.config,
# Documentation/performance.rst), built and cached by `setup.sh --bench`
# under its own key and linked as $(FERROUTE_CACHE)/bench; make check never
# uses it. ferroute.ko is built for it in a copy of the sources,
# $(BENCH_MOD), so the tree's own ferroute.ko and bindings (the test
# kernel's, which make check loads) are left alone.
# 1. the host criterion bench of the FIB (RouteViews table from python3-pyasn);
# 2. in one VM run (tools/testing/bench/bench.sh):
#    - fib-bench.sh: a 920,000-prefix table (the RouteViews table grown by
#      more-specifics, tools/testing/bench/gen-table.py) loaded into ferroute
#      (ferctl -batch) and into the kernel's FIB (ip -batch), then ferroute's
#      lookup and the kernel's fib_table_lookup timed from kernel code over
#      the same 1M random keys (ferctl bench fib);
#    - fwd-bench.sh: packets/s forwarded by ferroute and by Linux from
#      pktgen through a router namespace to a sink (one route, the table,
#      multipath, 1500 B);
#    each prints a table with the ratios ferroute/Linux, then one line
#    "summary: lookup ratio X, memory ratio Y, load ratio Z, forwarding ratio W";
# 3. make bench-count (BENCH_COUNT=0 skips it): a second VM run, QEMU with
#    the insncount TCG plugin (tools/testing/bench/insncount, built against
#    the plugin header of the installed QEMU's Debian source), fwd-bench.sh
#    counting instructions per forwarded packet on the router's CPU instead
#    of timing (tools/testing/bench/count.sh): a measure the host's load
#    does not move; one line "count summary: forwarding instructions ratio V".
# BENCH_PREFIXES, BENCH_KEYS, BENCH_VM_MEM, BENCH_FWD_REPS (runs per case
# and router; 0 skips forwarding), BENCH_FWD_SECS (seconds per run),
# BENCH_FWD_PROFILE=1 (a perf profile of each router's CPU),
# BENCH_FWD_CASES (the forwarding cases to run, default all: one big mpath
# lists table), BENCH_FWD_PROFILE_CASE (the case profiled, default one)
# change it;
# BENCH_COUNT_REPS, BENCH_COUNT_SECS and BENCH_COUNT_CASES (default 3, 3 and
# BENCH_FWD_CASES) are the count run's;
# BENCH_HOST=0 skips the host bench. A quick run:
#   make bench BENCH_HOST=0 BENCH_PREFIXES=20000 BENCH_KEYS=100000 BENCH_FWD_REPS=2 BENCH_FWD_SECS=3
BENCH_PREFIXES ?= 920000
BENCH_KEYS ?= 1000000
BENCH_VM_MEM ?= 3G
BENCH_HOST ?= 1
BENCH_FWD_REPS ?= 5
BENCH_FWD_SECS ?= 5
BENCH_FWD_PROFILE ?= 0
BENCH_FWD_CASES ?= one big mpath lists table
BENCH_FWD_PROFILE_CASE ?= one
BENCH_COUNT ?= 1
BENCH_COUNT_REPS ?= 3
BENCH_COUNT_SECS ?= 3
BENCH_COUNT_CASES ?= $(BENCH_FWD_CASES)
INSNCOUNT := $(FERROUTE_CACHE)/insncount
BENCH_OUT := out/bench
BENCH_KDIR := $(FERROUTE_CACHE)/bench
BENCH_MOD := $(BENCH_OUT)/kmod
# What the module build reads: the sources as they are in the work tree
# (tracked and new files, not build products or ignored files).
BENCH_SRC = Kbuild Makefile rust tools/dkms tools/testing/gen-bindings.sh

bench-kernel:
	@tools/testing/setup.sh --bench >/dev/null

bench-module: bench-kernel
	@rm -rf $(BENCH_MOD) && mkdir -p $(BENCH_MOD)
	@git ls-files -co --exclude-standard -z $(BENCH_SRC) | xargs -0 cp --parents -t $(BENCH_MOD)
	$(MAKE) --no-print-directory -C $(BENCH_MOD) kmod KDIR=$(abspath $(BENCH_KDIR)) LLVM=$(LLVM)

bench: ferctl bench-module
	@dpkg-query -W -f='$${Status}' python3-pyasn 2>/dev/null | grep -q 'ok installed' || \
		(apt-get update -q && apt-get install -y -q --no-install-recommends python3-pyasn)
	$(if $(filter 1,$(BENCH_HOST)),$(CARGO) bench -p ferroute-host)
	python3 tools/testing/bench/gen-table.py --prefixes $(BENCH_PREFIXES) $(BENCH_OUT)
	FERROUTE_KDIR=$(abspath $(BENCH_KDIR)) VM_MEM=$(BENCH_VM_MEM) VM_APPEND="slub_nomerge" \
		tools/testing/vm-run tools/testing/bench/bench.sh $(BENCH_OUT) $(BENCH_KEYS) \
		$(abspath $(BENCH_MOD))/ferroute.ko $(BENCH_FWD_REPS) $(BENCH_FWD_SECS) $(BENCH_FWD_PROFILE) \
		"$(BENCH_FWD_CASES)" $(BENCH_FWD_PROFILE_CASE)
	$(if $(filter 1,$(BENCH_COUNT)),$(MAKE) --no-print-directory bench-count)

bench-count: ferctl bench-module
	@tools/testing/bench/insncount/build.sh $(INSNCOUNT) > /dev/null
	$(if $(filter table,$(BENCH_COUNT_CASES)),python3 tools/testing/bench/gen-table.py --prefixes $(BENCH_PREFIXES) $(BENCH_OUT))
	@rm -rf $(BENCH_OUT)/vm-count && mkdir -p $(BENCH_OUT)/vm-count
	FERROUTE_KDIR=$(abspath $(BENCH_KDIR)) VM_MEM=$(BENCH_VM_MEM) VM_APPEND="slub_nomerge" \
		VM_OUT=$(abspath $(BENCH_OUT)/vm-count) \
		VM_QEMU_ARGS="-plugin $(abspath $(INSNCOUNT))/insncount.so,out=$(abspath $(BENCH_OUT)/vm-count)/insncount.marks" \
		tools/testing/vm-run tools/testing/bench/count.sh $(BENCH_OUT) $(abspath $(BENCH_MOD))/ferroute.ko \
		$(BENCH_COUNT_REPS) $(BENCH_COUNT_SECS) "$(BENCH_COUNT_CASES)" \
		$(abspath $(BENCH_OUT)/vm-count)/insncount.marks $(abspath $(INSNCOUNT))/insnmark \
		$(BENCH_FWD_PROFILE_CASE)

# make check-kasan: the VM part of make check (ferroute.ko alone, the KUnit
# suites, every selftest but the "# slow" ones, kmemleak, the kernel log)
# on the KASAN kernel: the test kernel's fragment plus KASAN (generic,
# outline) and UBSAN (tools/testing/kasan.config), built and cached by
# `setup.sh --kasan` under its own key and linked as $(FERROUTE_CACHE)/kasan;
# make check never uses it. The modules are built for it in a copy of the
# sources, $(KASAN_MOD), as for the bench kernel. A KASAN or UBSAN report
# fails the selftest that caused it (lib.sh dmesg_clean) and the kernel log
# check. KASAN_TESTS="10-fer-ping 24-forward" runs only those selftests.
# Prints "N passed, N failed" as make check does.
KASAN_OUT := out/kasan
KASAN_KDIR := $(FERROUTE_CACHE)/kasan
KASAN_MOD := $(KASAN_OUT)/kmod
KASAN_TESTS ?=
# The KASAN kernel under TCG spends minutes in ACPI: its AML interpreter,
# instrumented, hits AE_AML_LOOP_TIMEOUT evaluating the PCI routing
# (_PRT) every 30 s. The VM needs nothing from ACPI (virtio over PCI
# works without it), so the guest boots without.
KASAN_APPEND ?= acpi=off

kasan-kernel:
	@tools/testing/setup.sh --kasan >/dev/null

kasan-module: kasan-kernel
	@rm -rf $(KASAN_MOD) && mkdir -p $(KASAN_MOD)
	@git ls-files -co --exclude-standard -z $(BENCH_SRC) | xargs -0 cp --parents -t $(KASAN_MOD)
	$(MAKE) --no-print-directory -C $(KASAN_MOD) kmod KMOD_KUNIT=y KDIR=$(abspath $(KASAN_KDIR)) LLVM=$(LLVM)

check-kasan: ferctl selftest-bins kasan-module
	@mkdir -p $(KASAN_OUT)/vm
	FERROUTE_KDIR=$(abspath $(KASAN_KDIR)) VM_OUT=$(KASAN_OUT)/vm VM_MEM=2G VM_APPEND="$(KASAN_APPEND)" \
		tools/testing/vm-run tools/testing/kasan-run.sh $(abspath $(KASAN_MOD)) \
		$$(readlink -f $(KASAN_KDIR)/source) "$(KASAN_TESTS)" 2>&1 | tee $(KASAN_OUT)/vm.log
	@p=$$(grep -c '^ok - ' $(KASAN_OUT)/vm.log); f=$$(grep -c '^not ok - ' $(KASAN_OUT)/vm.log); \
		grep -q '^ok - ' $(KASAN_OUT)/vm.log || f=$$((f + 1)); \
		echo "$$p passed, $$f failed"; [ $$f -eq 0 ]

stress: all selftest-bins
	tools/testing/fuzz/host-fuzz.sh $(HOST_FUZZ_SECS)
	@for t in $$(grep -lx '# slow' tools/testing/selftests/[0-9]*.sh); do \
		echo "== $$t"; tools/testing/vm-run $$t || exit 1; \
	done

fmt:
	rustfmt --edition 2021 rust/ferroute.rs rust/tests/ferroute_kunit.rs
	$(CARGO) fmt --all

clean:
	-$(MAKE) LLVM=$(LLVM) -C $(KDIR) M=$(CURDIR) clean
	rm -f $(BINDINGS)
	rm -rf out Documentation/output
	$(CARGO) clean

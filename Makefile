# SPDX-License-Identifier: GPL-2.0
#
# ferroute: an IPv4 router in Rust inside the Linux kernel.
#
#   make            build the module and ferctl (sets up the machine first)
#   make demo       boot a VM, load ferroute, send traffic through it, show it
#   make check      all tests: host, KUnit, VM selftests; last line "N passed, N failed"
#   make bench      FIB lookup/insert benchmarks (host criterion; not part of check)
#   make CLIPPY=1   build the module with clippy
#   make setup      only install packages and build the (cached) test kernel
#
# The test kernel lives in $(FERROUTE_CACHE) (default ~/.cache/ferroute),
# keyed by kernel version and config; KDIR overrides it.

FERROUTE_CACHE ?= $(HOME)/.cache/ferroute
export FERROUTE_CACHE
KDIR ?= $(FERROUTE_CACHE)/current
LLVM := -14
CARGO ?= cargo
FERCTL := target/release/ferctl
BINDINGS := rust/abstractions/bindings_generated.rs

.PHONY: all setup module ferctl check demo bench clean host-test fmt

all: module ferctl

setup:
	@tools/testing/setup.sh >/dev/null

$(BINDINGS): rust/abstractions/bindings_helper.h tools/testing/gen-bindings.sh $(KDIR)/.built
	tools/testing/gen-bindings.sh $(KDIR) rust/abstractions/bindings_helper.h $@

module: setup
	@$(MAKE) --no-print-directory $(BINDINGS)
	$(MAKE) LLVM=$(LLVM) -C $(KDIR) M=$(CURDIR) $(if $(CLIPPY),CLIPPY=1) modules

ferctl:
	$(CARGO) build --release -p ferctl

host-test:
	$(CARGO) test --workspace

check: setup
	tools/testing/check.sh

demo: all
	tools/testing/vm-run samples/demo.sh

# Host criterion bench of the FIB (RouteViews table from python3-pyasn when
# installed). The in-kernel comparison with fib_table_lookup is not there yet.
bench:
	@dpkg-query -W -f='$${Status}' python3-pyasn 2>/dev/null | grep -q 'ok installed' || \
		(apt-get update -q && apt-get install -y -q --no-install-recommends python3-pyasn)
	$(CARGO) bench -p ferroute-host

fmt:
	rustfmt --edition 2021 rust/ferroute.rs
	$(CARGO) fmt --all

clean:
	-$(MAKE) LLVM=$(LLVM) -C $(KDIR) M=$(CURDIR) clean
	rm -f $(BINDINGS)
	rm -rf out
	$(CARGO) clean

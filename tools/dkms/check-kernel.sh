#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-kernel.sh KDIR [LLVM]
#
# Before building ferroute.ko against the kernel build tree KDIR (make
# module, make kmod, DKMS): fail at once, saying what is missing, if that
# kernel cannot build it, instead of failing later in bindgen or rustc.
# LLVM is the LLVM= the build will use (empty: the kernel's GCC).
#
# ferroute needs (README, "Building for your kernel"):
# - a kernel built with CONFIG_RUST=y, and its build tree after `make`
#   (rust/libkernel.rmeta, the bindgen command in rust/bindings/), not only
#   its headers: ferroute generates its own bindings with the kernel's flags;
# - the options its code uses: CONFIG_MODULES, CONFIG_NET, CONFIG_INET, and
#   CONFIG_IP_MULTIPLE_TABLES (`ferctl bench fib` calls the kernel's
#   fib_new_table, which is only a function with multiple tables);
# - the rustc the kernel was built with (Rust has no stable ABI: the
#   kernel crate's metadata is readable only by the same compiler), and
#   bindgen.
set -uo pipefail

kdir=${1:?usage: check-kernel.sh KDIR [LLVM]}
llvm=${2-}
required=(CONFIG_RUST CONFIG_MODULES CONFIG_NET CONFIG_INET CONFIG_IP_MULTIPLE_TABLES)

die() {
	printf 'ferroute: cannot build for the kernel at %s:\n' "$kdir" >&2
	printf '  %s\n' "$@" >&2
	printf '  (see "Building for your kernel" in ferroute'"'"'s README.md)\n' >&2
	exit 1
}

conf=$kdir/include/config/auto.conf
[ -f "$conf" ] || die "no include/config/auto.conf: not a configured kernel build tree." \
	"Give the build tree of the target kernel (KDIR=..., or dkms --kernelsourcedir)."

value() { sed -n "s/^$1=//p" "$conf" | tr -d '"'; }

missing=()
for opt in "${required[@]}"; do
	[ "$(value "$opt")" = y ] || missing+=("$opt=y")
done
if [ "$(value CONFIG_RUST)" != y ]; then
	die "CONFIG_RUST is not set: ferroute is a Rust module and needs a Rust-enabled kernel." \
		"Missing: ${missing[*]}"
fi
[ ${#missing[@]} -eq 0 ] || die "the kernel lacks ${missing[*]}."

for f in rust/libkernel.rmeta rust/bindings/.bindings_generated.rs.cmd; do
	[ -f "$kdir/$f" ] ||
		die "$f is missing: ferroute needs the kernel's build tree after 'make'" \
			"(with its Rust metadata and bindgen command), not only its headers."
done

want=$(value CONFIG_RUSTC_VERSION_TEXT)
have=$(rustc --version 2>/dev/null) || die "rustc not found (the kernel was built with: $want)."
[ "$want" = "$have" ] ||
	die "the kernel was built with '$want', but rustc here is '$have':" \
		"a Rust module must be built by the kernel's own rustc."
command -v bindgen > /dev/null ||
	die "bindgen not found (the kernel used: $(value CONFIG_BINDGEN_VERSION_TEXT);" \
		"cargo install bindgen-cli, and have ~/.cargo/bin in PATH)."

if [ -n "$llvm" ] && [ "$(value CONFIG_CC_IS_CLANG)" != y ]; then
	die "the build uses LLVM=$llvm, but the kernel was built with $(value CONFIG_CC_VERSION_TEXT);" \
		"build with LLVM= (empty) to use the kernel's compiler."
fi
exit 0

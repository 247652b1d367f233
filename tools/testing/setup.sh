#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Set up everything ferroute needs on a fresh Debian 12 machine and build the
# test kernel, skipping whatever is already done. Prints nothing but progress
# on stderr; on success prints the kernel build directory on stdout.
#
#   setup.sh          the test kernel (ferroute.config), linked as current
#   setup.sh --bench  the bench kernel of `make bench`: ferroute.config with
#                     bench.config's overrides (no lockdep, kmemleak, ...),
#                     linked as bench; never used by make check
#   setup.sh --kasan  the KASAN kernel of `make check-kasan`: ferroute.config
#                     with kasan.config's (KASAN, UBSAN), linked as kasan;
#                     never used by make check
#
# The kernel build is cached under $FERROUTE_CACHE (default
# ~/.cache/ferroute), keyed by the kernel source version, the Kconfig
# fragment and the toolchain versions, and reused while they are unchanged.
# The bench and KASAN kernels' keys cover bench.config or kasan.config too;
# the test kernel's key is what it always was.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${FERROUTE_CACHE:-$HOME/.cache/ferroute}
bindgen_version=0.73.2
llvm=-14
jobs=${FERROUTE_JOBS:-3}
variant=test
case "${1-}" in
--bench) variant=bench ;;
--kasan) variant=kasan ;;
"") ;;
*) echo "usage: setup.sh [--bench | --kasan]" >&2; exit 2 ;;
esac

log() { printf 'setup: %s\n' "$*" >&2; }

apt_packages=(
	linux-source-6.12 clang-14 lld-14 llvm-14 libclang-14-dev
	qemu-system-x86 busybox-static bc flex bison libelf-dev libssl-dev
	cpio kmod xz-utils iproute2 iputils-ping iputils-tracepath traceroute
	socat tcpdump netcat-openbsd python3 python3-scapy python3-yaml
	python3-jsonschema util-linux udev gcc-multilib iperf3 strace smcroute
	python3-docutils man-db dkms ethtool
)

install_packages() {
	local missing=() p
	for p in "${apt_packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >&2
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	fi
}

install_rust_tools() {
	local sysroot
	sysroot=$(rustc --print sysroot)
	if [ ! -d "$sysroot/lib/rustlib/src/rust/library/core" ]; then
		log "adding the rust-src component"
		rustup component add rust-src >&2
	fi
	# make check runs clippy on the module and checks rustfmt formatting.
	for tool in rustfmt clippy-driver; do
		if ! command -v "$tool" > /dev/null; then
			log "adding the ${tool%-driver} component"
			rustup component add "${tool%-driver}" >&2
		fi
	done
	if ! bindgen --version 2>/dev/null | grep -q " $bindgen_version\$"; then
		log "installing bindgen-cli $bindgen_version (takes a few minutes)"
		cargo install bindgen-cli --version "$bindgen_version" --locked >&2
	fi
}

kernel_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12
}

unpack_kernel() {
	local ver=$1 src=$cache/src/linux-$1
	if [ ! -f "$src/.unpacked" ]; then
		log "unpacking linux-source-6.12 $ver"
		rm -rf "$src"
		mkdir -p "$src"
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
		touch "$src/.unpacked"
	fi
	echo "$src"
}

build_key() {
	{
		echo "kernel $1"
		cat "$here/ferroute.config"
		if [ "$variant" != test ]; then
			echo "$variant"
			cat "$here/$variant.config"
		fi
		clang$llvm --version | head -1
		rustc --version
		bindgen --version
		echo "recipe 1"
	} | sha256sum | cut -c1-16
}

# The Kconfig fragment of this variant on stdout: ferroute.config, for the
# bench (KASAN) kernel with every option bench.config (kasan.config) names
# taken from there.
fragment() {
	if [ "$variant" = test ]; then
		cat "$here/ferroute.config"
		return
	fi
	awk 'NR == FNR { if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) over[substr($0, 1, RLENGTH - 1)] = 1; next }
		match($0, /^CONFIG_[A-Za-z0-9_]+=/) && (substr($0, 1, RLENGTH - 1) in over) { next }
		match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/) && (substr($0, 3, RLENGTH - 13) in over) { next }
		{ print }' "$here/$variant.config" "$here/ferroute.config"
	cat "$here/$variant.config"
}

build_kernel() {
	local src=$1 out=$2
	if [ -f "$out/.built" ]; then
		return
	fi
	log "building the $variant kernel in $out (about 15 minutes on 2 cores)"
	rm -rf "$out"
	mkdir -p "$out"
	fragment > "$out/ferroute-fragment.config"
	make -s -C "$src" O="$out" LLVM=$llvm tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$out/ferroute-fragment.config" >&2
	make -s -C "$src" O="$out" LLVM=$llvm olddefconfig >&2
	check_config "$out/.config" "$out/ferroute-fragment.config"
	make -s -C "$src" O="$out" LLVM=$llvm -j"$jobs" >&2
	touch "$out/.built"
}

# Every option the fragment sets must survive olddefconfig; a dependency we
# missed would otherwise silently drop it.
check_config() {
	local cfg=$1 frag=$2 line opt bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}
			if grep -q "^$opt=" "$cfg"; then log "$opt is set"; bad=1; fi ;;
		CONFIG_*=*)
			if ! grep -qx "$line" "$cfg"; then log "$line did not survive"; bad=1; fi ;;
		esac
	done < "$frag"
	[ $bad -eq 0 ] || { log "kernel config does not match its fragment ($frag)"; exit 1; }
}

main() {
	install_packages
	install_rust_tools
	local ver src key out
	ver=$(kernel_version)
	src=$(unpack_kernel "$ver")
	key=$(build_key "$ver")
	out=$cache/build/$key
	build_kernel "$src" "$out"
	if [ "$variant" = test ]; then
		ln -sfn "$out" "$cache/current"
	else
		ln -sfn "$out" "$cache/$variant"
	fi
	echo "$out"
}

main "$@"

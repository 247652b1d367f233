#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh KDIR: `dkms add`, `dkms build` and `dkms install` of this
# tree (dkms.conf)
# against the kernel build tree KDIR, as a user would run them, but in a
# private DKMS tree under out/dkms, so the system's DKMS state is left
# alone. Then checks the module DKMS built, and that a kernel without
# CONFIG_RUST is refused at once with a clear message (make kmod, the
# command dkms.conf runs). Prints "ok - ..." / "not ok - ..." lines; exit
# status 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
kdir=$(readlink -f "${1:?usage: dkms-test.sh KDIR}")
work=$root/out/dkms
failed=0
result() { # name, status
	if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi
}

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
[ -n "$ver" ] && [ -n "$kver" ] || { echo "not ok - dkms.conf version ($ver) and kernel release ($kver)"; exit 1; }
command -v dkms > /dev/null || { echo "not ok - dkms is installed (make setup)"; exit 1; }

# The source as a clean clone has it: tracked and new files, not what git
# ignores (build products, the generated bindings).
rm -rf "$work"
src=$work/source/ferroute-$ver
mkdir -p "$src" "$work/tree"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	xargs -0 cp --parents -t "$src"

trees=(--sourcetree "$work/source" --dkmstree "$work/tree")
dkms add -m ferroute -v "$ver" "${trees[@]}" > "$work/add.log" 2>&1
st=$?; [ $st -eq 0 ] || tail -5 "$work/add.log"
result "dkms add -m ferroute -v $ver" $st

dkms build -m ferroute -v "$ver" -k "$kver" --kernelsourcedir "$kdir" "${trees[@]}" \
	> "$work/build.log" 2>&1
st=$?
if [ $st -ne 0 ]; then
	tail -5 "$work/build.log"
	tail -20 "$work/tree/ferroute/$ver/build/make.log" 2>/dev/null
fi
result "dkms build -m ferroute -v $ver -k $kver --kernelsourcedir $kdir" $st

ko=$(find "$work/tree/ferroute/$ver/$kver" -name 'ferroute.ko*' 2>/dev/null | head -1)
ko_ver=$( [ -n "$ko" ] && modinfo -F version "$ko" 2>/dev/null)
ko_magic=$( [ -n "$ko" ] && modinfo -F vermagic "$ko" 2>/dev/null)
[ -n "$ko" ] && [ "$ko_ver" = "$ver" ] && [ "${ko_magic%% *}" = "$kver" ]
result "DKMS built ferroute.ko version $ver for $kver (${ko#"$work"/}: ${ko_ver:-no version}, vermagic ${ko_magic%% *})" $?
[ -z "$(find "$work/tree/ferroute/$ver" -name 'ferroute_kunit.ko*')" ]
result "DKMS builds ferroute.ko alone (no test module)" $?

# dkms install, into a private module tree (root/lib/modules/KVER) seeded
# with the kernel's module lists; depmod of that tree then knows the
# module, as it would under /lib/modules on a machine running that kernel.
root_tree=$work/root
mkdir -p "$root_tree/lib/modules/$kver"
cp "$kdir/modules.order" "$kdir/modules.builtin" "$kdir/modules.builtin.modinfo" \
	"$root_tree/lib/modules/$kver/" 2> /dev/null
dkms install --no-depmod -m ferroute -v "$ver" -k "$kver" --kernelsourcedir "$kdir" \
	"${trees[@]}" --installtree "$root_tree/lib/modules" > "$work/install.log" 2>&1 &&
	depmod -b "$root_tree" -F "$kdir/System.map" "$kver" >> "$work/install.log" 2>&1 &&
	grep -q '^updates/dkms/ferroute.ko' "$root_tree/lib/modules/$kver/modules.dep" &&
	dkms status -m ferroute "${trees[@]}" --installtree "$root_tree/lib/modules" |
	grep -q "ferroute/$ver, $kver, .*: installed"
st=$?
[ $st -eq 0 ] || tail -5 "$work/install.log"
result "dkms install -k $kver puts ferroute.ko under updates/dkms, depmod finds it" $st

# A kernel without Rust: the build stops before compiling anything and says
# why.
fake=$work/no-rust
mkdir -p "$fake/include/config"
grep -v '^CONFIG_RUST=' "$kdir/include/config/auto.conf" > "$fake/include/config/auto.conf"
make --no-print-directory kmod KDIR="$fake" > "$work/no-rust.log" 2>&1
st=$?
[ $st -ne 0 ] && grep -q 'CONFIG_RUST is not set' "$work/no-rust.log" &&
	! grep -q 'RUSTC\|BINDGEN\|bindgen ' "$work/no-rust.log"
st=$?
[ $st -eq 0 ] || head -5 "$work/no-rust.log"
result "make kmod (dkms.conf's build) stops at once on a kernel without CONFIG_RUST" $st
exit $failed

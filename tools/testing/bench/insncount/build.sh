#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build.sh DIR: build the insncount QEMU plugin (insncount.so) and its
# mark program (insnmark) into DIR, for the QEMU installed here. The
# plugin API header (qemu-plugin.h) is not packaged by Debian outside the
# QEMU source package, so it is taken from that: `apt-get source` of the
# installed qemu-system-x86's source version (any bookworm version of the
# same upstream release if that one is gone), with a private deb-src list,
# so the machine's apt configuration is not changed. Prints DIR's path.
set -eu
dir=${1:?usage: build.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
hdr=$dir/include/qemu-plugin.h
if [ ! -f "$hdr" ]; then
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	version=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)
	apt=$dir/apt
	rm -rf "$apt" && mkdir -p "$apt/lists/partial" "$dir/include"
	{
		echo "deb-src http://deb.debian.org/debian $codename main"
		echo "deb-src http://deb.debian.org/debian $codename-updates main"
		echo "deb-src http://deb.debian.org/debian-security $codename-security main"
	} > "$apt/sources.list"
	set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
	apt-get "$@" -q update > "$apt/update.log" 2>&1 ||
		{ cat "$apt/update.log" >&2; echo "build.sh: apt-get update (deb-src) failed" >&2; exit 1; }
	# The orig tarball only: the header is upstream's.
	(cd "$apt" && { apt-get "$@" -q source --download-only "qemu=$version" ||
		apt-get "$@" -q source --download-only qemu; } > download.log 2>&1) ||
		{ cat "$apt/download.log" >&2; echo "build.sh: apt-get source qemu failed" >&2; exit 1; }
	orig=$(ls "$apt"/qemu_*.orig.tar.* | head -1)
	tar -xf "$orig" -C "$apt" --wildcards '*/include/qemu/qemu-plugin.h'
	cp "$apt"/qemu-*/include/qemu/qemu-plugin.h "$hdr"
	rm -rf "$apt"
fi
cc=${CC:-gcc}
if [ ! -f "$dir/insncount.so" ] || [ "$here/insncount.c" -nt "$dir/insncount.so" ]; then
	$cc -O2 -Wall -Wextra -Werror -shared -fPIC -I"$dir/include" \
		-o "$dir/insncount.so" "$here/insncount.c" -lpthread
fi
if [ ! -f "$dir/insnmark" ] || [ "$here/insnmark.c" -nt "$dir/insnmark" ]; then
	$cc -O2 -Wall -Werror -static -o "$dir/insnmark" "$here/insnmark.c"
fi
echo "$dir"

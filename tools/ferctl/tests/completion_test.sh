#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Drives ferctl's bash completion (tools/ferctl/completion/ferctl.bash) as
# bash does: COMP_WORDS and COMP_CWORD set, _ferctl called, COMPREPLY
# compared. A fake ferctl (a shell function) answers `port list` and `table
# list`. Then checks it against ferctl's parser (grammar.py), so that it
# cannot fall behind: every object, every command (but iproute2's `lst`),
# every keyword and every value name the parser takes is offered somewhere.
# Prints "ok - ..." / "not ok - ..." lines; exit status 1 if any failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../completion/ferctl.bash
. "$here/../completion/ferctl.bash"

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }

# The fake: the commands the completion runs.
fake_ferctl() {
	case "$*" in
	"port list") printf '1: veth1 attached 02:00:00:00:00:01 ifindex 5\n2: fer0 ferroute 02:00:00:00:00:02 ifindex 6\n3: fer1 ferroute 02:00:00:00:00:03 ifindex 7\n' ;;
	"table list") printf 'local 4\nmain 2\n100 1\n' ;;
	"-n r1 port list") printf '1: vr1 attached 02:00:00:00:00:04 ifindex 3\n' ;;
	*) return 1 ;;
	esac
}

# complete WORDS...: COMPREPLY, sorted, one line, for the command line
# WORDS with the cursor at the end of the last word ("" for a new word).
complete_line() {
	COMP_WORDS=(fake_ferctl "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_ferctl
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect "WORDS" "REPLY": completing WORDS (split on spaces; a trailing
# space means a new, empty word) gives exactly REPLY (sorted).
expect() {
	local line=$1 want got
	local -a words
	read -r -a words <<< "$line"
	[[ -z $line || $line == *" " ]] && words+=("")
	want=$(tr ' ' '\n' <<< "$2" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	got=$(complete_line "${words[@]}")
	if [ "$got" = "$want" ]; then
		ok "ferctl $line<TAB> -> ${want:-nothing}"
	else
		not_ok "ferctl $line<TAB> -> ${want:-nothing}"
		echo "    got: ${got:-nothing}"
	fi
}

expect "ro" "route"
expect "r" "route rule"
expect "route a" "add append"
expect "ro a" "add append"
expect "rou re" "replace"
expect "n" "neighbour neighbor"
expect "" "port address route rule stats neighbour neighbor table bench conf mvif mroute monitor mgroup help"
expect "mon " "help all port link address addr route rule neigh neighbour neighbor mroute label"
expect "monitor route r" "route rule"
expect "-" "-json -pretty -stats -netns -force -batch -Version --version -help"
expect "-j -p ro" "route"
# -n NETNS: the name is no object, and the ports are that router's.
expect "-n r1 ro" "route"
expect "-netns r1 -j port set " "dev all default vr1"
expect "port " "add delete list show set help"
expect "route fl" "flush"
expect "route flush " "table"
expect "conf " "list show set help"
expect "conf set icmp_rate" "icmp_ratelimit icmp_ratemask"
expect "port set " "dev all default fer0 fer1 veth1"
expect "port del " "dev veth1 fer0 fer1"
expect "port list v" "veth1"
expect "addr add 10.1.0.1/24 dev " "veth1 fer0 fer1"
expect "addr add 10.1.0.1/24 d" "dev"
expect "route add 10.0.0.0/8 via 10.1.0.2 dev f" "fer0 fer1"
expect "route add 10.0.0.0/8 via " "inet"
expect "route add 10.0.0.0/8 via inet " ""
expect "route add 10.0.0.0/8 pro" "prohibit proto protocol"
expect "route add 10.0.0.0/8 proto st" "static"
expect "route add 10.0.0.0/8 scope l" "link"
expect "route add bl" "blackhole"
expect "route add 10.0.0.0/8 table " "main local default 100"
expect "route add 10.0.0.0/8 nexthop via 10.1.0.2 w" "weight"
expect "route add 10.0.0.0/8 nexthop via 10.1.0.2 " "nexthop via dev weight onlink"
expect "route list table " "all main local default 100"
expect "route get 10.2.3.4 i" "iif"
expect "route get 10.2.3.4 iif " "veth1 fer0 fer1"
expect "route del 10.0.0.0/8 m" "metric"
expect "rule add from " "all"
expect "rule add pref 100 from 10.9.0.0/16 lookup " "main local default 100"
expect "rule add pref 100 g" "goto"
expect "table del " "main local default 100"
expect "neigh list " "dev"
expect "neigh list dev " "veth1 fer0 fer1"
expect "bench " "fib help"
expect "bench fib " "keys seed"
expect "stats " "list show help"
expect "frob " ""
expect "help " ""
# -batch FILE: file names.
files=$(mktemp -d)
touch "$files/routes.txt" "$files/rules.txt"
pushd "$files" > /dev/null || exit 1
expect "-batch r" "routes.txt rules.txt"
expect "-force -j -batch ro" "routes.txt"
expect "-batch routes.txt " ""
popd > /dev/null || exit 1
rm -r "$files"

if [ "$(complete -p ferctl)" = "complete -F _ferctl ferctl" ]; then
	ok "sourcing ferctl.bash registers _ferctl for ferctl"
else
	not_ok "sourcing ferctl.bash registers _ferctl for ferctl"
fi

# Against the parser.
grammar=$(python3 "$here/grammar.py") || { not_ok "grammar.py runs"; exit 1; }
field() { # OBJECT FIELD [KIND]: the words of grammar.py's list
	python3 -c '
import json, sys
o = json.load(sys.stdin)["objects"][sys.argv[1]]
v = o[sys.argv[2]]
if sys.argv[2] == "values":
    v = sum(v.values(), [])
print(" ".join(v))' "$@" <<< "$grammar"
}
objects=$(python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["objects"]))' <<< "$grammar")
problems=()
# Abbreviations resolve as in ferctl: the objects in its matching order.
[ "$objects help" = "$_ferctl_objects" ] ||
	problems+=("objects in the order \"$_ferctl_objects\", ferctl's is \"$objects help\"")
offered_objects=" $(complete_line "") "
for o in $objects help; do
	[[ $offered_objects == *" $o "* ]] || problems+=("object $o not offered")
done
for o in $objects; do
	offered=" $(complete_line "$o" "") "
	for c in $(field "$o" commands); do
		[ "$c" = lst ] && continue
		[[ $offered == *" $c "* ]] || problems+=("$o: command $c not offered")
	done
	# Every keyword and value is offered after some command (after the
	# keyword that takes it, or after a first nexthop), or right after the
	# object for one without commands (monitor).
	all="$offered"
	for c in $(field "$o" commands); do
		[ "$c" = help ] || [ "$c" = lst ] && continue
		all+="$(complete_line "$o" "$c" "") $(complete_line "$o" "$c" x nexthop "") "
		for kw in table lookup proto scope from via; do
			all+="$(complete_line "$o" "$c" x "$kw" "") "
		done
	done
	for kw in $(field "$o" keywords) $(field "$o" values); do
		[[ $all == *" $kw "* ]] || problems+=("$o: $kw not offered")
	done
done
if [ ${#problems[@]} -eq 0 ]; then
	ok "every object, command, keyword and value of ferctl's parser is completed"
else
	not_ok "every object, command, keyword and value of ferctl's parser is completed"
	printf '    %s\n' "${problems[@]}"
fi
exit $failed

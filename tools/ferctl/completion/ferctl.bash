# SPDX-License-Identifier: GPL-2.0
# bash completion for ferctl, the command line tool of ferroute.
#
# Install as /usr/share/bash-completion/completions/ferctl, or source it:
#     . tools/ferctl/completion/ferctl.bash
#
# Completes options, objects, commands, keywords and the names that go after
# them: port names (from `ferctl port list`) after dev/iif/oif, devices
# (/sys/class/net) after `port add`, tables, route types, protocols and
# scopes. Objects and commands may be abbreviated as ferctl allows (the
# first name, in ferctl's order, that the word is a prefix of). Needs only
# bash, not the bash-completion package.
# tools/ferctl/tests/completion_test.sh checks it against ferctl's parser.

# Objects in ferctl's matching order (cli.rs OBJECTS).
_ferctl_objects="port address route rule stats neighbour neighbor table bench conf mvif mroute monitor mgroup help"

# The object a (possibly abbreviated) word names, or nothing.
_ferctl_object() {
	local o
	[ -n "$1" ] || return
	for o in $_ferctl_objects; do
		case "$o" in "$1"*) echo "$o"; return ;; esac
	done
}

# The commands of an object, in ferctl's matching order.
_ferctl_commands() {
	case "$1" in
	port) echo "add delete list show set help" ;;
	address | rule) echo "add delete list show help" ;;
	route) echo "add replace prepend append delete list show get flush help" ;;
	conf) echo "list show set help" ;;
	mvif | mroute) echo "add delete list show help" ;;
	mgroup) echo "list show help" ;;
	table) echo "list show delete help" ;;
	stats) echo "list show help" ;;
	neighbour | neighbor) echo "list show help" ;;
	bench) echo "fib help" ;;
	esac
}

# The command a (possibly abbreviated) word names for an object.
_ferctl_command() {
	local c
	[ -n "$2" ] || return
	for c in $(_ferctl_commands "$1"); do
		case "$c" in "$2"*) echo "$c"; return ;; esac
	done
	# iproute2's third list verb.
	case lst in "$2"*) echo list ;; esac
}

_ferctl_route_types="unicast local broadcast blackhole unreachable prohibit throw"
_ferctl_tables="main local default"
_ferctl_protocols="unspec redirect kernel boot static gated ra mrt zebra bird dnrouted xorp ntk dhcp keepalived babel openr bgp isis ospf rip eigrp"
_ferctl_scopes="global universe site link host nowhere"

# The keywords after OBJECT COMMAND (for route add, before/after nexthop).
_ferctl_keywords() {
	case "$1 $2" in
	"port add" | "port delete" | "port list" | "port show") echo "dev" ;;
	"address add" | "address delete") echo "dev local" ;;
	"address list" | "address show") echo "dev" ;;
	"route add" | "route replace" | "route prepend" | "route append")
		if [ "$3" = nexthop ]; then
			echo "nexthop via dev weight onlink"
		else
			echo "to default $_ferctl_route_types via dev oif metric priority" \
				"preference table src proto protocol scope tos dsfield mtu" \
				"onlink nexthop"
		fi ;;
	"route delete")
		echo "to default $_ferctl_route_types via dev oif metric priority" \
			"preference table src proto protocol scope tos dsfield" ;;
	"route get") echo "to from iif oif dev mark tos dsfield fibmatch" ;;
	"route list" | "route show") echo "table" ;;
	"rule add" | "rule delete")
		echo "not pref priority preference order from to iif dev oif tos" \
			"dsfield fwmark lookup table goto nop blackhole unreachable prohibit" ;;
	"neighbour list" | "neighbour show" | "neighbor list" | "neighbor show") echo "dev" ;;
	"bench fib") echo "keys seed" ;;
	"route flush") echo "table" ;;
	"stats list" | "stats show") echo "-d -delta -z -zeros" ;;
	"mvif add") echo "threshold prune" ;;
	"mroute add") echo "source group iif oif threshold" ;;
	"mroute delete") echo "source group" ;;
	"port set") echo "forwarding rp_filter send_redirects accept_local route_localnet" ;;
	"conf set")
		echo "icmp_ratelimit icmp_ratemask icmp_msgs_per_sec icmp_msgs_burst" \
			"icmp_echo_ignore_broadcasts icmp_errors_use_inbound_ifaddr" \
			"ip_default_ttl udp_echo igmp_querier igmp_query_interval" \
			"igmp_query_response_interval igmp_last_member_interval" \
			"igmp_robustness" ;;
	esac
}

# Names of the router's ports, from `ferctl port list` (1: veth1 attached ...);
# the arguments are the ferctl command (with its -n NETNS).
_ferctl_ports() {
	"$@" port list 2> /dev/null | while read -r _ name _; do
		echo "$name"
	done
}

# Table ids the router has, from `ferctl table list` (main 3, 100 7, ...).
_ferctl_table_ids() {
	"$@" table list 2> /dev/null | while read -r id _; do
		echo "$id"
	done
}

# Devices of this namespace, or of namespace $1, for `port add`.
_ferctl_devices() {
	local d
	if [ -n "${1:-}" ]; then
		ip -n "$1" -o link show 2> /dev/null | while IFS=': ' read -r _ d _; do
			echo "${d%%@*}"
		done
		return
	fi
	for d in /sys/class/net/*; do
		[ -e "$d" ] && echo "${d##*/}"
	done
}

# COMPREPLY: the words of $1 that start with the current word.
_ferctl_reply() {
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur" | sort -u)
}

_ferctl() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local -a ferctl=("${COMP_WORDS[0]}")
	local i=1 w object= command= nexthop= help= netns=
	COMPREPLY=()

	# Options come first; -batch takes a file and ends the command line.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		case "$w" in
		-b | -ba | -bat | -batc | -batch | --b* )
			[ $((i + 1)) -eq "$COMP_CWORD" ] &&
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return ;;
		-n | -ne | -net | -netn | -netns | --n* )
			# Its value: a namespace of /run/netns.
			if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
				_ferctl_reply "$(ls /run/netns 2> /dev/null)"
				return
			fi
			i=$((i + 1))
			netns=${COMP_WORDS[i]}
			ferctl+=(-n "$netns") ;;
		-?* ) ;;
		*) break ;;
		esac
		i=$((i + 1))
	done
	if [ "$i" -eq "$COMP_CWORD" ]; then
		if [[ $cur == -* ]]; then
			_ferctl_reply "-json -pretty -stats -netns -force -batch -Version --version -help"
		else
			_ferctl_reply "$_ferctl_objects"
		fi
		return
	fi
	object=$(_ferctl_object "${COMP_WORDS[i]}")
	[ -n "$object" ] && [ "$object" != help ] || return
	i=$((i + 1))
	# monitor takes no command: the objects it watches, in any number.
	if [ "$object" = monitor ]; then
		[ "$i" -eq "$COMP_CWORD" ] && help=help
		_ferctl_reply "${help:-} all port link address addr route rule neigh neighbour neighbor mroute label"
		return
	fi
	if [ "$i" -eq "$COMP_CWORD" ]; then
		_ferctl_reply "$(_ferctl_commands "$object")"
		return
	fi
	command=$(_ferctl_command "$object" "${COMP_WORDS[i]}")
	[ -n "$command" ] && [ "$command" != help ] || return
	local first=$((i + 1)) # the first argument of the command
	for ((i = first; i < COMP_CWORD; i++)); do
		[ "${COMP_WORDS[i]}" = nexthop ] && nexthop=nexthop
	done

	# The value of the previous keyword.
	case "$prev" in
	dev | oif | iif)
		if [ "$object $command" = "port add" ]; then
			_ferctl_reply "$(_ferctl_devices "$netns")"
		else
			_ferctl_reply "$(_ferctl_ports "${ferctl[@]}")"
		fi
		return ;;
	table | lookup)
		if [ "$command" = list ] || [ "$command" = show ]; then
			_ferctl_reply "all $_ferctl_tables $(_ferctl_table_ids "${ferctl[@]}")"
		else
			_ferctl_reply "$_ferctl_tables $(_ferctl_table_ids "${ferctl[@]}")"
		fi
		return ;;
	proto | protocol) _ferctl_reply "$_ferctl_protocols"; return ;;
	scope) _ferctl_reply "$_ferctl_scopes"; return ;;
	from | to)
		[ "$object" = rule ] && _ferctl_reply "all"
		return ;;
	via) _ferctl_reply "inet"; return ;; # via [inet] ADDRESS
	src | metric | priority | preference | pref | order | tos | dsfield | \
		mtu | weight | mark | fwmark | goto | keys | seed | local | inet | \
		source | group | threshold)
		return ;; # a number or an address
	esac

	# The bare value some commands take first.
	if [ "$COMP_CWORD" -eq "$first" ]; then
		case "$object $command" in
		"port add") _ferctl_reply "dev $(_ferctl_devices "$netns")"; return ;;
		"port set")
			_ferctl_reply "dev all default $(_ferctl_ports "${ferctl[@]}")"; return ;;
		"port delete" | "port list" | "port show" | "address list" | "address show" | \
			"mvif add" | "mvif delete")
			_ferctl_reply "dev $(_ferctl_ports "${ferctl[@]}")"; return ;;
		"table delete")
			_ferctl_reply "$_ferctl_tables $(_ferctl_table_ids "${ferctl[@]}")"; return ;;
		esac
	fi
	_ferctl_reply "$(_ferctl_keywords "$object" "$command" "$nexthop")"
}

complete -F _ferctl ferctl

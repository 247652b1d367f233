// SPDX-License-Identifier: GPL-2.0

//! The `ferroute` generic netlink family's numbers: the one place they are
//! written. The module (`crate::uapi`) and ferctl (`#[path]`-included) both
//! use this file, and tools/ferctl/tests/check_spec.py checks ferctl's view
//! of it against Documentation/netlink/specs/ferroute.yaml, so kernel,
//! tool and spec cannot drift apart.

/// Attribute numbers (the spec's `ferroute` attribute set).
pub mod attr {
    /// Linux ifindex of a port (u32).
    pub const IFINDEX: u16 = 1;
    /// Port name (string).
    pub const IFNAME: u16 = 2;
    /// IPv4 address (u32, network byte order).
    pub const ADDRESS: u16 = 3;
    /// Prefix length (u8, 0..=32).
    pub const PREFIXLEN: u16 = 4;
    /// Port kind (u8).
    pub const KIND: u16 = 5;
    /// MAC address (6 bytes).
    pub const MAC: u16 = 6;
    /// Counter name (string).
    pub const STAT_NAME: u16 = 7;
    /// Counter value (u64).
    pub const STAT_VALUE: u16 = 8;
    /// Neighbour state (u8).
    pub const NEIGH_STATE: u16 = 9;
    /// The router's port number (u32).
    pub const PORT_ID: u16 = 10;
    /// Routing table id (u32).
    pub const TABLE: u16 = 11;
    /// Route type, an RTN_* number (u8).
    pub const ROUTE_TYPE: u16 = 12;
    /// Route scope, an RT_SCOPE_* number (u8).
    pub const SCOPE: u16 = 13;
    /// Gateway (u32, network byte order).
    pub const GATEWAY: u16 = 14;
    /// Route metric (u32).
    pub const METRIC: u16 = 15;
    /// Preferred source (u32, network byte order).
    pub const PREFSRC: u16 = 16;
    /// Route protocol, an RTPROT_* number (u8).
    pub const PROTOCOL: u16 = 17;
    /// TOS (u8).
    pub const TOS: u16 = 18;
    /// Route MTU (u32).
    pub const MTU: u16 = 19;
    /// 1 add, 2 replace, 3 append, 4 prepend (u8).
    pub const ROUTE_MODE: u16 = 20;
    /// `route get ... from` (u32, network byte order).
    pub const SRC: u16 = 21;
    /// `route get ... iif` (string).
    pub const IIFNAME: u16 = 22;
    /// `route get ... mark` (u32).
    pub const MARK: u16 = 23;
    /// On-link gateway (u8 0/1).
    pub const ONLINK: u16 = 24;
    /// Rule priority, `pref` (u32).
    pub const PRIORITY: u16 = 25;
    /// Rule source prefix length, with `src` (u8, 0..=32).
    pub const SRC_LEN: u16 = 26;
    /// Rule mark mask, with `mark` (u32).
    pub const FWMASK: u16 = 27;
    /// Rule action, an FR_ACT_* number (u8).
    pub const RULE_ACTION: u16 = 28;
    /// Priority a `goto` rule continues at (u32).
    pub const GOTO: u16 = 29;
    /// Rule applies when it does not match, `not` (u8 0/1).
    pub const INVERT: u16 = 30;
    /// Multipath next hops: a nest of [`multipath::NEXTHOP`] nests, in
    /// order.
    pub const MULTIPATH: u16 = 31;
    /// Number of routes in a table (u32, table-list replies).
    pub const ROUTE_COUNT: u16 = 32;
    /// Inode number of the network namespace a port's device lives in
    /// (u32, port-get replies; `stat -L -c %i /run/netns/NAME`).
    pub const NETNS: u16 = 33;
    // 34..=39 unused.
    /// `fib-bench`: number of random keys (u32; request, default 1,000,000,
    /// at most 16,777,216; echoed in the reply).
    pub const BENCH_KEYS: u16 = 40;
    /// `fib-bench`: seed of the key generator (u32; request, default
    /// 12345; echoed in the reply).
    pub const BENCH_SEED: u16 = 41;
    /// `fib-bench`: nanoseconds of ferroute's main-table lookups over all
    /// keys (u64).
    pub const BENCH_FERROUTE_NS: u16 = 42;
    /// `fib-bench`: keys with a route in ferroute's main table (u32).
    pub const BENCH_FERROUTE_HITS: u16 = 43;
    /// `fib-bench`: nanoseconds of the kernel's `fib_table_lookup` on its
    /// main table over the same keys (u64).
    pub const BENCH_LINUX_NS: u16 = 44;
    /// `fib-bench`: keys with a route in the kernel's main table (u32).
    pub const BENCH_LINUX_HITS: u16 = 45;
    /// `fib-bench`: nanoseconds of ferroute's full `fib_lookup` (policy
    /// rules, then tables; what route input calls) over the same keys (u64).
    pub const BENCH_RULES_NS: u16 = 46;
    /// `fib-bench`: keys the full `fib_lookup` found a route for (u32).
    pub const BENCH_RULES_HITS: u16 = 47;
    /// `fib-bench`: keys for which ferroute and the kernel found different
    /// prefix lengths, or only one found a route (u32).
    pub const BENCH_MISMATCHES: u16 = 48;
    /// `fib-bench`: routes in ferroute's main table (u32).
    pub const BENCH_ROUTES: u16 = 49;
    /// `fib-bench`: trie nodes of ferroute's main table (u32).
    pub const BENCH_NODES: u16 = 50;
    /// `fib-bench`: bytes of ferroute's main table, trie nodes and route
    /// lists, as `TrieStats` counts them (u64).
    pub const BENCH_BYTES: u16 = 51;
    /// Port setting `forwarding` (u8 0/1, default 1).
    pub const FORWARDING: u16 = 52;
    /// Port setting `rp_filter`: 0 off, 1 strict, 2 loose (u8, default 0).
    pub const RP_FILTER: u16 = 53;
    /// Port setting `send_redirects` (u8 0/1, default 1).
    pub const SEND_REDIRECTS: u16 = 54;
    /// Port setting `accept_local` (u8 0/1, default 0).
    pub const ACCEPT_LOCAL: u16 = 55;
    /// Port setting `route_localnet` (u8 0/1, default 0).
    pub const ROUTE_LOCALNET: u16 = 56;
    /// Router setting `icmp_ratelimit`, milliseconds (u32 up to
    /// 2147483647, default 1000).
    pub const ICMP_RATELIMIT: u16 = 57;
    /// Router setting `icmp_ratemask` (u32, default 6168).
    pub const ICMP_RATEMASK: u16 = 58;
    /// Router setting `icmp_msgs_per_sec` (u32 up to 2147483647, default
    /// 1000).
    pub const ICMP_MSGS_PER_SEC: u16 = 59;
    /// Router setting `icmp_msgs_burst` (u32 up to 2147483647, default 50).
    pub const ICMP_MSGS_BURST: u16 = 60;
    /// Router setting `icmp_echo_ignore_broadcasts` (u8 0/1, default 1).
    pub const ICMP_ECHO_IGNORE_BROADCASTS: u16 = 61;
    /// Router setting `icmp_errors_use_inbound_ifaddr` (u8 0/1, default 0).
    pub const ICMP_ERRORS_USE_INBOUND_IFADDR: u16 = 62;
    /// Router setting `ip_default_ttl` (u8 1..=255, default 64).
    pub const IP_DEFAULT_TTL: u16 = 63;
    /// Router setting `udp_echo`: the UDP echo service on port 7 (u8 0/1,
    /// default 0).
    pub const UDP_ECHO: u16 = 64;
    /// `route-get` flag (u8 1): answer with the route the lookup matched,
    /// as `route-list` describes it (`RTM_F_FIB_MATCH`).
    pub const FIB_MATCH: u16 = 65;
    /// A rule-list entry's state (u8, Linux's `FIB_RULE_*` bits):
    /// [`rule_flags::UNRESOLVED`] a goto whose target priority no rule
    /// has; [`rule_flags::IIF_DETACHED`], [`rule_flags::OIF_DETACHED`] an
    /// `iif`/`oif` naming a device that no port has (the rule is kept by
    /// name and matches nothing until a port of that name comes).
    pub const RULE_FLAGS: u16 = 66;
    /// The `conf.all` port settings (a nest of the port setting
    /// attributes, `forwarding` to `route_localnet`), in a `conf-get`
    /// reply.
    pub const CONF_ALL: u16 = 67;
    /// The `conf.default` port settings (a nest like [`CONF_ALL`]'s).
    pub const CONF_DEFAULT: u16 = 68;
    /// Multicast route source, 0.0.0.0 for (*,G) (u32, network byte order).
    pub const MR_ORIGIN: u16 = 69;
    /// Multicast group (u32, network byte order).
    pub const MR_GROUP: u16 = 70;
    /// A VIF's TTL threshold (u8, 1..=255).
    pub const MR_THRESHOLD: u16 = 71;
    /// Per VIF, the TTL threshold of an MFC entry's output (32 bytes,
    /// Linux's `mfcc_ttls`: 0 or 255 for "not an output").
    pub const MR_TTLS: u16 = 72;
    /// A VIF's index (u8, replies).
    pub const MR_VIF: u16 = 73;
    /// Packets that matched an MFC entry (u64, replies).
    pub const MR_PACKETS: u16 = 74;
    /// Bytes that matched an MFC entry (u64, replies).
    pub const MR_BYTES: u16 = 75;
    /// Packets that arrived on another port than the entry's input (u64,
    /// replies).
    pub const MR_WRONG_IF: u16 = 76;
    /// Packets received on a VIF and forwarded (u64, replies).
    pub const MR_PKT_IN: u16 = 77;
    /// Their bytes (u64, replies).
    pub const MR_BYTES_IN: u16 = 78;
    /// Packets sent out of a VIF (u64, replies).
    pub const MR_PKT_OUT: u16 = 79;
    /// Their bytes (u64, replies).
    pub const MR_BYTES_OUT: u16 = 80;
    /// Packets the port's device received (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_PACKETS: u16 = 81;
    /// Bytes it received (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_BYTES: u16 = 82;
    /// Its receive errors (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_ERRORS: u16 = 83;
    /// Received packets it dropped (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_DROPPED: u16 = 84;
    /// Packets it missed (rx_missed_errors) (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_MISSED: u16 = 85;
    /// Multicast packets it received (u64, `port-get` replies with `ip -s link`'s counters).
    pub const RX_MULTICAST: u16 = 86;
    /// Packets it sent (u64, `port-get` replies with `ip -s link`'s counters).
    pub const TX_PACKETS: u16 = 87;
    /// Bytes it sent (u64, `port-get` replies with `ip -s link`'s counters).
    pub const TX_BYTES: u16 = 88;
    /// Its transmit errors (u64, `port-get` replies with `ip -s link`'s counters).
    pub const TX_ERRORS: u16 = 89;
    /// Packets it dropped on transmit (u64, `port-get` replies with `ip -s link`'s counters).
    pub const TX_DROPPED: u16 = 90;
    /// Its carrier errors (u64, `port-get` replies with `ip -s link`'s counters).
    pub const TX_CARRIER: u16 = 91;
    /// Its collisions (u64, `port-get` replies with `ip -s link`'s counters).
    pub const COLLISIONS: u16 = 92;
    /// The host whose IGMP report was the last for a group (u32, network
    /// byte order, `mgroup-list` replies).
    pub const MG_REPORTER: u16 = 93;
    /// Milliseconds until a group membership ends unless a report comes
    /// (u32, `mgroup-list` replies).
    pub const MG_EXPIRES: u16 = 94;
    /// A VIF forwards (*,G) traffic only to groups with members on its
    /// link, from IGMP (u8 0/1, `mvif-add`, `mvif-list`). Default 0.
    pub const MR_PRUNE: u16 = 95;
    /// Router setting `igmp_querier`: the router is the IGMP querier on
    /// its VIFs (u8 0/1). Default 0.
    pub const IGMP_QUERIER: u16 = 96;
    /// Router setting `igmp_query_interval` (u32 ms). Default 125000.
    pub const IGMP_QUERY_INTERVAL: u16 = 97;
    /// Router setting `igmp_query_response_interval` (u32 ms). Default
    /// 10000.
    pub const IGMP_QUERY_RESPONSE_INTERVAL: u16 = 98;
    /// Router setting `igmp_last_member_interval` (u32 ms). Default 1000.
    pub const IGMP_LAST_MEMBER_INTERVAL: u16 = 99;
    /// Router setting `igmp_robustness` (u8, 1 to 7). Default 2.
    pub const IGMP_ROBUSTNESS: u16 = 100;
    /// The link's IGMP querier as the router knows it (u32, network byte
    /// order, `mvif-list`): its own address when it is the querier, the
    /// other router's when one with a lower address is; absent when
    /// there is none.
    pub const MR_QUERIER: u16 = 101;
    /// `route-add-batch`: the updates, a nest of [`route_batch::ROUTE`]
    /// nests (each holding what one `route-add` request holds) and
    /// [`route_batch::ROUTE_DEL`] nests (what one `route-del` holds).
    pub const ROUTE_BATCH: u16 = 102;
}

/// Bits of the `rule-flags` attribute (Linux's `FIB_RULE_*`).
pub mod rule_flags {
    /// `FIB_RULE_UNRESOLVED`: a goto without a rule at its target.
    pub const UNRESOLVED: u8 = 0x04;
    /// `FIB_RULE_IIF_DETACHED`.
    pub const IIF_DETACHED: u8 = 0x08;
    /// `FIB_RULE_OIF_DETACHED`.
    pub const OIF_DETACHED: u8 = 0x10;
}

/// Attribute numbers inside the `route-batch` nest.
pub mod route_batch {
    /// A route to add: a nest of `route-add`'s attributes.
    pub const ROUTE: u16 = 1;
    /// A route to delete: a nest of `route-del`'s attributes. Both kinds
    /// repeat, mixed, in the order they apply.
    pub const ROUTE_DEL: u16 = 2;
}

/// Attribute numbers inside the `multipath` nest.
pub mod multipath {
    /// One next hop (a nest of [`super::nexthop`] attributes), repeated.
    pub const NEXTHOP: u16 = 1;
}

/// Attribute numbers inside one `multipath` entry (the spec's `nexthop`
/// attribute set).
pub mod nexthop {
    /// Gateway (u32, network byte order).
    pub const GATEWAY: u16 = 1;
    /// Output port name (string).
    pub const IFNAME: u16 = 2;
    /// Weight, 1..=256 (u32).
    pub const WEIGHT: u16 = 3;
    /// On-link gateway (u8 0/1).
    pub const ONLINK: u16 = 4;
    /// Of a dump: the next hop is dead (its port is down or lost its last
    /// address) and unused until it revives (u8 1; Linux's `RTNH_F_DEAD`
    /// with `RTNH_F_LINKDOWN`). Refused in requests.
    pub const DEAD: u16 = 5;
}

/// Rule actions (`FR_ACT_*`, the `rule-action` attribute).
pub mod rule_action {
    /// Look up a table.
    pub const TO_TABLE: u8 = 1;
    /// Continue at another priority.
    pub const GOTO: u8 = 2;
    /// Do nothing.
    pub const NOP: u8 = 3;
    /// Drop silently (EINVAL).
    pub const BLACKHOLE: u8 = 6;
    /// Network unreachable (ENETUNREACH).
    pub const UNREACHABLE: u8 = 7;
    /// Administratively prohibited (EACCES).
    pub const PROHIBIT: u8 = 8;
}

/// Command numbers.
pub mod cmd {
    /// Attach a device (do, admin).
    pub const PORT_ADD: u8 = 1;
    /// Detach a port (do, admin).
    pub const PORT_DEL: u8 = 2;
    /// List ports (dump).
    pub const PORT_GET: u8 = 3;
    /// Add an address (do, admin).
    pub const ADDR_ADD: u8 = 4;
    /// Remove an address (do, admin).
    pub const ADDR_DEL: u8 = 5;
    /// List addresses (dump).
    pub const ADDR_GET: u8 = 6;
    /// List counters (dump).
    pub const STATS_GET: u8 = 7;
    /// List neighbours (dump).
    pub const NEIGH_GET: u8 = 8;
    /// Add a route (do, admin).
    pub const ROUTE_ADD: u8 = 9;
    /// Delete a route (do, admin).
    pub const ROUTE_DEL: u8 = 10;
    /// Ask for the route to an address (do).
    pub const ROUTE_GET: u8 = 11;
    /// List routes (dump).
    pub const ROUTE_LIST: u8 = 12;
    /// Add a policy rule (do, admin).
    pub const RULE_ADD: u8 = 13;
    /// Delete a policy rule (do, admin).
    pub const RULE_DEL: u8 = 14;
    /// List policy rules (dump).
    pub const RULE_LIST: u8 = 15;
    /// List routing tables (dump).
    pub const TABLE_LIST: u8 = 16;
    /// Time ferroute's FIB lookup against the kernel's `fib_table_lookup`
    /// over the same random keys (do, admin).
    pub const FIB_BENCH: u8 = 17;
    /// Remove an empty routing table (do, admin).
    pub const TABLE_DEL: u8 = 18;
    /// Change a port's settings (do, admin).
    pub const PORT_SET: u8 = 19;
    /// Show the router's settings (do).
    pub const CONF_GET: u8 = 20;
    /// Change the router's settings (do, admin).
    pub const CONF_SET: u8 = 21;
    /// Make a port a multicast VIF (`MRT_ADD_VIF`).
    pub const MVIF_ADD: u8 = 22;
    /// Remove a port's VIF (`MRT_DEL_VIF`).
    pub const MVIF_DEL: u8 = 23;
    /// Dump the VIFs.
    pub const MVIF_LIST: u8 = 24;
    /// Add or replace an MFC entry (`MRT_ADD_MFC`).
    pub const MROUTE_ADD: u8 = 25;
    /// Delete an MFC entry (`MRT_DEL_MFC`).
    pub const MROUTE_DEL: u8 = 26;
    /// Dump the MFC entries with their counters.
    pub const MROUTE_LIST: u8 = 27;
    /// Notification (group `port`): a port was added; `port-get`'s
    /// attributes.
    pub const PORT_NEW_NTF: u8 = 28;
    /// Notification (group `port`): a port was removed.
    pub const PORT_DEL_NTF: u8 = 29;
    /// Notification (group `addr`): an address was added; `addr-get`'s
    /// attributes.
    pub const ADDR_NEW_NTF: u8 = 30;
    /// Notification (group `addr`): an address was removed.
    pub const ADDR_DEL_NTF: u8 = 31;
    /// Notification (group `route`): a route was added or replaced
    /// (`RTM_NEWROUTE`); `route-list`'s attributes.
    pub const ROUTE_NEW_NTF: u8 = 32;
    /// Notification (group `route`): a route was deleted (`RTM_DELROUTE`).
    pub const ROUTE_DEL_NTF: u8 = 33;
    /// Notification (group `rule`): a rule was added; `rule-list`'s
    /// attributes.
    pub const RULE_NEW_NTF: u8 = 34;
    /// Notification (group `rule`): a rule was deleted.
    pub const RULE_DEL_NTF: u8 = 35;
    /// Notification (group `neigh`): a neighbour entry was created or
    /// changed state (`RTM_NEWNEIGH`); `neigh-get`'s attributes.
    pub const NEIGH_NEW_NTF: u8 = 36;
    /// Notification (group `neigh`): a neighbour entry was removed. Not
    /// sent yet (the neighbour timer removes entries and has no namespace
    /// to send in); its number is reserved.
    pub const NEIGH_DEL_NTF: u8 = 37;
    /// Notification (group `mroute`, CAP_NET_ADMIN to join): multicast
    /// traffic arrived for an (S,G) without an MFC entry and waits for
    /// one (Linux's `IGMPMSG_NOCACHE` upcall).
    pub const MROUTE_NOCACHE_NTF: u8 = 38;
    /// List the groups with members on the VIFs, learnt from IGMP
    /// reports (dump).
    pub const MGROUP_LIST: u8 = 39;
    /// Add several routes at once, in order, or none of them (do, admin):
    /// what `ferctl -batch` sends for consecutive `route add` lines, one
    /// configuration change (and one RCU publication) for all.
    pub const ROUTE_ADD_BATCH: u8 = 40;
}

/// The family's multicast groups, by number (index in the family's group
/// list), which `ferctl monitor` and ynl's `--subscribe` join by name.
pub mod mcgrp {
    /// Ports added and removed.
    pub const PORT: u32 = 0;
    /// Addresses added and removed.
    pub const ADDR: u32 = 1;
    /// Routes added, replaced and deleted.
    pub const ROUTE: u32 = 2;
    /// Rules added and deleted.
    pub const RULE: u32 = 3;
    /// Neighbour entries created, changed and removed.
    pub const NEIGH: u32 = 4;
    /// Multicast routing upcalls (joining needs CAP_NET_ADMIN, as
    /// rtnetlink's `RTNLGRP_IPV4_MROUTE_R`).
    pub const MROUTE: u32 = 5;
    /// Every group's name, in number order.
    pub const NAMES: [&str; 6] = ["port", "addr", "route", "rule", "neigh", "mroute"];
}

/// The attributes each command takes in its request: the spec's `do:
/// request:` (or `dump: request:`) attributes, which are the contract.
///
/// The module registers one policy per operation from these lists, in
/// which every other attribute is rejected (EINVAL, the extended ACK
/// pointing at it), so a request cannot carry an attribute that its
/// command would silently ignore. ferctl prints them
/// (`ferctl --dump-constants`) and tools/ferctl/tests/check_spec.py
/// compares them with the spec.
pub mod request {
    use super::attr::*;
    use super::cmd;

    /// `route-add`: the route, its next hops and how it meets existing
    /// routes.
    const ROUTE_ADD: &[u16] = &[
        ADDRESS, PREFIXLEN, TABLE, ROUTE_TYPE, SCOPE, GATEWAY, IFNAME, METRIC, PREFSRC, PROTOCOL,
        TOS, MTU, ONLINK, MULTIPATH, ROUTE_MODE,
    ];
    /// `route-del`: the prefix and the keys a route must match (not its
    /// mtu, onlink or next hops: a multipath route is deleted by its key).
    const ROUTE_DEL: &[u16] = &[
        ADDRESS, PREFIXLEN, TABLE, ROUTE_TYPE, SCOPE, GATEWAY, IFNAME, METRIC, PREFSRC, PROTOCOL,
        TOS,
    ];
    /// `route-get`: the destination and what the lookup starts from.
    const ROUTE_GET: &[u16] = &[ADDRESS, SRC, IIFNAME, IFNAME, MARK, TOS, FIB_MATCH];
    /// `rule-add` and `rule-del`: selectors and action.
    const RULE: &[u16] = &[
        PRIORITY,
        SRC,
        SRC_LEN,
        ADDRESS,
        PREFIXLEN,
        IIFNAME,
        IFNAME,
        TOS,
        MARK,
        FWMASK,
        INVERT,
        RULE_ACTION,
        TABLE,
        GOTO,
    ];

    /// `port-set`: the port and the settings to change.
    const PORT_SET: &[u16] = &[
        IFNAME,
        FORWARDING,
        RP_FILTER,
        SEND_REDIRECTS,
        ACCEPT_LOCAL,
        ROUTE_LOCALNET,
    ];
    /// `conf-set`: the router settings to change.
    const CONF_SET: &[u16] = &[
        ICMP_RATELIMIT,
        ICMP_RATEMASK,
        ICMP_MSGS_PER_SEC,
        ICMP_MSGS_BURST,
        ICMP_ECHO_IGNORE_BROADCASTS,
        ICMP_ERRORS_USE_INBOUND_IFADDR,
        IP_DEFAULT_TTL,
        UDP_ECHO,
        IGMP_QUERIER,
        IGMP_QUERY_INTERVAL,
        IGMP_QUERY_RESPONSE_INTERVAL,
        IGMP_LAST_MEMBER_INTERVAL,
        IGMP_ROBUSTNESS,
    ];

    /// The attributes command `cmd` accepts; none for a command that takes
    /// none (the plain dumps) or that does not exist.
    pub const fn attrs(cmd: u8) -> &'static [u16] {
        match cmd {
            cmd::PORT_ADD | cmd::PORT_DEL => &[IFNAME],
            cmd::ADDR_ADD | cmd::ADDR_DEL => &[IFNAME, ADDRESS, PREFIXLEN],
            cmd::ROUTE_ADD => ROUTE_ADD,
            cmd::ROUTE_ADD_BATCH => &[ROUTE_BATCH],
            cmd::ROUTE_DEL => ROUTE_DEL,
            cmd::ROUTE_GET => ROUTE_GET,
            cmd::ROUTE_LIST => &[TABLE],
            cmd::RULE_ADD | cmd::RULE_DEL => RULE,
            cmd::TABLE_DEL => &[TABLE],
            cmd::FIB_BENCH => &[BENCH_KEYS, BENCH_SEED],
            cmd::PORT_SET => PORT_SET,
            cmd::CONF_SET => CONF_SET,
            cmd::MVIF_ADD => &[IFNAME, MR_THRESHOLD, MR_PRUNE],
            cmd::MVIF_DEL => &[IFNAME],
            cmd::MROUTE_ADD => &[MR_ORIGIN, MR_GROUP, IFNAME, MR_TTLS],
            cmd::MROUTE_DEL => &[MR_ORIGIN, MR_GROUP],
            // port-get, addr-get, stats-get, neigh-get, rule-list,
            // table-list, conf-get, mvif-list and mroute-list take no
            // attribute.
            _ => &[],
        }
    }
}

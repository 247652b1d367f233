// SPDX-License-Identifier: GPL-2.0
//! The ferroute generic netlink contract: family name, version, command and
//! attribute numbers and the values of the enumerated attributes.
//!
//! This is the one place where ferctl spells out the numbers; the YAML spec
//! in `Documentation/netlink/specs/ferroute.yaml` describes the same family
//! and `tools/ferctl/tests/check_spec.py` checks that the two agree (through
//! `ferctl --dump-constants`).

/// Generic netlink family name registered by the ferroute module.
pub const FAMILY_NAME: &str = "ferroute";
/// Version of the family, sent in every generic netlink header.
pub const FAMILY_VERSION: u8 = 1;

/// Longest interface name, without the terminating NUL (IFNAMSIZ - 1).
pub const IFNAME_MAX: usize = 15;
/// Length of a MAC address attribute.
pub const MAC_LEN: usize = 6;

/// Attribute numbers of the `ferroute` attribute set.
pub mod attr {
    pub use crate::uapi::attr::*;

    /// Every attribute with its spec name, in numbering order.
    pub const ALL: &[(&str, u16)] = &[
        ("ifindex", IFINDEX),
        ("ifname", IFNAME),
        ("address", ADDRESS),
        ("prefixlen", PREFIXLEN),
        ("kind", KIND),
        ("mac", MAC),
        ("stat-name", STAT_NAME),
        ("stat-value", STAT_VALUE),
        ("neigh-state", NEIGH_STATE),
        ("port-id", PORT_ID),
        ("table", TABLE),
        ("route-type", ROUTE_TYPE),
        ("scope", SCOPE),
        ("gateway", GATEWAY),
        ("metric", METRIC),
        ("prefsrc", PREFSRC),
        ("protocol", PROTOCOL),
        ("tos", TOS),
        ("mtu", MTU),
        ("route-mode", ROUTE_MODE),
        ("src", SRC),
        ("iifname", IIFNAME),
        ("mark", MARK),
        ("onlink", ONLINK),
        ("priority", PRIORITY),
        ("src-len", SRC_LEN),
        ("fwmask", FWMASK),
        ("rule-action", RULE_ACTION),
        ("goto", GOTO),
        ("invert", INVERT),
        ("multipath", MULTIPATH),
        ("route-count", ROUTE_COUNT),
        ("netns", NETNS),
        ("bench-keys", BENCH_KEYS),
        ("bench-seed", BENCH_SEED),
        ("bench-ferroute-ns", BENCH_FERROUTE_NS),
        ("bench-ferroute-hits", BENCH_FERROUTE_HITS),
        ("bench-linux-ns", BENCH_LINUX_NS),
        ("bench-linux-hits", BENCH_LINUX_HITS),
        ("bench-rules-ns", BENCH_RULES_NS),
        ("bench-rules-hits", BENCH_RULES_HITS),
        ("bench-mismatches", BENCH_MISMATCHES),
        ("bench-routes", BENCH_ROUTES),
        ("bench-nodes", BENCH_NODES),
        ("bench-bytes", BENCH_BYTES),
        ("forwarding", FORWARDING),
        ("rp-filter", RP_FILTER),
        ("send-redirects", SEND_REDIRECTS),
        ("accept-local", ACCEPT_LOCAL),
        ("route-localnet", ROUTE_LOCALNET),
        ("icmp-ratelimit", ICMP_RATELIMIT),
        ("icmp-ratemask", ICMP_RATEMASK),
        ("icmp-msgs-per-sec", ICMP_MSGS_PER_SEC),
        ("icmp-msgs-burst", ICMP_MSGS_BURST),
        ("icmp-echo-ignore-broadcasts", ICMP_ECHO_IGNORE_BROADCASTS),
        (
            "icmp-errors-use-inbound-ifaddr",
            ICMP_ERRORS_USE_INBOUND_IFADDR,
        ),
        ("ip-default-ttl", IP_DEFAULT_TTL),
        ("udp-echo", UDP_ECHO),
        ("fib-match", FIB_MATCH),
        ("rule-flags", RULE_FLAGS),
        ("conf-all", CONF_ALL),
        ("conf-default", CONF_DEFAULT),
        ("mr-origin", MR_ORIGIN),
        ("mr-group", MR_GROUP),
        ("mr-threshold", MR_THRESHOLD),
        ("mr-ttls", MR_TTLS),
        ("mr-vif", MR_VIF),
        ("mr-packets", MR_PACKETS),
        ("mr-bytes", MR_BYTES),
        ("mr-wrong-if", MR_WRONG_IF),
        ("mr-pkt-in", MR_PKT_IN),
        ("mr-bytes-in", MR_BYTES_IN),
        ("mr-pkt-out", MR_PKT_OUT),
        ("mr-bytes-out", MR_BYTES_OUT),
        ("rx-packets", RX_PACKETS),
        ("rx-bytes", RX_BYTES),
        ("rx-errors", RX_ERRORS),
        ("rx-dropped", RX_DROPPED),
        ("rx-missed", RX_MISSED),
        ("rx-multicast", RX_MULTICAST),
        ("tx-packets", TX_PACKETS),
        ("tx-bytes", TX_BYTES),
        ("tx-errors", TX_ERRORS),
        ("tx-dropped", TX_DROPPED),
        ("tx-carrier", TX_CARRIER),
        ("collisions", COLLISIONS),
        ("mg-reporter", MG_REPORTER),
        ("mg-expires", MG_EXPIRES),
        ("mr-prune", MR_PRUNE),
        ("igmp-querier", IGMP_QUERIER),
        ("igmp-query-interval", IGMP_QUERY_INTERVAL),
        ("igmp-query-response-interval", IGMP_QUERY_RESPONSE_INTERVAL),
        ("igmp-last-member-interval", IGMP_LAST_MEMBER_INTERVAL),
        ("igmp-robustness", IGMP_ROBUSTNESS),
        ("mr-querier", MR_QUERIER),
        ("route-batch", ROUTE_BATCH),
    ];

    /// Spec name of an attribute number, for error messages.
    pub fn name(nr: u16) -> &'static str {
        ALL.iter()
            .find(|(_, n)| *n == nr)
            .map_or("unknown", |(name, _)| name)
    }
}

/// Command numbers of the family.
pub mod cmd {
    pub use crate::uapi::cmd::*;

    /// Every command with its spec name, in numbering order.
    pub const ALL: &[(&str, u8)] = &[
        ("port-add", PORT_ADD),
        ("port-del", PORT_DEL),
        ("port-get", PORT_GET),
        ("addr-add", ADDR_ADD),
        ("addr-del", ADDR_DEL),
        ("addr-get", ADDR_GET),
        ("stats-get", STATS_GET),
        ("neigh-get", NEIGH_GET),
        ("route-add", ROUTE_ADD),
        ("route-del", ROUTE_DEL),
        ("route-get", ROUTE_GET),
        ("route-list", ROUTE_LIST),
        ("rule-add", RULE_ADD),
        ("rule-del", RULE_DEL),
        ("rule-list", RULE_LIST),
        ("table-list", TABLE_LIST),
        ("fib-bench", FIB_BENCH),
        ("table-del", TABLE_DEL),
        ("port-set", PORT_SET),
        ("conf-get", CONF_GET),
        ("conf-set", CONF_SET),
        ("mvif-add", MVIF_ADD),
        ("mvif-del", MVIF_DEL),
        ("mvif-list", MVIF_LIST),
        ("mroute-add", MROUTE_ADD),
        ("mroute-del", MROUTE_DEL),
        ("mroute-list", MROUTE_LIST),
        ("mgroup-list", MGROUP_LIST),
        ("route-add-batch", ROUTE_ADD_BATCH),
    ];

    /// Every notification with its spec name and multicast group.
    pub const NOTIFICATIONS: &[(&str, u8, u32)] = &[
        ("port-new-ntf", PORT_NEW_NTF, mcgrp::PORT),
        ("port-del-ntf", PORT_DEL_NTF, mcgrp::PORT),
        ("addr-new-ntf", ADDR_NEW_NTF, mcgrp::ADDR),
        ("addr-del-ntf", ADDR_DEL_NTF, mcgrp::ADDR),
        ("route-new-ntf", ROUTE_NEW_NTF, mcgrp::ROUTE),
        ("route-del-ntf", ROUTE_DEL_NTF, mcgrp::ROUTE),
        ("rule-new-ntf", RULE_NEW_NTF, mcgrp::RULE),
        ("rule-del-ntf", RULE_DEL_NTF, mcgrp::RULE),
        ("neigh-new-ntf", NEIGH_NEW_NTF, mcgrp::NEIGH),
        ("neigh-del-ntf", NEIGH_DEL_NTF, mcgrp::NEIGH),
        ("mroute-nocache-ntf", MROUTE_NOCACHE_NTF, mcgrp::MROUTE),
    ];
    use crate::uapi::mcgrp;
}

pub use crate::uapi::multipath;
pub use crate::uapi::route_batch;

/// The attributes each command takes in its request; the module rejects
/// any other (EINVAL).
pub mod request {
    pub use crate::uapi::request::*;
}

/// Attribute numbers inside one `multipath` entry (the `nexthop` set).
pub mod nexthop {
    pub use crate::uapi::nexthop::*;

    /// Every attribute with its spec name, in numbering order.
    pub const ALL: &[(&str, u16)] = &[
        ("gateway", GATEWAY),
        ("ifname", IFNAME),
        ("weight", WEIGHT),
        ("onlink", ONLINK),
        ("dead", DEAD),
    ];
}

/// Bits of the `rule-flags` attribute (Linux FIB_RULE_*).
pub mod rule_flags {
    pub use crate::uapi::rule_flags::*;
}

/// Values of the `rule-action` attribute (Linux FR_ACT_*).
pub mod rule_action {
    pub use crate::uapi::rule_action::*;

    /// Every action with its spec name.
    pub const ALL: &[(&str, u8)] = &[
        ("to-table", TO_TABLE),
        ("goto", GOTO),
        ("nop", NOP),
        ("blackhole", BLACKHOLE),
        ("unreachable", UNREACHABLE),
        ("prohibit", PROHIBIT),
    ];
}

/// `NLA_F_NESTED`: set on the type of an attribute holding attributes
/// (the kernel's strict validation requires it on nests).
pub const NLA_F_NESTED: u16 = 1 << 15;

/// Values of the `kind` attribute.
pub mod port_kind {
    /// An existing Ethernet device attached to the router.
    pub const ATTACHED: u8 = 1;
    /// A ferroute netdevice (fer0, fer1, ...).
    pub const FERROUTE: u8 = 2;

    /// Every kind with its spec name.
    pub const ALL: &[(&str, u8)] = &[("attached", ATTACHED), ("ferroute", FERROUTE)];
}

/// Values of the `neigh-state` attribute.
pub mod neigh_state {
    /// Resolution in progress.
    pub const INCOMPLETE: u8 = 1;
    /// Confirmed recently.
    pub const REACHABLE: u8 = 2;
    /// Usable, needs confirmation.
    pub const STALE: u8 = 3;
    /// Resolution failed.
    pub const FAILED: u8 = 4;
    /// Stale and in use: waiting before probing.
    pub const DELAY: u8 = 5;
    /// Being confirmed with unicast probes.
    pub const PROBE: u8 = 6;

    /// Every state with its spec name.
    pub const ALL: &[(&str, u8)] = &[
        ("incomplete", INCOMPLETE),
        ("reachable", REACHABLE),
        ("stale", STALE),
        ("failed", FAILED),
        ("delay", DELAY),
        ("probe", PROBE),
    ];
}

/// Well-known routing table ids (not an enum of the spec: any u32 is a
/// table).
pub mod table {
    /// All tables, as a route-list filter (RT_TABLE_UNSPEC).
    pub const ALL: u32 = 0;
    /// RT_TABLE_DEFAULT.
    pub const DEFAULT: u32 = 253;
    /// RT_TABLE_MAIN: where routes go unless told otherwise.
    pub const MAIN: u32 = 254;
    /// RT_TABLE_LOCAL: local and broadcast routes of the router's addresses.
    pub const LOCAL: u32 = 255;

    /// Names iproute2 gives them.
    pub const NAMES: &[(&str, u32)] = &[("local", LOCAL), ("main", MAIN), ("default", DEFAULT)];
}

/// Values of the `route-type` attribute (Linux RTN_*).
pub mod route_type {
    /// RTN_UNICAST: a gateway or direct route.
    pub const UNICAST: u8 = 1;
    /// RTN_LOCAL: accept locally.
    pub const LOCAL: u8 = 2;
    /// RTN_BROADCAST: accept locally as broadcast, send as broadcast.
    pub const BROADCAST: u8 = 3;
    /// RTN_BLACKHOLE: drop silently.
    pub const BLACKHOLE: u8 = 6;
    /// RTN_UNREACHABLE: drop, ICMP host unreachable.
    pub const UNREACHABLE: u8 = 7;
    /// RTN_PROHIBIT: drop, ICMP administratively prohibited.
    pub const PROHIBIT: u8 = 8;
    /// RTN_THROW: no route in this table; the rules go on.
    pub const THROW: u8 = 9;

    /// Every type with its spec name.
    pub const ALL: &[(&str, u8)] = &[
        ("unicast", UNICAST),
        ("local", LOCAL),
        ("broadcast", BROADCAST),
        ("blackhole", BLACKHOLE),
        ("unreachable", UNREACHABLE),
        ("prohibit", PROHIBIT),
        ("throw", THROW),
    ];
}

/// Values of the `scope` attribute (Linux RT_SCOPE_*).
pub mod scope {
    /// RT_SCOPE_UNIVERSE (iproute2 calls it "global").
    pub const UNIVERSE: u8 = 0;
    /// RT_SCOPE_SITE.
    pub const SITE: u8 = 200;
    /// RT_SCOPE_LINK: directly attached.
    pub const LINK: u8 = 253;
    /// RT_SCOPE_HOST: this host.
    pub const HOST: u8 = 254;

    /// Every scope with its spec name.
    pub const ALL: &[(&str, u8)] = &[
        ("universe", UNIVERSE),
        ("site", SITE),
        ("link", LINK),
        ("host", HOST),
    ];
}

/// Values of the `protocol` attribute (Linux RTPROT_*).
pub mod protocol {
    /// RTPROT_KERNEL: made by the router for its own addresses.
    pub const KERNEL: u8 = 2;
    /// RTPROT_BOOT: added by hand (the default of route-add).
    pub const BOOT: u8 = 3;
    /// RTPROT_STATIC: added by the administrator as permanent.
    pub const STATIC: u8 = 4;

    /// Every protocol with its spec name.
    pub const ALL: &[(&str, u8)] = &[("kernel", KERNEL), ("boot", BOOT), ("static", STATIC)];
}

/// Values of the `route-mode` attribute of route-add.
pub mod route_mode {
    /// Fail with EEXIST if the route exists (`ip route add`).
    pub const ADD: u8 = 1;
    /// Replace an existing route (`ip route replace`).
    pub const REPLACE: u8 = 2;
    /// Add after the existing routes of the prefix (`ip route append`).
    pub const APPEND: u8 = 3;
    /// Add before the existing routes of the prefix (`ip route prepend`).
    pub const PREPEND: u8 = 4;

    /// Every mode with its spec name.
    pub const ALL: &[(&str, u8)] = &[
        ("add", ADD),
        ("replace", REPLACE),
        ("append", APPEND),
        ("prepend", PREPEND),
    ];
}

/// The contract as JSON, printed by the hidden `ferctl --dump-constants`
/// option for `tests/check_spec.py`.
pub fn constants_json() -> serde_json::Value {
    fn table<T: Copy + Into<u64>>(entries: &[(&str, T)]) -> serde_json::Value {
        entries
            .iter()
            .map(|(name, nr)| ((*name).to_string(), serde_json::Value::from((*nr).into())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
    serde_json::json!({
        "family": FAMILY_NAME,
        "version": FAMILY_VERSION,
        "attributes": table(attr::ALL),
        "commands": table(cmd::ALL),
        "port-kind": table(port_kind::ALL),
        "neigh-state": table(neigh_state::ALL),
        "route-type": table(route_type::ALL),
        "scope": table(scope::ALL),
        "protocol": table(protocol::ALL),
        "route-mode": table(route_mode::ALL),
        "rule-action": table(rule_action::ALL),
        "nexthop-attributes": table(nexthop::ALL),
        "request-attributes": request_attributes(),
        "notifications": cmd::NOTIFICATIONS
            .iter()
            .map(|(n, nr, _)| ((*n).to_string(), serde_json::Value::from(*nr)))
            .collect::<serde_json::Map<_, _>>(),
        "notification-groups": cmd::NOTIFICATIONS
            .iter()
            .map(|(n, _, g)| {
                let group = crate::uapi::mcgrp::NAMES.get(*g as usize).copied().unwrap_or("?");
                ((*n).to_string(), serde_json::Value::from(group))
            })
            .collect::<serde_json::Map<_, _>>(),
        "mcast-groups": crate::uapi::mcgrp::NAMES,
    })
}

/// Each command's request attributes by spec name, in the module's order:
/// `{"route-get": ["address", "src", ...], ...}`.
fn request_attributes() -> serde_json::Value {
    cmd::ALL
        .iter()
        .map(|(name, nr)| {
            let attrs = request::attrs(*nr)
                .iter()
                .map(|a| serde_json::Value::from(attr::name(*a)))
                .collect::<Vec<_>>();
            ((*name).to_string(), serde_json::Value::from(attrs))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_dense_from_one() {
        // fib-bench's attributes start at 40 and its command is 17, past
        // the numbers reserved for rules, tables and multipath.
        let (before, bench): (Vec<_>, Vec<_>) =
            attr::ALL.iter().partition(|(_, nr)| *nr < attr::BENCH_KEYS);
        for (i, (_, nr)) in before.iter().enumerate() {
            assert_eq!(usize::from(*nr), i + 1);
        }
        for (i, (_, nr)) in bench.iter().enumerate() {
            assert_eq!(usize::from(*nr), i + usize::from(attr::BENCH_KEYS));
        }
        // Commands after the notifications (28..) continue after them.
        for (i, (_, nr)) in cmd::ALL.iter().enumerate() {
            if *nr != cmd::FIB_BENCH && *nr < cmd::PORT_NEW_NTF {
                assert_eq!(usize::from(*nr), i + 1);
            }
        }
        for (i, (_, nr)) in nexthop::ALL.iter().enumerate() {
            assert_eq!(usize::from(*nr), i + 1);
        }
    }

    #[test]
    fn constants_json_has_every_table() {
        let v = constants_json();
        assert_eq!(v["family"], "ferroute");
        assert_eq!(v["attributes"]["port-id"], 10);
        assert_eq!(v["commands"]["neigh-get"], 8);
        assert_eq!(v["port-kind"]["ferroute"], 2);
        assert_eq!(v["neigh-state"]["failed"], 4);
        assert_eq!(attr::name(attr::MAC), "mac");
        assert_eq!(attr::name(999), "unknown");
        assert_eq!(v["attributes"]["onlink"], 24);
        assert_eq!(v["commands"]["route-list"], 12);
        assert_eq!(v["commands"]["fib-bench"], 17);
        assert_eq!(v["attributes"]["bench-bytes"], 51);
        assert_eq!(v["route-type"]["prohibit"], 8);
        assert_eq!(v["scope"]["host"], 254);
        assert_eq!(v["protocol"]["boot"], 3);
        assert_eq!(v["route-mode"]["prepend"], 4);
        assert_eq!(v["attributes"]["route-count"], 32);
        assert_eq!(v["commands"]["table-list"], 16);
        assert_eq!(v["rule-action"]["prohibit"], 8);
        assert_eq!(v["nexthop-attributes"]["weight"], 3);
        assert_eq!(
            v["request-attributes"]["port-add"],
            serde_json::json!(["ifname"])
        );
        assert_eq!(v["request-attributes"]["stats-get"], serde_json::json!([]));
        assert_eq!(
            v["request-attributes"]["fib-bench"],
            serde_json::json!(["bench-keys", "bench-seed"])
        );
    }

    #[test]
    fn request_attributes_are_attributes_of_the_family() {
        for (name, nr) in cmd::ALL {
            let attrs = request::attrs(*nr);
            for a in attrs {
                assert_ne!(attr::name(*a), "unknown", "{name} takes attribute {a}");
            }
            let mut sorted = attrs.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), attrs.len(), "{name} lists an attribute twice");
        }
        assert!(request::attrs(99).is_empty());
    }
}

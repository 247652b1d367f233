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
    /// Linux ifindex of a port (u32).
    pub const IFINDEX: u16 = 1;
    /// Port name (NUL-terminated string, at most 15 characters).
    pub const IFNAME: u16 = 2;
    /// IPv4 address (u32, network byte order).
    pub const ADDRESS: u16 = 3;
    /// Prefix length (u8, 0..=32).
    pub const PREFIXLEN: u16 = 4;
    /// Port kind (u8, see [`super::port_kind`]).
    pub const KIND: u16 = 5;
    /// MAC address (binary, exactly 6 bytes).
    pub const MAC: u16 = 6;
    /// Counter name (string).
    pub const STAT_NAME: u16 = 7;
    /// Counter value (u64).
    pub const STAT_VALUE: u16 = 8;
    /// Neighbour state (u8, see [`super::neigh_state`]).
    pub const NEIGH_STATE: u16 = 9;
    /// The router's own port number (u32).
    pub const PORT_ID: u16 = 10;

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
    /// Attach an existing device of the caller's netns (do).
    pub const PORT_ADD: u8 = 1;
    /// Detach a port (do).
    pub const PORT_DEL: u8 = 2;
    /// List ports (dump).
    pub const PORT_GET: u8 = 3;
    /// Add an address to a port (do).
    pub const ADDR_ADD: u8 = 4;
    /// Remove an address from a port (do).
    pub const ADDR_DEL: u8 = 5;
    /// List addresses (dump).
    pub const ADDR_GET: u8 = 6;
    /// List counters (dump).
    pub const STATS_GET: u8 = 7;
    /// List neighbour cache entries (dump).
    pub const NEIGH_GET: u8 = 8;

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
    ];
}

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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_dense_from_one() {
        for (i, (_, nr)) in attr::ALL.iter().enumerate() {
            assert_eq!(usize::from(*nr), i + 1);
        }
        for (i, (_, nr)) in cmd::ALL.iter().enumerate() {
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
        assert_eq!(attr::name(99), "unknown");
    }
}

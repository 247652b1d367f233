// SPDX-License-Identifier: GPL-2.0
//! Decoded kernel replies: what a dump returns, independent of how it was
//! carried. The netlink layer produces these, the output layer prints them.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use crate::proto::{neigh_state, port_kind, protocol, route_type, scope, table};

/// A MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    /// True for 00:00:00:00:00:00 (what an unresolved neighbour may carry).
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Kind of a router port (`kind` attribute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortKind {
    /// An existing Ethernet device attached with `ferctl port add`.
    Attached,
    /// A ferroute netdevice (fer0, fer1, ...).
    Ferroute,
    /// A value this ferctl does not know (newer kernel module).
    Other(u8),
}

impl From<u8> for PortKind {
    fn from(v: u8) -> Self {
        match v {
            port_kind::ATTACHED => PortKind::Attached,
            port_kind::FERROUTE => PortKind::Ferroute,
            other => PortKind::Other(other),
        }
    }
}

impl fmt::Display for PortKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortKind::Attached => f.write_str("attached"),
            PortKind::Ferroute => f.write_str("ferroute"),
            PortKind::Other(v) => write!(f, "kind{v}"),
        }
    }
}

impl Serialize for PortKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// State of a neighbour cache entry (`neigh-state` attribute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeighState {
    /// Resolution in progress.
    Incomplete,
    /// Confirmed recently.
    Reachable,
    /// Usable, needs confirmation.
    Stale,
    /// Resolution failed.
    Failed,
    /// Stale and in use: waiting before probing.
    Delay,
    /// Being confirmed with unicast probes.
    Probe,
    /// A value this ferctl does not know.
    Other(u8),
}

impl From<u8> for NeighState {
    fn from(v: u8) -> Self {
        match v {
            neigh_state::INCOMPLETE => NeighState::Incomplete,
            neigh_state::REACHABLE => NeighState::Reachable,
            neigh_state::STALE => NeighState::Stale,
            neigh_state::FAILED => NeighState::Failed,
            neigh_state::DELAY => NeighState::Delay,
            neigh_state::PROBE => NeighState::Probe,
            other => NeighState::Other(other),
        }
    }
}

impl NeighState {
    /// True when the entry has no usable link-layer address.
    pub fn is_unresolved(&self) -> bool {
        matches!(self, NeighState::Incomplete | NeighState::Failed)
    }
}

impl fmt::Display for NeighState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NeighState::Incomplete => f.write_str("INCOMPLETE"),
            NeighState::Reachable => f.write_str("REACHABLE"),
            NeighState::Stale => f.write_str("STALE"),
            NeighState::Failed => f.write_str("FAILED"),
            NeighState::Delay => f.write_str("DELAY"),
            NeighState::Probe => f.write_str("PROBE"),
            NeighState::Other(v) => write!(f, "STATE{v}"),
        }
    }
}

impl Serialize for NeighState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One router port (a `port-get` dump entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Port {
    /// The router's port number.
    pub port_id: u32,
    /// Device name.
    pub ifname: String,
    /// Linux ifindex, when the kernel reported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifindex: Option<u32>,
    /// Port kind.
    pub kind: PortKind,
    /// MAC address, when the kernel reported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<Mac>,
    /// Inode number of the network namespace the device lives in (a
    /// ferroute device may live in another namespace than its router).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub netns: Option<u32>,
    /// The port's settings (`forwarding`, `rp_filter`, ...), those the
    /// kernel reported.
    #[serde(flatten)]
    pub settings: crate::settings::Values,
    /// Its device's counters (`-s`), named as `ip -j -s link` names them.
    #[serde(rename = "stats64", skip_serializing_if = "Option::is_none")]
    pub stats: Option<LinkStats>,
}

/// A device's counters, as `ip -s link` shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LinkStats {
    /// Received.
    pub rx: RxStats,
    /// Sent.
    pub tx: TxStats,
}

/// Receive counters (`ip -s link`'s RX line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RxStats {
    /// Bytes.
    pub bytes: u64,
    /// Packets.
    pub packets: u64,
    /// Errors.
    pub errors: u64,
    /// Dropped.
    pub dropped: u64,
    /// Missed (`rx_missed_errors`).
    pub missed: u64,
    /// Multicast packets.
    pub multicast: u64,
}

/// Transmit counters (`ip -s link`'s TX line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TxStats {
    /// Bytes.
    pub bytes: u64,
    /// Packets.
    pub packets: u64,
    /// Errors.
    pub errors: u64,
    /// Dropped.
    pub dropped: u64,
    /// Carrier errors.
    pub carrier_errors: u64,
    /// Collisions.
    pub collisions: u64,
}

/// One address of a port (an `addr-get` dump entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Address {
    /// The router's port number, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_id: Option<u32>,
    /// Port name.
    pub ifname: String,
    /// The address (named like iproute2's JSON `local`).
    pub local: Ipv4Addr,
    /// Prefix length.
    pub prefixlen: u8,
}

/// The `fib-bench` reply: lookups over the same random keys in ferroute's
/// main table, in the kernel's (`fib_table_lookup`), and through
/// ferroute's rules (`fib_lookup`), timed in the kernel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FibBench {
    /// Number of keys.
    pub keys: u32,
    /// Seed of the key generator.
    pub seed: u32,
    /// Nanoseconds of ferroute's main-table lookups.
    pub ferroute_ns: u64,
    /// Keys with a route in ferroute's main table.
    pub ferroute_hits: u32,
    /// Nanoseconds of the kernel's `fib_table_lookup`.
    pub linux_ns: u64,
    /// Keys with a route in the kernel's main table.
    pub linux_hits: u32,
    /// Nanoseconds of ferroute's `fib_lookup` (rules, then tables).
    pub rules_ns: u64,
    /// Keys `fib_lookup` found a route for.
    pub rules_hits: u32,
    /// Keys whose prefix length differs between ferroute and the kernel.
    pub mismatches: u32,
    /// Routes in ferroute's main table.
    pub routes: u32,
    /// Trie nodes of ferroute's main table.
    pub nodes: u32,
    /// Bytes of ferroute's main table (nodes and route lists).
    pub bytes: u64,
}

/// One counter (a `stats-get` dump entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stat {
    /// Counter name.
    pub name: String,
    /// Counter value.
    pub value: u64,
}

/// One neighbour cache entry (a `neigh-get` dump entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Neigh {
    /// Neighbour IPv4 address (iproute2's JSON `dst`).
    pub dst: Ipv4Addr,
    /// Port the neighbour is on (iproute2's JSON `dev`).
    pub dev: String,
    /// Link-layer address, when known (iproute2's JSON `lladdr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lladdr: Option<Mac>,
    /// Entry state.
    pub state: NeighState,
}

/// A name table: numbers iproute2 knows by name (`/etc/iproute2/rt_*`
/// defaults). The first name of a number is the one printed.
pub type Names<T> = &'static [(&'static str, T)];

/// Table ids by name (`rt_tables`), with `unspec` for 0.
pub const TABLE_NAMES: Names<u32> = &[
    ("unspec", table::ALL),
    ("default", table::DEFAULT),
    ("main", table::MAIN),
    ("local", table::LOCAL),
];

/// Route types by name (iproute2's `rtnl_rtntype_n2a`).
pub const ROUTE_TYPE_NAMES: Names<u8> = &[
    ("unicast", route_type::UNICAST),
    ("local", route_type::LOCAL),
    ("broadcast", route_type::BROADCAST),
    ("anycast", 4),
    ("multicast", 5),
    ("blackhole", route_type::BLACKHOLE),
    ("unreachable", route_type::UNREACHABLE),
    ("prohibit", route_type::PROHIBIT),
    ("throw", 9),
    ("nat", 10),
];

/// Scopes by name (`rt_scopes`); iproute2 prints RT_SCOPE_UNIVERSE as
/// `global` and ferctl follows it, the spec's `universe` is read too.
pub const SCOPE_NAMES: Names<u8> = &[
    ("global", scope::UNIVERSE),
    ("universe", scope::UNIVERSE),
    ("site", 200),
    ("link", scope::LINK),
    ("host", scope::HOST),
    ("nowhere", 255),
];

/// Route protocols by name (`rt_protos`).
pub const PROTOCOL_NAMES: Names<u8> = &[
    ("unspec", 0),
    ("redirect", 1),
    ("kernel", protocol::KERNEL),
    ("boot", protocol::BOOT),
    ("static", protocol::STATIC),
    ("gated", 8),
    ("ra", 9),
    ("mrt", 10),
    ("zebra", 11),
    ("bird", 12),
    ("dnrouted", 13),
    ("xorp", 14),
    ("ntk", 15),
    ("dhcp", 16),
    ("keepalived", 18),
    ("babel", 42),
    ("openr", 99),
    ("bgp", 186),
    ("isis", 187),
    ("ospf", 188),
    ("rip", 189),
    ("eigrp", 192),
];

/// The name of `v` in `names`, or the number itself.
pub fn name_of<T: PartialEq + Copy + fmt::Display>(names: Names<T>, v: T) -> String {
    names
        .iter()
        .find(|(_, n)| *n == v)
        .map_or_else(|| v.to_string(), |(name, _)| (*name).to_string())
}

macro_rules! named_number {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $names:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name(pub $ty);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&name_of($names, self.0))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

named_number!(
    /// A routing table id, shown by name (`main`) or number.
    TableId,
    u32,
    TABLE_NAMES
);
named_number!(
    /// A route type (RTN_*), shown by name (`blackhole`).
    RouteType,
    u8,
    ROUTE_TYPE_NAMES
);
named_number!(
    /// A route scope (RT_SCOPE_*), shown by name (`link`).
    Scope,
    u8,
    SCOPE_NAMES
);
named_number!(
    /// A route protocol (RTPROT_*), shown by name (`kernel`).
    Protocol,
    u8,
    PROTOCOL_NAMES
);

/// A route's destination as `ip route` prints it: `default` for 0/0, a
/// bare address for a host route, `A.B.C.D/N` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteDst {
    /// Network address.
    pub addr: Ipv4Addr,
    /// Prefix length.
    pub len: u8,
}

impl fmt::Display for RouteDst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.len {
            0 if self.addr.is_unspecified() => f.write_str("default"),
            32 => write!(f, "{}", self.addr),
            len => write!(f, "{}/{len}", self.addr),
        }
    }
}

impl Serialize for RouteDst {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One route (a `route-list` dump entry). JSON fields follow `ip -j route`
/// where it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Route type.
    #[serde(rename = "type")]
    pub rtype: RouteType,
    /// Destination prefix.
    pub dst: RouteDst,
    /// Next hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Ipv4Addr>,
    /// Output port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// Table.
    pub table: TableId,
    /// Who made the route.
    pub protocol: Protocol,
    /// Scope.
    pub scope: Scope,
    /// Preferred source address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefsrc: Option<Ipv4Addr>,
    /// Metric (priority), 0 when the kernel sent none.
    pub metric: u32,
    /// Type of service, when not 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos: Option<u8>,
    /// Path MTU, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    /// The gateway is on link regardless of the addresses.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub onlink: bool,
    /// Multipath next hops (`ip -j route`'s `nexthops`); empty for a
    /// single-path route.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nexthops: Vec<NextHop>,
}

/// One next hop of a multipath route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextHop {
    /// Gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Ipv4Addr>,
    /// Output port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// Weight, 1..=256.
    pub weight: u32,
    /// The gateway is on link regardless of the addresses.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub onlink: bool,
    /// Dead (its port is down or lost its last address): unused.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dead: bool,
}

/// What a policy rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleAction {
    /// Look up a table.
    Table(TableId),
    /// Continue at a priority.
    Goto(u32),
    /// Nothing.
    Nop,
    /// Drop silently.
    Blackhole,
    /// Network unreachable.
    Unreachable,
    /// Administratively prohibited.
    Prohibit,
    /// An action ferctl does not know (FR_ACT_* number).
    Other(u8),
}

/// One policy rule (a `rule-list` dump entry). JSON fields follow
/// `ip -j rule`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Priority.
    pub priority: u32,
    /// `not`.
    pub not: bool,
    /// Source prefix; none for `all`.
    pub src: Option<(Ipv4Addr, u8)>,
    /// Destination prefix.
    pub dst: Option<(Ipv4Addr, u8)>,
    /// Input port.
    pub iif: Option<String>,
    /// Output port.
    pub oif: Option<String>,
    /// No port has the `iif` name (the rule matches nothing until one
    /// comes).
    pub iif_detached: bool,
    /// No port has the `oif` name.
    pub oif_detached: bool,
    /// A goto whose target priority no rule has.
    pub unresolved: bool,
    /// TOS, when not 0.
    pub tos: Option<u8>,
    /// Mark and mask, when the mask is not 0.
    pub fwmark: Option<(u32, u32)>,
    /// The action.
    pub action: RuleAction,
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("priority", &self.priority)?;
        if self.not {
            m.serialize_entry("not", &true)?;
        }
        match self.src {
            Some((a, len)) => {
                m.serialize_entry("src", &a)?;
                m.serialize_entry("srclen", &len)?;
            }
            None => m.serialize_entry("src", "all")?,
        }
        if let Some((a, len)) = self.dst {
            m.serialize_entry("dst", &a)?;
            m.serialize_entry("dstlen", &len)?;
        }
        if let Some(t) = self.tos {
            m.serialize_entry("tos", &format!("0x{t:02x}"))?;
        }
        if let Some((mark, mask)) = self.fwmark {
            m.serialize_entry("fwmark", &format!("0x{mark:x}"))?;
            m.serialize_entry("fwmask", &format!("0x{mask:x}"))?;
        }
        if let Some(d) = &self.iif {
            m.serialize_entry("iif", d)?;
            if self.iif_detached {
                m.serialize_entry("iif_detached", &true)?;
            }
        }
        if let Some(d) = &self.oif {
            m.serialize_entry("oif", d)?;
            if self.oif_detached {
                m.serialize_entry("oif_detached", &true)?;
            }
        }
        match self.action {
            RuleAction::Table(t) => m.serialize_entry("table", &t)?,
            RuleAction::Goto(p) => {
                m.serialize_entry("action", "goto")?;
                m.serialize_entry("target", &p)?;
                if self.unresolved {
                    m.serialize_entry("flags", &["unresolved"])?;
                }
            }
            RuleAction::Nop => m.serialize_entry("action", "nop")?,
            RuleAction::Blackhole => m.serialize_entry("action", "blackhole")?,
            RuleAction::Unreachable => m.serialize_entry("action", "unreachable")?,
            RuleAction::Prohibit => m.serialize_entry("action", "prohibit")?,
            RuleAction::Other(n) => m.serialize_entry("action", &n)?,
        }
        m.end()
    }
}

/// A routing table (a `table-list` dump entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Table id.
    pub table: TableId,
    /// How many routes it holds.
    pub routes: u32,
}

/// The answer to a route lookup (a `route-get` reply).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RouteLookup {
    /// The destination that was looked up.
    pub dst: Ipv4Addr,
    /// Type of the matching route.
    #[serde(rename = "type")]
    pub rtype: RouteType,
    /// Table of the matching route.
    pub table: TableId,
    /// The matching route's prefix, always `A.B.C.D/N`.
    pub prefix: String,
    /// Next hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Ipv4Addr>,
    /// Output port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// Source address the router would use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefsrc: Option<Ipv4Addr>,
    /// Metric of the matching route.
    pub metric: u32,
    /// Scope of the matching route.
    pub scope: Scope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(TableId(254).to_string(), "main");
        assert_eq!(TableId(100).to_string(), "100");
        assert_eq!(RouteType(6).to_string(), "blackhole");
        assert_eq!(RouteType(42).to_string(), "42");
        assert_eq!(Scope(0).to_string(), "global");
        assert_eq!(Scope(253).to_string(), "link");
        assert_eq!(Protocol(2).to_string(), "kernel");
        assert_eq!(Protocol(77).to_string(), "77");
    }

    #[test]
    fn route_dst_like_ip_route() {
        let d = |a: [u8; 4], len| RouteDst {
            addr: Ipv4Addr::from(a),
            len,
        };
        assert_eq!(d([0, 0, 0, 0], 0).to_string(), "default");
        assert_eq!(d([10, 1, 0, 1], 32).to_string(), "10.1.0.1");
        assert_eq!(d([10, 2, 0, 0], 16).to_string(), "10.2.0.0/16");
        assert_eq!(d([0, 0, 0, 0], 1).to_string(), "0.0.0.0/1");
    }
}

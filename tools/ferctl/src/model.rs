// SPDX-License-Identifier: GPL-2.0
//! Decoded kernel replies: what a dump returns, independent of how it was
//! carried. The netlink layer produces these, the output layer prints them.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use crate::proto::{neigh_state, port_kind};

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

// SPDX-License-Identifier: GPL-2.0
//! The netlink layer without a socket: turning a command into a generic
//! netlink request and the attributes of dump replies into [`crate::model`]
//! values. Nothing here talks to the kernel, so all of it is unit-tested.

use std::io::Cursor;
use std::net::Ipv4Addr;

use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, NlattrBuilder};
use neli::types::{Buffer, GenlBuffer};
use neli::ToBytes;

use crate::cli::{NextHopSpec, Prefix, RouteSpec, RuleActionSpec, RuleSpec};
use crate::error::NlError;
use crate::model::{
    Address, FibBench, Mac, Neigh, NeighState, NextHop, Port, PortKind, Protocol, Route, RouteDst,
    RouteLookup, RouteType, Rule, RuleAction, Scope, Stat, Table, TableId,
};
use crate::proto::{
    attr, cmd, multipath, nexthop, protocol, route_type, rule_action, rule_flags, scope, table,
    FAMILY_VERSION, MAC_LEN, NLA_F_NESTED,
};

/// One attribute as it travels: type number and payload bytes.
pub type RawAttr = (u16, Vec<u8>);

/// What a `route-get` asks (`ip route get`'s keywords).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteGet<'a> {
    /// Destination.
    pub dst: Ipv4Addr,
    /// `from`.
    pub from: Option<Ipv4Addr>,
    /// `iif`.
    pub iif: Option<&'a str>,
    /// `oif`.
    pub oif: Option<&'a str>,
    /// `mark`.
    pub mark: Option<u32>,
    /// `tos`.
    pub tos: Option<u8>,
    /// `fibmatch`.
    pub fib_match: bool,
}

/// A generic netlink request of the ferroute family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Command number ([`crate::proto::cmd`]).
    pub cmd: u8,
    /// True for a dump (NLM_F_DUMP), false for a do (NLM_F_ACK).
    pub dump: bool,
    /// Attributes in the order they are sent.
    pub attrs: Vec<RawAttr>,
}

/// Payload of a NUL-terminated string attribute.
fn string_attr(nr: u16, s: &str) -> RawAttr {
    let mut bytes = Vec::with_capacity(s.len() + 1);
    bytes.extend_from_slice(s.as_bytes());
    bytes.push(0);
    (nr, bytes)
}

/// A u8 attribute.
fn u8_attr(nr: u16, v: u8) -> RawAttr {
    (nr, vec![v])
}

/// A u32 attribute in host byte order.
fn u32_attr(nr: u16, v: u32) -> RawAttr {
    (nr, v.to_ne_bytes().to_vec())
}

/// An IPv4 address attribute (u32, network byte order).
fn ipv4_attr(nr: u16, a: Ipv4Addr) -> RawAttr {
    (nr, a.octets().to_vec())
}

/// The payload of a nest holding `attrs` (each attribute: length, type,
/// payload, padded to 4 bytes, as `nla_put` lays them out).
pub fn nest_payload(attrs: &[RawAttr]) -> Vec<u8> {
    let mut out = Vec::new();
    for (nr, payload) in attrs {
        put_nla(&mut out, *nr, payload);
    }
    out
}

/// Appends one attribute to `out`: length, type, payload, padding.
fn put_nla(out: &mut Vec<u8>, nr: u16, payload: &[u8]) {
    let len = u16::try_from(4 + payload.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&nr.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// The attributes in a nest's payload; a truncated or overlong attribute
/// is an error.
pub fn parse_nest(mut p: &[u8]) -> Result<Vec<RawAttr>, NlError> {
    let bad = || NlError::Malformed("malformed nested attribute".to_string());
    let mut out = Vec::new();
    while !p.is_empty() {
        let hdr: [u8; 4] = p.get(..4).and_then(|h| h.try_into().ok()).ok_or_else(bad)?;
        let len = usize::from(u16::from_ne_bytes([hdr[0], hdr[1]]));
        let nr = u16::from_ne_bytes([hdr[2], hdr[3]]) & !(3 << 14);
        let payload = p.get(4..len).ok_or_else(bad)?;
        out.push((nr, payload.to_vec()));
        p = p.get(len.next_multiple_of(4)..).unwrap_or(&[]);
    }
    Ok(out)
}

/// The `multipath` attribute of a route: a nest of `nexthop` nests.
fn multipath_attr(hops: &[NextHopSpec]) -> RawAttr {
    let entries: Vec<RawAttr> = hops
        .iter()
        .map(|h| {
            let mut a = Vec::new();
            a.extend(h.gateway.map(|v| ipv4_attr(nexthop::GATEWAY, v)));
            a.extend(h.dev.as_deref().map(|v| string_attr(nexthop::IFNAME, v)));
            a.extend(h.weight.map(|v| u32_attr(nexthop::WEIGHT, u32::from(v))));
            if h.onlink {
                a.push(u8_attr(nexthop::ONLINK, 1));
            }
            (multipath::NEXTHOP | NLA_F_NESTED, nest_payload(&a))
        })
        .collect();
    (attr::MULTIPATH | NLA_F_NESTED, nest_payload(&entries))
}

impl Request {
    /// Whether the kernel answers this do with exactly one message, its
    /// reply or the error (`route-get`, `conf-get`). Such a request goes
    /// without NLM_F_ACK, as ip sends `route get` (`rtnl_talk` with an
    /// answer): on success the ACK would be a second message to receive
    /// after the reply, a `recvmsg` a query more.
    pub fn single_reply(&self) -> bool {
        !self.dump && matches!(self.cmd, cmd::ROUTE_GET | cmd::CONF_GET)
    }

    /// A dump of `cmd` with no attributes.
    pub fn dump(cmd: u8) -> Self {
        Request {
            cmd,
            dump: true,
            attrs: Vec::new(),
        }
    }

    /// `port-add` (`add`) or `port-del` of the device `ifname`.
    pub fn port_change(add: bool, ifname: &str) -> Self {
        Request {
            cmd: if add { cmd::PORT_ADD } else { cmd::PORT_DEL },
            dump: false,
            attrs: vec![string_attr(attr::IFNAME, ifname)],
        }
    }

    /// `addr-add` (`add`) or `addr-del` of `prefix` on the port `ifname`.
    pub fn addr_change(add: bool, ifname: &str, prefix: Prefix) -> Self {
        Request {
            cmd: if add { cmd::ADDR_ADD } else { cmd::ADDR_DEL },
            dump: false,
            attrs: vec![
                string_attr(attr::IFNAME, ifname),
                // Network byte order, as the contract says.
                (attr::ADDRESS, prefix.addr.octets().to_vec()),
                (attr::PREFIXLEN, vec![prefix.len]),
            ],
        }
    }

    /// `route-add` of `route` with a [`crate::proto::route_mode`]. The
    /// contract's defaults (table main, type unicast, protocol boot) are
    /// sent explicitly; scope is left to the kernel unless given.
    pub fn route_add(mode: u8, route: &RouteSpec) -> Self {
        let mut attrs = vec![
            ipv4_attr(attr::ADDRESS, route.prefix.addr),
            u8_attr(attr::PREFIXLEN, route.prefix.len),
            u32_attr(attr::TABLE, route.table.unwrap_or(table::MAIN)),
            u8_attr(attr::ROUTE_TYPE, route.rtype.unwrap_or(route_type::UNICAST)),
        ];
        attrs.extend(route.scope.map(|v| u8_attr(attr::SCOPE, v)));
        attrs.extend(route.gateway.map(|v| ipv4_attr(attr::GATEWAY, v)));
        attrs.extend(route.dev.as_deref().map(|v| string_attr(attr::IFNAME, v)));
        attrs.extend(route.metric.map(|v| u32_attr(attr::METRIC, v)));
        attrs.extend(route.prefsrc.map(|v| ipv4_attr(attr::PREFSRC, v)));
        attrs.push(u8_attr(
            attr::PROTOCOL,
            route.protocol.unwrap_or(protocol::BOOT),
        ));
        attrs.extend(route.tos.map(|v| u8_attr(attr::TOS, v)));
        attrs.extend(route.mtu.map(|v| u32_attr(attr::MTU, v)));
        if route.onlink {
            attrs.push(u8_attr(attr::ONLINK, 1));
        }
        if !route.nexthops.is_empty() {
            attrs.push(multipath_attr(&route.nexthops));
        }
        attrs.push(u8_attr(attr::ROUTE_MODE, mode));
        Request {
            cmd: cmd::ROUTE_ADD,
            dump: false,
            attrs,
        }
    }

    /// `route-add-batch`: each entry the attributes of one `route-add`
    /// ([`Request::route_add`]) or `route-del` ([`Request::route_del`])
    /// request, as [`nest_payload`] lays them out, in a nest of type
    /// [`crate::proto::route_batch::ROUTE`] or `ROUTE_DEL` of the
    /// `route-batch` nest, in order.
    pub fn route_batch<'e>(entries: impl Iterator<Item = (u16, &'e [u8])>) -> Self {
        let mut batch = Vec::new();
        for (nest, e) in entries {
            put_nla(&mut batch, nest | NLA_F_NESTED, e);
        }
        Request {
            cmd: cmd::ROUTE_ADD_BATCH,
            dump: false,
            attrs: vec![(attr::ROUTE_BATCH | NLA_F_NESTED, batch)],
        }
    }

    /// `route-del`: prefix, table (default main) and only the keys given.
    pub fn route_del(route: &RouteSpec) -> Self {
        let mut attrs = vec![
            ipv4_attr(attr::ADDRESS, route.prefix.addr),
            u8_attr(attr::PREFIXLEN, route.prefix.len),
            u32_attr(attr::TABLE, route.table.unwrap_or(table::MAIN)),
        ];
        attrs.extend(route.rtype.map(|v| u8_attr(attr::ROUTE_TYPE, v)));
        attrs.extend(route.scope.map(|v| u8_attr(attr::SCOPE, v)));
        attrs.extend(route.gateway.map(|v| ipv4_attr(attr::GATEWAY, v)));
        attrs.extend(route.dev.as_deref().map(|v| string_attr(attr::IFNAME, v)));
        attrs.extend(route.metric.map(|v| u32_attr(attr::METRIC, v)));
        attrs.extend(route.prefsrc.map(|v| ipv4_attr(attr::PREFSRC, v)));
        attrs.extend(route.protocol.map(|v| u8_attr(attr::PROTOCOL, v)));
        attrs.extend(route.tos.map(|v| u8_attr(attr::TOS, v)));
        Request {
            cmd: cmd::ROUTE_DEL,
            dump: false,
            attrs,
        }
    }

    /// `route-del` of exactly the dumped route `r`'s key (table, prefix,
    /// TOS, metric, type): what `route flush` sends for each route.
    pub fn route_del_exact(r: &Route) -> Self {
        let mut attrs = vec![
            ipv4_attr(attr::ADDRESS, r.dst.addr),
            u8_attr(attr::PREFIXLEN, r.dst.len),
            u32_attr(attr::TABLE, r.table.0),
            u8_attr(attr::ROUTE_TYPE, r.rtype.0),
            u32_attr(attr::METRIC, r.metric),
        ];
        attrs.extend(r.tos.map(|v| u8_attr(attr::TOS, v)));
        Request {
            cmd: cmd::ROUTE_DEL,
            dump: false,
            attrs,
        }
    }

    /// `route-get` of `dst` (no prefixlen is sent); `fib-match` asks for
    /// the matched route instead of the decision.
    pub fn route_get(q: &RouteGet<'_>) -> Self {
        let mut attrs = vec![ipv4_attr(attr::ADDRESS, q.dst)];
        attrs.extend(q.from.map(|v| ipv4_attr(attr::SRC, v)));
        attrs.extend(q.iif.map(|v| string_attr(attr::IIFNAME, v)));
        attrs.extend(q.oif.map(|v| string_attr(attr::IFNAME, v)));
        attrs.extend(q.mark.map(|v| u32_attr(attr::MARK, v)));
        attrs.extend(q.tos.map(|v| u8_attr(attr::TOS, v)));
        if q.fib_match {
            attrs.push(u8_attr(attr::FIB_MATCH, 1));
        }
        Request {
            cmd: cmd::ROUTE_GET,
            dump: false,
            attrs,
        }
    }

    /// `route-list` dump of one table, or of all with [`table::ALL`] (then
    /// no attribute is sent).
    pub fn route_list(id: u32) -> Self {
        let mut req = Request::dump(cmd::ROUTE_LIST);
        if id != table::ALL {
            req.attrs.push(u32_attr(attr::TABLE, id));
        }
        req
    }

    /// `rule-add` (`add`) or `rule-del` of `rule`. `rule add` without an
    /// action sends none (the kernel's default is `lookup main`).
    pub fn rule_change(add: bool, rule: &RuleSpec) -> Self {
        let mut attrs = Vec::new();
        attrs.extend(rule.pref.map(|v| u32_attr(attr::PRIORITY, v)));
        if let Some(p) = rule.from {
            attrs.push(ipv4_attr(attr::SRC, p.addr));
            attrs.push(u8_attr(attr::SRC_LEN, p.len));
        }
        if let Some(p) = rule.to {
            attrs.push(ipv4_attr(attr::ADDRESS, p.addr));
            attrs.push(u8_attr(attr::PREFIXLEN, p.len));
        }
        attrs.extend(rule.iif.as_deref().map(|v| string_attr(attr::IIFNAME, v)));
        attrs.extend(rule.oif.as_deref().map(|v| string_attr(attr::IFNAME, v)));
        attrs.extend(rule.tos.map(|v| u8_attr(attr::TOS, v)));
        if let Some((mark, mask)) = rule.fwmark {
            attrs.push(u32_attr(attr::MARK, mark));
            attrs.extend(mask.map(|k| u32_attr(attr::FWMASK, k)));
        }
        if rule.not {
            attrs.push(u8_attr(attr::INVERT, 1));
        }
        match rule.action {
            Some(RuleActionSpec::Table(t)) => {
                attrs.push(u8_attr(attr::RULE_ACTION, rule_action::TO_TABLE));
                attrs.push(u32_attr(attr::TABLE, t));
            }
            Some(RuleActionSpec::Goto(p)) => {
                attrs.push(u8_attr(attr::RULE_ACTION, rule_action::GOTO));
                attrs.push(u32_attr(attr::GOTO, p));
            }
            Some(RuleActionSpec::Nop) => attrs.push(u8_attr(attr::RULE_ACTION, rule_action::NOP)),
            Some(RuleActionSpec::Blackhole) => {
                attrs.push(u8_attr(attr::RULE_ACTION, rule_action::BLACKHOLE))
            }
            Some(RuleActionSpec::Unreachable) => {
                attrs.push(u8_attr(attr::RULE_ACTION, rule_action::UNREACHABLE))
            }
            Some(RuleActionSpec::Prohibit) => {
                attrs.push(u8_attr(attr::RULE_ACTION, rule_action::PROHIBIT))
            }
            None => {}
        }
        Request {
            cmd: if add { cmd::RULE_ADD } else { cmd::RULE_DEL },
            dump: false,
            attrs,
        }
    }

    /// `port-set` of the port `ifname`, or `conf-set` without one.
    pub fn settings(ifname: Option<&str>, values: &[crate::settings::Assign]) -> Self {
        let mut attrs: Vec<RawAttr> = ifname
            .map(|n| string_attr(attr::IFNAME, n))
            .into_iter()
            .collect();
        attrs.extend(values.iter().map(|v| v.to_attr()));
        Request {
            cmd: if ifname.is_some() {
                cmd::PORT_SET
            } else {
                cmd::CONF_SET
            },
            dump: false,
            attrs,
        }
    }

    /// `conf-get`.
    pub fn conf_get() -> Self {
        Request {
            cmd: cmd::CONF_GET,
            dump: false,
            attrs: Vec::new(),
        }
    }

    /// `table-del` of the table `id`.
    pub fn table_del(id: u32) -> Self {
        Request {
            cmd: cmd::TABLE_DEL,
            dump: false,
            attrs: vec![u32_attr(attr::TABLE, id)],
        }
    }

    /// The generic netlink header and attributes, as neli sends them.
    pub fn to_genl(&self) -> Result<Genlmsghdr<u8, u16>, NlError> {
        let build_err = |e: &dyn std::fmt::Display| NlError::Io(format!("building request: {e}"));
        let mut attrs = GenlBuffer::<u16, Buffer>::new();
        for (nr, payload) in &self.attrs {
            let nla_type = AttrTypeBuilder::default()
                .nla_type(*nr & !NLA_F_NESTED)
                .nla_nested(*nr & NLA_F_NESTED != 0)
                .build()
                .map_err(|e| build_err(&e))?;
            let nla = NlattrBuilder::default()
                .nla_type(nla_type)
                .nla_payload(Buffer::from(payload.as_slice()))
                .build()
                .map_err(|e| build_err(&e))?;
            attrs.push(nla);
        }
        GenlmsghdrBuilder::default()
            .cmd(self.cmd)
            .version(FAMILY_VERSION)
            .attrs(attrs)
            .build()
            .map_err(|e| build_err(&e))
    }

    /// `fib-bench` with `keys` random keys from `seed` (kernel defaults
    /// when `None`).
    pub fn fib_bench(keys: Option<u32>, seed: Option<u32>) -> Self {
        let mut attrs = Vec::new();
        if let Some(k) = keys {
            attrs.push(u32_attr(attr::BENCH_KEYS, k));
        }
        if let Some(s) = seed {
            attrs.push(u32_attr(attr::BENCH_SEED, s));
        }
        Request {
            cmd: cmd::FIB_BENCH,
            dump: false,
            attrs,
        }
    }

    /// The bytes following the netlink header: genlmsghdr and attributes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, NlError> {
        let genl = self.to_genl()?;
        let mut cur = Cursor::new(Vec::new());
        genl.to_bytes(&mut cur)
            .map_err(|e| NlError::Io(format!("serializing request: {e}")))?;
        Ok(cur.into_inner())
    }
}

/// Read access to the attributes of one reply message.
#[derive(Clone, Copy, Debug)]
pub struct Attrs<'a>(pub &'a [RawAttr]);

impl<'a> Attrs<'a> {
    fn get(&self, nr: u16) -> Option<&'a [u8]> {
        self.0
            .iter()
            .find(|(n, _)| *n == nr)
            .map(|(_, p)| p.as_slice())
    }

    fn required(&self, nr: u16) -> Result<&'a [u8], NlError> {
        self.get(nr)
            .ok_or_else(|| NlError::Malformed(format!("missing attribute {}", attr::name(nr))))
    }

    fn fixed<const N: usize>(nr: u16, p: &[u8]) -> Result<[u8; N], NlError> {
        p.try_into().map_err(|_| {
            NlError::Malformed(format!(
                "attribute {} has {} bytes, expected {N}",
                attr::name(nr),
                p.len()
            ))
        })
    }

    /// A u8 attribute.
    pub fn u8(&self, nr: u16) -> Result<u8, NlError> {
        Self::fixed::<1>(nr, self.required(nr)?).map(|[b]| b)
    }

    /// An optional u8 attribute.
    pub fn opt_u8(&self, nr: u16) -> Result<Option<u8>, NlError> {
        self.get(nr)
            .map(|p| Self::fixed::<1>(nr, p).map(|[b]| b))
            .transpose()
    }

    /// A u32 attribute in host byte order.
    pub fn u32(&self, nr: u16) -> Result<u32, NlError> {
        Self::fixed::<4>(nr, self.required(nr)?).map(u32::from_ne_bytes)
    }

    /// An optional u32 attribute in host byte order.
    pub fn opt_u32(&self, nr: u16) -> Result<Option<u32>, NlError> {
        self.get(nr)
            .map(|p| Self::fixed::<4>(nr, p).map(u32::from_ne_bytes))
            .transpose()
    }

    /// An optional u64 attribute in host byte order.
    pub fn opt_u64(&self, nr: u16) -> Result<Option<u64>, NlError> {
        self.get(nr)
            .map(|p| Self::fixed::<8>(nr, p).map(u64::from_ne_bytes))
            .transpose()
    }

    /// A u64 attribute in host byte order.
    pub fn u64(&self, nr: u16) -> Result<u64, NlError> {
        Self::fixed::<8>(nr, self.required(nr)?).map(u64::from_ne_bytes)
    }

    /// An IPv4 address (u32 in network byte order).
    pub fn ipv4(&self, nr: u16) -> Result<Ipv4Addr, NlError> {
        Self::fixed::<4>(nr, self.required(nr)?).map(Ipv4Addr::from)
    }

    /// An optional IPv4 address.
    pub fn opt_ipv4(&self, nr: u16) -> Result<Option<Ipv4Addr>, NlError> {
        self.get(nr)
            .map(|p| Self::fixed::<4>(nr, p).map(Ipv4Addr::from))
            .transpose()
    }

    /// The attributes of an optional nest.
    pub fn opt_nest(&self, nr: u16) -> Result<Option<Vec<RawAttr>>, NlError> {
        self.get(nr).map(parse_nest).transpose()
    }

    /// An optional string.
    pub fn opt_string(&self, nr: u16) -> Result<Option<String>, NlError> {
        self.get(nr).map(|_| self.string(nr)).transpose()
    }

    /// An optional MAC address.
    pub fn opt_mac(&self, nr: u16) -> Result<Option<Mac>, NlError> {
        self.get(nr)
            .map(|p| Self::fixed::<MAC_LEN>(nr, p).map(Mac))
            .transpose()
    }

    /// A string: up to the first NUL; bytes that are not UTF-8 are
    /// replaced, never rejected.
    pub fn string(&self, nr: u16) -> Result<String, NlError> {
        let p = self.required(nr)?;
        let end = p.iter().position(|b| *b == 0).unwrap_or(p.len());
        Ok(String::from_utf8_lossy(&p[..end]).into_owned())
    }
}

/// Decode a `port-get` reply.
pub fn decode_port(attrs: &[RawAttr]) -> Result<Port, NlError> {
    let a = Attrs(attrs);
    Ok(Port {
        port_id: a.u32(attr::PORT_ID)?,
        ifname: a.string(attr::IFNAME)?,
        ifindex: a.opt_u32(attr::IFINDEX)?,
        kind: PortKind::from(a.u8(attr::KIND)?),
        mac: a.opt_mac(attr::MAC)?,
        netns: a.opt_u32(attr::NETNS)?,
        settings: crate::settings::Values::decode(crate::settings::PORT, attrs)?,
        stats: decode_link_stats(&a)?,
    })
}

/// A port's device counters, if the kernel sent them (all or none).
fn decode_link_stats(a: &Attrs<'_>) -> Result<Option<crate::model::LinkStats>, NlError> {
    use crate::model::{LinkStats, RxStats, TxStats};
    if a.opt_u64(attr::RX_PACKETS)?.is_none() {
        return Ok(None);
    }
    Ok(Some(LinkStats {
        rx: RxStats {
            bytes: a.u64(attr::RX_BYTES)?,
            packets: a.u64(attr::RX_PACKETS)?,
            errors: a.u64(attr::RX_ERRORS)?,
            dropped: a.u64(attr::RX_DROPPED)?,
            missed: a.u64(attr::RX_MISSED)?,
            multicast: a.u64(attr::RX_MULTICAST)?,
        },
        tx: TxStats {
            bytes: a.u64(attr::TX_BYTES)?,
            packets: a.u64(attr::TX_PACKETS)?,
            errors: a.u64(attr::TX_ERRORS)?,
            dropped: a.u64(attr::TX_DROPPED)?,
            carrier_errors: a.u64(attr::TX_CARRIER)?,
            collisions: a.u64(attr::COLLISIONS)?,
        },
    }))
}

/// Decode an `addr-get` reply.
pub fn decode_addr(attrs: &[RawAttr]) -> Result<Address, NlError> {
    let a = Attrs(attrs);
    let prefixlen = a.u8(attr::PREFIXLEN)?;
    if prefixlen > 32 {
        return Err(NlError::Malformed(format!("prefix length {prefixlen}")));
    }
    Ok(Address {
        port_id: a.opt_u32(attr::PORT_ID)?,
        ifname: a.string(attr::IFNAME)?,
        local: a.ipv4(attr::ADDRESS)?,
        prefixlen,
    })
}

/// Decode a `stats-get` reply.
pub fn decode_stat(attrs: &[RawAttr]) -> Result<Stat, NlError> {
    let a = Attrs(attrs);
    Ok(Stat {
        name: a.string(attr::STAT_NAME)?,
        value: a.u64(attr::STAT_VALUE)?,
    })
}

/// Decode a `neigh-get` reply. An unresolved entry's all-zero MAC is
/// dropped, as `ip neigh` shows no lladdr for it.
pub fn decode_neigh(attrs: &[RawAttr]) -> Result<Neigh, NlError> {
    let a = Attrs(attrs);
    let state = NeighState::from(a.u8(attr::NEIGH_STATE)?);
    let lladdr = a
        .opt_mac(attr::MAC)?
        .filter(|m| !(m.is_zero() && state.is_unresolved()));
    Ok(Neigh {
        dst: a.ipv4(attr::ADDRESS)?,
        dev: a.string(attr::IFNAME)?,
        lladdr,
        state,
    })
}

/// The prefix length of a route reply, checked.
fn prefixlen(a: &Attrs<'_>) -> Result<u8, NlError> {
    let len = a.u8(attr::PREFIXLEN)?;
    if len > 32 {
        return Err(NlError::Malformed(format!("prefix length {len}")));
    }
    Ok(len)
}

/// Decode a `route-list` reply. A missing metric is 0 (rtnetlink omits a
/// zero priority); a zero tos or mtu means unset.
pub fn decode_route(attrs: &[RawAttr]) -> Result<Route, NlError> {
    let a = Attrs(attrs);
    Ok(Route {
        rtype: RouteType(a.u8(attr::ROUTE_TYPE)?),
        dst: RouteDst {
            addr: a.ipv4(attr::ADDRESS)?,
            len: prefixlen(&a)?,
        },
        gateway: a.opt_ipv4(attr::GATEWAY)?,
        dev: a.opt_string(attr::IFNAME)?.filter(|d| !d.is_empty()),
        table: TableId(a.u32(attr::TABLE)?),
        protocol: Protocol(a.u8(attr::PROTOCOL)?),
        scope: Scope(a.u8(attr::SCOPE)?),
        prefsrc: a.opt_ipv4(attr::PREFSRC)?,
        metric: a.opt_u32(attr::METRIC)?.unwrap_or(0),
        tos: a.opt_u8(attr::TOS)?.filter(|t| *t != 0),
        mtu: a.opt_u32(attr::MTU)?.filter(|m| *m != 0),
        onlink: a.opt_u8(attr::ONLINK)?.is_some_and(|o| o != 0),
        nexthops: match a.get(attr::MULTIPATH) {
            Some(p) => decode_multipath(p)?,
            None => Vec::new(),
        },
    })
}

/// The next hops of a `multipath` attribute.
fn decode_multipath(p: &[u8]) -> Result<Vec<NextHop>, NlError> {
    parse_nest(p)?
        .iter()
        .filter(|(nr, _)| *nr == multipath::NEXTHOP)
        .map(|(_, entry)| {
            let attrs = parse_nest(entry)?;
            let a = Attrs(&attrs);
            Ok(NextHop {
                gateway: a.opt_ipv4(nexthop::GATEWAY)?,
                dev: a.opt_string(nexthop::IFNAME)?.filter(|d| !d.is_empty()),
                weight: a.opt_u32(nexthop::WEIGHT)?.unwrap_or(1),
                onlink: a.opt_u8(nexthop::ONLINK)?.is_some_and(|o| o != 0),
                dead: a.opt_u8(nexthop::DEAD)?.is_some_and(|o| o != 0),
            })
        })
        .collect()
}

/// An optional prefix from an address and a length attribute.
fn opt_prefix(a: &Attrs<'_>, addr_nr: u16, len_nr: u16) -> Result<Option<(Ipv4Addr, u8)>, NlError> {
    match (a.opt_ipv4(addr_nr)?, a.opt_u8(len_nr)?) {
        (Some(addr), Some(len)) if len <= 32 => Ok(Some((addr, len))),
        (Some(_), Some(len)) => Err(NlError::Malformed(format!("prefix length {len}"))),
        _ => Ok(None),
    }
}

/// Decode a `rule-list` reply.
pub fn decode_rule(attrs: &[RawAttr]) -> Result<Rule, NlError> {
    let a = Attrs(attrs);
    let action = match a.u8(attr::RULE_ACTION)? {
        rule_action::TO_TABLE => RuleAction::Table(TableId(a.u32(attr::TABLE)?)),
        rule_action::GOTO => RuleAction::Goto(a.u32(attr::GOTO)?),
        rule_action::NOP => RuleAction::Nop,
        rule_action::BLACKHOLE => RuleAction::Blackhole,
        rule_action::UNREACHABLE => RuleAction::Unreachable,
        rule_action::PROHIBIT => RuleAction::Prohibit,
        n => RuleAction::Other(n),
    };
    let flags = a.opt_u8(attr::RULE_FLAGS)?.unwrap_or(0);
    Ok(Rule {
        priority: a.u32(attr::PRIORITY)?,
        not: a.opt_u8(attr::INVERT)?.is_some_and(|v| v != 0),
        src: opt_prefix(&a, attr::SRC, attr::SRC_LEN)?,
        dst: opt_prefix(&a, attr::ADDRESS, attr::PREFIXLEN)?,
        iif: a.opt_string(attr::IIFNAME)?,
        oif: a.opt_string(attr::IFNAME)?,
        iif_detached: flags & rule_flags::IIF_DETACHED != 0,
        oif_detached: flags & rule_flags::OIF_DETACHED != 0,
        unresolved: flags & rule_flags::UNRESOLVED != 0,
        tos: a.opt_u8(attr::TOS)?.filter(|t| *t != 0),
        fwmark: match (a.opt_u32(attr::MARK)?, a.opt_u32(attr::FWMASK)?) {
            (_, None | Some(0)) => None,
            (m, Some(k)) => Some((m.unwrap_or(0), k)),
        },
        action,
    })
}

/// Decode a `table-list` reply.
pub fn decode_table(attrs: &[RawAttr]) -> Result<Table, NlError> {
    let a = Attrs(attrs);
    Ok(Table {
        table: TableId(a.u32(attr::TABLE)?),
        routes: a.u32(attr::ROUTE_COUNT)?,
    })
}

/// Decode the `route-get` reply to a lookup of `dst`. Metric and scope
/// default to 0 and universe when missing.
pub fn decode_route_lookup(dst: Ipv4Addr, attrs: &[RawAttr]) -> Result<RouteLookup, NlError> {
    let a = Attrs(attrs);
    let prefix = Prefix {
        addr: a.ipv4(attr::ADDRESS)?,
        len: prefixlen(&a)?,
    };
    Ok(RouteLookup {
        dst,
        rtype: RouteType(a.u8(attr::ROUTE_TYPE)?),
        table: TableId(a.u32(attr::TABLE)?),
        prefix: prefix.to_string(),
        gateway: a.opt_ipv4(attr::GATEWAY)?,
        dev: a.opt_string(attr::IFNAME)?.filter(|d| !d.is_empty()),
        prefsrc: a.opt_ipv4(attr::PREFSRC)?,
        metric: a.opt_u32(attr::METRIC)?.unwrap_or(0),
        scope: Scope(a.opt_u8(attr::SCOPE)?.unwrap_or(scope::UNIVERSE)),
    })
}

/// Decode the `fib-bench` reply.
pub fn decode_fib_bench(attrs: &[RawAttr]) -> Result<FibBench, NlError> {
    let a = Attrs(attrs);
    Ok(FibBench {
        keys: a.u32(attr::BENCH_KEYS)?,
        seed: a.u32(attr::BENCH_SEED)?,
        ferroute_ns: a.u64(attr::BENCH_FERROUTE_NS)?,
        ferroute_hits: a.u32(attr::BENCH_FERROUTE_HITS)?,
        linux_ns: a.u64(attr::BENCH_LINUX_NS)?,
        linux_hits: a.u32(attr::BENCH_LINUX_HITS)?,
        rules_ns: a.u64(attr::BENCH_RULES_NS)?,
        rules_hits: a.u32(attr::BENCH_RULES_HITS)?,
        mismatches: a.u32(attr::BENCH_MISMATCHES)?,
        routes: a.u32(attr::BENCH_ROUTES)?,
        nodes: a.u32(attr::BENCH_NODES)?,
        bytes: a.u64(attr::BENCH_BYTES)?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn s(nr: u16, v: &str) -> RawAttr {
        string_attr(nr, v)
    }

    #[test]
    fn addr_add_request_bytes() {
        let prefix = Prefix {
            addr: Ipv4Addr::new(10, 1, 0, 1),
            len: 24,
        };
        let req = Request::addr_change(true, "fer1", prefix);
        assert_eq!(req.cmd, 4);
        assert!(!req.dump);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // genlmsghdr: cmd 4 (addr-add), version 1, reserved
            4, 1, 0, 0,
            // ifname: len 9, type 2, "fer1\0", 3 bytes pad
            9, 0, 2, 0, b'f', b'e', b'r', b'1', 0, 0, 0, 0,
            // address: len 8, type 3, 10.1.0.1 big-endian
            8, 0, 3, 0, 10, 1, 0, 1,
            // prefixlen: len 5, type 4, 24, 3 bytes pad
            5, 0, 4, 0, 24, 0, 0, 0,
        ];
        // Attribute headers are host-endian; this byte layout is x86/arm LE.
        if cfg!(target_endian = "little") {
            assert_eq!(req.to_bytes().unwrap(), expected);
        }
    }

    #[test]
    fn port_and_dump_requests() {
        let req = Request::port_change(false, "veth1");
        assert_eq!(req.cmd, cmd::PORT_DEL);
        assert_eq!(req.attrs, vec![(attr::IFNAME, b"veth1\0".to_vec())]);
        let dump = Request::dump(cmd::STATS_GET);
        assert!(dump.dump && dump.attrs.is_empty());
        if cfg!(target_endian = "little") {
            assert_eq!(dump.to_bytes().unwrap(), vec![7, 1, 0, 0]);
        }
    }

    fn spec(args: &[&str]) -> RouteSpec {
        crate::cli::parse_route_spec(
            crate::cli::Args::new(args.iter().map(|a| a.to_string()).collect(), "test"),
            false,
        )
        .unwrap()
    }

    #[test]
    fn route_add_request_bytes() {
        let route = spec(&[
            "10.2.0.0/16",
            "via",
            "10.1.0.254",
            "dev",
            "veth1",
            "metric",
            "10",
        ]);
        let req = Request::route_add(crate::proto::route_mode::ADD, &route);
        assert_eq!((req.cmd, req.dump), (9, false));
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // genlmsghdr: cmd 9 (route-add), version 1, reserved
            9, 1, 0, 0,
            // address (3): 10.2.0.0 big-endian
            8, 0, 3, 0, 10, 2, 0, 0,
            // prefixlen (4): 16, 3 bytes pad
            5, 0, 4, 0, 16, 0, 0, 0,
            // table (11): main 254, host order
            8, 0, 11, 0, 254, 0, 0, 0,
            // route-type (12): unicast 1
            5, 0, 12, 0, 1, 0, 0, 0,
            // gateway (14): 10.1.0.254 big-endian
            8, 0, 14, 0, 10, 1, 0, 254,
            // ifname (2): "veth1\0", 2 bytes pad
            10, 0, 2, 0, b'v', b'e', b't', b'h', b'1', 0, 0, 0,
            // metric (15): 10
            8, 0, 15, 0, 10, 0, 0, 0,
            // protocol (17): boot 3
            5, 0, 17, 0, 3, 0, 0, 0,
            // route-mode (20): add 1
            5, 0, 20, 0, 1, 0, 0, 0,
        ];
        if cfg!(target_endian = "little") {
            assert_eq!(req.to_bytes().unwrap(), expected);
        }
    }

    #[test]
    fn multipath_request_bytes_and_decoding() {
        let route = spec(&[
            "10.3.0.0/16",
            "nexthop",
            "via",
            "10.1.0.2",
            "dev",
            "d0",
            "weight",
            "3",
            "nexthop",
            "via",
            "10.2.0.2",
            "onlink",
        ]);
        let req = Request::route_add(crate::proto::route_mode::ADD, &route);
        let (nr, payload) = req
            .attrs
            .iter()
            .find(|(nr, _)| nr & !NLA_F_NESTED == attr::MULTIPATH)
            .unwrap();
        assert_eq!(*nr, attr::MULTIPATH | NLA_F_NESTED);
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            // nexthop (1, nested): 8 + 8 + 8 bytes of attributes
            28, 0, 1, 0x80,
            // gateway 10.1.0.2, ifname "d0\0" (1 pad), weight 3
            8, 0, 1, 0, 10, 1, 0, 2,
            7, 0, 2, 0, b'd', b'0', 0, 0,
            8, 0, 3, 0, 3, 0, 0, 0,
            // nexthop: gateway 10.2.0.2, onlink
            20, 0, 1, 0x80,
            8, 0, 1, 0, 10, 2, 0, 2,
            5, 0, 4, 0, 1, 0, 0, 0,
        ];
        if cfg!(target_endian = "little") {
            assert_eq!(payload, &expected);
            // The reply side reads what the request side writes.
            let mut attrs = route_reply(254, [10, 3, 0, 0], 16, 1, vec![]);
            attrs.push((attr::MULTIPATH, expected.clone()));
            let r = decode_route(&attrs).unwrap();
            assert_eq!(
                r.nexthops,
                vec![
                    NextHop {
                        gateway: Some(Ipv4Addr::new(10, 1, 0, 2)),
                        dev: Some("d0".into()),
                        weight: 3,
                        onlink: false,
                        dead: false,
                    },
                    NextHop {
                        gateway: Some(Ipv4Addr::new(10, 2, 0, 2)),
                        dev: None,
                        weight: 1,
                        onlink: true,
                        dead: false,
                    },
                ]
            );
            // A truncated nest is malformed, not a panic.
            attrs.pop();
            attrs.push((attr::MULTIPATH, expected[..10].to_vec()));
            assert!(decode_route(&attrs).is_err());
        }
    }

    #[test]
    fn rule_requests_and_decoding() {
        let rule = |args: &[&str]| match crate::cli::parse_rule_spec(crate::cli::Args::new(
            args.iter().map(|s| s.to_string()).collect(),
            "rule add",
        )) {
            Ok(r) => r,
            Err(e) => panic!("{args:?}: {e}"),
        };
        let r = rule(&[
            "pref",
            "100",
            "from",
            "10.9.0.0/16",
            "fwmark",
            "0x10",
            "lookup",
            "100",
        ]);
        let req = Request::rule_change(true, &r);
        assert_eq!((req.cmd, req.dump), (cmd::RULE_ADD, false));
        assert_eq!(
            req.attrs,
            vec![
                u32_attr(attr::PRIORITY, 100),
                (attr::SRC, vec![10, 9, 0, 0]),
                u8_attr(attr::SRC_LEN, 16),
                u32_attr(attr::MARK, 0x10),
                u8_attr(attr::RULE_ACTION, rule_action::TO_TABLE),
                u32_attr(attr::TABLE, 100),
            ]
        );
        // rule del sends only what was given.
        let req = Request::rule_change(false, &rule(&["pref", "7"]));
        assert_eq!(req.cmd, cmd::RULE_DEL);
        assert_eq!(req.attrs, vec![u32_attr(attr::PRIORITY, 7)]);
        let req = Request::rule_change(true, &rule(&["not", "to", "10.1.2.3", "goto", "9"]));
        assert_eq!(
            req.attrs,
            vec![
                (attr::ADDRESS, vec![10, 1, 2, 3]),
                u8_attr(attr::PREFIXLEN, 32),
                u8_attr(attr::INVERT, 1),
                u8_attr(attr::RULE_ACTION, rule_action::GOTO),
                u32_attr(attr::GOTO, 9),
            ]
        );

        let reply = vec![
            u32_attr(attr::PRIORITY, 200),
            (attr::SRC, vec![10, 9, 0, 0]),
            u8_attr(attr::SRC_LEN, 16),
            u32_attr(attr::MARK, 0x10),
            u32_attr(attr::FWMASK, 0xff),
            string_attr(attr::IIFNAME, "d0"),
            u8_attr(attr::RULE_ACTION, rule_action::TO_TABLE),
            u32_attr(attr::TABLE, 254),
        ];
        let r = decode_rule(&reply).unwrap();
        assert_eq!(r.priority, 200);
        assert_eq!(r.src, Some((Ipv4Addr::new(10, 9, 0, 0), 16)));
        assert_eq!(r.fwmark, Some((0x10, 0xff)));
        assert_eq!(r.iif.as_deref(), Some("d0"));
        assert_eq!(r.action, RuleAction::Table(TableId(254)));
        let goto = vec![
            u32_attr(attr::PRIORITY, 5),
            u8_attr(attr::RULE_ACTION, rule_action::GOTO),
        ];
        assert!(decode_rule(&goto).is_err(), "goto without target");
        let bad_len = vec![
            u32_attr(attr::PRIORITY, 5),
            (attr::SRC, vec![10, 0, 0, 0]),
            u8_attr(attr::SRC_LEN, 40),
            u8_attr(attr::RULE_ACTION, rule_action::NOP),
        ];
        assert!(decode_rule(&bad_len).is_err());
        let t =
            decode_table(&[u32_attr(attr::TABLE, 100), u32_attr(attr::ROUTE_COUNT, 7)]).unwrap();
        assert_eq!((t.table, t.routes), (TableId(100), 7));
    }

    #[test]
    fn route_add_every_attribute() {
        let route = spec(&[
            "blackhole",
            "10.9.0.0/16",
            "table",
            "100",
            "scope",
            "host",
            "src",
            "10.1.0.1",
            "proto",
            "static",
            "tos",
            "0x10",
            "mtu",
            "1400",
            "onlink",
        ]);
        let req = Request::route_add(crate::proto::route_mode::PREPEND, &route);
        let nrs: Vec<u16> = req.attrs.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            nrs,
            [
                attr::ADDRESS,
                attr::PREFIXLEN,
                attr::TABLE,
                attr::ROUTE_TYPE,
                attr::SCOPE,
                attr::PREFSRC,
                attr::PROTOCOL,
                attr::TOS,
                attr::MTU,
                attr::ONLINK,
                attr::ROUTE_MODE
            ]
        );
        let a = Attrs(&req.attrs);
        assert_eq!(a.u32(attr::TABLE).unwrap(), 100);
        assert_eq!(a.u8(attr::ROUTE_TYPE).unwrap(), 6);
        assert_eq!(a.u8(attr::SCOPE).unwrap(), 254);
        assert_eq!(a.ipv4(attr::PREFSRC).unwrap(), Ipv4Addr::new(10, 1, 0, 1));
        assert_eq!(a.u8(attr::PROTOCOL).unwrap(), 4);
        assert_eq!(a.u8(attr::TOS).unwrap(), 16);
        assert_eq!(a.u32(attr::MTU).unwrap(), 1400);
        assert_eq!(a.u8(attr::ONLINK).unwrap(), 1);
        assert_eq!(a.u8(attr::ROUTE_MODE).unwrap(), 4);
    }

    /// Every request ferctl builds, with every option it has, carries only
    /// attributes its command takes: the module refuses any other.
    #[test]
    fn requests_carry_only_accepted_attributes() {
        let rule = |args: &[&str]| {
            crate::cli::parse_rule_spec(crate::cli::Args::new(
                args.iter().map(|s| s.to_string()).collect(),
                "rule add",
            ))
            .unwrap()
        };
        let full = spec(&[
            "unreachable",
            "10.9.0.0/16",
            "table",
            "100",
            "dev",
            "veth1",
            "metric",
            "5",
            "scope",
            "host",
            "src",
            "10.1.0.1",
            "proto",
            "static",
            "tos",
            "0x10",
            "mtu",
            "1400",
            "onlink",
        ]);
        let via = spec(&["10.9.0.0/16", "via", "10.1.0.2", "dev", "veth1"]);
        let hops = spec(&[
            "10.8.0.0/16",
            "nexthop",
            "via",
            "10.1.0.2",
            "weight",
            "1",
            "nexthop",
            "via",
            "10.1.0.3",
            "dev",
            "veth1",
            "onlink",
        ]);
        let prefix = Prefix {
            addr: Ipv4Addr::new(10, 1, 0, 1),
            len: 24,
        };
        let a = Some(Ipv4Addr::new(10, 1, 0, 2));
        let rules = [
            rule(&[
                "not",
                "pref",
                "100",
                "from",
                "10.9.0.0/16",
                "to",
                "10.1.0.0/16",
                "iif",
                "a",
                "oif",
                "b",
                "tos",
                "0x10",
                "fwmark",
                "0x10/0xff",
                "lookup",
                "100",
            ]),
            rule(&["pref", "100", "fwmark", "0x10", "goto", "200"]),
            rule(&["prohibit"]),
        ];
        let mut reqs = vec![
            Request::port_change(true, "veth1"),
            Request::port_change(false, "veth1"),
            Request::addr_change(true, "veth1", prefix),
            Request::addr_change(false, "veth1", prefix),
            Request::route_get(&RouteGet {
                dst: Ipv4Addr::new(10, 2, 3, 4),
                from: a,
                iif: Some("a"),
                oif: Some("b"),
                mark: Some(7),
                tos: Some(0x10),
                fib_match: true,
            }),
            Request::route_list(100),
            Request::table_del(100),
            Request::fib_bench(Some(10), Some(1)),
        ];
        for route in [&full, &via, &hops] {
            for mode in [
                crate::proto::route_mode::ADD,
                crate::proto::route_mode::PREPEND,
            ] {
                reqs.push(Request::route_add(mode, route));
            }
            reqs.push(Request::route_del(route));
        }
        for r in &rules {
            reqs.push(Request::rule_change(true, r));
            reqs.push(Request::rule_change(false, r));
        }
        for (_, nr) in cmd::ALL {
            reqs.push(Request::dump(*nr));
        }
        for req in &reqs {
            let accepted = crate::proto::request::attrs(req.cmd);
            for (nr, _) in &req.attrs {
                let nr = nr & !NLA_F_NESTED;
                assert!(
                    accepted.contains(&nr),
                    "command {} sends {}, which it does not take",
                    req.cmd,
                    attr::name(nr)
                );
            }
        }
    }

    #[test]
    fn route_del_sends_only_the_key() {
        let req = Request::route_del(&spec(&["10.2.0.0/16", "via", "10.1.0.254"]));
        assert_eq!(req.cmd, cmd::ROUTE_DEL);
        assert_eq!(
            req.attrs,
            vec![
                (attr::ADDRESS, vec![10, 2, 0, 0]),
                (attr::PREFIXLEN, vec![16]),
                (attr::TABLE, 254u32.to_ne_bytes().to_vec()),
                (attr::GATEWAY, vec![10, 1, 0, 254]),
            ]
        );
        let req = Request::route_del(&spec(&[
            "unreachable",
            "10.2.0.0/16",
            "table",
            "local",
            "dev",
            "x",
            "metric",
            "5",
            "src",
            "1.2.3.4",
            "proto",
            "kernel",
            "scope",
            "link",
            "tos",
            "8",
        ]));
        let nrs: Vec<u16> = req.attrs.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            nrs,
            [
                attr::ADDRESS,
                attr::PREFIXLEN,
                attr::TABLE,
                attr::ROUTE_TYPE,
                attr::SCOPE,
                attr::IFNAME,
                attr::METRIC,
                attr::PREFSRC,
                attr::PROTOCOL,
                attr::TOS
            ]
        );
    }

    #[test]
    fn route_get_and_list_requests() {
        let dst = Ipv4Addr::new(10, 2, 3, 4);
        let req = Request::route_get(&RouteGet {
            dst,
            from: None,
            iif: None,
            oif: None,
            mark: None,
            tos: None,
            fib_match: false,
        });
        assert_eq!((req.cmd, req.dump), (cmd::ROUTE_GET, false));
        assert_eq!(req.attrs, vec![(attr::ADDRESS, vec![10, 2, 3, 4])]);
        // Answered by one reply: sent without NLM_F_ACK.
        assert!(req.single_reply());
        assert!(!Request::dump(cmd::ROUTE_LIST).single_reply());
        assert!(!Request::port_change(true, "veth1").single_reply());
        let req = Request::route_get(&RouteGet {
            dst,
            from: Some(Ipv4Addr::new(10, 1, 0, 2)),
            iif: Some("veth1"),
            oif: Some("veth2"),
            mark: Some(7),
            tos: Some(0x20),
            fib_match: true,
        });
        assert_eq!(
            req.attrs,
            vec![
                (attr::ADDRESS, vec![10, 2, 3, 4]),
                (attr::SRC, vec![10, 1, 0, 2]),
                (attr::IIFNAME, b"veth1\0".to_vec()),
                (attr::IFNAME, b"veth2\0".to_vec()),
                (attr::MARK, 7u32.to_ne_bytes().to_vec()),
                (attr::TOS, vec![0x20]),
                (attr::FIB_MATCH, vec![1]),
            ]
        );
        let all = Request::route_list(0);
        assert_eq!((all.cmd, all.dump), (cmd::ROUTE_LIST, true));
        assert!(all.attrs.is_empty());
        let main = Request::route_list(254);
        assert_eq!(
            main.attrs,
            vec![(attr::TABLE, 254u32.to_ne_bytes().to_vec())]
        );
        if cfg!(target_endian = "little") {
            assert_eq!(
                main.to_bytes().unwrap(),
                vec![12, 1, 0, 0, 8, 0, 11, 0, 254, 0, 0, 0]
            );
        }
    }

    /// A route-list reply: the attributes every route has, then `extra`
    /// (replacing a default of the same number or added after them).
    pub(crate) fn route_reply(
        table: u32,
        dst: [u8; 4],
        len: u8,
        rtype: u8,
        extra: Vec<RawAttr>,
    ) -> Vec<RawAttr> {
        let mut v = vec![
            (attr::TABLE, table.to_ne_bytes().to_vec()),
            (attr::ADDRESS, dst.to_vec()),
            (attr::PREFIXLEN, vec![len]),
            (attr::ROUTE_TYPE, vec![rtype]),
            (attr::SCOPE, vec![0]),
            (attr::PROTOCOL, vec![3]),
            (attr::METRIC, 0u32.to_ne_bytes().to_vec()),
        ];
        for (nr, p) in extra {
            match v.iter_mut().find(|(n, _)| *n == nr) {
                Some(slot) => slot.1 = p,
                None => v.push((nr, p)),
            }
        }
        v
    }

    #[test]
    fn decodes_route() {
        let r = decode_route(&route_reply(
            254,
            [10, 2, 0, 0],
            16,
            1,
            vec![
                (attr::GATEWAY, vec![10, 1, 0, 254]),
                s(attr::IFNAME, "veth1"),
                (attr::METRIC, 10u32.to_ne_bytes().to_vec()),
                (attr::TOS, vec![0]),
                (attr::MTU, 1400u32.to_ne_bytes().to_vec()),
                (attr::ONLINK, vec![1]),
            ],
        ))
        .unwrap();
        assert_eq!(r.table, TableId(254));
        assert_eq!(r.dst.to_string(), "10.2.0.0/16");
        assert_eq!(r.rtype, RouteType(1));
        assert_eq!(r.gateway, Some(Ipv4Addr::new(10, 1, 0, 254)));
        assert_eq!(r.dev.as_deref(), Some("veth1"));
        assert_eq!(r.metric, 10);
        assert_eq!(r.tos, None);
        assert_eq!(r.mtu, Some(1400));
        assert!(r.onlink);
        assert_eq!(r.prefsrc, None);

        // Metric is optional; everything else the contract lists is not.
        let mut no_metric = route_reply(254, [10, 0, 0, 0], 8, 1, vec![]);
        no_metric.retain(|(n, _)| *n != attr::METRIC);
        assert_eq!(decode_route(&no_metric).unwrap().metric, 0);
        for missing in [
            attr::TABLE,
            attr::ADDRESS,
            attr::PREFIXLEN,
            attr::ROUTE_TYPE,
            attr::SCOPE,
        ] {
            let mut r = route_reply(254, [10, 0, 0, 0], 8, 1, vec![]);
            r.retain(|(n, _)| *n != missing);
            assert_eq!(
                decode_route(&r),
                Err(NlError::Malformed(format!(
                    "missing attribute {}",
                    attr::name(missing)
                )))
            );
        }
        let bad = route_reply(254, [10, 0, 0, 0], 33, 1, vec![]);
        assert!(matches!(decode_route(&bad), Err(NlError::Malformed(_))));
        let bad = route_reply(254, [10, 0, 0, 0], 8, 1, vec![(attr::GATEWAY, vec![1, 2])]);
        assert!(matches!(decode_route(&bad), Err(NlError::Malformed(_))));
    }

    #[test]
    fn decodes_route_lookup() {
        let dst = Ipv4Addr::new(10, 2, 3, 4);
        let l = decode_route_lookup(
            dst,
            &route_reply(
                254,
                [10, 2, 0, 0],
                16,
                1,
                vec![
                    (attr::GATEWAY, vec![10, 1, 0, 254]),
                    s(attr::IFNAME, "veth1"),
                    (attr::PREFSRC, vec![10, 1, 0, 1]),
                    (attr::METRIC, 10u32.to_ne_bytes().to_vec()),
                ],
            ),
        )
        .unwrap();
        assert_eq!(l.dst, dst);
        assert_eq!(l.prefix, "10.2.0.0/16");
        assert_eq!(l.table, TableId(254));
        assert_eq!(l.gateway, Some(Ipv4Addr::new(10, 1, 0, 254)));
        assert_eq!(l.prefsrc, Some(Ipv4Addr::new(10, 1, 0, 1)));
        assert_eq!(l.metric, 10);
        assert_eq!(l.scope, Scope(0));
        // Only table, type, address and prefixlen are required.
        let minimal = vec![
            (attr::TABLE, 254u32.to_ne_bytes().to_vec()),
            (attr::ROUTE_TYPE, vec![6]),
            (attr::ADDRESS, vec![10, 9, 0, 0]),
            (attr::PREFIXLEN, vec![16]),
        ];
        let l = decode_route_lookup(dst, &minimal).unwrap();
        assert_eq!((l.metric, l.scope, l.dev), (0, Scope(0), None));
        assert!(decode_route_lookup(dst, &minimal[1..]).is_err());
    }

    #[test]
    fn decodes_port() {
        let attrs = vec![
            (attr::PORT_ID, 1u32.to_ne_bytes().to_vec()),
            s(attr::IFNAME, "veth1"),
            (attr::IFINDEX, 5u32.to_ne_bytes().to_vec()),
            (attr::KIND, vec![1]),
            (attr::MAC, vec![2, 0, 0, 0, 0, 1]),
            (99, vec![1, 2, 3]), // unknown: ignored
        ];
        let p = decode_port(&attrs).unwrap();
        assert_eq!(p.port_id, 1);
        assert_eq!(p.ifname, "veth1");
        assert_eq!(p.ifindex, Some(5));
        assert_eq!(p.kind, PortKind::Attached);
        assert_eq!(p.mac.unwrap().to_string(), "02:00:00:00:00:01");
    }

    #[test]
    fn rejects_malformed_replies() {
        let missing = vec![s(attr::IFNAME, "veth1")];
        assert_eq!(
            decode_port(&missing),
            Err(NlError::Malformed("missing attribute port-id".into()))
        );
        let short = vec![
            (attr::PORT_ID, vec![1, 0]),
            s(attr::IFNAME, "x"),
            (attr::KIND, vec![1]),
        ];
        assert!(matches!(decode_port(&short), Err(NlError::Malformed(_))));
        let badmac = vec![
            (attr::PORT_ID, 1u32.to_ne_bytes().to_vec()),
            s(attr::IFNAME, "x"),
            (attr::KIND, vec![1]),
            (attr::MAC, vec![1, 2, 3]),
        ];
        assert!(matches!(decode_port(&badmac), Err(NlError::Malformed(_))));
        let badlen = vec![
            s(attr::IFNAME, "x"),
            (attr::ADDRESS, vec![10, 0, 0, 1]),
            (attr::PREFIXLEN, vec![40]),
        ];
        assert!(matches!(decode_addr(&badlen), Err(NlError::Malformed(_))));
        let badstat = vec![s(attr::STAT_NAME, "x"), (attr::STAT_VALUE, vec![0; 4])];
        assert!(matches!(decode_stat(&badstat), Err(NlError::Malformed(_))));
        // Empty string payloads and strings without NUL are tolerated.
        let odd = vec![(attr::STAT_NAME, vec![]), (attr::STAT_VALUE, vec![0; 8])];
        assert_eq!(decode_stat(&odd).unwrap().name, "");
        let nonul = vec![
            (attr::STAT_NAME, b"abc".to_vec()),
            (attr::STAT_VALUE, vec![0; 8]),
        ];
        assert_eq!(decode_stat(&nonul).unwrap().name, "abc");
    }

    #[test]
    fn decodes_addr_stat_neigh() {
        let a = decode_addr(&[
            (attr::PORT_ID, 2u32.to_ne_bytes().to_vec()),
            s(attr::IFNAME, "fer1"),
            (attr::ADDRESS, vec![10, 1, 0, 1]),
            (attr::PREFIXLEN, vec![24]),
        ])
        .unwrap();
        assert_eq!(a.local, Ipv4Addr::new(10, 1, 0, 1));
        assert_eq!(a.prefixlen, 24);
        assert_eq!(a.port_id, Some(2));

        let st = decode_stat(&[
            s(attr::STAT_NAME, "InHdrErrors"),
            (attr::STAT_VALUE, 7u64.to_ne_bytes().to_vec()),
        ])
        .unwrap();
        assert_eq!((st.name.as_str(), st.value), ("InHdrErrors", 7));

        let n = decode_neigh(&[
            s(attr::IFNAME, "veth1"),
            (attr::ADDRESS, vec![10, 1, 0, 2]),
            (attr::MAC, vec![0; 6]),
            (attr::NEIGH_STATE, vec![1]),
        ])
        .unwrap();
        assert_eq!(n.state, NeighState::Incomplete);
        assert_eq!(n.lladdr, None);
        let n = decode_neigh(&[
            s(attr::IFNAME, "veth1"),
            (attr::ADDRESS, vec![10, 1, 0, 2]),
            (attr::MAC, vec![2, 0, 0, 0, 0, 2]),
            (attr::NEIGH_STATE, vec![2]),
        ])
        .unwrap();
        assert_eq!(n.state, NeighState::Reachable);
        assert!(n.lladdr.is_some());
    }
}

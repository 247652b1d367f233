// SPDX-License-Identifier: GPL-2.0
//! The netlink layer without a socket: turning a command into a generic
//! netlink request and the attributes of dump replies into [`crate::model`]
//! values. Nothing here talks to the kernel, so all of it is unit-tested.

use std::io::Cursor;
use std::net::Ipv4Addr;

use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, NlattrBuilder};
use neli::types::{Buffer, GenlBuffer};
use neli::ToBytes;

use crate::cli::{Prefix, RouteSpec};
use crate::error::NlError;
use crate::model::{
    Address, FibBench, Mac, Neigh, NeighState, Port, PortKind, Protocol, Route, RouteDst,
    RouteLookup, RouteType, Scope, Stat, TableId,
};
use crate::proto::{attr, cmd, protocol, route_type, scope, table, FAMILY_VERSION, MAC_LEN};

/// One attribute as it travels: type number and payload bytes.
pub type RawAttr = (u16, Vec<u8>);

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

impl Request {
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
        attrs.push(u8_attr(attr::ROUTE_MODE, mode));
        Request {
            cmd: cmd::ROUTE_ADD,
            dump: false,
            attrs,
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

    /// `route-get` of `dst` (no prefixlen is sent).
    pub fn route_get(
        dst: Ipv4Addr,
        from: Option<Ipv4Addr>,
        iif: Option<&str>,
        oif: Option<&str>,
        mark: Option<u32>,
    ) -> Self {
        let mut attrs = vec![ipv4_attr(attr::ADDRESS, dst)];
        attrs.extend(from.map(|v| ipv4_attr(attr::SRC, v)));
        attrs.extend(iif.map(|v| string_attr(attr::IIFNAME, v)));
        attrs.extend(oif.map(|v| string_attr(attr::IFNAME, v)));
        attrs.extend(mark.map(|v| u32_attr(attr::MARK, v)));
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

    /// The generic netlink header and attributes, as neli sends them.
    pub fn to_genl(&self) -> Result<Genlmsghdr<u8, u16>, NlError> {
        let build_err = |e: &dyn std::fmt::Display| NlError::Io(format!("building request: {e}"));
        let mut attrs = GenlBuffer::<u16, Buffer>::new();
        for (nr, payload) in &self.attrs {
            let nla_type = AttrTypeBuilder::default()
                .nla_type(*nr)
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
    })
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
mod tests {
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
        let req = Request::route_get(Ipv4Addr::new(10, 2, 3, 4), None, None, None, None);
        assert_eq!((req.cmd, req.dump), (cmd::ROUTE_GET, false));
        assert_eq!(req.attrs, vec![(attr::ADDRESS, vec![10, 2, 3, 4])]);
        let req = Request::route_get(
            Ipv4Addr::new(10, 2, 3, 4),
            Some(Ipv4Addr::new(10, 1, 0, 2)),
            Some("veth1"),
            Some("veth2"),
            Some(7),
        );
        assert_eq!(
            req.attrs,
            vec![
                (attr::ADDRESS, vec![10, 2, 3, 4]),
                (attr::SRC, vec![10, 1, 0, 2]),
                (attr::IIFNAME, b"veth1\0".to_vec()),
                (attr::IFNAME, b"veth2\0".to_vec()),
                (attr::MARK, 7u32.to_ne_bytes().to_vec()),
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

    fn route_reply(
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

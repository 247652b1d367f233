// SPDX-License-Identifier: GPL-2.0
//! The netlink layer without a socket: turning a command into a generic
//! netlink request and the attributes of dump replies into [`crate::model`]
//! values. Nothing here talks to the kernel, so all of it is unit-tested.

use std::io::Cursor;
use std::net::Ipv4Addr;

use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, NlattrBuilder};
use neli::types::{Buffer, GenlBuffer};
use neli::ToBytes;

use crate::cli::Prefix;
use crate::error::NlError;
use crate::model::{Address, Mac, Neigh, NeighState, Port, PortKind, Stat};
use crate::proto::{attr, cmd, FAMILY_VERSION, MAC_LEN};

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

// SPDX-License-Identifier: GPL-2.0
//! `ferctl mvif` and `ferctl mroute`: the multicast VIFs and the multicast
//! forwarding cache (Linux's `MRT_ADD_VIF`/`MRT_ADD_MFC`, shown as
//! `ip -s mroute` and /proc/net/ip_mr_vif show them).

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde::Serialize;

use crate::cli::{Args, Options};
use crate::error::{Error, NlError};
use crate::msg::{Attrs, RawAttr, Request};
use crate::proto::{attr, cmd};

/// `MAXVIFS`.
pub const MAXVIFS: usize = 32;

/// `ferctl mvif ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MvifCmd {
    /// `mvif add DEV [threshold T] [prune]`.
    Add {
        /// The port.
        dev: String,
        /// Its default output threshold (1 when not given).
        threshold: Option<u8>,
        /// (*,G) traffic goes out only to groups with members there.
        prune: bool,
    },
    /// `mvif del DEV`.
    Del {
        /// The port.
        dev: String,
    },
    /// `mvif list`.
    List,
}

/// `ferctl mroute ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MrouteCmd {
    /// `mroute add [source S] group G iif DEV oif DEV [threshold T] ...`.
    Add {
        /// The source; none for (*,G).
        source: Option<Ipv4Addr>,
        /// The group.
        group: Ipv4Addr,
        /// The input port.
        iif: String,
        /// The output ports, each with its threshold (the VIF's when none).
        oifs: Vec<(String, Option<u8>)>,
    },
    /// `mroute del [source S] group G`.
    Del {
        /// The source; none for (*,G).
        source: Option<Ipv4Addr>,
        /// The group.
        group: Ipv4Addr,
    },
    /// `mroute list`.
    List,
}

/// A threshold word (1..=255).
pub fn parse_threshold(args: &Args, v: &str) -> Result<u8, Error> {
    v.parse::<u8>()
        .ok()
        .filter(|t| *t >= 1)
        .ok_or_else(|| args.error(format!("invalid threshold \"{v}\" (1..255)")))
}

/// An address word.
pub fn parse_addr(args: &Args, v: &str, what: &str) -> Result<Ipv4Addr, Error> {
    v.parse()
        .map_err(|_| args.error(format!("invalid {what} \"{v}\"")))
}

/// One VIF, as `mvif-list` replies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vif {
    /// Its index.
    pub vif: u8,
    /// The port.
    pub dev: String,
    /// Its default threshold.
    pub threshold: u8,
    /// (*,G) traffic leaves only to groups with members.
    pub prune: bool,
    /// The link's IGMP querier, if one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub querier: Option<Ipv4Addr>,
    /// Packets received and forwarded.
    pub pkts_in: u64,
    /// Their bytes.
    pub bytes_in: u64,
    /// Packets sent.
    pub pkts_out: u64,
    /// Their bytes.
    pub bytes_out: u64,
}

/// One output of an MFC entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Oif {
    /// The port (or `vifN` if the VIF is gone).
    pub dev: String,
    /// Its threshold.
    pub ttl: u8,
}

/// One MFC entry, as `mroute-list` replies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mroute {
    /// The source, 0.0.0.0 for (*,G).
    pub source: Ipv4Addr,
    /// The group.
    pub group: Ipv4Addr,
    /// The input port.
    pub iif: String,
    /// The outputs.
    pub oifs: Vec<Oif>,
    /// Packets that matched.
    pub packets: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Packets that arrived on another port than `iif`.
    pub wrong_if: u64,
}

/// Decodes an `mvif-list` reply.
pub fn decode_vif(attrs: &[RawAttr]) -> Result<Vif, NlError> {
    let a = Attrs(attrs);
    Ok(Vif {
        vif: a.u8(attr::MR_VIF)?,
        dev: a.opt_string(attr::IFNAME)?.unwrap_or_default(),
        threshold: a.u8(attr::MR_THRESHOLD)?,
        prune: a.opt_u8(attr::MR_PRUNE)?.unwrap_or(0) != 0,
        querier: a.opt_ipv4(attr::MR_QUERIER)?,
        pkts_in: a.u64(attr::MR_PKT_IN)?,
        bytes_in: a.u64(attr::MR_BYTES_IN)?,
        pkts_out: a.u64(attr::MR_PKT_OUT)?,
        bytes_out: a.u64(attr::MR_BYTES_OUT)?,
    })
}

/// The raw `mroute-list` reply: the thresholds by VIF index, named later.
pub struct RawMroute {
    entry: Mroute,
    ttls: Vec<u8>,
}

/// Decodes an `mroute-list` reply.
pub fn decode_mroute(attrs: &[RawAttr]) -> Result<RawMroute, NlError> {
    let a = Attrs(attrs);
    let ttls = attrs
        .iter()
        .find(|(n, _)| *n == attr::MR_TTLS)
        .map(|(_, p)| p.clone())
        .ok_or_else(|| NlError::Malformed("missing attribute mr-ttls".to_string()))?;
    let parent = a.u8(attr::MR_VIF)?;
    Ok(RawMroute {
        entry: Mroute {
            source: a.ipv4(attr::MR_ORIGIN)?,
            group: a.ipv4(attr::MR_GROUP)?,
            iif: a
                .opt_string(attr::IFNAME)?
                .unwrap_or_else(|| format!("vif{parent}")),
            oifs: Vec::new(),
            packets: a.u64(attr::MR_PACKETS)?,
            bytes: a.u64(attr::MR_BYTES)?,
            wrong_if: a.u64(attr::MR_WRONG_IF)?,
        },
        ttls,
    })
}

/// Names the outputs of `raw` by the VIFs of `vifs`.
pub fn resolve(raw: RawMroute, vifs: &[Vif]) -> Mroute {
    let mut e = raw.entry;
    for (i, &t) in raw.ttls.iter().enumerate().take(MAXVIFS) {
        if t == 0 || t == 255 {
            continue;
        }
        let dev = vifs
            .iter()
            .find(|v| usize::from(v.vif) == i)
            .map_or_else(|| format!("vif{i}"), |v| v.dev.clone());
        e.oifs.push(Oif { dev, ttl: t });
    }
    e
}

/// The `mvif-add` or `mvif-del` request.
pub fn vif_request(add: bool, dev: &str, threshold: Option<u8>, prune: bool) -> Request {
    let mut name = dev.as_bytes().to_vec();
    name.push(0);
    let mut attrs = vec![(attr::IFNAME, name)];
    if let Some(t) = threshold {
        attrs.push((attr::MR_THRESHOLD, vec![t]));
    }
    if prune {
        attrs.push((attr::MR_PRUNE, vec![1]));
    }
    Request {
        cmd: if add { cmd::MVIF_ADD } else { cmd::MVIF_DEL },
        dump: false,
        attrs,
    }
}

/// The thresholds by VIF index of `oifs`, each the given one or its VIF's;
/// an output that is not a VIF is an error (its name).
pub fn ttls_of(oifs: &[(String, Option<u8>)], vifs: &[Vif]) -> Result<[u8; MAXVIFS], String> {
    let mut ttls = [0u8; MAXVIFS];
    for (dev, t) in oifs {
        let v = vifs
            .iter()
            .find(|v| &v.dev == dev)
            .ok_or_else(|| dev.clone())?;
        if let Some(slot) = ttls.get_mut(usize::from(v.vif)) {
            *slot = t.unwrap_or(v.threshold);
        }
    }
    Ok(ttls)
}

/// The `mroute-add` request.
pub fn add_request(
    source: Option<Ipv4Addr>,
    group: Ipv4Addr,
    iif: &str,
    ttls: &[u8; MAXVIFS],
) -> Request {
    let mut name = iif.as_bytes().to_vec();
    name.push(0);
    let mut attrs = key_attrs(source, group);
    attrs.push((attr::IFNAME, name));
    attrs.push((attr::MR_TTLS, ttls.to_vec()));
    Request {
        cmd: cmd::MROUTE_ADD,
        dump: false,
        attrs,
    }
}

fn key_attrs(source: Option<Ipv4Addr>, group: Ipv4Addr) -> Vec<RawAttr> {
    let mut attrs = Vec::new();
    if let Some(s) = source {
        attrs.push((attr::MR_ORIGIN, s.octets().to_vec()));
    }
    attrs.push((attr::MR_GROUP, group.octets().to_vec()));
    attrs
}

/// The `mroute-del` request.
pub fn del_request(source: Option<Ipv4Addr>, group: Ipv4Addr) -> Request {
    Request {
        cmd: cmd::MROUTE_DEL,
        dump: false,
        attrs: key_attrs(source, group),
    }
}

fn json<T: Serialize>(items: &[T], opts: Options) -> Result<String, Error> {
    let text = if opts.pretty {
        serde_json::to_string_pretty(items)
    } else {
        serde_json::to_string(items)
    };
    text.map(|s| s + "\n")
        .map_err(|e| Error::Output(format!("JSON: {e}")))
}

/// `mvif list`, one VIF a line:
/// `0 veth1 threshold 1 in 3 pkts 300 bytes out 0 pkts 0 bytes`, with
/// `prune` after the threshold when set and `querier A.B.C.D` at the end
/// when one is known.
pub fn show_vifs(vifs: &[Vif], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(vifs, opts);
    }
    let mut out = String::new();
    for v in vifs {
        let prune = if v.prune { " prune" } else { "" };
        let _ = write!(
            out,
            "{} {} threshold {}{prune} in {} pkts {} bytes out {} pkts {} bytes",
            v.vif, v.dev, v.threshold, v.pkts_in, v.bytes_in, v.pkts_out, v.bytes_out
        );
        if let Some(q) = v.querier {
            let _ = write!(out, " querier {q}");
        }
        let _ = writeln!(out);
    }
    Ok(out)
}

/// `mroute list`, as `ip -s mroute`:
/// `(10.1.0.2, 239.1.1.1)  Iif: veth1  Oifs: veth2(ttl 1) veth3(ttl 8)`
/// then `  5 packets, 500 bytes, 1 arrived on wrong iif.`
pub fn show_mroutes(routes: &[Mroute], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(routes, opts);
    }
    let mut out = String::new();
    for r in routes {
        let src = if r.source.is_unspecified() {
            "*".to_string()
        } else {
            r.source.to_string()
        };
        let _ = write!(out, "({src}, {})  Iif: {}  Oifs:", r.group, r.iif);
        for o in &r.oifs {
            let _ = write!(out, " {}(ttl {})", o.dev, o.ttl);
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "  {} packets, {} bytes, {} arrived on wrong iif.",
            r.packets, r.bytes, r.wrong_if
        );
    }
    Ok(out)
}

/// A group with members on a VIF (an `mgroup-list` entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mgroup {
    /// The VIF's port.
    pub dev: String,
    /// The group.
    pub group: Ipv4Addr,
    /// The host whose report was the last.
    pub reporter: Ipv4Addr,
    /// Seconds until the membership ends unless a report comes.
    pub expires: u32,
}

/// Decode an `mgroup-list` entry.
pub fn decode_mgroup(attrs: &[RawAttr]) -> Result<Mgroup, NlError> {
    let a = Attrs(attrs);
    Ok(Mgroup {
        dev: a.string(attr::IFNAME)?,
        group: a.ipv4(attr::MR_GROUP)?,
        reporter: a.ipv4(attr::MG_REPORTER)?,
        expires: a.u32(attr::MG_EXPIRES)?.div_ceil(1000),
    })
}

/// `mgroup list`: `239.1.1.1 dev p1 reporter 10.2.0.2 expires 259s`.
pub fn show_mgroups(items: &[Mgroup], opts: Options) -> Result<String, Error> {
    if opts.json {
        let text = if opts.pretty {
            serde_json::to_string_pretty(items)
        } else {
            serde_json::to_string(items)
        };
        return text
            .map(|t| t + "\n")
            .map_err(|e| Error::Output(e.to_string()));
    }
    Ok(items
        .iter()
        .map(|m| {
            format!(
                "{} dev {} reporter {} expires {}s\n",
                m.group, m.dev, m.reporter, m.expires
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::cli::Command;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn parse_mvif(w: Vec<String>) -> Result<MvifCmd, Error> {
        match crate::cli::parse_mvif(w)? {
            Command::Mvif(c) => Ok(c),
            other => panic!("{other:?}"),
        }
    }

    fn parse_mroute(w: Vec<String>) -> Result<MrouteCmd, Error> {
        match crate::cli::parse_mroute(w)? {
            Command::Mroute(c) => Ok(c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mvif_commands_parse() {
        assert_eq!(parse_mvif(words("")).unwrap(), MvifCmd::List);
        assert_eq!(
            parse_mvif(words("add veth1 threshold 8")).unwrap(),
            MvifCmd::Add {
                dev: "veth1".into(),
                threshold: Some(8),
                prune: false,
            }
        );
        assert_eq!(
            parse_mvif(words("add veth1 prune")).unwrap(),
            MvifCmd::Add {
                dev: "veth1".into(),
                threshold: None,
                prune: true,
            }
        );
        assert!(parse_mvif(words("add veth1 prune prune")).is_err());
        assert_eq!(
            parse_mvif(words("del veth1")).unwrap(),
            MvifCmd::Del {
                dev: "veth1".into()
            }
        );
        assert!(parse_mvif(words("add veth1 threshold 0")).is_err());
        assert!(parse_mvif(words("add veth1 threshold 256")).is_err());
        assert!(parse_mvif(words("add")).is_err());
        assert!(parse_mvif(words("frob")).is_err());
    }

    #[test]
    fn mroute_commands_parse() {
        let c = parse_mroute(words(
            "add source 10.1.0.2 group 239.1.1.1 iif v1 oif v2 oif v3 threshold 8",
        ))
        .unwrap();
        assert_eq!(
            c,
            MrouteCmd::Add {
                source: Some(Ipv4Addr::new(10, 1, 0, 2)),
                group: Ipv4Addr::new(239, 1, 1, 1),
                iif: "v1".into(),
                oifs: vec![("v2".into(), None), ("v3".into(), Some(8))],
            }
        );
        assert_eq!(
            parse_mroute(words("del group 239.1.1.1")).unwrap(),
            MrouteCmd::Del {
                source: None,
                group: Ipv4Addr::new(239, 1, 1, 1)
            }
        );
        assert!(parse_mroute(words("add group 10.1.1.1 iif v1")).is_err());
        assert!(parse_mroute(words("add group 239.1.1.1")).is_err());
        assert!(parse_mroute(words("add group 239.1.1.1 iif v1 threshold 3")).is_err());
        assert!(parse_mroute(words("del group 239.1.1.1 iif v1")).is_err());
    }

    #[test]
    fn thresholds_default_to_the_vifs_and_unknown_outputs_fail() {
        let vif = |vif, dev: &str, threshold| Vif {
            vif,
            dev: dev.into(),
            threshold,
            prune: false,
            querier: None,
            pkts_in: 0,
            bytes_in: 0,
            pkts_out: 0,
            bytes_out: 0,
        };
        let vifs = [vif(0, "v1", 1), vif(3, "v2", 4)];
        let mut shown = vifs.clone();
        shown[1].prune = true;
        shown[1].querier = Some(Ipv4Addr::new(10, 2, 0, 1));
        assert_eq!(
            show_vifs(&shown, Options::default()).unwrap(),
            "0 v1 threshold 1 in 0 pkts 0 bytes out 0 pkts 0 bytes\n\
             3 v2 threshold 4 prune in 0 pkts 0 bytes out 0 pkts 0 bytes querier 10.2.0.1\n"
        );
        let t = ttls_of(&[("v2".into(), None), ("v1".into(), Some(9))], &vifs).unwrap();
        assert_eq!((t[0], t[3], t[1]), (9, 4, 0));
        assert_eq!(
            ttls_of(&[("v9".into(), None)], &vifs),
            Err("v9".to_string())
        );
    }

    #[test]
    fn list_prints_like_ip_s_mroute() {
        let r = Mroute {
            source: Ipv4Addr::new(10, 1, 0, 2),
            group: Ipv4Addr::new(239, 1, 1, 1),
            iif: "v1".into(),
            oifs: vec![Oif {
                dev: "v2".into(),
                ttl: 1,
            }],
            packets: 5,
            bytes: 500,
            wrong_if: 1,
        };
        let out = show_mroutes(&[r], Options::default()).unwrap();
        assert_eq!(
            out,
            "(10.1.0.2, 239.1.1.1)  Iif: v1  Oifs: v2(ttl 1)\n  5 packets, 500 bytes, 1 arrived on wrong iif.\n"
        );
    }
}

// SPDX-License-Identifier: GPL-2.0
//! `ferctl monitor`: the router's change notifications as they come, printed
//! as `ip monitor` prints rtnetlink's (the line `list` prints for the
//! object, `Deleted ` before one that went away; with `label`, the object
//! in brackets first; with `-j`, one JSON object a line naming the
//! notification).

use std::io::Write;

use crate::cli::Options;
use crate::error::{Error, NlError};
use crate::msg::{self, RawAttr};
use crate::output;
use crate::proto::cmd;
use crate::uapi::mcgrp;

/// What `ferctl monitor` can watch, by the family's multicast group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Object {
    /// Ports attached and detached.
    Port,
    /// Addresses.
    Addr,
    /// Routes.
    Route,
    /// Policy rules.
    Rule,
    /// Neighbour entries.
    Neigh,
    /// Multicast routing upcalls (traffic without an MFC entry).
    Mroute,
}

impl Object {
    /// Every object, in group order.
    pub const ALL: [Object; 6] = [
        Object::Port,
        Object::Addr,
        Object::Route,
        Object::Rule,
        Object::Neigh,
        Object::Mroute,
    ];

    /// The multicast group's name (the spec's `mcast-groups`).
    pub fn group(self) -> &'static str {
        let nr = match self {
            Object::Port => mcgrp::PORT,
            Object::Addr => mcgrp::ADDR,
            Object::Route => mcgrp::ROUTE,
            Object::Rule => mcgrp::RULE,
            Object::Neigh => mcgrp::NEIGH,
            Object::Mroute => mcgrp::MROUTE,
        };
        mcgrp::NAMES[nr as usize]
    }

    /// The label `ip monitor label` prints.
    fn label(self) -> &'static str {
        match self {
            Object::Port => "[PORT]",
            Object::Addr => "[ADDR]",
            Object::Route => "[ROUTE]",
            Object::Rule => "[RULE]",
            Object::Neigh => "[NEIGH]",
            Object::Mroute => "[MROUTE]",
        }
    }
}

/// A notification's object, whether it announces a removal, and its name
/// in the spec; `None` for a command that is no notification.
fn kind(command: u8) -> Option<(Object, bool, &'static str)> {
    Some(match command {
        cmd::PORT_NEW_NTF => (Object::Port, false, "port-new-ntf"),
        cmd::PORT_DEL_NTF => (Object::Port, true, "port-del-ntf"),
        cmd::ADDR_NEW_NTF => (Object::Addr, false, "addr-new-ntf"),
        cmd::ADDR_DEL_NTF => (Object::Addr, true, "addr-del-ntf"),
        cmd::ROUTE_NEW_NTF => (Object::Route, false, "route-new-ntf"),
        cmd::ROUTE_DEL_NTF => (Object::Route, true, "route-del-ntf"),
        cmd::RULE_NEW_NTF => (Object::Rule, false, "rule-new-ntf"),
        cmd::RULE_DEL_NTF => (Object::Rule, true, "rule-del-ntf"),
        cmd::NEIGH_NEW_NTF => (Object::Neigh, false, "neigh-new-ntf"),
        cmd::NEIGH_DEL_NTF => (Object::Neigh, true, "neigh-del-ntf"),
        cmd::MROUTE_NOCACHE_NTF => (Object::Mroute, false, "mroute-nocache-ntf"),
        _ => return None,
    })
}

/// The text of one notification (newline-terminated), or `None` for a
/// command that is no notification of the family.
pub fn format(
    command: u8,
    attrs: &[RawAttr],
    label: bool,
    opts: Options,
) -> Result<Option<String>, NlError> {
    let Some((object, deleted, name)) = kind(command) else {
        return Ok(None);
    };
    // `list`'s line for the one object, or its JSON array of one.
    let one = Options {
        pretty: false,
        ..opts
    };
    let listed = |r: Result<String, Error>| r.map_err(|e| NlError::Malformed(e.to_string()));
    let text = match object {
        Object::Port => listed(output::ports(&[msg::decode_port(attrs)?], one))?,
        Object::Addr => listed(output::addrs(&[msg::decode_addr(attrs)?], one))?,
        Object::Route => listed(output::routes(&[msg::decode_route(attrs)?], true, one))?,
        Object::Rule => listed(output::rules(&[msg::decode_rule(attrs)?], one))?,
        Object::Neigh => listed(output::neighs(&[msg::decode_neigh(attrs)?], one))?,
        Object::Mroute => nocache(attrs, one)?,
    };
    if opts.json {
        let mut value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| NlError::Malformed(format!("{name}: {e}")))?;
        let item = value
            .as_array_mut()
            .and_then(|a| a.pop())
            .ok_or_else(|| NlError::Malformed(format!("{name}: nothing decoded")))?;
        let line = serde_json::json!({ "event": name, object.group(): item });
        return Ok(Some(format!("{line}\n")));
    }
    let mut out = String::new();
    if label {
        out.push_str(object.label());
        out.push(' ');
    }
    if deleted {
        out.push_str("Deleted ");
    }
    out.push_str(&text);
    Ok(Some(out))
}

/// An `IGMPMSG_NOCACHE` upcall: `nocache (S, G) iif DEV vif N`, or a JSON
/// array of one object (as the list formatters give).
fn nocache(attrs: &[RawAttr], opts: Options) -> Result<String, NlError> {
    use crate::proto::attr;
    let a = msg::Attrs(attrs);
    let origin = a.ipv4(attr::MR_ORIGIN)?;
    let group = a.ipv4(attr::MR_GROUP)?;
    let iif = a.string(attr::IFNAME)?;
    let vif = a.opt_u8(attr::MR_VIF)?;
    if opts.json {
        let v = serde_json::json!([{
            "origin": origin.to_string(),
            "group": group.to_string(),
            "iif": iif,
            "vif": vif,
        }]);
        return Ok(format!("{v}\n"));
    }
    let mut line = format!("nocache ({origin}, {group}) iif {iif}");
    if let Some(v) = vif {
        line.push_str(&format!(" vif {v}"));
    }
    line.push('\n');
    Ok(line)
}

/// Joins the groups of `objects` and prints each notification as it
/// comes, until the output is closed or the socket fails.
pub fn run(objects: &[Object], label: bool, opts: Options) -> Result<(), Error> {
    let what = "monitor".to_string();
    let fail = |cause| Error::op(what.clone(), cause);
    let mut kernel = crate::netlink::Kernel::connect().map_err(fail)?;
    for o in objects {
        match kernel.subscribe(o.group()) {
            Ok(()) => {}
            // Joining the upcalls needs CAP_NET_ADMIN: without it, watch
            // the rest.
            Err(NlError::Errno { errno: 1, .. }) if *o == Object::Mroute && objects.len() > 1 => {
                eprintln!("ferctl: monitor: mroute needs CAP_NET_ADMIN; not watched");
            }
            Err(e) => return Err(fail(e)),
        }
    }
    let mut out = std::io::stdout().lock();
    loop {
        let notes = match kernel.notifications() {
            Ok(n) => n,
            // ENOBUFS: the socket overran and messages were lost; say so
            // and go on, as ip monitor does.
            Err(NlError::Errno { errno: 105, .. }) => {
                eprintln!("ferctl: monitor: notifications lost (receive buffer overrun)");
                continue;
            }
            Err(e) => return Err(fail(e)),
        };
        for (command, attrs) in notes {
            let Some(text) = format(command, &attrs, label, opts).map_err(fail)? else {
                continue;
            };
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                Err(e) => return Err(Error::Output(e.to_string())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::attr;

    fn route_attrs() -> Vec<RawAttr> {
        vec![
            (attr::TABLE, 254u32.to_ne_bytes().to_vec()),
            (attr::ADDRESS, vec![10, 9, 0, 0]),
            (attr::PREFIXLEN, vec![16]),
            (attr::ROUTE_TYPE, vec![1]),
            (attr::SCOPE, vec![0]),
            (attr::PROTOCOL, vec![3]),
            (attr::METRIC, 0u32.to_ne_bytes().to_vec()),
            (attr::GATEWAY, vec![10, 1, 0, 254]),
            (attr::IFNAME, b"veth0\0".to_vec()),
        ]
    }

    #[test]
    fn routes_print_as_ip_monitor() {
        let opts = Options::default();
        let new = format(cmd::ROUTE_NEW_NTF, &route_attrs(), false, opts).unwrap();
        assert_eq!(
            new.as_deref(),
            Some("10.9.0.0/16 via 10.1.0.254 dev veth0\n")
        );
        let del = format(cmd::ROUTE_DEL_NTF, &route_attrs(), true, opts).unwrap();
        assert_eq!(
            del.as_deref(),
            Some("[ROUTE] Deleted 10.9.0.0/16 via 10.1.0.254 dev veth0\n")
        );
    }

    #[test]
    fn json_names_the_notification() {
        let opts = Options {
            json: true,
            ..Options::default()
        };
        let text = format(cmd::ROUTE_DEL_NTF, &route_attrs(), false, opts)
            .unwrap()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["event"], "route-del-ntf");
        assert_eq!(v["route"]["dst"], "10.9.0.0/16");
    }

    #[test]
    fn upcalls_name_the_flow_and_its_port() {
        let attrs = vec![
            (attr::MR_ORIGIN, vec![10, 2, 0, 2]),
            (attr::MR_GROUP, vec![239, 1, 1, 1]),
            (attr::IFNAME, b"veth2\0".to_vec()),
            (attr::MR_VIF, vec![1]),
        ];
        let text = format(cmd::MROUTE_NOCACHE_NTF, &attrs, true, Options::default()).unwrap();
        assert_eq!(
            text.as_deref(),
            Some("[MROUTE] nocache (10.2.0.2, 239.1.1.1) iif veth2 vif 1\n")
        );
    }

    #[test]
    fn other_commands_are_not_notifications() {
        let opts = Options::default();
        assert_eq!(
            format(cmd::ROUTE_LIST, &route_attrs(), false, opts),
            Ok(None)
        );
    }

    #[test]
    fn every_object_has_its_group() {
        let names: Vec<_> = Object::ALL.iter().map(|o| o.group()).collect();
        assert_eq!(names, mcgrp::NAMES);
    }
}

// SPDX-License-Identifier: GPL-2.0
//! Output formatting, modeled on iproute2: one line per object in text
//! mode (`ip -br addr`, `ip neigh`), a JSON array with `-j` (indented with
//! `-p`). Every function returns the complete output, newline-terminated.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::Options;
use crate::error::Error;
use crate::model::{Address, Neigh, Port, Stat};

fn json<T: Serialize>(items: &[T], opts: Options) -> Result<String, Error> {
    let text = if opts.pretty {
        serde_json::to_string_pretty(items)
    } else {
        serde_json::to_string(items)
    };
    text.map(|mut s| {
        s.push('\n');
        s
    })
    .map_err(|e| Error::Output(e.to_string()))
}

fn lines<T>(items: &[T], mut line: impl FnMut(&mut String, &T)) -> String {
    let mut out = String::new();
    for item in items {
        line(&mut out, item);
        out.push('\n');
    }
    out
}

/// `port list`: `1: veth1 attached 02:00:00:00:00:01 ifindex 5`.
pub fn ports(items: &[Port], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, p| {
        let _ = write!(out, "{}: {} {}", p.port_id, p.ifname, p.kind);
        if let Some(mac) = p.mac {
            let _ = write!(out, " {mac}");
        }
        if let Some(ifindex) = p.ifindex {
            let _ = write!(out, " ifindex {ifindex}");
        }
    }))
}

/// `addr list`: `fer1 10.1.0.1/24`.
pub fn addrs(items: &[Address], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, a| {
        let _ = write!(out, "{} {}/{}", a.ifname, a.local, a.prefixlen);
    }))
}

/// `stats`: `InHdrErrors 0`.
pub fn stats(items: &[Stat], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, s| {
        let _ = write!(out, "{} {}", s.name, s.value);
    }))
}

/// `neigh list`: `10.1.0.2 dev veth1 lladdr 02:00:00:00:00:02 REACHABLE`.
pub fn neighs(items: &[Neigh], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, n| {
        let _ = write!(out, "{} dev {}", n.dst, n.dev);
        if let Some(mac) = n.lladdr {
            let _ = write!(out, " lladdr {mac}");
        }
        let _ = write!(out, " {}", n.state);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Mac, NeighState, PortKind};
    use std::net::Ipv4Addr;

    const TEXT: Options = Options {
        json: false,
        pretty: false,
    };
    const JSON: Options = Options {
        json: true,
        pretty: false,
    };

    fn sample_ports() -> Vec<Port> {
        vec![
            Port {
                port_id: 1,
                ifname: "veth1".into(),
                ifindex: Some(5),
                kind: PortKind::Attached,
                mac: Some(Mac([2, 0, 0, 0, 0, 1])),
            },
            Port {
                port_id: 2,
                ifname: "fer0".into(),
                ifindex: None,
                kind: PortKind::Ferroute,
                mac: None,
            },
            Port {
                port_id: 3,
                ifname: "x".into(),
                ifindex: Some(9),
                kind: PortKind::Other(7),
                mac: Some(Mac([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])),
            },
        ]
    }

    #[test]
    fn ports_text_and_json() {
        assert_eq!(
            ports(&sample_ports(), TEXT).unwrap(),
            "1: veth1 attached 02:00:00:00:00:01 ifindex 5\n\
             2: fer0 ferroute\n\
             3: x kind7 aa:bb:cc:dd:ee:ff ifindex 9\n"
        );
        assert_eq!(
            ports(&sample_ports()[..2], JSON).unwrap(),
            "[{\"port_id\":1,\"ifname\":\"veth1\",\"ifindex\":5,\"kind\":\"attached\",\
             \"mac\":\"02:00:00:00:00:01\"},\
             {\"port_id\":2,\"ifname\":\"fer0\",\"kind\":\"ferroute\"}]\n"
        );
        assert_eq!(ports(&[], TEXT).unwrap(), "");
        assert_eq!(ports(&[], JSON).unwrap(), "[]\n");
    }

    #[test]
    fn addrs_text_and_json() {
        let a = vec![Address {
            port_id: Some(2),
            ifname: "fer1".into(),
            local: Ipv4Addr::new(10, 1, 0, 1),
            prefixlen: 24,
        }];
        assert_eq!(addrs(&a, TEXT).unwrap(), "fer1 10.1.0.1/24\n");
        assert_eq!(
            addrs(&a, JSON).unwrap(),
            "[{\"port_id\":2,\"ifname\":\"fer1\",\"local\":\"10.1.0.1\",\"prefixlen\":24}]\n"
        );
        let pretty = addrs(
            &a,
            Options {
                json: true,
                pretty: true,
            },
        )
        .unwrap();
        assert!(pretty.starts_with("[\n  {\n    \"port_id\": 2,"));
        let v: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(v[0]["local"], "10.1.0.1");
    }

    #[test]
    fn stats_text_and_json() {
        let s = vec![
            Stat {
                name: "InHdrErrors".into(),
                value: 3,
            },
            Stat {
                name: "OutRequests".into(),
                value: u64::MAX,
            },
        ];
        assert_eq!(
            stats(&s, TEXT).unwrap(),
            "InHdrErrors 3\nOutRequests 18446744073709551615\n"
        );
        assert_eq!(
            stats(&s, JSON).unwrap(),
            "[{\"name\":\"InHdrErrors\",\"value\":3},\
             {\"name\":\"OutRequests\",\"value\":18446744073709551615}]\n"
        );
    }

    #[test]
    fn neighs_text_and_json() {
        let n = vec![
            Neigh {
                dst: Ipv4Addr::new(10, 1, 0, 2),
                dev: "veth1".into(),
                lladdr: Some(Mac([2, 0, 0, 0, 0, 2])),
                state: NeighState::Reachable,
            },
            Neigh {
                dst: Ipv4Addr::new(10, 1, 0, 3),
                dev: "veth1".into(),
                lladdr: None,
                state: NeighState::Incomplete,
            },
        ];
        assert_eq!(
            neighs(&n, TEXT).unwrap(),
            "10.1.0.2 dev veth1 lladdr 02:00:00:00:00:02 REACHABLE\n\
             10.1.0.3 dev veth1 INCOMPLETE\n"
        );
        assert_eq!(
            neighs(&n, JSON).unwrap(),
            "[{\"dst\":\"10.1.0.2\",\"dev\":\"veth1\",\"lladdr\":\"02:00:00:00:00:02\",\
             \"state\":\"REACHABLE\"},\
             {\"dst\":\"10.1.0.3\",\"dev\":\"veth1\",\"state\":\"INCOMPLETE\"}]\n"
        );
    }
}

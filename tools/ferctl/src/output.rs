// SPDX-License-Identifier: GPL-2.0
//! Output formatting, modeled on iproute2: one line per object in text
//! mode (`ip -br addr`, `ip neigh`), a JSON array with `-j` (indented with
//! `-p`). Every function returns the complete output, newline-terminated.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::Options;
use crate::error::Error;
use crate::model::{
    Address, FibBench, Neigh, Port, Route, RouteLookup, Rule, RuleAction, Stat, Table,
};
use crate::proto::{protocol, route_type, scope, table};

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

fn json_one<T: Serialize>(item: &T, opts: Options) -> Result<String, Error> {
    let text = if opts.pretty {
        serde_json::to_string_pretty(item)
    } else {
        serde_json::to_string(item)
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

/// `port list`: `1: veth1 attached 02:00:00:00:00:01 ifindex 5 netns
/// 4026531840` (the namespace's inode number, as `stat -L -c %i
/// /run/netns/NAME` prints it); with `-s`, the device's counters below,
/// as `ip -s link` prints them.
pub fn ports(items: &[Port], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, p| {
        let _ = write!(out, "{}: {} {}", p.port_id, p.ifname, p.kind);
        if let Some(mac) = p.mac {
            let _ = write!(out, " {mac}");
        }
        // The settings before ifindex and netns, which scripts find at
        // the end of the line.
        out.push_str(&p.settings.inline());
        if let Some(ifindex) = p.ifindex {
            let _ = write!(out, " ifindex {ifindex}");
        }
        if let Some(netns) = p.netns {
            let _ = write!(out, " netns {netns}");
        }
        if let Some(s) = &p.stats {
            // ip -s link's two tables.
            let (rx, tx) = (&s.rx, &s.tx);
            let _ = write!(
                out,
                "\n    RX:  bytes packets errors dropped  missed   mcast\n    {:>10} {:>7} {:>6} {:>7} {:>7} {:>7}\n    TX:  bytes packets errors dropped carrier collsns\n    {:>10} {:>7} {:>6} {:>7} {:>7} {:>7}",
                rx.bytes,
                rx.packets,
                rx.errors,
                rx.dropped,
                rx.missed,
                rx.multicast,
                tx.bytes,
                tx.packets,
                tx.errors,
                tx.dropped,
                tx.carrier_errors,
                tx.collisions
            );
        }
    }))
}

/// `conf show`: one `name value` line per setting (`all.name value` for
/// the pseudo-ports); with `-j` an object (the pseudo-ports' nested).
pub fn conf(values: &crate::settings::Conf, opts: Options) -> Result<String, Error> {
    if opts.json {
        return json_one(values, opts);
    }
    Ok(values.lines())
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

/// Lookups per second and nanoseconds per lookup of `ns` for `keys`.
fn rate(keys: u32, ns: u64) -> (f64, f64) {
    let per = ns as f64 / f64::from(keys.max(1));
    let lps = if ns == 0 {
        0.0
    } else {
        f64::from(keys) * 1e9 / ns as f64
    };
    (lps, per)
}

/// `bench fib`: one line per lookup function, then the table's size.
pub fn fib_bench(b: &FibBench, opts: Options) -> Result<String, Error> {
    if opts.json {
        return json_one(b, opts);
    }
    let mut out = String::new();
    let _ = writeln!(out, "keys {} seed {}", b.keys, b.seed);
    for (name, ns, hits) in [
        ("ferroute table lookup", b.ferroute_ns, b.ferroute_hits),
        ("linux fib_table_lookup", b.linux_ns, b.linux_hits),
        ("ferroute fib_lookup", b.rules_ns, b.rules_hits),
    ] {
        let (lps, per) = rate(b.keys, ns);
        let _ = writeln!(
            out,
            "{name:<23} {lps:>12.0} lookups/s {per:>8.1} ns/lookup  hits {hits}"
        );
    }
    let _ = writeln!(out, "prefix length mismatches {}", b.mismatches);
    let _ = writeln!(
        out,
        "ferroute main table: {} routes, {} trie nodes, {} bytes",
        b.routes, b.nodes, b.bytes
    );
    Ok(out)
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

/// `route list`, like `ip route show`: the type unless unicast, the
/// destination, then `tos`, `via`, `dev`, `table` (only with `all_tables`
/// and not main, as `ip route show table all`), `proto` unless boot,
/// `scope` unless universe, `src`, `metric` unless 0, `onlink`, `mtu`.
/// E.g. `10.1.0.0/24 dev fer1 proto kernel scope link src 10.1.0.1`.
pub fn routes(items: &[Route], all_tables: bool, opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, r| {
        if r.rtype.0 != route_type::UNICAST {
            let _ = write!(out, "{} ", r.rtype);
        }
        let _ = write!(out, "{}", r.dst);
        if let Some(tos) = r.tos {
            let _ = write!(out, " tos 0x{tos:02x}");
        }
        if let Some(gw) = r.gateway {
            let _ = write!(out, " via {gw}");
        }
        if let Some(dev) = &r.dev {
            let _ = write!(out, " dev {dev}");
        }
        if all_tables && r.table.0 != table::MAIN {
            let _ = write!(out, " table {}", r.table);
        }
        if r.protocol.0 != protocol::BOOT {
            let _ = write!(out, " proto {}", r.protocol);
        }
        if r.scope.0 != scope::UNIVERSE {
            let _ = write!(out, " scope {}", r.scope);
        }
        if let Some(src) = r.prefsrc {
            let _ = write!(out, " src {src}");
        }
        if r.metric != 0 {
            let _ = write!(out, " metric {}", r.metric);
        }
        if r.onlink {
            out.push_str(" onlink");
        }
        if let Some(mtu) = r.mtu {
            let _ = write!(out, " mtu {mtu}");
        }
        for h in &r.nexthops {
            out.push_str("\n\tnexthop");
            if let Some(gw) = h.gateway {
                let _ = write!(out, " via {gw}");
            }
            if let Some(dev) = &h.dev {
                let _ = write!(out, " dev {dev}");
            }
            let _ = write!(out, " weight {}", h.weight);
            // iproute2's print_rt_flags order: dead, onlink, ..., linkdown.
            if h.dead {
                out.push_str(" dead");
            }
            if h.onlink {
                out.push_str(" onlink");
            }
            if h.dead {
                out.push_str(" linkdown");
            }
        }
    }))
}

/// `rule list`, like `ip rule show`:
/// `100:\tfrom 10.9.0.0/16 to 10.50.0.0/16 fwmark 0x10/0xff iif d0 lookup 100`.
pub fn rules(items: &[Rule], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, r| {
        let _ = write!(out, "{}:\t", r.priority);
        if r.not {
            out.push_str("not ");
        }
        match r.src {
            Some((a, 32)) => {
                let _ = write!(out, "from {a}");
            }
            Some((a, len)) => {
                let _ = write!(out, "from {a}/{len}");
            }
            None => out.push_str("from all"),
        }
        match r.dst {
            Some((a, 32)) => {
                let _ = write!(out, " to {a}");
            }
            Some((a, len)) => {
                let _ = write!(out, " to {a}/{len}");
            }
            None => {}
        }
        if let Some(t) = r.tos {
            let _ = write!(out, " tos 0x{t:02x}");
        }
        match r.fwmark {
            Some((m, u32::MAX)) => {
                let _ = write!(out, " fwmark 0x{m:x}");
            }
            Some((m, k)) => {
                let _ = write!(out, " fwmark 0x{m:x}/0x{k:x}");
            }
            None => {}
        }
        // As ip rule show: a rule kept by the name of a device that is not
        // there is "[detached]".
        if let Some(d) = &r.iif {
            let _ = write!(out, " iif {d}");
            if r.iif_detached {
                out.push_str(" [detached]");
            }
        }
        if let Some(d) = &r.oif {
            let _ = write!(out, " oif {d}");
            if r.oif_detached {
                out.push_str(" [detached]");
            }
        }
        let _ = match r.action {
            RuleAction::Table(t) => write!(out, " lookup {t}"),
            // As ip rule show: "[unresolved]" for a goto without a target.
            RuleAction::Goto(p) if r.unresolved => write!(out, " goto {p} [unresolved]"),
            RuleAction::Goto(p) => write!(out, " goto {p}"),
            RuleAction::Nop => write!(out, " nop"),
            RuleAction::Blackhole => write!(out, " blackhole"),
            RuleAction::Unreachable => write!(out, " unreachable"),
            RuleAction::Prohibit => write!(out, " prohibit"),
            RuleAction::Other(n) => write!(out, " action {n}"),
        };
    }))
}

/// `table list`: `main 12` (the table and how many routes it holds).
pub fn tables(items: &[Table], opts: Options) -> Result<String, Error> {
    if opts.json {
        return json(items, opts);
    }
    Ok(lines(items, |out, t| {
        let _ = write!(out, "{} {}", t.table, t.routes);
    }))
}

/// `route get`, like `ip route get`: the type unless unicast, the address
/// looked up, `via`, `dev`, `table`, `src`; e.g.
/// `10.2.3.4 via 10.1.0.254 dev veth1 table main src 10.1.0.1`. With `-j`
/// one JSON object.
pub fn route_lookup(r: &RouteLookup, opts: Options) -> Result<String, Error> {
    if opts.json {
        return json_one(r, opts);
    }
    let mut out = String::new();
    if r.rtype.0 != route_type::UNICAST {
        let _ = write!(out, "{} ", r.rtype);
    }
    let _ = write!(out, "{}", r.dst);
    if let Some(gw) = r.gateway {
        let _ = write!(out, " via {gw}");
    }
    if let Some(dev) = &r.dev {
        let _ = write!(out, " dev {dev}");
    }
    let _ = write!(out, " table {}", r.table);
    if let Some(src) = r.prefsrc {
        let _ = write!(out, " src {src}");
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Mac, NeighState, PortKind};
    use std::net::Ipv4Addr;

    const TEXT: Options = Options {
        json: false,
        pretty: false,
        force: false,
        stats: false,
    };
    const JSON: Options = Options {
        json: true,
        pretty: false,
        force: false,
        stats: false,
    };

    fn sample_ports() -> Vec<Port> {
        vec![
            Port {
                port_id: 1,
                ifname: "veth1".into(),
                ifindex: Some(5),
                kind: PortKind::Attached,
                mac: Some(Mac([2, 0, 0, 0, 0, 1])),
                netns: Some(4026531840),
                settings: crate::settings::Values(vec![("forwarding", 1), ("rp_filter", 2)]),
                stats: None,
            },
            Port {
                port_id: 2,
                ifname: "fer0".into(),
                ifindex: None,
                kind: PortKind::Ferroute,
                mac: None,
                netns: None,
                settings: Default::default(),
                stats: None,
            },
            Port {
                port_id: 3,
                ifname: "x".into(),
                ifindex: Some(9),
                kind: PortKind::Other(7),
                mac: Some(Mac([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])),
                netns: None,
                settings: Default::default(),
                stats: None,
            },
        ]
    }

    #[test]
    fn port_stats_as_ip_s_link() {
        let mut p = sample_ports().remove(1);
        p.stats = Some(crate::model::LinkStats {
            rx: crate::model::RxStats {
                bytes: 1096,
                packets: 14,
                ..Default::default()
            },
            tx: crate::model::TxStats {
                bytes: 980,
                packets: 12,
                dropped: 1,
                ..Default::default()
            },
        });
        assert_eq!(
            ports(&[p.clone()], TEXT).unwrap(),
            "2: fer0 ferroute\n    RX:  bytes packets errors dropped  missed   mcast\n          1096      14      0       0       0       0\n    TX:  bytes packets errors dropped carrier collsns\n           980      12      0       1       0       0\n"
        );
        let v: serde_json::Value = serde_json::from_str(&ports(&[p], JSON).unwrap()).unwrap();
        assert_eq!(v[0]["stats64"]["tx"]["dropped"], 1);
        assert_eq!(v[0]["stats64"]["rx"]["packets"], 14);
    }

    fn route(rtype: u8, dst: [u8; 4], len: u8) -> Route {
        use crate::model::{Protocol, RouteDst, RouteType, Scope, TableId};
        Route {
            rtype: RouteType(rtype),
            dst: RouteDst {
                addr: Ipv4Addr::from(dst),
                len,
            },
            gateway: None,
            dev: None,
            table: TableId(254),
            protocol: Protocol(3),
            scope: Scope(0),
            prefsrc: None,
            metric: 0,
            tos: None,
            mtu: None,
            onlink: false,
            nexthops: Vec::new(),
        }
    }

    fn sample_routes() -> Vec<Route> {
        use crate::model::{Protocol, Scope, TableId};
        let mut gw = route(1, [10, 2, 0, 0], 16);
        gw.gateway = Some(Ipv4Addr::new(10, 1, 0, 254));
        gw.dev = Some("veth1".into());
        gw.metric = 10;
        let bh = route(6, [10, 9, 0, 0], 16);
        let mut conn = route(1, [10, 1, 0, 0], 24);
        conn.dev = Some("fer1".into());
        conn.protocol = Protocol(2);
        conn.scope = Scope(253);
        conn.prefsrc = Some(Ipv4Addr::new(10, 1, 0, 1));
        let mut dflt = route(1, [0, 0, 0, 0], 0);
        dflt.gateway = Some(Ipv4Addr::new(10, 1, 0, 254));
        dflt.onlink = true;
        dflt.mtu = Some(1400);
        dflt.tos = Some(0x10);
        dflt.protocol = Protocol(4);
        let mut local = route(2, [10, 1, 0, 1], 32);
        local.dev = Some("fer1".into());
        local.table = TableId(255);
        local.protocol = Protocol(2);
        local.scope = Scope(254);
        local.prefsrc = Some(Ipv4Addr::new(10, 1, 0, 1));
        let mut bcast = route(3, [10, 1, 0, 255], 32);
        bcast.dev = Some("fer1".into());
        bcast.table = TableId(255);
        bcast.protocol = Protocol(2);
        bcast.scope = Scope(253);
        bcast.prefsrc = Some(Ipv4Addr::new(10, 1, 0, 1));
        let mut t100 = route(7, [10, 7, 0, 0], 16);
        t100.table = TableId(100);
        vec![gw, bh, conn, dflt, local, bcast, t100]
    }

    /// As `ip route show`: a dead next hop of a multipath route says
    /// `dead ... linkdown` (RTNH_F_DEAD and RTNH_F_LINKDOWN).
    #[test]
    fn dead_next_hops_say_so() {
        use crate::model::NextHop;
        let mut mp = route(1, [10, 51, 0, 0], 16);
        let hop = |gw: [u8; 4], dev: &str, dead| NextHop {
            gateway: Some(Ipv4Addr::from(gw)),
            dev: Some(dev.into()),
            weight: 1,
            onlink: false,
            dead,
        };
        mp.nexthops = vec![
            hop([100, 64, 0, 2], "d0", true),
            hop([100, 64, 1, 2], "d1", false),
        ];
        assert_eq!(
            routes(&[mp.clone()], false, TEXT).unwrap(),
            "10.51.0.0/16\n\tnexthop via 100.64.0.2 dev d0 weight 1 dead linkdown\n\
             \tnexthop via 100.64.1.2 dev d1 weight 1\n"
        );
        let json = routes(&[mp], false, JSON).unwrap();
        assert_eq!(json.matches("\"dead\":true").count(), 1, "{json}");
    }

    #[test]
    fn routes_text_like_ip_route() {
        let r = sample_routes();
        assert_eq!(
            routes(&r[..4], false, TEXT).unwrap(),
            "10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10\n\
             blackhole 10.9.0.0/16\n\
             10.1.0.0/24 dev fer1 proto kernel scope link src 10.1.0.1\n\
             default tos 0x10 via 10.1.0.254 proto static onlink mtu 1400\n"
        );
        // table all: the table of every non-main route.
        assert_eq!(
            routes(&r, true, TEXT).unwrap(),
            "10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10\n\
             blackhole 10.9.0.0/16\n\
             10.1.0.0/24 dev fer1 proto kernel scope link src 10.1.0.1\n\
             default tos 0x10 via 10.1.0.254 proto static onlink mtu 1400\n\
             local 10.1.0.1 dev fer1 table local proto kernel scope host src 10.1.0.1\n\
             broadcast 10.1.0.255 dev fer1 table local proto kernel scope link src 10.1.0.1\n\
             unreachable 10.7.0.0/16 table 100\n"
        );
        // One table asked for by name: not repeated on every line.
        assert_eq!(
            routes(&r[4..5], false, TEXT).unwrap(),
            "local 10.1.0.1 dev fer1 proto kernel scope host src 10.1.0.1\n"
        );
        assert_eq!(routes(&[], false, TEXT).unwrap(), "");
    }

    #[test]
    fn routes_json() {
        let r = sample_routes();
        assert_eq!(
            routes(&r[..2], false, JSON).unwrap(),
            "[{\"type\":\"unicast\",\"dst\":\"10.2.0.0/16\",\"gateway\":\"10.1.0.254\",\
             \"dev\":\"veth1\",\"table\":\"main\",\"protocol\":\"boot\",\"scope\":\"global\",\
             \"metric\":10},\
             {\"type\":\"blackhole\",\"dst\":\"10.9.0.0/16\",\"table\":\"main\",\
             \"protocol\":\"boot\",\"scope\":\"global\",\"metric\":0}]\n"
        );
        let v: serde_json::Value = serde_json::from_str(&routes(&r, true, JSON).unwrap()).unwrap();
        assert_eq!(v[3]["dst"], "default");
        assert_eq!(v[3]["tos"], 16);
        assert_eq!(v[3]["mtu"], 1400);
        assert_eq!(v[3]["onlink"], true);
        assert_eq!(v[4]["type"], "local");
        assert_eq!(v[4]["dst"], "10.1.0.1");
        assert_eq!(v[4]["table"], "local");
        assert_eq!(v[4]["scope"], "host");
        assert_eq!(v[4]["prefsrc"], "10.1.0.1");
        assert_eq!(v[6]["table"], "100");
        assert_eq!(routes(&[], true, JSON).unwrap(), "[]\n");
    }

    fn lookup() -> RouteLookup {
        use crate::model::{RouteType, Scope, TableId};
        RouteLookup {
            dst: Ipv4Addr::new(10, 2, 3, 4),
            rtype: RouteType(1),
            table: TableId(254),
            prefix: "10.2.0.0/16".into(),
            gateway: Some(Ipv4Addr::new(10, 1, 0, 254)),
            dev: Some("veth1".into()),
            prefsrc: Some(Ipv4Addr::new(10, 1, 0, 1)),
            metric: 10,
            scope: Scope(0),
        }
    }

    #[test]
    fn route_lookup_text_and_json() {
        use crate::model::{RouteType, Scope, TableId};
        assert_eq!(
            route_lookup(&lookup(), TEXT).unwrap(),
            "10.2.3.4 via 10.1.0.254 dev veth1 table main src 10.1.0.1\n"
        );
        assert_eq!(
            route_lookup(&lookup(), JSON).unwrap(),
            "{\"dst\":\"10.2.3.4\",\"type\":\"unicast\",\"table\":\"main\",\
             \"prefix\":\"10.2.0.0/16\",\"gateway\":\"10.1.0.254\",\"dev\":\"veth1\",\
             \"prefsrc\":\"10.1.0.1\",\"metric\":10,\"scope\":\"global\"}\n"
        );
        let local = RouteLookup {
            dst: Ipv4Addr::new(10, 1, 0, 1),
            rtype: RouteType(2),
            table: TableId(255),
            prefix: "10.1.0.1/32".into(),
            gateway: None,
            dev: Some("fer1".into()),
            prefsrc: Some(Ipv4Addr::new(10, 1, 0, 1)),
            metric: 0,
            scope: Scope(254),
        };
        assert_eq!(
            route_lookup(&local, TEXT).unwrap(),
            "local 10.1.0.1 dev fer1 table local src 10.1.0.1\n"
        );
        let v: serde_json::Value =
            serde_json::from_str(&route_lookup(&local, JSON).unwrap()).unwrap();
        assert_eq!(v["type"], "local");
        assert_eq!(v["scope"], "host");
        assert!(v.get("gateway").is_none());
        let bh = RouteLookup {
            rtype: RouteType(6),
            gateway: None,
            dev: None,
            prefsrc: None,
            ..lookup()
        };
        assert_eq!(
            route_lookup(&bh, TEXT).unwrap(),
            "blackhole 10.2.3.4 table main\n"
        );
    }

    /// As `ip rule show`: a rule naming a device that is not there is
    /// `[detached]` (issue 13, class 14).
    #[test]
    fn detached_rules_say_so() {
        use crate::model::{RuleAction, TableId};
        let rule = Rule {
            priority: 61,
            not: false,
            src: None,
            dst: None,
            iif: Some("nosuchdev".into()),
            oif: Some("d3".into()),
            iif_detached: true,
            oif_detached: false,
            unresolved: false,
            tos: None,
            fwmark: None,
            action: RuleAction::Table(TableId(100)),
        };
        assert_eq!(
            rules(std::slice::from_ref(&rule), TEXT).unwrap(),
            "61:\tfrom all iif nosuchdev [detached] oif d3 lookup 100\n"
        );
        let json = rules(std::slice::from_ref(&rule), JSON).unwrap();
        assert!(json.contains("\"iif_detached\":true"), "{json}");
        assert!(!json.contains("oif_detached"), "{json}");
        // A goto without a rule at its target is "[unresolved]".
        let goto = Rule {
            priority: 50,
            iif: None,
            oif: None,
            iif_detached: false,
            unresolved: true,
            action: RuleAction::Goto(200),
            ..rule
        };
        assert_eq!(
            rules(&[goto], TEXT).unwrap(),
            "50:\tfrom all goto 200 [unresolved]\n"
        );
    }

    #[test]
    fn ports_text_and_json() {
        assert_eq!(
            ports(&sample_ports(), TEXT).unwrap(),
            "1: veth1 attached 02:00:00:00:00:01 forwarding 1 rp_filter 2 ifindex 5 netns 4026531840\n\
             2: fer0 ferroute\n\
             3: x kind7 aa:bb:cc:dd:ee:ff ifindex 9\n"
        );
        assert_eq!(
            ports(&sample_ports()[..2], JSON).unwrap(),
            "[{\"port_id\":1,\"ifname\":\"veth1\",\"ifindex\":5,\"kind\":\"attached\",\
             \"mac\":\"02:00:00:00:00:01\",\"netns\":4026531840,\"forwarding\":1,\"rp_filter\":2},\
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
                ..Options::default()
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

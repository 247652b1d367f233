// SPDX-License-Identifier: GPL-2.0
//! Settings of a port (`ferctl port set DEV NAME VALUE ...`, Linux's
//! `net.ipv4.conf.DEV.NAME`) and of the router (`ferctl conf set NAME
//! VALUE ...`, `net.ipv4.NAME`), with Linux's names. ferctl checks only
//! that a value fits its attribute; the kernel checks its range (EINVAL
//! with a message naming the setting).

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::error::NlError;
use crate::msg::{Attrs, RawAttr};
use crate::proto::attr;

/// How a setting travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// A u8 that is 0 or 1: `on`/`off`, `yes`/`no` or a number.
    Flag,
    /// A u8 number.
    U8,
    /// A u32 number.
    U32,
}

/// One setting: its Linux name, attribute and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The sysctl's name (`rp_filter`).
    pub name: &'static str,
    /// Its netlink attribute.
    pub attr: u16,
    /// Its width.
    pub width: Width,
}

const fn s(name: &'static str, attr: u16, width: Width) -> Setting {
    Setting { name, attr, width }
}

/// The settings of a port, in `port list` order.
pub const PORT: &[Setting] = &[
    s("forwarding", attr::FORWARDING, Width::Flag),
    s("rp_filter", attr::RP_FILTER, Width::U8),
    s("send_redirects", attr::SEND_REDIRECTS, Width::Flag),
    s("accept_local", attr::ACCEPT_LOCAL, Width::Flag),
    s("route_localnet", attr::ROUTE_LOCALNET, Width::Flag),
];

/// The settings of the router, in `conf show` order.
pub const ROUTER: &[Setting] = &[
    s("icmp_ratelimit", attr::ICMP_RATELIMIT, Width::U32),
    s("icmp_ratemask", attr::ICMP_RATEMASK, Width::U32),
    s("icmp_msgs_per_sec", attr::ICMP_MSGS_PER_SEC, Width::U32),
    s("icmp_msgs_burst", attr::ICMP_MSGS_BURST, Width::U32),
    s(
        "icmp_echo_ignore_broadcasts",
        attr::ICMP_ECHO_IGNORE_BROADCASTS,
        Width::Flag,
    ),
    s(
        "icmp_errors_use_inbound_ifaddr",
        attr::ICMP_ERRORS_USE_INBOUND_IFADDR,
        Width::Flag,
    ),
    s("ip_default_ttl", attr::IP_DEFAULT_TTL, Width::U8),
    s("udp_echo", attr::UDP_ECHO, Width::Flag),
    s("igmp_querier", attr::IGMP_QUERIER, Width::Flag),
    s("igmp_query_interval", attr::IGMP_QUERY_INTERVAL, Width::U32),
    s(
        "igmp_query_response_interval",
        attr::IGMP_QUERY_RESPONSE_INTERVAL,
        Width::U32,
    ),
    s(
        "igmp_last_member_interval",
        attr::IGMP_LAST_MEMBER_INTERVAL,
        Width::U32,
    ),
    s("igmp_robustness", attr::IGMP_ROBUSTNESS, Width::U8),
];

/// The pseudo-ports whose settings `conf show` prints after the router's
/// (Linux's `net.ipv4.conf.all.*` and `net.ipv4.conf.default.*`), with
/// their nests in the `conf-get` reply.
pub const PSEUDO_PORTS: &[(&str, u16)] =
    &[("all", attr::CONF_ALL), ("default", attr::CONF_DEFAULT)];

/// What `conf show` prints: the router's settings, then each pseudo-port's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conf {
    /// The router's (`net.ipv4.*`).
    pub router: Values,
    /// `all` and `default`, those the reply carried.
    pub ports: Vec<(&'static str, Values)>,
}

impl Conf {
    /// Decodes a `conf-get` reply.
    pub fn decode(attrs: &[RawAttr]) -> Result<Self, NlError> {
        let mut ports = Vec::new();
        for &(name, nr) in PSEUDO_PORTS {
            if let Some(nest) = Attrs(attrs).opt_nest(nr)? {
                ports.push((name, Values::decode(PORT, &nest)?));
            }
        }
        Ok(Conf {
            router: Values::decode(ROUTER, attrs)?,
            ports,
        })
    }

    /// `name value` lines: the router's, then `all.name value` and
    /// `default.name value`.
    pub fn lines(&self) -> String {
        let mut out = self.router.lines();
        for (port, values) in &self.ports {
            for (name, v) in &values.0 {
                let _ = writeln!(out, "{port}.{name} {v}");
            }
        }
        out
    }
}

impl Serialize for Conf {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.router.0.len() + self.ports.len()))?;
        for (name, v) in &self.router.0 {
            m.serialize_entry(name, v)?;
        }
        for (port, values) in &self.ports {
            m.serialize_entry(port, values)?;
        }
        m.end()
    }
}

/// A value to set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assign {
    /// The setting.
    pub setting: Setting,
    /// Its new value.
    pub value: u32,
}

impl Assign {
    /// The attribute that carries it.
    pub fn to_attr(&self) -> RawAttr {
        let bytes = match self.setting.width {
            // The value fits: parse_assignments checked it.
            Width::Flag | Width::U8 => vec![self.value as u8],
            Width::U32 => self.value.to_ne_bytes().to_vec(),
        };
        (self.setting.attr, bytes)
    }
}

/// Parses `NAME VALUE ...` against `table`; `Err(message)` for an unknown
/// name, a missing value, a value that does not fit, or a name given twice.
pub fn parse_assignments(table: &[Setting], words: &[String]) -> Result<Vec<Assign>, String> {
    let mut out: Vec<Assign> = Vec::new();
    let mut it = words.iter();
    while let Some(name) = it.next() {
        let setting = *table
            .iter()
            .find(|st| st.name == name.as_str() || st.name.replace('_', "-") == name.as_str())
            .ok_or_else(|| {
                let names: Vec<&str> = table.iter().map(|st| st.name).collect();
                format!("unknown setting \"{name}\" ({})", names.join(", "))
            })?;
        let raw = it
            .next()
            .ok_or_else(|| format!("\"{}\" needs a value", setting.name))?;
        let value = match (setting.width, raw.as_str()) {
            (Width::Flag, "on" | "yes" | "true") => 1,
            (Width::Flag, "off" | "no" | "false") => 0,
            (_, text) => {
                let max = match setting.width {
                    Width::Flag | Width::U8 => u64::from(u8::MAX),
                    Width::U32 => u64::from(u32::MAX),
                };
                crate::cli::parse_number::<u64>(text)
                    .filter(|v| *v <= max)
                    .and_then(|v| u32::try_from(v).ok())
                    .ok_or_else(|| format!("invalid value \"{text}\" for \"{}\"", setting.name))?
            }
        };
        if out.iter().any(|a| a.setting == setting) {
            return Err(format!("\"{}\" given twice", setting.name));
        }
        out.push(Assign { setting, value });
    }
    if out.is_empty() {
        return Err("no setting given".to_string());
    }
    Ok(out)
}

/// Settings as a reply carried them, in table order (those it did not
/// carry left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values(pub Vec<(&'static str, u32)>);

impl Values {
    /// The settings of `table` found in `attrs`.
    pub fn decode(table: &[Setting], attrs: &[RawAttr]) -> Result<Self, NlError> {
        let a = Attrs(attrs);
        let mut v = Vec::new();
        for st in table {
            let got = match st.width {
                Width::Flag | Width::U8 => a.opt_u8(st.attr)?.map(u32::from),
                Width::U32 => a.opt_u32(st.attr)?,
            };
            if let Some(x) = got {
                v.push((st.name, x));
            }
        }
        Ok(Values(v))
    }

    /// `name value name value ...` on one line, each preceded by a space.
    pub fn inline(&self) -> String {
        let mut out = String::new();
        for (name, v) in &self.0 {
            let _ = write!(out, " {name} {v}");
        }
        out
    }

    /// One `name value` line each.
    pub fn lines(&self) -> String {
        let mut out = String::new();
        for (name, v) in &self.0 {
            let _ = writeln!(out, "{name} {v}");
        }
        out
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(self.0.len()))?;
        for (name, v) in &self.0 {
            m.serialize_entry(name, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn port_settings_parse_with_linux_names() {
        let a = parse_assignments(PORT, &words("rp_filter 1 send_redirects off")).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].setting.name, a[0].value), ("rp_filter", 1));
        assert_eq!((a[1].setting.name, a[1].value), ("send_redirects", 0));
        assert_eq!(a[0].to_attr(), (attr::RP_FILTER, vec![1]));
        // The kernel judges the range: 3 travels.
        let a = parse_assignments(PORT, &words("rp-filter 3")).unwrap();
        assert_eq!(a[0].value, 3);
    }

    #[test]
    fn router_settings_parse_and_encode() {
        let a = parse_assignments(ROUTER, &words("icmp_ratelimit 500 udp_echo on")).unwrap();
        assert_eq!(
            a[0].to_attr(),
            (attr::ICMP_RATELIMIT, 500u32.to_ne_bytes().to_vec())
        );
        assert_eq!(a[1].to_attr(), (attr::UDP_ECHO, vec![1]));
    }

    #[test]
    fn bad_assignments_are_usage_errors() {
        for bad in [
            "",
            "rp_filter",
            "nosuch 1",
            "rp_filter 256",
            "rp_filter x",
            "forwarding maybe",
            "rp_filter 1 rp_filter 2",
        ] {
            assert!(parse_assignments(PORT, &words(bad)).is_err(), "{bad}");
        }
        assert!(parse_assignments(ROUTER, &words("icmp_ratelimit 4294967296")).is_err());
        assert!(parse_assignments(ROUTER, &words("rp_filter 1")).is_err());
    }

    #[test]
    fn values_decode_print_and_serialize() {
        let attrs = vec![
            (attr::ICMP_RATELIMIT, 1000u32.to_ne_bytes().to_vec()),
            (attr::IP_DEFAULT_TTL, vec![64]),
        ];
        let v = Values::decode(ROUTER, &attrs).unwrap();
        assert_eq!(v.lines(), "icmp_ratelimit 1000\nip_default_ttl 64\n");
        assert_eq!(v.inline(), " icmp_ratelimit 1000 ip_default_ttl 64");
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"icmp_ratelimit":1000,"ip_default_ttl":64}"#
        );
        let short = vec![(attr::ICMP_RATELIMIT, vec![1])];
        assert!(Values::decode(ROUTER, &short).is_err());
    }

    #[test]
    fn conf_shows_all_and_default_after_the_router() {
        let nest =
            crate::msg::nest_payload(&[(attr::FORWARDING, vec![1]), (attr::RP_FILTER, vec![2])]);
        let attrs = vec![
            (attr::IP_DEFAULT_TTL, vec![64]),
            (attr::CONF_ALL, nest.clone()),
            (attr::CONF_DEFAULT, nest),
        ];
        let c = Conf::decode(&attrs).unwrap();
        assert_eq!(
            c.lines(),
            "ip_default_ttl 64\nall.forwarding 1\nall.rp_filter 2\n\
             default.forwarding 1\ndefault.rp_filter 2\n"
        );
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"ip_default_ttl":64,"all":{"forwarding":1,"rp_filter":2},"default":{"forwarding":1,"rp_filter":2}}"#
        );
        // A nest that is not one is an error, not a panic.
        assert!(Conf::decode(&[(attr::CONF_ALL, vec![9])]).is_err());
    }
}

// SPDX-License-Identifier: GPL-2.0
//! Running a parsed [`Command`] against a [`Genl`] backend: request
//! building, reply decoding, filtering and formatting, glued together.

use crate::cli::{AddrCmd, Command, Options, PortCmd};
use crate::error::{Error, NlError};
use crate::msg::{self, RawAttr, Request};
use crate::netlink::Genl;
use crate::output;
use crate::proto::cmd;

const ENODEV: i32 = 19;

/// How the user would name the operation, for error messages
/// ("addr add 10.1.0.1/24 dev fer1").
pub fn describe(command: &Command) -> String {
    match command {
        Command::Port(PortCmd::Add { ifname }) => format!("port add {ifname}"),
        Command::Port(PortCmd::Del { ifname }) => format!("port del {ifname}"),
        Command::Port(PortCmd::List { .. }) => "port list".to_string(),
        Command::Addr(AddrCmd::Add { prefix, dev }) => format!("addr add {prefix} dev {dev}"),
        Command::Addr(AddrCmd::Del { prefix, dev }) => format!("addr del {prefix} dev {dev}"),
        Command::Addr(AddrCmd::List { .. }) => "addr list".to_string(),
        Command::Stats => "stats".to_string(),
        Command::Neigh { .. } => "neigh list".to_string(),
    }
}

fn dump<T>(
    genl: &mut dyn Genl,
    command: u8,
    decode: fn(&[RawAttr]) -> Result<T, NlError>,
) -> Result<Vec<T>, NlError> {
    genl.execute(&Request::dump(command))?
        .iter()
        .map(|attrs| decode(attrs))
        .collect()
}

fn keep(filter: &Option<String>, name: &str) -> bool {
    filter.as_deref().is_none_or(|f| f == name)
}

/// Execute `command`; returns what to print on stdout.
pub fn execute(command: &Command, opts: Options, genl: &mut dyn Genl) -> Result<String, Error> {
    let fail = |cause| Error::op(describe(command), cause);
    let done = |r: Result<Vec<Vec<RawAttr>>, NlError>| r.map(|_| String::new()).map_err(fail);
    match command {
        Command::Port(PortCmd::Add { ifname }) => {
            done(genl.execute(&Request::port_change(true, ifname)))
        }
        Command::Port(PortCmd::Del { ifname }) => {
            done(genl.execute(&Request::port_change(false, ifname)))
        }
        Command::Port(PortCmd::List { dev }) => {
            let mut ports = dump(genl, cmd::PORT_GET, msg::decode_port).map_err(fail)?;
            ports.retain(|p| keep(dev, &p.ifname));
            if dev.is_some() && ports.is_empty() {
                return Err(fail(NlError::Errno {
                    errno: ENODEV,
                    extack: Some("no such router port".to_string()),
                }));
            }
            output::ports(&ports, opts)
        }
        Command::Addr(AddrCmd::Add { prefix, dev }) => {
            done(genl.execute(&Request::addr_change(true, dev, *prefix)))
        }
        Command::Addr(AddrCmd::Del { prefix, dev }) => {
            done(genl.execute(&Request::addr_change(false, dev, *prefix)))
        }
        Command::Addr(AddrCmd::List { dev }) => {
            let mut addrs = dump(genl, cmd::ADDR_GET, msg::decode_addr).map_err(fail)?;
            addrs.retain(|a| keep(dev, &a.ifname));
            output::addrs(&addrs, opts)
        }
        Command::Stats => {
            let stats = dump(genl, cmd::STATS_GET, msg::decode_stat).map_err(fail)?;
            output::stats(&stats, opts)
        }
        Command::Neigh { dev } => {
            let mut neighs = dump(genl, cmd::NEIGH_GET, msg::decode_neigh).map_err(fail)?;
            neighs.retain(|n| keep(dev, &n.dev));
            output::neighs(&neighs, opts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{parse, Action};
    use crate::proto::attr;

    /// A fake kernel: records requests, answers with canned replies.
    struct Fake {
        sent: Vec<Request>,
        answer: Result<Vec<Vec<RawAttr>>, NlError>,
    }

    impl Genl for Fake {
        fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
            self.sent.push(req.clone());
            self.answer.clone()
        }
    }

    fn run(
        args: &[&str],
        answer: Result<Vec<Vec<RawAttr>>, NlError>,
    ) -> (Vec<Request>, Result<String, Error>) {
        let inv = parse(args.iter().copied()).unwrap();
        let Action::Run(command) = inv.action else {
            panic!("not a command")
        };
        let mut fake = Fake {
            sent: Vec::new(),
            answer,
        };
        let out = execute(&command, inv.opts, &mut fake);
        (fake.sent, out)
    }

    fn addr_reply(ifname: &str, a: [u8; 4], len: u8) -> Vec<RawAttr> {
        vec![
            (attr::PORT_ID, 1u32.to_ne_bytes().to_vec()),
            (attr::IFNAME, format!("{ifname}\0").into_bytes()),
            (attr::ADDRESS, a.to_vec()),
            (attr::PREFIXLEN, vec![len]),
        ]
    }

    #[test]
    fn addr_add_sends_one_do() {
        let (sent, out) = run(&["addr", "add", "10.1.0.1/24", "dev", "fer1"], Ok(vec![]));
        assert_eq!(out.unwrap(), "");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].cmd, cmd::ADDR_ADD);
        assert!(!sent[0].dump);
    }

    #[test]
    fn eperm_is_reported() {
        let (_, out) = run(
            &["port", "add", "veth1"],
            Err(NlError::Errno {
                errno: 1,
                extack: None,
            }),
        );
        let e = out.unwrap_err();
        assert_eq!(e.to_string(), "port add veth1: Operation not permitted");
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn addr_list_filters_by_dev() {
        let replies = vec![
            addr_reply("fer1", [10, 1, 0, 1], 24),
            addr_reply("veth1", [10, 2, 0, 1], 16),
        ];
        let (sent, out) = run(&["addr", "list"], Ok(replies.clone()));
        assert_eq!(sent[0], Request::dump(cmd::ADDR_GET));
        assert_eq!(out.unwrap(), "fer1 10.1.0.1/24\nveth1 10.2.0.1/16\n");
        let (_, out) = run(&["addr", "show", "dev", "veth1"], Ok(replies.clone()));
        assert_eq!(out.unwrap(), "veth1 10.2.0.1/16\n");
        let (_, out) = run(&["-j", "addr", "show", "veth1"], Ok(replies));
        assert_eq!(
            out.unwrap(),
            "[{\"port_id\":1,\"ifname\":\"veth1\",\"local\":\"10.2.0.1\",\"prefixlen\":16}]\n"
        );
    }

    #[test]
    fn malformed_reply_is_an_error() {
        let (_, out) = run(
            &["stats"],
            Ok(vec![vec![(attr::STAT_NAME, b"x\0".to_vec())]]),
        );
        assert_eq!(
            out.unwrap_err().to_string(),
            "stats: malformed reply from kernel: missing attribute stat-value"
        );
    }

    #[test]
    fn port_show_unknown_dev() {
        let (_, out) = run(&["port", "show", "nope"], Ok(vec![]));
        assert_eq!(
            out.unwrap_err().to_string(),
            "port list: No such device: no such router port"
        );
    }
}

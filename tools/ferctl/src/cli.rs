// SPDX-License-Identifier: GPL-2.0
//! Command line parsing, iproute2 style.
//!
//! `ferctl [OPTIONS] OBJECT [COMMAND [ARGS]]`: global options first, then an
//! object and a command, each of which may be abbreviated to any prefix of
//! its name, as `ip` allows (`ferctl a s` is `ferctl address show`; where a
//! prefix fits several names, the first in the table wins, as in `ip`).
//! Arguments are keyword/value pairs (`dev veth1`) plus at most one bare
//! positional value (the address), in any order.
//!
//! Adding an object means one entry in [`OBJECTS`], one variant in
//! [`Command`] and one `parse_*` function built from [`Args`]; e.g. a later
//! `route add 10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10 table 100` is a
//! loop over [`Args::next`] with one arm per keyword, each taking its value
//! with [`Args::value_for`] and storing it with [`set_once`], exactly like
//! [`parse_addr_change`].

use std::net::Ipv4Addr;

use crate::error::Error;
use crate::proto::IFNAME_MAX;

/// Global options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-j` / `-json`: print JSON instead of text.
    pub json: bool,
    /// `-p` / `-pretty`: indent JSON output.
    pub pretty: bool,
}

/// An IPv4 address with a prefix length, as in `10.1.0.1/24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// The address.
    pub addr: Ipv4Addr,
    /// The prefix length, 0..=32.
    pub len: u8,
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// `ferctl port ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortCmd {
    /// `port add DEV`: attach an existing device.
    Add {
        /// Device name.
        ifname: String,
    },
    /// `port del DEV`: detach a port.
    Del {
        /// Device name.
        ifname: String,
    },
    /// `port list [[dev] DEV]`.
    List {
        /// Show only this port.
        dev: Option<String>,
    },
}

/// `ferctl address ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddrCmd {
    /// `addr add PREFIX dev PORT`.
    Add {
        /// Address and prefix length.
        prefix: Prefix,
        /// Router port.
        dev: String,
    },
    /// `addr del PREFIX dev PORT`.
    Del {
        /// Address and prefix length.
        prefix: Prefix,
        /// Router port.
        dev: String,
    },
    /// `addr list [[dev] PORT]`.
    List {
        /// Show only the addresses of this port.
        dev: Option<String>,
    },
}

/// Something for the router to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Port management.
    Port(PortCmd),
    /// Address management.
    Addr(AddrCmd),
    /// `stats`: print the router's counters.
    Stats,
    /// `neigh list [dev PORT]`: print the neighbour cache.
    Neigh {
        /// Show only the entries of this port.
        dev: Option<String>,
    },
}

/// Help topics: the whole tool or one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// `ferctl help`, `ferctl -h`.
    All,
    /// `ferctl port help`.
    Port,
    /// `ferctl addr help`.
    Addr,
    /// `ferctl stats help`.
    Stats,
    /// `ferctl neigh help`.
    Neigh,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Talk to the router.
    Run(Command),
    /// Print help on stdout and succeed.
    Help(Topic),
    /// Print the version.
    Version,
    /// Hidden: print the netlink constants as JSON (for check_spec.py).
    DumpConstants,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Global options.
    pub opts: Options,
    /// What to do.
    pub action: Action,
}

/// iproute2's `matches()`: `arg` is a non-empty prefix of `keyword`.
pub fn matches(arg: &str, keyword: &str) -> bool {
    !arg.is_empty() && keyword.starts_with(arg)
}

/// Objects in matching order (first match wins for an ambiguous prefix).
pub const OBJECTS: &[(&str, Topic)] = &[
    ("port", Topic::Port),
    ("address", Topic::Addr),
    ("stats", Topic::Stats),
    ("neighbour", Topic::Neigh),
    ("neighbor", Topic::Neigh),
    ("help", Topic::All),
];

/// Cursor over the arguments of one command, with iproute2's NEXT_ARG
/// conventions.
#[derive(Debug)]
pub struct Args {
    items: std::vec::IntoIter<String>,
    context: &'static str,
}

impl Args {
    /// Arguments of the command `context` ("addr add"), for messages.
    pub fn new(items: Vec<String>, context: &'static str) -> Self {
        Args {
            items: items.into_iter(),
            context,
        }
    }

    /// The next argument, if any.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<String> {
        self.items.next()
    }

    /// The value following `keyword`, or a usage error if there is none.
    pub fn value_for(&mut self, keyword: &str) -> Result<String, Error> {
        self.items
            .next()
            .ok_or_else(|| usage(format!("{}: \"{keyword}\" needs an argument", self.context)))
    }

    /// Usage error naming this command.
    pub fn error(&self, msg: impl std::fmt::Display) -> Error {
        usage(format!("{}: {msg}", self.context))
    }

    /// Fail if any argument is left.
    pub fn finish(mut self) -> Result<(), Error> {
        match self.items.next() {
            Some(extra) => Err(self.error(format!("unexpected argument \"{extra}\""))),
            None => Ok(()),
        }
    }
}

/// Store `value` in `slot` unless the keyword was already given.
pub fn set_once<T>(
    args: &Args,
    slot: &mut Option<T>,
    value: T,
    keyword: &str,
) -> Result<(), Error> {
    if slot.is_some() {
        return Err(args.error(format!("\"{keyword}\" given twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn usage(msg: String) -> Error {
    Error::Usage(format!("{msg}; try \"ferctl help\""))
}

/// Parse `A.B.C.D` strictly (four decimal octets).
pub fn parse_addr(s: &str) -> Result<Ipv4Addr, Error> {
    s.parse::<Ipv4Addr>()
        .map_err(|_| usage(format!("invalid IPv4 address \"{s}\"")))
}

/// Parse `A.B.C.D/N` (N in 0..=32) or a bare `A.B.C.D`, which means /32 as
/// in `ip addr add`.
pub fn parse_prefix(s: &str) -> Result<Prefix, Error> {
    let (addr, len) = match s.split_once('/') {
        Some((addr, len)) => {
            let ok = !len.is_empty() && len.len() <= 2 && len.bytes().all(|b| b.is_ascii_digit());
            let len = ok
                .then(|| len.parse::<u8>().ok())
                .flatten()
                .filter(|l| *l <= 32)
                .ok_or_else(|| usage(format!("invalid prefix length \"{len}\" in \"{s}\"")))?;
            (addr, len)
        }
        None => (s, 32),
    };
    Ok(Prefix {
        addr: parse_addr(addr)?,
        len,
    })
}

/// Check a device name the way the kernel's dev_valid_name() does.
pub fn parse_ifname(s: &str) -> Result<String, Error> {
    let valid = !s.is_empty()
        && s.len() <= IFNAME_MAX
        && s != "."
        && s != ".."
        && !s
            .chars()
            .any(|c| c == '/' || c == ':' || c == '\0' || c.is_whitespace());
    if valid {
        Ok(s.to_string())
    } else {
        Err(usage(format!(
            "invalid device name \"{s}\" (1 to {IFNAME_MAX} characters, no '/', ':' or spaces)"
        )))
    }
}

/// Parse the whole command line (without argv\[0\]).
pub fn parse<I, S>(argv: I) -> Result<Invocation, Error>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut argv = argv.into_iter().map(Into::into).peekable();
    let mut opts = Options::default();

    while let Some(arg) = argv.next_if(|a| a.starts_with('-') && a.len() > 1) {
        // iproute2 accepts both -json and --json.
        let opt = arg.strip_prefix('-').unwrap_or(&arg);
        let opt = opt.strip_prefix('-').unwrap_or(opt);
        if opt == "dump-constants" {
            return Ok(Invocation {
                opts,
                action: Action::DumpConstants,
            });
        } else if matches(opt, "Version") || matches(opt, "version") {
            return Ok(Invocation {
                opts,
                action: Action::Version,
            });
        } else if matches(opt, "json") {
            opts.json = true;
        } else if matches(opt, "pretty") {
            opts.pretty = true;
        } else if matches(opt, "help") {
            return Ok(Invocation {
                opts,
                action: Action::Help(Topic::All),
            });
        } else {
            return Err(usage(format!("option \"{arg}\" is unknown")));
        }
    }

    let Some(object) = argv.next() else {
        return Err(usage("no object given".to_string()));
    };
    let topic = OBJECTS
        .iter()
        .find(|(name, _)| matches(&object, name))
        .map(|(_, topic)| *topic)
        .ok_or_else(|| usage(format!("object \"{object}\" is unknown")))?;
    let rest: Vec<String> = argv.collect();

    // `OBJECT help` anywhere in the verb position.
    if topic == Topic::All || rest.first().is_some_and(|v| v == "help") {
        return Ok(Invocation {
            opts,
            action: Action::Help(topic),
        });
    }

    let command = match topic {
        Topic::Port => parse_port(rest)?,
        Topic::Addr => parse_addr_cmd(rest)?,
        Topic::Stats => parse_stats(rest)?,
        Topic::Neigh => parse_neigh(rest)?,
        Topic::All => return Err(usage("no object given".to_string())),
    };
    Ok(Invocation {
        opts,
        action: Action::Run(command),
    })
}

fn is_list_verb(verb: &str) -> bool {
    matches(verb, "list") || matches(verb, "show") || matches(verb, "lst")
}

/// `[dev] NAME` or nothing: the optional filter of the list commands.
fn parse_dev_filter(mut args: Args, bare_allowed: bool) -> Result<Option<String>, Error> {
    let mut dev = None;
    while let Some(arg) = args.next() {
        if arg == "dev" {
            let name = args.value_for("dev")?;
            set_once(&args, &mut dev, parse_ifname(&name)?, "dev")?;
        } else if bare_allowed {
            set_once(&args, &mut dev, parse_ifname(&arg)?, "dev")?;
        } else {
            return Err(args.error(format!("unexpected argument \"{arg}\"")));
        }
    }
    Ok(dev)
}

fn parse_port(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    let rest: Vec<String> = it.collect();
    let cmd = match verb.as_deref() {
        None => PortCmd::List { dev: None },
        Some(v) if matches(v, "add") => PortCmd::Add {
            ifname: parse_port_dev(Args::new(rest, "port add"))?,
        },
        Some(v) if matches(v, "delete") => PortCmd::Del {
            ifname: parse_port_dev(Args::new(rest, "port del"))?,
        },
        Some(v) if is_list_verb(v) => PortCmd::List {
            dev: parse_dev_filter(Args::new(rest, "port list"), true)?,
        },
        Some(v) => {
            return Err(usage(format!(
                "port: command \"{v}\" is unknown (add, del, list)"
            )))
        }
    };
    Ok(Command::Port(cmd))
}

/// `DEV` or `dev DEV`, required.
fn parse_port_dev(args: Args) -> Result<String, Error> {
    let context = args.context;
    parse_dev_filter(args, true)?.ok_or_else(|| usage(format!("{context}: missing device name")))
}

fn parse_addr_cmd(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    let rest: Vec<String> = it.collect();
    let cmd = match verb.as_deref() {
        None => AddrCmd::List { dev: None },
        Some(v) if matches(v, "add") => {
            let (prefix, dev) = parse_addr_change(Args::new(rest, "addr add"))?;
            AddrCmd::Add { prefix, dev }
        }
        Some(v) if matches(v, "delete") => {
            let (prefix, dev) = parse_addr_change(Args::new(rest, "addr del"))?;
            AddrCmd::Del { prefix, dev }
        }
        Some(v) if is_list_verb(v) => AddrCmd::List {
            dev: parse_dev_filter(Args::new(rest, "addr list"), true)?,
        },
        Some(v) => {
            return Err(usage(format!(
                "addr: command \"{v}\" is unknown (add, del, list)"
            )))
        }
    };
    Ok(Command::Addr(cmd))
}

/// `[local] PREFIX dev PORT`, in any order.
pub fn parse_addr_change(mut args: Args) -> Result<(Prefix, String), Error> {
    let mut prefix = None;
    let mut dev = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "dev" => {
                let v = args.value_for("dev")?;
                set_once(&args, &mut dev, parse_ifname(&v)?, "dev")?;
            }
            "local" => {
                let v = args.value_for("local")?;
                set_once(&args, &mut prefix, parse_prefix(&v)?, "local")?;
            }
            _ if prefix.is_none() => prefix = Some(parse_prefix(&arg)?),
            _ => return Err(args.error(format!("unexpected argument \"{arg}\""))),
        }
    }
    let prefix = prefix.ok_or_else(|| args.error("missing address (A.B.C.D/N)"))?;
    let dev = dev.ok_or_else(|| args.error("missing \"dev PORT\""))?;
    args.finish()?;
    Ok((prefix, dev))
}

fn parse_stats(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    match it.next().as_deref() {
        None => {}
        Some(v) if is_list_verb(v) => {}
        Some(v) => return Err(usage(format!("stats: command \"{v}\" is unknown (show)"))),
    }
    Args::new(it.collect(), "stats").finish()?;
    Ok(Command::Stats)
}

fn parse_neigh(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    match verb.as_deref() {
        None => Ok(Command::Neigh { dev: None }),
        Some(v) if is_list_verb(v) => Ok(Command::Neigh {
            dev: parse_dev_filter(Args::new(it.collect(), "neigh list"), false)?,
        }),
        Some(v) => Err(usage(format!("neigh: command \"{v}\" is unknown (list)"))),
    }
}

/// Help text for a topic.
pub fn help(topic: Topic) -> &'static str {
    match topic {
        Topic::All => HELP_ALL,
        Topic::Port => HELP_PORT,
        Topic::Addr => HELP_ADDR,
        Topic::Stats => HELP_STATS,
        Topic::Neigh => HELP_NEIGH,
    }
}

const HELP_PORT: &str = "\
Usage: ferctl port add DEV
       ferctl port del DEV
       ferctl port { list | show } [ [dev] DEV ]
";
const HELP_ADDR: &str = "\
Usage: ferctl address add A.B.C.D/N dev PORT
       ferctl address del A.B.C.D/N dev PORT
       ferctl address { list | show } [ [dev] PORT ]
";
const HELP_STATS: &str = "\
Usage: ferctl stats [ show ]
";
const HELP_NEIGH: &str = "\
Usage: ferctl neigh { list | show } [ dev PORT ]
";
const HELP_ALL: &str = "\
Usage: ferctl [ OPTIONS ] OBJECT { COMMAND | help }
where  OBJECT := { port | address | stats | neigh }
       OPTIONS := { -j[son] | -p[retty] | -h[elp] | -V[ersion] }

       ferctl port add DEV            attach an existing Ethernet device
       ferctl port del DEV            detach it
       ferctl port list               list router ports
       ferctl addr add A.B.C.D/N dev PORT
       ferctl addr del A.B.C.D/N dev PORT
       ferctl addr list [dev PORT]    list router addresses
       ferctl stats                   print counters, one per line
       ferctl neigh list [dev PORT]   print the neighbour cache

Objects and commands may be abbreviated (ferctl a s = ferctl address show).
Exit status: 0 success, 1 operation failed, 2 bad usage.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Command {
        match parse(args.iter().copied()) {
            Ok(Invocation {
                action: Action::Run(c),
                ..
            }) => c,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    fn err(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(e) => {
                assert_eq!(e.exit_code(), 2, "{args:?}");
                e.to_string()
            }
            Ok(v) => panic!("{args:?} parsed as {v:?}"),
        }
    }

    fn p(s: &str) -> Prefix {
        parse_prefix(s).unwrap()
    }

    #[test]
    fn port_commands() {
        assert_eq!(
            run(&["port", "add", "veth1"]),
            Command::Port(PortCmd::Add {
                ifname: "veth1".into()
            })
        );
        assert_eq!(
            run(&["port", "add", "dev", "veth1"]),
            Command::Port(PortCmd::Add {
                ifname: "veth1".into()
            })
        );
        assert_eq!(
            run(&["port", "del", "veth1"]),
            Command::Port(PortCmd::Del {
                ifname: "veth1".into()
            })
        );
        assert_eq!(run(&["port", "delete", "veth1"]), run(&["p", "d", "veth1"]));
        let list = Command::Port(PortCmd::List { dev: None });
        assert_eq!(run(&["port", "list"]), list);
        assert_eq!(run(&["port", "show"]), list);
        assert_eq!(run(&["port"]), list);
        assert_eq!(
            run(&["port", "show", "dev", "fer0"]),
            Command::Port(PortCmd::List {
                dev: Some("fer0".into())
            })
        );
    }

    #[test]
    fn port_errors() {
        assert!(err(&["port", "add"]).contains("missing device name"));
        assert!(err(&["port", "add", "a", "b"]).contains("given twice"));
        assert!(err(&["port", "add", "averyveryverylongname"]).contains("invalid device name"));
        assert!(err(&["port", "add", "a/b"]).contains("invalid device name"));
        assert!(err(&["port", "frob"]).contains("unknown"));
    }

    #[test]
    fn addr_commands() {
        let add = Command::Addr(AddrCmd::Add {
            prefix: p("10.1.0.1/24"),
            dev: "fer1".into(),
        });
        assert_eq!(run(&["addr", "add", "10.1.0.1/24", "dev", "fer1"]), add);
        assert_eq!(run(&["address", "add", "dev", "fer1", "10.1.0.1/24"]), add);
        assert_eq!(run(&["a", "a", "local", "10.1.0.1/24", "dev", "fer1"]), add);
        assert_eq!(
            run(&["addr", "del", "10.1.0.1/24", "dev", "fer1"]),
            Command::Addr(AddrCmd::Del {
                prefix: p("10.1.0.1/24"),
                dev: "fer1".into()
            })
        );
        assert_eq!(
            run(&["addr", "add", "10.1.0.1", "dev", "fer1"]),
            Command::Addr(AddrCmd::Add {
                prefix: p("10.1.0.1/32"),
                dev: "fer1".into()
            })
        );
        let all = Command::Addr(AddrCmd::List { dev: None });
        assert_eq!(run(&["addr"]), all);
        assert_eq!(run(&["addr", "list"]), all);
        assert_eq!(run(&["addr", "show"]), all);
        assert_eq!(run(&["a", "s"]), all);
        let one = Command::Addr(AddrCmd::List {
            dev: Some("veth1".into()),
        });
        assert_eq!(run(&["addr", "list", "dev", "veth1"]), one);
        assert_eq!(run(&["addr", "show", "veth1"]), one);
    }

    #[test]
    fn addr_errors() {
        assert!(err(&["addr", "add", "10.1.0.1/33", "dev", "x"]).contains("invalid prefix length"));
        assert!(err(&["addr", "add", "10.1.0.256/24", "dev", "x"]).contains("invalid IPv4 address"));
        assert!(err(&["addr", "add", "10.1.0.1/24"]).contains("missing \"dev PORT\""));
        assert!(err(&["addr", "add", "dev", "x"]).contains("missing address"));
        assert!(err(&["addr", "add", "10.1.0.1/24", "dev"]).contains("needs an argument"));
        assert!(err(&["addr", "add", "10.1.0.1/24", "dev", "x", "dev", "y"]).contains("twice"));
        assert!(
            err(&["addr", "add", "10.1.0.1/24", "10.1.0.2/24", "dev", "x"])
                .contains("unexpected argument")
        );
        assert!(err(&["addr", "list", "dev", "a", "b"]).contains("twice"));
    }

    #[test]
    fn prefixes() {
        assert_eq!(p("0.0.0.0/0").len, 0);
        assert_eq!(p("255.255.255.255/32").addr, Ipv4Addr::BROADCAST);
        assert_eq!(p("10.1.0.1/24").to_string(), "10.1.0.1/24");
        for bad in [
            "10.1.0.1/33",
            "10.1.0.1/",
            "10.1.0.1/+5",
            "10.1.0.1/-1",
            "10.1.0.1/024",
            "10.1.0.1/2a",
            "10.1.0.1/24/1",
            "10.1.0",
            "10.1.0.1.5",
            "010.1.0.1",
            "",
            "/24",
            "10.1.0.1 /24",
            "ten.one.zero.one/8",
        ] {
            assert!(parse_prefix(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn stats_and_neigh() {
        assert_eq!(run(&["stats"]), Command::Stats);
        assert_eq!(run(&["stats", "show"]), Command::Stats);
        assert_eq!(run(&["neigh", "list"]), Command::Neigh { dev: None });
        assert_eq!(run(&["neighbour", "show"]), Command::Neigh { dev: None });
        assert_eq!(run(&["neighbor"]), Command::Neigh { dev: None });
        assert_eq!(
            run(&["n", "l", "dev", "fer0"]),
            Command::Neigh {
                dev: Some("fer0".into())
            }
        );
        assert!(err(&["stats", "reset"]).contains("unknown"));
        assert!(err(&["stats", "show", "x"]).contains("unexpected"));
        assert!(err(&["neigh", "flush"]).contains("unknown"));
    }

    #[test]
    fn global_options() {
        let inv = parse(["-j", "port", "list"]).unwrap();
        assert!(inv.opts.json && !inv.opts.pretty);
        let inv = parse(["-json", "-pretty", "stats"]).unwrap();
        assert!(inv.opts.json && inv.opts.pretty);
        let inv = parse(["--json", "-p", "stats"]).unwrap();
        assert!(inv.opts.json && inv.opts.pretty);
        for h in ["-h", "--help", "-help", "help"] {
            assert_eq!(parse([h]).unwrap().action, Action::Help(Topic::All));
        }
        assert_eq!(
            parse(["addr", "help"]).unwrap().action,
            Action::Help(Topic::Addr)
        );
        for v in ["-V", "--version", "-Version"] {
            assert_eq!(parse([v]).unwrap().action, Action::Version);
        }
        assert_eq!(
            parse(["--dump-constants"]).unwrap().action,
            Action::DumpConstants
        );
    }

    #[test]
    fn usage_errors() {
        assert!(err(&[]).contains("no object"));
        assert!(err(&["route", "add"]).contains("object \"route\" is unknown"));
        assert!(err(&["-x", "port"]).contains("option \"-x\" is unknown"));
        assert!(err(&["-j"]).contains("no object"));
        assert!(err(&["frob"]).contains("try \"ferctl help\""));
    }

    #[test]
    fn ifnames() {
        assert!(parse_ifname("fer0").is_ok());
        assert!(parse_ifname("abcdefghijklmno").is_ok());
        for bad in ["", ".", "..", "abcdefghijklmnop", "a b", "a:1", "a/b"] {
            assert!(parse_ifname(bad).is_err(), "{bad:?} accepted");
        }
    }
}

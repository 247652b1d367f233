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
//! [`Command`] and one `parse_*` function built from [`Args`]: a loop over
//! [`Args::next`] with one arm per keyword, each taking its value with
//! [`Args::value_for`] and storing it with [`set_once`], like
//! [`parse_addr_change`] and [`parse_route_spec`].
//!
//! `ferctl -batch FILE` reads commands (`OBJECT COMMAND ARGS`, no options)
//! one per line; [`batch_words`] splits a line and [`parse_command`] parses
//! it.

use std::net::Ipv4Addr;

use crate::error::Error;
use crate::model::{Names, PROTOCOL_NAMES, SCOPE_NAMES, TABLE_NAMES};
use crate::proto::{route_mode, route_type, table, IFNAME_MAX};

/// Global options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-j` / `-json`: print JSON instead of text.
    pub json: bool,
    /// `-p` / `-pretty`: indent JSON output.
    pub pretty: bool,
    /// `-force`: a batch goes on after a failing line (iproute2's
    /// `ip -force -batch`); each failure is still reported.
    pub force: bool,
    /// `-s` / `-stats` / `-statistics`: `port list` with each device's
    /// counters, as `ip -s link`.
    pub stats: bool,
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
    /// `port set DEV NAME VALUE ...`: change the port's settings.
    Set {
        /// Device name.
        ifname: String,
        /// The settings to change.
        values: Vec<crate::settings::Assign>,
    },
}

/// `ferctl conf ...`: the router's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfCmd {
    /// `conf show`.
    Show,
    /// `conf set NAME VALUE ...`.
    Set(Vec<crate::settings::Assign>),
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

/// A route as given to `route add|replace|append|prepend|del`: the prefix
/// and whatever keywords were given (the kernel fills in the defaults that
/// are not the contract's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// Destination prefix (`default` is 0.0.0.0/0).
    pub prefix: Prefix,
    /// Route type keyword (`blackhole`, ...), RTN_* number.
    pub rtype: Option<u8>,
    /// `table ID`.
    pub table: Option<u32>,
    /// `via ADDR`.
    pub gateway: Option<Ipv4Addr>,
    /// `dev NAME`: output port.
    pub dev: Option<String>,
    /// `metric N`.
    pub metric: Option<u32>,
    /// `src ADDR`: preferred source address.
    pub prefsrc: Option<Ipv4Addr>,
    /// `proto NAME|N`.
    pub protocol: Option<u8>,
    /// `scope NAME|N`.
    pub scope: Option<u8>,
    /// `tos N`.
    pub tos: Option<u8>,
    /// `mtu N`.
    pub mtu: Option<u32>,
    /// `onlink`.
    pub onlink: bool,
    /// `nexthop via ADDR dev NAME weight N ...`: multipath next hops.
    pub nexthops: Vec<NextHopSpec>,
}

/// One `nexthop` of a multipath route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextHopSpec {
    /// `via ADDR`.
    pub gateway: Option<Ipv4Addr>,
    /// `dev NAME`.
    pub dev: Option<String>,
    /// `weight N` (1..=256).
    pub weight: Option<u16>,
    /// `onlink`.
    pub onlink: bool,
}

impl std::fmt::Display for NextHopSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("nexthop")?;
        if let Some(gw) = self.gateway {
            write!(f, " via {gw}")?;
        }
        if let Some(dev) = &self.dev {
            write!(f, " dev {dev}")?;
        }
        if let Some(w) = self.weight {
            write!(f, " weight {w}")?;
        }
        if self.onlink {
            f.write_str(" onlink")?;
        }
        Ok(())
    }
}

impl RouteSpec {
    /// A route to `prefix` with nothing else given.
    pub fn new(prefix: Prefix) -> Self {
        RouteSpec {
            prefix,
            rtype: None,
            table: None,
            gateway: None,
            dev: None,
            metric: None,
            prefsrc: None,
            protocol: None,
            scope: None,
            tos: None,
            mtu: None,
            onlink: false,
            nexthops: Vec::new(),
        }
    }
}

/// The route as it could be typed again: `blackhole 10.9.0.0/16 table 100`.
impl std::fmt::Display for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(t) = self.rtype {
            write!(f, "{} ", crate::model::RouteType(t))?;
        }
        write!(f, "{}", self.prefix)?;
        if let Some(gw) = self.gateway {
            write!(f, " via {gw}")?;
        }
        if let Some(dev) = &self.dev {
            write!(f, " dev {dev}")?;
        }
        if let Some(m) = self.metric {
            write!(f, " metric {m}")?;
        }
        if let Some(t) = self.table {
            write!(f, " table {}", crate::model::TableId(t))?;
        }
        if let Some(src) = self.prefsrc {
            write!(f, " src {src}")?;
        }
        if let Some(p) = self.protocol {
            write!(f, " proto {}", crate::model::Protocol(p))?;
        }
        if let Some(sc) = self.scope {
            write!(f, " scope {}", crate::model::Scope(sc))?;
        }
        if let Some(tos) = self.tos {
            write!(f, " tos 0x{tos:02x}")?;
        }
        if let Some(mtu) = self.mtu {
            write!(f, " mtu {mtu}")?;
        }
        if self.onlink {
            f.write_str(" onlink")?;
        }
        for nh in &self.nexthops {
            write!(f, " {nh}")?;
        }
        Ok(())
    }
}

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleActionSpec {
    /// `lookup TABLE` / `table TABLE`.
    Table(u32),
    /// `goto PRIORITY`.
    Goto(u32),
    /// `nop`.
    Nop,
    /// `blackhole`.
    Blackhole,
    /// `unreachable`.
    Unreachable,
    /// `prohibit`.
    Prohibit,
}

/// A rule as given to `rule add|del`: whatever keywords were given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSpec {
    /// `not`.
    pub not: bool,
    /// `pref N` / `priority N` / `order N`.
    pub pref: Option<u32>,
    /// `from PREFIX` (`all` is none).
    pub from: Option<Prefix>,
    /// `to PREFIX`.
    pub to: Option<Prefix>,
    /// `iif NAME` / `dev NAME`.
    pub iif: Option<String>,
    /// `oif NAME`.
    pub oif: Option<String>,
    /// `tos N`.
    pub tos: Option<u8>,
    /// `fwmark MARK[/MASK]`.
    pub fwmark: Option<(u32, Option<u32>)>,
    /// The action (`lookup main` when none is given to `rule add`).
    pub action: Option<RuleActionSpec>,
}

/// The rule as it could be typed again.
impl std::fmt::Display for RuleSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut words: Vec<String> = Vec::new();
        if self.not {
            words.push("not".into());
        }
        if let Some(p) = self.pref {
            words.push(format!("pref {p}"));
        }
        if let Some(p) = self.from {
            words.push(format!("from {p}"));
        }
        if let Some(p) = self.to {
            words.push(format!("to {p}"));
        }
        if let Some(d) = &self.iif {
            words.push(format!("iif {d}"));
        }
        if let Some(d) = &self.oif {
            words.push(format!("oif {d}"));
        }
        if let Some(t) = self.tos {
            words.push(format!("tos 0x{t:02x}"));
        }
        match self.fwmark {
            Some((m, Some(k))) => words.push(format!("fwmark 0x{m:x}/0x{k:x}")),
            Some((m, None)) => words.push(format!("fwmark 0x{m:x}")),
            None => {}
        }
        match self.action {
            Some(RuleActionSpec::Table(t)) => {
                words.push(format!("lookup {}", crate::model::TableId(t)))
            }
            Some(RuleActionSpec::Goto(p)) => words.push(format!("goto {p}")),
            Some(RuleActionSpec::Nop) => words.push("nop".into()),
            Some(RuleActionSpec::Blackhole) => words.push("blackhole".into()),
            Some(RuleActionSpec::Unreachable) => words.push("unreachable".into()),
            Some(RuleActionSpec::Prohibit) => words.push("prohibit".into()),
            None => {}
        }
        f.write_str(&words.join(" "))
    }
}

/// `ferctl rule ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleCmd {
    /// `rule add RULE`.
    Add(RuleSpec),
    /// `rule del RULE`: delete the first rule matching what is given.
    Del(RuleSpec),
    /// `rule list`.
    List,
}

/// `ferctl route ...`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteCmd {
    /// `route add|replace|append|prepend ROUTE`.
    Add {
        /// [`route_mode`] value.
        mode: u8,
        /// The route.
        route: RouteSpec,
    },
    /// `route del ROUTE`: delete the first route matching the given keys.
    Del {
        /// The (partial) key.
        route: RouteSpec,
    },
    /// `route get ADDR [from ADDR] [iif NAME] [oif NAME] [mark N]`.
    Get {
        /// Destination to look up.
        dst: Ipv4Addr,
        /// `from`: source address.
        from: Option<Ipv4Addr>,
        /// `iif`: input port.
        iif: Option<String>,
        /// `oif` / `dev`: output port.
        oif: Option<String>,
        /// `mark`.
        mark: Option<u32>,
        /// `tos` / `dsfield`: the type of service of the flow.
        tos: Option<u8>,
        /// `fibmatch`: show the matched route, as `route list` would.
        fib_match: bool,
    },
    /// `route flush table ID|all`: delete every route of the table (as
    /// `ip route flush` does, by dumping it and deleting each route).
    Flush {
        /// Table to flush, [`table::ALL`] (0) for every table.
        table: u32,
    },
    /// `route list [table ID|all]`.
    List {
        /// Table to list, [`table::ALL`] (0) for every table.
        table: u32,
    },
}

/// Something for the router to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Port management.
    Port(PortCmd),
    /// Address management.
    Addr(AddrCmd),
    /// Routes.
    Route(RouteCmd),
    /// Policy rules.
    Rule(RuleCmd),
    /// `table list`: the routing tables and their sizes.
    Tables,
    /// `table del ID`: remove an empty table.
    TableDel(u32),
    /// `stats [-d] [-z]`: print the router's counters.
    Stats {
        /// `-d`: what each counter gained since the last `stats -d` in
        /// this namespace (nstat's default mode), instead of its value.
        delta: bool,
        /// `-z`: with `-d`, also the counters that did not move.
        zeros: bool,
    },
    /// `neigh list [dev PORT]`: print the neighbour cache.
    Neigh {
        /// Show only the entries of this port.
        dev: Option<String>,
    },
    /// `conf show`, `conf set ...`: the router's settings.
    Conf(ConfCmd),
    /// `mvif add|del|list`: multicast VIFs.
    Mvif(crate::mroute::MvifCmd),
    /// `mroute add|del|list`: the multicast forwarding cache.
    Mroute(crate::mroute::MrouteCmd),
    /// `mgroup list`: groups with members on the VIFs (from IGMP).
    Mgroups,
    /// `monitor [OBJECT...] [label]`: print change notifications as they
    /// come, as `ip monitor` does.
    Monitor {
        /// What to watch (every object when none was named).
        objects: Vec<crate::monitor::Object>,
        /// `label`: each line starts with its object, `[ROUTE]`.
        label: bool,
    },
    /// `bench fib [keys N] [seed N]`: time ferroute's FIB lookup against
    /// the kernel's over the same random keys, in the kernel.
    BenchFib {
        /// Number of keys (kernel default 1,000,000).
        keys: Option<u32>,
        /// Seed of the key generator (kernel default 12345).
        seed: Option<u32>,
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
    /// `ferctl route help`.
    Route,
    /// `ferctl rule help`.
    Rule,
    /// `ferctl table help`.
    Table,
    /// `ferctl stats help`.
    Stats,
    /// `ferctl neigh help`.
    Neigh,
    /// `ferctl bench help`.
    Bench,
    /// `ferctl conf help`.
    Conf,
    /// `ferctl mvif help`.
    Mvif,
    /// `ferctl mroute help`.
    Mroute,
    /// `ferctl monitor help`.
    Monitor,
    /// `ferctl mgroup help`.
    Mgroup,
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
    /// `-batch FILE`: run the commands of FILE (`-` = stdin), one a line.
    Batch(String),
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Global options.
    pub opts: Options,
    /// `-n NETNS` / `-netns NETNS`: the named network namespace
    /// (/run/netns/NETNS) whose router to talk to, as `ip -n`.
    pub netns: Option<String>,
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
    ("route", Topic::Route),
    ("rule", Topic::Rule),
    ("stats", Topic::Stats),
    ("neighbour", Topic::Neigh),
    ("neighbor", Topic::Neigh),
    ("table", Topic::Table),
    ("bench", Topic::Bench),
    ("conf", Topic::Conf),
    ("mvif", Topic::Mvif),
    ("mroute", Topic::Mroute),
    ("monitor", Topic::Monitor),
    ("mgroup", Topic::Mgroup),
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
    let mut netns = None;

    while let Some(arg) = argv.next_if(|a| a.starts_with('-') && a.len() > 1) {
        // iproute2 accepts both -json and --json.
        let opt = arg.strip_prefix('-').unwrap_or(&arg);
        let opt = opt.strip_prefix('-').unwrap_or(opt);
        if opt == "dump-constants" {
            return Ok(Invocation {
                opts,
                netns,
                action: Action::DumpConstants,
            });
        } else if matches(opt, "Version") || matches(opt, "version") {
            return Ok(Invocation {
                opts,
                netns,
                action: Action::Version,
            });
        } else if matches(opt, "batch") {
            let file = argv
                .next()
                .ok_or_else(|| usage("option \"-batch\" needs a file name".to_string()))?;
            if let Some(extra) = argv.next() {
                return Err(usage(format!(
                    "unexpected argument \"{extra}\" after \"-batch {file}\""
                )));
            }
            return Ok(Invocation {
                opts,
                netns,
                action: Action::Batch(file),
            });
        } else if matches(opt, "netns") {
            let name = argv
                .next()
                .ok_or_else(|| usage("option \"-netns\" needs a namespace name".to_string()))?;
            netns = Some(netns_name(&name)?.to_string());
        } else if opt == "force" {
            // Spelled out, as in iproute2 (where -f is -family).
            opts.force = true;
        } else if matches(opt, "json") {
            opts.json = true;
        } else if matches(opt, "statistics") || opt == "stats" {
            opts.stats = true;
        } else if matches(opt, "pretty") {
            opts.pretty = true;
        } else if matches(opt, "help") {
            return Ok(Invocation {
                opts,
                netns,
                action: Action::Help(Topic::All),
            });
        } else {
            return Err(usage(format!("option \"{arg}\" is unknown")));
        }
    }

    let action = parse_command(argv)?;
    Ok(Invocation {
        opts,
        netns,
        action,
    })
}

/// A name of /run/netns (what `ip netns add` creates): a file name, not a
/// path.
fn netns_name(name: &str) -> Result<&str, Error> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(usage(format!("invalid network namespace name \"{name}\"")));
    }
    Ok(name)
}

/// Split one line of a batch file into words: blank lines give none, and
/// a word starting with `#` comments out the rest of the line.
pub fn batch_words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .take_while(|w| !w.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Parse `OBJECT [COMMAND [ARGS]]` (a command line after the options, or
/// one line of a batch file): [`Action::Run`] or [`Action::Help`].
pub fn parse_command<I, S>(argv: I) -> Result<Action, Error>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut argv = argv.into_iter().map(Into::into);
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
        return Ok(Action::Help(topic));
    }

    let command = match topic {
        Topic::Port => parse_port(rest)?,
        Topic::Addr => parse_addr_cmd(rest)?,
        Topic::Route => parse_route(rest)?,
        Topic::Rule => parse_rule(rest)?,
        Topic::Table => parse_table_cmd(rest)?,
        Topic::Stats => parse_stats(rest)?,
        Topic::Neigh => parse_neigh(rest)?,
        Topic::Bench => parse_bench(rest)?,
        Topic::Conf => parse_conf(rest)?,
        Topic::Mvif => parse_mvif(rest)?,
        Topic::Mroute => parse_mroute(rest)?,
        Topic::Monitor => parse_monitor(rest)?,
        Topic::Mgroup => parse_mgroup(rest)?,
        Topic::All => return Err(usage("no object given".to_string())),
    };
    Ok(Action::Run(command))
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
        Some("set") => {
            let mut words = rest.into_iter();
            let mut dev = words
                .next()
                .ok_or_else(|| usage("port set: missing device name".to_string()))?;
            if dev == "dev" {
                dev = words
                    .next()
                    .ok_or_else(|| usage("port set: \"dev\" needs an argument".to_string()))?;
            }
            let words: Vec<String> = words.collect();
            PortCmd::Set {
                ifname: parse_ifname(&dev)?,
                values: crate::settings::parse_assignments(crate::settings::PORT, &words)
                    .map_err(|m| usage(format!("port set: {m}")))?,
            }
        }
        Some(v) => {
            return Err(usage(format!(
                "port: command \"{v}\" is unknown (add, del, list, set)"
            )))
        }
    };
    Ok(Command::Port(cmd))
}

fn parse_conf(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    let rest: Vec<String> = it.collect();
    let cmd = match verb.as_deref() {
        None => ConfCmd::Show,
        Some(v) if is_list_verb(v) => {
            Args::new(rest, "conf show").finish()?;
            ConfCmd::Show
        }
        Some("set") => ConfCmd::Set(
            crate::settings::parse_assignments(crate::settings::ROUTER, &rest)
                .map_err(|m| usage(format!("conf set: {m}")))?,
        ),
        Some(v) => {
            return Err(usage(format!(
                "conf: command \"{v}\" is unknown (show, set)"
            )))
        }
    };
    Ok(Command::Conf(cmd))
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

/// A number in decimal or, with `0x`, hexadecimal (iproute2's `get_u32`
/// without its octal), no sign, no spaces.
pub fn parse_number<T: TryFrom<u64>>(s: &str) -> Option<T> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix)
        .ok()
        .and_then(|v| T::try_from(v).ok())
}

/// A name from `names` or a number.
fn parse_named<T: TryFrom<u64> + Copy>(names: Names<T>, s: &str) -> Option<T> {
    names
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, v)| *v)
        .or_else(|| parse_number(s))
}

/// `table ID`: `main`, `local`, `default` or 1..=4294967295; with
/// `all_ok`, `all` and 0 (every table) too.
pub fn parse_table(args: &Args, s: &str, all_ok: bool) -> Result<u32, Error> {
    match (s, parse_named(TABLE_NAMES, s)) {
        ("all", _) | (_, Some(table::ALL)) if all_ok => Ok(table::ALL),
        (_, Some(id)) if id != table::ALL => Ok(id),
        _ => Err(args.error(format!(
            "invalid table \"{s}\" (main, local, default or 1 to {}{})",
            u32::MAX,
            if all_ok { ", or all" } else { "" }
        ))),
    }
}

/// A route type keyword of the contract (`blackhole`, ...).
fn route_type_keyword(s: &str) -> Option<u8> {
    route_type::ALL
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, v)| *v)
}

fn parse_route(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    let rest: Vec<String> = it.collect();
    let add = |rest, mode, context| -> Result<RouteCmd, Error> {
        Ok(RouteCmd::Add {
            mode,
            route: parse_route_spec(Args::new(rest, context), false)?,
        })
    };
    // iproute2's order, so that abbreviations resolve as with `ip route`.
    let cmd = match verb.as_deref() {
        None => RouteCmd::List { table: table::MAIN },
        Some(v) if matches(v, "add") => add(rest, route_mode::ADD, "route add")?,
        Some(v) if matches(v, "replace") => add(rest, route_mode::REPLACE, "route replace")?,
        Some(v) if matches(v, "prepend") => add(rest, route_mode::PREPEND, "route prepend")?,
        Some(v) if matches(v, "append") => add(rest, route_mode::APPEND, "route append")?,
        Some(v) if matches(v, "delete") => RouteCmd::Del {
            route: parse_route_spec(Args::new(rest, "route del"), true)?,
        },
        Some(v) if is_list_verb(v) => parse_route_list(Args::new(rest, "route list"))?,
        Some(v) if matches(v, "get") => parse_route_get(Args::new(rest, "route get"))?,
        Some(v) if matches(v, "flush") => parse_route_flush(rest)?,
        Some(v) => {
            return Err(usage(format!(
                "route: command \"{v}\" is unknown \
                 (add, replace, append, prepend, del, get, list, flush)"
            )))
        }
    };
    Ok(Command::Route(cmd))
}

/// `[TYPE] PREFIX` and the keywords of `ip route add`, in any order
/// (`to` may precede the type and prefix). For `del` (a partial key),
/// `mtu` and `onlink` are refused: they are not part of a route's key.
pub fn parse_route_spec(mut args: Args, del: bool) -> Result<RouteSpec, Error> {
    let mut prefix = None;
    let mut rtype = None;
    let mut r = RouteSpec::new(Prefix {
        addr: Ipv4Addr::UNSPECIFIED,
        len: 0,
    });
    while let Some(arg) = args.next() {
        let kw = arg.as_str();
        match kw {
            "via" => {
                let mut v = args.value_for(kw)?;
                if v == "inet" {
                    v = args.value_for(kw)?;
                }
                set_once(&args, &mut r.gateway, parse_addr(&v)?, kw)?;
            }
            "dev" | "oif" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut r.dev, parse_ifname(&v)?, "dev")?;
            }
            "metric" | "priority" | "preference" => {
                let v = args.value_for(kw)?;
                let n = parse_number(&v)
                    .ok_or_else(|| args.error(format!("invalid metric \"{v}\"")))?;
                set_once(&args, &mut r.metric, n, "metric")?;
            }
            "table" => {
                let v = args.value_for(kw)?;
                let id = parse_table(&args, &v, false)?;
                set_once(&args, &mut r.table, id, kw)?;
            }
            "src" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut r.prefsrc, parse_addr(&v)?, kw)?;
            }
            "proto" | "protocol" => {
                let v = args.value_for(kw)?;
                let p = parse_named(PROTOCOL_NAMES, &v)
                    .ok_or_else(|| args.error(format!("invalid protocol \"{v}\"")))?;
                set_once(&args, &mut r.protocol, p, "proto")?;
            }
            "scope" => {
                let v = args.value_for(kw)?;
                let sc = parse_named(SCOPE_NAMES, &v)
                    .ok_or_else(|| args.error(format!("invalid scope \"{v}\"")))?;
                set_once(&args, &mut r.scope, sc, kw)?;
            }
            "tos" | "dsfield" => {
                let v = args.value_for(kw)?;
                let t =
                    parse_number(&v).ok_or_else(|| args.error(format!("invalid tos \"{v}\"")))?;
                set_once(&args, &mut r.tos, t, "tos")?;
            }
            "mtu" | "onlink" if del => {
                return Err(args.error(format!("\"{kw}\" is not part of a route's key")))
            }
            "mtu" => {
                let v = args.value_for(kw)?;
                let m =
                    parse_number(&v).ok_or_else(|| args.error(format!("invalid mtu \"{v}\"")))?;
                set_once(&args, &mut r.mtu, m, kw)?;
            }
            "onlink" => {
                if r.onlink {
                    return Err(args.error("\"onlink\" given twice"));
                }
                r.onlink = true;
            }
            "nexthop" if del => return Err(args.error("\"nexthop\" is not part of a route's key")),
            "nexthop" => {
                r.nexthops = parse_nexthops(&mut args)?;
                break;
            }
            "to" if prefix.is_none() && rtype.is_none() => {}
            _ if prefix.is_some() && kw.starts_with(|c: char| c.is_ascii_digit()) => {
                return Err(args.error("destination given twice"))
            }
            "default" => {
                if prefix.is_some() {
                    return Err(args.error("destination given twice"));
                }
                prefix = Some(Prefix {
                    addr: Ipv4Addr::UNSPECIFIED,
                    len: 0,
                })
            }
            _ => match route_type_keyword(kw) {
                Some(t) if rtype.is_none() && prefix.is_none() => rtype = Some(t),
                Some(_) if prefix.is_some() => {
                    return Err(args.error(format!(
                        "route type \"{arg}\" must come before the destination"
                    )))
                }
                Some(_) => return Err(args.error("route type given twice")),
                None if kw.starts_with(|c: char| c.is_ascii_digit()) => {
                    prefix = Some(parse_prefix(kw)?)
                }
                None => return Err(args.error(format!("unknown keyword \"{arg}\""))),
            },
        }
    }
    r.prefix = prefix.ok_or_else(|| args.error("missing destination (PREFIX or default)"))?;
    r.rtype = rtype;
    // iproute2 (iproute_modify) sends local and broadcast routes to table
    // local unless a table is given, for add and del alike.
    if r.table.is_none() && matches!(rtype, Some(route_type::LOCAL | route_type::BROADCAST)) {
        r.table = Some(table::LOCAL);
    }
    if !r.nexthops.is_empty() && (r.gateway.is_some() || r.dev.is_some() || r.onlink) {
        return Err(args.error(
            "\"via\", \"dev\" and \"onlink\" go inside each \"nexthop\" of a multipath route",
        ));
    }
    Ok(r)
}

/// The next hops after a first `nexthop` keyword, to the end of the
/// arguments (as `ip route` has them: `nexthop via A dev D weight W
/// nexthop ...`).
fn parse_nexthops(args: &mut Args) -> Result<Vec<NextHopSpec>, Error> {
    let mut hops = vec![NextHopSpec::default()];
    while let Some(arg) = args.next() {
        let kw = arg.as_str();
        let Some(h) = hops.last_mut() else { break };
        match kw {
            "nexthop" => hops.push(NextHopSpec::default()),
            "via" => {
                let mut v = args.value_for(kw)?;
                if v == "inet" {
                    v = args.value_for(kw)?;
                }
                set_once(args, &mut h.gateway, parse_addr(&v)?, kw)?;
            }
            "dev" => {
                let v = args.value_for(kw)?;
                set_once(args, &mut h.dev, parse_ifname(&v)?, kw)?;
            }
            "weight" => {
                let v = args.value_for(kw)?;
                let w = parse_number::<u16>(&v)
                    .filter(|w| (1..=256).contains(w))
                    .ok_or_else(|| args.error(format!("invalid weight \"{v}\" (1 to 256)")))?;
                set_once(args, &mut h.weight, w, kw)?;
            }
            "onlink" => {
                if h.onlink {
                    return Err(args.error("\"onlink\" given twice"));
                }
                h.onlink = true;
            }
            _ => {
                return Err(args.error(format!(
                    "unknown next-hop keyword \"{arg}\" (nexthop takes via, dev, weight, onlink, and comes last)"
                )))
            }
        }
    }
    if let Some(i) = hops
        .iter()
        .position(|h| h.gateway.is_none() && h.dev.is_none())
    {
        return Err(args.error(format!("nexthop {} has neither \"via\" nor \"dev\"", i + 1)));
    }
    Ok(hops)
}

fn parse_rule(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    let verb = it.next();
    let rest: Vec<String> = it.collect();
    let cmd = match verb.as_deref() {
        None => RuleCmd::List,
        Some(v) if matches(v, "add") => RuleCmd::Add(parse_rule_spec(Args::new(rest, "rule add"))?),
        Some(v) if matches(v, "delete") => {
            RuleCmd::Del(parse_rule_spec(Args::new(rest, "rule del"))?)
        }
        Some(v) if is_list_verb(v) => {
            Args::new(rest, "rule list").finish()?;
            RuleCmd::List
        }
        Some(v) => {
            return Err(usage(format!(
                "rule: command \"{v}\" is unknown (add, del, list)"
            )))
        }
    };
    Ok(Command::Rule(cmd))
}

/// `from`/`to` of a rule: `all` or a prefix (a bare address is a /32).
fn parse_rule_prefix(s: &str) -> Result<Option<Prefix>, Error> {
    if s == "all" {
        return Ok(None);
    }
    let p = parse_prefix(s)?;
    Ok(if p.len == 0 { None } else { Some(p) })
}

/// The selector and action of `ip rule add|del`, in any order.
pub fn parse_rule_spec(mut args: Args) -> Result<RuleSpec, Error> {
    let mut r = RuleSpec::default();
    let (mut from_seen, mut to_seen) = (false, false);
    while let Some(arg) = args.next() {
        let kw = arg.as_str();
        let mut action = |args: &Args, a: RuleActionSpec| {
            set_once(
                args,
                &mut r.action,
                a,
                "action (lookup, goto, nop, blackhole, ...)",
            )
        };
        match kw {
            "not" => {
                if r.not {
                    return Err(args.error("\"not\" given twice"));
                }
                r.not = true;
            }
            "pref" | "priority" | "preference" | "order" => {
                let v = args.value_for(kw)?;
                let n = parse_number(&v)
                    .ok_or_else(|| args.error(format!("invalid priority \"{v}\"")))?;
                set_once(&args, &mut r.pref, n, "pref")?;
            }
            "from" => {
                let v = args.value_for(kw)?;
                if std::mem::replace(&mut from_seen, true) {
                    return Err(args.error("\"from\" given twice"));
                }
                r.from = parse_rule_prefix(&v)?;
            }
            "to" => {
                let v = args.value_for(kw)?;
                if std::mem::replace(&mut to_seen, true) {
                    return Err(args.error("\"to\" given twice"));
                }
                r.to = parse_rule_prefix(&v)?;
            }
            "iif" | "dev" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut r.iif, parse_ifname(&v)?, "iif")?;
            }
            "oif" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut r.oif, parse_ifname(&v)?, kw)?;
            }
            "tos" | "dsfield" => {
                let v = args.value_for(kw)?;
                let t =
                    parse_number(&v).ok_or_else(|| args.error(format!("invalid tos \"{v}\"")))?;
                set_once(&args, &mut r.tos, t, "tos")?;
            }
            "fwmark" => {
                let v = args.value_for(kw)?;
                let bad = || args.error(format!("invalid fwmark \"{v}\" (MARK or MARK/MASK)"));
                let (mark, mask) = match v.split_once('/') {
                    Some((m, k)) => (
                        parse_number(m).ok_or_else(bad)?,
                        Some(parse_number(k).ok_or_else(bad)?),
                    ),
                    None => (parse_number(&v).ok_or_else(bad)?, None),
                };
                set_once(&args, &mut r.fwmark, (mark, mask), kw)?;
            }
            "lookup" | "table" => {
                let v = args.value_for(kw)?;
                let id = parse_table(&args, &v, false)?;
                action(&args, RuleActionSpec::Table(id))?;
            }
            "goto" => {
                let v = args.value_for(kw)?;
                let n = parse_number(&v)
                    .ok_or_else(|| args.error(format!("invalid goto target \"{v}\"")))?;
                action(&args, RuleActionSpec::Goto(n))?;
            }
            "nop" => action(&args, RuleActionSpec::Nop)?,
            "blackhole" => action(&args, RuleActionSpec::Blackhole)?,
            "unreachable" => action(&args, RuleActionSpec::Unreachable)?,
            "prohibit" => action(&args, RuleActionSpec::Prohibit)?,
            _ => return Err(args.error(format!("unknown keyword \"{arg}\""))),
        }
    }
    Ok(r)
}

/// `mvif add DEV [threshold T] [prune]`, `mvif del DEV`, `mvif [list]`.
pub fn parse_mvif(rest: Vec<String>) -> Result<Command, Error> {
    use crate::mroute::{parse_threshold, MvifCmd};
    let mut it = rest.into_iter();
    match it.next().as_deref() {
        None => {}
        Some(v) if is_list_verb(v) => {}
        Some(v) if matches(v, "add") => {
            let mut args = Args::new(it.collect(), "mvif add");
            let dev = args.next().ok_or_else(|| args.error("missing device"))?;
            let mut threshold = None;
            let mut prune = false;
            while let Some(w) = args.next() {
                match w.as_str() {
                    "threshold" if threshold.is_none() => {
                        let v = args.value_for("threshold")?;
                        threshold = Some(parse_threshold(&args, &v)?);
                    }
                    "prune" if !prune => prune = true,
                    _ => return Err(args.error(format!("unexpected \"{w}\""))),
                }
            }
            return Ok(Command::Mvif(MvifCmd::Add {
                dev,
                threshold,
                prune,
            }));
        }
        Some(v) if matches(v, "delete") => {
            let mut args = Args::new(it.collect(), "mvif del");
            let dev = args.next().ok_or_else(|| args.error("missing device"))?;
            args.finish()?;
            return Ok(Command::Mvif(MvifCmd::Del { dev }));
        }
        Some(v) => {
            return Err(usage(format!(
                "mvif: command \"{v}\" is unknown (add, del, list)"
            )))
        }
    }
    Args::new(it.collect(), "mvif list").finish()?;
    Ok(Command::Mvif(MvifCmd::List))
}

/// `mroute add [source S] group G iif DEV oif DEV [threshold T] ...`,
/// `mroute del [source S] group G`, `mroute [list]`.
pub fn parse_mroute(rest: Vec<String>) -> Result<Command, Error> {
    use crate::mroute::{parse_addr, parse_threshold, MrouteCmd, MAXVIFS};
    let mut it = rest.into_iter();
    let (add, ctx) = match it.next().as_deref() {
        None => return Ok(Command::Mroute(MrouteCmd::List)),
        Some(v) if is_list_verb(v) => {
            Args::new(it.collect(), "mroute list").finish()?;
            return Ok(Command::Mroute(MrouteCmd::List));
        }
        Some(v) if matches(v, "add") => (true, "mroute add"),
        Some(v) if matches(v, "delete") => (false, "mroute del"),
        Some(v) => {
            return Err(usage(format!(
                "mroute: command \"{v}\" is unknown (add, del, list)"
            )))
        }
    };
    let mut args = Args::new(it.collect(), ctx);
    let (mut source, mut group, mut iif) = (None, None, None);
    let mut oifs: Vec<(String, Option<u8>)> = Vec::new();
    while let Some(w) = args.next() {
        match w.as_str() {
            "source" if source.is_none() => {
                let v = args.value_for("source")?;
                source = Some(parse_addr(&args, &v, "source")?);
            }
            "group" if group.is_none() => {
                let v = args.value_for("group")?;
                let g = parse_addr(&args, &v, "group")?;
                if !g.is_multicast() {
                    return Err(args.error(format!("\"{v}\" is not a multicast group")));
                }
                group = Some(g);
            }
            "iif" if add && iif.is_none() => iif = Some(args.value_for("iif")?),
            "oif" if add => oifs.push((args.value_for("oif")?, None)),
            "threshold" if add => {
                let v = args.value_for("threshold")?;
                let t = parse_threshold(&args, &v)?;
                match oifs.last_mut() {
                    Some((_, slot @ None)) => *slot = Some(t),
                    _ => return Err(args.error("\"threshold\" follows an \"oif DEV\"")),
                }
            }
            _ => return Err(args.error(format!("unexpected \"{w}\""))),
        }
    }
    let group = group.ok_or_else(|| args.error("missing group"))?;
    if !add {
        return Ok(Command::Mroute(MrouteCmd::Del { source, group }));
    }
    let iif = iif.ok_or_else(|| args.error("missing iif"))?;
    if oifs.len() > MAXVIFS {
        return Err(args.error("more than 32 output ports"));
    }
    Ok(Command::Mroute(MrouteCmd::Add {
        source,
        group,
        iif,
        oifs,
    }))
}

fn parse_table_cmd(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    match it.next().as_deref() {
        None => {}
        Some(v) if is_list_verb(v) => {}
        Some(v) if matches(v, "delete") => {
            let mut args = Args::new(it.collect(), "table del");
            let v = args.next().ok_or_else(|| args.error("missing table id"))?;
            let id = parse_table(&args, &v, false)?;
            args.finish()?;
            return Ok(Command::TableDel(id));
        }
        Some(v) => {
            return Err(usage(format!(
                "table: command \"{v}\" is unknown (list, del)"
            )))
        }
    }
    Args::new(it.collect(), "table list").finish()?;
    Ok(Command::Tables)
}

fn parse_route_list(mut args: Args) -> Result<RouteCmd, Error> {
    let mut id = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "table" => {
                let v = args.value_for("table")?;
                let t = parse_table(&args, &v, true)?;
                set_once(&args, &mut id, t, "table")?;
            }
            _ => return Err(args.error(format!("unexpected argument \"{arg}\""))),
        }
    }
    Ok(RouteCmd::List {
        table: id.unwrap_or(table::MAIN),
    })
}

/// `route flush table ID|all`: as `ip route flush`, refused without an
/// argument ("requires arguments"), so that a bare word cannot empty main.
fn parse_route_flush(rest: Vec<String>) -> Result<RouteCmd, Error> {
    let args = Args::new(rest, "route flush");
    if args.items.len() == 0 {
        return Err(args.error("requires arguments (table ID|all)"));
    }
    match parse_route_list(args)? {
        RouteCmd::List { table } => Ok(RouteCmd::Flush { table }),
        other => Ok(other),
    }
}

fn parse_route_get(mut args: Args) -> Result<RouteCmd, Error> {
    let (mut dst, mut from, mut iif, mut oif, mut mark) = (None, None, None, None, None);
    let (mut tos, mut fib_match) = (None, false);
    while let Some(arg) = args.next() {
        let kw = arg.as_str();
        match kw {
            "tos" | "dsfield" => {
                let v = args.value_for(kw)?;
                let t =
                    parse_number(&v).ok_or_else(|| args.error(format!("invalid tos \"{v}\"")))?;
                set_once(&args, &mut tos, t, "tos")?;
            }
            "fibmatch" => fib_match = true,
            "from" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut from, parse_addr(&v)?, kw)?;
            }
            "iif" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut iif, parse_ifname(&v)?, kw)?;
            }
            "oif" | "dev" => {
                let v = args.value_for(kw)?;
                set_once(&args, &mut oif, parse_ifname(&v)?, "oif")?;
            }
            "mark" => {
                let v = args.value_for(kw)?;
                let m =
                    parse_number(&v).ok_or_else(|| args.error(format!("invalid mark \"{v}\"")))?;
                set_once(&args, &mut mark, m, kw)?;
            }
            "to" if dst.is_none() => {}
            _ if dst.is_some() && kw.starts_with(|c: char| c.is_ascii_digit()) => {
                return Err(args.error(format!("unexpected argument \"{arg}\"")))
            }
            _ if kw.starts_with(|c: char| c.is_ascii_digit()) => {
                let p = parse_prefix(kw)?;
                if p.len != 32 {
                    return Err(args.error(format!("\"{arg}\" is not a single address")));
                }
                dst = Some(p.addr);
            }
            _ => return Err(args.error(format!("unknown keyword \"{arg}\""))),
        }
    }
    let dst = dst.ok_or_else(|| args.error("missing destination address"))?;
    Ok(RouteCmd::Get {
        dst,
        from,
        iif,
        oif,
        mark,
        tos,
        fib_match,
    })
}

fn parse_stats(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter().peekable();
    match it.peek().map(String::as_str) {
        None => {}
        Some(v) if v.starts_with('-') => {}
        Some(v) if is_list_verb(v) => {
            it.next();
        }
        Some(v) => return Err(usage(format!("stats: command \"{v}\" is unknown (show)"))),
    }
    let (mut delta, mut zeros) = (false, false);
    for arg in it {
        match arg.as_str() {
            "-d" | "-delta" => delta = true,
            "-z" | "-zeros" => zeros = true,
            _ => return Err(usage(format!("stats: unexpected argument \"{arg}\""))),
        }
    }
    Ok(Command::Stats { delta, zeros })
}

fn parse_bench(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    match it.next().as_deref() {
        Some(v) if matches(v, "fib") => {}
        Some(v) => return Err(usage(format!("bench: \"{v}\" is unknown (fib)"))),
        None => return Err(usage("bench: what to benchmark? (fib)".to_string())),
    }
    let mut args = Args::new(it.collect(), "bench fib");
    let (mut keys, mut seed) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "keys" => {
                let v = args.value_for("keys")?;
                let n = parse_number::<u32>(&v)
                    .filter(|n| (1..=1 << 24).contains(n))
                    .ok_or_else(|| {
                        args.error(format!("invalid number of keys \"{v}\" (1..=16777216)"))
                    })?;
                set_once(&args, &mut keys, n, "keys")?;
            }
            "seed" => {
                let v = args.value_for("seed")?;
                let n = parse_number::<u32>(&v)
                    .ok_or_else(|| args.error(format!("invalid seed \"{v}\"")))?;
                set_once(&args, &mut seed, n, "seed")?;
            }
            _ => return Err(args.error(format!("unexpected argument \"{arg}\""))),
        }
    }
    Ok(Command::BenchFib { keys, seed })
}

/// `monitor [all | OBJECT...] [label]`, objects named as `ip monitor`
/// names them.
fn parse_monitor(rest: Vec<String>) -> Result<Command, Error> {
    use crate::monitor::Object;
    let mut objects = Vec::new();
    let mut label = false;
    let args = Args::new(Vec::new(), "monitor");
    for arg in rest {
        match arg.as_str() {
            "label" => label = true,
            "all" => objects.extend(Object::ALL),
            "port" | "link" => objects.push(Object::Port),
            "address" | "addr" => objects.push(Object::Addr),
            "route" => objects.push(Object::Route),
            "rule" => objects.push(Object::Rule),
            "neigh" | "neighbour" | "neighbor" => objects.push(Object::Neigh),
            "mroute" => objects.push(Object::Mroute),
            _ => {
                return Err(args.error(format!(
                "unknown object \"{arg}\" (all, port, address, route, rule, neigh, mroute; label)"
            )))
            }
        }
    }
    if objects.is_empty() {
        objects.extend(Object::ALL);
    }
    // Each group once, in group order.
    let objects = Object::ALL
        .into_iter()
        .filter(|o| objects.contains(o))
        .collect();
    Ok(Command::Monitor { objects, label })
}

/// `mgroup [list]`.
fn parse_mgroup(rest: Vec<String>) -> Result<Command, Error> {
    let mut it = rest.into_iter();
    match it.next().as_deref() {
        None => Ok(Command::Mgroups),
        Some(v) if is_list_verb(v) => {
            Args::new(it.collect(), "mgroup list").finish()?;
            Ok(Command::Mgroups)
        }
        Some(v) => Err(usage(format!("mgroup: command \"{v}\" is unknown (list)"))),
    }
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
        Topic::Route => HELP_ROUTE,
        Topic::Rule => HELP_RULE,
        Topic::Table => HELP_TABLE,
        Topic::Stats => HELP_STATS,
        Topic::Neigh => HELP_NEIGH,
        Topic::Bench => HELP_BENCH,
        Topic::Conf => HELP_CONF,
        Topic::Mvif => HELP_MVIF,
        Topic::Mroute => HELP_MROUTE,
        Topic::Monitor => HELP_MONITOR,
        Topic::Mgroup => HELP_MGROUP,
    }
}

const HELP_PORT: &str = "\
Usage: ferctl port add DEV
       ferctl port del DEV
       ferctl port { list | show } [ [dev] DEV ]
       ferctl port set [dev] DEV SETTING VALUE [ SETTING VALUE ] ...
SETTING := { forwarding | rp_filter | send_redirects | accept_local |
             route_localnet }   (net.ipv4.conf.DEV.SETTING)
Flags take 0/1 or on/off; rp_filter 0 (off), 1 (strict), 2 (loose).
";
const HELP_CONF: &str = "\
Usage: ferctl conf [ show ]
       ferctl conf set SETTING VALUE [ SETTING VALUE ] ...
SETTING := { icmp_ratelimit | icmp_ratemask | icmp_msgs_per_sec |
             icmp_msgs_burst | icmp_echo_ignore_broadcasts |
             icmp_errors_use_inbound_ifaddr | ip_default_ttl | udp_echo |
             igmp_querier | igmp_query_interval |
             igmp_query_response_interval | igmp_last_member_interval |
             igmp_robustness }
           (net.ipv4.SETTING; udp_echo: the UDP echo service on port 7;
           igmp_*: the IGMP querier on the VIFs, intervals in ms)
";
const HELP_MVIF: &str = "\
Usage: ferctl mvif add DEV [ threshold 1..255 ] [ prune ]
       ferctl mvif del DEV
       ferctl mvif { list | show }
(a VIF routes multicast: MRT_ADD_VIF; at most 32; prune: (*,G) traffic
leaves by it only to groups with members there, from IGMP)
";
const HELP_MROUTE: &str = "\
Usage: ferctl mroute add [ source ADDRESS ] group GROUP iif DEV
                         oif DEV [ threshold 1..255 ] [ oif DEV ... ]
       ferctl mroute del [ source ADDRESS ] group GROUP
       ferctl mroute { list | show }
(no source: a (*,G) entry; an oif without threshold takes its VIF's)
";
const HELP_ADDR: &str = "\
Usage: ferctl address add A.B.C.D/N dev PORT
       ferctl address del A.B.C.D/N dev PORT
       ferctl address { list | show } [ [dev] PORT ]
";
const HELP_ROUTE: &str = "\
Usage: ferctl route { add | replace | append | prepend | del } ROUTE
       ferctl route get ADDRESS [ from ADDRESS ] [ iif PORT ] [ oif PORT ]
                        [ mark NUMBER ]
       ferctl route { list | show } [ table { TABLE_ID | all } ]
       ferctl route flush table { TABLE_ID | all }
ROUTE := [ TYPE ] PREFIX [ via ADDRESS ] [ dev PORT ] [ metric NUMBER ]
         [ table TABLE_ID ] [ src ADDRESS ] [ proto RTPROTO ]
         [ scope SCOPE ] [ tos TOS ] [ mtu NUMBER ] [ onlink ]
         [ nexthop NH ] ...
NH := [ via ADDRESS ] [ dev PORT ] [ weight 1..256 ] [ onlink ]
TYPE := { unicast | local | broadcast | blackhole | unreachable | prohibit }
PREFIX := { A.B.C.D[/N] | default }
TABLE_ID := { main | local | default | NUMBER }
RTPROTO := { kernel | boot | static | NUMBER }
SCOPE := { universe | global | link | host | NUMBER }
(route del takes ROUTE as a partial key, without mtu, onlink, nexthop;
 nexthop NH ... comes last and replaces via/dev/onlink)
";
const HELP_RULE: &str = "\
Usage: ferctl rule { add | del } SELECTOR ACTION
       ferctl rule { list | show }
SELECTOR := [ not ] [ pref NUMBER ] [ from PREFIX ] [ to PREFIX ]
            [ iif PORT ] [ oif PORT ] [ tos TOS ] [ fwmark MARK[/MASK] ]
ACTION := { lookup TABLE_ID | goto NUMBER | nop | blackhole |
            unreachable | prohibit }
PREFIX := { A.B.C.D[/N] | all }
(rule add without an action looks up main; rule del deletes the first rule
 matching what is given)
";
const HELP_TABLE: &str = "\
Usage: ferctl table { list | show }
       ferctl table del TABLE_ID     remove an empty table
";
const HELP_STATS: &str = "\
Usage: ferctl stats [ show ] [ -d ] [ -z ]
  -d   what each counter gained since the last `stats -d` in this
       namespace (as nstat prints), only those that moved
  -z   with -d, also the counters that did not move
";
const HELP_MONITOR: &str = "\
Usage: ferctl monitor [ all | OBJECT ... ] [ label ]
OBJECT := { port | address | route | rule | neigh | mroute }
Prints the router's changes as they happen (as ip monitor does): the line
`list` prints for the object, \"Deleted \" before one that went away; with
label, the object first ([ROUTE]); with -j, one JSON object a line naming
the notification. Runs until interrupted.
";
const HELP_MGROUP: &str = "\
Usage: ferctl mgroup { list | show }
The groups with members on each multicast VIF, learnt from the hosts'
IGMP reports: the last reporter and the seconds until the membership ends
unless a report comes.
";
const HELP_NEIGH: &str = "\
Usage: ferctl neigh { list | show } [ dev PORT ]
";
const HELP_BENCH: &str = "\
Usage: ferctl bench fib [ keys NUMBER ] [ seed NUMBER ]
Times, in the kernel, ferroute's main-table lookup, the kernel's
fib_table_lookup on its main table and ferroute's fib_lookup (rules, then
tables) over the same NUMBER random addresses (default 1000000).
";
const HELP_ALL: &str = "\
Usage: ferctl [ OPTIONS ] OBJECT { COMMAND | help }
       ferctl [ -n[etns] NAME ] [ -force ] [ -j[son] ] [ -p[retty] ] -b[atch] FILE
where  OBJECT := { port | address | route | rule | table | stats | neigh | bench |
                  conf | mvif | mroute | mgroup | monitor }
       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |
                    -h[elp] | -V[ersion] }

       ferctl port add DEV            attach an existing Ethernet device
       ferctl port del DEV            detach it
       ferctl port list               list router ports and their settings
       ferctl -s port list            ... with their devices' counters
       ferctl port set DEV rp_filter 1 send_redirects off
       ferctl addr add A.B.C.D/N dev PORT
       ferctl addr del A.B.C.D/N dev PORT
       ferctl addr list [dev PORT]    list router addresses
       ferctl route add 10.2.0.0/16 via 10.1.0.254 [dev PORT] [metric N]
       ferctl route del 10.2.0.0/16 [table ID]
       ferctl route get 10.2.3.4      show the route the router would use
       ferctl route list [table ID|all]
       ferctl route add 10.3.0.0/16 nexthop via A dev P weight 1 nexthop via B ...
       ferctl rule add pref 100 from 10.9.0.0/16 lookup 100
       ferctl rule list               list policy rules in evaluation order
       ferctl table list              list routing tables and their sizes
       ferctl stats                   print counters, one per line
       ferctl neigh list [dev PORT]   print the neighbour cache
       ferctl bench fib [keys N]      time ferroute's FIB against the kernel's
       ferctl conf show               print the router's settings
       ferctl conf set icmp_ratelimit 500
       ferctl monitor [route ...]     print changes as they happen

Objects and commands may be abbreviated (ferctl a s = ferctl address show).
-batch FILE runs one command a line (no options; # starts a comment) from
FILE or stdin (-), over one netlink socket, and stops at the first failure
(with -force it reports each failure and goes on, exit 1 if any failed).
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
    fn port_and_conf_settings() {
        let Command::Port(PortCmd::Set { ifname, values }) = run(&[
            "port",
            "set",
            "veth0",
            "rp_filter",
            "1",
            "send_redirects",
            "off",
        ]) else {
            panic!("not port set");
        };
        assert_eq!(ifname, "veth0");
        let v: Vec<(&str, u32)> = values.iter().map(|a| (a.setting.name, a.value)).collect();
        assert_eq!(v, [("rp_filter", 1), ("send_redirects", 0)]);
        assert!(matches!(
            run(&["port", "set", "dev", "veth0", "forwarding", "0"]),
            Command::Port(PortCmd::Set { .. })
        ));
        assert_eq!(run(&["conf"]), Command::Conf(ConfCmd::Show));
        assert_eq!(run(&["conf", "show"]), Command::Conf(ConfCmd::Show));
        let Command::Conf(ConfCmd::Set(v)) = run(&["conf", "set", "icmp_ratelimit", "500"]) else {
            panic!("not conf set");
        };
        assert_eq!((v[0].setting.name, v[0].value), ("icmp_ratelimit", 500));
        assert!(err(&["port", "set"]).contains("missing device name"));
        assert!(err(&["port", "set", "veth0"]).contains("no setting"));
        assert!(err(&["port", "set", "veth0", "icmp_ratelimit", "5"]).contains("unknown setting"));
        assert!(err(&["conf", "set", "ip_default_ttl", "300"]).contains("invalid value"));
        assert!(err(&["conf", "show", "x"]).contains("unexpected"));
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
        let plain = Command::Stats {
            delta: false,
            zeros: false,
        };
        assert_eq!(run(&["stats"]), plain);
        assert_eq!(run(&["stats", "show"]), plain);
        assert_eq!(
            run(&["stats", "show", "-d", "-z"]),
            Command::Stats {
                delta: true,
                zeros: true
            }
        );
        assert_eq!(
            run(&["stats", "-delta"]),
            Command::Stats {
                delta: true,
                zeros: false
            }
        );
        assert_eq!(run(&["neigh", "list"]), Command::Neigh { dev: None });
        use crate::monitor::Object;
        assert_eq!(
            run(&["monitor"]),
            Command::Monitor {
                objects: Object::ALL.to_vec(),
                label: false
            }
        );
        assert_eq!(
            run(&["mon", "rule", "route", "label", "route"]),
            Command::Monitor {
                objects: vec![Object::Route, Object::Rule],
                label: true
            }
        );
        assert!(err(&["monitor", "mvif"]).contains("unknown object"));
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
        assert!(err(&["frob", "add"]).contains("object \"frob\" is unknown"));
        assert!(err(&["-x", "port"]).contains("option \"-x\" is unknown"));
        assert!(err(&["-j"]).contains("no object"));
        assert!(err(&["frob"]).contains("try \"ferctl help\""));
    }

    fn route(args: &[&str]) -> RouteCmd {
        let mut all = vec!["route"];
        all.extend_from_slice(args);
        match run(&all) {
            Command::Route(r) => r,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    fn added(args: &[&str]) -> RouteSpec {
        let mut all = vec!["add"];
        all.extend_from_slice(args);
        match route(&all) {
            RouteCmd::Add {
                mode: route_mode::ADD,
                route,
            } => route,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn multipath_nexthops() {
        let r = added(&[
            "10.3.0.0/16",
            "table",
            "100",
            "nexthop",
            "via",
            "10.1.0.2",
            "dev",
            "d0",
            "weight",
            "1",
            "nexthop",
            "via",
            "10.2.0.2",
            "weight",
            "256",
            "onlink",
        ]);
        assert_eq!(r.table, Some(100));
        assert_eq!(
            r.nexthops,
            vec![
                NextHopSpec {
                    gateway: Some(a("10.1.0.2")),
                    dev: Some("d0".into()),
                    weight: Some(1),
                    onlink: false
                },
                NextHopSpec {
                    gateway: Some(a("10.2.0.2")),
                    dev: None,
                    weight: Some(256),
                    onlink: true
                },
            ]
        );
        assert_eq!(
            r.to_string(),
            "10.3.0.0/16 table 100 nexthop via 10.1.0.2 dev d0 weight 1 \
             nexthop via 10.2.0.2 weight 256 onlink"
        );
        assert!(err(&[
            "route",
            "add",
            "10.3.0.0/16",
            "nexthop",
            "via",
            "10.1.0.2",
            "weight",
            "0"
        ])
        .contains("invalid weight"));
        assert!(err(&[
            "route",
            "add",
            "10.3.0.0/16",
            "nexthop",
            "via",
            "10.1.0.2",
            "weight",
            "257"
        ])
        .contains("invalid weight"));
        assert!(
            err(&["route", "add", "10.3.0.0/16", "nexthop", "weight", "2"]).contains("neither")
        );
        assert!(err(&[
            "route",
            "add",
            "10.3.0.0/16",
            "via",
            "10.1.0.2",
            "nexthop",
            "dev",
            "d0"
        ])
        .contains("inside each"));
        assert!(err(&[
            "route",
            "add",
            "10.3.0.0/16",
            "nexthop",
            "dev",
            "d0",
            "metric",
            "5"
        ])
        .contains("next-hop keyword"));
        assert!(
            err(&["route", "del", "10.3.0.0/16", "nexthop", "dev", "d0"])
                .contains("not part of a route's key")
        );
    }

    fn rule(args: &[&str]) -> Command {
        let mut all = vec!["rule"];
        all.extend_from_slice(args);
        run(&all)
    }

    #[test]
    fn rule_commands() {
        assert_eq!(rule(&[]), Command::Rule(RuleCmd::List));
        assert_eq!(rule(&["show"]), Command::Rule(RuleCmd::List));
        let Command::Rule(RuleCmd::Add(r)) = rule(&[
            "add",
            "not",
            "pref",
            "100",
            "from",
            "10.9.0.0/16",
            "to",
            "10.50.0.1",
            "iif",
            "d0",
            "oif",
            "d1",
            "tos",
            "0x10",
            "fwmark",
            "0x10/0xff",
            "lookup",
            "100",
        ]) else {
            panic!("not a rule add")
        };
        assert_eq!(
            r,
            RuleSpec {
                not: true,
                pref: Some(100),
                from: Some(p("10.9.0.0/16")),
                to: Some(p("10.50.0.1/32")),
                iif: Some("d0".into()),
                oif: Some("d1".into()),
                tos: Some(0x10),
                fwmark: Some((0x10, Some(0xff))),
                action: Some(RuleActionSpec::Table(100)),
            }
        );
        assert_eq!(
            r.to_string(),
            "not pref 100 from 10.9.0.0/16 to 10.50.0.1/32 iif d0 oif d1 tos 0x10 \
             fwmark 0x10/0xff lookup 100"
        );
        let Command::Rule(RuleCmd::Add(r)) =
            rule(&["a", "from", "all", "fwmark", "7", "goto", "200"])
        else {
            panic!("not a rule add")
        };
        assert_eq!((r.from, r.fwmark), (None, Some((7, None))));
        assert_eq!(r.action, Some(RuleActionSpec::Goto(200)));
        for (kw, action) in [
            ("nop", RuleActionSpec::Nop),
            ("blackhole", RuleActionSpec::Blackhole),
            ("unreachable", RuleActionSpec::Unreachable),
            ("prohibit", RuleActionSpec::Prohibit),
        ] {
            let Command::Rule(RuleCmd::Del(r)) = rule(&["del", "pref", "5", kw]) else {
                panic!("not a rule del")
            };
            assert_eq!((r.pref, r.action), (Some(5), Some(action)));
        }
        assert!(err(&["rule", "add", "lookup", "100", "prohibit"]).contains("given twice"));
        assert!(err(&["rule", "add", "pref", "x"]).contains("invalid priority"));
        assert!(err(&["rule", "add", "fwmark", "1/x"]).contains("invalid fwmark"));
        assert!(err(&["rule", "add", "from", "10.0.0.0/33"]).contains("10.0.0.0/33"));
        assert!(err(&["rule", "add", "lookup", "0"]).contains("invalid table"));
        assert!(err(&["rule", "add", "via", "1.2.3.4"]).contains("unknown keyword"));
        assert!(err(&["rule", "flush"]).contains("unknown"));
        assert_eq!(run(&["table"]), Command::Tables);
        assert_eq!(run(&["table", "list"]), Command::Tables);
        assert_eq!(run(&["table", "del", "100"]), Command::TableDel(100));
        assert_eq!(run(&["table", "d", "main"]), Command::TableDel(254));
        assert!(err(&["table", "del"]).contains("missing table id"));
        assert!(err(&["table", "del", "0"]).contains("invalid table"));
        assert!(err(&["table", "list", "x"]).contains("unexpected"));
    }

    fn a(s: &str) -> Ipv4Addr {
        parse_addr(s).unwrap()
    }

    #[test]
    fn route_add_forms() {
        let r = added(&[
            "10.2.0.0/16",
            "via",
            "10.1.0.254",
            "dev",
            "veth1",
            "metric",
            "10",
        ]);
        let mut want = RouteSpec::new(p("10.2.0.0/16"));
        want.gateway = Some(a("10.1.0.254"));
        want.dev = Some("veth1".into());
        want.metric = Some(10);
        assert_eq!(r, want);
        assert_eq!(
            r.to_string(),
            "10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10"
        );
        // Keywords in any order, iproute2 aliases.
        assert_eq!(
            added(&[
                "metric",
                "10",
                "oif",
                "veth1",
                "to",
                "10.2.0.0/16",
                "via",
                "inet",
                "10.1.0.254"
            ]),
            want
        );
        assert_eq!(
            added(&[
                "10.2.0.0/16",
                "via",
                "10.1.0.254",
                "dev",
                "veth1",
                "priority",
                "0xa"
            ]),
            want
        );

        let d = added(&["default", "via", "10.1.0.254"]);
        assert_eq!(d.prefix, p("0.0.0.0/0"));
        assert_eq!(added(&["10.1.0.5", "dev", "fer1"]).prefix, p("10.1.0.5/32"));

        for (word, nr) in [
            ("unicast", 1),
            ("local", 2),
            ("broadcast", 3),
            ("blackhole", 6),
            ("unreachable", 7),
            ("prohibit", 8),
            ("throw", 9),
        ] {
            let r = added(&[word, "10.9.0.0/16"]);
            assert_eq!((r.rtype, r.prefix), (Some(nr), p("10.9.0.0/16")), "{word}");
        }
        assert_eq!(added(&["to", "blackhole", "default"]).rtype, Some(6));
        // As in ip route: local and broadcast routes go to table local
        // unless told otherwise; the others to main (the kernel's default).
        for (word, want) in [
            ("local", Some(255)),
            ("broadcast", Some(255)),
            ("unicast", None),
            ("blackhole", None),
            ("unreachable", None),
            ("prohibit", None),
            ("throw", None),
        ] {
            assert_eq!(
                added(&[word, "10.9.0.0/16", "dev", "fer1"]).table,
                want,
                "{word}"
            );
        }
        assert_eq!(
            added(&["local", "10.9.0.0/16", "dev", "fer1", "table", "main"]).table,
            Some(254)
        );
        let RouteCmd::Del { route: del } = route(&["del", "local", "10.9.0.1", "dev", "fer1"])
        else {
            panic!()
        };
        assert_eq!(del.table, Some(255));
        assert_eq!(
            added(&["blackhole", "10.9.0.0/16"]).to_string(),
            "blackhole 10.9.0.0/16"
        );

        let r = added(&[
            "10.3.0.0/24",
            "dev",
            "fer1",
            "table",
            "100",
            "src",
            "10.1.0.1",
            "proto",
            "static",
            "scope",
            "link",
            "tos",
            "0x10",
            "mtu",
            "1400",
            "onlink",
        ]);
        assert_eq!(r.table, Some(100));
        assert_eq!(r.prefsrc, Some(a("10.1.0.1")));
        assert_eq!(r.protocol, Some(4));
        assert_eq!(r.scope, Some(253));
        assert_eq!(r.tos, Some(16));
        assert_eq!(r.mtu, Some(1400));
        assert!(r.onlink);
        assert_eq!(
            r.to_string(),
            "10.3.0.0/24 dev fer1 table 100 src 10.1.0.1 proto static scope link tos 0x10 \
             mtu 1400 onlink"
        );

        for (t, id) in [
            ("main", 254),
            ("local", 255),
            ("default", 253),
            ("1", 1),
            ("4294967295", u32::MAX),
        ] {
            assert_eq!(added(&["10.0.0.0/8", "table", t]).table, Some(id), "{t}");
        }
        for (pr, nr) in [("kernel", 2), ("boot", 3), ("static", 4), ("99", 99)] {
            assert_eq!(added(&["10.0.0.0/8", "proto", pr]).protocol, Some(nr));
        }
        for (sc, nr) in [
            ("universe", 0),
            ("global", 0),
            ("link", 253),
            ("host", 254),
            ("200", 200),
        ] {
            assert_eq!(added(&["10.0.0.0/8", "scope", sc]).scope, Some(nr));
        }
        assert_eq!(added(&["10.0.0.0/8", "tos", "16"]).tos, Some(16));
    }

    #[test]
    fn route_modes_and_del() {
        let spec = |args: &[&str]| match route(args) {
            RouteCmd::Add { mode, route } => (mode, route.prefix),
            other => panic!("{other:?}"),
        };
        let pf = p("10.2.0.0/16");
        assert_eq!(spec(&["add", "10.2.0.0/16"]), (route_mode::ADD, pf));
        assert_eq!(spec(&["replace", "10.2.0.0/16"]), (route_mode::REPLACE, pf));
        assert_eq!(spec(&["append", "10.2.0.0/16"]), (route_mode::APPEND, pf));
        assert_eq!(spec(&["prepend", "10.2.0.0/16"]), (route_mode::PREPEND, pf));
        // iproute2's abbreviations: a = add, r = replace, p = prepend.
        assert_eq!(spec(&["a", "10.2.0.0/16"]).0, route_mode::ADD);
        assert_eq!(spec(&["r", "10.2.0.0/16"]).0, route_mode::REPLACE);
        assert_eq!(spec(&["p", "10.2.0.0/16"]).0, route_mode::PREPEND);
        assert_eq!(spec(&["app", "10.2.0.0/16"]).0, route_mode::APPEND);

        let mut want = RouteSpec::new(pf);
        want.gateway = Some(a("10.1.0.254"));
        want.table = Some(100);
        let del = RouteCmd::Del {
            route: want.clone(),
        };
        assert_eq!(
            route(&["del", "10.2.0.0/16", "via", "10.1.0.254", "table", "100"]),
            del
        );
        assert_eq!(
            route(&["delete", "10.2.0.0/16", "via", "10.1.0.254", "table", "100"]),
            del
        );
        assert_eq!(
            route(&["d", "table", "100", "10.2.0.0/16", "via", "10.1.0.254"]),
            del
        );
        let RouteCmd::Del { route: bh } = route(&["del", "blackhole", "10.9.0.0/16"]) else {
            panic!()
        };
        assert_eq!(bh.rtype, Some(6));
    }

    #[test]
    fn route_list_and_get() {
        let list = |t| RouteCmd::List { table: t };
        assert_eq!(route(&[]), list(254));
        assert_eq!(route(&["list"]), list(254));
        assert_eq!(route(&["show"]), list(254));
        assert_eq!(route(&["s", "table", "all"]), list(0));
        assert_eq!(route(&["list", "table", "0"]), list(0));
        assert_eq!(route(&["list", "table", "local"]), list(255));
        assert_eq!(route(&["list", "table", "100"]), list(100));
        let flush = |t| RouteCmd::Flush { table: t };
        assert_eq!(route(&["flush", "table", "100"]), flush(100));
        assert_eq!(route(&["f", "table", "all"]), flush(0));
        assert!(err(&["route", "flush"]).contains("requires arguments"));
        assert!(err(&["route", "flush", "10.0.0.0/8"]).contains("unexpected"));

        assert_eq!(
            route(&["get", "10.2.3.4"]),
            RouteCmd::Get {
                dst: a("10.2.3.4"),
                from: None,
                iif: None,
                oif: None,
                mark: None,
                tos: None,
                fib_match: false,
            }
        );
        assert_eq!(
            route(&[
                "get",
                "from",
                "10.1.0.2",
                "to",
                "10.2.3.4/32",
                "iif",
                "veth1",
                "oif",
                "veth2",
                "mark",
                "0x10",
                "tos",
                "0x20",
                "fibmatch"
            ]),
            RouteCmd::Get {
                dst: a("10.2.3.4"),
                from: Some(a("10.1.0.2")),
                iif: Some("veth1".into()),
                oif: Some("veth2".into()),
                mark: Some(16),
                tos: Some(0x20),
                fib_match: true,
            }
        );
        let RouteCmd::Get { oif, .. } = route(&["g", "10.2.3.4", "dev", "fer1"]) else {
            panic!()
        };
        assert_eq!(oif.as_deref(), Some("fer1"));
    }

    #[test]
    fn route_errors() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["route", "add", "10.0.0.0/33"],
                "invalid prefix length \"33\"",
            ),
            (
                &["route", "add", "10.0.0.0/8", "via"],
                "\"via\" needs an argument",
            ),
            (
                &["route", "add", "10.0.0.0/8", "via", "dev"],
                "invalid IPv4 address \"dev\"",
            ),
            (
                &["route", "add", "10.0.0.0/8", "frob", "1"],
                "unknown keyword \"frob\"",
            ),
            (
                &["route", "add", "frob", "10.0.0.0/8"],
                "unknown keyword \"frob\"",
            ),
            (
                &["route", "add", "10.0.0.0/8", "table", "4294967296"],
                "invalid table",
            ),
            (
                &["route", "add", "10.0.0.0/8", "table", "0"],
                "invalid table \"0\"",
            ),
            (
                &["route", "add", "10.0.0.0/8", "table", "all"],
                "invalid table \"all\"",
            ),
            (
                &["route", "add", "10.0.0.0/8", "table", "-1"],
                "invalid table",
            ),
            (
                &["route", "add", "10.0.0.0/8", "metric", "x"],
                "invalid metric",
            ),
            (
                &["route", "add", "10.0.0.0/8", "metric", "4294967296"],
                "invalid metric",
            ),
            (
                &["route", "add", "10.0.0.0/8", "proto", "256"],
                "invalid protocol",
            ),
            (
                &["route", "add", "10.0.0.0/8", "scope", "far"],
                "invalid scope",
            ),
            (&["route", "add", "10.0.0.0/8", "tos", "256"], "invalid tos"),
            (&["route", "add", "10.0.0.0/8", "mtu", ""], "invalid mtu"),
            (
                &["route", "add", "10.0.0.0/8", "dev", "a/b"],
                "invalid device name",
            ),
            (
                &[
                    "route",
                    "add",
                    "10.0.0.0/8",
                    "via",
                    "1.1.1.1",
                    "via",
                    "1.1.1.2",
                ],
                "twice",
            ),
            (&["route", "add", "10.0.0.0/8", "onlink", "onlink"], "twice"),
            (
                &["route", "add", "10.0.0.0/8", "10.1.0.0/16"],
                "destination given twice",
            ),
            (
                &["route", "add", "default", "default"],
                "destination given twice",
            ),
            (
                &["route", "add", "blackhole", "prohibit", "10.0.0.0/8"],
                "route type given twice",
            ),
            (
                &["route", "add", "10.0.0.0/8", "blackhole"],
                "must come before",
            ),
            (
                &["route", "add", "via", "10.1.0.254"],
                "missing destination",
            ),
            (&["route", "add"], "missing destination"),
            (
                &["route", "del", "10.0.0.0/8", "mtu", "1400"],
                "not part of a route's key",
            ),
            (
                &["route", "del", "10.0.0.0/8", "onlink"],
                "not part of a route's key",
            ),
            (&["route", "get"], "missing destination address"),
            (&["route", "get", "10.0.0.0/8"], "not a single address"),
            (
                &["route", "get", "10.0.0.1", "10.0.0.2"],
                "unexpected argument",
            ),
            (&["route", "get", "10.0.0.1", "frob"], "unknown keyword"),
            (&["route", "get", "10.0.0.1", "from"], "needs an argument"),
            (&["route", "get", "10.0.0.1", "mark", "-1"], "invalid mark"),
            (&["route", "get", "10.0.0.1", "tos", "256"], "invalid tos"),
            (&["route", "list", "table", "4294967296"], "invalid table"),
            (&["route", "list", "dev", "x"], "unexpected argument"),
            (&["route", "flush"], "requires arguments"),
            (&["route", "frob"], "command \"frob\" is unknown"),
        ];
        for (args, want) in cases {
            let msg = err(args);
            assert!(msg.contains(want), "{args:?}: {msg}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number::<u32>("10"), Some(10));
        assert_eq!(parse_number::<u32>("0x1f"), Some(31));
        assert_eq!(parse_number::<u32>("4294967295"), Some(u32::MAX));
        for bad in ["", "0x", "+1", "-1", " 1", "1 ", "1e3", "4294967296"] {
            assert_eq!(parse_number::<u32>(bad), None, "{bad:?}");
        }
        assert_eq!(parse_number::<u8>("256"), None);
    }

    #[test]
    fn batch_lines() {
        assert!(batch_words("").is_empty());
        assert!(batch_words("   \t ").is_empty());
        assert!(batch_words("# a comment").is_empty());
        assert!(batch_words("   # indented comment").is_empty());
        assert_eq!(
            batch_words("  route add 10.0.0.0/8\tvia 10.1.0.254 # trailing\r\n"),
            ["route", "add", "10.0.0.0/8", "via", "10.1.0.254"]
        );
        assert_eq!(
            parse_command(batch_words("route add blackhole 10.9.0.0/16")).unwrap(),
            Action::Run(Command::Route(RouteCmd::Add {
                mode: route_mode::ADD,
                route: RouteSpec {
                    rtype: Some(6),
                    ..RouteSpec::new(p("10.9.0.0/16"))
                },
            }))
        );
        assert_eq!(
            parse_command(["route", "help"]).unwrap(),
            Action::Help(Topic::Route)
        );
        // No options inside a batch.
        assert!(parse_command(["-j", "route"]).is_err());
        assert!(parse_command(Vec::<String>::new()).is_err());
    }

    #[test]
    fn batch_option() {
        assert_eq!(
            parse(["-batch", "routes.txt"]).unwrap().action,
            Action::Batch("routes.txt".into())
        );
        let inv = parse(["-j", "-b", "-"]).unwrap();
        assert!(inv.opts.json);
        assert_eq!(inv.action, Action::Batch("-".into()));
        assert!(!inv.opts.force);
        let inv = parse(["-force", "-j", "-batch", "q.txt"]).unwrap();
        assert!(inv.opts.force && inv.opts.json);
        assert!(parse(["--force", "-b", "-"]).unwrap().opts.force);
        // Spelled out: -f is not -force (it is -family in iproute2).
        assert!(err(&["-f", "-b", "-"]).contains("option \"-f\" is unknown"));
        assert!(err(&["-batch"]).contains("needs a file name"));
        assert!(err(&["-batch", "f", "route"]).contains("unexpected argument"));
    }

    #[test]
    fn netns_option() {
        // As ip: -n, -netns, --netns; before the object or -batch.
        let inv = parse(["-n", "ns1", "route", "list"]).unwrap();
        assert_eq!(inv.netns.as_deref(), Some("ns1"));
        assert!(matches!(inv.action, Action::Run(Command::Route(_))));
        let inv = parse(["-netns", "r2", "-force", "-batch", "-"]).unwrap();
        assert_eq!(inv.netns.as_deref(), Some("r2"));
        assert!(inv.opts.force);
        assert_eq!(inv.action, Action::Batch("-".into()));
        assert_eq!(
            parse(["--netns", "x", "stats"]).unwrap().netns.as_deref(),
            Some("x")
        );
        assert_eq!(parse(["stats"]).unwrap().netns, None);
        assert!(err(&["-n"]).contains("needs a namespace name"));
        // A name of /run/netns, not a path out of it.
        for bad in ["", ".", "..", "../x", "/proc/1/ns/net", "a/b"] {
            assert!(err(&["-n", bad, "stats"]).contains("invalid network namespace name"));
        }
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

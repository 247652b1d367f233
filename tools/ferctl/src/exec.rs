// SPDX-License-Identifier: GPL-2.0
//! Running a parsed [`Command`] against a [`Genl`] backend: request
//! building, reply decoding, filtering and formatting, glued together.

use std::io::{BufRead, Write};

use crate::cli::{
    self, Action, AddrCmd, Command, ConfCmd, Options, PortCmd, RouteCmd, RouteSpec, RuleCmd,
};
use crate::error::{Error, NlError};
use crate::mroute::{self, MrouteCmd, MvifCmd};
use crate::msg::{self, RawAttr, Request};
use crate::netlink::Genl;
use crate::output;
use crate::progress::{Outcome, Progress};
use crate::proto::{cmd, route_mode, table};

const ENODEV: i32 = 19;
const ESRCH: i32 = 3;
const EINVAL: i32 = 22;
/// What genetlink answers a command the family lacks.
const EOPNOTSUPP: i32 = 95;

/// How the user would name the operation, for error messages
/// ("addr add 10.1.0.1/24 dev fer1").
pub fn describe(command: &Command) -> String {
    match command {
        Command::Port(PortCmd::Add { ifname }) => format!("port add {ifname}"),
        Command::Port(PortCmd::Del { ifname }) => format!("port del {ifname}"),
        Command::Port(PortCmd::List { .. }) => "port list".to_string(),
        Command::Port(PortCmd::Set { ifname, .. }) => format!("port set {ifname}"),
        Command::Conf(ConfCmd::Show) => "conf show".to_string(),
        Command::Conf(ConfCmd::Set(_)) => "conf set".to_string(),
        Command::Addr(AddrCmd::Add { prefix, dev }) => format!("addr add {prefix} dev {dev}"),
        Command::Addr(AddrCmd::Del { prefix, dev }) => format!("addr del {prefix} dev {dev}"),
        Command::Addr(AddrCmd::List { .. }) => "addr list".to_string(),
        Command::Route(RouteCmd::Add { mode, route }) => {
            let verb = route_mode::ALL
                .iter()
                .find(|(_, m)| m == mode)
                .map_or("add", |(name, _)| name);
            format!("route {verb} {route}")
        }
        Command::Route(RouteCmd::Del { route }) => format!("route del {route}"),
        Command::Route(RouteCmd::Get { dst, .. }) => format!("route get {dst}"),
        Command::Route(RouteCmd::List { .. }) => "route list".to_string(),
        Command::Route(RouteCmd::Flush { .. }) => "route flush".to_string(),
        Command::Rule(RuleCmd::Add(rule)) => format!("rule add {rule}"),
        Command::Rule(RuleCmd::Del(rule)) => format!("rule del {rule}"),
        Command::Rule(RuleCmd::List) => "rule list".to_string(),
        Command::Tables => "table list".to_string(),
        Command::TableDel(id) => format!("table del {}", crate::model::TableId(*id)),
        Command::Stats { .. } => "stats".to_string(),
        Command::Neigh { .. } => "neigh list".to_string(),
        Command::Monitor { .. } => "monitor".to_string(),
        Command::Mgroups => "mgroup list".to_string(),
        Command::BenchFib { .. } => "bench fib".to_string(),
        Command::Mvif(MvifCmd::Add { dev, .. }) => format!("mvif add {dev}"),
        Command::Mvif(MvifCmd::Del { dev }) => format!("mvif del {dev}"),
        Command::Mvif(MvifCmd::List) => "mvif list".to_string(),
        Command::Mroute(MrouteCmd::Add { group, .. }) => format!("mroute add group {group}"),
        Command::Mroute(MrouteCmd::Del { group, .. }) => format!("mroute del group {group}"),
        Command::Mroute(MrouteCmd::List) => "mroute list".to_string(),
    }
}

fn dump<T>(
    genl: &mut dyn Genl,
    command: u8,
    decode: fn(&[RawAttr]) -> Result<T, NlError>,
) -> Result<Vec<T>, NlError> {
    dump_req(genl, &Request::dump(command), decode)
}

fn dump_req<T>(
    genl: &mut dyn Genl,
    req: &Request,
    decode: fn(&[RawAttr]) -> Result<T, NlError>,
) -> Result<Vec<T>, NlError> {
    genl.execute(req)?
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
            if !opts.stats {
                for p in &mut ports {
                    p.stats = None;
                }
            }
            if dev.is_some() && ports.is_empty() {
                return Err(fail(NlError::Errno {
                    errno: ENODEV,
                    extack: Some("no such router port".to_string()),
                }));
            }
            output::ports(&ports, opts)
        }
        Command::Port(PortCmd::Set { ifname, values }) => {
            done(genl.execute(&Request::settings(Some(ifname), values)))
        }
        Command::Conf(ConfCmd::Set(values)) => done(genl.execute(&Request::settings(None, values))),
        Command::Conf(ConfCmd::Show) => {
            let replies = genl.execute(&Request::conf_get()).map_err(fail)?;
            let [reply] = replies.as_slice() else {
                return Err(fail(NlError::Malformed(format!(
                    "{} replies to conf-get, expected 1",
                    replies.len()
                ))));
            };
            let conf = crate::settings::Conf::decode(reply).map_err(fail)?;
            output::conf(&conf, opts)
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
        Command::Route(RouteCmd::Add { mode, route }) => {
            done(genl.execute(&Request::route_add(*mode, route)))
        }
        Command::Route(RouteCmd::Del { route }) => done(genl.execute(&Request::route_del(route))),
        Command::Route(RouteCmd::Get {
            dst,
            from,
            iif,
            oif,
            mark,
            tos,
            fib_match,
        }) => {
            let req = Request::route_get(&msg::RouteGet {
                dst: *dst,
                from: *from,
                iif: iif.as_deref(),
                oif: oif.as_deref(),
                mark: *mark,
                tos: *tos,
                fib_match: *fib_match,
            });
            let replies = genl.execute(&req).map_err(fail)?;
            let [reply] = replies.as_slice() else {
                return Err(fail(NlError::Malformed(format!(
                    "{} replies to route-get, expected 1",
                    replies.len()
                ))));
            };
            if *fib_match {
                // As `ip route get fibmatch`: the route in `route list`'s
                // form, its table named unless main.
                let route = msg::decode_route(reply).map_err(fail)?;
                return output::routes(&[route], true, opts);
            }
            let lookup = msg::decode_route_lookup(*dst, reply).map_err(fail)?;
            output::route_lookup(&lookup, opts)
        }
        Command::Route(RouteCmd::List { table: id }) => {
            let mut routes =
                dump_req(genl, &Request::route_list(*id), msg::decode_route).map_err(fail)?;
            // The kernel filters already; this only guards the output.
            routes.retain(|r| *id == table::ALL || r.table.0 == *id);
            output::routes(&routes, *id == table::ALL, opts)
        }
        Command::Route(RouteCmd::Flush { table: id }) => {
            // As iproute2's flush: dump, then delete each route by its key
            // (a delete removes the first route of the key, so one delete
            // per dumped route removes them all).
            let routes =
                dump_req(genl, &Request::route_list(*id), msg::decode_route).map_err(fail)?;
            for r in routes
                .iter()
                .filter(|r| *id == table::ALL || r.table.0 == *id)
            {
                match genl.execute(&Request::route_del_exact(r)) {
                    Ok(_) => {}
                    // Gone meanwhile (an address's routes went with it).
                    Err(NlError::Errno { errno: ESRCH, .. }) => {}
                    Err(e) => return Err(fail(e)),
                }
            }
            Ok(String::new())
        }
        Command::Rule(RuleCmd::Add(rule)) => done(genl.execute(&Request::rule_change(true, rule))),
        Command::Rule(RuleCmd::Del(rule)) => done(genl.execute(&Request::rule_change(false, rule))),
        Command::Rule(RuleCmd::List) => {
            let rules = dump(genl, cmd::RULE_LIST, msg::decode_rule).map_err(fail)?;
            output::rules(&rules, opts)
        }
        Command::TableDel(id) => done(genl.execute(&Request::table_del(*id))),
        Command::Tables => {
            let tables = dump(genl, cmd::TABLE_LIST, msg::decode_table).map_err(fail)?;
            output::tables(&tables, opts)
        }
        Command::Stats { delta, zeros } => {
            let stats = dump(genl, cmd::STATS_GET, msg::decode_stat).map_err(fail)?;
            if !delta {
                return output::stats(&stats, opts);
            }
            let path = crate::history::path();
            let before = crate::history::load(&path);
            let moved = crate::history::deltas(&stats, &before, *zeros);
            crate::history::save(&path, &stats)
                .map_err(|e| Error::Output(format!("stats -d: {}: {e}", path.display())))?;
            output::stats(&moved, opts)
        }
        // It runs until interrupted: main runs it, never a batch line.
        Command::Monitor { .. } => Err(Error::Usage(
            "monitor cannot run from a batch; run ferctl monitor".to_string(),
        )),
        Command::Neigh { dev } => {
            let mut neighs = dump(genl, cmd::NEIGH_GET, msg::decode_neigh).map_err(fail)?;
            neighs.retain(|n| keep(dev, &n.dev));
            output::neighs(&neighs, opts)
        }
        Command::Mvif(MvifCmd::Add {
            dev,
            threshold,
            prune,
        }) => done(genl.execute(&mroute::vif_request(true, dev, *threshold, *prune))),
        Command::Mvif(MvifCmd::Del { dev }) => {
            done(genl.execute(&mroute::vif_request(false, dev, None, false)))
        }
        Command::Mvif(MvifCmd::List) => {
            let vifs = dump(genl, cmd::MVIF_LIST, mroute::decode_vif).map_err(fail)?;
            mroute::show_vifs(&vifs, opts)
        }
        Command::Mroute(MrouteCmd::Add {
            source,
            group,
            iif,
            oifs,
        }) => {
            let vifs = dump(genl, cmd::MVIF_LIST, mroute::decode_vif).map_err(fail)?;
            let ttls = mroute::ttls_of(oifs, &vifs).map_err(|dev| {
                fail(NlError::Errno {
                    errno: EINVAL,
                    extack: Some(format!("{dev} is not a multicast VIF")),
                })
            })?;
            done(genl.execute(&mroute::add_request(*source, *group, iif, &ttls)))
        }
        Command::Mroute(MrouteCmd::Del { source, group }) => {
            done(genl.execute(&mroute::del_request(*source, *group)))
        }
        Command::Mgroups => {
            let groups = dump(genl, cmd::MGROUP_LIST, mroute::decode_mgroup).map_err(fail)?;
            mroute::show_mgroups(&groups, opts)
        }
        Command::Mroute(MrouteCmd::List) => {
            let vifs = dump(genl, cmd::MVIF_LIST, mroute::decode_vif).map_err(fail)?;
            let raw = dump(genl, cmd::MROUTE_LIST, mroute::decode_mroute).map_err(fail)?;
            let routes: Vec<_> = raw.into_iter().map(|r| mroute::resolve(r, &vifs)).collect();
            mroute::show_mroutes(&routes, opts)
        }
        Command::BenchFib { keys, seed } => {
            let replies = genl
                .execute(&Request::fib_bench(*keys, *seed))
                .map_err(fail)?;
            let [reply] = replies.as_slice() else {
                return Err(fail(NlError::Malformed(format!(
                    "{} replies to fib-bench, expected 1",
                    replies.len()
                ))));
            };
            output::fib_bench(&msg::decode_fib_bench(reply).map_err(fail)?, opts)
        }
    }
}

/// `ferctl -batch`: run the commands of `input`, one a line, over `genl`
/// (one socket for all lines), writing their output to `out` as they go.
/// Blank lines and `#` comments are skipped; the first line that does not
/// parse or fails stops the batch with an [`Error::Line`] — unless
/// `opts.force`, which writes each such error to `errors` (`ferctl: line N:
/// ...`, as it would end the batch) and goes on. Returns the number of
/// lines that failed (0 without `force`). A closed output stops the batch
/// either way.
///
/// `progress` counts each line (and shows the count, on a terminal); the
/// caller finishes it. Each line's output is written whole; when it
/// reaches a reader is `out`'s to decide (the caller flushes it at the
/// end).
pub fn run_batch(
    input: &mut dyn BufRead,
    opts: Options,
    genl: &mut dyn Genl,
    out: &mut dyn Write,
    errors: &mut dyn Write,
    progress: &mut Progress,
) -> Result<usize, Error> {
    let mut run = BatchRun {
        opts,
        out,
        errors,
        progress,
        failed: 0,
        routes: Vec::new(),
        routes_bytes: 0,
        batching: true,
        max_routes: batch_routes(std::env::var("FERCTL_BATCH_ROUTES").ok().as_deref()),
    };
    let mut buf = Vec::new();
    let mut nr = 0;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::Input(format!("reading batch input: {e}")))?;
        if n == 0 {
            run.flush_routes(genl)?;
            return Ok(run.failed);
        }
        nr += 1;
        let bytes = n as u64;
        // Consecutive route adds and deletes go to the kernel together;
        // anything else runs after them, in line order.
        let done = match parse_line(&buf, nr) {
            Ok(Some(Action::Run(Command::Route(RouteCmd::Add { mode, route })))) => {
                run.queue_route(genl, nr, bytes, BatchedUpdate::Add { mode, route })?;
                continue;
            }
            Ok(Some(Action::Run(Command::Route(RouteCmd::Del { route })))) => {
                run.queue_route(genl, nr, bytes, BatchedUpdate::Del { route })?;
                continue;
            }
            // Blank or a comment: nothing to run, nothing to wait for.
            Ok(None) => Ok((String::new(), Outcome::Empty)),
            parsed => {
                run.flush_routes(genl)?;
                parsed.and_then(|action| match action {
                    Some(Action::Run(command)) => {
                        run_line(&command, nr, opts, genl).map(|t| (t, Outcome::Done))
                    }
                    Some(Action::Help(topic)) => Ok((cli::help(topic).to_string(), Outcome::Done)),
                    Some(other) => {
                        Err(Error::Input(format!("{other:?} is not a command")).at_line(nr))
                    }
                    None => Ok((String::new(), Outcome::Empty)),
                })
            }
        };
        run.finish_line(bytes, done)?;
    }
}

/// Route updates sent as one `route-add-batch` at most. The module
/// publishes a batch's configuration once, and within a batch copies each
/// trie node on its routes' paths once: the larger the batch, the fewer
/// copies a route costs (Documentation/performance.rst, "Loading a
/// table": 58.8 s at 256, 41.1 s at 1,024 for the 920,000-prefix table).
const BATCH_ROUTES: usize = 1024;
/// The most bytes of entries a batch carries: they go in one `route-batch`
/// nest, and an attribute's length, its 4-byte header included, is 16
/// bits. A plain route add is about 60 bytes, so this limit is reached
/// first only by routes with many next hops.
const BATCH_BYTES: usize = u16::MAX as usize - 4;

/// The bytes `entry` takes in a `route-batch` nest: its own header, the
/// entry, padding to 4 bytes.
fn batch_entry_bytes(entry: &[u8]) -> usize {
    (4 + entry.len()).next_multiple_of(4)
}

/// The most route updates a request carries: `$FERCTL_BATCH_ROUTES` if it
/// is a number from 1 (each line alone, one publication a route, as the
/// route churn test needs to time each update) up to [`BATCH_ROUTES`].
fn batch_routes(var: Option<&str>) -> usize {
    var.and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .map_or(BATCH_ROUTES, |n| n.min(BATCH_ROUTES))
}

/// What a `route-add-batch` carries: the `route add` (`replace`,
/// `append`, `prepend`) and `route del` lines.
enum BatchedUpdate {
    /// A `route add` line ([`RouteCmd::Add`]).
    Add { mode: u8, route: RouteSpec },
    /// A `route del` line ([`RouteCmd::Del`]).
    Del { route: RouteSpec },
}

impl BatchedUpdate {
    /// The request the line would send alone.
    fn request(&self) -> Request {
        match self {
            Self::Add { mode, route } => Request::route_add(*mode, route),
            Self::Del { route } => Request::route_del(route),
        }
    }

    /// The nest its entry goes in, in a `route-batch`.
    fn nest(&self) -> u16 {
        match self {
            Self::Add { .. } => crate::proto::route_batch::ROUTE,
            Self::Del { .. } => crate::proto::route_batch::ROUTE_DEL,
        }
    }

    /// How the line counts, once it succeeded.
    fn outcome(&self) -> Outcome {
        match self {
            Self::Add { .. } => Outcome::RouteAdded,
            Self::Del { .. } => Outcome::Done,
        }
    }

    /// The line's command, to run it alone.
    fn into_command(self) -> Command {
        Command::Route(match self {
            Self::Add { mode, route } => RouteCmd::Add { mode, route },
            Self::Del { route } => RouteCmd::Del { route },
        })
    }
}

/// One `route add` or `route del` line waiting in a batch.
struct PendingRoute {
    nr: usize,
    bytes: u64,
    update: BatchedUpdate,
    /// Its `route-add` or `route-del` attributes, encoded.
    entry: Vec<u8>,
}

/// The state of a `-batch` run.
struct BatchRun<'w> {
    opts: Options,
    out: &'w mut dyn Write,
    errors: &'w mut dyn Write,
    progress: &'w mut Progress,
    failed: usize,
    /// Consecutive route adds and deletes not sent yet.
    routes: Vec<PendingRoute>,
    routes_bytes: usize,
    /// False once the module refused `route-add-batch` (an older one):
    /// routes then go one a request.
    batching: bool,
    /// The most routes in one request ([`batch_routes`]).
    max_routes: usize,
}

impl BatchRun<'_> {
    /// Queues a route add or delete, sending the batch when it is full (at
    /// once, alone, when the module does not batch).
    fn queue_route(
        &mut self,
        genl: &mut dyn Genl,
        nr: usize,
        bytes: u64,
        update: BatchedUpdate,
    ) -> Result<(), Error> {
        let entry = msg::nest_payload(&update.request().attrs);
        let entry_bytes = batch_entry_bytes(&entry);
        // A batch that would outgrow its nest goes first.
        if self.routes_bytes + entry_bytes > BATCH_BYTES {
            self.flush_routes(genl)?;
        }
        self.routes_bytes += entry_bytes;
        self.routes.push(PendingRoute {
            nr,
            bytes,
            update,
            entry,
        });
        if !self.batching || self.routes.len() >= self.max_routes {
            self.flush_routes(genl)?;
        }
        Ok(())
    }

    /// Sends the queued route updates: all in one request when there are
    /// several. The kernel applies all or none, so when the batch fails the
    /// lines are sent again one by one, each failing or not as it would
    /// alone, and the error names its line.
    fn flush_routes(&mut self, genl: &mut dyn Genl) -> Result<(), Error> {
        let routes = std::mem::take(&mut self.routes);
        self.routes_bytes = 0;
        if routes.len() > 1 {
            let batch =
                Request::route_batch(routes.iter().map(|p| (p.update.nest(), p.entry.as_slice())));
            match genl.execute(&batch) {
                Ok(_) => {
                    for p in &routes {
                        self.finish_line(p.bytes, Ok((String::new(), p.update.outcome())))?;
                    }
                    return Ok(());
                }
                Err(NlError::Errno { errno, .. }) if errno == EOPNOTSUPP => self.batching = false,
                Err(_) => {}
            }
        }
        for p in routes {
            let outcome = p.update.outcome();
            let command = p.update.into_command();
            let done = run_line(&command, p.nr, self.opts, genl).map(|t| (t, outcome));
            self.finish_line(p.bytes, done)?;
        }
        Ok(())
    }

    /// Writes what a line printed, or its error (with -force; otherwise
    /// the error ends the batch), and counts it.
    fn finish_line(
        &mut self,
        bytes: u64,
        done: Result<(String, Outcome), Error>,
    ) -> Result<(), Error> {
        let (text, outcome) = match done {
            Ok(done) => done,
            Err(Error::OutputClosed) => return Err(Error::OutputClosed),
            Err(e) if self.opts.force => {
                self.failed += 1;
                self.progress.clear();
                // One write: standard error is unbuffered, and writeln!
                // would write each piece of the message on its own.
                self.errors
                    .write_all(format!("ferctl: {e}\n").as_bytes())
                    .map_err(|e| Error::Output(e.to_string()))?;
                self.progress
                    .line(bytes, Outcome::Failed, std::time::Instant::now());
                return Ok(());
            }
            Err(e) => {
                self.progress.clear();
                return Err(e);
            }
        };
        if !text.is_empty() {
            self.progress.clear();
            self.out
                .write_all(text.as_bytes())
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::BrokenPipe => Error::OutputClosed,
                    _ => Error::Output(e.to_string()),
                })?;
        }
        self.progress
            .line(bytes, outcome, std::time::Instant::now());
        Ok(())
    }
}

/// One line of a batch (line number `nr`), parsed: `None` if it is blank
/// or a comment.
fn parse_line(buf: &[u8], nr: usize) -> Result<Option<Action>, Error> {
    let line = std::str::from_utf8(buf)
        .map_err(|_| Error::Input("not valid UTF-8".to_string()).at_line(nr))?;
    let words = cli::batch_words(line);
    if words.is_empty() {
        return Ok(None);
    }
    cli::parse_command(words)
        .map(Some)
        .map_err(|e| e.at_line(nr))
}

/// Runs one command of line `nr`: what it prints.
fn run_line(
    command: &Command,
    nr: usize,
    opts: Options,
    genl: &mut dyn Genl,
) -> Result<String, Error> {
    execute(command, opts, genl).map_err(|e| e.at_line(nr))
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

    /// A route-list reply of a unicast route (msg.rs's test helper).
    fn route_reply(table: u32, dst: [u8; 4], len: u8, extra: Vec<RawAttr>) -> Vec<RawAttr> {
        crate::msg::tests::route_reply(table, dst, len, 1, extra)
    }

    #[test]
    fn route_add_and_del_send_one_do() {
        let (sent, out) = run(
            &["route", "add", "10.2.0.0/16", "via", "10.1.0.254"],
            Ok(vec![]),
        );
        assert_eq!(out.unwrap(), "");
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].cmd, sent[0].dump), (cmd::ROUTE_ADD, false));
        let (sent, _) = run(&["route", "append", "10.2.0.0/16"], Ok(vec![]));
        assert!(sent[0]
            .attrs
            .contains(&(attr::ROUTE_MODE, vec![route_mode::APPEND])));
        let (sent, out) = run(
            &["route", "del", "10.2.0.0/16"],
            Err(NlError::Errno {
                errno: 3,
                extack: Some("route not found".into()),
            }),
        );
        assert_eq!(sent[0].cmd, cmd::ROUTE_DEL);
        let e = out.unwrap_err();
        assert_eq!(
            e.to_string(),
            "route del 10.2.0.0/16: No such process: route not found"
        );
        assert_eq!(e.exit_code(), 1);
        let (_, out) = run(
            &[
                "route",
                "replace",
                "blackhole",
                "10.9.0.0/16",
                "table",
                "100",
            ],
            Err(NlError::Errno {
                errno: 1,
                extack: None,
            }),
        );
        assert_eq!(
            out.unwrap_err().to_string(),
            "route replace blackhole 10.9.0.0/16 table 100: Operation not permitted"
        );
    }

    #[test]
    fn route_list_text_and_json() {
        let replies = vec![
            route_reply(
                254,
                [10, 2, 0, 0],
                16,
                vec![
                    (attr::GATEWAY, vec![10, 1, 0, 254]),
                    (attr::IFNAME, b"veth1\0".to_vec()),
                    (attr::METRIC, 10u32.to_ne_bytes().to_vec()),
                ],
            ),
            route_reply(100, [10, 3, 0, 0], 16, vec![(attr::ROUTE_TYPE, vec![6])]),
        ];

        let (sent, out) = run(&["route", "show", "table", "all"], Ok(replies.clone()));
        assert_eq!(sent[0], Request::route_list(0));
        assert_eq!(
            out.unwrap(),
            "10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10\n\
             blackhole 10.3.0.0/16 table 100\n"
        );
        // One table: the request filters, and so does ferctl.
        let (sent, out) = run(&["route"], Ok(replies.clone()));
        assert_eq!(
            sent[0].attrs,
            vec![(attr::TABLE, 254u32.to_ne_bytes().to_vec())]
        );
        assert_eq!(
            out.unwrap(),
            "10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10\n"
        );
        let (_, out) = run(&["-j", "route", "list", "table", "100"], Ok(replies));
        let v: serde_json::Value = serde_json::from_str(&out.unwrap()).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(1));
        assert_eq!(v[0]["type"], "blackhole");
        assert_eq!(v[0]["table"], "100");
    }

    #[test]
    fn route_get_text_json_and_errors() {
        let reply = route_reply(
            254,
            [10, 2, 0, 0],
            16,
            vec![
                (attr::GATEWAY, vec![10, 1, 0, 254]),
                (attr::IFNAME, b"veth1\0".to_vec()),
                (attr::PREFSRC, vec![10, 1, 0, 1]),
            ],
        );
        let (sent, out) = run(&["route", "get", "10.2.3.4"], Ok(vec![reply.clone()]));
        assert_eq!((sent[0].cmd, sent[0].dump), (cmd::ROUTE_GET, false));
        assert_eq!(sent[0].attrs, vec![(attr::ADDRESS, vec![10, 2, 3, 4])]);
        assert_eq!(
            out.unwrap(),
            "10.2.3.4 via 10.1.0.254 dev veth1 table main src 10.1.0.1\n"
        );
        let (_, out) = run(&["-j", "route", "get", "10.2.3.4"], Ok(vec![reply.clone()]));
        assert_eq!(
            out.unwrap(),
            "{\"dst\":\"10.2.3.4\",\"type\":\"unicast\",\"table\":\"main\",\
             \"prefix\":\"10.2.0.0/16\",\"gateway\":\"10.1.0.254\",\"dev\":\"veth1\",\
             \"prefsrc\":\"10.1.0.1\",\"metric\":0,\"scope\":\"global\"}\n"
        );
        let (_, out) = run(&["route", "get", "10.2.3.4"], Ok(vec![]));
        assert_eq!(
            out.unwrap_err().to_string(),
            "route get 10.2.3.4: malformed reply from kernel: 0 replies to route-get, expected 1"
        );
        let (_, out) = run(
            &["route", "get", "10.2.3.4"],
            Ok(vec![reply.clone(), reply]),
        );
        assert!(out.unwrap_err().to_string().contains("2 replies"));
        let (_, out) = run(
            &["route", "get", "10.99.0.1"],
            Err(NlError::Errno {
                errno: 101,
                extack: None,
            }),
        );
        assert_eq!(
            out.unwrap_err().to_string(),
            "route get 10.99.0.1: Network is unreachable"
        );
    }

    /// A fake kernel for batches: fails the `fail_at`th request (1-based).
    /// A fake kernel in which the `fail_at`-th operation fails: requests
    /// count one operation each, a `route-add-batch` one a route, and a
    /// batch that holds the failing one fails whole and applies nothing
    /// (as the module's does).
    struct Scripted {
        sent: Vec<Request>,
        fail_at: Option<usize>,
        applied: usize,
    }

    impl Genl for Scripted {
        fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
            self.sent.push(req.clone());
            let ops = if req.cmd == cmd::ROUTE_ADD_BATCH {
                msg::parse_nest(&req.attrs[0].1).unwrap().len()
            } else {
                1
            };
            let fails = self
                .fail_at
                .is_some_and(|f| f > self.applied && f <= self.applied + ops);
            if !fails || ops == 1 {
                self.applied += ops;
            }
            if fails {
                return Err(NlError::Errno {
                    errno: 17,
                    extack: Some("route exists".into()),
                });
            }
            Ok(if req.cmd == cmd::ROUTE_LIST {
                vec![route_reply(254, [10, 2, 0, 0], 16, vec![])]
            } else {
                vec![]
            })
        }
    }

    fn batch(text: &str, fail_at: Option<usize>) -> (Vec<Request>, String, Result<usize, Error>) {
        let (sent, out, errors, res) = batch_opts(text, fail_at, Options::default());
        assert_eq!(errors, "");
        (sent, out, res)
    }

    fn batch_opts(
        text: &str,
        fail_at: Option<usize>,
        opts: Options,
    ) -> (Vec<Request>, String, String, Result<usize, Error>) {
        let mut genl = Scripted {
            sent: Vec::new(),
            fail_at,
            applied: 0,
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let res = run_batch(
            &mut text.as_bytes(),
            opts,
            &mut genl,
            &mut out,
            &mut errors,
            &mut Progress::silent(),
        );
        (
            genl.sent,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&errors).into_owned(),
            res,
        )
    }

    const BATCH: &str = "\
# routes for the lab
route add 10.2.0.0/16 via 10.1.0.254

   route add blackhole 10.9.0.0/16   # a comment
\t# indented comment
route list
route add 10.3.0.0/16 dev fer1
";

    #[test]
    fn batch_runs_every_line_in_order() {
        let (sent, out, res) = batch(BATCH, None);
        res.unwrap();
        // The route adds of lines 2 and 4 go together; line 7's alone.
        let cmds: Vec<u8> = sent.iter().map(|r| r.cmd).collect();
        assert_eq!(
            cmds,
            [cmd::ROUTE_ADD_BATCH, cmd::ROUTE_LIST, cmd::ROUTE_ADD]
        );
        assert_eq!(out, "10.2.0.0/16\n");
        // No trailing newline, CRLF line ends.
        let (sent, _, res) = batch("route add 10.2.0.0/16\r\nroute add 10.3.0.0/16", None);
        res.unwrap();
        assert_eq!(sent.len(), 1);
        let (sent, out, res) = batch("", None);
        assert!(res.is_ok() && sent.is_empty() && out.is_empty());
    }

    #[test]
    fn batch_sends_consecutive_route_updates_in_one_request() {
        let text = "route add 10.1.0.0/16 dev x\nroute append 10.1.0.0/16 via 10.9.0.1\n\
                    route del 10.7.0.0/16 table 7 metric 3\n\
                    route add 10.3.0.0/24 nexthop via 10.9.0.1 nexthop via 10.9.0.2\n";
        let (sent, _, res) = batch(text, None);
        res.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].cmd, cmd::ROUTE_ADD_BATCH);
        assert_eq!(sent[0].attrs.len(), 1);
        let (nr, payload) = &sent[0].attrs[0];
        assert_eq!(*nr, attr::ROUTE_BATCH | crate::proto::NLA_F_NESTED);
        // Each entry holds exactly what that line alone would send.
        let entries = msg::parse_nest(payload).unwrap();
        let singles: Vec<Request> = text
            .lines()
            .map(|l| match cli::parse_command(cli::batch_words(l)).unwrap() {
                Action::Run(Command::Route(RouteCmd::Add { mode, route })) => {
                    Request::route_add(mode, &route)
                }
                Action::Run(Command::Route(RouteCmd::Del { route })) => Request::route_del(&route),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(entries.len(), 4);
        for ((ty, entry), single) in entries.iter().zip(&singles) {
            let nest = match single.cmd {
                cmd::ROUTE_DEL => crate::proto::route_batch::ROUTE_DEL,
                _ => crate::proto::route_batch::ROUTE,
            };
            assert_eq!(*ty, nest);
            assert_eq!(*entry, msg::nest_payload(&single.attrs));
        }
        // Many routes: one request per BATCH_ROUTES.
        let many: String = (0..BATCH_ROUTES + 1)
            .map(|i| format!("route add 10.{}.{}.0/24 dev x\n", i / 256, i % 256))
            .collect();
        let (sent, _, res) = batch(&many, None);
        res.unwrap();
        let cmds: Vec<u8> = sent.iter().map(|r| r.cmd).collect();
        assert_eq!(cmds, [cmd::ROUTE_ADD_BATCH, cmd::ROUTE_ADD]);
    }

    #[test]
    fn a_batch_fits_its_nest() {
        // Routes of 16 next hops (about 300 bytes each): the bytes limit,
        // not the count, closes each batch, and no nest outgrows the
        // 16-bit attribute length.
        let hops: String = (1..=16)
            .map(|h| format!(" nexthop via 10.9.0.{h}"))
            .collect();
        let n = 600;
        let text: String = (0..n)
            .map(|i| format!("route add 10.{}.{}.0/24{hops}\n", i / 256, i % 256))
            .collect();
        let (sent, _, res) = batch(&text, None);
        assert_eq!(res.unwrap(), 0, "no line failed");
        assert!(sent.len() > 1);
        let mut entries = 0;
        for req in &sent {
            assert_eq!(req.cmd, cmd::ROUTE_ADD_BATCH);
            let (_, payload) = &req.attrs[0];
            assert!(
                4 + payload.len() <= usize::from(u16::MAX),
                "{}",
                payload.len()
            );
            entries += msg::parse_nest(payload).unwrap().len();
        }
        assert_eq!(entries, n);
    }

    #[test]
    fn batch_size_from_the_environment() {
        assert_eq!(batch_routes(None), BATCH_ROUTES);
        assert_eq!(batch_routes(Some("1")), 1);
        assert_eq!(batch_routes(Some(" 16 ")), 16);
        assert_eq!(batch_routes(Some("100000")), BATCH_ROUTES);
        assert_eq!(batch_routes(Some("0")), BATCH_ROUTES);
        assert_eq!(batch_routes(Some("many")), BATCH_ROUTES);
    }

    #[test]
    fn a_failed_batch_is_sent_again_line_by_line() {
        // The 3rd of five routes fails: the batch fails whole, then lines
        // 1 and 2 are added one by one and line 3 is the error.
        let text: String = (1..=5)
            .map(|i| format!("route add 10.{i}.0.0/16 dev x\n"))
            .collect();
        let (sent, _, res) = batch(&text, Some(3));
        let cmds: Vec<u8> = sent.iter().map(|r| r.cmd).collect();
        assert_eq!(
            cmds,
            [
                cmd::ROUTE_ADD_BATCH,
                cmd::ROUTE_ADD,
                cmd::ROUTE_ADD,
                cmd::ROUTE_ADD
            ]
        );
        assert_eq!(
            res.unwrap_err().to_string(),
            "line 3: route add 10.3.0.0/16 dev x: File exists: route exists"
        );
        // With -force the others go on.
        let force = Options {
            force: true,
            ..Options::default()
        };
        let (sent, _, errors, res) = batch_opts(&text, Some(3), force);
        assert_eq!(res.unwrap(), 1);
        assert_eq!(sent.len(), 6);
        assert!(errors.starts_with("ferctl: line 3: "), "{errors}");
    }

    #[test]
    fn an_old_module_gets_one_route_a_request() {
        /// Refuses route-add-batch as a module without it does.
        struct Old(Vec<u8>);
        impl Genl for Old {
            fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
                self.0.push(req.cmd);
                if req.cmd == cmd::ROUTE_ADD_BATCH {
                    return Err(NlError::Errno {
                        errno: EOPNOTSUPP,
                        extack: None,
                    });
                }
                Ok(vec![])
            }
        }
        let text = "route add 10.1.0.0/16 dev x\nroute add 10.2.0.0/16 dev x\n\
                    route add 10.3.0.0/16 dev x\nroute add 10.4.0.0/16 dev x\n\
                    route list table 7\n\
                    route add 10.8.0.0/16 dev x\nroute add 10.9.0.0/16 dev x\n";
        let mut old = Old(Vec::new());
        run_batch(
            &mut text.as_bytes(),
            Options::default(),
            &mut old,
            &mut Vec::new(),
            &mut Vec::new(),
            &mut Progress::silent(),
        )
        .unwrap();
        // One refused batch, then never again.
        let mut want = vec![cmd::ROUTE_ADD_BATCH];
        want.extend([cmd::ROUTE_ADD; 4]);
        want.extend([cmd::ROUTE_LIST, cmd::ROUTE_ADD, cmd::ROUTE_ADD]);
        assert_eq!(old.0, want);
    }

    #[test]
    fn batch_stops_at_a_failing_line() {
        // The 3rd operation is on line 6 (after a batch of two routes).
        let (sent, out, res) = batch(BATCH, Some(3));
        assert_eq!(sent.len(), 2);
        assert_eq!(out, "");
        let e = res.unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 6: route list: File exists: route exists"
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn batch_stops_at_a_bad_line() {
        let text = "route add 10.2.0.0/16\n\n# x\nroute add 10.3.0.0/33\nroute add 10.4.0.0/16\n";
        let (sent, _, res) = batch(text, None);
        assert_eq!(sent.len(), 1);
        let e = res.unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 4: invalid prefix length \"33\" in \"10.3.0.0/33\"; try \"ferctl help\""
        );
        assert_eq!(e.exit_code(), 1);
        let (_, _, res) = batch("\n\nroute add 10.2.0.0/16 frob\n", None);
        assert!(res
            .unwrap_err()
            .to_string()
            .starts_with("line 3: route add: unknown keyword \"frob\""));
        let (_, _, res) = batch("-j route list\n", None);
        assert!(res
            .unwrap_err()
            .to_string()
            .starts_with("line 1: object \"-j\""));
        let bad_utf8 = [b'#', b'\n', 0xff, b'\n'];
        let mut genl = Scripted {
            sent: Vec::new(),
            fail_at: None,
            applied: 0,
        };
        let e = run_batch(
            &mut &bad_utf8[..],
            Options::default(),
            &mut genl,
            &mut Vec::new(),
            &mut Vec::new(),
            &mut Progress::silent(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "line 2: not valid UTF-8");
    }

    #[test]
    fn batch_force_goes_on_after_failures() {
        let force = Options {
            force: true,
            ..Options::default()
        };
        // The 3rd request (line 6, route list) fails, and so does line 8;
        // every other line still runs, in order.
        let text = format!("{BATCH}route add 10.4.0.0/33\nroute list\n");
        let (sent, out, errors, res) = batch_opts(&text, Some(3), force);
        assert_eq!(res.unwrap(), 2);
        let cmds: Vec<u8> = sent.iter().map(|r| r.cmd).collect();
        assert_eq!(
            cmds,
            [
                cmd::ROUTE_ADD_BATCH,
                cmd::ROUTE_LIST,
                cmd::ROUTE_ADD,
                cmd::ROUTE_LIST
            ]
        );
        assert_eq!(out, "10.2.0.0/16\n");
        assert_eq!(
            errors,
            "ferctl: line 6: route list: File exists: route exists\n\
             ferctl: line 8: invalid prefix length \"33\" in \"10.4.0.0/33\"; \
             try \"ferctl help\"\n"
        );
        // Nothing failed: 0, nothing on the error output.
        let (sent, _, errors, res) = batch_opts(BATCH, None, force);
        assert_eq!((res.unwrap(), sent.len(), errors.as_str()), (0, 3, ""));
    }

    #[test]
    fn batch_progress_counts_lines_routes_and_failures() {
        use crate::progress::tests::Screen;
        let screen = Screen::default();
        let start = std::time::Instant::now();
        let mut progress = Progress::new(Some(Box::new(screen.clone())), None, start);
        let mut genl = Scripted {
            sent: Vec::new(),
            fail_at: Some(2),
            applied: 0,
        };
        let text = "route add 10.1.0.0/16 dev x\nroute add 10.2.0.0/16 dev x\n\n\
                    # a comment\naddr list\nroute append 10.3.0.0/16 dev x\n";
        let opts = Options {
            force: true,
            ..Options::default()
        };
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let failed = run_batch(
            &mut text.as_bytes(),
            opts,
            &mut genl,
            &mut out,
            &mut errors,
            &mut progress,
        );
        assert_eq!(failed, Ok(1));
        progress.finish(std::time::Instant::now());
        let shown = String::from_utf8(screen.0.lock().unwrap().clone()).unwrap();
        // The first line is drawn at once; the summary ends it.
        assert!(shown.starts_with("\r\x1b[K1 lines"), "{shown:?}");
        assert!(
            shown.contains("\nferctl: batch: 6 lines, 2 routes added, 1 failed, in ")
                || shown.contains("\x1b[Kferctl: batch: 6 lines, 2 routes added, 1 failed, in "),
            "{shown:?}"
        );
        assert!(shown.ends_with("\n"));
    }

    #[test]
    fn batch_help_lines_print_help() {
        let (sent, out, res) = batch("route help\n", None);
        res.unwrap();
        assert!(sent.is_empty());
        assert!(out.starts_with("Usage: ferctl route"));
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

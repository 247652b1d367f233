// SPDX-License-Identifier: GPL-2.0
//! `ferctl`: the command line tool of ferroute, the in-kernel IPv4 router.
//!
//! It talks to the module over the `ferroute` generic netlink family
//! (Documentation/netlink/specs/ferroute.yaml) with iproute2-like syntax:
//!
//! ```text
//! ferctl port add veth1                  # attach an existing device
//! ferctl port del veth1
//! ferctl port list                       # 1: veth1 attached 02:..:.. ifindex 5
//! ferctl addr add 10.1.0.1/24 dev fer1
//! ferctl addr del 10.1.0.1/24 dev fer1
//! ferctl addr list [dev fer1]            # fer1 10.1.0.1/24
//! ferctl stats                           # InHdrErrors 0
//! ferctl neigh list                      # 10.1.0.2 dev veth1 lladdr 02:.. REACHABLE
//! ferctl route add 10.2.0.0/16 via 10.1.0.254 dev veth1 metric 10
//! ferctl route get 10.2.3.4              # 10.2.3.4 via 10.1.0.254 dev veth1 ...
//! ferctl route list [table all]          # like ip route show
//! ferctl -batch routes.txt               # one command a line, one socket
//! ferctl -j [-p] addr list               # JSON (indented with -p)
//! ferctl -n ns1 route list               # the router of namespace ns1
//! ferctl -V                              # ferctl's and the module's versions
//! ```
//!
//! Exit status: 0 success, 1 the operation failed (message on stderr:
//! `ferctl: <what>: <strerror>[: <kernel extack message>]`), 2 bad usage.
//!
//! Layout: [`cli`] parses the command line, [`msg`] builds requests and
//! decodes replies, [`netlink`] moves them over a socket, [`output`] prints
//! decoded replies, [`exec`] glues them together; [`proto`] holds the
//! contract's numbers.

#![warn(missing_docs)]

pub mod cli;
pub mod error;
pub mod exec;
pub mod history;
pub mod model;
pub mod monitor;
pub mod mroute;
pub mod msg;
pub mod netlink;
pub mod netns;
pub mod output;
pub mod progress;
pub mod proto;
pub mod settings;
/// The family's numbers, shared with the kernel module (rust/uapi).
#[path = "../../../rust/uapi/ferroute.rs"]
pub mod uapi;
pub mod version;

use std::io::{IsTerminal, Write};

use cli::Action;
use error::{Error, EXIT_FAILURE, EXIT_USAGE};

fn main() {
    std::process::exit(run());
}

/// Write to stdout; a closed pipe ends ferctl quietly, as it ends `ip`.
fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_FAILURE,
        Err(e) => fail(&Error::Output(e.to_string())),
    }
}

fn fail(e: &Error) -> i32 {
    if *e != Error::OutputClosed {
        eprintln!("ferctl: {e}");
    }
    e.exit_code()
}

/// `-batch FILE`: FILE or stdin (`-`), over one lazily opened socket;
/// with `-force`, on past failing lines. On a terminal (standard error),
/// shows its progress and ends with a summary.
fn batch(file: &str, opts: cli::Options) -> i32 {
    let mut size = None;
    let mut input: Box<dyn std::io::BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => {
                // The share done and the time left need the size: a
                // regular file's.
                size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                Box::new(std::io::BufReader::new(f))
            }
            Err(e) => {
                return fail(&Error::Input(format!(
                    "cannot open batch file \"{file}\": {}",
                    e.raw_os_error()
                        .map_or_else(|| e.to_string(), error::strerror)
                )))
            }
        }
    };
    let mut kernel = netlink::LazyKernel::default();
    // Standard output is line-buffered: each answer reaches a reader (a
    // coprocess feeding standard input) as soon as it is written. From a
    // file nobody waits for each line, and writing them in blocks spares
    // a write, and a reader's wake-up, per line: `fib-oracle.py compare`
    // reads tens of thousands of answers through a pipe.
    let mut out: Box<dyn Write> = if size.is_some() {
        Box::new(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout().lock(),
        ))
    } else {
        Box::new(std::io::stdout().lock())
    };
    let mut errors = std::io::stderr();
    let sink: Option<Box<dyn Write>> = if errors.is_terminal() {
        Some(Box::new(std::io::stderr()))
    } else {
        None
    };
    let mut progress = progress::Progress::new(sink, size, std::time::Instant::now());
    let result = exec::run_batch(
        &mut *input,
        opts,
        &mut kernel,
        &mut out,
        &mut errors,
        &mut progress,
    );
    progress.finish(std::time::Instant::now());
    // What is still buffered; a reader gone is the output closed, as a
    // line's write would have found it.
    let result = match (result, out.flush()) {
        (Ok(_), Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::OutputClosed),
        (Ok(_), Err(e)) => Err(Error::Output(e.to_string())),
        (result, _) => result,
    };
    match result {
        Ok(0) => 0,
        // -force: each failure is reported already; exit 1 as `ip` does.
        Ok(_) => EXIT_FAILURE,
        Err(e) => fail(&e),
    }
}

fn run() -> i32 {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(a) => args.push(a),
            Err(bad) => {
                eprintln!("ferctl: argument {bad:?} is not valid UTF-8");
                return EXIT_USAGE;
            }
        }
    }
    let inv = match cli::parse(args) {
        Ok(inv) => inv,
        Err(e) => return fail(&e),
    };
    if let Some(name) = &inv.netns {
        if let Err(e) = netns::enter(name) {
            return fail(&e);
        }
    }
    match inv.action {
        Action::Help(topic) => print(cli::help(topic)),
        Action::Version => {
            let module = version::probe();
            match (inv.opts.json, inv.opts.pretty) {
                (true, true) => print(&format!("{:#}\n", version::json(&module))),
                (true, false) => print(&format!("{}\n", version::json(&module))),
                (false, _) => print(&version::text(&module)),
            }
        }
        Action::DumpConstants => print(&format!("{:#}\n", proto::constants_json())),
        Action::Batch(file) => batch(&file, inv.opts),
        Action::Run(cli::Command::Monitor { objects, label }) => {
            match monitor::run(&objects, label, inv.opts) {
                Ok(()) => 0,
                Err(e) => fail(&e),
            }
        }
        Action::Run(command) => {
            let mut kernel = match netlink::Kernel::connect() {
                Ok(k) => k,
                Err(cause) => return fail(&Error::op(exec::describe(&command), cause)),
            };
            match exec::execute(&command, inv.opts, &mut kernel) {
                Ok(text) => print(&text),
                Err(e) => fail(&e),
            }
        }
    }
}

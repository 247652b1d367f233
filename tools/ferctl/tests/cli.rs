// SPDX-License-Identifier: GPL-2.0
//! Runs the ferctl binary: exit codes and messages of the paths that do
//! not need the ferroute module.

use std::process::{Command, Output};

fn ferctl(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_ferctl"))
        .args(args)
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!("cannot run ferctl: {e}"),
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_usage_exits_2_before_touching_netlink() {
    for args in [
        &["addr", "add", "10.1.0.1/33", "dev", "veth1"][..],
        &["addr", "add", "10.1.0.256/24", "dev", "veth1"],
        &["addr", "add", "10.1.0.1/24"],
        &["frobnicate"],
        &["route", "add", "10.0.0.0/33"],
        &["route", "add", "10.2.0.0/16", "via"],
        &["route", "add", "10.2.0.0/16", "frob"],
        &["route", "add", "10.2.0.0/16", "table", "4294967296"],
        &["route", "get"],
        &["route", "list", "table", "nope"],
        &["-batch"],
        &["port", "add"],
        &["-x", "port", "list"],
        &[],
    ] {
        let out = ferctl(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("ferctl: "), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let out = ferctl(&["addr", "add", "10.1.0.1/33", "dev", "veth1"]);
    assert!(stderr(&out).contains("invalid prefix length \"33\""));
}

#[test]
fn help_and_version_succeed() {
    for args in [&["-h"][..], &["--help"], &["help"], &["port", "help"]] {
        let out = ferctl(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("Usage: ferctl"));
    }
    for args in [&["-V"][..], &["--version"], &["-Version"]] {
        let out = ferctl(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {text}");
        assert_eq!(
            lines[0],
            format!(
                "ferctl {} (generic netlink family 'ferroute' version 1)",
                env!("CARGO_PKG_VERSION")
            )
        );
        // The second line is the module's, loaded or not (the VM
        // selftest 11-version checks it with the module loaded).
        assert!(lines[1].starts_with("ferroute module "), "{args:?}: {text}");
    }
}

#[test]
fn dump_constants_is_json() {
    let out = ferctl(&["--dump-constants"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON: {e}"),
    };
    assert_eq!(v["family"], "ferroute");
    assert_eq!(v["commands"]["port-add"], 1);
    assert_eq!(v["attributes"]["ifname"], 2);
    assert_eq!(v["commands"]["route-add"], 9);
    assert_eq!(v["attributes"]["onlink"], 24);
    assert_eq!(v["route-type"]["blackhole"], 6);
    assert_eq!(v["scope"]["link"], 253);
    assert_eq!(v["protocol"]["static"], 4);
    assert_eq!(v["route-mode"]["replace"], 2);
}

fn ferctl_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = match Command::new(env!("CARGO_BIN_EXE_ferctl"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("cannot run ferctl: {e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        if let Err(e) = stdin.write_all(input.as_bytes()) {
            panic!("writing stdin: {e}");
        }
    }
    match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => panic!("waiting for ferctl: {e}"),
    }
}

/// Lines that need no kernel run without one (the socket is opened on the
/// first line that needs it); the first bad line stops the batch, exit 1.
#[test]
fn batch_reports_the_failing_line() {
    let text = "# comment\n\nroute help\n  # more\nroute add 10.2.0.0/16 frob\nroute list\n";
    let out = ferctl_stdin(&["-batch", "-"], text);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "ferctl: line 5: route add: unknown keyword \"frob\"; try \"ferctl help\"\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Usage: ferctl route"));

    let out = ferctl_stdin(&["-b", "-"], "\n# only comments\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = ferctl(&["-batch", "/nonexistent/ferctl-batch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "ferctl: cannot open batch file \"/nonexistent/ferctl-batch\": No such file or directory\n"
    );
}

/// `-force`: every bad line is reported, the others still run; exit 1.
#[test]
fn batch_force_reports_every_failing_line() {
    let text = "route add 10.2.0.0/16 frob\nroute help\nroute get 10.0.0.0/8\nstats help\n";
    let out = ferctl_stdin(&["-force", "-batch", "-"], text);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "ferctl: line 1: route add: unknown keyword \"frob\"; try \"ferctl help\"\n\
         ferctl: line 3: route get: \"10.0.0.0/8\" is not a single address; try \"ferctl help\"\n"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("Usage: ferctl route"), "{stdout}");
    assert!(stdout.contains("Usage: ferctl stats"), "{stdout}");

    let out = ferctl_stdin(&["-force", "-b", "-"], "route help\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Without the module (the host test machines) this is the clear "not
/// loaded" message; with it (inside the test VM) the dump succeeds.
#[test]
fn port_list_without_module() {
    let out = ferctl(&["port", "list"]);
    match out.status.code() {
        Some(0) => {}
        Some(1) => {
            let err = stderr(&out);
            assert!(
                err == "ferctl: ferroute module not loaded (generic netlink family 'ferroute' not found)\n"
                    || err.contains("generic netlink socket"),
                "{err}"
            );
        }
        other => panic!("exit {other:?}: {}", stderr(&out)),
    }
}

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
        &["route", "add", "10.2.0.0/16", "via", "10.1.0.254"],
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
    let out = ferctl(&["-V"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ferctl "));
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

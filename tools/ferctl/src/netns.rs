// SPDX-License-Identifier: GPL-2.0
//! `-n NETNS`: talk to the router of a named network namespace, as `ip -n`
//! does, without `ip netns exec` (a second program, a mount namespace and
//! a fresh sysfs for every call).
//!
//! ferctl needs nothing of the namespace but its netlink socket, which
//! belongs to the namespace its opener is in: joining the network
//! namespace before the socket is opened is all. ferctl is single-threaded,
//! so the thread that joins it is the process.

use std::os::fd::AsFd;

use rustix::thread::{move_into_link_name_space, LinkNameSpaceType};

use crate::error::{strerror, Error, NlError};

/// Where `ip netns add NAME` keeps a namespace.
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// Moves ferctl into the network namespace `name` of [`NETNS_RUN_DIR`].
pub fn enter(name: &str) -> Result<(), Error> {
    let fail = |why: String| Error::Op {
        what: format!("cannot open network namespace \"{name}\""),
        cause: NlError::Io(why),
    };
    let file = std::fs::File::open(format!("{NETNS_RUN_DIR}/{name}"))
        .map_err(|e| fail(e.raw_os_error().map_or_else(|| e.to_string(), strerror)))?;
    move_into_link_name_space(file.as_fd(), Some(LinkNameSpaceType::Network))
        .map_err(|e| fail(strerror(e.raw_os_error())))
}

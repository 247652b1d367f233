// SPDX-License-Identifier: GPL-2.0
//! The socket side of the netlink layer: a [`Genl`] backend that sends
//! [`Request`]s to the ferroute family through neli's generic netlink
//! router, resolving the family id by name with the controller and asking
//! for extended ACKs.

use neli::consts::nl::{NlmF, NlmsgerrAttr};
use neli::consts::socket::NlFamily;
use neli::err::RouterError;
use neli::genl::{Genlmsghdr, Nlattr};
use neli::nl::NlPayload;
use neli::router::synchronous::NlRouter;
use neli::types::{Buffer, GenlBuffer};
use neli::utils::Groups;

use crate::error::NlError;
use crate::msg::{RawAttr, Request};
use crate::proto::FAMILY_NAME;

/// Something that executes ferroute requests: the kernel, or a fake in
/// tests.
pub trait Genl {
    /// Send `req`. A do returns an empty list once the kernel has
    /// acknowledged it; a dump returns the attributes of every reply.
    fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError>;
}

const ENOENT: i32 = 2;

/// A connection to the ferroute family of the running kernel.
pub struct Kernel {
    router: NlRouter,
    family: u16,
}

/// The `NLMSGERR_ATTR_MSG` string of an extended ACK, if any.
fn extack_msg(ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>) -> Option<String> {
    ext_ack
        .iter()
        .find(|a| *a.nla_type().nla_type() == NlmsgerrAttr::Msg)
        .map(|a| {
            let p = a.nla_payload().as_ref();
            let end = p.iter().position(|b| *b == 0).unwrap_or(p.len());
            String::from_utf8_lossy(&p[..end]).into_owned()
        })
}

/// Turn a neli router error into ours.
fn router_error<T, P>(e: RouterError<T, P>) -> NlError
where
    T: std::fmt::Debug,
    P: std::fmt::Debug,
{
    match e {
        RouterError::Nlmsgerr(err) => NlError::Errno {
            errno: err.error().saturating_neg(),
            extack: extack_msg(err.ext_ack()),
        },
        RouterError::De(de) => NlError::Malformed(de.to_string()),
        other => NlError::Io(other.to_string()),
    }
}

fn raw_attrs(attrs: &GenlBuffer<u16, Buffer>) -> Vec<RawAttr> {
    attrs
        .iter()
        .map(|a: &Nlattr<u16, Buffer>| {
            (
                u16::from(a.nla_type()) & !(3 << 14),
                a.nla_payload().as_ref().to_vec(),
            )
        })
        .collect()
}

impl Kernel {
    /// Open a generic netlink socket and resolve the ferroute family.
    /// [`NlError::FamilyNotFound`] means the module is not loaded.
    pub fn connect() -> Result<Self, NlError> {
        let (router, _multicast) = NlRouter::connect(NlFamily::Generic, None, Groups::empty())
            .map_err(|e| NlError::Io(format!("cannot open generic netlink socket: {e}")))?;
        // Without extended ACKs we only lose the kernel's explanation.
        let _ = router.enable_ext_ack(true);
        let family = match router.resolve_genl_family(FAMILY_NAME) {
            Ok(id) => id,
            Err(RouterError::Nlmsgerr(e)) if e.error().saturating_neg() == ENOENT => {
                return Err(NlError::FamilyNotFound)
            }
            Err(RouterError::Msg(_)) => return Err(NlError::FamilyNotFound),
            Err(e) => return Err(router_error(e)),
        };
        Ok(Kernel { router, family })
    }
}

impl Genl for Kernel {
    fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
        let flags = if req.dump { NlmF::DUMP } else { NlmF::ACK };
        let recv = self
            .router
            .send::<u16, Genlmsghdr<u8, u16>, u16, Genlmsghdr<u8, u16>>(
                self.family,
                flags,
                NlPayload::Payload(req.to_genl()?),
            )
            .map_err(router_error)?;
        let mut replies = Vec::new();
        for msg in recv {
            let msg = msg.map_err(router_error)?;
            match msg.nl_payload() {
                NlPayload::Payload(genl) => {
                    if *genl.cmd() != req.cmd {
                        return Err(NlError::Malformed(format!(
                            "reply with command {} to command {}",
                            genl.cmd(),
                            req.cmd
                        )));
                    }
                    replies.push(raw_attrs(genl.attrs()));
                }
                // A dump that failed part way ends with NLMSG_DONE carrying
                // the error.
                NlPayload::DumpExtAck(done) if *done.error() != 0 => {
                    return Err(NlError::Errno {
                        errno: done.error().saturating_neg(),
                        extack: extack_msg(done.ext_ack()),
                    })
                }
                NlPayload::Err(err) => {
                    return Err(NlError::Errno {
                        errno: err.error().saturating_neg(),
                        extack: extack_msg(err.ext_ack()),
                    })
                }
                NlPayload::Ack(_) | NlPayload::DumpExtAck(_) | NlPayload::Empty => {}
            }
        }
        Ok(replies)
    }
}

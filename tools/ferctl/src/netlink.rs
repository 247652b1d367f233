// SPDX-License-Identifier: GPL-2.0
//! The socket side of the netlink layer: a [`Genl`] backend that sends
//! [`Request`]s to the ferroute family over a neli generic netlink socket.
//! The family id is resolved by name with the generic netlink controller
//! (`CTRL_CMD_GETFAMILY`); extended ACKs are enabled so that the kernel's
//! explanation of an error reaches the user.
//!
//! neli's `NlRouter` is not used: in neli 0.7.5 it drops the extended ACK
//! attributes when it converts an error message to its typed form, and it
//! does not report an error carried by the NLMSG_DONE of a dump. The
//! receive loop here is small and handles both.
//!
//! Nor is neli's `NlSocketHandle`: its receive buffers come from a pool that
//! refills each one with 32 KiB of zeros after every message, which was a
//! third of `ferctl -batch`'s time loading a routing table (one ACK a
//! route). [`Kernel`] receives into one buffer it keeps.

use std::fmt::Debug;
use std::io::Cursor;

use neli::consts::genl::{Cmd, CtrlAttr, CtrlCmd, NlAttrType};
use neli::consts::nl::NlType;
use neli::consts::nl::{GenlId, NlmF, Nlmsg, NlmsgerrAttr};
use neli::consts::socket::{Msg, NlFamily};
use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, NlattrBuilder};
use neli::nl::{NlPayload, Nlmsghdr, NlmsghdrBuilder};
use neli::socket::NlSocket;
use neli::types::{Buffer, GenlBuffer};
use neli::utils::Groups;
use neli::{FromBytes, FromBytesWithInput, Size, ToBytes, TypeSize};

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

/// The receive buffer's size: the most one `recvmsg` can return, since
/// `netlink_recvmsg` caps the size of the kernel's dump messages at 32 KiB
/// (`max_recvmsg_len`), neli's `MAX_NL_LENGTH` too.
const RX_LEN: usize = 32 * 1024;

/// A connection to the ferroute family of the running kernel.
pub struct Kernel {
    sock: NlSocket,
    /// Where messages are received, allocated once.
    rx: Vec<u8>,
    family: u16,
    family_version: u32,
    /// The family's multicast groups (`CTRL_ATTR_MCAST_GROUPS`): name, id.
    mcast: Vec<(String, u32)>,
    seq: u32,
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

fn errno(code: i32, ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>) -> NlError {
    NlError::Errno {
        errno: code.saturating_neg(),
        extack: extack_msg(ext_ack),
    }
}

/// Attributes of a reply as (type, payload) pairs, without the nested and
/// byte-order flag bits.
fn raw_attrs<A: NlAttrType>(attrs: &GenlBuffer<A, Buffer>) -> Vec<RawAttr> {
    attrs
        .iter()
        .map(|a| {
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
        let sock = NlSocket::connect(NlFamily::Generic, None, Groups::empty())
            .and_then(|s| s.block().map(|()| s))
            .map_err(|e| NlError::Io(format!("cannot open generic netlink socket: {e}")))?;
        // Without extended ACKs we only lose the kernel's explanations.
        let _ = sock.enable_ext_ack(true);
        let mut kernel = Kernel {
            sock,
            rx: vec![0; RX_LEN],
            family: 0,
            family_version: 0,
            mcast: Vec::new(),
            seq: 0,
        };
        (kernel.family, kernel.family_version, kernel.mcast) =
            kernel.resolve_family(FAMILY_NAME)?;
        Ok(kernel)
    }

    /// Joins the family's multicast group `name` (its notifications then
    /// come with [`Kernel::notifications`]).
    pub fn subscribe(&mut self, name: &str) -> Result<(), NlError> {
        let id = self
            .mcast
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
            .ok_or_else(|| {
                NlError::Malformed(format!(
                    "the module has no multicast group \"{name}\" (an older ferroute?)"
                ))
            })?;
        self.sock
            .add_mcast_membership(Groups::new_groups(&[id]))
            .map_err(|io| match io.raw_os_error() {
                Some(errno) => NlError::Errno {
                    errno,
                    extack: None,
                },
                None => NlError::Io(format!("joining group {name}: {io}")),
            })
    }

    /// Waits for the next notifications of the family: each command with
    /// its attributes. An overrun of the socket's buffer is `ENOBUFS`.
    pub fn notifications(&mut self) -> Result<Vec<(u8, Vec<RawAttr>)>, NlError> {
        let msgs = self.recv::<Genlmsghdr<u8, u16>>().map_err(|e| match e {
            RecvError::Io(io) => NlError::Errno {
                errno: io.raw_os_error().unwrap_or(5),
                extack: None,
            },
            RecvError::Malformed(m) => NlError::Malformed(m),
        })?;
        let mut out = Vec::new();
        for m in msgs {
            if *m.nl_type() != self.family {
                continue;
            }
            if let NlPayload::Payload(genl) = m.nl_payload() {
                out.push((*genl.cmd(), raw_attrs(genl.attrs())));
            }
        }
        Ok(out)
    }

    /// The version the module registered its family with
    /// (`CTRL_ATTR_VERSION`), 0 if the controller did not say.
    pub fn family_version(&self) -> u32 {
        self.family_version
    }

    /// `CTRL_CMD_GETFAMILY` by name: the family's dynamic id, version and
    /// multicast groups.
    #[allow(clippy::type_complexity)]
    fn resolve_family(&mut self, name: &str) -> Result<(u16, u32, Vec<(String, u32)>), NlError> {
        let build_err = |e: &dyn std::fmt::Display| NlError::Io(format!("building request: {e}"));
        let attr = NlattrBuilder::default()
            .nla_type(
                AttrTypeBuilder::default()
                    .nla_type(CtrlAttr::FamilyName)
                    .build()
                    .map_err(|e| build_err(&e))?,
            )
            .nla_payload(name)
            .build()
            .map_err(|e| build_err(&e))?;
        let request = GenlmsghdrBuilder::<CtrlCmd, CtrlAttr>::default()
            .cmd(CtrlCmd::Getfamily)
            .version(2)
            .attrs(std::iter::once(attr).collect::<GenlBuffer<_, _>>())
            .build()
            .map_err(|e| build_err(&e))?;
        let replies = match self.transact(GenlId::Ctrl.into(), Transaction::Do, request) {
            Ok(r) => r,
            Err(NlError::Errno { errno: ENOENT, .. }) => return Err(NlError::FamilyNotFound),
            Err(e) => return Err(e),
        };
        let attr = |kind: CtrlAttr| {
            replies
                .iter()
                .flat_map(|genl| genl.attrs().iter())
                .find(|a| *a.nla_type().nla_type() == kind)
                .map(|a| a.nla_payload().as_ref().to_vec())
        };
        let id = attr(CtrlAttr::FamilyId)
            .and_then(|p| <[u8; 2]>::try_from(p.as_slice()).ok())
            .map(u16::from_ne_bytes)
            .ok_or(NlError::FamilyNotFound)?;
        let version = attr(CtrlAttr::Version)
            .and_then(|p| <[u8; 4]>::try_from(p.as_slice()).ok())
            .map_or(0, u32::from_ne_bytes);
        let mcast = match attr(CtrlAttr::McastGroups) {
            Some(p) => mcast_groups(&p)?,
            None => Vec::new(),
        };
        Ok((id, version, mcast))
    }

    /// Send one request and collect its replies: until the ACK for a do
    /// (sent with NLM_F_ACK), the one reply for a do that has one (sent
    /// without), until NLMSG_DONE for a dump; an error ends each.
    fn transact<C, A>(
        &mut self,
        nl_type: u16,
        kind: Transaction,
        payload: Genlmsghdr<C, A>,
    ) -> Result<Vec<Genlmsghdr<C, A>>, NlError>
    where
        C: Cmd + TypeSize + Debug,
        A: NlAttrType + Debug,
    {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let flags = NlmF::REQUEST
            | match kind {
                Transaction::Dump => NlmF::DUMP,
                Transaction::Do => NlmF::ACK,
                Transaction::DoReply => NlmF::empty(),
            };
        let msg = NlmsghdrBuilder::default()
            .nl_type(nl_type)
            .nl_flags(flags)
            .nl_seq(seq)
            .nl_pid(0)
            .nl_payload(NlPayload::Payload(payload))
            .build()
            .map_err(|e| NlError::Io(format!("building request: {e}")))?;
        self.send(&msg)
            .map_err(|e| NlError::Io(format!("sending request: {e}")))?;

        let done: u16 = Nlmsg::Done.into();
        let mut replies = Vec::new();
        loop {
            let msgs = self.recv::<Genlmsghdr<C, A>>().map_err(|e| match e {
                RecvError::Io(io) => NlError::Io(format!("receiving reply: {io}")),
                RecvError::Malformed(m) => NlError::Malformed(m),
            })?;
            for m in msgs {
                if *m.nl_seq() != seq {
                    continue; // not ours (a stale reply)
                }
                match m.nl_payload() {
                    NlPayload::Err(e) => return Err(errno(*e.error(), e.ext_ack())),
                    NlPayload::DumpExtAck(e) if *e.error() != 0 => {
                        return Err(errno(*e.error(), e.ext_ack()))
                    }
                    NlPayload::Ack(_) | NlPayload::DumpExtAck(_) => return Ok(replies),
                    NlPayload::Empty if *m.nl_type() == done => return Ok(replies),
                    NlPayload::Empty => {}
                    NlPayload::Payload(genl) => {
                        replies.push(genl.clone());
                        if kind == Transaction::DoReply {
                            return Ok(replies);
                        }
                    }
                }
            }
        }
    }
}

/// What a request is and so what ends its answer ([`Kernel::transact`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Transaction {
    /// A dump: its entries, then NLMSG_DONE.
    Dump,
    /// A do sent with NLM_F_ACK: its replies, if any, then the ACK.
    Do,
    /// A do with exactly one reply ([`crate::msg::Request::single_reply`]),
    /// sent without NLM_F_ACK: the reply (an error is always answered).
    DoReply,
}

/// Why [`Kernel::recv`] failed.
enum RecvError {
    /// The socket's error (`ENOBUFS`: the receive buffer overran).
    Io(std::io::Error),
    /// Bytes that are not netlink messages of the expected kind.
    Malformed(String),
}

impl Kernel {
    /// Sends one message.
    fn send<T, P>(&self, msg: &Nlmsghdr<T, P>) -> Result<(), String>
    where
        T: NlType + Debug,
        P: Size + ToBytes + Debug,
    {
        // Zeroed: the padding to_bytes skips is sent as zeros.
        let mut buf = Cursor::new(vec![0; msg.padded_size()]);
        msg.to_bytes(&mut buf).map_err(|e| e.to_string())?;
        self.sock
            .send(buf.get_ref(), Msg::empty())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Receives the messages of one `recvmsg` into the kept buffer and
    /// parses them.
    fn recv<P>(&mut self) -> Result<Vec<Nlmsghdr<u16, P>>, RecvError>
    where
        P: Size + FromBytesWithInput<Input = usize> + Debug,
    {
        let (n, _) = self
            .sock
            .recv(&mut self.rx[..], Msg::empty())
            .map_err(RecvError::Io)?;
        let mut cur = Cursor::new(self.rx.get(..n).unwrap_or(&[]));
        let mut msgs = Vec::new();
        while (cur.position() as usize) < n {
            let m =
                Nlmsghdr::from_bytes(&mut cur).map_err(|e| RecvError::Malformed(e.to_string()))?;
            msgs.push(m);
        }
        Ok(msgs)
    }
}

/// The groups of a `CTRL_ATTR_MCAST_GROUPS` nest: one nest per group,
/// holding `CTRL_ATTR_MCAST_GRP_NAME` (1) and `CTRL_ATTR_MCAST_GRP_ID` (2).
fn mcast_groups(payload: &[u8]) -> Result<Vec<(String, u32)>, NlError> {
    let mut groups = Vec::new();
    for (_, entry) in crate::msg::parse_nest(payload)? {
        let (mut name, mut id) = (None, None);
        for (ty, p) in crate::msg::parse_nest(&entry)? {
            match ty {
                1 => {
                    let end = p.iter().position(|b| *b == 0).unwrap_or(p.len());
                    name = Some(String::from_utf8_lossy(&p[..end]).into_owned());
                }
                2 => {
                    id = <[u8; 4]>::try_from(p.as_slice())
                        .ok()
                        .map(u32::from_ne_bytes)
                }
                _ => {}
            }
        }
        if let (Some(n), Some(i)) = (name, id) {
            groups.push((n, i));
        }
    }
    Ok(groups)
}

impl Genl for Kernel {
    fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
        let kind = match (req.dump, req.single_reply()) {
            (true, _) => Transaction::Dump,
            (false, true) => Transaction::DoReply,
            (false, false) => Transaction::Do,
        };
        let replies = self.transact(self.family, kind, req.to_genl()?)?;
        replies
            .iter()
            .map(|genl| {
                if *genl.cmd() == req.cmd {
                    Ok(raw_attrs(genl.attrs()))
                } else {
                    Err(NlError::Malformed(format!(
                        "reply with command {} to command {}",
                        genl.cmd(),
                        req.cmd
                    )))
                }
            })
            .collect()
    }
}

/// A [`Kernel`] connected on first use and then kept: a batch opens one
/// socket and resolves the family once, and not at all if no line needs the
/// kernel.
#[derive(Default)]
pub struct LazyKernel {
    kernel: Option<Kernel>,
}

impl Genl for LazyKernel {
    fn execute(&mut self, req: &Request) -> Result<Vec<Vec<RawAttr>>, NlError> {
        let kernel = match self.kernel.take() {
            Some(k) => k,
            None => Kernel::connect()?,
        };
        self.kernel.insert(kernel).execute(req)
    }
}

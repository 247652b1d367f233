// SPDX-License-Identifier: GPL-2.0

//! Generic netlink families (`genl_register_family`).
//!
//! C header: [`include/net/genetlink.h`](srctree/include/net/genetlink.h)
//!
//! A family is a [`Family`] implementation: its name, attribute policy and
//! operations as constants, and `doit`/`dumpit` as safe functions over
//! [`Request`] and [`Dump`]. Each operation is registered with its own
//! policy: the attributes it takes ([`Op::attrs`]) with their rules from
//! [`Family::POLICY`], every other attribute rejected. The core validates
//! every request strictly against its operation's policy before a handler
//! runs, and checks CAP_NET_ADMIN over the requester's network namespace
//! for operations marked `admin` (`GENL_UNS_ADMIN_PERM`), so handlers see
//! only well-formed attributes of their own command, from privileged
//! callers where it matters.

use super::bindings;
use super::netdevice::Net;
use super::rcu::ReadGuard;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::c_str;
use kernel::error::{code::*, to_result, Result};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::types::Opaque;

/// The extended ACK message of an attribute that the operation does not
/// take (the `reject_message` of its policy entry).
const REJECT_MSG: &CStr = c_str!("attribute not valid for this command");

/// The validation rule of one attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Not an attribute of this family (type 0, or unused numbers).
    Reject,
    /// A `u8`, optionally limited to `min..=max`.
    U8 {
        /// Smallest valid value.
        min: u8,
        /// Largest valid value.
        max: u8,
    },
    /// A `u32`.
    U32,
    /// A `u64`.
    U64,
    /// A NUL-terminated string of at most `max_len` bytes before the NUL.
    NulString {
        /// Longest valid length, without the NUL.
        max_len: u16,
    },
    /// Binary data of exactly `len` bytes.
    ExactLen {
        /// The required length.
        len: u16,
    },
    /// A nest of attributes (`NLA_NESTED`). The core checks only that it is
    /// a nest; the handler walks it with [`Attr::nested`] and validates
    /// what it finds.
    Nested,
}

impl Policy {
    fn to_raw(self) -> bindings::nla_policy {
        let mut p = bindings::nla_policy::default();
        match self {
            Policy::Reject => p.type_ = bindings::NLA_REJECT as u8,
            Policy::U8 { min, max } => {
                p.type_ = bindings::NLA_U8 as u8;
                p.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE as u8;
                p.__bindgen_anon_1.__bindgen_anon_1 =
                    bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 {
                        min: i16::from(min),
                        max: i16::from(max),
                    };
            }
            Policy::U32 => p.type_ = bindings::NLA_U32 as u8,
            Policy::U64 => p.type_ = bindings::NLA_U64 as u8,
            Policy::NulString { max_len } => {
                p.type_ = bindings::NLA_NUL_STRING as u8;
                p.len = max_len;
            }
            Policy::ExactLen { len } => {
                p.type_ = bindings::NLA_BINARY as u8;
                p.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE as u8;
                p.__bindgen_anon_1.__bindgen_anon_1 =
                    bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 {
                        min: len as i16,
                        max: len as i16,
                    };
            }
            Policy::Nested => p.type_ = bindings::NLA_NESTED as u8,
        }
        p
    }

    /// The policy of one operation: entry `ty` is the family's rule for
    /// `ty` if the operation takes `ty`, else `NLA_REJECT` with
    /// [`REJECT_MSG`] (lib/nlattr.c `validate_nla`: EINVAL, the extended
    /// ACK pointing at the attribute). The array spans all of the family's
    /// attributes, so that every attribute of another command meets a
    /// reject entry with that message rather than the end of the policy
    /// ("Unknown attribute type"). Fails with EINVAL if the operation
    /// lists a number that is not an attribute of the family.
    pub(crate) fn for_op(family: &[Policy], op: &Op) -> Result<KVec<bindings::nla_policy>> {
        for &ty in op.attrs {
            match family.get(usize::from(ty)) {
                Some(p) if ty != 0 && *p != Policy::Reject => {}
                _ => {
                    pr_err!(
                        "genetlink: command {} lists attribute {}, which the family lacks\n",
                        op.cmd,
                        ty
                    );
                    return Err(EINVAL);
                }
            }
        }
        let mut policy = KVec::with_capacity(family.len(), GFP_KERNEL)?;
        for (ty, rule) in family.iter().enumerate() {
            let raw = if ty == 0 {
                // Type 0 never reaches the policy (__nla_validate_parse
                // refuses it first), but entry 0's union is read as
                // `strict_start_type` for every attribute: keep it zero.
                Policy::Reject.to_raw()
            } else if op.attrs.iter().any(|&a| usize::from(a) == ty) {
                rule.to_raw()
            } else {
                let mut p = Policy::Reject.to_raw();
                p.__bindgen_anon_1.reject_message = REJECT_MSG.as_char_ptr();
                p
            };
            policy.push(raw, GFP_KERNEL)?;
        }
        Ok(policy)
    }
}

/// One operation of a family.
#[derive(Clone, Copy)]
pub struct Op {
    /// The command number.
    pub cmd: u8,
    /// A dump (`NLM_F_DUMP`) rather than a do operation.
    pub dump: bool,
    /// Requires CAP_NET_ADMIN over the user namespace that owns the
    /// requester's network namespace (`GENL_UNS_ADMIN_PERM`, as rtnetlink
    /// checks for its changes): a root in a container configures its own
    /// namespace and nothing else.
    pub admin: bool,
    /// The attributes the command takes, by number. The operation's policy
    /// gives these their rule from [`Family::POLICY`] and rejects every
    /// other attribute (EINVAL, with the extended ACK pointing at it), so
    /// an attribute of another command is refused, not silently ignored.
    /// Each must be an attribute of the family (a number of `POLICY` that
    /// is not [`Policy::Reject`]), or registration fails.
    pub attrs: &'static [u16],
}

/// A generic netlink family.
pub trait Family: 'static {
    /// The family name, resolved by userspace through the controller.
    const NAME: &'static CStr;
    /// The family version.
    const VERSION: u32;
    /// The rule of each attribute, indexed by attribute number (index 0
    /// is [`Policy::Reject`]); an operation accepts those of its
    /// [`Op::attrs`] and rejects the others.
    const POLICY: &'static [Policy];
    /// The operations.
    const OPS: &'static [Op];
    /// The multicast groups notifications go to, numbered by their index
    /// (`genl_multicast_group`).
    const MCGRPS: &'static [McGroup] = &[];
    /// Where senders of notifications find the family while it is
    /// registered: a `static` of the family's own.
    const HANDLE: &'static FamilyHandle;

    /// Handles a do request. Returning `Ok` acknowledges it.
    fn doit(cmd: u8, req: &Request<'_>) -> Result;

    /// Fills one part of a dump; called until it adds no more entries.
    fn dumpit(cmd: u8, dump: &mut Dump<'_>) -> Result;
}

/// A multicast group of a family.
#[derive(Clone, Copy)]
pub struct McGroup {
    /// The group's name (at most `GENL_NAMSIZ - 1` bytes), which
    /// userspace resolves through the controller.
    pub name: &'static CStr,
    /// Joining needs CAP_NET_ADMIN over the user namespace of the
    /// joiner's network namespace (`GENL_MCAST_CAP_NET_ADMIN`, checked by
    /// `genl_bind`), as rtnetlink's multicast-routing group does.
    pub admin: bool,
}

/// Where code that sends notifications finds a registered family.
///
/// # Invariants
///
/// `family` is null or points to a family registered with the genetlink
/// core, with its multicast groups; [`Registration`]'s drop clears it and
/// waits for an RCU grace period before it unregisters and frees that
/// family, so a pointer loaded inside a read-side section stays valid and
/// registered until the section ends.
pub struct FamilyHandle {
    family: AtomicPtr<bindings::genl_family>,
}

impl FamilyHandle {
    /// A handle of a family not (yet) registered.
    pub const fn new() -> Self {
        // INVARIANT: null.
        Self {
            family: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// The registered family and its number of multicast groups, if the
    /// family is registered; valid while `_guard` is held.
    fn get<'g>(&self, _guard: &'g ReadGuard) -> Option<(&'g bindings::genl_family, u32)> {
        let fam = self.family.load(Ordering::Acquire);
        // SAFETY: A non-null pointer is a registered family, not freed before a grace period
        // after it was cleared (type invariant); we are in a read-side section for 'g. Nothing
        // writes it meanwhile: genl_register_family wrote its id and `mcgrp_offset` before
        // returning, then the core only reads it (genl_unregister_family runs only after the
        // grace period) and `Registration` keeps it behind `Opaque`, never writing it again.
        let fam = unsafe { fam.as_ref() }?;
        Some((fam, u32::from(fam.n_mcgrps)))
    }

    /// Whether anyone in `net` has joined multicast group `group` (a
    /// notification nobody hears need not be built).
    pub fn has_listeners(&self, net: &Net<'_>, group: u32) -> bool {
        let guard = ReadGuard::new();
        let Some((fam, n)) = self.get(&guard) else {
            return false;
        };
        if group >= n {
            return false;
        }
        // SAFETY: `fam` is registered for the guard's section and `group`
        // is one of its groups (checked above, so genl_has_listeners does
        // not WARN); `net` is alive for the borrow, and the helper tests
        // `net->genl_sock` (set between genetlink's pernet init and exit)
        // before netlink_has_listeners reads it, which takes no lock and
        // may run in any context.
        unsafe { bindings::ferroute_genl_has_listeners(fam, net.as_raw(), group) }
    }

    /// Builds a notification of command `cmd` for multicast group `group`,
    /// with the attributes `fill` writes, to send once the change it
    /// describes is visible ([`Notification::send`]). `Ok(None)` if the
    /// family is not registered or nobody in `net` listens. Allocates
    /// atomically (any context; under memory pressure listeners miss the
    /// message, as netlink's own overruns do). `fill` may be called twice:
    /// again with a 16 KiB buffer if the first one (`NLMSG_DEFAULT_SIZE`)
    /// was too small.
    pub fn prepare(
        &'static self,
        net: &Net<'_>,
        group: u32,
        cmd: u8,
        mut fill: impl FnMut(&mut Message<'_>) -> Result,
    ) -> Result<Option<Notification>> {
        if !self.has_listeners(net, group) {
            return Ok(None);
        }
        let mut result = Err(ENOMEM);
        for size in [0usize, 16384] {
            result = self.build(group, cmd, size, &mut fill);
            if !matches!(&result, Err(e) if *e == super::errno(bindings::EMSGSIZE)) {
                break;
            }
        }
        result
    }

    /// One attempt of [`FamilyHandle::prepare`], with a message of `size`
    /// bytes (0: `NLMSG_DEFAULT_SIZE`).
    fn build(
        &'static self,
        group: u32,
        cmd: u8,
        size: usize,
        fill: &mut impl FnMut(&mut Message<'_>) -> Result,
    ) -> Result<Option<Notification>> {
        let guard = ReadGuard::new();
        let Some((fam, n)) = self.get(&guard) else {
            return Ok(None);
        };
        if group >= n {
            return Err(EINVAL);
        }
        // SAFETY: FFI call; allocates with GFP_ATOMIC, valid in the
        // read-side section.
        let skb = unsafe { bindings::ferroute_genlmsg_new_atomic(size) };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: `skb` is a fresh message we own, freed by the drop
        // unless sent; `group` is below the family's group count.
        let note = Notification {
            skb,
            group,
            handle: self,
        };
        // SAFETY: `skb` is ours and empty; `fam` is registered for the
        // guard's section (genlmsg_put reads its id, header size and
        // version). Port and sequence 0: a notification, not a reply.
        let hdr = unsafe { bindings::genlmsg_put(skb, 0, 0, fam, 0, cmd) };
        if hdr.is_null() {
            return Err(super::errno(bindings::EMSGSIZE));
        }
        let mut msg = Message {
            skb,
            _p: PhantomData,
        };
        fill(&mut msg)?;
        // SAFETY: `hdr` was put on `skb` above.
        unsafe { bindings::ferroute_genlmsg_end(skb, hdr) };
        Ok(Some(note))
    }

    /// Builds and sends a notification at once ([`FamilyHandle::prepare`],
    /// [`Notification::send`]).
    pub fn notify(
        &'static self,
        net: &Net<'_>,
        group: u32,
        cmd: u8,
        fill: impl FnMut(&mut Message<'_>) -> Result,
    ) -> Result {
        if let Some(n) = self.prepare(net, group, cmd, fill)? {
            n.send(net);
        }
        Ok(())
    }
}

impl Default for FamilyHandle {
    fn default() -> Self {
        Self::new()
    }
}

/// A complete notification, not sent yet ([`FamilyHandle::prepare`]).
///
/// # Invariants
///
/// `skb` is a complete netlink message we own (a genetlink header put for
/// the family of `handle`, ended); `group` was below that family's group
/// count when it was built.
pub struct Notification {
    skb: *mut bindings::sk_buff,
    group: u32,
    handle: &'static FamilyHandle,
}

impl Notification {
    /// Multicasts the notification to the listeners of its group in `net`
    /// (none hear it if the family was unregistered meanwhile). Any
    /// context.
    pub fn send(self, net: &Net<'_>) {
        let this = core::mem::ManuallyDrop::new(self);
        let guard = ReadGuard::new();
        match this.handle.get(&guard) {
            Some((fam, n)) if this.group < n => {
                // SAFETY: `fam` is registered for the guard's section and `group` is one of its
                // groups (checked: no WARN); `net` lives for the borrow; the helper checks
                // `net->genl_sock` (see `has_listeners`) and frees the skb itself if it is gone;
                // genlmsg_multicast_netns consumes the skb we own (type invariant) in every case,
                // allocating atomically. `this` is not dropped, so the skb is freed once.
                unsafe {
                    bindings::ferroute_genlmsg_multicast_atomic(
                        fam,
                        net.as_raw(),
                        this.skb,
                        this.group,
                    )
                };
            }
            _ => {
                // SAFETY: The skb is ours and not sent (type invariant);
                // `this` is not dropped, so it is freed once.
                unsafe { bindings::ferroute_nlmsg_free(this.skb) };
            }
        }
    }
}

impl Drop for Notification {
    fn drop(&mut self) {
        // SAFETY: The skb is ours and was not sent (`send` does not drop).
        unsafe { bindings::ferroute_nlmsg_free(self.skb) };
    }
}

/// One attribute of a request, validated by the policy.
pub struct Attr<'a> {
    payload: &'a [u8],
}

impl<'a> Attr<'a> {
    /// The payload bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.payload
    }

    /// The payload as a native-endian `u32`.
    pub fn u32(&self) -> Option<u32> {
        let b: [u8; 4] = self.payload.get(..4)?.try_into().ok()?;
        Some(u32::from_ne_bytes(b))
    }

    /// The payload as a `u8`.
    pub fn u8(&self) -> Option<u8> {
        self.payload.first().copied()
    }

    /// The payload as a string without its NUL.
    pub fn str_bytes(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }

    /// The attributes nested in this one, as `(type, attribute)` pairs.
    ///
    /// The whole nest is checked first (`nla_validate` without a policy:
    /// every header complete, every length within the nest), so iteration
    /// cannot fail half-way; a malformed nest is `EINVAL`.
    pub fn nested(&self) -> Result<NestedAttrs<'a>> {
        let mut walk = NestedAttrs { rest: self.payload };
        while !walk.rest.is_empty() {
            if walk.next_checked().is_none() {
                return Err(EINVAL);
            }
        }
        Ok(NestedAttrs { rest: self.payload })
    }
}

/// The attributes of a nest ([`Attr::nested`]).
pub struct NestedAttrs<'a> {
    rest: &'a [u8],
}

impl<'a> NestedAttrs<'a> {
    /// `NLA_TYPE_MASK`: the type without the nested/byte-order flags.
    const TYPE_MASK: u16 = 0x3fff;

    fn next_checked(&mut self) -> Option<(u16, Attr<'a>)> {
        let len = usize::from(u16::from_ne_bytes(self.rest.get(0..2)?.try_into().ok()?));
        let ty = u16::from_ne_bytes(self.rest.get(2..4)?.try_into().ok()?) & Self::TYPE_MASK;
        let payload = self.rest.get(4..len)?;
        // NLA_ALIGN: attributes start on 4-byte boundaries; the padding of
        // the last one may be missing.
        let next = len.checked_add(3)? & !3;
        self.rest = self.rest.get(next..).unwrap_or(&[]);
        Some((ty, Attr { payload }))
    }
}

impl<'a> Iterator for NestedAttrs<'a> {
    type Item = (u16, Attr<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.next_checked()
    }
}

/// The payload of a validated attribute.
///
/// # Safety
///
/// `nla` must be null or point to an attribute the genetlink core (or
/// `__nla_parse`, for a nest) validated, inside a message that lives for
/// `'a`.
unsafe fn attr_from_raw<'a>(nla: *const bindings::nlattr) -> Option<Attr<'a>> {
    if nla.is_null() {
        return None;
    }
    // SAFETY: A non-null attribute was validated by the core (caller's
    // guarantee): its header is readable and `nla_len` bytes from its start
    // lie in the message, which lives for 'a.
    unsafe {
        let len = usize::from((*nla).nla_len);
        let payload_len = len.checked_sub(4)?;
        let payload = nla.cast::<u8>().add(4);
        Some(Attr {
            payload: core::slice::from_raw_parts(payload, payload_len),
        })
    }
}

/// A do request being handled.
///
/// # Invariants
///
/// `info` is the valid `genl_info` of the request being handled, for `'a`,
/// and `info->attrs` has `maxattr + 1` entries (it is null, and never
/// read, when `maxattr` is 0).
pub struct Request<'a> {
    info: *mut bindings::genl_info,
    maxattr: u16,
    _p: PhantomData<&'a ()>,
}

impl<'a> Request<'a> {
    /// Runs `f` on a request whose attribute table has 16 entries, of
    /// which those numbered in `present` hold an (empty) attribute, with
    /// `maxattr` (at most 15) as the operation's: for the KUnit suites.
    #[cfg(ferroute_kunit)]
    pub fn with_test_request(maxattr: u16, present: &[u16], f: impl FnOnce(&Request<'_>)) {
        const N: usize = 16;
        if usize::from(maxattr) >= N {
            return;
        }
        let mut nlas = [bindings::nlattr {
            nla_len: 4,
            nla_type: 0,
        }; N];
        let mut table: [*mut bindings::nlattr; N] = [core::ptr::null_mut(); N];
        for &ty in present {
            let i = usize::from(ty);
            if let (Some(nla), Some(slot)) = (nlas.get_mut(i), table.get_mut(i)) {
                nla.nla_type = ty;
                *slot = nla;
            }
        }
        // SAFETY: All-zero is a valid genl_info: null extack and pointers.
        let mut info: bindings::genl_info = unsafe { core::mem::zeroed() };
        info.attrs = table.as_mut_ptr();
        // INVARIANT: `info` and `table` (N > maxattr entries, each null or
        // a valid attribute in `nlas`) live until `f` returns, and the
        // request does not outlive `f`.
        let req = Request {
            info: &mut info,
            maxattr,
            _p: PhantomData,
        };
        f(&req);
    }

    /// The attribute of number `ty`, if present.
    pub fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        if ty == 0 || ty > self.maxattr {
            return None;
        }
        // SAFETY: `info` is valid and `info->attrs` has maxattr + 1
        // entries (type invariant); `ty` is in 1..=maxattr (checked above),
        // so maxattr is not 0 and the entry exists.
        let nla = unsafe { bindings::ferroute_genl_info_attr(self.info, i32::from(ty)) };
        if nla.is_null() {
            return None;
        }
        // SAFETY: The attribute is from this request, validated by the
        // core, and lives as long as the request ('a).
        unsafe { attr_from_raw(nla) }
    }

    /// The network namespace of the requesting socket.
    pub fn net(&self) -> super::netdevice::Net<'a> {
        // SAFETY: `info` is valid by the type invariant, and the requesting
        // socket holds its namespace for the request's duration ('a).
        unsafe { super::netdevice::Net::from_raw(bindings::ferroute_genl_info_net(self.info)) }
    }

    /// Sets the extended ACK message userspace sees with the error.
    pub fn set_err_msg(&self, msg: &'static CStr) {
        // SAFETY: `info` is valid; the message is static, as extack
        // requires (it stores the pointer).
        unsafe { bindings::ferroute_genl_set_err_msg(self.info, msg.as_char_ptr()) };
    }

    /// Marks attribute `ty` as the bad (or missing) one in the extended ACK.
    /// Numbers outside the family's attributes are ignored.
    pub fn set_bad_attr(&self, ty: u16) {
        if ty == 0 || ty > self.maxattr {
            return;
        }
        // SAFETY: `info` is valid and `info->attrs` has maxattr + 1
        // entries (type invariant); the helper reads entry `ty`, which is
        // in 1..=maxattr (checked above).
        unsafe { bindings::ferroute_genl_set_bad_attr(self.info, i32::from(ty)) };
    }

    /// Sends one reply message to the requester, filled by `fill` (a do
    /// operation that answers, like `ip route get`). The acknowledgement
    /// follows when the handler returns.
    pub fn reply(&self, fill: impl FnOnce(&mut Message<'_>) -> Result) -> Result {
        // SAFETY: FFI call; allocates a message of NLMSG_DEFAULT_SIZE.
        let skb = unsafe { bindings::ferroute_genlmsg_new() };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `skb` is a fresh message we own; `info` is valid (type
        // invariant) and names the family and command of the request.
        let hdr = unsafe {
            let info = self.info;
            bindings::ferroute_genlmsg_put_reply(
                skb,
                info,
                (*info).family,
                bindings::ferroute_genl_info_cmd(info),
            )
        };
        if hdr.is_null() {
            // SAFETY: `skb` is ours and not sent.
            unsafe { bindings::ferroute_nlmsg_free(skb) };
            return Err(super::errno(bindings::EMSGSIZE));
        }
        let mut msg = Message {
            skb,
            _p: PhantomData,
        };
        if let Err(e) = fill(&mut msg) {
            // SAFETY: `skb` is ours and not sent.
            unsafe { bindings::ferroute_nlmsg_free(skb) };
            return Err(e);
        }
        // SAFETY: `hdr` was put on `skb`; genlmsg_reply consumes `skb`.
        to_result(unsafe {
            bindings::ferroute_genlmsg_end(skb, hdr);
            bindings::ferroute_genlmsg_reply(skb, self.info)
        })
    }

    /// Returns the attribute or, when it is missing, reports it to userspace
    /// and fails with EINVAL.
    pub fn required(&self, ty: u16) -> Result<Attr<'a>> {
        match self.attr(ty) {
            Some(a) => Ok(a),
            None => {
                self.set_bad_attr(ty);
                Err(EINVAL)
            }
        }
    }
}

/// How to parse the nests of a request that each hold what one request
/// of another operation holds (the entries of a batch): that operation's
/// policy, built once for all the nests, and the attribute table each
/// parse fills.
///
/// # Invariants
///
/// `policy` and `tb` have `maxattr + 1` entries each.
pub struct NestedParser {
    policy: KVec<bindings::nla_policy>,
    tb: KVec<*mut bindings::nlattr>,
    maxattr: u16,
}

impl NestedParser {
    /// A parser of nests holding the attributes `attrs`, with the rules
    /// [`Policy::for_op`] gives an operation that takes them from
    /// `family`: every other attribute is refused.
    pub fn new(family: &[Policy], attrs: &'static [u16]) -> Result<Self> {
        let op = Op {
            cmd: 0,
            dump: false,
            admin: false,
            attrs,
        };
        let policy = Policy::for_op(family, &op)?;
        let entries = policy.len();
        let maxattr = entries
            .checked_sub(1)
            .and_then(|m| u16::try_from(m).ok())
            .ok_or(EINVAL)?;
        let mut tb: KVec<*mut bindings::nlattr> = KVec::with_capacity(entries, GFP_KERNEL)?;
        for _ in 0..entries {
            tb.push(core::ptr::null_mut(), GFP_KERNEL)?;
        }
        // INVARIANT: Both have `entries` = maxattr + 1 entries.
        Ok(Self {
            policy,
            tb,
            maxattr,
        })
    }

    /// The attributes nested in `nest`, an attribute of `req` (an entry
    /// of a batch), parsed as the core parses a request's own
    /// (`nla_parse_nested`, strict). An invalid one fails with the
    /// kernel's errno; the extended ACK only says that an entry was
    /// invalid (the caller points it at the batch): the parse is given no
    /// extended ACK, which would keep a pointer into this parser's policy
    /// until the ACK is built, after the parser is gone.
    pub fn parse<'a, 'r>(
        &'r mut self,
        req: &'r Request<'a>,
        nest: &Attr<'a>,
    ) -> Result<NestedRequest<'a, 'r>> {
        let len = i32::try_from(nest.payload.len()).map_err(|_| EINVAL)?;
        // SAFETY: `req.info` is valid (`Request`'s invariant); `tb` and `policy` have maxattr + 1
        // entries (type invariant), as __nla_parse needs: it clears and fills `tb` and reads the
        // policy, keeping no pointer to it (the helper passes no extack). `head`/`len` are the
        // 4-byte aligned payload of an attribute in the request's message; __nla_parse reads
        // only attributes lying within those `len` bytes.
        let ret = unsafe {
            bindings::ferroute_genl_parse_nested(
                req.info,
                self.tb.as_mut_ptr(),
                i32::from(self.maxattr),
                nest.payload.as_ptr().cast(),
                len,
                self.policy.as_ptr(),
            )
        };
        if let Err(e) = to_result(ret) {
            req.set_err_msg(c_str!("invalid or unknown attribute in a batch entry"));
            return Err(e);
        }
        // INVARIANT: __nla_parse left each entry of `tb` null or pointing to
        // an attribute it validated, inside the nest, in the request's
        // message, which lives for 'a; `tb` is borrowed until the
        // NestedRequest goes.
        Ok(NestedRequest {
            req,
            tb: &self.tb,
            maxattr: self.maxattr,
        })
    }
}

/// The attributes of one nest of a request ([`NestedParser::parse`]),
/// read as a request's own are.
///
/// # Invariants
///
/// `tb` has `maxattr + 1` entries, each null or pointing to an attribute
/// `__nla_parse` validated in the message of `req`, which lives for `'a`.
pub struct NestedRequest<'a, 'r> {
    req: &'r Request<'a>,
    tb: &'r [*mut bindings::nlattr],
    maxattr: u16,
}

impl<'a> NestedRequest<'a, '_> {
    /// The nested attribute of number `ty`, if present.
    pub fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        if ty == 0 || ty > self.maxattr {
            return None;
        }
        let nla = *self.tb.get(usize::from(ty))?;
        // SAFETY: Null or validated, in a message that lives for 'a (type
        // invariant).
        unsafe { attr_from_raw(nla) }
    }

    /// Returns the attribute or, when it is missing, says so in the
    /// extended ACK and fails with EINVAL.
    pub fn required(&self, ty: u16) -> Result<Attr<'a>> {
        self.attr(ty).ok_or_else(|| {
            self.set_bad_attr(ty);
            EINVAL
        })
    }

    /// Marks nested attribute `ty` as the bad one in the extended ACK;
    /// if it is missing, says that the entry lacks one.
    pub fn set_bad_attr(&self, ty: u16) {
        if ty == 0 || ty > self.maxattr {
            return;
        }
        let nla = self
            .tb
            .get(usize::from(ty))
            .copied()
            .unwrap_or(core::ptr::null_mut());
        if nla.is_null() {
            self.req
                .set_err_msg(c_str!("a batch entry lacks a required attribute"));
            return;
        }
        // SAFETY: `info` is valid (`Request`'s invariant); `nla` is an
        // attribute of its message (type invariant), which the extended
        // ACK may point to: the ACK is built while the message lives.
        unsafe { bindings::ferroute_genl_set_bad_nla(self.req.info, nla) };
    }

    /// Sets the extended ACK message userspace sees with the error.
    pub fn set_err_msg(&self, msg: &'static CStr) {
        self.req.set_err_msg(msg);
    }
}

/// The key of a dump entry, kept in the dump's callback between parts as
/// four 32-bit words (`cb->args` are longs, 32-bit on some machines).
pub trait DumpKey: Copy {
    /// The key as words.
    fn to_words(self) -> [u32; 4];
    /// The key from the words [`DumpKey::to_words`] made.
    fn from_words(w: [u32; 4]) -> Self;
}

/// A dump in progress: one reply skb to fill with entries.
///
/// # Invariants
///
/// `skb` and `cb` are the valid reply buffer and callback of the dump being
/// run, and `family` the registered family, for `'a`; the dump request's
/// attributes (`genl_info_dump(cb)->attrs`) are null or have `maxattr + 1`
/// entries.
pub struct Dump<'a> {
    skb: *mut bindings::sk_buff,
    maxattr: u16,
    cb: *mut bindings::netlink_callback,
    family: *const bindings::genl_family,
    cmd: u8,
    _p: PhantomData<&'a ()>,
}

/// A message being written: an entry of a dump, a reply or a
/// notification.
///
/// # Invariants
///
/// `skb` is a valid netlink message skb that only this writer adds to, for
/// `'a`.
pub struct Message<'a> {
    skb: *mut bindings::sk_buff,
    _p: PhantomData<&'a ()>,
}

impl Message<'_> {
    /// Adds an attribute with raw payload bytes.
    pub fn put(&mut self, ty: u16, data: &[u8]) -> Result {
        let len = i32::try_from(data.len()).map_err(|_| super::errno(bindings::EMSGSIZE))?;
        // SAFETY: `skb` is valid and ours to write (type invariant); nla_put
        // checks the tailroom and fails with EMSGSIZE.
        to_result(unsafe { bindings::nla_put(self.skb, i32::from(ty), len, data.as_ptr().cast()) })
    }

    /// Adds a native-endian `u32`.
    pub fn put_u32(&mut self, ty: u16, v: u32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Adds a native-endian `u64`.
    pub fn put_u64(&mut self, ty: u16, v: u64) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Adds a `u8`.
    pub fn put_u8(&mut self, ty: u16, v: u8) -> Result {
        self.put(ty, &[v])
    }

    /// Adds a nest of type `ty` holding the attributes `fill` puts; if
    /// `fill` fails, the nest is removed again.
    pub fn nest(&mut self, ty: u16, fill: impl FnOnce(&mut Message<'_>) -> Result) -> Result {
        // SAFETY: `skb` is valid and ours to write (type invariant); the
        // helper checks the tailroom and returns null when there is none.
        let start = unsafe { bindings::ferroute_nla_nest_start(self.skb, i32::from(ty)) };
        if start.is_null() {
            return Err(super::errno(bindings::EMSGSIZE));
        }
        let result = fill(self);
        // SAFETY: `start` was returned by nla_nest_start on this skb and
        // everything `fill` added since lies after it.
        unsafe {
            if result.is_ok() {
                bindings::ferroute_nla_nest_end(self.skb, start);
            } else {
                bindings::ferroute_nla_nest_cancel(self.skb, start);
            }
        }
        result
    }

    /// Adds a NUL-terminated string made from `s` (which has no NUL).
    pub fn put_str(&mut self, ty: u16, s: &[u8]) -> Result {
        let mut buf = [0u8; 64];
        let n = s.len().min(buf.len() - 1);
        buf[..n].copy_from_slice(&s[..n]);
        self.put(ty, &buf[..=n])
    }
}

impl<'a> Dump<'a> {
    /// The attribute of number `ty` of the dump request, if present.
    pub fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        if ty == 0 || ty > self.maxattr {
            return None;
        }
        // SAFETY: `cb` is valid and the dump request's attributes are null
        // (the helper checks) or have maxattr + 1 entries (type
        // invariant); `ty` is in 1..=maxattr (checked above).
        let nla = unsafe { bindings::ferroute_genl_dump_attr(self.cb, i32::from(ty)) };
        // SAFETY: The attribute belongs to the dump request, validated by
        // the core, alive while the dump runs ('a).
        unsafe { attr_from_raw(nla) }
    }

    /// Where the previous part of the dump stopped (`cb->args[0]`).
    fn position(&self) -> usize {
        // SAFETY: `cb` is valid; `args` is an array of 6 longs.
        unsafe { *bindings::ferroute_netlink_cb_args(self.cb) as usize }
    }

    /// Records where this part stopped.
    fn set_position(&mut self, pos: usize) {
        // SAFETY: As for `position`.
        unsafe { *bindings::ferroute_netlink_cb_args(self.cb) = pos as kernel::ffi::c_long };
    }

    /// The words of `cb->args[1..5]`, where [`Dump::entries_after`] keeps
    /// the key of the last entry sent.
    fn key_words(&self) -> [u32; 4] {
        // SAFETY: `cb` is valid; `args` is an array of 6 longs, of which
        // 1..5 are read.
        let args =
            unsafe { core::slice::from_raw_parts(bindings::ferroute_netlink_cb_args(self.cb), 6) };
        [
            args[1] as u32,
            args[2] as u32,
            args[3] as u32,
            args[4] as u32,
        ]
    }

    fn set_key_words(&mut self, w: [u32; 4]) {
        // SAFETY: As for `key_words`; the dump callback is ours to write
        // while the dump runs.
        let args = unsafe {
            core::slice::from_raw_parts_mut(bindings::ferroute_netlink_cb_args(self.cb), 6)
        };
        for (a, v) in args[1..5].iter_mut().zip(w) {
            *a = v as kernel::ffi::c_long;
        }
    }

    /// The network namespace of the requesting socket.
    pub fn net(&self) -> super::netdevice::Net<'a> {
        // SAFETY: `cb` is valid by the type invariant, and the dumping
        // socket holds its namespace while the dump runs ('a).
        unsafe { super::netdevice::Net::from_raw(bindings::ferroute_genl_dump_net(self.cb)) }
    }

    /// Records the generation of the data being dumped (`cb->seq`): an
    /// entry written after the generation changed since the previous one
    /// carries NLM_F_DUMP_INTR, telling userspace the dump may be
    /// inconsistent (`genl_dump_check_consistent`). Call it at the start
    /// of each part, with a number that changes with every change (never
    /// 0, which means "not tracked").
    pub fn set_generation(&mut self, generation: u32) {
        // SAFETY: `cb` is valid (type invariant); `seq` is the callback's
        // own field for this.
        unsafe { bindings::ferroute_netlink_cb_set_seq(self.cb, generation) };
    }

    /// Writes one entry per item of `items`, resuming where the previous
    /// part of the dump stopped and recording where this one stops (the
    /// usual `cb->args[0]` cursor), so handlers only say how to fill one.
    /// Each part skips what was sent before, so this is for short lists;
    /// a long one resumes by key ([`Dump::entries_after`]).
    ///
    /// `EMSGSIZE` if one entry does not fit even an empty message: the
    /// dump fails instead of ending early.
    pub fn entries<I: Iterator>(
        &mut self,
        items: I,
        mut fill: impl FnMut(&mut Message<'_>, I::Item) -> Result,
    ) -> Result {
        let start = self.position();
        let mut pos = start;
        let mut result = Ok(());
        for item in items.skip(start) {
            match self.entry(|m| fill(m, item)) {
                Ok(true) => pos += 1,
                Ok(false) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.set_position(pos);
        result
    }

    /// Writes one entry per item that `items` yields after the key of the
    /// last entry sent (`None` in the first part), recording the key of the
    /// last one this part sends (in `cb->args[1..5]`). `items` must yield
    /// in key order and resume after a key in time proportional to what it
    /// yields, so a dump of a million entries costs a million, not a
    /// million times the number of parts.
    ///
    /// `EMSGSIZE` if one entry does not fit even an empty message.
    pub fn entries_after<K: DumpKey, T, I: Iterator<Item = (K, T)>>(
        &mut self,
        items: impl FnOnce(Option<K>) -> I,
        mut fill: impl FnMut(&mut Message<'_>, T) -> Result,
    ) -> Result {
        let after = (self.position() != 0).then(|| K::from_words(self.key_words()));
        let mut last = None;
        let mut result = Ok(());
        for (key, item) in items(after) {
            match self.entry(|m| fill(m, item)) {
                Ok(true) => last = Some(key),
                Ok(false) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Some(k) = last {
            self.set_key_words(k.to_words());
            self.set_position(1);
        }
        result
    }

    /// Writes one entry with `fill`. Returns `Ok(false)`, leaving nothing
    /// of the entry behind, when the reply is full: the caller stops and
    /// the core calls `dumpit` again with a fresh skb. `EMSGSIZE` if the
    /// reply was empty, so that the entry can never be sent.
    pub fn entry(&mut self, fill: impl FnOnce(&mut Message<'_>) -> Result) -> Result<bool> {
        // SAFETY: `skb` is valid (type invariant).
        let empty = unsafe { bindings::ferroute_skb_len_of(self.skb) } == 0;
        let too_big = || {
            if empty {
                Err(super::errno(bindings::EMSGSIZE))
            } else {
                Ok(false)
            }
        };
        // SAFETY: The skb, callback and family are valid (type invariant).
        let hdr = unsafe {
            bindings::ferroute_genlmsg_put_dump(self.skb, self.cb, self.family, self.cmd)
        };
        if hdr.is_null() {
            return too_big();
        }
        let mut msg = Message {
            skb: self.skb,
            _p: PhantomData,
        };
        match fill(&mut msg) {
            Ok(()) => {
                // SAFETY: `hdr` was returned by genlmsg_put on this skb.
                unsafe { bindings::ferroute_genlmsg_end(self.skb, hdr) };
                Ok(true)
            }
            Err(_) => {
                // SAFETY: `hdr` was returned by genlmsg_put on this skb.
                unsafe { bindings::ferroute_genlmsg_cancel(self.skb, hdr) };
                too_big()
            }
        }
    }
}

struct Adapter<F: Family>(PhantomData<F>);

impl<F: Family> Adapter<F> {
    /// # Safety
    ///
    /// Called by the genetlink core for a registered family, with valid
    /// `skb` and `info` for a validated request.
    unsafe extern "C" fn doit(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> i32 {
        // SAFETY: The core passes a valid `info`.
        let cmd = unsafe { bindings::ferroute_genl_info_cmd(info) };
        // INVARIANT: `info` is valid for the duration of this call. The
        // core parsed the request into `info->attrs` with the maxattr of
        // the operation it ran (genl_family_rcv_msg_attrs_parse:
        // maxattr + 1 entries, none and null for 0). That operation is one
        // of ours, registered by `Registration::register` with
        // `maxattr::<F>()` and a non-null policy, which the core keeps
        // (genl_op_from_full replaces only a 0 maxattr, with the family's,
        // also `maxattr::<F>()`, and only a null policy;
        // genl_cmd_full_to_split copies both for a do). Registration
        // succeeded, so `maxattr::<F>()` is `Ok` here.
        let maxattr = maxattr::<F>().unwrap_or(0);
        let req = Request {
            info,
            maxattr,
            _p: PhantomData,
        };
        match F::doit(cmd, &req) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Called by the genetlink core with a valid reply skb and callback of a
    /// dump of a registered family.
    unsafe extern "C" fn dumpit(
        skb: *mut bindings::sk_buff,
        cb: *mut bindings::netlink_callback,
    ) -> i32 {
        // SAFETY: The core passes a valid genetlink dump callback.
        let cmd = unsafe { bindings::ferroute_genl_dump_cmd(cb) };
        // SAFETY: The family is registered; genl_info_dump gives it.
        let family = unsafe { bindings::ferroute_genl_dump_family(cb) };
        // SAFETY: `cb` is the callback of a genetlink dump, whose `data` is
        // the genl_dumpit_info that genl_start filled.
        let core_maxattr = unsafe { bindings::ferroute_genl_dump_maxattr(cb) };
        // INVARIANT: skb, cb and family are valid for this call. genl_start
        // parsed the request's attributes with `ops->maxattr + 1` entries
        // (genl_family_rcv_msg_attrs_parse; null for 0) and copied `*ops`
        // into the dumpit info, whose `op.maxattr` the helper read: the
        // bound is the allocation's own. A value beyond u16 (not one of
        // ours) becomes 0, which reads nothing.
        let maxattr = u16::try_from(core_maxattr).unwrap_or(0);
        let mut dump = Dump {
            skb,
            maxattr,
            cb,
            family,
            cmd,
            _p: PhantomData,
        };
        let result = F::dumpit(cmd, &mut dump);
        // SAFETY: `skb` is valid.
        let len = unsafe { bindings::ferroute_skb_len_of(skb) } as i32;
        match result {
            Err(e) if len == 0 => e.to_errno(),
            _ => len,
        }
    }
}

/// The `maxattr` of the family and of each of its operations: the highest
/// attribute number of [`Family::POLICY`]. Every operation's policy spans
/// all of the family's attributes ([`Policy::for_op`]), so the core sizes
/// the parsed attributes of every request (`info->attrs`) by this number.
fn maxattr<F: Family>() -> Result<u16> {
    let n = F::POLICY.len().checked_sub(1).ok_or(EINVAL)?;
    u16::try_from(n).map_err(|_| EINVAL)
}

struct FamilyStorage {
    family: Opaque<bindings::genl_family>,
    ops: KVec<bindings::genl_ops>,
    /// The multicast groups, `family.mcgrps` pointing at the buffer.
    mcgrps: KVec<bindings::genl_multicast_group>,
    /// One policy per operation, `ops[i].policy` pointing at the buffer
    /// of `_policies[i]`; owned here, read only by the core.
    _policies: KVec<KVec<bindings::nla_policy>>,
}

/// A registered generic netlink family.
///
/// # Invariants
///
/// `storage.family` is registered with the genetlink core while this
/// object lives, and points at `storage.ops`, whose entries point at the
/// buffers of `storage._policies`, and at `storage.mcgrps`; none of them is
/// changed or freed while registered. `F::HANDLE` points at the family
/// from registration until `drop` clears it.
pub struct Registration<F: Family> {
    storage: Pin<KBox<FamilyStorage>>,
    _f: PhantomData<F>,
}

// SAFETY: Unregistering may happen from any thread.
unsafe impl<F: Family> Send for Registration<F> {}
// SAFETY: No method reads through `&self`.
unsafe impl<F: Family> Sync for Registration<F> {}

impl<F: Family> Registration<F> {
    /// Registers the family; `module` is the owner the core pins while a
    /// dump is running.
    pub fn register(module: &'static kernel::ThisModule) -> Result<Self> {
        let maxattr = maxattr::<F>()?;
        let mut policies = KVec::with_capacity(F::OPS.len(), GFP_KERNEL)?;
        let mut ops = KVec::with_capacity(F::OPS.len(), GFP_KERNEL)?;
        for op in F::OPS {
            let policy = Policy::for_op(F::POLICY, op)?;
            let raw = bindings::genl_ops {
                // A policy of this operation's own, with the family's
                // maxattr (see `maxattr`): the core uses both instead of
                // the family's (genl_op_from_full), so validation of this
                // command's requests is against its own attributes.
                // Moving `policy` into `policies` below moves the KVec,
                // not its buffer, so the pointer stays valid.
                policy: policy.as_ptr(),
                maxattr: u32::from(maxattr),
                cmd: op.cmd,
                flags: if op.admin {
                    bindings::GENL_UNS_ADMIN_PERM as u8
                } else {
                    0
                },
                dumpit: if op.dump {
                    Some(Adapter::<F>::dumpit)
                } else {
                    None
                },
                doit: if op.dump {
                    None
                } else {
                    Some(Adapter::<F>::doit)
                },
                ..Default::default()
            };
            policies.push(policy, GFP_KERNEL)?;
            ops.push(raw, GFP_KERNEL)?;
        }
        let mut mcgrps = KVec::with_capacity(F::MCGRPS.len(), GFP_KERNEL)?;
        for g in F::MCGRPS {
            let mut raw = bindings::genl_multicast_group::default();
            let name = g.name.as_bytes();
            // genl_validate_assign_mc_groups WARNs on an empty or
            // unterminated name: refuse those here.
            if name.is_empty() || name.len() >= raw.name.len() {
                return Err(EINVAL);
            }
            for (d, s) in raw.name.iter_mut().zip(name) {
                *d = *s as _;
            }
            if g.admin {
                raw.flags = bindings::FERROUTE_GENL_MCAST_CAP_NET_ADMIN as u8;
            }
            mcgrps.push(raw, GFP_KERNEL)?;
        }
        let storage = KBox::pin(
            FamilyStorage {
                family: Opaque::uninit(),
                ops,
                mcgrps,
                _policies: policies,
            },
            GFP_KERNEL,
        )?;
        let name = F::NAME.as_bytes();
        // Each policy has its op's maxattr + 1 entries (`Policy::for_op`);
        // reject messages are static strings, which the core may keep in an
        // extended ACK until genl_rcv drops cb_lock (taken for writing by
        // genl_unregister_family).
        // SAFETY: `storage` is ours and pinned: the family, and the ops and
        // policy KVec buffers it points to, stay put and unchanged until
        // `drop` unregisters it. All-zero is a valid genl_family before the
        // fields the core reads are set; the name fits (checked below).
        unsafe {
            let fam = storage.family.get();
            core::ptr::write_bytes(fam, 0, 1);
            if name.len() >= (*fam).name.len() {
                return Err(EINVAL);
            }
            for (d, s) in (*fam).name.iter_mut().zip(name) {
                *d = *s as _;
            }
            (*fam).version = F::VERSION;
            // Reported to userspace (CTRL_ATTR_MAXATTR); validation uses
            // each op's maxattr and policy, so the family has no policy.
            (*fam).maxattr = u32::from(maxattr);
            (*fam).ops = storage.ops.as_ptr();
            (*fam).n_ops = u8::try_from(storage.ops.len()).map_err(|_| EINVAL)?;
            // Group names checked above (non-empty, NUL-terminated).
            if !storage.mcgrps.is_empty() {
                (*fam).mcgrps = storage.mcgrps.as_ptr();
                (*fam).n_mcgrps = u8::try_from(storage.mcgrps.len()).map_err(|_| EINVAL)?;
            }
            // resv_start_op 0, as new families leave it: every command is
            // "new", so the core also checks the genetlink header (reserved
            // byte zero, only REQUEST/ACK/ECHO/DUMP flags). Attribute
            // validation is strict either way: no op sets `validate`
            // (GENL_DONT_VALIDATE_*; genl_validate_ops refuses it for
            // commands >= resv_start_op anyway), so
            // genl_family_rcv_msg_attrs_parse uses NL_VALIDATE_STRICT.
            (*fam).resv_start_op = 0;
            (*fam).module = module.as_ptr().cast();
            (*fam).set_netnsok(1);
            // parallel_ops: handlers lock what they touch themselves (RTNL
            // for configuration writes, RCU for reads), so requests need
            // not queue behind genl_mutex, shared by every family, and a
            // long request (fib-bench) holds up no one. Unregistration
            // still waits for running requests (genl_lock_all takes
            // cb_lock for writing; every request runs under it for
            // reading).
            (*fam).set_parallel_ops(1);
            to_result(bindings::genl_register_family(fam))?;
        }
        // INVARIANT (of the handle): the family is registered; `drop`
        // clears the handle before unregistering it. A second registration
        // of the family's name fails above, so the handle is never taken
        // from another registration of the same family.
        F::HANDLE
            .family
            .store(storage.family.get(), Ordering::Release);
        // INVARIANT: registered above.
        Ok(Self {
            storage,
            _f: PhantomData,
        })
    }
}

impl<F: Family> Drop for Registration<F> {
    fn drop(&mut self) {
        let fam = self.storage.family.get();
        // No new notification finds the family; one that loaded it before
        // is inside a read-side section, which the grace period waits for
        // (`FamilyHandle`'s invariant).
        let _ = F::HANDLE.family.compare_exchange(
            fam,
            core::ptr::null_mut(),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
        super::rcu::synchronize();
        // SAFETY: Registered by the type invariant; the core waits for
        // running operations before returning, and no notification
        // sender holds the family any more (above).
        unsafe { bindings::genl_unregister_family(fam) };
    }
}

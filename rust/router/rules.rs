// SPDX-License-Identifier: GPL-2.0

//! Policy rule configuration: what `ferctl rule add/del/list` reach through
//! netlink (`fib_nl_newrule`, `fib_nl_delrule`, `fib_nl_dumprule` in
//! Linux).

use super::netlink::attr;
use super::{errno_of, CtlError, Router};
use crate::abstractions::genetlink::{Dump, Message};
use crate::abstractions::netdevice::Net;
use crate::abstractions::sync::Rtnl;
use crate::ipv4::errno::Errno;
use crate::ipv4::fib::{dev_name, DevName, Rule, RuleAction, RuleSelector};
use crate::uapi::{rule_action, rule_flags};
use kernel::c_str;
use kernel::prelude::*;

/// A rule as requested, with its ports still names.
pub struct RuleRequest<'a> {
    /// The rule (`iif`/`oif` are filled from the names).
    pub rule: Rule,
    /// Whether the request gave a priority; if not, the rule gets
    /// `fib_default_rule_pref`'s.
    pub has_priority: bool,
    /// `iif` name.
    pub iif: Option<&'a [u8]>,
    /// `oif` name.
    pub oif: Option<&'a [u8]>,
}

/// A rule selector as requested (`ip rule del`), with its ports still
/// names.
pub struct RuleDelRequest<'a> {
    /// The fields to match (`iif`/`oif` are filled from the names).
    pub sel: RuleSelector,
    /// `iif` name.
    pub iif: Option<&'a [u8]>,
    /// `oif` name.
    pub oif: Option<&'a [u8]>,
}

/// The `rule-action` number of an action.
pub fn action_number(a: RuleAction) -> u8 {
    match a {
        RuleAction::ToTable(_) => rule_action::TO_TABLE,
        RuleAction::Goto(_) => rule_action::GOTO,
        RuleAction::Nop => rule_action::NOP,
        RuleAction::Blackhole => rule_action::BLACKHOLE,
        RuleAction::Unreachable => rule_action::UNREACHABLE,
        RuleAction::Prohibit => rule_action::PROHIBIT,
    }
}

/// A requested device name as a rule keeps it; longer than IFNAMSIZ - 1
/// is EINVAL (the policy refuses it first).
fn names(name: Option<&[u8]>) -> Result<Option<DevName>, CtlError> {
    name.map(|n| dev_name(n).ok_or((EINVAL, c_str!("device name too long"))))
        .transpose()
}

/// A kept name without its NUL padding.
fn name_bytes(n: &DevName) -> &[u8] {
    let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
    n.get(..end).unwrap_or(n)
}

impl Router {
    /// `ip rule add`.
    pub fn rule_add(
        &self,
        req: RuleRequest<'_>,
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.update_config_announced(
            rtnl,
            net,
            |c| {
                let mut rule = req.rule;
                // fib_nl2rule: kept by name; a device of that name may come
                // later (the rule is detached until then).
                rule.iif_name = names(req.iif)?;
                rule.oif_name = names(req.oif)?;
                rule.iif = req.iif.and_then(|n| c.port_by_name(n)).map(|p| p.id);
                rule.oif = req.oif.and_then(|n| c.port_by_name(n)).map(|p| p.id);
                if !req.has_priority {
                    rule.priority = c.fib.default_rule_pref();
                }
                c.fib.add_rule(rule, true).map_err(|e| {
                    let msg = match e {
                        Errno::Eexist => c_str!("rule already exists"),
                        Errno::Einval => match rule.action {
                            RuleAction::Goto(_) => c_str!("goto must jump to a higher priority"),
                            _ => c_str!("invalid rule"),
                        },
                        _ => c_str!("cannot add the rule"),
                    };
                    (errno_of(e), msg)
                })
            },
            |n, old, new| n.rules(old, new),
        )
    }

    /// `ip rule del`: the first rule the (partial) selector matches.
    pub fn rule_del(
        &self,
        req: RuleDelRequest<'_>,
        net: &Net<'_>,
        rtnl: &Rtnl,
    ) -> Result<(), CtlError> {
        self.update_config_announced(
            rtnl,
            net,
            |c| {
                let mut sel = req.sel;
                // rule_find compares the names.
                sel.iif_name = names(req.iif)?;
                sel.oif_name = names(req.oif)?;
                c.fib
                    .del_rule(&sel)
                    .map(|_| ())
                    .map_err(|e| (errno_of(e), c_str!("no such rule")))
            },
            |n, old, new| n.rules(old, new),
        )
    }

    /// Dumps the rules in the order they are tried.
    pub fn dump_rules(&self, dump: &mut Dump<'_>) -> Result {
        self.with_config(|c| {
            dump.set_generation(c.generation);
            dump.entries(c.fib.rules().iter(), |m, r| put_rule(c, m, r))
        })
        .unwrap_or(Ok(()))
    }
}

/// A rule as `rule-list` describes it (`fib_nl_fill_rule`).
pub(super) fn put_rule(c: &super::Config, m: &mut Message<'_>, r: &Rule) -> Result {
    m.put_u32(attr::PRIORITY, r.priority)?;
    if r.src_len > 0 {
        m.put(attr::SRC, &r.src.octets())?;
        m.put_u8(attr::SRC_LEN, r.src_len)?;
    }
    if r.dst_len > 0 {
        m.put(attr::ADDRESS, &r.dst.octets())?;
        m.put_u8(attr::PREFIXLEN, r.dst_len)?;
    }
    if let Some(n) = r.iif_name {
        m.put_str(attr::IIFNAME, name_bytes(&n))?;
    }
    if let Some(n) = r.oif_name {
        m.put_str(attr::IFNAME, name_bytes(&n))?;
    }
    // FIB_RULE_IIF_DETACHED, FIB_RULE_OIF_DETACHED, and
    // FIB_RULE_UNRESOLVED for a goto whose target no rule has
    // (its ctarget is NULL).
    let mut flags = 0;
    if r.iif_detached() {
        flags |= rule_flags::IIF_DETACHED;
    }
    if r.oif_detached() {
        flags |= rule_flags::OIF_DETACHED;
    }
    if let RuleAction::Goto(t) = r.action {
        if !c.fib.rules().iter().any(|x| x.priority == t) {
            flags |= rule_flags::UNRESOLVED;
        }
    }
    if flags != 0 {
        m.put_u8(attr::RULE_FLAGS, flags)?;
    }
    if r.tos != 0 {
        m.put_u8(attr::TOS, r.tos)?;
    }
    if r.fwmask != 0 {
        m.put_u32(attr::MARK, r.fwmark)?;
        m.put_u32(attr::FWMASK, r.fwmask)?;
    }
    if r.invert {
        m.put_u8(attr::INVERT, 1)?;
    }
    m.put_u8(attr::RULE_ACTION, action_number(r.action))?;
    match r.action {
        RuleAction::ToTable(t) => m.put_u32(attr::TABLE, t),
        RuleAction::Goto(p) => m.put_u32(attr::GOTO, p),
        _ => Ok(()),
    }
}

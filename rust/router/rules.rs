// SPDX-License-Identifier: GPL-2.0

//! Policy rule configuration: what `ferctl rule add/del/list` reach through
//! netlink (`fib_nl_newrule`, `fib_nl_delrule`, `fib_nl_dumprule` in
//! Linux).

use super::netlink::attr;
use super::routes::port_id;
use super::{errno_of, CtlError, Router};
use crate::abstractions::genetlink::Dump;
use crate::abstractions::sync::Rtnl;
use crate::ipv4::errno::Errno;
use crate::ipv4::fib::{Rule, RuleAction, RuleSelector};
use crate::uapi::rule_action;
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

impl Router {
    /// `ip rule add`.
    pub fn rule_add(&self, req: RuleRequest<'_>, rtnl: &Rtnl) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let mut rule = req.rule;
            rule.iif = port_id(c, req.iif)?;
            rule.oif = port_id(c, req.oif)?;
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
        })
    }

    /// `ip rule del`: the first rule the (partial) selector matches.
    pub fn rule_del(&self, req: RuleDelRequest<'_>, rtnl: &Rtnl) -> Result<(), CtlError> {
        self.update_config(rtnl, |c| {
            let mut sel = req.sel;
            sel.iif = port_id(c, req.iif)?;
            sel.oif = port_id(c, req.oif)?;
            c.fib
                .del_rule(&sel)
                .map(|_| ())
                .map_err(|e| (errno_of(e), c_str!("no such rule")))
        })
    }

    /// Dumps the rules in the order they are tried.
    pub fn dump_rules(&self, dump: &mut Dump<'_>) -> Result {
        self.with_config(|c| {
            dump.set_generation(c.generation);
            dump.entries(c.fib.rules().iter(), |m, r| {
                m.put_u32(attr::PRIORITY, r.priority)?;
                if r.src_len > 0 {
                    m.put(attr::SRC, &r.src.octets())?;
                    m.put_u8(attr::SRC_LEN, r.src_len)?;
                }
                if r.dst_len > 0 {
                    m.put(attr::ADDRESS, &r.dst.octets())?;
                    m.put_u8(attr::PREFIXLEN, r.dst_len)?;
                }
                if let Some(p) = r.iif.and_then(|p| c.port(p)) {
                    m.put_str(attr::IIFNAME, p.name())?;
                }
                if let Some(p) = r.oif.and_then(|p| c.port(p)) {
                    m.put_str(attr::IFNAME, p.name())?;
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
            })
        })
        .unwrap_or(Ok(()))
    }
}

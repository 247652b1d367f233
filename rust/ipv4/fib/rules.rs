// SPDX-License-Identifier: GPL-2.0

//! Policy routing rules (net/core/fib_rules.c, net/ipv4/fib_rules.c):
//! matching (`fib_rule_match`, `fib4_rule_match`), the walk of
//! `fib_rules_lookup` with `fib4_rule_action`, and rule insertion and
//! deletion as `fib_nl_newrule` / `fib_nl_delrule` do them.

use super::FibVec;
use super::{RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN};
use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::PortId;

/// What a matching rule does (`FR_ACT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleAction {
    /// `FR_ACT_TO_TBL`: look the destination up in this table.
    ToTable(u32),
    /// `FR_ACT_GOTO`: continue at the first rule of this priority (which
    /// must be higher than the rule's own).
    Goto(u32),
    /// `FR_ACT_NOP`: nothing.
    Nop,
    /// `FR_ACT_BLACKHOLE`: fail with `EINVAL`.
    Blackhole,
    /// `FR_ACT_UNREACHABLE`: fail with `ENETUNREACH`.
    Unreachable,
    /// `FR_ACT_PROHIBIT`: fail with `EACCES`.
    Prohibit,
}

/// A device name as a rule keeps it (`iifname`/`oifname`: IFNAMSIZ bytes,
/// NUL-padded).
pub type DevName = [u8; 16];

/// The loopback device's name: every namespace has it, and Linux's output
/// lookups come from it (`flowi4_iif = LOOPBACK_IFINDEX`), so an `iif lo`
/// rule matches what the router sends itself.
pub const LOOPBACK_NAME: DevName = *b"lo\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// `name` as a [`DevName`]; `None` if it is longer than IFNAMSIZ - 1.
pub fn dev_name(name: &[u8]) -> Option<DevName> {
    let mut n = [0u8; 16];
    n.get_mut(..name.len())?.copy_from_slice(name);
    (name.len() < n.len()).then_some(n)
}

/// A policy rule (`struct fib4_rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// Priority (`pref`); rules are tried lowest first.
    pub priority: u32,
    /// Source prefix (`from`); length 0 matches all.
    pub src: Ipv4Addr,
    /// Source prefix length.
    pub src_len: u8,
    /// Destination prefix (`to`).
    pub dst: Ipv4Addr,
    /// Destination prefix length.
    pub dst_len: u8,
    /// Input port (`iif`, `iifindex`), if any; `None` with an `iif_name`
    /// while no port has that name (`[detached]`: the rule matches
    /// nothing, except `iif lo`, which matches what the router sends).
    pub iif: Option<PortId>,
    /// Output port (`oif`), as `iif`; a detached `oif` matches nothing.
    pub oif: Option<PortId>,
    /// The `iif` name (`iifname`): the rule is kept by name, as Linux
    /// does, and follows the port of that name as it goes and comes.
    pub iif_name: Option<DevName>,
    /// The `oif` name (`oifname`).
    pub oif_name: Option<DevName>,
    /// TOS; 0 matches all.
    pub tos: u8,
    /// Firewall mark; matched under `fwmask`.
    pub fwmark: u32,
    /// Mask of the mark (0: any mark).
    pub fwmask: u32,
    /// `FIB_RULE_INVERT` (`not`): the rule applies when it does not match.
    pub invert: bool,
    /// The action.
    pub action: RuleAction,
}

impl Rule {
    /// A rule matching everything, with `priority` and `action`.
    pub const fn new(priority: u32, action: RuleAction) -> Self {
        Self {
            priority,
            src: Ipv4Addr::UNSPECIFIED,
            src_len: 0,
            dst: Ipv4Addr::UNSPECIFIED,
            dst_len: 0,
            iif: None,
            oif: None,
            iif_name: None,
            oif_name: None,
            tos: 0,
            fwmark: 0,
            fwmask: 0,
            invert: false,
            action,
        }
    }

    /// Whether the rule names an `iif` that no port has (`[detached]`).
    pub fn iif_detached(&self) -> bool {
        self.iif.is_none() && self.iif_name.is_some_and(|n| n != LOOPBACK_NAME)
    }

    /// Whether the rule names an `oif` that no port has (`[detached]`;
    /// `lo` exists, but the router never sends out of it).
    pub fn oif_detached(&self) -> bool {
        self.oif.is_none() && self.oif_name.is_some_and(|n| n != LOOPBACK_NAME)
    }

    /// `fib_rule_match` with `fib4_rule_match`.
    pub fn matches(&self, f: &FlowKeys) -> bool {
        let iif = match (self.iif, self.iif_name) {
            (Some(p), _) => f.iif == Some(p),
            (None, None) => true,
            (None, Some(n)) => n == LOOPBACK_NAME && f.iif.is_none(),
        };
        let oif = match (self.oif, self.oif_name) {
            (Some(p), _) => f.oif == Some(p),
            (None, None) => true,
            (None, Some(_)) => false,
        };
        let m = iif
            && oif
            && (self.fwmark ^ f.mark) & self.fwmask == 0
            && f.src.in_prefix(self.src, self.src_len)
            && f.dst.in_prefix(self.dst, self.dst_len)
            && (self.tos == 0 || self.tos == f.tos);
        m != self.invert
    }

    /// `rule_exists` with `fib4_rule_compare`: whether `self` stands in the
    /// way of adding `new`. Action, table, priority, device names and mark
    /// are compared whole; prefixes and TOS only where `new` sets them;
    /// `not` and a goto's target not at all.
    fn blocks(&self, new: &Rule) -> bool {
        let table = |a: RuleAction| match a {
            RuleAction::ToTable(t) => t,
            _ => 0,
        };
        core::mem::discriminant(&self.action) == core::mem::discriminant(&new.action)
            && table(self.action) == table(new.action)
            && self.priority == new.priority
            && (self.iif_name, self.iif) == (new.iif_name, new.iif)
            && (self.oif_name, self.oif) == (new.oif_name, new.oif)
            && (self.fwmark, self.fwmask) == (new.fwmark, new.fwmask)
            && (new.src_len == 0 || (self.src_len, self.src) == (new.src_len, new.src))
            && (new.dst_len == 0 || (self.dst_len, self.dst) == (new.dst_len, new.dst))
            && (new.tos == 0 || self.tos == new.tos)
    }

    /// `fib_nl2rule` / `fib4_rule_configure` checks.
    fn validate(&self) -> Result<(), Errno> {
        // fib4_rule_configure: "ECN bits must be 0" (inet_validate_dscp),
        // then "Invalid tos" (IPTOS_TOS_MASK, 0x1e): 0x1c is what is left.
        if self.src_len > 32 || self.dst_len > 32 || self.tos & !0x1c != 0 {
            return Err(Errno::Einval);
        }
        match self.action {
            RuleAction::Goto(t) if t <= self.priority => Err(Errno::Einval),
            RuleAction::ToTable(0) => Err(Errno::Einval),
            _ => Ok(()),
        }
    }
}

/// The fields of a flow the rules look at (`struct flowi4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlowKeys {
    /// Destination.
    pub dst: Ipv4Addr,
    /// Source (0 if unknown).
    pub src: Ipv4Addr,
    /// Input port; `None` for locally generated packets.
    pub iif: Option<PortId>,
    /// Output port the lookup is bound to.
    pub oif: Option<PortId>,
    /// TOS byte.
    pub tos: u8,
    /// Firewall mark.
    pub mark: u32,
}

/// Which rule [`Rules::delete`] removes (`fib_nl_delrule`'s `rule_find`):
/// the first one whose fields equal every `Some` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleSelector {
    /// Priority.
    pub priority: Option<u32>,
    /// Action.
    pub action: Option<RuleAction>,
    /// Source prefix and length.
    pub src: Option<(Ipv4Addr, u8)>,
    /// Destination prefix and length.
    pub dst: Option<(Ipv4Addr, u8)>,
    /// Input port.
    pub iif: Option<PortId>,
    /// Output port.
    pub oif: Option<PortId>,
    /// Input port name.
    pub iif_name: Option<DevName>,
    /// Output port name.
    pub oif_name: Option<DevName>,
    /// TOS.
    pub tos: Option<u8>,
    /// Mark and mask.
    pub fwmark: Option<(u32, u32)>,
}

impl RuleSelector {
    fn selects(&self, r: &Rule) -> bool {
        self.priority.map_or(true, |p| p == r.priority)
            && self.action.map_or(true, |a| a == r.action)
            && self.src.map_or(true, |s| s == (r.src, r.src_len))
            && self.dst.map_or(true, |d| d == (r.dst, r.dst_len))
            && self.iif.map_or(true, |p| Some(p) == r.iif)
            && self.oif.map_or(true, |p| Some(p) == r.oif)
            && self.iif_name.map_or(true, |n| Some(n) == r.iif_name)
            && self.oif_name.map_or(true, |n| Some(n) == r.oif_name)
            && self.tos.map_or(true, |t| t == r.tos)
            && self.fwmark.map_or(true, |m| m == (r.fwmark, r.fwmask))
    }
}

/// The rules `fib_default_rules_init` installs.
pub const DEFAULT_RULES: [Rule; 3] = [
    Rule::new(0, RuleAction::ToTable(RT_TABLE_LOCAL)),
    Rule::new(32766, RuleAction::ToTable(RT_TABLE_MAIN)),
    Rule::new(32767, RuleAction::ToTable(RT_TABLE_DEFAULT)),
];

/// What a rule walk step asks of the tables.
pub enum Step<T> {
    /// The table lookup's answer ends the walk.
    Done(T),
    /// `-EAGAIN`: nothing there, go on with the next rule.
    Again,
}

/// The rule list, sorted by priority; the default rules until the first
/// change (so that an empty FIB does not allocate).
#[derive(Default)]
pub struct Rules {
    list: FibVec<Rule>,
    custom: bool,
}

impl Rules {
    /// The default rules; does not allocate.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy.
    pub fn try_clone(&self) -> Result<Self, Errno> {
        Ok(Self {
            list: self.list.try_clone()?,
            custom: self.custom,
        })
    }

    /// The rules, in order.
    pub fn as_slice(&self) -> &[Rule] {
        if self.custom {
            &self.list
        } else {
            &DEFAULT_RULES
        }
    }

    fn materialize(&mut self) -> Result<(), Errno> {
        if !self.custom {
            let mut list = FibVec::try_with_capacity(DEFAULT_RULES.len().saturating_add(1))?;
            for r in DEFAULT_RULES {
                list.try_push(r)?;
            }
            self.list = list;
            self.custom = true;
        }
        Ok(())
    }

    /// `fib_default_rule_pref`: the priority `ip rule add` without `pref`
    /// gets: one below the second rule's, if that is not 0.
    pub fn default_pref(&self) -> u32 {
        self.as_slice()
            .get(1)
            .map_or(0, |r| r.priority.saturating_sub(1))
    }

    /// `fib_nl_newrule`: adds `rule` after the rules of lower or equal
    /// priority. `EEXIST` if `exclusive` and a rule equal in what `rule`
    /// gives exists (`rule_exists`); `EINVAL` for a bad prefix length,
    /// TOS, a backward `goto` or table 0.
    pub fn add(&mut self, rule: Rule, exclusive: bool) -> Result<(), Errno> {
        rule.validate()?;
        if exclusive && self.as_slice().iter().any(|r| r.blocks(&rule)) {
            return Err(Errno::Eexist);
        }
        self.materialize()?;
        let at = self
            .list
            .iter()
            .position(|r| r.priority > rule.priority)
            .unwrap_or(self.list.len());
        self.list.try_insert(at, rule)?;
        Ok(())
    }

    /// `fib_nl_delrule`: removes the first rule `sel` selects; `ENOENT` if
    /// none.
    pub fn delete(&mut self, sel: &RuleSelector) -> Result<Rule, Errno> {
        let at = self
            .as_slice()
            .iter()
            .position(|r| sel.selects(r))
            .ok_or(Errno::Enoent)?;
        self.materialize()?;
        self.list.remove(at).ok_or(Errno::Enoent)
    }

    /// The rules naming `port` as `iif` or `oif` are detached from it (a
    /// device unregisters: Linux's `detach_rules`); they keep its name.
    pub fn detach(&mut self, port: PortId) {
        if !self.custom {
            return;
        }
        for r in self.list.iter_mut() {
            if r.iif == Some(port) {
                r.iif = None;
            }
            if r.oif == Some(port) {
                r.oif = None;
            }
        }
    }

    /// The detached rules naming `name` are attached to `port` (a device
    /// of that name registers: Linux's `attach_rules`).
    pub fn attach(&mut self, port: PortId, name: &[u8]) {
        let Some(name) = dev_name(name) else {
            return;
        };
        if !self.custom {
            return;
        }
        for r in self.list.iter_mut() {
            if r.iif.is_none() && r.iif_name == Some(name) {
                r.iif = Some(port);
            }
            if r.oif.is_none() && r.oif_name == Some(name) {
                r.oif = Some(port);
            }
        }
    }

    /// `fib_rules_lookup` with `fib4_rule_action`: for each rule that
    /// matches `flow`, in order, act: `goto` jumps to the first rule of its
    /// target priority (an unresolved goto is skipped), `nop` goes on, a
    /// reject action ends the walk with its error, and a table rule asks
    /// `table` (a missing table or `Step::Again` goes on). `ESRCH` when the
    /// rules run out (callers turn it into `ENETUNREACH`, as `__fib_lookup`
    /// does).
    #[inline]
    pub fn lookup<T>(
        &self,
        flow: &FlowKeys,
        mut table: impl FnMut(u32) -> Step<T>,
    ) -> Result<T, Errno> {
        let rules = self.as_slice();
        let mut i = 0usize;
        while let Some(rule) = rules.get(i) {
            i = i.saturating_add(1);
            if !rule.matches(flow) {
                continue;
            }
            match rule.action {
                RuleAction::Goto(target) => {
                    // Targets are always later rules: no loops.
                    if let Some(t) = rules.iter().position(|r| r.priority == target) {
                        if t > i.saturating_sub(1) {
                            i = t;
                        }
                    }
                }
                RuleAction::Nop => {}
                RuleAction::Blackhole => return Err(Errno::Einval),
                RuleAction::Unreachable => return Err(Errno::Enetunreach),
                RuleAction::Prohibit => return Err(Errno::Eacces),
                RuleAction::ToTable(id) => {
                    if let Step::Done(t) = table(id) {
                        return Ok(t);
                    }
                }
            }
        }
        Err(Errno::Esrch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn walk(rules: &Rules, f: &FlowKeys, tables: &[u32]) -> Result<u32, Errno> {
        rules.lookup(f, |id| {
            if tables.contains(&id) {
                Step::Done(id)
            } else {
                Step::Again
            }
        })
    }

    #[test]
    fn default_rules_are_local_main_default() {
        let r = Rules::new();
        let prios: std::vec::Vec<u32> = r.as_slice().iter().map(|r| r.priority).collect();
        assert_eq!(prios, [0, 32766, 32767]);
        assert_eq!(r.default_pref(), 32765);
        let f = FlowKeys::default();
        assert_eq!(walk(&r, &f, &[254, 253]), Ok(254));
        assert_eq!(walk(&r, &f, &[253]), Ok(253));
        assert_eq!(walk(&r, &f, &[]), Err(Errno::Esrch));
    }

    #[test]
    fn rules_match_on_every_selector() {
        let mut r = Rules::new();
        let from = Rule {
            src: Ipv4Addr::new(10, 1, 0, 0),
            src_len: 16,
            ..Rule::new(100, RuleAction::ToTable(100))
        };
        r.add(from, true).unwrap();
        assert_eq!(r.add(from, true), Err(Errno::Eexist));
        r.add(
            Rule {
                fwmark: 0x10,
                fwmask: 0xf0,
                ..Rule::new(110, RuleAction::ToTable(110))
            },
            true,
        )
        .unwrap();
        r.add(
            Rule {
                iif: Some(PortId(3)),
                tos: 0x10,
                ..Rule::new(120, RuleAction::Prohibit)
            },
            true,
        )
        .unwrap();
        let t = [100, 110, 254];
        let f = |src: [u8; 4], mark, iif, tos| FlowKeys {
            dst: Ipv4Addr::new(8, 8, 8, 8),
            src: Ipv4Addr::from_octets(src),
            iif,
            oif: None,
            tos,
            mark,
        };
        assert_eq!(walk(&r, &f([10, 1, 2, 3], 0, None, 0), &t), Ok(100));
        assert_eq!(walk(&r, &f([10, 2, 2, 3], 0x1f, None, 0), &t), Ok(110));
        assert_eq!(walk(&r, &f([10, 2, 2, 3], 0x2f, None, 0), &t), Ok(254));
        assert_eq!(
            walk(&r, &f([10, 2, 2, 3], 0, Some(PortId(3)), 0x10), &t),
            Err(Errno::Eacces)
        );
        assert_eq!(
            walk(&r, &f([10, 2, 2, 3], 0, Some(PortId(3)), 0), &t),
            Ok(254)
        );
    }

    #[test]
    fn goto_nop_invert_and_rejects() {
        let mut r = Rules::new();
        r.add(Rule::new(10, RuleAction::Goto(50)), true).unwrap();
        r.add(Rule::new(20, RuleAction::Blackhole), true).unwrap();
        r.add(Rule::new(50, RuleAction::Nop), true).unwrap();
        r.add(
            Rule {
                invert: true,
                dst: Ipv4Addr::new(10, 0, 0, 0),
                dst_len: 8,
                ..Rule::new(60, RuleAction::Unreachable)
            },
            true,
        )
        .unwrap();
        assert_eq!(
            r.add(Rule::new(70, RuleAction::Goto(70)), true),
            Err(Errno::Einval)
        );
        let f = |d: [u8; 4]| FlowKeys {
            dst: Ipv4Addr::from_octets(d),
            ..FlowKeys::default()
        };
        // The goto jumps over the blackhole; "not to 10/8" is unreachable.
        assert_eq!(walk(&r, &f([10, 0, 0, 1]), &[254]), Ok(254));
        assert_eq!(walk(&r, &f([11, 0, 0, 1]), &[254]), Err(Errno::Enetunreach));
        // Without its target the goto is skipped (unresolved).
        r.delete(&RuleSelector {
            priority: Some(50),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(walk(&r, &f([10, 0, 0, 1]), &[254]), Err(Errno::Einval));
        assert_eq!(
            r.delete(&RuleSelector {
                priority: Some(50),
                ..Default::default()
            }),
            Err(Errno::Enoent)
        );
    }

    #[test]
    fn rules_of_equal_priority_keep_insertion_order() {
        let mut r = Rules::new();
        r.add(Rule::new(5, RuleAction::ToTable(1)), true).unwrap();
        r.add(Rule::new(5, RuleAction::ToTable(2)), true).unwrap();
        assert_eq!(walk(&r, &FlowKeys::default(), &[1, 2]), Ok(1));
        assert_eq!(r.default_pref(), 4);
    }

    /// The oracle: the rule walk as fib_rules_lookup's goto-label loop.
    fn oracle(rules: &[Rule], f: &FlowKeys, tables: &[u32]) -> Result<u32, Errno> {
        let mut i = 0;
        while i < rules.len() {
            let r = &rules[i];
            i += 1;
            if !r.matches(f) {
                continue;
            }
            match r.action {
                RuleAction::Goto(t) => {
                    if let Some(j) = rules.iter().position(|x| x.priority == t) {
                        i = j;
                    }
                }
                RuleAction::Nop => {}
                RuleAction::Blackhole => return Err(Errno::Einval),
                RuleAction::Unreachable => return Err(Errno::Enetunreach),
                RuleAction::Prohibit => return Err(Errno::Eacces),
                RuleAction::ToTable(t) if tables.contains(&t) => return Ok(t),
                RuleAction::ToTable(_) => {}
            }
        }
        Err(Errno::Esrch)
    }

    fn arb_rule() -> impl Strategy<Value = Rule> {
        (
            0u32..40,
            0u8..4,
            any::<u8>(),
            0u8..=8,
            0u32..3,
            any::<bool>(),
            0u8..6,
            1u32..6,
        )
            .prop_map(|(prio, sl, s, dl, mark, invert, act, t)| {
                let action = match act {
                    0 => RuleAction::Goto(prio + t * 3),
                    1 => RuleAction::Nop,
                    2 => RuleAction::Blackhole,
                    3 => RuleAction::Prohibit,
                    _ => RuleAction::ToTable(t),
                };
                Rule {
                    src: Ipv4Addr::new(s & 0xc0, 0, 0, 0),
                    src_len: sl,
                    dst: Ipv4Addr::new(10, 0, 0, 0),
                    dst_len: dl,
                    fwmark: mark,
                    fwmask: if mark == 0 { 0 } else { 3 },
                    invert,
                    ..Rule::new(prio, action)
                }
            })
    }

    proptest! {
        #[test]
        fn rule_walk_equals_the_oracle(
            rules in proptest::collection::vec(arb_rule(), 0..12),
            flows in proptest::collection::vec((any::<u8>(), any::<u8>(), 0u32..4), 1..12),
            tables in proptest::collection::vec(1u32..6, 0..4),
        ) {
            let mut r = Rules::new();
            for x in rules {
                let _ = r.add(x, true);
            }
            let list = r.as_slice();
            prop_assert!(list.windows(2).all(|w| w[0].priority <= w[1].priority));
            for (s, d, mark) in flows {
                let f = FlowKeys {
                    src: Ipv4Addr::new(s, 0, 0, 1),
                    dst: Ipv4Addr::new(d & 0x0b, 1, 1, 1),
                    mark,
                    ..FlowKeys::default()
                };
                let mut tables = tables.clone();
                tables.extend([254, 255]);
                prop_assert_eq!(walk(&r, &f, &tables), oracle(list, &f, &tables));
            }
        }
    }
}

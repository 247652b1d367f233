// SPDX-License-Identifier: GPL-2.0

//! One routing table (`struct fib_table` of net/ipv4/fib_trie.c): a
//! persistent [`Trie`] from prefix to the prefix's list of routes (its
//! `fib_alias` list), with the insertion, deletion and lookup rules of
//! `fib_table_insert`, `fib_table_delete` and `fib_table_lookup`.
//!
//! A prefix's list is sorted as Linux sorts it: TOS descending, then
//! metric ascending; routes of the same TOS and metric stay in the order
//! `prepend`/`append` put them.

use super::alias::{FibAlias, NlFlags, Route, RouteSelector, INET_ECN_MASK, IPTOS_RT_MASK};
use super::lpm::{Trie, TrieError, TrieStats};
use super::{FibVec, SharedList};
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{PortId, Scope};
use crate::platform::with_popcnt;

/// The routes of one prefix, in lookup order, stored in the trie node's
/// value array itself. The first is inline, so that a lookup reaches it
/// without another pointer; the others, which most prefixes do not have,
/// cost one pointer. A copy (a trie node copied on the path of an update
/// copies its leaves) shares the other routes and multipath lists: a
/// reference count each, none for a prefix of one single-path route.
#[derive(Clone)]
pub struct Leaf {
    head: FibAlias,
    tail: SharedList<FibAlias>,
}

impl Leaf {
    /// A leaf of the routes of `v` (`None` if empty).
    fn from_vec(mut v: FibVec<FibAlias>) -> Result<Option<Self>, Errno> {
        let Some(head) = v.remove(0) else {
            return Ok(None);
        };
        Ok(Some(Self {
            head,
            tail: SharedList::try_from_vec(v)?,
        }))
    }

    /// The routes, in the order lookups try them.
    pub fn aliases(&self) -> impl Iterator<Item = &FibAlias> + '_ {
        core::iter::once(&self.head).chain(self.tail.iter())
    }

    /// The number of routes.
    pub fn len(&self) -> usize {
        self.tail.len().saturating_add(1)
    }

    /// Always false: empty leaves are removed from the trie.
    pub fn is_empty(&self) -> bool {
        false
    }

    fn get(&self, i: usize) -> Option<&FibAlias> {
        match i.checked_sub(1) {
            None => Some(&self.head),
            Some(j) => self.tail.get(j),
        }
    }

    /// A copy without the routes for which `drop` is true (`None` if none
    /// is left).
    fn try_clone_without(
        &self,
        mut drop: impl FnMut(usize, &FibAlias) -> bool,
    ) -> Result<Option<Self>, Errno> {
        let mut aliases = FibVec::try_with_capacity(self.len())?;
        for (i, a) in self.aliases().enumerate() {
            if !drop(i, a) {
                aliases.try_push(a.clone())?;
            }
        }
        Self::from_vec(aliases)
    }
}

impl From<TrieError> for Errno {
    fn from(e: TrieError) -> Self {
        match e {
            TrieError::BadPrefix => Errno::Einval,
            TrieError::Alloc => Errno::Enobufs,
        }
    }
}

/// What one table says about a destination (`fib_table_lookup`).
#[derive(Clone, Copy)]
pub enum TableLookup<'a> {
    /// A route of a routing type (unicast, local, broadcast), and the
    /// index of the first next hop usable on the lookup's output port.
    Found {
        /// The route.
        alias: &'a FibAlias,
        /// Its next hop that matched (`res->nh_sel`).
        nh_sel: usize,
    },
    /// A reject route matched first: the lookup fails with its error.
    Reject(&'a Route),
    /// Nothing matched (`-EAGAIN`: the rules go on to the next rule).
    NoMatch,
}

/// A routing table.
#[derive(Clone)]
pub struct Table {
    id: u32,
    trie: Trie<Leaf>,
    routes: usize,
}

/// `fib_find_alias`: the first route of `list` at or after which a route
/// of `tos` and metric `prio` goes.
fn find_alias(list: Option<&Leaf>, tos: u8, prio: u32) -> Option<usize> {
    for (i, a) in list.into_iter().flat_map(|l| l.aliases()).enumerate() {
        let r = a.route();
        if r.tos > tos {
            continue;
        }
        if r.metric >= prio || r.tos < tos {
            return Some(i);
        }
    }
    None
}

impl Table {
    /// An empty table `id` (`fib_trie_table`); does not allocate.
    pub fn new(id: u32) -> Self {
        Self {
            id,
            trie: Trie::new(),
            routes: 0,
        }
    }

    /// The table id.
    #[inline(always)]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The number of routes.
    pub fn len(&self) -> usize {
        self.routes
    }

    /// Whether the table has no routes.
    pub fn is_empty(&self) -> bool {
        self.routes == 0
    }

    /// Node and memory counts of the table: its trie's nodes with their
    /// value arrays (the leaves and their first routes), plus the further
    /// routes and multipath next hops of the leaves that have them.
    pub fn stats(&self) -> TrieStats {
        let mut s = self.trie.stats();
        for (_, _, l) in self.trie.iter() {
            let tail = l.tail.heap_bytes();
            let hops: usize = l.aliases().map(|a| a.heap_bytes()).sum();
            // The leaf itself is in its node's value array, which the
            // trie's count has.
            s.bytes = s.bytes.saturating_add(tail).saturating_add(hops);
            let slab = l
                .tail
                .slab_bytes()
                .saturating_add(l.aliases().map(|a| a.slab_bytes()).sum::<usize>());
            s.slab_bytes = s.slab_bytes.saturating_add(slab);
        }
        s
    }

    /// The routes of exactly `dst/len`.
    pub fn leaf(&self, dst: u32, len: u8) -> Option<&Leaf> {
        self.trie.get(dst, len)
    }

    /// Every route, prefix by prefix.
    pub fn aliases(&self) -> impl Iterator<Item = &FibAlias> + '_ {
        self.trie.iter().flat_map(|(_, _, l)| l.aliases())
    }

    /// The routes from `dst/len` on, in the order of [`Table::aliases`],
    /// each with its key (prefix, length, index in its leaf): where a dump
    /// that stopped there resumes, without walking what it sent.
    pub fn aliases_from(
        &self,
        dst: u32,
        len: u8,
    ) -> impl Iterator<Item = ((u32, u8, u32), &FibAlias)> + '_ {
        self.trie.iter_from(dst, len).flat_map(|(p, l, leaf)| {
            leaf.aliases()
                .enumerate()
                .map(move |(i, a)| ((p, l, u32::try_from(i).unwrap_or(u32::MAX)), a))
        })
    }

    /// `fib_table_lookup`: the longest prefix holding `dst` that has a
    /// route of TOS 0 or `tos & IPTOS_RT_MASK`, of scope `min_scope` or
    /// closer, that is a reject route or has a live next hop on `oif` (any
    /// if `None`); shorter prefixes are tried when a longer one has none.
    #[inline(always)]
    pub fn lookup(
        &self,
        dst: u32,
        oif: Option<PortId>,
        tos: u8,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        with_popcnt(|| self.lookup_in(dst, oif, tos, min_scope))
    }

    /// [`Table::lookup`] for a caller inside a [`with_popcnt`] of its own
    /// (the walk inlines into it).
    #[inline(always)]
    pub(super) fn lookup_in(
        &self,
        dst: u32,
        oif: Option<PortId>,
        tos: u8,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        let tos = tos & IPTOS_RT_MASK;
        self.trie
            .lookup_each_in(dst, |_, leaf| {
                for a in leaf.aliases() {
                    let r = a.route();
                    if (r.tos != 0 && r.tos != tos) || r.scope < min_scope {
                        continue;
                    }
                    if r.kind.is_reject() {
                        return Some(TableLookup::Reject(r));
                    }
                    // The first live next hop (on `oif` if bound).
                    if let Some(nh_sel) = a.first_usable(oif) {
                        return Some(TableLookup::Found { alias: a, nh_sel });
                    }
                }
                None
            })
            .unwrap_or(TableLookup::NoMatch)
    }

    /// `fib_table_insert` of a validated route, with `flags`' semantics:
    /// - a route of the same prefix, TOS and metric exists: `EEXIST` with
    ///   `excl`; `replace` replaces the first such route (a no-op if it is
    ///   identical, `EEXIST` if a later one is); else an identical route is `EEXIST`, and
    ///   the new one goes after (`append`) or before (prepend) them;
    /// - otherwise `ENOENT` without `create`.
    pub(super) fn insert(&mut self, new: FibAlias, flags: NlFlags) -> Result<(), Errno> {
        let r = *new.route();
        // rtm_to_fib_config: "Invalid dsfield (tos): ECN bits must be 0".
        // Any DSCP is accepted; the lookup compares it with the flow's TOS
        // bits only (fib_dscp_masked_match), so a route of TOS 0x20 is kept
        // but never chosen, as in Linux.
        if r.tos & INET_ECN_MASK != 0 {
            return Err(Errno::Einval);
        }
        let dst = r.dst.to_bits();
        let list = self.leaf(dst, r.prefix_len);
        let list_len = list.map_or(0, |l| l.len());
        let fa = find_alias(list, r.tos, r.metric);
        let same_key = |i: usize| {
            list.and_then(|l| l.get(i))
                .is_some_and(|a| a.route().tos == r.tos && a.route().metric == r.metric)
        };
        let (at, replace) = match fa {
            Some(first) if same_key(first) => {
                if flags.excl {
                    return Err(Errno::Eexist);
                }
                let mut j = first;
                let mut matched = false;
                while same_key(j) {
                    if list
                        .and_then(|l| l.get(j))
                        .is_some_and(|a| a.same_info(&new))
                    {
                        matched = true;
                        break;
                    }
                    j = j.saturating_add(1);
                }
                if flags.replace {
                    // fib_table_insert: replacing the first route by
                    // itself is a no-op; an identical route further down
                    // the key is EEXIST (err is still -EEXIST there).
                    if matched {
                        return if j == first {
                            Ok(())
                        } else {
                            Err(Errno::Eexist)
                        };
                    }
                    (first, true)
                } else if matched {
                    return Err(Errno::Eexist);
                } else if !flags.create {
                    return Err(Errno::Enoent);
                } else if flags.append {
                    (j, false)
                } else {
                    (first, false)
                }
            }
            _ => {
                if !flags.create {
                    return Err(Errno::Enoent);
                }
                (fa.unwrap_or(list_len), false)
            }
        };
        let mut aliases = FibVec::try_with_capacity(list_len.saturating_add(1))?;
        let mut new = Some(new);
        for (i, a) in list.into_iter().flat_map(|l| l.aliases()).enumerate() {
            if i == at {
                if let Some(n) = new.take() {
                    aliases.try_push(n)?;
                }
                if replace {
                    continue;
                }
            }
            aliases.try_push(a.clone())?;
        }
        if let Some(n) = new.take() {
            aliases.try_push(n)?;
        }
        let leaf = Leaf::from_vec(aliases)?.ok_or(Errno::Einval)?;
        self.trie.insert(dst, r.prefix_len, leaf)?;
        if !replace {
            self.routes = self.routes.saturating_add(1);
        }
        Ok(())
    }

    /// `fib_table_delete`: removes the first route of the prefix (among
    /// those of the selector's TOS) that `sel` selects; `ESRCH` if none.
    pub(super) fn delete(&mut self, sel: &RouteSelector) -> Result<Route, Errno> {
        let dst = sel.dst.to_bits();
        let leaf = self.leaf(dst, sel.prefix_len).ok_or(Errno::Esrch)?;
        let first = find_alias(Some(leaf), sel.tos, 0).ok_or(Errno::Esrch)?;
        let victim = leaf
            .aliases()
            .enumerate()
            .skip(first)
            .take_while(|(_, a)| a.route().tos == sel.tos)
            .find(|(_, a)| sel.selects(a.route()))
            .map(|(i, a)| (i, *a.route()))
            .ok_or(Errno::Esrch)?;
        self.remove_aliases(dst, sel.prefix_len, |i, _| i == victim.0)?;
        Ok(victim.1)
    }

    /// Removes the routes of `dst/len` for which `drop` is true.
    fn remove_aliases(
        &mut self,
        dst: u32,
        len: u8,
        mut drop: impl FnMut(usize, &FibAlias) -> bool,
    ) -> Result<(), Errno> {
        let Some(leaf) = self.leaf(dst, len) else {
            return Ok(());
        };
        let mut removed = 0usize;
        let kept = leaf.try_clone_without(|i, a| {
            let d = drop(i, a);
            if d {
                removed = removed.saturating_add(1);
            }
            d
        })?;
        match kept {
            None => {
                self.trie.remove(dst, len)?;
            }
            Some(kept) => {
                self.trie.insert(dst, len, kept)?;
            }
        }
        self.routes = self.routes.saturating_sub(removed);
        Ok(())
    }

    /// Replaces every route by what `edit` makes of it: `Ok(None)` keeps
    /// it as it is, `Ok(Some(None))` removes it, `Ok(Some(Some(new)))`
    /// puts `new` in its place (same key). `edit` is called again for the
    /// routes of a prefix it changes, so it must answer the same each
    /// time. On error some may have been changed: callers work on a copy.
    pub(super) fn edit_aliases(
        &mut self,
        mut edit: impl FnMut(&FibAlias) -> Result<Option<Option<FibAlias>>, Errno>,
    ) -> Result<(), Errno> {
        let mut touched: FibVec<(u32, u8)> = FibVec::new();
        for (p, l, leaf) in self.trie.iter() {
            for a in leaf.aliases() {
                if edit(a)?.is_some() {
                    touched.try_push((p, l))?;
                    break;
                }
            }
        }
        for (p, l) in touched.iter() {
            let Some(leaf) = self.leaf(*p, *l) else {
                continue;
            };
            let mut kept = FibVec::try_with_capacity(leaf.len())?;
            let mut removed = 0usize;
            for a in leaf.aliases() {
                match edit(a)? {
                    None => kept.try_push(a.clone())?,
                    Some(Some(new)) => kept.try_push(new)?,
                    Some(None) => removed = removed.saturating_add(1),
                }
            }
            match Leaf::from_vec(kept)? {
                None => {
                    self.trie.remove(*p, *l)?;
                }
                Some(kept) => {
                    self.trie.insert(*p, *l, kept)?;
                }
            }
            self.routes = self.routes.saturating_sub(removed);
        }
        Ok(())
    }

    /// Removes every route for which `keep` is false. On error some may
    /// have been removed: callers work on a copy.
    pub(super) fn retain_aliases(
        &mut self,
        mut keep: impl FnMut(&FibAlias) -> bool,
    ) -> Result<(), Errno> {
        let mut doomed: FibVec<(u32, u8)> = FibVec::new();
        for (p, l, leaf) in self.trie.iter() {
            if leaf.aliases().any(|a| !keep(a)) {
                doomed.try_push((p, l))?;
            }
        }
        for (p, l) in doomed.iter() {
            self.remove_aliases(*p, *l, |_, a| !keep(a))?;
        }
        Ok(())
    }
}

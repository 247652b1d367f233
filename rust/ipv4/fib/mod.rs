// SPDX-License-Identifier: GPL-2.0

//! The forwarding information base: routing tables, policy rules, and the
//! routes that addresses create.
//!
//! | here | Linux |
//! | --- | --- |
//! | [`lpm`] | the LC-trie of net/ipv4/fib_trie.c (a different structure, same job) |
//! | [`table`] | `fib_table_insert`, `fib_table_delete`, `fib_table_lookup` |
//! | [`alias`] | `fib_alias`, `fib_info`, `fib_nh`, `fib_select_multipath` |
//! | [`rules`] | net/core/fib_rules.c, net/ipv4/fib_rules.c |
//! | [`rtentry`] | `rtentry_to_fib_config`, `ip_rt_ioctl` (SIOCADDRT, SIOCDELRT) |
//! | `ifaddr` | `fib_add_ifaddr`, `fib_del_ifaddr` (fib_frontend.c) |
//! | [`Fib`] | `fib_lookup`, `fib_new_table`, `fib_get_table` |
//!
//! Every table is a persistent trie: [`Fib::try_clone`] copies the table
//! and rule lists (a few pointers), and an update of the copy allocates
//! only the trie nodes on the changed path, sharing the rest with the
//! version readers use until the writer publishes the copy (RCU in the
//! kernel). See Documentation/fib.rst.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::errno::Errno;
use crate::ipv4::iface::{PortId, Scope};
use crate::platform::{kmalloc_size, with_popcnt, GfpKernel, Shared, TryVec};

/// The FIB's vectors: only configuration writers build and change them, in
/// process context (netlink, ioctl, device events; never the packet path,
/// which only reads), so their allocations may sleep.
pub type FibVec<T> = TryVec<T, GfpKernel>;

/// An immutable list that most routes do not have (the further routes of
/// a prefix, the next hops of a multipath route): one pointer, null when
/// empty, instead of a vector's three words in every route, and shared
/// rather than copied when its route is copied.
pub(crate) struct SharedList<T>(Option<Shared<FibVec<T>>>);

impl<T> SharedList<T> {
    /// A list of the elements of `v`.
    pub(crate) fn try_from_vec(v: FibVec<T>) -> Result<Self, Errno> {
        if v.is_empty() {
            return Ok(Self(None));
        }
        Ok(Self(Some(Shared::try_new(v)?)))
    }

    /// The same list (a reference count more).
    pub(crate) fn share(&self) -> Self {
        Self(self.0.clone())
    }

    /// Element `i`, to change, when this route is the list's only holder
    /// (a list just built); `None` otherwise.
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.0.as_mut()?.get_mut()?.get_mut(i)
    }

    /// Bytes of the list's allocation, header included.
    pub(crate) fn heap_bytes(&self) -> usize {
        match &self.0 {
            None => 0,
            Some(v) => Shared::<FibVec<T>>::header_bytes()
                .saturating_add(core::mem::size_of::<FibVec<T>>())
                .saturating_add(v.len().saturating_mul(core::mem::size_of::<T>())),
        }
    }

    /// The list's two allocations (the shared vector, its buffer) as
    /// kmalloc sizes them.
    pub(crate) fn slab_bytes(&self) -> usize {
        match &self.0 {
            None => 0,
            Some(v) => kmalloc_size(
                Shared::<FibVec<T>>::header_bytes()
                    .saturating_add(core::mem::size_of::<FibVec<T>>()),
            )
            .saturating_add(kmalloc_size(
                v.capacity().saturating_mul(core::mem::size_of::<T>()),
            )),
        }
    }
}

impl<T> Clone for SharedList<T> {
    /// The same list (a reference count more, none if empty): cannot fail.
    fn clone(&self) -> Self {
        self.share()
    }
}

impl<T: Clone> SharedList<T> {
    /// A vector of copies of the elements.
    pub(crate) fn to_vec(&self) -> Result<FibVec<T>, Errno> {
        let mut v = FibVec::try_with_capacity(self.len())?;
        for x in self.iter() {
            v.try_push(x.clone())?;
        }
        Ok(v)
    }
}

impl<T> core::ops::Deref for SharedList<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], |v| v.as_slice())
    }
}

pub mod alias;
mod ifaddr;
#[cfg(test)]
mod linux_tests;
pub mod lpm;
pub mod rtentry;
pub mod rules;
pub mod table;
#[cfg(test)]
mod tests;

pub use alias::{
    multipath_hash, FibAlias, NextHop, NlFlags, Route, RouteProtocol, RouteSelector, RouteType,
};
pub use lpm::TrieStats;
pub use rules::{
    dev_name, DevName, FlowKeys, Rule, RuleAction, RuleSelector, Rules, LOOPBACK_NAME,
};
pub use table::{Table, TableLookup};

/// `RT_TABLE_LOCAL`: local and broadcast addresses.
pub const RT_TABLE_LOCAL: u32 = 255;
/// `RT_TABLE_MAIN`: the table `ip route` manages by default.
pub const RT_TABLE_MAIN: u32 = 254;
/// `RT_TABLE_DEFAULT`: looked up last.
pub const RT_TABLE_DEFAULT: u32 = 253;
/// The tables the default rules look up, in order (`fib_default_rules_init`).
pub const DEFAULT_RULE_TABLES: [u32; 3] = [RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT];

/// The answer of [`Fib::fib_lookup`] (`struct fib_result`).
#[derive(Clone, Copy)]
pub struct FibResult<'a> {
    /// The route (prefix, type, table, scope, preferred source, ...).
    pub route: &'a Route,
    /// The route with all its next hops.
    pub alias: &'a FibAlias,
    /// The index of the chosen next hop (`nh_sel`).
    pub nh_sel: usize,
    /// The chosen next hop; its `gateway` is `None` when the packet is not
    /// sent to a gateway ([`FibAlias::uses_gateway`]).
    pub nh: NextHop,
}

impl FibResult<'_> {
    /// The next hop's address for `dst`: the gateway, or `dst` on a direct
    /// route.
    pub fn next_hop(&self, dst: Ipv4Addr) -> Ipv4Addr {
        self.nh.gateway.unwrap_or(dst)
    }

    /// The output port.
    pub fn port(&self) -> Option<PortId> {
        self.nh.port
    }
}

/// A rule walk's hit, before next-hop selection.
enum Hit<'a> {
    Found(&'a FibAlias, usize),
    Reject(&'a Route),
}

/// The routing tables and the policy rules.
#[derive(Default)]
pub struct Fib {
    /// Sorted by id.
    tables: FibVec<Table>,
    rules: Rules,
    /// `fib_has_custom_rules`: a rule was added or deleted. Until then the
    /// local and main tables are looked up as one (Linux keeps them in one
    /// merged trie until `fib_unmerge`): the longest prefix of either wins.
    custom_rules: bool,
    /// Some multipath next hop may be dead: [`Fib::sync_up`] has work to
    /// do (so that adding an address does not walk a large FIB for
    /// nothing).
    maybe_dead: bool,
}

/// `fib_new_table`/`fib_get_table` map table 0 (unspecified) to main.
/// Where a route stands in the order of [`Fib::aliases`]: its table, its
/// prefix and its index among the routes of that prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteKey {
    /// The table id.
    pub table: u32,
    /// The prefix's first address.
    pub dst: u32,
    /// The prefix length.
    pub len: u8,
    /// The index among the routes of the prefix.
    pub index: u32,
}

fn table_id(id: u32) -> u32 {
    if id == 0 {
        RT_TABLE_MAIN
    } else {
        id
    }
}

impl Fib {
    /// An empty FIB with the default rules; does not allocate.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy sharing every trie node with `self` (O(tables + rules)), for
    /// copy-on-write publication.
    pub fn try_clone(&self) -> Result<Self, Errno> {
        Ok(Self {
            tables: self.tables.try_clone()?,
            rules: self.rules.try_clone()?,
            custom_rules: self.custom_rules,
            maybe_dead: self.maybe_dead,
        })
    }

    /// `fib_get_table`.
    #[inline(always)]
    pub fn table(&self, id: u32) -> Option<&Table> {
        // Every lookup asks for two tables.
        crate::ipv4::find_sorted(self.tables.as_slice(), &table_id(id), |t| t.id())
    }

    /// `fib_new_table`: the table `id`, created empty if missing.
    fn table_mut(&mut self, id: u32) -> Result<&mut Table, Errno> {
        let id = table_id(id);
        let i = match self.tables.binary_search_by_key(&id, |t| t.id()) {
            Ok(i) => i,
            Err(i) => {
                self.tables.try_insert(i, Table::new(id))?;
                i
            }
        };
        self.tables.get_mut(i).ok_or(Errno::Enobufs)
    }

    /// The tables, by id.
    pub fn tables(&self) -> impl Iterator<Item = &Table> + '_ {
        self.tables.iter()
    }

    /// Removes table `id` if it has no routes: `EBUSY` if it has,
    /// `ENOENT` if it does not exist.
    pub fn del_table(&mut self, id: u32) -> Result<(), Errno> {
        let id = table_id(id);
        let i = self
            .tables
            .binary_search_by_key(&id, |t| t.id())
            .map_err(|_| Errno::Enoent)?;
        if self.tables.get(i).is_some_and(|t| !t.is_empty()) {
            return Err(Errno::Ebusy);
        }
        self.tables.remove(i);
        Ok(())
    }

    /// Every route, table by table (ascending id), prefix by prefix.
    pub fn routes(&self) -> impl Iterator<Item = &Route> + '_ {
        self.aliases().map(|a| a.route())
    }

    /// Every route with its next hops, in the order of [`Fib::routes`].
    pub fn aliases(&self) -> impl Iterator<Item = &FibAlias> + '_ {
        self.tables.iter().flat_map(|t| t.aliases())
    }

    /// The routes after `after` in the order of [`Fib::aliases`] (all of
    /// them for `None`), with their keys, restricted to table `only` if
    /// given: a dump resumes here by key, in time proportional to what it
    /// sends, whatever changed since it stopped.
    pub fn aliases_after(
        &self,
        after: Option<RouteKey>,
        only: Option<u32>,
    ) -> impl Iterator<Item = (RouteKey, &FibAlias)> + '_ {
        let only = only.map(table_id);
        let first = after.map_or(0, |k| k.table);
        self.tables
            .iter()
            .filter(move |t| t.id() >= first && only.map_or(true, |o| t.id() == o))
            .flat_map(move |t| {
                let table = t.id();
                let from = match after {
                    Some(k) if k.table == table => (k.dst, k.len, Some(k.index)),
                    _ => (0, 0, None),
                };
                t.aliases_from(from.0, from.1)
                    .map(move |((dst, len, index), a)| {
                        (
                            RouteKey {
                                table,
                                dst,
                                len,
                                index,
                            },
                            a,
                        )
                    })
                    // The last one sent and those before it in its leaf.
                    .skip_while(move |(k, _)| {
                        from.2
                            .is_some_and(|i| k.dst == from.0 && k.len == from.1 && k.index <= i)
                    })
            })
    }

    /// The number of routes.
    pub fn len(&self) -> usize {
        self.tables.iter().map(|t| t.len()).sum()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Node and memory counts summed over the tables' tries.
    pub fn stats(&self) -> TrieStats {
        self.tables.iter().fold(TrieStats::default(), |a, t| {
            let s = t.stats();
            TrieStats {
                nodes: a.nodes.saturating_add(s.nodes),
                prefixes: a.prefixes.saturating_add(s.prefixes),
                bytes: a.bytes.saturating_add(s.bytes),
                slab_bytes: a.slab_bytes.saturating_add(s.slab_bytes),
            }
        })
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        self.rules.as_slice()
    }

    /// `ip rule add` (see [`Rules::add`]).
    pub fn add_rule(&mut self, rule: Rule, exclusive: bool) -> Result<(), Errno> {
        self.rules.add(rule, exclusive)?;
        // fib4_rule_configure: the tables are unmerged for good.
        self.custom_rules = true;
        Ok(())
    }

    /// `ip rule del` (see [`Rules::delete`]).
    pub fn del_rule(&mut self, sel: &RuleSelector) -> Result<Rule, Errno> {
        let r = self.rules.delete(sel)?;
        // fib4_rule_delete sets it too.
        self.custom_rules = true;
        Ok(r)
    }

    /// Whether the local and main tables are still looked up as one (no
    /// rule was ever added or deleted: `!fib_has_custom_rules`).
    pub fn tables_merged(&self) -> bool {
        !self.custom_rules
    }

    /// `fib_table_lookup` of table `id` alone.
    #[inline(always)]
    fn lookup_one(
        &self,
        id: u32,
        dst: u32,
        oif: Option<PortId>,
        tos: u8,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        self.table(id).map_or(TableLookup::NoMatch, |t| {
            t.lookup_in(dst, oif, tos, min_scope)
        })
    }

    /// `fib_table_lookup` of table `id`; while the tables are merged, local
    /// and main are one table: the longer prefix of their answers wins,
    /// local's on a tie (its routes come first in a merged leaf).
    /// (`inline(always)`, as the rest of the chain from `fib_lookup` to the
    /// trie walk: each layer was a call of its own in the forwarding
    /// profile, several percent of its samples.)
    #[inline(always)]
    fn lookup_in(
        &self,
        id: u32,
        dst: u32,
        oif: Option<PortId>,
        tos: u8,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        let id = table_id(id);
        if self.custom_rules || (id != RT_TABLE_LOCAL && id != RT_TABLE_MAIN) {
            return self.lookup_one(id, dst, oif, tos, min_scope);
        }
        let local = self.lookup_one(RT_TABLE_LOCAL, dst, oif, tos, min_scope);
        let len = |l: &TableLookup<'_>| match l {
            TableLookup::Found { alias, .. } => Some(alias.route().prefix_len),
            TableLookup::Reject(r) => Some(r.prefix_len),
            TableLookup::NoMatch => None,
        };
        if len(&local) == Some(32) {
            return local;
        }
        let main = self.lookup_one(RT_TABLE_MAIN, dst, oif, tos, min_scope);
        if len(&main) > len(&local) {
            main
        } else {
            local
        }
    }

    /// The priority of a rule added without one (`fib_default_rule_pref`).
    pub fn default_rule_pref(&self) -> u32 {
        self.rules.default_pref()
    }

    /// `fib_table_lookup` of one table (TOS 0); local and main are one
    /// while merged ([`Fib::tables_merged`]).
    pub fn table_lookup(
        &self,
        table: u32,
        dst: Ipv4Addr,
        oif: Option<PortId>,
        min_scope: Scope,
    ) -> TableLookup<'_> {
        with_popcnt(|| self.lookup_in(table, dst.to_bits(), oif, 0, min_scope))
    }

    /// The rule walk: the first table answer, or the rules' error.
    #[inline(always)]
    fn resolve(&self, flow: &FlowKeys, min_scope: Scope) -> Result<Hit<'_>, Errno> {
        let step = |id| self.rule_step(id, flow, min_scope);
        if self.custom_rules {
            return self.rules.lookup(flow, step);
        }
        // No rule was ever changed: the rules are the default three, which
        // match every flow, and local and main are one merged table, so
        // their walk (local, main, default) would look the merged table up
        // twice. fib_lookup without custom rules looks up main (merged),
        // then default. (Two steps rather than a loop, so that the common
        // case, a hit in the merged table, inlines into the caller, and
        // the default table's step stays out of line.)
        if let rules::Step::Done(hit) = self.rule_step(RT_TABLE_LOCAL, flow, min_scope) {
            return Ok(hit);
        }
        self.default_step(flow, min_scope)
    }

    /// A rule's table lookup for `flow`: a hit ends the walk, a miss or a
    /// throw route goes on to the next rule.
    #[inline(always)]
    fn rule_step(&self, id: u32, flow: &FlowKeys, min_scope: Scope) -> rules::Step<Hit<'_>> {
        match self.lookup_in(id, flow.dst.to_bits(), flow.oif, flow.tos, min_scope) {
            TableLookup::Found { alias, nh_sel } => rules::Step::Done(Hit::Found(alias, nh_sel)),
            // fib_props[RTN_THROW].error is -EAGAIN: the next rule.
            TableLookup::Reject(r) if r.kind == RouteType::Throw => rules::Step::Again,
            TableLookup::Reject(r) => rules::Step::Done(Hit::Reject(r)),
            TableLookup::NoMatch => rules::Step::Again,
        }
    }

    /// The default rules' last step, the default table: out of line, as
    /// a router rarely reaches it (local and main missed).
    #[inline(never)]
    fn default_step(&self, flow: &FlowKeys, min_scope: Scope) -> Result<Hit<'_>, Errno> {
        match self.rule_step(RT_TABLE_DEFAULT, flow, min_scope) {
            rules::Step::Done(hit) => Ok(hit),
            rules::Step::Again => Err(Errno::Esrch),
        }
    }

    /// The route the rules choose for `dst` (source, input port and mark
    /// unspecified), whatever its type; `None` if nothing matched or a
    /// rule rejected. Reject routes are returned too: check
    /// [`RouteType::error`], or use [`Fib::fib_lookup`].
    pub fn lookup(&self, dst: Ipv4Addr, oif: Option<PortId>) -> Option<&Route> {
        self.lookup_scoped(dst, oif, Scope::Universe)
    }

    /// [`Fib::lookup`] limited to routes of scope `min_scope` or closer.
    pub fn lookup_scoped(
        &self,
        dst: Ipv4Addr,
        oif: Option<PortId>,
        min_scope: Scope,
    ) -> Option<&Route> {
        let flow = FlowKeys {
            dst,
            oif,
            ..FlowKeys::default()
        };
        match with_popcnt(|| self.resolve(&flow, min_scope)) {
            Ok(Hit::Found(a, _)) => Some(a.route()),
            Ok(Hit::Reject(r)) => Some(r),
            Err(_) => None,
        }
    }

    /// `fib_lookup` for a flow (`__fib_lookup` with `fib_rules_lookup`),
    /// with the next hop chosen as `fib_select_path` chooses it: the one on
    /// `oif` if bound, else by [`multipath_hash`] of source and
    /// destination among several. Errors: the reject route's or rule's
    /// ([`RouteType::error`], [`RuleAction`]), `ENETUNREACH` if nothing
    /// matched.
    #[inline(always)]
    pub fn fib_lookup_flow(
        &self,
        flow: &FlowKeys,
        min_scope: Scope,
    ) -> Result<FibResult<'_>, Errno> {
        with_popcnt(|| self.fib_lookup_flow_in(flow, min_scope))
    }

    /// [`Fib::fib_lookup_flow`] for a caller inside a [`with_popcnt`] of
    /// its own, such as route input: the rule step and both walks of the
    /// merged local and main tables inline into it, instead of being a
    /// call each.
    #[inline(always)]
    pub fn fib_lookup_flow_in(
        &self,
        flow: &FlowKeys,
        min_scope: Scope,
    ) -> Result<FibResult<'_>, Errno> {
        match self.resolve(flow, min_scope) {
            Ok(Hit::Found(alias, mut nh_sel)) => {
                if flow.oif.is_none() && alias.num_paths() > 1 {
                    nh_sel = alias.select_multipath(multipath_hash(flow.src, flow.dst));
                }
                let mut nh = alias.nexthop(nh_sel).ok_or(Errno::Enetunreach)?;
                // rt_set_nexthop: a gateway of host scope (our own
                // address) is not a next hop; the destination is.
                if !alias.uses_gateway(nh_sel) {
                    nh.gateway = None;
                }
                Ok(FibResult {
                    route: alias.route(),
                    alias,
                    nh_sel,
                    nh,
                })
            }
            Ok(Hit::Reject(r)) => Err(r.kind.error().unwrap_or(Errno::Einval)),
            Err(Errno::Esrch) => Err(Errno::Enetunreach),
            Err(e) => Err(e),
        }
    }

    /// `fib_lookup(dst, src, iif, oif, tos, mark)`: [`Fib::fib_lookup_flow`]
    /// at universe scope.
    #[inline]
    pub fn fib_lookup(
        &self,
        dst: Ipv4Addr,
        src: Ipv4Addr,
        iif: Option<PortId>,
        oif: Option<PortId>,
        tos: u8,
        mark: u32,
    ) -> Result<FibResult<'_>, Errno> {
        let flow = FlowKeys {
            dst,
            src,
            iif,
            oif,
            tos,
            mark,
        };
        self.fib_lookup_flow(&flow, Scope::Universe)
    }

    /// Adds a single-path route as `ip route add` does
    /// ([`Fib::insert_route`] with [`NlFlags::ADD`]).
    pub fn insert(&mut self, route: Route) -> Result<(), Errno> {
        self.insert_route(route, &[], NlFlags::ADD)
    }

    /// `fib_table_insert` into `route.table` (created if missing; 0 means
    /// main), after the checks of `fib_create_info` and `fib_check_nh`;
    /// `hops` are the multipath next hops (empty: the route's own
    /// `gateway`/`port`/`onlink`). Errors:
    /// - `EINVAL`: prefix length above 32 or host bits set in `dst`; TOS
    ///   with ECN bits; a reject type with a port or gateway; a
    ///   weight outside 1..=256; a gateway on a host- or link-scope route,
    ///   or a gateway that is multicast, broadcast or 0/8, or that resolves
    ///   to neither a unicast nor a local route (an `onlink` gateway: that
    ///   is a local or broadcast address); a `prefsrc` that is not a local
    ///   address.
    /// - The gateway's lookup error (`fib_check_nh_v4_gw`): a reject route
    ///   of a wide enough scope (`EHOSTUNREACH`, `EACCES`, `EINVAL` for
    ///   blackhole) or a rule's action.
    /// - `ENODEV`: a routing type without a port or gateway, an `onlink`
    ///   gateway without a port.
    /// - `ENETUNREACH`: the gateway is not on a connected subnet (of the
    ///   given port, if any).
    /// - `EEXIST`, `ENOENT`: see [`Table`]'s insertion rules.
    /// - `ENOBUFS`: out of memory.
    ///
    /// A next hop given only a gateway gets the gateway's port.
    pub fn insert_route(
        &mut self,
        route: Route,
        hops: &[NextHop],
        flags: NlFlags,
    ) -> Result<(), Errno> {
        let mut route = route;
        route.table = table_id(route.table);
        let alias = self.check(route, hops)?;
        self.table_mut(route.table)?.insert(alias, flags)
    }

    /// Validates a route for [`Fib::insert_route`], resolving the next
    /// hops' ports.
    fn check(&self, route: Route, hops: &[NextHop]) -> Result<FibAlias, Errno> {
        if route.dst.network(route.prefix_len) != Some(route.dst) {
            return Err(Errno::Einval);
        }
        // fib_create_info: a type's routes have at least its scope
        // (fib_props: local host, broadcast link), "Invalid scope".
        let min_scope = match route.kind {
            RouteType::Local => Scope::Host,
            RouteType::Broadcast => Scope::Link,
            _ => Scope::Universe,
        };
        if route.scope < min_scope {
            return Err(Errno::Einval);
        }
        if route.kind.is_reject() {
            if route.port.is_some() || route.gateway.is_some() || !hops.is_empty() {
                return Err(Errno::Einval);
            }
            return FibAlias::try_new(route, &[]);
        }
        let single = [route.first_hop()];
        let given = if hops.is_empty() { &single[..] } else { hops };
        let mut checked: FibVec<NextHop> = FibVec::try_with_capacity(given.len())?;
        let mut gw_local: FibVec<bool> = FibVec::try_with_capacity(given.len())?;
        for h in given {
            let (h, local) = self.check_nh(&route, *h)?;
            checked.try_push(h)?;
            gw_local.try_push(local)?;
        }
        if let Some(src) = route.prefsrc {
            // fib_valid_prefsrc: a local address, unless it is the local
            // route's own address.
            let own = route.kind == RouteType::Local && src == route.dst;
            if !own && !self.is_local_addr(src) {
                return Err(Errno::Einval);
            }
        }
        let mut alias = FibAlias::try_new(route, &checked)?;
        for (i, local) in gw_local.iter().enumerate() {
            alias.set_gw_local(i, *local);
        }
        Ok(alias)
    }

    /// `fib_check_nh` for IPv4 next hops: the hop with its port, and
    /// whether its gateway resolved to a host-scope route (one of the
    /// router's own addresses: `fib_nh_scope` host, the gateway unused).
    fn check_nh(&self, route: &Route, mut h: NextHop) -> Result<(NextHop, bool), Errno> {
        if h.weight == 0 || h.weight > 256 {
            return Err(Errno::Einval);
        }
        let mut gw_local = false;
        if let Some(gw) = h.gateway {
            // fib_create_info: a host-scope route cannot have a gateway.
            if route.scope == Scope::Host || gw.is_zeronet() {
                return Err(Errno::Einval);
            }
            if h.onlink {
                // fib_check_nh_v4_gw, RTNH_F_ONLINK: the gateway must be a
                // unicast address ("Nexthop has invalid gateway"). Without
                // onlink, a multicast or broadcast gateway is simply not
                // reachable (ENETUNREACH below), as in Linux.
                if route.scope >= Scope::Link || gw.is_multicast() || gw.is_lbcast() {
                    return Err(Errno::Einval);
                }
                // fib_check_nh_v4_gw, RTNH_F_ONLINK: the gateway must be a
                // unicast address on the given port.
                if h.port.is_none() {
                    return Err(Errno::Enodev);
                }
                if matches!(
                    self.table_lookup(RT_TABLE_LOCAL, gw, None, Scope::Universe),
                    TableLookup::Found { alias, .. }
                        if matches!(alias.route().kind, RouteType::Local | RouteType::Broadcast)
                ) {
                    return Err(Errno::Einval);
                }
                return Ok((h, false));
            }
            // fib_check_nh_v4_gw: the gateway must be reachable at a scope
            // narrower than the route's (at least link; so a link-scope
            // route's gateway must be one of the router's own addresses),
            // through the given port if any; the route's own table is
            // tried first, then the rules.
            let min_scope = if route.scope >= Scope::Link {
                Scope::Host
            } else {
                Scope::Link
            };
            let in_table = if route.table != RT_TABLE_MAIN {
                match self.table_lookup(route.table, gw, h.port, min_scope) {
                    TableLookup::Found { alias, .. } => Some(alias.route()),
                    _ => None,
                }
            } else {
                None
            };
            // The full lookup's error is the answer ("Nexthop has invalid
            // gateway" with fib_lookup's errno): a reject route's or
            // rule's, ENETUNREACH if nothing matched.
            let via = match in_table {
                Some(r) => r,
                None => {
                    let flow = FlowKeys {
                        dst: gw,
                        oif: h.port,
                        ..FlowKeys::default()
                    };
                    match with_popcnt(|| self.resolve(&flow, min_scope)) {
                        Ok(Hit::Found(a, _)) => a.route(),
                        Ok(Hit::Reject(r)) => return Err(r.kind.error().unwrap_or(Errno::Einval)),
                        Err(Errno::Esrch) => return Err(Errno::Enetunreach),
                        Err(e) => return Err(e),
                    }
                }
            };
            if via.kind != RouteType::Unicast && via.kind != RouteType::Local {
                return Err(Errno::Einval);
            }
            h.port = via.port;
            gw_local = via.scope == Scope::Host;
        }
        if h.onlink {
            // fib_check_nh without a gateway: "Invalid flags for nexthop -
            // PERVASIVE and ONLINK can not be set".
            return Err(Errno::Einval);
        }
        if h.port.is_none() {
            return Err(Errno::Enodev);
        }
        Ok((h, gw_local))
    }

    /// Whether the local table has a local route for `addr`
    /// (`inet_addr_type_table(.., RT_TABLE_LOCAL) == RTN_LOCAL`).
    pub fn is_local_addr(&self, addr: Ipv4Addr) -> bool {
        matches!(
            self.table_lookup(RT_TABLE_LOCAL, addr, None, Scope::Universe),
            TableLookup::Found { alias, .. } if alias.route().kind == RouteType::Local
        )
    }

    /// Removes the first route `sel` selects and returns it
    /// (`fib_table_delete`; table 0 means main); `ESRCH` if there is none
    /// or the table does not exist.
    pub fn delete(&mut self, sel: &RouteSelector) -> Result<Route, Errno> {
        // rtm_to_fib_config: "Invalid prefix for given prefix length".
        if sel.dst.network(sel.prefix_len) != Some(sel.dst) {
            return Err(Errno::Einval);
        }
        let id = table_id(sel.table);
        let i = self
            .tables
            .binary_search_by_key(&id, |t| t.id())
            .map_err(|_| Errno::Esrch)?;
        let t = self.tables.get_mut(i).ok_or(Errno::Esrch)?;
        t.delete(&RouteSelector { table: id, ..*sel })
    }

    /// Removes every route for which `keep` is false; on error the FIB is
    /// unchanged.
    pub fn retain(&mut self, mut keep: impl FnMut(&Route) -> bool) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        for t in next.tables.iter_mut() {
            t.retain_aliases(|a| keep(a.route()))?;
        }
        *self = next;
        Ok(())
    }

    /// Removes every route through `port` (`fib_sync_down_dev` and flush
    /// when a device unregisters). A multipath route with one next hop on
    /// `port` goes as a whole (Linux marks that next hop dead instead).
    /// Rules naming `port` as `iif` or `oif` are kept by name, detached
    /// (they match nothing) until a port of that name comes
    /// ([`Fib::attach_port`]), as Linux keeps them. On error the FIB is
    /// unchanged.
    pub fn remove_port(&mut self, port: PortId) -> Result<(), Errno> {
        let mut next = self.try_clone()?;
        for t in next.tables.iter_mut() {
            t.retain_aliases(|a| !a.nexthops().any(|h| h.port == Some(port)))?;
        }
        next.rules.detach(port);
        *self = next;
        Ok(())
    }

    /// The rules naming `port` are detached from it (see
    /// [`Fib::remove_port`]); allocates nothing.
    pub fn detach_rules(&mut self, port: PortId) {
        self.rules.detach(port);
    }

    /// A port named `name` came: the detached rules naming it apply to it
    /// again (Linux's `attach_rules` on NETDEV_REGISTER).
    pub fn attach_port(&mut self, port: PortId, name: &[u8]) {
        self.rules.attach(port, name);
    }
}

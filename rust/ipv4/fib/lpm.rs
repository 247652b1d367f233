// SPDX-License-Identifier: GPL-2.0

//! Longest-prefix match: a persistent multibit trie with bitmap-compressed
//! nodes (a Tree Bitmap, Eatherton/Varghese/Dittia 2004, with
//! Poptrie-style popcount indexing), stride 7.
//!
//! Each node covers 7 bits of the address at offset 0, 7, 14, 21 or 28 (five
//! levels at most) and holds two bitmaps:
//! - `internal` (127 bits): the prefixes of length `offset + l`, `l` in
//!   0..7, that end inside this node. The prefix whose next `l` bits are `b`
//!   is bit `2^l - 1 + b`, so longer prefixes have higher bits.
//! - `external` (128 bits): which of the 128 children exist.
//!
//! Values and children are stored densely, in bit order; the index of an
//! item is the popcount of the bitmap below its bit. A lookup needs one
//! node per level: the longest internal match of a node is the highest set
//! bit of `internal & MATCH[chunk]`, one AND and one leading-zeros count.
//! Prefix lengths 28 to 32 all live in the last level.
//!
//! Nodes are immutable and shared through [`Shared`]: an update copies the
//! (at most five) nodes on the path to the changed prefix and shares every
//! other node with the previous version, so a clone of a [`Trie`] is a
//! refcount increment, and a version keeps answering as it did after later
//! versions are derived from it. Readers only follow references.
//!
//! Linux uses a level-compressed trie instead (net/ipv4/fib_trie.c); see
//! Documentation/fib.rst for the comparison and the measurements.

use super::FibVec;
use crate::platform::{with_popcnt, AllocError, Shared};

/// Bits of the address a node consumes.
const STRIDE: u32 = 7;
/// Levels of nodes: offsets 0, 7, 14, 21, 28.
pub const LEVELS: usize = 5;

/// `MATCH[c]`: the internal bits of the prefixes that hold an address whose
/// 7-bit chunk at the node's offset is `c`, one per length 0..7.
static MATCH: [u128; 128] = build_match();

const fn build_match() -> [u128; 128] {
    let mut t = [0u128; 128];
    let mut c = 0u32;
    while c < 128 {
        let mut m = 0u128;
        let mut l = 0u32;
        while l < STRIDE {
            m |= 1u128 << internal_pos(c, l);
            l += 1;
        }
        t[c as usize] = m;
        c += 1;
    }
    t
}

/// The internal bit of the prefix of `l` (< 7) more bits whose chunk is `c`.
const fn internal_pos(c: u32, l: u32) -> u32 {
    ((1u32 << l) - 1) + (c >> (STRIDE - l))
}

/// The length inside the node (0..7) of internal bit `pos` (< 127).
fn pos_len(pos: u32) -> u32 {
    31u32.saturating_sub(pos.saturating_add(1).leading_zeros())
}

/// The 7-bit chunk of `addr` at bit offset `off` (bits past 32 are zero).
#[inline(always)]
fn chunk(addr: u32, off: u32) -> u32 {
    let key = u64::from(addr) << 32;
    (key.checked_shl(off).unwrap_or(0) >> 57) as u32
}

/// The number of set bits of `bits` below bit `i`.
#[inline(always)]
fn rank(bits: u128, i: u32) -> usize {
    let below = 1u128
        .checked_shl(i)
        .map_or(u128::MAX, |b| b.wrapping_sub(1));
    (bits & below).count_ones() as usize
}

/// Whether bit `i` of `bits` is set.
#[inline(always)]
fn bit(bits: u128, i: u32) -> bool {
    bits.checked_shr(i).is_some_and(|b| b & 1 == 1)
}

/// Of the nodes on `addr`'s path from `root` above level `levels`, the
/// deepest that holds a prefix of `addr`: the node, the internal bits of
/// those prefixes (`internal & MATCH[chunk]`) and its level.
#[inline(always)]
fn deepest_match<V>(root: &Node<V>, addr: u32, levels: usize) -> Option<(&Node<V>, u128, usize)> {
    let mut deepest = None;
    let mut node = root;
    for depth in 0..levels {
        let c = chunk(addr, (depth as u32).saturating_mul(STRIDE));
        let m = node.internal & MATCH.get(c as usize).copied().unwrap_or(0);
        if m != 0 {
            deepest = Some((node, m, depth));
        }
        if depth + 1 == levels {
            break;
        }
        match node.child(c) {
            Some(n) => node = n,
            None => break,
        }
    }
    deepest
}

/// One trie node (see the module documentation).
struct Node<V> {
    internal: u128,
    external: u128,
    children: FibVec<Shared<Node<V>>>,
    values: FibVec<V>,
}

impl<V> Node<V> {
    fn is_empty(&self) -> bool {
        self.internal == 0 && self.external == 0
    }

    fn child(&self, c: u32) -> Option<&Node<V>> {
        if bit(self.external, c) {
            self.children.get(rank(self.external, c)).map(|n| &**n)
        } else {
            None
        }
    }

    /// Removes the child at chunk `c`, if there is one (allocates
    /// nothing).
    fn remove_child(&mut self, c: u32) {
        if bit(self.external, c) {
            self.children.remove(rank(self.external, c));
            self.external &= !(1u128 << (c & 127));
        }
    }

    fn value(&self, pos: u32) -> Option<&V> {
        if bit(self.internal, pos) {
            self.values.get(rank(self.internal, pos))
        } else {
            None
        }
    }
}

impl<V: Clone> Node<V> {
    fn empty() -> Self {
        Self {
            internal: 0,
            external: 0,
            children: FibVec::new(),
            values: FibVec::new(),
        }
    }

    /// A copy sharing the children (refcount increments) and cloning the
    /// values.
    fn try_copy(&self) -> Result<Self, AllocError> {
        Ok(Self {
            internal: self.internal,
            external: self.external,
            children: self.children.try_clone()?,
            values: self.values.try_clone()?,
        })
    }

    /// Sets the value at internal bit `pos`; returns the old one.
    fn set_value(&mut self, pos: u32, v: V) -> Result<Option<V>, AllocError> {
        let i = rank(self.internal, pos);
        if bit(self.internal, pos) {
            match self.values.get_mut(i) {
                Some(slot) => Ok(Some(core::mem::replace(slot, v))),
                None => Err(AllocError),
            }
        } else {
            self.values.try_insert_exact(i, v)?;
            self.internal |= 1u128 << (pos & 127);
            Ok(None)
        }
    }

    fn clear_value(&mut self, pos: u32) -> Option<V> {
        if !bit(self.internal, pos) {
            return None;
        }
        let v = self.values.remove(rank(self.internal, pos));
        self.internal &= !(1u128 << (pos & 127));
        v
    }

    /// Sets (`Some`) or removes (`None`) the child at chunk `c`.
    fn set_child(&mut self, c: u32, n: Option<Shared<Node<V>>>) -> Result<(), AllocError> {
        let i = rank(self.external, c);
        let present = bit(self.external, c);
        match (n, present) {
            (Some(n), true) => {
                if let Some(slot) = self.children.get_mut(i) {
                    *slot = n;
                }
            }
            (Some(n), false) => {
                self.children.try_insert_exact(i, n)?;
                self.external |= 1u128 << (c & 127);
            }
            (None, _) => self.remove_child(c),
        }
        Ok(())
    }
}

/// The node behind `slot`, to change: the node itself if this version is
/// its only holder, else a copy put in its place (the path copy).
fn make_mut<V: Clone>(slot: &mut Shared<Node<V>>) -> Result<&mut Node<V>, AllocError> {
    if slot.get_mut().is_none() {
        *slot = Shared::try_new(slot.try_copy()?)?;
    }
    // A fresh allocation has one holder: this cannot fail.
    slot.get_mut().ok_or(AllocError)
}

/// [`Trie::insert`] below `slot`, the node at `level` on the path to `p`.
fn insert_at<V: Clone>(
    slot: &mut Shared<Node<V>>,
    prefix: u32,
    p: &Place,
    level: usize,
    v: V,
) -> Result<Option<V>, AllocError> {
    let node = make_mut(slot)?;
    if level >= p.level {
        return node.set_value(p.pos, v);
    }
    let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
    if !bit(node.external, c) {
        node.set_child(c, Some(Shared::try_new(Node::empty())?))?;
    }
    let child = node
        .children
        .get_mut(rank(node.external, c))
        .ok_or(AllocError)?;
    insert_at(child, prefix, p, level.saturating_add(1), v)
}

/// [`Trie::remove`] below `slot` (the prefix is present): the old value,
/// and whether the node is left empty (its parent then drops it).
fn remove_at<V: Clone>(
    slot: &mut Shared<Node<V>>,
    prefix: u32,
    p: &Place,
    level: usize,
) -> Result<(Option<V>, bool), AllocError> {
    let node = make_mut(slot)?;
    if level >= p.level {
        let old = node.clear_value(p.pos);
        return Ok((old, node.is_empty()));
    }
    let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
    if !bit(node.external, c) {
        return Ok((None, false));
    }
    let i = rank(node.external, c);
    let Some(child) = node.children.get_mut(i) else {
        return Ok((None, false));
    };
    let (old, empty) = remove_at(child, prefix, p, level.saturating_add(1))?;
    if empty {
        node.remove_child(c);
    }
    Ok((old, node.is_empty()))
}

/// After a failed insert: drops the empty nodes it made on the path to
/// `p`; returns whether `slot`'s node is empty itself. Only nodes this
/// version alone holds can be empty (a shared one belongs to a complete
/// version), so nothing is copied.
fn prune_path<V>(slot: &mut Shared<Node<V>>, prefix: u32, p: &Place, level: usize) -> bool {
    let Some(node) = slot.get_mut() else {
        return false;
    };
    if level < p.level {
        let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
        let i = rank(node.external, c);
        let empty = bit(node.external, c)
            && node
                .children
                .get_mut(i)
                .is_some_and(|child| prune_path(child, prefix, p, level.saturating_add(1)));
        if empty {
            node.remove_child(c);
        }
    }
    node.is_empty()
}

/// Where a prefix lives: its level, the chunk at each level and its
/// internal bit in the last one.
struct Place {
    level: usize,
    pos: u32,
}

fn place(prefix: u32, len: u8) -> Option<Place> {
    if len > 32 {
        return None;
    }
    let len = u32::from(len);
    let level = len / STRIDE;
    let l = len % STRIDE;
    let off = level.saturating_mul(STRIDE);
    Some(Place {
        level: level as usize,
        pos: internal_pos(chunk(prefix, off), l),
    })
}

/// Counts of a trie's nodes and an estimate of its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrieStats {
    /// Nodes.
    pub nodes: usize,
    /// Prefixes (values).
    pub prefixes: usize,
    /// Bytes of nodes, their child and value arrays as allocated (their
    /// capacity) and the refcount headers of the shared allocations (not
    /// counting what values point to).
    pub bytes: usize,
}

/// A persistent longest-prefix-match map from IPv4 prefixes to `V`.
///
/// `Clone` is O(1) (one refcount); [`Trie::insert`] and [`Trie::remove`]
/// copy the path they change and leave every other clone as it was.
pub struct Trie<V> {
    root: Option<Shared<Node<V>>>,
    len: usize,
}

impl<V> Clone for Trie<V> {
    fn clone(&self) -> Self {
        Self {
            root: self.root.clone(),
            len: self.len,
        }
    }
}

impl<V> Default for Trie<V> {
    fn default() -> Self {
        Self { root: None, len: 0 }
    }
}

impl<V: Clone> Trie<V> {
    /// An empty trie; does not allocate.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of prefixes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no prefixes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `self` and `other` are the same version (share the root).
    pub fn same_version(&self, other: &Self) -> bool {
        match (&self.root, &other.root) {
            (Some(a), Some(b)) => Shared::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// The value of exactly `prefix/len`.
    pub fn get(&self, prefix: u32, len: u8) -> Option<&V> {
        let p = place(prefix, len)?;
        let mut node = self.root.as_deref()?;
        let mut off = 0u32;
        for _ in 0..p.level {
            node = node.child(chunk(prefix, off))?;
            off = off.saturating_add(STRIDE);
        }
        node.value(p.pos)
    }

    /// The longest prefix holding `addr`, with its length.
    #[inline]
    pub fn longest(&self, addr: u32) -> Option<(u8, &V)> {
        let mut node = self.root.as_deref()?;
        let mut best: Option<(&Node<V>, u128, u32)> = None;
        let mut off = 0u32;
        loop {
            let c = chunk(addr, off);
            let m = node.internal & MATCH.get(c as usize).copied().unwrap_or(0);
            if m != 0 {
                best = Some((node, m, off));
            }
            match node.child(c) {
                Some(n) => node = n,
                None => break,
            }
            off = off.saturating_add(STRIDE);
        }
        let (n, m, off) = best?;
        let pos = 127u32.saturating_sub(m.leading_zeros());
        let len = off.saturating_add(pos_len(pos)) as u8;
        n.value(pos).map(|v| (len, v))
    }

    /// Calls `f` with each prefix holding `addr`, longest first, until it
    /// returns `Some`; returns that (`fib_table_lookup`'s backtracking).
    /// Compiled with `popcnt` where the CPU has it: a level's child index
    /// is a 128-bit population count.
    #[inline]
    pub fn lookup_each<'a, R>(
        &'a self,
        addr: u32,
        f: impl FnMut(u8, &'a V) -> Option<R>,
    ) -> Option<R> {
        with_popcnt(|| self.lookup_each_in(addr, f))
    }

    /// [`Trie::lookup_each`]'s walk, inlined into each of `with_popcnt`'s
    /// two variants. The descent keeps only the deepest node that holds a
    /// prefix of `addr`; the rare backtracking past all of its prefixes
    /// (every route of them unusable) walks down from the root again to
    /// the next shallower such node, instead of every lookup recording its
    /// path.
    #[inline(always)]
    fn lookup_each_in<'a, R>(
        &'a self,
        addr: u32,
        mut f: impl FnMut(u8, &'a V) -> Option<R>,
    ) -> Option<R> {
        let root = self.root.as_deref()?;
        let (mut node, mut m, mut depth) = deepest_match(root, addr, LEVELS)?;
        loop {
            let off = (depth as u32).saturating_mul(STRIDE);
            while m != 0 {
                let pos = 127u32.saturating_sub(m.leading_zeros());
                m &= !(1u128 << (pos & 127));
                let len = off.saturating_add(pos_len(pos)) as u8;
                if let Some(v) = node.value(pos) {
                    if let Some(r) = f(len, v) {
                        return Some(r);
                    }
                }
            }
            (node, m, depth) = deepest_match(root, addr, depth)?;
        }
    }

    /// Sets the value of `prefix/len` (host bits are the caller's to clear:
    /// they select a different prefix; a length above 32 is
    /// [`TrieError::BadPrefix`]); returns the previous value. Copies the
    /// nodes on the path to the prefix that other versions share, and
    /// changes in place those only this version holds (copied by an
    /// earlier update of it: a batch of updates to one clone copies each
    /// node once). On error the trie holds the same prefixes and values.
    pub fn insert(&mut self, prefix: u32, len: u8, v: V) -> Result<Option<V>, TrieError> {
        let p = place(prefix, len).ok_or(TrieError::BadPrefix)?;
        let root = match &mut self.root {
            Some(root) => root,
            None => self.root.insert(Shared::try_new(Node::empty())?),
        };
        match insert_at(root, prefix, &p, 0, v) {
            Ok(old) => {
                if old.is_none() {
                    self.len = self.len.saturating_add(1);
                }
                Ok(old)
            }
            Err(e) => {
                // Nodes made for the prefix hold nothing: take them out.
                if prune_path(root, prefix, &p, 0) {
                    self.root = None;
                }
                Err(e.into())
            }
        }
    }

    /// Removes `prefix/len`; returns its value (`None` if absent). Copies
    /// or changes the path as [`Trie::insert`] does, and removes the nodes
    /// left empty; on error the trie holds the same prefixes and values.
    pub fn remove(&mut self, prefix: u32, len: u8) -> Result<Option<V>, TrieError> {
        let p = place(prefix, len).ok_or(TrieError::BadPrefix)?;
        if self.get(prefix, len).is_none() {
            return Ok(None);
        }
        let Some(root) = self.root.as_mut() else {
            return Ok(None);
        };
        let (old, empty) = remove_at(root, prefix, &p, 0)?;
        if empty {
            self.root = None;
        }
        if old.is_some() {
            self.len = self.len.saturating_sub(1);
        }
        Ok(old)
    }

    /// Every prefix with its value, in depth-first order (a node's own
    /// prefixes, shortest first, then its children by address).
    pub fn iter(&self) -> Iter<'_, V> {
        let mut stack: [Option<Frame<'_, V>>; LEVELS] = [None, None, None, None, None];
        if let Some(root) = self.root.as_deref() {
            stack[0] = Some(Frame::new(root, 0, 0));
        }
        Iter { stack, depth: 0 }
    }

    /// The entries of [`Trie::iter`] from `prefix/len` on: that prefix if
    /// it is present and everything the full iteration yields after it,
    /// found by walking down the prefix's path once (so a dump resumes
    /// where it stopped without walking what it sent already). A `len`
    /// above 32 yields nothing.
    pub fn iter_from(&self, prefix: u32, len: u8) -> Iter<'_, V> {
        let mut stack: [Option<Frame<'_, V>>; LEVELS] = [None, None, None, None, None];
        let mut depth = 0usize;
        let (Some(p), Some(root)) = (place(prefix, len), self.root.as_deref()) else {
            return Iter { stack, depth };
        };
        let mut frame = Frame::new(root, 0, 0);
        for level in 0..LEVELS {
            if level == p.level {
                // The prefix ends in this node: its own and the longer (or
                // same-length, higher) internal prefixes are still to come
                // (bit order is iteration order), and every child.
                let below = 1u128.checked_shl(p.pos).map_or(0, |b| b.wrapping_sub(1));
                frame.internal &= !below;
                if let Some(slot) = stack.get_mut(level) {
                    *slot = Some(frame);
                }
                depth = level;
                break;
            }
            // The prefix lies below child `c`: this node's own prefixes and
            // the children before `c` come before it, the children after it.
            let c = chunk(prefix, frame.off);
            let upto = 1u128
                .checked_shl(c.saturating_add(1))
                .map_or(u128::MAX, |b| b.wrapping_sub(1));
            let node = frame.node;
            let (base, off) = (
                frame.base | place_bits(c, STRIDE, frame.off),
                frame.off.saturating_add(STRIDE),
            );
            frame.internal = 0;
            frame.external &= !upto;
            if let Some(slot) = stack.get_mut(level) {
                *slot = Some(frame);
            }
            depth = level;
            match node.child(c) {
                Some(child) => frame = Frame::new(child, base, off),
                None => break,
            }
        }
        Iter { stack, depth }
    }

    /// Counts nodes and bytes (`value_bytes` per value, beyond its inline
    /// size).
    pub fn stats(&self) -> TrieStats {
        let mut s = TrieStats::default();
        let mut stack: [Option<(&Node<V>, usize)>; LEVELS] = [None; LEVELS];
        let Some(root) = self.root.as_deref() else {
            return s;
        };
        stack[0] = Some((root, 0));
        let mut depth = 0usize;
        count_node(&mut s, root);
        while let Some(Some((n, next))) = stack.get(depth).copied() {
            match n.children.get(next) {
                Some(c) => {
                    if let Some(slot) = stack.get_mut(depth) {
                        *slot = Some((n, next.saturating_add(1)));
                    }
                    count_node(&mut s, c);
                    if let Some(slot) = stack.get_mut(depth.saturating_add(1)) {
                        *slot = Some((c, 0));
                        depth = depth.saturating_add(1);
                    }
                }
                None => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
            }
        }
        s
    }
}

fn count_node<V>(s: &mut TrieStats, n: &Node<V>) {
    let header = Shared::<Node<V>>::header_bytes();
    let bytes = header
        .saturating_add(core::mem::size_of::<Node<V>>())
        .saturating_add(
            n.children
                .capacity()
                .saturating_mul(core::mem::size_of::<usize>()),
        )
        .saturating_add(
            n.values
                .capacity()
                .saturating_mul(core::mem::size_of::<V>()),
        );
    s.nodes = s.nodes.saturating_add(1);
    s.prefixes = s.prefixes.saturating_add(n.values.len());
    s.bytes = s.bytes.saturating_add(bytes);
}

/// Why a trie update failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrieError {
    /// Prefix length above 32.
    BadPrefix,
    /// Out of memory.
    Alloc,
}

impl From<AllocError> for TrieError {
    fn from(_: AllocError) -> Self {
        TrieError::Alloc
    }
}

/// One node being walked by [`Iter`].
struct Frame<'a, V> {
    node: &'a Node<V>,
    /// The address bits above this node.
    base: u32,
    off: u32,
    internal: u128,
    external: u128,
}

impl<'a, V> Frame<'a, V> {
    fn new(node: &'a Node<V>, base: u32, off: u32) -> Self {
        Self {
            node,
            base,
            off,
            internal: node.internal,
            external: node.external,
        }
    }
}

/// The iterator of [`Trie::iter`]: `(prefix, len, value)`.
pub struct Iter<'a, V> {
    stack: [Option<Frame<'a, V>>; LEVELS],
    depth: usize,
}

/// The address bits `bits` (`n` of them) placed at offset `off`.
fn place_bits(bits: u32, n: u32, off: u32) -> u32 {
    let shift = 32u32.saturating_sub(off).saturating_sub(n);
    let v = u64::from(bits).checked_shl(shift).unwrap_or(0);
    // Bits beyond the address (past 32) fall off.
    (v & 0xffff_ffff) as u32
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (u32, u8, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let depth = self.depth;
            let frame = self.stack.get_mut(depth)?.as_mut()?;
            if frame.internal != 0 {
                let pos = frame.internal.trailing_zeros();
                frame.internal &= !(1u128 << (pos & 127));
                let l = pos_len(pos);
                let bits = pos.saturating_sub((1u32 << l).saturating_sub(1));
                let prefix = frame.base | place_bits(bits, l, frame.off);
                let len = frame.off.saturating_add(l) as u8;
                let v = frame.node.values.get(rank(frame.node.internal, pos))?;
                return Some((prefix, len, v));
            }
            if frame.external != 0 {
                let c = frame.external.trailing_zeros();
                frame.external &= !(1u128 << (c & 127));
                let child = frame.node.child(c)?;
                let base = frame.base | place_bits(c, STRIDE, frame.off);
                let off = frame.off.saturating_add(STRIDE);
                let slot = self.stack.get_mut(depth.saturating_add(1))?;
                *slot = Some(Frame::new(child, base, off));
                self.depth = depth.saturating_add(1);
                continue;
            }
            if let Some(slot) = self.stack.get_mut(depth) {
                *slot = None;
            }
            if depth == 0 {
                return None;
            }
            self.depth = depth - 1;
        }
    }
}

#[cfg(test)]
#[path = "lpm_tests.rs"]
mod tests;

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
//! A node's children are a [`SharedSlice`] of nodes, stored in it by value
//! (bitmaps and the handles of their own children and values), so a lookup
//! follows one pointer a level: from a node to the slice that holds its
//! child, as fib_trie's `tnode` holds its children's pointers. Its values
//! are a second slice, reached at the last level.
//!
//! The slices are immutable and shared: an update copies the slices on the
//! path to the changed prefix (at most five, and the values of its node)
//! and shares every other one with the previous version, so a clone of a
//! [`Trie`] is two refcount increments, and a version keeps answering as it
//! did after later versions are derived from it. A batch of updates to one
//! clone copies each slice once and changes its copies in place. Readers
//! only follow references.
//!
//! Linux uses a level-compressed trie instead (net/ipv4/fib_trie.c); see
//! Documentation/fib.rst for the comparison and the measurements.

use crate::platform::{slab_size, with_popcnt, AllocError, SharedSlice};

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

/// A node's children or values: a shared slice, `None` (no allocation)
/// when empty.
struct Slots<T>(Option<SharedSlice<T>>);

impl<T> Clone for Slots<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Slots<T> {
    const fn new() -> Self {
        Self(None)
    }

    #[inline(always)]
    fn as_slice(&self) -> &[T] {
        self.0.as_deref().unwrap_or(&[])
    }

    #[inline(always)]
    fn get(&self, i: usize) -> Option<&T> {
        self.as_slice().get(i)
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Bytes of the allocation (none if empty).
    fn heap_bytes(&self) -> usize {
        self.0.as_ref().map_or(0, |s| {
            SharedSlice::<T>::ELEMS
                .saturating_add(s.capacity().saturating_mul(core::mem::size_of::<T>()))
        })
    }

    /// Bytes of the allocation as the slab allocator sizes it.
    fn slab_bytes(&self) -> usize {
        match self.heap_bytes() {
            0 => 0,
            b => slab_size(b),
        }
    }

    /// The elements to change in place, if this version alone holds them
    /// (without copying).
    fn get_mut(&mut self) -> Option<&mut [T]> {
        match &mut self.0 {
            Some(s) => s.get_mut(),
            None => Some(&mut []),
        }
    }
}

impl<T: Clone> Slots<T> {
    /// The elements to change in place: copied first if another version
    /// holds them too (the path copy).
    fn try_make_mut(&mut self) -> Result<&mut [T], AllocError> {
        match &mut self.0 {
            Some(s) => s.try_make_mut(),
            None => Ok(&mut []),
        }
    }

    fn try_insert(&mut self, i: usize, v: T) -> Result<(), AllocError> {
        match &mut self.0 {
            Some(s) => s.try_insert(i, v),
            None => {
                self.0 = Some(SharedSlice::try_single(v)?);
                Ok(())
            }
        }
    }

    /// Removes element `i`; does not allocate if this version alone holds
    /// the elements. The last one out frees the allocation.
    fn remove(&mut self, i: usize) -> Result<Option<T>, AllocError> {
        let Some(s) = &mut self.0 else {
            return Ok(None);
        };
        let v = s.remove(i)?;
        if s.is_empty() {
            self.0 = None;
        }
        Ok(v)
    }
}

/// One trie node (see the module documentation). A node is stored in its
/// parent's child slice itself, so a lookup goes from a node to its child
/// through one pointer, to the slice holding the child.
struct Node<V> {
    internal: u128,
    external: u128,
    children: Slots<Node<V>>,
    values: Slots<V>,
}

impl<V> Clone for Node<V> {
    /// A copy sharing the children and the values (a reference count
    /// each, none for an empty slot list): cannot fail.
    fn clone(&self) -> Self {
        Self {
            internal: self.internal,
            external: self.external,
            children: self.children.clone(),
            values: self.values.clone(),
        }
    }
}

impl<V> Node<V> {
    const fn empty() -> Self {
        Self {
            internal: 0,
            external: 0,
            children: Slots::new(),
            values: Slots::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.internal == 0 && self.external == 0
    }

    #[inline(always)]
    fn child(&self, c: u32) -> Option<&Node<V>> {
        if bit(self.external, c) {
            self.children.get(rank(self.external, c))
        } else {
            None
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
    /// Sets the value at internal bit `pos`; returns the old one.
    fn set_value(&mut self, pos: u32, v: V) -> Result<Option<V>, AllocError> {
        let i = rank(self.internal, pos);
        if bit(self.internal, pos) {
            match self.values.try_make_mut()?.get_mut(i) {
                Some(slot) => Ok(Some(core::mem::replace(slot, v))),
                None => Err(AllocError),
            }
        } else {
            self.values.try_insert(i, v)?;
            self.internal |= 1u128 << (pos & 127);
            Ok(None)
        }
    }

    fn clear_value(&mut self, pos: u32) -> Result<Option<V>, AllocError> {
        if !bit(self.internal, pos) {
            return Ok(None);
        }
        let v = self.values.remove(rank(self.internal, pos))?;
        self.internal &= !(1u128 << (pos & 127));
        Ok(v)
    }

    /// Removes the child at chunk `c`, if there is one. Does not allocate
    /// when this version alone holds the children (as after
    /// [`Slots::try_make_mut`]); on error nothing changed.
    fn remove_child(&mut self, c: u32) -> Result<(), AllocError> {
        if bit(self.external, c) {
            self.children.remove(rank(self.external, c))?;
            self.external &= !(1u128 << (c & 127));
        }
        Ok(())
    }

    /// The child at chunk `c`, to change (made first, empty, if there is
    /// none): this node's children are copied first if another version
    /// holds them.
    fn child_mut(&mut self, c: u32) -> Result<&mut Node<V>, AllocError> {
        if !bit(self.external, c) {
            self.children
                .try_insert(rank(self.external, c), Node::empty())?;
            self.external |= 1u128 << (c & 127);
        }
        let i = rank(self.external, c);
        self.children.try_make_mut()?.get_mut(i).ok_or(AllocError)
    }
}

/// [`Trie::insert`] below `node`, the node at `level` on the path to `p`.
fn insert_at<V: Clone>(
    node: &mut Node<V>,
    prefix: u32,
    p: &Place,
    level: usize,
    v: V,
) -> Result<Option<V>, AllocError> {
    if level >= p.level {
        return node.set_value(p.pos, v);
    }
    let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
    let child = node.child_mut(c)?;
    insert_at(child, prefix, p, level.saturating_add(1), v)
}

/// [`Trie::remove`] below `node` (the prefix is present): the old value,
/// and whether the node is left empty (its parent then drops it).
fn remove_at<V: Clone>(
    node: &mut Node<V>,
    prefix: u32,
    p: &Place,
    level: usize,
) -> Result<(Option<V>, bool), AllocError> {
    if level >= p.level {
        let old = node.clear_value(p.pos)?;
        return Ok((old, node.is_empty()));
    }
    let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
    if !bit(node.external, c) {
        return Ok((None, false));
    }
    let child = node.child_mut(c)?;
    let (old, empty) = remove_at(child, prefix, p, level.saturating_add(1))?;
    if empty {
        // child_mut made the children this version's own: removing one
        // does not allocate, and cannot fail.
        node.remove_child(c)?;
    }
    Ok((old, node.is_empty()))
}

/// After a failed insert: drops the empty nodes it made on the path to
/// `p`; returns whether `node` is empty itself. Only children this version
/// alone holds can hold an empty node (a shared one belongs to a complete
/// version), so nothing is copied or allocated.
fn prune_path<V: Clone>(node: &mut Node<V>, prefix: u32, p: &Place, level: usize) -> bool {
    if level < p.level {
        let c = chunk(prefix, (level as u32).saturating_mul(STRIDE));
        if bit(node.external, c) {
            let i = rank(node.external, c);
            let empty = node
                .children
                .get_mut()
                .and_then(|children| children.get_mut(i))
                .is_some_and(|child| prune_path(child, prefix, p, level.saturating_add(1)));
            if empty {
                // Held by this version alone: does not allocate.
                let _ = node.remove_child(c);
            }
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
    /// The same allocations as the slab allocator sizes them
    /// ([`crate::platform::slab_size`]: the rounding included).
    pub slab_bytes: usize,
}

/// A persistent longest-prefix-match map from IPv4 prefixes to `V`.
///
/// `Clone` is O(1) (two refcounts: the root's children and values);
/// [`Trie::insert`] and [`Trie::remove`] copy the path they change and
/// leave every other clone as it was.
pub struct Trie<V> {
    root: Node<V>,
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
        Self {
            root: Node::empty(),
            len: 0,
        }
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

    /// Whether `self` and `other` are the same version (their roots hold
    /// the same prefixes and share their children and values).
    pub fn same_version(&self, other: &Self) -> bool {
        fn same<T>(a: &Slots<T>, b: &Slots<T>) -> bool {
            match (&a.0, &b.0) {
                (Some(a), Some(b)) => SharedSlice::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        let (a, b) = (&self.root, &other.root);
        a.internal == b.internal
            && a.external == b.external
            && same(&a.children, &b.children)
            && same(&a.values, &b.values)
    }

    /// The value of exactly `prefix/len`.
    pub fn get(&self, prefix: u32, len: u8) -> Option<&V> {
        let p = place(prefix, len)?;
        let mut node = &self.root;
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
        let mut node = &self.root;
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
    /// two variants (callers that are inside a `with_popcnt` of their own
    /// call it directly, so that it inlines into them). The descent keeps
    /// only the deepest node that holds a prefix of `addr`; the rare
    /// backtracking past all of its prefixes (every route of them
    /// unusable) walks down from the root again to the next shallower such
    /// node, instead of every lookup recording its path.
    #[inline(always)]
    pub(super) fn lookup_each_in<'a, R>(
        &'a self,
        addr: u32,
        mut f: impl FnMut(u8, &'a V) -> Option<R>,
    ) -> Option<R> {
        let root = &self.root;
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
    /// slices on the path to the prefix that other versions share, and
    /// changes in place those only this version holds (copied by an
    /// earlier update of it: a batch of updates to one clone copies each
    /// slice once). On error the trie holds the same prefixes and values.
    pub fn insert(&mut self, prefix: u32, len: u8, v: V) -> Result<Option<V>, TrieError> {
        let p = place(prefix, len).ok_or(TrieError::BadPrefix)?;
        match insert_at(&mut self.root, prefix, &p, 0, v) {
            Ok(old) => {
                if old.is_none() {
                    self.len = self.len.saturating_add(1);
                }
                Ok(old)
            }
            Err(e) => {
                // Nodes made for the prefix hold nothing: take them out.
                prune_path(&mut self.root, prefix, &p, 0);
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
        let (old, _) = remove_at(&mut self.root, prefix, &p, 0)?;
        if old.is_some() {
            self.len = self.len.saturating_sub(1);
        }
        Ok(old)
    }

    /// Every prefix with its value, in depth-first order (a node's own
    /// prefixes, shortest first, then its children by address).
    pub fn iter(&self) -> Iter<'_, V> {
        let mut stack: [Option<Frame<'_, V>>; LEVELS] = [None, None, None, None, None];
        stack[0] = Some(Frame::new(&self.root, 0, 0));
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
        let Some(p) = place(prefix, len) else {
            return Iter { stack, depth };
        };
        let mut frame = Frame::new(&self.root, 0, 0);
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
        let root = &self.root;
        if root.is_empty() {
            return s;
        }
        // The root is inline in the trie.
        s.bytes = core::mem::size_of::<Node<V>>();
        s.slab_bytes = s.bytes;
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
    // The node itself is in its parent's child slice (the root in the
    // trie), which its parent's count has.
    let bytes = n
        .children
        .heap_bytes()
        .saturating_add(n.values.heap_bytes());
    s.nodes = s.nodes.saturating_add(1);
    s.prefixes = s.prefixes.saturating_add(n.values.len());
    s.bytes = s.bytes.saturating_add(bytes);
    let slab = n
        .children
        .slab_bytes()
        .saturating_add(n.values.slab_bytes());
    s.slab_bytes = s.slab_bytes.saturating_add(slab);
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

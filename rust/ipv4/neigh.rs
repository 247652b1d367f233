// SPDX-License-Identifier: GPL-2.0

//! The neighbour (ARP) cache: net/core/neighbour.c's state machine for
//! IPv4 over Ethernet, generic over the packet type `P` that waits for
//! resolution (the glue's owned skb).
//!
//! Entries are keyed by (port, address) and move through the `NUD_*`
//! states:
//!
//! ```text
//!  resolve() ──► INCOMPLETE ──(reply)──► REACHABLE ──(30 s)──► STALE
//!                  │  3 broadcast requests,           ▲          │ used
//!                  │  1 s apart, unanswered           │confirmed ▼
//!                  ▼                                  └──── DELAY (5 s)
//!                FAILED ◄── 3 unicast probes unanswered ── PROBE ◄┘
//! ```
//!
//! (`reachable_time` is fixed at 30 s rather than randomised, and entries
//! are updated from ARP only: there are no upper-layer confirmations.)
//!
//! **Packets are never lost.** Every packet given to
//! [`NeighCache::resolve`] comes back exactly once: at once (`Ready`,
//! `Dropped`), as the oldest packet pushed out of a full queue (`Queued {
//! dropped }`, `NEIGH_QUEUEFULL`, as `__neigh_event_send` drops the queue's
//! head), through [`NeighCache::update`] when the address resolves, through
//! [`NeighAction::Failed`] from [`NeighCache::tick`] when it does not, or
//! through [`NeighCache::flush_port`] / [`NeighCache::clear`].
//!
//! **Bounds.** At most [`NeighCache::max_entries`] entries
//! (`gc_thresh3`, 1024 by default). As `neigh_alloc` does, creating an
//! entry when the table holds `gc_thresh3` entries, or `gc_thresh2` (512)
//! and the last forced collection is more than 5 s old, first runs a
//! forced garbage collection (`neigh_forced_gc`: oldest first, FAILED
//! entries and entries with nothing queued not updated for 5 s, until the
//! table is down to `gc_thresh2`); if it frees nothing and the table holds
//! `gc_thresh3` entries, the packet is dropped with `NEIGH_CREATEFAIL`
//! ("neighbour table overflow").
//! Each unresolved entry queues at most [`NeighCache::queue_len`] packets
//! (`unres_qlen`, 101 by default); its queue's memory is reserved when the
//! entry starts resolving, so queueing itself never allocates.
//!
//! **The output path reads without the lock.** The cache itself lives
//! under its owner's lock, but every entry with a usable MAC (REACHABLE,
//! DELAY, PROBE) is also published in an [`HhCache`], which the output
//! path reads lock-free, as Linux's reads `nud_state` and then the header
//! under a seqlock (`neigh_hh_output`'s `hh_lock` for a REACHABLE entry,
//! `neigh_resolve_output`'s `ha_lock` for DELAY and PROBE). Only what
//! [`NeighCache::resolve`] would answer `Ready` for without changing the
//! entry's state is published, so a read that hits is the answer the
//! locked call would give; a miss falls back to it. A hit does not update
//! the entry's `used`: neither does `neigh_hh_output`, so a REACHABLE
//! entry in use still goes STALE when its time runs out, and DELAY at its
//! next use, as in Linux.
//!
//! Linear scans: fine for a slice whose tables are small; the neighbour
//! hash table is later work.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::iface::PortId;
use crate::ipv4::stats::DropReason;
use crate::ipv4::wire::ethernet::MacAddr;
use crate::platform::{AllocError, SharedSlice, TryVec};
use core::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

/// Default bound on entries (`gc_thresh3`).
pub const MAX_ENTRIES: usize = 1024;
/// From this many entries a new one forces a collection if the last was
/// more than [`FORCED_GC_INTERVAL_MS`] ago (`gc_thresh2`); a forced
/// collection stops once the table is down to it.
pub const GC_THRESH2: usize = 512;
/// Between `gc_thresh2` and `gc_thresh3`, forced collections are at least
/// this far apart (`neigh_alloc`'s `last_flush + 5 * HZ`).
pub const FORCED_GC_INTERVAL_MS: u64 = 5_000;
/// Default bound on packets queued per unresolved entry (`unres_qlen`).
pub const UNRES_QLEN: usize = 101;
/// How long a confirmation keeps an entry REACHABLE (`base_reachable_time`).
pub const REACHABLE_TIME_MS: u64 = 30_000;
/// Time between ARP requests (`retrans_time`).
pub const RETRANS_TIME_MS: u64 = 1_000;
/// How long a used STALE entry waits for a confirmation before probing
/// (`delay_first_probe_time`).
pub const DELAY_PROBE_TIME_MS: u64 = 5_000;
/// Broadcast requests before an INCOMPLETE entry fails (`mcast_solicit`).
pub const MCAST_PROBES: u8 = 3;
/// Unicast probes before a PROBE entry fails (`ucast_solicit`).
pub const UCAST_PROBES: u8 = 3;
/// Unused entries and FAILED ones are removed after this long
/// (`gc_stale_time`), by the periodic collection, which runs only when the
/// table holds at least [`GC_THRESH1`] entries.
pub const GC_STALETIME_MS: u64 = 60_000;
/// Below this many entries the periodic collection keeps every entry
/// (`gc_thresh1`: `neigh_periodic_work` returns early).
pub const GC_THRESH1: usize = 128;
/// A different MAC within this long of an update is ignored unless it
/// overrides (`locktime`: "use the first of several replies").
pub const LOCKTIME_MS: u64 = 1_000;
/// A forced collection spares entries updated this recently
/// (`neigh_forced_gc`'s 5 s).
pub const FORCED_GC_SPARE_MS: u64 = 5_000;

/// Neighbour state (`NUD_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NudState {
    /// `NUD_INCOMPLETE`: requests sent, no answer yet; packets queue.
    Incomplete,
    /// `NUD_REACHABLE`: confirmed recently.
    Reachable,
    /// `NUD_STALE`: known MAC, not confirmed recently.
    Stale,
    /// `NUD_DELAY`: used while stale; waiting before probing.
    Delay,
    /// `NUD_PROBE`: unicast probes sent.
    Probe,
    /// `NUD_FAILED`: resolution failed.
    Failed,
}

impl NudState {
    /// The kernel's `NUD_*` bit (what `ip neigh` shows).
    pub const fn as_u8(self) -> u8 {
        match self {
            NudState::Incomplete => 0x01,
            NudState::Reachable => 0x02,
            NudState::Stale => 0x04,
            NudState::Delay => 0x08,
            NudState::Probe => 0x10,
            NudState::Failed => 0x20,
        }
    }

    /// `NUD_VALID` without `NUD_NOARP`/`NUD_PERMANENT`: a MAC is known.
    pub const fn is_valid(self) -> bool {
        matches!(
            self,
            NudState::Reachable | NudState::Stale | NudState::Delay | NudState::Probe
        )
    }
}

/// What an ARP packet taught about a neighbour (the arguments of
/// `neigh_update` that `arp_process` computes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeighUpdate {
    /// Port it was received on.
    pub port: PortId,
    /// The sender's address.
    pub ip: Ipv4Addr,
    /// The sender's MAC.
    pub mac: MacAddr,
    /// `Reachable` for a unicast reply to us, else `Stale`.
    pub reachable: bool,
    /// Create the entry if missing (a request for one of our addresses:
    /// `neigh_event_ns`); otherwise only an existing entry is updated
    /// (`arp_accept=0`).
    pub create: bool,
    /// Replace a different MAC even within [`LOCKTIME_MS`]
    /// (`NEIGH_UPDATE_F_OVERRIDE`: requests for us, gratuitous ARP).
    pub force_override: bool,
}

/// The outcome of [`NeighCache::resolve`] (`neigh_resolve_output` /
/// `__neigh_event_send`).
pub enum Resolve<P> {
    /// The MAC is known: send the packet to it now.
    Ready(MacAddr, P),
    /// The packet waits for resolution.
    Queued {
        /// Send a broadcast ARP request now (the entry just started
        /// resolving; later ones come from [`NeighCache::tick`]).
        send_request: bool,
        /// The oldest waiting packet, pushed out because the queue was
        /// full: drop it with `NEIGH_QUEUEFULL`.
        dropped: Option<P>,
    },
    /// The packet cannot wait: drop it with the reason
    /// (`NEIGH_CREATEFAIL`: table full; `NOMEM`).
    Dropped(P, DropReason),
}

/// Packets released from an entry's queue, oldest first. Owns them: no
/// allocation, no lock needed to iterate.
pub struct Released<P> {
    mac: Option<MacAddr>,
    /// Stored newest first, so that `pop` yields the oldest.
    packets: TryVec<P>,
}

impl<P> Released<P> {
    fn empty() -> Self {
        Released {
            mac: None,
            packets: TryVec::new(),
        }
    }

    fn from_queue(mac: Option<MacAddr>, mut packets: TryVec<P>) -> Self {
        packets.as_mut_slice().reverse();
        Released { mac, packets }
    }

    /// The MAC to send them to (`None` for packets to drop).
    pub fn mac(&self) -> Option<MacAddr> {
        self.mac
    }

    /// How many packets are left.
    pub fn len(&self) -> usize {
        self.packets.len()
    }

    /// Whether none are left.
    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }
}

impl<P> Iterator for Released<P> {
    type Item = P;

    fn next(&mut self) -> Option<P> {
        self.packets.pop()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.packets.len(), Some(self.packets.len()))
    }
}

/// Something the timer found to do (`neigh_timer_handler`).
pub enum NeighAction<P> {
    /// Send an ARP request for `ip` on `port` (`neigh_probe` /
    /// `arp_solicit`): broadcast if `unicast` is `None`, else to that MAC
    /// (a PROBE re-check).
    Solicit {
        /// Port.
        port: PortId,
        /// Address to resolve.
        ip: Ipv4Addr,
        /// MAC of a unicast probe.
        unicast: Option<MacAddr>,
    },
    /// Resolution of `ip` on `port` failed: drop these packets with
    /// `NEIGH_FAILED` (and send ICMP host unreachable for them, as
    /// `arp_error_report` does).
    Failed {
        /// Port.
        port: PortId,
        /// Address that did not resolve.
        ip: Ipv4Addr,
        /// The packets that waited for it.
        packets: Released<P>,
    },
}

/// A snapshot of one entry, for `ip neigh`-like dumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeighInfo {
    /// Port.
    pub port: PortId,
    /// Address.
    pub addr: Ipv4Addr,
    /// MAC, once known.
    pub mac: Option<MacAddr>,
    /// State.
    pub state: NudState,
    /// Packets waiting.
    pub queued: usize,
}

/// Neighbour-table counters (`/proc/net/stat/arp_cache` columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeighStats {
    /// Entries created.
    pub allocs: u64,
    /// Entries removed.
    pub destroys: u64,
    /// Resolutions that failed.
    pub res_failed: u64,
    /// Packets dropped while waiting (queue full or resolution failed).
    pub unresolved_discards: u64,
    /// Entries not created because the table was full.
    pub table_fulls: u64,
    /// Forced garbage collections.
    pub forced_gc_runs: u64,
    /// Entries now (`/proc/net/stat/arp_cache`'s `entries`).
    pub entries: u64,
    /// The most entries the table has held.
    pub peak_entries: u64,
}

fn bump(c: &mut u64) {
    *c = c.wrapping_add(1);
}

/// Slots of an [`HhCache`]: as many 32-byte slots as fit in one 4 KiB
/// allocation beside its 16-byte header.
pub const HH_SLOTS: usize = 127;

/// One published neighbour: a seqlock over atomics (`struct hh_cache`'s
/// `hh_lock` and data). `seq` is odd while its writer changes the others.
struct HhSlot {
    seq: AtomicU32,
    /// [`hh_key`] of the neighbour.
    key: AtomicU64,
    /// The MAC in the low 48 bits.
    mac: AtomicU64,
    /// Until when (ms) the slot is valid: for a REACHABLE entry
    /// `confirmed` plus [`REACHABLE_TIME_MS`], when it stops being
    /// REACHABLE by time; `u64::MAX` for DELAY and PROBE, which end only by
    /// a change the cache clears the slot for. 0 in an empty slot.
    expires: AtomicU64,
}

impl HhSlot {
    const fn empty() -> HhSlot {
        HhSlot {
            seq: AtomicU32::new(0),
            key: AtomicU64::new(0),
            mac: AtomicU64::new(0),
            expires: AtomicU64::new(0),
        }
    }

    /// The MAC published for `key`, if it is valid at `now`. Never waits:
    /// a slot being written reads as a miss. Inline: every forwarded frame
    /// reads one, and out of line it was a call of its own per frame.
    #[inline(always)]
    fn read(&self, key: u64, now: u64) -> Option<MacAddr> {
        // Boehm's seqlock reader ("Can seqlocks get along with programming
        // language memory models?"): the fence orders the data loads
        // before the second load of `seq`, so a load that saw a write of a
        // newer round makes that load see the odd or newer count.
        let seq = self.seq.load(Ordering::Acquire);
        if seq & 1 != 0 {
            return None;
        }
        let slot_key = self.key.load(Ordering::Relaxed);
        let mac = self.mac.load(Ordering::Relaxed);
        let expires = self.expires.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        if self.seq.load(Ordering::Relaxed) != seq || slot_key != key || now >= expires {
            return None;
        }
        let b = mac.to_le_bytes();
        Some([b[0], b[1], b[2], b[3], b[4], b[5]])
    }

    /// Writes the slot. Callers are the one writer (see [`HhCache`]).
    fn write(&self, key: u64, mac: MacAddr, expires: u64) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        let [a, b, c, d, e, f] = mac;
        self.key.store(key, Ordering::Relaxed);
        self.mac.store(
            u64::from_le_bytes([a, b, c, d, e, f, 0, 0]),
            Ordering::Relaxed,
        );
        self.expires.store(expires, Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }
}

/// The key of a neighbour in its [`HhCache`] slot.
fn hh_key(port: PortId, ip: Ipv4Addr) -> u64 {
    (u64::from(port.0) << 32) | u64::from(ip.to_bits())
}

/// The neighbours with a usable MAC (REACHABLE, DELAY, PROBE), readable
/// without the cache's lock: the output path's `neigh_output` fast path.
///
/// Direct-mapped by a hash of (port, address); a neighbour whose slot
/// holds another one reads as a miss and takes the locked path, which
/// publishes it in turn. A handle is made by [`NeighCache::try_hh`] and
/// can only read; clones share the slots.
///
/// # Invariants
///
/// Only the [`NeighCache`] that made the slots writes them, and only in
/// methods that take it by `&mut`, so there is one writer at a time (the
/// seqlock's requirement) however many handles read.
///
/// A slot that reads as `(port, ip) -> mac` at `now` means that cache has
/// an entry for (port, ip) with that MAC that [`NeighCache::resolve`] at
/// `now` would answer `Ready` for and leave in its state: REACHABLE and
/// not expired at `now`, or DELAY, or PROBE. The cache rewrites the slot
/// after every change of the entry's state or MAC (publishing it, or
/// clearing it for any other state) and clears it when the entry is
/// removed. A REACHABLE slot ends at `confirmed + REACHABLE_TIME_MS`:
/// `confirmed` only grows, and the entry stops being REACHABLE by time no
/// earlier than that.
#[derive(Clone)]
pub struct HhCache {
    slots: SharedSlice<HhSlot>,
}

impl HhCache {
    fn try_new() -> Result<Self, AllocError> {
        Ok(HhCache {
            slots: SharedSlice::try_from_fn(HH_SLOTS, |_| HhSlot::empty())?,
        })
    }

    fn slot(&self, key: u64) -> Option<&HhSlot> {
        // Fibonacci hashing of the key, then Lemire's multiply-shift to
        // map it onto the slots without a division.
        let hash = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as u32;
        let i = (u64::from(hash) * HH_SLOTS as u64) >> 32;
        self.slots.get(i as usize)
    }

    /// The MAC to send to `ip` on `port` at `now`, if the neighbour has one
    /// to use as it is (what [`NeighCache::resolve`] would answer `Ready`
    /// with, changing no state); `None` means: ask the cache.
    #[inline(always)]
    pub fn lookup(&self, port: PortId, ip: Ipv4Addr, now: u64) -> Option<MacAddr> {
        let key = hh_key(port, ip);
        self.slot(key)?.read(key, now)
    }

    /// Publishes the entry's state: a MAC to use until a time, or nothing.
    fn sync<P>(&self, n: &Neighbour<P>) {
        let key = hh_key(n.port, n.ip);
        let Some(slot) = self.slot(key) else {
            return;
        };
        match (n.state, n.mac) {
            (NudState::Reachable, Some(mac)) => {
                slot.write(key, mac, n.confirmed.saturating_add(REACHABLE_TIME_MS))
            }
            (NudState::Delay | NudState::Probe, Some(mac)) => slot.write(key, mac, u64::MAX),
            _ => self.clear_key(slot, key),
        }
    }

    /// Empties `slot` if it holds `key`.
    fn clear_key(&self, slot: &HhSlot, key: u64) {
        if slot.key.load(Ordering::Relaxed) == key && slot.expires.load(Ordering::Relaxed) != 0 {
            slot.write(key, [0; 6], 0);
        }
    }

    /// Empties the slot of a removed entry.
    fn remove(&self, port: PortId, ip: Ipv4Addr) {
        let key = hh_key(port, ip);
        if let Some(slot) = self.slot(key) {
            self.clear_key(slot, key);
        }
    }

    /// Empties every slot.
    fn clear(&self) {
        for slot in self.slots.iter() {
            if slot.expires.load(Ordering::Relaxed) != 0 {
                slot.write(0, [0; 6], 0);
            }
        }
    }
}

/// One entry (`struct neighbour`).
struct Neighbour<P> {
    port: PortId,
    ip: Ipv4Addr,
    mac: Option<MacAddr>,
    state: NudState,
    /// Last state or MAC change (`updated`).
    updated: u64,
    /// Last confirmation (`confirmed`).
    confirmed: u64,
    /// Last use for output (`used`).
    used: u64,
    /// Requests sent in this round (`probes`).
    probes: u8,
    /// When the timer of INCOMPLETE/DELAY/PROBE fires.
    timer: u64,
    /// Packets waiting (`arp_queue`), oldest first.
    queue: TryVec<P>,
}

/// The neighbour cache.
pub struct NeighCache<P> {
    entries: TryVec<Neighbour<P>>,
    max_entries: usize,
    gc_thresh2: usize,
    /// When the last forced collection ran (`last_flush`).
    last_flush: u64,
    queue_len: usize,
    stats: NeighStats,
    /// Where entries with a usable MAC are published, once asked for.
    hh: Option<HhCache>,
}

impl<P> Default for NeighCache<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> NeighCache<P> {
    /// An empty cache with Linux's default bounds; does not allocate.
    pub fn new() -> Self {
        Self::with_limits(MAX_ENTRIES, UNRES_QLEN)
    }

    /// An empty cache with other bounds (each at least 1); `gc_thresh2`
    /// is half of `max_entries`, as Linux's defaults are.
    pub fn with_limits(max_entries: usize, queue_len: usize) -> Self {
        let max_entries = max_entries.max(1);
        NeighCache {
            entries: TryVec::new(),
            max_entries,
            gc_thresh2: max_entries / 2,
            last_flush: 0,
            queue_len: queue_len.max(1),
            stats: NeighStats::default(),
            hh: None,
        }
    }

    /// A read handle on the cache's [`HhCache`], made on the first call
    /// (its one allocation); from then on the cache publishes its entries
    /// with a usable MAC (REACHABLE, DELAY, PROBE) there.
    pub fn try_hh(&mut self) -> Result<HhCache, AllocError> {
        if let Some(hh) = &self.hh {
            return Ok(hh.clone());
        }
        let hh = HhCache::try_new()?;
        for n in self.entries.iter() {
            hh.sync(n);
        }
        self.hh = Some(hh.clone());
        Ok(hh)
    }

    /// Publishes entry `i`'s state in the [`HhCache`], if there is one.
    fn sync_entry(&self, i: usize) {
        if let (Some(hh), Some(n)) = (&self.hh, self.entries.get(i)) {
            hh.sync(n);
        }
    }

    /// The bound on entries.
    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// The bound on packets queued per entry.
    pub fn queue_len(&self) -> usize {
        self.queue_len
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The counters.
    pub fn stats(&self) -> NeighStats {
        NeighStats {
            entries: self.entries.len() as u64,
            ..self.stats
        }
    }

    fn find(&self, port: PortId, ip: Ipv4Addr) -> Option<usize> {
        self.entries
            .iter()
            .position(|n| n.port == port && n.ip == ip)
    }

    /// The MAC and state of the entry for `ip` on `port`, if any
    /// (`neigh_lookup`).
    pub fn lookup(&self, port: PortId, ip: Ipv4Addr) -> Option<(Option<MacAddr>, NudState)> {
        self.find(port, ip)
            .and_then(|i| self.entries.get(i))
            .map(|n| (n.mac, n.state))
    }

    /// Snapshots of every entry, with REACHABLE entries whose time ran out
    /// by `now` shown as STALE (as the timer will make them).
    pub fn entries(&self, now: u64) -> impl Iterator<Item = NeighInfo> + '_ {
        self.entries.iter().map(move |n| NeighInfo {
            port: n.port,
            addr: n.ip,
            mac: n.mac,
            state: if n.state == NudState::Reachable
                && now >= n.confirmed.saturating_add(REACHABLE_TIME_MS)
            {
                NudState::Stale
            } else {
                n.state
            },
            queued: n.queue.len(),
        })
    }

    /// Removes entry `i`, returning its queue.
    fn remove(&mut self, i: usize) -> Option<TryVec<P>> {
        let n = self.entries.swap_remove(i)?;
        if let Some(hh) = &self.hh {
            hh.remove(n.port, n.ip);
        }
        bump(&mut self.stats.destroys);
        Some(n.queue)
    }

    /// `neigh_forced_gc`: removes, oldest first, FAILED entries and entries
    /// with nothing queued that were not updated within
    /// [`FORCED_GC_SPARE_MS`], until the table is down to `gc_thresh2`
    /// (Linux stops once it has removed `entries - gc_thresh2`, checking
    /// after each entry it looks at). Only entries with empty queues are
    /// removed, so no packet is dropped. Returns how many it removed.
    fn forced_gc(&mut self, now: u64) -> usize {
        bump(&mut self.stats.forced_gc_runs);
        let max_clean = self.entries.len().saturating_sub(self.gc_thresh2);
        let mut shrunk = 0usize;
        let mut done = false;
        let hh = &self.hh;
        self.entries.retain(|n| {
            if done {
                return true;
            }
            let old = now >= n.updated.saturating_add(FORCED_GC_SPARE_MS);
            let remove = n.queue.is_empty() && (n.state == NudState::Failed || old);
            if remove {
                shrunk += 1;
                if let Some(hh) = hh {
                    hh.remove(n.port, n.ip);
                }
            }
            done = shrunk >= max_clean;
            !remove
        });
        for _ in 0..shrunk {
            bump(&mut self.stats.destroys);
        }
        self.last_flush = now;
        shrunk
    }

    /// Makes room for one more entry (`neigh_alloc`'s bound); false if the
    /// table stays full.
    fn make_room(&mut self, now: u64) -> bool {
        let len = self.entries.len();
        let over_thresh2 =
            len >= self.gc_thresh2 && now > self.last_flush.saturating_add(FORCED_GC_INTERVAL_MS);
        if len < self.max_entries && !over_thresh2 {
            return true;
        }
        if self.forced_gc(now) == 0 && len >= self.max_entries {
            bump(&mut self.stats.table_fulls);
            return false;
        }
        true
    }

    /// Creates an entry (`neigh_create`), returning its index.
    fn create(&mut self, port: PortId, ip: Ipv4Addr, state: NudState, now: u64) -> Option<usize> {
        if !self.make_room(now) {
            return None;
        }
        let n = Neighbour {
            port,
            ip,
            mac: None,
            state,
            updated: now,
            confirmed: now,
            used: now,
            probes: 0,
            timer: now,
            queue: TryVec::new(),
        };
        self.entries.try_push(n).ok()?;
        bump(&mut self.stats.allocs);
        let len = self.entries.len() as u64;
        if len > self.stats.peak_entries {
            self.stats.peak_entries = len;
        }
        Some(self.entries.len().saturating_sub(1))
    }

    /// Puts entry `i` into INCOMPLETE with its first request counted and
    /// its queue's room reserved. False (entry unchanged) if the queue's
    /// memory cannot be had.
    fn start_resolving(&mut self, i: usize, now: u64) -> bool {
        let qlen = self.queue_len;
        let Some(n) = self.entries.get_mut(i) else {
            return false;
        };
        if n.queue.is_empty() {
            match TryVec::try_with_capacity(qlen) {
                Ok(q) => n.queue = q,
                Err(_) => return false,
            }
        }
        n.state = NudState::Incomplete;
        n.updated = now;
        n.probes = 1;
        n.timer = now.saturating_add(RETRANS_TIME_MS);
        true
    }

    /// Queues `pkt` on INCOMPLETE entry `i`, pushing out the oldest packet
    /// if the queue is full.
    fn enqueue(&mut self, i: usize, pkt: P, send_request: bool) -> Resolve<P> {
        let qlen = self.queue_len;
        let Some(n) = self.entries.get_mut(i) else {
            return Resolve::Dropped(pkt, DropReason::NotSpecified);
        };
        let dropped = if n.queue.len() >= qlen {
            n.queue.remove(0)
        } else {
            None
        };
        if dropped.is_some() {
            bump(&mut self.stats.unresolved_discards);
        }
        // The queue's room was reserved by start_resolving and its length
        // is below that, so this does not allocate and cannot fail.
        match n.queue.try_push(pkt) {
            Ok(()) => Resolve::Queued {
                send_request,
                dropped,
            },
            // Unreachable by the above; should it happen, the packet was
            // dropped (freed) by the push, and the evicted one goes back.
            Err(_) => Resolve::Queued {
                send_request,
                dropped,
            },
        }
    }

    /// Finds the MAC for `ip` on `port` to send `pkt` to, or queues `pkt`
    /// until it is known (`neigh_resolve_output`, `__neigh_event_send`).
    ///
    /// A new or FAILED entry starts resolving: `Queued { send_request:
    /// true }` tells the caller to broadcast the first request
    /// (`arp_solicit`). A STALE entry is used and starts its DELAY.
    pub fn resolve(&mut self, port: PortId, ip: Ipv4Addr, now: u64, pkt: P) -> Resolve<P> {
        let i = match self.find(port, ip) {
            Some(i) => i,
            None => match self.create(port, ip, NudState::Failed, now) {
                Some(i) => i,
                None => {
                    return Resolve::Dropped(
                        pkt,
                        if self.entries.len() >= self.max_entries {
                            DropReason::NeighCreatefail
                        } else {
                            DropReason::Nomem
                        },
                    )
                }
            },
        };
        let out = self.resolve_at(i, now, pkt);
        self.sync_entry(i);
        out
    }

    /// [`Self::resolve`] for entry `i`.
    fn resolve_at(&mut self, i: usize, now: u64, pkt: P) -> Resolve<P> {
        let Some(n) = self.entries.get_mut(i) else {
            return Resolve::Dropped(pkt, DropReason::NotSpecified);
        };
        n.used = now;
        match (n.state, n.mac) {
            (NudState::Reachable, Some(mac)) => {
                if now >= n.confirmed.saturating_add(REACHABLE_TIME_MS) {
                    // The timer has not run yet: REACHABLE → STALE, and
                    // being used, on to DELAY.
                    n.state = NudState::Delay;
                    n.updated = now;
                    n.timer = now.saturating_add(DELAY_PROBE_TIME_MS);
                }
                Resolve::Ready(mac, pkt)
            }
            (NudState::Stale, Some(mac)) => {
                n.state = NudState::Delay;
                n.updated = now;
                n.timer = now.saturating_add(DELAY_PROBE_TIME_MS);
                Resolve::Ready(mac, pkt)
            }
            (NudState::Delay | NudState::Probe, Some(mac)) => Resolve::Ready(mac, pkt),
            (NudState::Incomplete, _) => self.enqueue(i, pkt, false),
            _ => {
                // New, FAILED, or (impossibly) valid without a MAC.
                if self.start_resolving(i, now) {
                    self.enqueue(i, pkt, true)
                } else {
                    Resolve::Dropped(pkt, DropReason::Nomem)
                }
            }
        }
    }

    /// Applies what an ARP packet taught (`neigh_update`). Returns the
    /// packets that were waiting for this neighbour, now sendable to its
    /// MAC (empty unless it was INCOMPLETE).
    pub fn update(&mut self, u: &NeighUpdate, now: u64) -> Released<P> {
        let i = match self.find(u.port, u.ip) {
            Some(i) => i,
            None if u.create => match self.create(u.port, u.ip, NudState::Failed, now) {
                Some(i) => i,
                None => return Released::empty(),
            },
            None => return Released::empty(),
        };
        let released = self.update_at(i, u, now);
        self.sync_entry(i);
        released
    }

    /// [`Self::update`] for entry `i`.
    fn update_at(&mut self, i: usize, u: &NeighUpdate, now: u64) -> Released<P> {
        let Some(n) = self.entries.get_mut(i) else {
            return Released::empty();
        };
        let new_state = if u.reachable {
            NudState::Reachable
        } else {
            NudState::Stale
        };
        if n.state.is_valid() {
            if n.mac != Some(u.mac) {
                let may_override = u.force_override || now >= n.updated.saturating_add(LOCKTIME_MS);
                if !may_override {
                    return Released::empty();
                }
                n.mac = Some(u.mac);
                n.state = new_state;
                n.updated = now;
            } else if u.reachable {
                n.state = NudState::Reachable;
                n.updated = now;
            }
            // Same MAC and only STALE news: keep the state.
            if u.reachable {
                n.confirmed = now;
            }
            return Released::empty();
        }
        // INCOMPLETE or FAILED: resolved now.
        n.mac = Some(u.mac);
        n.state = new_state;
        n.updated = now;
        n.probes = 0;
        if u.reachable {
            n.confirmed = now;
        }
        let queue = core::mem::take(&mut n.queue);
        Released::from_queue(Some(u.mac), queue)
    }

    /// Runs the timers due by `now` (`neigh_timer_handler` and the periodic
    /// garbage collection) until one of them has something for the caller
    /// to do, and returns that; `None` when nothing more is due. Call it in
    /// a loop (taking the lock per call, if you like); every action moves
    /// its entry's timer into the future, so the loop ends.
    pub fn tick(&mut self, now: u64) -> Option<NeighAction<P>> {
        // neigh_periodic_work decides once per pass whether to collect.
        let collect = self.entries.len() >= GC_THRESH1;
        let mut i = 0usize;
        while i < self.entries.len() {
            let before = self.entries.get(i).map(|n| (n.state, n.mac));
            let step = self.tick_one(i, now, collect);
            // A removed entry's slot is cleared by `remove`.
            if !matches!(step, Step::Removed)
                && self.entries.get(i).map(|n| (n.state, n.mac)) != before
            {
                self.sync_entry(i);
            }
            match step {
                Step::Next => i = i.saturating_add(1),
                Step::Removed => {}
                Step::Act(a) => return Some(a),
            }
        }
        None
    }

    fn tick_one(&mut self, i: usize, now: u64, collect: bool) -> Step<P> {
        let Some(n) = self.entries.get_mut(i) else {
            return Step::Next;
        };
        match n.state {
            NudState::Reachable => {
                if now >= n.confirmed.saturating_add(REACHABLE_TIME_MS) {
                    n.updated = now;
                    if now <= n.used.saturating_add(DELAY_PROBE_TIME_MS) {
                        n.state = NudState::Delay;
                        n.timer = now.saturating_add(DELAY_PROBE_TIME_MS);
                    } else {
                        n.state = NudState::Stale;
                    }
                }
                Step::Next
            }
            NudState::Delay if now >= n.timer => {
                if now <= n.confirmed.saturating_add(DELAY_PROBE_TIME_MS) {
                    n.state = NudState::Reachable;
                    n.updated = now;
                    return Step::Next;
                }
                n.state = NudState::Probe;
                n.updated = now;
                n.probes = 1;
                n.timer = now.saturating_add(RETRANS_TIME_MS);
                Step::Act(NeighAction::Solicit {
                    port: n.port,
                    ip: n.ip,
                    unicast: n.mac,
                })
            }
            NudState::Probe | NudState::Incomplete if now >= n.timer => {
                let max = if n.state == NudState::Probe {
                    UCAST_PROBES
                } else {
                    MCAST_PROBES
                };
                if n.probes < max {
                    n.probes = n.probes.saturating_add(1);
                    n.timer = now.saturating_add(RETRANS_TIME_MS);
                    let unicast = if n.state == NudState::Probe {
                        n.mac
                    } else {
                        None
                    };
                    return Step::Act(NeighAction::Solicit {
                        port: n.port,
                        ip: n.ip,
                        unicast,
                    });
                }
                n.state = NudState::Failed;
                n.updated = now;
                n.mac = None;
                let (port, ip) = (n.port, n.ip);
                let queue = core::mem::take(&mut n.queue);
                bump(&mut self.stats.res_failed);
                for _ in 0..queue.len() {
                    bump(&mut self.stats.unresolved_discards);
                }
                if queue.is_empty() {
                    return Step::Next;
                }
                Step::Act(NeighAction::Failed {
                    port,
                    ip,
                    packets: Released::from_queue(None, queue),
                })
            }
            NudState::Failed | NudState::Stale if collect => {
                // neigh_periodic_work: unused entries and FAILED ones go,
                // once the table has gc_thresh1 entries (a small table
                // keeps them: a STALE entry is used again, not resolved
                // again by broadcast).
                let since = if n.state == NudState::Failed {
                    n.updated
                } else {
                    n.used
                };
                if n.queue.is_empty() && now >= since.saturating_add(GC_STALETIME_MS) {
                    let _ = self.remove(i);
                    return Step::Removed;
                }
                Step::Next
            }
            _ => Step::Next,
        }
    }

    /// Removes every entry of `port` and hands each waiting packet to
    /// `drop_pkt` (drop it with `NEIGH_DEAD`): the port went away
    /// (`neigh_ifdown`). Returns how many packets it handed over.
    pub fn flush_port(&mut self, port: PortId, mut drop_pkt: impl FnMut(P)) -> usize {
        let mut count = 0usize;
        let mut i = 0usize;
        while i < self.entries.len() {
            if self.entries.get(i).is_some_and(|n| n.port == port) {
                if let Some(q) = self.remove(i) {
                    for p in Released::from_queue(None, q) {
                        count = count.saturating_add(1);
                        drop_pkt(p);
                    }
                }
            } else {
                i = i.saturating_add(1);
            }
        }
        count
    }

    /// Removes every entry, handing each waiting packet to `drop_pkt`
    /// (module unload: `neigh_table_clear`).
    pub fn clear(&mut self, mut drop_pkt: impl FnMut(P)) -> usize {
        if let Some(hh) = &self.hh {
            hh.clear();
        }
        let mut count = 0usize;
        while let Some(n) = self.entries.pop() {
            bump(&mut self.stats.destroys);
            for p in Released::from_queue(None, n.queue) {
                count = count.saturating_add(1);
                drop_pkt(p);
            }
        }
        count
    }
}

/// What one timer step did.
enum Step<P> {
    /// Go on with the next entry.
    Next,
    /// The entry was removed; the same index holds another one now.
    Removed,
    /// Return this to the caller.
    Act(NeighAction<P>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const P1: PortId = PortId(1);
    const IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
    const MAC: MacAddr = [2, 0, 0, 0, 0, 2];

    fn reply(ip: Ipv4Addr, mac: MacAddr) -> NeighUpdate {
        NeighUpdate {
            port: P1,
            ip,
            mac,
            reachable: true,
            create: false,
            force_override: false,
        }
    }

    fn drain(c: &mut NeighCache<u32>, now: u64) -> Vec<NeighAction<u32>> {
        let mut v = Vec::new();
        while let Some(a) = c.tick(now) {
            v.push(a);
        }
        v
    }

    #[test]
    fn packets_wait_for_the_reply_and_leave_in_order() {
        let mut c = NeighCache::new();
        assert!(matches!(
            c.resolve(P1, IP, 0, 1),
            Resolve::Queued {
                send_request: true,
                dropped: None
            }
        ));
        assert!(matches!(
            c.resolve(P1, IP, 10, 2),
            Resolve::Queued {
                send_request: false,
                dropped: None
            }
        ));
        let out = c.update(&reply(IP, MAC), 20);
        assert_eq!(out.mac(), Some(MAC));
        assert_eq!(out.collect::<Vec<_>>(), [1, 2]);
        assert!(matches!(c.resolve(P1, IP, 30, 3), Resolve::Ready(MAC, 3)));
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Reachable)));
    }

    #[test]
    fn three_requests_a_second_apart_then_failed() {
        let mut c = NeighCache::new();
        let _ = c.resolve(P1, IP, 0, 7);
        assert!(drain(&mut c, 999).is_empty());
        let a = drain(&mut c, 1000);
        assert!(matches!(
            a.as_slice(),
            [NeighAction::Solicit { unicast: None, .. }]
        ));
        assert_eq!(drain(&mut c, 2000).len(), 1);
        let a = drain(&mut c, 3000);
        match a.as_slice() {
            [NeighAction::Failed { ip, packets, .. }] => {
                assert_eq!(*ip, IP);
                assert_eq!(packets.len(), 1);
            }
            _ => panic!("expected failure"),
        }
        assert_eq!(c.lookup(P1, IP), Some((None, NudState::Failed)));
        assert_eq!(c.stats().res_failed, 1);
        // A new packet retries resolution.
        assert!(matches!(
            c.resolve(P1, IP, 4000, 8),
            Resolve::Queued {
                send_request: true,
                ..
            }
        ));
        // Failed entries are collected after gc_stale_time, once the
        // table has gc_thresh1 entries; a smaller table keeps them.
        let mut c2: NeighCache<u32> = NeighCache::new();
        let _ = c2.resolve(P1, IP, 0, 1);
        drain(&mut c2, 1000);
        drain(&mut c2, 2000);
        drain(&mut c2, 3000);
        drain(&mut c2, 3000 + GC_STALETIME_MS);
        assert_eq!(c2.len(), 1);
        for i in 0..GC_THRESH1 as u32 {
            let _ = c2.resolve(P1, Ipv4Addr::from_bits(0x0a09_0000 + i), 3000, 1);
        }
        for t in [4000, 5000, 6000] {
            drain(&mut c2, t);
        }
        drain(&mut c2, 6000 + GC_STALETIME_MS);
        assert!(c2.is_empty());
    }

    #[test]
    fn full_queue_drops_the_oldest() {
        let mut c = NeighCache::with_limits(4, 2);
        let _ = c.resolve(P1, IP, 0, 1);
        let _ = c.resolve(P1, IP, 0, 2);
        match c.resolve(P1, IP, 0, 3) {
            Resolve::Queued {
                dropped: Some(1), ..
            } => {}
            _ => panic!("expected the oldest back"),
        }
        assert_eq!(c.update(&reply(IP, MAC), 1).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(c.stats().unresolved_discards, 1);
    }

    #[test]
    fn reachable_goes_stale_then_delay_then_probe() {
        let mut c = NeighCache::new();
        let _ = c.resolve(P1, IP, 0, 1);
        let _ = c.update(&reply(IP, MAC), 0).count();
        drain(&mut c, REACHABLE_TIME_MS + 10_000);
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Stale)));
        let t = 100_000;
        assert!(matches!(c.resolve(P1, IP, t, 2), Resolve::Ready(MAC, 2)));
        assert_eq!(c.lookup(P1, IP).map(|x| x.1), Some(NudState::Delay));
        let a = drain(&mut c, t + DELAY_PROBE_TIME_MS);
        assert!(matches!(
            a.as_slice(),
            [NeighAction::Solicit {
                unicast: Some(MAC),
                ..
            }]
        ));
        // Packets still go to the known MAC while probing.
        assert!(matches!(
            c.resolve(P1, IP, t + 5500, 3),
            Resolve::Ready(MAC, 3)
        ));
        // A reply confirms it.
        let _ = c.update(&reply(IP, MAC), t + 5600).count();
        assert_eq!(c.lookup(P1, IP).map(|x| x.1), Some(NudState::Reachable));
    }

    #[test]
    fn probe_unanswered_fails_after_three_unicast_probes() {
        let mut c = NeighCache::new();
        let _ = c.resolve(P1, IP, 0, 1);
        let _ = c.update(&reply(IP, MAC), 0).count();
        let _ = c.resolve(P1, IP, 40_000, 2);
        let mut solicits = 0;
        for t in (45_000..50_000).step_by(500) {
            solicits += drain(&mut c, t).len();
        }
        assert_eq!(solicits, 3);
        assert_eq!(c.lookup(P1, IP).map(|x| x.1), Some(NudState::Failed));
    }

    #[test]
    fn updates_follow_neigh_update_rules() {
        let mut c: NeighCache<u32> = NeighCache::new();
        // No entry and not asked to create: ignored (arp_accept=0).
        let _ = c.update(&reply(IP, MAC), 0);
        assert!(c.is_empty());
        let req = NeighUpdate {
            reachable: false,
            create: true,
            force_override: true,
            ..reply(IP, MAC)
        };
        let _ = c.update(&req, 0);
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Stale)));
        // A different MAC within locktime does not override...
        let other = [2, 0, 0, 0, 0, 3];
        let _ = c.update(&reply(IP, other), 500);
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Stale)));
        // ...after it, it does.
        let _ = c.update(&reply(IP, other), 1500);
        assert_eq!(c.lookup(P1, IP), Some((Some(other), NudState::Reachable)));
        // Same MAC, stale news: the state stays REACHABLE.
        let _ = c.update(
            &NeighUpdate {
                reachable: false,
                ..reply(IP, other)
            },
            1600,
        );
        assert_eq!(c.lookup(P1, IP).map(|x| x.1), Some(NudState::Reachable));
        // Gratuitous ARP overrides at once.
        let _ = c.update(
            &NeighUpdate {
                force_override: true,
                reachable: false,
                ..reply(IP, MAC)
            },
            1700,
        );
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Stale)));
    }

    #[test]
    fn table_bound_forces_gc_then_refuses() {
        let mut c = NeighCache::with_limits(2, 4);
        let _ = c.resolve(P1, Ipv4Addr::new(10, 0, 0, 1), 0, 1);
        let _ = c.resolve(P1, Ipv4Addr::new(10, 0, 0, 2), 0, 2);
        match c.resolve(P1, Ipv4Addr::new(10, 0, 0, 3), 0, 3) {
            Resolve::Dropped(3, DropReason::NeighCreatefail) => {}
            _ => panic!("expected overflow"),
        }
        assert_eq!(c.stats().table_fulls, 1);
        // Resolve one; after 5 s with nothing queued it can be collected.
        let _ = c.update(&reply(Ipv4Addr::new(10, 0, 0, 1), MAC), 1).count();
        assert!(matches!(
            c.resolve(P1, Ipv4Addr::new(10, 0, 0, 3), 10_000, 4),
            Resolve::Queued { .. }
        ));
        assert_eq!(c.len(), 2);
        assert_eq!(c.flush_port(P1, |_| ()), 2);
        assert!(c.is_empty());
    }

    /// The flood of selftest 45 at Linux's defaults: packets to 20,000
    /// different neighbours that never answer, 2,000 a second. The table
    /// never holds more than gc_thresh3; entries whose resolution failed
    /// make room (forced collections); and between gc_thresh2 and
    /// gc_thresh3 a forced collection runs at most every 5 s and stops at
    /// gc_thresh2.
    #[test]
    fn flood_stays_within_gc_thresh3() {
        let mut c: NeighCache<u32> = NeighCache::new();
        let mut dropped = 0;
        for k in 0..20_000u32 {
            let now = u64::from(k) / 2;
            let ip = Ipv4Addr::from_bits(0x0a63_0000 | k);
            match c.resolve(P1, ip, now, k) {
                Resolve::Dropped(_, DropReason::NeighCreatefail) => dropped += 1,
                Resolve::Dropped(_, r) => panic!("dropped for {r:?}"),
                _ => {}
            }
            while let Some(_a) = c.tick(now) {}
            assert!(c.len() <= MAX_ENTRIES);
        }
        let st = c.stats();
        assert_eq!(st.peak_entries, MAX_ENTRIES as u64);
        assert!(st.forced_gc_runs > 0);
        assert!(dropped > 0 && st.table_fulls == dropped);
        assert_eq!(st.entries, c.len() as u64);
        assert_eq!(st.allocs - st.destroys, st.entries);
    }

    #[test]
    fn gc_thresh2_forces_a_collection_every_5_s_down_to_thresh2() {
        // gc_thresh2 = 4 of 8.
        let mut c: NeighCache<u32> = NeighCache::with_limits(8, 4);
        let mk = |i: u32| Ipv4Addr::from_bits(0x0a00_0000 | i);
        // Six resolved entries at t=0, nothing queued.
        for i in 0..6 {
            let _ = c.update(
                &NeighUpdate {
                    create: true,
                    force_override: true,
                    ..reply(mk(i), MAC)
                },
                0,
            );
        }
        assert_eq!(c.len(), 6);
        // At t=10 s (past 5 s since the last flush at 0), a new entry
        // first collects the old ones down to gc_thresh2: two go.
        let _ = c.resolve(P1, mk(100), 10_000, 1);
        assert_eq!(c.stats().forced_gc_runs, 1);
        assert_eq!(c.len(), 5);
        assert_eq!(c.lookup(P1, mk(0)), None);
        assert_eq!(c.lookup(P1, mk(1)), None);
        assert!(c.lookup(P1, mk(2)).is_some());
        // Within 5 s of that flush and below gc_thresh3: no collection.
        let _ = c.resolve(P1, mk(101), 12_000, 2);
        assert_eq!(c.stats().forced_gc_runs, 1);
        assert_eq!(c.len(), 6);
        // After 5 s: one again, down to gc_thresh2 (the queued entries stay).
        let _ = c.resolve(P1, mk(102), 15_001, 3);
        assert_eq!(c.stats().forced_gc_runs, 2);
        assert_eq!(c.len(), 5);
        assert!(c.lookup(P1, mk(100)).is_some() && c.lookup(P1, mk(101)).is_some());
    }

    #[test]
    fn hh_cache_serves_reachable_entries_until_they_expire() {
        let mut c: NeighCache<u32> = NeighCache::new();
        let hh = c.try_hh().unwrap();
        assert_eq!(hh.lookup(P1, IP, 0), None);
        let _ = c.resolve(P1, IP, 0, 1);
        assert_eq!(hh.lookup(P1, IP, 0), None, "INCOMPLETE is not published");
        assert_eq!(c.update(&reply(IP, MAC), 100).count(), 1);
        assert_eq!(hh.lookup(P1, IP, 100), Some(MAC));
        assert_eq!(hh.lookup(PortId(2), IP, 100), None);
        assert_eq!(hh.lookup(P1, Ipv4Addr::new(10, 0, 0, 3), 100), None);
        // The slot ends where resolve() would stop answering REACHABLE.
        let end = 100 + REACHABLE_TIME_MS;
        assert_eq!(hh.lookup(P1, IP, end - 1), Some(MAC));
        assert_eq!(hh.lookup(P1, IP, end), None);
        // A fresh confirmation moves the slot's end.
        let _ = c.update(&reply(IP, MAC), 20_000);
        assert_eq!(hh.lookup(P1, IP, 20_000 + REACHABLE_TIME_MS - 1), Some(MAC));
        // A new MAC is published at once; a STALE override clears it.
        let other = [2, 0, 0, 0, 0, 9];
        let _ = c.update(&reply(IP, other), 21_000);
        assert_eq!(hh.lookup(P1, IP, 21_000), Some(other));
        let gratuitous = NeighUpdate {
            force_override: true,
            reachable: false,
            ..reply(IP, MAC)
        };
        let _ = c.update(&gratuitous, 21_100);
        assert_eq!(hh.lookup(P1, IP, 21_100), None);
        // STALE, used: DELAY (the locked path), which is published (Linux's
        // DELAY sends without the lock too); a reply makes it REACHABLE.
        assert!(matches!(c.resolve(P1, IP, 21_200, 2), Resolve::Ready(m, 2) if m == MAC));
        assert_eq!(hh.lookup(P1, IP, 21_300), Some(MAC));
        let _ = c.update(&reply(IP, MAC), 22_000);
        assert_eq!(hh.lookup(P1, IP, 22_000), Some(MAC));
        assert_eq!(c.flush_port(P1, |_| ()), 0);
        assert_eq!(hh.lookup(P1, IP, 22_000), None, "flushed");
    }

    #[test]
    fn hh_cache_serves_delay_and_probe_until_the_probes_fail() {
        let mut c: NeighCache<u32> = NeighCache::new();
        let hh = c.try_hh().unwrap();
        let _ = c.resolve(P1, IP, 0, 1);
        let _ = c.update(&reply(IP, MAC), 0).count();
        // Used after its 30 s: DELAY; 5 s later unconfirmed: PROBE.
        let t = REACHABLE_TIME_MS;
        assert_eq!(hh.lookup(P1, IP, t), None);
        assert!(matches!(c.resolve(P1, IP, t, 2), Resolve::Ready(..)));
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Delay)));
        assert_eq!(hh.lookup(P1, IP, t + 1), Some(MAC));
        let mut now = t + DELAY_PROBE_TIME_MS;
        while c.tick(now).is_some() {}
        assert_eq!(c.lookup(P1, IP), Some((Some(MAC), NudState::Probe)));
        assert_eq!(hh.lookup(P1, IP, now), Some(MAC));
        // Three unanswered probes: FAILED, and the slot is cleared.
        while c.lookup(P1, IP).map(|x| x.1) == Some(NudState::Probe) {
            now += RETRANS_TIME_MS;
            while c.tick(now).is_some() {}
            assert!(now < t + 60_000);
        }
        assert_eq!(c.lookup(P1, IP), Some((None, NudState::Failed)));
        assert_eq!(hh.lookup(P1, IP, now), None);
    }

    #[test]
    fn hh_cache_made_late_publishes_what_is_reachable_and_clear_empties_it() {
        let mut c: NeighCache<u32> = NeighCache::new();
        let _ = c.resolve(P1, IP, 0, 1);
        let _ = c.update(&reply(IP, MAC), 10).count();
        let hh = c.try_hh().unwrap();
        assert_eq!(hh.lookup(P1, IP, 10), Some(MAC));
        let again = c.try_hh().unwrap();
        assert_eq!(again.lookup(P1, IP, 10), Some(MAC));
        assert_eq!(c.clear(|_| ()), 0);
        assert_eq!(hh.lookup(P1, IP, 10), None);
    }

    #[test]
    fn hh_cache_forgets_what_forced_gc_removes() {
        let mut c: NeighCache<u32> = NeighCache::with_limits(2, 4);
        let hh = c.try_hh().unwrap();
        let a = Ipv4Addr::new(10, 0, 0, 1);
        let b = Ipv4Addr::new(10, 0, 0, 2);
        let _ = c.resolve(P1, a, 0, 1);
        let _ = c.update(&reply(a, MAC), 0).count();
        let _ = c.resolve(P1, b, 0, 2);
        assert_eq!(hh.lookup(P1, a, 6_000), Some(MAC));
        // At 6 s a third entry collects the REACHABLE one (nothing queued,
        // not updated for 5 s).
        let _ = c.resolve(P1, Ipv4Addr::new(10, 0, 0, 3), 6_000, 3);
        assert_eq!(c.lookup(P1, a), None);
        assert_eq!(hh.lookup(P1, a, 6_000), None);
    }

    #[test]
    fn hh_cache_neighbours_sharing_a_slot_take_turns() {
        let mut c: NeighCache<u32> = NeighCache::new();
        let hh = c.try_hh().unwrap();
        // More neighbours than slots: some share one.
        let n = HH_SLOTS as u32 * 2;
        let ip = |k: u32| Ipv4Addr::from_bits(0x0a00_0000 | k);
        for k in 0..n {
            let _ = c.resolve(P1, ip(k), 0, k);
            let _ = c.update(&reply(ip(k), MAC), 0).count();
        }
        let hits = (0..n)
            .filter(|&k| hh.lookup(P1, ip(k), 1).is_some())
            .count();
        assert!(hits > 0 && hits <= HH_SLOTS, "{hits} hits");
        // A miss takes the locked path, which publishes that neighbour.
        let missed = (0..n).find(|&k| hh.lookup(P1, ip(k), 1).is_none()).unwrap();
        assert!(matches!(
            c.resolve(P1, ip(missed), 1, 0),
            Resolve::Ready(..)
        ));
        assert_eq!(hh.lookup(P1, ip(missed), 1), Some(MAC));
    }

    /// Readers on other threads never see one neighbour's key with
    /// another's MAC while the writer rewrites the slot.
    #[test]
    fn hh_slot_reads_are_never_torn() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        let slot = Arc::new(HhSlot::empty());
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(AtomicU64::new(0));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (slot, stop, hits) = (slot.clone(), stop.clone(), hits.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        for k in 0..4u64 {
                            if let Some(mac) = slot.read(k, 1) {
                                assert_eq!(u64::from(mac[0]), k, "torn read");
                                assert_eq!(mac[1..], [mac[0]; 5], "torn read");
                                hits.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                })
            })
            .collect();
        // Rewrite until the readers have read many times while it ran.
        let mut round = 0u64;
        while round < 200_000 || hits.load(Ordering::Relaxed) < 100_000 {
            let k = round % 4;
            slot.write(k, [k as u8; 6], 2);
            round += 1;
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.join().unwrap();
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Resolve(u8, u8),
        Reply(u8, u8, bool, u8),
        Tick,
        Advance(u16),
        FlushPort(u8),
    }

    fn arb_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..2, 0u8..5).prop_map(|(p, i)| Op::Resolve(p, i)),
            2 => (0u8..2, 0u8..5, any::<bool>(), 0u8..2).prop_map(|(p, i, c, m)| Op::Reply(p, i, c, m)),
            2 => Just(Op::Tick),
            2 => any::<u16>().prop_map(Op::Advance),
            1 => (0u8..2).prop_map(Op::FlushPort),
        ]
    }

    proptest! {
        #[test]
        fn every_packet_comes_back_exactly_once(ops in proptest::collection::vec(arb_op(), 0..200)) {
            let mut c: NeighCache<u32> = NeighCache::with_limits(4, 3);
            let hh = c.try_hh().unwrap();
            let mut now = 0u64;
            let mut next = 0u32;
            let mut out: Vec<u32> = Vec::new();
            for op in ops {
                match op {
                    Op::Resolve(p, i) => {
                        let id = next;
                        next += 1;
                        match c.resolve(PortId(p.into()), Ipv4Addr::new(10, 0, 0, i), now, id) {
                            Resolve::Ready(_, x) | Resolve::Dropped(x, _) => out.push(x),
                            Resolve::Queued { dropped, .. } => out.extend(dropped),
                        }
                    }
                    Op::Reply(p, i, create, m) => {
                        let u = NeighUpdate {
                            port: PortId(p.into()),
                            ip: Ipv4Addr::new(10, 0, 0, i),
                            mac: [2, 0, 0, m, p, i],
                            reachable: !create,
                            create,
                            force_override: create,
                        };
                        out.extend(c.update(&u, now));
                    }
                    Op::Tick => {
                        let mut guard = 0;
                        while let Some(a) = c.tick(now) {
                            guard += 1;
                            prop_assert!(guard < 1000, "tick does not terminate");
                            if let NeighAction::Failed { packets, .. } = a {
                                out.extend(packets);
                            }
                        }
                    }
                    Op::Advance(ms) => now += u64::from(ms),
                    Op::FlushPort(p) => {
                        c.flush_port(PortId(p.into()), |x| out.push(x));
                    }
                }
                prop_assert!(c.len() <= 4);
                prop_assert!(c.entries(now).all(|e| e.queued <= 3));
                // What the lock-free path reads is what the cache holds.
                for p in 0..2u32 {
                    for i in 0..5u8 {
                        let ip = Ipv4Addr::new(10, 0, 0, i);
                        if let Some(mac) = hh.lookup(PortId(p), ip, now) {
                            let entry = c.entries(now).find(|e| e.port == PortId(p) && e.addr == ip);
                            prop_assert_eq!(entry.map(|e| e.mac), Some(Some(mac)));
                            prop_assert!(entry.is_some_and(|e| matches!(e.state, NudState::Reachable | NudState::Delay | NudState::Probe)));
                        }
                    }
                }
            }
            c.clear(|x| out.push(x));
            out.sort_unstable();
            let expected: Vec<u32> = (0..next).collect();
            prop_assert_eq!(out, expected);
        }
    }
}

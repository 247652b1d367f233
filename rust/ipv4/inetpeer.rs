// SPDX-License-Identifier: GPL-2.0

//! Per-peer rate limits: the token bucket `struct inet_peer` keeps for
//! each remote address (`rate_tokens`, `rate_last`), shared by `ip_error`
//! (`ip_rt_error_cost`) and `icmp_send` (`icmpv4_xrlim_allow`), both keyed
//! by the address the ICMP error goes to. Times are milliseconds (Linux
//! counts jiffies; the arithmetic is the same).

use crate::ipv4::addr::Ipv4Addr;
use crate::platform::TryVec;

/// `sysctl_icmp_ratelimit`: one ICMP error a second per peer.
pub const ICMP_RATELIMIT_MS: u64 = 1000;
/// `XRLIM_BURST_FACTOR`: bursts of six.
pub const XRLIM_BURST_FACTOR: u64 = 6;
/// `ip_rt_error_cost`: what one `ip_error` message costs.
pub const IP_RT_ERROR_COST_MS: u64 = 1000;
/// `ip_rt_error_burst`.
pub const IP_RT_ERROR_BURST_MS: u64 = 5000;
/// How many peers are remembered; the least recently used is forgotten
/// for a new one (Linux's inet_peer tree is garbage-collected instead).
pub const MAX_PEERS: usize = 256;
/// `ip_rt_redirect_number`: redirects sent to a peer that ignores them.
pub const IP_RT_REDIRECT_NUMBER: u32 = 9;
/// `ip_rt_redirect_load` (HZ/50): the wait before the second redirect.
pub const IP_RT_REDIRECT_LOAD_MS: u64 = 20;
/// `ip_rt_redirect_silence` ((HZ/50) << 10): quiet time that resets the
/// count.
pub const IP_RT_REDIRECT_SILENCE_MS: u64 = IP_RT_REDIRECT_LOAD_MS << (IP_RT_REDIRECT_NUMBER + 1);

#[derive(Clone, Copy, Debug)]
struct Peer {
    addr: Ipv4Addr,
    tokens: u64,
    last: u64,
    /// Redirects sent since the last silence (`n_redirects`).
    n_redirects: u32,
}

/// The peers of one router.
pub struct InetPeers {
    peers: TryVec<Peer>,
}

impl Default for InetPeers {
    fn default() -> Self {
        Self::new()
    }
}

impl InetPeers {
    /// No peer known.
    pub fn new() -> Self {
        Self {
            peers: TryVec::new(),
        }
    }

    /// `inet_getpeer_v4` with create: the peer of `addr`, new ones with no
    /// tokens and last seen a minute ago (so the first message finds a
    /// full bucket). `None` when it cannot be remembered (no memory):
    /// then Linux does not limit, and neither does the caller.
    fn peer(&mut self, addr: Ipv4Addr, now: u64) -> Option<&mut Peer> {
        if let Some(i) = self.peers.iter().position(|p| p.addr == addr) {
            return self.peers.get_mut(i);
        }
        let new = Peer {
            addr,
            tokens: 0,
            last: now.saturating_sub(60_000),
            n_redirects: 0,
        };
        if self.peers.len() >= MAX_PEERS {
            let oldest = self
                .peers
                .iter()
                .enumerate()
                .min_by_key(|(_, p)| p.last)
                .map(|(i, _)| i)?;
            let slot = self.peers.get_mut(oldest)?;
            *slot = new;
            return Some(slot);
        }
        self.peers.try_push(new).ok()?;
        self.peers.last_mut()
    }

    /// `inet_peer_xrlim_allow(peer, timeout)`: a token bucket of
    /// `timeout` per message, bursts of [`XRLIM_BURST_FACTOR`].
    pub fn xrlim_allow(&mut self, addr: Ipv4Addr, now: u64, timeout: u64) -> bool {
        let Some(p) = self.peer(addr, now) else {
            return true;
        };
        let mut token = p.tokens.saturating_add(now.saturating_sub(p.last));
        p.last = now;
        token = token.min(XRLIM_BURST_FACTOR.saturating_mul(timeout));
        let allow = token >= timeout;
        if allow {
            token -= timeout;
        }
        p.tokens = token;
        allow
    }

    /// `ip_error`'s own check on the same bucket: [`IP_RT_ERROR_COST_MS`]
    /// per message, up to [`IP_RT_ERROR_BURST_MS`] saved.
    pub fn error_allow(&mut self, addr: Ipv4Addr, now: u64) -> bool {
        let Some(p) = self.peer(addr, now) else {
            return true;
        };
        p.tokens = p
            .tokens
            .saturating_add(now.saturating_sub(p.last))
            .min(IP_RT_ERROR_BURST_MS);
        p.last = now;
        if p.tokens >= IP_RT_ERROR_COST_MS {
            p.tokens -= IP_RT_ERROR_COST_MS;
            true
        } else {
            false
        }
    }

    /// `ip_rt_send_redirect`'s limit for redirects to `addr`: the first at
    /// once, then each after twice the wait of the one before
    /// ([`IP_RT_REDIRECT_LOAD_MS`] << sent), at most
    /// [`IP_RT_REDIRECT_NUMBER`], and the count starts again after
    /// [`IP_RT_REDIRECT_SILENCE_MS`] without one. It shares the peer's
    /// timestamp with the ICMP limits, as Linux's `rate_last`.
    pub fn redirect_allow(&mut self, addr: Ipv4Addr, now: u64) -> bool {
        let Some(p) = self.peer(addr, now) else {
            // inet_getpeer_v4 failed: no redirect.
            return false;
        };
        if now > p.last.saturating_add(IP_RT_REDIRECT_SILENCE_MS) {
            p.tokens = 0;
            p.n_redirects = 0;
        }
        if p.n_redirects >= IP_RT_REDIRECT_NUMBER {
            p.last = now;
            return false;
        }
        let wait = IP_RT_REDIRECT_LOAD_MS
            .checked_shl(p.n_redirects)
            .unwrap_or(u64::MAX);
        if p.n_redirects == 0 || now > p.last.saturating_add(wait) {
            p.last = now;
            p.n_redirects += 1;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 2);
    const B: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 3);

    #[test]
    fn icmp_errors_to_one_peer_come_in_bursts_of_six_then_one_a_second() {
        let mut p = InetPeers::new();
        let now = 100_000;
        let sent = (0..20)
            .filter(|i| p.xrlim_allow(A, now + i, ICMP_RATELIMIT_MS))
            .count();
        assert_eq!(sent, 6);
        // Another peer has its own bucket.
        assert!(p.xrlim_allow(B, now, ICMP_RATELIMIT_MS));
        // A second later, one more.
        assert!(p.xrlim_allow(A, now + 20 + 1000, ICMP_RATELIMIT_MS));
        assert!(!p.xrlim_allow(A, now + 20 + 1001, ICMP_RATELIMIT_MS));
    }

    #[test]
    fn ip_error_and_icmp_send_share_the_bucket() {
        // What an ip_error message costs: its own check, then icmp_send's
        // on the same peer. A full bucket sends two, as Linux's does.
        let mut p = InetPeers::new();
        let now = 100_000;
        let sent = (0..10)
            .filter(|i| p.error_allow(A, now + i) && p.xrlim_allow(A, now + i, ICMP_RATELIMIT_MS))
            .count();
        assert_eq!(sent, 2);
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_used_peer() {
        let mut p = InetPeers::new();
        for i in 0..MAX_PEERS as u32 {
            let a = Ipv4Addr::from_bits(0x0a00_0000 + i);
            assert!(p.xrlim_allow(a, 1000 + u64::from(i), ICMP_RATELIMIT_MS));
        }
        assert_eq!(p.peers.len(), MAX_PEERS);
        // A new peer takes the slot of the first (least recent) one.
        assert!(p.xrlim_allow(B, 100_000, ICMP_RATELIMIT_MS));
        assert_eq!(p.peers.len(), MAX_PEERS);
        assert!(!p
            .peers
            .iter()
            .any(|q| q.addr == Ipv4Addr::from_bits(0x0a00_0000)));
    }

    /// ip_rt_send_redirect: the first redirect at once, the next ones
    /// after 40, 80, 160 ... ms, nine in all, then silence; 20.48 s without
    /// one starts again.
    #[test]
    fn redirects_back_off_and_stop_after_nine() {
        let mut p = InetPeers::new();
        let mut now = 100_000;
        assert!(p.redirect_allow(A, now));
        // After one, the next waits 20 << 1 ms.
        assert!(!p.redirect_allow(A, now + 40));
        let mut sent = 1;
        for n in 1..IP_RT_REDIRECT_NUMBER {
            let t = now + (IP_RT_REDIRECT_LOAD_MS << n) + 1;
            if p.redirect_allow(A, t) {
                sent += 1;
                now = t;
            }
        }
        assert_eq!(sent, IP_RT_REDIRECT_NUMBER);
        // The tenth is refused however long after (within the silence),
        // and each refusal restarts the silence.
        now += IP_RT_REDIRECT_LOAD_MS << 9;
        assert!(!p.redirect_allow(A, now));
        assert!(!p.redirect_allow(A, now + IP_RT_REDIRECT_SILENCE_MS));
        now += IP_RT_REDIRECT_SILENCE_MS;
        // Ignored for long enough: it starts again.
        assert!(p.redirect_allow(A, now + IP_RT_REDIRECT_SILENCE_MS + 1));
        // Another peer has its own count.
        assert!(p.redirect_allow(B, now));
    }
}

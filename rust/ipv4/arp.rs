// SPDX-License-Identifier: GPL-2.0

//! ARP input and solicitation: `arp_process` and `arp_solicit` of
//! net/ipv4/arp.c, for Ethernet ports.

use crate::ipv4::addr::Ipv4Addr;
use crate::ipv4::devconf::PortConf;
use crate::ipv4::fib::{Fib, RouteType};
use crate::ipv4::iface::{AddrTable, PortId, Scope};
use crate::ipv4::neigh::NeighUpdate;
use crate::ipv4::route::{route_input, InputRoute};
use crate::ipv4::stats::{ArpStat, DropReason};
use crate::ipv4::wire::arp::{Operation, Packet, Repr};
use crate::ipv4::wire::ethernet::{MacAddr, PacketType};
use crate::ipv4::wire::Error;

/// Which requests for our addresses get a reply
/// (`net.ipv4.conf.*.arp_ignore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArpIgnore {
    /// 0 (Linux's default): reply for any of the router's addresses,
    /// whatever port the request came in on.
    #[default]
    Any,
    /// 1: reply only if the target address is configured on the port the
    /// request came in on.
    PortOnly,
}

/// What to do with a received ARP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArpDecision {
    /// A reply to send back on the port (`arp_send_dst(ARPOP_REPLY, ...)`);
    /// emit it with [`Repr::emit_frame`], which addresses it to the
    /// requester.
    pub reply: Option<Repr>,
    /// What the neighbour cache learns (`neigh_event_ns`/`neigh_update`):
    /// pass it to [`crate::ipv4::neigh::NeighCache::update`].
    pub learn: Option<NeighUpdate>,
    /// The counter for the received packet (InRequests or InReplies), if
    /// it was parsed.
    pub stat: Option<ArpStat>,
}

/// The settings of the receiving port that ARP consults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpConf {
    /// `arp_ignore`.
    pub ignore: ArpIgnore,
    /// The settings route input applies to the request's sender (the
    /// `ip_route_input_noref` of `arp_process`: rp_filter, accept_local,
    /// route_localnet), as they apply to the port.
    pub port: PortConf,
}

impl ArpConf {
    /// Linux's defaults.
    pub const DEFAULT: Self = Self {
        ignore: ArpIgnore::Any,
        port: PortConf::DEFAULT,
    };
}

/// Whether the router may answer for `tip` on `port`.
fn arp_ignore(addrs: &AddrTable, port: PortId, tip: Ipv4Addr, mode: ArpIgnore) -> bool {
    match mode {
        ArpIgnore::Any => false,
        ArpIgnore::PortOnly => addrs.find(port, tip).is_none(),
    }
}

/// `inet_addr_type(addr) == RTN_UNICAST`: not 0/8, broadcast or multicast,
/// and not a local or broadcast route.
fn is_unicast_addr(fib: &Fib, addr: Ipv4Addr) -> bool {
    if addr.is_zeronet() || addr.is_lbcast() || addr.is_multicast() {
        return false;
    }
    !matches!(
        fib.lookup(addr, None).map(|r| r.kind),
        Some(RouteType::Local | RouteType::Broadcast)
    )
}

/// Processes an ARP packet (`bytes`: after the Ethernet header) received
/// on `port`, whose MAC is `our_mac`, in a frame addressed as `pkt_type`
/// (`arp_rcv` and `arp_process`):
///
/// - frames for another host are ignored (consumed, nothing to do);
/// - `Err` for what `arp_rcv`/`arp_process` drop: shorter than 28 bytes
///   (`PKT_TOO_SMALL`), not Ethernet/IPv4 with lengths 6/4, not a request
///   or reply, or about a multicast or 127/8 target (`NOT_SPECIFIED`);
/// - a request for one of the router's addresses (the target routes as
///   local from the sender, [`ArpIgnore`] permitting) gets a reply, and the
///   sender is learnt (created if new, STALE);
/// - a duplicate-address probe (sender 0.0.0.0) for one of our addresses
///   gets a reply, and teaches nothing;
/// - anything else only refreshes an existing entry for the sender
///   (REACHABLE for a unicast reply, else STALE; gratuitous ARP overrides).
///   Unsolicited entries are not created (`arp_accept=0`); proxy ARP is
///   not supported.
pub fn arp_process(
    bytes: &[u8],
    port: PortId,
    our_mac: MacAddr,
    pkt_type: PacketType,
    addrs: &AddrTable,
    fib: &Fib,
    conf: ArpConf,
) -> Result<ArpDecision, DropReason> {
    let ignore = conf.ignore;
    if pkt_type == PacketType::OtherHost {
        return Ok(ArpDecision::default());
    }
    let p = Packet::new_checked(bytes).map_err(|_| DropReason::PktTooSmall)?;
    let arp = Repr::parse(&p).map_err(|e| match e {
        Error::Truncated => DropReason::PktTooSmall,
        _ => DropReason::NotSpecified,
    })?;
    let stat = Some(match arp.operation {
        Operation::Request => ArpStat::InRequests,
        Operation::Reply => ArpStat::InReplies,
    });
    let sip = arp.source_protocol_addr;
    let tip = arp.target_protocol_addr;
    let sha = arp.source_hardware_addr;
    if tip.is_multicast() || tip.is_loopback() {
        return Err(DropReason::NotSpecified);
    }
    let reply = Repr {
        operation: Operation::Reply,
        source_hardware_addr: our_mac,
        source_protocol_addr: tip,
        target_hardware_addr: sha,
        target_protocol_addr: sip,
    };
    let is_request = arp.operation == Operation::Request;

    // RFC 2131 duplicate address detection.
    if sip.is_unspecified() {
        let answer = is_request && fib.is_local_addr(tip) && !arp_ignore(addrs, port, tip, ignore);
        return Ok(ArpDecision {
            reply: answer.then_some(reply),
            learn: None,
            stat,
        });
    }

    if is_request && route_input(fib, addrs, sip, tip, port, &conf.port) == Ok(InputRoute::Local) {
        if arp_ignore(addrs, port, tip, ignore) {
            return Ok(ArpDecision {
                reply: None,
                learn: None,
                stat,
            });
        }
        return Ok(ArpDecision {
            reply: Some(reply),
            learn: Some(NeighUpdate {
                port,
                ip: sip,
                mac: sha,
                reachable: false,
                create: true,
                force_override: true,
            }),
            stat,
        });
    }

    // arp_is_garp: sender == target (for replies also tha == sha), and a
    // unicast sender address.
    let mut is_garp = sip == tip;
    if is_garp && !is_request {
        is_garp = arp.target_hardware_addr == sha;
    }
    let is_garp = is_garp && is_unicast_addr(fib, sip);
    Ok(ArpDecision {
        reply: None,
        learn: Some(NeighUpdate {
            port,
            ip: sip,
            mac: sha,
            reachable: !is_request && pkt_type == PacketType::Host,
            create: false,
            force_override: is_garp,
        }),
        stat,
    })
}

/// The request to send to resolve `target` on `port` (`arp_solicit` with
/// `arp_announce=0`): from `pkt_src` if that is one of the router's
/// addresses (the source of the packet waiting for resolution), else
/// from `inet_select_addr(port, target, link)`, else 0.0.0.0. Send it
/// broadcast, or unicast to a known MAC for a PROBE
/// ([`Repr::emit_frame_to`]).
pub fn arp_solicit(
    addrs: &AddrTable,
    port: PortId,
    our_mac: MacAddr,
    target: Ipv4Addr,
    pkt_src: Option<Ipv4Addr>,
) -> Repr {
    let src = pkt_src
        .filter(|s| addrs.is_local(*s))
        .or_else(|| addrs.inet_select_addr(port, target, Scope::Link))
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    Repr::request(our_mac, src, target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipv4::devinet::inet_insert_ifa;
    use crate::ipv4::iface::IfAddr;
    use crate::ipv4::neigh::{NeighCache, Resolve};
    use crate::ipv4::wire::arp::tests::WHO_HAS;
    use crate::ipv4::wire::arp::FRAME_LEN;
    use crate::ipv4::wire::ethernet;

    const P1: PortId = PortId(1);
    const P2: PortId = PortId(2);
    const OURS: MacAddr = [2, 0, 0, 0, 0, 1];
    const PEER: MacAddr = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    /// 10.0.0.1/24 on P1, 10.1.0.1/24 on P2.
    fn router() -> (AddrTable, Fib) {
        let (mut addrs, mut fib) = (AddrTable::new(), Fib::new());
        for (port, a) in [
            (P1, Ipv4Addr::new(10, 0, 0, 1)),
            (P2, Ipv4Addr::new(10, 1, 0, 1)),
        ] {
            inet_insert_ifa(
                &mut addrs,
                &mut fib,
                IfAddr {
                    port,
                    addr: a,
                    prefix_len: 24,
                },
                true,
            )
            .unwrap();
        }
        (addrs, fib)
    }

    fn process(
        bytes: &[u8],
        pkt_type: PacketType,
        ignore: ArpIgnore,
    ) -> Result<ArpDecision, DropReason> {
        let (addrs, fib) = router();
        let conf = ArpConf {
            ignore,
            ..ArpConf::DEFAULT
        };
        arp_process(bytes, P1, OURS, pkt_type, &addrs, &fib, conf)
    }

    fn packet(r: &Repr) -> [u8; 28] {
        let mut b = [0u8; 28];
        r.emit(&mut b).unwrap();
        b
    }

    #[test]
    fn answers_a_request_for_our_address_and_learns_the_sender() {
        let d = process(&WHO_HAS, PacketType::Broadcast, ArpIgnore::Any).unwrap();
        let reply = d.reply.unwrap();
        assert_eq!(reply.operation, Operation::Reply);
        assert_eq!(reply.source_hardware_addr, OURS);
        assert_eq!(reply.source_protocol_addr, Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(reply.target_hardware_addr, PEER);
        assert_eq!(reply.target_protocol_addr, Ipv4Addr::new(10, 0, 0, 2));
        let mut frame = [0u8; FRAME_LEN];
        reply.emit_frame(&mut frame).unwrap();
        assert_eq!(&frame[..6], &PEER);
        let learn = d.learn.unwrap();
        assert!(learn.create && !learn.reachable && learn.ip == Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(d.stat, Some(ArpStat::InRequests));
        // The cache takes it as STALE.
        let mut c: NeighCache<u8> = NeighCache::new();
        let _ = c.update(&learn, 0);
        assert!(matches!(
            c.resolve(P1, learn.ip, 1, 9),
            Resolve::Ready(PEER, 9)
        ));
    }

    #[test]
    fn reply_and_request_equal_captured_linux_frames() {
        use crate::ipv4::wire::captured::{IS_AT_FRAME, WHO_HAS_FRAME};
        let (mut addrs, mut fib) = (AddrTable::new(), Fib::new());
        let ifa = IfAddr {
            port: P1,
            addr: Ipv4Addr::new(10, 0, 0, 2),
            prefix_len: 24,
        };
        inet_insert_ifa(&mut addrs, &mut fib, ifa, true).unwrap();
        let ours = [2, 0, 0, 0, 0, 0x0b];
        let d = arp_process(
            &WHO_HAS_FRAME[14..],
            P1,
            ours,
            PacketType::Broadcast,
            &addrs,
            &fib,
            ArpConf::DEFAULT,
        )
        .unwrap();
        let mut frame = [0u8; FRAME_LEN];
        d.reply.unwrap().emit_frame(&mut frame).unwrap();
        assert_eq!(frame, IS_AT_FRAME);
        // And our request for 10.0.0.1 from 10.0.0.2 mirrors Linux's.
        let mut addrs = AddrTable::new();
        addrs
            .add(IfAddr {
                addr: Ipv4Addr::new(10, 0, 0, 1),
                ..ifa
            })
            .unwrap();
        let req = arp_solicit(
            &addrs,
            P1,
            [2, 0, 0, 0, 0, 0x0a],
            Ipv4Addr::new(10, 0, 0, 2),
            None,
        );
        req.emit_frame(&mut frame).unwrap();
        assert_eq!(frame, WHO_HAS_FRAME);
    }

    #[test]
    fn arp_ignore_decides_about_other_ports_addresses() {
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.target_protocol_addr = Ipv4Addr::new(10, 1, 0, 1);
        let b = packet(&r);
        assert!(process(&b, PacketType::Broadcast, ArpIgnore::Any)
            .unwrap()
            .reply
            .is_some());
        let d = process(&b, PacketType::Broadcast, ArpIgnore::PortOnly).unwrap();
        assert_eq!((d.reply, d.learn), (None, None));
    }

    #[test]
    fn the_ports_source_checks_apply_to_requests() {
        // A sender with no route back: answered under rp_filter 0, not
        // under strict rp_filter (arp_process's ip_route_input_noref);
        // a sender on another port's subnet fails strict checking too.
        let (addrs, fib) = router();
        let strict = ArpConf {
            port: PortConf {
                rp_filter: crate::ipv4::route::RpFilter::Strict,
                ..PortConf::DEFAULT
            },
            ..ArpConf::DEFAULT
        };
        for (sender, loose_answers) in [
            (Ipv4Addr::new(192, 0, 2, 7), true),
            (Ipv4Addr::new(10, 1, 0, 7), true),
            (Ipv4Addr::new(10, 0, 0, 2), true),
        ] {
            let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
            r.source_protocol_addr = sender;
            let b = packet(&r);
            let run = |conf| arp_process(&b, P1, OURS, PacketType::Broadcast, &addrs, &fib, conf);
            let d = run(ArpConf::DEFAULT).unwrap();
            assert_eq!(d.reply.is_some(), loose_answers, "{sender:?}");
            let d = run(strict).unwrap();
            let on_link = sender == Ipv4Addr::new(10, 0, 0, 2);
            assert_eq!(d.reply.is_some(), on_link, "{sender:?} strict");
        }
    }

    #[test]
    fn requests_for_others_only_refresh_known_senders() {
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.target_protocol_addr = Ipv4Addr::new(10, 0, 0, 9);
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert_eq!(d.reply, None);
        let l = d.learn.unwrap();
        assert!(!l.create && !l.reachable && !l.force_override);
        // A unicast reply to us: REACHABLE; broadcast: STALE.
        r.operation = Operation::Reply;
        r.target_hardware_addr = OURS;
        r.target_protocol_addr = Ipv4Addr::new(10, 0, 0, 1);
        let d = process(&packet(&r), PacketType::Host, ArpIgnore::Any).unwrap();
        assert!(d.learn.unwrap().reachable && d.reply.is_none());
        assert_eq!(d.stat, Some(ArpStat::InReplies));
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert!(!d.learn.unwrap().reachable);
    }

    #[test]
    fn gratuitous_arp_overrides() {
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.target_protocol_addr = r.source_protocol_addr;
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert!(d.learn.unwrap().force_override);
        // A gratuitous reply needs tha == sha.
        r.operation = Operation::Reply;
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert!(!d.learn.unwrap().force_override);
        r.target_hardware_addr = r.source_hardware_addr;
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert!(d.learn.unwrap().force_override);
    }

    #[test]
    fn duplicate_address_probe_is_answered_without_learning() {
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.source_protocol_addr = Ipv4Addr::UNSPECIFIED;
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert_eq!(d.learn, None);
        assert_eq!(d.reply.unwrap().target_protocol_addr, Ipv4Addr::UNSPECIFIED);
        r.target_protocol_addr = Ipv4Addr::new(10, 0, 0, 50);
        let d = process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any).unwrap();
        assert_eq!((d.reply, d.learn), (None, None));
    }

    #[test]
    fn drops_what_linux_drops() {
        assert_eq!(
            process(&WHO_HAS[..27], PacketType::Broadcast, ArpIgnore::Any),
            Err(DropReason::PktTooSmall)
        );
        let mut b = WHO_HAS;
        b[7] = 9;
        assert_eq!(
            process(&b, PacketType::Broadcast, ArpIgnore::Any),
            Err(DropReason::NotSpecified)
        );
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.target_protocol_addr = Ipv4Addr::new(224, 0, 0, 1);
        assert_eq!(
            process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any),
            Err(DropReason::NotSpecified)
        );
        r.target_protocol_addr = Ipv4Addr::new(127, 0, 0, 1);
        assert_eq!(
            process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any),
            Err(DropReason::NotSpecified)
        );
        assert_eq!(
            process(&WHO_HAS, PacketType::OtherHost, ArpIgnore::Any),
            Ok(ArpDecision::default())
        );
        // A request claiming our own address as sender is not answered.
        let mut r = Repr::parse(&Packet::new_unchecked(&WHO_HAS[..])).unwrap();
        r.source_protocol_addr = Ipv4Addr::new(10, 1, 0, 1);
        assert_eq!(
            process(&packet(&r), PacketType::Broadcast, ArpIgnore::Any)
                .unwrap()
                .reply,
            None
        );
    }

    #[test]
    fn solicit_picks_the_source_like_arp_solicit() {
        let (addrs, _) = router();
        let t = Ipv4Addr::new(10, 0, 0, 2);
        let r = arp_solicit(&addrs, P1, OURS, t, None);
        assert_eq!(
            (r.source_protocol_addr, r.target_protocol_addr),
            (Ipv4Addr::new(10, 0, 0, 1), t)
        );
        assert_eq!(r.frame_dst(), ethernet::BROADCAST);
        let r = arp_solicit(&addrs, P1, OURS, t, Some(Ipv4Addr::new(10, 1, 0, 1)));
        assert_eq!(r.source_protocol_addr, Ipv4Addr::new(10, 1, 0, 1));
        let r = arp_solicit(&addrs, P1, OURS, t, Some(Ipv4Addr::new(9, 9, 9, 9)));
        assert_eq!(r.source_protocol_addr, Ipv4Addr::new(10, 0, 0, 1));
        let mut frame = [0u8; FRAME_LEN];
        r.emit_frame_to(PEER, &mut frame).unwrap();
        assert_eq!(&frame[..6], &PEER);
        assert_eq!(&frame[32..38], &[0; 6]);
    }
}

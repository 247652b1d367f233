// SPDX-License-Identifier: GPL-2.0

//! Router ports: attached Ethernet devices and ferroute devices.
//!
//! An attached port is claimed with an rx_handler answering
//! `RX_HANDLER_EXACT`, and its IPv4 and ARP frames reach ferroute through
//! `packet_type` handlers bound to the device, the mechanism of the
//! kernel's own `ip_packet_type`. The kernel's `ip_rcv`/`arp_rcv` never see
//! them. A ferroute device needs neither: its transmit function is the
//! router's input.

use super::device::FerDevice;
use crate::abstractions::devref::DevRef;
use crate::abstractions::netdevice::{Device, NetDevice};
use crate::abstractions::packet_type::{self, PacketHandler};
use crate::abstractions::rcu::ReadGuard;
use crate::abstractions::rx_handler::ExactClaim;
use crate::abstractions::skbuff::SkBuff;
use crate::abstractions::sync::Rtnl;
use crate::ipv4::devconf::{ConfMask, PortConf};
use crate::ipv4::iface::PortId;

/// The kind of a port, as the netlink `kind` attribute numbers it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PortKind {
    /// An existing Ethernet device attached with `ferctl port add`.
    Attached = 1,
    /// A ferroute netdevice.
    Fer = 2,
}

/// The device of a port, by kind, held with a tracked reference (each
/// copy of the configuration takes its own).
#[derive(Clone)]
pub enum PortDev {
    /// An existing Ethernet device attached with `ferctl port add`; it
    /// lives in the router's namespace.
    Attached(DevRef<NetDevice>),
    /// A ferroute device the router owns, wherever it lives.
    Fer(DevRef<Device<FerDevice>>),
}

/// What packet-path readers know of a port (part of the published
/// configuration).
#[derive(Clone)]
pub struct Port {
    /// The router's number for the port.
    pub id: PortId,
    /// The device (held).
    pub dev: PortDev,
    /// The router's own MAC address on this link: the device's for an
    /// attached port; for a ferroute device, whose own address belongs to
    /// the namespace side, a distinct one derived from it.
    pub mac: [u8; 6],
    /// The device name (refreshed when the device is renamed).
    pub name: [u8; 16],
    /// The inode number of the namespace the device lives in (refreshed
    /// when a ferroute device moves).
    pub netns: u32,
    /// The port's settings (`net.ipv4.conf.<dev>.*`); what applies to it
    /// combines them with `conf.all`'s ([`Config::port_conf`]).
    ///
    /// [`Config::port_conf`]: super::Config::port_conf
    pub conf: PortConf,
    /// Which of them were given to this port itself.
    pub conf_own: ConfMask,
    /// What applies: `conf` combined with `conf.all`'s, computed once per
    /// configuration ([`Config::port_conf`]) instead of once a packet.
    ///
    /// [`Config::port_conf`]: super::Config::port_conf
    pub(super) effective: PortConf,
}

impl Port {
    /// Builds the description of a port on `dev` (RTNL held: its name and
    /// namespace are stable).
    pub fn new(id: PortId, dev: PortDev, rtnl: &Rtnl) -> Self {
        let mut port = Self {
            id,
            dev,
            mac: [0; 6],
            name: [0; 16],
            netns: 0,
            conf: PortConf::DEFAULT,
            conf_own: ConfMask::default(),
            effective: PortConf::DEFAULT,
        };
        port.refresh(rtnl);
        port
    }

    /// Copies what the packet path and the dumps read of the device (MAC
    /// address, name, namespace) again, after the device changed.
    pub fn refresh(&mut self, rtnl: &Rtnl) {
        let dev = self.netdev();
        let mut mac = dev.mac();
        if self.kind() == PortKind::Fer {
            // The router's end of the link: locally administered, and
            // differing from the namespace end in the last bit.
            mac[0] = (mac[0] | 0x02) & !0x01;
            mac[5] ^= 0x01;
        }
        let mut name = [0u8; 16];
        let n = dev.name(rtnl);
        let len = n.len().min(15);
        name[..len].copy_from_slice(&n[..len]);
        let netns = dev.net_rtnl(rtnl).inum();
        self.mac = mac;
        self.name = name;
        self.netns = netns;
    }

    /// Whether the router's end of the link is up: an attached port's
    /// device is up (IFF_UP); a ferroute device's port always is, the
    /// device's own state being its far end's.
    pub fn is_up(&self) -> bool {
        match self.kind() {
            PortKind::Attached => self.netdev().is_up(),
            PortKind::Fer => true,
        }
    }

    /// Attached or ferroute device.
    pub fn kind(&self) -> PortKind {
        match self.dev {
            PortDev::Attached(_) => PortKind::Attached,
            PortDev::Fer(_) => PortKind::Fer,
        }
    }

    /// The device, whatever its kind.
    pub fn netdev(&self) -> &NetDevice {
        match &self.dev {
            PortDev::Attached(d) => d,
            PortDev::Fer(d) => d.as_netdev(),
        }
    }

    /// Whether this is the port of `dev`.
    pub fn is_dev(&self, dev: &NetDevice) -> bool {
        core::ptr::eq(self.netdev().as_raw(), dev.as_raw())
    }

    /// The port name, without padding.
    pub fn name(&self) -> &[u8] {
        let end = self
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.name.len());
        &self.name[..end]
    }

    /// Whether `name` names this port.
    pub fn is_named(&self, name: &[u8]) -> bool {
        self.name() == name
    }
}

/// The port a user means by `name` among the `ports` of the router of the
/// namespace whose inode number is `netns`, resolved as `dev_get_by_name`
/// in that namespace would: a port whose device lives there has the name
/// there (names are unique within a namespace); otherwise a ferroute
/// device of the router that lives elsewhere, if exactly one has that name.
pub fn port_named<'a>(ports: &'a [Port], netns: u32, name: &[u8]) -> Option<&'a Port> {
    let named = || ports.iter().filter(|p| p.is_named(name));
    if let Some(p) = named().find(|p| p.netns == netns) {
        return Some(p);
    }
    let mut elsewhere = named();
    match (elsewhere.next(), elsewhere.next()) {
        (Some(p), None) => Some(p),
        _ => None,
    }
}

/// Receives an attached port's frames from its packet_type handlers.
pub struct PortRx {
    /// The port the handler is bound to.
    pub id: PortId,
}

impl PacketHandler for PortRx {
    fn receive(&self, rcu: &ReadGuard, dev: &NetDevice, skb: SkBuff) {
        super::receive_on_attached(rcu, self.id, dev, skb);
    }

    fn receive_list(&self, rcu: &ReadGuard, frames: packet_type::RxList<'_>) {
        super::receive_list_on_attached(rcu, self.id, frames);
    }
}

/// The registrations that make an attached port receive; dropping them
/// (through [`Attachment::detach`]) gives the device back to the kernel.
pub struct Attachment {
    /// The port.
    pub id: PortId,
    /// The device (held).
    pub dev: DevRef<NetDevice>,
    claim: Option<ExactClaim>,
    ip: Option<packet_type::Registration<PortRx>>,
    arp: Option<packet_type::Registration<PortRx>>,
}

/// EtherType of IPv4.
const ETH_P_IP: u16 = 0x0800;
/// EtherType of ARP.
const ETH_P_ARP: u16 = 0x0806;

impl Attachment {
    /// Claims `dev` for port `id`: rx_handler first, so that no frame
    /// reaches the kernel's IPv4 once ferroute's handlers are there.
    pub fn attach(id: PortId, dev: &NetDevice, rtnl: &Rtnl) -> kernel::error::Result<Self> {
        let claim = ExactClaim::register(dev, rtnl)?;
        let ip = packet_type::Registration::register(dev, ETH_P_IP, PortRx { id });
        let arp = packet_type::Registration::register(dev, ETH_P_ARP, PortRx { id });
        match (ip, arp) {
            (Ok(ip), Ok(arp)) => Ok(Self {
                id,
                dev: DevRef::new(dev),
                claim: Some(claim),
                ip: Some(ip),
                arp: Some(arp),
            }),
            (Err(e), _) | (_, Err(e)) => {
                claim.unregister(rtnl);
                Err(e)
            }
        }
    }

    /// Removes the handlers and releases the claim (RTNL held).
    pub fn detach(mut self, rtnl: &Rtnl) {
        // Handlers first: after dev_remove_pack returns, no CPU is inside
        // them; then the device goes back to the kernel.
        self.ip = None;
        self.arp = None;
        if let Some(claim) = self.claim.take() {
            claim.unregister(rtnl);
        }
    }
}

//! The validated peer: typed values only, produced by [`crate::validate`].
//!
//! Nothing in here can hold an invalid value: addresses are parsed, numbers are in range,
//! keys are decoded, paths are absolute. Backends render from this and never re-check.

use std::net::IpAddr;

use camino::Utf8PathBuf;
use ipnet::IpNet;

use crate::bgp::Bgp;
use crate::keys::{PrivateKey, PublicKey};
use crate::kind::TunnelKind;
use crate::mtu::Mtu;
use crate::side::Side;

// The tunnel options used to live here; most code still names them through the peer.
pub use crate::tunnel::{
    EncapLimit, GreOptions, Ip6GreOptions, SitOptions, Ttl, Tunnel, VxlanOptions, WireguardOptions,
};

/// One tunnel between two ends, seen from [`Peer::side`].
#[derive(Debug, Clone)]
pub struct Peer {
    /// The peer file this came from, as rendered files name it ([`crate::SourceFile::name`]).
    pub source: Utf8PathBuf,
    /// Interface name on both ends (1–15 characters, not a kernel fallback name).
    pub name: String,
    /// Free text without control characters.
    pub description: Option<String>,
    /// Kind and kind-specific options.
    pub tunnel: Tunnel,
    /// The end being rendered.
    pub local: End,
    /// The other end.
    pub remote: End,
    /// The tunnel interface MTU and how it was chosen.
    pub mtu: Mtu,
    /// Which end of the peer file `local` is.
    pub side: Side,
    /// The BGP peering over the tunnel (`[bgp]`), seen from the same side; `None`: the
    /// peer file renders the tunnel only. Boxed: it is a third of a peer's size, and most
    /// peers have none.
    pub bgp: Option<Box<Bgp>>,
}

/// One end of the tunnel.
#[derive(Debug, Clone)]
pub struct End {
    /// Underlay address (or, for WireGuard, a host name). `None`: this end has no fixed
    /// address (a WireGuard end behind NAT that only dials out).
    pub endpoint: Option<Endpoint>,
    /// Addresses on the tunnel interface of this end.
    pub addresses: Vec<TunnelAddress>,
    /// WireGuard settings of this end; `Some` exactly for WireGuard tunnels.
    pub wireguard: Option<WireguardEnd>,
    /// Routes this end's host installs through the tunnel, in the peer file's order.
    /// Nothing else installs routes: WireGuard's allowed IPs only filter.
    pub routes: Vec<Route>,
    /// The host's bridge this end's tunnel joins as a port (layer 2 kinds only); such an
    /// end has no addresses or routes of its own.
    pub bridge: Option<String>,
}

/// A route through the tunnel interface, installed by the host of the end that lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The destination network (no host bits).
    pub to: IpNet,
    /// The route's metric, at most 2147483647 (netplan writes it as a signed number);
    /// `None` leaves the kernel default (0 for IPv4, 1024 for IPv6).
    pub metric: Option<u32>,
    /// The numeric routing table, 1–2147483647 (netplan writes it as a signed number);
    /// `None` is the main table (254).
    pub table: Option<u32>,
    /// For layer 2 kinds: the other end's tunnel address the route goes through (an
    /// Ethernet-like link needs a next hop to resolve). `None`: a device route, which a
    /// layer 3 tunnel delivers to the other end whatever the destination.
    pub via: Option<IpAddr>,
}

impl Route {
    /// The main routing table's number, where routes without `table` go.
    pub const MAIN_TABLE: u32 = 254;

    /// The table the route ends up in.
    pub fn effective_table(&self) -> u32 {
        self.table.unwrap_or(Self::MAIN_TABLE)
    }

    /// The metric the kernel gives the route: unset means 0 for IPv4 and 1024 for IPv6,
    /// where the kernel (and networkd) also turn an explicit 0 into 1024.
    pub fn effective_metric(&self) -> u32 {
        match (self.metric, self.to.addr().is_ipv4()) {
            (Some(m), true) => m,
            (Some(m), false) if m > 0 => m,
            (None, true) => 0,
            _ => 1024,
        }
    }
}

/// An underlay endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// A literal IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A DNS name (WireGuard only), resolved by the tools when the tunnel comes up.
    Host(String),
}

impl Endpoint {
    /// The address, if this is a literal IP.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Self::Ip(ip) => Some(*ip),
            Self::Host(_) => None,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ip(ip) => ip.fmt(f),
            Self::Host(host) => f.write_str(host),
        }
    }
}

/// An address on a tunnel interface, optionally point-to-point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TunnelAddress {
    /// The address with its prefix length (`172.31.0.1/31`, `fe80::1/64`).
    pub address: IpNet,
    /// For a single-host address (`/32`, `/128`): the other end's address, rendered as
    /// `peer` (`ip addr add A peer B`, networkd `Peer=`).
    pub peer: Option<IpNet>,
}

/// WireGuard settings that belong to one end.
#[derive(Debug, Clone)]
pub struct WireguardEnd {
    /// UDP port this end listens on; `None` lets the kernel pick one.
    pub port: Option<u16>,
    /// This end's public key.
    pub public_key: PublicKey,
    /// Where this end's private key comes from.
    pub private_key: PrivateKeySource,
    /// Prefixes reachable through this end: the other end's `AllowedIPs` for it.
    pub allowed_ips: Vec<IpNet>,
}

impl WireguardEnd {
    /// Whether `net` lies entirely inside one of the prefixes, so WireGuard sends traffic
    /// for it to this end rather than dropping it.
    pub fn allows(&self, net: &IpNet) -> bool {
        self.allowed_ips.iter().any(|a| a.contains(net))
    }
}

/// Where a private key comes from.
#[derive(Debug, Clone)]
pub enum PrivateKeySource {
    /// An absolute path on that end's host (the default and recommended form).
    File {
        /// The path.
        path: Utf8PathBuf,
        /// `false` when the peer file did not name it and the documented default is used.
        declared: bool,
    },
    /// The key itself, written into rendered files (explicit opt-in, warned about).
    Inline(PrivateKey),
}

/// The path a remote end's private key is rendered with when the peer file names none.
pub fn default_private_key_path(name: &str) -> Utf8PathBuf {
    Utf8PathBuf::from(crate::limits::DEFAULT_KEY_DIRECTORY).join(format!("{name}.key"))
}

impl Peer {
    /// The same tunnel seen from `side`: for [`Side::Remote`] the ends swap, so backends
    /// render the other operator's files without special cases.
    pub fn for_side(&self, side: Side) -> Peer {
        let mut peer = self.clone();
        if side != self.side {
            std::mem::swap(&mut peer.local, &mut peer.remote);
            peer.bgp = peer.bgp.as_ref().map(|bgp| Box::new(bgp.for_other_side()));
            peer.side = side;
        }
        peer
    }

    /// The tunnel kind.
    pub fn kind(&self) -> TunnelKind {
        self.tunnel.kind()
    }

    /// Whether any tunnel address on either end is IPv6.
    pub fn carries_ipv6(&self) -> bool {
        self.local
            .addresses
            .iter()
            .chain(&self.remote.addresses)
            .any(|a| a.address.addr().is_ipv6())
    }
}

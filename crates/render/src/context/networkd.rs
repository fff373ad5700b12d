//! Contexts of `templates/networkd/tunnel.netdev.j2` and `tunnel.network.j2`.

use peergen_core::peer::EncapLimit;
use peergen_core::{Peer, Ttl, Tunnel};
use serde::Serialize;

#[cfg(doc)]
use super::common::header;
use super::common::{
    endpoint_text, routes, routes_comment, split_addresses, ttl_number, ttl_word, wireguard,
    Header, PointToPoint, Route, WireguardInterface,
};

/// The `.netdev`: creates the device.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct NetdevContext<'a> {
    /// Header comment lines.
    pub header: &'a Header,
    /// `Name=`.
    pub name: &'a str,
    /// `Kind=`.
    pub kind: &'static str,
    /// `Description=`.
    pub description: Option<&'a str>,
    /// `MTUBytes=`, always explicit: an Independent netdev is created before any route
    /// exists, so the kernel could not derive it.
    pub mtu: u32,
    /// `[Tunnel]` for gre, sit, ip6gre, gretap, ip6gretap.
    pub tunnel: Option<TunnelSection>,
    /// `[VXLAN]`.
    pub vxlan: Option<VxlanSection>,
    /// `[WireGuard]` and `[WireGuardPeer]`.
    pub wireguard: Option<WireguardInterface>,
}

/// `[Tunnel]`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TunnelSection {
    /// `Local=`.
    pub local: String,
    /// `Remote=`.
    pub remote: String,
    /// `TTL=`, always explicit (0 = inherit): unset inherits for the IPv4 kinds.
    pub ttl: u8,
    /// `Key=` (both directions).
    pub key: Option<u32>,
    /// `EncapsulationLimit=` (ip6gre, ip6gretap), when not the kernel default.
    pub encapsulation_limit: Option<String>,
}

/// `[VXLAN]`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct VxlanSection {
    /// `VNI=`.
    pub vni: u32,
    /// `Local=`.
    pub local: String,
    /// `Remote=`.
    pub remote: String,
    /// `DestinationPort=`, always explicit (unset means 8472 in Linux).
    pub port: u16,
    /// `TTL=`: a number or `inherit` (in `[VXLAN]`, 0 means the route's hop limit).
    pub ttl: String,
}

/// The `.network`: addresses on the device.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct NetworkContext<'a> {
    /// Header comment lines.
    pub header: &'a Header,
    /// `[Match] Name=`.
    pub name: &'a str,
    /// `[Network] Address=` entries.
    pub addresses: Vec<String>,
    /// `[Address] Address= Peer=` sections.
    pub point_to_point: Vec<PointToPoint>,
    /// `[Network] Bridge=`: the host's bridge this end joins (layer 2 kinds); such an end
    /// has no addresses or routes.
    pub bridge: Option<&'a str>,
    /// `[Route]` sections: this end's `routes`.
    pub routes: Vec<Route>,
    /// The comment line above the routes.
    pub routes_comment: &'static str,
}

impl<'a> NetdevContext<'a> {
    /// Builds the `.netdev` context with the `header` lines ([`header`], built once for
    /// both files); networkd expresses every kind.
    pub fn new(peer: &'a Peer, header: &'a Header) -> Self {
        let local = endpoint_text(peer.local.endpoint.as_ref());
        let remote = endpoint_text(peer.remote.endpoint.as_ref());
        // Only one arm below runs: the endpoints move into its section.
        let tunnel_section =
            |local, remote, ttl: Ttl, key, encap: Option<EncapLimit>| TunnelSection {
                local,
                remote,
                ttl: ttl_number(ttl),
                key,
                encapsulation_limit: match encap {
                    Some(EncapLimit::None) => Some("none".to_owned()),
                    Some(EncapLimit::Limit(n)) => Some(n.to_string()),
                    _ => None,
                },
            };
        let (tunnel, vxlan) = match &peer.tunnel {
            Tunnel::Gre(o) | Tunnel::Gretap(o) => (
                Some(tunnel_section(local, remote, o.ttl, o.key, None)),
                None,
            ),
            Tunnel::Sit(o) => (Some(tunnel_section(local, remote, o.ttl, None, None)), None),
            Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => (
                Some(tunnel_section(
                    local,
                    remote,
                    o.ttl,
                    o.key,
                    Some(o.encap_limit),
                )),
                None,
            ),
            Tunnel::Vxlan(o) => (
                None,
                Some(VxlanSection {
                    vni: o.vni,
                    local,
                    remote,
                    port: o.port,
                    ttl: ttl_word(o.ttl),
                }),
            ),
            Tunnel::Wireguard(_) => (None, None),
        };
        Self {
            header,
            name: &peer.name,
            kind: peer.kind().as_str(),
            description: peer.description.as_deref(),
            mtu: peer.mtu.value,
            tunnel,
            vxlan,
            wireguard: wireguard(peer),
        }
    }
}

impl<'a> NetworkContext<'a> {
    /// Builds the `.network` context with the `header` lines ([`header`]).
    pub fn new(peer: &'a Peer, header: &'a Header) -> Self {
        let (addresses, point_to_point) = split_addresses(&peer.local.addresses);
        Self {
            header,
            name: &peer.name,
            addresses,
            point_to_point,
            bridge: peer.local.bridge.as_deref(),
            routes: routes(peer),
            routes_comment: routes_comment(peer),
        }
    }
}

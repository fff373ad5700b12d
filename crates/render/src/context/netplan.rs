//! Context of `templates/netplan/tunnel.yaml.j2` (netplan 0.106).

use peergen_core::peer::EncapLimit;
use peergen_core::{Peer, PrivateKeySource, Ttl, Tunnel, TunnelKind};
use serde::Serialize;

use super::common::{
    endpoint_text, header, routes, routes_comment, split_addresses, wireguard, Header,
    PointToPoint, Route, WireguardInterface,
};
use crate::RenderError;
use peergen_core::Backend;

/// Everything the netplan template prints. All strings reach the YAML double-quoted
/// (the environment's YAML escaping), numbers as numbers.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct NetplanContext {
    /// Header comment lines.
    pub header: Header,
    /// The key under `tunnels:`.
    pub name: String,
    /// `mode:`.
    pub mode: &'static str,
    /// `local:` (absent for a WireGuard end without endpoint; netplan ignores it there).
    pub local: Option<String>,
    /// `remote:`.
    pub remote: Option<String>,
    /// Why `renderer: networkd`, specific to the kind (a comment line).
    pub renderer_reason: &'static str,
    /// `ttl:`; `None` for WireGuard and for an inherited TTL on the IPv4 kinds.
    pub ttl: Option<u8>,
    /// The TTL is inherited: `ttl:` is left out on purpose (netplan has no value for it,
    /// and networkd's unset TTL inherits for gre, sit and gretap).
    pub ttl_inherit: bool,
    /// `key:` for GRE kinds.
    pub key: Option<u32>,
    /// `id:` (VXLAN).
    pub vni: Option<u32>,
    /// `port:` (VXLAN destination port, always set).
    pub port: Option<u16>,
    /// `mtu:`, always set.
    pub mtu: u32,
    /// `addresses:`, point-to-point ones included (without their peer).
    pub addresses: Vec<String>,
    /// netplan has no peer addressing: each point-to-point address becomes the plain
    /// address plus a `routes:` entry `to: PEER, scope: link`, the route the kernel adds
    /// for `peer` (and which an IPv6 `/128` needs to reach anything).
    pub point_to_point: Vec<PointToPoint>,
    /// `bridges: BRIDGE: interfaces: [NAME]`: the host's bridge this end joins (layer 2
    /// kinds). netplan merges this list with the host's own definition of the bridge.
    pub bridge: Option<String>,
    /// `routes:`: this end's `routes`.
    pub routes: Vec<Route>,
    /// The comment line above the routes.
    pub routes_comment: &'static str,
    /// WireGuard `key`, `port` and `peers`.
    pub wireguard: Option<WireguardInterface>,
}

impl NetplanContext {
    /// Builds the context; refuses what netplan 0.106 cannot express (point-to-point
    /// addresses it can: see [`NetplanContext::point_to_point`]).
    pub fn new(peer: &Peer) -> Result<Self, RenderError> {
        let unsupported = |reason: String, alternative: &str| RenderError::Unsupported {
            peer: peer.name.clone(),
            backend: Backend::Netplan,
            reason,
            alternative: alternative.to_owned(),
        };
        let inline_key = peer
            .local
            .wireguard
            .as_ref()
            .is_some_and(|w| matches!(w.private_key, PrivateKeySource::Inline(_)));
        if inline_key {
            // netplan copies an inline key into a world-readable .netdev (CVE-2022-4968).
            return Err(unsupported(
                "the private key is inline, and netplan 0.106 writes it into a world-readable (0644) generated .netdev".to_owned(),
                "use private-key-file (netplan then references the file), or --backend networkd, which writes the .netdev 0640",
            ));
        }
        if let Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) = &peer.tunnel {
            if o.encap_limit != EncapLimit::Default {
                return Err(unsupported(
                    "netplan 0.106 has no setting for the encapsulation limit".to_owned(),
                    "use --backend networkd or ip, or remove encap-limit",
                ));
            }
        }
        // netplan 0.106 takes a number from 1 to 255 (0 is dropped, "inherit" rejected).
        // Without `ttl`, networkd inherits for the IPv4 kinds, but uses 64 for ip6gre and
        // ip6gretap and the route's hop limit for vxlan: those cannot inherit.
        let ttl_inherit = peer.tunnel.ttl() == Some(Ttl::Inherit);
        if ttl_inherit
            && matches!(
                peer.kind(),
                TunnelKind::Ip6Gre | TunnelKind::Ip6Gretap | TunnelKind::Vxlan
            )
        {
            return Err(unsupported(
                format!(
                    "ttl = \"inherit\" cannot be expressed for a {} tunnel in netplan 0.106: without ttl networkd uses {}",
                    peer.kind(),
                    if peer.kind() == TunnelKind::Vxlan { "the route's hop limit" } else { "a hop limit of 64" }
                ),
                "use --backend networkd or ip, or a fixed ttl (the default, 255, is what eBGP needs)",
            ));
        }
        let ttl = match peer.tunnel.ttl() {
            Some(Ttl::Fixed(n)) => Some(n),
            _ => None,
        };
        let (key, vni, port) = match &peer.tunnel {
            Tunnel::Gre(o) | Tunnel::Gretap(o) => (o.key, None, None),
            Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => (o.key, None, None),
            Tunnel::Sit(_) | Tunnel::Wireguard(_) => (None, None, None),
            Tunnel::Vxlan(o) => (None, Some(o.vni), Some(o.port)),
        };
        let renderer_reason = match peer.kind() {
            TunnelKind::Wireguard => "A private key file needs the networkd renderer,",
            TunnelKind::Gretap | TunnelKind::Ip6Gretap => {
                "netplan renders gretap and ip6gretap with networkd only,"
            }
            _ => "peergen's files are written for the networkd renderer,",
        };
        let wireguard = wireguard(peer);
        let is_wireguard = wireguard.is_some();
        Ok(Self {
            header: header(peer, Backend::Netplan),
            name: peer.name.clone(),
            mode: peer.kind().as_str(),
            local: (!is_wireguard).then(|| endpoint_text(peer.local.endpoint.as_ref())),
            remote: (!is_wireguard).then(|| endpoint_text(peer.remote.endpoint.as_ref())),
            renderer_reason,
            ttl,
            ttl_inherit,
            key,
            vni,
            port,
            mtu: peer.mtu.value,
            addresses: peer
                .local
                .addresses
                .iter()
                .map(|a| a.address.to_string())
                .collect(),
            point_to_point: split_addresses(&peer.local.addresses).1,
            bridge: peer.local.bridge.clone(),
            routes: routes(peer),
            routes_comment: routes_comment(peer),
            wireguard,
        })
    }
}

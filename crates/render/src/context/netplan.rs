//! Context of `templates/netplan/tunnel.yaml.j2` (netplan 0.106).

use peergen_core::peer::EncapLimit;
use peergen_core::{Peer, PrivateKeySource, Tunnel};
use serde::Serialize;

use super::common::{endpoint_text, header, routes, wireguard, Route, WireguardInterface};
use crate::{Backend, RenderError};

/// Everything the netplan template prints. All strings reach the YAML double-quoted
/// (the environment's YAML escaping), numbers as numbers.
#[derive(Debug, Serialize)]
pub struct NetplanContext {
    /// Header comment lines.
    pub header: Vec<String>,
    /// The key under `tunnels:`.
    pub name: String,
    /// `mode:`.
    pub mode: &'static str,
    /// `local:` (absent for a WireGuard end without endpoint; netplan ignores it there).
    pub local: Option<String>,
    /// `remote:`.
    pub remote: Option<String>,
    /// `ttl:`.
    pub ttl: Option<u8>,
    /// `key:` for GRE kinds.
    pub key: Option<u32>,
    /// `id:` (VXLAN).
    pub vni: Option<u32>,
    /// `port:` (VXLAN destination port, always set).
    pub port: Option<u16>,
    /// `mtu:`, always set.
    pub mtu: u32,
    /// `addresses:`.
    pub addresses: Vec<String>,
    /// `routes:` (WireGuard peers with specific allowed IPs).
    pub routes: Vec<Route>,
    /// WireGuard `key`, `port` and `peers`.
    pub wireguard: Option<WireguardInterface>,
}

impl NetplanContext {
    /// Builds the context; refuses what netplan 0.106 cannot express.
    pub fn new(peer: &Peer) -> Result<Self, RenderError> {
        let unsupported = |reason: String, alternative: &str| RenderError::Unsupported {
            peer: peer.name.clone(),
            backend: Backend::Netplan,
            reason,
            alternative: alternative.to_owned(),
        };
        if let Some(a) = peer.local.addresses.iter().find(|a| a.peer.is_some()) {
            return Err(unsupported(
                format!(
                    "{} is a point-to-point address (it needs peer {}), and netplan has no peer addressing",
                    a.address,
                    a.peer.map(|p| p.to_string()).unwrap_or_default()
                ),
                "use --backend networkd or ip, or give both ends addresses in one subnet (/31, /127 or /64)",
            ));
        }
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
        let (ttl, key, vni, port) = match &peer.tunnel {
            Tunnel::Gre(o) | Tunnel::Gretap(o) => (o.ttl, o.key, None, None),
            Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => (o.ttl, o.key, None, None),
            Tunnel::Sit(o) => (o.ttl, None, None, None),
            Tunnel::Vxlan(o) => (o.ttl, None, Some(o.vni), Some(o.port)),
            Tunnel::Wireguard(_) => (None, None, None, None),
        };
        let wireguard = wireguard(peer);
        let is_wireguard = wireguard.is_some();
        Ok(Self {
            header: header(peer, Backend::Netplan),
            name: peer.name.clone(),
            mode: peer.kind().as_str(),
            local: (!is_wireguard).then(|| endpoint_text(peer.local.endpoint.as_ref())),
            remote: (!is_wireguard).then(|| endpoint_text(peer.remote.endpoint.as_ref())),
            ttl,
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
            routes: routes(peer),
            wireguard,
        })
    }
}

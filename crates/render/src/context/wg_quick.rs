//! Context of `templates/wg-quick/interface.conf.j2`.

use peergen_core::{Peer, Tunnel};
use serde::Serialize;

use super::common::{
    header, routes, split_addresses, wireguard, Header, PointToPoint, Route, WireguardInterface,
};
use crate::RenderError;
use peergen_core::Backend;

/// Everything the wg-quick template prints.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct WgQuickContext {
    /// Header comment lines.
    pub header: Header,
    /// Interface name (also the file name).
    pub name: String,
    /// `Address =` entries (shared-subnet addresses).
    pub addresses: Vec<String>,
    /// Point-to-point addresses, added by `PostUp = ip addr add … peer …` because
    /// wg-quick's `Address` has no peer form.
    pub point_to_point: Vec<PointToPoint>,
    /// Interface MTU, always explicit.
    pub mtu: u32,
    /// `PostUp = ip route add …`: this end's `routes`. The file always says `Table = off`,
    /// so AllowedIPs install nothing and these are the only routes.
    pub routes: Vec<Route>,
    /// Interface and peer settings.
    pub wireguard: WireguardInterface,
}

impl WgQuickContext {
    /// Builds the context; wg-quick only drives WireGuard.
    pub fn new(peer: &Peer) -> Result<Self, RenderError> {
        let Tunnel::Wireguard(_) = &peer.tunnel else {
            return Err(RenderError::Unsupported {
                peer: peer.name.clone(),
                backend: Backend::WgQuick,
                reason: format!(
                    "wg-quick configures WireGuard only, and this peer is kind = \"{}\"",
                    peer.kind()
                ),
                alternative: "use --backend networkd, netplan or ip".to_owned(),
            });
        };
        let (addresses, point_to_point) = split_addresses(&peer.local.addresses);
        Ok(Self {
            header: header(peer, Backend::WgQuick),
            name: peer.name.clone(),
            addresses,
            point_to_point,
            mtu: peer.mtu.value,
            routes: routes(peer),
            wireguard: wireguard(peer).ok_or_else(|| RenderError::Unsupported {
                peer: peer.name.clone(),
                backend: Backend::WgQuick,
                reason: "the peer has no WireGuard keys".to_owned(),
                alternative: "give both ends a public-key".to_owned(),
            })?,
        })
    }
}

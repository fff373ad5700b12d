//! Where a valid peer's fields are in its file, for checks that span several peer files.

use std::ops::Range;

use crate::raw::{RawPeer, RawRoute, RawRouteTable};

/// Byte spans of the fields cross-peer checks report on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerSpans {
    /// `name`.
    pub name: Range<usize>,
    /// `local.port`, or the `[local]` table when absent.
    pub local_port: Range<usize>,
    /// `remote.endpoint`, or the `[remote]` table when absent.
    pub remote_endpoint: Range<usize>,
    /// Each item of `local.addresses`, in order.
    pub local_addresses: Vec<Range<usize>>,
    /// The destination of each item of `local.routes`, in order.
    pub local_routes: Vec<Range<usize>>,
}

impl PeerSpans {
    /// Reads the spans from the raw peer.
    pub fn of(raw: &RawPeer) -> Self {
        let local = raw.local.get_ref();
        let remote = raw.remote.get_ref();
        Self {
            name: raw.name.span(),
            local_port: local.port.as_ref().map_or(raw.local.span(), |p| p.span()),
            remote_endpoint: remote
                .endpoint
                .as_ref()
                .map_or(raw.remote.span(), |e| e.span()),
            local_addresses: local
                .addresses
                .as_ref()
                .map(|a| a.get_ref().iter().map(|t| t.span()).collect())
                .unwrap_or_default(),
            local_routes: local
                .routes
                .as_ref()
                .map(|r| {
                    r.get_ref()
                        .iter()
                        .map(|item| match item.get_ref() {
                            RawRoute::Table(RawRouteTable { to, .. }) => to.span(),
                            _ => item.span(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

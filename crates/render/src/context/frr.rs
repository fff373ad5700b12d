//! Context of `templates/frr/peer.conf.j2`: one file of FRR commands per peer, its prefix
//! lists and route maps before the `router bgp` block that uses them.
//!
//! Route maps are always given (RFC 8212: FRR's `bgp ebgp-requires-policy` stays on): one
//! per direction and family, generated from the announce lists unless the peer file names
//! existing route maps. An empty announce list gets a route map that denies everything.

use peergen_core::bgp::{daemon_stem, Announce, Family};
use peergen_core::{Backend, Peer};
use serde::Serialize;

use super::bird::{bgp_header, family_suffix, no_bgp};
use super::common::Header;
use crate::RenderError;

/// Everything the FRR template prints.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrContext {
    /// Header comment lines.
    pub header: Header,
    /// Generated route maps (each with its prefix list), before the router block.
    pub route_maps: Vec<FrrRouteMap>,
    /// Our AS number (`router bgp N`).
    pub local_asn: u32,
    /// One neighbour per session.
    pub neighbors: Vec<FrrNeighbor>,
}

/// A generated route map and the prefix list it matches.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrRouteMap {
    /// Name of the route map and of its prefix list (`peergen_wg0_in_v4`).
    pub name: String,
    /// What it is for, one comment line.
    pub comment: String,
    /// `ip` or `ipv6` (prefix list and match command).
    pub ip: &'static str,
    /// Prefix list entries; empty: the route map denies everything.
    pub entries: Vec<FrrPrefix>,
}

/// A prefix list entry: `permit PREFIX [le MAX]`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrPrefix {
    /// The prefix (`192.0.2.0/24`).
    pub prefix: String,
    /// The longest more-specific accepted (`le 28`); none: exactly the prefix.
    pub le: Option<u8>,
}

/// A `neighbor` and its per-family settings.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrNeighbor {
    /// The other end's address on the tunnel.
    pub address: String,
    /// Their AS number.
    pub remote_asn: u32,
    /// `neighbor X interface IF`: the tunnel, for a link-local neighbour.
    pub interface: Option<String>,
    /// A description naming the tunnel.
    pub description: String,
    /// `capability extended-nexthop`.
    pub extended_next_hop: bool,
    /// `passive`.
    pub passive: bool,
    /// `password WORD` (the file is then not world-readable).
    pub password: Option<String>,
    /// `bfd`.
    pub bfd: bool,
    /// `ttl-security hops 1`.
    pub ttl_security: bool,
    /// `timers KEEPALIVE HOLD`, or the daemon's defaults.
    pub timers: Option<FrrTimers>,
    /// One block per family the session carries.
    pub families: Vec<FrrFamily>,
}

/// `neighbor X timers KEEPALIVE HOLD`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrTimers {
    /// A third of the hold time, the usual ratio (0 with a hold time of 0).
    pub keepalive: u16,
    /// The hold time the peer file gives.
    pub hold: u16,
}

/// An `address-family … unicast` block for one neighbour.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FrrFamily {
    /// `ipv4` or `ipv6`.
    pub family: &'static str,
    /// Inbound route map: generated, or the peer file's `frr-route-map-in`.
    pub route_map_in: String,
    /// Outbound route map: generated, or the peer file's `frr-route-map-out`.
    pub route_map_out: String,
    /// `maximum-prefix N 95 restart 60`.
    pub max_prefix: u32,
}

/// A prefix list entry; FRR wants `le` longer than the prefix, so an equal one is left out.
fn entry(a: &Announce) -> FrrPrefix {
    FrrPrefix {
        prefix: a.prefix.to_string(),
        le: a.max_length.filter(|m| *m != a.prefix.prefix_len()),
    }
}

impl FrrContext {
    /// Builds the context; a peer without `[bgp]` is refused.
    pub fn new(peer: &Peer) -> Result<Self, RenderError> {
        let bgp = peer
            .bgp
            .as_ref()
            .ok_or_else(|| no_bgp(peer, Backend::Frr))?;
        let stem = daemon_stem(&peer.name);
        let ip = |family| match family {
            Family::Ipv4 => "ip",
            Family::Ipv6 => "ipv6",
        };
        let mut route_maps = Vec::new();
        for family in bgp.families() {
            let suffix = family_suffix(family);
            if bgp.local.frr.import.is_none() {
                route_maps.push(FrrRouteMap {
                    name: format!("{stem}_in{suffix}"),
                    comment: format!(
                        "{family} routes we accept: what AS{} announces",
                        bgp.remote.asn
                    ),
                    ip: ip(family),
                    entries: bgp.imports(family).map(entry).collect(),
                });
            }
            if bgp.local.frr.export.is_none() {
                route_maps.push(FrrRouteMap {
                    name: format!("{stem}_out{suffix}"),
                    comment: format!(
                        "{family} routes we announce to AS{}: our own",
                        bgp.remote.asn
                    ),
                    ip: ip(family),
                    entries: bgp.exports(family).map(entry).collect(),
                });
            }
        }
        let neighbors = bgp
            .sessions
            .iter()
            .map(|s| FrrNeighbor {
                address: s.neighbor.to_string(),
                remote_asn: bgp.remote.asn.get(),
                interface: s.needs_interface.then(|| peer.name.clone()),
                description: format!("peergen_{}_AS{}", peer.name, bgp.remote.asn),
                extended_next_hop: s.extended_next_hop,
                passive: bgp.local.passive,
                password: bgp.password.clone(),
                bfd: bgp.bfd,
                ttl_security: bgp.ttl_security,
                // FRR takes the keepalive with the hold time; a third is the usual ratio.
                timers: bgp.hold_time.map(|hold| FrrTimers {
                    keepalive: hold / 3,
                    hold,
                }),
                families: s
                    .families
                    .iter()
                    .map(|&family| {
                        let suffix = family_suffix(family);
                        FrrFamily {
                            family: family.as_str(),
                            route_map_in: bgp
                                .local
                                .frr
                                .import
                                .clone()
                                .unwrap_or_else(|| format!("{stem}_in{suffix}")),
                            route_map_out: bgp
                                .local
                                .frr
                                .export
                                .clone()
                                .unwrap_or_else(|| format!("{stem}_out{suffix}")),
                            max_prefix: bgp.import_limit(family),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Self {
            header: bgp_header(peer, bgp, Backend::Frr, "frr"),
            route_maps,
            local_asn: bgp.local.asn.get(),
            neighbors,
        })
    }

    /// Whether the file holds a secret (the password).
    pub fn holds_secret(&self) -> bool {
        self.neighbors.iter().any(|n| n.password.is_some())
    }
}

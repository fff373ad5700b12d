//! Context of `templates/bird/peer.conf.j2`: one BIRD 2 file per peer with its filters and
//! one `protocol bgp` per session.
//!
//! Names derive from the interface ([`peergen_core::bgp::daemon_stem`]) so hundreds of
//! peer files live in one `bird.conf`. Filters are generated per family from the announce
//! lists (ours: export, theirs: import) unless the peer file names existing BIRD filters.

use peergen_core::bgp::{daemon_stem, Announce, Bgp, Family};
use peergen_core::{Backend, Peer};
use serde::Serialize;

use super::common::{header_lines, Header};
use crate::RenderError;

/// Everything the BIRD template prints.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct BirdContext {
    /// Header comment lines.
    pub header: Header,
    /// Filters defined in the file, before the protocols that use them.
    pub filters: Vec<BirdFilter>,
    /// One protocol per session.
    pub protocols: Vec<BirdProtocol>,
}

/// A generated filter: accepts the listed prefixes, rejects everything else.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct BirdFilter {
    /// Its name (`peergen_wg0_import_v4`).
    pub name: String,
    /// What it is for, one comment line.
    pub comment: String,
    /// Prefix set entries (`192.0.2.0/24{24,28}`); empty: the filter rejects everything.
    pub prefixes: Vec<String>,
}

/// One `protocol bgp`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct BirdProtocol {
    /// Protocol name: the stem, with `_v4`/`_v6` for one session per family.
    pub name: String,
    /// Our address on the tunnel.
    pub local_address: String,
    /// Our AS number.
    pub local_asn: u32,
    /// The other end's address on the tunnel.
    pub neighbor: String,
    /// Their AS number.
    pub remote_asn: u32,
    /// The tunnel interface, always named (required for a link-local neighbour).
    pub interface: String,
    /// `passive on`: we wait for the other end to connect.
    pub passive: bool,
    /// The TCP-MD5 password (the file is then not world-readable).
    pub password: Option<String>,
    /// `bfd on` (needs a `protocol bfd` in the main config).
    pub bfd: bool,
    /// `ttl security on`.
    pub ttl_security: bool,
    /// `hold time N`, or the daemon's default.
    pub hold_time: Option<u16>,
    /// One channel per family the session carries.
    pub channels: Vec<BirdChannel>,
}

/// A channel (`ipv4 { … }` or `ipv6 { … }`).
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct BirdChannel {
    /// `ipv4` or `ipv6`.
    pub family: &'static str,
    /// The import filter's name: generated, or the peer file's `bird-import-filter`.
    pub import_filter: String,
    /// The export filter's name: generated, or the peer file's `bird-export-filter`.
    pub export_filter: String,
    /// `import limit N action restart`: the most routes the other end may announce.
    pub import_limit: u32,
    /// `extended next hop on`: IPv4 routes with an IPv6 next hop.
    pub extended_next_hop: bool,
}

/// `_v4` or `_v6`.
pub(crate) fn family_suffix(family: Family) -> &'static str {
    family.suffix()
}

/// A name the peer file gave: a BIRD symbol, quoted when it holds `-`.
fn symbol(name: &str) -> String {
    if name.contains('-') {
        format!("'{name}'")
    } else {
        name.to_owned()
    }
}

/// A prefix set entry: `P{len,max}`.
fn set_entry(a: &Announce) -> String {
    format!(
        "{}{{{},{}}}",
        a.prefix,
        a.prefix.prefix_len(),
        a.effective_max_length()
    )
}

/// The peer has no `[bgp]` table: nothing for a BGP backend to render.
pub(crate) fn no_bgp(peer: &Peer, backend: Backend) -> RenderError {
    RenderError::Unsupported {
        peer: peer.name.clone(),
        backend,
        reason: "the peer file has no [bgp] table, so there is no BGP session to configure"
            .to_owned(),
        alternative: "add a [bgp] table (with asn and announce on both ends), or render this peer with a tunnel backend only".to_owned(),
    }
}

/// The header, with where the file goes and its mode when it holds the password.
pub(crate) fn bgp_header(peer: &Peer, bgp: &Bgp, backend: Backend, group: &str) -> Header {
    let mut lines = header_lines(peer, backend);
    lines.retain(|l| !l.starts_with("MTU "));
    if bgp.password.is_some() {
        lines.push(format!(
            "Holds the session password: install as root:{group}, mode 0640, never world-readable."
        ));
    }
    Header::new(lines)
}

impl BirdContext {
    /// Builds the context; a peer without `[bgp]` is refused.
    pub fn new(peer: &Peer) -> Result<Self, RenderError> {
        let bgp = peer
            .bgp
            .as_ref()
            .ok_or_else(|| no_bgp(peer, Backend::Bird))?;
        let stem = daemon_stem(&peer.name);
        let mut filters = Vec::new();
        for family in bgp.families() {
            let suffix = family_suffix(family);
            if bgp.local.bird.import.is_none() {
                filters.push(BirdFilter {
                    name: format!("{stem}_import{suffix}"),
                    comment: format!(
                        "{family} routes we accept: what AS{} announces",
                        bgp.remote.asn
                    ),
                    prefixes: bgp.imports(family).map(set_entry).collect(),
                });
            }
            if bgp.local.bird.export.is_none() {
                filters.push(BirdFilter {
                    name: format!("{stem}_export{suffix}"),
                    comment: format!(
                        "{family} routes we announce to AS{}: our own",
                        bgp.remote.asn
                    ),
                    prefixes: bgp.exports(family).map(set_entry).collect(),
                });
            }
        }
        let protocols = bgp
            .sessions
            .iter()
            .map(|s| BirdProtocol {
                name: bgp.bird_protocol(&peer.name, s),
                local_address: s.local_address.to_string(),
                local_asn: bgp.local.asn.get(),
                neighbor: s.neighbor.to_string(),
                remote_asn: bgp.remote.asn.get(),
                interface: peer.name.clone(),
                passive: bgp.local.passive,
                password: bgp.password.clone(),
                bfd: bgp.bfd,
                ttl_security: bgp.ttl_security,
                hold_time: bgp.hold_time,
                channels: s
                    .families
                    .iter()
                    .map(|&family| {
                        let suffix = family_suffix(family);
                        BirdChannel {
                            family: family.as_str(),
                            import_filter: bgp
                                .local
                                .bird
                                .import
                                .as_deref()
                                .map_or_else(|| format!("{stem}_import{suffix}"), symbol),
                            export_filter: bgp
                                .local
                                .bird
                                .export
                                .as_deref()
                                .map_or_else(|| format!("{stem}_export{suffix}"), symbol),
                            import_limit: bgp.import_limit(family),
                            extended_next_hop: family == Family::Ipv4 && s.extended_next_hop,
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(Self {
            header: bgp_header(peer, bgp, Backend::Bird, "bird"),
            filters,
            protocols,
        })
    }

    /// Whether the file holds a secret (the password).
    pub fn holds_secret(&self) -> bool {
        self.protocols.iter().any(|p| p.password.is_some())
    }
}

//! The handoff: what the other operator needs to bring up their end of a peering, built
//! from our validated peer: a README ([`HandoffContext`]), their files for every backend
//! that applies to the kind (rendered exactly as `render --side remote` renders them), and
//! their peer file ([`PeerFileContext`]): the same definition seen from their side.
//!
//! No secret of ours reaches a handoff. Their files are rendered from the remote side,
//! which never holds our private key; the BGP password is taken out of the peer before
//! anything renders (the README says it is sent separately, and daemon files are rendered
//! without it); a preshared key is only ever a path. A peer file that holds the other
//! end's private key inline is refused: a handoff never carries a private key. As a last
//! check every file is scanned for our inline private key and the password.

use peergen_core::bgp::{Announce, Bgp, BgpEnd, Family};
use peergen_core::peer::{End, PrivateKeySource, Route};
use peergen_core::tunnel::{EncapLimit, Ttl, Tunnel};
use peergen_core::{limits, Backend, Peer, Side};
use serde::Serialize;

use crate::templates::{HANDOFF_PEER, HANDOFF_README};
use crate::{RenderError, RenderedFile, Renderer};

/// The README's name in the folder.
pub const README: &str = "README.md";

/// The folder of their backend files: `files/BACKEND/INSTALL-PATH`.
pub const FILES_DIR: &str = "files";

/// Mode of the README and the peer file: neither holds a secret.
const PUBLIC: u32 = 0o644;

/// Passwords shorter than this are not searched for in the finished files (they would
/// match ordinary text); the password never reaches a file by construction anyway.
const SCANNED_PASSWORD_MIN_LEN: usize = 8;

/// Why a handoff cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    /// The peer file holds the other end's private key inline.
    #[error("{peer}: [remote] private-key is written inline, and a handoff never carries a private key\n  = help: let the other operator generate their key on their host (`wg genkey` or `peergen keygen --out PATH`), put its public key into [remote] public-key and name the path in [remote] private-key-file, then make the handoff again")]
    TheirKeyInline {
        /// Interface name of the peer.
        peer: String,
    },
    /// A secret of ours was found in a file of the handoff (a template printed it).
    #[error("{peer}: refusing to write the handoff: {file} would contain a secret ({what})")]
    SecretInFile {
        /// Interface name of the peer.
        peer: String,
        /// The file inside the folder.
        file: String,
        /// Which secret.
        what: &'static str,
    },
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// One backend's part of the handoff.
#[derive(Debug, Clone)]
pub struct BackendFiles {
    /// The backend.
    pub backend: Backend,
    /// Their files (install paths relative to the backend's folder), or why the backend
    /// cannot express this peer.
    pub result: Result<Vec<RenderedFile>, Refusal>,
}

/// Why a backend refused the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the backend cannot express.
    pub reason: String,
    /// What to do instead.
    pub alternative: String,
}

/// A finished handoff, in memory.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// The README.
    pub readme: String,
    /// Their peer file.
    pub peer_file: RenderedFile,
    /// Every backend that applies to the kind, in [`Backend::ALL`] order.
    pub backends: Vec<BackendFiles>,
}

impl Handoff {
    /// Every file of the folder with its path inside it: `README.md`, `NAME.toml`, then
    /// `files/BACKEND/PATH` of each backend that rendered.
    pub fn files(&self) -> Vec<RenderedFile> {
        let mut out = vec![
            RenderedFile {
                path: README.into(),
                mode: PUBLIC,
                contents: self.readme.clone(),
            },
            self.peer_file.clone(),
        ];
        for b in &self.backends {
            if let Ok(files) = &b.result {
                out.extend(files.iter().map(|f| RenderedFile {
                    path: folder_path(b.backend, f).into(),
                    mode: f.mode,
                    contents: f.contents.clone(),
                }));
            }
        }
        out
    }
}

/// Where a backend's file lies in the folder.
fn folder_path(backend: Backend, file: &RenderedFile) -> String {
    format!("{FILES_DIR}/{backend}/{}", file.path)
}

/// Their peer file's name: `NAME.toml`.
pub fn peer_file_name(peer: &Peer) -> String {
    format!("{}.toml", peer.name)
}

/// Makes the handoff of `peer` (as loaded: our side local) with `renderer`'s templates
/// and file naming.
pub fn handoff(renderer: &Renderer, peer: &Peer) -> Result<Handoff, HandoffError> {
    let ours = peer.for_side(Side::Local);
    if let Some(wg) = &ours.remote.wireguard {
        if matches!(wg.private_key, PrivateKeySource::Inline(_)) {
            return Err(HandoffError::TheirKeyInline {
                peer: ours.name.clone(),
            });
        }
    }
    // The password goes separately: nothing that renders sees it.
    let mut sendable = ours.clone();
    if let Some(bgp) = &mut sendable.bgp {
        bgp.password = None;
    }
    let mut backends = Vec::new();
    for backend in Backend::ALL
        .into_iter()
        .filter(|b| b.applies_to(ours.kind()))
    {
        let result = match renderer.render(&sendable, backend, Side::Remote) {
            Ok(files) => Ok(files),
            Err(RenderError::Unsupported {
                reason,
                alternative,
                ..
            }) => Err(Refusal {
                reason,
                alternative,
            }),
            Err(err) => return Err(err.into()),
        };
        backends.push(BackendFiles { backend, result });
    }
    let env = &renderer.env;
    let template_error = |template: &str| {
        let peer = ours.name.clone();
        let template = template.to_owned();
        move |source| RenderError::Template {
            peer,
            template,
            source,
        }
    };
    let peer_text = env
        .get_template(HANDOFF_PEER.name)
        .and_then(|t| t.render(PeerFileContext::new(&ours)))
        .map_err(template_error(HANDOFF_PEER.name))?;
    let readme = env
        .get_template(HANDOFF_README.name)
        .and_then(|t| t.render(HandoffContext::new(&ours, &backends)))
        .map_err(template_error(HANDOFF_README.name))?;
    let handoff = Handoff {
        readme,
        peer_file: RenderedFile {
            path: peer_file_name(&ours).into(),
            mode: PUBLIC,
            contents: peer_text,
        },
        backends,
    };
    scan(&ours, &handoff)?;
    Ok(handoff)
}

/// The last check: no file holds our inline private key or the password.
fn scan(peer: &Peer, handoff: &Handoff) -> Result<(), HandoffError> {
    let mut secrets: Vec<(String, &'static str)> = Vec::new();
    for end in [&peer.local, &peer.remote] {
        if let Some(PrivateKeySource::Inline(key)) = end.wireguard.as_ref().map(|w| &w.private_key)
        {
            secrets.push((key.to_base64(), "a private key"));
        }
    }
    if let Some(password) = peer.bgp.as_ref().and_then(|b| b.password.as_ref()) {
        if password.len() >= SCANNED_PASSWORD_MIN_LEN {
            secrets.push((password.clone(), "the BGP password"));
        }
    }
    for file in handoff.files() {
        if let Some((_, what)) = secrets.iter().find(|(s, _)| file.contents.contains(s)) {
            return Err(HandoffError::SecretInFile {
                peer: peer.name.clone(),
                file: file.path.into_string(),
                what,
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The README.

/// The README of a handoff (`handoff/README.md.j2`), written to the other operator: "you"
/// are the end the peer file calls `[remote]`, "we" the `[local]` one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffContext {
    /// Interface name on both hosts.
    pub name: String,
    /// The peer file's description.
    pub description: Option<String>,
    /// Tunnel kind (`wireguard`, `gre`, …).
    pub kind: &'static str,
    /// The kind in a few words.
    pub kind_summary: &'static str,
    /// Whether the kind carries Ethernet frames.
    pub layer2: bool,
    /// The tunnel MTU.
    pub mtu: u32,
    /// How the MTU was computed (`1420 = 1500 - 80 (IPv6 40 + UDP 8 + WireGuard 32)`).
    pub mtu_explanation: String,
    /// Whether the MTU was set in the peer file rather than computed.
    pub mtu_from_user: bool,
    /// The MTU of the path under the tunnel.
    pub underlay_mtu: u32,
    /// Our end.
    pub we: Party,
    /// Their end.
    pub you: Party,
    /// Kind-specific settings both ends must agree on, as (setting, value) rows.
    pub settings: Vec<Setting>,
    /// WireGuard details; `None` for other kinds.
    pub wireguard: Option<HandoffWireguard>,
    /// The BGP session; `None` when the peer file has no `[bgp]`.
    pub bgp: Option<HandoffBgp>,
    /// Every backend that applies to the kind, with its files or why it refused.
    pub backends: Vec<HandoffBackend>,
    /// Their peer file's name in the folder.
    pub peer_file: String,
    /// The addresses they ping to test the tunnel: ours, one per family.
    pub pings: Vec<Ping>,
    /// The secrets we send by other means (`the BGP password`, …); never their values.
    pub sent_separately: Vec<&'static str>,
}

/// One end, as the README shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Party {
    /// Underlay address or host name; `None`: the end only dials out.
    pub endpoint: Option<String>,
    /// WireGuard listen port.
    pub port: Option<u16>,
    /// Tunnel interface addresses with prefix.
    pub addresses: Vec<String>,
    /// Routes this end's host installs through the tunnel.
    pub routes: Vec<String>,
    /// The bridge this end's tunnel joins.
    pub bridge: Option<String>,
    /// WireGuard public key.
    pub public_key: Option<String>,
    /// What WireGuard on the other end accepts from this one.
    pub allowed_ips: Vec<String>,
    /// AS number, with `[bgp]`.
    pub asn: Option<u32>,
}

/// A row of the tunnel settings table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Setting {
    /// What it is.
    pub name: &'static str,
    /// Its value.
    pub value: String,
}

/// WireGuard details of the README.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffWireguard {
    /// Where their files expect their private key.
    pub private_key_file: String,
    /// Whether our peer file names that path (else it is the default).
    pub private_key_file_declared: bool,
    /// Keepalive interval in seconds, when on.
    pub persistent_keepalive: Option<u16>,
    /// The preshared key's path on both hosts (the key itself is sent separately).
    pub preshared_key_file: Option<String>,
}

/// The BGP session as the README shows it, from their side.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffBgp {
    /// `per-family` or `link-local`.
    pub mode: &'static str,
    /// The sessions.
    pub sessions: Vec<HandoffSession>,
    /// The prefixes we announce (they accept).
    pub we_announce: Vec<String>,
    /// The prefixes they announce (we accept).
    pub you_announce: Vec<String>,
    /// The most IPv4 routes we accept from them.
    pub we_accept_ipv4: u32,
    /// The most IPv6 routes we accept from them.
    pub we_accept_ipv6: u32,
    /// The most IPv4 routes they accept from us.
    pub you_accept_ipv4: u32,
    /// The most IPv6 routes they accept from us.
    pub you_accept_ipv6: u32,
    /// We never dial.
    pub we_passive: bool,
    /// They never dial.
    pub you_passive: bool,
    /// The sessions use a TCP-MD5 password (sent separately).
    pub password: bool,
    /// BFD on every session.
    pub bfd: bool,
    /// TTL security (GTSM).
    pub ttl_security: bool,
    /// The proposed hold time.
    pub hold_time: Option<u16>,
    /// Names of their existing BIRD/FRR policies the files use, as (what, name) rows.
    pub your_policies: Vec<Setting>,
}

/// One BGP session, from their side.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffSession {
    /// Their address (the session's source on their host).
    pub your_address: String,
    /// Our address: their neighbour.
    pub our_address: String,
    /// `ipv4`, `ipv6`.
    pub families: Vec<&'static str>,
    /// IPv4 over the IPv6 session with an IPv6 next hop (RFC 8950).
    pub extended_next_hop: bool,
    /// The neighbour is link-local: the daemon must be told the interface.
    pub on_interface: bool,
}

/// One backend's section of the README.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffBackend {
    /// The backend's name.
    pub name: &'static str,
    /// What it writes.
    pub summary: &'static str,
    /// Its files.
    pub files: Vec<HandoffFile>,
    /// Why it cannot express this peer.
    pub refused: Option<String>,
}

/// A file of a backend, as the README lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct HandoffFile {
    /// Its path in the folder.
    pub path: String,
    /// Where it is installed (`None`: a script, run from anywhere).
    pub install_to: Option<String>,
    /// Its mode, in octal (`0644`).
    pub mode: String,
}

/// An address to ping through the tunnel.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Ping {
    /// The address, with `%NAME` for link-local ones.
    pub address: String,
    /// `ipv4` or `ipv6`.
    pub family: &'static str,
    /// A BGP session runs to this address, so it is pinged with TTL 1 too.
    pub bgp: bool,
}

/// Where a backend's files are installed: file-based backends' paths are relative to
/// `/etc`; `ip`'s scripts run from anywhere.
fn install_root(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Ip => None,
        _ => Some("/etc"),
    }
}

impl HandoffContext {
    /// The README's context for `peer` (our side local) and the rendered backends.
    pub fn new(peer: &Peer, backends: &[BackendFiles]) -> Self {
        let bgp = peer.bgp.as_deref();
        let wireguard = peer.remote.wireguard.as_ref().map(|wg| {
            let (path, declared) = key_path(&wg.private_key);
            let options = match &peer.tunnel {
                Tunnel::Wireguard(o) => Some(o),
                _ => None,
            };
            HandoffWireguard {
                private_key_file: path,
                private_key_file_declared: declared,
                persistent_keepalive: options
                    .and_then(|o| o.persistent_keepalive)
                    .filter(|k| *k > 0),
                preshared_key_file: options
                    .and_then(|o| o.preshared_key_file.as_ref())
                    .map(ToString::to_string),
            }
        });
        Self {
            name: peer.name.clone(),
            description: peer.description.clone(),
            kind: peer.kind().as_str(),
            kind_summary: peer.kind().summary(),
            layer2: peer.kind().is_layer2(),
            mtu: peer.mtu.value,
            mtu_explanation: peer.mtu.explanation(),
            mtu_from_user: peer.mtu.from_user,
            underlay_mtu: peer.mtu.computed.underlay_mtu,
            we: Party::new(&peer.local, bgp.map(|b| &b.local)),
            you: Party::new(&peer.remote, bgp.map(|b| &b.remote)),
            settings: settings(&peer.tunnel),
            wireguard,
            bgp: bgp.map(HandoffBgp::new),
            backends: backends.iter().map(HandoffBackend::new).collect(),
            peer_file: peer_file_name(peer),
            pings: pings(peer),
            sent_separately: sent_separately(peer),
        }
    }
}

/// The secrets the other operator gets by other means, by name.
fn sent_separately(peer: &Peer) -> Vec<&'static str> {
    let mut out = Vec::new();
    if peer.bgp.as_ref().is_some_and(|b| b.password.is_some()) {
        out.push("the BGP password");
    }
    if let Tunnel::Wireguard(o) = &peer.tunnel {
        if o.preshared_key_file.is_some() {
            out.push("the WireGuard preshared key");
        }
    }
    out
}

/// A private key's path and whether the peer file named it (an inline key has none).
fn key_path(source: &PrivateKeySource) -> (String, bool) {
    match source {
        PrivateKeySource::File { path, declared } => (path.to_string(), *declared),
        PrivateKeySource::Inline(_) => (String::new(), false),
    }
}

impl Party {
    fn new(end: &End, bgp: Option<&BgpEnd>) -> Self {
        Self {
            endpoint: end.endpoint.as_ref().map(ToString::to_string),
            port: end.wireguard.as_ref().and_then(|w| w.port),
            addresses: end
                .addresses
                .iter()
                .map(|a| a.address.to_string())
                .collect(),
            routes: end.routes.iter().map(route_text).collect(),
            bridge: end.bridge.clone(),
            public_key: end.wireguard.as_ref().map(|w| w.public_key.to_base64()),
            allowed_ips: end
                .wireguard
                .as_ref()
                .map(|w| w.allowed_ips.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
            asn: bgp.map(|b| b.asn.get()),
        }
    }
}

/// `192.0.2.0/24 via 172.31.0.1, metric 100, table 100`.
fn route_text(route: &Route) -> String {
    let mut text = route.to.to_string();
    if let Some(via) = route.via {
        text.push_str(&format!(" via {via}"));
    }
    if let Some(metric) = route.metric {
        text.push_str(&format!(", metric {metric}"));
    }
    if let Some(table) = route.table {
        text.push_str(&format!(", table {table}"));
    }
    text
}

fn ttl_text(ttl: Ttl) -> String {
    match ttl {
        Ttl::Fixed(n) => n.to_string(),
        Ttl::Inherit => "inherit (copied from the inner packet)".to_owned(),
    }
}

/// The kind's settings both ends must agree on.
fn settings(tunnel: &Tunnel) -> Vec<Setting> {
    let mut rows = Vec::new();
    let mut add = |name, value: String| rows.push(Setting { name, value });
    match tunnel {
        Tunnel::Wireguard(_) => {}
        Tunnel::Gre(o) | Tunnel::Gretap(o) => {
            add(
                "GRE key",
                o.key.map_or("none".to_owned(), |k| k.to_string()),
            );
            add("Outer TTL", ttl_text(o.ttl));
        }
        Tunnel::Sit(o) => add("Outer TTL", ttl_text(o.ttl)),
        Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => {
            add(
                "GRE key",
                o.key.map_or("none".to_owned(), |k| k.to_string()),
            );
            add("Outer hop limit", ttl_text(o.ttl));
            add(
                "Encapsulation limit option",
                match o.encap_limit {
                    EncapLimit::Default => "sent, limit 4 (the kernel's default)".to_owned(),
                    EncapLimit::None => "not sent".to_owned(),
                    EncapLimit::Limit(n) => format!("sent, limit {n}"),
                },
            );
        }
        Tunnel::Vxlan(o) => {
            add("VNI", o.vni.to_string());
            add("UDP port", o.port.to_string());
            add("Outer TTL", ttl_text(o.ttl));
        }
    }
    rows
}

fn announce_text(a: &Announce) -> String {
    match a.max_length {
        Some(m) => format!("{} up to /{m}", a.prefix),
        None => a.prefix.to_string(),
    }
}

impl HandoffBgp {
    /// From our side's model: "we" is `local`, "you" is `remote`.
    fn new(bgp: &Bgp) -> Self {
        let mut your_policies = Vec::new();
        for (what, name) in [
            ("BIRD import filter", &bgp.remote.bird.import),
            ("BIRD export filter", &bgp.remote.bird.export),
            ("FRR route map in", &bgp.remote.frr.import),
            ("FRR route map out", &bgp.remote.frr.export),
        ] {
            if let Some(name) = name {
                your_policies.push(Setting {
                    name: what,
                    value: name.clone(),
                });
            }
        }
        Self {
            mode: bgp.mode.as_str(),
            sessions: bgp
                .sessions
                .iter()
                .map(|s| HandoffSession {
                    your_address: s.neighbor.to_string(),
                    our_address: s.local_address.to_string(),
                    families: s.families.iter().map(|f| f.as_str()).collect(),
                    extended_next_hop: s.extended_next_hop,
                    on_interface: s.needs_interface,
                })
                .collect(),
            we_announce: bgp.local.announce.iter().map(announce_text).collect(),
            you_announce: bgp.remote.announce.iter().map(announce_text).collect(),
            we_accept_ipv4: bgp.import_limit(Family::Ipv4),
            we_accept_ipv6: bgp.import_limit(Family::Ipv6),
            you_accept_ipv4: bgp.local.max_prefix(Family::Ipv4),
            you_accept_ipv6: bgp.local.max_prefix(Family::Ipv6),
            we_passive: bgp.local.passive,
            you_passive: bgp.remote.passive,
            password: bgp.password.is_some(),
            bfd: bgp.bfd,
            ttl_security: bgp.ttl_security,
            hold_time: bgp.hold_time,
            your_policies,
        }
    }
}

impl HandoffBackend {
    fn new(b: &BackendFiles) -> Self {
        let (files, refused) = match &b.result {
            Ok(files) => (
                files
                    .iter()
                    .map(|f| HandoffFile {
                        path: folder_path(b.backend, f),
                        install_to: install_root(b.backend)
                            .map(|root| format!("{root}/{}", f.path)),
                        mode: format!("{:04o}", f.mode),
                    })
                    .collect(),
                None,
            ),
            // The alternative speaks to the peer file's owner ("remove encap-limit"); the
            // other operator only needs the reason.
            Err(r) => (Vec::new(), Some(r.reason.clone())),
        };
        Self {
            name: b.backend.as_str(),
            summary: b.backend.summary(),
            files,
            refused,
        }
    }
}

/// Our tunnel addresses they can ping: one per family (the first), with the interface
/// for link-local ones; every BGP neighbour address besides.
fn pings(peer: &Peer) -> Vec<Ping> {
    let neighbours: Vec<std::net::IpAddr> = peer
        .bgp
        .iter()
        .flat_map(|b| b.sessions.iter().map(|s| s.local_address))
        .collect();
    let mut out: Vec<Ping> = Vec::new();
    let mut families_seen = Vec::new();
    for a in &peer.local.addresses {
        let ip = a.address.addr();
        let family = Family::of(ip);
        let bgp = neighbours.contains(&ip);
        if families_seen.contains(&family) && !bgp {
            continue;
        }
        families_seen.push(family);
        let link_local =
            matches!(ip, std::net::IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80);
        out.push(Ping {
            address: if link_local {
                format!("{ip}%{}", peer.name)
            } else {
                ip.to_string()
            },
            family: family.as_str(),
            bgp,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Their peer file.

/// Their peer file (`handoff/peer.toml.j2`): our definition seen from their side, every
/// value resolved (site-file defaults written out), so it stands alone. Our private key
/// path is left out (meaningless on their host), and so is the BGP password.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileContext {
    /// Interface name.
    pub name: String,
    /// Tunnel kind.
    pub kind: &'static str,
    /// Description.
    pub description: Option<String>,
    /// `mtu`, when our peer file sets it.
    pub mtu: Option<u32>,
    /// `underlay-mtu`, when not the default.
    pub underlay_mtu: Option<u32>,
    /// Their end: `[local]` of their file.
    pub local: PeerFileEnd,
    /// Our end: `[remote]` of their file.
    pub remote: PeerFileEnd,
    /// The kind's table.
    pub options: PeerFileOptions,
    /// `[bgp]`.
    pub bgp: Option<PeerFileBgp>,
}

/// An integer or a word (`ttl = 64` or `ttl = "inherit"`).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum NumberOrWord {
    /// A number.
    Number(u32),
    /// A word.
    Word(&'static str),
}

/// One end's table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileEnd {
    /// `local` or `remote`.
    pub side: &'static str,
    /// `endpoint`.
    pub endpoint: Option<String>,
    /// `port`.
    pub port: Option<u16>,
    /// `addresses` (empty: left out).
    pub addresses: Vec<String>,
    /// `public-key`.
    pub public_key: Option<String>,
    /// `private-key-file` (their end only).
    pub private_key_file: Option<String>,
    /// `allowed-ips`.
    pub allowed_ips: Option<Vec<String>>,
    /// `routes`.
    pub routes: Vec<PeerFileRoute>,
    /// `bridge`.
    pub bridge: Option<String>,
    /// `asn`, with `[bgp]`.
    pub asn: Option<u32>,
    /// `announce`.
    pub announce: Vec<PeerFileAnnounce>,
    /// `max-prefix-ipv4`.
    pub max_prefix_ipv4: Option<u32>,
    /// `max-prefix-ipv6`.
    pub max_prefix_ipv6: Option<u32>,
    /// `passive`, when true.
    pub passive: bool,
    /// `bird-import-filter`.
    pub bird_import_filter: Option<String>,
    /// `bird-export-filter`.
    pub bird_export_filter: Option<String>,
    /// `frr-route-map-in`.
    pub frr_route_map_in: Option<String>,
    /// `frr-route-map-out`.
    pub frr_route_map_out: Option<String>,
}

/// A route: a plain network or a table with metric and table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileRoute {
    /// `to`.
    pub to: String,
    /// `metric`.
    pub metric: Option<u32>,
    /// `table`.
    pub table: Option<u32>,
}

/// An announced prefix, with its longest more-specific.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileAnnounce {
    /// `prefix`.
    pub prefix: String,
    /// `max-length`.
    pub max_length: Option<u8>,
}

/// The kind's table (`[wireguard]`, `[gre]`, …): only the keys that are set.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileOptions {
    /// The table's name.
    pub table: &'static str,
    /// `persistent-keepalive`.
    pub persistent_keepalive: Option<u16>,
    /// `preshared-key-file`.
    pub preshared_key_file: Option<String>,
    /// `vni`.
    pub vni: Option<u32>,
    /// `port` (VXLAN).
    pub port: Option<u16>,
    /// `key`.
    pub key: Option<u32>,
    /// `ttl`.
    pub ttl: Option<NumberOrWord>,
    /// `encap-limit`.
    pub encap_limit: Option<NumberOrWord>,
}

/// `[bgp]`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeerFileBgp {
    /// `sessions`.
    pub sessions: &'static str,
    /// `families`.
    pub families: Vec<&'static str>,
    /// `extended-next-hop` (link-local sessions only).
    pub extended_next_hop: Option<bool>,
    /// Whether the sessions have a password (left out: sent separately).
    pub password: bool,
    /// `bfd`, when true.
    pub bfd: bool,
    /// `ttl-security`, when true.
    pub ttl_security: bool,
    /// `hold-time`.
    pub hold_time: Option<u16>,
}

impl PeerFileContext {
    /// Their peer file for `peer` (our side local).
    pub fn new(peer: &Peer) -> Self {
        let theirs = peer.for_side(Side::Remote);
        let bgp = theirs.bgp.as_ref();
        Self {
            name: peer.name.clone(),
            kind: peer.kind().as_str(),
            description: peer.description.clone(),
            mtu: peer.mtu.from_user.then_some(peer.mtu.value),
            underlay_mtu: Some(peer.mtu.computed.underlay_mtu)
                .filter(|m| *m != limits::DEFAULT_UNDERLAY_MTU),
            local: PeerFileEnd::new("local", &theirs.local, bgp.map(|b| &b.local), true),
            remote: PeerFileEnd::new("remote", &theirs.remote, bgp.map(|b| &b.remote), false),
            options: PeerFileOptions::new(&peer.tunnel),
            bgp: bgp.map(|b| PeerFileBgp {
                sessions: b.mode.as_str(),
                families: b.families().iter().map(|f| f.as_str()).collect(),
                extended_next_hop: (b.mode == peergen_core::bgp::SessionMode::LinkLocal)
                    .then(|| b.sessions.iter().any(|s| s.extended_next_hop)),
                password: b.password.is_some(),
                bfd: b.bfd,
                ttl_security: b.ttl_security,
                hold_time: b.hold_time,
            }),
        }
    }
}

impl PeerFileEnd {
    fn new(side: &'static str, end: &End, bgp: Option<&BgpEnd>, own: bool) -> Self {
        let wg = end.wireguard.as_ref();
        Self {
            side,
            endpoint: end.endpoint.as_ref().map(ToString::to_string),
            port: wg.and_then(|w| w.port),
            addresses: end
                .addresses
                .iter()
                .map(|a| a.address.to_string())
                .collect(),
            public_key: wg.map(|w| w.public_key.to_base64()),
            // Their own key's path, as their files expect it; ours means nothing there.
            private_key_file: wg.filter(|_| own).and_then(|w| match &w.private_key {
                PrivateKeySource::File { path, .. } => Some(path.to_string()),
                PrivateKeySource::Inline(_) => None,
            }),
            allowed_ips: wg.map(|w| w.allowed_ips.iter().map(ToString::to_string).collect()),
            routes: end
                .routes
                .iter()
                .map(|r| PeerFileRoute {
                    to: r.to.to_string(),
                    metric: r.metric,
                    table: r.table,
                })
                .collect(),
            bridge: end.bridge.clone(),
            asn: bgp.map(|b| b.asn.get()),
            announce: bgp
                .map(|b| {
                    b.announce
                        .iter()
                        .map(|a| PeerFileAnnounce {
                            prefix: a.prefix.to_string(),
                            max_length: a.max_length,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            max_prefix_ipv4: bgp.map(|b| b.max_prefix_ipv4),
            max_prefix_ipv6: bgp.map(|b| b.max_prefix_ipv6),
            passive: bgp.is_some_and(|b| b.passive),
            bird_import_filter: bgp.and_then(|b| b.bird.import.clone()),
            bird_export_filter: bgp.and_then(|b| b.bird.export.clone()),
            frr_route_map_in: bgp.and_then(|b| b.frr.import.clone()),
            frr_route_map_out: bgp.and_then(|b| b.frr.export.clone()),
        }
    }
}

fn ttl_value(ttl: Ttl) -> Option<NumberOrWord> {
    match ttl {
        Ttl::Fixed(n) if n == limits::DEFAULT_TTL => None,
        Ttl::Fixed(n) => Some(NumberOrWord::Number(u32::from(n))),
        Ttl::Inherit => Some(NumberOrWord::Word("inherit")),
    }
}

impl PeerFileOptions {
    fn new(tunnel: &Tunnel) -> Self {
        let table = tunnel.kind().as_str();
        match tunnel {
            Tunnel::Wireguard(o) => Self {
                table,
                persistent_keepalive: o.persistent_keepalive,
                preshared_key_file: o.preshared_key_file.as_ref().map(ToString::to_string),
                ..Self::default()
            },
            Tunnel::Gre(o) | Tunnel::Gretap(o) => Self {
                table,
                key: o.key,
                ttl: ttl_value(o.ttl),
                ..Self::default()
            },
            Tunnel::Sit(o) => Self {
                table,
                ttl: ttl_value(o.ttl),
                ..Self::default()
            },
            Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => Self {
                table,
                key: o.key,
                ttl: ttl_value(o.ttl),
                encap_limit: match o.encap_limit {
                    EncapLimit::Default => None,
                    EncapLimit::None => Some(NumberOrWord::Word("none")),
                    EncapLimit::Limit(n) => Some(NumberOrWord::Number(u32::from(n))),
                },
                ..Self::default()
            },
            Tunnel::Vxlan(o) => Self {
                table,
                vni: Some(o.vni),
                port: Some(o.port).filter(|p| *p != limits::DEFAULT_VXLAN_PORT),
                ttl: ttl_value(o.ttl),
                ..Self::default()
            },
        }
    }
}

//! One difference between the peer file and the host, and the verdict they add up to.

use std::fmt;
use std::ops::Range;

/// What a finding is about. The names are part of `peergen status --json` and stay
/// stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// The device does not exist.
    Link,
    /// The device is of another kind.
    Kind,
    /// The device is administratively down or has no carrier.
    Up,
    /// The MTU.
    Mtu,
    /// The tunnel's local underlay address.
    Local,
    /// The tunnel's remote underlay address.
    Remote,
    /// The outer TTL or hop limit.
    Ttl,
    /// The GRE key (ikey/okey).
    Key,
    /// ip6gre's encapsulation limit.
    EncapLimit,
    /// The VXLAN network identifier.
    Vni,
    /// The VXLAN destination port.
    Port,
    /// An address of the tunnel (missing, different, or one too many).
    Address,
    /// The bridge the device is a port of.
    Bridge,
    /// WireGuard does not answer for the device.
    Wireguard,
    /// The loaded private key is not the one for this end's public key.
    PrivateKey,
    /// WireGuard's listen port.
    ListenPort,
    /// The other end is not (or not the only) WireGuard peer.
    WireguardPeer,
    /// The WireGuard endpoint of the other end.
    Endpoint,
    /// The allowed IPs of the other end.
    AllowedIps,
    /// The persistent keepalive interval.
    Keepalive,
    /// The preshared key is missing, or set when the file has none.
    PresharedKey,
    /// No recent handshake with an endpoint that is configured.
    Handshake,
    /// The route to the other end's endpoint goes through the tunnel itself.
    UnderlayRoute,
    /// Strict reverse-path filtering on the tunnel.
    RpFilter,
    /// A route of the peer file is missing or has another metric.
    Route,
    /// systemd-networkd would remove a BGP daemon's routes.
    ForeignRoutes,
    /// The peer has a BGP session but neither BIRD nor FRR answers.
    BgpDaemon,
    /// A BGP daemon answers but has no such session (protocol or neighbour).
    BgpMissing,
    /// A BGP session is configured but not Established.
    BgpSession,
    /// Fewer prefixes of a family exported than this end announces.
    BgpExport,
}

impl Check {
    /// The stable name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Kind => "kind",
            Self::Up => "up",
            Self::Mtu => "mtu",
            Self::Local => "local",
            Self::Remote => "remote",
            Self::Ttl => "ttl",
            Self::Key => "key",
            Self::EncapLimit => "encap-limit",
            Self::Vni => "vni",
            Self::Port => "port",
            Self::Address => "address",
            Self::Bridge => "bridge",
            Self::Wireguard => "wireguard",
            Self::PrivateKey => "private-key",
            Self::ListenPort => "listen-port",
            Self::WireguardPeer => "wireguard-peer",
            Self::Endpoint => "endpoint",
            Self::AllowedIps => "allowed-ips",
            Self::Keepalive => "keepalive",
            Self::PresharedKey => "preshared-key",
            Self::Handshake => "handshake",
            Self::UnderlayRoute => "underlay-route",
            Self::RpFilter => "rp-filter",
            Self::Route => "route",
            Self::ForeignRoutes => "foreign-routes",
            Self::BgpDaemon => "bgp-daemon",
            Self::BgpMissing => "bgp-missing",
            Self::BgpSession => "bgp-session",
            Self::BgpExport => "bgp-export",
        }
    }

    /// The group of checks it belongs to.
    pub fn section(self) -> Section {
        match self {
            Self::Wireguard
            | Self::PrivateKey
            | Self::ListenPort
            | Self::WireguardPeer
            | Self::Endpoint
            | Self::AllowedIps
            | Self::Keepalive
            | Self::PresharedKey
            | Self::Handshake => Section::Wireguard,
            Self::UnderlayRoute | Self::RpFilter => Section::Underlay,
            Self::Route => Section::Routes,
            Self::ForeignRoutes => Section::Networkd,
            Self::BgpDaemon | Self::BgpMissing | Self::BgpSession | Self::BgpExport => Section::Bgp,
            _ => Section::Link,
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Groups of checks, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The device and its tunnel parameters, addresses, bridge.
    Link,
    /// The WireGuard device and its peer.
    Wireguard,
    /// How the host reaches the other end, reverse-path filtering.
    Underlay,
    /// The peer file's routes.
    Routes,
    /// systemd-networkd's settings.
    Networkd,
    /// The BGP session (when the peer has one and a daemon answers).
    Bgp,
}

impl Section {
    /// The stable name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Wireguard => "wireguard",
            Self::Underlay => "underlay",
            Self::Routes => "routes",
            Self::Networkd => "networkd",
            Self::Bgp => "bgp",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was compared.
    pub check: Check,
    /// Whether it means the tunnel cannot carry traffic (missing, down, no handshake,
    /// its own packets routed into it) rather than a mere difference.
    pub down: bool,
    /// What the peer file defines.
    pub expected: String,
    /// What the host has.
    pub actual: String,
    /// Where the peer file defines it; `None` when no key decides it (e.g. rp_filter).
    pub at: Option<At>,
    /// The command (or step) that makes the host match.
    pub fix: Option<String>,
}

/// A place in the peer file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// Byte span in the peer file.
    pub span: Range<usize>,
    /// `false` when the file leaves the key out and the expected value is its default
    /// (the span is then the table the key would go in).
    pub set: bool,
}

/// The verdict for one peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Everything matches.
    Ok,
    /// Something differs, but nothing says the tunnel is down.
    Diff,
    /// The tunnel cannot carry traffic.
    Down,
}

impl Verdict {
    /// The verdict of a list of findings.
    pub fn of(findings: &[Finding]) -> Self {
        if findings.iter().any(|f| f.down) {
            Self::Down
        } else if findings.is_empty() {
            Self::Ok
        } else {
            Self::Diff
        }
    }

    /// `ok`, `diff` or `down`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Diff => "diff",
            Self::Down => "down",
        }
    }
}

//! The peer file as written: serde structs that keep every value's span.
//!
//! Only the shape is checked here (known keys, TOML types). Numbers stay `i64` and
//! addresses stay strings so that [`crate::validate`] can report range and syntax problems
//! with peergen's own messages, locations and fixes.

use serde::Deserialize;
use toml::Spanned;

/// A spanned string.
pub type Text = Spanned<String>;
/// A spanned integer, range-checked later.
pub type Int = Spanned<i64>;

/// The top level of a peer file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPeer {
    /// Interface name.
    pub name: Text,
    /// Tunnel kind.
    pub kind: Text,
    /// Free text.
    pub description: Option<Text>,
    /// Tunnel MTU override.
    pub mtu: Option<Int>,
    /// MTU of the underlay path (default 1500).
    pub underlay_mtu: Option<Int>,
    /// Our end.
    pub local: Spanned<RawEnd>,
    /// Their end.
    pub remote: Spanned<RawEnd>,
    /// WireGuard options.
    pub wireguard: Option<Spanned<RawWireguard>>,
    /// GRE options.
    pub gre: Option<Spanned<RawGre>>,
    /// SIT options.
    pub sit: Option<Spanned<RawSit>>,
    /// ip6gre options.
    pub ip6gre: Option<Spanned<RawIp6Gre>>,
    /// GRETAP options.
    pub gretap: Option<Spanned<RawGre>>,
    /// ip6gretap options.
    pub ip6gretap: Option<Spanned<RawIp6Gre>>,
    /// VXLAN options.
    pub vxlan: Option<Spanned<RawVxlan>>,
}

/// `[local]` or `[remote]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawEnd {
    /// Underlay address or (WireGuard) host name.
    pub endpoint: Option<Text>,
    /// Tunnel addresses with prefix length.
    pub addresses: Option<Spanned<Vec<Text>>>,
    /// WireGuard listen port.
    pub port: Option<Int>,
    /// WireGuard public key of this end.
    pub public_key: Option<Text>,
    /// Absolute path of this end's WireGuard private key.
    pub private_key_file: Option<Text>,
    /// Inline private key (explicit opt-in; ends up in rendered files).
    pub private_key: Option<Text>,
    /// WireGuard: the prefixes reachable through this end, which the other end accepts
    /// from it and routes to it (default: `[wireguard] allowed-ips`).
    pub allowed_ips: Option<Spanned<Vec<Text>>>,
}

/// `[wireguard]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawWireguard {
    /// Keepalive interval in seconds.
    pub persistent_keepalive: Option<Int>,
    /// Allowed IPs, both ends.
    pub allowed_ips: Option<Spanned<Vec<Text>>>,
    /// Absolute path of the preshared key, both ends.
    pub preshared_key_file: Option<Text>,
}

/// `[gre]` and `[gretap]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawGre {
    /// GRE key.
    pub key: Option<Int>,
    /// Outer TTL.
    pub ttl: Option<Int>,
}

/// `[sit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSit {
    /// Outer TTL.
    pub ttl: Option<Int>,
}

/// `[ip6gre]` and `[ip6gretap]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawIp6Gre {
    /// GRE key.
    pub key: Option<Int>,
    /// Outer hop limit.
    pub ttl: Option<Int>,
    /// `"none"` or 0–255.
    pub encap_limit: Option<Spanned<RawEncapLimit>>,
}

/// `encap-limit = "none"` or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawEncapLimit {
    /// A limit.
    Number(i64),
    /// Should be `"none"`.
    Word(String),
}

/// `[vxlan]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawVxlan {
    /// VXLAN network identifier.
    pub vni: Int,
    /// UDP destination port.
    pub port: Option<Int>,
    /// Outer TTL.
    pub ttl: Option<Int>,
}

/// Parses the TOML text; errors carry toml's message and span.
pub fn parse(text: &str) -> Result<RawPeer, toml::de::Error> {
    toml::from_str(text)
}

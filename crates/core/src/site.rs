//! The site file (`peergen.toml` at the top of a config repo): defaults every peer file
//! inherits unless it sets the value itself, and the render settings for the repo.
//!
//! Precedence, highest first: command-line flags, the peer file, the site file, built-in
//! defaults. The raw structs here are parsed with spans; [`crate::validate::validate_site`]
//! turns them into a [`Site`]. The raw structs also derive the site file's JSON Schema
//! (`peergen schema site`); their doc comments are what editors show for each key.

use std::net::{Ipv4Addr, Ipv6Addr};

use camino::Utf8PathBuf;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::backend::Backend;
use crate::bgp::Asn;
use crate::limits;
use crate::raw::{Int, Text};
use crate::select::PeerSelection;
use crate::side::Side;

/// The file name searched for by walking up from the peer files.
pub const SITE_FILE_NAME: &str = "peergen.toml";

/// A peergen site file (`peergen.toml` at the top of a config repo): defaults for every
/// peer file below it, and how `peergen render` runs. A peer file's own value always wins;
/// command-line flags win over both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SiteFile")]
pub struct RawSite {
    /// Default `underlay-mtu` for every peer file that sets none: the MTU of the path to the
    /// peers, 576 to 65535. Default: 1500.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::UNDERLAY_MTU.min, max = limits::UNDERLAY_MTU.max),
        extend("default" = limits::DEFAULT_UNDERLAY_MTU)
    )]
    pub underlay_mtu: Option<Int>,
    /// Defaults for our end (`[local]` of every peer file).
    #[schemars(with = "Option<RawSiteLocal>")]
    pub local: Option<Spanned<RawSiteLocal>>,
    /// Defaults for the peers' ends (`[remote]` of every peer file).
    #[schemars(with = "Option<RawSiteRemote>")]
    pub remote: Option<Spanned<RawSiteRemote>>,
    /// How `peergen render` runs when its flags do not say.
    #[schemars(with = "Option<RawSiteRender>")]
    pub render: Option<Spanned<RawSiteRender>>,
    /// Which `*.toml` files in the folders given on the command line are peer files.
    #[schemars(with = "Option<RawSitePeers>")]
    pub peers: Option<Spanned<RawSitePeers>>,
}

/// `[peers]` in the site file: which `*.toml` files found in folders are peer files. Files
/// named on the command line are always peer files.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SitePeers")]
pub struct RawSitePeers {
    /// Glob patterns relative to the site file's folder (`*`, `?`, `**`; a pattern without
    /// `/` matches that name in every folder, a folder matches everything below it): a
    /// file found in a folder is a peer file only if it matches one, e.g.
    /// `["peers/**/*.toml"]`. Default: every `*.toml` file.
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Spanned<Vec<Text>>>,
    /// Glob patterns, as for `include`, of files found in folders that are not peer files,
    /// e.g. `["Cargo.toml", "peers/templates"]`. Default: none.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Spanned<Vec<Text>>>,
}

/// `[local]` in the site file: defaults for this host's end.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SiteLocal")]
pub struct RawSiteLocal {
    /// This host's IPv4 underlay address (unicast, e.g. `"198.51.100.10"`): the `[local]`
    /// endpoint of peers that have none and need IPv4 (`gre`, `sit`, `gretap`, and
    /// `wireguard` or `vxlan` with an IPv4 or host-name remote endpoint).
    #[schemars(with = "Option<String>")]
    pub endpoint_ipv4: Option<Text>,
    /// This host's IPv6 underlay address (unicast, e.g. `"2001:db8:100::10"`): the
    /// `[local]` endpoint of peers that have none and need IPv6 (`ip6gre`, `ip6gretap`, and
    /// `wireguard` or `vxlan` with an IPv6 remote endpoint, or a host name when no
    /// `endpoint-ipv4` is set).
    #[schemars(with = "Option<String>")]
    pub endpoint_ipv6: Option<Text>,
    /// Absolute path of the folder of our WireGuard private keys: the default `[local]
    /// private-key-file` becomes `DIR/NAME.key`. Default: `/etc/wireguard`.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r#"^/[^\s"'`$\\;]*$"#),
        extend("default" = limits::DEFAULT_KEY_DIRECTORY)
    )]
    pub key_directory: Option<Text>,
    /// Our AS number: the `[local] asn` of peer files with a `[bgp]` table that set none.
    /// 1 to 4294967294, not 23456 (AS_TRANS) or 65535.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::ASN.min, max = limits::ASN.max),
        extend("not" = { "enum": limits::RESERVED_ASNS })
    )]
    pub asn: Option<Int>,
}

/// `[remote]` in the site file: defaults for the peers' ends.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SiteRemote")]
pub struct RawSiteRemote {
    /// Absolute path of the folder of the peers' private keys on their hosts: the default
    /// `[remote] private-key-file` becomes `DIR/NAME.key`, used by `--side remote`.
    /// Default: `/etc/wireguard`.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r#"^/[^\s"'`$\\;]*$"#),
        extend("default" = limits::DEFAULT_KEY_DIRECTORY)
    )]
    pub key_directory: Option<Text>,
}

/// `[render]` in the site file: how `peergen render` runs when flags do not say.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SiteRender")]
pub struct RawSiteRender {
    /// Backends rendered when `--backend` is not given: `wg-quick` (WireGuard peers only),
    /// `networkd`, `netplan`, `ip`. Default: none (`--backend` is then required).
    #[schemars(with = "Option<Vec<String>>", extend("uniqueItems" = true))]
    pub backends: Option<Spanned<Vec<Text>>>,
    /// Side rendered when `--side` is not given: `"local"` (this host) or `"remote"` (the
    /// peers' hosts). Default: `"local"`.
    #[schemars(
        with = "Option<String>",
        extend("enum" = ["local", "remote"], "default" = "local")
    )]
    pub side: Option<Text>,
    /// Output folder when `--out` is not given, relative to the site file's folder unless
    /// absolute. Default: none (files are printed).
    #[schemars(with = "Option<String>")]
    pub out: Option<Text>,
    /// Prefix of networkd and netplan file names, which sets their order: up to 16 letters,
    /// digits, `-` or `_`. Default: `"10-"`.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z0-9_-]{0,16}$"),
        extend("default" = limits::DEFAULT_FILE_PREFIX)
    )]
    pub file_prefix: Option<Text>,
}

/// Validated defaults for peer files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// Our IPv4 endpoint.
    pub endpoint_ipv4: Option<Ipv4Addr>,
    /// Our IPv6 endpoint.
    pub endpoint_ipv6: Option<Ipv6Addr>,
    /// Folder of our private keys.
    pub local_key_directory: Option<Utf8PathBuf>,
    /// Folder of the peers' private keys.
    pub remote_key_directory: Option<Utf8PathBuf>,
    /// Underlay MTU.
    pub underlay_mtu: Option<u32>,
    /// Our AS number.
    pub asn: Option<Asn>,
}

/// Validated render settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderSettings {
    /// Backends, each once, in the order given.
    pub backends: Vec<Backend>,
    /// Side.
    pub side: Option<Side>,
    /// Output folder, as written (relative to the site file's folder unless absolute).
    pub out: Option<Utf8PathBuf>,
    /// File name prefix.
    pub file_prefix: Option<String>,
}

/// A validated site file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// Where it was read from (`None`: no site file, built-in defaults only).
    pub path: Option<Utf8PathBuf>,
    /// Defaults for peer files.
    pub defaults: Defaults,
    /// Render settings.
    pub render: RenderSettings,
    /// Which files found in folders are peer files.
    pub peers: PeerSelection,
}

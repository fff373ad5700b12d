//! The site file (`peergen.toml` at the top of a config repo): defaults every peer file
//! inherits unless it sets the value itself, and the render settings for the repo.
//!
//! Precedence, highest first: command-line flags, the peer file, the site file, built-in
//! defaults. The raw structs here are parsed with spans; [`crate::validate::validate_site`]
//! turns them into a [`Site`].

use std::net::{Ipv4Addr, Ipv6Addr};

use camino::Utf8PathBuf;
use serde::Deserialize;
use toml::Spanned;

use crate::raw::{Int, Text};
use crate::side::Side;

/// The file name searched for by walking up from the peer files.
pub const SITE_FILE_NAME: &str = "peergen.toml";

/// The top level of a site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSite {
    /// Default `underlay-mtu` for every peer.
    pub underlay_mtu: Option<Int>,
    /// Defaults for our end.
    pub local: Option<Spanned<RawSiteLocal>>,
    /// Defaults for the peers' ends.
    pub remote: Option<Spanned<RawSiteRemote>>,
    /// How `peergen render` runs when flags do not say.
    pub render: Option<Spanned<RawSiteRender>>,
}

/// `[local]` in the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSiteLocal {
    /// Our IPv4 underlay address, for peers whose `[local]` has no endpoint.
    pub endpoint_ipv4: Option<Text>,
    /// Our IPv6 underlay address, for peers whose `[local]` has no endpoint.
    pub endpoint_ipv6: Option<Text>,
    /// Folder of our WireGuard private keys: the default `private-key-file` is
    /// `DIR/NAME.key`.
    pub key_directory: Option<Text>,
}

/// `[remote]` in the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSiteRemote {
    /// Folder of the peers' private keys on their hosts, used by `--side remote`.
    pub key_directory: Option<Text>,
}

/// `[render]` in the site file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSiteRender {
    /// Backends rendered when `--backend` is not given.
    pub backends: Option<Spanned<Vec<Text>>>,
    /// Side rendered when `--side` is not given.
    pub side: Option<Text>,
    /// Output folder when `--out` is not given, relative to the site file.
    pub out: Option<Text>,
    /// Prefix of networkd and netplan file names (default `10-`).
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
}

/// Validated render settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderSettings {
    /// Backend names (checked against the names the caller knows).
    pub backends: Vec<String>,
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
}

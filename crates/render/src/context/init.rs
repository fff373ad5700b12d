//! The context of `init/peer.toml.j2`, the starter peer file `peergen init` writes.
//!
//! Everything the file says about a key that validation also knows (which keys the kind
//! takes, their ranges and defaults) comes from the core: the kind's own facts
//! ([`TunnelKind`]) and [`peergen_core::limits`]. The template holds only the prose, so a
//! starter file cannot promise a range or default that `peergen check` does not apply.
//!
//! Every value the user must supply is a placeholder: documentation addresses (RFC 5737,
//! RFC 3849) and WireGuard public keys that are valid base64 reading "REPLACE…". The file
//! is rendered twice: once unmarked with draft keys, validated to learn the MTU, and then
//! for real with every placeholder marked `# REPLACE`. No private key is ever generated or
//! written here.

use peergen_core::kind::UnderlayRule;
use peergen_core::limits::{self, Range};
use peergen_core::peer::default_private_key_path;
use peergen_core::{Mtu, TunnelKind};
use serde::Serialize;

use crate::templates;
use crate::RenderError;

/// Stand-in public keys of the file: canonical base64 of 32 bytes, so only the
/// placeholder check refuses them, and obviously not a real key wherever they end up.
pub const LOCAL_PUBLIC_KEY: &str = "REPLACE+with+our+public+key+from+keygen+000=";
/// The remote end's stand-in public key.
pub const REMOTE_PUBLIC_KEY: &str = "REPLACE+with+their+public+key+wg+pubkey+000=";

/// Keys of the draft validated to compute the MTU: two different valid keys that are not
/// placeholders (all bytes 0, all bytes 1). They never appear in the file.
pub const DRAFT_LOCAL_PUBLIC_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
/// The remote end's draft key.
pub const DRAFT_REMOTE_PUBLIC_KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

/// The port the starter file suggests for both WireGuard ends: WireGuard's customary one
/// (the key has no default; an end with an endpoint needs one).
const WIREGUARD_PORT: u16 = 51820;

/// Which of the two renderings: the draft validated to learn the MTU, or the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Placeholders unmarked, draft keys: validates without errors.
    Draft,
    /// Placeholders marked `# REPLACE`, stand-in keys.
    File,
}

/// The ranges and defaults the file names, from [`peergen_core::limits`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Limits {
    /// The longest interface name.
    pub name_max_chars: usize,
    /// The longest description.
    pub description_max_chars: usize,
    /// `mtu`.
    pub mtu: Range,
    /// The smallest MTU of a tunnel with IPv6 addresses.
    pub ipv6_min_mtu: i64,
    /// `underlay-mtu`'s built-in default.
    pub underlay_mtu_default: u32,
    /// A UDP port.
    pub port: Range,
    /// `persistent-keepalive`.
    pub persistent_keepalive: Range,
    /// `[wireguard] allowed-ips`' default.
    pub allowed_ips_default: [&'static str; 2],
    /// A GRE key.
    pub gre_key: Range,
    /// A fixed TTL.
    pub ttl: Range,
    /// The TTL's default.
    pub ttl_default: u8,
    /// `encap-limit` as a number.
    pub encap_limit: Range,
    /// A VNI.
    pub vni: Range,
    /// `[vxlan] port`'s default.
    pub vxlan_port_default: u16,
}

impl Limits {
    /// The core's values.
    pub fn new() -> Self {
        Self {
            name_max_chars: limits::INTERFACE_NAME_MAX_CHARS,
            description_max_chars: limits::DESCRIPTION_MAX_CHARS,
            mtu: limits::MTU,
            ipv6_min_mtu: limits::IPV6_MIN_MTU,
            underlay_mtu_default: limits::DEFAULT_UNDERLAY_MTU,
            port: limits::PORT,
            persistent_keepalive: limits::PERSISTENT_KEEPALIVE,
            allowed_ips_default: limits::DEFAULT_ALLOWED_IPS,
            gre_key: limits::GRE_KEY,
            ttl: limits::TTL,
            ttl_default: limits::DEFAULT_TTL,
            encap_limit: limits::ENCAP_LIMIT,
            vni: limits::VNI,
            vxlan_port_default: limits::DEFAULT_VXLAN_PORT,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

/// The computed MTU, once the draft has been validated.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InitMtu {
    /// The value (`1440`).
    pub value: u32,
    /// How it was computed (`1440 = 1500 - 60 (IPv4 20 + UDP 8 + WireGuard 32)`).
    pub computed: String,
}

/// One end, `[local]` or `[remote]`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InitEnd {
    /// `local` or `remote`.
    pub side: &'static str,
    /// The placeholder endpoint, of the family the kind needs.
    pub endpoint: &'static str,
    /// The placeholder tunnel addresses (IPv6 only for `sit`).
    pub addresses: Vec<&'static str>,
    /// An example route through the tunnel (the other end's network).
    pub routes: Vec<&'static str>,
    /// WireGuard's listen port; `None` for other kinds.
    pub port: Option<u16>,
    /// WireGuard's public key (stand-in or draft); `None` for other kinds.
    pub public_key: Option<&'static str>,
    /// WireGuard's default private key path; `None` for other kinds.
    pub private_key_file: Option<String>,
    /// An example of the end's own `allowed-ips`; `None` for other kinds.
    pub allowed_ips: Option<Vec<&'static str>>,
}

/// The whole starter file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InitContext {
    /// The interface name.
    pub name: String,
    /// The kind, as `kind` is written; also the name of its options table.
    pub kind: &'static str,
    /// Every kind, in documentation order.
    pub kinds: Vec<&'static str>,
    /// Whether placeholders carry their `# REPLACE` marker (the file, not the draft).
    pub marked: bool,
    /// The endpoints' family: `ipv4`, `ipv6` or `either`.
    pub underlay: &'static str,
    /// Whether an endpoint may be a host name (WireGuard).
    pub host_name_endpoint: bool,
    /// Whether the kind carries Ethernet, so tunnel addresses are optional.
    pub layer2: bool,
    /// Whether the kind carries IPv6 only (`sit`).
    pub ipv6_only: bool,
    /// Whether the options table has `key` (the GRE kinds).
    pub gre_key: bool,
    /// Whether the options table has `ttl` (every kind but WireGuard).
    pub ttl: bool,
    /// Whether the options table has `encap-limit` (the kinds over IPv6 GRE).
    pub encap_limit: bool,
    /// The computed MTU; `None` in the draft.
    pub mtu: Option<InitMtu>,
    /// `[local]` and `[remote]`.
    pub ends: [InitEnd; 2],
    /// The example `preshared-key-file`; `None` for other kinds.
    pub preshared_key_file: Option<String>,
    /// Ranges and defaults.
    pub limits: Limits,
}

impl InitContext {
    /// The starter file for `name` and `kind`; `mtu` once the draft has been validated.
    pub fn new(name: &str, kind: TunnelKind, stage: Stage, mtu: Option<&Mtu>) -> Self {
        let wireguard = kind == TunnelKind::Wireguard;
        let ipv6_underlay = kind.underlay() == UnderlayRule::Ipv6;
        let (local_endpoint, remote_endpoint) = if ipv6_underlay {
            ("2001:db8:100::1", "2001:db8:200::1")
        } else {
            ("198.51.100.1", "203.0.113.1")
        };
        let (local_addresses, remote_addresses) = if kind == TunnelKind::Sit {
            (vec!["2001:db8:ffff::1/64"], vec!["2001:db8:ffff::2/64"])
        } else {
            (
                vec!["192.0.2.0/31", "2001:db8:ffff::1/64"],
                vec!["192.0.2.1/31", "2001:db8:ffff::2/64"],
            )
        };
        let (local_key, remote_key) = match stage {
            Stage::File => (LOCAL_PUBLIC_KEY, REMOTE_PUBLIC_KEY),
            Stage::Draft => (DRAFT_LOCAL_PUBLIC_KEY, DRAFT_REMOTE_PUBLIC_KEY),
        };
        let key_file = default_private_key_path(name).to_string();
        // Each end has a network behind it (local 2001:db8:1::/48, remote
        // 2001:db8:2::/48): its allowed-ips name its own, its routes the other's.
        let end = |side, endpoint, addresses, key, allowed_ips, route| InitEnd {
            side,
            endpoint,
            addresses,
            routes: vec![route],
            port: wireguard.then_some(WIREGUARD_PORT),
            public_key: wireguard.then_some(key),
            private_key_file: wireguard.then(|| key_file.clone()),
            allowed_ips: wireguard.then_some(allowed_ips),
        };
        let ends = [
            end(
                "local",
                local_endpoint,
                local_addresses,
                local_key,
                vec!["192.0.2.0/32", "2001:db8:ffff::1/128", "2001:db8:1::/48"],
                "2001:db8:2::/48",
            ),
            end(
                "remote",
                remote_endpoint,
                remote_addresses,
                remote_key,
                vec!["192.0.2.1/32", "2001:db8:ffff::2/128", "2001:db8:2::/48"],
                "2001:db8:1::/48",
            ),
        ];
        Self {
            name: name.to_owned(),
            kind: kind.as_str(),
            kinds: TunnelKind::ALL.iter().map(|k| k.as_str()).collect(),
            marked: stage == Stage::File,
            underlay: match kind.underlay() {
                UnderlayRule::Ipv4 => "ipv4",
                UnderlayRule::Ipv6 => "ipv6",
                UnderlayRule::Either => "either",
            },
            host_name_endpoint: wireguard,
            layer2: kind.is_layer2(),
            ipv6_only: kind == TunnelKind::Sit,
            gre_key: kind.is_gre(),
            ttl: !wireguard,
            encap_limit: matches!(kind, TunnelKind::Ip6Gre | TunnelKind::Ip6Gretap),
            mtu: mtu.map(|m| InitMtu {
                value: m.value,
                computed: m.computed.to_string(),
            }),
            ends,
            preshared_key_file: wireguard.then(|| {
                camino::Utf8PathBuf::from(limits::DEFAULT_KEY_DIRECTORY)
                    .join(format!("{name}.psk"))
                    .to_string()
            }),
            limits: Limits::new(),
        }
    }

    /// The file's text, from the embedded template.
    pub fn render(&self) -> Result<String, RenderError> {
        let error = |source| RenderError::Template {
            peer: self.name.clone(),
            template: templates::INIT_PEER.name.to_owned(),
            source,
        };
        let env = templates::environment(&std::collections::BTreeMap::new());
        env.get_template(templates::INIT_PEER.name)
            .and_then(|t| t.render(self))
            .map_err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peergen_core::keys::PublicKey;

    #[test]
    fn stand_in_and_draft_keys_are_valid_public_keys() {
        for key in [
            LOCAL_PUBLIC_KEY,
            REMOTE_PUBLIC_KEY,
            DRAFT_LOCAL_PUBLIC_KEY,
            DRAFT_REMOTE_PUBLIC_KEY,
        ] {
            assert!(PublicKey::from_base64(key).is_ok(), "{key}");
        }
    }

    /// `# key = value` lines uncommented: every optional key with the value shown.
    fn uncommented(text: &str) -> String {
        text.lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(key, _)| {
                        !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    }) =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect()
    }

    #[test]
    fn every_starter_file_shows_the_cores_defaults() {
        for kind in TunnelKind::ALL {
            for stage in [Stage::Draft, Stage::File] {
                let text = InitContext::new("peer0", kind, stage, None)
                    .render()
                    .unwrap();
                let file: toml::Table = toml::from_str(&uncommented(&text)).unwrap();
                assert_eq!(
                    file["underlay-mtu"].as_integer(),
                    Some(i64::from(limits::DEFAULT_UNDERLAY_MTU))
                );
                let options = &file[kind.as_str()];
                if kind == TunnelKind::Wireguard {
                    let allowed: Vec<&str> = options["allowed-ips"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|v| v.as_str())
                        .collect();
                    assert_eq!(allowed, limits::DEFAULT_ALLOWED_IPS);
                    let key_file = file["local"]["private-key-file"].as_str().unwrap();
                    assert_eq!(
                        key_file,
                        format!("{}/peer0.key", limits::DEFAULT_KEY_DIRECTORY)
                    );
                } else {
                    assert_eq!(
                        options["ttl"].as_integer(),
                        Some(i64::from(limits::DEFAULT_TTL)),
                        "{kind}"
                    );
                }
                if kind == TunnelKind::Vxlan {
                    assert_eq!(
                        options["port"].as_integer(),
                        Some(i64::from(limits::DEFAULT_VXLAN_PORT))
                    );
                }
                let wireguard = kind == TunnelKind::Wireguard;
                let ranges = [
                    (limits::MTU, true),
                    (limits::PORT, wireguard || kind == TunnelKind::Vxlan),
                    (limits::PERSISTENT_KEEPALIVE, wireguard),
                    (limits::TTL, !wireguard),
                    (limits::GRE_KEY, kind.is_gre()),
                    (limits::VNI, kind == TunnelKind::Vxlan),
                    (
                        limits::ENCAP_LIMIT,
                        matches!(kind, TunnelKind::Ip6Gre | TunnelKind::Ip6Gretap),
                    ),
                ];
                for (range, _) in ranges.into_iter().filter(|(_, shown)| *shown) {
                    assert!(text.contains(&range.to_string()), "{kind}: {range}");
                }
            }
        }
    }

    #[test]
    fn a_name_toml_would_misread_is_escaped_for_validation_to_judge() {
        for name in ["a\"b", "a\\b", "x] = 1"] {
            let text = InitContext::new(name, TunnelKind::Gre, Stage::Draft, None)
                .render()
                .unwrap();
            let file: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(file["name"].as_str(), Some(name));
        }
    }
}

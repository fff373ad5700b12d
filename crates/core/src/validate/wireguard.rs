//! WireGuard settings: each end's port and keys, and the shared `[wireguard]` table.

use camino::{Utf8Path, Utf8PathBuf};

use crate::site::Defaults;
use ipnet::IpNet;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::keys::{PrivateKey, PublicKey};
use crate::kind::TunnelKind;
use crate::peer::{
    default_private_key_path, PrivateKeySource, Tunnel, WireguardEnd, WireguardOptions,
};
use crate::raw::{RawEnd, RawPeer, Text};
use toml::Spanned;

/// Validates the WireGuard keys of `[local]` and `[remote]`; for other kinds, rejects them.
pub(crate) fn ends(
    ck: &mut Checker,
    raw: &RawPeer,
    kind: TunnelKind,
    name: Option<&str>,
    defaults: &Defaults,
    tunnel: Option<&Tunnel>,
) -> (Option<WireguardEnd>, Option<WireguardEnd>) {
    if kind != TunnelKind::Wireguard {
        for (side, end) in [("local", &raw.local), ("remote", &raw.remote)] {
            reject_wireguard_keys(ck, side, end.get_ref(), kind);
        }
        return (None, None);
    }
    let shared = match tunnel {
        Some(Tunnel::Wireguard(o)) => o.allowed_ips.clone(),
        _ => Vec::new(),
    };
    let local = end(
        ck,
        "local",
        &raw.local,
        name,
        defaults.local_key_directory.as_deref(),
        &shared,
    );
    let remote = end(
        ck,
        "remote",
        &raw.remote,
        name,
        defaults.remote_key_directory.as_deref(),
        &shared,
    );
    if let (Some(l), Some(r)) = (&local, &remote) {
        if l.public_key == r.public_key {
            if let Some(text) = &raw.remote.get_ref().public_key {
                ck.error(
                    DiagnosticKind::InvalidKey,
                    "remote.public-key",
                    text.span(),
                    "the remote public key is the same as the local one",
                    "each end has its own key pair: put the peer's public key in [remote]",
                );
            }
        }
    }
    (local, remote)
}

fn reject_wireguard_keys(ck: &mut Checker, side: &str, end: &RawEnd, kind: TunnelKind) {
    let spans = [
        ("port", end.port.as_ref().map(|v| v.span())),
        ("public-key", end.public_key.as_ref().map(|v| v.span())),
        (
            "private-key-file",
            end.private_key_file.as_ref().map(|v| v.span()),
        ),
        ("private-key", end.private_key.as_ref().map(|v| v.span())),
        ("allowed-ips", end.allowed_ips.as_ref().map(|v| v.span())),
    ];
    for (key, span) in spans {
        if let Some(span) = span {
            let help = if key == "port" && kind == TunnelKind::Vxlan {
                "the VXLAN UDP port is set once for both ends: [vxlan] port = 4789"
            } else {
                "remove it; ports and keys are WireGuard settings"
            };
            ck.error(
                DiagnosticKind::NotForKind,
                format!("{side}.{key}"),
                span,
                format!("{key} only applies to kind = \"wireguard\", but this peer is kind = \"{kind}\""),
                help,
            );
        }
    }
}

fn end(
    ck: &mut Checker,
    side: &str,
    end: &Spanned<RawEnd>,
    name: Option<&str>,
    key_directory: Option<&Utf8Path>,
    shared_allowed_ips: &[IpNet],
) -> Option<WireguardEnd> {
    let raw = end.get_ref();
    let allowed_ips = match &raw.allowed_ips {
        Some(list) => allowed_ips(ck, &format!("{side}.allowed-ips"), list),
        None => shared_allowed_ips.to_vec(),
    };
    let port = match &raw.port {
        Some(p) => ck
            .int_in(&format!("{side}.port"), p, 1, 65_535, "a UDP port")
            .and_then(|v| u16::try_from(v).ok()),
        None => {
            // Without a port the other end cannot send to this one first.
            if raw.endpoint.is_some() {
                ck.error(
                    DiagnosticKind::MissingKey,
                    format!("{side}.port"),
                    end.span(),
                    format!("the {side} end has an endpoint but no WireGuard port"),
                    format!("add port = 51820 (or the port it listens on) to [{side}]"),
                );
            }
            None
        }
    };
    let public_key = match &raw.public_key {
        Some(text) => match PublicKey::from_base64(text.get_ref()) {
            Ok(key) => Some(key),
            Err(err) => {
                ck.error(
                    DiagnosticKind::InvalidKey,
                    format!("{side}.public-key"),
                    text.span(),
                    err.to_string(),
                    "copy the key exactly as `wg pubkey` or `peergen pubkey` prints it",
                );
                None
            }
        },
        None => {
            ck.error(
                DiagnosticKind::MissingKey,
                format!("{side}.public-key"),
                end.span(),
                format!("the {side} end's WireGuard public key is missing"),
                format!(
                    "add public-key = \"…\" to [{side}]: both ends carry their public key so either side can be rendered (`peergen keygen --out FILE` writes a private key and prints its public key)"
                ),
            );
            None
        }
    };
    let private_key = private_key(ck, side, raw, name, key_directory);
    Some(WireguardEnd {
        port,
        public_key: public_key?,
        private_key: private_key?,
        allowed_ips,
    })
}

fn private_key(
    ck: &mut Checker,
    side: &str,
    raw: &RawEnd,
    name: Option<&str>,
    key_directory: Option<&Utf8Path>,
) -> Option<PrivateKeySource> {
    match (&raw.private_key_file, &raw.private_key) {
        (Some(_), Some(inline)) => {
            ck.error(
                DiagnosticKind::ConflictingKeys,
                format!("{side}.private-key"),
                inline.span(),
                "both private-key and private-key-file are set",
                "keep private-key-file (the key stays out of rendered files) and remove private-key",
            );
            None
        }
        (Some(path), None) => {
            absolute_path(ck, &format!("{side}.private-key-file"), path).map(|path| {
                PrivateKeySource::File {
                    path,
                    declared: true,
                }
            })
        }
        (None, Some(inline)) => match PrivateKey::from_base64(inline.get_ref()) {
            Ok(key) => {
                ck.warning(
                    DiagnosticKind::InlinePrivateKey,
                    format!("{side}.private-key"),
                    inline.span(),
                    "the private key is written inline and will end up in every rendered file for this end",
                    "prefer private-key-file = \"/etc/wireguard/NAME.key\"; files holding the key get restrictive modes (wg-quick and netplan 0600, networkd .netdev 0640, ip up script 0700) and must not be committed",
                );
                Some(PrivateKeySource::Inline(key))
            }
            Err(err) => {
                ck.error(
                    DiagnosticKind::InvalidKey,
                    format!("{side}.private-key"),
                    inline.span(),
                    err.to_string(),
                    "use the key exactly as `wg genkey` prints it, or better, private-key-file",
                );
                None
            }
        },
        (None, None) => Some(PrivateKeySource::File {
            path: match key_directory {
                Some(dir) => dir.join(format!("{}.key", name.unwrap_or("wg0"))),
                None => default_private_key_path(name.unwrap_or("wg0")),
            },
            declared: false,
        }),
    }
}

/// An absolute path without whitespace or control characters: it is written verbatim into
/// key=value files and shell commands.
pub(crate) fn absolute_path(ck: &mut Checker, field: &str, text: &Text) -> Option<Utf8PathBuf> {
    let value = text.get_ref();
    if !value.starts_with('/') {
        ck.error(
            DiagnosticKind::InvalidPath,
            field,
            text.span(),
            format!("{value:?} is not an absolute path"),
            "give the full path, e.g. \"/etc/wireguard/wg0.key\" (networkd and netplan reject relative key paths)",
        );
        return None;
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'`$\\;".contains(*c))
    {
        ck.error(
            DiagnosticKind::InvalidPath,
            field,
            text.span(),
            format!("{value:?} contains {c:?}"),
            "use a path without spaces, quotes, backslashes, `$` or `;` (it is written into config files and shell commands)",
        );
        return None;
    }
    Some(Utf8PathBuf::from(value))
}

/// Validates `[wireguard]` (all optional).
pub(crate) fn options(ck: &mut Checker, raw: &RawPeer) -> WireguardOptions {
    let default_allowed = || {
        vec![
            IpNet::V4(ipnet::Ipv4Net::default()),
            IpNet::V6(ipnet::Ipv6Net::default()),
        ]
    };
    let Some(table) = raw.wireguard.as_ref().map(|t| t.get_ref()) else {
        return WireguardOptions {
            persistent_keepalive: None,
            allowed_ips: default_allowed(),
            preshared_key_file: None,
        };
    };
    let persistent_keepalive = table.persistent_keepalive.as_ref().and_then(|v| {
        ck.int_in_or(
            "wireguard.persistent-keepalive",
            v,
            0..=65_535,
            "a keepalive interval in seconds",
            " (25 keeps NAT mappings open; 0 turns keepalives off)",
        )
        .and_then(|v| u16::try_from(v).ok())
    });
    let preshared_key_file = table
        .preshared_key_file
        .as_ref()
        .and_then(|p| absolute_path(ck, "wireguard.preshared-key-file", p));
    let allowed_ips = match &table.allowed_ips {
        None => default_allowed(),
        Some(list) => allowed_ips(ck, "wireguard.allowed-ips", list),
    };
    WireguardOptions {
        persistent_keepalive,
        allowed_ips,
        preshared_key_file,
    }
}

fn allowed_ips(ck: &mut Checker, field: &str, list: &Spanned<Vec<Text>>) -> Vec<IpNet> {
    if list.get_ref().is_empty() {
        ck.error(
            DiagnosticKind::MissingKey,
            field,
            list.span(),
            "allowed-ips is empty, so no packet from the peer would be accepted",
            "use [\"0.0.0.0/0\", \"::/0\"] for BGP peering, or list the peer's prefixes",
        );
    }
    let mut out: Vec<IpNet> = Vec::new();
    for (i, item) in list.get_ref().iter().enumerate() {
        let field = format!("{field}[{i}]");
        let text = item.get_ref();
        match text.parse::<IpNet>() {
            Ok(net) if net != net.trunc() => ck.error(
                DiagnosticKind::InvalidAddress,
                field,
                item.span(),
                format!("{net} has host bits set"),
                format!("write the network: \"{}\"", net.trunc()),
            ),
            Ok(net) if out.contains(&net) => ck.error(
                DiagnosticKind::DuplicateAddress,
                field,
                item.span(),
                format!("{net} is listed twice"),
                "remove the duplicate",
            ),
            Ok(net) => out.push(net),
            Err(_) => ck.error(
                DiagnosticKind::InvalidAddress,
                field,
                item.span(),
                format!("{text:?} is not a prefix"),
                "write NETWORK/PREFIX, e.g. \"0.0.0.0/0\" or \"2001:db8::/32\"",
            ),
        }
    }
    out
}

//! WireGuard settings: each end's port and keys, and the shared `[wireguard]` table.

use camino::{Utf8Path, Utf8PathBuf};

use crate::site::Defaults;
use ipnet::IpNet;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::keys::{PrivateKey, PublicKey};
use crate::kind::TunnelKind;
use crate::limits;
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
                format!(
                    "the VXLAN UDP port is set once for both ends: [vxlan] port = {}",
                    limits::DEFAULT_VXLAN_PORT
                )
            } else {
                "remove it; ports and keys are WireGuard settings".to_owned()
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
        Some(list) => allowed_ips(ck, &super::checker::field(side, "allowed-ips"), list),
        None => shared_allowed_ips.to_vec(),
    };
    let port = match &raw.port {
        Some(p) => ck
            .int_in(
                &super::checker::field(side, "port"),
                p,
                limits::PORT,
                "a UDP port",
            )
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
    if let (Some(public), Some(PrivateKeySource::Inline(private)), Some(text)) =
        (&public_key, &private_key, &raw.public_key)
    {
        key_pair(ck, side, public, private, text);
    }
    Some(WireguardEnd {
        port,
        public_key: public_key?,
        private_key: private_key?,
        allowed_ips,
    })
}

/// An inline private key and the same end's public key must be one pair: the other side's
/// files carry `public-key`, and with the wrong one the handshake never completes.
fn key_pair(ck: &mut Checker, side: &str, public: &PublicKey, private: &PrivateKey, text: &Text) {
    let derived = private.public_key();
    if derived != *public {
        // Only the derived public key is shown: never echo a private key.
        ck.error(
            DiagnosticKind::KeyMismatch,
            format!("{side}.public-key"),
            text.span(),
            format!(
                "is not the public key of {side}.private-key, whose public key is {derived}; the peer would encrypt to the wrong key and the handshake would never complete"
            ),
            format!(
                "if private-key is the right key, write public-key = \"{derived}\"; otherwise put the private key that belongs to this public key (better in private-key-file)"
            ),
        );
    }
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
            absolute_path(ck, &super::checker::field(side, "private-key-file"), path).map(|path| {
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

/// An absolute path of printable text without whitespace, quotes, `$`, `;`, `\\` or `#`:
/// it is written verbatim into key=value files and shell commands, and wg-quick cuts a line
/// at `#` (so `PostUp = wg set %i private-key /etc/wireguard/a#b.key` would read
/// `/etc/wireguard/a`). Being absolute, it never starts with `-`, so no command takes it for
/// an option.
pub(crate) fn absolute_path(ck: &mut Checker, field: &str, text: &Text) -> Option<Utf8PathBuf> {
    let value = text.get_ref();
    if !ck.printable(field, text) {
        return None;
    }
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
    if value.contains('#') {
        ck.error(
            DiagnosticKind::InvalidPath,
            field,
            text.span(),
            format!("{value:?} contains '#', which starts a comment in wg-quick files: wg-quick would cut the path there"),
            "rename the file (or folder) without '#', e.g. \"/etc/wireguard/wg0.key\"",
        );
        return None;
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || "\"'`$\\;".contains(*c))
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
    let default_allowed = || -> Vec<IpNet> {
        limits::DEFAULT_ALLOWED_IPS
            .iter()
            .filter_map(|net| net.parse().ok())
            .collect()
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
            limits::PERSISTENT_KEEPALIVE,
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

#[cfg(test)]
mod tests {
    use crate::diagnostic::DiagnosticKind;
    use crate::{validate, SourceFile};

    /// A WireGuard peer whose `[local]` ends with `local_extra` lines.
    fn peer(local_extra: &str) -> String {
        format!(
            "name = \"wg0\"\nkind = \"wireguard\"\n[local]\nendpoint = \"198.51.100.10\"\nport = 51820\naddresses = [\"172.31.0.1/31\"]\n{local_extra}\n[remote]\nendpoint = \"203.0.113.1\"\nport = 51820\naddresses = [\"172.31.0.0/31\"]\npublic-key = \"4tXpaXvjX9+fotg1O78xjWyjCxMH/iwbt8IRS6UNJwc=\"\n"
        )
    }

    /// The errors of `text` as `(kind, field, message)`.
    fn errors(text: &str) -> Vec<(DiagnosticKind, String, String)> {
        match validate(&SourceFile::new("t.toml", text)) {
            Ok(_) => Vec::new(),
            Err(invalid) => invalid
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error())
                .map(|d| (d.kind, d.field.unwrap_or_default(), d.message))
                .collect(),
        }
    }

    const PRIVATE: &str = "OAyXPWhIQ6gYlqAmH4XFmsgY843SfURr+f7jvIeTKFY=";
    const ITS_PUBLIC: &str = "BlBmoLX+knHK3I7hXyjf4uhI5J/OyilOARdJQEFw1F0=";
    const OTHER_PUBLIC: &str = "LSM3QnoIajecI5aD+5XCv9QH/tDzYY9hZsxH27fRbww=";

    #[test]
    fn an_inline_private_key_must_match_the_public_key_of_its_end() {
        let matching = peer(&format!(
            "private-key = \"{PRIVATE}\"\npublic-key = \"{ITS_PUBLIC}\""
        ));
        assert_eq!(errors(&matching), []);
        let wrong = peer(&format!(
            "private-key = \"{PRIVATE}\"\npublic-key = \"{OTHER_PUBLIC}\""
        ));
        let found = errors(&wrong);
        assert_eq!(found.len(), 1, "{found:?}");
        let (kind, field, message) = &found[0];
        assert_eq!(*kind, DiagnosticKind::KeyMismatch);
        assert_eq!(field, "local.public-key");
        assert!(message.contains(ITS_PUBLIC), "{message}");
        assert!(!message.contains(PRIVATE), "never shows the private key");
    }

    #[test]
    fn the_remote_inline_key_is_checked_too() {
        let text = peer(&format!("public-key = \"{OTHER_PUBLIC}\"")).replace(
            "public-key = \"4tXp",
            &format!("private-key = \"{PRIVATE}\"\npublic-key = \"4tXp"),
        );
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, DiagnosticKind::KeyMismatch);
        assert_eq!(found[0].1, "remote.public-key");
    }

    #[test]
    fn key_paths_refuse_hash_and_invisible_characters() {
        for (path, kind) in [
            ("/etc/wireguard/a#b.key", DiagnosticKind::InvalidPath),
            ("/etc/wire#guard/wg0.key", DiagnosticKind::InvalidPath),
            (
                "/etc/wireguard/\\u200Bwg0.key",
                DiagnosticKind::ControlCharacter,
            ),
            (
                "/etc/wireguard/\\u2028wg0.key",
                DiagnosticKind::ControlCharacter,
            ),
            (
                "/etc/wireguard/\\u202Ewg0.key",
                DiagnosticKind::ControlCharacter,
            ),
            (
                "/etc/wireguard/\\uFEFFwg0.key",
                DiagnosticKind::ControlCharacter,
            ),
        ] {
            let text = peer(&format!(
                "public-key = \"{OTHER_PUBLIC}\"\nprivate-key-file = \"{path}\""
            ));
            let found = errors(&text);
            assert_eq!(found.len(), 1, "{path}: {found:?}");
            assert_eq!(found[0].0, kind, "{path}");
            assert_eq!(found[0].1, "local.private-key-file");
            let psk = peer(&format!("public-key = \"{OTHER_PUBLIC}\""))
                + &format!("[wireguard]\npreshared-key-file = \"{path}\"\n");
            let found = errors(&psk);
            assert_eq!(found.len(), 1, "{path}: {found:?}");
            assert_eq!(found[0].1, "wireguard.preshared-key-file");
        }
    }
}

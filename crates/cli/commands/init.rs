//! `peergen init`: a commented starter peer file for one tunnel kind.
//!
//! The file names every key the kind takes, with what it is and its default; optional
//! keys are commented out. It validates as written, so a user can check it and render it
//! at once, yet nothing in it can be mistaken for real data: addresses come from the
//! documentation ranges (RFC 5737, RFC 3849) and WireGuard public keys are valid base64
//! that reads "REPLACE…". No private key is ever generated or written here.

use camino::Utf8Path;
use peergen_core::kind::UnderlayRule;
use peergen_core::{validate, Mtu, SourceFile, TunnelKind};

use crate::args::InitArgs;
use crate::exit::Exit;
use crate::present;
use crate::write::create_requested;

/// Peer files hold no secret (keys are referenced by path).
const PEER_FILE_MODE: u32 = 0o644;

/// Stand-in public keys: canonical base64 of 32 bytes, so the file validates, and
/// obviously not a real key wherever it ends up.
const LOCAL_PUBLIC_KEY: &str = "REPLACE+with+our+public+key+from+keygen+000=";
const REMOTE_PUBLIC_KEY: &str = "REPLACE+with+their+public+key+wg+pubkey+000=";

/// Runs the command.
pub fn run(args: &InitArgs) -> Exit {
    let kind = TunnelKind::from(args.kind);
    let text = match starter_file(&args.name, kind) {
        Ok(text) => text,
        Err(exit) => return exit,
    };
    // `--out -` means stdout, as everywhere in peergen.
    let Some(path) = args.out.as_ref().filter(|path| path.as_str() != "-") else {
        crate::out!("{text}");
        return Exit::Ok;
    };
    match write_peer_file(path, &text, args.force) {
        Ok(()) => {
            eprintln!(
                "note: wrote {path}; replace the values marked REPLACE, then run `peergen check {path}`"
            );
            Exit::Ok
        }
        Err(exit) => exit,
    }
}

fn write_peer_file(path: &Utf8Path, text: &str, force: bool) -> Result<(), Exit> {
    create_requested(
        path,
        text.as_bytes(),
        PEER_FILE_MODE,
        force,
        "the peer file",
        "",
    )
}

/// The starter file, validated: a name the kernel reserves (`gre0`, …) is refused here
/// with the same message `peergen check` would give.
fn starter_file(name: &str, kind: TunnelKind) -> Result<String, Exit> {
    // The MTU comment shows the computed value, so validate once to learn it.
    let draft = render(name, kind, None);
    let validated = validate(&SourceFile::new("(peergen init)", draft)).map_err(|invalid| {
        for d in invalid.diagnostics.iter().filter(|d| d.is_error()) {
            let help = d
                .help
                .as_deref()
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            present::error(&format!("{name}: {}{help}", d.message));
        }
        Exit::Usage
    })?;
    Ok(render(name, kind, Some(&validated.peer.mtu)))
}

/// Which documentation addresses a kind's ends get.
struct Placeholders {
    local_endpoint: &'static str,
    remote_endpoint: &'static str,
    local_addresses: &'static str,
    remote_addresses: &'static str,
    endpoint_rule: &'static str,
}

fn placeholders(kind: TunnelKind) -> Placeholders {
    let (local_endpoint, remote_endpoint, endpoint_rule) = match kind {
        TunnelKind::Wireguard => (
            "198.51.100.1",
            "203.0.113.1",
            "An IPv4 or IPv6 address or a DNS name, the same family on both ends",
        ),
        TunnelKind::Vxlan => (
            "198.51.100.1",
            "203.0.113.1",
            "An IPv4 or IPv6 address, the same family on both ends",
        ),
        TunnelKind::Gre | TunnelKind::Sit | TunnelKind::Gretap => (
            "198.51.100.1",
            "203.0.113.1",
            "An IPv4 address: this kind runs over IPv4",
        ),
        TunnelKind::Ip6Gre | TunnelKind::Ip6Gretap => (
            "2001:db8:100::1",
            "2001:db8:200::1",
            "An IPv6 address: this kind runs over IPv6",
        ),
    };
    let (local_addresses, remote_addresses) = if kind == TunnelKind::Sit {
        (r#"["2001:db8:ffff::1/64"]"#, r#"["2001:db8:ffff::2/64"]"#)
    } else {
        (
            r#"["192.0.2.0/31", "2001:db8:ffff::1/64"]"#,
            r#"["192.0.2.1/31", "2001:db8:ffff::2/64"]"#,
        )
    };
    Placeholders {
        local_endpoint,
        remote_endpoint,
        local_addresses,
        remote_addresses,
        endpoint_rule,
    }
}

/// What one line of the kind's description says.
fn summary(kind: TunnelKind) -> &'static str {
    match kind {
        TunnelKind::Wireguard => "a WireGuard tunnel (encrypted, over UDP)",
        TunnelKind::Gre => "a GRE tunnel over IPv4, carrying IPv4 and IPv6",
        TunnelKind::Sit => "a SIT (6in4) tunnel: IPv6 carried in IPv4",
        TunnelKind::Ip6Gre => "a GRE tunnel over IPv6, carrying IPv4 and IPv6",
        TunnelKind::Gretap => "a GRETAP tunnel: Ethernet over GRE over IPv4 (layer 2)",
        TunnelKind::Ip6Gretap => "an ip6gretap tunnel: Ethernet over GRE over IPv6 (layer 2)",
        TunnelKind::Vxlan => "a VXLAN tunnel: Ethernet over UDP (layer 2)",
    }
}

/// The file text. `mtu` is the computed MTU once known.
fn render(name: &str, kind: TunnelKind, mtu: Option<&Mtu>) -> String {
    let p = placeholders(kind);
    let wireguard = kind == TunnelKind::Wireguard;
    let mut f = String::new();
    let mut line = |text: &str| {
        f.push_str(text);
        f.push('\n');
    };

    line("# peergen peer file: one tunnel between this host ([local]) and a peer ([remote]),");
    line(&format!("# {}.", summary(kind)));
    line("# Written by `peergen init`. It passes `peergen check` as it is, but every value marked");
    line("# REPLACE is a placeholder: documentation addresses (192.0.2.0/24, 198.51.100.0/24,");
    line("# 203.0.113.0/24, 2001:db8::/32) that route nowhere, and stand-in keys. Commented-out");
    line("# keys are optional and show their default. Every key: docs/peer-file.md.");
    line("");
    line("# Interface name on both hosts: 1 to 15 characters of a-z A-Z 0-9 _ = + . -");
    line(&format!("name = \"{name}\""));
    line("# Tunnel kind: wireguard, gre, sit, ip6gre, gretap, ip6gretap or vxlan.");
    line(&format!("kind = \"{kind}\""));
    line("# Free text for the rendered files, at most 255 characters. Default: none.");
    line("# description = \"AS64496 Example Networks\"");
    line("# Tunnel MTU, 68 to 65535 (at least 1280 with IPv6 tunnel addresses). Default:");
    match mtu {
        Some(mtu) => {
            line(&format!("# computed, here {}.", mtu.computed));
            line(&format!("# mtu = {}", mtu.value));
        }
        None => {
            line("# computed.");
            line("# mtu = 1500");
        }
    }
    line("# MTU of the path between the endpoints, from which the MTU is computed (e.g. 1492");
    line("# behind PPPoE). Default: the site file's underlay-mtu, else 1500.");
    line("# underlay-mtu = 1500");

    for (side, who, whose) in [
        ("local", "this host", "this host's"),
        ("remote", "the peer's host", "the peer's"),
    ] {
        let local = side == "local";
        line("");
        line(&format!("[{side}]  # {who}"));
        line(&format!("# REPLACE: {whose} underlay (public) address."));
        line(&format!("# {}.", p.endpoint_rule));
        if local {
            let site_key = match kind.underlay() {
                UnderlayRule::Ipv4 => "endpoint-ipv4",
                UnderlayRule::Ipv6 => "endpoint-ipv6",
                UnderlayRule::Either => "endpoint-ipv4 or endpoint-ipv6",
            };
            line(&format!(
                "# May be left out when peergen.toml sets [local] {site_key}."
            ));
        }
        if wireguard {
            line(
                "# Optional for WireGuard: an end without one only dials out (leave out port too).",
            );
        }
        let endpoint = if local {
            p.local_endpoint
        } else {
            p.remote_endpoint
        };
        line(&format!("endpoint = \"{endpoint}\""));
        if wireguard {
            line(&format!(
                "# The UDP port {who} listens on, 1 to 65535; required with an endpoint."
            ));
            line("port = 51820");
        }
        let addresses = if local {
            p.local_addresses
        } else {
            p.remote_addresses
        };
        if kind.is_layer2() {
            line(&format!(
                "# Addresses of the tunnel interface on {who}, each ADDRESS/PREFIX. Optional for"
            ));
            line("# layer 2 kinds (the tunnel often joins a bridge instead). Default: none.");
            line(&format!("# addresses = {addresses}"));
        } else {
            line(&format!(
                "# REPLACE: addresses of the tunnel interface on {who}, each ADDRESS/PREFIX{}.",
                if kind == TunnelKind::Sit {
                    ", IPv6 only"
                } else {
                    ""
                }
            ));
            line("# Each needs a partner on the other end in the same subnet, same prefix length.");
            line(&format!("addresses = {addresses}"));
        }
        if wireguard {
            write_wireguard_keys(&mut line, name, local);
        }
    }

    line("");
    write_options(&mut line, name, kind);
    f
}

fn write_wireguard_keys(line: &mut impl FnMut(&str), name: &str, local: bool) {
    if local {
        line(&format!(
            "# REPLACE: this host's public key. `peergen keygen --out /etc/wireguard/{name}.key`"
        ));
        line("# writes the private key (mode 0600) and prints the public key to put here.");
        line(&format!("public-key = \"{LOCAL_PUBLIC_KEY}\""));
    } else {
        line(
            "# REPLACE: the peer's public key, as their `wg pubkey` or `peergen pubkey` prints it.",
        );
        line(&format!("public-key = \"{REMOTE_PUBLIC_KEY}\""));
    }
    if local {
        line("# Absolute path of the private key on this host; rendered files reference it and");
        line("# never contain the key. Default: the site file's [local] key-directory/NAME.key,");
        line("# else:");
    } else {
        line("# Absolute path of the private key on the peer's host, for --side remote; rendered");
        line("# files reference it and never contain the key. Default: the site file's [remote]");
        line("# key-directory/NAME.key, else:");
    }
    line(&format!(
        "# private-key-file = \"/etc/wireguard/{name}.key\""
    ));
    if local {
        line("# (private-key = \"…\" inline is accepted too, but puts the secret into every rendered");
        line("# file; prefer the key file.)");
    }
    if local {
        line("# The prefixes reachable through this host, which the peer accepts from it and");
        line("# routes to it. Default: [wireguard] allowed-ips.");
        line("# allowed-ips = [\"192.0.2.0/32\", \"2001:db8:ffff::1/128\"]");
    } else {
        line("# The prefixes reachable through the peer's host, which this host accepts from it");
        line("# and routes to it. Default: [wireguard] allowed-ips.");
        line("# allowed-ips = [\"192.0.2.1/32\", \"2001:db8:ffff::2/128\"]");
    }
}

fn write_options(line: &mut impl FnMut(&str), name: &str, kind: TunnelKind) {
    match kind {
        TunnelKind::Wireguard => {
            line("[wireguard]  # options for both ends");
            line("# Seconds between keepalive packets, 0 to 65535; 25 keeps NAT mappings open.");
            line("# Default: off.");
            line("# persistent-keepalive = 25");
            line("# What each end accepts from and routes to the other, as networks, unless the");
            line(
                "# end sets its own allowed-ips. Default: everything, for BGP (wg-quick then gets",
            );
            line("# Table = off: the BGP daemon routes).");
            line("# allowed-ips = [\"0.0.0.0/0\", \"::/0\"]");
            line("# Absolute path of a preshared key, the same on both hosts (`peergen genpsk");
            line("# --out FILE` writes one). Default: none.");
            line(&format!(
                "# preshared-key-file = \"/etc/wireguard/{name}.psk\""
            ));
        }
        TunnelKind::Gre | TunnelKind::Gretap => {
            line(&format!("[{kind}]"));
            gre_key_and_ttl(line, "TTL");
        }
        TunnelKind::Sit => {
            line("[sit]");
            line("# TTL of the outer header, 1 to 255. Default: inherit the inner packet's.");
            line("# ttl = 255");
        }
        TunnelKind::Ip6Gre | TunnelKind::Ip6Gretap => {
            line(&format!("[{kind}]"));
            gre_key_and_ttl(line, "Hop limit");
            line("# IPv6 encapsulation limit option (8 bytes per packet): \"none\" leaves it out,");
            line("# 0 to 255 sets the limit. Default: the kernel's (sent, limit 4).");
            line("# encap-limit = \"none\"");
        }
        TunnelKind::Vxlan => {
            line("[vxlan]");
            line("# REPLACE: the VXLAN network identifier, 1 to 16777215, agreed with the peer.");
            line("vni = 100");
            line("# UDP destination port, 1 to 65535. Default: 4789, the IANA port.");
            line("# port = 4789");
            line("# TTL of the outer header, 1 to 255. Default: inherit the inner packet's.");
            line("# ttl = 64");
        }
    }
}

fn gre_key_and_ttl(line: &mut impl FnMut(&str), outer: &str) {
    line("# GRE key, 1 to 4294967295, the same on both ends; adds 4 bytes per packet.");
    line("# Default: no key.");
    line("# key = 42");
    line(&format!(
        "# {outer} of the outer header, 1 to 255. Default: inherit the inner packet's."
    ));
    line("# ttl = 255");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_in_keys_are_valid_public_keys() {
        for key in [LOCAL_PUBLIC_KEY, REMOTE_PUBLIC_KEY] {
            assert!(
                peergen_core::keys::PublicKey::from_base64(key).is_ok(),
                "{key}"
            );
        }
    }

    #[test]
    fn every_kind_validates_without_warnings() {
        for kind in TunnelKind::ALL {
            let text = starter_file("peer0", kind).unwrap();
            let validated = validate(&SourceFile::new("init.toml", text)).unwrap();
            assert!(
                validated.warnings.is_empty(),
                "{kind}: {:?}",
                validated.warnings
            );
        }
    }
}

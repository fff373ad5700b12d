//! WireGuard: the loaded key, the listen port, the other end as the device's peer, and
//! whether it answers (handshake age).

use std::net::SocketAddr;

use super::host::WgPeer;
use super::{Check, Ctx, WireguardObservation};
use crate::peer::{Endpoint, PrivateKeySource, Tunnel};

/// Runs the WireGuard checks of a WireGuard peer.
pub(super) fn check(ctx: &mut Ctx<'_>) -> Option<WireguardObservation> {
    let name = ctx.peer.name.clone();
    let (this, other) = (ctx.this(), ctx.other());
    let Some(device) = ctx.host.wireguard.clone() else {
        let fix = ctx.apply();
        ctx.push_down(
            Check::Wireguard,
            ctx.at(&["kind"]),
            format!("WireGuard configured on {name}"),
            format!("`wg show {name}` does not know the device"),
            Some(fix),
        );
        return None;
    };
    let ours = ctx.peer.local.wireguard.clone()?;
    let theirs = ctx.peer.remote.wireguard.clone()?;
    let Tunnel::Wireguard(options) = ctx.peer.tunnel.clone() else {
        return None;
    };
    if device.public_key != Some(ours.public_key) {
        let fix = match &ours.private_key {
            PrivateKeySource::File { path, .. } => format!("wg set {name} private-key {path}"),
            PrivateKeySource::Inline(_) => ctx.apply(),
        };
        ctx.push_down(
            Check::PrivateKey,
            ctx.at(&[this, "public-key"]),
            format!("the private key of public key {}", ours.public_key),
            match device.public_key {
                Some(key) => format!("the private key of public key {key}"),
                None => "no private key".to_owned(),
            },
            Some(fix),
        );
    }
    if let Some(port) = ours.port {
        if device.listen_port != port {
            ctx.push(
                Check::ListenPort,
                ctx.at(&[this, "port"]),
                port.to_string(),
                device.listen_port.to_string(),
                Some(format!("wg set {name} listen-port {port}")),
            );
        }
    }
    let key = theirs.public_key;
    let psk_file = options.preshared_key_file.clone();
    let keepalive = options.persistent_keepalive.filter(|&k| k > 0);
    let endpoint = match (
        &ctx.peer.remote.endpoint,
        ctx.peer.remote.wireguard.as_ref(),
    ) {
        (Some(Endpoint::Ip(ip)), Some(wg)) => wg.port.map(|p| SocketAddr::new(*ip, p)),
        _ => None,
    };
    let allowed: Vec<String> = theirs.allowed_ips.iter().map(ToString::to_string).collect();
    for extra in device.peers.iter().filter(|p| p.public_key != key) {
        ctx.push(
            Check::WireguardPeer,
            ctx.at(&[other, "public-key"]),
            format!("only the peer {key}"),
            format!("also the peer {}", extra.public_key),
            Some(format!("wg set {name} peer {} remove", extra.public_key)),
        );
    }
    let Some(peer) = device.peers.iter().find(|p| p.public_key == key).cloned() else {
        let mut fix = format!("wg set {name} peer {key}");
        if let Some(file) = &psk_file {
            fix.push_str(&format!(" preshared-key {file}"));
        }
        fix.push_str(&format!(" allowed-ips {}", allowed.join(",")));
        if let Some(e) = endpoint {
            fix.push_str(&format!(" endpoint {e}"));
        }
        if let Some(k) = keepalive {
            fix.push_str(&format!(" persistent-keepalive {k}"));
        }
        ctx.push_down(
            Check::WireguardPeer,
            ctx.at(&[other, "public-key"]),
            format!("the peer {key}"),
            "no such peer",
            Some(fix),
        );
        return None;
    };
    if let Some(e) = endpoint {
        let actual = peer
            .endpoint
            .as_deref()
            .and_then(|s| s.parse::<SocketAddr>().ok());
        if actual != Some(e) {
            ctx.push(
                Check::Endpoint,
                ctx.at(&[other, "endpoint"]),
                e.to_string(),
                peer.endpoint.clone().unwrap_or_else(|| "none".to_owned()),
                Some(format!("wg set {name} peer {key} endpoint {e}")),
            );
        }
    }
    let mut want = theirs.allowed_ips.clone();
    let mut have = peer.allowed_ips.clone();
    want.sort_unstable();
    have.sort_unstable();
    if want != have {
        let list = |nets: &[ipnet::IpNet]| {
            if nets.is_empty() {
                "none".to_owned()
            } else {
                nets.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            }
        };
        ctx.push(
            Check::AllowedIps,
            ctx.at(&[other, "allowed-ips"]),
            list(&theirs.allowed_ips),
            list(&peer.allowed_ips),
            Some(format!(
                "wg set {name} peer {key} allowed-ips {}",
                allowed.join(",")
            )),
        );
    }
    if peer.persistent_keepalive != keepalive {
        let text = |k: Option<u16>| k.map_or_else(|| "off".to_owned(), |k| format!("{k} s"));
        ctx.push(
            Check::Keepalive,
            ctx.at(&["wireguard", "persistent-keepalive"]),
            text(keepalive),
            text(peer.persistent_keepalive),
            Some(format!(
                "wg set {name} peer {key} persistent-keepalive {}",
                keepalive.map_or_else(|| "off".to_owned(), |k| k.to_string())
            )),
        );
    }
    match (&psk_file, peer.preshared_key) {
        (Some(file), false) => ctx.push_down(
            Check::PresharedKey,
            ctx.at(&["wireguard", "preshared-key-file"]),
            format!("a preshared key (from {file})"),
            "none",
            Some(format!("wg set {name} peer {key} preshared-key {file}")),
        ),
        (None, true) => ctx.push_down(
            Check::PresharedKey,
            ctx.at(&["wireguard"]),
            "no preshared key",
            "a preshared key",
            Some(format!("wg set {name} peer {key} preshared-key /dev/null")),
        ),
        _ => {}
    }
    handshake(
        ctx,
        &peer,
        endpoint.is_some() || ctx.peer.remote.endpoint.is_some(),
    );
    let age =
        (peer.latest_handshake != 0).then(|| ctx.host.now.saturating_sub(peer.latest_handshake));
    Some(WireguardObservation {
        handshake_age: age,
        rx_bytes: peer.rx_bytes,
        tx_bytes: peer.tx_bytes,
    })
}

/// A peer this end dials (its endpoint is configured) must have shaken hands recently.
/// An end without the other's endpoint waits to be dialled, so silence is no finding.
fn handshake(ctx: &mut Ctx<'_>, peer: &WgPeer, dials: bool) {
    if !dials {
        return;
    }
    let limit = ctx.options.handshake_max_age;
    let actual = if peer.latest_handshake == 0 {
        "no handshake ever".to_owned()
    } else {
        let age = ctx.host.now.saturating_sub(peer.latest_handshake);
        if age <= limit {
            return;
        }
        format!("the latest {age} s ago")
    };
    let other = ctx.other();
    let remote = ctx
        .peer
        .remote
        .endpoint
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    ctx.push_down(
        Check::Handshake,
        ctx.at(&[other, "endpoint"]),
        format!("a handshake within the last {limit} s"),
        actual,
        Some(format!(
            "check the other end (`peergen status --side {other}` on {remote}) and that its UDP port is reachable from here"
        )),
    );
}

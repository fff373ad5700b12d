//! Contexts of `templates/ip/up.sh.j2` and `down.sh.j2`: iproute2 and `wg` commands.

use peergen_core::peer::EncapLimit;
use peergen_core::{Peer, Tunnel};
use serde::Serialize;

use super::common::{
    endpoint_text, family_flag, header, routes, routes_comment, ttl_word, wireguard, Header, Route,
};
use peergen_core::Backend;

/// The bring-up and tear-down scripts. Every word is printed through the environment's
/// shell quoting.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct IpContext {
    /// Header comment lines.
    pub header: Header,
    /// Interface name.
    pub name: String,
    /// `ip link add NAME type KIND`.
    pub kind: &'static str,
    /// The words after `type KIND` (`local A remote B ttl 255 …`).
    pub link_args: Vec<String>,
    /// Interface MTU, always explicit.
    pub mtu: u32,
    /// `ip link set dev NAME master BRIDGE`: the host's bridge this end joins (layer 2
    /// kinds), set before the link comes up.
    pub bridge: Option<String>,
    /// `ip addr add` lines.
    pub addresses: Vec<IpAddress>,
    /// `ip route add` lines: this end's `routes`.
    pub routes: Vec<Route>,
    /// The comment line above the routes.
    pub routes_comment: &'static str,
    /// The `wg set` command, for WireGuard.
    pub wireguard: Option<WgSet>,
}

/// One `ip -4|-6 address add ADDRESS [peer PEER] dev NAME`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct IpAddress {
    /// `-4` or `-6`.
    pub family: &'static str,
    /// Address with prefix.
    pub address: String,
    /// Point-to-point peer, if any.
    pub peer: Option<String>,
}

/// `wg set NAME …`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct WgSet {
    /// The words after `wg set NAME`, except an inline key.
    pub args: Vec<String>,
    /// The inline private key (explicit opt-in), fed to `wg` on stdin.
    pub private_key: Option<String>,
}

impl WgSet {
    /// Whether the script will contain a secret.
    pub fn holds_secret(&self) -> bool {
        self.private_key.is_some()
    }
}

fn words<const N: usize>(pairs: [(&str, Option<String>); N]) -> Vec<String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| [k.to_owned(), v]))
        .flatten()
        .collect()
}

impl IpContext {
    /// Builds the context; `ip link` creates every kind.
    pub fn new(peer: &Peer) -> Self {
        let local = Some(endpoint_text(peer.local.endpoint.as_ref()));
        let remote = Some(endpoint_text(peer.remote.endpoint.as_ref()));
        let link_args = match &peer.tunnel {
            Tunnel::Gre(o) | Tunnel::Gretap(o) => words([
                ("local", local),
                ("remote", remote),
                ("ttl", Some(ttl_word(o.ttl))),
                ("key", o.key.map(|k| k.to_string())),
            ]),
            Tunnel::Sit(o) => words([
                ("local", local),
                ("remote", remote),
                ("ttl", Some(ttl_word(o.ttl))),
            ]),
            Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => words([
                ("local", local),
                ("remote", remote),
                ("hoplimit", Some(ttl_word(o.ttl))),
                ("key", o.key.map(|k| k.to_string())),
                (
                    "encaplimit",
                    match o.encap_limit {
                        EncapLimit::Default => None,
                        EncapLimit::None => Some("none".to_owned()),
                        EncapLimit::Limit(n) => Some(n.to_string()),
                    },
                ),
            ]),
            Tunnel::Vxlan(o) => words([
                ("id", Some(o.vni.to_string())),
                ("local", local),
                ("remote", remote),
                // Explicit: without it Linux uses 8472, not the IANA port.
                ("dstport", Some(o.port.to_string())),
                ("ttl", Some(ttl_word(o.ttl))),
            ]),
            Tunnel::Wireguard(_) => Vec::new(),
        };
        let wireguard = wireguard(peer).map(|wg| {
            let key_file = wg
                .private_key_file
                .clone()
                .or_else(|| Some("/dev/stdin".to_owned()));
            let mut args = words([
                ("private-key", key_file),
                ("listen-port", wg.listen_port.map(|p| p.to_string())),
                ("peer", Some(wg.peer.public_key.clone())),
                ("preshared-key", wg.peer.preshared_key_file.clone()),
                ("allowed-ips", Some(wg.peer.allowed_ips.join(","))),
                ("endpoint", wg.peer.endpoint.clone()),
            ]);
            if let Some(k) = wg.peer.persistent_keepalive {
                args.extend(["persistent-keepalive".to_owned(), k.to_string()]);
            }
            WgSet {
                args,
                private_key: wg.private_key,
            }
        });
        Self {
            header: header(peer, Backend::Ip),
            name: peer.name.clone(),
            kind: peer.kind().as_str(),
            link_args,
            mtu: peer.mtu.value,
            bridge: peer.local.bridge.clone(),
            addresses: peer
                .local
                .addresses
                .iter()
                .map(|a| IpAddress {
                    family: family_flag(a.address.addr()),
                    address: a.address.to_string(),
                    peer: a.peer.map(|p| p.to_string()),
                })
                .collect(),
            routes: routes(peer),
            routes_comment: routes_comment(peer),
            wireguard,
        }
    }
}

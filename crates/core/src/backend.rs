//! The configuration formats peergen renders, and which tunnel kinds each applies to.
//!
//! The site file, the command line, the output manifest and the renderer all speak of
//! backends, so the vocabulary lives here, below all of them: after parsing, a backend is
//! never a string.

use std::fmt;
use std::str::FromStr;

use crate::kind::TunnelKind;
use crate::peer::Peer;

/// A configuration format, named as on the command line and in the site file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Backend {
    /// `wg-quick` `.conf` (WireGuard only).
    WgQuick,
    /// systemd-networkd `.netdev` + `.network`.
    Networkd,
    /// Netplan YAML.
    Netplan,
    /// POSIX shell scripts of `ip` and `wg` commands.
    Ip,
    /// BIRD 2: one `protocol bgp` file per peer with a `[bgp]` table.
    Bird,
    /// FRR 8: one file of `bgpd` commands per peer with a `[bgp]` table.
    Frr,
}

impl Backend {
    /// Every backend, in documentation order.
    pub const ALL: [Backend; 6] = [
        Self::WgQuick,
        Self::Networkd,
        Self::Netplan,
        Self::Ip,
        Self::Bird,
        Self::Frr,
    ];

    /// The command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WgQuick => "wg-quick",
            Self::Networkd => "networkd",
            Self::Netplan => "netplan",
            Self::Ip => "ip",
            Self::Bird => "bird",
            Self::Frr => "frr",
        }
    }

    /// Every backend's name, in documentation order.
    pub fn names() -> [&'static str; Backend::ALL.len()] {
        Self::ALL.map(Self::as_str)
    }

    /// What the backend writes, in a few words (command-line help).
    pub fn summary(self) -> &'static str {
        match self {
            Self::WgQuick => "wg-quick .conf (WireGuard only)",
            Self::Networkd => "systemd-networkd .netdev + .network",
            Self::Netplan => "Netplan YAML",
            Self::Ip => "ip/wg shell scripts",
            Self::Bird => "BIRD 2 BGP session (peers with [bgp])",
            Self::Frr => "FRR 8 BGP session (peers with [bgp])",
        }
    }

    /// Whether the backend can express tunnels of `kind` at all: wg-quick configures
    /// WireGuard interfaces only; the others configure every kind (the BGP daemons run
    /// their session over any tunnel).
    pub fn applies_to(self, kind: TunnelKind) -> bool {
        match self {
            Self::WgQuick => kind == TunnelKind::Wireguard,
            Self::Networkd | Self::Netplan | Self::Ip | Self::Bird | Self::Frr => true,
        }
    }

    /// Whether the backend configures the BGP session rather than the tunnel: it has
    /// something to write only for a peer with a `[bgp]` table.
    pub fn is_bgp(self) -> bool {
        matches!(self, Self::Bird | Self::Frr)
    }

    /// Whether the backend has something to write for `peer`: its kind applies
    /// ([`Backend::applies_to`]), and a BGP backend needs the peer's `[bgp]` table.
    pub fn applies_to_peer(self, peer: &Peer) -> bool {
        self.applies_to(peer.kind()) && (!self.is_bgp() || peer.bgp.is_some())
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A backend name peergen does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown backend {0:?}: use {names}", names = Backend::names().join(", "))]
pub struct UnknownBackend(pub String);

impl FromStr for Backend {
    type Err = UnknownBackend;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| UnknownBackend(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for backend in Backend::ALL {
            assert_eq!(backend.as_str().parse::<Backend>(), Ok(backend));
        }
        assert_eq!(
            "bird2".parse::<Backend>().unwrap_err().to_string(),
            "unknown backend \"bird2\": use wg-quick, networkd, netplan, ip, bird, frr"
        );
    }

    #[test]
    fn wg_quick_applies_to_wireguard_only() {
        for kind in TunnelKind::ALL {
            assert_eq!(
                Backend::WgQuick.applies_to(kind),
                kind == TunnelKind::Wireguard
            );
            for backend in [
                Backend::Networkd,
                Backend::Netplan,
                Backend::Ip,
                Backend::Bird,
                Backend::Frr,
            ] {
                assert!(backend.applies_to(kind), "{backend} {kind}");
            }
        }
    }
}

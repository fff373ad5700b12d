//! The configuration formats peergen renders, and which tunnel kinds each applies to.
//!
//! The site file, the command line, the output manifest and the renderer all speak of
//! backends, so the vocabulary lives here, below all of them: after parsing, a backend is
//! never a string.

use std::fmt;
use std::str::FromStr;

use crate::kind::TunnelKind;

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
}

impl Backend {
    /// Every backend, in documentation order.
    pub const ALL: [Backend; 4] = [Self::WgQuick, Self::Networkd, Self::Netplan, Self::Ip];

    /// The command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WgQuick => "wg-quick",
            Self::Networkd => "networkd",
            Self::Netplan => "netplan",
            Self::Ip => "ip",
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
        }
    }

    /// Whether the backend can express tunnels of `kind` at all: wg-quick configures
    /// WireGuard interfaces only; the others configure every kind.
    pub fn applies_to(self, kind: TunnelKind) -> bool {
        match self {
            Self::WgQuick => kind == TunnelKind::Wireguard,
            Self::Networkd | Self::Netplan | Self::Ip => true,
        }
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
            "bird".parse::<Backend>().unwrap_err().to_string(),
            "unknown backend \"bird\": use wg-quick, networkd, netplan, ip"
        );
    }

    #[test]
    fn wg_quick_applies_to_wireguard_only() {
        for kind in TunnelKind::ALL {
            assert_eq!(
                Backend::WgQuick.applies_to(kind),
                kind == TunnelKind::Wireguard
            );
            for backend in [Backend::Networkd, Backend::Netplan, Backend::Ip] {
                assert!(backend.applies_to(kind), "{backend} {kind}");
            }
        }
    }
}

//! The output formats peergen renders.

use std::fmt;
use std::str::FromStr;

/// A configuration format, named as on the command line.
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
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A backend name peergen does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown backend {0:?}: use wg-quick, networkd, netplan or ip")]
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

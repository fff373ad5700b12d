//! The tunnel kinds peergen renders, and the facts about each that validation and the MTU
//! computation need (underlay family, layer, what it may carry).

use std::fmt;
use std::str::FromStr;

/// The tunnel kinds, named as in the peer file's `kind` key and in `ip link … type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TunnelKind {
    /// WireGuard: encrypted layer 3 over UDP, any underlay family.
    Wireguard,
    /// GRE over IPv4, layer 3 (carries IPv4 and IPv6).
    Gre,
    /// SIT / 6in4: IPv6 directly in IPv4.
    Sit,
    /// GRE over IPv6, layer 3.
    Ip6Gre,
    /// GRE over IPv4 carrying Ethernet frames (layer 2).
    Gretap,
    /// GRE over IPv6 carrying Ethernet frames (layer 2).
    Ip6Gretap,
    /// VXLAN: Ethernet in UDP, IPv4 or IPv6 underlay.
    Vxlan,
}

/// Which IP family a tunnel's underlay (its endpoints) must use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnderlayRule {
    /// IPv4 endpoints only.
    Ipv4,
    /// IPv6 endpoints only.
    Ipv6,
    /// Either family, the same on both ends.
    Either,
}

impl TunnelKind {
    /// Every kind, in documentation order.
    pub const ALL: [TunnelKind; 7] = [
        Self::Wireguard,
        Self::Gre,
        Self::Sit,
        Self::Ip6Gre,
        Self::Gretap,
        Self::Ip6Gretap,
        Self::Vxlan,
    ];

    /// The name used in peer files, `ip link`, networkd `Kind=` and netplan `mode`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wireguard => "wireguard",
            Self::Gre => "gre",
            Self::Sit => "sit",
            Self::Ip6Gre => "ip6gre",
            Self::Gretap => "gretap",
            Self::Ip6Gretap => "ip6gretap",
            Self::Vxlan => "vxlan",
        }
    }

    /// What the kind is, in a few words (command-line help).
    pub fn summary(self) -> &'static str {
        match self {
            Self::Wireguard => "WireGuard: encrypted, over UDP, IPv4 or IPv6 underlay",
            Self::Gre => "GRE over IPv4, carrying IPv4 and IPv6",
            Self::Sit => "SIT (6in4): IPv6 over IPv4",
            Self::Ip6Gre => "GRE over IPv6, carrying IPv4 and IPv6",
            Self::Gretap => "Ethernet over GRE over IPv4 (layer 2)",
            Self::Ip6Gretap => "Ethernet over GRE over IPv6 (layer 2)",
            Self::Vxlan => "Ethernet over UDP (layer 2), IPv4 or IPv6 underlay",
        }
    }

    /// The underlay family the kernel driver accepts for this kind.
    pub fn underlay(self) -> UnderlayRule {
        match self {
            Self::Gre | Self::Sit | Self::Gretap => UnderlayRule::Ipv4,
            Self::Ip6Gre | Self::Ip6Gretap => UnderlayRule::Ipv6,
            Self::Wireguard | Self::Vxlan => UnderlayRule::Either,
        }
    }

    /// Layer 2 kinds carry Ethernet frames; their tunnel addresses are optional.
    pub fn is_layer2(self) -> bool {
        matches!(self, Self::Gretap | Self::Ip6Gretap | Self::Vxlan)
    }

    /// Whether this kind is one of the GRE family (takes `key` and `ttl`).
    pub fn is_gre(self) -> bool {
        matches!(
            self,
            Self::Gre | Self::Ip6Gre | Self::Gretap | Self::Ip6Gretap
        )
    }
}

impl fmt::Display for TunnelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `kind` named something peergen does not render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tunnel kind {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for TunnelKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

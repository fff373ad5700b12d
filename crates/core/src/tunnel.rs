//! The tunnel kind with its kind-specific options (`[wireguard]`, `[gre]`, `[sit]`,
//! `[ip6gre]`, `[vxlan]`): what the MTU computation and the backends read besides the two
//! ends. Kept apart from [`crate::peer`] so the MTU code depends on the options alone and
//! the peer model depends on both, one way.

use camino::Utf8PathBuf;
use ipnet::IpNet;

use crate::kind::TunnelKind;

/// The tunnel kind with its options.
#[derive(Debug, Clone)]
pub enum Tunnel {
    /// WireGuard.
    Wireguard(WireguardOptions),
    /// GRE over IPv4.
    Gre(GreOptions),
    /// SIT (6in4).
    Sit(SitOptions),
    /// GRE over IPv6.
    Ip6Gre(Ip6GreOptions),
    /// GRETAP over IPv4.
    Gretap(GreOptions),
    /// GRETAP over IPv6.
    Ip6Gretap(Ip6GreOptions),
    /// VXLAN.
    Vxlan(VxlanOptions),
}

impl Tunnel {
    /// The kind of this tunnel.
    pub fn kind(&self) -> TunnelKind {
        match self {
            Self::Wireguard(_) => TunnelKind::Wireguard,
            Self::Gre(_) => TunnelKind::Gre,
            Self::Sit(_) => TunnelKind::Sit,
            Self::Ip6Gre(_) => TunnelKind::Ip6Gre,
            Self::Gretap(_) => TunnelKind::Gretap,
            Self::Ip6Gretap(_) => TunnelKind::Ip6Gretap,
            Self::Vxlan(_) => TunnelKind::Vxlan,
        }
    }

    /// The outer TTL; `None` for WireGuard, whose outer TTL is the route's hop limit.
    pub fn ttl(&self) -> Option<Ttl> {
        match self {
            Self::Gre(o) | Self::Gretap(o) => Some(o.ttl),
            Self::Ip6Gre(o) | Self::Ip6Gretap(o) => Some(o.ttl),
            Self::Sit(o) => Some(o.ttl),
            Self::Vxlan(o) => Some(o.ttl),
            Self::Wireguard(_) => None,
        }
    }
}

/// `[wireguard]` options shared by both ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireguardOptions {
    /// Seconds between keepalives; `None` or 0 disables them.
    pub persistent_keepalive: Option<u16>,
    /// The default for each end's `allowed-ips` (default `0.0.0.0/0, ::/0`, for BGP
    /// peering); the ends carry the resolved lists.
    pub allowed_ips: Vec<IpNet>,
    /// Absolute path of the preshared key file, the same path on both ends.
    pub preshared_key_file: Option<Utf8PathBuf>,
}

/// The TTL (IPv6: hop limit) of the outer header of a tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// A fixed value, 1–255.
    Fixed(u8),
    /// Copy the inner packet's TTL: a packet sent with TTL 1 (as eBGP does) then dies at
    /// the first router of the underlay. Only on explicit request.
    Inherit,
}

impl Ttl {
    /// The default: 255, so the underlay's hops never eat into the inner packet's TTL.
    pub const DEFAULT: Ttl = Ttl::Fixed(crate::limits::DEFAULT_TTL);
}

impl Default for Ttl {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `[gre]` / `[gretap]` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GreOptions {
    /// GRE key, used in both directions (adds 4 bytes per packet).
    pub key: Option<u32>,
    /// Outer TTL (default 255).
    pub ttl: Ttl,
}

/// `[sit]` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SitOptions {
    /// Outer TTL (default 255).
    pub ttl: Ttl,
}

/// `[ip6gre]` / `[ip6gretap]` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ip6GreOptions {
    /// GRE key, used in both directions.
    pub key: Option<u32>,
    /// Outer hop limit (default 255).
    pub ttl: Ttl,
    /// The IPv6 tunnel encapsulation limit option.
    pub encap_limit: EncapLimit,
}

/// The IPv6 tunnel encapsulation limit destination option (RFC 2473), 8 bytes per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncapLimit {
    /// The kernel's default: the option is sent with limit 4.
    #[default]
    Default,
    /// The option is not sent (saves 8 bytes).
    None,
    /// The option is sent with this limit.
    Limit(u8),
}

impl EncapLimit {
    /// Whether the 8-byte option is present on the wire.
    pub fn adds_option(self) -> bool {
        !matches!(self, Self::None)
    }
}

/// `[vxlan]` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VxlanOptions {
    /// VXLAN network identifier, 1–16777215.
    pub vni: u32,
    /// UDP destination port (default 4789, the IANA port; Linux would use 8472).
    pub port: u16,
    /// Outer TTL (default 255).
    pub ttl: Ttl,
}

//! What the live host has, as read from `ip -j`, `wg show … dump` and a few files.
//!
//! These types hold only what the comparison needs, already parsed; the raw command
//! outputs go through [`super::parse`]. A WireGuard private key never gets here: the
//! dump parser keeps only its public key.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::keys::PublicKey;

/// Everything read about one peer's interface.
#[derive(Debug, Clone, Default)]
pub struct HostState {
    /// The host's clock when it was read, in seconds since the epoch (for handshake ages).
    pub now: u64,
    /// The link; `None` when the device does not exist.
    pub link: Option<Link>,
    /// Addresses on the link.
    pub addresses: Vec<HostAddress>,
    /// `wg show IF dump`; `None` when WireGuard does not answer for the interface.
    pub wireguard: Option<WgDevice>,
    /// `ip route get REMOTE`: how the host reaches the other end's endpoint.
    pub route_to_remote: Option<RouteGet>,
    /// Routes through the link, per table the peer file's routes use.
    pub routes: Vec<HostRoute>,
    /// Reverse-path filter settings.
    pub rp_filter: RpFilter,
    /// systemd-networkd's settings; `None` when networkd is not in use on the host.
    pub networkd: Option<NetworkdConf>,
    /// What the BGP daemons say about each session of the peer's `[bgp]` table, in the
    /// order of [`crate::bgp::Bgp::sessions`]; `None` when they were not asked (no
    /// `[bgp]`, or `--no-bgp`).
    pub bgp: Option<Vec<BgpSessionAnswers>>,
}

/// Both daemons' answers about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpSessionAnswers {
    /// BIRD's `show protocols all NAME`.
    pub bird: DaemonAnswer,
    /// FRR's `show bgp neighbors ADDRESS json`.
    pub frr: DaemonAnswer,
}

/// What one daemon says about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaemonAnswer {
    /// The daemon does not answer: its program or control socket is absent.
    NotRunning,
    /// The daemon answers but has no such protocol or neighbour.
    NoSuchSession,
    /// The session as the daemon reports it.
    Session(BgpSessionState),
}

/// One BGP session as a daemon reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpSessionState {
    /// The BGP state in the daemon's words (`Established`, `Active`, `Connect`, `Idle`,
    /// `OpenSent`, …).
    pub state: String,
    /// When the session entered this state, as BIRD prints it (time of day, or a date
    /// and time, per its `timeformat`).
    pub since: Option<String>,
    /// How long the session has been in this state, in seconds (FRR).
    pub for_seconds: Option<u64>,
    /// Why it last went down (BIRD `Last error`, FRR's last notification or reset).
    pub last_error: Option<String>,
    /// Route counts per family the session carries.
    pub families: Vec<BgpFamilyCounts>,
}

impl BgpSessionState {
    /// Whether the session is up.
    pub fn is_established(&self) -> bool {
        self.state.eq_ignore_ascii_case("Established")
    }
}

/// Routes of one family on one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BgpFamilyCounts {
    /// The family.
    pub family: crate::bgp::Family,
    /// Routes received and accepted by the import filter (BIRD `imported`, FRR
    /// `acceptedPrefixCounter`).
    pub imported: Option<u64>,
    /// Routes sent to the neighbour after the export filter (BIRD `exported`, FRR
    /// `sentPrefixCounter`).
    pub exported: Option<u64>,
}

/// `ip -j -d link show dev IF`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// `linkinfo.info_kind` (`gre`, `vxlan`, `wireguard`, `tun` for wireguard-go, …).
    pub kind: Option<String>,
    /// `flags` (`UP`, `LOWER_UP`, `POINTOPOINT`, …).
    pub flags: Vec<String>,
    /// `operstate` (`UP`, `DOWN`, `UNKNOWN` — tunnels usually say UNKNOWN when up).
    pub operstate: String,
    /// `mtu`.
    pub mtu: u32,
    /// `master`: the bridge (or other device) the link is a port of.
    pub master: Option<String>,
    /// `linkinfo.info_data`, the tunnel's parameters.
    pub tunnel: TunnelInfo,
}

impl Link {
    /// Administratively up: the `UP` flag (operstate is UNKNOWN on most tunnels).
    pub fn is_up(&self) -> bool {
        self.flags.iter().any(|f| f == "UP")
    }
}

/// The tunnel parameters of `linkinfo.info_data` that a peer file sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TunnelInfo {
    /// `local`; `None` when absent or `any`.
    pub local: Option<IpAddr>,
    /// `remote`; `None` when absent or `any`.
    pub remote: Option<IpAddr>,
    /// `ttl` (IPv6 kinds: the hop limit). `None` when the kernel reports none, which
    /// `ip` does for an inheriting GRE or SIT tunnel.
    pub ttl: Option<HostTtl>,
    /// `ikey` (printed by `ip` as a dotted quad).
    pub ikey: Option<u32>,
    /// `okey`.
    pub okey: Option<u32>,
    /// ip6gre's encapsulation limit.
    pub encap_limit: Option<HostEncapLimit>,
    /// VXLAN `id`.
    pub vni: Option<u32>,
    /// VXLAN destination `port`.
    pub port: Option<u16>,
}

/// A TTL as the kernel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostTtl {
    /// A number; 0 means inherit (GRE, SIT) or automatic (VXLAN).
    Value(u8),
    /// VXLAN's `ttl inherit`.
    Inherit,
}

/// ip6gre's encapsulation limit as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostEncapLimit {
    /// `encap_limit`: the option is sent with this limit.
    Limit(u8),
    /// `ip6_tnl_f_ign_encap_limit`: the option is not sent.
    None,
}

/// One address of `ip -j addr show dev IF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostAddress {
    /// `local` with `prefixlen`.
    pub address: IpNet,
    /// `address` when it differs from `local`: the point-to-point peer, with `prefixlen`.
    pub peer: Option<IpNet>,
    /// `scope` is `link` (IPv6 link-local addresses the kernel adds by itself).
    pub link_scope: bool,
}

/// `ip -j route get ADDRESS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteGet {
    /// The address asked about.
    pub destination: IpAddr,
    /// `dev`: the device the packet leaves by.
    pub dev: Option<String>,
    /// `gateway`.
    pub gateway: Option<IpAddr>,
}

/// One route of `ip -j route show table T dev IF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRoute {
    /// `dst` (`default` is the family's /0).
    pub destination: IpNet,
    /// `gateway`.
    pub gateway: Option<IpAddr>,
    /// `metric`, 0 when absent.
    pub metric: u32,
    /// The table that was listed.
    pub table: u32,
}

/// `/proc/sys/net/ipv4/conf/{IF,all}/rp_filter`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RpFilter {
    /// The interface's value.
    pub interface: Option<u8>,
    /// `all`'s value.
    pub all: Option<u8>,
}

impl RpFilter {
    /// The value the kernel applies: the larger of the two (0 off, 1 strict, 2 loose).
    pub fn effective(&self) -> Option<u8> {
        match (self.interface, self.all) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0).max(b.unwrap_or(0))),
        }
    }
}

/// `wg show IF dump`, without the private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WgDevice {
    /// The public key of the loaded private key; `None` when none is loaded.
    pub public_key: Option<PublicKey>,
    /// The listen port (0: none yet).
    pub listen_port: u16,
    /// The peers.
    pub peers: Vec<WgPeer>,
}

/// One peer line of `wg show IF dump`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WgPeer {
    /// The peer's public key.
    pub public_key: PublicKey,
    /// Whether a preshared key is set (its value is never kept).
    pub preshared_key: bool,
    /// `host:port`, as `wg` prints it; `None` for `(none)`.
    pub endpoint: Option<String>,
    /// The allowed IPs.
    pub allowed_ips: Vec<IpNet>,
    /// Seconds since the epoch of the latest handshake; 0 for never.
    pub latest_handshake: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Persistent keepalive interval; `None` for `off`.
    pub persistent_keepalive: Option<u16>,
}

/// systemd-networkd's `[Network]` settings that matter for tunnels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkdConf {
    /// `ManageForeignRoutes=` (default yes): networkd removes routes it did not add,
    /// such as a BGP daemon's, when it starts or reloads.
    pub manage_foreign_routes: bool,
    /// The file that set it last; `None` when it is the default.
    pub set_in: Option<String>,
}

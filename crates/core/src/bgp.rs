//! The BGP session over the tunnel: the validated model both daemon backends render.
//!
//! A peer file with a `[bgp]` table describes one eBGP peering between the two ends of the
//! tunnel. Everything is resolved here: the sessions with each side's address, the
//! families each carries, whether IPv4 rides an IPv6 session with extended next hop
//! (RFC 8950), what each end announces and which named daemon policies replace the
//! generated ones. Like the rest of [`crate::peer::Peer`] it is seen from one side: what
//! `local` announces is our export and the other side's import, and
//! [`Bgp::for_other_side`] turns it around for `--side remote`.
//!
//! The numbers the rules use (ranges, defaults) are in [`crate::limits`], with those of
//! the rest of the peer file.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::limits::{ASN, RESERVED_ASNS};

/// Characters a password must not contain besides space and control characters: FRR's
/// `password WORD` has no quoting, BIRD's `"…"` string ends at `"` and escapes with `\`,
/// and `#`, `!` and `'` start comments or quoted text in one of the two configs.
pub const PASSWORD_FORBIDDEN: &[char] = &['"', '\\', '#', '!', '\''];

/// The stem of every name peergen gives a peer's objects in a BGP daemon (BIRD protocols
/// and filters, FRR prefix lists and route maps): `peergen_` and the interface name with
/// `-`, `.`, `=` and `+` turned into `_`, so it is a plain identifier in both daemons.
/// Two interface names can share a stem (`a-b`, `a.b`): the command line refuses to
/// render such peers together, since they would share names in one daemon.
pub fn daemon_stem(interface: &str) -> String {
    let mapped: String = interface
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("peergen_{mapped}")
}

/// An AS number: in [`ASN`] and not one of [`RESERVED_ASNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Asn(pub u32);

impl Asn {
    /// Whether `n` can be an AS: in [`ASN`] and not reserved ([`RESERVED_ASNS`]).
    /// Documentation (64496–64511, 65536–65551) and private (64512–65534,
    /// 4200000000–4294967294) numbers are allowed.
    pub fn is_valid(n: u32) -> bool {
        ASN.contains(i64::from(n)) && !RESERVED_ASNS.contains(&n)
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An address family a session carries (unicast).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4 unicast.
    Ipv4,
    /// IPv6 unicast.
    Ipv6,
}

impl Family {
    /// Both families, in the order sessions are listed.
    pub const ALL: [Family; 2] = [Family::Ipv4, Family::Ipv6];

    /// `ipv4` or `ipv6`, as in the peer file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "ipv4",
            Self::Ipv6 => "ipv6",
        }
    }

    /// The family of an address.
    pub fn of(addr: IpAddr) -> Self {
        if addr.is_ipv4() {
            Self::Ipv4
        } else {
            Self::Ipv6
        }
    }

    /// `_v4` or `_v6`: what peergen appends to a per-family name in the daemons.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Ipv4 => "_v4",
            Self::Ipv6 => "_v6",
        }
    }

    /// The longest prefix length of the family (32 or 128).
    pub fn max_prefix_len(self) -> u8 {
        match self {
            Self::Ipv4 => 32,
            Self::Ipv6 => 128,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the peering is split into sessions (`[bgp] sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionMode {
    /// One session per family, each between the two ends' tunnel addresses of that family.
    PerFamily,
    /// One multiprotocol session between the two ends' IPv6 link-local addresses, carrying
    /// IPv6 and (with extended next hop) IPv4.
    LinkLocal,
}

impl SessionMode {
    /// `per-family` or `link-local`, as in the peer file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PerFamily => "per-family",
            Self::LinkLocal => "link-local",
        }
    }
}

impl fmt::Display for SessionMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One BGP session over the tunnel, directly connected (never multihop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Our tunnel address the session runs from (the rendered side's).
    pub local_address: IpAddr,
    /// The other end's tunnel address: the neighbour.
    pub neighbor: IpAddr,
    /// The families the session carries, in [`Family::ALL`] order, never empty.
    pub families: Vec<Family>,
    /// IPv4 routes carry an IPv6 next hop (RFC 8950): set exactly when an IPv6 session
    /// carries IPv4.
    pub extended_next_hop: bool,
    /// The neighbour is an IPv6 link-local address, so both daemons must be told the
    /// interface (the tunnel's name): BIRD `interface "NAME"`, FRR `neighbor X interface
    /// NAME`.
    pub needs_interface: bool,
}

impl Session {
    /// Whether the session carries `family`.
    pub fn carries(&self, family: Family) -> bool {
        self.families.contains(&family)
    }

    /// The family of the session's own addresses (of its transport).
    pub fn transport(&self) -> Family {
        Family::of(self.neighbor)
    }
}

/// A prefix an end announces, with the longest more-specific it may announce of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announce {
    /// The network, without host bits.
    pub prefix: IpNet,
    /// The longest prefix length accepted within `prefix` (BIRD `{len,max}`, FRR `le
    /// max`); `None`: exactly `prefix`.
    pub max_length: Option<u8>,
}

impl Announce {
    /// The family of the prefix.
    pub fn family(&self) -> Family {
        Family::of(self.prefix.addr())
    }

    /// The longest prefix length accepted: `max_length`, else the prefix's own.
    pub fn effective_max_length(&self) -> u8 {
        self.max_length.unwrap_or(self.prefix.prefix_len())
    }
}

/// Names of policies that already exist in one daemon's config on an end's host, used
/// instead of the filters peergen generates from the announce lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamedPolicy {
    /// The import filter (BIRD) or inbound route map (FRR).
    pub import: Option<String>,
    /// The export filter (BIRD) or outbound route map (FRR).
    pub export: Option<String>,
}

/// What belongs to one end of the peering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpEnd {
    /// The end's AS number.
    pub asn: Asn,
    /// What the end announces: its export, and the other end's import.
    pub announce: Vec<Announce>,
    /// The most IPv4 routes the other end accepts from this one before it restarts the
    /// session.
    pub max_prefix_ipv4: u32,
    /// The same for IPv6.
    pub max_prefix_ipv6: u32,
    /// The end waits for the other to connect and never dials.
    pub passive: bool,
    /// Existing BIRD filters on this end's host that replace the generated ones.
    pub bird: NamedPolicy,
    /// Existing FRR route maps on this end's host that replace the generated ones.
    pub frr: NamedPolicy,
}

impl BgpEnd {
    /// The prefixes of `family` the end announces.
    pub fn announced(&self, family: Family) -> impl Iterator<Item = &Announce> {
        self.announce.iter().filter(move |a| a.family() == family)
    }

    /// The limit on routes of `family` from this end.
    pub fn max_prefix(&self, family: Family) -> u32 {
        match family {
            Family::Ipv4 => self.max_prefix_ipv4,
            Family::Ipv6 => self.max_prefix_ipv6,
        }
    }
}

/// The BGP peering over the tunnel, seen from one side like the rest of the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bgp {
    /// How the sessions were chosen.
    pub mode: SessionMode,
    /// The sessions, IPv4 before IPv6; never empty.
    pub sessions: Vec<Session>,
    /// The rendered side's end: its `announce` is our export filter.
    pub local: BgpEnd,
    /// The other end: its `announce` is our import filter, its limits our import limits.
    pub remote: BgpEnd,
    /// The TCP-MD5 password of every session, the same on both sides: printable ASCII
    /// without space, `"`, `\`, `#`, `!` or `'`, at most [`PASSWORD_MAX_LEN`] bytes.
    pub password: Option<String>,
    /// BFD on every session.
    pub bfd: bool,
    /// TTL security (GTSM, RFC 5082): both sides send TTL 255 and accept only 255 (BIRD
    /// `ttl security on`, FRR `ttl-security hops 1`).
    pub ttl_security: bool,
    /// The proposed hold time in seconds (0 or 3–65535); `None`: each daemon's default.
    pub hold_time: Option<u16>,
}

impl Bgp {
    /// The same peering seen from the other side: the ends swap, and so does each
    /// session's pair of addresses. Our export becomes their import.
    pub fn for_other_side(&self) -> Bgp {
        let mut bgp = self.clone();
        std::mem::swap(&mut bgp.local, &mut bgp.remote);
        for s in &mut bgp.sessions {
            std::mem::swap(&mut s.local_address, &mut s.neighbor);
        }
        bgp
    }

    /// The prefixes we announce of `family` (our export filter).
    pub fn exports(&self, family: Family) -> impl Iterator<Item = &Announce> {
        self.local.announced(family)
    }

    /// The prefixes we accept of `family` (our import filter): what the other end announces.
    pub fn imports(&self, family: Family) -> impl Iterator<Item = &Announce> {
        self.remote.announced(family)
    }

    /// Our import limit for `family`: the other end's `max-prefix`.
    pub fn import_limit(&self, family: Family) -> u32 {
        self.remote.max_prefix(family)
    }

    /// The name of `session`'s `protocol bgp` in BIRD for the tunnel `interface`: the
    /// [`daemon_stem`], with the transport family's suffix when there is one session per
    /// family. The renderer and `peergen status` both name sessions through it.
    pub fn bird_protocol(&self, interface: &str, session: &Session) -> String {
        let stem = daemon_stem(interface);
        match self.mode {
            SessionMode::PerFamily => format!("{stem}{}", session.transport().suffix()),
            SessionMode::LinkLocal => stem,
        }
    }

    /// The families any session carries.
    pub fn families(&self) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| self.sessions.iter().any(|s| s.carries(*f)))
            .collect()
    }
}

impl Bgp {
    /// The resolved peering in a few lines, for `peergen check` style summaries and
    /// snapshots: the sessions with their addresses and families, then each end.
    pub fn explanation(&self) -> String {
        let mut out = format!(
            "AS{} to AS{}, {} sessions\n",
            self.local.asn, self.remote.asn, self.mode
        );
        for s in &self.sessions {
            let families: Vec<&str> = s.families.iter().map(|f| f.as_str()).collect();
            out.push_str(&format!(
                "session {} to {}{}: {}{}\n",
                s.local_address,
                s.neighbor,
                if s.needs_interface {
                    " (on the interface)"
                } else {
                    ""
                },
                families.join(" + "),
                if s.extended_next_hop {
                    ", extended next hop"
                } else {
                    ""
                },
            ));
        }
        for (name, end) in [("local", &self.local), ("remote", &self.remote)] {
            let announce: Vec<String> = end
                .announce
                .iter()
                .map(|a| match a.max_length {
                    Some(m) => format!("{} up to /{m}", a.prefix),
                    None => a.prefix.to_string(),
                })
                .collect();
            out.push_str(&format!(
                "{name} announces: {}; limits ipv4 {}, ipv6 {}{}\n",
                if announce.is_empty() {
                    "nothing".to_owned()
                } else {
                    announce.join(", ")
                },
                end.max_prefix_ipv4,
                end.max_prefix_ipv6,
                if end.passive { "; passive" } else { "" },
            ));
            for (daemon, policy) in [("bird", &end.bird), ("frr", &end.frr)] {
                if let Some(import) = &policy.import {
                    out.push_str(&format!("{name} {daemon} import policy: {import}\n"));
                }
                if let Some(export) = &policy.export {
                    out.push_str(&format!("{name} {daemon} export policy: {export}\n"));
                }
            }
        }
        let mut options = Vec::new();
        if self.password.is_some() {
            options.push("password".to_owned());
        }
        if self.bfd {
            options.push("bfd".to_owned());
        }
        if self.ttl_security {
            options.push("ttl security".to_owned());
        }
        if let Some(h) = self.hold_time {
            options.push(format!("hold time {h}"));
        }
        if !options.is_empty() {
            out.push_str(&format!("options: {}\n", options.join(", ")));
        }
        out
    }
}

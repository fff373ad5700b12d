//! Tunnel MTU: computed from the kind, underlay family, options and underlay MTU, and
//! always returned with the sum that produced it, so rendered files can say how.
//!
//! Overheads (REFERENCE.md): outer IPv4 20 / IPv6 40, GRE 4 (+4 for a key), the IPv6
//! encapsulation-limit option 8, UDP 8, WireGuard 32, VXLAN 8, inner Ethernet 14.

use std::fmt;

use crate::tunnel::{EncapLimit, Tunnel};

/// The IP family of the underlay, when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// How the MTU was computed: underlay MTU minus a sum of named header sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MtuComputation {
    /// The MTU of the path under the tunnel.
    pub underlay_mtu: u32,
    /// Each header and its size in bytes, outermost first.
    pub parts: Vec<(&'static str, u32)>,
}

impl MtuComputation {
    /// Total bytes added per packet.
    pub fn overhead(&self) -> u32 {
        self.parts.iter().map(|(_, n)| n).sum()
    }

    /// The largest inner packet that fits; can be below 68 for absurd underlay MTUs,
    /// which validation reports.
    pub fn value(&self) -> i64 {
        i64::from(self.underlay_mtu) - i64::from(self.overhead())
    }
}

impl fmt::Display for MtuComputation {
    /// `1476 = 1500 - 24 (IPv4 20 + GRE 4)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written piece by piece: every rendered file's header has this line.
        write!(
            f,
            "{} = {} - {} (",
            self.value(),
            self.underlay_mtu,
            self.overhead()
        )?;
        for (i, (name, n)) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(" + ")?;
            }
            write!(f, "{name} {n}")?;
        }
        f.write_str(")")
    }
}

/// The MTU a peer's tunnel interface gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mtu {
    /// The value to configure.
    pub value: u32,
    /// What peergen computed (always present, also when the user overrides it).
    pub computed: MtuComputation,
    /// `true` when `value` comes from the peer file's `mtu`.
    pub from_user: bool,
}

impl Mtu {
    /// One line for a rendered file's header comment.
    pub fn explanation(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Mtu {
    /// [`Mtu::explanation`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from_user {
            write!(
                f,
                "{} (set in the peer file; computed: {})",
                self.value, self.computed
            )
        } else {
            self.computed.fmt(f)
        }
    }
}

/// The outer IP header for `family`; a WireGuard host-name endpoint may resolve to either
/// family, so the larger IPv6 header is assumed.
fn outer_ip(family: Option<Family>) -> (&'static str, u32) {
    match family {
        Some(Family::V4) => ("IPv4", 20),
        Some(Family::V6) => ("IPv6", 40),
        None => ("IPv6 (host name endpoint, worst case)", 40),
    }
}

/// Computes the MTU for `tunnel` over an underlay of `family` with `underlay_mtu`.
pub fn compute_mtu(tunnel: &Tunnel, family: Option<Family>, underlay_mtu: u32) -> MtuComputation {
    let mut parts = vec![outer_ip(family)];
    let gre = |parts: &mut Vec<(&'static str, u32)>, key: Option<u32>| {
        parts.push(("GRE", 4));
        if key.is_some() {
            parts.push(("GRE key", 4));
        }
    };
    let encap = |parts: &mut Vec<(&'static str, u32)>, limit: EncapLimit| {
        if limit.adds_option() {
            parts.push(("encapsulation limit", 8));
        }
    };
    match tunnel {
        Tunnel::Wireguard(_) => parts.extend([("UDP", 8), ("WireGuard", 32)]),
        Tunnel::Gre(o) => gre(&mut parts, o.key),
        Tunnel::Sit(_) => {}
        Tunnel::Ip6Gre(o) => {
            encap(&mut parts, o.encap_limit);
            gre(&mut parts, o.key);
        }
        Tunnel::Gretap(o) => {
            gre(&mut parts, o.key);
            parts.push(("Ethernet", 14));
        }
        Tunnel::Ip6Gretap(o) => {
            encap(&mut parts, o.encap_limit);
            gre(&mut parts, o.key);
            parts.push(("Ethernet", 14));
        }
        Tunnel::Vxlan(_) => parts.extend([("UDP", 8), ("VXLAN", 8), ("Ethernet", 14)]),
    }
    MtuComputation {
        underlay_mtu,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tunnel::*;

    fn mtu(tunnel: Tunnel, family: Option<Family>) -> i64 {
        compute_mtu(&tunnel, family, 1500).value()
    }

    /// The table in REFERENCE.md, row by row.
    #[test]
    fn reference_table() {
        let wg = || {
            Tunnel::Wireguard(WireguardOptions {
                persistent_keepalive: None,
                allowed_ips: vec![],
                preshared_key_file: None,
            })
        };
        assert_eq!(mtu(wg(), Some(Family::V4)), 1440);
        assert_eq!(mtu(wg(), Some(Family::V6)), 1420);
        assert_eq!(mtu(wg(), None), 1420);
        assert_eq!(
            mtu(Tunnel::Gre(GreOptions::default()), Some(Family::V4)),
            1476
        );
        let keyed = GreOptions {
            key: Some(42),
            ttl: Ttl::DEFAULT,
        };
        assert_eq!(mtu(Tunnel::Gre(keyed), Some(Family::V4)), 1472);
        assert_eq!(
            mtu(Tunnel::Sit(SitOptions::default()), Some(Family::V4)),
            1480
        );
        let ip6 = Ip6GreOptions::default();
        assert_eq!(mtu(Tunnel::Ip6Gre(ip6), Some(Family::V6)), 1448);
        let no_limit = Ip6GreOptions {
            encap_limit: EncapLimit::None,
            ..ip6
        };
        // 40 + 4 = 44 (REFERENCE.md's "1452" in its prose is a typo for 1456).
        assert_eq!(mtu(Tunnel::Ip6Gre(no_limit), Some(Family::V6)), 1456);
        assert_eq!(
            mtu(Tunnel::Gretap(GreOptions::default()), Some(Family::V4)),
            1462
        );
        assert_eq!(mtu(Tunnel::Ip6Gretap(ip6), Some(Family::V6)), 1434);
        let vx = VxlanOptions {
            vni: 1,
            port: 4789,
            ttl: Ttl::DEFAULT,
        };
        assert_eq!(mtu(Tunnel::Vxlan(vx), Some(Family::V4)), 1450);
        assert_eq!(mtu(Tunnel::Vxlan(vx), Some(Family::V6)), 1430);
    }

    #[test]
    fn explanation_names_every_header() {
        let c = compute_mtu(&Tunnel::Gre(GreOptions::default()), Some(Family::V4), 1500);
        assert_eq!(c.to_string(), "1476 = 1500 - 24 (IPv4 20 + GRE 4)");
    }
}

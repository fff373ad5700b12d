//! Every numeric range and built-in default of the peer file and the site file, defined
//! once.
//!
//! Validation checks against these and names them in its messages; the raw structs'
//! `#[schemars(range(…), extend("default" = …))]` attributes put them into the JSON Schema
//! (`peergen schema`); `peergen init` writes them into its starter files; and a test holds
//! the key tables of `docs/peer-file.md` (and the schema's descriptions, which come from
//! doc comments and so cannot name a constant) to the schema built from them. Changing a
//! value here changes all of those, or fails that test until the prose follows.

use std::fmt;
use std::ops::RangeInclusive;

use serde::Serialize;

/// The integers a key accepts, both bounds included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Range {
    /// The smallest accepted value.
    pub min: i64,
    /// The largest accepted value.
    pub max: i64,
}

impl Range {
    /// `min` to `max`, both included.
    pub const fn new(min: i64, max: i64) -> Self {
        Self { min, max }
    }

    /// The same range as a standard inclusive range.
    pub const fn inclusive(self) -> RangeInclusive<i64> {
        self.min..=self.max
    }

    /// Whether `value` is accepted.
    pub const fn contains(self, value: i64) -> bool {
        self.min <= value && value <= self.max
    }
}

/// "MIN to MAX", as messages, docs and starter files write a range.
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.min, self.max)
    }
}

/// The longest interface `name`, in characters: the kernel's 15 (`IFNAMSIZ` less the
/// terminating zero), which wg-quick and networkd enforce too.
pub const INTERFACE_NAME_MAX_CHARS: usize = 15;

/// `mtu`: the kernel refuses less than 68 (the IPv4 minimum) and more than 65535.
pub const MTU: Range = Range::new(68, 65_535);

/// The smallest MTU of a link that carries IPv6 (RFC 8200), and so of a tunnel with an
/// IPv6 address and of an IPv6 underlay path.
pub const IPV6_MIN_MTU: i64 = 1280;

/// `underlay-mtu` over IPv4 (576, the datagram every IPv4 host must accept); over IPv6 the
/// minimum is [`IPV6_MIN_MTU`].
pub const UNDERLAY_MTU: Range = Range::new(576, 65_535);

/// `underlay-mtu` when neither the peer file nor the site file sets one: Ethernet.
pub const DEFAULT_UNDERLAY_MTU: u32 = 1500;

/// A UDP port: WireGuard's `port` of each end and `[vxlan] port`.
pub const PORT: Range = Range::new(1, 65_535);

/// `[wireguard] persistent-keepalive`, in seconds; 0 turns keepalives off.
pub const PERSISTENT_KEEPALIVE: Range = Range::new(0, 65_535);

/// A GRE `key`: 32 bits without 0, which networkd and netplan read as "no key" while
/// iproute2 sends a zero key.
pub const GRE_KEY: Range = Range::new(1, 4_294_967_295);

/// A fixed outer `ttl` (IPv6: hop limit).
pub const TTL: Range = Range::new(1, 255);

/// The outer TTL when `ttl` is not set: the underlay's hops never eat into the inner
/// packet's TTL (eBGP sends TTL 1).
pub const DEFAULT_TTL: u8 = 255;

/// `encap-limit` as a number.
pub const ENCAP_LIMIT: Range = Range::new(0, 255);

/// `[vxlan] vni`: 24 bits without 0.
pub const VNI: Range = Range::new(1, 16_777_215);

/// `[vxlan] port` when not set: the IANA port (Linux itself would use 8472).
pub const DEFAULT_VXLAN_PORT: u16 = 4789;

/// A route's `metric`: netplan 0.106 writes larger numbers as negative ones.
pub const ROUTE_METRIC: Range = Range::new(0, 2_147_483_647);

/// A route's numeric `table`: netplan 0.106 writes larger numbers as negative ones.
pub const ROUTE_TABLE: Range = Range::new(1, 2_147_483_647);

/// `[wireguard] allowed-ips` when not set: everything, so a BGP daemon decides what is
/// routed.
pub const DEFAULT_ALLOWED_IPS: [&str; 2] = ["0.0.0.0/0", "::/0"];

/// The folder of WireGuard private keys when the site file names none: the default
/// `private-key-file` is `DIR/NAME.key`.
pub const DEFAULT_KEY_DIRECTORY: &str = "/etc/wireguard";

/// The site file's `[render] file-prefix` when not set: the prefix of networkd and netplan
/// file names, which sets their order.
pub const DEFAULT_FILE_PREFIX: &str = "10-";

/// The longest `[render] file-prefix`, in characters.
pub const FILE_PREFIX_MAX_CHARS: usize = 16;

/// The longest `description`, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 255;

/// A BGP AS number (`asn` of an end, the site file's `[local] asn`): 32 bits without 0
/// and 4294967295, which RFC 7300 reserves. [`RESERVED_ASNS`] lists the numbers inside
/// the range that are never an AS either.
pub const ASN: Range = Range::new(1, 4_294_967_294);

/// AS_TRANS (RFC 6793): stands in for a 4-byte AS number towards old speakers; never the
/// AS of a network.
pub const AS_TRANS: u32 = 23_456;

/// AS numbers that are never an AS: RFC 7300's 0, 65535 and 4294967295, and RFC 6793's
/// [`AS_TRANS`]. The schema refuses them too (`not` / `enum`).
pub const RESERVED_ASNS: [u32; 4] = [0, AS_TRANS, 65_535, u32::MAX];

/// `max-prefix-ipv4` / `max-prefix-ipv6` of an end: how many routes of a family the other
/// end accepts from it before it restarts the session. 0 would refuse every route.
pub const BGP_MAX_PREFIX: Range = Range::new(1, 4_294_967_295);

/// `max-prefix-ipv4` / `max-prefix-ipv6` when not set.
pub const DEFAULT_BGP_MAX_PREFIX: u32 = 1_000;

/// `[bgp] hold-time` other than [`BGP_HOLD_TIME_OFF`], in seconds: RFC 4271 allows 0 or at
/// least 3, and the field has 16 bits.
pub const BGP_HOLD_TIME: Range = Range::new(3, 65_535);

/// The one `[bgp] hold-time` outside [`BGP_HOLD_TIME`]: no keepalives, the session is
/// never timed out.
pub const BGP_HOLD_TIME_OFF: i64 = 0;

/// The longest `[bgp] password`, in characters (printable ASCII, so also bytes): a TCP-MD5
/// key has at most 80 bytes (RFC 2385, Linux `TCP_MD5SIG_MAXKEYLEN`).
pub const BGP_PASSWORD_MAX_CHARS: usize = 80;

/// The longest name of a daemon filter or route map an end names
/// (`bird-import-filter`, `frr-route-map-in`, …), in characters.
pub const BGP_POLICY_NAME_MAX_CHARS: usize = 32;

/// An `announce` entry's `max-length`, over both families: 0 to the longest IPv6 prefix.
/// Within it an entry accepts its own prefix's length to its family's longest (32 for
/// IPv4, 128 for IPv6), which only validation can check.
pub const ANNOUNCE_MAX_LENGTH: Range = Range::new(0, 128);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_print_as_the_docs_write_them() {
        assert_eq!(TTL.to_string(), "1 to 255");
        assert_eq!(GRE_KEY.to_string(), "1 to 4294967295");
    }

    #[test]
    fn bgp_bounds_are_those_of_the_protocol() {
        // The range's ends are the outermost reserved numbers; the others lie inside.
        assert_eq!(ASN.min - 1, i64::from(RESERVED_ASNS[0]));
        assert_eq!(ASN.max + 1, i64::from(RESERVED_ASNS[3]));
        assert!(RESERVED_ASNS[1..3]
            .iter()
            .all(|&n| ASN.contains(i64::from(n))));
        assert_eq!(BGP_MAX_PREFIX.max, i64::from(u32::MAX));
        assert_eq!(BGP_HOLD_TIME.max, i64::from(u16::MAX));
        assert_eq!(
            ANNOUNCE_MAX_LENGTH.max,
            i64::from(crate::bgp::Family::Ipv6.max_prefix_len())
        );
    }

    #[test]
    fn defaults_lie_in_their_ranges() {
        assert!(UNDERLAY_MTU.contains(i64::from(DEFAULT_UNDERLAY_MTU)));
        assert!(TTL.contains(i64::from(DEFAULT_TTL)));
        assert!(PORT.contains(i64::from(DEFAULT_VXLAN_PORT)));
        assert!(MTU.contains(IPV6_MIN_MTU) && UNDERLAY_MTU.contains(IPV6_MIN_MTU));
        assert!(DEFAULT_FILE_PREFIX.len() <= FILE_PREFIX_MAX_CHARS);
        assert!(BGP_MAX_PREFIX.contains(i64::from(DEFAULT_BGP_MAX_PREFIX)));
        assert!(!BGP_HOLD_TIME.contains(BGP_HOLD_TIME_OFF));
        for net in DEFAULT_ALLOWED_IPS {
            let parsed: ipnet::IpNet = net.parse().expect(net);
            assert_eq!(parsed, parsed.trunc(), "{net} is a network");
        }
    }
}

//! The peer file as written: serde structs that keep every value's span.
//!
//! Only the shape is checked here (known keys, TOML types). Numbers stay `i64` and
//! addresses stay strings so that [`crate::validate`] can report range and syntax problems
//! with peergen's own messages, locations and fixes.
//!
//! The same structs derive the peer file's JSON Schema (`peergen schema`), so their doc
//! comments are what editors show for each key: type, default and rule, as in
//! docs/peer-file.md. `Spanned` has no schema of its own; `#[schemars(with = …)]` names the
//! plain type it wraps. Ranges and defaults in the attributes are the constants of
//! [`crate::limits`], which validation applies; a doc comment cannot name a constant, so a
//! test holds each description to its schema's range and default.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::kind::TunnelKind;
use crate::limits;

/// A spanned string.
pub type Text = Spanned<String>;
/// A spanned integer, range-checked later.
pub type Int = Spanned<i64>;

/// A peergen peer file: one tunnel between this host (`[local]`) and a peer (`[remote]`).
/// Top-level keys come before the first `[table]`; only the options table named by `kind`
/// may appear.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "PeerFile")]
pub struct RawPeer {
    /// Required. The interface name, the same on both hosts: 1 to 15 characters of
    /// `a-z A-Z 0-9 _ = + . -`, not `.` or `..`, and not a device the kernel creates itself
    /// (`gre0`, `gretap0`, `erspan0`, `ip6gre0`, `ip6tnl0`, `sit0`, `tunl0`, `ip_vti0`,
    /// `ip6_vti0`).
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_=+.-]{1,15}$"))]
    pub name: Text,
    /// Required. The tunnel kind, lower case: `wireguard`, `gre` (over IPv4), `sit` (6in4),
    /// `ip6gre` (GRE over IPv6), `gretap`, `ip6gretap` (layer 2 over GRE) or `vxlan`.
    #[schemars(schema_with = "kind_schema")]
    pub kind: Text,
    /// Optional free text for the rendered files: at most 255 characters, no control
    /// characters, line breaks or tabs.
    #[schemars(with = "Option<String>", length(max = limits::DESCRIPTION_MAX_CHARS))]
    pub description: Option<Text>,
    /// Optional tunnel interface MTU, 68 to 65535 (at least 1280 when any tunnel address is
    /// IPv6). Default: computed from `underlay-mtu` minus the headers of the kind (e.g.
    /// 1440 for WireGuard over IPv4); a value above the computed one only warns.
    #[schemars(with = "Option<i64>", range(min = limits::MTU.min, max = limits::MTU.max))]
    pub mtu: Option<Int>,
    /// Optional MTU of the path between the two endpoints, from which the tunnel MTU is
    /// computed: 576 to 65535 over IPv4, 1280 to 65535 over IPv6. Default: the site file's
    /// `underlay-mtu`, else 1500.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::UNDERLAY_MTU.min, max = limits::UNDERLAY_MTU.max),
        extend("default" = limits::DEFAULT_UNDERLAY_MTU)
    )]
    pub underlay_mtu: Option<Int>,
    /// Required. This host's end of the tunnel: the files rendered by default are for it.
    #[schemars(with = "RawEnd")]
    pub local: Spanned<RawEnd>,
    /// Required. The other operator's end, with the same keys as `[local]`; rendered with
    /// `--side remote`.
    #[schemars(with = "RawEnd")]
    pub remote: Spanned<RawEnd>,
    /// WireGuard options, only for `kind = "wireguard"`; all optional.
    #[schemars(with = "Option<RawWireguard>")]
    pub wireguard: Option<Spanned<RawWireguard>>,
    /// GRE options, only for `kind = "gre"`; all optional.
    #[schemars(with = "Option<RawGre>")]
    pub gre: Option<Spanned<RawGre>>,
    /// SIT (6in4) options, only for `kind = "sit"`; all optional.
    #[schemars(with = "Option<RawSit>")]
    pub sit: Option<Spanned<RawSit>>,
    /// GRE-over-IPv6 options, only for `kind = "ip6gre"`; all optional.
    #[schemars(with = "Option<RawIp6Gre>")]
    pub ip6gre: Option<Spanned<RawIp6Gre>>,
    /// GRETAP options (same keys as `[gre]`), only for `kind = "gretap"`; all optional.
    #[schemars(with = "Option<RawGre>")]
    pub gretap: Option<Spanned<RawGre>>,
    /// ip6gretap options (same keys as `[ip6gre]`), only for `kind = "ip6gretap"`; all
    /// optional.
    #[schemars(with = "Option<RawIp6Gre>")]
    pub ip6gretap: Option<Spanned<RawIp6Gre>>,
    /// VXLAN options, only for `kind = "vxlan"`, and required for it (`vni`).
    #[schemars(with = "Option<RawVxlan>")]
    pub vxlan: Option<Spanned<RawVxlan>>,
    /// The eBGP peering over the tunnel, rendered by the `bird` and `frr` backends for both
    /// sides; its presence turns the session on. Needs `asn` on both ends. All keys
    /// optional.
    #[schemars(with = "Option<RawBgp>")]
    pub bgp: Option<Spanned<RawBgp>>,
}

/// One end of the tunnel, `[local]` or `[remote]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "End")]
pub struct RawEnd {
    /// The end's underlay (public) address: one literal IPv4 or IPv6 address without
    /// brackets, port or prefix length; WireGuard also accepts a DNS host name. Its family
    /// must suit the kind and be the same on both ends. Required, except for WireGuard
    /// (an end without one only dials out); `[local]` may take it from the site file.
    #[schemars(with = "Option<String>")]
    pub endpoint: Option<Text>,
    /// Addresses of the tunnel interface on this end, each `ADDRESS/PREFIX` (e.g.
    /// `"172.31.0.1/31"`, `"fe80::1/64"`). Required (at least one) for `wireguard`, `gre`,
    /// `sit` (IPv6 only) and `ip6gre`; optional for the layer 2 kinds. The other end needs
    /// an address in the same subnet with the same prefix length, or a `/32` / `/128`
    /// partner of the same family.
    #[schemars(
        with = "Option<Vec<String>>",
        extend("uniqueItems" = true),
        inner(regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))
    )]
    pub addresses: Option<Spanned<Vec<Text>>>,
    /// WireGuard only: the UDP port this end listens on, 1 to 65535. Required when the end
    /// has an `endpoint`, since the other end sends there. (The VXLAN port is
    /// `[vxlan] port`.)
    #[schemars(with = "Option<i64>", range(min = limits::PORT.min, max = limits::PORT.max))]
    pub port: Option<Int>,
    /// WireGuard only, required: this end's public key as `wg pubkey` or `peergen pubkey`
    /// prints it (44 characters of base64). The two ends' keys must differ.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")
    )]
    pub public_key: Option<Text>,
    /// WireGuard only: absolute path of this end's private key on that end's host; rendered
    /// files reference it and never contain the key. No whitespace, quotes, backquotes, `$`,
    /// `\` or `;`. Default: `DIR/NAME.key` with the site file's `key-directory`, else
    /// `/etc/wireguard/NAME.key`.
    #[schemars(with = "Option<String>", regex(pattern = r#"^/[^\s"'`$\\;]*$"#))]
    pub private_key_file: Option<Text>,
    /// WireGuard only, discouraged: the private key itself (base64). An explicit opt-in that
    /// puts the secret into every rendered file for this end (a warning; such files are
    /// written mode 0600). Not together with `private-key-file`.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")
    )]
    pub private_key: Option<Text>,
    /// WireGuard only: the prefixes reachable through this end, which the other end accepts
    /// from it and routes to it: networks `ADDRESS/PREFIX` without host bits, each once, not
    /// empty. Default: `[wireguard] allowed-ips`.
    #[schemars(
        with = "Option<Vec<String>>",
        length(min = 1),
        extend("uniqueItems" = true),
        inner(regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))
    )]
    pub allowed_ips: Option<Spanned<Vec<Text>>>,
    /// Routes this end's host installs through the tunnel (`[remote]`'s are rendered with
    /// `--side remote`). Each is a network `ADDRESS/PREFIX` without host bits, or an inline
    /// table `{ to = "PREFIX", metric = N, table = N }` with optional `metric` (0 to
    /// 2147483647; default the kernel's) and `table` (a numeric routing table, 1 to
    /// 2147483647; default main). Nothing else installs routes: WireGuard's
    /// `allowed-ips` only filter, and with BGP the daemon routes. Default: none.
    #[schemars(with = "Option<Vec<RawRoute>>")]
    pub routes: Option<Spanned<Vec<Spanned<RawRoute>>>>,
    /// Layer 2 kinds only (`gretap`, `ip6gretap`, `vxlan`): the bridge on this end's host
    /// that the tunnel joins as a port, extending its broadcast domain to the other end.
    /// The bridge is the host's: peergen neither creates nor configures it. An interface
    /// name (same rule as `name`, and not the tunnel's own). An end with a bridge has no
    /// `addresses` or `routes`: they belong on the bridge. Default: no bridge.
    #[schemars(with = "Option<String>", regex(pattern = r"^[A-Za-z0-9_=+.-]{1,15}$"))]
    pub bridge: Option<Text>,
    /// BGP: this end's AS number, 1 to 4294967294, not 23456 (AS_TRANS) or 65535. Required
    /// on both ends with `[bgp]` (`[local]` may take it from the site file); the two must
    /// differ (eBGP).
    #[schemars(
        with = "Option<i64>",
        range(min = limits::ASN.min, max = limits::ASN.max),
        extend("not" = { "enum": limits::RESERVED_ASNS })
    )]
    pub asn: Option<Int>,
    /// BGP: the prefixes this end announces: its export filter, and the other end's import
    /// filter. Each a network `ADDRESS/PREFIX` without host bits, or an inline table
    /// `{ prefix = "PREFIX", max-length = N }` that also accepts more-specifics up to
    /// `/N`. Of a family a session carries. Default: none (nothing is announced or
    /// accepted).
    #[schemars(with = "Option<Vec<RawAnnounce>>", extend("uniqueItems" = true))]
    pub announce: Option<Spanned<Vec<Spanned<RawAnnounce>>>>,
    /// BGP: the most IPv4 routes the other end accepts from this end; more restart the
    /// session. 1 to 4294967295. Default: 1000.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::BGP_MAX_PREFIX.min, max = limits::BGP_MAX_PREFIX.max),
        extend("default" = limits::DEFAULT_BGP_MAX_PREFIX)
    )]
    pub max_prefix_ipv4: Option<Int>,
    /// BGP: the same limit for IPv6 routes, 1 to 4294967295. Default: 1000.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::BGP_MAX_PREFIX.min, max = limits::BGP_MAX_PREFIX.max),
        extend("default" = limits::DEFAULT_BGP_MAX_PREFIX)
    )]
    pub max_prefix_ipv6: Option<Int>,
    /// BGP: this end never dials and waits for the other. Default: `true` when only the
    /// other end has no `endpoint` (that end dials), else `false`. Not on both ends.
    #[schemars(with = "Option<bool>")]
    pub passive: Option<Spanned<bool>>,
    /// BGP: the name of an existing BIRD filter on this end's host to import with, instead
    /// of the one generated from the other end's `announce`: a letter, then letters,
    /// digits, `_` or `-`, at most 32 characters.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z][A-Za-z0-9_-]*$"),
        length(max = limits::BGP_POLICY_NAME_MAX_CHARS)
    )]
    pub bird_import_filter: Option<Text>,
    /// BGP: the name of an existing BIRD filter on this end's host to export with, instead
    /// of the one generated from this end's `announce`. Same rule as `bird-import-filter`:
    /// at most 32 characters.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z][A-Za-z0-9_-]*$"),
        length(max = limits::BGP_POLICY_NAME_MAX_CHARS)
    )]
    pub bird_export_filter: Option<Text>,
    /// BGP: the name of an existing FRR route map on this end's host for what it receives,
    /// instead of the one generated from the other end's `announce`. Same rule as
    /// `bird-import-filter`: at most 32 characters.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z][A-Za-z0-9_-]*$"),
        length(max = limits::BGP_POLICY_NAME_MAX_CHARS)
    )]
    pub frr_route_map_in: Option<Text>,
    /// BGP: the name of an existing FRR route map on this end's host for what it sends,
    /// instead of the one generated from this end's `announce`. Same rule as
    /// `bird-import-filter`: at most 32 characters.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[A-Za-z][A-Za-z0-9_-]*$"),
        length(max = limits::BGP_POLICY_NAME_MAX_CHARS)
    )]
    pub frr_route_map_out: Option<Text>,
}

/// One entry of `announce`: a prefix, or a table with the prefix and its longest
/// more-specific.
#[derive(Debug, JsonSchema)]
#[schemars(untagged, rename = "Announce")]
pub enum RawAnnounce {
    /// `"PREFIX"`: exactly this prefix.
    Prefix(#[schemars(regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))] String),
    /// `{ prefix = "PREFIX", max-length = N }`.
    Table(RawAnnounceTable),
}

/// The table form of an `announce` entry.
#[derive(Debug, JsonSchema)]
#[schemars(
    rename = "AnnounceTable",
    rename_all = "kebab-case",
    deny_unknown_fields
)]
pub struct RawAnnounceTable {
    /// Required. The network, `ADDRESS/PREFIX` without host bits.
    #[schemars(with = "String", regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))]
    pub prefix: Option<Text>,
    /// The longest prefix length accepted within `prefix`, 0 to 128: from the prefix's own
    /// length to 32 (IPv4) or 128 (IPv6). Default: the prefix's own length (exactly the
    /// prefix).
    #[schemars(
        with = "Option<i64>",
        range(min = limits::ANNOUNCE_MAX_LENGTH.min, max = limits::ANNOUNCE_MAX_LENGTH.max)
    )]
    pub max_length: Option<Int>,
}

// Read by hand, as a route is: toml keeps the spans of a table's values only through its
// own deserializer, which `#[serde(untagged)]` bypasses. Unknown keys are reported by the
// shape check before this runs.
impl<'de> Deserialize<'de> for RawAnnounce {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawAnnounce;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a prefix string or a table { prefix = \"PREFIX\", max-length = N }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawAnnounce, E> {
                Ok(RawAnnounce::Prefix(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawAnnounce, A::Error> {
                let mut table = RawAnnounceTable {
                    prefix: None,
                    max_length: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "prefix" => table.prefix = Some(map.next_value()?),
                        "max-length" => table.max_length = Some(map.next_value()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(
                                other,
                                &["prefix", "max-length"],
                            ))
                        }
                    }
                }
                Ok(RawAnnounce::Table(table))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `[bgp]`: the eBGP peering over the tunnel, the same for both ends.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Bgp")]
pub struct RawBgp {
    /// `"per-family"`: one session per family between the two ends' tunnel addresses of
    /// that family; `"link-local"`: one session between the ends' `fe80::/64` addresses
    /// carrying IPv6 and IPv4 (with extended next hop). Default: `"per-family"` when both
    /// ends have IPv4 tunnel addresses, else `"link-local"` when both have an `fe80::/64`
    /// address, else `"per-family"`.
    #[schemars(with = "Option<String>", extend("enum" = ["per-family", "link-local"]))]
    pub sessions: Option<Text>,
    /// The families exchanged: `"ipv4"`, `"ipv6"`. Default: `"per-family"`: every family
    /// both ends have tunnel addresses of; `"link-local"`: both (IPv6 only for `sit`).
    #[schemars(
        with = "Option<Vec<String>>",
        length(min = 1),
        extend("uniqueItems" = true),
        inner(regex(pattern = r"^ipv[46]$"))
    )]
    pub families: Option<Spanned<Vec<Text>>>,
    /// IPv4 routes with an IPv6 next hop (RFC 8950) on the link-local session. Default:
    /// `true` exactly when the link-local session carries IPv4, which needs it.
    #[schemars(with = "Option<bool>")]
    pub extended_next_hop: Option<Spanned<bool>>,
    /// The TCP-MD5 password of the sessions, the same on both sides: printable ASCII
    /// without space, `"`, `\`, `#`, `!` or `'`, at least 1 and at most 80 characters. It
    /// is written into both sides' daemon files (and this file becomes a secret). Default:
    /// none.
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[$%&(-\[\]-~]*$"),
        length(min = 1, max = limits::BGP_PASSWORD_MAX_CHARS)
    )]
    pub password: Option<Text>,
    /// BFD on every session (both sides). Default: `false`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub bfd: Option<Spanned<bool>>,
    /// TTL security (GTSM, RFC 5082) on every session (both sides). Default: `false`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub ttl_security: Option<Spanned<bool>>,
    /// The proposed hold time in seconds, 0 or 3 to 65535: 0 turns keepalives off, and BGP
    /// forbids 1 and 2. Default: each daemon's own (BIRD 240, FRR 180; the session uses the
    /// smaller).
    #[schemars(with = "Option<HoldTime>")]
    pub hold_time: Option<Int>,
}

/// The schema of `[bgp] hold-time`, which is not one range: [`limits::BGP_HOLD_TIME_OFF`]
/// or a number in [`limits::BGP_HOLD_TIME`]. Schema only: the key is read as an integer
/// and checked by validation.
pub struct HoldTime;

impl JsonSchema for HoldTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HoldTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let description = format!(
            "`hold-time`: {} or a number from {}.",
            limits::BGP_HOLD_TIME_OFF,
            limits::BGP_HOLD_TIME
        );
        schemars::json_schema!({
            "description": description,
            "anyOf": [
                {
                    "description": "No keepalives: the session is never timed out.",
                    "type": "integer",
                    "const": limits::BGP_HOLD_TIME_OFF
                },
                {
                    "description": "The hold time in seconds.",
                    "type": "integer",
                    "minimum": limits::BGP_HOLD_TIME.min,
                    "maximum": limits::BGP_HOLD_TIME.max
                }
            ]
        })
    }
}

/// One entry of `routes`: a prefix, or a table with the prefix in `to`.
#[derive(Debug, JsonSchema)]
#[schemars(untagged, rename = "Route")]
pub enum RawRoute {
    /// `"PREFIX"`: a route with the kernel's default metric in the main table.
    Prefix(#[schemars(regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))] String),
    /// `{ to = "PREFIX", metric = N, table = N }`.
    Table(RawRouteTable),
}

/// The table form of a route.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "RouteTable", deny_unknown_fields)]
pub struct RawRouteTable {
    /// Required. The destination network, `ADDRESS/PREFIX` without host bits.
    #[schemars(with = "String", regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))]
    pub to: Text,
    /// The route's metric, 0 to 2147483647 (lower wins; netplan 0.106 writes larger ones as
    /// negative numbers). Default: the kernel's (0 for IPv4, 1024 for IPv6).
    #[schemars(
        with = "Option<i64>",
        range(min = limits::ROUTE_METRIC.min, max = limits::ROUTE_METRIC.max)
    )]
    pub metric: Option<Int>,
    /// The numeric routing table, 1 to 2147483647 (254 is main; names from rt_tables are
    /// not accepted, because netplan takes numbers only, and it writes numbers above
    /// 2147483647 as negative ones). Default: main.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::ROUTE_TABLE.min, max = limits::ROUTE_TABLE.max)
    )]
    pub table: Option<Int>,
}

// A string or a table, read by hand: `#[serde(untagged)]` buffers the value first, which
// loses the spans `Spanned` fields need. Unknown and missing keys of a route never get
// here: the file's shape check reports them first, with their place in the list.
// (`metric` and `table` are optional.)
impl<'de> Deserialize<'de> for RawRoute {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRoute;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a prefix string or a table { to = \"PREFIX\", metric = N, table = N }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawRoute, E> {
                Ok(RawRoute::Prefix(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawRoute, A::Error> {
                use serde::de::Error as _;
                let (mut to, mut metric, mut table) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "to" => to = Some(map.next_value()?),
                        "metric" => metric = Some(map.next_value()?),
                        "table" => table = Some(map.next_value()?),
                        other => {
                            return Err(A::Error::unknown_field(other, &["to", "metric", "table"]))
                        }
                    }
                }
                let to = to.ok_or_else(|| A::Error::missing_field("to"))?;
                Ok(RawRoute::Table(RawRouteTable { to, metric, table }))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `[wireguard]`: WireGuard options for both ends.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Wireguard")]
pub struct RawWireguard {
    /// Seconds between keepalive packets, 0 to 65535; 0 turns them off, 25 keeps NAT
    /// mappings open. Default: off.
    #[schemars(
        with = "Option<i64>",
        range(
            min = limits::PERSISTENT_KEEPALIVE.min,
            max = limits::PERSISTENT_KEEPALIVE.max
        )
    )]
    pub persistent_keepalive: Option<Int>,
    /// What each end accepts from (and routes to) the other: networks `ADDRESS/PREFIX`
    /// without host bits, each once, not empty. With a default route (`/0`) in the list,
    /// wg-quick gets `Table = off` and the BGP daemon owns routing. Default:
    /// `["0.0.0.0/0", "::/0"]`.
    #[schemars(
        with = "Option<Vec<String>>",
        length(min = 1),
        extend("uniqueItems" = true, "default" = limits::DEFAULT_ALLOWED_IPS),
        inner(regex(pattern = r"^[0-9A-Fa-f.:]+/[0-9]{1,3}$"))
    )]
    pub allowed_ips: Option<Spanned<Vec<Text>>>,
    /// Absolute path of the preshared key (`peergen genpsk --out FILE`), the same path on
    /// both hosts; same path rules as `private-key-file`. Default: no preshared key.
    #[schemars(with = "Option<String>", regex(pattern = r#"^/[^\s"'`$\\;]*$"#))]
    pub preshared_key_file: Option<Text>,
}

/// `[gre]` and `[gretap]`: GRE over IPv4.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Gre")]
pub struct RawGre {
    /// The GRE key, used in both directions, 1 to 4294967295 (0 is refused: networkd and
    /// netplan read it as "no key"). Adds 4 bytes per packet. Default: no key.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::GRE_KEY.min, max = limits::GRE_KEY.max)
    )]
    pub key: Option<Int>,
    /// TTL of the outer IPv4 header, 1 to 255, or `"inherit"` to copy the inner packet's
    /// (a warning, and an error with `[bgp]`: eBGP's TTL-1 packets then die at the first
    /// router of the underlay).
    /// Default: 255.
    #[schemars(with = "Option<RawTtl>", extend("default" = limits::DEFAULT_TTL))]
    pub ttl: Option<Spanned<RawTtl>>,
}

/// `[sit]`: SIT (6in4) options.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Sit")]
pub struct RawSit {
    /// TTL of the outer IPv4 header, 1 to 255, or `"inherit"` to copy the inner packet's
    /// (a warning, and an error with `[bgp]`: eBGP's TTL-1 packets then die at the first
    /// router of the underlay).
    /// Default: 255.
    #[schemars(with = "Option<RawTtl>", extend("default" = limits::DEFAULT_TTL))]
    pub ttl: Option<Spanned<RawTtl>>,
}

/// `[ip6gre]` and `[ip6gretap]`: GRE over IPv6.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Ip6Gre")]
pub struct RawIp6Gre {
    /// The GRE key, used in both directions, 1 to 4294967295 (0 is refused: networkd and
    /// netplan read it as "no key"). Adds 4 bytes per packet. Default: no key.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::GRE_KEY.min, max = limits::GRE_KEY.max)
    )]
    pub key: Option<Int>,
    /// Hop limit of the outer IPv6 header, 1 to 255, or `"inherit"` to copy the inner
    /// packet's (a warning, and an error with `[bgp]`: eBGP's TTL-1 packets then die at the
    /// first router of the underlay). Default: 255.
    #[schemars(with = "Option<RawTtl>", extend("default" = limits::DEFAULT_TTL))]
    pub ttl: Option<Spanned<RawTtl>>,
    /// The IPv6 tunnel encapsulation limit option (RFC 2473, 8 bytes per packet): `"none"`
    /// leaves it out, a number 0 to 255 sets the limit. Default: the kernel's (the option is
    /// sent, limit 4).
    #[schemars(with = "Option<RawEncapLimit>")]
    pub encap_limit: Option<Spanned<RawEncapLimit>>,
}

/// `encap-limit`: `"none"` or a number from 0 to 255.
// Any word deserializes, so that validation can explain a wrong one; the schema admits
// only "none".
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "EncapLimit")]
pub enum RawEncapLimit {
    /// A limit, 0 to 255.
    Number(#[schemars(range(min = limits::ENCAP_LIMIT.min, max = limits::ENCAP_LIMIT.max))] i64),
    /// `"none"`: leave the option out.
    Word(#[schemars(extend("enum" = ["none"]))] String),
}

/// `ttl`: a number from 1 to 255 or `"inherit"`.
// Any number or word deserializes, so that validation can explain a wrong one; the schema
// admits only valid values.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Ttl")]
pub enum RawTtl {
    /// A fixed TTL, 1 to 255.
    Number(#[schemars(range(min = limits::TTL.min, max = limits::TTL.max))] i64),
    /// `"inherit"`: copy the inner packet's TTL.
    Word(#[schemars(extend("enum" = ["inherit"]))] String),
}

/// `[vxlan]`: VXLAN options; required for `kind = "vxlan"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Vxlan")]
pub struct RawVxlan {
    /// Required. The VXLAN network identifier, 1 to 16777215, the same on both ends.
    #[schemars(with = "i64", range(min = limits::VNI.min, max = limits::VNI.max))]
    pub vni: Int,
    /// UDP destination port, 1 to 65535. Always rendered, because Linux would otherwise use
    /// 8472 rather than the IANA port. Default: 4789.
    #[schemars(
        with = "Option<i64>",
        range(min = limits::PORT.min, max = limits::PORT.max),
        extend("default" = limits::DEFAULT_VXLAN_PORT)
    )]
    pub port: Option<Int>,
    /// TTL (IPv6: hop limit) of the outer header, 1 to 255, or `"inherit"` to copy the
    /// inner packet's (a warning, and an error with `[bgp]`: eBGP's TTL-1 packets then die
    /// at the first router of the underlay). Default: 255.
    #[schemars(with = "Option<RawTtl>", extend("default" = limits::DEFAULT_TTL))]
    pub ttl: Option<Spanned<RawTtl>>,
}

/// The schema of `kind`: the names of [`TunnelKind::ALL`].
fn kind_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = TunnelKind::ALL.iter().map(|k| k.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// Parses the TOML text; errors carry toml's message and span.
pub fn parse(text: &str) -> Result<RawPeer, toml::de::Error> {
    toml::from_str(text)
}

//! Kind-specific tables: only the one named after `kind` may appear, with its numbers in
//! range.

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::limits;
use crate::raw::{Int, RawEncapLimit, RawGre, RawIp6Gre, RawPeer, RawTtl};
use crate::tunnel::{EncapLimit, GreOptions, Ip6GreOptions, SitOptions, Ttl, Tunnel, VxlanOptions};
use toml::Spanned;

/// Checks that only `kind`'s table is present and builds the options.
pub(crate) fn tunnel(ck: &mut Checker, raw: &RawPeer, kind: TunnelKind) -> Option<Tunnel> {
    let present = [
        (
            TunnelKind::Wireguard,
            raw.wireguard.as_ref().map(|t| t.span()),
        ),
        (TunnelKind::Gre, raw.gre.as_ref().map(|t| t.span())),
        (TunnelKind::Sit, raw.sit.as_ref().map(|t| t.span())),
        (TunnelKind::Ip6Gre, raw.ip6gre.as_ref().map(|t| t.span())),
        (TunnelKind::Gretap, raw.gretap.as_ref().map(|t| t.span())),
        (
            TunnelKind::Ip6Gretap,
            raw.ip6gretap.as_ref().map(|t| t.span()),
        ),
        (TunnelKind::Vxlan, raw.vxlan.as_ref().map(|t| t.span())),
    ];
    for (table, span) in present {
        if let (true, Some(span)) = (table != kind, span) {
            ck.error(
                DiagnosticKind::NotForKind,
                table.as_str(),
                span,
                format!("the [{table}] table applies to kind = \"{table}\", but this peer is kind = \"{kind}\""),
                format!("move its settings to [{kind}] or remove the table"),
            );
        }
    }
    let tunnel = match kind {
        TunnelKind::Wireguard => Tunnel::Wireguard(super::wireguard::options(ck, raw)),
        TunnelKind::Gre => Tunnel::Gre(gre(ck, "gre", raw.gre.as_ref())),
        TunnelKind::Gretap => Tunnel::Gretap(gre(ck, "gretap", raw.gretap.as_ref())),
        TunnelKind::Sit => Tunnel::Sit(SitOptions {
            ttl: ttl(
                ck,
                "sit.ttl",
                raw.sit.as_ref().and_then(|s| s.get_ref().ttl.as_ref()),
            ),
        }),
        TunnelKind::Ip6Gre => Tunnel::Ip6Gre(ip6gre(ck, "ip6gre", raw.ip6gre.as_ref())),
        TunnelKind::Ip6Gretap => Tunnel::Ip6Gretap(ip6gre(ck, "ip6gretap", raw.ip6gretap.as_ref())),
        TunnelKind::Vxlan => Tunnel::Vxlan(vxlan(ck, raw)?),
    };
    // Errors inside the options leave defaults behind; the caller discards the peer then.
    Some(tunnel)
}

/// The outer TTL: 255 unless the peer file says otherwise. Without a value the kernel
/// would copy the inner packet's TTL for gre, sit and gretap (and iproute2 and networkd
/// leave it at that), so a fixed value is the default for every kind and always rendered.
fn ttl(ck: &mut Checker, field: &str, value: Option<&Spanned<RawTtl>>) -> Ttl {
    let Some(value) = value else {
        return Ttl::DEFAULT;
    };
    match value.get_ref() {
        RawTtl::Word(w) if w == "inherit" => {
            ck.warning(
                DiagnosticKind::TtlInherit,
                field,
                value.span(),
                "the outer header copies the inner packet's TTL, so a packet sent with TTL 1 (as eBGP sends) dies at the first router of the underlay",
                format!("remove ttl for the default of {}, unless the two ends are directly connected and nothing on the way decrements the TTL", limits::DEFAULT_TTL),
            );
            Ttl::Inherit
        }
        RawTtl::Number(n) => {
            let spanned = Int::new(value.span(), *n);
            ck.int_in_or(
                field,
                &spanned,
                limits::TTL,
                "a TTL",
                &format!(
                    ", or remove ttl for the default of {} (\"inherit\" copies the inner packet's TTL)",
                    limits::DEFAULT_TTL
                ),
            )
            .and_then(|v| u8::try_from(v).ok())
            .map_or(Ttl::DEFAULT, Ttl::Fixed)
        }
        RawTtl::Word(w) => {
            ck.error(
                DiagnosticKind::OutOfRange,
                field,
                value.span(),
                format!("{w:?} is not a TTL"),
                format!(
                    "use a number from {}, or \"inherit\" to copy the inner packet's TTL",
                    limits::TTL
                ),
            );
            Ttl::DEFAULT
        }
    }
}

/// GRE keys are 1 to 2^32 - 1: networkd (and so netplan) treat `Key=0` as "no key" while
/// `ip link … key 0` sends a zero key, so 0 would make the two kinds of host disagree.
fn gre_key(ck: &mut Checker, field: &str, value: &Int) -> Option<u32> {
    ck.int_in_or(
        field,
        value,
        limits::GRE_KEY,
        "a GRE key (32 bits)",
        ", or remove key for a tunnel without one (0 is not allowed: networkd and netplan read Key=0 as no key, iproute2 sends a zero key)",
    )
    .and_then(|v| u32::try_from(v).ok())
}

fn gre(ck: &mut Checker, table: &str, raw: Option<&Spanned<RawGre>>) -> GreOptions {
    let Some(raw) = raw.map(|r| r.get_ref()) else {
        return GreOptions::default();
    };
    let (key, ttl) = key_and_ttl(ck, table, raw.key.as_ref(), raw.ttl.as_ref());
    GreOptions { key, ttl }
}

/// `key` and `ttl`, shared by every GRE table.
fn key_and_ttl(
    ck: &mut Checker,
    table: &str,
    key: Option<&Int>,
    hops: Option<&Spanned<RawTtl>>,
) -> (Option<u32>, Ttl) {
    (
        key.and_then(|k| gre_key(ck, &super::checker::field(table, "key"), k)),
        ttl(ck, &super::checker::field(table, "ttl"), hops),
    )
}

fn ip6gre(ck: &mut Checker, table: &str, raw: Option<&Spanned<RawIp6Gre>>) -> Ip6GreOptions {
    let Some(raw) = raw.map(|r| r.get_ref()) else {
        return Ip6GreOptions::default();
    };
    let encap_limit = match raw.encap_limit.as_ref() {
        None => EncapLimit::Default,
        Some(limit) => match limit.get_ref() {
            RawEncapLimit::Word(w) if w == "none" => EncapLimit::None,
            RawEncapLimit::Number(n) if limits::ENCAP_LIMIT.contains(*n) => {
                EncapLimit::Limit(u8::try_from(*n).unwrap_or(4))
            }
            other => {
                let shown = match other {
                    RawEncapLimit::Number(n) => n.to_string(),
                    RawEncapLimit::Word(w) => format!("{w:?}"),
                };
                ck.error(
                    DiagnosticKind::OutOfRange,
                    format!("{table}.encap-limit"),
                    limit.span(),
                    format!("{shown} is not an encapsulation limit"),
                    format!(
                        "use \"none\" (no option, 8 bytes less overhead) or a number from {}",
                        limits::ENCAP_LIMIT
                    ),
                );
                EncapLimit::Default
            }
        },
    };
    let (key, ttl) = key_and_ttl(ck, table, raw.key.as_ref(), raw.ttl.as_ref());
    Ip6GreOptions {
        key,
        ttl,
        encap_limit,
    }
}

fn vxlan(ck: &mut Checker, raw: &RawPeer) -> Option<VxlanOptions> {
    let Some(table) = raw.vxlan.as_ref() else {
        ck.error(
            DiagnosticKind::MissingKey,
            "vxlan",
            raw.kind.span(),
            "kind = \"vxlan\" needs a [vxlan] table with the network identifier (vni)",
            format!(
                "add a [vxlan] table with vni = … ({}, the same on both ends), e.g. vni = 100",
                limits::VNI
            ),
        );
        return None;
    };
    let t = table.get_ref();
    let vni = ck.int_in(
        "vxlan.vni",
        &t.vni,
        limits::VNI,
        "a VXLAN network identifier",
    );
    let port = match &t.port {
        Some(p) => ck.int_in("vxlan.port", p, limits::PORT, "a UDP port"),
        None => Some(i64::from(limits::DEFAULT_VXLAN_PORT)),
    };
    let ttl = ttl(ck, "vxlan.ttl", t.ttl.as_ref());
    Some(VxlanOptions {
        vni: u32::try_from(vni?).ok()?,
        port: u16::try_from(port?).ok()?,
        ttl,
    })
}

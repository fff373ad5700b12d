//! The MTU: computed from the tunnel, overridden by `mtu`, range-checked either way.

use std::net::IpAddr;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::limits::{self, Range, IPV6_MIN_MTU};
use crate::mtu::{compute_mtu, Family, Mtu};
use crate::peer::{End, Tunnel};
use crate::raw::RawPeer;
use crate::site::Defaults;

/// The underlay family: from whichever endpoint is a literal address (validation already
/// made both ends agree), or unknown for host names only.
fn family(local: &End, remote: &End) -> Option<Family> {
    [&local.endpoint, &remote.endpoint]
        .into_iter()
        .flatten()
        .find_map(|e| e.ip())
        .map(|ip| match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        })
}

pub(crate) fn mtu(
    ck: &mut Checker,
    raw: &RawPeer,
    tunnel: &Tunnel,
    local: &End,
    remote: &End,
    defaults: &Defaults,
) -> Option<Mtu> {
    let family = family(local, remote);
    let underlay_range = if family == Some(Family::V6) {
        Range::new(IPV6_MIN_MTU, limits::UNDERLAY_MTU.max)
    } else {
        limits::UNDERLAY_MTU
    };
    let underlay_mtu = match &raw.underlay_mtu {
        Some(v) => {
            let why = if family == Some(Family::V6) {
                format!("; an IPv6 path carries at least {IPV6_MIN_MTU} (1500 on Ethernet, 1492 with PPPoE)")
            } else {
                "; it is the MTU of the path between the endpoints (1500 on Ethernet, 1492 with PPPoE)".to_owned()
            };
            let value = ck.int_in_or("underlay-mtu", v, underlay_range, "an underlay MTU", &why)?;
            u32::try_from(value).ok()?
        }
        None => defaults
            .underlay_mtu
            .unwrap_or(limits::DEFAULT_UNDERLAY_MTU),
    };
    let computed = compute_mtu(tunnel, family, underlay_mtu);
    let carries_ipv6 = local
        .addresses
        .iter()
        .chain(&remote.addresses)
        .any(|a| a.address.addr().is_ipv6());
    let mtu = match &raw.mtu {
        Some(v) => {
            let value = u32::try_from(ck.int_in_or(
                "mtu",
                v,
                limits::MTU,
                "an MTU",
                ", or remove mtu to use the computed value",
            )?)
            .ok()?;
            if carries_ipv6 && i64::from(value) < IPV6_MIN_MTU {
                ck.error(
                    DiagnosticKind::MtuTooSmallForIpv6,
                    "mtu",
                    v.span(),
                    format!("{value} is below {IPV6_MIN_MTU}, the minimum MTU for a link that carries IPv6"),
                    format!("raise mtu to at least {IPV6_MIN_MTU}, or remove it to use the computed value"),
                );
                return None;
            }
            if i64::from(value) > computed.value() {
                ck.warning(
                    DiagnosticKind::MtuAboveUnderlay,
                    "mtu",
                    v.span(),
                    format!("{value} is larger than what fits through the underlay ({computed})"),
                    format!("larger packets get fragmented or dropped; remove mtu, or set underlay-mtu if the path is bigger than {}", limits::DEFAULT_UNDERLAY_MTU),
                );
            }
            Mtu {
                value,
                computed,
                from_user: true,
            }
        }
        None => {
            let span = raw
                .underlay_mtu
                .as_ref()
                .map_or(raw.kind.span(), |v| v.span());
            let field = if raw.underlay_mtu.is_some() {
                "underlay-mtu"
            } else {
                "kind"
            };
            let Ok(value) = u32::try_from(computed.value()) else {
                ck.error(
                    DiagnosticKind::OutOfRange,
                    field,
                    span,
                    format!("the computed MTU {computed} is not usable"),
                    "raise underlay-mtu",
                );
                return None;
            };
            if carries_ipv6 && i64::from(value) < IPV6_MIN_MTU {
                ck.error(
                    DiagnosticKind::MtuTooSmallForIpv6,
                    field,
                    span,
                    format!("the computed MTU {computed} is below {IPV6_MIN_MTU}, the minimum for a link that carries IPv6"),
                    "raise underlay-mtu, or carry IPv4 only",
                );
                return None;
            }
            if i64::from(value) < limits::MTU.min {
                ck.error(
                    DiagnosticKind::OutOfRange,
                    field,
                    span,
                    format!("the computed MTU {computed} is below {}", limits::MTU.min),
                    "raise underlay-mtu",
                );
                return None;
            }
            Mtu {
                value,
                computed,
                from_user: false,
            }
        }
    };
    Some(mtu)
}

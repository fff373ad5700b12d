//! Underlay endpoints: syntax, the family each kind needs, and one family on both ends.

use std::net::IpAddr;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::kind::{TunnelKind, UnderlayRule};
use crate::peer::Endpoint;
use crate::raw::{RawPeer, Text};
use crate::site::Defaults;

/// Validates `local.endpoint` and `remote.endpoint`.
pub(crate) fn endpoints(
    ck: &mut Checker,
    raw: &RawPeer,
    kind: TunnelKind,
    defaults: &Defaults,
) -> (Option<Endpoint>, Option<Endpoint>) {
    let site_local = default_local(raw, kind, defaults);
    let mut parsed = [None, None];
    for (i, (side, end)) in [("local", &raw.local), ("remote", &raw.remote)]
        .into_iter()
        .enumerate()
    {
        let field = super::checker::field(side, "endpoint");
        match end.get_ref().endpoint.as_ref() {
            Some(text) => parsed[i] = endpoint(ck, &field, text, kind).map(|e| (e, text.span())),
            // Our endpoint from the site file.
            None if i == 0 && site_local.is_some() => {
                parsed[i] = site_local.map(|ip| (Endpoint::Ip(ip), end.span()));
            }
            // A WireGuard end without an endpoint only dials out; every other kind needs both.
            None if kind == TunnelKind::Wireguard => {}
            None => ck.error(
                DiagnosticKind::MissingKey,
                field,
                end.span(),
                format!("kind = \"{kind}\" needs the {side} end's underlay address"),
                format!("add endpoint = \"{}\" to [{side}]", example(kind)),
            ),
        }
    }
    if kind == TunnelKind::Wireguard
        && raw.local.get_ref().endpoint.is_none()
        && site_local.is_none()
        && raw.remote.get_ref().endpoint.is_none()
    {
        ck.error(
            DiagnosticKind::MissingKey,
            "remote.endpoint",
            raw.remote.span(),
            "neither end has an endpoint, so neither can send the first handshake",
            "add endpoint = \"…\" and port = … to the end that can be reached (usually [remote]); only one end may go without",
        );
    }
    let [local, remote] = parsed;
    if let (Some((Endpoint::Ip(l), _)), Some((Endpoint::Ip(r), span))) = (&local, &remote) {
        if l.is_ipv4() != r.is_ipv4() {
            ck.error(
                DiagnosticKind::EndpointFamilyMismatch,
                "remote.endpoint",
                span.clone(),
                format!(
                    "remote endpoint {r} is {} but local endpoint {l} is {}",
                    family_name(r),
                    family_name(l)
                ),
                "both ends of a tunnel must use the same underlay family: give both IPv4 or both IPv6 endpoints",
            );
        } else if l == r {
            ck.error(
                DiagnosticKind::InvalidEndpoint,
                "remote.endpoint",
                span.clone(),
                format!("remote endpoint {r} is the same as the local endpoint"),
                "the remote endpoint is the other host's public address",
            );
        }
    }
    (local.map(|(e, _)| e), remote.map(|(e, _)| e))
}

/// Our endpoint from the site file for this kind: by the kind's underlay family, or for
/// WireGuard and VXLAN by the remote endpoint's family (IPv4 first when it is a host name).
fn default_local(raw: &RawPeer, kind: TunnelKind, defaults: &Defaults) -> Option<IpAddr> {
    let v4 = defaults.endpoint_ipv4.map(IpAddr::V4);
    let v6 = defaults.endpoint_ipv6.map(IpAddr::V6);
    match kind.underlay() {
        UnderlayRule::Ipv4 => v4,
        UnderlayRule::Ipv6 => v6,
        UnderlayRule::Either => {
            let remote = raw.remote.get_ref().endpoint.as_ref();
            match remote.and_then(|t| t.get_ref().parse::<IpAddr>().ok()) {
                Some(IpAddr::V4(_)) => v4,
                Some(IpAddr::V6(_)) => v6,
                None => v4.or(v6),
            }
        }
    }
}

fn family_name(ip: &IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

fn example(kind: TunnelKind) -> &'static str {
    match kind.underlay() {
        UnderlayRule::Ipv6 => "2001:db8::1",
        _ => "192.0.2.1",
    }
}

fn endpoint(ck: &mut Checker, field: &str, text: &Text, kind: TunnelKind) -> Option<Endpoint> {
    let value = text.get_ref();
    let span = text.span();
    if let Ok(ip) = value.parse::<IpAddr>() {
        if ip.is_unspecified() || ip.is_multicast() {
            ck.error(
                DiagnosticKind::InvalidEndpoint,
                field,
                span,
                format!("{ip} is not a usable unicast endpoint address"),
                "give the host's public (underlay) unicast address",
            );
            return None;
        }
        return underlay_family(ck, field, text, kind, ip).then_some(Endpoint::Ip(ip));
    }
    // `host:port` or `[v6]:port`, as wg-quick's Endpoint = is written.
    let with_port = value.rsplit_once(':').filter(|(h, p)| {
        (!h.contains(':') || (h.starts_with('[') && h.ends_with(']')))
            && !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
    });
    let help = if let Some((host, port)) = with_port {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match kind {
            TunnelKind::Wireguard => format!(
                "write the port separately: endpoint = \"{host}\" and port = {port} (peergen adds brackets where a format needs them)"
            ),
            TunnelKind::Vxlan => format!(
                "write endpoint = \"{host}\"; the VXLAN UDP port is set once in [vxlan] port = {port}"
            ),
            _ => format!("write endpoint = \"{host}\"; kind = \"{kind}\" has no ports"),
        }
    } else if value.starts_with('[') {
        "write an IPv6 endpoint without brackets; peergen adds them where a format needs them"
            .to_owned()
    } else if let Some((addr, _)) = value.split_once('/') {
        format!("an endpoint is a single address without a prefix length: endpoint = \"{addr}\"")
    } else if kind == TunnelKind::Wireguard {
        "give an IPv4 or IPv6 address, or a DNS host name such as \"vpn.example.net\"".to_owned()
    } else {
        format!(
            "kind = \"{kind}\" needs a literal {} address (only WireGuard resolves host names)",
            match kind.underlay() {
                UnderlayRule::Ipv6 => "IPv6",
                UnderlayRule::Ipv4 => "IPv4",
                UnderlayRule::Either => "IPv4 or IPv6",
            }
        )
    };
    if kind == TunnelKind::Wireguard && is_host_name(value) {
        return Some(Endpoint::Host(value.clone()));
    }
    let message = if kind == TunnelKind::Wireguard {
        format!("{value:?} is neither an IP address nor a valid host name")
    } else {
        format!("{value:?} is not an IP address")
    };
    ck.error(DiagnosticKind::InvalidEndpoint, field, span, message, help);
    None
}

/// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, with at
/// least one dot and a last label that is not all digits (so `1.2.3` is not a host name).
fn is_host_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && !labels
            .last()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks the endpoint's family against what the kind's kernel driver accepts.
fn underlay_family(
    ck: &mut Checker,
    field: &str,
    text: &Text,
    kind: TunnelKind,
    ip: IpAddr,
) -> bool {
    let (needed, help) = match (kind.underlay(), ip) {
        (UnderlayRule::Ipv6, IpAddr::V4(_)) => (
            "IPv6",
            match kind {
                TunnelKind::Ip6Gre => "ip6gre is GRE over an IPv6 underlay; to carry IPv6 over IPv4, use kind = \"gre\" with IPv6 tunnel addresses, or kind = \"sit\" (6in4, 4 bytes less overhead, IPv6 only)",
                _ => "ip6gretap is GRETAP over an IPv6 underlay; over IPv4 use kind = \"gretap\"",
            },
        ),
        (UnderlayRule::Ipv4, IpAddr::V6(_)) => (
            "IPv4",
            match kind {
                TunnelKind::Gre => "gre runs over IPv4; for GRE over an IPv6 underlay use kind = \"ip6gre\"",
                TunnelKind::Sit => "sit (6in4) runs over IPv4 only; for a tunnel over IPv6 use kind = \"ip6gre\"",
                _ => "gretap runs over IPv4; over an IPv6 underlay use kind = \"ip6gretap\"",
            },
        ),
        _ => return true,
    };
    ck.error(
        DiagnosticKind::UnderlayFamily,
        field,
        text.span(),
        format!(
            "kind = \"{kind}\" needs an {needed} underlay, but {ip} is {}",
            family_name(&ip)
        ),
        help,
    );
    false
}

#[cfg(test)]
mod tests {
    use super::is_host_name;

    #[test]
    fn host_names() {
        assert!(is_host_name("vpn.example.net"));
        assert!(is_host_name("a-b.example."));
        assert!(!is_host_name("localhost"));
        assert!(!is_host_name("1.2.3"));
        assert!(!is_host_name("-a.example"));
        assert!(!is_host_name("a..example"));
        assert!(!is_host_name("a b.example"));
    }
}

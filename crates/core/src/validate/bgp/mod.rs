//! `[bgp]` and the BGP keys of the ends: from the raw tables to a resolved [`Bgp`].
//!
//! - [`asn`]: AS numbers (also the site file's).
//! - [`sessions`]: which sessions, between which addresses, carrying which families.
//! - [`ends`]: what each end announces, its limits, named policies, `passive`.
//! - [`options`]: password, hold time.
//!
//! The checks here that concern the tunnel itself: an end in a bridge (the session would
//! run on addresses peergen cannot see) and an inherited outer TTL (eBGP's TTL-1 packets
//! die at the first router of the underlay) are errors once `[bgp]` is present.

pub(crate) mod asn;
mod ends;
mod options;
pub(crate) mod sessions;

use toml::Spanned;

use super::Checker;
use crate::bgp::{Asn, Bgp, BgpEnd, Family};
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::peer::End;
use crate::raw::{RawEnd, RawPeer, RawTtl};
use crate::side::Side;

/// The two ends as validated so far.
pub(crate) struct Ends<'a> {
    pub local: &'a End,
    pub remote: &'a End,
    /// Whether the tunnel addresses validated; sessions are derived only from valid ones.
    pub addresses_ok: bool,
}

/// Validates the BGP part of the peer file. `None` without `[bgp]`, or after an error.
pub(crate) fn bgp(
    ck: &mut Checker,
    raw: &RawPeer,
    kind: TunnelKind,
    ends: &Ends<'_>,
    default_asn: Option<Asn>,
) -> Option<Bgp> {
    let Some(table) = raw.bgp.as_ref() else {
        not_enabled(ck, Side::Local, &raw.local);
        not_enabled(ck, Side::Remote, &raw.remote);
        return None;
    };
    let errors_before = ck.error_count();
    let bgp = table.get_ref();
    inherited_ttl(ck, raw, kind);
    let bridged = bridged(ck, raw, kind);

    let local_asn = ends::asn(ck, Side::Local, &raw.local, default_asn);
    let remote_asn = ends::asn(ck, Side::Remote, &raw.remote, None);
    if let (Some(l), Some(r)) = (local_asn, remote_asn) {
        if l == r {
            let span = raw
                .remote
                .get_ref()
                .asn
                .as_ref()
                .map_or(raw.remote.span(), |a| a.span());
            ck.error(
                DiagnosticKind::SameAsn,
                "remote.asn",
                span,
                format!("both ends are AS{l}: a session within one AS is iBGP, which peergen does not render over a tunnel (it needs a full mesh or route reflectors and next-hop handling beyond one link)"),
                "give each end the AS number of its own network (a network without one uses a private number, 64512 to 65534 or 4200000000 to 4294967294), or configure iBGP with a route reflector by hand",
            );
        }
    }

    let resolved = if bridged || !ends.addresses_ok {
        None
    } else {
        sessions::sessions(
            ck,
            bgp,
            &sessions::Place {
                table: table.span(),
            },
            kind,
            ends.local,
            ends.remote,
        )
    };
    let carried = resolved.as_ref().map(|r| {
        Family::ALL
            .into_iter()
            .filter(|f| r.sessions.iter().any(|s| s.carries(*f)))
            .collect::<Vec<_>>()
    });
    let local_end = end(ck, Side::Local, &raw.local, local_asn, carried.as_deref());
    let remote_end = end(
        ck,
        Side::Remote,
        &raw.remote,
        remote_asn,
        carried.as_deref(),
    );
    let options = options::options(ck, bgp);
    if let Some(r) = &resolved {
        no_link_local(ck, kind, table.span(), ends, r);
    }
    // Every check above runs even when an AS number is missing, so all problems show.
    let (local_end, remote_end) = match (local_end, remote_end) {
        (Some(l), Some(r)) => passive(ck, raw, ends, l, r),
        _ => (None, None),
    };
    if ck.error_count() > errors_before {
        return None;
    }
    let resolved = resolved?;
    Some(Bgp {
        mode: resolved.mode,
        sessions: resolved.sessions,
        local: local_end?,
        remote: remote_end?,
        password: options.password,
        bfd: bgp.bfd.as_ref().is_some_and(|b| *b.get_ref()),
        ttl_security: bgp.ttl_security.as_ref().is_some_and(|b| *b.get_ref()),
        hold_time: options.hold_time,
    })
}

/// One end's BGP settings, with `passive` as written (defaults come later).
fn end(
    ck: &mut Checker,
    side: Side,
    raw: &Spanned<RawEnd>,
    asn: Option<Asn>,
    carried: Option<&[Family]>,
) -> Option<BgpEnd> {
    let e = raw.get_ref();
    let announce = ends::announce(ck, side, e, carried);
    let max_prefix_ipv4 = ends::max_prefix(ck, side, "max-prefix-ipv4", e.max_prefix_ipv4.as_ref());
    let max_prefix_ipv6 = ends::max_prefix(ck, side, "max-prefix-ipv6", e.max_prefix_ipv6.as_ref());
    let bird = ends::policy(
        ck,
        side,
        ("bird-import-filter", e.bird_import_filter.as_ref()),
        ("bird-export-filter", e.bird_export_filter.as_ref()),
    );
    let frr = ends::policy(
        ck,
        side,
        ("frr-route-map-in", e.frr_route_map_in.as_ref()),
        ("frr-route-map-out", e.frr_route_map_out.as_ref()),
    );
    Some(BgpEnd {
        asn: asn?,
        announce,
        max_prefix_ipv4,
        max_prefix_ipv6,
        passive: e.passive.as_ref().is_some_and(|p| *p.get_ref()),
        bird,
        frr,
    })
}

/// `passive`: as written, else on for the end whose counterpart has no endpoint (that end
/// must dial: nobody can reach it) while it has one itself. Both passive is an error.
fn passive(
    ck: &mut Checker,
    raw: &RawPeer,
    ends: &Ends<'_>,
    mut local: BgpEnd,
    mut remote: BgpEnd,
) -> (Option<BgpEnd>, Option<BgpEnd>) {
    let written = |end: &Spanned<RawEnd>| end.get_ref().passive.as_ref().map(|p| *p.get_ref());
    let local_written = written(&raw.local);
    let remote_written = written(&raw.remote);
    let local_dials_only = ends.local.endpoint.is_none() && ends.remote.endpoint.is_some();
    let remote_dials_only = ends.remote.endpoint.is_none() && ends.local.endpoint.is_some();
    local.passive = local_written.unwrap_or(remote_dials_only);
    remote.passive = remote_written.unwrap_or(local_dials_only);
    if local.passive && remote.passive {
        // Point at a written `passive = true`; at least one of the two is written.
        let (field, span) = match (&raw.remote.get_ref().passive, &raw.local.get_ref().passive) {
            (Some(p), _) if *p.get_ref() => ("remote.passive", p.span()),
            (_, Some(p)) => ("local.passive", p.span()),
            _ => ("remote.passive", raw.remote.span()),
        };
        ck.error(
            DiagnosticKind::BgpPassive,
            field,
            span,
            "both ends would be passive, so neither ever opens the session",
            "set passive = true on one end only (an end without an endpoint must dial, so the other end is passive by default)",
        );
        return (None, None);
    }
    (Some(local), Some(remote))
}

/// BGP keys in an end while the peer file has no `[bgp]`: nothing would use them.
fn not_enabled(ck: &mut Checker, side: Side, end: &Spanned<RawEnd>) {
    let e = end.get_ref();
    let spans = [
        ("asn", e.asn.as_ref().map(|v| v.span())),
        ("announce", e.announce.as_ref().map(|v| v.span())),
        (
            "max-prefix-ipv4",
            e.max_prefix_ipv4.as_ref().map(|v| v.span()),
        ),
        (
            "max-prefix-ipv6",
            e.max_prefix_ipv6.as_ref().map(|v| v.span()),
        ),
        ("passive", e.passive.as_ref().map(|v| v.span())),
        (
            "bird-import-filter",
            e.bird_import_filter.as_ref().map(|v| v.span()),
        ),
        (
            "bird-export-filter",
            e.bird_export_filter.as_ref().map(|v| v.span()),
        ),
        (
            "frr-route-map-in",
            e.frr_route_map_in.as_ref().map(|v| v.span()),
        ),
        (
            "frr-route-map-out",
            e.frr_route_map_out.as_ref().map(|v| v.span()),
        ),
    ];
    for (key, span) in spans {
        if let Some(span) = span {
            ck.error(
                DiagnosticKind::BgpNotEnabled,
                format!("{side}.{key}"),
                span,
                format!("{key} is a BGP setting, and this peer file has no [bgp] table, so nothing would use it"),
                "add a [bgp] table (it may be empty) to render the BGP session, or remove the key",
            );
        }
    }
}

/// An inherited outer TTL: eBGP sends with TTL 1, which the first router of the underlay
/// then drops. The tunnel options report the setting as a warning; with BGP it is an error.
fn inherited_ttl(ck: &mut Checker, raw: &RawPeer, kind: TunnelKind) {
    let ttl = match kind {
        TunnelKind::Gre => raw.gre.as_ref().and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Gretap => raw.gretap.as_ref().and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Sit => raw.sit.as_ref().and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Ip6Gre => raw.ip6gre.as_ref().and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Ip6Gretap => raw
            .ip6gretap
            .as_ref()
            .and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Vxlan => raw.vxlan.as_ref().and_then(|t| t.get_ref().ttl.as_ref()),
        TunnelKind::Wireguard => None,
    };
    let Some(ttl) = ttl else { return };
    if !matches!(ttl.get_ref(), RawTtl::Word(w) if w == "inherit") {
        return;
    }
    ck.drop_warnings(DiagnosticKind::TtlInherit);
    ck.error(
        DiagnosticKind::TtlInherit,
        format!("{kind}.ttl"),
        ttl.span(),
        "the outer header copies the inner packet's TTL, and eBGP sends its session packets with TTL 1: they would die at the first router of the underlay and the session would never come up",
        "remove ttl for the default of 255 (or set a fixed value such as 64)",
    );
}

/// Ends in a bridge: the session would run on the bridge's addresses, which peergen does
/// not see (nor configure). Returns whether any end is bridged.
fn bridged(ck: &mut Checker, raw: &RawPeer, kind: TunnelKind) -> bool {
    let mut any = false;
    for (side, end) in [(Side::Local, &raw.local), (Side::Remote, &raw.remote)] {
        let Some(bridge) = end.get_ref().bridge.as_ref() else {
            continue;
        };
        if !kind.is_layer2() {
            continue; // refused as a bridge already
        }
        any = true;
        ck.error(
            DiagnosticKind::BgpBridge,
            format!("{side}.bridge"),
            bridge.span(),
            format!(
                "[{side}] joins the bridge {}, so a BGP session over the tunnel would run on the bridge's addresses, which peergen neither sees nor configures",
                bridge.get_ref()
            ),
            "remove [bgp] and configure the session on the bridge's addresses by hand, or remove bridge and give the tunnel addresses on both ends",
        );
    }
    any
}

/// FRR (8.0.1 and later) wants a link-local address on the interface of an IPv6 session,
/// for the next hop it sends; WireGuard, GRE and SIT interfaces get none of their own.
fn no_link_local(
    ck: &mut Checker,
    kind: TunnelKind,
    table: std::ops::Range<usize>,
    ends: &Ends<'_>,
    resolved: &sessions::Sessions,
) {
    let no_automatic_ll = matches!(
        kind,
        TunnelKind::Wireguard | TunnelKind::Gre | TunnelKind::Sit
    );
    let ipv6 = resolved.sessions.iter().any(|s| s.carries(Family::Ipv6));
    if !no_automatic_ll || !ipv6 {
        return;
    }
    if sessions::has_link_local(ends.local) && sessions::has_link_local(ends.remote) {
        return;
    }
    ck.warning(
        DiagnosticKind::NoLinkLocal,
        "bgp",
        table,
        format!("an IPv6 session over a {kind} tunnel without an fe80::/64 address on both ends: {kind} interfaces get no link-local address of their own, and FRR (8.0.1 and later) needs one on the interface to announce IPv6 routes"),
        "add \"fe80::1/64\" to [local] addresses and \"fe80::2/64\" to [remote] addresses",
    );
}

#[cfg(test)]
mod tests;

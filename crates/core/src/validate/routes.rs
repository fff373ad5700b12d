//! `routes` of `[local]` and `[remote]`: the only routes any backend installs.
//!
//! Each entry is checked on its own (a network without host bits, metric and table in
//! range), against its end (listed once per table, not the end's own connected subnet),
//! and against the tunnel:
//!
//! - a SIT tunnel carries IPv6 only;
//! - a layer 3 tunnel (wireguard, gre, ip6gre, sit) takes a device route of either family,
//!   even one it has no tunnel address of: whatever enters the interface reaches the other
//!   end, and the host picks a source address from another interface;
//! - a layer 2 tunnel (gretap, ip6gretap, vxlan) is an Ethernet link, where a route needs a
//!   next hop to resolve: the other end's tunnel address of the route's family, which both
//!   ends must therefore have;
//! - WireGuard drops what the other end's `allowed-ips` do not cover, so such a route is an
//!   error;
//! - a route in the main table must not cover the other end's endpoint, or the tunnel's
//!   own packets would be routed into it.

use std::net::IpAddr;
use std::ops::Range;

use ipnet::IpNet;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::limits;
use crate::peer::{End, Route};
use crate::raw::{RawPeer, RawRoute, RawRouteTable};
use crate::side::Side;
use toml::Spanned;

/// The end whose routes are checked, and what they are checked against.
pub(crate) struct Ends<'a> {
    /// Which end of the file.
    pub side: Side,
    /// The tunnel kind.
    pub kind: TunnelKind,
    /// That end, validated (without routes yet).
    pub this: &'a End,
    /// The other end.
    pub other: &'a End,
    /// Whether the addresses validated: when they did not, they are empty, and checks that
    /// need them stay quiet rather than report a consequence of that error.
    pub addresses_ok: bool,
}

/// Validates `routes` of one end.
pub(crate) fn routes(ck: &mut Checker, raw: &RawPeer, ends: Ends<'_>) -> Vec<Route> {
    let (side, end) = match ends.side {
        Side::Local => ("local", &raw.local),
        Side::Remote => ("remote", &raw.remote),
    };
    let Some(list) = end.get_ref().routes.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<Route> = Vec::new();
    for (i, item) in list.get_ref().iter().enumerate() {
        let field = format!("{side}.routes[{i}]");
        let Some(route) = entry(ck, &field, item) else {
            continue;
        };
        let span = to_span(item);
        if let Some(first) = out
            .iter()
            .position(|r| r.to == route.to && r.effective_table() == route.effective_table())
        {
            ck.error(
                DiagnosticKind::DuplicateAddress,
                &field,
                span,
                format!(
                    "a route to {} in table {} is already {side}.routes[{first}]",
                    route.to,
                    route.effective_table()
                ),
                "remove the duplicate (a table holds one route per destination and metric)",
            );
            continue;
        }
        let Some(route) = fits_tunnel(ck, &field, span, route, &ends) else {
            continue;
        };
        out.push(route);
    }
    out
}

fn to_span(item: &Spanned<RawRoute>) -> Range<usize> {
    match item.get_ref() {
        RawRoute::Table(RawRouteTable { to, .. }) => to.span(),
        _ => item.span(),
    }
}

/// One entry on its own: prefix, metric, table.
fn entry(ck: &mut Checker, field: &str, item: &Spanned<RawRoute>) -> Option<Route> {
    let errors = ck.error_count();
    let (text, metric, table) = match item.get_ref() {
        RawRoute::Prefix(text) => (text.as_str(), None, None),
        // Unknown and missing keys were reported by the shape check, before parsing.
        RawRoute::Table(t) => (t.to.get_ref().as_str(), t.metric.as_ref(), t.table.as_ref()),
    };
    let span = to_span(item);
    let to = match text.parse::<IpNet>() {
        Ok(net) if net != net.trunc() => {
            ck.error(
                DiagnosticKind::InvalidAddress,
                field,
                span.clone(),
                format!("{net} has host bits set, but a route goes to a network"),
                format!("write the network: \"{}\"", net.trunc()),
            );
            None
        }
        Ok(net) => Some(net),
        Err(_) => {
            let help = match text.parse::<IpAddr>() {
                Ok(ip) => format!(
                    "add the prefix length: \"{ip}/{}\" for this one host",
                    if ip.is_ipv4() { 32 } else { 128 }
                ),
                Err(_) => "write NETWORK/PREFIX, e.g. \"198.51.100.0/24\" or \"::/0\"".to_owned(),
            };
            ck.error(
                DiagnosticKind::InvalidAddress,
                field,
                span.clone(),
                format!("{text:?} is not a prefix"),
                help,
            );
            None
        }
    };
    let metric = metric.and_then(|m| {
        ck.int_in_or(
            &format!("{field}.metric"),
            m,
            limits::ROUTE_METRIC,
            "a route metric",
            " (netplan 0.106 writes larger ones as negative numbers)",
        )
        .and_then(|v| u32::try_from(v).ok())
    });
    let table = table.and_then(|t| {
        ck.int_in_or(
            &format!("{field}.table"),
            t,
            limits::ROUTE_TABLE,
            "a routing table number",
            &format!(
                " ({} is the main table; netplan 0.106 writes larger numbers as negative ones)",
                Route::MAIN_TABLE
            ),
        )
        .and_then(|v| u32::try_from(v).ok())
    });
    if ck.error_count() > errors {
        return None;
    }
    Some(Route {
        to: to?,
        metric,
        table,
        via: None,
    })
}

fn family(net: &IpNet) -> &'static str {
    if net.addr().is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

/// Whether the tunnel can carry the route; fills in the next hop for layer 2 kinds.
fn fits_tunnel(
    ck: &mut Checker,
    field: &str,
    span: Range<usize>,
    mut route: Route,
    ends: &Ends<'_>,
) -> Option<Route> {
    let (kind, this, other) = (ends.kind, ends.this, ends.other);
    let other_side = match ends.side {
        Side::Local => "remote",
        Side::Remote => "local",
    };
    let v4 = route.to.addr().is_ipv4();
    if kind == TunnelKind::Sit && v4 {
        ck.error(
            DiagnosticKind::InnerFamily,
            field,
            span,
            format!(
                "a sit (6in4) tunnel carries IPv6 only, but {} is IPv4",
                route.to
            ),
            "remove the IPv4 route, or use kind = \"gre\" to carry IPv4 and IPv6",
        );
        return None;
    }
    // The connected subnet is routed by the address itself: the kernel already has that
    // route in the main table, and `ip route add` would fail with "File exists".
    let connected = this
        .addresses
        .iter()
        .any(|a| a.peer.unwrap_or(a.address).trunc() == route.to);
    if connected && route.effective_table() == Route::MAIN_TABLE {
        ck.error(
            DiagnosticKind::DuplicateAddress,
            field,
            span,
            format!(
                "{} is already routed through the tunnel by this end's own address",
                route.to
            ),
            "remove the route: the tunnel addresses route their own subnet",
        );
        return None;
    }
    // A route that covers the other end's underlay address would send the tunnel's own
    // packets into the tunnel (the kernel drops them as a recursion): the tunnel dies as
    // soon as the route is in.
    let endpoint = other.endpoint.as_ref().and_then(|e| e.ip());
    if let Some(ip) = endpoint.filter(|ip| route.to.contains(ip)) {
        if route.effective_table() == Route::MAIN_TABLE {
            ck.error(
                DiagnosticKind::InvalidAddress,
                field,
                span,
                format!(
                    "{} contains the {other_side} endpoint {ip}: the tunnel's own packets would be routed into the tunnel",
                    route.to
                ),
                "route narrower prefixes that leave the endpoint out, or put the route into its own table (table = N) for policy routing",
            );
            return None;
        }
    }
    if kind.is_layer2() && ends.addresses_ok {
        let has = |end: &End| {
            end.addresses
                .iter()
                .find(|a| a.address.addr().is_ipv4() == v4)
                .map(|a| a.address.addr())
        };
        match (has(this), has(other)) {
            (Some(_), Some(gateway)) => route.via = Some(gateway),
            _ => {
                ck.error(
                    DiagnosticKind::InnerFamily,
                    field,
                    span,
                    format!(
                        "a {kind} tunnel is an Ethernet link, where a route to {} needs a next hop: an {} tunnel address on both ends",
                        route.to,
                        family(&route.to)
                    ),
                    format!(
                        "add {} addresses in one subnet to both ends (the route then goes via the {other_side} end's), or remove the route",
                        family(&route.to)
                    ),
                );
                return None;
            }
        }
    }
    if let Some(wg) = &other.wireguard {
        if !wg.allows(&route.to) {
            let listed: Vec<String> = wg.allowed_ips.iter().map(ToString::to_string).collect();
            ck.error(
                DiagnosticKind::RouteNotAllowed,
                field,
                span,
                format!(
                    "{} is outside the {other_side} end's allowed-ips ({}): WireGuard would drop the traffic this route sends",
                    route.to,
                    listed.join(", ")
                ),
                format!(
                    "add {} (or a prefix containing it) to [{other_side}] allowed-ips, or remove the route",
                    route.to
                ),
            );
            return None;
        }
    }
    Some(route)
}

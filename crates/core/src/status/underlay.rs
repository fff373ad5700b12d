//! How the host reaches the other end (never through the tunnel itself), reverse-path
//! filtering, and the peer file's routes.

use super::{Check, Ctx};
use crate::kind::TunnelKind;

/// The route to the remote endpoint and rp_filter.
pub(super) fn check(ctx: &mut Ctx<'_>) {
    let name = ctx.peer.name.clone();
    let other = ctx.other();
    if let Some(route) = ctx.host.route_to_remote.clone() {
        if route.dev.as_deref() == Some(name.as_str()) {
            let via = route
                .gateway
                .map_or_else(String::new, |g| format!(" via {g}"));
            let dest = route.destination;
            ctx.push_down(
                Check::UnderlayRoute,
                ctx.at(&[other, "endpoint"]),
                format!("{dest} reached through another device than {name}"),
                format!("{dest} routed into {name} itself{via}"),
                Some(format!("delete the route that covers {dest} through {name} (see `ip route get {dest}`), or route narrower prefixes through the tunnel")),
            );
        }
    }
    // rp_filter is IPv4's; a sit tunnel carries IPv6 only.
    if ctx.peer.kind() == TunnelKind::Sit {
        return;
    }
    if ctx.host.rp_filter.effective() == Some(1) {
        let f = ctx.host.rp_filter;
        let show = |v: Option<u8>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
        ctx.push(
            Check::RpFilter,
            None,
            "reverse-path filtering off (0) or loose (2): routes learnt over the tunnel (BGP) would make strict filtering drop packets",
            format!(
                "strict (1): net.ipv4.conf.{name}.rp_filter={}, net.ipv4.conf.all.rp_filter={} (the larger applies)",
                show(f.interface),
                show(f.all)
            ),
            Some(format!("sysctl -w net.ipv4.conf.{name}.rp_filter=2")),
        );
    }
}

/// Every route of this end, in its table with its metric.
pub(super) fn routes(ctx: &mut Ctx<'_>) {
    let name = ctx.peer.name.clone();
    let this = ctx.this();
    let routes = ctx.peer.local.routes.clone();
    for (i, route) in routes.iter().enumerate() {
        let table = route.effective_table();
        let metric = route.effective_metric();
        let mut add = format!("ip route add {}", route.to);
        if let Some(via) = route.via {
            add.push_str(&format!(" via {via}"));
        }
        add.push_str(&format!(" dev {name} metric {metric} table {table}"));
        let expected = format!("{} metric {metric} table {table}", route.to);
        let same_dest: Vec<_> = ctx
            .host
            .routes
            .iter()
            .filter(|h| h.table == table && h.destination == route.to)
            .copied()
            .collect();
        let index = i.to_string();
        let at = ctx.at(&[this, "routes", &index]);
        if same_dest.iter().any(|h| h.metric == metric) {
            continue;
        }
        match same_dest.first() {
            None => ctx.push(Check::Route, at, expected, "no such route", Some(add)),
            Some(h) => ctx.push(
                Check::Route,
                at,
                expected,
                format!("{} metric {} table {table}", h.destination, h.metric),
                Some(format!(
                    "ip route del {} dev {name} metric {} table {table}; {add}",
                    h.destination, h.metric
                )),
            ),
        }
    }
}

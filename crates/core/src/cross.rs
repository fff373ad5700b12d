//! Checks across peer files: what is fine in one file but collides with another on the
//! same host. Each problem is reported at the later file and names the earlier location.
//!
//! - duplicate interface names (the second tunnel could not be created);
//! - duplicate WireGuard listen ports (the second interface could not bind);
//! - overlapping tunnel subnets (routes would conflict); link-local addresses are scoped
//!   to their interface and exempt, and for point-to-point pairs the *peer* addresses
//!   must be unique (dn42-style setups reuse one local /32 on every tunnel, which is fine);
//! - the same route (destination, table and metric) through two tunnels: the kernel
//!   refuses the second ("File exists"), networkd would replace one with the other;
//! - two tunnels of one kind between the same endpoints that the kernel cannot tell apart
//!   (same GRE key, VNI and port, or WireGuard port): the kernel refuses the second one.
//!
//! Every check sorts what it compares (gathered from the peers in one pass), so thousands
//! of peers are checked in a millisecond.

use std::net::IpAddr;
use std::ops::Range;

use ipnet::IpNet;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::kind::TunnelKind;
use crate::peer::{Endpoint, Peer, Tunnel};
use crate::source::SourceFile;
use crate::spans::PeerSpans;

/// One valid peer with its file and spans.
#[derive(Debug, Clone, Copy)]
pub struct CrossInput<'a> {
    /// The file it came from.
    pub source: &'a SourceFile,
    /// The validated peer.
    pub peer: &'a Peer,
    /// Field locations in `source`.
    pub spans: &'a PeerSpans,
}

/// A problem found between peers, attached to the input at `index`.
#[derive(Debug, Clone)]
pub struct CrossProblem {
    /// Index into the inputs of the file the diagnostic points into.
    pub index: usize,
    /// The diagnostic (its location is in that file).
    pub diagnostic: Diagnostic,
}

fn location(input: &CrossInput<'_>, span: &Range<usize>) -> String {
    let pos = input.source.line_col(span.start);
    format!("{}:{}:{}", input.source.path(), pos.line, pos.column)
}

/// Runs every cross-peer check.
pub fn cross_check(inputs: &[CrossInput<'_>]) -> Vec<CrossProblem> {
    let mut keys = Keys::gather(inputs);
    let mut problems = Vec::new();
    duplicate_names(inputs, &mut keys.names, &mut problems);
    duplicate_ports(inputs, &mut keys.ports, &mut problems);
    overlapping_subnets(inputs, &mut keys.subnets, &mut problems);
    duplicate_peer_addresses(inputs, &mut keys.peer_addresses, &mut problems);
    duplicate_routes(inputs, &mut keys.routes, &mut problems);
    same_endpoints(inputs, &mut keys.endpoints, &mut problems);
    problems.sort_by_key(|p| (p.index, p.diagnostic.span.as_ref().map(|s| s.start)));
    problems
}

/// What the checks compare, gathered in one pass over the peers, each with the index of
/// its peer and its place in that peer's list: the checks then sort these small arrays
/// rather than going back to thousands of peers spread over memory, once per check.
struct Keys<'a> {
    names: Vec<(&'a str, usize, usize)>,
    /// WireGuard listen ports.
    ports: Vec<(u16, usize, usize)>,
    /// Shared-subnet addresses (not link-local), as their network.
    subnets: Vec<(IpNet, usize, usize)>,
    /// The peer addresses of point-to-point pairs (not link-local).
    peer_addresses: Vec<(IpNet, usize, usize)>,
    /// Routes: destination, table and metric.
    routes: Vec<((IpNet, u32, u32), usize, usize)>,
    /// Tunnels between two endpoints, as the kernel tells them apart.
    endpoints: Vec<(EndpointKey<'a>, usize, usize)>,
}

impl<'a> Keys<'a> {
    fn gather(inputs: &[CrossInput<'a>]) -> Self {
        let mut keys = Keys {
            names: Vec::with_capacity(inputs.len()),
            ports: Vec::with_capacity(inputs.len()),
            subnets: Vec::with_capacity(inputs.len() * 2),
            peer_addresses: Vec::new(),
            routes: Vec::new(),
            endpoints: Vec::with_capacity(inputs.len()),
        };
        for (i, input) in inputs.iter().enumerate() {
            let peer = input.peer;
            keys.names.push((peer.name.as_str(), i, 0));
            if let Some(port) = peer.local.wireguard.as_ref().and_then(|w| w.port) {
                keys.ports.push((port, i, 0));
            }
            for (j, a) in peer.local.addresses.iter().enumerate() {
                match a.peer {
                    None if !is_link_local(&a.address) => {
                        keys.subnets.push((a.address.trunc(), i, j));
                    }
                    Some(other) if !is_link_local(&other) => {
                        keys.peer_addresses.push((other, i, j));
                    }
                    _ => {}
                }
            }
            for (j, route) in peer.local.routes.iter().enumerate() {
                let key = (route.to, route.effective_table(), route.effective_metric());
                keys.routes.push((key, i, j));
            }
            if let Some(remote) = &peer.remote.endpoint {
                let key = (
                    peer.kind(),
                    peer.local.endpoint.as_ref().map(At::of),
                    At::of(remote),
                    discriminator(peer),
                );
                keys.endpoints.push((key, i, 0));
            }
        }
        keys
    }
}

/// Sorts `items` (key, peer index, place in the peer) and calls `report(later, first,
/// key)` for each item whose key an earlier peer has, with that peer's first such item.
/// The same key twice in one peer is no conflict between peers.
fn repeats<K: Ord + Copy>(
    items: &mut [(K, usize, usize)],
    mut report: impl FnMut((usize, usize), (usize, usize), K),
) {
    items.sort_unstable();
    let mut first: Option<(K, usize, usize)> = None;
    for &(key, i, j) in items.iter() {
        match first {
            Some((k, fi, fj)) if k == key => {
                if fi != i {
                    report((i, j), (fi, fj), key);
                }
            }
            _ => first = Some((key, i, j)),
        }
    }
}

fn push(
    problems: &mut Vec<CrossProblem>,
    index: usize,
    field: &str,
    span: Range<usize>,
    message: String,
    help: &str,
) {
    problems.push(CrossProblem {
        index,
        diagnostic: Diagnostic::error(DiagnosticKind::Conflict, field, span, message)
            .with_help(help),
    });
}

fn duplicate_names(
    inputs: &[CrossInput<'_>],
    names: &mut [(&str, usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    repeats(names, |(i, _), (first, _), name| {
        push(
            problems,
            i,
            "name",
            inputs[i].spans.name.clone(),
            format!(
                "interface name {name:?} is also used by {}",
                location(&inputs[first], &inputs[first].spans.name)
            ),
            "every tunnel on a host needs its own interface name: rename one of them",
        );
    });
}

fn duplicate_ports(
    inputs: &[CrossInput<'_>],
    ports: &mut [(u16, usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    repeats(ports, |(i, _), (first, _), port| {
        push(
            problems,
            i,
            "local.port",
            inputs[i].spans.local_port.clone(),
            format!(
                "WireGuard listen port {port} is also used by {}",
                location(&inputs[first], &inputs[first].spans.local_port)
            ),
            "each WireGuard interface on a host listens on its own UDP port: pick a free one",
        );
    });
}

fn is_link_local(net: &IpNet) -> bool {
    match net {
        IpNet::V4(n) => n.addr().is_link_local(),
        IpNet::V6(n) => (n.addr().segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// Tunnel subnets of different peers must not overlap. CIDR blocks overlap exactly when
/// one contains the other, so after sorting by start address each block only needs
/// comparing with the widest block seen so far.
fn overlapping_subnets(
    inputs: &[CrossInput<'_>],
    nets: &mut [(IpNet, usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    // A total order (the address index too): an unstable sort then gives the stable one.
    nets.sort_unstable_by(|a, b| {
        (
            a.0.addr().is_ipv6(),
            a.0.network(),
            a.0.prefix_len(),
            a.1,
            a.2,
        )
            .cmp(&(
                b.0.addr().is_ipv6(),
                b.0.network(),
                b.0.prefix_len(),
                b.1,
                b.2,
            ))
    });
    let mut widest: Option<(IpNet, usize, usize)> = None;
    for &(net, i, j) in nets.iter() {
        match widest {
            Some((w, wi, wj)) if w.contains(&net.network()) && wi != i => {
                let (later, earlier) = if i > wi {
                    ((i, j), (wi, wj))
                } else {
                    ((wi, wj), (i, j))
                };
                let (li, lj) = later;
                let (ei, ej) = earlier;
                let span = inputs[li]
                    .spans
                    .local_addresses
                    .get(lj)
                    .cloned()
                    .unwrap_or_default();
                let other_span = inputs[ei]
                    .spans
                    .local_addresses
                    .get(ej)
                    .cloned()
                    .unwrap_or_default();
                push(
                    problems,
                    li,
                    &format!("local.addresses[{lj}]"),
                    span,
                    format!(
                        "{} overlaps {} of {}",
                        inputs[li].peer.local.addresses[lj].address,
                        inputs[ei].peer.local.addresses[ej].address,
                        location(&inputs[ei], &other_span)
                    ),
                    "give every tunnel its own transfer subnet (e.g. a separate /31 or /127)",
                );
            }
            Some((w, _, _)) if w.contains(&net.network()) => {}
            _ => widest = Some((net, i, j)),
        }
    }
}

fn duplicate_peer_addresses(
    inputs: &[CrossInput<'_>],
    peers: &mut [(IpNet, usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    repeats(peers, |(i, j), (fi, fj), peer| {
        let span = inputs[i]
            .spans
            .local_addresses
            .get(j)
            .cloned()
            .unwrap_or_default();
        let other = inputs[fi]
            .spans
            .local_addresses
            .get(fj)
            .cloned()
            .unwrap_or_default();
        push(
            problems,
            i,
            &format!("local.addresses[{j}]"),
            span,
            format!(
                "the point-to-point peer {peer} is also the peer of {}",
                location(&inputs[fi], &other)
            ),
            "two tunnels cannot both lead to the same remote address: check the remote addresses",
        );
    });
}

/// The kernel keeps one route per destination, table and metric: the second `ip route add`
/// fails with "File exists". Different metrics are a deliberate primary and backup.
fn duplicate_routes(
    inputs: &[CrossInput<'_>],
    routes: &mut [((IpNet, u32, u32), usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    repeats(routes, |(i, j), (fi, fj), (to, table, metric)| {
        let span = inputs[i]
            .spans
            .local_routes
            .get(j)
            .cloned()
            .unwrap_or_default();
        let other = inputs[fi]
            .spans
            .local_routes
            .get(fj)
            .cloned()
            .unwrap_or_default();
        push(
            problems,
            i,
            &format!("local.routes[{j}]"),
            span,
            format!(
                "the route to {to} (table {table}, metric {metric}) is also installed through {} by {}",
                inputs[fi].peer.name,
                location(&inputs[fi], &other)
            ),
            "a host holds one route per destination, table and metric, and the second tunnel would fail with \"File exists\": keep the route on one peer, or give the two different metrics (primary and backup)",
        );
    });
}

/// What the kernel uses to tell two tunnels of one kind between the same endpoints apart.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Discriminator {
    /// The GRE key.
    Key(Option<u32>),
    /// Nothing (sit).
    None,
    /// VNI and destination port.
    Vxlan(u32, u16),
    /// The other end's WireGuard port.
    Port(Option<u16>),
}

fn discriminator(peer: &Peer) -> Discriminator {
    match &peer.tunnel {
        Tunnel::Gre(o) | Tunnel::Gretap(o) => Discriminator::Key(o.key),
        Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => Discriminator::Key(o.key),
        Tunnel::Sit(_) => Discriminator::None,
        Tunnel::Vxlan(o) => Discriminator::Vxlan(o.vni, o.port),
        Tunnel::Wireguard(_) => {
            Discriminator::Port(peer.remote.wireguard.as_ref().and_then(|w| w.port))
        }
    }
}

/// An endpoint, copied out of its peer (a name stays borrowed).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum At<'a> {
    Ip(IpAddr),
    Host(&'a str),
}

impl At<'_> {
    fn of(endpoint: &Endpoint) -> At<'_> {
        match endpoint {
            Endpoint::Ip(ip) => At::Ip(*ip),
            Endpoint::Host(name) => At::Host(name),
        }
    }
}

/// Two tunnels the kernel cannot tell apart have the same kind, endpoints and
/// discriminator.
type EndpointKey<'a> = (TunnelKind, Option<At<'a>>, At<'a>, Discriminator);

fn same_endpoints(
    inputs: &[CrossInput<'_>],
    endpoints: &mut [(EndpointKey<'_>, usize, usize)],
    problems: &mut Vec<CrossProblem>,
) {
    repeats(endpoints, |(i, _), (first, _), _| {
        let peer = inputs[i].peer;
        push(
            problems,
            i,
            "remote.endpoint",
            inputs[i].spans.remote_endpoint.clone(),
            format!(
                "another {} tunnel between the same endpoints is defined at {}; the kernel cannot tell them apart",
                peer.kind(),
                location(&inputs[first], &inputs[first].spans.remote_endpoint)
            ),
            match &peer.tunnel {
                Tunnel::Vxlan(_) => "use a different vni for the second segment, or merge the peers",
                Tunnel::Wireguard(_) => "merge the peers, or use a different remote port",
                Tunnel::Sit(_) => "a host can have only one sit tunnel per endpoint pair: merge the peers",
                _ => "give each tunnel a distinct GRE key, or merge the peers",
            },
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;

    fn gre(
        name: &str,
        local: &str,
        remote: &str,
        endpoint: &str,
    ) -> (SourceFile, crate::validate::Validated) {
        let text = format!(
            "name = \"{name}\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"{local}\", \"fe80::1/64\"]\n[remote]\nendpoint = \"{endpoint}\"\naddresses = [\"{remote}\", \"fe80::2/64\"]\n"
        );
        let source = SourceFile::new(format!("{name}.toml"), text);
        let valid = validate(&source).unwrap();
        (source, valid)
    }

    fn problems(peers: &[(SourceFile, crate::validate::Validated)]) -> Vec<String> {
        let inputs: Vec<CrossInput<'_>> = peers
            .iter()
            .map(|(s, v)| CrossInput {
                source: s,
                peer: &v.peer,
                spans: &v.spans,
            })
            .collect();
        cross_check(&inputs)
            .into_iter()
            .map(|p| format!("{}: {}", p.index, p.diagnostic.message))
            .collect()
    }

    #[test]
    fn nested_subnets_overlap_adjacent_ones_and_link_local_do_not() {
        let peers = [
            gre("a", "10.0.0.1/24", "10.0.0.2/24", "203.0.113.1"),
            gre("b", "10.0.1.0/31", "10.0.1.1/31", "203.0.113.2"),
            gre("c", "10.0.0.4/31", "10.0.0.5/31", "203.0.113.3"),
        ];
        assert_eq!(
            problems(&peers),
            ["2: 10.0.0.4/31 overlaps 10.0.0.1/24 of a.toml:5:14"]
        );
    }

    fn gre_with_routes(
        name: &str,
        subnet: u8,
        routes: &str,
    ) -> (SourceFile, crate::validate::Validated) {
        let text = format!(
            "name = \"{name}\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"10.0.{subnet}.0/31\"]\nroutes = [{routes}]\n[remote]\nendpoint = \"203.0.113.{subnet}\"\naddresses = [\"10.0.{subnet}.1/31\"]\n"
        );
        let source = SourceFile::new(format!("{name}.toml"), text);
        let valid = validate(&source).unwrap();
        (source, valid)
    }

    #[test]
    fn the_same_route_through_two_tunnels_is_reported_with_both_locations() {
        let peers = [
            gre_with_routes("a", 1, "\"172.20.0.0/14\", \"fd00::/8\""),
            gre_with_routes(
                "b",
                2,
                "\"fd00::/8\", { to = \"172.20.0.0/14\", metric = 0 }",
            ),
        ];
        assert_eq!(
            problems(&peers),
            [
                "1: the route to fd00::/8 (table 254, metric 1024) is also installed through a by a.toml:6:28",
                "1: the route to 172.20.0.0/14 (table 254, metric 0) is also installed through a by a.toml:6:11",
            ]
        );
    }

    #[test]
    fn routes_in_other_tables_or_with_other_metrics_do_not_conflict() {
        let peers = [
            gre_with_routes("a", 1, "\"172.20.0.0/14\", \"fd00::/8\""),
            gre_with_routes(
                "b",
                2,
                "{ to = \"172.20.0.0/14\", table = 100 }, { to = \"fd00::/8\", metric = 2048 }",
            ),
            gre_with_routes(
                "c",
                3,
                "{ to = \"172.20.0.0/14\", table = 254, metric = 1 }",
            ),
        ];
        assert_eq!(problems(&peers), Vec::<String>::new());
    }

    #[test]
    fn same_endpoints_and_names_are_reported_at_the_later_file() {
        let peers = [
            gre("a", "10.0.0.0/31", "10.0.0.1/31", "203.0.113.1"),
            gre("a", "10.0.2.0/31", "10.0.2.1/31", "203.0.113.1"),
        ];
        assert_eq!(
            problems(&peers),
            [
                "1: interface name \"a\" is also used by a.toml:1:8",
                "1: another gre tunnel between the same endpoints is defined at a.toml:7:12; the kernel cannot tell them apart",
            ]
        );
    }
}

//! Tunnel (inner) addresses: syntax, what the kind can carry, duplicates, and whether the
//! two ends can reach each other on the link.
//!
//! Two ends reach each other when each address of one end lies in a subnet of the other
//! with the same prefix length (`172.31.0.0/31` ↔ `172.31.0.1/31`), or when both use
//! single-host addresses (`/32`, `/128`) of one family: then they form a point-to-point
//! pair and each end's address gets the other as its `peer`. An end in a bridge has its
//! addresses on the host's bridge, out of sight: the other end's are not checked against it.

use std::net::IpAddr;
use std::ops::Range;

use ipnet::IpNet;

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::peer::TunnelAddress;
use crate::raw::{RawEnd, RawPeer};
use crate::side::Side;
use toml::Spanned;

struct Parsed {
    net: IpNet,
    span: Range<usize>,
    /// `local` or `remote`.
    side: &'static str,
    /// The index in that end's `addresses`.
    index: usize,
}

impl Parsed {
    /// The dotted field, for a message: formatted only when there is one to give.
    fn field(&self) -> String {
        field(self.side, self.index)
    }
}

/// `local.addresses[2]`.
fn field(side: &str, index: usize) -> String {
    format!("{side}.addresses[{index}]")
}

/// Validates `local.addresses` and `remote.addresses` together.
pub(crate) fn addresses(
    ck: &mut Checker,
    raw: &RawPeer,
    kind: TunnelKind,
) -> (Vec<TunnelAddress>, Vec<TunnelAddress>) {
    // Only this step's own errors stop the pairing below: a bad name elsewhere in the file
    // must not hide that the addresses do not match.
    let errors_before = ck.error_count();
    let local = parse_end(ck, "local", &raw.local, kind);
    let remote = parse_end(ck, "remote", &raw.remote, kind);
    duplicates(ck, &local, &remote);
    if ck.error_count() > errors_before {
        return (vec![], vec![]);
    }
    // An end in a bridge has its addresses on the host's bridge, which peergen does not
    // see: the other end's shared-subnet addresses cannot be checked against it.
    let local_bridged = super::bridge::joins_bridge(raw, Side::Local, kind);
    let remote_bridged = super::bridge::joins_bridge(raw, Side::Remote, kind);
    let local_pairs = pair(ck, ("local", &local), ("remote", &remote, remote_bridged));
    let remote_pairs = pair(ck, ("remote", &remote), ("local", &local, local_bridged));
    (local_pairs, remote_pairs)
}

fn is_host(net: &IpNet) -> bool {
    net.prefix_len() == net.max_prefix_len()
}

fn parse_end(
    ck: &mut Checker,
    side: &'static str,
    end: &Spanned<RawEnd>,
    kind: TunnelKind,
) -> Vec<Parsed> {
    let Some(list) = end.get_ref().addresses.as_ref() else {
        if !kind.is_layer2() {
            ck.error(
                DiagnosticKind::MissingKey,
                format!("{side}.addresses"),
                end.span(),
                format!("kind = \"{kind}\" is a layer 3 tunnel and needs the {side} end's tunnel addresses"),
                format!("add addresses = [\"{}\"] to [{side}]", if kind == TunnelKind::Sit { "2001:db8:ffff::1/64" } else { "172.31.0.1/31" }),
            );
        }
        return vec![];
    };
    if list.get_ref().is_empty() && !kind.is_layer2() {
        ck.error(
            DiagnosticKind::MissingKey,
            format!("{side}.addresses"),
            list.span(),
            "a layer 3 tunnel needs at least one tunnel address on each end",
            "list the addresses with their prefix length, e.g. [\"172.31.0.1/31\", \"fe80::1/64\"]",
        );
    }
    let mut out = Vec::new();
    for (i, item) in list.get_ref().iter().enumerate() {
        let text = item.get_ref();
        if crate::text::first_unprintable(text).is_some() {
            ck.printable(&field(side, i), item);
            continue;
        }
        let net = match text.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => {
                let help = if let Ok(ip) = text.parse::<IpAddr>() {
                    format!(
                        "add the prefix length: \"{ip}/{}\" for a shared link, or \"{ip}/{}\" for point-to-point",
                        if ip.is_ipv4() { 31 } else { 64 },
                        if ip.is_ipv4() { 32 } else { 128 }
                    )
                } else {
                    "write ADDRESS/PREFIX, e.g. \"172.31.0.1/31\" or \"fe80::1/64\"".to_owned()
                };
                ck.error(
                    DiagnosticKind::InvalidAddress,
                    field(side, i),
                    item.span(),
                    format!("{text:?} is not an address with a prefix length"),
                    help,
                );
                continue;
            }
        };
        let addr = net.addr();
        if addr.is_unspecified() || addr.is_multicast() || addr.is_loopback() {
            ck.error(
                DiagnosticKind::InvalidAddress,
                field(side, i),
                item.span(),
                format!("{addr} cannot be a tunnel interface address"),
                "use a unicast address, e.g. from 172.31.0.0/16, fd00::/8 or fe80::/64",
            );
            continue;
        }
        if kind == TunnelKind::Sit && addr.is_ipv4() {
            ck.error(
                DiagnosticKind::InnerFamily,
                field(side, i),
                item.span(),
                format!("a sit (6in4) tunnel carries IPv6 only, but {net} is IPv4"),
                "remove the IPv4 address, or use kind = \"gre\" to carry IPv4 and IPv6",
            );
            continue;
        }
        out.push(Parsed {
            net,
            span: item.span(),
            side,
            index: i,
        });
    }
    out
}

/// The same address twice, on one end or across both.
fn duplicates(ck: &mut Checker, local: &[Parsed], remote: &[Parsed]) {
    let all: Vec<&Parsed> = local.iter().chain(remote).collect();
    for (i, a) in all.iter().enumerate() {
        if let Some(first) = all[..i].iter().find(|b| b.net.addr() == a.net.addr()) {
            ck.error(
                DiagnosticKind::DuplicateAddress,
                a.field(),
                a.span.clone(),
                format!("{} is already used by {}", a.net.addr(), first.field()),
                "every tunnel address must be unique across both ends",
            );
        }
    }
}

/// Pairs each address of `this` end with the other end: on a shared subnet (no `peer`) or
/// point-to-point (`peer` = the other end's single-host address of the same family, in order).
/// `other` comes with whether that end joins a bridge, which skips the subnet check.
fn pair(
    ck: &mut Checker,
    (this_side, this): (&str, &[Parsed]),
    (other_side, other, other_bridged): (&str, &[Parsed], bool),
) -> Vec<TunnelAddress> {
    let mut out = Vec::new();
    for a in this {
        if is_host(&a.net) {
            let nth = this
                .iter()
                .take_while(|x| !std::ptr::eq(*x, a))
                .filter(|x| is_host(&x.net) && x.net.addr().is_ipv4() == a.net.addr().is_ipv4())
                .count();
            let peer = other
                .iter()
                .filter(|x| is_host(&x.net) && x.net.addr().is_ipv4() == a.net.addr().is_ipv4())
                .nth(nth);
            match peer {
                Some(p) => out.push(TunnelAddress {
                    address: a.net,
                    peer: Some(p.net),
                }),
                None => ck.error(
                    DiagnosticKind::AddressNotOnLink,
                    a.field(),
                    a.span.clone(),
                    format!(
                        "{} is a single-host address, so it is point-to-point and needs a matching /{} address on the {other_side} end",
                        a.net,
                        a.net.max_prefix_len()
                    ),
                    format!(
                        "add the {other_side} end's /{} address, or put both ends in one subnet (e.g. /{})",
                        a.net.max_prefix_len(),
                        if a.net.addr().is_ipv4() { 31 } else { 127 }
                    ),
                ),
            }
            continue;
        }
        out.push(TunnelAddress {
            address: a.net,
            peer: None,
        });
        // A shared-subnet address must have the other end in the same subnet with the same
        // prefix length; checking from both sides catches both directions.
        let on_link = other_bridged
            || other
                .iter()
                .any(|b| b.net.prefix_len() == a.net.prefix_len() && a.net.contains(&b.net.addr()));
        if !on_link {
            let same_family: Vec<String> = other
                .iter()
                .filter(|b| b.net.addr().is_ipv4() == a.net.addr().is_ipv4())
                .map(|b| b.net.to_string())
                .collect();
            let family = if a.net.addr().is_ipv4() {
                "IPv4"
            } else {
                "IPv6"
            };
            let (message, help) = if same_family.is_empty() {
                (
                    format!("{} has no {family} counterpart on the {other_side} end", a.net),
                    format!(
                        "add an address from {} with prefix length /{} to [{other_side}] addresses, or remove this one",
                        a.net.trunc(),
                        a.net.prefix_len()
                    ),
                )
            } else {
                (
                    format!(
                        "{} and the {other_side} end's {} are not in one subnet with the same prefix length",
                        a.net,
                        same_family.join(", ")
                    ),
                    format!(
                        "give both ends addresses from one subnet with one prefix length: for this {this_side} address, an address from {} written with /{} on the {other_side} end",
                        a.net.trunc(),
                        a.net.prefix_len()
                    ),
                )
            };
            ck.error(
                DiagnosticKind::AddressNotOnLink,
                a.field(),
                a.span.clone(),
                message,
                help,
            );
        }
    }
    out
}

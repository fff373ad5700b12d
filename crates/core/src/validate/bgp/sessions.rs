//! Which BGP sessions run over the tunnel, between which addresses, carrying which families.
//!
//! The derivation, when `[bgp]` leaves it open (docs/peer-file.md, "BGP sessions"):
//!
//! - `sessions`: `"per-family"` when both ends have IPv4 tunnel addresses; otherwise
//!   `"link-local"` when both have an `fe80::/64` address; otherwise `"per-family"`.
//! - `families`: with `"per-family"`, every family both ends have tunnel addresses of; with
//!   `"link-local"`, IPv6 and IPv4 (IPv6 only for `sit`, which cannot carry IPv4).
//! - `extended-next-hop`: on exactly when the link-local session carries IPv4.
//!
//! A per-family session runs between the first address of that family on our end and its
//! counterpart on the other (its `peer`, or the other end's address in the same subnet);
//! for IPv6 a global or unique local address comes before a link-local one. The
//! link-local session runs between the two `fe80::/64` addresses. A session whose
//! neighbour is link-local needs the interface named in both daemons.

use std::net::IpAddr;
use std::ops::Range;

use super::super::Checker;
use crate::bgp::{Family, Session, SessionMode};
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::peer::{End, TunnelAddress};
use crate::raw::RawBgp;

/// Whether `ip` is in `fe80::/64`, where the kernel puts link-local addresses.
pub(crate) fn is_link_local(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.segments()[..4] == [0xfe80, 0, 0, 0])
}

/// Whether an end has an `fe80::/64` address.
pub(crate) fn has_link_local(end: &End) -> bool {
    end.addresses
        .iter()
        .any(|a| is_link_local(a.address.addr()))
}

/// Our address and the other end's for a session of `family`, from our first address of
/// that family that is (or is not) link-local and has a counterpart.
fn pair(
    local: &[TunnelAddress],
    remote: &[TunnelAddress],
    family: Family,
    link_local: bool,
) -> Option<(IpAddr, IpAddr)> {
    local
        .iter()
        .filter(|a| {
            Family::of(a.address.addr()) == family && is_link_local(a.address.addr()) == link_local
        })
        .find_map(|a| {
            let other = match a.peer {
                Some(peer) => Some(peer.addr()),
                None => remote
                    .iter()
                    .find(|b| {
                        b.peer.is_none()
                            && b.address.prefix_len() == a.address.prefix_len()
                            && a.address.contains(&b.address.addr())
                    })
                    .map(|b| b.address.addr()),
            };
            other.map(|o| (a.address.addr(), o))
        })
}

/// The pair a per-family session of `family` uses: global (or unique local) addresses
/// first, then for IPv6 the link-local ones.
fn family_pair(local: &End, remote: &End, family: Family) -> Option<(IpAddr, IpAddr)> {
    pair(&local.addresses, &remote.addresses, family, false).or_else(|| {
        (family == Family::Ipv6)
            .then(|| pair(&local.addresses, &remote.addresses, family, true))
            .flatten()
    })
}

/// The resolved sessions.
pub(crate) struct Sessions {
    pub mode: SessionMode,
    pub sessions: Vec<Session>,
}

/// Where `[bgp]` is, for problems of the table as a whole.
pub(crate) struct Place {
    pub table: Range<usize>,
}

/// Resolves `sessions`, `families` and `extended-next-hop` against the ends' addresses;
/// `None` after an error.
pub(crate) fn sessions(
    ck: &mut Checker,
    raw: &RawBgp,
    place: &Place,
    kind: TunnelKind,
    local: &End,
    remote: &End,
) -> Option<Sessions> {
    let errors_before = ck.error_count();
    let explicit_mode = raw.sessions.as_ref().and_then(|t| match t.get_ref().as_str() {
        "per-family" => Some(SessionMode::PerFamily),
        "link-local" => Some(SessionMode::LinkLocal),
        other => {
            ck.error(
                DiagnosticKind::OutOfRange,
                "bgp.sessions",
                t.span(),
                format!("{other:?} is not a way to set up the sessions"),
                "use \"per-family\" (one session per family over the tunnel addresses) or \"link-local\" (one session over fe80::/64 carrying both families), or remove sessions to derive it from the addresses",
            );
            None
        }
    });
    let explicit_families = families(ck, raw);
    if ck.error_count() > errors_before {
        return None;
    }

    let link_local = pair(&local.addresses, &remote.addresses, Family::Ipv6, true);
    let mode = explicit_mode.unwrap_or(
        if family_pair(local, remote, Family::Ipv4).is_none() && link_local.is_some() {
            SessionMode::LinkLocal
        } else {
            SessionMode::PerFamily
        },
    );
    if mode == SessionMode::LinkLocal && link_local.is_none() {
        let lacking: Vec<&str> = [("[local]", local), ("[remote]", remote)]
            .into_iter()
            .filter(|(_, end)| !has_link_local(end))
            .map(|(name, _)| name)
            .collect();
        ck.error(
            DiagnosticKind::BgpSession,
            "bgp.sessions",
            raw.sessions.as_ref().map_or(place.table.clone(), |t| t.span()),
            format!(
                "a link-local session runs between the ends' fe80::/64 addresses, and {}",
                none_on(&lacking)
            ),
            "add \"fe80::1/64\" to [local] addresses and \"fe80::2/64\" to [remote] addresses (written out, so each side knows the neighbour; WireGuard, GRE and SIT interfaces get no link-local address of their own), or use sessions = \"per-family\"",
        );
        return None;
    }

    let carries_ipv4 = kind != TunnelKind::Sit;
    let families: Vec<Family> = match &explicit_families {
        Some(list) => list.iter().map(|(f, _)| *f).collect(),
        None => match mode {
            SessionMode::PerFamily => Family::ALL
                .into_iter()
                .filter(|f| family_pair(local, remote, *f).is_some())
                .collect(),
            SessionMode::LinkLocal => Family::ALL
                .into_iter()
                .filter(|f| *f == Family::Ipv6 || carries_ipv4)
                .collect(),
        },
    };
    for (family, span) in explicit_families.iter().flatten() {
        if *family == Family::Ipv4 && !carries_ipv4 {
            ck.error(
                DiagnosticKind::InnerFamily,
                "bgp.families",
                span.clone(),
                "a sit (6in4) tunnel carries IPv6 only, so no IPv4 route learned over it could be used",
                "remove \"ipv4\" from families, or use kind = \"gre\" to carry IPv4 and IPv6",
            );
        } else if mode == SessionMode::PerFamily && family_pair(local, remote, *family).is_none() {
            let lacking: Vec<&str> = [("[local]", local), ("[remote]", remote)]
                .into_iter()
                .filter(|(_, end)| {
                    !end.addresses
                        .iter()
                        .any(|a| Family::of(a.address.addr()) == *family)
                })
                .map(|(name, _)| name)
                .collect();
            let name = family_name(*family);
            ck.error(
                DiagnosticKind::BgpSession,
                "bgp.families",
                span.clone(),
                format!(
                    "a per-family {name} session runs between {name} tunnel addresses of both ends, and {}",
                    none_on(&lacking)
                ),
                format!(
                    "add {name} addresses in one subnet to both ends, remove \"{family}\" from families, or carry it over IPv6 link-local with sessions = \"link-local\""
                ),
            );
        }
    }
    if families.is_empty() {
        ck.error(
            DiagnosticKind::BgpSession,
            "bgp",
            place.table.clone(),
            "no address family has tunnel addresses on both ends, so there is no address to run a BGP session between",
            "give both ends tunnel addresses of one family (e.g. \"172.31.0.1/31\" and \"172.31.0.0/31\"), or \"fe80::1/64\" and \"fe80::2/64\" for a link-local session",
        );
    }
    if ck.error_count() > errors_before {
        return None;
    }

    let needs_enh = mode == SessionMode::LinkLocal && families.contains(&Family::Ipv4);
    let extended_next_hop = match &raw.extended_next_hop {
        Some(value) if *value.get_ref() && !needs_enh => {
            let message = match mode {
                SessionMode::PerFamily => "extended next hop carries IPv4 on the IPv6 session, but with per-family sessions IPv4 has a session (and next hops) of its own".to_owned(),
                SessionMode::LinkLocal => "extended next hop carries IPv4 on the IPv6 session, which needs the session to carry both families, but it carries IPv6 only".to_owned(),
            };
            ck.error(
                DiagnosticKind::ExtendedNextHop,
                "bgp.extended-next-hop",
                value.span(),
                message,
                "remove extended-next-hop, or carry IPv4 on the link-local session: sessions = \"link-local\" with families = [\"ipv4\", \"ipv6\"]",
            );
            return None;
        }
        Some(value) if !*value.get_ref() && needs_enh => {
            ck.error(
                DiagnosticKind::ExtendedNextHop,
                "bgp.extended-next-hop",
                value.span(),
                "the link-local session carries IPv4, whose routes then have no next hop of their own family: only extended next hop (an IPv6 next hop for IPv4 routes, RFC 8950) makes them usable",
                "remove extended-next-hop = false (it is on by default here), or leave IPv4 out with families = [\"ipv6\"], or give both ends IPv4 addresses and use sessions = \"per-family\"",
            );
            return None;
        }
        _ => needs_enh,
    };

    let sessions = match mode {
        SessionMode::LinkLocal => {
            let (ours, theirs) = link_local?;
            vec![Session {
                local_address: ours,
                neighbor: theirs,
                families,
                extended_next_hop,
                needs_interface: true,
            }]
        }
        SessionMode::PerFamily => families
            .iter()
            .filter_map(|f| {
                let (ours, theirs) = family_pair(local, remote, *f)?;
                Some(Session {
                    local_address: ours,
                    neighbor: theirs,
                    families: vec![*f],
                    extended_next_hop: false,
                    needs_interface: is_link_local(theirs),
                })
            })
            .collect(),
    };
    Some(Sessions { mode, sessions })
}

/// "[local] has none", "[local] and [remote] have none".
fn none_on(ends: &[&str]) -> String {
    match ends {
        [one] => format!("{one} has none"),
        _ => format!("{} have none", ends.join(" and ")),
    }
}

/// `IPv4` or `IPv6`.
pub(crate) fn family_name(family: Family) -> &'static str {
    match family {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    }
}

/// The explicit `families`, sorted, each with its span; errors for unknown words, repeats
/// and an empty list.
fn families(ck: &mut Checker, raw: &RawBgp) -> Option<Vec<(Family, Range<usize>)>> {
    let list = raw.families.as_ref()?;
    if list.get_ref().is_empty() {
        ck.error(
            DiagnosticKind::MissingKey,
            "bgp.families",
            list.span(),
            "a BGP peering exchanges at least one family",
            "list \"ipv4\", \"ipv6\" or both, or remove families to derive them from the addresses",
        );
        return None;
    }
    let mut out: Vec<(Family, Range<usize>)> = Vec::new();
    for (i, item) in list.get_ref().iter().enumerate() {
        let field = format!("bgp.families[{i}]");
        let family = match item.get_ref().as_str() {
            "ipv4" => Family::Ipv4,
            "ipv6" => Family::Ipv6,
            other => {
                ck.error(
                    DiagnosticKind::OutOfRange,
                    field,
                    item.span(),
                    format!("{other:?} is not an address family"),
                    "use \"ipv4\" or \"ipv6\" (lower case)",
                );
                continue;
            }
        };
        if out.iter().any(|(f, _)| *f == family) {
            ck.error(
                DiagnosticKind::DuplicateAddress,
                field,
                item.span(),
                format!("\"{family}\" is listed twice"),
                "list each family once",
            );
            continue;
        }
        out.push((family, item.span()));
    }
    out.sort_by_key(|(f, _)| *f);
    Some(out)
}

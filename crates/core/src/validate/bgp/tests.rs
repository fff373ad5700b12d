//! Unit tests of the BGP derivation and rules; the full messages are pinned by the
//! `bgp-*` invalid fixtures' snapshots.

use std::net::IpAddr;

use crate::bgp::{Asn, Bgp, Family, SessionMode};
use crate::diagnostic::{DiagnosticKind, Severity};
use crate::site::Defaults;
use crate::validate::{validate, validate_with};
use crate::{Side, SourceFile};

/// A GRE peer with the given addresses and `[bgp]` lines.
fn gre(local: &str, remote: &str, bgp: &str) -> String {
    format!(
        "name = \"gre-t\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [{local}]\nasn = 64496\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [{remote}]\nasn = 64512\n[bgp]\n{bgp}\n"
    )
}

fn bgp(text: &str) -> Bgp {
    match validate(&SourceFile::new("t.toml", text)) {
        Ok(v) => *v.peer.bgp.expect("a [bgp] table gives a peering"),
        Err(e) => panic!("{text}\n{:#?}", e.diagnostics),
    }
}

/// The kinds of the errors (not warnings) of an invalid peer file.
fn errors(text: &str) -> Vec<DiagnosticKind> {
    match validate(&SourceFile::new("t.toml", text)) {
        Ok(_) => panic!("valid: {text}"),
        Err(e) => e
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.kind)
            .collect(),
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("an address")
}

#[test]
fn both_ipv4_gives_per_family_sessions_with_global_ipv6_before_link_local() {
    let b = bgp(&gre(
        r#""172.31.0.1/31", "fe80::1/64", "2001:db8:ffff::1/64""#,
        r#""172.31.0.0/31", "fe80::2/64", "2001:db8:ffff::2/64""#,
        "",
    ));
    assert_eq!(b.mode, SessionMode::PerFamily);
    assert_eq!(b.sessions.len(), 2);
    assert_eq!(
        (b.sessions[0].local_address, b.sessions[0].neighbor),
        (ip("172.31.0.1"), ip("172.31.0.0"))
    );
    assert_eq!(b.sessions[0].families, [Family::Ipv4]);
    assert_eq!(b.sessions[1].neighbor, ip("2001:db8:ffff::2"));
    assert!(!b.sessions[1].needs_interface && !b.sessions[1].extended_next_hop);
}

#[test]
fn ipv6_only_on_link_local_gives_a_per_family_session_on_the_interface() {
    let b = bgp(&gre(
        r#""172.31.0.1/31", "fe80::1/64""#,
        r#""172.31.0.0/31", "fe80::2/64""#,
        "",
    ));
    assert_eq!(b.mode, SessionMode::PerFamily);
    assert_eq!(b.sessions[1].neighbor, ip("fe80::2"));
    assert!(b.sessions[1].needs_interface);
    assert_eq!(b.families(), [Family::Ipv4, Family::Ipv6]);
}

#[test]
fn link_local_only_gives_one_session_with_extended_next_hop() {
    let b = bgp(&gre(r#""fe80::1/64""#, r#""fe80::2/64""#, ""));
    assert_eq!(b.mode, SessionMode::LinkLocal);
    assert_eq!(b.sessions.len(), 1);
    let s = &b.sessions[0];
    assert_eq!(s.families, [Family::Ipv4, Family::Ipv6]);
    assert!(s.extended_next_hop && s.needs_interface);
    assert_eq!(s.transport(), Family::Ipv6);
}

#[test]
fn link_local_with_global_ipv6_and_no_ipv4_is_still_link_local() {
    let b = bgp(&gre(
        r#""2001:db8:ffff::1/64", "fe80::1/64""#,
        r#""2001:db8:ffff::2/64", "fe80::2/64""#,
        "",
    ));
    assert_eq!(b.mode, SessionMode::LinkLocal);
    let b = bgp(&gre(
        r#""2001:db8:ffff::1/64", "fe80::1/64""#,
        r#""2001:db8:ffff::2/64", "fe80::2/64""#,
        "sessions = \"per-family\"",
    ));
    assert_eq!(b.sessions.len(), 1);
    assert_eq!(b.sessions[0].neighbor, ip("2001:db8:ffff::2"));
}

#[test]
fn explicit_link_local_may_carry_ipv6_only_without_extended_next_hop() {
    let b = bgp(&gre(
        r#""172.31.0.1/31", "fe80::1/64""#,
        r#""172.31.0.0/31", "fe80::2/64""#,
        "sessions = \"link-local\"\nfamilies = [\"ipv6\"]",
    ));
    assert_eq!(b.sessions.len(), 1);
    assert_eq!(b.sessions[0].families, [Family::Ipv6]);
    assert!(!b.sessions[0].extended_next_hop);
}

#[test]
fn point_to_point_addresses_pair_with_their_peer() {
    let b = bgp(&gre(r#""172.31.0.1/32""#, r#""172.31.0.2/32""#, ""));
    assert_eq!(b.sessions[0].neighbor, ip("172.31.0.2"));
}

#[test]
fn sit_link_local_carries_ipv6_only() {
    let text = gre(r#""fe80::1/64""#, r#""fe80::2/64""#, "").replace("\"gre\"", "\"sit\"");
    let b = bgp(&text);
    assert_eq!(b.sessions[0].families, [Family::Ipv6]);
    assert!(!b.sessions[0].extended_next_hop);
}

#[test]
fn the_other_side_swaps_addresses_ends_and_policies() {
    let text = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "")
        .replace(
            "asn = 64496\n",
            "asn = 64496\nannounce = [\"198.51.100.0/24\"]\nmax-prefix-ipv4 = 5\nbird-export-filter = \"ours\"\n",
        )
        .replace(
            "asn = 64512\n",
            "asn = 64512\nannounce = [{ prefix = \"203.0.113.0/24\", max-length = 25 }]\npassive = true\n",
        );
    let v = validate(&SourceFile::new("t.toml", text)).expect("valid");
    let ours = v.peer.bgp.clone().expect("bgp");
    let theirs = v.peer.for_side(Side::Remote).bgp.expect("bgp");
    assert_eq!(theirs.local.asn, Asn(64512));
    assert_eq!(theirs.remote.asn, Asn(64496));
    assert_eq!(
        (
            theirs.sessions[0].local_address,
            theirs.sessions[0].neighbor
        ),
        (ours.sessions[0].neighbor, ours.sessions[0].local_address)
    );
    // Our export is their import, and the other way round.
    let prefixes = |it: &mut dyn Iterator<Item = &crate::bgp::Announce>| {
        it.map(|a| a.prefix.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(
        prefixes(&mut ours.exports(Family::Ipv4)),
        ["198.51.100.0/24"]
    );
    assert_eq!(
        prefixes(&mut theirs.imports(Family::Ipv4)),
        ["198.51.100.0/24"]
    );
    assert_eq!(
        prefixes(&mut theirs.exports(Family::Ipv4)),
        ["203.0.113.0/24"]
    );
    assert_eq!(ours.import_limit(Family::Ipv4), 1000);
    assert_eq!(theirs.import_limit(Family::Ipv4), 5);
    assert!(theirs.local.passive && !theirs.remote.passive);
    assert_eq!(theirs.remote.bird.export.as_deref(), Some("ours"));
    assert_eq!(
        theirs.for_other_side(),
        *ours,
        "swapping twice is the identity"
    );
    assert_eq!(v.peer.for_side(Side::Local).bgp, Some(ours));
}

#[test]
fn the_end_without_endpoint_dials_and_the_other_is_passive() {
    let text = r#"
name = "wg-t"
kind = "wireguard"
[local]
addresses = ["fe80::1/64"]
public-key = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
asn = 64496
[remote]
endpoint = "203.0.113.1"
port = 51820
addresses = ["fe80::2/64"]
public-key = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
asn = 64512
[bgp]
"#;
    let b = bgp(text);
    assert!(!b.local.passive && b.remote.passive);
    // Stating the default on the other end changes nothing; making the dialling end
    // passive too leaves nobody to connect.
    assert!(
        bgp(&text.replace("asn = 64512", "asn = 64512\npassive = true"))
            .remote
            .passive
    );
    assert_eq!(
        errors(&text.replace("asn = 64496", "asn = 64496\npassive = true")),
        [DiagnosticKind::BgpPassive]
    );
    // With endpoints on both ends, neither is passive by default.
    let both = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "");
    let b = bgp(&both);
    assert!(!b.local.passive && !b.remote.passive);
}

#[test]
fn as_numbers_at_the_edges() {
    for (n, ok) in [
        (1_i64, true),
        (64_496, true),
        (64_511, true),
        (64_512, true),
        (65_534, true),
        (65_536, true),
        (4_200_000_000, true),
        (4_294_967_294, true),
        (0, false),
        (23_456, false),
        (65_535, false),
        (4_294_967_295, false),
        (-1, false),
    ] {
        let text = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "")
            .replace("asn = 64496", "asn = 65000")
            .replace("asn = 64512", &format!("asn = {n}"));
        let result = validate(&SourceFile::new("t.toml", text));
        assert_eq!(result.is_ok(), ok, "AS {n}");
        if let Err(e) = result {
            assert_eq!(e.diagnostics[0].kind, DiagnosticKind::InvalidAsn, "AS {n}");
        }
    }
}

#[test]
fn our_as_number_may_come_from_the_site_file() {
    let text = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "").replace("asn = 64496\n", "");
    assert_eq!(errors(&text), [DiagnosticKind::MissingKey]);
    let defaults = Defaults {
        asn: Some(Asn(64500)),
        ..Defaults::default()
    };
    let v = validate_with(&SourceFile::new("t.toml", text.as_str()), &defaults).expect("valid");
    assert_eq!(v.peer.bgp.expect("bgp").local.asn, Asn(64500));
    // The peer file's own number wins.
    let text = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "");
    let v = validate_with(&SourceFile::new("t.toml", text), &defaults).expect("valid");
    assert_eq!(v.peer.bgp.expect("bgp").local.asn, Asn(64496));
}

#[test]
fn the_site_file_checks_its_as_number() {
    let site = |asn: &str| {
        crate::validate::validate_site(&SourceFile::new(
            "peergen.toml",
            format!("[local]\nasn = {asn}\n"),
        ))
    };
    assert_eq!(
        site("4200000000").expect("valid").defaults.asn,
        Some(Asn(4_200_000_000))
    );
    let e = site("23456").expect_err("AS_TRANS");
    assert_eq!(e.diagnostics[0].kind, DiagnosticKind::InvalidAsn);
    assert_eq!(e.diagnostics[0].field.as_deref(), Some("local.asn"));
}

#[test]
fn passwords_both_daemons_take() {
    let with = |p: &str| {
        gre(
            r#""172.31.0.1/31""#,
            r#""172.31.0.0/31""#,
            &format!("password = {}", toml::Value::String(p.to_owned())),
        )
    };
    let longest = "x".repeat(80);
    for good in [
        "a",
        "Zx8q-pR3t.Lw7v",
        "+/=$%&()*,;<>?@[]^_`{|}~",
        longest.as_str(),
    ] {
        assert_eq!(bgp(&with(good)).password.as_deref(), Some(good));
    }
    let too_long = "x".repeat(81);
    for bad in [
        "",
        "a b",
        "a\"b",
        "a\\b",
        "a#b",
        "a!b",
        "a'b",
        "a\tb",
        "pässword",
        too_long.as_str(),
    ] {
        assert!(
            errors(&with(bad)).contains(&DiagnosticKind::InvalidPassword),
            "{bad:?}"
        );
    }
}

#[test]
fn policy_names_are_conservative_identifiers() {
    let with = |name: &str| {
        gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "").replace(
            "asn = 64496\n",
            &format!(
                "asn = 64496\nfrr-route-map-in = {}\n",
                toml::Value::String(name.to_owned())
            ),
        )
    };
    let longest = format!("a{}", "b".repeat(31));
    for good in ["A", "PEER-IN", "peer_in_64512", longest.as_str()] {
        assert_eq!(bgp(&with(good)).local.frr.import.as_deref(), Some(good));
    }
    let too_long = format!("a{}", "b".repeat(32));
    for bad in [
        "",
        "1x",
        "_x",
        "-x",
        "a b",
        "a.b",
        "a;b",
        "a'b",
        "a\"b",
        "é",
        too_long.as_str(),
    ] {
        assert_eq!(
            errors(&with(bad)),
            [DiagnosticKind::InvalidPolicyName],
            "{bad:?}"
        );
    }
}

#[test]
fn hold_time_is_zero_or_three_and_more() {
    let with = |h: i64| {
        gre(
            r#""172.31.0.1/31""#,
            r#""172.31.0.0/31""#,
            &format!("hold-time = {h}"),
        )
    };
    assert_eq!(bgp(&with(0)).hold_time, Some(0));
    assert_eq!(bgp(&with(3)).hold_time, Some(3));
    assert_eq!(bgp(&with(65_535)).hold_time, Some(65_535));
    for bad in [-1, 1, 2, 65_536] {
        assert_eq!(errors(&with(bad)), [DiagnosticKind::OutOfRange], "{bad}");
    }
}

#[test]
fn inherited_ttl_is_an_error_only_with_bgp() {
    let tunnel_only = "name = \"gre-t\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"172.31.0.1/31\"]\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [\"172.31.0.0/31\"]\n[gre]\nttl = \"inherit\"\n";
    let v = validate(&SourceFile::new("t.toml", tunnel_only)).expect("only a warning");
    assert_eq!(v.warnings[0].kind, DiagnosticKind::TtlInherit);
    let with_bgp = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "")
        .replace("[bgp]", "[gre]\nttl = \"inherit\"\n[bgp]");
    let e = validate(&SourceFile::new("t.toml", with_bgp)).expect_err("an error");
    assert_eq!(e.diagnostics.len(), 1, "the warning gives way to the error");
    assert_eq!(e.diagnostics[0].kind, DiagnosticKind::TtlInherit);
    assert!(e.diagnostics[0].is_error());
    // Every kind with a ttl.
    for (kind, endpoints) in [
        ("sit", ("198.51.100.10", "203.0.113.1")),
        ("ip6gre", ("2001:db8::1", "2001:db8::2")),
        ("gretap", ("198.51.100.10", "203.0.113.1")),
        ("ip6gretap", ("2001:db8::1", "2001:db8::2")),
    ] {
        let text = format!(
            "name = \"t\"\nkind = \"{kind}\"\n[local]\nendpoint = \"{}\"\naddresses = [\"fe80::1/64\"]\nasn = 64496\n[remote]\nendpoint = \"{}\"\naddresses = [\"fe80::2/64\"]\nasn = 64512\n[{kind}]\nttl = \"inherit\"\n[bgp]\n",
            endpoints.0, endpoints.1
        );
        assert_eq!(errors(&text), [DiagnosticKind::TtlInherit], "{kind}");
    }
    let vxlan = "name = \"t\"\nkind = \"vxlan\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"fe80::1/64\"]\nasn = 64496\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [\"fe80::2/64\"]\nasn = 64512\n[vxlan]\nvni = 1\nttl = \"inherit\"\n[bgp]\n";
    assert_eq!(errors(vxlan), [DiagnosticKind::TtlInherit]);
}

#[test]
fn ipv6_sessions_over_wireguard_gre_and_sit_want_link_local_addresses() {
    let text = gre(
        r#""172.31.0.1/31", "2001:db8:ffff::1/64""#,
        r#""172.31.0.0/31", "2001:db8:ffff::2/64""#,
        "",
    );
    let v = validate(&SourceFile::new("t.toml", text.as_str())).expect("a warning only");
    let kinds: Vec<_> = v.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [DiagnosticKind::NoLinkLocal]);
    // IPv4 only: no IPv6 session, no warning; a layer 2 kind has its own link-local address.
    let v4 = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "");
    assert!(validate(&SourceFile::new("t.toml", v4))
        .expect("valid")
        .warnings
        .is_empty());
    let gretap = text.replace("\"gre\"", "\"gretap\"");
    assert!(validate(&SourceFile::new("t.toml", gretap))
        .expect("valid")
        .warnings
        .is_empty());
}

#[test]
fn announce_checks_family_host_bits_and_max_length() {
    let with = |announce: &str| {
        gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "").replace(
            "asn = 64512\n",
            &format!("asn = 64512\nannounce = [{announce}]\n"),
        )
    };
    let b = bgp(&with(
        r#"{ prefix = "192.0.2.0/24", max-length = 32 }, "0.0.0.0/0""#,
    ));
    assert_eq!(b.remote.announce[0].effective_max_length(), 32);
    assert_eq!(b.remote.announce[1].effective_max_length(), 0);
    assert_eq!(
        errors(&with(r#""2001:db8::/32""#)),
        [DiagnosticKind::AnnounceFamily]
    );
    assert_eq!(
        errors(&with(r#""192.0.2.1/24""#)),
        [DiagnosticKind::InvalidAddress]
    );
    assert_eq!(
        errors(&with(r#"{ prefix = "192.0.2.0/24", max-length = 23 }"#)),
        [DiagnosticKind::OutOfRange]
    );
    assert_eq!(
        errors(&with(
            r#""192.0.2.0/24", { prefix = "192.0.2.0/24", max-length = 25 }"#
        )),
        [DiagnosticKind::DuplicateAddress]
    );
}

#[test]
fn session_rules_have_their_own_codes() {
    let v4 = (r#""172.31.0.1/31""#, r#""172.31.0.0/31""#);
    let ll = (r#""fe80::1/64""#, r#""fe80::2/64""#);
    for (addresses, bgp, kind) in [
        (v4, "sessions = \"link-local\"", DiagnosticKind::BgpSession),
        (v4, "families = [\"ipv6\"]", DiagnosticKind::BgpSession),
        (
            v4,
            "extended-next-hop = true",
            DiagnosticKind::ExtendedNextHop,
        ),
        (
            ll,
            "extended-next-hop = false",
            DiagnosticKind::ExtendedNextHop,
        ),
        (
            ll,
            "families = [\"ipv6\"]\nextended-next-hop = true",
            DiagnosticKind::ExtendedNextHop,
        ),
        (ll, "families = []", DiagnosticKind::MissingKey),
    ] {
        assert_eq!(errors(&gre(addresses.0, addresses.1, bgp)), [kind], "{bgp}");
    }
    // An explicit `true` where it is needed anyway is fine.
    assert!(bgp(&gre(ll.0, ll.1, "extended-next-hop = true")).sessions[0].extended_next_hop);
}

#[test]
fn a_peer_without_bgp_has_none_and_refuses_bgp_keys() {
    let text = gre(r#""172.31.0.1/31""#, r#""172.31.0.0/31""#, "").replace("[bgp]\n", "");
    let kinds = errors(&text);
    assert_eq!(
        kinds,
        [DiagnosticKind::BgpNotEnabled, DiagnosticKind::BgpNotEnabled]
    );
    let plain = text
        .replace("asn = 64496\n", "")
        .replace("asn = 64512\n", "");
    let v = validate(&SourceFile::new("t.toml", plain)).expect("valid");
    assert!(v.peer.bgp.is_none());
}

#[test]
fn a_missing_as_number_does_not_hide_other_problems() {
    let text = gre(
        r#""172.31.0.1/31""#,
        r#""172.31.0.0/31""#,
        "password = \"a b\"\nhold-time = 1",
    )
    .replace("asn = 64512\n", "");
    assert_eq!(
        errors(&text),
        [
            DiagnosticKind::MissingKey,
            DiagnosticKind::InvalidPassword,
            DiagnosticKind::OutOfRange
        ]
    );
}

//! The BGP checks on host states recorded from real BIRD 2.0.12 and FRR 8.4.4 daemons
//! (`fixtures/status/bgp-*`, see its README): each healthy state has no finding and
//! reports the counts, each broken one exactly its own finding.

use super::gather::{gather, BgpSockets};
use super::host::HostState;
use super::tests::{checks, peer, repo, Recorded};
use super::{bgp::BgpDaemon, compare, Check, Options, Report, Verdict};
use crate::bgp::Family;
use crate::peer::Peer;
use crate::side::Side;

const DUAL: &str = "fixtures/valid/ip6gre-bgp-dualstack.toml";

fn sockets() -> BgpSockets {
    BgpSockets {
        bird: BgpSockets::DEFAULT_BIRD.to_owned(),
        frr_vty: None,
    }
}

fn side_of(case: &str) -> Side {
    // The FRR daemons ran on the remote end of the recording.
    if case.starts_with("bgp-frr") {
        Side::Remote
    } else {
        Side::Local
    }
}

fn load(case: &str, networkd: bool) -> (Peer, String, HostState) {
    let (peer, text) = peer(DUAL);
    let peer = peer.for_side(side_of(case));
    let dir = repo().join("fixtures/status").join(case);
    assert!(dir.is_dir(), "{case}");
    let host = gather(&peer, &mut Recorded(dir), networkd, Some(&sockets())).unwrap();
    (peer, text, host)
}

fn report(case: &str) -> Report {
    let (peer, text, host) = load(case, false);
    compare(&peer, &text, &host, &Options::default())
}

#[test]
fn bird_established_reports_counts_per_family() {
    let r = report("bgp-bird-established");
    assert_eq!(r.findings, [], "{:#?}", r.findings);
    assert_eq!(r.verdict, Verdict::Ok);
    let names: Vec<&str> = r.bgp.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["peergen_ip6gre_as645_v4", "peergen_ip6gre_as645_v6"]
    );
    for (o, family) in r.bgp.iter().zip(Family::ALL) {
        assert_eq!(o.daemon, Some(BgpDaemon::Bird));
        let s = o.state.as_ref().unwrap();
        assert_eq!(s.state, "Established");
        assert!(s.since.is_some());
        assert_eq!(s.families.len(), 1);
        assert_eq!(s.families[0].family, family);
        assert_eq!(s.families[0].imported, Some(1));
        assert_eq!(s.families[0].exported, Some(1));
    }
    assert_eq!(r.bgp[0].neighbor.to_string(), "172.31.26.1");
}

#[test]
fn frr_established_reports_counts_per_family() {
    let r = report("bgp-frr-established");
    assert_eq!(r.findings, [], "{:#?}", r.findings);
    for o in &r.bgp {
        assert_eq!(o.daemon, Some(BgpDaemon::Frr));
        let s = o.state.as_ref().unwrap();
        assert!(s.is_established());
        assert!(s.for_seconds.is_some());
        assert_eq!(s.last_error, None);
        assert_eq!(
            (s.families[0].imported, s.families[0].exported),
            (Some(1), Some(1))
        );
    }
    assert_eq!(r.bgp[0].neighbor.to_string(), "172.31.26.0");
}

#[test]
fn a_session_not_established_is_down_with_its_state_and_last_error() {
    for (case, daemon, error) in [
        (
            "bgp-bird-not-established",
            "bird",
            "Socket: Connection closed",
        ),
        (
            "bgp-frr-not-established",
            "frr",
            "BGP Notification received: Cease/Administrative Shutdown",
        ),
    ] {
        let r = report(case);
        assert_eq!(checks(&r), [Check::BgpSession, Check::BgpSession], "{case}");
        assert_eq!(r.verdict, Verdict::Down);
        let f = &r.findings[0];
        assert!(f.down);
        assert!(f.expected.ends_with("Established"), "{}", f.expected);
        assert!(
            f.actual.starts_with(&format!("Active in {daemon}")),
            "{}",
            f.actual
        );
        assert!(f.actual.contains(error), "{case}: {}", f.actual);
        assert!(f.fix.as_deref().unwrap().contains("peergen status --side"));
    }
}

#[test]
fn no_daemon_is_one_down_finding() {
    let r = report("bgp-daemon-missing");
    assert_eq!(checks(&r), [Check::BgpDaemon]);
    assert_eq!(r.verdict, Verdict::Down);
    assert!(r.bgp.iter().all(|o| o.daemon.is_none()));
}

#[test]
fn a_daemon_without_the_session_is_missing() {
    for (case, who) in [("bgp-bird-missing", "bird"), ("bgp-frr-missing", "frr")] {
        let r = report(case);
        assert_eq!(checks(&r), [Check::BgpMissing, Check::BgpMissing], "{case}");
        assert_eq!(
            r.findings[0].actual,
            format!("no such session in {who} (which answers)")
        );
        assert!(r.findings[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("ip6gre-as645.conf"));
    }
}

#[test]
fn a_family_exported_short_of_the_announce_list_is_a_diff() {
    let r = report("bgp-bird-export-missing");
    assert_eq!(checks(&r), [Check::BgpExport]);
    assert_eq!(r.verdict, Verdict::Diff);
    let f = &r.findings[0];
    assert!(
        f.expected.contains("1 ipv4 prefix exported"),
        "{}",
        f.expected
    );
    assert!(f.expected.contains("198.51.100.0/24"), "{}", f.expected);
    assert_eq!(f.actual, "0 exported by bird");
    assert!(f.at.as_ref().unwrap().set);
}

#[test]
fn not_asked_means_no_bgp_section() {
    let (peer, text) = peer(DUAL);
    let dir = repo().join("fixtures/status/bgp-daemon-missing");
    let host = gather(&peer, &mut Recorded(dir), false, None).unwrap();
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(r.findings, []);
    assert!(r.bgp.is_empty());
}

#[test]
fn networkd_managing_foreign_routes_is_found_for_a_bgp_peer() {
    // The site renders for networkd and no networkd.conf says otherwise: the default
    // (yes) removes the daemon's routes.
    let (peer, text, host) = load("bgp-bird-established", true);
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(checks(&r), [Check::ForeignRoutes]);
    assert_eq!(r.verdict, Verdict::Diff);
}

#[test]
fn a_session_just_up_is_not_held_to_its_export_count() {
    use super::host::DaemonAnswer;
    let (peer, text, mut host) = load("bgp-frr-established", false);
    let set = |host: &mut HostState, up: u64| {
        for a in host.bgp.as_mut().unwrap() {
            let DaemonAnswer::Session(s) = &mut a.frr else {
                panic!("{a:?}")
            };
            s.for_seconds = Some(up);
            s.families[0].exported = Some(0);
        }
    };
    // Up for 44 s (as recorded) with nothing sent: both families short.
    set(&mut host, 44);
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(checks(&r), [Check::BgpExport, Check::BgpExport]);
    // Up for a few seconds: the first updates may still be on their way.
    set(&mut host, super::bgp::EXPORT_SETTLE_SECS - 1);
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(r.findings, []);
}

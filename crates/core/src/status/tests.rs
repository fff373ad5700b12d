//! Every comparison on recorded host states (`fixtures/status/`): the healthy state has
//! no finding, each broken one exactly its own.

use std::path::{Path, PathBuf};

use super::gather::{gather, BgpSockets, Host, Query};
use super::host::HostState;
use super::{compare, Check, Options, Report, Verdict};
use crate::peer::Peer;
use crate::source::SourceFile;
use crate::validate::validate;

/// Where the recorded states' daemons listened; recorded answers ignore it.
const BGP: BgpSockets = BgpSockets {
    bird: String::new(),
    frr_vty: None,
};

pub(super) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Answers from a recorded folder, as `--host-state` does.
pub(super) struct Recorded(pub PathBuf);

impl Host for Recorded {
    type Error = String;
    fn ask(&mut self, query: &Query) -> Result<Option<String>, String> {
        let path = self.0.join(query.recorded());
        if let Query::Dir(_) = query {
            return Ok(std::fs::read_dir(&path).ok().map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect::<Vec<_>>()
                    .join("\n")
            }));
        }
        Ok(std::fs::read_to_string(path).ok())
    }
}

pub(super) fn peer(file: &str) -> (Peer, String) {
    let path = repo().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = SourceFile::new(file, text.clone());
    (validate(&source).unwrap().peer, text)
}

fn state(peer: &Peer, case: &str) -> HostState {
    let dir = repo().join("fixtures/status").join(case);
    assert!(dir.is_dir(), "{case}");
    gather(peer, &mut Recorded(dir), false, Some(&BGP)).unwrap()
}

fn report(file: &str, case: &str) -> Report {
    let (peer, text) = peer(file);
    let host = state(&peer, case);
    compare(&peer, &text, &host, &Options::default())
}

const VXLAN: &str = "fixtures/status/peers/vxlan-as64570.toml";
const WG: &str = "fixtures/status/peers/wg-as64512.toml";

pub(super) fn checks(r: &Report) -> Vec<Check> {
    r.findings.iter().map(|f| f.check).collect()
}

#[track_caller]
fn only(r: &Report, check: Check, verdict: Verdict) -> &super::Finding {
    assert_eq!(checks(r), [check], "{:#?}", r.findings);
    assert_eq!(r.verdict, verdict);
    let f = &r.findings[0];
    assert!(f.fix.is_some(), "{f:?}");
    f
}

#[test]
fn healthy_states_have_no_finding() {
    for (file, case) in [
        (VXLAN, "vxlan-healthy"),
        (WG, "wireguard-healthy"),
        ("fixtures/valid/gre-key-p2p.toml", "gre-healthy"),
        (
            "fixtures/valid/ip6gre-no-encap-limit.toml",
            "ip6gre-healthy",
        ),
        ("fixtures/valid/sit-6in4.toml", "sit-healthy"),
        ("fixtures/valid/gretap-bridge.toml", "gretap-healthy"),
        ("fixtures/valid/vxlan-ipv6.toml", "vxlan6-healthy"),
    ] {
        let r = report(file, case);
        assert_eq!(r.findings, [], "{case}");
        assert_eq!(r.verdict, Verdict::Ok, "{case}");
    }
}

#[test]
fn mtu_changed_by_hand() {
    let r = report(VXLAN, "vxlan-mtu");
    let f = only(&r, Check::Mtu, Verdict::Diff);
    assert_eq!((f.expected.as_str(), f.actual.as_str()), ("1450", "1420"));
    assert_eq!(
        f.fix.as_deref(),
        Some("ip link set dev vxlan-as64570 mtu 1450")
    );
    // The MTU is computed: the location is the [local] table, marked as a default.
    assert!(!f.at.as_ref().unwrap().set);
}

#[test]
fn different_vni() {
    let r = report(VXLAN, "vxlan-vni");
    let f = only(&r, Check::Vni, Verdict::Diff);
    assert_eq!((f.expected.as_str(), f.actual.as_str()), ("70", "71"));
    let text = std::fs::read_to_string(repo().join(VXLAN)).unwrap();
    let at = f.at.clone().unwrap();
    assert!(at.set);
    assert_eq!(&text[at.span], "vni");
    assert!(f
        .fix
        .as_deref()
        .unwrap()
        .starts_with("`ip link del dev vxlan-as64570`"));
}

#[test]
fn device_missing() {
    let r = report(VXLAN, "vxlan-missing");
    let f = only(&r, Check::Link, Verdict::Down);
    assert_eq!(f.actual, "no such device");
}

#[test]
fn device_down() {
    // Taking a link down also drops its IPv6 addresses and its routes: reported too,
    // since setting it up again does not bring the routes back.
    let r = report(VXLAN, "vxlan-down");
    assert_eq!(checks(&r), [Check::Up, Check::Address, Check::Route]);
    assert_eq!(r.verdict, Verdict::Down);
    let f = &r.findings[0];
    assert_eq!(f.fix.as_deref(), Some("ip link set dev vxlan-as64570 up"));
}

#[test]
fn missing_route() {
    let r = report(VXLAN, "vxlan-missing-route");
    let f = only(&r, Check::Route, Verdict::Diff);
    assert_eq!(f.expected, "192.0.2.0/24 metric 10 table 100");
    assert_eq!(
        f.fix.as_deref(),
        Some("ip route add 192.0.2.0/24 via 172.31.70.2 dev vxlan-as64570 metric 10 table 100")
    );
}

#[test]
fn strict_rp_filter() {
    let r = report(VXLAN, "vxlan-rp-filter");
    let f = only(&r, Check::RpFilter, Verdict::Diff);
    assert!(f.actual.starts_with("strict (1)"), "{}", f.actual);
    assert_eq!(
        f.fix.as_deref(),
        Some("sysctl -w net.ipv4.conf.vxlan-as64570.rp_filter=2")
    );
}

#[test]
fn remote_endpoint_routed_into_the_tunnel() {
    let r = report(VXLAN, "vxlan-route-via-tunnel");
    let f = only(&r, Check::UnderlayRoute, Verdict::Down);
    assert!(f
        .actual
        .contains("routed into vxlan-as64570 itself via 172.31.70.2"));
}

#[test]
fn wrong_private_key_loaded() {
    let r = report(WG, "wireguard-wrong-key");
    let f = only(&r, Check::PrivateKey, Verdict::Down);
    assert_eq!(
        f.fix.as_deref(),
        Some("wg set wg-as64512 private-key /etc/wireguard/wg-as64512.key")
    );
    // Only public keys are shown, never the loaded private key.
    let dump = std::fs::read_to_string(
        repo().join("fixtures/status/wireguard-wrong-key/wg-wg-as64512.dump"),
    )
    .unwrap();
    let private = dump.split('\t').next().unwrap();
    assert!(!format!("{r:?}").contains(private));
}

#[test]
fn no_handshake_ever() {
    let r = report(WG, "wireguard-no-handshake");
    let f = only(&r, Check::Handshake, Verdict::Down);
    assert_eq!(f.actual, "no handshake ever");
    assert_eq!(r.wireguard.unwrap().handshake_age, None);
}

#[test]
fn stale_handshake_and_its_limit() {
    let (peer, text) = peer(WG);
    let host = state(&peer, "wireguard-stale-handshake");
    let r = compare(&peer, &text, &host, &Options::default());
    let f = only(&r, Check::Handshake, Verdict::Down);
    assert!(f.expected.contains("180 s"));
    let age = r.wireguard.unwrap().handshake_age.unwrap();
    assert!(age > 600, "{age}");
    let patient = Options {
        handshake_max_age: age,
    };
    assert_eq!(compare(&peer, &text, &host, &patient).verdict, Verdict::Ok);
}

#[test]
fn healthy_wireguard_reports_counters() {
    let r = report(WG, "wireguard-healthy");
    let wg = r.wireguard.unwrap();
    assert!(wg.handshake_age.unwrap() < 180);
    assert!(wg.rx_bytes > 0 && wg.tx_bytes > 0);
}

#[test]
fn gre_key_ttl_encap_limit_and_bridge() {
    let gre = "fixtures/valid/gre-key-p2p.toml";
    let f = only(&report(gre, "gre-wrong-key"), Check::Key, Verdict::Diff).clone();
    assert_eq!(f.actual, "ikey 4243 okey 4243");
    let f = only(&report(gre, "gre-inherit-ttl"), Check::Ttl, Verdict::Diff).clone();
    assert_eq!(
        (f.expected.as_str(), f.actual.as_str()),
        ("64", "inherit (0)")
    );
    let ip6 = "fixtures/valid/ip6gre-no-encap-limit.toml";
    let f = only(
        &report(ip6, "ip6gre-encap-limit"),
        Check::EncapLimit,
        Verdict::Diff,
    )
    .clone();
    assert_eq!((f.expected.as_str(), f.actual.as_str()), ("none", "4"));
    let tap = "fixtures/valid/gretap-bridge.toml";
    let f = only(
        &report(tap, "gretap-no-bridge"),
        Check::Bridge,
        Verdict::Diff,
    )
    .clone();
    assert_eq!(
        f.fix.as_deref(),
        Some("ip link set dev gretap-lab master br-lab")
    );
}

/// netplan has no `peer` form: peergen renders a point-to-point address as the plain
/// single-host address plus an on-link route to the other end's address
/// (docs/backends/netplan.md). That host matches; without the route it does not.
#[test]
fn netplan_point_to_point_form_matches() {
    use super::host::HostRoute;
    let gre = "fixtures/valid/gre-key-p2p.toml";
    let (peer, text) = peer(gre);
    let mut host = state(&peer, "gre-healthy");
    host.addresses[0].peer = None;
    let mut with_route = host.clone();
    with_route.routes.push(HostRoute {
        destination: "172.31.21.2/32".parse().unwrap(),
        gateway: None,
        metric: 0,
        table: 254,
    });
    let r = compare(&peer, &text, &with_route, &Options::default());
    assert_eq!(r.findings, [], "{:#?}", r.findings);
    // a route through a gateway, or in another table, is not the peer's on-link route
    let mut via = with_route.clone();
    via.routes[0].gateway = "172.31.21.9".parse().ok();
    let mut other_table = with_route.clone();
    other_table.routes[0].table = 100;
    for h in [host, via, other_table] {
        let r = compare(&peer, &text, &h, &Options::default());
        only(&r, Check::Address, Verdict::Diff);
    }
}

/// The same, read from a recorded host: status asks for the on-link route only when the
/// address has no `peer`.
#[test]
fn netplan_point_to_point_form_is_gathered() {
    let gre = "fixtures/valid/gre-key-p2p.toml";
    let (p, _) = peer(gre);
    assert_eq!(state(&p, "gre-netplan-p2p").addresses[0].peer, None);
    let r = report(gre, "gre-netplan-p2p");
    assert_eq!(r.findings, [], "{:#?}", r.findings);
    assert_eq!(r.verdict, Verdict::Ok);
}

/// An ip6gre peer without `encap-limit`: the option is sent. iproute2 sends limit 4;
/// networkd (and so netplan) sends no limit attribute and the kernel keeps 0. Both are
/// the default; another number, or no option, is a finding.
#[test]
fn default_encap_limit_is_ip_s_4_or_networkd_s_0() {
    use super::host::HostEncapLimit;
    let file = "fixtures/valid/ip6gre-no-encap-limit.toml";
    let text = std::fs::read_to_string(repo().join(file))
        .unwrap()
        .replace("encap-limit = \"none\"\n", "");
    let source = SourceFile::new(file, text.clone());
    let peer = validate(&source).unwrap().peer;
    let mut host = state(&peer, "ip6gre-encap-limit");
    // the option's 8 bytes: that capture kept the MTU of the `none` peer
    host.link.as_mut().unwrap().mtu = peer.mtu.value;
    for (limit, ok) in [
        (HostEncapLimit::Limit(4), true),
        (HostEncapLimit::Limit(0), true),
        (HostEncapLimit::Limit(2), false),
        (HostEncapLimit::None, false),
    ] {
        let mut h = host.clone();
        h.link.as_mut().unwrap().tunnel.encap_limit = Some(limit);
        let r = compare(&peer, &text, &h, &Options::default());
        if ok {
            assert_eq!(r.findings, [], "{limit:?}");
        } else {
            only(&r, Check::EncapLimit, Verdict::Diff);
        }
    }
}

/// `ip route show` lists IPv4 unless told otherwise, even for an IPv6 `exact` prefix
/// (iproute2 6.1 prints `[]`): the route query names the family.
#[test]
fn route_queries_name_the_family() {
    let q = |to: &str| {
        Query::Route {
            table: 254,
            to: to.parse().unwrap(),
            dev: "wg0".into(),
        }
        .command()
        .unwrap()
        .join(" ")
    };
    assert_eq!(
        q("fd42:4242:2::1/128"),
        "ip -6 -j route show table 254 exact fd42:4242:2::1/128 dev wg0"
    );
    assert_eq!(
        q("192.0.2.0/24"),
        "ip -4 -j route show table 254 exact 192.0.2.0/24 dev wg0"
    );
}

#[test]
fn the_other_side_sees_its_own_end() {
    // The healthy VXLAN state seen as the remote end: endpoints swapped, addresses and
    // routes are the remote's.
    let (peer, text) = peer(VXLAN);
    let remote = peer.for_side(crate::side::Side::Remote);
    let host = state(&remote, "vxlan-healthy");
    let r = compare(&remote, &text, &host, &Options::default());
    let found = checks(&r);
    assert!(
        found.contains(&Check::Local) && found.contains(&Check::Remote),
        "{found:?}"
    );
    assert!(found.contains(&Check::Address), "{found:?}");
}

/// A healthy recorded state, changed in one way, yields exactly that check.
#[test]
fn each_remaining_comparison_on_a_changed_healthy_state() {
    use super::host::{HostAddress, HostTtl};
    type Change = fn(&mut HostState);
    let other_key = crate::keys::PrivateKey::generate().public_key();
    let gre = "fixtures/valid/gre-key-p2p.toml";
    let cases: Vec<(&str, &str, Change, Check)> = vec![
        (
            gre,
            "gre-healthy",
            |h| h.link.as_mut().unwrap().kind = Some("ipip".into()),
            Check::Kind,
        ),
        (
            gre,
            "gre-healthy",
            |h| h.link.as_mut().unwrap().tunnel.local = None,
            Check::Local,
        ),
        (
            gre,
            "gre-healthy",
            |h| h.link.as_mut().unwrap().tunnel.remote = "203.0.113.99".parse().ok(),
            Check::Remote,
        ),
        (
            gre,
            "gre-healthy",
            |h| h.link.as_mut().unwrap().tunnel.ttl = Some(HostTtl::Value(255)),
            Check::Ttl,
        ),
        (
            gre,
            "gre-healthy",
            |h| h.addresses[0].peer = "172.31.21.9/32".parse().ok(),
            Check::Address,
        ),
        (
            gre,
            "gre-healthy",
            |h| {
                h.addresses.push(HostAddress {
                    address: "192.0.2.1/24".parse().unwrap(),
                    peer: None,
                    link_scope: false,
                })
            },
            Check::Address,
        ),
        (
            gre,
            "gre-healthy",
            |h| h.addresses[0].peer = None,
            Check::Address,
        ),
        (
            VXLAN,
            "vxlan-healthy",
            |h| h.link.as_mut().unwrap().tunnel.port = Some(8472),
            Check::Port,
        ),
        (
            VXLAN,
            "vxlan-healthy",
            |h| h.link.as_mut().unwrap().master = Some("br0".into()),
            Check::Bridge,
        ),
        (
            VXLAN,
            "vxlan-healthy",
            |h| h.routes[0].metric = 20,
            Check::Route,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard.as_mut().unwrap().listen_port = 1,
            Check::ListenPort,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard.as_mut().unwrap().peers[0].endpoint = Some("203.0.113.1:1".into()),
            Check::Endpoint,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| {
                h.wireguard.as_mut().unwrap().peers[0]
                    .allowed_ips
                    .pop()
                    .map(drop)
                    .unwrap_or(())
            },
            Check::AllowedIps,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard.as_mut().unwrap().peers[0].persistent_keepalive = None,
            Check::Keepalive,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard.as_mut().unwrap().peers[0].preshared_key = false,
            Check::PresharedKey,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard = None,
            Check::Wireguard,
        ),
        (
            WG,
            "wireguard-healthy",
            |h| h.wireguard.as_mut().unwrap().public_key = None,
            Check::PrivateKey,
        ),
    ];
    for (file, case, change, check) in cases {
        let (peer, text) = peer(file);
        let mut host = state(&peer, case);
        change(&mut host);
        let r = compare(&peer, &text, &host, &Options::default());
        // A missing WireGuard device also makes the `tun` device not a WireGuard one.
        let found: Vec<Check> = checks(&r)
            .into_iter()
            .filter(|c| *c != Check::Kind || check == Check::Kind)
            .collect();
        assert_eq!(found, [check], "{case}: {:#?}", r.findings);
        assert!(r.findings.iter().all(|f| f.fix.is_some()));
    }
    // The other end missing, or an extra peer.
    let (peer, text) = peer(WG);
    let mut host = state(&peer, "wireguard-healthy");
    host.wireguard.as_mut().unwrap().peers[0].public_key = other_key;
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(checks(&r), [Check::WireguardPeer, Check::WireguardPeer]);
    assert_eq!(r.verdict, Verdict::Down);
    assert!(r.findings[0].fix.as_deref().unwrap().ends_with(" remove"));
    assert!(r.findings[1]
        .fix
        .as_deref()
        .unwrap()
        .contains("endpoint 203.0.113.1:51820 persistent-keepalive 25"));
}

#[test]
fn the_networkd_reader_is_wired_but_quiet_without_bgp() {
    let (peer, text) = peer(VXLAN);
    // The site renders for networkd: its configuration is read (none here: the default).
    let dir = repo().join("fixtures/status/vxlan-healthy");
    let host = gather(&peer, &mut Recorded(dir), true, Some(&BGP)).unwrap();
    assert!(host.networkd.as_ref().unwrap().manage_foreign_routes);
    assert_eq!(host.networkd.as_ref().unwrap().set_in, None);
    assert!(!super::bgp::peer_has_bgp(&peer));
    let r = compare(&peer, &text, &host, &Options::default());
    assert_eq!(r.findings, []);
}

//! What every backend writes for the outer TTL and for routes, checked on the rendered
//! text: a fixed TTL unless the peer file asks to inherit, and no route that the peer
//! file's `routes` do not list.

use peergen_core::{validate, Side, SourceFile};

use crate::{RenderOptions, Renderer, TemplateSource};
use peergen_core::Backend;

/// A peer file of `kind` with IPv4 or IPv6 endpoints to suit it, and `options` as its
/// kind table.
fn peer_file(kind: &str, options: &str) -> String {
    let (local, remote) = if kind.starts_with("ip6") {
        ("2001:db8::10", "2001:db8::20")
    } else {
        ("198.51.100.10", "203.0.113.20")
    };
    let table = if kind == "vxlan" {
        format!("[vxlan]\nvni = 7\n{options}")
    } else {
        format!("[{kind}]\n{options}")
    };
    format!(
        "name = \"t1\"\nkind = \"{kind}\"\n[local]\nendpoint = \"{local}\"\naddresses = [\"2001:db8:ffff::1/64\"]\n[remote]\nendpoint = \"{remote}\"\naddresses = [\"2001:db8:ffff::2/64\"]\n{table}\n"
    )
}

/// Every file `backend` renders for the local side, joined; or the refusal.
fn render(text: &str, backend: Backend) -> Result<String, String> {
    let valid = validate(&SourceFile::new("t.toml", text)).expect("valid peer");
    let renderer =
        Renderer::new(&TemplateSource::default(), RenderOptions::default()).expect("templates");
    renderer
        .render(&valid.peer, backend, Side::Local)
        .map(|files| files.into_iter().map(|f| f.contents).collect())
        .map_err(|e| e.to_string())
}

const TUNNEL_KINDS: [&str; 6] = ["gre", "sit", "ip6gre", "gretap", "ip6gretap", "vxlan"];

#[test]
fn every_kind_gets_a_fixed_ttl_of_255_in_every_backend_by_default() {
    for kind in TUNNEL_KINDS {
        let text = peer_file(kind, "");
        let networkd = render(&text, Backend::Networkd).unwrap();
        assert!(networkd.contains("\nTTL=255\n"), "{kind}: {networkd}");
        let netplan = render(&text, Backend::Netplan).unwrap();
        assert!(netplan.contains("\n      ttl: 255\n"), "{kind}: {netplan}");
        let ip = render(&text, Backend::Ip).unwrap();
        let word = if kind.starts_with("ip6") {
            " hoplimit 255"
        } else {
            " ttl 255"
        };
        assert!(ip.contains(word), "{kind}: {ip}");
    }
}

#[test]
fn an_inherited_ttl_is_written_explicitly_or_refused() {
    for kind in TUNNEL_KINDS {
        let text = peer_file(kind, "ttl = \"inherit\"\n");
        let networkd = render(&text, Backend::Networkd).unwrap();
        // networkd's [VXLAN] TTL=0 means the route's hop limit, not inherit.
        let expected = if kind == "vxlan" {
            "\nTTL=inherit\n"
        } else {
            "\nTTL=0\n"
        };
        assert!(networkd.contains(expected), "{kind}: {networkd}");
        let ip = render(&text, Backend::Ip).unwrap();
        let word = if kind.starts_with("ip6") {
            " hoplimit inherit"
        } else {
            " ttl inherit"
        };
        assert!(ip.contains(word), "{kind}: {ip}");
        let netplan = render(&text, Backend::Netplan);
        match kind {
            // Without ttl networkd inherits for the IPv4 kinds.
            "gre" | "sit" | "gretap" => {
                let netplan = netplan.unwrap();
                assert!(!netplan.contains("\n      ttl:"), "{kind}: {netplan}");
                assert!(netplan.contains("# No ttl:"), "{kind}: {netplan}");
            }
            _ => {
                let err = netplan.expect_err(kind);
                assert!(err.contains("ttl = \"inherit\""), "{kind}: {err}");
            }
        }
    }
}

const WG_NARROW: &str = r#"
name = "wg1"
kind = "wireguard"
[local]
endpoint = "198.51.100.10"
port = 51820
addresses = ["172.31.0.1/31"]
public-key = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
[remote]
endpoint = "203.0.113.1"
port = 51820
addresses = ["172.31.0.0/31"]
public-key = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
allowed-ips = ["172.20.0.0/14", "fd00::/8"]
"#;

#[test]
fn allowed_ips_alone_install_no_route_in_any_backend() {
    // The BGP backends configure no tunnel, and this peer has no [bgp] to render.
    for backend in Backend::ALL.into_iter().filter(|b| !b.is_bgp()) {
        let out = render(WG_NARROW, backend).unwrap();
        for route in ["[Route]", "route add", "routes:"] {
            assert!(!out.contains(route), "{backend}: {out}");
        }
        if backend == Backend::WgQuick {
            assert!(out.contains("\nTable = off\n"), "{out}");
        }
    }
}

#[test]
fn routes_of_the_peer_file_reach_every_backend() {
    let text = WG_NARROW.replace(
        "addresses = [\"172.31.0.1/31\"]",
        "addresses = [\"172.31.0.1/31\"]\nroutes = [\"172.20.0.0/16\", { to = \"fd00:1::/48\", metric = 100, table = 42 }]",
    );
    let wg_quick = render(&text, Backend::WgQuick).unwrap();
    assert!(wg_quick.contains("PostUp = ip -4 route add 172.20.0.0/16 dev %i\n"));
    assert!(wg_quick.contains("PostUp = ip -6 route add fd00:1::/48 dev %i metric 100 table 42\n"));
    let ip = render(&text, Backend::Ip).unwrap();
    assert!(ip.contains("ip -4 route add 172.20.0.0/16 dev wg1\n"));
    assert!(ip.contains("ip -6 route add fd00:1::/48 dev wg1 metric 100 table 42\n"));
    let networkd = render(&text, Backend::Networkd).unwrap();
    assert!(networkd.contains("Destination=172.20.0.0/16\nScope=link\n"));
    assert!(networkd.contains("Destination=fd00:1::/48\nMetric=100\nTable=42\n"));
    let netplan = render(&text, Backend::Netplan).unwrap();
    assert!(netplan.contains("- to: \"fd00:1::/48\"\n          scope: link\n          metric: 100\n          table: 42\n"));
}

#[test]
fn the_netplan_renderer_comment_names_only_what_applies() {
    let gre = render(&peer_file("gre", ""), Backend::Netplan).unwrap();
    assert!(
        !gre.contains("gretap") && !gre.contains("key file"),
        "{gre}"
    );
    let gretap = render(&peer_file("gretap", ""), Backend::Netplan).unwrap();
    assert!(gretap.contains("gretap and ip6gretap with networkd only"));
    let wg = render(WG_NARROW, Backend::Netplan).unwrap();
    assert!(wg.contains("private key file needs the networkd renderer"));
    assert!(!wg.contains("gretap"));
}

#[test]
fn point_to_point_addresses_render_in_netplan_as_address_and_on_link_route() {
    let text = "name = \"t1\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"172.31.21.1/32\", \"fd00:21::1/128\"]\n[remote]\nendpoint = \"203.0.113.20\"\naddresses = [\"172.31.21.2/32\", \"fd00:21::2/128\"]\n";
    let netplan = render(text, Backend::Netplan).unwrap();
    assert!(
        netplan.contains("        - \"172.31.21.1/32\"\n        - \"fd00:21::1/128\"\n"),
        "{netplan}"
    );
    // The kernel installs no route to the peer of a /128 without `peer`: the route is what
    // makes the other end (the BGP neighbour) reachable at all.
    for peer in ["172.31.21.2/32", "fd00:21::2/128"] {
        assert!(
            netplan.contains(&format!(
                "        - to: \"{peer}\"\n          scope: link\n"
            )),
            "{peer}: {netplan}"
        );
    }
}

/// A vxlan peer file whose local end joins `br0`.
const BRIDGED: &str = "name = \"t1\"\nkind = \"vxlan\"\n[local]\nendpoint = \"198.51.100.10\"\nbridge = \"br0\"\n[remote]\nendpoint = \"203.0.113.20\"\nbridge = \"br1\"\n[vxlan]\nvni = 7\n";

#[test]
fn a_bridged_end_joins_its_bridge_in_every_backend() {
    let networkd = render(BRIDGED, Backend::Networkd).unwrap();
    assert!(
        networkd.contains("\nBridge=br0\nLinkLocalAddressing=no\n"),
        "{networkd}"
    );
    assert!(!networkd.contains("Address="), "{networkd}");
    let netplan = render(BRIDGED, Backend::Netplan).unwrap();
    assert!(
        netplan.contains("\n  bridges:\n    \"br0\":\n      interfaces:\n        - \"t1\"\n"),
        "{netplan}"
    );
    let ip = render(BRIDGED, Backend::Ip).unwrap();
    let at = |needle: &str| ip.find(needle).unwrap_or_else(|| panic!("{needle}: {ip}"));
    // After the link exists and has its MTU, before it comes up.
    let master = at("\nip link set dev t1 master br0\n");
    assert!(at("\nip link add name t1 type vxlan") < master, "{ip}");
    assert!(at("\nip link set dev t1 mtu ") < master, "{ip}");
    assert!(master < at("\nip link set dev t1 up\n"), "{ip}");
}

#[test]
fn an_end_without_a_bridge_names_none() {
    let text = peer_file("vxlan", "");
    assert!(!render(&text, Backend::Networkd)
        .unwrap()
        .contains("Bridge="));
    assert!(!render(&text, Backend::Netplan)
        .unwrap()
        .contains("bridges:"));
    assert!(!render(&text, Backend::Ip).unwrap().contains(" master "));
}

//! Unit tests of validation details; every rule's full message is pinned by the invalid
//! fixtures' snapshots instead.

use super::*;
use crate::PrivateKeySource;

const WG: &str = r#"
name = "wg-test"
kind = "wireguard"
[local]
endpoint = "198.51.100.10"
port = 51821
addresses = ["172.31.0.1/32", "fe80::1/64"]
public-key = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
[remote]
endpoint = "vpn.example.net"
port = 51820
addresses = ["172.31.0.0/32", "fe80::2/64"]
public-key = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
"#;

fn ok(text: &str) -> Validated {
    match validate(&SourceFile::new("t.toml", text)) {
        Ok(v) => v,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn point_to_point_pairs_and_sides_swap() {
    let v = ok(WG);
    let p = &v.peer;
    assert_eq!(
        p.local.addresses[0].peer.unwrap().to_string(),
        "172.31.0.0/32"
    );
    assert_eq!(p.local.addresses[1].peer, None);
    assert_eq!(p.mtu.value, 1440, "IPv4 local endpoint fixes the family");
    let r = p.for_side(Side::Remote);
    assert_eq!(
        r.local.endpoint,
        Some(crate::Endpoint::Host("vpn.example.net".into()))
    );
    assert_eq!(
        r.local.addresses[0].peer.unwrap().to_string(),
        "172.31.0.1/32"
    );
    assert_eq!(r.mtu.value, 1440, "both sides agree on the MTU");
    let default_key = match &r.local.wireguard.as_ref().unwrap().private_key {
        PrivateKeySource::File { path, declared } => (path.to_string(), *declared),
        PrivateKeySource::Inline(_) => panic!("inline"),
    };
    assert_eq!(default_key, ("/etc/wireguard/wg-test.key".into(), false));
    assert!(v.warnings.is_empty());
}

#[test]
fn reports_every_error_not_only_the_first() {
    let text = WG
        .replace("\"wg-test\"", "\"gre0\"")
        .replace("port = 51821", "port = 70000")
        .replace("fe80::2/64", "fe80::1/64");
    let err = validate(&SourceFile::new("t.toml", text)).unwrap_err();
    let kinds: Vec<_> = err.diagnostics.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            DiagnosticKind::ReservedName,
            DiagnosticKind::OutOfRange,
            DiagnosticKind::DuplicateAddress
        ]
    );
}

#[test]
fn no_panic_on_arbitrary_bytes() {
    for text in [
        "",
        "\0",
        "name = 1",
        "[[local]]",
        "name = \"a\"\nkind = \"gre\"\n[local]\n[remote]\n",
    ] {
        let _ = validate(&SourceFile::new("t.toml", text));
    }
}

#[test]
fn site_file_defaults_fill_what_peer_files_leave_out() {
    let site = validate_site(
        &SourceFile::new(
            "peergen.toml",
            "underlay-mtu = 1492\n[local]\nendpoint-ipv4 = \"198.51.100.10\"\nkey-directory = \"/etc/keys\"\n",
        ),
    )
    .unwrap();
    let peer = validate_with(
        &SourceFile::new(
            "p.toml",
            "name = \"g1\"\nkind = \"gre\"\n[local]\naddresses = [\"172.31.0.1/31\"]\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [\"172.31.0.0/31\"]\n",
        ),
        &site.defaults,
    )
    .unwrap()
    .peer;
    assert_eq!(
        peer.local.endpoint,
        Some(crate::Endpoint::Ip("198.51.100.10".parse().unwrap()))
    );
    assert_eq!(peer.mtu.value, 1468);
}

#[test]
fn site_file_errors_name_the_key_and_family() {
    let err = validate_site(
        &SourceFile::new(
            "peergen.toml",
            "[local]\nendpoint-ipv4 = \"2001:db8::1\"\n[render]\nbackends = [\"systemd\"]\nfile-prefix = \"../\"\n",
        ),
    )
    .unwrap_err();
    let text: Vec<String> = err
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.field.clone().unwrap_or_default(), d.message))
        .collect();
    assert_eq!(
        text,
        [
            "local.endpoint-ipv4: \"2001:db8::1\" is not a unicast IPv4 address",
            "render.backends[0]: \"systemd\" is not a backend",
            "render.file-prefix: \"../\" cannot start a file name",
        ]
    );
}

#[test]
fn site_file_backends_are_typed_each_once_in_order() {
    let site = validate_site(&SourceFile::new(
        "peergen.toml",
        "[render]\nbackends = [\"netplan\", \"wg-quick\", \"netplan\"]\n",
    ))
    .unwrap();
    assert_eq!(
        site.render.backends,
        [crate::Backend::Netplan, crate::Backend::WgQuick]
    );
}

#[test]
fn the_peer_carries_the_name_its_source_file_was_given() {
    let text = "name = \"g1\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"172.31.0.1/31\"]\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [\"172.31.0.0/31\"]\n";
    let source = SourceFile::new("../repo/peers/g1.toml", text).named("peers/g1.toml");
    assert_eq!(validate(&source).unwrap().peer.source, "peers/g1.toml");
    let unnamed = SourceFile::new("../repo/peers/g1.toml", text);
    assert_eq!(
        validate(&unnamed).unwrap().peer.source,
        "../repo/peers/g1.toml"
    );
}

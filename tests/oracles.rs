//! The format oracles (`tests/oracles/`, also run by the fuzz target in `fuzz/`) on every
//! fixture for every backend and both sides, on the committed regression corpus
//! (`fuzz/regressions/`), and on hand-broken files that each oracle must reject, so an
//! oracle that can no longer fail is noticed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

#[allow(dead_code)] // shared with the fuzz crate, which uses another part of it
#[path = "oracles/mod.rs"]
mod oracles;

use std::path::Path;

use oracles::pipeline::check_peer_file;
use oracles::{check_files, ini, shell, template, yaml, Violation};
use peergen_core::Backend;
use peergen_core::{validate, Side, SourceFile};
use peergen_render::{RenderOptions, RenderedFile, Renderer, TemplateSource};

fn files_in(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, String)> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = format!("{dir}/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn assert_clean(dir: &str) {
    let mut failures = Vec::new();
    for (path, text) in files_in(dir) {
        for v in check_peer_file(&path, &text) {
            failures.push(format!("{path}: {v}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_valid_fixture_passes_every_oracle_for_every_backend_and_side() {
    assert_clean("fixtures/valid");
}

#[test]
fn every_invalid_fixture_is_refused_with_diagnostics_that_render() {
    assert_clean("fixtures/invalid");
    for (path, text) in files_in("fixtures/invalid") {
        assert!(validate(&SourceFile::new(&path, text)).is_err(), "{path}");
    }
}

#[test]
fn regression_corpus_passes_every_oracle() {
    assert_clean("fuzz/regressions");
}

/// Inputs the fuzzer found whose fixes are not in this tree yet. Run with
/// `cargo test --test oracles -- --ignored`; once a fix lands, its input moves to
/// `fuzz/regressions/` and this list shrinks.
#[test]
#[ignore = "inputs whose fixes have not landed yet; move each to fuzz/regressions/ when fixed"]
fn pending_regressions_pass_every_oracle() {
    assert_clean("fuzz/regressions/pending");
}

// --- Each oracle must be able to fail: hand-broken copies of real renders. ---

fn render(fixture: &str, backend: Backend) -> Vec<RenderedFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = format!("fixtures/valid/{fixture}.toml");
    let text = std::fs::read_to_string(root.join(&path)).unwrap();
    let peer = validate(&SourceFile::new(path, text)).unwrap().peer;
    Renderer::new(&TemplateSource::default(), RenderOptions::default())
        .unwrap()
        .render(&peer, backend, Side::Local)
        .unwrap()
}

/// The oracles' findings after `edit` changed the first file whose path ends in `ending`.
fn broken(
    fixture: &str,
    backend: Backend,
    ending: &str,
    edit: impl Fn(&mut RenderedFile),
) -> Vec<Violation> {
    let mut files = render(fixture, backend);
    let name = files[0]
        .path
        .file_name()
        .unwrap()
        .trim_start_matches("10-")
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    assert!(check_files(backend, &name, &files).is_empty());
    let file = files
        .iter_mut()
        .find(|f| f.path.as_str().ends_with(ending))
        .unwrap();
    edit(file);
    check_files(backend, &name, &files)
}

fn replace(from: &'static str, to: &'static str) -> impl Fn(&mut RenderedFile) {
    move |f| {
        assert!(f.contents.contains(from), "{from:?} not in {}", f.contents);
        f.contents = f.contents.replacen(from, to, 1);
    }
}

fn oracles_of(found: &[Violation]) -> Vec<&'static str> {
    let mut names: Vec<_> = found.iter().map(|v| v.oracle).collect();
    names.dedup();
    names
}

#[test]
fn ini_oracle_rejects_continuations_unknown_keys_and_duplicate_sections() {
    let net = Backend::Networkd;
    let cases = [
        (
            "Description=AS64512 Example Networks, BGP over WireGuard",
            "Description=x \\",
        ),
        ("MTUBytes=1440", "MTUBytes=1440\nDNS=192.0.2.53"),
        ("[WireGuardPeer]", "[NetDev]"),
        ("[WireGuardPeer]", "[Resolve]"),
        ("Name=wg-as64512", "Name=wg-as64512\nnot a setting"),
        (
            "PersistentKeepalive=25",
            "PersistentKeepalive=25\nPersistentKeepalive=26",
        ),
    ];
    for (from, to) in cases {
        let found = broken("wireguard-bgp", net, ".netdev", replace(from, to));
        assert_eq!(oracles_of(&found), ["ini"], "{to:?}: {found:?}");
    }
}

#[test]
fn ini_oracle_rejects_a_hash_in_a_wg_quick_value() {
    let found = broken(
        "wireguard-bgp",
        Backend::WgQuick,
        ".conf",
        replace("/etc/wireguard/wg-as64512.key", "/etc/wireguard/a#b.key"),
    );
    assert!(oracles_of(&found).contains(&"ini"), "{found:?}");
}

#[test]
fn shell_oracle_rejects_unquoted_metacharacters_globs_and_options() {
    for to in [
        "/etc/wireguard/a[b].key",
        "/etc/wireguard/*.key",
        "/etc/wireguard/$(id).key",
        "/etc/wireguard/a;b",
        "'/etc/wireguard/a b",
    ] {
        let found = broken(
            "wireguard-bgp",
            Backend::Ip,
            ".up.sh",
            replace("/etc/wireguard/wg-as64512.key", to),
        );
        assert_eq!(oracles_of(&found), ["shell"], "{to:?}: {found:?}");
        let found = broken(
            "wireguard-bgp",
            Backend::WgQuick,
            ".conf",
            replace("/etc/wireguard/wg-as64512.key", to),
        );
        assert!(oracles_of(&found).contains(&"shell"), "{to:?}: {found:?}");
    }
    let found = broken(
        "gre-dualstack",
        Backend::Ip,
        ".up.sh",
        replace(
            "ip link add name gre-as64520 type",
            "ip link add name -6 type",
        ),
    );
    assert_eq!(oracles_of(&found), ["shell"], "{found:?}");
    // Quoted, the same characters are data.
    let found = broken(
        "wireguard-bgp",
        Backend::Ip,
        ".up.sh",
        replace(
            "/etc/wireguard/wg-as64512.key",
            "'/etc/wireguard/a[b]; $(id)'\\''.key'",
        ),
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn yaml_oracle_rejects_line_separator_injection_and_unknown_keys() {
    let injected = "# wireguard tunnel wg-as64512: x\u{2028}  ethernets: {eth0: {dhcp4: true}}";
    let found = broken(
        "wireguard-bgp",
        Backend::Netplan,
        ".yaml",
        replace(
            "# wireguard tunnel wg-as64512: AS64512 Example Networks, BGP over WireGuard",
            injected,
        ),
    );
    assert!(oracles_of(&found).contains(&"yaml"), "{found:?}");
    assert!(oracles_of(&found).contains(&"text"), "{found:?}");
    let injected = "# wireguard tunnel wg-as64512: x\nnetwork: {ethernets: {eth0: {dhcp4: true}}}";
    let found = broken(
        "wireguard-bgp",
        Backend::Netplan,
        ".yaml",
        replace(
            "# wireguard tunnel wg-as64512: AS64512 Example Networks, BGP over WireGuard",
            injected,
        ),
    );
    assert_eq!(oracles_of(&found), ["yaml"], "{found:?}");
    assert!(
        found.iter().any(|v| v.detail.contains("network.ethernets")),
        "{found:?}"
    );
    // The bridge section may only add the tunnel to one bridge of the host.
    for to in [
        "\"br-dc\":\n      interfaces:\n        - \"eth0\"",
        "\"br-dc\":\n      interfaces:\n        - \"vxlan-dc2\"\n        - \"eth0\"",
        "\"br-dc\":\n      interfaces: \"vxlan-dc2\"",
        "\"br-dc\":\n      interfaces: []",
        "\"br-dc\":\n      dhcp4: true\n      interfaces:\n        - \"vxlan-dc2\"",
        "\"br-dc\": {}\n    \"br-x\":\n      interfaces:\n        - \"vxlan-dc2\"",
        "\"vxlan-dc2\":\n      interfaces:\n        - \"vxlan-dc2\"",
        "\"-v\":\n      interfaces:\n        - \"vxlan-dc2\"",
    ] {
        let found = broken(
            "vxlan-bridge",
            Backend::Netplan,
            ".yaml",
            replace("\"br-dc\":\n      interfaces:\n        - \"vxlan-dc2\"", to),
        );
        assert_eq!(oracles_of(&found), ["yaml"], "{to:?}: {found:?}");
    }
    let found = broken(
        "wireguard-bgp",
        Backend::Netplan,
        ".yaml",
        replace("      mtu: 1440", "      mtu: 1440\n      dhcp4: true"),
    );
    assert_eq!(oracles_of(&found), ["yaml"], "{found:?}");
    let found = broken(
        "wireguard-bgp",
        Backend::Netplan,
        ".yaml",
        replace("      mtu: 1440", "      mtu: 1440\n      mtu: 9000"),
    );
    assert_eq!(oracles_of(&found), ["yaml"], "{found:?}");
}

#[test]
fn text_and_path_oracles_reject_controls_missing_newlines_and_escapes() {
    let edits: [fn(&mut RenderedFile); 6] = [
        |f| f.contents.push('\n'),
        |f| {
            f.contents.pop();
        },
        |f| f.contents = f.contents.replacen("BGP", "B\u{202E}GP", 1),
        |f| f.path = "wireguard/../wg-as64512.conf".into(),
        |f| f.path = "/etc/wireguard/wg-as64512.conf".into(),
        |f| f.path = "wg-as64512.conf".into(),
    ];
    for edit in edits {
        let found = broken("wireguard-bgp", Backend::WgQuick, ".conf", edit);
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|v| v.oracle == "text" || v.oracle == "path"),
            "{found:?}"
        );
    }
}

// --- The oracles' view of the templates. ---

#[test]
fn networkd_grammar_comes_from_the_templates() {
    let network = ini::grammar(template::names::NETWORKD_NETWORK);
    let repeatable: Vec<_> = network.repeatable_sections.iter().collect();
    assert_eq!(repeatable, ["Address", "Route"]);
    let netdev = ini::grammar(template::names::NETWORKD_NETDEV);
    assert!(netdev.repeatable_sections.is_empty());
    assert!(netdev.keys["NetDev"].contains("Description"));
    assert!(netdev
        .repeatable_keys
        .contains(&("WireGuardPeer".to_owned(), "AllowedIPs".to_owned())));
    let wg = ini::grammar(template::names::WG_QUICK_CONF);
    assert!(wg
        .repeatable_keys
        .contains(&("Interface".to_owned(), "PostUp".to_owned())));
}

#[test]
fn netplan_keys_come_from_the_template() {
    let paths = yaml::paths_of(template::text(template::names::NETPLAN_YAML));
    for key in [
        "network.version",
        "network.tunnels.*.mtu",
        "network.tunnels.*.routes.[].scope",
        "network.tunnels.*.peers.[].keys.public",
        "network.tunnels.*.peers.[].allowed-ips",
        "network.tunnels.*.peers.[].keepalive",
    ] {
        let path: Vec<String> = key.split('.').map(str::to_owned).collect();
        assert!(paths.contains(&path), "{key} not in {paths:?}");
    }
}

#[test]
fn every_template_command_is_a_shell_shape() {
    let shapes = shell::shapes();
    assert_eq!(shapes.script.len(), 14, "{shapes:?}");
    assert_eq!(shapes.post_up.len(), 4, "{shapes:?}");
    let master = template::pieces("ip link set dev {{ name }} master {{ bridge }}");
    assert!(shapes.script.contains(&master), "{shapes:?}");
}

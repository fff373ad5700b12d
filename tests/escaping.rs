//! The escapers are the second line of defence: whatever a peer value holds (a `Peer` built
//! by a library user skips validation) and whatever a template prints (`--templates`
//! overrides are user code), no rendered file gets a character that is not printable text,
//! a line that systemd continues, or a `#` that wg-quick cuts at.
//!
//! The YAML cases are checked against what the real netplan generator would read: a raw
//! U+2028 in a header comment was a line break to libyaml, and the rest of the comment
//! became configuration.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{peergen, temp_dir, tools_required};

use peergen_core::{validate, Backend, Peer, Side, SourceFile};
use peergen_render::{RenderOptions, Renderer, TemplateSource};

/// The YAML an attacker wanted netplan to read: a DHCP `eth0` with their DNS server.
const INJECTION: &str =
    "x\u{2028}network: {version: 2, ethernets: {eth0: {dhcp4: true, nameservers: {addresses: [192.0.2.53]}}}}";

fn fixture(name: &str) -> Peer {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = format!("fixtures/valid/{name}.toml");
    let text = std::fs::read_to_string(root.join(&path)).unwrap();
    validate(&SourceFile::new(path, text)).unwrap().peer
}

/// A fresh, empty folder for one test's template overrides.
fn template_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("peergen-escaping-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn renderer(dir: Option<&Path>) -> Renderer {
    let source = TemplateSource {
        override_dir: dir.map(|d| camino::Utf8PathBuf::from_path_buf(d.to_owned()).unwrap()),
    };
    Renderer::new(&source, RenderOptions::default()).unwrap()
}

#[test]
fn an_unvalidated_description_with_a_yaml_line_break_renders_nowhere() {
    let mut tunnel = fixture("gre-dualstack");
    // The BGP backends render peers with [bgp] only.
    let mut bgp = fixture("gre-bgp-ipv4");
    let renderer = renderer(None);
    for bad in [
        INJECTION,
        "x\u{2029}y",
        "x\u{85}y",
        "x\ny",
        "AS64520 \u{202e}gnireep",
        "x\u{200b}y",
    ] {
        tunnel.description = Some(bad.to_owned());
        bgp.description = Some(bad.to_owned());
        for backend in Backend::ALL {
            let peer = if backend.is_bgp() { &bgp } else { &tunnel };
            for side in [Side::Local, Side::Remote] {
                match renderer.render(peer, backend, side) {
                    Ok(files) => panic!(
                        "{backend} rendered {bad:?}:\n{}",
                        files
                            .iter()
                            .map(|f| f.contents.as_str())
                            .collect::<String>()
                    ),
                    Err(err) => assert!(
                        format!("{err:#}").contains("not printable text")
                            || err.to_string().contains("wg-quick"),
                        "{backend}: {err:#}"
                    ),
                }
            }
        }
    }
}

#[test]
fn an_unvalidated_description_ending_in_a_backslash_renders_no_systemd_file() {
    let mut peer = fixture("gre-dualstack");
    peer.description = Some("AS64520 GRE peering \\".to_owned());
    let err = renderer(None)
        .render(&peer, Backend::Networkd, Side::Local)
        .expect_err("Description= would swallow the next line");
    assert!(format!("{err:#}").contains("backslash"), "{err:#}");
}

#[test]
fn user_templates_cannot_print_yaml_line_breaks_or_invisible_characters() {
    let dir = template_dir("user-templates");
    let peer = fixture("wireguard-bgp");
    // Each template tries to print an unprintable character through one path: a bare
    // value, the `comment` filter, the `sh` filter.
    let attempts = [
        (
            "netplan/tunnel.yaml.j2",
            "# {{ (name ~ \"\\u2028network: {renderer: NetworkManager}\") | comment }}\nnetwork: {}\n",
        ),
        (
            "netplan/tunnel.yaml.j2",
            "network:\n  tunnels:\n    {{ name ~ \"\\u0085\" }}: {}\n",
        ),
        (
            "networkd/tunnel.netdev.j2",
            "[NetDev]\nName={{ name }}\nDescription={{ name ~ \"\\u2029MTUBytes=9000\" }}\n",
        ),
        (
            "networkd/tunnel.netdev.j2",
            "[NetDev]\nName={{ name }}\nDescription={{ name ~ \" \\\\\" }}\nMTUBytes={{ mtu }}\n",
        ),
        (
            "ip/up.sh.j2",
            "#!/bin/sh\necho {{ name ~ \"\\u202e\" }}\n",
        ),
        (
            "wg-quick/interface.conf.j2",
            "[Interface]\nPostUp = echo {{ (name ~ \"\\u2066\") | sh }}\n",
        ),
        (
            "wg-quick/interface.conf.j2",
            "[Interface]\nPostUp = echo {{ (name ~ \"#x\") | sh }}\n",
        ),
    ];
    for (template, text) in attempts {
        let path = dir.join(template);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let backend = match template.split('/').next().unwrap() {
            "netplan" => Backend::Netplan,
            "networkd" => Backend::Networkd,
            "ip" => Backend::Ip,
            _ => Backend::WgQuick,
        };
        let result = renderer(Some(&dir)).render(&peer, backend, Side::Local);
        assert!(result.is_err(), "{template}: {text:?} rendered");
        std::fs::remove_file(&path).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shell_scripts_quote_globs_a_user_template_prints() {
    let dir = template_dir("globs");
    std::fs::create_dir_all(dir.join("ip")).unwrap();
    std::fs::write(
        dir.join("ip/down.sh.j2"),
        "#!/bin/sh\nrm -f {{ name ~ \"[0]\" }} {{ \"~/\" ~ name }} {{ name ~ \"*\" }} {{ \"{a,b}\" }}\n",
    )
    .unwrap();
    let files = renderer(Some(&dir))
        .render(&fixture("gre-dualstack"), Backend::Ip, Side::Local)
        .unwrap();
    let down = files
        .iter()
        .find(|f| f.path.as_str().ends_with(".down.sh"))
        .unwrap();
    assert_eq!(
        down.contents,
        "#!/bin/sh\nrm -f 'gre-as64520[0]' '~/gre-as64520' 'gre-as64520*' '{a,b}'\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// netplan's generator, run on `yaml` as the only file of a fresh root: the networkd files
/// it writes, by name.
fn netplan_generate(generator: &Path, dir: &Path, yaml: &str) -> Vec<String> {
    let _ = std::fs::remove_dir_all(dir);
    let netplan = dir.join("etc/netplan");
    std::fs::create_dir_all(&netplan).unwrap();
    let file = netplan.join("10-peer.yaml");
    std::fs::write(&file, yaml).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = Command::new(generator)
        .arg("--root-dir")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "netplan generate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.join("run/systemd/network"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_netplan_header_injection_is_refused_and_would_have_worked() {
    let generator = Path::new("/usr/libexec/netplan/generate");
    let dir = temp_dir("netplan-injection");
    let out_dir = dir.join("out");
    let render = peergen(
        &[
            "render",
            "--backend",
            "netplan",
            "--out",
            out_dir.to_str().unwrap(),
            "fixtures/invalid/description-line-separator.toml",
        ],
        None,
    );
    assert_eq!(render.status.code(), Some(65));
    assert!(
        String::from_utf8_lossy(&render.stderr).contains("U+2028 (LINE SEPARATOR"),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    assert!(!out_dir.exists(), "nothing is written");

    if !generator.is_file() {
        assert!(!tools_required(), "{} is required", generator.display());
        eprintln!("skipped: {} is not installed", generator.display());
        return;
    }
    // What peergen wrote before it refused such text: the valid file with the description
    // in its header comment. The real generator reads the part after U+2028 as YAML.
    let valid = peergen(
        &[
            "render",
            "--backend",
            "netplan",
            "fixtures/valid/gre-dualstack.toml",
        ],
        None,
    );
    assert!(valid.status.success());
    let yaml = String::from_utf8(valid.stdout).unwrap();
    let yaml = yaml
        .lines()
        .filter(|line| !line.starts_with("==> "))
        .map(|line| format!("{line}\n"))
        .collect::<String>();
    let clean = netplan_generate(generator, &dir.join("clean"), &yaml);
    assert!(clean.iter().all(|name| !name.contains("eth0")), "{clean:?}");
    let injected = yaml.replacen("AS64520 GRE peering", INJECTION, 1);
    assert_ne!(injected, yaml);
    let attacked = netplan_generate(generator, &dir.join("attacked"), &injected);
    assert!(
        attacked.iter().any(|name| name.contains("eth0")),
        "the attack no longer works on this netplan, so this test proves nothing: {attacked:?}"
    );
}

/// Every valid fixture, validated.
fn valid_fixtures() -> Vec<Peer> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(root.join("fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_owned))
        .collect();
    names.sort();
    names.iter().map(|n| fixture(n)).collect()
}

#[test]
fn no_argument_taken_from_a_peer_file_reads_as_an_option() {
    let renderer = renderer(None);
    for peer in valid_fixtures() {
        for backend in [Backend::Ip, Backend::WgQuick] {
            for side in [Side::Local, Side::Remote] {
                let Ok(files) = renderer.render(&peer, backend, side) else {
                    continue;
                };
                for file in files {
                    for line in file.contents.lines() {
                        let command = line.strip_prefix("PostUp = ").unwrap_or(line);
                        if !(command.starts_with("ip ") || command.starts_with("wg ")) {
                            continue;
                        }
                        // The templates' own options: the address family and nothing else.
                        for word in command.split_whitespace().skip(1) {
                            assert!(
                                !word.starts_with('-') || word == "-4" || word == "-6",
                                "{}: {word} in {line}",
                                file.path
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_name_that_is_an_ip_keyword_is_still_the_name() {
    // `ip link add help type gre …` prints ip's usage; `ip link add name help …` creates
    // the link. wg-quick accepts such names, so peergen does too.
    let mut peer = fixture("gre-dualstack");
    peer.name = "help".to_owned();
    let files = renderer(None)
        .render(&peer, Backend::Ip, Side::Local)
        .unwrap();
    assert!(
        files[0]
            .contents
            .contains("\nip link add name help type gre "),
        "{}",
        files[0].contents
    );
}

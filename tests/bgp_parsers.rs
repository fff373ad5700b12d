//! The real daemons' parsers decide: every BGP fixture rendered for BIRD and FRR, both
//! sides, must pass `bird -p` inside the frame docs/backends/bird.md documents and FRR's
//! dry run (exit 0 and no `% Unknown command` or `processing failure`: FRR fails open).
//! Negative twins prove the checks can fail: an eBGP protocol without import policy, a
//! link-local neighbour without its interface, an FRR line FRR does not know.
//!
//! A missing daemon skips visibly (SKIPPED), or fails with PEERGEN_E2E_REQUIRED=1.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use peergen_core::{validate, Backend, Side, SourceFile};
use peergen_render::{RenderOptions, Renderer, TemplateSource};

/// `tool` on PATH or in the sbin directories, where Debian puts `bird`.
fn find(tool: &str, test: &str) -> Option<PathBuf> {
    for dir in ["/usr/sbin", "/sbin", "/usr/local/sbin"] {
        let path = Path::new(dir).join(tool);
        if path.is_file() {
            return Some(path);
        }
    }
    common::require_tool(tool, test)
}

/// Every valid fixture with a `[bgp]` table.
fn bgp_fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(common::root().join("fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "toml")
                && std::fs::read_to_string(p).unwrap().contains("\n[bgp]")
        })
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "BGP fixtures: {paths:?}");
    paths
}

/// The contents of the one file `backend` renders for the fixture at `path`.
fn render(path: &Path, backend: Backend, side: Side) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.strip_prefix(common::root()).unwrap().to_string_lossy();
    let peer = validate(&SourceFile::new(name.as_ref(), text))
        .unwrap()
        .peer;
    let renderer = Renderer::new(&TemplateSource::default(), RenderOptions::default()).unwrap();
    let mut files = renderer.render(&peer, backend, side).unwrap();
    assert_eq!(files.len(), 1);
    files.remove(0).contents
}

/// The filters `peer` uses but does not define: the operator's own, named in the peer
/// file, which the main config defines before the include (docs/backends/bird.md).
fn operator_filters(peer: &str) -> String {
    let mut stubs = String::new();
    for line in peer.lines() {
        let line = line.trim();
        let Some(name) = line
            .strip_prefix("import filter ")
            .or_else(|| line.strip_prefix("export filter "))
            .and_then(|rest| rest.strip_suffix(';'))
        else {
            continue;
        };
        let definition = format!("filter {name} {{");
        if !peer.contains(&definition) && !stubs.contains(&definition) {
            stubs.push_str(&format!("{definition} reject; }}\n"));
        }
    }
    stubs
}

/// `bird -p` on the documented frame including `peer` (with the operator's own filters
/// the peer file names, defined before the include as the frame's doc says).
fn bird_parse(bird: &Path, dir: &Path, peer: &str) -> Output {
    let file = dir.join("peer.conf");
    std::fs::write(&file, peer).unwrap();
    let frame = dir.join("bird.conf");
    std::fs::write(
        &frame,
        format!(
            "router id 192.0.2.1;\nprotocol device {{}}\n{}include \"{}\";\n",
            operator_filters(peer),
            file.display()
        ),
    )
    .unwrap();
    Command::new(bird)
        .arg("-p")
        .arg("-c")
        .arg(&frame)
        .output()
        .unwrap()
}

/// FRR's dry run of `conf` alone; `Ok` only when it exits 0 and says nothing is wrong.
fn frr_dry_run(vtysh: &Path, dir: &Path, conf: &str) -> Result<(), String> {
    std::fs::write(dir.join("vtysh.conf"), "").unwrap();
    let file = dir.join("frr.conf");
    std::fs::write(&file, conf).unwrap();
    let out = Command::new(vtysh)
        .arg("--config_dir")
        .arg(dir)
        .arg("--dryrun")
        .arg("--inputfile")
        .arg(&file)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success()
        && !text.contains("% Unknown command")
        && !text.contains("processing failure")
        && !text.contains("% ")
    {
        Ok(())
    } else {
        Err(format!("{}: {text}", out.status))
    }
}

#[test]
fn every_rendered_bird_file_parses() {
    let Some(bird) = find("bird", "every_rendered_bird_file_parses") else {
        return;
    };
    let dir = common::temp_dir("bgp-parsers-bird");
    for path in bgp_fixtures() {
        for side in [Side::Local, Side::Remote] {
            let conf = render(&path, Backend::Bird, side);
            let out = bird_parse(&bird, &dir, &conf);
            assert!(
                out.status.success(),
                "{} ({side}): bird -p: {}\n{conf}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn every_rendered_frr_file_passes_the_dry_run() {
    let Some(vtysh) = find("vtysh", "every_rendered_frr_file_passes_the_dry_run") else {
        return;
    };
    let dir = common::temp_dir("bgp-parsers-frr");
    for path in bgp_fixtures() {
        for side in [Side::Local, Side::Remote] {
            let conf = render(&path, Backend::Frr, side);
            if let Err(err) = frr_dry_run(&vtysh, &dir, &conf) {
                panic!("{} ({side}): vtysh --dryrun: {err}\n{conf}", path.display());
            }
        }
    }
}

#[test]
fn bird_refuses_the_negative_twins() {
    let Some(bird) = find("bird", "bird_refuses_the_negative_twins") else {
        return;
    };
    let dir = common::temp_dir("bgp-parsers-bird-negative");
    let fixture = common::root().join("fixtures/valid/vxlan-bgp-link-local.toml");
    let conf = render(&fixture, Backend::Bird, Side::Local);
    // An eBGP channel without import policy (RFC 8212).
    let no_import: String = conf
        .lines()
        .filter(|l| !l.trim_start().starts_with("import filter"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(no_import, conf);
    // A link-local neighbour without its interface.
    let no_interface: String = conf
        .lines()
        .filter(|l| !l.trim_start().starts_with("interface "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(no_interface, conf);
    for (what, twin, message) in [
        ("no import policy", no_import, "import policy"),
        ("no interface", no_interface, "Link-local"),
    ] {
        let out = bird_parse(&bird, &dir, &twin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(message),
            "{what}: bird -p accepted it or said something else: {stderr}"
        );
    }
    // The untouched file passes in the same frame: the twins fail for their one change.
    assert!(bird_parse(&bird, &dir, &conf).status.success());
}

#[test]
fn frr_dry_run_refuses_a_line_frr_does_not_know() {
    let Some(vtysh) = find("vtysh", "frr_dry_run_refuses_a_line_frr_does_not_know") else {
        return;
    };
    let dir = common::temp_dir("bgp-parsers-frr-negative");
    let fixture = common::root().join("fixtures/valid/vxlan-bgp-link-local.toml");
    let conf = render(&fixture, Backend::Frr, Side::Local);
    let twin = conf.replacen(
        " no bgp default ipv4-unicast\n",
        " no bgp default ipv4-unicast\n neighbor fe80::2 extended-nexthop-please\n",
        1,
    );
    assert_ne!(twin, conf);
    assert!(frr_dry_run(&vtysh, &dir, &twin).is_err());
    frr_dry_run(&vtysh, &dir, &conf).unwrap();
}

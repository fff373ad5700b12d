//! The config-repo workflow: a site file with shared defaults, a folder of peers, rendering
//! into a folder, `--check` in the repo's CI, removed peers, and conflicts between files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{peergen, temp_dir};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SITE: &str = r#"
underlay-mtu = 1500
[local]
endpoint-ipv4 = "198.51.100.10"
endpoint-ipv6 = "2001:db8:100::10"
key-directory = "/etc/wireguard"
[render]
backends = ["networkd", "netplan", "wg-quick", "ip"]
out = "rendered"
"#;

/// Writes `count` peers, alternating GRE and WireGuard, with unique names, ports and
/// transfer subnets; our endpoint comes from the site file.
fn generate_repo(dir: &Path, count: usize) {
    std::fs::write(dir.join("peergen.toml"), SITE).unwrap();
    let peers = dir.join("peers");
    std::fs::create_dir_all(&peers).unwrap();
    let keys = [
        "LSM3QnoIajecI5aD+5XCv9QH/tDzYY9hZsxH27fRbww=",
        "4tXpaXvjX9+fotg1O78xjWyjCxMH/iwbt8IRS6UNJwc=",
    ];
    for i in 0..count {
        // Transfer /31s out of 10.0.0.0/8: peer i gets 10.x.y.(2k), remote 10.x.y.(2k+1).
        let base = u32::try_from(i).unwrap() * 2;
        let (a, b, c) = ((base >> 16) & 0xff, (base >> 8) & 0xff, base & 0xff);
        // GRE peers share endpoints (their keys tell them apart); WireGuard peers get
        // one IPv6 endpoint each.
        let remote_ep = if i % 2 == 0 {
            format!("203.0.113.{}", 1 + i % 250)
        } else {
            format!("2001:db8:200::{i:x}")
        };
        let mut s = String::new();
        if i % 2 == 0 {
            let _ = write!(
                s,
                "name = \"gre-{i}\"\nkind = \"gre\"\n[local]\naddresses = [\"10.{a}.{b}.{c}/31\"]\n[remote]\nendpoint = \"{remote_ep}\"\naddresses = [\"10.{a}.{b}.{}/31\"]\n[gre]\nkey = {}\nttl = 255\n",
                c + 1,
                i + 1
            );
        } else {
            let _ = write!(
                s,
                "name = \"wg-{i}\"\nkind = \"wireguard\"\n[local]\nport = {}\naddresses = [\"10.{a}.{b}.{c}/31\"]\npublic-key = \"{}\"\n[remote]\nendpoint = \"{remote_ep}\"\nport = 51820\naddresses = [\"10.{a}.{b}.{}/31\"]\npublic-key = \"{}\"\n",
                20000 + i,
                keys[0],
                c + 1,
                keys[1]
            );
        }
        std::fs::write(peers.join(format!("peer{i:04}.toml")), s).unwrap();
    }
}

#[test]
fn a_thousand_peers_render_check_and_drift() {
    let dir = temp_dir("workflow-1000");
    generate_repo(&dir, 1000);
    let run = |args: &[&str]| {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        all.push(dir.join("peers").to_str().unwrap().to_owned().leak());
        peergen(&all, None)
    };

    let first = run(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let rendered = dir.join("rendered");
    // 500 GRE × (2 networkd + 1 netplan + 2 ip) + 500 WireGuard × (2 + 1 + 2 + 1 wg-quick)
    let manifest = std::fs::read_to_string(rendered.join(".peergen-manifest")).unwrap();
    assert_eq!(
        manifest.lines().filter(|l| !l.starts_with('#')).count(),
        5500
    );
    let netdev = std::fs::read_to_string(rendered.join("systemd/network/10-gre-0.netdev")).unwrap();
    assert!(
        netdev.contains("Local=198.51.100.10\n"),
        "site endpoint used:\n{netdev}"
    );

    let clean = run(&["--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert!(text(&clean.stdout).contains("up to date: 5500 files"));

    // One peer changes: exactly its files are reported, with a readable diff.
    let peer = dir.join("peers/peer0042.toml");
    let edited = std::fs::read_to_string(&peer)
        .unwrap()
        .replace("ttl = 255", "ttl = 64");
    std::fs::write(&peer, edited).unwrap();
    let drift = run(&["--check"]);
    assert_eq!(drift.status.code(), Some(1));
    let out = text(&drift.stdout);
    assert!(out.contains("stale: "), "{out}");
    assert!(out.contains("-TTL=255\n+TTL=64\n"), "{out}");
    assert!(out.contains("-      ttl: 255\n+      ttl: 64\n"), "{out}");
    assert!(
        out.contains(
            "-ip link add name gre-42 type gre local 198.51.100.10 remote 203.0.113.43 ttl 255 key 43\n"
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("\nstale: ").count() + usize::from(out.starts_with("stale: ")),
        3
    );

    // Re-rendering fixes it; removing a peer makes its files extra until pruned.
    assert!(run(&[]).status.success());
    std::fs::remove_file(dir.join("peers/peer0007.toml")).unwrap();
    let extra = run(&["--check"]);
    assert_eq!(extra.status.code(), Some(1));
    assert!(text(&extra.stdout).contains("extra: "));
    assert!(run(&[]).status.success());
    assert!(
        rendered.join("wireguard/wg-7.conf").exists(),
        "kept until --prune"
    );
    assert!(run(&["--prune"]).status.success());
    assert!(!rendered.join("wireguard/wg-7.conf").exists());
    assert_eq!(run(&["--check"]).status.code(), Some(0));
}

#[test]
fn peer_values_override_the_site_file() {
    let out = peergen(
        &[
            "render",
            "-o",
            "-",
            "-b",
            "networkd",
            "fixtures/repo/peers/as64540.toml",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("MTUBytes=1428"),
        "peer's underlay-mtu wins:\n{stdout}"
    );
    assert!(
        stdout.contains("Local=2001:db8:100::10"),
        "site's IPv6 endpoint:\n{stdout}"
    );
    assert!(
        stdout.contains("20-ip6gre-as64540.netdev"),
        "site's file prefix"
    );
}

#[test]
fn conflicting_peers_are_reported_with_both_locations() {
    let dir = temp_dir("workflow-conflict");
    generate_repo(&dir, 4);
    let copy = std::fs::read_to_string(dir.join("peers/peer0001.toml"))
        .unwrap()
        .replace("name = \"wg-1\"", "name = \"wg-9\"");
    std::fs::write(dir.join("peers/peer0009.toml"), copy).unwrap();
    let out = peergen(&["check", dir.join("peers").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(
        err.contains("WireGuard listen port 20001 is also used by"),
        "{err}"
    );
    assert!(err.contains("peer0001.toml:4:8"), "{err}");
    assert!(err.contains("overlaps"), "{err}");
}

#[test]
fn a_site_file_error_stops_everything() {
    let dir = temp_dir("workflow-bad-site");
    generate_repo(&dir, 2);
    std::fs::write(
        dir.join("peergen.toml"),
        "[render]\nbackends = [\"systemd\"]\n",
    )
    .unwrap();
    let out = peergen(&["render", dir.join("peers").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(65));
    assert!(text(&out.stderr).contains("\"systemd\" is not a backend"));
    assert!(!dir.join("rendered").exists());
}

#[test]
fn a_partial_run_never_reports_or_prunes_other_peers_files() {
    let dir = temp_dir("workflow-partial");
    generate_repo(&dir, 6);
    let peers = dir.join("peers");
    let all = peergen(&["render", peers.to_str().unwrap()], None);
    assert!(all.status.success(), "{}", text(&all.stderr));
    // One peer, one backend, with --prune: the other peers' and backends' files stay.
    let one = peergen(
        &[
            "render",
            "-b",
            "networkd",
            "--prune",
            peers.join("peer0002.toml").to_str().unwrap(),
        ],
        None,
    );
    assert!(one.status.success(), "{}", text(&one.stderr));
    assert!(
        !text(&one.stdout).lines().any(|l| l.starts_with("removed ")),
        "{}",
        text(&one.stdout)
    );
    assert!(
        !text(&one.stderr).contains("warning"),
        "{}",
        text(&one.stderr)
    );
    let check = peergen(&["render", "--check", peers.to_str().unwrap()], None);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    // A renamed tunnel: its peer file was rendered and no longer produces the old files.
    let path = peers.join("peer0003.toml");
    let renamed = std::fs::read_to_string(&path)
        .unwrap()
        .replace("wg-3", "wg-33");
    std::fs::write(&path, renamed).unwrap();
    let pruned = peergen(&["render", "--prune", path.to_str().unwrap()], None);
    assert!(text(&pruned.stdout).contains("wireguard/wg-3.conf (nothing renders it any more)"));
    let check = peergen(&["render", "--check", peers.to_str().unwrap()], None);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
}

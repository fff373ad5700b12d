//! `peergen status`: exit codes and the JSON shape on recorded host states (the hidden
//! `--host-state DIR` hook), and once for real: a VXLAN made from peergen's own `ip`
//! script in a network namespace (root only).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::process::{Command, Output};

use common::{peergen, tools_required};
use serde_json::Value;

const VXLAN: &str = "fixtures/status/peers/vxlan-as64570.toml";
const WG: &str = "fixtures/status/peers/wg-as64512.toml";

fn status(case: &str, peer: &str, extra: &[&str]) -> Output {
    let dir = format!("fixtures/status/{case}");
    let mut args = vec!["status", "--host-state", &dir];
    args.extend_from_slice(extra);
    args.push(peer);
    peergen(&args, None)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn healthy_host_exits_0_with_an_ok_line() {
    for (case, peer) in [("vxlan-healthy", VXLAN), ("wireguard-healthy", WG)] {
        let out = status(case, peer, &[]);
        assert_eq!(out.status.code(), Some(0), "{case}: {}", stdout(&out));
        assert!(stdout(&out).starts_with("ok   "), "{}", stdout(&out));
    }
}

#[test]
fn a_difference_exits_1_with_the_finding_its_location_and_fix() {
    let out = status("vxlan-mtu", VXLAN, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "DIFF vxlan-as64570 (1 finding)\n\
         \x20 mtu: expected 1450; host has 1420\n\
         \x20   at fixtures/status/peers/vxlan-as64570.toml:7:1 (not in the file: computed or the default)\n\
         \x20   fix: ip link set dev vxlan-as64570 mtu 1450\n"
    );
}

#[test]
fn a_missing_device_is_down() {
    let out = status("vxlan-missing", VXLAN, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("DOWN vxlan-as64570 (1 finding)\n  link: "));
}

#[test]
fn json_has_the_documented_shape() {
    let out = status("wireguard-wrong-key", WG, &["--json", "--side", "local"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], 1);
    assert_eq!(doc["side"], "local");
    assert_eq!(doc["exit"], 1);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"peers": 1, "ok": 0, "diff": 0, "down": 1, "error": 0})
    );
    let peer = &doc["peers"][0];
    assert_eq!(peer["name"], "wg-as64512");
    assert_eq!(peer["kind"], "wireguard");
    assert_eq!(peer["file"], WG);
    assert_eq!(peer["verdict"], "down");
    assert_eq!(peer["error"], Value::Null);
    assert!(peer["wireguard"]["latest_handshake_age"].is_u64());
    assert!(peer["wireguard"]["rx_bytes"].is_u64());
    let f = &peer["findings"][0];
    assert_eq!(f["check"], "private-key");
    assert_eq!(f["section"], "wireguard");
    assert_eq!(f["down"], true);
    assert_eq!(
        f["fix"],
        "wg set wg-as64512 private-key /etc/wireguard/wg-as64512.key"
    );
    assert_eq!(f["location"]["file"], WG);
    assert_eq!(f["location"]["line"], 12);
    assert_eq!(f["location"]["set"], true);
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["actual", "check", "down", "expected", "fix", "location", "section"]
    );
    // The loaded private key never appears, only public keys.
    let dump = std::fs::read_to_string(
        common::root().join("fixtures/status/wireguard-wrong-key/wg-wg-as64512.dump"),
    )
    .unwrap();
    assert!(!stdout(&out).contains(dump.split('\t').next().unwrap()));
}

#[test]
fn handshake_limit_is_a_flag() {
    let out = status("wireguard-stale-handshake", WG, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("handshake: expected a handshake within the last 180 s"));
    let out = status(
        "wireguard-stale-handshake",
        WG,
        &["--handshake-max-age", "3600"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn missing_tools_exit_69() {
    let out = Command::new(env!("CARGO_BIN_EXE_peergen"))
        .args(["status", VXLAN])
        .current_dir(common::root())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69), "{}", stdout(&out));
    assert!(stdout(&out)
        .contains("ERROR vxlan-as64570: cannot inspect the host: `ip` is not installed"));
}

#[test]
fn the_test_hook_is_hidden_from_help() {
    let help = stdout(&peergen(&["status", "--help"], None));
    assert!(!help.contains("host-state"));
    assert!(help.contains("69"));
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn skip(test: &str, why: &str) {
    assert!(
        !tools_required(),
        "{test}: {why}, and PEERGEN_E2E_REQUIRED=1 forbids skipping"
    );
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Runs a command, failing the test with its stderr when it fails.
fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

#[test]
fn real_vxlan_in_a_namespace() {
    const TEST: &str = "real_vxlan_in_a_namespace";
    if !is_root() {
        return skip(TEST, "needs root to create a network namespace");
    }
    if common::require_tool("ip", TEST).is_none() {
        return;
    }
    let ns = Netns(format!("peergen-status-{}", std::process::id()));
    sh(&["ip", "netns", "add", &ns.0]);
    let inns = |args: &[&str]| {
        let mut all = vec!["ip", "netns", "exec", &ns.0];
        all.extend_from_slice(args);
        sh(&all);
    };
    // The underlay: this end's endpoint on a veth, the other end's reachable through it.
    inns(&["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"]);
    inns(&["sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0"]);
    inns(&[
        "ip", "link", "add", "u0", "type", "veth", "peer", "name", "u1",
    ]);
    inns(&["ip", "address", "add", "198.51.100.10/24", "dev", "u0"]);
    inns(&["ip", "link", "set", "u0", "up"]);
    inns(&["ip", "link", "set", "u1", "up"]);
    inns(&[
        "ip",
        "route",
        "add",
        "203.0.113.0/24",
        "via",
        "198.51.100.1",
        "dev",
        "u0",
        "onlink",
    ]);
    let dir = common::temp_dir("status-real-vxlan");
    let out = dir.to_str().unwrap();
    let rendered = peergen(&["render", "--backend", "ip", "--out", out, VXLAN], None);
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let up = dir.join("vxlan-as64570.up.sh");
    let up = up.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = Command::new("ip");
        cmd.args([
            "netns",
            "exec",
            &ns.0,
            env!("CARGO_BIN_EXE_peergen"),
            "status",
        ])
        .args(extra)
        .arg(VXLAN)
        .current_dir(common::root());
        cmd.output().unwrap()
    };
    if Command::new("ip")
        .args(["netns", "exec", &ns.0, "sh", up])
        .status()
        .is_ok_and(|s| !s.success())
    {
        return skip(TEST, "this kernel cannot create a vxlan device");
    }
    let healthy = run(&[]);
    assert_eq!(
        healthy.status.code(),
        Some(0),
        "{}{}",
        stdout(&healthy),
        String::from_utf8_lossy(&healthy.stderr)
    );
    inns(&["ip", "link", "set", "dev", "vxlan-as64570", "mtu", "1400"]);
    let broken = run(&["--json"]);
    assert_eq!(broken.status.code(), Some(1), "{}", stdout(&broken));
    let doc: Value = serde_json::from_slice(&broken.stdout).unwrap();
    let findings = doc["peers"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["check"], "mtu");
    assert_eq!(findings[0]["actual"], "1400");
    assert_eq!(findings[0]["fix"], "ip link set dev vxlan-as64570 mtu 1450");
}

const DUAL: &str = "fixtures/valid/ip6gre-bgp-dualstack.toml";

#[test]
fn bgp_sessions_established_in_bird_are_listed_with_their_counts() {
    let out = status("bgp-bird-established", DUAL, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "ok   ip6gre-as645\n\
         \x20 bgp peergen_ip6gre_as645_v4 to 172.31.26.1 is Established in bird since 03:33:04.553; ipv4 imported 1, exported 1\n\
         \x20 bgp peergen_ip6gre_as645_v6 to 2001:db8:ffff:26::1 is Established in bird since 03:33:08.496; ipv6 imported 1, exported 1\n"
    );
}

#[test]
fn bgp_sessions_established_in_frr_are_listed_with_their_counts() {
    let out = status("bgp-frr-established", DUAL, &["--side", "remote"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "ok   ip6gre-as645\n\
         \x20 bgp peergen_ip6gre_as645_v4 to 172.31.26.0 is Established in frr for 44 s; ipv4 imported 1, exported 1\n\
         \x20 bgp peergen_ip6gre_as645_v6 to 2001:db8:ffff:26:: is Established in frr for 40 s; ipv6 imported 1, exported 1\n"
    );
}

#[test]
fn no_bgp_daemon_is_down_unless_bgp_is_skipped() {
    let out = status("bgp-daemon-missing", DUAL, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "DOWN ip6gre-as645 (1 finding)\n\
         \x20 bgp-daemon: expected a BGP daemon (BIRD or FRR) running 2 sessions over ip6gre-as645; host has no answer from BIRD (birdc) or FRR (vtysh)\n\
         \x20   at fixtures/valid/ip6gre-bgp-dualstack.toml:21:2\n\
         \x20   fix: start BIRD or FRR with the rendered file included (docs/backends/bird.md, docs/backends/frr.md); if it listens elsewhere, pass --bird-socket or --frr-vty-socket\n"
    );
    let out = status("bgp-daemon-missing", DUAL, &["--no-bgp"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "ok   ip6gre-as645\n");
}

#[test]
fn bgp_json_has_the_documented_shape() {
    let out = status(
        "bgp-frr-not-established",
        DUAL,
        &["--json", "--side", "remote"],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let peer = &doc["peers"][0];
    assert_eq!(peer["verdict"], "down");
    let f = &peer["findings"][0];
    assert_eq!(f["check"], "bgp-session");
    assert_eq!(f["section"], "bgp");
    assert_eq!(f["down"], true);
    assert_eq!(
        peer["bgp"][0],
        serde_json::json!({
            "session": "peergen_ip6gre_as645_v4",
            "neighbor": "172.31.26.0",
            "daemon": "frr",
            "state": "Active",
            "since": null,
            "for_seconds": 7,
            "last_error": "BGP Notification received: Cease/Administrative Shutdown",
            "families": [{"family": "ipv4", "imported": 0, "exported": null}],
        })
    );
    // BIRD gives the time the state began, as it prints it.
    let out = status("bgp-bird-established", DUAL, &["--json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &doc["peers"][0]["bgp"][1];
    assert_eq!(s["daemon"], "bird");
    assert_eq!(s["since"], "03:33:08.496");
    assert_eq!(s["for_seconds"], Value::Null);
    assert_eq!(
        s["families"],
        serde_json::json!([{"family": "ipv6", "imported": 1, "exported": 1}])
    );
}

#[test]
fn bgp_export_short_of_the_announce_list_is_a_diff() {
    let out = status("bgp-bird-export-missing", DUAL, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with("DIFF ip6gre-as645 (1 finding)\n"),
        "{text}"
    );
    assert!(text.contains("  bgp-export: expected 1 ipv4 prefix exported on peergen_ip6gre_as645_v4 (198.51.100.0/24); host has 0 exported by bird\n    at fixtures/valid/ip6gre-bgp-dualstack.toml:10:1\n"), "{text}");
}

#[test]
fn a_daemon_without_the_session_is_bgp_missing() {
    let out = status("bgp-bird-missing", DUAL, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks: Vec<&str> = doc["peers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["bgp-missing", "bgp-missing"]);
}

/// A live run where `ip` works but the BGP daemons cannot be reached: BIRD's and FRR's
/// programs missing, or their sockets absent, means no daemon runs (a finding), never
/// "cannot inspect the host" (69).
#[test]
fn absent_bgp_daemons_are_a_finding_not_exit_69() {
    const TEST: &str = "absent_bgp_daemons_are_a_finding_not_exit_69";
    let Some(ip) = common::require_tool("ip", TEST) else {
        return;
    };
    let bin = common::temp_dir("status-bgp-path");
    std::os::unix::fs::symlink(ip, bin.join("ip")).unwrap();
    let checks = |out: &Output| -> Vec<String> {
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["peers"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["check"].as_str().unwrap().to_owned())
            .collect()
    };
    // No birdc, no vtysh on PATH.
    let out = Command::new(env!("CARGO_BIN_EXE_peergen"))
        .args(["status", "--json", DUAL])
        .current_dir(common::root())
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        checks(&out).contains(&"bgp-daemon".to_owned()),
        "{}",
        stdout(&out)
    );
    // The programs (when installed) with sockets that do not exist.
    let out = peergen(
        &[
            "status",
            "--json",
            "--bird-socket",
            "/nonexistent/bird.ctl",
            "--frr-vty-socket",
            "/nonexistent",
            DUAL,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        checks(&out).contains(&"bgp-daemon".to_owned()),
        "{}",
        stdout(&out)
    );
}

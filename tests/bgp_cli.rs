//! The command line with the BGP backends: peers without `[bgp]` are skipped with a note
//! when anything else renders, refused when nothing would; two peers whose interface
//! names give the same daemon names are refused together.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use common::peergen;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn peers_without_bgp_are_skipped_with_a_note_when_others_render() {
    let out = peergen(
        &[
            "render",
            "fixtures/valid/gre-dualstack.toml",
            "fixtures/valid/gre-bgp-ipv4.toml",
            "--backend",
            "frr",
            "--out",
            "-",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("==> frr/peers/gre-as64514.conf (mode 0644) <=="));
    assert!(!stdout.contains("gre-as64520"));
    assert!(stderr(&out).contains("note: frr skipped for 1 peer(s) without a [bgp] table"));
}

#[test]
fn a_peer_without_bgp_alone_is_refused() {
    let out = peergen(
        &[
            "render",
            "fixtures/valid/gre-dualstack.toml",
            "--backend",
            "bird",
            "--out",
            "-",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(65));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("has no [bgp] table"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn interface_names_that_share_daemon_names_are_refused_together() {
    let dir = common::temp_dir("bgp-cli-clash");
    let text =
        std::fs::read_to_string(common::root().join("fixtures/valid/gre-bgp-ipv4.toml")).unwrap();
    // Different tunnels (key, addresses), names that differ only in `.` and `-`.
    for (file, name, n) in [("a.toml", "gre-as.1", 1), ("b.toml", "gre-as-1", 2)] {
        std::fs::write(
            dir.join(file),
            text.replace("name = \"gre-as64514\"", &format!("name = \"{name}\""))
                .replace("key = 24", &format!("key = {n}"))
                .replace("172.31.24.", &format!("172.31.{n}.")),
        )
        .unwrap();
    }
    let dir = dir.to_str().unwrap();
    let out = peergen(&["render", dir, "--backend", "bird", "--out", "-"], None);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("peergen_gre_as_1_"),
        "{}",
        stderr(&out)
    );
    // The tunnel backends have no such names: the same peers render.
    let out = peergen(
        &["render", dir, "--backend", "networkd", "--out", "-"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

//! WireGuard key commands, checked against wireguard-tools itself when it is installed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::process::Command;

use common::{peergen, require_tool, temp_dir};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn pubkey_matches_wg_pubkey_on_many_random_keys() {
    let Some(wg) = require_tool("wg", "pubkey_matches_wg_pubkey_on_many_random_keys") else {
        return;
    };
    for _ in 0..200 {
        let private = stdout(&peergen(&["keygen"], None));
        assert_eq!(private.trim_end().len(), 44);
        let ours = peergen(&["pubkey"], Some(private.as_bytes()));
        assert!(ours.status.success());
        let mut theirs = Command::new(&wg)
            .arg("pubkey")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        theirs
            .stdin
            .take()
            .unwrap()
            .write_all(private.as_bytes())
            .unwrap();
        let theirs = theirs.wait_with_output().unwrap();
        assert_eq!(stdout(&ours), stdout(&theirs), "key {private}");
    }
}

#[test]
fn wg_accepts_keys_from_genpsk_and_keygen_files() {
    let Some(wg) = require_tool("wg", "wg_accepts_keys_from_genpsk_and_keygen_files") else {
        return;
    };
    let dir = temp_dir("wg-accepts");
    let psk = dir.join("psk");
    assert!(peergen(&["genpsk", "--out", psk.to_str().unwrap()], None)
        .status
        .success());
    // `wg pubkey` parses any 32-byte key, so it validates the preshared key's encoding.
    let text = std::fs::read(&psk).unwrap();
    let mut child = Command::new(&wg)
        .arg("pubkey")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn keygen_writes_0600_prints_public_key_and_never_overwrites_without_force() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir("keygen");
    let key = dir.join("wg0.key");
    let key_arg = key.to_str().unwrap();
    let first = peergen(&["keygen", "--out", key_arg], None);
    assert!(first.status.success());
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let private = std::fs::read_to_string(&key).unwrap();
    let public = stdout(&peergen(&["pubkey"], Some(private.as_bytes())));
    assert_eq!(
        stdout(&first),
        public,
        "prints the public key, not the private one"
    );

    let again = peergen(&["keygen", "--out", key_arg], None);
    assert_eq!(again.status.code(), Some(73));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        private,
        "key unchanged"
    );

    let forced = peergen(&["keygen", "--out", key_arg, "--force"], None);
    assert!(forced.status.success());
    assert_ne!(std::fs::read_to_string(&key).unwrap(), private);
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn pubkey_rejects_bad_input_like_wg() {
    let short = peergen(&["pubkey"], Some(b"abc\n"));
    assert_eq!(short.status.code(), Some(65));
    assert_eq!(
        String::from_utf8_lossy(&short.stderr),
        "error: Key is not the correct length or format\n"
    );
    let key = stdout(&peergen(&["keygen"], None));
    let trailing = peergen(&["pubkey"], Some(format!("{} x\n", key.trim()).as_bytes()));
    assert_eq!(
        String::from_utf8_lossy(&trailing.stderr),
        "error: Trailing characters found after key\n"
    );
}

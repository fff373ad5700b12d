//! Helpers shared by the integration tests.

// Test helpers: a panic is a test failure with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `peergen` binary from the repository root.
pub fn peergen(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_peergen"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run peergen");
    if let Some(input) = stdin {
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Whether tests that need system tools must fail instead of skipping (CI sets it).
pub fn tools_required() -> bool {
    std::env::var_os("PEERGEN_E2E_REQUIRED").is_some_and(|v| v == "1")
}

/// Finds `tool` on PATH; when missing, skips visibly, or fails when tools are required.
pub fn require_tool(tool: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            !tools_required(),
            "{test}: `{tool}` is not installed, and PEERGEN_E2E_REQUIRED=1 forbids skipping"
        );
        // Straight to the stderr handle: libtest captures `eprintln!` of passing tests, and
        // a skip must be seen.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: `{tool}` is not installed (install it, or set PEERGEN_E2E_REQUIRED=1 to make this a failure)"
        );
    }
    found
}

/// A fresh empty directory under the target folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

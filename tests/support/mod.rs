//! Helpers for the output-folder tests: running peergen in a chosen folder with a time
//! limit and a memory limit (a hostile folder must neither hang nor exhaust a run), and
//! generating valid peer files in bulk.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The most a hostile-input run may take before the test calls it hung.
pub const HANG: Duration = Duration::from_secs(60);

/// A `peergen` command run from `cwd` under `sh`, limited to 2 GiB of address space so
/// an unbounded read fails instead of exhausting the machine; `umask` is set first.
pub fn command(cwd: &Path, args: &[&str], umask: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v 2097152; umask {umask}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_peergen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` at most `limit`; a child still running then is killed and the test
/// fails: hanging is the bug these tests look for.
pub fn wait(mut child: Child, limit: Duration, what: &str) -> Output {
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Runs peergen in `cwd` with umask 022 and the time limit.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    let child = command(cwd, args, "022").spawn().unwrap();
    wait(child, HANG, &format!("peergen {}", args.join(" ")))
}

/// Stdout and stderr, for assertion messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A valid ip6gre peer file: peer `i` of a set, with `version` in its description so a
/// new version renders different bytes. Endpoints and addresses are unique per peer.
pub fn peer(i: usize, version: u32) -> String {
    format!(
        "name = \"t{i}\"\nkind = \"ip6gre\"\ndescription = \"test peer {i} version {version}\"\n\n[local]\nendpoint = \"2001:db8:100::10\"\naddresses = [\"2001:db8:ff:{i:x}::1/64\"]\n\n[remote]\nendpoint = \"2001:db8:200::{i:x}\"\naddresses = [\"2001:db8:ff:{i:x}::2/64\"]\n\n[ip6gre]\nttl = 255\n"
    )
}

/// Writes peers `range` (at `version`) into `dir` as `pNNNNN.toml`.
pub fn write_peers(dir: &Path, range: std::ops::Range<usize>, version: u32) {
    std::fs::create_dir_all(dir).unwrap();
    for i in range {
        std::fs::write(dir.join(format!("p{i:05}.toml")), peer(i, version)).unwrap();
    }
}

/// A fresh empty directory under the target folder.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        // Tests leave read-only or odd files behind only in their own folders.
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+rwx")
            .arg(&dir)
            .status();
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

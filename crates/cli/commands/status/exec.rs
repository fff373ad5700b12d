//! Runs one read-only command with a time limit and a cap on its output, so a hung `ip`
//! or a huge answer cannot stall a monitoring run.

use std::io::Read as _;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one command may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The most stdout one command may print (each query asks about one device, address or
/// route, so real answers are a few kilobytes).
pub const MAX_OUTPUT: u64 = 4 * 1024 * 1024;
/// The most stderr kept, for the message.
const MAX_ERROR: u64 = 64 * 1024;

/// What a finished command printed.
pub struct Output {
    /// Its exit status.
    pub status: ExitStatus,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr, trimmed.
    pub stderr: String,
}

/// Why a command gave no output.
pub enum Failure {
    /// The program is not installed.
    Missing,
    /// Anything else: the message says what.
    Other(String),
}

fn reader(
    mut pipe: impl std::io::Read + Send + 'static,
    cap: u64,
) -> thread::JoinHandle<std::io::Result<Vec<u8>>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        (&mut pipe).take(cap + 1).read_to_end(&mut buf)?;
        Ok(buf)
    })
}

/// Runs `argv` in the C locale with stdin closed.
pub fn run(argv: &[String]) -> Result<Output, Failure> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| Failure::Other("empty command".to_owned()))?;
    let shown = argv.join(" ");
    let mut child = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => Failure::Missing,
            _ => Failure::Other(format!("cannot run `{shown}`: {err}")),
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Failure::Other(format!(
            "cannot read the output of `{shown}`"
        )));
    };
    let join = |h: thread::JoinHandle<std::io::Result<Vec<u8>>>| {
        h.join()
            .map_err(|_| Failure::Other(format!("reading the output of `{shown}` failed")))?
            .map_err(|e| Failure::Other(format!("reading the output of `{shown}`: {e}")))
    };
    let too_big = || Failure::Other(format!("`{shown}` printed more than {MAX_OUTPUT} bytes"));
    let mut out = Some(reader(stdout, MAX_OUTPUT));
    let err = reader(stderr, MAX_ERROR);
    let mut stdout = None;
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(Failure::Other(format!("waiting for `{shown}`: {e}"))),
        }
        // The reader stops at the cap; a command still writing past it would block, so
        // it is killed at once rather than at the deadline.
        if let Some(handle) = out.take_if(|h| h.is_finished()) {
            let buf = join(handle)?;
            if buf.len() as u64 > MAX_OUTPUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(too_big());
            }
            stdout = Some(buf);
        }
        if Instant::now() >= deadline {
            // Killing closes its pipes, which ends the reader threads.
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::Other(format!(
                "`{shown}` did not finish within {} s",
                TIMEOUT.as_secs()
            )));
        }
        thread::sleep(Duration::from_millis(2));
    };
    let stdout = match (stdout, out) {
        (Some(buf), _) => buf,
        (None, Some(handle)) => join(handle)?,
        (None, None) => Vec::new(),
    };
    let stderr = join(err)?;
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(too_big());
    }
    Ok(Output {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
    })
}

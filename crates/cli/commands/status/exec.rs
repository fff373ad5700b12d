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

/// Runs `argv` in the C locale with stdin closed, within [`TIMEOUT`] and [`MAX_OUTPUT`].
pub fn run(argv: &[String]) -> Result<Output, Failure> {
    run_limited(argv, TIMEOUT, MAX_OUTPUT)
}

fn run_limited(argv: &[String], timeout: Duration, max_output: u64) -> Result<Output, Failure> {
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
    let too_big = || Failure::Other(format!("`{shown}` printed more than {max_output} bytes"));
    let mut out = Some(reader(stdout, max_output));
    let err = reader(stderr, MAX_ERROR);
    let mut stdout = None;
    let deadline = Instant::now() + timeout;
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
            if buf.len() as u64 > max_output {
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
                "`{shown}` did not finish within {} ms",
                timeout.as_millis()
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
    if stdout.len() as u64 > max_output {
        return Err(too_big());
    }
    Ok(Output {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn message(result: Result<Output, Failure>) -> String {
        match result {
            Err(Failure::Other(m)) => m,
            Err(Failure::Missing) => "missing".to_owned(),
            Ok(_) => "ok".to_owned(),
        }
    }

    #[test]
    fn output_status_and_stderr_are_kept() {
        let out = run(&argv(&["sh", "-c", "echo out; echo err >&2; exit 3"]))
            .ok()
            .unwrap();
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn a_missing_program_is_told_apart() {
        assert_eq!(message(run(&argv(&["/nonexistent/ip"]))), "missing");
    }

    #[test]
    fn a_hung_command_is_killed_at_the_deadline() {
        let started = Instant::now();
        let m = message(run_limited(
            &argv(&["sleep", "30"]),
            Duration::from_millis(200),
            MAX_OUTPUT,
        ));
        assert!(m.contains("did not finish within 200 ms"), "{m}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn endless_output_is_cut_at_the_cap() {
        let started = Instant::now();
        let m = message(run_limited(&argv(&["yes"]), Duration::from_secs(20), 1024));
        assert!(m.contains("printed more than 1024 bytes"), "{m}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

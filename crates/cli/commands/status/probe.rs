//! Answers the core's questions about the host: live, by running `ip` and `wg` and
//! reading files, or from a folder of recorded answers (the hidden `--host-state DIR`
//! test hook, documented in docs/testing.md).

use camino::Utf8PathBuf;
use peergen_core::status::gather::{Host, Query};

use super::exec::{self, Failure};

/// The live host. Read-only: only `ip … show|get`, `wg show`, `birdc show …` and
/// `vtysh -c 'show …'`.
pub struct Live;

/// What the live host cannot answer; `peergen status` exits 69 with it.
fn unavailable(query: &Query, failure: Failure) -> String {
    let program = query
        .command()
        .and_then(|c| c.first().cloned())
        .unwrap_or_default();
    match failure {
        Failure::Missing if program == "wg" => {
            "`wg` is not installed (wireguard-tools): it is needed to inspect WireGuard devices"
                .to_owned()
        }
        Failure::Missing if program == "ip" => format!("`{program}` is not installed (iproute2)"),
        Failure::Missing => format!("`{program}` is not installed"),
        Failure::Other(message) => message,
    }
}

impl Host for Live {
    type Error = String;

    fn ask(&mut self, query: &Query) -> Result<Option<String>, String> {
        match query {
            Query::Now => Ok(Some(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
                    .to_string(),
            )),
            Query::File(path) => match std::fs::read_to_string(path) {
                Ok(text) => Ok(Some(text)),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(format!("cannot read {path}: {err}")),
            },
            Query::Dir(path) => match std::fs::read_dir(path) {
                Ok(entries) => Ok(Some(
                    entries
                        .filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(format!("cannot list {path}: {err}")),
            },
            _ => {
                let argv = query.command().unwrap_or_default();
                let daemon = matches!(query, Query::Bird { .. } | Query::Frr { .. });
                let out = match exec::run(&argv) {
                    // No birdc or vtysh: that daemon is not installed, so not running.
                    Err(Failure::Missing) if daemon => return Ok(None),
                    other => other.map_err(|f| unavailable(query, f))?,
                };
                if out.status.success() {
                    return Ok(Some(out.stdout));
                }
                absent(query, &out.stdout, &out.stderr).ok_or_else(|| {
                    let shown = argv.join(" ");
                    let hint = if out.stderr.contains("Operation not permitted")
                        || out.stderr.contains("Permission denied")
                    {
                        " (run as root: reading WireGuard's keys needs CAP_NET_ADMIN)"
                    } else {
                        ""
                    };
                    format!("`{shown}` failed: {}{hint}", out.stderr)
                })
            }
        }
    }
}

/// The answer of a command that failed because what it was asked about does not exist
/// (or, for the BGP daemons, because the daemon is not running).
fn absent(query: &Query, stdout: &str, stderr: &str) -> Option<Option<String>> {
    match query {
        Query::Link(_) | Query::Addresses(_) if stderr.contains("does not exist") => Some(None),
        // Not a WireGuard device, or none at all.
        Query::Wireguard(_)
            if stderr.contains("No such device")
                || stderr.contains("Protocol not supported")
                || stderr.contains("does not exist") =>
        {
            Some(None)
        }
        // A table that holds no route yet does not exist.
        Query::Route { .. } if stderr.contains("FIB table does not exist") => {
            Some(Some("[]".to_owned()))
        }
        // No route at all to the endpoint: not through the tunnel either.
        Query::RouteGet(_) => Some(None),
        // BIRD refuses an unknown protocol name with an error after it answered: that is
        // its answer. No socket (or nothing listening on it): BIRD is not running.
        Query::Bird { .. }
            if stdout
                .lines()
                .any(|l| l.starts_with("BIRD ") && l.ends_with(" ready.")) =>
        {
            Some(Some(stdout.to_owned()))
        }
        // Not "Permission denied": a BIRD that runs but that this user may not ask is an
        // error to report, not an absent daemon.
        Query::Bird { .. }
            if stderr.contains("Unable to connect to server control socket")
                && (stderr.contains("No such file") || stderr.contains("Connection refused")) =>
        {
            Some(None)
        }
        Query::Frr { .. } if stderr.contains("failed to connect to any daemons") => Some(None),
        _ => None,
    }
}

/// Answers from files named by [`Query::recorded`]; a missing file is a missing answer.
pub struct Recorded(pub Utf8PathBuf);

impl Host for Recorded {
    type Error = String;

    fn ask(&mut self, query: &Query) -> Result<Option<String>, String> {
        let path = self.0.join(query.recorded());
        let missing = |err: &std::io::Error| err.kind() == std::io::ErrorKind::NotFound;
        if let Query::Dir(_) = query {
            return match std::fs::read_dir(&path) {
                Ok(entries) => Ok(Some(
                    entries
                        .filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )),
                Err(err) if missing(&err) => Ok(None),
                Err(err) => Err(format!("cannot list {path}: {err}")),
            };
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(err) if missing(&err) => Ok(None),
            Err(err) => Err(format!("cannot read {path}: {err}")),
        }
    }
}

//! `peergen check`: validate only.

use camino::{Utf8Path, Utf8PathBuf};

use crate::exit::Exit;
use crate::plan::Plan;

/// Validates every file; diagnostics go to stderr, a one-line verdict to stdout.
pub fn run(config: Option<&Utf8Path>, paths: &[Utf8PathBuf]) -> Exit {
    match Plan::resolve(config, paths).and_then(|plan| plan.load_peers()) {
        Ok(loaded) => {
            for l in &loaded {
                crate::outln!(
                    "ok: {} ({} {}, MTU {})",
                    l.peer.source,
                    l.peer.kind(),
                    l.peer.name,
                    l.peer.mtu.value
                );
            }
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
